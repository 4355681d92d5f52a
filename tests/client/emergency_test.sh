#!/usr/bin/env bash
# tests/client/emergency_test.sh - break-glass end to end against a real
# carekeyd (loopback, free port, temporary SQLite) and a real emergency desk
# (`carekey emergency-desk serve`):
#   - an ER physician's request with a reason succeeds and shows the
#     patient's allergies and medications, and the blood type, which only
#     the emergency view (sealed by import under the emergency policy) holds;
#   - the patient sees the event (reason, physician) in her record and the
#     server's BTG audit rows;
#   - refused: a non-physician, a forged signature, a replayed request, a
#     stale request, an unknown desk, and a grant used after its window.
# Usage: emergency_test.sh CAREKEY CAREKEYD FIXTURE
set -euo pipefail
CK=${1:?carekey binary}
CKD=${2:?carekeyd binary}
FIXTURE=${3:?FHIR bundle}
T=$(mktemp -d)
SRV_PID= DESK_PID=
cleanup() {
    if [ -n "${KEEP:-}" ]; then echo "kept $T (carekeyd pid $SRV_PID)"; return; fi
    [ -n "$DESK_PID" ] && kill "$DESK_PID" 2>/dev/null && wait "$DESK_PID" 2>/dev/null
    [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
export CAREKEY_PASSPHRASE=test-passphrase
unset CAREKEY_HOME CAREKEY_SERVER

fails=0
ok()   { echo "ok   - $*"; }
bad()  { echo "FAIL - $*"; fails=$((fails + 1)); }
# expect CODE DESCRIPTION CMD...: runs CMD, output in $T/out
expect() {
    local want=$1 what=$2; shift 2
    local rc=0
    "$@" >"$T/out" 2>&1 || rc=$?
    if [ "$rc" = "$want" ]; then ok "$what"; else bad "$what (exit $rc, wanted $want)"; sed 's/^/     /' "$T/out"; fi
}
has() { if grep -q -- "$2" "$T/out"; then ok "$1"; else bad "$1: no '$2' in:"; sed 's/^/     /' "$T/out"; fi; }
hasnt() { if grep -q -- "$2" "$T/out"; then bad "$1: '$2' in output"; else ok "$1"; fi; }
run() { "$@" >"$T/log" 2>&1 || { echo "setup step failed: $*"; cat "$T/log"; exit 1; }; }
wait_file() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "timeout waiting for $1"; exit 1; }

# ---- carekeyd ------------------------------------------------------------------
ADMIN_KEY=$("$CK" admin init --home "$T/op" --kdf-cost 10)
export CAREKEY_OPERATOR_KEY=$ADMIN_KEY
"$CKD" --listen 127.0.0.1 --port 0 --port-file "$T/ckd.port" --db "sqlite:$T/ck.db" --admin-key "$ADMIN_KEY" \
    --log-level warn 2>"$T/ckd.log" &
SRV_PID=$!
wait_file "$T/ckd.port"
URL="http://127.0.0.1:$(cat "$T/ckd.port")"

# ---- people and authorities ------------------------------------------------------
person() {   # GID ROLE
    run "$CK" init --gid "$1" --role "$2" --home "$T/$1" --server "$URL" --kdf-cost 10 --enroll-out "$T/$1.enroll"
    run "$CK" admin enroll "$T/$1.enroll" --home "$T/op" --server "$URL"
}
authority() {   # HOME NAME ATTR... (the attributes profiles name, declared)
    local home=$1 name=$2 a args=(); shift 2
    run "$CK" authority create "$name" --home "$T/$home"
    run "$CK" authority publish "$name" --out "$T/$name.auth.json" --home "$T/$home"
    run "$CK" admin add-authority "$T/$name.auth.json" --home "$T/op" --server "$URL"
    for a in "$@"; do args+=(--attr "$a@$name"); done
    [ ${#args[@]} = 0 ] || run "$CK" authority declare "$name" "${args[@]}" --home "$T/$home"
}
person alice patient
person drer emergency
person drold emergency
person drfree emergency
person bob family
person er-desk staff
person boards staff
person er-hosp organization
authority boards medical-board doctor
authority boards nursing-board nurse
authority boards pharmacy-board pharmacist
authority boards research-board researcher
authority boards hosp-a staff billing
authority er-desk er-desk emergency
authority alice patient-alice family
run "$CK" authority issue er-desk --gid er-desk --attr emergency@er-desk --home "$T/er-desk"
run "$CK" keys sync --home "$T/er-desk"
run "$CK" authority issue patient-alice --gid alice --attr owner@patient-alice --home "$T/alice"
run "$CK" keys sync --home "$T/alice"
# the ER physicians work at a hospital (with their consent); drfree works nowhere
run "$CK" admin add-org --name er-hosp --kind hospital --display-name "ER hospital" --home "$T/op" --server "$URL"
for d in drer drold; do
    run "$CK" directory consent er-hosp --home "$T/$d"
    run "$CK" admin affiliate --gid "$d" --org er-hosp --home "$T/op" --server "$URL"
done

# ---- the patient's record ------------------------------------------------------------
run "$CK" sharing set --patient alice --orgs hosp-a --er-desk er-desk --home "$T/alice"
run "$CK" import "$FIXTURE" --patient alice --home "$T/alice"
# a lab result with the blood type (LOINC 882-1): section "results" is not
# the desk's; import also seals the emergency view, which carries it
cat >"$T/bloodtype.json" <<'EOF'
{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:3f1c2a4e-9b7d-4c1e-8a2f-5d6e7f809a1b","resource":{"resourceType":"Observation","id":"3f1c2a4e-9b7d-4c1e-8a2f-5d6e7f809a1b","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"882-1","display":"ABO and Rh group [Type] in Blood"}],"text":"ABO and Rh group"},"effectiveDateTime":"2019-06-02T10:00:00Z","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"278149003","display":"Blood group A Rh(D) positive"}],"text":"A Rh(D) positive"}}}]}
EOF
expect 0 "import of a bundle with the blood type" "$CK" import "$T/bloodtype.json" --patient alice --home "$T/alice"
has "import seals the emergency view" "sealed the emergency view"
cat >"$T/allergy.json" <<'EOF'
{"resourceType":"AllergyIntolerance","id":"btg-test-allergy-1","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}]},"type":"allergy","category":["medication"],"criticality":"high","code":{"text":"Penicillin G"},"recordedDate":"2020-03-01"}
EOF
cat >"$T/med.json" <<'EOF'
{"resourceType":"MedicationRequest","id":"btg-test-med-1","status":"active","intent":"order","medicationCodeableConcept":{"text":"Warfarin 5 MG Oral Tablet"},"authoredOn":"2023-01-10"}
EOF
run "$CK" record put --patient alice --section allergies --type AllergyIntolerance --home "$T/alice" "$T/allergy.json"
run "$CK" record put --patient alice --section medications --type MedicationRequest --home "$T/alice" "$T/med.json"
# the desk writes the break-glass AuditEvent into her record: a write grant on "audit"
run "$CK" grant --patient alice --gid er-desk --sections audit --home "$T/alice"

# ---- the emergency desk ----------------------------------------------------------------
"$CK" emergency-desk serve --port 0 --port-file "$T/desk.port" --max-minutes 120 --home "$T/er-desk" \
    2>"$T/desk.log" &
DESK_PID=$!
wait_file "$T/desk.port"
DESK="http://127.0.0.1:$(cat "$T/desk.port")"

expect 0 "--help works" "$CK" emergency request --help
expect 0 "desk --help works" "$CK" emergency-desk serve --help

# 1. a physician breaks the glass with a reason
expect 0 "ER physician's break-glass request succeeds" \
    "$CK" emergency request --desk "$DESK" --patient alice --reason "unconscious after a road accident" \
    --minutes 30 --home "$T/drer"
has "summary shows the allergy" "Penicillin G"
has "summary shows the active medication" "Warfarin 5 MG"
has "summary shows the problems block" "Anemia"
has "summary shows the blood type (emergency view)" "A Rh(D) positive"
hasnt "summary has no demographics (name)" "Weber"
expect 0 "the kept grant shows the summary again" "$CK" emergency show --patient alice --home "$T/drer"
has "show: allergy again" "Penicillin G"

# 2. the patient sees it
expect 0 "patient lists break-glass events" "$CK" emergency events --home "$T/alice"
has "event names the physician" "physician drer"
has "event carries the reason" "unconscious after a road accident"
has "event names the desk" "via er-desk"
has "server audit shows the desk's BTG read" "er-desk .*read_entries.*BTG"
has "server audit shows the physician's BTG read" "drer .*read_entries.*BTG"
expect 0 "record still verifies for the patient" "$CK" record verify --patient alice --home "$T/alice"
"$CK" report professional --patient alice --home "$T/drer" >"$T/out" 2>&1 || true
hasnt "without the desk the physician reads nothing" "Penicillin"

# 3. refusals
expect 1 "a non-physician (family) is refused" \
    "$CK" emergency request --desk "$DESK" --patient alice --reason "curious" --home "$T/bob"
has "refusal says not_authorized" "not_authorized"
expect 1 "a physician affiliated nowhere is refused" \
    "$CK" emergency request --desk "$DESK" --patient alice --reason "freelancing" --home "$T/drfree"
has "refusal says not_affiliated" "not_affiliated"
run "$CK" admin deactivate --gid drold --home "$T/op" --server "$URL"
expect 1 "a deactivated physician is refused" \
    "$CK" emergency request --desk "$DESK" --patient alice --reason "after my contract ended" --home "$T/drold"
has "refusal says deactivated" "deactivated"
expect 0 "the patient lists the refused attempts too" "$CK" emergency events --home "$T/alice"
has "the refusal of the deactivated physician is in her record" "drold"
has "the refusal says why" "refused"

run "$CK" emergency request --request-out "$T/req.json" --patient alice --reason "cardiac arrest" --home "$T/drer"
# edits of a signed request (sed only: no jq or curl needed)
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$2"; }
send() { "$CK" emergency request --desk "$DESK" --request-in "$1" --home "$T/drer"; }
sed 's/"reason":"cardiac arrest"/"reason":"cardiac arrest (edited)"/' "$T/req.json" >"$T/forged.json"
cmp -s "$T/req.json" "$T/forged.json" && bad "the forged request was not edited"
expect 1 "a forged (edited) request is refused" send "$T/forged.json"
has "refusal says bad_signature" "bad_signature"
expect 0 "the original signed request is accepted once" send "$T/req.json"
expect 1 "a replayed request is refused" send "$T/req.json"
has "refusal says replayed_request" "replayed_request"
t=$(field time "$T/req.json")
sed "s/\"time\":$t/\"time\":$((t - 3600000))/" "$T/req.json" >"$T/stale.json"
expect 1 "a stale request is refused" send "$T/stale.json"
has "refusal says stale_request" "stale_request"
sed 's/"authority":"er-desk"/"authority":"other-desk"/' "$T/req.json" >"$T/other.json"
expect 1 "a request for another desk is refused" send "$T/other.json"
has "refusal says wrong_desk" "wrong_desk"
expect 1 "a window beyond --max-minutes is refused" \
    "$CK" emergency request --desk "$DESK" --patient alice --reason "x" --minutes 121 --home "$T/drer"
has "refusal says bad_window" "bad_window"

# the desk restarts, now over HTTPS (--tls-cert/--tls-key, as carekeyd): a
# certificate for 127.0.0.1 made here, its own CA; the nonce is still remembered
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$T/desk.key" -out "$T/desk.crt" >/dev/null 2>&1 ||
    { echo "openssl cannot make a test certificate"; exit 1; }
kill "$DESK_PID"; wait "$DESK_PID" 2>/dev/null || true
rm -f "$T/desk.port"
expect 2 "--tls-cert without --tls-key is refused" \
    "$CK" emergency-desk serve --port 0 --tls-cert "$T/desk.crt" --home "$T/er-desk"
"$CK" emergency-desk serve --port 0 --port-file "$T/desk.port" --home "$T/er-desk" \
    --tls-cert "$T/desk.crt" --tls-key "$T/desk.key" 2>>"$T/desk.log" &
DESK_PID=$!
wait_file "$T/desk.port"
DESK="https://127.0.0.1:$(cat "$T/desk.port")"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/desk.crt" "$DESK/" || true)
if [ -n "$code" ] && [ "$code" != 000 ]; then ok "the desk answers over https (HTTP $code)"; else bad "no https answer from $DESK"; fi
if curl -s -o /dev/null "http${DESK#https}/" --max-time 5; then bad "the TLS desk answered plain http"; else ok "no plain http on the TLS port"; fi
grep -q "listening on https://" "$T/desk.log" && ok "the desk says https" || bad "desk log: $(tail -2 "$T/desk.log")"
unset CAREKEY_CA_FILE
expect 3 "an untrusted desk certificate is refused" send "$T/req.json"
has "the TLS trust error names CAREKEY_CA_FILE" "set CAREKEY_CA_FILE to the PEM file of the CA"
export CAREKEY_CA_FILE=$T/desk.crt
expect 1 "a replay after a desk restart is refused" send "$T/req.json"
has "refusal says replayed_request" "replayed_request"

# 4. an expired grant
expect 0 "a short (3 s) grant works at first" \
    "$CK" emergency request --desk "$DESK" --patient alice --reason "drill" --seconds 3 --home "$T/drer"
sleep 3.5
expect 1 "the grant is refused after its window" "$CK" emergency show --patient alice --home "$T/drer"
has "refusal says expired" "expired"
# moving the expiry in the kept grant breaks the sealed box's binding
e=$(field expires "$T/drer/break-glass/alice.json")
sed "s/\"expires\":$e/\"expires\":$((e + 3600000))/" "$T/drer/break-glass/alice.json" >"$T/extended.json"
expect 1 "an extended window does not open" "$CK" emergency show --grant "$T/extended.json" --home "$T/drer"
has "refusal says the box does not open" "does not open"

# 5. no patient data in the desk's log
if grep -q -e "road accident" -e "Penicillin" -e "alice" "$T/desk.log"; then bad "desk log leaks patient data"; else ok "desk log holds no patient data"; fi

echo "emergency_test: $fails failure(s)"
[ "$fails" = 0 ]
