"""Rule an_sc_fit: contact-function model."""
from cgml.entry import run_script
from cgml.papers.anisotropic.shapes import run_spherocylinder_fit

run_script(snakemake, run_spherocylinder_fit)  # noqa: F821 (injected by Snakemake)
