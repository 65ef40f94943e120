"""Fluid-FCC coexistence of the nanoparticles with Phi_ML2, from free energies (our check of Fig. 6).

Giunta et al. report, for s = 0.1, "a low-density fluid phase for rho sigma_c^3 < 0.10 that
eventually undergoes a first-order phase transition to a FCC crystal with a density
rho sigma_c^3 ~ 0.11", read off their equations of state. Our Fig. 6 rows read the
branch limits of a compression and an expansion, which bracket the transition with
hysteresis (a small box, short runs: the compressed fluid does not nucleate). This rule
computes the coexistence itself, with the shared machinery of
:mod:`cgml.simulate.free_energy`:

    fluid    NPT isotherm from a dilute start, beta mu(P) from the ideal gas with the
             second virial coefficient of the ML2 pair energy as the P -> 0 limit;
    crystal  NPT isotherm from FCC (decreasing pressure), Frenkel-Ladd free energy at the
             density of its reference pressure, beta mu(P) along the isotherm;
    result   the pressure where the two beta mu(P) cross, the densities of both phases
             there, and errors by resampling every measured volume and the crystal's free
             energy within their statistical errors.

Points of the wrong phase are left out: fluid points that crystallised (solid fraction
>= 0.5) and crystal points that melted. Finite size: both phases are simulated with N
particles; the fluid's beta mu carries the Stirling term ln(2 pi N) / (2 N) of its 1/N!,
so that both sides are free energies of the same N-particle system (see
``coexistence.finite_size`` in the config and the module docstring of
:mod:`cgml.simulate.free_energy`).

Units: sigma_c, k_BT; pressure in k_BT / sigma_c^3, densities in sigma_c^-3.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cgml.fitting.sf_model import SymmetryFunctionModel
from cgml.io import job_provenance, write_csv
from cgml.io.checkpoint import StageCheckpoint, state_from_arrays, state_to_arrays
from cgml.lattices import fcc_lattice
from cgml.papers.nanoparticles.bulk import crystallinity, expansion_start_density, mc_hard_core, mc_potential
from cgml.simulate import MCState, init_state
from cgml.simulate.free_energy import (
    coexistence_pressure,
    einstein_limit_correction,
    fluid_chemical_potential,
    frenkel_ladd_free_energy,
    isotherm_point,
    lambda_quadrature,
    run_lambda_point,
    second_virial,
    solid_chemical_potential,
    tethered_pair_potential,
)
from cgml.simulate.potentials import PairPotential

log = logging.getLogger(__name__)

SOLID_FRACTION = 0.5  # solid-like particles (ten Wolde-Frenkel) above which a state is a crystal


def _stages(cfg: dict) -> list[tuple[str, float]]:
    fluid = [("fluid", float(p)) for p in sorted(cfg["fluid_pressures"])]
    solid = [("solid", float(p)) for p in sorted(cfg["solid_pressures"], reverse=True)]
    lam = [("lambda", float(k)) for k in range(int(cfg["lambda"]["points"]))]
    return fluid + solid + [("probe", 0.0)] + lam


def _phase_ok(rows: list[dict], kind: str) -> list[dict]:
    """The isotherm's points up to the first one in the other phase."""
    out = []
    for row in rows:
        if row["kind"] != kind:
            continue
        crystal = row["solid_fraction"] >= SOLID_FRACTION
        if crystal != (kind == "solid"):
            break
        out.append(row)
    return out


def fluid_finite_size_term(n: int, mode: str) -> float:
    """beta mu correction of the fluid: ln(2 pi N) / (2N) for ``same_n``, 0 for ``none``."""
    if mode == "same_n":
        return float(np.log(2 * np.pi * n) / (2 * n))
    if mode == "none":
        return 0.0
    raise ValueError(f"coexistence.finite_size must be 'same_n' or 'none', got {mode!r}")


def solve_coexistence(fluid: list[dict], solid: list[dict], b2: float, reference: dict, free_energy: float,
                      n: int, finite_size: str) -> dict:
    """Coexistence from the isotherms (rows with pressure, volume) and the crystal's beta F / N
    at ``reference`` (a solid row). Returns pressure, densities and beta mu (NaN if no crossing)."""
    if len(fluid) < 2 or len(solid) < 2:
        return {"pressure": np.nan, "density_fluid": np.nan, "density_solid": np.nan, "mu": np.nan}
    pf = np.array([r["pressure"] for r in fluid])
    vf = np.array([r["volume"] for r in fluid])
    s_sorted = sorted(solid, key=lambda r: r["pressure"])
    ps = np.array([r["pressure"] for r in s_sorted])
    vs = np.array([r["volume"] for r in s_sorted])
    shift = fluid_finite_size_term(n, finite_size)
    mu_f0 = fluid_chemical_potential(pf, vf, b2)

    def mu_f(p):
        return mu_f0(p) + shift

    p0 = reference["pressure"]
    mu_s = solid_chemical_potential(ps, vs, p0, free_energy + p0 * reference["volume"])
    lo, hi = max(ps[0], pf[0]), min(ps[-1], pf[-1])
    if not lo < hi:
        return {"pressure": np.nan, "density_fluid": np.nan, "density_solid": np.nan, "mu": np.nan}
    p = coexistence_pressure(mu_f, mu_s, lo, hi)
    if not np.isfinite(p):
        return {"pressure": np.nan, "density_fluid": np.nan, "density_solid": np.nan, "mu": np.nan}
    return {"pressure": p, "density_fluid": float(1 / np.interp(p, pf, vf)),
            "density_solid": float(1 / np.interp(p, ps, vs)), "mu": mu_f(p)}


