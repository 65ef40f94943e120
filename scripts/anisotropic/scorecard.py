"""Rule an_scorecard: model table and scorecard."""
from cgml.entry import run_script
from cgml.papers.anisotropic.report import run_scorecard

run_script(snakemake, run_scorecard)  # noqa: F821 (injected by Snakemake)
