#!/usr/bin/env bash
# tests/client/authority_test.sh CAREKEY CAREKEYD AUTHORITY_FORGE - authorities
# as services against a real carekeyd (SQLite, loopback, free port): the
# operator, two authorities and three people; keys issued through the
# mailbox, synced, used to decrypt; forged, tampered, misaddressed and
# replayed deliveries refused and never merged; revocation by epoch with
# re-issue to the remaining holders; usage and error paths.
# Prints "N passed, N failed"; exit 1 if any failed.
set -u
CK=${1:?usage: authority_test.sh CAREKEY CAREKEYD AUTHORITY_FORGE}
CKD=${2:?carekeyd}
FORGE=${3:?authority_forge}
for v in CK CKD FORGE; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
T=$(mktemp -d "${TMPDIR:-/tmp}/carekey-auth.XXXXXX")
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
# expect CODE DESCRIPTION -- COMMAND...: runs it; stdout in $T/out, stderr in $T/err
expect() {
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, want $want; stderr: $(cat "$T/err")"; fi
}
err_has() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks '$1': $(cat "$T/err")"; fi; }
out_has() { if grep -qF -- "$1" "$T/out"; then ok; else bad "stdout lacks '$1': $(cat "$T/out")"; fi; }
out_lacks() { if grep -qF -- "$1" "$T/out"; then bad "stdout has '$1': $(cat "$T/out")"; else ok; fi; }
file_has() { if grep -qF -- "$2" "$1"; then ok; else bad "$1 lacks '$2'"; fi; }
mode_is() { local m; m=$(stat -c %a "$1"); if [ "$m" = "$2" ]; then ok; else bad "$1 mode $m, want $2"; fi; }

OP=$T/op
op() { "$CK" "$@" --home "$OP"; }
as() { local who=$1; shift; "$CK" "$@" --home "$T/$who"; }

# --- the operator and the server ------------------------------------------------
expect 0 "admin init" -- "$CK" admin init --home "$OP" --kdf-cost 10
ADMIN_KEY=$(tail -n 1 "$T/out")
export CAREKEY_OPERATOR_KEY=$ADMIN_KEY
"$CKD" --port 0 --port-file "$T/port" --db "sqlite:$T/carekey.db" --admin-key "$ADMIN_KEY" \
  --rate-limit 0 >"$T/carekeyd.log" 2>&1 &
SRV_PID=$!
for _ in $(seq 1 500); do [ -s "$T/port" ] && break; sleep 0.02; done
if [ ! -s "$T/port" ]; then echo "carekeyd did not start: $(cat "$T/carekeyd.log")" >&2; exit 1; fi
export CAREKEY_SERVER="http://127.0.0.1:$(cat "$T/port")"

# --- authorities ------------------------------------------------------------------
expect 0 "create hosp-a" -- op authority create hosp-a
out_has "authority hosp-a created"
expect 0 "create medical-board" -- op authority create medical-board
expect 1 "create refuses an existing authority" -- op authority create hosp-a
err_has "already runs authority 'hosp-a'"
expect 2 "bad authority name" -- op authority create 'Hosp A'
err_has "invalid authority name"
expect 0 "authority list" -- op authority list
out_has "hosp-a  signing key "
out_has "medical-board  signing key "
expect 0 "publish hosp-a" -- op authority publish hosp-a --out hosp-a.json --apk hosp-a.apk
expect 0 "publish medical-board" -- op authority publish medical-board --out medical-board.json --apk medical-board.apk
file_has hosp-a.json '"signing_key"'
file_has hosp-a.json '"abe_public_key"'
expect 1 "publish an authority this keyring does not run" -- op authority publish er-desk --out x.json
err_has "does not run authority 'er-desk'"
expect 1 "issue before registration" -- op authority issue hosp-a --gid bob --attr doctor@hosp-a
err_has "does not accept this authority's key"
expect 0 "register hosp-a" -- op admin add-authority hosp-a.json
expect 0 "register medical-board" -- op admin add-authority medical-board.json
expect 0 "epoch of a fresh authority" -- op authority epoch hosp-a
out_has "(no attribute issued yet)"

