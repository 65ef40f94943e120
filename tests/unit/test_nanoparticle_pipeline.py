"""Pieces of the nanoparticle pair chain: the FG builder, PMF integration, the scorecard."""

from __future__ import annotations

import numpy as np
import pytest

from cgml.fg.nanoparticle import build_nanoparticles, fibonacci_sphere
from cgml.fg.topology import write_lammps_data
from cgml.papers.nanoparticles.claims import claims_for
from cgml.papers.nanoparticles.fine_grained import (bulk_start, nanoparticle_spec, pair_separations,
                                                    wall_radii_angstrom)
from cgml.papers.nanoparticles.pipeline import integrate_mean_force
from cgml.papers.scorecard import COLUMNS, Claim, scorecard
from cgml.workflow import ConfigError, check_config


def test_builder_matches_the_paper_counts():
    topo = build_nanoparticles([[0, 0, 0], [80, 0, 0]], rng=np.random.default_rng(0))
    assert topo.n_atoms == 2 * 1650
    assert (topo.types == 1).sum() == 2 * 275
    assert len(topo.bonds) == 2 * 275 * 5
    assert len(topo.angles) == 2 * 275 * 4
    core = topo.positions[(topo.types == 1) & (topo.molecules == 1)]
    np.testing.assert_allclose(np.linalg.norm(core, axis=1), 21.0)
    bonds = topo.positions[topo.bonds[:, 1]] - topo.positions[topo.bonds[:, 2]]
    np.testing.assert_allclose(np.linalg.norm(bonds, axis=1), 4.7)
    # grafting density: one ligand per core bead; on a sigma_c = 4.2 nm core, 4.96 nm^-2
    # (the 5 nm^-2): ligand chains start at beads bonded to a core bead
    core_ids = set(np.flatnonzero((topo.types == 1) & (topo.molecules == 1)))  # 0-based, as bonds
    grafts = sum(1 for _, a, b in topo.bonds[:, :3] if a in core_ids or b in core_ids)
    assert grafts == 275 and grafts / (np.pi * 4.2**2) == pytest.approx(4.96, abs=0.01)


def test_reduced_units_of_the_paper():
    """sigma_c = 4.2 nm = 42 A, k_BT at 300 K = 0.5962 kcal/mol: 1 k_BT/sigma_c is
    0.014195 kcal mol^-1 A^-1 (a factor 10 off would be nm for A)."""
    from cgml.papers.nanoparticles.units import ReducedUnits

    units = ReducedUnits.from_config({"sigma_c_nm": 4.2, "temperature_K": 300.0})
    assert units.sigma_c == pytest.approx(42.0) and units.kT == pytest.approx(0.59616, rel=1e-4)
    assert units.force_to_reduced(0.014195) == pytest.approx(1.0, rel=1e-4)
    assert units.length_to_reduced(42.0 * 1.88) == pytest.approx(1.88)


@pytest.mark.parametrize("placement, bead_sphere_nm", [("centres_on_sigma_c", 4.2), ("inside_sigma_c", 3.73)])
def test_core_beads_sit_on_the_configured_sphere(placement, bead_sphere_nm):
    np_cfg = {"sigma_c_nm": 4.2, "forcefield": {"sigma_b_nm": 0.47},
              "model": {"n_core": 275, "ligand_length": 5, "bond_length_nm": 0.47, "ligand_mass": 72.0,
                        "core_bead_mass": 72.0, "core_beads": placement}}
    spec = nanoparticle_spec(np_cfg)
    topo = build_nanoparticles([[0, 0, 0]], spec, rng=np.random.default_rng(2))
    core = topo.positions[topo.types == 1]
    np.testing.assert_allclose(np.linalg.norm(core, axis=1), 5.0 * bead_sphere_nm)
    # inside_sigma_c: the core beads' outer surface (radius + sigma_b / 2) is the sigma_c sphere
    outer = np.linalg.norm(core, axis=1).max() + (5.0 * 0.47 if placement == "inside_sigma_c" else 0.0)
    assert outer == pytest.approx(21.0)
    # the first ligand bead sits one bond length out from its core bead
    first = topo.positions[topo.bonds[::5, 2]]  # five bonds per chain, the core bond first
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 5.0 * bead_sphere_nm + 4.7)


