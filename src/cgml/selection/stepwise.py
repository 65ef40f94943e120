"""Forward stepwise selection by the increase of R^2 (Boattini et al., J. Chem. Phys. 153,
064902 (2020); Giunta et al., ACS Nano 2023, Eqs. 32-33; Campos-Villalobos et al. 2024, Eqs. 18-19).

The first feature maximises the squared Pearson correlation with the target; each
further feature maximises the increase of the coefficient of multiple correlation
R^2 = c^T R^-1 c (Eq. 33). As the paper recommends for numerical stability, R^2 is
computed as the fraction of variance explained by the least-squares fit of the
target on the selected features. Both are the same number; we evaluate it by
Gram-Schmidt orthogonalisation of the candidate columns against the selected
ones, so the R^2 of every candidate fit at a step costs one dot product:

    R^2(S + j) - R^2(S) = (x_j_perp . r_S)^2 / (|x_j_perp|^2 SST)

where r_S is the residual of the current fit and x_j_perp the part of candidate j
orthogonal to the span of S. With ``intercept=True`` features and target are
centred first (the paper's Pearson form); force matching uses ``intercept=False``
so that the model has no constant (Eq. 8 must vanish at infinite dilution), and
SST stays the variance about the mean in both cases.

With ``weights`` (one per row, e.g. inverse variances of the targets) the same
criterion is applied to the weighted problem, rows scaled by sqrt(w), with a weighted
SST: generalised least squares for targets of unequal precision. The trace still
reports the plain (unweighted) R^2 and RMSE of the weighted fit, the numbers a paper's
table compares; its ``gain`` column is the weighted criterion's.

Selection stops at ``max_features``, when the gain in R^2 falls below ``min_gain``,
or when no candidate is linearly independent of the selected set; the result names
which (``stop``). A cap set to a paper's N_s makes N_s equal the paper's by construction,
so ``probe_features`` lets the greedy path run on past the cap, without fits or trace
rows, to the size where the gain criterion itself would stop (``gain_stop_size``): the
first ``max_features`` picks of a greedy path do not depend on how far it runs. With weights that
are inverse variances of the targets, the weighted gain times the weighted SST is the
drop of chi^2 the next feature buys; ``min_delta_chi2`` stops the selection when that
drop is one that noise alone would give (a feature fitting pure noise lowers chi^2 by
1 on average, chi^2 with one degree of freedom), instead of a fixed fraction of R^2. Each step's
train R^2 and train/test RMSE come from :func:`cgml.fitting.fit_linear`, the
package's one least-squares path, and are written to the trace.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cgml.fitting import fit_linear, r2_score, rmse


@dataclass(frozen=True)
class SelectionResult:
    """``selected (s,)`` column indices in selection order and the ``trace`` DataFrame
    (columns: step, feature, label, r2_train, gain, delta_chi2 (weighted fits; NaN
    otherwise), rmse_train, rmse_test, r2_test).

    ``stop``: why the selection ended: ``"max_features"``, ``"min_gain"``,
    ``"min_delta_chi2"``, ``"independence"`` (no candidate independent of the selected
    set) or ``"pool"`` (every column selected). ``gain_stop_size``: the number of columns
    at which the gain criteria (``min_gain``, ``min_delta_chi2``, independence, pool)
    end the greedy path, i.e. the size without the ``max_features`` cap; None when the
    path was not followed past the cap (``probe_features``) far enough to reach it.
    """

    selected: np.ndarray
    trace: pd.DataFrame
    stop: str = "max_features"
    gain_stop_size: int | None = None


def split_by_group(groups, test_fraction: float, seed: int, keep_in_train=()):
    """Split rows into train/test masks keeping rows of one group (configuration) together.

    ``keep_in_train``: groups never held out (e.g. the ends of a one-dimensional data set,
    so that the test set measures interpolation, not extrapolation past the data).
    ``test_fraction`` is of all groups.
    """
    groups = np.asarray(groups)
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie in [0, 1), got {test_fraction}")
    unique = np.unique(groups)
    rng = np.random.default_rng(seed)
    n_test = int(round(test_fraction * len(unique)))
    candidates = np.setdiff1d(unique, np.asarray(keep_in_train, dtype=unique.dtype))
    n_test = min(n_test, len(candidates))
    test_groups = rng.choice(candidates, size=n_test, replace=False) if n_test else np.array([], groups.dtype)
    test = np.isin(groups, test_groups)
    return ~test, test


def forward_stepwise(features, target, *, train=None, test=None, max_features: int = 50,
                     min_gain: float = 1e-5, intercept: bool = False, labels=None,
                     tolerance: float = 1e-10, weights=None,
                     min_delta_chi2: float | None = None,
                     probe_features: int | None = None) -> SelectionResult:
    """Select columns of ``features (n, m)`` that best explain ``target (n,)``.

    ``train``/``test`` are boolean row masks (default: all rows train, no test);
    ``weights (n,)`` non-negative row weights (default: all 1); ``min_delta_chi2``
    (needs ``weights``, inverse variances): stop when the next feature lowers the
    weighted sum of squared residuals by less than this. ``probe_features``
    (>= ``max_features``): when the cap ends the selection, follow the greedy path on
    to at most this many columns to find :attr:`SelectionResult.gain_stop_size`.
    """
    X = np.asarray(features, dtype=np.float64)
    y = np.asarray(target, dtype=np.float64)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"features (n, m) and target (n,) disagree: {X.shape} vs {y.shape}")
    n, m = X.shape
    train = np.ones(n, bool) if train is None else np.asarray(train, bool)
    test = np.zeros(n, bool) if test is None else np.asarray(test, bool)
    if labels is None:
        labels = [f"f{j}" for j in range(m)]
    if len(labels) != m:
        raise ValueError(f"{len(labels)} labels for {m} features")
    if max_features < 1:
        raise ValueError(f"max_features must be >= 1, got {max_features}")
    if probe_features is not None and probe_features < max_features:
        raise ValueError(f"probe_features ({probe_features}) must be >= max_features ({max_features})")

    used = train | test
    if train.shape != (n,) or test.shape != (n,):
        raise ValueError(f"train and test must be boolean masks of the {n} rows")
    bad = ~np.isfinite(X) & used[:, None]
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(f"features hold NaN or inf ({int(bad.sum())} entries; first at row {row}, "
                         f"column {col} '{labels[col]}')")
    if not np.all(np.isfinite(y[used])):
        raise ValueError(f"target holds NaN or inf (first at row {int(np.flatnonzero(~np.isfinite(y) & used)[0])})")
    if min_delta_chi2 is not None and weights is None:
        raise ValueError("min_delta_chi2 needs weights (inverse variances of the targets)")
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(f"weights must be {n} finite non-negative numbers")
    Xt, yt, wt = X[train], y[train], w[train]
    if not wt.sum() > 0:
        raise ValueError("all training rows have zero weight")
    sw = np.sqrt(wt)
    y_mean = float(np.sum(wt * yt) / np.sum(wt))
    sst = float(np.sum(wt * (yt - y_mean) ** 2))
    if sst == 0.0:
        raise ValueError("target has zero variance on the training rows")
    if intercept:
        x_mean = (wt[:, None] * Xt).sum(axis=0) / wt.sum()
        Xw = (Xt - x_mean) * sw[:, None]
        r = (yt - y_mean) * sw
    else:
        Xw = Xt * sw[:, None]
        r = yt * sw
    norms0 = np.sum(Xw * Xw, axis=0)
    active = norms0 > 0
    if not active.any():
        raise ValueError(f"all {m} feature columns are {'constant' if intercept else 'zero'} on the "
                         f"training rows: nothing to select (a descriptor cutoff shorter than every "
                         f"separation in the data?)")
    selected: list[int] = []
    rows = []
    r2_prev = 0.0

    def next_pick(step):
        """(column, gain, squared norm) of the next greedy pick, or (None, reason, None)
        when the criteria stop."""
        if step >= m:
            return None, "pool", None
        norms = np.sum(Xw * Xw, axis=0)
        ok = active & (norms > tolerance * np.maximum(norms0, 1e-300))
        if not np.any(ok):
            return None, "independence", None
        proj = Xw.T @ r
        gains = np.where(ok, proj * proj / np.where(ok, norms, 1.0), -np.inf) / sst
        j = int(np.argmax(gains))
        gain = float(gains[j])
        if step > 0 and gain < min_gain:
            return None, "min_gain", None
        if step > 0 and min_delta_chi2 is not None and gain * sst < min_delta_chi2:
            return None, "min_delta_chi2", None
        return j, gain, float(norms[j])

    def take(j, norm):
        """Orthogonalise the residual and the candidates against column j (squared norm ``norm``)."""
        nonlocal r, Xw
        q = Xw[:, j] / np.sqrt(norm)
        r = r - q * (q @ r)
        Xw -= np.outer(q, q @ Xw)
        active[j] = False

    stop = "max_features"
    for step in range(max_features):
        j, gain, norm = next_pick(step)
        if j is None:
            stop = gain
            break
        take(j, norm)
        selected.append(j)
        fit = fit_linear(Xt[:, selected], yt, weights=None if weights is None else wt, intercept=intercept)
        row = {"step": step + 1, "feature": j, "label": labels[j], "r2_train": fit.r2,
               "gain": gain if weights is not None else fit.r2 - r2_prev, "rmse_train": fit.rmse,
               "delta_chi2": gain * sst if weights is not None else float("nan")}
        if np.any(test):
            pred = fit.predict(X[test][:, selected])
            row["rmse_test"] = rmse(y[test], pred)
            row["r2_test"] = r2_score(y[test], pred)
        else:
            row["rmse_test"] = float("nan")
            row["r2_test"] = float("nan")
        r2_prev = fit.r2
        rows.append(row)
    else:
        if len(selected) == m:
            stop = "pool"
    gain_stop_size = None if stop == "max_features" else len(selected)
    if stop == "max_features" and probe_features is not None:
        size = len(selected)
        while size < probe_features:
            j, _, norm = next_pick(size)
            if j is None:
                gain_stop_size = size
                break
            take(j, norm)
            size += 1
        else:
            if next_pick(size)[0] is None:  # the criteria end the path exactly at the probe limit
                gain_stop_size = size
    trace = pd.DataFrame(rows, columns=["step", "feature", "label", "r2_train", "gain", "delta_chi2",
                                        "rmse_train", "rmse_test", "r2_test"])
    return SelectionResult(np.asarray(selected, np.int64), trace, stop, gain_stop_size)


def cross_validated_size(features, target, *, groups, train, n_features: int, n_folds: int, seed: int,
                         weights=None, keep_in_train=(), **selection) -> np.ndarray:
    """Grouped K-fold cross-validation of the model size on the training rows.

    The training groups (configurations; those in ``keep_in_train`` are never held out)
    are split into ``n_folds`` folds; for each, :func:`forward_stepwise` (``selection``
    keywords, ``weights``) runs on the other folds and the first m = 1 .. ``n_features``
    selected columns are fitted and predict the held-out fold (a fold whose selection
    stopped earlier keeps all it selected). Returns ``(n_folds, n_features)``: the
    weighted mean squared held-out error of each fold and size. Pick the size with
    :func:`one_standard_error_size`.
    """
    X = np.asarray(features, dtype=np.float64)
    y = np.asarray(target, dtype=np.float64)
    groups = np.asarray(groups)
    train = np.asarray(train, bool)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    candidates = np.setdiff1d(np.unique(groups[train]), np.asarray(keep_in_train, dtype=groups.dtype))
    if n_folds < 2 or len(candidates) < n_folds:
        raise ValueError(f"need 2 <= n_folds <= {len(candidates)} groups that can be held out, got {n_folds}")
    rng = np.random.default_rng(seed)
    folds = np.array_split(rng.permutation(candidates), n_folds)
    errors = np.zeros((n_folds, n_features))
    for f, hold in enumerate(folds):
        held = np.isin(groups, hold) & train
        fit_rows = train & ~held
        res = forward_stepwise(X, y, train=fit_rows, max_features=n_features, weights=weights, **selection)
        for m in range(1, n_features + 1):
            cols = res.selected[:m]
            fit = fit_linear(X[fit_rows][:, cols], y[fit_rows], weights=None if weights is None else w[fit_rows])
            resid = y[held] - X[held][:, cols] @ fit.coef
            errors[f, m - 1] = float(np.sum(w[held] * resid**2) / np.sum(w[held]))
    return errors


def one_standard_error_size(errors) -> int:
    """The smallest model size whose mean CV error lies within one standard error of the
    best size's (the one-standard-error rule: the CV minimum itself is noisy, and a
    flat curve beyond the true size should not add functions). ``errors (n_folds,
    n_sizes)`` from :func:`cross_validated_size`; returns a size in 1 .. n_sizes.
    """
    errors = np.asarray(errors, dtype=np.float64)
    mean = errors.mean(axis=0)
    sem = errors.std(axis=0, ddof=1) / np.sqrt(errors.shape[0])
    best = int(np.argmin(mean))
    return int(np.argmax(mean <= mean[best] + sem[best])) + 1
