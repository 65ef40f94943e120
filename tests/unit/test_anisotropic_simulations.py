"""Entry functions of the anisotropic-paper simulations on tiny inputs: they run the shared
rigid-body engine, write their files, and the physics they report is sane."""

import json

import numpy as np
import pandas as pd
import pytest

from cgml.descriptors._sfunction_kernels import C3
from cgml.descriptors.sfunctions import AngularBasis, RadialBasis
from cgml.fitting.sfunction_model import SFunctionPairModel
from cgml.io import read_npz, write_npz
from cgml.simulate.rigid import init_rigid_state
from cgml.simulate.rigid_potentials import sfunction_potential
from cgml.papers.anisotropic.simulations import (
    depletant_fugacity,
    run_quasi2d,
    remc_start_states,
    run_remc,
    run_sc_eos,
)


def _attractive_model(path, r_cut, mu=4.0):
    """V_f-like model: positive, decaying with R, orientation dependent (face alignment)."""
    angular = AngularBasis.monomials((2, 13), 1)  # 1, z_I.z_J, x_I.x_J + y_I.y_J
    model = SFunctionPairModel(angular, RadialBasis.exponential(mu), r_cut, [0, 1], [0.01, -0.005])
    model.save(path)
    return model


def test_depletant_fugacity():
    assert depletant_fugacity(5.6, 0.3) == pytest.approx(6 * 5.6 / (np.pi * 0.027))
    with pytest.raises(ValueError):
        depletant_fugacity(1.0, 0.0)


def test_quasi2d_runs_in_the_plane_in_segments(tmp_path):
    """Wiring of run_quasi2d (a weak model: bond statistics are the Lambda_1 benchmark's)."""
    _attractive_model(tmp_path / "m.json", 1.5)
    params = {"superball": {"sigma": 1.0, "exponent": 3.5, "sigma_d": 0.3},
              "quasi2d": {"n_particles": 12, "density_2d": 0.3, "depletant_packing_fraction": 1.0,
                          "n_sweeps": 40, "sample_every": 10, "tune_rounds": 2, "tune_sweeps": 10,
                          "target_acceptance": 0.3, "retune_every": 10, "bond_cutoff": 1.3,
                          "interior_bonds": 4, "cluster_moves_per_sweep": 0.2,
                          "cluster_max_displacement": 0.5, "cluster_max_rotation": 0.3, "cluster_bond_energy": 1.0,
                          "anneal_from_packing_fraction": 0.0}, "seed": 3}
    out = {"npz": tmp_path / "q.npz", "json": tmp_path / "q.json"}
    for start in ("square", "isotropic"):
        run_quasi2d(input={"model": tmp_path / "m.json"}, output=out, params=params,
                    wildcards={"start": start})
        arrays, meta = read_npz(out["npz"])
        assert np.ptp(arrays["positions"][:, :, 2]) == 0.0  # a monolayer
        # Phi = -z_d V_f < 0 for pairs in range; the summary is the second half's mean
        assert meta["mean_energy_per_particle"] == pytest.approx(
            np.mean(arrays["energies"][arrays["sweeps"] > 20]) / 12, rel=1e-12)
        assert meta["mean_energy_per_particle"] < 0.0
        # segments of 10, 10 (re-tuned before each) and 20 sweeps at fixed steps; the
        # samples run on across segments
        assert [s["from_sweep"] for s in meta["steps"]] == [0, 10, 20]
        assert meta["steps"][1]["max_displacement"] == meta["steps"][2]["max_displacement"]
        np.testing.assert_array_equal(arrays["sweeps"], [10, 20, 30, 40])
        assert 0.0 < meta["cluster_acceptance"] < 1.0  # cluster moves ran, some were refused
    bad = dict(params, quasi2d={k: v for k, v in params["quasi2d"].items() if k != "n_sweeps"})
    with pytest.raises(ValueError, match="n_sweeps"):
        run_quasi2d(input={"model": tmp_path / "m.json"}, output=out, params=bad,
                    wildcards={"start": "square"})


def test_square_start_fills_the_box_at_the_2d_density():
    """110 bodies at rho_2D = 0.05: an 11 x 11 lattice of spacing side / 11 ~ 4.3 sigma,
    inside the box, in one plane, no two closer than the spacing."""
    from cgml.papers.anisotropic.simulations import square_lattice_start

    side = np.sqrt(110 / 0.05)
    pos, rot = square_lattice_start(110, side, 2.0)
    assert pos.shape == (110, 3) and rot.shape == (110, 3, 3)
    assert np.all((pos[:, :2] > 0) & (pos[:, :2] < side)) and np.all(pos[:, 2] == 2.0)
    d = np.linalg.norm(pos[:, None, :2] - pos[None, :, :2], axis=-1)
    d[np.eye(110, dtype=bool)] = np.inf
    assert d.min() == pytest.approx(side / 11)


def _remc_inputs(tmp_path):
    """A CG model (m.json), a data set for eps_max = 0.02 (d.npz) and run_remc params:
    3 replicas, 60 cycles, 4.5 sigma box."""
    model = _attractive_model(tmp_path / "m.json", 2.0, mu=2.0)
    write_npz(tmp_path / "d.npz", {}, energy=np.array([-0.02, 0.01]))
    params = {"remc": {"n_replicas": 3, "kT_min": 0.05, "kT_max": 0.5, "n_cycles": 60,
                       "sample_every": 5, "box_length": 4.5, "tune_rounds": 2, "tune_sweeps": 10,
                       "target_acceptance": 0.3}, "system": "ipc", "seed": 1}
    return model, params


