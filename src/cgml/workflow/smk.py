"""Small helpers the Snakemake rule files import (kept out of the .smk files)."""

from __future__ import annotations

import functools

from cgml.entry import rule_seed

__all__ = ["rule_seed", "runtime_minutes", "lammps_runtime_minutes", "chained_request",
           "chained_lammps_request", "code_hash", "config_sections"]


@functools.lru_cache(maxsize=None)
def code_hash(*script_globs: str) -> str:
    """:func:`cgml.source_hash` of the package code the given rule scripts can run.

    ``script_globs``: glob patterns relative to the working directory (e.g.
    ``"scripts/nanoparticles/*.py"``). Every ``cgml`` module the scripts import is a root
    of the import closure; the scripts themselves are tracked by Snakemake. A paper's
    rules then rerun when its code or the shared code it uses changes, not when another
    paper's modules do.
    """
    import ast
    import glob

    import cgml

    modules = {"cgml.entry"}  # the entry point every script runs through
    paths = sorted(path for pattern in script_globs for path in glob.glob(pattern))
    if not paths:
        raise ValueError(f"code_hash: no rule scripts match {script_globs}")
    for path in paths:
        with open(path) as handle:
            tree = ast.parse(handle.read(), filename=path)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cgml"):
                modules.add(node.module)
            elif isinstance(node, ast.Import):
                modules.update(a.name for a in node.names if a.name.startswith("cgml"))
    return cgml.source_hash(*sorted(modules))


def runtime_minutes(seconds: float) -> int:
    """Wall-time request [min] for a job estimated at ``seconds`` on the machine its rates
    were measured on: twice the estimate plus 10 min (every sized rule uses this margin)."""
    return int(10 + 2 * float(seconds) / 60)


def lammps_runtime_minutes(steps: int, atoms: int, mpi_tasks: int = 1, atom_steps_per_second: float = 1.0e6) -> int:
    """Wall-time request [min] for a LAMMPS job: measured ~1e6 atom-steps/s per MPI task
    for the nanoparticle force field on one core (:func:`runtime_minutes` margin)."""
    return runtime_minutes(steps * atoms / (atom_steps_per_second * max(1, mpi_tasks)))


def chained_lammps_request(steps: int, atoms: int, mpi_tasks: int = 1,
                           max_job_minutes: int | None = None) -> tuple[int, int | None]:
    """``(runtime [min] per job attempt, retries)`` of a LAMMPS job a rerun resumes from
    its restart files (:func:`cgml.fg.lammps.run_chained_lammps_job`).

    Without a cap the whole run is one request and ``retries`` is None (the profile's
    value). With ``max_job_minutes`` (the cluster's wall-time limit) each attempt asks
    for at most that, and the job may be resubmitted often enough for the attempts to
    cover :func:`lammps_runtime_minutes` (which already doubles the estimate), plus one
    for a transient failure.
    """
    return chained_request(lammps_runtime_minutes(steps, atoms, mpi_tasks), max_job_minutes)


def chained_request(total_minutes: int, max_job_minutes: int | None = None) -> tuple[int, int | None]:
    """``(runtime [min] per attempt, retries)`` of a job that resumes from its checkpoints
    and needs ``total_minutes`` in all: the whole request, retries None (the profile's
    value), when it fits ``max_job_minutes`` (the cluster's wall-time limit) or there is
    no limit; else attempts of the limit, resubmitted often enough to cover the total,
    plus one for a transient failure."""
    total = int(total_minutes)
    if max_job_minutes is None or total <= int(max_job_minutes):
        return total, None
    cap = int(max_job_minutes)
    return cap, -(-total // cap)  # attempts - 1 resubmissions cover the run, +1 spare


def config_sections(config: dict, sections, drop=()) -> dict:
    """``{name: config[name]}`` for ``sections``, with every key in ``drop`` removed at any
    depth: the params of a rule that must not rerun when an analysis-only key changes
    (e.g. the LAMMPS jobs and ``n_blocks``, which only the mapping reads)."""
    drop = set(drop)

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in drop}
        return value

    return {name: strip(config[name]) for name in sections}
