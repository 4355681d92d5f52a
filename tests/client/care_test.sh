#!/usr/bin/env bash
# tests/client/care_test.sh CAREKEY CAREKEYD FIXTURE_DIR
#
# Issue 6, "a hospital day" against a real carekeyd on SQLite, all through
# the CLI (docs/CARE.md). The world of tests/client/world.sh (operator,
# authorities, professionals) plus the directory (world_care): two
# hospitals with wards, theatres and departments, a pharmacy, and their
# staff taken on with 'carekey hospital staff add'. Three patients import
# their Synthea bundles and consent to treatment (delegate grants, care
# teams). Then, on 2026-11-24 (every clinical time given with --at):
#   - an emergency and an outpatient visit, three admissions, a bed that is
#     taken and a patient already admitted refused;
#   - a diagnosis, vital signs and a clinical note;
#   - prescriptions: an allergy warning blocks one (nothing written), a
#     nurse without the prescribing attribute is refused, a pharmacist
#     dispenses once and is refused the second time;
#   - a transfer: discharge from hospital A (other-hcf), hospital B's doctor
#     reads A's history in the professional report, then admits;
#   - appointments for the next day booked, a taken slot refused, one
#     cancelled, one rescheduled and checked in; the patient and her family
#     see them;
#   - two surgeries with a theatre double-booking and a surgeon
#     double-booking refused, their outcomes recorded; a discharge;
#   - MIS reports (CSV) whose figures equal the counts of the script.
# Authorization: the nurse cannot prescribe; the pharmacist cannot read the
# clinical notes; hospital B's staff cannot read hospital A's ledger
# (schedules, MIS) nor write to it; a nurse who left is refused.
# Visibility: every write is in the patient's record with its author, and in
# the patient's audit log with the right actor.
# Prints "ok"/"FAIL" lines and "N passed, N failed"; exit 1 if any failed.
set -uo pipefail
export LC_ALL=C
CK=${1:?usage: care_test.sh CAREKEY CAREKEYD FIXTURE_DIR}
CKD=${2:?carekeyd}
FIXDIR=${3:?fixture directory}
for v in CK CKD FIXDIR; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v jq >/dev/null || { echo "care_test: jq is needed (scripts/bootstrap.sh installs it)" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/carekey-care.XXXXXX")
cleanup() {
    world_stop
    if [ -n "${KEEP:-}" ]; then echo "kept $W"; else rm -rf "$W"; fi
}
export CAREKEY_PASSPHRASE='care passphrase'
# shellcheck source=world.sh
. "$ROOT/tests/client/world.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }

# run WANT WHO ARGS...: carekey ARGS as WHO; checks the exit status; stdout in
# $W/out, stderr in $W/err; OUT holds stdout
OUT=
run() {
    local want=$1 who=$2 rc=0
    shift 2
    world_as "$who" "$@" >"$W/out" 2>"$W/err" || rc=$?
    OUT=$(cat "$W/out")
    if [ "$rc" = "$want" ]; then ok "$who: carekey $* (exit $rc)"
    else bad "$who: carekey $*: exit $rc, want $want: $(head -c 600 "$W/err")"; fi
}
out_has() { if grep -q -- "$1" "$W/out"; then ok "stdout has '$1'"; else bad "stdout lacks '$1': $(head -c 400 "$W/out")"; fi; }
err_has() { if grep -q -- "$1" "$W/err"; then ok "stderr has '$1'"; else bad "stderr lacks '$1': $(head -c 400 "$W/err")"; fi; }
# the id printed after Type/ on the first stdout line that names it
id_of() { grep -o "$1/[A-Za-z0-9.-]*" "$W/out" | head -1 | cut -d/ -f2; }
# how many entries a record holds (as its owner or any reader sees the head)
entries_of() { world_as "$1" record list --patient "$2" 2>/dev/null | grep -c '^ *[0-9]'; }
same() { if [ "$1" = "$2" ]; then ok "$3"; else bad "$3: got '$1', want '$2'"; fi; }

# ---- the world, the directory, the patients ---------------------------------------------
world_setup "sqlite:$W/carekey.db"
world_care
ok "world and directory ready: $URL"

run 0 dr-a directory orgs --kind hospital
out_has hosp-a
out_has hosp-b
if grep -q city-pharmacy "$W/out"; then bad "the hospital filter lists the pharmacy"; else ok "the hospital filter leaves the pharmacy out"; fi
run 0 dr-a directory orgs --kind pharmacy
out_has city-pharmacy
run 0 clerk-a directory staff --org hosp-a --role doctor --json
same "$(jq -r '[.[].gid] | join(",")' "$W/out")" dr-a "hosp-a's doctors in the directory"
run 0 clerk-a directory units --org hosp-a --kind ward
out_has ward-med
out_has ward-surg

FX=("$FIXDIR"/Parker_*.json "$FIXDIR"/Trey_*.json "$FIXDIR"/Versie_*.json)
world_patient p1 fam1
world_patient p2 fam2
world_patient p3
for i in 1 2 3; do
    run 0 "p$i" import "${FX[$((i - 1))]}" --patient "p$i"
done
# p1 tells her record of her penicillin allergy (patient-reported)
cat >"$W/allergy.json" <<'EOF'
{"resourceType": "AllergyIntolerance", "id": "p1-penicillin",
 "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": "active"}]},
 "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "code": "confirmed"}]},
 "type": "allergy", "category": ["medication"], "criticality": "high",
 "code": {"coding": [{"system": "http://snomed.info/sct", "code": "91936005", "display": "Allergy to penicillin"}], "text": "Allergy to penicillin"},
 "patient": {"reference": "Patient/p1"}}
