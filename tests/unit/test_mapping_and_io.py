"""Centre-of-mass mapping, block averages, atomic writes, provenance, LAMMPS output parsing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.signal import lfilter

from cgml.analysis.stats import block_average
from cgml.fg.lammps import read_ave_time_vector
from cgml.io import atomic_path, provenance, read_npz, write_csv, write_json, write_npz
from cgml.mapping import map_frames
from cgml.workflow import rule_seed


def test_map_frames_com_and_force_sum_with_periodic_wrapping():
    box = np.array([10.0, 10.0, 10.0])
    # group 1 straddles the x boundary: beads at 9.5 and 0.5 -> COM at 0 (mod 10)
    pos = np.array([[9.5, 5, 5], [0.5, 5, 5], [3, 3, 3], [4, 3, 3]])
    masses = np.array([1.0, 1.0, 1.0, 3.0])
    forces = np.array([[1.0, 0, 0], [2.0, 1, 0], [0, 0, 1], [0, 0, 2]])
    ids, com, fsum = map_frames(pos, forces, masses, np.array([1, 1, 2, 2]), box)
    assert list(ids) == [1, 2]
    assert com[0, 0] % 10.0 == pytest.approx(0.0, abs=1e-12) or com[0, 0] == pytest.approx(10.0)
    np.testing.assert_allclose(com[1], [3.75, 3, 3])
    np.testing.assert_allclose(fsum, [[3, 1, 0], [0, 0, 3]])


def test_block_average_of_white_noise():
    """2000 independent unit-variance series of 4000 samples in 20 blocks: the sem
    estimates scatter about 1/sqrt(4000) (rms within 3%: a factor sqrt2 would show), and
    the means scatter as the sems say."""
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 1.0, size=(4000, 2000))
    mean, sem = block_average(x, 20)
    assert np.sqrt(np.mean(sem**2)) * np.sqrt(4000) == pytest.approx(1.0, rel=0.03)
    assert np.std((mean - 2.0) / sem) == pytest.approx(np.sqrt(19 / 17), rel=0.05)  # t_19
    # 500 AR(1) series (rho = 0.9, correlation time ~19 samples) in blocks of 1000 samples:
    # sem^2 -> sigma^2 (1 + rho) / ((1 - rho) n) (the finite-block correction is ~1%)
    rho, n = 0.9, 20_000
    noise = rng.normal(size=(n, 500)) * np.sqrt(1 - rho**2)
    noise[0] = rng.normal(size=500)  # a stationary start: y_0 ~ N(0, 1)
    y = lfilter([1.0], [1.0, -rho], noise, axis=0)  # y_t = rho y_(t-1) + noise_t
    _, sem_ar = block_average(y, 20)
    exact = np.sqrt((1 + rho) / ((1 - rho) * n))
    assert np.sqrt(np.mean(sem_ar**2)) == pytest.approx(exact, rel=0.05)


def test_block_average_rejects_short_series():
    with pytest.raises(ValueError):
        block_average(np.ones(1))


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_an_atomic_write_gets_the_permissions_of_a_plain_one(tmp_path, umask):
    """Not the owner-only 0600 of a temporary file: a group on a shared cluster reads results."""
    import os

    old = os.umask(umask)
    try:
        write_json(tmp_path / "r.json", {"a": 1})
        with open(tmp_path / "plain.json", "w") as fh:
            fh.write("{}")
    finally:
        os.umask(old)
    mode = (tmp_path / "r.json").stat().st_mode & 0o777
    assert mode == (tmp_path / "plain.json").stat().st_mode & 0o777 == 0o666 & ~umask


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_npz_and_csv_round_trip_with_provenance(tmp_path):
    meta = provenance({"a": 1, "arr": np.arange(3)}, seed=7)
    write_npz(tmp_path / "x.npz", meta, data=np.eye(2))
    arrays, back = read_npz(tmp_path / "x.npz")
    np.testing.assert_array_equal(arrays["data"], np.eye(2))
    assert back["seed"] == 7 and back["params"]["arr"] == [0, 1, 2]
    assert back["version"] and back["git_revision"] and back["source_hash"]
    write_csv(tmp_path / "t.csv", pd.DataFrame({"x": [1.0]}), meta)
    assert (tmp_path / "t.csv.meta.json").exists()


def test_rule_seed_is_deterministic_and_distinct():
    assert rule_seed(1, "a", 2) == rule_seed(1, "a", 2)
    assert len({rule_seed(1, "r", k) for k in range(1000)}) == 1000
    assert rule_seed(1, "a") != rule_seed(2, "a")


def test_read_ave_time_vector(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("# Time-averaged data\n# TimeStep Number-of-rows\n# Row c[1] c[2] c[3]\n"
                    "0 2\n1 1.0 2.0 3.0\n2 -1.0 -2.0 -3.0\n10 2\n1 0.5 0 0\n2 -0.5 0 0\n")
    steps, data = read_ave_time_vector(path)
    assert list(steps) == [0, 10]
    assert data.shape == (2, 2, 3)
    assert data[1, 0, 0] == 0.5
    path.write_text("garbage line here\n")
    with pytest.raises(ValueError, match="f.txt"):
        read_ave_time_vector(path)


def test_source_hash_follows_the_import_closure(tmp_path):
    """A module's hash covers what it imports (also inside functions and relatively), not the rest."""
    import cgml

    pkg = tmp_path / "cgml"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "a.py").write_text("def f():\n    from .b import g\n    return g()\n")
    (pkg / "sub" / "b.py").write_text("from cgml.c import h\ng = h\n")
    (pkg / "c.py").write_text("h = 1\n")
    (pkg / "unrelated.py").write_text("x = 2\n")
    (pkg / "sub" / "unused.py").write_text("y = 3\n")  # a sibling nobody imports
    (pkg / "d.py").write_text("from cgml.sub import b\n")  # imports the package, then b
    closure = {p.relative_to(pkg).as_posix() for p in cgml._import_closure(pkg, ["cgml.sub.a"])}
    assert closure == {"__init__.py", "sub/__init__.py", "sub/a.py", "sub/b.py", "c.py"}
    closure = {p.relative_to(pkg).as_posix() for p in cgml._import_closure(pkg, ["cgml.d"])}
    assert closure == {"__init__.py", "d.py", "sub/__init__.py", "sub/b.py", "c.py"}
    roots = {p.relative_to(pkg).as_posix() for p in cgml._import_closure(pkg, ["cgml.sub"])}
    assert "sub/unused.py" in roots  # a package named as a root brings all its modules
    (pkg / "sub" / "__pycache__" / "kernels").mkdir(parents=True)  # generated at run time
    (pkg / "sub" / "__pycache__" / "kernels" / "k.py").write_text("z = 4\n")
    assert {p.relative_to(pkg).as_posix() for p in cgml._import_closure(pkg, ["cgml.sub"])} == roots
    assert not any("__pycache__" in p.parts for p in cgml._source_files(pkg))
    with pytest.raises(ValueError, match="cgml.nothing"):
        cgml._import_closure(pkg, ["cgml.nothing"])
    with pytest.raises(ValueError, match="numpy"):
        cgml.source_hash("numpy")


