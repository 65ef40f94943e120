"""Rule scorecard: gather the per-paper scorecards into one."""
from cgml.entry import run_script
from cgml.workflow.gather import run_gather_scorecard

run_script(snakemake, run_gather_scorecard)  # noqa: F821 (injected by Snakemake)
