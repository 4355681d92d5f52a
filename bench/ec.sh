#!/usr/bin/env bash
# Curve benchmarks in one run: carekey (bench_ec), blst (@chainsafe/blst)
# and noble (@noble/curves) on the same keypair, message and signature,
# then the two ratios the issue asks for. The three take turns for
# BENCH_EC_ROUNDS rounds (default 3), each round on bench_ec's fresh inputs
# and on one core (the next round on the next), and every figure is the
# median over the rounds. Each ratio is the median over pairs of timings
# taken back to back (bench/ec/paired.mjs, BENCH_EC_PAIRS pairs a round,
# default 11): the host's speed changes within a second, so the rounds'
# own ratios (printed as info) can read 0.7 or 1.4 for the same build.
# Prints `bench NAME VALUE UNIT`.
# Usage: bench/ec.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin="$build/bench/ec/bench_ec"
rounds=${BENCH_EC_ROUNDS:-3}
pairs=${BENCH_EC_PAIRS:-11}
[ -x "$bin" ] || { echo "bench/ec.sh: $bin missing (build first)" >&2; exit 2; }
ext=1
if [ ! -d tests/js/node_modules/@chainsafe/blst ] || [ ! -d tests/js/node_modules/@noble/curves ]; then
  echo "bench/ec.sh: tests/js/node_modules missing (make deps-npm); ratios skipped" >&2
  ext=0
fi

# Each round pins carekey's run and the main thread of each node run to one
# core, the next round to the next core: the host's cores can differ in
# speed (by 1.6x at times), and a ratio of runs on two cores measures the
# placement. A node run is pinned once it says it is ready: for noble its
# main thread only (V8's compiler and collector threads keep both cores, as
# in an unpinned run), for blst every thread (@chainsafe/blst runs a
# verification's Miller loop on a thread of its own pool, which would
# otherwise take the other core).
ncores=$(nproc 2>/dev/null || echo 1)
command -v taskset >/dev/null || ncores=1
pinned_js() { # CORE main|all SCRIPT ARGS...
  local core=$1 which=$2 line out
  shift 2
  if [ "$ncores" -lt 2 ]; then node "$@"; return; fi
  coproc JS { CK_BENCH_HANDSHAKE=1 exec node "$@"; }
  local pid=$JS_PID
  read -r line <&"${JS[0]}" || { wait "$pid"; return 1; }
  [ "$line" = ready ] || { echo "bench/ec.sh: $2: expected ready, got: $line" >&2; return 1; }
  if [ "$which" = all ]; then taskset -a -p -c "$core" "$pid" >/dev/null; else taskset -p -c "$core" "$pid" >/dev/null; fi
  echo go >&"${JS[1]}"
  out=$(cat <&"${JS[0]}")
  wait "$pid" || return 1
  echo "$out"
}

all=""
for r in $(seq "$rounds"); do
  core=$(( (r - 1) % ncores ))
  if [ "$ncores" -ge 2 ]; then out=$(taskset -c "$core" "$bin"); else out=$("$bin"); fi
  round=$(grep '^bench ' <<<"$out")$'\n'
  if [ "$ext" = 1 ]; then
    input() { awk -v k="$1" '$1 == "input" && $2 == k { print $3 }' <<<"$out"; }
    pk=$(input pk); sig=$(input sig); sig_pop=$(input sig_pop); msg=$(input msg)
    round+=$(pinned_js "$core" all bench/ec/blst.mjs "$pk" "$sig_pop" "$msg") || { echo "bench/ec.sh: blst run failed" >&2; exit 1; }
    round+=$'\n'$(pinned_js "$core" main bench/ec/noble.mjs "$pk" "$sig" "$msg") || { echo "bench/ec.sh: noble run failed" >&2; exit 1; }
    round+=$'\n'
    # this round's ratios, from runs on one core
    round+=$(awk '$1 == "bench" { v[$2] = $3 }
      END { printf "info ec: round on core %d: verify/blst %.2f, pairing vs noble %.1f\n", core,
              v["ec.bls_verify"] / v["blst.verify"], v["noble.pairing"] / v["ec.pairing"] }' core="$core" <<<"$round")$'\n'
    round+=$(node bench/ec/paired.mjs "$bin" "$([ "$ncores" -ge 2 ] && echo "$core" || echo none)" "$pairs") || { echo "bench/ec.sh: paired run failed" >&2; exit 1; }
    round+=$'\n'
  fi
  all+=$round
done

# The median of each figure over the rounds, in the order first printed.
med=$(awk '$1 == "bench" { if (!($2 in n)) order[++k] = $2; v[$2, ++n[$2]] = $3; unit[$2] = $4 }
  END { for (i = 1; i <= k; i++) { key = order[i]; c = n[key]
          for (a = 1; a <= c; a++) s[a] = v[key, a]
          for (a = 1; a <= c; a++) for (b = a + 1; b <= c; b++) if (s[b] < s[a]) { t = s[a]; s[a] = s[b]; s[b] = t }
          m = c % 2 ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2
          printf "bench %s %.3f %s\n", key, m, unit[key] } }' <<<"$all")
echo "$med"
echo "info ec: medians of $rounds rounds (carekey, blst, noble in turn, each round on one core)"
# the AVX-512 IFMA chain of squarings against the scalar one, same process
awk '$1 == "bench" { v[$2] = $3 }
  END { if ("ec.final_exp_scalar_chain" in v)
          printf "bench speedup.final_exp_ifma_chain %.2f x\ninfo ec: pairing %.1f us with the IFMA chain, %.1f us with the scalar chain\n",
            v["ec.final_exp_scalar_chain"] / v["ec.final_exp"], v["ec.pairing"], v["ec.pairing_scalar_chain"]
        else print "info ec: no AVX-512 IFMA on this host: the scalar chain of squarings only" }' <<<"$med"
if [ "$ext" = 1 ]; then
  grep '^info ec: round' <<<"$all"
  # the ratios: medians over every round's pairs (QUARTILE 1, 2 or 3)
  ratio() { awk -v k="$1" -v q="$2" '$1 == "pair" && $2 == k { v[++n] = $3 }
    END { for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++) if (v[b] < v[a]) { t = v[a]; v[a] = v[b]; v[b] = t }
          x = 1 + (n - 1) * q / 4; i = int(x); print v[i] + (x - i) * (v[i + 1] - v[i]) }' <<<"$all"; }
  for k in verify_carekey_over_blst pairing_vs_noble; do
    printf "info ec: %s over %d pairs: median %.2f, middle half %.2f-%.2f\n" "$k" $((rounds * pairs)) \
      "$(ratio $k 2)" "$(ratio $k 1)" "$(ratio $k 3)"
  done
  printf "bench ratio.verify_carekey_over_blst %.2f x\n" "$(ratio verify_carekey_over_blst 2)"
  printf "bench speedup.pairing_vs_noble %.1f x\n" "$(ratio pairing_vs_noble 2)"
fi
