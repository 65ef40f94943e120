"""Rule an_sc_curves: contour and Eq. 17 curves."""
from cgml.entry import run_script
from cgml.papers.anisotropic.shapes import run_spherocylinder_curves

run_script(snakemake, run_spherocylinder_curves)  # noqa: F821 (injected by Snakemake)