def test_source_hash_sees_code_not_docstrings_or_comments(tmp_path):
    """A docstring, comment or layout edit keeps a file's digest (no paper-scale rerun for a
    typo); any change to what runs, a string that is not a docstring included, changes it."""
    import cgml

    def digest(text, name="m.py"):
        path = tmp_path / name
        path.write_text(text)
        return cgml._file_digest(str(path), path.stat().st_mtime_ns)

    base = digest('"""Module."""\n\ndef f(x):\n    """Twice x."""\n    return 2 * x\n')
    assert digest('"""Module, reworded."""\n# a comment\ndef f(x):\n    """Two x."""\n\n'
                  '    return 2*x  # doubled\n', "a.py") == base
    assert digest("def f(x):\n    return 2 * x\n", "b.py") == base  # no docstrings at all
    assert digest('"""Module."""\n\ndef f(x):\n    """Twice x."""\n    return 3 * x\n', "c.py") != base
    assert digest('"""Module."""\n\ndef f(x):\n    "Twice x."\n    "s"\n    return 2 * x\n',
                  "d.py") != base  # only the first string of a body is its docstring
    assert digest('def f(x):\n    """only a docstring"""\n', "e.py") == digest("def f(x):\n    pass\n", "g.py")
    broken = digest("def f(:\n", "h.py")  # does not parse: hashed as bytes
    assert digest("def f(:\n# x\n", "i.py") != broken


