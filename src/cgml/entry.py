"""``run_script(snakemake, function)``: the thin entry point for every rule script.

A module of its own, outside :mod:`cgml.workflow`, so that a rule's code hash
(:func:`cgml.workflow.smk.code_hash`) covers the entry point but not the config checks.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import traceback
from pathlib import Path
from typing import Any, Callable


def rule_seed(master_seed: int, *keys: Any) -> int:
    """Derive a reproducible 31-bit seed from the master seed and rule-specific keys."""
    text = ":".join([str(int(master_seed))] + [str(k) for k in keys])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little") & 0x7FFFFFFF


def _named(io) -> dict:
    """Snakemake's Namedlist -> {name: value} (positional entries as '_0', '_1', ...)."""
    out = {}
    names = dict(io.items()) if hasattr(io, "items") else {}
    out.update(names)
    for k, v in enumerate(list(io)):
        out.setdefault(f"_{k}", v)
    return out


def run_script(smk, function: Callable[..., Any]) -> None:
    """Call ``function(input=..., output=..., params=..., wildcards=..., threads=...)``.

    ``params`` is the rule's params without ``code`` (the source hash that triggers reruns).

    Logging (and any traceback) goes to ``log[0]`` if the rule has a log.
    Exceptions propagate, so Snakemake marks the job failed and removes its outputs.
    """
    log_path = smk.log[0] if len(smk.log) else None
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w"))
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    log = logging.getLogger("cgml.rule")
    log.info("rule %s wildcards %s", smk.rule, dict(smk.wildcards.items()))
    try:
        # ``code`` (the package source hash) only triggers reruns; it is not a physics parameter
        # (params are always named in this workflow: no positional '_k' aliases)
        params = {k: v for k, v in smk.params.items() if k != "code"}
        function(input=_named(smk.input), output=_named(smk.output), params=params,
                 wildcards=dict(smk.wildcards.items()), threads=smk.threads)
    except Exception as err:
        log.error("%s: %s\n%s", type(err).__name__, err, traceback.format_exc())
        for h in handlers:
            h.flush()
        raise
