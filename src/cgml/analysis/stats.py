"""Block averages for correlated time series.

``block_average(series, n_blocks)`` splits the leading (time) axis into
``n_blocks`` equal contiguous blocks (dropping the remainder at the start) and
returns the mean and the standard error of the mean estimated from the block means,
sem = std(block means, ddof=1) / sqrt(n_blocks) (Flyvbjerg & Petersen 1989).
"""

from __future__ import annotations

import numpy as np


def block_average(series, n_blocks: int = 10):
    """Return ``(mean, sem)`` over axis 0 of ``series (t, ...)``."""
    series = np.asarray(series, dtype=np.float64)
    if series.ndim == 0 or series.shape[0] < 2:
        raise ValueError("block_average needs at least two samples along axis 0")
    n_blocks = int(min(n_blocks, series.shape[0]))
    if n_blocks < 2:
        raise ValueError(f"n_blocks must be >= 2, got {n_blocks}")
    length = series.shape[0] // n_blocks
    start = series.shape[0] - n_blocks * length
    blocks = series[start:].reshape((n_blocks, length) + series.shape[1:]).mean(axis=1)
    return blocks.mean(axis=0), blocks.std(axis=0, ddof=1) / np.sqrt(n_blocks)
