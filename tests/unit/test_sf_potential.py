"""Unit tests of the symmetry-function MC potential (cgml.simulate.sf_potential).

Outside truths: the energy of the linear model evaluated from scratch by
:class:`cgml.fitting.sf_model.SymmetryFunctionModel` (full neighbour list, CSR kernels)
and brute-force O(N^2) neighbour sets. Models are the ML2 (radial only) and ML12
(radial + angular) pool shapes of Giunta et al. (ACS Nano 2023), reduced in size, with
seeded random weights.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

from cgml.descriptors import AngularSet, RadialSet
from cgml.fitting.sf_model import SymmetryFunctionModel
from cgml.neighbors import build_cell_list
from cgml.simulate import check_energy, init_state, run_nvt, simple_cubic_lattice
from cgml.simulate.sf_potential import SFPotential, affected_centres, sf_potential

R_CUT = 2.5
SEED = 20231204


def _model(kind: str, seed: int, scale: float = 0.05,
           cutoff: str = "tanh3") -> SymmetryFunctionModel:
    """Random-weight ML2 ('radial') or ML12 ('angular') model over a small pool."""
    rng = np.random.default_rng(seed)
    radial = RadialSet.grid([0.001, 1.715, 6.858], [0.0, 0.5, 0.9])
    angular = None
    if kind == "angular":
        angular = AngularSet.grid([0.001, 0.1, 1.0], [1.0, -1.0], [1.0, 4.0])
    n = len(radial) + (len(angular) if angular is not None else 0)
    return SymmetryFunctionModel(R_CUT, cutoff, radial, angular, scale * rng.normal(size=n))


def _periodic_system(rng, n=120, box_length=8.0):
    return rng.random((n, 3)) * box_length, np.full(3, box_length)


def _open_cluster(rng, n=60, radius=3.0):
    u = rng.normal(size=(n, 3))
    u /= np.linalg.norm(u, axis=1)[:, None]
    return u * radius * rng.random((n, 1)) ** (1.0 / 3.0), None


def _total(potential, positions, box):
    cells = build_cell_list(positions, potential.r_cut, box)
    return potential.total_energy(positions, cells.box_lengths, cells.periodic, cells.origin,
                                  cells.cell_size, cells.n_cells, cells.members, cells.counts,
                                  potential.params)


def _delta(potential, positions, cells, i, new_point):
    return potential.delta_energy(i, new_point, positions, cells.box_lengths, cells.periodic,
                                  cells.origin, cells.cell_size, cells.n_cells, cells.members,
                                  cells.counts, potential.params)


def _trial_moves(rng, positions, box, n_moves, step):
    """Random (i, new_point) pairs: small steps, and jumps anywhere (disjoint old/new shells)."""
    n = positions.shape[0]
    for t in range(n_moves):
        i = int(rng.integers(n))
        if t % 4 == 3:  # a jump: old and new neighbourhoods disjoint
            lo = positions.min(axis=0) - 1.0 if box is None else np.zeros(3)
            hi = positions.max(axis=0) + 1.0 if box is None else box
            point = lo + rng.random(3) * (hi - lo)
        else:
            point = positions[i] + rng.uniform(-step, step, 3)
        if box is not None:
            point = point - box * np.floor(point / box)
        yield i, point


SYSTEMS = {"periodic": _periodic_system, "open": _open_cluster}


@pytest.mark.parametrize("kind", ["radial", "angular"])
@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_delta_energy_equals_full_recomputation(kind, system):
    rng = np.random.default_rng(SEED)
    model = _model(kind, SEED + 1)
    potential = sf_potential(model)
    positions, box = SYSTEMS[system](rng)
    cells = build_cell_list(positions, potential.r_cut, box)
    original = positions.copy()
    e_before = _total(potential, positions, box)
    e_model_before = model.energy(positions, box)
    # the open-cluster moves reach outside the cell grid's bounding box on purpose
    for i, point in _trial_moves(rng, positions, box, 16, 1.2):
        d = _delta(potential, positions, cells, i, point)
        moved = positions.copy()
        moved[i] = point
        scale = max(1.0, abs(e_before))
        assert d == pytest.approx(_total(potential, moved, box) - e_before, abs=1e-11 * scale)
        assert d == pytest.approx(model.energy(moved, box) - e_model_before, abs=1e-11 * scale)
    np.testing.assert_array_equal(positions, original)  # delta_energy copies nothing back


@pytest.mark.parametrize("kind", ["radial", "angular"])
@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_total_energy_equals_model_energy(kind, system):
    rng = np.random.default_rng(SEED + 2)
    model = _model(kind, SEED + 3, cutoff="cosine" if system == "open" else "tanh3")
    positions, box = SYSTEMS[system](rng)
    potential = sf_potential(model)
    expected = model.energy(positions, box)
    assert expected != 0.0
    assert _total(potential, positions, box) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_accepted_moves_chain_keeps_cell_list_convention():
    """Apply accepted moves one after another (cells updated as the driver does) and
    compare the summed changes with the energy of the final configuration."""
    rng = np.random.default_rng(SEED + 4)
    potential = sf_potential(_model("angular", SEED + 5))
    positions, box = _periodic_system(rng)
    cells = build_cell_list(positions, potential.r_cut, box, capacity=64)  # room for any move
    energy = _total(potential, positions, box)
    for i, point in _trial_moves(rng, positions, box, 40, 0.8):
        energy += _delta(potential, positions, cells, i, point)
        cells.move(i, point)
        positions[i] = point
    assert energy == pytest.approx(_total(potential, positions, box), abs=1e-10)


def test_move_onto_another_particle_is_rejected_not_nan():
    rng = np.random.default_rng(SEED + 6)
    potential = sf_potential(_model("angular", SEED + 7))
    positions, box = _periodic_system(rng)
    cells = build_cell_list(positions, potential.r_cut, box)
    assert _delta(potential, positions, cells, 0, positions[1].copy()) == np.inf


def _min_distance(positions, box):
    d = positions[:, None] - positions[None]
    if box is not None:
        d -= box * np.rint(d / box)
    r = np.linalg.norm(d, axis=-1)
    return r[np.triu_indices(len(positions), 1)].min()


def test_hard_core_is_infinite_below_and_transparent_above():
    rng = np.random.default_rng(SEED + 12)
    model = _model("angular", SEED + 13)
    lattice, box = simple_cubic_lattice(5, 125 / 7.0**3)  # spacing 1.4, box 7
    positions = lattice + rng.uniform(-0.2, 0.2, lattice.shape)
    hard_core = 0.9
    assert _min_distance(positions, box) > hard_core
    potential = sf_potential(model, hard_core=hard_core)
    assert potential.hard_core == hard_core
    e0 = _total(potential, positions, box)
    assert e0 == pytest.approx(model.energy(positions, box), abs=1e-12)
    cells = build_cell_list(positions, potential.r_cut, box)
    n_inf = 0
    for i, point in _trial_moves(rng, positions, box, 40, 0.7):
        moved = positions.copy()
        moved[i] = point
        d = _delta(potential, positions, cells, i, point)
        if _min_distance(moved, box) < hard_core:
            n_inf += 1
            assert d == np.inf and _total(potential, moved, box) == np.inf
        else:
            assert d == pytest.approx(model.energy(moved, box) - e0, abs=1e-11)
    assert 0 < n_inf < 40
    inside = positions[7] + np.array([0.5, 0.0, 0.0])  # 0.5 < hard_core from particle 7
    assert _delta(potential, positions, cells, 0, inside % box) == np.inf


def test_short_nvt_run_keeps_running_energy_consistent():
    rng = np.random.default_rng(SEED + 8)
    hard_core = 0.8
    potential = sf_potential(_model("angular", SEED + 9, scale=1.0), hard_core=hard_core)
    lattice, box = simple_cubic_lattice(4, 64 / 6.0**3)  # spacing 1.5, box 6
    positions = lattice + rng.uniform(-0.2, 0.2, lattice.shape)
    state = init_state(positions, box, potential)
    assert state.energy == pytest.approx(potential.model.energy(state.positions, box), abs=1e-10)
    result = run_nvt(state, potential, n_sweeps=12, max_displacement=0.5, seed=SEED,
                     sample_every=4)
    assert 0.0 < result.acceptance_displacement < 1.0
    # the model's energy, not only its hard core, decides moves: without the weights the same
    # seed accepts a different number of them
    bare = sf_potential(_model("angular", SEED + 9, scale=0.0), hard_core=hard_core)
    no_weights = run_nvt(init_state(positions, box, bare), bare, n_sweeps=12, max_displacement=0.5,
                         seed=SEED, sample_every=4)
    assert abs(no_weights.acceptance_displacement - result.acceptance_displacement) > 0.05
    check_energy(result.state, potential, tolerance=1e-9)
    final = result.state
    assert final.energy == pytest.approx(potential.model.energy(final.positions, box), abs=1e-9)
    assert not np.array_equal(final.positions, state.positions)
    assert _min_distance(final.positions, box) >= hard_core


def test_open_cluster_nvt_run_keeps_running_energy_consistent():
    rng = np.random.default_rng(SEED + 10)
    potential = sf_potential(_model("radial", SEED + 11, scale=1.0))
    positions, _ = _open_cluster(rng, n=40, radius=2.5)
    result = run_nvt(init_state(positions, None, potential), potential, n_sweeps=10,
                     max_displacement=0.4, seed=SEED, sample_every=5)
    check_energy(result.state, potential, tolerance=1e-9)
    assert result.state.energy == pytest.approx(
        potential.model.energy(result.state.positions), abs=1e-9)


def _brute_force_affected(positions, box, i, point):
    def near(p):
        d = positions - p
        if box is not None:
            d -= box * np.rint(d / box)
        return set(np.flatnonzero(np.einsum("ij,ij->i", d, d) < R_CUT**2).tolist())

    return ({i} | near(positions[i]) | near(point)), len(near(positions[i]) - {i})


@pytest.mark.parametrize("n", [500, 4000])
def test_centres_touched_per_move_bounded_by_neighbour_count(n):
    """Per-move cost does not grow with N: at fixed density the centres a move
    re-evaluates are i and its neighbours at the old and new positions, |A| <= 1 + 2 n_nb."""
    density = 0.15  # [sigma_c^-3], the paper's cluster regime
    rng = np.random.default_rng(SEED + n)
    box = np.full(3, (n / density) ** (1.0 / 3.0))
    positions = rng.random((n, 3)) * box
    potential = sf_potential(_model("angular", SEED))
    cells = build_cell_list(positions, potential.r_cut, box)
    sizes, neighbours = [], []
    for i, point in _trial_moves(rng, positions, box, 120, 0.5):
        touched = affected_centres(potential, positions, cells, i, point)
        expected, n_nb = _brute_force_affected(positions, box, i, point)
        assert touched[0] == i and len(set(touched.tolist())) == len(touched)
        assert set(touched.tolist()) == expected
        sizes.append(len(touched))
        neighbours.append(n_nb)
    mean_neighbours = density * 4.0 / 3.0 * np.pi * R_CUT**3  # 9.8
    assert np.mean(neighbours) == pytest.approx(mean_neighbours, rel=0.2)
    # bounded by the neighbour count, independently of N
    assert np.mean(sizes) <= 1.0 + 2.0 * mean_neighbours * 1.2
    assert max(sizes) <= 1 + 2 * (max(neighbours) + 10)


def test_all_sf_potentials_share_one_numba_type():
    """ML2 and ML12 have params of one numba type: one compiled MC sweep kernel."""
    ml2 = sf_potential(_model("radial", 1))
    ml12 = sf_potential(_model("angular", 2))
    assert numba.typeof(ml2.params) == numba.typeof(ml12.params)
    assert ml2.delta_energy is ml12.delta_energy and ml2.total_energy is ml12.total_energy
    assert isinstance(ml12, SFPotential) and ml12.r_cut == R_CUT


def test_sf_potential_rejects_bad_input():
    with pytest.raises(ValueError, match="SymmetryFunctionModel"):
        sf_potential("ml12")
    model = _model("radial", 3)
    bad = SymmetryFunctionModel(R_CUT, "tanh3", model.radial, None, np.full(9, np.nan))
    with pytest.raises(ValueError, match="NaN"):
        sf_potential(bad)
    with pytest.raises(ValueError, match="cutoff"):
        sf_potential(SymmetryFunctionModel(R_CUT, "gauss", model.radial, None, model.weights))
    for hard_core in (-0.1, R_CUT, np.nan):
        with pytest.raises(ValueError, match="hard_core"):
            sf_potential(model, hard_core=hard_core)
