"""Lattices in periodic boxes: starting configurations of MC and MD runs.

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


def random_packing(n: int, density: float, min_distance: float, rng: np.random.Generator,
                   max_attempts: int = 1000):
    """n points placed one by one at uniform random positions of a cubic periodic box,
    each at least ``min_distance`` (minimum image) from those already placed: a fluid-like
    start (random sequential addition).

    Returns ``(positions (n, 3), box_lengths (3,))`` [length] at number density ``density``.
    Raises ValueError if a point finds no free spot in ``max_attempts`` tries (the packing
    fraction of the exclusion spheres, pi/6 density min_distance^3, must stay well below
    the random sequential addition limit 0.38).
    """
    n = int(n)
    if n < 1 or not density > 0 or not min_distance >= 0:
        raise ValueError(f"need n >= 1, density > 0, min_distance >= 0; got {n}, {density}, {min_distance}")
    side = (n / density) ** (1.0 / 3.0)
    positions = np.empty((n, 3))
    d2 = float(min_distance) ** 2
    for k in range(n):
        for _ in range(max_attempts):
            trial = rng.uniform(0.0, side, 3)
            d = positions[:k] - trial
            d -= side * np.rint(d / side)
            if k == 0 or np.min(np.sum(d * d, axis=1)) >= d2:
                positions[k] = trial
                break
        else:
            raise ValueError(f"random_packing: no room for point {k + 1} of {n} at min_distance "
                             f"{min_distance} and density {density} (exclusion packing fraction "
                             f"{np.pi / 6 * density * min_distance**3:.3f}) after {max_attempts} tries")
    return positions, np.full(3, side)


def rod_close_packing_density(length: float, diameter: float) -> float:
    """Densest packing of spherocylinders, rho_cp = 2 / (sqrt(3) sigma^2 (L + sqrt(2/3) sigma))
    [1/length^3]: hexagonal layers, every second one over the hollows of the one below."""
    return 2.0 / (np.sqrt(3.0) * diameter ** 2 * (length + np.sqrt(2.0 / 3.0) * diameter))


def _rod_crystal_shape(n: int, aspect: float):
    """(layers, nx, ny) with 2 nx ny layers == n, layers even, and the box closest to cubic.

    Box edges in units of the in-layer spacing a: nx, ny sqrt(3), layers * aspect.
    None when n has no such factorisation.
    """
    best, best_score = None, np.inf
    if n % 4:
        return None
    half = n // 2
    for layers in range(2, half + 1, 2):
        if half % layers:
            continue
        cells = half // layers
        for nx in range(1, cells + 1):
            if cells % nx:
                continue
            ny = cells // nx
            edges = np.log([nx, ny * np.sqrt(3.0), layers * aspect])
            score = float(np.ptp(edges))
            if score < best_score:
                best, best_score = (layers, nx, ny), score
    return best


def hexagonal_rod_crystal(n: int, length: float, diameter: float, density: float):
    """Close-packed crystal of rods (spherocylinders) parallel to z, AB-stacked hexagonal layers.

    Rods of cylinder length ``length`` and diameter ``diameter`` on a triangular lattice of
    spacing sigma in each layer; the rods of every second layer (B) sit over the hollows
    between three rods of the layer below (A), their caps nestled, so consecutive layers
    are L + sqrt(2/3) sigma apart and no rod can slide along its axis into the next layer
    (with AAA stacking the columns are free 1D fluids and the layers melt). Close packing
    rho_cp = 2 / (sqrt(3) sigma^2 (L + sqrt(2/3) sigma)), the densest packing of hard
    spherocylinders (Bolhuis & Frenkel, J. Chem. Phys. 106, 666 (1997); hcp for L = 0);
    the crystal is then scaled uniformly to ``density`` (<= rho_cp). ``n`` must be a
    multiple of 4 (2 rods per rectangular cell, an even number of layers); the box closest
    to cubic is chosen, e.g. n = 896 gives 4 layers of 14 x 8 rectangular cells.

    Returns ``(positions (n, 3), box_lengths (3,))`` [length].
    """
    n = int(n)
    if n < 4 or not (length >= 0 and diameter > 0 and density > 0):
        raise ValueError(f"need n >= 4, length >= 0, diameter > 0, density > 0; got n={n}, "
                         f"length={length}, diameter={diameter}, density={density}")
    spacing = length + np.sqrt(2.0 / 3.0) * diameter
    rho_cp = rod_close_packing_density(length, diameter)
    if density > rho_cp * (1 + 1e-12):
        raise ValueError(f"density {density} exceeds the close packing {rho_cp:.6g} of rods with "
                         f"L = {length}, sigma = {diameter}")
    shape = _rod_crystal_shape(n, spacing / diameter)
    if shape is None:
        raise ValueError(f"n = {n} is not 2 nx ny layers with an even number of layers: an "
                         f"AB-stacked rod crystal needs n divisible by 4")
    layers, nx, ny = shape
    cell = np.array([diameter, diameter * np.sqrt(3.0), spacing])
    basis = np.array([[0.25, 0.25, 0.5], [0.75, 0.75, 0.5]])  # a rectangular cell of 2 rods
    grid = np.stack(np.meshgrid(np.arange(nx), np.arange(ny), np.arange(layers), indexing="ij"), -1)
    frac = (grid.reshape(-1, 1, 3) + basis[None]).reshape(-1, 3)
    frac[:, :2] += (frac[:, 2:] // 1 % 2) * np.array([0.5, 1.0 / 6.0])  # B layers over hollows
    box = np.array([nx, ny, layers]) * cell
    scale = (rho_cp / density) ** (1.0 / 3.0)
    positions = np.mod(frac * cell, box) * scale
    return positions, box * scale
