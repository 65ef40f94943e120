"""The slurm profile driven end to end through local stand-ins for the SLURM commands.

``workflow/profiles/slurm`` runs Snakemake with snakemake-executor-plugin-slurm; the
stand-ins in ``tests/workflow/standins`` (sbatch, srun, sacct, squeue, scancel, sinfo,
scontrol, sacctmgr, sshare) run the submitted jobs on this machine, so the whole
submit / poll / retry / fail path of the plugin is exercised without a cluster.

The runs use config/toy.yaml plus a smaller override (the nanoparticle paper, one
solvent, three separations, one cluster sample, one pressure, one g(R) density) and
start polling 1 s after submission instead of the profile's value: each job pays two
Snakemake start-ups (the job and its step), and the plugin adds 10 s to the polling
interval after every poll in which no job finished. The end-to-end run builds Fig. 2
(the two-nanoparticle chain: three LAMMPS runs, mapping, descriptors, fit, PMF,
figure; 8 jobs). It used to build the whole nanoparticle DAG (42 jobs, 400-450 s of
the CI's ~23 min), which showed nothing more about the profile: every job goes
through the same sbatch / srun / sacct path, the paper-scale dry run below builds the
full DAG through the profile, and tests/workflow/test_toy_workflow.py runs every rule
of the toy DAG with the local executor.
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import yaml

from snakemake_runner import REPO, run_snakemake, standin_calls, standin_jobs, tool

PROFILE = "workflow/profiles/slurm"
LOCAL_OVERRIDES = [
    "--jobs", "3",
    "--latency-wait", "5",
    "--slurm-init-seconds-before-status-checks", "1",
]
FULL_RUN_TIMEOUT_S = 1200
SHORT_RUN_TIMEOUT_S = 180


def load_profile() -> dict:
    return yaml.safe_load((REPO / PROFILE / "config.v8+.yaml").read_text())


def merge(base: dict, override: dict) -> dict:
    """Deep merge, as Snakemake merges --configfile files."""
    merged = dict(base)
    for key, value in override.items():
        merged[key] = merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
    return merged


def toy_solvent(repo: Path) -> float:
    """The one solvent the small runs keep: the one the g(r) comparison uses, if any."""
    config = yaml.safe_load((repo / "config/config.yaml").read_text())
    config = merge(config, yaml.safe_load((repo / "config/toy.yaml").read_text()))
    np_config = config["nanoparticles"]
    return float(np_config.get("gr", {}).get("solvent", np_config["solvents"][0]))


def write_small_config(repo: Path) -> str:
    """config/toy.yaml made smaller still: the nanoparticle paper, one solvent, three separations."""
    solvent = toy_solvent(repo)
    # the profile is what is tested here: one paper's DAG (every rule of every paper runs in
    # the toy fixture of test_toy_workflow.py)
    small = {"papers": ["nanoparticles"], "nanoparticles": {"solvents": [solvent], "pair": {"n_separations": 3},
                               "clusters": {"samples_per_radius": 1}, "eos": {"pressures": [1.0]},
                               "gr": {"solvent": solvent, "densities": [0.12]}}}
    path = repo / "small.yaml"
    path.write_text(yaml.safe_dump(small))
    return path.name


PAIR_CHAIN_TARGET = "results/toy/nanoparticles/figures/fig2_pair_pmf.png"
PAIR_CHAIN_RULES = {"np_pair_fg", "np_pair_map", "np_pair_features", "np_pair_fit", "np_pair_pmf", "np_fig2"}


def one_fg_target(repo: Path) -> str:
    """The output of the first FG pair run (an early, single job)."""
    return f"results/toy/nanoparticles/fg/pair/s{toy_solvent(repo):g}/R000/forces.dump"


def toy_slurm_args(repo: Path, *targets: str) -> list[str]:
    return ["--profile", PROFILE, "--configfile", "config/toy.yaml", write_small_config(repo),
            *LOCAL_OVERRIDES, *targets]


# ----------------------------------------------------------------------------- fast


def test_profile_sets_the_settings_that_keep_a_run_from_hanging():
    profile = load_profile()
    assert profile["executor"] == "slurm"
    assert profile["slurm-status-command"] in ("sacct", "squeue"), "status command must be explicit"
    assert 1 <= profile["slurm-init-seconds-before-status-checks"] <= 60
    assert profile["retries"] >= 1
    assert profile["rerun-incomplete"] is True
    assert profile["latency-wait"] > 0
    assert profile["jobs"] >= 1
    for resource in ("runtime", "mem_mb", "cpus_per_task"):
        assert resource in profile["default-resources"], resource


def test_profile_plugin_keys_are_settings_of_the_installed_plugin():
    """A misspelt `slurm-...` key must not silently fall back to a default."""
    from snakemake_executor_plugin_slurm import ExecutorSettings

    fields = {"slurm-" + f.name.replace("_", "-") for f in dataclasses.fields(ExecutorSettings)}
    keys = {k for k in load_profile() if k.startswith("slurm-")}
    assert keys <= fields, f"unknown plugin settings: {sorted(keys - fields)}"


@pytest.mark.workflow
@pytest.mark.parametrize("with_standins", [True, False], ids=["slurm-on-path", "no-slurm"])
def test_paper_scale_dry_run_builds_the_full_dag(repo_copy, slurm_env, with_standins):
    env, state = slurm_env
    if not with_standins:  # e.g. CI, or a workstation: no SLURM commands at all
        env = {**env, "PATH": os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if "standins" not in p)}
    # a dry run caps threads at --cores (1 when not given); a slurm run has no cap: give a node's worth
    run = run_snakemake(["-n", "--profile", PROFILE, "--cores", "64"], repo_copy, timeout=120, env=env)
    assert not run.timed_out and run.returncode == 0, run.describe()
    config = yaml.safe_load((repo_copy / "config/config.yaml").read_text())
    np_config = config["nanoparticles"]
    counts = job_counts(run.output)
    assert counts.get("np_pair_fg") == np_config["pair"]["n_separations"] * len(np_config["solvents"]), counts
    assert counts.get("all") == 1 and counts.get("scorecard") == 1, counts
    # hard rods, fitted CG and the exact-contact reference (sc_eos.exact_reference), two branches each
    n_potentials = 3 if config["anisotropic"]["sc_eos"]["exact_reference"] else 2
    assert counts.get("an_sc_eos") == n_potentials * 2, counts
    # the long anisotropic jobs size their wall time from the config (cgml.papers.anisotropic.cost):
    # every one fits a 72 h cap, the FG replica exchange with its 8 threads
    requests = job_requests(run.output)
    long_jobs = [r for r in requests if r[0] in ("an_remc", "an_sc_eos", "an_quasi2d", "an_superball_dataset")]
    assert len(long_jobs) == 4 + counts["an_sc_eos"] + 2 + 1, long_jobs
    assert all(10 < runtime <= 72 * 60 for _, _, runtime in long_jobs), long_jobs
    # the replica exchange resumes from its checkpoints: no attempt beyond the cluster's limit
    cap = config["engines"]["lammps"]["max_job_minutes"]
    assert all(runtime <= cap for rule, _, runtime in long_jobs if rule == "an_remc"), long_jobs
    assert sorted(t for rule, t, runtime in long_jobs if rule == "an_remc" and runtime > 600) == [8, 8]
    assert not standin_calls(state, "sbatch"), "a dry run submitted jobs"
    assert not (repo_copy / "results").exists()


def job_requests(output: str) -> list[tuple[str, int, int]]:
    """(rule, threads, runtime [min]) of every job a Snakemake dry run lists."""
    jobs, rule, threads = [], None, 1
    for line in output.splitlines():
        if line.startswith("rule ") or line.startswith("localrule "):
            rule, threads = line.split()[1].rstrip(":"), 1
        elif line.strip().startswith("threads:"):
            threads = int(line.split()[1])
        elif line.strip().startswith("resources:") and rule is not None:
            runtime = re.search(r"runtime=(\d+)", line)
            jobs.append((rule, threads, int(runtime.group(1)) if runtime else -1))
            rule = None
    return jobs


def job_counts(output: str) -> dict[str, int]:
    """The `Job stats` table of a Snakemake dry run as {rule: count}."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Job stats"))
    counts = {}
    for line in lines[start + 3 :]:
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit() or parts[0] == "total":
            break
        counts[parts[0]] = int(parts[1])
    return counts