def test_remc_cg_writes_slot_energies_and_the_lowest_cluster(tmp_path):
    _, params = _remc_inputs(tmp_path)
    out = {"npz": tmp_path / "r.npz", "json": tmp_path / "r.json"}
    run_remc(input={"dataset": tmp_path / "d.npz", "model": tmp_path / "m.json"}, output=out,
             params=params, wildcards={"potential": "cg", "n": "4"})
    arrays, _ = read_npz(out["npz"])
    summary = json.loads(out["json"].read_text())
    assert arrays["energies"].shape == (12, 3)
    # the lowest cluster is slot 0's lowest sample (energies are stored per eps_max)
    assert summary["lowest_energy_per_particle"] == pytest.approx(arrays["energies"][:, 0].min() / 4)
    pos = arrays["lowest_positions"]
    d = pos[:, None] - pos[None]
    d -= 4.5 * np.rint(d / 4.5)
    assert np.all(np.linalg.norm(d, axis=-1)[~np.eye(4, dtype=bool)] >= 1.0)  # hard cores respected


def test_remc_restart_continues_from_the_final_slots(tmp_path):
    """The final state of each temperature slot is stored with the energy of its last
    sample (swaps exchange states between slots), and a second run can start from them."""
    model, params = _remc_inputs(tmp_path)
    first = {"npz": tmp_path / "a.npz", "json": tmp_path / "a.json"}
    run_remc(input={"dataset": tmp_path / "d.npz", "model": tmp_path / "m.json"}, output=first,
             params=params, wildcards={"potential": "cg", "n": "4"})
    arrays, _ = read_npz(first["npz"])
    potential = sfunction_potential(model, hard_diameter=1.0)
    box = np.full(3, 4.5)
    for k in range(3):
        state = init_rigid_state(arrays["final_positions"][k], arrays["final_rotations"][k], box, potential)
        assert state.energy / 0.02 == pytest.approx(arrays["energies"][-1, k], rel=1e-9, abs=1e-12)
    pos, rot = remc_start_states(first["npz"], 4, 3, box)
    np.testing.assert_array_equal(pos, arrays["final_positions"])
    second = {"npz": tmp_path / "b.npz", "json": tmp_path / "b.json"}
    run_remc(input={"dataset": tmp_path / "d.npz", "model": tmp_path / "m.json", "start": first["npz"]},
             output=second, params=params, wildcards={"potential": "cg", "n": "4"})
    assert read_npz(second["npz"])[0]["energies"].shape == (12, 3)
    with pytest.raises(ValueError, match="a.npz.*n_replicas, n_particles"):
        remc_start_states(first["npz"], 5, 3, box)
    with pytest.raises(ValueError, match="a.npz.*box"):
        remc_start_states(first["npz"], 4, 3, np.full(3, 5.0))
    assert remc_start_states([], 4, 3, box) is None


def _hard_eos_params(seed, **sc_eos):
    """run_sc_eos params for short hard-spherocylinder (FG) runs; ``sc_eos`` overrides."""
    base = {"start_density": 0.05, "crystal_density": 0.17, "equilibration_sweeps": 0,
            "production_sweeps": 1, "fg_equilibration_sweeps": 20, "fg_production_sweeps": 30,
            "sample_every": 10, "tune_sweeps": 10, "target_acceptance": 0.3}
    return {"spherocylinder": {"length": 4.0, "diameter": 1.0}, "sc_eos": base | sc_eos, "seed": seed}


def test_hard_spherocylinder_eos_rule_writes_one_row_per_pressure_in_order(tmp_path):
    """Wiring of the compression branch (a few sweeps: the densities barely leave the start,
    rho* 0.05; the physics of the hard-rod NPT path is tests/regression/test_spherocylinder_eos.py)."""
    params = _hard_eos_params(4, n_particles=200, pressures=[3.0, 0.2], box_moves="isotropic",
                              tune_rounds=3)
    out = {"csv": tmp_path / "eos.csv", "npz": tmp_path / "eos.npz"}
    run_sc_eos(input={}, output=out, params=params, wildcards={"potential": "fg", "branch": "compress"})
    frame = pd.read_csv(out["csv"], comment="#")
    assert list(frame["pressure"]) == [0.2, 3.0]  # ascending on compression
    assert np.all(frame["acceptance_translation"] > 0.05)
    assert frame["density"].iloc[1] > frame["density"].iloc[0] > 0.0499  # compressed, never expanded
    with np.load(out["npz"]) as snap:
        assert list(snap["pressures"]) == [0.2, 3.0] and snap["positions_001"].shape == (200, 3)


