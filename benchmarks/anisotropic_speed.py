"""Throughput of the anisotropic-particle kernels (Campos-Villalobos et al., npj Comput. Mater. 2024).

Writes a CSV (one row per kernel) with columns

    kernel, unit, n_evaluations, seconds, per_second, details

and a ``<csv>.meta.json`` provenance sidecar (cgml.io). Every kernel is called once
untimed first so the numba compilation (cached on disk) is not counted. Single thread.

Rows: MC sweeps of N = 896 spherocylinders (hard, hard through the generic kernel that
also rescans each move's old position, CG Eq. 17); FG site-sum energies (626 x 626 sites, JC and EJC): the full double sum
(``fg_site_sum_*``, the reference) and the truncated sum with its rigorous 1e-4 k_BT
error bound (``fg_site_sum_trunc_*``, serial; ``..._parallel`` on all numba threads);
CG pair energies of an S-function model the size of the paper's JC model (106 monomials
of the three cylindrical S functions, degree <= 12, centres "both"), whose ``details``
give the speed-up over both FG sums per pair energy; S-function evaluations (all 24
per pair), S-function pair descriptors (15 even functions, monomials of degree <= 3,
one exponential radial set: 816 columns), many-particle descriptors G_k(I), overlap tests
(spherocylinder L/sigma = 4, prolate ellipsoid, superball M = 3.5 by GJK), contact
distances, and Monte Carlo overlap-volume samples (M' = 2.5).
Shapes rows (``shape_rows``): whole overlap volumes, GJK tests near contact, fitted
contact-function and Eq. 17 soft-potential evaluations.

Usage (a few seconds with --quick, well under a minute by default):

    python benchmarks/anisotropic_speed.py [--out results/benchmarks/anisotropic_speed.csv] [--quick]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numba
import numpy as np
import pandas as pd

from cgml.descriptors.sfunctions import (
    EVEN_FUNCTIONS,
    AngularBasis,
    RadialBasis,
    compute_pair_terms,
    compute_s_functions,
    compute_sfunction_descriptors,
)
from cgml.fg.patchy import paper_particle, site_sum_energy, truncated_site_sum
from cgml.fitting.sfunction_model import SFunctionPairModel
from cgml.papers.anisotropic.patchy import build_candidate_pool, compact_model
from cgml.geometry import (
    ellipsoid_contact_distance,
    ellipsoid_overlap,
    prolate_semi_axes,
    random_rotation_matrices,
    spherocylinder_contact_distance,
    spherocylinder_overlap,
    superball_overlap,
    superball_overlap_volume,
)
from cgml.io import provenance, write_csv

SEED = 20240928


def timed(fn, n_evaluations, min_seconds):
    """Run ``fn`` once untimed (compilation), then repeat until ``min_seconds`` have passed."""
    fn()
    reps = 0
    start = time.perf_counter()
    while True:
        fn()
        reps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return reps * n_evaluations, elapsed


def unit_vectors(rng, m):
    u = rng.normal(size=(m, 3))
    return u / np.linalg.norm(u, axis=1)[:, None]


def shape_rows(record, rng, quick: bool) -> None:
    """Rows of the shapes chains (cgml.papers.anisotropic.shapes, Figs. 5 and 7).

    Whole depletion-zone overlap volumes per second (MC integration at 10^5 samples per
    volume; the paper uses 10^7, i.e. 100x slower per volume); GJK hard-core tests of
    M = 3.5 superballs near contact (the Fig. 5d hard core, separations within 5 % of the
    contact distance); fitted contact-function evaluations per second (a 64-term model,
    the paper's N_s, with weights fitted on a small data set) through the vectorised
    numpy path and through the numba scalar Eq. 17 kernel.
    """
    from cgml.geometry import superball_contact_distance
    from cgml.papers.anisotropic import shapes

    m = 200 if quick else 2_000
    ri = random_rotation_matrices(rng, m)
    rj = random_rotation_matrices(rng, m)
    rhat = unit_vectors(rng, m)
    n_mc = 100_000
    zone = superball_contact_distance(rhat[:8], ri[:8], rj[:8], 1.3, 2.5)
    sep_zone = rhat[:8] * (0.9 * zone)[:, None]
    mc_rng = np.random.default_rng(SEED + 2)
    record("shapes_overlap_volumes", "volumes",
           lambda: superball_overlap_volume(sep_zone, ri[:8], rj[:8], 1.3, 2.5, n_mc, mc_rng), 8,
           f"M' = 2.5, sigma' = 1.3 sigma, {n_mc} MC samples per volume at 0.9 x zone contact")
    core = superball_contact_distance(rhat, ri, rj, 1.0, 3.5)
    near = rhat * (core * rng.uniform(0.95, 1.05, m))[:, None]
    record("shapes_gjk_overlap_near_contact", "tests",
           lambda: superball_overlap(near, ri, rj, 1.0, 3.5), m,
           "M = 3.5 superballs, separations within 5 % of contact, GJK")
    data = shapes.make_spherocylinder_dataset(length=4.0, diameter=1.0, n_samples=3_000, rng=rng)
    model, *_ = shapes.fit_contact_function(data, seed=SEED, degree=16, max_features=64,
                                            min_gain=0.0)
    n_c = 20_000
    ui, uj, rh = unit_vectors(rng, n_c), unit_vectors(rng, n_c), unit_vectors(rng, n_c)
    fi, fj = shapes.frames_from_axes(ui), shapes.frames_from_axes(uj)
    record("contact_function_numpy", "contacts", lambda: model.predict(fi, fj, rh), n_c,
           f"{model.n_features}-term sigma_s model (L/sigma = 4), vectorised, one centre")
    params = shapes.pack_soft_potential(model)
    r = rh * rng.uniform(1.0, 5.5, size=(n_c, 1))
    out = np.empty(n_c)
    record("soft_potential_numba_scalar", "pairs",
           lambda: shapes.soft_potential_pairs(r, ui, uj, params, out), n_c,
           f"Eq. 17 with the exchange-averaged contact ({int(params[5])} polynomial terms)")
    exact = shapes.exact_soft_params({"length": 4.0, "diameter": 1.0})
    record("soft_potential_exact_contact_scalar", "pairs",
           lambda: shapes.exact_soft_energies(r, ui, uj, exact, out), n_c,
           "Eq. 17 with the exact contact (Vega-Lago distance, bracketed root search), numba loop")


def mc_rows(record, rng, quick: bool) -> None:
    """Rigid-body MC sweeps per second of N = 896 spherocylinders (the paper's EOS system):
    hard (FG), the CG Eq. 17 potential with a fitted contact function and Eq. 17 with the exact
    contact (the EOS reference, ``sc_eos.exact_reference``), NPT near rho* = 0.13."""
    from cgml.papers.anisotropic.shapes import (
        exact_soft_spherocylinder_potential,
        fit_contact_function,
        make_spherocylinder_dataset,
        soft_spherocylinder_potential,
    )
    from cgml.lattices import hexagonal_rod_crystal
    from cgml.simulate.rigid import init_rigid_state, rigid_pair_potential, run_rigid
    from cgml.simulate.rigid_potentials import _hard_spherocylinder_pair, hard_spherocylinder_potential
    import tempfile

    data = make_spherocylinder_dataset(length=4.0, diameter=1.0, n_samples=5000, rng=rng)
    model = fit_contact_function(data, seed=SEED, degree=8, max_features=32)[0]
    with tempfile.TemporaryDirectory() as tmp:
        model.save(Path(tmp) / "contact.json")
        cg = soft_spherocylinder_potential(Path(tmp) / "contact.json", {"length": 4.0, "diameter": 1.0})
        # the same potential without the contact screen (every pair's polynomial evaluated)
        cg_plain = soft_spherocylinder_potential(Path(tmp) / "contact.json",
                                                 {"length": 4.0, "diameter": 1.0}, screen_grid=0)
    n = 896
    sweeps = 2 if quick else 10
    # hard_generic: the same pair function through the generic kernel, which also scans the
    # old position of every move (hard=False); "hard" skips it (its energy is 0)
    generic = rigid_pair_potential(_hard_spherocylinder_pair, 5.0, (2.0, 1.0), "hsc generic")
    exact = exact_soft_spherocylinder_potential({"length": 4.0, "diameter": 1.0})
    for name, potential in (("hard", hard_spherocylinder_potential(4.0, 1.0)), ("hard_generic", generic),
                            ("cg", cg), ("cg_unscreened", cg_plain), ("exact_contact", exact)):
        pos, box = hexagonal_rod_crystal(n, 4.0, 1.0, 0.13)
        rot = np.tile(np.eye(3), (n, 1, 1))  # rods along z
        stretch = max(1.0, 2.02 * potential.r_cut / float(np.min(box)))
        state = init_rigid_state(pos * stretch, rot, box * stretch, potential)
        record(f"mc_sweeps_spherocylinder_{name}_N896", "sweeps",
               lambda potential=potential, state=state: run_rigid(
                   state, potential, sweeps, 0.2, 0.2, seed=2, sample_every=sweeps, pressure=1.0,
                   max_log_volume_change=0.01),
               sweeps, f"N = {n}, NPT, rho* = {n / np.prod(box * stretch):.3f}, r_cut = "
                       f"{potential.r_cut:.2f} sigma, N translation/rotation trials per sweep")


def main(argv=None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/benchmarks/anisotropic_speed.csv")
    parser.add_argument("--quick", action="store_true", help="short timings (smoke test)")
    args = parser.parse_args(argv)
    min_seconds = 0.2 if args.quick else 2.0
    rng = np.random.default_rng(SEED)
    rows = []

    def record(kernel, unit, fn, n, details):
        count, seconds = timed(fn, n, min_seconds)
        rows.append({"kernel": kernel, "unit": unit, "n_evaluations": count,
                     "seconds": seconds, "per_second": count / seconds, "details": details})
        print(f"{kernel:38s} {count / seconds:14.1f} {unit}/s")

    # fine-grained site sums (Eq. 16), 626 x 626 sites
    m_fg = 4 if args.quick else 16
    rot_i = random_rotation_matrices(rng, m_fg)
    rot_j = random_rotation_matrices(rng, m_fg)
    for name, dist in (("JC", 1.2), ("EJC", 2.5)):
        p = paper_particle(name)
        sep = dist * unit_vectors(rng, m_fg)
        record(f"fg_site_sum_{name}", "energies",
               lambda p=p, sep=sep: site_sum_energy(p, p, sep, rot_i, rot_j, check_overlap=False),
               m_fg, f"{p.n_sites}x{p.n_sites} sites, kappa sigma = 10, full sum")
        record(f"fg_site_sum_trunc_{name}", "energies",
               lambda p=p, sep=sep: truncated_site_sum(p, p, sep, rot_i, rot_j, tolerance=1e-4,
                                                       check_overlap=False),
               m_fg, f"{p.n_sites}x{p.n_sites} sites, truncated, error <= 1e-4 kT, serial")
        record(f"fg_site_sum_trunc_{name}_parallel", "energies",
               lambda p=p, sep=sep: truncated_site_sum(p, p, sep, rot_i, rot_j, tolerance=1e-4,
                                                       check_overlap=False, parallel=True),
               m_fg, f"{p.n_sites}x{p.n_sites} sites, truncated, numba threads = "
                     f"{numba.get_num_threads()}")

    # CG pair energies: a model of the paper's JC size (N_s = 106), compact evaluation
    angular, radial = build_candidate_pool(12, 10.0)
    chosen = np.sort(rng.choice(len(angular), size=106, replace=False))
    cg = compact_model(SFunctionPairModel(angular, radial, 2.0, chosen, rng.normal(size=106)))
    m_cg = 20_000
    ri_cg = random_rotation_matrices(rng, m_cg)
    rj_cg = random_rotation_matrices(rng, m_cg)
    sep_cg = (1.0405 + 0.9595 * rng.random(m_cg))[:, None] * unit_vectors(rng, m_cg)
    fg_full = next(r["per_second"] for r in rows if r["kernel"] == "fg_site_sum_JC")
    fg_trunc = next(r["per_second"] for r in rows if r["kernel"] == "fg_site_sum_trunc_JC")
    record("cg_pair_energy_JC_Ns106", "energies",
           lambda: cg.predict(ri_cg, rj_cg, sep_cg), m_cg, "106 monomials, R_c = 2, mu = 10")
    per = rows[-1]["per_second"]
    rows[-1]["details"] += (f"; speed-up per pair energy: {per / fg_full:.0f}x over the full FG "
                            f"sum, {per / fg_trunc:.0f}x over the truncated FG sum")
    print(f"CG / FG speed-up per pair energy: {per / fg_full:.0f}x (full), "
          f"{per / fg_trunc:.0f}x (truncated)")

    # S functions and descriptors
    m = 20_000
    ri = random_rotation_matrices(rng, m)
    rj = random_rotation_matrices(rng, m)
    sep = (1.0 + rng.random(m))[:, None] * unit_vectors(rng, m)
    record("s_functions_all24", "pairs", lambda: compute_s_functions(ri, rj, sep), m,
           "24 S functions per pair")
    ang = AngularBasis.monomials(EVEN_FUNCTIONS, 3)
    rad = RadialBasis.exponential([4.0])
    m_d = 2_000
    record("sfunction_pair_descriptors", "pairs",
           lambda: compute_pair_terms(ri[:m_d], rj[:m_d], sep[:m_d], ang, rad, r_cut=2.5),
           m_d, f"{len(ang)} columns (15 even, degree <= 3, exp radial)")
    n_part = 500
    box = np.full(3, (n_part / 0.5) ** (1 / 3))
    pos = rng.random((n_part, 3)) * box
    rots = random_rotation_matrices(rng, n_part)
    ang_cyl = AngularBasis.monomials((0, 1, 2), 6)
    rad_cyl = RadialBasis.exponential([10.0])
    record("sfunction_descriptors_G_I", "particles",
           lambda: compute_sfunction_descriptors(pos, rots, ang_cyl, rad_cyl, 2.0, box), n_part,
           f"{len(ang_cyl)} columns (3 cylindrical, degree <= 6), rho sigma^3 = 0.5, R_c = 2")

    # overlap tests and contact distances
    uz_i, uz_j = ri[:, :, 2], rj[:, :, 2]
    record("overlap_spherocylinder", "tests",
           lambda: spherocylinder_overlap(3.0 * sep, uz_i, uz_j, 4.0, 1.0), m, "L/sigma = 4")
    rhat = unit_vectors(rng, m)
    record("contact_spherocylinder", "contacts",
           lambda: spherocylinder_contact_distance(uz_i, uz_j, rhat, 4.0, 1.0), m,
           "bisection to 1e-12 sigma")
    ax = prolate_semi_axes(1.0, 2.0)
    record("overlap_ellipsoid_pw", "tests",
           lambda: ellipsoid_overlap(1.5 * sep, ri, rj, ax), m, "sigma_par = 2 sigma_perp")
    record("contact_ellipsoid_pw", "contacts",
           lambda: ellipsoid_contact_distance(rhat, ri, rj, ax), m, "F_max^-1/2")
    record("overlap_superball_gjk", "tests",
           lambda: superball_overlap(sep, ri, rj, 1.0, 3.5), m, "M = 3.5, GJK")
    n_mc = 200_000 if args.quick else 2_000_000
    mc_rng = np.random.default_rng(SEED + 1)
    record("mc_overlap_volume_samples", "samples",
           lambda: superball_overlap_volume(1.1 * sep[:1], ri[:1], rj[:1], 1.3, 2.5, n_mc, mc_rng),
           n_mc, "M' = 2.5, sigma' = 1.3 sigma")

    shape_rows(record, rng, args.quick)
    mc_rows(record, rng, args.quick)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(out, pd.DataFrame(rows),
              provenance({"quick": args.quick, "min_seconds": min_seconds}, seed=SEED))
    print(f"wrote {out}")
    return out


if __name__ == "__main__":
    main()
