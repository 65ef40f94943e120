"""Rule an_fig2: Fig. 2."""
from cgml.entry import run_script
from cgml.plotting.anisotropic_patchy import run_fig2

run_script(snakemake, run_fig2)  # noqa: F821 (injected by Snakemake)
