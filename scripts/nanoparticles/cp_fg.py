"""Rule np_cp_fg: FG semi-grand MC of colloids + ideal polymers (Fig. 8)."""
from cgml.entry import run_script
from cgml.papers.nanoparticles.colloid_polymer import run_cp_fg

run_script(snakemake, run_cp_fg)  # noqa: F821 (injected by Snakemake)
