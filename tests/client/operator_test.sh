#!/usr/bin/env bash
# tests/client/operator_test.sh CAREKEY CAREKEYD - the operator's check of the
# registered authorities ('carekey admin authorities', node_admin.h) against
# a real carekeyd (SQLite, loopback, free port): records verified under the
# pinned operator key, epoch tables under each authority's key, versions and
# epochs that follow declare and revoke; an unregistered authority and a
# keyring pinning another operator key are reported (exit 1).
# Prints "N passed, N failed"; exit 1 if any failed.
set -u
CK=${1:?usage: operator_test.sh CAREKEY CAREKEYD}
CKD=${2:?carekeyd}
for v in CK CKD; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
T=$(mktemp -d "${TMPDIR:-/tmp}/carekey-op.XXXXXX")
SRV_PID=
cleanup() {
  if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null; fi
  rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
unset CAREKEY_HOME CAREKEY_SERVER CAREKEY_CA_FILE
export CAREKEY_PASSPHRASE='correct horse battery staple'
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
expect() {
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, want $want; stderr: $(cat "$T/err")"; fi
}
out_has() { if grep -qF -- "$1" "$T/out"; then ok; else bad "stdout lacks '$1': $(cat "$T/out")"; fi; }
err_has() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks '$1': $(cat "$T/err")"; fi; }
jq_is() { if jq -e "$1" "$T/out" >/dev/null 2>&1; then ok; else bad "jq '$1' false on: $(cat "$T/out")"; fi; }

OP=$T/op
op() { "$CK" "$@" --home "$OP"; }
as() { local who=$1; shift; "$CK" "$@" --home "$T/$who"; }

expect 0 "admin init" -- "$CK" admin init --home "$OP" --kdf-cost 10
ADMIN_KEY=$(tail -n 1 "$T/out")
export CAREKEY_OPERATOR_KEY=$ADMIN_KEY
"$CKD" --port 0 --port-file "$T/port" --db "sqlite:$T/carekey.db" --admin-key "$ADMIN_KEY" \
  --rate-limit 0 >"$T/carekeyd.log" 2>&1 &
SRV_PID=$!
for _ in $(seq 1 500); do [ -s "$T/port" ] && break; sleep 0.02; done
if [ ! -s "$T/port" ]; then echo "carekeyd did not start: $(cat "$T/carekeyd.log")" >&2; exit 1; fi
export CAREKEY_SERVER="http://127.0.0.1:$(cat "$T/port")"

expect 0 "create hosp-a" -- op authority create hosp-a
expect 0 "create medical-board" -- op authority create medical-board
expect 0 "publish hosp-a" -- op authority publish hosp-a --out hosp-a.json
expect 0 "register hosp-a" -- op admin add-authority hosp-a.json

# --- one authority by name ------------------------------------------------------------
expect 0 "hosp-a checked" -- op admin authorities hosp-a --json
jq_is 'length == 1 and .[0].name == "hosp-a" and .[0].verified == true and .[0].epoch_table.version == 1'
expect 0 "text form" -- op admin authorities hosp-a
out_has "verified"

# --- without names: what the keyring runs; one is not registered ----------------------
expect 1 "an unregistered authority is reported" -- op admin authorities --json
jq_is 'map(select(.name == "medical-board"))[0].problem == "not registered"'
jq_is 'map(select(.name == "hosp-a"))[0].verified == true'

# --- declare and revoke move the table ---------------------------------------------------
expect 0 "declare nurse@hosp-a" -- op authority declare hosp-a --attr nurse@hosp-a
expect 0 "bob" -- "$CK" init --home "$T/bob" --gid bob --role doctor --enroll-out bob.req.json --kdf-cost 10
expect 0 "enroll bob" -- op admin enroll bob.req.json
expect 0 "issue doctor@hosp-a" -- op authority issue hosp-a --gid bob --attr doctor@hosp-a
expect 0 "revoke doctor@hosp-a" -- op authority revoke hosp-a --gid bob --attr doctor@hosp-a
expect 0 "hosp-a after declare, issue, revoke" -- op admin authorities hosp-a --json
jq_is '.[0].epoch_table.epochs["nurse@hosp-a"] == 0 and .[0].epoch_table.epochs["doctor@hosp-a"] == 1'
jq_is '.[0].epoch_table.version >= 3'
expect 0 "anyone enrolled may check (bob)" -- as bob admin authorities hosp-a --json
jq_is '.[0].verified == true'

# --- a keyring that pins another operator key -------------------------------------------
expect 0 "eve pins another operator key" -- "$CK" init --home "$T/eve" --gid eve --role doctor \
  --enroll-out eve.req.json --kdf-cost 10 --operator-key "$(printf '11%.0s' $(seq 32))"
expect 0 "enroll eve" -- op admin enroll eve.req.json
expect 1 "eve: not signed by her operator" -- as eve admin authorities hosp-a --json
jq_is '.[0].verified == false and .[0].problem == "the record is not signed by the operator"'

# --- bad input ------------------------------------------------------------------------------
expect 2 "an invalid name" -- op admin authorities 'Hosp A'
err_has "invalid authority name"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
