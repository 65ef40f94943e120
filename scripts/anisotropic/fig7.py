"""Rule an_fig7: Fig. 7a-e."""
from cgml.entry import run_script
from cgml.plotting.anisotropic_simulations import run_fig7

run_script(snakemake, run_fig7)  # noqa: F821 (injected by Snakemake)
