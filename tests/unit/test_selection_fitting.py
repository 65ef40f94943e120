"""Forward stepwise selection and the least-squares path."""

from __future__ import annotations

import numpy as np
import pytest

from cgml.fitting import fit_linear, r2_score
from cgml.selection import forward_stepwise, split_by_group


def planted(seed=0, n=800, m=120, support=(5, 17, 42, 77, 99), noise=1e-3):
    rng = np.random.default_rng(seed)
    # correlated candidate pool, as symmetry-function gradients are
    base = rng.normal(size=(n, m))
    X = base + 0.6 * np.roll(base, 1, axis=1)
    w = np.zeros(m)
    w[list(support)] = rng.uniform(0.5, 2.0, len(support)) * rng.choice([-1, 1], len(support))
    y = X @ w + noise * rng.normal(size=n)
    return X, y, w


def test_selection_recovers_a_planted_sparse_model():
    X, y, w = planted()
    result = forward_stepwise(X, y, max_features=30, min_gain=1e-6)
    assert set(result.selected) == {5, 17, 42, 77, 99}
    fit = fit_linear(X[:, result.selected], y)
    np.testing.assert_allclose(fit.coef, w[result.selected], atol=1e-3)


def test_each_step_picks_the_column_a_brute_force_greedy_search_picks():
    """Step k adds the column whose least-squares refit gives the largest R^2 (Eq. 33),
    checked by refitting every candidate; the trace's R^2 is that refit's."""
    X, y, _ = planted(seed=7, noise=0.5)  # a gain taken from the undeflated column norms
    result = forward_stepwise(X, y, max_features=10, min_gain=0.0)  # errs at step 6 here
    assert len(result.selected) == 10
    chosen: list[int] = []
    for k, pick in enumerate(result.selected):
        r2 = {j: fit_linear(X[:, chosen + [j]], y).r2 for j in range(X.shape[1]) if j not in chosen}
        assert r2[pick] >= max(r2.values()) - 1e-12, f"step {k + 1}"
        assert result.trace["r2_train"].iloc[k] == pytest.approx(r2[pick], abs=1e-12)
        chosen.append(int(pick))


def test_first_feature_maximises_squared_pearson_correlation_with_intercept():
    X, y, _ = planted(seed=5, noise=0.3)
    X = X + np.random.default_rng(1).normal(size=X.shape[1])  # offsets must not matter
    result = forward_stepwise(X, y, max_features=1, intercept=True)
    pearson = [np.corrcoef(X[:, j], y)[0, 1] ** 2 for j in range(X.shape[1])]
    assert result.selected[0] == int(np.argmax(pearson))
    assert result.trace["r2_train"].iloc[0] == pytest.approx(max(pearson), rel=1e-10)


def test_selection_stops_when_the_gain_is_negligible_and_skips_duplicates():
    X, y, _ = planted(seed=2)
    X = np.hstack([X, X[:, [5]]])  # an exact duplicate of a needed column
    result = forward_stepwise(X, y, max_features=60, min_gain=1e-4)
    assert len(result.selected) == 5
    assert not ({5, X.shape[1] - 1} <= set(result.selected))


def test_selection_never_picks_a_column_dependent_on_the_picked_ones_even_without_a_gain_stop():
    """min_gain = 0 (as the cross-validated size uses it): a rescaled copy and an exact
    linear combination of picked columns add nothing and must never be picked (either of
    two equivalent columns may come first); the selection ends when the 6 independent
    directions are used up."""
    rng = np.random.default_rng(12)
    X = rng.normal(size=(80, 6))
    y = X @ rng.normal(size=6) + rng.normal(0, 0.1, 80)
    X = np.hstack([X, 1e3 * X[:, [1]], X[:, [0]] + 2.0 * X[:, [2]]])
    result = forward_stepwise(X, y, max_features=8, min_gain=0.0)
    assert len(result.selected) == 6
    assert np.linalg.matrix_rank(X[:, result.selected]) == 6


def test_selection_names_why_it_stopped():
    X, y, _ = planted(seed=2)
    assert forward_stepwise(X, y, max_features=3, min_gain=1e-4).stop == "max_features"
    gain = forward_stepwise(X, y, max_features=60, min_gain=1e-4)
    assert (gain.stop, gain.gain_stop_size) == ("min_gain", 5)
    rng = np.random.default_rng(12)
    Z = rng.normal(size=(80, 4))
    z = Z @ rng.normal(size=4) + rng.normal(0, 0.1, 80)
    assert forward_stepwise(Z, z, max_features=8, min_gain=0.0).stop == "pool"
    dependent = forward_stepwise(np.hstack([Z, Z[:, [0]] - Z[:, [3]]]), z, max_features=8, min_gain=0.0)
    assert (dependent.stop, dependent.gain_stop_size) == ("independence", 4)
    weighted = forward_stepwise(X, y + rng.normal(0, 1.0, len(y)), max_features=60, min_gain=0.0,
                                weights=np.ones(len(y)), min_delta_chi2=9.0)
    assert weighted.stop == "min_delta_chi2"


