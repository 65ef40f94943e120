"""Unit tests of cgml.analysis.order.

Outside truths: the Steinhardt values of perfect lattices (Steinhardt, Nelson, Ronchetti,
Phys. Rev. B 28, 784 (1983); tabulated e.g. in Lechner & Dellago, J. Chem. Phys. 129,
114707 (2008), Table I): FCC (12 neighbours) q4 = 0.19094, q6 = 0.57452; BCC (8)
q4 = 0.50918, q6 = 0.62854; BCC (14) q4 = 0.03637, q6 = 0.51069; SC (6) q4 = 0.76376,
q6 = 0.35355; the addition theorem sum_m |Y_lm|^2 = (2l + 1) / (4 pi); invariance under
rotation and permutation; an isotropic random fluid has Q6 ~ 1/sqrt(bonds) and no
solid-like particles.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from cgml.analysis import compute_bond_order, count_crystalline_bonds, spherical_harmonics
from cgml.simulate import fcc_lattice


def _cubic_grid(n):
    return np.stack(np.meshgrid(*[np.arange(n)] * 3, indexing="ij"), -1).reshape(-1, 3) + 0.25


@pytest.mark.parametrize("lattice, r_cut, q4, q6, n_nb", [
    ("fcc", 0.85, 0.19094, 0.57452, 12),
    ("bcc", 0.9, 0.50918, 0.62854, 8),
    ("bcc", 1.1, 0.03637, 0.51069, 14),
    ("sc", 1.2, 0.76376, 0.35355, 6),
])
def test_perfect_lattices_have_the_textbook_values(lattice, r_cut, q4, q6, n_nb):
    n = 4
    grid = _cubic_grid(n)
    positions = {"sc": grid,
                 "bcc": np.concatenate([grid, grid + 0.5]) % n,
                 "fcc": np.concatenate([grid + s for s in ([0, 0, 0], [0.5, 0.5, 0],
                                                            [0.5, 0, 0.5], [0, 0.5, 0.5])]) % n,
                 }[lattice]
    result = compute_bond_order(positions, np.full(3, float(n)), r_cut)
    assert np.all(result.n_neighbors == n_nb)
    np.testing.assert_allclose(result.q4, q4, atol=5e-6)
    np.testing.assert_allclose(result.q6, q6, atol=5e-6)
    assert result.Q4 == pytest.approx(q4, abs=5e-6)
    assert result.Q6 == pytest.approx(q6, abs=5e-6)
    # in a perfect lattice the local average changes nothing
    np.testing.assert_allclose(result.q_l_averaged, result.q_l, atol=1e-10)


def test_fcc_q6_and_solid_like_count():
    positions, box = fcc_lattice(4, 1.05)
    d = (4 / 1.05) ** (1 / 3) / np.sqrt(2)
    result = compute_bond_order(positions, box, 1.2 * d)
    assert result.Q6 == pytest.approx(0.5745, abs=1e-4)
    solid = count_crystalline_bonds(positions, box, 1.2 * d)
    assert solid.fraction_solid == 1.0 and np.all(solid.n_crystalline_bonds == 12)
    # a thermally disordered crystal is still solid-like
    rng = np.random.default_rng(0)
    noisy = positions + rng.normal(0.0, 0.06 * d, positions.shape)
    assert count_crystalline_bonds(noisy, box, 1.35 * d).fraction_solid > 0.95
    assert compute_bond_order(noisy, box, 1.35 * d).Q6 > 0.4


def test_random_fluid_is_disordered():
    rng = np.random.default_rng(5)
    box = np.full(3, 10.0)
    positions = rng.uniform(0, 10, (800, 3))
    result = compute_bond_order(positions, box, 1.4)
    bonds = result.n_neighbors.sum()
    assert result.Q6 < 4.0 / np.sqrt(bonds)  # isotropic: |Q6| ~ 1/sqrt(bonds)
    assert result.Q4 < 4.0 / np.sqrt(bonds)
    # independent bond directions: E[q_l^2] = 1 / N_b exactly (addition theorem), so
    # n_b q_6^2 averages to 1 (measured 1.021 +- 0.013 here)
    has = result.n_neighbors >= 1
    assert np.mean(result.n_neighbors[has] * result.q6[has] ** 2) == pytest.approx(1.0, abs=0.05)
    solid = count_crystalline_bonds(positions, box, 1.4)
    assert solid.fraction_solid < 0.01


def test_rotation_and_permutation_invariance():
    positions, _ = fcc_lattice(3, 1.0)
    rng = np.random.default_rng(3)
    positions = positions + rng.normal(0, 0.05, positions.shape)  # open cluster, distorted
    reference = compute_bond_order(positions, None, 1.4, l_values=(4, 6, 8))
    rotation = Rotation.random(random_state=11).as_matrix()
    rotated = compute_bond_order(positions @ rotation.T + 3.0, None, 1.4, l_values=(4, 6, 8))
    np.testing.assert_allclose(rotated.q_l, reference.q_l, atol=1e-10)
    np.testing.assert_allclose(rotated.Q_l, reference.Q_l, atol=1e-10)
    np.testing.assert_allclose(rotated.q_l_averaged, reference.q_l_averaged, atol=1e-10)
    order = rng.permutation(len(positions))
    permuted = compute_bond_order(positions[order], None, 1.4, l_values=(4, 6, 8))
    np.testing.assert_allclose(permuted.q_l, reference.q_l[order], atol=1e-12)
    solid_reference = count_crystalline_bonds(positions, None, 1.4)
    solid_permuted = count_crystalline_bonds(positions[order], None, 1.4)
    np.testing.assert_array_equal(solid_permuted.n_crystalline_bonds,
                                  solid_reference.n_crystalline_bonds[order])


def test_spherical_harmonics_addition_theorem_and_errors():
    vectors = np.random.default_rng(2).normal(size=(50, 3))
    for l in (0, 2, 4, 6):
        y = spherical_harmonics(l, vectors)
        assert y.shape == (50, 2 * l + 1)
        np.testing.assert_allclose(np.sum(np.abs(y) ** 2, axis=1), (2 * l + 1) / (4 * np.pi))
    with pytest.raises(ValueError):
        spherical_harmonics(6, np.zeros((1, 3)))
    result = compute_bond_order(np.array([[0.0, 0, 0], [5.0, 0, 0]]), None, 1.0)
    np.testing.assert_array_equal(result.q6, [0.0, 0.0])  # no neighbours -> 0
    with pytest.raises(KeyError):
        result.q(8)
    with pytest.raises(ValueError):
        count_crystalline_bonds(np.zeros((2, 3)) + [[0, 0, 0], [1, 0, 0]], None, 1.5, min_bonds=0)
