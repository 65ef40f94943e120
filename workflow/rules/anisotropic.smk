# Paper `anisotropic`: Campos-Villalobos, Subert, Giunta, Dijkstra, npj Comput. Mater. (2024).
from cgml.papers.anisotropic import cost as an_cost

AN = config["anisotropic"]
AN_DIR = f"{RESULTS}/anisotropic"
AN_SYSTEMS = AN["patchy"]["systems"]
AN_SB = AN["superball"]
AN_SC = AN["spherocylinder"]
AN_SB_SHAPE = {k: AN_SB[k] for k in ("sigma", "exponent", "sigma_d", "exponent_zone")}
AN_SC_SHAPE = {k: AN_SC[k] for k in ("length", "diameter")}
AN_REMC_N = [str(n) for n in AN["remc"]["n_particles"]]
# threads of an FG replica exchange (null: one per temperature slot)
AN_REMC_FG_THREADS = AN["remc"].get("fg_threads") or AN["remc"]["n_replicas"]
# (runtime per attempt [min], retries) of a replica exchange, which resumes from its
# checkpoints: a run longer than the cluster's limit is resubmitted until done
an_remc_request = lambda potential, n, threads: chained_request(
    an_cost.minutes(an_cost.remc_seconds(AN["remc"], potential, int(n), threads)),
    LAMMPS.get("max_job_minutes"),
)
# retries are per rule: enough for the longest replica exchange (FG, largest N)
AN_REMC_RETRIES = (
    max((an_remc_request("fg", n, AN_REMC_FG_THREADS)[1] or 0) for n in AN_REMC_N)
    or None
)
AN_POTENTIALS = ["fg", "cg"]
AN_BRANCHES = ["compress", "expand"]
# spherocylinder EOS: hard rods, Eq. 17 with the fitted contact and, as a reference, with the exact one
AN_EOS_POTENTIALS = AN_POTENTIALS + (
    ["exact"] if AN["sc_eos"]["exact_reference"] else []
)
# longest job first among the long Monte Carlo runs (the EOS branches, the quasi-2D runs):
# a priority in [10, 11) that grows with the job's estimated one-core seconds, so the
# 22-min CG expansion (laptop) starts before the 5.5-min compression, and no pair of these
# outranks a fit (12) beside one of them or a two-thread data set (30)
longest_first = lambda seconds: 10 + seconds / (seconds + 3600.0)
sc_eos_priority = lambda w: longest_first(
    an_cost.sc_eos_seconds(AN["sc_eos"], w.potential, w.branch)
)

PAPER_TARGETS["anisotropic"] = [
    f"{AN_DIR}/figures/fig2_spheres.png",
    f"{AN_DIR}/figures/fig3_ipc_curves.png",
    f"{AN_DIR}/figures/fig3b_remc_clusters.png",
    f"{AN_DIR}/figures/fig4_ellipsoids.png",
    f"{AN_DIR}/figures/fig5b_overlap_landscape.png",
    f"{AN_DIR}/figures/fig5c_overlap_parity.png",
    f"{AN_DIR}/figures/fig5d_quasi2d.png",
    f"{AN_DIR}/figures/fig7a_contact_parity.png",
    f"{AN_DIR}/figures/fig7b_contour.png",
    f"{AN_DIR}/figures/fig7c_soft_potential.png",
    f"{AN_DIR}/figures/fig7de_eos.png",
    f"{AN_DIR}/figures/selection_trace.png",
    f"{AN_DIR}/tables/table_models.csv",
    f"{AN_DIR}/scorecard.csv",
]


wildcard_constraints:
    system=r"jc|ipc|ejc|eipc",
    potential=r"fg|cg",
    start=r"isotropic|square",
    n=r"[0-9]+",


# ------------------------------------------------------------------ surface-patterned particles


