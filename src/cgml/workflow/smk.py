"""Small helpers the Snakemake rule files import (kept out of the .smk files)."""

from __future__ import annotations

from cgml.workflow.entry import rule_seed

__all__ = ["rule_seed", "lammps_runtime_minutes"]


def lammps_runtime_minutes(steps: int, atoms: int, mpi_tasks: int = 1, atom_steps_per_second: float = 1.0e6) -> int:
    """Wall-time request [min] for a LAMMPS job: measured ~1e6 atom-steps/s per MPI task
    for the nanoparticle force field on one core, with a factor 2 margin and 10 min floor."""
    seconds = steps * atoms / (atom_steps_per_second * max(1, mpi_tasks))
    return int(10 + 2 * seconds / 60)
