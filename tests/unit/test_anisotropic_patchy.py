"""Surface-patterned particles chain (Campos-Villalobos et al., npj Comput. Mater. 2024).

Physics checks of the fast truncated site sum (Eq. 16) against the full double sum,
symmetries of the FG and CG pair energies, the configuration grid of Methods, a small
end-to-end fit and the entry functions. Reduced units: sigma (sigma_perp), k_BT, rad.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from cgml.fg.patchy import (
    build_patchy_particle,
    cutoff_for_tolerance,
    paper_particle,
    site_sum_energy,
    truncated_site_sum,
)
from cgml.fitting.sfunction_model import SFunctionPairModel
from cgml.geometry import ellipsoid_overlap, random_rotation_matrices
from cgml.io import read_npz
from cgml.papers.anisotropic.patchy import (
    build_candidate_pool,
    compact_model,
    fit_patchy_model,
    grid_angles,
    grid_rotations,
    run_patchy_dataset,
    run_patchy_fit,
    run_patchy_landscape,
    sample_grid_configurations,
)
from cgml.plotting.anisotropic_patchy import plot_fig2, plot_fig3, plot_selection_trace

TOY = {"dataset": {"n_separations": 6, "n_angles": 8, "n_samples": 600},
       "fg": {"n_sites": 200}, "fit": {"max_degree": 6, "max_features": 15},
       "landscape": {"n_theta": 9, "n_curve": 9, "n_curve_r": 6}}


def _contact_configurations(rng, m, r_lo, r_hi, semi_axes):
    """m random non-overlapping configurations with R in [r_lo, r_hi] along random axes."""
    out_r, out_i, out_j = [], [], []
    while sum(len(x) for x in out_r) < m:
        u = rng.normal(size=(4 * m, 3))
        u /= np.linalg.norm(u, axis=1)[:, None]
        sep = rng.uniform(r_lo, r_hi, 4 * m)[:, None] * u
        ri = random_rotation_matrices(rng, 4 * m)
        rj = random_rotation_matrices(rng, 4 * m)
        ok = ~ellipsoid_overlap(sep, ri, rj, semi_axes)
        out_r.append(sep[ok]), out_i.append(ri[ok]), out_j.append(rj[ok])
    return (np.concatenate(out_r)[:m], np.concatenate(out_i)[:m], np.concatenate(out_j)[:m])


@pytest.mark.parametrize("name, r_lo, r_hi", [("JC", 1.01, 2.0), ("EIPC", 1.01, 4.0)])
def test_truncated_sum_matches_full_sum_within_bound(name, r_lo, r_hi):
    rng = np.random.default_rng(11)
    p = paper_particle(name)
    sep, ri, rj = _contact_configurations(rng, 8, r_lo, r_hi, p.semi_axes)
    full = site_sum_energy(p, p, sep, ri, rj)
    res = truncated_site_sum(p, p, sep, ri, rj, tolerance=1e-4)
    diff = np.abs(res.energies - full)
    assert np.all(res.error_bound <= 1e-4 * (1 + 1e-12))
    assert np.all(diff <= res.error_bound + 1e-12 * np.abs(full))
    np.testing.assert_allclose(res.energies, full, rtol=0, atol=1e-4)
    # a coarse tolerance really truncates (the test above could not pass by accident)
    coarse = truncated_site_sum(p, p, sep, ri, rj, tolerance=0.5)
    coarse_diff = np.abs(coarse.energies - full)
    assert coarse.r_cut < res.r_cut and coarse_diff.max() > 1e-5
    assert np.all(coarse_diff <= coarse.error_bound + 1e-12 * np.abs(full))
    # the worst-case bound defines r_cut
    a_abs = np.abs(p.site_charges).sum()
    assert 0.1 * a_abs**2 * math.exp(-10 * res.r_cut) / res.r_cut == pytest.approx(1e-4, rel=1e-9)
    assert res.r_cut == cutoff_for_tolerance(p, p, 1e-4)


def test_parallel_equals_serial_and_wrapper_routes():
    rng = np.random.default_rng(5)
    p = paper_particle("IPC")
    sep, ri, rj = _contact_configurations(rng, 12, 1.02, 2.0, p.semi_axes)
    serial = truncated_site_sum(p, p, sep, ri, rj, tolerance=1e-4)
    parallel = truncated_site_sum(p, p, sep, ri, rj, tolerance=1e-4, parallel=True)
    np.testing.assert_array_equal(serial.energies, parallel.energies)
    np.testing.assert_array_equal(serial.error_bound, parallel.error_bound)
    np.testing.assert_array_equal(site_sum_energy(p, p, sep, ri, rj, tolerance=1e-4),
                                  serial.energies)
    with pytest.raises(ValueError, match="tolerance"):
        truncated_site_sum(p, p, sep, ri, rj, tolerance=-1.0)
    with pytest.raises(ValueError, match="parallel"):
        site_sum_energy(p, p, sep, ri, rj, parallel=True)


@pytest.mark.parametrize("name", ["JC", "IPC"])
def test_pair_energy_rotation_and_exchange_symmetry(name):
    """FG and CG energies are invariant under a common rotation and under I <-> J."""
    rng = np.random.default_rng(3)
    p = build_patchy_particle("janus" if name == "JC" else "ipc", n_sites=300)
    sep, ri, rj = _contact_configurations(rng, 6, 1.03, 1.8, p.semi_axes)
    g = random_rotation_matrices(rng, 1)[0]
    e = truncated_site_sum(p, p, sep, ri, rj, tolerance=1e-6).energies
    e_rot = truncated_site_sum(p, p, sep @ g.T, g @ ri, g @ rj, tolerance=1e-6).energies
    e_swap = truncated_site_sum(p, p, -sep, rj, ri, tolerance=1e-6).energies
    assert np.ptp(e) > 0.1                           # configurations differ
    np.testing.assert_allclose(e_rot, e, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(e_swap, e, rtol=1e-9, atol=1e-9)
    # the CG model: random weights on the exchange-distinct pool
    angular, radial = build_candidate_pool(5, 10.0)
    w = rng.normal(size=len(angular))
    model = SFunctionPairModel(angular, radial, 2.0, np.arange(len(angular)), w)
    c = model.predict(ri, rj, sep)
    scale = np.abs(c).max()                          # exp(-10 R) makes c small, not trivial
    assert np.ptp(c) > 0.1 * scale > 0
    np.testing.assert_allclose(model.predict(g @ ri, g @ rj, sep @ g.T), c, rtol=1e-10,
                               atol=1e-12 * scale)
    np.testing.assert_allclose(model.predict(rj, ri, -sep), c, rtol=1e-10, atol=1e-12 * scale)
    np.testing.assert_allclose(compact_model(model).predict(ri, rj, sep), c, rtol=1e-12,
                               atol=1e-14 * scale)


def test_grid_rotations_and_pool():
    t1, t2 = 0.3, 1.1
    q = grid_rotations(t1, t2)[0]
    rx = np.array([[1, 0, 0], [0, np.cos(t1), -np.sin(t1)], [0, np.sin(t1), np.cos(t1)]])
    ry = np.array([[np.cos(t2), 0, np.sin(t2)], [0, 1, 0], [-np.sin(t2), 0, np.cos(t2)]])
    np.testing.assert_allclose(q, ry @ rx, atol=1e-15)
    np.testing.assert_allclose(grid_angles(4), [0, np.pi / 2, np.pi, 1.5 * np.pi])
    # exchange-distinct pool sizes quoted in the module docstring (d = 9: 125, d = 12: 252)
    assert len(build_candidate_pool(9, 10.0)[0]) == 125
    assert len(build_candidate_pool(12, 10.0)[0]) == 252


def test_sampling_covers_paper_ranges_and_rejects_ellipsoid_overlaps():
    rng = np.random.default_rng(0)
    sph = sample_grid_configurations(np.full(3, 0.5), 5, 6, 3000, 1.0405, 2.0, rng)
    assert sph["separation"].min() == pytest.approx(1.0405)
    assert sph["separation"].max() == pytest.approx(2.0)
    assert np.unique(sph["separation"]).size == 5
    for col in range(4):
        np.testing.assert_allclose(np.unique(sph["angles"][:, col]), grid_angles(6))
    assert sph["n_grid"] == 5 * 6**4 and sph["n_overlapping"] == 0
    assert np.unique(sph["grid_index"]).size == 3000            # without replacement
    semi = paper_particle("EJC").semi_axes
    ell = sample_grid_configurations(semi, 6, 6, 2000, 1.010, 4.0, rng)
    assert ell["separation"].min() < 1.5 and ell["separation"].max() == pytest.approx(4.0)
    assert ell["n_overlapping"] > 0                             # the grid does contain overlaps
    assert not np.any(ellipsoid_overlap(ell["separations"], ell["rotations_i"],
                                        ell["rotations_j"], semi))
    assert 0.0 < ell["valid_fraction"] < 1.0
    with pytest.raises(ValueError, match="n_samples"):
        sample_grid_configurations(semi, 2, 2, 1000, 1.01, 4.0, rng)


def test_small_end_to_end_fit(tmp_path):
    params = {"system": "ipc", "seed": 7, **TOY}
    data_path = tmp_path / "ipc.npz"
    run_patchy_dataset(input={}, output={"dataset": data_path}, params=params, wildcards={})
    data, meta = read_npz(data_path)
    assert meta["seed"] == 7 and meta["params"]["system"] == "ipc"
    assert data["energy"].shape == (600,) and data["train"].sum() == 480
    assert not np.any(data["train"] & data["test"])
    assert np.all(data["error_bound"] <= 1e-4)
    # z -> -z symmetry of the IPC pattern holds in the data-set convention too
    p = build_patchy_particle("ipc", n_sites=200)
    flip = grid_rotations(np.pi, 0.0)[0]                        # R_X(pi): z -> -z
    idx = np.argsort(-np.abs(data["energy"]))[:5]               # the strongest pairs (~2 kT)
    assert np.abs(data["energy"][idx]).min() > 1.0
    e_flip = site_sum_energy(p, p, data["separations"][idx], data["rotations_i"][idx] @ flip,
                             data["rotations_j"][idx], tolerance=1e-6)
    # the pattern is symmetric, the 200-site lattice nearly so (measured <= 0.026 kT)
    np.testing.assert_allclose(e_flip, data["energy"][idx], atol=0.03)

    model, selection, pred = fit_patchy_model(
        data["separations"], data["rotations_i"], data["rotations_j"], data["energy"],
        data["train"], data["test"], max_degree=6, mu=10.0, r_cut=2.0, max_features=15,
        min_gain=1e-7)
    spread = np.std(data["energy"])
    assert model.metrics["n_features"] == 15
    assert model.metrics["rmse_test"] < 0.15 * spread
    assert model.metrics["r2_test"] > 0.95
    trace = selection.trace
    assert np.all(np.diff(trace["r2_train"]) >= -1e-12)
    assert trace["rmse_test"].iloc[-1] < 0.5 * trace["rmse_test"].iloc[0]


def test_entry_functions_write_files_and_plots(tmp_path):
    params = {"system": "jc", "seed": 2, **TOY}
    out = {k: tmp_path / f"{k}.{ext}" for k, ext in
           (("dataset", "npz"), ("model", "json"), ("trace", "csv"), ("metrics", "json"),
            ("parity", "csv"), ("landscape", "npz"), ("curves", "csv"))}
    run_patchy_dataset(input={}, output=out, params=params, wildcards={})
    run_patchy_fit(input={"dataset": out["dataset"]}, output=out, params=params, wildcards={})
    run_patchy_landscape(input={"model": out["model"]}, output=out, params=params, wildcards={})
    for path in out.values():
        assert path.exists()
    metrics = json.loads(out["metrics"].read_text())
    assert metrics["system"] == "jc" and metrics["paper_n_features"] == 106
    assert metrics["rmse_test"] < 0.2 * metrics["energy_std"]
    model = SFunctionPairModel.load(out["model"])
    assert model.n_features == metrics["n_features"]
    trace = pd.read_csv(out["trace"])
    assert list(trace["step"]) == list(range(1, len(trace) + 1))
    land, meta = read_npz(out["landscape"])
    assert land["energy_fg"].shape == (9, 9) and float(land["separation"]) == 1.015
    # theta = 0 and 2 pi are the same configuration
    np.testing.assert_allclose(land["energy_fg"][0], land["energy_fg"][-1], atol=1e-9)
    curves = pd.read_csv(out["curves"])
    assert set(curves["panel"]) == {"theta2", "separation"}
    assert curves["energy_fg_kT"].notna().all()                # spheres never overlap here
    # the Janus head-to-tail pair (z_I = z_J = x) attracts, head-to-head repels
    sep = curves[curves["panel"] == "separation"]
    first = sep.groupby("configuration")["energy_fg_kT"].first()
    assert first["x|x"] < 0 < first["x|-x"]
    # figures
    plot_fig2([out["landscape"]] * 2, [out["parity"]] * 2, tmp_path / "fig2.png")
    plot_fig3(out["curves"], tmp_path / "fig3.png")
    plot_selection_trace([out["trace"]], ["JC"], tmp_path / "sfig1.png")
    for name in ("fig2.png", "fig3.png", "sfig1.png"):
        assert (tmp_path / name).stat().st_size > 1000


@pytest.mark.parametrize("section, key, value", [
    ("dataset", "n_angels", 5),                 # misspelled key
    ("dataset", "n_samples", 10**9),            # more than the grid holds
    ("fg", "tolerance", -1.0),
    ("fg", "site_core", "disc"),
    ("fg", "site_core", -0.01),
    ("fit", "max_degree", 2.5),
])
def test_bad_params_name_the_key(tmp_path, section, key, value):
    params = {"system": "ipc", "seed": 1, **{k: dict(v) for k, v in TOY.items()}}
    params[section][key] = value
    with pytest.raises(ValueError, match=key):
        run_patchy_dataset(input={}, output={"dataset": tmp_path / "d.npz"}, params=params,
                           wildcards={})
        run_patchy_fit(input={"dataset": tmp_path / "d.npz"},
                       output={k: tmp_path / f"{k}.x" for k in ("model", "trace", "metrics",
                                                                "parity")},
                       params=params, wildcards={})
    assert not (tmp_path / "model.x").exists()


def test_bad_system_and_missing_seed(tmp_path):
    with pytest.raises(ValueError, match="system"):
        run_patchy_dataset(input={}, output={"dataset": tmp_path / "d.npz"},
                           params={"system": "jcx", "seed": 1}, wildcards={})
    with pytest.raises(ValueError, match="seed"):
        run_patchy_dataset(input={}, output={"dataset": tmp_path / "d.npz"},
                           params={}, wildcards={"system": "jc"})
