#!/usr/bin/env bash
# tests/agent/agent_test.sh CAREKEY CAREKEYD AGENT_PROBE - the key agent
# (docs/NODE.md "Agent") end to end against a real carekeyd (SQLite,
# loopback, free port), with a patient who runs her own authority:
#   1. one passphrase (on the agent's stdin), then commands with none (no
#      CAREKEY_PASSPHRASE, no terminal, stdin /dev/null): each succeeds and
#      went through the agent (its log and 'node status' count them); the
#      same command without the agent fails for lack of a passphrase (2);
#      exit codes, stdin, stdout and a forwarded SIGINT; the keyring file
#      changed by a command (keys sync) is what the next command sees, one
#      replaced by another passphrase's locks the agent;
#   2. the idle lock (--idle 2) and 'carekey lock': 'node status' says
#      locked, a command says the agent is locked and fails (2);
#   3. another user (nobody) is refused by SO_PEERCRED even when the socket
#      is opened to it on purpose, and the command does not run; a socket
#      with group/other bits or another owner, or a file in its place, is
#      refused by the CLI, which warns and runs the command itself;
#   4. after a lock the agent's keyring is gone: commands need the
#      passphrase again.
# Prints "N passed, N failed"; exit 1 if any failed.
set -u
CK=${1:?usage: agent_test.sh CAREKEY CAREKEYD AGENT_PROBE}
CKD=${2:?carekeyd}
PROBE=${3:?agent_probe}
for v in CK CKD PROBE; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
T=$(mktemp -d "${TMPDIR:-/tmp}/ck-agent.XXXXXX")
H=$T/alice
SRV_PID=
cleanup() {
  CAREKEY_AGENT=0 "$CK" node stop --home "$H" >/dev/null 2>&1
  [ -n "$SRV_PID" ] && { kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null; }
  rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
unset CAREKEY_HOME CAREKEY_SERVER CAREKEY_CA_FILE CAREKEY_AGENT
PASS='correct horse battery staple'
export CAREKEY_PASSPHRASE=$PASS
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
expect() {
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, want $want; stderr: $(head -c 2000 "$T/err")"; fi
}
err_has() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks '$1': $(head -c 2000 "$T/err")"; fi; }
err_lacks() { if grep -qF -- "$1" "$T/err"; then bad "stderr has '$1'"; else ok; fi; }
out_has() { if grep -qF -- "$1" "$T/out"; then ok; else bad "stdout lacks '$1': $(head -c 2000 "$T/out")"; fi; }
log_count() { grep -cE -- "$1" "$H/agent.log" 2>/dev/null; }
# a command as alice with no passphrase anywhere and no terminal
as_alice() { env -u CAREKEY_PASSPHRASE "$CK" "$@" --home "$H" </dev/null; }
start_agent() { # [OPTIONS]: the passphrase once, on the agent's stdin
  printf '%s\n' "$PASS" | env -u CAREKEY_PASSPHRASE "$CK" node start --home "$H" --passphrase file:/dev/stdin "$@"
}

# --- a server, the operator, alice with her authority and a record -------------------------------
expect 0 "admin init" -- "$CK" admin init --home "$T/op" --kdf-cost 10
ADMIN_KEY=$(tail -n 1 "$T/out")
export CAREKEY_OPERATOR_KEY=$ADMIN_KEY
"$CKD" --port 0 --port-file "$T/port" --db "sqlite:$T/carekey.db" --admin-key "$ADMIN_KEY" --rate-limit 0 \
  >"$T/carekeyd.log" 2>&1 &
SRV_PID=$!
for _ in $(seq 1 500); do [ -s "$T/port" ] && break; sleep 0.02; done
[ -s "$T/port" ] || { echo "carekeyd did not start: $(cat "$T/carekeyd.log")" >&2; exit 1; }
URL="http://127.0.0.1:$(cat "$T/port")"
op() { "$CK" "$@" --home "$T/op" --server "$URL"; }
expect 0 "init alice" -- "$CK" init --home "$H" --gid alice --role patient --enroll-out alice.req.json --kdf-cost 10 \
  --server "$URL"
expect 0 "enroll alice" -- op admin enroll alice.req.json
expect 0 "alice runs her authority" -- "$CK" authority create patient-alice --home "$H"
expect 0 "publish" -- "$CK" authority publish patient-alice --out pa.json --home "$H"
expect 0 "register" -- op admin add-authority pa.json
expect 0 "owner key" -- "$CK" authority issue patient-alice --gid alice --attr owner@patient-alice --home "$H"
expect 0 "keys sync" -- "$CK" keys sync --home "$H"
cat >cond.json <<'J'
{"resourceType":"Condition","id":"co-1","code":{"text":"Seasonal asthma"},"subject":{"reference":"Patient/alice"}}
J
cat >cond2.json <<'J'
{"resourceType":"Condition","id":"co-2","code":{"text":"Sprained ankle"},"subject":{"reference":"Patient/alice"}}
J
PUT=(record put --patient alice --section problems --type Condition --policy owner@patient-alice)
expect 0 "a first entry" -- "$CK" "${PUT[@]}" cond.json --home "$H"

# --- 1. one passphrase, then commands with none -------------------------------------------------
expect 1 "node status: none yet" -- as_alice node status
out_has "no agent is running"
expect 2 "without the agent a command needs the passphrase" -- as_alice record get --patient alice
err_has "passphrase"
expect 2 "node start --idle takes seconds" -- "$CK" node start --home "$H" --idle soon
printf 'wrong passphrase\n' | env -u CAREKEY_PASSPHRASE "$CK" node start --home "$H" --passphrase file:/dev/stdin \
  >"$T/out" 2>"$T/err"
if [ $? = 1 ] && [ ! -e "$H/agent.sock" ]; then ok; else bad "a wrong passphrase started an agent"; fi
expect 0 "node start (the one passphrase)" -- start_agent --idle 0
out_has "agent started"
if [ "$(stat -c %a "$H/agent.sock")" = 600 ] && [ "$(stat -c %a "$H")" = 700 ]; then ok
else bad "socket $(stat -c %a "$H/agent.sock"), home $(stat -c %a "$H")"; fi
expect 0 "node status" -- as_alice node status
out_has "keyring:   unlocked"
out_has "idle lock: never"
expect 0 "start again: already running" -- start_agent
out_has "already running"

expect 0 " 1 record put" -- as_alice "${PUT[@]}" cond2.json
out_has "appended entry 2"
expect 0 " 2 record get" -- as_alice record get --patient alice
out_has "Seasonal asthma"
out_has "Sprained ankle"
expect 0 " 3 record get --json" -- as_alice record get --patient alice --section problems --json
out_has '"entries"'
expect 0 " 4 record list" -- as_alice record list --patient alice
out_has "owner@patient-alice"
expect 0 " 5 record verify" -- as_alice record verify --patient alice
out_has "2 entries verified"
expect 0 " 6 keys list" -- as_alice keys list
out_has "owner@patient-alice"
expect 0 " 7 grant list" -- as_alice grant list --patient alice
expect 0 " 8 authority declare" -- as_alice authority declare patient-alice --attr family@patient-alice
expect 0 " 9 authority issue (to herself)" -- as_alice authority issue patient-alice --gid alice --attr family@patient-alice
expect 0 "10 keys sync (changes the keyring file)" -- as_alice keys sync
out_has "1 accepted"
# the next command starts from the keyring file as the last one left it
expect 0 "11 keys list sees the synced key" -- as_alice keys list
out_has "family@patient-alice"
# stdin is the CLI's: the payload comes through /dev/stdin
env -u CAREKEY_PASSPHRASE "$CK" "${PUT[@]}" /dev/stdin --home "$H" <cond.json >"$T/out" 2>"$T/err"
if [ $? = 0 ] && grep -q "appended entry 3" "$T/out"; then ok; else bad "12 put from stdin: $(cat "$T/err")"; fi
# an exit code comes back as it was
expect 2 "13 a usage error keeps its exit code" -- as_alice record get
err_has "--patient"
# the CLI's CAREKEY_* variables are the command's (the agent has none of its own)
expect 3 "14 CAREKEY_SERVER comes with the command" -- env -u CAREKEY_PASSPHRASE \
  CAREKEY_SERVER=http://127.0.0.1:1 "$CK" record get --patient alice --home "$H"
err_has "cannot reach http://127.0.0.1:1"
N=$(log_count 'run [0-9]+: exit ')
if [ "$N" = 14 ]; then ok; else bad "the agent's log shows $N runs, want 14"; fi
if [ "$(log_count 'run [0-9]+: exit 0')" = 12 ]; then ok; else bad "12 runs with exit 0 expected"; fi
expect 0 "node status counts them" -- as_alice node status
out_has "commands:  14 run"
# nothing of the arguments is logged: no patient, no file
if grep -qE 'alice --|cond|--patient' "$H/agent.log"; then bad "arguments in the agent's log"; else ok; fi
expect 2 "CAREKEY_AGENT=0: the command runs by itself" -- env -u CAREKEY_PASSPHRASE CAREKEY_AGENT=0 \
  "$CK" record get --patient alice --home "$H"
err_has "passphrase"
if [ "$(log_count 'run [0-9]+: exit ')" = 14 ]; then ok; else bad "CAREKEY_AGENT=0 went through the agent"; fi
# SIGINT to the waiting CLI reaches the command (waiting on a server that
# never answers: a socket that listens and never reads)
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1])); time.sleep(120)' "$T/bh.port" &
BH_PID=$!
for _ in $(seq 1 250); do [ -s "$T/bh.port" ] && break; sleep 0.02; done
# (a background job of a script ignores SIGINT: the CLI would pass on none)
env --default-signal=INT -u CAREKEY_PASSPHRASE "$CK" record get --patient alice --home "$H" \
  --server "http://127.0.0.1:$(cat "$T/bh.port")" </dev/null >"$T/out" 2>"$T/err" &
