"""Rule np_fg_bulk: FG bulk MD with diffusing rigid cores."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.fine_grained import run_fg_bulk

run_script(snakemake, run_fg_bulk)  # noqa: F821 (injected by Snakemake)
