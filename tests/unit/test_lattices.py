"""Starting lattices (cgml.lattices): densities, contacts at close packing, named errors."""

import numpy as np
import pytest

from cgml.geometry.spherocylinder import segment_distance
from cgml.lattices import fcc_lattice, hexagonal_rod_crystal, random_packing, rod_close_packing_density


def _min_image(d, box):
    return d - box * np.rint(d / box)


def test_fcc_nearest_neighbours_and_density():
    pos, box = fcc_lattice(3, 0.9)
    assert len(pos) / np.prod(box) == pytest.approx(0.9)
    d = np.linalg.norm(_min_image(pos[:, None] - pos[None], box), axis=-1)
    d[np.eye(len(pos), dtype=bool)] = np.inf
    a = (4 / 0.9) ** (1 / 3)
    assert np.allclose(d.min(axis=1), a / np.sqrt(2))
    assert np.all(np.sum(np.isclose(d, a / np.sqrt(2)), axis=1) == 12)


@pytest.mark.parametrize("n", [896, 400, 200])
def test_rod_crystal_at_close_packing_touches_without_overlap(n):
    """At rho_cp = 2 / (sqrt(3) sigma^2 (L + sqrt(2/3) sigma)) every rod touches 6 in-layer
    neighbours (axis distance sigma) and 3 rods of each neighbouring layer cap to cap (12;
    9 when the periodic box holds 2 layers, whose layers above and below are the same);
    none overlap. The densest packing of spherocylinders, hcp's sqrt(2) for L = 0."""
    length, sigma = 4.0, 1.0
    rho_cp = rod_close_packing_density(length, sigma)
    assert rho_cp == pytest.approx(2 / (np.sqrt(3) * (4.0 + np.sqrt(2 / 3))))
    pos, box = hexagonal_rod_crystal(n, length, sigma, rho_cp)
    assert pos.shape == (n, 3) and n / np.prod(box) == pytest.approx(rho_cp)
    i, j = np.triu_indices(n, 1)
    r = _min_image(pos[j] - pos[i], box)
    z = np.array([0.0, 0.0, 1.0])
    dist = segment_distance(np.zeros_like(r), z, r, z, length / 2).distances
    assert dist.min() == pytest.approx(sigma, abs=1e-9)
    contacts = np.bincount(np.r_[i, j][np.r_[dist, dist] < sigma + 1e-9], minlength=n)
    n_layers = len(np.unique(np.round(pos[:, 2], 9)))
    assert np.all(contacts == (9 if n_layers == 2 else 12))
    spheres, box = hexagonal_rod_crystal(n, 0.0, sigma, np.sqrt(2.0))
    assert n / np.prod(box) == pytest.approx(np.sqrt(2.0))


def test_rods_of_neighbouring_layers_cannot_slide_into_each_other():
    """AB stacking: moving any rod along its axis by a small amount creates an overlap at
    close packing (with AAA stacking the columns would slide freely)."""
    length, sigma = 4.0, 1.0
    rho_cp = 2 / (np.sqrt(3) * (length + np.sqrt(2 / 3)))
    pos, box = hexagonal_rod_crystal(400, length, sigma, rho_cp)
    moved = pos.copy()
    moved[0, 2] += 0.05
    r = _min_image(moved[1:] - moved[0], box)
    z = np.array([0.0, 0.0, 1.0])
    assert segment_distance(np.zeros_like(r), z, r, z, length / 2).distances.min() < sigma


def test_rod_crystal_layers_are_hexagonal_and_scaled():
    pos, box = hexagonal_rod_crystal(896, 4.0, 1.0, 0.17)
    assert 896 / np.prod(box) == pytest.approx(0.17)
    layers = np.unique(np.round(pos[:, 2], 9))
    assert len(layers) == 4
    assert np.allclose(np.diff(layers), np.diff(layers)[0])
    layer = pos[np.isclose(pos[:, 2], layers[0])][:, :2]
    d = np.linalg.norm(_min_image(layer[:, None] - layer[None], box[:2]), axis=-1)
    d[np.eye(len(layer), dtype=bool)] = np.inf
    nn = d.min(axis=1)
    assert np.allclose(nn, nn[0]) and np.all(np.sum(np.isclose(d, nn[0]), axis=1) == 6)


def test_rod_crystal_bad_inputs_are_named():
    with pytest.raises(ValueError, match="divisible by 4"):
        hexagonal_rod_crystal(402, 4.0, 1.0, 0.1)
    with pytest.raises(ValueError, match="close packing"):
        hexagonal_rod_crystal(400, 4.0, 1.0, 0.2398)
    with pytest.raises(ValueError, match="density"):
        hexagonal_rod_crystal(400, 4.0, 1.0, -0.1)


def test_random_packing_keeps_its_distance_and_density():
    pos, box = random_packing(32, 0.07, 2.0, np.random.default_rng(3))
    assert 32 / np.prod(box) == pytest.approx(0.07)
    assert np.all((pos >= 0) & (pos < box))
    d = pos[:, None] - pos[None]
    d -= box * np.rint(d / box)
    r = np.linalg.norm(d, axis=-1)[~np.eye(32, dtype=bool)]
    assert r.min() >= 2.0
    # not a lattice: nearest-neighbour distances spread (FCC at this density: all 2.70)
    nn = np.sort(np.linalg.norm(d, axis=-1) + 1e9 * np.eye(32), axis=1)[:, 0]
    assert nn.std() > 0.05
    with pytest.raises(ValueError, match="no room.*min_distance 3.0"):
        random_packing(32, 0.07, 3.0, np.random.default_rng(3), max_attempts=200)
