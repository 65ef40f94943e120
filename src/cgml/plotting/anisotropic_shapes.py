"""Figures 5 b-c and 7 a-c of Campos-Villalobos et al., npj Comput. Mater. 2024 (paper key ``anisotropic``).

Reads the files written by :mod:`cgml.papers.anisotropic.shapes`; computes nothing new
(the RMSE in a parity title is read from the metrics file). Units: lengths in sigma,
volumes in sigma^3, energies in epsilon (k_BT/epsilon = 1), angles in degrees on axes.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from cgml.io import read_npz
from cgml.plotting.style import COLORS, figure, save_figure

__all__ = ["plot_fig5b", "plot_fig5c", "plot_fig7a", "plot_fig7b", "plot_fig7c",
           "run_fig5b", "run_fig5c", "run_fig7a", "run_fig7b", "run_fig7c"]

_SETS = {"train": ("o", "#4393c3"), "test": ("s", "#d6604d")}


def _parity(ax, parity_csv, metrics_json, unit):
    t = pd.read_csv(parity_csv)
    with open(metrics_json) as handle:
        metrics = json.load(handle)
    lo = min(t["target"].min(), t["prediction"].min())
    hi = max(t["target"].max(), t["prediction"].max())
    ax.plot([lo, hi], [lo, hi], color="0.6", lw=0.7)
    for name, (marker, color) in _SETS.items():
        sub = t[t["set"] == name]
        ax.plot(sub["target"], sub["prediction"], marker, ms=2.0, color=color, alpha=0.5,
                linestyle="none", label=name)
    paper = metrics.get("paper", {})
    paper_rmse = next((v for k, v in paper.items() if k.startswith("rmse")), float("nan"))
    ax.set_title(f"$N_s$ = {metrics['n_s']}, RMSE(test) = {metrics['rmse_test']:.2g} {unit}\n"
                 f"(paper: $N_s$ = {paper.get('n_s', '?')}, RMSE = {paper_rmse:g} {unit})", fontsize=7)
    ax.legend(frameon=False)


def plot_fig5b(landscape_npz, path) -> None:
    """Fig. 5b: V_f^(2) [sigma^3] vs the rotation angles of particle J; FG (MC) and CG."""
    arrays, meta = read_npz(landscape_npz)
    t1, t2 = np.degrees(arrays["theta_1"]), np.degrees(arrays["theta_2"])
    fig, axes = figure(2, 1, width=3.2, height=2.8)
    vmax = np.nanmax([np.nanmax(arrays["volume_fg"]), np.nanmax(arrays["volume_cg"])])
    vmin = np.nanmin([np.nanmin(arrays["volume_fg"]), np.nanmin(arrays["volume_cg"])])
    for ax, key, title in zip(axes[0], ("volume_fg", "volume_cg"), ("FG (MC integration)", "CG (ML)")):
        mesh = ax.pcolormesh(t2, t1, arrays[key], shading="nearest", vmin=vmin, vmax=vmax,
                             cmap="viridis")
        ax.set_xlabel(r"$\theta_2$ [deg]")
        ax.set_ylabel(r"$\theta_1$ [deg]")
        ax.set_title(f"{title}, $R_{{IJ}}$ = {meta['params']['separation']:g} $\\sigma$", fontsize=8)
    fig.colorbar(mesh, ax=axes[0].tolist(), label=r"$V_f^{(2)}$ [$\sigma^3$]", shrink=0.85)
    save_figure(fig, path)


def plot_fig5c(parity_csv, metrics_json, path) -> None:
    """Fig. 5c: parity of V_f^(2), MC integration (ground truth) vs ML prediction [sigma^3]."""
    fig, axes = figure(1, 1, width=3.2, height=3.0)
    _parity(axes[0, 0], parity_csv, metrics_json, r"$\sigma^3$")
    axes[0, 0].set_xlabel(r"$V_f^{(2)}$ ground truth [$\sigma^3$]")
    axes[0, 0].set_ylabel(r"$V_f^{(2)}$ prediction [$\sigma^3$]")
    save_figure(fig, path)


def plot_fig7a(parity_csv, metrics_json, path) -> None:
    """Fig. 7a: parity of the contact distance sigma_s [sigma], Vega-Lago vs fitted."""
    fig, axes = figure(1, 1, width=3.2, height=3.0)
    _parity(axes[0, 0], parity_csv, metrics_json, r"$\sigma$")
    axes[0, 0].set_xlabel(r"$\sigma_s$ Vega-Lago [$\sigma$]")
    axes[0, 0].set_ylabel(r"$\sigma_s$ prediction [$\sigma$]")
    save_figure(fig, path)


def plot_fig7b(contour_csv, path) -> None:
    """Fig. 7b (top): particle outline sigma_s R_hat / 2 of parallel rods, fit vs true HSC."""
    t = pd.read_csv(contour_csv)
    fig, axes = figure(1, 1, width=2.4, height=3.6)
    ax = axes[0, 0]
    ax.plot(t["x_true"], t["z_true"], color=COLORS["FG"], label="HSC, L/σ = 4")
    ax.plot(t["x_fit"], t["z_fit"], "--", color=COLORS["ML2"], label=r"fitted $\sigma_s$")
    ax.set_aspect("equal")
    ax.set_xlabel(r"$x/\sigma$")
    ax.set_ylabel(r"$z/\sigma$")
    ax.legend(frameon=False, fontsize=6, loc="upper right")
    save_figure(fig, path)


def plot_fig7c(potential_csv, path) -> None:
    """Fig. 7b (bottom)/7c: Eq. 17 [epsilon] vs R_IJ [sigma] for three relative orientations."""
    t = pd.read_csv(potential_csv)
    fig, axes = figure(1, 1, width=3.4, height=2.6)
    ax = axes[0, 0]
    for name, sub in t.groupby("configuration", sort=False):
        line = ax.plot(sub["R"], sub["phi_fit"].where(np.isfinite(sub["phi_fit"])), label=f"{name}: fit")[0]
        ax.plot(sub["R"], sub["phi_true"].where(np.isfinite(sub["phi_true"])), ":",
                color=line.get_color(), label=f"{name}: exact $\\sigma_s$")
    ax.set_ylim(0.0, 5.0)
    ax.set_xlabel(r"$R_{IJ}/\sigma$")
    ax.set_ylabel(r"$\Phi/\epsilon$")
    ax.legend(frameon=False, fontsize=6)
    save_figure(fig, path)


def run_fig5b(*, input, output, params, wildcards, threads=1):
    plot_fig5b(input["landscape"], output["figure"])


def run_fig5c(*, input, output, params, wildcards, threads=1):
    plot_fig5c(input["parity"], input["metrics"], output["figure"])


def run_fig7a(*, input, output, params, wildcards, threads=1):
    plot_fig7a(input["parity"], input["metrics"], output["figure"])


def run_fig7b(*, input, output, params, wildcards, threads=1):
    plot_fig7b(input["contour"], output["figure"])


def run_fig7c(*, input, output, params, wildcards, threads=1):
    plot_fig7c(input["potential"], output["figure"])
