#!/usr/bin/env bash
# Run every libFuzzer target of a CK_FUZZ=ON build for SECONDS each, seeded
# with its committed corpus. New inputs go to BUILD/fuzz/work/<target>
# (the committed corpus is left alone); crashes go to BUILD/fuzz/artifacts.
# Usage: scripts/fuzz.sh BUILD_DIR [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: scripts/fuzz.sh BUILD_DIR [SECONDS]}
seconds=${2:-30}
# Every fuzz_* binary of the build that has a corpus folder (ec decoders,
# and whatever other layers add to fuzz/CMakeLists.txt).
targets=()
for bin in "$build"/fuzz/fuzz_*; do
  t=$(basename "$bin")
  [ -x "$bin" ] && [ -f "$bin" ] && [ -d "fuzz/corpus/$t" ] && targets+=("$t")
done
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no fuzz targets in $build/fuzz (configure with CC=clang -DCK_FUZZ=ON)" >&2; exit 2; }

mkdir -p "$build/fuzz/artifacts"
status=0
for t in "${targets[@]}"; do
  bin="$build/fuzz/$t"
  if [ ! -x "$bin" ]; then
    echo "fuzz: $bin missing (configure with -DCK_FUZZ=ON and CC=clang)" >&2
    exit 2
  fi
  work="$build/fuzz/work/$t"
  mkdir -p "$work"
  echo "== fuzz $t for ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
       "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
       -artifact_prefix="$build/fuzz/artifacts/$t-" "$work" "fuzz/corpus/$t" \
       >"$build/fuzz/$t.log" 2>&1; then
    echo "fuzz: $t FAILED (log: $build/fuzz/$t.log)"; tail -30 "$build/fuzz/$t.log"
    status=1
  else
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$build/fuzz/$t.log" | tr '\n' ' '
    echo "corpus now $(ls "$work" | wc -l) + $(ls "fuzz/corpus/$t" | wc -l) seeds"
  fi
done
exit $status
