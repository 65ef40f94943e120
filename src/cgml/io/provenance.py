"""Provenance records: what made a result file.

``provenance(params, seed)`` returns a dictionary with the parameters, the seed,
the package version, a hash of the package source and the git revision of the
working tree (``"unknown"`` outside a git checkout), plus a UTC time stamp that
is excluded from comparisons of reruns.
"""

from __future__ import annotations

import datetime as _dt
import functools
import subprocess
from pathlib import Path
from typing import Any, Mapping

import cgml


@functools.lru_cache(maxsize=1)
def git_revision() -> str:
    """Return ``git describe --always --dirty`` of the repository holding this package."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=12"],
            cwd=here, capture_output=True, text=True, timeout=10, check=True,
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance(params: Mapping[str, Any] | None = None, seed: int | None = None, **extra: Any) -> dict:
    """Return the provenance record for a result file."""
    record = {
        "package": "cgml",
        "version": cgml.__version__,
        "source_hash": cgml.source_hash(),
        "git_revision": git_revision(),
        "seed": seed,
        "params": dict(params or {}),
        "created_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    record.update(extra)
    return record


def job_provenance(params: Mapping[str, Any], wildcards: Mapping[str, Any] | None = None,
                   **extra: Any) -> dict:
    """The provenance record of a rule's output: every param the rule passed (the config
    sections its function reads; ``params['seed']`` as the seed), its wildcards, and
    ``extra`` (values the job derived, e.g. the input files it read)."""
    params = dict(params)
    if wildcards is not None:
        params["wildcards"] = dict(wildcards)
    seed = params.get("seed")
    return provenance(params, seed=None if seed is None else int(seed), **extra)
