"""Unit tests of cgml.simulate.sf_triangles: a linear SF model (+ pair potential) as pairs and
triangles with O(n_nb^2) energy changes.

Outside truth: :meth:`SymmetryFunctionModel.energy` (the descriptor kernels, Eq. 8) plus the
pair potential summed over pairs; energy changes recomputed from scratch; the MC driver's
running energy against a recomputation.
"""

from __future__ import annotations

import numpy as np
import pytest

from cgml.descriptors import AngularSet, RadialSet
from cgml.fitting.sf_model import SymmetryFunctionModel
from cgml.neighbors import build_cell_list, build_neighbor_list
from cgml.simulate import check_energy, init_state, pseudo_hard_spheres, run_nvt, simple_cubic_lattice
from cgml.simulate.sf_triangles import triangle_sf_potential


def _model(rng, r_cut=1.8, angular=True, xi=(1.0, 4.0)):
    radial = RadialSet.grid(mu=[0.5, 4.0], r_s=[0.0, 1.0, 1.4])
    ang = AngularSet.grid(mu_a=[0.05, 0.5], lam=[1.0, -1.0], xi=list(xi)) if angular else None
    k = len(radial) + (len(ang) if angular else 0)
    return SymmetryFunctionModel(r_cut, "tanh3", radial, ang, rng.normal(size=k))


def _configuration(rng, n_side=3, density=0.5):
    positions, box = simple_cubic_lattice(n_side, density)
    return positions + rng.uniform(-0.25, 0.25, positions.shape), box


def _reference(model, pair, positions, box):
    energy = model.energy(positions, box)
    if pair is not None:
        nl = build_neighbor_list(positions, pair.r_cut, box)
        energy += 0.5 * pair.pair_energy(nl.distances).sum()
    return energy


def _total(potential, positions, box):
    cells = build_cell_list(positions, potential.r_cut, box)
    b = cells.box_lengths
    return potential.total_energy(positions, b, cells.periodic, cells.origin, cells.cell_size, cells.n_cells,
                                  cells.members, cells.counts, potential.params), cells


@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("angular", [True, False])
def test_energy_and_moves_match_the_descriptor_model(periodic, angular):
    rng = np.random.default_rng(1 + periodic + 2 * angular)
    model = _model(rng, angular=angular)
    pair = pseudo_hard_spheres(1.1)  # reaches past the closest pairs of the jittered lattice
    positions, box = _configuration(rng)
    box = box if periodic else None
    if periodic:
        positions %= box
    potential = triangle_sf_potential(model, pair)
    total, cells = _total(potential, positions, box)
    assert total == pytest.approx(_reference(model, pair, positions, box), rel=1e-11, abs=1e-11)
    assert _reference(model, pair, positions, box) - model.energy(positions, box) > 1.0  # pairs count
    pair_changes = 0
    for _ in range(8):
        i = int(rng.integers(len(positions)))
        new = positions[i] + rng.uniform(-0.3, 0.3, 3)
        if periodic:
            new %= box
        moved = positions.copy()
        moved[i] = new
        expected = _reference(model, pair, moved, box) - _reference(model, pair, positions, box)
        pair_changes += expected != pytest.approx(model.energy(moved, box) - model.energy(positions, box))
        delta = potential.delta_energy(i, new, positions, cells.box_lengths, cells.periodic, cells.origin,
                                       cells.cell_size, cells.n_cells, cells.members, cells.counts,
                                       potential.params)
        assert delta == pytest.approx(expected, rel=1e-9, abs=1e-10)
    assert pair_changes >= 2  # the moves change the pair part too


def test_non_integer_xi_and_no_pair():
    rng = np.random.default_rng(7)
    model = _model(rng, xi=(2.5, 1.0))
    positions, box = _configuration(rng)
    positions %= box
    potential = triangle_sf_potential(model)
    total, _ = _total(potential, positions, box)
    assert total == pytest.approx(model.energy(positions, box), rel=1e-11)


def test_overlaps_are_infinite_and_mc_keeps_its_energy():
    rng = np.random.default_rng(3)
    model = _model(rng)
    model = SymmetryFunctionModel(model.r_cut, model.cutoff, model.radial, model.angular, 0.05 * model.weights)
    pair = pseudo_hard_spheres(1.0)
    positions, box = _configuration(rng)
    positions %= box
    potential = triangle_sf_potential(model, pair)
    _, cells = _total(potential, positions, box)
    args = (positions, cells.box_lengths, True, cells.origin, cells.cell_size, cells.n_cells, cells.members,
            cells.counts, potential.params)
    assert potential.delta_energy(0, positions[1].copy(), *args) == np.inf  # coincident
    bare = triangle_sf_potential(model)
    assert bare.delta_energy(0, positions[1].copy(), *args[:-1], bare.params) == np.inf  # angles 0/0
    state = init_state(positions, box, potential)
    result = run_nvt(state, potential, 20, 0.1, 5, 20)
    check_energy(result.state, potential, tolerance=1e-9)
    assert 0.05 < result.acceptance_displacement < 1.0
    with pytest.raises(ValueError):
        triangle_sf_potential(model, pair="not a potential")
