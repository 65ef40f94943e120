"""Metropolis Monte Carlo in the NVT and NPT ensembles: one driver, pluggable potentials.

Units
-----
Reduced units: lengths ``[length]`` (the paper's length unit), energies ``[kT]`` with
kT = 1 by default (``beta`` [1/energy] may be given explicitly; the potential's energies
and the pressure are then in the unit 1/beta is given in), pressure ``[kT/length^3]``,
number density ``[1/length^3]``. Boxes are orthorhombic, ``box_lengths (3,)``; periodic
positions live in ``[0, L)``. Potentials follow the protocol of
:mod:`cgml.simulate.potentials`.

Design (jax-md-like)
--------------------
``init_state(positions, box_lengths, potential) -> MCState``, a small record
(positions, box, cell list, running energy); ``run_nvt`` / ``run_npt`` take a state and
return an :class:`MCResult` holding the final state and the samples. Input states are
never modified. All moves of a run happen inside one numba kernel (the template
:mod:`cgml.simulate._mc_sweep_kernel`) with the potential's ``delta_energy`` and
``total_energy`` bound into it at compile time, one kernel per pair of protocol functions
(every :class:`~cgml.simulate.potentials.PairPotential` shares one). It is cached on disk
(:mod:`cgml.simulate._bind`): the first process compiles it (a few seconds), the next ones
load it.

Moves
-----
* Displacement of a random particle i by a vector uniform in the cube
  [-max_displacement, max_displacement]^3 [length], wrapped into the box, accepted with
  min(1, exp(-beta dU)), dU from ``potential.delta_energy``.
* Isotropic volume move (NPT): ln V' = ln V + U(-max_log_volume_change,
  +max_log_volume_change), positions rescaled by s = (V'/V)^(1/3), cell list rebuilt,
  U' from ``potential.total_energy``; accepted with
  min(1, exp(-beta [U' - U + P (V' - V)] + (N + 1) ln(V'/V)))
  (Frenkel & Smit, Understanding Molecular Simulation, 2nd ed., isobaric-isothermal
  ensemble; the N + 1 is the Jacobian of sampling ln V). Rejected outright if any box
  length would become smaller than 2 r_cut (minimum image).
* A sweep is N displacement attempts (NVT), or N + 1 attempts each of which is a volume
  move with probability 1/(N + 1) (NPT: one volume move per sweep on average).

The running energy is the sum of accepted energy changes (reset to the recomputed total
after an accepted volume move); :func:`check_energy` recomputes it from scratch.

Random numbers: numba's generator, seeded inside the kernel with ``np.random.seed`` (a
32-bit seed derived from ``seed`` by ``numpy.random.SeedSequence``) at the start of each
run; its state runs on across sampling blocks (and is saved around ``on_sample``), so a
trajectory depends only on the seed, not on the sampling interval or the callback.

Practical notes: hard-core systems relax their volume slowly under local moves (volume
steps must be small because compressions create overlaps): at N = 216 and beta P sigma^3
= 1-6 the density correlation time is ~500-2000 sweeps, longer for crystals; use
block averages over blocks longer than that. Tune steps with :func:`adapt_step_sizes`
during equilibration only.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol

import numpy as np
from numba import njit

from cgml.lattices import fcc_lattice, simple_cubic_lattice  # noqa: F401 (re-exported)
from cgml.neighbors import CellList, build_cell_list
from cgml.neighbors._kernels import fill_cells
from cgml.simulate._bind import bind

if TYPE_CHECKING:  # the template bind() reads: listed here for cgml.source_hash
    from cgml.simulate import _mc_sweep_kernel  # noqa: F401

__all__ = [
    "MCState",
    "MCResult",
    "StepSizes",
    "Periodic",
    "init_state",
    "run_nvt",
    "run_npt",
    "adapt_step_sizes",
    "recompute_energy",
    "check_energy",
    "fcc_lattice",
    "simple_cubic_lattice",
    "as_trigger",
    "kernel_seed",
    "run_blocks",
    "numba_rng_state",
    "set_numba_rng_state",
    "seeded_numba_rng_state",
]


# ----------------------------------------------------------------------------------------
# triggers (HOOMD-like): when to sample
# ----------------------------------------------------------------------------------------


class Trigger(Protocol):
    """Anything with ``__call__(sweep) -> bool`` and ``next_sweep(sweep) -> int``."""

    def __call__(self, sweep: int) -> bool: ...

    def next_sweep(self, sweep: int) -> int: ...


@dataclass(frozen=True)
class Periodic:
    """Fires after sweeps ``phase + k * period`` (k = 0, 1, ...; sweeps counted from 1).

    period : int > 0 [sweeps]; phase : int >= 0 [sweeps], e.g. the equilibration length.
    """

    period: int
    phase: int = 0

    def __post_init__(self):
        if int(self.period) != self.period or self.period <= 0:
            raise ValueError(f"period must be a positive integer, got {self.period}")
        if int(self.phase) != self.phase or self.phase < 0:
            raise ValueError(f"phase must be a non-negative integer, got {self.phase}")

    def __call__(self, sweep: int) -> bool:
        return sweep >= self.phase and sweep > 0 and (sweep - self.phase) % self.period == 0

    def next_sweep(self, sweep: int) -> int:
        """Smallest s > sweep at which the trigger fires."""
        if sweep < self.phase:
            first = self.phase if self.phase > 0 else self.period
            return first if first > sweep else self.phase + self.period
        k = (sweep - self.phase) // self.period + 1
        return self.phase + k * self.period


def as_trigger(sample_every) -> Trigger:
    """``sample_every`` as a trigger: a positive int becomes ``Periodic(sample_every)``."""
    if isinstance(sample_every, (int, np.integer)):
        return Periodic(int(sample_every))
    if callable(sample_every) and hasattr(sample_every, "next_sweep"):
        return sample_every
    raise ValueError(f"sample_every must be a positive int or a trigger, got {sample_every!r}")


class ProgressLog:
    """An ``on_sample`` callback that logs a long run's progress to ``logger`` (INFO): each
    time the run passes another ``fraction`` of its ``n_sweeps``, the sweep, the wall time
    since the callback was made and the time left at that pace. It fires at samples only,
    so it logs no finer than the sampling interval; the engines save and restore the random
    state around callbacks, so a run with it follows the same trajectory as without.

    The pace counts from the first sample the callback sees, so a run resumed from a
    checkpoint estimates the time left from the sweeps this attempt runs. That first sample
    logs nothing when it lies at or past the first ``fraction`` (a resumed run, or a
    sampling interval that long): the next line comes at the next fraction.
    """

    def __init__(self, logger: logging.Logger, n_sweeps: int, label: str, fraction: float = 0.1,
                 clock: Callable[[], float] = time.monotonic):
        if not 0.0 < fraction <= 1.0:
            raise ValueError(f"fraction must lie in (0, 1], got {fraction}")
        self.logger, self.n_sweeps, self.label = logger, int(n_sweeps), label
        self.step = max(1, int(round(fraction * self.n_sweeps)))
        self.clock, self.start, self.next = clock, clock(), self.step
        self.first: tuple[int, float] | None = None  # (sweep, time) of the first sample seen

    def __call__(self, sweep: int, state=None) -> None:
        if self.first is None:
            self.first = (int(sweep), self.clock())
            self.next = max(self.next, (int(sweep) // self.step + 1) * self.step)
            return
        if sweep < self.next:
            return
        now = self.clock()
        s0, t0 = self.first
        left = (now - t0) * (self.n_sweeps - sweep) / max(1, sweep - s0)
        self.logger.info("%s: sweep %d / %d (%.0f%%), %.0f s, about %.0f s left", self.label, sweep,
                         self.n_sweeps, 100.0 * sweep / max(1, self.n_sweeps), now - self.start, left)
        self.next = (sweep // self.step + 1) * self.step


# ----------------------------------------------------------------------------------------
# state and results
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MCState:
    """Monte Carlo state; treat as immutable (runs copy it).

    positions : (n, 3) float64 [length], wrapped into [0, L) if periodic
    box_lengths : (3,) float64 [length], or None for open boundaries
    cells : :class:`cgml.neighbors.CellList` of the positions, cell size >= potential.r_cut
    energy : float [kT], running total energy
    """

    positions: np.ndarray
    box_lengths: np.ndarray | None
    cells: CellList
    energy: float

    @property
    def n_particles(self) -> int:
        return self.positions.shape[0]

    @property
    def volume(self) -> float:
        """Box volume [length^3] (nan for open boundaries)."""
        return float(np.prod(self.box_lengths)) if self.box_lengths is not None else float("nan")

    @property
    def density(self) -> float:
        """Number density n / V [1/length^3] (nan for open boundaries)."""
        return self.n_particles / self.volume


@dataclass(frozen=True)
class MCResult:
    """Outcome of :func:`run_nvt` / :func:`run_npt`.

    state : final :class:`MCState`
    sweeps : (k,) int, sweep index (counted from 1) of each sample
    energies : (k,) float [kT], total energy at each sample
    volumes : (k,) float [length^3]; densities : (k,) float [1/length^3]
    box_lengths : (k, 3) float [length]
    acceptance_displacement, acceptance_volume : accepted / attempted over the whole run
        (nan when nothing was attempted, e.g. volume moves in NVT)
    n_attempts_displacement, n_attempts_volume : int
    snapshots : (k, n, 3) float [length] if ``store_snapshots`` else None
    seed : the seed of the run
    """

    state: MCState
    sweeps: np.ndarray
    energies: np.ndarray
    volumes: np.ndarray
    densities: np.ndarray
    box_lengths: np.ndarray
    acceptance_displacement: float
    acceptance_volume: float
    n_attempts_displacement: int
    n_attempts_volume: int
    snapshots: np.ndarray | None
    seed: int


@dataclass(frozen=True)
class StepSizes:
    """Outcome of :func:`adapt_step_sizes`: tuned steps and the equilibrated state.

    max_displacement [length], max_log_volume_change [-] (None for NVT), the acceptance
    ratios of the last round, and the (displacement, volume) step of every round in
    ``history (n_rounds, 2)`` (volume step nan in rounds without volume moves).
    """

    state: MCState
    max_displacement: float
    max_log_volume_change: float | None
    acceptance_displacement: float
    acceptance_volume: float
    history: np.ndarray


# ----------------------------------------------------------------------------------------
# layer 2: the sweep kernel
# ----------------------------------------------------------------------------------------


@njit(cache=True)
def rescaled_cells(positions, new_box, scale, r_cut, origin, periodic, capacity):
    """Positions scaled by ``scale`` (scalar or per axis (3,)) into ``new_box`` and their new
    cell list (volume moves).

    Returns ``(positions, cell_size, n_cells, members, counts, cell_of, slot_of)``; cells
    of at least ``r_cut`` per box length, ``capacity`` grown as needed.
    """
    n = positions.shape[0]
    new_positions = positions * scale
    for j in range(n):
        for d in range(3):
            if new_positions[j, d] >= new_box[d]:
                new_positions[j, d] -= new_box[d]
    new_n_cells = np.empty(3, np.int64)
    new_cell_size = np.empty(3)
    for d in range(3):
        new_n_cells[d] = max(1, int(np.floor(new_box[d] / r_cut)))
        new_cell_size[d] = new_box[d] / new_n_cells[d]
    while True:
        members, counts, cell_of, slot_of, overflow = fill_cells(
            new_positions, origin, new_cell_size, new_n_cells, periodic, capacity)
        if overflow == 0:
            break
        capacity = max(2 * capacity, overflow)
    return new_positions, new_cell_size, new_n_cells, members, counts, cell_of, slot_of


@njit(cache=True)
def propose_volume_move(box_lengths, max_log_volume_change, r_cut, axis=-1):
    """A trial ln V move: ``(ok, d_log_volume, scale (3,), new_box, volume, new_volume)``.

    d ln V uniform in [-max, max]. ``axis = -1`` (isotropic): every box length scales by
    exp(d ln V / 3); ``axis`` in 0, 1, 2 (rectangular box): only that length scales, by
    exp(d ln V). Either way the walk is symmetric in ln V and the acceptance is
    :func:`volume_log_acceptance`. ``ok`` is False when a new box length would fall below
    2 r_cut (minimum image).
    """
    volume = box_lengths[0] * box_lengths[1] * box_lengths[2]
    d_log_volume = (2.0 * np.random.random() - 1.0) * max_log_volume_change
    scale = np.empty(3)
    for d in range(3):
        if axis < 0:
            scale[d] = np.exp(d_log_volume / 3.0)
        elif d == axis:
            scale[d] = np.exp(d_log_volume)
        else:
            scale[d] = 1.0
    new_box = box_lengths * scale
    new_volume = new_box[0] * new_box[1] * new_box[2]
    return np.min(new_box) >= 2.0 * r_cut, d_log_volume, scale, new_box, volume, new_volume


@njit(cache=True)
def volume_log_acceptance(beta, d_energy, pressure, volume, new_volume, n, d_log_volume):
    """ln of the NPT acceptance of a ln V move: -beta (dU + P dV) + (N + 1) d ln V."""
    return -beta * (d_energy + pressure * (new_volume - volume)) + (n + 1) * d_log_volume


_SWEEPS: dict = {}


def _sweep_kernel(potential):
    """The sweep kernel (:mod:`cgml.simulate._mc_sweep_kernel`) with ``potential``'s
    ``delta_energy`` and ``total_energy`` bound at compile time, cached on disk
    (:mod:`cgml.simulate._bind`); once per pair of protocol functions and process."""
    key = (potential.delta_energy, potential.total_energy)
    if key not in _SWEEPS:
        _SWEEPS[key] = bind("cgml.simulate._mc_sweep_kernel", {
            "delta_energy": potential.delta_energy, "total_energy": potential.total_energy,
        }).mc_sweeps
    return _SWEEPS[key]


# ----------------------------------------------------------------------------------------
# numba RNG state (kept across blocks, protected around user callbacks)
# ----------------------------------------------------------------------------------------


def numba_rng_state():
    """numba's np.random state of this thread (None if numba hides it)."""
    try:
        from numba import _helperlib

        return _helperlib.rnd_get_state(_helperlib.rnd_get_np_state_ptr())
    except (ImportError, AttributeError):  # pragma: no cover - depends on numba internals
        return None


