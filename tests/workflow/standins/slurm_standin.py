"""Local stand-ins for the SLURM client commands used by snakemake-executor-plugin-slurm.

Each executable next to this file (``sbatch``, ``srun``, ``sacct``, ``squeue``,
``scancel``, ``sinfo``, ``scontrol``, ``sacctmgr``, ``sshare``) calls :func:`main`
with its own name. Jobs run on this machine: ``sbatch`` assigns a job id, starts
the job script in the background in its own session (process group) with its
output going to the ``--output`` file, and prints the id; ``sacct``/``squeue``
report the job states from the state directory; ``scancel`` kills the job's
process group; ``srun`` runs its command in place.

Output formats follow what plugin 2.8.0 parses (see ``submit_string.py``,
``job_status_query.py``, ``accounts.py``, ``partitions.py`` of the plugin):

- ``sbatch --parsable`` prints ``<id>`` (``<id>;<cluster>`` with ``--clusters``),
  otherwise ``Submitted batch job <id>``;
- ``sacct -X --parsable2 --noheader --format=JobIdRaw,State --name <run>`` prints
  ``<id>|<STATE>`` per job; ``squeue --format=%i|%T --noheader`` likewise;
- ``sinfo -o %P`` marks the default partition with ``*``;
- ``sacctmgr -n -s list user <u> format=account%256`` lists the accounts.

Environment
-----------
CGML_SLURM_STANDIN_DIR      state directory (default ``$TMPDIR/cgml-slurm-standin-<uid>``)
CGML_STANDIN_FAIL_ONCE      comma-separated rule names: the first submission of any job
                            of such a rule exits 1 without running; later ones run.
CGML_STANDIN_FAIL_ALWAYS    comma-separated rule names: every submission exits 1.
CGML_STANDIN_PARTITION      partition name reported by sinfo/scontrol (default ``test``)
CGML_STANDIN_ACCOUNTS       comma-separated accounts known to sacctmgr (default ``test``)
CGML_STANDIN_START_DELAY_S  seconds a job waits (RUNNING) before its script starts

States are PENDING (submitted, runner not yet alive), RUNNING, COMPLETED, FAILED,
TIMEOUT (the ``-t`` limit passed; the process group is killed) and CANCELLED.
Every call of every stand-in is appended, as one JSON line, to ``calls.jsonl`` in
the state directory.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

FIRST_JOB_ID = 1001
TERMINAL_STATES = ("COMPLETED", "FAILED", "TIMEOUT", "CANCELLED")


# --------------------------------------------------------------------------- state


def state_dir() -> Path:
    default = Path(tempfile.gettempdir()) / f"cgml-slurm-standin-{os.getuid()}"
    path = Path(os.environ.get("CGML_SLURM_STANDIN_DIR") or default).resolve()
    (path / "jobs").mkdir(parents=True, exist_ok=True)
    return path


def log_call(command: str, argv: list[str]) -> None:
    line = json.dumps({"time": time.time(), "command": command, "argv": argv, "cwd": os.getcwd()})
    with open(state_dir() / "calls.jsonl", "a") as stream:
        stream.write(line + "\n")


def write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def allocate_job_id(root: Path) -> int:
    with open(root / "lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        counter = root / "next_id"
        job_id = int(counter.read_text()) if counter.exists() else FIRST_JOB_ID
        counter.write_text(str(job_id + 1))
    return job_id


def claim_once(root: Path, name: str) -> bool:
    """True exactly once per state directory and name (an O_EXCL marker file)."""
    try:
        fd = os.open(root / f"fail_once_{name}", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def job_keys(root: Path) -> list[str]:
    keys = [p.stem for p in (root / "jobs").glob("*.json") if not p.name.startswith(".")]
    return sorted(keys, key=lambda k: tuple(int(x) for x in k.split("_")))


def load_job(root: Path, key: str) -> dict:
    return json.loads((root / "jobs" / f"{key}.json").read_text())


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # an unreaped zombie is not alive
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def job_state(root: Path, key: str) -> tuple[str, int]:
    """(STATE, exit code) of one job from its files in the state directory."""
    jobs = root / "jobs"
    final = jobs / f"{key}.final"
    if final.exists():
        data = json.loads(final.read_text())
        return data["state"], data["exit_code"]
    if (jobs / f"{key}.cancelled").exists():
        return "CANCELLED", 0
    pid_file = jobs / f"{key}.pid"
    if not pid_file.exists():
        return "PENDING", 0
    if pid_alive(int(pid_file.read_text())):
        return "RUNNING", 0
    # the runner died without writing its final state: count it as a failure
    if final.exists():  # it wrote it just now
        data = json.loads(final.read_text())
        return data["state"], data["exit_code"]
    return "FAILED", 1


# --------------------------------------------------------------------------- parsing


def rule_of(comment: str) -> str:
    """Rule name from the plugin's comment ``rule_<name>[_wildcards_<...>]``."""
    if comment.startswith("rule_"):
        return comment[len("rule_") :].split("_wildcards_")[0]
    if comment.startswith("group_"):
        return comment[len("group_") :].split("_wildcards_")[0]
    return ""