@pytest.mark.parametrize("placement", ["centres_on_sigma_c", "inside_sigma_c"])
def test_cluster_wall_holds_core_centres_at_the_confinement_radius(placement):
    # the wall acts on core beads: a core whose outermost bead touches it has its centre at R_w
    np_cfg = {"sigma_c_nm": 4.2, "forcefield": {"sigma_b_nm": 0.47},
              "model": {"n_core": 275, "ligand_length": 5, "bond_length_nm": 0.47, "ligand_mass": 72.0,
                        "core_bead_mass": 72.0, "core_beads": placement}}
    start, wall = wall_radii_angstrom(np_cfg, 2.0, 1.5)
    topo = build_nanoparticles([[0, 0, 0]], nanoparticle_spec(np_cfg), rng=np.random.default_rng(1))
    bead_radius = np.linalg.norm(topo.positions[topo.types == 1], axis=1).max()
    assert wall - bead_radius == pytest.approx(1.5 * 42.0, abs=1e-9)
    assert start - bead_radius == pytest.approx(2.0 * 42.0, abs=1e-9)


def test_core_bead_placement_is_checked():
    with pytest.raises(ValueError, match="core_beads"):
        nanoparticle_spec({"sigma_c_nm": 4.2, "forcefield": {"sigma_b_nm": 0.47},
                           "model": {"n_core": 275, "ligand_length": 5, "bond_length_nm": 0.47,
                                     "ligand_mass": 72.0, "core_bead_mass": 72.0, "core_beads": "on_top"}})


def test_fibonacci_sphere_is_nearly_uniform():
    u = fibonacci_sphere(2000)
    np.testing.assert_allclose(np.linalg.norm(u, axis=1), 1.0)
    assert np.abs(u.mean(axis=0)).max() < 1e-3
    # second moment of the uniform distribution: <u u^T> = I / 3 (an antipodal pair set
    # or a ring passes the first moment, not this)
    np.testing.assert_allclose(u.T @ u / len(u), np.eye(3) / 3, atol=1e-3)
    # evenly spread: every nearest-neighbour distance within 25% of sqrt(4 pi / n)
    from scipy.spatial import cKDTree
    nearest = cKDTree(u).query(u, k=2)[0][:, 1]
    spacing = np.sqrt(4 * np.pi / len(u))
    assert 0.75 * spacing < nearest.min() and nearest.max() < 1.25 * spacing


def test_pmf_integration_of_an_analytic_force():
    # Phi(R) = A exp(-R/l)  ->  F_m = -dPhi/dR = (A/l) exp(-R/l)
    r = np.linspace(1.0, 8.0, 400)
    a, l = 5.0, 0.7
    phi, err = integrate_mean_force(r[::-1].copy(), (a / l) * np.exp(-r[::-1] / l), np.zeros_like(r))
    np.testing.assert_allclose(phi[::-1], a * np.exp(-r / l) - a * np.exp(-8.0 / l), atol=2e-3)
    assert np.all(err == 0)


def test_pmf_error_grows_toward_short_distance():
    r = np.linspace(1, 2, 11)
    _, err = integrate_mean_force(r, np.zeros_like(r), np.ones_like(r))
    assert err[-1] == 0 and np.all(np.diff(err) <= 0)


