"""Rigid-body Metropolis Monte Carlo: positions and orientations (NVT, NPT, quasi-2D) and
replica exchange, on the driver loop of :mod:`cgml.simulate.mc`.

Units
-----
As :mod:`cgml.simulate.mc`: lengths ``[length]``, energies ``[kT]`` with kT = 1 unless
``beta`` [1/energy] is given, pressure ``[kT/length^3]``, rotation steps [rad].
Orientations are rotation matrices ``(n, 3, 3)`` whose columns are the body axes in the
lab frame (:mod:`cgml.geometry.rotations`). Boxes are orthorhombic and periodic.

Potential protocol (rigid bodies)
---------------------------------
A :class:`RigidPotential` carries ``r_cut`` [length], ``params`` (a tuple of numbers and
arrays handed to the kernels) and two numba functions

* ``delta_energy(i, new_point (3,), new_rotation (3, 3), positions, rotations, box_lengths,
  periodic, r_cut, origin, cell_size, n_cells, members, counts, params) -> float``: the
  energy change [kT] of moving body i (+inf on a hard overlap);
* ``total_energy(positions, rotations, box_lengths, periodic, r_cut, origin, cell_size,
  n_cells, members, counts, params) -> float``.

:func:`rigid_pair_potential` builds both from a numba pair function
``pair_energy(r_ij (3,), rotation_i, rotation_j, params) -> float`` with
r_ij = R_j - R_i (minimum image) and |r_ij| < r_cut; the pair function must be symmetric
under exchange, u(r_ij, Omega_i, Omega_j) = u(-r_ij, Omega_j, Omega_i) (a pair energy),
and return +inf for overlapping hard bodies.

Moves (Frenkel & Smit, Understanding Molecular Simulation, 2nd ed., ch. 5.1, 5.4)
--------------------------------------------------------------------------------
A trial picks body i at random and, with equal probability (the paper's choice),

* translates it by a vector uniform in [-d, d]^3 (``planar``: [-d, d]^2 x {0});
* rotates it, R_i' = A(n, phi) R_i, by an angle phi uniform in [-phi_max, phi_max] about
  an axis n uniform on the sphere (``planar``: n = z, rotations in the XY plane). The
  proposal is symmetric (A(n, -phi) undoes it with equal density), so the Metropolis
  acceptance min(1, exp(-beta dU)) keeps the Haar measure of orientations.

Pricing a move: a pair potential built by :func:`rigid_pair_potential` keeps every body's
energy u_i = sum_j u_ij beside the state, so a trial scans the neighbours of the new
position only (dU = u_i' - u_i); the old position is scanned only when the move is
accepted, to take its pair terms off the neighbours' u_j (at 30% acceptance 1.3 scans a
trial instead of 2). A hard potential needs no old scan at all (u_i = 0); a potential
written directly prices moves by its ``delta_energy``. The kept u_i differ from a fresh sum
by round-off only (tested), so trajectories of soft potentials match the two-scan kernel
in distribution, not bit for bit (bit for bit where every pair energy sums exactly).

Neighbour scans: with ``neighbor_skin`` > 0 (:func:`run_rigid`; by default 0.3 r_cut for
pair potentials of 64 bodies or more) a scan runs over a Verlet list of the pairs within
r_cut + skin, rows nearest first (a hard-body trial meets its overlap soonest), instead of
the 27 cells around the body; when r_cut is a third of the box, as for the spherocylinder
EOS, the cells hold most of the box. The list is rebuilt when displacements (or volume
moves) could have brought an unlisted pair inside r_cut, and dropped for the rest of a
call when rebuilds come more often than once in 8 sweeps (steps long against the skin).
Every trial sees the pairs the cell scan would, so the decisions are the same (tested
move for move with hard bodies and exact square-well sums).

NPT adds isotropic ln V moves exactly as :mod:`cgml.simulate.mc` (orientations kept;
same helpers), or with ``rectangular=True`` ln V moves that scale one randomly chosen box
length (same acceptance, -beta (dU + P dV) + (N + 1) d ln V: the box shape then samples
the isobaric ensemble of a rectangular box, which crystals of rods need). A sweep is N
trials (N + 1 with volume moves). Quasi-2D (``planar``) is the paper's monolayer: bodies move and rotate in the XY plane of a periodic box whose
Z length only has to exceed 2 r_cut.

Cluster moves (:func:`run_cluster_moves`; Metropolis rigid moves of bonded clusters with
the merges rejected): bodies whose pair energy is below -``bond_energy`` are bonded; a move
picks a body at random, takes its bonded cluster C (connected component) and either
translates C rigidly by a vector uniform in [-d, d]^3 (``planar``: [-d, d]^2 x {0}) or,
with probability 1/2 when ``max_rotation`` > 0, rotates it rigidly (positions about the
centre of C, unwrapped along the bond tree, and every orientation) by an angle uniform in
[-max_rotation, max_rotation] about a uniformly random axis (``planar``: Z). It is rejected
on a hard overlap and whenever it would bond a member of C to a body outside C; otherwise
it is accepted with min(1, exp(-beta dU)), dU the change of the energy between C and the
rest (inside C nothing changes: the pair energy depends only on relative positions and
orientations, which a rigid move keeps). Rejecting the merges keeps C the cluster of each
of its members after the move, so the reverse move is proposed with the same probability
(|C|/N times the same displacement or angle density; a rotation keeps the centre) and
detailed balance holds; clusters meet through the ordinary single-body moves. A rotation
is refused for a cluster whose extent 2 max|r - centre| + r_cut reaches the box side,
where members could interact through a periodic image (the extent is invariant under the
move, so the refusal is too). Strongly bound aggregates (depletion bonds of tens of kT)
diffuse and turn only this way.

Replica exchange (:func:`run_replica_exchange`): M replicas at inverse temperatures
beta_0 > beta_1 > ... (T_i = T_0 exp(alpha_T i) in the paper); a cycle is one sweep of
every replica followed by swap attempts between neighbours, pairs (0,1), (2,3), ... on
odd cycles and (1,2), (3,4), ... on even ones (cycles counted from 1), accepted with
min(1, exp[(beta_k - beta_{k+1})(U_k - U_{k+1})]). Each temperature slot draws its
moves from its own random stream (numba's generator, seeded from the run's seed and the
slot), so the sweeps of a cycle can run on several threads (``threads``) and the
trajectory does not depend on how many: every slot has private copies of the potential's
arrays (kernels may use some as scratch) and the sweep kernel releases the GIL.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable

import numpy as np
from numba import njit

from cgml.neighbors import CellList, build_cell_list
from cgml.neighbors._kernels import verlet_list
from cgml.simulate._bind import bind
from cgml.simulate.mc import (
    kernel_seed,
    numba_rng_state,
    run_blocks,
    seeded_numba_rng_state,
    set_numba_rng_state,
)

if TYPE_CHECKING:  # the templates bind() reads: listed here for cgml.source_hash
    from cgml.simulate import _rigid_pair_kernels, _rigid_sweep_kernel  # noqa: F401

__all__ = [
    "RigidPotential",
    "RigidState",
    "RigidResult",
    "ReplicaExchangeResult",
    "rigid_pair_potential",
    "init_rigid_state",
    "rigid_energy",
    "run_rigid",
    "run_cluster_moves",
    "ClusterMoveStats",
    "adapt_rigid_steps",
    "run_replica_exchange",
    "geometric_betas",
]


# ----------------------------------------------------------------------------------------
# layer 1: small maths
# ----------------------------------------------------------------------------------------


@njit(cache=True)
def random_axis(planar, axis):
    """Fill ``axis`` (3,) with a unit vector uniform on the sphere (normalised Gaussian), or Z
    if ``planar``."""
    if planar:
        axis[0] = 0.0
        axis[1] = 0.0
        axis[2] = 1.0
        return
    norm = 0.0
    while norm < 1e-12:
        for d in range(3):
            axis[d] = np.random.normal()
        norm = math.sqrt(axis[0] ** 2 + axis[1] ** 2 + axis[2] ** 2)
    for d in range(3):
        axis[d] /= norm


@njit(cache=True)
def rotate_about_axis(rotation, axis, angle, out):
    """out = A(axis, angle) @ rotation (Rodrigues), re-orthonormalised (Gram-Schmidt on columns)."""
    c = math.cos(angle)
    s = math.sin(angle)
    t = 1.0 - c
    x, y, z = axis[0], axis[1], axis[2]
    a = np.empty((3, 3))
    a[0, 0] = t * x * x + c
    a[0, 1] = t * x * y - s * z
    a[0, 2] = t * x * z + s * y
    a[1, 0] = t * x * y + s * z
    a[1, 1] = t * y * y + c
    a[1, 2] = t * y * z - s * x
    a[2, 0] = t * x * z - s * y
    a[2, 1] = t * y * z + s * x
    a[2, 2] = t * z * z + c
    for r in range(3):
        for k in range(3):
            out[r, k] = a[r, 0] * rotation[0, k] + a[r, 1] * rotation[1, k] + a[r, 2] * rotation[2, k]
    # Gram-Schmidt keeps round-off from accumulating over millions of moves
    n0 = math.sqrt(out[0, 0] ** 2 + out[1, 0] ** 2 + out[2, 0] ** 2)
    for r in range(3):
        out[r, 0] /= n0
    d = out[0, 0] * out[0, 1] + out[1, 0] * out[1, 1] + out[2, 0] * out[2, 1]
    for r in range(3):
        out[r, 1] -= d * out[r, 0]
    n1 = math.sqrt(out[0, 1] ** 2 + out[1, 1] ** 2 + out[2, 1] ** 2)
    for r in range(3):
        out[r, 1] /= n1
    out[0, 2] = out[1, 0] * out[2, 1] - out[2, 0] * out[1, 1]
    out[1, 2] = out[2, 0] * out[0, 1] - out[0, 0] * out[2, 1]
    out[2, 2] = out[0, 0] * out[1, 1] - out[1, 0] * out[0, 1]


# ----------------------------------------------------------------------------------------
# layer 2: potentials from pair functions, and the sweep kernel
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RigidPotential:
    """A rigid-body potential (see the module docstring for the protocol).

    name : label; r_cut [length]; params : tuple for the kernels; pair_energy : the numba
    pair function it was built from (None for potentials written directly);
    delta_energy, total_energy : numba functions; hard : pair energies are 0 or +inf only
    (see :func:`rigid_pair_potential`); scan_energy, body_energies : the per-body kernels
    of a pair potential (:func:`_pair_kernels`), None for potentials written directly
    (their moves then cost ``delta_energy``, two neighbour scans); list_scan,
    list_body_energies : the same over a Verlet list (sweep kernel, ``skin`` > 0).
    """

    name: str
    r_cut: float
    params: tuple
    delta_energy: Callable
    total_energy: Callable
    pair_energy: Callable | None = None
    hard: bool = False
    scan_energy: Callable | None = None
    body_energies: Callable | None = None
    list_scan: Callable | None = None
    list_body_energies: Callable | None = None

    @property
    def mode(self) -> int:
        """How the sweep kernel prices a move: 0 ``delta_energy`` (a potential written
        directly), 1 the new position only (hard), 2 the new position against the kept
        per-body energy (soft pair potentials)."""
        if self.scan_energy is None:
            return 0
        return 1 if self.hard else 2


_BUILT: dict = {}


def _pair_kernels(pair_energy, hard):
    """numba kernels summing ``pair_energy`` over neighbours: ``(delta_energy, total_energy,
    scan_energy, body_energies, list_scan, list_body_energies, cluster_moves)``, the template
    :mod:`cgml.simulate._rigid_pair_kernels` bound to ``pair_energy`` and ``hard`` (cached on
    disk, :mod:`cgml.simulate._bind`); once per process, pair function and ``hard``."""
    key = (pair_energy, bool(hard))
    if key not in _BUILT:
        m = bind("cgml.simulate._rigid_pair_kernels", {"pair_energy": pair_energy},
                 {"HARD": bool(hard)})
        _BUILT[key] = (m.delta_energy, m.total_energy, m.scan_energy, m.body_energies,
                       m.list_scan, m.list_body_energies, m.cluster_moves)
    return _BUILT[key]


@njit(cache=True)
def _no_scan(i, point, rotation, j_min, positions, rotations, box_lengths, periodic, r_cut,
             origin, cell_size, n_cells, members, counts, params, record, buf_j, buf_u):
    """Stand-in ``scan_energy`` of a potential written directly (never called: mode 0)."""
    return 0.0, 0


@njit(cache=True)
def _no_body_energies(positions, rotations, box_lengths, periodic, r_cut, origin, cell_size,
                      n_cells, members, counts, params, out, buf_j, buf_u):
    """Stand-in ``body_energies`` of a potential written directly (never called: mode 0)."""
    return 0.0


@njit(cache=True)
def _no_list_scan(i, point, rotation, j_min, positions, rotations, box_lengths, offsets, index,
                  r_cut, params, record, buf_j, buf_u):
    """Stand-in ``list_scan`` of a potential written directly (never called: mode 0)."""
    return 0.0, 0


@njit(cache=True)
def _no_list_body_energies(positions, rotations, box_lengths, offsets, index, r_cut, params, out,
                           buf_j, buf_u):
    """Stand-in ``list_body_energies`` of a potential written directly (never called)."""
    return 0.0


@njit(cache=True)
def _relist(positions, box_lengths, r_list, capacity, x0):
    """The Verlet list of ``positions`` (:func:`cgml.neighbors._kernels.verlet_list`), with
    the build positions copied into ``x0``."""
    x0[:, :] = positions
    return verlet_list(positions, box_lengths, r_list, capacity)


@njit(cache=True)
def _min_image_distance(a, b, box_lengths):
    s = 0.0
    for d in range(3):
        x = a[d] - b[d]
        x -= box_lengths[d] * np.rint(x / box_lengths[d])
        s += x * x
    return math.sqrt(s)



@dataclass(frozen=True)
class ClusterMoveStats:
    """Acceptance of the cluster moves of one :func:`run_cluster_moves` call (nan if none
    were attempted) and the mean size of the picked clusters [bodies]."""

    acceptance: float
    translation_acceptance: float
    rotation_acceptance: float
    mean_size: float


def run_cluster_moves(state: RigidState, potential: RigidPotential, n_moves: int,
                      max_displacement: float, seed: int, *, bond_energy: float = 1.0,
                      planar: bool = False, beta: float = 1.0, max_rotation: float = 0.0):
    """``n_moves`` rigid cluster moves (module docstring) -> ``(state, ClusterMoveStats)``.
    Needs a potential built by :func:`rigid_pair_potential`.

    bond_energy [kT] > 0: pairs with u < -bond_energy are bonded; max_displacement [length];
    max_rotation [rad] >= 0: with 0 every move is a translation, otherwise half are
    rotations of the cluster about its centre by an angle uniform in [-max_rotation,
    max_rotation] (``planar``: about Z).
    """
    _check_potential(potential)
    if potential.pair_energy is None:
        raise ValueError(f"cluster moves need a pair potential (rigid_pair_potential); "
                         f"{potential.name!r} has no pair function")
    if not (np.isfinite(bond_energy) and bond_energy > 0):
        raise ValueError(f"bond_energy must be a positive energy [kT], got {bond_energy}")
    if not (np.isfinite(max_displacement) and max_displacement > 0):
        raise ValueError(f"max_displacement must be a positive length, got {max_displacement}")
    if not (np.isfinite(max_rotation) and 0.0 <= max_rotation <= math.pi):
        raise ValueError(f"max_rotation must be an angle in [0, pi] [rad], got {max_rotation}")
    if int(n_moves) < 0:
        raise ValueError(f"n_moves must be >= 0, got {n_moves}")
    kernel = _pair_kernels(potential.pair_energy, potential.hard)[6]
    c = state.cells
    positions = state.positions.copy()
    rotations = state.rotations.copy()
    cell_of, slot_of, counts = c.cell_of.copy(), c.slot_of.copy(), c.counts.copy()
    positions, rotations, members, energy, tally = kernel(
        positions, rotations, state.box_lengths, float(c.r_cut), c.origin, c.cell_size,
        c.n_cells, c.members.copy(), counts, cell_of, slot_of, float(state.energy),
        potential.params, float(beta), float(max_displacement), float(max_rotation),
        float(bond_energy), bool(planar), int(n_moves), kernel_seed(seed))
    cells = CellList(c.r_cut, True, state.box_lengths.copy(), c.origin.copy(), c.cell_size.copy(),
                     c.n_cells.copy(), members, counts, cell_of, slot_of)
    new = RigidState(positions, rotations, state.box_lengths.copy(), cells, float(energy))

    def ratio(a, b):
        return float(a / b) if b else float("nan")

    stats = ClusterMoveStats(ratio(tally[0], tally[1]), ratio(tally[0] - tally[3], tally[1] - tally[4]),
                             ratio(tally[3], tally[4]), ratio(tally[2], tally[1]))
    return new, stats


def rigid_pair_potential(pair_energy, r_cut: float, params: tuple, name: str = "pair",
                         hard: bool = False) -> RigidPotential:
    """A :class:`RigidPotential` summing the numba ``pair_energy(r_ij, rot_i, rot_j, params)``
    over pairs closer than ``r_cut`` [length].

    ``hard=True`` declares a pure hard-body potential (pair energy 0 or +inf): a move's
    energy change is then computed from the new position only (every accepted state has
    energy 0), and :func:`init_rigid_state` refuses a start whose energy is not 0.
    The kernels are compiled once per pair function and ``hard`` and cached on disk
    (:mod:`cgml.simulate._bind`; 10-20 s the first time, then loaded).
    """
    r_cut = float(r_cut)
    if not (np.isfinite(r_cut) and r_cut > 0):
        raise ValueError(f"r_cut must be a positive length, got {r_cut}")
    if not hasattr(pair_energy, "py_func"):
        raise ValueError("pair_energy must be a numba @njit function (r_ij, rot_i, rot_j, params)")
    if not isinstance(params, tuple):
        raise ValueError(f"params must be a tuple (numba-typed), got {type(params).__name__}")
    # arrays copied (writable, C-contiguous): a read-only array (a fitted model's weights) would
    # type the kernels once more than the private copies replica exchange sweeps with
    params = _private_params(params)
    delta, total, scan, bodies, list_scan, list_bodies, _ = _pair_kernels(pair_energy, hard)
    return RigidPotential(name, r_cut, params, delta, total, pair_energy, bool(hard), scan, bodies,
                          list_scan, list_bodies)


# ----------------------------------------------------------------------------------------
# layer 3: public API
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RigidState:
    """positions (n, 3) [length] wrapped into [0, L); rotations (n, 3, 3); box_lengths (3,)
    [length]; cells : :class:`cgml.neighbors.CellList`; energy [kT] (running total)."""

    positions: np.ndarray
    rotations: np.ndarray
    box_lengths: np.ndarray
    cells: CellList
    energy: float

    @property
    def n_particles(self) -> int:
        return self.positions.shape[0]

    @property
    def volume(self) -> float:
        return float(np.prod(self.box_lengths))

    @property
    def density(self) -> float:
        return self.n_particles / self.volume


@dataclass(frozen=True)
class RigidResult:
    """Outcome of :func:`run_rigid`: final ``state``; per sample ``sweeps``, ``energies``
    [kT], ``box_lengths (k, 3)``, ``densities`` [1/length^3]; ``acceptance`` dict
    (translation, rotation, volume; nan if never attempted), ``attempts`` dict;
    ``snapshots`` (positions (k, n, 3), rotations (k, n, 3, 3)) or None; ``seed``."""

    state: RigidState
    sweeps: np.ndarray
    energies: np.ndarray
    box_lengths: np.ndarray
    densities: np.ndarray
    acceptance: dict
    attempts: dict
    snapshots: tuple | None
    seed: int


def _check_potential(potential) -> None:
    if not isinstance(potential, RigidPotential):
        raise ValueError(f"potential must be a RigidPotential (see rigid_pair_potential), "
                         f"got {type(potential).__name__}")


def _energy(positions, rotations, box, cells: CellList, potential: RigidPotential) -> float:
    return float(potential.total_energy(positions, rotations, box, True, cells.r_cut, cells.origin,
                                        cells.cell_size, cells.n_cells, cells.members,
                                        cells.counts, potential.params))


def init_rigid_state(positions, rotations, box_lengths, potential: RigidPotential) -> RigidState:
    """Wrap positions into the periodic box, build the cell list, compute the energy.

    positions (n, 3) [length]; rotations (n, 3, 3) proper rotations; box_lengths (3,)
    [length], each >= 2 r_cut. Raises ValueError on bad shapes or an overlapping start.
    """
    from cgml.geometry.rotations import check_rotations

    _check_potential(potential)
    positions = np.array(positions, dtype=np.float64, order="C", copy=True)
    if positions.ndim != 2 or positions.shape[1] != 3 or positions.shape[0] < 1:
        raise ValueError(f"positions must have shape (n, 3) with n >= 1, got {positions.shape}")
    if not np.all(np.isfinite(positions)):
        raise ValueError("positions contain NaN or inf")
    rotations = np.ascontiguousarray(check_rotations("rotations", rotations, positions.shape[0]),
                                     dtype=np.float64).copy()
    box = np.array(box_lengths, dtype=np.float64).reshape(-1)
    if box.shape != (3,) or not np.all(np.isfinite(box)) or np.any(box <= 0):
        raise ValueError(f"box_lengths must be 3 positive numbers, got {box_lengths}")
    if np.any(box < 2.0 * potential.r_cut):
        raise ValueError(f"box_lengths {box} must be at least 2 r_cut = {2.0 * potential.r_cut} "
                         f"(minimum image)")
    positions -= box * np.floor(positions / box)
    positions = np.ascontiguousarray(np.where(positions >= box, positions - box, positions))
    cells = build_cell_list(positions, potential.r_cut, box)
    energy = _energy(positions, rotations, box, cells, potential)
    if not np.isfinite(energy):
        raise ValueError(f"initial configuration has energy {energy} (overlapping bodies?)")
    if potential.hard and energy != 0.0:
        raise ValueError(f"potential {potential.name!r} is declared hard (pair energy 0 or inf) "
                         f"but the initial configuration has energy {energy}")
    return RigidState(positions, rotations, box, cells, energy)


def rigid_energy(state: RigidState, potential: RigidPotential) -> float:
    """Total energy [kT] of ``state`` recomputed from scratch."""
    _check_potential(potential)
    return _energy(state.positions, state.rotations, state.box_lengths, state.cells, potential)


_NO_SHAPE_BOUND = (np.ones(3), np.inf)


def _shape_bound(state, rectangular, shape_reference, max_aspect_change):
    """(reference (3,), ln max_aspect_change) for the kernel, or None (no bound)."""
    if max_aspect_change is None:
        return None
    if not rectangular:
        raise ValueError("max_aspect_change bounds rectangular volume moves: set rectangular=True")
    if not (np.isfinite(max_aspect_change) and max_aspect_change >= 1.0):
        raise ValueError(f"max_aspect_change must be a finite number >= 1, got {max_aspect_change!r}")
    ref = np.array(state.box_lengths if shape_reference is None else shape_reference, dtype=float)
    if ref.shape != (3,) or not np.all(ref > 0):
        raise ValueError(f"shape_reference must be 3 positive box lengths, got {shape_reference!r}")
    g = np.log(state.box_lengths / ref)
    if g.max() - g.min() > math.log(max_aspect_change) * (1.0 + 1e-12):
        raise ValueError(f"the box {state.box_lengths} is already outside the shape bound "
                         f"(max_aspect_change {max_aspect_change} about {ref})")
    return ref, float(math.log(max_aspect_change))


_SWEEPS: dict = {}


def _sweep_kernel(potential: RigidPotential):
    """The sweep kernel (:mod:`cgml.simulate._rigid_sweep_kernel`) with ``potential``'s numba
    kernels bound at compile time (module globals, not arguments: a numba function passed
    as an argument costs ~5 us of typing per function and call, which a replica-exchange
    cycle of N = 4 bodies, one sweep per call, would spend many times over its moves, and
    cannot be cached). Cached on disk (:mod:`cgml.simulate._bind`); once per set of kernels
    and process."""
    scan = _no_scan if potential.scan_energy is None else potential.scan_energy
    bodies = _no_body_energies if potential.body_energies is None else potential.body_energies
    lscan = _no_list_scan if potential.list_scan is None else potential.list_scan
    lbodies = (_no_list_body_energies if potential.list_body_energies is None
               else potential.list_body_energies)
    key = (potential.delta_energy, potential.total_energy, scan, bodies, lscan, lbodies)
    if key not in _SWEEPS:
        names = ("delta_energy", "total_energy", "scan_energy", "body_energies", "list_scan",
                 "list_bodies")
        _SWEEPS[key] = bind("cgml.simulate._rigid_sweep_kernel", dict(zip(names, key))).rigid_sweeps
    return _SWEEPS[key]


class _Run:
    """Mutable arrays of one rigid-body run (one replica) and its kernel call."""

    def __init__(self, state: RigidState, potential: RigidPotential, skin: float = 0.0):
        c = state.cells
        self.skin = float(skin)
        self.potential = potential
        self.a = dict(positions=state.positions.copy(), rotations=state.rotations.copy(),
                      box_lengths=state.box_lengths.copy(), origin=c.origin.copy(),
                      cell_size=c.cell_size.copy(), n_cells=c.n_cells.copy(),
                      members=c.members.copy(), counts=c.counts.copy(), cell_of=c.cell_of.copy(),
                      slot_of=c.slot_of.copy(), energy=float(state.energy), r_cut=float(c.r_cut))
        self.tally = np.zeros(6, np.int64)
        self.kernel = _sweep_kernel(potential)
        self.mode = potential.mode
        self.a["body_energy"] = self.body_energies()

    def body_energies(self) -> np.ndarray:
        """Per-body energies u_i = sum_j u_ij [kT] of the current arrays (mode 2; else empty)."""
        a, p = self.a, self.potential
        if p.mode != 2:
            return np.empty(0)
        n = a["positions"].shape[0]
        out = np.empty(n)
        p.body_energies(a["positions"], a["rotations"], a["box_lengths"], True, a["r_cut"],
                        a["origin"], a["cell_size"], a["n_cells"], a["members"], a["counts"],
                        p.params, out, np.empty(n, np.int64), np.empty(n))
        return out

    def advance(self, n_sweeps, kseed, beta, pressure, max_displacement, max_rotation,
                max_log_volume_change, do_volume, planar, rectangular=False, shape_bound=None):
        a, p = self.a, self.potential
        reference, log_ratio = (_NO_SHAPE_BOUND if shape_bound is None else shape_bound)
        out = self.kernel(self.mode, a["body_energy"], p.params, a["positions"], a["rotations"],
                          a["box_lengths"], True, a["r_cut"], a["origin"], a["cell_size"],
                          a["n_cells"], a["members"], a["counts"], a["cell_of"], a["slot_of"],
                          a["energy"], beta, pressure, max_displacement, max_rotation,
                          max_log_volume_change, do_volume, rectangular, planar, n_sweeps, kseed,
                          reference, log_ratio, self.skin)
        (a["positions"], a["box_lengths"], a["cell_size"], a["n_cells"], a["members"], a["counts"],
         a["cell_of"], a["slot_of"], a["energy"]) = out[:9]
        self.tally += out[9]

    def state(self) -> RigidState:
        a = self.a
        cells = CellList(a["r_cut"], True, a["box_lengths"].copy(), a["origin"].copy(),
                         a["cell_size"].copy(), a["n_cells"].copy(), a["members"].copy(),
                         a["counts"].copy(), a["cell_of"].copy(), a["slot_of"].copy())
        return RigidState(a["positions"].copy(), a["rotations"].copy(), a["box_lengths"].copy(),
                          cells, float(a["energy"]))

    def acceptance(self) -> tuple[dict, dict]:
        t = self.tally
        return _tally_acceptance(t), {k: int(t[2 * m + 1]) for m, k in enumerate(_MOVES)}


_MOVES = ("translation", "rotation", "volume")


def _tally_acceptance(t) -> dict:
    """Acceptance per move kind of a tally (accepted, attempted) x (translation, rotation,
    volume); nan for a kind never attempted."""
    return {k: (t[2 * m] / t[2 * m + 1] if t[2 * m + 1] else float("nan")) for m, k in enumerate(_MOVES)}


def _check_run_args(state, potential, max_displacement, max_rotation, beta):
    _check_potential(potential)
    if not isinstance(state, RigidState):
        raise ValueError("state must be a RigidState (see init_rigid_state)")
    if state.cells.r_cut < potential.r_cut * (1.0 - 1e-12):
        raise ValueError(f"state cells were built for r_cut={state.cells.r_cut} < potential.r_cut="
                         f"{potential.r_cut}; call init_rigid_state with this potential")
    for name, value in (("max_displacement", max_displacement), ("max_rotation", max_rotation)):
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be >= 0, got {value}")
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta must be positive, got {beta}")


def default_skin(state: RigidState, potential: RigidPotential) -> float:
    """Verlet-list skin [length] :func:`run_rigid` uses unless told: 0 (scan the cells) for a
    potential written directly or fewer than 64 bodies, else 0.3 r_cut."""
    if potential.mode == 0 or state.n_particles < 64:
        return 0.0
    return 0.3 * potential.r_cut


def run_rigid(state: RigidState, potential: RigidPotential, n_sweeps: int, max_displacement: float,
              max_rotation: float, seed: int, sample_every, *, pressure: float | None = None,
              max_log_volume_change: float = 0.0, planar: bool = False, beta: float = 1.0,
              store_snapshots: bool = False, rectangular: bool = False,
              shape_reference=None, max_aspect_change: float | None = None,
              on_sample: Callable[[int, RigidState], None] | None = None,
              neighbor_skin: float | None = None) -> RigidResult:
    """NVT (``pressure=None``) or NPT rigid-body MC; ``planar=True`` for quasi-2D moves.

    max_displacement [length]; max_rotation [rad] (half width of the angle); pressure
    [kT/length^3]; sample_every : int [sweeps] or trigger; seed : non-negative int.
    ``rectangular=True``: each volume move scales one random box length (the box shape
    fluctuates, as a crystal of anisotropic bodies needs); otherwise all three alike.
    ``max_aspect_change``: a rectangular move is refused when it would change the ratio of
    any two box lengths by more than this factor from their ratio in ``shape_reference``
    (default: the starting box). A fluid has no restoring force on the box shape, so
    without a bound the shape random-walks (box edges then approach 2 r_cut); the bound is
    a fixed region in (ln L_x, ln L_y, ln L_z), so detailed balance holds, and leaves the
    volume free.
    ``neighbor_skin`` [length]: moves scan a Verlet list of the pairs within r_cut + skin
    instead of the cells (same decisions; module docstring); 0 scans the cells; None picks
    :func:`default_skin`.
    """
    _check_run_args(state, potential, max_displacement, max_rotation, beta)
    skin = default_skin(state, potential) if neighbor_skin is None else neighbor_skin
    if not (np.isfinite(skin) and skin >= 0):
        raise ValueError(f"neighbor_skin must be >= 0 [length], got {neighbor_skin!r}")
    do_volume = pressure is not None
    if do_volume:
        if planar:
            raise ValueError("quasi-2D (planar) runs are NVT: pressure must be None")
        if not (np.isfinite(pressure) and pressure >= 0):
            raise ValueError(f"pressure must be >= 0 [kT/length^3], got {pressure}")
        if not (np.isfinite(max_log_volume_change) and max_log_volume_change >= 0):
            raise ValueError(f"max_log_volume_change must be >= 0, got {max_log_volume_change}")
    bound = _shape_bound(state, rectangular, shape_reference, max_aspect_change) if do_volume else None
    run = _Run(state, potential, skin)
    samples = {"sweeps": [], "energies": [], "box": [], "positions": [], "rotations": []}

    def advance(n_block, kseed):
        run.advance(n_block, kseed, float(beta), float(pressure or 0.0), float(max_displacement),
                    float(max_rotation), float(max_log_volume_change), do_volume, bool(planar),
                    bool(rectangular), bound)

    def sample(sweep):
        samples["sweeps"].append(sweep)
        samples["energies"].append(float(run.a["energy"]))
        samples["box"].append(run.a["box_lengths"].copy())
        if store_snapshots:
            samples["positions"].append(run.a["positions"].copy())
            samples["rotations"].append(run.a["rotations"].copy())
        if on_sample is not None:
            on_sample(sweep, run.state())

    run_blocks(n_sweeps, sample_every, seed, advance, sample)
    acceptance, attempts = run.acceptance()
    box = np.array(samples["box"]).reshape(-1, 3)
    n = state.n_particles
    snapshots = None
    if store_snapshots:
        snapshots = (np.array(samples["positions"]).reshape(-1, n, 3),
                     np.array(samples["rotations"]).reshape(-1, n, 3, 3))
    return RigidResult(run.state(), np.array(samples["sweeps"], np.int64),
                       np.array(samples["energies"], np.float64), box, n / np.prod(box, axis=1),
                       acceptance, attempts, snapshots, int(seed))


def scaled_step(step: float, acceptance: float, target: float, cap: float) -> float:
    """One tuning round: step * clip(acceptance / target, 0.5, 2), at most ``cap``.

    Metropolis acceptance falls monotonically with the step; ``nan`` (nothing attempted)
    leaves the step unchanged.
    """
    if not np.isfinite(acceptance):
        return step
    return float(min(step * np.clip(acceptance / target, 0.5, 2.0), cap))


def adapt_rigid_steps(state: RigidState, potential: RigidPotential, max_displacement: float,
                      max_rotation: float, seed: int, *, target_acceptance: float = 0.3,
                      n_rounds: int = 10, sweeps_per_round: int = 50, planar: bool = False,
                      pressure: float | None = None, max_log_volume_change: float = 0.0,
                      beta: float = 1.0, rectangular: bool = False, shape_reference=None,
                      max_aspect_change: float | None = None):
    """Tune translation, rotation (and ln V) steps toward ``target_acceptance`` (paper: 30%).

    For equilibration only; production runs use the returned fixed steps. Returns
    ``(state, max_displacement, max_rotation, max_log_volume_change, acceptance)``; the
    rotation step is capped at pi, the displacement at half the smallest box length.
    ``shape_reference`` / ``max_aspect_change`` as in :func:`run_rigid` (the reference
    defaults to the starting box and stays that box through all rounds).
    """
    if not 0.0 < target_acceptance < 1.0:
        raise ValueError(f"target_acceptance must lie in (0, 1), got {target_acceptance}")
    if n_rounds < 1 or sweeps_per_round < 1:
        raise ValueError("n_rounds and sweeps_per_round must be >= 1")
    seeds = np.random.SeedSequence(kernel_seed(seed)).generate_state(n_rounds, dtype=np.uint32)
    d, phi, dv = float(max_displacement), float(max_rotation), float(max_log_volume_change)
    acceptance = {}
    if max_aspect_change is not None and shape_reference is None:
        shape_reference = state.box_lengths.copy()
    for k in range(n_rounds):
        result = run_rigid(state, potential, sweeps_per_round, d, phi, int(seeds[k]),
                           sweeps_per_round, pressure=pressure, max_log_volume_change=dv,
                           planar=planar, beta=beta, rectangular=rectangular,
                           shape_reference=shape_reference, max_aspect_change=max_aspect_change)
        state, acceptance = result.state, result.acceptance
        d = scaled_step(d, acceptance["translation"], target_acceptance,
                        0.5 * float(np.min(state.box_lengths)))
        phi = scaled_step(phi, acceptance["rotation"], target_acceptance, math.pi)
        if pressure is not None:
            dv = scaled_step(dv, acceptance["volume"], target_acceptance, 1.0)
    return state, d, phi, dv, acceptance


def geometric_betas(kT_min: float, kT_max: float, n_replicas: int) -> np.ndarray:
    """beta_i = 1 / T_i with T_i = T_0 exp(alpha_T i), T_0 = kT_min, T_{M-1} = kT_max (paper)."""
    if not (0 < kT_min <= kT_max) or int(n_replicas) != n_replicas or n_replicas < 1:
        raise ValueError(f"need 0 < kT_min <= kT_max and n_replicas >= 1, got {kT_min}, {kT_max}, "
                         f"{n_replicas}")
    if n_replicas == 1:
        return np.array([1.0 / kT_min])
    alpha = math.log(kT_max / kT_min) / (n_replicas - 1)
    return 1.0 / (kT_min * np.exp(alpha * np.arange(n_replicas)))


@dataclass(frozen=True)
class ReplicaExchangeResult:
    """Outcome of :func:`run_replica_exchange`.

    states : final :class:`RigidState` per temperature slot (slot k at ``betas[k]``);
    cycles (s,) : cycle of each sample; energies (s, M) [energy]: U of each slot;
    swap_acceptance (M - 1,) : accepted / attempted swaps of slots (k, k + 1);
    lowest : (energy, positions, rotations) of the lowest-energy configuration seen in
    slot 0 at a sample; acceptance : per slot dicts of move acceptance (after the last
    step tuning); snapshots : slot-0 (positions, rotations) per sample, or None;
    max_displacements, max_rotations (M,) : the steps each slot ended with (the tuned ones).
    """

    states: list
    betas: np.ndarray
    cycles: np.ndarray
    energies: np.ndarray
    swap_acceptance: np.ndarray
    lowest: tuple
    acceptance: list
    snapshots: tuple | None
    seed: int
    max_displacements: np.ndarray | None = None
    max_rotations: np.ndarray | None = None


def _private_params(params):
    """``params`` with every array copied (nested tuples too): a kernel may write scratch
    arrays it was given, so concurrent runs must not share them."""
    if isinstance(params, tuple):
        return tuple(_private_params(v) for v in params)
    return params.copy() if isinstance(params, np.ndarray) else params


def _save_remc(checkpoint, cycle, runs, streams, swap_rng, swaps, samples, lowest, steps=None) -> None:
    """Everything :func:`run_replica_exchange` needs to continue after ``cycle``; ``steps``:
    (displacements, rotations, tally marks) of in-run tuning, or None."""
    arrays = {f"run{k}_{name}": np.asarray(value) for k, r in enumerate(runs) for name, value in r.a.items()}
    arrays.update({f"run{k}_tally": r.tally for k, r in enumerate(runs)})
    if steps is not None:
        arrays.update(step_displacements=steps[0], step_rotations=steps[1], tally_marks=steps[2])
    arrays.update({f"stream{k}": np.asarray(st[1], dtype=np.uint64) for k, st in enumerate(streams)})
    arrays.update(swaps=swaps, cycles=np.asarray(samples["cycles"], np.int64),
                  energies=np.asarray(samples["energies"], np.float64),
                  snap_positions=np.asarray(samples["positions"]), snap_rotations=np.asarray(samples["rotations"]))
    if lowest[1] is not None:
        arrays.update(lowest_positions=lowest[1], lowest_rotations=lowest[2])
    meta = {"cycle": int(cycle), "stream_index": [int(st[0]) for st in streams],
            "swap_rng": swap_rng.bit_generator.state, "lowest_energy": float(lowest[0])}
    checkpoint.save(int(cycle), meta, **arrays)


def _restore_remc(saved, runs, streams, swap_rng, swaps, cycle, samples, lowest, steps=None) -> int:
    """Load a :func:`_save_remc` checkpoint into the run's objects; the cycle to go on from.
    ``steps``: the run's (displacements, rotations, tally marks) arrays, filled in place
    when the checkpoint holds them (a checkpoint of a run without in-run tuning does not)."""
    _, meta, arrays = saved
    if steps is not None and "step_displacements" in arrays:
        for target, key in zip(steps, ("step_displacements", "step_rotations", "tally_marks")):
            target[...] = arrays[key]
    for k, r in enumerate(runs):
        for name, value in r.a.items():
            stored = arrays[f"run{k}_{name}"]
            r.a[name] = float(stored) if np.ndim(value) == 0 else stored.astype(np.asarray(value).dtype)
        r.tally[:] = arrays[f"run{k}_tally"]
        streams[k] = (int(meta["stream_index"][k]), [int(x) for x in arrays[f"stream{k}"]])
    swap_rng.bit_generator.state = meta["swap_rng"]
    swaps[:] = arrays["swaps"]
    cycle[0] = int(meta["cycle"])
    samples["cycles"] = [int(c) for c in arrays["cycles"]]
    samples["energies"] = [list(map(float, e)) for e in arrays["energies"]]
    samples["positions"] = list(arrays["snap_positions"])
    samples["rotations"] = list(arrays["snap_rotations"])
    if "lowest_positions" in arrays:
        lowest[:] = [float(meta["lowest_energy"]), arrays["lowest_positions"], arrays["lowest_rotations"]]
    return cycle[0]


def run_replica_exchange(states, potential: RigidPotential, betas, n_cycles: int,
                         max_displacements, max_rotations, seed: int, sample_every, *,
                         planar: bool = False, store_snapshots: bool = False,
                         threads: int = 1, checkpoint=None,
                         checkpoint_seconds: float = 600.0, tune_every: int = 0,
                         tune_until: int = 0,
                         target_acceptance: float = 0.3,
                         on_sample: Callable[[int], None] | None = None) -> ReplicaExchangeResult:
    """Parallel tempering of M replicas (module docstring); energies in units of 1/beta.

    states : M :class:`RigidState` (slot k starts from ``states[k]``); betas (M,) strictly
    decreasing; max_displacements, max_rotations (M,) per slot (tune each with
    :func:`adapt_rigid_steps` at its beta first); n_cycles : cycles of one sweep per
    replica plus one round of neighbour swaps; threads : slots swept at once (the same
    trajectory for any number; worth it when a sweep is expensive, e.g. FG site sums).
    checkpoint : a :class:`cgml.io.checkpoint.StageCheckpoint`, or None. With one, the
    whole run (replicas with their cell lists, every random stream, swap counts, samples)
    is saved at a sample at most every ``checkpoint_seconds``, and a run that finds a
    checkpoint of its own continues from it: the result is the uninterrupted run's.
    tune_every, tune_until : every ``tune_every`` cycles up to cycle ``tune_until`` each
    slot's steps are rescaled toward ``target_acceptance`` by the acceptance of its moves
    since the last rescaling (:func:`scaled_step`); 0 = the given steps throughout. Steps
    tuned on a start the replicas leave (random clusters that then bind) are far off for
    the states they reach, so tuning goes on through the equilibration; cycles after
    ``tune_until`` run with fixed steps (detailed balance), and only they should be averaged.
    on_sample : optional ``f(cycle)`` at every sample (e.g. :class:`cgml.simulate.ProgressLog`);
    the random streams are restored around it, so it does not change the trajectory.
    """
    betas = np.asarray(betas, dtype=np.float64).reshape(-1)
    m = betas.size
    if m < 2 or len(states) != m:
        raise ValueError(f"need M >= 2 replicas with one state each, got {m} betas and "
                         f"{len(states)} states")
    if not np.all(np.diff(betas) < 0) or betas[-1] <= 0:
        raise ValueError(f"betas must be positive and strictly decreasing, got {betas}")
    displacements = np.array(np.broadcast_to(np.asarray(max_displacements, float), (m,)))
    rotations = np.array(np.broadcast_to(np.asarray(max_rotations, float), (m,)))
    for name, value in (("tune_every", tune_every), ("tune_until", tune_until)):
        if int(value) != value or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    if tune_every and not 0.0 < target_acceptance < 1.0:
        raise ValueError(f"target_acceptance must lie in (0, 1), got {target_acceptance}")
    for k in range(m):
        _check_run_args(states[k], potential, displacements[k], rotations[k], betas[k])
    if int(threads) != threads or threads < 1:
        raise ValueError(f"threads must be a positive integer, got {threads!r}")
    runs = [_Run(s, replace(potential, params=_private_params(potential.params))) for s in states]
    seeds = np.random.SeedSequence(kernel_seed(seed)).generate_state(m, dtype=np.uint32)
    streams = [seeded_numba_rng_state(int(x)) for x in seeds]
    if streams[0] is None and threads > 1:  # pragma: no cover - depends on numba internals
        raise RuntimeError("threads > 1 needs numba's random state per slot, which this numba hides")
    swap_rng = np.random.default_rng(np.random.SeedSequence(int(seed)).spawn(1)[0])
    swaps = np.zeros((2, m - 1), np.int64)  # accepted, attempted
    marks = np.zeros((m, 6), np.int64)  # each slot's move tally at its last step tuning
    cycle = [0]
    samples = {"cycles": [], "energies": [], "positions": [], "rotations": []}
    lowest = [np.inf, None, None]

    def sweep(k):
        set_numba_rng_state(streams[k])
        runs[k].advance(1, -1, float(betas[k]), 0.0, float(displacements[k]), float(rotations[k]),
                        0.0, False, bool(planar))
        streams[k] = numba_rng_state()

    pool = ThreadPoolExecutor(max_workers=min(int(threads), m)) if threads > 1 else None
    box_cap = [0.5 * float(np.min(st.box_lengths)) for st in states]

    def tune_steps():  # each slot by the acceptance of its moves since its last tuning
        for k in range(m):
            acc = _tally_acceptance(runs[k].tally - marks[k])
            displacements[k] = scaled_step(displacements[k], acc["translation"], target_acceptance,
                                           box_cap[k])
            rotations[k] = scaled_step(rotations[k], acc["rotation"], target_acceptance, math.pi)
            marks[k] = runs[k].tally

    def advance(n_block, _kseed):  # the slots' streams were seeded above
        for _ in range(n_block):
            cycle[0] += 1
            if pool is None:
                for k in range(m):
                    sweep(k)
            else:
                list(pool.map(sweep, range(m)))
            first = 0 if cycle[0] % 2 == 1 else 1
            for k in range(first, m - 1, 2):
                swaps[1, k] += 1
                u_k, u_l = runs[k].a["energy"], runs[k + 1].a["energy"]
                log_acc = (betas[k] - betas[k + 1]) * (u_k - u_l)
                if log_acc >= 0.0 or swap_rng.random() < math.exp(log_acc):
                    swaps[0, k] += 1
                    runs[k].a, runs[k + 1].a = runs[k + 1].a, runs[k].a
            if tune_every and cycle[0] <= tune_until and cycle[0] % tune_every == 0:
                tune_steps()

    def sample(c):
        energies = [float(r.a["energy"]) for r in runs]
        samples["cycles"].append(c)
        samples["energies"].append(energies)
        if energies[0] < lowest[0]:
            lowest[:] = [energies[0], runs[0].a["positions"].copy(), runs[0].a["rotations"].copy()]
        if store_snapshots:
            samples["positions"].append(runs[0].a["positions"].copy())
            samples["rotations"].append(runs[0].a["rotations"].copy())

    start, last_save = 0, [time.monotonic()]
    if checkpoint is not None:
        if streams[0] is None:  # pragma: no cover - depends on numba internals
            raise RuntimeError("a REMC checkpoint needs numba's random state, which this numba hides")
        if (saved := checkpoint.load()) is not None:
            start = _restore_remc(saved, runs, streams, swap_rng, swaps, cycle, samples, lowest,
                                  (displacements, rotations, marks))

    def sample_and_save(c):
        sample(c)
        if on_sample is not None:
            on_sample(c)
        if checkpoint is not None and time.monotonic() - last_save[0] >= checkpoint_seconds:
            _save_remc(checkpoint, c, runs, streams, swap_rng, swaps, samples, lowest,
                       (displacements, rotations, marks))
            last_save[0] = time.monotonic()

    caller_stream = numba_rng_state()
    try:
        run_blocks(n_cycles, sample_every, seed, advance, sample_and_save, start=start)
    finally:
        set_numba_rng_state(caller_stream)
        if pool is not None:
            pool.shutdown()
    n = states[0].n_particles
    snapshots = None
    if store_snapshots:
        snapshots = (np.array(samples["positions"]).reshape(-1, n, 3),
                     np.array(samples["rotations"]).reshape(-1, n, 3, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        swap_acceptance = np.where(swaps[1] > 0, swaps[0] / np.maximum(swaps[1], 1), np.nan)
    return ReplicaExchangeResult(
        [r.state() for r in runs], betas.copy(), np.array(samples["cycles"], np.int64),
        np.array(samples["energies"], np.float64).reshape(-1, m), swap_acceptance,
        tuple(lowest), [_tally_acceptance(r.tally - marks[k]) for k, r in enumerate(runs)], snapshots,
        int(seed), displacements.copy(), rotations.copy())
