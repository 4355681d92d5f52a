#!/usr/bin/env bash
# Curve benchmarks in one run: carekey (bench_ec), blst (@chainsafe/blst)
# and noble (@noble/curves) on the same keypair, message and signature,
# then the two ratios the issue asks for. The three take turns for
# BENCH_EC_ROUNDS rounds (default 3), each round on bench_ec's fresh inputs,
# and every figure is the median over the rounds: a host busy for a second
# slows all three alike instead of one of them. Prints `bench NAME VALUE UNIT`.
# Usage: bench/ec.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin="$build/bench/ec/bench_ec"
rounds=${BENCH_EC_ROUNDS:-3}
[ -x "$bin" ] || { echo "bench/ec.sh: $bin missing (build first)" >&2; exit 2; }
ext=1
if [ ! -d tests/js/node_modules/@chainsafe/blst ] || [ ! -d tests/js/node_modules/@noble/curves ]; then
  echo "bench/ec.sh: tests/js/node_modules missing (make deps-npm); ratios skipped" >&2
  ext=0
fi

all=""
for _ in $(seq "$rounds"); do
  out=$("$bin")
  all+=$(grep '^bench ' <<<"$out")$'\n'
  [ "$ext" = 1 ] || continue
  input() { awk -v k="$1" '$1 == "input" && $2 == k { print $3 }' <<<"$out"; }
  pk=$(input pk); sig=$(input sig); sig_pop=$(input sig_pop); msg=$(input msg)
  all+=$(node bench/ec/blst.mjs "$pk" "$sig_pop" "$msg") || { echo "bench/ec.sh: blst run failed" >&2; exit 1; }
  all+=$'\n'$(node bench/ec/noble.mjs "$pk" "$sig" "$msg") || { echo "bench/ec.sh: noble run failed" >&2; exit 1; }
  all+=$'\n'
done

# The median of each figure over the rounds, in the order first printed.
med=$(awk '$1 == "bench" { if (!($2 in n)) order[++k] = $2; v[$2, ++n[$2]] = $3; unit[$2] = $4 }
  END { for (i = 1; i <= k; i++) { key = order[i]; c = n[key]
          for (a = 1; a <= c; a++) s[a] = v[key, a]
          for (a = 1; a <= c; a++) for (b = a + 1; b <= c; b++) if (s[b] < s[a]) { t = s[a]; s[a] = s[b]; s[b] = t }
          m = c % 2 ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2
          printf "bench %s %.3f %s\n", key, m, unit[key] } }' <<<"$all")
echo "$med"
echo "info ec: medians of $rounds rounds (carekey, blst, noble in turn)"
if [ "$ext" = 1 ]; then
  val() { awk -v k="$1" '$1 == "bench" && $2 == k { print $3 }' <<<"$med"; }
  awk -v c="$(val ec.bls_verify)" -v b="$(val blst.verify)" \
    'BEGIN { printf "bench ratio.verify_carekey_over_blst %.2f x\n", c / b }'
  awk -v c="$(val ec.pairing)" -v n="$(val noble.pairing)" \
    'BEGIN { printf "bench speedup.pairing_vs_noble %.1f x\n", n / c }'
fi