def test_pmf_error_equals_the_spread_of_integrated_noisy_forces():
    """Independent mean-force errors: the PMF error is the standard deviation of the
    trapezoid integral over many noisy realisations (shared points counted once)."""
    rng = np.random.default_rng(7)
    r = np.sort(rng.uniform(1.3, 2.6, 25))
    sem = rng.uniform(0.5, 3.0, r.size)
    force = 10.0 * np.exp(-(r - 1.3) / 0.2)
    _, err = integrate_mean_force(r, force, sem)
    draws = force + sem * rng.standard_normal((20000, r.size))
    h = np.diff(r)
    # Phi(R_i) = int_{R_i}^{R_max} F dR for every draw, by the trapezoid rule
    segment = 0.5 * h * (draws[:, :-1] + draws[:, 1:])
    phi_draws = np.concatenate([np.cumsum(segment[:, ::-1], axis=1)[:, ::-1], np.zeros((20000, 1))], axis=1)
    np.testing.assert_allclose(err, phi_draws.std(axis=0), rtol=0.03, atol=1e-12)
    # equal spacing, unit errors: err(R_0)^2 = h^2 (n - 1.5)
    r = np.linspace(1.0, 2.0, 11)
    _, err = integrate_mean_force(r, np.zeros_like(r), np.ones_like(r))
    assert err[0] == pytest.approx(0.1 * np.sqrt(11 - 1.5))


def test_claims_evaluate_by_scale():
    c = Claim("p", "c", "q", -3.3, "kT", "e", tolerance={"laptop": 1.0, "paper": 0.5})
    assert c.evaluate(-3.0, "toy")["status"] == "not-compared"
    assert c.evaluate(-3.0, "laptop")["status"] == "pass"
    assert c.evaluate(-2.0, "paper")["status"] == "fail"
    assert c.evaluate(float("nan"), "paper")["status"] == "fail"
    check = Claim("p", "k", "q", 0.0, "1", "e", tolerance={"toy": 1e-9}, kind="check")
    assert check.evaluate(1e-3, "toy")["status"] == "fail"
    frame = scorecard([c], {"c": -3.1}, "paper")
    assert list(frame.columns) == COLUMNS
    with pytest.raises(KeyError, match="'c'"):
        scorecard([c], {}, "paper")


def test_claim_files_are_well_formed():
    for scale in ("toy", "laptop", "paper"):
        claims = claims_for(scale)
        assert len({c.claim for c in claims}) == len(claims)
        assert all(scale in c.evidence for c in claims)
    assert {c.claim for c in claims_for("paper", [0.3])} >= {"pmf_min_depth_s0.3"}
    assert not [c for c in claims_for("paper", [0.3]) if c.claim.endswith("s0.1")]


def _config():
    import yaml
    from pathlib import Path

    return yaml.safe_load((Path(__file__).resolve().parents[2] / "config/config.yaml").read_text())


def test_check_config_names_the_key():
    cfg = _config()
    check_config(cfg)
    cfg["nanoparticles"]["pair"]["r_min_sigma"] = 3.0
    with pytest.raises(ConfigError, match=r"nanoparticles\.pair\.r_min_sigma"):
        check_config(cfg)


def test_pair_separations_span_the_configured_range():
    r = pair_separations({"r_min_sigma": 1.35, "r_max_sigma": 2.6, "n_separations": 250})
    assert len(r) == 250 and r[0] == 1.35 and r[-1] == 2.6


def test_triplet_configurations_geometry():
    from cgml.papers.nanoparticles.clusters import triplet_configurations

    for h in (1.2, 1.88, 2.5):
        t = triplet_configurations("T", h)
        assert np.linalg.norm(t[1] - t[2]) == pytest.approx(1.88)
        assert np.linalg.norm(t[0] - t[1]) == pytest.approx(h)
        assert np.linalg.norm(t[0] - t[2]) == pytest.approx(h)
        lin = triplet_configurations("L", h)
        assert np.linalg.norm(lin[0] - lin[1]) == pytest.approx(h)
        assert np.linalg.norm(lin[1] - lin[2]) == pytest.approx(1.88)
    for h in (1.4, 1.88, 2.5):
        sq = triplet_configurations("SQ", h)
        assert np.linalg.norm(sq[0] - sq[1]) == pytest.approx(h)
        assert np.linalg.norm(sq[0] - sq[2]) == pytest.approx(h)
    with pytest.raises(ValueError, match="SQ"):
        triplet_configurations("SQ", 1.2)
    with pytest.raises(ValueError, match="kind"):
        triplet_configurations("X", 1.0)


