"""Rule np_cluster_fit: ML12."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.clusters import run_cluster_fit

run_script(snakemake, run_cluster_fit)  # noqa: F821 (injected by Snakemake)