# ----------------------------------------------------------------------------- end to end


def assert_every_job_went_through_slurm(state: Path) -> None:
    jobs = standin_jobs(state)
    assert jobs, "no job went through sbatch"
    assert all(job["state"] == "COMPLETED" for job in jobs), [(j["rule"], j["state"]) for j in jobs]
    assert "np_pair_fg" in {job["rule"] for job in jobs}
    # the profile's and the rules' resources reach sbatch
    for job in jobs:
        argv = " ".join(job["argv"])
        for flag in ("-t ", "--mem ", "--cpus-per-task=", "--no-requeue", "--job-name "):
            assert flag in argv, (job["rule"], flag, argv)
    # every job ran its step through srun, and was polled with the configured sacct query
    assert len(standin_calls(state, "srun")) == len(jobs)
    status_queries = [c for c in standin_calls(state, "sacct") if "--format=JobIdRaw,State" in c["argv"]]
    assert status_queries, "the plugin never asked sacct for the job states"
    assert not standin_calls(state, "squeue")


@pytest.mark.workflow
@pytest.mark.slow
def test_the_pair_chain_runs_through_the_slurm_profile(repo_copy, slurm_env):
    env, state = slurm_env
    run = run_snakemake(toy_slurm_args(repo_copy, PAIR_CHAIN_TARGET), repo_copy, FULL_RUN_TIMEOUT_S, env)
    print(f"toy pair chain through the slurm profile: {run.seconds:.0f} s")
    assert not run.timed_out and run.returncode == 0, run.describe()
    assert (repo_copy / PAIR_CHAIN_TARGET).is_file()
    assert_every_job_went_through_slurm(state)
    rules = [job["rule"] for job in standin_jobs(state)]
    assert set(rules) == PAIR_CHAIN_RULES, rules
    assert rules.count("np_pair_fg") == 3, rules


