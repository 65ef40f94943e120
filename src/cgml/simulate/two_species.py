"""Semi-grand canonical Monte Carlo of colloids with explicit ideal depletants (polymers).

The fine-grained engine of the colloid-polymer mixture (pseudo Asakura-Oosawa model,
Giunta, Campos-Villalobos, Dijkstra, ACS Nano 2023, Fig. 8): N_c colloids at fixed
number, polymers exchanged with a reservoir at fixed fugacity z_p, in a periodic
orthorhombic box at fixed volume ("semi-grand": fixed N_c, V, T, z_p).

Units
-----
Reduced units as in :mod:`cgml.simulate`: lengths ``[length]`` (the colloid diameter
sigma_c in the colloid-polymer example), energies ``[kT]`` (kT = 1 unless ``beta`` is
given), fugacity ``z_p [1/length^3]``. Positions ``(n, 3)`` float64 wrapped into
``[0, L)``, ``box_lengths (3,)``; vectors R_ij = R_i - R_j with the minimum image.

Hamiltonian
-----------
U = sum_{i<j} u_cc(|R_i - R_j|) + sum_i sum_k u_cp(|R_i - r_k|), with no polymer-polymer
term (ideal polymers). ``u_cc`` and ``u_cp`` are :class:`cgml.simulate.potentials.PairPotential`
objects (any kind: hard, Mie, table); their energies come from the shared pair kernel of
:mod:`cgml.simulate.potentials`, and both species live in :mod:`cgml.neighbors` cell
lists on one grid with cells >= max(r_cut_cc, r_cut_cp).

Moves (each trial picks one at random with fixed probabilities, so that detailed balance
holds move by move; Frenkel & Smit, Understanding Molecular Simulation, 2nd ed., ch. 5.6
(grand-canonical ensemble) and 5.6.2 (ideal gas)):

* colloid displacement (probability ``p_colloid = n_c / (n_c + m)`` with m polymer
  moves per sweep): uniform in [-d_c, d_c]^3, acc = min(1, exp(-beta dU)), dU from
  u_cc and u_cp;
* polymer insertion at a uniform random point (probability (1 - p_colloid) e / 2, with
  e = ``exchange_fraction``): acc = min(1, z_p V / (N_p + 1) exp(-beta dU));
* polymer deletion of a random polymer (probability (1 - p_colloid) e / 2):
  acc = min(1, N_p / (z_p V) exp(+beta U_k)), U_k its energy with the colloids;
* polymer displacement (probability (1 - p_colloid)(1 - e)): uniform in [-d_p, d_p]^3.

For ideal polymers the fugacity is the reservoir number density, z_p = n_p^r (with the
thermal wavelength absorbed: z_p = exp(beta mu_p) / Lambda^3); in empty space the
polymer number is Poisson distributed with mean z_p V.

Driver: the block loop, seeding, triggers and callbacks are the shared
:func:`cgml.simulate.mc.run_blocks`; this module adds only the semi-grand move set (its
numba kernel) and the two-species state. Random numbers as in :mod:`cgml.simulate.mc`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from numba import njit

from cgml.neighbors import build_cell_list
from cgml.neighbors._kernels import cell_coords, flat_index, grow_members, relocate
from cgml.simulate.mc import Periodic, as_trigger, kernel_seed, run_blocks
from cgml.simulate.potentials import PairPotential, _pair_energy_of_point, pair_total_energy

__all__ = [
    "SemiGrandState",
    "SemiGrandResult",
    "init_semigrand_state",
    "semigrand_energy",
    "run_semigrand",
    "Periodic",
]


# ----------------------------------------------------------------------------------------
# layer 2: kernels
# ----------------------------------------------------------------------------------------


@njit(cache=True)
def _cross_energy(polymers, n_polymers, colloids, box_lengths, origin, cell_size, n_cells,
                  c_members, c_counts, params_cp):
    """sum_k sum_i u_cp(|r_k - R_i|) [kT] over the first ``n_polymers`` polymers (+inf on overlap)."""
    energy = 0.0
    for k in range(n_polymers):
        e = _pair_energy_of_point(polymers[k], -1, 0, colloids, box_lengths, True, origin,
                                  cell_size, n_cells, c_members, c_counts, params_cp)
        if e == np.inf:
            return np.inf
        energy += e
    return energy


@njit(cache=True)
def _wrap_point(point, box_lengths):
    for d in range(3):
        x = point[d] - box_lengths[d] * np.floor(point[d] / box_lengths[d])
        if x >= box_lengths[d]:
            x -= box_lengths[d]
        point[d] = x


@njit(cache=True)
def _semigrand_sweeps(params_cc, params_cp, colloids, box_lengths, origin, cell_size, n_cells,
                      c_members, c_counts, c_cell_of, c_slot_of,
                      polymers, n_polymers, p_members, p_counts, p_cell_of, p_slot_of,
                      energy, beta, fugacity, max_displacement_colloid,
                      max_displacement_polymer, polymer_moves_per_sweep, exchange_fraction,
                      n_sweeps, seed):
    """Run ``n_sweeps`` sweeps of n_c + m trials (m = ``polymer_moves_per_sweep``) in place.

    Returns ``(polymers, n_polymers, p_members, p_counts, p_cell_of, p_slot_of, c_members,
    energy, counts (8,))`` with counts = (accepted, attempted) of colloid displacement,
    insertion, deletion, polymer displacement; arrays may be new objects (grown).
    """
    if seed >= 0:
        np.random.seed(seed)
    n_c = colloids.shape[0]
    volume = box_lengths[0] * box_lengths[1] * box_lengths[2]
    zv = fugacity * volume
    trials = n_c + polymer_moves_per_sweep
    p_colloid = n_c / trials
    tally = np.zeros(8, np.int64)
    point = np.empty(3)
    for sweep in range(n_sweeps):
        for trial in range(trials):
            xi = np.random.random()
            if xi < p_colloid:
                # ---------------------------------------------- colloid displacement
                tally[1] += 1
                i = np.random.randint(0, n_c)
                for d in range(3):
                    point[d] = colloids[i, d] + (2.0 * np.random.random() - 1.0) * max_displacement_colloid
                _wrap_point(point, box_lengths)
                e_cp_new = _pair_energy_of_point(point, -1, 0, polymers, box_lengths, True, origin,
                                                 cell_size, n_cells, p_members, p_counts, params_cp)
                if e_cp_new == np.inf:
                    continue
                e_cc_new = _pair_energy_of_point(point, i, 0, colloids, box_lengths, True, origin,
                                                 cell_size, n_cells, c_members, c_counts, params_cc)
                if e_cc_new == np.inf:
                    continue
                e_cp_old = _pair_energy_of_point(colloids[i], -1, 0, polymers, box_lengths, True,
                                                 origin, cell_size, n_cells, p_members, p_counts,
                                                 params_cp)
                e_cc_old = _pair_energy_of_point(colloids[i], i, 0, colloids, box_lengths, True,
                                                 origin, cell_size, n_cells, c_members, c_counts,
                                                 params_cc)
                d_energy = (e_cc_new - e_cc_old) + (e_cp_new - e_cp_old)
                if d_energy <= 0.0 or np.random.random() < np.exp(-beta * d_energy):
                    c_members = relocate(i, point, origin, cell_size, n_cells, True,
                                         c_members, c_counts, c_cell_of, c_slot_of)
                    for d in range(3):
                        colloids[i, d] = point[d]
                    energy += d_energy
                    tally[0] += 1
                continue
            xi = np.random.random()
            if xi < 0.5 * exchange_fraction:
                # ---------------------------------------------- polymer insertion
                tally[3] += 1
                for d in range(3):
                    point[d] = np.random.random() * box_lengths[d]
                _wrap_point(point, box_lengths)
                e_new = _pair_energy_of_point(point, -1, 0, colloids, box_lengths, True, origin,
                                              cell_size, n_cells, c_members, c_counts, params_cp)
                if e_new == np.inf:
                    continue
                log_acc = np.log(zv / (n_polymers + 1.0)) - beta * e_new
                if log_acc >= 0.0 or np.random.random() < np.exp(log_acc):
                    if n_polymers == polymers.shape[0]:
                        capacity = 2 * polymers.shape[0] + 16
                        grown = np.empty((capacity, 3))
                        grown[:n_polymers] = polymers[:n_polymers]
                        polymers = grown
                        grown_cell = np.empty(capacity, np.int64)
                        grown_cell[:n_polymers] = p_cell_of[:n_polymers]
                        p_cell_of = grown_cell
                        grown_slot = np.empty(capacity, np.int64)
                        grown_slot[:n_polymers] = p_slot_of[:n_polymers]
                        p_slot_of = grown_slot
                    k = n_polymers
                    c = flat_index(cell_coords(point, origin, cell_size, n_cells, True), n_cells)
                    if p_counts[c] >= p_members.shape[1]:
                        p_members = grow_members(p_members, p_counts, 2 * p_members.shape[1])
                    p_members[c, p_counts[c]] = k
                    p_cell_of[k] = c
                    p_slot_of[k] = p_counts[c]
                    p_counts[c] += 1
                    for d in range(3):
                        polymers[k, d] = point[d]
                    n_polymers += 1
                    energy += e_new
                    tally[2] += 1
            elif xi < exchange_fraction:
                # ---------------------------------------------- polymer deletion
                tally[5] += 1
                if n_polymers == 0:
                    continue
                k = np.random.randint(0, n_polymers)
                e_old = _pair_energy_of_point(polymers[k], -1, 0, colloids, box_lengths, True,
                                              origin, cell_size, n_cells, c_members, c_counts,
                                              params_cp)
                log_acc = np.log(n_polymers / zv) + beta * e_old
                if log_acc >= 0.0 or np.random.random() < np.exp(log_acc):
                    # remove k from its cell (the cell's last member takes its slot)
                    c = p_cell_of[k]
                    s = p_slot_of[k]
                    last = p_members[c, p_counts[c] - 1]
                    p_members[c, s] = last
                    p_slot_of[last] = s
                    p_members[c, p_counts[c] - 1] = -1
                    p_counts[c] -= 1
                    # the last polymer takes index k
                    m = n_polymers - 1
                    if k != m:
                        for d in range(3):
                            polymers[k, d] = polymers[m, d]
                        c2 = p_cell_of[m]
                        s2 = p_slot_of[m]
                        p_members[c2, s2] = k
                        p_cell_of[k] = c2
                        p_slot_of[k] = s2
                    n_polymers -= 1
                    energy -= e_old
                    tally[4] += 1
            else:
                # ---------------------------------------------- polymer displacement
                tally[7] += 1
                if n_polymers == 0:
                    continue
                k = np.random.randint(0, n_polymers)
                for d in range(3):
                    point[d] = polymers[k, d] + (2.0 * np.random.random() - 1.0) * max_displacement_polymer
                _wrap_point(point, box_lengths)
                e_new = _pair_energy_of_point(point, -1, 0, colloids, box_lengths, True, origin,
                                              cell_size, n_cells, c_members, c_counts, params_cp)
                if e_new == np.inf:
                    continue
                e_old = _pair_energy_of_point(polymers[k], -1, 0, colloids, box_lengths, True,
                                              origin, cell_size, n_cells, c_members, c_counts,
                                              params_cp)
                d_energy = e_new - e_old
                if d_energy <= 0.0 or np.random.random() < np.exp(-beta * d_energy):
                    p_members = relocate(k, point, origin, cell_size, n_cells, True,
                                         p_members, p_counts, p_cell_of, p_slot_of)
                    for d in range(3):
                        polymers[k, d] = point[d]
                    energy += d_energy
                    tally[6] += 1
    return (polymers, n_polymers, p_members, p_counts, p_cell_of, p_slot_of, c_members,
            energy, tally)


# ----------------------------------------------------------------------------------------
# layer 3: public API
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SemiGrandState:
    """State of the two-species system; treat as immutable (runs copy it).

    colloids : (n_c, 3) float64 [length], wrapped into [0, L)
    polymers : (n_p, 3) float64 [length], wrapped into [0, L) (n_p may be 0)
    box_lengths : (3,) float64 [length], periodic
    energy : float [kT], U_cc + U_cp
    """

    colloids: np.ndarray
    polymers: np.ndarray
    box_lengths: np.ndarray
    energy: float

    @property
    def n_colloids(self) -> int:
        return self.colloids.shape[0]

    @property
    def n_polymers(self) -> int:
        return self.polymers.shape[0]

    @property
    def volume(self) -> float:
        return float(np.prod(self.box_lengths))


@dataclass(frozen=True)
class SemiGrandResult:
    """Outcome of :func:`run_semigrand`.

    state : final :class:`SemiGrandState`
    sweeps : (k,) int, sweep (counted from 1) of each sample
    n_polymers : (k,) int, polymer number at each sample
    energies : (k,) float [kT]
    colloid_snapshots : (k, n_c, 3) float [length] if stored, else None
    polymer_snapshots : list of k arrays (n_p(t), 3) [length] if stored, else None
    acceptance : dict move -> accepted / attempted (nan if never attempted), moves
        ``colloid``, ``insertion``, ``deletion``, ``polymer``
    attempts : dict move -> number of attempts
    seed : int
    """

    state: SemiGrandState
    sweeps: np.ndarray
    n_polymers: np.ndarray
    energies: np.ndarray
    colloid_snapshots: np.ndarray | None
    polymer_snapshots: list | None
    acceptance: dict
    attempts: dict
    seed: int


def _check_pair_potential(name, potential):
    if not isinstance(potential, PairPotential):
        raise ValueError(f"{name} must be a cgml.simulate.potentials.PairPotential (the shared pair "
                         f"kernel evaluates both species), got {type(potential).__name__}")


def _as_box(box_lengths) -> np.ndarray:
    box = np.array(box_lengths, dtype=np.float64).reshape(-1)
    if box.shape != (3,) or not np.all(np.isfinite(box)) or np.any(box <= 0):
        raise ValueError(f"box_lengths must be 3 positive numbers, got {box_lengths}")
    return box


def _wrapped(positions, box, name) -> np.ndarray:
    """A C-contiguous copy of ``positions`` reshaped to (n, 3) and wrapped into [0, L)."""
    positions = np.array(positions, dtype=np.float64, order="C", copy=True).reshape(-1, 3)
    if not np.all(np.isfinite(positions)):
        raise ValueError(f"{name} contain NaN or inf")
    positions -= box * np.floor(positions / box)
    return np.ascontiguousarray(np.where(positions >= box, positions - box, positions))


def _cells(positions, r_cut, box):
    return build_cell_list(positions, r_cut, box)


def semigrand_energy(colloids, polymers, box_lengths, colloid_potential: PairPotential,
                     cross_potential: PairPotential) -> float:
    """U_cc + U_cp [kT] of a configuration, from scratch (+inf on a hard overlap).

    colloids (n_c, 3), polymers (n_p, 3) [length]; box_lengths (3,) [length], periodic.
    """
    _check_pair_potential("colloid_potential", colloid_potential)
    _check_pair_potential("cross_potential", cross_potential)
    box = _as_box(box_lengths)
    colloids = _wrapped(colloids, box, "colloids")
    polymers = _wrapped(polymers, box, "polymers")
    r_cut = max(colloid_potential.r_cut, cross_potential.r_cut)
    cells = _cells(colloids, r_cut, box)
    u_cc = pair_total_energy(colloids, box, True, cells.origin, cells.cell_size, cells.n_cells,
                             cells.members, cells.counts, colloid_potential.params)
    if u_cc == np.inf:
        return float("inf")
    u_cp = _cross_energy(polymers, polymers.shape[0], colloids, box, cells.origin, cells.cell_size,
                         cells.n_cells, cells.members, cells.counts, cross_potential.params)
    return float(u_cc + u_cp)


def init_semigrand_state(colloids, box_lengths, colloid_potential: PairPotential,
                         cross_potential: PairPotential, polymers=None) -> SemiGrandState:
    """A :class:`SemiGrandState` with its energy; ``polymers=None`` starts with none.

    Raises ValueError for bad shapes, a box smaller than 2 max(r_cut) (minimum image),
    or a starting configuration with infinite energy.
    """
    _check_pair_potential("colloid_potential", colloid_potential)
    _check_pair_potential("cross_potential", cross_potential)
    box = _as_box(box_lengths)
    colloids = _wrapped(colloids, box, "colloids")
    if colloids.shape[0] < 1:
        raise ValueError("need at least one colloid")
    polymers = _wrapped(np.zeros((0, 3)) if polymers is None else polymers, box, "polymers")
    r_cut = max(colloid_potential.r_cut, cross_potential.r_cut)
    if np.any(box < 2.0 * r_cut):
        raise ValueError(f"box_lengths {box} must be at least 2 r_cut = {2.0 * r_cut} (minimum image)")
    energy = semigrand_energy(colloids, polymers, box, colloid_potential, cross_potential)
    if not np.isfinite(energy):
        raise ValueError(f"initial configuration has energy {energy} (overlapping particles?)")
    return SemiGrandState(colloids, polymers, box, energy)


def run_semigrand(state: SemiGrandState, colloid_potential: PairPotential,
                  cross_potential: PairPotential, fugacity: float, n_sweeps: int,
                  max_displacement_colloid: float, max_displacement_polymer: float, seed: int,
                  sample_every, *, polymer_moves_per_sweep: int | None = None,
                  exchange_fraction: float = 0.5, beta: float = 1.0,
                  store_colloids: bool = False, store_polymers: bool = False,
                  on_sample: Callable[[int, SemiGrandState], None] | None = None) -> SemiGrandResult:
    """Semi-grand canonical MC (fixed N_c, V, T and polymer fugacity); see the module docstring.

    Parameters
    ----------
    state : from :func:`init_semigrand_state` (not modified)
    colloid_potential, cross_potential : u_cc and u_cp, :class:`PairPotential`
    fugacity : z_p [1/length^3], the reservoir polymer number density for ideal polymers
    n_sweeps : sweeps of n_c + m trials
    max_displacement_colloid, max_displacement_polymer : [length], half edges of the
        trial displacement cubes
    seed : non-negative int
    sample_every : int [sweeps] or a trigger (e.g. ``Periodic(10, phase=1000)``)
    polymer_moves_per_sweep : m, default max(n_c, round(z_p V)) (our choice: about one
        exchange or displacement attempt per reservoir polymer in the box)
    exchange_fraction : e in [0, 1], fraction of polymer moves that are insertions or
        deletions (half each); the rest are polymer displacements
    beta : 1/kT [1/energy]
    store_colloids, store_polymers : keep snapshots at every sample
    on_sample : optional ``f(sweep, state)`` at every sample (state is a copy)
    """
    _check_pair_potential("colloid_potential", colloid_potential)
    _check_pair_potential("cross_potential", cross_potential)
    if not isinstance(state, SemiGrandState):
        raise ValueError("state must be a SemiGrandState (see init_semigrand_state)")
    fugacity = float(fugacity)
    if not (np.isfinite(fugacity) and fugacity > 0):
        raise ValueError(f"fugacity must be positive [1/length^3], got {fugacity}")
    if int(n_sweeps) != n_sweeps or n_sweeps < 0:
        raise ValueError(f"n_sweeps must be a non-negative integer, got {n_sweeps}")
    for name, value in (("max_displacement_colloid", max_displacement_colloid),
                        ("max_displacement_polymer", max_displacement_polymer)):
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be >= 0 [length], got {value}")
    if not 0.0 <= exchange_fraction <= 1.0:
        raise ValueError(f"exchange_fraction must lie in [0, 1], got {exchange_fraction}")
    beta = float(beta)
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta must be positive, got {beta}")
    box = state.box_lengths.copy()
    n_c = state.n_colloids
    if polymer_moves_per_sweep is None:
        polymer_moves_per_sweep = max(n_c, int(round(fugacity * float(np.prod(box)))))
    if int(polymer_moves_per_sweep) != polymer_moves_per_sweep or polymer_moves_per_sweep < 0:
        raise ValueError(f"polymer_moves_per_sweep must be a non-negative integer, got {polymer_moves_per_sweep}")
    as_trigger(sample_every)
    kernel_seed(seed)

    r_cut = max(colloid_potential.r_cut, cross_potential.r_cut)
    colloids = state.colloids.copy()
    c_cells = _cells(colloids, r_cut, box)
    n_p = state.n_polymers
    capacity = max(64, 2 * n_p)
    polymers = np.zeros((capacity, 3))
    polymers[:n_p] = state.polymers
    p_cells = build_cell_list(state.polymers if n_p else np.zeros((0, 3)), r_cut, box, capacity=16)
    if not (np.array_equal(p_cells.n_cells, c_cells.n_cells)
            and np.allclose(p_cells.cell_size, c_cells.cell_size)):  # pragma: no cover - same inputs
        raise RuntimeError("colloid and polymer cell grids differ")
    p_cell_of = np.zeros(capacity, np.int64)
    p_slot_of = np.zeros(capacity, np.int64)
    p_cell_of[:n_p] = p_cells.cell_of
    p_slot_of[:n_p] = p_cells.slot_of
    a = dict(polymers=polymers, n_p=n_p, p_members=p_cells.members, p_counts=p_cells.counts,
             p_cell_of=p_cell_of, p_slot_of=p_slot_of, c_members=c_cells.members,
             energy=float(state.energy))
    tally = np.zeros(8, np.int64)
    samples = {"sweeps": [], "n_polymers": [], "energies": [], "colloids": [], "polymers": []}

    def current_state() -> SemiGrandState:
        return SemiGrandState(colloids.copy(), a["polymers"][:a["n_p"]].copy(), box.copy(),
                              float(a["energy"]))

    def advance(n_block, kseed):
        out = _semigrand_sweeps(
            colloid_potential.params, cross_potential.params, colloids, box, c_cells.origin,
            c_cells.cell_size, c_cells.n_cells, a["c_members"], c_cells.counts, c_cells.cell_of,
            c_cells.slot_of, a["polymers"], a["n_p"], a["p_members"], a["p_counts"],
            a["p_cell_of"], a["p_slot_of"], a["energy"], beta, fugacity,
            float(max_displacement_colloid), float(max_displacement_polymer),
            int(polymer_moves_per_sweep), float(exchange_fraction), n_block, kseed)
        (a["polymers"], a["n_p"], a["p_members"], a["p_counts"], a["p_cell_of"], a["p_slot_of"],
         a["c_members"], a["energy"], block_tally) = out
        tally[:] += block_tally

    def sample(sweep):
        samples["sweeps"].append(sweep)
        samples["n_polymers"].append(int(a["n_p"]))
        samples["energies"].append(float(a["energy"]))
        if store_colloids:
            samples["colloids"].append(colloids.copy())
        if store_polymers:
            samples["polymers"].append(a["polymers"][:a["n_p"]].copy())
        if on_sample is not None:
            on_sample(sweep, current_state())

    run_blocks(n_sweeps, sample_every, seed, advance, sample)

    names = ("colloid", "insertion", "deletion", "polymer")
    acceptance = {name: (tally[2 * k] / tally[2 * k + 1] if tally[2 * k + 1] else float("nan"))
                  for k, name in enumerate(names)}
    attempts = {name: int(tally[2 * k + 1]) for k, name in enumerate(names)}
    return SemiGrandResult(
        state=current_state(),
        sweeps=np.array(samples["sweeps"], dtype=np.int64),
        n_polymers=np.array(samples["n_polymers"], dtype=np.int64),
        energies=np.array(samples["energies"], dtype=np.float64),
        colloid_snapshots=np.array(samples["colloids"]).reshape(-1, n_c, 3) if store_colloids else None,
        polymer_snapshots=samples["polymers"] if store_polymers else None,
        acceptance=acceptance, attempts=attempts, seed=int(seed))
