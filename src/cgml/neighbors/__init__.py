"""Neighbour search shared by every descriptor and simulation engine.

Units: whatever length unit the caller uses (positions, box lengths and r_cut must
agree). Boxes are orthorhombic, ``box_lengths (3,)``, spanning ``[0, L)`` in each
periodic direction; ``box_lengths=None`` means open boundaries.
"""

from cgml.neighbors.cells import (
    CellList,
    NeighborList,
    build_cell_list,
    build_neighbor_list,
    minimum_image,
)

__all__ = ["CellList", "NeighborList", "build_cell_list", "build_neighbor_list", "minimum_image"]
