"""A minimal molecular topology record and the LAMMPS data-file writer.

Units: LAMMPS ``real`` (Angstrom, g/mol). Atom, bond and angle types are 1-based
as in LAMMPS; atom indices inside the record are 0-based.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cgml.io import atomic_path


@dataclass(frozen=True)
class Topology:
    """Atoms, bonds and angles of a fine-grained system.

    positions (n, 3) [Angstrom]; types (n,) int >= 1; molecules (n,) int >= 1;
    masses: {type: mass [g/mol]}; bonds (m, 3) rows (type, i, j); angles (k, 4) rows
    (type, i, j, k) with j the apex; box_lo, box_hi (3,) [Angstrom]; images (n, 3) int
    or None: the periodic images the wrapped positions came from, so that LAMMPS can
    unwrap molecules cut by the box (rigid bodies need this).
    """

    positions: np.ndarray
    types: np.ndarray
    molecules: np.ndarray
    masses: dict
    bonds: np.ndarray
    angles: np.ndarray
    box_lo: np.ndarray
    box_hi: np.ndarray
    type_names: dict = field(default_factory=dict)
    images: np.ndarray | None = None  # (n, 3) periodic image flags of wrapped positions

    @property
    def n_atoms(self) -> int:
        return int(self.positions.shape[0])


def write_lammps_data(path, topology: Topology, title: str = "cgml") -> None:
    """Write ``topology`` as a LAMMPS data file for ``atom_style full`` (charges 0)."""
    t = topology
    n_atom_types = max(t.masses)
    n_bond_types = int(t.bonds[:, 0].max()) if len(t.bonds) else 0
    n_angle_types = int(t.angles[:, 0].max()) if len(t.angles) else 0
    lines = [f"{title}", "",
             f"{t.n_atoms} atoms", f"{len(t.bonds)} bonds", f"{len(t.angles)} angles", "",
             f"{n_atom_types} atom types", f"{max(n_bond_types, 1)} bond types",
             f"{max(n_angle_types, 1)} angle types", ""]
    for d, name in enumerate("xyz"):
        lines.append(f"{t.box_lo[d]:.6f} {t.box_hi[d]:.6f} {name}lo {name}hi")
    lines += ["", "Masses", ""]
    lines += [f"{k} {t.masses[k]:.4f}" + (f"  # {t.type_names[k]}" if k in t.type_names else "")
              for k in sorted(t.masses)]
    lines += ["", "Atoms # full", ""]
    if t.images is not None and np.shape(t.images) != (t.n_atoms, 3):
        raise ValueError(f"images must have shape ({t.n_atoms}, 3), got {np.shape(t.images)}")
    for i in range(t.n_atoms):
        x, y, z = t.positions[i]
        flags = "" if t.images is None else " {} {} {}".format(*(int(v) for v in t.images[i]))
        lines.append(f"{i + 1} {t.molecules[i]} {t.types[i]} 0.0 {x:.6f} {y:.6f} {z:.6f}{flags}")
    if len(t.bonds):
        lines += ["", "Bonds", ""]
        lines += [f"{b + 1} {row[0]} {row[1] + 1} {row[2] + 1}" for b, row in enumerate(t.bonds)]
    if len(t.angles):
        lines += ["", "Angles", ""]
        lines += [f"{a + 1} {row[0]} {row[1] + 1} {row[2] + 1} {row[3] + 1}"
                  for a, row in enumerate(t.angles)]
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join(lines) + "\n")
