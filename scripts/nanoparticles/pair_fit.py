"""Rule np_pair_fit: stepwise selection and fit of ML2."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.pipeline import run_pair_fit

run_script(snakemake, run_pair_fit)  # noqa: F821 (injected by Snakemake)
