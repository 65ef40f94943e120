"""Checks of the config that a JSON schema cannot express (relations between keys)."""

from __future__ import annotations


class ConfigError(ValueError):
    """A config value is inconsistent; the message names the key."""


def _get(config: dict, dotted: str):
    node = config
    for part in dotted.split("."):
        node = node[part]
    return node


def check_config(config: dict) -> None:
    """Raise :class:`ConfigError` naming the key if related values disagree."""
    pairs = [
        ("nanoparticles.pair.r_min_sigma", "nanoparticles.pair.r_max_sigma"),
        ("nanoparticles.pmf.r_eval_min_sigma", "nanoparticles.pmf.r_eval_max_sigma"),
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
        if float(np_cfg["gr"]["solvent"]) not in [float(x) for x in np_cfg["solvents"]]:
            raise ConfigError(f"config key nanoparticles.gr.solvent ({np_cfg['gr']['solvent']}) must be one of "
                              f"nanoparticles.solvents ({np_cfg['solvents']})")
        pair = np_cfg["pair"]
        for key in ("dump_every", "force_every"):
            n_frames = pair["production_steps"] // pair[key]
            if n_frames < 2 * pair["n_blocks"]:
                raise ConfigError(
                    f"config key nanoparticles.pair.{key} ({pair[key]}) gives {n_frames} samples in "
                    f"production_steps={pair['production_steps']}: fewer than 2 x n_blocks ({pair['n_blocks']})")
