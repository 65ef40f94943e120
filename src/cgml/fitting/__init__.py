"""Linear least squares, the one fitting path of the package (torch models live elsewhere).

Units: whatever the design matrix and targets carry; coefficients have units of
target / feature.
"""

from cgml.fitting.linear import LinearFit, fit_linear, r2_score, rmse

__all__ = ["LinearFit", "fit_linear", "r2_score", "rmse"]
