"""Rule np_cluster_fg: constrained run of a sampled cluster."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.fine_grained import run_cluster_fg

run_script(snakemake, run_cluster_fg)  # noqa: F821 (injected by Snakemake)
