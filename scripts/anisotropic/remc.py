"""Rule an_remc: replica-exchange MC of IPC clusters."""
from cgml.entry import run_script
from cgml.papers.anisotropic.simulations import run_remc

run_script(snakemake, run_remc)  # noqa: F821 (injected by Snakemake)
