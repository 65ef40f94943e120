"""Symmetry properties of the Behler-Parrinello symmetry functions (cgml.descriptors).

Values G_k(I) are invariant under translation, rotation, reflection and permutation
(permutation relabels the rows); force features Psi_k(I) = sum_K dG_k(K)/dR_I rotate
as vectors and sum to zero over I (the forces of any linear model sum to zero).
A periodic box equals an explicitly replicated open system. Lengths in arbitrary units.
"""

from __future__ import annotations

import numpy as np
import pytest

from cgml.descriptors import (
    AngularSet,
    RadialSet,
    compute_symmetry_functions,
    values_for_centres,
)
from cgml.neighbors import build_cell_list

R_CUT = 2.3
RADIAL = RadialSet.grid([0.001, 1.715, 6.858], [0.0, 0.6, 1.2])
ANGULAR = AngularSet.grid([0.01, 0.5], [1.0, -1.0], [1.0, 4.0])
SEEDS = [0, 1, 2]
BOX = np.array([4.8, 5.2, 5.6])


def random_points(rng, n, lengths, min_dist=0.5, periodic=False):
    """n uniform points in [0, lengths) without pairs closer than min_dist."""
    lengths = np.asarray(lengths, dtype=float)
    points = np.empty((0, 3))
    while len(points) < n:
        p = rng.uniform(0.0, 1.0, 3) * lengths
        deltas = points - p
        if periodic:
            deltas -= lengths * np.rint(deltas / lengths)
        if np.all(np.linalg.norm(deltas, axis=1) >= min_dist):
            points = np.vstack([points, p])
    return points


def random_orthogonal(rng, proper=True):
    """Haar-random orthogonal matrix with det +1 (rotation) or -1 (rotation + reflection)."""
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q = q * np.sign(np.diag(r))
    if (np.linalg.det(q) > 0) != proper:
        q[:, 0] = -q[:, 0]
    return q


def compute(positions, box=None, **kwargs):
    return compute_symmetry_functions(positions, R_CUT, RADIAL, ANGULAR, box_lengths=box,
                                      **kwargs)


def assert_same(a, b, rtol=1e-10):
    scale = np.max(np.abs(a))
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize("seed", SEEDS)
def test_open_translation_invariance(seed):
    rng = np.random.default_rng(seed)
    positions = random_points(rng, 14, (4.0, 4.0, 4.0))
    ref = compute(positions)
    assert ref.values[:, len(RADIAL):].max() > 0  # angular terms are exercised
    moved = compute(positions + rng.uniform(-50, 50, 3))
    assert_same(moved.values, ref.values)
    assert_same(moved.force_features, ref.force_features)


@pytest.mark.parametrize("seed", SEEDS)
def test_periodic_translation_with_wrapping_is_invariant(seed):
    rng = np.random.default_rng(seed)
    positions = random_points(rng, 30, BOX, periodic=True)
    ref = compute(positions, BOX)
    shifted = (positions + rng.uniform(-10, 10, 3)) % BOX
    moved = compute(shifted, BOX)
    assert_same(moved.values, ref.values)
    assert_same(moved.force_features, ref.force_features)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("proper", [True, False], ids=["rotation", "reflection"])
def test_values_invariant_and_force_features_covariant_under_orthogonal_maps(seed, proper):
    rng = np.random.default_rng(seed)
    positions = random_points(rng, 14, (4.0, 4.0, 4.0))
    q = random_orthogonal(rng, proper)
    ref = compute(positions)
    rotated = compute(positions @ q.T)
    assert_same(rotated.values, ref.values)
    assert_same(rotated.force_features, np.einsum("ab,ibk->iak", q, ref.force_features))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("periodic", [False, True])
def test_permutation_relabels_rows(seed, periodic):
    rng = np.random.default_rng(seed)
    box = BOX if periodic else None
    positions = random_points(rng, 20, BOX if periodic else (4.0, 4.0, 4.0), periodic=periodic)
    perm = rng.permutation(len(positions))
    ref = compute(positions, box)
    permuted = compute(positions[perm], box)
    assert_same(permuted.values, ref.values[perm])
    assert_same(permuted.force_features, ref.force_features[perm])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cutoff", ["tanh3", "cosine"])
@pytest.mark.parametrize("periodic", [False, True])
def test_force_features_sum_to_zero(seed, cutoff, periodic):
    rng = np.random.default_rng(seed)
    box = BOX if periodic else None
    positions = random_points(rng, 25, BOX if periodic else (4.0, 4.0, 4.0), periodic=periodic)
    psi = compute(positions, box, cutoff=cutoff).force_features
    total = psi.sum(axis=0)
    assert np.all(np.abs(total) <= 1e-12 * np.abs(psi).sum(axis=0) + 1e-300)


@pytest.mark.parametrize("seed", SEEDS)
def test_periodic_equals_replicated_open_system(seed):
    rng = np.random.default_rng(seed)
    n = 12
    positions = random_points(rng, n, BOX, periodic=True)
    periodic = compute(positions, BOX)
    shifts = np.array([[a, b, c] for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)])
    shifts = shifts[np.argsort(np.abs(shifts).sum(1), kind="stable")]  # central copy first
    replicated = (positions[None, :, :] + (shifts * BOX)[:, None, :]).reshape(-1, 3)
    open_ = compute(replicated)
    # the central copy lies >= L >= 2 r_cut inside the replicated block, so its
    # environment, and that of every centre within r_cut of it, is complete
    assert_same(open_.values[:n], periodic.values)
    assert_same(open_.force_features[:n], periodic.force_features)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("periodic", [False, True])
def test_moved_particle_substitution_equals_recomputation(seed, periodic):
    rng = np.random.default_rng(seed)
    box = BOX if periodic else None
    positions = random_points(rng, 30, BOX if periodic else (4.5, 4.5, 4.5), periodic=periodic)
    cells = build_cell_list(positions, R_CUT, box)
    i = int(rng.integers(len(positions)))
    point = positions[i] + rng.normal(scale=1.0, size=3)
    if periodic:
        point %= BOX
    trial = positions.copy()
    trial[i] = point
    expected = compute(trial, box, force_features=False).values
    # only i and its old and new neighbours change
    centres = np.arange(len(positions))
    got = values_for_centres(centres, positions, R_CUT, RADIAL, ANGULAR, box,
                             cell_list=cells, moved=(i, point))
    assert_same(got, expected, rtol=1e-12)
    old = compute(positions, box, force_features=False).values
    delta = trial - point
    moved_old = positions - positions[i]
    if periodic:
        delta -= BOX * np.rint(delta / BOX)
        moved_old -= BOX * np.rint(moved_old / BOX)
    near = (np.linalg.norm(delta, axis=1) < R_CUT) | (np.linalg.norm(moved_old, axis=1) < R_CUT)
    assert near.sum() < len(positions)
    # equal up to the summation order (cell order here, sorted CSR rows there)
    np.testing.assert_allclose(got[~near], old[~near], rtol=1e-13, atol=1e-16)
