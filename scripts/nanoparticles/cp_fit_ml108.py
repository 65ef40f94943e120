"""Rule np_cp_fit_ml108: stepwise selection and fit of ML108."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.colloid_polymer import run_cp_fit_ml108

run_script(snakemake, run_cp_fit_ml108)  # noqa: F821 (injected by Snakemake)
