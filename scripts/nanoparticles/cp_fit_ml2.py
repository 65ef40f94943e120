"""Rule np_cp_fit_ml2: stepwise selection and fit of ML2."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.colloid_polymer import run_cp_fit_ml2

run_script(snakemake, run_cp_fit_ml2)  # noqa: F821 (injected by Snakemake)
