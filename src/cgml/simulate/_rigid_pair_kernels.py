"""Template: the numba kernels of a rigid-body pair potential (:mod:`cgml.simulate.rigid`).

Bound by :func:`cgml.simulate._bind.bind` to a pair function ``pair_energy(r_ij, rot_i,
rot_j, params) -> float`` and ``HARD``; never imported as it stands (the names in the
bind block are placeholders). :func:`cgml.simulate.rigid.rigid_pair_potential` documents
what the kernels compute.

``HARD``: the pair energy is 0 or +inf only, so a body of a valid (overlap-free) state
has energy 0 and the energy change of a move is that of the new position alone: the
second neighbour scan (the old position) is skipped. Same trajectory, fewer pair calls.

``scan_energy(i, point, rotation, j_min, positions, rotations, box_lengths, periodic,
r_cut, origin, cell_size, n_cells, members, counts, params, record, buf_j, buf_u) ->
(energy, count)``: the energy of body i at ``point`` with ``rotation`` with every body
j >= j_min (j != i); with ``record`` it writes each pair inside r_cut to ``buf_j[:count]``
(bodies) and ``buf_u[:count]`` (pair energies). It stops at the first +inf.
``body_energies(positions, rotations, ..., params, out, buf_j, buf_u) -> total``: the
per-body energies u_i = sum_j u_ij into ``out (n,)`` and the total, summed in the order
of ``total_energy`` (the same float). The sweep kernel keeps u_i of a soft potential up
to date, so a move costs one neighbour scan (the new position) plus, only when it is
accepted, the scan of the old position that updates the neighbours' u_j.
``list_scan`` / ``list_body_energies``: the same over a Verlet list.
``cluster_moves``: ``n_moves`` cluster translations and rotations (the module docstring of
:mod:`cgml.simulate.rigid`).
"""

import math

import numpy as np
from numba import njit

from cgml.neighbors._kernels import axis_cells, cell_coordinate, neighbors_of_point, relocate
from cgml.simulate.rigid import random_axis, rotate_about_axis

# <bind>
from cgml.simulate.rigid_potentials import _hard_spherocylinder_pair as pair_energy
HARD = True
CACHE = False
# </bind>


@njit(cache=CACHE)
def scan_energy(i, point, rotation, j_min, positions, rotations, box_lengths, periodic, r_cut,
                origin, cell_size, n_cells, members, counts, params, record, buf_j, buf_u):
    # the cell-list neighbours of point (body i excluded), summed on the fly through
    # the allocation-free stencil of the shared cell list: no neighbour buffers
    nx = n_cells[0]
    ny = n_cells[1]
    nz = n_cells[2]
    ax, mx = axis_cells(cell_coordinate(point[0], origin[0], cell_size[0], nx, periodic), nx, periodic)
    ay, my = axis_cells(cell_coordinate(point[1], origin[1], cell_size[1], ny, periodic), ny, periodic)
    az, mz = axis_cells(cell_coordinate(point[2], origin[2], cell_size[2], nz, periodic), nz, periodic)
    r_cut2 = r_cut * r_cut
    lx = box_lengths[0]
    ly = box_lengths[1]
    lz = box_lengths[2]
    inv_lx = 1.0 / lx if periodic else 0.0  # open: rint(0) = 0, no image shift
    inv_ly = 1.0 / ly if periodic else 0.0
    inv_lz = 1.0 / lz if periodic else 0.0
    r_ij = np.empty(3)
    energy = 0.0
    count = 0
    for ta in range(mx):
        a = (ax + ta) % nx
        for tb in range(my):
            b = (ay + tb) % ny
            for tc in range(mz):
                c = (az + tc) % nz
                cell = (a * ny + b) * nz + c
                for s in range(counts[cell]):
                    j = members[cell, s]
                    if j == i or j < j_min:
                        continue
                    # written out: a helper call here cost 25% of a hard-rod sweep (measured)
                    dx = point[0] - positions[j, 0]
                    dx -= lx * np.rint(dx * inv_lx)
                    dy = point[1] - positions[j, 1]
                    dy -= ly * np.rint(dy * inv_ly)
                    dz = point[2] - positions[j, 2]
                    dz -= lz * np.rint(dz * inv_lz)
                    if dx * dx + dy * dy + dz * dz < r_cut2:
                        r_ij[0] = -dx
                        r_ij[1] = -dy
                        r_ij[2] = -dz
                        u = pair_energy(r_ij, rotation, rotations[j], params)
                        if u == np.inf:
                            return np.inf, count
                        energy += u
                        if record:
                            buf_j[count] = j
                            buf_u[count] = u
                            count += 1
    return energy, count

