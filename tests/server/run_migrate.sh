#!/usr/bin/env bash
# The migration round trip (issue 13): the demo's SQLite database
# (scripts/demo.sh, kept with DEMO_KEEP) is copied into a throwaway
# PostgreSQL by `carekeyd migrate --from sqlite:PATH --to postgres:URL`,
# which verifies counts and every chain; carekeyd then serves the copy.
# Negative cases: a second run into the now non-empty target is refused,
# and a source whose stored entry was altered fails the verification.
#
#   run_migrate.sh BUILD_DIR
#
# As root, PostgreSQL runs as the "postgres" user via runuser.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
carekeyd=$build/src/server/carekeyd

pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
[ -x "$(pgbin)/initdb" ] || "$root/scripts/bootstrap.sh"
PGBIN=$(pgbin)
command -v sqlite3 >/dev/null || "$root/scripts/bootstrap.sh"

tmp=$(mktemp -d /tmp/ckmig.XXXXXX)
chmod 755 "$tmp"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  mkdir "$tmp/pg"
  chown postgres "$tmp/pg"
  as_pg=(runuser -u postgres --)
else
  mkdir "$tmp/pg"
fi
stop() {
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$tmp/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop EXIT

echo "== the demo, keeping its database"
out=$(DEMO_KEEP=1 TMPDIR=$tmp "$root/scripts/demo.sh" "$build" 2>&1) || { echo "$out" | tail -n 30 >&2; exit 1; }
demo=$(echo "$out" | sed -n 's/^demo: kept //p' | tail -n1)
db=$demo/carekey.db
[ -f "$db" ] || { echo "run_migrate: no demo database ($db)" >&2; exit 1; }
entries=$(sqlite3 "$db" "SELECT count(*) FROM entries")
records=$(sqlite3 "$db" "SELECT count(*) FROM records WHERE head_seq > 0")
echo "demo database: $entries entries in $records records"

"${as_pg[@]}" "$PGBIN/initdb" -D "$tmp/pg/data" -A trust -U postgres --no-sync -E UTF8 >/dev/null
"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/pg.log" -w -t 60 \
  -o "-k $tmp/pg -c listen_addresses='' -p 5432" start >/dev/null
url() { echo "postgresql:///$1?host=$tmp/pg&port=5432&user=postgres"; }
mkdb() { "${as_pg[@]}" "$PGBIN/createdb" -h "$tmp/pg" -p 5432 -U postgres "$1"; }
status=0
fail() { echo "FAIL: $*" >&2; status=1; }
pass() { echo "ok: $*"; }

mkdb ck_mig
echo "== carekeyd migrate --from sqlite:… --to postgres:…"
if "$carekeyd" migrate --from "sqlite:$db" --to "$(url ck_mig)" >"$tmp/mig.out" 2>&1; then
  cat "$tmp/mig.out"
  grep -q "^verified records=.* entries=$entries " "$tmp/mig.out" && pass "every entry verified ($entries)" ||
    fail "verified count is not $entries"
  for t in users records entries grants mailbox audit; do
    a=$(sqlite3 "$db" "SELECT count(*) FROM $t")
    b=$("${as_pg[@]}" "$PGBIN/psql" -At -d "$(url ck_mig)" -c "SELECT count(*) FROM $t")
    [ "$a" = "$b" ] && pass "$t: $a rows on both sides" || fail "$t: $a rows in SQLite, $b in PostgreSQL"
  done
else
  cat "$tmp/mig.out" >&2
  fail "migrate exited non-zero"
fi

echo "== a second run into the same database is refused"
if "$carekeyd" migrate --from "sqlite:$db" --to "$(url ck_mig)" >"$tmp/mig2.out" 2>&1; then
  fail "a non-empty target was accepted"
else
  grep -q "not empty" "$tmp/mig2.out" && pass "non-empty target refused" || { cat "$tmp/mig2.out" >&2; fail "wrong refusal"; }
fi

echo "== carekeyd serves the copy"
"$carekeyd" --db "$(url ck_mig)" --admin-key "$(printf '%064d' 0)" --port 0 --port-file "$tmp/port" \
  >"$tmp/ckd.log" 2>&1 &
ckd=$!
for i in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
if [ -s "$tmp/port" ] && curl -sf "http://127.0.0.1:$(cat "$tmp/port")/healthz" >"$tmp/health.json"; then
  pass "healthz on the migrated database: $(cat "$tmp/health.json")"
else
  fail "carekeyd did not serve the migrated database"; tail -n 5 "$tmp/ckd.log" >&2
fi
kill -TERM $ckd; wait $ckd || true

echo "== a source with an altered entry fails the verification"
cp "$db" "$tmp/tampered.db"
sqlite3 "$tmp/tampered.db" "UPDATE entries SET time_ms = time_ms + 1 WHERE rowid = (SELECT rowid FROM entries WHERE envelope IS NOT NULL LIMIT 1 OFFSET 3)"
mkdb ck_tamper
if "$carekeyd" migrate --from "sqlite:$tmp/tampered.db" --to "$(url ck_tamper)" >"$tmp/mig3.out" 2>&1; then
  fail "a tampered chain verified"
else
  grep -q "does not verify" "$tmp/mig3.out" && pass "tampered entry found: $(grep -o 'record [^"]*' "$tmp/mig3.out")" ||
    { cat "$tmp/mig3.out" >&2; fail "wrong failure"; }
fi
exit $status
