"""Start-up cost of the Monte Carlo sweep kernels: compiled, or loaded from disk.

Every Snakemake job is a new process. Its first Monte Carlo call used to compile the sweep
kernel with the potential's functions (numba caches neither closures nor functions taking
dispatchers); :mod:`cgml.simulate._bind` now keeps the compiled kernels on disk. This
script times, in fresh processes, the first short run of a potential

* ``compile``: with an empty kernel directory (``$CGML_KERNEL_DIR``), i.e. the first job
  of a code version;
* ``load``: the same again, the kernels now on disk (every later job).

The rest of the package's numba cache is warmed first, so the rows differ only by the
sweep kernels. Potentials: the isotropic engine's hard spheres (``mc``), hard
spherocylinders (``rigid_hard``) and a soft rigid pair (``rigid_soft``: hard spheres
plus a seeded 8-term S-function energy, the replica exchange's kind of potential).

Writes a CSV with columns ``potential, case, seconds, details`` and a ``<csv>.meta.json``
provenance sidecar. Usage (about a minute):

    python benchmarks/kernel_startup.py [--out PATH.csv] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from cgml.io import provenance, write_csv

CHILD = r"""
import json, sys, time
import numpy as np
kind = sys.argv[1]
t0 = time.perf_counter()
if kind == "mc":
    from cgml.simulate import mc
    from cgml.simulate.potentials import hard_spheres
    pot = hard_spheres(1.0)
    grid = np.arange(4) * 1.2
    pos = np.array([[x, y, z] for x in grid for y in grid for z in grid])
    state = mc.init_state(pos, np.full(3, 4.8), pot)
    t1 = time.perf_counter()
    mc.run_nvt(state, pot, 10, 0.1, 1, 5)
else:
    from cgml.descriptors.sfunctions import AngularBasis, RadialBasis
    from cgml.fitting.sfunction_model import SFunctionPairModel
    from cgml.simulate.rigid import init_rigid_state, run_rigid
    from cgml.simulate.rigid_potentials import hard_spherocylinder_potential, sfunction_potential
    if kind == "rigid_hard":
        pot = hard_spherocylinder_potential(4.0, 1.0)
        spacing, shape = np.array([1.5, 1.5, 5.5]), (8, 8, 2)
    else:
        angular = AngularBasis.monomials((0, 1, 2), max_degree=2)
        radial = RadialBasis.exponential([10.0])
        rng = np.random.default_rng(1)
        sel = np.arange(8)
        model = SFunctionPairModel(angular, radial, 2.0, sel, rng.normal(size=8))
        pot = sfunction_potential(model, hard_diameter=1.0)
        spacing, shape = np.array([1.5, 1.5, 1.5]), (4, 4, 3)
    cells = np.array(np.meshgrid(*[np.arange(m) for m in shape], indexing="ij"), float)
    cells = cells.reshape(3, -1).T
    pos = (cells + 0.5) * spacing
    rot = np.repeat(np.eye(3)[None], len(pos), axis=0)
    state = init_rigid_state(pos, rot, np.array(shape) * spacing, pot)
    t1 = time.perf_counter()
    run_rigid(state, pot, 10, 0.05, 0.05, seed=1, sample_every=5)
t2 = time.perf_counter()
print(json.dumps({"setup": t1 - t0, "first_run": t2 - t1}))
"""

POTENTIALS = ("mc", "rigid_hard", "rigid_soft")


def child(kind: str, kernel_dir: str) -> dict:
    env = {**os.environ, "CGML_KERNEL_DIR": kernel_dir}
    out = subprocess.run([sys.executable, "-c", CHILD, kind], env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="benchmarks/out/kernel_startup.csv")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as warm:
        for kind in POTENTIALS:  # the rest of the package's numba cache
            child(kind, warm)
    for kind in POTENTIALS:
        for repeat in range(args.repeats):
            with tempfile.TemporaryDirectory() as kernels:
                for case in ("compile", "load"):
                    t = child(kind, kernels)
                    rows.append({"potential": kind, "case": case, "seconds": t["first_run"],
                                 "details": f"repeat {repeat}; imports and set-up {t['setup']:.2f} s"})
                    print(f"{kind:11s} {case:8s} {t['first_run']:7.3f} s")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(out, pd.DataFrame(rows), provenance({"repeats": args.repeats}))
    print(f"wrote {out}")
    return out


if __name__ == "__main__":
    main()
