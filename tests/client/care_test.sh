#!/usr/bin/env bash
# tests/client/care_test.sh CAREKEY CAREKEYD FIXTURE_DIR DK_PROBE
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
#     nurse without the prescribing attribute is refused, the pharmacist's
#     queue across patients holds the two she has grants for (a record
#     that does not verify is in its errors, the other listed), she
#     dispenses once (it leaves the queue) and is refused the second time;
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
# Revocation in the hospital day: the nurse leaves; the others' censuses,
# MIS and professional reports keep working without re-encryption; she
# reads nothing written after, even from raw entries; after 'reencrypt'
# the old bodies are gone and her kept data keys open no current version.
# Prints "ok"/"FAIL" lines and "N passed, N failed"; exit 1 if any failed.
set -uo pipefail
export LC_ALL=C
CK=${1:?usage: care_test.sh CAREKEY CAREKEYD FIXTURE_DIR DK_PROBE}
CKD=${2:?carekeyd}
FIXDIR=${3:?fixture directory}
PROBE=${4:?dk_probe (tests/client/dk_probe.c)}
for v in CK CKD FIXDIR PROBE; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
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
RX_P2=$(id_of MedicationRequest)
run 0 dr-a rx write --patient p3 --drug acetaminophen --quantity 10 --dose '1 g as needed' --at ${D}T10:20
RX_P3=$(id_of MedicationRequest)
run 0 pharm rx list --patient p1 --open
out_has "$RX_P1"
# the queue across patients: p1's and p2's (city-pharmacy's grants), not p3's (none)
run 0 pharm rx queue --json
same "$(jq -r '[.rows[] | "\(.patient)/\(.id)/\(.fills_left)/\(.quantity)"] | sort | join(" ")' "$W/out")" \
    "$(printf '%s\n' "p1/$RX_P1/1/30" "p2/$RX_P2/1/20" | sort | tr '\n' ' ' | sed 's/ $//')" \
    "pharm's queue: p1's aspirin and p2's ibuprofen, one fill left each"
same "$(jq -c '[.records, .errors, .truncated]' "$W/out")" '[2,[],false]' "the queue read both records, no errors"
run 0 pharm rx queue
out_has "p2  *$RX_P2  *1 of 1"
if grep -q -e "$RX_P3" -e '^p3 ' "$W/out"; then bad "p3's prescription is in pharm's queue without a grant"
else ok "p3's prescription is not in pharm's queue (no grant)"; fi
# a record that does not verify (pharm's pinned head of p2 ahead of the server's:
# a rollback) is reported in errors; the others are listed all the same
PIN="$(world_home pharm)/heads/p2"
cp "$PIN" "$W/pin.p2"
printf '999999 %064d\n' 0 >"$PIN"
run 0 pharm rx queue --json
same "$(jq -r '[.rows[].id] | join(" ")' "$W/out") $(jq -r '[.errors[] | "\(.patient)/\(.kind)"] | join(" ")' "$W/out")" \
    "$RX_P1 p2/integrity" "a record that does not verify is in the queue's errors, the others are listed"
