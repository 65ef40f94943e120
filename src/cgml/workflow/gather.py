"""Rule ``scorecard``: concatenate the per-paper scorecards."""

from __future__ import annotations

from cgml.io import provenance, write_csv
from cgml.papers.scorecard import gather


def run_gather_scorecard(*, input, output, params, wildcards, threads=1):
    paths = [v for k, v in sorted(input.items()) if k.startswith("_")]
    write_csv(output["scorecard"], gather(paths), provenance({"inputs": paths}))
