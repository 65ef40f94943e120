"""Rule np_fg_gr: FG core-core g(R)."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.bulk import run_fg_gr

run_script(snakemake, run_fg_gr)  # noqa: F821 (injected by Snakemake)
