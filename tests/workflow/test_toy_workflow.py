"""The toy workflow end to end: every target, the scorecard contract, provenance,
reproducibility from scratch, and resuming after an interrupted run.

Runs the real rules (LAMMPS, MDAnalysis, numba) in a temporary copy of the repository.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cgml.io import read_npz
from cgml.papers.scorecard import COLUMNS
from snakemake_runner import copy_repo

pytestmark = [pytest.mark.workflow, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")


def make_copy(dest: Path) -> Path:
    return copy_repo(dest)


def snakemake(workdir: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    cmd = [SNAKEMAKE, "--cores", "2", "--configfile", "config/toy.yaml", *args]
    return subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def toy_run(tmp_path_factory):
    work = make_copy(tmp_path_factory.mktemp("toy"))
    proc = snakemake(work)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return work


def test_every_target_is_written(toy_run):
    results = toy_run / "results" / "toy"
    figures = ["fig2_pair_pmf", "selection_trace", "fig3_parity_ml12", "fig4_cluster_energies", "fig5_triplets",
               "fig6_eos", "fig7_gr"]
    an_figures = ["fig2_spheres", "fig3_ipc_curves", "fig3b_remc_clusters", "fig4_ellipsoids",
                  "fig5b_overlap_landscape", "fig5c_overlap_parity", "fig5d_quasi2d", "fig7a_contact_parity",
                  "fig7b_contour", "fig7c_soft_potential", "fig7de_eos", "selection_trace"]
    for rel in ["scorecard.csv", "nanoparticles/scorecard.csv", "nanoparticles/tables/table_ml_models.csv",
                *[f"nanoparticles/figures/{f}.png" for f in figures],
                "anisotropic/scorecard.csv", "anisotropic/tables/table_models.csv",
                *[f"anisotropic/figures/{f}.png" for f in an_figures]]:
        path = results / rel
        assert path.exists() and path.stat().st_size > 0, rel
    for png in results.rglob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
    # the spherocylinder EOS boundaries: hard rods, fitted CG and the exact-contact reference
    # (config.yaml's sc_eos.exact_reference, which the toy scale keeps), per branch and pooled
    bounds = pd.read_csv(results / "anisotropic/tables/sc_phase_boundaries.csv", comment="#")
    assert set(bounds["potential"]) == {"fg", "cg", "exact"}
    assert set(bounds["branch"]) == {"compress", "expand", "both"} and len(bounds) == 9


def test_nothing_left_to_do_after_a_complete_run(toy_run):
    proc = snakemake(toy_run, "-n")
    assert proc.returncode == 0
    assert "Nothing to be done" in proc.stdout + proc.stderr
    # finished jobs remove their checkpoints and the LAMMPS chain directories
    leftovers = [*toy_run.glob("results/**/.*checkpoint.npz"), *toy_run.glob("results/**/.chain-*")]
    assert not leftovers, leftovers


def test_an_analysis_key_reruns_the_analysis_but_no_lammps_job(toy_run):
    """Changing how mean-force errors are estimated (``n_blocks``) remaps the LAMMPS runs
    it analyses; it must not rerun them."""
    override = toy_run / "config" / "fixed_blocks.yaml"
    override.write_text("nanoparticles:\n  pair: {n_blocks: 4}\n  clusters: {constrained: {n_blocks: 4}}\n")
    proc = snakemake(toy_run, str(override.relative_to(toy_run)), "-n")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "np_pair_map" in out and "np_cluster_map" in out, out[-4000:]
    for fg_rule in ("np_pair_fg", "np_cluster_confine", "np_cluster_fg", "np_fg_bulk"):
        assert fg_rule not in out, out[-4000:]


def test_engine_sizing_and_another_rules_keys_rerun_no_upstream_job(toy_run):
    """The MPI task count and the wall-time cap only size requests; a coexistence key is
    read by the coexistence rule alone: neither may rerun a LAMMPS run or a fit."""
    override = toy_run / "config" / "other_cluster.yaml"
    override.write_text("engines:\n  lammps: {mpi_tasks: 4, max_job_minutes: 600}\n"
                        "nanoparticles:\n  coexistence: {production_sweeps: 2000}\n")
    proc = snakemake(toy_run, str(override.relative_to(toy_run)), "-n")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "np_coexistence" in out, out[-4000:]
    for upstream in ("np_pair_fg", "np_cluster_confine", "np_cluster_fg", "np_fg_bulk", "np_pair_map",
                     "np_pair_features", "np_pair_fit", "np_cluster_map", "np_cluster_fit", "np_fg_gr"):
        assert upstream not in out, (upstream, out[-4000:])


def test_scorecard_contract(toy_run):
    card = pd.read_csv(toy_run / "results/toy/scorecard.csv")
    assert list(card.columns) == COLUMNS
    assert set(card["status"]) <= {"pass", "fail", "not-compared"}
    assert set(card["paper"]) == {"nanoparticles", "anisotropic"}
    # toy scale: physical claims are not compared; scale-independent checks are, and hold
    from cgml.papers.anisotropic.claims import claims_for as anisotropic_claims
    from cgml.papers.nanoparticles.claims import claims_for
    from cgml.papers.nanoparticles.colloid_polymer import colloid_polymer_claims

    claims = claims_for("toy") + colloid_polymer_claims("toy", ["2"]) + anisotropic_claims("toy")
    kinds = {c.claim: c.kind for c in claims}
    assert set(card["claim"]) <= set(kinds), set(card["claim"]) - set(kinds)
    checks = card["claim"].map(kinds).eq("check")
    # checks always carry a number; a physical value may be nan (e.g. no isotropic state on
    # the EOS), which fails the claim when it is compared
    assert card.loc[checks, "reproduced_value"].notna().all()
    assert checks.sum() >= 5
    assert (card.loc[checks, "status"] == "pass").all(), card.loc[checks].to_string()
    assert (card.loc[~checks, "status"] == "not-compared").all()
    for evidence in card["evidence"]:
        assert (toy_run / evidence).exists(), evidence


def test_results_carry_provenance(toy_run):
    arrays, meta = read_npz(toy_run / "results/toy/nanoparticles/data/pair_meanforces_s0.3.npz")
    for key in ("version", "git_revision", "source_hash", "params", "seed"):
        assert key in meta
    model = json.loads((toy_run / "results/toy/nanoparticles/models/ml2_s0.3.json").read_text())
    assert model["provenance"]["seed"] is not None
    run = json.loads(next((toy_run / "results/toy/nanoparticles/fg/pair/s0.3").rglob("run.json")).read_text())
    assert run["params"]["np"]["forcefield"]["epsilon_kcal"] == pytest.approx(0.8365)
    assert run["seed"] is not None and run["params"]["wildcards"]["solvent"] == "0.3"
    assert arrays["forces"].shape[1:] == (2, 3)
    _, meta = read_npz(toy_run / "results/toy/anisotropic/data/patchy_ipc.npz")
    assert meta["seed"] is not None and meta["params"]["system"] == "ipc"
    remc = json.loads((toy_run / "results/toy/anisotropic/sim/remc_cg_n4.json").read_text())
    assert remc["git_revision"] and remc["source_hash"]
    # the LAMMPS runs of every kind and the figures carry their records too
    for kind in ("cluster", "bulk"):
        assert list((toy_run / f"results/toy/nanoparticles/fg/{kind}").rglob("run.json")), kind
    from PIL import Image

    with Image.open(toy_run / "results/toy/nanoparticles/figures/fig2_pair_pmf.png") as image:
        assert json.loads(image.text["cgml-provenance"])["git_revision"]


MINI = """papers: [nanoparticles]
nanoparticles:
  solvents: [0.3]
  pair:
    n_separations: 4
  clusters:
    samples_per_radius: 1
  eos:
    pressures: [1.0]
  gr:
    solvent: 0.3
    densities: [0.12]
