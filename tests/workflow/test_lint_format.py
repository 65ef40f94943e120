"""`snakemake --lint` finds nothing to fix and snakefmt would change nothing.

Snakemake 9.27 exits 1 when the linter has something to say and prints each
finding under ``Lints for <file>``/``Lints for rule <name>``; both are checked, so
a version that prints lints but exits 0 still fails here.
"""

from __future__ import annotations

import re

import pytest

from snakemake_runner import REPO, copy_repo, run_bounded, run_snakemake, tool

pytestmark = pytest.mark.workflow

TIMEOUT_S = 120


def lint_findings(output: str) -> list[str]:
    """One line per finding: ``<file or rule>: <title> [line N]``."""
    findings, where = [], "?"
    for line in output.splitlines():
        header = re.match(r"Lints for (.*):$", line.strip())
        if header:
            where = re.sub(r"^snakefile .*/(?=[^/]+$)", "", header.group(1))
        elif line.lstrip().startswith("* "):
            findings.append(f"{where}: {line.strip()[2:]}")
    return findings


def test_snakemake_lint_reports_nothing(tmp_path):
    workdir = copy_repo(tmp_path / "repo")
    run = run_snakemake(["--lint"], workdir, TIMEOUT_S)
    assert not run.timed_out, run.describe()
    findings = lint_findings(run.output)
    assert not findings, "snakemake --lint:\n" + "\n".join(findings)
    assert "Lints for" not in run.output and run.returncode == 0, run.describe()


def test_snakefmt_leaves_the_workflow_unchanged():
    # in the repository itself, so that a [tool.snakefmt] section in pyproject.toml applies
    run = run_bounded([tool("snakefmt"), "--check", "Snakefile", "workflow/"], REPO, TIMEOUT_S)
    assert not run.timed_out, run.describe()
    if run.returncode != 0:
        diff = run_bounded([tool("snakefmt"), "--diff", "Snakefile", "workflow/"], REPO, TIMEOUT_S)
        pytest.fail("snakefmt --check failed:\n" + run.output + "\n" + diff.output)
