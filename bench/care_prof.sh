#!/usr/bin/env bash
# Care workflow benchmarks (issue 6), end to end through the CLI against a
# real carekeyd on SQLite (loopback, temporary directory), in the world of
# scripts/demo.sh (tests/client/world.sh, world_care: two hospitals with
# wards, theatres and departments, a pharmacy, their staff). One patient
# (the Parker fixture, 17 prescriptions on record) consents to hosp-a.
#
#   care.admit        'encounter admit' (directory, ledger and bed check,
#                     ledger + patient record writes); each admission is
#                     followed by an untimed discharge
#   care.book         'appointment book' (slot check on the ledger, ledger +
#                     patient record writes)
#   care.prescribe    'rx write' with its allergy and duplicate checks (the
#                     fixture's medications make them warn: --override)
#   care.dispense     'rx dispense' (prescriber check in the directory, fill
#                     limit check, checked write)
#   care.mis_month_cold / care.mis_month_cold_1worker / care.mis_month
#   speedup.mis_month_cold_workers (one worker over one per core)
#                     'mis all --period 2026-11' over hosp-a's ledger after
#                     bench/care/ledger_fill wrote a month of activity for
#                     BENCH_CARE_PATIENTS (default 1000) synthetic patients:
#                     cold = nothing decrypted before (CAREKEY_NO_CACHE=1: one
#                     ABE decryption per entry), warm = the node's cache of
#                     what it decrypted before (only new entries decrypted)
#   care.admit_big    'encounter admit' on that month-sized ledger (warm)
# Each figure is the median wall time of whole CLI processes (start-up,
# keyring open at scrypt cost 2^10, round trips), BENCH_REPS (default 7)
# runs; the info lines give the floor (start-up + keyring open).
#
#   bench/care.sh BUILD_DIR      (make bench BENCH=care)
set -euo pipefail
BENCH_AREA=care
# shellcheck source=cli_world.sh
. "$(dirname "$0")/cli_world.sh"
FILL=$build/bench/care/ledger_fill
bench_need "$FILL"
REPS=${BENCH_REPS:-7}
PATIENTS=${BENCH_CARE_PATIENTS:-1000}

report() { echo "bench care.$1 $(median <<<"$2") ms"; }
at() { date -u -d "2026-11-01T00:00:00Z + $1 minutes" +%Y-%m-%dT%H:%MZ; }

world_setup "sqlite:$W/carekey.db"
world_care
world_patient p1
world_run world_as p1 import "$ROOT"/tests/fixtures/fhir/Parker_*.json --patient p1
world_consent p1 hosp-a
world_run world_as p1 grant --patient p1 --gid pharm --sections medications
echo "info care: carekeyd on SQLite ($W), CLI processes, keyrings at scrypt cost 2^$WORLD_KDF, $REPS runs per figure; medians"

floor=()
for _ in $(seq 5); do floor+=("$(time_ms world_as dr-a keys list)"); done
echo "info care: floor (process start-up + keyring open, 'keys list'): $(median <<<"${floor[*]}") ms"

admit=() book=() rx=() disp=() ids=()
for i in $(seq "$REPS"); do
    admit+=("$(time_ms world_as dr-a encounter admit --patient p1 --ward ward-med --bed 1 --at "$(at $((i * 600)))")")
    world_run world_as dr-a encounter discharge --patient p1 --at "$(at $((i * 600 + 300)))"
done
report admit "${admit[*]}"
world_run world_as dr-a schedule slots --doctor dr-a --date 2026-11-27 --from 08:00 --to 16:00 --every 20m
for i in $(seq "$REPS"); do
    book+=("$(time_ms world_as clerk-a appointment book --patient p1 --doctor dr-a \
        --at "2026-11-27T$(printf %02d $((8 + (i - 1) / 3))):$(printf %02d $(((i - 1) % 3 * 20)))")")
done
report book "${book[*]}"
drugs=(aspirin ibuprofen acetaminophen lisinopril metformin atorvastatin naproxen simvastatin)
for i in $(seq "$REPS"); do
    rx+=("$(time_ms world_as dr-a rx write --patient p1 --drug "${drugs[$(((i - 1) % ${#drugs[@]}))]}" --quantity 10 \
        --override 'benchmark: repeated prescription')")
    ids+=("$(grep -o '^prescribed MedicationRequest/[A-Za-z0-9-]*' "$W/cmd.log" | head -1 | cut -d/ -f2)")
done
report prescribe "${rx[*]}"
for id in "${ids[@]}"; do disp+=("$(time_ms world_as pharm rx dispense --patient p1 --id "$id" --quantity 10)"); done
report dispense "${disp[*]}"

# ---- a month of activity for PATIENTS synthetic patients ----------------------------------------
world_run world_as operator hospital units add --org hosp-a --name ward-gen --kind ward --beds 60 \
    --display-name 'General ward' --server "$URL"
t0=$(date +%s%N)
world_run "$FILL" --home "$(world_home dr-a)" --hospital hosp-a --patients "$PATIENTS" --month 2026-11
t1=$(date +%s%N)
entries=$(world_as clerk-a record list --patient hosp-a 2>/dev/null | grep -c '^ *[0-9]')
echo "info care: $(tail -1 "$WORLD_LOG"); the ledger holds $entries entries; filled in $(( (t1 - t0) / 1000000 )) ms"
cold=() warm=()
CAREKEY_NO_CACHE=1 CAREKEY_THREADS=1 perf record -F 499 -g -o /tmp/mis.perf "$CK" mis all --org hosp-a --period 2026-11 --csv --home "$(world_home clerk-a)" >/dev/null 2>/tmp/mis.perf.err
exit 0
for _ in 1 2 3; do cold+=("$(CAREKEY_NO_CACHE=1 time_ms world_as clerk-a mis all --org hosp-a --period 2026-11 --csv)"); done
report mis_month_cold "${cold[*]}"
one=()
for _ in 1 2 3; do one+=("$(CAREKEY_NO_CACHE=1 CAREKEY_THREADS=1 time_ms world_as clerk-a mis all --org hosp-a --period 2026-11 --csv)"); done
report mis_month_cold_1worker "${one[*]}"
# the ledger's entries opened on every core (src/node/care/book.c) against one worker
awk -v a="$(median <<<"${one[*]}")" -v b="$(median <<<"${cold[*]}")" -v c="$(nproc)" \
    'BEGIN { printf "bench speedup.mis_month_cold_workers %.2f x\ninfo care: %d cores; target >= 1.7 on 2\n", a / b, c }'
world_run world_as clerk-a mis all --org hosp-a --period 2026-11 --csv   # builds the cache
for _ in $(seq "$REPS"); do warm+=("$(time_ms world_as clerk-a mis all --hospital hosp-a --period 2026-11 --csv)"); done
report mis_month "${warm[*]}"
echo "info care: month report: $(grep -c . "$W/cmd.log") CSV lines; total row of admissions: $(tr -d '\r' <"$W/cmd.log" | grep -m1 '^total,')"
world_run world_as operator hospital units add --org hosp-a --name ward-obs --kind ward --beds 1 \
    --display-name 'Observation ward' --server "$URL"
world_run world_as dr-a encounter census   # the admitting doctor's cache
big=()
for i in $(seq "$REPS"); do
    big+=("$(time_ms world_as dr-a encounter admit --patient p1 --ward ward-obs --bed 1 --at "$(at $((40000 + i * 600)))")")
    world_run world_as dr-a encounter discharge --patient p1 --at "$(at $((40000 + i * 600 + 300)))"
done
report admit_big "${big[*]}"
