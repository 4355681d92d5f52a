#!/usr/bin/env bash
# Server benchmarks: appends/s (16 clients, signed 1 KiB entries, each
# client its own record) and entry reads/s (64 keep-alive connections),
# with median and p99 latency, against a real carekeyd on loopback, for
# SQLite and for a PostgreSQL server started in a temporary directory.
# ckbench (bench/server/ckbench.c) shares the machine with carekeyd, so its
# loops are lean: one thread, plain sockets, every entry signed and every
# request authenticated as a long-lived client does it: a signed handshake
# per connection, then an HMAC per request in that session (docs/API.md,
# "Sessions"; CKBENCH_AUTH=sign signs every request instead). `appendcurl`
# / `readcurl` drive the client library instead.
#
#   bench/server.sh BUILD_DIR
#
# Prints `bench NAME VALUE UNIT` lines (medians over BENCH_ROUNDS
# interleaved rounds, default 5) and an `info` line per round. Bounded: at
# most BENCH_SECONDS (default 8) and a fixed request budget per phase.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
carekeyd=$build/src/server/carekeyd
ckbench=$build/bench/server/ckbench
secs=${BENCH_SECONDS:-8}
[ -x "$carekeyd" ] && [ -x "$ckbench" ] || { echo "bench/server.sh: build carekeyd and ckbench first" >&2; exit 1; }

