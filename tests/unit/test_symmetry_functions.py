"""Unit tests of cgml.descriptors: cutoffs, hand-computed values, gradients, validation.

Formulas: Giunta, Campos-Villalobos, Dijkstra, ACS Nano 2023, Eqs. 21-23 and 32.
Lengths are in arbitrary units (sigma_c in the paper).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cgml.descriptors import (
    AngularSet,
    RadialSet,
    compute_symmetry_functions,
    cutoff_code,
    cutoff_cosine,
    cutoff_tanh3,
    pack_kernel_parameters,
    sf_energy,
    values_for_centres,
)
from cgml.descriptors import _kernels as K
from cgml.neighbors import build_cell_list

R_CUT = 2.4
STEPS = 10.0 ** -np.arange(2.0, 6.01, 0.5)  # 1e-2 ... 1e-6
RADIAL = RadialSet.grid([0.5, 3.0], [0.0, 1.2])
ANGULAR = AngularSet.grid([0.05, 0.5], [1.0, -1.0], [1.0, 2.5, 8.0])


def random_configuration(rng, n, lengths, min_dist=0.6, periodic=False):
    """n points uniform in [0, lengths) with no pair closer than min_dist.

    Distances use the minimum image when ``periodic``, the open metric otherwise.
    """
    lengths = np.asarray(lengths, dtype=float)
    points = []
    while len(points) < n:
        p = rng.uniform(0.0, 1.0, 3) * lengths
        deltas = np.array(points) - p if points else np.zeros((0, 3))
        if periodic:
            deltas -= lengths * np.rint(deltas / lengths)
        if np.all(np.linalg.norm(deltas, axis=1) >= min_dist):
            points.append(p)
    return np.array(points)


def configuration_for(rng, box, n_open):
    """A dense enough configuration: n_open in a 3.5-cube, or 2.5 n_open in ``box``."""
    if box is None:
        return random_configuration(rng, n_open, (3.5, 3.5, 3.5))
    return random_configuration(rng, int(2.5 * n_open), box, periodic=True)


def fc_tanh3(r, rc):
    return math.tanh(1.0 - r / rc) ** 3 if r < rc else 0.0


# --------------------------------------------------------------------------- cutoffs

@pytest.mark.parametrize("fn", [cutoff_tanh3, cutoff_cosine])
def test_cutoff_and_slope_vanish_at_and_beyond_r_cut(fn):
    for r in (2.5, 2.5 + 1e-9, 3.0, 100.0):
        assert fn(r, 2.5) == (0.0, 0.0)
    fc, dfc = fn(2.5 * (1 - 1e-7), 2.5)
    assert 0.0 < fc < 1e-12
    assert abs(dfc) < 1e-5


def test_cutoff_hand_values():
    # tanh3 at r = r_c/2: tanh(0.5)^3; slope -3 t^2 (1 - t^2) / r_c
    fc, dfc = cutoff_tanh3(1.25, 2.5)
    assert fc == pytest.approx(0.0986861665682161, rel=1e-13)
    assert dfc == pytest.approx(-0.20153723553441685, rel=1e-13)
    assert cutoff_tanh3(0.0, 2.5)[0] == pytest.approx(math.tanh(1.0) ** 3, rel=1e-14)
    # cosine: 1 at 0, 1/2 at r_c/2 with slope -pi / (2 r_c)
    assert cutoff_cosine(0.0, 2.5) == (1.0, 0.0)
    fc, dfc = cutoff_cosine(1.25, 2.5)
    assert fc == pytest.approx(0.5, rel=1e-14)
    assert dfc == pytest.approx(-math.pi / 5.0, rel=1e-14)


@pytest.mark.parametrize("fn", [cutoff_tanh3, cutoff_cosine])
def test_cutoff_slope_matches_finite_difference(fn):
    for r in np.linspace(0.1, 2.4, 7):
        errors = [abs((fn(r + h, 2.5)[0] - fn(r - h, 2.5)[0]) / (2 * h) - fn(r, 2.5)[1])
                  / abs(fn(r, 2.5)[1]) for h in STEPS]
        assert min(errors) < 1e-8


def test_cutoff_code_names():
    assert cutoff_code("tanh3") != cutoff_code("cosine")
    with pytest.raises(ValueError, match="unknown cutoff"):
        cutoff_code("gaussian")


# --------------------------------------------------------------- hand-placed positions

def test_two_particles_radial_hand_value_and_force_feature():
    r, mu, r_s, rc = 1.2, 2.0, 0.5, 2.5
    positions = np.array([[0.0, 0.0, 0.0], [r, 0.0, 0.0]]) + 0.3
    res = compute_symmetry_functions(positions, rc, RadialSet([mu], [r_s]))
    expected = 0.04091260800159266  # exp(-2 * 0.7^2) * tanh(1 - 1.2/2.5)^3
    np.testing.assert_allclose(res.values[:, 0], [expected, expected], rtol=1e-13)
    # Psi(0) = d/dR_0 [G(0) + G(1)] = 2 dg/dr * (R_0 - R_1)/r, with R_0 - R_1 = -x_hat
    t = math.tanh(1 - r / rc)
    e = math.exp(-mu * (r - r_s) ** 2)
    dg_dr = e * (-3 * t * t * (1 - t * t) / rc - 2 * mu * (r - r_s) * t ** 3)
    np.testing.assert_allclose(res.force_features[0, :, 0], [-2 * dg_dr, 0, 0], atol=1e-15)
    np.testing.assert_allclose(res.force_features[1, :, 0], [2 * dg_dr, 0, 0], atol=1e-15)


def test_two_particles_have_no_angular_term():
    positions = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    res = compute_symmetry_functions(positions, 2.5, angular=ANGULAR)
    assert np.all(res.values == 0.0)
    assert np.all(res.force_features == 0.0)


def test_right_triangle_hand_values():
    rc = 2.5
    positions = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    mu_a, lam, xi = 0.1, 1.0, 4.0
    res = compute_symmetry_functions(positions, rc, RadialSet([1.0], [0.5]),
                                     AngularSet([mu_a], [lam], [xi]), force_features=False)
    f1, f2 = fc_tanh3(1.0, rc), fc_tanh3(math.sqrt(2), rc)
    pref = 2.0 ** (1 - xi)
    gauss = math.exp(-mu_a * (1 + 1 + 2))  # R_IJ^2 + R_IK^2 + R_JK^2 = 4 for every corner
    g3 = [pref * 1.0 ** xi * gauss * f1 * f1 * f2,                      # 90 degrees at 0
          pref * (1 + lam / math.sqrt(2)) ** xi * gauss * f1 * f2 * f1,  # 45 degrees at 1, 2
          pref * (1 + lam / math.sqrt(2)) ** xi * gauss * f1 * f2 * f1]
    g2_near = math.exp(-0.25) * f1
    g2_diag = math.exp(-((math.sqrt(2) - 0.5) ** 2)) * f2
    g2 = [2 * g2_near, g2_near + g2_diag, g2_near + g2_diag]
    np.testing.assert_allclose(res.values[:, 0], g2, rtol=1e-13)
    np.testing.assert_allclose(res.values[:, 1], g3, rtol=1e-13)
    assert res.values[1, 1] == pytest.approx(0.0011674509035158234, rel=1e-12)


def test_equilateral_triangle_counts_each_triangle_once():
    d, rc = 1.1, 2.5
    positions = np.array([[0, 0, 0], [d, 0, 0], [d / 2, d * math.sqrt(3) / 2, 0.0]])
    ang = AngularSet([0.2, 0.2], [1.0, -1.0], [2.0, 2.0])
    res = compute_symmetry_functions(positions, rc, angular=ang, cutoff="cosine")
    fc = 0.5 * (math.cos(math.pi * d / rc) + 1)
    base = 2.0 ** (1 - 2) * math.exp(-0.2 * 3 * d * d) * fc ** 3
    np.testing.assert_allclose(res.values[:, 0], base * 1.5 ** 2, rtol=1e-13)
    np.testing.assert_allclose(res.values[:, 1], base * 0.5 ** 2, rtol=1e-13)


def test_collinear_triplet_with_lambda_plus_one_is_finite_zero():
    positions = np.array([[0.0, 0, 0], [-1.0, 0, 0], [1.0, 0, 0]])  # 180 degrees at 0
    res = compute_symmetry_functions(positions, 2.5, angular=AngularSet([0.1], [1.0], [1.0]),
                                     full_gradients=True)
    assert res.values[0, 0] == 0.0
    assert np.all(np.isfinite(res.gradients))
    # G(0) = 2^(1-xi) (1 + cos theta)^xi ... vanishes to second order in a transverse shift
    # of any particle (1 + cos theta ~ delta^2) and is constant (zero) along the line, so
    # its gradient is zero; every centre's gradient matches central differences
    np.testing.assert_allclose(res.gradients[0], 0.0, atol=1e-12)
    h = 1e-6
    for axis in range(3):
        for moved in range(3):
            plus, minus = positions.copy(), positions.copy()
            plus[moved, axis] += h
            minus[moved, axis] -= h
            fd = (compute_symmetry_functions(plus, 2.5, angular=AngularSet([0.1], [1.0], [1.0])).values
                  - compute_symmetry_functions(minus, 2.5, angular=AngularSet([0.1], [1.0], [1.0])).values) / (2 * h)
            np.testing.assert_allclose(res.gradients[:, moved, axis, :], fd, atol=1e-7)


def test_isolated_particle_and_beyond_cutoff_give_zero():
    positions = np.array([[0.0, 0, 0], [2.6, 0, 0], [10.0, 0, 0]])
    res = compute_symmetry_functions(positions, 2.5, RADIAL, ANGULAR)
    assert np.all(res.values == 0.0) and np.all(res.force_features == 0.0)


# ------------------------------------------------------------------------ gradients

def assert_directional_derivative(evaluate, positions, analytic, direction):
    """Central differences of ``evaluate`` along ``direction`` against ``analytic``.

    Scale-free criterion: for every entry, min over the step sweep of
    |FD - analytic| / scale < 1e-6, where scale = sum of |partial derivative terms|
    (passed in ``analytic[1]``); entries whose scale is 0 must have FD == 0.
    """
    value, scale = analytic
    best = np.full(value.shape, np.inf)
    for h in STEPS:
        fd = (evaluate(positions + h * direction) - evaluate(positions - h * direction)) / (2 * h)
        err = np.abs(fd - value) / np.where(scale > 0, scale, 1.0)
        best = np.minimum(best, err)
    assert np.max(best) < 1e-6, f"worst relative error {np.max(best):.2e}"


CASES = [(cut, box) for cut in ("tanh3", "cosine") for box in (None, (5.0, 5.5, 6.0))]


@pytest.mark.parametrize("cutoff,box", CASES)
def test_force_features_match_finite_differences_of_summed_sf(cutoff, box):
    rng = np.random.default_rng(11)
    positions = configuration_for(rng, box, 10)
    res = compute_symmetry_functions(positions, R_CUT, RADIAL, ANGULAR, box_lengths=box,
                                     cutoff=cutoff)
    assert res.values[:, RADIAL.mu.size:].max() > 1e-5  # triplets are present
    direction = rng.normal(size=positions.shape)
    direction /= np.linalg.norm(direction)
    psi = res.force_features
    analytic = (np.einsum("iak,ia->k", psi, direction),
                np.einsum("iak,ia->k", np.abs(psi), np.abs(direction)))

    def summed(p):
        return compute_symmetry_functions(p, R_CUT, RADIAL, ANGULAR, box_lengths=box,
                                          cutoff=cutoff, force_features=False).values.sum(0)

    assert_directional_derivative(summed, positions, analytic, direction)


@pytest.mark.parametrize("cutoff,box", CASES)
def test_full_gradients_match_finite_differences_per_centre(cutoff, box):
    rng = np.random.default_rng(12)
    positions = configuration_for(rng, box, 8)
    res = compute_symmetry_functions(positions, R_CUT, RADIAL, ANGULAR, box_lengths=box,
                                     cutoff=cutoff, full_gradients=True)
    np.testing.assert_allclose(res.force_features, res.gradients.sum(axis=0), atol=1e-14)
    direction = rng.normal(size=positions.shape)
    direction /= np.linalg.norm(direction)
    grad = res.gradients
    analytic = (np.einsum("Kiak,ia->Kk", grad, direction),
                np.einsum("Kiak,ia->Kk", np.abs(grad), np.abs(direction)))

    def values(p):
        return compute_symmetry_functions(p, R_CUT, RADIAL, ANGULAR, box_lengths=box,
                                          cutoff=cutoff, force_features=False).values

    assert_directional_derivative(values, positions, analytic, direction)


def test_force_features_kernel_equals_sum_of_full_gradients():
    rng = np.random.default_rng(13)
    positions = random_configuration(rng, 12, (4.0, 4.0, 4.0))
    psi = compute_symmetry_functions(positions, R_CUT, RADIAL, ANGULAR).force_features
    full = compute_symmetry_functions(positions, R_CUT, RADIAL, ANGULAR, force_features=False,
                                      full_gradients=True)
    assert full.force_features is None
    np.testing.assert_allclose(psi, full.gradients.sum(axis=0), rtol=1e-12, atol=1e-15)


def test_linear_model_forces_are_minus_gradient_of_energy():
    rng = np.random.default_rng(14)
    positions = random_configuration(rng, 9, (3.5, 3.5, 3.5))
    res = compute_symmetry_functions(positions, R_CUT, RADIAL, ANGULAR)
    weights = rng.normal(size=res.values.shape[1])
    per_particle = sf_energy(res.values, weights)
    assert per_particle.shape == (9,)
    assert per_particle.sum() == pytest.approx(float(res.values.sum(0) @ weights), rel=1e-12)
    forces = -res.force_features @ weights
    direction = rng.normal(size=positions.shape)
    scale = np.abs(res.force_features @ weights).ravel() @ np.abs(direction).ravel()
    analytic = (np.array(-(forces * direction).sum()), np.array(scale))

    def total(p):
        return sf_energy(compute_symmetry_functions(p, R_CUT, RADIAL, ANGULAR,
                                                    force_features=False).values, weights).sum()

    assert_directional_derivative(total, positions, analytic, direction)


# ------------------------------------------------------------------ centres and moves

@pytest.mark.parametrize("box", [None, (6.0, 6.0, 6.5)])
def test_values_for_centres_with_moved_particle_equals_recomputation(box):
    rng = np.random.default_rng(21)
    lengths = (5.0, 5.0, 5.0) if box is None else box
    positions = random_configuration(rng, 30, lengths, min_dist=0.5, periodic=box is not None)
    cells = build_cell_list(positions, R_CUT, box)
    centres = np.arange(30)
    full = compute_symmetry_functions(positions, R_CUT, RADIAL, ANGULAR, box_lengths=box,
                                      force_features=False).values
    np.testing.assert_allclose(values_for_centres(centres, positions, R_CUT, RADIAL, ANGULAR,
                                                  box, cell_list=cells), full, atol=1e-14)
    i = 7
    for shift in (np.array([0.3, -0.2, 0.1]), np.array([2.7, 1.9, -2.2])):
        point = positions[i] + shift
        if box is not None:
            point = point % np.asarray(box)
        moved_positions = positions.copy()
        moved_positions[i] = point
        expected = compute_symmetry_functions(moved_positions, R_CUT, RADIAL, ANGULAR,
                                              box_lengths=box, force_features=False).values
        before = positions.copy()
        got = values_for_centres(centres, positions, R_CUT, RADIAL, ANGULAR, box,
                                 cell_list=cells, moved=(i, point))
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
        np.testing.assert_array_equal(positions, before)  # nothing written back
        # a cell list that already holds i in its new cell gives the same answer
        moved_cells = build_cell_list(positions, R_CUT, box)
        moved_cells.move(i, point)
        got = values_for_centres(centres, positions, R_CUT, RADIAL, ANGULAR, box,
                                 cell_list=moved_cells, moved=(i, point))
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


def test_centre_values_kernel_direct_call():
    rng = np.random.default_rng(22)
    positions = random_configuration(rng, 20, (4.5, 4.5, 4.5))
    box = np.array([4.9, 4.9, 4.9])
    cells = build_cell_list(positions, R_CUT, box)
    params = pack_kernel_parameters(RADIAL, ANGULAR)
    n = positions.shape[0]
    buf_index, buf_vec, buf_dist = np.empty(n, np.int64), np.empty((n, 3)), np.empty(n)
    i, point = 3, positions[3] + np.array([0.4, 0.1, -0.3])
    moved_positions = positions.copy()
    moved_positions[i] = point
    expected = compute_symmetry_functions(moved_positions, R_CUT, RADIAL, ANGULAR,
                                          box_lengths=box, force_features=False).values
    row = np.full(params.n_features, np.nan)
    for c in range(n):
        centre_point = point if c == i else positions[c]
        m = K.centre_values(c, centre_point, i, point, positions, cells.box_lengths,
                            cells.periodic, R_CUT, cells.origin, cells.cell_size, cells.n_cells,
                            cells.members, cells.counts, *params.args(), cutoff_code("tanh3"),
                            buf_index, buf_vec, buf_dist, row)
        assert m == np.count_nonzero(
            np.linalg.norm((moved_positions - moved_positions[c] + box / 2) % box - box / 2,
                           axis=1) < R_CUT) - 1
        np.testing.assert_allclose(row, expected[c], rtol=1e-12, atol=1e-14)


# ------------------------------------------------------------------------- DScribe
# DScribe (Himanen et al., Comput. Phys. Commun. 247, 106949 (2020)) is an established ACSF
# implementation with the cosine cutoff; it is pinned in requirements.lock, so these run in CI.

def _dscribe_acsf(positions, box, periodic):
    from ase import Atoms
    from dscribe.descriptors import ACSF

    acsf = ACSF(species=["H"], r_cut=R_CUT, periodic=periodic,
                g2_params=np.column_stack([RADIAL.mu, RADIAL.r_s]),
                g4_params=np.column_stack([ANGULAR.mu_a, ANGULAR.xi, ANGULAR.lam]))
    atoms = Atoms(f"H{len(positions)}", positions=positions, cell=np.diag(box), pbc=periodic)
    return acsf, atoms


@pytest.mark.parametrize("periodic", [False, True])
def test_cosine_values_agree_with_dscribe_acsf(periodic):
    rng = np.random.default_rng(31)
    box = np.array([4.9, 5.0, 5.2])
    positions = random_configuration(rng, 12, box, min_dist=0.5, periodic=periodic)
    acsf, atoms = _dscribe_acsf(positions, box, periodic)
    reference = acsf.create(atoms)[:, 1:]  # column 0 is DScribe's G1
    res = compute_symmetry_functions(positions, R_CUT, RADIAL, ANGULAR,
                                     box_lengths=box if periodic else None, cutoff="cosine",
                                     force_features=False)
    assert reference.shape == res.values.shape
    np.testing.assert_allclose(res.values, reference, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("periodic", [False, True])
def test_cosine_gradients_agree_with_dscribe_acsf(periodic):
    """Our analytic dG_k(K)/dR_I (Eqs. 24-31 with the cosine cutoff) against DScribe's
    derivatives (central finite differences, its only ACSF method): layout
    (centre K, moved particle I, xyz, function) in both."""
    rng = np.random.default_rng(32)
    box = np.array([4.9, 5.0, 5.2])
    positions = random_configuration(rng, 12, box, min_dist=0.5, periodic=periodic)
    acsf, atoms = _dscribe_acsf(positions, box, periodic)
    reference = acsf.derivatives(atoms, method="numerical", attach=True,
                                 return_descriptor=False)[..., 1:]
    res = compute_symmetry_functions(positions, R_CUT, RADIAL, ANGULAR,
                                     box_lengths=box if periodic else None, cutoff="cosine",
                                     force_features=False, full_gradients=True)
    assert reference.shape == res.gradients.shape
    assert np.abs(reference).max() > 0.1  # the configuration has neighbours within R_c
    # DScribe's difference quotients carry O(h^2) and rounding errors of ~1e-8 here
    np.testing.assert_allclose(res.gradients, reference, rtol=0, atol=1e-6)


# ---------------------------------------------------------------- parameter sets, API

def test_grids_are_cartesian_products_with_labels():
    mu = [1e-5, 1e-4, 1e-3, 1.715, 3.429, 5.144, 6.858, 8.572, 10.286, 12.0, 13.715, 15.429,
          17.143, 18.857, 20.572, 22.286, 24.0, 26.0, 28.0, 30.0, 32.0, 34.0]
    r_s = np.round(np.arange(15) * 0.1, 1)
    radial = RadialSet.grid(mu, r_s)
    assert len(radial) == 22 * 15 == 330
    assert radial.mu[15] == 1e-4 and radial.r_s[15] == 0.0 and radial.r_s[14] == 1.4
    angular = AngularSet.grid([1e-4, 1e-3, 1e-2, 0.1, 1.0, 2.0, 4.0, 8.0], [1, -1],
                              [1.0, 4.0, 8.0, 12.0])
    assert len(angular) == 64
    assert angular.labels()[5] == "G3(mu_a=0.0001, lambda=-1, xi=4)"
    assert radial.labels()[1] == "G2(mu=1e-05, R_s=0.1)"
    res = compute_symmetry_functions(np.array([[0.0, 0, 0], [1.1, 0, 0]]), 2.5, radial,
                                     angular, force_features=False)
    assert res.values.shape == (2, 394)
    assert res.labels == radial.labels() + angular.labels()
    assert (res.n_radial, res.n_angular) == (330, 64)


def test_results_are_read_only_and_inputs_untouched():
    mu = np.array([1.0, 2.0])
    radial = RadialSet(mu, np.array([0.0, 0.5]))
    assert mu.flags.writeable
    res = compute_symmetry_functions(np.array([[0.0, 0, 0], [1.0, 0, 0]]), 2.5, radial)
    with pytest.raises(ValueError):
        res.values[0, 0] = 1.0


@pytest.mark.parametrize("kwargs,match", [
    (dict(positions=np.zeros((3, 2))), "shape"),
    (dict(positions=np.array([[0.0, 0, np.nan]])), "NaN"),
    (dict(r_cut=-1.0), "r_cut"),
    (dict(radial=None, angular=None), "at least one"),
    (dict(cutoff="cos"), "unknown cutoff"),
    (dict(box_lengths=(4.0, 4.0)), "box_lengths"),
    (dict(box_lengths=(4.0, 4.0, 4.0)), "half the box"),
    (dict(radial=[1.0, 2.0]), "RadialSet"),
    (dict(box_lengths=(4.0, np.nan, 4.0)), "box_lengths"),
    (dict(box_lengths=(4.0, np.inf, 4.0)), "box_lengths"),
    (dict(r_cut=np.inf), "r_cut"),
    (dict(positions=np.array([[0.0, 0, 0], [0.0, 0, 0]])), "particles 0 and 1 sit at the same position"),
])
def test_compute_rejects_bad_input(kwargs, match):
    args = dict(positions=np.zeros((2, 3)) + [[0, 0, 0], [1, 0, 0]], r_cut=2.5,
                radial=RadialSet([1.0], [0.0]), angular=None)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        compute_symmetry_functions(**args)


@pytest.mark.parametrize("box", [(4.0, np.nan, 4.0), (4.0, np.inf, 4.0), (4.0, 4.0)])
def test_neighbour_machinery_rejects_a_box_that_is_not_three_finite_lengths(box):
    """Before the check a NaN box reached the numba kernels as a garbage cell count (a crash)."""
    from cgml.analysis import RDF
    from cgml.neighbors import build_neighbor_list

    positions = np.random.default_rng(0).random((5, 3))
    with pytest.raises(ValueError, match="box_lengths"):
        build_neighbor_list(positions, 1.0, box)
    with pytest.raises(ValueError, match="box_lengths"):
        RDF(1.0, 10).compute(positions, box)


def test_open_boundaries_with_a_far_flung_particle_use_a_bounded_grid():
    """Two particles 1e5 apart with r_cut = 1: a dense grid would need 1e15 cells."""
    from cgml.neighbors import build_cell_list, build_neighbor_list

    positions = np.array([[0.0, 0, 0], [0.5, 0, 0], [1e5, 1e5, 1e5]])
    cells = build_cell_list(positions, 1.0, None)
    assert np.prod(cells.n_cells) <= 64
    nl = build_neighbor_list(positions, 1.0, None)
    assert nl.distances.size == 2 and np.allclose(nl.distances, 0.5)


def test_parameter_sets_reject_bad_values():
    with pytest.raises(ValueError, match="same length"):
        RadialSet([1.0, 2.0], [0.0])
    with pytest.raises(ValueError, match="mu must be >= 0"):
        RadialSet([-1.0], [0.0])
    with pytest.raises(ValueError, match="lam"):
        AngularSet([1.0], [2.0], [1.0])
    with pytest.raises(ValueError, match="xi must be >= 1"):
        AngularSet([1.0], [1.0], [0.5])
    with pytest.raises(ValueError, match="empty"):
        RadialSet.grid([], [0.0])


def test_values_for_centres_rejects_bad_input():
    positions = np.array([[0.0, 0, 0], [1.0, 0, 0]])
    radial = RadialSet([1.0], [0.0])
    with pytest.raises(ValueError, match="centres must lie"):
        values_for_centres([2], positions, 2.5, radial)
    with pytest.raises(ValueError, match="integer"):
        values_for_centres([0.5], positions, 2.5, radial)
    with pytest.raises(ValueError, match="moved particle index"):
        values_for_centres([0], positions, 2.5, radial, moved=(5, np.zeros(3)))
    with pytest.raises(ValueError, match="smaller than"):
        values_for_centres([0], positions, 2.5, radial,
                           cell_list=build_cell_list(positions, 1.0))
    with pytest.raises(ValueError, match="weights"):
        sf_energy(np.zeros((2, 3)), np.zeros(2))


def test_full_gradients_refuse_huge_arrays():
    positions = np.arange(3000 * 3, dtype=float).reshape(3000, 3)
    with pytest.raises(ValueError, match="full_gradients"):
        compute_symmetry_functions(positions, 2.5, RadialSet.grid(np.ones(40), [0.0]),
                                   full_gradients=True)
