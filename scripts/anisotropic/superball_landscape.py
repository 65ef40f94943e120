"""Rule an_superball_landscape: overlap-volume landscape."""
from cgml.entry import run_script
from cgml.papers.anisotropic.shapes import run_superball_landscape

run_script(snakemake, run_superball_landscape)  # noqa: F821 (injected by Snakemake)
