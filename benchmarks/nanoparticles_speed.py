"""Throughput of the nanoparticle kernels (Giunta, Campos-Villalobos, Dijkstra, ACS Nano 2023).

Writes a CSV (one row per measurement) with columns

    benchmark, code, n_particles, unit, n_evaluations, seconds, cpu_seconds, per_second,
    per_cpu_second, details

``seconds`` is wall time, ``cpu_seconds`` the CPU time of this process (LAMMPS: loop time
x its reported CPU use); on a shared machine ``per_cpu_second`` = n_evaluations /
cpu_seconds estimates the uncontended rate better than ``per_second``.

and a ``<csv>.meta.json`` provenance sidecar (cgml.io) with the machine (cores, CPU,
load average, numba / numpy / DScribe / LAMMPS versions). Single thread throughout.

Rows
----
``sf_force_features``     cgml symmetry functions + force features Psi (Eq. 32) of every
                          particle, ML12-sized pool (10 x 10 radial + 8 x 2 x 4 angular,
                          from ``config/config.yaml``), R_c = 2.5 sigma_c, periodic random
                          configuration at rho = 0.15 sigma_c^-3, N = 500 ... 16000
                          [particles/s]; linear scaling is the goal (per-particle rate flat)
``sf_values``             the same, values only
``dscribe_acsf_values``   DScribe ACSF (create) of the same pool with the cosine cutoff
                          (checked equal to cgml's to 1e-10), periodic, same systems
``dscribe_acsf_derivatives``  DScribe ACSF derivatives (its only method for ACSF is a
                          Python loop of central differences, 6 single-centre evaluations
                          per (centre, atom) pair, attach=True); per centre, with ``include``
                          restricted to the centre and its neighbours (the least work that
                          assembles force features); timed on a few centres, rate =
                          centres/s = particles/s. Skipped (one row with a note) if DScribe
                          cannot be imported.
``mc_moves``              Metropolis displacement moves of the ML12 (and ML2) potential
                          (cgml.simulate.sf_potential) in run_nvt at N = 500 and 4000,
                          rho = 0.15, seeded random weights (or --ml12-model) [moves/s],
                          best of a few consecutive blocks (mean in details); the per-move
                          cost must not grow with N; details give the mean number of
                          centres re-evaluated per move (flat in N by construction)
``lammps_steps``          LAMMPS MD steps of the fine-grained two-nanoparticle system
                          (2 x 1650 beads, cores frozen, workflow/lammps/np_constrained.in)
                          [steps/s], equilibration and production runs separately, with
                          Eq. 11 evaluated analytically (hybrid/overlay) and as the linear
                          table the workflow uses (forcefield.pair_table_points)

Usage (about a minute with --quick, ~10 minutes without, on a free 2-core machine):

    python benchmarks/nanoparticles_speed.py [--quick] [--out PATH.csv] [--skip-lammps]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np
import pandas as pd
import yaml

from cgml.descriptors import AngularSet, RadialSet, compute_symmetry_functions
from cgml.fg.forcefield import NM, NanoparticleForceField
from cgml.fg.lammps import default_executable, run_lammps_job
from cgml.fg.nanoparticle import NanoparticleSpec, build_nanoparticles
from cgml.fg.topology import write_lammps_data
from cgml.fitting.sf_model import SymmetryFunctionModel
from cgml.io import provenance, write_csv
from cgml.neighbors import build_cell_list
from cgml.simulate import init_state, run_nvt
from cgml.simulate.sf_potential import affected_centres, sf_potential

SEED = 20231127
REPO = Path(__file__).resolve().parents[1]
DENSITY = 0.15  # [sigma_c^-3]
SIZES = (500, 1000, 2000, 4000, 8000, 16000)
MC_SIZES = (500, 4000)


# --------------------------------------------------------------------------- helpers
def best_time(fn, repeats: int) -> tuple[float, float]:
    """Smallest wall time and smallest CPU time [s] of ``repeats`` calls (the machine is shared)."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), min(cpu)


