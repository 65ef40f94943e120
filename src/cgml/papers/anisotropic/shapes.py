"""Anisotropic shapes of Campos-Villalobos et al., npj Comput. Mater. 2024: Figs. 5 a-c and 7 a-c.

Two chains, each ``dataset -> fit -> figure data``; the rule scripts call the ``run_*``
functions (house signature ``run_xxx(*, input, output, params, wildcards, threads=1)``).

Units (reduced): lengths in the colloid diameter sigma (= 1), volumes in sigma^3,
depletant fugacity z_d in sigma^-3, energies in k_BT for the depletion potential and in
epsilon for the soft spherocylinder potential (the paper sets k_BT/epsilon = 1), angles in
radians. Conventions: separations R_IJ = R_J - R_I; orientations are rotation matrices
whose columns are the body axes (:mod:`cgml.geometry.rotations`); spherocylinder axes are
unit vectors u (the body z axis).

Superball depletion (Fig. 5 a-c; paper "Depletion potential for colloidal superballs"
and Methods "Overlap volume of depletion layers of colloidal superballs")
------------------------------------------------------------------------------------------
Hard superballs |x|^M + |y|^M + |z|^M <= (sigma/2)^M, M = 3.5, sigma = 1, with ideal
depletants of diameter sigma_d = 0.3 sigma. The depletion zone (Minkowski sum of the
superball and a depletant sphere) is approximated, as in the paper, by a superball with
M' = 2.5 and sigma' = sigma + sigma_d. The CG pair potential is AO-like,

    Phi(R_IJ, Omega_I, Omega_J) = -z_d V_f^(2)(R_IJ, Omega_I, Omega_J)   [k_BT],
    eta_d^r = pi sigma_d^3 z_d / 6  (reservoir packing fraction of the depletants),

with V_f^(2) the overlap volume of the two depletion zones (:func:`depletion_pair_energy`).

Data set (:func:`make_superball_dataset`). Documented choices where the Methods are terse:

* orientation of a particle = R_y(phi) R_x(theta) (rotation by theta about lab X, then by
  phi about lab Y), theta and phi on a grid of ``n_angles`` equally spaced values in
  [0, 2 pi) (paper: 8); all (theta_I, phi_I, theta_J, phi_J) combinations, i.e.
  ``n_angles**4`` orientation pairs (4096 in the paper);
* per orientation pair one uniformly random direction R_hat_IJ (the paper does not say
  how directions are chosen) and ``n_positions`` equally spaced separations (paper: 50)
  "within the overlapping region": the mid-points of ``n_positions`` equal bins between
  the hard-core contact distance (GJK bisection, M, sigma) and the depletion-zone contact
  distance (M', sigma') along R_hat; this replaces the paper's "preliminary sampling to
  find the boundaries of the overlapping volume" by exact bisection, and never places
  overlapping hard cores;
* V_f^(2) by Monte Carlo integration with ``n_mc_samples`` uniform points (paper: 10^7) in
  the smallest axis-aligned box holding the overlap (:func:`cgml.geometry.superball_overlap_volume`).

Fit (:func:`fit_superball_volume`): the paper uses "the first 15 S functions (non-chiral)"
(the even second-rank set, ``EVEN_FUNCTIONS``), Lambda = exp(-mu R) with mu = 4/sigma and
R_c = 1.5 sigma, and two pools: monomials up to rank 3 or "individual S functions raised
to integer exponents", reporting N_s = 30 and RMSE = 0.0023 sigma^3 for the latter. The
default here is the latter (``basis = "powers"``; the maximum power is not stated:
``degree`` = 4 is our choice), ``centres = "both"`` (V_f is symmetric under exchange).
``mu`` may be a list (several radial sets); the paper's single mu = 4 is the default.

Hard spherocylinders (Fig. 7 a-c; paper "Anisotropic particle shape" and Methods)
------------------------------------------------------------------------------------
Spherocylinders with L/sigma = 4. The contact distance sigma_s(Omega_I, Omega_J, Omega_IJ)
comes from the Vega-Lago segment distance (:func:`cgml.geometry.spherocylinder_contact_distance`)
and is fitted as sigma_s = sum_k w_k G_k(I) with Lambda = f_c = 1 (``centres = "one"``,
N = 1 in Eq. 18). Documented choices:

* configurations: u_I, u_J, R_hat_IJ independent and uniform on the sphere (the paper
  rotates about X and Y and slides J along X; its 431,316 samples, 10^5 used, are not
  uniform in an unstated way);
* pool: monomials s_0^a s_1^b s_2^c of the three cylindrical S functions (Eq. 8; the
  x and y axes of a uniaxial body are arbitrary, so no other function can enter) up to
  total degree ``degree`` (not stated in the paper; default 12). With
  ``head_tail_symmetric`` (default) only monomials invariant under u_I -> -u_I,
  u_J -> -u_J and R_hat -> -R_hat are kept (a, b, c all even or all odd): the
  spherocylinder is head-tail symmetric and centrosymmetric, so the others have zero
  weight in the exact contact function.

Soft potential (Eq. 17), truncated and shifted at a surface gap Delta so that it vanishes
beyond contact + range:

    h = R_IJ - sbar_s,   sbar_s = (sigma_s(Omega_I, Omega_J, R_hat) + sigma_s(Omega_J, Omega_I, -R_hat)) / 2
    Phi = epsilon [ (sigma / (h + sigma))^lambda_r - (sigma / (Delta + sigma))^lambda_r ]   for h < Delta,
    Phi = 0 for h >= Delta,   Phi = +inf for h + sigma <= 0 (or R_IJ = 0),

lambda_r = 50, epsilon = k_BT. The paper's Eq. 17 uses sigma_s itself and no truncation;
the exchange average sbar_s makes the pair energy exactly symmetric under I <-> J (a fitted
one-centre contact function is not; for ``centres = "both"`` sbar_s = sigma_s), which a
Metropolis kernel needs. The shift is (1/(1 + Delta/sigma))^50 = 1.6e-9 for the default
Delta = 0.5 sigma.

The numba scalar :func:`soft_potential_pair` ``(r_vec, u_i, u_j, params) -> energy`` takes a
flat ``params`` array from :func:`pack_soft_potential` (layout in its docstring); the
vectorised :func:`soft_potential` evaluates the same formula through the fitted
:class:`cgml.fitting.sfunction_model.SFunctionPairModel`. The rigid-body MC potential
(:func:`soft_spherocylinder_potential`) skips the contact polynomial for pairs that a
table of rigorous upper bounds of sbar_s (:func:`contact_upper_bounds`) already puts at a
gap >= Delta, where Phi is exactly 0: most pairs inside the cutoff of a dense rod fluid.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit

from cgml.descriptors import _sfunction_kernels as SK
from cgml.descriptors.sfunctions import (
    CYLINDRICAL_FUNCTIONS,
    EVEN_FUNCTIONS,
    AngularBasis,
    RadialBasis,
)
from cgml.fitting import fit_linear, r2_score, rmse
from cgml.fitting.sfunction_model import SFunctionPairModel, pair_regressors
from cgml.geometry import _kernels as GK
from cgml.geometry import (
    rotation_matrix_about_axis,
    spherocylinder_contact_distance,
    superball_contact_distance,
    superball_overlap,
    superball_overlap_volume,
)
from cgml.io import provenance, read_npz, write_csv, write_json, write_npz
from cgml.selection import forward_stepwise, split_by_group

__all__ = [
    "PAPER",
    "SOFT_HEADER",
    "depletant_fugacity",
    "depletion_pair_energy",
    "contact_from_params",
    "contact_pool",
    "contact_upper_bounds",
    "fit_contact_function",
    "fit_superball_volume",
    "frames_from_axes",
    "make_spherocylinder_dataset",
    "make_superball_dataset",
    "pack_soft_potential",
    "run_spherocylinder_curves",
    "run_spherocylinder_dataset",
    "run_spherocylinder_fit",
    "run_superball_dataset",
    "run_superball_fit",
    "run_superball_landscape",
    "soft_potential",
    "soft_potential_pair",
    "soft_potential_pairs",
    "superball_orientation",
    "superball_pool",
    "symmetric_contact_polynomial",
]

log = logging.getLogger(__name__)

#: The paper's own numbers (for metrics files and reports).
PAPER = {
    "superball": {"exponent": 3.5, "sigma": 1.0, "sigma_d": 0.3, "exponent_zone": 2.5,
                  "n_angles": 8, "n_positions": 50, "n_mc_samples": 10_000_000,
                  "r_cut": 1.5, "mu": 4.0, "n_s": 30, "rmse_sigma3": 0.0023, "eta_d_r": 5.6},
    "spherocylinder": {"length": 4.0, "diameter": 1.0, "n_generated": 431_316,
                       "n_samples": 100_000, "test_fraction": 0.2, "n_s": 64,
                       "rmse_sigma": 0.0129, "lambda_r": 50.0, "kT_over_epsilon": 1.0},
}

_REQUIRED = object()


# =========================================================================== parameters
def _check(key, value, kind):
    """Validate one parameter; ``kind`` is one of the small vocabulary below."""
    bad = ValueError(f"params[{key!r}] = {value!r} is invalid: expected {kind}")
    if kind in ("int>=1", "int>=0", "int>=2"):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            if not (isinstance(value, float) and value.is_integer()):
                raise bad
        value = int(value)
        if value < int(kind[-1]):
            raise bad
        return value
    if kind.startswith("float") and kind != "floats>0":
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise bad from None
        if isinstance(value, bool) or not math.isfinite(x):
            raise bad
        ok = {"float>0": x > 0, "float>1": x > 1, "float>=0": x >= 0,
              "float in [0,1)": 0 <= x < 1, "float": True}[kind]
        if not ok:
            raise bad
        return x
    if kind == "bool":
        if not isinstance(value, (bool, np.bool_)):
            raise bad
        return bool(value)
    if kind == "floats>0":
        arr = np.atleast_1d(np.asarray(value, dtype=float)) if not isinstance(value, str) else None
        if arr is None or arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)) \
                or np.any(arr <= 0):
            raise bad
        return [float(v) for v in arr]
    if kind.startswith("one of "):
        choices = kind[len("one of "):].split("|")
        if value not in choices:
            raise bad
        return value
    raise AssertionError(kind)


def _params(params, spec: dict) -> dict:
    """Validated copy of ``params`` against ``spec {key: (kind, default)}``.

    Unknown keys and missing required keys raise ``ValueError`` naming the key.
    """
    params = dict(params or {})
    unknown = sorted(set(params) - set(spec))
    if unknown:
        raise ValueError(f"unknown params key(s) {unknown}; allowed: {sorted(spec)}")
    out = {}
    for key, (kind, default) in spec.items():
        if key not in params:
            if default is _REQUIRED:
                raise ValueError(f"params[{key!r}] is required ({kind})")
            out[key] = default
        else:
            out[key] = _check(key, params[key], kind)
    return out


_SB_SHAPE = {
    "sigma": ("float>0", 1.0),
    "exponent": ("float>1", 3.5),
    "sigma_d": ("float>0", 0.3),
    "exponent_zone": ("float>1", 2.5),
}
SUPERBALL_DATASET_PARAMS = {
    "seed": ("int>=0", _REQUIRED),
    **_SB_SHAPE,
    "n_angles": ("int>=1", 8),
    "n_positions": ("int>=1", 50),
    "n_mc_samples": ("int>=1", 10_000_000),
}
SUPERBALL_FIT_PARAMS = {
    "seed": ("int>=0", _REQUIRED),
    "basis": ("one of powers|monomials", "powers"),
    "degree": ("int>=1", 4),
    "mu": ("floats>0", [4.0]),
    "r_cut": ("float>0", 1.5),
    "cutoff": ("one of tanh3|cosine", "tanh3"),
    "test_fraction": ("float in [0,1)", 0.2),
    "max_features": ("int>=1", 30),
    "min_gain": ("float>=0", 1e-7),
}
SUPERBALL_LANDSCAPE_PARAMS = {
    "seed": ("int>=0", _REQUIRED),
    **_SB_SHAPE,
    "separation": ("float>0", 1.15),
    "n_grid": ("int>=2", 24),
    "n_mc_samples": ("int>=1", 1_000_000),
}
SC_SHAPE = {
    "length": ("float>=0", 4.0),
    "diameter": ("float>0", 1.0),
}
SPHEROCYLINDER_DATASET_PARAMS = {
    "seed": ("int>=0", _REQUIRED),
    **SC_SHAPE,
    "n_samples": ("int>=1", 100_000),
}
SPHEROCYLINDER_FIT_PARAMS = {
    "seed": ("int>=0", _REQUIRED),
    "degree": ("int>=1", 12),
    "head_tail_symmetric": ("bool", True),
    "centres": ("one of one|both", "one"),
    "test_fraction": ("float in [0,1)", 0.2),
    "max_features": ("int>=1", 64),
    "min_gain": ("float>=0", 1e-9),
}
SPHEROCYLINDER_CURVES_PARAMS = {
    "seed": ("int>=0", None),  # optional: the curves are deterministic; recorded only
    **SC_SHAPE,
    "epsilon": ("float>0", 1.0),
    "lambda_r": ("float>0", 50.0),
    "gap_cut": ("float>0", 0.5),
    "n_contour": ("int>=2", 361),
    "n_separations": ("int>=2", 400),
}


# =========================================================================== superballs
def superball_orientation(theta: float, phi: float) -> np.ndarray:
    """Rotation ``(3, 3)`` R_y(phi) R_x(theta): by ``theta`` about lab X, then ``phi`` about lab Y [rad]."""
    return rotation_matrix_about_axis([0.0, 1.0, 0.0], phi) @ rotation_matrix_about_axis(
        [1.0, 0.0, 0.0], theta)


def _unit_vectors(rng: np.random.Generator, m: int) -> np.ndarray:
    u = rng.standard_normal((m, 3))
    return u / np.linalg.norm(u, axis=1)[:, None]


@dataclass(frozen=True, eq=False)
class SuperballDataset:
    """Overlap volumes of depletion zones, one row per configuration.

    ``separations (m, 3)`` [sigma] R_J - R_I; ``rotations_i, rotations_j (m, 3, 3)``;
    ``angles_i, angles_j (m, 2)`` (theta, phi) [rad]; ``volume, volume_error (m,)``
    [sigma^3]; ``contact_core, contact_zone (m,)`` [sigma] along R_hat; ``group (m,)``
    orientation-pair index.
    """

    separations: np.ndarray
    rotations_i: np.ndarray
    rotations_j: np.ndarray
    angles_i: np.ndarray
    angles_j: np.ndarray
    volume: np.ndarray
    volume_error: np.ndarray
    contact_core: np.ndarray
    contact_zone: np.ndarray
    group: np.ndarray

    def arrays(self) -> dict:
        return dict(self.__dict__)


def make_superball_dataset(*, sigma: float, exponent: float, sigma_d: float, exponent_zone: float,
                           n_angles: int, n_positions: int, n_mc_samples: int,
                           rng: np.random.Generator, threads: int = 1) -> SuperballDataset:
    """Overlap volumes V_f^(2) of two depletion zones (module docstring, "Data set").

    ``n_angles**4 * n_positions`` configurations; the depletion zone is the superball
    (sigma + sigma_d, exponent_zone). Cost ~ n_angles^4 n_positions n_mc_samples.
    """
    angles = 2.0 * np.pi * np.arange(n_angles) / n_angles
    grid = [(t, p) for t in angles for p in angles]
    frames = np.array([superball_orientation(t, p) for t, p in grid])
    n_o = len(grid)
    ii, jj = np.meshgrid(np.arange(n_o), np.arange(n_o), indexing="ij")
    ii, jj = ii.ravel(), jj.ravel()
    n_pairs = ii.size
    rhat = _unit_vectors(rng, n_pairs)
    rot_i, rot_j = frames[ii], frames[jj]
    sigma_zone = sigma + sigma_d
    d_core = superball_contact_distance(rhat, rot_i, rot_j, sigma, exponent)
    d_zone = superball_contact_distance(rhat, rot_i, rot_j, sigma_zone, exponent_zone)
    if np.any(d_zone <= d_core):
        raise ValueError("the depletion zone does not enclose the hard core along some direction: "
                         "check sigma_d and exponent_zone")
    frac = (np.arange(n_positions) + 0.5) / n_positions
    dist = d_core[:, None] + frac[None, :] * (d_zone - d_core)[:, None]  # (n_pairs, n_pos)
    rep = np.repeat(np.arange(n_pairs), n_positions)
    separations = rhat[rep] * dist.reshape(-1, 1)
    res = superball_overlap_volume(separations, rot_i[rep], rot_j[rep], sigma_zone, exponent_zone,
                                   n_mc_samples, rng, threads=threads)
    grid_arr = np.array(grid)
    return SuperballDataset(separations, rot_i[rep], rot_j[rep], grid_arr[ii][rep], grid_arr[jj][rep],
                            res.volume, res.error, d_core[rep], d_zone[rep], rep.astype(np.int64))


def depletant_fugacity(eta_d_reservoir, sigma_d):
    """z_d = 6 eta_d^r / (pi sigma_d^3) [sigma^-3] from the reservoir packing fraction."""
    eta = np.asarray(eta_d_reservoir, dtype=float)
    if np.any(eta < 0) or not np.all(np.isfinite(eta)):
        raise ValueError(f"eta_d_reservoir must be finite and >= 0, got {eta_d_reservoir!r}")
    if not (float(sigma_d) > 0):
        raise ValueError(f"sigma_d must be > 0, got {sigma_d!r}")
    return 6.0 * eta / (math.pi * float(sigma_d) ** 3)


def depletion_pair_energy(overlap_volume, eta_d_reservoir, sigma_d):
    """Phi = -z_d V_f^(2) [k_BT] (AO form; paper, "Depletion potential for colloidal superballs").

    ``overlap_volume`` [sigma^3] (array or scalar), ``eta_d_reservoir`` = pi sigma_d^3 z_d / 6
    (paper: 5.6 for Fig. 5d), ``sigma_d`` [sigma] (paper: 0.3).
    """
    return -depletant_fugacity(eta_d_reservoir, sigma_d) * np.asarray(overlap_volume, dtype=float)


def superball_pool(basis: str, degree: int, mu, r_cut: float):
    """Angular and radial candidate bases of the superball model (15 even S functions)."""
    if basis == "powers":
        angular = AngularBasis.powers(EVEN_FUNCTIONS, degree)
    else:
        angular = AngularBasis.monomials(EVEN_FUNCTIONS, degree)
    return angular, RadialBasis.exponential(mu)


def _fit_pool(design, target, labels, *, seed, test_fraction, max_features, min_gain, select=True):
    """Stepwise selection (random 80/20 split of configurations) + least squares;
    ``select=False``: every column of the pool, no selection (empty trace). The metrics
    name why the selection stopped and the N_s where the ``min_gain`` stop would end it
    without the ``max_features`` cap (``gain_stop_size``, followed to 2 ``max_features``;
    None beyond)."""
    groups = np.arange(target.size)
    train, test = split_by_group(groups, test_fraction, seed)
    if select:
        sel = forward_stepwise(design, target, train=train, test=test, max_features=max_features,
                               min_gain=min_gain, intercept=False, labels=list(labels),
                               probe_features=2 * max_features)
        cols, trace, stop = sel.selected, sel.trace, {"stop": sel.stop, "gain_stop_size": sel.gain_stop_size}
    else:
        cols, trace, stop = np.arange(design.shape[1]), pd.DataFrame(), {"stop": "unselected", "gain_stop_size": None}
    fit = fit_linear(design[train][:, cols], target[train])
    pred = design[:, cols] @ fit.coef
    metrics = {
        "n_s": int(cols.size), "n_pool": int(design.shape[1]), **stop,
        "n_train": int(train.sum()), "n_test": int(test.sum()),
        "rmse_train": rmse(target[train], pred[train]), "r2_train": r2_score(target[train], pred[train]),
        "rmse_test": rmse(target[test], pred[test]) if test.any() else float("nan"),
        "r2_test": r2_score(target[test], pred[test]) if test.any() else float("nan"),
        "rmse_all": rmse(target, pred), "target_range": [float(target.min()), float(target.max())],
    }
    return cols, fit.coef, trace, metrics, pred, train


def fit_superball_volume(data: dict, *, seed: int, basis: str = "powers", degree: int = 4,
                         mu=(4.0,), r_cut: float = 1.5, cutoff: str = "tanh3",
                         test_fraction: float = 0.2, max_features: int = 30,
                         min_gain: float = 1e-7):
    """Select and fit V_f^(2) = sum_k w_k [G_k(I) + G_k(J)] (``centres="both"``).

    ``data``: arrays of :func:`make_superball_dataset` (``separations``, ``rotations_i``,
    ``rotations_j``, ``volume``). Returns ``(model, trace, metrics, parity)`` with
    ``parity`` a DataFrame (target, prediction, set).
    """
    angular, radial = superball_pool(basis, degree, mu, r_cut)
    design = pair_regressors(data["rotations_i"], data["rotations_j"], data["separations"],
                             angular, radial, r_cut, centres="both", cutoff=cutoff)
    labels = tuple((f"{r}*{a}") for r in radial.labels for a in angular.labels)
    target = np.asarray(data["volume"], dtype=float)
    cols, weights, trace, metrics, pred, train = _fit_pool(
        design, target, labels, seed=seed, test_fraction=test_fraction,
        max_features=max_features, min_gain=min_gain)
    metrics["paper"] = {"n_s": PAPER["superball"]["n_s"], "rmse_sigma3": PAPER["superball"]["rmse_sigma3"]}
    model = SFunctionPairModel(angular, radial, r_cut, cols, weights, centres="both", cutoff=cutoff,
                               units={"length": "sigma", "target": "V_f^(2) [sigma^3]"},
                               metrics={k: v for k, v in metrics.items() if k != "paper"})
    parity = pd.DataFrame({"target": target, "prediction": pred,
                           "set": np.where(train, "train", "test")})
    return model, trace, metrics, parity


# =========================================================================== spherocylinders
def frames_from_axes(axes) -> np.ndarray:
    """Proper rotations ``(m, 3, 3)`` whose third column (body z) is ``axes (m, 3)`` (unit vectors).

    The body x axis is the normalised part of lab X (or lab Y if u is nearly along X)
    orthogonal to u; only z matters for uniaxial bodies.
    """
    u = np.asarray(axes, dtype=float)
    if u.ndim != 2 or u.shape[1] != 3:
        raise ValueError(f"axes must have shape (m, 3), got {u.shape}")
    norm = np.linalg.norm(u, axis=1)
    if not np.all(np.isfinite(norm)) or np.any(np.abs(norm - 1.0) > 1e-6):
        raise ValueError("axes must be finite unit vectors")
    u = u / norm[:, None]
    helper = np.where((np.abs(u[:, 0]) < 0.9)[:, None], [[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]])
    x = helper - np.sum(helper * u, axis=1)[:, None] * u
    x /= np.linalg.norm(x, axis=1)[:, None]
    y = np.cross(u, x)
    return np.ascontiguousarray(np.stack([x, y, u], axis=2))


def make_spherocylinder_dataset(*, length: float, diameter: float, n_samples: int,
                                rng: np.random.Generator) -> dict:
    """Contact distances of random spherocylinder pairs (module docstring).

    Returns ``directions_i, directions_j, unit_separations (n, 3)`` and ``contact (n,)`` [sigma].
    """
    u_i = _unit_vectors(rng, n_samples)
    u_j = _unit_vectors(rng, n_samples)
    rhat = _unit_vectors(rng, n_samples)
    contact = spherocylinder_contact_distance(u_i, u_j, rhat, length, diameter)
    return {"directions_i": u_i, "directions_j": u_j, "unit_separations": rhat, "contact": contact}


def contact_pool(degree: int, head_tail_symmetric: bool) -> AngularBasis:
    """Monomials of the 3 cylindrical S functions up to total ``degree`` (optionally the
    head-tail symmetric ones only: exponents all even or all odd)."""
    full = AngularBasis.monomials(CYLINDRICAL_FUNCTIONS, degree)
    if not head_tail_symmetric:
        return full
    e = full.exponents % 2
    keep = (e[:, 0] == e[:, 1]) & (e[:, 1] == e[:, 2])
    return AngularBasis(CYLINDRICAL_FUNCTIONS, full.exponents[keep])


def fit_contact_function(data: dict, *, seed: int, degree: int = 12, head_tail_symmetric: bool = True,
                         centres: str = "one", test_fraction: float = 0.2, max_features: int = 64,
                         min_gain: float = 1e-9, select: bool = True):
    """Select and fit sigma_s = sum_k w_k G_k(I), Lambda = f_c = 1 (paper Fig. 7a).

    ``data``: arrays of :func:`make_spherocylinder_dataset`. ``select=False`` fits every
    column of the pool (what the pool can represent, without the stepwise selection).
    Returns ``(model, trace, metrics, parity)``.
    """
    angular = contact_pool(degree, head_tail_symmetric)
    radial = RadialBasis.none()
    rot_i = frames_from_axes(data["directions_i"])
    rot_j = frames_from_axes(data["directions_j"])
    design = pair_regressors(rot_i, rot_j, data["unit_separations"], angular, radial, None,
                             centres=centres)
    target = np.asarray(data["contact"], dtype=float)
    cols, weights, trace, metrics, pred, train = _fit_pool(
        design, target, angular.labels, seed=seed, test_fraction=test_fraction,
        max_features=max_features, min_gain=min_gain, select=select)
    metrics["contact_fit_max"] = float(pred.max())
    metrics["paper"] = {"n_s": PAPER["spherocylinder"]["n_s"],
                        "rmse_sigma": PAPER["spherocylinder"]["rmse_sigma"]}
    model = SFunctionPairModel(angular, radial, None, cols, weights, centres=centres,
                               units={"length": "sigma", "target": "sigma_s [sigma]"},
                               metrics={k: v for k, v in metrics.items() if k != "paper"})
    parity = pd.DataFrame({"target": target, "prediction": pred,
                           "set": np.where(train, "train", "test")})
    return model, trace, metrics, parity


# --------------------------------------------------------------------------- Eq. 17
#: Number of leading scalars in the packed soft-potential parameter array.
SOFT_HEADER = 6


def _check_contact_model(model: SFunctionPairModel) -> None:
    if model.radial.kind != "none" or set(model.angular.functions) - set(CYLINDRICAL_FUNCTIONS):
        raise ValueError("the soft potential needs a contact-function model: radial kind 'none' "
                         "and cylindrical S functions (0, 1, 2) only")


def symmetric_contact_polynomial(model: SFunctionPairModel) -> np.ndarray:
    """Exchange-averaged contact function as a polynomial in (s_0, s_1, s_2): rows (a, b, c, coef).

    sbar_s = [sigma_s(I, J, R) + sigma_s(J, I, -R)] / 2. Exchange maps (s_0, s_1, s_2) to
    (s_1, s_0, s_2) (paper, below Eq. 2), i.e. exponents (a, b, c) -> (b, a, c). For
    ``centres="both"`` sigma_s is already the sum of both orders.
    """
    _check_contact_model(model)
    pos = {f: c for c, f in enumerate(model.angular.functions)}
    terms: dict[tuple, float] = {}
    factor = 0.5 if model.centres == "one" else 1.0
    for col, w in zip(model.selected, model.weights):
        row = model.angular.exponents[col]
        a, b, c = (int(row[pos[f]]) if f in pos else 0 for f in CYLINDRICAL_FUNCTIONS)
        for key in ((a, b, c), (b, a, c)):
            terms[key] = terms.get(key, 0.0) + factor * float(w)
    keys = sorted(terms)
    return np.array([[*k, terms[k]] for k in keys], dtype=float).reshape(-1, 4)


def _check_sorted_rows(poly: np.ndarray) -> None:
    """Rows sorted by (a, b, c): the contact kernel then rebuilds few powers."""
    keys = [tuple(int(v) for v in row) for row in poly[:, :3]]
    if keys != sorted(keys):
        raise ValueError("contact polynomial rows must be sorted by exponents (a, b, c) "
                         "(symmetric_contact_polynomial sorts them)")


def pack_soft_potential(model: SFunctionPairModel, *, epsilon: float = 1.0, sigma: float = 1.0,
                        lambda_r: float = 50.0, gap_cut: float = 0.5) -> np.ndarray:
    """Flat float64 parameter array of :func:`soft_potential_pair`.

    Layout: ``[epsilon, sigma, lambda_r, gap_cut, shift, n_terms,
    a_0, b_0, c_0, coef_0, a_1, b_1, c_1, coef_1, ...]`` with
    shift = (sigma/(gap_cut + sigma))^lambda_r and n_terms rows of the exchange-averaged
    contact polynomial sbar_s = sum_t coef_t s_0^a_t s_1^b_t s_2^c_t
    (:func:`symmetric_contact_polynomial`); s_0 = u_J.R/sqrt3, s_1 = -u_I.R/sqrt3,
    s_2 = -u_I.u_J/sqrt3 (Eq. 8). Units: epsilon [energy], sigma and gap_cut [sigma].
    """
    for name, v in (("epsilon", epsilon), ("sigma", sigma), ("lambda_r", lambda_r), ("gap_cut", gap_cut)):
        if not (math.isfinite(float(v)) and float(v) > 0):
            raise ValueError(f"{name} must be a positive finite number, got {v!r}")
    poly = symmetric_contact_polynomial(model)
    _check_sorted_rows(poly)
    shift = (sigma / (gap_cut + sigma)) ** lambda_r
    head = np.array([epsilon, sigma, lambda_r, gap_cut, shift, poly.shape[0]], dtype=float)
    return np.ascontiguousarray(np.concatenate([head, poly.ravel()]))


@njit(cache=True)
def _soft_energy_from_gap(h, params):
    eps = params[0]
    sig = params[1]
    if h >= params[3]:
        return 0.0
    x = h + sig
    if x <= 0.0:
        return np.inf
    return eps * ((sig / x) ** params[2] - params[4])


@njit(cache=True)
def _carry_power(p, now, target, x):
    """``(x^target, target)`` from ``p = x^now``: restart from 1 when the exponent falls,
    else multiply on (the repeated multiplication of ``SK.ipow``, bit for bit)."""
    if target < now:
        now = 0
        p = 1.0
    while now < target:
        p *= x
        now += 1
    return p, now


@njit(cache=True)
def _contact_polynomial(s0, s1, s2, params):
    """sum_t coef_t s0^a_t s1^b_t s2^c_t over the packed rows of ``params``.

    Each power is carried from one row to the next and rebuilt from 1 only when its
    exponent falls (rare: the rows are sorted by (a, b, c), :func:`pack_soft_potential`);
    no allocation. Every power is the same repeated multiplication as ``SK.ipow``, so the
    value is bit-identical to the plain per-row evaluation, in any row order.
    """
    n = int(params[5])
    total = 0.0
    a_now = 0
    b_now = 0
    c_now = 0
    p0 = 1.0
    p1 = 1.0
    p2 = 1.0
    for t in range(n):
        k = SOFT_HEADER + 4 * t
        a = int(params[k])
        b = int(params[k + 1])
        c = int(params[k + 2])
        p0, a_now = _carry_power(p0, a_now, a, s0)
        p1, b_now = _carry_power(p1, b_now, b, s1)
        p2, c_now = _carry_power(p2, c_now, c, s2)
        total += params[k + 3] * p0 * p1 * p2
    return total


@njit(cache=True)
def _pair_s_functions(r_vec, ui0, ui1, ui2, uj0, uj1, uj2):
    """(R, s_0, s_1, s_2) of one pair (Eq. 8 with the 1/sqrt3 of the cylindrical functions)."""
    r = math.sqrt(r_vec[0] * r_vec[0] + r_vec[1] * r_vec[1] + r_vec[2] * r_vec[2])
    if r == 0.0:
        return 0.0, 0.0, 0.0, 0.0
    h0 = r_vec[0] / r
    h1 = r_vec[1] / r
    h2 = r_vec[2] / r
    c3 = SK.C3
    s0 = c3 * (uj0 * h0 + uj1 * h1 + uj2 * h2)
    s1 = -c3 * (ui0 * h0 + ui1 * h1 + ui2 * h2)
    s2 = -c3 * (ui0 * uj0 + ui1 * uj1 + ui2 * uj2)
    return r, s0, s1, s2


@njit(cache=True)
def _soft_energy_axes(r_vec, ui0, ui1, ui2, uj0, uj1, uj2, params):
    """Eq. 17 of one pair from the axis components (shared by the scalar and rigid kernels)."""
    r, s0, s1, s2 = _pair_s_functions(r_vec, ui0, ui1, ui2, uj0, uj1, uj2)
    if r == 0.0:
        return np.inf
    return _soft_energy_from_gap(r - _contact_polynomial(s0, s1, s2, params), params)


@njit(cache=True)
def _cell_of_s(s, inv_width, n):
    k = int((s + SK.C3) * inv_width)
    return 0 if k < 0 else (n - 1 if k >= n else k)


@njit(cache=True)
def _soft_energy_axes_screened(r_vec, ui0, ui1, ui2, uj0, uj1, uj2, params, bounds, inv_width):
    """:func:`_soft_energy_axes`, with the contact polynomial skipped where a rigorous upper
    bound of it (:func:`contact_upper_bounds`, on the cell of (s_0, s_1, s_2)) already puts
    the gap at or beyond the truncation: R - bound >= gap_cut implies R - sbar_s >= gap_cut,
    where Eq. 17 is exactly 0. Same value, bit for bit, for every pair."""
    r, s0, s1, s2 = _pair_s_functions(r_vec, ui0, ui1, ui2, uj0, uj1, uj2)
    if r == 0.0:
        return np.inf
    n = bounds.shape[0]
    bound = bounds[_cell_of_s(s0, inv_width, n), _cell_of_s(s1, inv_width, n),
                   _cell_of_s(s2, inv_width, n)]
    if r - bound >= params[3]:
        return 0.0
    return _soft_energy_from_gap(r - _contact_polynomial(s0, s1, s2, params), params)


def _monomial_range(lo: np.ndarray, hi: np.ndarray, power: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact range of x^power for x in [lo, hi] (elementwise)."""
    if power == 0:
        return np.ones_like(lo), np.ones_like(hi)
    a, b = lo ** power, hi ** power
    if power % 2:
        return a, b
    low = np.where((lo < 0) & (hi > 0), 0.0, np.minimum(a, b))
    return low, np.maximum(a, b)


