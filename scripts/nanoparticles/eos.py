"""Rule np_eos: one branch of the NPT equation of state."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.bulk import run_eos

run_script(snakemake, run_eos)  # noqa: F821 (injected by Snakemake)
