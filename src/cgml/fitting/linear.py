"""Weighted, optionally ridge-regularised linear least squares.

Solves  min_w  sum_r  W_r (b_r - c - A_r . w)^2 + ridge |w|^2  with an optional
intercept c (not penalised). For force matching with Eq. 7 of Giunta et al. (2023)
the intercept is off: a constant force is unphysical and the energy (Eq. 8) must
vanish at infinite dilution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LinearFit:
    """Coefficients ``coef (k,)``, ``intercept`` and training metrics."""

    coef: np.ndarray
    intercept: float
    rmse: float
    r2: float

    def predict(self, design) -> np.ndarray:
        return np.asarray(design, dtype=np.float64) @ self.coef + self.intercept


def rmse(target, prediction) -> float:
    target, prediction = np.asarray(target, float), np.asarray(prediction, float)
    return float(np.sqrt(np.mean((target - prediction) ** 2)))


def r2_score(target, prediction) -> float:
    """Coefficient of determination 1 - SSE/SST with SST about the target mean."""
    target, prediction = np.asarray(target, float), np.asarray(prediction, float)
    sst = float(np.sum((target - target.mean()) ** 2))
    if sst == 0.0:
        return float("nan")
    return 1.0 - float(np.sum((target - prediction) ** 2)) / sst


def fit_linear(design, target, weights=None, ridge: float = 0.0, intercept: bool = False) -> LinearFit:
    """Fit ``target (n,) ~ design (n, k) @ coef (+ intercept)``.

    Columns are scaled to unit (weighted) norm before the solve and the coefficients
    scaled back, so the fit does not depend on the units of a column: without this,
    lstsq's rank cutoff (relative to the largest singular value) silently drops a
    column that is tiny in absolute terms (a Gaussian symmetry function far from its
    centre, ~1e-27) although the stepwise selection, which normalises, found it useful.
    ``ridge`` penalises the unscaled coefficients, ridge * |coef|^2.
    Raises ValueError on shape mismatch, non-finite input or negative weights.
    """
    A = np.asarray(design, dtype=np.float64)
    b = np.asarray(target, dtype=np.float64)
    if A.ndim != 2 or b.ndim != 1 or A.shape[0] != b.shape[0]:
        raise ValueError(f"design (n, k) and target (n,) disagree: {A.shape} vs {b.shape}")
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(b))):
        raise ValueError("design or target contains NaN or inf")
    if ridge < 0:
        raise ValueError(f"ridge must be >= 0, got {ridge}")
    w = np.ones(len(b)) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != b.shape or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite, non-negative and of the shape of target")
    if not w.sum() > 0:
        raise ValueError("all weights are zero: nothing to fit")
    sw = np.sqrt(w)
    if intercept:
        wsum = w.sum()
        a_mean = (w[:, None] * A).sum(axis=0) / wsum
        b_mean = float((w * b).sum() / wsum)
        Ac, bc = A - a_mean, b - b_mean
    else:
        Ac, bc = A, b
    Aw, bw = Ac * sw[:, None], bc * sw
    k = A.shape[1]
    scale = np.linalg.norm(Aw, axis=0)
    scale[scale == 0.0] = 1.0
    Aw = Aw / scale
    if ridge > 0:
        Aw = np.vstack([Aw, np.diag(np.sqrt(ridge) / scale)])
        bw = np.concatenate([bw, np.zeros(k)])
    coef, *_ = np.linalg.lstsq(Aw, bw, rcond=None)
    coef = coef / scale
    c = float(b_mean - a_mean @ coef) if intercept else 0.0
    pred = A @ coef + c
    return LinearFit(coef=coef, intercept=c, rmse=rmse(b, pred), r2=r2_score(b, pred))
