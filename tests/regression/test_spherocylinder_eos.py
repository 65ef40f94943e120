"""The hard-spherocylinder NPT path of Fig. 7 (overlap test, rotations, ln V moves) against
an outside equation of state: Boublik's EOS for hard convex bodies in the isotropic fluid,
T. Boublik, J. Chem. Phys. 63, 4084 (1975),

    beta P / rho = [1 + (3a - 2) eta + (a^2 + a - 1) eta^2 - a (5a - 4) eta^3] / (1 - eta)^3,

with the non-sphericity a = R S / (3 V) (R mean curvature radius, S surface, V volume;
a = 1 gives Carnahan-Starling). For L = 4 sigma, a = 15/7; at P* = 0.3 the fluid has
rho* = 0.0632 (eta = 0.23). Measured with two seeds: 0.0631 and 0.0628; the 2% tolerance
leaves room for the approximation in the EOS itself and for N = 100 fluctuations, whose
block-average error the test bounds at 1% (measured 2026-12-07: 0.06312 +- 0.00028 and,
with rectangular moves, 0.06287 +- 0.00038; seeded, so the check is deterministic).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from cgml.analysis.stats import block_average
from cgml.papers.anisotropic.simulations import random_configuration
from cgml.simulate.rigid import adapt_rigid_steps, init_rigid_state, run_rigid
from cgml.simulate.rigid_potentials import hard_spherocylinder_potential


def boublik_pressure(rho, length, diameter):
    """beta P [sigma^-3] of hard spherocylinders at number density rho [sigma^-3]."""
    radius = length / 4 + diameter / 2
    surface = np.pi * diameter * (length + diameter)
    volume = np.pi * diameter**2 * length / 4 + np.pi * diameter**3 / 6
    a = radius * surface / (3 * volume)
    eta = rho * volume
    return rho * (1 + (3 * a - 2) * eta + (a * a + a - 1) * eta**2 - a * (5 * a - 4) * eta**3) / (1 - eta) ** 3


def test_boublik_reduces_to_carnahan_starling_for_spheres():
    eta = 0.3
    rho = eta * 6 / np.pi
    assert boublik_pressure(rho, 0.0, 1.0) == pytest.approx(rho * (1 + eta + eta**2 - eta**3) / (1 - eta) ** 3)


@pytest.mark.parametrize("box_moves", ["isotropic", "rectangular, shape bounded"])
def test_hard_spherocylinder_fluid_follows_boublik(box_moves):
    """Isotropic ln V moves, and the EOS rule's rectangular ones (one edge at a time) with
    the box shape bounded (max_aspect_change 2, as sc_eos.max_box_aspect_change): measured
    0.0629 against 0.0632, the shape spread up to a factor 1.25 in the run."""
    length, diameter, n, pressure = 4.0, 1.0, 100, 0.3
    shape = {} if box_moves == "isotropic" else {"rectangular": True, "max_aspect_change": 2.0}
    potential = hard_spherocylinder_potential(length, diameter)
    rho_eos = brentq(lambda r: boublik_pressure(r, length, diameter) - pressure, 1e-3, 0.2)
    # start a little below the EOS density (random insertion), box edges >= 2 r_cut
    box = np.full(3, max((n / (0.85 * rho_eos)) ** (1 / 3), 2.02 * potential.r_cut))
    positions, rotations = random_configuration(potential, n, box, np.random.default_rng(1))
    state = init_rigid_state(positions, rotations, box, potential)
    state, d, phi, dv, _ = adapt_rigid_steps(state, potential, 0.3, 0.3, seed=11, pressure=pressure,
                                             max_log_volume_change=0.01, n_rounds=6,
                                             sweeps_per_round=100, shape_reference=box, **shape)
    result = run_rigid(state, potential, 10000, d, phi, seed=21, sample_every=10,
                       pressure=pressure, max_log_volume_change=dv, shape_reference=box, **shape)
    rho, rho_sem = block_average(np.asarray(result.densities[len(result.densities) * 2 // 5:]), 10)
    print(f"rho {rho:.5f} +- {rho_sem:.5f}, Boublik {rho_eos:.5f}")
    assert rho_sem < 0.01 * rho_eos  # the run resolves the tolerance below
    assert rho == pytest.approx(rho_eos, rel=0.02)  # measured: 0.0631 / 0.0629 against 0.0632