def row(benchmark, code, n_particles, unit, n_evaluations, seconds, cpu_seconds, details) -> dict:
    return dict(benchmark=benchmark, code=code, n_particles=n_particles, unit=unit,
                n_evaluations=n_evaluations, seconds=seconds, cpu_seconds=cpu_seconds,
                per_second=n_evaluations / seconds if seconds else np.nan,
                per_cpu_second=n_evaluations / cpu_seconds if cpu_seconds else np.nan,
                details=details)


def random_configuration(rng, n: int, density: float = DENSITY):
    """``(positions (n, 3), box_lengths (3,))`` [sigma_c], uniform in a cubic periodic box."""
    box = np.full(3, (n / density) ** (1.0 / 3.0))
    return rng.random((n, 3)) * box, box


def ml12_pool(config_path: Path):
    """The cluster pool of the config (10 x 10 radial + 8 x 2 x 4 angular) and R_c."""
    cfg = yaml.safe_load(config_path.read_text())["nanoparticles"]["descriptors"]
    pool = cfg["cluster_pool"]
    radial = RadialSet.grid(pool["mu"], pool["r_s"])
    angular = AngularSet.grid(pool["mu_a"], pool["lam"], pool["xi"])
    return radial, angular, float(cfg["r_cut_sigma"])


def scaling_exponent(sizes, seconds) -> float:
    """b in t ~ N^b (least squares in log-log); 1 is linear scaling."""
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def machine_info() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {"cpu": cpu, "cpu_count": os.cpu_count(), "cpus_usable": affinity,
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
            "platform": platform.platform(), "python": sys.version.split()[0],
            "numba": numba.__version__, "numpy": np.__version__,
            "numba_num_threads": numba.config.NUMBA_NUM_THREADS}


# --------------------------------------------------------------------------- benchmarks
def bench_symmetry_functions(rows, radial, angular, r_cut, sizes, repeats, rng, positions_of):
    cfg = dict(radial=radial, angular=angular, cutoff="tanh3")
    pos, box = positions_of(500)
    compute_symmetry_functions(pos, r_cut, box_lengths=box, force_features=True, **cfg)  # compile
    compute_symmetry_functions(pos, r_cut, box_lengths=box, force_features=False, **cfg)
    k = len(radial) + len(angular)
    timings = {}
    for benchmark, ff in (("sf_force_features", True), ("sf_values", False)):
        timings[benchmark] = []
        for n in sizes:
            pos, box = positions_of(n)
            seconds, cpu = best_time(lambda: compute_symmetry_functions(
                pos, r_cut, box_lengths=box, force_features=ff, **cfg), repeats)
            timings[benchmark].append(cpu)
            rows.append(row(benchmark, "cgml", n, "particles", n, seconds, cpu,
                            f"{k} SFs (ML12 pool), R_c = {r_cut}, rho = {DENSITY}, periodic, "
                            f"tanh3; best of {repeats}"))
            print(f"{benchmark:26s} N={n:6d} {n / seconds:12.1f} particles/s  "
                  f"({n / cpu:.1f} per CPU second)")
    return {name: scaling_exponent(sizes, t) for name, t in timings.items()}