def _interval_product(a_lo, a_hi, b_lo, b_hi):
    c = np.stack(np.broadcast_arrays(a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi))
    return c.min(axis=0), c.max(axis=0)


def _derivative_rows(rows: np.ndarray, derivative: tuple) -> np.ndarray:
    """Rows (a, b, c, coef) of the partial derivative d/ds_d (d in ``derivative``, in turn)."""
    out = np.array(rows, dtype=float, copy=True)
    for d in derivative:
        out[:, 3] *= out[:, d]
        out[:, d] = np.maximum(out[:, d] - 1.0, 0.0)
    return out[out[:, 3] != 0.0]


def _polynomial_at(rows: np.ndarray, s0, s1, s2) -> np.ndarray:
    value = np.zeros(np.broadcast(s0, s1, s2).shape)
    for a, b, c, coef in rows:
        value += (coef * s0 ** int(a) * s1 ** int(b)) * s2 ** int(c)
    return value


def _polynomial_interval(rows: np.ndarray, edges: np.ndarray):
    """Interval enclosure (lower, upper), (n, n, n), of a polynomial (rows a, b, c, coef)
    over the cells of a grid with ``edges`` (n + 1,) on each of the three axes.

    Each monomial's range over a box is exact (a product of ranges of independent
    variables); the sum of the ranges encloses the polynomial (interval arithmetic).
    """
    lo, hi = edges[:-1], edges[1:]
    n = lo.size
    total_lo = np.zeros((n, n, n))
    total_hi = np.zeros((n, n, n))
    shapes = ((n, 1, 1), (1, n, 1), (1, 1, n))
    for row in rows:
        coef = float(row[3])
        ranges = []
        for d in range(3):
            r_lo, r_hi = _monomial_range(lo, hi, int(row[d]))
            ranges.append((r_lo.reshape(shapes[d]), r_hi.reshape(shapes[d])))
        m_lo, m_hi = _interval_product(*ranges[0], *ranges[1])
        m_lo, m_hi = _interval_product(m_lo, m_hi, *ranges[2])
        if coef >= 0:
            total_lo += coef * m_lo
            total_hi += coef * m_hi
        else:
            total_lo += coef * m_hi
            total_hi += coef * m_lo
    return total_lo, total_hi


