"""Rule np_pair_features: symmetry-function force features."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.pipeline import run_pair_features

run_script(snakemake, run_pair_features)  # noqa: F821 (injected by Snakemake)
