# Paper `nanoparticles`: Giunta, Campos-Villalobos, Dijkstra, ACS Nano 17, 23391 (2023).
NP = config["nanoparticles"]
NP_DIR = f"{RESULTS}/nanoparticles"
NP_SOLVENTS = [f"{s:g}" for s in NP["solvents"]]
NP_PAIR_INDEX = [f"{k:03d}" for k in range(NP["pair"]["n_separations"])]
NP_ATOMS_PER_PARTICLE = NP["model"]["n_core"] * (1 + NP["model"]["ligand_length"])
NP_PAIR_STEPS = NP["pair"]["equilibration_steps"] + NP["pair"]["production_steps"]
# the physics parameters a FG pair run depends on (and nothing else)
NP_FG_PARAMS = {
    k: NP[k]
    for k in ("temperature_K", "sigma_c_nm", "model", "forcefield", "md", "pair")
}

PAPER_TARGETS["nanoparticles"] = [
    f"{NP_DIR}/figures/fig2_pair_pmf.png",
    f"{NP_DIR}/figures/selection_trace_ml2.png",
    f"{NP_DIR}/tables/table_ml_models.csv",
    f"{NP_DIR}/scorecard.csv",
]


wildcard_constraints:
    solvent=r"[0-9.]+",
    index=r"[0-9]{3}",


rule np_pair_fg:
    """Two NPs with frozen cores at separation `index`; ligands sampled by LAMMPS."""
    input:
        template="workflow/lammps/np_constrained.in",
        forcefield="workflow/lammps/np_forcefield.in",
    output:
        dump=f"{NP_DIR}/fg/pair/s{{solvent}}/R{{index}}/forces.dump",
        np_forces=f"{NP_DIR}/fg/pair/s{{solvent}}/R{{index}}/np_forces.txt",
        lammps_log=f"{NP_DIR}/fg/pair/s{{solvent}}/R{{index}}/log.lammps",
    log:
        f"{LOGS}/nanoparticles/pair_fg_s{{solvent}}_R{{index}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/pair_fg_s{{solvent}}_R{{index}}.tsv"
    conda:
        "../../envs/lammps.yaml"
    threads: 1
    resources:
        runtime=lammps_runtime(NP_PAIR_STEPS, 2 * NP_ATOMS_PER_PARTICLE),
        mem_mb=2000,
        cpus_per_task=1,
        tasks=LAMMPS["mpi_tasks"],
    params:
        np=NP_FG_PARAMS,
        lammps=LAMMPS,
        seed=lambda w: seed_for("np_pair_fg", w.solvent, w.index),
        code=CODE,
    script:
        "../../scripts/nanoparticles/pair_fg.py"


rule np_pair_map:
    """Map FG forces on the cores to mean forces (Eq. 4) with block errors (MDAnalysis)."""
    input:
        **{
            f"dump_{i}": f"{NP_DIR}/fg/pair/s{{solvent}}/R{i}/forces.dump"
            for i in NP_PAIR_INDEX
        },
        **{
            f"np_forces_{i}": f"{NP_DIR}/fg/pair/s{{solvent}}/R{i}/np_forces.txt"
            for i in NP_PAIR_INDEX
        },
    output:
        meanforces=f"{NP_DIR}/data/pair_meanforces_s{{solvent}}.npz",
    log:
        f"{LOGS}/nanoparticles/pair_map_s{{solvent}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/pair_map_s{{solvent}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=60,
        mem_mb=4000,
    params:
        np=NP,
        code=CODE,
    script:
        "../../scripts/nanoparticles/pair_map.py"


rule np_pair_features:
    """Force features Psi_k (Eq. 32) of the 22 x 15 radial candidate pool."""
    input:
        meanforces=rules.np_pair_map.output.meanforces,
    output:
        features=f"{NP_DIR}/data/pair_features_s{{solvent}}.npz",
    log:
        f"{LOGS}/nanoparticles/pair_features_s{{solvent}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/pair_features_s{{solvent}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=30,
        mem_mb=4000,
    params:
        np=NP,
        code=CODE,
    script:
        "../../scripts/nanoparticles/pair_features.py"