def contact_upper_bounds(params: np.ndarray, n_grid: int = 48) -> tuple[np.ndarray, float]:
    """Rigorous upper bounds of the packed contact polynomial sbar_s (:func:`pack_soft_potential`)
    on an ``n_grid``^3 grid of cells over the cube [-1/sqrt3, 1/sqrt3]^3 of (s_0, s_1, s_2).

    Second-order Taylor form per cell, with c the cell centre and w its width:
    sbar_s(x) <= sbar_s(c) + sum_d |g_d(c)| w/2 + (1/2) sum_de max|H_de| (w/2)^2, the
    gradient g exact at c and the Hessian H enclosed over the cell by interval arithmetic
    (the monomial coefficients of a fitted contact function are large and cancel: with the
    laptop model at 48^3 cells the first-order form, gradient enclosed by intervals, leaves a
    mean slack of 1.9 sigma on random pairs, this one 0.41); the plain interval enclosure
    where that is lower. A margin of 1e-9 sigma + 1e-12 sum_t |coef_t| covers
    the rounding of the kernel's own evaluation. Returns (bounds (n, n, n), 1 / w): a pair
    whose (s_0, s_1, s_2) falls in cell (i, j, k) has sbar_s <= bounds[i, j, k].
    """
    if n_grid < 1:
        raise ValueError(f"n_grid must be >= 1, got {n_grid}")
    n_rows = int(params[5])
    rows = np.asarray(params[SOFT_HEADER:SOFT_HEADER + 4 * n_rows], dtype=float).reshape(n_rows, 4)
    c3 = SK.C3
    edges = np.linspace(-c3, c3, n_grid + 1)
    half = 0.5 * (edges[1] - edges[0])
    centre = 0.5 * (edges[:-1] + edges[1:])
    s = (centre[:, None, None], centre[None, :, None], centre[None, None, :])  # broadcast to the grid
    taylor = _polynomial_at(rows, *s)
    for d in range(3):
        taylor += half * np.abs(_polynomial_at(_derivative_rows(rows, (d,)), *s))
    for d in range(3):
        for e in range(d, 3):  # H is symmetric: each off-diagonal term twice
            h_lo, h_hi = _polynomial_interval(_derivative_rows(rows, (d, e)), edges)
            taylor += (0.5 if d == e else 1.0) * half * half * np.maximum(np.abs(h_lo), np.abs(h_hi))
    plain = _polynomial_interval(rows, edges)[1]
    margin = 1e-9 + 1e-12 * float(np.abs(rows[:, 3]).sum())
    return np.ascontiguousarray(np.minimum(taylor, plain) + margin), 1.0 / (2.0 * half)