err_has "p2"
cp "$W/pin.p2" "$PIN"
run 0 pharm rx queue --json
same "$(jq -c '[.records, (.rows | length), .errors]' "$W/out")" '[2,2,[]]' "the queue again once p2 verifies"
run 1 pharm rx dispense --patient p3 --id "$RX_P1" --quantity 30 --at ${D}T11:00
run 0 pharm rx dispense --patient p1 --id "$RX_P1" --quantity 30 --at ${D}T11:00
out_has "fill 1 of 1"
run 0 pharm rx queue --json
same "$(jq -r '[.rows[].id] | join(" ")' "$W/out")" "$RX_P2" "after its last fill p1's aspirin leaves the queue"
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
# --hospital: the old name of --org, a hidden alias that still works
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
run 0 clerk-a mis admissions --org hosp-a --period $D --csv
# col NAME ROW: the value of column NAME (header row) in the CSV row whose first cell is ROW
col() { tr -d '\r' <"$W/out" | awk -F, -v c="$1" -v r="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
                                                          $1 == r && k { print $k }'; }
# admissions: ward-med 2 in (p1, p2), 2 out (p1 transfer, p2 home); ward-surg 1 in, 0 out
same "$(col Admissions ward-med),$(col Discharges ward-med)" "2,2" "admissions and discharges of ward-med"
same "$(col Admissions ward-surg),$(col Discharges ward-surg)" "1,0" "admissions and discharges of ward-surg"
same "$(col Admissions total),$(col Discharges total)" "3,2" "admissions and discharges in all"
run 0 clerk-a mis occupancy --org hosp-a --period $D --csv
# ward-med: p1 08:00-14:00 (0.25 d) + p2 08:30-17:00 (0.354 d) = 0.60 of 4 bed-days;
# ward-surg: p3 09:00-24:00 = 0.625 of 2 bed-days
same "$(col 'Occupied bed-days' ward-med),$(col 'Occupancy %' ward-med)" "0.60,15.1" "ward-med: 0.60 of 4 bed-days"
same "$(col 'Occupied bed-days' ward-surg),$(col 'Occupancy %' ward-surg)" "0.63,31.3" "ward-surg: 0.625 of 2 bed-days"
run 0 clerk-a mis outpatient --org hosp-a --period $D --csv
same "$(col Outpatient cardiology),$(col Emergency cardiology)" "1,0" "cardiology: one outpatient visit"
same "$(col Outpatient emergency),$(col Emergency emergency)" "0,1" "emergency department: one emergency visit"
run 0 clerk-a mis prescriptions --org hosp-a --period $D --csv
same "$(col Prescriptions 1191)" 1 "aspirin (RxNorm 1191) prescribed once"
same "$(grep -ci amoxicillin "$W/out")" 0 "the blocked amoxicillin is not counted"
same "$(col Prescriptions total)" 3 "three prescriptions in all"
run 0 clerk-a mis theatre --org hosp-a --period $D --csv
same "$(col Sessions th-1),$(col 'Booked hours' th-1)" "1,2.00" "th-1: one surgery, 2 hours"
same "$(col Sessions th-2),$(col 'Booked hours' th-2)" "1,1.50" "th-2: one surgery, 1.5 hours"
same "$(col Sessions total),$(col Fulfilled total)" "2,2" "two surgeries in all, both done"
run 0 dr-b mis admissions --org hosp-b --period $D --csv
same "$(col Admissions ward-b1),$(col Discharges ward-b1)" "1,0" "hosp-b: p1 admitted to ward-b1"
run 0 clerk-a mis all --org hosp-a --period $D
out_has "ward-med"
# the ledger opened by one worker and by one per core, no cache: the same report
cp "$W/out" "$W/mis.cached"
CAREKEY_NO_CACHE=1 CAREKEY_THREADS=1 run 0 clerk-a mis all --org hosp-a --period $D
cp "$W/out" "$W/mis.serial"
CAREKEY_NO_CACHE=1 CAREKEY_THREADS=4 run 0 clerk-a mis all --org hosp-a --period $D
if cmp -s "$W/out" "$W/mis.serial" && cmp -s "$W/out" "$W/mis.cached"; then ok "mis all: 1 worker, 4 workers and the cache agree"
else bad "mis all differs between 1 worker, 4 workers and the cache"; fi

# ---- the organization reads its own ledger ------------------------------------------------
# hosp-a's own home holds no staff@hosp-a key: it runs the authority, and its
# node makes staff@hosp-a for the read, in memory (src/node/care/ledger_key.c).
# Its boards show what the clerk's show; the key never lands in its keyring.
run 0 hosp-a mis all --org hosp-a --period $D
if cmp -s "$W/out" "$W/mis.serial"; then ok "hosp-a's own MIS equals the clerk's"
else bad "hosp-a's MIS differs from the clerk's: $(diff "$W/out" "$W/mis.serial" | head -5)"; fi
CAREKEY_NO_CACHE=1 run 0 hosp-a mis all --org hosp-a --period $D
cmp -s "$W/out" "$W/mis.serial" && ok "hosp-a's MIS without the cache: the same" || bad "hosp-a's MIS without the cache differs"
run 0 clerk-a encounter census --org hosp-a
cp "$W/out" "$W/census.clerk"
run 0 hosp-a encounter census --org hosp-a
if cmp -s "$W/out" "$W/census.clerk"; then ok "hosp-a's census equals the clerk's"
else bad "hosp-a's census differs: $(diff "$W/out" "$W/census.clerk" | head -5)"; fi
run 0 hosp-a keys list
if grep -q "staff@hosp-a" "$W/out"; then bad "hosp-a's keyring holds staff@hosp-a: $(cat "$W/out")"
else ok "hosp-a's keyring holds no staff@hosp-a (made for each read only)"; fi
# hosp-b's home runs authority hosp-b, not hosp-a: hosp-a's ledger stays closed to it
run 1 hosp-b mis admissions --org hosp-a --period $D --csv
err_has "no standing"

# ---- authorization -----------------------------------------------------------------------
run 0 pharm note list --patient p1
if grep -q "ST elevation" "$W/out"; then bad "the pharmacist read the clinical note"; else ok "the pharmacist does not read the clinical note"; fi
run 0 dr-a note list --patient p1
out_has "ST elevation"
run 1 dr-b mis all --org hosp-a --period $D
run 1 dr-b encounter admit --patient p3 --ward ward-med --bed 3 --org hosp-a --at ${D}T18:00

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

# ---- revocation in the hospital day -----------------------------------------------------
# docs/THREAT-MODEL.md, "Revocation: what it guarantees". nurse-a leaves
# hosp-a ('hospital staff remove': affiliation ended, staff@hosp-a moved to
# a new epoch, her grants revoked). The others keep every epoch they hold:
# censuses, MIS reports and professional reports work without any
# re-encryption. The nurse reads nothing written after she left, even from
# raw entries a hostile server hands her (tests/client/dk_probe). After the
# patient's 'reencrypt' the server serves no superseded body and the nurse
# opens no current version even with the data keys she kept; the other
# clinicians still read everything.
probe() { "$PROBE" "$URL" "$(world_home "$1")" "${@:2}"; }   # probe FETCHER PATIENT MODE [ARG]
# clinical: the sections a clinician reads (docs/RECORD-MODEL.md)
CLINICAL='["demographics","allergies","problems","medications","encounters","procedures","results","immunizations","careplans","appointments","other","directory"]'
# report_ok WHO P: WHO's professional report of P has every clinical block shared, none pending
report_ok() {
    run 0 "$1" report professional --patient "$2" --json
    local msg
    msg=$(jq -r '[.blocks[] | select(.status != "shared") | "\(.name): \(.status)"] | join("; ")' "$W/out")
    if [ -z "$msg" ]; then ok "$1 reads every block of $2's professional report"
    else bad "$1's professional report of $2: $msg"; fi
}
rows_of() { jq "[.blocks[] | select(.name == \"$1\") | .rows | length] | add" "$W/out"; }

# while she works here, the nurse opens p1's clinical entries and keeps their data keys
probe nurse-a p1 keys "$(world_home nurse-a)" >"$W/nurse.keys" 2>"$W/err"
kept=$(awk '$4 != "-"' "$W/nurse.keys" | wc -l)
if [ "$kept" -ge 10 ]; then ok "nurse-a holds the data keys of $kept of p1's entries"
else bad "nurse-a unwrapped only $kept data keys: $(head -c 300 "$W/err")"; fi
probe p1 p1 try "$W/nurse.keys" >"$W/try" 2>"$W/err"
same "$(grep -c ' opened$' "$W/try")" "$kept" "her data keys open exactly those entries' payloads"
run 0 dr-a report professional --patient p1 --json
results_before=$(rows_of results)
run 0 clerk-a mis admissions --org hosp-a --period $D --csv
adm_before=$(col Admissions ward-med)

run 0 hosp-a hospital staff remove --gid nurse-a --reason 'left the hospital'
out_has "nurse-a left hosp-a: 1 attribute(s)"
REVOKED_AT=$(entries_of p1 p1)
run 1 nurse-a encounter census --org hosp-a
err_has "no standing"
run 1 nurse-a record get --patient p1
run 0 clerk-a directory staff --org hosp-a --json
if jq -e '[.[].gid] | index("nurse-a")' "$W/out" >/dev/null; then bad "nurse-a is still listed as hosp-a staff"
else ok "the directory no longer lists nurse-a as hosp-a staff"; fi

# the others, before they even pick up the new epoch: all that was sealed before reads
run 0 dr-a encounter census
out_has "p3"
run 0 clerk-a mis admissions --org hosp-a --period $D --csv
same "$(col Admissions ward-med)" "$adm_before" "the MIS admissions right after the revocation"
for p in p1 p2 p3; do report_ok dr-a "$p"; done
report_ok dr-b p1
# they pick up staff@hosp-a at its new epoch and keep the old one
for g in dr-a clerk-a; do run 0 "$g" keys sync; done
run 0 dr-a keys list
same "$(grep -c 'staff@hosp-a  epoch' "$W/out")" 2 "dr-a holds staff@hosp-a at the old and the new epoch"

# new writes are sealed at the new epoch; the others read them, old and new alike
run 0 dr-a observe --patient p1 hr=77 --at ${D}T19:00
run 0 dr-a encounter admit --patient p2 --ward ward-med --bed 2 --reason 'readmitted' --at ${D}T19:30
run 0 dr-a encounter census
out_has "p2"
for g in dr-a clerk-a; do
    run 0 "$g" mis admissions --org hosp-a --period $D --csv
    same "$(col Admissions ward-med)" $((adm_before + 1)) "$g: the MIS admissions count the readmission"
done
# the organization follows the epoch: the readmission, sealed for staff@hosp-a
# at its new epoch, and what was sealed at the old one
run 0 hosp-a mis admissions --org hosp-a --period $D --csv
same "$(col Admissions ward-med)" $((adm_before + 1)) "hosp-a's own MIS counts the readmission (new epoch)"
CAREKEY_NO_CACHE=1 run 0 hosp-a mis admissions --org hosp-a --period $D --csv
same "$(col Admissions ward-med)" $((adm_before + 1)) "hosp-a's own MIS without the cache: every epoch opens"
run 0 hosp-a authority epoch hosp-a
same "$(awk '$1 == "staff@hosp-a" { print $2 }' "$W/out")" 1 "staff@hosp-a is at epoch 1"
run 0 hosp-a encounter census --org hosp-a
out_has "p2"
for r in occupancy outpatient prescriptions theatre; do run 0 dr-a mis "$r" --org hosp-a --period $D --csv; done
same "$(col Sessions total),$(col Fulfilled total)" "2,2" "dr-a's theatre report: the day's two surgeries"
for p in p1 p2 p3; do report_ok dr-a "$p"; done
report_ok dr-b p1
same "$(rows_of results)" $((results_before + 1)) "dr-b's report holds the observation written after the revocation"
run 0 dr-a record get --patient p1 --json
same "$(jq --argjson c "$CLINICAL" '[.entries[] | select((.section as $s | $c | index($s)) and .status != "ok")] | length' "$W/out")" 0 \
    "dr-a opens every clinical entry of p1, without re-encryption"

# the nurse, handed the raw chain by a hostile server (p1's own fetch plays it)
probe p1 p1 list >"$W/list"
NEWOBS=$(awk '$2 == "dr-a" && $3 == "results" && $4 == "data" { s = $1 } END { print s }' "$W/list")
probe p1 p1 keys "$(world_home nurse-a)" >"$W/nurse.after" 2>"$W/err"
same "$(awk -v s="$NEWOBS" '$1 == s { print $4 }' "$W/nurse.after")" - "the nurse cannot unwrap the new observation (entry $NEWOBS)"
same "$(awk -v r="$REVOKED_AT" '$1 > r && $4 != "-"' "$W/nurse.after" | wc -l)" 0 "nor anything written after her revocation"
if [ "$(awk -v r="$REVOKED_AT" '$1 <= r && $4 != "-"' "$W/nurse.after" | wc -l)" -ge 1 ]; then
    ok "she still unwraps what was sealed before (a paper copy: closed by reencrypt)"
else bad "the nurse lost what she could read before without re-encryption"; fi

# the patient re-encrypts: fresh data keys, current epochs, superseded bodies dropped
run 0 p1 reencrypt --patient p1
reencrypted() { sed -n 's/^re-encrypted \([0-9]*\) entries.*/\1/p' "$W/out"; }
if [ "$(reencrypted)" -ge "$kept" ]; then ok "p1 re-encrypted $(reencrypted) entries"; else bad "p1 re-encrypted '$(reencrypted)' entries"; fi
if grep -q "cannot open" "$W/out"; then bad "p1 could not open some stale entries: $(cat "$W/out")"; else ok "p1 opened every stale entry"; fi
out_has "tombstone"
# (a) the server serves no superseded body
probe p1 p1 list >"$W/list"
same "$(awk '$4 == "data" && $6 != 0 { print $6 }' "$W/list" | sort -u | while read -r s; do
    awk -v s="$s" '$1 == s && $5 != "dropped"' "$W/list"; done | wc -l)" 0 "every superseded version's body is gone"
