"""Figures of the surface-patterned particles of Campos-Villalobos et al., npj Comput. Mater. 2024.

Fig. 2 (JC, IPC) and Fig. 4 (EJC, EIPC): theta_1-theta_2 landscapes (FG and CG) and
parity plots with the RMSE; Fig. 3 a and c (IPC): energy against theta_2 and against
R_IJ, FG symbols and CG lines; Supplementary Fig. 1: R^2 and train/test RMSE along the
forward stepwise selection. Reads the files of :mod:`cgml.papers.anisotropic.patchy`
and computes nothing new. Units: energies in k_BT, lengths in sigma (sigma_perp for
the ellipsoids), angles in radians (plotted in units of pi).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cgml.io import read_npz
from cgml.plotting.selection import plot_selection_trace
from cgml.plotting.style import figure, save_figure

__all__ = ["plot_fig2", "plot_fig3", "plot_fig4", "plot_landscapes_and_parity",
           "plot_selection_trace", "run_fig2", "run_fig3", "run_fig4", "run_selection_figure"]

_FG = "#222222"
_CG = "#d6604d"
_TEST = "#4393c3"


def _inputs(input: dict, prefix: str) -> list[str]:
    return [v for k, v in sorted(input.items()) if k.startswith(prefix)]


def plot_landscapes_and_parity(landscapes, parities, labels, path, length_unit=r"\sigma") -> None:
    """One row per system: FG landscape, CG landscape, parity (train and test) with RMSE.

    ``landscapes``: npz files of ``run_patchy_landscape``; ``parities``: parity csv files
    of ``run_patchy_fit``; ``labels``: system names.
    """
    if not (len(landscapes) == len(parities) == len(labels)):
        raise ValueError("landscapes, parities and labels must have equal lengths")
    fig, axes = figure(3, len(labels), width=2.7, height=2.4)
    for row, (land, par, label) in enumerate(zip(landscapes, parities, labels)):
        data, _ = read_npz(land)
        theta = data["theta"] / np.pi
        lo = float(min(np.nanmin(data["energy_fg"]), np.nanmin(data["energy_cg"])))
        hi = float(max(np.nanmax(data["energy_fg"]), np.nanmax(data["energy_cg"])))
        for col, key, name in ((0, "energy_fg", "FG"), (1, "energy_cg", "CG")):
            ax = axes[row, col]
            mesh = ax.pcolormesh(theta, theta, data[key].T, shading="auto", cmap="RdBu_r",
                                 vmin=lo, vmax=hi)
            ax.set_xlabel(r"$\theta_1/\pi$")
            ax.set_ylabel(r"$\theta_2/\pi$")
            ax.set_title(f"{label} {name}, $R_{{IJ}} = {float(data['separation']):.3f}{length_unit}$",
                         fontsize=8)
            fig.colorbar(mesh, ax=ax, label=r"$\Phi/k_BT$")
        ax = axes[row, 2]
        t = pd.read_csv(par)
        for name, color in (("train", _CG), ("test", _TEST)):
            sub = t[t["set"] == name]
            if len(sub):
                err = float(np.sqrt(np.mean((sub["energy_fg_kT"] - sub["energy_cg_kT"]) ** 2)))
                ax.plot(sub["energy_fg_kT"], sub["energy_cg_kT"], ".", ms=2, color=color, alpha=0.6,
                        label=f"{name}: RMSE = {err:.3g} $k_BT$")
        lim = [float(t[["energy_fg_kT", "energy_cg_kT"]].min().min()),
               float(t[["energy_fg_kT", "energy_cg_kT"]].max().max())]
        ax.plot(lim, lim, color="0.6", lw=0.7)
        ax.set_xlabel(r"Ground truth $\Phi/k_BT$")
        ax.set_ylabel(r"Prediction $\Phi/k_BT$")
        ax.set_title(label, fontsize=8)
        ax.legend(frameon=False, fontsize=7)
    save_figure(fig, path)


def plot_fig2(landscapes, parities, path) -> None:
    """Fig. 2: JC and IPC (landscapes at R = 1.015 sigma and parity plots)."""
    plot_landscapes_and_parity(landscapes, parities, ["JC", "IPC"], path)


def plot_fig4(landscapes, parities, path) -> None:
    """Fig. 4: EJC and EIPC (landscapes at R = 2.015 sigma_perp and parity plots)."""
    plot_landscapes_and_parity(landscapes, parities, ["EJC", "EIPC"], path, r"\sigma_\perp")


def plot_fig3(curves, path) -> None:
    """Fig. 3 a and c: IPC energy vs theta_2 (z_I along x, z) and vs R_IJ; FG symbols, CG lines."""
    t = pd.read_csv(curves)
    fig, axes = figure(2, 1, width=3.2, height=2.6)
    ax = axes[0, 0]
    for (name, sub), color in zip(t[t["panel"] == "theta2"].groupby("configuration", sort=False),
                                  ("#1b7837", "#2166ac")):
        x = sub["theta2_rad"] / np.pi
        step = max(1, len(sub) // 36)
        axis = name.split("=")[-1]
        ax.plot(x.iloc[::step], sub["energy_fg_kT"].iloc[::step], "o", ms=3, color=color,
                label=f"FG, $\\hat z_I$ along {axis}")
        ax.plot(x, sub["energy_cg_kT"], "-", color=color, label=f"CG, $\\hat z_I$ along {axis}")
    ax.set_xlabel(r"$\theta_2/\pi$")
    ax.set_ylabel(r"$\Phi/k_BT$")
    ax.set_title("a", loc="left", fontsize=9)
    ax.legend(frameon=False, fontsize=7)
    ax = axes[0, 1]
    for name, sub in t[t["panel"] == "separation"].groupby("configuration", sort=False):
        line = ax.plot(sub["separation"], sub["energy_cg_kT"], "-", label="($\\hat z_I$, $\\hat z_J$) = ({}, {})".format(*name.split("|")))[0]
        step = max(1, len(sub) // 20)
        ax.plot(sub["separation"].iloc[::step], sub["energy_fg_kT"].iloc[::step], "o", ms=3,
                color=line.get_color())
    ax.axhline(0.0, color="0.6", lw=0.6)
    ax.set_xlabel(r"$R_{IJ}/\sigma$")
    ax.set_ylabel(r"$\Phi/k_BT$")
    ax.set_title("c", loc="left", fontsize=9)
    ax.legend(frameon=False, fontsize=7)
    save_figure(fig, path)


def run_fig2(*, input, output, params, wildcards, threads=1):
    """input: landscape_jc, landscape_ipc (npz), parity_jc, parity_ipc (csv); output: figure."""
    plot_fig2([input["landscape_jc"], input["landscape_ipc"]],
              [input["parity_jc"], input["parity_ipc"]], output["figure"])


def run_fig4(*, input, output, params, wildcards, threads=1):
    """input: landscape_ejc, landscape_eipc (npz), parity_ejc, parity_eipc (csv); output: figure."""
    plot_fig4([input["landscape_ejc"], input["landscape_eipc"]],
              [input["parity_ejc"], input["parity_eipc"]], output["figure"])


def run_fig3(*, input, output, params, wildcards, threads=1):
    """input: curves (csv of the IPC landscape run); output: figure."""
    plot_fig3(input["curves"], output["figure"])


def run_selection_figure(*, input, output, params, wildcards, threads=1):
    """input: trace* (csv, sorted by key); params: labels (one per trace); output: figure."""
    traces = _inputs(input, "trace")
    labels = params.get("labels") or [f"model {k}" for k in range(len(traces))]
    plot_selection_trace(traces, labels, output["figure"], rmse_unit=None)
