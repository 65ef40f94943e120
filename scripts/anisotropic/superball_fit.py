"""Rule an_superball_fit: overlap-volume model."""
from cgml.entry import run_script
from cgml.papers.anisotropic.shapes import run_superball_fit

run_script(snakemake, run_superball_fit)  # noqa: F821 (injected by Snakemake)
