"""Surface-patterned particles: site lattices, charge patterns, site-sum Yukawa energies.

Reference: Campos-Villalobos et al., npj Comput. Mater. 2024, Eqs. 15-16 (n = 626,
q = 20 / sigma^2, kappa sigma = 10). Analytic limit: two uniformly charged shells,
Phi / k_BT = l_B Q_I Q_J [sinh(kappa a)/(kappa a)]^2 exp(-kappa R)/R. Reduced units:
sigma, e, k_BT.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cgml.fg.patchy import (
    PAPER_BJERRUM_LENGTH,
    build_patchy_particle,
    paper_particle,
    site_core_radius,
    site_sum_energy,
    spheroid_area,
    spheroid_surface_sites,
    uniform_shells_energy,
)
from cgml.geometry import random_rotation_matrices, rotation_matrix_about_axis

I3 = np.eye(3)
X, Y, Z = I3
FLIP = rotation_matrix_about_axis(X, math.pi)      # z_body -> -z
TURN = rotation_matrix_about_axis(Y, math.pi / 2)  # z_body -> x


def test_sites_on_surface_equal_area():
    for a, c in ((0.5, 0.5), (0.5, 1.0), (0.5, 0.3)):
        pos, area = spheroid_surface_sites(626, a, c)
        assert pos.shape == (626, 3)
        np.testing.assert_allclose((pos[:, 0] ** 2 + pos[:, 1] ** 2) / a ** 2 + pos[:, 2] ** 2 / c ** 2,
                                   1.0, atol=1e-12)
        assert 626 * area == pytest.approx(spheroid_area(a, c), rel=1e-14)
        np.testing.assert_allclose(pos.mean(axis=0), 0.0, atol=2e-3 * max(a, c))
        # nearly uniform spacing: nearest-neighbour distances within a factor ~2
        d = np.linalg.norm(pos[:, None] - pos[None], axis=2) + np.eye(626) * 10
        nn = d.min(axis=1)
        assert nn.max() / nn.min() < 2.2
    assert spheroid_area(0.5, 0.5) == pytest.approx(math.pi)
    e = math.sqrt(1 - 0.25)
    assert spheroid_area(0.5, 1.0) == pytest.approx(2 * math.pi * 0.25 * (1 + math.asin(e) / (0.5 * e)))


def test_charge_patterns():
    jc, ipc = paper_particle("JC"), paper_particle("IPC")
    assert jc.n_sites == ipc.n_sites == 626
    q_site = 20.0 * math.pi / 626
    np.testing.assert_allclose(np.abs(jc.site_charges), q_site)
    np.testing.assert_array_equal(np.sign(jc.site_charges), np.where(jc.site_positions[:, 2] > 0, 1, -1))
    assert jc.net_charge == pytest.approx(0.0, abs=1e-12)
    assert ipc.net_charge == pytest.approx(0.0, abs=1e-12)
    # caps: polar half-opening angle 60 deg on a sphere (cos = 1/2, z = 0.25 sigma)
    z = ipc.site_positions[:, 2]
    cap = ipc.site_charges > 0
    assert np.all(np.abs(z[cap]) > 0.25 - 2e-3) and np.all(np.abs(z[~cap]) < 0.25 + 2e-3)
    assert cap.sum() == 312
    assert ipc.site_charges[cap][0] == pytest.approx(q_site)
    not_neutral = build_patchy_particle("ipc", neutral=False)
    assert not_neutral.net_charge == pytest.approx(-2 * q_site)
    ejc = paper_particle("EJC")
    np.testing.assert_allclose(ejc.semi_axes, [0.5, 0.5, 1.0])
    assert ejc.net_charge == pytest.approx(0.0, abs=1e-12)


def test_site_sum_converges_to_uniform_shells():
    """Uniformly charged spheres: the site sum approaches the analytic Yukawa result."""
    distances = np.array([1.05, 1.5, 2.0])
    sep = np.column_stack([distances, np.zeros(3), np.zeros(3)])
    errors = []
    for n in (100, 300, 1000, 3000):
        p = build_patchy_particle("uniform", n_sites=n)
        assert p.net_charge == pytest.approx(20 * math.pi)
        e = site_sum_energy(p, p, sep, I3, I3)
        exact = uniform_shells_energy(distances, 0.5, p.net_charge, p.net_charge)
        errors.append(np.abs(e / exact - 1))
    errors = np.array(errors)
    assert np.all(np.diff(errors[:, 0]) < 0)          # near contact: monotone convergence
    assert errors[0, 0] > 1e-3 and errors[-1, 0] < 1e-6
    assert np.all(errors[2:, 1:] < 2e-6) and np.all(errors[0, 1:] < 1e-4)
    # the paper's n = 626 away from contact
    p = build_patchy_particle("uniform")
    e = site_sum_energy(p, p, sep[1:], I3, I3)
    np.testing.assert_allclose(e, uniform_shells_energy(distances[1:], 0.5, p.net_charge,
                                                        p.net_charge), rtol=1e-6)
    assert uniform_shells_energy(1.5, 0.5, 1.0, 1.0) == pytest.approx(
        PAPER_BJERRUM_LENGTH * (math.sinh(5) / 5) ** 2 * math.exp(-15) / 1.5)


def test_site_core_bounds_the_contact_and_leaves_the_papers_data_alone():
    """At contact a site of I can sit on an opposite site of J: point sites then give an
    energy without bound, the site core a finite limit. Over the paper's data range
    (R >= 1.0405 sigma, so r_ab >= 0.0405 > r_core) the core changes nothing, to the bit."""
    ipc = paper_particle("IPC")
    r_core = site_core_radius(ipc)
    assert r_core == pytest.approx(3 * math.pi / 16 / math.sqrt(626), rel=1e-12)  # 0.0235 sigma
    assert site_core_radius(ipc, ipc, 0) == 0.0
    with pytest.raises(ValueError, match="site_core"):
        site_core_radius(ipc, ipc, "disc")
    with pytest.raises(ValueError, match="site_core"):
        site_core_radius(ipc, ipc, -0.01)
    # <1/r> of two coincident uniform discs of radius a is 16 / (3 pi a): r_core's origin
    rng = np.random.default_rng(0)
    rad, ang = np.sqrt(rng.random((2, 400_000))), rng.uniform(0, 2 * math.pi, (2, 400_000))
    x, y = rad * np.cos(ang), rad * np.sin(ang)
    inv = 1 / np.hypot(x[0] - x[1], y[0] - y[1])
    assert np.mean(inv) == pytest.approx(16 / (3 * math.pi), abs=4 * inv.std() / math.sqrt(inv.size))
    # a cap site of I (charge +) turned to face a belt site of J (charge -) along x
    a = int(np.argmax(ipc.site_charges * ipc.site_positions[:, 2]))   # the north-pole cap site
    b = int(np.argmin(np.abs(ipc.site_positions[:, 2])))               # an equator belt site
    assert ipc.site_charges[a] > 0 > ipc.site_charges[b]
    rot_i = _turn_to(ipc.site_positions[a], X)
    rot_j = _turn_to(ipc.site_positions[b], -X)
    gaps = np.array([1e-2, 1e-3, 1e-4, 1e-6])
    sep = np.column_stack([1 + gaps, np.zeros(4), np.zeros(4)])
    point = site_sum_energy(ipc, ipc, sep, rot_i, rot_j, site_core=0)
    cored = site_sum_energy(ipc, ipc, sep, rot_i, rot_j)
    assert point[-1] < 100 * point[0] < 0                 # the single pair ~ -1/gap
    # a limit at contact: Lipschitz in the gap (slope ~30 k_BT / sigma), point sites not
    assert abs(cored[-1] - cored[-2]) < 50 * (gaps[-2] - gaps[-1])
    assert abs(point[-1] - point[-2]) > 1e3 * (gaps[-2] - gaps[-1])
    assert cored[-1] > 1.2 * cored[0]                    # of the size of the bond nearby
    # the paper's sphere data: bit for bit
    m = 64
    r = rng.uniform(1.0405, 2.0, m)
    u = rng.normal(size=(m, 3))
    sep = r[:, None] * u / np.linalg.norm(u, axis=1, keepdims=True)
    rots = random_rotation_matrices(rng, 2 * m)
    for tolerance in (None, 1e-4):
        np.testing.assert_array_equal(
            site_sum_energy(ipc, ipc, sep, rots[:m], rots[m:], tolerance=tolerance),
            site_sum_energy(ipc, ipc, sep, rots[:m], rots[m:], tolerance=tolerance, site_core=0))


def _turn_to(v, target):
    """A rotation matrix taking the body vector ``v`` onto the lab direction ``target``."""
    v = v / np.linalg.norm(v)
    axis = np.cross(v, target)
    s, c = np.linalg.norm(axis), float(np.dot(v, target))
    if s < 1e-12:
        return I3 if c > 0 else rotation_matrix_about_axis(np.cross(v, Y) / np.linalg.norm(np.cross(v, Y)), math.pi)
    return rotation_matrix_about_axis(axis / s, math.atan2(s, c))


def test_janus_and_ipc_orientation_physics():
    jc, ipc = paper_particle("JC"), paper_particle("IPC")
    sep = [[0, 0, 1.015]]
    # Janus: + of I faces - of J (head to tail) attracts; + facing + repels
    head_tail = site_sum_energy(jc, jc, sep, I3, I3)[0]
    facing = site_sum_energy(jc, jc, sep, I3, FLIP)[0]
    assert head_tail < -1.0 and facing > 1.0
    assert facing == pytest.approx(-head_tail, rel=1e-3)   # sign flip of one dipole
    # Janus T configuration: zero by symmetry of the continuum model; the site lattice
    # (spacing ~0.07 sigma against a 0.015 sigma gap) leaves ~0.3 % of |head_tail|
    assert abs(site_sum_energy(jc, jc, sep, I3, TURN)[0]) < 1e-2 * abs(head_tail)
    # IPC: cap facing cap repels, cap facing belt attracts; z -> -z symmetry
    cap_cap = site_sum_energy(ipc, ipc, sep, I3, I3)[0]
    cap_belt = site_sum_energy(ipc, ipc, sep, I3, TURN)[0]
    assert cap_cap > 0.5 and cap_belt < -0.5
    assert site_sum_energy(ipc, ipc, sep, I3, FLIP)[0] == pytest.approx(cap_cap, rel=1e-3)


def test_exact_invariances_of_the_site_sum():
    rng = np.random.default_rng(0)
    p = paper_particle("EIPC")
    q = paper_particle("EJC")
    m = 6
    rot_i = random_rotation_matrices(rng, m)
    rot_j = random_rotation_matrices(rng, m)
    u = rng.normal(size=(m, 3))
    u /= np.linalg.norm(u, axis=1)[:, None]
    r = 3.0 * u
    e = site_sum_energy(p, q, r, rot_i, rot_j)
    g = random_rotation_matrices(rng, 1)[0]
    np.testing.assert_allclose(site_sum_energy(p, q, r @ g.T, g @ rot_i, g @ rot_j), e,
                               rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(site_sum_energy(q, p, -r, rot_j, rot_i), e, rtol=1e-11, atol=1e-14)


def test_ellipsoids_and_overlap_guard():
    ejc = paper_particle("EJC")
    end_to_end = site_sum_energy(ejc, ejc, [[0, 0, 2.015]], I3, I3)[0]
    assert end_to_end < 0                                 # + tip of I on the - tip of J
    with pytest.raises(ValueError, match="overlapping hard cores"):
        site_sum_energy(ejc, ejc, [[0, 0, 1.9]], I3, I3)
    with pytest.raises(ValueError, match="overlapping hard cores"):
        site_sum_energy(paper_particle("JC"), paper_particle("JC"), [[0.9, 0, 0]], I3, I3)
    with pytest.raises(ValueError, match="pattern"):
        build_patchy_particle("stripes")
    with pytest.raises(ValueError, match="name"):
        paper_particle("IPX")
    with pytest.raises(ValueError, match="distance"):
        uniform_shells_energy(0.9, 0.5, 1.0, 1.0)
