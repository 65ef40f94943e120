"""Glue between Snakemake and the package: config checks, seeds, script entry points.

Nothing here computes physics. ``run_script`` is the one entry point every file in
``scripts/`` calls: it routes logging to the rule's log file, converts the
``snakemake`` object into plain dictionaries, and calls one package function, so
the logic is testable without Snakemake.
"""

from cgml.entry import run_script, rule_seed
from cgml.workflow.config import check_config, ConfigError

__all__ = ["run_script", "rule_seed", "check_config", "ConfigError"]
