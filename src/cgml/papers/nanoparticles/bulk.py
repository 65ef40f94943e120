"""Bulk phases of the nanoparticles: equations of state (Fig. 6) and g(R) (Fig. 7).

Giunta et al., ACS Nano 2023, "Testing the ML Models: Phase Behavior and Structure".

    eos           NPT Monte Carlo with Phi_ML2 or Phi_ML12 (shared MC engine), a chain
                  of pressures by compression from the fluid or expansion from FCC;
                  density, Q6 and the ten Wolde-Frenkel solid fraction per pressure
    mc_gr         NVT Monte Carlo at rho sigma_c^3 = 0.07, 0.12, 0.18 (s = 0.1), g(R)
    fg_bulk       LAMMPS: N NPs with diffusing rigid cores at the same densities
    fg_gr         MDAnalysis mapping of the core beads to core centres, g(R)

Units: sigma_c and k_BT (pressure in k_BT / sigma_c^3); FG in LAMMPS real.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cgml.analysis import RDF, compute_bond_order, count_crystalline_bonds
from cgml.analysis.stats import block_average
from cgml.fitting.sf_model import SymmetryFunctionModel
from cgml.io import job_provenance, write_csv, write_npz
from cgml.io.checkpoint import StageCheckpoint, state_from_arrays, state_to_arrays
from cgml.mapping import map_lammps_dump
from cgml.papers.nanoparticles.fine_grained import bulk_start
from cgml.papers.nanoparticles.units import ReducedUnits
from cgml.simulate import ProgressLog, adapt_step_sizes, init_state, run_npt, run_nvt
from cgml.lattices import fcc_lattice

log = logging.getLogger(__name__)


def order_cutoff(density: float) -> float:
    """Neighbour cutoff between the first and second FCC shells at ``density`` [sigma_c]."""
    return 1.2 * (4.0 / density) ** (1.0 / 3.0) / np.sqrt(2.0)


def crystallinity(positions, box_lengths) -> tuple[float, float]:
    """(Q6, fraction of solid-like particles) of one configuration."""
    density = len(positions) / float(np.prod(box_lengths))
    r_cut = min(order_cutoff(density), 0.499 * float(np.min(box_lengths)))
    q = compute_bond_order(positions, box_lengths, r_cut, l_values=(6,))
    s = count_crystalline_bonds(positions, box_lengths, r_cut)
    return float(q.Q6), float(s.fraction_solid)


def two_body_energy(model: SymmetryFunctionModel, r) -> np.ndarray:
    """Energy [k_BT] of an isolated pair of the model at separations ``r`` [sigma_c]."""
    pair = np.zeros((2, 3))
    u = np.empty(len(r))
    for k, rk in enumerate(r):
        pair[1, 0] = rk
        u[k] = model.energy(pair)
    return u


def ml2_pair_table(model: SymmetryFunctionModel, hard_core: float, n_grid: int = 4001):
    """``(r, u)`` of a radial-only model as an exact pair potential.

    Radial symmetry functions are sums over pairs, so Phi = sum_K sum_J w_J G_J(K) =
    sum_{K<L} u(R_KL) with u(R) = 2 sum_J w_J exp(-mu_J (R - R_s,J)^2) f_c(R).
    """
    r = np.linspace(hard_core, model.r_cut, n_grid)
    return r, two_body_energy(model, r)


def core_turnover(model: SymmetryFunctionModel, r_min: float, width: float = 0.5,
                  n_grid: int = 501) -> float:
    """Where the fitted two-body energy peaks on [r_min, r_min + width] [sigma_c].

    The FG pair PMF rises monotonically towards contact; a fitted Phi(R) of an isolated
    pair that peaks at R_peak > r_min and falls again closer in has turned over, an
    artefact of few, noisy core points (measured at laptop scale, s = 0.3: a pocket of
    -2950 k_BT at 1.35 behind a 136 k_BT peak at 1.41 sigma_c). Returns R_peak, or r_min
    when the energy rises all the way to r_min, or when its largest value in the window
    is at the window's outer end (no repulsive core to turn over: nothing to guard).
    """
    r = np.linspace(r_min, min(r_min + width, model.r_cut), n_grid)
    peak = int(np.argmax(two_body_energy(model, r)))
    return float(r[peak]) if peak < n_grid - 1 else float(r_min)


def mc_hard_core(model: SymmetryFunctionModel, hard_core: float) -> float:
    """The MC hard-core diameter [sigma_c] of :func:`mc_potential`: ``hard_core``, raised to
    the closest pair of the training data and to the peak of a turned-over fitted core."""
    hard_core = max(hard_core, float(model.metrics.get("r_min_data", 0.0)))
    if hard_core > 0:
        peak = core_turnover(model, hard_core)
        if peak > hard_core:
            log.warning("fitted two-body energy turns over inside %.3f sigma_c: hard core moved "
                        "out from %.3f", peak, hard_core)
            hard_core = peak
    log.info("MC hard core at %.3f sigma_c", hard_core)
    return hard_core


def expansion_start_density(fcc_density: float, hard_core: float, margin: float = 1.02) -> float:
    """The FCC density the expansion branch starts from [sigma_c^-3]: ``fcc_density``, or
    lower when its nearest-neighbour distance (sqrt2 / rho)^(1/3) would be closer than
    ``margin`` x the MC hard core (the model is not defined there)."""
    densest = np.sqrt(2.0) / (margin * hard_core) ** 3
    return float(min(fcc_density, densest))


def mc_potential(model: SymmetryFunctionModel, hard_core: float):
    """The MC potential of a fitted model.

    Radial-only models (ML2) are pairwise additive and run as a cubic-spline
    tabulated pair potential on a fine grid (exact up to interpolation, ~10x
    faster); models with angular functions (ML12) run through the exact pair +
    triangle decomposition of a linear SF energy
    (:func:`cgml.simulate.sf_triangles.triangle_sf_potential`, O(n_nb^2) per move)
    plus a hard-sphere pair term. Both are infinite below ``hard_core`` [sigma_c],
    raised to the closest pair in the model's training data (``metrics['r_min_data']``)
    when that lies farther out: below it the fit is an extrapolation (measured at
    laptop scale: ML12 fitted to clusters with no pair closer than ~1.6 sigma_c gave
    -3e6 k_BT at 1.35 sigma_c), and further to the peak of the isolated-pair energy
    when the fitted core turns over (:func:`core_turnover`).
    """
    from cgml.simulate import hard_spheres, sf_potential, tabulated
    from cgml.simulate.sf_triangles import triangle_sf_potential

    hard_core = mc_hard_core(model, hard_core)

    if model.angular is None and hard_core > 0:
        r, u = ml2_pair_table(model, hard_core)
        return tabulated(r, u, kind="cubic")
    if hard_core > 0:
        return triangle_sf_potential(model, pair=hard_spheres(sigma=hard_core))
    return sf_potential(model)


# --------------------------------------------------------------------------- eos
def run_eos(*, input, output, params, wildcards, threads=1):
    """One branch (compress / expand) of the equation of state with one model."""
    eos = params["eos"]
    model = SymmetryFunctionModel.load(input["model"])
    hard_core = mc_hard_core(model, eos["hard_core_sigma"])  # once: mc_potential keeps it as is
    potential = mc_potential(model, hard_core)
    branch = wildcards["branch"]
    seed = int(params["seed"])
    pressures = sorted(eos["pressures"], reverse=(branch == "expand"))
    start_density = eos["fluid_density"]
    if branch == "expand":
        start_density = expansion_start_density(eos["fcc_density"], hard_core)
        if start_density < eos["fcc_density"]:
            log.warning("expansion starts from FCC at rho = %.4f instead of eos.fcc_density = %.4f: "
                        "the MC hard core leaves no room at the configured density", start_density,
                        eos["fcc_density"])
    positions, box = fcc_lattice(eos["fcc_cells"], start_density)
    state = init_state(positions, box, potential)
    dmax, dlnv = 0.1, 0.01
    rows = []
    # a killed job's rerun continues after the last finished pressure (same result)
    checkpoint = StageCheckpoint(output["eos"], {"params": params, "wildcards": dict(wildcards)},
                                 files=[input["model"]], code=__name__)
    done = -1
    if (saved := checkpoint.load()) is not None:
        done, meta, arrays = saved
        rows, (dmax, dlnv) = meta["rows"], meta["steps"]
        state = state_from_arrays(type(state), arrays)
    for k, pressure in enumerate(pressures):
        if k <= done:
            continue
        steps = adapt_step_sizes(state, potential, dmax, seed + 7919 * k, pressure=pressure,
                                 max_log_volume_change=dlnv, n_rounds=eos["adapt_rounds"],
                                 sweeps_per_round=eos["adapt_sweeps"], target_acceptance=0.35,
                                 target_volume_acceptance=0.35)
        state, dmax, dlnv = steps.state, steps.max_displacement, steps.max_log_volume_change
        equil = run_npt(state, potential, pressure, eos["equilibration_sweeps"], dmax, dlnv, seed + 2 * k + 1,
                        sample_every=max(1, eos["equilibration_sweeps"]))
        result = run_npt(equil.state, potential, pressure, eos["production_sweeps"], dmax, dlnv,
                         seed + 2 * k + 2, sample_every=eos["sample_every"])
        state = result.state
        rho, rho_err = block_average(result.densities, min(5, len(result.densities)))
        q6, solid = crystallinity(state.positions, state.box_lengths)
        log.info("%s P=%.3f rho=%.4f+-%.4f Q6=%.3f solid=%.2f acc=%.2f/%.2f", branch, pressure, rho, rho_err,
                 q6, solid, result.acceptance_displacement, result.acceptance_volume)
        rows.append({"model": wildcards["model"], "solvent_s": float(wildcards["solvent"]), "branch": branch,
                     "pressure_kT_sigma3": pressure, "density_sigma3": float(rho),
                     "density_err_sigma3": float(rho_err), "Q6": q6, "solid_fraction": solid,
                     "acceptance_displacement": result.acceptance_displacement,
                     "acceptance_volume": result.acceptance_volume, "n_particles": len(state.positions)})
        checkpoint.save(k, {"rows": rows, "steps": [dmax, dlnv]}, **state_to_arrays(state))
    write_csv(output["eos"], pd.DataFrame(rows), job_provenance(params, wildcards))
    checkpoint.clear()


# --------------------------------------------------------------------------- mc g(r)
def run_mc_gr(*, input, output, params, wildcards, threads=1):
    """NVT MC g(R) with one model at one density (Fig. 7)."""
    gr = params["gr"]
    model = SymmetryFunctionModel.load(input["model"])
    potential = mc_potential(model, params["hard_core_sigma"])
    density = float(wildcards["density"])
    seed = int(params["seed"])
    positions, box = bulk_start(gr["mc_fcc_cells"], density, gr, np.random.default_rng(seed + 3))
    state = init_state(positions, box, potential)
    steps = adapt_step_sizes(state, potential, 0.1, seed, n_rounds=gr["adapt_rounds"],
                             sweeps_per_round=gr["adapt_sweeps"])
    state = run_nvt(steps.state, potential, gr["mc_equilibration_sweeps"], steps.max_displacement, seed + 1,
                    sample_every=max(1, gr["mc_equilibration_sweeps"])).state
    rdf = RDF(r_max=min(gr["r_max_sigma"], 0.499 * float(np.min(box))), n_bins=gr["n_bins"])
    result = run_nvt(state, potential, gr["mc_production_sweeps"], steps.max_displacement, seed + 2,
                     sample_every=gr["mc_sample_every"], store_snapshots=True,
                     on_sample=ProgressLog(log, gr["mc_production_sweeps"], f"g(R) MC at rho = {density:g}"))
    for frame in result.snapshots:
        rdf.compute(frame, box)
    q6, solid = crystallinity(result.state.positions, box)
    frame = pd.DataFrame({"R_sigma": rdf.bin_centers, "g": rdf.g_r})
    meta = job_provenance(params, wildcards, Q6=q6, solid_fraction=solid)
    write_npz(output["snapshot"], meta, positions=result.state.positions[None],
              box_lengths=np.asarray(box, dtype=float)[None])
    write_csv(output["gr"], frame, meta)


def run_fg_gr(*, input, output, params, wildcards, threads=1):
    """Core-core g(R) of the FG bulk run (MDAnalysis mapping of the core beads)."""
    np_cfg = params["np"]
    gr = np_cfg["gr"]
    units = ReducedUnits.from_config(np_cfg)
    frames = map_lammps_dump(input["dump"], periodic=True)
    box = units.length_to_reduced(frames.box_lengths[0])
    rdf = RDF(r_max=min(gr["r_max_sigma"], 0.499 * float(np.min(box))), n_bins=gr["n_bins"])
    for pos, b in zip(frames.positions, frames.box_lengths):
        rdf.compute(np.mod(units.length_to_reduced(pos), units.length_to_reduced(b)), units.length_to_reduced(b))
    q6, solid = crystallinity(np.mod(units.length_to_reduced(frames.positions[-1]), box), box)
    frame = pd.DataFrame({"R_sigma": rdf.bin_centers, "g": rdf.g_r})
    meta = job_provenance(params, wildcards, n_frames=len(frames.time), Q6=q6, solid_fraction=solid)
    write_csv(output["gr"], frame, meta)
    write_npz(output["centres"], meta,
              positions=units.length_to_reduced(frames.positions), box_lengths=units.length_to_reduced(frames.box_lengths))


def gr_difference(reference: pd.DataFrame, other: pd.DataFrame) -> float:
    """Root-mean-square difference of g(R) on the reference grid, over the R range both cover.

    This is the metric of the Fig. 7 claims: sqrt(mean_R (g_FG(R) - g_CG(R))^2).
    """
    r = reference["R_sigma"].to_numpy()
    inside = r <= other["R_sigma"].max()
    g_other = np.interp(r[inside], other["R_sigma"], other["g"])
    return float(np.sqrt(np.mean((reference["g"].to_numpy()[inside] - g_other) ** 2)))
