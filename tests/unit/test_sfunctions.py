"""S-function invariants and descriptors (Campos-Villalobos et al., npj Comput. Mater. 2024).

Checks: the Cartesian functions against Eq. 2 (Wigner D matrices and 3j symbols);
invariance under a common rotation; parity under inversion; the exchange identity
below Eq. 2; hand-computed values for parallel, end-to-end and crossed pairs; monomial
counts; descriptors G_k(I) of Eq. 12 against hand-computed dimer values; invariances
of the many-particle descriptors; input validation. Lengths in units of sigma.
"""

from __future__ import annotations

import math
import re
from math import comb

import numpy as np
import pytest

from cgml.descriptors import _sfunction_kernels as K
from cgml.descriptors.sfunctions import (
    CYLINDRICAL_FUNCTIONS,
    EVEN_FUNCTIONS,
    EXCHANGE_PARTNER,
    EXCHANGE_SIGN,
    ODD_FUNCTIONS,
    PARITY,
    S_FUNCTION_LABELS,
    AngularBasis,
    RadialBasis,
    compute_contact_descriptors,
    compute_pair_terms,
    compute_s_functions,
    compute_sfunction_descriptors,
    evaluate_monomials,
)
from cgml.geometry.rotations import random_rotation_matrices, rotation_matrix_about_axis

C3, C6, C12 = 1 / math.sqrt(3), 1 / math.sqrt(6), 1 / (2 * math.sqrt(3))
I3 = np.eye(3)


def random_pairs(seed, m):
    rng = np.random.default_rng(seed)
    return (random_rotation_matrices(rng, m), random_rotation_matrices(rng, m),
            rng.normal(size=(m, 3)))


# ------------------------------------------------------------------ Eq. 2 from Wigner matrices

_E = {1: -np.array([1, 1j, 0]) / math.sqrt(2), 0: np.array([0, 0, 1 + 0j]),
      -1: np.array([1, -1j, 0]) / math.sqrt(2)}


def wigner_d(l, rot, mp, m):
    """D^l_{m'm}(R) = <l m'|R|l m> for l <= 1 (spherical basis e_0 = z, e_+-1 = -+(x +- iy)/sqrt2)."""
    return 1.0 if l == 0 else np.conj(_E[mp]) @ (rot @ _E[m])


def three_j(ls, ms):
    """Wigner 3j symbols for (l1 l2 l3) a permutation of (0 1 1), or (1 1 1)."""
    if sum(ms) != 0:
        return 0.0
    if sorted(ls) == [0, 1, 1]:
        m1, m2 = [m for l, m in zip(ls, ms) if l == 1]
        return (-1) ** (1 - m1) / math.sqrt(3) if m1 == -m2 else 0.0
    if sorted(ms) != [-1, 0, 1]:
        return 0.0
    perm = [(1, -1, 0).index(m) for m in ms]
    inversions = sum(perm[a] > perm[b] for a in range(3) for b in range(a + 1, 3))
    return (-1) ** inversions / math.sqrt(6)  # (1 1 1; 1 -1 0) = 1/sqrt6, odd under column swaps


def s_eq2(l_i, l_j, j, k_i, k_j, rot_i, rot_j, rhat):
    """Eq. 2: i^(l_I - l_J - j) sum D^{l_I}_{m_I k_I} D^{l_J}_{m_J k_J} D^j_{m 0}(Omega_IJ) (3j)."""
    z = rhat / np.linalg.norm(rhat)
    x = np.cross([0.3, 0.5, 0.7], z)
    x /= np.linalg.norm(x)
    frame = np.stack([x, np.cross(z, x), z], axis=1)  # any frame with third axis R_hat
    total = 0.0
    for m_i in range(-l_i, l_i + 1):
        for m_j in range(-l_j, l_j + 1):
            for m in range(-j, j + 1):
                w = three_j((l_i, l_j, j), (m_i, m_j, m))
                if w:
                    total += (wigner_d(l_i, rot_i, m_i, k_i) * wigner_d(l_j, rot_j, m_j, k_j)
                              * wigner_d(j, frame, m, 0) * w)
    return 1j ** (l_i - l_j - j) * total