dropped=$(awk '$5 == "dropped"' "$W/list" | wc -l)
if [ "$dropped" -ge "$kept" ]; then ok "$dropped bodies dropped"; else bad "only $dropped bodies dropped"; fi
same "$(awk '$4 != "-" { print $1 }' "$W/nurse.keys" | while read -r s; do awk -v s="$s" '$1 == s && $5 == "body"' "$W/list"; done | wc -l)" 0 \
    "no entry the nurse held a data key for is served any more"
# (b) the nurse opens no current version, with her attribute keys or the data keys she kept
probe p1 p1 keys "$(world_home nurse-a)" >"$W/nurse.after"
same "$(awk '$4 != "-"' "$W/nurse.after" | wc -l)" 0 "her keys unwrap no current version"
probe p1 p1 try "$W/nurse.keys" >"$W/try" 2>"$W/err"
if [ -s "$W/try" ]; then same "$(grep -c ' opened$' "$W/try")" 0 "her old data keys open none of the $(wc -l <"$W/try") current versions"
else bad "the probe tried nothing: $(head -c 300 "$W/err")"; fi
# (c) everyone else still reads everything
for who in dr-a dr-b; do
    run 0 $who record get --patient p1 --json
    same "$(jq --argjson c "$CLINICAL" '[.entries[] | select((.section as $s | $c | index($s)) and .status != "ok")] | length' "$W/out")" 0 \
        "$who opens every clinical entry of p1 after the re-encryption"
    report_ok $who p1
done
run 0 dr-a record verify --patient p1
# hosp-a closes its ledger to her too (an organization for its ledger)
run 0 hosp-a reencrypt --patient hosp-a
if [ "$(reencrypted)" -ge 10 ]; then ok "hosp-a re-encrypted $(reencrypted) ledger entries"; else bad "hosp-a re-encrypted '$(reencrypted)' ledger entries: $(cat "$W/out")"; fi
if grep -q "cannot open" "$W/out"; then bad "hosp-a could not open its ledger: $(cat "$W/out")"; else ok "hosp-a opened every stale ledger entry"; fi
out_has "tombstone"
probe hosp-a hosp-a keys "$(world_home nurse-a)" >"$W/nurse.ledger"
same "$(awk '$4 != "-"' "$W/nurse.ledger" | wc -l)" 0 "the nurse unwraps nothing current of hosp-a's ledger"
run 0 dr-a encounter census
out_has "p2"
run 0 clerk-a mis admissions --org hosp-a --period $D --csv
same "$(col Admissions ward-med)" $((adm_before + 1)) "the MIS reads the re-encrypted ledger"
run 0 p1 record verify --patient p1

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