def set_numba_rng_state(rng_state) -> None:
    """Restore a state returned by :func:`numba_rng_state`."""
    if rng_state is None:  # pragma: no cover
        return
    from numba import _helperlib

    _helperlib.rnd_set_state(_helperlib.rnd_get_np_state_ptr(), rng_state)


@njit(cache=True)
def _seed_numba(seed):
    np.random.seed(seed)


def seeded_numba_rng_state(seed):
    """The state numba's generator has after seeding with :func:`kernel_seed` (``seed``);
    this thread's own state is left as it was. None if numba hides its state."""
    saved = numba_rng_state()
    if saved is None:  # pragma: no cover - depends on numba internals
        return None
    _seed_numba(kernel_seed(seed))
    state = numba_rng_state()
    set_numba_rng_state(saved)
    return state


def kernel_seed(seed) -> int:
    """A 32-bit seed for numba's Mersenne twister derived from any non-negative int seed."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(np.random.SeedSequence(int(seed)).generate_state(1, dtype=np.uint32)[0])


def run_blocks(n_sweeps: int, sample_every, seed: int, advance: Callable[[int, int], None],
               sample: Callable[[int], None], start: int = 0) -> None:
    """The driver loop shared by every move set (NVT, NPT, semi-grand, ...).

    Splits ``n_sweeps`` into blocks ending at the sweeps where the trigger
    ``sample_every`` (int or trigger) fires; ``advance(n, kseed)`` runs ``n`` sweeps of the
    move-set kernel (``kseed`` = :func:`kernel_seed` (seed) for the first block, -1 after:
    the kernel reseeds numba's generator only then, so its stream runs on across blocks);
    ``sample(sweep)`` records a sample and may call user code, around which the random
    state is saved and restored: a trajectory depends only on the seed, not on the sampling
    interval or the callback. ``start``: the sweep a resumed run continues after (its
    random state restored by the caller), 0 for a new run.
    """
    if int(n_sweeps) != n_sweeps or n_sweeps < 0:
        raise ValueError(f"n_sweeps must be a non-negative integer, got {n_sweeps}")
    n_sweeps = int(n_sweeps)
    trigger = as_trigger(sample_every)
    kseed = kernel_seed(seed)
    sweep = int(start)
    while sweep < n_sweeps:
        target = min(int(trigger.next_sweep(sweep)), n_sweeps)
        if target <= sweep:
            raise ValueError(f"trigger {trigger!r} did not advance past sweep {sweep}")
        advance(target - sweep, kseed if sweep == 0 else -1)
        sweep = target
        if trigger(sweep):
            rng_state = numba_rng_state()
            sample(sweep)
            set_numba_rng_state(rng_state)


# ----------------------------------------------------------------------------------------
# layer 3: public API
# ----------------------------------------------------------------------------------------


def _check_potential(potential) -> None:
    for attribute in ("r_cut", "params", "delta_energy", "total_energy"):
        if not hasattr(potential, attribute):
            raise ValueError(f"potential lacks '{attribute}' (see cgml.simulate.potentials)")
    if not (np.isfinite(potential.r_cut) and potential.r_cut > 0):
        raise ValueError(f"potential.r_cut must be positive, got {potential.r_cut}")


def _total_energy(positions, cells: CellList, potential) -> float:
    return float(potential.total_energy(positions, cells.box_lengths, cells.periodic, cells.origin,
                                        cells.cell_size, cells.n_cells, cells.members,
                                        cells.counts, potential.params))


def init_state(positions, box_lengths, potential) -> MCState:
    """Build an :class:`MCState`: wrap positions, build the cell list, compute the energy.

    Parameters
    ----------
    positions : (n, 3) float [length]
    box_lengths : (3,) float [length], each >= 2 potential.r_cut; None for open boundaries
    potential : follows the protocol of :mod:`cgml.simulate.potentials`

    Raises ValueError for bad shapes, a box too small for the cutoff, or a starting
    configuration with infinite energy (overlapping hard cores).
    """
    _check_potential(potential)
    positions = np.array(positions, dtype=np.float64, order="C", copy=True)
    if positions.ndim != 2 or positions.shape[1] != 3 or positions.shape[0] < 1:
        raise ValueError(f"positions must have shape (n, 3) with n >= 1, got {positions.shape}")
    if not np.all(np.isfinite(positions)):
        raise ValueError("positions contain NaN or inf")
    if box_lengths is not None:
        box_lengths = np.array(box_lengths, dtype=np.float64).reshape(-1)
        if box_lengths.shape != (3,) or not np.all(np.isfinite(box_lengths)) or np.any(box_lengths <= 0):
            raise ValueError(f"box_lengths must be 3 positive numbers, got {box_lengths}")
        if np.any(box_lengths < 2.0 * potential.r_cut):
            raise ValueError(f"box_lengths {box_lengths} must be at least 2 r_cut = "
                             f"{2.0 * potential.r_cut} (minimum image)")
        positions -= box_lengths * np.floor(positions / box_lengths)
        positions = np.ascontiguousarray(np.where(positions >= box_lengths,
                                                  positions - box_lengths, positions))
    cells = build_cell_list(positions, potential.r_cut, box_lengths)
    energy = _total_energy(positions, cells, potential)
    if not np.isfinite(energy):
        raise ValueError(f"initial configuration has energy {energy} (overlapping particles?)")
    return MCState(positions, box_lengths, cells, energy)


def recompute_energy(state: MCState, potential) -> float:
    """Total energy [kT] of ``state`` recomputed from scratch with ``potential.total_energy``."""
    _check_potential(potential)
    return _total_energy(state.positions, state.cells, potential)


def check_energy(state: MCState, potential, tolerance: float = 1e-8) -> float:
    """Recompute the total energy and compare with the running ``state.energy``.

    Returns the recomputed energy [kT]; raises RuntimeError if
    |running - recomputed| > tolerance * max(1, |recomputed|).
    """
    recomputed = recompute_energy(state, potential)
    if not abs(state.energy - recomputed) <= tolerance * max(1.0, abs(recomputed)):
        raise RuntimeError(f"running energy {state.energy!r} differs from recomputed "
                           f"{recomputed!r} (tolerance {tolerance})")
    return recomputed


def _copy_state_arrays(state: MCState):
    c = state.cells
    box = state.box_lengths.copy() if state.box_lengths is not None else c.box_lengths.copy()
    return dict(positions=state.positions.copy(), box_lengths=box, origin=c.origin.copy(),
                cell_size=c.cell_size.copy(), n_cells=c.n_cells.copy(), members=c.members.copy(),
                counts=c.counts.copy(), cell_of=c.cell_of.copy(), slot_of=c.slot_of.copy(),
                energy=float(state.energy), periodic=bool(c.periodic), r_cut=float(c.r_cut))


def _state_from_arrays(a: dict) -> MCState:
    """A new MCState holding copies of the run's arrays (the run keeps mutating its own)."""
    cells = CellList(a["r_cut"], a["periodic"], a["box_lengths"].copy() if a["periodic"] else np.zeros(3),
                     a["origin"].copy(), a["cell_size"].copy(), a["n_cells"].copy(),
                     a["members"].copy(), a["counts"].copy(), a["cell_of"].copy(), a["slot_of"].copy())
    box = a["box_lengths"].copy() if a["periodic"] else None
    return MCState(a["positions"].copy(), box, cells, float(a["energy"]))


def _run(state: MCState, potential, n_sweeps, max_displacement, seed, sample_every, on_sample,
         beta, pressure, max_log_volume_change, do_volume, store_snapshots) -> MCResult:
    _check_potential(potential)
    if not isinstance(state, MCState):
        raise ValueError("state must be an MCState (see init_state)")
    if state.cells.r_cut < potential.r_cut * (1.0 - 1e-12):
        raise ValueError(f"state cells were built for r_cut={state.cells.r_cut} < potential.r_cut="
                         f"{potential.r_cut}; call init_state with this potential")
    if int(n_sweeps) != n_sweeps or n_sweeps < 0:
        raise ValueError(f"n_sweeps must be a non-negative integer, got {n_sweeps}")
    n_sweeps = int(n_sweeps)
    as_trigger(sample_every)
    kernel_seed(seed)
    max_displacement = float(max_displacement)
    if not (np.isfinite(max_displacement) and max_displacement >= 0):
        raise ValueError(f"max_displacement must be >= 0 [length], got {max_displacement}")
    beta = float(beta)
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta must be positive, got {beta}")
    if do_volume:
        if not state.cells.periodic:
            raise ValueError("NPT needs a periodic box")
        if not (np.isfinite(pressure) and pressure >= 0):
            raise ValueError(f"pressure must be >= 0 [kT/length^3], got {pressure}")
        if not (np.isfinite(max_log_volume_change) and max_log_volume_change >= 0):
            raise ValueError(f"max_log_volume_change must be >= 0, got {max_log_volume_change}")
    a = _copy_state_arrays(state)
    n = a["positions"].shape[0]
    samples = {"sweeps": [], "energies": [], "box_lengths": [], "snapshots": []}
    tally = np.zeros(3, np.int64)  # accepted displacements, accepted / attempted volume moves

    kernel = _sweep_kernel(potential)

    def advance(n_block, kseed):
        out = kernel(potential.params, a["positions"], a["box_lengths"], a["periodic"],
                     a["r_cut"], a["origin"], a["cell_size"], a["n_cells"], a["members"],
                     a["counts"], a["cell_of"], a["slot_of"], a["energy"], beta, float(pressure),
                     max_displacement, float(max_log_volume_change), bool(do_volume), n_block,
                     kseed)
        (a["positions"], a["box_lengths"], a["cell_size"], a["n_cells"], a["members"], a["counts"],
         a["cell_of"], a["slot_of"], a["energy"]) = out[:9]
        tally[:] += out[9:]

    def sample(sweep):
        samples["sweeps"].append(sweep)
        samples["energies"].append(float(a["energy"]))
        samples["box_lengths"].append(a["box_lengths"].copy())
        if store_snapshots:
            samples["snapshots"].append(a["positions"].copy())
        if on_sample is not None:
            on_sample(sweep, _state_from_arrays(a))

    run_blocks(n_sweeps, sample_every, seed, advance, sample)
    accepted_displacement, accepted_volume, attempted_volume = (int(x) for x in tally)

    attempted_total = n_sweeps * (n + 1 if do_volume else n)
    attempted_displacement = attempted_total - attempted_volume
    box = np.array(samples["box_lengths"]).reshape(-1, 3)
    volumes = np.prod(box, axis=1) if a["periodic"] else np.full(len(box), np.nan)
    return MCResult(
        state=_state_from_arrays(a),
        sweeps=np.array(samples["sweeps"], dtype=np.int64),
        energies=np.array(samples["energies"], dtype=np.float64),
        volumes=volumes,
        densities=n / volumes,
        box_lengths=box,
        acceptance_displacement=(accepted_displacement / attempted_displacement
                                 if attempted_displacement else float("nan")),
        acceptance_volume=accepted_volume / attempted_volume if attempted_volume else float("nan"),
        n_attempts_displacement=int(attempted_displacement),
        n_attempts_volume=int(attempted_volume),
        snapshots=np.array(samples["snapshots"]) if store_snapshots else None,
        seed=int(seed),
    )


def run_nvt(state: MCState, potential, n_sweeps: int, max_displacement: float, seed: int,
            sample_every, on_sample: Callable[[int, MCState], None] | None = None, *,
            beta: float = 1.0, store_snapshots: bool = False) -> MCResult:
    """Canonical (NVT) Metropolis Monte Carlo.

    Parameters
    ----------
    state : :class:`MCState` from :func:`init_state` (not modified)
    potential : follows the protocol of :mod:`cgml.simulate.potentials`
    n_sweeps : number of sweeps (N displacement attempts each)
    max_displacement : [length], half edge of the trial displacement cube
    seed : non-negative int; same seed, same trajectory
    sample_every : int [sweeps] or a trigger (e.g. ``Periodic(10, phase=1000)``)
    on_sample : optional ``f(sweep, state)`` called at each sample (state is a copy)
    beta : 1/kT [1/energy], default 1 (energies in kT)
    store_snapshots : keep a copy of the positions at every sample
    """
    return _run(state, potential, n_sweeps, max_displacement, seed, sample_every, on_sample,
                beta, 0.0, 0.0, False, store_snapshots)


def run_npt(state: MCState, potential, pressure: float, n_sweeps: int, max_displacement: float,
            max_log_volume_change: float, seed: int, sample_every,
            on_sample: Callable[[int, MCState], None] | None = None, *,
            beta: float = 1.0, store_snapshots: bool = False) -> MCResult:
    """Isothermal-isobaric (NPT) Metropolis Monte Carlo with isotropic log-volume moves.

    Parameters as :func:`run_nvt`, plus
    pressure : [kT/length^3] (beta P in length^-3 at beta = 1)
    max_log_volume_change : half width of the uniform trial change of ln V [-]
    One volume move per sweep on average (see the module docstring).
    """
    return _run(state, potential, n_sweeps, max_displacement, seed, sample_every, on_sample,
                beta, float(pressure), float(max_log_volume_change), True, store_snapshots)


def adapt_step_sizes(state: MCState, potential, max_displacement: float, seed: int, *,
                     pressure: float | None = None, max_log_volume_change: float | None = None,
                     target_acceptance: float = 0.4, target_volume_acceptance: float = 0.4,
                     n_rounds: int = 10, sweeps_per_round: int = 50,
                     beta: float = 1.0) -> StepSizes:
    """Tune the step sizes toward target acceptance ratios; for equilibration only.

    Runs ``n_rounds`` short runs (NPT if ``pressure`` is given, else NVT); after each,
    every step is multiplied by clip(acceptance / target, 0.5, 2) (Metropolis acceptance
    falls monotonically with the step). The displacement is capped at half the smallest
    box length, the log-volume step at 1. With a pressure, volume moves start only once
    the displacement acceptance has come within a factor 2 of its target: while the
    particles cannot move, volume moves would squeeze the frozen starting lattice
    (p(V) ~ V^N exp(-beta P V) at fixed scaled coordinates) into a jammed state.
    Production runs must then use the returned fixed steps: changing steps during
    sampling breaks detailed balance.

    Returns :class:`StepSizes` with the equilibrated state.
    """
    npt = pressure is not None
    if npt and max_log_volume_change is None:
        raise ValueError("NPT tuning needs an initial max_log_volume_change")
    for name, value in (("target_acceptance", target_acceptance),
                        ("target_volume_acceptance", target_volume_acceptance)):
        if not 0.0 < value < 1.0:
            raise ValueError(f"{name} must lie in (0, 1), got {value}")
    if n_rounds < 1 or sweeps_per_round < 1:
        raise ValueError("n_rounds and sweeps_per_round must be >= 1")
    round_seeds = np.random.SeedSequence(kernel_seed(seed)).generate_state(n_rounds, dtype=np.uint32)
    displacement = float(max_displacement)
    log_volume = float(max_log_volume_change) if npt else None
    history = []
    result = None
    displacement_ok = False
    for k in range(n_rounds):
        if npt and displacement_ok:
            result = run_npt(state, potential, pressure, sweeps_per_round, displacement, log_volume,
                             int(round_seeds[k]), sweeps_per_round, beta=beta)
        else:
            result = run_nvt(state, potential, sweeps_per_round, displacement, int(round_seeds[k]),
                             sweeps_per_round, beta=beta)
        state = result.state
        history.append((displacement, log_volume if npt and displacement_ok else np.nan))
        ratio = result.acceptance_displacement / target_acceptance
        displacement_ok = displacement_ok or 0.5 <= ratio <= 2.0
        factor = np.clip(ratio, 0.5, 2.0)
        displacement *= float(factor)
        if state.box_lengths is not None:
            displacement = min(displacement, 0.5 * float(np.min(state.box_lengths)))
        if npt and np.isfinite(result.acceptance_volume):
            factor = np.clip(result.acceptance_volume / target_volume_acceptance, 0.5, 2.0)
            log_volume = min(log_volume * float(factor), 1.0)
    return StepSizes(state, displacement, log_volume, result.acceptance_displacement,
                     result.acceptance_volume, np.array(history, dtype=np.float64))


# ----------------------------------------------------------------------------------------
# starting configurations
# ----------------------------------------------------------------------------------------
