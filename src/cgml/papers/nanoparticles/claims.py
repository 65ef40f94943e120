"""Replication claims of Giunta et al., ACS Nano 2023, with tolerances per scale.

Tolerances (absolute, in the quantity's unit) are our judgement of what each scale
can resolve: laptop runs are ~100x shorter than the paper's, so their mean forces
carry larger statistical errors. Evidence paths are relative to the repository root
with ``{scale}`` filled in by :func:`claims_for`.
"""

from __future__ import annotations

from cgml.papers.scorecard import Claim

PAPER = "nanoparticles"
FIG2 = "results/{scale}/nanoparticles/figures/fig2_pair_pmf.png"
TABLE = "results/{scale}/nanoparticles/tables/table_ml_models.csv"
FIG4 = "results/{scale}/nanoparticles/figures/fig4_cluster_energies.png"
FIG5 = "results/{scale}/nanoparticles/figures/fig5_triplets.png"
FIG6 = "results/{scale}/nanoparticles/figures/fig6_eos.png"
FIG6C = "results/{scale}/nanoparticles/figures/fig6_coexistence.png"
FIG7 = "results/{scale}/nanoparticles/figures/fig7_gr.png"

def _model_claims(model: str, solvent: str, n_sf: int, r2: float, rmse: float) -> list[Claim]:
    """N_SF, R^2 and RMSE of one fitted model (the paper's text), with per-scale tolerances."""
    name = model.upper()
    wide = model == "ml12"  # many-body data are noisier: wider tolerances
    return [
        Claim(PAPER, f"{model}_r2_s{solvent}", f"R^2 of {name} mean forces, s={solvent} (text)", r2, "1", TABLE,
              tolerance={"laptop": 0.1 if wide else 0.05, "paper": 0.01 if wide else 0.005}),
        Claim(PAPER, f"{model}_rmse_s{solvent}", f"RMSE of {name} mean forces, s={solvent} (text)", rmse,
              "kT/sigma_c", TABLE, tolerance={"laptop": 40.0 if wide else 30.0, "paper": 10.0 if wide else 5.0},
              mode="max"),
        Claim(PAPER, f"{model}_nsf_s{solvent}", f"N_SF selected for {name}, s={solvent} (text)", n_sf, "1", TABLE,
              tolerance={"paper": 40 if wide else 15}),
    ]


