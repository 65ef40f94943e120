"""Surface-patterned particles (JC, IPC, EJC, EIPC): data sets, S-function models, landscapes.

Reference: G. Campos-Villalobos, R. Subert, G. Giunta, M. Dijkstra, npj Comput. Mater.
(2024), "Surface-patterned particles" (Figs. 2-4, Supplementary Fig. 1) and Methods
("Construction of coarse-grained models", "Fine-grained data").

Units (reduced): lengths in sigma for the spheres and in sigma_perp for the ellipsoids
(the FG models of :mod:`cgml.fg.patchy` use sigma_perp = 1 either way), angles in
radians, energies in k_BT (Bjerrum length of :mod:`cgml.fg.patchy`), mu in 1/sigma.

Chain (each step an entry function with the house signature
``run_xxx(*, input, output, params, wildcards, threads=1)``):

    run_patchy_dataset    grid of dimer configurations, FG site-sum energies (Eq. 16),
                          random subset, 80/20 train/test mask             -> npz
    run_patchy_fit        exchange-symmetric S-function pool (Eq. 12), forward stepwise
                          selection (Eqs. 18-19), least squares             -> model json,
                                                                               trace csv,
                                                                               metrics json,
                                                                               parity csv
    run_patchy_landscape  theta_1-theta_2 landscape (Figs. 2a-b, 4a-b) and the curves
                          of Fig. 3a (vs theta_2) and Fig. 3c (vs R_IJ), FG and CG
                                                                            -> npz, csv

Configurations (Methods, "Fine-grained data")
---------------------------------------------
"placing the particles at different mutual distances and then rotating the particles
about two space-fixed axes by equally spaced angles in the range 0 to 2 pi". Our
reading: particle I sits at the origin and J at R_IJ = (R, 0, 0) (the separation along
the space-fixed X axis, "left particle" of Fig. 3a); each particle starts with its
pattern axis z_hat along Z and is rotated by theta_1 about X and then by theta_2 about
the space-fixed Y axis,

    Q(theta_1, theta_2) = R_Y(theta_2) R_X(theta_1),  z_hat = (cos t1 sin t2, -sin t1, cos t1 cos t2),

which reaches every direction of z_hat. The grid is the product of ``n_separations``
values of R spaced evenly on [r_min, r_max] and ``n_angles`` angles 2 pi k / n_angles
(k = 0 .. n_angles - 1, so 0 and 2 pi are not both counted) for each of the four angles
(theta_1, theta_2 of I and of J): n_separations n_angles^4 configurations. The
paper's 4,296,875 spherical Janus samples are exactly 11 x 25^4, which fixes the
paper-scale grid: 11 separations, 25 angles. (The IPC and ellipsoid counts, 4,303,750,
3,750,676 and 3,776,912, are not products of this kind; for the ellipsoids the
overlapping configurations were discarded, we use the same grid.) The paper then uses
10^5 random configurations; we draw ``n_samples`` grid points uniformly without
replacement, for ellipsoids among the non-overlapping ones (exact Perram-Wertheim test
of :mod:`cgml.geometry.ellipsoid`, standing in for the paper's unspecified "simple
collision detection algorithm"), so the full grid is never evaluated.

Separation ranges: R_IJ / sigma in [1.0405, 2.0] (spheres), R_IJ / sigma_perp in [1.010,
4.0] (ellipsoids), as printed. The landscapes of Figs. 2 and 4 are at R = 1.015 sigma,
below the sampled spherical range: there the CG model extrapolates (as in the paper).

Energies: the site sums of :func:`cgml.fg.patchy.truncated_site_sum` with a rigorous
per-configuration truncation bound (``tolerance``, default 1e-4 k_BT), stored with the
data.

Models (Results, "Surface-patterned particles")
-----------------------------------------------
Phi = Phi_I + Phi_J, Phi_I = sum_k w_k G_k(I), G_k(I) = exp(-mu R) f_c(R) M_k (Eq. 12,
tanh^3 cutoff Eq. 13), with M_k the monomials of the three cylindrical S functions
(indices 0, 1, 2 of :mod:`cgml.descriptors.sfunctions`: z_J.R, z_I.R, z_I.z_J up to
constants): R_c = 2 sigma, mu = 10 / sigma (JC, IPC: N_s = 106 and 64); R_c = 4
sigma_perp, mu = 10 / sigma_perp (EJC, EIPC; N_s not given). No intercept (the energy
vanishes beyond R_c).

Pool (our reading; the SI is not available): with centres "both" the monomials
s_0^a s_1^b s_2^c and s_0^b s_1^a s_2^c give the same regressor (exchange maps s_0 <->
s_1, s_2 -> s_2), so the pool keeps one of each pair (a >= b); the count of distinct
columns of total degree <= d is 34, 50, 70, 95, 125, 161, 203, 252 for d = 5 .. 12.
JC's N_s = 106 needs d >= 9. For IPC the z -> -z symmetry of each particle leaves only
monomials with b + c and a + c even: 20, 29, 35, 47, 56, 72 for d = 7 .. 12, and
N_s = 64 needs d >= 12. We therefore take the paper's pool to be all monomials of total
degree <= 12 (rank r = 2 d <= 24 in the paper's counting, each cylindrical S function
having rank 2): ``max_degree = 12`` at paper scale, 252 exchange-distinct columns.
Selection stops at ``max_features`` (paper: 106 JC, 64 IPC) or when the R^2 gain falls
below ``min_gain``.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd

from cgml.descriptors.sfunctions import AngularBasis, RadialBasis
from cgml.fg.patchy import (
    PAPER_BJERRUM_LENGTH,
    PAPER_CHARGE_DENSITY,
    PAPER_KAPPA,
    PAPER_N_SITES,
    PatchyParticle,
    build_patchy_particle,
    check_site_core,
    truncated_site_sum,
)
from cgml.fitting import fit_linear, r2_score, rmse
from cgml.fitting.sfunction_model import SFunctionPairModel, pair_regressors
from cgml.geometry.ellipsoid import ellipsoid_overlap
from cgml.io import provenance, read_npz, write_csv, write_json, write_npz
from cgml.selection import forward_stepwise, split_by_group

log = logging.getLogger(__name__)

__all__ = [
    "DATASET_DEFAULTS",
    "FG_DEFAULTS",
    "FIT_DEFAULTS",
    "LANDSCAPE_DEFAULTS",
    "PAPER_SYSTEMS",
    "build_candidate_pool",
    "compact_model",
    "curve_configurations",
    "fg_particle",
    "fit_patchy_model",
    "grid_angles",
    "grid_rotations",
    "patchy_energies",
    "run_patchy_dataset",
    "run_patchy_fit",
    "run_patchy_landscape",
    "sample_grid_configurations",
]

#: The paper's numbers per system: pattern, sigma_par / sigma_perp, sampled separation
#: range [sigma_perp], landscape separation, R_c, mu, N_s, size of the generated set.
PAPER_SYSTEMS = {
    "jc": {"pattern": "janus", "aspect_ratio": 1.0, "r_min": 1.0405, "r_max": 2.0,
           "landscape_separation": 1.015, "r_cut": 2.0, "mu": 10.0, "n_features": 106,
           "n_generated": 4_296_875},
    "ipc": {"pattern": "ipc", "aspect_ratio": 1.0, "r_min": 1.0405, "r_max": 2.0,
            "landscape_separation": 1.015, "r_cut": 2.0, "mu": 10.0, "n_features": 64,
            "n_generated": 4_303_750},
    "ejc": {"pattern": "janus", "aspect_ratio": 2.0, "r_min": 1.010, "r_max": 4.0,
            "landscape_separation": 2.015, "r_cut": 4.0, "mu": 10.0, "n_features": None,
            "n_generated": 3_750_676},
    "eipc": {"pattern": "ipc", "aspect_ratio": 2.0, "r_min": 1.010, "r_max": 4.0,
             "landscape_separation": 2.015, "r_cut": 4.0, "mu": 10.0, "n_features": None,
             "n_generated": 3_776_912},
}

#: ``params["dataset"]``: None means "the paper's value for this system".
DATASET_DEFAULTS = {"n_separations": 11, "n_angles": 25, "n_samples": 100_000,
                    "test_fraction": 0.2, "r_min": None, "r_max": None}
#: ``params["fg"]``: the FG site model and the truncation tolerance of the site sum [k_BT].
FG_DEFAULTS = {"n_sites": PAPER_N_SITES, "charge_density": PAPER_CHARGE_DENSITY,
               "kappa": PAPER_KAPPA, "bjerrum_length": PAPER_BJERRUM_LENGTH,
               "tolerance": 1e-4, "batch_size": 4096, "site_core": "element"}
#: ``params["fit"]``: pool degree, radial parameter, cutoff and stopping criterion.
FIT_DEFAULTS = {"max_degree": 12, "mu": None, "r_cut": None, "max_features": None,
                "min_gain": 1e-7}
#: ``params["landscape"]``: grid of the landscapes and the curves of Fig. 3.
LANDSCAPE_DEFAULTS = {"n_theta": 73, "separation": None, "n_curve": 145, "curve_r_min": None,
                      "curve_r_max": None, "n_curve_r": 60}

_INT_KEYS = {"n_separations", "n_angles", "n_samples", "n_sites", "batch_size", "max_degree",
             "max_features", "n_theta", "n_curve", "n_curve_r"}


# --------------------------------------------------------------------------- parameters
def _section(params: dict, name: str, defaults: dict) -> dict:
    """``params[name]`` merged over ``defaults``; unknown keys and bad values raise ValueError."""
    given = params.get(name, {}) or {}
    if not isinstance(given, dict):
        raise ValueError(f"params['{name}'] must be a dict, got {type(given).__name__}")
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise ValueError(f"params['{name}'] has unknown key {unknown[0]!r} "
                         f"(allowed: {sorted(defaults)})")
    out = dict(defaults)
    out.update(given)
    for key, value in out.items():
        if value is None:
            continue
        if key == "site_core":  # "element" or a length >= 0 (cgml.fg.patchy.site_core_radius)
            out[key] = check_site_core(value, f"params['{name}']['site_core']")
            continue
        if key in _INT_KEYS:
            if isinstance(value, bool) or int(value) != value or value < 1:
                raise ValueError(f"params['{name}']['{key}'] must be a positive integer, "
                                 f"got {value!r}")
            out[key] = int(value)
        else:
            try:
                x = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"params['{name}']['{key}'] must be a number, "
                                 f"got {value!r}") from None
            if not np.isfinite(x) or x < 0 or (x == 0 and key != "min_gain"):
                raise ValueError(f"params['{name}']['{key}'] must be a positive finite number, "
                                 f"got {value!r}")
            out[key] = x
    return out


def _system(params: dict, wildcards: dict | None) -> str:
    system = params.get("system", (wildcards or {}).get("system"))
    if system not in PAPER_SYSTEMS:
        raise ValueError(f"params['system'] (or wildcard 'system') must be one of "
                         f"{sorted(PAPER_SYSTEMS)}, got {system!r}")
    return system


def _seed(params: dict) -> int:
    if "seed" not in params:
        raise ValueError("params['seed'] is required")
    seed = params["seed"]
    if isinstance(seed, bool) or int(seed) != seed or seed < 0:
        raise ValueError(f"params['seed'] must be a non-negative integer, got {seed!r}")
    return int(seed)


# --------------------------------------------------------------------------- geometry
def grid_rotations(theta_1, theta_2) -> np.ndarray:
    """Q = R_Y(theta_2) R_X(theta_1) ``(m, 3, 3)`` for angle arrays ``(m,)`` [rad].

    Rotation about the space-fixed X axis by theta_1, then about the space-fixed Y axis
    by theta_2; columns are the body axes (the pattern axis z_hat is column 2).
    """
    t1 = np.atleast_1d(np.asarray(theta_1, dtype=np.float64))
    t2 = np.atleast_1d(np.asarray(theta_2, dtype=np.float64))
    t1, t2 = np.broadcast_arrays(t1, t2)
    c1, s1, c2, s2 = np.cos(t1), np.sin(t1), np.cos(t2), np.sin(t2)
    out = np.empty(t1.shape + (3, 3))
    # R_Y(t2) @ R_X(t1), R_X = [[1,0,0],[0,c1,-s1],[0,s1,c1]], R_Y = [[c2,0,s2],[0,1,0],[-s2,0,c2]]
    out[..., 0, 0] = c2
    out[..., 0, 1] = s2 * s1
    out[..., 0, 2] = s2 * c1
    out[..., 1, 0] = 0.0
    out[..., 1, 1] = c1
    out[..., 1, 2] = -s1
    out[..., 2, 0] = -s2
    out[..., 2, 1] = c2 * s1
    out[..., 2, 2] = c2 * c1
    return out


def grid_angles(n_angles: int) -> np.ndarray:
    """The ``n_angles`` equally spaced angles 2 pi k / n_angles, k = 0 .. n_angles - 1 [rad]."""
    return 2.0 * math.pi * np.arange(int(n_angles)) / int(n_angles)


def fg_particle(system: str, fg: dict | None = None) -> PatchyParticle:
    """The FG site model of ``system`` with the ``params['fg']`` settings (paper defaults)."""
    if system not in PAPER_SYSTEMS:
        raise ValueError(f"system must be one of {sorted(PAPER_SYSTEMS)}, got {system!r}")
    fg = _section({"fg": fg or {}}, "fg", FG_DEFAULTS)
    spec = PAPER_SYSTEMS[system]
    return build_patchy_particle(spec["pattern"], n_sites=fg["n_sites"],
                                 aspect_ratio=spec["aspect_ratio"],
                                 charge_density=fg["charge_density"])


def sample_grid_configurations(semi_axes, n_separations: int, n_angles: int, n_samples: int,
                               r_min: float, r_max: float, rng: np.random.Generator,
                               chunk: int = 65_536) -> dict:
    """Draw ``n_samples`` non-overlapping grid configurations uniformly without replacement.

    The grid is R in linspace(r_min, r_max, n_separations) [sigma_perp] times
    :func:`grid_angles` for (theta_1^I, theta_2^I, theta_1^J, theta_2^J); grid points are
    visited in a random permutation and kept unless the hard cores (ellipsoids with
    ``semi_axes (3,)``) overlap. Returns a dict of arrays: ``grid_index (m,)``,
    ``separation (m,)`` [sigma_perp], ``angles (m, 4)`` [rad], ``separations (m, 3)``,
    ``rotations_i, rotations_j (m, 3, 3)`` and scalars ``n_grid``, ``n_tested``,
    ``n_overlapping`` (of the tested ones), ``valid_fraction`` (estimate over the grid).
    """
    if not 0.0 < r_min <= r_max:
        raise ValueError(f"need 0 < r_min <= r_max, got r_min={r_min}, r_max={r_max}")
    radii = np.linspace(r_min, r_max, n_separations)
    angles = grid_angles(n_angles)
    shape = (n_separations, n_angles, n_angles, n_angles, n_angles)
    n_grid = int(np.prod(shape))
    if n_samples > n_grid:
        raise ValueError(f"n_samples = {n_samples} exceeds the grid size {n_grid} "
                         "(n_separations * n_angles^4)")
    order = rng.permutation(n_grid)
    kept = []
    n_kept = 0
    n_tested = 0
    n_overlap = 0
    for start in range(0, n_grid, chunk):
        idx = order[start:start + chunk]
        ir, a1, a2, b1, b2 = np.unravel_index(idx, shape)
        sep = np.column_stack([radii[ir], np.zeros(idx.size), np.zeros(idx.size)])
        overlap = ellipsoid_overlap(sep, grid_rotations(angles[a1], angles[a2]),
                                    grid_rotations(angles[b1], angles[b2]), semi_axes)
        good = idx[~overlap]
        take = good[:n_samples - n_kept]
        # count tested grid points up to the last one taken (the estimate stays unbiased)
        if take.size == good.size:
            n_tested += idx.size
            n_overlap += int(overlap.sum())
        else:
            last = int(np.nonzero(~overlap)[0][take.size - 1]) + 1
            n_tested += last
            n_overlap += int(overlap[:last].sum())
        kept.append(take)
        n_kept += take.size
        if n_kept == n_samples:
            break
    if n_kept < n_samples:
        raise ValueError(f"n_samples = {n_samples} exceeds the {n_kept} non-overlapping "
                         f"configurations of the grid")
    idx = np.concatenate(kept)
    ir, a1, a2, b1, b2 = np.unravel_index(idx, shape)
    sep = np.column_stack([radii[ir], np.zeros(idx.size), np.zeros(idx.size)])
    return {"grid_index": idx.astype(np.int64), "separation": radii[ir],
            "angles": np.column_stack([angles[a1], angles[a2], angles[b1], angles[b2]]),
            "separations": sep,
            "rotations_i": grid_rotations(angles[a1], angles[a2]),
            "rotations_j": grid_rotations(angles[b1], angles[b2]),
            "n_grid": n_grid, "n_tested": n_tested, "n_overlapping": n_overlap,
            "valid_fraction": 1.0 - n_overlap / max(n_tested, 1)}


def patchy_energies(particle: PatchyParticle, separations, rotations_i, rotations_j,
                    fg: dict | None = None, threads: int = 1):
    """FG energies Phi / k_BT ``(m,)`` and truncation bounds ``(m,)`` [k_BT] in batches.

    ``fg``: the ``params['fg']`` settings (tolerance, kappa, Bjerrum length, batch size,
    site core);
    ``threads > 1`` uses the parallel numba kernel.
    """
    fg = _section({"fg": fg or {}}, "fg", FG_DEFAULTS)
    sep = np.asarray(separations, dtype=np.float64)
    m = sep.shape[0]
    energy = np.empty(m)
    bound = np.empty(m)
    parallel = int(threads) > 1
    if parallel:
        import numba
        numba.set_num_threads(min(int(threads), numba.config.NUMBA_NUM_THREADS))
    step = fg["batch_size"]
    for start in range(0, m, step):
        sl = slice(start, min(m, start + step))
        res = truncated_site_sum(particle, particle, sep[sl], rotations_i[sl], rotations_j[sl],
                                 tolerance=fg["tolerance"], kappa=fg["kappa"],
                                 bjerrum_length=fg["bjerrum_length"], parallel=parallel,
                                 site_core=fg["site_core"])
        energy[sl] = res.energies
        bound[sl] = res.error_bound
        if m > step:
            log.info("site sums: %d / %d configurations", sl.stop, m)
    return energy, bound


# --------------------------------------------------------------------------- dataset
def run_patchy_dataset(*, input, output, params, wildcards, threads=1):
    """Data set of one system: grid sample, FG energies and the train/test mask.

    params: ``system`` (or wildcard), ``seed``, ``dataset`` (:data:`DATASET_DEFAULTS`),
    ``fg`` (:data:`FG_DEFAULTS`). Writes ``output['dataset']`` (npz): separation (m,)
    [sigma_perp], separations (m, 3), angles (m, 4) [rad] (theta_1, theta_2 of I, then
    of J), rotations_i, rotations_j (m, 3, 3), energy (m,) [k_BT], error_bound (m,)
    [k_BT], train, test (m,) bool, grid_index (m,).
    """
    system = _system(params, wildcards)
    seed = _seed(params)
    ds = _section(params, "dataset", DATASET_DEFAULTS)
    fg = _section(params, "fg", FG_DEFAULTS)
    if not 0.0 < ds["test_fraction"] < 1.0:
        raise ValueError(f"params['dataset']['test_fraction'] must lie in (0, 1), "
                         f"got {ds['test_fraction']}")
    spec = PAPER_SYSTEMS[system]
    r_min = spec["r_min"] if ds["r_min"] is None else ds["r_min"]
    r_max = spec["r_max"] if ds["r_max"] is None else ds["r_max"]
    particle = fg_particle(system, fg)
    rng = np.random.default_rng(seed)
    try:
        sample = sample_grid_configurations(particle.semi_axes, ds["n_separations"],
                                            ds["n_angles"], ds["n_samples"], r_min, r_max, rng)
    except ValueError as err:
        raise ValueError(f"params['dataset']['n_samples']: {err}") from None
    log.info("%s: %d of %d grid configurations (valid fraction %.3f)", system,
             ds["n_samples"], sample["n_grid"], sample["valid_fraction"])
    energy, bound = patchy_energies(particle, sample["separations"], sample["rotations_i"],
                                    sample["rotations_j"], fg, threads)
    train, test = split_by_group(np.arange(energy.size), ds["test_fraction"], seed + 1)
    meta = provenance({"system": system, "dataset": ds, "fg": fg, "r_min": r_min, "r_max": r_max},
                      seed=seed, n_grid=sample["n_grid"], n_tested=sample["n_tested"],
                      n_overlapping=sample["n_overlapping"],
                      valid_fraction=sample["valid_fraction"],
                      n_valid_estimate=sample["valid_fraction"] * sample["n_grid"],
                      paper_n_generated=spec["n_generated"],
                      units={"length": "sigma_perp", "energy": "kT", "angle": "rad"},
                      conventions="R_IJ = (R, 0, 0); Q = R_Y(theta_2) R_X(theta_1)")
    write_npz(output["dataset"], meta, separation=sample["separation"],
              separations=sample["separations"], angles=sample["angles"],
              rotations_i=sample["rotations_i"], rotations_j=sample["rotations_j"],
              energy=energy, error_bound=bound, train=train, test=test,
              grid_index=sample["grid_index"])


# --------------------------------------------------------------------------- fit
def build_candidate_pool(max_degree: int, mu: float) -> tuple[AngularBasis, RadialBasis]:
    """Exchange-distinct monomials of the cylindrical S functions (0, 1, 2) and exp(-mu R).

    All monomials s_0^a s_1^b s_2^c of total degree <= ``max_degree`` with a >= b (the
    rest duplicate a column under centres="both", see the module docstring).
    """
    full = AngularBasis.monomials((0, 1, 2), max_degree)
    keep = full.exponents[:, 0] >= full.exponents[:, 1]
    return AngularBasis((0, 1, 2), full.exponents[keep]), RadialBasis.exponential([mu])


def compact_model(model: SFunctionPairModel) -> SFunctionPairModel:
    """The same model with the pool cut down to the selected monomials (fast evaluation).

    Predictions are identical; only the columns that carry a weight are computed.
    """
    nk = len(model.angular)
    radial_idx, angular_idx = np.divmod(model.selected, nk)
    keep_k = np.unique(angular_idx)
    keep_r = np.unique(radial_idx)
    angular = AngularBasis(model.angular.functions, model.angular.exponents[keep_k])
    radial = RadialBasis(model.radial.kind, model.radial.mu[keep_r], model.radial.r_s[keep_r])
    pos_k = {int(k): i for i, k in enumerate(keep_k)}
    pos_r = {int(r): i for i, r in enumerate(keep_r)}
    selected = [pos_r[int(r)] * keep_k.size + pos_k[int(k)]
                for r, k in zip(radial_idx, angular_idx)]
    return SFunctionPairModel(angular, radial, model.r_cut, selected, model.weights,
                              model.centres, model.cutoff, dict(model.units), dict(model.metrics))


def fit_patchy_model(separations, rotations_i, rotations_j, energy, train, test, *,
                     max_degree: int, mu: float, r_cut: float, max_features: int,
                     min_gain: float):
    """Forward stepwise selection and least squares of Phi = Phi_I + Phi_J.

    ``separations (m, 3)`` [sigma_perp], ``rotations_* (m, 3, 3)``, ``energy (m,)``
    [k_BT], ``train, test (m,)`` bool. Returns ``(model, selection, predictions (m,))``;
    ``model.metrics`` holds N_s and the train/test RMSE [k_BT] and R^2, why the selection
    stopped (``stop``) and ``gain_stop_size``, the N_s at which the ``min_gain`` stop ends
    the greedy path with the cap lifted (followed to 2 ``max_features``; None beyond).
    """
    angular, radial = build_candidate_pool(max_degree, mu)
    design = pair_regressors(rotations_i, rotations_j, separations, angular, radial, r_cut,
                             centres="both")
    labels = [f"{r}*{a}" for r in radial.labels for a in angular.labels]
    selection = forward_stepwise(design, energy, train=train, test=test,
                                 max_features=max_features, min_gain=min_gain,
                                 intercept=False, labels=labels, probe_features=2 * max_features)
    sel = selection.selected
    fit = fit_linear(design[train][:, sel], energy[train], intercept=False)
    pred = design[:, sel] @ fit.coef
    metrics = {"n_features": int(sel.size), "n_pool": int(design.shape[1]),
               "stop": selection.stop, "gain_stop_size": selection.gain_stop_size,
               "n_train": int(train.sum()), "n_test": int(test.sum()),
               "rmse_train": rmse(energy[train], pred[train]),
               "rmse_test": rmse(energy[test], pred[test]) if test.any() else float("nan"),
               "r2_train": r2_score(energy[train], pred[train]),
               "r2_test": r2_score(energy[test], pred[test]) if test.any() else float("nan"),
               "energy_std": float(np.std(energy)),
               "energy_min": float(np.min(energy)), "energy_max": float(np.max(energy))}
    model = SFunctionPairModel(angular, radial, r_cut, sel, fit.coef, centres="both",
                               units={"length": "sigma_perp", "energy": "kT"}, metrics=metrics)
    return model, selection, pred


def run_patchy_fit(*, input, output, params, wildcards, threads=1):
    """Fit the CG model of one system from ``input['dataset']``.

    params: ``system`` (or wildcard), ``seed`` (recorded), ``fit`` (:data:`FIT_DEFAULTS`;
    mu, r_cut and max_features default to the paper's values). Writes ``output['model']``
    (json, :class:`SFunctionPairModel`), ``output['trace']`` (csv: step, feature, label,
    r2_train, gain, rmse_train, rmse_test, r2_test), ``output['metrics']`` (json) and
    ``output['parity']`` (csv: energy_fg_kT, energy_cg_kT, set).
    """
    system = _system(params, wildcards)
    seed = _seed(params)
    fit = _section(params, "fit", FIT_DEFAULTS)
    spec = PAPER_SYSTEMS[system]
    mu = spec["mu"] if fit["mu"] is None else fit["mu"]
    r_cut = spec["r_cut"] if fit["r_cut"] is None else fit["r_cut"]
    max_features = fit["max_features"] or spec["n_features"] or 200
    data, meta = read_npz(input["dataset"])
    data_system = meta.get("params", {}).get("system")
    if data_system not in (None, system):
        raise ValueError(f"params['system'] = {system!r} but {input['dataset']} holds {data_system!r}")
    model, selection, pred = fit_patchy_model(
        data["separations"], data["rotations_i"], data["rotations_j"], data["energy"],
        data["train"], data["test"], max_degree=fit["max_degree"], mu=mu, r_cut=r_cut,
        max_features=max_features, min_gain=fit["min_gain"])
    metrics = dict(model.metrics, system=system, mu=mu, r_cut=r_cut, max_degree=fit["max_degree"],
                   paper_n_features=spec["n_features"])
    log.info("%s: N_s = %d, RMSE train %.4g, test %.4g kT", system, metrics["n_features"],
             metrics["rmse_train"], metrics["rmse_test"])
    record = provenance({"system": system, "fit": fit, "mu": mu, "r_cut": r_cut,
                         "max_features": max_features, "dataset": str(input["dataset"])}, seed=seed)
    model.save(output["model"], provenance=record)
    write_csv(output["trace"], selection.trace, record)
    write_json(output["metrics"], dict(metrics, provenance=record))
    parity = pd.DataFrame({"energy_fg_kT": data["energy"], "energy_cg_kT": pred,
                           "set": np.where(data["train"], "train", "test")})
    write_csv(output["parity"], parity, record)


# --------------------------------------------------------------------------- landscapes
_AXES = {"x": (0.0, 0.5 * math.pi), "-x": (0.0, -0.5 * math.pi), "z": (0.0, 0.0),
         "y": (-0.5 * math.pi, 0.0)}


def curve_configurations() -> dict:
    """Named (z_I, z_J) orientation pairs of the Fig. 3c curves, R_IJ along +x.

    Values are ((theta_1, theta_2) of I, (theta_1, theta_2) of J) [rad]; "x" means
    z_hat along +x (towards J for particle I), "-x" along -x, "z" along +z, "y" along +y.
    """
    return {f"{a}|{b}": (_AXES[a], _AXES[b]) for a, b in
            (("x", "x"), ("x", "-x"), ("x", "z"), ("z", "z"), ("z", "y"))}


def run_patchy_landscape(*, input, output, params, wildcards, threads=1):
    """FG and CG energy landscapes and curves of one system at fixed separation.

    Landscape (Figs. 2a-b, 4a-b): particle I fixed with z_I = Z, particle J rotated by
    theta_1 about X and theta_2 about Y (:func:`grid_rotations`), R_IJ = (R, 0, 0) with
    R = 1.015 sigma (spheres) or 2.015 sigma_perp (ellipsoids) unless
    ``params['landscape']['separation']`` is given. Curves: Fig. 3a, energy vs theta_2
    (theta_1 = 0) with z_I along x or z; Fig. 3c, energy vs R for
    :func:`curve_configurations` (overlapping hard cores -> NaN).

    input: ``model`` (json). params: ``system``, ``seed`` (recorded), ``fg``,
    ``landscape`` (:data:`LANDSCAPE_DEFAULTS`). Writes ``output['landscape']`` (npz:
    theta (n,) [rad], energy_fg, energy_cg, error_bound (n, n) [k_BT] indexed
    [theta_1, theta_2], separation) and ``output['curves']`` (csv: panel, configuration,
    theta2_rad, separation, energy_fg_kT, energy_cg_kT, error_bound_kT).
    """
    system = _system(params, wildcards)
    seed = _seed(params)
    fg = _section(params, "fg", FG_DEFAULTS)
    land = _section(params, "landscape", LANDSCAPE_DEFAULTS)
    spec = PAPER_SYSTEMS[system]
    model = compact_model(SFunctionPairModel.load(input["model"]))
    particle = fg_particle(system, fg)
    r_land = spec["landscape_separation"] if land["separation"] is None else land["separation"]

    theta = np.linspace(0.0, 2.0 * math.pi, land["n_theta"])
    t1, t2 = np.meshgrid(theta, theta, indexing="ij")
    m = t1.size
    rot_i = np.broadcast_to(np.eye(3), (m, 3, 3))
    rot_j = grid_rotations(t1.ravel(), t2.ravel())
    sep = np.tile([r_land, 0.0, 0.0], (m, 1))
    e_fg, bound = patchy_energies(particle, sep, rot_i, rot_j, fg, threads)
    e_cg = model.predict(rot_i, rot_j, sep)
    shape = t1.shape

    rows = []
    # Fig. 3a: energy vs theta_2, z_I along x or along z
    th = np.linspace(0.0, 2.0 * math.pi, land["n_curve"])
    for name in ("x", "z"):
        a = _AXES[name]
        ri = np.broadcast_to(grid_rotations(a[0], a[1])[0], (th.size, 3, 3))
        rj = grid_rotations(np.zeros_like(th), th)
        s = np.tile([r_land, 0.0, 0.0], (th.size, 1))
        ef, eb = patchy_energies(particle, s, ri, rj, fg, threads)
        ec = model.predict(ri, rj, s)
        rows.append(pd.DataFrame({"panel": "theta2", "configuration": f"z_I={name}",
                                  "theta2_rad": th, "separation": r_land, "energy_fg_kT": ef,
                                  "energy_cg_kT": ec, "error_bound_kT": eb}))
    # Fig. 3c: energy vs separation
    r_lo = land["curve_r_min"] if land["curve_r_min"] is not None else (
        1.015 if spec["aspect_ratio"] == 1.0 else spec["r_min"])
    r_hi = land["curve_r_max"] if land["curve_r_max"] is not None else spec["r_cut"]
    radii = np.linspace(r_lo, r_hi, land["n_curve_r"])
    for name, (a, b) in curve_configurations().items():
        ri = np.broadcast_to(grid_rotations(*a)[0], (radii.size, 3, 3))
        rj = np.broadcast_to(grid_rotations(*b)[0], (radii.size, 3, 3))
        s = np.column_stack([radii, np.zeros_like(radii), np.zeros_like(radii)])
        ok = ~ellipsoid_overlap(s, ri, rj, particle.semi_axes)
        ef = np.full(radii.size, np.nan)
        eb = np.full(radii.size, np.nan)
        ec = np.full(radii.size, np.nan)
        if ok.any():
            ef[ok], eb[ok] = patchy_energies(particle, s[ok], ri[ok], rj[ok], fg, threads)
            ec[ok] = model.predict(ri[ok], rj[ok], s[ok])
        rows.append(pd.DataFrame({"panel": "separation", "configuration": name,
                                  "theta2_rad": np.nan, "separation": radii, "energy_fg_kT": ef,
                                  "energy_cg_kT": ec, "error_bound_kT": eb}))
    record = provenance({"system": system, "fg": fg, "landscape": land,
                         "separation": r_land, "model": str(input["model"])}, seed=seed,
                        conventions="R_IJ = (R, 0, 0); Q_I = 1; Q_J = R_Y(theta_2) R_X(theta_1)")
    write_npz(output["landscape"], record, theta=theta, energy_fg=e_fg.reshape(shape),
              energy_cg=e_cg.reshape(shape), error_bound=bound.reshape(shape),
              separation=np.float64(r_land))
    write_csv(output["curves"], pd.concat(rows, ignore_index=True), record)

