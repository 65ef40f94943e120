"""Is the two-nanoparticle mean force converged at laptop run lengths? (Giunta et al. 2023, Fig. 2)

One long constrained LAMMPS run of two nanoparticles (the rule ``np_pair_fg``'s code and
templates, ``config/config.yaml``'s model) at a separation and solvent of choice; prints
and writes the projected mean force F_m (Eq. 9, > 0 repulsive) [k_BT/sigma_c] with its
block error, and the means of eight consecutive parts of the production run, so drift
(not yet converged) and scatter (converged) can be told apart.

The default is where the paper puts the s = 0.3 PMF minimum (R = 1.88 sigma_c), where
F_m must vanish if our FG model and the paper's agree.

``--stiffness-factor 2`` multiplies K_b and K_theta by 2: the paper's constants read as
LAMMPS coefficients (E = K (b - b0)^2, as MARTINI's K/2), instead of Eqs. 13-14's
E = K/2 (b - b0)^2. Measured at R = 1.88, s = 0.3 (50k steps): F_m = +27.6 +- 2.9 against
+22.5 +- 1.8 (100k steps) with Eqs. 13-14, so this reading does not move the well inward.

    python benchmarks/nanoparticles_mean_force_convergence.py [--r 1.88] [--solvent 0.3]
        [--equilibration 5000] [--production 100000] [--stiffness-factor 1] [--out benchmarks/out/np_mean_force_convergence.csv]

A measurement, not a test: 100k steps take ~6 min on one core.
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cgml.io import provenance, write_csv
from cgml.papers.nanoparticles.fine_grained import run_pair_fg
from cgml.papers.nanoparticles.pipeline import map_pair_run
from cgml.papers.nanoparticles.units import ReducedUnits

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> pd.DataFrame:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--r", type=float, default=1.88, help="separation R_IJ / sigma_c")
    ap.add_argument("--solvent", type=float, default=0.3)
    ap.add_argument("--equilibration", type=int, default=5000)
    ap.add_argument("--production", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--stiffness-factor", type=float, default=1.0,
                    help="multiply K_b and K_theta of the config by this factor (a hypothesis test)")
    ap.add_argument("--core-beads", choices=("centres_on_sigma_c", "inside_sigma_c"), default=None,
                    help="override model.core_beads (where the core-bead centres sit; a hypothesis test)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks/out/np_mean_force_convergence.csv")
    args = ap.parse_args(argv)
    np_cfg = copy.deepcopy(yaml.safe_load((ROOT / "config/config.yaml").read_text())["nanoparticles"])
    np_cfg["md"]["minimize_steps"] = 1000
    if args.stiffness_factor <= 0:
        ap.error(f"--stiffness-factor must be > 0, got {args.stiffness_factor}")
    for key in ("k_bond_kcal_nm2", "k_angle_kcal"):
        np_cfg["forcefield"][key] *= args.stiffness_factor
    if args.core_beads is not None:
        np_cfg["model"]["core_beads"] = args.core_beads
    # a two-point grid whose first point is the requested separation
    np_cfg["pair"].update(n_separations=2, r_min_sigma=args.r, r_max_sigma=args.r + 0.1,
                          equilibration_steps=args.equilibration, production_steps=args.production,
                          dump_every=max(1, args.production // 10), force_every=10, n_blocks=10)
    units = ReducedUnits.from_config(np_cfg)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t0 = time.perf_counter()
        run_pair_fg(input={"template": str(ROOT / "workflow/lammps/np_constrained.in"),
                           "md": str(ROOT / "workflow/lammps/np_constrained_md.in"),
                           "resume": str(ROOT / "workflow/lammps/np_constrained_resume.in"),
                           "forcefield": str(ROOT / "workflow/lammps/np_forcefield.in")},
                    output={"dump": str(out / "forces.dump"), "np_forces": str(out / "np_forces.txt"),
                            "lammps_log": str(out / "log.lammps")},
                    params={"np": np_cfg, "seed": args.seed, "lammps": {"executable": None, "launcher": None}},
                    wildcards={"solvent": f"{args.solvent:g}", "index": "0"})
        wall = time.perf_counter() - t0
        mapped = map_pair_run(out / "forces.dump", out / "np_forces.txt", units, 10, keep_series=True)
    mean, sem = mapped["projected_force"], mapped["projected_force_sem"]
    parts = [float(p.mean()) for p in np.array_split(mapped["projected_series"], 8)]
    row = {"R_sigma": args.r, "solvent_s": args.solvent, "equilibration_steps": args.equilibration,
           "production_steps": args.production, "stiffness_factor": args.stiffness_factor,
           "core_beads": np_cfg["model"].get("core_beads", "centres_on_sigma_c"),
           "mean_force_kT_sigma": float(mean),
           "sem_kT_sigma": float(sem), "eighths_kT_sigma": " ".join(f"{p:.2f}" for p in parts),
           "wall_s": wall}
    frame = pd.DataFrame([row])
    print(frame.to_string(index=False))
    write_csv(args.out, frame, provenance(vars(args) | {"out": str(args.out)}, seed=args.seed))
    return frame


if __name__ == "__main__":
    main()