_CLAIMS = [
    Claim(PAPER, "pmf_min_depth_s0.3", "min Phi^(2) from FG mean forces, s=0.3 (Fig. 2)", -3.3, "kT", FIG2,
          tolerance={"laptop": 1.5, "paper": 0.5}),
    Claim(PAPER, "pmf_min_position_s0.3", "R_IJ of the PMF minimum, s=0.3 (Fig. 2)", 1.88, "sigma_c", FIG2,
          tolerance={"laptop": 0.15, "paper": 0.05}),
    # where the paper puts the minimum the FG mean force must vanish; a long run tells a
    # sampling gap (the force drifts toward 0) from a model difference (it does not)
    Claim(PAPER, "fg_force_at_paper_minimum_s0.3",
          "FG mean force at R_IJ = 1.88 sigma_c, s=0.3, interpolated (zero at the paper's PMF minimum)", 0.0,
          "kT/sigma_c", FIG2, tolerance={"laptop": 5.0, "paper": 2.0}),
    Claim(PAPER, "pmf_repulsive_s0.1", "min Phi^(2) from FG mean forces, s=0.1: purely repulsive (Fig. 2)",
          0.0, "kT", FIG2, tolerance={"laptop": 0.5, "paper": 0.2}, mode="min"),
    Claim(PAPER, "ml2_min_depth_s0.3", "min Phi_ML2 on fresh configurations, s=0.3 (Fig. 2)", -3.3, "kT", FIG2,
          tolerance={"laptop": 1.5, "paper": 0.5}),
    *[Claim(PAPER, f"ml2_vs_fg_well_s{s}",
            "max |Phi_ML2 - Phi_FG| for 1.8 <= R <= 2.5 sigma_c, the well region (Fig. 2: ML2 follows FG)", 0.0,
            "kT", FIG2, tolerance={"laptop": 1.0, "paper": 0.5}, mode="max") for s in ("0.1", "0.3")],
    # the fitted models of the text: N_SF, R^2, RMSE [kT/sigma_c] per model and solvent
    *[c for (model, s), (n_sf, r2, rmse) in {("ml2", "0.1"): (46, 0.999, 14.78), ("ml2", "0.3"): (38, 0.999, 12.80),
                                             ("ml12", "0.1"): (123, 0.998, 29.30),
                                             ("ml12", "0.3"): (138, 0.997, 21.19)}.items()
      for c in _model_claims(model, s, n_sf, r2, rmse)],
    *[Claim(PAPER, f"ml12_two_body_vs_ml2_s{s}",
            "max |Phi_ML12 - Phi_ML2| of two particles, max(1.4, closest pair in the ML12 data) <= R <= 2.6 "
            "sigma_c, no shift (Fig. 4 right)", 0.0,
            "kT", FIG4, tolerance={"laptop": 2.0, "paper": 0.5}, mode="max") for s in ("0.1", "0.3")],
    Claim(PAPER, "phi3_linear_s0.3", "max |Phi^(3+)| in the linear (L) configuration (Fig. 5; pairs within the ML12 data)",
          0.0, "kT", FIG5,
          tolerance={"laptop": 1.0, "paper": 0.3}, mode="max"),
    Claim(PAPER, "phi3_triangle_short_s0.3",
          "Phi^(3+) of the triangle (T) at the shortest h_I: repulsive (Fig. 5)", 0.0, "kT", FIG5,
          tolerance={"laptop": 0.0, "paper": 0.0}, mode="min"),
    Claim(PAPER, "freezing_density_ml2_s0.1",
          "densest fluid state on compression (solid fraction < 0.5), ML2, s=0.1: fluid below 0.10 (Fig. 6)",
          0.10, "sigma_c^-3", FIG6, tolerance={"laptop": 0.03, "paper": 0.01}),
    Claim(PAPER, "melting_density_ml2_s0.1",
          "least dense FCC state on expansion (solid fraction >= 0.5), ML2, s=0.1: FCC at 0.11 (Fig. 6)",
          0.11, "sigma_c^-3", FIG6, tolerance={"laptop": 0.03, "paper": 0.01}),
    # our check of the same transition: the coexistence itself, from free energies (Frenkel-Ladd
    # crystal, fluid from the ideal gas; N as the laptop / paper eos), which the branch limits
    # above only bracket
    Claim(PAPER, "coexistence_fluid_density_ml2_s0.1",
          "fluid density at fluid-FCC coexistence from free energies (our check), ML2, s=0.1: fluid below 0.10 "
          "(Fig. 6)", 0.10, "sigma_c^-3", FIG6C, tolerance={"laptop": 0.03, "paper": 0.01}),
    Claim(PAPER, "coexistence_solid_density_ml2_s0.1",
          "FCC density at fluid-FCC coexistence from free energies (our check), ML2, s=0.1: FCC at 0.11 (Fig. 6)",
          0.11, "sigma_c^-3", FIG6C, tolerance={"laptop": 0.03, "paper": 0.01}),
    Claim(PAPER, "fcc_density_ml2_s0.3", "FCC density at the lowest pressure on expansion, ML2, s=0.3 (Fig. 6)",
          0.21, "sigma_c^-3", FIG6, tolerance={"laptop": 0.03, "paper": 0.01}),
    Claim(PAPER, "fcc_density_ml12_s0.3", "FCC density at the lowest pressure on expansion, ML12, s=0.3 (Fig. 6)",
          0.21, "sigma_c^-3", FIG6, tolerance={"laptop": 0.03, "paper": 0.01}),
    *[Claim(PAPER, f"gr_rms_{model}_rho{rho}",
            f"RMS difference of g(R), FG vs MC with {model.upper()}, rho sigma^3 = {rho} (Fig. 7)", 0.0, "1", FIG7,
            tolerance={"laptop": 0.3, "paper": 0.1}, mode="max")
      for model in ("ml2", "ml12") for rho in ("0.07", "0.12", "0.18")],
    # scale-independent checks: exact properties of the learned model
    Claim(PAPER, "ml2_dilute_limit", "max |Phi_ML2| for R > R_c = 2.5 sigma_c (Eq. 8, no constant)", 0.0, "kT",
          TABLE, tolerance={"toy": 1e-12, "laptop": 1e-12, "paper": 1e-12}, kind="check"),
    Claim(PAPER, "ml2_force_sum", "max |F_1 + F_2| of the ML2 forces (Newton's third law)", 0.0,
          "kT/sigma_c", TABLE, tolerance={"toy": 1e-9, "laptop": 1e-9, "paper": 1e-9}, kind="check"),
]


def claims_for(scale: str, solvents=None, densities=None, coexistence_solvents=None) -> list[Claim]:
    """The claims with evidence paths for ``scale``, restricted to the configured solvents and densities
    (and the coexistence claims to ``coexistence.solvents``)."""
    from dataclasses import replace

    out = []
    for c in _CLAIMS:
        if coexistence_solvents is not None and c.claim.startswith("coexistence_"):
            s = c.claim.rsplit("_s", 1)[1]
            if float(s) not in [float(x) for x in coexistence_solvents]:
                continue
        if solvents is not None and "_s0." in c.claim:
            s = c.claim.rsplit("_s", 1)[1]
            if float(s) not in [float(x) for x in solvents]:
                continue
        if densities is not None and "_rho" in c.claim:
            d = c.claim.rsplit("_rho", 1)[1]
            if float(d) not in [float(x) for x in densities]:
                continue
        out.append(replace(c, evidence=c.evidence.format(scale=scale)))
    return out
