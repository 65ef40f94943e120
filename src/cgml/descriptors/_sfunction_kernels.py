"""Numba kernels of the S-function descriptors. Arrays and scalars in, arrays out.

Reference: Campos-Villalobos, Subert, Giunta, Dijkstra, npj Comput. Mater. 2024,
Eqs. 8-13 (S functions after A. J. Stone, Mol. Phys. 36, 241 (1978)).

Units: lengths (separations, r_cut, r_s) in any unit; mu in [1/length] for the
exponential radial function and [1/length^2] for the Gaussian one; S functions,
monomials and descriptors are dimensionless.

Conventions: orientations are rotation matrices whose columns are the body axes
(x_hat, y_hat, z_hat) in the lab frame; R_hat_IJ is the unit vector from particle I to
particle J. With P_ab = a_I . b_J, T_ab = a_I . (b_J x R_hat_IJ), c3 = 1/sqrt(3),
c6 = 1/sqrt(6), c12 = 1/(2 sqrt(3)), the 24 lowest-rank functions are, in this order
(see :mod:`cgml.descriptors.sfunctions` for the index labels and exchange symmetries):

     0  S_011^00            c3  z_J.R           15  S_111^00              c6  T_zz
     1  S_101^00           -c3  z_I.R           16  S_111^10 - S^-10      c12 T_xz
     2  S_110^00           -c3  P_zz            17  S_111^10 + S^-10      c12 T_yz
     3  S_011^01 + S^0-1  2c6  y_J.R            18  S_111^01 - S^0-1      c12 T_zx
     4  S_011^01 - S^0-1  2c6  x_J.R            19  S_111^01 + S^0-1      c12 T_zy
     5  S_101^10 + S^-10 -2c6  y_I.R            20  S_111^11 + S^-1-1     c12 (T_xx - T_yy)
     6  S_101^10 - S^-10 -2c6  x_I.R            21  S_111^11 - S^-1-1     c12 (T_xy + T_yx)
     7  S_110^01 + S^0-1  2c6  P_zy             22  S_111^1-1 + S^-11     c12 (T_xx + T_yy)
     8  S_110^01 - S^0-1  2c6  P_zx             23  S_111^1-1 - S^-11     c12 (T_xy - T_yx)
     9  S_110^10 + S^-10  2c6  P_yz
    10  S_110^10 - S^-10  2c6  P_xz
    11  S_110^11 + S^-1-1  c6  (P_xx - P_yy)
    12  S_110^11 - S^-1-1  c6  (P_xy + P_yx)
    13  S_110^1-1 + S^-11  c6  (P_xx + P_yy)
    14  S_110^1-1 - S^-11  c6  (P_xy - P_yx)

Monomials are stored sparsely: monomial k is prod_t s[mono_fn[t]]^mono_pow[t] for
t in [mono_ptr[k], mono_ptr[k+1]) (an empty range is the constant 1).

Radial kinds: 0 none (Lambda f_c = 1, contact function), 1 exponential
Lambda = exp(-mu R), 2 Gaussian Lambda = exp(-mu (R - R_s)^2); the cutoff f_c is chosen
by :func:`cgml.descriptors.cutoffs.cutoff_value` (tanh^3 by default, Eq. 13).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from cgml.descriptors.cutoffs import cutoff_value

N_S_FUNCTIONS = 24
RADIAL_NONE = 0
RADIAL_EXPONENTIAL = 1
RADIAL_GAUSSIAN = 2

C3 = 1.0 / math.sqrt(3.0)
C6 = 1.0 / math.sqrt(6.0)
C12 = 1.0 / (2.0 * math.sqrt(3.0))


@njit(cache=True)
def s_functions_pair(rot_i, rot_j, rhat, out):
    """Fill ``out (24,)`` with the S functions of one pair (table in the module docstring).

    ``rot_i, rot_j (3, 3)``: columns are the body axes; ``rhat (3,)`` unit vector I -> J.
    """
    # a_I . R, a_J . R
    air = np.empty(3)
    ajr = np.empty(3)
    for a in range(3):
        air[a] = rot_i[0, a] * rhat[0] + rot_i[1, a] * rhat[1] + rot_i[2, a] * rhat[2]
        ajr[a] = rot_j[0, a] * rhat[0] + rot_j[1, a] * rhat[1] + rot_j[2, a] * rhat[2]
    # P_ab = a_I . b_J ; b_J x R ; T_ab = a_I . (b_J x R)
    p = np.empty((3, 3))
    t = np.empty((3, 3))
    bxr = np.empty(3)
    for b in range(3):
        bx, by, bz = rot_j[0, b], rot_j[1, b], rot_j[2, b]
        bxr[0] = by * rhat[2] - bz * rhat[1]
        bxr[1] = bz * rhat[0] - bx * rhat[2]
        bxr[2] = bx * rhat[1] - by * rhat[0]
        for a in range(3):
            ax, ay, az = rot_i[0, a], rot_i[1, a], rot_i[2, a]
            p[a, b] = ax * bx + ay * by + az * bz
            t[a, b] = ax * bxr[0] + ay * bxr[1] + az * bxr[2]
    X, Y, Z = 0, 1, 2
    c3 = 1.0 / math.sqrt(3.0)
    c6 = 1.0 / math.sqrt(6.0)
    c12 = 1.0 / (2.0 * math.sqrt(3.0))
    # second rank, even (Eq. 8 and the 12 functions that follow it)
    out[0] = c3 * ajr[Z]
    out[1] = -c3 * air[Z]
    out[2] = -c3 * p[Z, Z]
    out[3] = 2.0 * c6 * ajr[Y]
    out[4] = 2.0 * c6 * ajr[X]
    out[5] = -2.0 * c6 * air[Y]
    out[6] = -2.0 * c6 * air[X]
    out[7] = 2.0 * c6 * p[Z, Y]
    out[8] = 2.0 * c6 * p[Z, X]
    out[9] = 2.0 * c6 * p[Y, Z]
    out[10] = 2.0 * c6 * p[X, Z]
    out[11] = c6 * (p[X, X] - p[Y, Y])
    out[12] = c6 * (p[X, Y] + p[Y, X])
    out[13] = c6 * (p[X, X] + p[Y, Y])
    out[14] = c6 * (p[X, Y] - p[Y, X])
    # third rank, odd (pseudoscalars)
    out[15] = c6 * t[Z, Z]
    out[16] = c12 * t[X, Z]
    out[17] = c12 * t[Y, Z]
    out[18] = c12 * t[Z, X]
    out[19] = c12 * t[Z, Y]
    out[20] = c12 * (t[X, X] - t[Y, Y])
    out[21] = c12 * (t[X, Y] + t[Y, X])
    out[22] = c12 * (t[X, X] + t[Y, Y])
    out[23] = c12 * (t[X, Y] - t[Y, X])


@njit(cache=True)
def s_functions_pairs(rot_i, rot_j, rhat, out):
    """Loop of :func:`s_functions_pair`: ``rot_i, rot_j (m, 3, 3)``, ``rhat (m, 3)`` -> ``out (m, 24)``."""
    for k in range(rhat.shape[0]):
        s_functions_pair(rot_i[k], rot_j[k], rhat[k], out[k])


@njit(cache=True)
def ipow(x, n):
    """x**n for a small non-negative integer n by repeated multiplication."""
    r = 1.0
    for _ in range(n):
        r *= x
    return r


@njit(cache=True)
def monomials_row(s, mono_ptr, mono_fn, mono_pow, out_row, scale, offset):
    """out_row[offset + k] += scale * prod_t s[mono_fn[t]]^mono_pow[t] for every monomial k."""
    nk = mono_ptr.shape[0] - 1
    for k in range(nk):
        v = scale
        for t in range(mono_ptr[k], mono_ptr[k + 1]):
            v *= ipow(s[mono_fn[t]], mono_pow[t])
        out_row[offset + k] += v


@njit(cache=True)
def radial_value(r, kind, mu, r_s, r_cut, cutoff_code):
    """Lambda(R) f_c(R) of one radial set (module docstring); 1 for kind RADIAL_NONE."""
    if kind == RADIAL_NONE:
        return 1.0
    fc, _ = cutoff_value(r, r_cut, cutoff_code)
    if fc == 0.0:
        return 0.0
    if kind == RADIAL_EXPONENTIAL:
        return math.exp(-mu * r) * fc
    x = r - r_s
    return math.exp(-mu * x * x) * fc


@njit(cache=True)
def pair_terms(rot_i, rot_j, vec_ij, kind, mu, r_s, r_cut, cutoff_code, mono_ptr, mono_fn,
               mono_pow, out):
    """Per-pair terms Lambda_r(R) f_c(R) M_k(Omega_I, Omega_J, Omega_IJ), Eq. 12.

    ``vec_ij (m, 3)`` = R_J - R_I; column ``r * nk + k`` of ``out (m, nr * nk)`` (zeroed
    here) holds radial set r times monomial k.
    """
    nk = mono_ptr.shape[0] - 1
    nr = mu.shape[0]
    s = np.empty(N_S_FUNCTIONS)
    rhat = np.empty(3)
    for p in range(vec_ij.shape[0]):
        for c in range(out.shape[1]):
            out[p, c] = 0.0
        d = math.sqrt(vec_ij[p, 0] ** 2 + vec_ij[p, 1] ** 2 + vec_ij[p, 2] ** 2)
        for a in range(3):
            rhat[a] = vec_ij[p, a] / d
        s_functions_pair(rot_i[p], rot_j[p], rhat, s)
        for r in range(nr):
            lam = radial_value(d, kind, mu[r], r_s[r], r_cut, cutoff_code)
            if lam != 0.0:
                monomials_row(s, mono_ptr, mono_fn, mono_pow, out[p], lam, r * nk)


@njit(cache=True)
def centre_sums_csr(offsets, index, vectors, distances, rotations, kind, mu, r_s, r_cut,
                    cutoff_code, mono_ptr, mono_fn, mono_pow, out):
    """G_{r,k}(I) = sum_J Lambda_r(R_IJ) f_c(R_IJ) M_k(Omega_I, Omega_J, Omega_IJ) (Eq. 12).

    CSR neighbour list of :func:`cgml.neighbors.build_neighbor_list`: neighbours of I are
    ``index[offsets[I]:offsets[I+1]]`` with ``vectors = R_I - R_J`` (minimum image), so the
    unit vector from I to J is ``-vectors / distances``. ``out (N, nr * nk)`` is zeroed here.
    """
    nk = mono_ptr.shape[0] - 1
    nr = mu.shape[0]
    s = np.empty(N_S_FUNCTIONS)
    rhat = np.empty(3)
    for i in range(offsets.shape[0] - 1):
        for c in range(out.shape[1]):
            out[i, c] = 0.0
        for e in range(offsets[i], offsets[i + 1]):
            j = index[e]
            d = distances[e]
            for a in range(3):
                rhat[a] = -vectors[e, a] / d
            s_functions_pair(rotations[i], rotations[j], rhat, s)
            for r in range(nr):
                lam = radial_value(d, kind, mu[r], r_s[r], r_cut, cutoff_code)
                if lam != 0.0:
                    monomials_row(s, mono_ptr, mono_fn, mono_pow, out[i], lam, r * nk)


@njit(cache=True)
def monomials_many(s_values, mono_ptr, mono_fn, mono_pow, out):
    """``out (m, nk)`` (zeroed here) of the monomials of ``s_values (m, n)`` (column indices)."""
    for p in range(s_values.shape[0]):
        for c in range(out.shape[1]):
            out[p, c] = 0.0
        monomials_row(s_values[p], mono_ptr, mono_fn, mono_pow, out[p], 1.0, 0)