rule an_patchy_dataset:
    """FG site-sum energies of pair configurations on the paper's grid (JC, IPC, EJC, EIPC)."""
    output:
        dataset=f"{AN_DIR}/data/patchy_{{system}}.npz",
    log:
        f"{LOGS}/anisotropic/patchy_dataset_{{system}}.log",
    benchmark:
        f"{BENCH}/anisotropic/patchy_dataset_{{system}}.tsv"
    # two-thread jobs first: started later they wait for both cores while a long single-thread
    # job holds one (measured 2026-12-06, laptop from scratch: the IPC and EJC data sets, and
    # the replica exchange runs behind them, waited 13.4 min for the hard-rod compression with
    # the other core idle; 37.5 min wall for ~58 min of job CPU). Above twice the EOS branches'
    # 10: the scheduler weighs the summed priority of the jobs it starts, and at 20 it started
    # two hard-rod branches instead (sixth session, e112ad0: one core idle for 17 min)
    priority: 30
    conda:
        "../../envs/analysis.yaml"
    threads: 2
    resources:
        runtime=lambda w, threads: an_cost.minutes(
            an_cost.patchy_dataset_seconds(AN["patchy"]["dataset"], threads)
        ),
        mem_mb=4000,
    params:
        system=lambda w: w.system,
        dataset=AN["patchy"]["dataset"],
        fg=AN["patchy"]["fg"],
        seed=lambda w: seed_for("an_patchy_dataset", w.system),
        code=code_hash("scripts/anisotropic/patchy_dataset.py"),
    script:
        "../../scripts/anisotropic/patchy_dataset.py"


rule an_patchy_fit:
    """Stepwise selection and least squares of the S-function pair model (Eqs. 18-19)."""
    input:
        dataset=rules.an_patchy_dataset.output.dataset,
    output:
        model=f"{AN_DIR}/models/patchy_{{system}}.json",
        trace=f"{AN_DIR}/tables/selection_trace_{{system}}.csv",
        metrics=f"{AN_DIR}/tables/metrics_{{system}}.json",
        parity=f"{AN_DIR}/tables/parity_{{system}}.csv",
    log:
        f"{LOGS}/anisotropic/patchy_fit_{{system}}.log",
    benchmark:
        f"{BENCH}/anisotropic/patchy_fit_{{system}}.tsv"
    priority: 12  # as the other fits; the replica exchange waits for the IPC model
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=4 * 60,
        mem_mb=8000,
    params:
        system=lambda w: w.system,
        fit=AN["patchy"]["fit"],
        seed=lambda w: seed_for("an_patchy_fit", w.system),
        code=code_hash("scripts/anisotropic/patchy_fit.py"),
    script:
        "../../scripts/anisotropic/patchy_fit.py"


rule an_patchy_landscape:
    """theta_1-theta_2 landscapes (Figs. 2, 4) and the IPC curves (Fig. 3a, c): FG vs CG."""
    input:
        model=rules.an_patchy_fit.output.model,
    output:
        landscape=f"{AN_DIR}/tables/landscape_{{system}}.npz",
        curves=f"{AN_DIR}/tables/curves_{{system}}.csv",
    log:
        f"{LOGS}/anisotropic/patchy_landscape_{{system}}.log",
    benchmark:
        f"{BENCH}/anisotropic/patchy_landscape_{{system}}.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=4 * 60,
        mem_mb=2000,
    params:
        system=lambda w: w.system,
        fg=AN["patchy"]["fg"],
        landscape=AN["patchy"]["landscape"],
        seed=lambda w: seed_for("an_patchy_landscape", w.system),
        code=code_hash("scripts/anisotropic/patchy_landscape.py"),
    script:
        "../../scripts/anisotropic/patchy_landscape.py"


rule an_fig2:
    """Fig. 2: JC and IPC landscapes and parity plots."""
    input:
        landscape_jc=f"{AN_DIR}/tables/landscape_jc.npz",
        landscape_ipc=f"{AN_DIR}/tables/landscape_ipc.npz",
        parity_jc=f"{AN_DIR}/tables/parity_jc.csv",
        parity_ipc=f"{AN_DIR}/tables/parity_ipc.csv",
    output:
        figure=report(
            f"{AN_DIR}/figures/fig2_spheres.png",
            caption="../report/an_fig2.rst",
            category="anisotropic",
        ),
    log:
        f"{LOGS}/anisotropic/fig2.log",
    benchmark:
        f"{BENCH}/anisotropic/fig2.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        code=code_hash("scripts/anisotropic/fig2.py"),
    script:
        "../../scripts/anisotropic/fig2.py"