# --- people ------------------------------------------------------------------------
for p in alice:patient bob:doctor carol:doctor; do
  gid=${p%%:*} role=${p#*:}
  expect 0 "init $gid" -- "$CK" init --home "$T/$gid" --gid "$gid" --role "$role" --enroll-out "$gid.req.json" \
    --kdf-cost 10 --server "$CAREKEY_SERVER"
  expect 0 "enroll $gid" -- op admin enroll "$gid.req.json"
done

# --- issue -------------------------------------------------------------------------
expect 0 "issue hosp-a to bob" -- op authority issue hosp-a --gid bob --attr doctor@hosp-a --attr 'level@hosp-a=3'
out_has "issued doctor@hosp-a (epoch 0) to bob"
out_has "issued level@hosp-a=3 (epoch 0) to bob"
expect 0 "issue hosp-a to carol" -- op authority issue hosp-a --gid carol --attr doctor@hosp-a --attr 'level@hosp-a=2'
expect 0 "issue medical-board to bob" -- op authority issue medical-board --gid bob --attr md@medical-board
expect 0 "issue medical-board to carol" -- op authority issue medical-board --gid carol --attr md@medical-board
mode_is "$OP/authorities/hosp-a.json" 600
file_has "$OP/authorities/hosp-a.json" '"carol"'
expect 1 "issue to an unknown user" -- op authority issue hosp-a --gid nobody --attr doctor@hosp-a
err_has "carekey: authority issue: no user 'nobody' in the directory"
expect 2 "issue another authority's attribute" -- op authority issue hosp-a --gid bob --attr md@medical-board
err_has "does not belong to authority 'hosp-a'"
expect 2 "issue without --gid" -- op authority issue hosp-a --attr doctor@hosp-a
err_has "missing --gid"
expect 2 "issue a malformed attribute" -- op authority issue hosp-a --gid bob --attr 'doctor@@hosp-a'
expect 1 "issue another numeric value without revoking" -- op authority issue hosp-a --gid bob --attr 'level@hosp-a=5'
err_has "revoke it before issuing another value"

# --- sync ----------------------------------------------------------------------------
expect 0 "bob sync" -- as bob keys sync
out_has "2 accepted"
expect 0 "bob sync again: nothing new" -- as bob keys sync
out_has "0 accepted"
expect 0 "carol sync" -- as carol keys sync
expect 0 "alice sync (empty mailbox)" -- as alice keys sync
expect 0 "bob keys list" -- as bob keys list
out_has "gid: bob"
out_has "doctor@hosp-a  epoch 0"
out_has "level@hosp-a=3  epoch 0  (numeric)"
out_has "md@medical-board  epoch 0"
expect 0 "bob keys list --authority medical-board" -- as bob keys list --authority medical-board
out_lacks "hosp-a  epoch"
expect 0 "alice keys list" -- as alice keys list
out_has "no attribute keys"

# --- the keys decrypt ---------------------------------------------------------------
echo "discharge summary: ward 4, follow-up in 2 weeks" >note.txt
expect 0 "encrypt (epoch 0)" -- "$CK" abe encrypt --policy 'doctor@hosp-a and md@medical-board and level@hosp-a >= 3' \
  --pk hosp-a.apk --pk medical-board.apk note.txt note.e0
expect 0 "bob exports his key" -- as bob keys export --out bob.key
mode_is bob.key 600
expect 3 "export never overwrites" -- as bob keys export --out bob.key
expect 0 "bob decrypts" -- "$CK" abe decrypt --key bob.key note.e0 note.bob
if cmp -s note.txt note.bob; then ok; else bad "bob's plaintext differs"; fi
expect 0 "carol exports" -- as carol keys export --out carol.key
expect 1 "carol (level 2) cannot decrypt" -- "$CK" abe decrypt --key carol.key note.e0 note.carol
expect 0 "alice exports" -- as alice keys export --out alice.key
expect 1 "alice (no keys) cannot decrypt" -- "$CK" abe decrypt --key alice.key note.e0 note.alice

# --- forged and tampered deliveries ----------------------------------------------------
expect 0 "forge: medical-board poses as hosp-a" -- "$FORGE" "$OP" "$CAREKEY_SERVER" impostor medical-board hosp-a bob nurse@hosp-a
expect 0 "forge: medical-board issues a hosp-a attribute" -- "$FORGE" "$OP" "$CAREKEY_SERVER" foreign medical-board bob nurse@hosp-a
expect 0 "forge: flipped byte" -- "$FORGE" "$OP" "$CAREKEY_SERVER" flip hosp-a bob nurse@hosp-a 0
expect 0 "forge: carol's key in bob's mailbox" -- "$FORGE" "$OP" "$CAREKEY_SERVER" misaddressed hosp-a bob carol nurse@hosp-a
expect 1 "bob sync refuses all four" -- as bob keys sync
out_has "0 accepted (0 new attribute keys), 4 refused and left in the mailbox"
err_has "message 1 from medical-board: refused: the signature does not verify"
err_has "message 2 from medical-board: refused: it holds attributes of another authority"
err_has "message 3 from hosp-a: refused: the signature does not verify"
err_has "message 4 from hosp-a: refused: the signature does not verify"
expect 0 "bob keys list after forgeries" -- as bob keys list
out_lacks "nurse@hosp-a"
expect 1 "refused deliveries stay in the mailbox" -- as bob keys sync
out_has "4 refused"
expect 1 "--drop-refused deletes them" -- as bob keys sync --drop-refused
out_has "4 refused and deleted"
expect 0 "mailbox clean again" -- as bob keys sync
out_has "0 accepted (0 new attribute keys), 0 refused"

# --- revocation ------------------------------------------------------------------------
expect 0 "revoke doctor@hosp-a from carol" -- op authority revoke hosp-a --gid carol --attr doctor@hosp-a
out_has "revoked doctor@hosp-a from carol: epoch 0 -> 1"
out_has "re-issued doctor@hosp-a (epoch 1) to bob"
expect 0 "epoch moved" -- op authority epoch hosp-a
out_has "doctor@hosp-a  1"
expect 0 "epoch as seen by a person" -- as alice authority epoch hosp-a --json
out_has '"doctor@hosp-a":1'
expect 1 "revoke again: carol no longer holds it" -- op authority revoke hosp-a --gid carol --attr doctor@hosp-a
err_has "carol does not hold doctor@hosp-a"
expect 2 "revoke names the attribute, not a value" -- op authority revoke hosp-a --gid bob --attr 'level@hosp-a=3'
if python3 -c "import json,sys; r=json.load(open('$OP/authorities/hosp-a.json')); sys.exit(r['attributes']['doctor@hosp-a']!=['bob'])"; then
  ok; else bad "registry: doctor@hosp-a holders are not [bob]: $(cat "$OP/authorities/hosp-a.json")"; fi
expect 0 "bob receives the re-issued attribute" -- as bob keys sync
out_has "1 accepted"
expect 0 "bob holds epoch 1" -- as bob keys list
out_has "doctor@hosp-a  epoch 1"
expect 0 "carol receives nothing" -- as carol keys sync
out_has "0 accepted"
expect 0 "carol still at epoch 0" -- as carol keys list
out_has "doctor@hosp-a  epoch 0"
# new data is encrypted at the current epochs
expect 0 "encrypt at the new epoch" -- "$FORGE" - - encrypt '{"doctor@hosp-a":1}' 'doctor@hosp-a and md@medical-board' \
  note.txt note.e1 hosp-a.apk medical-board.apk
rm -f bob.key carol.key
expect 0 "bob exports again" -- as bob keys export --out bob.key
expect 0 "carol exports again" -- as carol keys export --out carol.key
expect 0 "bob decrypts epoch-1 data" -- "$CK" abe decrypt --key bob.key note.e1 note.bob1
if cmp -s note.txt note.bob1; then ok; else bad "bob's epoch-1 plaintext differs"; fi
expect 1 "revoked carol cannot decrypt epoch-1 data" -- "$CK" abe decrypt --key carol.key note.e1 note.carol1
if [ ! -e note.carol1 ]; then ok; else bad "carol's output written"; fi

# a replayed pre-revocation delivery would roll bob back to epoch 0
expect 0 "forge: replay an epoch-0 delivery" -- "$FORGE" "$OP" "$CAREKEY_SERVER" stale hosp-a bob doctor@hosp-a 0
expect 1 "bob refuses the replay" -- as bob keys sync --drop-refused
err_has "a replayed old delivery"
expect 0 "bob still at epoch 1" -- as bob keys list
out_has "doctor@hosp-a  epoch 1"

# numeric attributes: every bit-attribute moves
expect 0 "revoke level@hosp-a from bob" -- op authority revoke hosp-a --gid bob --attr level@hosp-a
out_has "epoch 0 -> 1"
out_has "re-issued level@hosp-a (epoch 1) to carol"
expect 0 "numeric epoch" -- op authority epoch hosp-a
out_has "level@hosp-a  1"
expect 0 "carol sync (level)" -- as carol keys sync
expect 0 "carol holds level 2 at epoch 1" -- as carol keys list
out_has "level@hosp-a=2  epoch 1  (numeric)"
out_lacks "level@hosp-a  epoch"
expect 0 "bob may get a new value after revocation" -- op authority issue hosp-a --gid bob --attr 'level@hosp-a=4'
out_has "issued level@hosp-a=4 (epoch 1) to bob"

# --- usage, help, errors ------------------------------------------------------------------
expect 0 "authority --help" -- "$CK" authority --help
out_has "revoke"
for s in create list publish issue revoke epoch; do
  expect 0 "authority $s --help" -- "$CK" authority "$s" --help
done
for s in sync list export; do expect 0 "keys $s --help" -- "$CK" keys "$s" --help; done
expect 0 "carekey --help lists the groups" -- "$CK" --help
out_has "authority"
out_has "keys"
expect 2 "unknown subcommand" -- "$CK" authority frobnicate
expect 2 "unknown option" -- op authority list --bogus
expect 2 "missing NAME" -- op authority epoch
expect 3 "no keyring" -- "$CK" keys list --home "$T/nobody"
expect 1 "wrong passphrase" -- env CAREKEY_PASSPHRASE=wrong "$CK" keys list --home "$T/bob"
expect 1 "unknown authority epoch" -- as alice authority epoch er-desk
err_has "404"

# nothing secret on the terminal: no authority secret or seed appears in any output
if ! grep -rqa "CKAS" "$OP/authorities" 2>/dev/null; then ok; else bad "registry holds key material"; fi
if ! ls -A "$OP" "$OP/authorities" | grep -q '\.tmp-'; then ok; else bad "temporary file left behind"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