@njit(cache=True)
def contact_from_params(u_i, u_j, rhat, params):
    """Exchange-averaged fitted contact distance sbar_s [sigma] (see :func:`pack_soft_potential`)."""
    c3 = SK.C3
    s0 = c3 * (u_j[0] * rhat[0] + u_j[1] * rhat[1] + u_j[2] * rhat[2])
    s1 = -c3 * (u_i[0] * rhat[0] + u_i[1] * rhat[1] + u_i[2] * rhat[2])
    s2 = -c3 * (u_i[0] * u_j[0] + u_i[1] * u_j[1] + u_i[2] * u_j[2])
    return _contact_polynomial(s0, s1, s2, params)


@njit(cache=True)
def soft_potential_pair(r_vec, u_i, u_j, params):
    """Eq. 17 (truncated, shifted, exchange-averaged contact) of one pair [epsilon].

    ``r_vec (3,)`` = R_J - R_I [sigma]; ``u_i, u_j (3,)`` unit axes; ``params`` from
    :func:`pack_soft_potential`. Returns +inf for R = 0 or h + sigma <= 0.
    """
    return _soft_energy_axes(r_vec, u_i[0], u_i[1], u_i[2], u_j[0], u_j[1], u_j[2], params)


@njit(cache=True)
def soft_potential_pairs(r_vecs, u_i, u_j, params, out):
    """Loop of :func:`soft_potential_pair`: ``r_vecs, u_i, u_j (m, 3)`` -> ``out (m,)``."""
    for k in range(r_vecs.shape[0]):
        out[k] = soft_potential_pair(r_vecs[k], u_i[k], u_j[k], params)


