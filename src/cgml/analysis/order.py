"""Bond-orientational order: Steinhardt q_l, global Q_l, and solid-like particle counts.

Units: lengths ``[length]`` (any unit, consistent between positions, box and r_cut); all
order parameters are dimensionless. Boxes are orthorhombic and periodic
(``box_lengths (3,)``) or open (``box_lengths=None``). Neighbours are all particles
within ``r_cut`` (from :func:`cgml.neighbors.build_neighbor_list`); bond vectors are
R_ij = R_i - R_j (the sign does not matter for even l).

Definitions (Steinhardt, Nelson, Ronchetti, Phys. Rev. B 28, 784 (1983))::

    q_lm(i) = 1/N_b(i) sum_{j in nb(i)} Y_lm(r_ij_hat)
    q_l(i)  = sqrt( 4 pi / (2l + 1) sum_m |q_lm(i)|^2 )
    Q_lm    = sum_i sum_{j in nb(i)} Y_lm(r_ij_hat) / sum_i N_b(i)       (bond average)
    Q_l     = sqrt( 4 pi / (2l + 1) sum_m |Q_lm|^2 )

and the locally averaged q_l of Lechner & Dellago, J. Chem. Phys. 129, 114707 (2008),
qbar_lm(i) = (q_lm(i) + sum_{j in nb(i)} q_lm(j)) / (N_b(i) + 1). For a perfect FCC
lattice with its 12 nearest neighbours q_4 = 0.19094 and q_6 = Q_6 = 0.57452; an
isotropic fluid gives Q_6 -> 0 as 1/sqrt(number of bonds).

Solid-like particles (ten Wolde, Ruiz-Montero, Frenkel, J. Chem. Phys. 104, 9932 (1996)):
with the normalised vectors qhat_6m(i) = q_6m(i) / sqrt(sum_m |q_6m(i)|^2), a bond i-j is
crystalline if d_6(i, j) = Re sum_m qhat_6m(i) conj(qhat_6m(j)) > ``threshold`` and a
particle is solid-like with at least ``min_bonds`` crystalline bonds. The defaults
(0.7, 7, neighbours within ~1.4-1.5 sigma) are the values commonly used for hard and soft
spheres (e.g. Auer & Frenkel, Nature 409, 1020 (2001); Filion et al., J. Chem. Phys.
133, 244115 (2010)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import sph_harm_y

from cgml.neighbors import build_neighbor_list

__all__ = [
    "BondOrder",
    "SolidLike",
    "compute_bond_order",
    "count_crystalline_bonds",
    "spherical_harmonics",
]


def spherical_harmonics(l: int, vectors) -> np.ndarray:
    """Y_lm(r_hat) for m = -l..l of every vector: complex ``(m_vectors, 2l + 1)``.

    Condon-Shortley phase and normalisation of ``scipy.special.sph_harm_y``
    (sum_m |Y_lm|^2 = (2l + 1) / (4 pi)). ``vectors (m_vectors, 3)`` [length], non-zero.
    """
    vectors = np.asarray(vectors, dtype=np.float64).reshape(-1, 3)
    r = np.linalg.norm(vectors, axis=1)
    if np.any(r == 0):
        raise ValueError("zero-length bond vector (coincident particles)")
    theta = np.arccos(np.clip(vectors[:, 2] / r, -1.0, 1.0))
    phi = np.mod(np.arctan2(vectors[:, 1], vectors[:, 0]), 2.0 * np.pi)
    m = np.arange(-l, l + 1)
    return sph_harm_y(l, m[None, :], theta[:, None], phi[:, None])


def _neighbors(positions, box_lengths, r_cut):
    positions = np.asarray(positions, dtype=np.float64)
    if positions.ndim != 2 or positions.shape[1] != 3:
        raise ValueError(f"positions must have shape (n, 3), got {positions.shape}")
    if not (np.isfinite(r_cut) and r_cut > 0):
        raise ValueError(f"r_cut must be positive, got {r_cut}")
    return build_neighbor_list(positions, float(r_cut), box_lengths)


def _q_lm(l, neighbors, n):
    """Per-particle q_lm (n, 2l+1) complex, bond sums (2l+1,) and neighbour counts (n,)."""
    y = spherical_harmonics(l, neighbors.vectors)
    owners = neighbors.owners()
    n_neighbors = np.diff(neighbors.offsets)
    sums = np.zeros((n, 2 * l + 1), dtype=np.complex128)
    np.add.at(sums, owners, y)
    with np.errstate(invalid="ignore", divide="ignore"):
        q_lm = np.where(n_neighbors[:, None] > 0, sums / np.maximum(n_neighbors, 1)[:, None], 0.0)
    return q_lm, sums.sum(axis=0), n_neighbors


def _magnitude(l, q_lm):
    return np.sqrt(4.0 * np.pi / (2 * l + 1) * np.sum(np.abs(q_lm) ** 2, axis=-1))


@dataclass(frozen=True)
class BondOrder:
    """Steinhardt order parameters of one configuration.

    l_values : (k,) int; q_l : (n, k) per particle; q_l_averaged : (n, k) Lechner-Dellago
    qbar_l; Q_l : (k,) global bond-averaged; n_neighbors : (n,) int; r_cut [length].
    Particles without neighbours have q_l = 0.
    """

    l_values: np.ndarray
    q_l: np.ndarray
    q_l_averaged: np.ndarray
    Q_l: np.ndarray
    n_neighbors: np.ndarray
    r_cut: float

    def _column(self, l: int) -> int:
        hits = np.flatnonzero(self.l_values == l)
        if hits.size == 0:
            raise KeyError(f"l={l} was not computed (have {self.l_values.tolist()})")
        return int(hits[0])

    def q(self, l: int) -> np.ndarray:
        """(n,) per-particle q_l."""
        return self.q_l[:, self._column(l)]

    def Q(self, l: int) -> float:
        """Global Q_l."""
        return float(self.Q_l[self._column(l)])

    @property
    def q4(self) -> np.ndarray:
        return self.q(4)

    @property
    def q6(self) -> np.ndarray:
        return self.q(6)

    @property
    def Q4(self) -> float:
        return self.Q(4)

    @property
    def Q6(self) -> float:
        return self.Q(6)


def compute_bond_order(positions, box_lengths, r_cut: float, l_values=(4, 6)) -> BondOrder:
    """Steinhardt q_l per particle, Lechner-Dellago qbar_l, and global Q_l.

    Parameters
    ----------
    positions : (n, 3) float [length]
    box_lengths : (3,) float [length] (periodic, each >= 2 r_cut) or None (open)
    r_cut : float [length], neighbours are all particles closer than r_cut (for FCC
        choose between the first and second shell, e.g. 1.2-1.45 nearest-neighbour distances)
    l_values : iterable of non-negative ints
    """
    l_values = np.array(sorted(set(int(l) for l in l_values)), dtype=np.int64)
    if l_values.size == 0 or np.any(l_values < 0):
        raise ValueError(f"l_values must be non-negative integers, got {l_values}")
    neighbors = _neighbors(positions, box_lengths, r_cut)
    n = neighbors.n_particles
    owners = neighbors.owners()
    q_l = np.zeros((n, l_values.size))
    q_bar = np.zeros((n, l_values.size))
    Q_l = np.zeros(l_values.size)
    n_neighbors = np.diff(neighbors.offsets)
    for k, l in enumerate(l_values):
        q_lm, bond_sum, n_neighbors = _q_lm(int(l), neighbors, n)
        q_l[:, k] = _magnitude(l, q_lm)
        neighbor_sum = np.zeros_like(q_lm)
        np.add.at(neighbor_sum, owners, q_lm[neighbors.index])
        q_bar[:, k] = _magnitude(l, (q_lm + neighbor_sum) / (n_neighbors + 1)[:, None])
        total_bonds = n_neighbors.sum()
        Q_l[k] = _magnitude(l, bond_sum / total_bonds) if total_bonds > 0 else 0.0
    return BondOrder(l_values, q_l, q_bar, Q_l, n_neighbors.astype(np.int64), float(r_cut))


@dataclass(frozen=True)
class SolidLike:
    """ten Wolde-Frenkel solid-like particle analysis of one configuration.

    n_crystalline_bonds : (n,) int; is_solid : (n,) bool; fraction_solid : float;
    n_neighbors : (n,) int; threshold, min_bonds, r_cut [length]: the criterion used.
    """

    n_crystalline_bonds: np.ndarray
    is_solid: np.ndarray
    fraction_solid: float
    n_neighbors: np.ndarray
    threshold: float
    min_bonds: int
    r_cut: float


def count_crystalline_bonds(positions, box_lengths, r_cut: float, threshold: float = 0.7,
                            min_bonds: int = 7, l: int = 6) -> SolidLike:
    """Count crystalline bonds d_l(i, j) > threshold and flag solid-like particles.

    Parameters
    ----------
    positions : (n, 3) float [length]; box_lengths : (3,) float [length] or None
    r_cut : float [length], neighbour cutoff (about the first minimum of g(r))
    threshold : float, minimum normalised q_l-vector product of a crystalline bond
    min_bonds : int, minimum number of crystalline bonds of a solid-like particle
    l : int, the harmonic order (6 in the ten Wolde-Frenkel criterion)
    """
    if not -1.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must lie in [-1, 1], got {threshold}")
    if int(min_bonds) != min_bonds or min_bonds < 1:
        raise ValueError(f"min_bonds must be a positive integer, got {min_bonds}")
    neighbors = _neighbors(positions, box_lengths, r_cut)
    n = neighbors.n_particles
    q_lm, _, n_neighbors = _q_lm(int(l), neighbors, n)
    norm = np.sqrt(np.sum(np.abs(q_lm) ** 2, axis=1))
    q_hat = np.where(norm[:, None] > 0, q_lm / np.where(norm > 0, norm, 1.0)[:, None], 0.0)
    owners = neighbors.owners()
    d = np.real(np.sum(q_hat[owners] * np.conj(q_hat[neighbors.index]), axis=1))
    crystalline = np.bincount(owners[d > threshold], minlength=n).astype(np.int64)
    is_solid = crystalline >= int(min_bonds)
    fraction = float(is_solid.mean()) if n else float("nan")
    return SolidLike(crystalline, is_solid, fraction, n_neighbors.astype(np.int64),
                     float(threshold), int(min_bonds), float(r_cut))
