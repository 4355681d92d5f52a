#!/usr/bin/env bash
# tests/client/fhir_exact_test.sh CAREKEY CAREKEYD FIXTURE_DIR
#
# FHIR fidelity end to end (ctest cli_fhir_exact): docs/RECORD-MODEL.md
# promises that importing and exporting gives "the same resources byte for
# byte in canonical JSON". Against a real carekeyd (tests/client/world.sh):
#   - every fixture in FIXTURE_DIR imported by its own patient and exported
#     again: tests/client/fhir_exact.py compares every resource as ordered
#     members with every number's lexeme (140.52 never 140.52000000000001,
#     1.0 never 1, 1e2 never 100), each resource exactly once;
#   - a copy of the smallest fixture with synthetic resources of hard
#     numbers (0.1, 1.10, 42.18736, 140.52, -0.0, -0, 1E400, 1e-400, 2.50E+3,
#     23-digit and int64-edge integers, 36 significant digits) and strings
#     (decimal-looking, the private-use marker U+E000 raw and escaped,
#     escapes, astral characters), members in unusual order: the same
#     comparison, and the exported text holds each lexeme verbatim;
#   - bundles of two other shapes made from a fixture: Synthea's patient
#     bundle with the hospitals and practitioners in bundles of their own
#     (conditional references), and a server's searchset (RESTful fullUrls,
#     relative references): exact, under their own fullUrls;
#   - 'record put' of such a resource and 'record get --json' of it;
#   - the lexemes in a doctor's professional report and, after 'research
#     publish', in the researcher's research report.
# Prints "ok"/"FAIL" lines and "N passed, N failed"; exit 1 if any failed.
set -uo pipefail
export LC_ALL=C
CK=${1:?usage: fhir_exact_test.sh CAREKEY CAREKEYD FIXTURE_DIR}
CKD=${2:?carekeyd}
FIXDIR=${3:?fixture directory}
for v in CK CKD FIXDIR; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EXACT="$ROOT/tests/client/fhir_exact.py"
command -v jq >/dev/null || { echo "fhir_exact_test: jq is needed (scripts/bootstrap.sh installs it)" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/carekey-exact.XXXXXX")
cleanup() {
    world_stop
    if [ -n "${KEEP:-}" ]; then echo "kept $W"; else rm -rf "$W"; fi
}
export CAREKEY_PASSPHRASE='exact passphrase'
# shellcheck source=world.sh
. "$ROOT/tests/client/world.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
expect() {
    local want=$1 who=$2 rc=0
    shift 2
    world_as "$who" "$@" >"$W/out" 2>"$W/err" || rc=$?
    if [ "$rc" = "$want" ]; then ok "$who: carekey $* (exit $rc)"
    else bad "$who: carekey $*: exit $rc, want $want: $(head -c 600 "$W/err")"; fi
}
# exact P EXPORT BUNDLE [--subset]
exact() {
    local p=$1; shift
    if python3 "$EXACT" "$@" >"$W/exact" 2>&1; then ok "$p: $(cat "$W/exact")"
    else bad "$p: the export is not the bundle: $(head -6 "$W/exact" | paste -sd';')"; fi
}
# verbatim FILE LEXEME...: each lexeme occurs in FILE as a whole number token
verbatim() {
    local f=$1 x missing=; shift
    for x in "$@"; do
        grep -Eq -- "(^|[^0-9.eE+-])$(sed 's/[.+]/\\&/g' <<<"$x")([^0-9.eE+-]|\$)" "$f" || missing="$missing $x"
    done
    if [ -z "$missing" ]; then ok "$(basename "$f"): every lexeme verbatim ($*)"
    else bad "$(basename "$f"): lexemes changed or missing:$missing"; fi
}

world_setup "sqlite:$W/carekey.db"
ok "world ready: $URL"

# ---- every fixture ----------------------------------------------------------------------
n=0
for fx in "$FIXDIR"/*.json; do
    n=$((n + 1))
    world_patient "fx-$n"
    expect 0 "fx-$n" import "$fx" --patient "fx-$n"
    expect 0 "fx-$n" export --patient "fx-$n" --out "$W/fx-$n.json"
    exact "fx-$n ($(basename "$fx" | cut -d_ -f1-2))" "$W/fx-$n.json" "$fx"
done
[ "$n" -ge 4 ] && ok "$n fixtures" || bad "only $n fixtures in $FIXDIR"

# ---- synthetic hard numbers and strings ----------------------------------------------------
BASEFX=$(ls "$FIXDIR"/Rudolf_Weber_*.json)
PID=$(jq -r '[.entry[].resource | select(.resourceType == "Patient") | .id] | first' "$BASEFX")
MARK=$'\xee\x80\x80'   # U+E000, the marker fhir_json.c puts on decimals inside jansson
cat >"$W/synthetic.entries" <<EOF
{"fullUrl": "urn:uuid:5e1f0c7a-0000-4000-8000-000000000001",
 "resource": {"resourceType": "Observation", "id": "5e1f0c7a-0000-4000-8000-000000000001", "status": "final",
  "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
  "code": {"text": "Synthetic decimals"}, "subject": {"reference": "urn:uuid:$PID"},
  "effectiveDateTime": "2024-05-06T07:08:09+02:00",
  "valueQuantity": {"value": 140.52, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"},
  "component": [
   {"code": {"text": "tenth"}, "valueQuantity": {"value": 0.1}},
   {"code": {"text": "trailing zero"}, "valueQuantity": {"value": 1.10}},
   {"code": {"text": "five places"}, "valueQuantity": {"value": 42.18736}},
   {"code": {"text": "negative zero"}, "valueQuantity": {"value": -0.0}},
   {"code": {"text": "negative zero integer"}, "valueInteger": -0},
   {"code": {"text": "huge exponent"}, "valueQuantity": {"value": 1E400}},
   {"code": {"text": "tiny exponent"}, "valueQuantity": {"value": 1e-400}},
   {"code": {"text": "exponent"}, "valueQuantity": {"value": 1e2}},
   {"code": {"text": "signed exponent"}, "valueQuantity": {"value": 2.50E+3}},
   {"code": {"text": "one point zero"}, "valueQuantity": {"value": 1.0}},
   {"code": {"text": "23 digits"}, "valueQuantity": {"value": 12345678901234567890123}},
   {"code": {"text": "36 digits"}, "valueQuantity": {"value": 3.14159265358979323846264338327950288}},
   {"code": {"text": "2^53 + 1"}, "valueInteger": 9007199254740993},
   {"code": {"text": "int64 min"}, "valueInteger": -9223372036854775808},
   {"code": {"text": "int64 max + 1"}, "valueInteger": 9223372036854775808},
   {"code": {"text": "18 digits"}, "valueInteger": 123456789012345678},
   {"code": {"text": "zero"}, "valueInteger": 0}]}},
{"fullUrl": "urn:uuid:5e1f0c7a-0000-4000-8000-000000000002",
 "resource": {"id": "5e1f0c7a-0000-4000-8000-000000000002", "resourceType": "Observation", "status": "final",
  "subject": {"reference": "urn:uuid:$PID"}, "code": {"text": "Synthetic strings"},
  "valueString": "140.52",
  "note": [{"text": "\ue000"}, {"text": "\ue0001.5"}, {"text": "raw  1.50"}, {"text": "${MARK}"}, {"text": "${MARK}2.5"}, {"text": "${MARK}${MARK}x"}, {"text": "caf\u00e9 \/ \"q\" \\\\ tab\t \ud83d\ude00"}],
  "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">a &amp; b &lt; 140.52</div>"},
  "referenceRange": [{"low": {"value": 0.000}, "high": {"value": 100.00}, "text": "0-100"}]}},
{"fullUrl": "urn:uuid:5e1f0c7a-0000-4000-8000-000000000003",
 "resource": {"resourceType": "Basic", "id": "5e1f0c7a-0000-4000-8000-000000000003",
  "zeta": [1.0, 2.00, 3, -0.0, [1e+2, [0.5E-1]]], "alpha": {"valueDecimal": -0.000},
  "code": {"text": "an unmapped type"}, "subject": {"reference": "urn:uuid:$PID"}}},
EOF
python3 - "$BASEFX" "$W/synthetic.entries" "$W/synthetic.json" <<'EOF'
import sys
# text splicing, never a JSON round trip: Python would turn 1E400 into inf
text, extra = open(sys.argv[1], encoding="utf-8").read(), open(sys.argv[2], encoding="utf-8").read()
k = text.index("[", text.index('"entry"')) + 1
open(sys.argv[3], "w", encoding="utf-8").write(text[:k] + extra + text[k:])
EOF
world_patient syn
for g in dr-a res; do world_run world_as syn grant --patient syn --gid "$g" --read; done
expect 0 syn import "$W/synthetic.json" --patient syn
expect 0 syn export --patient syn --out "$W/syn.json"
exact syn "$W/syn.json" "$W/synthetic.json"
verbatim "$W/syn.json" 140.52 0.1 1.10 42.18736 -0.0 -0 1E400 1e-400 1e2 2.50E+3 1.0 12345678901234567890123 \
    3.14159265358979323846264338327950288 9007199254740993 -9223372036854775808 9223372036854775808 0.000 100.00 \
    -0.000 2.00 1e+2 0.5E-1
if grep -q '140\.5200\|140\.51999' "$W/syn.json"; then bad "syn.json holds a binary rounding of 140.52"; else ok "no binary rounding of 140.52"; fi

# ---- bundles of other shapes ---------------------------------------------------------------
# Each made from a fixture: (1) as Synthea writes a patient when hospitals
# and practitioners go to bundles of their own: those resources left out
# and referenced conditionally ("Practitioner?identifier=...|npi"); (2) as
# a FHIR server's searchset: RESTful fullUrls ([base]/Type/id) and relative
# references (Type/id). Imported whole by the patient and exported, each
# comes back with the same resources, references included, under the same
# fullUrls. (3) as a client writes a transaction that creates everything:
# no resource has an id, each entry a urn:uuid fullUrl and a POST request;
# the node assigns each the id its fullUrl names and gives it back without one.
python3 - "$BASEFX" "$W/split-dir.json" "$W/server.json" "$W/tx.json" <<'EOF'
import copy, json, sys
src = json.load(open(sys.argv[1], encoding="utf-8"))

def refs(v, f):
    if isinstance(v, dict):
        if isinstance(v.get("reference"), str):
            v["reference"] = f(v["reference"])
        for c in v.values():
            refs(c, f)
    elif isinstance(v, list):
        for c in v:
            refs(c, f)

b = copy.deepcopy(src)
cond, keep = {}, []
for e in b["entry"]:
    r = e["resource"]
    if r["resourceType"] in ("Organization", "Practitioner", "Location", "PractitionerRole"):
        idf = (r.get("identifier") or [{"system": "https://github.com/synthetichealth/synthea", "value": r["id"]}])[0]
        cond[e["fullUrl"]] = "%s?identifier=%s|%s" % (r["resourceType"], idf.get("system"), idf.get("value"))
    else:
        keep.append(e)
b["entry"] = keep
refs(b, lambda x: cond.get(x, x))
assert cond, "the fixture has directory resources"
json.dump(b, open(sys.argv[2], "w", encoding="utf-8"))

b = copy.deepcopy(src)
b["type"] = "searchset"
rel = {}
for e in b["entry"]:
    r = e["resource"]
    rel[e["fullUrl"]] = "%s/%s" % (r["resourceType"], r["id"])
    e["fullUrl"] = "https://fhir.example.org/r4/" + rel[e["fullUrl"]]
    e.pop("request", None)
    e["search"] = {"mode": "match"}
refs(b, lambda x: rel.get(x, x))
json.dump(b, open(sys.argv[3], "w", encoding="utf-8"))

b = copy.deepcopy(src)
b["type"] = "transaction"
for e in b["entry"]:
    assert e["fullUrl"].startswith("urn:uuid:")
    del e["resource"]["id"]
    e["request"] = {"method": "POST", "url": e["resource"]["resourceType"]}
json.dump(b, open(sys.argv[4], "w", encoding="utf-8"))
EOF
for shape in split-dir server tx; do
    world_patient "$shape"
    expect 0 "$shape" import "$W/$shape.json" --patient "$shape"
    expect 0 "$shape" export --patient "$shape" --out "$W/$shape.out.json"
    exact "$shape" "$W/$shape.out.json" "$W/$shape.json"
    if diff <(jq -r '.entry[].fullUrl' "$W/$shape.json" | sort) <(jq -r '.entry[].fullUrl' "$W/$shape.out.json" | sort) >/dev/null; then
        ok "$shape: exported under the bundle's own fullUrls"
    else bad "$shape: the fullUrls changed"; fi
done
n_cond=$(grep -o '"reference": *"[A-Za-z]*?identifier=' "$W/split-dir.out.json" | wc -l)
[ "$n_cond" -gt 10 ] && ok "split-dir: $n_cond conditional references kept" || bad "split-dir: $n_cond conditional references"

# ---- record put / get of a resource with hard numbers -------------------------------------
cat >"$W/put.json" <<EOF
{"resourceType": "Observation", "id": "put-decimals", "status": "final", "code": {"text": "Put decimals"},
 "subject": {"reference": "Patient/$PID"},
 "valueQuantity": {"value": 1E400, "unit": "g"},
 "component": [{"code": {"text": "a"}, "valueQuantity": {"value": 12345678901234567890123}},
               {"code": {"text": "b"}, "valueQuantity": {"value": -0}}, {"code": {"text": "c"}, "valueQuantity": {"value": 1.10}}]}
EOF
expect 0 syn record put --patient syn --section results --type Observation "$W/put.json"
expect 0 syn record get --patient syn --section results --json
python3 - "$W/out" "$W/put.json" >"$W/exact" 2>&1 <<EOF
import json, sys
sys.path.insert(0, "$ROOT/tests/client")
import fhir_exact as fe
doc = fe.load(sys.argv[1])
want = fe.load(sys.argv[2])
got = [fe.member(e, "payload") for e in fe.member(doc, "entries") if fe.member(e, "type") == "Observation"]
got = [p for p in got if isinstance(p, tuple) and fe.member(p, "id") == "put-decimals"]
assert len(got) == 1, "%d payloads" % len(got)
d = fe.first_difference(want, got[0])
assert d is None, d
print("record get --json gives the put resource exactly")
EOF
if [ $? = 0 ]; then ok "syn: $(cat "$W/exact")"; else bad "syn: record get: $(tail -2 "$W/exact" | paste -sd';')"; fi
verbatim "$W/out" 1E400 12345678901234567890123 -0 1.10

# ---- reports keep the lexemes -------------------------------------------------------------------
expect 0 dr-a report professional --patient syn --json
if jq -e '[.blocks[] | select(.name == "results") | .rows[][] | select(test("^140\\.52 mm\\[Hg\\]$"))] | length == 1' "$W/out" >/dev/null; then
    ok "dr-a's professional report shows 140.52 mm[Hg]"
else bad "dr-a's professional report lacks '140.52 mm[Hg]': $(jq -c '[.blocks[] | select(.name == "results") | .rows[] | select(.[0] | test("Synthetic|Put"))]' "$W/out" | head -c 600)"; fi
if jq -e '[.blocks[] | select(.name == "results") | .rows[][] | select(test("^1E400 g$"))] | length == 1' "$W/out" >/dev/null; then
    ok "dr-a's professional report shows 1E400 g"
else bad "dr-a's professional report lacks '1E400 g': $(jq -c '[.blocks[] | select(.name == "results") | .rows[] | select(.[0] | test("Put"))]' "$W/out" | head -c 600)"; fi
expect 0 syn research publish --patient syn
expect 0 res report research --patient syn --json
if jq -e '[.blocks[] | select(.name == "results") | .rows[][] | select(test("^140\\.52 mm\\[Hg\\]$"))] | length == 1' "$W/out" >/dev/null; then
    ok "the research report shows 140.52 mm[Hg]"
else bad "the research report lacks '140.52 mm[Hg]'"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
