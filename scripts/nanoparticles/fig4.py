"""Rule np_fig4: Fig. 4."""
from cgml.entry import run_script
from cgml.plotting.nanoparticles import run_fig4

run_script(snakemake, run_fig4)  # noqa: F821 (injected by Snakemake)
