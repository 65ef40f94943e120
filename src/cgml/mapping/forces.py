"""Centre-of-mass mapping of positions and summed mapping of forces (Eq. 4).

For a linear centre-of-mass mapping, the CG force on site I is the sum of the FG
forces on the beads of I (Giunta et al. 2023, Eq. 4; Noid et al. 2008). Positions
are mass-weighted centres; in periodic boxes each group is first made whole around
its first bead with the minimum image convention.

Trajectories are read with MDAnalysis; a LAMMPS custom dump with columns
``id mol type mass x y z fx fy fz`` serves as its own topology, and ``mol`` (the
residue id) names the CG site.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MappedFrames:
    """CG trajectory: ``time (f,)``, ``positions (f, N, 3)``, ``forces (f, N, 3)``,
    ``site_ids (N,)`` (molecule ids), ``box_lengths (f, 3)`` (zeros for open boxes)."""

    time: np.ndarray
    positions: np.ndarray
    forces: np.ndarray
    site_ids: np.ndarray
    box_lengths: np.ndarray


def map_frames(positions, forces, masses, groups, box_lengths=None):
    """Map one frame: ``positions (n, 3)``, ``forces (n, 3)``, ``masses (n,)``, ``groups (n,)`` ints.

    Returns ``(site_ids (N,), com (N, 3), force_sum (N, 3))``.
    """
    positions = np.asarray(positions, dtype=np.float64)
    forces = np.asarray(forces, dtype=np.float64)
    masses = np.asarray(masses, dtype=np.float64)
    groups = np.asarray(groups)
    site_ids, inverse = np.unique(groups, return_inverse=True)
    n_sites = len(site_ids)
    first = np.zeros(n_sites, np.int64)
    # index of the first bead of each group
    seen = np.full(n_sites, -1, np.int64)
    for a, g in enumerate(inverse):
        if seen[g] < 0:
            seen[g] = a
    first[:] = seen
    rel = positions - positions[first[inverse]]
    if box_lengths is not None and np.all(np.asarray(box_lengths) > 0):
        box = np.asarray(box_lengths, dtype=np.float64)
        rel -= box * np.rint(rel / box)
    total_mass = np.bincount(inverse, weights=masses, minlength=n_sites)
    com = np.empty((n_sites, 3))
    fsum = np.empty((n_sites, 3))
    for d in range(3):
        com[:, d] = np.bincount(inverse, weights=masses * rel[:, d], minlength=n_sites) / total_mass
        fsum[:, d] = np.bincount(inverse, weights=forces[:, d], minlength=n_sites)
    com += positions[first]
    if box_lengths is not None and np.all(np.asarray(box_lengths) > 0):
        com = np.mod(com, np.asarray(box_lengths, dtype=np.float64))
    return site_ids, com, fsum


def map_lammps_dump(dump_path, periodic: bool = False) -> MappedFrames:
    """Read a LAMMPS custom dump with MDAnalysis and map every frame.

    The dump must contain ``id mol type mass x y z fx fy fz`` (see
    ``workflow/lammps/np_constrained.in``). ``periodic=False`` treats the box as
    open (shrink-wrapped runs): no minimum image when making groups whole.
    """
    import MDAnalysis as mda

    universe = mda.Universe(str(dump_path), format="LAMMPSDUMP", topology_format="LAMMPSDUMP")
    atoms = universe.atoms
    if not universe.trajectory.ts.has_forces:
        raise ValueError(f"{dump_path}: dump has no fx fy fz columns; cannot map forces")
    masses = atoms.masses.astype(np.float64)
    groups = atoms.resids
    times, pos, frc, boxes = [], [], [], []
    site_ids = None
    for ts in universe.trajectory:
        box = ts.dimensions[:3].astype(np.float64) if periodic else None
        site_ids, com, fsum = map_frames(atoms.positions, ts.forces, masses, groups, box)
        times.append(ts.time)
        pos.append(com)
        frc.append(fsum)
        boxes.append(box if box is not None else np.zeros(3))
    if not pos:
        raise ValueError(f"{dump_path}: no frames in trajectory")
    return MappedFrames(np.asarray(times), np.asarray(pos), np.asarray(frc), np.asarray(site_ids),
                        np.asarray(boxes))
