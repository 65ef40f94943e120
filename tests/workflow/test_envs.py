"""Software environments: every rule has a pinned conda env, a log and a benchmark.

The rules are read through Snakemake's own API (in a subprocess, so the parse
cannot disturb the test process), not by pattern-matching the .smk text. The env
files in envs/ pin every package exactly: ``name=version`` in the conda section,
``name==version`` in the pip section, and those pins agree with requirements.lock.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from snakemake_runner import REPO, copy_repo, run_bounded

pytestmark = pytest.mark.workflow

ENVS = REPO / "envs"
ENV_FILES = sorted(ENVS.glob("*.yaml"))
LOCAL_PACKAGE = "-e ../"  # the project itself, installed editable from the repository root
CONDA_PIN = re.compile(r"^(?:[\w.-]+::)?(?P<name>[A-Za-z0-9_.-]+)=(?P<version>[0-9][A-Za-z0-9_.+!-]*)$")
PIP_PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)==(?P<version>[0-9][A-Za-z0-9_.+!-]*)$")

# Prints one JSON line describing every rule, after Snakemake has parsed the workflow.
DUMP_RULES = r"""
import json, sys
from pathlib import Path
from snakemake.api import SnakemakeApi
from snakemake.settings.types import (ConfigSettings, OutputSettings, ResourceSettings,
                                      StorageSettings, WorkflowSettings)
with SnakemakeApi(OutputSettings()) as api:
    workflow_api = api.workflow(
        resource_settings=ResourceSettings(), config_settings=ConfigSettings(),
        storage_settings=StorageSettings(), workflow_settings=WorkflowSettings(),
        snakefile=Path("Snakefile"), workdir=Path("."))
    rules = []
    for rule in workflow_api._workflow.rules:
        conda = rule.conda_env
        rules.append({
            "name": rule.name,
            "root": str(Path.cwd().resolve()),
            "snakefile": str(rule.snakefile),
            "basedir": str(rule.basedir),
            "has_action": bool(rule.script or rule.shellcmd or rule.is_run or rule.wrapper
                               or rule.notebook or getattr(rule, "cwl", None)),
            "conda": None if conda is None else (str(conda) if isinstance(conda, (str, Path)) else repr(conda)),
            "log": [str(f) for f in rule.log],
            "benchmark": None if rule.benchmark is None else str(rule.benchmark),
        })
print("RULES-JSON " + json.dumps(rules))
"""


@pytest.fixture(scope="module")
def rules(tmp_path_factory) -> list[dict]:
    workdir = copy_repo(tmp_path_factory.mktemp("rules"))
    run = run_bounded([sys.executable, "-c", DUMP_RULES], workdir, timeout=120)
    assert not run.timed_out and run.returncode == 0, run.describe()
    line = next(line for line in run.output.splitlines() if line.startswith("RULES-JSON "))
    parsed = json.loads(line[len("RULES-JSON ") :])
    assert parsed, "Snakemake found no rules"
    return parsed


def action_rules(rules: list[dict]) -> list[dict]:
    """Rules that run something (target-only rules such as `all` need no env, log or benchmark)."""
    return [r for r in rules if r["has_action"]]


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock() -> tuple[dict[str, str], str | None]:
    """({package: version}, python major.minor) from requirements.lock."""
    text = (REPO / "requirements.lock").read_text()
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line and "==" in line:
            name, version = line.split("==", 1)
            pins[normalise(name)] = version.strip()
    python = re.search(r"Python (\d+\.\d+)", text)
    return pins, python.group(1) if python else None


def optional_pins() -> dict[str, str]:
    """Exact pins of pyproject's optional dependencies (e.g. torch), absent from the lock."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = {}
    for requirements in project.get("optional-dependencies", {}).values():
        for requirement in requirements:
            match = PIP_PIN.match(requirement.replace(" ", ""))
            if match:
                pins[normalise(match["name"])] = match["version"]
    return pins


