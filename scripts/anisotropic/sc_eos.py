"""Rule an_sc_eos: spherocylinder NPT equation of state."""
from cgml.entry import run_script
from cgml.papers.anisotropic.simulations import run_sc_eos

run_script(snakemake, run_sc_eos)  # noqa: F821 (injected by Snakemake)
