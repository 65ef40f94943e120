"""Hard spherocylinders: Vega-Lago segment distance, overlap test and contact distance.

References: Vega & Lago, Computers Chem. 18, 55 (1994); Campos-Villalobos et al., npj
Comput. Mater. 2024 (contact function of HSCs with L/sigma = 4). Lengths in sigma.
"""

from __future__ import annotations

import numpy as np
import pytest

from cgml.geometry import (
    random_rotation_matrices,
    segment_distance,
    spherocylinder_contact_distance,
    spherocylinder_overlap,
)

L, D = 4.0, 1.0
X, Y, Z = np.eye(3)


def brute_segment_distance(c1, u1, h1, c2, u2, h2, n=4001):
    """Dense sampling of segment 1, exact clamped projection onto segment 2."""
    lam = np.linspace(-h1, h1, n)
    d = c1 + lam[:, None] * u1 - c2
    t = np.clip(d @ u2, -h2, h2)
    return np.min(np.linalg.norm(d - t[:, None] * u2, axis=1))


def unit(v):
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


@pytest.mark.parametrize("case", ["generic", "unequal", "near_parallel", "antiparallel", "parallel"])
def test_segment_distance_against_brute_force(case):
    rng = np.random.default_rng(["generic", "unequal", "near_parallel", "antiparallel",
                                 "parallel"].index(case))
    for _ in range(150):
        h1 = rng.uniform(0.0, 3.0)
        h2 = rng.uniform(0.0, 3.0) if case == "unequal" else h1
        u1 = unit(rng.normal(size=3))
        u2 = unit(rng.normal(size=3))
        if case == "near_parallel":
            u2 = unit(u1 + 1e-7 * rng.normal(size=3))
        elif case == "antiparallel":
            u2 = -u1
        elif case == "parallel":
            u2 = u1.copy()
        c1 = rng.normal(size=3)
        c2 = c1 + 2.0 * rng.normal(size=3)
        res = segment_distance(c1, u1, c2, u2, h1, h2)
        d = res.distances[0]
        ref = brute_segment_distance(c1, u1, h1, c2, u2, h2)
        # Vega-Lago is the exact minimum: never above a sampled pair, and the sampling
        # (spacing 2 h1 / 4000, distance 1-Lipschitz in lambda) is never far above it
        assert d <= ref + 1e-12
        assert ref - d <= 2 * h1 / 4000 / 2 + 1e-12
        # the returned parameters realise the distance and lie on the segments
        lam, mu = res.lambda_i[0], res.lambda_j[0]
        assert abs(lam) <= h1 + 1e-15 and abs(mu) <= h2 + 1e-15
        assert np.linalg.norm(c2 + mu * u2 - c1 - lam * u1) == pytest.approx(d, abs=1e-12)


def test_segment_distance_closed_forms():
    # crossing at the centres: 0; skew at right angles offset by 2: 2; collinear gap
    assert segment_distance([0, 0, 0], Z, [0, 0, 0], X, 2.0).distances[0] == 0.0
    assert segment_distance([0, 0, 0], Z, [0, 2.0, 0], X, 2.0).distances[0] == pytest.approx(2.0)
    assert segment_distance([0, 0, 0], Z, [0, 0, 5.0], Z, 2.0).distances[0] == pytest.approx(1.0)
    assert segment_distance([0, 0, 0], Z, [0, 0, 5.0], -Z, 2.0).distances[0] == pytest.approx(1.0)
    # parallel, staggered by less than a length: perpendicular offset only
    assert segment_distance([0, 0, 0], Z, [0.7, 0, 1.5], Z, 2.0).distances[0] == pytest.approx(0.7)


def test_contact_distance_closed_forms():
    rhat = np.array([X, Z, Y, Z, X])
    u_i = np.array([Z, Z, Z, Z, Z])
    u_j = np.array([Z, Z, X, X, Y])
    sigma_s = spherocylinder_contact_distance(u_i, u_j, rhat, L, D)
    np.testing.assert_allclose(sigma_s, [
        D,            # parallel side by side
        L + D,        # collinear end to end
        D,            # crossed at right angles, separated along the common normal
        L / 2 + D,    # T shape: J lies across the axis of I, above its cap
        D,            # I along z, J along y, separated along x: crossed
    ], atol=1e-11)
    # spheres (L = 0): always sigma
    rng = np.random.default_rng(1)
    u = rng.normal(size=(20, 3))
    u /= np.linalg.norm(u, axis=1)[:, None]
    np.testing.assert_allclose(spherocylinder_contact_distance(u, u[::-1], u[3:4].repeat(20, 0),
                                                               0.0, D), D, atol=1e-11)