def parse_options(argv: list[str], with_value: set[str]) -> tuple[dict, list[str]]:
    """Parse SLURM-style options until the first positional argument.

    ``with_value`` names options taking a value (``--name``, ``-n``). Long options
    may use ``--opt=value``; short ones ``-n1`` or ``-n 1``; clusters of short flags
    (``-nu user``) are split, a value-taking letter taking the rest or the next
    argument. Returns ({option: value or True}, remaining arguments).
    """
    options: dict = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            return options, argv[i + 1 :]
        if arg.startswith("--"):
            if "=" in arg:
                key, value = arg.split("=", 1)
                options[key] = value
            elif arg in with_value and i + 1 < len(argv):
                options[arg] = argv[i + 1]
                i += 1
            else:
                options[arg] = True
        elif arg.startswith("-") and len(arg) > 1 and not arg[1].isdigit():
            letters = arg[1:]
            j = 0
            while j < len(letters):
                key = "-" + letters[j]
                if key in with_value:
                    rest = letters[j + 1 :]
                    if rest:
                        options[key] = rest.lstrip("=")
                    elif i + 1 < len(argv):
                        options[key] = argv[i + 1]
                        i += 1
                    break
                options[key] = True
                j += 1
        else:
            return options, argv[i:]
        i += 1
    return options, []


def option(options: dict, *names: str, default=None):
    for name in names:
        if name in options:
            return options[name]
    return default


def parse_time_limit(value) -> float | None:
    """SLURM time limit [s] from ``minutes``, ``MM:SS``, ``HH:MM:SS``, ``D-HH[:MM[:SS]]``."""
    if value in (None, True, "", "UNLIMITED", "infinite"):
        return None
    text = str(value)
    days = 0
    if "-" in text:
        day_text, text = text.split("-", 1)
        days = int(day_text)
        parts = [int(p) for p in text.split(":")]
        parts += [0] * (3 - len(parts))
        hours, minutes, seconds = parts
    else:
        parts = [int(float(p)) for p in text.split(":")]
        if len(parts) == 1:
            hours, minutes, seconds = 0, parts[0], 0
        elif len(parts) == 2:
            hours, (minutes, seconds) = 0, parts
        else:
            hours, minutes, seconds = parts[-3:]
    return float(((days * 24 + hours) * 60 + minutes) * 60 + seconds)


def parse_array(spec: str) -> list[int]:
    """Task ids of ``--array=1-3,5`` (a ``%limit`` suffix is ignored)."""
    spec = spec.split("%")[0]
    tasks: list[int] = []
    for part in spec.split(","):
        step = 1
        if ":" in part:
            part, step_text = part.split(":")
            step = int(step_text)
        if "-" in part:
            lo, hi = (int(x) for x in part.split("-"))
            tasks.extend(range(lo, hi + 1, step))
        elif part:
            tasks.append(int(part))
    return tasks


def format_fields(spec: str) -> list[str]:
    return [f.split("%")[0].strip() for f in spec.split(",") if f.strip()]


# --------------------------------------------------------------------------- sbatch