def run_coexistence(*, input, output, params, wildcards, threads=1):
    """Fluid-FCC coexistence of one fitted pair model (ML2) at one solvent quality."""
    cfg = params["coexistence"]
    if not any(abs(float(p) - float(cfg["reference_pressure"])) < 1e-12 for p in cfg["solid_pressures"]):
        raise ValueError(f"coexistence.reference_pressure {cfg['reference_pressure']} is not among "
                         f"coexistence.solid_pressures {cfg['solid_pressures']}")
    model = SymmetryFunctionModel.load(input["model"])
    hard_core = mc_hard_core(model, params["hard_core_sigma"])
    pair = mc_potential(model, hard_core)
    if not isinstance(pair, PairPotential):
        raise ValueError(f"{input['model']}: the coexistence rule needs a radial-only (pair) model such as "
                         "ML2; a model with angular functions has no Frenkel-Ladd springs here")
    seed = int(params["seed"])
    cells = int(cfg["fcc_cells"])
    n = 4 * cells ** 3
    lam_cfg = cfg["lambda"]
    stages = _stages(cfg)
    checkpoint = StageCheckpoint(output["table"], {"params": params, "wildcards": dict(wildcards)},
                                 files=[input["model"]], code=__name__)
    rows: list[dict] = []
    done, state, steps, shift = -1, None, None, None
    if (saved := checkpoint.load()) is not None:
        done, meta, arrays = saved
        rows, steps, shift = meta["rows"], meta["steps"], meta["shift"]
        if arrays:
            state = state_from_arrays(MCState, arrays)
    solid_start = expansion_start_density(cfg["solid_start_density"], hard_core)
    for k, (kind, value) in enumerate(stages):
        if k <= done:
            continue
        stage_seed = seed + 1009 * k
        if kind in ("fluid", "solid"):
            if k == 0 or (kind == "solid" and stages[k - 1][0] == "fluid"):
                density = cfg["fluid_start_density"] if kind == "fluid" else solid_start
                state = init_state(*fcc_lattice(cells, density), pair)
                steps = [0.5 if kind == "fluid" else 0.1, 0.05 if kind == "fluid" else 0.01]
            result, row = isotherm_point(state, pair, value, max_displacement=steps[0],
                                         max_log_volume_change=steps[1],
                                         equilibration_sweeps=cfg["equilibration_sweeps"],
                                         production_sweeps=cfg["production_sweeps"],
                                         sample_every=cfg["sample_every"], seed=stage_seed,
                                         adapt_rounds=cfg["adapt_rounds"], adapt_sweeps=cfg["adapt_sweeps"])
            state = result.state
            steps = [row["max_displacement"], row["max_log_volume_change"]]
            row["Q6"], row["solid_fraction"] = crystallinity(state.positions, state.box_lengths)
            log.info("%s P=%.3f rho=%.4f (v %.3f +- %.3f) solid=%.2f", kind, value, row["density"],
                     row["volume"], row["volume_err"], row["solid_fraction"])
        else:
            reference = _reference(rows, cfg)
            lattice, box = fcc_lattice(cells, reference["density"])
            if kind == "probe":
                row = run_lambda_point(pair, lattice, box, 0.0, equilibration_sweeps=lam_cfg["equilibration_sweeps"],
                                       production_sweeps=lam_cfg["production_sweeps"],
                                       sample_every=lam_cfg["sample_every"], seed=stage_seed,
                                       adapt_rounds=cfg["adapt_rounds"], adapt_sweeps=cfg["adapt_sweeps"])
                # c = 3 / (2 <|u|^2>) of the crystal without springs flattens the integrand
                shift = 1.5 / row["spring_sum"]
            else:
                nodes, weights = lambda_quadrature(lam_cfg["max"], shift, lam_cfg["points"])
                row = run_lambda_point(pair, lattice, box, float(nodes[int(value)]),
                                       equilibration_sweeps=lam_cfg["equilibration_sweeps"],
                                       production_sweeps=lam_cfg["production_sweeps"],
                                       sample_every=lam_cfg["sample_every"], seed=stage_seed,
                                       adapt_rounds=cfg["adapt_rounds"], adapt_sweeps=cfg["adapt_sweeps"])
                row["weight"] = float(weights[int(value)])
            log.info("%s lambda=%.4g <|u|^2>=%.5f +- %.5f acc=%.2f", kind, row["lambda"], row["spring_sum"],
                     row["spring_sum_err"], row["acceptance"])
            state = None
        row["kind"] = kind
        rows.append(row)
        arrays = state_to_arrays(state) if state is not None and kind in ("fluid", "solid") else {}
        checkpoint.save(k, {"rows": rows, "steps": steps, "shift": shift}, **arrays)

    summary = _summarise(rows, pair, hard_core, cfg, n, shift, seed)
    meta = job_provenance(params, wildcards, hard_core_sigma=hard_core)
    # which isotherm points enter the coexistence (the figure reads this, not the rule again)
    used = {id(r) for kind in ("fluid", "solid") for r in _phase_ok(rows, kind)}
    table = pd.DataFrame([{**r, "in_phase": r["kind"] not in ("fluid", "solid") or id(r) in used} for r in rows])
    write_csv(output["table"], table, meta)
    write_csv(output["summary"], pd.DataFrame([summary]), meta)
    checkpoint.clear()


