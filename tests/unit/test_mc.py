"""Unit tests of the MC engine and its potentials (cgml.simulate).

Outside truths used here: closed-form values of the pair potentials, central finite
differences for slopes, energy differences recomputed from scratch, and the ideal gas in
the NPT ensemble, whose volume distribution p(V) ~ V^N exp(-beta P V) gives
<V> = (N + 1) / (beta P) exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from cgml.neighbors import build_cell_list
from cgml.neighbors._kernels import axis_cells, stencil_axis
from cgml.simulate import (
    MCState,
    Periodic,
    adapt_step_sizes,
    check_energy,
    fcc_lattice,
    hard_spheres,
    init_state,
    lennard_jones,
    mie,
    no_interaction,
    pseudo_hard_spheres,
    recompute_energy,
    run_npt,
    run_nvt,
    simple_cubic_lattice,
    tabulated,
    weeks_chandler_andersen,
)
from cgml.simulate.potentials import mie_energy, mie_prefactor, table_energy


def _lj_table(kind):
    r = np.linspace(0.8, 2.5, 300)
    u = 4.0 * (r**-12 - r**-6) - 4.0 * (2.5**-12 - 2.5**-6)
    return tabulated(r, u, kind=kind)


POTENTIALS = {
    "hard_spheres": lambda: hard_spheres(1.0),
    "pseudo_hard_spheres": lambda: pseudo_hard_spheres(1.0),
    "lj_truncated_shifted": lambda: lennard_jones(1.0, 1.0, 2.5),
    "lj_tail_corrected": lambda: lennard_jones(0.8, 1.1, 2.7, shift=False, tail_correction=True),
    "wca": lambda: weeks_chandler_andersen(1.3, 1.0),
    "mie_14_7": lambda: mie(14.0, 7.0, 0.9, 1.0, 2.2),
    "table_cubic": lambda: _lj_table("cubic"),
    "table_linear": lambda: _lj_table("linear"),
    "no_interaction": lambda: no_interaction(1.0),
}


def _random_configuration(rng, n_side, density, jitter):
    positions, box = simple_cubic_lattice(n_side, density)
    return positions + rng.uniform(-jitter, jitter, positions.shape), box


def _total(positions, box, potential):
    cells = build_cell_list(positions, potential.r_cut, box)
    return potential.total_energy(positions, cells.box_lengths, cells.periodic, cells.origin,
                                  cells.cell_size, cells.n_cells, cells.members, cells.counts,
                                  potential.params)


# ---------------------------------------------------------------------------------------
# pair potentials: exact values and slopes
# ---------------------------------------------------------------------------------------


def test_pair_energies_at_hand_computed_points():
    lj = lennard_jones(1.0, 1.0, 2.5)
    shift = 4.0 * (2.5**-12 - 2.5**-6)
    r_min = 2.0 ** (1.0 / 6.0)
    np.testing.assert_allclose(lj.pair_energy([1.0, r_min, 2.0, 2.5, 3.0]),
                               [-shift, -1.0 - shift, 4 * (2.0**-12 - 2.0**-6) - shift, 0.0, 0.0],
                               rtol=1e-13, atol=1e-15)
    wca = weeks_chandler_andersen(1.5, 1.0)
    np.testing.assert_allclose(wca.pair_energy([1.0, r_min, 1.2]), [1.5, 0.0, 0.0], atol=1e-13)
    assert mie_prefactor(12, 6) == pytest.approx(4.0)
    # pseudo hard spheres (Jover et al. 2012): eps = kT/1.5, u(sigma) = eps, minimum at 50/49
    phs = pseudo_hard_spheres(1.0)
    assert phs.r_cut == pytest.approx(50.0 / 49.0)
    assert mie_prefactor(50, 49) == pytest.approx(50.0 * (50.0 / 49.0) ** 49)
    np.testing.assert_allclose(phs.pair_energy([1.0, 50.0 / 49.0 - 1e-12]), [1 / 1.5, 0.0],
                               atol=1e-9)
    r = np.linspace(0.97, 50 / 49 - 1e-9, 50)
    expected = 50 * (50 / 49) ** 49 / 1.5 * (r**-50.0 - r**-49.0) + 1 / 1.5
    np.testing.assert_allclose(phs.pair_energy(r), expected, rtol=1e-12, atol=1e-12)
    hs = hard_spheres(1.2)
    assert np.all(np.isinf(hs.pair_energy([0.0, 0.5, 1.19999])))
    np.testing.assert_array_equal(hs.pair_energy([1.2, 2.0]), [0.0, 0.0])
    # r = 0 and tiny r stay +inf, never NaN
    assert np.isinf(phs.pair_energy([0.0, 1e-8])).all()
    assert np.isinf(lj.pair_energy([0.0, 1e-30])).all()


def test_tail_coefficient_is_the_textbook_lj_tail():
    r_cut, eps, sigma = 2.7, 0.8, 1.1
    lj = lennard_jones(eps, sigma, r_cut, shift=False, tail_correction=True)
    x = sigma / r_cut
    # U_tail / N = (8/3) pi rho eps sigma^3 [(1/3) x^9 - x^3]  (Allen & Tildesley eq. 2.144)
    assert lj.tail_coefficient == pytest.approx(8.0 / 3.0 * np.pi * eps * sigma**3 * (x**9 / 3 - x**3))
    positions, box = fcc_lattice(3, 0.6)
    plain = lennard_jones(eps, sigma, r_cut, shift=False)
    n, volume = len(positions), np.prod(box)
    assert _total(positions, box, lj) - _total(positions, box, plain) == pytest.approx(
        lj.tail_coefficient * n * n / volume, rel=1e-12)
    with pytest.raises(ValueError):
        lennard_jones(shift=True, tail_correction=True)


@pytest.mark.parametrize("lambdas", [(12.0, 6.0), (50.0, 49.0), (14.5, 6.3)])
def test_mie_slope_matches_central_differences(lambdas):
    prefactor, sigma = 1.7, 1.0
    for r in (0.95, 1.05, 1.4):
        _, slope = mie_energy(r, prefactor, sigma, *lambdas)
        errors = []
        for h in (1e-3, 1e-4, 1e-5):
            fd = (mie_energy(r + h, prefactor, sigma, *lambdas)[0]
                  - mie_energy(r - h, prefactor, sigma, *lambdas)[0]) / (2 * h)
            errors.append(abs(fd - slope) / max(1.0, abs(slope)))
        assert min(errors) < 1e-7


def test_tables_interpolate():
    r = np.linspace(0.5, 3.0, 26)
    linear = tabulated(r, 2.0 - 0.5 * r, kind="linear")
    r_test = np.linspace(0.5, 2.999, 97)
    np.testing.assert_allclose(linear.pair_energy(r_test), 2.0 - 0.5 * r_test, atol=1e-13)
    cubic = tabulated(r, r**3 - r, kind="cubic")  # a cubic is reproduced exactly
    np.testing.assert_allclose(cubic.pair_energy(r_test), r_test**3 - r_test, atol=1e-11)
    assert np.isinf(cubic.pair_energy(0.49)) and cubic.pair_energy(3.0) == 0.0
    assert cubic.r_cut == 3.0
    # table slope against central differences
    params = cubic.params
    for x in (0.77, 1.91, 2.6):
        u, slope = table_energy(x, params[4], params[5])
        assert slope == pytest.approx(3 * x**2 - 1, rel=1e-9)
    # the LJ table follows LJ between the grid points
    table = _lj_table("cubic")
    rr = np.linspace(0.85, 2.45, 200)
    np.testing.assert_allclose(table.pair_energy(rr), lennard_jones().pair_energy(rr), atol=2e-4)
    with pytest.raises(ValueError):
        tabulated([1.0, 0.5, 2.0, 3.0], [0, 0, 0, 0])
    with pytest.raises(ValueError):
        tabulated(r, r, kind="quadratic")


def test_allocation_free_stencil_matches_cgml_neighbors():
    for n in range(1, 6):
        for k in range(n):
            for periodic in (True, False):
                first, count = axis_cells(k, n, periodic)
                ours = sorted((first + t) % n for t in range(count))
                assert ours == sorted(stencil_axis(k, n, periodic).tolist())


# ---------------------------------------------------------------------------------------
# the protocol: delta_energy == total(after) - total(before)
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(POTENTIALS))
@pytest.mark.parametrize("cells_per_side", ["two", "many"])
def test_delta_energy_equals_total_energy_difference(name, cells_per_side):
    """Random moves (small, large, across the box) in a periodic box with 2 cells per side
    (every cell is a neighbour, images matter) and with >= 3 cells per side."""
    potential = POTENTIALS[name]()
    density = 0.7
    factor = 2.0 if cells_per_side == "two" else 3.3
    n_side = int(np.ceil(factor * potential.r_cut * density ** (1 / 3)))
    rng = np.random.default_rng([sorted(POTENTIALS).index(name), int(factor * 100)])
    positions, box = _random_configuration(rng, n_side, density, 0.02)
    n_cells = build_cell_list(positions, potential.r_cut, box).n_cells
    assert np.all(n_cells == 2) if cells_per_side == "two" else np.all(n_cells >= 3)
    state = init_state(positions, box, potential)
    before = state.energy
    assert np.isfinite(before)
    c = state.cells
    n_inf = 0
    for _ in range(60):
        i = int(rng.integers(len(positions)))
        step = rng.choice([0.05, 0.3, 1.5])
        new_point = (state.positions[i] + rng.uniform(-step, step, 3)) % box
        delta = potential.delta_energy(i, new_point, state.positions, c.box_lengths, c.periodic,
                                       c.origin, c.cell_size, c.n_cells, c.members, c.counts,
                                       potential.params)
        moved = state.positions.copy()
        moved[i] = new_point
        after = _total(moved, box, potential)
        if np.isinf(after):
            assert delta == np.inf
            n_inf += 1
        else:
            assert delta == pytest.approx(after - before, rel=1e-9, abs=1e-9)
    if name == "hard_spheres":
        assert n_inf > 0  # the overlap branch was exercised


@pytest.mark.parametrize("name", sorted(POTENTIALS))
@pytest.mark.parametrize("cells_per_side", ["two", "many"])
def test_total_energy_equals_a_brute_force_minimum_image_sum(name, cells_per_side):
    """The cell-list total against sum_{i<j} u(|d_ij|) over all pairs with the minimum image
    (exact here: the box is at least 2 r_cut) plus c n^2 / V, so that a stencil bug cannot
    cancel between the running energy and the delta-energy tests above."""
    potential = POTENTIALS[name]()
    density = 0.7
    factor = 2.0 if cells_per_side == "two" else 3.3
    n_side = int(np.ceil(factor * potential.r_cut * density ** (1 / 3)))
    rng = np.random.default_rng([7, sorted(POTENTIALS).index(name), int(factor * 100)])
    positions, box = _random_configuration(rng, n_side, density, 0.1)
    assert np.all(box >= 2 * potential.r_cut)
    d = positions[:, None] - positions[None]
    d -= box * np.rint(d / box)
    r = np.linalg.norm(d, axis=-1)[np.triu_indices(len(positions), 1)]
    brute = potential.pair_energy(r).sum() + potential.tail_coefficient * len(positions) ** 2 / np.prod(box)
    total = _total(positions, box, potential)
    if name == "hard_spheres":
        assert r.min() < 1.0 and total == np.inf  # jitter 0.1 at spacing 1.126: some overlap
        keep = np.ones(len(positions), bool)  # drop the second particle of every overlapping pair
        keep[np.nonzero(np.triu(np.linalg.norm(d, axis=-1) < 1.0, 1))[1]] = False
        assert 0 < keep.sum() < len(positions) and _total(positions[keep], box, potential) == 0.0
        return
    if name != "no_interaction":
        assert np.count_nonzero(potential.pair_energy(r)) >= 3  # pairs inside the cutoff
    assert total == pytest.approx(brute, rel=1e-12, abs=1e-10)


def test_delta_energy_open_boundaries():
    potential = lennard_jones(1.0, 1.0, 2.5)
    rng = np.random.default_rng(3)
    positions, _ = _random_configuration(rng, 4, 0.5, 0.05)
    state = init_state(positions, None, potential)
    c = state.cells
    for _ in range(30):
        i = int(rng.integers(len(positions)))
        new_point = state.positions[i] + rng.uniform(-1.0, 1.0, 3) * 3.0  # may leave the grid
        delta = potential.delta_energy(i, new_point, state.positions, c.box_lengths, c.periodic,
                                       c.origin, c.cell_size, c.n_cells, c.members, c.counts,
                                       potential.params)
        moved = state.positions.copy()
        moved[i] = new_point
        assert delta == pytest.approx(_total(moved, None, potential) - state.energy, rel=1e-9, abs=1e-9)
    result = run_nvt(state, potential, 20, 0.2, seed=1, sample_every=10)
    check_energy(result.state, potential)


# ---------------------------------------------------------------------------------------
# the driver
# ---------------------------------------------------------------------------------------


def test_init_state_validates():
    hs = hard_spheres(1.0)
    with pytest.raises(ValueError, match="overlap"):
        init_state([[0, 0, 0], [0.5, 0, 0]], [5, 5, 5], hs)
    with pytest.raises(ValueError, match="2 r_cut"):
        init_state([[0, 0, 0], [2.0, 0, 0]], [5, 5, 1.5], hs)
    with pytest.raises(ValueError, match="shape"):
        init_state(np.zeros((4, 2)), [5, 5, 5], hs)
    state = init_state([[-0.5, 6.0, 2.0], [2.0, 2.0, 2.0]], [5, 5, 5], hs)
    np.testing.assert_allclose(state.positions[0], [4.5, 1.0, 2.0])
    assert state.density == pytest.approx(2 / 125)


def test_periodic_trigger():
    t = Periodic(10)
    assert [s for s in range(1, 35) if t(s)] == [10, 20, 30]
    assert t.next_sweep(0) == 10 and t.next_sweep(10) == 20 and t.next_sweep(13) == 20
    t = Periodic(5, phase=12)
    assert [s for s in range(0, 30) if t(s)] == [12, 17, 22, 27]
    assert t.next_sweep(0) == 12 and t.next_sweep(12) == 17
    with pytest.raises(ValueError):
        Periodic(0)


def _lj_state(seed=0):
    positions, box = fcc_lattice(3, 0.7)  # 108 particles
    potential = lennard_jones(1.0, 1.0, 2.5)
    return init_state(positions, box, potential), potential


def test_same_seed_same_trajectory_and_sampling_does_not_change_it():
    state, potential = _lj_state()
    original = state.positions.copy()
    a = run_nvt(state, potential, 40, 0.15, seed=11, sample_every=5, beta=0.8)
    b = run_nvt(state, potential, 40, 0.15, seed=11, sample_every=5, beta=0.8)
    np.testing.assert_array_equal(a.state.positions, b.state.positions)
    np.testing.assert_array_equal(a.energies, b.energies)
    c = run_nvt(state, potential, 40, 0.15, seed=12, sample_every=5, beta=0.8)
    assert not np.array_equal(a.state.positions, c.state.positions)

    # neither the sampling interval nor a callback drawing numba random numbers matters
    from numba import njit

    @njit
    def draw():
        return np.random.random()

    seen = []
    d = run_nvt(state, potential, 40, 0.15, seed=11, sample_every=Periodic(3),
                on_sample=lambda sweep, s: seen.append((sweep, draw())), beta=0.8)
    np.testing.assert_array_equal(a.state.positions, d.state.positions)
    assert [s for s, _ in seen] == list(range(3, 40, 3))
    # NPT as well
    e = run_npt(state, potential, 1.0, 30, 0.15, 0.02, seed=5, sample_every=10, beta=0.8)
    f = run_npt(state, potential, 1.0, 30, 0.15, 0.02, seed=5, sample_every=7, beta=0.8)
    np.testing.assert_array_equal(e.state.positions, f.state.positions)
    np.testing.assert_array_equal(e.state.box_lengths, f.state.box_lengths)
    # the input state is untouched
    np.testing.assert_array_equal(state.positions, original)


def test_progress_log_reports_each_tenth_with_the_time_left(caplog):
    """One line per tenth for a run sampled every sweep, the time left extrapolated from
    the pace since the first sample; a resumed run (first sample late in the run) takes
    its pace from the sweeps it runs itself; a coarser sampling logs at the first sample
    past each tenth; the trajectory is the same as without the callback."""
    import logging

    from cgml.simulate import ProgressLog

    def ticking():  # the clock advances 2 s per reading
        ticks = iter(range(0, 1000, 2))
        return lambda: float(next(ticks))

    logger = logging.getLogger("test.progress")
    progress = ProgressLog(logger, 200, "run", clock=ticking())
    with caplog.at_level(logging.INFO, logger="test.progress"):
        for sweep in range(1, 201):
            progress(sweep)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 10
    # creation at 0 s, the first sample (sweep 1) at 2 s, sweep 20 at 4 s: 19 sweeps in 2 s
    assert lines[0] == "run: sweep 20 / 200 (10%), 4 s, about 19 s left"
    assert lines[-1] == "run: sweep 200 / 200 (100%), 22 s, about 0 s left"
    caplog.clear()
    # resumed at sweep 120: the first sample (125) logs nothing; at 140 15 sweeps took 2 s
    resumed = ProgressLog(logger, 200, "resumed", clock=ticking())
    with caplog.at_level(logging.INFO, logger="test.progress"):
        for sweep in range(125, 201, 5):
            resumed(sweep)
    lines = [r.getMessage() for r in caplog.records]
    assert [int(line.split()[2]) for line in lines] == [140, 160, 180, 200]
    assert lines[0] == "resumed: sweep 140 / 200 (70%), 4 s, about 8 s left"
    caplog.clear()
    state, potential = _lj_state()
    with caplog.at_level(logging.INFO, logger="test.progress"):
        logged = run_nvt(state, potential, 40, 0.15, seed=11, sample_every=7, beta=0.8,
                         on_sample=ProgressLog(logger, 40, "lj"))
    # the first sample (7) lies past the first tenth (4): the pace starts there
    assert [int(r.getMessage().split()[2]) for r in caplog.records] == [14, 21, 28, 35]
    plain = run_nvt(state, potential, 40, 0.15, seed=11, sample_every=7, beta=0.8)
    np.testing.assert_array_equal(logged.state.positions, plain.state.positions)
    with pytest.raises(ValueError, match="fraction"):
        ProgressLog(logger, 10, "x", fraction=0.0)


def test_running_energy_is_the_recomputed_total():
    state, potential = _lj_state()
    seen = []
    nvt = run_nvt(state, potential, 60, 0.2, seed=1, sample_every=20, beta=0.7,
                  store_snapshots=True, on_sample=lambda sweep, s: seen.append(s))
    check_energy(nvt.state, potential, tolerance=1e-10)
    # states handed to on_sample are independent copies, each consistent
    for s, snapshot in zip(seen, nvt.snapshots):
        np.testing.assert_array_equal(s.positions, snapshot)
        check_energy(s, potential, tolerance=1e-10)
    assert nvt.snapshots.shape == (3, 108, 3)
    assert nvt.sweeps.tolist() == [20, 40, 60]
    for snapshot, box, energy in zip(nvt.snapshots, nvt.box_lengths, nvt.energies):
        assert energy == pytest.approx(_total(snapshot, box, potential), rel=1e-10, abs=1e-10)
    tail = lennard_jones(1.0, 1.0, 2.5, shift=False, tail_correction=True)
    state = init_state(state.positions, state.box_lengths, tail)
    npt = run_npt(state, tail, 1.5, 60, 0.2, 0.05, seed=2, sample_every=20, beta=0.7)
    assert npt.n_attempts_volume > 20 and 0 < npt.acceptance_volume < 1
    assert recompute_energy(npt.state, tail) == pytest.approx(npt.state.energy, rel=1e-10)
    assert isinstance(npt.state, MCState) and npt.state.cells.r_cut == tail.r_cut


def test_acceptance_adapts_toward_target():
    positions, box = simple_cubic_lattice(6, 0.6)
    hs = hard_spheres(1.0)
    state = init_state(positions, box, hs)
    tuned = adapt_step_sizes(state, hs, max_displacement=1.0, seed=3, pressure=3.0,
                             max_log_volume_change=0.3, target_acceptance=0.35,
                             target_volume_acceptance=0.3, n_rounds=14, sweeps_per_round=40)
    assert tuned.history[0, 0] == 1.0 and tuned.max_displacement < 0.5
    assert np.isnan(tuned.history[0, 1])  # no volume moves before the displacement is sane
    # the fluid stayed a fluid near the Carnahan-Starling density 0.635 (not a jammed lattice)
    assert 0.55 < tuned.state.density < 0.72
    check = run_npt(tuned.state, hs, 3.0, 300, tuned.max_displacement,
                    tuned.max_log_volume_change, seed=4, sample_every=300)
    assert check.acceptance_displacement == pytest.approx(0.35, abs=0.06)
    assert check.acceptance_volume == pytest.approx(0.3, abs=0.12)
    nvt = adapt_step_sizes(state, hs, max_displacement=0.001, seed=3, n_rounds=12,
                           sweeps_per_round=20, target_acceptance=0.5)
    assert nvt.max_log_volume_change is None
    assert nvt.acceptance_displacement == pytest.approx(0.5, abs=0.07)


def test_ideal_gas_npt_volume_has_the_n_plus_one_jacobian():
    n, beta_pressure = 40, 0.05
    rng = np.random.default_rng(0)
    box = np.full(3, 10.0)
    potential = no_interaction(3.0)  # r_cut only sets the cells: few cells, cheap rebuilds
    state = init_state(rng.uniform(0, 10, (n, 3)), box, potential)
    result = run_npt(state, potential, beta_pressure, 30000, 1.0, 0.4, seed=9, sample_every=3)
    volumes = result.volumes[300:]
    blocks = volumes[: len(volumes) // 20 * 20].reshape(20, -1).mean(axis=1)
    mean, error = blocks.mean(), blocks.std(ddof=1) / np.sqrt(len(blocks))
    exact = (n + 1) / beta_pressure
    assert abs(mean - exact) < 4 * error + 1e-3 * exact
    assert error < 0.006 * exact  # resolves N + 1 from N (a 2.5 % difference)
    # the variance as well: Var V = (N + 1) / (beta P)^2
    assert volumes.var() == pytest.approx((n + 1) / beta_pressure**2, rel=0.08)
    assert np.all(result.box_lengths >= 2 * potential.r_cut)


def test_npt_never_shrinks_the_box_below_two_cutoffs():
    potential = no_interaction(1.0)
    state = init_state([[0.5, 0.5, 0.5], [1.5, 1.5, 1.5]], [2.2, 2.2, 2.2], potential)
    result = run_npt(state, potential, 50.0, 300, 0.5, 0.5, seed=1, sample_every=1)
    assert result.box_lengths.min() >= 2.0
    assert result.acceptance_volume < 1.0


def test_run_validates_arguments():
    state, potential = _lj_state()
    with pytest.raises(ValueError):
        run_nvt(state, potential, 10, -0.1, seed=1, sample_every=5)
    with pytest.raises(ValueError):
        run_nvt(state, potential, 10, 0.1, seed=-1, sample_every=5)
    with pytest.raises(ValueError):
        run_nvt(state, potential, 10, 0.1, seed=1, sample_every=0)
    with pytest.raises(ValueError):
        run_npt(state, potential, -1.0, 10, 0.1, 0.01, seed=1, sample_every=5)
    open_state = init_state(state.positions, None, potential)
    with pytest.raises(ValueError, match="periodic"):
        run_npt(open_state, potential, 1.0, 10, 0.1, 0.01, seed=1, sample_every=5)


@pytest.mark.parametrize("beta", [0.5, 2.0])
def test_two_particles_sample_the_boltzmann_distribution_at_any_beta(beta):
    """Two LJ particles in a periodic box of 6: the fraction of samples with r < 1.5 is
    int_0^1.5 exp(-beta u) 4 pi r^2 dr / (int_0^r_c exp(-beta u) 4 pi r^2 dr + V - 4 pi r_c^3 / 3).
    The engine tests at beta = 1 cannot see a Metropolis step that drops beta."""
    from scipy.integrate import quad

    potential = lennard_jones(r_cut=2.5)
    weight = lambda r: np.exp(-beta * potential.pair_energy(np.array([r]))[0]) * 4 * np.pi * r * r
    inside = quad(weight, 0.8, 1.5, limit=200)[0]
    within_cut = quad(weight, 0.8, 2.5, limit=200)[0]
    expected = inside / (within_cut + 216.0 - 4.0 / 3.0 * np.pi * 2.5**3)
    state = init_state(np.array([[1.0, 1.0, 1.0], [3.0, 4.0, 4.0]]), np.full(3, 6.0), potential)
    result = run_nvt(state, potential, 100_000, 3.0, 5, 1, beta=beta, store_snapshots=True)
    d = result.snapshots[:, 1] - result.snapshots[:, 0]
    d -= 6.0 * np.rint(d / 6.0)
    fraction = float(np.mean(np.linalg.norm(d, axis=1) < 1.5))
    assert fraction == pytest.approx(expected, abs=0.004), (fraction, expected)
