"""Functions the ``nanoparticles`` rules call (through ``scripts/nanoparticles/*.py``).

Each function takes ``input``, ``output``, ``params`` dictionaries (file paths and
config values), writes its outputs atomically with a provenance record, and
returns nothing. Units: see :mod:`cgml.papers.nanoparticles.units`.

Chain for data set (i), two nanoparticles (paper: "CG Two-Body Potential from ML
Mean Forces", Fig. 2):

    pair_fg          LAMMPS, cores frozen at separation R, ligands sampled (NVT)
    pair_map         MDAnalysis mapping -> mean force on each core (Eq. 4), blocking errors
    pair_features    force features Psi_k(I, alpha) of the radial pool (Eq. 32)
    pair_fit         forward stepwise selection + least squares (Eqs. 7, 32, 33)
    pair_pmf         PMF by integrating mean forces (Eq. 10) and Phi_ML2 (Eq. 8)
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cgml.analysis.stats import mean_and_sem
from cgml.descriptors import RadialSet, compute_symmetry_functions
from cgml.fitting import fit_linear, r2_score, rmse
from cgml.fitting.sf_model import SymmetryFunctionModel
from cgml.io import job_provenance, read_npz, write_csv, write_npz
from cgml.mapping import map_lammps_dump
from cgml.papers.nanoparticles.fine_grained import random_unit_vector
from cgml.papers.nanoparticles.units import ReducedUnits
from cgml.selection import cross_validated_size, forward_stepwise, one_standard_error_size, split_by_group

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- pair_map
def map_constrained_run(dump_path, np_forces_path, units: ReducedUnits, n_blocks) -> dict:
    """Mean forces of one constrained run with N frozen cores, in sigma_c and k_BT/sigma_c.

    Two estimators of the mean force on core I (Eq. 4):
    ``forces_core``: the force on the core beads, mapped from the dump with
    MDAnalysis (literal Eq. 4; noisy, it carries the stiff bonds of the NP's own
    ligands); ``forces``: the force summed over all beads of NP I (LAMMPS, every
    sample), equal on average because free ligand beads feel zero mean force in
    equilibrium, and far less noisy. Errors: :func:`cgml.analysis.stats.mean_and_sem`
    (``n_blocks = "auto"``: automated Flyvbjerg-Petersen blocking; an integer: fixed blocks). ``forces`` is the training target; both are
    stored, and their agreement is a check (``z_core_vs_whole``). Also returns the
    per-sample series ``whole_series (t, N, 3)`` for further projections.
    """
    from cgml.fg.lammps import read_ave_time_vector

    frames = map_lammps_dump(dump_path, periodic=False)
    n_sites = frames.positions.shape[1]
    pos = units.length_to_reduced(frames.positions[0])
    pos = pos - pos.mean(axis=0)
    core_mean, core_sem = mean_and_sem(units.force_to_reduced(frames.forces), n_blocks)
    _, whole = read_ave_time_vector(np_forces_path)
    if whole.shape[1:] != (n_sites, 3):
        raise ValueError(f"{np_forces_path}: expected {n_sites} rows x 3 force components, got {whole.shape[1:]}")
    whole = units.force_to_reduced(whole)
    mean, sem = mean_and_sem(whole, n_blocks)
    z = (core_mean - mean) / np.sqrt(core_sem**2 + sem**2 + 1e-300)
    return {"positions": pos, "forces": mean, "forces_sem": sem, "forces_core": core_mean,
            "forces_core_sem": core_sem, "z_core_vs_whole": z, "whole_series": whole}


def projected_force_series(positions, whole_series) -> np.ndarray:
    """F_m(t) of Eq. 9 per sample, > 0 repulsive: half the difference of the two forces
    ``whole_series (t, 2, 3)`` projected on the unit vector from core 1 to core 0."""
    r_hat = (positions[0] - positions[1]) / np.linalg.norm(positions[0] - positions[1])
    return 0.5 * (whole_series[:, 0] - whole_series[:, 1]) @ r_hat


def map_pair_run(dump_path, np_forces_path, units: ReducedUnits, n_blocks,
                 keep_series: bool = False) -> dict:
    """:func:`map_constrained_run` for two cores, plus the projected mean force F_m (Eq. 9)
    and its error; with ``keep_series`` also the per-sample ``projected_series``."""
    out = map_constrained_run(dump_path, np_forces_path, units, n_blocks)
    if out["positions"].shape[0] != 2:
        raise ValueError(f"{dump_path}: expected 2 CG sites, found {out['positions'].shape[0]}")
    f_m = projected_force_series(out["positions"], out.pop("whole_series"))
    out["projected_force"], out["projected_force_sem"] = mean_and_sem(f_m, n_blocks)
    if keep_series:
        out["projected_series"] = f_m
    return out


def run_pair_map(*, input, output, params, wildcards, threads=1):
    """Mean forces on both cores (Eq. 4) with their standard errors, in k_BT/sigma_c."""
    np_cfg = params["np"]
    units = ReducedUnits.from_config(np_cfg)
    n_blocks = np_cfg["pair"]["n_blocks"]
    dumps = sorted(v for k, v in input.items() if k.startswith("dump"))
    np_forces = sorted(v for k, v in input.items() if k.startswith("np_forces"))
    if len(dumps) != len(np_forces):
        raise ValueError(f"{len(dumps)} dumps but {len(np_forces)} force files")
    runs = [map_pair_run(d, f, units, n_blocks) for d, f in zip(dumps, np_forces)]
    arrays = {key: np.asarray([r[key] for r in runs]) for key in runs[0]}
    arrays["separation"] = np.linalg.norm(arrays["positions"][:, 0] - arrays["positions"][:, 1], axis=1)
    z = arrays["z_core_vs_whole"]
    log.info("core vs whole-NP estimator: |z| mean %.2f, max %.2f over %d components",
             np.abs(z).mean(), np.abs(z).max(), z.size)
    write_npz(output["meanforces"], job_provenance(params, wildcards, dumps=dumps, units="sigma_c, kT/sigma_c",
                                                   target="whole-NP force sum (see map_pair_run)"),
              **arrays)


# --------------------------------------------------------------------------- pair_features
def _radial_pool(desc_cfg: dict) -> RadialSet:
    pool = desc_cfg["pair_pool"]
    return RadialSet.grid(mu=pool["mu"], r_s=pool["r_s"])


def run_pair_features(*, input, output, params, wildcards, threads=1):
    """Force features Psi_k(I, alpha) (Eq. 32) of the radial candidate pool."""
    desc = params["np"]["descriptors"]
    arrays, _ = read_npz(input["meanforces"])
    pool = _radial_pool(desc)
    feats = []
    for pos in arrays["positions"]:
        res = compute_symmetry_functions(pos, desc["r_cut_sigma"], radial=pool, cutoff=desc["cutoff"],
                                         force_features=True)
        feats.append(res.force_features)
    feats = np.asarray(feats)  # (n_conf, 2, 3, k)
    write_npz(output["features"], job_provenance(params, wildcards), force_features=feats,
              forces=arrays["forces"], forces_sem=arrays["forces_sem"], separation=arrays["separation"],
              mu=pool.mu, r_s=pool.r_s,
              labels=np.asarray(pool.labels()))


# --------------------------------------------------------------------------- pair_fit
def force_weights(forces_sem, selection_cfg: dict):
    """Row weights of the force match from the config ``weighting`` (default ``none``).

    ``inverse_variance``: w = 1 / (sem^2 + floor^2), sem the block-average standard error
    of each mean-force component and floor = ``sem_floor`` [k_BT/sigma_c] (the block
    estimate is itself uncertain, and vanishes beyond the interaction range). Returns
    None for ``none``. Raises ValueError for an unknown scheme or missing errors.
    """
    scheme = selection_cfg.get("weighting", "none")
    if scheme == "none":
        return None
    if scheme != "inverse_variance":
        raise ValueError(f"selection.weighting: unknown scheme '{scheme}' (none, inverse_variance)")
    if forces_sem is None:
        raise ValueError("selection.weighting = inverse_variance needs the mean forces' errors (forces_sem)")
    floor = float(selection_cfg["sem_floor"])
    if not floor > 0:
        raise ValueError(f"selection.sem_floor must be > 0, got {floor}")
    return 1.0 / (np.asarray(forces_sem, dtype=np.float64).reshape(-1) ** 2 + floor**2)


def fit_force_model(features, forces, *, labels, selection_cfg: dict, seed: int, forces_sem=None,
                    keep_in_train=()):
    """Stepwise-select and fit F = -sum_k w_k Psi_k (Eq. 7) on configurations.

    ``features (n_conf, n_sites, 3, k)``, ``forces (n_conf, n_sites, 3)``; optional
    ``forces_sem`` (same shape as ``forces``) for ``selection_cfg['weighting']``
    (:func:`force_weights`). Rows of one configuration stay together in the train/test
    split; configurations listed in ``keep_in_train`` are never held out. Metrics (R^2,
    RMSE) are the plain, unweighted ones the paper's table quotes; ``stop`` says why the
    selection ended and ``n_sf_gain_stop`` where its own stop (gain or chi^2) ends it past
    a ``max_features`` cap (followed to twice the cap; None beyond).
    Returns ``(selected, fit, trace, metrics)``.
    """
    n_conf, n_sites, _, k = features.shape
    design = -features.reshape(-1, k)
    target = forces.reshape(-1)
    weights = force_weights(forces_sem, selection_cfg)
    groups = np.repeat(np.arange(n_conf), n_sites * 3)
    train, test = split_by_group(groups, selection_cfg["test_fraction"], seed, keep_in_train=keep_in_train)
    stop = {"min_gain": selection_cfg["min_gain"], "intercept": False,
            "min_delta_chi2": selection_cfg.get("min_delta_chi2")}
    result = forward_stepwise(design, target, train=train, test=test,
                              max_features=selection_cfg["max_features"], labels=list(labels),
                              weights=weights, probe_features=2 * int(selection_cfg["max_features"]), **stop)
    sel = result.selected
    trace = result.trace
    if selection_cfg.get("cv_folds"):
        # the size that predicts held-out configurations best (grouped K-fold on the training set)
        cv = cross_validated_size(design, target, groups=groups, train=train, n_features=len(sel),
                                  n_folds=int(selection_cfg["cv_folds"]), seed=seed, weights=weights,
                                  keep_in_train=keep_in_train, **stop)
        trace = trace.assign(cv_wmse=cv.mean(axis=0),
                             cv_wmse_err=cv.std(axis=0, ddof=1) / np.sqrt(cv.shape[0]))
        rule = selection_cfg.get("cv_rule", "one_se")
        sel = sel[:one_standard_error_size(cv) if rule == "one_se" else int(np.argmin(cv.mean(axis=0))) + 1]
    fit = fit_linear(design[train][:, sel], target[train], weights=None if weights is None else weights[train])
    pred = design[:, sel] @ fit.coef
    metrics = {
        "n_sf": int(len(sel)), "r2_train": fit.r2, "rmse_train": fit.rmse,
        "r2_test": r2_score(target[test], pred[test]) if test.any() else float("nan"),
        "rmse_test": rmse(target[test], pred[test]) if test.any() else float("nan"),
        "r2_all": r2_score(target, pred), "rmse_all": rmse(target, pred),
        "n_train_rows": int(train.sum()), "n_test_rows": int(test.sum()),
        "weighting": selection_cfg.get("weighting", "none"),
        "min_delta_chi2": selection_cfg.get("min_delta_chi2"),
        "cv_folds": selection_cfg.get("cv_folds"), "n_sf_before_cv": int(len(result.selected)),
        "stop": result.stop, "n_sf_gain_stop": result.gain_stop_size,
    }
    return sel, fit, trace, metrics


def run_pair_fit(*, input, output, params, wildcards, threads=1):
    """ML2: selection trace, selected model and metrics (table of N_SF, R^2, RMSE)."""
    np_cfg = params["np"]
    arrays, _ = read_npz(input["features"])
    seed = int(params["seed"])
    sel, fit, trace, metrics = fit_force_model(arrays["force_features"], arrays["forces"],
                                               labels=arrays["labels"], selection_cfg=np_cfg["selection"],
                                               seed=seed, forces_sem=arrays["forces_sem"],
                                               # the closest and farthest separations stay in
                                               # training: the test set measures interpolation
                                               keep_in_train=[int(np.argmin(arrays["separation"])),
                                                              int(np.argmax(arrays["separation"]))])
    metrics["r_min_data"] = float(np.min(arrays["separation"]))  # the model is trusted above it only
    desc = np_cfg["descriptors"]
    model = SymmetryFunctionModel(
        r_cut=desc["r_cut_sigma"], cutoff=desc["cutoff"],
        radial=RadialSet(arrays["mu"][sel], arrays["r_s"][sel]), angular=None, weights=fit.coef,
        units={"length": "sigma_c", "energy": "kT", "force": "kT/sigma_c"}, metrics=metrics)
    meta = job_provenance(params, wildcards)
    write_csv(output["trace"], trace, meta)
    model.save(output["model"], meta)


# --------------------------------------------------------------------------- pair_pmf
def integrate_mean_force(separation, force, force_sem):
    """Phi(R) = int_R^inf F_m dR' (Eq. 10) by the trapezoid rule from the largest R.

    Assumes F_m = 0 beyond the last point. Phi(R_i) = sum_{k >= i} w_k F_k with the
    trapezoid weights of the interval [R_i, R_max] (h/2 at both ends, (h_{k-1} + h_k)/2
    inside), so its variance is sum_k w_k^2 sem_k^2: mean forces at different separations
    are independent runs, but a point inside the interval belongs to two trapezoids.
    Returns ``(phi, phi_err)`` ordered like ``separation``.
    """
    order = np.argsort(separation)
    r, f, s = separation[order], force[order], force_sem[order]
    n = len(r)
    h = np.diff(r)
    phi = np.zeros(n)
    var = np.zeros(n)
    for i in range(n - 1):
        w = np.zeros(n)
        w[i:n - 1] += 0.5 * h[i:]
        w[i + 1:] += 0.5 * h[i:]
        phi[i] = w @ f
        var[i] = (w * w) @ (s * s)
    out_phi, out_err = np.empty_like(phi), np.empty_like(phi)
    out_phi[order], out_err[order] = phi, np.sqrt(var)
    return out_phi, out_err


def pair_energy_curve(model: SymmetryFunctionModel, separations, rng: np.random.Generator):
    """Phi_ML (Eq. 8) of two particles at each separation, random fresh orientations."""
    out = np.empty(len(separations))
    for i, r in enumerate(separations):
        axis = random_unit_vector(rng)
        pos = np.array([np.zeros(3), r * axis]) + rng.normal(size=3)
        out[i] = model.energy(pos)
    return out


def run_pair_pmf(*, input, output, params, wildcards, threads=1):
    """FG PMF (Eq. 10, with errors) and Phi_ML2 on fresh configurations (Fig. 2)."""
    np_cfg = params["np"]
    arrays, _ = read_npz(input["meanforces"])
    model = SymmetryFunctionModel.load(input["model"])
    phi, err = integrate_mean_force(arrays["separation"], arrays["projected_force"],
                                    arrays["projected_force_sem"])
    pmf_cfg = np_cfg["pmf"]
    rng = np.random.default_rng(int(params["seed"]))
    r_eval = np.sort(rng.uniform(pmf_cfg["r_eval_min_sigma"], pmf_cfg["r_eval_max_sigma"], pmf_cfg["n_eval"]))
    phi_ml = pair_energy_curve(model, r_eval, rng)
    fg = pd.DataFrame({"source": "FG", "R_sigma": arrays["separation"], "phi_kT": phi, "phi_err_kT": err,
                       "mean_force_kT_sigma": arrays["projected_force"],
                       "mean_force_err_kT_sigma": arrays["projected_force_sem"]}).sort_values("R_sigma")
    ml = pd.DataFrame({"source": "ML2", "R_sigma": r_eval, "phi_kT": phi_ml, "phi_err_kT": 0.0,
                       "mean_force_kT_sigma": np.nan, "mean_force_err_kT_sigma": np.nan})
    meta = job_provenance(params, wildcards)
    write_csv(output["pmf"], pd.concat([fg, ml], ignore_index=True), meta)
