"""Rule np_cluster_features: force features of the cluster pool."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.clusters import run_cluster_features

run_script(snakemake, run_cluster_features)  # noqa: F821 (injected by Snakemake)