def test_soft_rod_expansion_runs_its_own_sweep_counts(tmp_path, monkeypatch):
    """expand_equilibration_sweeps / expand_production_sweeps reach the soft-rod expansion
    (here Eq. 17 with the exact contact), and the compression keeps the common counts."""
    import cgml.papers.anisotropic.simulations as sims

    calls = []
    real = sims.run_rigid

    def spy(state, potential, n_sweeps, *args, **kwargs):
        calls.append(n_sweeps)
        return real(state, potential, n_sweeps, *args, **kwargs)

    monkeypatch.setattr(sims, "run_rigid", spy)
    params = _hard_eos_params(7, n_particles=672, pressures=[2.5], box_moves="rectangular",
                              tune_rounds=1, tune_sweeps=1, equilibration_sweeps=1, production_sweeps=2,
                              expand_equilibration_sweeps=3, expand_production_sweeps=4,
                              sample_every=1)
    out = {"csv": tmp_path / "eos.csv", "npz": tmp_path / "eos.npz"}
    run_sc_eos(input={}, output=out, params=params, wildcards={"potential": "exact", "branch": "expand"})
    assert calls == [3, 4]
    calls.clear()
    params["sc_eos"]["start_density"] = 0.02
    run_sc_eos(input={}, output=out, params=params, wildcards={"potential": "exact", "branch": "compress"})
    assert calls == [1, 2]


def test_hard_spherocylinder_crystal_stays_solid_at_high_pressure(tmp_path):
    """The expansion branch starts from the AB-stacked crystal of hexagonal layers: at P* = 4
    (above the paper's solid range) it stays layered (tau) with hexagonal layers (psi_6)."""
    params = _hard_eos_params(5, n_particles=400, pressures=[4.0], crystal_density=0.19,
                              box_moves="rectangular", tune_rounds=2)
    out = {"csv": tmp_path / "eos.csv", "npz": tmp_path / "eos.npz"}
    run_sc_eos(input={}, output=out, params=params, wildcards={"potential": "fg", "branch": "expand"})
    row = pd.read_csv(out["csv"], comment="#").iloc[0]
    assert row["s2"] > 0.9 and row["tau"] > 0.8 and row["psi6"] > 0.8, row.to_dict()
    assert 0.17 < row["density"] < 0.2398  # compressed toward, never beyond, close packing


def test_simulation_figures_are_drawn(tmp_path):
    """The figure functions read what the simulations write (tiny runs) and save PNGs."""
    from cgml.plotting.anisotropic_simulations import plot_fig3b, plot_fig5d, plot_fig7de

    _attractive_model(tmp_path / "m.json", 2.0, mu=2.0)
    write_npz(tmp_path / "d.npz", {}, energy=np.array([-0.02, 0.01]))
    remc = {"remc": {"n_replicas": 2, "kT_min": 0.05, "kT_max": 0.5, "n_cycles": 10,
                     "sample_every": 5, "box_length": 4.5, "tune_rounds": 1, "tune_sweeps": 5,
                     "target_acceptance": 0.3}, "system": "ipc", "seed": 1}
    run_remc(input={"dataset": tmp_path / "d.npz", "model": tmp_path / "m.json"},
             output={"npz": tmp_path / "r.npz", "json": tmp_path / "r.json"}, params=remc,
             wildcards={"potential": "cg", "n": "4"})
    plot_fig3b([tmp_path / "r.npz"], tmp_path / "fig3b.png")
    _attractive_model(tmp_path / "v.json", 1.5)
    q2d = {"superball": {"sigma": 1.0, "exponent": 3.5, "sigma_d": 0.3},
           "quasi2d": {"n_particles": 9, "density_2d": 0.3, "depletant_packing_fraction": 1.0,
                       "n_sweeps": 10, "sample_every": 5, "tune_rounds": 1, "tune_sweeps": 5,
                       "target_acceptance": 0.3, "retune_every": 0, "bond_cutoff": 1.3,
                       "interior_bonds": 4, "cluster_moves_per_sweep": 0.0,
                       "cluster_max_displacement": 0.5, "cluster_max_rotation": 0.3, "cluster_bond_energy": 1.0,
                          "anneal_from_packing_fraction": 0.0}, "seed": 3}
    run_quasi2d(input={"model": tmp_path / "v.json"},
                output={"npz": tmp_path / "q.npz", "json": tmp_path / "q.json"}, params=q2d,
                wildcards={"start": "square"})
    plot_fig5d([tmp_path / "q.npz"], 3.5, 1.0, tmp_path / "fig5d.png")
    pd.DataFrame({"pressure": [0.2, 1.0], "density": [0.05, 0.1], "density_sem": [0.001, 0.001],
                  "s2": [0.1, 0.6], "tau": [0.05, 0.4], "psi6": [0.2, 0.3]}).to_csv(tmp_path / "eos_fg.csv", index=False)
    plot_fig7de({("fg", "compress"): tmp_path / "eos_fg.csv"}, tmp_path / "fig7de.png")
    for name in ("fig3b", "fig5d", "fig7de"):
        assert (tmp_path / f"{name}.png").stat().st_size > 5000