CLI_PID=$!
for _ in $(seq 1 250); do [ "$(log_count 'run 15: record get')" = 1 ] && break; sleep 0.02; done
sleep 0.3
kill -INT "$CLI_PID"
wait "$CLI_PID"
st=$?
kill "$BH_PID" 2>/dev/null; wait "$BH_PID" 2>/dev/null
for _ in $(seq 1 100); do [ "$(log_count 'run 15: signal 2')" = 1 ] && break; sleep 0.02; done
if [ "$st" = 130 ] && [ "$(log_count 'run 15: signal 2')" = 1 ]; then ok
else bad "SIGINT: CLI exit $st, agent log: $(tail -n 3 "$H/agent.log")"; fi
# a keyring file under another passphrase (another salt) is not followed:
# the agent locks itself
cp "$H/keyring.ckr" "$T/keyring.save"
expect 0 "another keyring" -- "$CK" init --home "$T/eve" --gid eve --role patient --enroll-out eve.req.json \
  --kdf-cost 10 --server "$URL"
cp "$T/eve/keyring.ckr" "$H/keyring.ckr"
expect 2 "a replaced keyring locks the agent" -- as_alice keys list
err_has "is locked"
if [ "$(log_count 'locked \(keyring changed\)')" = 1 ]; then ok; else bad "no 'keyring changed' lock logged"; fi
cp "$T/keyring.save" "$H/keyring.ckr"

