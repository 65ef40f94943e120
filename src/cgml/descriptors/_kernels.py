"""Numba kernels of the Behler-Parrinello symmetry functions. Arrays and scalars in, arrays out.

Units: lengths in any unit (positions, r_cut, R_s); mu, mu_a in [1/length^2]; the
symmetry functions are dimensionless and their gradients are in [1/length].

Formulas (Giunta, Campos-Villalobos, Dijkstra, ACS Nano 2023, Eqs. 21-23), with
R_IJ = R_I - R_J (minimum image in periodic boxes) and R_JK = R_IK - R_IJ, the side of
the actual triangle formed by the images of J and K that are nearest to I:

    G2_k(I) = sum_J exp(-mu_k (R_IJ - R_s,k)^2) f_c(R_IJ)
    G3_k(I) = 2^(1-xi_k) sum_{J<K} (1 + lambda_k cos theta_IJK)^xi_k
              * exp(-mu_a,k (R_IJ^2 + R_IK^2 + R_JK^2)) f_c(R_IJ) f_c(R_IK) f_c(R_JK)

The angular sum runs over unordered neighbour pairs {J, K} (each triangle once per
centre), as in DScribe's ACSF G4; the ordered sum J != K of the paper's Eq. 23 read
literally is exactly twice this, a factor absorbed by the linear weight.

Gradients. G(I) depends on the positions only through the neighbour vectors a_J = R_IJ,
so the kernels first accumulate ``work[j, :, k] = dG_k(I)/d a_J`` for every neighbour
slot j of centre I, then scatter: dG_k(I)/dR_I = sum_J work[J], dG_k(I)/dR_J = -work[J]
(Eqs. 24-27). The force features of Eq. 32, Psi_k(I) = sum_K dG_k(K)/dR_I, are the sum
of these scatters over all centres K.

Parameter layout shared by every kernel ("SF parameter arrays", in this order):

    mu_r (kr,), r_s (kr,)                   radial sets, columns 0 .. kr-1
    mu_a_unique (ua,), mu_a_index (ka,)     angular mu_a of column kr+k is mu_a_unique[mu_a_index[k]]
    lam_unique (ub,), xi_unique (ub,),      angular (lambda, xi) of column kr+k is
    lamxi_index (ka,)                       (lam_unique[b], xi_unique[b]), b = lamxi_index[k]

Unique values let a triplet evaluate each exponential and each power once.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from cgml.descriptors.cutoffs import cutoff_value
from cgml.neighbors._kernels import neighbors_of_point


@njit(cache=True)
def centre_accumulate(idx, vec, dist, m, mu_r, r_s, mu_a_unique, mu_a_index, lam_unique,
                      xi_unique, lamxi_index, r_cut, cutoff_code, do_grad, out_row, work):
    """Add the symmetry functions of one centre I to ``out_row (k,)``.

    Parameters
    ----------
    idx (>=m,) int, vec (>=m, 3) [length], dist (>=m,) [length]
        neighbour indices J, vectors R_IJ = R_I - R_J and distances of the centre
        (entries beyond ``m`` are ignored; every distance must be < r_cut and > 0).
    mu_r .. lamxi_index : SF parameter arrays (module docstring).
    r_cut : float [length]; cutoff_code : int (cutoffs.CUTOFF_*).
    do_grad : bool; if True ``work (>=m, 3, k)`` is overwritten with dG_k(I)/dR_IJ
        [1/length] for each neighbour slot; otherwise ``work`` is not touched.
    """
    kr = mu_r.shape[0]
    ka = mu_a_index.shape[0]
    ua = mu_a_unique.shape[0]
    ub = lam_unique.shape[0]
    fc = np.empty(m)
    dfc = np.empty(m)
    for j in range(m):
        fc[j], dfc[j] = cutoff_value(dist[j], r_cut, cutoff_code)
    if do_grad:
        for j in range(m):
            for d in range(3):
                for k in range(kr + ka):
                    work[j, d, k] = 0.0

    # radial: one pass over neighbours, parameters inside (Eqs. 21, 24, 25)
    for j in range(m):
        r = dist[j]
        for k in range(kr):
            x = r - r_s[k]
            e = math.exp(-mu_r[k] * x * x)
            out_row[k] += e * fc[j]
            if do_grad:
                g = e * (dfc[j] - 2.0 * mu_r[k] * x * fc[j]) / r
                for d in range(3):
                    work[j, d, k] += g * vec[j, d]

    if ka == 0:
        return

    # angular: per-triplet geometry once, parameters inside (Eqs. 23, 26-31)
    e_u = np.empty(ua)
    p_b = np.empty(ub)
    dp_b = np.empty(ub)
    pref_b = np.empty(ub)
    for b in range(ub):
        pref_b[b] = 2.0 ** (1.0 - xi_unique[b])
    r_cut2 = r_cut * r_cut
    c_vec = np.empty(3)
    dcos_da = np.empty(3)
    dcos_db = np.empty(3)
    ds_da = np.empty(3)
    ds_db = np.empty(3)
    df_da = np.empty(3)
    df_db = np.empty(3)
    for j in range(m):
        ra = dist[j]
        for q in range(j + 1, m):
            rb = dist[q]
            rc2 = 0.0
            ab = 0.0
            for d in range(3):
                c_vec[d] = vec[q, d] - vec[j, d]  # R_JK = R_IK - R_IJ
                rc2 += c_vec[d] * c_vec[d]
                ab += vec[j, d] * vec[q, d]
            if rc2 >= r_cut2:
                continue
            rc = math.sqrt(rc2)
            fc_c, dfc_c = cutoff_value(rc, r_cut, cutoff_code)
            f3 = fc[j] * fc[q] * fc_c
            if f3 == 0.0:
                continue
            cos_t = ab / (ra * rb)
            if cos_t > 1.0:
                cos_t = 1.0
            elif cos_t < -1.0:
                cos_t = -1.0
            s = ra * ra + rb * rb + rc2
            for u in range(ua):
                e_u[u] = math.exp(-mu_a_unique[u] * s)
            for b in range(ub):
                base = 1.0 + lam_unique[b] * cos_t
                if base < 0.0:
                    base = 0.0
                p_b[b] = base ** xi_unique[b]
                # d(base^xi)/d(cos) = xi * lambda * base^(xi-1)
                dp_b[b] = xi_unique[b] * lam_unique[b] * base ** (xi_unique[b] - 1.0)
            for k in range(ka):
                e = e_u[mu_a_index[k]]
                b = lamxi_index[k]
                out_row[kr + k] += pref_b[b] * p_b[b] * e * f3
            if not do_grad:
                continue
            inv_ab = 1.0 / (ra * rb)
            for d in range(3):
                a_d = vec[j, d]
                b_d = vec[q, d]
                dcos_da[d] = b_d * inv_ab - cos_t * a_d / (ra * ra)
                dcos_db[d] = a_d * inv_ab - cos_t * b_d / (rb * rb)
                ds_da[d] = 2.0 * (a_d - c_vec[d])
                ds_db[d] = 2.0 * (b_d + c_vec[d])
                df_da[d] = (dfc[j] * fc[q] * fc_c * a_d / ra
                            - fc[j] * fc[q] * dfc_c * c_vec[d] / rc)
                df_db[d] = (fc[j] * dfc[q] * fc_c * b_d / rb
                            + fc[j] * fc[q] * dfc_c * c_vec[d] / rc)
            for k in range(ka):
                u = mu_a_index[k]
                b = lamxi_index[k]
                pe = pref_b[b] * e_u[u]
                c1 = pe * dp_b[b] * f3             # coefficient of dcos
                c2 = -mu_a_unique[u] * pe * p_b[b] * f3  # coefficient of ds
                c3 = pe * p_b[b]                   # coefficient of dF
                col = kr + k
                for d in range(3):
                    work[j, d, col] += c1 * dcos_da[d] + c2 * ds_da[d] + c3 * df_da[d]
                    work[q, d, col] += c1 * dcos_db[d] + c2 * ds_db[d] + c3 * df_db[d]


@njit(cache=True)
def scatter_gradient(centre, idx, m, work, dst):
    """Add dG(centre)/dR_I to ``dst (n, 3, k)`` from ``work (>=m, 3, k)`` = dG/dR_IJ.

    dst[centre] += sum_J work[J]; dst[J] -= work[J]   (R_IJ = R_I - R_J).
    """
    nk = dst.shape[2]
    for j in range(m):
        jj = idx[j]
        for d in range(3):
            for k in range(nk):
                w = work[j, d, k]
                dst[centre, d, k] += w
                dst[jj, d, k] -= w


@njit(cache=True)
def _max_row(offsets):
    m_max = 0
    for i in range(offsets.shape[0] - 1):
        if offsets[i + 1] - offsets[i] > m_max:
            m_max = offsets[i + 1] - offsets[i]
    return m_max


@njit(cache=True)
def values_csr(offsets, index, vectors, distances, mu_r, r_s, mu_a_unique, mu_a_index,
               lam_unique, xi_unique, lamxi_index, r_cut, cutoff_code):
    """Symmetry functions of every centre from a full CSR list: ``values (n, k)``."""
    n = offsets.shape[0] - 1
    nk = mu_r.shape[0] + mu_a_index.shape[0]
    values = np.zeros((n, nk))
    work = np.empty((0, 3, nk))
    for i in range(n):
        o0 = offsets[i]
        o1 = offsets[i + 1]
        centre_accumulate(index[o0:o1], vectors[o0:o1], distances[o0:o1], o1 - o0,
                          mu_r, r_s, mu_a_unique, mu_a_index, lam_unique, xi_unique,
                          lamxi_index, r_cut, cutoff_code, False, values[i], work)
    return values


@njit(cache=True)
def force_features_csr(offsets, index, vectors, distances, mu_r, r_s, mu_a_unique, mu_a_index,
                       lam_unique, xi_unique, lamxi_index, r_cut, cutoff_code):
    """``(values (n, k), psi (n, 3, k))`` with psi[I, a, k] = sum_K dG_k(K)/dR_{I,a} (Eq. 32)."""
    n = offsets.shape[0] - 1
    nk = mu_r.shape[0] + mu_a_index.shape[0]
    values = np.zeros((n, nk))
    psi = np.zeros((n, 3, nk))
    work = np.empty((_max_row(offsets), 3, nk))
    for i in range(n):
        o0 = offsets[i]
        o1 = offsets[i + 1]
        centre_accumulate(index[o0:o1], vectors[o0:o1], distances[o0:o1], o1 - o0,
                          mu_r, r_s, mu_a_unique, mu_a_index, lam_unique, xi_unique,
                          lamxi_index, r_cut, cutoff_code, True, values[i], work)
        scatter_gradient(i, index[o0:o1], o1 - o0, work, psi)
    return values, psi


@njit(cache=True)
def gradients_csr(offsets, index, vectors, distances, mu_r, r_s, mu_a_unique, mu_a_index,
                  lam_unique, xi_unique, lamxi_index, r_cut, cutoff_code):
    """``(values (n, k), grad (n, n, 3, k))`` with grad[K, I, a, k] = dG_k(K)/dR_{I,a}."""
    n = offsets.shape[0] - 1
    nk = mu_r.shape[0] + mu_a_index.shape[0]
    values = np.zeros((n, nk))
    grad = np.zeros((n, n, 3, nk))
    work = np.empty((_max_row(offsets), 3, nk))
    for i in range(n):
        o0 = offsets[i]
        o1 = offsets[i + 1]
        centre_accumulate(index[o0:o1], vectors[o0:o1], distances[o0:o1], o1 - o0,
                          mu_r, r_s, mu_a_unique, mu_a_index, lam_unique, xi_unique,
                          lamxi_index, r_cut, cutoff_code, True, values[i], work)
        scatter_gradient(i, index[o0:o1], o1 - o0, work, grad[i])
    return values, grad


@njit(cache=True)
def centre_neighbors(centre_index, centre_point, i_moved, moved_point, positions, box_lengths,
                     periodic, r_cut, origin, cell_size, n_cells, members, counts,
                     buf_index, buf_vec, buf_dist):
    """Neighbours of a centre from a cell list, with particle ``i_moved`` at ``moved_point``.

    Fills ``buf_index (n,)``, ``buf_vec (n, 3)`` [length] (R_IJ = centre_point - R_J,
    minimum image) and ``buf_dist (n,)`` and returns the count m. ``i_moved = -1`` means
    no substitution. The cell list may place ``i_moved`` in its old or its new cell:
    its entry is dropped and re-added from ``moved_point``, so ``positions[i_moved]``
    is never read. The centre itself is excluded (skip ``centre_index``).
    """
    m = neighbors_of_point(centre_point, centre_index, positions, box_lengths, periodic, r_cut,
                           origin, cell_size, n_cells, members, counts,
                           buf_index, buf_vec, buf_dist)
    if i_moved < 0 or i_moved == centre_index:
        return m
    t = 0
    for s in range(m):
        if buf_index[s] != i_moved:
            if t != s:
                buf_index[t] = buf_index[s]
                buf_vec[t, 0] = buf_vec[s, 0]
                buf_vec[t, 1] = buf_vec[s, 1]
                buf_vec[t, 2] = buf_vec[s, 2]
                buf_dist[t] = buf_dist[s]
            t += 1
    m = t
    dx = centre_point[0] - moved_point[0]
    dy = centre_point[1] - moved_point[1]
    dz = centre_point[2] - moved_point[2]
    if periodic:
        dx -= box_lengths[0] * np.rint(dx / box_lengths[0])
        dy -= box_lengths[1] * np.rint(dy / box_lengths[1])
        dz -= box_lengths[2] * np.rint(dz / box_lengths[2])
    d2 = dx * dx + dy * dy + dz * dz
    if d2 < r_cut * r_cut:
        buf_index[m] = i_moved
        buf_vec[m, 0] = dx
        buf_vec[m, 1] = dy
        buf_vec[m, 2] = dz
        buf_dist[m] = math.sqrt(d2)
        m += 1
    return m


@njit(cache=True)
def centre_values(centre_index, centre_point, i_moved, moved_point, positions, box_lengths,
                  periodic, r_cut, origin, cell_size, n_cells, members, counts,
                  mu_r, r_s, mu_a_unique, mu_a_index, lam_unique, xi_unique, lamxi_index,
                  cutoff_code, buf_index, buf_vec, buf_dist, out_row):
    """Overwrite ``out_row (k,)`` with the symmetry functions G_k of one centre; return m.

    Made for Monte Carlo: evaluates the environment of centre ``centre_index`` located at
    ``centre_point (3,)``, in a configuration equal to ``positions (n, 3)`` except that
    particle ``i_moved`` sits at ``moved_point (3,)`` (``i_moved = -1``: no substitution).
    For the moved particle itself pass ``centre_index = i_moved`` and
    ``centre_point = moved_point``; for any other centre pass ``positions[centre_index]``.
    Nothing is copied: the positions array stays untouched.

    After a trial move of particle i the centres whose G changes are i and the
    neighbours of i at its old and at its new position (angular terms included, since a
    triplet of centre K needs both J and K within r_cut of it).

    Cell list arrays: ``origin, cell_size, n_cells, members, counts`` of
    :class:`cgml.neighbors.CellList` built with a cell size >= r_cut. SF parameter
    arrays: module docstring. Scratch: ``buf_index (n,) int64, buf_vec (n, 3),
    buf_dist (n,)``. Returns the number m of neighbours found.
    """
    m = centre_neighbors(centre_index, centre_point, i_moved, moved_point, positions,
                         box_lengths, periodic, r_cut, origin, cell_size, n_cells, members,
                         counts, buf_index, buf_vec, buf_dist)
    for k in range(out_row.shape[0]):
        out_row[k] = 0.0
    work = np.empty((0, 3, 0))
    centre_accumulate(buf_index, buf_vec, buf_dist, m, mu_r, r_s, mu_a_unique, mu_a_index,
                      lam_unique, xi_unique, lamxi_index, r_cut, cutoff_code, False,
                      out_row, work)
    return m


@njit(cache=True)
def centres_values(centres, i_moved, moved_point, positions, box_lengths, periodic, r_cut,
                   origin, cell_size, n_cells, members, counts, mu_r, r_s, mu_a_unique,
                   mu_a_index, lam_unique, xi_unique, lamxi_index, cutoff_code, out):
    """Fill ``out (c, k)`` with :func:`centre_values` of every index in ``centres (c,)``."""
    n = positions.shape[0]
    buf_index = np.empty(n + 1, np.int64)
    buf_vec = np.empty((n + 1, 3))
    buf_dist = np.empty(n + 1)
    for t in range(centres.shape[0]):
        c = centres[t]
        if c == i_moved:
            point = moved_point
        else:
            point = positions[c]
        centre_values(c, point, i_moved, moved_point, positions, box_lengths, periodic, r_cut,
                      origin, cell_size, n_cells, members, counts, mu_r, r_s, mu_a_unique,
                      mu_a_index, lam_unique, xi_unique, lamxi_index, cutoff_code,
                      buf_index, buf_vec, buf_dist, out[t])
    return out
