# Paper `nanoparticles`: Giunta, Campos-Villalobos, Dijkstra, ACS Nano 17, 23391 (2023).
NP = config["nanoparticles"]
NP_DIR = f"{RESULTS}/nanoparticles"
NP_SOLVENTS = [f"{s:g}" for s in NP["solvents"]]
NP_PAIR_INDEX = [f"{k:03d}" for k in range(NP["pair"]["n_separations"])]
NP_ATOMS_PER_PARTICLE = NP["model"]["n_core"] * (1 + NP["model"]["ligand_length"])
NP_PAIR_STEPS = NP["pair"]["equilibration_steps"] + NP["pair"]["production_steps"]
# (runtime per attempt, retries): the constrained runs resume from restart files too
NP_PAIR_REQUEST = chained_lammps(NP_PAIR_STEPS, 2 * NP_ATOMS_PER_PARTICLE)
# keys read only by the analysis of a LAMMPS run: changing them must not rerun it
NP_ANALYSIS_KEYS = ["n_blocks"]
NP_FG_SECTIONS = ["temperature_K", "sigma_c_nm", "model", "forcefield", "md"]
# the physics parameters a FG pair run depends on (and nothing else)
NP_FG_PARAMS = config_sections(NP, NP_FG_SECTIONS + ["pair"], NP_ANALYSIS_KEYS)

NP_CL = NP["clusters"]
NP_WALLS = [f"{w:02d}" for w in range(len(NP_CL["confinement_radii_sigma"]))]
NP_SAMPLES = [f"{k:03d}" for k in range(NP_CL["samples_per_radius"])]
NP_CL_ATOMS = NP_CL["n_particles"] * NP_ATOMS_PER_PARTICLE
NP_CL_CONF_STEPS = (
    NP_CL["equilibration_steps"] + NP_CL["sample_every"] * NP_CL["samples_per_radius"]
)
NP_CL_RUN_STEPS = (
    NP_CL["constrained"]["equilibration_steps"]
    + NP_CL["constrained"]["production_steps"]
)
NP_CL_CONF_REQUEST = chained_lammps(NP_CL_CONF_STEPS, NP_CL_ATOMS)
NP_CL_RUN_REQUEST = chained_lammps(NP_CL_RUN_STEPS, NP_CL_ATOMS)

NP_EOS = NP["eos"]
NP_COEX = NP["coexistence"]
NP_COEX_SOLVENTS = [f"{s:g}" for s in NP_COEX["solvents"]]
NP_GR = NP["gr"]
NP_MODELS = ["ml2", "ml12"]
NP_BRANCHES = ["compress", "expand"]
NP_DENSITIES = [f"{d:g}" for d in NP_GR["densities"]]
NP_GR_SOLVENT = f"{NP_GR['solvent']:g}"
NP_BULK_ATOMS = 4 * NP_GR["fg_fcc_cells"] ** 3 * NP_ATOMS_PER_PARTICLE
NP_BULK_STEPS = (
    NP_GR["fg_push_steps"]
    + NP_GR["fg_equilibration_steps"]
    + NP_GR["fg_production_steps"]
)
NP_BULK_REQUEST = chained_lammps(NP_BULK_STEPS, NP_BULK_ATOMS)

PAPER_TARGETS["nanoparticles"] = [
    f"{NP_DIR}/figures/fig2_pair_pmf.png",
    f"{NP_DIR}/figures/fig3_parity_ml12.png",
    f"{NP_DIR}/figures/fig4_cluster_energies.png",
    f"{NP_DIR}/figures/fig5_triplets.png",
    f"{NP_DIR}/figures/fig6_eos.png",
    f"{NP_DIR}/figures/fig6_coexistence.png",
    f"{NP_DIR}/figures/fig7_gr.png",
    f"{NP_DIR}/figures/selection_trace.png",
    f"{NP_DIR}/tables/table_ml_models.csv",
    f"{NP_DIR}/scorecard.csv",
]


wildcard_constraints:
    solvent=r"[0-9.]+",
    index=r"[0-9]{3}",
    wall=r"[0-9]{2}",
    sample=r"[0-9]{3}",
    model=r"ml2|ml12|ml108",
    etap=r"[0-9.]+",
    etac=r"[0-9.]+",
    branch=r"compress|expand",
    density=r"[0-9.]+",