SBATCH_WITH_VALUE = {
    "--job-name", "-J", "--output", "-o", "--error", "-e", "--comment", "--account", "-A",
    "--partition", "-p", "--clusters", "-M", "--time", "-t", "--constraint", "-C", "--qos",
    "-q", "--mem", "--mem-per-cpu", "--nodes", "-N", "--ntasks", "-n", "--cpus-per-task",
    "-c", "--chdir", "-D", "--wrap", "--reservation", "--exclude", "-x", "--array", "-a",
    "--gres", "--gpus", "-G", "--export", "--dependency", "-d", "--ntasks-per-node",
    "--ntasks-per-gpu", "--cpus-per-gpu", "--nodelist", "-w",
}


def sbatch(argv: list[str]) -> int:
    root = state_dir()
    options, rest = parse_options(argv, SBATCH_WITH_VALUE)
    wrap = option(options, "--wrap")
    if wrap is not None:
        if rest:
            print("sbatch: error: script arguments not permitted with --wrap option", file=sys.stderr)
            return 1
        script_text = "#!/bin/sh\n" + str(wrap) + "\n"
        script_args: list[str] = []
    elif rest:
        source = rest[0]
        script_text = sys.stdin.read() if source in ("-", "/dev/stdin") else Path(source).read_text()
        script_args = rest[1:]
    else:
        script_text = sys.stdin.read()
        script_args = []
    if not script_text.strip():
        print("sbatch: error: Batch script is empty!", file=sys.stderr)
        return 1

    job_id = allocate_job_id(root)
    comment = str(option(options, "--comment", default=""))
    rule = rule_of(comment)
    fail_always = [r for r in os.environ.get("CGML_STANDIN_FAIL_ALWAYS", "").split(",") if r]
    fail_once = [r for r in os.environ.get("CGML_STANDIN_FAIL_ONCE", "").split(",") if r]
    workdir = str(option(options, "--chdir", "-D", default=os.getcwd()))
    array = option(options, "--array", "-a")
    tasks = parse_array(str(array)) if array else [None]
    partition = option(options, "--partition", "-p", default=os.environ.get("CGML_STANDIN_PARTITION", "test"))

    script_path = root / "jobs" / f"{job_id}.sh"
    script_path.write_text(script_text)
    script_path.chmod(0o755)
    for task in tasks:
        key = str(job_id) if task is None else f"{job_id}_{task}"
        injected = ""
        if rule and rule in fail_always:
            injected = "CGML_STANDIN_FAIL_ALWAYS"
        elif rule and rule in fail_once and claim_once(root, rule):
            injected = "CGML_STANDIN_FAIL_ONCE"
        output = str(option(options, "--output", "-o", default=os.path.join(workdir, "slurm-%j.out")))
        output = output.replace("%A", str(job_id)).replace("%a", str(task if task is not None else 0))
        output = output.replace("%j", str(job_id)).replace("%x", str(option(options, "--job-name", "-J", default="")))
        if not os.path.isabs(output):
            output = os.path.join(workdir, output)
        env = {
            "SLURM_JOB_ID": str(job_id),
            "SLURM_JOBID": str(job_id),
            "SLURM_JOB_NAME": str(option(options, "--job-name", "-J", default="sbatch")),
            "SLURM_JOB_PARTITION": str(partition),
            "SLURM_SUBMIT_DIR": os.getcwd(),
            "SLURM_SUBMIT_HOST": os.uname().nodename,
            "SLURM_CLUSTER_NAME": "standin",
            "SLURM_NTASKS": str(option(options, "--ntasks", "-n", default=1)),
            "SLURM_CPUS_PER_TASK": str(option(options, "--cpus-per-task", "-c", default=1)),
            "SLURM_JOB_NODELIST": "localhost",
        }
        if task is not None:
            env.update(
                SLURM_ARRAY_JOB_ID=str(job_id),
                SLURM_ARRAY_TASK_ID=str(task),
                SLURM_ARRAY_TASK_MIN=str(min(tasks)),
                SLURM_ARRAY_TASK_MAX=str(max(tasks)),
                SLURM_ARRAY_TASK_STEP="1",
            )
        job = {
            "key": key,
            "job_id": job_id,
            "task": task,
            "name": str(option(options, "--job-name", "-J", default="sbatch")),
            "comment": comment,
            "rule": rule,
            "account": str(option(options, "--account", "-A", default="")),
            "partition": str(partition),
            "workdir": workdir,
            "output": output,
            "script": str(script_path),
            "script_args": script_args,
            "time_limit_s": parse_time_limit(option(options, "--time", "-t")),
            "injected_failure": injected,
            "submit_time": time.time(),
            "argv": argv,
            "env": env,
        }
        write_json_atomic(root / "jobs" / f"{key}.json", job)
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        with open(output, "ab") as log, open(os.devnull, "rb") as devnull:
            runner = subprocess.Popen(
                [sys.executable, os.path.abspath(__file__), "_run", str(root), key],
                stdin=devnull,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=workdir,
                start_new_session=True,  # own session and process group, survives sbatch
                close_fds=True,
            )
        (root / "jobs" / f"{key}.pid").write_text(str(runner.pid))

    clusters = option(options, "--clusters", "-M")
    if option(options, "--parsable"):
        print(f"{job_id};{clusters}" if clusters else str(job_id))
    else:
        print(f"Submitted batch job {job_id}" + (f" on cluster {clusters}" if clusters else ""))
    return 0


