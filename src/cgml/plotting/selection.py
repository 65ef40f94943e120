"""The selection-trace figure of every paper (forward stepwise selection, one style).

Reads the trace CSV files written by :func:`cgml.selection.forward_stepwise` (columns
step, r2_train, rmse_train, rmse_test). Units: RMSE in the unit of the fitted target.
"""

from __future__ import annotations

import pandas as pd

from cgml.plotting.style import figure, save_figure

__all__ = ["plot_selection_trace"]


def plot_selection_trace(traces, labels, path, *, n_label: str = r"$N_s$",
                         rmse_unit: str | None = None) -> None:
    """1 - R^2 (train, log scale) and the train/test RMSE against the selection step.

    traces : trace CSV paths; labels : one per trace; n_label : the x-axis label (e.g.
    ``$N_{SF}$``); rmse_unit : the common unit of the RMSE (e.g. ``k_BT/\\sigma_c``), or
    None when the traces fit targets of different units: the RMSE is then shown relative
    to each trace's first-step training RMSE.
    """
    if len(traces) != len(labels):
        raise ValueError("traces and labels must have equal lengths")
    fig, axes = figure(2, 1, width=3.2, height=2.6)
    for trace, label in zip(traces, labels):
        t = pd.read_csv(trace, comment="#")
        scale = 1.0 if rmse_unit is not None else float(t["rmse_train"].iloc[0]) or 1.0
        axes[0, 0].plot(t["step"], 1.0 - t["r2_train"], "o-", ms=2.5, label=label)
        line = axes[0, 1].plot(t["step"], t["rmse_train"] / scale, "o-", ms=2.5, label=f"{label} train")[0]
        if t["rmse_test"].notna().any():
            axes[0, 1].plot(t["step"], t["rmse_test"] / scale, "x--", ms=3, color=line.get_color(),
                            label=f"{label} test")
    axes[0, 0].set_yscale("log")
    axes[0, 0].set_xlabel(n_label)
    axes[0, 0].set_ylabel(r"$1 - R^2$ (train)")
    axes[0, 0].legend(frameon=False, fontsize=6)
    axes[0, 1].set_yscale("log")
    axes[0, 1].set_xlabel(n_label)
    axes[0, 1].set_ylabel(f"RMSE [${rmse_unit}$]" if rmse_unit else "RMSE / RMSE(step 1)")
    axes[0, 1].legend(frameon=False, fontsize=6)
    save_figure(fig, path)
