"""Resume a ladder of stages (the pressures of an equation of state) after a killed job.

A long Monte Carlo job that walks through stages, each started from the state the
previous one left and with its own seed, can save that state after every stage. When
the job is killed (a cluster's wall-time limit, a node failure, Ctrl-C), its rerun
loads the last saved stage and continues with the next: the finished output is the
same as an uninterrupted run's, because nothing else carries over between stages.

The checkpoint is a hidden file next to the job's first output,
``.<output name>.checkpoint.npz``, written atomically; Snakemake does not know it, so it
survives the failed job. It holds a key, the hash of everything the job's result
depends on (its params, wildcards, the contents of its input files and the package code
the job runs): a checkpoint with another key (a changed config, seed, model or code) is
deleted and the job starts from the beginning. A bug fixed in the engine therefore never
meets stages the buggy engine computed. The job deletes its checkpoint once its outputs are written.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import numpy as np

from cgml.io.atomic import atomic_path

log = logging.getLogger(__name__)

_META = "__checkpoint_meta__"


def _paths(files) -> Iterator:
    """The file names in ``files``, nested lists (Snakemake's Namedlist of an input that
    is a list, possibly empty) flattened."""
    for item in files:
        if isinstance(item, (str, os.PathLike)):
            yield item
        else:
            yield from _paths(item)


def _key(identity: Any, files: Iterable, code: str) -> str:
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode())
    digest.update(b"\0code:" + code.encode())
    for path in _paths(files):
        digest.update(b"\0" + Path(path).read_bytes())
    return digest.hexdigest()


class StageCheckpoint:
    """The saved state of a job after its last finished stage.

    ``target``   the job's output the checkpoint sits next to;
    ``identity`` JSON-able description of the job (params, wildcards);
    ``files``    input files whose contents the result depends on (nested lists, e.g. an
                 empty Snakemake input, are flattened);
    ``code``     module names (``cgml.x.y``) whose import closure runs the job, usually the
                 caller's ``__name__``: :func:`cgml.source_hash` of them enters the key.
                 Empty: the whole package.
    """

    def __init__(self, target: str | os.PathLike, identity: Any, files: Iterable = (),
                 code: Iterable[str] = ()):
        import cgml

        if isinstance(code, str):
            code = (code,)
        target = Path(target)
        self.path = target.with_name(f".{target.name}.checkpoint.npz")
        self.key = _key(identity, files, cgml.source_hash(*code))

    def load(self) -> tuple[int, dict, dict] | None:
        """``(stage, meta, arrays)`` of the last saved stage, or None to start afresh
        (no checkpoint, another job's, or an unreadable file, which is deleted)."""
        if not self.path.exists():
            return None
        try:
            with np.load(self.path, allow_pickle=False) as data:
                meta = json.loads(str(data[_META]))
                arrays = {name: data[name] for name in data.files if name != _META}
        except Exception as err:  # truncated or foreign file: it cannot be trusted
            log.warning("ignoring unreadable checkpoint %s (%s)", self.path, err)
            self.clear()
            return None
        if meta.get("key") != self.key:
            log.info("checkpoint %s belongs to other parameters or inputs: starting afresh", self.path)
            self.clear()
            return None
        log.info("resuming after stage %d from %s", meta["stage"], self.path)
        return int(meta["stage"]), meta["meta"], arrays

    def save(self, stage: int, meta: Mapping, **arrays: np.ndarray) -> None:
        """Record that ``stage`` is finished; ``meta`` (JSON-able) and ``arrays`` are what
        the next stage needs. Atomic: a kill while saving leaves the previous checkpoint."""
        header = json.dumps({"key": self.key, "stage": int(stage), "meta": meta}, default=float)
        with atomic_path(self.path) as tmp:
            with open(tmp, "wb") as fh:
                np.savez(fh, **{_META: np.array(header)}, **arrays)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def state_to_arrays(state, prefix: str = "state.") -> dict[str, np.ndarray]:
    """A simulation state (a dataclass of arrays and numbers, nested dataclasses such as
    its cell list included) as flat arrays for :meth:`StageCheckpoint.save`;
    :func:`state_from_arrays` rebuilds it exactly, so a resumed run sums its energies in
    the same order as the uninterrupted one."""
    import dataclasses

    out: dict[str, np.ndarray] = {}
    for field in dataclasses.fields(state):
        value = getattr(state, field.name)
        key = f"{prefix}{field.name}"
        if dataclasses.is_dataclass(value):
            out.update(state_to_arrays(value, key + "."))
        elif value is None:
            out[key + ".none"] = np.zeros(0)
        else:
            out[key] = np.asarray(value).copy()
    return out


def state_from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str = "state."):
    """Inverse of :func:`state_to_arrays` for the dataclass ``cls``."""
    import dataclasses
    import typing

    hints = typing.get_type_hints(cls)
    kwargs = {}
    for field in dataclasses.fields(cls):
        key, kind = f"{prefix}{field.name}", hints[field.name]
        if key + ".none" in arrays:
            kwargs[field.name] = None
        elif dataclasses.is_dataclass(kind):
            kwargs[field.name] = state_from_arrays(kind, arrays, key + ".")
        elif kind in (float, int, bool):
            kwargs[field.name] = kind(arrays[key][()])
        else:
            kwargs[field.name] = np.array(arrays[key])
    return cls(**kwargs)