EOF
run 0 p1 record put --patient p1 --section allergies --type AllergyIntolerance "$W/allergy.json"
world_consent p1 hosp-a hosp-b
world_consent p2 hosp-a
world_consent p3 hosp-a
world_pharmacy p1 city-pharmacy
world_pharmacy p2 city-pharmacy
ok "patients imported and consented (hosp-a and city-pharmacy; p1 also hosp-b)"

D=2026-11-24
D2=2026-11-25
# ---- visits and admissions --------------------------------------------------------------
run 0 dr-a encounter emergency --patient p2 --department emergency --reason 'abdominal pain' --at ${D}T07:00
out_has "emergency Encounter/"
run 0 dr-a encounter outpatient --patient p3 --department cardiology --reason 'palpitations' --at ${D}T07:30
out_has "outpatient Encounter/"
run 0 dr-a encounter admit --patient p1 --ward ward-med --bed 1 --reason 'chest pain' --at ${D}T08:00
out_has "admitted Encounter/.* patient p1 ward ward-med bed 1"
ADM_P1=$(id_of Encounter)
run 0 nurse-a encounter admit --patient p2 --ward ward-med --bed 2 --reason 'observation' --at ${D}T08:30
ledger_before=$(entries_of clerk-a hosp-a)
run 1 dr-a encounter admit --patient p3 --ward ward-med --bed 1 --at ${D}T08:45
err_has "bed"
run 1 dr-a encounter admit --patient p1 --ward ward-med --bed 3 --at ${D}T08:50
err_has "already"
run 1 dr-a encounter admit --patient p3 --ward ward-med --bed 9 --at ${D}T08:55
same "$(entries_of clerk-a hosp-a)" "$ledger_before" "refused admissions wrote nothing to the ledger"
run 0 dr-a encounter admit --patient p3 --ward ward-surg --bed 1 --reason 'appendicitis' --at ${D}T09:00
run 0 clerk-a encounter census
out_has "p1"
out_has "ward-surg"

