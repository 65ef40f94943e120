"""Force field of the FG nanoparticle model (Giunta et al., ACS Nano 2023, Methods).

Units: Angstrom and kcal/mol (LAMMPS ``real``); the paper quotes nm, converted here.

Non-bonded, Eq. 11-12 (Fan & Grunwald's implicit solvent)::

    phi(r; s) = phi_LJ(r) + (1 - s) eps     for r <= 2^(1/6) sigma_b
              = s phi_LJ(r)                 for 2^(1/6) sigma_b < r <= r_c

This equals exactly ``(1 - s) * WCA(r) + s * LJ_cut(r)`` with WCA the LJ potential
cut and shifted at its minimum and LJ_cut the plain (unshifted) LJ cut at r_c, so
LAMMPS can evaluate it analytically as ``pair_style hybrid/overlay lj/cut lj/cut``
(``pair_table_points = 0``). The default is one ``pair_style table linear`` of the same
function, tabulated on LAMMPS' own r^2 grid from the analytic energies and forces:
hybrid/overlay builds a neighbour (skip) list per sub-style, and on the 3,300-bead
two-nanoparticle runs neighbour builds took 44% of the time. With the table a 5,000-step
production run took 13.5 s instead of 18.7 (neighbour builds 3.2 s instead of 7.6;
laptop workflow, two jobs on two cores; ``benchmarks/nanoparticles_speed.py`` times
both), and energies and forces differ from Eq. 11 by < 1e-6 and < 1e-5 relative at bead
distances (tested against these formulas).

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
    pair_table_points: int = 0  # 0: analytic hybrid/overlay; N > 0: pair_style table linear N
    table_inner_nm: float = 0.01  # closest tabulated distance (LAMMPS stops on a closer pair)

    TABLE_FILE = "eq11.table"

    def __post_init__(self):
        if not 0.0 <= self.solvent_s <= 1.0:
            raise ValueError(f"solvent parameter s must lie in [0, 1], got {self.solvent_s}")
        if self.pair_table_points != 0 and self.pair_table_points < 100:
            raise ValueError(f"pair_table_points must be 0 (analytic) or >= 100, got "
                             f"{self.pair_table_points}")
        if not 0.0 < self.table_inner_nm < self.sigma_b_nm / 2:
            raise ValueError(f"table_inner_nm must lie in (0, sigma_b/2), got {self.table_inner_nm}")

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

    def pair_force(self, r) -> np.ndarray:
        """-d phi/dr of Eq. 11 [kcal/mol/Angstrom], zero beyond r_c."""
        r = np.asarray(r, dtype=np.float64)
        sr6 = (self.sigma_b / r) ** 6
        f_lj = 24.0 * self.epsilon * (2.0 * sr6 * sr6 - sr6) / r
        return np.where(r <= self.r_min, f_lj, np.where(r <= self.r_cut, self.solvent_s * f_lj, 0.0))

    def lammps_pair_commands(self) -> str:
        """The pair_style / pair_coeff lines (analytic hybrid or one linear table)."""
        if self.pair_table_points:
            return (f"pair_style      table linear {self.pair_table_points}\n"
                    f"pair_coeff      * * {self.TABLE_FILE} EQ11 {self.r_cut:.6f}")
        return (f"pair_style      hybrid/overlay lj/cut {self.r_min:.8f} lj/cut {self.r_cut:.6f}\n"
                f"pair_coeff      * * lj/cut 1 {(1.0 - self.solvent_s) * self.epsilon:.8f} "
                f"{self.sigma_b:.6f} {self.r_min:.8f}\n"
                f"pair_coeff      * * lj/cut 2 {self.solvent_s * self.epsilon:.8f} "
                f"{self.sigma_b:.6f} {self.r_cut:.6f}\n"
                f"pair_modify     pair lj/cut 1 shift yes")

    def lammps_table(self) -> str:
        """Eq. 11 as a LAMMPS pair table (keyword EQ11), analytic energies and forces.

        ``N n RSQ r_lo r_c``: n points equally spaced in r^2 between r_lo and r_c, the
        spacing of the n-point table ``pair_style table linear n`` interpolates in; LAMMPS
        spline-fits the file onto that table, and the tests bound the result against
        Eq. 11 (energies 1e-6, forces 1e-5 relative).
        """
        n = int(self.pair_table_points)
        if n <= 0:
            raise ValueError("lammps_table needs pair_table_points > 0")
        r_lo = self.table_inner_nm * NM
        r = np.sqrt(np.linspace(r_lo * r_lo, self.r_cut * self.r_cut, n))
        r[-1] = self.r_cut
        energy, force = self.pair_energy(r), self.pair_force(r)
        lines = [f"# Eq. 11 of Giunta et al. 2023, s = {self.solvent_s}: r [A], E [kcal/mol], "
                 f"F = -dE/dr [kcal/mol/A]; cgml.fg.forcefield", "", "EQ11",
                 f"N {n} RSQ {r_lo:.10g} {self.r_cut:.10g}", ""]
        lines += [f"{k + 1} {r[k]:.12g} {energy[k]:.15g} {force[k]:.15g}" for k in range(n)]
        return "\n".join(lines) + "\n"

    def lammps_files(self) -> dict:
        """Files the rendered force field reads, {name: text} (the table, if used)."""
        return {self.TABLE_FILE: self.lammps_table()} if self.pair_table_points else {}

    def lammps_variables(self) -> dict:
        """Substitutions for the LAMMPS templates in ``workflow/lammps``."""
        return {
            "pair_commands": self.lammps_pair_commands(),
            "r_wca": f"{self.r_min:.8f}",  # range of the soft push-off before Eq. 11
            "bond_k": f"{self.lammps_bond_k:.8f}",
            "bond_r0": f"{self.b0_nm * NM:.6f}",
            "angle_k": f"{self.lammps_angle_k:.8f}",
            "angle_theta0": f"{self.theta0_deg:.4f}",
        }


def kT_kcal(temperature: float) -> float:
    """k_B T [kcal/mol] at ``temperature`` [K]."""
    return KB_KCAL * temperature
