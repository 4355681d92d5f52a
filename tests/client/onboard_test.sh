#!/usr/bin/env bash
# tests/client/onboard_test.sh CAREKEY CAREKEYD FIXTURE
#
# Issue 10, "onboarding in one step", against a real carekeyd: the world of
# world.sh (operator, boards, the desk, hospitals), then newcomers who join
# with one command each and the operator's approval from the server's queue
# (no file carried by hand, no key pasted but the operator's own):
#   - a hospital (hosp-c, with units) and a pharmacy (pharm-c) run
#     'carekey hospital onboard'; a doctor and a pharmacist 'carekey init
#     --join ORG'; the operator sees them all in 'admin pending';
#   - a patient runs 'carekey patient onboard' with her treating hospital,
#     the desk, the pharmacy and her daughter; it waits for the approval and
#     finishes by itself; a second run changes nothing;
#   - break-glass works for her at once; the pharmacist dispenses with a
#     grant on medications only (no delegation); the daughter reads;
#   - a rejected request, a request for a taken GID, a foreign keyring.
# Prints "ok"/"FAIL" lines and "N passed, N failed"; exit 1 if any failed.
set -uo pipefail
export LC_ALL=C
CK=${1:?usage: onboard_test.sh CAREKEY CAREKEYD FIXTURE}
CKD=${2:?carekeyd}
FIX=${3:?fixture}
for v in CK CKD FIX; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v jq >/dev/null || { echo "onboard_test: jq is needed (scripts/bootstrap.sh installs it)" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/carekey-onboard.XXXXXX")
BG=()
cleanup() {
    for p in "${BG[@]}" ${DESK_PID:-}; do kill "$p" 2>/dev/null; done
    world_stop
    if [ -n "${KEEP:-}" ]; then echo "kept $W"; else rm -rf "$W"; fi
}
export CAREKEY_PASSPHRASE='onboarding passphrase'
# shellcheck source=world.sh
. "$ROOT/tests/client/world.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
# run WANT WHO ARGS...: carekey ARGS in WHO's home; stdout in $W/out, stderr in $W/err
run() {
    local want=$1 who=$2 rc=0
    shift 2
    world_as "$who" "$@" --server "$URL" >"$W/out" 2>"$W/err" || rc=$?
    if [ "$rc" = "$want" ]; then ok "$who: carekey $* (exit $rc)"
    else bad "$who: carekey $*: exit $rc, want $want: $(head -c 600 "$W/err") $(head -c 300 "$W/out")"; fi
}
out_has() { if grep -q -- "$1" "$W/out"; then ok "stdout has '$1'"; else bad "stdout lacks '$1': $(head -c 500 "$W/out")"; fi; }
err_has() { if grep -q -- "$1" "$W/err"; then ok "stderr has '$1'"; else bad "stderr lacks '$1': $(head -c 400 "$W/err")"; fi; }
same() { if [ "$1" = "$2" ]; then ok "$3"; else bad "$3: got '$1', want '$2'"; fi; }
# commands each newcomer ran, for the closing count
declare -A COUNT
count() { COUNT[$1]=$((${COUNT[$1]:-0} + 1)); }
# bg WHO ARGS...: carekey ARGS in the background, output in $W/bg.WHO
bg() {
    local who=$1; shift
    world_as "$who" "$@" --server "$URL" >"$W/bg.$who" 2>&1 &
    BG+=($!)
    BG_PID=$!
}
# wait_pending GID: until the operator's queue lists GID (10 s at most)
wait_pending() {
    for _ in $(seq 100); do
        world_as operator admin pending --json --server "$URL" 2>/dev/null | jq -e --arg g "$1" 'any(.[]; .gid == $g)' \
            >/dev/null && return 0
        sleep 0.1
    done
    return 1
}

world_setup "sqlite:$W/carekey.db"
world_care
ok "world ready: $URL"
KDF=(--kdf-cost "$WORLD_KDF")

# ---- a hospital and a pharmacy ------------------------------------------------------------
run 0 hosp-c hospital onboard --name hosp-c --kind hospital --display-name "Hospital C" \
    --unit ward-c:ward:2:Ward\ C --unit cardiology:department:0:Cardiology "${KDF[@]}"
count hospital
out_has "waiting for the operator"
run 0 operator admin pending
out_has "hosp-c"
out_has "hospital"
run 0 operator admin approve hosp-c
out_has "approved hosp-c (organization), organization registered, authority hosp-c signed by the operator"
run 0 hosp-c hospital onboard --name hosp-c --kind hospital --display-name "Hospital C" \
    --unit ward-c:ward:2:Ward\ C --unit cardiology:department:0:Cardiology
count hospital
out_has "unit ward-c (ward, beds 2): added"
out_has "hosp-c (hospital) is onboarded"
run 0 dr-a directory units --org hosp-c --kind ward
out_has "ward-c"
run 0 dr-a authority list
run 0 hosp-c authority epoch hosp-c
out_has "staff@hosp-c"
out_has "billing@hosp-c"

# the pharmacy waits for the approval by itself (--wait)
bg pharm-c hospital onboard --name pharm-c --kind pharmacy --display-name "Pharmacy C" --wait 60 "${KDF[@]}"
PH_PID=$BG_PID
count pharmacy
wait_pending pharm-c && ok "pharm-c's request is in the queue" || bad "pharm-c never reached the queue"
run 0 operator admin approve pharm-c
if wait "$PH_PID"; then ok "pharm-c's onboarding finished after the approval"; else bad "pharm-c onboarding failed: $(cat "$W/bg.pharm-c")"; fi
grep -q "pharm-c (pharmacy) is onboarded" "$W/bg.pharm-c" && ok "pharm-c onboarded" || bad "pharm-c: $(cat "$W/bg.pharm-c")"

# ---- staff: enroll with consent to join, taken on by the organization ----------------------
run 0 dr-c init --gid dr-c --role doctor --display-name "Dr C" --join hosp-c "${KDF[@]}"
count doctor
out_has "carekey admin approve dr-c"
run 0 ph-c init --gid ph-c --role pharmacist --display-name "Pharmacist C" --join pharm-c "${KDF[@]}"
count pharmacist
run 0 operator admin pending --json
same "$(jq -r '[.[] | select(.gid == "dr-c" or .gid == "ph-c") | .join_org] | sort | join(",")' "$W/out")" \
    "hosp-c,pharm-c" "the queue shows whom each joins"
run 0 operator admin approve dr-c ph-c
out_has "approved dr-c (doctor), joins hosp-c"
# the boards license them (their own job), the organizations take them on
world_issue dr-c doctor@medical-board
world_issue ph-c pharmacist@pharmacy-board
run 0 hosp-c hospital staff add --gid dr-c --role doctor --unit cardiology
run 0 pharm-c hospital staff add --gid ph-c --role pharmacist
run 0 dr-c keys sync
count doctor
run 0 ph-c keys sync
count pharmacist

# ---- the patient: one command, her daughter enrolls herself ----------------------------------
run 0 dau-9 init --gid dau-9 --role family "${KDF[@]}"
count family
bg p9 patient onboard --gid p9 --orgs hosp-c --er-desk "$WORLD_DESK" --pharmacy pharm-c --family dau-9 \
    --wait 60 "${KDF[@]}"
P9_PID=$BG_PID
count patient
wait_pending p9 && ok "p9's request is in the queue" || bad "p9 never reached the queue"
run 0 operator admin pending --json
same "$(jq -r '.[] | select(.gid == "p9") | .authority.name' "$W/out")" patient-p9 \
    "p9's request registers her own authority"
same "$(jq -r '.[] | select(.gid == "p9") | .display_name' "$W/out")" p9 "a patient is listed by GID only"
run 0 operator admin approve p9 dau-9
if wait "$P9_PID"; then ok "p9's onboarding finished after the approval"; else bad "p9's onboarding failed: $(cat "$W/bg.p9")"; fi
for line in "owner key: owner@patient-p9" "sharing profile: treating hospitals hosp-c, emergency desk $WORLD_DESK" \
    "granted $WORLD_DESK" "granted hosp-c" "granted ph-c" "granted dau-9 read access" "p9 is onboarded"; do
    grep -q -- "$line" "$W/bg.p9" && ok "p9's onboarding: $line" || bad "p9's onboarding lacks '$line': $(cat "$W/bg.p9")"
done
run 0 p9 grant list --patient p9
# columns: chain id, grantee, granted by, status, expires, sections [(delegate)]
grants_of() { awk -v g="$1" '$2 == g && $4 == "active" { $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }' "$W/out"; }
same "$(grants_of ph-c)" "medications" "the pharmacist holds medications only, no delegation"
same "$(grants_of hosp-c)" "* (delegate)" "hosp-c is her delegate"
same "$(grants_of "$WORLD_DESK")" "audit" "the desk may write to audit only"
N_ENTRIES=$(world_as p9 record list --patient p9 2>/dev/null | grep -c '^ *[0-9]')
run 0 p9 patient onboard --gid p9 --orgs hosp-c --er-desk "$WORLD_DESK" --pharmacy pharm-c --family dau-9
out_has "p9 is onboarded"
if grep -q "granted\|issued\|created\|submitted" "$W/out"; then bad "a second run did something: $(cat "$W/out")"
else ok "a second run gives and writes nothing"; fi
same "$(world_as p9 record list --patient p9 2>/dev/null | grep -c '^ *[0-9]')" "$N_ENTRIES" "her chain is unchanged"
run 0 p9 sharing show --patient p9
out_has "hosp-c"

# her record: she imports her history (her own business, not onboarding)
run 0 p9 import "$FIX" --patient p9
run 0 p9 record verify --patient p9

# ---- break-glass, at once -----------------------------------------------------------------------
"$CK" emergency-desk serve --port 0 --port-file "$W/desk.port" --home "$(world_home "$WORLD_DESK")" \
    --server "$URL" 2>"$W/desk.log" &
DESK_PID=$!
world_wait_file "$W/desk.port"
DESK="http://127.0.0.1:$(cat "$W/desk.port")"
# dr-a, a doctor at another hospital who never treated her
run 0 dr-a emergency request --desk "$DESK" --patient p9 --reason "unconscious, brought in by ambulance" --minutes 5
ALLERGY=$(jq -r '[.entry[].resource | select(.resourceType == "AllergyIntolerance") | .code.text // .code.coding[0].display][0] // empty' "$FIX")
if [ -n "$ALLERGY" ]; then out_has "$ALLERGY"; fi
out_has "Emergency summary"
PROBLEM=$(jq -r '[.entry[].resource | select(.resourceType == "Condition" and (.abatementDateTime | not)) | .code.text][0]' "$FIX")
out_has "$PROBLEM"
run 0 p9 emergency events
out_has "dr-a"

# ---- the pharmacist dispenses with medications only ----------------------------------------------
run 0 hosp-c hospital care-team --patient p9
run 0 dr-c rx write --patient p9 --drug aspirin --quantity 30 --dose '75 mg daily' --at 2026-11-24T10:00
RX=$(grep -o 'MedicationRequest/[A-Za-z0-9.-]*' "$W/out" | head -1 | cut -d/ -f2)
run 0 ph-c rx dispense --patient p9 --id "$RX" --quantity 30 --at 2026-11-24T11:00
out_has "dispensed MedicationDispense/"
echo '{"resourceType":"Condition","id":"c-ph","subject":{"reference":"Patient/p9"}}' >"$W/cond.json"
run 1 ph-c record put --patient p9 --section problems --type Condition "$W/cond.json"
err_has "grant"

# ---- the daughter reads what family may ------------------------------------------------------------
run 0 dau-9 keys sync
run 0 dau-9 record get --patient p9 --section medications --json
same "$(jq '[.entries[] | select(.status == "ok")] | length > 0' "$W/out")" true "the daughter reads p9's medications"

# ---- her family from her home: carekey family list / invite / end -----------------------------------
# a friend enrolls herself; p9 checks, invites, lists and ends her access
run 0 fr-9 init --gid fr-9 --role family "${KDF[@]}"
run 0 operator admin approve fr-9
run 0 p9 family list --json
same "$(jq -r '[.[] | .gid + ":" + (.reader | tostring)] | join(",")' "$W/out")" "dau-9:true" \
    "family list: the daughter, who can fetch"
run 0 p9 family invite --gid fr-9 --check
out_has "check only, nothing was done"
out_has "issue your family key to her mailbox"
out_has "grant her read access"
out_has "she reads your .*medications"
run 0 p9 family list
if grep -q "^fr-9 " "$W/out"; then bad "--check invited fr-9: $(cat "$W/out")"; else ok "--check changed nothing"; fi
run 1 fr-9 record get --patient p9 --section medications --json
run 0 p9 family invite --gid fr-9
out_has "issued family@patient-p9 (epoch 0) to fr-9"
out_has "granted fr-9 read access"
out_has "fr-9 is your family"
run 0 p9 family list
out_has "^fr-9  *yes  *never"
out_has "^dau-9  *yes"
run 0 fr-9 keys sync
run 0 fr-9 record get --patient p9 --section medications --json
same "$(jq '[.entries[] | select(.status == "ok")] | length > 0' "$W/out")" true "the invited friend reads p9's medications"
run 1 p9 family invite --gid fr-9
err_has "already your family"
run 1 p9 family invite --gid fr-9 --check
err_has "already your family"
run 1 p9 family invite --gid nobody-9
err_has "not enrolled in carekey"
run 1 p9 family invite --gid hosp-c
err_has "is an organization"
run 2 p9 family invite --gid p9
run 0 p9 family end --gid fr-9
out_has "revoked family@patient-p9 from fr-9: epoch 0 -> 1"
out_has "re-issued family@patient-p9 (epoch 1) to dau-9"
out_has "fr-9's access ended: family key revoked, 1 grant taken back"
run 1 fr-9 record get --patient p9 --section medications --json
err_has "forbidden\|grant"
run 0 p9 family list --json
same "$(jq -r '[.[].gid] | join(",")' "$W/out")" "dau-9" "family list after the end: the daughter only"
run 1 p9 family end --gid fr-9
err_has "holds neither"
# only the patient, from her home
run 1 dau-9 family list
err_has "does not run patient-dau-9"
run 0 dau-9 keys sync
run 0 dau-9 record get --patient p9 --section medications --json
same "$(jq '[.entries[] | select(.status == "ok")] | length > 0' "$W/out")" true "the daughter still reads (the new key re-issued)"

# ---- refusals -----------------------------------------------------------------------------------
run 0 x-1 init --gid x-1 --role doctor --display-name "X" "${KDF[@]}"
run 0 operator admin reject x-1
out_has "rejected x-1"
run 1 x-1 patient onboard --gid x-1 --orgs hosp-c
err_has "rejected"
run 0 x-1 patient onboard --gid x-1 --orgs hosp-c --resubmit
out_has "submitted"
run 1 x-2 init --gid p9 --role patient "${KDF[@]}"
err_has "taken"
run 1 operator admin approve nobody
err_has "no pending enrollment request"
run 2 p9 patient onboard --gid someone-else
err_has "holds the identity of p9"
run 0 operator admin pending
if grep -q "^p9 " "$W/out"; then bad "a second request for the taken GID p9 is pending"; else ok "a request for a taken GID does not queue"; fi

echo "commands per newcomer (not counting the operator's approvals): hospital ${COUNT[hospital]}," \
     "pharmacy ${COUNT[pharmacy]}, doctor ${COUNT[doctor]}, pharmacist ${COUNT[pharmacist]}," \
     "patient ${COUNT[patient]}, family ${COUNT[family]}"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