def test_cartesian_forms_are_the_labelled_combinations_of_eq2():
    rot_i, rot_j, r = random_pairs(3, 6)
    ours = compute_s_functions(rot_i, rot_j, r)
    for k, label in enumerate(S_FUNCTION_LABELS):
        terms = re.findall(r"([+-]?)S(\d)(\d)(\d)\^(-?\d)(-?\d)", label)
        assert terms, label
        ref = np.array([sum((-1 if sgn == "-" else 1)
                            * s_eq2(int(a), int(b), int(c), int(k1), int(k2), rot_i[p],
                                    rot_j[p], r[p])
                            for sgn, a, b, c, k1, k2 in terms) for p in range(len(r))])
        ratio = ref / ours[:, k]
        # the same constant for every configuration: the function is this S combination
        np.testing.assert_allclose(ratio, ratio[0], atol=1e-10, err_msg=label)
        assert min(abs(abs(ratio[0]) - c) for c in (1.0, math.sqrt(2), 2.0)) < 1e-12
        if k in CYLINDRICAL_FUNCTIONS:  # Eq. 8 is Eq. 2 exactly, signs included
            np.testing.assert_allclose(ratio, 1.0, atol=1e-12)


# ------------------------------------------------------------------ symmetries


def test_invariant_under_common_rotation():
    rot_i, rot_j, r = random_pairs(11, 200)
    s = compute_s_functions(rot_i, rot_j, r)
    g = random_rotation_matrices(np.random.default_rng(12), 1)[0]
    s_rot = compute_s_functions(g @ rot_i, g @ rot_j, r @ g.T)
    np.testing.assert_allclose(s_rot, s, atol=1e-13)
    # and under scaling / translation of the separation only its direction matters
    np.testing.assert_allclose(compute_s_functions(rot_i, rot_j, 3.7 * r), s, atol=1e-13)


def test_parity_even_scalars_odd_pseudoscalars():
    """Inversion x -> -x of all axes and of R_IJ: even functions unchanged, odd ones flip."""
    rot_i, rot_j, r = random_pairs(13, 100)
    rhat = r / np.linalg.norm(r, axis=1)[:, None]
    s = np.empty((100, 24))
    s_inv = np.empty((100, 24))
    K.s_functions_pairs(rot_i, rot_j, rhat, s)
    K.s_functions_pairs(-rot_i, -rot_j, -rhat, s_inv)  # improper: kernel layer only
    np.testing.assert_allclose(s_inv, s * PARITY, atol=1e-13)
    assert set(np.flatnonzero(PARITY < 0)) == set(ODD_FUNCTIONS)
    assert np.abs(s[:, list(ODD_FUNCTIONS)]).max() > 0.1


def test_exchange_identity():
    """S_{l_I l_J j}^{k_I k_J}(Omega_I, Omega_J, Omega_IJ) = S_{l_J l_I j}^{k_J k_I}(Omega_J, Omega_I, Omega_JI)."""
    rot_i, rot_j, r = random_pairs(17, 200)
    s = compute_s_functions(rot_i, rot_j, r)
    s_swapped = compute_s_functions(rot_j, rot_i, -r)
    np.testing.assert_allclose(s, EXCHANGE_SIGN * s_swapped[:, EXCHANGE_PARTNER], atol=1e-13)
    # partner map is an involution and the documented classification holds
    np.testing.assert_array_equal(EXCHANGE_PARTNER[EXCHANGE_PARTNER], np.arange(24))
    self_map = EXCHANGE_PARTNER == np.arange(24)
    assert set(np.flatnonzero(self_map & (EXCHANGE_SIGN > 0))) == {2, 11, 12, 13, 15, 20, 21, 22}
    assert set(np.flatnonzero(self_map & (EXCHANGE_SIGN < 0))) == {14, 23}
    pairs = {tuple(sorted((k, int(EXCHANGE_PARTNER[k])))) for k in np.flatnonzero(~self_map)}
    assert pairs == {(0, 1), (3, 5), (4, 6), (7, 9), (8, 10), (16, 18), (17, 19)}
    # the antisymmetric ones really change sign (not identically zero)
    assert np.abs(s[:, [14, 23]]).max() > 0.1


# ------------------------------------------------------------------ hand-placed configurations

def expected(nonzero):
    out = np.zeros(24)
    for k, v in nonzero.items():
        out[k] = v
    return out


def test_parallel_side_by_side():
    s = compute_s_functions(I3, I3, [[1.0, 0.0, 0.0]])[0]
    np.testing.assert_allclose(s, expected({2: -C3, 4: 2 * C6, 6: -2 * C6, 13: 2 * C6,
                                            17: C12, 19: -C12}), atol=1e-15)


def test_end_to_end():
    s = compute_s_functions(I3, I3, [[0.0, 0.0, 2.5]])[0]
    np.testing.assert_allclose(s, expected({0: C3, 1: -C3, 2: -C3, 13: 2 * C6, 23: 2 * C12}),
                               atol=1e-15)


