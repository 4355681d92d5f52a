#!/usr/bin/env bash
# The node's FHIR API benchmarks (issue 11; BENCH=node runs it): `carekey
# fhir serve` as dr-a (doctor at hosp-a, with read standing on every
# patient) against a real carekeyd on SQLite, in the world of
# tests/client/world.sh, one patient per FHIR fixture of tests/fixtures/fhir.
#
#   node.report_professional.FIXTURE  GET /fhir/Patient/{id}/$everything,
#                       warm: the median of BENCH_REPS (default 21) requests
#                       after one untimed warm-up (the cold one: fetch, verify,
#                       decrypt every readable entry); curl's time_total (a new
#                       connection each). Target <= 30 ms.
#   node.fhir_search.median / .p99    Observation?patient=P&code=SYS|CODE&_count=20
#                       on the largest fixture, 8 concurrent keep-alive clients,
#                       BENCH_SEARCH_REQS (default 50) requests each
#                       (bench/node/fhir_load.mjs).
# Every warm request still asks carekeyd for the record's head (one signed
# request): that is how the node knows its decrypted copy is current.
#
#   bench/node_fhir.sh BUILD_DIR
set -euo pipefail
BENCH_AREA=node_fhir
# shellcheck source=cli_world.sh
. "$(dirname "$0")/cli_world.sh"
command -v node >/dev/null || { echo "bench/node_fhir.sh: node is needed" >&2; exit 2; }
command -v curl >/dev/null || { echo "bench/node_fhir.sh: curl is needed" >&2; exit 2; }
REPS=${BENCH_REPS:-21}
SEARCH_REQS=${BENCH_SEARCH_REQS:-50}
SRV=

world_setup "sqlite:$W/carekey.db"
k=0
args=()
declare -A PT
for fx in "$ROOT"/tests/fixtures/fhir/*.json; do
    k=$((k + 1))
    world_patient "bp-$k"
    world_run world_as "bp-$k" import "$fx" --patient "bp-$k"
    world_run world_as "bp-$k" grant --patient "bp-$k" --to dr-a --read
    PT[$fx]=bp-$k
    args+=(--patient "bp-$k")
done
"$CK" fhir serve --home "$(world_home dr-a)" --port-file "$W/api.port" "${args[@]}" 2>"$W/api.log" &
SRV=$!
trap '[ -z "$SRV" ] || kill "$SRV" 2>/dev/null; cleanup' EXIT
world_wait_file "$W/api.port"
BASE="http://127.0.0.1:$(cat "$W/api.port")/fhir"
TOKEN=$(cat "$(world_home dr-a)/api-token")
echo "info node_fhir: carekey fhir serve as dr-a ($BASE, 4 workers), carekeyd on SQLite ($W); medians of $REPS warm requests"

# get_ms URL: one GET, its time_total in ms (stops the bench unless 200)
get_ms() {
    local out
    out=$(curl -s -o "$W/body.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "$1")
    [ "${out% *}" = 200 ] || { echo "bench/node_fhir.sh: GET $1: ${out% *} $(head -c 300 "$W/body.json")" >&2; exit 1; }
    awk -v t="${out#* }" 'BEGIN { printf "%.2f\n", t * 1000 }'
}

summary=()
big= big_n=0
for fx in "$ROOT"/tests/fixtures/fhir/*.json; do
    name=$(basename "$fx" .json | cut -d_ -f1-2) p=${PT[$fx]}
    cold=$(get_ms "$BASE/Patient/$p/\$everything")
    n_res=$(jq '.total' "$W/body.json")
    n_obs=$(jq '[.entry[].resource | select(.resourceType == "Observation")] | length' "$W/body.json")
    if [ "$n_obs" -gt "$big_n" ]; then big=$p big_n=$n_obs; cp "$W/body.json" "$W/big.json"; fi
    t=()
    for _ in $(seq "$REPS"); do t+=("$(get_ms "$BASE/Patient/$p/\$everything")"); done
    m=$(echo "${t[*]}" | median)
    echo "bench node.report_professional.$name $m ms"
    echo "info node.report_professional.$name: $n_res resources, $(stat -c %s "$W/body.json") bytes; cold (fetch, verify, decrypt) $cold ms; warm [${t[*]}] ms"
    summary+=("$name $m")
done

code=$(jq -r '[.entry[].resource | select(.resourceType == "Observation") | .code.coding[0] | select(.system) | "\(.system)|\(.code)"] | group_by(.) | max_by(length) | .[0]' "$W/big.json")
enc=$(jq -rn --arg c "$code" '$c | @uri')
url="$BASE/Observation?patient=$big&code=$enc&_count=20"
get_ms "$url" >/dev/null
read -r med p99 rps < <(node "$ROOT/bench/node/fhir_load.mjs" "$url" "$TOKEN" 8 "$SEARCH_REQS")
echo "bench node.fhir_search.median $med ms"
echo "bench node.fhir_search.p99 $p99 ms"
echo "info node.fhir_search: Observation?patient=$big&code=$code&_count=20 ($(jq '.total' "$W/body.json") matches of $big_n Observations), 8 clients x $SEARCH_REQS requests, $rps requests/s"

for line in "${summary[@]}"; do
    read -r name m <<<"$line"
    awk -v n="$name" -v m="$m" 'BEGIN { printf "info node targets %s: report_professional (warm $everything) %.1f ms (<= 30: %s)\n", n, m, m <= 30 ? "met" : "MISSED" }'
done
