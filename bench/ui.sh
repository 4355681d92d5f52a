#!/usr/bin/env bash
# The pages' benchmark (issue 12; BENCH=ui runs it): the professional report
# page in Debian's headless Chromium (playwright-core from tests/js), served
# by `carekey node serve --ui` to dr-a (doctor at hosp-a, read standing on
# every patient) against a real carekeyd on SQLite, in the world of
# tests/client/world.sh, one patient per FHIR fixture of tests/fixtures/fhir.
#
#   ui.report_page.FIXTURE   app.html#professional for that patient, warm node:
#                            navigation start to the report's content rendered
#                            (every block in the DOM: the performance mark the
#                            shell sets once a view is drawn), the median of
#                            BENCH_REPS (default 7) loads after one untimed
#                            warm-up. Target <= 300 ms.
#   ui.report_page_fcp.FIXTURE  first contentful paint of the same loads.
#
#   bench/ui.sh BUILD_DIR
set -euo pipefail
BENCH_AREA=ui
# shellcheck source=cli_world.sh
. "$(dirname "$0")/cli_world.sh"
command -v node >/dev/null || { echo "bench/ui.sh: node is needed" >&2; exit 2; }
CHROMIUM=${UI_CHROMIUM:-/usr/lib/chromium/chromium}
[ -x "$CHROMIUM" ] || { echo "bench/ui.sh: $CHROMIUM missing (apt-get install chromium)" >&2; exit 2; }
[ -d "$ROOT/tests/js/node_modules/playwright-core" ] || { echo "bench/ui.sh: make deps-npm first" >&2; exit 2; }
REPS=${BENCH_REPS:-7}
SRV=

world_setup "sqlite:$W/carekey.db"
k=0
fixtures=()
for fx in "$ROOT"/tests/fixtures/fhir/*.json; do
    k=$((k + 1))
    world_patient "bp-$k"
    world_run world_as "bp-$k" import "$fx" --patient "bp-$k"
    world_run world_as "bp-$k" grant --patient "bp-$k" --to dr-a --read
    fixtures+=("$(basename "$fx" .json | cut -d_ -f1-2)=bp-$k")
done
world_run world_as dr-a keys sync
"$CK" node serve --ui --data "$W/home" --port-file "$W/ui.port" 2>"$W/ui.log" &
SRV=$!
trap '[ -z "$SRV" ] || kill "$SRV" 2>/dev/null; cleanup' EXIT
world_wait_file "$W/ui.port"
URL="http://127.0.0.1:$(cat "$W/ui.port")"
echo "info ui: carekey node serve --ui ($URL) as dr-a, carekeyd on SQLite ($W); medians of $REPS warm page loads"
UI_CHROMIUM=$CHROMIUM UI_PASSPHRASE=$CAREKEY_PASSPHRASE node "$ROOT/bench/ui/report_page.mjs" "$URL" dr-a "$REPS" "${fixtures[@]}"