# ---- diagnosis, vital signs, a note -----------------------------------------------------
run 0 dr-a condition add --patient p1 --snomed 22298006 --display 'Myocardial infarction' --encounter "$ADM_P1"
COND=$(id_of Condition)
run 0 dr-a observe --patient p1 hr=88 bp=135/85 temp=37.1 --at ${D}T08:10
run 2 dr-a observe --patient p1 temp=80 --at ${D}T08:10
err_has "plausible"
run 0 dr-a note add --patient p1 --text 'Crushing chest pain since 06:00; ECG shows ST elevation.' --encounter "$ADM_P1"
run 0 dr-a condition list --patient p1
out_has "Myocardial infarction"

# ---- prescriptions and dispensing -------------------------------------------------------
meds_before=$(world_as p1 record get --patient p1 --section medications --json | jq '[.entries[]] | length')
run 1 dr-a rx write --patient p1 --drug amoxicillin --quantity 21 --dose '500 mg three times a day' --at ${D}T10:00
err_has "allerg"
same "$(world_as p1 record get --patient p1 --section medications --json | jq '[.entries[]] | length')" "$meds_before" \
    "the blocked prescription wrote nothing"
run 1 nurse-a rx write --patient p2 --drug ibuprofen --quantity 20 --at ${D}T10:05
err_has "prescribing attribute"
run 0 dr-a rx write --patient p1 --drug aspirin --quantity 30 --dose '75 mg daily' --at ${D}T10:10
RX_P1=$(id_of MedicationRequest)
run 0 dr-a rx write --patient p2 --drug ibuprofen --quantity 20 --dose '400 mg as needed' --at ${D}T10:15
run 0 dr-a rx write --patient p3 --drug acetaminophen --quantity 10 --dose '1 g as needed' --at ${D}T10:20
run 0 pharm rx list --patient p1 --open
out_has "$RX_P1"
run 1 pharm rx dispense --patient p3 --id "$RX_P1" --quantity 30 --at ${D}T11:00
run 0 pharm rx dispense --patient p1 --id "$RX_P1" --quantity 30 --at ${D}T11:00
out_has "fill 1 of 1"
run 1 pharm rx dispense --patient p1 --id "$RX_P1" --quantity 30 --at ${D}T11:05
err_has "1 of 1"

# ---- transfer: discharge from A, B reads A's history, admission at B --------------------
run 0 dr-a encounter discharge --patient p1 --disposition other-hcf --summary 'Transferred to hosp-b for PCI.' --at ${D}T14:00
out_has "discharged Encounter/$ADM_P1"
run 0 dr-b report professional --patient p1 --json
if jq -e '[.. | strings | select(test("Myocardial infarction"))] | length > 0' "$W/out" >/dev/null; then
    ok "hosp-b's doctor reads hosp-a's diagnosis in the professional report"
else bad "the professional report of dr-b lacks hosp-a's diagnosis"; fi
run 0 dr-b encounter list --patient p1 --json
if jq -e --arg id "$ADM_P1" '[.. | objects | select(.id? == $id)] | length > 0' "$W/out" >/dev/null; then
    ok "hosp-b's doctor sees hosp-a's admission"
else bad "dr-b's encounter list lacks hosp-a's admission $ADM_P1"; fi
run 0 dr-b encounter admit --patient p1 --ward ward-b1 --bed 1 --reason 'PCI' --at ${D}T15:00

# ---- appointments for the next day ------------------------------------------------------
run 0 dr-a schedule slots --doctor dr-a --date $D2 --from 09:00 --to 10:00 --every 20m
run 0 clerk-a appointment book --patient p2 --doctor dr-a --at ${D2}T09:00 --reason 'follow-up'
APP_P2=$(id_of Appointment)
run 0 clerk-a appointment book --patient p3 --doctor dr-a --at ${D2}T09:20
APP_P3=$(id_of Appointment)
run 1 clerk-a appointment book --patient p1 --doctor dr-a --at ${D2}T09:00
err_has "is taken"
run 0 clerk-a appointment cancel --id "$APP_P3" --reason 'patient request'
run 0 clerk-a appointment reschedule --id "$APP_P2" --at ${D2}T09:40
run 0 clerk-a appointment book --patient p1 --doctor dr-a --at ${D2}T09:20
run 0 clerk-a appointment checkin --id "$APP_P2"
for who in p2 fam2; do
    run 0 $who appointment list --patient p2 --json
    same "$(jq -r --arg id "$APP_P2" '[.. | objects | select(.id? == $id) | .status // .resource.status] | map(select(. != null)) | first' "$W/out")" \
        checked-in "$who sees p2's appointment checked in"
