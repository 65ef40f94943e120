"""The SLURM stand-ins speak the formats snakemake-executor-plugin-slurm parses.

Fast checks with trivial jobs; the plugin's own parsing functions read the
stand-ins' output, so a change of format on either side shows up here first.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import time
from pathlib import Path

import pytest

from snakemake_runner import standin_jobs

pytestmark = pytest.mark.workflow

RUN_ID = "0f6e2c1a-test-run"


def sbatch(env: dict, cwd: Path, command: str, *extra: str) -> str:
    """Submit ``command`` the way the plugin does; return the job id the plugin would read."""
    from snakemake_executor_plugin_slurm.validation import validate_or_get_slurm_job_id

    call = ["sbatch", "--parsable", "--job-name", RUN_ID, "--output", str(cwd / "logs" / "%j.log"),
            "--export=ALL", "--comment", "rule_demo_wildcards_x", "-A", "test", "-p", "test", "-t", "1",
            "--mem", "100", "--ntasks=1", "--cpus-per-task=1", *extra, "-D", str(cwd), f"--wrap={command}"]
    out = subprocess.run(call, env=env, cwd=cwd, capture_output=True, text=True, timeout=30, check=True).stdout
    return validate_or_get_slurm_job_id(out.strip().split(";")[0], out)


def wait_until_finished(state: Path, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if all(job["state"] not in ("PENDING", "RUNNING") for job in standin_jobs(state)):
            return
        time.sleep(0.1)
    pytest.fail(f"stand-in jobs still running after {timeout_s} s: {standin_jobs(state)}")


def plugin_status(env: dict, command: str) -> dict:
    """Job states as the plugin's query_job_status reads them, with the stand-ins on PATH."""
    import os

    from snakemake_executor_plugin_slurm.job_status_query import query_job_status

    old_path = os.environ["PATH"]
    os.environ["PATH"] = env["PATH"]
    os.environ["CGML_SLURM_STANDIN_DIR"] = env["CGML_SLURM_STANDIN_DIR"]
    try:
        status, _seconds = asyncio.run(query_job_status(command, logging.getLogger("test")))
    finally:
        os.environ["PATH"] = old_path
        os.environ.pop("CGML_SLURM_STANDIN_DIR", None)
    return status


def test_sacct_and_squeue_report_states_the_plugin_understands(slurm_env, tmp_path):
    from snakemake_executor_plugin_slurm.job_status_query import query_job_status_sacct, query_job_status_squeue

    env, state = slurm_env
    ok = sbatch(env, tmp_path, "echo hello")
    failed = sbatch(env, tmp_path, "exit 3")
    wait_until_finished(state)
    expected = {ok: "COMPLETED", failed: "FAILED"}
    assert plugin_status(env, query_job_status_sacct(RUN_ID)) == expected
    assert plugin_status(env, query_job_status_squeue(RUN_ID)) == expected
    assert (tmp_path / "logs" / f"{ok}.log").read_text() == "hello\n"


def test_time_limit_and_scancel(slurm_env, tmp_path):
    env, state = slurm_env
    job = sbatch(env, tmp_path, "sleep 300")
    subprocess.run(["scancel", job], env=env, timeout=30, check=True)
    wait_until_finished(state)
    assert [j["state"] for j in standin_jobs(state)] == ["CANCELLED"]

    slow = sbatch(env, tmp_path, "sleep 300", "--time=0:01")  # a limit of 1 s
    wait_until_finished(state, timeout_s=30)
    assert {j["key"]: j["state"] for j in standin_jobs(state)}[slow] == "TIMEOUT"


def test_fail_once_and_fail_always(slurm_env, tmp_path):
    env, state = slurm_env
    env["CGML_STANDIN_FAIL_ONCE"] = "demo"
    sbatch(env, tmp_path, "true")
    sbatch(env, tmp_path, "true")
    env["CGML_STANDIN_FAIL_ALWAYS"] = "demo"
    sbatch(env, tmp_path, "true")
    wait_until_finished(state)
    assert [j["state"] for j in standin_jobs(state)] == ["FAILED", "COMPLETED", "FAILED"]


def test_cluster_queries_answer_like_slurm(slurm_env):
    env, _ = slurm_env

    def call(*args):
        return subprocess.run(args, env=env, capture_output=True, text=True, timeout=30, check=True).stdout

    assert "test*" in call("sinfo", "-o", "%P").split()  # default partition
    assert "test" in call("sacctmgr", "-n", "-s", "list", "user", "me", "format=account%256").split()
    assert "MinJobAge" in call("scontrol", "show", "config")
    assert call("srun", "-n1", "--cpu-bind=q", "--cpus-per-task=1", "--nodes=1", "echo", "step") == "step\n"
