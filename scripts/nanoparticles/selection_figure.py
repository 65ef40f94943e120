"""Rule np_selection_figure: the selection trace."""
from cgml.entry import run_script
from cgml.plotting.nanoparticles import run_selection_figure

run_script(snakemake, run_selection_figure)  # noqa: F821 (injected by Snakemake)