def soft_potential(model: SFunctionPairModel, separations, directions_i, directions_j, *,
                   epsilon: float = 1.0, sigma: float = 1.0, lambda_r: float = 50.0,
                   gap_cut: float = 0.5, contact=None) -> np.ndarray:
    """Eq. 17 of ``m`` pairs, vectorised through ``model.predict``, ``(m,)`` [epsilon].

    ``separations (m, 3)`` = R_J - R_I [sigma]; ``directions_i, directions_j (m, 3)`` unit
    axes. ``contact (m,)`` overrides the contact distance (e.g. the exact Vega-Lago value);
    by default the exchange-averaged fitted one.
    """
    r = np.asarray(separations, dtype=float)
    if r.ndim != 2 or r.shape[1] != 3:
        raise ValueError(f"separations must have shape (m, 3), got {r.shape}")
    dist = np.linalg.norm(r, axis=1)
    if contact is None:
        _check_contact_model(model)
        rot_i = frames_from_axes(directions_i)
        rot_j = frames_from_axes(directions_j)
        safe = np.where(dist[:, None] > 0, r, [[0.0, 0.0, 1.0]])
        contact = 0.5 * (model.predict(rot_i, rot_j, safe) + model.predict(rot_j, rot_i, -safe))
    contact = np.asarray(contact, dtype=float)
    h = dist - contact
    x = h + sigma
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        phi = epsilon * ((sigma / x) ** lambda_r - (sigma / (gap_cut + sigma)) ** lambda_r)
    phi = np.where(h >= gap_cut, 0.0, phi)
    return np.where((x <= 0) | (dist == 0), np.inf, phi)


