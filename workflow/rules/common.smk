# Shared definitions: result paths, code hash, seeds, resources, the gathered scorecard.
from cgml.workflow import check_config
from cgml.workflow.smk import (
    chained_lammps_request,
    chained_request,
    code_hash,
    config_sections,
    lammps_runtime_minutes,
    rule_seed,
)

check_config(config, schema_path="workflow/schemas/config.schema.yaml")

SCALE = config["scale"]
RESULTS = f"results/{SCALE}"
LOGS = f"{RESULTS}/logs"
BENCH = f"{RESULTS}/benchmarks"
# Snakemake does not see imported code: every rule carries in its params the hash of the
# package code its script can import (code_hash: the static import closure), so a change
# to that code reruns the rule and no other.
CODE = code_hash("scripts/gather_scorecard.py")
LAMMPS = config["engines"]["lammps"]
# what a LAMMPS job runs with (its params); mpi_tasks and max_job_minutes only size the
# request, so changing them (e.g. for another cluster) does not rerun finished runs
LAMMPS_RUN = {key: LAMMPS[key] for key in ("executable", "launcher")}
PAPER_TARGETS = {}


# a reproducible per-job seed from the master seed and the job's identity
seed_for = lambda *keys: rule_seed(config["seed"], *keys)
# wall-time estimate [min] of a LAMMPS job from its steps and atoms
lammps_runtime = lambda steps, atoms: lammps_runtime_minutes(
    steps, atoms, LAMMPS["mpi_tasks"]
)
# (runtime per attempt [min], retries) of a LAMMPS job that resumes from restart files
chained_lammps = lambda steps, atoms: chained_lammps_request(
    steps, atoms, LAMMPS["mpi_tasks"], LAMMPS.get("max_job_minutes")
)
# every figure, table and scorecard of the papers listed in config["papers"]
paper_targets = lambda: [t for paper in config["papers"] for t in PAPER_TARGETS[paper]]


rule scorecard:
    input:
        expand(f"{RESULTS}/{{paper}}/scorecard.csv", paper=config["papers"]),
    output:
        scorecard=f"{RESULTS}/scorecard.csv",
    log:
        f"{LOGS}/scorecard.log",
    benchmark:
        f"{BENCH}/scorecard.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        code=CODE,
    script:
        "../../scripts/gather_scorecard.py"
