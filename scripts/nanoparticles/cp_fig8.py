"""Rule np_cp_fig8: Fig. 8 of the nanoparticle paper (colloid-polymer g(r))."""
from cgml.entry import run_script
from cgml.plotting.colloid_polymer import run_fig8

run_script(snakemake, run_fig8)  # noqa: F821 (injected by Snakemake)
