"""Fluid-crystal coexistence from free energies (tables of :mod:`cgml.papers.nanoparticles.coexistence`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cgml.plotting.style import COLORS, figure, save_figure
from cgml.simulate.free_energy import fluid_chemical_potential, solid_chemical_potential


def _inputs(input: dict, prefix: str) -> list[str]:
    return [v for k, v in sorted(input.items()) if k.startswith(prefix)]


def plot_coexistence(tables, summaries, solvents, path) -> None:
    """(a) rho(P) of both isotherms with the coexistence; (b) beta mu_fluid - beta mu_FCC against
    P where both isotherms have data, zero at coexistence; (c) the Frenkel-Ladd integrand (lambda + c) <|u|^2>
    against ln(lambda + c), whose area is the integral."""
    fig, axes = figure(3, 1, width=2.6, height=2.6)
    ax_eos, ax_mu, ax_fl = axes[0]
    for solvent, table_path, summary_path in zip(solvents, tables, summaries):
        table, summary = pd.read_csv(table_path), pd.read_csv(summary_path).iloc[0]
        color = COLORS.get(float(solvent), None)
        fluid_all, solid_all = table[table["kind"] == "fluid"], table[table["kind"] == "solid"]
        # the points the rule used (column in_phase: up to each isotherm's phase change)
        fluid = fluid_all[fluid_all["in_phase"].astype(bool)]
        solid = solid_all[solid_all["in_phase"].astype(bool)]
        for rows, used, marker, name in ((fluid_all, fluid, "o", "fluid"), (solid_all, solid, "s", "FCC")):
            ax_eos.plot(rows["density"], rows["pressure"], marker, mfc="none", ms=3.5, color="0.6")
            ax_eos.plot(used["density"], used["pressure"], marker, ms=3.5, color=color,
                        label=f"{name}, s = {solvent}")
        p = float(summary["pressure"])
        if np.isfinite(p):
            ax_eos.plot([summary["density_fluid"], summary["density_solid"]], [p, p], "k-", lw=1.0,
                        label="coexistence")
        # beta mu with the ideal-gas log removed, so both curves fit on one scale
        if len(fluid) >= 2 and len(solid) >= 2:
            b2 = float(summary["second_virial"])
            mu_f = fluid_chemical_potential(fluid["pressure"], fluid["volume"], b2)
            ref = solid[np.isclose(solid["pressure"], summary["reference_pressure"])]
            if len(ref):
                s_sorted = solid.sort_values("pressure")
                mu_s = solid_chemical_potential(s_sorted["pressure"], s_sorted["volume"],
                                                float(summary["reference_pressure"]),
                                                float(summary["free_energy_solid"])
                                                + float(summary["reference_pressure"]) * float(ref["volume"].iloc[0]))
                shift = float(summary["mu"]) - mu_f(p) if np.isfinite(p) else 0.0  # the finite-N term
                lo = max(fluid["pressure"].min(), s_sorted["pressure"].min())
                hi = min(fluid["pressure"].max(), s_sorted["pressure"].max())
                if lo < hi:
                    grid = np.linspace(lo, hi, 200)
                    ax_mu.plot(grid, [mu_f(x) + shift - mu_s(x) for x in grid], "-", color=color,
                               label=f"s = {solvent}")
                ax_mu.axhline(0.0, color="0.6", lw=0.6)
                if np.isfinite(p):
                    ax_mu.errorbar([p], [0.0], xerr=[float(summary["pressure_err"])], fmt="ko", ms=3,
                                   label="coexistence")
        lam = table[table["kind"] == "lambda"]
        c = float(summary["lambda_shift"])
        ax_fl.errorbar(np.log(lam["lambda"] + c), (lam["lambda"] + c) * lam["spring_sum"],
                       yerr=(lam["lambda"] + c) * lam["spring_sum_err"], fmt="o-", ms=3, color=color,
                       label=f"s = {solvent}, N = {int(summary['n_particles'])}")
        ax_fl.axhline(1.5 * (1 - 1 / float(summary["n_particles"])), color="0.6", lw=0.6)
    ax_eos.set_xlabel(r"$\rho\sigma_c^3$")
    ax_eos.set_ylabel(r"$P\sigma_c^3/k_BT$")
    ax_eos.legend(frameon=False, fontsize=6)
    ax_mu.set_xlabel(r"$P\sigma_c^3/k_BT$")
    ax_mu.set_ylabel(r"$\beta\mu_{\rm fluid} - \beta\mu_{\rm FCC}$")
    ax_mu.legend(frameon=False, fontsize=6)
    ax_fl.set_xlabel(r"$\ln(\lambda + c)$")
    ax_fl.set_ylabel(r"$(\lambda + c)\,\langle|u|^2\rangle$  [$k_BT$]")
    ax_fl.legend(frameon=False, fontsize=6)
    save_figure(fig, path)


def run_fig6_coexistence(*, input, output, params, wildcards, threads=1):
    plot_coexistence(_inputs(input, "table_"), _inputs(input, "summary_"), params["solvents"], output["figure"])
