#!/usr/bin/env bash
# Run the benchmarks of one area (ec, abe, server, records, care) or all.
# Every figure is printed as `bench NAME VALUE UNIT`.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}; area=${2:-all}
ran=0
# BENCH=node (FHIR API part): `carekey fhir serve` as a doctor
# (bench/node_fhir.sh: node.report_professional.FIXTURE, node.fhir_search).
bench_node_fhir() {
  if [ "$area" = all ] || [ "$area" = node ]; then
    echo "== bench node (FHIR API)"
    bench/node_fhir.sh "$build"
    ran=1
  fi
}
bench_node_fhir
for a in ec abe seal server records care agent; do
  if [ "$area" = all ] || [ "$area" = "$a" ]; then
    if [ -x "bench/$a.sh" ]; then
      echo "== bench $a"
      "bench/$a.sh" "$build"
      ran=1
    fi
  fi
done
# BENCH=node (care part): admissions through the node API, warm session
# (bench/node_admit.sh: node.admit, node.admit_month and their ratio).
bench_node_admit() {
  if [ "$area" = all ] || [ "$area" = node ]; then
    echo "== bench node (admissions)"
    bench/node_admit.sh "$build"
    ran=1
  fi
}
bench_node_admit
# BENCH=ui: the professional report page in headless Chromium
# (bench/ui.sh: ui.report_page.FIXTURE, target <= 300 ms).
bench_ui() {
  if [ "$area" = all ] || [ "$area" = ui ]; then
    echo "== bench ui"
    bench/ui.sh "$build"
    ran=1
  fi
}
bench_ui
[ "$ran" = 1 ] || { echo "bench: no benchmarks for area '$area'" >&2; exit 2; }
