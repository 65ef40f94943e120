"""Numba kernel of the site-site screened-Coulomb energy of two rigid surface-patterned bodies.

Reference: Campos-Villalobos et al., npj Comput. Mater. 2024, Eqs. 15-16 (after
Hieronimus, Raschke and Heuer, J. Chem. Phys. 145, 064303 (2016)).

Units (reduced): lengths in sigma, charges in elementary charges e, kappa in 1/sigma,
Bjerrum length l_B = e^2 / (4 pi eps k_B T) in sigma; the energy is in k_B T.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange


@njit(cache=True)
def yukawa_site_pair(r, kappa, r_core):
    """exp(-kappa r) / r  [1/length] (Eq. 15 without the charges and l_B), with r taken as
    ``r_core`` below it: a site stands for a surface element, and two elements closer
    than their size do not interact as points (cgml.fg.patchy.site_core_radius)."""
    if r < r_core:
        r = r_core
    return math.exp(-kappa * r) / r


@njit(cache=True)
def site_sum_energies(sites_i, charges_i, sites_j, charges_j, separations, rot_i, rot_j, kappa,
                      bjerrum_length, r_core, out):
    """Phi_k / k_BT = l_B sum_{a in I} sum_{b in J} q_a q_b exp(-kappa r_ab) / r_ab (Eq. 16).

    ``sites_* (n_*, 3)`` body-frame site positions [sigma], ``charges_* (n_*,)`` [e],
    ``separations (m, 3)`` R_J - R_I [sigma], ``rot_i, rot_j (m, 3, 3)`` rotation matrices
    (columns = body axes), r_ab = |R_IJ + Q_J s_b - Q_I s_a| (at least ``r_core``, see
    :func:`yukawa_site_pair`). Writes ``out (m,)``.
    """
    n_i = sites_i.shape[0]
    n_j = sites_j.shape[0]
    a = np.empty((n_i, 3))
    b = np.empty((n_j, 3))
    for k in range(separations.shape[0]):
        qi = rot_i[k]
        qj = rot_j[k]
        for s in range(n_i):
            for d in range(3):
                a[s, d] = qi[d, 0] * sites_i[s, 0] + qi[d, 1] * sites_i[s, 1] + qi[d, 2] * sites_i[s, 2]
        for s in range(n_j):
            for d in range(3):
                b[s, d] = (separations[k, d] + qj[d, 0] * sites_j[s, 0]
                           + qj[d, 1] * sites_j[s, 1] + qj[d, 2] * sites_j[s, 2])
        total = 0.0
        for s in range(n_i):
            ax, ay, az = a[s, 0], a[s, 1], a[s, 2]
            partial = 0.0
            for t in range(n_j):
                dx = b[t, 0] - ax
                dy = b[t, 1] - ay
                dz = b[t, 2] - az
                r = math.sqrt(dx * dx + dy * dy + dz * dz)
                partial += charges_j[t] * yukawa_site_pair(r, kappa, r_core)
            total += charges_i[s] * partial
        out[k] = bjerrum_length * total


# ----------------------------------------------------------------------------- truncated sums
@njit(cache=True)
def _place_sites(sites, rot, shift, out):
    """out[s] = shift + rot @ sites[s] for the ``(n, 3)`` body-frame sites [sigma]."""
    for s in range(sites.shape[0]):
        for d in range(3):
            out[s, d] = (shift[d] + rot[d, 0] * sites[s, 0] + rot[d, 1] * sites[s, 1]
                         + rot[d, 2] * sites[s, 2])


@njit(cache=True)
def truncated_site_sum_one(sites_i, charges_i, ptr_i, centres_i, radii_i, abs_i, sites_j,
                           charges_j, ptr_j, centres_j, radii_j, abs_j, separation, rot_i,
                           rot_j, kappa, r_cut, r_core, a, b, ca, cb):
    """One configuration of the truncated site sum; returns ``(sum, bound)`` without l_B.

    Sites are grouped in clusters (sites ``ptr[c]:ptr[c+1]``, body-frame centre
    ``centres (n_c, 3)``, radius ``radii (n_c,)`` [sigma], ``abs (n_c,)`` = sum of |q|
    [e] of the cluster). A cluster pair whose centres are farther apart than
    r_cut + rho_A + rho_B is skipped whole; inside the other cluster pairs, site pairs
    with r_ab >= r_cut are skipped. The skipped terms are bounded by

        |sum_skipped q_a q_b exp(-kappa r_ab) / r_ab| <= exp(-kappa r_cut) / r_cut sum_skipped |q_a q_b|,

    and ``bound`` is that right-hand side. ``a, b (n, 3)``, ``ca, cb (n_c, 3)`` are
    scratch arrays (lab-frame sites and cluster centres).
    """
    zero = np.zeros(3)
    _place_sites(sites_i, rot_i, zero, a)
    _place_sites(sites_j, rot_j, separation, b)
    _place_sites(centres_i, rot_i, zero, ca)
    _place_sites(centres_j, rot_j, separation, cb)
    rc2 = r_cut * r_cut
    total = 0.0
    skipped = 0.0
    for ci in range(ptr_i.shape[0] - 1):
        for cj in range(ptr_j.shape[0] - 1):
            dx = cb[cj, 0] - ca[ci, 0]
            dy = cb[cj, 1] - ca[ci, 1]
            dz = cb[cj, 2] - ca[ci, 2]
            reach = r_cut + radii_i[ci] + radii_j[cj]
            if dx * dx + dy * dy + dz * dz >= reach * reach:
                skipped += abs_i[ci] * abs_j[cj]
                continue
            for s in range(ptr_i[ci], ptr_i[ci + 1]):
                ax, ay, az = a[s, 0], a[s, 1], a[s, 2]
                partial = 0.0
                partial_abs = 0.0
                for t in range(ptr_j[cj], ptr_j[cj + 1]):
                    ex = b[t, 0] - ax
                    ey = b[t, 1] - ay
                    ez = b[t, 2] - az
                    r2 = ex * ex + ey * ey + ez * ez
                    if r2 < rc2:
                        r = math.sqrt(r2)
                        partial += charges_j[t] * yukawa_site_pair(r, kappa, r_core)
                    else:
                        partial_abs += abs(charges_j[t])
                total += charges_i[s] * partial
                skipped += abs(charges_i[s]) * partial_abs
    return total, skipped * yukawa_site_pair(r_cut, kappa, 0.0)


@njit(cache=True)
def truncated_site_sums(sites_i, charges_i, ptr_i, centres_i, radii_i, abs_i, sites_j,
                        charges_j, ptr_j, centres_j, radii_j, abs_j, separations, rot_i, rot_j,
                        kappa, bjerrum_length, r_cut, r_core, out, bound):
    """Serial loop of :func:`truncated_site_sum_one` over ``m`` configurations.

    Writes ``out (m,)`` Phi / k_BT and ``bound (m,)`` the rigorous truncation bound [k_BT].
    """
    a = np.empty((sites_i.shape[0], 3))
    b = np.empty((sites_j.shape[0], 3))
    ca = np.empty((centres_i.shape[0], 3))
    cb = np.empty((centres_j.shape[0], 3))
    for k in range(separations.shape[0]):
        e, u = truncated_site_sum_one(sites_i, charges_i, ptr_i, centres_i, radii_i, abs_i,
                                      sites_j, charges_j, ptr_j, centres_j, radii_j, abs_j,
                                      separations[k], rot_i[k], rot_j[k], kappa, r_cut, r_core,
                                      a, b, ca, cb)
        out[k] = bjerrum_length * e
        bound[k] = bjerrum_length * u


@njit(cache=True, parallel=True)
def truncated_site_sums_parallel(sites_i, charges_i, ptr_i, centres_i, radii_i, abs_i, sites_j,
                                 charges_j, ptr_j, centres_j, radii_j, abs_j, separations, rot_i,
                                 rot_j, kappa, bjerrum_length, r_cut, r_core, out, bound):
    """:func:`truncated_site_sums` with the configurations shared among threads (prange).

    Each configuration is independent and summed in the same order as the serial kernel,
    so the results are bitwise equal (tests/unit/test_anisotropic_patchy.py checks it).
    """
    for k in prange(separations.shape[0]):
        a = np.empty((sites_i.shape[0], 3))
        b = np.empty((sites_j.shape[0], 3))
        ca = np.empty((centres_i.shape[0], 3))
        cb = np.empty((centres_j.shape[0], 3))
        e, u = truncated_site_sum_one(sites_i, charges_i, ptr_i, centres_i, radii_i, abs_i,
                                      sites_j, charges_j, ptr_j, centres_j, radii_j, abs_j,
                                      separations[k], rot_i[k], rot_j[k], kappa, r_cut, r_core,
                                      a, b, ca, cb)
        out[k] = bjerrum_length * e
        bound[k] = bjerrum_length * u