def run_job(root_text: str, key: str) -> int:
    """Body of one background job: run the script, then record its final state."""
    root = Path(root_text)
    job = load_job(root, key)
    final = root / "jobs" / f"{key}.final"
    started = time.time()
    child: list[subprocess.Popen] = []

    def finish(state: str, exit_code: int) -> None:
        if not final.exists():
            write_json_atomic(
                final,
                {"state": state, "exit_code": exit_code, "start": started, "end": time.time()},
            )

    def on_term(signum, frame):  # scancel: the whole group gets SIGTERM
        for proc in child:
            if proc.poll() is None:
                proc.terminate()
        finish("CANCELLED", 128 + signum)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    sys.stdout.flush()
    if job["injected_failure"]:
        print(
            f"slurm stand-in: job {key} of rule {job['rule']} fails on purpose ({job['injected_failure']})",
            flush=True,
        )
        finish("FAILED", 1)
        return 1

    delay = float(os.environ.get("CGML_STANDIN_START_DELAY_S", "0") or 0)
    if delay > 0:  # a job that is surely still running when a test interrupts it
        time.sleep(delay)
    env = dict(os.environ)
    env.update(job["env"])
    script = job["script"]
    first_line = Path(script).read_text().split("\n", 1)[0]
    command = [script] if first_line.startswith("#!") else ["/bin/sh", script]
    proc = subprocess.Popen(command + job["script_args"], cwd=job["workdir"], env=env, stdin=subprocess.DEVNULL)
    child.append(proc)
    try:
        exit_code = proc.wait(timeout=job["time_limit_s"])
    except subprocess.TimeoutExpired:
        print(f"slurm stand-in: job {key} exceeded its time limit; killing it", flush=True)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        os.killpg(os.getpgrp(), signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        finish("TIMEOUT", 1)
        return 1
    finish("COMPLETED" if exit_code == 0 else "FAILED", exit_code if exit_code >= 0 else 128 - exit_code)
    return 0


# --------------------------------------------------------------------------- queries


def selected_keys(root: Path, ids_spec, names_spec) -> list[tuple[str, str | None]]:
    """[(job key, step or None)] matching ``-j`` ids and ``--name`` names."""
    keys = job_keys(root)
    if names_spec not in (None, True):
        names = set(str(names_spec).split(","))
        keys = [k for k in keys if load_job(root, k)["name"] in names]
    if ids_spec in (None, True):
        return [(k, None) for k in keys]
    selected = []
    for item in str(ids_spec).split(","):
        item = item.strip()
        base, _, step = item.partition(".")
        for key in keys:
            if key == base or key.split("_")[0] == base:
                selected.append((key, step or None))
    return selected


def field_value(root: Path, key: str, step: str | None, field: str) -> str:
    job = load_job(root, key)
    state, exit_code = job_state(root, key)
    final = root / "jobs" / f"{key}.final"
    times = json.loads(final.read_text()) if final.exists() else {}
    start = times.get("start", job["submit_time"])
    end = times.get("end", time.time())
    elapsed = int(max(0.0, end - start))
    field = field.lower()
    stamp = lambda t: datetime.fromtimestamp(t).strftime("%Y-%m-%dT%H:%M:%S")  # noqa: E731
    values = {
        "jobidraw": key if step is None else f"{key}.{step}",
        "jobid": key if step is None else f"{key}.{step}",
        "state": state,
        "exitcode": f"{exit_code}:0",
        "jobname": job["name"] if step is None else "batch",
        "comment": job["comment"],
        "account": job["account"] or "test",
        "partition": job["partition"],
        "user": os.environ.get("USER", "user"),
        "nodelist": "localhost",
        "nnodes": "1",
        "ncpus": job["env"]["SLURM_CPUS_PER_TASK"],
        "alloccpus": job["env"]["SLURM_CPUS_PER_TASK"],
        "elapsed": f"{elapsed // 3600:02d}:{elapsed // 60 % 60:02d}:{elapsed % 60:02d}",
        "elapsedraw": str(elapsed),
        "submit": stamp(job["submit_time"]),
        "start": stamp(start),
        "end": stamp(end) if final.exists() else "Unknown",
        "reason": "None" if state in ("COMPLETED", "RUNNING") else ("NonZeroExitCode" if state == "FAILED" else state),
        "timelimit": "UNLIMITED" if job["time_limit_s"] is None else str(int(job["time_limit_s"] // 60)),
    }
    return values.get(field, "")


def print_table(rows: list[list[str]], header: list[str], parsable: str | None, noheader: bool) -> None:
    if parsable is not None:
        end = "|" if parsable == "parsable" else ""
        if not noheader:
            print("|".join(header) + end)
        for row in rows:
            print("|".join(row) + end)
        return
    widths = [max([len(h), 10] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    if not noheader:
        print(" ".join(h.ljust(w) for h, w in zip(header, widths)))
        print(" ".join("-" * w for w in widths))
    for row in rows:
        print(" ".join(v.ljust(w) for v, w in zip(row, widths)))


SACCT_WITH_VALUE = {
    "--format", "-o", "--jobs", "-j", "--name", "--user", "-u", "--starttime", "-S",
    "--endtime", "-E", "--clusters", "-M", "--state", "-s", "--partition", "-r",
    "--account", "-A", "--units",
}


def sacct(argv: list[str]) -> int:
    root = state_dir()
    options, _ = parse_options([a for a in argv if a not in ("|", "tail", "-1")], SACCT_WITH_VALUE)
    fields = format_fields(str(option(options, "--format", "-o", default="JobID,JobName,Partition,Account,AllocCPUS,State,ExitCode")))
    parsable = "parsable2" if option(options, "--parsable2", "-P") else ("parsable" if option(options, "--parsable", "-p") else None)
    noheader = bool(option(options, "--noheader", "-n"))
    ids, names = option(options, "--jobs", "-j"), option(options, "--name")
    rows = []
    if option(options, "--user", "-u") not in (None, True) and ids is None and names is None:
        # accounts.get_account: `sacct -nu <user> -o Account%256 | tail -1` (the plugin
        # passes `| tail -1` to sacct as arguments): answer with one line
        rows = [[field_value_default(f) for f in fields]]
    else:
        for key, step in selected_keys(root, ids, names):
            if step not in (None, "0", "batch"):
                continue  # a stand-in job has a single step
            rows.append([field_value(root, key, step, f) for f in fields])
    print_table(rows, [f.upper() if f.lower() != "jobidraw" else "JobIDRaw" for f in fields], parsable, noheader)
    return 0


def field_value_default(field: str) -> str:
    if field.lower() == "account":
        return os.environ.get("CGML_STANDIN_ACCOUNTS", "test").split(",")[0]
    return ""


SQUEUE_SPEC = {
    "i": "jobid", "A": "jobid", "T": "state", "j": "jobname", "P": "partition", "u": "user",
    "M": "elapsed", "k": "comment", "N": "nodelist", "D": "nnodes", "C": "ncpus", "l": "timelimit",
}
SQUEUE_SHORT = {"PENDING": "PD", "RUNNING": "R", "COMPLETED": "CD", "FAILED": "F", "TIMEOUT": "TO", "CANCELLED": "CA"}


def squeue(argv: list[str]) -> int:
    root = state_dir()
    options, _ = parse_options(
        argv, {"--format", "-o", "--name", "-n", "--states", "-t", "--jobs", "-j", "--user", "-u", "--clusters", "-M", "--partition", "-p"}
    )
    fmt = str(option(options, "--format", "-o", default="%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R"))
    states = str(option(options, "--states", "-t", default="PENDING,RUNNING")).upper().split(",")
    noheader = bool(option(options, "--noheader", "-h"))
    selected = selected_keys(root, option(options, "--jobs", "-j"), option(options, "--name", "-n"))
    spec_re = re.compile(r"%\.?-?\d*([A-Za-z])")
    if not noheader:
        print(spec_re.sub(lambda m: SQUEUE_SPEC.get(m.group(1), m.group(1)).upper(), fmt))
    for key, _step in selected:
        state, _ = job_state(root, key)
        if "ALL" not in states and state not in states and SQUEUE_SHORT.get(state) not in states:
            continue

        def value(match):
            letter = match.group(1)
            if letter == "t":
                return SQUEUE_SHORT.get(state, state)
            if letter == "R":
                return "localhost"
            return field_value(root, key, None, SQUEUE_SPEC.get(letter, ""))

        print(spec_re.sub(value, fmt))
    return 0


def scancel(argv: list[str]) -> int:
    root = state_dir()
    options, ids = parse_options(argv, {"--name", "-n", "--user", "-u", "--clusters", "-M", "--signal", "-s"})
    names = option(options, "--name", "-n")
    selected = selected_keys(root, ",".join(ids) if ids else None, names) if (ids or names) else []
    status = 0
    for key, _step in selected:
        state, _ = job_state(root, key)
        if state in TERMINAL_STATES:
            continue
        (root / "jobs" / f"{key}.cancelled").touch()
        pid = int((root / "jobs" / f"{key}.pid").read_text())
        kill_group(pid)
    if ids and not selected:
        print(f"scancel: error: Invalid job id {' '.join(ids)}", file=sys.stderr)
        status = 1
    return status


def kill_group(pgid: int, grace_s: float = 3.0) -> None:
    """SIGTERM a job's process group, SIGKILL it if still alive after ``grace_s``."""
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.time() + grace_s
    while time.time() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        if not pid_alive(pgid):
            break
        time.sleep(0.1)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def cancel_all(root: Path) -> list[str]:
    """Kill every job of a state directory that has not finished (test clean-up)."""
    killed = []
    for key in job_keys(root):
        pid_file = root / "jobs" / f"{key}.pid"
        if pid_file.exists() and not (root / "jobs" / f"{key}.final").exists():
            pid = int(pid_file.read_text())
            if not pid_alive(pid):  # gone without writing .final (e.g. SIGKILLed under load)
                continue
            (root / "jobs" / f"{key}.cancelled").touch()
            kill_group(pid)
            killed.append(key)
    return killed


# --------------------------------------------------------------------------- cluster info


def partition_name() -> str:
    return os.environ.get("CGML_STANDIN_PARTITION", "test")


def sinfo(argv: list[str]) -> int:
    options, _ = parse_options(argv, {"--format", "-o", "--partition", "-p", "--clusters", "-M", "--Format", "-O"})
    fmt = str(option(options, "--format", "-o", default="%9P %.5a %.10l %.6D %.6t %N"))
    values = {"P": partition_name() + "*", "R": partition_name(), "a": "up", "l": "infinite", "D": "1",
              "t": "idle", "T": "idle", "N": "localhost", "c": str(os.cpu_count() or 1), "m": "4000"}
    names = {"P": "PARTITION", "R": "PARTITION", "a": "AVAIL", "l": "TIMELIMIT", "D": "NODES",
             "t": "STATE", "T": "STATE", "N": "NODELIST", "c": "CPUS", "m": "MEMORY"}
    spec_re = re.compile(r"%\.?-?\d*([A-Za-z])")
    if not option(options, "--noheader", "-h"):
        print(spec_re.sub(lambda m: names.get(m.group(1), ""), fmt))
    print(spec_re.sub(lambda m: values.get(m.group(1), ""), fmt))
    return 0


def scontrol(argv: list[str]) -> int:
    words = [a for a in argv if not a.startswith("-")]
    if words[:2] == ["show", "config"]:
        print("Configuration data as of stand-in")
        print("ClusterName             = standin")
        print("MaxArraySize            = 1001")
        print("MinJobAge               = 300 sec")
        return 0
    if words[:2] == ["show", "partition"]:
        name = partition_name()
        print(f"PartitionName={name}")
        print("   AllowGroups=ALL AllowAccounts=ALL Default=YES")
        print("   MaxNodes=UNLIMITED MaxTime=UNLIMITED MinNodes=0 State=UP")
        print(f"   TotalCPUs={os.cpu_count() or 1} TotalNodes=1 DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED")
        return 0
    if words[:2] == ["show", "job"] and len(words) > 2:
        root = state_dir()
        selected = selected_keys(root, words[2], None)
        if not selected:
            print(f"slurm_load_jobs error: Invalid job id specified", file=sys.stderr)
            return 1
        for key, _ in selected:
            job = load_job(root, key)
            state, exit_code = job_state(root, key)
            print(f"JobId={key} JobName={job['name']} JobState={state} ExitCode={exit_code}:0 Partition={job['partition']}")
        return 0
    print(f"scontrol (stand-in): unsupported request: {' '.join(argv)}", file=sys.stderr)
    return 1


def accounts() -> list[str]:
    return [a for a in os.environ.get("CGML_STANDIN_ACCOUNTS", "test").split(",") if a]


def sacctmgr(argv: list[str]) -> int:
    for account in accounts():
        print(f"  {account}")
    return 0


def sshare(argv: list[str]) -> int:
    if "--noheader" not in argv and "-h" not in argv:
        print("Account")
    for account in accounts():
        print(account)
    return 0


# --------------------------------------------------------------------------- srun


SRUN_WITH_VALUE = {
    "-n", "--ntasks", "-N", "--nodes", "-c", "--cpus-per-task", "-J", "--job-name", "-t", "--time",
    "-p", "--partition", "-A", "--account", "-o", "--output", "-e", "--error", "--mem",
    "--mem-per-cpu", "--gres", "--gpus", "-G", "--jobid", "--export", "--mpi", "--cpu-bind",
    "-D", "--chdir", "-w", "--nodelist", "-x", "--exclude", "-C", "--constraint", "-d",
    "--dependency", "--ntasks-per-node", "-m", "--distribution", "--cpus-per-gpu",
}


def srun(argv: list[str]) -> int:
    options, command = parse_options(argv, SRUN_WITH_VALUE)
    if not command:
        print("srun: fatal: No command given to execute.", file=sys.stderr)
        return 1
    workdir = option(options, "--chdir", "-D")
    if workdir not in (None, True):
        os.chdir(str(workdir))
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvp(command[0], command)
    return 127  # not reached


COMMANDS = {
    "sbatch": sbatch,
    "srun": srun,
    "sacct": sacct,
    "squeue": squeue,
    "scancel": scancel,
    "sinfo": sinfo,
    "scontrol": scontrol,
    "sacctmgr": sacctmgr,
    "sshare": sshare,
}


def main(command: str, argv: list[str]) -> int:
    if command == "_run":
        return run_job(argv[0], argv[1])
    log_call(command, argv)
    return COMMANDS[command](argv)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_run":
        sys.exit(main("_run", sys.argv[2:]))
    if len(sys.argv) > 1 and sys.argv[1] == "_cancel_all":
        print("\n".join(cancel_all(Path(sys.argv[2]))))
        sys.exit(0)
    print(f"usage: {Path(sys.argv[0]).name} {{_run STATE KEY | _cancel_all STATE}}; or call "
          f"one of {', '.join(sorted(COMMANDS))}", file=sys.stderr)
    sys.exit(2)
