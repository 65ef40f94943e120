"""Superballs: inside test, GJK hard-core overlap, contact distance, MC overlap volume.

Reference: Campos-Villalobos et al., npj Comput. Mater. 2024 (M = 3.5 colloids, depletion
zones M' = 2.5, sigma' = sigma + sigma_d, GJK overlaps, MC overlap volumes). Lengths in
sigma.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import minimize

from cgml.geometry import (
    random_rotation_matrices,
    rotation_matrix_about_axis,
    superball_bounding_half_extents,
    superball_contact_distance,
    superball_distance,
    superball_inside,
    superball_overlap,
    superball_overlap_volume,
)

I3 = np.eye(3)
X, Y, Z = I3
DIAG = np.ones(3) / math.sqrt(3)


def lens_volume(radius, d):
    """Intersection volume of two spheres of radius R at centre distance d <= 2R."""
    return math.pi * (2 * radius - d) ** 2 * (d + 4 * radius) / 12


def superball_volume(sigma, m):
    """8 a^3 Gamma(1 + 1/M)^3 / Gamma(1 + 3/M), a = sigma/2."""
    return sigma ** 3 * math.gamma(1 + 1 / m) ** 3 / math.gamma(1 + 3 / m)


def test_inside_test():
    m = 3.5
    a = 0.5
    pts = np.array([[a * 0.999, 0, 0], [a * 1.001, 0, 0], [0, 0, -a * 0.999],
                    *(np.array([1, 1, 1]) * a * 3 ** (-1 / m) * f for f in (0.999, 1.001))])
    np.testing.assert_array_equal(superball_inside(pts, 1.0, m), [True, False, True, True, False])
    # lab-frame placement: a point on the body x axis of a rotated, shifted superball
    rot = rotation_matrix_about_axis(Z, 0.3)
    centre = np.array([2.0, -1.0, 0.5])
    p = centre + np.array([[0.49, 0, 0], [0.51, 0, 0]]) @ rot.T
    np.testing.assert_array_equal(superball_inside(p, 1.0, m, centre, rot), [True, False])
    assert not superball_inside(p, 1.0, m).any()


def test_bounding_box_is_exact():
    rng = np.random.default_rng(0)
    rots = random_rotation_matrices(rng, 5)
    h = superball_bounding_half_extents(rots, 1.3, 2.5)
    # dense surface sample: radial projection x = n / g(n) with the gauge g = (sum |n_i/a|^M)^(1/M)
    n = rng.normal(size=(200000, 3))
    surf = n / (np.sum(np.abs(n / 0.65) ** 2.5, axis=1) ** (1 / 2.5))[:, None]
    assert np.all(superball_inside(surf * (1 - 1e-9), 1.3, 2.5))
    for k in range(5):
        lab = surf @ rots[k].T
        extent = np.abs(lab).max(axis=0)
        assert np.all(extent <= h[k] + 1e-12)
        np.testing.assert_allclose(extent, h[k], rtol=2e-3)
    np.testing.assert_allclose(superball_bounding_half_extents(I3[None], 1.0, 50.0), 0.5)


def test_gjk_spheres_exact():
    rng = np.random.default_rng(1)
    m = 4000
    r = rng.normal(size=(m, 3))
    r *= (rng.uniform(0.5, 1.5, m) / np.linalg.norm(r, axis=1))[:, None]
    rot_i = random_rotation_matrices(rng, m)
    rot_j = random_rotation_matrices(rng, m)
    d = np.linalg.norm(r, axis=1)
    np.testing.assert_array_equal(superball_overlap(r, rot_i, rot_j, 1.0, 2.0), d < 1.0)
    np.testing.assert_allclose(superball_distance(r, rot_i, rot_j, 1.0, 2.0),
                               np.clip(d - 1.0, 0, None), atol=1e-12)


@pytest.mark.parametrize("m", [2.5, 3.5, 10.0, 60.0])
def test_cube_like_exact_contacts(m):
    """Aligned along a face normal: sigma; along the body diagonal: sigma 3^(1/2 - 1/M);
    one superball turned by 45 deg about z, side by side along x: sigma/2 (1 + 2^(1/q - 1/2)).
    For M -> infinity these are the cube values 1, sqrt3, (1 + sqrt2)/2."""
    q = m / (m - 1)
    turned = rotation_matrix_about_axis(Z, math.pi / 4)
    cases = [(X, I3, 1.0), (DIAG, I3, 3 ** (0.5 - 1 / m)),
             (X, turned, 0.5 * (1 + 2 ** (1 / q - 0.5)))]
    for rhat, rot_j, exact in cases:
        c = superball_contact_distance(rhat[None], I3, rot_j, 1.0, m)[0]
        assert c == pytest.approx(exact, abs=2e-9)
        for fac, expected in ((1 - 1e-4, True), (1 + 1e-4, False)):
            assert superball_overlap((fac * exact * rhat)[None], I3, rot_j, 1.0, m)[0] == expected
        gap = superball_distance((1.1 * exact * rhat)[None], I3, rot_j, 1.0, m)[0]
        assert gap == pytest.approx(0.1 * exact, rel=1e-6)   # contact points on the ray


def test_gjk_random_against_independent_gauge_minimisation():
    """min_x max(g_A, g_B) equals t / sigma_c when the centres are t apart (both scaled)."""
    rng = np.random.default_rng(2)
    m_exp, a = 3.5, 0.5
    rots = random_rotation_matrices(rng, 12)
    for k in range(6):
        rot_i, rot_j = rots[2 * k], rots[2 * k + 1]
        u = rng.normal(size=3)
        u /= np.linalg.norm(u)
        sigma_c = superball_contact_distance(u[None], rot_i, rot_j, 1.0, m_exp)[0]
        for fac in (0.999, 1.001):
            r = fac * sigma_c * u

            def gauge(x, rot, centre):
                return np.sum(np.abs(rot.T @ (x - centre) / a) ** m_exp) ** (1 / m_exp)

            s0 = max(gauge(0.5 * r, rot_i, 0), gauge(0.5 * r, rot_j, r))
            cons = [{"type": "ineq", "fun": lambda z: z[3] - gauge(z[:3], rot_i, 0)},
                    {"type": "ineq", "fun": lambda z: z[3] - gauge(z[:3], rot_j, r)}]
            res = minimize(lambda z: z[3], np.r_[0.5 * r, s0], jac=lambda z: np.r_[0, 0, 0, 1.0],
                           constraints=cons, method="SLSQP",
                           options={"ftol": 1e-14, "maxiter": 500})
            assert res.x[3] == pytest.approx(fac, abs=1e-7)
            assert superball_overlap(r[None], rot_i, rot_j, 1.0, m_exp)[0] == (fac < 1)


def test_mc_overlap_volume_spheres_match_lens():
    rng = np.random.default_rng(3)
    sigma_p = 1.3
    d = np.array([0.0, 0.4, 0.9, 1.25, 1.31])
    r = d[:, None] * DIAG[None, :]
    rots = random_rotation_matrices(rng, 2 * len(d))
    res = superball_overlap_volume(r, rots[::2], rots[1::2], sigma_p, 2.0, 400_000, rng)
    exact = np.array([lens_volume(sigma_p / 2, x) if x < sigma_p else 0.0 for x in d])
    assert res.volume[-1] == 0.0 and res.error[-1] == 0.0
    np.testing.assert_array_less(np.abs(res.volume - exact), 4 * res.error + 1e-15)
    assert np.all(res.error[:-1] > 0) and np.all(res.error[:-1] < 2e-3)
    # full overlap of aligned superballs is the superball volume (here M' = 2.5)
    full = superball_overlap_volume(np.zeros((1, 3)), I3, I3, sigma_p, 2.5, 400_000, rng)
    assert abs(full.volume[0] - superball_volume(sigma_p, 2.5)) < 4 * full.error[0]
    assert full.box_volume[0] == pytest.approx(sigma_p ** 3)


def test_mc_overlap_volume_reproducible_and_symmetric():
    rots = random_rotation_matrices(np.random.default_rng(4), 2)
    r = np.array([[0.6, 0.5, 0.1]])
    a = superball_overlap_volume(r, rots[0], rots[1], 1.3, 2.5, 100_000, np.random.default_rng(7))
    b = superball_overlap_volume(r, rots[0], rots[1], 1.3, 2.5, 100_000, np.random.default_rng(7),
                                 chunk=30_000)
    assert a.volume[0] == b.volume[0]
    threaded = superball_overlap_volume(r, rots[0], rots[1], 1.3, 2.5, 100_000, np.random.default_rng(7),
                                        threads=2)
    assert threaded.hits[0] == a.hits[0] and threaded.volume[0] == a.volume[0]
    with pytest.raises(ValueError, match="threads"):
        superball_overlap_volume(r, rots[0], rots[1], 1.3, 2.5, 10, np.random.default_rng(7), threads=0)
    c = superball_overlap_volume(-r, rots[1], rots[0], 1.3, 2.5, 100_000, np.random.default_rng(8))
    assert abs(a.volume[0] - c.volume[0]) < 4 * math.hypot(a.error[0], c.error[0])


def test_validation():
    with pytest.raises(ValueError, match="exponent"):
        superball_overlap([[1.0, 0, 0]], I3, I3, 1.0, 1.0)
    with pytest.raises(ValueError, match="Generator"):
        superball_overlap_volume([[1.0, 0, 0]], I3, I3, 1.0, 2.5, 10, 42)
    with pytest.raises(ValueError, match="n_samples"):
        superball_overlap_volume([[1.0, 0, 0]], I3, I3, 1.0, 2.5, 0, np.random.default_rng())
    with pytest.raises(ValueError, match="3 rotation matrices"):
        superball_overlap(np.zeros((3, 3)) + 1.0, np.stack([I3, I3]), I3, 1.0, 3.5)
    for bad in (0, -1, 2.5):  # 0 used to return the bracket's midpoint, 1.2009, as a contact
        with pytest.raises(ValueError, match="max_iter"):
            superball_contact_distance([[1.0, 0, 0]], I3, I3, 1.0, 3.5, max_iter=bad)
