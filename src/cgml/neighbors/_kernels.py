"""Numba kernels of the cell list. Arrays and scalars in, arrays out.

A cell list is held in plain arrays so that Monte Carlo moves can update it in
O(1): ``members[c, k]`` is the k-th particle of cell c (k < counts[c]),
``cell_of[i]`` and ``slot_of[i]`` locate particle i. Periodic directions wrap,
open directions clip the cell index to the grid (correct for any position, see
``cell_index``).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def wrap_delta(delta, box_lengths, periodic):
    """Minimum-image vector of ``delta (3,)`` in place-free form."""
    out = delta.copy()
    if periodic:
        for d in range(3):
            out[d] -= box_lengths[d] * np.rint(out[d] / box_lengths[d])
    return out


@njit(cache=True)
def cell_coords(point, origin, cell_size, n_cells, periodic):
    """Integer cell coordinates (3,) of ``point``; wrapped if periodic, clipped if open."""
    c = np.empty(3, np.int64)
    for d in range(3):
        k = int(np.floor((point[d] - origin[d]) / cell_size[d]))
        if periodic:
            k = k % n_cells[d]
        else:
            if k < 0:
                k = 0
            elif k >= n_cells[d]:
                k = n_cells[d] - 1
        c[d] = k
    return c


@njit(cache=True)
def flat_index(c, n_cells):
    return (c[0] * n_cells[1] + c[1]) * n_cells[2] + c[2]


@njit(cache=True)
def fill_cells(positions, origin, cell_size, n_cells, periodic, capacity):
    """Return ``(members, counts, cell_of, slot_of, overflow)``; overflow > 0 means grow capacity."""
    n = positions.shape[0]
    n_total = n_cells[0] * n_cells[1] * n_cells[2]
    members = -np.ones((n_total, capacity), np.int64)
    counts = np.zeros(n_total, np.int64)
    cell_of = np.empty(n, np.int64)
    slot_of = np.empty(n, np.int64)
    overflow = 0
    for i in range(n):
        c = flat_index(cell_coords(positions[i], origin, cell_size, n_cells, periodic), n_cells)
        if counts[c] >= capacity:
            overflow = max(overflow, counts[c] + 1)
            counts[c] += 1
            continue
        members[c, counts[c]] = i
        cell_of[i] = c
        slot_of[i] = counts[c]
        counts[c] += 1
    return members, counts, cell_of, slot_of, overflow


@njit(cache=True)
def stencil_axis(k, n, periodic):
    """Distinct neighbouring cell coordinates along one axis (at most 3)."""
    out = np.empty(3, np.int64)
    m = 0
    for o in (-1, 0, 1):
        q = k + o
        if periodic:
            q = q % n
        elif q < 0 or q >= n:
            continue
        dup = False
        for t in range(m):
            if out[t] == q:
                dup = True
        if not dup:
            out[m] = q
            m += 1
    return out[:m]


@njit(cache=True)
def axis_cells(k, n, periodic):
    """Neighbouring cells of cell k along one axis as ``(first, count)``: cells are
    ``(first + t) % n`` for t < count. Same set as :func:`stencil_axis` (distinct cells,
    clipped when open) without allocating an array: the form the energy loops of the
    Monte Carlo engines use."""
    if periodic:
        if n >= 3:
            return k - 1 + n, 3
        return 0, n
    first = k - 1 if k > 0 else 0
    last = k + 1 if k + 1 < n else n - 1
    return first, last - first + 1


@njit(cache=True)
def cell_coordinate(x, origin, cell_size, n, periodic):
    """Cell coordinate of x along one axis, as :func:`cell_coords` (scalar, no allocation)."""
    k = int(np.floor((x - origin) / cell_size))
    if periodic:
        return k % n
    if k < 0:
        return 0
    if k >= n:
        return n - 1
    return k


@njit(cache=True)
def neighbors_of_point(point, skip, positions, box_lengths, periodic, r_cut,
                       origin, cell_size, n_cells, members, counts, out_index, out_vec, out_dist):
    """Fill the neighbours of ``point`` within ``r_cut`` (excluding particle ``skip``).

    ``out_vec[m] = point - positions[j]`` (minimum image). Returns the count; the
    caller sizes the output buffers to ``n`` so they cannot overflow.
    """
    c = cell_coords(point, origin, cell_size, n_cells, periodic)
    xs = stencil_axis(c[0], n_cells[0], periodic)
    ys = stencil_axis(c[1], n_cells[1], periodic)
    zs = stencil_axis(c[2], n_cells[2], periodic)
    r_cut2 = r_cut * r_cut
    m = 0
    cc = np.empty(3, np.int64)
    for a in xs:
        for b in ys:
            for z in zs:
                cc[0] = a
                cc[1] = b
                cc[2] = z
                cell = flat_index(cc, n_cells)
                for s in range(counts[cell]):
                    j = members[cell, s]
                    if j == skip:
                        continue
                    dx = point[0] - positions[j, 0]
                    dy = point[1] - positions[j, 1]
                    dz = point[2] - positions[j, 2]
                    if periodic:
                        dx -= box_lengths[0] * np.rint(dx / box_lengths[0])
                        dy -= box_lengths[1] * np.rint(dy / box_lengths[1])
                        dz -= box_lengths[2] * np.rint(dz / box_lengths[2])
                    d2 = dx * dx + dy * dy + dz * dz
                    if d2 < r_cut2:
                        out_index[m] = j
                        out_vec[m, 0] = dx
                        out_vec[m, 1] = dy
                        out_vec[m, 2] = dz
                        out_dist[m] = np.sqrt(d2)
                        m += 1
    return m


@njit(cache=True)
def move_particle(i, new_point, origin, cell_size, n_cells, periodic, members, counts, cell_of, slot_of):
    """Move particle i to the cell of ``new_point``. Returns False if the target cell is full."""
    c_new = flat_index(cell_coords(new_point, origin, cell_size, n_cells, periodic), n_cells)
    c_old = cell_of[i]
    if c_new == c_old:
        return True
    if counts[c_new] >= members.shape[1]:
        return False
    s = slot_of[i]
    last = members[c_old, counts[c_old] - 1]
    members[c_old, s] = last
    slot_of[last] = s
    members[c_old, counts[c_old] - 1] = -1
    counts[c_old] -= 1
    members[c_new, counts[c_new]] = i
    slot_of[i] = counts[c_new]
    cell_of[i] = c_new
    counts[c_new] += 1
    return True


@njit(cache=True)
def grow_members(members, counts, capacity):
    """A copy of the cell ``members`` table with ``capacity`` slots per cell (-1 = empty)."""
    out = -np.ones((members.shape[0], capacity), np.int64)
    for c in range(members.shape[0]):
        for s in range(counts[c]):
            out[c, s] = members[c, s]
    return out


@njit(cache=True)
def relocate(i, new_point, origin, cell_size, n_cells, periodic, members, counts, cell_of, slot_of):
    """:func:`move_particle`, doubling the cell capacity first if the target cell is full.

    Returns the members table (a new array if it had to grow).
    """
    if not move_particle(i, new_point, origin, cell_size, n_cells, periodic, members, counts,
                         cell_of, slot_of):
        members = grow_members(members, counts, 2 * members.shape[1])
        move_particle(i, new_point, origin, cell_size, n_cells, periodic, members, counts,
                      cell_of, slot_of)
    return members


@njit(cache=True)
def full_neighbor_list(positions, box_lengths, periodic, r_cut, origin, cell_size, n_cells, members, counts):
    """CSR full neighbour list: ``(offsets (n+1,), index (m,), vectors (m,3), distances (m,))``.

    ``vectors[k] = positions[i] - positions[index[k]]`` (minimum image) for the k-th
    neighbour of i, i.e. the paper's convention R_IJ = R_I - R_J.
    """
    n = positions.shape[0]
    idx = np.empty(n, np.int64)
    vec = np.empty((n, 3))
    dist = np.empty(n)
    offsets = np.zeros(n + 1, np.int64)
    for i in range(n):
        offsets[i + 1] = offsets[i] + neighbors_of_point(
            positions[i], i, positions, box_lengths, periodic, r_cut,
            origin, cell_size, n_cells, members, counts, idx, vec, dist)
    total = offsets[n]
    index = np.empty(total, np.int64)
    vectors = np.empty((total, 3))
    distances = np.empty(total)
    for i in range(n):
        m = neighbors_of_point(positions[i], i, positions, box_lengths, periodic, r_cut,
                               origin, cell_size, n_cells, members, counts, idx, vec, dist)
        # sort each row by neighbour index so results do not depend on cell order
        order = np.argsort(idx[:m])
        for t in range(m):
            k = offsets[i] + t
            index[k] = idx[order[t]]
            vectors[k] = vec[order[t]]
            distances[k] = dist[order[t]]
    return offsets, index, vectors, distances


@njit(cache=True)
def verlet_list(positions, box_lengths, r_list, capacity):
    """Periodic CSR list of every pair within ``r_list`` (minimum image), both directions:
    ``(offsets (n+1,), index (m,))``, neighbours of i in ``index[offsets[i]:offsets[i+1]]``.

    Built on its own grid of cells of at least ``r_list`` (so ``r_list`` may exceed the
    cell size of a caller's list); ``capacity`` is the first guess of the cell occupancy.
    The Monte Carlo engines use it as a Verlet list: a pair closer than ``r_cut`` now is in
    the list as long as no two bodies moved by more than ``r_list - r_cut`` together since
    it was built.
    """
    n = positions.shape[0]
    n_cells = np.empty(3, np.int64)
    cell_size = np.empty(3)
    origin = np.zeros(3)
    for d in range(3):
        n_cells[d] = max(1, int(np.floor(box_lengths[d] / r_list)))
        cell_size[d] = box_lengths[d] / n_cells[d]
    while True:
        members, counts, _, _, overflow = fill_cells(positions, origin, cell_size, n_cells, True,
                                                     capacity)
        if overflow == 0:
            break
        capacity = max(2 * capacity, overflow)
    offsets = np.zeros(n + 1, np.int64)
    index = np.empty(max(16 * n, 16), np.int64)
    idx = np.empty(n, np.int64)
    vec = np.empty((n, 3))
    dist = np.empty(n)
    for i in range(n):
        m = neighbors_of_point(positions[i], i, positions, box_lengths, True, r_list, origin,
                               cell_size, n_cells, members, counts, idx, vec, dist)
        start = offsets[i]
        if start + m > index.shape[0]:
            grown = np.empty(max(2 * index.shape[0], start + m), np.int64)
            grown[:start] = index[:start]
            index = grown
        order = np.argsort(dist[:m])  # nearest first: a hard-body scan meets its overlap soonest
        for t in range(m):
            index[start + t] = idx[order[t]]
        offsets[i + 1] = start + m
    return offsets, index[:offsets[n]].copy()
