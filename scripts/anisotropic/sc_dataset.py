"""Rule an_sc_dataset: spherocylinder contact distances."""
from cgml.entry import run_script
from cgml.papers.anisotropic.shapes import run_spherocylinder_dataset

run_script(snakemake, run_spherocylinder_dataset)  # noqa: F821 (injected by Snakemake)
