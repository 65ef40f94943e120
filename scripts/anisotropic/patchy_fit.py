"""Rule an_patchy_fit: S-function pair model of the patchy energies."""
from cgml.entry import run_script
from cgml.papers.anisotropic.patchy import run_patchy_fit

run_script(snakemake, run_patchy_fit)  # noqa: F821 (injected by Snakemake)
