"""Conversions between the FG (LAMMPS real) and CG (sigma_c, k_BT) units of the paper."""

from __future__ import annotations

from dataclasses import dataclass

from cgml.fg.forcefield import NM, kT_kcal


@dataclass(frozen=True)
class ReducedUnits:
    """``sigma_c`` [Angstrom] and ``kT`` [kcal/mol]."""

    sigma_c: float
    kT: float

    @classmethod
    def from_config(cls, np_cfg: dict) -> "ReducedUnits":
        return cls(sigma_c=np_cfg["sigma_c_nm"] * NM, kT=kT_kcal(np_cfg["temperature_K"]))

    def force_to_reduced(self, force_kcal_per_A):
        """kcal mol^-1 A^-1 -> k_BT / sigma_c."""
        return force_kcal_per_A * self.sigma_c / self.kT

    def length_to_reduced(self, length_A):
        return length_A / self.sigma_c
