#!/usr/bin/env bash
# Node admission benchmarks (issue 11; BENCH=node runs it): admissions
# through the node API in-process (bench/node/admit.c), each hospital's
# ledger in one warm session, against a real carekeyd on SQLite in the
# world of bench/care.sh.
#
#   node.admit          ck_node_encounter_admit on a small ledger (dr-b at
#                       hosp-b: the bench's own admissions)
#   node.admit_month    the same on a month's ledger (dr-a at hosp-a, after
#                       bench/care/ledger_fill wrote a month of activity for
#                       BENCH_CARE_PATIENTS (default 1000) synthetic patients)
#   ratio.admit_month_over_small   the second over the first (target <= 1.5:
#                       a warm admission costs what is new, not the ledger)
# The two alternate, so that both see the same load of the machine; each
# admission is followed by an untimed discharge; medians of BENCH_REPS
# (default 9) after one warm-up admission per session.
#
#   bench/node_admit.sh BUILD_DIR
set -euo pipefail
BENCH_AREA=node_admit
# shellcheck source=cli_world.sh
. "$(dirname "$0")/cli_world.sh"
FILL=$build/bench/care/ledger_fill
ADMIT=$build/bench/care/node_admit
bench_need "$FILL" "$ADMIT"
REPS=${BENCH_REPS:-9}
PATIENTS=${BENCH_CARE_PATIENTS:-1000}

world_setup "sqlite:$W/carekey.db"
world_care
world_patient p1
world_consent p1 hosp-a hosp-b
echo "info node: carekeyd on SQLite ($W), node API in-process, one warm session per ledger, $REPS runs per figure; medians"

world_run world_as operator admin add-unit --org hosp-a --name ward-gen --kind ward --beds 60 \
    --display-name 'General ward' --server "$URL"
t0=$(date +%s%N)
world_run "$FILL" --home "$(world_home dr-a)" --hospital hosp-a --patients "$PATIENTS" --month 2026-11
t1=$(date +%s%N)
echo "info node: $(tail -1 "$WORLD_LOG"); filled in $(( (t1 - t0) / 1000000 )) ms"
"$ADMIT" --patient p1 --reps "$REPS" --start 2027-01-01 \
    --small "$(world_home dr-b),hosp-b,ward-b1" --month "$(world_home dr-a),hosp-a,ward-med" >"$W/admit.log" 2>&1 ||
    { echo "bench/node_admit.sh: node_admit failed" >&2; sed 's/^/  | /' "$W/admit.log" >&2; exit 1; }
cat "$W/admit.log"