@njit(cache=CACHE)
def list_scan(i, point, rotation, j_min, positions, rotations, box_lengths, offsets, index,
              r_cut, params, record, buf_j, buf_u):
    # scan_energy over body i's Verlet-list entries (periodic box) instead of the cells;
    # the pair body is scan_energy's, written out for the same reason: shared through an
    # @njit(inline="always") helper returning NaN beyond r_cut, the hard-rod sweeps ran
    # 306 -> 90 (cells) and 414 -> 276 (list) sweeps/s at rho 0.13 (measured 2026-12-07)
    r_cut2 = r_cut * r_cut
    lx = box_lengths[0]
    ly = box_lengths[1]
    lz = box_lengths[2]
    inv_lx = 1.0 / lx
    inv_ly = 1.0 / ly
    inv_lz = 1.0 / lz
    r_ij = np.empty(3)
    energy = 0.0
    count = 0
    for k in range(offsets[i], offsets[i + 1]):
        j = index[k]
        if j < j_min:
            continue
        dx = point[0] - positions[j, 0]
        dx -= lx * np.rint(dx * inv_lx)
        dy = point[1] - positions[j, 1]
        dy -= ly * np.rint(dy * inv_ly)
        dz = point[2] - positions[j, 2]
        dz -= lz * np.rint(dz * inv_lz)
        if dx * dx + dy * dy + dz * dz < r_cut2:
            r_ij[0] = -dx
            r_ij[1] = -dy
            r_ij[2] = -dz
            u = pair_energy(r_ij, rotation, rotations[j], params)
            if u == np.inf:
                return np.inf, count
            energy += u
            if record:
                buf_j[count] = j
                buf_u[count] = u
                count += 1
    return energy, count

@njit(cache=CACHE)
def list_body_energies(positions, rotations, box_lengths, offsets, index, r_cut, params, out,
                       buf_j, buf_u):
    # body_energies over the Verlet list (periodic box); +inf at the first overlap
    out[:] = 0.0
    energy = 0.0
    for i in range(positions.shape[0]):
        e, count = list_scan(i, positions[i], rotations[i], i + 1, positions, rotations,
                             box_lengths, offsets, index, r_cut, params, True, buf_j, buf_u)
        if e == np.inf:
            return np.inf
        energy += e
        out[i] += e
        for k in range(count):
            out[buf_j[k]] += buf_u[k]
    return energy

@njit(cache=CACHE)
def delta_energy(i, new_point, new_rotation, positions, rotations, box_lengths, periodic,
                 r_cut, origin, cell_size, n_cells, members, counts, params):
    none_j = np.empty(0, np.int64)
    none_u = np.empty(0)
    e_new, _ = scan_energy(i, new_point, new_rotation, 0, positions, rotations, box_lengths,
                           periodic, r_cut, origin, cell_size, n_cells, members, counts,
                           params, False, none_j, none_u)
    if e_new == np.inf or HARD:
        return e_new
    e_old, _ = scan_energy(i, positions[i], rotations[i], 0, positions, rotations,
                           box_lengths, periodic, r_cut, origin, cell_size, n_cells, members,
                           counts, params, False, none_j, none_u)
    return e_new - e_old

