#!/usr/bin/env bash
# tests/client/record_test.sh CAREKEY CAREKEYD TAMPER_PROXY FIXTURE.json - the
# record commands end to end against a real carekeyd (SQLite, loopback, free
# port) reached through tests/client/tamper_proxy, which answers honestly
# until told to drop, reorder, swap, alter, roll back or inject entries:
#   put/get/list/verify by the patient and a granted doctor; a writer without
#   a grant refused by the server and, forced into the chain, flagged by
#   verify; every tampering detected by `record verify` and `record get`
#   (exit 1, with its kind); FHIR import and export round trip; the
#   pharmacist reads medications and allergies only; reports; the research
#   copy; revocation and rewrap; concurrent appends; usage errors.
# Prints "N passed, N failed"; exit 1 if any failed.
set -u
CK=${1:?usage: record_test.sh CAREKEY CAREKEYD TAMPER_PROXY FIXTURE.json}
CKD=${2:?carekeyd}
PROXY=${3:?tamper_proxy}
FIX=${4:?fixture bundle}
for v in CK CKD PROXY FIX; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
T=$(mktemp -d "${TMPDIR:-/tmp}/carekey-rec.XXXXXX")
SRV_PID= PX_PID=
cleanup() {
  for p in $PX_PID $SRV_PID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
unset CAREKEY_HOME CAREKEY_SERVER CAREKEY_CA_FILE
export CAREKEY_PASSPHRASE='correct horse battery staple'
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
expect() {
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, want $want; stderr: $(head -c 2000 "$T/err")"; fi
}
err_has() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks '$1': $(head -c 2000 "$T/err")"; fi; }
out_has() { if grep -qF -- "$1" "$T/out"; then ok; else bad "stdout lacks '$1': $(head -c 2000 "$T/out")"; fi; }
out_lacks() { if grep -qF -- "$1" "$T/out"; then bad "stdout has '$1'"; else ok; fi; }
out_count() { local n; n=$(grep -cF -- "$1" "$T/out"); if [ "$n" = "$2" ]; then ok; else bad "stdout has '$1' $n times, want $2"; fi; }
py() { if python3 -c "$1" "$T/out"; then ok; else bad "$2"; fi; }

OP=$T/op
op() { "$CK" "$@" --home "$OP"; }
as() { local who=$1; shift; "$CK" "$@" --home "$T/$who"; }
mode() { echo "$*" >"$T/mode"; }

# --- server, proxy, operator ---------------------------------------------------------
expect 0 "admin init" -- "$CK" admin init --home "$OP" --kdf-cost 10
ADMIN_KEY=$(tail -n 1 "$T/out")
export CAREKEY_OPERATOR_KEY=$ADMIN_KEY
mode none
# the proxy first: carekeyd accepts requests signed for the proxy's origin
"$PROXY" "$T/pport" "$T/port" "$T/mode" 2>"$T/proxy.log" &
PX_PID=$!
for _ in $(seq 1 500); do [ -s "$T/pport" ] && break; sleep 0.02; done
[ -s "$T/pport" ] || { echo "tamper_proxy did not start" >&2; exit 1; }
"$CKD" --port 0 --port-file "$T/port" --db "sqlite:$T/carekey.db" --admin-key "$ADMIN_KEY" \
  --origin "http://127.0.0.1:$(cat "$T/pport")" --rate-limit 0 --max-body 4194304 >"$T/carekeyd.log" 2>&1 &
SRV_PID=$!
for _ in $(seq 1 500); do [ -s "$T/port" ] && break; sleep 0.02; done
[ -s "$T/port" ] || { echo "carekeyd did not start: $(cat "$T/carekeyd.log")" >&2; exit 1; }
export CAREKEY_SERVER="http://127.0.0.1:$(cat "$T/pport")"

# --- people and authorities ---------------------------------------------------------------
for p in alice:patient carol:patient drbob:doctor mallory:doctor phil:pharmacist rita:researcher fred:family; do
  gid=${p%%:*} role=${p#*:}
  expect 0 "init $gid" -- "$CK" init --home "$T/$gid" --gid "$gid" --role "$role" --enroll-out "$gid.req.json" \
    --kdf-cost 10 --server "$CAREKEY_SERVER"
  expect 0 "enroll $gid" -- op admin enroll "$gid.req.json"
done
declare -A DECLARE=([hosp-a]="staff billing" [medical-board]=doctor [nursing-board]=nurse
                    [pharmacy-board]=pharmacist [research-board]=researcher [er-desk]=emergency)
for a in hosp-a medical-board nursing-board pharmacy-board research-board er-desk; do
  expect 0 "create $a" -- op authority create "$a"
  expect 0 "publish $a" -- op authority publish "$a" --out "$a.json"
  expect 0 "register $a" -- op admin add-authority "$a.json"
  # what sharing profiles name must be in the authority's signed table
  args=(); for x in ${DECLARE[$a]}; do args+=(--attr "$x@$a"); done
  expect 0 "declare $a's attributes" -- op authority declare "$a" "${args[@]}"
done
for pt in alice carol; do
  expect 0 "$pt runs her authority" -- as $pt authority create "patient-$pt"
  expect 0 "publish patient-$pt" -- as $pt authority publish "patient-$pt" --out "patient-$pt.json"
  expect 0 "register patient-$pt" -- op admin add-authority "patient-$pt.json"
  expect 0 "owner key to $pt" -- as $pt authority issue "patient-$pt" --gid $pt --attr "owner@patient-$pt"
  expect 0 "patient-$pt declares family" -- as $pt authority declare "patient-$pt" --attr "family@patient-$pt"
done
expect 0 "family key to fred" -- as alice authority issue patient-alice --gid fred --attr family@patient-alice
for d in drbob mallory; do
  expect 0 "doctor key to $d" -- op authority issue medical-board --gid $d --attr doctor@medical-board
  expect 0 "staff key to $d" -- op authority issue hosp-a --gid $d --attr staff@hosp-a
done
expect 0 "pharmacist key" -- op authority issue pharmacy-board --gid phil --attr pharmacist@pharmacy-board
expect 0 "researcher key" -- op authority issue research-board --gid rita --attr researcher@research-board
for g in alice carol drbob mallory phil rita fred; do expect 0 "$g keys sync" -- as $g keys sync; done
# each patient signs her sharing profile into her record (treating hospital
# hosp-a) and lets her readers fetch the record (read grants)
expect 0 "alice sets her sharing profile" -- as alice sharing set --patient alice --orgs hosp-a
# the old names (--hospitals, grant --to) are hidden aliases that still work
expect 0 "carol sets hers with the old --hospitals" -- as carol sharing set --patient carol --hospitals hosp-a
for r in drbob mallory phil rita fred; do expect 0 "alice lets $r read" -- as alice grant --patient alice --gid $r --read; done
expect 0 "carol lets drbob read (old --to)" -- as carol grant --patient carol --to drbob --read

# --- payloads ---------------------------------------------------------------------------------
cat >allergy.json <<'EOF'
{"resourceType":"AllergyIntolerance","id":"al-1","patient":{"reference":"Patient/alice"},
 "code":{"text":"Peanut allergy"},"criticality":"high","clinicalStatus":{"coding":[{"code":"active"}]}}
EOF
cat >med.json <<'EOF'
{"resourceType":"MedicationRequest","id":"mr-1","status":"active","intent":"order",
 "medicationCodeableConcept":{"text":"Epinephrine auto-injector"},"subject":{"reference":"Patient/alice"}}
EOF
cat >cond.json <<'EOF'
{"resourceType":"Condition","id":"co-1","code":{"text":"Seasonal asthma"},"subject":{"reference":"Patient/alice"},
 "clinicalStatus":{"coding":[{"code":"active"}]}}
EOF
cat >cond2.json <<'EOF'
{"resourceType":"Condition","id":"co-2","code":{"text":"Sprained ankle"},"subject":{"reference":"Patient/alice"}}
EOF
echo '{"resourceType":"Condition","id":"co-9","code":{"text":"Invented by mallory"}}' >evil.json
echo '{"resourceType":"Condition","id":"c-c","code":{"text":"Carol condition"}}' >carol.json

# --- usage --------------------------------------------------------------------------------------
expect 0 "record --help" -- "$CK" record --help
out_has "verify"
expect 2 "record without a subcommand" -- "$CK" record
expect 2 "unknown subcommand" -- "$CK" record frobnicate
expect 2 "put without --section" -- as alice record put --patient alice --type Condition cond.json
err_has "--patient, --section and --type are required"
expect 2 "put into the wrong section" -- as alice record put --patient alice --section demographics --type Condition cond.json
err_has "Condition belongs in section 'problems'"
expect 2 "put: type differs from the resource" -- as alice record put --patient alice --section problems --type Observation cond.json
expect 3 "put a missing file" -- as alice record put --patient alice --section problems --type Condition nope.json
echo 'not json' >bad.json
expect 1 "put a non-JSON payload" -- as alice record put --patient alice --section problems --type Condition bad.json
expect 2 "get without --patient" -- as alice record get
for c in "record put" "record get" "record list" "record verify" "grant" "grant revoke" "import" "export" \
         "report personal" "research publish" "reencrypt" "sharing set" "sharing show"; do
  expect 0 "$c --help" -- "$CK" $c --help
done

# --- put / get / list / verify by the patient ------------------------------------------------
expect 0 "alice puts an allergy" -- as alice record put --patient alice --section allergies --type AllergyIntolerance allergy.json
out_has "appended entry 2"
expect 0 "alice puts a medication" -- as alice record put --patient alice --section medications --type MedicationRequest med.json
expect 0 "alice puts a condition" -- as alice record put --patient alice --section problems --type Condition cond.json
expect 0 "alice gets her record" -- as alice record get --patient alice
out_has "Peanut allergy"
out_has "Epinephrine auto-injector"
out_has "Seasonal asthma"
expect 0 "alice gets one section" -- as alice record get --patient alice --section problems
out_has "Seasonal asthma"
out_lacks "Peanut allergy"
expect 0 "alice lists" -- as alice record list --patient alice
out_count "  yes  " 3
out_has "owner@patient-alice"
expect 0 "alice verifies (and signs the head)" -- as alice record verify --patient alice
out_has "4 entries verified, head 4"
out_has "(signed by the patient)"
if [ -s "$T/alice/heads/alice" ]; then ok; else bad "no pinned head for alice"; fi
expect 0 "alice get --json" -- as alice record get --patient alice --json
py 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["entries"])==3 and all(e["status"]=="ok" for e in d["entries"]) and d["problems"]==[]' \
  "get --json: three readable entries"

# --- a doctor: reads per policy, writes only with a grant ---------------------------------------
expect 0 "drbob reads alice's record" -- as drbob record get --patient alice
out_has "Seasonal asthma"
expect 1 "drbob cannot write without a grant" -- as drbob record put --patient alice --section problems --type Condition cond2.json
err_has "no_write_grant"
expect 2 "grant needs --gid" -- as alice grant --patient alice --sections problems
err_has "--gid"
expect 2 "grant: bad expiry" -- as alice grant --patient alice --gid drbob --sections problems --expires yesterday
expect 0 "alice grants drbob problems,encounters" -- as alice grant --patient alice --gid drbob --sections problems,encounters --expires 30d
out_has "granted drbob write access to problems,encounters"
GRANT_HEX=$(sed -n 's/.*chain id \([0-9a-f]*\).*/\1/p' "$T/out")
expect 0 "drbob writes a condition" -- as drbob record put --patient alice --section problems --type Condition cond2.json
expect 1 "drbob may not write allergies" -- as drbob record put --patient alice --section allergies --type AllergyIntolerance allergy.json
err_has "no_write_grant"
expect 0 "alice verifies the doctor's entry" -- as alice record verify --patient alice
expect 0 "drbob verifies" -- as drbob record verify --patient alice
expect 0 "drbob gets his entry" -- as drbob record get --patient alice --section problems
out_has "Sprained ankle"
out_has "by drbob"
expect 0 "grant list" -- as alice grant list --patient alice
out_has "$GRANT_HEX"
out_has "active"

# concurrent appends: one of them meets a moved head (409) and retries
as alice record put --patient alice --section problems --type Condition cond.json >"$T/c1" 2>&1 &
P1=$!
as drbob record put --patient alice --section problems --type Condition cond2.json >"$T/c2" 2>&1 &
P2=$!
if wait $P1 && wait $P2; then ok; else bad "concurrent appends: $(cat "$T/c1" "$T/c2")"; fi
expect 0 "verify after concurrent appends" -- as alice record verify --patient alice

# --- pharmacist: medications and allergies only -----------------------------------------------
expect 0 "phil gets alice's record" -- as phil record get --patient alice --json
py 'import json,sys
d=json.load(open(sys.argv[1])); ok={e["section"] for e in d["entries"] if e["status"]=="ok"}
no={e["section"] for e in d["entries"] if e["status"]=="not shared with you"}
assert ok=={"allergies","medications"}, ok
assert "problems" in no, no' "pharmacist reads exactly allergies and medications"
out_lacks "Seasonal asthma"
expect 0 "phil lists" -- as phil record list --patient alice

# --- a writer without a grant, forced into the chain by the server ------------------------------
expect 1 "mallory cannot write" -- as mallory record put --patient alice --section problems --type Condition evil.json
err_has "no_write_grant"
mode inject alice
expect 1 "inject: verify flags the ungranted writer" -- as alice record verify --patient alice
out_has "problem no-grant"
out_has "mallory had no write grant for problems"
expect 1 "inject: get exits 1" -- as drbob record get --patient alice
err_has "no-grant"
out_lacks "Invented by mallory"
mode none
expect 0 "honest again" -- as alice record verify --patient alice

# --- tampering by the server --------------------------------------------------------------------
expect 0 "carol puts" -- as carol record put --patient carol --section problems --type Condition carol.json
expect 0 "carol puts again" -- as carol record put --patient carol --section problems --type Condition carol.json
expect 0 "drbob pins alice's head" -- as drbob record verify --patient alice
expect 0 "the proxy sees carol's record" -- as drbob record verify --patient carol
HEAD=$(awk '{print $1}' "$T/drbob/heads/alice")

# --- incremental verification (docs/NODE.md, "Verified state") ----------------------------------
# drbob's node keeps alice's verified chain; later loads verify only what is new
[ -s "$T/drbob/state/alice.ckv" ] && ok || bad "no verified state kept for alice"
expect 0 "alice adds an entry" -- as alice record put --patient alice --section problems --type Condition cond.json
NEW=$((HEAD + 1))
mode "alter alice $NEW"
expect 1 "an entry after the verified state, tampered: get" -- as drbob record get --patient alice
err_has "bad-signature"
mode none
expect 0 "the server honest: get verifies the new entry" -- as drbob record get --patient alice
# a rewrite before the verified state: the next full check says the server rewrote it
mode "alter alice 2"
expect 1 "rewrite before the verified state: verify" -- as drbob record verify --patient alice
out_has "the server rewrote it"
expect 1 "a record once caught is loaded in full: get" -- as drbob record get --patient alice
err_has "bad-signature"
mode none
expect 0 "honest again: verify clears the suspicion" -- as drbob record verify --patient alice
[ -e "$T/drbob/state/alice.suspect" ] && bad "still suspect after a clean verify" || ok
# an altered state file is refused (warning) and rebuilt by the full load
expect 0 "state present" -- as drbob record get --patient alice
cp "$T/drbob/state/alice.ckv" "$T/ckv.orig"
printf '\xff' | dd of="$T/drbob/state/alice.ckv" bs=1 seek=40 conv=notrunc 2>/dev/null
expect 0 "altered state: get still verifies" -- as drbob record get --patient alice
err_has "was altered or damaged: refused"
cmp -s "$T/drbob/state/alice.ckv" "$T/ckv.orig" && ok || bad "the state was not rebuilt as before"
HEAD=$(awk '{print $1}' "$T/drbob/heads/alice")
tamper() {  # tamper MODE KIND [READER]
  local m=$1 kind=$2 who=${3:-drbob}
  mode $m
  expect 1 "$m: verify" -- as $who record verify --patient alice
  out_has "problem $kind"
  out_has "NOT intact"
  expect 1 "$m: get" -- as $who record get --patient alice
  err_has "$kind"
  expect 1 "$m: list" -- as $who record list --patient alice
  expect 1 "$m: report" -- as $who report professional --patient alice
  mode none
}
tamper "drop alice 2" dropped
tamper "reorder alice 2" reordered
tamper "swap alice carol 1" bad-signature
tamper "alter alice 3" bad-signature
tamper "alter-raw alice 3" altered
tamper "rollback alice 2" rolled-back
tamper "rollback-strip alice 2" rolled-back
# a reader with no pinned head still has the patient's signed head
tamper "rollback alice 2" rolled-back rita
mode "rollback-strip alice 2"
expect 0 "a fresh reader without any head cannot see a clean rollback" -- as fred record verify --patient alice
mode none
expect 1 "but after seeing the real head, fred catches it" -- bash -c "'$CK' record verify --patient alice --home '$T/fred' >/dev/null 2>&1; echo 'rollback-strip alice 2' >'$T/mode'; '$CK' record verify --patient alice --home '$T/fred'"
mode none
expect 0 "after the attacks the record verifies" -- as drbob record verify --patient alice
# writes refuse to extend a rolled-back head
mode "rollback-strip alice 2"
expect 1 "put onto a rolled-back head" -- as alice record put --patient alice --section problems --type Condition cond.json
err_has "rolled back"
mode none

# --- grant revocation in both layers ----------------------------------------------------------------
expect 2 "revoke: bad id" -- as alice grant revoke --patient alice --id xyz
expect 0 "alice revokes drbob's grant" -- as alice grant revoke --patient alice --id "$GRANT_HEX"
out_has "revoked grant"
out_has "revoked chain grant $GRANT_HEX"
expect 1 "drbob can no longer write" -- as drbob record put --patient alice --section problems --type Condition cond2.json
err_has "no_write_grant"
expect 0 "earlier entries by drbob still verify" -- as alice record verify --patient alice
expect 0 "grant list shows it revoked" -- as alice grant list --patient alice
out_has "revoked"

# --- FHIR import and export -------------------------------------------------------------------------
expect 0 "alice imports a Synthea bundle" -- as alice import "$FIX" --patient alice --max-entry-bytes 200000
out_has "imported"
expect 0 "verify after import" -- as alice record verify --patient alice
expect 0 "alice exports" -- as alice export --patient alice --out alice.bundle.json
if [ "$(stat -c %a alice.bundle.json)" = 600 ]; then ok; else bad "export mode"; fi
cat >check_bundle.py <<'EOF'
import json, sys
b = json.load(open(sys.argv[1]))
assert b["resourceType"] == "Bundle", "not a bundle"
urls = {e["fullUrl"] for e in b["entry"]}
def refs(x):
    if isinstance(x, dict):
        for k, v in x.items():
            if k == "reference" and isinstance(v, str):
                yield v
            else:
                yield from refs(v)
    elif isinstance(x, list):
        for v in x:
            yield from refs(v)
# OUTSIDE (argv 3): the references that may point outside the bundle, as
# written: the owner sees the whole record, so what it does not hold is
# kept, never withheld; a partial reader's bundle holds no such reference
outside = set(sys.argv[3].split(",")) if len(sys.argv) > 3 else set()
dangling = [r for e in b["entry"] for r in refs(e["resource"]) if not r.startswith("#") and r not in urls]
assert set(dangling) <= outside, "dangling references: %r" % [r for r in dangling if r not in outside][:5]
if outside:
    assert '"display": "withheld"' not in json.dumps(b), "the whole record's export withholds a reference"
    assert dangling, "no reference to %r kept" % outside
types = {e["resource"]["resourceType"] for e in b["entry"]}
if len(sys.argv) > 2 and sys.argv[2] != "-":
    fix = json.load(open(sys.argv[2]))
    want = {(e["resource"]["resourceType"], e["resource"]["id"]) for e in fix["entry"]}
    have = {(e["resource"]["resourceType"], e["resource"]["id"]) for e in b["entry"]}
    assert want <= have, "missing after round trip: %r" % list(want - have)[:5]
    got = {(e["resource"]["resourceType"], e["resource"]["id"]): e["resource"] for e in b["entry"]}
    same = sum(1 for e in fix["entry"] if got[(e["resource"]["resourceType"], e["resource"]["id"])] == e["resource"])
    assert same == len(fix["entry"]), "%d of %d resources differ" % (len(fix["entry"]) - same, len(fix["entry"]))
print(" ".join(sorted(types)))
EOF
if python3 check_bundle.py alice.bundle.json "$FIX" Patient/alice >"$T/out" 2>"$T/err"; then ok; else bad "round trip: $(cat "$T/err")"; fi
out_has "Condition"
expect 0 "phil exports" -- as phil export --patient alice --out phil.bundle.json
if python3 check_bundle.py phil.bundle.json >"$T/out" 2>"$T/err"; then ok; else bad "phil's bundle: $(cat "$T/err")"; fi
py 'import sys
t=set(open(sys.argv[1]).read().split())
assert t <= {"AllergyIntolerance","MedicationRequest","Organization","Practitioner"}, t
assert "MedicationRequest" in t and "AllergyIntolerance" in t, t' "pharmacist export: medications, allergies (and the directory) only"
expect 1 "import a malformed bundle" -- as alice import bad.json --patient alice
# a section larger than one request: split over several entries, same round trip
expect 0 "carol imports in small entries" -- as carol import "$FIX" --patient carol --max-entry-bytes 20000
expect 0 "carol lists" -- as carol record list --patient carol
py 'import sys
n=sum(1 for l in open(sys.argv[1]) if "  results  " in l)
assert n > 3, n' "large sections split over several entries"
expect 0 "carol exports" -- as carol export --patient carol --out carol.bundle.json
if python3 check_bundle.py carol.bundle.json "$FIX" >"$T/out" 2>"$T/err"; then ok; else bad "chunked round trip: $(cat "$T/err")"; fi

# --- reports -------------------------------------------------------------------------------------------
expect 0 "alice personal report" -- as alice report personal --patient alice
out_has "Peanut allergy"
expect 0 "fred (family) personal report" -- as fred report personal --patient alice --json
py 'import json,sys
d=json.load(open(sys.argv[1])); assert d["report"]=="personal"
b={x["name"]:x["status"] for x in d["blocks"]}; assert b["allergies"]=="shared", b' "family reads the personal report"
expect 0 "drbob professional report" -- as drbob report professional --patient alice
out_has "Seasonal asthma"
expect 0 "phil professional report" -- as phil report professional --patient alice --json
py 'import json,sys
d=json.load(open(sys.argv[1])); b={x["section"]:x["status"] for x in d["blocks"]}
assert b["problems"]=="not shared with you" and b["medications"]=="shared", b' "pharmacist: problems not shared"
expect 2 "unknown report" -- as alice report nonsense --patient alice

# --- research: de-identified by the patient's client ---------------------------------------------------
expect 0 "rita before publication" -- as rita report research --patient alice
err_has "no research copy"
expect 2 "only the patient publishes" -- as drbob research publish --patient alice
expect 0 "alice publishes the research copy" -- as alice research publish --patient alice
out_has "published a de-identified copy"
expect 0 "rita's research report" -- as rita report research --patient alice --json
GIVEN=$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); p=[e["resource"] for e in b["entry"] if e["resource"]["resourceType"]=="Patient"][0]; print(p["name"][0]["family"])' "$FIX")
out_lacks "$GIVEN"
out_has '"report": "research"'
py 'import json,sys
d=json.load(open(sys.argv[1])); b={x["section"]:x["status"] for x in d["blocks"]}
assert b.get("problems")=="shared", b' "research view holds the clinical blocks"
expect 0 "rita's raw view: only the research entry opens" -- as rita record get --patient alice --json
py 'import json,sys
d=json.load(open(sys.argv[1])); ok={e["section"] for e in d["entries"] if e["status"]=="ok"}
assert ok=={"research"}, ok' "researcher opens the research section only"
out_lacks "$GIVEN"

