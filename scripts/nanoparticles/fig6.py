"""Rule np_fig6: Fig. 6."""
from cgml.entry import run_script
from cgml.plotting.nanoparticles import run_fig6

run_script(snakemake, run_fig6)  # noqa: F821 (injected by Snakemake)
