"""S-function invariants and the particle-centred descriptors built from them.

Reference: G. Campos-Villalobos, R. Subert, G. Giunta, M. Dijkstra, "Machine-learned
coarse-grained potentials for particles with anisotropic shapes and interactions",
npj Comput. Mater. 2024 (Eqs. 1-13), after A. J. Stone, Mol. Phys. 36, 241 (1978).

Units: positions, separations, ``r_cut`` and ``r_s`` share one length unit (sigma in the
paper); ``mu`` is [1/length] for ``RadialBasis.exponential`` and [1/length^2] for
``RadialBasis.gaussian``; S functions and descriptors are dimensionless.

Conventions
-----------
* Orientation of a particle: a rotation matrix ``(3, 3)`` whose columns are its body axes
  (x_hat, y_hat, z_hat) in the lab frame (``cgml.geometry.rotations``; quaternions are
  converted by ``rotation_matrices_from_quaternions``).
* R_hat_IJ is the unit vector **from I to J**, (R_J - R_I)/|R_J - R_I| (Fig. 1a of the
  paper). Note that :mod:`cgml.neighbors` stores R_I - R_J; the kernels flip the sign.
* Index k of ``S_FUNCTION_LABELS``: 0-2 the three cylindrical functions (Eq. 8),
  0-14 the 15 second-rank even (scalar) functions, 15-23 the 9 third-rank odd
  (pseudoscalar) functions; the explicit Cartesian forms are tabulated in
  :mod:`cgml.descriptors._sfunction_kernels`.

Reconstruction of the printed list (SI not available)
-----------------------------------------------------
Eq. 8 is used as printed: S_011^00 = z_J.R/sqrt3, S_101^00 = -z_I.R/sqrt3,
S_110^00 = -z_I.z_J/sqrt3. The text describing the JC/IPC models quotes the same three
with other signs; signs and constant factors do not change a linear model built from
monomials, so Eq. 8 is kept. The typeset list of the other 12 even and 9 odd functions
is garbled in places (repeated left-hand sides, x_I.x_IJ, y_I.(y_J x R) twice); the
functions are reconstructed from the real combinations S^{k_I k_J} +- S^{-k_I -k_J} of
the complex S functions, whose body-frame spherical components are
e_0 = z, e_{+-1} = -+(x +- i y)/sqrt2:

* S^{0,1} +- S^{0,-1} and S^{1,0} +- S^{-1,0} -> the y (+) and x (-) components, with
  the paper's prefactor 2/sqrt6 (1/(2 sqrt3) for the odd set);
* S^{1,1} +- S^{-1,-1} -> P_xx - P_yy and P_xy + P_yx; S^{1,-1} +- S^{-1,1} ->
  P_xx + P_yy and P_xy - P_yx (P_ab = a_I.b_J; T_ab = a_I.(b_J x R) for the odd set),
  prefactor 1/sqrt6 (1/(2 sqrt3) for the odd set), as printed.
* The l_I = 1, l_J = 0 functions (indices 5, 6) carry the minus sign of S_101^00 in
  Eq. 8 (the printed list shows +): only then does the paper's exchange identity hold.

Together the 15 even functions span every scalar product a_I.R, a_J.R, a_I.b_J and the 9
odd ones every triple product a_I.(b_J x R), i.e. the complete rank-2 and rank-3 sets.

Checked against Eq. 2 itself (tests/unit/test_sfunctions.py): with Wigner matrices
D^1_{m'm}(R) = e_{m'}^* . (R e_m) and 3j symbols, each function k equals a
configuration-independent constant times the combination named in
``S_FUNCTION_LABELS[k]`` (constant 1 for Eq. 8, +-1 or +-i for the single-k combinations,
+-sqrt2 or +-i sqrt2 for the double-k ones, 2 or 2i for odd single-k ones: the printed
prefactors are a normalisation choice). The subscripts of S in Eqs. 2 and 8 are read as
(l_I, l_J, j): S_011^00 ~ z_J.R needs l_I = 0, l_J = j = 1, whatever the typeset order.

Exchange symmetry (paper, below Eq. 2): S_{l_I l_J j}^{k_I k_J}(Omega_I, Omega_J,
Omega_IJ) = S_{l_J l_I j}^{k_J k_I}(Omega_J, Omega_I, Omega_JI) with R_hat_JI = -R_hat_IJ.
For the real combinations this reads s_k(I, J) = EXCHANGE_SIGN[k] *
s_{EXCHANGE_PARTNER[k]}(J, I):

* exchange pairs (sign +1): 0 <-> 1, 3 <-> 5, 4 <-> 6, 7 <-> 9, 8 <-> 10, 16 <-> 18,
  17 <-> 19;
* symmetric (self, +1): 2, 11, 12, 13, 15, 20, 21, 22;
* antisymmetric (self, -1): 14 (x_I.y_J - y_I.x_J) and 23 (T_xy - T_yx), the
  S^{1,-1} - S^{-1,1} combinations.

Under a common rotation of both particles and R_IJ all 24 are invariant; under a common
improper rotation (inversion) the even ones are invariant and the odd ones change sign
(``PARITY``), which is why the odd set is needed when chiral symmetry is broken.

Descriptors (Eqs. 6, 11, 12)
----------------------------
A monomial is M_S({a}) = prod_alpha S_alpha^{a_alpha} (Eq. 6). ``AngularBasis.monomials``
enumerates all monomials of a chosen subset of the 24 functions with total degree
sum a_alpha <= ``max_degree``; this total degree is what we take the paper's "rank up to
r = 3" of the superball model to mean (the count of candidate terms grows as 24^r).
``AngularBasis.powers`` is the paper's alternative: single functions raised to integer
powers 1 .. p. The particle-centred descriptor (Eq. 12) is

    G_{r,k}(I) = sum_{J != I, R_IJ < R_c} Lambda_r(R_IJ) f_c(R_IJ) M_k(Omega_I, Omega_J, Omega_IJ)

with Lambda(R) = exp(-mu R) (the paper's choice) or exp(-mu (R - R_s)^2) (Behler-
Parrinello Gaussian) and f_c = tanh^3(1 - R/R_c) (Eq. 13). For the contact function the
paper sets Lambda = f_c = 1 (``RadialBasis.none()``, :func:`compute_contact_descriptors`).
Columns are radial-major: column r * len(angular) + k.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations_with_replacement

import numpy as np

from cgml.descriptors import _sfunction_kernels as K
from cgml.descriptors.cutoffs import cutoff_code
from cgml.geometry.rotations import check_rotations
from cgml.neighbors import build_neighbor_list

__all__ = [
    "CYLINDRICAL_FUNCTIONS",
    "EVEN_FUNCTIONS",
    "EXCHANGE_PARTNER",
    "EXCHANGE_SIGN",
    "ODD_FUNCTIONS",
    "PARITY",
    "S_FUNCTION_FORMULAS",
    "S_FUNCTION_LABELS",
    "AngularBasis",
    "RadialBasis",
    "SFunctionDescriptors",
    "compute_contact_descriptors",
    "compute_pair_terms",
    "compute_s_functions",
    "compute_sfunction_descriptors",
    "evaluate_monomials",
]

S_FUNCTION_LABELS: tuple[str, ...] = (
    "S011^00", "S101^00", "S110^00",
    "S011^01+S011^0-1", "S011^01-S011^0-1",
    "S101^10+S101^-10", "S101^10-S101^-10",
    "S110^01+S110^0-1", "S110^01-S110^0-1",
    "S110^10+S110^-10", "S110^10-S110^-10",
    "S110^11+S110^-1-1", "S110^11-S110^-1-1",
    "S110^1-1+S110^-11", "S110^1-1-S110^-11",
    "S111^00",
    "S111^10-S111^-10", "S111^10+S111^-10",
    "S111^01-S111^0-1", "S111^01+S111^0-1",
    "S111^11+S111^-1-1", "S111^11-S111^-1-1",
    "S111^1-1+S111^-11", "S111^1-1-S111^-11",
)

#: Cartesian form of each function (R = R_hat_IJ, P_ab = a_I.b_J, T_ab = a_I.(b_J x R)).
S_FUNCTION_FORMULAS: tuple[str, ...] = (
    "z_J.R/sqrt3", "-z_I.R/sqrt3", "-z_I.z_J/sqrt3",
    "2 y_J.R/sqrt6", "2 x_J.R/sqrt6", "-2 y_I.R/sqrt6", "-2 x_I.R/sqrt6",
    "2 P_zy/sqrt6", "2 P_zx/sqrt6", "2 P_yz/sqrt6", "2 P_xz/sqrt6",
    "(P_xx-P_yy)/sqrt6", "(P_xy+P_yx)/sqrt6", "(P_xx+P_yy)/sqrt6", "(P_xy-P_yx)/sqrt6",
    "T_zz/sqrt6", "T_xz/(2sqrt3)", "T_yz/(2sqrt3)", "T_zx/(2sqrt3)", "T_zy/(2sqrt3)",
    "(T_xx-T_yy)/(2sqrt3)", "(T_xy+T_yx)/(2sqrt3)", "(T_xx+T_yy)/(2sqrt3)",
    "(T_xy-T_yx)/(2sqrt3)",
)

CYLINDRICAL_FUNCTIONS: tuple[int, ...] = (0, 1, 2)
EVEN_FUNCTIONS: tuple[int, ...] = tuple(range(15))
ODD_FUNCTIONS: tuple[int, ...] = tuple(range(15, 24))

EXCHANGE_PARTNER = np.array([1, 0, 2, 5, 6, 3, 4, 9, 10, 7, 8, 11, 12, 13, 14,
                             15, 18, 19, 16, 17, 20, 21, 22, 23], dtype=np.int64)
EXCHANGE_SIGN = np.array([1] * 14 + [-1] + [1] * 8 + [-1], dtype=np.int64)
PARITY = np.array([1] * 15 + [-1] * 9, dtype=np.int64)
for _arr in (EXCHANGE_PARTNER, EXCHANGE_SIGN, PARITY):
    _arr.setflags(write=False)

_RADIAL_KINDS = {"none": K.RADIAL_NONE, "exponential": K.RADIAL_EXPONENTIAL,
                 "gaussian": K.RADIAL_GAUSSIAN}


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


def _function_indices(functions) -> tuple[int, ...]:
    if functions is None:
        return tuple(range(K.N_S_FUNCTIONS))
    try:
        idx = tuple(int(f) for f in functions)
    except (TypeError, ValueError):
        raise ValueError(f"functions must be a sequence of S-function indices, got {functions!r}")
    if not idx:
        raise ValueError("functions must not be empty")
    if any(not 0 <= f < K.N_S_FUNCTIONS for f in idx):
        raise ValueError(f"S-function indices must lie in [0, {K.N_S_FUNCTIONS}), got {idx}")
    if len(set(idx)) != len(idx):
        raise ValueError(f"S-function indices must be distinct, got {idx}")
    return idx


def _separations(name, values) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"{name} must have shape (m, 3), got {np.shape(values)}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    if arr.shape[0] and np.min(np.linalg.norm(arr, axis=1)) == 0.0:
        raise ValueError(f"{name} contains a zero vector: the direction Omega_IJ is undefined")
    return np.ascontiguousarray(arr)


def compute_s_functions(rotations_i, rotations_j, separations, functions=None) -> np.ndarray:
    """Values ``(m, n_f)`` of the S functions of ``m`` pairs.

    Parameters
    ----------
    rotations_i, rotations_j : (m, 3, 3) or (3, 3) rotation matrices, columns = body axes.
    separations : (m, 3) [length], R_IJ = R_J - R_I (only its direction is used).
    functions : indices into ``S_FUNCTION_LABELS`` (default all 24, in order).
    """
    r = _separations("separations", separations)
    m = r.shape[0]
    rot_i = check_rotations("rotations_i", rotations_i, m)
    rot_j = check_rotations("rotations_j", rotations_j, m)
    idx = _function_indices(functions)
    rhat = np.ascontiguousarray(r / np.linalg.norm(r, axis=1)[:, None]) if m else r
    out = np.empty((m, K.N_S_FUNCTIONS))
    K.s_functions_pairs(rot_i, rot_j, rhat, out)
    return np.ascontiguousarray(out[:, list(idx)])


def _sparse_monomials(functions: tuple[int, ...], exponents: np.ndarray):
    """CSR (ptr, fn, pow) of monomials with fn = indices into the full 24-function vector."""
    ptr = [0]
    fn = []
    pw = []
    for row in exponents:
        for c in np.nonzero(row)[0]:
            fn.append(functions[c])
            pw.append(int(row[c]))
        ptr.append(len(fn))
    return (np.asarray(ptr, np.int64), np.asarray(fn, np.int64), np.asarray(pw, np.int64))


@dataclass(frozen=True, eq=False)
class AngularBasis:
    """A set of monomials M_k = prod_c S_{functions[c]}^{exponents[k, c]} (Eq. 6).

    ``functions``: indices into ``S_FUNCTION_LABELS``; ``exponents (n_k, n_f)`` int >= 0.
    Build with :meth:`monomials` or :meth:`powers`.
    """

    functions: tuple[int, ...]
    exponents: np.ndarray
    _sparse: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        funcs = _function_indices(self.functions)
        exps = np.array(self.exponents, dtype=np.int64, copy=True)
        if exps.ndim != 2 or exps.shape[1] != len(funcs) or exps.shape[0] == 0:
            raise ValueError(f"exponents must have shape (n_k >= 1, {len(funcs)}), "
                             f"got {exps.shape}")
        if np.any(exps < 0):
            raise ValueError("exponents must be non-negative integers")
        object.__setattr__(self, "functions", funcs)
        object.__setattr__(self, "exponents", _readonly(exps))
        object.__setattr__(self, "_sparse", _sparse_monomials(funcs, exps))

    def __len__(self) -> int:
        return self.exponents.shape[0]

    @classmethod
    def monomials(cls, functions, max_degree: int, min_degree: int = 0) -> "AngularBasis":
        """All monomials of ``functions`` with ``min_degree <= sum(a) <= max_degree``.

        Ordered by degree, then lexicographically; degree 0 is the constant 1 (the plain
        radial Behler-Parrinello function). The count is C(n_f + d, d) - C(n_f + d0 - 1, d0 - 1).
        """
        funcs = _function_indices(functions)
        if int(max_degree) != max_degree or max_degree < 0:
            raise ValueError(f"max_degree must be a non-negative integer, got {max_degree!r}")
        if int(min_degree) != min_degree or not 0 <= min_degree <= max_degree:
            raise ValueError(f"min_degree must be an integer in [0, max_degree], got {min_degree!r}")
        rows = []
        for degree in range(int(min_degree), int(max_degree) + 1):
            for combo in combinations_with_replacement(range(len(funcs)), degree):
                row = np.zeros(len(funcs), np.int64)
                for c in combo:
                    row[c] += 1
                rows.append(row)
        return cls(funcs, np.array(rows))

    @classmethod
    def powers(cls, functions, max_power: int, include_constant: bool = True) -> "AngularBasis":
        """Single functions raised to integer powers: S_f^p for p = 1 .. max_power (and 1).

        The paper's alternative to full monomials for the superball model.
        """
        funcs = _function_indices(functions)
        if int(max_power) != max_power or max_power < 1:
            raise ValueError(f"max_power must be a positive integer, got {max_power!r}")
        rows = [np.zeros(len(funcs), np.int64)] if include_constant else []
        for c in range(len(funcs)):
            for p in range(1, int(max_power) + 1):
                row = np.zeros(len(funcs), np.int64)
                row[c] = p
                rows.append(row)
        return cls(funcs, np.array(rows))

    @property
    def labels(self) -> tuple[str, ...]:
        """Human-readable monomials, e.g. ``"[S011^00]^2*[S110^00]"``; ``"1"`` for the constant."""
        out = []
        for row in self.exponents:
            parts = [f"[{S_FUNCTION_LABELS[f]}]" + (f"^{a}" if a > 1 else "")
                     for f, a in zip(self.functions, row) if a]
            out.append("*".join(parts) if parts else "1")
        return tuple(out)


@dataclass(frozen=True, eq=False)
class RadialBasis:
    """Radial functions Lambda_r(R) times the cutoff (Eqs. 12-13).

    ``kind``: ``"exponential"`` Lambda = exp(-mu R) (mu [1/length]), ``"gaussian"``
    Lambda = exp(-mu (R - r_s)^2) (mu [1/length^2], r_s [length]) or ``"none"``
    (Lambda = f_c = 1, contact functions). ``mu, r_s (n_r,)``.
    """

    kind: str
    mu: np.ndarray
    r_s: np.ndarray

    def __post_init__(self):
        if self.kind not in _RADIAL_KINDS:
            raise ValueError(f"kind must be one of {sorted(_RADIAL_KINDS)}, got {self.kind!r}")
        mu = np.array(self.mu, dtype=np.float64, ndmin=1, copy=True)
        r_s = np.array(self.r_s, dtype=np.float64, ndmin=1, copy=True)
        if mu.ndim != 1 or mu.shape != r_s.shape or mu.size == 0:
            raise ValueError(f"mu and r_s must be non-empty 1-D arrays of equal length, "
                             f"got {mu.shape} and {r_s.shape}")
        if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(r_s))):
            raise ValueError("mu and r_s must be finite")
        if np.any(mu < 0):
            raise ValueError(f"mu must be >= 0, got {mu}")
        if self.kind == "none" and mu.size != 1:
            raise ValueError("RadialBasis 'none' has exactly one (trivial) radial set")
        object.__setattr__(self, "mu", _readonly(mu))
        object.__setattr__(self, "r_s", _readonly(r_s))

    def __len__(self) -> int:
        return self.mu.shape[0]

    @classmethod
    def exponential(cls, mu) -> "RadialBasis":
        """Lambda = exp(-mu R), one set per ``mu`` [1/length] (paper: mu = 10/sigma for JC/IPC)."""
        mu = np.atleast_1d(np.asarray(mu, dtype=np.float64))
        return cls("exponential", mu, np.zeros_like(mu))

    @classmethod
    def gaussian(cls, mu, r_s) -> "RadialBasis":
        """Lambda = exp(-mu (R - r_s)^2), all combinations of ``mu`` [1/length^2] and ``r_s``."""
        mu_g, rs_g = np.meshgrid(np.atleast_1d(mu), np.atleast_1d(r_s), indexing="ij")
        return cls("gaussian", mu_g.ravel(), rs_g.ravel())

    @classmethod
    def none(cls) -> "RadialBasis":
        """Lambda = f_c = 1 (the contact-function descriptors)."""
        return cls("none", np.zeros(1), np.zeros(1))

    @property
    def labels(self) -> tuple[str, ...]:
        if self.kind == "none":
            return ("",)
        if self.kind == "exponential":
            return tuple(f"exp(-{m:g}R)" for m in self.mu)
        return tuple(f"exp(-{m:g}(R-{s:g})^2)" for m, s in zip(self.mu, self.r_s))


def _column_labels(angular: AngularBasis, radial: RadialBasis) -> tuple[str, ...]:
    return tuple((f"{r}*{a}" if r else a) for r in radial.labels for a in angular.labels)


def _check_bases(angular, radial, r_cut, cutoff):
    if not isinstance(angular, AngularBasis):
        raise ValueError(f"angular must be an AngularBasis, got {type(angular).__name__}")
    if not isinstance(radial, RadialBasis):
        raise ValueError(f"radial must be a RadialBasis, got {type(radial).__name__}")
    code = cutoff_code(cutoff)
    if radial.kind == "none":
        return np.inf, code
    try:
        r_cut = float(r_cut)
    except (TypeError, ValueError):
        raise ValueError(f"r_cut must be a positive length, got {r_cut!r}") from None
    if not np.isfinite(r_cut) or r_cut <= 0:
        raise ValueError(f"r_cut must be a positive finite length, got {r_cut!r}")
    return r_cut, code


def evaluate_monomials(s_values, angular: AngularBasis) -> np.ndarray:
    """Monomials ``(m, len(angular))`` of S-function values ``s_values (m, 24)`` (all 24 columns)."""
    s = np.ascontiguousarray(s_values, dtype=np.float64)
    if s.ndim != 2 or s.shape[1] != K.N_S_FUNCTIONS:
        raise ValueError(f"s_values must have shape (m, {K.N_S_FUNCTIONS}) (all S functions), "
                         f"got {s.shape}")
    if not isinstance(angular, AngularBasis):
        raise ValueError(f"angular must be an AngularBasis, got {type(angular).__name__}")
    out = np.empty((s.shape[0], len(angular)))
    K.monomials_many(s, *angular._sparse, out)
    return out


def compute_pair_terms(rotations_i, rotations_j, separations, angular: AngularBasis,
                       radial: RadialBasis, r_cut: float | None = None,
                       cutoff: str = "tanh3") -> np.ndarray:
    """Per-pair contributions Lambda_r(R_IJ) f_c(R_IJ) M_k (Eq. 12), ``(m, n_r * n_k)``.

    For an isolated dimer G_{r,k}(I) is exactly this term. ``separations (m, 3)`` are
    R_IJ = R_J - R_I [length]; pairs with R_IJ >= r_cut contribute 0 (unless
    ``radial.kind == "none"``, which ignores ``r_cut``).
    """
    r = _separations("separations", separations)
    m = r.shape[0]
    rot_i = check_rotations("rotations_i", rotations_i, m)
    rot_j = check_rotations("rotations_j", rotations_j, m)
    r_cut, code = _check_bases(angular, radial, r_cut, cutoff)
    out = np.empty((m, len(radial) * len(angular)))
    K.pair_terms(rot_i, rot_j, r, _RADIAL_KINDS[radial.kind], radial.mu, radial.r_s, r_cut,
                 code, *angular._sparse, out)
    return out


def compute_contact_descriptors(rotations_i, rotations_j, unit_separations,
                                angular: AngularBasis) -> np.ndarray:
    """Contact-function descriptors G_k(I) = M_k(Omega_I, Omega_J, Omega_IJ), ``(m, n_k)``.

    Lambda = f_c = 1 as in the paper's model of the spherocylinder contact distance
    sigma_s = sum_k w_k G_k(I) (one centre per configuration, N = 1 in Eq. 18).
    """
    return compute_pair_terms(rotations_i, rotations_j, unit_separations, angular,
                              RadialBasis.none())


@dataclass(frozen=True, eq=False)
class SFunctionDescriptors:
    """Particle-centred S-function descriptors of one configuration.

    ``values (N, K)``: G_{r,k}(I), columns radial-major (r * n_k + k); ``labels`` (K,);
    ``r_cut`` [length]; ``angular``, ``radial``: the bases used.
    """

    values: np.ndarray
    labels: tuple[str, ...]
    r_cut: float
    angular: AngularBasis
    radial: RadialBasis

    @property
    def totals(self) -> np.ndarray:
        """sum_I G_k(I), ``(K,)``: the regressors of the configuration energy (Eq. 18)."""
        return self.values.sum(axis=0)


def compute_sfunction_descriptors(positions, rotations, angular: AngularBasis,
                                  radial: RadialBasis, r_cut: float, box_lengths=None,
                                  cutoff: str = "tanh3") -> SFunctionDescriptors:
    """G_{r,k}(I) = sum_J Lambda_r(R_IJ) f_c(R_IJ) M_k(Omega_I, Omega_J, Omega_IJ) (Eq. 12).

    Parameters
    ----------
    positions : (N, 3) [length]; rotations : (N, 3, 3), columns = body axes.
    angular, radial : the monomials and radial sets; ``radial.kind`` must not be "none".
    r_cut : R_c [length] (paper: 2 sigma for JC/IPC, 4 sigma_perp for ellipsoids,
        1.5 sigma for superballs).
    box_lengths : (3,) orthorhombic periodic box [length] or None (open boundaries).
    cutoff : "tanh3" (Eq. 13) or "cosine".
    """
    if isinstance(radial, RadialBasis) and radial.kind == "none":
        raise ValueError("a many-particle descriptor needs a radial basis with a cutoff; "
                         "use compute_contact_descriptors for Lambda = f_c = 1")
    r_cut, code = _check_bases(angular, radial, r_cut, cutoff)
    pos = np.ascontiguousarray(positions, dtype=np.float64)
    if pos.ndim != 2 or pos.shape[1] != 3 or pos.shape[0] == 0:
        raise ValueError(f"positions must have shape (N >= 1, 3), got {pos.shape}")
    rot = check_rotations("rotations", rotations, pos.shape[0])
    nl = build_neighbor_list(pos, r_cut, box_lengths)
    if nl.distances.size and nl.distances.min() == 0.0:
        raise ValueError("two particles sit at the same position")
    out = np.empty((pos.shape[0], len(radial) * len(angular)))
    K.centre_sums_csr(nl.offsets, nl.index, nl.vectors, nl.distances, rot,
                      _RADIAL_KINDS[radial.kind], radial.mu, radial.r_s, r_cut, code,
                      *angular._sparse, out)
    return SFunctionDescriptors(_readonly(out), _column_labels(angular, radial), r_cut,
                                angular, radial)
