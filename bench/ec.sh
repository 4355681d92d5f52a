#!/usr/bin/env bash
# Curve benchmarks in one run: carekey (bench_ec), blst (@chainsafe/blst)
# and noble (@noble/curves) on the same keypair, message and signature,
# then the two ratios the issue asks for. Prints `bench NAME VALUE UNIT`.
# Usage: bench/ec.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin="$build/bench/ec/bench_ec"
[ -x "$bin" ] || { echo "bench/ec.sh: $bin missing (build first)" >&2; exit 2; }

out=$("$bin")
grep '^bench ' <<<"$out"
input() { awk -v k="$1" '$1 == "input" && $2 == k { print $3 }' <<<"$out"; }
pk=$(input pk); sig=$(input sig); sig_pop=$(input sig_pop); msg=$(input msg)

if [ -d tests/js/node_modules/@chainsafe/blst ] && [ -d tests/js/node_modules/@noble/curves ]; then
  ext=$(node bench/ec/blst.mjs "$pk" "$sig_pop" "$msg") || { echo "bench/ec.sh: blst run failed" >&2; exit 1; }
  ext+=$'\n'$(node bench/ec/noble.mjs "$pk" "$sig" "$msg") || { echo "bench/ec.sh: noble run failed" >&2; exit 1; }
  echo "$ext"
  all=$(printf '%s\n%s\n' "$out" "$ext")
  val() { awk -v k="$1" '$1 == "bench" && $2 == k { print $3 }' <<<"$all"; }
  awk -v c="$(val ec.bls_verify)" -v b="$(val blst.verify)" \
    'BEGIN { printf "bench ratio.verify_carekey_over_blst %.2f x\n", c / b }'
  awk -v c="$(val ec.pairing)" -v n="$(val noble.pairing)" \
    'BEGIN { printf "bench speedup.pairing_vs_noble %.1f x\n", n / c }'
else
  echo "bench/ec.sh: tests/js/node_modules missing (make deps-npm); ratios skipped" >&2
fi