def test_quasi2d_anneal_ends_at_the_target_depletant_reservoir(tmp_path):
    """With the reservoir ramped from eta_p^r = 0.5 to 2.0 over the first half, the energies of
    the second half are those of the target potential (recomputed from the snapshots), the
    first ones those of a weaker one; a start above the target is refused by name."""
    from cgml.simulate.rigid import rigid_energy
    from cgml.simulate.rigid_potentials import superball_depletion_potential

    model = _attractive_model(tmp_path / "m.json", 1.5)
    q = {"n_particles": 9, "density_2d": 0.3, "depletant_packing_fraction": 2.0, "n_sweeps": 40,
         "sample_every": 5, "tune_rounds": 1, "tune_sweeps": 5, "target_acceptance": 0.3,
         "retune_every": 0, "bond_cutoff": 1.3, "interior_bonds": 4, "cluster_moves_per_sweep": 0.2,
         "cluster_max_displacement": 0.5, "cluster_max_rotation": 0.3, "cluster_bond_energy": 1.0,
         "anneal_from_packing_fraction": 0.5}
    sb = {"sigma": 1.0, "exponent": 3.5, "sigma_d": 0.3}
    out = {"npz": tmp_path / "q.npz", "json": tmp_path / "q.json"}
    run_quasi2d(input={"model": tmp_path / "m.json"}, output=out, params={"superball": sb, "quasi2d": q, "seed": 4},
                wildcards={"start": "square"})
    arrays, meta = read_npz(out["npz"])
    box = np.asarray(meta["box_lengths"])

    def energy_at(eta, frame):
        pot = superball_depletion_potential(model, 1.0, 3.5, depletant_fugacity(eta, 0.3))
        state = init_rigid_state(arrays["positions"][frame], arrays["rotations"][frame], box, pot)
        return rigid_energy(state, pot)

    assert arrays["energies"][-1] == pytest.approx(energy_at(2.0, -1), rel=1e-9, abs=1e-9)
    assert arrays["energies"][-1] < 0.0
    # the first sample (after 5 sweeps) was taken at eta = 0.5 (the ramp's start), with bonds
    assert energy_at(2.0, 0) < 2.0 * arrays["energies"][0] < 0.0
    assert arrays["energies"][0] == pytest.approx(energy_at(0.5, 0), rel=1e-9, abs=1e-9)
    with pytest.raises(ValueError, match="anneal_from_packing_fraction"):
        run_quasi2d(input={"model": tmp_path / "m.json"}, output=out,
                    params={"superball": sb, "quasi2d": dict(q, anneal_from_packing_fraction=3.0), "seed": 4},
                    wildcards={"start": "square"})


def test_phase_boundaries_from_order_parameters():
    from cgml.papers.anisotropic.simulations import phase_boundaries

    frame = pd.DataFrame({"density": [0.10, 0.12, 0.13, 0.145, 0.16, 0.17],
                          "s2": [0.05, 0.1, 0.7, 0.9, 0.95, 0.97],
                          "tau": [0.02, 0.03, 0.1, 0.6, 0.8, 0.9],
                          "psi6": [0.2, 0.2, 0.3, 0.4, 0.8, 0.9]})
    b = phase_boundaries(frame, s2_nematic=0.4, tau_smectic=0.4, psi6_solid=0.6)
    assert b == {"isotropic_max": 0.12, "smectic_min": 0.145, "solid_min": 0.16}


def test_boundary_table_reads_each_branch_and_both_pooled(tmp_path):
    """The scorecard compares the pooled row; a layered expansion state below the
    compression's isotropic ones moves the pooled smectic boundary, not the isotropic one."""
    from cgml.papers.anisotropic.report import boundary_table

    compress = pd.DataFrame({"density": [0.10, 0.12, 0.13], "s2": [0.05, 0.06, 0.08],
                             "tau": [0.04, 0.05, 0.05], "psi6": [0.2, 0.2, 0.3]})
    expand = pd.DataFrame({"density": [0.118, 0.14, 0.16], "s2": [0.8, 0.95, 0.98],
                           "tau": [0.5, 0.8, 0.9], "psi6": [0.3, 0.45, 0.7]})
    inputs = {}
    for potential in ("fg", "exact"):
        for branch, frame in (("compress", compress), ("expand", expand)):
            inputs[f"eos_{potential}_{branch}"] = tmp_path / f"{potential}_{branch}.csv"
            frame.to_csv(inputs[f"eos_{potential}_{branch}"], index=False)
    table = boundary_table(inputs, {"s2_nematic": 0.4, "tau_smectic": 0.4, "psi6_solid": 0.6})
    assert len(table) == 6 and set(table["potential"]) == {"fg", "exact"}
    row = table.set_index(["potential", "branch"])
    assert row.loc[("exact", "compress"), "isotropic_max"] == 0.13
    assert np.isnan(row.loc[("exact", "compress"), "smectic_min"])
    assert row.loc[("exact", "expand"), "smectic_min"] == 0.118
    assert row.loc[("fg", "both")].tolist() == [0.13, 0.118, 0.16]


def test_n_s_claims_compare_where_the_gain_stop_ends_the_selection_not_the_cap(tmp_path):
    """A selection capped at the paper's N_s equals it by construction: the claims take the
    size at which the R^2-gain stop ends the path (inf when beyond the probe), and a fit
    the gain stop ended below its cap compares its own N_s."""
    from cgml.papers.anisotropic.claims import claims_for
    from cgml.papers.anisotropic.report import model_table

    base = {"r2_train": 0.99, "r2_test": 0.99, "rmse_train": 0.02, "rmse_test": 0.02}
    metrics = {"jc": dict(base, n_features=92, stop="min_gain", gain_stop_size=92),
               "ipc": dict(base, n_features=64, stop="max_features", gain_stop_size=None),
               "superball": dict(base, n_s=30, stop="max_features", gain_stop_size=41),
               "spherocylinder": dict(base, n_s=64)}  # written before the stop was recorded
    inputs = {}
    for name, m in metrics.items():
        inputs[f"metrics_{name}"] = tmp_path / f"{name}.json"
        inputs[f"metrics_{name}"].write_text(json.dumps(m))
    table = model_table(inputs).set_index("model")
    assert table["n_s"].tolist() == [92, 64, 30, 64]
    assert table["n_s_gain_stop"].tolist() == [92, np.inf, 41, 64]
    claims = {c.claim: c for c in claims_for("paper")}
    assert claims["jc_n_s"].evaluate(92.0, "paper")["status"] == "pass"
    assert claims["ipc_n_s"].evaluate(np.inf, "paper")["status"] == "fail"


