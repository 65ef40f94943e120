"""Rule np_fig2: Fig. 2 of the nanoparticle paper."""
from cgml.entry import run_script
from cgml.plotting.nanoparticles import run_fig2

run_script(snakemake, run_fig2)  # noqa: F821 (injected by Snakemake)
