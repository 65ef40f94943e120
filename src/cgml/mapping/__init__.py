"""Fine-grained -> coarse-grained mapping: centres of mass and summed forces.

Units: whatever the trajectory carries (LAMMPS ``real``: Angstrom, kcal/mol/Angstrom);
conversion to reduced CG units is done by the caller, explicitly.
"""

from cgml.mapping.forces import MappedFrames, map_lammps_dump, map_frames

__all__ = ["MappedFrames", "map_lammps_dump", "map_frames"]
