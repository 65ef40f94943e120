"""Rule np_cp_pair_data: mean forces of colloid pairs (data set for ML2)."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.colloid_polymer import run_cp_pair_data

run_script(snakemake, run_cp_pair_data)  # noqa: F821 (injected by Snakemake)
