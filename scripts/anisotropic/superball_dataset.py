"""Rule an_superball_dataset: overlap volumes of depletion zones."""
from cgml.entry import run_script
from cgml.papers.anisotropic.shapes import run_superball_dataset

run_script(snakemake, run_superball_dataset)  # noqa: F821 (injected by Snakemake)
