"""Kernels bound to numba functions and cached on disk (cgml.simulate._bind)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from numba import njit

from cgml.simulate import _bind

TEMPLATE = '''\
"""a test template: twice the bound function, plus OFFSET"""
from numba import njit

# <bind>
def f(x):  # placeholder
    return x
OFFSET = 0.0
CACHE = False
# </bind>


@njit(cache=CACHE)
def twice(x):
    return 2.0 * f(x) + OFFSET
'''

CALLEE = '''\
from numba import njit


@njit(cache=True)
def f(x):
    return x + {shift}
'''


@pytest.fixture
def modules(tmp_path, monkeypatch):
    """A template and a callee module importable from tmp_path, kernels in tmp_path/k."""
    (tmp_path / "bind_tpl.py").write_text(TEMPLATE)
    (tmp_path / "bind_callee.py").write_text(CALLEE.format(shift=1.0))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("CGML_KERNEL_DIR", str(tmp_path / "k"))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith(("bind_callee", _bind.PREFIX + "bind_tpl"))]:
        del sys.modules[name]


def test_bound_kernel_computes_with_the_bound_function_and_constants(modules):
    import bind_callee

    m = _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": 0.5})
    assert m.CACHE is True
    assert m.twice(2.0) == 2.0 * 3.0 + 0.5
    assert m.__file__.startswith(str(modules / "k"))
    # the same binding in the same process is the same module; another constant, another
    assert _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": 0.5}) is m
    assert _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": 1.5}).twice(2.0) == 7.5


def test_a_new_process_loads_the_kernel_from_disk(modules):
    script = textwrap.dedent("""
        import json, sys
        sys.path.insert(0, sys.argv[1])
        import bind_callee
        from cgml.simulate import _bind
        m = _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": 0.0})
        value = m.twice(3.0)
        stats = m.twice.stats
        print(json.dumps([value, m.__name__, sum(stats.cache_hits.values()),
                          sum(stats.cache_misses.values())]))
    """)
    env = {**os.environ, "CGML_KERNEL_DIR": str(modules / "k")}
    runs = [json.loads(subprocess.run([sys.executable, "-c", script, str(modules)], env=env,
                                      check=True, capture_output=True, text=True).stdout)
            for _ in range(2)]
    assert runs[0][0] == runs[1][0] == 8.0
    assert runs[0][1] == runs[1][1]  # one file for one binding
    assert runs[0][2:] == [0, 1], "the first process compiles"
    assert runs[1][2:] == [1, 0], "the second loads the compiled kernel"


def test_processes_binding_the_same_new_kernel_at_once_all_succeed(modules):
    """Two Snakemake jobs of one code version start together: both write and compile the
    same kernel; neither fails, and a third process loads it."""
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        import bind_callee
        from cgml.simulate import _bind
        m = _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": 0.25})
        print(m.twice(1.0), sum(m.twice.stats.cache_hits.values()))
    """)
    env = {**os.environ, "CGML_KERNEL_DIR": str(modules / "k")}
    procs = [subprocess.Popen([sys.executable, "-c", script, str(modules)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outs]
    assert all(out.split()[0] == "4.25" for out, _ in outs)
    later = subprocess.run([sys.executable, "-c", script, str(modules)], env=env, check=True,
                           capture_output=True, text=True).stdout.split()
    assert later == ["4.25", "1"]
    assert len(list((modules / "k").glob("*.py"))) == 1


def test_an_edited_callee_gives_a_new_kernel_not_a_stale_one(modules):
    import bind_callee

    first = _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": 0.0})
    assert first.twice(1.0) == 4.0
    (modules / "bind_callee.py").write_text(CALLEE.format(shift=10.0))
    importlib.invalidate_caches()
    bind_callee = importlib.reload(bind_callee)
    second = _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": 0.0})
    assert second.__name__ != first.__name__
    assert second.twice(1.0) == 22.0


def test_a_function_defined_in_a_function_binds_uncached(modules):
    shift = 3.0

    @njit
    def f(x):
        return x - shift

    m = _bind.bind("bind_tpl", {"f": f}, {"OFFSET": 0.0})
    assert m.CACHE is False
    assert m.twice(5.0) == 4.0
    assert _bind.bind("bind_tpl", {"f": f}, {"OFFSET": 0.0}) is m
    assert not (modules / "k").exists() or not list((modules / "k").glob("*.py"))


def test_bad_bindings_are_refused_with_the_name(modules, tmp_path):
    import bind_callee

    with pytest.raises(TypeError, match="OFFSET"):
        _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": np.float64(1.0)})
    with pytest.raises(TypeError, match="not a numba function"):
        _bind.bind("bind_tpl", {"f": lambda x: x}, {"OFFSET": 0.0})
    with pytest.raises(ValueError, match=r"binds \['OFFSET', 'f'\]; got \['f'\]"):
        _bind.bind("bind_tpl", {"f": bind_callee.f})
    (tmp_path / "bind_tpl_broken.py").write_text("x = 1\n")  # no bind block
    with pytest.raises(ValueError, match="bind_tpl_broken.py"):
        _bind.bind("bind_tpl_broken", {"f": bind_callee.f})
    with pytest.raises(ValueError, match="no template module"):
        _bind.bind("bind_tpl_absent", {"f": bind_callee.f})


def test_a_torn_kernel_file_is_rewritten(modules):
    import bind_callee

    name = _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": 2.0}).__name__
    path = modules / "k" / f"{name}.py"
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    del sys.modules[name]
    again = _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": 2.0})
    assert path.read_text() == text
    assert again.twice(0.0) == 2.0 * 1.0 + 2.0


def test_every_template_is_in_the_source_hash_of_its_caller():
    """Snakemake reruns a rule when ``cgml.source_hash`` of its modules changes; a template
    read by bind() must be in the static import closure of the module that binds it."""
    import re
    from pathlib import Path

    import cgml
    from cgml import _import_closure

    root = Path(cgml.__file__).resolve().parent
    calls = 0
    for path in root.rglob("*.py"):
        for template in re.findall(r'bind\(\s*"(cgml\.[\w.]+)"', path.read_text()):
            caller = ".".join(["cgml", *path.relative_to(root).with_suffix("").parts])
            closure = _import_closure(root, [caller])
            assert root.joinpath(*template.split(".")[1:]).with_suffix(".py") in closure, (
                f"{caller} binds {template} but does not list it for source_hash")
            calls += 1
    assert calls >= 3


def test_kernels_unused_for_a_week_are_pruned_when_a_new_one_is_written(modules):
    import bind_callee

    old = _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": 1.0})
    assert old.twice(0.0) == 3.0  # compiled: numba's cache files exist
    kept = _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": 2.0})
    k = modules / "k"
    week_ago = __import__("time").time() - 8 * 86400
    for name in (old.__name__, kept.__name__):
        os.utime(k / f"{name}.py", (week_ago, week_ago))
    os.utime(k / f"{old.__name__}.used", (week_ago, week_ago))
    assert list((k / "__pycache__").glob(f"{old.__name__}.*"))
    _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": 3.0})  # a new file: prunes
    assert not (k / f"{old.__name__}.py").exists()
    assert not list((k / "__pycache__").glob(f"{old.__name__}.*"))
    assert (k / f"{kept.__name__}.py").exists(), "used within the week (its marker): kept"


def test_a_file_system_without_hard_links_still_gets_the_kernel(modules, monkeypatch):
    import bind_callee

    def no_links(src, dst):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    m = _bind.bind("bind_tpl", {"f": bind_callee.f}, {"OFFSET": 5.0})
    assert m.CACHE is True and m.twice(1.0) == 9.0
    assert [p.name for p in (modules / "k").iterdir() if p.name.startswith(".")] == [], \
        "no temporary file left"