rule an_fig4:
    """Fig. 4: EJC and EIPC landscapes and parity plots."""
    input:
        landscape_ejc=f"{AN_DIR}/tables/landscape_ejc.npz",
        landscape_eipc=f"{AN_DIR}/tables/landscape_eipc.npz",
        parity_ejc=f"{AN_DIR}/tables/parity_ejc.csv",
        parity_eipc=f"{AN_DIR}/tables/parity_eipc.csv",
    output:
        figure=report(
            f"{AN_DIR}/figures/fig4_ellipsoids.png",
            caption="../report/an_fig4.rst",
            category="anisotropic",
        ),
    log:
        f"{LOGS}/anisotropic/fig4.log",
    benchmark:
        f"{BENCH}/anisotropic/fig4.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        code=code_hash("scripts/anisotropic/fig4.py"),
    script:
        "../../scripts/anisotropic/fig4.py"


rule an_fig3:
    """Fig. 3a, c: IPC energy vs theta_2 and vs separation, FG points and CG lines."""
    input:
        curves=f"{AN_DIR}/tables/curves_ipc.csv",
    output:
        figure=report(
            f"{AN_DIR}/figures/fig3_ipc_curves.png",
            caption="../report/an_fig3.rst",
            category="anisotropic",
        ),
    log:
        f"{LOGS}/anisotropic/fig3.log",
    benchmark:
        f"{BENCH}/anisotropic/fig3.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        code=code_hash("scripts/anisotropic/fig3.py"),
    script:
        "../../scripts/anisotropic/fig3.py"


# ------------------------------------------------------------------ superballs


rule an_superball_dataset:
    """Overlap volumes of two depletion zones by MC integration (Fig. 5)."""
    output:
        dataset=f"{AN_DIR}/data/superball.npz",
    log:
        f"{LOGS}/anisotropic/superball_dataset.log",
    benchmark:
        f"{BENCH}/anisotropic/superball_dataset.tsv"
    # first, as an_patchy_dataset (two threads or more): at e112ad0, with no priority, this 30 s
    # job waited 37 min for both cores, and the quasi-2D runs (24 min of job time) behind it
    priority: 30
    conda:
        "../../envs/analysis.yaml"
    # the overlap counts run on numba threads (the same volumes for any number)
    threads: 8
    resources:
        runtime=lambda w, threads: an_cost.minutes(
            an_cost.superball_dataset_seconds(AN_SB["dataset"], threads)
        ),
        mem_mb=2000,
    params:
        **AN_SB_SHAPE,
        **AN_SB["dataset"],
        seed=seed_for("an_superball_dataset"),
        code=code_hash("scripts/anisotropic/superball_dataset.py"),
    script:
        "../../scripts/anisotropic/superball_dataset.py"


rule an_superball_fit:
    """S-function model of the overlap volume V_f (Fig. 5c)."""
    input:
        dataset=rules.an_superball_dataset.output.dataset,
    output:
        model=f"{AN_DIR}/models/superball.json",
        trace=f"{AN_DIR}/tables/selection_trace_superball.csv",
        metrics=f"{AN_DIR}/tables/metrics_superball.json",
        parity=f"{AN_DIR}/tables/parity_superball.csv",
    log:
        f"{LOGS}/anisotropic/superball_fit.log",
    benchmark:
        f"{BENCH}/anisotropic/superball_fit.tsv"
    priority: 12  # as an_sc_fit: the quasi-2D runs (10-14 min at laptop scale) wait for it
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=60,
        mem_mb=4000,
    params:
        **AN_SB["fit"],
        seed=seed_for("an_superball_fit"),
        code=code_hash("scripts/anisotropic/superball_fit.py"),
    script:
        "../../scripts/anisotropic/superball_fit.py"


