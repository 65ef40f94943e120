"""Paper `anisotropic`: Campos-Villalobos, Subert, Giunta, Dijkstra, npj Comput. Mater. (2024).

Machine-learned coarse-grained potentials for particles with anisotropic shapes and
interactions: S-function descriptors, linear models chosen by forward stepwise
selection, and Monte Carlo with the fitted potentials.
"""
