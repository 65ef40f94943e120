"""Behler-Parrinello symmetry functions and their force features for linear CG potentials.

Reference: Giunta, Campos-Villalobos, Dijkstra, ACS Nano 2023 ("Descriptors: Symmetry
Functions and their Gradients", Eqs. 21-33), after Behler & Parrinello, PRL 98, 146401
(2007) and Behler, J. Chem. Phys. 134, 074106 (2011).

Units: positions, ``box_lengths``, ``r_cut`` and ``r_s`` share any length unit (the
nanoparticle paper uses the core diameter sigma_c); ``mu`` and ``mu_a`` are in
[1/length^2]; ``lam`` and ``xi`` are dimensionless. Symmetry functions are
dimensionless, their gradients and force features are in [1/length]; an energy
Phi = sum_K sum_k w_k G_k(K) (Eq. 8) carries the unit of the weights (k_BT in the paper).

Conventions:

* R_IJ = R_I - R_J, minimum image in periodic (orthorhombic) boxes, which requires
  r_cut <= L/2; ``box_lengths=None`` means open boundaries.
* Radial (Eq. 21):  G2(I) = sum_J exp(-mu (R_IJ - R_s)^2) f_c(R_IJ).
* Angular (Eq. 23): G3(I) = 2^(1-xi) sum_{J<K} (1 + lam cos theta_IJK)^xi
  exp(-mu_a (R_IJ^2 + R_IK^2 + R_JK^2)) f_c(R_IJ) f_c(R_IK) f_c(R_JK),
  with cos theta_IJK = R_IJ . R_IK / (R_IJ R_IK). The sum runs over **unordered**
  neighbour pairs, each triangle once per centre, as DScribe's ACSF G4 does
  (its C++ loop keeps k < j). Reading Eq. 23 as an ordered sum over J != K gives
  exactly twice this value; the factor is absorbed by the linear weight.
  R_JK = R_IK - R_IJ is the side of the triangle formed by the images of J and K
  nearest to I (as in DScribe, which builds periodic images explicitly).
* Cutoffs (Eq. 22): ``"tanh3"`` f_c = tanh^3(1 - R/R_c) (the paper's) or ``"cosine"``
  f_c = (cos(pi R/R_c) + 1)/2 (DScribe's), see :mod:`cgml.descriptors.cutoffs`.
* Columns: all radial sets first, then all angular sets, in the order of the
  parameter arrays.
* Force features (Eq. 32): Psi_k(I, a) = sum_K dG_k(K)/dR_{I,a}, so that the linear
  model Phi = sum_K sum_k w_k G_k(K) has forces F_I = -sum_k w_k Psi_k(I) (Eq. 7).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cgml.descriptors import _kernels as K
from cgml.descriptors._kernels import centre_values
from cgml.descriptors.cutoffs import cutoff_code
from cgml.neighbors import CellList, build_cell_list, build_neighbor_list

__all__ = [
    "AngularSet",
    "RadialSet",
    "SFKernelParameters",
    "SFResult",
    "centre_values",
    "compute_symmetry_functions",
    "pack_kernel_parameters",
    "sf_energy",
    "values_for_centres",
]

#: largest ``gradients`` array (bytes) that ``full_gradients=True`` will allocate
MAX_FULL_GRADIENT_BYTES = 512 * 1024**2


def _vector(name: str, values) -> np.ndarray:
    arr = np.array(values, dtype=np.float64)  # a copy: the caller's array stays writable
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    arr.setflags(write=False)
    return arr


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class RadialSet:
    """Parameters of k radial symmetry functions G2 (Eq. 21), one column each.

    mu : (k,) float [1/length^2], >= 0 (Gaussian width parameter)
    r_s : (k,) float [length], >= 0 (Gaussian centre)
    """

    mu: np.ndarray
    r_s: np.ndarray

    def __post_init__(self):
        mu = _vector("RadialSet.mu", self.mu)
        r_s = _vector("RadialSet.r_s", self.r_s)
        if mu.shape != r_s.shape:
            raise ValueError(f"RadialSet.mu and r_s must have the same length, "
                             f"got {mu.size} and {r_s.size}")
        if np.any(mu < 0):
            raise ValueError(f"RadialSet.mu must be >= 0, got min {mu.min()}")
        if np.any(r_s < 0):
            raise ValueError(f"RadialSet.r_s must be >= 0, got min {r_s.min()}")
        object.__setattr__(self, "mu", mu)
        object.__setattr__(self, "r_s", r_s)

    def __len__(self) -> int:
        return self.mu.size

    @classmethod
    def grid(cls, mu, r_s) -> "RadialSet":
        """Cartesian product pool: every ``mu`` with every ``r_s`` (``mu`` outer, ``r_s`` inner).

        E.g. the paper's two-particle pool: 22 mu x 15 R_s = 330 functions.
        """
        mu = _vector("mu", mu)
        r_s = _vector("r_s", r_s)
        mm, rr = np.meshgrid(mu, r_s, indexing="ij")
        return cls(mm.ravel(), rr.ravel())

    def labels(self) -> tuple[str, ...]:
        """Human-readable column names, e.g. ``"G2(mu=1.715, R_s=0.3)"``."""
        return tuple(f"G2(mu={m:g}, R_s={r:g})" for m, r in zip(self.mu, self.r_s))


@dataclass(frozen=True)
class AngularSet:
    """Parameters of k angular symmetry functions G3 (Eq. 23), one column each.

    mu_a : (k,) float [1/length^2], >= 0
    lam : (k,) float, |lam| <= 1 (the paper uses +1 and -1)
    xi : (k,) float, >= 1 (so that G3 is differentiable at cos theta = -lam)
    """

    mu_a: np.ndarray
    lam: np.ndarray
    xi: np.ndarray

    def __post_init__(self):
        mu_a = _vector("AngularSet.mu_a", self.mu_a)
        lam = _vector("AngularSet.lam", self.lam)
        xi = _vector("AngularSet.xi", self.xi)
        if not (mu_a.shape == lam.shape == xi.shape):
            raise ValueError(f"AngularSet.mu_a, lam and xi must have the same length, "
                             f"got {mu_a.size}, {lam.size} and {xi.size}")
        if np.any(mu_a < 0):
            raise ValueError(f"AngularSet.mu_a must be >= 0, got min {mu_a.min()}")
        if np.any(np.abs(lam) > 1):
            raise ValueError(f"AngularSet.lam must lie in [-1, 1], got {lam[np.abs(lam) > 1]}")
        if np.any(xi < 1):
            raise ValueError(f"AngularSet.xi must be >= 1, got min {xi.min()}")
        object.__setattr__(self, "mu_a", mu_a)
        object.__setattr__(self, "lam", lam)
        object.__setattr__(self, "xi", xi)

    def __len__(self) -> int:
        return self.mu_a.size

    @classmethod
    def grid(cls, mu_a, lam, xi) -> "AngularSet":
        """Cartesian product pool (``mu_a`` outer, then ``lam``, ``xi`` inner).

        E.g. the paper's 12-particle pool: 8 mu_a x 2 lambda x 4 xi = 64 functions.
        """
        mu_a = _vector("mu_a", mu_a)
        lam = _vector("lam", lam)
        xi = _vector("xi", xi)
        mm, ll, xx = np.meshgrid(mu_a, lam, xi, indexing="ij")
        return cls(mm.ravel(), ll.ravel(), xx.ravel())

    def labels(self) -> tuple[str, ...]:
        """Human-readable column names, e.g. ``"G3(mu_a=0.1, lambda=+1, xi=4)"``."""
        return tuple(f"G3(mu_a={m:g}, lambda={l:+g}, xi={x:g})"
                     for m, l, x in zip(self.mu_a, self.lam, self.xi))


@dataclass(frozen=True)
class SFKernelParameters:
    """SF parameter arrays in the layout of the kernels (see ``_kernels`` docstring).

    ``args()`` returns them in kernel order: ``(mu_r, r_s, mu_a_unique, mu_a_index,
    lam_unique, xi_unique, lamxi_index)``.
    """

    mu_r: np.ndarray
    r_s: np.ndarray
    mu_a_unique: np.ndarray
    mu_a_index: np.ndarray
    lam_unique: np.ndarray
    xi_unique: np.ndarray
    lamxi_index: np.ndarray
    labels: tuple[str, ...] = field(default=())

    @property
    def n_radial(self) -> int:
        return self.mu_r.size

    @property
    def n_angular(self) -> int:
        return self.mu_a_index.size

    @property
    def n_features(self) -> int:
        return self.n_radial + self.n_angular

    def args(self) -> tuple[np.ndarray, ...]:
        return (self.mu_r, self.r_s, self.mu_a_unique, self.mu_a_index, self.lam_unique,
                self.xi_unique, self.lamxi_index)


def pack_kernel_parameters(radial: RadialSet | None, angular: AngularSet | None
                           ) -> SFKernelParameters:
    """Translate parameter sets into the array layout of the numba kernels."""
    if radial is None and angular is None:
        raise ValueError("give at least one of radial= and angular=")
    if radial is not None and not isinstance(radial, RadialSet):
        raise ValueError(f"radial must be a RadialSet or None, got {type(radial).__name__}")
    if angular is not None and not isinstance(angular, AngularSet):
        raise ValueError(f"angular must be an AngularSet or None, got {type(angular).__name__}")
    labels: tuple[str, ...] = ()
    if radial is not None:
        mu_r = np.array(radial.mu)
        r_s = np.array(radial.r_s)
        labels += radial.labels()
    else:
        mu_r = np.zeros(0)
        r_s = np.zeros(0)
    if angular is not None:
        mu_a_unique, mu_a_index = np.unique(angular.mu_a, return_inverse=True)
        pairs = np.stack([angular.lam, angular.xi], axis=1)
        pair_unique, lamxi_index = np.unique(pairs, axis=0, return_inverse=True)
        lam_unique = np.ascontiguousarray(pair_unique[:, 0])
        xi_unique = np.ascontiguousarray(pair_unique[:, 1])
        mu_a_index = mu_a_index.reshape(-1).astype(np.int64)
        lamxi_index = lamxi_index.reshape(-1).astype(np.int64)
        labels += angular.labels()
    else:
        mu_a_unique = np.zeros(0)
        mu_a_index = np.zeros(0, np.int64)
        lam_unique = np.zeros(0)
        xi_unique = np.zeros(0)
        lamxi_index = np.zeros(0, np.int64)
    # writable on purpose: numba compiles read-only arrays as a separate type
    arrays = [np.ascontiguousarray(a) for a in
              (mu_r, r_s, mu_a_unique, mu_a_index, lam_unique, xi_unique, lamxi_index)]
    return SFKernelParameters(*arrays, labels=labels)


@dataclass(frozen=True)
class SFResult:
    """Read-only result of :func:`compute_symmetry_functions`.

    values : (n, k) float, G_k(I), dimensionless
    force_features : (n, 3, k) float [1/length] or None; Psi_k(I, a) = sum_K dG_k(K)/dR_{I,a}
    gradients : (n, n, 3, k) float [1/length] or None; gradients[K, I, a, k] = dG_k(K)/dR_{I,a}
    labels : k column names (radial first, then angular)
    """

    values: np.ndarray
    force_features: np.ndarray | None
    gradients: np.ndarray | None
    labels: tuple[str, ...]
    n_radial: int
    n_angular: int
    r_cut: float
    cutoff: str


def _check_common(positions, r_cut, box_lengths, cutoff):
    positions = np.ascontiguousarray(positions, dtype=np.float64)
    if positions.ndim != 2 or positions.shape[1] != 3:
        raise ValueError(f"positions must have shape (n, 3), got {positions.shape}")
    if positions.shape[0] == 0:
        raise ValueError("positions must hold at least one particle")
    if not np.all(np.isfinite(positions)):
        raise ValueError("positions contain NaN or inf")
    r_cut = float(r_cut)
    if not (np.isfinite(r_cut) and r_cut > 0):
        raise ValueError(f"r_cut must be a positive finite length, got {r_cut}")
    if box_lengths is not None:
        box = np.asarray(box_lengths, dtype=np.float64)
        if box.shape != (3,):
            raise ValueError(f"box_lengths must have shape (3,) or be None, got {box.shape}")
        if np.any(~np.isfinite(box)) or np.any(box <= 0):
            raise ValueError(f"box_lengths must be positive and finite, got {box}")
        if np.any(r_cut > box / 2 + 1e-12):
            raise ValueError(f"r_cut={r_cut} exceeds half the box {box}: "
                             "the minimum image convention needs r_cut <= L/2")
        box_lengths = box
    code = cutoff_code(cutoff)
    return positions, r_cut, box_lengths, code


def compute_symmetry_functions(positions, r_cut: float, radial: RadialSet | None = None,
                               angular: AngularSet | None = None, box_lengths=None,
                               cutoff: str = "tanh3", force_features: bool = True,
                               full_gradients: bool = False) -> SFResult:
    """Symmetry functions G_k(I) of every particle and, if asked, their force features.

    Parameters
    ----------
    positions : (n, 3) float [length]
    r_cut : float [length], the cutoff R_c of f_c
    radial, angular : parameter sets (at least one); columns radial first
    box_lengths : (3,) float [length] for a periodic orthorhombic box, None for open
    cutoff : ``"tanh3"`` (Eq. 22) or ``"cosine"``
    force_features : also return Psi (n, 3, k) [1/length] (Eq. 32)
    full_gradients : also return dG_k(K)/dR_I as (n, n, 3, k) [1/length]; small systems
        only (memory n^2 * 3k * 8 bytes, capped at ``MAX_FULL_GRADIENT_BYTES``)

    Returns
    -------
    :class:`SFResult`
    """
    positions, r_cut, box_lengths, code = _check_common(positions, r_cut, box_lengths, cutoff)
    params = pack_kernel_parameters(radial, angular)
    n = positions.shape[0]
    if full_gradients:
        nbytes = n * n * 3 * params.n_features * 8
        if nbytes > MAX_FULL_GRADIENT_BYTES:
            raise ValueError(f"full_gradients for n={n} and k={params.n_features} needs "
                             f"{nbytes / 1024**2:.0f} MiB; use force_features instead")
    nl = build_neighbor_list(positions, r_cut, box_lengths)
    if nl.distances.size and nl.distances.min() == 0.0:
        pair = int(np.argmin(nl.distances))
        centre = int(np.searchsorted(nl.offsets, pair, side="right") - 1)
        raise ValueError(f"particles {centre} and {int(nl.index[pair])} sit at the same position: "
                         "symmetry-function gradients are undefined there")
    csr = (nl.offsets, nl.index, nl.vectors, nl.distances)
    psi = grad = None
    if full_gradients:
        values, grad = K.gradients_csr(*csr, *params.args(), r_cut, code)
        if force_features:
            psi = grad.sum(axis=0)
    elif force_features:
        values, psi = K.force_features_csr(*csr, *params.args(), r_cut, code)
    else:
        values = K.values_csr(*csr, *params.args(), r_cut, code)
    return SFResult(
        values=_readonly(values),
        force_features=None if psi is None else _readonly(psi),
        gradients=None if grad is None else _readonly(grad),
        labels=params.labels,
        n_radial=params.n_radial,
        n_angular=params.n_angular,
        r_cut=r_cut,
        cutoff=cutoff,
    )


def values_for_centres(centres, positions, r_cut: float, radial: RadialSet | None = None,
                       angular: AngularSet | None = None, box_lengths=None,
                       cutoff: str = "tanh3", cell_list: CellList | None = None,
                       moved: tuple[int, np.ndarray] | None = None) -> np.ndarray:
    """Symmetry functions of selected centres only: ``(c, k)`` rows G_k(centres[t]).

    Parameters
    ----------
    centres : (c,) int, particle indices in [0, n)
    positions : (n, 3) float [length]
    r_cut, radial, angular, box_lengths, cutoff : as in :func:`compute_symmetry_functions`
    cell_list : a :class:`cgml.neighbors.CellList` of ``positions`` with cell size >= r_cut
        (built here when None)
    moved : optional ``(i, point (3,))``: evaluate the configuration in which particle i
        sits at ``point`` instead of ``positions[i]`` (a Monte Carlo trial move), without
        copying ``positions``; the cell list may hold i at its old or its new cell.

    The numba-level equivalent for one centre is :func:`centre_values`.
    """
    positions, r_cut, box_lengths, code = _check_common(positions, r_cut, box_lengths, cutoff)
    params = pack_kernel_parameters(radial, angular)
    n = positions.shape[0]
    centres = np.asarray(centres)
    if centres.ndim != 1:
        raise ValueError(f"centres must be one-dimensional, got shape {centres.shape}")
    if centres.size and not np.issubdtype(centres.dtype, np.integer):
        raise ValueError(f"centres must be integer indices, got dtype {centres.dtype}")
    centres = np.ascontiguousarray(centres, dtype=np.int64)
    if centres.size and (centres.min() < 0 or centres.max() >= n):
        raise ValueError(f"centres must lie in [0, {n}), got range "
                         f"[{centres.min()}, {centres.max()}]")
    if moved is None:
        i_moved, moved_point = -1, np.zeros(3)
    else:
        try:
            i_moved, moved_point = moved
        except (TypeError, ValueError):
            raise ValueError("moved must be a pair (i, point)") from None
        if not (isinstance(i_moved, (int, np.integer)) and 0 <= i_moved < n):
            raise ValueError(f"moved particle index must be an int in [0, {n}), got {i_moved!r}")
        i_moved = int(i_moved)
        moved_point = np.ascontiguousarray(moved_point, dtype=np.float64)
        if moved_point.shape != (3,) or not np.all(np.isfinite(moved_point)):
            raise ValueError(f"moved point must be a finite (3,) vector, got {moved_point!r}")
    if cell_list is None:
        cell_list = build_cell_list(positions, r_cut, box_lengths)
    else:
        if not isinstance(cell_list, CellList):
            raise ValueError(f"cell_list must be a CellList, got {type(cell_list).__name__}")
        if cell_list.periodic != (box_lengths is not None):
            raise ValueError("cell_list and box_lengths disagree on periodicity")
        if box_lengths is not None and not np.allclose(cell_list.box_lengths, box_lengths):
            raise ValueError(f"cell_list box {cell_list.box_lengths} differs from "
                             f"box_lengths {box_lengths}")
        if np.any(cell_list.cell_size < r_cut * (1 - 1e-12)):
            raise ValueError(f"cell_list cells {cell_list.cell_size} are smaller than "
                             f"r_cut={r_cut}; the 27-cell search would miss neighbours")
        if cell_list.cell_of.shape[0] != n:
            raise ValueError(f"cell_list holds {cell_list.cell_of.shape[0]} particles, "
                             f"positions {n}")
    out = np.zeros((centres.size, params.n_features))
    K.centres_values(centres, i_moved, moved_point, positions, cell_list.box_lengths,
                     cell_list.periodic, r_cut, cell_list.origin, cell_list.cell_size,
                     cell_list.n_cells, cell_list.members, cell_list.counts, *params.args(),
                     code, out)
    return out


def sf_energy(values, weights) -> np.ndarray:
    """Per-particle energies Phi_K = sum_k w_k G_k(K) (Eqs. 7-8); shape (n,).

    values : (n, k) symmetry functions; weights : (k,) [energy]. The total energy is
    the sum of the result; the forces are -force_features @ weights.
    """
    values = np.asarray(values, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"values must have shape (n, k), got {values.shape}")
    if weights.ndim != 1 or weights.shape[0] != values.shape[1]:
        raise ValueError(f"weights must have shape ({values.shape[1]},), got {weights.shape}")
    return values @ weights
