"""Figures of the anisotropic-paper simulations: Fig. 3b (REMC clusters), Fig. 5d
(quasi-2D superballs), Fig. 7d-e (spherocylinder equations of state and order).

Reads the results of :mod:`cgml.papers.anisotropic.simulations`; computes nothing new.
Units: sigma, k_BT; REMC energies in eps_max.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from cgml.io import read_npz
from cgml.plotting.style import figure, save_figure

__all__ = ["plot_fig3b", "plot_fig5d", "plot_fig7de", "run_fig3b", "run_fig5", "run_fig7"]

MODEL_COLORS = {"fg": "#222222", "cg": "#d6604d", "exact": "#4393c3"}
EOS_LABELS = {"fg": "HSC (FG)", "cg": "ML-CG", "exact": "Eq. 17, exact contact"}


def _inputs(input: dict, prefix: str) -> list[str]:
    return [v for k, v in sorted(input.items()) if k.startswith(prefix)]


def _project(points):
    """2D projection on the plane of the two largest principal axes of ``points (n, 3)``."""
    centred = points - points.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return vt[:2]


def plot_fig3b(remc_npz, path) -> None:
    """Lowest-energy clusters (one panel per run: FG/CG x N) and <U>/N at T_0."""
    from matplotlib.patches import Circle

    runs = []
    for p in remc_npz:
        arrays, meta = read_npz(p)
        runs.append((meta, arrays))
    fig, axes = figure(ncols=len(runs) + 1, width=2.2, height=2.3)
    for ax, (meta, arrays) in zip(axes[0], runs):
        pos = arrays["lowest_positions"].copy()
        box = arrays["box_lengths"]
        pos = pos[0] + (pos - pos[0]) - box * np.rint((pos - pos[0]) / box)  # unwrap the cluster
        axes2 = _project(pos)
        xy = (pos - pos.mean(axis=0)) @ axes2.T
        patch = arrays["lowest_rotations"][:, :, 2] @ axes2.T
        color = MODEL_COLORS.get(meta["potential"], "C0")
        for (x, y), (u, v) in zip(xy, patch):
            ax.add_patch(Circle((x, y), 0.5, fc="#f4f4f4", ec=color, lw=1.2))
            ax.plot([x - 0.45 * u, x + 0.45 * u], [y - 0.45 * v, y + 0.45 * v], color=color, lw=2)
        ax.set_aspect("equal")
        lim = np.abs(xy).max() + 0.8
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"{meta['potential'].upper()} N = {meta['n_particles']}\n"
                     f"U/N = {meta['lowest_energy_per_particle']:.3f} " + r"$\epsilon_{max}$"
                     + (f" (FG {meta['lowest_fg_energy_per_particle']:.3f})"
                        if meta["potential"] == "cg" and "lowest_fg_energy_per_particle" in meta else ""),
                     fontsize=8)
    ax = axes[0][-1]
    labels = [f"{m['potential'].upper()} {m['n_particles']}" for m, _ in runs]
    ax.bar(range(len(runs)), [m["mean_energy_per_particle"] for m, _ in runs],
           yerr=[m["sem"] for m, _ in runs], color=[MODEL_COLORS.get(m["potential"], "C0") for m, _ in runs])
    ax.set_xticks(range(len(runs)), labels, rotation=45, fontsize=7)
    ax.set_ylabel(r"$\langle U \rangle / N\epsilon_{max}$ at $T_0$")
    save_figure(fig, path)


def _superball_outline(exponent: float, sigma: float, n: int = 80):
    t = np.linspace(0, 2 * np.pi, n)
    c, s = np.cos(t), np.sin(t)
    return 0.5 * sigma * np.c_[np.sign(c) * np.abs(c) ** (2 / exponent),
                               np.sign(s) * np.abs(s) ** (2 / exponent)]


def plot_fig5d(quasi2d_npz, exponent: float, sigma: float, path) -> None:
    """Final snapshots (one panel per start) and the bond-angle histogram."""
    from matplotlib.patches import Polygon

    runs = [read_npz(p) for p in quasi2d_npz]
    fig, axes = figure(ncols=len(runs) + 1, width=2.6, height=2.6)
    outline = _superball_outline(exponent, sigma)
    for ax, (arrays, meta) in zip(axes[0], runs):
        pos = arrays["positions"][-1]
        rot = arrays["rotations"][-1]
        box = arrays["box_lengths"]
        for p, r in zip(pos, rot):
            shape = outline @ r[:2, :2].T + p[:2]
            ax.add_patch(Polygon(shape, closed=True, fc="#9ecae1", ec="#08519c", lw=0.5))
        ax.set_xlim(0, box[0])
        ax.set_ylim(0, box[1])
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"start: {meta['start']}, " + r"$\langle\theta\rangle$ = "
                     f"{meta['mean_bond_angle_deg']:.1f}" + r"$^\circ$ (interior)", fontsize=8)
    ax = axes[0][-1]
    for (arrays, meta), color in zip(runs, ("C0", "C1", "C2")):
        angles = arrays["bond_angles"]
        if angles.size:
            ax.hist(angles, bins=np.arange(30, 95, 2.5), histtype="step", color=color,
                    density=True, label=f"{meta['start']}, >= 4 bonds")
        every = arrays["bond_angles_all"] if "bond_angles_all" in arrays else np.array([])
        every = every[(every > 30.0) & (every < 89.0)]
        if every.size:
            ax.hist(every, bins=np.arange(30, 95, 2.5), histtype="step", color=color, ls="--",
                    density=True, label=f"{meta['start']}, >= 2 bonds")
    ax.axvline(53.0, color="k", ls=":", lw=1, label=r"paper 53$^\circ$")
    ax.set_xlabel(r"smallest bond angle $\theta$ [deg]")
    ax.set_ylabel("probability density")
    ax.legend(frameon=False, fontsize=6)
    save_figure(fig, path)


def plot_fig7de(eos: dict, path, boundaries: dict | None = None) -> None:
    """P* vs rho*, and S_2, tau, psi_6 vs rho* on each branch, for ``eos {(potential, branch): csv}``.

    potential "fg" (hard spherocylinders), "cg" (Eq. 17) or "exact" (Eq. 17 with the exact
    contact distance, the reference); branch "compress" (filled)
    or "expand" (open symbols); the order parameters of the compression (middle) and of
    the expansion (right) in separate panels, so hysteresis shows. Dotted lines: the
    paper's FG boundaries 0.128, 0.143, 0.159.
    """
    fig, axes = figure(ncols=3, width=3.0, height=2.7)
    order_axes = {"compress": axes[0][1], "expand": axes[0][2]}
    for (potential, branch), p in sorted(eos.items()):
        frame = pd.read_csv(p, comment="#")
        color = MODEL_COLORS[potential]
        face = color if branch == "compress" else "white"
        label = EOS_LABELS[potential] + f", {branch}"
        axes[0][0].errorbar(frame["density"], frame["pressure"], xerr=frame["density_sem"], fmt="o-",
                            ms=3, color=color, mfc=face, label=label)
        ax = order_axes.get(branch)
        if ax is None:
            continue
        ax.plot(frame["density"], frame["s2"], "o-", ms=3, color=color, mfc=face,
                label=f"$S_2$ {potential.upper()}")
        ax.plot(frame["density"], frame["tau"], "s--", ms=3, color=color, mfc=face,
                label=rf"$\tau$ {potential.upper()}")
        if "psi6" in frame:
            ax.plot(frame["density"], frame["psi6"], "^:", ms=3, color=color, mfc=face,
                    label=rf"$\psi_6$ {potential.upper()}")
    for ax in (axes[0][0], *order_axes.values()):
        for rho in (0.128, 0.143, 0.159):
            ax.axvline(rho, color="#999999", ls=":", lw=0.8)
    axes[0][0].set_xlabel(r"$\rho^* = \rho\sigma^3$")
    axes[0][0].set_ylabel(r"$P^* = P\sigma^3/k_BT$")
    axes[0][0].legend(frameon=False, fontsize=6)
    for branch, ax in order_axes.items():
        ax.set_xlabel(r"$\rho^*$")
        ax.set_ylabel(f"order parameter ({'compression' if branch == 'compress' else 'expansion'})")
        ax.set_ylim(-0.02, 1.02)
        if ax.get_legend_handles_labels()[0]:  # a branch that was not run has no curves
            ax.legend(frameon=False, fontsize=6)
    save_figure(fig, path)


def run_fig3b(*, input, output, params, wildcards, threads=1):
    plot_fig3b(_inputs(input, "remc"), output["png"])


def run_fig5(*, input, output, params, wildcards, threads=1):
    """Fig. 5b, c (shapes module) and 5d (quasi-2D runs)."""
    from cgml.plotting.anisotropic_shapes import plot_fig5b, plot_fig5c

    sb = params["superball"]
    plot_fig5b(input["landscape"], output["fig5b"])
    plot_fig5c(input["parity"], input["metrics"], output["fig5c"])
    plot_fig5d(_inputs(input, "quasi2d"), float(sb["exponent"]), float(sb["sigma"]), output["fig5d"])


def run_fig7(*, input, output, params, wildcards, threads=1):
    """Fig. 7a-c (shapes module) and 7d-e (EOS runs, inputs ``eos_<potential>_<branch>``)."""
    from cgml.plotting.anisotropic_shapes import plot_fig7a, plot_fig7b, plot_fig7c

    plot_fig7a(input["parity"], input["metrics"], output["fig7a"])
    plot_fig7b(input["contour"], output["fig7b"])
    plot_fig7c(input["potential"], output["fig7c"])
    eos = {tuple(k.split("_")[1:3]): v for k, v in input.items() if k.startswith("eos_")}
    plot_fig7de(eos, output["fig7de"])
