#!/usr/bin/env bash
# Set everything up and run the replication at one scale, then build the HTML report.
#   bash scripts/replicate.sh toy       # minutes, every rule and figure (CI)
#   bash scripts/replicate.sh laptop    # a 2-core workstation
#   bash scripts/replicate.sh paper     # local cores; on a cluster use the slurm profile
# Extra arguments go to snakemake (e.g. --cores 4, -n, or targets).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCALE="${1:-toy}"
shift || true
case "$SCALE" in
  toy|laptop) CONFIG=(--configfile "config/$SCALE.yaml") ;;
  paper) CONFIG=() ;;
  *) echo "usage: $0 toy|laptop|paper [snakemake args]" >&2; exit 2 ;;
esac
source "$ROOT/scripts/setup_env.sh"
cd "$ROOT"
# the config file last: --configfile takes several values and would swallow a target after it
snakemake --profile workflow/profiles/default "$@" "${CONFIG[@]}"
snakemake --profile workflow/profiles/default "$@" --report "results/$SCALE/report.html" "${CONFIG[@]}"
echo "[replicate] scorecard: results/$SCALE/scorecard.csv"
python - "results/$SCALE/scorecard.csv" <<'PY'
import sys

import pandas as pd

card = pd.read_csv(sys.argv[1])
with pd.option_context("display.width", 160, "display.max_rows", 500, "display.max_colwidth", 40):
    print(card[["paper", "claim", "paper_value", "reproduced_value", "tolerance", "status"]].to_string(index=False))
PY
