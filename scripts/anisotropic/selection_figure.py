"""Rule an_selection_figure: selection traces."""
from cgml.entry import run_script
from cgml.plotting.anisotropic_patchy import run_selection_figure

run_script(snakemake, run_selection_figure)  # noqa: F821 (injected by Snakemake)
