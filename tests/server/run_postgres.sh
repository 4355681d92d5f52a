#!/usr/bin/env bash
# Runs the carekeyd integration tests against a real PostgreSQL server that
# this script starts in a temporary directory (Unix socket only, no TCP) and
# tears down on exit. Installs PostgreSQL via scripts/bootstrap.sh if needed.
#
#   run_postgres.sh CAREKEYD TEST_API TEST_CONCURRENCY TEST_CRASH [TEST_DIRECTORY [TEST_SECURITY [TEST_TOMBSTONE [TEST_SESSIONS [TEST_STALL]]]]]
#
# As root (CI), PostgreSQL runs as the "postgres" user via runuser.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
carekeyd=$1 test_api=$2 test_conc=$3 test_crash=$4 test_dir=${5:-} test_sec=${6:-} test_tomb=${7:-} test_sess=${8:-} test_stall=${9:-}

pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
if [ -z "$(pgbin)" ] || [ ! -x "$(pgbin)/initdb" ]; then
  "$root/scripts/bootstrap.sh"
fi
PGBIN=$(pgbin)
[ -x "$PGBIN/initdb" ] || { echo "run_postgres: no PostgreSQL server binaries" >&2; exit 1; }

tmp=$(mktemp -d /tmp/ckpg.XXXXXX)
chmod 755 "$tmp"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  chown postgres "$tmp"
  as_pg=(runuser -u postgres --)
fi
stop() {
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop EXIT

"${as_pg[@]}" "$PGBIN/initdb" -D "$tmp/data" -A trust -U postgres --no-sync -E UTF8 >/dev/null
"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$tmp/data" -l "$tmp/pg.log" -w -t 60 \
  -o "-k $tmp -c listen_addresses='' -p 5432 -c max_connections=200 -c shared_buffers=64MB" start >/dev/null

url() { echo "postgresql:///$1?host=$tmp&port=5432&user=postgres"; }
mkdb() { "${as_pg[@]}" "$PGBIN/createdb" -h "$tmp" -p 5432 -U postgres "$1"; }

status=0
mkdb ck_api
echo "== api (postgres)"
"$test_api" "$carekeyd" "$(url ck_api)" || status=1
mkdb ck_conc
echo "== concurrency, two carekeyd instances on one database (postgres)"
"$test_conc" "$carekeyd" "$(url ck_conc)" 2 || status=1
mkdb ck_crash
echo "== crash (postgres)"
"$test_crash" "$carekeyd" "$(url ck_crash)" || status=1
if [ -n "$test_dir" ]; then
  mkdb ck_dir
  echo "== directory (postgres)"
  "$test_dir" "$carekeyd" "$(url ck_dir)" || status=1
fi
if [ -n "$test_sec" ]; then
  mkdb ck_sec
  echo "== security (postgres)"
  "$test_sec" "$carekeyd" "$(url ck_sec)" || status=1
fi
if [ -n "$test_tomb" ]; then
  mkdb ck_tomb
  echo "== tombstones (postgres)"
  "$test_tomb" "$carekeyd" "$(url ck_tomb)" || status=1
fi
if [ -n "$test_sess" ]; then
  mkdb ck_sess
  echo "== sessions (postgres)"
  "$test_sess" "$carekeyd" "$(url ck_sess)" || status=1
fi
if [ -n "$test_stall" ]; then
  mkdb ck_stall
  echo "== a stalled commit (postgres)"
  "$test_stall" "$carekeyd" "$(url ck_stall)" || status=1
fi
[ $status = 0 ] || tail -n 20 "$tmp/pg.log" >&2
exit $status
