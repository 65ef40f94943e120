"""A linear symmetry-function model (plus an optional pair potential) as an MC potential
with O(n_nb^2) energy changes: the energy written as a sum over pairs and triangles.

Units: the model's reduced units (lengths [length], energies [kT] when the weights are);
positions ``(n, 3)`` [length], ``box_lengths (3,)`` [length] (ignored when open).

Why. :mod:`cgml.simulate.sf_potential` re-evaluates every centre whose symmetry
functions change, O(n_nb) centres of O(n_nb^2) triplets each, i.e. O(n_nb^3) per trial
move; at n_nb ~ 56 (108 colloids at eta = 0.45, R_c = 2.5 sigma) that is ~1e5 triplets
per move. For a *linear* model the energy regroups exactly into pair and triangle terms
(Giunta et al., ACS Nano 2023, Eqs. 8, 21, 23)::

    Phi = sum_K sum_k w_k G_k(K)
        = sum_{I<J} u_2(R_IJ)
          + sum_{triangles {I,J,L}, all sides < R_c} u_3(I, J, L),

    u_2(R)     = 2 sum_{k radial} w_k exp(-mu_k (R - R_s,k)^2) f_c(R),
    u_3(I,J,L) = f_c(R_IJ) f_c(R_IL) f_c(R_JL) sum_{k angular} w_k 2^(1-xi_k)
                 exp(-mu_a,k (R_IJ^2 + R_IL^2 + R_JL^2))
                 [(1 + lam_k cos th_I)^xi_k + (1 + lam_k cos th_J)^xi_k + (1 + lam_k cos th_L)^xi_k],

with th_X the triangle's angle at vertex X (each triangle enters the angular functions
of its three vertices once each: the unordered-pair convention of
:mod:`cgml.descriptors.symmetry`). A trial move of particle i changes only the pairs and
triangles containing i, so dPhi needs the neighbours of i at its old and new positions
and their O(n_nb^2) neighbour pairs. With every side < R_c <= L/2, the three vertices
see each other through one set of minimum images, so the grouping holds in periodic
boxes too (it is the same triangle, R_JL = R_IL - R_IJ, that :mod:`cgml.descriptors`
uses from every vertex).

The optional pair potential (any :class:`cgml.simulate.potentials.PairPotential`, e.g.
the exact pseudo-hard-sphere core of colloids) is added through the shared pair kernel.

params layout (one numba type for all)::

    params = (pair_params, r_cut, cutoff_code, w_rad (kr,), mu_r (kr,), r_s (kr,),
              w_ang (ka,), mu_a_unique, mu_a_index, lam_unique, xi_unique, lamxi_index)

``pair_params`` are the params of the pair potential (``no_interaction`` when none).
The cells the driver builds use r_cut = max(R_c, pair r_cut).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from cgml.descriptors import cutoff_code, pack_kernel_parameters
from cgml.descriptors.cutoffs import cutoff_value
from cgml.fitting.sf_model import SymmetryFunctionModel
from cgml.neighbors._kernels import neighbors_of_point
from cgml.simulate.potentials import PairPotential, no_interaction, pair_delta_energy, pair_total_energy

__all__ = ["TriangleSFPotential", "triangle_sf_potential", "triangle_delta_energy",
           "triangle_total_energy"]


@njit(cache=True)
def _pair_term(r, fc, w_rad, mu_r, r_s):
    """u_2(r) = 2 sum_k w_k exp(-mu_k (r - R_s,k)^2) f_c(r) [energy]."""
    total = 0.0
    for k in range(w_rad.shape[0]):
        x = r - r_s[k]
        total += w_rad[k] * math.exp(-mu_r[k] * x * x)
    return 2.0 * total * fc


@njit(cache=True)
def _clip_power(base, xi):
    """max(base, 0)^xi, by repeated squaring for integer xi <= 64 (the paper's 1, 4, 8, 12)."""
    if base <= 0.0:
        return 0.0 if xi > 0.0 else 1.0
    if xi <= 64.0 and xi == math.floor(xi):
        k = int(xi)
        result = 1.0
        while k > 0:
            if k & 1:
                result *= base
            base *= base
            k >>= 1
        return result
    return base ** xi


@njit(cache=True)
def _triangle_term(ax, ay, az, ra, fa, bx, by, bz, rb, fb, r_cut, code, w_ang, mu_a_unique,
                   mu_a_index, lam_unique, xi_unique, lamxi_index, e_u, p_b):
    """u_3 of the triangle (I, J, L) with a = R_IJ, b = R_IL (|a| = ra, f_c(ra) = fa, ...).

    Zero when |b - a| >= r_cut. ``e_u (ua,)``, ``p_b (ub,)`` are scratch.
    """
    cx = bx - ax
    cy = by - ay
    cz = bz - az
    rc2 = cx * cx + cy * cy + cz * cz
    if rc2 >= r_cut * r_cut:
        return 0.0
    rc = math.sqrt(rc2)
    fc_c = cutoff_value(rc, r_cut, code)[0]
    f3 = fa * fb * fc_c
    if f3 == 0.0:
        return 0.0
    ab = ax * bx + ay * by + az * bz
    cos_i = ab / (ra * rb)
    cos_j = (ra * ra - ab) / (ra * rc)  # angle at J between J->I = -a and J->L = b - a
    cos_l = (rb * rb - ab) / (rb * rc)  # angle at L between L->I = -b and L->J = a - b
    s = ra * ra + rb * rb + rc2
    for u in range(mu_a_unique.shape[0]):
        e_u[u] = math.exp(-mu_a_unique[u] * s)
    for b in range(lam_unique.shape[0]):
        lam = lam_unique[b]
        xi = xi_unique[b]
        p_b[b] = 2.0 ** (1.0 - xi) * (_clip_power(1.0 + lam * min(1.0, max(-1.0, cos_i)), xi)
                                      + _clip_power(1.0 + lam * min(1.0, max(-1.0, cos_j)), xi)
                                      + _clip_power(1.0 + lam * min(1.0, max(-1.0, cos_l)), xi))
    total = 0.0
    for k in range(w_ang.shape[0]):
        total += w_ang[k] * e_u[mu_a_index[k]] * p_b[lamxi_index[k]]
    return f3 * total


@njit(cache=True)
def _buffer_size(positions, members):
    n = positions.shape[0]
    stencil = 27 * members.shape[1]
    return (n if n < stencil else stencil) + 1


@njit(cache=True)
def _environment_energy(point, skip, j_min, positions, box_lengths, periodic, origin, cell_size,
                        n_cells, members, counts, params, buf_index, buf_vec, buf_dist, fc,
                        e_u, p_b):
    """Pairs (point, J) and triangles (point, J, L), J < L, over neighbours J, L >= j_min,
    J, L != skip, within r_cut of ``point``; +inf if a neighbour coincides with the point."""
    r_cut = params[1]
    code = params[2]
    w_rad = params[3]
    mu_r = params[4]
    r_s = params[5]
    w_ang = params[6]
    m = neighbors_of_point(point, skip, positions, box_lengths, periodic, r_cut, origin,
                           cell_size, n_cells, members, counts, buf_index, buf_vec, buf_dist)
    # keep J >= j_min only (compact the buffers)
    q = 0
    for t in range(m):
        if buf_index[t] >= j_min:
            if buf_dist[t] == 0.0:
                return np.inf
            buf_index[q] = buf_index[t]
            buf_dist[q] = buf_dist[t]
            for d in range(3):
                buf_vec[q, d] = buf_vec[t, d]
            q += 1
    m = q
    energy = 0.0
    for t in range(m):
        fc[t] = cutoff_value(buf_dist[t], r_cut, code)[0]
        if w_rad.shape[0] > 0:
            energy += _pair_term(buf_dist[t], fc[t], w_rad, mu_r, r_s)
    if w_ang.shape[0] == 0:
        return energy
    for t in range(m):
        for v in range(t + 1, m):
            energy += _triangle_term(buf_vec[t, 0], buf_vec[t, 1], buf_vec[t, 2], buf_dist[t], fc[t],
                                     buf_vec[v, 0], buf_vec[v, 1], buf_vec[v, 2], buf_dist[v], fc[v],
                                     r_cut, code, w_ang, params[7], params[8], params[9], params[10],
                                     params[11], e_u, p_b)
    return energy


@njit(cache=True)
def _scratch(positions, members, params):
    """Scratch buffers of one energy evaluation: neighbour index, vectors, distances,
    cutoff values (sized by the cell stencil, independent of N) and per-parameter terms."""
    size = _buffer_size(positions, members)
    return (np.empty(size, np.int64), np.empty((size, 3)), np.empty(size), np.empty(size),
            np.empty(params[7].shape[0]), np.empty(params[9].shape[0]))


@njit(cache=True)
def triangle_delta_energy(i, new_point, positions, box_lengths, periodic, origin, cell_size,
                          n_cells, members, counts, params):
    """dU [energy] of moving particle i to ``new_point (3,)``: the protocol's delta_energy.

    dU = du_pair + [E_i(R_i') - E_i(R_i)], E_i the pairs and triangles containing i.
    +inf on a hard overlap of the pair potential or a coincident neighbour.
    """
    d_pair = pair_delta_energy(i, new_point, positions, box_lengths, periodic, origin, cell_size,
                               n_cells, members, counts, params[0])
    if d_pair == np.inf:
        return np.inf
    buf_index, buf_vec, buf_dist, fc, e_u, p_b = _scratch(positions, members, params)
    e_new = _environment_energy(new_point, i, 0, positions, box_lengths, periodic, origin,
                                cell_size, n_cells, members, counts, params, buf_index, buf_vec,
                                buf_dist, fc, e_u, p_b)
    if e_new == np.inf:
        return np.inf
    e_old = _environment_energy(positions[i], i, 0, positions, box_lengths, periodic, origin,
                                cell_size, n_cells, members, counts, params, buf_index, buf_vec,
                                buf_dist, fc, e_u, p_b)
    return d_pair + e_new - e_old


@njit(cache=True)
def triangle_total_energy(positions, box_lengths, periodic, origin, cell_size, n_cells, members,
                          counts, params):
    """U [energy] = U_pair + sum of pairs and triangles, each counted once (at its lowest index)."""
    energy = pair_total_energy(positions, box_lengths, periodic, origin, cell_size, n_cells,
                               members, counts, params[0])
    if energy == np.inf:
        return np.inf
    buf_index, buf_vec, buf_dist, fc, e_u, p_b = _scratch(positions, members, params)
    for i in range(positions.shape[0]):
        e = _environment_energy(positions[i], i, i + 1, positions, box_lengths, periodic, origin,
                                cell_size, n_cells, members, counts, params, buf_index, buf_vec,
                                buf_dist, fc, e_u, p_b)
        if e == np.inf:
            return np.inf
        energy += e
    return energy


@dataclass(frozen=True, eq=False)
class TriangleSFPotential:
    """U = U_pair + Phi_SF following the potential protocol of :mod:`cgml.simulate.potentials`.

    name : str; r_cut : float [length], max(R_c, pair r_cut); params : see module docstring;
    model : the :class:`SymmetryFunctionModel`; pair : the pair potential or None;
    delta_energy, total_energy : :func:`triangle_delta_energy`, :func:`triangle_total_energy`.
    """

    name: str
    r_cut: float
    params: tuple
    model: SymmetryFunctionModel
    pair: PairPotential | None
    delta_energy: Any = triangle_delta_energy
    total_energy: Any = triangle_total_energy

    def __repr__(self) -> str:
        return f"TriangleSFPotential({self.name})"


def triangle_sf_potential(model: SymmetryFunctionModel,
                          pair: PairPotential | None = None) -> TriangleSFPotential:
    """The MC potential U = U_pair + Phi (Eq. 8) of a linear SF model, O(n_nb^2) per move.

    Same energies as ``sf_potential(model)`` (+ the pair potential); see the module
    docstring. ``pair``: a :class:`PairPotential` added to Phi (e.g. a hard core), or None.
    """
    if not isinstance(model, SymmetryFunctionModel):
        raise ValueError(f"model must be a SymmetryFunctionModel, got {type(model).__name__}")
    if pair is not None and not isinstance(pair, PairPotential):
        raise ValueError(f"pair must be a PairPotential or None, got {type(pair).__name__}")
    r_cut_sf = float(model.r_cut)
    if not (np.isfinite(r_cut_sf) and r_cut_sf > 0):
        raise ValueError(f"model.r_cut must be a positive finite length, got {model.r_cut}")
    kernel = pack_kernel_parameters(model.radial, model.angular)
    weights = np.array(model.weights, dtype=np.float64).reshape(-1)
    if weights.shape[0] != kernel.n_features:
        raise ValueError(f"{weights.shape[0]} weights for {kernel.n_features} symmetry functions")
    if not np.all(np.isfinite(weights)):
        raise ValueError("model.weights contain NaN or inf")
    kr = kernel.n_radial
    pair_params = (pair if pair is not None else no_interaction(r_cut_sf)).params
    params = (pair_params, r_cut_sf, int(cutoff_code(model.cutoff)),
              np.ascontiguousarray(weights[:kr]), kernel.mu_r, kernel.r_s,
              np.ascontiguousarray(weights[kr:]), kernel.mu_a_unique, kernel.mu_a_index,
              kernel.lam_unique, kernel.xi_unique, kernel.lamxi_index)
    r_cut = max(r_cut_sf, pair.r_cut if pair is not None else 0.0)
    name = (f"triangle_sf_potential(r_cut={r_cut_sf:g}, cutoff={model.cutoff}, radial={kr}, "
            f"angular={kernel.n_angular}, pair={pair.name if pair is not None else None})")
    return TriangleSFPotential(name, r_cut, params, model, pair)