rule an_superball_landscape:
    """Overlap volume vs two angles, MC integration vs the model (Fig. 5b)."""
    input:
        model=rules.an_superball_fit.output.model,
    output:
        landscape=f"{AN_DIR}/tables/superball_landscape.npz",
    log:
        f"{LOGS}/anisotropic/superball_landscape.log",
    benchmark:
        f"{BENCH}/anisotropic/superball_landscape.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=4 * 60,
        mem_mb=2000,
    params:
        **AN_SB_SHAPE,
        **AN_SB["landscape"],
        seed=seed_for("an_superball_landscape"),
        code=code_hash("scripts/anisotropic/superball_landscape.py"),
    script:
        "../../scripts/anisotropic/superball_landscape.py"


rule an_quasi2d:
    """Quasi-2D NVT MC of hard rounded cubes with the CG depletion attraction (Fig. 5d)."""
    input:
        model=rules.an_superball_fit.output.model,
    output:
        npz=f"{AN_DIR}/sim/quasi2d_{{start}}.npz",
        json=f"{AN_DIR}/sim/quasi2d_{{start}}.json",
    log:
        f"{LOGS}/anisotropic/quasi2d_{{start}}.log",
    benchmark:
        f"{BENCH}/anisotropic/quasi2d_{{start}}.tsv"
    # among the EOS branches by length (laptop: 14 min, after the CG expansion and the hard rods)
    priority: longest_first(an_cost.quasi2d_seconds(AN["quasi2d"]))
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=an_cost.minutes(an_cost.quasi2d_seconds(AN["quasi2d"])),
        mem_mb=2000,
    params:
        superball=AN_SB_SHAPE,
        quasi2d=AN["quasi2d"],
        seed=lambda w: seed_for("an_quasi2d", w.start),
        code=code_hash("scripts/anisotropic/quasi2d.py"),
    script:
        "../../scripts/anisotropic/quasi2d.py"


rule an_fig5:
    """Fig. 5b, c, d: overlap-volume landscape, parity, quasi-2D snapshots and bond angles."""
    input:
        **{
            f"quasi2d_{s}": f"{AN_DIR}/sim/quasi2d_{s}.npz"
            for s in AN["quasi2d"]["starts"]
        },
        landscape=rules.an_superball_landscape.output.landscape,
        parity=rules.an_superball_fit.output.parity,
        metrics=rules.an_superball_fit.output.metrics,
    output:
        fig5b=report(
            f"{AN_DIR}/figures/fig5b_overlap_landscape.png",
            caption="../report/an_fig5.rst",
            category="anisotropic",
        ),
        fig5c=report(
            f"{AN_DIR}/figures/fig5c_overlap_parity.png",
            caption="../report/an_fig5.rst",
            category="anisotropic",
        ),
        fig5d=report(
            f"{AN_DIR}/figures/fig5d_quasi2d.png",
            caption="../report/an_fig5.rst",
            category="anisotropic",
        ),
    log:
        f"{LOGS}/anisotropic/fig5.log",
    benchmark:
        f"{BENCH}/anisotropic/fig5.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        superball=AN_SB_SHAPE,
        code=code_hash("scripts/anisotropic/fig5.py"),
    script:
        "../../scripts/anisotropic/fig5.py"


# ------------------------------------------------------------------ spherocylinders