done
run 0 clerk-a schedule show --doctor dr-a --date $D2 --json
run 1 dr-b schedule show --doctor dr-a --date $D2 --hospital hosp-a

# ---- surgeries --------------------------------------------------------------------------
run 0 dr-a theatre book --patient p3 --theatre th-1 --surgeon dr-a --team nurse-a:scrub-nurse \
    --procedure-snomed 80146002 --display Appendectomy --start ${D}T10:00 --end ${D}T12:00
SURG1=$(id_of Appointment)
theatre_before=$(entries_of clerk-a hosp-a)
run 1 dr-a theatre book --patient p2 --theatre th-1 --surgeon dr-a --procedure-snomed 232717009 \
    --display 'Coronary angioplasty' --start ${D}T11:00 --end ${D}T13:00
err_has "th-1"
run 1 dr-a theatre book --patient p2 --theatre th-2 --surgeon dr-a --procedure-snomed 232717009 \
    --display 'Coronary angioplasty' --start ${D}T11:00 --end ${D}T12:30
err_has "dr-a"
same "$(entries_of clerk-a hosp-a)" "$theatre_before" "refused bookings wrote nothing to the ledger"
run 0 dr-a theatre book --patient p2 --theatre th-2 --surgeon dr-a --procedure-snomed 232717009 \
    --display 'Coronary angioplasty' --start ${D}T12:00 --end ${D}T13:30
SURG2=$(id_of Appointment)
run 0 dr-a theatre outcome --id "$SURG1" --status completed --outcome 'no complications'
run 0 dr-a theatre outcome --id "$SURG2" --status completed --outcome 'stent placed'

# ---- a discharge -----------------------------------------------------------------------
# a nurse may discharge, but a discharge summary goes to section other, which
# nurses are not granted: refused before anything is written
ledger_before=$(entries_of clerk-a hosp-a)
p2_before=$(entries_of p2 p2)
run 1 nurse-a encounter discharge --patient p2 --summary 'Stable, home.' --at ${D}T17:00
err_has "no write grant for encounters,other"
same "$(entries_of clerk-a hosp-a),$(entries_of p2 p2)" "$ledger_before,$p2_before" "the refused discharge wrote nothing"
run 0 nurse-a encounter discharge --patient p2 --at ${D}T17:00
out_has "discharged Encounter/.* patient p2 ward ward-med bed 2 disposition home"

