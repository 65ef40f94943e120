"""Rule an_fig5: Fig. 5b-d."""
from cgml.entry import run_script
from cgml.plotting.anisotropic_simulations import run_fig5

run_script(snakemake, run_fig5)  # noqa: F821 (injected by Snakemake)
