"""Fine-grained (FG) systems: builders, LAMMPS input rendering and running.

Units: LAMMPS ``real`` (Angstrom, kcal/mol, fs, g/mol) throughout this subpackage.
"""
