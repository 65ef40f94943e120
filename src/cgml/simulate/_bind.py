"""numba kernels bound to other numba functions at compile time, and cached on disk.

The Monte Carlo engines' sweep kernels call a potential's numba functions. Passed as
arguments, numba cannot cache the caller (the dispatcher type carries a per-process UUID,
numba issues #2956, #6264); bound as closure variables, the caller cannot be cached either.
Either way every process compiled its sweep kernel again: 3.5 s for the isotropic engine,
10-20 s for a rigid-body potential's kernel set, paid by every Snakemake job.

:func:`bind` takes a *template*, a module of this package whose free names are defined
between the lines ``# <bind>`` and ``# </bind>``, and writes its source with that block
replaced: the bound functions imported by name (``from cgml.simulate.potentials import
pair_delta_energy as delta_energy``), the constants as literals, and ``CACHE = True``,
which the template's ``@njit(cache=CACHE)`` decorators read. The file is named by the
digest of that text, of the bound functions' source files and of the whole ``cgml``
package, and imported: numba's own cache keeps the compiled kernels beside it, and the
next process with the same code loads them. numba checks only the caller's own file
before it trusts a cache entry, not the callees it inlined; since any edit of the
package names new files, no kernel is ever loaded with a stale callee.

A bound function a new process cannot import by its name (defined inside a function, or
in ``__main__``) gives an uncached module: the template executed with the objects as its
globals and ``CACHE = False``, compiled once per process, as before.

Files go to ``$CGML_KERNEL_DIR`` if set, else ``__pycache__/kernels`` of this package if
writable, else ``<tmp>/cgml-kernels-<uid>``. Each use touches a ``<name>.used`` marker;
when a new kernel file is written, those not used for a week are removed with their
numba cache files (a process that has used one for longer and then compiles it for new
argument types would fail to save it: keep such runs on their own ``$CGML_KERNEL_DIR``).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import inspect
import os
import sys
import tempfile
import textwrap
import time
import types
from pathlib import Path

__all__ = ["bind", "kernel_dir"]

BEGIN, END = "# <bind>", "# </bind>"
PREFIX = "cgml_kernels_"
_PRUNE_AGE_S = 7 * 86400.0
_UNCACHED: dict = {}


def kernel_dir() -> Path:
    """Where the bound kernels are written (module docstring)."""
    if os.environ.get("CGML_KERNEL_DIR"):
        return Path(os.environ["CGML_KERNEL_DIR"])
    pycache = Path(__file__).resolve().parent / "__pycache__"
    if os.access(pycache if pycache.exists() else pycache.parent, os.W_OK):
        return pycache / "kernels"
    return Path(tempfile.gettempdir()) / f"cgml-kernels-{os.getuid()}"


@functools.lru_cache(maxsize=None)
def package_digest() -> str:
    """sha256 of every ``.py`` file of the ``cgml`` package (paths and contents)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _import_name(function) -> tuple[str, str] | None:
    """(module, name) under which a new process imports ``function``, or None."""
    py = getattr(function, "py_func", None)
    if py is None:
        raise TypeError(f"bind: {function!r} is not a numba function (no py_func)")
    module, name = py.__module__, py.__qualname__
    if module == "__main__" or not name.isidentifier() or module not in sys.modules:
        return None
    if getattr(sys.modules[module], name, None) is not function:
        return None
    return module, name


def _source_of(template: str) -> tuple[str, str, Path, set]:
    """(text before the bind block, text after it, path, names the block defines) of the
    template module."""
    spec = importlib.util.find_spec(template)
    if spec is None or spec.origin is None:
        raise ValueError(f"bind: no template module {template!r}")
    path = Path(spec.origin)
    text = path.read_text()
    if text.count(BEGIN) != 1 or text.count(END) != 1:
        raise ValueError(f"bind: {path} must hold one '{BEGIN}' ... '{END}' block")
    head, rest = text.split(BEGIN, 1)
    block, tail = rest.split(END, 1)
    names = set()
    for node in ast.parse(textwrap.dedent(block)).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return head, tail, path, names


def bind(template: str, functions: dict, constants: dict | None = None) -> types.ModuleType:
    """The module of ``template`` (a module name) with ``functions`` (name -> numba
    function) and ``constants`` (name -> bool / int / float / str) bound, cached on disk
    when every function can be imported by name (module docstring)."""
    constants = dict(constants or {})
    for key, value in constants.items():
        if type(value) not in (bool, int, float, str):
            raise TypeError(f"bind: constant {key}={value!r} must be a bool, int, float or str")
    head, tail, path, free = _source_of(template)
    given = set(functions) | set(constants) | {"CACHE"}
    if given != free:
        raise ValueError(f"bind: {path} binds {sorted(free - {'CACHE'})}; got "
                         f"{sorted(given - {'CACHE'})}")
    names = {key: _import_name(f) for key, f in functions.items()}
    cached = all(v is not None for v in names.values())
    block = [BEGIN]
    if cached:
        block += [f"from {m} import {n} as {key}" for key, (m, n) in names.items()]
    block += [f"{key} = {value!r}" for key, value in constants.items()]
    block += [f"CACHE = {cached}", END]
    source = head + "\n".join(block) + tail
    if not cached:
        key = (template, tuple(functions.items()), tuple(constants.items()))
        if key not in _UNCACHED:
            module = types.ModuleType(f"{template}<bound>")
            module.__dict__.update(functions)
            exec(compile(source, str(path), "exec"), module.__dict__)
            _UNCACHED[key] = module
        return _UNCACHED[key]
    h = hashlib.sha256(source.encode())
    h.update(package_digest().encode())
    for f in functions.values():
        h.update(Path(inspect.getfile(f.py_func)).read_bytes())
    name = f"{PREFIX}{template.rsplit('.', 1)[-1].lstrip('_')}_{h.hexdigest()[:24]}"
    if name in sys.modules:
        return sys.modules[name]
    target = _write(kernel_dir(), name, source)
    try:
        target.with_suffix(".used").touch()
    except OSError:
        pass
    spec = importlib.util.spec_from_file_location(name, target)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _write(directory: Path, name: str, source: str) -> Path:
    """``directory/name.py`` holding ``source``, created whole (never rewritten once there:
    numba's cache entries are stamped with the file's mtime)."""
    target = directory / f"{name}.py"
    if target.exists() and target.read_text() == source:
        return target
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{name}.{os.getpid()}.tmp"
    tmp.write_text(source)
    try:
        os.link(tmp, target)  # atomic create-if-absent: a concurrent writer's file stays
    except FileExistsError:
        if target.read_text() != source:  # a torn or foreign file: replace it
            os.replace(tmp, target)
    except OSError:  # no hard links on this file system
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _prune(directory, keep=name)
    return target


def _prune(directory: Path, keep: str) -> None:
    """Remove bound kernels (with their numba cache files) not used for a week."""
    cutoff = time.time() - _PRUNE_AGE_S
    for path in directory.glob(f"{PREFIX}*.py"):
        try:
            used = path.with_suffix(".used")
            last = (used if used.exists() else path).stat().st_mtime
            if path.stem != keep and last < cutoff:
                for cached in (directory / "__pycache__").glob(f"{path.stem}.*"):
                    cached.unlink(missing_ok=True)
                path.unlink(missing_ok=True)
                used.unlink(missing_ok=True)
        except OSError:
            pass
