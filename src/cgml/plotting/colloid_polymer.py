"""Fig. 8 of Giunta et al., ACS Nano 2023: the colloid-polymer mixture (paper key ``nanoparticles``).

Reads the g(r) tables written by :mod:`cgml.papers.nanoparticles.colloid_polymer`
(columns r_lo, r_hi, r, g, g_err; r in sigma_c) and the FG snapshots; computes nothing new
except the g(r) distance D = int (g_ML - g_FG)^2 dr (noise removed) shown in the legend
(:func:`cgml.papers.nanoparticles.colloid_polymer.gr_distance`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cgml.io import read_npz
from cgml.papers.nanoparticles.colloid_polymer import gr_distance
from cgml.plotting.style import COLORS, figure, save_figure


def _edges(table: pd.DataFrame) -> np.ndarray:
    return np.append(table["r_lo"].to_numpy(), table["r_hi"].to_numpy()[-1])


def plot_fig8(etaps, rdf_fg, rdf_ml2, rdf_ml108, path, snapshots=None) -> None:
    """Fig. 8: colloid-colloid g(r) at eta_c = 0.45 for each eta_p^r.

    etaps : list of str, the reservoir packing fractions (one panel each, (a), (b), ...)
    rdf_fg, rdf_ml2, rdf_ml108 : lists of CSV paths, one per eta_p^r; FG as filled
        circles with block errors, ML2 dashed, ML108 dotted (as the paper)
    snapshots : optional list of FG npz paths (``snapshots``, ``box_lengths``): the last
        configuration, projected on the x-y plane, in a second row (the paper's panel (c))
    """
    n = len(etaps)
    rows = 2 if snapshots else 1
    fig, axes = figure(n, rows, width=3.2, height=2.7)
    letters = "abcdefgh"
    for k, etap in enumerate(etaps):
        fg, ml2, ml108 = (pd.read_csv(p) for p in (rdf_fg[k], rdf_ml2[k], rdf_ml108[k]))
        edges = _edges(fg)
        d2 = gr_distance(edges, ml2["g"], fg["g"], ml2["g_err"], fg["g_err"])
        d108 = gr_distance(edges, ml108["g"], fg["g"], ml108["g_err"], fg["g_err"])
        ax = axes[0, k]
        err = fg["g_err"].fillna(0.0)
        ax.errorbar(fg["r"], fg["g"], yerr=err, fmt="o", ms=3.0, color=COLORS["FG"], elinewidth=0.6,
                    capsize=1.0, label="FG")
        ax.plot(ml2["r"], ml2["g"], "--", color=COLORS["ML2"], label=f"ML2 (D = {d2:.3g})")
        ax.plot(ml108["r"], ml108["g"], ":", color=COLORS["ML108"], lw=1.8, label=f"ML108 (D = {d108:.3g})")
        ax.axhline(1.0, color="0.7", lw=0.5)
        ax.set_xlabel(r"$r/\sigma_c$")
        ax.set_ylabel(r"$g_{cc}(r)$")
        ax.set_title(f"({letters[k]}) $\\eta_c = 0.45$, $\\eta_p^r = {etap}$", fontsize=8)
        ax.legend(frameon=False, fontsize=6.5)
        if snapshots:
            arrays, _ = read_npz(snapshots[k])
            frame, box = arrays["snapshots"][-1], arrays["box_lengths"]
            ax = axes[1, k]
            ax.scatter(frame[:, 0], frame[:, 1], s=18, c=frame[:, 2], cmap="Greys", edgecolors="k",
                       linewidths=0.3)
            ax.set_xlim(0, box[0])
            ax.set_ylim(0, box[1])
            ax.set_aspect("equal")
            ax.set_xlabel(r"$x/\sigma_c$")
            ax.set_ylabel(r"$y/\sigma_c$")
            ax.set_title(f"(c) FG colloids, $\\eta_p^r = {etap}$ (shade: z)", fontsize=8)
    save_figure(fig, path)


def run_fig8(*, input, output, params, wildcards, threads=1):
    """Rule np_cp_fig8: inputs ``rdf_fg_<etap>``, ``rdf_ml2_<etap>``, ``rdf_ml108_<etap>``, ``fg_<etap>``."""
    etaps = list(params["etaps"])
    plot_fig8(etaps, [input[f"rdf_fg_{e}"] for e in etaps], [input[f"rdf_ml2_{e}"] for e in etaps],
              [input[f"rdf_ml108_{e}"] for e in etaps], output["figure"],
              snapshots=[input[f"fg_{e}"] for e in etaps] if all(f"fg_{e}" in input for e in etaps) else None)
