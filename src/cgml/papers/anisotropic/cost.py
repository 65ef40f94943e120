"""Wall-time requests of the long anisotropic jobs, from their config and measured rates.

The slurm profile submits every job with ``resources.runtime`` [min]; a job that needs
more is killed at its limit and its work is lost, so the long Monte Carlo and
integration jobs size their request from the work the config asks for, at rates
measured on one core of the development machine (2-core VM, Python 3.11, numba; process
time, 2026-12-06), with the margin every sized rule uses
(:func:`cgml.workflow.smk.runtime_minutes`: twice the estimate plus 10 min).
Slower cores need a larger margin: ``--set-resources`` overrides any rule.

Rates (single thread):

* FG replica exchange (IPC site sums, truncated at 1e-4 kT): 350 neighbour pair sums/s,
  whole laptop jobs with the steps tuned through the equilibration (2026-12-07: 117 / 88
  single-body moves/s at N = 4 / 5, 3 / 4 pair sums a move, start and compilation
  included; 145 moves/s had been measured on 2026-12-06 with the steps tuned on the start
  only, why the rate fell was not measured). One thread would need ~190 h for
  the paper's 1.5e6 cycles at N = 5 (an estimate); a sweep of the M slots of a cycle runs
  on ``threads`` threads (1.8x measured with 2);
* CG replica exchange (64-term S-function model), Python-bound: laptop jobs of 100,000
  cycles of 8 slots ran 12,800 / 10,700 slot sweeps/s at N = 4 / 5 (2026-12-07, start
  included); taken as 10,000;
* spherocylinder NPT, N = 896 near rho* = 0.13: hard rods 155.9 sweeps/s, Eq. 17 with the
  exact contact 40.3 sweeps/s (benchmarks/anisotropic_speed.py); Eq. 17 with the fitted
  contact, polynomial screened (``contact_upper_bounds``): 72.0 sweeps/s with the
  benchmark's 32-term fit; with the laptop's 64-term fit 36.4 / 48.1 sweeps/s at N = 896
  and rho* 0.15 / 0.13 (32,600 / 43,100 moves/s; crystal, process time), and a whole laptop
  expansion branch (N = 672, rho* 0.08-0.15, the other core busy) averaged 45.3 sweeps/s =
  30,400 moves/s, the rate taken (denser states are slower; the paper's ladder reaches
  rho* ~0.17); the tuning sweeps count too. On this machine the hard-rod rate errs on
  the safe side: the two paper-scale hard-rod branches (20 pressures x 61,000 sweeps of
  N = 896, one core each, the two at once on the idle 2-core machine, 2026-12-08) took
  85.5 / 87.2 min wall, 233-238 sweeps/s averaged over the ladder, against the 130 min
  estimated here (request 270 min; a slower machine measured 118.6 sweeps/s in the
  benchmark, where 155.9 was measured first);
* quasi-2D superballs, N = 110: 430-630 sweeps/s (the lower rate is used);
* overlap volumes of depletion zones: 1.19e7 Monte Carlo points/s on one thread, of
  which ~8 ns a point is the serial draw and the rest the count, which runs on threads
  (2.2e7 points/s measured with 2);
* FG site-sum energies of the surface-patterned data sets (626 x 626 sites, truncated):
  paper-scale data sets of 1e5 energies took 105 / 103 s (JC / IPC) and 38 / 46 s
  (EJC / EIPC, most pairs far apart) on two threads (2026-12-07, whole jobs), 480
  energies/s a thread for the spheres; taken as 400;
* threads: the REMC slots scale with an efficiency taken as 0.8 (1.8x measured with 2), and
  so do the site sums of the data sets, where it errs on the safe side: 1e4 configurations
  of the paper's JC sampling gave 533-548 energies/s on one thread and 1006-1105 on two
  (1.9-2.0x; EJC 1632-1800 and 2963-3428), measured 2026-12-07 on the idle machine.
"""

from __future__ import annotations

from cgml.workflow.smk import runtime_minutes as minutes

__all__ = ["minutes", "remc_seconds", "sc_eos_sweeps", "sc_eos_seconds", "quasi2d_seconds",
           "superball_dataset_seconds", "patchy_dataset_seconds"]

FG_PAIR_SUMS_PER_S = 350.0
FG_DATASET_ENERGIES_PER_S = 400.0
CG_SLOT_SWEEPS_PER_S = 10000.0
SC_MOVES_PER_S = {"fg": 155.9 * 896, "cg": 30400.0, "exact": 40.3 * 896}
QUASI2D_MOVES_PER_S = 430.0 * 110
SUPERBALL_DRAW_S = 8e-9
SUPERBALL_COUNT_S = 1.0 / 1.19e7 - SUPERBALL_DRAW_S
THREAD_EFFICIENCY = 0.8


