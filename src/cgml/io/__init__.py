"""Result files: atomic writes and provenance records.

Every result file the workflow writes goes through this module, so that outputs
appear whole or not at all (written to a temporary file in the same folder, then
renamed) and carry the parameters that made them, the package version, the git
revision and the random seed.
"""

from cgml.io.atomic import atomic_path, write_csv, write_json, write_npz, read_npz
from cgml.io.provenance import job_provenance, provenance, git_revision

__all__ = [
    "atomic_path",
    "write_csv",
    "write_json",
    "write_npz",
    "read_npz",
    "job_provenance",
    "provenance",
    "git_revision",
]
