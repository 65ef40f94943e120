"""Rule an_patchy_dataset: FG site-sum energies of patchy pairs."""
from cgml.entry import run_script
from cgml.papers.anisotropic.patchy import run_patchy_dataset

run_script(snakemake, run_patchy_dataset)  # noqa: F821 (injected by Snakemake)
