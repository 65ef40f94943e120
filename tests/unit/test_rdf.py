"""Unit tests of cgml.analysis.rdf.

Outside truths: an ideal gas has g(r) = 1 (uniform random points, and the MC engine
without interactions); a perfect FCC lattice has its neighbour shells at
d sqrt(k), d the nearest-neighbour distance, with 12, 6, 24, 12, 24 neighbours for
k = 1..5; coordination numbers equal brute-force neighbour counts.
"""

from __future__ import annotations

import numpy as np
import pytest

from cgml.analysis import RDF, coordination_number
from cgml.simulate import fcc_lattice, init_state, no_interaction, run_nvt


def _brute_force_distances(positions, box):
    delta = positions[:, None, :] - positions[None, :, :]
    delta -= box * np.rint(delta / box)
    distances = np.linalg.norm(delta, axis=-1)
    return distances[~np.eye(len(positions), dtype=bool)]  # ordered pairs i != j


def _assert_ideal(rdf, n, volume, r_from=0.3):
    """Every bin within 5 sigma of 1 (Poisson counts of ordered pairs: var = 2 * mean)."""
    expected = rdf.n_frames * n * (n - 1) / volume * 4 / 3 * np.pi * np.diff(rdf.bin_edges**3)
    sigma = np.sqrt(2.0 / expected)
    mask = rdf.bin_centers > r_from
    z = (rdf.g_r - 1.0) / sigma
    assert np.all(np.abs(z[mask]) < 5.0)
    assert abs(np.mean(z[mask])) < 5.0 / np.sqrt(mask.sum())  # no overall bias


def test_ideal_gas_uniform_points_give_one():
    rng = np.random.default_rng(42)
    n, box = 800, np.array([10.0, 11.0, 12.0])
    rdf = RDF(r_max=4.0, n_bins=40)
    for _ in range(15):
        rdf.compute(rng.uniform(0, 1, (n, 3)) * box, box)
    assert rdf.n_frames == 15
    _assert_ideal(rdf, n, np.prod(box))
    # frames of different volume are normalised frame by frame
    rdf2 = RDF(r_max=4.0, n_bins=40)
    for scale in (1.0, 1.3) * 8:
        rdf2.compute(rng.uniform(0, 1, (n, 3)) * box * scale, box * scale)
    assert np.mean(rdf2.g_r[rdf2.bin_centers > 0.3]) == pytest.approx(1.0, abs=0.01)


def test_ideal_gas_from_the_mc_engine_gives_one():
    rng = np.random.default_rng(1)
    n, box = 500, np.full(3, 9.0)
    potential = no_interaction(2.0)
    state = init_state(rng.uniform(0, 9, (n, 3)), box, potential)
    rdf = RDF(r_max=4.0, n_bins=32)
    run_nvt(state, potential, 100, 1.0, seed=2, sample_every=10,
            on_sample=lambda sweep, s: rdf.compute(s.positions, s.box_lengths))
    assert rdf.n_frames == 10
    _assert_ideal(rdf, n, np.prod(box))


def test_fcc_lattice_peaks_at_its_shells():
    positions, box = fcc_lattice(4, 1.0)
    d = (4.0 / 1.0) ** (1.0 / 3.0) / np.sqrt(2.0)  # nearest-neighbour distance
    rdf = RDF(r_max=0.49 * box[0], n_bins=300).compute(positions, box)
    occupied = rdf.bin_centers[rdf.pair_counts > 0]
    half_width = 0.5 * (rdf.bin_edges[1] - rdf.bin_edges[0])
    # FCC shells at d sqrt(k), k = 1..8, holding 12, 6, 24, 12, 24, 8, 48, 6 neighbours
    shells = d * np.sqrt(np.arange(1, 9))
    populations = np.array([12, 6, 24, 12, 24, 8, 48, 6])
    assert shells[6] < rdf.r_max < shells[7]
    # every occupied bin holds a shell, every shell below r_max sits in an occupied bin
    for r in occupied:
        assert np.min(np.abs(shells - r)) <= half_width + 1e-12
    for shell in shells[shells < rdf.r_max]:
        assert np.min(np.abs(occupied - shell)) <= half_width + 1e-12
    # cumulative coordination numbers between the shells
    between = 0.5 * (shells[:-1] + shells[1:])[:6]
    index = np.searchsorted(rdf.bin_edges[1:], between)
    np.testing.assert_allclose(rdf.coordination_number[index], np.cumsum(populations)[:6])
    assert rdf.coordination_number[-1] == populations[:7].sum()
    # the first peak is the highest bin of g
    assert abs(rdf.bin_centers[np.argmax(rdf.g_r)] - d) <= half_width


def test_coordination_number_matches_brute_force_counts():
    rng = np.random.default_rng(7)
    n, box = 150, np.array([6.0, 7.0, 6.5])
    rdf = RDF(r_max=2.9, n_bins=29)
    distances = []
    for _ in range(3):
        positions = rng.uniform(0, 1, (n, 3)) * box
        rdf.compute(positions, box)
        distances.append(_brute_force_distances(positions, box))
    distances = np.concatenate(distances)
    counts = np.array([np.count_nonzero(distances < edge) for edge in rdf.bin_edges[1:]])
    np.testing.assert_allclose(rdf.coordination_number * 3 * n, counts)
    # n(r) from g(r) with the density of the *other* particles reproduces the counts
    from_g = coordination_number(rdf.bin_edges, rdf.g_r, (n - 1) / np.prod(box))
    np.testing.assert_allclose(from_g, rdf.coordination_number, rtol=1e-12)


def test_results_are_read_only_and_inputs_validated():
    rdf = RDF(r_max=2.0, n_bins=10)
    with pytest.raises(ValueError, match="no frames"):
        rdf.g_r
    rdf.compute(np.random.default_rng(0).uniform(0, 5, (20, 3)), [5, 5, 5])
    with pytest.raises(ValueError):
        rdf.g_r[0] = 3.0
    with pytest.raises(ValueError):
        rdf.bin_centers[0] = 3.0
    with pytest.raises(ValueError, match="half the box"):
        rdf.compute(np.zeros((3, 3)) + [[0, 0, 0], [1, 0, 0], [0, 1, 0]], [3, 3, 3])
    with pytest.raises(ValueError, match="periodic"):
        rdf.compute(np.zeros((3, 3)), None)
    with pytest.raises(ValueError):
        RDF(r_max=1.0, n_bins=0)
    with pytest.raises(ValueError):
        RDF(r_max=1.0, n_bins=5, r_min=1.0)
    assert rdf.reset().n_frames == 0
