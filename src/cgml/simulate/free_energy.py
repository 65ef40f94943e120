"""Free energies of a crystal and a fluid, and the pressure at which they coexist.

Units: k_BT = 1 (``beta`` = 1), lengths ``[length]``, pressures ``[kT/length^3]``, the
thermal wavelength Lambda = 1 ``[length]`` (it cancels at coexistence). Free energies
and chemical potentials are per particle, in k_BT.

Crystal (Frenkel-Ladd)
----------------------
Frenkel & Ladd, J. Chem. Phys. 81, 3188 (1984), with the centre of mass (CM) handled
as in Polson, Trizac, Pronk & Frenkel, J. Chem. Phys. 112, 5339 (2000): particles are
tied to their lattice sites R_j0 by springs on the displacements measured from the
CM, U_lambda = U + lambda sum_j |u_j|^2 with u_j = d_j - D, d_j = R_j - R_j0 (minimum
image) and D = mean_j d_j. U_lambda is translation invariant, so the CM moves freely
over the box and the Jacobian of (d_1..d_N) -> (D, u_1..u_{N-1}) is N per dimension:

    Z(lambda) = V N^3 int d^{3(N-1)}u exp(-beta U - beta lambda sum |u_j|^2).

For U = 0 (the Einstein crystal with a free CM; the Gaussian restricted to sum u = 0
contributes N^(-1/2) per dimension):

    beta F_Ein / N = -[ln V + (3/2) ln N + (3 (N - 1) / 2) ln(pi / (beta lambda))] / N.

The crystal without springs follows from d ln Z / d lambda = -beta <sum |u_j|^2>:

    beta F / N = beta F_Ein(lambda_max) / N + beta U_lattice / N
                 - ln <exp(-beta (U - U_lattice))>_Ein(lambda_max) / N
                 - (beta / N) int_0^lambda_max <sum_j |u_j|^2>_lambda d lambda,

the Einstein average from Gaussian displacements with the CM removed, the integral by
Gauss-Legendre quadrature in x = ln(lambda + c) (Frenkel & Smit, Understanding
Molecular Simulation, 2nd ed., section 10.2), which flattens the integrand when c is
about 3 / (2 beta <|u|^2>) of the crystal without springs. The result is the free energy
of the N-particle crystal in its periodic box, finite-size terms included (the ln N / N
terms above; Polson et al. discuss their size).

Fluid
-----
Along an isotherm from the ideal gas,

    beta mu(P) = ln(beta P Lambda^3) + beta int_0^P [v(P') - 1 / (beta P')] dP',

v = <V> / N from NPT runs, the integrand's P -> 0 limit the second virial coefficient
B_2 = 2 pi int (1 - exp(-beta u(r))) r^2 dr of the pair potential.

Crystal along its isotherm: beta mu(P) = beta mu(P_0) + beta int_{P_0}^P v(P') dP', with
beta mu(P_0) = beta F(rho_0) / N + beta P_0 / rho_0 at the density rho_0 = N / <V> of
the crystal at P_0 (the Frenkel-Ladd state). Coexistence: mu_fluid(P) = mu_solid(P).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from numba import njit

from cgml.simulate.potentials import PairPotential, pair_delta_energy, pair_total_energy

__all__ = [
    "TetheredPairPotential",
    "tethered_pair_potential",
    "spring_sum",
    "einstein_free_energy",
    "lambda_quadrature",
    "einstein_limit_correction",
    "second_virial",
    "fluid_chemical_potential",
    "solid_chemical_potential",
    "coexistence_pressure",
    "run_lambda_point",
    "FrenkelLadd",
    "frenkel_ladd_free_energy",
    "isotherm_point",
]


# ----------------------------------------------------------------------------------------
# Einstein springs on CM-relative displacements: a potential of the MC protocol
# ----------------------------------------------------------------------------------------


@njit(cache=True)
def _displacement(point, reference, box_lengths, periodic, out):
    for a in range(3):
        d = point[a] - reference[a]
        if periodic:
            d -= box_lengths[a] * np.rint(d / box_lengths[a])
        out[a] = d


@njit(cache=True)
def _spring_sums(positions, reference, box_lengths, periodic):
    """(sum_j d_j (3,), sum_j |d_j|^2) over all particles."""
    total = np.zeros(3)
    square = 0.0
    d = np.empty(3)
    for j in range(positions.shape[0]):
        _displacement(positions[j], reference[j], box_lengths, periodic, d)
        for a in range(3):
            total[a] += d[a]
            square += d[a] * d[a]
    return total, square


@njit(cache=True)
def tether_delta_energy(i, new_point, positions, box_lengths, periodic, origin, cell_size,
                        n_cells, members, counts, params):
    """dU of moving particle i: pair part + lambda [sum |d|^2 - |sum d|^2 / N] change (O(N))."""
    d_pair = pair_delta_energy(i, new_point, positions, box_lengths, periodic, origin, cell_size,
                               n_cells, members, counts, params[0])
    if d_pair == np.inf:
        return np.inf
    reference, spring = params[1], params[2]
    n = positions.shape[0]
    total, _ = _spring_sums(positions, reference, box_lengths, periodic)
    d_old = np.empty(3)
    d_new = np.empty(3)
    _displacement(positions[i], reference[i], box_lengths, periodic, d_old)
    _displacement(new_point, reference[i], box_lengths, periodic, d_new)
    d_square = 0.0
    d_cm = 0.0
    for a in range(3):
        d_square += d_new[a] * d_new[a] - d_old[a] * d_old[a]
        moved = total[a] - d_old[a] + d_new[a]
        d_cm += moved * moved - total[a] * total[a]
    return d_pair + spring * (d_square - d_cm / n)


@njit(cache=True)
def tether_total_energy(positions, box_lengths, periodic, origin, cell_size, n_cells, members,
                        counts, params):
    """U = U_pair + lambda sum_j |d_j - D|^2."""
    energy = pair_total_energy(positions, box_lengths, periodic, origin, cell_size, n_cells,
                               members, counts, params[0])
    if energy == np.inf:
        return np.inf
    total, square = _spring_sums(positions, params[1], box_lengths, periodic)
    n = positions.shape[0]
    return energy + params[2] * (square - (total[0] ** 2 + total[1] ** 2 + total[2] ** 2) / n)


@dataclass(frozen=True, eq=False)
class TetheredPairPotential:
    """A pair potential plus Einstein springs on CM-relative displacements (MC protocol).

    name : str; r_cut : float [length] (the pair potential's); params :
    ``(pair.params, reference (n, 3), spring)``; pair : the :class:`PairPotential`;
    spring : lambda [kT/length^2]; reference : lattice sites [length].
    Moves cost O(n) more than the pair potential's (the CM is summed afresh).
    """

    name: str
    r_cut: float
    params: tuple
    pair: PairPotential
    spring: float
    reference: np.ndarray
    delta_energy: Any = tether_delta_energy
    total_energy: Any = tether_total_energy

    def __repr__(self) -> str:
        return f"TetheredPairPotential({self.name})"


def tethered_pair_potential(pair: PairPotential, reference, spring: float) -> TetheredPairPotential:
    """``pair`` + lambda sum_j |u_j|^2 with u_j the displacement from site ``reference[j]``
    relative to the centre of mass (see the module docstring); ``spring`` >= 0."""
    if not isinstance(pair, PairPotential):
        raise ValueError(f"the Frenkel-Ladd springs need a PairPotential, got {type(pair).__name__} "
                         "(a many-body potential has no tethered version here)")
    spring = float(spring)
    if not (np.isfinite(spring) and spring >= 0):
        raise ValueError(f"spring constant lambda must be finite and >= 0, got {spring}")
    reference = np.ascontiguousarray(np.asarray(reference, dtype=np.float64))
    if reference.ndim != 2 or reference.shape[1] != 3:
        raise ValueError(f"reference sites must have shape (n, 3), got {reference.shape}")
    return TetheredPairPotential(f"tethered({pair.name}, lambda={spring:g})", pair.r_cut,
                                 (pair.params, reference, spring), pair, spring, reference)


def spring_sum(positions, reference, box_lengths=None) -> float:
    """sum_j |u_j|^2 [length^2]: displacements from the sites, CM removed (minimum image if
    ``box_lengths`` is given)."""
    d = np.asarray(positions, dtype=float) - np.asarray(reference, dtype=float)
    if box_lengths is not None:
        box = np.asarray(box_lengths, dtype=float)
        d -= box * np.rint(d / box)
    d -= d.mean(axis=0)
    return float(np.sum(d * d))


# ----------------------------------------------------------------------------------------
# crystal
# ----------------------------------------------------------------------------------------


def einstein_free_energy(n: int, volume: float, spring: float, beta: float = 1.0) -> float:
    """beta F / N of N particles on springs ``spring`` [kT/length^2] (CM-relative, CM free
    in ``volume`` [length^3]), Lambda = 1; see the module docstring."""
    if n < 2 or not volume > 0 or not spring > 0:
        raise ValueError(f"need n >= 2, volume > 0, spring > 0; got {n}, {volume}, {spring}")
    return -(np.log(volume) + 1.5 * np.log(n) + 1.5 * (n - 1) * np.log(np.pi / (beta * spring))) / n


def lambda_quadrature(lambda_max: float, shift: float, n_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes lambda_k and weights w_k with int_0^lambda_max f d lambda ~ sum_k w_k f(lambda_k).

    Gauss-Legendre in x = ln(lambda + c), c = ``shift`` > 0: w_k = (lambda_k + c) times the
    Gauss weight on [ln c, ln(lambda_max + c)]. Nodes in increasing order.
    """
    if not (lambda_max > 0 and shift > 0 and n_points >= 1):
        raise ValueError(f"need lambda_max > 0, shift > 0, n_points >= 1; got {lambda_max}, {shift}, {n_points}")
    x, w = np.polynomial.legendre.leggauss(int(n_points))
    lo, hi = np.log(shift), np.log(lambda_max + shift)
    xs = 0.5 * (hi - lo) * x + 0.5 * (hi + lo)
    lam = np.exp(xs) - shift
    return lam, 0.5 * (hi - lo) * w * (lam + shift)


def einstein_limit_correction(potential, lattice, box_lengths, spring: float, n_samples: int,
                              rng: np.random.Generator, beta: float = 1.0) -> tuple[float, float]:
    """``(beta U_lattice, ln <exp(-beta (U - U_lattice))>_Ein)`` at springs ``spring``.

    Displacements drawn from the Einstein crystal (variance 1 / (2 beta lambda) per
    component, CM removed); ``potential`` follows the MC protocol (its total energy is
    evaluated through :func:`cgml.simulate.mc.init_state`). The log-average is computed
    stably (log-sum-exp); overlaps (+inf) count as zeros.
    """
    from cgml.simulate.mc import init_state

    lattice = np.asarray(lattice, dtype=float)
    box = np.asarray(box_lengths, dtype=float)
    u_lat = init_state(np.mod(lattice, box), box, potential).energy
    if not np.isfinite(u_lat):
        raise ValueError("the lattice itself overlaps a hard core: no Einstein reference")
    scale = 1.0 / np.sqrt(2.0 * beta * spring)
    log_terms = np.empty(int(n_samples))
    for k in range(int(n_samples)):
        u = rng.normal(0.0, scale, lattice.shape)
        u -= u.mean(axis=0)
        e = init_state(np.mod(lattice + u, box), box, potential).energy
        log_terms[k] = -beta * (e - u_lat) if np.isfinite(e) else -np.inf
    top = np.max(log_terms)
    if not np.isfinite(top):
        raise ValueError(f"every Einstein sample at lambda = {spring:g} overlaps: raise lambda_max")
    return float(beta * u_lat), float(top + np.log(np.mean(np.exp(log_terms - top))))


def run_lambda_point(pair: PairPotential, lattice, box_lengths, spring: float, *, equilibration_sweeps: int,
                     production_sweeps: int, sample_every: int, seed: int, adapt_rounds: int = 5,
                     adapt_sweeps: int = 50, max_displacement: float = 0.1,
                     target_acceptance: float = 0.35) -> dict:
    """NVT MC of the crystal on springs ``spring`` started on its sites; returns the row
    ``{lambda, spring_sum (<sum |u|^2> / N), spring_sum_err, acceptance, max_displacement}``
    (block error over 5 blocks of the samples)."""
    from cgml.analysis.stats import block_average
    from cgml.simulate.mc import adapt_step_sizes, init_state, run_nvt

    box = np.asarray(box_lengths, dtype=float)
    lattice = np.mod(np.asarray(lattice, dtype=float), box)
    potential = tethered_pair_potential(pair, lattice, spring)
    state = init_state(lattice, box, potential)
    steps = adapt_step_sizes(state, potential, max_displacement, seed, n_rounds=adapt_rounds,
                             sweeps_per_round=adapt_sweeps, target_acceptance=target_acceptance)
    state = run_nvt(steps.state, potential, equilibration_sweeps, steps.max_displacement, seed + 1,
                    sample_every=max(1, equilibration_sweeps)).state
    result = run_nvt(state, potential, production_sweeps, steps.max_displacement, seed + 2,
                     sample_every=sample_every, store_snapshots=True)
    n = len(lattice)
    sums = np.array([spring_sum(frame, lattice, box) for frame in result.snapshots]) / n
    mean, err = block_average(sums, min(5, len(sums)))
    return {"lambda": float(spring), "spring_sum": float(mean), "spring_sum_err": float(err),
            "acceptance": float(result.acceptance_displacement),
            "max_displacement": float(steps.max_displacement), "n_samples": int(len(sums))}


@dataclass(frozen=True)
class FrenkelLadd:
    """beta F / N of a crystal and its parts (see the module docstring), all per particle [kT]."""

    free_energy: float
    error: float
    einstein: float
    lattice_energy: float
    einstein_log_average: float
    integral: float
    n: int
    volume: float
    lambda_max: float


def frenkel_ladd_free_energy(rows, weights, *, n: int, volume: float, lambda_max: float,
                             lattice_energy: float, einstein_log_average: float,
                             beta: float = 1.0) -> FrenkelLadd:
    """Assemble beta F / N from the quadrature ``rows`` (:func:`run_lambda_point`, at the nodes
    of :func:`lambda_quadrature` with ``weights``), the lattice energy beta U_lattice and the
    Einstein-limit log-average of :func:`einstein_limit_correction`."""
    weights = np.asarray(weights, dtype=float)
    values = np.array([r["spring_sum"] for r in rows], dtype=float)
    errors = np.array([r["spring_sum_err"] for r in rows], dtype=float)
    if values.shape != weights.shape:
        raise ValueError(f"{len(values)} lambda points for {len(weights)} quadrature weights")
    integral = float(beta * np.sum(weights * values))
    einstein = einstein_free_energy(n, volume, lambda_max, beta)
    free = einstein + lattice_energy / n - einstein_log_average / n - integral
    return FrenkelLadd(float(free), float(beta * np.sqrt(np.sum((weights * errors) ** 2))), float(einstein),
                       float(lattice_energy / n), float(einstein_log_average / n), integral, int(n),
                       float(volume), float(lambda_max))


def isotherm_point(state, potential, pressure: float, *, max_displacement: float, max_log_volume_change: float,
                   equilibration_sweeps: int, production_sweeps: int, sample_every: int, seed: int,
                   adapt_rounds: int = 5, adapt_sweeps: int = 50, target_acceptance: float = 0.35):
    """One NPT state point of an isotherm, continuing from ``state``: steps tuned to
    ``target_acceptance``, equilibration, production. Returns ``(final MCResult, row)`` with
    ``row = {pressure, volume (<V> / N), volume_err, density (N / <V>), max_displacement,
    max_log_volume_change, acceptance, acceptance_volume}`` (block error over 5 blocks)."""
    from cgml.analysis.stats import block_average
    from cgml.simulate.mc import adapt_step_sizes, run_npt

    steps = adapt_step_sizes(state, potential, max_displacement, seed, pressure=pressure,
                             max_log_volume_change=max_log_volume_change, n_rounds=adapt_rounds,
                             sweeps_per_round=adapt_sweeps, target_acceptance=target_acceptance,
                             target_volume_acceptance=target_acceptance)
    dmax, dlnv = steps.max_displacement, steps.max_log_volume_change
    state = run_npt(steps.state, potential, pressure, equilibration_sweeps, dmax, dlnv, seed + 1,
                    sample_every=max(1, equilibration_sweeps)).state
    result = run_npt(state, potential, pressure, production_sweeps, dmax, dlnv, seed + 2, sample_every=sample_every)
    n = len(state.positions)
    v, v_err = block_average(result.volumes / n, min(5, len(result.volumes)))
    return result, {"pressure": float(pressure), "volume": float(v), "volume_err": float(v_err),
                    "density": float(1.0 / v), "max_displacement": float(dmax),
                    "max_log_volume_change": float(dlnv), "acceptance": float(result.acceptance_displacement),
                    "acceptance_volume": float(result.acceptance_volume)}


# ----------------------------------------------------------------------------------------
# fluid and coexistence
# ----------------------------------------------------------------------------------------


def second_virial(pair_energy: Callable[[np.ndarray], np.ndarray], r_cut: float, beta: float = 1.0,
                  n_grid: int = 200_001) -> float:
    """B_2 = 2 pi int_0^r_cut (1 - exp(-beta u(r))) r^2 dr [length^3] (u = +inf: hard core)."""
    r = np.linspace(0.0, float(r_cut), int(n_grid))
    with np.errstate(over="ignore", invalid="ignore"):
        u = np.asarray(pair_energy(r), dtype=float)
        mayer = np.where(np.isinf(u) & (u > 0), 1.0, 1.0 - np.exp(-beta * np.where(np.isinf(u), 0.0, u)))
    if not np.all(np.isfinite(mayer)):
        raise ValueError("pair energy gave NaN or -inf inside r_cut: no second virial coefficient")
    return float(2.0 * np.pi * np.trapezoid(mayer * r * r, r))


def _pchip(x, y):
    from scipy.interpolate import PchipInterpolator

    return PchipInterpolator(np.asarray(x, dtype=float), np.asarray(y, dtype=float), extrapolate=False)


def fluid_chemical_potential(pressures, volumes, b2: float, beta: float = 1.0) -> Callable[[float], float]:
    """beta mu_fluid(P) from NPT volumes per particle ``volumes`` [length^3] at ``pressures``
    (increasing, > 0) and the second virial coefficient ``b2``; defined on (0, max P].

    The integrand v - 1 / (beta P) is interpolated monotonically (PCHIP) through (0, B_2)
    and the measured points and integrated exactly.
    """
    p = np.asarray(pressures, dtype=float)
    v = np.asarray(volumes, dtype=float)
    if p.ndim != 1 or p.shape != v.shape or len(p) < 2 or np.any(p <= 0) or np.any(np.diff(p) <= 0):
        raise ValueError("fluid pressures must be >= 2 increasing positive values, one volume each")
    excess = _pchip(np.concatenate([[0.0], p]), np.concatenate([[b2], v - 1.0 / (beta * p)])).antiderivative()

    def mu(pressure: float) -> float:
        if not 0 < pressure <= p[-1] * (1 + 1e-12):
            raise ValueError(f"pressure {pressure} outside the fluid data (0, {p[-1]}]")
        return float(np.log(beta * pressure) + beta * excess(min(pressure, p[-1])))

    return mu


def solid_chemical_potential(pressures, volumes, reference_pressure: float, reference_mu: float,
                             beta: float = 1.0) -> Callable[[float], float]:
    """beta mu_solid(P) = beta mu(P_0) + beta int_{P_0}^P v dP' on [min P, max P] of the crystal
    data (``pressures`` increasing, P_0 among them or inside their range)."""
    p = np.asarray(pressures, dtype=float)
    v = np.asarray(volumes, dtype=float)
    if p.ndim != 1 or p.shape != v.shape or len(p) < 2 or np.any(np.diff(p) <= 0):
        raise ValueError("solid pressures must be >= 2 increasing values, one volume each")
    if not p[0] <= reference_pressure <= p[-1]:
        raise ValueError(f"reference pressure {reference_pressure} outside the crystal data [{p[0]}, {p[-1]}]")
    integral = _pchip(p, v).antiderivative()
    base = float(integral(reference_pressure))

    def mu(pressure: float) -> float:
        if not p[0] * (1 - 1e-12) <= pressure <= p[-1] * (1 + 1e-12):
            raise ValueError(f"pressure {pressure} outside the crystal data [{p[0]}, {p[-1]}]")
        return float(reference_mu + beta * (integral(np.clip(pressure, p[0], p[-1])) - base))

    return mu


def coexistence_pressure(mu_fluid: Callable[[float], float], mu_solid: Callable[[float], float],
                         p_low: float, p_high: float, n_scan: int = 400) -> float:
    """The pressure in [p_low, p_high] where beta mu_fluid = beta mu_solid (the crossing
    with the solid stable above it), or NaN when the two curves do not cross there."""
    grid = np.linspace(p_low, p_high, int(n_scan))
    diff = np.array([mu_fluid(x) - mu_solid(x) for x in grid])
    up = np.nonzero((diff[:-1] < 0) & (diff[1:] >= 0))[0]
    if len(up) == 0:
        return float("nan")
    from scipy.optimize import brentq

    k = int(up[0])
    return float(brentq(lambda x: mu_fluid(x) - mu_solid(x), grid[k], grid[k + 1], xtol=1e-10))