@njit(cache=CACHE)
def body_energies(positions, rotations, box_lengths, periodic, r_cut, origin, cell_size,
                  n_cells, members, counts, params, out, buf_j, buf_u):
    out[:] = 0.0
    energy = 0.0
    for i in range(positions.shape[0]):
        e, count = scan_energy(i, positions[i], rotations[i], i + 1, positions, rotations,
                               box_lengths, periodic, r_cut, origin, cell_size, n_cells,
                               members, counts, params, True, buf_j, buf_u)
        if e == np.inf:
            return np.inf
        energy += e
        out[i] += e
        for k in range(count):
            out[buf_j[k]] += buf_u[k]
    return energy

@njit(cache=CACHE)
def total_energy(positions, rotations, box_lengths, periodic, r_cut, origin, cell_size,
                 n_cells, members, counts, params):
    n = positions.shape[0]
    return body_energies(positions, rotations, box_lengths, periodic, r_cut, origin,
                         cell_size, n_cells, members, counts, params, np.empty(n),
                         np.empty(n, np.int64), np.empty(n))


@njit(cache=CACHE)
def outside_energy(point, i, rot_i, positions, rotations, box_lengths, r_cut, origin, cell_size,
                   n_cells, members, counts, params, in_c, bond_energy, index, vectors, distances,
                   r_ij):
    """Energy [kT] of body i at ``point`` with orientation ``rot_i`` with the bodies outside
    the cluster ``in_c``, and whether one of them overlaps it or is bonded to it
    (u < -bond_energy)."""
    k = neighbors_of_point(point, i, positions, box_lengths, True, r_cut, origin, cell_size,
                           n_cells, members, counts, index, vectors, distances)
    energy = 0.0
    for t in range(k):
        j = index[t]
        if in_c[j]:
            continue
        for d in range(3):
            r_ij[d] = -vectors[t, d]
        u = pair_energy(r_ij, rot_i, rotations[j], params)
        if u == np.inf or u < -bond_energy:
            return energy, True
        energy += u
    return energy, False