def test_cluster_centers_respect_radius_and_spacing():
    from cgml.papers.nanoparticles.fine_grained import cluster_centers

    c = cluster_centers(12, 1.9, 1.0, np.random.default_rng(3))
    assert np.all(np.linalg.norm(c, axis=1) <= 1.9)
    d = np.linalg.norm(c[:, None] - c[None], axis=-1) + np.eye(12) * 9
    assert d.min() >= 1.0
    with pytest.raises(ValueError, match="cannot place"):
        cluster_centers(12, 0.5, 1.0, np.random.default_rng(0), max_tries=2000)


def test_gr_difference_is_zero_for_identical_and_positive_otherwise():
    import pandas as pd

    from cgml.papers.nanoparticles.bulk import gr_difference

    r = np.linspace(0.5, 4, 50)
    a = pd.DataFrame({"R_sigma": r, "g": 1 + np.exp(-(r - 2) ** 2)})
    assert gr_difference(a, a) == 0.0
    b = a.assign(g=a["g"] + 0.1)
    assert gr_difference(a, b) == pytest.approx(0.1)


def test_radial_model_as_tabulated_pair_potential_matches_the_model():
    from cgml.descriptors import RadialSet
    from cgml.fitting.sf_model import SymmetryFunctionModel
    from cgml.papers.nanoparticles.bulk import mc_potential
    from cgml.simulate import init_state
    from cgml.simulate.mc import recompute_energy

    rng = np.random.default_rng(11)
    radial = RadialSet.grid(mu=[1.7, 8.6, 20.0], r_s=[0.0, 0.6, 1.2])
    model = SymmetryFunctionModel(r_cut=2.5, cutoff="tanh3", radial=radial, angular=None,
                                  weights=rng.normal(size=9))
    pot = mc_potential(model, hard_core=1.0)
    box = np.full(3, 7.0)
    pos = rng.uniform(0, 7.0, (40, 3))
    keep = [0]
    for i in range(1, 40):  # drop particles inside the hard core
        d = pos[i] - pos[keep]
        d -= box * np.rint(d / box)
        if np.min(np.linalg.norm(d, axis=1)) > 1.0:
            keep.append(i)
    pos = pos[keep]
    state = init_state(pos, box, pot)
    assert recompute_energy(state, pot) == pytest.approx(model.energy(pos, box), rel=1e-7, abs=1e-8)


def test_two_body_energy_is_the_analytic_pair_sum():
    """Isolated pair of a radial-only model: both particles carry sum_J w_J G_J, so
    Phi(R) = 2 sum_J w_J exp(-mu_J (R - R_s,J)^2) tanh^3(1 - R/R_c) (Eqs. 8, 21, 22)."""
    from cgml.descriptors import RadialSet
    from cgml.fitting.sf_model import SymmetryFunctionModel
    from cgml.papers.nanoparticles.bulk import two_body_energy

    mu, r_s, w = np.array([1.7, 8.6]), np.array([0.0, 1.2]), np.array([3.0, -2.0])
    model = SymmetryFunctionModel(r_cut=2.5, cutoff="tanh3", radial=RadialSet.grid(mu=mu, r_s=r_s),
                                  angular=None, weights=np.array([w[0], 0.0, 0.0, w[1]]))  # grid is mu-major
    r = np.array([0.9, 1.3, 2.0, 2.49, 2.6])
    fc = np.where(r < 2.5, np.tanh(1.0 - r / 2.5) ** 3, 0.0)
    expected = 2 * (w[:, None] * np.exp(-mu[:, None] * (r - r_s[:, None]) ** 2)).sum(0) * fc
    assert np.allclose(two_body_energy(model, r), expected, rtol=1e-12, atol=1e-14)


