"""Hard ellipsoids: Perram-Wertheim contact function, overlap test and contact distance.

Reference: Perram & Wertheim, J. Comput. Phys. 58, 409 (1985); the paper's prolate
ellipsoids have sigma_par = 2 sigma_perp (Campos-Villalobos et al., npj Comput. Mater.
2024). Lengths in sigma_perp.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from cgml.geometry import (
    ellipsoid_contact_distance,
    ellipsoid_overlap,
    perram_wertheim,
    prolate_semi_axes,
    random_rotation_matrices,
    rotation_matrix_about_axis,
)

I3 = np.eye(3)
X, Y, Z = I3
PROLATE = prolate_semi_axes(1.0, 2.0)          # (0.5, 0.5, 1.0)
ROT_Y90 = rotation_matrix_about_axis(Y, np.pi / 2)  # body z -> lab x


def min_max_gauge(gauge_a, gauge_b, x0):
    """min_x max(g_A(x), g_B(x)) for convex degree-1 gauges: the scale at which A and B touch.

    Overlap iff < 1. Solved independently of Perram-Wertheim as min s s.t. g_A, g_B <= s.
    """
    s0 = max(gauge_a(x0), gauge_b(x0))
    cons = [{"type": "ineq", "fun": lambda z: z[3] - gauge_a(z[:3])},
            {"type": "ineq", "fun": lambda z: z[3] - gauge_b(z[:3])}]
    res = minimize(lambda z: z[3], np.r_[x0, s0], jac=lambda z: np.array([0, 0, 0, 1.0]),
                   constraints=cons, method="SLSQP", options={"ftol": 1e-14, "maxiter": 500})
    return res.x[3]


def test_spheres_exact():
    rng = np.random.default_rng(0)
    m = 300
    a, b = 0.7, 0.4
    r = rng.normal(size=(m, 3))
    rot_i = random_rotation_matrices(rng, m)
    rot_j = random_rotation_matrices(rng, m)
    res = perram_wertheim(r, rot_i, rot_j, [a, a, a], [b, b, b])
    dist = np.linalg.norm(r, axis=1)
    np.testing.assert_allclose(res.contact_function, dist ** 2 / (a + b) ** 2, rtol=1e-12)
    np.testing.assert_allclose(res.lam, a / (a + b), atol=1e-12)   # maximiser for spheres
    np.testing.assert_array_equal(res.overlap, dist < a + b)
    rhat = r / dist[:, None]
    np.testing.assert_allclose(ellipsoid_contact_distance(rhat, rot_i, rot_j, [a] * 3, [b] * 3),
                               a + b, rtol=1e-12)


def test_prolate_aligned_closed_forms():
    rhat = np.array([X, Z, Z, Y, X, Y])
    rot_i = np.array([I3, I3, I3, I3, I3, ROT_Y90])
    rot_j = np.array([I3, I3, ROT_Y90, ROT_Y90, ROT_Y90, I3])
    sigma_c = ellipsoid_contact_distance(rhat, rot_i, rot_j, PROLATE)
    np.testing.assert_allclose(sigma_c, [
        1.0,   # side by side, parallel: sigma_perp
        2.0,   # end to end: sigma_par
        1.5,   # T: long axis of I along R, J across it: sigma_par/2 + sigma_perp/2
        1.0,   # crossed (long axes z and x), separated along y: sigma_perp
        1.5,   # I along z, J along x = R: sigma_perp/2 + sigma_par/2
        1.0,   # I along x, J along z, separated along y
    ], rtol=1e-12)
    # overlap just inside / outside the end-to-end contact
    assert ellipsoid_overlap([[0, 0, 1.999999]], I3, I3, PROLATE)[0]
    assert not ellipsoid_overlap([[0, 0, 2.000001]], I3, I3, PROLATE)[0]


def test_random_configurations_against_independent_gauge_minimisation():
    rng = np.random.default_rng(1)
    rots = random_rotation_matrices(rng, 16)
    for k in range(8):
        rot_i, rot_j = rots[2 * k], rots[2 * k + 1]
        u = rng.normal(size=3)
        u /= np.linalg.norm(u)
        sigma_c = ellipsoid_contact_distance(u[None], rot_i, rot_j, PROLATE)[0]
        assert 1.0 - 1e-12 <= sigma_c <= 2.0 + 1e-12
        for fac in (0.999, 1.001):
            r = fac * sigma_c * u
            a_mat = rot_i @ np.diag(PROLATE ** -2.0) @ rot_i.T
            b_mat = rot_j @ np.diag(PROLATE ** -2.0) @ rot_j.T
            s = min_max_gauge(lambda x: np.sqrt(x @ a_mat @ x),
                              lambda x: np.sqrt((x - r) @ b_mat @ (x - r)), 0.5 * r)
            assert s == pytest.approx(fac, abs=1e-7)      # both scaled by s touch at s = fac
            assert ellipsoid_overlap(r[None], rot_i, rot_j, PROLATE)[0] == (fac < 1)
            f = perram_wertheim(r[None], rot_i, rot_j, PROLATE).contact_function[0]
            assert f == pytest.approx(fac ** 2, rel=1e-12)  # F scales as |r|^2


def test_contact_point_lies_on_both_surfaces():
    """At F_max = 1 the PW point r_A + (1 - l) A^-1 C(l)^-1 r is on both ellipsoid surfaces."""
    rng = np.random.default_rng(2)
    m = 50
    rot_i = random_rotation_matrices(rng, m)
    rot_j = random_rotation_matrices(rng, m)
    u = rng.normal(size=(m, 3))
    u /= np.linalg.norm(u, axis=1)[:, None]
    r = ellipsoid_contact_distance(u, rot_i, rot_j, PROLATE)[:, None] * u
    res = perram_wertheim(r, rot_i, rot_j, PROLATE)
    np.testing.assert_allclose(res.contact_function, 1.0, rtol=1e-12)
    for k in range(m):
        a_inv = rot_i[k] @ np.diag(PROLATE ** 2) @ rot_i[k].T
        b_inv = rot_j[k] @ np.diag(PROLATE ** 2) @ rot_j[k].T
        lam = res.lam[k]
        x = (1 - lam) * a_inv @ np.linalg.solve((1 - lam) * a_inv + lam * b_inv, r[k])
        assert x @ np.linalg.solve(a_inv, x) == pytest.approx(1.0, abs=1e-9)
        y = x - r[k]
        assert y @ np.linalg.solve(b_inv, y) == pytest.approx(1.0, abs=1e-9)


def test_invariances():
    rng = np.random.default_rng(3)
    m = 200
    rot_i = random_rotation_matrices(rng, m)
    rot_j = random_rotation_matrices(rng, m)
    r = 1.8 * rng.normal(size=(m, 3))
    f = perram_wertheim(r, rot_i, rot_j, PROLATE).contact_function
    g = random_rotation_matrices(rng, 1)[0]
    np.testing.assert_allclose(perram_wertheim(r @ g.T, g @ rot_i, g @ rot_j, PROLATE)
                               .contact_function, f, rtol=1e-11)
    np.testing.assert_allclose(perram_wertheim(-r, rot_j, rot_i, PROLATE).contact_function, f,
                               rtol=1e-11)


def test_validation():
    with pytest.raises(ValueError, match="semi_axes_i"):
        ellipsoid_overlap([[1.0, 0, 0]], I3, I3, [1.0, -1.0, 1.0])
    with pytest.raises(ValueError, match="orthonormal"):
        ellipsoid_overlap([[1.0, 0, 0]], 2 * I3, I3, PROLATE)
    with pytest.raises(ValueError, match="unit vectors"):
        ellipsoid_contact_distance([[2.0, 0, 0]], I3, I3, PROLATE)
    with pytest.raises(ValueError, match="aspect_ratio"):
        prolate_semi_axes(1.0, 0.0)
