"""Hard ellipsoids: Perram-Wertheim contact function, exact overlap test, contact distance.

Ellipsoid A with centre r_A, orientation Q_A (columns = body axes) and semi-axes
(a_1, a_2, a_3) along its body x, y, z axes is {x : (x - r_A)^T A (x - r_A) <= 1},
A = Q_A diag(a_k^-2) Q_A^T. Perram and Wertheim (J. Comput. Phys. 58, 409 (1985)) define

    F(lambda) = lambda (1 - lambda) r^T [(1 - lambda) A^{-1} + lambda B^{-1}]^{-1} r,
    r = r_B - r_A,  lambda in [0, 1],

and prove that F is concave with a unique maximum F_max on [0, 1] and that the
ellipsoids overlap iff F_max < 1, touch iff F_max = 1 and are disjoint iff F_max > 1.
The maximiser is found by bisection on dF/dlambda (see
:func:`cgml.geometry._kernels.pw_contact_function`), robust for any aspect ratio.

Because F is quadratic in r, F_max(t r_hat) = t^2 F_max(r_hat): the contact distance
along a direction is exactly sigma_c = F_max(r_hat)^(-1/2), no root search needed.

The ellipsoidal patchy particles of Campos-Villalobos et al., npj Comput. Mater. 2024
(EJC, EIPC) are prolate spheroids with sigma_par = 2 sigma_perp, i.e. semi-axes
(sigma_perp/2, sigma_perp/2, sigma_perp) with the long axis along body z
(:func:`prolate_semi_axes`). The paper's "simple collision detection algorithm" used to
discard overlapping configurations is not specified; this exact test replaces it.

Conventions: separations are R_IJ = R_J - R_I. Units: any length unit shared by
separations and semi-axes (sigma_perp in the paper); F is dimensionless.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cgml.geometry import _kernels as K
from cgml.geometry.rotations import check_rotations
from cgml.geometry.spherocylinder import _units, _vectors

__all__ = [
    "PerramWertheimResult",
    "ellipsoid_contact_distance",
    "ellipsoid_overlap",
    "perram_wertheim",
    "prolate_semi_axes",
]


def prolate_semi_axes(sigma_perp: float = 1.0, aspect_ratio: float = 2.0) -> np.ndarray:
    """Semi-axes ``(3,)`` of a spheroid with sigma_par = aspect_ratio * sigma_perp along body z.

    Returns (sigma_perp/2, sigma_perp/2, aspect_ratio sigma_perp/2) [length]; the paper's
    ellipsoids have aspect_ratio = 2 (prolate); aspect_ratio < 1 gives oblate spheroids.
    """
    sigma_perp = float(sigma_perp)
    aspect_ratio = float(aspect_ratio)
    if not (np.isfinite(sigma_perp) and sigma_perp > 0):
        raise ValueError(f"sigma_perp must be a positive length, got {sigma_perp}")
    if not (np.isfinite(aspect_ratio) and aspect_ratio > 0):
        raise ValueError(f"aspect_ratio must be positive, got {aspect_ratio}")
    half = 0.5 * sigma_perp
    return np.array([half, half, aspect_ratio * half])


def _semi_axes(name: str, values) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape != (3,) or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name} must be three positive finite lengths, got {values!r}")
    return arr


def _inverse_shape_matrices(rotations, semi_axes) -> np.ndarray:
    """A^{-1} = Q diag(a_k^2) Q^T for each rotation, ``(m, 3, 3)`` [length^2]."""
    return np.ascontiguousarray(np.einsum("mik,k,mjk->mij", rotations, semi_axes ** 2, rotations))


@dataclass(frozen=True, eq=False)
class PerramWertheimResult:
    """Maximum of the Perram-Wertheim contact function for each pair.

    ``contact_function (m,)``: F_max (dimensionless, < 1 overlap, 1 contact, > 1 apart);
    ``lam (m,)``: the maximiser lambda* in [0, 1].
    """

    contact_function: np.ndarray
    lam: np.ndarray

    @property
    def overlap(self) -> np.ndarray:
        """``bool (m,)``: F_max < 1."""
        return self.contact_function < 1.0


def _prepare(vectors_name, vectors, rotations_i, rotations_j, semi_axes_i, semi_axes_j, unit):
    r = _units(vectors_name, vectors) if unit else _vectors(vectors_name, vectors)
    m = r.shape[0]
    rot_i = check_rotations("rotations_i", rotations_i, m)
    rot_j = check_rotations("rotations_j", rotations_j, m)
    ax_i = _semi_axes("semi_axes_i", semi_axes_i)
    ax_j = ax_i if semi_axes_j is None else _semi_axes("semi_axes_j", semi_axes_j)
    return r, _inverse_shape_matrices(rot_i, ax_i), _inverse_shape_matrices(rot_j, ax_j)


def perram_wertheim(separations, rotations_i, rotations_j, semi_axes_i,
                    semi_axes_j=None, tol: float = 1e-15) -> PerramWertheimResult:
    """F_max of the Perram-Wertheim contact function for pairs of ellipsoids.

    Parameters
    ----------
    separations : (m, 3) [length], R_IJ = R_J - R_I.
    rotations_i, rotations_j : (m, 3, 3) or (3, 3) rotation matrices (columns = body axes).
    semi_axes_i : (3,) [length] along body x, y, z; ``semi_axes_j`` defaults to it.
    tol : bisection bracket width in lambda.
    """
    r, a_inv, b_inv = _prepare("separations", separations, rotations_i, rotations_j,
                               semi_axes_i, semi_axes_j, unit=False)
    if not (0.0 < tol < 1e-3):
        raise ValueError(f"tol must lie in (0, 1e-3), got {tol}")
    m = r.shape[0]
    f = np.empty(m)
    lam = np.empty(m)
    K.pw_contact_functions(r, a_inv, b_inv, float(tol), f, lam)
    return PerramWertheimResult(f, lam)


def ellipsoid_overlap(separations, rotations_i, rotations_j, semi_axes_i,
                      semi_axes_j=None) -> np.ndarray:
    """Exact ellipsoid overlap test (Perram & Wertheim 1985): ``bool (m,)``, F_max < 1."""
    return perram_wertheim(separations, rotations_i, rotations_j, semi_axes_i,
                           semi_axes_j).overlap


def ellipsoid_contact_distance(unit_separations, rotations_i, rotations_j, semi_axes_i,
                               semi_axes_j=None) -> np.ndarray:
    """Centre-to-centre contact distance along ``unit_separations (m, 3)``: F_max(r_hat)^(-1/2).

    For the paper's prolate ellipsoids (semi-axes sigma_perp/2, sigma_perp/2, sigma_perp):
    side by side -> sigma_perp, end to end -> sigma_par = 2 sigma_perp, T shape (one
    long axis along r_hat) -> 1.5 sigma_perp.
    """
    r, a_inv, b_inv = _prepare("unit_separations", unit_separations, rotations_i, rotations_j,
                               semi_axes_i, semi_axes_j, unit=True)
    m = r.shape[0]
    f = np.empty(m)
    lam = np.empty(m)
    K.pw_contact_functions(r, a_inv, b_inv, 1e-15, f, lam)
    return 1.0 / np.sqrt(f)