def test_fg_rigid_potential_equals_the_site_sum():
    """The REMC FG pair function is the truncated site sum of the data sets (plus a hard core)."""
    from cgml.fg.patchy import truncated_site_sum
    from cgml.geometry.rotations import random_rotation_matrices
    from cgml.papers.anisotropic.patchy import fg_particle
    from cgml.papers.anisotropic.simulations import fg_rigid_potential

    fg = {"n_sites": 120}
    potential = fg_rigid_potential("ipc", {"fg": fg})
    particle = fg_particle("ipc", fg)
    rng = np.random.default_rng(0)
    rot_i, rot_j = random_rotation_matrices(rng, 5), random_rotation_matrices(rng, 5)
    sep = np.c_[rng.uniform(1.02, 1.9, 5), np.zeros(5), np.zeros(5)]
    expected = truncated_site_sum(particle, particle, sep, rot_i, rot_j).energies
    got = [potential.pair_energy(sep[k], rot_i[k], rot_j[k], potential.params) for k in range(5)]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert potential.pair_energy(np.array([0.99, 0, 0]), rot_i[0], rot_j[0], potential.params) == np.inf
    with pytest.raises(ValueError, match="spheres"):
        fg_rigid_potential("ejc", {})


def test_soft_spherocylinder_potential_follows_eq17(tmp_path):
    """The rigid-body CG potential equals the numpy Eq. 17 of the shapes module."""
    from cgml.geometry.rotations import random_rotation_matrices
    from cgml.papers.anisotropic.shapes import (
        fit_contact_function,
        make_spherocylinder_dataset,
        pack_soft_potential,
        soft_potential_pair,
        soft_spherocylinder_potential,
    )

    data = make_spherocylinder_dataset(length=4.0, diameter=1.0, n_samples=400,
                                       rng=np.random.default_rng(1))
    model = fit_contact_function(data, seed=2, degree=4, max_features=10)[0]
    model.save(tmp_path / "c.json")
    potential = soft_spherocylinder_potential(tmp_path / "c.json", {"length": 4.0, "diameter": 1.0})
    rng = np.random.default_rng(3)
    rot_i, rot_j = random_rotation_matrices(rng, 50), random_rotation_matrices(rng, 50)
    u = rng.normal(size=(50, 3))
    r = u / np.linalg.norm(u, axis=1, keepdims=True) * rng.uniform(0.8, 6.0, (50, 1))
    params = pack_soft_potential(model)
    got = np.array([potential.pair_energy(r[k], rot_i[k], rot_j[k], potential.params) for k in range(50)])
    expected = np.array([soft_potential_pair(r[k], rot_i[k][:, 2].copy(), rot_j[k][:, 2].copy(), params)
                         for k in range(50)])
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert np.all(got[np.linalg.norm(r, axis=1) > potential.r_cut] == 0.0)


def test_contact_screen_leaves_energies_and_trajectories_bit_identical(tmp_path):
    """The CG rods' polynomial screen (contact_upper_bounds) only skips pairs whose Eq. 17
    is exactly 0: pair energies near and far from contact, and an NPT trajectory of a dense
    rod fluid, are the same bit for bit with and without it, and the screen does skip."""
    from cgml.geometry.rotations import random_rotation_matrices
    from cgml.papers.anisotropic.shapes import (
        fit_contact_function,
        make_spherocylinder_dataset,
        soft_spherocylinder_potential,
    )
    from cgml.papers.anisotropic.simulations import hexagonal_rod_crystal
    from cgml.simulate.rigid import run_rigid

    data = make_spherocylinder_dataset(length=4.0, diameter=1.0, n_samples=1500,
                                       rng=np.random.default_rng(4))
    fit_contact_function(data, seed=2, degree=6, max_features=25)[0].save(tmp_path / "c.json")
    sc = {"length": 4.0, "diameter": 1.0}
    plain = soft_spherocylinder_potential(tmp_path / "c.json", sc, screen_grid=0)
    screened = soft_spherocylinder_potential(tmp_path / "c.json", sc, screen_grid=16)
    rng = np.random.default_rng(5)
    m = 4000
    rot_i, rot_j = random_rotation_matrices(rng, m), random_rotation_matrices(rng, m)
    u = rng.normal(size=(m, 3))
    r = u / np.linalg.norm(u, axis=1, keepdims=True) * rng.uniform(0.8, plain.r_cut, (m, 1))
    e_plain = np.array([plain.pair_energy(r[k], rot_i[k], rot_j[k], plain.params) for k in range(m)])
    e_screen = np.array([screened.pair_energy(r[k], rot_i[k], rot_j[k], screened.params)
                         for k in range(m)])
    np.testing.assert_array_equal(e_screen, e_plain)
    assert (e_plain > 0).sum() > 100 and (e_plain == 0).sum() > 100
    # how many zero pairs the table proves zero (the screen is not vacuous)
    params, bounds, inv_width = screened.params
    n = bounds.shape[0]
    s = np.stack([C3 * np.einsum("ka,ka->k", rot_j[:, :, 2], r), -C3 * np.einsum("ka,ka->k", rot_i[:, :, 2], r),
                  -C3 * np.einsum("ka,ka->k", rot_i[:, :, 2], rot_j[:, :, 2]) * np.linalg.norm(r, axis=1)],
                 axis=1) / np.linalg.norm(r, axis=1)[:, None]
    idx = np.clip(((s + C3) * inv_width).astype(int), 0, n - 1)
    skipped = np.linalg.norm(r, axis=1) - bounds[idx[:, 0], idx[:, 1], idx[:, 2]] >= params[3]
    assert skipped.sum() > 0.5 * (e_plain == 0).sum()
    # a dense rod crystal under pressure: the same trajectory
    positions, box = hexagonal_rod_crystal(672, 4.0, 1.0, 0.14)  # the laptop N: edges > 2 r_cut
    finals = []
    for pot in (plain, screened):
        state = init_rigid_state(positions, np.tile(np.eye(3), (672, 1, 1)), box * 1.02, pot)
        out = run_rigid(state, pot, 8, 0.15, 0.15, 7, 8, pressure=1.5,
                        max_log_volume_change=0.01, rectangular=True)
        finals.append(out)
    np.testing.assert_array_equal(finals[0].state.positions, finals[1].state.positions)
    np.testing.assert_array_equal(finals[0].state.rotations, finals[1].state.rotations)
    assert finals[0].state.energy == finals[1].state.energy > 0
    assert finals[0].acceptance == finals[1].acceptance