def remc_seconds(remc: dict, potential: str, n: int, threads: int = 1) -> float:
    """Replica exchange of ``n`` bodies: ``remc`` is config ``anisotropic.remc``."""
    m = int(remc["n_replicas"])
    tuning = int(remc["tune_rounds"]) * int(remc["tune_sweeps"])
    if potential == "fg":
        cycles = int(remc["n_cycles_fg"])
        per_sweep = n * max(1, n - 1) / FG_PAIR_SUMS_PER_S
        threads = min(max(1, int(threads)), m)
        speedup = 1.0 if threads == 1 else THREAD_EFFICIENCY * threads
        return (cycles * m / speedup + tuning * m) * per_sweep
    cycles = int(remc["n_cycles"])
    return (cycles + tuning) * m / CG_SLOT_SWEEPS_PER_S


def sc_eos_sweeps(sc_eos: dict, potential: str, branch: str) -> tuple[int, int]:
    """(equilibration, production) sweeps per pressure of one branch of the spherocylinder
    equation of state, from config ``anisotropic.sc_eos``: hard rods ("fg") take
    ``fg_equilibration_sweeps`` / ``fg_production_sweeps``; the soft potentials ("cg",
    "exact") ``equilibration_sweeps`` / ``production_sweeps``, or on the "expand" branch
    ``expand_equilibration_sweeps`` / ``expand_production_sweeps`` where those are set (not
    null): an expanding layered phase melts late, a compressed fluid equilibrates fast."""
    if branch not in ("compress", "expand"):
        raise ValueError(f"branch must be 'compress' or 'expand', got {branch!r}")
    expand = ("expand_equilibration_sweeps", "expand_production_sweeps")
    if potential == "fg":
        keys = ("fg_equilibration_sweeps", "fg_production_sweeps")
    elif branch == "expand" and any(sc_eos.get(k) is not None for k in expand):
        keys = expand  # both or neither: one of the two alone is an error below
    else:
        keys = ("equilibration_sweeps", "production_sweeps")
    try:
        return int(sc_eos[keys[0]]), int(sc_eos[keys[1]])
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"anisotropic.sc_eos.{keys[0]} and .{keys[1]} must be integers "
                         f"(got {sc_eos.get(keys[0])!r}, {sc_eos.get(keys[1])!r})") from err


def sc_eos_seconds(sc_eos: dict, potential: str, branch: str) -> float:
    """One branch of the spherocylinder equation of state: ``sc_eos`` is config
    ``anisotropic.sc_eos``; ``potential`` "fg" (hard rods), "cg" or "exact"; ``branch``
    "compress" or "expand"."""
    n_eq, n_prod = sc_eos_sweeps(sc_eos, potential, branch)
    per_pressure = n_eq + n_prod + int(sc_eos["tune_rounds"]) * int(sc_eos["tune_sweeps"])
    moves = len(sc_eos["pressures"]) * per_pressure * int(sc_eos["n_particles"])
    return moves / SC_MOVES_PER_S[potential]


def quasi2d_seconds(quasi2d: dict) -> float:
    """One quasi-2D start: ``quasi2d`` is config ``anisotropic.quasi2d``."""
    sweeps = int(quasi2d["n_sweeps"]) + int(quasi2d["tune_rounds"]) * int(quasi2d["tune_sweeps"])
    return sweeps * int(quasi2d["n_particles"]) / QUASI2D_MOVES_PER_S


def superball_dataset_seconds(dataset: dict, threads: int = 1) -> float:
    """The overlap-volume data set: ``dataset`` is config ``anisotropic.superball.dataset``."""
    pairs = int(dataset["n_angles"]) ** 4 * int(dataset["n_positions"])
    per_point = SUPERBALL_DRAW_S + SUPERBALL_COUNT_S / max(1, int(threads))
    return pairs * float(dataset["n_mc_samples"]) * per_point


def patchy_dataset_seconds(dataset: dict, threads: int = 1) -> float:
    """A surface-patterned FG data set: ``dataset`` is config ``anisotropic.patchy.dataset``."""
    speedup = 1.0 + THREAD_EFFICIENCY * (max(1, int(threads)) - 1)
    return int(dataset["n_samples"]) / (FG_DATASET_ENERGIES_PER_S * speedup)