def test_crossed_perpendicular():
    """I along the lab axes, J rotated by 90 deg about y (z_J = x, x_J = -z), J displaced along y."""
    rot_j = rotation_matrix_about_axis([0, 1, 0], math.pi / 2)
    np.testing.assert_allclose(rot_j[:, 2], [1, 0, 0], atol=1e-15)
    s = compute_s_functions(I3, rot_j, [[0.0, 1.0, 0.0]])[0]
    np.testing.assert_allclose(s, expected({3: 2 * C6, 5: -2 * C6, 8: -2 * C6, 10: 2 * C6,
                                            11: -C6, 13: C6, 15: C6, 20: C12, 22: C12}),
                               atol=1e-15)


def test_cylindrical_functions_ignore_rotation_about_z():
    rot_i, rot_j, r = random_pairs(19, 50)
    spin = rotation_matrix_about_axis([0, 0, 1], 0.77)
    s = compute_s_functions(rot_i, rot_j, r, functions=CYLINDRICAL_FUNCTIONS)
    s_spun = compute_s_functions(rot_i @ spin, rot_j @ spin.T, r, functions=CYLINDRICAL_FUNCTIONS)
    np.testing.assert_allclose(s_spun, s, atol=1e-13)
    full = compute_s_functions(rot_i @ spin, rot_j, r)
    assert np.abs(full - compute_s_functions(rot_i, rot_j, r))[:, list(EVEN_FUNCTIONS[3:])].max() > 0.1


# ------------------------------------------------------------------ monomials and descriptors