def test_angular_model_mc_potential_matches_the_model_and_has_a_hard_core():
    from cgml.descriptors import AngularSet, RadialSet
    from cgml.fitting.sf_model import SymmetryFunctionModel
    from cgml.papers.nanoparticles.bulk import mc_potential
    from cgml.simulate import init_state
    from cgml.simulate.mc import fcc_lattice, recompute_energy

    rng = np.random.default_rng(5)
    model = SymmetryFunctionModel(r_cut=2.5, cutoff="tanh3", radial=RadialSet.grid(mu=[1.7, 8.6], r_s=[0.0, 1.0]),
                                  angular=AngularSet.grid(mu_a=[0.1, 1.0], lam=[1, -1], xi=[1.0, 4.0]),
                                  weights=0.1 * rng.normal(size=12))
    pos, box = fcc_lattice(3, 0.15)
    pos = pos + 0.05 * rng.normal(size=pos.shape)
    pot = mc_potential(model, hard_core=1.3)
    state = init_state(np.mod(pos, box), box, pot)
    assert recompute_energy(state, pot) == pytest.approx(model.energy(np.mod(pos, box), box), rel=1e-9)
    close = np.mod(pos, box).copy()
    close[1] = np.mod(close[0] + [1.2, 0, 0], box)  # inside the hard core (1.3)
    with pytest.raises(ValueError):
        init_state(close, box, pot)


@pytest.mark.parametrize("angular", [False, True])
def test_mc_hard_core_rises_to_the_closest_pair_of_the_training_data(angular):
    """Below the closest training pair a fit is an extrapolation: the MC potential is
    infinite there, whatever smaller hard core the config asks for."""
    from cgml.descriptors import AngularSet, RadialSet
    from cgml.fitting.sf_model import SymmetryFunctionModel
    from cgml.papers.nanoparticles.bulk import mc_potential
    from cgml.simulate import init_state
    from cgml.simulate.mc import recompute_energy

    ang = AngularSet.grid(mu_a=[0.1], lam=[1], xi=[1.0]) if angular else None
    n_w = 4 + (1 if angular else 0)
    box = np.full(3, 8.0)
    for r_min_data, expect_finite in ((1.6, False), (None, True)):
        metrics = {} if r_min_data is None else {"r_min_data": r_min_data}
        model = SymmetryFunctionModel(r_cut=2.5, cutoff="tanh3", radial=RadialSet.grid(mu=[1.7, 8.6], r_s=[0.0, 1.0]),
                                      angular=ang, weights=0.1 * np.ones(n_w), metrics=metrics)
        pot = mc_potential(model, hard_core=1.35)
        pos = np.array([[1.0, 1.0, 1.0], [2.5, 1.0, 1.0], [5.0, 5.0, 5.0]])  # a pair at 1.5 sigma_c
        try:
            energy = recompute_energy(init_state(pos, box, pot), pot)
        except ValueError as err:  # init_state refuses a configuration inside a hard core
            assert "overlap" in str(err).lower() or "infinite" in str(err).lower(), err
            energy = np.inf
        assert np.isfinite(energy) == expect_finite, (r_min_data, energy)


def test_mc_hard_core_moves_out_to_a_turned_over_core():
    """A fitted pair energy peaking at 1.4 sigma_c and falling closer in (a pocket behind
    a barrier, a fit artefact) gets its hard core at the peak; a monotonic one keeps it."""
    from cgml.descriptors import RadialSet
    from cgml.fitting.sf_model import SymmetryFunctionModel
    from cgml.papers.nanoparticles.bulk import core_turnover, mc_potential
    from cgml.simulate import init_state

    bump = SymmetryFunctionModel(r_cut=2.5, cutoff="tanh3", radial=RadialSet.grid(mu=[20.0], r_s=[1.4]),
                                 angular=None, weights=np.array([50.0]))
    wall = SymmetryFunctionModel(r_cut=2.5, cutoff="tanh3", radial=RadialSet.grid(mu=[2.0], r_s=[0.0]),
                                 angular=None, weights=np.array([50.0]))
    assert 1.32 < core_turnover(bump, 1.2) < 1.4  # the Gaussian times the falling cutoff f_c
    assert core_turnover(wall, 1.2) == 1.2
    well = SymmetryFunctionModel(r_cut=2.5, cutoff="tanh3", radial=RadialSet.grid(mu=[2.0], r_s=[0.0]),
                                 angular=None, weights=np.array([-50.0]))  # attractive, rising outward
    assert core_turnover(well, 1.2) == 1.2
    box = np.full(3, 8.0)
    pos = np.array([[1.0, 1.0, 1.0], [2.3, 1.0, 1.0], [5.0, 5.0, 5.0]])  # a pair at 1.3 sigma_c
    init_state(pos, box, mc_potential(wall, hard_core=1.2))
    with pytest.raises(ValueError):
        init_state(pos, box, mc_potential(bump, hard_core=1.2))
    # run_eos resolves the hard core once and hands it on: resolving it again changes nothing
    from cgml.papers.nanoparticles.bulk import mc_hard_core
    for model in (bump, wall, well):
        once = mc_hard_core(model, 1.2)
        assert mc_hard_core(model, once) == once


