"""Ligand-stabilised nanoparticles of Giunta, Campos-Villalobos & Dijkstra, ACS Nano 17, 23391 (2023).

Units: LAMMPS ``real`` (Angstrom, kcal/mol). One nanoparticle (NP) is a rigid core of
``n_core`` beads spread uniformly on a sphere of diameter ``core_diameter``
(sigma_c = 42 A), each carrying one ligand of ``ligand_length`` MARTINI C1 beads
(72 g/mol), the first bonded to its core bead. With 275 core beads and 5-bead
ligands an NP has 275 + 1375 = 1650 beads (paper, "Fine-Grained Model").

Initial ligand conformations are straight radial chains with bond length b0; the
LAMMPS input minimises overlaps (steepest descent) before any sampling.

Types: 1 = core bead, 2 = ligand bead. Bond type 1 (core-L1 and L-L, harmonic),
angle type 1 (cosine/squared) for every consecutive triple along a ligand,
including core-L1-L2 (our choice: the paper lists angles between "three connected
beads"; the core bead is connected).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cgml.fg.topology import Topology

CORE_TYPE = 1
LIGAND_TYPE = 2


def fibonacci_sphere(n: int) -> np.ndarray:
    """Return ``n`` nearly uniform unit vectors (n, 3) on the sphere (golden-angle spiral)."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    k = np.arange(n) + 0.5
    z = 1.0 - 2.0 * k / n
    rho = np.sqrt(1.0 - z * z)
    phi = np.pi * (3.0 - np.sqrt(5.0)) * k
    return np.column_stack([rho * np.cos(phi), rho * np.sin(phi), z])


@dataclass(frozen=True)
class NanoparticleSpec:
    """Geometry of one NP [Angstrom, g/mol]."""

    n_core: int = 275
    core_diameter: float = 42.0
    ligand_length: int = 5
    bond_length: float = 4.7
    ligand_mass: float = 72.0
    core_bead_mass: float = 72.0

    @property
    def beads_per_particle(self) -> int:
        return self.n_core * (1 + self.ligand_length)


def build_nanoparticles(centers, spec: NanoparticleSpec = NanoparticleSpec(), box_lengths=None,
                        padding: float = 60.0, rng: np.random.Generator | None = None) -> Topology:
    """Build NPs with cores centred at ``centers (N, 3)`` [Angstrom].

    Each NP gets a random orientation of its core-bead pattern when ``rng`` is
    given (so that frozen configurations do not share a lattice orientation).
    Molecule id = NP index + 1 for every bead of that NP (core and ligands), so
    mapping can group beads by molecule. ``box_lengths`` None gives a box that
    pads the extent of the system by ``padding`` (for shrink-wrapped boundaries).
    """
    centers = np.atleast_2d(np.asarray(centers, dtype=np.float64))
    if centers.shape[1] != 3:
        raise ValueError(f"centers must have shape (N, 3), got {centers.shape}")
    unit = fibonacci_sphere(spec.n_core)
    radius = spec.core_diameter / 2.0
    per_np = spec.beads_per_particle
    n_np = len(centers)
    positions = np.empty((n_np * per_np, 3))
    types = np.empty(n_np * per_np, np.int64)
    molecules = np.empty(n_np * per_np, np.int64)
    bonds, angles = [], []
    for p, c in enumerate(centers):
        u = unit
        if rng is not None:
            q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
            u = unit @ q.T
        base = p * per_np
        core_idx = base + np.arange(spec.n_core)
        positions[core_idx] = c + radius * u
        types[core_idx] = CORE_TYPE
        molecules[base:base + per_np] = p + 1
        for s in range(spec.n_core):
            chain = [core_idx[s]]
            for k in range(spec.ligand_length):
                a = base + spec.n_core + s * spec.ligand_length + k
                positions[a] = c + (radius + (k + 1) * spec.bond_length) * u[s]
                types[a] = LIGAND_TYPE
                chain.append(a)
            for a, b in zip(chain[:-1], chain[1:]):
                bonds.append((1, a, b))
            for a, b, d in zip(chain[:-2], chain[1:-1], chain[2:]):
                angles.append((1, a, b, d))
    images = None
    if box_lengths is None:
        lo = positions.min(axis=0) - padding
        hi = positions.max(axis=0) + padding
    else:
        lo = np.zeros(3)
        hi = np.asarray(box_lengths, dtype=np.float64).reshape(3)
        images = np.floor_divide(positions, hi).astype(np.int64)
        positions = positions - images * hi
    return Topology(
        positions=positions, types=types, molecules=molecules,
        masses={CORE_TYPE: spec.core_bead_mass, LIGAND_TYPE: spec.ligand_mass},
        bonds=np.asarray(bonds, np.int64).reshape(-1, 3),
        angles=np.asarray(angles, np.int64).reshape(-1, 4),
        box_lo=lo, box_hi=hi, type_names={CORE_TYPE: "core", LIGAND_TYPE: "C1"}, images=images,
    )