# =========================================================================== entry points
def _load_arrays(path, keys):
    arrays, meta = read_npz(path)
    missing = [k for k in keys if k not in arrays]
    if missing:
        raise ValueError(f"{path}: missing arrays {missing}")
    return arrays, meta


def _write_fit(output, model, trace, metrics, parity, p, seed):
    meta = provenance(p, seed=seed)
    write_json(output["model"], {**model.to_dict(), "provenance": meta})
    write_csv(output["trace"], trace, meta)
    write_json(output["metrics"], {**metrics, "provenance": meta})
    if "parity" in output:
        write_csv(output["parity"], parity, meta)


def run_superball_dataset(*, input, output, params, wildcards, threads=1):
    """Overlap volumes of depletion zones -> ``output["dataset"]`` (npz, arrays of
    :class:`SuperballDataset`)."""
    p = _params(params, SUPERBALL_DATASET_PARAMS)
    rng = np.random.default_rng(p["seed"])
    data = make_superball_dataset(rng=rng, threads=threads, **{k: v for k, v in p.items() if k != "seed"})
    log.info("superball data set: %d configurations, V_f in [%.4g, %.4g] sigma^3",
             data.volume.size, data.volume.min(), data.volume.max())
    write_npz(output["dataset"], provenance({**p, "units": "sigma, sigma^3, rad"}, seed=p["seed"]),
              **data.arrays())


def run_superball_fit(*, input, output, params, wildcards, threads=1):
    """Fit V_f^(2): ``output["model"]`` (json), ``["trace"]`` (csv), ``["metrics"]`` (json),
    ``["parity"]`` (csv: target, prediction, set)."""
    p = _params(params, SUPERBALL_FIT_PARAMS)
    data, _ = _load_arrays(input["dataset"], ("separations", "rotations_i", "rotations_j", "volume"))
    model, trace, metrics, parity = fit_superball_volume(data, **p)
    log.info("superball fit: N_s = %d, RMSE test = %.4g sigma^3", metrics["n_s"], metrics["rmse_test"])
    _write_fit(output, model, trace, metrics, parity, p, p["seed"])