def test_projected_mean_force_is_positive_for_repulsion_and_label_symmetric():
    """Eq. 9: F_m = (F_I - F_J) . R_hat_IJ / 2 > 0 when the cores are pushed apart, the same
    whichever core is called I, and blind to a force common to both (a drift)."""
    from cgml.papers.nanoparticles.pipeline import projected_force_series

    rng = np.random.default_rng(2)
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    pos = np.array([1.9 * axis, np.zeros(3)])
    push = np.array([[5.0 * axis, -5.0 * axis], [2.0 * axis, -2.0 * axis]])  # (t, 2, 3)
    drift = rng.normal(size=(2, 1, 3))
    f = projected_force_series(pos, push + drift)
    np.testing.assert_allclose(f, [5.0, 2.0])
    np.testing.assert_allclose(projected_force_series(pos[::-1], (push + drift)[:, ::-1]), f)
    np.testing.assert_allclose(projected_force_series(pos, -push), [-5.0, -2.0])


def test_bulk_start_is_fluid_below_the_threshold_and_fcc_above():
    gr = {"fluid_start_below": 0.10, "fluid_start_min_distance": 2.0}
    rng = np.random.default_rng(0)
    fluid, box = bulk_start(2, 0.07, gr, rng)
    crystal, box_c = bulk_start(2, 0.12, gr, rng)
    assert fluid.shape == crystal.shape == (32, 3)
    assert 32 / np.prod(box) == pytest.approx(0.07) and 32 / np.prod(box_c) == pytest.approx(0.12)

    def nearest(pos, b):
        d = pos[:, None] - pos[None]
        d -= b * np.rint(d / b)
        return np.sort(np.linalg.norm(d, axis=-1) + 1e9 * np.eye(len(pos)), axis=1)[:, 0]

    assert nearest(fluid, box).min() >= 2.0 and nearest(fluid, box).std() > 0.05
    np.testing.assert_allclose(nearest(crystal, box_c), (4 / 0.12) ** (1 / 3) / np.sqrt(2))


def test_periodic_build_keeps_image_flags_of_cores_cut_by_the_box(tmp_path):
    """A core centred 1 A from the box corner is split by the box: its wrapped beads plus
    their image flags must put every bead back within the core radius of the centre
    (LAMMPS rigid bodies unwrap with the flags; without them the body spans the box)."""
    box = np.array([300.0, 300.0, 300.0])
    topo = build_nanoparticles([[1.0, 1.0, 299.0]], box_lengths=box, rng=np.random.default_rng(1))
    assert np.all((topo.positions >= 0) & (topo.positions < box))
    unwrapped = topo.positions + topo.images * box
    core = topo.types == 1
    r = np.linalg.norm(unwrapped[core] - [1.0, 1.0, 299.0], axis=1)
    np.testing.assert_allclose(r, 21.0, atol=1e-9)  # sigma_c / 2 = 2.1 nm
    assert set(np.unique(topo.images[core])) >= {-1, 0, 1}
    write_lammps_data(tmp_path / "d.data", topo)
    atoms = (tmp_path / "d.data").read_text().split("Atoms # full")[1].split("Bonds")[0].split()
    rows = np.array(atoms, float).reshape(-1, 10)
    np.testing.assert_array_equal(rows[:, 7:].astype(int), topo.images)