def test_exact_contact_reference_potential_is_eq17_on_the_body_z_axes():
    """The "exact" EOS potential: Eq. 17 with the Vega-Lago contact on the body z axes,
    zero beyond L + D + gap_cut, and the same energy as the hard rods' overlap test says."""
    from cgml.geometry import spherocylinder_overlap
    from cgml.geometry.rotations import random_rotation_matrices
    from cgml.papers.anisotropic.shapes import exact_soft_energy, exact_soft_params
    from cgml.papers.anisotropic.simulations import _sc_potential

    sc = {"length": 4.0, "diameter": 1.0, "gap_cut": 0.5}
    potential = _sc_potential("exact", {}, sc)
    assert potential.r_cut == pytest.approx(5.5)
    rng = np.random.default_rng(4)
    m = 400
    rot_i, rot_j = random_rotation_matrices(rng, m), random_rotation_matrices(rng, m)
    u = rng.normal(size=(m, 3))
    r = u / np.linalg.norm(u, axis=1, keepdims=True) * rng.uniform(0.8, 6.0, (m, 1))
    got = np.array([potential.pair_energy(r[k], rot_i[k], rot_j[k], potential.params) for k in range(m)])
    params = exact_soft_params(sc)
    expected = np.array([exact_soft_energy(r[k], rot_i[k][:, 2].copy(), rot_j[k][:, 2].copy(), params)
                         for k in range(m)])
    np.testing.assert_array_equal(got, expected)
    assert np.all(got[np.linalg.norm(r, axis=1) >= potential.r_cut] == 0.0)
    # overlapping hard rods have h < 0: Eq. 17 above its contact value 1 - 1.5^-50
    overlap = spherocylinder_overlap(r, rot_i[:, :, 2], rot_j[:, :, 2], 4.0, 1.0)
    assert overlap.sum() > 50 and np.all(got[overlap] > 1.0 - 1.5 ** -50)
    assert np.all(got[~overlap] <= 1.0)
    with pytest.raises(ValueError, match="'exact'"):
        _sc_potential("soft", {}, sc)


def test_random_insertion_avoids_deep_soft_overlaps():
    """Soft bodies are not inserted deep inside each other (energies stay O(kT))."""
    from numba import njit

    from cgml.papers.anisotropic.simulations import random_configuration
    from cgml.simulate.rigid import init_rigid_state, rigid_pair_potential

    @njit
    def soft(r_ij, rot_i, rot_j, params):
        d = np.sqrt(r_ij[0] ** 2 + r_ij[1] ** 2 + r_ij[2] ** 2)
        return (1.0 / d) ** 50 if d < 1.5 else 0.0

    potential = rigid_pair_potential(soft, 1.5, (0.0,), "soft")
    box = np.full(3, 5.0)
    positions, rotations = random_configuration(potential, 40, box, np.random.default_rng(2))
    state = init_rigid_state(positions, rotations, box, potential)
    assert state.energy < 40 * 5.0
    # the documented guarantee, pair by pair: no pair above max_pair_energy = 5 kT, i.e. no
    # two centres closer than 5^(-1/50) = 0.968 (a single pair at 0.9 would cost 194 kT)
    d = positions[:, None] - positions[None]
    d -= box * np.rint(d / box)
    r = np.linalg.norm(d, axis=-1)[np.triu_indices(len(positions), 1)]
    assert r.min() >= 5.0 ** (-1 / 50) and np.any(r < 1.5)  # and some pairs do interact


