"""Orientation helpers: rotation matrices from quaternions, axis-angle and random draws.

Convention used by every anisotropic module of the package: the orientation of a rigid
body is a proper rotation matrix ``R (3, 3)`` that maps body-frame coordinates to the
lab frame, ``r_lab = R @ r_body``. Its **columns** are the body axes expressed in the
lab frame: ``R[:, 0] = x_hat``, ``R[:, 1] = y_hat``, ``R[:, 2] = z_hat`` (the
(x_hat_i, y_hat_i, z_hat_i) frame of Campos-Villalobos et al., npj Comput. Mater. 2024,
Fig. 1). This is also what ``scipy.spatial.transform.Rotation.as_matrix`` returns.

Quaternions are scalar-first, ``q = (w, x, y, z)``, and need not be normalised.

Units: dimensionless throughout (angles in radians).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "check_rotations",
    "random_rotation_matrices",
    "rotation_matrices_from_quaternions",
    "rotation_matrix_about_axis",
]


def rotation_matrices_from_quaternions(quaternions) -> np.ndarray:
    """Rotation matrices ``(m, 3, 3)`` of scalar-first quaternions ``(m, 4)`` (or ``(4,)``).

    R = [[1-2(y^2+z^2), 2(xy-wz), 2(xz+wy)], [2(xy+wz), 1-2(x^2+z^2), 2(yz-wx)],
         [2(xz-wy), 2(yz+wx), 1-2(x^2+y^2)]] after normalising q.
    """
    q = np.asarray(quaternions, dtype=np.float64)
    single = q.ndim == 1
    q = np.atleast_2d(q)
    if q.ndim != 2 or q.shape[1] != 4:
        raise ValueError(f"quaternions must have shape (m, 4) or (4,), got {np.shape(quaternions)}")
    norm = np.linalg.norm(q, axis=1)
    if not np.all(np.isfinite(norm)) or np.any(norm == 0.0):
        raise ValueError("quaternions must be finite and non-zero")
    w, x, y, z = (q / norm[:, None]).T
    rot = np.empty((q.shape[0], 3, 3))
    rot[:, 0, 0] = 1 - 2 * (y * y + z * z)
    rot[:, 0, 1] = 2 * (x * y - w * z)
    rot[:, 0, 2] = 2 * (x * z + w * y)
    rot[:, 1, 0] = 2 * (x * y + w * z)
    rot[:, 1, 1] = 1 - 2 * (x * x + z * z)
    rot[:, 1, 2] = 2 * (y * z - w * x)
    rot[:, 2, 0] = 2 * (x * z - w * y)
    rot[:, 2, 1] = 2 * (y * z + w * x)
    rot[:, 2, 2] = 1 - 2 * (x * x + y * y)
    return rot[0] if single else rot


def rotation_matrix_about_axis(axis, angle: float) -> np.ndarray:
    """Rotation matrix ``(3, 3)`` by ``angle`` [rad] about ``axis (3,)`` (right-hand rule)."""
    axis = np.asarray(axis, dtype=np.float64)
    if axis.shape != (3,) or not np.all(np.isfinite(axis)) or not np.any(axis):
        raise ValueError(f"axis must be a finite non-zero (3,) vector, got {axis!r}")
    half = 0.5 * float(angle)
    n = axis / np.linalg.norm(axis)
    return rotation_matrices_from_quaternions(np.r_[np.cos(half), np.sin(half) * n])


def random_rotation_matrices(rng: np.random.Generator, m: int) -> np.ndarray:
    """``m`` rotation matrices ``(m, 3, 3)`` uniform (Haar) on SO(3): normalised Gaussian quaternions."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if int(m) != m or m < 0:
        raise ValueError(f"m must be a non-negative integer, got {m!r}")
    if m == 0:
        return np.empty((0, 3, 3))
    return rotation_matrices_from_quaternions(rng.standard_normal((int(m), 4)))


def check_rotations(name: str, rotations, m: int | None = None, atol: float = 1e-6) -> np.ndarray:
    """Validate ``rotations (m, 3, 3)`` (proper, orthonormal within ``atol``); return a C-contiguous copy.

    A single ``(3, 3)`` matrix is broadcast to ``m`` copies when ``m`` is given.
    """
    rot = np.asarray(rotations, dtype=np.float64)
    if rot.shape == (3, 3) and m is not None:
        rot = np.broadcast_to(rot, (m, 3, 3))
    if rot.ndim != 3 or rot.shape[1:] != (3, 3):
        raise ValueError(f"{name} must have shape (m, 3, 3), got {np.shape(rotations)}")
    if m is not None and rot.shape[0] != m:
        raise ValueError(f"{name} must hold {m} rotation matrices, got {rot.shape[0]}")
    if not np.all(np.isfinite(rot)):
        raise ValueError(f"{name} contains NaN or inf")
    if rot.shape[0]:
        gram = np.einsum("mki,mkj->mij", rot, rot)
        err = np.abs(gram - np.eye(3)).max()
        if err > atol:
            raise ValueError(f"{name} are not orthonormal (max |R^T R - 1| = {err:.2e} > {atol})")
        det = np.linalg.det(rot)
        if np.any(det < 0):
            raise ValueError(f"{name} must be proper rotations (det = +1); "
                             f"{int(np.sum(det < 0))} have det = -1")
    return np.ascontiguousarray(rot)
