"""Rule an_quasi2d: quasi-2D superball MC."""
from cgml.entry import run_script
from cgml.papers.anisotropic.simulations import run_quasi2d

run_script(snakemake, run_quasi2d)  # noqa: F821 (injected by Snakemake)
