"""Linear symmetry-function models: Phi = sum_K sum_J w_J G_J(K) (Giunta et al. 2023, Eq. 8)
and F_I = -sum_J w_J Psi_J(I) with Psi_J(I) = sum_K dG_J(K)/dR_I (Eq. 7).

Units: the model's own reduced units, stated in ``units`` (nanoparticles: lengths in
sigma_c, energies in k_BT, forces in k_BT/sigma_c). No constant term: Phi vanishes
when no two particles are within the cutoff (infinite dilution).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cgml.descriptors import AngularSet, RadialSet, compute_symmetry_functions
from cgml.io import write_json


@dataclass(frozen=True)
class SymmetryFunctionModel:
    """Selected symmetry functions and their weights."""

    r_cut: float
    cutoff: str
    radial: RadialSet | None
    angular: AngularSet | None
    weights: np.ndarray
    units: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)

    def __post_init__(self):
        n = (0 if self.radial is None else len(self.radial.mu)) + (
            0 if self.angular is None else len(self.angular.mu_a))
        if n != len(self.weights):
            raise ValueError(f"{len(self.weights)} weights for {n} symmetry functions")

    @property
    def n_features(self) -> int:
        return len(self.weights)

    def _sf(self, positions, box_lengths, force_features):
        return compute_symmetry_functions(positions, self.r_cut, radial=self.radial, angular=self.angular,
                                          box_lengths=box_lengths, cutoff=self.cutoff,
                                          force_features=force_features)

    def particle_energies(self, positions, box_lengths=None) -> np.ndarray:
        """Phi_K (n,) [energy]."""
        return self._sf(positions, box_lengths, False).values @ self.weights

    def energy(self, positions, box_lengths=None) -> float:
        """Phi (Eq. 8) [energy]."""
        return float(self.particle_energies(positions, box_lengths).sum())

    def forces(self, positions, box_lengths=None) -> np.ndarray:
        """F (n, 3) = -sum_J w_J Psi_J [energy/length] (Eq. 7)."""
        return -(self._sf(positions, box_lengths, True).force_features @ self.weights)

    def to_dict(self) -> dict:
        return {
            "kind": "symmetry_function_linear",
            "r_cut": self.r_cut, "cutoff": self.cutoff,
            "radial": None if self.radial is None else {"mu": self.radial.mu, "r_s": self.radial.r_s},
            "angular": None if self.angular is None else {
                "mu_a": self.angular.mu_a, "lam": self.angular.lam, "xi": self.angular.xi},
            "weights": self.weights, "units": self.units, "metrics": self.metrics,
        }

    def save(self, path, provenance: dict | None = None) -> None:
        data = self.to_dict()
        data["provenance"] = provenance or {}
        write_json(path, data)

    @classmethod
    def load(cls, path) -> "SymmetryFunctionModel":
        try:
            return cls._from_dict(json.loads(Path(path).read_text()), path)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            if str(err).startswith(f"{path}:"):
                raise
            raise ValueError(f"{path}: not a symmetry-function model ({type(err).__name__}: {err})") from err

    @classmethod
    def _from_dict(cls, data, path) -> "SymmetryFunctionModel":
        if data.get("kind") != "symmetry_function_linear":
            raise ValueError(f"{path}: not a symmetry-function model (kind={data.get('kind')!r})")
        rad = data["radial"]
        ang = data["angular"]
        return cls(
            r_cut=float(data["r_cut"]), cutoff=data["cutoff"],
            radial=None if rad is None else RadialSet(np.asarray(rad["mu"], float), np.asarray(rad["r_s"], float)),
            angular=None if ang is None else AngularSet(np.asarray(ang["mu_a"], float),
                                                        np.asarray(ang["lam"], float),
                                                        np.asarray(ang["xi"], float)),
            weights=np.asarray(data["weights"], float), units=data.get("units", {}),
            metrics=data.get("metrics", {}),
        )
