#!/usr/bin/env bash
# Node admission benchmarks (issue 11; BENCH=node runs it): admissions
# through the node API in-process, one warm session (bench/node/admit.c),
# against a real carekeyd on SQLite in the world of bench/care.sh.
#
#   node.admit          ck_node_encounter_admit on hosp-a's small ledger
#                       (the day's activity of tests/client/world.sh)
#   node.admit_month    the same after bench/care/ledger_fill wrote a month
#                       of activity for BENCH_CARE_PATIENTS (default 1000)
#   ratio.admit_month_over_small   the second over the first (target <= 1.5:
#                       a warm admission costs what is new, not the ledger)
# Each admission is followed by an untimed discharge; medians of BENCH_REPS
# (default 7) after one warm-up admission.
#
#   bench/node_admit.sh BUILD_DIR
set -euo pipefail
BENCH_AREA=node_admit
# shellcheck source=cli_world.sh
. "$(dirname "$0")/cli_world.sh"
FILL=$build/bench/care/ledger_fill
ADMIT=$build/bench/care/node_admit
bench_need "$FILL" "$ADMIT"
REPS=${BENCH_REPS:-7}
PATIENTS=${BENCH_CARE_PATIENTS:-1000}

world_setup "sqlite:$W/carekey.db"
world_care
world_patient p1
world_consent p1 hosp-a
echo "info node: carekeyd on SQLite ($W), node API in-process, one warm session, $REPS runs per figure; medians"

admit() { # NAME START: the median line of node_admit
    "$ADMIT" --home "$(world_home dr-a)" --hospital hosp-a --patient p1 --ward ward-med --bed 1 \
        --name "$1" --reps "$REPS" --start "$2" >"$W/admit.log" 2>&1 ||
        { echo "bench/node_admit.sh: node_admit failed" >&2; sed 's/^/  | /' "$W/admit.log" >&2; exit 1; }
    grep '^info ' "$W/admit.log" || true
    grep '^bench ' "$W/admit.log"
}
small=$(admit admit 2027-01-01)
echo "$small"

world_run world_as operator admin add-unit --org hosp-a --name ward-gen --kind ward --beds 60 \
    --display-name 'General ward' --server "$URL"
t0=$(date +%s%N)
world_run "$FILL" --home "$(world_home dr-a)" --hospital hosp-a --patients "$PATIENTS" --month 2026-11
t1=$(date +%s%N)
echo "info node: $(tail -1 "$WORLD_LOG"); filled in $(( (t1 - t0) / 1000000 )) ms"
month=$(admit admit_month 2027-03-01)
echo "$month"
a=$(awk '/^bench /{print $3}' <<<"$small")
b=$(awk '/^bench /{print $3}' <<<"$month")
echo "bench ratio.admit_month_over_small $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }') x"
