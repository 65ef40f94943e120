"""Rule np_fig5: Fig. 5."""
from cgml.entry import run_script
from cgml.plotting.nanoparticles import run_fig5

run_script(snakemake, run_fig5)  # noqa: F821 (injected by Snakemake)
