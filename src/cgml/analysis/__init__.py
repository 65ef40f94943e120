"""Analysis of configurations: g(r), coordination numbers, bond-orientational order.

Units: lengths in the caller's length unit (positions, box lengths and cutoffs must
agree); g(r) and order parameters are dimensionless. Boxes are orthorhombic,
``box_lengths (3,)``, periodic unless stated otherwise.
"""

from cgml.analysis.order import (
    BondOrder,
    SolidLike,
    compute_bond_order,
    count_crystalline_bonds,
    spherical_harmonics,
)
from cgml.analysis.rdf import RDF, coordination_number

__all__ = [
    "RDF",
    "coordination_number",
    "BondOrder",
    "SolidLike",
    "compute_bond_order",
    "count_crystalline_bonds",
    "spherical_harmonics",
]