@pytest.mark.parametrize("rule", ["one_se", "min"])
def test_force_model_size_by_cross_validation(rule):
    """cv_folds: the selection is cut to the size that predicts held-out configurations;
    a planted two-function force law is found, the trace carries the CV curve."""
    from cgml.papers.nanoparticles.pipeline import fit_force_model

    rng = np.random.default_rng(4)
    feats = rng.normal(size=(40, 2, 3, 12))
    forces = -(feats[..., [2, 9]] @ np.array([3.0, -1.0])) + rng.normal(0, 0.3, (40, 2, 3))
    cfg = {"max_features": 8, "min_gain": 0.0, "test_fraction": 0.2, "cv_folds": 4, "cv_rule": rule}
    sel, fit, trace, metrics = fit_force_model(feats, forces, labels=[f"f{k}" for k in range(12)],
                                               selection_cfg=cfg, seed=2)
    assert sorted(sel) == [2, 9]
    assert metrics["n_sf"] == 2 and metrics["n_sf_before_cv"] == 8
    assert {"cv_wmse", "cv_wmse_err"} <= set(trace.columns)
    np.testing.assert_allclose(fit.coef[np.argsort(sel)], [3.0, -1.0], atol=0.05)


def test_n_sf_claim_takes_the_selections_own_stop_past_a_cap():
    """A cap inside the N_SF claim's band would pass without the selection saying so: the
    claim compares where the selection's own stop ends it past the cap (inf beyond twice
    the cap), and the model's N_SF when its own stop ended it."""
    from cgml.papers.nanoparticles.pipeline import fit_force_model
    from cgml.papers.nanoparticles.report import claimed_n_sf

    rng = np.random.default_rng(5)
    feats = rng.normal(size=(40, 2, 3, 12))
    forces = -(feats[..., [1, 4, 6, 10]] @ np.array([3.0, -2.0, 1.5, 1.0])) + rng.normal(0, 0.01, (40, 2, 3))
    runs = {}
    for cap in (2, 10):
        cfg = {"max_features": cap, "min_gain": 1e-4, "test_fraction": 0.2}
        sel, _, _, runs[cap] = fit_force_model(feats, forces, labels=[f"f{k}" for k in range(12)],
                                               selection_cfg=cfg, seed=2)
    assert runs[10]["stop"] == "min_gain" and runs[10]["n_sf"] == 4 and claimed_n_sf(runs[10]) == 4.0
    assert runs[2]["stop"] == "max_features" and runs[2]["n_sf"] == 2 and runs[2]["n_sf_gain_stop"] == 4
    assert claimed_n_sf(runs[2]) == 4.0
    assert claimed_n_sf(dict(runs[2], n_sf_gain_stop=None)) == float("inf")