def run_superball_landscape(*, input, output, params, wildcards, threads=1):
    """Fig. 5b: V_f^(2) at fixed separation along lab X vs the rotations (theta_1, theta_2)
    of particle J about lab Y and lab Z (I fixed, identity), FG (MC integration) and CG.

    Writes ``output["landscape"]`` (npz: theta_1, theta_2 (n,), volume_fg, volume_fg_error,
    volume_cg, core_overlap (n, n); NaN where the hard cores would overlap).
    """
    p = _params(params, SUPERBALL_LANDSCAPE_PARAMS)
    model = SFunctionPairModel.load(input["model"])
    rng = np.random.default_rng(p["seed"])
    theta = 2.0 * np.pi * np.arange(p["n_grid"]) / p["n_grid"]
    rot_j = np.array([rotation_matrix_about_axis([0, 0, 1], t2) @ rotation_matrix_about_axis([0, 1, 0], t1)
                      for t1 in theta for t2 in theta])
    m = rot_j.shape[0]
    rot_i = np.broadcast_to(np.eye(3), (m, 3, 3))
    sep = np.broadcast_to([p["separation"], 0.0, 0.0], (m, 3))
    core = superball_overlap(sep, rot_i, rot_j, p["sigma"], p["exponent"])
    fg = superball_overlap_volume(sep, rot_i, rot_j, p["sigma"] + p["sigma_d"], p["exponent_zone"],
                                  p["n_mc_samples"], rng)
    cg = model.predict(rot_i, rot_j, sep)
    shape = (p["n_grid"], p["n_grid"])
    nan = np.where(core, np.nan, 1.0)
    write_npz(output["landscape"], provenance({**p, "model": str(input["model"]),
                                               "rotation": "R_J = R_z(theta_2) R_y(theta_1)"},
                                              seed=p["seed"]),
              theta_1=theta, theta_2=theta, volume_fg=(fg.volume * nan).reshape(shape),
              volume_fg_error=fg.error.reshape(shape), volume_cg=(cg * nan).reshape(shape),
              core_overlap=core.reshape(shape))


def run_spherocylinder_dataset(*, input, output, params, wildcards, threads=1):
    """Contact distances -> ``output["dataset"]`` (npz: directions_i, directions_j,
    unit_separations (n, 3), contact (n,) [sigma])."""
    p = _params(params, SPHEROCYLINDER_DATASET_PARAMS)
    data = make_spherocylinder_dataset(length=p["length"], diameter=p["diameter"],
                                       n_samples=p["n_samples"], rng=np.random.default_rng(p["seed"]))
    write_npz(output["dataset"], provenance({**p, "units": "sigma"}, seed=p["seed"]), **data)


def run_spherocylinder_fit(*, input, output, params, wildcards, threads=1):
    """Fit sigma_s: ``output["model"]``, ``["trace"]``, ``["metrics"]``, ``["parity"]``."""
    p = _params(params, SPHEROCYLINDER_FIT_PARAMS)
    data, _ = _load_arrays(input["dataset"], ("directions_i", "directions_j", "unit_separations",
                                              "contact"))
    model, trace, metrics, parity = fit_contact_function(data, **p)
    log.info("contact fit: N_s = %d, RMSE test = %.4g sigma", metrics["n_s"], metrics["rmse_test"])
    _write_fit(output, model, trace, metrics, parity, p, p["seed"])


#: Fig. 7c base configurations: (u_I, u_J, R_hat) and the exact contact [sigma] for L, sigma.
def _base_configurations(length, diameter):
    x, z = np.array([1.0, 0, 0]), np.array([0, 0, 1.0])
    return {"side_by_side": (z, z, x, diameter), "T": (z, x, x, 0.5 * length + diameter),
            "end_to_end": (z, z, z, length + diameter)}


def run_spherocylinder_curves(*, input, output, params, wildcards, threads=1):
    """Fig. 7b contour and Fig. 7c Eq. 17 curves from the fitted contact function.

    ``output["contour"]`` (csv): phi [rad], R_hat = (sin phi, 0, cos phi), u_I = u_J = z;
    sigma_s_fit (exchange-averaged), sigma_s_true [sigma]; half contact x, z
    (parallel identical convex centrosymmetric bodies: sigma_s R_hat / 2 traces the particle
    outline). ``output["potential"]`` (csv): configuration, R [sigma], phi_fit, phi_true
    (Eq. 17 with the exact contact) [epsilon], sigma_s_fit, sigma_s_true.
    """
    p = _params(params, SPHEROCYLINDER_CURVES_PARAMS)
    model = SFunctionPairModel.load(input["model"])
    _check_contact_model(model)
    kw = {"epsilon": p["epsilon"], "sigma": p["diameter"], "lambda_r": p["lambda_r"],
          "gap_cut": p["gap_cut"]}
    phi = np.linspace(0.0, 2.0 * np.pi, p["n_contour"])
    rhat = np.stack([np.sin(phi), np.zeros_like(phi), np.cos(phi)], axis=1)
    u = np.broadcast_to([0.0, 0.0, 1.0], rhat.shape)
    rot = frames_from_axes(u)
    fit = 0.5 * (model.predict(rot, rot, rhat) + model.predict(rot, rot, -rhat))
    true = spherocylinder_contact_distance(u, u, rhat, p["length"], p["diameter"])
    contour = pd.DataFrame({"phi": phi, "sigma_s_fit": fit, "sigma_s_true": true,
                            "x_fit": 0.5 * fit * rhat[:, 0], "z_fit": 0.5 * fit * rhat[:, 2],
                            "x_true": 0.5 * true * rhat[:, 0], "z_true": 0.5 * true * rhat[:, 2]})
    frames = []
    r_grid = np.linspace(0.5 * p["diameter"], p["length"] + p["diameter"] + 1.5 * p["gap_cut"],
                         p["n_separations"])
    for name, (u_i, u_j, rh, exact) in _base_configurations(p["length"], p["diameter"]).items():
        n = r_grid.size
        ui, uj = np.broadcast_to(u_i, (n, 3)), np.broadcast_to(u_j, (n, 3))
        sep = r_grid[:, None] * rh[None, :]
        s_fit = 0.5 * (model.predict(frames_from_axes(ui), frames_from_axes(uj), sep)
                       + model.predict(frames_from_axes(uj), frames_from_axes(ui), -sep))
        s_true = spherocylinder_contact_distance(ui, uj, np.broadcast_to(rh, (n, 3)),
                                                 p["length"], p["diameter"])
        frames.append(pd.DataFrame({
            "configuration": name, "R": r_grid,
            "phi_fit": soft_potential(model, sep, ui, uj, **kw),
            "phi_true": soft_potential(model, sep, ui, uj, contact=s_true, **kw),
            "sigma_s_fit": s_fit, "sigma_s_true": s_true, "sigma_s_exact": exact}))
    meta = provenance({**p, "model": str(input["model"])}, seed=p["seed"])
    write_csv(output["contour"], contour, meta)
    write_csv(output["potential"], pd.concat(frames, ignore_index=True), meta)


# ----------------------------------------------------------------------------------------
# the CG soft potential as a rigid-body pair function (NPT equation of state, Fig. 7)
# ----------------------------------------------------------------------------------------


@njit(cache=True)
def _soft_rigid_pair(r_ij, rot_i, rot_j, params):
    """Eq. 17 with the body z axes as the spherocylinder axes (see soft_potential_pair);
    ``params`` = (packed, bounds, 1 / cell width) with the polynomial screened by the
    bounds of :func:`contact_upper_bounds` (same value; most pairs inside the cutoff are
    far from contact, and the screen costs a table look-up against ~70 polynomial terms)."""
    return _soft_energy_axes_screened(r_ij, rot_i[0, 2], rot_i[1, 2], rot_i[2, 2],
                                      rot_j[0, 2], rot_j[1, 2], rot_j[2, 2], params[0],
                                      params[1], params[2])


