"""Data set (ii) and the many-body model ML12 (Giunta et al. 2023, "CG Many-Body Potential").

Chain, per solvent s:

    cluster_confine   LAMMPS: N = 12 NPs with diffusing rigid cores inside a repulsive
                      spherical wall of radius R_w (several R_w: dilute to dense);
                      configurations written every ``sample_every`` steps
    cluster_fg        LAMMPS: cores frozen at a sampled configuration, wall removed;
                      mean forces as for the pair (Eq. 4)
    cluster_map       mean forces of all sampled configurations
    cluster_features  radial + angular symmetry-function force features (Eq. 32)
    cluster_fit       ML12: stepwise selection and least squares (Eq. 7)
    cluster_eval      Fig. 3 parity, Fig. 4 (Phi_ML12 vs Phi_ML2 on clusters, two-body
                      curves), Fig. 5 (T, L, SQ configurations and Phi^(3+))

Units: FG in LAMMPS real; CG in sigma_c and k_BT.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from cgml.descriptors import AngularSet, RadialSet, compute_symmetry_functions
from cgml.fitting.sf_model import SymmetryFunctionModel
from cgml.io import job_provenance, read_npz, write_csv, write_npz
from cgml.papers.nanoparticles.fine_grained import random_unit_vector
from cgml.papers.nanoparticles.pipeline import fit_force_model, map_constrained_run
from cgml.papers.nanoparticles.units import ReducedUnits

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- cluster_map
def run_cluster_map(*, input, output, params, wildcards, threads=1):
    """Mean forces of every sampled cluster configuration, in sigma_c and k_BT/sigma_c."""
    np_cfg = params["np"]
    units = ReducedUnits.from_config(np_cfg)
    n_blocks = np_cfg["clusters"]["constrained"]["n_blocks"]
    dumps = [v for k, v in sorted(input.items()) if k.startswith("dump")]
    forces = [v for k, v in sorted(input.items()) if k.startswith("np_forces")]
    runs = [map_constrained_run(d, f, units, n_blocks) for d, f in zip(dumps, forces)]
    arrays = {key: np.asarray([r[key] for r in runs]) for key in runs[0] if key != "whole_series"}
    arrays["wall"] = np.asarray([int(Path(d).parent.parent.name[1:]) for d in dumps])
    write_npz(output["meanforces"], job_provenance(params, wildcards, dumps=dumps, units="sigma_c, kT/sigma_c"),
              **arrays)


# --------------------------------------------------------------------------- features / fit
def cluster_pools(desc_cfg: dict) -> tuple[RadialSet, AngularSet]:
    pool = desc_cfg["cluster_pool"]
    return (RadialSet.grid(mu=pool["mu"], r_s=pool["r_s"]),
            AngularSet.grid(mu_a=pool["mu_a"], lam=pool["lam"], xi=pool["xi"]))


def min_pair_distance(positions) -> float:
    """Smallest centre-centre distance of one open-boundary configuration [sigma_c]."""
    pos = np.asarray(positions, dtype=float)
    d = np.linalg.norm(pos[:, None] - pos[None], axis=-1)
    return float(d[np.triu_indices(len(pos), 1)].min())


def run_cluster_features(*, input, output, params, wildcards, threads=1):
    """Force features of the radial + angular pool for every cluster configuration."""
    desc = params["np"]["descriptors"]
    arrays, _ = read_npz(input["meanforces"])
    radial, angular = cluster_pools(desc)
    feats = np.asarray([
        compute_symmetry_functions(pos, desc["r_cut_sigma"], radial=radial, angular=angular,
                                   cutoff=desc["cutoff"], force_features=True).force_features
        for pos in arrays["positions"]])
    labels = np.asarray(radial.labels() + angular.labels())
    write_npz(output["features"], job_provenance(params, wildcards), force_features=feats,
              forces=arrays["forces"], forces_sem=arrays["forces_sem"], labels=labels,
              n_radial=np.asarray(len(radial.mu)),
              min_pair_distance=np.asarray(min(min_pair_distance(p) for p in arrays["positions"])))


def run_cluster_fit(*, input, output, params, wildcards, threads=1):
    """ML12: selection trace, model (radial and angular functions) and metrics."""
    np_cfg = params["np"]
    desc = np_cfg["descriptors"]
    arrays, _ = read_npz(input["features"])
    seed = int(params["seed"])
    sel, fit, trace, metrics = fit_force_model(arrays["force_features"], arrays["forces"],
                                               labels=arrays["labels"], selection_cfg=np_cfg["cluster_selection"],
                                               seed=seed, forces_sem=arrays["forces_sem"])
    # the model is fitted, and trusted, only above the closest pair in its data (MC hard core)
    metrics["r_min_data"] = float(arrays["min_pair_distance"])
    radial, angular = cluster_pools(desc)
    n_rad = int(arrays["n_radial"])
    rad_sel = np.sort(sel[sel < n_rad])
    ang_sel = np.sort(sel[sel >= n_rad]) - n_rad
    order = np.concatenate([rad_sel, ang_sel + n_rad])
    weights = dict(zip(sel.tolist(), fit.coef.tolist()))
    model = SymmetryFunctionModel(
        r_cut=desc["r_cut_sigma"], cutoff=desc["cutoff"],
        radial=RadialSet(radial.mu[rad_sel], radial.r_s[rad_sel]) if len(rad_sel) else None,
        angular=AngularSet(angular.mu_a[ang_sel], angular.lam[ang_sel], angular.xi[ang_sel]) if len(ang_sel) else None,
        weights=np.asarray([weights[j] for j in order]),
        units={"length": "sigma_c", "energy": "kT", "force": "kT/sigma_c"}, metrics=metrics)
    meta = job_provenance(params, wildcards)
    write_csv(output["trace"], trace, meta)
    model.save(output["model"], meta)


# --------------------------------------------------------------------------- evaluation
def triplet_configurations(kind: str, h: float, r_fixed: float = 1.88) -> np.ndarray:
    """Positions [sigma_c] of Fig. 5's configurations with particle I (row 0) at distance ``h``.

    The paper shows them only as sketches; our reading (documented in the README):
    T  J, K fixed at distance r_fixed; I on the perpendicular bisector of JK, at
       distance h from both J and K (an equilateral triangle at h = r_fixed);
    L  K, J, I on a line with R_KJ = r_fixed and R_JI = h (I never within R_c of K
       for h > R_c - r_fixed);
    SQ J, K, L at three corners of a square of side r_fixed; I on the diagonal
       through the fourth corner, at distance h from both neighbouring corners.
    """
    if kind == "T":
        half = 0.5 * r_fixed
        if h < half:
            raise ValueError(f"T configuration needs h >= {half} (half of r_fixed), got {h}")
        height = np.sqrt(h * h - half * half)
        return np.array([[0.0, height, 0.0], [-half, 0.0, 0.0], [half, 0.0, 0.0]])
    if kind == "L":
        return np.array([[r_fixed + h, 0.0, 0.0], [r_fixed, 0.0, 0.0], [0.0, 0.0, 0.0]])
    if kind == "SQ":
        a = r_fixed
        # fixed corners (0,0), (a,0), (0,a); I on the diagonal x = y, equidistant from (a,0) and (0,a)
        # |(t,t) - (a,0)| = h  ->  t = a/2 + sqrt(h^2 - a^2/2)/sqrt(2)
        if h < a / np.sqrt(2.0):
            raise ValueError(f"SQ configuration needs h >= {a / np.sqrt(2.0):.4f} (r_fixed / sqrt 2), got {h}")
        t = 0.5 * a + np.sqrt(h * h - 0.5 * a * a) / np.sqrt(2.0)
        return np.array([[t, t, 0.0], [a, 0.0, 0.0], [0.0, a, 0.0], [0.0, 0.0, 0.0]])
    raise ValueError(f"unknown configuration kind {kind!r}; expected T, L or SQ")


#: Figs. 4-5 compare ML12 with ML2 from this separation up (sigma_c), or from the closest pair
#: in ML12's training data if that is farther: below it ML12 extrapolates (its narrow
#: Gaussians reach 1e10-1e13 k_BT at 1.2 sigma_c in the laptop fits).
TWO_BODY_R_MIN = 1.4


def ml12_window_start(metrics: dict) -> float:
    """The smallest pair distance at which ML12 is compared with ML2 (Figs. 4-5, scorecard)."""
    return max(TWO_BODY_R_MIN, float(metrics.get("r_min_data", 0.0)))


def _h_range(kind: str, r_fixed: float) -> np.ndarray:
    lo = {"T": 0.5 * r_fixed + 0.45, "L": 1.2, "SQ": r_fixed / np.sqrt(2.0) + 0.45}[kind]
    return np.linspace(max(lo, 1.2), 3.2, 60)


def run_cluster_eval(*, input, output, params, wildcards, threads=1):
    """Tables behind Figs. 3-5 for one solvent."""
    arrays, _ = read_npz(input["meanforces"])
    ml2 = SymmetryFunctionModel.load(input["ml2"])
    ml12 = SymmetryFunctionModel.load(input["ml12"])
    positions, forces = arrays["positions"], arrays["forces"]
    # Fig. 3: parity of force components (all configurations; the split is in the model metrics)
    pred = np.asarray([ml12.forces(p) for p in positions])
    parity = pd.DataFrame({"config": np.repeat(np.arange(len(positions)), forces.shape[1] * 3),
                           "fg_kT_sigma": forces.reshape(-1), "ml12_kT_sigma": pred.reshape(-1),
                           "fg_err_kT_sigma": arrays["forces_sem"].reshape(-1)})
    # Fig. 4 left: cluster energies
    energies = pd.DataFrame({"config": np.arange(len(positions)), "wall": arrays["wall"],
                             "phi_ml2_kT": [ml2.energy(p) for p in positions],
                             "phi_ml12_kT": [ml12.energy(p) for p in positions]})
    # Fig. 4 right: two-body curves, no shift
    rng = np.random.default_rng(int(params["seed"]))
    r = np.linspace(1.2, 2.6, 57)
    curves = []
    for ri in r:
        axis = random_unit_vector(rng)
        pos = np.array([np.zeros(3), ri * axis])
        curves.append((ri, ml2.energy(pos), ml12.energy(pos)))
    two_body = pd.DataFrame(curves, columns=["R_sigma", "phi_ml2_kT", "phi_ml12_kT"])
    r_lo = ml12_window_start(ml12.metrics)
    two_body["in_ml12_data"] = two_body["R_sigma"] >= r_lo
    # Fig. 5: T, L, SQ
    rows = []
    r_fixed = float(params["triplet_r_sigma"])
    for kind in ("T", "L", "SQ"):
        for h in _h_range(kind, r_fixed):
            pos = triplet_configurations(kind, h, r_fixed)
            e2, e12 = ml2.energy(pos), ml12.energy(pos)
            rows.append({"kind": kind, "h_sigma": h, "phi_ml2_kT": e2, "phi_ml12_kT": e12, "phi_3plus_kT": e12 - e2,
                         "min_pair_sigma": min_pair_distance(pos)})
    triplets = pd.DataFrame(rows)
    triplets["in_ml12_data"] = triplets["min_pair_sigma"] >= r_lo
    meta = job_provenance(params, wildcards)
    write_csv(output["parity"], parity, meta)
    write_csv(output["energies"], energies, meta)
    write_csv(output["two_body"], two_body, meta)
    write_csv(output["triplets"], triplets, meta)
