"""Checks of the config that a JSON schema cannot express (relations between keys)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cgml.lattices import rod_close_packing_density


class ConfigError(ValueError):
    """A config value is inconsistent; the message names the key."""


def _get(config: dict, dotted: str):
    node = config
    for part in dotted.split("."):
        node = node[part]
    return node


def check_integers(config: dict, schema_path) -> None:
    """Raise :class:`ConfigError` naming the key where the schema asks for an integer and
    the config gives a float (JSON Schema's ``integer`` admits ``6.0``, which then fails
    deep inside a rule, as a ``range`` bound or a step count, naming no key)."""
    import jsonschema
    import yaml

    schema = yaml.safe_load(Path(schema_path).read_text())
    base = jsonschema.validators.validator_for(schema)
    checker = base.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool))
    strict = jsonschema.validators.extend(base, type_checker=checker)
    for error in strict(schema).iter_errors(config):
        leaves = [error, *(e for e in (error.context or []))]
        for leaf in leaves:
            if isinstance(leaf.instance, float) and leaf.validator == "type" and "integer" in str(leaf.validator_value):
                key = ".".join(str(k) for k in leaf.absolute_path)
                raise ConfigError(f"config key {key} ({leaf.instance!r}) must be an integer: write "
                                  f"{int(leaf.instance) if leaf.instance.is_integer() else 'a whole number'}"
                                  f" without the decimal point ({schema_path})")


def _check_sampling(config: dict) -> None:
    """Sampling intervals that leave fewer than 2 samples in a run (the job would fail at
    its end, in an average over one sample, naming no key)."""
    np_cfg = config.get("nanoparticles")
    checks = []
    if np_cfg is not None:
        constrained = np_cfg["clusters"]["constrained"]
        checks += [("nanoparticles.clusters.constrained.force_every", constrained["force_every"],
                    "nanoparticles.clusters.constrained.production_steps", constrained["production_steps"])]
        for section, every, length in (("eos", "sample_every", "production_sweeps"),
                                       ("coexistence", "sample_every", "production_sweeps"),
                                       ("gr", "mc_sample_every", "mc_production_sweeps")):
            cfg = np_cfg[section]
            checks.append((f"nanoparticles.{section}.{every}", cfg[every],
                           f"nanoparticles.{section}.{length}", cfg[length]))
    an = config.get("anisotropic")
    if an is not None:
        q2d, sc = an["quasi2d"], an["sc_eos"]
        checks.append(("anisotropic.quasi2d.sample_every", q2d["sample_every"],
                       "anisotropic.quasi2d.n_sweeps", q2d["n_sweeps"]))
        for length in ("production_sweeps", "fg_production_sweeps", "expand_production_sweeps"):
            if sc.get(length) is not None:
                checks.append(("anisotropic.sc_eos.sample_every", sc["sample_every"],
                               f"anisotropic.sc_eos.{length}", sc[length]))
        remc = an["remc"]
        for run_key in ("n_cycles", "n_cycles_fg"):
            checks.append(("anisotropic.remc.sample_every", remc["sample_every"],
                           f"anisotropic.remc.{run_key}", remc[run_key]))
    for key, every, run_key, length in checks:
        if isinstance(every, (int, float)) and length // every < 2:
            raise ConfigError(f"config key {key} ({every}) leaves {length // every} samples in "
                              f"{run_key}={length}: at least 2 are needed")


def check_config(config: dict, schema_path=None) -> None:
    """Raise :class:`ConfigError` naming the key if related values disagree (and, given
    the schema, where it asks for an integer and the config gives a float)."""
    if schema_path is not None:
        check_integers(config, schema_path)
    check_anisotropic(config)
    _check_sampling(config)
    pairs = [
        ("nanoparticles.pair.r_min_sigma", "nanoparticles.pair.r_max_sigma"),
        ("nanoparticles.pmf.r_eval_min_sigma", "nanoparticles.pmf.r_eval_max_sigma"),
        ("nanoparticles.colloid_polymer.pair.r_min_sigma", "nanoparticles.colloid_polymer.pair.r_max_sigma"),
    ]
    if "nanoparticles" in config:
        for lo_key, hi_key in pairs:
            lo, hi = _get(config, lo_key), _get(config, hi_key)
            if not lo < hi:
                raise ConfigError(f"config key {lo_key} ({lo}) must be smaller than {hi_key} ({hi})")
        np_cfg = config["nanoparticles"]
        r_cut = np_cfg["descriptors"]["r_cut_sigma"]
        if np_cfg["pair"]["r_max_sigma"] >= r_cut + 0.5:
            raise ConfigError(
                f"config key nanoparticles.pair.r_max_sigma ({np_cfg['pair']['r_max_sigma']}) lies far beyond "
                f"the descriptor cutoff nanoparticles.descriptors.r_cut_sigma ({r_cut}): the model cannot see it")
        if not np_cfg["pair"]["r_min_sigma"] < r_cut:
            raise ConfigError(
                f"config key nanoparticles.descriptors.r_cut_sigma ({r_cut}) must exceed the smallest "
                f"training separation nanoparticles.pair.r_min_sigma ({np_cfg['pair']['r_min_sigma']}): "
                f"no pair would be inside the cutoff")
        hard, r_min = np_cfg["eos"]["hard_core_sigma"], np_cfg["pair"]["r_min_sigma"]
        if hard < r_min:
            raise ConfigError(
                f"config key nanoparticles.eos.hard_core_sigma ({hard}) lies below the smallest training "
                f"separation nanoparticles.pair.r_min_sigma ({r_min}): the fitted models are extrapolations "
                f"there (measured: ML2 at 1.3 sigma_c reached -1800 kT and collapsed the MC)")
        if float(np_cfg["gr"]["solvent"]) not in [float(x) for x in np_cfg["solvents"]]:
            raise ConfigError(f"config key nanoparticles.gr.solvent ({np_cfg['gr']['solvent']}) must be one of "
                              f"nanoparticles.solvents ({np_cfg['solvents']})")
        cp = np_cfg["colloid_polymer"]
        n = cp["n_colloids"]
        k4, k1 = round((n / 4) ** (1 / 3)), round(n ** (1 / 3))
        if 4 * k4**3 != n and k1**3 != n:
            raise ConfigError(f"config key nanoparticles.colloid_polymer.n_colloids ({n}) must be 4 k^3 (FCC) "
                              f"or k^3 (simple cubic) to build the starting lattice")
        box = (n * np.pi / (6.0 * cp["eta_c"])) ** (1.0 / 3.0)
        if cp["r_cut_sigma"] > box / 2:
            raise ConfigError(f"config key nanoparticles.colloid_polymer.r_cut_sigma ({cp['r_cut_sigma']}) exceeds "
                              f"half the box ({box / 2:.3f} sigma_c for n_colloids={n} at eta_c={cp['eta_c']})")
        pair = np_cfg["pair"]
        for key in ("dump_every", "force_every"):
            n_frames = pair["production_steps"] // pair[key]
            need = 8 if pair["n_blocks"] == "auto" else 2 * pair["n_blocks"]
            if n_frames < need:
                raise ConfigError(
                    f"config key nanoparticles.pair.{key} ({pair[key]}) gives {n_frames} samples in "
                    f"production_steps={pair['production_steps']}: fewer than {need} "
                    f"(n_blocks = {pair['n_blocks']!r})")


def check_anisotropic(config: dict) -> None:
    """Cross-key checks of the ``anisotropic`` section (raise :class:`ConfigError`)."""
    an = config.get("anisotropic")
    if an is None:
        return
    remc = an["remc"]
    if not remc["kT_min"] < remc["kT_max"]:
        raise ConfigError(f"config key anisotropic.remc.kT_min ({remc['kT_min']}) must be smaller than "
                          f"anisotropic.remc.kT_max ({remc['kT_max']})")
    if remc["box_length"] < 4.0:
        raise ConfigError(f"config key anisotropic.remc.box_length ({remc['box_length']}) must be at least "
                          f"2 R_c = 4 sigma (minimum image of the IPC model)")
    if remc["system"] not in an["patchy"]["systems"]:
        raise ConfigError(f"config key anisotropic.remc.system ({remc['system']}) must be one of "
                          f"anisotropic.patchy.systems ({an['patchy']['systems']})")
    eos, sc = an["sc_eos"], an["spherocylinder"]
    if not eos["start_density"] < eos["crystal_density"]:
        raise ConfigError(f"config key anisotropic.sc_eos.start_density ({eos['start_density']}) must be "
                          f"smaller than anisotropic.sc_eos.crystal_density ({eos['crystal_density']})")
    if eos["n_particles"] % 4:
        raise ConfigError(f"config key anisotropic.sc_eos.n_particles ({eos['n_particles']}) must be a "
                          f"multiple of 4: the expansion branch starts from an AB-stacked crystal, 2 rods "
                          f"per rectangular cell and an even number of layers")
    close_packed = rod_close_packing_density(sc["length"], sc["diameter"])
    if not eos["crystal_density"] < close_packed:
        raise ConfigError(f"config key anisotropic.sc_eos.crystal_density ({eos['crystal_density']}) must "
                          f"be below the close packing of the spherocylinders ({close_packed:.4f})")
    densest = eos["crystal_density"] * 1.1
    side = (eos["n_particles"] / densest) ** (1.0 / 3.0)
    reach = 2.0 * (1.1 * (sc["length"] + sc["diameter"]) + sc["gap_cut"])  # fitted contacts overshoot
    if side < reach:
        raise ConfigError(f"config key anisotropic.sc_eos.n_particles ({eos['n_particles']}) is too small: "
                          f"a box of {side:.2f} sigma at rho* = {densest:.3f} is shorter than twice the "
                          f"interaction range ({reach:.2f} sigma, minimum image)")
