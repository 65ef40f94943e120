"""Rule np_cp_cg: NVT MC of the colloids with u_cc + Phi_ML, g(r)."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.colloid_polymer import run_cp_cg

run_script(snakemake, run_cp_cg)  # noqa: F821 (injected by Snakemake)
