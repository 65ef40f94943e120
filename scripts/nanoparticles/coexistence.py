"""Rule np_coexistence: fluid-FCC coexistence of ML2 from free energies."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.coexistence import run_coexistence

run_script(snakemake, run_coexistence)  # noqa: F821 (injected by Snakemake)
