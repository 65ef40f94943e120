"""Many-body symmetry-function models (ML2, ML12) as Monte Carlo potentials, with local updates.

Units: the model's reduced units (nanoparticles: lengths in sigma_c, energies in k_BT),
so energies returned here are in k_BT when the weights are; positions ``(n, 3)``
[length], ``box_lengths (3,)`` [length] (ignored for open boundaries).

Energy (Giunta, Campos-Villalobos, Dijkstra, ACS Nano 17, 23391 (2023), Eq. 8)::

    Phi = sum_K Phi_K,    Phi_K = sum_J w_J G_J(K)

with G_J(K) the Behler-Parrinello symmetry functions of centre K (Eqs. 21-23, see
:mod:`cgml.descriptors.symmetry`), radial only for ML2, radial + angular for ML12.

Locality of a trial move of particle i from R_i to R_i'. G(K) depends only on the
neighbours of K within r_cut (radial pairs K-J, angular triplets J-K-L with J and L
both within r_cut of K), so Phi_K changes only for

    K in A(i) = {i} U {K : |R_K - R_i| < r_cut} U {K : |R_K - R_i'| < r_cut},

and dPhi = sum_{K in A(i)} [Phi_K(after) - Phi_K(before)]. Each Phi_K is one call of
:func:`cgml.descriptors.centre_values` on the cell list (the "after" rows substitute R_i'
for particle i without copying the positions; the cell list still holds i in its old
cell, which ``centre_values`` handles). |A(i)| <= 1 + 2 n_neighbours, so the cost of a
move is O(1) in N at fixed density: about 2 |A(i)| centre evaluations, each over the 27
cells around the centre (cell size >= r_cut, built by the driver with ``r_cut`` of the
potential).

Hard core (optional). A fitted model is only trusted down to its smallest training
separation; below it Phi may dive to -infinity and collapse an MC run. ``hard_core``
[length] (default 0: none) adds U = +inf whenever two particles are closer than it:

    U = Phi                if every R_IJ >= hard_core,   +inf otherwise.

A move onto the exact position of another particle makes the angles undefined (0/0, a
ZeroDivisionError in numba); :func:`sf_delta_energy` returns ``+inf`` for it too, before
evaluating anything. Both checks use the new neighbours of R_i' that A(i) needs anyway.

Scratch buffers. The neighbour buffers of ``centre_values`` are sized by the number of
particles the 27-cell stencil can hold, ``min(n, 27 capacity) + 1`` with ``capacity =
members.shape[1]`` slots per cell (independent of N), and allocated per call. Measured
against buffers preallocated in ``params`` (numba 0.68, N = 4000, rho = 0.15, 15 repeats
of 1000 moves on a busy 2-core machine): median time ratio preallocated / per call 0.97
for the ML12 pool and 1.02 for radial only, i.e. no difference beyond the noise, since
the ~23 centre evaluations of a move dominate. Per-call buffers keep the potential free
of mutable state (safe to share between runs, no capacity to outgrow when the driver
enlarges the cells).

params layout (one numba type for every SF potential, hence one compiled MC sweep
kernel for ML2 and ML12 alike)::

    params = (r_cut, cutoff_code, hard_core, weights (k,), mu_r (kr,), r_s (kr,),
              mu_a_unique (ua,), mu_a_index (ka,), lam_unique (ub,), xi_unique (ub,),
              lamxi_index (ka,))

with the SF parameter arrays of :func:`cgml.descriptors.pack_kernel_parameters` (empty
angular arrays for a radial-only model).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from cgml.descriptors import centre_values, cutoff_code, pack_kernel_parameters
from cgml.fitting.sf_model import SymmetryFunctionModel
from cgml.neighbors import CellList
from cgml.neighbors._kernels import neighbors_of_point

__all__ = [
    "SFPotential",
    "sf_potential",
    "sf_delta_energy",
    "sf_total_energy",
    "sf_affected_centres",
    "affected_centres",
]


# ----------------------------------------------------------------------------------------
# layer 2: kernels (the two protocol functions and their helpers)
# ----------------------------------------------------------------------------------------


@njit(cache=True)
def _buffer_size(positions, members):
    """Most neighbours a point can have in the cell list, + 1 for a substituted particle."""
    n = positions.shape[0]
    stencil = 27 * members.shape[1]
    return (n if n < stencil else stencil) + 1


@njit(cache=True)
def _centre_energy(centre, centre_point, i_moved, moved_point, positions, box_lengths, periodic,
                   origin, cell_size, n_cells, members, counts, params, buf_index, buf_vec,
                   buf_dist, row):
    """Phi_K = sum_J w_J G_J(K) [energy] of one centre (see ``centre_values``); returns (phi, m)."""
    m = centre_values(centre, centre_point, i_moved, moved_point, positions, box_lengths,
                      periodic, params[0], origin, cell_size, n_cells, members, counts,
                      params[4], params[5], params[6], params[7], params[8], params[9],
                      params[10], params[1], buf_index, buf_vec, buf_dist, row)
    weights = params[3]
    phi = 0.0
    for k in range(row.shape[0]):
        phi += weights[k] * row[k]
    return phi, m


@njit(cache=True)
def _fill_affected(i, new_point, positions, box_lengths, periodic, origin, cell_size, n_cells,
                   members, counts, r_cut, buf_index, buf_vec, buf_dist, out):
    """Write A(i) into ``out``: i first, then the neighbours of R_i, then the new ones of R_i'.

    Every index once. ``out`` needs ``2 * len(buf_index) - 1`` slots. Returns
    ``(|A(i)|, nearest)``, ``nearest`` [length] the smallest |R_i' - R_j| below r_cut (inf
    if none).
    """
    out[0] = i
    m_old = neighbors_of_point(positions[i], i, positions, box_lengths, periodic, r_cut,
                               origin, cell_size, n_cells, members, counts,
                               buf_index, buf_vec, buf_dist)
    for s in range(m_old):
        out[1 + s] = buf_index[s]
    count = 1 + m_old
    m_new = neighbors_of_point(new_point, i, positions, box_lengths, periodic, r_cut,
                               origin, cell_size, n_cells, members, counts,
                               buf_index, buf_vec, buf_dist)
    nearest = np.inf
    for s in range(m_new):
        j = buf_index[s]
        if buf_dist[s] < nearest:
            nearest = buf_dist[s]
        seen = False
        for t in range(1, 1 + m_old):
            if out[t] == j:
                seen = True
                break
        if not seen:
            out[count] = j
            count += 1
    return count, nearest


@njit(cache=True)
def sf_affected_centres(i, new_point, positions, box_lengths, periodic, origin, cell_size,
                        n_cells, members, counts, params):
    """A(i) of a trial move of particle i to ``new_point (3,)``: ``(k,) int64``, i first.

    The centres whose symmetry functions can change (module docstring); the ones
    :func:`sf_delta_energy` evaluates. Same arguments as the protocol function.
    """
    size = _buffer_size(positions, members)
    buf_index = np.empty(size, np.int64)
    buf_vec = np.empty((size, 3))
    buf_dist = np.empty(size)
    out = np.empty(2 * size - 1, np.int64)
    count, _ = _fill_affected(i, new_point, positions, box_lengths, periodic, origin, cell_size,
                              n_cells, members, counts, params[0], buf_index, buf_vec, buf_dist,
                              out)
    return out[:count].copy()


@njit(cache=True)
def sf_delta_energy(i, new_point, positions, box_lengths, periodic, origin, cell_size, n_cells,
                    members, counts, params):
    """dPhi [energy] of moving particle i to ``new_point (3,)``: the protocol's delta_energy.

    dPhi = sum_{K in A(i)} [Phi_K(R_i') - Phi_K(R_i)] (module docstring), each Phi_K from
    ``centre_values`` on the cell list, which still holds i in its old cell. Returns
    ``+inf`` if ``new_point`` lies closer than ``hard_core`` to another particle or
    coincides with one (undefined angles).
    """
    size = _buffer_size(positions, members)
    buf_index = np.empty(size, np.int64)
    buf_vec = np.empty((size, 3))
    buf_dist = np.empty(size)
    affected = np.empty(2 * size - 1, np.int64)
    row = np.empty(params[3].shape[0])
    count, nearest = _fill_affected(i, new_point, positions, box_lengths, periodic, origin,
                                    cell_size, n_cells, members, counts, params[0],
                                    buf_index, buf_vec, buf_dist, affected)
    if nearest == 0.0 or nearest < params[2]:  # coincident (angles 0/0) or hard-core overlap
        return np.inf
    phi_after, m = _centre_energy(i, new_point, i, new_point, positions, box_lengths, periodic,
                                  origin, cell_size, n_cells, members, counts, params,
                                  buf_index, buf_vec, buf_dist, row)
    phi_before, m = _centre_energy(i, positions[i], -1, new_point, positions, box_lengths,
                                   periodic, origin, cell_size, n_cells, members, counts, params,
                                   buf_index, buf_vec, buf_dist, row)
    delta = phi_after - phi_before
    for t in range(1, count):
        k = affected[t]
        phi_after, m = _centre_energy(k, positions[k], i, new_point, positions, box_lengths,
                                      periodic, origin, cell_size, n_cells, members, counts,
                                      params, buf_index, buf_vec, buf_dist, row)
        phi_before, m = _centre_energy(k, positions[k], -1, new_point, positions, box_lengths,
                                       periodic, origin, cell_size, n_cells, members, counts,
                                       params, buf_index, buf_vec, buf_dist, row)
        delta += phi_after - phi_before
    return delta


@njit(cache=True)
def sf_total_energy(positions, box_lengths, periodic, origin, cell_size, n_cells, members,
                    counts, params):
    """Phi = sum_K Phi_K [energy] over all centres (Eq. 8): the protocol's total_energy.

    +inf if two particles are closer than ``hard_core``.
    """
    n = positions.shape[0]
    size = _buffer_size(positions, members)
    buf_index = np.empty(size, np.int64)
    buf_vec = np.empty((size, 3))
    buf_dist = np.empty(size)
    row = np.empty(params[3].shape[0])
    hard_core = params[2]
    energy = 0.0
    for k in range(n):
        phi, m = _centre_energy(k, positions[k], -1, positions[k], positions, box_lengths,
                                periodic, origin, cell_size, n_cells, members, counts, params,
                                buf_index, buf_vec, buf_dist, row)
        for s in range(m):
            if buf_dist[s] < hard_core:
                return np.inf
        energy += phi
    return energy


# ----------------------------------------------------------------------------------------
# layer 3: the public potential object
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SFPotential:
    """A linear symmetry-function model following the potential protocol of
    :mod:`cgml.simulate.potentials`.

    Attributes
    ----------
    name : str, for logs and provenance
    r_cut : float [length], the model's R_c (cells are built with cell size >= r_cut)
    params : tuple, see the module docstring
    model : the :class:`~cgml.fitting.sf_model.SymmetryFunctionModel` it was made from
    hard_core : float [length], pairs closer than this have U = +inf (0: none)
    delta_energy, total_energy : numba dispatchers :func:`sf_delta_energy`,
        :func:`sf_total_energy` (shared by every SF potential)
    """

    name: str
    r_cut: float
    params: tuple
    model: SymmetryFunctionModel
    hard_core: float = 0.0
    delta_energy: Any = sf_delta_energy
    total_energy: Any = sf_total_energy

    @property
    def n_features(self) -> int:
        return int(self.params[3].shape[0])

    def __repr__(self) -> str:
        return f"SFPotential({self.name})"


def sf_potential(model: SymmetryFunctionModel, hard_core: float = 0.0) -> SFPotential:
    """The MC potential Phi = sum_K sum_J w_J G_J(K) of a linear SF model (Eq. 8).

    Parameters
    ----------
    model : :class:`~cgml.fitting.sf_model.SymmetryFunctionModel` (ML2: radial only;
        ML12: radial + angular), weights in k_BT for energies in k_BT, lengths in the
        model's unit (sigma_c for the nanoparticles)
    hard_core : [length], 0 <= hard_core < r_cut; U = +inf for any pair closer than this
        (a safety wall below the smallest training separation); 0 means none

    Returns
    -------
    :class:`SFPotential`; use with :func:`cgml.simulate.init_state`, ``run_nvt``, ...
    (periodic boxes need every box length >= 2 r_cut).
    """
    if not isinstance(model, SymmetryFunctionModel):
        raise ValueError(f"model must be a SymmetryFunctionModel, got {type(model).__name__}")
    r_cut = float(model.r_cut)
    if not (np.isfinite(r_cut) and r_cut > 0):
        raise ValueError(f"model.r_cut must be a positive finite length, got {model.r_cut}")
    code = cutoff_code(model.cutoff)
    kernel = pack_kernel_parameters(model.radial, model.angular)
    weights = np.array(model.weights, dtype=np.float64).reshape(-1)  # writable copy
    if weights.shape[0] != kernel.n_features:
        raise ValueError(f"{weights.shape[0]} weights for {kernel.n_features} symmetry functions")
    if not np.all(np.isfinite(weights)):
        raise ValueError("model.weights contain NaN or inf")
    hard_core = float(hard_core)
    if not (np.isfinite(hard_core) and 0.0 <= hard_core < r_cut):
        raise ValueError(f"hard_core must lie in [0, r_cut={r_cut}) [length], got {hard_core}")
    params = (r_cut, int(code), hard_core, weights, *kernel.args())
    name = (f"sf_potential(r_cut={r_cut:g}, cutoff={model.cutoff}, radial={kernel.n_radial}, "
            f"angular={kernel.n_angular}, hard_core={hard_core:g})")
    return SFPotential(name, r_cut, params, model, hard_core)


def affected_centres(potential: SFPotential, positions, cells: CellList, i: int,
                     new_point) -> np.ndarray:
    """Indices ``(k,) int64`` of the centres a trial move of particle i re-evaluates, i first.

    positions : (n, 3) [length], the configuration ``cells`` was built (or kept) for;
    cells : :class:`cgml.neighbors.CellList` with cell size >= ``potential.r_cut``;
    new_point : (3,) [length], wrapped into the box if periodic.
    """
    if not isinstance(potential, SFPotential):
        raise ValueError(f"potential must be an SFPotential, got {type(potential).__name__}")
    positions = np.ascontiguousarray(positions, dtype=np.float64)
    n = positions.shape[0]
    if positions.ndim != 2 or positions.shape[1] != 3:
        raise ValueError(f"positions must have shape (n, 3), got {positions.shape}")
    if cells.cell_of.shape[0] != n:
        raise ValueError(f"cells hold {cells.cell_of.shape[0]} particles, positions {n}")
    if np.any(cells.cell_size < potential.r_cut * (1 - 1e-12)):
        raise ValueError(f"cells {cells.cell_size} are smaller than r_cut={potential.r_cut}")
    if not (isinstance(i, (int, np.integer)) and 0 <= i < n):
        raise ValueError(f"i must be an int in [0, {n}), got {i!r}")
    new_point = np.ascontiguousarray(new_point, dtype=np.float64)
    if new_point.shape != (3,) or not np.all(np.isfinite(new_point)):
        raise ValueError(f"new_point must be a finite (3,) vector, got {new_point!r}")
    return sf_affected_centres(int(i), new_point, positions, cells.box_lengths, cells.periodic,
                               cells.origin, cells.cell_size, cells.n_cells, cells.members,
                               cells.counts, potential.params)