tmp=$(mktemp -d /tmp/ckbench.XXXXXX)
chmod 755 "$tmp"
daemons=()
PGBIN=""
as_pg=()
cleanup() {
  [ ${#daemons[@]} -gt 0 ] && kill "${daemons[@]}" 2>/dev/null && wait "${daemons[@]}" 2>/dev/null || true
  [ -n "$PGBIN" ] && "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$tmp/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

admin_sk=$(openssl rand -hex 32)
admin_pk=$("$ckbench" pubkey "$admin_sk")

start() { # db-url extra-args...
  local db=$1; shift
  rm -f "$tmp/port"
  "$carekeyd" --port 0 --port-file "$tmp/port" --db "$db" --admin-key "$admin_pk" \
    --rate-limit 0 --per-ip-conns 256 --log-level warn "$@" 2>>"$tmp/carekeyd.log" &
  daemons+=($!)
  for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
  [ -s "$tmp/port" ] || { echo "carekeyd did not start" >&2; tail "$tmp/carekeyd.log" >&2; exit 1; }
  url="http://127.0.0.1:$(cat "$tmp/port")"
}

# One phase on one store: NAME MODE CLIENTS URL... (the clients split over
# the URLs, one ckbench each, their rates added; latency: the worse). Its
# three figures go to $tmp/NAME.MODE.ROUND.
phase() {
  local name=$1 mode=$2 clients=$3 round=$4; shift 4
  local n=$# i=0 pids=() files=()
  for u in "$@"; do
    "$ckbench" "$u" "$admin_sk" "$name" "$mode" $((clients / n)) "$secs" $((budget[$mode] / n)) >"$tmp/part.$i" &
    pids+=($!); files+=("$tmp/part.$i"); i=$((i + 1))
  done
  wait "${pids[@]}"
  awk -v n=$name -v m=$mode '$2 ~ "_per_s$" {s += $3} $2 ~ "_p50_ms$" && $3 > p50 {p50 = $3} $2 ~ "_p99_ms$" && $3 > p99 {p99 = $3}
    END { printf "%.0f %.2f %.2f\n", s, p50, p99 }' "${files[@]}" >"$tmp/$name.$mode.$round"
}

# The median over the rounds of field F (1 rate, 2 p50, 3 p99).
median() { # NAME MODE F
  cat "$tmp/$1.$2".* | awk -v f=$3 '{print $f}' | sort -g | awk '{v[NR] = $1} END {
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

report() { # NAME
  local name=$1 m p99=0 v
  for m in append read; do
    [ -s "$tmp/$name.$m.1" ] || continue
    printf "bench server.%s.%s_per_s %.0f /s\n" "$name" "$m" "$(median "$name" $m 1)"
    printf "bench server.%s.%s_p50_ms %.2f ms\n" "$name" "$m" "$(median "$name" $m 2)"
    v=$(median "$name" $m 3)
    printf "bench server.%s.%s_p99_ms %.2f ms\n" "$name" "$m" "$v"
    p99=$(awk -v a="$p99" -v b="$v" 'BEGIN {print (b > a ? b : a)}')
  done
  printf "bench server.%s.p99_ms %.2f ms\n" "$name" "$p99" # headline: the worse workload
}

declare -A budget=([append]=60000 [read]=200000)
rounds=${BENCH_ROUNDS:-5}

# ---- SQLite: reads and appends do not block worker threads (the store's
# writer resumes suspended connections), so a few threads suffice.
start "sqlite:$tmp/bench.db" --threads 4
url_sq=$url

# ---- PostgreSQL (skipped with a note if the server binaries are missing)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
pg_urls=()
if [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ]; then
  if [ "$(id -u)" = 0 ]; then chown postgres "$tmp"; as_pg=(runuser -u postgres --); fi
  "${as_pg[@]}" "$PGBIN/initdb" -D "$tmp/pg" -A trust -U postgres -E UTF8 >/dev/null
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w \
    -o "-k $tmp -c listen_addresses='' -p 5432 -c max_connections=200 -c shared_buffers=128MB" start >/dev/null
  # Two carekeyd instances on one database (the issue's setting), each
  # given half of the clients; their rates add up. Appends and the commits
  # of reads suspend their connection; a read that misses the record cache
  # queries on its worker (BENCH_PG_POOL and BENCH_PG_THREADS size each
  # instance).
  pgurl="postgresql:///postgres?host=$tmp&port=5432&user=postgres"
  pool=${BENCH_PG_POOL:-16} thr=${BENCH_PG_THREADS:-32}
  start "$pgurl" --db-pool "$pool" --threads "$thr"; pg_urls=("$url")
  start "$pgurl" --db-pool "$pool" --threads "$thr"; pg_urls+=("$url")
else
  echo "bench/server.sh: PostgreSQL not installed, skipping server.postgres" >&2
  PGBIN=""
fi

# ---- the phases, interleaved: each round runs one store's appends, then
# the other's, then the reads likewise, so a change in the shared
# machine's load touches both stores alike; the store that goes first
# alternates from round to round (the one that follows meets the other's
# background work: PostgreSQL's writer and autovacuum, say). Every figure
# is the median over BENCH_ROUNDS rounds (default 5); each ratio is the
# median of the rounds' own ratios, two phases run back to back.
# Appends: 16 clients; reads: 64.
for r in $(seq "$rounds"); do
  for m in append read; do
    clients=$([ $m = append ] && echo 16 || echo 64)
    if [ $((r % 2)) = 1 ] || [ ${#pg_urls[@]} = 0 ]; then
      phase sqlite $m $clients "$r" "$url_sq"
      [ ${#pg_urls[@]} -gt 0 ] && phase postgres $m $clients "$r" "${pg_urls[@]}"
    else
      phase postgres $m $clients "$r" "${pg_urls[@]}"
      phase sqlite $m $clients "$r" "$url_sq"
    fi
  done
  [ ${#pg_urls[@]} -gt 0 ] && awk '{print $1}' "$tmp"/{sqlite,postgres}.{append,read}."$r" | paste -sd' ' |
    awk -v r="$r" '{printf "info server: round %d: appends/s sqlite %d postgres %d (%.2f), reads/s sqlite %d postgres %d (%.2f)\n",
      r, $1, $3, $3 / $1, $2, $4, $4 / $2}' >&2
done
kill "${daemons[@]}"; wait "${daemons[@]}" || true
daemons=()
report sqlite | tee "$tmp/sqlite.out"
if [ ${#pg_urls[@]} -gt 0 ]; then
  report postgres | tee "$tmp/pg.out"
  # ---- ratios against SQLite, same machine, same run (targets >= 0.7):
  # the median of the rounds' ratios
  for m in append read; do
    for r in $(seq "$rounds"); do
      awk 'NR == 1 {s = $1} NR == 2 && s > 0 {print $1 / s}' "$tmp/sqlite.$m.$r" "$tmp/postgres.$m.$r"
    done | sort -g | awk -v m=$m '{v[NR] = $1} END { if (NR) printf "bench ratio.postgres_over_sqlite.%s %.2f x\n", m,
      NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
  done
fi

# ---- failover (the cluster test's: median unavailability over three
# SIGKILLs of the primary and one switchover); BENCH_FAILOVER=0 skips it.
if [ "${BENCH_FAILOVER:-1}" != 0 ] && command -v patroni >/dev/null && [ -x "$build/tests/cluster/cluster_driver" ]; then
  "$root/tests/cluster/run_cluster.sh" "$carekeyd" "$build/tests/cluster/cluster_driver" >"$tmp/cluster.out" 2>&1 ||
    echo "bench/server.sh: the cluster test failed (failover figure below is from a failed run)" >&2
  awk '/^server.failover_s/ {printf "bench server.failover_s %s s\n", $2}' "$tmp/cluster.out"
fi
