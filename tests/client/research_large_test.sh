#!/usr/bin/env bash
# tests/client/research_large_test.sh CAREKEY CAREKEYD FIXTURE_DIR
#
# A research copy larger than one request (ctest cli_research_large). The
# largest fixture (Parker) with its resources copied six times under fresh
# ids: about 4 MiB of FHIR, one Patient. Against a real carekeyd
# (tests/client/world.sh, its default 1 MiB request limit) the patient
# imports it and runs 'research publish', which must split the
# de-identified copy into parts of at most 512 KiB written as one batch;
# then the researcher's 'report research' reads the whole copy: every
# clinical block holds as many rows as the patient's own professional
# report, the demographics row has a three-digit zip3 and no identifying
# string of the Patient. A second publish replaces the copy (the report
# still counts each resource once).
# Prints "ok"/"FAIL" lines and "N passed, N failed"; exit 1 if any failed.
set -uo pipefail
export LC_ALL=C
CK=${1:?usage: research_large_test.sh CAREKEY CAREKEYD FIXTURE_DIR}
CKD=${2:?carekeyd}
FIXDIR=${3:?fixture directory}
for v in CK CKD FIXDIR; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v jq >/dev/null || { echo "research_large_test: jq is needed (scripts/bootstrap.sh installs it)" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/carekey-research.XXXXXX")
cleanup() {
    world_stop
    if [ -n "${KEEP:-}" ]; then echo "kept $W"; else rm -rf "$W"; fi
}
export CAREKEY_PASSPHRASE='research passphrase'
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
same() { if [ "$1" = "$2" ]; then ok "$3"; else bad "$3: got '$1', want '$2'"; fi; }

# ---- a large bundle: Parker's resources six times over, one Patient -----------------------
FX=$(ls "$FIXDIR"/Parker_Casper_*.json)
python3 - "$FX" 6 "$W/large.json" <<'EOF'
import copy, json, sys
src, copies, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
b = json.load(open(src, encoding="utf-8"))
entries = list(b["entry"])
for k in range(1, copies):
    for e in b["entry"]:
        r = copy.deepcopy(e["resource"])
        if r["resourceType"] == "Patient":
            continue
        # a fresh id of the same shape (a UUID stays one); references keep
        # pointing at the originals, which are in the bundle
        r["id"] = "%08x%s" % (k, r["id"][8:]) if len(r["id"]) == 36 else "%s-c%d" % (r["id"], k)
        entries.append({"fullUrl": "urn:uuid:" + r["id"], "resource": r})
b["entry"] = entries
json.dump(b, open(out, "w", encoding="utf-8"), separators=(",", ":"))
EOF
size=$(stat -c %s "$W/large.json")
if [ "$size" -gt $((3 << 20)) ]; then ok "the bundle is $size bytes, $(jq '.entry | length' "$W/large.json") resources"
else bad "the bundle is only $size bytes"; fi

world_setup "sqlite:$W/carekey.db"
world_patient pl
world_run world_as pl grant --patient pl --gid res --read
expect 0 pl import "$W/large.json" --patient pl
expect 0 pl report professional --patient pl --json
cp "$W/out" "$W/professional.json"

# ---- publish: parts of at most 512 KiB, one batch ----------------------------------------------
expect 0 pl research publish --patient pl
parts=$(sed -n 's/.* in \([0-9]*\) parts* of .*/\1/p' "$W/out")
if [ "${parts:-0}" -ge 4 ]; then ok "published in $parts parts"; else bad "published in '${parts}' parts: $(cat "$W/out")"; fi
expect 0 pl record list --patient pl
same "$(awk '$4 == "research" && $7 == "current"' "$W/out" | wc -l | tr -d ' ')" "$parts" "the record holds $parts current research parts"
same "$(awk '$4 == "batch" && $7 == "commit"' "$W/out" | wc -l | tr -d ' ')" 2 "two commits: the import's and the research copy's"
expect 0 pl record verify --patient pl
# the researcher opens every part and nothing else (each part fits a request:
# carekeyd runs with its default 1 MiB limit)
expect 0 res record get --patient pl --json
same "$(jq '[.entries[] | select(.status == "ok") | .section] | unique | join(",")' -r "$W/out")" research \
    "the researcher opens the research section only"
same "$(jq '[.entries[] | select(.status == "ok")] | length' "$W/out")" "$parts" "the researcher opens all $parts parts"
if jq -e '[.entries[] | select(.status == "ok") | .payload | tojson | length] | max < 524288 + 4096' "$W/out" >/dev/null; then
    ok "every part holds at most 512 KiB of JSON"
else bad "a part exceeds 512 KiB: $(jq -c '[.entries[] | select(.status == "ok") | .payload | tojson | length]' "$W/out")"; fi
total=$(jq '[.entries[] | select(.status == "ok") | .payload | tojson | length] | add' "$W/out")
if [ "$total" -gt $((2 << 20)) ]; then ok "the research copy is $total bytes"; else bad "the research copy is only $total bytes"; fi

# ---- the researcher's report reads the whole copy ---------------------------------------------
# check_research: each clinical block has as many rows as the patient's professional report
check_research() {
    local tag=$1 msg
    expect 0 res report research --patient pl --json
    msg=$(jq -rn --slurpfile r "$W/out" --slurpfile p "$W/professional.json" '
        ($p[0].blocks | map({key: .name, value: (.rows | length)}) | from_entries) as $P
        | [$r[0].blocks[] | select(.name != "demographics") | select(.status != "shared" or (.rows | length) != $P[.name])
           | "\(.name): \(.status), \(.rows | length) rows, the patient sees \($P[.name])"] | .[]')
    if [ -z "$msg" ]; then ok "$tag: every clinical block complete ($(jq -c '[.blocks[] | {(.name): (.rows | length)}] | add' "$W/out"))"
    else bad "$tag: $(head -3 <<<"$msg" | paste -sd';')"; fi
    if jq -e '[.blocks[] | select(.name == "demographics")][0] as $d
              | ($d.columns | index("zip3")) as $z | $z != null and ($d.rows | length) == 1 and ($d.rows[0][$z] | test("^[0-9]{3}$"))' \
        "$W/out" >/dev/null; then ok "$tag: the demographics row has a zip3 of three digits"
    else bad "$tag: no zip3: $(jq -c '.blocks[] | select(.name == "demographics")' "$W/out" | head -c 400)"; fi
    msg=
    while IFS=$'\t' read -r kind s; do
        grep -qF -- "$s" "$W/out" && msg="$msg $kind"
    done < <(world_identifiers "$FX")
    if [ -z "$msg" ]; then ok "$tag: no identifying string of the Patient"; else bad "$tag: identifying strings:$msg"; fi
}
check_research "first copy"
if [ "$(jq '[.blocks[] | select(.name == "results") | .rows | length] | add' "$W/out")" -gt 1000 ]; then
    ok "the results block holds over 1000 rows"
else bad "the results block is small: $(jq '[.blocks[] | select(.name == "results") | .rows | length]' "$W/out")"; fi

# ---- a second publish replaces the copy ---------------------------------------------------------
expect 0 pl research publish --patient pl
check_research "second copy"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
