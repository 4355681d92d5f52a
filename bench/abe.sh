#!/usr/bin/env bash
# MA-ABE and envelope benchmarks: keygen, encrypt/decrypt for AND policies
# of 1/10/50/100 attributes over 3 authorities and a 3-of-5 threshold,
# AES-256-GCM throughput, decrypt and open (decode + decrypt) and10 against
# the pairing floor, and many envelopes on a worker pool (1 vs 2 threads).
# Prints `bench NAME VALUE UNIT` (and `info` lines on the conditions).
# Usage: bench/abe.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin="$build/bench/abe/bench_abe"
[ -x "$bin" ] || { echo "bench/abe.sh: $bin missing (build first)" >&2; exit 2; }
out=$("$bin")
echo "$out"
val() { awk -v k="$1" '$1 == "bench" && $2 == k { print $3 }' <<<"$out"; }
# issue 14 targets on this machine (informational; timings never fail a run)
awk -v d="$(val abe.decrypt.and10)" -v e="$(val abe.encrypt.and10)" -v o="$(val abe.open.and10)" \
    -v r="$(val ratio.abe_open_and10_over_pairing_floor)" 'BEGIN {
  printf "info abe targets: encrypt.and10 %.2f ms (<= 4: %s), decrypt.and10 %.2f ms (<= 2.5: %s), open.and10 %.2f ms (<= 3.5: %s), open/floor %.2f (<= 1.1: %s)\n",
    e, e <= 4 ? "met" : "MISSED", d, d <= 2.5 ? "met" : "MISSED", o, o <= 3.5 ? "met" : "MISSED", r, r <= 1.1 ? "met" : "MISSED" }'
