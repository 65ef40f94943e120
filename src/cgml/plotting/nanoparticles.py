"""Figures of Giunta et al., ACS Nano 2023 (paper key ``nanoparticles``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cgml.plotting.style import COLORS, figure, save_figure


def _inputs(input: dict, prefix: str) -> list[str]:
    return [v for k, v in sorted(input.items()) if k.startswith(prefix)]


def plot_fig2(pmf_tables, solvents, path) -> None:
    """Fig. 2: Phi^(2)(R_IJ) from integrated FG mean forces (symbols, with errors) and Phi_ML2 (dashed)."""
    fig, axes = figure(1, 1, width=3.6, height=3.0)
    ax = axes[0, 0]
    for solvent, table in zip(solvents, pmf_tables):
        frame = pd.read_csv(table)
        color = COLORS.get(float(solvent), None)
        fg = frame[frame["source"] == "FG"].sort_values("R_sigma")
        ml = frame[frame["source"] == "ML2"].sort_values("R_sigma")
        ax.errorbar(fg["R_sigma"], fg["phi_kT"], yerr=fg["phi_err_kT"], fmt="o", ms=3.5, color=color,
                    label=f"FG, s = {solvent}", capsize=1.5)
        ax.plot(ml["R_sigma"], ml["phi_kT"], "--", color=color, label=f"ML2, s = {solvent}")
    ax.axhline(0.0, color="0.6", lw=0.6)
    ax.set_xlabel(r"$R_{IJ}/\sigma_c$")
    ax.set_ylabel(r"$\Phi^{(2)}/k_BT$")
    ax.legend(frameon=False)
    save_figure(fig, path)


def plot_selection_trace(traces, labels, path) -> None:
    """Selection trace: R^2 and train/test RMSE against the number of selected functions."""
    fig, axes = figure(2, 1, width=3.2, height=2.6)
    for trace, label in zip(traces, labels):
        t = pd.read_csv(trace)
        axes[0, 0].plot(t["step"], 1.0 - t["r2_train"], "o-", ms=2.5, label=label)
        axes[0, 1].plot(t["step"], t["rmse_train"], "o-", ms=2.5, label=f"{label} train")
        if t["rmse_test"].notna().any():
            axes[0, 1].plot(t["step"], t["rmse_test"], "x--", ms=3, label=f"{label} test")
    axes[0, 0].set_yscale("log")
    axes[0, 0].set_xlabel(r"$N_{SF}$")
    axes[0, 0].set_ylabel(r"$1 - R^2$")
    axes[0, 1].set_xlabel(r"$N_{SF}$")
    axes[0, 1].set_ylabel(r"RMSE $[k_BT/\sigma_c]$")
    axes[0, 1].legend(frameon=False)
    save_figure(fig, path)


def run_fig2(*, input, output, params, wildcards, threads=1):
    plot_fig2(_inputs(input, "pmf"), params["solvents"], output["figure"])


def run_selection_figure(*, input, output, params, wildcards, threads=1):
    plot_selection_trace(_inputs(input, "trace"), [f"ML2, s = {s}" for s in params["solvents"]],
                         output["figure"])