def _reference(rows: list[dict], cfg: dict) -> dict:
    """The crystal row at ``reference_pressure`` (it must still be a crystal)."""
    p0 = float(cfg["reference_pressure"])
    match = [r for r in rows if r["kind"] == "solid" and abs(r["pressure"] - p0) < 1e-12]
    if not match:
        raise ValueError(f"coexistence.reference_pressure {p0} is not among coexistence.solid_pressures")
    return match[0]


def _summarise(rows, pair, hard_core, cfg, n, shift, seed) -> dict:
    reference = _reference(rows, cfg)
    lam_rows = [r for r in rows if r["kind"] == "lambda"]
    lam_cfg = cfg["lambda"]
    lattice, box = fcc_lattice(int(cfg["fcc_cells"]), reference["density"])
    u_lat, log_avg = einstein_limit_correction(tethered_pair_potential(pair, lattice, 0.0), lattice, box,
                                               lam_cfg["max"], lam_cfg["einstein_samples"],
                                               np.random.default_rng(seed + 17))
    weights = [r["weight"] for r in lam_rows]
    fl = frenkel_ladd_free_energy(lam_rows, weights, n=n, volume=float(np.prod(box)), lambda_max=lam_cfg["max"],
                                  lattice_energy=u_lat, einstein_log_average=log_avg)
    b2 = second_virial(pair.pair_energy, pair.r_cut)
    fluid, solid = _phase_ok(rows, "fluid"), _phase_ok(rows, "solid")
    finite_size = cfg["finite_size"]
    note = ""
    if reference["solid_fraction"] < SOLID_FRACTION:
        note = (f"the crystal melted at the reference pressure {reference['pressure']:g} (solid fraction "
                f"{reference['solid_fraction']:.2f}): no crystal free energy")
        solid = []
    elif len(fluid) < 2 or len(solid) < 2:
        note = f"too few points in phase: {len(fluid)} fluid, {len(solid)} crystal"
    best = solve_coexistence(fluid, solid, b2, reference, fl.free_energy, n, finite_size)
    if not note and not np.isfinite(best["pressure"]):
        note = "mu_fluid(P) and mu_solid(P) do not cross where both isotherms have data"
    # errors: resample volumes and the crystal free energy within their statistical errors
    rng = np.random.default_rng(seed + 29)
    draws = []
    for _ in range(int(cfg["resamples"])):
        f = [{**r, "volume": r["volume"] + rng.normal(0, r["volume_err"])} for r in fluid]
        s = [{**r, "volume": r["volume"] + rng.normal(0, r["volume_err"])} for r in solid]
        ref = next((r for r in s if abs(r["pressure"] - reference["pressure"]) < 1e-12), reference)
        d = solve_coexistence(f, s, b2, ref, fl.free_energy + rng.normal(0, fl.error), n, finite_size)
        draws.append([d["pressure"], d["density_fluid"], d["density_solid"]])
    draws = np.asarray(draws, dtype=float)
    ok = np.all(np.isfinite(draws), axis=1)
    err = draws[ok].std(axis=0, ddof=1) if ok.sum() > 2 else np.full(3, np.nan)
    log.info("coexistence P=%.4f rho_f=%.4f rho_s=%.4f (F/N=%.4f +- %.4f at rho=%.4f)", best["pressure"],
             best["density_fluid"], best["density_solid"], fl.free_energy, fl.error, reference["density"])
    return {"n_particles": n, "pressure": best["pressure"], "pressure_err": err[0],
            "density_fluid": best["density_fluid"], "density_fluid_err": err[1],
            "density_solid": best["density_solid"], "density_solid_err": err[2], "mu": best["mu"],
            "resamples_crossing": int(ok.sum()), "resamples": int(len(draws)),
            "free_energy_solid": fl.free_energy, "free_energy_solid_err": fl.error,
            "reference_pressure": reference["pressure"], "reference_density": reference["density"],
            "einstein": fl.einstein, "lattice_energy": fl.lattice_energy,
            "einstein_log_average": fl.einstein_log_average, "lambda_integral": fl.integral,
            "lambda_max": lam_cfg["max"], "lambda_shift": shift, "second_virial": b2, "hard_core_sigma": hard_core,
            "finite_size": finite_size, "fluid_points": len(fluid), "solid_points": len(solid), "note": note}
