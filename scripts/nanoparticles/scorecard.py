"""Rule np_scorecard: the paper's scorecard."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.report import run_scorecard

run_script(snakemake, run_scorecard)  # noqa: F821 (injected by Snakemake)
