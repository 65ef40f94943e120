"""Replication claims of Campos-Villalobos et al., npj Comput. Mater. 2024, with
tolerances per scale.

Tolerances are our judgement of what each scale can resolve. N_s depends on the
stopping rule of the selection (the paper stops "when the correlation stops increasing
appreciably"), so N_s claims are compared at paper scale only and loosely, and with the
N_s where our R^2-gain stop ends the selection: the models' selections are capped at the
paper's N_s, which would make a capped N_s equal the paper's by construction. Evidence
paths are relative to the repository root with ``{scale}`` filled in by :func:`claims_for`.
"""

from __future__ import annotations

from cgml.papers.scorecard import Claim

PAPER = "anisotropic"
TABLE = "results/{scale}/anisotropic/tables/table_models.csv"
FIG3 = "results/{scale}/anisotropic/figures/fig3b_remc_clusters.png"
FIG5 = "results/{scale}/anisotropic/figures/fig5d_quasi2d.png"
FIG7 = "results/{scale}/anisotropic/figures/fig7de_eos.png"

#: the paper's phase boundaries of the spherocylinder EOS [rho sigma^3] (text, Fig. 7)
PHASE_BOUNDARIES = {("fg", "isotropic_max"): 0.128, ("cg", "isotropic_max"): 0.119,
                    ("fg", "smectic_min"): 0.143, ("cg", "smectic_min"): 0.141,
                    ("fg", "solid_min"): 0.159, ("cg", "solid_min"): 0.163}

#: how our N_s is read (report.model_table): the capped selections' own stop
_GAIN_STOP = "ours: where the R^2-gain stop ends the selection, cap lifted"

_CLAIMS = [
    Claim(PAPER, "jc_n_s", f"N_s of the JC model (text; {_GAIN_STOP})", 106, "1", TABLE, tolerance={"paper": 40}),
    Claim(PAPER, "ipc_n_s", f"N_s of the IPC model (text; {_GAIN_STOP})", 64, "1", TABLE, tolerance={"paper": 30}),
    Claim(PAPER, "superball_n_s", f"N_s of the overlap-volume model (text; {_GAIN_STOP})", 30, "1", TABLE,
          tolerance={"paper": 10}),
    Claim(PAPER, "superball_rmse", "test RMSE of the overlap-volume model (text)", 0.0023, "sigma^3", TABLE,
          tolerance={"laptop": 0.005, "paper": 0.001}, mode="max"),
    Claim(PAPER, "spherocylinder_n_s", f"N_s of the contact-function model (text; {_GAIN_STOP})", 64, "1", TABLE,
          tolerance={"paper": 20}),
    Claim(PAPER, "spherocylinder_rmse", "test RMSE of the contact-function model (text)", 0.0129, "sigma",
          TABLE, tolerance={"laptop": 0.01, "paper": 0.005}, mode="max"),
    *[Claim(PAPER, f"remc_energy_difference_n{n}",
            f"|<U>_CG - <U>_FG| / |<U>_FG| per particle at T_0, N = {n} IPCs (text: 2-5%)", 0.05, "1", FIG3,
            tolerance={"laptop": 0.05, "paper": 0.0}, mode="max") for n in (4, 5)],
    *[Claim(PAPER, f"remc_cg_minimum_fg_error_n{n}",
            f"|U_CG - U_FG| / |U_FG| of the lowest CG cluster, N = {n} (our check of the CG model "
            "at its own minimum, not a number of the paper)", 0.05, "1", FIG3,
            tolerance={"laptop": 0.05, "paper": 0.0}, mode="max") for n in (4, 5)],
    Claim(PAPER, "lambda1_bond_angle", "mean bond angle of the assembled Lambda_1 lattice (text): smallest bond angle of particles with >= 4 bonds, second half of the run", 53.0, "deg",
          FIG5, tolerance={"laptop": 6.0, "paper": 3.0}),
    Claim(PAPER, "lambda1_interior_fraction", "fraction of particles inside a crystallite (>= 4 bonds), "
          "second half of the run, mean of both starts (our reading of the assembled Lambda_1 lattice "
          "of Fig. 5d: at least half the particles in the crystal)", 0.5, "1", FIG5,
          tolerance={"laptop": 0.0, "paper": 0.0}, mode="min"),
    *[Claim(PAPER, f"sc_{potential}_{boundary}", f"{label} of the {'HSC (FG)' if potential == 'fg' else 'CG'} "
            "spherocylinder EOS (text)", value, "rho sigma^3", FIG7, tolerance={"laptop": 0.02, "paper": 0.008})
      for (potential, boundary), value in PHASE_BOUNDARIES.items()
      for label in [{"isotropic_max": "densest isotropic state", "smectic_min": "first smectic state",
                     "solid_min": "first solid state"}[boundary]]],
]


def claims_for(scale: str) -> list[Claim]:
    """The claims with ``{scale}`` filled into their evidence paths."""
    from dataclasses import replace

    return [replace(c, evidence=c.evidence.format(scale=scale)) for c in _CLAIMS]
