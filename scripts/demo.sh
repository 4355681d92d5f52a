#!/usr/bin/env bash
# `make demo`: the stories carekey can tell so far. Today: the curve demo
# (a BLS signature made, verified, and a tampered entry rejected, with
# timings). The Makefile builds first.
# Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
demo="$build/bench/ec/ec_demo"
[ -x "$demo" ] || { echo "demo: $demo missing (build first: make build)" >&2; exit 2; }
"$demo"