rule np_pair_fg:
    """Two NPs with frozen cores at separation `index`; ligands sampled by LAMMPS.

    Writes restart files every md.restart_every steps; a rerun of a killed job resumes
    from the newest (as np_fg_bulk)."""
    input:
        template="workflow/lammps/np_constrained.in",
        md="workflow/lammps/np_constrained_md.in",
        resume="workflow/lammps/np_constrained_resume.in",
        forcefield="workflow/lammps/np_forcefield.in",
    output:
        dump=f"{NP_DIR}/fg/pair/s{{solvent}}/R{{index}}/forces.dump",
        np_forces=f"{NP_DIR}/fg/pair/s{{solvent}}/R{{index}}/np_forces.txt",
        lammps_log=f"{NP_DIR}/fg/pair/s{{solvent}}/R{{index}}/log.lammps",
    log:
        f"{LOGS}/nanoparticles/pair_fg_s{{solvent}}_R{{index}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/pair_fg_s{{solvent}}_R{{index}}.tsv"
    retries: NP_PAIR_REQUEST[1]
    conda:
        "../../envs/lammps.yaml"
    threads: 1
    resources:
        runtime=NP_PAIR_REQUEST[0],
        mem_mb=2000,
        cpus_per_task=1,
        tasks=LAMMPS["mpi_tasks"],
    params:
        np=NP_FG_PARAMS,
        lammps=LAMMPS_RUN,
        seed=lambda w: seed_for("np_pair_fg", w.solvent, w.index),
        code=code_hash("scripts/nanoparticles/pair_fg.py"),
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
        np=config_sections(NP, ["temperature_K", "sigma_c_nm", "pair"]),
        code=code_hash("scripts/nanoparticles/pair_map.py"),
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
        np=config_sections(NP, ["descriptors"]),
        code=code_hash("scripts/nanoparticles/pair_features.py"),
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
        np=config_sections(NP, ["selection", "descriptors"]),
        seed=lambda w: seed_for("np_pair_fit", w.solvent),
        code=code_hash("scripts/nanoparticles/pair_fit.py"),
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
        np=config_sections(NP, ["pmf"]),
        seed=lambda w: seed_for("np_pair_pmf", w.solvent),
        code=code_hash("scripts/nanoparticles/pair_pmf.py"),
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
        code=code_hash("scripts/nanoparticles/fig2.py"),
    script:
        "../../scripts/nanoparticles/fig2.py"