def test_sc_eos_bounds_the_box_shape_of_rectangular_moves(tmp_path):
    """max_box_aspect_change reaches tuning, equilibration and production: with a bound of
    1.001 about the cubic start every final box stays cubic to 0.1% while the volume moves;
    a bound without rectangular moves is refused by name."""
    params = _hard_eos_params(6, n_particles=150, pressures=[0.5, 2.0], box_moves="rectangular",
                              max_box_aspect_change=1.001, tune_rounds=2)
    out = {"csv": tmp_path / "eos.csv", "npz": tmp_path / "eos.npz"}
    run_sc_eos(input={}, output=out, params=params, wildcards={"potential": "fg", "branch": "compress"})
    with np.load(out["npz"]) as snap:
        boxes = np.array([snap["box_000"], snap["box_001"]])
    assert np.ptp(np.log(boxes), axis=1).max() <= np.log(1.001) + 1e-12
    frame = pd.read_csv(out["csv"], comment="#")
    assert frame["acceptance_volume"].min() > 0  # volume moves were taken
    bad = _hard_eos_params(6, n_particles=150, pressures=[0.5], box_moves="isotropic",
                           max_box_aspect_change=2.0, tune_rounds=1)
    with pytest.raises(ValueError, match="max_box_aspect_change"):
        run_sc_eos(input={}, output=out, params=bad, wildcards={"potential": "fg", "branch": "compress"})


def test_a_killed_eos_job_resumes_after_its_last_pressure_with_the_same_result(tmp_path, interrupt_at_call):
    """The rerun of an an_sc_eos job killed during its third pressure continues from the
    checkpoint of the second and writes what an uninterrupted run writes, bit for bit."""
    import cgml.papers.anisotropic.simulations as sim

    params = _hard_eos_params(9, n_particles=120, pressures=[0.5, 1.0, 2.0, 3.0], box_moves="isotropic",
                              tune_rounds=2)
    wildcards = {"potential": "fg", "branch": "compress"}
    straight = {"csv": tmp_path / "a.csv", "npz": tmp_path / "a.npz"}
    run_sc_eos(input={}, output=straight, params=params, wildcards=wildcards)

    out = {"csv": tmp_path / "b.csv", "npz": tmp_path / "b.npz"}
    interrupt_at_call(sim, "run_rigid", 5)  # calls 1-2 pressure 0, 3-4 pressure 1, 5 the third one's first
    with pytest.raises(KeyboardInterrupt):
        run_sc_eos(input={}, output=out, params=params, wildcards=wildcards)
    assert not out["csv"].exists()
    checkpoint = tmp_path / ".b.csv.checkpoint.npz"
    assert checkpoint.exists()
    calls = interrupt_at_call(sim, "run_rigid", None)
    run_sc_eos(input={}, output=out, params=params, wildcards=wildcards)
    assert len(calls) == 4, "only the last two pressures ran again"
    assert not checkpoint.exists()
    a, b = pd.read_csv(straight["csv"], comment="#"), pd.read_csv(out["csv"], comment="#")
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    with np.load(straight["npz"]) as x, np.load(out["npz"]) as y:
        for name in x.files:
            if name != "meta":
                np.testing.assert_array_equal(x[name], y[name])


def test_a_checkpoint_of_other_parameters_is_not_resumed(tmp_path):
    from cgml.io.checkpoint import StageCheckpoint

    target = tmp_path / "eos.csv"
    old = StageCheckpoint(target, {"pressures": [1, 2]})
    old.save(0, {"rows": [1]}, x=np.arange(3))
    assert old.load()[0] == 0
    assert StageCheckpoint(target, {"pressures": [1, 3]}).load() is None
    assert not old.path.exists(), "a stale checkpoint is deleted"
    old.path.write_bytes(b"PK\x03\x04 truncated")
    assert old.load() is None and not old.path.exists()


def test_a_checkpoint_of_other_code_is_not_resumed(tmp_path, monkeypatch):
    """An engine fixed between the killed job and its rerun: the rerun starts afresh."""
    import cgml
    from cgml.io.checkpoint import StageCheckpoint

    asked = []
    real = cgml.source_hash
    monkeypatch.setattr(cgml, "source_hash", lambda *m: asked.append(m) or real(*m))
    target = tmp_path / "eos.csv"
    old = StageCheckpoint(target, {"pressures": [1, 2]}, code="cgml.simulate.mc")
    assert asked == [("cgml.simulate.mc",)]
    old.save(0, {"rows": [1]}, x=np.arange(3))
    assert StageCheckpoint(target, {"pressures": [1, 2]}, code="cgml.simulate.mc").load()[0] == 0
    monkeypatch.setattr(cgml, "source_hash", lambda *m: "edited" + real(*m))
    assert StageCheckpoint(target, {"pressures": [1, 2]}, code="cgml.simulate.mc").load() is None
    assert not old.path.exists(), "a checkpoint of other code is deleted"


