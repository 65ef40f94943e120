"""Colloid-polymer mixture of Giunta, Campos-Villalobos, Dijkstra, ACS Nano 2023 (Fig. 8).

The paper's Conclusions apply the mean-force ML method to the *pseudo Asakura-Oosawa*
model: colloids are pseudo hard spheres of diameter sigma_c, polymer coils are ideal
(no polymer-polymer interaction) with diameter sigma_p = sigma_c, and the
colloid-polymer interaction is pseudo hard as well. Fig. 8 compares the colloid-colloid
g(r) at colloid packing fraction eta_c = 0.45 and polymer reservoir packing fractions
eta_p^r = 0.5 and 2.0 from the FG model (colloids + explicit polymers), from the CG
pair model ML2 and from the CG many-body model ML108. The Supporting Information with
the details is not available to us; our choices are listed in :meth:`PseudoAOModel.choices`
and go into the config and every provenance record.

Units
-----
Lengths in sigma_c (= 1), energies in kT (= 1), forces in kT/sigma_c, number densities
in sigma_c^-3. Packing fractions eta = (pi/6) n sigma^3.

Our choices (the SI is not available)
-------------------------------------
* pseudo hard spheres: the Mie 50-49 potential cut at its minimum (50/49) sigma and
  shifted up by eps, with kT/eps = 1.5 (Jover, Haslam, Galindo, Jackson, Muller,
  J. Chem. Phys. 137, 144505 (2012)), :func:`cgml.simulate.potentials.pseudo_hard_spheres`;
  colloid-colloid with sigma_cc = sigma_c, colloid-polymer with the additive
  sigma_cp = (sigma_c + sigma_p)/2 (the AO model's depletion-layer radius), same eps;
* polymer reservoir: ideal polymers, so the fugacity equals the reservoir number
  density, z_p = n_p^r = eta_p^r / (pi sigma_p^3 / 6), imposed by semi-grand canonical MC
  (:mod:`cgml.simulate.two_species`);
* the CG models learn the polymer-mediated part of the mean force (Eq. 20, second term):
  with the paper's split H_eff = H_cc + F(R^N) (Eq. 17) the bare colloid-colloid part is
  known exactly, and the CG potential is u_cc + Phi_ML (a linear SF model cannot
  represent a Mie 50-49 wall with its Gaussians);
* ML108 is trained on FG snapshots of N colloids at eta_c and at extra, lower training
  densities (``many_body.eta_c_training``): at eta_c = 0.45 and q = 1 the homogeneous
  fluid leaves polymers essentially no free volume (measured fraction < 1e-5, the FG
  runs hold no polymer), so its mean forces vanish; the lower densities supply the
  environments (cluster surfaces, gas) where they do not.

The FG mean force, exactly for ideal polymers
---------------------------------------------
For fixed colloids R^N, ideal polymers have the density n_p^r prod_J f_J(r) with
f_J(r) = exp(-beta u_cp(|r - R_J|)), and the polymer free energy is
beta F(R^N) = -n_p^r int d^3r [prod_J f_J(r) - 1]. Eq. 20 then gives the mean force

    F_I = -dU_cc/dR_I + n_p^r kT int d^3r (d f_I / d R_I) prod_{J != I} f_J(r)
        = -dU_cc/dR_I - n_p^r kT int_0^1 df s(f)^2 oint dOmega s_hat prod_{J != I} f_J(R_I + s(f) s_hat),

using d f_I / d R_I = -f'(s) s_hat (s = |r - R_I|) and substituting f = f(s) for s
(the shell s_min < s < r_cut where f' != 0 maps onto 0 < f < 1; in the hard-sphere
limit s(f) = sigma_cp and this is the AO pressure on the uncovered part of the
depletion sphere). We integrate f by Gauss-Legendre and the sphere by randomised
quasi-Monte Carlo: an antipodal Fibonacci lattice under independent uniform random
rotations (one per particle and replica); replicas give the standard error. An
isolated colloid gets exactly zero force (antipodal lattice).

Pipeline (rules ``np_cp_*`` through ``scripts/nanoparticles/cp_*.py``), per eta_p^r:

    run_cp_fg          FG: semi-grand MC of colloids + ideal polymers at (eta_c, eta_p^r);
                       g(r), snapshots (Fig. 8's eta_c and the ML108 training densities)
    run_cp_pair_data   mean forces of colloid pairs (data set for ML2)
    run_cp_many_data   mean forces of FG snapshots of N colloids (data set for ML108)
    run_cp_fit_ml2     radial SF pool, stepwise selection, least squares (fit_force_model)
    run_cp_fit_ml108   radial + angular pool, periodic configurations
    run_cp_cg          NVT MC of colloids with u_cc + Phi_ML (ML2 or ML108); g(r)
    run_cp_summary     g(r) distances to FG, checks; the scorecard values of Fig. 8
    (plot: :func:`cgml.plotting.colloid_polymer.run_fig8`)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
import numpy as np
import pandas as pd
from numba import njit

from cgml.analysis import RDF
from cgml.analysis.stats import block_average
from cgml.descriptors import AngularSet, RadialSet, compute_symmetry_functions
from cgml.fitting.sf_model import SymmetryFunctionModel
from cgml.io import provenance, read_npz, write_csv, write_npz
from cgml.neighbors import build_neighbor_list
from cgml.papers.nanoparticles.fine_grained import random_unit_vector
from cgml.papers.nanoparticles.pipeline import fit_force_model
from cgml.simulate import fcc_lattice, simple_cubic_lattice
from cgml.simulate.potentials import PairPotential, mie_energy, pseudo_hard_spheres

log = logging.getLogger(__name__)

__all__ = [
    "PseudoAOModel",
    "ShellQuadrature",
    "DepletionForces",
    "shell_quadrature",
    "fibonacci_directions",
    "random_rotations",
    "depletion_mean_forces",
    "direct_forces",
    "pair_forces_from_potential",
    "polymer_forces_on_colloids",
    "ao_overlap_volume",
    "ao_depletion_potential",
    "ao_pair_force",
    "soft_pair_depletion_force",
    "effective_depletion_radius",
    "softness_width",
    "initial_colloids",
    "pair_data",
    "force_features",
    "summary_rows",
    "colloid_polymer_claims",
    "scorecard_values",
    "gr_distance",
    "cg_potential",
    "model_from_selection",
]

PACKING = np.pi / 6.0  # eta = PACKING n sigma^3


# ======================================================================================
# the model
# ======================================================================================


@dataclass(frozen=True)
class PseudoAOModel:
    """Pseudo Asakura-Oosawa colloid-polymer mixture (Giunta et al. 2023, Conclusions).

    eta_c : colloid packing fraction (pi/6) n_c sigma_c^3
    eta_p_reservoir : polymer reservoir packing fraction eta_p^r = (pi/6) n_p^r sigma_p^3
    size_ratio : q = sigma_p / sigma_c (paper: 1)
    epsilon : [kT], energy scale of the pseudo-hard Mie 50-49 potentials (Jover et al. 2012:
        kT/eps = 1.5)
    sigma_c : [length], colloid diameter, 1 (the length unit)
    """

    eta_c: float
    eta_p_reservoir: float
    size_ratio: float = 1.0
    epsilon: float = 1.0 / 1.5
    sigma_c: float = 1.0

    def __post_init__(self):
        if not 0.0 < self.eta_c < 0.74:
            raise ValueError(f"eta_c must lie in (0, 0.74), got {self.eta_c}")
        if not self.eta_p_reservoir >= 0.0:
            raise ValueError(f"eta_p_reservoir must be >= 0, got {self.eta_p_reservoir}")
        for name in ("size_ratio", "epsilon", "sigma_c"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be positive, got {value}")

    @classmethod
    def from_config(cls, cp_cfg: dict, eta_p_reservoir: float) -> "PseudoAOModel":
        """From the config block ``nanoparticles.colloid_polymer`` and one eta_p^r."""
        return cls(eta_c=float(cp_cfg["eta_c"]), eta_p_reservoir=float(eta_p_reservoir),
                   size_ratio=float(cp_cfg["size_ratio"]), epsilon=float(cp_cfg["epsilon_kT"]))

    @property
    def sigma_p(self) -> float:
        """Polymer diameter [length] = q sigma_c."""
        return self.size_ratio * self.sigma_c

    @property
    def sigma_cp(self) -> float:
        """Colloid-polymer contact distance (sigma_c + sigma_p)/2 [length]."""
        return 0.5 * (self.sigma_c + self.sigma_p)

    @property
    def colloid_density(self) -> float:
        """n_c = eta_c / (pi sigma_c^3 / 6) [1/length^3]."""
        return self.eta_c / (PACKING * self.sigma_c**3)

    @property
    def polymer_fugacity(self) -> float:
        """z_p = n_p^r = eta_p^r / (pi sigma_p^3 / 6) [1/length^3] (ideal reservoir)."""
        return self.eta_p_reservoir / (PACKING * self.sigma_p**3)

    def colloid_potential(self) -> PairPotential:
        """u_cc: pseudo hard spheres, Mie 50-49 with sigma_c (Jover et al. 2012)."""
        return pseudo_hard_spheres(self.sigma_c, self.epsilon)

    def cross_potential(self) -> PairPotential:
        """u_cp: pseudo hard spheres, Mie 50-49 with sigma_cp = (sigma_c + sigma_p)/2."""
        return pseudo_hard_spheres(self.sigma_cp, self.epsilon)

    def choices(self) -> dict:
        """The modelling choices (SI not available), for the config and provenance."""
        return {
            "model": "pseudo Asakura-Oosawa: pseudo-hard colloids, ideal polymers, pseudo-hard colloid-polymer",
            "u_cc": f"Mie 50-49 cut at (50/49) sigma_c, shifted by eps; sigma_c = {self.sigma_c}",
            "u_cp": f"Mie 50-49 cut at (50/49) sigma_cp, shifted by eps; sigma_cp = {self.sigma_cp}",
            "u_pp": "0 (ideal polymers)",
            "epsilon_kT": self.epsilon,
            "pseudo_hard_reference": "Jover, Haslam, Galindo, Jackson, Muller, J. Chem. Phys. 137, 144505 (2012)",
            "size_ratio_q": self.size_ratio,
            "eta_c": self.eta_c,
            "eta_p_reservoir": self.eta_p_reservoir,
            "colloid_density": self.colloid_density,
            "polymer_fugacity": self.polymer_fugacity,
            "fugacity_relation": "ideal reservoir: z_p = n_p^r = eta_p^r / (pi sigma_p^3 / 6)",
            "reservoir_coupling": "semi-grand canonical MC: polymer insertion/deletion at fugacity z_p",
            "cg_target": "polymer-mediated mean force (Eq. 20, 2nd term); CG potential = u_cc + Phi_ML",
        }


def initial_colloids(n_colloids: int, eta_c: float, sigma_c: float = 1.0):
    """An FCC (n = 4 k^3) or simple cubic (n = k^3) lattice at packing fraction ``eta_c``.

    Returns ``(positions (n, 3), box_lengths (3,))`` [length]. Raises ValueError for
    other n.
    """
    n = int(n_colloids)
    density = eta_c / (PACKING * sigma_c**3)
    k = int(round((n / 4) ** (1.0 / 3.0)))
    if 4 * k**3 == n:
        return fcc_lattice(k, density)
    k = int(round(n ** (1.0 / 3.0)))
    if k**3 == n:
        return simple_cubic_lattice(k, density)
    raise ValueError(f"n_colloids must be 4 k^3 (FCC) or k^3 (simple cubic), got {n}")


# ======================================================================================
# Asakura-Oosawa reference (hard spheres)
# ======================================================================================


def ao_overlap_volume(r, radius: float) -> np.ndarray:
    """Lens volume of two spheres of ``radius`` R at distance r [length^3].

    V_ov(r) = (pi/12) (4R + r) (2R - r)^2 for r < 2R, else 0 (Asakura & Oosawa,
    J. Chem. Phys. 22, 1255 (1954); R = sigma_cp, the depletion-layer radius).
    """
    r = np.asarray(r, dtype=np.float64)
    return np.where(r < 2.0 * radius, np.pi / 12.0 * (4.0 * radius + r) * (2.0 * radius - r) ** 2, 0.0)


def ao_depletion_potential(r, polymer_density: float, radius: float) -> np.ndarray:
    """W(r) = -n_p^r kT V_ov(r) [kT]; ``polymer_density`` [1/length^3], ``radius`` [length]."""
    return -polymer_density * ao_overlap_volume(r, radius)


def ao_pair_force(r, polymer_density: float, radius: float) -> np.ndarray:
    """F_m(r) = -dW/dr = -n_p^r kT (pi/4) (4R^2 - r^2) for r < 2R [kT/length].

    The projected pair force of Eq. 9 (F_m > 0 repulsive, < 0 attractive).
    """
    r = np.asarray(r, dtype=np.float64)
    return np.where(r < 2.0 * radius, -polymer_density * np.pi / 4.0 * (4.0 * radius**2 - r**2), 0.0)


# ======================================================================================
# the shell quadrature
# ======================================================================================


def _mie_coefficients(potential: PairPotential) -> np.ndarray:
    """(C eps, sigma, lambda_r, lambda_a, u_shift) of a Mie :class:`PairPotential`."""
    from cgml.simulate.potentials import KIND_MIE

    if not isinstance(potential, PairPotential) or potential.params[2] != KIND_MIE:
        raise ValueError(f"need a Mie PairPotential (e.g. pseudo_hard_spheres), got {potential!r}")
    return np.ascontiguousarray(potential.params[3], dtype=np.float64)


@dataclass(frozen=True)
class ShellQuadrature:
    """Gauss-Legendre rule in f = exp(-beta u(s)) on (0, 1) and the shell it maps onto.

    s_nodes : (k,) [length], s(f_k); weights : (k,), sum to 1 (the length of (0, 1));
    s_min : [length], f(s) < 1e-300 below (f = 0 there); r_cut : [length], f = 1 beyond.
    """

    s_nodes: np.ndarray
    weights: np.ndarray
    s_min: float
    r_cut: float


def shell_quadrature(cross_potential: PairPotential, n_radial: int, beta: float = 1.0) -> ShellQuadrature:
    """The f-substitution rule for a monotonically repulsive ``cross_potential``.

    Solves beta u(s_k) = -ln f_k for the Gauss-Legendre nodes f_k on (0, 1) by bisection
    (u decreasing on (0, r_cut), u(r_cut) = 0).
    """
    if int(n_radial) != n_radial or n_radial < 1:
        raise ValueError(f"n_radial must be a positive integer, got {n_radial}")
    r_cut = float(cross_potential.r_cut)
    x, w = np.polynomial.legendre.leggauss(int(n_radial))
    f_nodes, weights = 0.5 * (x + 1.0), 0.5 * w
    targets = np.concatenate([-np.log(f_nodes), [690.0]])  # last: s_min, where f ~ 1e-300

    def beta_u(s):
        return beta * cross_potential.pair_energy(s)

    lo = np.full(targets.shape, 1e-3 * r_cut)
    hi = np.full(targets.shape, r_cut)
    if np.any(beta_u(lo) < targets):
        raise ValueError("cross potential is not repulsive enough near r = 0 for the f substitution")
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        above = beta_u(mid) > targets
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    s = 0.5 * (lo + hi)
    return ShellQuadrature(s[:-1].copy(), weights, float(s[-1]), r_cut)


def fibonacci_directions(n_directions: int) -> np.ndarray:
    """``(n_directions, 3)`` unit vectors: a Fibonacci lattice of n/2 points and their negatives.

    Nearly uniform on the sphere; antipodal, so sum of the vectors is exactly 0.
    ``n_directions`` must be even and >= 2.
    """
    if int(n_directions) != n_directions or n_directions < 2 or n_directions % 2:
        raise ValueError(f"n_directions must be an even integer >= 2, got {n_directions}")
    half = n_directions // 2
    k = np.arange(half) + 0.5
    z = 1.0 - 2.0 * k / n_directions  # z in (0, 1): the upper hemisphere, density uniform in z
    phi = np.pi * (1.0 + np.sqrt(5.0)) * k
    rho = np.sqrt(1.0 - z * z)
    upper = np.stack([rho * np.cos(phi), rho * np.sin(phi), z], axis=1)
    return np.ascontiguousarray(np.concatenate([upper, -upper]))


def random_rotations(rng: np.random.Generator, n: int) -> np.ndarray:
    """``(n, 3, 3)`` uniformly (Haar) distributed rotation matrices from unit quaternions."""
    q = rng.normal(size=(n, 4))
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    w, x, y, z = q.T
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
        np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
        np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1),
    ], axis=1)


@njit(cache=True)
def _depletion_kernel(positions, box_lengths, periodic, offsets, index, s_nodes, weights,
                      directions, rotations, s_min, r_cut, coefficients, beta, out):
    """Fill ``out (n_rep, n, 3)`` with replica estimates of
    -int_0^1 df s^2 oint dOmega s_hat prod_{J != I} f_J (without the factor n_p^r kT).

    ``offsets, index``: CSR candidate neighbours J of every I (pairs closer than 2 r_cut);
    ``rotations (n, n_rep, 3, 3)`` rotate ``directions (m, 3)`` for particle I, replica t.
    Distances from a quadrature point to J use the minimum image (needs r_cut <= L/2).
    """
    n = positions.shape[0]
    n_rep = rotations.shape[1]
    m = directions.shape[0]
    k_radial = s_nodes.shape[0]
    solid = 4.0 * np.pi / m
    s_min2 = s_min * s_min
    r_cut2 = r_cut * r_cut
    prefactor = coefficients[0]
    sigma = coefficients[1]
    lambda_r = coefficients[2]
    lambda_a = coefficients[3]
    shift = coefficients[4]
    point = np.empty(3)
    u = np.empty(3)
    for i in range(n):
        start = offsets[i]
        stop = offsets[i + 1]
        for t in range(n_rep):
            rot = rotations[i, t]
            fx = 0.0
            fy = 0.0
            fz = 0.0
            for a in range(m):
                for d in range(3):
                    u[d] = rot[d, 0] * directions[a, 0] + rot[d, 1] * directions[a, 1] + rot[d, 2] * directions[a, 2]
                shell = 0.0
                for k in range(k_radial):
                    s = s_nodes[k]
                    for d in range(3):
                        point[d] = positions[i, d] + s * u[d]
                    product = 1.0
                    for q in range(start, stop):
                        j = index[q]
                        dx = point[0] - positions[j, 0]
                        dy = point[1] - positions[j, 1]
                        dz = point[2] - positions[j, 2]
                        if periodic:
                            dx -= box_lengths[0] * np.rint(dx / box_lengths[0])
                            dy -= box_lengths[1] * np.rint(dy / box_lengths[1])
                            dz -= box_lengths[2] * np.rint(dz / box_lengths[2])
                        d2 = dx * dx + dy * dy + dz * dz
                        if d2 >= r_cut2:
                            continue
                        if d2 <= s_min2:
                            product = 0.0
                            break
                        energy = mie_energy(np.sqrt(d2), prefactor, sigma, lambda_r, lambda_a)[0] - shift
                        product *= np.exp(-beta * energy)
                    shell += weights[k] * s * s * product
                fx += shell * u[0]
                fy += shell * u[1]
                fz += shell * u[2]
            out[t, i, 0] = -solid * fx
            out[t, i, 1] = -solid * fy
            out[t, i, 2] = -solid * fz


@njit(cache=True)
def _candidate_pairs(positions, box_lengths, periodic, reach):
    """CSR lists of all J != I with minimum-image distance < ``reach`` (brute force, O(n^2))."""
    n = positions.shape[0]
    reach2 = reach * reach
    counts = np.zeros(n + 1, np.int64)
    flags = np.zeros((n, n), np.bool_)
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            dx = positions[i, 0] - positions[j, 0]
            dy = positions[i, 1] - positions[j, 1]
            dz = positions[i, 2] - positions[j, 2]
            if periodic:
                dx -= box_lengths[0] * np.rint(dx / box_lengths[0])
                dy -= box_lengths[1] * np.rint(dy / box_lengths[1])
                dz -= box_lengths[2] * np.rint(dz / box_lengths[2])
            if dx * dx + dy * dy + dz * dz < reach2:
                flags[i, j] = True
                counts[i + 1] += 1
    offsets = np.cumsum(counts)
    index = np.empty(offsets[n], np.int64)
    for i in range(n):
        q = offsets[i]
        for j in range(n):
            if flags[i, j]:
                index[q] = j
                q += 1
    return offsets, index


@dataclass(frozen=True)
class DepletionForces:
    """Polymer-mediated mean forces (Eq. 20, second term) and their statistical errors.

    forces : (n, 3) [kT/length], mean over replicas; forces_sem : (n, 3) [kT/length],
    standard error over replicas (nan with one replica); replicas : (n_rep, n, 3);
    n_points : quadrature points per particle (radial x directions x replicas).
    """

    forces: np.ndarray
    forces_sem: np.ndarray
    replicas: np.ndarray
    n_points: int


def depletion_mean_forces(positions, model: PseudoAOModel, rng: np.random.Generator, *,
                          box_lengths=None, n_radial: int = 8, n_directions: int = 512,
                          n_replicas: int = 4, beta: float = 1.0) -> DepletionForces:
    """Mean force of ideal polymers at fugacity z_p on every colloid (module docstring).

    F_I = -z_p kT int_0^1 df s(f)^2 oint dOmega s_hat prod_{J != I} f_J(R_I + s(f) s_hat),
    f_J(r) = exp(-beta u_cp(|r - R_J|)).

    Parameters
    ----------
    positions : (n, 3) float [sigma_c]
    model : the mixture (u_cp and z_p = n_p^r)
    rng : numpy Generator for the random rotations of the direction lattice
    box_lengths : (3,) [sigma_c] periodic box (each >= 2 r_cut_cp), or None for open
    n_radial : Gauss-Legendre nodes in f; n_directions : even, directions per shell;
    n_replicas : independent random rotations (>= 2 for an error estimate)
    """
    positions = np.ascontiguousarray(positions, dtype=np.float64)
    if positions.ndim != 2 or positions.shape[1] != 3 or positions.shape[0] < 1:
        raise ValueError(f"positions must have shape (n, 3), got {positions.shape}")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator")
    if int(n_replicas) != n_replicas or n_replicas < 1:
        raise ValueError(f"n_replicas must be a positive integer, got {n_replicas}")
    cross = model.cross_potential()
    quad = shell_quadrature(cross, n_radial, beta)
    periodic = box_lengths is not None
    box = np.asarray(box_lengths, dtype=np.float64).reshape(3) if periodic else np.ones(3)
    if periodic and np.any(box < 2.0 * quad.r_cut):
        raise ValueError(f"box_lengths {box} must be at least 2 r_cut_cp = {2.0 * quad.r_cut}")
    directions = fibonacci_directions(n_directions)
    n = positions.shape[0]
    rotations = random_rotations(rng, n * int(n_replicas)).reshape(n, int(n_replicas), 3, 3)
    offsets, index = _candidate_pairs(positions, box, periodic, 2.0 * quad.r_cut)
    out = np.zeros((int(n_replicas), n, 3))
    _depletion_kernel(positions, box, periodic, offsets, index, quad.s_nodes, quad.weights,
                      directions, np.ascontiguousarray(rotations), quad.s_min, quad.r_cut,
                      _mie_coefficients(cross), float(beta), out)
    out *= model.polymer_fugacity / beta
    mean = out.mean(axis=0)
    sem = out.std(axis=0, ddof=1) / np.sqrt(n_replicas) if n_replicas > 1 else np.full_like(mean, np.nan)
    return DepletionForces(mean, sem, out, int(n_radial * n_directions * n_replicas))


# ======================================================================================
# direct forces, explicit-polymer forces, soft-sphere pair reference
# ======================================================================================


def _pair_slope(r, coefficients) -> np.ndarray:
    """du/dr [kT/length] of a Mie pair potential (coefficients as in :func:`_mie_coefficients`)."""
    prefactor, sigma, lambda_r, lambda_a, _ = coefficients
    x = sigma / r
    return prefactor * (lambda_a * x**lambda_a - lambda_r * x**lambda_r) / r


def pair_forces_from_potential(positions, potential: PairPotential, box_lengths=None,
                               others=None) -> np.ndarray:
    """Force (n, 3) [kT/length] on each of ``positions`` through a Mie pair ``potential``.

    F_i = -sum_k u'(|R_i - r_k|) (R_i - r_k) / |R_i - r_k| for |.| < r_cut, over the
    other particles of ``positions`` (``others=None``: one species) or over ``others (m, 3)``.
    box_lengths : (3,) [length] periodic, or None (open).
    """
    coefficients = _mie_coefficients(potential)
    positions = np.ascontiguousarray(positions, dtype=np.float64).reshape(-1, 3)
    n = positions.shape[0]
    forces = np.zeros((n, 3))
    if others is None:
        both = positions
    else:
        others = np.ascontiguousarray(others, dtype=np.float64).reshape(-1, 3)
        if others.shape[0] == 0:
            return forces
        both = np.concatenate([positions, others])
    nl = build_neighbor_list(both, potential.r_cut, box_lengths)
    owners = nl.owners()
    keep = (owners < n) & (nl.distances > 0)
    if others is not None:
        keep &= nl.index >= n
    r = nl.distances[keep]
    f_pair = -_pair_slope(r, coefficients)[:, None] * nl.vectors[keep] / r[:, None]
    np.add.at(forces, owners[keep], f_pair)
    return forces


def direct_forces(positions, model: PseudoAOModel, box_lengths=None) -> np.ndarray:
    """Bare colloid-colloid forces -dU_cc/dR_I (n, 3) [kT/sigma_c] (Eq. 20, first term)."""
    positions = np.ascontiguousarray(positions, dtype=np.float64)
    return pair_forces_from_potential(positions, model.colloid_potential(), box_lengths)


def polymer_forces_on_colloids(colloids, polymers, model: PseudoAOModel, box_lengths=None) -> np.ndarray:
    """Instantaneous force (n_c, 3) [kT/sigma_c] of explicit polymers on each colloid (u_cp)."""
    return pair_forces_from_potential(colloids, model.cross_potential(), box_lengths, others=polymers)


def effective_depletion_radius(model: PseudoAOModel, beta: float = 1.0) -> float:
    """R_eff [length] with (4/3) pi R_eff^3 = int d^3r [1 - exp(-beta u_cp(r))].

    The hard-sphere radius with the same excluded volume for one polymer; the AO
    formulas with R = R_eff describe the pseudo-hard mixture to O((R_eff - sigma_cp)^2).
    """
    from scipy.integrate import quad

    cross = model.cross_potential()
    q = shell_quadrature(cross, 1, beta)
    tail, _ = quad(lambda s: (1.0 - np.exp(-beta * cross.pair_energy(np.array([s]))[0])) * s * s,
                   q.s_min, cross.r_cut, limit=200, epsabs=1e-13, epsrel=1e-12)
    return float((q.s_min**3 + 3.0 * tail) ** (1.0 / 3.0))


def softness_width(model: PseudoAOModel, r_eff: float | None = None, beta: float = 1.0) -> float:
    """w [length]: rms distance from R_eff of the shell where f = exp(-beta u_cp) rises from 0 to 1,
    w^2 = int_0^1 (s(f) - R_eff)^2 df. Zero for hard spheres; sets the scale of the deviation
    from the AO force, |F_soft - F_AO(R_eff)| <~ 2 pi n_p^r kT R_eff w (tested)."""
    if r_eff is None:
        r_eff = effective_depletion_radius(model, beta)
    q = shell_quadrature(model.cross_potential(), 16, beta)
    return float(np.sqrt(np.sum(q.weights * (q.s_nodes - r_eff) ** 2)))


def soft_pair_depletion_force(r, model: PseudoAOModel, n_radial: int = 16, beta: float = 1.0) -> np.ndarray:
    """Projected depletion force F_m(r) [kT/sigma_c] of two pseudo-hard colloids (Eq. 9 sign).

    Deterministic, axially symmetric form of the shell integral (no random numbers):
    with e the unit vector from 1 to 2, s = s(f), and f_2 at distance d from colloid 2,

        F_m = -F_1 . e = -(pi n_p^r kT / r^2) int_0^1 df int_{|r-s|}^{min(r+s, r_cut)}
              (s^2 + r^2 - d^2) d (1 - f(d)) dd,

    the inner integral by scipy quad (1 - f = 1 below s_min). Reference for the tests and
    the pair data table.
    """
    from scipy.integrate import quad

    cross = model.cross_potential()
    q = shell_quadrature(cross, n_radial, beta)
    r_values = np.atleast_1d(np.asarray(r, dtype=np.float64))
    out = np.empty(r_values.shape)

    def one_minus_f(d):
        return 1.0 - np.exp(-beta * cross.pair_energy(np.array([d]))[0])

    for m, rr in enumerate(r_values):
        total = 0.0
        for s, w in zip(q.s_nodes, q.weights):
            lo, hi = abs(rr - s), min(rr + s, q.r_cut)
            if hi <= lo:
                continue
            inner = 0.0
            a = min(max(lo, 0.0), hi)
            b = min(max(q.s_min, lo), hi)
            if b > a:  # 1 - f = 1: polynomial
                inner += ((s * s + rr * rr) * (b * b - a * a) / 2.0 - (b**4 - a**4) / 4.0)
            if hi > b:
                val, _ = quad(lambda d: (s * s + rr * rr - d * d) * d * one_minus_f(d), b, hi,
                              limit=200, epsabs=1e-12, epsrel=1e-10)
                inner += val
            total += w * inner
        out[m] = -np.pi * model.polymer_fugacity / beta / (rr * rr) * total
    return out if np.ndim(r) else out[0]


# ======================================================================================
# CG potential: u_cc + Phi_ML
# ======================================================================================


def cg_potential(sf_model: SymmetryFunctionModel, model: PseudoAOModel):
    """The CG potential of the colloids: u_cc (pseudo hard, exact) + Phi_ML (Eq. 8).

    :func:`cgml.simulate.sf_triangles.triangle_sf_potential`: the same energies as
    ``sf_potential(sf_model)`` plus u_cc, with O(n_nb^2) instead of O(n_nb^3) work per
    move (measured ~65x faster for 108 colloids at eta_c = 0.45, R_c = 2.5 sigma_c).
    """
    from cgml.simulate.sf_triangles import triangle_sf_potential

    return triangle_sf_potential(sf_model, pair=model.colloid_potential())


# ======================================================================================
# fitting helpers
# ======================================================================================


def model_from_selection(selected, weights, radial: RadialSet, angular: AngularSet | None,
                         r_cut: float, cutoff: str, metrics: dict) -> SymmetryFunctionModel:
    """A :class:`SymmetryFunctionModel` of the ``selected`` columns of a radial(+angular) pool.

    Columns of the pool: radial first, then angular (as :func:`compute_symmetry_functions`).
    Same construction as ``clusters.run_cluster_fit`` (candidate for a shared helper).
    """
    selected = np.asarray(selected, dtype=np.int64)
    n_rad = len(radial)
    rad_sel = np.sort(selected[selected < n_rad])
    ang_sel = np.sort(selected[selected >= n_rad]) - n_rad
    order = np.concatenate([rad_sel, ang_sel + n_rad])
    by_column = dict(zip(selected.tolist(), np.asarray(weights, dtype=np.float64).tolist()))
    return SymmetryFunctionModel(
        r_cut=float(r_cut), cutoff=cutoff,
        radial=RadialSet(radial.mu[rad_sel], radial.r_s[rad_sel]) if len(rad_sel) else None,
        angular=(AngularSet(angular.mu_a[ang_sel], angular.lam[ang_sel], angular.xi[ang_sel])
                 if angular is not None and len(ang_sel) else None),
        weights=np.asarray([by_column[j] for j in order]),
        units={"length": "sigma_c", "energy": "kT", "force": "kT/sigma_c"}, metrics=metrics)


# ======================================================================================
# structure comparison
# ======================================================================================


def gr_distance(bin_edges, g_a, g_b, err_a=None, err_b=None) -> float:
    """D = int (g_a(r) - g_b(r))^2 dr over the bins [length]: the scorecard metric of Fig. 8.

    Bins are taken as constant (the histogram estimate): D = sum_b (g_a - g_b)^2 dr_b.
    With the standard errors ``err_a``, ``err_b`` (k,) of the two estimates, the noise is
    removed: E[(g^_a - g^_b)^2] = (g_a - g_b)^2 + err_a^2 + err_b^2 for independent
    estimates, so D = sum_b [(g^_a - g^_b)^2 - err_a^2 - err_b^2] dr_b (unbiased; may come
    out slightly negative when the two agree within noise). NaN errors count as 0.
    """
    edges = np.asarray(bin_edges, dtype=np.float64)
    g_a = np.asarray(g_a, dtype=np.float64)
    g_b = np.asarray(g_b, dtype=np.float64)
    if g_a.shape != g_b.shape or g_a.shape != (edges.size - 1,):
        raise ValueError(f"need g_a, g_b (k,) and bin_edges (k+1,), got {g_a.shape}, {g_b.shape}, {edges.shape}")
    squared = (g_a - g_b) ** 2
    for err in (err_a, err_b):
        if err is not None:
            err = np.nan_to_num(np.asarray(err, dtype=np.float64), nan=0.0)
            if err.shape != g_a.shape:
                raise ValueError(f"errors must have shape {g_a.shape}, got {err.shape}")
            squared = squared - err**2
    return float(np.sum(squared * np.diff(edges)))


def _rdf_table(frames, box, rdf_cfg: dict, n_blocks: int) -> pd.DataFrame:
    """g(r) per frame, block-averaged: columns r_lo, r_hi, r, g, g_err [sigma_c, 1].

    r_max = min(``rdf_cfg['r_max_sigma']``, 0.499 L) (minimum image).
    """
    r_max = min(float(rdf_cfg["r_max_sigma"]), 0.499 * float(np.min(box)))
    rdf = RDF(r_max=r_max, n_bins=int(rdf_cfg["n_bins"]))
    g_frames = np.asarray([np.array(rdf.compute(frame, box, reset=True).g_r) for frame in frames])
    if len(g_frames) >= 4:
        g, err = block_average(g_frames, min(int(n_blocks), len(g_frames) // 2))
    else:
        g, err = g_frames.mean(axis=0), np.full(g_frames.shape[1], np.nan)
    edges = np.asarray(rdf.bin_edges)
    return pd.DataFrame({"r_lo": edges[:-1], "r_hi": edges[1:], "r": 0.5 * (edges[1:] + edges[:-1]),
                         "g": g, "g_err": err})


# ======================================================================================
# pipeline
# ======================================================================================


def _model(params: dict, wildcards: dict) -> PseudoAOModel:
    """The mixture of a rule: eta_p^r from ``wildcards['etap']``, eta_c from ``wildcards['etac']``
    when given (FG runs at training densities), else the config's eta_c (Fig. 8: 0.45)."""
    cfg = dict(params["cp"])
    if "etac" in wildcards:
        cfg["eta_c"] = float(wildcards["etac"])
    return PseudoAOModel.from_config(cfg, float(wildcards["etap"]))


