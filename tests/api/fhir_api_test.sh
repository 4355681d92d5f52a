#!/usr/bin/env bash
# tests/api/fhir_api_test.sh CAREKEY CAREKEYD FIXTURE_DIR
#
# The node's FHIR API (src/api, docs/NODE.md "FHIR API") end to end. The
# world of tests/client/world.sh (carekeyd on SQLite, the authorities, the
# professionals); per fixture a patient pt-N with her family member fam-N
# imports the bundle, lets dr-a and the pharmacist fetch her record, and
# dr-a write to its results section (a write grant).
# Then `carekey fhir serve` runs as the doctor (dr-a), the family member and
# the pharmacist, and tests/js/fhir_api.mjs (fhir-kit-client) checks each
# against what `carekey record get --json` opens for the same person (the
# access matrix of tests/client/e2e_test.sh: doctor the clinical sections,
# family demographics, allergies, medications, appointments, directory,
# pharmacist allergies, medications, directory), the refusals, and that
# every resource returned validates against FHIR R4. The doctor also
# creates and updates an Observation; the patient's verified record shows
# it ('record verify' intact, 'record get' the amended version). A write by
# the patient's CLI is served at once by the doctor's node (its decrypted
# copy follows the head), and the patient's own node serves her audit log
# (AuditEvent) and grants (Consent) as valid FHIR.
# Prints "ok"/"FAIL" lines and "N passed, N failed"; exit 1 if any failed.
set -uo pipefail
export LC_ALL=C
CK=${1:?usage: fhir_api_test.sh CAREKEY CAREKEYD FIXTURE_DIR}
CKD=${2:?carekeyd}
FIXDIR=${3:?fixture directory}
for v in CK CKD FIXDIR; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v jq >/dev/null || { echo "fhir_api_test: jq is needed" >&2; exit 1; }
command -v node >/dev/null || { echo "fhir_api_test: node is needed" >&2; exit 1; }
FIXTURES=("$FIXDIR"/*.json)
[ -e "${FIXTURES[0]}" ] || { echo "fhir_api_test: no fixtures in $FIXDIR" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/carekey-api.XXXXXX")
SERVERS=()
cleanup() {
    local p
    for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    world_stop
    if [ -n "${KEEP:-}" ]; then echo "kept $W"; else rm -rf "$W"; fi
}
export CAREKEY_PASSPHRASE='api passphrase'
# shellcheck source=../client/world.sh
. "$ROOT/tests/client/world.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
now_ms() { date +%s%3N; }
T_START=$(now_ms)
FHIR_SECTIONS="demographics allergies problems medications encounters procedures results immunizations careplans appointments billing directory audit other"

# serve WHO [--patient P]...: `carekey fhir serve` as WHO; sets PORT and TOKEN
serve() {
    local who=$1 home; shift
    home=$(world_home "$who")
    rm -f "$W/$who.port"
    "$CK" fhir serve --home "$home" --port-file "$W/$who.port" "$@" 2>"$W/$who.serve.log" &
    SERVERS+=($!)
    world_wait_file "$W/$who.port"
    PORT=$(cat "$W/$who.port") TOKEN=$(cat "$home/api-token")
}

# config WHO P TAG [writer]: fhir_api.mjs's config for WHO's server on P's
# record into $W/cfg.WHO.P.json, with what 'record get --json' opens for WHO
config() {
    local who=$1 p=$2 tag=$3 writer=${4:-false} home
    home=$(world_home "$who")
    if ! world_as "$who" record get --patient "$p" --json >"$W/$who.$p.get.json" 2>"$W/$who.$p.err"; then
        echo "record get as $who: $(head -c 300 "$W/$who.$p.err")" >"$W/cfg.$who.$p.fail"
        return
    fi
    jq --arg secs "$FHIR_SECTIONS" '($secs | split(" ")) as $S
        | [.entries[] | select(.status == "ok" and (.section as $s | $S | index($s)))
           | .payload | (if type == "array" then .[] else . end)
           | (if type == "object" and (.resource | type) == "object"
              then .resource + (if .resource.id == null and (.id | type) == "string" then {id: .id} else {} end)
              else . end)
           | select(type == "object" and (.resourceType | type) == "string")]
        | reduce .[] as $r ({}; .["\($r.resourceType)/\($r.id)"] = $r)
        | [to_entries[] | {type: .value.resourceType, id: .value.id, resource: .value}]' \
        "$W/$who.$p.get.json" >"$W/expect.$who.$p.json"
    jq -n --arg tag "$tag" --arg base "http://127.0.0.1:${PORTS[$who]}/fhir" --argjson port "${PORTS[$who]}" \
        --arg token "$(cat "$home/api-token")" --arg p "$p" --argjson writer "$writer" --arg out "$W/created.$p" \
        --slurpfile e "$W/expect.$who.$p.json" \
        '{tag: $tag, base: $base, port: $port, token: $token, patient: $p, writer: $writer, out: $out, expect: $e[0]}' \
        >"$W/cfg.$who.$p.json"
}

# ---- the world -------------------------------------------------------------------------------------
world_setup
echo "# world ready ($URL): $(( $(now_ms) - T_START )) ms"
n=0
declare -A PT SHORT
for fx in "${FIXTURES[@]}"; do
    n=$((n + 1))
    PT[$fx]=pt-$n SHORT[$fx]=$(basename "$fx" .json | cut -d_ -f1-2)
    world_patient "pt-$n" "fam-$n"
    world_run world_as "pt-$n" import "$fx" --patient "pt-$n"
    for g in dr-a pharm; do world_run world_as "pt-$n" grant --patient "pt-$n" --to "$g" --read; done
    world_run world_as "pt-$n" grant --patient "pt-$n" --to dr-a --sections results
done
echo "# imports done: $(( $(now_ms) - T_START )) ms"

declare -A PORTS
patients=()
for fx in "${FIXTURES[@]}"; do patients+=(--patient "${PT[$fx]}"); done
serve dr-a "${patients[@]}"
PORTS[dr-a]=$PORT
serve pharm
PORTS[pharm]=$PORT
if grep -q "http://127.0.0.1:${PORTS[dr-a]}/fhir" "$W/dr-a.serve.log"; then ok "fhir serve prints its URL"
else bad "fhir serve did not print its URL: $(head -3 "$W/dr-a.serve.log")"; fi
mode=$(stat -c %a "$(world_home dr-a)/api-token")
if [ "$mode" = 600 ] && grep -qxE '[0-9a-f]{64}' "$(world_home dr-a)/api-token"; then ok "HOME/api-token: 32 random bytes as hex, mode 0600"
else bad "HOME/api-token: mode $mode"; fi
chmod 644 "$(world_home dr-a)/api-token"
rc=0
timeout 20 "$CK" fhir serve --home "$(world_home dr-a)" >"$W/out" 2>"$W/err" || rc=$?
chmod 600 "$(world_home dr-a)/api-token"
if [ "$rc" = 3 ] && grep -q "readable by others" "$W/err"; then ok "a token file others may read is refused (exit 3)"
else bad "fhir serve with a 0644 token: exit $rc: $(head -c 200 "$W/err")"; fi
if ss -ltnH 2>/dev/null | grep -q ":${PORTS[dr-a]} "; then
    if ss -ltnH | grep ":${PORTS[dr-a]} " | grep -q "127.0.0.1:${PORTS[dr-a]}"; then ok "the API listens on 127.0.0.1 only"
    else bad "the API listens beyond the loopback: $(ss -ltnH | grep ":${PORTS[dr-a]} ")"; fi
fi

for fx in "${FIXTURES[@]}"; do
    p=${PT[$fx]}
    serve "fam-${p#pt-}"
    PORTS[fam-${p#pt-}]=$PORT
done
echo "# servers up: $(( $(now_ms) - T_START )) ms"

# POST [base] with a transaction, as the patient: two creates without ids,
# one naming the other by its urn:uuid; then the same Bundle again
serve pt-1
PT1_PORT=$PORT PT1_TOKEN=$TOKEN
post_base() { # post_base BODY_FILE PORT TOKEN: status and body into $W/tx.out
    curl -s -o "$W/tx.out" -w '%{http_code}' -X POST -H "Host: 127.0.0.1:$2" -H "Authorization: Bearer $3" \
        -H 'Content-Type: application/fhir+json' --data-binary "@$1" "http://127.0.0.1:$2/fhir"
}
pid1=$(jq -r '[.entry[].resource | select(.resourceType == "Patient") | .id][0]' "${FIXTURES[0]}")
cat >"$W/tx.json" <<EOF
{"resourceType": "Bundle", "type": "transaction", "entry": [
 {"fullUrl": "urn:uuid:0f6c1c52-8a1e-4c9e-9d55-7d1b8d0c0a01",
  "resource": {"resourceType": "Observation", "status": "final", "code": {"text": "Heart rate at home"},
               "subject": {"reference": "Patient/$pid1"}, "valueQuantity": {"value": 61, "unit": "/min"}},
  "request": {"method": "POST", "url": "Observation"}},
 {"fullUrl": "urn:uuid:0f6c1c52-8a1e-4c9e-9d55-7d1b8d0c0a02",
  "resource": {"resourceType": "Condition", "code": {"text": "Bradycardia"}, "subject": {"reference": "Patient/$pid1"},
               "evidence": [{"detail": [{"reference": "urn:uuid:0f6c1c52-8a1e-4c9e-9d55-7d1b8d0c0a01"}]}]},
  "request": {"method": "POST", "url": "Condition"}}]}
EOF
st=$(post_base "$W/tx.json" "$PT1_PORT" "$PT1_TOKEN")
if [ "$st" = 200 ] && jq -e '.type == "transaction-response" and ([.entry[].response.status] == ["201 Created", "201 Created"])
        and .entry[0].response.location == "Observation/0f6c1c52-8a1e-4c9e-9d55-7d1b8d0c0a01"' "$W/tx.out" >/dev/null; then
    ok "POST [base] transaction: 201 for each entry, under the ids their fullUrls name"
else bad "POST [base] transaction: $st $(head -c 400 "$W/tx.out")"; fi
st=$(curl -s -o "$W/tx.read" -w '%{http_code}' -H "Host: 127.0.0.1:$PT1_PORT" -H "Authorization: Bearer $PT1_TOKEN" \
    "http://127.0.0.1:$PT1_PORT/fhir/Condition/0f6c1c52-8a1e-4c9e-9d55-7d1b8d0c0a02")
if [ "$st" = 200 ] && jq -e '.id == "0f6c1c52-8a1e-4c9e-9d55-7d1b8d0c0a02" and .evidence[0].detail[0].reference ==
        "urn:uuid:0f6c1c52-8a1e-4c9e-9d55-7d1b8d0c0a01" and (.meta.versionId | test("^[1-9][0-9]*$"))' "$W/tx.read" >/dev/null; then
    ok "the created Condition reads back with its id and its reference as sent"
else bad "read of the created Condition: $st $(head -c 300 "$W/tx.read")"; fi
st=$(post_base "$W/tx.json" "$PT1_PORT" "$PT1_TOKEN")
if [ "$st" = 200 ] && jq -e '[.entry[].response.status] == ["200 OK", "200 OK"]' "$W/tx.out" >/dev/null; then
    ok "the same transaction again: 200 OK, nothing written twice"
else bad "the same transaction again: $st $(head -c 300 "$W/tx.out")"; fi
jq '.type = "collection"' "$W/tx.json" >"$W/tx-coll.json"
jq '.entry += [{"request": {"method": "DELETE", "url": "Observation/x"}}]' "$W/tx.json" >"$W/tx-del.json"
st1=$(post_base "$W/tx-coll.json" "$PT1_PORT" "$PT1_TOKEN"); o1=$(jq -r '.issue[0].code' "$W/tx.out")
st2=$(post_base "$W/tx-del.json" "$PT1_PORT" "$PT1_TOKEN"); o2=$(jq -r '.issue[0].expression[0]' "$W/tx.out")
if [ "$st1" = 400 ] && [ "$o1" = invalid ] && [ "$st2" = 400 ] && [ "$o2" = '$.entry[2]' ]; then
    ok "POST [base]: a collection 400, an entry without a resource 400 naming it"
else bad "POST [base] refusals: $st1 $o1, $st2 $o2"; fi
# the doctor may create resources one by one, but not import a Bundle into
# her record: the transaction names pt-1's Patient resource
jq --argjson p "$(jq '[.entry[] | select(.resource.resourceType == "Patient")][0]' "${FIXTURES[0]}")" \
    '.entry = [$p] + .entry' "$W/tx.json" >"$W/tx-pat.json"
st=$(post_base "$W/tx-pat.json" "${PORTS[dr-a]}" "$(cat "$(world_home dr-a)/api-token")")
if [ "$st" = 403 ] && jq -e '.issue[0].code == "forbidden"' "$W/tx.out" >/dev/null; then
    ok "POST [base] by the doctor into the patient's record: 403"
else bad "POST [base] by the doctor: $st $(head -c 300 "$W/tx.out")"; fi
# nor through the CLI, even with writes on the first sections of the plan:
# her import (the patient's own bundle, so the patient's batch id) would
# write those and stop, and the record would no longer verify
world_run world_as pt-2 grant --patient pt-2 --to dr-a --sections demographics,allergies,problems
rc=0
world_as dr-a import "${FIXTURES[1]}" --patient pt-2 >"$W/imp.out" 2>&1 || rc=$?
if [ "$rc" != 0 ] && grep -q "only the patient imports" "$W/imp.out"; then
    ok "carekey import by the doctor into pt-2's record: refused before writing"
else bad "carekey import by the doctor: exit $rc: $(head -c 300 "$W/imp.out")"; fi
if world_as pt-2 export --patient pt-2 --out "$W/pt-2.export.json" >"$W/exp.out" 2>&1; then
    ok "pt-2's record still verifies and exports"
else bad "pt-2's export after the doctor's import: $(head -c 300 "$W/exp.out")"; fi

# a client that names the patient by her Patient resource's id before the
# node has read anything of hers (the doctor's server has answered nothing
# about the records yet): the node finds the record among those it knows
fx1=${FIXTURES[0]}
pid=$(jq -r '[.entry[].resource | select(.resourceType == "Patient") | .id][0]' "$fx1")
want=$(jq '[.entry[].resource | select(.resourceType == "Encounter")] | length' "$fx1")
got=$(curl -s -H "Host: 127.0.0.1:${PORTS[dr-a]}" -H "Authorization: Bearer $(cat "$(world_home dr-a)/api-token")" \
    "http://127.0.0.1:${PORTS[dr-a]}/fhir/Encounter?patient=$pid&_summary=count" | jq -r '.total // .issue[0].diagnostics')
if [ "$got" = "$want" ]; then ok "Encounter?patient=<Patient.id> on a cold node: the record found, total $got"
else bad "Encounter?patient=<Patient.id> on a cold node: $got, want $want"; fi

# what each person opens, by 'record get --json' (in parallel), before any write
cfgs=()
for fx in "${FIXTURES[@]}"; do
    p=${PT[$fx]} s=${SHORT[$fx]}
    jobs=()
    config "fam-${p#pt-}" "$p" "$s family (fam-${p#pt-})" &
    jobs+=($!)
    config pharm "$p" "$s pharmacist (pharm)" &
    jobs+=($!)
    config dr-a "$p" "$s doctor (dr-a)" true &
    jobs+=($!)
    wait "${jobs[@]}" # not the servers
    cfgs+=("$W/cfg.fam-${p#pt-}.$p.json" "$W/cfg.pharm.$p.json" "$W/cfg.dr-a.$p.json")
done
for f in "$W"/cfg.*.fail; do [ -e "$f" ] && bad "$(cat "$f")"; done
echo "# expectations: $(( $(now_ms) - T_START )) ms"
jq -s . "${cfgs[@]}" >"$W/cfgs.json" 2>/dev/null || bad "no configs for fhir_api.mjs"
node "$ROOT/tests/js/fhir_api.mjs" "$W/cfgs.json" >"$W/mjs.out" 2>&1
pass=$((pass + $(grep -c '^ok ' "$W/mjs.out"))) fail=$((fail + $(grep -c '^FAIL ' "$W/mjs.out")))
grep -E '^(ok|FAIL) ' "$W/mjs.out"
grep -q '^fhir_api: ' "$W/mjs.out" || bad "fhir_api.mjs: $(tail -3 "$W/mjs.out")"
echo "# fhir_api.mjs: $(( $(now_ms) - T_START )) ms"

for fx in "${FIXTURES[@]}"; do
    p=${PT[$fx]} s=${SHORT[$fx]}
    # the doctor's create, as the patient's verified record shows it
    id=$(cat "$W/created.$p" 2>/dev/null)
    if [ -z "$id" ]; then bad "$s: the doctor created nothing"; continue; fi
    if world_as "$p" record verify --patient "$p" >"$W/verify.out" 2>&1 && grep -q ": intact" "$W/verify.out"; then
        ok "$s: the record verifies after the API's writes ($(tail -1 "$W/verify.out" | cut -c1-60)...)"
    else bad "$s: record verify after the API's writes: $(tail -2 "$W/verify.out")"; fi
    world_as "$p" record get --patient "$p" --json >"$W/pt.get.json" 2>"$W/err"
    got=$(jq -r --arg id "$id" '[.entries[] | select(.status == "ok" and .section == "results") | .payload
                               | select(type == "object" and .id == $id)] | last | "\(.resourceType) \(.status) \(.subject.reference)"' "$W/pt.get.json")
    if [ "$got" = "Observation amended Patient/$p" ]; then ok "$s: the patient reads the doctor's Observation (its update) in her record"
    else bad "$s: the patient's record shows [$got] for the doctor's Observation"; fi
    echo "# ${s} done: $(( $(now_ms) - T_START )) ms"
done

# a write from outside the server (the patient's CLI): the doctor's server sees the
# new head and serves the new resource (its decrypted copy is never stale)
p=${PT[${FIXTURES[0]}]}
cat >"$W/outside.json" <<JSON
{"resourceType": "Observation", "id": "outside-1", "status": "final",
 "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7", "display": "Body weight"}]},
 "subject": {"reference": "Patient/$p"}, "effectiveDateTime": "2026-12-01T09:00:00Z",
 "valueQuantity": {"value": 61.5, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}}
JSON
world_run world_as "$p" record put --patient "$p" --section results --type Observation "$W/outside.json"
TOKEN=$(cat "$(world_home dr-a)/api-token")
got=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${PORTS[dr-a]}/fhir/Observation?patient=$p&_id=outside-1" |
      jq -r '[.total, .entry[0].resource.valueQuantity.value] | @tsv')
if [ "$got" = "$(printf '1\t61.5')" ]; then ok "a write by the patient's CLI is served at once by the doctor's node (the head moved)"
else bad "the doctor's node after an outside write: [$got]"; fi

# the patient's own node: her record's audit log (she owns it) and grants, as valid FHIR
p=${PT[${FIXTURES[0]}]}
serve "$p"
curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/fhir/AuditEvent?patient=$p&_count=1000" >"$W/audit.json"
curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/fhir/Consent?patient=$p&status=active" >"$W/consent.json"
msg=$(jq -r --arg p "$p" 'if .resourceType != "Bundle" then "not a Bundle: \(.issue[0].diagnostics // .)"
        elif (.total // 0) < 5 then "only \(.total) events"
        elif ([.entry[].resource | select(.resourceType == "AuditEvent" and .entity[0].what.reference == "Patient/\($p)")] | length) != (.entry | length) then "entries that are not her AuditEvents"
        elif ([.entry[].resource.agent[0].who.identifier.value] | index("dr-a") | not) then "dr-a'"'"'s reads are not in it"
        else empty end' "$W/audit.json")
if [ -z "$msg" ] && node "$ROOT/tests/js/fhir_validate.mjs" "$W/audit.json" >"$W/validate.out" 2>&1; then
    ok "the patient's AuditEvent search: $(jq .total "$W/audit.json") events of her record (dr-a's reads among them), valid FHIR"
else bad "the patient's AuditEvent search: ${msg:-$(grep -m2 invalid "$W/validate.out")}"; fi
if [ "$(jq '[.entry[].resource | select(.resourceType == "Consent" and .status == "active")] | length' "$W/consent.json")" -ge 2 ] &&
   jq -e --arg p "$p" '[.entry[].resource.provision.actor[0].reference.identifier.value] | index("dr-a")' "$W/consent.json" >/dev/null &&
   node "$ROOT/tests/js/fhir_validate.mjs" "$W/consent.json" >"$W/validate.out" 2>&1; then
    ok "the patient's Consent search: her grants (dr-a's write grant among them), valid FHIR"
else bad "the patient's Consent search: $(head -c 300 "$W/consent.json")"; fi

echo "# total $(( $(now_ms) - T_START )) ms"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
