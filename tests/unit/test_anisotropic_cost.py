"""Wall-time requests of the long anisotropic jobs at paper scale (cgml.papers.anisotropic.cost).

The slurm profile kills a job at its ``runtime``; the paper-scale requests must cover the
work at the measured rates and stay within what clusters grant (72 h is a common cap).
"""

from pathlib import Path

import pytest
import yaml

from cgml.papers.anisotropic import cost

PAPER = yaml.safe_load((Path(__file__).resolve().parents[2] / "config/config.yaml").read_text())["anisotropic"]
CAP_MIN = 72 * 60


def test_paper_scale_requests_fit_a_72_hour_cap_with_the_rules_threads():
    remc, threads = PAPER["remc"], PAPER["remc"]["n_replicas"]
    requests = {f"remc {p} n={n}": cost.minutes(cost.remc_seconds(remc, p, n, threads if p == "fg" else 1))
                for p in ("fg", "cg") for n in remc["n_particles"]}
    requests |= {f"sc_eos {p} {b}": cost.minutes(cost.sc_eos_seconds(PAPER["sc_eos"], p, b))
                 for p in ("fg", "cg", "exact") for b in ("compress", "expand")}
    requests["quasi2d"] = cost.minutes(cost.quasi2d_seconds(PAPER["quasi2d"]))
    requests["superball"] = cost.minutes(cost.superball_dataset_seconds(PAPER["superball"]["dataset"], 8))
    assert all(10 < m <= CAP_MIN for m in requests.values()), requests
    # on one thread the FG replica exchange would not (N = 5: ~115 h of site sums)
    assert cost.remc_seconds(remc, "fg", 5, 1) / 3600 > 72
    assert cost.superball_dataset_seconds(PAPER["superball"]["dataset"], 1) / 3600 > 36


def test_patchy_data_set_request_covers_the_measured_paper_scale_jobs():
    """1e5 FG energies took 105 s (JC, the slowest) on two threads at paper scale
    (2026-12-07): the estimate must not fall below that, and the request grows with the
    data set and shrinks with threads."""
    data = PAPER["patchy"]["dataset"]
    assert cost.patchy_dataset_seconds(data, 2) >= 105.0
    assert cost.minutes(cost.patchy_dataset_seconds(data, 2)) < 60
    assert cost.patchy_dataset_seconds(dict(data, n_samples=2 * data["n_samples"]), 2) == pytest.approx(
        2 * cost.patchy_dataset_seconds(data, 2))
    assert cost.patchy_dataset_seconds(data, 1) > cost.patchy_dataset_seconds(data, 2)


def test_requests_grow_with_the_work_and_keep_the_margin():
    remc = dict(PAPER["remc"], n_cycles_fg=1000)
    one, double = (cost.remc_seconds(dict(remc, n_cycles_fg=c), "fg", 5) for c in (1000, 2000))
    tuning = remc["tune_rounds"] * remc["tune_sweeps"] * remc["n_replicas"] * 5 * 4 / cost.FG_PAIR_SUMS_PER_S
    assert double - tuning == pytest.approx(2 * (one - tuning))
    # N = 5 costs 5 x 4 neighbour sums a sweep, N = 4 costs 4 x 3
    assert cost.remc_seconds(remc, "fg", 5) / cost.remc_seconds(remc, "fg", 4) == pytest.approx(20 / 12)
    assert cost.minutes(3600) == 10 + 120
    eos = PAPER["sc_eos"]
    # hard-rod sweeps are the cheapest, and their branch runs its own sweep counts
    assert cost.sc_eos_seconds(eos, "fg", "expand") < cost.sc_eos_seconds(eos, "cg", "expand")


def test_sc_eos_sweeps_per_branch():
    """The CG expansion takes its own sweep counts where set; hard rods and the compression
    never do; a missing or malformed count names the key."""
    eos = {"equilibration_sweeps": 2000, "production_sweeps": 500, "fg_equilibration_sweeps": 30000,
           "fg_production_sweeps": 4000, "expand_equilibration_sweeps": None,
           "expand_production_sweeps": None, "pressures": [1.0, 2.0], "n_particles": 672,
           "tune_rounds": 4, "tune_sweeps": 25}
    assert cost.sc_eos_sweeps(eos, "cg", "expand") == (2000, 500)
    eos |= {"expand_equilibration_sweeps": 8000, "expand_production_sweeps": 2000}
    assert cost.sc_eos_sweeps(eos, "cg", "expand") == (8000, 2000)
    assert cost.sc_eos_sweeps(eos, "exact", "expand") == (8000, 2000)
    assert cost.sc_eos_sweeps(eos, "cg", "compress") == (2000, 500)
    assert cost.sc_eos_sweeps(eos, "fg", "expand") == (30000, 4000)
    # the request follows: 2 pressures x (10,000 + 100) sweeps x 672 rods at the CG rate
    assert cost.sc_eos_seconds(eos, "cg", "expand") == pytest.approx(2 * 10100 * 672 / cost.SC_MOVES_PER_S["cg"])
    for half in ("expand_production_sweeps", "expand_equilibration_sweeps"):  # one of the two alone
        with pytest.raises(ValueError, match="expand_production_sweeps"):
            cost.sc_eos_sweeps(eos | {half: None}, "cg", "expand")
    with pytest.raises(ValueError, match="branch"):
        cost.sc_eos_sweeps(eos, "cg", "sideways")
