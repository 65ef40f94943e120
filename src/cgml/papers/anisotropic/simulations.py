"""Monte Carlo with the fitted (CG) and reference (FG) potentials of the anisotropic paper.

Campos-Villalobos, Subert, Giunta, Dijkstra, npj Comput. Mater. 2024, "Monte Carlo
simulations" (Methods) and Figs. 3b, 5d, 7d-e. All runs use the shared rigid-body engine
(:mod:`cgml.simulate.rigid`) with the pair functions of :mod:`cgml.simulate.rigid_potentials`.

    remc        replica-exchange MC of N = 4, 5 inverse patchy colloids (IPC): 8 replicas at
                T_i = T_0 exp(alpha_T i), k_BT_0/eps_max = 0.01 ... 0.1, steps tuned to ~30%
                acceptance, alternating neighbour swaps; the lowest-energy cluster and the
                mean energy per particle at T_0 (Fig. 3b)
    quasi2d     NVT MC of N = 110 hard rounded cubes (superballs, GJK) with the CG
                depletion attraction Phi = -z_d V_f, moves and rotations in the XY plane,
                rho_2D = N sigma^2 / A, from isotropic and square-lattice starts; bond
                angles of the assembled Lambda_1 lattice (Fig. 5d)
    sc_eos      NPT MC of spherocylinders (L/sigma = 4), hard (FG) or the CG soft
                potential of Eq. 17, a ladder of pressures P* = P sigma^3 / k_BT by
                compression; density, nematic S_2 and smectic tau per pressure (Fig. 7d-e)

Units: sigma (the particle diameter, or sigma_perp) and k_BT; REMC temperatures in units
of eps_max, the largest |pair energy| of the model's data set.
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np
import pandas as pd
from numba import njit

from cgml.analysis.anisotropic_order import (
    bond_angles_2d,
    layer_hexatic_order,
    nematic_order,
    smectic_order,
)
from cgml.analysis.stats import block_average
from cgml.fg import _patchy_kernels as _K
from cgml.fg.patchy import _site_clusters, cutoff_for_tolerance, site_core_radius
from cgml.fitting.sfunction_model import SFunctionPairModel
from cgml.geometry.rotations import random_rotation_matrices, rotation_matrix_about_axis
from cgml.io import provenance, read_npz, write_csv, write_json, write_npz
from cgml.io.checkpoint import StageCheckpoint, state_from_arrays, state_to_arrays
from cgml.lattices import hexagonal_rod_crystal
from cgml.papers.anisotropic.cost import sc_eos_sweeps
from cgml.papers.anisotropic.patchy import FG_DEFAULTS, PAPER_SYSTEMS, _section, fg_particle
from cgml.simulate import ProgressLog
from cgml.simulate.rigid import (
    RigidState,
    adapt_rigid_steps,
    geometric_betas,
    init_rigid_state,
    rigid_pair_potential,
    run_cluster_moves,
    run_replica_exchange,
    run_rigid,
)
from cgml.simulate.rigid_potentials import (
    hard_spherocylinder_potential,
    sfunction_potential,
    superball_depletion_potential,
)

log = logging.getLogger(__name__)

__all__ = [
    "random_configuration",
    "run_remc",
    "run_quasi2d",
    "run_sc_eos",
    "phase_boundaries",
    "square_lattice_start",
    "depletant_fugacity",
]


def _require(params: dict, keys, where: str):
    missing = [k for k in keys if k not in params]
    if missing:
        raise ValueError(f"{where}: missing parameter(s) {missing}")


def random_configuration(potential, n: int, box_lengths, rng: np.random.Generator,
                         planar_z: float | None = None, max_tries: int = 100000,
                         max_pair_energy: float = 5.0, region: float | None = None):
    """``n`` bodies at random non-overlapping positions and orientations (random sequential
    insertion: a trial body is kept unless its pair energy with a body already placed
    exceeds ``max_pair_energy`` [kT]: hard overlaps, and deep overlaps of soft bodies whose
    astronomically large energies would swamp a running energy sum).
    ``planar_z``: all at this z with in-plane rotations (body z along lab z); ``region``
    [length]: insert inside a cube of this edge at the box centre (a compact cluster).
    Returns ``(positions (n, 3), rotations (n, 3, 3))``; ValueError after ``max_tries``
    rejected trials (too dense for random insertion)."""
    box = np.asarray(box_lengths, dtype=np.float64)
    positions = np.empty((n, 3))
    rotations = np.empty((n, 3, 3))
    placed, tries = 0, 0
    while placed < n:
        tries += 1
        if tries > max_tries:
            raise ValueError(f"could not insert {n} bodies into box {box} in {max_tries} tries "
                             f"(too dense for random insertion)")
        if region is None:
            p = rng.uniform(0, box)
        else:
            p = 0.5 * box + rng.uniform(-0.5, 0.5, 3) * min(float(region), float(np.min(box)))
        if planar_z is not None:
            p[2] = planar_z
            r = rotation_matrix_about_axis([0.0, 0.0, 1.0], rng.uniform(0, 2 * np.pi))
        else:
            r = random_rotation_matrices(rng, 1)[0]
        d = positions[:placed] - p
        d -= box * np.rint(d / box)
        near = np.flatnonzero(np.einsum("ij,ij->i", d, d) < potential.r_cut ** 2)
        if any(potential.pair_energy(d[j], r, rotations[j], potential.params) > max_pair_energy
               for j in near):
            continue
        positions[placed], rotations[placed] = p, r
        placed += 1
    return positions, rotations


# ----------------------------------------------------------------------------------------
# the FG site sum as a rigid-body pair function (replica-exchange MC, Fig. 3b)
# ----------------------------------------------------------------------------------------


@njit(cache=True)
def _fg_site_pair(r_ij, rot_i, rot_j, p):
    """Hard sphere of diameter p[0] plus the truncated FG site sum [k_BT] (Eqs. 15-16)."""
    hard, kappa, l_b, r_cut, r_core, sites, charges, ptr, centres, radii, abs_q, a, b, ca, cb = p
    if r_ij[0] ** 2 + r_ij[1] ** 2 + r_ij[2] ** 2 < hard * hard:
        return np.inf
    e, _ = _K.truncated_site_sum_one(sites, charges, ptr, centres, radii, abs_q, sites, charges,
                                     ptr, centres, radii, abs_q, r_ij, rot_i, rot_j, kappa, r_cut,
                                     r_core, a, b, ca, cb)
    return l_b * e


def fg_rigid_potential(system: str, params: dict):
    """The FG model of a spherical ``system`` ("jc"/"ipc") for the rigid-body MC.

    Hard spheres of diameter sigma plus the site sum truncated at the ``params['fg']``
    tolerance, with its site core (cgml.fg.patchy: at contact, point sites give wells as
    deep as one likes); pairs farther apart than the CG model's R_c (``params['fit']['r_cut']``,
    paper 2 sigma) are not summed, as in the CG model (their energy is below
    l_B sum|Q|^2 exp(-kappa (R_c - sigma)) / (R_c - sigma), ~1e-5 of the contact energy).
    """
    if system not in ("jc", "ipc"):
        raise ValueError(f"the FG rigid-body potential is built for spheres (jc, ipc), got {system!r}")
    fg = _section({"fg": params.get("fg", {})}, "fg", FG_DEFAULTS)
    particle = fg_particle(system, fg)
    r_cut_sites = cutoff_for_tolerance(particle, particle, fg["tolerance"], fg["kappa"],
                                       fg["bjerrum_length"])
    sites, charges, ptr, centres, radii, abs_q = _site_clusters(particle, 32)
    scratch = (np.empty((sites.shape[0], 3)), np.empty((sites.shape[0], 3)),
               np.empty((centres.shape[0], 3)), np.empty((centres.shape[0], 3)))
    r_core = site_core_radius(particle, particle, fg["site_core"])
    p = (1.0, float(fg["kappa"]), float(fg["bjerrum_length"]), float(r_cut_sites), r_core, sites,
         charges, ptr, centres, radii, abs_q) + scratch
    fit = params.get("fit", {}) or {}
    r_cut = float(fit.get("r_cut") or PAPER_SYSTEMS[system].get("r_cut", 2.0))
    return rigid_pair_potential(_fg_site_pair, r_cut, p, f"{system.upper()} FG site sum")


# ----------------------------------------------------------------------------------------
# replica exchange of small IPC clusters (Fig. 3b)
# ----------------------------------------------------------------------------------------


def _remc_potential(model_kind: str, input: dict, params: dict):
    """(potential, eps_max) for ``model_kind`` "cg" (fitted model + hard sphere) or "fg"."""
    data, _ = read_npz(input["dataset"])
    eps_max = float(np.max(np.abs(data["energy"])))
    if model_kind == "cg":
        model = SFunctionPairModel.load(input["model"])
        return sfunction_potential(model, hard_diameter=1.0, name="IPC CG"), eps_max
    if model_kind == "fg":
        return fg_rigid_potential(params["system"], params), eps_max
    raise ValueError(f"model must be 'fg' or 'cg', got {model_kind!r}")


def remc_start_states(path, n: int, n_replicas: int, box):
    """Final (positions (M, n, 3), rotations (M, n, 3, 3)) per temperature slot of an
    earlier REMC run's npz at ``path``, or None without a path.

    Raises ValueError naming the file when its particle number, replica number or box
    differ from this run's.
    """
    if not path:
        return None
    data, _ = read_npz(path)
    for key in ("final_positions", "final_rotations", "box_lengths"):
        if key not in data:
            raise ValueError(f"{path}: no '{key}' to start the REMC run from (rerun the CG REMC)")
    pos, rot = np.asarray(data["final_positions"]), np.asarray(data["final_rotations"])
    if pos.shape != (n_replicas, n, 3) or rot.shape != (n_replicas, n, 3, 3):
        raise ValueError(f"{path}: final states of shape {pos.shape} / {rot.shape}, this run needs "
                         f"({n_replicas}, {n}, 3) / ({n_replicas}, {n}, 3, 3) "
                         "(anisotropic.remc.n_replicas, n_particles)")
    if not np.allclose(np.asarray(data["box_lengths"]), box):
        raise ValueError(f"{path}: box {data['box_lengths']} differs from anisotropic.remc.box_length "
                         f"{box[0]}")
    return pos, rot


REMC_CHECKPOINT_SECONDS = 600.0  # an_remc saves its progress at most this often


def run_remc(*, input, output, params, wildcards, threads=1):
    """Rule an_remc: replica-exchange MC of N IPCs with the FG or CG potential.

    input: dataset (npz with ``energy`` [kT], for eps_max), model (CG json; "cg" only),
    optional start (the CG run's npz, "fg" only: ``fg_start: cg``);
    params: remc (n_replicas, kT_min, kT_max [eps_max], n_cycles, sample_every, box_length
    [sigma], tune_rounds, tune_sweeps, target_acceptance, fg_start, retune_rounds: step
    tunings spread over the first half of the run, 0 = none), system, seed;
    wildcards: model ("fg"/"cg"), n (particles).
    Writes output["npz"] (slot energies per sample, lowest cluster, final state of each
    temperature slot) and output["json"].

    ``threads``: temperature slots swept at once (the same trajectory for any number).

    Starts: every slot from a random compact cluster, or (``fg_start: cg``, FG only) from
    the final configuration of the same temperature slot of the CG run, which has run
    many more cycles: the FG site sums cost ~1000x a CG pair energy, and a short FG run
    from random clusters does not reach the low-energy clusters (module docstring).
    """
    cfg = params["remc"]
    _require(cfg, ("n_replicas", "kT_min", "kT_max", "n_cycles", "sample_every", "box_length",
                   "tune_rounds", "tune_sweeps", "target_acceptance"), "anisotropic.remc")
    n = int(wildcards["n"])
    seed = int(params["seed"])
    potential, eps_max = _remc_potential(wildcards["potential"], input, params)
    rng = np.random.default_rng(seed)
    box = np.full(3, float(cfg["box_length"]))
    betas = geometric_betas(cfg["kT_min"], cfg["kT_max"], int(cfg["n_replicas"])) / eps_max
    starts = remc_start_states(input.get("start"), n, betas.size, box)
    # a killed job's rerun continues from its checkpoints: the tuned slots, then the run
    identity = {"params": params, "wildcards": dict(wildcards)}
    files = [input[key] for key in ("dataset", "model", "start") if key in input]
    checkpoint = StageCheckpoint(output["npz"], identity, files, code=__name__)
    tuning = StageCheckpoint(f"{output['npz']}.tuning", identity, files, code=__name__)
    states, steps_d, steps_r = [], [], []
    if (tuned := tuning.load()) is not None:
        _, meta, arrays = tuned
        steps_d, steps_r = meta["steps_d"], meta["steps_r"]
        states = [state_from_arrays(RigidState, arrays, f"slot{k}.") for k in range(betas.size)]
    for k, beta in enumerate(betas if tuned is None else []):
        if starts is None:
            # a compact start: at T_0 the steps are then tuned for moves inside a cluster
            positions, rotations = random_configuration(potential, n, box, rng,
                                                        region=1.5 * n ** (1.0 / 3.0))
        else:
            positions, rotations = starts[0][k], starts[1][k]
        state = init_rigid_state(positions, rotations, box, potential)
        state, d, phi, _, acc = adapt_rigid_steps(
            state, potential, 0.2, 0.5, seed + 17 * k + 1, beta=float(beta),
            target_acceptance=float(cfg["target_acceptance"]), n_rounds=int(cfg["tune_rounds"]),
            sweeps_per_round=int(cfg["tune_sweeps"]))
        log.info("replica %d kT/eps_max = %.4f: steps %.3g sigma, %.3g rad, acceptance %s",
                 k, 1 / (beta * eps_max), d, phi, acc)
        states.append(state)
        steps_d.append(d)
        steps_r.append(phi)
    if tuned is None:
        tuning.save(0, {"steps_d": steps_d, "steps_r": steps_r},
                    **{key: value for k, st in enumerate(states) for key, value in state_to_arrays(st, f"slot{k}.").items()})
    # the steps go on being tuned through the first half (the equilibration, not averaged):
    # tuned on the start alone they fit unbound particles, and the bound clusters the slots
    # then reach accepted ~0% of translations (laptop, 2026-12-07)
    n_cycles, rounds = int(cfg["n_cycles"]), int(cfg.get("retune_rounds", 0))
    tune_every = max(1, n_cycles // 2 // rounds) if rounds else 0
    result = run_replica_exchange(states, potential, betas, n_cycles, steps_d, steps_r,
                                  seed + 1, int(cfg["sample_every"]), threads=int(threads),
                                  checkpoint=checkpoint, checkpoint_seconds=REMC_CHECKPOINT_SECONDS,
                                  tune_every=tune_every, tune_until=n_cycles // 2,
                                  target_acceptance=float(cfg["target_acceptance"]),
                                  on_sample=ProgressLog(log, n_cycles, f"REMC {wildcards['potential']} N={n}"))
    for k, acc in enumerate(result.acceptance):
        log.info("replica %d: production steps %.3g sigma, %.3g rad, acceptance %.3f / %.3f", k,
                 result.max_displacements[k], result.max_rotations[k], acc["translation"],
                 acc["rotation"])
    u0 = result.energies[:, 0] / (n * eps_max)
    half = u0[u0.size // 2:]
    mean, sem = block_average(half, n_blocks=min(10, max(2, half.size // 2)))[:2] if half.size >= 4 \
        else (float(np.mean(half)), float("nan"))
    # the lowest configuration re-evaluated with the FG site sums: for the CG run this
    # tells a CG minimum the FG model shares from a spurious one of the fit
    fg = fg_rigid_potential(params["system"], params) if wildcards["potential"] == "cg" else potential
    lowest_state = init_rigid_state(result.lowest[1], result.lowest[2], box, fg)
    summary = {"potential": wildcards["potential"], "n_particles": n, "eps_max": eps_max,
               "lowest_fg_energy_per_particle": float(lowest_state.energy / (n * eps_max)),
               "mean_energy_per_particle": float(mean), "sem": float(sem),
               "lowest_energy_per_particle": float(result.lowest[0] / (n * eps_max)),
               "swap_acceptance": result.swap_acceptance.tolist(),
               "production_steps": [result.max_displacements.tolist(), result.max_rotations.tolist()],
               "production_acceptance": [[a["translation"], a["rotation"]] for a in result.acceptance],
               "kT_over_eps_max": (1.0 / (betas * eps_max)).tolist(),
               "units": "energies per particle in eps_max"}
    meta = provenance(params, seed, **summary)
    write_npz(output["npz"], meta, cycles=result.cycles, energies=result.energies / eps_max,
              lowest_positions=result.lowest[1], lowest_rotations=result.lowest[2],
              final_positions=np.array([s.positions for s in result.states]),
              final_rotations=np.array([s.rotations for s in result.states]),
              box_lengths=box)
    write_json(output["json"], meta)
    checkpoint.clear()
    tuning.clear()
    log.info("REMC %s N=%d: <U>/N eps_max = %.4f +- %.4f, lowest %.4f", wildcards["potential"], n, mean,
             sem, summary["lowest_energy_per_particle"])


# ----------------------------------------------------------------------------------------
# quasi-2D superballs with the CG depletion attraction (Fig. 5d)
# ----------------------------------------------------------------------------------------


def depletant_fugacity(packing_fraction: float, sigma_d: float) -> float:
    """z_d [1/sigma^3] from the reservoir packing fraction eta_d^r = pi sigma_d^3 z_d / 6."""
    if not (packing_fraction >= 0 and sigma_d > 0):
        raise ValueError(f"need eta_d^r >= 0 and sigma_d > 0, got {packing_fraction}, {sigma_d}")
    return 6.0 * packing_fraction / (math.pi * sigma_d ** 3)


def square_lattice_start(n: int, side: float, z: float):
    """The paper's "perfect square lattice" start at rho_2D: n bodies, aligned with the
    lab axes, on the sites of a square lattice that fills the periodic ``side`` x ``side``
    box (ceil(sqrt n) sites per row, spacing side / ceil(sqrt n); the last row partly
    empty), all at height ``z``. Bodies start apart, so Lambda_1 clusters must nucleate
    and grow ("rapid nucleation and growth" from either start, paper Fig. 5d); a compact
    square crystallite instead is locked in by ~50 k_BT face bonds.

    Returns ``(positions (n, 3), rotations (n, 3, 3))``.
    """
    per_row = int(math.ceil(math.sqrt(n)))
    spacing = side / per_row
    grid = np.array([(i, j) for j in range(per_row) for i in range(per_row)][:n], float) * spacing
    return np.c_[grid + 0.5 * spacing, np.full(n, z)], np.tile(np.eye(3), (n, 1, 1))


def quasi2d_segments(n_sweeps: int, retune_every: int) -> list[int]:
    """Lengths [sweeps] of the run segments: the first half in pieces of ``retune_every``
    (steps are re-tuned before each piece after the first), the second half in one piece
    at fixed steps; one piece if ``retune_every`` is 0."""
    if retune_every <= 0:
        return [n_sweeps]
    half = n_sweeps // 2
    pieces = [retune_every] * (half // retune_every)
    if half % retune_every:
        pieces.append(half % retune_every)
    return [p for p in pieces + [n_sweeps - half] if p > 0]


QUASI2D_CHECKPOINT_SECONDS = 600.0  # an_quasi2d saves its progress at most this often


def run_quasi2d(*, input, output, params, wildcards, threads=1):
    """Rule an_quasi2d: NVT MC of superballs in a plane, hard core + CG depletion.

    input: model (overlap-volume SFunctionPairModel json, V_f in sigma^3);
    params: superball (sigma, exponent, sigma_d), quasi2d (n_particles, density_2d,
    depletant_packing_fraction, n_sweeps, sample_every, tune_rounds, tune_sweeps,
    target_acceptance, bond_cutoff [sigma], retune_every [sweeps], interior_bonds), seed;
    wildcards: start ("isotropic"/"square").

    After every ``sample_every`` sweeps of single-body moves come
    ``cluster_moves_per_sweep`` x N x ``sample_every`` rigid moves of bonded clusters
    (pairs below -``cluster_bond_energy`` kT; :func:`cgml.simulate.rigid.run_cluster_moves`):
    translations uniform within ``cluster_max_displacement`` and, if
    ``cluster_max_rotation`` > 0, as many turns about Z uniform within it [rad]. Aggregates
    held by ~50 k_BT bonds cannot otherwise move, and merge only when they meet. Then a
    sample is taken. With ``anneal_from_packing_fraction`` > 0 the depletant reservoir
    packing fraction is ramped linearly from it to ``depletant_packing_fraction`` over the
    first half (the potential rebuilt every ``sample_every`` sweeps, the energy recomputed),
    so weak bonds can break and re-form before they tighten; the second half runs at the
    target.
    Steps are tuned to ``target_acceptance`` at the start and kept (``retune_every`` 0,
    the paper's protocol and our default: the large steps of the unbound start let bonded
    bodies hop to better-bonded sites), or re-tuned every ``retune_every`` sweeps during the
    first half (assembly) as bonds form; the second half (measured) runs at fixed steps
    either way, so its sampling is exact. Tuning sweeps come on top of ``n_sweeps``. The Lambda_1 bond angle is the mean
    smallest bond angle of particles with >= ``interior_bonds`` bonds over the second half
    (:func:`cgml.analysis.anisotropic_order.bond_angles_2d`); the mean over every particle
    with two bonds or more (angles in (30, 89) deg) is kept beside it.
    Writes output["npz"] (snapshots, energies, bond angles) and output["json"].
    """
    sb, cfg = params["superball"], params["quasi2d"]
    _require(sb, ("sigma", "exponent", "sigma_d"), "anisotropic.superball")
    _require(cfg, ("n_particles", "density_2d", "depletant_packing_fraction", "n_sweeps",
                   "sample_every", "tune_rounds", "tune_sweeps", "target_acceptance",
                   "bond_cutoff", "retune_every", "interior_bonds", "cluster_moves_per_sweep",
                   "cluster_max_displacement", "cluster_max_rotation", "cluster_bond_energy",
                   "anneal_from_packing_fraction"), "anisotropic.quasi2d")
    seed = int(params["seed"])
    model = SFunctionPairModel.load(input["model"])
    eta_target = float(cfg["depletant_packing_fraction"])
    eta_anneal = float(cfg["anneal_from_packing_fraction"])
    if not 0.0 <= eta_anneal <= eta_target:
        raise ValueError(f"anisotropic.quasi2d.anneal_from_packing_fraction must be 0 (off) or in "
                         f"(0, depletant_packing_fraction = {eta_target}], got {eta_anneal}")

    def depletion(eta):
        return superball_depletion_potential(model, float(sb["sigma"]), float(sb["exponent"]),
                                             depletant_fugacity(eta, float(sb["sigma_d"])))

    z_d = depletant_fugacity(eta_target, float(sb["sigma_d"]))
    potential = depletion(eta_target)
    n = int(cfg["n_particles"])
    side = math.sqrt(n * float(sb["sigma"]) ** 2 / float(cfg["density_2d"]))
    box = np.array([side, side, max(2.0 * potential.r_cut, 1.0) * 1.01])
    z = 0.5 * box[2]
    rng = np.random.default_rng(seed)
    start = wildcards["start"]
    if start == "isotropic":
        positions, rotations = random_configuration(potential, n, box, rng, planar_z=z)
    elif start == "square":
        positions, rotations = square_lattice_start(n, side, z)
    else:
        raise ValueError(f"start must be 'isotropic' or 'square', got {start!r}")
    eta_now = eta_target
    if eta_anneal > 0.0:
        potential, eta_now = depletion(eta_anneal), eta_anneal
    half = int(cfg["n_sweeps"]) // 2
    state = init_rigid_state(positions, rotations, box, potential)
    tune = {"planar": True, "target_acceptance": float(cfg["target_acceptance"]),
            "n_rounds": int(cfg["tune_rounds"]), "sweeps_per_round": int(cfg["tune_sweeps"])}
    d, phi = 0.2, 0.3
    segments = quasi2d_segments(int(cfg["n_sweeps"]), int(cfg["retune_every"]))
    every = int(cfg["sample_every"])
    cluster_rate = float(cfg["cluster_moves_per_sweep"])
    sweeps, energies, snap_pos, snap_rot, steps, cluster_acc, cluster_size = [], [], [], [], [], [], []
    done, acceptance = 0, {}
    # a killed job's rerun continues after the last saved chunk (same result): every chunk
    # has its own seeds, so the state, the steps and the samples are all that carry over
    checkpoint = StageCheckpoint(output["npz"], {"params": params, "wildcards": dict(wildcards)},
                                 files=[input["model"]], code=__name__)
    resume, last_save = None, time.monotonic()
    progress = ProgressLog(log, int(cfg["n_sweeps"]), f"quasi-2D {start}")
    if (saved := checkpoint.load()) is not None:
        _, meta, arrays = saved
        resume, d, phi, done, eta_now = tuple(meta["chunk"]), meta["d"], meta["phi"], meta["done"], meta["eta"]
        potential = depletion(eta_now)
        state = state_from_arrays(RigidState, arrays)
        sweeps, energies = [int(x) for x in arrays["sweeps"]], [float(x) for x in arrays["energies"]]
        snap_pos, snap_rot = list(arrays["snap_positions"]), list(arrays["snap_rotations"])
        steps = [tuple(x) for x in meta["steps"]]
        cluster_acc, cluster_size = [tuple(x) for x in meta["cluster_acc"]], list(meta["cluster_size"])
        acceptance = meta["acceptance"]
    for k, length in enumerate(segments):
        if resume is not None and k < resume[0]:
            continue
        inside = resume is not None and k == resume[0]  # resumed inside this segment: steps as saved
        if not inside:
            if k < len(segments) - 1 or k == 0:
                state, d, phi, _, acc = adapt_rigid_steps(state, potential, d, phi, seed + 1 + 2 * k, **tune)
            steps.append((done, d, phi))
        # sample_every single-body sweeps, then the cluster moves of those sweeps, then a sample
        for c, chunk in enumerate([every] * (length // every) + ([length % every] if length % every else [])):
            if inside and c <= resume[1]:
                continue
            kseeds = np.random.SeedSequence([seed, k, c]).generate_state(2)
            if eta_anneal > 0.0:
                # depletant reservoir ramped linearly from eta_anneal to the target over the
                # first half (bonds of a few kT break and re-form, then tighten); the second
                # half runs at the target
                eta = eta_target if done >= half else eta_anneal + (eta_target - eta_anneal) * done / half
                if eta != eta_now:
                    potential = depletion(eta)
                    state = init_rigid_state(state.positions, state.rotations, box, potential)
                    eta_now = eta
            result = run_rigid(state, potential, chunk, d, phi, int(kseeds[0]), chunk, planar=True)
            state, acceptance = result.state, result.acceptance
            n_cluster = int(round(cluster_rate * n * chunk))
            if n_cluster:
                state, stats = run_cluster_moves(
                    state, potential, n_cluster, float(cfg["cluster_max_displacement"]), int(kseeds[1]),
                    bond_energy=float(cfg["cluster_bond_energy"]), planar=True,
                    max_rotation=float(cfg["cluster_max_rotation"]))
                if done + chunk > half:
                    cluster_acc.append((stats.translation_acceptance, stats.rotation_acceptance))
                    cluster_size.append(stats.mean_size)
            done += chunk
            progress(done)
            sweeps.append(done)
            energies.append(state.energy)
            snap_pos.append(state.positions.copy())
            snap_rot.append(state.rotations.copy())
            if time.monotonic() - last_save >= QUASI2D_CHECKPOINT_SECONDS:
                checkpoint.save(0, {"chunk": [k, c], "d": d, "phi": phi, "done": done, "eta": eta_now,
                                    "steps": steps, "cluster_acc": cluster_acc,
                                    "cluster_size": cluster_size, "acceptance": acceptance},
                                **state_to_arrays(state), sweeps=np.asarray(sweeps), energies=np.asarray(energies),
                                snap_positions=np.asarray(snap_pos), snap_rotations=np.asarray(snap_rot))
                last_save = time.monotonic()
    acc_pairs = np.asarray(cluster_acc, dtype=float).reshape(-1, 2)
    cluster_translation, cluster_rotation = (
        float(np.nanmean(col)) if np.isfinite(col).any() else float("nan") for col in acc_pairs.T)
    log.info("quasi-2D %s: z_d = %.1f, %d segments, steps (sweep, sigma, rad) %s, final acceptance %s, "
             "cluster moves (second half): acceptance %.3g (translations), %.3g (rotations), "
             "mean cluster size %.2f", start, z_d, len(segments),
             [(s0, round(a, 4), round(b, 4)) for s0, a, b in steps], acceptance,
             cluster_translation, cluster_rotation,
             np.mean(cluster_size) if cluster_size else float("nan"))
    sweeps, energies = np.asarray(sweeps), np.asarray(energies)
    positions, rotations = np.asarray(snap_pos), np.asarray(snap_rot)
    cut, interior_bonds = float(cfg["bond_cutoff"]), int(cfg["interior_bonds"])
    final_angles = bond_angles_2d(positions[-1], box, cut, min_bonds=interior_bonds)
    last = positions[sweeps > half]
    per_frame = [bond_angles_2d(p, box, cut) for p in last]
    angles_all = np.concatenate(per_frame) if per_frame else np.array([])
    angles = np.concatenate([bond_angles_2d(p, box, cut, min_bonds=interior_bonds) for p in last]) \
        if len(last) else np.array([])
    bonded = angles_all[(angles_all > 30.0) & (angles_all < 89.0)]
    second = energies[sweeps > half]
    summary = {"start": start, "n_particles": n, "z_d": z_d, "box_lengths": box.tolist(),
               "mean_bond_angle_deg": float(np.mean(angles)) if angles.size else float("nan"),
               "n_bond_angles": int(angles.size),
               "interior_fraction": float(angles.size / (n * len(last))) if len(last) else float("nan"),
               "mean_bond_angle_all_deg": float(np.mean(bonded)) if bonded.size else float("nan"),
               "n_bond_angles_all": int(bonded.size),
               "mean_energy_per_particle": float(np.mean(second) / n) if second.size else float("nan"),
               "steps": [{"from_sweep": int(s0), "max_displacement": a, "max_rotation": b}
                         for s0, a, b in steps],
               "acceptance": acceptance,
               "cluster_acceptance": cluster_translation,
               "cluster_rotation_acceptance": cluster_rotation,
               "mean_cluster_size": float(np.mean(cluster_size)) if cluster_size else float("nan"),
               "units": "sigma, kT, degrees"}
    meta = provenance(params, seed, **summary)
    write_npz(output["npz"], meta, sweeps=sweeps, energies=energies,
              positions=positions, rotations=rotations, box_lengths=box,
              final_bond_angles=final_angles, bond_angles=angles, bond_angles_all=angles_all)
    write_json(output["json"], meta)
    checkpoint.clear()
    log.info("quasi-2D %s: mean bond angle %.1f deg over %d interior particles (%.0f%%); "
             "%.1f deg over all %d with >= 2 bonds", start, summary["mean_bond_angle_deg"],
             angles.size, 100 * summary["interior_fraction"], summary["mean_bond_angle_all_deg"],
             bonded.size)


# ----------------------------------------------------------------------------------------
# NPT equation of state of spherocylinders (Fig. 7)
# ----------------------------------------------------------------------------------------


def _sc_potential(model_kind: str, input: dict, sc: dict):
    if model_kind == "fg":
        return hard_spherocylinder_potential(float(sc["length"]), float(sc["diameter"]))
    if model_kind == "cg":
        from cgml.papers.anisotropic.shapes import soft_spherocylinder_potential

        return soft_spherocylinder_potential(input["model"], sc)
    if model_kind == "exact":  # reference: Eq. 17 with the exact contact distance (no fit)
        from cgml.papers.anisotropic.shapes import exact_soft_spherocylinder_potential

        return exact_soft_spherocylinder_potential(sc)
    raise ValueError(f"potential must be 'fg', 'cg' or 'exact', got {model_kind!r}")


def phase_boundaries(frame: pd.DataFrame, s2_nematic: float, tau_smectic: float,
                     psi6_solid: float) -> dict:
    """Phase boundaries [rho*] of an EOS table (columns density, s2, tau, psi6).

    isotropic_max : the largest density of a state with S_2 < ``s2_nematic``;
    smectic_min : the smallest density with tau > ``tau_smectic`` and psi_6 < ``psi6_solid``;
    solid_min : the smallest density with tau > ``tau_smectic`` and psi_6 >= ``psi6_solid``
    (nan when no state qualifies). The paper reads its boundaries off EOS curves with
    pressure steps of 0.198; these are the same kind of estimate.
    """
    f = frame.sort_values("density")
    iso = f[f["s2"] < s2_nematic]
    layered = f[f["tau"] > tau_smectic]
    smectic = layered[layered["psi6"] < psi6_solid]
    solid = layered[layered["psi6"] >= psi6_solid]
    return {"isotropic_max": float(iso["density"].max()) if len(iso) else float("nan"),
            "smectic_min": float(smectic["density"].min()) if len(smectic) else float("nan"),
            "solid_min": float(solid["density"].min()) if len(solid) else float("nan")}


def run_sc_eos(*, input, output, params, wildcards, threads=1):
    """Rule an_sc_eos: NPT MC of spherocylinders along a ladder of pressures.

    input: model (CG contact-function json; "cg" only); params: spherocylinder (length,
    diameter [sigma], and the soft-potential keys for "cg"), sc_eos (n_particles,
    pressures [kT/sigma^3], start_density, crystal_density, equilibration_sweeps,
    production_sweeps (CG), expand_equilibration_sweeps, expand_production_sweeps (CG
    expansion; optional, null: as the compression), fg_equilibration_sweeps,
    fg_production_sweeps (hard bodies; :func:`cgml.papers.anisotropic.cost.sc_eos_sweeps`),
    box_moves ("isotropic" or "rectangular": one box length per volume move, so a layered
    crystal can take its own aspect ratio), max_box_aspect_change (null, or the factor by
    which a ratio of two box edges may move from the branch's start), sample_every, tune_rounds, tune_sweeps,
    target_acceptance), seed;
    wildcards: potential ("fg"/"cg"), branch ("compress": ascending pressures from an
    isotropic fluid made by random insertion at start_density; "expand": descending
    pressures from the AB-stacked crystal of hexagonal layers at crystal_density). Each pressure
    starts from the previous state. Hard bodies get their own sweep counts: an isotropic
    ln V move of hard rods is rejected on any overlap, so the tuned step is small and a
    compression from the dilute start drifts by ~4e-5 in ln rho per sweep (measured,
    N = 400, P* 0.6-2.6), while a sweep costs ~10x less than one of the CG potential.
    Writes output["csv"] (per pressure: P*, rho* mean and error, S_2, tau, psi_6,
    acceptance) and output["npz"] (final snapshot per pressure).
    """
    sc, cfg = params["spherocylinder"], params["sc_eos"]
    _require(sc, ("length", "diameter"), "anisotropic.spherocylinder")
    _require(cfg, ("n_particles", "pressures", "start_density", "crystal_density",
                   "equilibration_sweeps", "production_sweeps", "fg_equilibration_sweeps",
                   "fg_production_sweeps", "box_moves", "sample_every", "tune_rounds",
                   "tune_sweeps", "target_acceptance"), "anisotropic.sc_eos")
    if cfg["box_moves"] not in ("isotropic", "rectangular"):
        raise ValueError(f"anisotropic.sc_eos.box_moves must be 'isotropic' or 'rectangular', "
                         f"got {cfg['box_moves']!r}")
    rectangular = cfg["box_moves"] == "rectangular"
    aspect = cfg.get("max_box_aspect_change")
    if aspect is not None and (not rectangular or float(aspect) < 1.0):
        raise ValueError(f"anisotropic.sc_eos.max_box_aspect_change must be null or a number >= 1 "
                         f"with box_moves: rectangular, got {aspect!r} with {cfg['box_moves']!r}")
    shape = {} if aspect is None else {"max_aspect_change": float(aspect)}
    seed = int(params["seed"])
    branch = wildcards.get("branch", "compress")
    if branch not in ("compress", "expand"):
        raise ValueError(f"branch must be 'compress' or 'expand', got {branch!r}")
    potential = _sc_potential(wildcards["potential"], input, sc)
    n_equilibration, n_production = sc_eos_sweeps(cfg, wildcards["potential"], branch)
    length, diameter = float(sc["length"]), float(sc["diameter"])
    n = int(cfg["n_particles"])
    if branch == "compress":  # an isotropic start: random sequential insertion at start_density
        side = (n / float(cfg["start_density"])) ** (1.0 / 3.0)
        box = np.full(3, max(side, 2.02 * potential.r_cut))
        positions, rotations = random_configuration(potential, n, box, np.random.default_rng(seed))
    else:
        positions, box = hexagonal_rod_crystal(n, length, diameter, float(cfg["crystal_density"]))
        rotations = np.tile(np.eye(3), (n, 1, 1))
    stretch = max(1.0, 2.02 * potential.r_cut / float(np.min(box)))  # minimum image of the range
    if stretch > 1.0:
        log.warning("starting configuration stretched by %.3f: box %s has an edge shorter than "
                    "2 r_cut = %.3f sigma (minimum image), so it starts at rho* = %.4f instead of "
                    "%.4f, and no box edge can shrink below 2 r_cut", stretch, box,
                    2 * potential.r_cut, n / np.prod(box * stretch), n / np.prod(box))
    state = init_rigid_state(positions * stretch, rotations, box * stretch, potential)
    if shape:  # the whole branch is bounded about its starting box
        shape["shape_reference"] = state.box_lengths.copy()
    pressures = sorted(float(x) for x in cfg["pressures"])
    if branch == "expand":
        pressures = pressures[::-1]
    spacings = np.linspace(0.8, 1.3, 51) * (length + diameter)
    rows, finals = [], {}
    d, phi, dv = 0.3, 0.3, 0.01
    # a killed job's rerun continues after the last finished pressure (same result)
    checkpoint = StageCheckpoint(output["csv"], {"params": params, "wildcards": dict(wildcards)},
                                 files=[input[key] for key in ("model",) if key in input], code=__name__)
    done = -1
    if (saved := checkpoint.load()) is not None:
        done, meta, arrays = saved
        rows, (d, phi, dv) = meta["rows"], meta["steps"]
        finals = {name: arrays[name] for name in arrays if name.split("_")[0] in ("positions", "axes", "box")}
        state = state_from_arrays(RigidState, arrays)
    for k, pressure in enumerate(pressures):
        if k <= done:
            continue
        state, d, phi, dv, acc = adapt_rigid_steps(
            state, potential, d, phi, seed + 10 * k + 1, pressure=pressure,
            max_log_volume_change=dv, target_acceptance=float(cfg["target_acceptance"]),
            n_rounds=int(cfg["tune_rounds"]), sweeps_per_round=int(cfg["tune_sweeps"]),
            rectangular=rectangular, **shape)
        if n_equilibration:
            state = run_rigid(state, potential, n_equilibration, d, phi,
                              seed + 10 * k + 2, n_equilibration,
                              pressure=pressure, max_log_volume_change=dv,
                              rectangular=rectangular, **shape).state
        orders = []

        def measure(sweep, s):
            nem = nematic_order(s.rotations[:, :, 2])
            tau, spacing = smectic_order(s.positions, nem.director, spacings, s.box_lengths)
            psi6 = layer_hexatic_order(s.positions, s.box_lengths, nem.director, spacing,
                                       1.4 * diameter)
            orders.append((nem.s2, tau, psi6))

        result = run_rigid(state, potential, n_production, d, phi,
                           seed + 10 * k + 3, int(cfg["sample_every"]), pressure=pressure,
                           max_log_volume_change=dv, rectangular=rectangular, on_sample=measure,
                           **shape)
        state = result.state
        rho = result.densities * diameter ** 3
        mean, sem = block_average(rho, n_blocks=min(5, max(2, rho.size // 2)))[:2]
        s2, tau, psi6 = np.nanmean(np.array(orders), axis=0)
        rows.append({"pressure": pressure, "density": float(mean), "density_sem": float(sem),
                     "s2": float(s2), "tau": float(tau), "psi6": float(psi6),
                     "acceptance_translation": result.acceptance["translation"],
                     "acceptance_rotation": result.acceptance["rotation"],
                     "acceptance_volume": result.acceptance["volume"]})
        finals[f"positions_{k:03d}"] = state.positions
        finals[f"axes_{k:03d}"] = state.rotations[:, :, 2]
        finals[f"box_{k:03d}"] = state.box_lengths
        log.info("%s %s P* = %.3f: rho* = %.4f +- %.4f, S2 = %.3f, tau = %.3f, psi6 = %.3f",
                 wildcards["potential"], branch, pressure, mean, sem, s2, tau, psi6)
        checkpoint.save(k, {"rows": rows, "steps": [d, phi, dv]}, **state_to_arrays(state), **finals)
    frame = pd.DataFrame(rows)
    meta = provenance(params, seed, potential=wildcards["potential"], branch=branch,
                      units="P* = P sigma^3/kT, rho* = rho sigma^3")
    write_csv(output["csv"], frame, meta)
    write_npz(output["npz"], meta, pressures=np.array(pressures), **finals)
    checkpoint.clear()