def env_dependencies(path: Path) -> tuple[list[str], list[str]]:
    """(conda dependencies, pip dependencies) of one env file."""
    spec = yaml.safe_load(path.read_text())
    conda, pip = [], []
    for item in spec.get("dependencies", []):
        if isinstance(item, dict):
            pip.extend(str(p) for p in item.get("pip", []))
        else:
            conda.append(str(item))
    return conda, pip


def test_there_are_env_files():
    assert ENV_FILES, "envs/ holds no *.yaml"


def test_every_rule_has_a_conda_env_from_envs(rules):
    problems = []
    for rule in action_rules(rules):
        if rule["conda"] is None:
            problems.append(f"{rule['name']}: no conda: directive")
            continue
        path = (Path(rule["basedir"]) / rule["conda"]).resolve()
        if not path.is_file():
            problems.append(f"{rule['name']}: conda env {rule['conda']} does not exist")
        elif path.parent != Path(rule["root"]) / "envs":
            problems.append(f"{rule['name']}: conda env {rule['conda']} is not in envs/")
    assert not problems, "\n".join(problems)


def test_every_rule_has_a_log_and_a_benchmark(rules):
    problems = [
        f"{rule['name']} ({Path(rule['snakefile']).name}): no {what}"
        for rule in action_rules(rules)
        for what, present in (("log:", rule["log"]), ("benchmark:", rule["benchmark"]))
        if not present
    ]
    assert not problems, "\n".join(problems)


def test_target_only_rules_are_few(rules):
    """Guards the exemption above: only rules without an action skip env, log and benchmark."""
    exempt = {r["name"] for r in rules if not r["has_action"]}
    assert exempt <= {"all"}, exempt


@pytest.mark.parametrize("path", ENV_FILES, ids=lambda p: p.name)
def test_env_pins_every_package_exactly(path):
    conda, pip = env_dependencies(path)
    loose = [d for d in conda if not CONDA_PIN.match(d)]
    loose += [d for d in pip if d != LOCAL_PACKAGE and not PIP_PIN.match(d)]
    assert not loose, f"{path.name}: not pinned exactly: {loose}"
    names = {normalise(CONDA_PIN.match(d)["name"]) for d in conda}
    assert {"python", "pip"} <= names, f"{path.name}: python and pip must be pinned in the conda section"
    if any(d.startswith("-e ") for d in pip):
        assert LOCAL_PACKAGE in pip and (path.parent / ".." / "pyproject.toml").resolve().is_file()


@pytest.mark.parametrize("path", ENV_FILES, ids=lambda p: p.name)
def test_env_pins_agree_with_the_lock(path):
    lock, lock_python = read_lock()
    extra = optional_pins()
    conda, pip = env_dependencies(path)
    problems = []
    for dependency in conda:
        match = CONDA_PIN.match(dependency)
        name, version = normalise(match["name"]), match["version"]
        if name == "python":
            if lock_python and not (version == lock_python or version.startswith(lock_python + ".")):
                problems.append(f"python={version}, requirements.lock was frozen on Python {lock_python}")
        elif name in lock and lock[name] != version:
            problems.append(f"{dependency}: requirements.lock has {lock[name]}")
    for dependency in pip:
        if dependency == LOCAL_PACKAGE:
            continue
        match = PIP_PIN.match(dependency)
        name, version = normalise(match["name"]), match["version"]
        locked = lock.get(name, extra.get(name))
        if locked is None:
            problems.append(f"{dependency}: in neither requirements.lock nor pyproject's optional pins")
        elif locked != version:
            problems.append(f"{dependency}: requirements.lock has {locked}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_direct_requirements_agree_with_the_lock():
    lock, _ = read_lock()
    problems = []
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = PIP_PIN.match(line)
        if not match:
            problems.append(f"{line}: not pinned with ==")
        elif lock.get(normalise(match["name"])) != match["version"]:
            problems.append(f"{line}: requirements.lock has {lock.get(normalise(match['name']))}")
    assert not problems, "\n".join(problems)
