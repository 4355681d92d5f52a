#!/usr/bin/env bash
# The carekeyd cluster test (issue 13): on loopback ports in a temporary
# directory, one etcd and three PostgreSQL 15 members under Patroni
# (docs/ops/patroni.yml, synchronous_mode: true), two carekeyd instances on
# a libpq multi-host URL (target_session_attrs=read-write), and
# cluster_driver's 16 signed writers. While they write, the primary's
# postmaster is killed with SIGKILL three times and one planned switchover
# is done; the driver then checks that every acknowledged append is stored
# exactly once, without a sequence gap, and that every chain verifies, and
# prints each failover's unavailability.
#
#   run_cluster.sh CAREKEYD CLUSTER_DRIVER|- [TEST_API TEST_CONCURRENCY TEST_CRASH ...]
#
# The programs after the driver are tests/server's PostgreSQL tests, run
# against the cluster's multi-host URL afterwards (one database each); "-"
# for the driver runs only those (ctest: test_server_postgres_cluster).
# CK_CLUSTER_KEEP=1 keeps the directory. As root, Patroni (and so
# PostgreSQL) runs as the "postgres" user via runuser.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
carekeyd=$1 driver=$2
shift 2
server_tests=("$@")

need() { command -v "$1" >/dev/null 2>&1; }
pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
if ! need patroni || ! need etcd || [ -z "$(pgbin)" ]; then
  "$root/scripts/bootstrap.sh"
fi
PG_BIN=$(pgbin)
for t in patroni patronictl etcd envsubst curl; do
  need $t || { echo "run_cluster: $t is missing" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/ckcluster.XXXXXX)
chmod 755 "$tmp"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  as_pg=(runuser -u postgres --)
fi

# Loopback ports: a block of 16 picked from the PID, moved on while taken,
# below the kernel's ephemeral range: any outgoing connection (another
# cluster's Patroni talking to its etcd, say) may take a port inside that
# range, and a member that starts later could not bind it.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
read -r eph_lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || eph_lo=32768
[ "$eph_lo" -gt 12000 ] || eph_lo=32768
blocks=$(((eph_lo - 10000) / 16))
base=$((10000 + ($$ % blocks) * 16))
while :; do
  ok=1
  for i in $(seq 0 9); do port_free $((base + i)) || { ok=0; break; }; done
  [ $ok = 1 ] && break
  base=$((base + 16)); [ $((base + 16)) -le "$eph_lo" ] || base=10000
done
ETCD_PORT=$base ETCD_PEER=$((base + 1))
pg_port() { echo $((base + 2 + $1)); }     # members 0..2
rest_port() { echo $((base + 5 + $1)); }

