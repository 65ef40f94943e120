"""Rule np_pair_map: mean forces from the FG dumps."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.pipeline import run_pair_map

run_script(snakemake, run_pair_map)  # noqa: F821 (injected by Snakemake)
