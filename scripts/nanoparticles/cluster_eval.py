"""Rule np_cluster_eval: tables behind Figs. 3-5."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.clusters import run_cluster_eval

run_script(snakemake, run_cluster_eval)  # noqa: F821 (injected by Snakemake)
