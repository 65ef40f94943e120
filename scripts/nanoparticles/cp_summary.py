"""Rule np_cp_summary: g(r) distances and checks of Fig. 8."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.colloid_polymer import run_cp_summary

run_script(snakemake, run_cp_summary)  # noqa: F821 (injected by Snakemake)
