"""Rule np_cp_many_data: mean forces of FG snapshots (data set for ML108)."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.colloid_polymer import run_cp_many_data

run_script(snakemake, run_cp_many_data)  # noqa: F821 (injected by Snakemake)
