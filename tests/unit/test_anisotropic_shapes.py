"""Superball depletion and spherocylinder contact chains (Campos-Villalobos et al. 2024, Figs. 5, 7).

Units: sigma, sigma^3, epsilon (= k_BT). All data seeded; whole file a few seconds.
"""

import json
import math

import numpy as np
import pytest

from cgml.descriptors._sfunction_kernels import C3
from cgml.geometry import spherocylinder_contact_distance
from cgml.io import read_npz
from cgml.papers.anisotropic import shapes as S
from cgml.plotting import anisotropic_shapes as P

X = np.array([1.0, 0.0, 0.0])
Y = np.array([0.0, 1.0, 0.0])
Z = np.array([0.0, 0.0, 1.0])


def lens_volume(radius, d):
    """Intersection volume of two spheres of radius R at centre distance d <= 2R."""
    return math.pi * (2 * radius - d) ** 2 * (d + 4 * radius) / 12


def _units(rng, m):
    u = rng.normal(size=(m, 3))
    return u / np.linalg.norm(u, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def contact_fit():
    """A small contact-function fit (3000 configurations, degree 8)."""
    data = S.make_spherocylinder_dataset(length=4.0, diameter=1.0, n_samples=3000,
                                         rng=np.random.default_rng(11))
    model, trace, metrics, parity = S.fit_contact_function(data, seed=5, degree=8, max_features=40)
    return model, metrics


# --------------------------------------------------------------------------- superballs
def test_dataset_in_the_sphere_limit_gives_lens_volumes():
    """M = M' = 2: every configuration lies between the core and zone contacts (sigma,
    sigma + sigma_d) and its volume is the lens volume of two spheres of diameter sigma'."""
    data = S.make_superball_dataset(sigma=1.0, exponent=2.0, sigma_d=0.3, exponent_zone=2.0,
                                    n_angles=2, n_positions=4, n_mc_samples=50_000,
                                    rng=np.random.default_rng(1))
    n = 2 ** 4 * 4
    assert data.volume.shape == (n,) and data.separations.shape == (n, 3)
    np.testing.assert_allclose(data.contact_core, 1.0, atol=1e-8)
    np.testing.assert_allclose(data.contact_zone, 1.3, atol=1e-8)
    d = np.linalg.norm(data.separations, axis=1)
    # mid-points of 4 equal bins between the two contacts
    np.testing.assert_allclose(np.sort(np.unique(np.round(d, 10))), 1.0 + 0.3 * (np.arange(4) + 0.5) / 4)
    exact = lens_volume(0.65, d)
    assert np.all(np.abs(data.volume - exact) < 4.5 * data.volume_error + 1e-12)
    assert np.all(data.volume_error > 0)
    assert data.volume_error.max() < 1.5e-3  # 6.6e-4 measured: the 4.5-sigma bound above is < 0.007
    # groups: one per orientation pair, n_positions rows each
    assert np.all(np.bincount(data.group) == 4)


def test_superball_dataset_positions_lie_in_the_overlap_region():
    data = S.make_superball_dataset(sigma=1.0, exponent=3.5, sigma_d=0.3, exponent_zone=2.5,
                                    n_angles=2, n_positions=3, n_mc_samples=2_000,
                                    rng=np.random.default_rng(2))
    d = np.linalg.norm(data.separations, axis=1)
    assert np.all(d > data.contact_core) and np.all(d < data.contact_zone)
    # contacts bracketed by the inscribed / circumscribed distances of both shapes
    assert np.all(data.contact_core >= 1.0 - 1e-9) and np.all(data.contact_core <= 3 ** (0.5 - 1 / 3.5) + 1e-9)
    assert np.all(data.contact_zone >= 1.3 - 1e-9) and np.all(data.contact_zone <= 1.3 * 3 ** 0.1 + 1e-9)
    assert np.all(data.volume > 0)


def test_depletion_energy_is_minus_fugacity_times_volume():
    z = S.depletant_fugacity(5.6, 0.3)
    assert z == pytest.approx(6 * 5.6 / (math.pi * 0.027), rel=1e-14)
    np.testing.assert_allclose(S.depletion_pair_energy([0.0, 0.01], 5.6, 0.3), [0.0, -0.01 * z])
    with pytest.raises(ValueError, match="eta_d_reservoir"):
        S.depletion_pair_energy(0.1, -1.0, 0.3)


# --------------------------------------------------------------------------- spherocylinders
def test_frames_from_axes_are_proper_rotations_with_z_along_u():
    u = _units(np.random.default_rng(3), 200)
    u[0] = X
    rot = S.frames_from_axes(u)
    np.testing.assert_allclose(rot[:, :, 2], u, atol=1e-14)
    np.testing.assert_allclose(np.einsum("mki,mkj->mij", rot, rot), np.broadcast_to(np.eye(3), rot.shape),
                               atol=1e-12)
    np.testing.assert_allclose(np.linalg.det(rot), 1.0, atol=1e-12)


@pytest.mark.parametrize("name,u_i,u_j,rhat,exact", [
    ("side_by_side", Z, Z, X, 1.0),
    ("end_to_end", Z, Z, Z, 5.0),
    ("T", Z, X, X, 3.0),
    ("crossed", X, Y, Z, 1.0),
])
def test_fitted_contact_reproduces_closed_forms(contact_fit, name, u_i, u_j, rhat, exact):
    """Fixed bounds, not multiples of the fit's own error (a worse fit must fail, not widen
    them). Measured 2026-12-07: test RMSE 0.053; errors side by side 0.19 (the square-root
    branch at the parallel edge, which a polynomial rounds off from above), T 0.083,
    crossed 0.075, end to end 0.047 sigma."""
    model, metrics = contact_fit
    assert metrics["rmse_test"] < 0.07
    # the closed forms themselves (Vega-Lago)
    assert spherocylinder_contact_distance(u_i[None], u_j[None], rhat[None], 4.0, 1.0)[0] == \
        pytest.approx(exact, abs=1e-9)
    fi, fj = S.frames_from_axes(u_i[None]), S.frames_from_axes(u_j[None])
    fitted = model.predict(fi, fj, rhat[None])[0]
    bound = 0.25 if name == "side_by_side" else 0.12
    assert abs(fitted - exact) < bound, (name, fitted, exact)


def test_unselected_contact_fit_uses_every_column_and_recovers_a_pool_polynomial():
    """select=False: all pool columns, least squares. A target that is a polynomial of the
    pool (2 + (u_I.u_J)(u_I.R)(u_J.R) - 3 (u_I.u_J)^2, i.e. 2 + 3 sqrt3 s_0 s_1 s_2 - 9 s_2^2
    in the cylindrical S functions of Eq. 8) is fitted exactly."""
    rng = np.random.default_rng(2)
    data = S.make_spherocylinder_dataset(length=4.0, diameter=1.0, n_samples=600, rng=rng)
    u_i, u_j, r = data["directions_i"], data["directions_j"], data["unit_separations"]
    a, b, c = (np.sum(u_i * u_j, 1), np.sum(u_i * r, 1), np.sum(u_j * r, 1))
    data["contact"] = 2.0 + a * b * c - 3.0 * a**2
    model, trace, metrics, _ = S.fit_contact_function(data, seed=1, degree=4, select=False)
    assert metrics["n_s"] == len(S.contact_pool(4, True)) and trace.empty
    assert metrics["rmse_test"] < 1e-10


def test_soft_potential_exchange_and_head_tail_symmetry(contact_fit):
    model, _ = contact_fit
    rng = np.random.default_rng(4)
    m = 400
    ui, uj = _units(rng, m), _units(rng, m)
    r = _units(rng, m) * rng.uniform(1.0, 5.5, size=(m, 1))
    e = S.soft_potential(model, r, ui, uj)
    finite = np.isfinite(e)
    assert 0.2 < finite.mean() < 1.0 and np.any(e[finite] > 0) and np.any(e == 0)
    swapped = S.soft_potential(model, -r, uj, ui)
    np.testing.assert_array_equal(np.isfinite(swapped), finite)
    np.testing.assert_allclose(swapped[finite], e[finite], rtol=1e-12, atol=1e-300)
    flipped = S.soft_potential(model, r, -ui, uj)
    np.testing.assert_allclose(flipped[finite], e[finite], rtol=1e-12, atol=1e-300)
    # the averaging is what makes it exact: the one-centre fit itself is not symmetric
    fi, fj = S.frames_from_axes(ui), S.frames_from_axes(uj)
    assert np.max(np.abs(model.predict(fi, fj, r) - model.predict(fj, fi, -r))) > 1e-3


def test_soft_potential_vanishes_beyond_contact_plus_range(contact_fit):
    model, _ = contact_fit
    rng = np.random.default_rng(5)
    m = 100
    ui, uj, rhat = _units(rng, m), _units(rng, m), _units(rng, m)
    fi, fj = S.frames_from_axes(ui), S.frames_from_axes(uj)
    sbar = 0.5 * (model.predict(fi, fj, rhat) + model.predict(fj, fi, -rhat))
    gap = 0.5
    for h, check in ((gap + 1e-9, lambda e: np.all(e == 0.0)),
                     (gap + 2.0, lambda e: np.all(e == 0.0)),
                     (gap - 1e-2, lambda e: np.all((e > 0) & (e < 1e-8))),
                     (0.0, lambda e: np.allclose(e, 1.0 - 1.5 ** -50, rtol=1e-12)),
                     (-0.5, lambda e: np.allclose(e, 2.0 ** 50, rtol=1e-9))):
        r = rhat * (sbar + h)[:, None]
        assert check(S.soft_potential(model, r, ui, uj, gap_cut=gap)), h
    # deeper than h = -sigma the energy is infinite (hard-core-like)
    deep = sbar > 1.2
    r = rhat[deep] * (sbar[deep] - 1.1)[:, None]
    assert deep.sum() > 50 and np.all(np.isinf(S.soft_potential(model, r, ui[deep], uj[deep])))
    # Eq. 17 with the exact contact reproduces the closed-form side-by-side curve
    exact = S.soft_potential(model, np.array([[1.2, 0, 0]]), Z[None], Z[None], contact=[1.0])
    assert exact[0] == pytest.approx((1 / 1.2) ** 50 - 1.5 ** -50, rel=1e-12)


def test_numba_scalar_equals_numpy(contact_fit):
    model, _ = contact_fit
    params = S.pack_soft_potential(model, epsilon=1.0, sigma=1.0, lambda_r=50.0, gap_cut=0.5)
    assert params[5] == (params.size - S.SOFT_HEADER) / 4
    rng = np.random.default_rng(6)
    m = 2000
    ui, uj = _units(rng, m), _units(rng, m)
    r = _units(rng, m) * rng.uniform(0.3, 6.0, size=(m, 1))
    ref = S.soft_potential(model, r, ui, uj)
    out = np.empty(m)
    S.soft_potential_pairs(r, ui, uj, params, out)
    np.testing.assert_array_equal(np.isinf(out), np.isinf(ref))
    np.testing.assert_array_equal(out == 0.0, ref == 0.0)
    fin = np.isfinite(ref) & (ref != 0)
    assert fin.sum() > 100
    np.testing.assert_allclose(out[fin], ref[fin], rtol=1e-9)
    assert S.soft_potential_pair(r[0], ui[0], uj[0], params) == out[0]
    assert S.soft_potential_pair(np.zeros(3), Z, Z, params) == np.inf


def test_contact_upper_bounds_enclose_the_polynomial_and_are_tight(contact_fit):
    """The screen table bounds sbar_s from above in every cell of the whole cube of
    (s_0, s_1, s_2) (physical or not: random points, cell corners and centres), and is
    tight enough to screen (median slack on physical pairs well below the 0.5 sigma gap)."""
    model, _ = contact_fit
    params = S.pack_soft_potential(model)
    rows = params[S.SOFT_HEADER:].reshape(-1, 4)
    n = 48  # the default of soft_spherocylinder_potential
    bounds, inv_width = S.contact_upper_bounds(params, n)
    assert bounds.shape == (n, n, n) and inv_width == pytest.approx(n / (2 * C3))

    def poly(s):
        return sum(c * s[:, 0] ** int(a) * s[:, 1] ** int(b) * s[:, 2] ** int(k) for a, b, k, c in rows)

    rng = np.random.default_rng(21)
    edges = np.linspace(-C3, C3, n + 1)
    cells = np.stack(np.meshgrid(*[np.arange(n)] * 3, indexing="ij"), axis=-1).reshape(-1, 3)
    for frac in (rng.uniform(size=(cells.shape[0], 3)), np.zeros((1, 3)), np.ones((1, 3)),
                 np.full((1, 3), 0.5)):
        s = edges[cells] + frac * (edges[cells + 1] - edges[cells])
        assert np.all(poly(s) <= bounds[cells[:, 0], cells[:, 1], cells[:, 2]])
    # physical pairs through the kernel's own evaluation and cell look-up
    m = 5000
    ui, uj, rh = _units(rng, m), _units(rng, m), _units(rng, m)
    s = np.stack([C3 * (uj * rh).sum(1), -C3 * (ui * rh).sum(1), -C3 * (ui * uj).sum(1)], axis=1)
    value = np.array([S.contact_from_params(ui[k], uj[k], rh[k], params) for k in range(m)])
    idx = np.clip(((s + C3) * inv_width).astype(int), 0, n - 1)
    slack = bounds[idx[:, 0], idx[:, 1], idx[:, 2]] - value
    assert slack.min() > 0 and np.median(slack) < 0.25


def test_contact_kernel_is_bit_identical_to_per_row_powers(contact_fit):
    # the kernel carries powers across the sorted rows; the value must equal the plain
    # sum of coef * s0^a * s1^b * s2^c with each power built by repeated multiplication
    model, _ = contact_fit
    params = S.pack_soft_potential(model)
    rows = params[S.SOFT_HEADER:].reshape(-1, 4)
    rng = np.random.default_rng(11)
    ui, uj, rh = _units(rng, 500), _units(rng, 500), _units(rng, 500)

    def ipow(x, n):
        out = 1.0
        for _ in range(int(n)):
            out *= x
        return out

    c3 = 1.0 / math.sqrt(3.0)
    for k in range(500):
        s0 = c3 * (uj[k, 0] * rh[k, 0] + uj[k, 1] * rh[k, 1] + uj[k, 2] * rh[k, 2])
        s1 = -c3 * (ui[k, 0] * rh[k, 0] + ui[k, 1] * rh[k, 1] + ui[k, 2] * rh[k, 2])
        s2 = -c3 * (ui[k, 0] * uj[k, 0] + ui[k, 1] * uj[k, 1] + ui[k, 2] * uj[k, 2])
        total = 0.0
        for a, b, c, coef in rows:
            total += coef * ipow(s0, a) * ipow(s1, b) * ipow(s2, c)
        assert S.contact_from_params(ui[k], uj[k], rh[k], params) == total
        # rows in reverse order: every power is rebuilt, the sum is the same to rounding
        flipped = np.concatenate([params[:S.SOFT_HEADER], rows[::-1].ravel()])
        assert S.contact_from_params(ui[k], uj[k], rh[k], flipped) == pytest.approx(total, rel=1e-12, abs=1e-12)
    # the kernel needs the rows sorted: a model whose rows are not is refused
    bad = S.symmetric_contact_polynomial(model)[::-1]
    assert bad.shape[0] > 1
    with pytest.raises(ValueError, match="sorted"):
        S._check_sorted_rows(bad)


def test_exact_contact_soft_energy_follows_eq17_and_the_closed_forms():
    # Eq. 17 with the exact contact: the kernel's own root search must give the same
    # sigma_s as the bisection of spherocylinder_contact_distance, on both of its brackets
    # (axes apart at R: h >= 0, and axes closer than D at R: h < 0)
    params = S.exact_soft_params({"length": 4.0, "diameter": 1.0, "gap_cut": 0.5})
    rng = np.random.default_rng(12)
    m = 3000
    ui, uj, rhat = _units(rng, m), _units(rng, m), _units(rng, m)
    contact = spherocylinder_contact_distance(ui, uj, rhat, 4.0, 1.0, tol=1e-13)
    h = rng.uniform(-0.3, 0.8, m)
    r = rhat * (contact + h)[:, None]
    ref = np.where(h < 0.5, (1.0 / (1.0 + h)) ** 50 - 1.5 ** -50, 0.0)
    got = np.array([S.exact_soft_energy(r[k], ui[k], uj[k], params) for k in range(m)])
    assert (h < 0).sum() > 500 and (h >= 0.5).sum() > 500
    np.testing.assert_array_equal(got == 0.0, ref == 0.0)
    # d ln E / dh = -50 / (1 + h): a relative error 1e-8 is a contact error below 3e-10 sigma
    np.testing.assert_allclose(got, ref, rtol=1e-8, atol=1e-12)
    out = np.empty(m)
    S.exact_soft_energies(r, ui, uj, params, out)
    np.testing.assert_array_equal(out, got)
    # exchange I <-> J (R -> -R) and head-tail flips leave the pair energy unchanged exactly
    # up to the root search's rounding
    swapped = np.array([S.exact_soft_energy(-r[k], uj[k], ui[k], params) for k in range(m)])
    np.testing.assert_allclose(swapped, got, rtol=1e-8, atol=1e-12)
    # closed forms: parallel side by side touch at D, collinear end to end at L + D
    x, z = np.array([1.0, 0, 0]), np.array([0, 0, 1.0])
    assert S.exact_soft_energy(1.2 * x, z, z, params) == pytest.approx(1.2 ** -50 - 1.5 ** -50, rel=1e-9)
    assert S.exact_soft_energy(5.2 * z, z, z, params) == pytest.approx(1.2 ** -50 - 1.5 ** -50, rel=1e-9)
    assert S.exact_soft_energy(5.6 * z, z, z, params) == 0.0
    assert S.exact_soft_energy(np.zeros(3), z, z, params) == np.inf
    with pytest.raises(ValueError, match="lambda_r"):
        S.exact_soft_params({"lambda_r": -1.0})


# --------------------------------------------------------------------------- entry points
SB_DATA = {"seed": 3, "n_angles": 2, "n_positions": 3, "n_mc_samples": 5_000}
SB_FIT = {"seed": 4, "max_features": 8}
SB_LAND = {"seed": 5, "n_grid": 4, "n_mc_samples": 40_000}
SC_DATA = {"seed": 6, "n_samples": 600}
SC_FIT = {"seed": 7, "degree": 6, "max_features": 12}
SC_CURVES = {"n_contour": 37, "n_separations": 50}


def test_superball_entry_functions_write_their_files(tmp_path):
    d = {k: tmp_path / f"sb_{k}" for k in ("dataset.npz", "model.json", "trace.csv", "metrics.json",
                                           "parity.csv", "landscape.npz", "fig5b.png", "fig5c.png")}
    S.run_superball_dataset(input={}, output={"dataset": d["dataset.npz"]}, params=SB_DATA, wildcards={})
    arrays, meta = read_npz(d["dataset.npz"])
    assert arrays["volume"].shape == (48,) and meta["seed"] == 3 and meta["params"]["n_angles"] == 2
    S.run_superball_fit(input={"dataset": d["dataset.npz"]},
                        output={"model": d["model.json"], "trace": d["trace.csv"],
                                "metrics": d["metrics.json"], "parity": d["parity.csv"]},
                        params=SB_FIT, wildcards={})
    metrics = json.loads(d["metrics.json"].read_text())
    assert 1 <= metrics["n_s"] <= 8 and metrics["rmse_test"] > 0 and metrics["provenance"]["seed"] == 4
    S.run_superball_landscape(input={"model": d["model.json"]}, output={"landscape": d["landscape.npz"]},
                              params=SB_LAND, wildcards={})
    land, _ = read_npz(d["landscape.npz"])
    assert land["volume_fg"].shape == (4, 4) and not land["core_overlap"].any()
    # a 4 x 4 grid of quarter turns: every point is a cubic-symmetry image of the aligned
    # pair, so the FG volumes agree within the MC error
    v, err = land["volume_fg"], land["volume_fg_error"]
    assert err.max() < 1e-3  # 4.7e-4 measured: the bounds below resolve 1e-2 of the volume
    assert np.all(np.abs(v - v.mean()) < 4.5 * err.max())
    # aligned zones (M' = 2.5, half-width 0.65) 1.15 apart: twice the cap x > 0.575 of one,
    # whose superdisk sections have area 4 c^2 Gamma(1 + 1/p)^2 / Gamma(1 + 2/p),
    # c^p = 0.65^p - x^p: 0.042086 sigma^3 by quadrature
    assert abs(v.mean() - 0.042086) < 4.5 * err.max()
    P.plot_fig5b(d["landscape.npz"], d["fig5b.png"])
    P.plot_fig5c(d["parity.csv"], d["metrics.json"], d["fig5c.png"])
    assert all(d[k].stat().st_size > 0 for k in d)


def test_spherocylinder_entry_functions_write_their_files(tmp_path):
    d = {k: tmp_path / f"sc_{k}" for k in ("dataset.npz", "model.json", "trace.csv", "metrics.json",
                                           "parity.csv", "contour.csv", "potential.csv",
                                           "fig7a.png", "fig7b.png", "fig7c.png")}
    S.run_spherocylinder_dataset(input={}, output={"dataset": d["dataset.npz"]}, params=SC_DATA,
                                 wildcards={})
    S.run_spherocylinder_fit(input={"dataset": d["dataset.npz"]},
                             output={"model": d["model.json"], "trace": d["trace.csv"],
                                     "metrics": d["metrics.json"], "parity": d["parity.csv"]},
                             params=SC_FIT, wildcards={})
    S.run_spherocylinder_curves(input={"model": d["model.json"]},
                                output={"contour": d["contour.csv"], "potential": d["potential.csv"]},
                                params=SC_CURVES, wildcards={})
    import pandas as pd
    contour = pd.read_csv(d["contour.csv"])
    # parallel rods: half the exact contact traces the HSC outline (half-length 2.5, radius 0.5)
    assert contour["z_true"].abs().max() == pytest.approx(2.5, abs=1e-9)
    assert contour["x_true"].abs().max() == pytest.approx(0.5, abs=1e-9)
    pot = pd.read_csv(d["potential.csv"])
    assert set(pot["configuration"]) == {"side_by_side", "T", "end_to_end"}
    np.testing.assert_allclose(pot["sigma_s_true"], pot["sigma_s_exact"], atol=1e-9)
    P.plot_fig7a(d["parity.csv"], d["metrics.json"], d["fig7a.png"])
    P.plot_fig7b(d["contour.csv"], d["fig7b.png"])
    P.plot_fig7c(d["potential.csv"], d["fig7c.png"])
    assert all(d[k].stat().st_size > 0 for k in d)


@pytest.mark.parametrize("runner,params,key", [
    (S.run_superball_dataset, {**SB_DATA, "n_positions": 0}, "n_positions"),
    (S.run_superball_dataset, {**SB_DATA, "exponent": 1.0}, "exponent"),
    (S.run_superball_dataset, {k: v for k, v in SB_DATA.items() if k != "seed"}, "seed"),
    (S.run_superball_dataset, {**SB_DATA, "n_postions": 3}, "n_postions"),
    (S.run_superball_fit, {**SB_FIT, "basis": "chebyshev"}, "basis"),
    (S.run_superball_fit, {**SB_FIT, "mu": [4.0, -1.0]}, "mu"),
    (S.run_spherocylinder_dataset, {**SC_DATA, "n_samples": 2.5}, "n_samples"),
    (S.run_spherocylinder_fit, {**SC_FIT, "centres": "two"}, "centres"),
    (S.run_spherocylinder_fit, {**SC_FIT, "test_fraction": 1.0}, "test_fraction"),
    (S.run_spherocylinder_curves, {**SC_CURVES, "lambda_r": 0}, "lambda_r"),
])
def test_entry_functions_reject_bad_params_by_name(tmp_path, runner, params, key):
    with pytest.raises(ValueError, match=key):
        runner(input={"dataset": tmp_path / "none.npz", "model": tmp_path / "none.json"},
               output={k: tmp_path / k for k in ("dataset", "model", "trace", "metrics", "parity",
                                                 "landscape", "contour", "potential")},
               params=params, wildcards={})
    assert not any(tmp_path.iterdir())


def test_superball_fit_accepts_a_list_of_mu():
    """Config lists reach the fit as lists (regression: 'floats>0' was parsed as a float)."""
    from cgml.papers.anisotropic.shapes import SUPERBALL_FIT_PARAMS, _params

    assert _params({"seed": 1, "mu": [2.0, 4.0]}, SUPERBALL_FIT_PARAMS)["mu"] == [2.0, 4.0]
    with pytest.raises(ValueError, match="mu"):
        _params({"seed": 1, "mu": [0.0]}, SUPERBALL_FIT_PARAMS)
