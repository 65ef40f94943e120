"""Rule an_fig3: Fig. 3a, c."""
from cgml.entry import run_script
from cgml.plotting.anisotropic_patchy import run_fig3

run_script(snakemake, run_fig3)  # noqa: F821 (injected by Snakemake)
