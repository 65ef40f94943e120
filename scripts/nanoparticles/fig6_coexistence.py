"""Rule np_fig6_coexistence: beta mu(P) of both phases, the Frenkel-Ladd integrand, the isotherms."""
from cgml.entry import run_script
from cgml.plotting.coexistence import run_fig6_coexistence

run_script(snakemake, run_fig6_coexistence)  # noqa: F821 (injected by Snakemake)