pids=()
cleanup() {
  set +e
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  sleep 2
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  # The carekeyd instances of a driver that was killed before it could stop
  # them (their command lines name this run's directory).
  pkill -KILL -f -- "--port-file $tmp/" 2>/dev/null
  # Whatever PostgreSQL a killed Patroni left behind.
  for m in 0 1 2; do
    [ -f "$tmp/m$m/data/postmaster.pid" ] && kill -KILL "$(head -n1 "$tmp/m$m/data/postmaster.pid")" 2>/dev/null
  done
  wait 2>/dev/null
  if [ "${CK_CLUSTER_KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap "exit 143" TERM INT  # ctest timeout or ^C: still tear the cluster down

log() { echo "[$(date +%H:%M:%S)] $*"; }

log "etcd on 127.0.0.1:$ETCD_PORT"
etcd --name ck --data-dir "$tmp/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-cluster "ck=http://127.0.0.1:$ETCD_PEER" --log-level warn >"$tmp/etcd.log" 2>&1 &
pids+=($!)

for m in 0 1 2; do
  mkdir -p "$tmp/m$m"
  NAME=m$m PG_PORT=$(pg_port $m) REST_PORT=$(rest_port $m) DATA_DIR=$tmp/m$m/data SOCK_DIR=$tmp/m$m \
    PG_BIN=$PG_BIN ETCD_HOSTS=127.0.0.1:$ETCD_PORT \
    envsubst '${NAME} ${PG_PORT} ${REST_PORT} ${DATA_DIR} ${SOCK_DIR} ${PG_BIN} ${ETCD_HOSTS}' \
    <"$root/docs/ops/patroni.yml" >"$tmp/m$m.yml"
done
[ "$(id -u)" = 0 ] && chown -R postgres "$tmp"
for i in $(seq 1 100); do curl -sf "http://127.0.0.1:$ETCD_PORT/health" >/dev/null && break; sleep 0.1; done

# The first member bootstraps alone, then the other two clone from it.
start_member() {
  "${as_pg[@]}" patroni "$tmp/m$1.yml" >>"$tmp/m$1.log" 2>&1 &
  pids+=($!)
}
start_member 0
sleep 1
start_member 1
start_member 2

# cluster JSON from any member's REST API
cluster_json() {
  for m in 0 1 2; do curl -sf -m 2 "http://127.0.0.1:$(rest_port $m)/cluster" && return 0; done
  return 1
}
# The leader's name when it runs and a synchronous standby streams.
healthy_leader() {
  cluster_json | python3 -c '
import json, sys
c = json.load(sys.stdin)
lead = [m for m in c["members"] if m["role"] == "leader" and m["state"] == "running"]
sync = [m for m in c["members"] if m["role"] == "sync_standby" and m["state"] in ("running", "streaming")]
run = [m for m in c["members"] if m["state"] in ("running", "streaming")]
if lead and sync and len(run) == 3: print(lead[0]["name"], sync[0]["name"])
' 2>/dev/null
}
wait_healthy() {
  local deadline=$((SECONDS + $1)) h
  while [ $SECONDS -lt $deadline ]; do
    h=$(healthy_leader || true)
    [ -n "$h" ] && { echo "$h"; return 0; }
    sleep 0.5
  done
  return 1
}
log "waiting for a leader and a synchronous standby"
if ! h=$(wait_healthy 150); then
  echo "run_cluster: the cluster did not come up" >&2
  cluster_json >&2 || true
  tail -n 30 "$tmp"/m*.log >&2
  exit 1
fi
log "cluster up: leader and sync standby $h"

hosts=127.0.0.1:$(pg_port 0),127.0.0.1:$(pg_port 1),127.0.0.1:$(pg_port 2)
url() { echo "postgresql://postgres@$hosts/$1?target_session_attrs=read-write&connect_timeout=2"; }
# A new database must be on every member before carekeyd connects: libpq
# tries the hosts of a multi-host URL in turn, but a FATAL at startup
# ("database does not exist" on a standby that has not replayed the CREATE
# yet) ends the attempt without trying the next host.
mkdb() {
  "${as_pg[@]}" "$PG_BIN/psql" -q -d "$(url postgres)" -c "CREATE DATABASE $1" >/dev/null
  local m
  for m in 0 1 2; do
    for _ in $(seq 1 300); do
      "${as_pg[@]}" "$PG_BIN/psql" -q -d "postgresql://postgres@127.0.0.1:$(pg_port $m)/$1?connect_timeout=2" \
        -c 'SELECT 1' >/dev/null 2>&1 && break
      sleep 0.1
    done
  done
}

status=0
if [ "$driver" != - ]; then
mkdb ck_cluster
# The driver starts two carekeyd instances on the URL, writes until the
# stop file appears, then verifies; it appends a line to $tmp/acks.count
# progress file as it goes.
log "driver: 16 writers through two carekeyd instances"
"$driver" "$carekeyd" "$(url ck_cluster)" "$tmp/drv" >"$tmp/driver.out" 2>&1 &
drv=$!
pids+=($drv)
for i in $(seq 1 600); do [ -f "$tmp/drv/ready" ] && break; kill -0 $drv 2>/dev/null || break; sleep 0.1; done
[ -f "$tmp/drv/ready" ] || { echo "run_cluster: the driver did not start" >&2; cat "$tmp/driver.out" >&2; exit 1; }

acks() { cat "$tmp/drv/acks" 2>/dev/null || echo 0; }
# Waits until the cluster is whole again (leader, synchronous standby, three
# members running) with a primary other than the killed postmaster KILLED
# (empty for a switchover), then until the writers made progress from
# there; prints "leader sync" as seen then. Patroni still names the killed
# primary for a moment after a SIGKILL, and appends acknowledged just
# before it must not count as recovery. Patroni's view can flap for a
# moment after a member rejoins, so the members named are the ones of that
# one look.
wait_recovered() {
  local killed=$1 deadline=$((SECONDS + 90)) h pm a1=
  while [ $SECONDS -lt $deadline ]; do
    if [ -z "$a1" ]; then
      h=$(healthy_leader || true)
      pm=$([ -n "$h" ] && head -n1 "$tmp/${h%% *}/data/postmaster.pid" 2>/dev/null || true)
      if [ -n "$pm" ] && [ "$pm" != "$killed" ] && kill -0 "$pm" 2>/dev/null; then a1=$(acks); fi
    elif [ "$(acks)" -ge $((a1 + 32)) ]; then
      echo "$h"
      return 0
    fi
    sleep 0.5
  done
  return 1
}
sleep 3
for k in 1 2 3 4; do
  if ! h=$(wait_healthy 60); then
    echo "run_cluster: no healthy leader before event $k" >&2
    cluster_json >&2 || true
    status=1
    break
  fi
  read -r leader sync <<<"$h"
  a0=$(acks) pm=
  if [ $k -le 3 ]; then
    pm=$(head -n1 "$tmp/$leader/data/postmaster.pid")
    log "kill $k: SIGKILL to the primary's postmaster ($leader, pid $pm) after $a0 acknowledged appends"
    echo "kill $(date +%s.%N)" >>"$tmp/drv/events"
    kill -KILL "$pm"
  else
    log "planned switchover from $leader to $sync after $a0 acknowledged appends"
    echo "switchover $(date +%s.%N)" >>"$tmp/drv/events"
    patronictl -c "$tmp/$leader.yml" switchover --master "$leader" --candidate "$sync" --force >"$tmp/switchover.log" 2>&1 ||
      { echo "run_cluster: switchover failed" >&2; cat "$tmp/switchover.log" >&2; status=1; }
  fi
  if ! h=$(wait_recovered "$pm"); then
    echo "run_cluster: no recovery after event $k" >&2
    cluster_json >&2 || true
    status=1
    break
  fi
  log "recovered: $h after $(($(acks) - a0)) more appends"
done
sleep 2
touch "$tmp/drv/stop"
wait $drv || status=1
cat "$tmp/driver.out"
if [ $status != 0 ]; then
  for m in 0 1 2; do echo "--- m$m"; tail -n 15 "$tmp/m$m.log"; done >&2
fi
fi

# The existing PostgreSQL tests, on the cluster's multi-host URL.
if [ ${#server_tests[@]} -ge 1 ]; then
  names=(api concurrency crash directory security tombstone sessions stall)
  for i in "${!server_tests[@]}"; do
    n=${names[$i]:-extra$i}
    mkdb "ck_$n"
    log "== $n (postgres cluster)"
    if [ "$n" = concurrency ]; then
      "${server_tests[$i]}" "$carekeyd" "$(url "ck_$n")" 2 || status=1
    else
      "${server_tests[$i]}" "$carekeyd" "$(url "ck_$n")" || status=1
    fi
  done
fi
exit $status