rule np_pair_fit:
    """ML2: forward stepwise selection and least-squares fit of the mean forces (Eq. 7)."""
    input:
        features=rules.np_pair_features.output.features,
    output:
        model=f"{NP_DIR}/models/ml2_s{{solvent}}.json",
        trace=f"{NP_DIR}/models/ml2_s{{solvent}}_selection.csv",
    log:
        f"{LOGS}/nanoparticles/pair_fit_s{{solvent}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/pair_fit_s{{solvent}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=30,
        mem_mb=4000,
    params:
        np=NP,
        seed=lambda w: seed_for("np_pair_fit", w.solvent),
        code=CODE,
    script:
        "../../scripts/nanoparticles/pair_fit.py"


rule np_pair_pmf:
    """PMF by integration of FG mean forces (Eq. 10) and Phi_ML2 on fresh configurations."""
    input:
        meanforces=rules.np_pair_map.output.meanforces,
        model=rules.np_pair_fit.output.model,
    output:
        pmf=f"{NP_DIR}/tables/pair_pmf_s{{solvent}}.csv",
    log:
        f"{LOGS}/nanoparticles/pair_pmf_s{{solvent}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/pair_pmf_s{{solvent}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=10,
        mem_mb=2000,
    params:
        np=NP,
        seed=lambda w: seed_for("np_pair_pmf", w.solvent),
        code=CODE,
    script:
        "../../scripts/nanoparticles/pair_pmf.py"


rule np_fig2:
    """Fig. 2: two-body PMF, FG (integrated mean forces) and ML2, both solvents."""
    input:
        **{
            f"pmf_{i:02d}": f"{NP_DIR}/tables/pair_pmf_s{s}.csv"
            for i, s in enumerate(NP_SOLVENTS)
        },
    output:
        figure=report(
            f"{NP_DIR}/figures/fig2_pair_pmf.png",
            caption="../report/np_fig2.rst",
            category="nanoparticles",
        ),
    log:
        f"{LOGS}/nanoparticles/fig2.log",
    benchmark:
        f"{BENCH}/nanoparticles/fig2.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        solvents=NP_SOLVENTS,
        code=CODE,
    script:
        "../../scripts/nanoparticles/fig2.py"


rule np_selection_figure:
    """Selection trace of ML2: 1 - R^2 and train/test RMSE per step."""
    input:
        **{
            f"trace_{i:02d}": f"{NP_DIR}/models/ml2_s{s}_selection.csv"
            for i, s in enumerate(NP_SOLVENTS)
        },
    output:
        figure=report(
            f"{NP_DIR}/figures/selection_trace_ml2.png",
            caption="../report/np_selection.rst",
            category="nanoparticles",
        ),
    log:
        f"{LOGS}/nanoparticles/selection_figure.log",
    benchmark:
        f"{BENCH}/nanoparticles/selection_figure.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        solvents=NP_SOLVENTS,
        code=CODE,
    script:
        "../../scripts/nanoparticles/selection_figure.py"


rule np_table:
    """Table: N_SF, R^2 and RMSE of the fitted models beside the paper's values."""
    input:
        **{
            f"model_{i:02d}": f"{NP_DIR}/models/ml2_s{s}.json"
            for i, s in enumerate(NP_SOLVENTS)
        },
    output:
        table=report(
            f"{NP_DIR}/tables/table_ml_models.csv",
            caption="../report/np_table.rst",
            category="nanoparticles",
        ),
    log:
        f"{LOGS}/nanoparticles/table.log",
    benchmark:
        f"{BENCH}/nanoparticles/table.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        solvents=NP_SOLVENTS,
        code=CODE,
    script:
        "../../scripts/nanoparticles/table.py"


rule np_scorecard:
    """Scorecard of the nanoparticle paper at this scale."""
    input:
        **{
            f"pmf_{i:02d}": f"{NP_DIR}/tables/pair_pmf_s{s}.csv"
            for i, s in enumerate(NP_SOLVENTS)
        },
        **{
            f"model_{i:02d}": f"{NP_DIR}/models/ml2_s{s}.json"
            for i, s in enumerate(NP_SOLVENTS)
        },
        table=f"{NP_DIR}/tables/table_ml_models.csv",
    output:
        scorecard=f"{NP_DIR}/scorecard.csv",
    log:
        f"{LOGS}/nanoparticles/scorecard.log",
    benchmark:
        f"{BENCH}/nanoparticles/scorecard.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        scale=SCALE,
        solvents=NP_SOLVENTS,
        seed=seed_for("np_scorecard"),
        code=CODE,
    script:
        "../../scripts/nanoparticles/scorecard.py"
