"""The shared linear S-function pair model: exchange symmetry, persistence, planted fits."""

import numpy as np
import pytest

from cgml.descriptors.sfunctions import EVEN_FUNCTIONS, AngularBasis, RadialBasis, compute_s_functions
from cgml.fitting import fit_linear
from cgml.fitting.sfunction_model import SFunctionPairModel, pair_regressors
from cgml.geometry.rotations import random_rotation_matrices
from cgml.selection import forward_stepwise


def _pairs(rng, m, r_min=1.0, r_max=1.8):
    rot_i = random_rotation_matrices(rng, m)
    rot_j = random_rotation_matrices(rng, m)
    u = rng.normal(size=(m, 3))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    return rot_i, rot_j, u * rng.uniform(r_min, r_max, size=(m, 1))


def test_both_centres_energy_is_exchange_symmetric():
    rng = np.random.default_rng(1)
    rot_i, rot_j, sep = _pairs(rng, 50)
    angular = AngularBasis.monomials(EVEN_FUNCTIONS, 2)
    radial = RadialBasis.exponential([2.0, 5.0])
    w = rng.normal(size=len(angular) * len(radial))
    model = SFunctionPairModel(angular, radial, 2.0, np.arange(w.size), w)
    forward = model.predict(rot_i, rot_j, sep)
    swapped = model.predict(rot_j, rot_i, -sep)
    np.testing.assert_allclose(forward, swapped, rtol=1e-12, atol=1e-12)
    # and equals Eq. 12 written out: sum_k w_k Lambda(R) f_c(R) [M_k(I, J) + M_k(J, I)], with
    # Lambda = exp(-mu R), f_c = tanh^3(1 - R / R_c), columns radial-major
    r = np.linalg.norm(sep, axis=1)
    fc = np.tanh(1.0 - r / 2.0) ** 3
    both = [compute_s_functions(rot_i, rot_j, sep), compute_s_functions(rot_j, rot_i, -sep)]
    mono = sum(np.prod(sv[:, list(EVEN_FUNCTIONS)][:, None, :] ** angular.exponents[None], axis=2)
               for sv in both)  # (m, n_k)
    expected = sum(w[ir * len(angular) + k] * np.exp(-mu * r) * fc * mono[:, k]
                   for ir, mu in enumerate((2.0, 5.0)) for k in range(len(angular)))
    np.testing.assert_allclose(forward, expected, rtol=1e-11, atol=1e-13)
    # the one-centre form is not symmetric in general (a contact function of I's frame)
    one = SFunctionPairModel(angular, RadialBasis.none(), None, np.arange(len(angular)),
                             w[:len(angular)], centres="one")
    assert not np.allclose(one.predict(rot_i, rot_j, sep), one.predict(rot_j, rot_i, -sep))
    # beyond the cutoff the energy vanishes
    assert np.all(model.predict(rot_i, rot_j, sep / np.linalg.norm(sep, axis=1, keepdims=True) * 2.5) == 0)


def test_planted_model_is_recovered_and_survives_a_round_trip(tmp_path):
    rng = np.random.default_rng(2)
    rot_i, rot_j, sep = _pairs(rng, 400)
    angular = AngularBasis.monomials(range(6), 2)
    radial = RadialBasis.exponential([3.0, 8.0])
    pool = pair_regressors(rot_i, rot_j, sep, angular, radial, 2.0)
    planted = {4: 2.0, 30: -1.5, 40: 0.7}
    target = sum(w * pool[:, j] for j, w in planted.items())
    sel = forward_stepwise(pool, target, max_features=10, min_gain=1e-10)
    # three columns explain it (with centres="both" exchange partners, e.g. S011^00 and
    # S101^00, give identical columns, so the indices themselves need not be the planted ones)
    assert len(sel.selected) == 3
    fit = fit_linear(pool[:, sel.selected], target)
    model = SFunctionPairModel(angular, radial, 2.0, sel.selected, fit.coef)
    np.testing.assert_allclose(model.predict(rot_i, rot_j, sep), target, atol=1e-8)
    model.save(tmp_path / "m.json")
    back = SFunctionPairModel.load(tmp_path / "m.json")
    np.testing.assert_array_equal(back.predict(rot_i, rot_j, sep), model.predict(rot_i, rot_j, sep))
    assert back.labels == model.labels


def test_bad_model_inputs_are_named(tmp_path):
    angular = AngularBasis.monomials([0, 1], 1)
    with pytest.raises(ValueError, match="weights"):
        SFunctionPairModel(angular, RadialBasis.exponential(1.0), 2.0, [0, 1], [1.0])
    with pytest.raises(ValueError, match="pool size"):
        SFunctionPairModel(angular, RadialBasis.exponential(1.0), 2.0, [7], [1.0])
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ValueError, match="bad.json"):
        SFunctionPairModel.load(tmp_path / "bad.json")