def test_figs_4_5_compare_ml12_only_where_its_data_reach():
    """The comparison window starts at max(1.4, closest pair of the ML12 data), one
    definition for the scorecard and the figures; the figures' y axis follows the values
    inside it, not the 1e10-1e13 k_BT that the fits extrapolate to at 1.2 sigma_c."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cgml.papers.nanoparticles.clusters import ml12_window_start
    from cgml.plotting.nanoparticles import _outside_ml12_data

    assert ml12_window_start({}) == 1.4
    assert ml12_window_start({"r_min_data": 1.2}) == 1.4
    assert ml12_window_start({"r_min_data": 1.67}) == 1.67
    r = np.linspace(1.2, 2.6, 57)
    inside = r >= 1.67
    phi = np.where(inside, 40.0 * np.exp(-8.0 * (r - 1.67)) - 2.0, -4e13)
    fig, ax = plt.subplots()
    ax.plot(r, phi)
    _outside_ml12_data(ax, r, inside, phi[:, None])
    lo, hi = ax.get_ylim()
    assert -10.0 < lo < -2.0 and 36.0 < hi < 45.0
    assert ax.get_xlim()[0] == pytest.approx(r[inside].min() - 0.15)
    plt.close(fig)


def test_expansion_starts_from_the_densest_fcc_the_hard_core_allows():
    from cgml.lattices import fcc_lattice
    from cgml.papers.nanoparticles.bulk import expansion_start_density

    assert expansion_start_density(0.26, 1.35) == 0.26  # nearest neighbours at 1.76 sigma_c: room
    rho = expansion_start_density(0.26, 1.845)
    assert rho < 0.26
    positions, box = fcc_lattice(2, rho)
    d = positions[:, None] - positions[None]
    d -= box * np.round(d / box)
    r = np.linalg.norm(d, axis=-1)[np.triu_indices(len(positions), 1)]
    assert r.min() == pytest.approx(1.02 * 1.845)


def test_start_centers_grow_the_ball_when_random_addition_jams():
    from cgml.papers.nanoparticles.fine_grained import start_centers

    radius, points = start_centers(12, 2.0, 1.5, np.random.default_rng(0))
    assert radius >= 2.0 and len(points) == 12
    d = np.linalg.norm(points[:, None] - points[None], axis=-1)[np.triu_indices(12, 1)]
    assert d.min() >= 1.5 and np.linalg.norm(points, axis=1).max() <= radius
    # random addition of 12 points 1.5 apart jams in radius 1.6, so the ball grows until they do
    radius, points = start_centers(12, 1.6, 1.5, np.random.default_rng(0), max_attempts=30)
    assert radius > 1.6 and np.linalg.norm(points, axis=1).max() <= radius
    with pytest.raises(ValueError, match="start_radius_sigma"):
        start_centers(12, 0.5, 1.5, np.random.default_rng(0), max_attempts=2)



def test_a_killed_np_eos_job_resumes_after_its_last_pressure_with_the_same_result(tmp_path, interrupt_at_call):
    """np_eos killed during its third pressure: the rerun runs only the rest and writes
    the uninterrupted run's table bit for bit."""
    import pandas as pd

    import cgml.papers.nanoparticles.bulk as bulk
    from cgml.descriptors import RadialSet
    from cgml.fitting.sf_model import SymmetryFunctionModel

    model = SymmetryFunctionModel(r_cut=2.5, cutoff="tanh3", radial=RadialSet.grid(mu=[2.0], r_s=[0.0]),
                                  angular=None, weights=np.array([50.0]))
    model.save(tmp_path / "model.json")
    params = {"seed": 5, "eos": {"fcc_cells": 2, "fluid_density": 0.05, "fcc_density": 0.2,
                                 "pressures": [0.1, 0.3, 0.6, 1.0], "hard_core_sigma": 1.2, "adapt_rounds": 2,
                                 "adapt_sweeps": 10, "equilibration_sweeps": 20, "production_sweeps": 40,
                                 "sample_every": 10}}
    wildcards = {"model": "ml2", "solvent": "0.1", "branch": "compress"}
    inp = {"model": tmp_path / "model.json"}
    bulk.run_eos(input=inp, output={"eos": tmp_path / "a.csv"}, params=params, wildcards=wildcards)

    interrupt_at_call(bulk, "run_npt", 5)  # two runs per pressure: the third pressure's first
    with pytest.raises(KeyboardInterrupt):
        bulk.run_eos(input=inp, output={"eos": tmp_path / "b.csv"}, params=params, wildcards=wildcards)
    assert (tmp_path / ".b.csv.checkpoint.npz").exists() and not (tmp_path / "b.csv").exists()
    calls = interrupt_at_call(bulk, "run_npt", None)
    bulk.run_eos(input=inp, output={"eos": tmp_path / "b.csv"}, params=params, wildcards=wildcards)
    assert len(calls) == 4 and not (tmp_path / ".b.csv.checkpoint.npz").exists()
    a, b = (pd.read_csv(tmp_path / f, comment="#") for f in ("a.csv", "b.csv"))
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert list(a["pressure_kT_sigma3"]) == [0.1, 0.3, 0.6, 1.0]
