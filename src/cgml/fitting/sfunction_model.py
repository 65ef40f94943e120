"""Linear S-function models for anisotropic pairs (Campos-Villalobos et al. 2024, Eqs. 12, 18).

A model is a selection of columns of an S-function candidate pool (angular monomials x
radial functions, :mod:`cgml.descriptors.sfunctions`) and one weight per selected
column:

    Phi_I = sum_k w_k G_k(I),   G_k(I) = sum_J Lambda_r(R_IJ) f_c(R_IJ) M_k(Omega_I, Omega_J, Omega_IJ)

* ``centres="both"`` (pair energies, the patchy and superball models): the pair energy is
  Phi = Phi_I + Phi_J, i.e. the regressor of a pair configuration is the sum of the
  I-centred and J-centred terms. Whatever the pool, this is symmetric under exchange
  of the two particles, as a pair energy must be.
* ``centres="one"`` (the contact function sigma_s of Eq. 17): the quantity is
  sum_k w_k G_k(I) of the I-centred term alone, Lambda = f_c = 1.

No constant term: with a cutoff the energy vanishes when the particles are apart. The
units are the caller's (stated in ``units``): separations [length], energies [energy].
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cgml.descriptors.sfunctions import AngularBasis, RadialBasis, compute_pair_terms
from cgml.io import write_json

__all__ = ["SFunctionPairModel", "pair_regressors"]

_CENTRES = ("both", "one")


def pair_regressors(rotations_i, rotations_j, separations, angular: AngularBasis,
                    radial: RadialBasis, r_cut: float | None, centres: str = "both",
                    cutoff: str = "tanh3") -> np.ndarray:
    """Design matrix ``(m, n_r * n_k)`` of pair configurations.

    ``separations (m, 3)`` = R_J - R_I [length]; ``rotations_i, rotations_j (m, 3, 3)``.
    ``centres="both"``: G(I) + G(J) (J-centred term with I and J exchanged and the
    separation reversed); ``"one"``: G(I) only.
    """
    if centres not in _CENTRES:
        raise ValueError(f"centres must be one of {_CENTRES}, got {centres!r}")
    terms = compute_pair_terms(rotations_i, rotations_j, separations, angular, radial, r_cut, cutoff)
    if centres == "both":
        terms = terms + compute_pair_terms(rotations_j, rotations_i, -np.asarray(separations, float),
                                           angular, radial, r_cut, cutoff)
    return terms


@dataclass(frozen=True, eq=False)
class SFunctionPairModel:
    """A fitted linear S-function model (see the module docstring).

    angular, radial : the candidate pool's bases; r_cut [length] (None for radial "none");
    selected (s,) : pool column indices (radial-major, r * n_k + k) in selection order;
    weights (s,) : [target units]; centres : "both" or "one"; cutoff : "tanh3" / "cosine";
    units, metrics : free-form records (e.g. {"length": "sigma", "energy": "kT"}).
    """

    angular: AngularBasis
    radial: RadialBasis
    r_cut: float | None
    selected: np.ndarray
    weights: np.ndarray
    centres: str = "both"
    cutoff: str = "tanh3"
    units: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)

    def __post_init__(self):
        selected = np.array(self.selected, dtype=np.int64, ndmin=1, copy=True)
        weights = np.array(self.weights, dtype=np.float64, ndmin=1, copy=True)
        if selected.shape != weights.shape:
            raise ValueError(f"{weights.size} weights for {selected.size} selected columns")
        n_pool = len(self.angular) * len(self.radial)
        if selected.size and (selected.min() < 0 or selected.max() >= n_pool):
            raise ValueError(f"selected columns must lie in [0, {n_pool}) (the pool size)")
        if self.centres not in _CENTRES:
            raise ValueError(f"centres must be one of {_CENTRES}, got {self.centres!r}")
        selected.setflags(write=False)
        weights.setflags(write=False)
        object.__setattr__(self, "selected", selected)
        object.__setattr__(self, "weights", weights)

    @property
    def n_features(self) -> int:
        return int(self.selected.size)

    @property
    def labels(self) -> tuple[str, ...]:
        """Labels of the selected columns, e.g. ``"exp(-10R)*[S110^00]^2"``."""
        pool = tuple((f"{r}*{a}" if r else a) for r in self.radial.labels for a in self.angular.labels)
        return tuple(pool[j] for j in self.selected)

    def regressors(self, rotations_i, rotations_j, separations) -> np.ndarray:
        """Selected columns of the design matrix, ``(m, s)``."""
        full = pair_regressors(rotations_i, rotations_j, separations, self.angular, self.radial,
                               self.r_cut, self.centres, self.cutoff)
        return full[:, self.selected]

    def predict(self, rotations_i, rotations_j, separations) -> np.ndarray:
        """The modelled quantity for each pair configuration, ``(m,)`` [target units]."""
        return self.regressors(rotations_i, rotations_j, separations) @ self.weights

    # ------------------------------------------------------------------ persistence
    def to_dict(self) -> dict:
        return {
            "angular": {"functions": list(self.angular.functions),
                        "exponents": self.angular.exponents.tolist()},
            "radial": {"kind": self.radial.kind, "mu": self.radial.mu.tolist(),
                       "r_s": self.radial.r_s.tolist()},
            "r_cut": self.r_cut, "selected": self.selected.tolist(), "weights": self.weights.tolist(),
            "labels": list(self.labels), "centres": self.centres, "cutoff": self.cutoff,
            "units": dict(self.units), "metrics": dict(self.metrics),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "SFunctionPairModel":
        try:
            angular = AngularBasis(tuple(data["angular"]["functions"]),
                                   np.array(data["angular"]["exponents"], dtype=np.int64))
            radial = RadialBasis(data["radial"]["kind"], data["radial"]["mu"], data["radial"]["r_s"])
            return cls(angular, radial, data["r_cut"], data["selected"], data["weights"],
                       data.get("centres", "both"), data.get("cutoff", "tanh3"),
                       data.get("units", {}), data.get("metrics", {}))
        except KeyError as err:
            raise ValueError(f"S-function model lacks key {err}") from None

    def save(self, path, provenance: dict | None = None) -> Path:
        """Write the model as JSON (atomically), with the provenance record if given."""
        data = self.to_dict()
        if provenance is not None:
            data["provenance"] = provenance
        return write_json(path, data)

    @classmethod
    def load(cls, path) -> "SFunctionPairModel":
        path = Path(path)
        try:
            return cls.from_dict(json.loads(path.read_text()))
        except (ValueError, json.JSONDecodeError) as err:
            raise ValueError(f"{path}: not an S-function model ({err})") from None
