# Replication workflow for five papers on machine-learned coarse-grained potentials.
#   toy (CI):     snakemake --cores 2 --configfile config/toy.yaml
#   laptop:       snakemake --cores 2 --configfile config/laptop.yaml
#   paper:        snakemake --profile workflow/profiles/slurm
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/nanoparticles.smk"
include: "workflow/rules/anisotropic.smk"


rule all:
    default_target: True
    input:
        f"{RESULTS}/scorecard.csv",
        paper_targets(),
