"""Rule an_patchy_landscape: landscapes and IPC curves."""
from cgml.entry import run_script
from cgml.papers.anisotropic.patchy import run_patchy_landscape

run_script(snakemake, run_patchy_landscape)  # noqa: F821 (injected by Snakemake)
