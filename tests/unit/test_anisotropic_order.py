"""Nematic, smectic and 2D bond-angle order parameters on configurations with known values."""

import numpy as np
import pytest

from cgml.analysis.anisotropic_order import bond_angles_2d, nematic_order, smectic_order


def test_nematic_order_limits():
    rng = np.random.default_rng(0)
    aligned = np.tile([0.0, 0.0, 1.0], (100, 1)) * rng.choice([-1, 1], (100, 1))  # head-tail
    result = nematic_order(aligned)
    assert result.s2 == pytest.approx(1.0)
    assert abs(result.director[2]) == pytest.approx(1.0)
    u = rng.normal(size=(20000, 3))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    assert nematic_order(u).s2 < 0.02  # isotropic: O(N^-1/2)
    planar = np.c_[np.cos(t := rng.uniform(0, 2 * np.pi, 20000)), np.sin(t), np.zeros_like(t)]
    assert nematic_order(planar).s2 == pytest.approx(0.25, abs=0.02)  # uniform in a plane
    with pytest.raises(ValueError, match="unit"):
        nematic_order(2 * aligned)


def test_smectic_order_finds_layers_and_their_spacing():
    rng = np.random.default_rng(1)
    n = 2000
    layers = np.c_[rng.uniform(0, 20, (n, 2)), 5.0 * rng.integers(0, 4, n) + rng.normal(0, 0.2, n)]
    tau, spacing = smectic_order(layers, [0, 0, 1], np.linspace(4.0, 6.0, 81))
    assert spacing == pytest.approx(5.0, abs=0.03)
    assert tau == pytest.approx(np.exp(-0.5 * (2 * np.pi * 0.2 / 5.0) ** 2), abs=0.03)
    fluid = rng.uniform(0, 20, (n, 3))
    assert smectic_order(fluid, [0, 0, 1], np.linspace(4.0, 6.0, 81))[0] < 0.1


def test_smectic_order_in_a_periodic_box_ignores_wrapping():
    """Layers along z, a slightly tilted director, positions shifted and wrapped: the
    reciprocal-lattice tau sees the layers (value and spacing) whatever the wrapping."""
    rng = np.random.default_rng(2)
    box = np.array([12.0, 13.0, 11.0])  # two layers of spacing 5.5 along z
    n = 800
    pos = np.c_[rng.uniform(0, 12, n), rng.uniform(0, 13, n), 5.5 * rng.integers(0, 2, n)
                + rng.normal(0, 0.3, n)]
    expected = np.exp(-0.5 * (2 * np.pi * 0.3 / 5.5) ** 2)
    director = np.array([0.05, 0.0, 1.0]) / np.hypot(0.05, 1.0)
    for shift in (0.0, 2.7, 4.9):
        wrapped = np.mod(pos + [1.3, -0.4, shift], box)
        tau, spacing = smectic_order(wrapped, director, np.linspace(4.0, 6.5, 51), box)
        assert spacing == pytest.approx(5.5)
        assert tau == pytest.approx(expected, abs=0.03)
    fluid = rng.uniform(0, 1, (n, 3)) * box
    assert smectic_order(fluid, director, np.linspace(4.0, 6.5, 51), box)[0] < 0.12
    with pytest.raises(ValueError, match="box_lengths"):
        smectic_order(pos, director, [5.0], [1.0, 2.0])


@pytest.mark.parametrize("angle", [90.0, 60.0, 53.0])
def test_bond_angles_of_rhombic_lattices(angle):
    a1 = np.array([1.0, 0.0])
    a2 = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
    grid = np.array([i * a1 + j * a2 for i in range(-4, 5) for j in range(-4, 5)])
    angles = bond_angles_2d(grid, None, 1.05)
    interior = angles[np.isfinite(angles)]
    assert np.median(interior) == pytest.approx(angle, abs=1e-9)


def test_layer_hexatic_order_separates_crystal_layers_from_liquid_layers():
    from cgml.analysis.anisotropic_order import layer_hexatic_order

    rng = np.random.default_rng(3)
    # hexagonal layers in a periodic box (8 x 8 sites, rows offset by half a spacing)
    lattice = np.array([(i + 0.5 * (j % 2), j * np.sqrt(3) / 2) for i in range(8) for j in range(8)])
    crystal = np.concatenate([np.c_[lattice, np.full(64, 5.0 * k)] for k in range(3)])
    box = np.array([8.0, 4.0 * np.sqrt(3), 15.0])
    assert layer_hexatic_order(crystal, box, [0, 0, 1], 5.0, 1.2) == pytest.approx(1.0)
    liquid = np.concatenate([np.c_[rng.uniform(0, 8, (64, 2)), np.full(64, 5.0 * k)] for k in range(3)])
    assert layer_hexatic_order(liquid, None, [0, 0, 1], 5.0, 1.2) < 0.6
    # dilute: isolated pairs are not hexatic (one bond counts 1/6)
    pairs = np.concatenate([[[3.0 * k, 0, 0], [3.0 * k + 1.0, 0, 0]] for k in range(10)])
    assert layer_hexatic_order(pairs, None, [0, 0, 1], 5.0, 1.2) == pytest.approx(1 / 6)


def lambda1_patch(n_rows: int = 6, n_cols: int = 8, spacing: float = 1.0) -> np.ndarray:
    """A Lambda_1 crystallite of square bodies: rows at unit spacing, each row shifted by
    half a spacing against the one below (the decanted lattice of the paper's ref. 15)."""
    return np.array([((i + 0.5 * (j % 2)) * spacing, j * spacing)
                     for j in range(n_rows) for i in range(n_cols)])


def test_interior_bond_angle_of_a_lambda1_patch_is_the_lattice_angle():
    patch = lambda1_patch()
    lattice = np.degrees(2 * np.arctan(0.5))            # 53.13 deg between shifted-row bonds
    interior = bond_angles_2d(patch, None, 1.3, min_bonds=4)
    assert interior.size >= 24
    assert np.mean(interior) == pytest.approx(lattice, abs=1e-9)
    # with edge particles, whose smallest angle may be a row bond against a shifted-row bond
    # (63.43 deg), a perfect patch reads above 53 deg, the more the smaller it is
    every = bond_angles_2d(patch, None, 1.3)
    assert np.mean(every[(every > 30) & (every < 89)]) == pytest.approx(54.42, abs=0.01)
    assert np.isclose(every, np.degrees(np.arctan(2.0))).any()
    small = bond_angles_2d(lambda1_patch(3, 4), None, 1.3)
    assert np.mean(small) == pytest.approx(55.71, abs=0.01)
    assert np.mean(bond_angles_2d(lambda1_patch(3, 4), None, 1.3, min_bonds=4)) == pytest.approx(lattice)
    # a square patch is told apart from it
    square = np.array([(i, j) for i in range(6) for j in range(6)], float)
    assert np.mean(bond_angles_2d(square, None, 1.3, min_bonds=4)) == pytest.approx(90.0)
    with pytest.raises(ValueError, match="min_bonds"):
        bond_angles_2d(patch, None, 1.3, min_bonds=1)


def test_quasi2d_segments_retune_only_in_the_first_half():
    from cgml.papers.anisotropic.simulations import quasi2d_segments

    assert quasi2d_segments(90910, 0) == [90910]
    segments = quasi2d_segments(90910, 4545)
    assert sum(segments) == 90910
    assert segments[:-1] == [4545] * 10 + [5]
    assert segments[-1] == 90910 - 90910 // 2
    assert quasi2d_segments(100, 4545) == [50, 50]