rule an_sc_dataset:
    """Contact distances of hard spherocylinders (Vega-Lago), random configurations."""
    output:
        dataset=f"{AN_DIR}/data/spherocylinder.npz",
    log:
        f"{LOGS}/anisotropic/sc_dataset.log",
    benchmark:
        f"{BENCH}/anisotropic/sc_dataset.tsv"
    # priorities do not reach upstream jobs: the CG EOS branches (priority 10-11), the longest jobs,
    # start only once this and an_sc_fit are done (laptop 2026-12-06: without a priority they ran
    # after the quasi-2D and replica-exchange jobs). Above the EOS branches' 10, or a hard-rod branch
    # wins the tie and holds a core for 15 min (seventh session, 15d094d: an_sc_fit waited 18 min,
    # the CG expansion started at 20 min, 61 min wall). The scheduler maximises the summed priority
    # of the jobs it starts: at 15, this job and an_superball_fit (15 + 15) tied with a two-thread
    # data set (30) and went first, and both hard-rod branches then took the cores from the data
    # sets (seventh session, ef2e4de, a run stopped at minute 11). 12 + 12 < 30; the EOS
    # branches (10 ... 11, longest first) stay below 12
    priority: 12
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=60,
        mem_mb=2000,
    params:
        **AN_SC_SHAPE,
        **AN_SC["dataset"],
        seed=seed_for("an_sc_dataset"),
        code=code_hash("scripts/anisotropic/sc_dataset.py"),
    script:
        "../../scripts/anisotropic/sc_dataset.py"


rule an_sc_fit:
    """Contact-function model sigma_s (Lambda = f_c = 1; Fig. 7a)."""
    input:
        dataset=rules.an_sc_dataset.output.dataset,
    output:
        model=f"{AN_DIR}/models/spherocylinder.json",
        trace=f"{AN_DIR}/tables/selection_trace_spherocylinder.csv",
        metrics=f"{AN_DIR}/tables/metrics_spherocylinder.json",
        parity=f"{AN_DIR}/tables/parity_spherocylinder.csv",
    log:
        f"{LOGS}/anisotropic/sc_fit.log",
    benchmark:
        f"{BENCH}/anisotropic/sc_fit.tsv"
    priority: 12  # as an_sc_dataset
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=60,
        mem_mb=4000,
    params:
        **AN_SC["fit"],
        seed=seed_for("an_sc_fit"),
        code=code_hash("scripts/anisotropic/sc_fit.py"),
    script:
        "../../scripts/anisotropic/sc_fit.py"


rule an_sc_curves:
    """Contour encoded by the contact function and Eq. 17 curves (Fig. 7b, c)."""
    input:
        model=rules.an_sc_fit.output.model,
    output:
        contour=f"{AN_DIR}/tables/sc_contour.csv",
        potential=f"{AN_DIR}/tables/sc_soft_potential.csv",
    log:
        f"{LOGS}/anisotropic/sc_curves.log",
    benchmark:
        f"{BENCH}/anisotropic/sc_curves.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=30,
        mem_mb=1000,
    params:
        **AN_SC_SHAPE,
        **AN_SC["curves"],
        epsilon=AN_SC["epsilon"],
        lambda_r=AN_SC["lambda_r"],
        gap_cut=AN_SC["gap_cut"],
        code=code_hash("scripts/anisotropic/sc_curves.py"),
    script:
        "../../scripts/anisotropic/sc_curves.py"


rule an_sc_eos:
    """NPT MC equation of state of spherocylinders, hard (FG) or CG, one branch (Fig. 7).

    potential "exact" (a target where sc_eos.exact_reference is true: paper and toy, not
    laptop): Eq. 17 with the exact contact distance instead of the fitted one, the
    reference that isolates what the fit does to the CG EOS.
    """
    input:
        # hard rods ("fg") need no fitted model: they start at once, beside the contact-function chain
        model=lambda w: rules.an_sc_fit.output.model if w.potential == "cg" else [],
    output:
        csv=f"{AN_DIR}/tables/sc_eos_{{potential}}_{{branch}}.csv",
        npz=f"{AN_DIR}/sim/sc_eos_{{potential}}_{{branch}}.npz",
    log:
        f"{LOGS}/anisotropic/sc_eos_{{potential}}_{{branch}}.log",
    benchmark:
        f"{BENCH}/anisotropic/sc_eos_{{potential}}_{{branch}}.tsv"
    wildcard_constraints:
        potential=r"fg|cg|exact",
    # the longest jobs of the paper (laptop, 2026-12-06: hard-rod branches 15 min, CG 22 / 5.5 min): started
    # early, longest first, the short jobs fill the other core around them. With one priority (10) for
    # all four the 5.5-min CG compression started first and the CG expansion at minute 9.5 (eighth
    # session, 189e791)
    priority: sc_eos_priority
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=lambda w: an_cost.minutes(
            an_cost.sc_eos_seconds(AN["sc_eos"], w.potential, w.branch)
        ),
        mem_mb=2000,
    params:
        spherocylinder={
            k: AN_SC[k]
            for k in ("length", "diameter", "epsilon", "lambda_r", "gap_cut")
        },
        sc_eos=AN["sc_eos"],
        seed=lambda w: seed_for("an_sc_eos", w.potential, w.branch),
        code=code_hash("scripts/anisotropic/sc_eos.py"),
    script:
        "../../scripts/anisotropic/sc_eos.py"