rule np_selection_figure:
    """Selection traces of ML2 and ML12: 1 - R^2 and train/test RMSE per step."""
    input:
        **{
            f"trace_{i:02d}": f"{NP_DIR}/models/ml2_s{s}_selection.csv"
            for i, s in enumerate(NP_SOLVENTS)
        },
        **{
            f"trace_{len(NP_SOLVENTS) + i:02d}": f"{NP_DIR}/models/ml12_s{s}_selection.csv"
            for i, s in enumerate(NP_SOLVENTS)
        },
    output:
        figure=report(
            f"{NP_DIR}/figures/selection_trace.png",
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
        code=code_hash("scripts/nanoparticles/selection_figure.py"),
    script:
        "../../scripts/nanoparticles/selection_figure.py"


rule np_table:
    """Table: N_SF, R^2 and RMSE of the fitted models beside the paper's values."""
    input:
        **{
            f"model_{i:02d}": f"{NP_DIR}/models/ml2_s{s}.json"
            for i, s in enumerate(NP_SOLVENTS)
        },
        **{
            f"ml12_{i:02d}": f"{NP_DIR}/models/ml12_s{s}.json"
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
        code=code_hash("scripts/nanoparticles/table.py"),
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
        **{
            f"ml12_{i:02d}": f"{NP_DIR}/models/ml12_s{s}.json"
            for i, s in enumerate(NP_SOLVENTS)
        },
        **{
            f"triplets_{i:02d}": f"{NP_DIR}/tables/triplets_s{s}.csv"
            for i, s in enumerate(NP_SOLVENTS)
        },
        **{
            f"two_body_{i:02d}": f"{NP_DIR}/tables/two_body_curves_s{s}.csv"
            for i, s in enumerate(NP_SOLVENTS)
        },
        **{
            f"eos_{m}_{i:02d}_{b}": f"{NP_DIR}/tables/eos_{m}_s{s}_{b}.csv"
            for m in NP_MODELS
            for i, s in enumerate(NP_SOLVENTS)
            for b in NP_BRANCHES
        },
        **{
            f"grfg_{i:02d}": f"{NP_DIR}/tables/gr_fg_rho{d}.csv"
            for i, d in enumerate(NP_DENSITIES)
        },
        **{
            f"grml2_{i:02d}": f"{NP_DIR}/tables/gr_mc_ml2_rho{d}.csv"
            for i, d in enumerate(NP_DENSITIES)
        },
        **{
            f"grml12_{i:02d}": f"{NP_DIR}/tables/gr_mc_ml12_rho{d}.csv"
            for i, d in enumerate(NP_DENSITIES)
        },
        **{
            f"coexistence_{i:02d}": f"{NP_DIR}/tables/coexistence_ml2_s{s}_summary.csv"
            for i, s in enumerate(NP_COEX_SOLVENTS)
        },
        table=f"{NP_DIR}/tables/table_ml_models.csv",
        cp_summary=f"{NP_DIR}/colloid_polymer/tables/fig8_summary.csv",
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
        densities=NP_DENSITIES,
        coexistence_solvents=NP_COEX_SOLVENTS,
        cp_etaps=[f"{x:g}" for x in NP["colloid_polymer"]["eta_p_reservoir"]],
        seed=seed_for("np_scorecard"),
        code=code_hash("scripts/nanoparticles/scorecard.py"),
    script:
        "../../scripts/nanoparticles/scorecard.py"


rule np_cluster_confine:
    """12 NPs with diffusing rigid cores in a spherical wall; sampled configurations.

    Resumes from restart files (md.restart_every) as np_fg_bulk: at paper scale the run
    (5e6 steps of 19,800 beads) asks for more than one 48 h attempt on one MPI task."""
    input:
        template="workflow/lammps/np_confined.in",
        md="workflow/lammps/np_confined_md.in",
        resume="workflow/lammps/np_confined_resume.in",
        forcefield="workflow/lammps/np_forcefield.in",
    output:
        **{
            f"sample_{k}": f"{NP_DIR}/fg/cluster/s{{solvent}}/W{{wall}}/sample_{k}.data"
            for k in NP_SAMPLES
        },
        lammps_log=f"{NP_DIR}/fg/cluster/s{{solvent}}/W{{wall}}/log.lammps",
    log:
        f"{LOGS}/nanoparticles/cluster_confine_s{{solvent}}_W{{wall}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/cluster_confine_s{{solvent}}_W{{wall}}.tsv"
    retries: NP_CL_CONF_REQUEST[1]
    conda:
        "../../envs/lammps.yaml"
    threads: 1
    resources:
        runtime=NP_CL_CONF_REQUEST[0],
        mem_mb=4000,
        cpus_per_task=1,
        tasks=LAMMPS["mpi_tasks"],
    params:
        np=config_sections(NP, NP_FG_SECTIONS + ["clusters"], NP_ANALYSIS_KEYS),
        lammps=LAMMPS_RUN,
        seed=lambda w: seed_for("np_cluster_confine", w.solvent, w.wall),
        code=code_hash("scripts/nanoparticles/cluster_confine.py"),
    script:
        "../../scripts/nanoparticles/cluster_confine.py"


rule np_cluster_fg:
    """Cores frozen at a sampled cluster configuration, wall removed; mean forces.

    Resumes from restart files as np_pair_fg: at paper scale a run (5e6 steps of 19,800
    beads) asks for more than one 48 h attempt on one MPI task."""
    input:
        template="workflow/lammps/np_constrained.in",
        md="workflow/lammps/np_constrained_md.in",
        resume="workflow/lammps/np_constrained_resume.in",
        forcefield="workflow/lammps/np_forcefield.in",
        data=f"{NP_DIR}/fg/cluster/s{{solvent}}/W{{wall}}/sample_{{sample}}.data",
    output:
        dump=f"{NP_DIR}/fg/cluster/s{{solvent}}/W{{wall}}/C{{sample}}/forces.dump",
        np_forces=f"{NP_DIR}/fg/cluster/s{{solvent}}/W{{wall}}/C{{sample}}/np_forces.txt",
        lammps_log=f"{NP_DIR}/fg/cluster/s{{solvent}}/W{{wall}}/C{{sample}}/log.lammps",
    log:
        f"{LOGS}/nanoparticles/cluster_fg_s{{solvent}}_W{{wall}}_C{{sample}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/cluster_fg_s{{solvent}}_W{{wall}}_C{{sample}}.tsv"
    retries: NP_CL_RUN_REQUEST[1]
    conda:
        "../../envs/lammps.yaml"
    threads: 1
    resources:
        runtime=NP_CL_RUN_REQUEST[0],
        mem_mb=4000,
        cpus_per_task=1,
        tasks=LAMMPS["mpi_tasks"],
    params:
        np=config_sections(NP, NP_FG_SECTIONS + ["clusters"], NP_ANALYSIS_KEYS),
        lammps=LAMMPS_RUN,
        seed=lambda w: seed_for("np_cluster_fg", w.solvent, w.wall, w.sample),
        code=code_hash("scripts/nanoparticles/cluster_fg.py"),
    script:
        "../../scripts/nanoparticles/cluster_fg.py"


rule np_cluster_map:
    """Mean forces of every sampled cluster configuration (data set ii)."""
    input:
        **{
            f"dump_{w}_{k}": f"{NP_DIR}/fg/cluster/s{{solvent}}/W{w}/C{k}/forces.dump"
            for w in NP_WALLS
            for k in NP_SAMPLES
        },
        **{
            f"np_forces_{w}_{k}": f"{NP_DIR}/fg/cluster/s{{solvent}}/W{w}/C{k}/np_forces.txt"
            for w in NP_WALLS
            for k in NP_SAMPLES
        },
    output:
        meanforces=f"{NP_DIR}/data/cluster_meanforces_s{{solvent}}.npz",
    log:
        f"{LOGS}/nanoparticles/cluster_map_s{{solvent}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/cluster_map_s{{solvent}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=60,
        mem_mb=8000,
    params:
        np=config_sections(NP, ["temperature_K", "sigma_c_nm", "clusters"]),
        code=code_hash("scripts/nanoparticles/cluster_map.py"),
    script:
        "../../scripts/nanoparticles/cluster_map.py"


rule np_cluster_features:
    """Radial + angular force features (10 x 10 + 8 x 2 x 4 pool)."""
    input:
        meanforces=rules.np_cluster_map.output.meanforces,
    output:
        features=f"{NP_DIR}/data/cluster_features_s{{solvent}}.npz",
    log:
        f"{LOGS}/nanoparticles/cluster_features_s{{solvent}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/cluster_features_s{{solvent}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=30,
        mem_mb=8000,
    params:
        np=config_sections(NP, ["descriptors"]),
        code=code_hash("scripts/nanoparticles/cluster_features.py"),
    script:
        "../../scripts/nanoparticles/cluster_features.py"


rule np_cluster_fit:
    """ML12: stepwise selection and least squares on the cluster mean forces."""
    input:
        features=rules.np_cluster_features.output.features,
    output:
        model=f"{NP_DIR}/models/ml12_s{{solvent}}.json",
        trace=f"{NP_DIR}/models/ml12_s{{solvent}}_selection.csv",
    log:
        f"{LOGS}/nanoparticles/cluster_fit_s{{solvent}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/cluster_fit_s{{solvent}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=60,
        mem_mb=8000,
    params:
        np=config_sections(NP, ["cluster_selection", "descriptors"]),
        seed=lambda w: seed_for("np_cluster_fit", w.solvent),
        code=code_hash("scripts/nanoparticles/cluster_fit.py"),
    script:
        "../../scripts/nanoparticles/cluster_fit.py"


rule np_cluster_eval:
    """Tables behind Figs. 3-5: force parity, cluster energies, two-body curves, T/L/SQ."""
    input:
        meanforces=rules.np_cluster_map.output.meanforces,
        ml2=rules.np_pair_fit.output.model,
        ml12=rules.np_cluster_fit.output.model,
    output:
        parity=f"{NP_DIR}/tables/ml12_parity_s{{solvent}}.csv",
        energies=f"{NP_DIR}/tables/cluster_energies_s{{solvent}}.csv",
        two_body=f"{NP_DIR}/tables/two_body_curves_s{{solvent}}.csv",
        triplets=f"{NP_DIR}/tables/triplets_s{{solvent}}.csv",
    log:
        f"{LOGS}/nanoparticles/cluster_eval_s{{solvent}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/cluster_eval_s{{solvent}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=30,
        mem_mb=4000,
    params:
        triplet_r_sigma=NP["triplet_r_sigma"],
        seed=lambda w: seed_for("np_cluster_eval", w.solvent),
        code=code_hash("scripts/nanoparticles/cluster_eval.py"),
    script:
        "../../scripts/nanoparticles/cluster_eval.py"


rule np_fig3:
    """Fig. 3: parity of many-body mean forces, ML12 vs FG."""
    input:
        **{
            f"parity_{i:02d}": f"{NP_DIR}/tables/ml12_parity_s{s}.csv"
            for i, s in enumerate(NP_SOLVENTS)
        },
    output:
        figure=report(
            f"{NP_DIR}/figures/fig3_parity_ml12.png",
            caption="../report/np_fig3.rst",
            category="nanoparticles",
        ),
    log:
        f"{LOGS}/nanoparticles/fig3.log",
    benchmark:
        f"{BENCH}/nanoparticles/fig3.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        solvents=NP_SOLVENTS,
        code=code_hash("scripts/nanoparticles/fig3.py"),
    script:
        "../../scripts/nanoparticles/fig3.py"


rule np_fig4:
    """Fig. 4: Phi_ML12 vs Phi_ML2 on clusters; two-body curves of both models."""
    input:
        **{
            f"energies_{i:02d}": f"{NP_DIR}/tables/cluster_energies_s{s}.csv"
            for i, s in enumerate(NP_SOLVENTS)
        },
        **{
            f"two_body_{i:02d}": f"{NP_DIR}/tables/two_body_curves_s{s}.csv"
            for i, s in enumerate(NP_SOLVENTS)
        },
    output:
        figure=report(
            f"{NP_DIR}/figures/fig4_cluster_energies.png",
            caption="../report/np_fig4.rst",
            category="nanoparticles",
        ),
    log:
        f"{LOGS}/nanoparticles/fig4.log",
    benchmark:
        f"{BENCH}/nanoparticles/fig4.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        solvents=NP_SOLVENTS,
        code=code_hash("scripts/nanoparticles/fig4.py"),
    script:
        "../../scripts/nanoparticles/fig4.py"


rule np_fig5:
    """Fig. 5: T, L and SQ configurations, Phi_ML2 and Phi_ML12 vs h_I, Phi^(3+)."""
    input:
        **{
            f"triplets_{i:02d}": f"{NP_DIR}/tables/triplets_s{s}.csv"
            for i, s in enumerate(NP_SOLVENTS)
        },
    output:
        figure=report(
            f"{NP_DIR}/figures/fig5_triplets.png",
            caption="../report/np_fig5.rst",
            category="nanoparticles",
        ),
    log:
        f"{LOGS}/nanoparticles/fig5.log",
    benchmark:
        f"{BENCH}/nanoparticles/fig5.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        solvents=NP_SOLVENTS,
        code=code_hash("scripts/nanoparticles/fig5.py"),
    script:
        "../../scripts/nanoparticles/fig5.py"


rule np_eos:
    """NPT Monte Carlo equation of state, one model, one solvent, one branch (Fig. 6)."""
    input:
        model=f"{NP_DIR}/models/{{model}}_s{{solvent}}.json",
    output:
        eos=f"{NP_DIR}/tables/eos_{{model}}_s{{solvent}}_{{branch}}.csv",
    log:
        f"{LOGS}/nanoparticles/eos_{{model}}_s{{solvent}}_{{branch}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/eos_{{model}}_s{{solvent}}_{{branch}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=24 * 60,
        mem_mb=2000,
    params:
        eos=NP_EOS,
        seed=lambda w: seed_for("np_eos", w.model, w.solvent, w.branch),
        code=code_hash("scripts/nanoparticles/eos.py"),
    script:
        "../../scripts/nanoparticles/eos.py"


rule np_fig6:
    """Fig. 6: P sigma_c^3 / k_BT vs rho sigma_c^3, ML2 and ML12, both solvents."""
    input:
        **{
            f"eos_{m}_{i:02d}_{b}": f"{NP_DIR}/tables/eos_{m}_s{s}_{b}.csv"
            for m in NP_MODELS
            for i, s in enumerate(NP_SOLVENTS)
            for b in NP_BRANCHES
        },
    output:
        figure=report(
            f"{NP_DIR}/figures/fig6_eos.png",
            caption="../report/np_fig6.rst",
            category="nanoparticles",
        ),
    log:
        f"{LOGS}/nanoparticles/fig6.log",
    benchmark:
        f"{BENCH}/nanoparticles/fig6.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        code=code_hash("scripts/nanoparticles/fig6.py"),
    script:
        "../../scripts/nanoparticles/fig6.py"


rule np_coexistence:
    """Fluid-FCC coexistence of ML2 from free energies (Frenkel-Ladd; our check of Fig. 6)."""
    input:
        model=f"{NP_DIR}/models/ml2_s{{solvent}}.json",
    output:
        table=f"{NP_DIR}/tables/coexistence_ml2_s{{solvent}}.csv",
        summary=f"{NP_DIR}/tables/coexistence_ml2_s{{solvent}}_summary.csv",
    log:
        f"{LOGS}/nanoparticles/coexistence_ml2_s{{solvent}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/coexistence_ml2_s{{solvent}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=24 * 60,
        mem_mb=2000,
    params:
        coexistence=NP_COEX,
        hard_core_sigma=NP_EOS["hard_core_sigma"],
        seed=lambda w: seed_for("np_coexistence", w.solvent),
        code=code_hash("scripts/nanoparticles/coexistence.py"),
    script:
        "../../scripts/nanoparticles/coexistence.py"


rule np_fig6_coexistence:
    """Our Fig. 6 check: beta mu(P) of fluid and FCC, the Frenkel-Ladd integrand, the isotherms."""
    input:
        **{
            f"table_{i:02d}": f"{NP_DIR}/tables/coexistence_ml2_s{s}.csv"
            for i, s in enumerate(NP_COEX_SOLVENTS)
        },
        **{
            f"summary_{i:02d}": f"{NP_DIR}/tables/coexistence_ml2_s{s}_summary.csv"
            for i, s in enumerate(NP_COEX_SOLVENTS)
        },
    output:
        figure=report(
            f"{NP_DIR}/figures/fig6_coexistence.png",
            caption="../report/np_fig6_coexistence.rst",
            category="nanoparticles",
        ),
    log:
        f"{LOGS}/nanoparticles/fig6_coexistence.log",
    benchmark:
        f"{BENCH}/nanoparticles/fig6_coexistence.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        solvents=NP_COEX_SOLVENTS,
        code=code_hash("scripts/nanoparticles/fig6_coexistence.py"),
    script:
        "../../scripts/nanoparticles/fig6_coexistence.py"


rule np_mc_gr:
    """NVT Monte Carlo g(R) with ML2 or ML12 at one density (Fig. 7)."""
    input:
        model=f"{NP_DIR}/models/{{model}}_s{NP_GR_SOLVENT}.json",
    output:
        gr=f"{NP_DIR}/tables/gr_mc_{{model}}_rho{{density}}.csv",
        snapshot=f"{NP_DIR}/data/mc_{{model}}_rho{{density}}_last.npz",
    log:
        f"{LOGS}/nanoparticles/mc_gr_{{model}}_rho{{density}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/mc_gr_{{model}}_rho{{density}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=24 * 60,
        mem_mb=2000,
    params:
        gr=NP_GR,
        hard_core_sigma=NP_EOS["hard_core_sigma"],
        seed=lambda w: seed_for("np_mc_gr", w.model, w.density),
        code=code_hash("scripts/nanoparticles/mc_gr.py"),
    script:
        "../../scripts/nanoparticles/mc_gr.py"


rule np_fg_bulk:
    """FG MD of nanoparticles with diffusing rigid cores at one density (Fig. 7).

    Writes restart files; a rerun of a killed job resumes from the newest, so on a
    cluster each attempt asks for at most engines.lammps.max_job_minutes and the job is
    resubmitted (retries) until the run is done."""
    input:
        template="workflow/lammps/np_bulk.in",
        md="workflow/lammps/np_bulk_md.in",
        resume="workflow/lammps/np_bulk_resume.in",
        forcefield="workflow/lammps/np_forcefield.in",
    output:
        dump=f"{NP_DIR}/fg/bulk/rho{{density}}/cores.dump",
        lammps_log=f"{NP_DIR}/fg/bulk/rho{{density}}/log.lammps",
    log:
        f"{LOGS}/nanoparticles/fg_bulk_rho{{density}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/fg_bulk_rho{{density}}.tsv"
    retries: NP_BULK_REQUEST[1]
    conda:
        "../../envs/lammps.yaml"
    threads: 1
    resources:
        runtime=NP_BULK_REQUEST[0],
        mem_mb=8000,
        cpus_per_task=1,
        tasks=LAMMPS["mpi_tasks"],
    params:
        np=config_sections(
            NP, NP_FG_SECTIONS + ["gr"], NP_ANALYSIS_KEYS + ["restart_every"]
        ),
        lammps=LAMMPS_RUN,
        seed=lambda w: seed_for("np_fg_bulk", w.density),
        code=code_hash("scripts/nanoparticles/fg_bulk.py"),
    script:
        "../../scripts/nanoparticles/fg_bulk.py"


rule np_fg_gr:
    """Core-core g(R) of the FG bulk run."""
    input:
        dump=rules.np_fg_bulk.output.dump,
    output:
        gr=f"{NP_DIR}/tables/gr_fg_rho{{density}}.csv",
        centres=f"{NP_DIR}/data/fg_bulk_centres_rho{{density}}.npz",
    log:
        f"{LOGS}/nanoparticles/fg_gr_rho{{density}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/fg_gr_rho{{density}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=30,
        mem_mb=4000,
    params:
        np=config_sections(NP, ["temperature_K", "sigma_c_nm", "gr"]),
        code=code_hash("scripts/nanoparticles/fg_gr.py"),
    script:
        "../../scripts/nanoparticles/fg_gr.py"


rule np_fig7:
    """Fig. 7: g(R) at three densities, FG MD vs MC with ML2 and ML12; snapshots of all three."""
    input:
        **{
            f"fg_{i:02d}": f"{NP_DIR}/tables/gr_fg_rho{d}.csv"
            for i, d in enumerate(NP_DENSITIES)
        },
        **{
            f"centres_{i:02d}": f"{NP_DIR}/data/fg_bulk_centres_rho{d}.npz"
            for i, d in enumerate(NP_DENSITIES)
        },
        **{
            f"ml2_{i:02d}": f"{NP_DIR}/tables/gr_mc_ml2_rho{d}.csv"
            for i, d in enumerate(NP_DENSITIES)
        },
        **{
            f"ml12_{i:02d}": f"{NP_DIR}/tables/gr_mc_ml12_rho{d}.csv"
            for i, d in enumerate(NP_DENSITIES)
        },
        **{
            f"snap_{m}_{i:02d}": f"{NP_DIR}/data/mc_{m}_rho{d}_last.npz"
            for m in ("ml2", "ml12")
            for i, d in enumerate(NP_DENSITIES)
        },
    output:
        figure=report(
            f"{NP_DIR}/figures/fig7_gr.png",
            caption="../report/np_fig7.rst",
            category="nanoparticles",
        ),
    log:
        f"{LOGS}/nanoparticles/fig7.log",
    benchmark:
        f"{BENCH}/nanoparticles/fig7.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        densities=NP_DENSITIES,
        code=code_hash("scripts/nanoparticles/fig7.py"),
    script:
        "../../scripts/nanoparticles/fig7.py"


# ------------------------------------------------ colloid-polymer mixture (Fig. 8)
NP_CP = NP["colloid_polymer"]
NP_CP_DIR = f"{NP_DIR}/colloid_polymer"
NP_CP_ETAP = [f"{x:g}" for x in NP_CP["eta_p_reservoir"]]
NP_CP_ETAC = f"{NP_CP['eta_c']:g}"
NP_CP_TRAIN = [f"{x:g}" for x in NP_CP["many_body"]["eta_c_training"]]
# the FG runs whose snapshots train ML108: Fig. 8's state first, then the training densities
NP_CP_MANY = [NP_CP_ETAC] + [c for c in NP_CP_TRAIN if c != NP_CP_ETAC]
# the keys a CP rule depends on (the SF pools come from nanoparticles.descriptors)
NP_CP_DESC = {k: NP["descriptors"][k] for k in ("cutoff", "pair_pool", "cluster_pool")}

PAPER_TARGETS["nanoparticles"] += [
    f"{NP_CP_DIR}/figures/fig8_colloid_polymer_gr.png",
    f"{NP_CP_DIR}/tables/fig8_summary.csv",
]


rule np_cp_fg:
    """FG: semi-grand MC of N_c colloids + ideal polymers at fugacity z_p = n_p^r; g(r)."""
    output:
        fg=f"{NP_CP_DIR}/fg/c{{etac}}_p{{etap}}.npz",
        rdf=f"{NP_CP_DIR}/fg/rdf_c{{etac}}_p{{etap}}.csv",
    log:
        f"{LOGS}/nanoparticles/cp_fg_c{{etac}}_p{{etap}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/cp_fg_c{{etac}}_p{{etap}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=60,
        mem_mb=2000,
    params:
        cp=NP_CP,
        # sweeps: Fig. 8's state or a training density
        run=lambda w: NP_CP["fg"] if w.etac == NP_CP_ETAC else NP_CP["many_body"]["fg"],
        seed=lambda w: seed_for("np_cp_fg", w.etac, w.etap),
        code=code_hash("scripts/nanoparticles/cp_fg.py"),
    script:
        "../../scripts/nanoparticles/cp_fg.py"


rule np_cp_pair_data:
    """Mean forces of colloid pairs (shell quadrature of ideal polymers): data for ML2."""
    output:
        meanforces=f"{NP_CP_DIR}/data/pair_meanforces_p{{etap}}.npz",
    log:
        f"{LOGS}/nanoparticles/cp_pair_data_p{{etap}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/cp_pair_data_p{{etap}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=30,
        mem_mb=2000,
    params:
        cp=NP_CP,
        seed=lambda w: seed_for("np_cp_pair_data", w.etap),
        code=code_hash("scripts/nanoparticles/cp_pair_data.py"),
    script:
        "../../scripts/nanoparticles/cp_pair_data.py"


rule np_cp_many_data:
    """Mean forces on all colloids of FG snapshots (Fig. 8's state + training densities): data for ML108."""
    input:
        **{
            f"fg_{k:02d}": f"{NP_CP_DIR}/fg/c{c}_p{{etap}}.npz"
            for k, c in enumerate(NP_CP_MANY)
        },
    output:
        meanforces=f"{NP_CP_DIR}/data/many_meanforces_p{{etap}}.npz",
    log:
        f"{LOGS}/nanoparticles/cp_many_data_p{{etap}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/cp_many_data_p{{etap}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=60,
        mem_mb=4000,
    params:
        cp=NP_CP,
        seed=lambda w: seed_for("np_cp_many_data", w.etap),
        code=code_hash("scripts/nanoparticles/cp_many_data.py"),
    script:
        "../../scripts/nanoparticles/cp_many_data.py"


rule np_cp_fit_ml2:
    """ML2: radial pool, forward stepwise selection, least squares of the pair mean forces."""
    input:
        meanforces=rules.np_cp_pair_data.output.meanforces,
    output:
        model=f"{NP_CP_DIR}/models/ml2_p{{etap}}.json",
        trace=f"{NP_CP_DIR}/models/ml2_p{{etap}}_selection.csv",
    log:
        f"{LOGS}/nanoparticles/cp_fit_ml2_p{{etap}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/cp_fit_ml2_p{{etap}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=30,
        mem_mb=4000,
    params:
        cp=NP_CP,
        descriptors=NP_CP_DESC,
        seed=lambda w: seed_for("np_cp_fit_ml2", w.etap),
        code=code_hash("scripts/nanoparticles/cp_fit_ml2.py"),
    script:
        "../../scripts/nanoparticles/cp_fit_ml2.py"


rule np_cp_fit_ml108:
    """ML108: radial + angular pool, selection and least squares of the many-body mean forces."""
    input:
        meanforces=rules.np_cp_many_data.output.meanforces,
    output:
        model=f"{NP_CP_DIR}/models/ml108_p{{etap}}.json",
        trace=f"{NP_CP_DIR}/models/ml108_p{{etap}}_selection.csv",
    log:
        f"{LOGS}/nanoparticles/cp_fit_ml108_p{{etap}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/cp_fit_ml108_p{{etap}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=60,
        mem_mb=8000,
    params:
        cp=NP_CP,
        descriptors=NP_CP_DESC,
        seed=lambda w: seed_for("np_cp_fit_ml108", w.etap),
        code=code_hash("scripts/nanoparticles/cp_fit_ml108.py"),
    script:
        "../../scripts/nanoparticles/cp_fit_ml108.py"


rule np_cp_cg:
    """CG: NVT MC of the colloids with u_cc + Phi_ML (ML2 or ML108) at eta_c; g(r)."""
    input:
        model=f"{NP_CP_DIR}/models/{{model}}_p{{etap}}.json",
    output:
        trajectory=f"{NP_CP_DIR}/cg/{{model}}_p{{etap}}.npz",
        rdf=f"{NP_CP_DIR}/cg/rdf_{{model}}_p{{etap}}.csv",
    log:
        f"{LOGS}/nanoparticles/cp_cg_{{model}}_p{{etap}}.log",
    benchmark:
        f"{BENCH}/nanoparticles/cp_cg_{{model}}_p{{etap}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=240,
        mem_mb=2000,
    params:
        cp=NP_CP,
        seed=lambda w: seed_for("np_cp_cg", w.model, w.etap),
        code=code_hash("scripts/nanoparticles/cp_cg.py"),
    script:
        "../../scripts/nanoparticles/cp_cg.py"


rule np_cp_summary:
    """Fig. 8 in numbers: D = int (g_ML - g_FG)^2 dr for ML2 and ML108; pair-force checks."""
    input:
        **{
            f"rdf_fg_{e}": f"{NP_CP_DIR}/fg/rdf_c{NP_CP_ETAC}_p{e}.csv"
            for e in NP_CP_ETAP
        },
        **{f"rdf_ml2_{e}": f"{NP_CP_DIR}/cg/rdf_ml2_p{e}.csv" for e in NP_CP_ETAP},
        **{f"rdf_ml108_{e}": f"{NP_CP_DIR}/cg/rdf_ml108_p{e}.csv" for e in NP_CP_ETAP},
        **{
            f"pair_{e}": f"{NP_CP_DIR}/data/pair_meanforces_p{e}.npz"
            for e in NP_CP_ETAP
        },
    output:
        summary=f"{NP_CP_DIR}/tables/fig8_summary.csv",
    log:
        f"{LOGS}/nanoparticles/cp_summary.log",
    benchmark:
        f"{BENCH}/nanoparticles/cp_summary.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        etaps=NP_CP_ETAP,
        code=code_hash("scripts/nanoparticles/cp_summary.py"),
    script:
        "../../scripts/nanoparticles/cp_summary.py"


rule np_cp_fig8:
    """Fig. 8: colloid-colloid g(r), FG (circles), ML2 (dashed), ML108 (dotted); FG snapshots."""
    input:
        **{
            f"rdf_fg_{e}": f"{NP_CP_DIR}/fg/rdf_c{NP_CP_ETAC}_p{e}.csv"
            for e in NP_CP_ETAP
        },
        **{f"rdf_ml2_{e}": f"{NP_CP_DIR}/cg/rdf_ml2_p{e}.csv" for e in NP_CP_ETAP},
        **{f"rdf_ml108_{e}": f"{NP_CP_DIR}/cg/rdf_ml108_p{e}.csv" for e in NP_CP_ETAP},
        **{f"fg_{e}": f"{NP_CP_DIR}/fg/c{NP_CP_ETAC}_p{e}.npz" for e in NP_CP_ETAP},
    output:
        figure=report(
            f"{NP_CP_DIR}/figures/fig8_colloid_polymer_gr.png",
            caption="../report/np_fig8.rst",
            category="nanoparticles",
        ),
    log:
        f"{LOGS}/nanoparticles/cp_fig8.log",
    benchmark:
        f"{BENCH}/nanoparticles/cp_fig8.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        etaps=NP_CP_ETAP,
        code=code_hash("scripts/nanoparticles/cp_fig8.py"),
    script:
        "../../scripts/nanoparticles/cp_fig8.py"
