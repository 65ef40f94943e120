"""Paper ``nanoparticles``: Giunta, Campos-Villalobos, Dijkstra, ACS Nano 17, 23391 (2023).

Units: FG in LAMMPS ``real`` (Angstrom, kcal/mol); CG in sigma_c (core diameter) and
k_BT at T = 300 K. :mod:`.units` converts between them.
"""
