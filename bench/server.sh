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
# Prints `bench NAME VALUE UNIT` lines. Bounded: at most BENCH_SECONDS
# (default 8) and a fixed request budget per phase.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
carekeyd=$build/src/server/carekeyd
ckbench=$build/bench/server/ckbench
secs=${BENCH_SECONDS:-8}
[ -x "$carekeyd" ] && [ -x "$ckbench" ] || { echo "bench/server.sh: build carekeyd and ckbench first" >&2; exit 1; }

tmp=$(mktemp -d /tmp/ckbench.XXXXXX)
chmod 755 "$tmp"
pid=""
PGBIN=""
as_pg=()
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
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
  pid=$!
  for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
  [ -s "$tmp/port" ] || { echo "carekeyd did not start" >&2; tail "$tmp/carekeyd.log" >&2; exit 1; }
  url="http://127.0.0.1:$(cat "$tmp/port")"
}

stop() { kill "$pid"; wait "$pid" || true; pid=""; }

run() { # name
  local name=$1 a r
  a=$("$ckbench" "$url" "$admin_sk" "$name" append 16 "$secs" 60000)
  r=$("$ckbench" "$url" "$admin_sk" "$name" read 64 "$secs" 200000)
  echo "$a"; echo "$r"
  # Headline p99: the worse of the two workloads.
  local p99a p99r
  p99a=$(awk '/append_p99_ms/ {print $3}' <<<"$a"); p99r=$(awk '/read_p99_ms/ {print $3}' <<<"$r")
  awk -v a="$p99a" -v r="$p99r" -v n="$name" 'BEGIN { printf "bench server.%s.p99_ms %.2f ms\n", n, (a > r ? a : r) }'
}

# ---- SQLite: reads and appends do not block worker threads (the store's
# writer resumes suspended connections), so a few threads suffice.
start "sqlite:$tmp/bench.db" --threads 4
run sqlite | tee "$tmp/sqlite.out"
stop

# ---- PostgreSQL (skipped with a note if the server binaries are missing)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
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
  start "$pgurl" --db-pool "$pool" --threads "$thr"; pid1=$pid url1=$url
  start "$pgurl" --db-pool "$pool" --threads "$thr"; pid2=$pid url2=$url
  pid=$pid1
  "$ckbench" "$url1" "$admin_sk" postgres append 8 "$secs" 30000 >"$tmp/a1" &
  "$ckbench" "$url2" "$admin_sk" postgres append 8 "$secs" 30000 >"$tmp/a2"
  wait $!
  "$ckbench" "$url1" "$admin_sk" postgres read 32 "$secs" 100000 >"$tmp/r1" &
  "$ckbench" "$url2" "$admin_sk" postgres read 32 "$secs" 100000 >"$tmp/r2"
  wait $!
  for m in append read; do
    f=$([ $m = append ] && echo "$tmp/a1 $tmp/a2" || echo "$tmp/r1 $tmp/r2")
    # shellcheck disable=SC2086
    awk -v m=$m '$2 ~ "_per_s$" {s += $3} $2 ~ "_p50_ms$" && $3 > p50 {p50 = $3} $2 ~ "_p99_ms$" && $3 > p99 {p99 = $3}
      END { printf "bench server.postgres.%s_per_s %.0f /s\nbench server.postgres.%s_p50_ms %.2f ms\nbench server.postgres.%s_p99_ms %.2f ms\n", m, s, m, p50, m, p99 }' $f
  done | tee "$tmp/pg.out"
  kill "$pid1" "$pid2"; wait "$pid1" "$pid2" || true; pid=""
  awk '/_p99_ms/ && $3 > p {p = $3} END {printf "bench server.postgres.p99_ms %.2f ms\n", p}' "$tmp/pg.out"
else
  echo "bench/server.sh: PostgreSQL not installed, skipping server.postgres" >&2
  PGBIN=""
fi

# ---- ratios against SQLite, same machine, same run (targets >= 0.7)
if [ -s "$tmp/pg.out" ]; then
  for m in append read; do
    awk -v m=$m 'FNR == 1 {f++} $2 == "server.sqlite." m "_per_s" {s = $3} $2 == "server.postgres." m "_per_s" {p = $3}
      END { if (s > 0) printf "bench ratio.postgres_over_sqlite.%s %.2f x\n", m, p / s }' "$tmp/sqlite.out" "$tmp/pg.out"
  done
fi

# ---- failover (the cluster test's: median unavailability over three
# SIGKILLs of the primary and one switchover); BENCH_FAILOVER=0 skips it.
if [ "${BENCH_FAILOVER:-1}" != 0 ] && command -v patroni >/dev/null && [ -x "$build/tests/cluster/cluster_driver" ]; then
  "$root/tests/cluster/run_cluster.sh" "$carekeyd" "$build/tests/cluster/cluster_driver" >"$tmp/cluster.out" 2>&1 ||
    echo "bench/server.sh: the cluster test failed (failover figure below is from a failed run)" >&2
  awk '/^server.failover_s/ {printf "bench server.failover_s %s s\n", $2}' "$tmp/cluster.out"
fi
