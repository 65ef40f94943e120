"""Atomic file writes: a result appears whole or not at all.

Each writer creates a temporary file next to the target, writes it, flushes it to
disk (``fsync``) and renames it over the target (``os.replace`` is atomic on POSIX
within one file system), then flushes the directory entry. An exception while
writing removes the temporary file and leaves any earlier target untouched. The
result gets the permissions a plain ``open(target, "w")`` would give (0666 less the
umask), not the owner-only ones of a temporary file, so a group on a shared cluster
can read it.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator, Mapping

import numpy as np


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path; on success rename it to ``target``.

    ``suffix`` defaults to the target's own suffix so that libraries that choose a
    format by file extension (matplotlib, numpy) see the right one.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=suffix if suffix is not None else target.suffix,
        dir=target.parent,
    )
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())
        _fsync(tmp_path)
        os.replace(tmp_path, target)
        _fsync(target.parent)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _umask() -> int:
    """The process's umask, read without changing it where Linux allows (``os.umask``
    can only be read by setting it, which races with other threads creating files)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync(path: Path) -> None:
    """Flush a file's data (or a directory's entries) to disk; a no-op where the platform
    cannot open a directory."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    return value


def write_json(target: str | os.PathLike, data: Mapping[str, Any]) -> Path:
    """Write ``data`` as indented JSON, atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(_jsonable(data), indent=2, sort_keys=True) + "\n")
    return Path(target)


def write_npz(target: str | os.PathLike, meta: Mapping[str, Any], **arrays: np.ndarray) -> Path:
    """Write arrays and a JSON provenance record (key ``meta``) to one ``.npz``."""
    if "meta" in arrays:
        raise ValueError("'meta' is reserved for the provenance record")
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as handle:
            np.savez(handle, meta=np.array(json.dumps(_jsonable(meta), sort_keys=True)), **arrays)
    return Path(target)


def read_npz(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read a file written by :func:`write_npz`: ``(arrays, meta)``. A file that cannot be
    read (truncated, corrupt, not an ``.npz``) raises ValueError naming it."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files if k != "meta"}
            meta = json.loads(str(data["meta"])) if "meta" in data.files else {}
    except FileNotFoundError:
        raise
    except Exception as err:  # zipfile.BadZipFile, EOFError, a bad CRC, broken JSON, ...
        raise ValueError(f"{path}: unreadable .npz ({type(err).__name__}: {err})") from err
    return arrays, meta


def write_csv(target: str | os.PathLike, frame, meta: Mapping[str, Any] | None = None) -> Path:
    """Write a pandas DataFrame as CSV, atomically.

    The provenance record, if given, goes to a sidecar ``<target>.meta.json`` so the
    CSV itself stays plain (columns exactly as documented).
    """
    target = Path(target)
    if meta is not None:  # first: the CSV, the declared output, appears last
        write_json(target.with_name(target.name + ".meta.json"), meta)
    with atomic_path(target) as tmp:
        frame.to_csv(tmp, index=False, float_format="%.10g")
    return target