rule an_fig7:
    """Fig. 7a-e: contact parity, contour, soft potential, EOS with order parameters."""
    input:
        **{
            f"eos_{p}_{b}": f"{AN_DIR}/tables/sc_eos_{p}_{b}.csv"
            for p in AN_EOS_POTENTIALS
            for b in AN_BRANCHES
        },
        parity=rules.an_sc_fit.output.parity,
        metrics=rules.an_sc_fit.output.metrics,
        contour=rules.an_sc_curves.output.contour,
        potential=rules.an_sc_curves.output.potential,
    output:
        fig7a=report(
            f"{AN_DIR}/figures/fig7a_contact_parity.png",
            caption="../report/an_fig7.rst",
            category="anisotropic",
        ),
        fig7b=report(
            f"{AN_DIR}/figures/fig7b_contour.png",
            caption="../report/an_fig7.rst",
            category="anisotropic",
        ),
        fig7c=report(
            f"{AN_DIR}/figures/fig7c_soft_potential.png",
            caption="../report/an_fig7.rst",
            category="anisotropic",
        ),
        fig7de=report(
            f"{AN_DIR}/figures/fig7de_eos.png",
            caption="../report/an_fig7.rst",
            category="anisotropic",
        ),
    log:
        f"{LOGS}/anisotropic/fig7.log",
    benchmark:
        f"{BENCH}/anisotropic/fig7.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        code=code_hash("scripts/anisotropic/fig7.py"),
    script:
        "../../scripts/anisotropic/fig7.py"


# ------------------------------------------------------------------ IPC clusters (REMC)


rule an_remc:
    """Replica-exchange MC of N IPCs with the FG site sums or the CG model (Fig. 3b)."""
    input:
        dataset=f"{AN_DIR}/data/patchy_{AN['remc']['system']}.npz",
        model=f"{AN_DIR}/models/patchy_{AN['remc']['system']}.json",
        # fg_start: cg -> the FG replicas start from the CG run's final slots
        start=lambda w: (
            f"{AN_DIR}/sim/remc_cg_n{w.n}.npz"
            if w.potential == "fg" and AN["remc"]["fg_start"] == "cg"
            else []
        ),
    output:
        npz=f"{AN_DIR}/sim/remc_{{potential}}_n{{n}}.npz",
        json=f"{AN_DIR}/sim/remc_{{potential}}_n{{n}}.json",
    log:
        f"{LOGS}/anisotropic/remc_{{potential}}_n{{n}}.log",
    benchmark:
        f"{BENCH}/anisotropic/remc_{{potential}}_n{{n}}.tsv"
    # as the fits: the replica-exchange chain (CG, then FG from its slots) starts before the long
    # Monte Carlo runs (priority 10-11) instead of after them, where it ended the laptop run
    priority: 12
    retries: AN_REMC_RETRIES
    conda:
        "../../envs/analysis.yaml"
    # FG site sums: the temperature slots are swept on threads (the same trajectory for any
    # number); CG sweeps are too short for threads to pay
    threads: lambda w: AN_REMC_FG_THREADS if w.potential == "fg" else 1
    resources:
        runtime=lambda w, threads: an_remc_request(w.potential, w.n, threads)[0],
        mem_mb=2000,
    params:
        remc=lambda w: {
            **AN["remc"],
            "n_cycles": AN["remc"][
                "n_cycles_fg" if w.potential == "fg" else "n_cycles"
            ],
        },
        system=AN["remc"]["system"],
        fg=AN["patchy"]["fg"],
        seed=lambda w: seed_for("an_remc", w.potential, w.n),
        code=code_hash("scripts/anisotropic/remc.py"),
    script:
        "../../scripts/anisotropic/remc.py"


