"""Rule np_fig3: Fig. 3."""
from cgml.entry import run_script
from cgml.plotting.nanoparticles import run_fig3

run_script(snakemake, run_fig3)  # noqa: F821 (injected by Snakemake)
