"""Which planar lattice does the fitted depletion potential favour? (Campos-Villalobos et al. 2024, Fig. 5d)

Aligned rounded cubes (superballs M = 3.5, sigma = 1, flat on the plane) on a lattice with
rows along X at face contact a, every row shifted by ``shift`` a against the one below and
as close as the hard cores allow (GJK bisection). Prints and writes the energy per particle
E/N = (1/2) sum_J Phi(R_IJ) [k_BT] of the CG potential Phi = -z_d V_f (a fitted model of the
rule ``an_superball_fit``) for shifts 0 (square) to 0.5 a, with the angle of the shifted
lattice vector and the smallest angle between consecutive bonds (the bond angle of
``an_quasi2d``). The paper reports ~53 deg for its assembled Lambda_1 clusters.

    python benchmarks/anisotropic_lambda1_lattice.py results/laptop/anisotropic/models/superball.json
        [--eta 5.6] [--bond-cutoff 1.3] [--out benchmarks/out/anisotropic_lambda1_lattice.csv]

Measured 2026-11-21 with the laptop model: face-to-face bond -53 k_BT; E/N falls
monotonically from -110.5 k_BT (square) to -139.5 k_BT at shift 0.5 a (rows 0.974 sigma
apart); every shift from 0.2 a on has a smallest bond angle of 50-54 deg (bond cutoff
1.3 sigma). The potential favours the sheared, Lambda_1-like lattice with the paper's
bond angle, so a run that keeps the square lattice is kinetically trapped, not
misdirected by the model.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from cgml.fitting.sfunction_model import SFunctionPairModel
from cgml.io import provenance, write_csv
from cgml.papers.anisotropic.simulations import depletant_fugacity
from cgml.simulate.rigid_potentials import _superball_depletion_pair, superball_depletion_potential

ROOT = Path(__file__).resolve().parents[1]
IDENTITY = np.eye(3)


def _bisect(is_overlap, lo: float, hi: float) -> float:
    """Smallest length in [lo, hi] without overlap (is_overlap(lo) true, (hi) false)."""
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if is_overlap(mid) else (lo, mid)
    return hi * (1.0 + 1e-9)


def main(argv=None) -> pd.DataFrame:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model", type=Path, help="overlap-volume model json (rule an_superball_fit)")
    ap.add_argument("--eta", type=float, default=5.6, help="depletant reservoir packing fraction")
    ap.add_argument("--sigma-d", type=float, default=0.3)
    ap.add_argument("--exponent", type=float, default=3.5)
    ap.add_argument("--n-shifts", type=int, default=11)
    ap.add_argument("--bond-cutoff", type=float, default=1.3, help="[sigma], config quasi2d.bond_cutoff")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks/out/anisotropic_lambda1_lattice.csv")
    args = ap.parse_args(argv)
    model = SFunctionPairModel.load(args.model)
    z_d = depletant_fugacity(args.eta, args.sigma_d)
    pot = superball_depletion_potential(model, 1.0, args.exponent, z_d)

    def phi(r):
        return _superball_depletion_pair(np.asarray(r, dtype=float), IDENTITY, IDENTITY, pot.params)

    def energy(a, dx, b):
        e = 0.0
        for i in range(-4, 5):
            for j in range(-4, 5):
                r = np.array([i * a + j * dx, j * b, 0.0])
                if (i or j) and np.linalg.norm(r) < pot.r_cut:
                    v = phi(r)
                    if np.isinf(v):
                        return np.inf
                    e += 0.5 * v
        return e

    a = _bisect(lambda x: np.isinf(phi([x, 0.0, 0.0])), 0.5, 2.0)
    rows = []
    for frac in np.linspace(0.0, 0.5, args.n_shifts):
        dx = frac * a
        b = _bisect(lambda y: np.isinf(energy(a, dx, y)), 0.3, 2.0)
        lattice_angle = float(np.degrees(np.arctan2(b, dx)))
        ij = np.array([(i, j) for i in range(-3, 4) for j in range(-3, 4) if i or j], dtype=float)
        bonds = np.c_[ij[:, 0] * a + ij[:, 1] * dx, ij[:, 1] * b]
        near = bonds[np.linalg.norm(bonds, axis=1) < args.bond_cutoff]  # as rule an_quasi2d
        angles = np.sort(np.mod(np.degrees(np.arctan2(near[:, 1], near[:, 0])), 360.0))
        smallest = float(np.min(np.diff(np.r_[angles, angles[0] + 360.0])))
        rows.append({"shift_over_a": frac, "face_contact_sigma": a, "row_spacing_sigma": b,
                     "lattice_angle_deg": lattice_angle, "smallest_bond_angle_deg": smallest,
                     "energy_per_particle_kT": energy(a, dx, b), "face_bond_kT": phi([a, 0.0, 0.0])})
    frame = pd.DataFrame(rows)
    print(frame.round(4).to_string(index=False))
    write_csv(args.out, frame, provenance(vars(args) | {"model": str(args.model), "out": str(args.out),
                                                        "z_d": z_d}, seed=0))
    return frame


if __name__ == "__main__":
    main()
