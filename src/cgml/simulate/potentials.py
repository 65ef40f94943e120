"""Potentials for the Monte Carlo engine, and the protocol every potential follows.

Units
-----
Reduced units. Lengths are in the paper's length unit ``[length]`` (sigma for the
pair potentials below); energies are in k_BT ``[kT]``: the engine works at kT = 1
(or takes ``beta`` explicitly, in which case energies are in the unit 1/beta is
given in). Positions are ``(n, 3)`` float64 arrays, boxes are orthorhombic,
``box_lengths (3,)``, periodic positions wrapped into ``[0, L)``; vectors follow
R_ij = R_i - R_j with the minimum image convention.

THE POTENTIAL PROTOCOL
----------------------
A potential is a frozen object with attributes ``r_cut: float`` (cells are built
with cell size >= r_cut), ``params: tuple`` (numpy arrays / floats; passed into
kernels), and two numba-jitted functions

``delta_energy(i, new_point, positions, box_lengths, periodic, origin, cell_size, n_cells, members, counts, params) -> float``
    energy change in k_BT of moving particle i from positions[i] to new_point;
    must be local: only particles within reach;

``total_energy(positions, box_lengths, periodic, origin, cell_size, n_cells, members, counts, params) -> float``.

The driver's jitted sweep kernel takes these functions as first-class arguments.

Details that the drivers rely on (they add to, never change, the protocol above):

* the cell arrays are those of :class:`cgml.neighbors.CellList` built with
  ``build_cell_list(positions, potential.r_cut, box_lengths)``; when
  ``delta_energy`` is called, particle ``i`` is still at ``positions[i]`` and
  still listed in its old cell, so neighbour loops must skip ``i`` itself;
  ``new_point (3,)`` is already wrapped into the box;
* an overlap (hard core) is ``+inf``; ``delta_energy`` may return ``+inf`` as soon
  as it finds one and must never return NaN for a finite starting state;
* ``total_energy`` may contain a term that depends on ``(n, volume)`` only (for
  example a long-range tail correction); volume moves pick it up because they call
  ``total_energy``, and displacement moves do not change it;
* ``box_lengths`` are ignored when ``periodic`` is False (open boundaries).

The sweep kernel of :mod:`cgml.simulate.mc` calls ``delta_energy`` and
``total_energy`` bound into it at compile time (:mod:`cgml.simulate._bind`: numba (0.68)
cannot cache a jitted function whose *argument* is another jitted function, numba issues
#2956, #6264), so both must be module-level numba functions for the kernel to be cached
on disk; others still work, compiled once per process.

Pair potentials
---------------
All pair potentials share one generic pair kernel, whose two entry points
:func:`pair_delta_energy` and :func:`pair_total_energy` are the protocol functions of
every :class:`PairPotential`; they differ only in ``params``, which have one layout (and
so one numba type) for all of them::

    params = (r_cut, tail_coefficient, kind, coefficients (m,), r_grid (k,), table (k-1, 4))

Hence all pair potentials share one compiled MC sweep kernel. The scalar pair energy is
:func:`pair_energy_of_distance` (a branch on ``kind``). The total energy of a periodic
system gets ``U_tail = tail_coefficient * n**2 / V`` (zero unless a tail correction was
asked for).

=========================  ==================================================================
factory                    u(r) for r < r_cut (zero beyond)
=========================  ==================================================================
``hard_spheres``           +inf for r < sigma
``mie``                    C eps [(sigma/r)^lr - (sigma/r)^la] - u_shift,
                           C = lr/(lr-la) (lr/la)^(la/(lr-la))
``lennard_jones``          Mie 12-6 (C = 4), truncated (and shifted by default)
``weeks_chandler_andersen`` LJ cut at 2^(1/6) sigma and shifted up by eps
                           (Weeks, Chandler, Andersen, J. Chem. Phys. 54, 5237 (1971))
``pseudo_hard_spheres``    Mie 50-49 cut at its minimum (50/49) sigma and shifted up by eps,
                           eps = kT/1.5 (Jover, Haslam, Galindo, Jackson, Muller,
                           J. Chem. Phys. 137, 144505 (2012))
``tabulated``              cubic spline or linear interpolation of a table u(r_k);
                           +inf below the first grid point, 0 beyond the last
``no_interaction``         0 (ideal gas)
=========================  ==================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from cgml.neighbors._kernels import axis_cells, cell_coordinate


__all__ = [
    "PairPotential",
    "hard_spheres",
    "mie",
    "mie_prefactor",
    "lennard_jones",
    "weeks_chandler_andersen",
    "pseudo_hard_spheres",
    "tabulated",
    "no_interaction",
    "hard_sphere_energy",
    "mie_energy",
    "table_energy",
    "pair_energy_of_distance",
    "pair_delta_energy",
    "pair_total_energy",
]


# ----------------------------------------------------------------------------------------
# layer 1: scalar maths, value and derivative
# ----------------------------------------------------------------------------------------


@njit(cache=True)
def _integer_power(x, k):
    """x**k for a non-negative integer k by repeated squaring (exact-ish, no pow call)."""
    result = 1.0
    base = x
    while k > 0:
        if k & 1:
            result *= base
        base *= base
        k >>= 1
    return result


@njit(cache=True)
def _power(x, exponent):
    """x**exponent, by repeated squaring when the exponent is a small non-negative integer."""
    if exponent >= 0.0 and exponent <= 64.0 and exponent == np.floor(exponent):
        return _integer_power(x, int(exponent))
    return x ** exponent


@njit(cache=True)
def hard_sphere_energy(r, sigma):
    """Hard-sphere pair energy ``(u, du_dr)``: ``(+inf, 0)`` for r < sigma, else ``(0, 0)``.

    r, sigma [length]; u [kT].
    """
    if r < sigma:
        return np.inf, 0.0
    return 0.0, 0.0


@njit(cache=True)
def mie_energy(r, prefactor, sigma, lambda_r, lambda_a):
    """Mie pair energy and slope ``(u, du_dr)``, no cutoff, no shift.

    u(r) = prefactor [(sigma/r)^lambda_r - (sigma/r)^lambda_a],
    du/dr = (prefactor / r) [lambda_a (sigma/r)^lambda_a - lambda_r (sigma/r)^lambda_r],
    with ``prefactor = C eps`` [kT] (see :func:`mie_prefactor`); r, sigma [length].
    r = 0 gives ``(+inf, -inf)``.
    """
    if r <= 0.0:
        return np.inf, -np.inf
    s = sigma / r
    s_a = _power(s, lambda_a)
    s_d = _power(s, lambda_r - lambda_a)  # (sigma/r)^lambda_r = s_a s_d, no inf - inf at small r
    return prefactor * s_a * (s_d - 1.0), prefactor * s_a * (lambda_a - lambda_r * s_d) / r


@njit(cache=True)
def table_energy(r, r_grid, coefficients):
    """Piecewise-cubic table ``(u, du_dr)``.

    On ``r_grid[k] <= r < r_grid[k+1]``, with t = r - r_grid[k]:
    u = c0 + c1 t + c2 t^2 + c3 t^3, ``coefficients (k_max - 1, 4) = (c0, c1, c2, c3)``
    (linear interpolation is the case c2 = c3 = 0). ``+inf`` below ``r_grid[0]`` (hard
    core), zero at and beyond ``r_grid[-1]``. r_grid [length], ascending; u [kT].
    """
    n_grid = r_grid.shape[0]
    if r < r_grid[0]:
        return np.inf, 0.0
    if r >= r_grid[n_grid - 1]:
        return 0.0, 0.0
    k = np.searchsorted(r_grid, r, side="right") - 1
    if k > n_grid - 2:
        k = n_grid - 2
    t = r - r_grid[k]
    c0 = coefficients[k, 0]
    c1 = coefficients[k, 1]
    c2 = coefficients[k, 2]
    c3 = coefficients[k, 3]
    return c0 + t * (c1 + t * (c2 + t * c3)), c1 + t * (2.0 * c2 + 3.0 * t * c3)


# ----------------------------------------------------------------------------------------
# the one pair function of the generic kernel. Every pair potential has params of the same
# numba type, so all of them share one compiled delta/total energy and one MC sweep kernel:
# params = (r_cut, tail_coefficient, kind, coefficients (m,), r_grid (k,), table (k-1, 4))
# ----------------------------------------------------------------------------------------

KIND_NONE = 0
KIND_HARD_SPHERE = 1
KIND_MIE = 2
KIND_TABLE = 3


@njit(cache=True, inline="always")
def _pair_energy(r, kind, coefficients, r_grid, table):
    """u(r) [kT]: branch on ``kind`` (see :func:`pair_energy_of_distance`)."""
    if kind == KIND_HARD_SPHERE:
        return hard_sphere_energy(r, coefficients[0])[0]
    if kind == KIND_MIE:
        return mie_energy(r, coefficients[0], coefficients[1], coefficients[2],
                          coefficients[3])[0] - coefficients[4]
    if kind == KIND_TABLE:
        return table_energy(r, r_grid, table)[0]
    return 0.0


@njit(cache=True)
def pair_energy_of_distance(r, params):
    """u(r) [kT] of the pair potential described by ``params``, for 0 <= r < r_cut.

    kind KIND_HARD_SPHERE: coefficients = (sigma,);
    kind KIND_MIE: coefficients = (C eps, sigma, lambda_r, lambda_a, u_shift);
    kind KIND_TABLE: r_grid, table as in :func:`table_energy`; KIND_NONE: 0.
    """
    return _pair_energy(r, params[2], params[3], params[4], params[5])


# ----------------------------------------------------------------------------------------
# layer 2: the generic pair kernel (these two are the protocol functions of every pair
# potential)
# ----------------------------------------------------------------------------------------


@njit(cache=True)
def _pair_energy_of_point(point, skip, j_min, positions, box_lengths, periodic,
                          origin, cell_size, n_cells, members, counts, params):
    """Sum of u(|point - R_j|) over j != skip, j >= j_min, |.| < r_cut; +inf on first overlap."""
    r_cut = params[0]
    r_cut2 = r_cut * r_cut
    px = point[0]
    py = point[1]
    pz = point[2]
    nx = n_cells[0]
    ny = n_cells[1]
    nz = n_cells[2]
    ax, mx = axis_cells(cell_coordinate(px, origin[0], cell_size[0], nx, periodic), nx, periodic)
    ay, my = axis_cells(cell_coordinate(py, origin[1], cell_size[1], ny, periodic), ny, periodic)
    az, mz = axis_cells(cell_coordinate(pz, origin[2], cell_size[2], nz, periodic), nz, periodic)
    lx = box_lengths[0]
    ly = box_lengths[1]
    lz = box_lengths[2]
    inv_lx = 1.0 / lx if periodic else 0.0
    inv_ly = 1.0 / ly if periodic else 0.0
    inv_lz = 1.0 / lz if periodic else 0.0
    kind = params[2]
    coefficients = params[3]
    r_grid = params[4]
    table = params[5]
    energy = 0.0
    for tx in range(mx):
        cx = (ax + tx) % nx
        for ty in range(my):
            cy = (ay + ty) % ny
            for tz in range(mz):
                cell = (cx * ny + cy) * nz + (az + tz) % nz
                for s in range(counts[cell]):
                    j = members[cell, s]
                    if j == skip or j < j_min:
                        continue
                    dx = px - positions[j, 0]
                    dy = py - positions[j, 1]
                    dz = pz - positions[j, 2]
                    if periodic:
                        dx -= lx * np.rint(dx * inv_lx)
                        dy -= ly * np.rint(dy * inv_ly)
                        dz -= lz * np.rint(dz * inv_lz)
                    d2 = dx * dx + dy * dy + dz * dz
                    if d2 < r_cut2:
                        # the branch of _pair_energy written out: measured 2x faster here
                        # than calling it, inlined or not (numba 0.68)
                        r = np.sqrt(d2)
                        if kind == KIND_MIE:
                            u = mie_energy(r, coefficients[0], coefficients[1], coefficients[2],
                                           coefficients[3])[0] - coefficients[4]
                        elif kind == KIND_HARD_SPHERE:
                            u = hard_sphere_energy(r, coefficients[0])[0]
                        elif kind == KIND_TABLE:
                            u = table_energy(r, r_grid, table)[0]
                        else:
                            u = 0.0
                        if u == np.inf:
                            return np.inf
                        energy += u
    return energy


@njit(cache=True)
def pair_delta_energy(i, new_point, positions, box_lengths, periodic,
                      origin, cell_size, n_cells, members, counts, params):
    """Energy change [kT] of moving particle i to ``new_point (3,)`` under a pair potential.

    dU = sum_{j != i, r_ij' < r_cut} u(r_ij') - sum_{j != i, r_ij < r_cut} u(r_ij).
    Returns +inf as soon as the new position overlaps a hard core; for pure hard spheres
    the old energy of a valid state is 0 and is not evaluated.
    """
    kind = params[2]
    if kind == KIND_NONE:
        return 0.0
    e_new = _pair_energy_of_point(new_point, i, 0, positions, box_lengths, periodic,
                                  origin, cell_size, n_cells, members, counts, params)
    if e_new == np.inf or kind == KIND_HARD_SPHERE:
        return e_new
    e_old = _pair_energy_of_point(positions[i], i, 0, positions, box_lengths, periodic,
                                  origin, cell_size, n_cells, members, counts, params)
    return e_new - e_old


@njit(cache=True)
def pair_total_energy(positions, box_lengths, periodic,
                      origin, cell_size, n_cells, members, counts, params):
    """Total energy [kT]: sum_{i<j, r_ij < r_cut} u(r_ij) + tail_coefficient n^2 / V (periodic).

    +inf as soon as any pair overlaps a hard core.
    """
    n = positions.shape[0]
    energy = 0.0
    if params[2] != KIND_NONE:
        for i in range(n):
            e = _pair_energy_of_point(positions[i], i, i + 1, positions, box_lengths, periodic,
                                      origin, cell_size, n_cells, members, counts, params)
            if e == np.inf:
                return np.inf
            energy += e
    tail = params[1]
    if periodic and tail != 0.0:
        volume = box_lengths[0] * box_lengths[1] * box_lengths[2]
        energy += tail * n * n / volume
    return energy


@njit(cache=True)
def _evaluate_pair(r, params):
    """u(r) [kT] for an array ``r (m,)`` [length], zero at and beyond r_cut."""
    out = np.empty(r.shape[0])
    for k in range(r.shape[0]):
        out[k] = _pair_energy(r[k], params[2], params[3], params[4], params[5]) if r[k] < params[0] else 0.0
    return out


# ----------------------------------------------------------------------------------------
# layer 3: the public potential objects
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PairPotential:
    """A pair potential following the protocol of this module.

    Attributes
    ----------
    name : str, with the parameters, for logs and provenance
    r_cut : float [length], cutoff; u = 0 for r >= r_cut
    params : tuple ``(r_cut, tail_coefficient, kind, coefficients, r_grid, table)``
        passed to the kernels (see :func:`pair_energy_of_distance`)
    delta_energy, total_energy : numba dispatchers, the protocol functions
        (:func:`pair_delta_energy`, :func:`pair_total_energy` for every pair potential)
    """

    name: str
    r_cut: float
    params: tuple
    delta_energy: Any = pair_delta_energy
    total_energy: Any = pair_total_energy

    def pair_energy(self, r) -> np.ndarray:
        """u(r) [kT] for ``r`` [length] of any shape (numpy in, numpy out); 0 for r >= r_cut."""
        r = np.asarray(r, dtype=np.float64)
        flat = np.ascontiguousarray(r.reshape(-1))
        return _evaluate_pair(flat, self.params).reshape(r.shape)

    @property
    def tail_coefficient(self) -> float:
        """c in U_tail = c n^2 / V [kT length^3] (0 without tail correction)."""
        return float(self.params[1])

    def __repr__(self) -> str:
        return f"PairPotential({self.name})"


def _positive(name: str, value: float) -> float:
    value = float(value)
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return value


_NO_GRID = np.zeros(1)
_NO_TABLE = np.zeros((1, 4))


def _pair_params(r_cut, tail, kind, coefficients=(0.0,), r_grid=_NO_GRID, table=_NO_TABLE):
    """The uniform params tuple of every pair potential (one numba type for all)."""
    return (float(r_cut), float(tail), int(kind),
            np.ascontiguousarray(coefficients, dtype=np.float64),
            np.ascontiguousarray(r_grid, dtype=np.float64),
            np.ascontiguousarray(table, dtype=np.float64))


def hard_spheres(sigma: float = 1.0) -> PairPotential:
    """Hard spheres of diameter ``sigma`` [length]: u = +inf for r < sigma, else 0."""
    sigma = _positive("sigma", sigma)
    return PairPotential(f"hard_spheres(sigma={sigma})", sigma,
                         _pair_params(sigma, 0.0, KIND_HARD_SPHERE, (sigma,)))


def mie_prefactor(lambda_r: float, lambda_a: float) -> float:
    """C = lr/(lr-la) (lr/la)^(la/(lr-la)), so that the Mie well depth is eps (C = 4 for 12-6)."""
    lambda_r, lambda_a = float(lambda_r), float(lambda_a)
    return lambda_r / (lambda_r - lambda_a) * (lambda_r / lambda_a) ** (lambda_a / (lambda_r - lambda_a))


def _mie_tail_coefficient(prefactor, sigma, lambda_r, lambda_a, r_cut):
    """c = 2 pi int_{r_cut}^inf r^2 u(r) dr, so that U_tail = c n^2 / V (g(r) = 1 beyond r_cut)."""
    x = sigma / r_cut
    return 2.0 * np.pi * prefactor * sigma**3 * (
        x ** (lambda_r - 3.0) / (lambda_r - 3.0) - x ** (lambda_a - 3.0) / (lambda_a - 3.0))


def mie(lambda_r: float, lambda_a: float, epsilon: float = 1.0, sigma: float = 1.0,
        r_cut: float | None = None, shift: bool = True, tail_correction: bool = False,
        name: str | None = None) -> PairPotential:
    """Mie (lambda_r, lambda_a) potential, truncated at ``r_cut`` and optionally shifted.

    u(r) = C eps [(sigma/r)^lambda_r - (sigma/r)^lambda_a] - u_shift for r < r_cut, with
    C from :func:`mie_prefactor` and u_shift = u_Mie(r_cut) if ``shift`` else 0.

    Parameters
    ----------
    lambda_r, lambda_a : exponents, lambda_r > lambda_a > 3
    epsilon : well depth [kT]
    sigma : [length], u_Mie(sigma) = 0
    r_cut : [length], default 2.5 sigma
    shift : subtract u_Mie(r_cut) so that u is continuous at r_cut
    tail_correction : add U_tail = 2 pi n^2 / V int_{r_cut}^inf r^2 u_Mie dr to the total
        energy (mean-field long-range correction; with an unshifted truncation this makes
        NPT Monte Carlo sample the full potential, the impulsive pressure at r_cut being
        sampled exactly by the volume moves). Not allowed together with ``shift``.
    """
    lambda_r, lambda_a = float(lambda_r), float(lambda_a)
    if not lambda_r > lambda_a > 3.0:
        raise ValueError(f"need lambda_r > lambda_a > 3, got {lambda_r}, {lambda_a}")
    epsilon = _positive("epsilon", epsilon)
    sigma = _positive("sigma", sigma)
    r_cut = _positive("r_cut", 2.5 * sigma if r_cut is None else r_cut)
    if shift and tail_correction:
        raise ValueError("tail_correction assumes the unshifted truncated potential; "
                         "use shift=False with tail_correction=True")
    prefactor = mie_prefactor(lambda_r, lambda_a) * epsilon
    u_cut = mie_energy(r_cut, prefactor, sigma, lambda_r, lambda_a)[0]
    u_shift = float(u_cut) if shift else 0.0
    tail = float(_mie_tail_coefficient(prefactor, sigma, lambda_r, lambda_a, r_cut)) if tail_correction else 0.0
    if name is None:
        name = (f"mie(lambda_r={lambda_r}, lambda_a={lambda_a}, epsilon={epsilon}, sigma={sigma}, "
                f"r_cut={r_cut}, shift={shift}, tail_correction={tail_correction})")
    params = _pair_params(r_cut, tail, KIND_MIE, (prefactor, sigma, lambda_r, lambda_a, u_shift))
    return PairPotential(name, r_cut, params)


def lennard_jones(epsilon: float = 1.0, sigma: float = 1.0, r_cut: float = 2.5,
                  shift: bool = True, tail_correction: bool = False) -> PairPotential:
    """Truncated Lennard-Jones, u = 4 eps [(sigma/r)^12 - (sigma/r)^6] - u_shift, r < r_cut.

    ``shift=True`` (default): truncated and shifted (u(r_cut) = 0). ``shift=False,
    tail_correction=True``: truncated with the standard tail correction
    U_tail/n = (8/3) pi rho eps sigma^3 [(1/3)(sigma/r_cut)^9 - (sigma/r_cut)^3], which
    approximates the full LJ fluid (e.g. the EOS of Johnson, Zollweg, Gubbins, Mol. Phys.
    78, 591 (1993)). epsilon [kT], sigma and r_cut [length] (r_cut in absolute length).
    """
    return mie(12.0, 6.0, epsilon, sigma, r_cut, shift, tail_correction,
               name=f"lennard_jones(epsilon={float(epsilon)}, sigma={float(sigma)}, "
                    f"r_cut={float(r_cut)}, shift={shift}, tail_correction={tail_correction})")


def weeks_chandler_andersen(epsilon: float = 1.0, sigma: float = 1.0) -> PairPotential:
    """WCA: LJ cut at 2^(1/6) sigma and shifted up by eps (purely repulsive).

    u = 4 eps [(sigma/r)^12 - (sigma/r)^6] + eps for r < 2^(1/6) sigma, else 0.
    Weeks, Chandler, Andersen, J. Chem. Phys. 54, 5237 (1971). epsilon [kT], sigma [length].
    """
    sigma = _positive("sigma", sigma)
    return mie(12.0, 6.0, epsilon, sigma, 2.0 ** (1.0 / 6.0) * sigma, shift=True,
               name=f"weeks_chandler_andersen(epsilon={float(epsilon)}, sigma={sigma})")


def pseudo_hard_spheres(sigma: float = 1.0, epsilon: float = 1.0 / 1.5) -> PairPotential:
    """Pseudo hard spheres: Mie 50-49 cut at its minimum and shifted up by eps.

    u(r) = 50 (50/49)^49 eps [(sigma/r)^50 - (sigma/r)^49] + eps for r < (50/49) sigma,
    else 0. Jover, Haslam, Galindo, Jackson, Muller, J. Chem. Phys. 137, 144505 (2012),
    who use it at kT/eps = 1.5, i.e. ``epsilon = 1/1.5`` [kT] (the default), where it
    behaves like hard spheres of diameter ~sigma. sigma [length].
    """
    sigma = _positive("sigma", sigma)
    return mie(50.0, 49.0, epsilon, sigma, 50.0 / 49.0 * sigma, shift=True,
               name=f"pseudo_hard_spheres(sigma={sigma}, epsilon={float(epsilon)})")


def tabulated(r_grid, u_values, kind: str = "cubic", shift: bool = False,
              name: str | None = None) -> PairPotential:
    """Tabulated pair potential for learned pair potentials.

    Parameters
    ----------
    r_grid : (k,) float [length], strictly increasing, k >= 2 (k >= 4 for ``cubic``)
    u_values : (k,) float [kT], u at the grid points, finite
    kind : ``"cubic"`` (scipy not-a-knot cubic spline through the points) or ``"linear"``
    shift : subtract u_values[-1] so that u is continuous at the cutoff

    u(r) is interpolated on [r_grid[0], r_grid[-1]), +inf below r_grid[0] (the table's
    hard core; start the grid at 0 or extend it inwards with large values to avoid it),
    0 at and beyond r_cut = r_grid[-1].
    """
    r_grid = np.ascontiguousarray(r_grid, dtype=np.float64)
    u_values = np.ascontiguousarray(u_values, dtype=np.float64)
    if r_grid.ndim != 1 or u_values.shape != r_grid.shape:
        raise ValueError(f"r_grid and u_values must be 1-d of equal length, got {r_grid.shape}, "
                         f"{u_values.shape}")
    if r_grid.size < 2 or np.any(np.diff(r_grid) <= 0) or r_grid[0] < 0:
        raise ValueError("r_grid must be non-negative, strictly increasing, with at least 2 points")
    if not np.all(np.isfinite(u_values)):
        raise ValueError("u_values must be finite")
    if shift:
        u_values = u_values - u_values[-1]
    h = np.diff(r_grid)
    coefficients = np.zeros((r_grid.size - 1, 4))
    if kind == "linear":
        coefficients[:, 0] = u_values[:-1]
        coefficients[:, 1] = np.diff(u_values) / h
    elif kind == "cubic":
        if r_grid.size < 4:
            raise ValueError("a cubic table needs at least 4 points")
        from scipy.interpolate import CubicSpline

        spline = CubicSpline(r_grid, u_values)
        # scipy stores c[m, k] for (r - r_k)^(3 - m); reverse to ascending powers
        coefficients[:] = spline.c[::-1].T
    else:
        raise ValueError(f"kind must be 'cubic' or 'linear', got {kind!r}")
    r_cut = float(r_grid[-1])
    if name is None:
        name = (f"tabulated(k={r_grid.size}, r=[{r_grid[0]}, {r_cut}], kind={kind}, "
                f"shift={shift})")
    params = _pair_params(r_cut, 0.0, KIND_TABLE, (0.0,), r_grid, coefficients)
    return PairPotential(name, r_cut, params)


def no_interaction(r_cut: float = 1.0) -> PairPotential:
    """No interactions (ideal gas); ``r_cut`` [length] only sets the cell size."""
    r_cut = _positive("r_cut", r_cut)
    return PairPotential(f"no_interaction(r_cut={r_cut})", r_cut, _pair_params(r_cut, 0.0, KIND_NONE))