rule an_fig3b:
    """Fig. 3b: lowest-energy clusters of N = 4, 5 IPCs, FG vs CG, and <U>/N."""
    input:
        **{
            f"remc_{p}_{n}": f"{AN_DIR}/sim/remc_{p}_n{n}.npz"
            for p in AN_POTENTIALS
            for n in AN_REMC_N
        },
    output:
        png=report(
            f"{AN_DIR}/figures/fig3b_remc_clusters.png",
            caption="../report/an_fig3.rst",
            category="anisotropic",
        ),
    log:
        f"{LOGS}/anisotropic/fig3b.log",
    benchmark:
        f"{BENCH}/anisotropic/fig3b.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        code=code_hash("scripts/anisotropic/fig3b.py"),
    script:
        "../../scripts/anisotropic/fig3b.py"


# ------------------------------------------------------------------ selection trace, table, scorecard


rule an_selection_figure:
    """Selection traces of every model (as Supplementary Fig. 1)."""
    input:
        **{
            f"trace_{k:02d}": f"{AN_DIR}/tables/selection_trace_{name}.csv"
            for k, name in enumerate(AN_SYSTEMS + ["superball", "spherocylinder"])
        },
    output:
        figure=report(
            f"{AN_DIR}/figures/selection_trace.png",
            caption="../report/an_selection.rst",
            category="anisotropic",
        ),
    log:
        f"{LOGS}/anisotropic/selection_figure.log",
    benchmark:
        f"{BENCH}/anisotropic/selection_figure.tsv"
    conda:
        "../../envs/plotting.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        labels=[s.upper() for s in AN_SYSTEMS]
        + ["superball V_f", "spherocylinder contact"],
        code=code_hash("scripts/anisotropic/selection_figure.py"),
    script:
        "../../scripts/anisotropic/selection_figure.py"


rule an_scorecard:
    """Model table and scorecard of the anisotropic paper at this scale."""
    input:
        **{
            f"metrics_{name}": f"{AN_DIR}/tables/metrics_{name}.json"
            for name in AN_SYSTEMS + ["superball", "spherocylinder"]
        },
        **{
            f"remc_{p}_{n}": f"{AN_DIR}/sim/remc_{p}_n{n}.json"
            for p in AN_POTENTIALS
            for n in AN_REMC_N
        },
        **{
            f"quasi2d_{s}": f"{AN_DIR}/sim/quasi2d_{s}.json"
            for s in AN["quasi2d"]["starts"]
        },
        **{
            f"eos_{p}_{b}": f"{AN_DIR}/tables/sc_eos_{p}_{b}.csv"
            for p in AN_EOS_POTENTIALS
            for b in AN_BRANCHES
        },
    output:
        table=f"{AN_DIR}/tables/table_models.csv",
        scorecard=f"{AN_DIR}/scorecard.csv",
        boundaries=f"{AN_DIR}/tables/sc_phase_boundaries.csv",
    log:
        f"{LOGS}/anisotropic/scorecard.log",
    benchmark:
        f"{BENCH}/anisotropic/scorecard.tsv"
    conda:
        "../../envs/analysis.yaml"
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        scale=SCALE,
        phases=AN["phases"],
        code=code_hash("scripts/anisotropic/scorecard.py"),
    script:
        "../../scripts/anisotropic/scorecard.py"
