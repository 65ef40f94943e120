"""cgml: machine-learned coarse-grained potentials, one package for five replications.

Unit convention: every module states its own units in its docstring. Coarse-grained
(CG) quantities are reduced by the paper's own length and energy scales (for the
nanoparticle paper: lengths in sigma_c, energies in k_BT); fine-grained (FG)
quantities stay in the units of the engine that produced them (LAMMPS ``real``:
Angstrom, kcal/mol, fs) until a mapping function converts them explicitly.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "source_hash"]


def source_hash() -> str:
    """Return a short SHA-256 digest of every ``.py`` file in the package.

    Snakemake does not notice imported code; rules pass this digest through
    ``params`` so that a change to the package triggers a rerun of the rules
    that use it.
    """
    import hashlib
    from pathlib import Path

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
