"""Simulation engines: Metropolis Monte Carlo (NVT, NPT) with pluggable potentials.

Units: reduced; lengths in the paper's length unit, energies in kT (kT = 1 unless
``beta`` is given), pressure in kT/length^3. See :mod:`cgml.simulate.potentials` for the
potential protocol and :mod:`cgml.simulate.mc` for the moves.
"""

from cgml.simulate.mc import (
    MCResult,
    MCState,
    Periodic,
    ProgressLog,
    StepSizes,
    adapt_step_sizes,
    check_energy,
    fcc_lattice,
    init_state,
    recompute_energy,
    run_npt,
    run_nvt,
    simple_cubic_lattice,
)
from cgml.simulate.potentials import (
    PairPotential,
    hard_spheres,
    lennard_jones,
    mie,
    no_interaction,
    pseudo_hard_spheres,
    tabulated,
    weeks_chandler_andersen,
)

from cgml.simulate.sf_potential import SFPotential, sf_potential

__all__ = [
    "SFPotential",
    "sf_potential",
    "MCResult",
    "MCState",
    "Periodic",
    "ProgressLog",
    "StepSizes",
    "adapt_step_sizes",
    "check_energy",
    "fcc_lattice",
    "init_state",
    "recompute_energy",
    "run_npt",
    "run_nvt",
    "simple_cubic_lattice",
    "PairPotential",
    "hard_spheres",
    "lennard_jones",
    "mie",
    "no_interaction",
    "pseudo_hard_spheres",
    "tabulated",
    "weeks_chandler_andersen",
]
