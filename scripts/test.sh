#!/usr/bin/env bash
# Set everything up and run the whole test suite (unit, property, regression, workflow).
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh -m "not slow"   # extra arguments go to pytest
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup_env.sh"
cd "$ROOT"
python -m pytest "$@"
