"""Rule np_cluster_map: mean forces of the cluster data set."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.clusters import run_cluster_map

run_script(snakemake, run_cluster_map)  # noqa: F821 (injected by Snakemake)
