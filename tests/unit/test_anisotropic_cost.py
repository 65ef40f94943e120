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
    requests |= {f"sc_eos {p}": cost.minutes(cost.sc_eos_seconds(PAPER["sc_eos"], p)) for p in ("fg", "cg", "exact")}
    requests["quasi2d"] = cost.minutes(cost.quasi2d_seconds(PAPER["quasi2d"]))
    requests["superball"] = cost.minutes(cost.superball_dataset_seconds(PAPER["superball"]["dataset"], 8))
    assert all(10 < m <= CAP_MIN for m in requests.values()), requests
    # on one thread the FG replica exchange would not (N = 5: ~115 h of site sums)
    assert cost.remc_seconds(remc, "fg", 5, 1) / 3600 > 72
    assert cost.superball_dataset_seconds(PAPER["superball"]["dataset"], 1) / 3600 > 36


def test_requests_grow_with_the_work_and_keep_the_margin():
    remc = dict(PAPER["remc"], n_cycles_fg=1000)
    one, double = (cost.remc_seconds(dict(remc, n_cycles_fg=c), "fg", 5) for c in (1000, 2000))
    tuning = remc["tune_rounds"] * remc["tune_sweeps"] * remc["n_replicas"] * 5 * 4 / cost.FG_PAIR_SUMS_PER_S
    assert double - tuning == pytest.approx(2 * (one - tuning))
    # N = 5 costs 5 x 4 neighbour sums a sweep, N = 4 costs 4 x 3
    assert cost.remc_seconds(remc, "fg", 5) / cost.remc_seconds(remc, "fg", 4) == pytest.approx(20 / 12)
    assert cost.minutes(3600) == 10 + 120
    eos = PAPER["sc_eos"]
    assert cost.sc_eos_seconds(eos, "cg") > cost.sc_eos_seconds(eos, "exact")  # the fitted contact is slower
