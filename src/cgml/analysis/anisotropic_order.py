"""Order parameters of anisotropic particles: nematic and smectic order, 2D bond angles.

Units: positions and box lengths [length]; directions are unit vectors (dimensionless);
angles in degrees where stated.

* Nematic order S_2: largest eigenvalue of Q = < (3 u u^T - I) / 2 > over particles, its
  eigenvector the director n (0 for an isotropic phase up to O(N^-1/2), 1 for perfect
  alignment). Eppenga & Frenkel, Mol. Phys. 52, 1303 (1984).
* Smectic order tau = max_d |< exp(2 pi i (r . n) / d) >| over layer spacings d
  (McMillan's tau; Polson & Frenkel, PRE 56, R6260 (1997) use the same form): ~ N^-1/2
  without layers, close to 1 for sharp layers along n. Open boundaries: the spacing is
  scanned on a grid. Periodic box: a density wave must fit the box, so the wave vectors
  are those of the reciprocal lattice, k = 2 pi (h / L_x, k / L_y, l / L_z), with
  2 pi / |k| in the spacing range and k within 30 deg of the director; this makes tau
  independent of how positions are wrapped (a non-commensurate spacing on wrapped
  positions gives spurious values).
* In-layer hexatic order psi_6 = < |sum_bonds exp(6 i phi)| / max(n_b, 6) > over all
  particles, bonds to the n_b neighbours in the particle's own layer (layer of spacing
  d along the director, bond shorter than ``r_bond`` in the plane normal to it): 1 for
  the hexagonal layers of the solid, small for liquid-like layers (smectic A) and for
  dilute states (a particle with one bond counts 1/6, not 1).
* 2D bond angles (the Lambda_1 lattice of superballs, Campos-Villalobos et al. 2024,
  Fig. 5d; Rossi et al. PNAS 2015): neighbours within ``r_bond`` in the XY plane; for
  each particle with >= 2 bonds, the smallest angle between angularly consecutive bonds.
  Square lattice 90 deg, hexagonal 60 deg, the rhombic Lambda_1 lattice ~53 deg.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["NematicOrder", "nematic_order", "smectic_order", "bond_angles_2d", "layer_hexatic_order"]


@dataclass(frozen=True)
class NematicOrder:
    """s2 : float, the nematic order parameter; director (3,) unit vector."""

    s2: float
    director: np.ndarray


def _units(name, directions) -> np.ndarray:
    u = np.asarray(directions, dtype=np.float64)
    if u.ndim != 2 or u.shape[1] != 3 or u.shape[0] < 1:
        raise ValueError(f"{name} must have shape (n >= 1, 3), got {u.shape}")
    norm = np.linalg.norm(u, axis=1)
    if not np.all(np.isfinite(norm)) or np.any(np.abs(norm - 1.0) > 1e-6):
        raise ValueError(f"{name} must be unit vectors")
    return u


def nematic_order(directions) -> NematicOrder:
    """S_2 and the director of ``directions (n, 3)`` (unit vectors, head-tail symmetric)."""
    u = _units("directions", directions)
    q = 1.5 * np.einsum("ni,nj->ij", u, u) / u.shape[0] - 0.5 * np.eye(3)
    values, vectors = np.linalg.eigh(q)
    return NematicOrder(float(values[-1]), vectors[:, -1].copy())


def smectic_order(positions, director, spacings, box_lengths=None,
                  max_tilt_deg: float = 30.0) -> tuple[float, float]:
    """(tau, d*): McMillan's smectic order and its layer spacing (module docstring).

    positions (n, 3) [length]; director (3,) unit vector; spacings (k,) [length]: the grid
    of spacings (open boundaries) or, with ``box_lengths (3,)`` [length] of a periodic
    box, the range [min, max] of spacings on the box's reciprocal lattice, whose wave
    vectors lie within ``max_tilt_deg`` of the director (the layer normal).
    """
    r = np.asarray(positions, dtype=np.float64)
    if r.ndim != 2 or r.shape[1] != 3:
        raise ValueError(f"positions must have shape (n, 3), got {r.shape}")
    n = _units("director", np.reshape(director, (1, 3)))[0]
    d = np.asarray(spacings, dtype=np.float64).reshape(-1)
    if d.size == 0 or np.any(~np.isfinite(d)) or np.any(d <= 0):
        raise ValueError("spacings must be positive lengths")
    if box_lengths is None:
        z = r @ n
        tau = np.abs(np.exp(2j * np.pi * z[None, :] / d[:, None]).mean(axis=1))
        k = int(np.argmax(tau))
        return float(tau[k]), float(d[k])
    box = np.asarray(box_lengths, dtype=np.float64).reshape(-1)
    if box.shape != (3,) or np.any(~np.isfinite(box)) or np.any(box <= 0):
        raise ValueError(f"box_lengths must be 3 positive lengths, got {box_lengths}")
    k_max = 2.0 * np.pi / d.min()
    k_min = 2.0 * np.pi / d.max()
    m = np.ceil(k_max * box / (2.0 * np.pi)).astype(int)
    hkl = np.stack(np.meshgrid(*(np.arange(-mi, mi + 1) for mi in m), indexing="ij"), -1).reshape(-1, 3)
    kvec = 2.0 * np.pi * hkl / box
    kn = np.linalg.norm(kvec, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos_tilt = (kvec @ n) / kn
    keep = (kn >= k_min * (1 - 1e-12)) & (kn <= k_max * (1 + 1e-12)) & \
        (cos_tilt >= np.cos(np.radians(max_tilt_deg)))  # one of +-k: |rho_k| is even in k
    if not np.any(keep):
        return 0.0, float("nan")
    kvec, kn = kvec[keep], kn[keep]
    tau = np.abs(np.exp(1j * (r @ kvec.T)).mean(axis=0))
    k = int(np.argmax(tau))
    return float(tau[k]), float(2.0 * np.pi / kn[k])


def bond_angles_2d(positions, box_lengths, r_bond: float, min_bonds: int = 2) -> np.ndarray:
    """Smallest consecutive-bond angle [deg] of every particle with >= ``min_bonds`` bonds,
    ``(m,)``.

    positions (n, 2 or 3) [length] (the XY plane is used); box_lengths (2 or 3,) periodic
    in X and Y, or None for open boundaries; r_bond [length]. A lattice angle needs a
    particle inside a crystallite: at its edge a particle of a Lambda_1 lattice (rows
    shifted by half a spacing) may have only a row bond and a shifted-row bond, 63.4 deg
    apart, while inside its smallest angle is the 53.1 deg between its two neighbours in
    an adjacent row; ``min_bonds = 4`` keeps the particles that have one.
    """
    if min_bonds < 2:
        raise ValueError(f"min_bonds must be >= 2 (an angle needs two bonds), got {min_bonds}")
    r = np.asarray(positions, dtype=np.float64)[:, :2]
    if not (np.isfinite(r_bond) and r_bond > 0):
        raise ValueError(f"r_bond must be a positive length, got {r_bond}")
    box = None if box_lengths is None else np.asarray(box_lengths, dtype=np.float64)[:2]
    out = []
    for i in range(r.shape[0]):
        d = r - r[i]
        if box is not None:
            d -= box * np.rint(d / box)
        dist = np.hypot(d[:, 0], d[:, 1])
        bonded = (dist > 0) & (dist < r_bond)
        if bonded.sum() < min_bonds:
            continue
        angles = np.sort(np.arctan2(d[bonded, 1], d[bonded, 0]))
        gaps = np.diff(np.r_[angles, angles[0] + 2 * np.pi])
        out.append(np.degrees(gaps.min()))
    return np.array(out)


def layer_hexatic_order(positions, box_lengths, director, spacing: float, r_bond: float) -> float:
    """psi_6 of the in-layer bonds (module docstring); 0 for particles without bonds.

    positions (n, 3) [length]; box_lengths (3,) periodic [length] or None; director (3,)
    unit vector; spacing : layer spacing d [length]; r_bond [length].
    """
    r = np.asarray(positions, dtype=np.float64)
    n_hat = _units("director", np.reshape(director, (1, 3)))[0]
    if not (spacing > 0 and r_bond > 0):
        raise ValueError(f"spacing and r_bond must be positive lengths, got {spacing}, {r_bond}")
    helper = np.array([1.0, 0.0, 0.0]) if abs(n_hat[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = np.cross(n_hat, helper)
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(n_hat, e1)
    box = None if box_lengths is None else np.asarray(box_lengths, dtype=np.float64)
    values = []
    for i in range(r.shape[0]):
        d = r - r[i]
        if box is not None:
            d -= box * np.rint(d / box)
        axial = d @ n_hat
        x, y = d @ e1, d @ e2
        bonded = (np.abs(axial) < 0.5 * spacing) & (np.hypot(x, y) < r_bond) & (np.hypot(x, y) > 0)
        n_b = int(bonded.sum())
        values.append(abs(np.sum(np.exp(6j * np.arctan2(y[bonded], x[bonded])))) / max(n_b, 6)
                      if n_b else 0.0)
    return float(np.mean(values)) if values else float("nan")
