"""Hard spherocylinders: Vega-Lago segment distance, overlap test and contact distance.

A spherocylinder of cylinder length L and diameter sigma (total length L + sigma) is the
set of points within sigma/2 of its axis segment {R + l u, |l| <= L/2}. Two of them
overlap iff the minimum distance d_m between their axis segments is below sigma
(C. Vega and S. Lago, "A fast algorithm to evaluate the shortest distance between rods",
Computers Chem. 18, 55 (1994)).

The contact distance sigma_s(Omega_I, Omega_J, Omega_IJ) of Campos-Villalobos,
Subert, Giunta and Dijkstra, npj Comput. Mater. 2024 (Fig. 6 and Methods, "Contact
function of hard spherocylinders", L/sigma = 4) is the centre-to-centre distance t at
which d_m(t R_hat_IJ) = sigma. The paper finds it by displacing particle J in fine steps
until d_m = D; here d_m(t) is shown to be convex and non-decreasing in t (distance of
t R_hat from the convex set {l u_I - m u_J}), so the root is unique and is bisected to
``tol`` (default 1e-12 sigma) instead.

Conventions: separations are R_IJ = R_J - R_I (from I to J); directions are unit axis
vectors (for a rotation matrix: its third column, the body z axis).

Units: any length unit; all lengths (separations, ``length``, ``diameter``, results)
share it. The paper uses sigma = 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cgml.geometry import _kernels as K

__all__ = [
    "SegmentDistanceResult",
    "segment_distance",
    "spherocylinder_contact_distance",
    "spherocylinder_overlap",
]


def _vectors(name: str, values, m: int | None = None) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape == (3,) and m is not None:
        arr = np.broadcast_to(arr, (m, 3))
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"{name} must have shape (m, 3), got {np.shape(values)}")
    if m is not None and arr.shape[0] != m:
        raise ValueError(f"{name} must hold {m} vectors, got {arr.shape[0]}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    return np.ascontiguousarray(arr)


def _units(name: str, values, m: int | None = None) -> np.ndarray:
    arr = _vectors(name, values, m)
    norm = np.linalg.norm(arr, axis=1)
    if np.any(np.abs(norm - 1.0) > 1e-6):
        raise ValueError(f"{name} must be unit vectors (| |u| - 1 | <= 1e-6), "
                         f"got norms in [{norm.min():.6g}, {norm.max():.6g}]")
    return np.ascontiguousarray(arr / norm[:, None])


def _length(name: str, value, allow_zero: bool) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(x) or x < 0.0 or (x == 0.0 and not allow_zero):
        raise ValueError(f"{name} must be a {'non-negative' if allow_zero else 'positive'} "
                         f"finite length, got {value!r}")
    return x


@dataclass(frozen=True, eq=False)
class SegmentDistanceResult:
    """Minimum distances between pairs of segments.

    ``distances (m,)`` [length]; ``lambda_i (m,)``, ``lambda_j (m,)`` [length]: the
    closest points are ``c_i + lambda_i u_i`` and ``c_j + lambda_j u_j``.
    """

    distances: np.ndarray
    lambda_i: np.ndarray
    lambda_j: np.ndarray


def segment_distance(centres_i, directions_i, centres_j, directions_j, half_length_i: float,
                     half_length_j: float | None = None) -> SegmentDistanceResult:
    """Vega-Lago minimum distance between segments {c + l u, |l| <= h} (Vega & Lago 1994).

    Parameters
    ----------
    centres_i, centres_j : (m, 3) or (3,) [length]
    directions_i, directions_j : (m, 3) or (3,) unit vectors
    half_length_i : float [length]; half_length_j : float [length], defaults to
        ``half_length_i`` (the spherocylinder case L_i = L_j).
    """
    c_i = np.asarray(centres_i, dtype=np.float64)
    m = c_i.shape[0] if c_i.ndim == 2 else None
    if m is None:
        c_j = np.asarray(centres_j, dtype=np.float64)
        m = c_j.shape[0] if c_j.ndim == 2 else 1
    c_i = _vectors("centres_i", centres_i, m)
    c_j = _vectors("centres_j", centres_j, m)
    u_i = _units("directions_i", directions_i, m)
    u_j = _units("directions_j", directions_j, m)
    h_i = _length("half_length_i", half_length_i, allow_zero=True)
    h_j = h_i if half_length_j is None else _length("half_length_j", half_length_j, True)
    dist = np.empty(m)
    lam = np.empty(m)
    mu = np.empty(m)
    K.segment_distances(np.ascontiguousarray(c_j - c_i), u_i, u_j, h_i, h_j, dist, lam, mu)
    return SegmentDistanceResult(dist, lam, mu)


def spherocylinder_overlap(separations, directions_i, directions_j, length: float,
                           diameter: float) -> np.ndarray:
    """Hard-spherocylinder overlap test: ``d_m(R_IJ) < diameter`` -> ``bool (m,)``.

    ``separations (m, 3)`` R_IJ = R_J - R_I [length]; ``directions_i, directions_j``
    (m, 3) or (3,) unit axes; ``length`` L (cylinder length, excluding the caps) and
    ``diameter`` sigma [length].
    """
    r = _vectors("separations", separations)
    m = r.shape[0]
    u_i = _units("directions_i", directions_i, m)
    u_j = _units("directions_j", directions_j, m)
    h = 0.5 * _length("length", length, allow_zero=True)
    d = _length("diameter", diameter, allow_zero=False)
    dist = np.empty(m)
    lam = np.empty(m)
    mu = np.empty(m)
    K.segment_distances(r, u_i, u_j, h, h, dist, lam, mu)
    return dist < d


def spherocylinder_contact_distance(directions_i, directions_j, unit_separations,
                                    length: float, diameter: float,
                                    tol: float = 1e-12) -> np.ndarray:
    """Contact distance sigma_s(Omega_I, Omega_J, Omega_IJ) of two spherocylinders, ``(m,)``.

    The centre-to-centre distance t along ``unit_separations`` (R_hat_IJ, (m, 3)) at which
    the Vega-Lago segment distance equals ``diameter``; sigma <= t <= L + sigma. Exact
    limits: parallel side by side -> sigma; collinear end to end -> L + sigma; crossed
    at right angles along the common normal -> sigma. ``tol`` [length] is the bisection
    bracket width.
    """
    rhat = _units("unit_separations", unit_separations)
    m = rhat.shape[0]
    u_i = _units("directions_i", directions_i, m)
    u_j = _units("directions_j", directions_j, m)
    h = 0.5 * _length("length", length, allow_zero=True)
    d = _length("diameter", diameter, allow_zero=False)
    tol = _length("tol", tol, allow_zero=False)
    out = np.empty(m)
    K.spherocylinder_contacts(u_i, u_j, rhat, h, d, tol, out)
    return out