# --- revocation and re-encryption -------------------------------------------------------------------------
expect 0 "drbob reads before revocation" -- as drbob record get --patient alice --section problems
out_has "Seasonal asthma"
expect 0 "revoke staff@hosp-a from drbob" -- op authority revoke hosp-a --gid drbob --attr staff@hosp-a
expect 0 "mallory syncs her re-issued key" -- as mallory keys sync
expect 0 "drbob still reads what was sealed before his revocation" -- as drbob record get --patient alice --section problems
out_has "Seasonal asthma"
expect 0 "reencrypt --dry-run" -- as alice reencrypt --patient alice --dry-run
out_has "would re-encrypt"
expect 0 "alice re-encrypts" -- as alice reencrypt --patient alice
out_has "re-encrypted"
out_has "tombstone"
expect 0 "verify after reencrypt" -- as alice record verify --patient alice
expect 0 "drbob after reencrypt" -- as drbob record get --patient alice --json
py 'import json,sys
d=json.load(open(sys.argv[1]))
clin={"problems","encounters","procedures","results","immunizations","careplans","demographics","allergies","medications","directory","billing","other"}
opened=[e["section"] for e in d["entries"] if e["status"]=="ok" and e["section"] in clin]
assert not opened, opened' "the revoked key opens none of the latest versions"
expect 0 "mallory (re-issued) still reads" -- as mallory record get --patient alice --section problems
out_has "Seasonal asthma"
expect 0 "nothing left to re-encrypt" -- as alice reencrypt --patient alice
out_has "re-encrypted 0 entries"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