def test_monomial_counts_and_values():
    ang = AngularBasis.monomials(EVEN_FUNCTIONS, 3)
    assert len(ang) == comb(15 + 3, 3)  # 816 including the constant
    assert len(AngularBasis.monomials(CYLINDRICAL_FUNCTIONS, 6, min_degree=1)) == comb(9, 6) - 1
    assert ang.labels[0] == "1"
    pw = AngularBasis.powers(EVEN_FUNCTIONS, 4)
    assert len(pw) == 1 + 15 * 4
    assert np.all((pw.exponents > 0).sum(axis=1) <= 1)

    rot_i, rot_j, r = random_pairs(23, 20)
    s = compute_s_functions(rot_i, rot_j, r)
    mono = evaluate_monomials(s, ang)
    ref = np.prod(s[:, None, :15] ** ang.exponents[None, :, :], axis=2)
    np.testing.assert_allclose(mono, ref, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(compute_contact_descriptors(rot_i, rot_j, r, ang), ref,
                               rtol=1e-13, atol=1e-16)


def test_dimer_descriptor_equals_hand_value():
    """End-to-end dimer at R = 1.2, Lambda = exp(-10 R), f_c = tanh^3(1 - R/2) (Eqs. 12-13)."""
    ang = AngularBasis.monomials(CYLINDRICAL_FUNCTIONS, 2)
    rad = RadialBasis.exponential([10.0])
    d = compute_sfunction_descriptors([[0, 0, 0], [0, 0, 1.2]], np.stack([I3, I3]), ang, rad,
                                      r_cut=2.0)
    radial = math.exp(-12.0) * math.tanh(1 - 0.6) ** 3
    s_i = np.array([C3, -C3, -C3])       # seen from I: R_hat = +z
    s_j = np.array([-C3, C3, -C3])       # seen from J: R_hat = -z
    for row, s in ((0, s_i), (1, s_j)):
        ref = [radial * np.prod(s ** e) for e in ang.exponents]
        np.testing.assert_allclose(d.values[row], ref, rtol=1e-13)
    assert d.labels[1] == "exp(-10R)*[S011^00]"
    # exchange: G of J from the pair term with I and J swapped
    np.testing.assert_allclose(compute_pair_terms(I3, I3, [[0, 0, -1.2]], ang, rad, 2.0)[0],
                               d.values[1], rtol=1e-13)
    # beyond the cutoff every term vanishes
    far = compute_sfunction_descriptors([[0, 0, 0], [0, 0, 2.01]], np.stack([I3, I3]), ang,
                                        rad, r_cut=2.0)
    assert np.all(far.values == 0.0)


def test_gaussian_radial_and_column_layout():
    ang = AngularBasis.monomials([2, 13], 1)
    rad = RadialBasis.gaussian([1.0, 4.0], [0.0, 1.0])
    t = compute_pair_terms(I3, I3, [[0.9, 0, 0]], ang, rad, r_cut=2.0)[0]
    fc = math.tanh(1 - 0.45) ** 3
    mono = np.array([1.0, -C3, 2 * C6])
    for r, (mu, rs) in enumerate(zip(rad.mu, rad.r_s)):
        np.testing.assert_allclose(t[r * 3:(r + 1) * 3], math.exp(-mu * (0.9 - rs) ** 2) * fc * mono,
                                   rtol=1e-13)


def test_many_body_descriptors_invariant_and_periodic():
    rng = np.random.default_rng(29)
    n = 30
    pos = rng.uniform(0, 6.0, (n, 3))
    rot = random_rotation_matrices(rng, n)
    ang = AngularBasis.monomials(range(24), 2)
    rad = RadialBasis.exponential([2.0, 4.0])
    d = compute_sfunction_descriptors(pos, rot, ang, rad, r_cut=1.5)
    g = random_rotation_matrices(rng, 1)[0]
    shift = np.array([0.3, -2.0, 5.0])
    d_rot = compute_sfunction_descriptors(pos @ g.T + shift, g @ rot, ang, rad, r_cut=1.5)
    np.testing.assert_allclose(d_rot.values, d.values, atol=1e-12)
    perm = rng.permutation(n)
    d_perm = compute_sfunction_descriptors(pos[perm], rot[perm], ang, rad, r_cut=1.5)
    np.testing.assert_allclose(d_perm.values, d.values[perm], atol=1e-12)
    # periodic box: a particle's image across the boundary counts as a neighbour
    box = np.array([6.0, 6.0, 6.0])
    pair = np.array([[0.2, 3.0, 3.0], [5.6, 3.1, 3.0]])
    d_pbc = compute_sfunction_descriptors(pair, rot[:2], ang, rad, r_cut=1.5, box_lengths=box)
    d_open = compute_sfunction_descriptors(pair - [6.0, 0, 0] * np.array([[0], [1]]), rot[:2],
                                           ang, rad, r_cut=1.5)
    np.testing.assert_allclose(d_pbc.values, d_open.values, atol=1e-13)
    assert np.abs(d_open.values).max() > 0


def test_many_body_descriptors_are_sums_of_pair_terms_with_each_own_orientation_first():
    """G_k(I) = sum_J g_k(Omega_I, Omega_J, R_J - R_I) (Eq. 12), checked against the pair
    terms one by one, with every particle differently oriented: rotation and permutation
    invariance cannot see Omega_I and Omega_J swapped in the sum."""
    rng = np.random.default_rng(31)
    n = 12
    pos = rng.uniform(0, 3.0, (n, 3))
    rot = random_rotation_matrices(rng, n)
    ang = AngularBasis.monomials(range(24), 2)
    rad = RadialBasis.exponential([2.0])
    d = compute_sfunction_descriptors(pos, rot, ang, rad, r_cut=1.5)
    brute = np.zeros_like(d.values)
    for i in range(n):
        for j in range(n):
            if i != j and np.linalg.norm(pos[j] - pos[i]) < 1.5:
                brute[i] += compute_pair_terms(rot[i], rot[j], [pos[j] - pos[i]], ang, rad, 1.5)[0]
    assert np.count_nonzero(brute.any(axis=1)) >= n // 2
    np.testing.assert_allclose(d.values, brute, rtol=1e-12, atol=1e-14)


def test_validation_messages():
    with pytest.raises(ValueError, match="orthonormal"):
        compute_s_functions(2 * I3, I3, [[1.0, 0, 0]])
    with pytest.raises(ValueError, match="proper rotations"):
        compute_s_functions(-I3, I3, [[1.0, 0, 0]])
    with pytest.raises(ValueError, match="zero vector"):
        compute_s_functions(I3, I3, [[0.0, 0, 0]])
    with pytest.raises(ValueError, match=r"\[0, 24\)"):
        AngularBasis.monomials([0, 30], 2)
    with pytest.raises(ValueError, match="r_cut"):
        compute_pair_terms(I3, I3, [[1.0, 0, 0]], AngularBasis.monomials([0], 1),
                           RadialBasis.exponential([1.0]), r_cut=None)
    with pytest.raises(ValueError, match="compute_contact_descriptors"):
        compute_sfunction_descriptors([[0, 0, 0.0]], I3[None], AngularBasis.monomials([0], 1),
                                      RadialBasis.none(), r_cut=1.0)
    with pytest.raises(ValueError, match="unknown cutoff"):
        compute_pair_terms(I3, I3, [[1.0, 0, 0]], AngularBasis.monomials([0], 1),
                           RadialBasis.exponential([1.0]), r_cut=2.0, cutoff="hard")
