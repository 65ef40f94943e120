# Shared definitions: result paths, code hash, seeds, resources, the gathered scorecard.
import cgml
from cgml.workflow import check_config, rule_seed

check_config(config)

SCALE = config["scale"]
RESULTS = f"results/{SCALE}"
LOGS = f"{RESULTS}/logs"
BENCH = f"{RESULTS}/benchmarks"
# Snakemake does not see imported code: every rule carries the package source hash
# in its params, so a change to cgml reruns the rules that use it.
CODE = cgml.source_hash()
LAMMPS = config["engines"]["lammps"]
PAPER_TARGETS = {}


def seed_for(*keys):
    """A reproducible per-job seed from the master seed and the job's identity."""
    return rule_seed(config["seed"], *keys)


def lammps_runtime(steps, atoms):
    """Wall-time estimate [min] for a LAMMPS job: ~1e6 atom-steps/s per MPI task, x2 margin."""
    seconds = steps * atoms / (1.0e6 * LAMMPS["mpi_tasks"])
    return int(10 + 2 * seconds / 60)


def paper_targets():
    """Every figure, table and scorecard of the papers listed in config['papers']."""
    return [t for paper in config["papers"] for t in PAPER_TARGETS[paper]]


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