@pytest.mark.workflow
@pytest.mark.slow
def test_a_job_that_fails_once_is_retried(repo_copy, slurm_env):
    env, state = slurm_env
    env["CGML_STANDIN_FAIL_ONCE"] = "np_pair_fg"
    run = run_snakemake(toy_slurm_args(repo_copy, one_fg_target(repo_copy)), repo_copy, SHORT_RUN_TIMEOUT_S, env)
    print(f"retry run: {run.seconds:.0f} s")
    assert not run.timed_out and run.returncode == 0, run.describe()
    assert (repo_copy / one_fg_target(repo_copy)).is_file()
    states = [(job["rule"], job["state"]) for job in standin_jobs(state)]
    assert states == [("np_pair_fg", "FAILED"), ("np_pair_fg", "COMPLETED")], states
    attempts = [" ".join(job["argv"]) for job in standin_jobs(state)]
    assert "--attempt 1" in attempts[0] and "--attempt 2" in attempts[1], attempts


@pytest.mark.workflow
@pytest.mark.slow
def test_interrupting_snakemake_cancels_its_slurm_jobs(repo_copy, slurm_env):
    env, state = slurm_env
    # the job idles 120 s before its script starts, so it is surely running at the Ctrl-C
    # (a 12 s LAMMPS job once finished first on a loaded machine)
    env = {**env, "CGML_STANDIN_START_DELAY_S": "120"}
    args = [tool("snakemake"), *toy_slurm_args(repo_copy, one_fg_target(repo_copy))]
    # a shell that starts the tests in the background (nohup ... &, CI runners) hands them
    # SIGINT ignored, and Python then never installs its Ctrl-C handler: give Snakemake the
    # default disposition a terminal would
    proc = subprocess.Popen(args, cwd=repo_copy, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        # interrupt only once Snakemake itself reports the SLURM job id: before that it does
        # not know the job it should cancel (a fixed sleep was too short under heavy load)
        deadline = time.monotonic() + 120
        while (not any("has been submitted with SLURM jobid" in line for line in lines)
               and proc.poll() is None and time.monotonic() < deadline):
            time.sleep(0.5)
        assert standin_jobs(state), "no job was submitted within 120 s:\n" + "".join(lines)
        time.sleep(1.0)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C
        proc.wait(timeout=90)
        reader.join(timeout=10)
        output = "".join(lines)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode != 0, output
    assert standin_calls(state, "scancel"), output
    assert [job["state"] for job in standin_jobs(state)] == ["CANCELLED"], output


@pytest.mark.workflow
@pytest.mark.slow
def test_a_job_that_always_fails_ends_the_run_with_an_error(repo_copy, slurm_env):
    env, state = slurm_env
    env["CGML_STANDIN_FAIL_ALWAYS"] = "np_pair_fg"
    run = run_snakemake(toy_slurm_args(repo_copy, one_fg_target(repo_copy)), repo_copy, SHORT_RUN_TIMEOUT_S, env)
    print(f"failing run: {run.seconds:.0f} s")
    assert not run.timed_out, run.describe()
    assert run.returncode != 0, run.describe()
    assert "np_pair_fg" in run.output and "Error in rule" in run.output, run.describe()
    assert not (repo_copy / one_fg_target(repo_copy)).exists()
    states = [(job["rule"], job["state"]) for job in standin_jobs(state)]
    assert states == [("np_pair_fg", "FAILED")] * 2, states  # the first try and one retry
