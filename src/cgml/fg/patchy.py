"""Surface-patterned hard spheres and spheroids: site models and their screened-Coulomb energy.

Reference: G. Campos-Villalobos, R. Subert, G. Giunta, M. Dijkstra, npj Comput. Mater.
2024, "Surface-patterned particles" and Methods (Eqs. 14-16); the site-sum model follows
Hieronimus, Raschke and Heuer, J. Chem. Phys. 145, 064303 (2016).

Units (reduced, unlike the LAMMPS ``real`` units of the rest of :mod:`cgml.fg`): lengths
in sigma (sigma_perp for spheroids), surface charge densities in e / sigma^2, charges in
e, kappa in 1/sigma, the Bjerrum length l_B = e^2 / (4 pi eps k_B T) in sigma, energies
in k_B T.

Model
-----
Each particle carries ``n`` sites (the paper: n = 626) spread uniformly over its surface;
site a carries the charge Q_a = q(s_a) A_a, where A_a = A_surface / n is its share of the
area and q the local surface charge density (|q| = 20 / sigma^2 in the paper). The pair
energy is the site sum that discretises Eq. 16,

    Phi(R_IJ, Omega_I, Omega_J) / k_BT = l_B sum_{a in I} sum_{b in J} Q_a Q_b exp(-kappa r_ab) / r_ab,
    r_ab = |R_IJ + Q_J s_b - Q_I s_a|,   kappa sigma = 10,

i.e. Eq. 15 with 1/(4 pi eps) = l_B k_BT / e^2. The hard core (Eq. 14) is not included.

Site core. Eq. 16 integrates over the surfaces and stays finite when two particles
touch; the point-site sum does not: at contact a site of I can sit on a site of J, and an
opposite pair at r_ab -> 0 gives a well as deep as one likes (measured: one IPC pair at
R = 1.0000 sigma, found by FG replica exchange with tuned steps, at -5.4 eps_max against
-1.2 ... -1.5 for the other bonds). A site stands for a surface element of area A/n, a
disc of radius a = sqrt(A / (pi n)); two coincident such discs have <1/r> = 16 / (3 pi a)
(checked by sampling), so r_ab is taken as r_core = 3 pi a / 16 below it ("element",
the default: 0.0235 sigma for the paper's spheres, 0.031 sigma_perp for its ellipsoids).
For the spheres this leaves every configuration of the paper's data (R >= 1.0405 sigma,
so r_ab >= 0.0405) unchanged to the bit; it acts at R < 1 + r_core only: contact in
replica exchange, the landscapes at R = 1.015 sigma. ``site_core=0`` gives point sites.

Choices where the paper is silent (SI not available)
----------------------------------------------------
* Site positions: a spherical Fibonacci lattice (golden-angle spiral with equal-area
  latitude bands, z_k at cumulative area (k + 1/2)/n); on a spheroid the bands are made
  equal-area with the exact cumulative area of the spheroid, so every site again
  carries area A/n.
* Orientation: the pattern axis (Janus axis, IPC cap axis) and the spheroid's long axis
  are the body z axis; z_hat is the "orientation vector" of the paper (Fig. 1c).
* Janus colloids (JC, EJC): the hemisphere z_body > 0 carries +q and z_body < 0 carries
  -q (the oppositely charged hemispheres of Hong et al. 2006 / Hieronimus et al. 2016);
  with n even the particle is exactly neutral.
* Inverse patchy colloids (IPC, EIPC): two polar caps of charge +q (sign ``cap_sign``)
  on an oppositely charged equatorial belt (Bianchi, Kahl and Likos, Soft Matter 7,
  8313 (2011)). The caps together cover ``cap_area_fraction`` = 1/2 of the surface (on a
  sphere each cap has half-opening angle 60 deg), giving the z -> -z symmetry noted in
  the paper. Net charge: with ``neutral=True`` (default) the belt density is rescaled
  to -q n_cap/n_belt so the particle is exactly neutral (|q_belt| = 0.994 q for n = 626);
  with ``neutral=False`` the belt carries -q exactly.
* Bjerrum length: l_B = 0.1 sigma by default, i.e. sigma ~ 7 nm in water (l_B = 0.7 nm),
  for which q = 20 / sigma^2 = 0.4 e/nm^2 is a realistic surface charge density and
  kappa sigma = 10 a Debye length of 0.7 nm (~0.2 M salt). The paper does not give it;
  Phi is proportional to l_B, so any other value is a rescaling of the energy (the
  paper's REMC temperatures are quoted relative to the largest |Phi| anyway). With the
  default, the JC head-to-tail energy at R = 1.015 sigma is about -3.3 k_BT.

Analytic check: for two uniformly charged spherical shells of radius a and charges
Q_I, Q_J (no ion exclusion, plain Yukawa superposition as in Eq. 15), R >= 2a,

    Phi / k_BT = l_B Q_I Q_J [sinh(kappa a) / (kappa a)]^2 exp(-kappa R) / R,

(:func:`uniform_shells_energy`); the site sum converges to it as n grows.

Fast truncated sum
------------------
The full sum costs n_I n_J exponentials per configuration (~130-200 energies per
second for 626 x 626 sites on one core). :func:`truncated_site_sum` skips site pairs
farther apart than r_cut, where exp(-kappa r)/r is tiny for kappa sigma = 10, and
returns with every energy the rigorous bound on what was skipped,

    |Phi_full - Phi_trunc| / k_BT <= l_B exp(-kappa r_cut) / r_cut sum_{skipped (a,b)} |Q_a Q_b|
                                 <= l_B exp(-kappa r_cut) / r_cut sum_a |Q_a| sum_b |Q_b|.

Given a ``tolerance`` [k_BT], r_cut is the smallest distance at which the last
(configuration-independent) bound equals the tolerance (1e-4 k_BT -> r_cut = 1.48
sigma for the paper's spheres; the actual error is ~30x below the bound). The sites of each particle are grouped into compact
clusters so that whole cluster pairs beyond r_cut are skipped without looking at their
sites. ``parallel=True`` spreads configurations over numba threads (results equal the
serial kernel bit for bit). Measured speed-up of the serial truncated sum over the full
sum (tolerance 1e-4 k_BT, one core): spheres ~1.1x at R = 1.05 sigma, ~1.7x at 1.5,
~4x at 1.9 (~1.7x averaged over the paper's range; ~2.8x with tolerance 1e-3); prolate
ellipsoids (sigma_par = 2) ~2-20x, most configurations being far apart in sigma_perp.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cgml.fg import _patchy_kernels as K
from cgml.geometry.ellipsoid import ellipsoid_overlap
from cgml.geometry.rotations import check_rotations

__all__ = [
    "PAPER_BJERRUM_LENGTH",
    "PAPER_CHARGE_DENSITY",
    "PAPER_KAPPA",
    "PAPER_N_SITES",
    "PatchyParticle",
    "SiteSumResult",
    "build_patchy_particle",
    "check_site_core",
    "cutoff_for_tolerance",
    "paper_particle",
    "site_core_radius",
    "site_sum_energy",
    "truncated_site_sum",
    "spheroid_area",
    "spheroid_surface_sites",
    "uniform_shells_energy",
]

PAPER_N_SITES = 626
PAPER_CHARGE_DENSITY = 20.0   # e / sigma^2
PAPER_KAPPA = 10.0            # 1 / sigma
PAPER_BJERRUM_LENGTH = 0.1    # sigma; our choice, the paper does not state it
_PATTERNS = ("uniform", "janus", "ipc")


def _positive(name: str, value) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not np.isfinite(x) or x <= 0.0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return x


def _area_antiderivative(t, a, c):
    """I(t) = int_0^t sqrt(c^2 + (a^2 - c^2) s^2) ds for the spheroid (a equatorial, c polar)."""
    t = np.asarray(t, dtype=np.float64)
    g = np.sqrt(c * c + (a * a - c * c) * t * t)
    if abs(a - c) <= 1e-14 * max(a, c):
        return c * t
    k = math.sqrt(abs(a * a - c * c))
    if c > a:  # prolate
        return 0.5 * (t * g + (c * c / k) * np.arcsin(np.clip(k * t / c, -1.0, 1.0)))
    return 0.5 * (t * g + (c * c / k) * np.arcsinh(k * t / c))  # oblate


def spheroid_area(a: float, c: float) -> float:
    """Surface area of the spheroid x^2/a^2 + y^2/a^2 + z^2/c^2 = 1: 4 pi a I(1) [length^2].

    Sphere: 4 pi a^2; prolate: 2 pi a^2 (1 + c/(a e) arcsin e), e = sqrt(1 - a^2/c^2).
    """
    a = _positive("a", a)
    c = _positive("c", c)
    return float(4.0 * math.pi * a * _area_antiderivative(1.0, a, c))


def spheroid_surface_sites(n: int, a: float, c: float) -> tuple[np.ndarray, float]:
    """``n`` equal-area Fibonacci sites on the spheroid with semi-axes (a, a, c), body z the polar axis.

    Site k sits at the parameter t_k = z_k / c where the cumulative area from the south
    pole, 2 pi a [I(t) + I(1)], equals (k + 1/2) A / n, and at azimuth k * pi (3 - sqrt5)
    (golden angle). Returns ``(positions (n, 3) [length], area_per_site [length^2])``.
    For a = c this is the standard spherical Fibonacci lattice.
    """
    if int(n) != n or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    n = int(n)
    a = _positive("a", a)
    c = _positive("c", c)
    i1 = float(_area_antiderivative(1.0, a, c))
    target = ((np.arange(n) + 0.5) / n) * 2.0 * i1 - i1     # I(t_k) = target_k
    lo = np.full(n, -1.0)
    hi = np.full(n, 1.0)
    for _ in range(60):                                      # bisection: I is increasing
        mid = 0.5 * (lo + hi)
        below = _area_antiderivative(mid, a, c) < target
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    t = 0.5 * (lo + hi)
    phi = np.arange(n) * math.pi * (3.0 - math.sqrt(5.0))
    rho = a * np.sqrt(np.clip(1.0 - t * t, 0.0, None))
    pos = np.column_stack([rho * np.cos(phi), rho * np.sin(phi), c * t])
    return pos, 4.0 * math.pi * a * i1 / n


@dataclass(frozen=True, eq=False)
class PatchyParticle:
    """A rigid surface-patterned particle.

    ``site_positions (n, 3)`` [sigma] in the body frame; ``site_charges (n,)`` [e];
    ``area_per_site`` [sigma^2]; ``semi_axes (3,)`` [sigma] of the hard core along body
    x, y, z; ``pattern`` ("uniform", "janus", "ipc"); ``charge_density`` q [e/sigma^2].
    """

    site_positions: np.ndarray
    site_charges: np.ndarray
    area_per_site: float
    semi_axes: np.ndarray
    pattern: str
    charge_density: float

    @property
    def n_sites(self) -> int:
        return self.site_positions.shape[0]

    @property
    def net_charge(self) -> float:
        """Total charge [e]."""
        return float(self.site_charges.sum())


def build_patchy_particle(pattern: str, n_sites: int = PAPER_N_SITES, sigma: float = 1.0,
                          aspect_ratio: float = 1.0,
                          charge_density: float = PAPER_CHARGE_DENSITY,
                          cap_area_fraction: float = 0.5, cap_sign: int = 1,
                          neutral: bool = True) -> PatchyParticle:
    """Site model of a charged sphere (aspect_ratio 1) or spheroid (sigma_par = aspect_ratio sigma).

    Parameters
    ----------
    pattern : "uniform" (every site +q), "janus" (+q for z_body > 0, -q below) or "ipc"
        (caps |z| beyond the cap boundary carry ``cap_sign`` q, the belt the opposite sign).
    n_sites : sites per particle (paper: 626).
    sigma : sigma_perp, the equatorial diameter [sigma]; aspect_ratio : sigma_par / sigma_perp
        (paper: 1 for JC/IPC, 2 for EJC/EIPC).
    charge_density : |q| [e / sigma^2] (paper: 20).
    cap_area_fraction : area fraction covered by both IPC caps together (default 1/2).
    neutral : IPC only; rescale the belt density so the net charge is exactly zero.
    """
    if pattern not in _PATTERNS:
        raise ValueError(f"pattern must be one of {_PATTERNS}, got {pattern!r}")
    sigma = _positive("sigma", sigma)
    aspect_ratio = _positive("aspect_ratio", aspect_ratio)
    q = _positive("charge_density", charge_density)
    if not 0.0 < float(cap_area_fraction) < 1.0:
        raise ValueError(f"cap_area_fraction must lie in (0, 1), got {cap_area_fraction!r}")
    if cap_sign not in (1, -1):
        raise ValueError(f"cap_sign must be +1 or -1, got {cap_sign!r}")
    a = 0.5 * sigma
    c = aspect_ratio * a
    pos, area = spheroid_surface_sites(n_sites, a, c)
    n = pos.shape[0]
    k = np.arange(n)
    if pattern == "uniform":
        density = np.full(n, q)
    elif pattern == "janus":
        density = np.where(pos[:, 2] > 0.0, q, -q)
    else:
        # sites are ordered by cumulative area; caps are the first and last f/2 of the area
        half = 0.5 * float(cap_area_fraction) * n
        cap = (k + 0.5 < half) | (k + 0.5 > n - half)
        n_cap = int(cap.sum())
        if n_cap in (0, n):
            raise ValueError(f"cap_area_fraction={cap_area_fraction} leaves no cap or no belt "
                             f"site for n_sites={n}")
        belt = q * n_cap / (n - n_cap) if neutral else q
        density = np.where(cap, cap_sign * q, -cap_sign * belt)
    charges = density * area
    for arr in (pos, charges):
        arr.setflags(write=False)
    semi = np.array([a, a, c])
    semi.setflags(write=False)
    return PatchyParticle(pos, charges, float(area), semi, pattern, q)


_PAPER_MODELS = {"JC": ("janus", 1.0), "IPC": ("ipc", 1.0), "EJC": ("janus", 2.0),
                 "EIPC": ("ipc", 2.0)}


def paper_particle(name: str) -> PatchyParticle:
    """The paper's four models: "JC", "IPC" (spheres), "EJC", "EIPC" (sigma_par = 2 sigma_perp).

    n = 626 sites, q = 20 / sigma^2, with the pattern conventions of the module docstring.
    """
    try:
        pattern, aspect = _PAPER_MODELS[name]
    except KeyError:
        raise ValueError(f"name must be one of {sorted(_PAPER_MODELS)}, got {name!r}") from None
    return build_patchy_particle(pattern, aspect_ratio=aspect)


def check_site_core(site_core, name: str = "site_core"):
    """``"element"`` or a float >= 0; anything else raises ValueError naming ``name``."""
    if site_core == "element":
        return site_core
    try:
        value = float(site_core)
    except (TypeError, ValueError):
        value = float("nan")
    if isinstance(site_core, bool) or not (math.isfinite(value) and value >= 0.0):
        raise ValueError(f"{name} must be 'element' or a number >= 0, got {site_core!r}")
    return value


def site_core_radius(particle_i: PatchyParticle, particle_j: PatchyParticle | None = None,
                     site_core="element") -> float:
    """r_core [sigma] of the site sum (module docstring): ``"element"`` = 3 pi a / 16 with
    a = sqrt(A_site / pi) for the mean area per site A_site of the two particles, or a
    number >= 0 (0: point sites)."""
    if check_site_core(site_core) == "element":
        areas = [particle_i.area_per_site] + ([] if particle_j is None else [particle_j.area_per_site])
        return 3.0 * math.pi / 16.0 * math.sqrt(float(np.mean(areas)) / math.pi)
    return float(site_core)


def site_sum_energy(particle_i: PatchyParticle, particle_j: PatchyParticle, separations,
                    rotations_i, rotations_j, kappa: float = PAPER_KAPPA,
                    bjerrum_length: float = PAPER_BJERRUM_LENGTH,
                    check_overlap: bool = True, tolerance: float | None = None,
                    parallel: bool = False, site_core="element") -> np.ndarray:
    """Pair energies Phi / k_BT (Eq. 16 as a site sum) for ``m`` configurations, ``(m,)``.

    ``tolerance=None`` (default) is the full double sum, the reference; a tolerance
    [k_BT] gives :func:`truncated_site_sum` (error <= tolerance, see the module
    docstring), optionally with ``parallel`` numba threads.

    Parameters
    ----------
    particle_i, particle_j : site models (:func:`build_patchy_particle`).
    separations : (m, 3) R_IJ = R_J - R_I [sigma].
    rotations_i, rotations_j : (m, 3, 3) or (3, 3) rotation matrices (columns = body axes).
    kappa : inverse Debye length [1/sigma] (paper: 10).
    bjerrum_length : l_B [sigma] (our default 0.1; Phi is proportional to it).
    check_overlap : raise ValueError if the hard cores overlap (exact ellipsoid test),
        where the site sum is meaningless.
    site_core : site pairs closer than :func:`site_core_radius` interact as at that
        distance (module docstring); 0 for point sites.
    """
    if tolerance is not None:
        return truncated_site_sum(particle_i, particle_j, separations, rotations_i, rotations_j,
                                  tolerance, kappa, bjerrum_length, check_overlap,
                                  parallel, site_core=site_core).energies
    if parallel:
        raise ValueError("parallel=True needs a tolerance (the truncated kernel)")
    r, rot_i, rot_j, kappa, l_b = _check_configurations(particle_i, particle_j, separations,
                                                        rotations_i, rotations_j, kappa,
                                                        bjerrum_length, check_overlap)
    out = np.empty(r.shape[0])
    K.site_sum_energies(np.ascontiguousarray(particle_i.site_positions),
                        np.ascontiguousarray(particle_i.site_charges),
                        np.ascontiguousarray(particle_j.site_positions),
                        np.ascontiguousarray(particle_j.site_charges), r, rot_i, rot_j,
                        kappa, l_b, site_core_radius(particle_i, particle_j, site_core), out)
    return out


def _check_configurations(particle_i, particle_j, separations, rotations_i, rotations_j, kappa,
                          bjerrum_length, check_overlap):
    for name, p in (("particle_i", particle_i), ("particle_j", particle_j)):
        if not isinstance(p, PatchyParticle):
            raise ValueError(f"{name} must be a PatchyParticle, got {type(p).__name__}")
    r = np.ascontiguousarray(separations, dtype=np.float64)
    if r.ndim != 2 or r.shape[1] != 3:
        raise ValueError(f"separations must have shape (m, 3), got {r.shape}")
    if not np.all(np.isfinite(r)):
        raise ValueError("separations contain NaN or inf")
    m = r.shape[0]
    rot_i = check_rotations("rotations_i", rotations_i, m)
    rot_j = check_rotations("rotations_j", rotations_j, m)
    kappa = _positive("kappa", kappa)
    l_b = _positive("bjerrum_length", bjerrum_length)
    if check_overlap and m:
        bad = ellipsoid_overlap(r, rot_i, rot_j, particle_i.semi_axes, particle_j.semi_axes)
        if np.any(bad):
            raise ValueError(f"{int(bad.sum())} configurations have overlapping hard cores "
                             f"(first: index {int(np.argmax(bad))}); the site sum is undefined "
                             "there")
    return r, rot_i, rot_j, kappa, l_b


@dataclass(frozen=True, eq=False)
class SiteSumResult:
    """Truncated site sums: ``energies (m,)`` Phi / k_BT, ``error_bound (m,)`` [k_BT]
    (rigorous bound on |Phi_full - Phi|), ``r_cut`` [sigma] and the requested
    ``tolerance`` [k_BT] (error_bound <= tolerance always)."""

    energies: np.ndarray
    error_bound: np.ndarray
    r_cut: float
    tolerance: float


def cutoff_for_tolerance(particle_i: PatchyParticle, particle_j: PatchyParticle,
                         tolerance: float, kappa: float = PAPER_KAPPA,
                         bjerrum_length: float = PAPER_BJERRUM_LENGTH) -> float:
    """Smallest r_cut [sigma] with l_B exp(-kappa r_cut)/r_cut sum|Q_I| sum|Q_J| <= tolerance [k_BT]."""
    tol = _positive("tolerance", tolerance)
    kappa = _positive("kappa", kappa)
    l_b = _positive("bjerrum_length", bjerrum_length)
    scale = l_b * float(np.abs(particle_i.site_charges).sum() * np.abs(particle_j.site_charges).sum())
    if scale == 0.0:
        return 1e-12
    lo, hi = 1e-12, 1.0
    while scale * math.exp(-kappa * hi) / hi > tol:
        lo, hi = hi, 2.0 * hi
    for _ in range(200):                     # bisection on the decreasing exp(-kappa r)/r
        mid = 0.5 * (lo + hi)
        if scale * math.exp(-kappa * mid) / mid > tol:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * hi:
            break
    return hi


def _site_clusters(particle: PatchyParticle, n_clusters: int):
    """Group the sites into compact clusters: (sites, charges, ptr, centres, radii, |Q| sums).

    Cluster seeds are a Fibonacci lattice of ``n_clusters`` points on the particle
    surface; every site joins its nearest seed; a cluster's centre is the mean of its
    members and its radius the largest member distance [sigma]. Sites are reordered so
    that each cluster is contiguous (``ptr (n_c + 1,)``).
    """
    a, c = float(particle.semi_axes[0]), float(particle.semi_axes[2])
    n_c = max(1, min(int(n_clusters), particle.n_sites))
    pos = np.asarray(particle.site_positions)
    seeds = spheroid_surface_sites(max(n_c, 2), a, c)[0][:n_c]
    label = np.argmin(((pos[:, None, :] - seeds[None]) ** 2).sum(axis=2), axis=1)
    order = np.argsort(label, kind="stable")
    label = label[order]
    used = np.unique(label)
    ptr = np.searchsorted(label, np.r_[used, n_c]).astype(np.int64)
    ptr = np.r_[ptr[:-1], pos.shape[0]].astype(np.int64)
    sites = np.ascontiguousarray(pos[order])
    charges = np.ascontiguousarray(particle.site_charges[order])
    centres = np.array([sites[ptr[k]:ptr[k + 1]].mean(axis=0) for k in range(used.size)])
    radii = np.array([np.linalg.norm(sites[ptr[k]:ptr[k + 1]] - centres[k], axis=1).max()
                      for k in range(used.size)]) * (1.0 + 1e-12)
    abs_q = np.array([np.abs(charges[ptr[k]:ptr[k + 1]]).sum() for k in range(used.size)])
    return sites, charges, ptr, np.ascontiguousarray(centres), radii, abs_q


def truncated_site_sum(particle_i: PatchyParticle, particle_j: PatchyParticle, separations,
                       rotations_i, rotations_j, tolerance: float = 1e-4,
                       kappa: float = PAPER_KAPPA, bjerrum_length: float = PAPER_BJERRUM_LENGTH,
                       check_overlap: bool = True, parallel: bool = False,
                       n_clusters: int = 32, site_core="element") -> SiteSumResult:
    """Site-sum energies with site pairs beyond r_cut(tolerance) skipped, and their error bound.

    Arguments as :func:`site_sum_energy`; ``tolerance`` [k_BT] bounds |Phi_full - Phi| for
    every configuration (see the module docstring); ``parallel`` uses numba threads
    (``numba.set_num_threads``); ``n_clusters`` site clusters per particle.
    """
    r, rot_i, rot_j, kappa, l_b = _check_configurations(particle_i, particle_j, separations,
                                                        rotations_i, rotations_j, kappa,
                                                        bjerrum_length, check_overlap)
    tol = _positive("tolerance", tolerance)
    if int(n_clusters) != n_clusters or n_clusters < 1:
        raise ValueError(f"n_clusters must be a positive integer, got {n_clusters!r}")
    r_cut = cutoff_for_tolerance(particle_i, particle_j, tol, kappa, l_b)
    m = r.shape[0]
    out = np.empty(m)
    bound = np.empty(m)
    kernel = K.truncated_site_sums_parallel if parallel else K.truncated_site_sums
    kernel(*_site_clusters(particle_i, n_clusters), *_site_clusters(particle_j, n_clusters),
           r, rot_i, rot_j, kappa, l_b, r_cut, site_core_radius(particle_i, particle_j, site_core),
           out, bound)
    return SiteSumResult(out, bound, r_cut, tol)


def uniform_shells_energy(distance, radius: float, charge_i: float, charge_j: float,
                          kappa: float = PAPER_KAPPA,
                          bjerrum_length: float = PAPER_BJERRUM_LENGTH) -> np.ndarray:
    """Yukawa energy of two uniformly charged spherical shells, Phi / k_BT.

    l_B Q_I Q_J [sinh(kappa a) / (kappa a)]^2 exp(-kappa R) / R for R >= 2a (exact for
    the continuous surface integral of Eq. 16 with uniform density; no ion exclusion).
    ``distance`` [sigma] scalar or array, ``radius`` a [sigma], charges [e].
    """
    r = np.asarray(distance, dtype=np.float64)
    a = _positive("radius", radius)
    kappa = _positive("kappa", kappa)
    if np.any(r < 2.0 * a):
        raise ValueError(f"distance must be >= 2 * radius = {2 * a} (non-intersecting shells)")
    ka = kappa * a
    form = math.sinh(ka) / ka
    return bjerrum_length * charge_i * charge_j * form * form * np.exp(-kappa * r) / r
