#!/usr/bin/env bash
# Set everything up and run the replication at one scale, then build the HTML report.
#   bash scripts/replicate.sh toy       # minutes, every rule and figure (CI)
#   bash scripts/replicate.sh laptop    # a 2-core workstation
#   bash scripts/replicate.sh paper     # local cores; on a cluster use the slurm profile
# Extra arguments go to snakemake (e.g. --cores 4, -n).
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
snakemake --profile workflow/profiles/default "${CONFIG[@]}" "$@"
snakemake --profile workflow/profiles/default "${CONFIG[@]}" --report "results/$SCALE/report.html"
echo "[replicate] scorecard: results/$SCALE/scorecard.csv"
column -s, -t < "results/$SCALE/scorecard.csv" | cut -c1-200 || cat "results/$SCALE/scorecard.csv"
