"""Means and standard errors of correlated time series.

Two estimators of the standard error of the mean (sem) of a series whose leading axis
is time (trailing axes are independent components, all handled at once):

``block_average(series, n_blocks)``
    Splits the time axis into ``n_blocks`` equal contiguous blocks (dropping the
    remainder at the start) and returns sem = std(block means, ddof=1) / sqrt(n_blocks).
    Honest only when a block is much longer than the correlation time.

``blocking_average(series, confidence=0.99)``
    The Flyvbjerg-Petersen blocking transformation (J. Chem. Phys. 91, 461 (1989)):
    neighbouring samples are averaged pairwise, level after level; at level k the series
    has n_k samples with biased variance c_k and lag-one autocovariance gamma_k, and
    sem_k^2 = c_k / (n_k - 1) grows with k until the blocks are decorrelated. The plateau
    is chosen automatically by Jonsson's test (Phys. Rev. E 98, 043304 (2018)): the
    statistic M_k = sum_{j >= k} n_j (gamma_j / c_j)^2 is chi^2-distributed with
    (number of levels - k) degrees of freedom if the data from level k on are
    uncorrelated; the first level with M_k below the ``confidence`` quantile is used,
    and its sem^2 = c_k / (n_k - 1) (1 + 2 rho_k) with the lag-one correlation
    rho_k = gamma_k / c_k clipped to [0, 0.5] (what correlation is left at that level).
    A series with an odd number of samples at some level drops its oldest sample there.
    If no level passes (the series is shorter than a few correlation times), the last
    level with at least 2 samples is used: the error is then a lower bound.

``mean_and_sem(series, n_blocks)`` dispatches: ``n_blocks = "auto"`` -> blocking,
an integer -> fixed blocks. The mean is the plain mean of the samples the error is
taken from: the whole series for blocking, the blocks (without the dropped remainder at
the start) for fixed blocks.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2

AUTO = "auto"


def _as_series(series) -> np.ndarray:
    x = np.asarray(series, dtype=np.float64)
    if x.ndim == 0 or x.shape[0] < 2:
        raise ValueError("a time series needs at least two samples along axis 0")
    return x


def block_average(series, n_blocks: int = 10):
    """Return ``(mean, sem)`` over axis 0 of ``series (t, ...)`` from ``n_blocks`` blocks."""
    series = _as_series(series)
    n_blocks = int(min(n_blocks, series.shape[0]))
    if n_blocks < 2:
        raise ValueError(f"n_blocks must be >= 2, got {n_blocks}")
    length = series.shape[0] // n_blocks
    start = series.shape[0] - n_blocks * length
    blocks = series[start:].reshape((n_blocks, length) + series.shape[1:]).mean(axis=1)
    return series[start:].mean(axis=0), blocks.std(axis=0, ddof=1) / np.sqrt(n_blocks)


def blocking_levels(series):
    """Per blocking level k: ``(n_k, c_k, gamma_k)`` with ``c_k`` and ``gamma_k`` of shape
    ``series.shape[1:]`` (biased variance and lag-one autocovariance, see module doc)."""
    y = _as_series(series)
    levels = []
    while y.shape[0] >= 2:
        n = y.shape[0]
        d = y - y.mean(axis=0)
        levels.append((n, (d * d).mean(axis=0), (d[:-1] * d[1:]).sum(axis=0) / n))
        if n % 2:
            y = y[1:]
        y = 0.5 * (y[0::2] + y[1::2])
    return levels


def blocking_average(series, confidence: float = 0.99, return_level: bool = False):
    """Return ``(mean, sem)`` (and the chosen level per component with ``return_level``)
    by automated Flyvbjerg-Petersen blocking (module doc)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    x = _as_series(series)
    levels = blocking_levels(x)
    n = np.array([lv[0] for lv in levels], dtype=np.float64)
    c = np.stack([lv[1] for lv in levels])
    gamma = np.stack([lv[2] for lv in levels])
    with np.errstate(invalid="ignore", divide="ignore"):
        rho2 = np.where(c > 0.0, (gamma / np.where(c > 0.0, c, 1.0)) ** 2, 0.0)
    terms = rho2 * n.reshape((-1,) + (1,) * (x.ndim - 1))
    m_stat = np.cumsum(terms[::-1], axis=0)[::-1]
    dof = len(levels) - np.arange(len(levels))
    quantile = chi2.ppf(confidence, dof).reshape((-1,) + (1,) * (x.ndim - 1))
    passed = m_stat < quantile
    level = np.where(passed.any(axis=0), passed.argmax(axis=0), len(levels) - 1)
    var_k = np.take_along_axis(c, level[None, ...], axis=0)[0]
    gamma_k = np.take_along_axis(gamma, level[None, ...], axis=0)[0]
    n_k = n[level]
    with np.errstate(invalid="ignore", divide="ignore"):
        rho_k = np.clip(np.where(var_k > 0.0, gamma_k / np.where(var_k > 0.0, var_k, 1.0), 0.0),
                        0.0, 0.5)
    sem = np.sqrt(var_k / (n_k - 1.0) * (1.0 + 2.0 * rho_k))
    mean = x.mean(axis=0)
    return (mean, sem, level) if return_level else (mean, sem)


def mean_and_sem(series, n_blocks):
    """``(mean, sem)``: automated blocking for ``n_blocks == "auto"``, else fixed blocks."""
    if isinstance(n_blocks, str):
        if n_blocks != AUTO:
            raise ValueError(f"n_blocks must be an integer >= 2 or {AUTO!r}, got {n_blocks!r}")
        return blocking_average(series)
    return block_average(series, int(n_blocks))
