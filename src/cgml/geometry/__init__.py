"""Geometry of hard anisotropic bodies: overlap tests, contact distances, overlap volumes.

Units: one length unit used consistently by positions, separations and sizes (the
papers use the particle diameter sigma, or sigma_perp for ellipsoids); orientations are
rotation matrices whose columns are the body axes in the lab frame
(:mod:`cgml.geometry.rotations`).

Modules:

``spherocylinder``  Vega-Lago minimum segment distance, hard-spherocylinder overlap and
                    contact distance (Campos-Villalobos et al., npj Comput. Mater. 2024,
                    Methods, "Contact function of hard spherocylinders").
``ellipsoid``       Perram-Wertheim contact function, exact ellipsoid overlap test and
                    contact distance.
``superball``       superball inside test, GJK hard-core overlap test and contact
                    distance, Monte Carlo overlap volume of two depletion zones.
"""

from cgml.geometry.ellipsoid import (
    PerramWertheimResult,
    ellipsoid_contact_distance,
    ellipsoid_overlap,
    perram_wertheim,
    prolate_semi_axes,
)
from cgml.geometry.rotations import (
    random_rotation_matrices,
    rotation_matrices_from_quaternions,
    rotation_matrix_about_axis,
)
from cgml.geometry.spherocylinder import (
    SegmentDistanceResult,
    segment_distance,
    spherocylinder_contact_distance,
    spherocylinder_overlap,
)
from cgml.geometry.superball import (
    OverlapVolumeResult,
    superball_bounding_half_extents,
    superball_contact_distance,
    superball_distance,
    superball_inside,
    superball_overlap,
    superball_overlap_volume,
)

__all__ = [
    "OverlapVolumeResult",
    "PerramWertheimResult",
    "SegmentDistanceResult",
    "ellipsoid_contact_distance",
    "ellipsoid_overlap",
    "perram_wertheim",
    "prolate_semi_axes",
    "random_rotation_matrices",
    "rotation_matrices_from_quaternions",
    "rotation_matrix_about_axis",
    "segment_distance",
    "spherocylinder_contact_distance",
    "spherocylinder_overlap",
    "superball_bounding_half_extents",
    "superball_contact_distance",
    "superball_distance",
    "superball_inside",
    "superball_overlap",
    "superball_overlap_volume",
]
