"""Rule np_table: the table of fitted models."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.report import run_table

run_script(snakemake, run_table)  # noqa: F821 (injected by Snakemake)