# --- 2. the idle lock, 'carekey lock' ------------------------------------------------------------
expect 0 "unlock replaces the locked agent (--idle 2)" -- start_agent --idle 2
out_has "agent started"
sleep 3.5
expect 0 "node status after 3.5 s idle" -- as_alice node status
out_has "keyring:   locked"
expect 2 "a command finds the agent locked" -- as_alice record get --patient alice
err_has "the agent for $H is locked (run 'carekey unlock')"
err_has "passphrase"
if [ "$(log_count 'locked \(idle\)')" = 1 ]; then ok; else bad "no idle lock logged"; fi
expect 0 "unlock again (no idle lock)" -- start_agent --idle 0
expect 0 "works again" -- as_alice record get --patient alice
expect 0 "carekey lock" -- as_alice lock
out_has "locked"
expect 0 "node status: locked at once" -- as_alice node status
out_has "keyring:   locked"
# --- 4. the keyring is wiped: the command needs the passphrase again
expect 2 "after lock a command fails without a passphrase" -- as_alice record get --patient alice
err_has "is locked"
expect 0 "with the passphrase it runs by itself" -- env CAREKEY_PASSPHRASE="$PASS" "$CK" record get --patient alice \
  --home "$H"
out_has "Seasonal asthma"

# --- 3. other users and untrusted sockets --------------------------------------------------------
expect 0 "unlock" -- start_agent --idle 0
RUNS=$(log_count 'run [0-9]+: exit ')
id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ] || { echo "agent_test.sh: needs root and a 'nobody' user" >&2; exit 1; }
# opened to everyone on purpose: only SO_PEERCRED stands in the way
chmod 711 "$T" "$H"
chmod 666 "$H/agent.sock"
(cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups "$PROBE" "$H/agent.sock" record get --patient alice) \
  >"$T/out" 2>"$T/err"
out_has "error: refused: another user"
if [ "$(log_count 'refused a peer: uid 65534')" = 1 ]; then ok; else bad "no refusal of uid 65534 logged"; fi
if [ "$(log_count 'run [0-9]+: exit ')" = "$RUNS" ]; then ok; else bad "nobody's command ran"; fi
# the same probe as ourselves is served: the refusal was about the uid
"$PROBE" "$H/agent.sock" keys list >"$T/out" 2>&1
out_has "exit 0"
# the CLI does not use a socket others may connect to
expect 2 "a 0666 socket is not used" -- as_alice record get --patient alice
err_has "not using the agent socket $H/agent.sock: mode 0666"
chmod 600 "$H/agent.sock"
chown nobody "$H/agent.sock"
expect 2 "a socket of another owner is not used" -- as_alice record get --patient alice
err_has "owned by uid 65534"
chown root "$H/agent.sock"
chmod 700 "$H" "$T"
expect 0 "put right, the socket is used again" -- as_alice record get --patient alice
err_lacks "warning"
expect 0 "node status counts the refusal" -- as_alice node status
out_has "refused:   1 peers"
expect 0 "node stop" -- as_alice node stop
out_has "agent stopped"
if [ ! -e "$H/agent.sock" ]; then ok; else bad "the socket is left behind"; fi
expect 1 "node status: stopped" -- as_alice node status
touch "$H/agent.sock"
expect 2 "a file in the socket's place: warned, run here" -- as_alice record get --patient alice
err_has "not a socket"
expect 1 "node start will not replace a file" -- start_agent
rm -f "$H/agent.sock"
chmod 755 "$H"
expect 1 "node start refuses a home others may enter" -- start_agent
err_has "chmod 700"
chmod 700 "$H"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
