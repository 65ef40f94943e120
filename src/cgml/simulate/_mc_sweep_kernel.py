"""Template: the sweep kernel of the isotropic Monte Carlo engine (:mod:`cgml.simulate.mc`).

Bound by :func:`cgml.simulate._bind.bind` to a potential's ``delta_energy`` and
``total_energy`` (the protocol of :mod:`cgml.simulate.potentials`); never imported as it
stands (the names in the bind block are placeholders).
"""

import numpy as np
from numba import njit

from cgml.neighbors._kernels import relocate
from cgml.simulate.mc import propose_volume_move, rescaled_cells, volume_log_acceptance

# <bind>
from cgml.simulate.potentials import pair_delta_energy as delta_energy
from cgml.simulate.potentials import pair_total_energy as total_energy
CACHE = False
# </bind>


@njit(cache=CACHE)
def mc_sweeps(params, positions, box_lengths, periodic, r_cut, origin, cell_size, n_cells,
              members, counts, cell_of, slot_of, energy, beta, pressure, max_displacement,
              max_log_volume_change, do_volume, n_sweeps, seed):
    """Run ``n_sweeps`` sweeps in place; see the module docstring for the moves.

    Returns ``(positions, box_lengths, cell_size, n_cells, members, counts, cell_of,
    slot_of, energy, n_accepted_displacement, n_accepted_volume, n_attempted_volume)``
    (arrays may be new objects after volume moves). ``seed >= 0`` reseeds numba's RNG.
    """
    if seed >= 0:
        np.random.seed(seed)
    n = positions.shape[0]
    new_point = np.empty(3)
    accepted_displacement = 0
    accepted_volume = 0
    attempted_volume = 0
    trials = n + 1 if do_volume else n
    volume_probability = 1.0 / trials
    for sweep in range(n_sweeps):
        for trial in range(trials):
            if do_volume and np.random.random() < volume_probability:
                attempted_volume += 1
                ok, d_log_volume, scale, new_box, volume, new_volume = propose_volume_move(
                    box_lengths, max_log_volume_change, r_cut)
                if not ok:
                    continue
                (new_positions, new_cell_size, new_n_cells, new_members, new_counts, new_cell_of,
                 new_slot_of) = rescaled_cells(positions, new_box, scale, r_cut, origin, periodic,
                                               members.shape[1])
                new_energy = total_energy(new_positions, new_box, periodic, origin, new_cell_size,
                                          new_n_cells, new_members, new_counts, params)
                if new_energy == np.inf:
                    continue
                log_acc = volume_log_acceptance(beta, new_energy - energy, pressure, volume,
                                                new_volume, n, d_log_volume)
                if log_acc >= 0.0 or np.random.random() < np.exp(log_acc):
                    accepted_volume += 1
                    positions = new_positions
                    box_lengths = new_box
                    cell_size = new_cell_size
                    n_cells = new_n_cells
                    members = new_members
                    counts = new_counts
                    cell_of = new_cell_of
                    slot_of = new_slot_of
                    energy = new_energy
            else:
                i = np.random.randint(0, n)
                for d in range(3):
                    x = positions[i, d] + (2.0 * np.random.random() - 1.0) * max_displacement
                    if periodic:
                        x -= box_lengths[d] * np.floor(x / box_lengths[d])
                        if x >= box_lengths[d]:
                            x -= box_lengths[d]
                    new_point[d] = x
                d_energy = delta_energy(i, new_point, positions, box_lengths, periodic, origin,
                                        cell_size, n_cells, members, counts, params)
                if d_energy <= 0.0 or np.random.random() < np.exp(-beta * d_energy):
                    members = relocate(i, new_point, origin, cell_size, n_cells, periodic,
                                       members, counts, cell_of, slot_of)
                    for d in range(3):
                        positions[i, d] = new_point[d]
                    energy += d_energy
                    accepted_displacement += 1
    return (positions, box_lengths, cell_size, n_cells, members, counts, cell_of, slot_of,
            energy, accepted_displacement, accepted_volume, attempted_volume)
