"""The rigid-body MC pair functions equal the models and geometry they are built from."""

import numpy as np
import pytest

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
