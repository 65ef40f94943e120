"""A LAMMPS run that is stopped part-way resumes from its restart files and ends as if
it had never stopped (cgml.fg.lammps.run_chained_lammps_job, used by np_fg_bulk).

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

from cgml.fg.lammps import LammpsRunError, iter_dump_frames, restart_steps, run_chained_lammps_job

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
run ${production_end} upto
"""

EQUILIBRATION, END, EVERY, RESTART_EVERY = 1000, 3000, 250, 500
STEPS = list(range(EQUILIBRATION, END + 1, EVERY))


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
                       "production_end": END, "dump_every": EVERY},
            out_dir=out, dump_name="traj.dump", dump_output=out / "traj.dump", lammps_log=out / "log.lammps",
            restart_every=restart_every, frame_steps=STEPS, keep=("in.lammps",), executable=lmp,
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


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, lmp):
    tmp = tmp_path_factory.mktemp("straight")
    report = _run(tmp, lmp, tmp / "out")
    assert (report.attempts, report.started_from, report.frames) == (1, 0, len(STEPS))
    assert not list((tmp / "out").glob(".chain-*")), "the work directory is removed once the dump is out"
    return _frames(tmp / "out" / "traj.dump")


def test_a_stopped_run_resumes_and_follows_the_uninterrupted_trajectory(tmp_path, lmp, uninterrupted):
    out = tmp_path / "out"
    with pytest.raises(LammpsRunError, match="halt"):
        _run(tmp_path, lmp, out, halt_at=2100)
    assert not (out / "traj.dump").exists(), "no output from a stopped run"
    chain = _chain_dir(out)
    assert restart_steps(chain)[0] == 2000
    report = _run(tmp_path, lmp, out)
    assert (report.attempts, report.started_from, report.frames) == (2, 2000, len(STEPS))
    frames = _frames(out / "traj.dump")
    assert sorted(frames) == STEPS
    for step in STEPS:
        diff = np.abs(frames[step] - uninterrupted[step]).max()
        if step < 2000:  # written by the first attempt: the same computation
            assert diff == 0.0, step
        else:  # the resumed attempt: same state, velocities and forces; chaos has not amplified rounding
            assert diff < 1e-6, (step, diff)
    log = (out / "log.lammps").read_text()
    assert "attempt 0 from step 0" in log and "attempt 1 from step 2000" in log
    assert (out / "in.lammps").exists()


def test_a_half_written_restart_and_dump_frame_are_skipped(tmp_path, lmp, uninterrupted):
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
    report = _run(tmp_path, lmp, out)
    assert report.started_from == 2000 and report.attempts == 2
    frames = _frames(out / "traj.dump")
    assert sorted(frames) == STEPS
    assert max(np.abs(frames[s] - uninterrupted[s]).max() for s in STEPS) < 1e-6


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


def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = _deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _np_bulk(repo_root, lmp, out_dir, watch=None, launcher=None):
    """Rule np_fg_bulk at toy scale (4 nanoparticles, 6600 beads), as Snakemake calls it."""
    import yaml

    from cgml.fg import lammps as lammps_mod
    from cgml.papers.nanoparticles.fine_grained import run_fg_bulk

    cfg = _deep_merge(*(yaml.safe_load((repo_root / "config" / f).read_text()) for f in ("config.yaml", "toy.yaml")))
    lam = dict(cfg["engines"]["lammps"], executable=lmp, launcher=launcher)
    wf = repo_root / "workflow" / "lammps"
    original = lammps_mod.run_lammps

    def watched(*args, **kwargs):  # the rule's own call, with the test's watcher added
        if watch is not None and "lammps_vars" in kwargs:
            inner = kwargs["watch"]
            kwargs.update(watch=lambda proc: (inner(proc), watch(proc)), watch_every=0.05)
        return original(*args, **kwargs)

    lammps_mod.run_lammps = watched
    try:
        run_fg_bulk(input={"template": wf / "np_bulk.in", "md": wf / "np_bulk_md.in",
                           "resume": wf / "np_bulk_resume.in", "forcefield": wf / "np_forcefield.in"},
                    output={"dump": out_dir / "cores.dump", "lammps_log": out_dir / "log.lammps"},
                    params={"np": cfg["nanoparticles"], "lammps": lam, "seed": 77}, wildcards={"density": "0.12"})
    finally:
        lammps_mod.run_lammps = original
    return cfg["nanoparticles"]["gr"]


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
        pytest.skip("no mpiexec next to the interpreter (mpich wheel)")
    straight = tmp_path / "straight"
    gr = _np_bulk(repo_root, lmp, straight, launcher=launcher)
    killed = tmp_path / "killed"
    kill_after = gr["fg_equilibration_steps"] + gr["fg_restart_every"]  # a restart inside the production

    def kill(proc):
        chains = list(killed.glob(".chain-*"))
        if chains and restart_steps(chains[0]) and restart_steps(chains[0])[0] >= kill_after:
            raise _Killed

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
    assert report.frames == len(STEPS) and not seen