def bench_dscribe(rows, radial, angular, r_cut, sizes, repeats, n_centres, positions_of):
    """DScribe ACSF values and derivatives; returns notes for the provenance record."""
    try:
        from importlib.metadata import version

        from ase import Atoms
        from dscribe.descriptors import ACSF
    except Exception as err:  # optional dependency: skip its rows with a note
        note = f"dscribe not importable ({type(err).__name__}: {err}); rows skipped"
        for benchmark in ("dscribe_acsf_values", "dscribe_acsf_derivatives"):
            rows.append(row(benchmark, "dscribe", 0, "particles", 0, np.nan, np.nan, note))
        print(note)
        return {"dscribe": note}
    acsf = ACSF(r_cut=r_cut, g2_params=np.column_stack([radial.mu, radial.r_s]),
                g4_params=np.column_stack([angular.mu_a, angular.xi, angular.lam]),
                species=["H"], periodic=True)

    def atoms(pos, box):
        return Atoms(f"H{len(pos)}", positions=pos, cell=np.diag(box), pbc=True)

    # same functions as cgml with the cosine cutoff (DScribe's column 0 is its G1)
    pos, box = positions_of(500)
    ours = compute_symmetry_functions(pos, r_cut, radial, angular, box, cutoff="cosine",
                                      force_features=False).values
    max_diff = float(np.abs(acsf.create(atoms(pos, box))[:, 1:] - ours).max())
    if max_diff > 1e-10:
        raise RuntimeError(f"DScribe ACSF differs from cgml by {max_diff}: parameters do not match")
    k = acsf.get_number_of_features()
    timings = []
    for n in sizes:
        pos, box = positions_of(n)
        system = atoms(pos, box)
        seconds, cpu = best_time(lambda: acsf.create(system), repeats)
        timings.append(cpu)
        rows.append(row("dscribe_acsf_values", "dscribe", n, "particles", n, seconds, cpu,
                        f"{k} features (G1 + same G2, G4 as cgml, cosine cutoff), periodic; "
                        f"best of {repeats}"))
        print(f"{'dscribe_acsf_values':26s} N={n:6d} {n / seconds:12.1f} particles/s  "
              f"({n / cpu:.1f} per CPU second)")
    for n in sizes:
        pos, box = positions_of(n)
        system = atoms(pos, box)
        cells = build_cell_list(pos, r_cut, box)
        start, start_cpu = time.perf_counter(), time.process_time()
        n_atoms = 0
        for centre in range(n_centres):
            neighbours, _, _ = cells.neighbors_of(pos[centre], pos, skip=centre)
            include = [centre] + sorted(int(j) for j in neighbours)
            acsf.derivatives(system, centers=[centre], include=include, attach=True,
                             method="numerical", return_descriptor=False)
            n_atoms += len(include)
        seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        rows.append(row("dscribe_acsf_derivatives", "dscribe", n, "particles", n_centres, seconds,
                        cpu, f"numerical (DScribe's only ACSF method), attach=True, include = "
                             f"centre + neighbours ({n_atoms / n_centres:.1f} atoms/centre); "
                             f"{n_centres} centres"))
        print(f"{'dscribe_acsf_derivatives':26s} N={n:6d} {n_centres / seconds:12.3f} particles/s  "
              f"({n_centres / cpu:.3f} per CPU second)")
    return {"dscribe": version("dscribe"), "dscribe_max_abs_diff_vs_cgml_cosine": max_diff,
            "dscribe_acsf_values_scaling_exponent_cpu": scaling_exponent(sizes, timings)}


def bench_monte_carlo(rows, radial, angular, r_cut, sweeps, n_blocks, rng, ml12_model_path=None):
    """run_nvt in ``n_blocks`` consecutive blocks of ``sweeps[n]`` sweeps; best block rate."""
    if ml12_model_path:
        ml12 = SymmetryFunctionModel.load(ml12_model_path)
        source = f"model {ml12_model_path}"
    else:
        w_rng = np.random.default_rng(SEED)
        weights = 0.02 * w_rng.normal(size=len(radial) + len(angular))
        ml12 = SymmetryFunctionModel(r_cut, "tanh3", radial, angular, weights)
        source = "seeded random weights 0.02 N(0, 1)"
    models = {"ML12": ml12}
    if ml12.radial is not None:  # ML2 for comparison: the radial part alone
        models["ML2"] = SymmetryFunctionModel(ml12.r_cut, ml12.cutoff, ml12.radial, None,
                                              ml12.weights[:len(ml12.radial)])
    # compile the sweep kernel once (shared by every SF potential), not timed
    pos, box = random_configuration(np.random.default_rng(SEED), 500)
    warm = sf_potential(ml12)
    run_nvt(init_state(pos, box, warm), warm, 1, 0.2, SEED, 1)
    for name, model in models.items():
        potential = sf_potential(model)
        for n in MC_SIZES:
            pos, box = random_configuration(np.random.default_rng(SEED + n), n)
            state = init_state(pos, box, potential)
            n_sweeps = sweeps[n]
            moves = n * n_sweeps
            block_seconds, block_cpu, acceptance, current = [], [], [], state
            for block in range(n_blocks):
                start, start_cpu = time.perf_counter(), time.process_time()
                result = run_nvt(current, potential, n_sweeps, 0.2, SEED + block, n_sweeps)
                block_seconds.append(time.perf_counter() - start)
                block_cpu.append(time.process_time() - start_cpu)
                acceptance.append(result.acceptance_displacement)
                current = result.state
            seconds, cpu = min(block_seconds), min(block_cpu)
            touched = [len(affected_centres(potential, state.positions, state.cells, int(i),
                                            (state.positions[i] + d) % box))
                       for i, d in zip(rng.integers(0, n, 500), rng.uniform(-0.2, 0.2, (500, 3)))]
            rows.append(row("mc_moves", "cgml", n, "moves", moves, seconds, cpu,
                            f"{name} ({potential.n_features} SFs, {source}), run_nvt, rho = "
                            f"{DENSITY}, max displacement 0.2 sigma_c, acceptance "
                            f"{np.mean(acceptance):.2f}, {np.mean(touched):.1f} centres "
                            f"re-evaluated per move; best of {n_blocks} blocks of {moves} moves "
                            f"(mean {moves / np.mean(block_seconds):.0f} moves/s)"))
            print(f"{'mc_moves ' + name:26s} N={n:6d} {moves / seconds:12.1f} moves/s  "
                  f"({moves / cpu:.1f} per CPU second; {np.mean(touched):.1f} centres/move)")


