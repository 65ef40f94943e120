"""cgml: machine-learned coarse-grained potentials, one package for five replications.

Unit convention: every module states its own units in its docstring. Coarse-grained
(CG) quantities are reduced by the paper's own length and energy scales (for the
nanoparticle paper: lengths in sigma_c, energies in k_BT); fine-grained (FG)
quantities stay in the units of the engine that produced them (LAMMPS ``real``:
Angstrom, kcal/mol, fs) until a mapping function converts them explicitly.
"""

from __future__ import annotations

import functools

__version__ = "0.1.0"

__all__ = ["__version__", "source_hash"]


def source_hash(*modules: str) -> str:
    """Return a short SHA-256 digest of package source files (of their code: docstrings,
    comments and layout do not count, see :func:`_file_digest`).

    Snakemake does not notice imported code; rules pass this digest through ``params``
    so that a change to the package triggers a rerun of the rules that use it.

    With no argument every ``.py`` file of the package is hashed. With module names
    (e.g. ``"cgml.papers.nanoparticles"``, ``"cgml.workflow"``) only their static import
    closure inside ``cgml`` is: the modules themselves (all submodules of a package given
    here), every ``cgml`` module they import anywhere in their source (also inside
    functions; an imported package contributes its ``__init__``, not its other
    submodules), transitively, and the ``__init__`` of every package on the way. A paper's rules then
    rerun when code they can execute changes, not when another paper's code does.
    Imports built at run time (``importlib`` with computed names) are not seen.
    """
    import hashlib
    from pathlib import Path

    root = Path(__file__).resolve().parent
    if modules:
        paths = sorted(_import_closure(root, modules))
    else:
        paths = _source_files(root)
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(_file_digest(str(path), path.stat().st_mtime_ns))
    return digest.hexdigest()[:16]


def _source_files(directory) -> list:
    """The package's own ``.py`` files under ``directory``: not those in ``__pycache__``,
    where :mod:`cgml.simulate._bind` writes the kernels it generates at run time."""
    return sorted(p for p in directory.rglob("*.py") if "__pycache__" not in p.relative_to(directory).parts)


def _module_files(root, name: str) -> list:
    """Files of module ``name`` (``cgml.x.y``): its .py, or every .py of a package."""
    parts = name.split(".")[1:]
    base = root.joinpath(*parts)
    if base.is_dir():
        return _source_files(base)
    if base.with_suffix(".py").is_file():
        return [base.with_suffix(".py")]
    return []


@functools.lru_cache(maxsize=None)
def _direct_imports(path_text: str, mtime_ns: int) -> tuple:
    """``cgml`` module names imported anywhere in one file (cached per file version)."""
    import ast
    from pathlib import Path

    path = Path(path_text)
    out = []
    for node in ast.walk(ast.parse(path.read_text(), filename=path_text)):
        if isinstance(node, ast.Import):
            out.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                out.append(("relative", node.level, node.module or "", tuple(a.name for a in node.names)))
            else:
                stem = node.module or ""
                out.append(stem)
                out.extend(f"{stem}.{alias.name}" for alias in node.names)
    return tuple(out)


def _import_closure(root, modules) -> set:
    pending, seen = [], set()
    for name in modules:
        if name != "cgml" and not name.startswith("cgml."):
            raise ValueError(f"source_hash: {name!r} is not a module of the cgml package")
        files = _module_files(root, name)
        if not files:
            raise ValueError(f"source_hash: no source for module {name!r} under {root}")
        pending.extend(files)
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        rel = path.relative_to(root).with_suffix("").parts
        package = ["cgml", *rel[:-1]]
        for k in range(1, len(package) + 1):  # the __init__ of every enclosing package
            init = root.joinpath(*package[1:k], "__init__.py")
            if init.is_file():
                pending.append(init)
        for item in _direct_imports(str(path), path.stat().st_mtime_ns):
            if isinstance(item, tuple):  # relative import: resolve against this package
                _, level, module, names = item
                base = package[: len(package) - level + 1]
                stem = ".".join(base + ([module] if module else []))
                names = [stem] + [f"{stem}.{n}" for n in names]
            else:
                names = [item]
            for name in names:
                if name == "cgml" or name.startswith("cgml."):
                    pending.extend(_imported_files(root, name))
    return seen


def _imported_files(root, name: str) -> list:
    """Files an import of ``name`` executes: a module's .py, a package's ``__init__`` only
    (``from cgml.fg import _patchy_kernels`` runs ``cgml/fg/__init__.py`` and the
    submodule, which the caller lists as ``cgml.fg._patchy_kernels``, not all of ``cgml.fg``)."""
    parts = name.split(".")[1:]
    base = root.joinpath(*parts)
    if base.is_dir():
        init = base / "__init__.py"
        return [init] if init.is_file() else []
    module = base.with_suffix(".py")
    return [module] if module.is_file() else []


@functools.lru_cache(maxsize=None)
def _file_digest(path_text: str, mtime_ns: int) -> bytes:
    """SHA-256 of what one source file runs: its syntax tree without docstrings.

    Editing a docstring, a comment or the layout of a module therefore does not rerun
    the rules that import it (at paper scale a rule can be a 13-hour job); any change to
    the code does. The tree's text (``ast.dump``) may differ between Python versions, so a
    new interpreter reruns the rules once. A file that does not parse is hashed as bytes.
    """
    import ast
    import hashlib
    from pathlib import Path

    source = Path(path_text).read_bytes()
    try:
        tree = ast.parse(source, filename=path_text)
    except SyntaxError:
        return hashlib.sha256(source).digest()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                node.body = node.body[1:] or [ast.Pass()]
    return hashlib.sha256(ast.dump(tree).encode()).digest()
