"""Numba kernel of the site-site screened-Coulomb energy of two rigid surface-patterned bodies.

Reference: Campos-Villalobos et al., npj Comput. Mater. 2024, Eqs. 15-16 (after
Hieronimus, Raschke and Heuer, J. Chem. Phys. 145, 064303 (2016)).

Units (reduced): lengths in sigma, charges in elementary charges e, kappa in 1/sigma,
Bjerrum length l_B = e^2 / (4 pi eps k_B T) in sigma; the energy is in k_B T.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def yukawa_site_pair(r, kappa):
    """exp(-kappa r) / r  [1/length] (Eq. 15 without the charges and l_B)."""
    return math.exp(-kappa * r) / r


@njit(cache=True)
def site_sum_energies(sites_i, charges_i, sites_j, charges_j, separations, rot_i, rot_j, kappa,
                      bjerrum_length, out):
    """Phi_k / k_BT = l_B sum_{a in I} sum_{b in J} q_a q_b exp(-kappa r_ab) / r_ab (Eq. 16).

    ``sites_* (n_*, 3)`` body-frame site positions [sigma], ``charges_* (n_*,)`` [e],
    ``separations (m, 3)`` R_J - R_I [sigma], ``rot_i, rot_j (m, 3, 3)`` rotation matrices
    (columns = body axes), r_ab = |R_IJ + Q_J s_b - Q_I s_a|. Writes ``out (m,)``.
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
                partial += charges_j[t] * yukawa_site_pair(r, kappa)
            total += charges_i[s] * partial
        out[k] = bjerrum_length * total