def bench_lammps(rows, config_path: Path, equilibration_steps: int, production_steps: int,
                 minimize_steps: int, work_dir: Path) -> dict:
    """Two nanoparticles at R = 2 sigma_c in good solvent (s = 0.1), as the pair_fg rule."""
    np_cfg = yaml.safe_load(config_path.read_text())["nanoparticles"]
    model, ff_cfg, md = np_cfg["model"], np_cfg["forcefield"], np_cfg["md"]
    sigma_c = np_cfg["sigma_c_nm"] * NM
    spec = NanoparticleSpec(n_core=model["n_core"], core_diameter=sigma_c,
                            ligand_length=model["ligand_length"],
                            bond_length=model["bond_length_nm"] * NM,
                            ligand_mass=model["ligand_mass"],
                            core_bead_mass=model["core_bead_mass"])
    rng = np.random.default_rng(SEED)
    centers = np.array([[-sigma_c, 0.0, 0.0], [sigma_c, 0.0, 0.0]])  # R = 2 sigma_c
    topology = build_nanoparticles(centers, spec, rng=rng)
    pair = np_cfg["pair"]
    text = ""
    for table_points in sorted({0, int(ff_cfg.get("pair_table_points", 0))}):
        forcefield = NanoparticleForceField(
            solvent_s=0.1, sigma_b_nm=ff_cfg["sigma_b_nm"], epsilon=ff_cfg["epsilon_kcal"],
            r_cut_nm=ff_cfg["r_cut_nm"], k_bond_nm=ff_cfg["k_bond_kcal_nm2"],
            b0_nm=model["bond_length_nm"], k_angle=ff_cfg["k_angle_kcal"],
            pair_table_points=table_points)
        evaluation = f"Eq. 11 as table linear {table_points}" if table_points else \
            "Eq. 11 analytic (hybrid/overlay lj/cut lj/cut)"
        # the variables of cgml.papers.nanoparticles.fine_grained.md_variables, short runs
        variables = forcefield.lammps_variables()
        variables.update(
            boundary="s s s", data_file="system.data", minimize_steps=minimize_steps,
            temperature=np_cfg["temperature_K"], seed=1 + SEED % 900_000_000, t_damp=md["t_damp_fs"],
            timestep=md["timestep_fs"], thermo_every=max(1, production_steps // 20),
            equilibration_steps=equilibration_steps, dump_every=pair["dump_every"],
            dump_file="forces.dump", production_end=equilibration_steps + production_steps,
            force_every=pair["force_every"], force_file="np_forces.txt", restart_command="restart 0")
        log_path = work_dir / "log.lammps"
        run_lammps_job(
            templates={"in.lammps": REPO / "workflow/lammps/np_constrained.in",
                       "np_constrained_md.in": REPO / "workflow/lammps/np_constrained_md.in",
                       "forcefield.in": REPO / "workflow/lammps/np_forcefield.in"},
            variables=variables, out_dir=work_dir, lammps_log=log_path,
            prepare=lambda tmp: write_lammps_data(tmp / "system.data", topology, title="benchmark"),
            files=forcefield.lammps_files(), products={}, keep=())
        text = log_path.read_text()
        loops = re.findall(
            r"Loop time of ([0-9.eE+-]+) on (\d+) procs for (\d+) steps with (\d+) atoms", text)
        if len(loops) < 3:
            raise RuntimeError(f"{log_path}: expected 3 'Loop time' lines (min, equilibration, "
                               f"production), found {len(loops)}")
        cpu_use = [float(c) for c in re.findall(r"^([0-9.]+)% CPU use", text, re.MULTILINE)]
        if len(cpu_use) != len(loops):
            cpu_use = [np.nan] * len(loops)
        for label, (seconds, procs, steps, atoms), percent in zip(
                ("equilibration", "production"), loops[-2:], cpu_use[-2:]):
            seconds, steps = float(seconds), int(steps)
            cpu = seconds * percent / 100.0
            rows.append(row("lammps_steps", "lammps", int(atoms), "steps", steps, seconds, cpu,
                            f"two NPs (2 x {spec.beads_per_particle} beads) at R = 2 sigma_c, "
                            f"s = 0.1, {evaluation}, {label} run of np_constrained.in, "
                            f"dt = {md['timestep_fs']} fs, {procs} MPI proc(s), 1 thread"
                            + (", with force sums and dump" if label == "production" else "")))
            print(f"{'lammps_steps ' + label:26s} N={int(atoms):6d} {steps / seconds:12.1f} "
                  f"steps/s  ({steps / cpu:.1f} per CPU second)  [{evaluation}]")
    version_match = re.search(r"^LAMMPS \((.*)\)", text, re.MULTILINE)
    return {"lammps": version_match.group(1) if version_match else "unknown",
            "lammps_executable": default_executable()}


# --------------------------------------------------------------------------- main
def main(argv=None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "benchmarks/out/nanoparticles_speed.csv"))
    parser.add_argument("--config", default=str(REPO / "config/config.yaml"),
                        help="config with nanoparticles.descriptors.cluster_pool and the FG model")
    parser.add_argument("--quick", action="store_true", help="short timings (smoke test)")
    parser.add_argument("--ml12-model", default=None,
                        help="a fitted ML12 model (JSON) for the MC rows instead of random weights")
    parser.add_argument("--skip-lammps", action="store_true")
    args = parser.parse_args(argv)
    config_path = Path(args.config)
    quick = args.quick
    repeats = 1 if quick else 3
    rng = np.random.default_rng(SEED)
    radial, angular, r_cut = ml12_pool(config_path)
    info = machine_info()
    print(f"{info['cpu']}, {info['cpus_usable']} usable cores, load {info['load_average']}, "
          f"numba {info['numba']}")
    rows: list[dict] = []
    notes: dict = {}

    configurations = {n: random_configuration(np.random.default_rng(SEED + n), n) for n in SIZES}
    exponents = bench_symmetry_functions(rows, radial, angular, r_cut, SIZES, repeats, rng,
                                         configurations.__getitem__)
    notes.update({f"{name}_scaling_exponent_cpu": b for name, b in exponents.items()})
    notes.update(bench_dscribe(rows, radial, angular, r_cut, SIZES, repeats, 1 if quick else 3,
                               configurations.__getitem__))
    sweeps = {500: 2, 4000: 1} if quick else {500: 8, 4000: 1}
    bench_monte_carlo(rows, radial, angular, r_cut, sweeps, 2 if quick else 5, rng, args.ml12_model)
    if not args.skip_lammps:
        with tempfile.TemporaryDirectory(prefix="np-speed-") as tmp:
            notes.update(bench_lammps(rows, config_path, 100 if quick else 1000,
                                      300 if quick else 3000, 200 if quick else 1000, Path(tmp)))
    info["load_average_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    for name, b in exponents.items():
        print(f"{name}: CPU time ~ N^{b:.3f}")

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(out, pd.DataFrame(rows), provenance(
        {"quick": quick, "repeats": repeats, "density": DENSITY, "r_cut": r_cut,
         "sizes": list(SIZES), "mc_sizes": list(MC_SIZES), "config": str(config_path),
         "ml12_model": args.ml12_model}, seed=SEED, machine=info, **notes))
    print(f"wrote {out}")
    return out


if __name__ == "__main__":
    main()
