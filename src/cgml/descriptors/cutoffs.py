"""Cutoff functions f_c(r) of Behler-Parrinello symmetry functions, with their slopes.

Units: ``r`` and ``r_cut`` share any length unit (the nanoparticle paper uses the
core diameter sigma_c); ``fc`` is dimensionless and ``dfc_dr`` is [1/length].

Two forms, both identically zero for r >= r_cut:

``tanh3``  f_c(r) = tanh^3(1 - r/r_c)             Giunta et al., ACS Nano 2023, Eq. 22.
           Value, slope and curvature vanish at r_c.
``cosine`` f_c(r) = (cos(pi r/r_c) + 1) / 2       Behler, J. Chem. Phys. 134, 074106 (2011);
           the cutoff of DScribe's ACSF. Value and slope vanish at r_c.

Inside kernels a cutoff is chosen by an integer code (``CUTOFF_TANH3``,
``CUTOFF_COSINE``) passed to :func:`cutoff_value`; :func:`cutoff_code` maps the
public names to codes.
"""

from __future__ import annotations

import math

from numba import njit

CUTOFF_TANH3 = 0
CUTOFF_COSINE = 1
CUTOFF_CODES = {"tanh3": CUTOFF_TANH3, "cosine": CUTOFF_COSINE}


def cutoff_code(name: str) -> int:
    """Integer kernel code of the cutoff called ``name`` (``"tanh3"`` or ``"cosine"``)."""
    try:
        return CUTOFF_CODES[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown cutoff {name!r}; choose one of {sorted(CUTOFF_CODES)}") from None


@njit(cache=True)
def cutoff_tanh3(r, r_cut):
    """Return ``(fc, dfc_dr)`` of f_c = tanh^3(1 - r/r_c) for r < r_c, else ``(0, 0)``.

    dfc/dr = -3 t^2 (1 - t^2) / r_c with t = tanh(1 - r/r_c)   [1/length].
    """
    if r >= r_cut:
        return 0.0, 0.0
    t = math.tanh(1.0 - r / r_cut)
    t2 = t * t
    return t2 * t, -3.0 * t2 * (1.0 - t2) / r_cut


@njit(cache=True)
def cutoff_cosine(r, r_cut):
    """Return ``(fc, dfc_dr)`` of f_c = (cos(pi r/r_c) + 1)/2 for r < r_c, else ``(0, 0)``.

    dfc/dr = -(pi / (2 r_c)) sin(pi r/r_c)   [1/length].
    """
    if r >= r_cut:
        return 0.0, 0.0
    x = math.pi * r / r_cut
    return 0.5 * (math.cos(x) + 1.0), -0.5 * math.pi / r_cut * math.sin(x)


@njit(cache=True)
def cutoff_value(r, r_cut, code):
    """Dispatch on ``code``: ``(fc, dfc_dr)`` of the tanh3 (0) or cosine (1) cutoff."""
    if code == CUTOFF_COSINE:
        return cutoff_cosine(r, r_cut)
    return cutoff_tanh3(r, r_cut)
