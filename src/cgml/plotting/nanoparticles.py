"""Figures of Giunta et al., ACS Nano 2023 (paper key ``nanoparticles``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cgml.plotting.selection import plot_selection_trace
from cgml.plotting.style import COLORS, figure, save_figure


def _inputs(input: dict, prefix: str) -> list[str]:
    return [v for k, v in sorted(input.items()) if k.startswith(prefix)]


def plot_fig2(pmf_tables, solvents, path) -> None:
    """Fig. 2: Phi^(2)(R_IJ) from integrated FG mean forces (symbols, with errors) and Phi_ML2 (dashed)."""
    fig, axes = figure(2, 1, width=3.4, height=3.0)
    for ax, zoom in zip(axes[0], (False, True)):
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
        if zoom:
            ax.set_ylim(-6.0, 12.0)
            ax.set_xlim(1.6, 2.6)
            ax.set_title("well region", fontsize=8)
        else:
            ax.legend(frameon=False)
    save_figure(fig, path)


def run_fig2(*, input, output, params, wildcards, threads=1):
    plot_fig2(_inputs(input, "pmf"), params["solvents"], output["figure"])


def run_selection_figure(*, input, output, params, wildcards, threads=1):
    labels = [f"ML2, s = {s}" for s in params["solvents"]] + [f"ML12, s = {s}" for s in params["solvents"]]
    plot_selection_trace(_inputs(input, "trace"), labels, output["figure"], n_label=r"$N_{SF}$",
                         rmse_unit=r"k_BT/\sigma_c")


def plot_fig3(parity_tables, solvents, path) -> None:
    """Fig. 3: ML12 vs FG mean-force components (k_BT/sigma_c), one panel per solvent."""
    fig, axes = figure(len(solvents), 1, width=3.0, height=3.0)
    for ax, solvent, table in zip(axes[0], solvents, parity_tables):
        t = pd.read_csv(table)
        lim = np.nanmax(np.abs(np.concatenate([t["fg_kT_sigma"], t["ml12_kT_sigma"]]))) * 1.05 or 1.0
        ax.plot([-lim, lim], [-lim, lim], color="0.6", lw=0.7)
        ax.errorbar(t["fg_kT_sigma"], t["ml12_kT_sigma"], xerr=t["fg_err_kT_sigma"], fmt="o", ms=2.5,
                    color=COLORS.get(float(solvent)), alpha=0.6, elinewidth=0.5)
        rmse = float(np.sqrt(np.mean((t["fg_kT_sigma"] - t["ml12_kT_sigma"]) ** 2)))
        ax.set_title(f"s = {solvent}, RMSE = {rmse:.1f} $k_BT/\\sigma_c$", fontsize=8)
        ax.set_xlabel(r"$F^{FG}_{I,\alpha}$ [$k_BT/\sigma_c$]")
        ax.set_ylabel(r"$F^{ML12}_{I,\alpha}$ [$k_BT/\sigma_c$]")
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
    save_figure(fig, path)


def _outside_ml12_data(ax, x, inside, values, shade: bool = True) -> None:
    """Scale the y axis to the points where ML12 is compared (``inside``: no pair closer than
    ML12's training data); below it ML12 and ML2 extrapolate to 1e10 k_BT and more. The x
    axis starts just below the first such point; with ``shade``, the x range outside is
    greyed (for a monotonic x, as the two-body curve)."""
    inside = np.asarray(inside, bool)
    if not inside.any():
        return
    v = np.asarray(values, float)[inside]
    v = v[np.isfinite(v)]
    if v.size:
        lo, hi = min(v.min(), 0.0), max(v.max(), 0.0)
        pad = 0.08 * (hi - lo) or 1.0
        ax.set_ylim(lo - pad, hi + pad)
    x = np.asarray(x, float)
    start = x[inside].min()
    if not inside.all():
        ax.set_xlim(max(x.min(), start - 0.15), x.max())
        if shade:
            ax.axvspan(x.min(), start, color="0.92", lw=0, zorder=0, label="closer than the ML12 data")


def plot_fig4(energy_tables, curve_tables, solvents, path) -> None:
    """Fig. 4: left, Phi_ML12 vs Phi_ML2 of 12-particle clusters; right, the two-body curves."""
    fig, axes = figure(2, len(solvents), width=3.0, height=2.6)
    for row, (solvent, energies, curves) in enumerate(zip(solvents, energy_tables, curve_tables)):
        e = pd.read_csv(energies)
        c = pd.read_csv(curves)
        ax = axes[row, 0]
        lo = min(e["phi_ml2_kT"].min(), e["phi_ml12_kT"].min())
        hi = max(e["phi_ml2_kT"].max(), e["phi_ml12_kT"].max())
        ax.plot([lo, hi], [lo, hi], color="0.6", lw=0.7)
        ax.plot(e["phi_ml2_kT"], e["phi_ml12_kT"], "o", ms=3, color=COLORS.get(float(solvent)))
        ax.set_xlabel(r"$\Phi_{ML2}/k_BT$")
        ax.set_ylabel(r"$\Phi_{ML12}/k_BT$")
        ax.set_title(f"12-particle clusters, s = {solvent}", fontsize=8)
        ax = axes[row, 1]
        ax.plot(c["R_sigma"], c["phi_ml2_kT"], "p", ms=3.5, color=COLORS["ML2"], label=r"$\Phi_{ML2}$")
        ax.plot(c["R_sigma"], c["phi_ml12_kT"], "--", color=COLORS["ML12"], label=r"$\Phi_{ML12}$ (no shift)")
        ax.axhline(0, color="0.6", lw=0.6)
        _outside_ml12_data(ax, c["R_sigma"], c["in_ml12_data"], c[["phi_ml2_kT", "phi_ml12_kT"]])
        ax.set_xlabel(r"$R_{IJ}/\sigma_c$")
        ax.set_ylabel(r"$\Phi^{(2)}/k_BT$")
        ax.legend(frameon=False, loc="upper right", fontsize=7)
    save_figure(fig, path)


def plot_fig5(triplet_tables, solvents, path) -> None:
    """Fig. 5: Phi_ML2 (symbols) and Phi_ML12 (dashed) vs h_I for T, L, SQ; right, Phi^(3+)."""
    fig, axes = figure(2, len(solvents), width=3.2, height=2.6)
    markers = {"T": "^", "L": "s", "SQ": "D"}
    for row, (solvent, table) in enumerate(zip(solvents, triplet_tables)):
        t = pd.read_csv(table)
        for kind, sub in t.groupby("kind", sort=False):
            line = axes[row, 0].plot(sub["h_sigma"], sub["phi_ml12_kT"], "--", label=f"{kind}: ML12")[0]
            axes[row, 0].plot(sub["h_sigma"][::3], sub["phi_ml2_kT"][::3], markers[kind], ms=3,
                              color=line.get_color(), label=f"{kind}: ML2")
            axes[row, 1].plot(sub["h_sigma"], sub["phi_3plus_kT"], color=line.get_color(), label=kind)
        axes[row, 0].set_title(f"s = {solvent}", fontsize=8)
        axes[row, 0].set_xlabel(r"$h_I/\sigma_c$")
        axes[row, 0].set_ylabel(r"$\Phi/k_BT$")
        axes[row, 0].legend(frameon=False, ncol=2, fontsize=6)
        axes[row, 1].axhline(0, color="0.6", lw=0.6)
        _outside_ml12_data(axes[row, 0], t["h_sigma"], t["in_ml12_data"], t[["phi_ml2_kT", "phi_ml12_kT"]],
                           shade=False)
        _outside_ml12_data(axes[row, 1], t["h_sigma"], t["in_ml12_data"], t[["phi_3plus_kT"]], shade=False)
        axes[row, 1].set_xlabel(r"$h_I/\sigma_c$")
        axes[row, 1].set_ylabel(r"$\Phi^{(3+)}/k_BT$")
        axes[row, 1].legend(frameon=False)
    save_figure(fig, path)


def run_fig3(*, input, output, params, wildcards, threads=1):
    plot_fig3(_inputs(input, "parity"), params["solvents"], output["figure"])


def run_fig4(*, input, output, params, wildcards, threads=1):
    plot_fig4(_inputs(input, "energies"), _inputs(input, "two_body"), params["solvents"], output["figure"])


def run_fig5(*, input, output, params, wildcards, threads=1):
    plot_fig5(_inputs(input, "triplets"), params["solvents"], output["figure"])


def plot_fig6(eos_tables, path) -> None:
    """Fig. 6: P sigma^3/kT vs rho sigma^3; ML2 filled symbols, ML12 dashed; colour = solid fraction."""
    frames = pd.concat([pd.read_csv(t) for t in eos_tables], ignore_index=True)
    solvents = sorted(frames["solvent_s"].unique())
    fig, axes = figure(len(solvents), 1, width=3.2, height=3.0)
    for ax, solvent in zip(axes[0], solvents):
        sub = frames[frames["solvent_s"] == solvent]
        for (model, branch), part in sub.groupby(["model", "branch"]):
            part = part.sort_values("pressure_kT_sigma3")
            marker = "o" if branch == "compress" else "s"
            if model == "ml2":
                sc = ax.scatter(part["density_sigma3"], part["pressure_kT_sigma3"], c=part["solid_fraction"],
                                cmap="viridis", vmin=0, vmax=1, marker=marker, s=22, edgecolors="k",
                                linewidths=0.4, label=f"ML2 ({branch})", zorder=3)
            else:
                ax.plot(part["density_sigma3"], part["pressure_kT_sigma3"], "--", color=COLORS["ML12"],
                        lw=1.0, label=f"ML12 ({branch})")
        ax.set_title(f"s = {solvent:g}", fontsize=8)
        ax.set_xlabel(r"$\rho\sigma_c^3$")
        ax.set_ylabel(r"$P\sigma_c^3/k_BT$")
        ax.legend(frameon=False, fontsize=6)
    fig.colorbar(sc, ax=axes[0].tolist(), label="solid-like fraction", shrink=0.8)
    save_figure(fig, path)


def plot_fig7(fg_tables, centre_files, ml2_tables, ml12_tables, densities, path, snapshots=None) -> None:
    """Fig. 7: g(R) FG (circles), ML2 (dashed), ML12 (dotted) per density; below, the last
    frame of each run projected on the xy plane (shade: z): FG MD, then (``snapshots``:
    ``{"ML2": [npz per density], "ML12": [...]}``) the MC runs, titled with their solid
    fraction, as the paper's panels of typical FG and CG configurations."""
    from cgml.io import read_npz

    n = len(densities)
    rows = [("FG MD", centre_files)] + [(f"{name} MC", files) for name, files in (snapshots or {}).items()]
    fig, axes = figure(n, 1 + len(rows), width=2.8, height=2.5)
    for col, (density, fg, m2, m12) in enumerate(zip(densities, fg_tables, ml2_tables, ml12_tables)):
        ax = axes[0, col]
        f = pd.read_csv(fg)
        ax.plot(f["R_sigma"], f["g"], "o", ms=2.5, color=COLORS["FG"], label="FG")
        a = pd.read_csv(m2)
        ax.plot(a["R_sigma"], a["g"], "--", color=COLORS["ML2"], label="ML2")
        b = pd.read_csv(m12)
        ax.plot(b["R_sigma"], b["g"], ":", color=COLORS["ML12"], lw=1.8, label="ML12")
        ax.set_title(rf"$\rho\sigma_c^3$ = {density}", fontsize=8)
        ax.set_xlabel(r"$R_{ij}/\sigma_c$")
        ax.set_ylabel(r"$g(R_{ij})$")
        ax.legend(frameon=False)
        for row, (label, files) in enumerate(rows, start=1):
            arrays, meta = read_npz(files[col])
            pos = np.mod(arrays["positions"][-1], arrays["box_lengths"][-1])
            ax = axes[row, col]
            ax.scatter(pos[:, 0], pos[:, 1], s=12, c=pos[:, 2], cmap="Greys", edgecolors="k", linewidths=0.3)
            ax.set_aspect("equal")
            ax.set_xlabel(r"$x/\sigma_c$")
            ax.set_ylabel(r"$y/\sigma_c$")
            solid = meta.get("params", {}).get("solid_fraction")
            ax.set_title(f"{label}, last frame" + (f", solid {solid:.2f}" if solid is not None else ""), fontsize=8)
    save_figure(fig, path)


def run_fig6(*, input, output, params, wildcards, threads=1):
    plot_fig6(_inputs(input, "eos"), output["figure"])


def run_fig7(*, input, output, params, wildcards, threads=1):
    snapshots = {"ML2": _inputs(input, "snap_ml2_"), "ML12": _inputs(input, "snap_ml12_")}
    plot_fig7(_inputs(input, "fg"), _inputs(input, "centres"), _inputs(input, "ml2"), _inputs(input, "ml12"),
              params["densities"], output["figure"], snapshots=snapshots)
