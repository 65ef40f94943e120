"""A LAMMPS run that is stopped part-way resumes from its restart files and ends as if
it had never stopped (cgml.fg.lammps.run_chained_lammps_job, used by np_fg_bulk and by
the constrained runs np_pair_fg and np_cluster_fg).

The system is a Lennard-Jones FCC crystal melting under NVE (864 atoms, a few seconds):
small enough for a unit test, chaotic enough that a resume with wrong velocities or
forces shows. The first attempt is stopped by LAMMPS' `fix halt ... error hard` at a
step read from the environment, a deterministic stand-in for a job killed at its wall
time; the rerun must continue from the newest restart file and its trajectory must
follow an uninterrupted run of the same input.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from pathlib import Path

from cgml.fg.lammps import (
    ChainedSeries,
    LammpsRunError,
    iter_dump_frames,
    read_ave_time_vector,
    restart_steps,
    run_chained_lammps_job,
)

pytestmark = pytest.mark.lammps

FRESH = """units lj
atom_style atomic
lattice fcc 0.8442
region box block 0 6 0 6 0 6
create_box 1 box
create_atoms 1 box
mass 1 1.0
velocity all create ${temperature} ${seed} dist gaussian mom yes rot yes
include ${md_file}
"""

RESUME = """read_restart ${restart_file}
include ${md_file}
"""

# pair settings are not all kept in a restart file: given again, as np_bulk_resume.in does
MD = """pair_style lj/cut 2.5
pair_coeff 1 1 1.0 1.0 2.5
neighbor 0.3 bin
fix nve all nve
timestep 0.005
thermo 100
thermo_style custom step pe ke etotal
thermo_modify format float %20.12f
${restart_command}
variable halt_at getenv CGML_TEST_HALT_AT
variable past equal step>=$${halt_at}
fix halt all halt 10 v_past > 0.5 error hard
variable now equal step
if "$${now} < ${equilibration_steps}" then "run ${equilibration_steps} upto"
dump traj all custom ${dump_every} ${dump_file} id x y z vx vy vz
dump_modify traj sort id format float %20.15g
compute ktensor all temp
fix ktensor all ave/time ${avg_every} 1 ${avg_every} c_ktensor mode vector file ${avg_file} format %20.15g
run ${production_end} upto
"""

EQUILIBRATION, END, EVERY, RESTART_EVERY, AVG_EVERY = 1000, 3000, 250, 500, 50
STEPS = list(range(EQUILIBRATION, END + 1, EVERY))
AVG_STEPS = list(range(EQUILIBRATION, END + 1, AVG_EVERY))


def _run(tmp_path, lmp, out, halt_at=10**9, temperature=1.5, watch=None, restart_every=RESTART_EVERY):
    for name, text in {"fresh.in": FRESH, "resume.in": RESUME, "md.in": MD}.items():
        (tmp_path / name).write_text(text)
    os.environ["CGML_TEST_HALT_AT"] = str(halt_at)
    try:
        return run_chained_lammps_job(
            templates={"in.lammps": tmp_path / "fresh.in", "resume.in": tmp_path / "resume.in",
                       "md.in": tmp_path / "md.in"},
            resume_input="resume.in",
            variables={"temperature": temperature, "seed": 4928, "equilibration_steps": EQUILIBRATION,
                       "production_end": END, "dump_every": EVERY, "avg_every": AVG_EVERY},
            out_dir=out, series=[ChainedSeries("dump_file", "traj.dump", out / "traj.dump", STEPS),
                                 ChainedSeries("avg_file", "ktensor.txt", out / "ktensor.txt", AVG_STEPS,
                                               kind="ave_time")],
            lammps_log=out / "log.lammps", restart_every=restart_every, keep=("in.lammps",), executable=lmp,
            watch=watch, watch_every=0.05)
    finally:
        del os.environ["CGML_TEST_HALT_AT"]


def _frames(path):
    out = {}
    for step, text in iter_dump_frames(path):
        rows = [ln.split() for ln in text.splitlines()[9:]]
        out[step] = np.array(rows, dtype=float)[:, 1:]
    return out


def _chain_dir(out):
    dirs = list(out.glob(".chain-*"))
    assert len(dirs) == 1, dirs
    return dirs[0]


FRAMES = {"traj.dump": len(STEPS), "ktensor.txt": len(AVG_STEPS)}


@pytest.fixture(scope="module")
def straight(tmp_path_factory, lmp):
    """The outputs of an uninterrupted run."""
    tmp = tmp_path_factory.mktemp("straight")
    report = _run(tmp, lmp, tmp / "out")
    assert (report.attempts, report.started_from, report.frames) == (1, 0, FRAMES)
    assert not list((tmp / "out").glob(".chain-*")), "the work directory is removed once the dump is out"
    return tmp / "out"


@pytest.fixture(scope="module")
def uninterrupted(straight):
    return _frames(straight / "traj.dump")


@pytest.fixture(scope="module")
def uninterrupted_ktensor(straight):
    return read_ave_time_vector(straight / "ktensor.txt")


def _assert_ktensor_follows(out, reference, exact_before):
    steps, data = read_ave_time_vector(out / "ktensor.txt")
    ref_steps, ref = reference
    assert list(steps) == list(ref_steps) == AVG_STEPS
    assert data.shape == ref.shape == (len(AVG_STEPS), 6, 1)
    diff = np.abs(data - ref).max(axis=(1, 2))
    assert np.all(diff[steps < exact_before] == 0.0)
    assert diff.max() < 1e-6 * np.abs(ref).max(), diff.max()


def test_a_stopped_run_resumes_and_follows_the_uninterrupted_trajectory(tmp_path, lmp, uninterrupted,
                                                                         uninterrupted_ktensor):
    out = tmp_path / "out"
    with pytest.raises(LammpsRunError, match="halt"):
        _run(tmp_path, lmp, out, halt_at=2100)
    assert not (out / "traj.dump").exists(), "no output from a stopped run"
    chain = _chain_dir(out)
    assert restart_steps(chain)[0] == 2000
    report = _run(tmp_path, lmp, out)
    assert (report.attempts, report.started_from, report.frames) == (2, 2000, FRAMES)
    frames = _frames(out / "traj.dump")
    assert sorted(frames) == STEPS
    for step in STEPS:
        diff = np.abs(frames[step] - uninterrupted[step]).max()
        if step < 2000:  # written by the first attempt: the same computation
            assert diff == 0.0, step
        else:  # the resumed attempt: same state, velocities and forces; chaos has not amplified rounding
            assert diff < 1e-6, (step, diff)
    # the ave/time series: the entry at 2000 comes from the resumed attempt (fix ave/time
    # writes on a run's first step), the ones before from the first
    _assert_ktensor_follows(out, uninterrupted_ktensor, exact_before=2000)
    log = (out / "log.lammps").read_text()
    assert "attempt 0 from step 0" in log and "attempt 1 from step 2000" in log
    assert (out / "in.lammps").exists()


def test_a_half_written_restart_dump_frame_and_ave_time_block_are_skipped(tmp_path, lmp, uninterrupted,
                                                                           uninterrupted_ktensor):
    out = tmp_path / "out"
    with pytest.raises(LammpsRunError):
        _run(tmp_path, lmp, out, halt_at=2600)
    chain = _chain_dir(out)
    newest = restart_steps(chain)[0]
    assert newest == 2500
    path = chain / f"restart.{newest}"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])  # killed while writing it
    with open(chain / "traj.000.dump", "a") as fh:  # ... and a dump frame
        fh.write("ITEM: TIMESTEP\n")
    with open(chain / "ktensor.000.txt", "a") as fh:  # ... and an ave/time block
        fh.write("2650 6\n1 0.5\n2 0.")
    report = _run(tmp_path, lmp, out)
    assert report.started_from == 2000 and report.attempts == 2
    frames = _frames(out / "traj.dump")
    assert sorted(frames) == STEPS
    assert max(np.abs(frames[s] - uninterrupted[s]).max() for s in STEPS) < 1e-6
    _assert_ktensor_follows(out, uninterrupted_ktensor, exact_before=2000)


def test_an_entry_cut_short_before_the_resume_step_is_an_error(tmp_path, lmp):
    """A segment can only be cut at its end, past the newest restart: a hole before it
    means the files are not what the chain wrote, and nothing is published."""
    out = tmp_path / "out"
    with pytest.raises(LammpsRunError):
        _run(tmp_path, lmp, out, halt_at=2600)
    chain = _chain_dir(out)
    seg = chain / "ktensor.000.txt"
    lines = seg.read_text().splitlines(keepends=True)
    cut = next(k for k, ln in enumerate(lines) if ln.startswith("1500 "))
    seg.write_text("".join(lines[: cut + 3]))  # the block at step 1500 loses 4 of its 6 rows
    with pytest.raises(LammpsRunError, match="cut short"):
        _run(tmp_path, lmp, out)
    assert not (out / "ktensor.txt").exists() and not (out / "traj.dump").exists()


def test_a_changed_input_starts_afresh(tmp_path, lmp):
    out = tmp_path / "out"
    with pytest.raises(LammpsRunError):
        _run(tmp_path, lmp, out, halt_at=2100)
    stale = _chain_dir(out)
    report = _run(tmp_path, lmp, out, temperature=1.4)  # another state point: its own chain
    assert (report.attempts, report.started_from) == (1, 0)
    assert not stale.exists()


def test_old_restart_files_are_pruned_while_lammps_runs(tmp_path, lmp):
    out = tmp_path / "out"
    counts = []
    _run(tmp_path, lmp, out, watch=lambda proc: counts.append(len(restart_steps(_chain_dir(out)))))
    assert counts, "the watcher was called"
    assert max(counts) <= 3  # two kept, at most one more written since the last prune


def test_chain_records_survive_as_json(tmp_path, lmp):
    out = tmp_path / "out"
    with pytest.raises(LammpsRunError):
        _run(tmp_path, lmp, out, halt_at=1600)
    records = json.loads((_chain_dir(out) / "chain.json").read_text())
    assert [(r["index"], r["start"]) for r in records] == [(0, 0)]


class _Killed(Exception):
    """Stands in for the scheduler killing the job at its wall time."""


def _kill_once_restart_written(out_dir, step):
    """A watcher that kills the job once its chain holds a restart file at ``step`` or later."""

    def kill(proc):
        chains = list(out_dir.glob(".chain-*"))
        if chains and restart_steps(chains[0]) and restart_steps(chains[0])[0] >= step:
            raise _Killed

    return kill


def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = _deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _toy_np_config(repo_root) -> dict:
    import yaml

    return _deep_merge(*(yaml.safe_load((repo_root / "config" / f).read_text()) for f in ("config.yaml", "toy.yaml")))


def _call_watched(run, watch, *args, **kwargs):
    """Call a rule's function with the test's watcher added to its chained LAMMPS run."""
    from cgml.fg import lammps as lammps_mod

    original = lammps_mod.run_lammps

    def watched(*a, **kw):
        if watch is not None and "lammps_vars" in kw:
            inner = kw["watch"]
            kw.update(watch=lambda proc: (inner(proc), watch(proc)), watch_every=0.05)
        return original(*a, **kw)

    lammps_mod.run_lammps = watched
    try:
        return run(*args, **kwargs)
    finally:
        lammps_mod.run_lammps = original


def _np_bulk(repo_root, lmp, out_dir, watch=None, launcher=None):
    """Rule np_fg_bulk at toy scale (4 nanoparticles, 6600 beads), as Snakemake calls it."""
    from cgml.papers.nanoparticles.fine_grained import run_fg_bulk

    cfg = _toy_np_config(repo_root)
    lam = dict(cfg["engines"]["lammps"], executable=lmp, launcher=launcher)
    wf = repo_root / "workflow" / "lammps"
    _call_watched(run_fg_bulk, watch,
                  input={"template": wf / "np_bulk.in", "md": wf / "np_bulk_md.in",
                         "resume": wf / "np_bulk_resume.in", "forcefield": wf / "np_forcefield.in"},
                  output={"dump": out_dir / "cores.dump", "lammps_log": out_dir / "log.lammps"},
                  params={"np": cfg["nanoparticles"], "lammps": lam, "seed": 77},
                  wildcards={"density": "0.12"})
    return cfg["nanoparticles"]["gr"]


def _np_pair(repo_root, lmp, out_dir, watch=None):
    """Rule np_pair_fg at toy scale (2 nanoparticles, frozen cores), as Snakemake calls it."""
    from cgml.papers.nanoparticles.fine_grained import run_pair_fg

    cfg = _toy_np_config(repo_root)
    lam = dict(cfg["engines"]["lammps"], executable=lmp)
    wf = repo_root / "workflow" / "lammps"
    _call_watched(run_pair_fg, watch,
                  input={"template": wf / "np_constrained.in", "md": wf / "np_constrained_md.in",
                         "resume": wf / "np_constrained_resume.in", "forcefield": wf / "np_forcefield.in"},
                  output={"dump": out_dir / "forces.dump", "np_forces": out_dir / "np_forces.txt",
                          "lammps_log": out_dir / "log.lammps"},
                  params={"np": cfg["nanoparticles"], "lammps": lam, "seed": 91},
                  wildcards={"solvent": "0.3", "index": "002"})
    return cfg["nanoparticles"]


def _lammps_processes(path) -> list[int]:
    """PIDs of running processes whose command line names ``path``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and str(path) in (proc / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("ranks", [1, 2])
def test_np_fg_bulk_killed_mid_production_resumes_with_rigid_cores_and_thermostats(tmp_path, repo_root, lmp, ranks):
    """Serial, and on 2 MPI ranks through the mpiexec of the mpich wheel (no LD_LIBRARY_PATH)."""
    import sys

    launcher = None if ranks == 1 else f"{Path(sys.executable).parent / 'mpiexec'} -np {ranks}"
    if launcher and not (Path(sys.executable).parent / "mpiexec").exists():
        pytest.fail("no mpiexec next to the interpreter: the mpich wheel of requirements.lock is missing")
    straight = tmp_path / "straight"
    gr = _np_bulk(repo_root, lmp, straight, launcher=launcher)
    killed = tmp_path / "killed"
    kill_after = gr["fg_equilibration_steps"] + gr["fg_restart_every"]  # a restart inside the production
    kill = _kill_once_restart_written(killed, kill_after)

    with pytest.raises(_Killed):
        _np_bulk(repo_root, lmp, killed, watch=kill, launcher=launcher)
    assert not (killed / "cores.dump").exists()
    assert not _lammps_processes(killed), "LAMMPS (every MPI rank) was stopped with the job"
    _np_bulk(repo_root, lmp, killed, launcher=launcher)
    log = (killed / "log.lammps").read_text()
    assert f"attempt 1 from step {kill_after}" in log
    a, b = _frames(straight / "cores.dump"), _frames(killed / "cores.dump")
    assert sorted(a) == sorted(b) == list(range(gr["fg_equilibration_steps"],
                                                 gr["fg_equilibration_steps"] + gr["fg_production_steps"] + 1,
                                                 gr["fg_dump_every"]))
    for step in a:
        diff = np.abs(a[step][:, 3:6] - b[step][:, 3:6]).max()  # core bead positions [A]
        assert diff < 1e-3, (step, diff)


def test_np_pair_fg_killed_mid_production_resumes_both_series(tmp_path, repo_root, lmp):
    """The constrained run's two outputs, the core-bead dump and the per-NP force sums
    (the training target), come out of a killed and resumed run as from an uninterrupted
    one that writes the same restart files."""
    straight = tmp_path / "straight"
    np_cfg = _np_pair(repo_root, lmp, straight)
    pair = np_cfg["pair"]
    first, last = pair["equilibration_steps"], pair["equilibration_steps"] + pair["production_steps"]
    kill_after = first + np_cfg["md"]["restart_every"]  # a restart inside the production
    killed = tmp_path / "killed"
    kill = _kill_once_restart_written(killed, kill_after)

    with pytest.raises(_Killed):
        _np_pair(repo_root, lmp, killed, watch=kill)
    assert not (killed / "np_forces.txt").exists() and not (killed / "forces.dump").exists()
    resumed_from = restart_steps(next(killed.glob(".chain-*")))[0]
    _np_pair(repo_root, lmp, killed)
    assert f"attempt 1 from step {resumed_from}" in (killed / "log.lammps").read_text()
    a_steps, a = read_ave_time_vector(straight / "np_forces.txt")
    b_steps, b = read_ave_time_vector(killed / "np_forces.txt")
    assert list(a_steps) == list(b_steps) == list(range(first, last + 1, pair["force_every"]))
    assert a.shape == b.shape == (len(a_steps), 2, 3)
    diff = np.abs(a - b).max(axis=(1, 2))
    assert np.all(diff[a_steps < resumed_from] == 0.0)
    assert diff.max() < 1e-6 * np.abs(a).max(), diff.max()  # kcal/mol/A
    fa, fb = _frames(straight / "forces.dump"), _frames(killed / "forces.dump")
    assert sorted(fa) == sorted(fb) == list(range(first, last + 1, pair["dump_every"]))
    assert max(np.abs(fa[s] - fb[s]).max() for s in fa) < 1e-6 * max(np.abs(fa[s]).max() for s in fa)


def _np_confine(repo_root, lmp, out_dir, watch=None):
    """Rule np_cluster_confine at toy scale (12 nanoparticles in a shrinking wall)."""
    from cgml.papers.nanoparticles.fine_grained import run_cluster_confine

    cfg = _toy_np_config(repo_root)
    lam = dict(cfg["engines"]["lammps"], executable=lmp)
    wf = repo_root / "workflow" / "lammps"
    n = cfg["nanoparticles"]["clusters"]["samples_per_radius"]
    _call_watched(run_cluster_confine, watch,
                  input={"template": wf / "np_confined.in", "md": wf / "np_confined_md.in",
                         "resume": wf / "np_confined_resume.in", "forcefield": wf / "np_forcefield.in"},
                  output={**{f"sample_{k:03d}": out_dir / f"sample_{k:03d}.data" for k in range(n)},
                          "lammps_log": out_dir / "log.lammps"},
                  params={"np": cfg["nanoparticles"], "lammps": lam, "seed": 57},
                  wildcards={"solvent": "0.3", "wall": "00"})
    return [out_dir / f"sample_{k:03d}.data" for k in range(n)]


def _data_atoms(path) -> np.ndarray:
    """The Atoms section of a LAMMPS data file: (id, mol, type, q, x, y, z), by id."""
    lines = path.read_text().splitlines()
    start = next(k for k, ln in enumerate(lines) if ln.startswith("Atoms")) + 2
    rows = []
    for ln in lines[start:]:
        if not ln.strip():
            break
        rows.append([float(v) for v in ln.split()[:7]])
    rows = np.array(rows)
    return rows[np.argsort(rows[:, 0])]


@pytest.fixture(scope="module")
def confine_straight(tmp_path_factory, repo_root, lmp):
    out = tmp_path_factory.mktemp("confine") / "straight"
    return _np_confine(repo_root, lmp, out)


@pytest.mark.parametrize("kill_after", [300, 500], ids=["during_the_wall_ramp", "after_the_first_sample"])
def test_np_cluster_confine_killed_resumes_the_wall_and_the_samples(tmp_path, repo_root, lmp, confine_straight,
                                                                    kill_after):
    """Toy: settling to step 200, the wall shrinks until 400, samples at 500 and 600.
    Killed during the shrinking wall, the rerun must see the wall where it was (a radius
    tied to the step, not to the current run); killed after a sample, it must write the
    remaining ones (and the one at its own step again)."""
    killed = tmp_path / "killed"
    kill = _kill_once_restart_written(killed, kill_after)

    with pytest.raises(_Killed):
        _np_confine(repo_root, lmp, killed, watch=kill)
    assert not any((killed / p.name).exists() for p in confine_straight)
    resumed_from = restart_steps(next(killed.glob(".chain-*")))[0]
    samples = _np_confine(repo_root, lmp, killed)
    assert f"attempt 1 from step {resumed_from}" in (killed / "log.lammps").read_text()
    for a_path, b_path in zip(confine_straight, samples):
        a, b = _data_atoms(a_path), _data_atoms(b_path)
        assert a.shape == b.shape and np.array_equal(a[:, :4], b[:, :4])
        diff = np.abs(a[:, 4:] - b[:, 4:]).max()  # positions [A] after hundreds of steps of chaos
        assert diff < 1e-4, (b_path.name, diff)


def test_a_job_killed_while_publishing_its_samples_finishes_on_rerun(tmp_path, repo_root, lmp, confine_straight,
                                                                       monkeypatch):
    """Killed after LAMMPS finished, with one sample published and the others not: the
    rerun still finds every sample in its work directory and publishes them all."""
    import cgml.fg.lammps as lammps_module

    copy = lammps_module._copy_atomic
    published = []

    def dies_after_one_sample(source, target):
        sample = Path(target).name.startswith("sample_")
        if sample and published:
            raise _Killed("killed while publishing")
        copy(source, target)
        if sample:
            published.append(Path(target).name)

    killed = tmp_path / "killed"
    monkeypatch.setattr(lammps_module, "_copy_atomic", dies_after_one_sample)
    with pytest.raises(_Killed):
        _np_confine(repo_root, lmp, killed)
    assert [p.name for p in killed.glob("sample_*.data")] == [confine_straight[0].name]
    monkeypatch.setattr(lammps_module, "_copy_atomic", copy)
    samples = _np_confine(repo_root, lmp, killed)
    assert not list(killed.glob(".chain-*")), "the work directory goes once everything is out"
    for a_path, b_path in zip(confine_straight, samples):
        assert np.array_equal(_data_atoms(a_path), _data_atoms(b_path)), b_path.name


def test_chained_request_covers_the_run_in_capped_attempts():
    from cgml.workflow.smk import chained_lammps_request, lammps_runtime_minutes

    steps, atoms = 100_005_000, 108 * 1650  # the paper's np_fg_bulk
    total = lammps_runtime_minutes(steps, atoms, 128)
    assert chained_lammps_request(steps, atoms, 128, None) == (total, None)
    runtime, retries = chained_lammps_request(steps, atoms, 128, 2880)
    assert runtime == 2880 and total > 2880
    assert runtime * retries >= total  # the resubmissions alone cover the doubled estimate
    assert runtime * (retries - 1) < total  # ... and no more than one spare
    assert chained_lammps_request(1000, 6600, 1, 2880) == (lammps_runtime_minutes(1000, 6600), None)


def test_any_resumable_job_is_chained_the_same_way():
    """The replica exchange (checkpoints) uses the same request as LAMMPS (restart files):
    the paper's FG run at N = 5 needs ~60 h on 8 threads, a 48 h cluster gets 2 x 48 h."""
    from cgml.workflow.smk import chained_request

    assert chained_request(100, None) == (100, None)
    assert chained_request(2880, 2880) == (2880, None)
    assert chained_request(3611, 2880) == (2880, 2)
    assert chained_request(5761, 2880) == (2880, 3)


def test_a_timeout_stops_the_real_binary_behind_the_wheels_wrapper(tmp_path, lmp):
    """The wheel's `lmp` is a Python wrapper around the real binary: stopping only the
    wrapper used to leave LAMMPS running on."""
    import subprocess

    from cgml.fg.lammps import run_lammps

    (tmp_path / "in.lammps").write_text(FRESH.split("velocity")[0] + """velocity all create 1.5 1
pair_style lj/cut 2.5
pair_coeff 1 1 1.0 1.0 2.5
fix nve all nve
run 100000000
""")
    with pytest.raises(subprocess.TimeoutExpired):
        run_lammps(tmp_path / "in.lammps", tmp_path, tmp_path / "log.lammps", executable=lmp, timeout=1.0,
                   watch_every=0.1)
    assert not _lammps_processes(tmp_path / "in.lammps")


def test_restart_every_zero_writes_no_restart_file(tmp_path, lmp):
    out = tmp_path / "out"
    seen = []
    report = _run(tmp_path, lmp, out, restart_every=0,
                  watch=lambda proc: seen.extend(restart_steps(_chain_dir(out))))
    assert report.frames == FRAMES and not seen
