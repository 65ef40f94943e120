"""Helpers for the workflow tests: run Snakemake with a time bound, read the SLURM stand-in state.

Every Snakemake call goes through :func:`run_snakemake`, which starts Snakemake in
its own process group and kills the whole group when the time bound passes, so a
test fails instead of hanging. Jobs started by the SLURM stand-ins live in their
own process groups; the ``slurm_env`` fixture kills any that are still alive when
the test ends.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STANDINS = Path(__file__).resolve().parent / "standins"
# the tools of the environment that runs pytest (the project's virtualenv)
BIN = Path(sys.executable).parent
COPIED = ("Snakefile", "workflow", "scripts", "config", "envs")

sys.path.insert(0, str(STANDINS))
import slurm_standin  # noqa: E402


def tool(name: str) -> str:
    """Path of a console script of the running environment (snakemake, snakefmt)."""
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not found next to {sys.executable} nor on PATH")
    return found


@dataclass(frozen=True)
class Run:
    """Outcome of one bounded command: exit code, merged stdout+stderr, wall time [s]."""

    args: list
    returncode: int
    output: str
    seconds: float
    timed_out: bool

    def describe(self, tail: int = 80) -> str:
        lines = self.output.splitlines()[-tail:]
        state = "TIMED OUT" if self.timed_out else f"exit {self.returncode}"
        return f"$ {' '.join(map(str, self.args))}\n[{state} after {self.seconds:.0f} s]\n" + "\n".join(lines)


def copy_repo(dest: Path) -> Path:
    """Copy the workflow's own files (no results/, no .snakemake/) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".snakemake"))
        else:
            shutil.copy2(source, dest / name)
    return dest


def run_bounded(args: list, cwd: Path, timeout: float, env: dict | None = None) -> Run:
    """Run a command in its own process group; stop the group after ``timeout`` s.

    The group first gets SIGINT (Snakemake's Ctrl-C: it cancels its cluster jobs
    with scancel; on SIGTERM it would wait for them to finish), then, after 15 s,
    SIGKILL.
    """
    start = time.monotonic()
    proc = subprocess.Popen(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    timed_out = False
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        output = ""
        for sig, grace_s in ((signal.SIGINT, 15), (signal.SIGKILL, 10)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                output, _ = proc.communicate(timeout=grace_s)
                break
            except subprocess.TimeoutExpired:
                continue
    return Run(list(args), proc.returncode, output or "", time.monotonic() - start, timed_out)


def run_snakemake(args: list, cwd: Path, timeout: float, env: dict | None = None) -> Run:
    return run_bounded([tool("snakemake"), *args], cwd, timeout, env)


def standin_jobs(state: Path) -> list[dict]:
    """Every job the stand-in sbatch accepted, in submission order, with its final state."""
    jobs = []
    for key in slurm_standin.job_keys(state):
        job = slurm_standin.load_job(state, key)
        job["state"], job["exit_code"] = slurm_standin.job_state(state, key)
        jobs.append(job)
    return jobs


def standin_calls(state: Path, command: str | None = None) -> list[dict]:
    """The stand-in calls recorded in calls.jsonl (optionally of one command)."""
    path = state / "calls.jsonl"
    if not path.exists():
        return []
    calls = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [c for c in calls if command is None or c["command"] == command]
