"""Template: the sweep kernel of the rigid-body Monte Carlo (:mod:`cgml.simulate.rigid`).

Bound by :func:`cgml.simulate._bind.bind` to a potential's kernels (``delta_energy``,
``total_energy``, ``scan_energy``, ``body_energies``, ``list_scan``, ``list_bodies``: those
of :mod:`cgml.simulate._rigid_pair_kernels`, or a directly written potential's two with
stand-ins); never imported as it stands (the names in the bind block are placeholders).
"""

import math

import numpy as np
from numba import njit

from cgml.neighbors._kernels import relocate
from cgml.simulate.mc import propose_volume_move, rescaled_cells, volume_log_acceptance
from cgml.simulate.rigid import _min_image_distance, _relist, random_axis, rotate_about_axis

# <bind>
from cgml.simulate.rigid import _no_body_energies as body_energies
from cgml.simulate.rigid import _no_list_body_energies as list_bodies
from cgml.simulate.rigid import _no_list_scan as list_scan
from cgml.simulate.rigid import _no_scan as scan_energy
from cgml.simulate.rigid import _no_scan as delta_energy
from cgml.simulate.rigid import _no_body_energies as total_energy
CACHE = False
# </bind>


@njit(cache=CACHE, nogil=True)
def rigid_sweeps(mode, body_energy, params, positions, rotations, box_lengths, periodic,
                 r_cut, origin, cell_size, n_cells, members, counts, cell_of, slot_of, energy,
                 beta, pressure, max_displacement, max_rotation, max_log_volume_change,
                 do_volume, rectangular, planar, n_sweeps, seed, shape_reference,
                 max_shape_log_ratio, skin):
    """``n_sweeps`` sweeps in place (module docstring). Returns the (possibly new) arrays,
    the energy and tally (6,) = accepted/attempted translations, rotations, volume moves.
    A rectangular volume move is refused when max_d ln(L_d / ref_d) - min_d ln(L_d / ref_d)
    would exceed ``max_shape_log_ratio`` (inf: no bound).

    ``mode`` (:attr:`RigidPotential.mode`): 0 prices a move by ``delta_energy``; 1 (hard)
    by the new position's scan alone; 2 by the new position's scan minus the body's kept
    energy ``body_energy[i]`` (n,), which an accepted move updates for the body and its old
    and new neighbours and an accepted volume move replaces: the old position is scanned
    only for accepted moves. ``body_energy`` must hold the per-body energies of the state
    on entry (mode 2; any array otherwise).

    ``skin`` > 0 (modes 1 and 2): scans run over a Verlet list of the pairs within
    r_cut + skin, built on entry and rebuilt when needed; the decisions are those of
    the cell scans (the list holds every pair inside r_cut, argued below), so a hard
    potential's trajectory is the same bit for bit and a soft one's sums differ by
    the order of their terms. x0 are the positions at the build; a pair outside the
    list was farther than ``reach`` apart (r_cut + skin at the build, times the
    smallest axis scale of every accepted volume move since, the positions x0 scaled
    with the box); ``max_d`` bounds |x_i - x0_i| over bodies (times the largest axis
    scale of each volume move). While reach - 2 max_d >= r_cut every pair inside r_cut
    is listed. A translation whose displacement from x0_i would break that rebuilds
    the list first, or scans the cells when the step itself is longer than half the
    skin (an accepted one then rebuilds the list); a volume move that would break it
    for the scaled positions likewise. Rotations keep the centres. A call that has
    rebuilt (or scanned the cells for a long step) more than 1 + sweeps / 8 times drops
    the list for its remaining sweeps.
    """
    if seed >= 0:
        np.random.seed(seed)
    n = positions.shape[0]
    buf_j = np.empty(n, np.int64)
    buf_u = np.empty(n)
    old_j = np.empty(n, np.int64)
    old_u = np.empty(n)
    use_list = skin > 0.0 and mode != 0
    trial_body = np.empty(n if (mode == 2 or use_list) else 0)
    capacity = members.shape[1]
    offsets = np.zeros(n + 1, np.int64)
    index = np.empty(0, np.int64)
    x0 = np.empty((n if use_list else 0, 3))
    reach = r_cut + skin
    max_d = 0.0
    rebuilds = 0
    if use_list:
        offsets, index = _relist(positions, box_lengths, r_cut + skin, capacity, x0)
    point = np.empty(3)
    axis = np.empty(3)
    new_rotation = np.empty((3, 3))
    tally = np.zeros(6, np.int64)
    trials = n + 1 if do_volume else n
    volume_probability = 1.0 / trials
    for sweep in range(n_sweeps):
        for trial in range(trials):
            if do_volume and np.random.random() < volume_probability:
                tally[5] += 1
                axis_moved = np.random.randint(0, 3) if rectangular else -1
                ok, d_log_volume, scale, new_box, volume, new_volume = propose_volume_move(
                    box_lengths, max_log_volume_change, r_cut, axis_moved)
                if not ok:
                    continue
                if rectangular and max_shape_log_ratio < np.inf:
                    lo, hi = np.inf, -np.inf
                    for d in range(3):
                        g = math.log(new_box[d] / shape_reference[d])
                        lo, hi = min(lo, g), max(hi, g)
                    if hi - lo > max_shape_log_ratio:
                        continue
                (new_positions, new_cell_size, new_n_cells, new_members, new_counts, new_cell_of,
                 new_slot_of) = rescaled_cells(positions, new_box, scale, r_cut, origin, periodic,
                                               members.shape[1])
                listed = False
                s_min = 1.0
                s_max = 1.0
                if use_list:
                    s_min = min(scale[0], min(scale[1], scale[2]))
                    s_max = max(scale[0], max(scale[1], scale[2]))
                    if s_min * reach - 2.0 * s_max * max_d < r_cut:
                        offsets, index = _relist(positions, box_lengths, r_cut + skin,
                                                 capacity, x0)
                        reach, max_d, rebuilds = r_cut + skin, 0.0, rebuilds + 1
                    listed = s_min * reach - 2.0 * s_max * max_d >= r_cut
                if listed:
                    new_energy = list_bodies(new_positions, rotations, new_box, offsets, index,
                                             r_cut, params, trial_body, buf_j, buf_u)
                elif mode == 2:
                    new_energy = body_energies(new_positions, rotations, new_box, periodic, r_cut,
                                               origin, new_cell_size, new_n_cells, new_members,
                                               new_counts, params, trial_body, buf_j, buf_u)
                else:
                    new_energy = total_energy(new_positions, rotations, new_box, periodic, r_cut,
                                              origin, new_cell_size, new_n_cells, new_members,
                                              new_counts, params)
                if new_energy == np.inf:
                    continue
                log_acc = volume_log_acceptance(beta, new_energy - energy, pressure, volume,
                                                new_volume, n, d_log_volume)
                if log_acc >= 0.0 or np.random.random() < math.exp(log_acc):
                    tally[4] += 1
                    positions = new_positions
                    box_lengths = new_box
                    cell_size = new_cell_size
                    n_cells = new_n_cells
                    members = new_members
                    counts = new_counts
                    cell_of = new_cell_of
                    slot_of = new_slot_of
                    energy = new_energy
                    if mode == 2:
                        body_energy[:] = trial_body
                    if listed:
                        for j in range(n):
                            for d in range(3):
                                x0[j, d] *= scale[d]
                        reach *= s_min
                        max_d *= s_max
                    elif use_list:
                        offsets, index = _relist(positions, box_lengths, r_cut + skin,
                                                 capacity, x0)
                        reach, max_d, rebuilds = r_cut + skin, 0.0, rebuilds + 1
                continue
            i = np.random.randint(0, n)
            translate = np.random.random() < 0.5
            if translate:
                tally[1] += 1
                for d in range(3):
                    x = positions[i, d]
                    if d < 2 or not planar:
                        x += (2.0 * np.random.random() - 1.0) * max_displacement
                        x -= box_lengths[d] * math.floor(x / box_lengths[d])
                        if x >= box_lengths[d]:
                            x -= box_lengths[d]
                    point[d] = x
                for r in range(3):
                    for k in range(3):
                        new_rotation[r, k] = rotations[i, r, k]
            else:
                tally[3] += 1
                random_axis(planar, axis)
                angle = (2.0 * np.random.random() - 1.0) * max_rotation
                rotate_about_axis(rotations[i], axis, angle, new_rotation)
                for d in range(3):
                    point[d] = positions[i, d]
            count = 0
            listed = use_list
            shift = 0.0
            if use_list and translate:
                shift = _min_image_distance(point, x0[i], box_lengths)
                if 2.0 * max(max_d, shift) > reach - r_cut:
                    step = _min_image_distance(point, positions[i], box_lengths)
                    if 2.0 * step <= skin:  # a list built now holds this trial
                        offsets, index = _relist(positions, box_lengths, r_cut + skin,
                                                 capacity, x0)
                        reach, max_d, rebuilds = r_cut + skin, 0.0, rebuilds + 1
                        shift = step
                    else:  # a step longer than the skin: the cells
                        listed = False
                        rebuilds += 1  # counted as a rebuild for dropping the list
            if mode == 0:
                d_energy = delta_energy(i, point, new_rotation, positions, rotations, box_lengths,
                                        periodic, r_cut, origin, cell_size, n_cells, members,
                                        counts, params)
            else:
                if listed:
                    e_new, count = list_scan(i, point, new_rotation, 0, positions, rotations,
                                             box_lengths, offsets, index, r_cut, params,
                                             mode == 2, buf_j, buf_u)
                else:
                    e_new, count = scan_energy(i, point, new_rotation, 0, positions, rotations,
                                               box_lengths, periodic, r_cut, origin, cell_size,
                                               n_cells, members, counts, params, mode == 2,
                                               buf_j, buf_u)
                d_energy = e_new if (mode == 1 or e_new == np.inf) else e_new - body_energy[i]
            if d_energy <= 0.0 or np.random.random() < math.exp(-beta * d_energy):
                if mode == 2:
                    # the old position's pair terms off the neighbours, the new ones on
                    if listed:
                        _, n_old = list_scan(i, positions[i], rotations[i], 0, positions,
                                             rotations, box_lengths, offsets, index, r_cut,
                                             params, True, old_j, old_u)
                    else:
                        _, n_old = scan_energy(i, positions[i], rotations[i], 0, positions,
                                               rotations, box_lengths, periodic, r_cut, origin,
                                               cell_size, n_cells, members, counts, params, True,
                                               old_j, old_u)
                    for k in range(n_old):
                        body_energy[old_j[k]] -= old_u[k]
                    for k in range(count):
                        body_energy[buf_j[k]] += buf_u[k]
                    body_energy[i] = e_new
                if translate:
                    members = relocate(i, point, origin, cell_size, n_cells, periodic, members,
                                       counts, cell_of, slot_of)
                    for d in range(3):
                        positions[i, d] = point[d]
                    tally[0] += 1
                    if listed:
                        max_d = max(max_d, shift)
                    elif use_list:  # moved farther than the skin allows: list it anew
                        offsets, index = _relist(positions, box_lengths, r_cut + skin,
                                                 capacity, x0)
                        reach, max_d, rebuilds = r_cut + skin, 0.0, rebuilds + 1
                else:
                    for r in range(3):
                        for k in range(3):
                            rotations[i, r, k] = new_rotation[r, k]
                    tally[2] += 1
                energy += d_energy
        if use_list and rebuilds > 1 + (sweep + 1) / 8.0:
            use_list = False  # steps too long for the skin: the cells are cheaper
    return (positions, box_lengths, cell_size, n_cells, members, counts, cell_of, slot_of,
            energy, tally)
