"""Pair functions of anisotropic bodies for the rigid-body MC (:mod:`cgml.simulate.rigid`).

Each is a numba function ``pair(r_ij (3,), rotation_i (3, 3), rotation_j (3, 3), params)``
with r_ij = R_j - R_i [length], returning the pair energy [kT] (+inf on a hard overlap),
and a builder returning a :class:`~cgml.simulate.rigid.RigidPotential`.

* :func:`sfunction_potential`: a fitted linear S-function model
  (:class:`cgml.fitting.sfunction_model.SFunctionPairModel`, Campos-Villalobos et al.
  2024, Eqs. 12, 18) times a scale, on top of a hard sphere of diameter ``hard_diameter``
  (the total potential of Eq. 14 for the patchy colloids: hard core + Phi_ML).
* :func:`superball_depletion_potential`: hard superballs (GJK overlap test, as the paper)
  plus the CG depletion attraction Phi = -z_d V_f(model) (Fig. 5).
* :func:`hard_spherocylinder_potential`: hard spherocylinders, overlap when the
  Vega-Lago minimum segment distance is below the diameter (Fig. 7, the FG system).

Units: lengths in the paper's unit (sigma); energies [kT]; z_d [1/length^3].
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from cgml.descriptors import _sfunction_kernels as K
from cgml.descriptors.cutoffs import cutoff_code
from cgml.descriptors.sfunctions import AngularBasis
from cgml.geometry._kernels import gjk_superballs, segment_distance_vl
from cgml.simulate.rigid import RigidPotential, rigid_pair_potential

__all__ = [
    "sfunction_pair_params",
    "sfunction_pair_energy",
    "sfunction_potential",
    "superball_depletion_potential",
    "hard_spherocylinder_potential",
]

_KINDS = {"none": K.RADIAL_NONE, "exponential": K.RADIAL_EXPONENTIAL, "gaussian": K.RADIAL_GAUSSIAN}


def sfunction_pair_params(model, scale: float = 1.0) -> tuple:
    """Kernel parameters of ``scale`` x ``model`` (an ``SFunctionPairModel``, centres "both").

    Layout: (scale, r_cut, cutoff_code, radial_kind, mu (s,), r_s (s,), weights (s,),
    mono_ptr, mono_fn, mono_pow), term t = selected column (radial r_t, monomial k_t).
    """
    if model.centres != "both":
        raise ValueError("a pair energy needs a model with centres='both' (Phi_I + Phi_J)")
    if model.radial.kind == "none" or model.r_cut is None:
        raise ValueError("a pair energy needs a radial basis with a cutoff")
    n_k = len(model.angular)
    r_index = model.selected // n_k
    k_index = model.selected % n_k
    terms = AngularBasis(model.angular.functions, model.angular.exponents[k_index])
    mono_ptr, mono_fn, mono_pow = terms._sparse
    return (float(scale), float(model.r_cut), int(cutoff_code(model.cutoff)),
            int(_KINDS[model.radial.kind]), np.ascontiguousarray(model.radial.mu[r_index]),
            np.ascontiguousarray(model.radial.r_s[r_index]), np.ascontiguousarray(model.weights),
            mono_ptr, mono_fn, mono_pow)


@njit(cache=True)
def sfunction_pair_energy(r_ij, rot_i, rot_j, p):
    """scale * sum_t w_t Lambda_t(R) f_c(R) [M_t(I, J) + M_t(J, I)] with ``p`` from
    :func:`sfunction_pair_params` (0 beyond the cutoff)."""
    scale, r_cut, code, kind, mu, r_s, weights, mono_ptr, mono_fn, mono_pow = p
    d = math.sqrt(r_ij[0] ** 2 + r_ij[1] ** 2 + r_ij[2] ** 2)
    if d >= r_cut:
        return 0.0
    rhat = np.empty(3)
    s_ij = np.empty(K.N_S_FUNCTIONS)
    s_ji = np.empty(K.N_S_FUNCTIONS)
    for a in range(3):
        rhat[a] = r_ij[a] / d
    K.s_functions_pair(rot_i, rot_j, rhat, s_ij)
    for a in range(3):
        rhat[a] = -rhat[a]
    K.s_functions_pair(rot_j, rot_i, rhat, s_ji)
    energy = 0.0
    lam = 0.0
    for t in range(weights.shape[0]):
        # terms sharing the radial function (one mu for all, in the paper's models) reuse it
        if t == 0 or mu[t] != mu[t - 1] or r_s[t] != r_s[t - 1]:
            lam = K.radial_value(d, kind, mu[t], r_s[t], r_cut, code)
        if lam == 0.0:
            continue
        m_ij = 1.0
        m_ji = 1.0
        for q in range(mono_ptr[t], mono_ptr[t + 1]):
            m_ij *= K.ipow(s_ij[mono_fn[q]], mono_pow[q])
            m_ji *= K.ipow(s_ji[mono_fn[q]], mono_pow[q])
        energy += weights[t] * lam * (m_ij + m_ji)
    return scale * energy


@njit(cache=True)
def _hard_sphere_sfunction_pair(r_ij, rot_i, rot_j, params):
    hard_diameter, model = params
    if r_ij[0] ** 2 + r_ij[1] ** 2 + r_ij[2] ** 2 < hard_diameter * hard_diameter:
        return np.inf
    return sfunction_pair_energy(r_ij, rot_i, rot_j, model)


def sfunction_potential(model, hard_diameter: float = 0.0, scale: float = 1.0,
                        name: str = "sfunction") -> RigidPotential:
    """Hard spheres of diameter ``hard_diameter`` [length] plus ``scale`` x the model energy."""
    if not (np.isfinite(hard_diameter) and hard_diameter >= 0):
        raise ValueError(f"hard_diameter must be >= 0 [length], got {hard_diameter}")
    params = (float(hard_diameter), sfunction_pair_params(model, scale))
    return rigid_pair_potential(_hard_sphere_sfunction_pair, max(float(model.r_cut), hard_diameter),
                                params, name)


@njit(cache=True)
def _superball_depletion_pair(r_ij, rot_i, rot_j, params):
    half_width, exponent, tol, model = params
    d2 = r_ij[0] ** 2 + r_ij[1] ** 2 + r_ij[2] ** 2
    if d2 < 4.0 * half_width * half_width * 3.0:  # inside the circumscribed spheres
        _, overlap, _, _ = gjk_superballs(r_ij, rot_i, half_width, exponent, rot_j, half_width,
                                          exponent, True, 100, tol)
        if overlap:
            return np.inf
    return sfunction_pair_energy(r_ij, rot_i, rot_j, model)


def superball_depletion_potential(model, sigma: float, exponent: float, fugacity: float,
                                  tol: float = 1e-9, name: str = "superball") -> RigidPotential:
    """Hard superballs |x|^M + |y|^M + |z|^M <= (sigma/2)^M (GJK) plus Phi = -z_d V_f.

    model : SFunctionPairModel of the overlap volume V_f [length^3] (centres "both"; if the
    model was fitted to V_f itself, pass it as is: its output is the volume);
    fugacity : z_d [1/length^3]; the energy scale is -z_d (kT = 1).
    """
    for name_, value in (("sigma", sigma), ("exponent", exponent), ("fugacity", fugacity)):
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name_} must be positive, got {value}")
    if exponent < 2:
        raise ValueError(f"superball exponent must be >= 2 (convex, cube-like), got {exponent}")
    params = (0.5 * float(sigma), float(exponent), float(tol),
              sfunction_pair_params(model, -float(fugacity)))
    r_cut = max(float(model.r_cut), float(sigma) * math.sqrt(3.0))
    return rigid_pair_potential(_superball_depletion_pair, r_cut, params, name)


@njit(cache=True)
def _hard_spherocylinder_pair(r_ij, rot_i, rot_j, params):
    half_length, diameter = params
    # the body z axes as column views (no allocation per pair)
    d, _, _ = segment_distance_vl(r_ij, rot_i[:, 2], rot_j[:, 2], half_length, half_length)
    return np.inf if d < diameter else 0.0


def hard_spherocylinder_potential(length: float, diameter: float = 1.0,
                                  name: str = "hard spherocylinders") -> RigidPotential:
    """Hard spherocylinders: cylinder length L and diameter D [length], axis = body z."""
    if not (np.isfinite(length) and length >= 0 and np.isfinite(diameter) and diameter > 0):
        raise ValueError(f"need length >= 0 and diameter > 0, got {length}, {diameter}")
    return rigid_pair_potential(_hard_spherocylinder_pair, float(length) + float(diameter),
                                (0.5 * float(length), float(diameter)), name, hard=True)
