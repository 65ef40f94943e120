"""Force field of the FG nanoparticle model (Giunta et al., ACS Nano 2023, Methods).

Units: Angstrom and kcal/mol (LAMMPS ``real``); the paper quotes nm, converted here.

Non-bonded, Eq. 11-12 (Fan & Grunwald's implicit solvent)::

    phi(r; s) = phi_LJ(r) + (1 - s) eps     for r <= 2^(1/6) sigma_b
              = s phi_LJ(r)                 for 2^(1/6) sigma_b < r <= r_c

This equals exactly ``(1 - s) * WCA(r) + s * LJ_cut(r)`` with WCA the LJ potential
cut and shifted at its minimum and LJ_cut the plain (unshifted) LJ cut at r_c, so
LAMMPS evaluates it analytically as ``pair_style hybrid/overlay lj/cut lj/cut``.

Bonds, Eq. 13: E = K_b/2 (b - b0)^2; LAMMPS ``bond_style harmonic`` is E = K (r - r0)^2,
so K_lammps = K_b / 2. Angles, Eq. 14: E = K_theta/2 (cos theta - cos theta0)^2;
LAMMPS ``angle_style cosine/squared`` is E = K (cos theta - cos theta0)^2, so
K_lammps = K_theta / 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NM = 10.0  # Angstrom per nm
KB_KCAL = 0.0019872043  # Boltzmann constant [kcal mol^-1 K^-1]


@dataclass(frozen=True)
class NanoparticleForceField:
    """Parameters in the paper's units; ``lammps_*`` properties convert them."""

    solvent_s: float
    sigma_b_nm: float = 0.47
    epsilon: float = 0.8365  # kcal/mol
    r_cut_nm: float = 1.2
    k_bond_nm: float = 149.3787  # kcal mol^-1 nm^-2, E = K_b/2 (b - b0)^2
    b0_nm: float = 0.47
    k_angle: float = 2.9876  # kcal/mol, E = K_theta/2 (cos - cos theta0)^2
    theta0_deg: float = 180.0

    def __post_init__(self):
        if not 0.0 <= self.solvent_s <= 1.0:
            raise ValueError(f"solvent parameter s must lie in [0, 1], got {self.solvent_s}")

    @property
    def sigma_b(self) -> float:
        return self.sigma_b_nm * NM

    @property
    def r_cut(self) -> float:
        return self.r_cut_nm * NM

    @property
    def r_min(self) -> float:
        return 2.0 ** (1.0 / 6.0) * self.sigma_b

    @property
    def lammps_bond_k(self) -> float:
        return self.k_bond_nm / NM**2 / 2.0

    @property
    def lammps_angle_k(self) -> float:
        return self.k_angle / 2.0

    def pair_energy(self, r) -> np.ndarray:
        """phi(r; s) of Eq. 11 [kcal/mol], zero beyond r_c."""
        r = np.asarray(r, dtype=np.float64)
        sr6 = (self.sigma_b / r) ** 6
        lj = 4.0 * self.epsilon * (sr6 * sr6 - sr6)
        inner = lj + (1.0 - self.solvent_s) * self.epsilon
        outer = self.solvent_s * lj
        return np.where(r <= self.r_min, inner, np.where(r <= self.r_cut, outer, 0.0))

    def bond_energy(self, b) -> np.ndarray:
        """Eq. 13 [kcal/mol] for bond lengths b [Angstrom]."""
        k = self.k_bond_nm / NM**2
        return 0.5 * k * (np.asarray(b) - self.b0_nm * NM) ** 2

    def angle_energy(self, theta_rad) -> np.ndarray:
        """Eq. 14 [kcal/mol] for angles in radians."""
        c0 = np.cos(np.deg2rad(self.theta0_deg))
        return 0.5 * self.k_angle * (np.cos(theta_rad) - c0) ** 2

    def lammps_variables(self) -> dict:
        """Substitutions for the LAMMPS templates in ``workflow/lammps``."""
        return {
            "sigma_b": f"{self.sigma_b:.6f}",
            "eps_wca": f"{(1.0 - self.solvent_s) * self.epsilon:.8f}",
            "eps_att": f"{self.solvent_s * self.epsilon:.8f}",
            "r_wca": f"{self.r_min:.8f}",
            "r_cut": f"{self.r_cut:.6f}",
            "bond_k": f"{self.lammps_bond_k:.8f}",
            "bond_r0": f"{self.b0_nm * NM:.6f}",
            "angle_k": f"{self.lammps_angle_k:.8f}",
            "angle_theta0": f"{self.theta0_deg:.4f}",
        }


def kT_kcal(temperature: float) -> float:
    """k_B T [kcal/mol] at ``temperature`` [K]."""
    return KB_KCAL * temperature
