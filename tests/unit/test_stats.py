"""Standard errors of correlated series against the exact AR(1) result.

For x_t = phi x_{t-1} + e_t with unit-variance white noise e_t, started in the stationary
state, the variance of the mean of n samples is exactly
    Var(mean) = [1 / (1 - phi^2)] [1 + 2 sum_{k=1}^{n-1} (1 - k/n) phi^k] / n.
Many independent series are generated at once (trailing axis), so the estimators are
checked in distribution: their root-mean-square sem against the exact one, and the
coverage of the 95% interval mean +- 1.96 sem.
"""

from __future__ import annotations

import numpy as np
import pytest

from cgml.analysis.stats import block_average, blocking_average, blocking_levels, mean_and_sem


def ar1(n: int, m: int, phi: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    e = rng.standard_normal((n, m))
    x = np.empty((n, m))
    x[0] = e[0] / np.sqrt(1.0 - phi**2)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + e[t]
    return x


def exact_sem(n: int, phi: float) -> float:
    k = np.arange(1, n)
    return float(np.sqrt((1.0 + 2.0 * np.sum((1.0 - k / n) * phi**k)) / (1.0 - phi**2) / n))


@pytest.mark.parametrize("phi, n", [(0.0, 4096), (0.5, 2500), (0.9, 4096), (0.99, 32768)])
def test_blocking_sem_matches_the_exact_ar1_error(phi, n):
    x = ar1(n, 400, phi, seed=1)
    mean, sem = blocking_average(x)
    exact = exact_sem(n, phi)
    assert np.sqrt(np.mean(sem**2)) == pytest.approx(exact, rel=0.06)
    coverage = np.mean(np.abs(mean) < 1.96 * sem)
    assert 0.91 <= coverage <= 0.98


def test_fixed_blocks_shorter_than_the_correlation_time_underestimate_but_blocking_does_not():
    n, phi = 32768, 0.99                       # integrated correlation time ~ 100 samples
    x = ar1(n, 200, phi, seed=2)
    exact = exact_sem(n, phi)
    _, sem_short_blocks = block_average(x, 512)    # blocks of 64 samples
    _, sem_blocking = blocking_average(x)
    assert np.sqrt(np.mean(sem_short_blocks**2)) < 0.8 * exact
    assert np.sqrt(np.mean(sem_blocking**2)) == pytest.approx(exact, rel=0.06)


def test_white_noise_is_accepted_at_the_first_level():
    x = np.random.default_rng(3).standard_normal((4096, 300))
    _, sem, level = blocking_average(x, return_level=True)
    assert np.mean(level == 0) > 0.95
    assert np.sqrt(np.mean(sem**2)) == pytest.approx(1.0 / 64.0, rel=0.03)


def test_blocking_levels_halve_the_series_and_drop_the_oldest_odd_sample():
    x = np.arange(11.0)
    levels = blocking_levels(x)
    assert [lv[0] for lv in levels] == [11, 5, 2]
    # level 1 averages (1,2), (3,4), ..., (9,10): the first sample is dropped
    assert levels[1][1] == pytest.approx(np.var([1.5, 3.5, 5.5, 7.5, 9.5]))


def test_constant_series_has_zero_error_and_no_nan():
    mean, sem = blocking_average(np.full((64, 3), 2.5))
    np.testing.assert_array_equal(mean, 2.5)
    np.testing.assert_array_equal(sem, 0.0)


def test_mean_and_sem_dispatches_and_names_a_bad_value():
    x = ar1(1024, 2, 0.5, seed=4)
    np.testing.assert_array_equal(mean_and_sem(x, "auto")[1], blocking_average(x)[1])
    np.testing.assert_array_equal(mean_and_sem(x, 8)[1], block_average(x, 8)[1])
    with pytest.raises(ValueError, match="'many'"):
        mean_and_sem(x, "many")
    with pytest.raises(ValueError):
        blocking_average(np.ones(1))