def _cp_meta(params: dict, wildcards: dict, model: PseudoAOModel, seed=None, **extra) -> dict:
    return provenance({"colloid_polymer": params["cp"], "wildcards": dict(wildcards),
                       "choices": model.choices(), **extra}, seed=seed)


def _quadrature_args(cfg: dict) -> dict:
    q = cfg["quadrature"]
    return {"n_radial": int(q["n_radial"]), "n_directions": int(q["n_directions"]),
            "n_replicas": int(q["n_replicas"])}


def _tuned_equilibration(state, model: PseudoAOModel, run: dict, seed: int):
    """Equilibration in ``adapt_rounds`` rounds; between rounds the colloid step is scaled
    by clip(acceptance / 0.4, 0.5, 2) (equilibration only: production uses a fixed step)."""
    from cgml.simulate.two_species import run_semigrand

    cc, cp = model.colloid_potential(), model.cross_potential()
    n_rounds = max(1, int(run["adapt_rounds"]))
    per_round = max(1, int(run["equilibration_sweeps"]) // n_rounds)
    step = float(run["max_displacement_colloid"])
    seeds = np.random.SeedSequence(seed).generate_state(n_rounds, dtype=np.uint32)
    for k in range(n_rounds):
        res = run_semigrand(state, cc, cp, model.polymer_fugacity, per_round, step,
                            float(run["max_displacement_polymer"]), int(seeds[k]), per_round,
                            exchange_fraction=float(run["exchange_fraction"]))
        state = res.state
        acc = res.acceptance["colloid"]
        if np.isfinite(acc):
            step = float(np.clip(step * np.clip(acc / 0.4, 0.5, 2.0), 1e-3, 0.5))
        log.info("equilibration round %d: N_p = %d, colloid acceptance %.3f -> step %.4f",
                 k, state.n_polymers, acc, step)
    return state, step


def run_cp_fg(*, input, output, params, wildcards, threads=1):
    """FG: semi-grand MC of N_c colloids + ideal polymers at (eta_c, eta_p^r); g(r), snapshots.

    ``params['run']``: the sweeps block (``fg`` for Fig. 8's state, ``many_body.fg`` for
    the training densities). Starts from an FCC (or simple cubic) lattice without polymers.
    """
    from cgml.simulate.two_species import init_semigrand_state, run_semigrand

    cfg, run = params["cp"], params["run"]
    seed = int(params["seed"])
    model = _model(params, wildcards)
    colloids, box = initial_colloids(cfg["n_colloids"], model.eta_c)
    cc, cp = model.colloid_potential(), model.cross_potential()
    state = init_semigrand_state(colloids, box, cc, cp)
    log.info("FG: N_c = %d, eta_c = %.3f, L = %.4f, z_p = %.4f", len(colloids), model.eta_c, box[0],
             model.polymer_fugacity)
    seq = np.random.SeedSequence(seed).generate_state(2, dtype=np.uint32)
    state, step = _tuned_equilibration(state, model, run, int(seq[0]))
    res = run_semigrand(state, cc, cp, model.polymer_fugacity, int(run["production_sweeps"]), step,
                        float(run["max_displacement_polymer"]), int(seq[1]), int(run["sample_every"]),
                        exchange_fraction=float(run["exchange_fraction"]), store_colloids=True)
    frames = res.colloid_snapshots
    table = _rdf_table(frames, box, cfg["rdf"], int(cfg["n_blocks"]))
    n_p = res.n_polymers.astype(float)
    if len(n_p) >= 2:
        n_p_mean, n_p_sem = block_average(n_p, min(int(cfg["n_blocks"]), len(n_p)))
    else:
        n_p_mean, n_p_sem = float(n_p.mean()), float("nan")
    log.info("FG production: %d frames, <N_p> = %.2f +- %.2f (z_p V = %.1f), acceptance %s", len(frames),
             n_p_mean, n_p_sem, model.polymer_fugacity * np.prod(box), res.acceptance)
    meta = _cp_meta(params, wildcards, model, seed, run=run, acceptance=res.acceptance, colloid_step=step,
                    mean_n_polymers=float(n_p_mean), mean_n_polymers_sem=float(n_p_sem))
    write_npz(output["fg"], meta, snapshots=frames, box_lengths=box, sweeps=res.sweeps,
              n_polymers=res.n_polymers, energies=res.energies)
    write_csv(output["rdf"], table, meta)


def pair_data(model: PseudoAOModel, separations, rng: np.random.Generator, **quadrature) -> dict:
    """Mean forces of colloid pairs at ``separations`` [sigma_c] along random axes, with references.

    Returns arrays: positions (k, 2, 3), forces / forces_sem (k, 2, 3) polymer-mediated,
    forces_direct (k, 2, 3) from u_cc, separation (k,), projected_force (Eq. 9) and its
    sem, and the references projected_force_exact (:func:`soft_pair_depletion_force`),
    projected_force_ao (AO with R = sigma_cp), projected_force_ao_eff (R = R_eff), with the
    scalars polymer_fugacity [sigma_c^-3], effective_depletion_radius and softness_width
    [sigma_c].
    """
    separations = np.asarray(separations, dtype=np.float64)
    positions, forces, sems, direct = [], [], [], []
    for r in separations:
        axis = random_unit_vector(rng)
        pos = np.array([-0.5 * r * axis, 0.5 * r * axis])
        dep = depletion_mean_forces(pos, model, rng, **quadrature)
        positions.append(pos)
        forces.append(dep.forces)
        sems.append(dep.forces_sem)
        direct.append(direct_forces(pos, model))
    positions, forces, sems, direct = map(np.asarray, (positions, forces, sems, direct))
    r_hat = (positions[:, 0] - positions[:, 1]) / separations[:, None]
    projected = 0.5 * np.einsum("ij,ij->i", forces[:, 0] - forces[:, 1], r_hat)
    projected_sem = 0.5 * np.sqrt(np.einsum("ij,ij->i", sems[:, 0] ** 2 + sems[:, 1] ** 2, r_hat**2))
    r_eff = effective_depletion_radius(model)
    return {"polymer_fugacity": np.asarray(model.polymer_fugacity),
            "softness_width": np.asarray(softness_width(model, r_eff)), "positions": positions,
            "forces": forces, "forces_sem": sems, "forces_direct": direct,
            "separation": separations, "projected_force": projected, "projected_force_sem": projected_sem,
            "projected_force_exact": soft_pair_depletion_force(separations, model),
            "projected_force_ao": ao_pair_force(separations, model.polymer_fugacity, model.sigma_cp),
            "projected_force_ao_eff": ao_pair_force(separations, model.polymer_fugacity, r_eff),
            "effective_depletion_radius": np.asarray(r_eff)}


def run_cp_pair_data(*, input, output, params, wildcards, threads=1):
    """Mean forces on two colloids at separations R (data set for ML2), with references."""
    cfg = params["cp"]
    pair = cfg["pair"]
    seed = int(params["seed"])
    model = _model(params, wildcards)
    separations = np.linspace(pair["r_min_sigma"], pair["r_max_sigma"], int(pair["n_separations"]))
    arrays = pair_data(model, separations, np.random.default_rng(seed), **_quadrature_args(cfg))
    deviation = np.abs(arrays["projected_force"] - arrays["projected_force_exact"])
    log.info("pair data: %d separations, max |F_quad - F_ref| = %.4f kT/sigma_c (max |F_ref| = %.3f)",
             len(separations), deviation.max(), np.abs(arrays["projected_force_exact"]).max())
    write_npz(output["meanforces"], _cp_meta(params, wildcards, model, seed), **arrays)


def run_cp_many_data(*, input, output, params, wildcards, threads=1):
    """Mean forces on all N colloids of FG snapshots at every training eta_c (data set for ML108).

    Inputs ``fg_<k>``: FG runs of this eta_p^r; ``configurations_per_run`` snapshots each,
    evenly spaced in the production run.
    """
    cfg = params["cp"]
    seed = int(params["seed"])
    rng = np.random.default_rng(seed)
    model = _model(params, wildcards)
    per_run = int(cfg["many_body"]["configurations_per_run"])
    positions, boxes, forces, sems, direct, source = [], [], [], [], [], []
    runs = [v for k, v in sorted(input.items()) if k.startswith("fg_")]
    for run_index, path in enumerate(runs):
        arrays, meta = read_npz(path)
        frames, box = arrays["snapshots"], arrays["box_lengths"]
        picks = np.unique(np.linspace(0, len(frames) - 1, min(per_run, len(frames))).round().astype(int))
        for k in picks:
            dep = depletion_mean_forces(frames[k], model, rng, box_lengths=box, **_quadrature_args(cfg))
            positions.append(frames[k])
            boxes.append(box)
            forces.append(dep.forces)
            sems.append(dep.forces_sem)
            direct.append(direct_forces(frames[k], model, box))
            source.append(run_index)
        log.info("%s: %d configurations, |F| rms %.3f kT/sigma_c", path, len(picks),
                 np.sqrt(np.mean(np.asarray(forces[-len(picks):]) ** 2)))
    forces, sems = np.asarray(forces), np.asarray(sems)
    log.info("%d configurations: |F| rms %.3f, sem rms %.3f kT/sigma_c, max |sum_I F_I| %.3g",
             len(forces), np.sqrt(np.mean(forces**2)), np.sqrt(np.mean(sems**2)),
             np.abs(forces.sum(axis=1)).max())
    write_npz(output["meanforces"], _cp_meta(params, wildcards, model, seed, runs=runs),
              positions=np.asarray(positions), box_lengths=np.asarray(boxes), source_run=np.asarray(source),
              forces=forces, forces_sem=sems, forces_direct=np.asarray(direct))


def _pools(desc: dict, kind: str):
    pool = desc["cluster_pool"] if kind == "ml108" else desc["pair_pool"]
    radial = RadialSet.grid(mu=pool["mu"], r_s=pool["r_s"])
    angular = AngularSet.grid(mu_a=pool["mu_a"], lam=pool["lam"], xi=pool["xi"]) if kind == "ml108" else None
    return radial, angular


def force_features(positions, boxes, r_cut: float, cutoff: str, radial: RadialSet,
                   angular: AngularSet | None) -> np.ndarray:
    """Psi (n_conf, n, 3, k) [1/sigma_c] (Eq. 32) of configurations, periodic if ``boxes`` is given."""
    return np.asarray([
        compute_symmetry_functions(pos, r_cut, radial=radial, angular=angular,
                                   box_lengths=None if boxes is None else boxes[c], cutoff=cutoff,
                                   force_features=True).force_features
        for c, pos in enumerate(positions)])


def _fit(*, input, output, params, wildcards, kind: str):
    cfg = params["cp"]
    desc = params["descriptors"]
    r_cut, cutoff = float(cfg["r_cut_sigma"]), desc["cutoff"]
    arrays, _ = read_npz(input["meanforces"])
    boxes = arrays.get("box_lengths")
    if boxes is not None and np.any(boxes < 2.0 * r_cut):
        raise ValueError(f"r_cut_sigma = {r_cut} exceeds half the smallest box {boxes.min()} "
                         "(minimum image): use more colloids or a smaller cutoff")
    radial, angular = _pools(desc, kind)
    features = force_features(arrays["positions"], boxes, r_cut, cutoff, radial, angular)
    labels = list(radial.labels()) + (list(angular.labels()) if angular is not None else [])
    seed = int(params["seed"])
    selection_cfg = cfg["selection"] if kind == "ml2" else cfg["many_body_selection"]
    sel, fit, trace, metrics = fit_force_model(features, arrays["forces"], labels=labels,
                                               selection_cfg=selection_cfg, seed=seed)
    metrics["target"] = "polymer-mediated mean force (CG potential = u_cc + Phi_ML)"
    model = model_from_selection(sel, fit.coef, radial, angular, r_cut, cutoff, metrics)
    log.info("%s: %d functions, R^2 train %.4f test %.4f, RMSE test %.3f kT/sigma_c", kind,
             metrics["n_sf"], metrics["r2_train"], metrics["r2_test"], metrics["rmse_test"])
    meta = provenance({"selection": selection_cfg, "descriptors": desc, "r_cut_sigma": r_cut,
                       "wildcards": dict(wildcards), "kind": kind}, seed=seed)
    write_csv(output["trace"], trace, meta)
    model.save(output["model"], meta)


def run_cp_fit_ml2(*, input, output, params, wildcards, threads=1):
    """ML2: radial pool on pair configurations (open boundaries)."""
    _fit(input=input, output=output, params=params, wildcards=wildcards, kind="ml2")


def run_cp_fit_ml108(*, input, output, params, wildcards, threads=1):
    """ML108: radial + angular pool on periodic FG configurations."""
    _fit(input=input, output=output, params=params, wildcards=wildcards, kind="ml108")


def run_cp_cg(*, input, output, params, wildcards, threads=1):
    """CG: NVT MC of the colloids with u_cc + Phi_ML (ML2 or ML108) at eta_c; g(r).

    Same N_c, box and starting lattice as the FG run; steps tuned during equilibration
    (:func:`cgml.simulate.adapt_step_sizes`), fixed in production.
    """
    from cgml.simulate import Periodic, ProgressLog, adapt_step_sizes, init_state, run_nvt

    cfg, cg = params["cp"], params["cp"]["cg"]
    seed = int(params["seed"])
    model = _model(params, wildcards)
    potential = cg_potential(SymmetryFunctionModel.load(input["model"]), model)
    colloids, box = initial_colloids(cfg["n_colloids"], model.eta_c)
    state = init_state(colloids, box, potential)
    seq = np.random.SeedSequence(seed).generate_state(2, dtype=np.uint32)
    rounds = int(cg["adapt_rounds"])
    tuned = adapt_step_sizes(state, potential, float(cg["max_displacement"]), int(seq[0]), n_rounds=rounds,
                             sweeps_per_round=max(1, int(cg["equilibration_sweeps"]) // rounds))
    n_sweeps = int(cg["production_sweeps"])
    res = run_nvt(tuned.state, potential, n_sweeps, tuned.max_displacement, int(seq[1]),
                  Periodic(int(cg["sample_every"])), ProgressLog(log, n_sweeps, f"CG {wildcards['model']}"),
                  store_snapshots=True)
    table = _rdf_table(res.snapshots, box, cfg["rdf"], int(cfg["n_blocks"]))
    log.info("CG %s: %d frames, acceptance %.3f, step %.4f", wildcards["model"], len(res.snapshots),
             res.acceptance_displacement, tuned.max_displacement)
    meta = _cp_meta(params, wildcards, model, seed, potential=potential.name,
                    acceptance=res.acceptance_displacement, max_displacement=tuned.max_displacement)
    write_npz(output["trajectory"], meta, snapshots=res.snapshots, box_lengths=box, sweeps=res.sweeps,
              energies=res.energies)
    write_csv(output["rdf"], table, meta)


def _bin_edges(table: pd.DataFrame) -> np.ndarray:
    return np.append(table["r_lo"].to_numpy(), table["r_hi"].to_numpy()[-1])


def summary_rows(etap: str, rdf_fg: pd.DataFrame, rdf_ml2: pd.DataFrame, rdf_ml108: pd.DataFrame,
                 pair: dict) -> list[dict]:
    """Scorecard values of one eta_p^r: g(r) distances to FG and the pair-force checks.

    Keys: D_ML2, D_ML108 [sigma_c] (noise-corrected, :func:`gr_distance` with the block
    errors), D_noise (the noise removed from D_ML2), D_ratio, D_excess = (D_ML108 - D_ML2) /
    D_noise, D_ML2_significance = D_ML2 / D_noise; pair_rel_dev = max |F_quad - F_ref| / max |F_ref|
    (randomised quadrature vs the deterministic axisymmetric reference); pair_force_sum =
    max |F_1 + F_2| / max |F_ref|; pair_soft_vs_ao = max |F_ref - F_AO(R_eff)| / (2 pi z_p R_eff w)
    (<= 1: the pseudo-hard model is AO within its softness w).
    """
    edges = _bin_edges(rdf_fg)
    for name, table in (("ML2", rdf_ml2), ("ML108", rdf_ml108)):
        if not np.allclose(_bin_edges(table), edges):
            raise ValueError(f"{name} g(r) bins differ from the FG bins")
    fg_err = rdf_fg["g_err"]
    d2 = gr_distance(edges, rdf_ml2["g"], rdf_fg["g"], rdf_ml2["g_err"], fg_err)
    d108 = gr_distance(edges, rdf_ml108["g"], rdf_fg["g"], rdf_ml108["g_err"], fg_err)
    noise_floor = -gr_distance(edges, np.zeros(len(fg_err)), np.zeros(len(fg_err)), rdf_ml2["g_err"], fg_err)
    noise_floor = noise_floor if noise_floor > 0 else np.nan
    exact = np.asarray(pair["projected_force_exact"])
    scale = float(np.abs(exact).max())
    r_eff = float(pair["effective_depletion_radius"])
    softness = 2.0 * np.pi * float(pair["polymer_fugacity"]) * r_eff * float(pair["softness_width"])
    rows = [
        ("D_ML2", "int (g_ML2 - g_FG)^2 dr, noise removed", d2, "sigma_c"),
        ("D_ML108", "int (g_ML108 - g_FG)^2 dr, noise removed", d108, "sigma_c"),
        ("D_noise", "int (err_ML2^2 + err_FG^2) dr, the noise removed from D_ML2", noise_floor, "sigma_c"),
        ("D_ratio", "D_ML108 / D_ML2 (< 1: ML108 closer to FG; nan if D_ML2 <= 0)",
         d108 / d2 if d2 > 0 else np.nan, "1"),
        ("D_excess", "(D_ML108 - D_ML2) / D_noise (<= 1: ML108 at least as close to FG as ML2)",
         (d108 - d2) / noise_floor, "1"),
        ("D_ML2_significance", "D_ML2 / D_noise (> 1: ML2 deviates from FG beyond the noise)",
         d2 / noise_floor, "1"),
        ("pair_rel_dev", "max |F_quad - F_ref| / max |F_ref|, pair mean force",
         float(np.abs(pair["projected_force"] - exact).max() / scale), "1"),
        ("pair_force_sum", "max |F_1 + F_2| / max |F_ref|, pair quadrature",
         float(np.abs(np.asarray(pair["forces"]).sum(axis=1)).max() / scale), "1"),
        ("pair_soft_vs_ao", "max |F_ref - F_AO(R_eff)| / (2 pi z_p R_eff w)",
         float(np.abs(pair["projected_force_ao_eff"] - exact).max() / softness), "1"),
    ]
    return [{"eta_p_reservoir": etap, "key": k, "quantity": q, "value": v, "unit": u} for k, q, v, u in rows]


def run_cp_summary(*, input, output, params, wildcards, threads=1):
    """Table of the Fig. 8 comparison for every eta_p^r (inputs ``rdf_fg_<etap>``, ``rdf_ml2_<etap>``,
    ``rdf_ml108_<etap>``, ``pair_<etap>``)."""
    rows = []
    for etap in params["etaps"]:
        rows += summary_rows(etap, pd.read_csv(input[f"rdf_fg_{etap}"]), pd.read_csv(input[f"rdf_ml2_{etap}"]),
                             pd.read_csv(input[f"rdf_ml108_{etap}"]), read_npz(input[f"pair_{etap}"])[0])
    write_csv(output["summary"], pd.DataFrame(rows),
              provenance({"etaps": params["etaps"],
                          "metric": "D = int (g_ML - g_FG)^2 dr over the g(r) bins, block-error noise removed"}))


# ======================================================================================
# scorecard (to be merged into claims.py / report.py by the lead)
# ======================================================================================

FIG8 = "results/{scale}/nanoparticles/colloid_polymer/figures/fig8_colloid_polymer_gr.png"
SUMMARY = "results/{scale}/nanoparticles/colloid_polymer/tables/fig8_summary.csv"


def colloid_polymer_claims(scale: str, etaps) -> list:
    """Claims of Fig. 8 for every eta_p^r (str as in the file names, e.g. ``"0.5"``, ``"2"``).

    * physical, with D = int (g_ML - g_FG)^2 dr over the g(r) bins, statistical noise removed
      (:func:`gr_distance`), and D_noise the noise removed from D_ML2:
      (D_ML108 - D_ML2) / D_noise <= 1 ("the FG model can be accurately represented by
      ML108": at least as close to FG as ML2, within the noise), and D_ML2 / D_noise >= 1
      ("ML2 leads to strong deviations from the FG model": resolved above the noise);
    * checks at every scale: the randomised shell quadrature against the deterministic
      axisymmetric reference, Newton's third law, and the AO limit within the softness.
    """
    from cgml.papers.scorecard import Claim

    paper = "nanoparticles"
    claims = []
    for etap in etaps:
        tag = f"p{etap}"
        claims += [
            Claim(paper, f"cp_ml108_closer_than_ml2_{tag}",
                  f"(D_ML108 - D_ML2) / D_noise, D = int (g_ML - g_FG)^2 dr (noise removed), eta_c = 0.45, "
                  f"eta_p^r = {etap} (Fig. 8: ML108 represents FG accurately)",
                  0.0, "1", FIG8.format(scale=scale), tolerance={"laptop": 1.0, "paper": 1.0}, mode="max"),
            Claim(paper, f"cp_ml2_deviates_{tag}",
                  f"D_ML2 / D_noise, eta_c = 0.45, eta_p^r = {etap} (Fig. 8: ML2 'leads to strong deviations')",
                  1.0, "1", FIG8.format(scale=scale), tolerance={"laptop": 0.0, "paper": 0.0}, mode="min"),
            Claim(paper, f"cp_pair_quadrature_{tag}",
                  f"max |F_quad - F_ref| / max |F_ref| of the pair mean force, eta_p^r = {etap}", 0.0, "1",
                  SUMMARY.format(scale=scale), tolerance={"toy": 0.1, "laptop": 0.03, "paper": 0.01},
                  kind="check", mode="max"),
            Claim(paper, f"cp_pair_newton_{tag}",
                  f"max |F_1 + F_2| / max |F_ref| of the pair quadrature, eta_p^r = {etap}", 0.0, "1",
                  SUMMARY.format(scale=scale), tolerance={"toy": 0.1, "laptop": 0.03, "paper": 0.01},
                  kind="check", mode="max"),
            Claim(paper, f"cp_pair_ao_limit_{tag}",
                  f"max |F_ref - F_AO(R_eff)| / (2 pi z_p R_eff w), eta_p^r = {etap}", 0.0, "1",
                  SUMMARY.format(scale=scale), tolerance={"toy": 1.0, "laptop": 1.0, "paper": 1.0},
                  kind="check", mode="max"),
        ]
    return claims


def scorecard_values(summary: pd.DataFrame) -> dict:
    """{claim name: value} from the table of :func:`run_cp_summary`."""
    keys = {"D_excess": "cp_ml108_closer_than_ml2", "D_ML2_significance": "cp_ml2_deviates",
            "pair_rel_dev": "cp_pair_quadrature",
            "pair_force_sum": "cp_pair_newton", "pair_soft_vs_ao": "cp_pair_ao_limit"}
    values = {}
    for row in summary.itertuples():
        if row.key in keys:
            values[f"{keys[row.key]}_p{float(row.eta_p_reservoir):g}"] = float(row.value)
    return values
