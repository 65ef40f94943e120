"""Rule np_pair_pmf: FG PMF and Phi_ML2."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.pipeline import run_pair_pmf

run_script(snakemake, run_pair_pmf)  # noqa: F821 (injected by Snakemake)
