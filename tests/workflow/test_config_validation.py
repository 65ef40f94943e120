"""Bad configs are rejected before any job runs, with one message naming the key.

Each case is a small override file given with ``--configfile`` on top of
config/config.yaml (Snakemake merges it key by key). The JSON schema
(workflow/schemas/config.schema.yaml) catches unknown keys, wrong types and
out-of-range values; cgml.workflow.check_config catches relations between keys.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from snakemake_runner import copy_repo, run_snakemake

pytestmark = pytest.mark.workflow

DRY_RUN_TIMEOUT_S = 120
ERROR_RE = re.compile(r"\b(ValidationError|ConfigError)\b")

BAD_CONFIGS = {
    "unknown key": ({"nanoparticles": {"pair": {"n_separation": 3}}}, "nanoparticles.pair.n_separation"),
    "unknown top-level key": ({"sead": 1}, "sead"),
    "wrong type": ({"nanoparticles": {"pair": {"n_separations": "three"}}}, "nanoparticles.pair.n_separations"),
    "wrong type in a list": ({"nanoparticles": {"solvents": ["good"]}}, "nanoparticles.solvents.0"),
    "above maximum": ({"nanoparticles": {"md": {"timestep_fs": 100}}}, "nanoparticles.md.timestep_fs"),
    "below minimum": ({"nanoparticles": {"pair": {"n_separations": 2}}}, "nanoparticles.pair.n_separations"),
    "not in enum": ({"scale": "huge"}, "scale"),
    "r_min above r_max": ({"nanoparticles": {"pair": {"r_min_sigma": 3.0}}}, "nanoparticles.pair.r_min_sigma"),
    "r_min equal to r_max": (
        {"nanoparticles": {"pair": {"r_min_sigma": 2.0, "r_max_sigma": 2.0}}},
        "nanoparticles.pair.r_min_sigma",
    ),
    "unknown patchy system": ({"anisotropic": {"patchy": {"systems": ["jc", "cube"]}}},
                              "anisotropic.patchy.systems.1"),
    "REMC temperatures reversed": ({"anisotropic": {"remc": {"kT_min": 0.2}}}, "anisotropic.remc.kT_min"),
    "EOS box too small": ({"anisotropic": {"sc_eos": {"n_particles": 50}}}, "anisotropic.sc_eos.n_particles"),
    "unknown box moves": ({"anisotropic": {"sc_eos": {"box_moves": "cubic"}}}, "anisotropic.sc_eos.box_moves"),
    "odd EOS particle number": ({"anisotropic": {"sc_eos": {"n_particles": 898}}}, "anisotropic.sc_eos.n_particles"),
    "crystal above close packing": ({"anisotropic": {"sc_eos": {"crystal_density": 0.2398}}},
                                    "anisotropic.sc_eos.crystal_density"),
    "box shape bound below 1": ({"anisotropic": {"sc_eos": {"max_box_aspect_change": 0.5}}},
                                "anisotropic.sc_eos.max_box_aspect_change"),
    "reference switch not a boolean": ({"anisotropic": {"sc_eos": {"exact_reference": "yes"}}},
                                       "anisotropic.sc_eos.exact_reference"),
    "MC hard core inside the extrapolated range": ({"nanoparticles": {"eos": {"hard_core_sigma": 1.2}}},
                                                   "nanoparticles.eos.hard_core_sigma"),
    "unknown error estimator": ({"nanoparticles": {"pair": {"n_blocks": "many"}}}, "nanoparticles.pair.n_blocks"),
    "unknown fit weighting": ({"nanoparticles": {"selection": {"weighting": "huber"}}},
                              "nanoparticles.selection.weighting"),
    "weighting without its floor": ({"nanoparticles": {"selection": {"weighting": "inverse_variance"}}},
                                    "nanoparticles.selection"),
    "descriptor cutoff inside every training pair": (
        {"nanoparticles": {"descriptors": {"r_cut_sigma": 1.3}, "pair": {"r_max_sigma": 1.7}}},
        "nanoparticles.descriptors.r_cut_sigma"),
    "integer written as a float": ({"nanoparticles": {"pair": {"n_separations": 6.0}}},
                                   "nanoparticles.pair.n_separations"),
    "integer written as a float in a list": ({"anisotropic": {"remc": {"n_particles": [4, 10.0]}}},
                                             "anisotropic.remc.n_particles"),
    "sampling interval beyond the run": ({"nanoparticles": {"eos": {"sample_every": 40000}}},
                                         "nanoparticles.eos.sample_every"),
    "chi^2 stop without inverse-variance weights": (
        {"nanoparticles": {"selection": {"weighting": "none", "min_delta_chi2": 8.0}}},
        "nanoparticles.selection",
    ),
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """One repository copy for all dry runs of this module."""
    return copy_repo(tmp_path_factory.mktemp("config-validation"))


def named_keys(output: str) -> set[str]:
    """Dotted config keys an error message names.

    From jsonschema's ``On instance['a']['b']`` (plus ``('x' was unexpected)`` for
    unknown keys) and from dotted names written out (``nanoparticles.pair.r_min_sigma``).
    """
    keys = set(re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+\b", output))
    for match in re.finditer(r"On instance((?:\[[^\]]+\])*)", output):
        parts = re.findall(r"\[([^\]]+)\]", match.group(1))
        path = ".".join(p.strip("'\"") for p in parts)
        keys.add(path)
        for extra in re.findall(r"'([^']+)' (?:was|were) unexpected", output):
            keys.add(f"{path}.{extra}" if path else extra)
    return keys


def write_config(directory: Path, name: str, override: dict) -> Path:
    path = directory / (re.sub(r"\W+", "_", name) + ".yaml")
    path.write_text(yaml.safe_dump(override))
    return path


def test_the_toy_config_passes(workdir):
    run = run_snakemake(["-n", "--configfile", "config/toy.yaml"], workdir, DRY_RUN_TIMEOUT_S)
    assert not run.timed_out and run.returncode == 0, run.describe()


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_bad_config_is_rejected_naming_the_key(workdir, tmp_path, case):
    override, key = BAD_CONFIGS[case]
    path = write_config(tmp_path, case, override)
    run = run_snakemake(["-n", "--configfile", str(path)], workdir, DRY_RUN_TIMEOUT_S)
    assert not run.timed_out, run.describe()
    assert run.returncode != 0, run.describe()
    assert len(ERROR_RE.findall(run.output)) == 1, run.describe()
    assert key in named_keys(run.output), (key, sorted(named_keys(run.output)), run.describe())
    assert "Job stats" not in run.output


def test_bad_config_stops_a_real_run_before_any_job(workdir, tmp_path):
    override, key = BAD_CONFIGS["r_min above r_max"]
    path = write_config(tmp_path, "real run", override)
    run = run_snakemake(["--cores", "1", "--configfile", str(path)], workdir, DRY_RUN_TIMEOUT_S)
    assert not run.timed_out and run.returncode != 0, run.describe()
    assert key in run.output
    assert not (workdir / "results").exists()
    assert "Select jobs to execute" not in run.output


@pytest.mark.parametrize("dotted,value", [
    ("nanoparticles.gr.mc_sample_every", 10**9),
    ("nanoparticles.coexistence.sample_every", 10**9),
    ("nanoparticles.clusters.constrained.force_every", 10**9),
    ("anisotropic.quasi2d.sample_every", 10**9),
    ("anisotropic.sc_eos.sample_every", 10**9),
    ("anisotropic.remc.sample_every", 10**9),
])
def test_a_sampling_interval_longer_than_its_run_is_named(dotted, value):
    """Checked before any job: otherwise the job fails at its end, in an average over
    fewer than two samples, naming no key."""
    from cgml.workflow import ConfigError, check_config

    config = yaml.safe_load((Path(__file__).parents[2] / "config" / "config.yaml").read_text())
    node = config
    *parents, leaf = dotted.split(".")
    for key in parents:
        node = node[key]
    node[leaf] = value
    with pytest.raises(ConfigError, match=re.escape(dotted)):
        check_config(config)
