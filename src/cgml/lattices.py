"""Lattices in cubic periodic boxes: starting configurations of MC and MD runs.

Units: whatever length unit ``density`` is given in (positions and box in that unit).
Kept apart from the MC engine so that fine-grained runs that only need a lattice do not
depend on the engine's code (see :func:`cgml.source_hash`).
"""

from __future__ import annotations

import numpy as np


def fcc_lattice(n_unit_cells: int, density: float):
    """Face-centred cubic lattice of 4 n^3 points in a cubic periodic box.

    n_unit_cells : unit cells per box edge; density : number density [1/length^3].
    Returns ``(positions (4 n^3, 3), box_lengths (3,))`` [length]; nearest-neighbour
    distance a / sqrt(2) with lattice constant a = (4 / density)^(1/3).
    """
    n = int(n_unit_cells)
    if n < 1 or not density > 0:
        raise ValueError("need n_unit_cells >= 1 and density > 0")
    a = (4.0 / density) ** (1.0 / 3.0)
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    grid = np.stack(np.meshgrid(np.arange(n), np.arange(n), np.arange(n), indexing="ij"), -1)
    positions = (grid.reshape(-1, 1, 3) + basis[None] + 0.25).reshape(-1, 3) * a
    return positions, np.full(3, n * a)


def simple_cubic_lattice(n_per_side: int, density: float):
    """Simple cubic lattice of n^3 points in a cubic periodic box at number density ``density``.

    Returns ``(positions (n^3, 3), box_lengths (3,))`` [length], spacing density^(-1/3).
    """
    n = int(n_per_side)
    if n < 1 or not density > 0:
        raise ValueError("need n_per_side >= 1 and density > 0")
    a = density ** (-1.0 / 3.0)
    grid = np.stack(np.meshgrid(np.arange(n), np.arange(n), np.arange(n), indexing="ij"), -1)
    return (grid.reshape(-1, 3) + 0.5) * a, np.full(3, n * a)
