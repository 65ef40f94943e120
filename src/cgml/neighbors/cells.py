"""Cell lists and neighbour lists for periodic (orthorhombic) and open boundaries.

Units: any length unit, used consistently by ``positions (n, 3)``, ``box_lengths (3,)``
and ``r_cut``. Vectors follow the convention R_IJ = R_I - R_J with the minimum
image convention in periodic boxes (which requires r_cut <= L/2 in every direction).

Two objects:

``CellList``  a mutable linked-cell grid for Monte Carlo (``neighbors_of``, ``move``);
``NeighborList`` a frozen full (i->j and j->i) CSR list for descriptor evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cgml.neighbors import _kernels as K


def _as_positions(positions) -> np.ndarray:
    positions = np.ascontiguousarray(positions, dtype=np.float64)
    if positions.ndim != 2 or positions.shape[1] != 3:
        raise ValueError(f"positions must have shape (n, 3), got {positions.shape}")
    if not np.all(np.isfinite(positions)):
        raise ValueError("positions contain NaN or inf")
    return positions


def minimum_image(delta, box_lengths) -> np.ndarray:
    """Apply the minimum image convention to ``delta (..., 3)``; open boundaries if box is None."""
    delta = np.asarray(delta, dtype=np.float64)
    if box_lengths is None:
        return delta
    box = np.asarray(box_lengths, dtype=np.float64)
    return delta - box * np.rint(delta / box)


@dataclass
class CellList:
    """Mutable cell grid over ``positions``; see module docstring.

    Attributes are numpy arrays passed straight into numba kernels:
    ``origin (3,)``, ``cell_size (3,)``, ``n_cells (3,) int``, ``members (n_cells_total, capacity)``,
    ``counts (n_cells_total,)``, ``cell_of (n,)``, ``slot_of (n,)``.
    """

    r_cut: float
    periodic: bool
    box_lengths: np.ndarray
    origin: np.ndarray
    cell_size: np.ndarray
    n_cells: np.ndarray
    members: np.ndarray
    counts: np.ndarray
    cell_of: np.ndarray
    slot_of: np.ndarray

    def neighbors_of(self, point, positions, skip: int = -1):
        """Return ``(index (m,), vectors (m, 3), distances (m,))`` of particles within r_cut of point."""
        positions = _as_positions(positions)
        n = positions.shape[0]
        idx = np.empty(n, np.int64)
        vec = np.empty((n, 3))
        dist = np.empty(n)
        m = K.neighbors_of_point(
            np.asarray(point, dtype=np.float64), skip, positions, self.box_lengths, self.periodic,
            self.r_cut, self.origin, self.cell_size, self.n_cells, self.members, self.counts,
            idx, vec, dist,
        )
        return idx[:m].copy(), vec[:m].copy(), dist[:m].copy()

    def move(self, i: int, new_point) -> None:
        """Record that particle ``i`` moved to ``new_point`` (already wrapped if periodic)."""
        ok = K.move_particle(i, np.asarray(new_point, dtype=np.float64), self.origin, self.cell_size,
                             self.n_cells, self.periodic, self.members, self.counts, self.cell_of,
                             self.slot_of)
        if not ok:
            raise RuntimeError("cell capacity exceeded; rebuild the cell list")


def build_cell_list(positions, r_cut: float, box_lengths=None, capacity: int | None = None,
                    min_cell_size: float | None = None) -> CellList:
    """Build a :class:`CellList` with cells no smaller than ``r_cut`` (or ``min_cell_size``).

    Parameters
    ----------
    positions : (n, 3) float [length]
    r_cut : float [length], > 0
    box_lengths : (3,) float [length] or None for open boundaries
    capacity : slots per cell; grown automatically when None
    """
    positions = _as_positions(positions)
    if not (np.isfinite(r_cut) and r_cut > 0):
        raise ValueError(f"r_cut must be positive and finite, got {r_cut}")
    size_min = float(min_cell_size if min_cell_size is not None else r_cut)
    if not (np.isfinite(size_min) and size_min > 0):
        raise ValueError(f"min_cell_size must be positive and finite, got {min_cell_size}")
    if box_lengths is None:
        periodic = False
        box = np.zeros(3)
        if len(positions):
            lo, hi = positions.min(axis=0), positions.max(axis=0)
        else:
            lo, hi = np.zeros(3), np.zeros(3)
        extent = np.maximum(hi - lo, size_min)
        # a few far-flung particles must not ask for a grid of mostly empty cells: at most
        # ~8 cells per particle, by larger cells (still >= r_cut, so no pair is missed)
        limit = max(64, 8 * len(positions))
        scale = max(1.0, float(np.prod(extent / size_min)) / limit) ** (1.0 / 3.0)
        n_cells = np.maximum(1, np.floor(extent / (size_min * scale))).astype(np.int64)
        cell_size = extent / n_cells
        origin = lo.copy()
    else:
        periodic = True
        box = np.asarray(box_lengths, dtype=np.float64)
        if box.shape != (3,) or not np.all(np.isfinite(box)) or np.any(box <= 0):
            raise ValueError(f"box_lengths must be 3 positive finite lengths, got {box_lengths!r}")
        if np.any(r_cut > box / 2 + 1e-12):
            raise ValueError(f"r_cut={r_cut} exceeds half the box {box}: minimum image is ambiguous")
        n_cells = np.maximum(1, np.floor(box / size_min)).astype(np.int64)
        cell_size = box / n_cells
        origin = np.zeros(3)
    if capacity is None:
        capacity = 8
    while True:
        members, counts, cell_of, slot_of, overflow = K.fill_cells(
            positions, origin, cell_size, n_cells, periodic, int(capacity))
        if overflow == 0:
            break
        capacity = max(2 * capacity, int(overflow))
    return CellList(float(r_cut), periodic, box, origin, cell_size, n_cells, members, counts,
                    cell_of, slot_of)


@dataclass(frozen=True)
class NeighborList:
    """Full CSR neighbour list: neighbours of i are ``index[offsets[i]:offsets[i+1]]``.

    ``vectors[k] = R_i - R_j`` (minimum image), ``distances[k] = |vectors[k]|``.
    """

    offsets: np.ndarray
    index: np.ndarray
    vectors: np.ndarray
    distances: np.ndarray
    r_cut: float

    @property
    def n_particles(self) -> int:
        return len(self.offsets) - 1

    def owners(self) -> np.ndarray:
        """Central particle i of every entry, shape (m,)."""
        return np.repeat(np.arange(self.n_particles), np.diff(self.offsets))


def build_neighbor_list(positions, r_cut: float, box_lengths=None) -> NeighborList:
    """All pairs within ``r_cut``, both directions, rows sorted by neighbour index."""
    positions = _as_positions(positions)
    cells = build_cell_list(positions, r_cut, box_lengths)
    offsets, index, vectors, distances = K.full_neighbor_list(
        positions, cells.box_lengths, cells.periodic, cells.r_cut, cells.origin, cells.cell_size,
        cells.n_cells, cells.members, cells.counts)
    return NeighborList(offsets, index, vectors, distances, float(r_cut))
