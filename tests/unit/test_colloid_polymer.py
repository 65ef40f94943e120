"""Unit tests of the colloid-polymer example (Giunta et al. 2023, Fig. 8) and its FG engine.

Outside truths used here:
* the Asakura-Oosawa depletion force between two hard spheres, -n_p^r kT (pi/4)(4R^2 - r^2)
  (the lens volume of two depletion spheres), reached by the pseudo-hard model within a
  tolerance set by its softness;
* a deterministic axially symmetric quadrature of the same integral (scipy quad) for the
  randomised shell quadrature;
* the ideal gas in the grand-canonical ensemble: <N_p> = z_p V_free, Var N_p = <N_p>;
* the explicit-polymer average force on fixed colloids (Eq. 20 sampled directly);
* Newton's third law, linearity in the fugacity, finite differences of U_cc.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cgml.analysis.stats import block_average
from cgml.descriptors import AngularSet, RadialSet, compute_symmetry_functions
from cgml.papers.nanoparticles.colloid_polymer import (
    PseudoAOModel,
    ao_depletion_potential,
    ao_overlap_volume,
    ao_pair_force,
    depletion_mean_forces,
    direct_forces,
    effective_depletion_radius,
    fibonacci_directions,
    gr_distance,
    initial_colloids,
    model_from_selection,
    pair_data,
    random_rotations,
    shell_quadrature,
    soft_pair_depletion_force,
    summary_rows,
    colloid_polymer_claims,
    scorecard_values,
    _pair_slope,
    _mie_coefficients,
)
from cgml.simulate.potentials import pair_total_energy
from cgml.neighbors import build_cell_list
from cgml.simulate.two_species import init_semigrand_state, run_semigrand, semigrand_energy

JOVER = PseudoAOModel(eta_c=0.45, eta_p_reservoir=2.0)


def _pair(r):
    return np.array([[0.3, -0.2, 0.1], [0.3 + r, -0.2, 0.1]])


# ------------------------------------------------------------------------------ model
def test_fugacity_relation_and_densities():
    m = PseudoAOModel(eta_c=0.45, eta_p_reservoir=0.5)
    assert m.polymer_fugacity == pytest.approx(0.5 / (np.pi / 6.0))
    assert JOVER.polymer_fugacity == pytest.approx(4.0 * m.polymer_fugacity)
    assert m.colloid_density == pytest.approx(0.45 * 6.0 / np.pi)
    assert m.sigma_cp == 1.0 and m.sigma_p == 1.0
    q = PseudoAOModel(eta_c=0.3, eta_p_reservoir=1.0, size_ratio=0.5)
    assert q.sigma_cp == pytest.approx(0.75)
    assert q.polymer_fugacity == pytest.approx(1.0 / (np.pi / 6.0 * 0.125))
    choices = m.choices()
    assert "Jover" in choices["pseudo_hard_reference"] and choices["polymer_fugacity"] == m.polymer_fugacity
    with pytest.raises(ValueError):
        PseudoAOModel(eta_c=0.8, eta_p_reservoir=1.0)
    with pytest.raises(ValueError):
        PseudoAOModel(eta_c=0.3, eta_p_reservoir=-1.0)


def test_initial_colloids_packing_fraction():
    for n in (32, 64, 108):
        pos, box = initial_colloids(n, 0.45)
        assert pos.shape == (n, 3)
        assert n * np.pi / 6.0 / np.prod(box) == pytest.approx(0.45)
        d = pos[:, None] - pos[None]
        d -= box * np.rint(d / box)
        dist = np.linalg.norm(d, axis=-1)[np.triu_indices(n, 1)]
        assert dist.min() > 50.0 / 49.0  # no pseudo-hard contact on the lattice
    with pytest.raises(ValueError):
        initial_colloids(50, 0.45)


# ------------------------------------------------------------------------------ AO reference
def test_ao_overlap_volume_and_force_are_consistent():
    radius, n = 1.0, 3.0
    assert ao_overlap_volume(0.0, radius) == pytest.approx(4.0 / 3.0 * np.pi * radius**3)
    assert ao_overlap_volume(2.0 * radius, radius) == pytest.approx(0.0)
    r = np.linspace(0.9, 1.95, 12)
    errors = []
    for h in (1e-2, 1e-3, 1e-4):  # central differences: error ~ h^2 (V_ov is a cubic)
        fd = -(ao_depletion_potential(r + h, n, radius) - ao_depletion_potential(r - h, n, radius)) / (2 * h)
        errors.append(np.abs(fd - ao_pair_force(r, n, radius)).max())
    assert errors[2] < 1e-7 and errors[0] / errors[1] == pytest.approx(100.0, rel=0.05)
    assert ao_pair_force(2.1, n, radius) == 0.0


def test_pseudo_hard_choice_has_effective_radius_sigma_cp():
    # Jover et al.'s kT/eps = 1.5 makes the Mie 50-49 sphere act like a hard sphere of diameter sigma
    assert effective_depletion_radius(JOVER) == pytest.approx(JOVER.sigma_cp, abs=1e-3)


@pytest.mark.parametrize("epsilon", [1.0 / 1.5, 2.0, 10.0])
def test_soft_pair_force_reaches_ao_within_softness(epsilon):
    """|F_soft - F_AO(R_eff)| <= 2 pi n_p^r kT R_eff w, w the rms width of the shell where
    f = exp(-beta u_cp) rises from 0 to 1 (-> 0: hard spheres)."""
    m = PseudoAOModel(eta_c=0.45, eta_p_reservoir=2.0, epsilon=epsilon)
    r_eff = effective_depletion_radius(m)
    q = shell_quadrature(m.cross_potential(), 16)
    width = np.sqrt(np.sum(q.weights * (q.s_nodes - r_eff) ** 2))
    r = np.linspace(0.95, 2.1, 24)
    soft = soft_pair_depletion_force(r, m)
    tolerance = 2.0 * np.pi * m.polymer_fugacity * r_eff * width
    assert np.abs(soft - ao_pair_force(r, m.polymer_fugacity, r_eff)).max() <= tolerance
    assert np.all(soft[r < 2.0] < 0.0)  # depletion attraction
    assert np.allclose(soft[r > 2.0 * q.r_cut], 0.0)


# ------------------------------------------------------------------------------ quadrature
def test_direction_lattice_and_rotations():
    d = fibonacci_directions(512)
    assert np.allclose(np.linalg.norm(d, axis=1), 1.0)
    assert np.abs(d.sum(axis=0)).max() < 1e-12  # antipodal
    assert np.allclose(d.T @ d / len(d), np.eye(3) / 3.0, atol=2e-3)  # isotropic second moment
    rot = random_rotations(np.random.default_rng(0), 50)
    assert np.allclose(rot @ rot.transpose(0, 2, 1), np.eye(3), atol=1e-12)
    assert np.allclose(np.linalg.det(rot), 1.0)
    with pytest.raises(ValueError):
        fibonacci_directions(7)


def test_shell_quadrature_maps_f_onto_the_shell():
    cross = JOVER.cross_potential()
    q = shell_quadrature(cross, 8)
    assert q.weights.sum() == pytest.approx(1.0)
    assert np.all(np.diff(q.s_nodes) > 0) and q.s_min < q.s_nodes[0] and q.s_nodes[-1] < q.r_cut
    f_nodes = 0.5 * (np.polynomial.legendre.leggauss(8)[0] + 1.0)
    assert np.allclose(np.exp(-cross.pair_energy(q.s_nodes)), f_nodes, rtol=1e-10)


def test_isolated_colloid_feels_no_depletion_force():
    far = np.array([[0.0, 0.0, 0.0], [5.0, 0.0, 0.0]])
    dep = depletion_mean_forces(far, JOVER, np.random.default_rng(1), n_directions=64, n_replicas=2)
    assert np.abs(dep.forces).max() < 1e-12


@pytest.mark.parametrize("r", [0.97, 1.3, 1.9])
def test_pair_mean_force_matches_axisymmetric_reference(r):
    dep = depletion_mean_forces(_pair(r), JOVER, np.random.default_rng(int(100 * r)), n_radial=6,
                                n_directions=512, n_replicas=16)
    exact = soft_pair_depletion_force(r, JOVER)  # F_m, > 0 repulsive
    projected = 0.5 * (dep.forces[1, 0] - dep.forces[0, 0])  # (F_1 - F_2) . (R_1 - R_2)/r
    sem = 0.5 * np.hypot(dep.forces_sem[0, 0], dep.forces_sem[1, 0])
    assert sem < 0.05  # 0.010-0.016 measured, against |F| of 1.2-9.2
    assert abs(projected - exact) <= 4.0 * sem + 1e-3
    # transverse components and Newton's third law, within the statistical error
    assert np.all(np.abs(dep.forces[:, 1:]) <= 5.0 * dep.forces_sem[:, 1:] + 1e-3)
    total = dep.forces.sum(axis=0)
    assert np.all(np.abs(total) <= 5.0 * np.hypot(*dep.forces_sem) + 1e-3)
    # and the AO value for hard spheres of radius sigma_cp within 1 %
    assert exact == pytest.approx(ao_pair_force(r, JOVER.polymer_fugacity, 1.0), rel=0.01)


def test_many_body_forces_sum_to_zero_and_scale_with_fugacity():
    rng = np.random.default_rng(3)
    pos, box = initial_colloids(32, 0.2)
    pos = pos + rng.uniform(-0.3, 0.3, pos.shape)
    weak, strong = PseudoAOModel(0.2, 0.5), PseudoAOModel(0.2, 2.0)
    a = depletion_mean_forces(pos, weak, np.random.default_rng(5), box_lengths=box, n_directions=256, n_replicas=4)
    b = depletion_mean_forces(pos, strong, np.random.default_rng(5), box_lengths=box, n_directions=256, n_replicas=4)
    assert np.allclose(b.forces, 4.0 * a.forces, rtol=1e-12, atol=1e-12)  # linear in z_p, same rotations
    total, err = b.forces.sum(axis=0), np.sqrt((b.forces_sem**2).sum(axis=0))
    assert np.all(np.abs(total) <= 5.0 * err)
    assert np.sqrt(np.mean(b.forces**2)) > 10.0 * np.sqrt(np.mean(b.forces_sem**2))  # resolved
    # translation of the whole configuration changes nothing but the random rotations
    c = depletion_mean_forces(pos + 0.37, strong, np.random.default_rng(5), box_lengths=box, n_directions=256,
                              n_replicas=4)
    assert np.allclose(c.forces, b.forces, atol=1e-9)


def test_direct_forces_are_minus_the_gradient_of_u_cc():
    rng = np.random.default_rng(4)
    pos = np.array([[0.0, 0.0, 0.0], [0.99, 0.05, 0.0], [0.4, 0.9, 0.2]])
    box = np.full(3, 5.0)
    pot = JOVER.colloid_potential()

    def energy(p):
        cells = build_cell_list(p % box, pot.r_cut, box)
        return pair_total_energy(p % box, box, True, cells.origin, cells.cell_size, cells.n_cells,
                                 cells.members, cells.counts, pot.params)

    forces = direct_forces(pos % box, JOVER, box)
    assert np.abs(forces.sum(axis=0)).max() < 1e-10
    direction = rng.normal(size=pos.shape)
    for h in (1e-5, 1e-6):
        fd = -(energy(pos + h * direction) - energy(pos - h * direction)) / (2 * h)
        assert np.sum(forces * direction) == pytest.approx(fd, rel=1e-5)


# ------------------------------------------------------------------------------ semi-grand MC
def _excluded_volume(model):
    from scipy.integrate import quad

    cross = model.cross_potential()
    value, _ = quad(lambda s: (1 - np.exp(-cross.pair_energy(np.array([s]))[0])) * 4 * np.pi * s * s, 0.0,
                    cross.r_cut, points=[0.95, 1.0], limit=200)
    return value


def test_ideal_polymers_fill_empty_space_at_the_fugacity():
    """<N_p> = z_p (V - V_excl), Var N_p = <N_p> (Poisson), for one fixed colloid."""
    m = PseudoAOModel(0.45, 0.5)
    box = np.full(3, 5.0)
    cc, cp = m.colloid_potential(), m.cross_potential()
    state = init_semigrand_state(np.array([[2.5, 2.5, 2.5]]), box, cc, cp)
    res = run_semigrand(state, cc, cp, m.polymer_fugacity, 3000, 0.0, 0.5, 11, 5)
    n_p = res.n_polymers[100:].astype(float)
    expected = m.polymer_fugacity * (125.0 - _excluded_volume(m))
    mean, sem = block_average(n_p, 10)
    assert sem < 0.02 * expected  # 0.79 of 115 measured
    assert abs(mean - expected) <= 4.0 * sem + 0.5
    assert n_p.var() / expected == pytest.approx(1.0, abs=0.2)
    assert res.acceptance["insertion"] > 0.9 and res.attempts["colloid"] > 0
    # the fugacity relation: doubling z_p doubles <N_p>
    res2 = run_semigrand(state, cc, cp, 2.0 * m.polymer_fugacity, 3000, 0.0, 0.5, 12, 5)
    mean2, sem2 = block_average(res2.n_polymers[100:].astype(float), 10)
    assert sem2 < 0.02 * expected  # 0.99 measured
    assert abs(mean2 - 2.0 * expected) <= 4.0 * sem2 + 0.5


def test_polymer_numbers_follow_the_poisson_distribution_of_the_reservoir():
    """Ideal polymers at z_p (V - V_excl) = 1.5: P(N_p = k) is Poisson, term by term. The
    insertion and deletion acceptances z V / (N + 1) and N / (z V) are tested here at small
    N, where an N for N + 1 moves <N_p> to 1.80 or 1.21 (measured), not only in the mean
    of a large box."""
    from scipy.stats import poisson

    m = PseudoAOModel(0.45, 0.5)
    cc, cp = m.colloid_potential(), m.cross_potential()
    state = init_semigrand_state(np.array([[2.5, 2.5, 2.5]]), np.full(3, 5.0), cc, cp)
    expected = 1.5
    z = expected / (125.0 - _excluded_volume(m))
    res = run_semigrand(state, cc, cp, z, 200_000, 0.0, 0.5, 7, 1, polymer_moves_per_sweep=4,
                        exchange_fraction=1.0)
    n_p = res.n_polymers[1000:]
    assert abs(n_p.mean() - expected) < 0.05, n_p.mean()
    histogram = np.bincount(n_p, minlength=5)[:5] / n_p.size
    np.testing.assert_allclose(histogram, poisson.pmf(np.arange(5), expected), atol=0.01)


def test_semigrand_running_energy_and_state():
    m = PseudoAOModel(0.2, 2.0)
    pos, box = initial_colloids(32, 0.2)
    cc, cp = m.colloid_potential(), m.cross_potential()
    state = init_semigrand_state(pos, box, cc, cp)
    res = run_semigrand(state, cc, cp, m.polymer_fugacity, 300, 0.15, 0.5, 21, 100, store_colloids=True,
                        store_polymers=True)
    final = res.state
    assert final.n_polymers > 10 and final.n_polymers == res.n_polymers[-1]
    assert final.energy == pytest.approx(semigrand_energy(final.colloids, final.polymers, box, cc, cp),
                                         rel=1e-9, abs=1e-9)
    assert res.colloid_snapshots.shape == (3, 32, 3) and len(res.polymer_snapshots) == 3
    assert np.all((final.polymers >= 0) & (final.polymers < box))
    # same seed, same trajectory
    again = run_semigrand(state, cc, cp, m.polymer_fugacity, 300, 0.15, 0.5, 21, 100)
    assert np.array_equal(again.state.colloids, final.colloids) and again.state.n_polymers == final.n_polymers
    with pytest.raises(ValueError):
        init_semigrand_state(np.zeros((2, 3)), box, cc, cp)  # overlapping colloids


def test_explicit_polymers_reproduce_the_mean_force():
    """Eq. 20 sampled directly: fixed colloids, polymers exchanged with the reservoir."""
    r, box = 1.3, np.full(3, 4.2)
    colloids = np.array([[2.1 - r / 2, 2.1, 2.1], [2.1 + r / 2, 2.1, 2.1]])
    cc, cp = JOVER.colloid_potential(), JOVER.cross_potential()
    state = init_semigrand_state(colloids, box, cc, cp)
    res = run_semigrand(state, cc, cp, JOVER.polymer_fugacity, 5000, 0.0, 0.5, 31, 1, store_polymers=True)
    coefficients = _mie_coefficients(cp)
    f0 = []
    for polymers in res.polymer_snapshots[200:]:
        d = colloids[0] - polymers
        d -= box * np.rint(d / box)
        dist = np.linalg.norm(d, axis=1)
        near = dist < cp.r_cut
        f0.append(-(_pair_slope(dist[near], coefficients)[:, None] * d[near] / dist[near, None]).sum(axis=0))
    mean, sem = block_average(np.asarray(f0), 20)
    reference = -soft_pair_depletion_force(r, JOVER)  # force on colloid 0 along +x (towards colloid 1)
    assert reference > 5.0
    assert sem[0] < 0.15 * reference  # 0.72 of 6.9 measured: a zero force fails by 9 sigma
    assert abs(mean[0] - reference) <= 4.0 * sem[0]
    assert np.all(np.abs(mean[1:]) <= 4.0 * sem[1:])


# ------------------------------------------------------------------------------ fitting and metrics
def test_model_from_selection_reproduces_the_linear_fit():
    rng = np.random.default_rng(8)
    radial = RadialSet.grid(mu=[0.5, 3.0], r_s=[0.0, 1.0, 1.5])
    angular = AngularSet.grid(mu_a=[0.1, 1.0], lam=[1, -1], xi=[1.0, 4.0])
    pos, box = initial_colloids(32, 0.2)
    pos = pos + rng.uniform(-0.2, 0.2, pos.shape)
    res = compute_symmetry_functions(pos, 1.9, radial=radial, angular=angular, box_lengths=box, force_features=True)
    selected = np.array([9, 2, 13, 0])  # mixed order, radial and angular columns
    weights = rng.normal(size=4)
    model = model_from_selection(selected, weights, radial, angular, 1.9, "tanh3", {})
    assert np.allclose(model.forces(pos, box), -(res.force_features[..., selected] @ weights), atol=1e-12)
    assert len(model.radial.mu) == 2 and len(model.angular.mu_a) == 2


def test_gr_distance():
    edges = np.linspace(0.0, 2.0, 5)
    g = np.array([0.0, 1.0, 2.0, 1.0])
    assert gr_distance(edges, g, g) == 0.0
    assert gr_distance(edges, g, g + 1.0) == pytest.approx(2.0)
    # noise removal: two noisy estimates of the same g(r) give D ~ 0 on average, not ~ 2 sum err^2 dr
    rng = np.random.default_rng(9)
    edges = np.linspace(0.0, 3.0, 301)
    truth = 1.0 + np.sin(edges[:-1])
    err = np.full(300, 0.05)
    draws = [gr_distance(edges, truth + rng.normal(0, 0.05, 300), truth + rng.normal(0, 0.05, 300), err, err)
             for _ in range(200)]
    assert abs(np.mean(draws)) < 4.0 * np.std(draws) / np.sqrt(200)
    assert gr_distance(edges, truth, truth + 0.1, err, err) == pytest.approx(0.03 - 2 * 0.0025 * 3.0)
    with pytest.raises(ValueError):
        gr_distance(edges, g, g[:3])


def test_summary_rows_from_pair_data():
    pair = pair_data(JOVER, [1.0, 1.5, 2.2], np.random.default_rng(2), n_radial=4, n_directions=256, n_replicas=4)
    edges = np.linspace(0, 2, 5)
    table = pd.DataFrame({"r_lo": edges[:-1], "r_hi": edges[1:], "r": edges[:-1] + 0.25, "g": [0, 2.0, 1.0, 1.0],
                          "g_err": [0.0, 0.1, 0.0, 0.0]})
    ml2 = table.assign(g=[0, 3.0, 1.0, 1.0])
    ml108 = table.assign(g=[0, 2.5, 1.0, 1.0])
    rows = {row["key"]: row["value"] for row in summary_rows("2", table, ml2, ml108, pair)}
    # D = sum (dg^2 - 2 err^2) dr with err = 0.1 in the second bin (FG and ML tables share it)
    assert rows["D_ML2"] == pytest.approx(0.5 - 0.01) and rows["D_ML108"] == pytest.approx(0.125 - 0.01)
    assert rows["D_noise"] == pytest.approx(0.01)
    assert rows["D_ratio"] == pytest.approx(0.115 / 0.49)
    assert rows["D_excess"] == pytest.approx((0.115 - 0.49) / 0.01)
    assert rows["D_ML2_significance"] == pytest.approx(49.0)
    assert rows["pair_soft_vs_ao"] < 1.0 and rows["pair_force_sum"] < 0.05 and rows["pair_rel_dev"] < 0.03
    values = scorecard_values(pd.DataFrame(summary_rows("2", table, ml2, ml108, pair)))
    assert values["cp_ml108_closer_than_ml2_p2"] == pytest.approx(-37.5)
    claims = {c.claim: c for c in colloid_polymer_claims("laptop", ["0.5", "2"])}
    assert set(values) == {name for name in claims if name.endswith("_p2")} and len(claims) == 10
    for name in ("cp_ml108_closer_than_ml2_p2", "cp_ml2_deviates_p2"):
        assert claims[name].evaluate(values[name], "laptop")["status"] == "pass"