@pytest.mark.parametrize("min_gain", [1e-4, 1e-6])
def test_probe_past_the_cap_finds_the_size_an_uncapped_selection_stops_at(min_gain):
    """A cap at a paper's N_s would make N_s the paper's by construction: the probe follows
    the greedy path past the cap without changing the capped picks, and ends where an
    uncapped run ends."""
    X, y, _ = planted(seed=3, noise=0.05)
    uncapped = forward_stepwise(X, y, max_features=120, min_gain=min_gain)
    assert uncapped.stop == "min_gain" and len(uncapped.selected) > 4
    capped = forward_stepwise(X, y, max_features=3, min_gain=min_gain, probe_features=120)
    assert capped.stop == "max_features" and len(capped.trace) == 3
    np.testing.assert_array_equal(capped.selected, uncapped.selected[:3])
    assert capped.gain_stop_size == len(uncapped.selected)
    short = forward_stepwise(X, y, max_features=3, min_gain=min_gain, probe_features=4)
    assert short.gain_stop_size is None  # the path goes on past the probe: unknown, not 4
    assert forward_stepwise(X, y, max_features=3, min_gain=min_gain).gain_stop_size is None
    with pytest.raises(ValueError, match="probe_features"):
        forward_stepwise(X, y, max_features=3, probe_features=2)


def test_group_split_keeps_configurations_together():
    groups = np.repeat(np.arange(50), 6)
    train, test = split_by_group(groups, 0.2, seed=4)
    assert test.sum() == 60
    for g in range(50):
        assert len(set(train[groups == g])) == 1


def test_test_rmse_is_reported_on_held_out_rows():
    X, y, _ = planted(seed=7, noise=0.1)
    groups = np.arange(len(y)) // 4
    train, test = split_by_group(groups, 0.25, seed=0)
    result = forward_stepwise(X, y, train=train, test=test, max_features=6)
    assert result.trace["rmse_test"].notna().all()
    assert result.trace["rmse_test"].iloc[-1] < result.trace["rmse_test"].iloc[0]


def test_fit_linear_weights_ridge_and_intercept():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(200, 3))
    b = A @ [1.0, -2.0, 0.5] + 3.0
    fit = fit_linear(A, b, intercept=True)
    np.testing.assert_allclose(fit.coef, [1.0, -2.0, 0.5], atol=1e-10)
    assert fit.intercept == pytest.approx(3.0)
    assert fit.r2 == pytest.approx(1.0)
    # zero weight on corrupted rows removes their influence
    b_bad = b.copy()
    b_bad[:20] += 100.0
    w = np.ones(200)
    w[:20] = 0.0
    np.testing.assert_allclose(fit_linear(A, b_bad, weights=w, intercept=True).coef, [1.0, -2.0, 0.5], atol=1e-10)
    # ridge shrinks toward zero
    assert np.linalg.norm(fit_linear(A, b, ridge=1e4).coef) < np.linalg.norm(fit_linear(A, b).coef)
    assert r2_score(b, b) == 1.0


@pytest.mark.parametrize("bad,match", [(dict(weights=-np.ones(5)), "weights"), (dict(ridge=-1.0), "ridge"),
                                       (dict(weights=np.array([np.nan, 1, 1, 1, 1])), "weights"),
                                       (dict(weights=np.zeros(5)), "all weights are zero")])
def test_fit_linear_rejects_bad_input(bad, match):
    with pytest.raises(ValueError, match=match):
        fit_linear(np.ones((5, 2)), np.ones(5), **bad)


def test_fit_linear_does_not_depend_on_column_units():
    """A column rescaled by 1e-27 (a Gaussian symmetry function far from its centre)
    gives the same predictions and a coefficient 1e27 larger; before equilibration
    lstsq's rank cutoff dropped it."""
    rng = np.random.default_rng(2)
    A = rng.normal(size=(50, 3))
    y = A @ np.array([1.0, -2.0, 0.5]) + rng.normal(0, 0.01, 50)
    ref = fit_linear(A, y)
    tiny = A.copy()
    tiny[:, 2] *= 1e-27
    fit = fit_linear(tiny, y, weights=np.full(50, 3.0))
    np.testing.assert_allclose(tiny @ fit.coef, A @ ref.coef, rtol=1e-9, atol=1e-12)
    assert fit.coef[2] == pytest.approx(ref.coef[2] * 1e27, rel=1e-9)
    # ridge still acts on the coefficients as given: a huge ridge shrinks all of them
    assert np.all(np.abs(fit_linear(A, y, ridge=1e12).coef) < 1e-6)