@njit(cache=CACHE)
def cluster_moves(positions, rotations, box_lengths, r_cut, origin, cell_size, n_cells,
                  members, counts, cell_of, slot_of, energy, params, beta, max_displacement,
                  max_rotation, bond_energy, planar, n_moves, seed):
    if seed >= 0:
        np.random.seed(seed)
    n = positions.shape[0]
    index = np.empty(n, np.int64)
    vectors = np.empty((n, 3))
    distances = np.empty(n)
    in_c = np.zeros(n, np.bool_)
    stack = np.empty(n, np.int64)
    cluster = np.empty(n, np.int64)
    unwrapped = np.empty((n, 3))
    new_points = np.empty((n, 3))
    new_rotations = np.empty((n, 3, 3))
    r_ij = np.empty(3)
    delta = np.empty(3)
    centre = np.empty(3)
    axis = np.empty(3)
    turn = np.empty((3, 3))
    identity = np.eye(3)
    # side the rotated (planar: in-plane) extent of a cluster must stay below
    side = min(box_lengths[0], box_lengths[1]) if planar else box_lengths.min()
    # accepted, attempted, summed cluster sizes, accepted / attempted rotations
    tally = np.zeros(5, np.int64)
    for move in range(n_moves):
        tally[1] += 1
        in_c[:] = False
        first = np.random.randint(0, n)
        in_c[first] = True
        stack[0] = first
        for d in range(3):
            unwrapped[first, d] = positions[first, d]
        top = 1
        m = 0
        while top > 0:
            top -= 1
            i = stack[top]
            cluster[m] = i
            m += 1
            k = neighbors_of_point(positions[i], i, positions, box_lengths, True, r_cut, origin,
                                   cell_size, n_cells, members, counts, index, vectors, distances)
            for t in range(k):
                j = index[t]
                if in_c[j]:
                    continue
                r_ij[0] = -vectors[t, 0]
                r_ij[1] = -vectors[t, 1]
                r_ij[2] = -vectors[t, 2]
                if pair_energy(r_ij, rotations[i], rotations[j], params) < -bond_energy:
                    in_c[j] = True
                    stack[top] = j
                    top += 1
                    for d in range(3):  # unwrapped along the bond tree
                        unwrapped[j, d] = unwrapped[i, d] + r_ij[d]
        tally[2] += m
        rotate = max_rotation > 0.0 and np.random.random() < 0.5
        if rotate:
            tally[4] += 1
            random_axis(planar, axis)
            angle = (2.0 * np.random.random() - 1.0) * max_rotation
            rotate_about_axis(identity, axis, angle, turn)
            for d in range(3):
                centre[d] = 0.0
            for a in range(m):
                for d in range(3):
                    centre[d] += unwrapped[cluster[a], d]
            for d in range(3):
                centre[d] /= m
            extent = 0.0
            for a in range(m):
                i = cluster[a]
                e2 = 0.0
                for d in range(3):
                    e2 += (unwrapped[i, d] - centre[d]) ** 2
                extent = max(extent, math.sqrt(e2))
            if 2.0 * extent + r_cut >= side:
                continue  # members could meet through a periodic image: not a rigid move
        else:
            for d in range(3):
                delta[d] = 0.0 if (planar and d == 2) else (2.0 * np.random.random() - 1.0) * max_displacement
        if m == n:
            continue  # the whole system: a rigid move changes no energy
        reject = False
        d_energy = 0.0
        for a in range(m):
            i = cluster[a]
            if rotate:
                for d in range(3):
                    x = centre[d]
                    for e in range(3):
                        x += turn[d, e] * (unwrapped[i, e] - centre[e])
                    new_points[a, d] = x
                if planar:  # exactly in the plane (the centre's z may differ by round-off)
                    new_points[a, 2] = positions[i, 2]
                for r in range(3):
                    for c in range(3):
                        new_rotations[a, r, c] = (turn[r, 0] * rotations[i, 0, c] + turn[r, 1] * rotations[i, 1, c]
                                                  + turn[r, 2] * rotations[i, 2, c])
            else:
                for d in range(3):
                    new_points[a, d] = positions[i, d] + delta[d]
                for r in range(3):
                    for c in range(3):
                        new_rotations[a, r, c] = rotations[i, r, c]
            for d in range(3):
                x = new_points[a, d]
                x -= box_lengths[d] * math.floor(x / box_lengths[d])
                if x >= box_lengths[d]:
                    x -= box_lengths[d]
                new_points[a, d] = x
            e_new, reject = outside_energy(new_points[a], i, new_rotations[a], positions, rotations,
                                           box_lengths, r_cut, origin, cell_size, n_cells, members,
                                           counts, params, in_c, bond_energy, index, vectors,
                                           distances, r_ij)
            if reject:
                break
            # a cluster has no bond and no overlap with the rest (a connected component)
            e_old, _ = outside_energy(positions[i], i, rotations[i], positions, rotations, box_lengths,
                                      r_cut, origin, cell_size, n_cells, members, counts, params, in_c,
                                      bond_energy, index, vectors, distances, r_ij)
            d_energy += e_new - e_old
        if reject:
            continue
        if d_energy <= 0.0 or np.random.random() < math.exp(-beta * d_energy):
            for a in range(m):
                i = cluster[a]
                members = relocate(i, new_points[a], origin, cell_size, n_cells, True, members,
                                   counts, cell_of, slot_of)
                for d in range(3):
                    positions[i, d] = new_points[a, d]
                if rotate:
                    for r in range(3):
                        for c in range(3):
                            rotations[i, r, c] = new_rotations[a, r, c]
            energy += d_energy
            tally[0] += 1
            if rotate:
                tally[3] += 1
    return positions, rotations, members, energy, tally
