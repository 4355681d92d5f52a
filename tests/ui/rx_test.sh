#!/usr/bin/env bash
# tests/ui/rx_test.sh CAREKEY CAREKEYD FIXTURE.json SHOTS_DIR - the
# prescription, dispensing and break-glass pages in a real browser: the
# world of tests/client/world.sh with its hospital directory (world_care),
# patient pt-1 (fixture imported, a penicillin allergy, hosp-a's care team,
# city-pharmacy's pharmacists), the emergency desk running, then `carekey
# web serve` and tests/ui/rx_journey.mjs (UI_RX=1): a prescription blocked
# by the allergy then written with an override, dispensed once and refused
# the second time, break-glass with its reason, then highlighted in the
# patient's audit page; axe-core on every page, screenshots in SHOTS_DIR.
set -u
CK=${1:?usage: rx_test.sh CAREKEY CAREKEYD FIXTURE.json SHOTS_DIR}
CKD=${2:?carekeyd}
FIX=${3:?fixture}
SHOTS=${4:?screenshots folder}
HERE=$(cd "$(dirname "$0")" && pwd)
for v in CK CKD FIX SHOTS; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
W=$(mktemp -d "${TMPDIR:-/tmp}/carekey-uirx.XXXXXX")
WEB_PID= DESK_PID=
cleanup() {
    [ -z "$WEB_PID" ] || { kill "$WEB_PID" 2>/dev/null; wait "$WEB_PID" 2>/dev/null; }
    [ -z "$DESK_PID" ] || { kill "$DESK_PID" 2>/dev/null; wait "$DESK_PID" 2>/dev/null; }
    world_stop 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
export CAREKEY_PASSPHRASE='correct horse battery staple ui rx'
# shellcheck source=../client/world.sh
. "$HERE/../client/world.sh"

T0=$(date +%s)
world_setup
world_care
world_patient pt-1 fam-1
world_run world_as pt-1 import "$FIX" --patient pt-1
cat >"$W/allergy.json" <<'JSON'
{"resourceType": "AllergyIntolerance", "id": "pt-1-penicillin",
 "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": "active"}]},
 "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "code": "confirmed"}]},
 "type": "allergy", "category": ["medication"], "criticality": "high",
 "code": {"coding": [{"system": "http://snomed.info/sct", "code": "91936005", "display": "Allergy to penicillin"}], "text": "Allergy to penicillin"},
 "patient": {"reference": "Patient/pt-1"}}
JSON
world_run world_as pt-1 record put --patient pt-1 --section allergies --type AllergyIntolerance "$W/allergy.json"
world_consent pt-1 hosp-a
world_pharmacy pt-1 city-pharmacy
"$CK" emergency-desk serve --port 0 --port-file "$W/desk.port" --max-minutes 60 --home "$(world_home er-desk)" \
    2>"$W/desk.log" &
DESK_PID=$!
world_wait_file "$W/desk.port"
echo "# world ready: $(( $(date +%s) - T0 )) s"

mkdir -p "$SHOTS"
"$CK" web serve --data "$W/home" --port 0 --port-file "$W/web.port" --idle 600 2>"$W/web.log" &
WEB_PID=$!
world_wait_file "$W/web.port"
export UI_RX=1 UI_URL="http://127.0.0.1:$(cat "$W/web.port")" UI_DESK="http://127.0.0.1:$(cat "$W/desk.port")"
export UI_PASSPHRASE=$CAREKEY_PASSPHRASE UI_SHOTS=$SHOTS
export UI_CHROMIUM=${UI_CHROMIUM:-/usr/lib/chromium/chromium}
rc=0
node "$HERE/rx_journey.mjs" || rc=1
# the logs: no passphrase, no reason or patient data from the desk
if grep -qF -- "$CAREKEY_PASSPHRASE" "$W/web.log"; then echo "FAIL: the passphrase is in the server's log" >&2; rc=1; fi
if grep -q -e "road accident" -e "pt-1" "$W/desk.log"; then echo "FAIL: the desk's log names the patient or the reason" >&2; rc=1; fi
echo "# rx_test: $(( $(date +%s) - T0 )) s, screenshots in $SHOTS"
exit $rc
