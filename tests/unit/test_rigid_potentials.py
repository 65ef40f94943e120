"""The rigid-body MC pair functions equal the models and geometry they are built from."""

import numpy as np
import pytest
from numba import njit

from cgml.descriptors.sfunctions import EVEN_FUNCTIONS, AngularBasis, RadialBasis
from cgml.fitting.sfunction_model import SFunctionPairModel
from cgml.geometry.rotations import random_rotation_matrices, rotation_matrix_about_axis
from cgml.geometry.superball import superball_overlap
from cgml.simulate.rigid import init_rigid_state, rigid_energy
from cgml.simulate.rigid_potentials import (
    hard_spherocylinder_potential,
    sfunction_pair_energy,
    sfunction_pair_params,
    sfunction_potential,
    superball_depletion_potential,
)


@njit(cache=True)
def _soft_axis_pair(r_ij, rot_i, rot_j, params):
    """A smooth anisotropic pair energy, exchange-symmetric, zero at r_cut = params[0]."""
    r = np.sqrt(r_ij[0] ** 2 + r_ij[1] ** 2 + r_ij[2] ** 2)
    ci = (rot_i[0, 2] * r_ij[0] + rot_i[1, 2] * r_ij[1] + rot_i[2, 2] * r_ij[2]) / r
    cj = (rot_j[0, 2] * r_ij[0] + rot_j[1, 2] * r_ij[1] + rot_j[2, 2] * r_ij[2]) / r
    cij = rot_i[0, 2] * rot_j[0, 2] + rot_i[1, 2] * rot_j[1, 2] + rot_i[2, 2] * rot_j[2, 2]
    return (1.0 - r / params[0]) ** 2 * (1.0 + 0.4 * (ci * ci + cj * cj) - 0.4 * cij * ci * cj)


def _model(rng, r_cut=2.0):
    angular = AngularBasis.monomials(EVEN_FUNCTIONS[:6] + (15,), 2)
    radial = RadialBasis.exponential([2.0, 6.0])
    selected = rng.choice(len(angular) * len(radial), 12, replace=False)
    return SFunctionPairModel(angular, radial, r_cut, selected, rng.normal(size=12))


def test_sfunction_pair_energy_equals_the_model():
    rng = np.random.default_rng(0)
    model = _model(rng)
    m = 200
    rot_i, rot_j = random_rotation_matrices(rng, m), random_rotation_matrices(rng, m)
    u = rng.normal(size=(m, 3))
    sep = u / np.linalg.norm(u, axis=1, keepdims=True) * rng.uniform(0.8, 2.4, (m, 1))
    params = sfunction_pair_params(model, scale=-3.0)
    mc = np.array([sfunction_pair_energy(sep[k], rot_i[k], rot_j[k], params) for k in range(m)])
    np.testing.assert_allclose(mc, -3.0 * model.predict(rot_i, rot_j, sep), rtol=1e-11, atol=1e-12)
    assert np.all(mc[np.linalg.norm(sep, axis=1) >= 2.0] == 0.0)


def test_sfunction_potential_total_energy_is_the_sum_of_model_pairs():
    rng = np.random.default_rng(1)
    model = _model(rng)
    potential = sfunction_potential(model, hard_diameter=1.0)
    positions = np.array([[1.0, 1.0, 1.0], [2.3, 1.2, 1.0], [1.5, 2.4, 1.3], [4.0, 4.0, 4.0]])
    rotations = random_rotation_matrices(rng, 4)
    state = init_rigid_state(positions, rotations, np.full(3, 6.0), potential)
    expected = 0.0
    for i in range(4):
        for j in range(i + 1, 4):
            d = positions[j] - positions[i]
            d -= 6.0 * np.rint(d / 6.0)
            expected += model.predict(rotations[[i]], rotations[[j]], d[None])[0]
    assert rigid_energy(state, potential) == pytest.approx(expected, rel=1e-11)
    with pytest.raises(ValueError, match="overlapping"):
        init_rigid_state(positions[:2] * [[1, 1, 1], [0.5, 1, 1]] + [[0, 0, 0], [0.4, 0, 0]],
                         rotations[:2], np.full(3, 6.0), potential)


