"""Fixtures for the workflow tests: a repository copy and the SLURM stand-in environment.

Helpers (bounded Snakemake runs, stand-in state) live in snakemake_runner.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from snakemake_runner import BIN, STANDINS, copy_repo, slurm_standin


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """The workflow's own files (no results/, no .snakemake/) copied into tmp_path/repo."""
    return copy_repo(tmp_path / "repo")


@pytest.fixture
def slurm_env(tmp_path: Path):
    """Environment with the SLURM stand-ins first on PATH and a fresh state directory.

    Yields (env, state_dir). At teardown every stand-in job still alive is killed.
    """
    state = tmp_path / "slurm-state"
    state.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM_", "SBATCH_", "SRUN_", "CGML_STANDIN_"))}
    env["PATH"] = os.pathsep.join([str(STANDINS), str(BIN), env.get("PATH", "")])
    env["CGML_SLURM_STANDIN_DIR"] = str(state)
    try:
        yield env, state
    finally:
        if (state / "jobs").exists():
            leftover = slurm_standin.cancel_all(state)
            assert not leftover, f"stand-in jobs still running at the end of the test were killed: {leftover}"
