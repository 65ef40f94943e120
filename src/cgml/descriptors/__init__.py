"""Descriptors of local environments: Behler-Parrinello symmetry functions (this stage).

Units: any length unit used consistently by positions, box lengths and cutoffs (the
nanoparticle paper uses sigma_c); see :mod:`cgml.descriptors.symmetry` for the
formulas and conventions.
"""

from cgml.descriptors.cutoffs import (
    CUTOFF_COSINE,
    CUTOFF_TANH3,
    cutoff_code,
    cutoff_cosine,
    cutoff_tanh3,
)
from cgml.descriptors.symmetry import (
    AngularSet,
    RadialSet,
    SFKernelParameters,
    SFResult,
    centre_values,
    compute_symmetry_functions,
    pack_kernel_parameters,
    sf_energy,
    values_for_centres,
)

__all__ = [
    "CUTOFF_COSINE",
    "CUTOFF_TANH3",
    "AngularSet",
    "RadialSet",
    "SFKernelParameters",
    "SFResult",
    "centre_values",
    "compute_symmetry_functions",
    "cutoff_code",
    "cutoff_cosine",
    "cutoff_tanh3",
    "pack_kernel_parameters",
    "sf_energy",
    "values_for_centres",
]