# ---- MIS reports: the day's figures ------------------------------------------------------
run 0 clerk-a mis admissions --hospital hosp-a --period $D --csv
# col NAME ROW: the value of column NAME (header row) in the CSV row whose first cell is ROW
col() { tr -d '\r' <"$W/out" | awk -F, -v c="$1" -v r="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
                                                          $1 == r && k { print $k }'; }
# admissions: ward-med 2 in (p1, p2), 2 out (p1 transfer, p2 home); ward-surg 1 in, 0 out
same "$(col Admissions ward-med),$(col Discharges ward-med)" "2,2" "admissions and discharges of ward-med"
same "$(col Admissions ward-surg),$(col Discharges ward-surg)" "1,0" "admissions and discharges of ward-surg"
same "$(col Admissions total),$(col Discharges total)" "3,2" "admissions and discharges in all"
run 0 clerk-a mis occupancy --hospital hosp-a --period $D --csv
# ward-med: p1 08:00-14:00 (0.25 d) + p2 08:30-17:00 (0.354 d) = 0.60 of 4 bed-days;
# ward-surg: p3 09:00-24:00 = 0.625 of 2 bed-days
same "$(col 'Occupied bed-days' ward-med),$(col 'Occupancy %' ward-med)" "0.60,15.1" "ward-med: 0.60 of 4 bed-days"
same "$(col 'Occupied bed-days' ward-surg),$(col 'Occupancy %' ward-surg)" "0.63,31.3" "ward-surg: 0.625 of 2 bed-days"
run 0 clerk-a mis outpatient --hospital hosp-a --period $D --csv
same "$(col Outpatient cardiology),$(col Emergency cardiology)" "1,0" "cardiology: one outpatient visit"
same "$(col Outpatient emergency),$(col Emergency emergency)" "0,1" "emergency department: one emergency visit"
run 0 clerk-a mis prescriptions --hospital hosp-a --period $D --csv
same "$(col Prescriptions 1191)" 1 "aspirin (RxNorm 1191) prescribed once"
same "$(grep -ci amoxicillin "$W/out")" 0 "the blocked amoxicillin is not counted"
same "$(col Prescriptions total)" 3 "three prescriptions in all"
run 0 clerk-a mis theatre --hospital hosp-a --period $D --csv
same "$(col Sessions th-1),$(col 'Booked hours' th-1)" "1,2.00" "th-1: one surgery, 2 hours"
same "$(col Sessions th-2),$(col 'Booked hours' th-2)" "1,1.50" "th-2: one surgery, 1.5 hours"
same "$(col Sessions total),$(col Fulfilled total)" "2,2" "two surgeries in all, both done"
run 0 dr-b mis admissions --hospital hosp-b --period $D --csv
same "$(col Admissions ward-b1),$(col Discharges ward-b1)" "1,0" "hosp-b: p1 admitted to ward-b1"
run 0 clerk-a mis all --hospital hosp-a --period $D
out_has "ward-med"

# ---- authorization -----------------------------------------------------------------------
run 0 pharm note list --patient p1
if grep -q "ST elevation" "$W/out"; then bad "the pharmacist read the clinical note"; else ok "the pharmacist does not read the clinical note"; fi
run 0 dr-a note list --patient p1
out_has "ST elevation"
run 1 dr-b mis all --hospital hosp-a --period $D
run 1 dr-b encounter admit --patient p3 --ward ward-med --bed 3 --hospital hosp-a --at ${D}T18:00
run 0 hosp-a hospital staff remove --gid nurse-a --reason 'left the hospital'
run 1 nurse-a encounter census --hospital hosp-a
err_has "no standing"
run 0 clerk-a directory staff --org hosp-a --json
if jq -e '[.[].gid] | index("nurse-a")' "$W/out" >/dev/null; then bad "nurse-a is still listed as hosp-a staff"
else ok "the directory no longer lists nurse-a as hosp-a staff"; fi

# ---- visibility: the record and the audit log name the authors --------------------------
run 0 p1 record get --patient p1 --json
authors() { jq -r --arg t "$1" '[.entries[] | select(.type == $t) | .author] | unique | join(",")' "$W/out"; }
same "$(authors Encounter)" "dr-a,dr-b" "p1's encounters written by dr-a and dr-b"
same "$(authors Condition | tr ',' '\n' | grep -c dr-a)" 1 "p1's diagnosis written by dr-a"
same "$(authors MedicationDispense)" pharm "p1's dispense written by the pharmacist"
same "$(authors DocumentReference | tr ',' '\n' | grep -c dr-a)" 1 "p1's note and discharge summary written by dr-a"
run 0 p1 audit --patient p1 --json
actors() { jq -r '[.[]? // .audit[]? // .rows[]? | select(.action == "append" and .status == 201) | .actor] | unique | join(",")' "$W/out"; }
for who in dr-a dr-b pharm p1; do
    if actors | tr ',' '\n' | grep -qx "$who"; then ok "p1's audit log shows appends by $who"
    else bad "p1's audit log lacks appends by $who ($(actors))"; fi
done
run 0 p2 audit --patient p2 --json
if actors | tr ',' '\n' | grep -qx nurse-a; then ok "p2's audit log shows the nurse's writes"; else bad "p2's audit lacks nurse-a"; fi
run 0 p1 record verify --patient p1

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
