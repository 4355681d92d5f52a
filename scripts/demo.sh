#!/usr/bin/env bash
# `make demo`: the carekey story end to end on one machine (docs/DEMO.md).
#
#   0. the curve (BLS12-381 signatures: made, verified, tampering rejected)
#   1. carekeyd on an embedded SQLite database (temp dir, loopback, free port)
#   2. authorities: medical and nursing boards, hosp-a, hosp-b, pharmacy and
#      research boards, the emergency desk er-desk, the patient's own
#   3. people enrolled, keys issued through the mailbox; the patient onboards
#      himself in one command (identity, authority, keys, profile, grants)
#   4. a FHIR patient imported and shared; a doctor writes; research view
#   5. who can read what (every cell is a real decryption attempt)
#   6. break-glass: an ER physician via the desk; the patient's audit log
#   7. a hospital day: admission, diagnosis, a prescription the allergy check
#      blocks, dispensing, a surgery (double-booking refused), discharge, MIS
#   8. revocation: a nurse leaves; census, reports and care go on; the
#      patient re-encrypts, and the server drops what she could read
#   9. the server's database holds none of the patient's identifying strings
#  10. the node's pages for the demo's people (carekey node serve --ui): the
#      URL and each person's login; on a terminal it serves until Ctrl-C,
#      otherwise it saves a screenshot of each role's home page under
#      DEMO_OUT (default BUILD_DIR/demo) and stops
#
# The Makefile builds first. Everything lives in a temporary directory that
# is removed at the end, also on failure.
# Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
build=${1:-build}
case $build in /*) ;; *) build="$ROOT/$build" ;; esac
CK="$build/bin/carekey"
CKD="$build/src/server/carekeyd"
ECDEMO="$build/bench/ec/ec_demo"
FIXTURE=$(ls "$ROOT"/tests/fixtures/fhir/Rudolf_Weber_*.json | head -1)
for f in "$CK" "$CKD"; do [ -x "$f" ] || { echo "demo: $f missing (build first: make build)" >&2; exit 2; }; done
if ! command -v jq >/dev/null; then   # reads the JSON of 'record get --json' and the fixture
    echo "demo: installing jq"
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends jq; } \
        >/dev/null || { echo "demo: jq is needed (apt-get install jq)" >&2; exit 2; }
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/carekey-demo.XXXXXX")
DESK_PID= UI_PID=
DEMO_OUT=${DEMO_OUT:-$build/demo}
export CAREKEY_PASSPHRASE="demo passphrase (low scrypt cost: --kdf-cost 10)"
# the world (server, authorities, people, keys): shared with tests/client/e2e_test.sh
W="$T"
# shellcheck source=../tests/client/world.sh
. "$ROOT/tests/client/world.sh"
cleanup() {
    local rc=$?
    [ -n "$DESK_PID" ] && kill "$DESK_PID" 2>/dev/null && wait "$DESK_PID" 2>/dev/null
    [ -n "$UI_PID" ] && kill "$UI_PID" 2>/dev/null && wait "$UI_PID" 2>/dev/null
    world_stop
    if [ -n "${DEMO_KEEP:-}" ]; then echo "demo: kept $T"; else rm -rf "$T"; fi
    [ "$rc" = 0 ] || echo "demo: FAILED (exit $rc); see the step above" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM
START=$(date +%s.%N)

# ---- helpers -----------------------------------------------------------------------
ms() { date +%s%3N; }
T0=0
step() { T0=$(ms); printf '\n== %s\n' "$*"; }
done_() { printf '   (%d ms)\n' $(( $(ms) - T0 )); }
# q CMD...: run quietly; on failure show the command's output and stop
q() { world_run "$@"; }
wait_file() { world_wait_file "$1"; }
home() { world_home "$1"; }
as() { world_as "$@"; }

# ---- 0. the curve ---------------------------------------------------------------------
if [ -x "$ECDEMO" ]; then
    step "0. the curve: BLS12-381 (implemented here) signs, verifies, rejects tampering"
    "$ECDEMO" | sed -n -e 's/^/   /' -e '/^   [0-9]\./p' -e '/demo ok/p'
fi

# ---- 1. the cloud server ----------------------------------------------------------------
step "1. carekeyd: embedded SQLite in a temp dir, loopback, a free port"
world_server "sqlite:$T/carekey.db"
echo "   $URL  (operator key ${ADMIN_KEY:0:16}..., database $T/carekey.db)"
done_

# ---- 2. authorities ------------------------------------------------------------------------
step "2. attribute authorities, each in its own organization's keyring"
world_on_authority() { printf '   %-15s run by %s\n' "$1" "$2"; }
world_homes
world_authorities
done_

# ---- 3. people -------------------------------------------------------------------------------
step "3. people: professionals enrolled and licensed; rudolf onboards himself with one command"
world_enroll
world_keys
world_care                    # the directory: hospitals' wards, theatres, departments; staff taken on
world_patient rudolf anna     # anna enrolls herself; rudolf: 'carekey patient onboard', the operator approves
echo "   rudolf \$ carekey patient onboard --gid rudolf --orgs $WORLD_HOSPITALS --er-desk $WORLD_DESK \\"
echo "                 --family anna --wait 60        (operator: carekey admin approve rudolf anna)"
sed 's/^/       /' "$T/onboard.rudolf.log"
declare -A LABEL=([rudolf]=patient [anna]=family [bill-a]=billing [er-desk]="desk service")
while read -r gid role attrs; do [ -n "${LABEL[$gid]:-}" ] || LABEL[$gid]=$role; done < <(world_staff)
cat <<EOF
   rudolf   patient         owner@patient-rudolf (his own authority)
   anna     family          family@patient-rudolf
   dr-a     doctor, hosp-a  doctor@medical-board, staff@hosp-a
   dr-b     doctor, hosp-b  doctor@medical-board, staff@hosp-b
   nurse-a  nurse, hosp-a   nurse@nursing-board, staff@hosp-a
   pharm    pharmacist      pharmacist@pharmacy-board
   res      researcher      researcher@research-board
   dr-er    ER physician    doctor@medical-board (no hospital key: reads only via break-glass)
   bill-a   billing office  billing@hosp-a
   clerk-a  admin clerk     staff@hosp-a
   er-desk  emergency desk  emergency@er-desk (held by the desk service only)
EOF
done_

# ---- 4. the record -----------------------------------------------------------------------------
step "4. rudolf imports his FHIR record ($(basename "$FIXTURE" | cut -d_ -f1-2), Synthea) and shares it"
q as rudolf import "$FIXTURE" --patient rudolf
q as hosp-a hospital care-team --patient rudolf      # his delegates since his onboarding give their
q as hosp-b hospital care-team --patient rudolf      # staff write grants on their sections
q as rudolf patient onboard --gid rudolf --pharmacy city-pharmacy   # its pharmacists: medications only
cat >"$T/allergy.json" <<'EOF'
{"resourceType":"AllergyIntolerance","id":"demo-allergy-penicillin","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}]},"verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-verification","code":"confirmed"}]},"type":"allergy","category":["medication"],"criticality":"high","code":{"text":"Penicillin G (anaphylaxis)"},"recordedDate":"2024-02-11"}
EOF
cat >"$T/med.json" <<'EOF'
{"resourceType":"MedicationRequest","id":"demo-med-apixaban","status":"active","intent":"order","medicationCodeableConcept":{"text":"Apixaban 5 MG Oral Tablet"},"authoredOn":"2024-02-11","dosageInstruction":[{"text":"5 mg twice daily"}]}
EOF
q as dr-a record put --patient rudolf --section allergies --type AllergyIntolerance "$T/allergy.json"
q as dr-a record put --patient rudolf --section medications --type MedicationRequest "$T/med.json"
q as rudolf research publish --patient rudolf
N_ENTRIES=$(as rudolf record list --patient rudolf 2>/dev/null | grep -c '^ *[0-9]' || true)
echo "   imported one sealed entry per section and the emergency view (for the desk); dr-a (write"
echo "   grant) added an allergy and a medication; the de-identified research view published; the"
echo "   desk may write to \"audit\" ($N_ENTRIES entries)"
done_

# ---- 5. who reads what ---------------------------------------------------------------------------
ALL_SECTIONS="demographics allergies problems medications encounters procedures results immunizations careplans appointments billing directory audit emergency research"
declare -A SHORT=([demographics]=demo [allergies]=allg [problems]=prob [medications]=meds [encounters]=enc
    [procedures]=proc [results]=res [immunizations]=imm [careplans]=care [appointments]=appt [billing]=bill
    [directory]=dir [audit]=audit [emergency]=emerg [research]=rsrch)
# readable WHO: the sections of which this person's keys actually decrypt an entry
readable() {
    as "$1" record get --patient rudolf --json 2>/dev/null >"$T/get.json" || true
    jq -r '[.entries[]? | select(.status == "ok") | .section] | unique | join(" ")' "$T/get.json" 2>/dev/null || true
}
COLUMNS_=
table() {
    printf '   %-22s' "person"; for s in $COLUMNS_; do printf ' %-5s' "${SHORT[$s]}"; done; echo
    for who in "$@"; do
        local r; r=" $(readable "$who") "
        printf "   %-22s" "$who (${LABEL[$who]})"
        for s in $COLUMNS_; do
            case $r in *" $s "*) printf ' %-5s' yes ;; *) printf ' %-5s' - ;; esac
        done
        echo
    done
}
step "5. who can read what (each 'yes' is a decryption with that person's own keys)"
# the columns: the sections rudolf's record holds (he, the owner, reads them all)
present=" $(readable rudolf) "
for s in $ALL_SECTIONS; do case $present in *" $s "*) COLUMNS_="$COLUMNS_ $s" ;; esac; done
table rudolf anna dr-a dr-b nurse-a pharm res dr-er bill-a er-desk
echo "   dr-er has a board licence but no hospital key: alone she reads nothing. The desk holds"
echo "   emergency@er-desk; it opens only the emergency sections' key wraps (and the emergency view"
echo "   import sealed: allergies, active problems and medications, blood type), for break-glass (step 6)."
echo "   tests/client/e2e_test.sh checks this table against docs/RECORD-MODEL.md on every fixture."
done_

# ---- 6. break-glass ------------------------------------------------------------------------------
step "6. break-glass: dr-er asks the emergency desk, with a reason"
"$CK" emergency-desk serve --port 0 --port-file "$T/desk.port" --home "$(home er-desk)" 2>"$T/desk.log" &
DESK_PID=$!
wait_file "$T/desk.port"
DESK="http://127.0.0.1:$(cat "$T/desk.port")"
as dr-er emergency request --desk "$DESK" --patient rudolf --minutes 60 \
    --reason "unconscious after a road accident, no relatives present" | sed 's/^/   /'
echo
echo "   -- anna (family, not a physician) tries the same:"
as anna emergency request --desk "$DESK" --patient rudolf --reason "worried" 2>&1 | sed 's/^/   /' || true
echo
echo "   -- what rudolf sees afterwards ('carekey emergency events'):"
as rudolf emergency events | sed 's/^/   /'
done_

# ---- 7. a hospital day ------------------------------------------------------------------------------
step "7. a hospital day at hosp-a (docs/CARE.md): rudolf consents, is admitted, treated, discharged"
D=$(date -u +%Y-%m-%d)
# show WHO ARGS...: the command and what it printed (refusals included: they are part of the story)
show() {
    local who=$1; shift
    printf '   %-8s $ carekey %s\n' "$who" "$*"
    as "$who" "$@" >"$T/show.log" 2>&1 || true
    sed 's/^/              /' "$T/show.log"
}
show dr-a encounter admit --patient rudolf --ward ward-med --bed 2 --reason 'chest pain' --at "${D}T08:00"
show dr-a condition add --patient rudolf --snomed 22298006 --display 'Myocardial infarction'
show dr-a observe --patient rudolf hr=92 bp=140/90 spo2=95
show dr-a rx write --patient rudolf --drug amoxicillin --quantity 21 --dose '500 mg three times a day'
show nurse-a rx write --patient rudolf --drug aspirin --quantity 30
show dr-a rx write --patient rudolf --drug aspirin --quantity 30 --dose '75 mg daily'
RX=$(grep -o '^prescribed MedicationRequest/[A-Za-z0-9-]*' "$T/show.log" | cut -d/ -f2)
show pharm rx dispense --patient rudolf --id "$RX" --quantity 30
show pharm rx dispense --patient rudolf --id "$RX" --quantity 30
show dr-a theatre book --patient rudolf --theatre th-1 --surgeon dr-a --procedure-snomed 232717009 \
    --display 'Coronary angioplasty' --start "${D}T10:00" --end "${D}T12:00"
show dr-a theatre book --patient rudolf --theatre th-1 --surgeon dr-a --procedure-snomed 232717009 \
    --display 'Coronary angioplasty' --start "${D}T11:00" --end "${D}T13:00"
show dr-a encounter discharge --patient rudolf --summary 'PCI done; home on aspirin.' --at "${D}T17:00"
show clerk-a mis admissions --period "$D"
show dr-b mis admissions --org hosp-a --period "$D"
echo "   (hosp-b's doctor holds no staff@hosp-a key: hosp-a's ledger is closed to her)"
done_

# ---- 8. revocation ---------------------------------------------------------------------------------
step "8. nurse-a leaves hosp-a: care goes on; rudolf closes his record to her with reencrypt"
show hosp-a hospital staff remove --gid nurse-a --reason 'left the hospital'
q as dr-a keys sync     # dr-a gets staff@hosp-a at its new epoch and keeps the older one
show clerk-a mis admissions --period "$D"
printf '   %-8s $ carekey report professional --patient rudolf   (the first lines)\n' dr-a
(as dr-a report professional --patient rudolf 2>&1 || true) | head -12 | sed 's/^/              /'
show dr-a observe --patient rudolf hr=76 --at "${D}T18:00"
echo "   -- nurse-a: no grant any more, and her key holds staff@hosp-a only at the old epoch:"
show nurse-a record get --patient rudolf --section results
show rudolf reencrypt --patient rudolf
table dr-a dr-b nurse-a
echo "   (what nurse-a could read before is re-sealed under fresh data keys: even data keys she"
echo "   kept open nothing current, and the server has dropped the superseded bodies)"
done_

# ---- 9. what the server holds --------------------------------------------------------------------
step "9. the server's SQLite database holds none of rudolf's identifying strings"
# the identifying strings of the fixture: name, address, phone, identifiers (SSN, MRN, licences), birth date
leaks=0
while IFS=$'\t' read -r kind s; do
    hits=$(world_stored_count "$s" "$T"/carekey.db*)
    printf '   %-26s %-28s %s\n' "$kind" "$(printf '%s' "$s" | cut -c1-28)" "$([ "$hits" = 0 ] && echo "absent" || echo "FOUND ($hits)")"
    [ "$hits" = 0 ] || leaks=$((leaks + 1))
done < <(world_identifiers "$FIXTURE")
echo "   database files: $(ls "$T" | grep -c '^carekey.db') ($(du -ch "$T"/carekey.db* | tail -1 | cut -f1)); grep -a over each"
[ "$leaks" = 0 ] || { echo "demo: identifying strings found in the server's database" >&2; exit 1; }
done_

# ---- 10. the pages --------------------------------------------------------------------------------
step "10. the node's pages for these people: carekey node serve --ui (loopback; docs/UI.md)"
"$CK" node serve --ui --data "$T/home" --listen 127.0.0.1:"${DEMO_PORT:-0}" --port-file "$T/ui.port" 2>"$T/ui.log" &
UI_PID=$!
wait_file "$T/ui.port"
UI_URL="http://127.0.0.1:$(cat "$T/ui.port")/"
PEOPLE="rudolf anna dr-a nurse-a pharm res dr-er clerk-a bill-a"
SHOTS_OF="rudolf anna dr-a nurse-a pharm res clerk-a"   # one per role
echo "   open $UI_URL and log in as one of them, passphrase: $CAREKEY_PASSPHRASE"
for who in $PEOPLE; do printf '   %-8s %s\n' "$who" "${LABEL[$who]}"; done
if [ -t 1 ]; then
    echo "   serving until Ctrl-C (every session is locked and wiped when it stops)"
    trap 'echo; echo "   stopping the pages"; kill "$UI_PID" 2>/dev/null; wait "$UI_PID" 2>/dev/null; UI_PID=; exit 0' INT TERM
    wait "$UI_PID" || true
    UI_PID=
elif command -v node >/dev/null && [ -x "${UI_CHROMIUM:-/usr/lib/chromium/chromium}" ] &&
    [ -d "$ROOT/tests/js/node_modules/playwright-core" ]; then
    mkdir -p "$DEMO_OUT"
    echo "   not a terminal: a screenshot of each role's home page in $DEMO_OUT"
    # shellcheck disable=SC2086
    DEMO_PATIENT=rudolf node "$ROOT/scripts/screens.mjs" "${UI_URL%/}" "$DEMO_OUT" $SHOTS_OF ||
        echo "   (some screenshots failed; the pages are tested by ctest -R ui_browser)"
else
    echo "   not a terminal, and no node/chromium/playwright-core for screenshots (scripts/bootstrap.sh --with-npm)"
fi
[ -z "$UI_PID" ] || { kill "$UI_PID" 2>/dev/null; wait "$UI_PID" 2>/dev/null; UI_PID=; }
done_

printf '\ndemo ok: %s s; the temporary directory is removed now\n' "$(awk -v a="$START" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