def test_ridge_equals_the_closed_form_on_the_coefficients_as_given():
    """min sum_r W_r (b_r - A_r.w)^2 + ridge |w|^2  ->  w = (A^T W A + ridge I)^-1 A^T W b,
    with columns of very different units (a penalty on rescaled columns would differ)."""
    rng = np.random.default_rng(6)
    A = rng.normal(size=(60, 4)) * [1.0, 10.0, 0.1, 3.0]
    b = A @ [0.5, -0.2, 4.0, 1.0] + rng.normal(0, 0.3, 60)
    w = rng.uniform(0.5, 2.0, 60)
    for ridge in (0.5, 40.0):
        expected = np.linalg.solve(A.T @ (w[:, None] * A) + ridge * np.eye(4), A.T @ (w * b))
        np.testing.assert_allclose(fit_linear(A, b, weights=w, ridge=ridge).coef, expected,
                                   rtol=1e-9)


def test_fit_linear_rejects_nan():
    A = np.ones((5, 2))
    A[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fit_linear(A, np.ones(5))


def test_weighted_selection_is_the_selection_of_the_rescaled_problem():
    """Weights w act as rows scaled by sqrt(w): same features, same weighted gains."""
    rng = np.random.default_rng(11)
    X = rng.normal(size=(300, 40))
    y = X[:, [3, 8, 21]] @ np.array([2.0, -1.0, 0.5]) + rng.normal(0, 0.1, 300)
    w = rng.uniform(0.1, 10.0, 300)
    weighted = forward_stepwise(X, y, max_features=6, min_gain=0.0, weights=w)
    sw = np.sqrt(w)
    # the rescaled problem has no intercept column; compare without one
    scaled = forward_stepwise(X * sw[:, None], y * sw, max_features=6, min_gain=0.0)
    np.testing.assert_array_equal(weighted.selected, scaled.selected)
    ybar = np.sum(w * y) / np.sum(w)
    sst_w, sst_s = np.sum(w * (y - ybar) ** 2), np.sum((y * sw - (y * sw).mean()) ** 2)
    # (the plain trace's first gain is the first fit's R^2, which without an intercept
    # also counts the target's mean; from the second step on both are criterion gains)
    np.testing.assert_allclose(weighted.trace["gain"][1:] * sst_w, scaled.trace["gain"][1:] * sst_s, rtol=1e-8)
    # unit weights change nothing
    plain = forward_stepwise(X, y, max_features=6, min_gain=0.0)
    ones = forward_stepwise(X, y, max_features=6, min_gain=0.0, weights=np.ones(300))
    np.testing.assert_array_equal(plain.selected, ones.selected)
    np.testing.assert_allclose(plain.trace["r2_train"], ones.trace["r2_train"], rtol=1e-12)


def test_delta_chi2_stop_keeps_the_signal_and_rejects_noise_features():
    """With honest inverse-variance weights, delta chi^2 of the first noise feature is
    chi^2_1-distributed (mean 1): a stop at 8 keeps the planted features, min_gain = 0
    goes on to fit noise."""
    rng = np.random.default_rng(5)
    n = 400
    X = rng.normal(size=(n, 30))
    sem = rng.uniform(0.05, 1.0, n)
    y = X[:, [2, 7, 19]] @ np.array([1.0, -0.6, 0.4]) + rng.normal(0.0, sem)
    w = 1.0 / sem**2
    chi = forward_stepwise(X, y, max_features=20, min_gain=0.0, weights=w, min_delta_chi2=8.0)
    assert sorted(chi.selected) == [2, 7, 19]
    assert np.all(chi.trace["delta_chi2"] >= 8.0)
    free = forward_stepwise(X, y, max_features=20, min_gain=0.0, weights=w)
    assert len(free.selected) == 20
    # the noise features' chi^2 drops average ~1 (27 candidates: their maximum is larger)
    assert np.median(free.trace["delta_chi2"].values[3:]) < 8.0
    with pytest.raises(ValueError, match="needs weights"):
        forward_stepwise(X, y, min_delta_chi2=8.0)


def test_cross_validated_size_finds_the_planted_model_size():
    """Grouped K-fold CV of the model size: held-out groups are predicted best by the
    planted two features; further features only fit the training noise."""
    from cgml.selection import cross_validated_size, one_standard_error_size

    rng = np.random.default_rng(8)
    n_groups, rows = 30, 6
    groups = np.repeat(np.arange(n_groups), rows)
    X = rng.normal(size=(n_groups * rows, 25))
    y = X[:, [4, 11]] @ np.array([1.0, 0.5]) + rng.normal(0.0, 0.5, len(groups))
    train = np.ones(len(y), bool)
    errors = cross_validated_size(X, y, groups=groups, train=train, n_features=10, n_folds=5, seed=1,
                                  min_gain=0.0)
    assert errors.shape == (5, 10)
    mean = errors.mean(axis=0)
    assert mean[0] > 1.5 * mean[1]  # the second planted feature matters on held-out groups
    assert one_standard_error_size(errors) == 2
    # the rule on a hand-made curve: minimum at 4, size 3 within one standard error of it
    curve = np.array([[9.0, 5.0, 3.1, 3.0, 3.2], [9.2, 5.2, 3.3, 2.8, 3.0], [8.8, 4.8, 2.9, 3.2, 3.4]])
    assert one_standard_error_size(curve) == 3
    with pytest.raises(ValueError, match="n_folds"):
        cross_validated_size(X, y, groups=groups, train=train, n_features=3, n_folds=40, seed=1)


def test_inverse_variance_weights_find_the_small_signal_under_noisy_rows():
    """Half the rows carry noise 100x larger: only the weighted selection finds the
    weak third feature; plain least squares is pulled by the noisy rows."""
    rng = np.random.default_rng(5)
    n = 400
    X = rng.normal(size=(n, 30))
    truth = X[:, 2] * 3.0 + X[:, 9] * 0.05
    sigma = np.where(np.arange(n) < n // 2, 10.0, 0.01)
    y = truth + rng.normal(size=n) * sigma
    weighted = forward_stepwise(X, y, max_features=2, min_gain=0.0, weights=1.0 / sigma**2)
    assert set(weighted.selected) == {2, 9}
    fit = fit_linear(X[:, weighted.selected], y, weights=1.0 / sigma**2)
    np.testing.assert_allclose(fit.coef[list(weighted.selected).index(9)], 0.05, atol=0.005)
    plain = forward_stepwise(X, y, max_features=2, min_gain=0.0)
    assert 9 not in plain.selected


def test_selection_refuses_features_that_are_all_zero():
    """A cutoff below every separation gives zero columns: no silent zero-feature model."""
    with pytest.raises(ValueError, match="all 3 feature columns are zero"):
        forward_stepwise(np.zeros((10, 3)), np.arange(10.0))


def test_selection_names_a_non_finite_feature_instead_of_dropping_it():
    """A NaN column used to count as inactive and was silently never selected."""
    X = np.random.default_rng(0).normal(size=(10, 3))
    y = X[:, 0].copy()
    X[3, 0] = np.nan
    with pytest.raises(ValueError, match="row 3, column 0 'a'"):
        forward_stepwise(X, y, labels=["a", "b", "c"])
    with pytest.raises(ValueError, match="row 3"):  # a NaN in a test row too
        forward_stepwise(X, y, train=np.arange(10) != 3, test=np.arange(10) == 3)
    y[5] = np.inf
    with pytest.raises(ValueError, match="target holds NaN or inf"):
        forward_stepwise(np.nan_to_num(X), y)
    # rows in neither set may hold anything
    X[3, 0] = 0.0
    X[7, 1], y[5] = np.nan, 1.0
    keep = np.arange(10) != 7
    assert forward_stepwise(X, y, train=keep).selected[0] == 0


@pytest.mark.parametrize("bad", [np.full(10, -1.0), np.full(9, 1.0), np.full(10, np.nan)])
def test_selection_rejects_bad_weights(bad):
    X = np.random.default_rng(0).normal(size=(10, 3))
    with pytest.raises(ValueError, match="weights"):
        forward_stepwise(X, X[:, 0], weights=bad)


def test_force_weights_follow_the_config():
    from cgml.papers.nanoparticles.pipeline import force_weights

    sem = np.array([[3.0, 0.0], [4.0, 1.0]])
    assert force_weights(sem, {"weighting": "none"}) is None
    assert force_weights(sem, {}) is None
    w = force_weights(sem, {"weighting": "inverse_variance", "sem_floor": 1.0})
    np.testing.assert_allclose(w, [0.1, 1.0, 1.0 / 17.0, 0.5])
    with pytest.raises(ValueError, match="selection.weighting"):
        force_weights(sem, {"weighting": "huber"})
    with pytest.raises(ValueError, match="forces_sem"):
        force_weights(None, {"weighting": "inverse_variance", "sem_floor": 1.0})


def test_group_split_never_holds_out_kept_groups():
    groups = np.repeat(np.arange(20), 6)
    for seed in range(30):
        train, test = split_by_group(groups, 0.25, seed, keep_in_train=[0, 19])
        held = set(np.unique(groups[test]))
        assert len(held) == 5 and not held & {0, 19}
        assert np.all(train[groups == 0]) and np.all(train[groups == 19])