def test_paper_code_hash_ignores_other_papers_modules():
    """The nanoparticle rules' hash covers the shared MC driver but not the patchy-particle code."""
    from pathlib import Path

    import cgml

    root = Path(cgml.__file__).parent
    closure = cgml._import_closure(root, ["cgml.papers.nanoparticles"])
    assert root / "simulate" / "mc.py" in closure
    assert root / "fg" / "patchy.py" not in closure


def test_lammps_rules_do_not_depend_on_fitting_mc_or_config_code():
    """Editing a fit, the MC engine or a config check must not rerun hours of LAMMPS: the
    FG rules' import closure (entry point + fine_grained) holds none of that code."""
    from pathlib import Path

    import cgml

    root = Path(cgml.__file__).parent
    closure = {p.relative_to(root).as_posix() for p in
               cgml._import_closure(root, ["cgml.entry", "cgml.papers.nanoparticles.fine_grained"])}
    assert {"fg/lammps.py", "fg/nanoparticle.py", "papers/nanoparticles/fine_grained.py", "entry.py"} <= closure
    for path in closure:
        assert not path.startswith(("fitting/", "selection/", "simulate/", "descriptors/", "workflow/")), path
    assert "papers/nanoparticles/pipeline.py" not in closure


def test_patchy_site_sum_rules_do_not_depend_on_mc_code():
    """The FG site-sum data sets (the costliest anisotropic jobs) must not rerun when the
    Monte Carlo engine, lattices or LAMMPS code change."""
    from pathlib import Path

    import cgml

    root = Path(cgml.__file__).parent
    closure = {p.relative_to(root).as_posix() for p in
               cgml._import_closure(root, ["cgml.entry", "cgml.papers.anisotropic.patchy"])}
    assert {"fg/patchy.py", "fg/_patchy_kernels.py", "papers/anisotropic/patchy.py"} <= closure
    for path in closure:
        assert not path.startswith(("simulate/", "fg/lammps", "fg/nanoparticle", "lattices")), path


def test_config_sections_drop_analysis_keys_at_any_depth():
    from cgml.workflow.smk import config_sections

    cfg = {"md": {"dt": 20, "n_blocks": 3}, "pair": {"n_blocks": "auto", "steps": 5},
           "clusters": {"constrained": {"n_blocks": 10, "steps": 7}}, "other": 1}
    out = config_sections(cfg, ["md", "pair", "clusters"], ["n_blocks"])
    assert out == {"md": {"dt": 20}, "pair": {"steps": 5}, "clusters": {"constrained": {"steps": 7}}}
    assert cfg["pair"]["n_blocks"] == "auto"          # the config itself is untouched


def test_a_figure_carries_its_provenance(tmp_path):
    """Every PNG the workflow draws records the package version, source hash and git revision."""
    import json

    from PIL import Image

    import cgml
    from cgml.plotting.style import figure, save_figure

    fig, axes = figure()
    axes[0, 0].plot([0, 1], [1, 0])
    save_figure(fig, tmp_path / "f.png", {"params": {"solvents": [0.1, 0.3]}})
    with Image.open(tmp_path / "f.png") as image:
        record = json.loads(image.text["cgml-provenance"])
    assert record["version"] == cgml.__version__ and record["source_hash"] == cgml.source_hash()
    assert record["git_revision"] and record["params"] == {"solvents": [0.1, 0.3]}
    assert [p.name for p in tmp_path.iterdir()] == ["f.png"], "no temporary file is left behind"


@pytest.mark.parametrize("damage", ["truncated", "empty", "text"])
def test_an_unreadable_result_file_is_named_in_the_error(tmp_path, damage):
    """A rule with many inputs must say which one is broken."""
    from cgml.fitting.sf_model import SymmetryFunctionModel

    path = tmp_path / "run.npz"
    write_npz(path, {"seed": 1}, x=np.arange(1000.0))
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2], "empty": b"", "text": b"hello"}[damage])
    with pytest.raises(ValueError, match="run.npz: unreadable"):
        read_npz(path)
    model = tmp_path / "model.json"
    model.write_text({"truncated": '{"kind": "symmetry_function_linear", "r_cut"', "empty": "",
                      "text": '{"kind": "symmetry_function_linear"}'}[damage])
    with pytest.raises(ValueError, match="model.json: not a symmetry-function model"):
        SymmetryFunctionModel.load(model)
