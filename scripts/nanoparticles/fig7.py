"""Rule np_fig7: Fig. 7."""
from cgml.entry import run_script
from cgml.plotting.nanoparticles import run_fig7

run_script(snakemake, run_fig7)  # noqa: F821 (injected by Snakemake)
