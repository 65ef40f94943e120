"""The fine-grained LAMMPS runs of the nanoparticle paper (Giunta et al. 2023, Methods).

Rules ``np_pair_fg``, ``np_cluster_confine``, ``np_cluster_fg`` and ``np_fg_bulk`` call
these functions. They are kept apart from the mapping, fitting and Monte Carlo code on
purpose: a rule's code hash (:func:`cgml.workflow.smk.code_hash`) covers the modules its
script can import, so editing a fit or the MC engine does not rerun hours of LAMMPS.

Units: LAMMPS ``real`` (Angstrom, kcal/mol, fs) for everything handed to LAMMPS;
separations and radii in the config are in sigma_c.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np

from cgml.fg.forcefield import NanoparticleForceField
from cgml.fg.lammps import ChainedSeries, output_steps, run_chained_lammps_job
from cgml.fg.nanoparticle import NanoparticleSpec, build_nanoparticles
from cgml.fg.topology import write_lammps_data
from cgml.io import job_provenance, write_json
from cgml.lattices import fcc_lattice, random_packing
from cgml.papers.nanoparticles.units import ReducedUnits

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- geometry
def pair_separations(pair_cfg: dict) -> np.ndarray:
    """Separations R_IJ / sigma_c of data set (i), evenly spaced."""
    return np.linspace(pair_cfg["r_min_sigma"], pair_cfg["r_max_sigma"], pair_cfg["n_separations"])


def random_unit_vector(rng: np.random.Generator) -> np.ndarray:
    v = rng.normal(size=3)
    return v / np.linalg.norm(v)


def pair_centers(separation_sigma: float, sigma_c: float, rng: np.random.Generator) -> np.ndarray:
    """Two core centres [Angstrom] at ``separation_sigma`` along a random axis."""
    axis = random_unit_vector(rng)
    half = 0.5 * separation_sigma * sigma_c * axis
    return np.array([-half, half])


def forcefield_for(np_cfg: dict, solvent: float) -> NanoparticleForceField:
    ff = np_cfg["forcefield"]
    return NanoparticleForceField(
        solvent_s=float(solvent), sigma_b_nm=ff["sigma_b_nm"], epsilon=ff["epsilon_kcal"],
        r_cut_nm=ff["r_cut_nm"], k_bond_nm=ff["k_bond_kcal_nm2"], b0_nm=np_cfg["model"]["bond_length_nm"],
        k_angle=ff["k_angle_kcal"], pair_table_points=int(ff.get("pair_table_points", 0)))


def core_bead_sphere_nm(np_cfg: dict) -> float:
    """Diameter [nm] of the sphere the core-bead centres sit on (``model.core_beads``).

    ``centres_on_sigma_c``: the bead centres on the sphere of diameter sigma_c;
    ``inside_sigma_c``: the beads' outer surface on it, centres on sigma_c - sigma_b (the
    paper's "hard core of diameter sigma_c" made of beads of diameter sigma_b). The paper
    does not say which; 275 beads give 5 ligands per nm^2 of the sigma_c sphere either way.
    """
    placement = np_cfg["model"].get("core_beads", "centres_on_sigma_c")
    if placement == "centres_on_sigma_c":
        return float(np_cfg["sigma_c_nm"])
    if placement == "inside_sigma_c":
        return float(np_cfg["sigma_c_nm"]) - float(np_cfg["forcefield"]["sigma_b_nm"])
    raise ValueError(f"nanoparticles.model.core_beads must be 'centres_on_sigma_c' or 'inside_sigma_c', "
                     f"got {placement!r}")


def nanoparticle_spec(np_cfg: dict) -> NanoparticleSpec:
    m = np_cfg["model"]
    return NanoparticleSpec(n_core=m["n_core"], core_diameter=core_bead_sphere_nm(np_cfg) * 10.0,
                            ligand_length=m["ligand_length"], bond_length=m["bond_length_nm"] * 10.0,
                            ligand_mass=m["ligand_mass"], core_bead_mass=m["core_bead_mass"])


def run_np_lammps(stem: str, np_cfg: dict, solvent: float, input, lammps: dict, *, variables: dict, out_dir,
                  lammps_log, restart_every: int, prepare, series=(), products=None, keep=()):
    """One nanoparticle LAMMPS job from ``workflow/lammps/np_<stem>*.in`` (the start script
    ``input['template']``, the MD ``input['md']`` it shares with the resume script
    ``input['resume']``, the force field ``input['forcefield']``), chained so a rerun of a
    killed job resumes from its restart files (:func:`cgml.fg.lammps.run_chained_lammps_job`)."""
    report = run_chained_lammps_job(
        files=forcefield_for(np_cfg, solvent).lammps_files(),
        templates={"in.lammps": input["template"], f"np_{stem}_md.in": input["md"],
                   f"np_{stem}_resume.in": input["resume"], "forcefield.in": input["forcefield"]},
        resume_input=f"np_{stem}_resume.in", variables=variables, out_dir=out_dir, series=series,
        lammps_log=lammps_log, restart_every=int(restart_every), prepare=prepare, keep=keep, products=products,
        executable=lammps["executable"], launcher=lammps["launcher"])
    if report.attempts > 1:
        log.info("np_%s: %d LAMMPS attempts, this one from step %d", stem, report.attempts, report.started_from)
    return report


# --------------------------------------------------------------------------- pair_fg
def run_pair_fg(*, input, output, params, wildcards, threads=1):
    """One constrained FG run: two frozen cores at separation index ``wildcards['index']``."""
    np_cfg = params["np"]
    solvent = float(wildcards["solvent"])
    index = int(wildcards["index"])
    separation = float(pair_separations(np_cfg["pair"])[index])
    seed = int(params["seed"])
    rng = np.random.default_rng(seed)
    units = ReducedUnits.from_config(np_cfg)
    centers = pair_centers(separation, units.sigma_c, rng)
    topology = build_nanoparticles(centers, nanoparticle_spec(np_cfg), rng=rng)
    out_dir = Path(output["dump"]).parent
    variables = md_variables(np_cfg, solvent, seed, np_cfg["pair"])
    log.info("LAMMPS: R = %.4f sigma_c, s = %s, %d atoms", separation, solvent, topology.n_atoms)
    run_constrained(np_cfg, solvent, variables, input, output, params["lammps"],
                    prepare=lambda tmp: write_lammps_data(tmp / "system.data", topology,
                                                          title=f"two NPs R={separation:.4f} sigma_c s={solvent}"),
                    keep=("system.data", "in.lammps", "forcefield.in"))
    write_json(out_dir / "run.json", job_provenance(params, wildcards, separation_sigma=separation,
                                                    centers_A=centers))


def md_variables(np_cfg: dict, solvent: float, seed: int, run_cfg: dict, data_file: str = "system.data") -> dict:
    """Template variables of a constrained run (np_constrained.in) from the config."""
    md = np_cfg["md"]
    variables = forcefield_for(np_cfg, solvent).lammps_variables()
    equilibration, production = int(run_cfg["equilibration_steps"]), int(run_cfg["production_steps"])
    variables.update(
        boundary="s s s", data_file=data_file, minimize_steps=md["minimize_steps"],
        temperature=np_cfg["temperature_K"], seed=1 + seed % 900_000_000, t_damp=md["t_damp_fs"],
        timestep=md["timestep_fs"], thermo_every=max(1, production // 20),
        equilibration_steps=equilibration, production_end=equilibration + production,
        dump_every=run_cfg["dump_every"], force_every=run_cfg["force_every"])
    return variables


def run_constrained(np_cfg: dict, solvent: float, variables: dict, input, output, lammps: dict, prepare,
                    keep=()) -> None:
    """A constrained-core LAMMPS run (np_constrained*.in) that a rerun of a killed job
    resumes from its restart files (every ``md.restart_every`` steps; see
    :func:`cgml.fg.lammps.run_chained_lammps_job`). Publishes the core-bead dump
    (``output['dump']``) and the per-NP force sums (``output['np_forces']``)."""
    first, last = variables["equilibration_steps"], variables["production_end"]
    run_np_lammps("constrained", np_cfg, solvent, input, lammps, variables=variables,
                  out_dir=Path(output["dump"]).parent, lammps_log=output["lammps_log"],
                  restart_every=np_cfg["md"]["restart_every"], prepare=prepare, keep=keep,
                  series=[ChainedSeries("dump_file", "forces.dump", output["dump"],
                                        output_steps(first, last, variables["dump_every"])),
                          ChainedSeries("force_file", "np_forces.txt", output["np_forces"],
                                        output_steps(first, last, variables["force_every"]), kind="ave_time")])


def cluster_centers(n: int, radius: float, min_distance: float, rng: np.random.Generator,
                    max_tries: int = 200_000) -> np.ndarray:
    """``n`` points uniformly in a ball of ``radius`` with pair distances >= ``min_distance``.

    Random sequential addition; raises ValueError if the packing is infeasible.
    """
    points = []
    tries = 0
    while len(points) < n:
        tries += 1
        if tries > max_tries:
            raise ValueError(f"cannot place {n} points with spacing {min_distance} in radius {radius}")
        p = rng.uniform(-radius, radius, 3)
        if p @ p > radius * radius:
            continue
        if all(np.linalg.norm(p - q) >= min_distance for q in points):
            points.append(p)
    return np.asarray(points)


def start_centers(n: int, radius: float, min_distance: float, rng: np.random.Generator,
                  grow: float = 1.05, max_attempts: int = 10) -> tuple[float, np.ndarray]:
    """:func:`cluster_centers` in ``radius``, or in a ball ``grow`` times larger after each
    failed attempt (random addition jams by chance near its packing limit: measured, 12
    cores 1.5 apart in radius 2.0 failed for one laptop seed). Returns (radius used, points)."""
    for _ in range(max_attempts):
        try:
            return radius, cluster_centers(n, radius, min_distance, rng)
        except ValueError:
            log.warning("cannot place %d cores %.3g apart in radius %.3g: trying %.3g", n, min_distance,
                        radius, radius * grow)
            radius *= grow
    raise ValueError(f"cannot place {n} points with spacing {min_distance} in radius {radius / grow:.4g} "
                     f"after {max_attempts} attempts (clusters.start_radius_sigma, min_distance_sigma)")


# --------------------------------------------------------------------------- cluster_confine
#: steps at a quarter of the time step before the confined equilibration (stability)
SETTLE_STEPS = 1000


def wall_radii_angstrom(np_cfg: dict, start_sigma: float, radius_sigma: float) -> tuple[float, float]:
    """Radii [Angstrom] of the spherical wall on the core beads at the start and at R_w.

    The wall acts on the core beads, so it sits at the core-centre radius [sigma_c] plus
    the radius of the core-bead sphere (:func:`core_bead_sphere_nm`): a core centre is held
    at ``radius_sigma`` whichever ``model.core_beads`` placement is used.
    """
    sigma_c = float(np_cfg["sigma_c_nm"]) * 10.0
    bead_shell = 0.5 * core_bead_sphere_nm(np_cfg) * 10.0
    return start_sigma * sigma_c + bead_shell, radius_sigma * sigma_c + bead_shell


def run_cluster_confine(*, input, output, params, wildcards, threads=1):
    """Confined cluster run; writes ``samples_per_radius`` configurations."""
    np_cfg = params["np"]
    cl = np_cfg["clusters"]
    solvent = float(wildcards["solvent"])
    wall = int(wildcards["wall"])
    radius_sigma = float(cl["confinement_radii_sigma"][wall])
    seed = int(params["seed"])
    rng = np.random.default_rng(seed)
    units = ReducedUnits.from_config(np_cfg)
    # random sequential addition cannot pack dense walls: start in a ball of at least
    # start_radius_sigma and let the wall shrink to R_w during the equilibration
    start_sigma = max(radius_sigma, float(cl.get("start_radius_sigma", radius_sigma)))
    start_sigma, centers = start_centers(cl["n_particles"], start_sigma, cl["min_distance_sigma"], rng)
    centers = units.sigma_c * centers
    topology = build_nanoparticles(centers, nanoparticle_spec(np_cfg), rng=rng)  # ball centred at the origin, as the wall
    md = np_cfg["md"]
    variables = forcefield_for(np_cfg, solvent).lammps_variables()
    wall_start, wall_radius = wall_radii_angstrom(np_cfg, start_sigma, radius_sigma)
    variables.update(
        boundary="s s s", data_file="system.data", minimize_steps=cl["minimize_steps"],
        temperature=np_cfg["temperature_K"], seed=1 + seed % 900_000_000, t_damp=md["t_damp_fs"],
        timestep=md["timestep_fs"], thermo_every=max(1, cl["sample_every"]),
        # our choice: a settling stage of 1000 steps at dt / 4 before the equilibration
        settle_timestep=0.25 * md["timestep_fs"],
        settle_steps=min(SETTLE_STEPS, cl["equilibration_steps"]),
        equilibration_steps=cl["equilibration_steps"], sample_every=cl["sample_every"],
        equilibrated=min(SETTLE_STEPS, cl["equilibration_steps"]) + cl["equilibration_steps"],
        n_samples=cl["samples_per_radius"],
        # the wall is soft: measured at laptop scale (with the wall still at R_w + sigma_c / 2
        # on beads at 0.44 sigma_c), the outermost core centre sat 0.02-0.18 sigma_c beyond R_w
        wall_radius=f"{wall_radius:.4f}", wall_start=f"{wall_start:.4f}",
        push_steps=cl["push_steps"], push_max=cl["push_max_kcal"],
        wall_k=cl["wall_k_kcal_A3"],
        comm_cutoff=f"{units.sigma_c + 2 * 12.0 + 4.0:.1f}")
    samples = {f"sample_{k:03d}.data": output[f"sample_{k:03d}"] for k in range(cl["samples_per_radius"])}
    out_dir = Path(output["lammps_log"]).parent
    log.info("LAMMPS: %d NPs confined in R_w = %.2f sigma_c, s = %s", cl["n_particles"], radius_sigma, solvent)
    # a killed job (wall time) leaves its restart files and samples; the rerun continues
    run_np_lammps("confined", np_cfg, solvent, input, params["lammps"], variables=variables, out_dir=out_dir,
                  lammps_log=output["lammps_log"], restart_every=md["restart_every"],
                  prepare=lambda tmp: write_lammps_data(tmp / "system.data", topology, title="confined cluster"),
                  keep=("in.lammps", "forcefield.in"), products=samples)
    write_json(out_dir / "run.json", job_provenance(params, wildcards, radius_sigma=radius_sigma,
                                                    start_radius_sigma=start_sigma))


# --------------------------------------------------------------------------- cluster_fg
def run_cluster_fg(*, input, output, params, wildcards, threads=1):
    """Constrained run: cores frozen at a sampled configuration, no wall."""

    np_cfg = params["np"]
    solvent = float(wildcards["solvent"])
    seed = int(params["seed"])
    variables = md_variables(np_cfg, solvent, seed, np_cfg["clusters"]["constrained"])
    run_constrained(np_cfg, solvent, variables, input, output, params["lammps"],
                    prepare=lambda tmp: shutil.copyfile(input["data"], tmp / "system.data"), keep=("in.lammps",))
    write_json(Path(output["dump"]).parent / "run.json", job_provenance(params, wildcards, data=str(input["data"])))



# --------------------------------------------------------------------------- FG bulk MD
def bulk_start(n_fcc_cells: int, density: float, gr: dict, rng: np.random.Generator):
    """Start of a Fig. 7 bulk run [sigma_c]: 4 n^3 centres on an FCC lattice, or, below
    ``gr['fluid_start_below']``, the same number placed at random at least
    ``gr['fluid_start_min_distance']`` apart (the fluid side: short runs from a lattice
    stay on it). Returns ``(positions (n, 3), box_lengths (3,))``."""
    n = 4 * int(n_fcc_cells) ** 3
    if density < float(gr["fluid_start_below"]):
        return random_packing(n, density, float(gr["fluid_start_min_distance"]), rng)
    return fcc_lattice(n_fcc_cells, density)


def run_fg_bulk(*, input, output, params, wildcards, threads=1):
    """LAMMPS: N NPs with diffusing rigid cores at one density; core beads dumped."""
    np_cfg = params["np"]
    gr = np_cfg["gr"]
    density = float(wildcards["density"])
    solvent = float(gr["solvent"])
    seed = int(params["seed"])
    rng = np.random.default_rng(seed)
    units = ReducedUnits.from_config(np_cfg)
    centers, box = bulk_start(gr["fg_fcc_cells"], density, gr, rng)
    topology = build_nanoparticles(centers * units.sigma_c, nanoparticle_spec(np_cfg), box_lengths=box * units.sigma_c,
                                   rng=rng)
    md = np_cfg["md"]
    equilibration, production, every = (int(gr[k]) for k in ("fg_equilibration_steps", "fg_production_steps",
                                                                 "fg_dump_every"))
    variables = forcefield_for(np_cfg, solvent).lammps_variables()
    variables.update(
        data_file="system.data", minimize_steps=gr["fg_minimize_steps"], temperature=np_cfg["temperature_K"],
        seed=1 + seed % 900_000_000, t_damp=md["t_damp_fs"], timestep=md["timestep_fs"],
        thermo_every=max(1, production // 10), equilibration_steps=equilibration,
        production_end=equilibration + production, dump_every=every,
        push_steps=gr["fg_push_steps"], push_max=30.0, comm_cutoff=f"{units.sigma_c + 28.0:.1f}")
    # a killed job (wall time) leaves its restart files; the rerun continues from them
    report = run_np_lammps(
        "bulk", np_cfg, solvent, input, params["lammps"], variables=variables, out_dir=Path(output["dump"]).parent,
        lammps_log=output["lammps_log"], restart_every=gr["fg_restart_every"],
        prepare=lambda tmp: write_lammps_data(tmp / "system.data", topology, title=f"bulk NPs rho={density}"),
        keep=("in.lammps",), series=[ChainedSeries("dump_file", "cores.dump", output["dump"],
                                                   output_steps(equilibration, equilibration + production, every))])
    log.info("FG bulk rho=%s: %d frames from %d LAMMPS attempt(s), this one from step %d", density,
             report.frames["cores.dump"], report.attempts, report.started_from)
    write_json(Path(output["dump"]).parent / "run.json",
               job_provenance(params, wildcards, attempts=report.attempts, frames=report.frames["cores.dump"]))
