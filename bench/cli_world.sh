# bench/cli_world.sh - what the end-to-end CLI benchmarks (records.sh,
# care.sh) share: the binaries, a temporary world of tests/client/world.sh
# (carekeyd on SQLite, loopback; keyrings at scrypt cost 2^10), a timer for
# whole CLI processes and a median. Sourced, with BENCH_AREA set (for
# messages) and the build directory as $1; extra binaries the bench needs
# are checked with bench_need.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
CK=$build/bin/carekey
CKD=$build/src/server/carekeyd
bench_need() {
    local f
    for f in "$@"; do [ -x "$f" ] || { echo "bench/$BENCH_AREA.sh: $f missing (build first)" >&2; exit 2; }; done
}
bench_need "$CK" "$CKD"
command -v jq >/dev/null || { echo "bench/$BENCH_AREA.sh: jq is needed (scripts/bootstrap.sh)" >&2; exit 2; }

W=$(mktemp -d "${TMPDIR:-/tmp}/ckbench-$BENCH_AREA.XXXXXX")
export CAREKEY_PASSPHRASE='bench passphrase'
WORLD_KDF=10
# shellcheck source=../tests/client/world.sh
. "$ROOT/tests/client/world.sh"
cleanup() { world_stop; rm -rf "$W"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# time_ms CMD...: runs CMD (quiet; stops the bench on failure), prints its wall time in ms
time_ms() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >"$W/cmd.log" 2>&1 || { echo "bench/$BENCH_AREA.sh: failed: ${*/#$CK/carekey}" >&2; sed 's/^/  | /' "$W/cmd.log" >&2; exit 1; }
    t1=$(date +%s%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) / 1e6 }'
}
# median: the median of the numbers on standard input (spaces or lines)
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