def soft_spherocylinder_potential(model_path, sc: dict, screen_grid: int = 48):
    """The CG spherocylinder potential (Eq. 17 with the fitted contact function) for the
    rigid-body MC, from the contact-function model json at ``model_path``.

    ``sc``: epsilon, lambda_r, gap_cut (optional, defaults 1, 50, 0.5), length and diameter
    [sigma]. The cutoff is the largest fitted contact distance over orientations (checked
    on a dense sample) plus gap_cut, so the potential is exactly 0 beyond it.
    ``screen_grid``: cells per axis of the contact bound table that skips pairs far from
    contact (:func:`contact_upper_bounds`; 0: evaluate every pair inside the cutoff).
    Energies, and so trajectories, are the same either way.
    """
    from cgml.simulate.rigid import rigid_pair_potential

    model = SFunctionPairModel.load(model_path)
    params = pack_soft_potential(model, epsilon=float(sc.get("epsilon", 1.0)),
                                 sigma=float(sc.get("diameter", 1.0)),
                                 lambda_r=float(sc.get("lambda_r", 50.0)),
                                 gap_cut=float(sc.get("gap_cut", 0.5)))
    rng = np.random.default_rng(0)
    u = rng.normal(size=(3, 50_000, 3))
    u /= np.linalg.norm(u, axis=2, keepdims=True)
    contact = np.array([contact_from_params(u[0, k], u[1, k], u[2, k], params)
                        for k in range(u.shape[1])])
    exact_max = float(sc.get("length", 4.0)) + float(sc.get("diameter", 1.0))
    r_cut = 1.05 * max(float(contact.max()), exact_max) + float(params[3])
    if screen_grid:
        bounds, inv_width = contact_upper_bounds(params, int(screen_grid))
    else:  # no screen: a single cell whose bound is +inf
        bounds, inv_width = np.full((1, 1, 1), np.inf), 0.0
    return rigid_pair_potential(_soft_rigid_pair, r_cut, (params, bounds, float(inv_width)),
                                "spherocylinder CG")


# ----------------------------------------------------------------------------------------
# reference: Eq. 17 with the exact (Vega-Lago) contact distance instead of the fitted one
# ----------------------------------------------------------------------------------------


@njit(cache=True)
def _exact_contact_in_bracket(r, rhat, u_i, u_j, h, diameter, lo, hi, g_lo, g_hi):
    """Root of g(t) = d_m(t rhat) - D in [lo, hi] (g_lo <= 0 <= g_hi), Illinois regula falsi.

    d_m is convex and non-decreasing in t (see ``spherocylinder_contact``), so the root is
    unique. To 1e-10 sigma a pair near contact (gap -0.1 to 0.5 sigma) costs a median 7 and a
    mean 12 distance evaluations, brackets included (95th percentile 33, where Illinois
    stalls); bisection needs ~32 (measured on 3,000 random pairs, 2026-12-06).
    """
    side = 0
    for _ in range(100):
        if hi - lo < 1e-10:
            break
        t = hi - g_hi * (hi - lo) / (g_hi - g_lo) if g_hi > g_lo else 0.5 * (lo + hi)
        if not (lo < t < hi):
            t = 0.5 * (lo + hi)
        for a in range(3):
            r[a] = t * rhat[a]
        d, _, _ = GK.segment_distance_vl(r, u_i, u_j, h, h)
        g = d - diameter
        if g == 0.0:
            return t
        if g < 0.0:
            lo, g_lo = t, g
            if side == -1:
                g_hi *= 0.5
            side = -1
        else:
            hi, g_hi = t, g
            if side == 1:
                g_lo *= 0.5
            side = 1
    return 0.5 * (lo + hi)


@njit(cache=True)
def exact_soft_energy(r_vec, u_i, u_j, params):
    """Eq. 17 (truncated and shifted as :func:`soft_potential_pair`) with the exact contact
    distance sigma_s of spherocylinders [epsilon].

    ``params`` = (half_length, diameter, epsilon, lambda_r, gap_cut, shift) [sigma, epsilon].
    The actual axis distance d_R = d_m(R) bounds the gap h = R - sigma_s >= d_R - D (d_m
    grows at most as fast as t), so pairs with d_R >= D + gap_cut cost one distance; the
    others bracket sigma_s in [D R / d_R, R - d_R + D] (d_m(t) / t is non-decreasing) or,
    when the axes are closer than D at R, in [R, L + D].
    """
    half, diameter, eps, lam_r, gap, shift = params
    dist = math.sqrt(r_vec[0] * r_vec[0] + r_vec[1] * r_vec[1] + r_vec[2] * r_vec[2])
    if dist == 0.0:
        return np.inf
    d_r, _, _ = GK.segment_distance_vl(r_vec, u_i, u_j, half, half)
    if d_r >= diameter + gap:
        return 0.0
    rhat = np.empty(3)
    for a in range(3):
        rhat[a] = r_vec[a] / dist
    r = np.empty(3)
    if d_r >= diameter:
        lo = diameter * dist / d_r
        hi = dist - d_r + diameter
        if hi - lo < 1e-10:
            contact = 0.5 * (lo + hi)
        else:
            for a in range(3):
                r[a] = lo * rhat[a]
            g_lo = GK.segment_distance_vl(r, u_i, u_j, half, half)[0] - diameter
            for a in range(3):
                r[a] = hi * rhat[a]
            g_hi = GK.segment_distance_vl(r, u_i, u_j, half, half)[0] - diameter
            contact = _exact_contact_in_bracket(r, rhat, u_i, u_j, half, diameter, lo, hi,
                                                min(g_lo, 0.0), max(g_hi, 0.0))
    else:
        hi = 2.0 * half + diameter
        for a in range(3):
            r[a] = hi * rhat[a]
        g_hi = GK.segment_distance_vl(r, u_i, u_j, half, half)[0] - diameter
        contact = _exact_contact_in_bracket(r, rhat, u_i, u_j, half, diameter, dist, hi,
                                            d_r - diameter, max(g_hi, 0.0))
    h_gap = dist - contact
    if h_gap >= gap:
        return 0.0
    x = h_gap + diameter
    if x <= 0.0:
        return np.inf
    return eps * ((diameter / x) ** lam_r - shift)


@njit(cache=True)
def _exact_soft_rigid_pair(r_ij, rot_i, rot_j, params):
    """:func:`exact_soft_energy` with the body z axes as the spherocylinder axes (column
    views, no copy per pair)."""
    return exact_soft_energy(r_ij, rot_i[:, 2], rot_j[:, 2], params)


@njit(cache=True)
def exact_soft_energies(r_vecs, u_i, u_j, params, out):
    """Loop of :func:`exact_soft_energy`: ``r_vecs, u_i, u_j (m, 3)`` -> ``out (m,)``."""
    for k in range(r_vecs.shape[0]):
        out[k] = exact_soft_energy(r_vecs[k], u_i[k], u_j[k], params)


def exact_soft_params(sc: dict) -> tuple:
    """Kernel parameters of :func:`exact_soft_energy` from the ``spherocylinder`` config."""
    length, diameter = float(sc.get("length", 4.0)), float(sc.get("diameter", 1.0))
    eps, lam_r, gap = (float(sc.get("epsilon", 1.0)), float(sc.get("lambda_r", 50.0)),
                       float(sc.get("gap_cut", 0.5)))
    for name, v in (("length", length), ("diameter", diameter), ("epsilon", eps),
                    ("lambda_r", lam_r), ("gap_cut", gap)):
        if not (math.isfinite(v) and v > 0):
            raise ValueError(f"anisotropic.spherocylinder.{name} must be a positive number, got {v!r}")
    return (0.5 * length, diameter, eps, lam_r, gap, (diameter / (gap + diameter)) ** lam_r)


def exact_soft_spherocylinder_potential(sc: dict):
    """Reference CG potential: Eq. 17 with the exact contact distance, for the rigid-body MC.

    It isolates what the fitted contact function contributes to the CG equation of state:
    same soft form, lambda_r, epsilon and truncation as :func:`soft_spherocylinder_potential`,
    no fit. Cutoff L + D + gap_cut (the largest contact plus the truncation gap).
    """
    from cgml.simulate.rigid import rigid_pair_potential

    params = exact_soft_params(sc)
    r_cut = 2.0 * params[0] + params[1] + params[4]
    return rigid_pair_potential(_exact_soft_rigid_pair, r_cut, params, "spherocylinder Eq. 17, exact contact")