@pytest.mark.parametrize("gamma", [0.0025, 0.04, 0.3, 1.0])
def test_contact_distance_of_a_rod_tilted_in_the_common_plane(gamma):
    """Side by side along x, J tilted by gamma about y: its lower end, at height -(L/2) cos
    gamma within I's cylinder, comes closest, so sigma_s = sigma + (L/2) sin gamma exactly.
    With u_I.u_J = cos gamma this is sigma + (L/2) sqrt(1 - (u_I.u_J)^2): a square-root
    branch at the parallel edge of the S-function domain, which no polynomial of the S
    functions reproduces (the fitted contact function's side-by-side error, README)."""
    u_j = np.array([[np.sin(gamma), 0.0, np.cos(gamma)]])
    sigma_s = spherocylinder_contact_distance(Z[None], u_j, X[None], L, D)
    assert sigma_s[0] == pytest.approx(D + L / 2 * np.sin(gamma), abs=1e-10)
    # tilted the other way about y, the upper end comes closest: same distance
    u_j[0, 0] *= -1
    assert spherocylinder_contact_distance(Z[None], u_j, X[None], L, D)[0] == pytest.approx(
        D + L / 2 * np.sin(gamma), abs=1e-10)


def test_contact_distance_random_configurations():
    rng = np.random.default_rng(2)
    m = 400
    rot_i = random_rotation_matrices(rng, m)
    rot_j = random_rotation_matrices(rng, m)
    u_i, u_j = rot_i[:, :, 2], rot_j[:, :, 2]
    rhat = rng.normal(size=(m, 3))
    rhat /= np.linalg.norm(rhat, axis=1)[:, None]
    sigma_s = spherocylinder_contact_distance(u_i, u_j, rhat, L, D)
    assert np.all(sigma_s >= D - 1e-12) and np.all(sigma_s <= L + D + 1e-12)
    # at contact the axis distance equals the diameter
    at = segment_distance(np.zeros((m, 3)), u_i, sigma_s[:, None] * rhat, u_j, L / 2)
    np.testing.assert_allclose(at.distances, D, atol=1e-10)
    # overlap just inside, none just outside
    assert np.all(spherocylinder_overlap((sigma_s - 1e-6)[:, None] * rhat, u_i, u_j, L, D))
    assert not np.any(spherocylinder_overlap((sigma_s + 1e-6)[:, None] * rhat, u_i, u_j, L, D))
    # symmetries: exchange (I <-> J, R -> -R) and head-tail flips of either rod
    np.testing.assert_allclose(spherocylinder_contact_distance(u_j, u_i, -rhat, L, D), sigma_s,
                               atol=1e-11)
    np.testing.assert_allclose(spherocylinder_contact_distance(-u_i, u_j, rhat, L, D), sigma_s,
                               atol=1e-11)
    # common rotation
    g = random_rotation_matrices(rng, 1)[0]
    np.testing.assert_allclose(
        spherocylinder_contact_distance(u_i @ g.T, u_j @ g.T, rhat @ g.T, L, D), sigma_s, atol=1e-10)


def test_validation():
    with pytest.raises(ValueError, match="unit vectors"):
        spherocylinder_contact_distance([[0, 0, 2.0]], [Z], [X], L, D)
    with pytest.raises(ValueError, match="diameter"):
        spherocylinder_overlap([[1.0, 0, 0]], Z, Z, L, 0.0)
    with pytest.raises(ValueError, match=r"shape \(m, 3\)"):
        spherocylinder_overlap([1.0, 0, 0], Z, Z, L, D)
    with pytest.raises(ValueError, match="length"):
        spherocylinder_overlap([[1.0, 0, 0]], Z, Z, -1.0, D)
