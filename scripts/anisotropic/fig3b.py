"""Rule an_fig3b: Fig. 3b."""
from cgml.entry import run_script
from cgml.plotting.anisotropic_simulations import run_fig3b

run_script(snakemake, run_fig3b)  # noqa: F821 (injected by Snakemake)
