"""Rule np_cluster_confine: confined 12-NP cluster run."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.fine_grained import run_cluster_confine

run_script(snakemake, run_cluster_confine)  # noqa: F821 (injected by Snakemake)
