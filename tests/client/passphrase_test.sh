#!/usr/bin/env bash
# tests/client/passphrase_test.sh CAREKEY CAREKEYD - every refusal says what to do next (issue 10):
#
#   - without a terminal the passphrase error suggests --passphrase file:PATH / env:VAR;
#   - --passphrase env / env:VAR with the variable unset names the variable;
#   - an unknown source lists the forms;
#   - server refusals carry one line of advice from cli_advice.c, through the node
#     front end (record get: 403 forbidden, record put: 403 no_write_grant) and the old CLI's shared error path
#     (grant: 403, an unenrolled identity: 401 bad_signature).
#
# The passphrase checks use 'record get' (src/cli over the node): the old CLI's
# keyring opening (cli_ctx.c, the agent port's) calls cli_passphrase_problem once
# that change lands; until then its checks are reported, not failed (PENDING_OLD).
set -u
CK=${1:?usage: passphrase_test.sh CAREKEY CAREKEYD}
CKD=${2:?carekeyd}
PENDING_OLD=0
T=$(mktemp -d)
SRV=
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
unset CAREKEY_HOME CAREKEY_SERVER CAREKEY_PASSPHRASE CK_TEST_UNSET_PW
export HOME=$T

fails=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
# expect RC WHAT CMD...: exit code; output (stdout+stderr) in $T/out
expect() {
    local want=$1 what=$2 rc=0
    shift 2
    "$@" >"$T/out" 2>&1 </dev/null || rc=$?
    if [ "$rc" = "$want" ]; then ok "$what"; else bad "$what (exit $rc, wanted $want): $(head -c 600 "$T/out")"; fi
}
has() { if grep -qF -- "$2" "$T/out"; then ok "$1"; else bad "$1: no '$2' in: $(head -c 600 "$T/out")"; fi; }
run() { "$@" >"$T/log" 2>&1 </dev/null || { echo "setup step failed: $*"; cat "$T/log"; exit 1; }; }
notty() { setsid -w "$@"; }   # no controlling terminal: /dev/tty cannot be opened

echo pass-phrase-123 >"$T/pw"
ADMIN_KEY=$("$CK" admin init --home "$T/op" --kdf-cost 10 --passphrase "file:$T/pw")
"$CKD" --listen 127.0.0.1 --port 0 --port-file "$T/port" --db "sqlite:$T/ck.db" --admin-key "$ADMIN_KEY" \
    --log-level warn 2>"$T/ckd.log" &
SRV=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$T/port")"
P=(--passphrase "file:$T/pw")
person() { # GID ROLE
    run "$CK" init --gid "$1" --role "$2" --home "$T/$1" --server "$URL" --kdf-cost 10 --operator-key "$ADMIN_KEY" \
        --enroll-out "$T/$1.req" "${P[@]}"
    run "$CK" admin enroll "$T/$1.req" --home "$T/op" --server "$URL" "${P[@]}"
}
person alice patient
person bob doctor
run "$CK" init --gid ghost --role doctor --home "$T/ghost" --server "$URL" --kdf-cost 10 --operator-key "$ADMIN_KEY" \
    --enroll-out "$T/ghost.req" "${P[@]}"

# ---- the passphrase, through the node (record get) --------------------------------------------------
expect 2 "no terminal: a usage error" notty "$CK" record get --patient alice --home "$T/alice" --server "$URL" \
    --passphrase prompt
has "no terminal: says so" "no terminal"
has "no terminal: suggests file:PATH" "--passphrase file:PATH"
has "no terminal: suggests env:VAR" "env:VAR"
expect 2 "env:VAR unset" "$CK" record get --patient alice --home "$T/alice" --server "$URL" \
    --passphrase env:CK_TEST_UNSET_PW
has "env:VAR unset: names the variable" "the variable CK_TEST_UNSET_PW is not set"
expect 2 "env unset" "$CK" record get --patient alice --home "$T/alice" --server "$URL" --passphrase env
has "env unset: names CAREKEY_PASSPHRASE" "the variable CAREKEY_PASSPHRASE is not set"
expect 2 "an unknown source" "$CK" record get --patient alice --home "$T/alice" --server "$URL" --passphrase pw
has "an unknown source: lists the forms" "--passphrase takes prompt, env, env:VAR or file:PATH"
expect 0 "file:PATH opens it" "$CK" record get --patient alice --home "$T/alice" --server "$URL" "${P[@]}"

# ---- a new keyring (init, admin init, patient onboard) -----------------------------------------------
expect 2 "init: env:VAR unset" "$CK" init --gid carol --home "$T/carol" --kdf-cost 10 --operator-key "$ADMIN_KEY" \
    --enroll-out "$T/carol.req" --passphrase env:CK_TEST_UNSET_PW
has "init: names the variable" "the variable CK_TEST_UNSET_PW is not set"
expect 2 "admin init without a terminal" notty "$CK" admin init --home "$T/op2" --kdf-cost 10 --passphrase prompt
has "admin init: suggests file:PATH" "--passphrase file:PATH"

# ---- server refusals: one line of advice --------------------------------------------------------------
echo '{"resourceType":"Condition","code":{"text":"Asthma"}}' >"$T/cond.json"
expect 1 "bob reads alice's record without a grant" "$CK" record get --patient alice --home "$T/bob" --server "$URL" "${P[@]}"
has "forbidden: what to do" "what to do: ask the patient or a delegate for access: carekey grant --patient P --gid YOU --read"
run "$CK" grant --patient alice --gid bob --read --home "$T/alice" --server "$URL" "${P[@]}"
run "$CK" authority create hosp-x --home "$T/alice" "${P[@]}"
run "$CK" authority publish hosp-x --out "$T/hosp-x.json" --home "$T/alice" "${P[@]}"
run "$CK" admin add-authority "$T/hosp-x.json" --home "$T/op" --server "$URL" "${P[@]}"
run "$CK" authority declare hosp-x --attr doctor@hosp-x --home "$T/alice" --server "$URL" "${P[@]}"
expect 1 "bob writes without a grant (node)" "$CK" record put --patient alice --section problems --type Condition \
    --policy doctor@hosp-x \
    "$T/cond.json" --home "$T/bob" --server "$URL" "${P[@]}"
has "node: the server's code" "no_write_grant"
has "node: what to do" "what to do: ask the patient or a delegate for a grant: carekey grant --patient P --gid YOU"
expect 1 "bob grants on alice's record (old CLI)" "$CK" grant --patient alice --gid bob --read --home "$T/bob" \
    --server "$URL" "${P[@]}"
has "old CLI: what to do" "what to do:"
expect 1 "an identity the server never enrolled" "$CK" grant list --patient alice --home "$T/ghost" --server "$URL" "${P[@]}"
has "unenrolled: what to do" "what to do: check that --home holds the identity this server enrolled"

# ---- the old CLI's keyring (pending the cli_ctx.c change) --------------------------------------------
"$CK" grant list --patient alice --home "$T/alice" --server "$URL" --passphrase env:CK_TEST_UNSET_PW >"$T/out" 2>&1 </dev/null
if grep -qF "CK_TEST_UNSET_PW" "$T/out"; then ok "old CLI: env:VAR unset names the variable"
elif [ "$PENDING_OLD" = 1 ]; then echo "# pending (cli_ctx.c): old CLI says: $(cat "$T/out")"
else bad "old CLI: env:VAR unset: $(cat "$T/out")"; fi

echo "passphrase_test: $fails failed"
[ $fails -eq 0 ]
