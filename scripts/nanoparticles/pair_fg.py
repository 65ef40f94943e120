"""Rule np_pair_fg: one constrained LAMMPS run of two nanoparticles."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.fine_grained import run_pair_fg

run_script(snakemake, run_pair_fg)  # noqa: F821 (injected by Snakemake)