@pytest.mark.parametrize("retune_every", [0, 10])
def test_a_killed_quasi2d_job_resumes_after_its_last_saved_chunk_with_the_same_result(
        tmp_path, monkeypatch, interrupt_at_call, retune_every):
    """an_quasi2d (reservoir ramp, cluster moves, re-tuned segments or not) killed in its
    sixth chunk: the rerun runs chunks 6-8 only and writes the uninterrupted run's arrays."""
    import cgml.papers.anisotropic.simulations as sim

    _attractive_model(tmp_path / "m.json", 1.5)
    q = {"n_particles": 9, "density_2d": 0.3, "depletant_packing_fraction": 2.0, "n_sweeps": 40,
         "sample_every": 5, "tune_rounds": 1, "tune_sweeps": 5, "target_acceptance": 0.3,
         "retune_every": retune_every, "bond_cutoff": 1.3, "interior_bonds": 4, "cluster_moves_per_sweep": 0.2,
         "cluster_max_displacement": 0.5, "cluster_max_rotation": 0.3, "cluster_bond_energy": 1.0,
         "anneal_from_packing_fraction": 0.5}
    params = {"superball": {"sigma": 1.0, "exponent": 3.5, "sigma_d": 0.3}, "quasi2d": q, "seed": 4}
    inp = {"model": tmp_path / "m.json"}
    straight = {"npz": tmp_path / "a.npz", "json": tmp_path / "a.json"}
    run_quasi2d(input=inp, output=straight, params=params, wildcards={"start": "square"})

    monkeypatch.setattr(sim, "QUASI2D_CHECKPOINT_SECONDS", 0.0)
    out = {"npz": tmp_path / "b.npz", "json": tmp_path / "b.json"}
    interrupt_at_call(sim, "run_rigid", 6)
    with pytest.raises(KeyboardInterrupt):
        run_quasi2d(input=inp, output=out, params=params, wildcards={"start": "square"})
    assert (tmp_path / ".b.npz.checkpoint.npz").exists() and not out["npz"].exists()
    calls = interrupt_at_call(sim, "run_rigid", None)
    run_quasi2d(input=inp, output=out, params=params, wildcards={"start": "square"})
    assert len(calls) == 3 and not (tmp_path / ".b.npz.checkpoint.npz").exists()
    (a, meta_a), (b, meta_b) = read_npz(straight["npz"]), read_npz(out["npz"])
    assert sorted(a) == sorted(b)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    for key in ("mean_bond_angle_deg", "mean_energy_per_particle", "steps", "acceptance",
                "cluster_acceptance", "mean_cluster_size"):
        assert meta_a[key] == meta_b[key] or (meta_a[key] != meta_a[key] and meta_b[key] != meta_b[key]), key


@pytest.mark.parametrize("kill_at", ["tuning", "run"])
def test_a_killed_remc_job_resumes_from_its_checkpoints_with_the_same_result(tmp_path, monkeypatch, kill_at):
    """an_remc killed in its replica-exchange run (after the tuned slots were saved, and
    after two run checkpoints) or during the tuning: the rerun writes the uninterrupted
    run's arrays and skips the tuning it already did."""
    import cgml.papers.anisotropic.simulations as sim
    from cgml.io.checkpoint import StageCheckpoint

    _, params = _remc_inputs(tmp_path)
    inp = {"dataset": tmp_path / "d.npz", "model": tmp_path / "m.json"}
    wildcards = {"potential": "cg", "n": "4"}
    straight = {"npz": tmp_path / "a.npz", "json": tmp_path / "a.json"}
    run_remc(input=inp, output=straight, params=params, wildcards=wildcards)

    monkeypatch.setattr(sim, "REMC_CHECKPOINT_SECONDS", 0.0)
    saves, tunes, original_save, original_tune = [], [], StageCheckpoint.save, sim.adapt_rigid_steps

    def save(self, *args, **kwargs):
        original_save(self, *args, **kwargs)
        saves.append(self.path.name)
        if kill_at == "run" and sum(".b.npz.checkpoint" in n for n in saves) == 2:
            raise KeyboardInterrupt("killed")

    armed = [True]

    def tune(*args, **kwargs):
        tunes.append(1)
        if armed[0] and kill_at == "tuning" and len(tunes) == 2:
            raise KeyboardInterrupt("killed")
        return original_tune(*args, **kwargs)

    monkeypatch.setattr(StageCheckpoint, "save", save)
    monkeypatch.setattr(sim, "adapt_rigid_steps", tune)
    out = {"npz": tmp_path / "b.npz", "json": tmp_path / "b.json"}
    with pytest.raises(KeyboardInterrupt):
        run_remc(input=inp, output=out, params=params, wildcards=wildcards)
    assert not out["npz"].exists()
    monkeypatch.setattr(StageCheckpoint, "save", original_save)
    tunes.clear()
    armed[0] = False
    run_remc(input=inp, output=out, params=params, wildcards=wildcards)
    assert len(tunes) == (0 if kill_at == "run" else 3)
    assert not list(tmp_path.glob(".b.npz*checkpoint.npz")), "checkpoints removed with the outputs written"
    (a, meta_a), (b, meta_b) = read_npz(straight["npz"]), read_npz(out["npz"])
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    assert meta_a["mean_energy_per_particle"] == meta_b["mean_energy_per_particle"]


def test_checkpoint_key_takes_the_inputs_as_snakemake_gives_them(tmp_path):
    """A rule input that is a list (an empty one for the hard rods' model) reaches the
    job as a Namedlist: the checkpoint key reads the files inside, and none for []."""
    from snakemake.iocontainers import Namedlist

    from cgml.io.checkpoint import StageCheckpoint

    (tmp_path / "m.json").write_text("{}")
    empty = StageCheckpoint(tmp_path / "o.csv", {"a": 1}, [Namedlist()])
    assert empty.key == StageCheckpoint(tmp_path / "o.csv", {"a": 1}, []).key
    one = StageCheckpoint(tmp_path / "o.csv", {"a": 1}, [Namedlist([str(tmp_path / "m.json")])])
    assert one.key != empty.key
    (tmp_path / "m.json").write_text('{"changed": 1}')
    assert StageCheckpoint(tmp_path / "o.csv", {"a": 1}, [Namedlist([str(tmp_path / "m.json")])]).key != one.key