def test_hard_spherocylinders_touch_at_the_closed_form_distances():
    potential = hard_spherocylinder_potential(4.0, 1.0)
    pair = potential.pair_energy
    eye = np.eye(3)
    assert pair(np.array([1.001, 0.0, 0.0]), eye, eye, potential.params) == 0.0   # side by side
    assert pair(np.array([0.999, 0.0, 0.0]), eye, eye, potential.params) == np.inf
    assert pair(np.array([0.0, 0.0, 5.001]), eye, eye, potential.params) == 0.0   # end to end, L + D
    assert pair(np.array([0.0, 0.0, 4.999]), eye, eye, potential.params) == np.inf
    crossed = rotation_matrix_about_axis([1.0, 0.0, 0.0], np.pi / 2)  # T shape
    assert pair(np.array([0.0, 0.0, 3.001]), eye, crossed, potential.params) == 0.0
    assert pair(np.array([0.0, 0.0, 2.999]), eye, crossed, potential.params) == np.inf


def test_superball_hard_core_agrees_with_the_geometry_module():
    rng = np.random.default_rng(2)
    model = _model(rng, r_cut=1.5)
    potential = superball_depletion_potential(model, 1.0, 3.5, fugacity=10.0)
    m = 300
    rot_i, rot_j = random_rotation_matrices(rng, m), random_rotation_matrices(rng, m)
    u = rng.normal(size=(m, 3))
    sep = u / np.linalg.norm(u, axis=1, keepdims=True) * rng.uniform(0.9, 1.3, (m, 1))
    hard = np.array([potential.pair_energy(sep[k], rot_i[k], rot_j[k], potential.params) == np.inf
                     for k in range(m)])
    expected = superball_overlap(sep, rot_i, rot_j, 1.0, 3.5)
    assert 0.1 < expected.mean() < 0.9
    np.testing.assert_array_equal(hard, expected)
    soft = ~hard
    energies = np.array([potential.pair_energy(sep[k], rot_i[k], rot_j[k], potential.params)
                         for k in np.flatnonzero(soft)])
    np.testing.assert_allclose(energies, -10.0 * model.predict(rot_i[soft], rot_j[soft], sep[soft]),
                               rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("box_length", [6.0, 8.9, 9.5, 13.0])
def test_rigid_energies_equal_a_brute_force_pair_sum_for_any_number_of_cells(box_length):
    # r_cut = 3 (boxes >= 2 r_cut): boxes of 6 and 8.9 have 2 cells per side (the stencil
    # covers the whole box and must not count a cell twice), 9.5 and 13 have 3 and 4 (a
    # true 3 x 3 x 3 neighbourhood); total and move energies must equal the O(N^2) sum
    from cgml.simulate.rigid import rigid_pair_potential

    potential = rigid_pair_potential(_soft_axis_pair, 3.0, (3.0,), "soft axis")
    rng = np.random.default_rng(int(box_length * 10))
    n = 30
    positions = rng.uniform(0.0, box_length, size=(n, 3))
    rotations = random_rotation_matrices(rng, n)
    box = np.full(3, box_length)
    state = init_rigid_state(positions, rotations, box, potential)

    def brute(pos, rot):
        total = 0.0
        for i in range(n):
            for j in range(i + 1, n):
                d = pos[j] - pos[i]
                d -= box_length * np.rint(d / box_length)
                if np.linalg.norm(d) < 3.0:
                    total += _soft_axis_pair(d, rot[i], rot[j], (3.0,))
        return total

    reference = brute(positions, rotations)
    assert abs(reference) > 0
    assert rigid_energy(state, potential) == pytest.approx(reference, rel=1e-12, abs=1e-12)
    # the pair function is exchange-symmetric, as the engine requires
    d, ri, rj = positions[1] - positions[0], rotations[0], rotations[1]
    assert _soft_axis_pair(d, ri, rj, (3.0,)) == pytest.approx(_soft_axis_pair(-d, rj, ri, (3.0,)))
    # moves of the first, a middle and the last body (new position and orientation): the
    # kernel's energy change, with neighbours on both sides of the moved index
    cells = state.cells
    for k in (0, n // 2, n - 1):
        new_point = (positions[k] + rng.normal(size=3)) % box_length
        new_rot = random_rotation_matrices(rng, 1)[0]
        moved_pos, moved_rot = positions.copy(), rotations.copy()
        moved_pos[k], moved_rot[k] = new_point, new_rot
        delta = potential.delta_energy(k, new_point, new_rot, positions, rotations, box, True,
                                       potential.r_cut, cells.origin, cells.cell_size, cells.n_cells,
                                       cells.members, cells.counts, potential.params)
        assert delta == pytest.approx(brute(moved_pos, moved_rot) - reference, rel=1e-10, abs=1e-10)