"""


def mini_copy(dest: Path) -> Path:
    work = make_copy(dest)
    (work / "config" / "mini.yaml").write_text(MINI)
    return work


MINI_CMD = [SNAKEMAKE, "--cores", "2", "--configfile", "config/toy.yaml", "config/mini.yaml"]


@pytest.fixture(scope="module")
def mini_run(tmp_path_factory):
    work = mini_copy(tmp_path_factory.mktemp("mini"))
    proc = subprocess.run(MINI_CMD, cwd=work, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return work


def test_interrupted_run_resumes_and_reproduces_an_uninterrupted_run(mini_run, tmp_path):
    work = mini_copy(tmp_path / "resume")
    proc = subprocess.Popen(MINI_CMD, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    dumps = work / "results/toy/nanoparticles/fg/pair/s0.3"
    deadline = time.time() + 300
    try:
        while time.time() < deadline and len(list(dumps.glob("R*/forces.dump"))) < 1:
            time.sleep(0.5)
        time.sleep(3.0)
        # a job counts as finished once Snakemake has had time to record it (a dump moved into
        # place a moment before the kill belongs to a job Snakemake may still mark incomplete,
        # and rerunning that one is correct)
        settled = time.time() - 2.0
        done = {p: p.stat().st_mtime_ns for p in dumps.glob("R*/forces.dump") if p.stat().st_mtime < settled}
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # a hard interruption: no clean-up by snakemake
        proc.wait(timeout=30)
    assert done, "no job finished before the interruption"
    assert len(done) < 4, "the interruption came too late to test anything"
    # after a hard kill (power loss) Snakemake's lock remains: --unlock, then the same command
    unlock = subprocess.run(MINI_CMD + ["--unlock"], cwd=work, capture_output=True, text=True, timeout=120)
    assert unlock.returncode == 0, unlock.stderr[-2000:]
    resume = subprocess.run(MINI_CMD + ["--rerun-incomplete"], cwd=work, capture_output=True, text=True,
                            timeout=900)
    assert resume.returncode == 0, resume.stderr[-4000:]
    for path, mtime in done.items():
        assert path.stat().st_mtime_ns == mtime, f"{path} was recomputed"
    assert len(list(dumps.glob("R*/forces.dump"))) == 4
    assert not list(dumps.rglob(".lammps-*")), "a killed run left its scratch directory behind"
    # the resumed run gives the numbers of an uninterrupted one from scratch. A LAMMPS job
    # killed mid-run continues from its restart files (toy: every 100 steps), which agrees
    # with the uninterrupted run at round-off, not bitwise (LAMMPS rebuilds its neighbour
    # lists and atom order on read_restart): measured 7.6e-8 relative on two PMF values
    first = pd.read_csv(mini_run / "results/toy/scorecard.csv")
    second = pd.read_csv(work / "results/toy/scorecard.csv")
    assert list(first["claim"]) == list(second["claim"])
    np.testing.assert_allclose(first["reproduced_value"], second["reproduced_value"], rtol=1e-6, atol=1e-12,
                               equal_nan=True)
