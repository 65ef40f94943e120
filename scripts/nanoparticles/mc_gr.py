"""Rule np_mc_gr: NVT MC g(R)."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.bulk import run_mc_gr

run_script(snakemake, run_mc_gr)  # noqa: F821 (injected by Snakemake)
