#!/usr/bin/env bash
# tests/client/cli_abe_test.sh CAREKEY - `carekey abe` end to end: two
# authorities, keys for two GIDs, a file encrypted under a cross-authority
# policy, decrypted with the right key, refused (exit 1, no output file)
# with the wrong ones; usage errors (exit 2), I/O errors (exit 3), tampering,
# --ad, --merge, inspect, file modes. Prints "N passed, N failed".
set -u
CK=${1:?usage: cli_abe_test.sh PATH/TO/carekey}
case $CK in /*) ;; *) CK=$PWD/$CK ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/carekey-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# expect CODE DESCRIPTION -- COMMAND...: runs it, keeps stderr in $T/err
expect() {
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, want $want; stderr: $(cat "$T/err")"; fi
}
err_has() { if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks '$1': $(cat "$T/err")"; fi; }
out_has() { if grep -qF -- "$1" "$T/out"; then ok; else bad "stdout lacks '$1': $(cat "$T/out")"; fi; }
absent() { if [ ! -e "$1" ]; then ok; else bad "$1 exists but must not"; fi; }
no_temp() { if ls -A . keys 2>/dev/null | grep -q '\.tmp-'; then bad "temporary file left behind"; else ok; fi; }
mode_is() { local m; m=$(stat -c %a "$1"); if [ "$m" = "$2" ]; then ok; else bad "$1 mode $m, want $2"; fi; }

# --- authorities -----------------------------------------------------------
mkdir keys
expect 0 "setup hosp-a" -- "$CK" abe setup-authority hosp-a --out-dir keys
expect 0 "setup hosp-b" -- "$CK" abe setup-authority --out-dir keys hosp-b
mode_is keys/hosp-a.ask 600
mode_is keys/hosp-b.ask 600
expect 3 "setup refuses to overwrite" -- "$CK" abe setup-authority hosp-a --out-dir keys
err_has "already exists"
expect 2 "bad authority name" -- "$CK" abe setup-authority 'Hosp A' --out-dir keys
absent "keys/Hosp A.ask"
expect 3 "setup into a missing directory" -- "$CK" abe setup-authority hosp-c --out-dir nowhere
# an impostor calling itself hosp-b, elsewhere
mkdir fake
expect 0 "setup impostor hosp-b" -- "$CK" abe setup-authority hosp-b --out-dir fake

# --- keys ------------------------------------------------------------------
# alice: doctor@hosp-a, level 3 (hosp-a), er@hosp-b: satisfies the policy below
expect 0 "alice keygen hosp-a" -- "$CK" abe keygen --authority-key keys/hosp-a.ask --gid alice \
  --attr doctor@hosp-a --attr 'level@hosp-a=3' --out alice.key
mode_is alice.key 600
expect 3 "keygen refuses to overwrite without --merge" -- "$CK" abe keygen --authority-key keys/hosp-b.ask \
  --gid alice --attr er@hosp-b --out alice.key
expect 0 "alice keygen hosp-b --merge" -- "$CK" abe keygen --authority-key keys/hosp-b.ask --gid alice \
  --attr er@hosp-b --out alice.key --merge
expect 1 "merge into another GID's key" -- "$CK" abe keygen --authority-key keys/hosp-b.ask --gid bob \
  --attr er@hosp-b --out alice.key --merge
err_has "GID 'alice'"
# bob: doctor@hosp-a with level 2 and er@hosp-b: fails on the level
expect 0 "bob keygen hosp-a" -- "$CK" abe keygen --authority-key keys/hosp-a.ask --gid bob \
  --attr doctor@hosp-a --attr 'level@hosp-a=2' --out bob.key
expect 0 "bob keygen hosp-b" -- "$CK" abe keygen --authority-key keys/hosp-b.ask --gid bob \
  --attr er@hosp-b --out bob.key --merge
# carol: no hosp-b attribute at all; dave: er@hosp-b from the impostor
expect 0 "carol keygen" -- "$CK" abe keygen --authority-key keys/hosp-a.ask --gid carol \
  --attr doctor@hosp-a --attr 'level@hosp-a=9' --out carol.key
expect 0 "dave keygen (hosp-a)" -- "$CK" abe keygen --authority-key keys/hosp-a.ask --gid dave \
  --attr doctor@hosp-a --attr 'level@hosp-a=5' --out dave.key
expect 0 "dave keygen (impostor hosp-b)" -- "$CK" abe keygen --authority-key fake/hosp-b.ask --gid dave \
  --attr er@hosp-b --out dave.key --merge
expect 2 "attribute of another authority" -- "$CK" abe keygen --authority-key keys/hosp-a.ask --gid x \
  --attr er@hosp-b --out x.key
absent x.key
expect 2 "malformed attribute" -- "$CK" abe keygen --authority-key keys/hosp-a.ask --gid x --attr 'a b@hosp-a' --out x.key
expect 2 "numeric value out of range" -- "$CK" abe keygen --authority-key keys/hosp-a.ask --gid x \
  --attr 'level@hosp-a=4294967296' --out x.key
expect 2 "missing --gid" -- "$CK" abe keygen --authority-key keys/hosp-a.ask --attr a@hosp-a --out x.key
expect 2 "bad --epoch" -- "$CK" abe keygen --authority-key keys/hosp-a.ask --gid x --attr a@hosp-a --epoch -1 --out x.key
expect 3 "missing authority key file" -- "$CK" abe keygen --authority-key keys/none.ask --gid x --attr a@hosp-a --out x.key
expect 1 "public key given as authority key" -- "$CK" abe keygen --authority-key keys/hosp-a.apk --gid x \
  --attr a@hosp-a --out x.key
absent x.key

# --- encrypt / decrypt -----------------------------------------------------
head -c 100000 /dev/urandom >record.bin
POLICY='doctor@hosp-a and er@hosp-b and level@hosp-a >= 3'
expect 0 "encrypt" -- "$CK" abe encrypt --policy "$POLICY" --pk keys/hosp-a.apk --pk keys/hosp-b.apk \
  --ad patient-7 record.bin record.ck
expect 0 "decrypt with the right key" -- "$CK" abe decrypt --key alice.key --ad patient-7 record.ck out.bin
if cmp -s record.bin out.bin; then ok; else bad "decrypted file differs"; fi
mode_is out.bin 600
expect 1 "bob (level 2) cannot decrypt" -- "$CK" abe decrypt --key bob.key --ad patient-7 record.ck bob.bin
err_has "carekey: decrypt: the key does not satisfy the policy"
absent bob.bin
expect 1 "carol (no hosp-b key) cannot decrypt" -- "$CK" abe decrypt --key carol.key --ad patient-7 record.ck carol.bin
absent carol.bin
expect 1 "impostor-issued key fails" -- "$CK" abe decrypt --key dave.key --ad patient-7 record.ck dave.bin
err_has "authentication failed"
absent dave.bin
expect 1 "wrong --ad" -- "$CK" abe decrypt --key alice.key --ad patient-8 record.ck wrong.bin
err_has "authentication failed"
absent wrong.bin
expect 1 "missing --ad" -- "$CK" abe decrypt --key alice.key record.ck wrong.bin
absent wrong.bin
# a failed decrypt leaves an existing output file alone
echo keep >existing.bin
expect 1 "failure keeps the old output" -- "$CK" abe decrypt --key bob.key --ad patient-7 record.ck existing.bin
if [ "$(cat existing.bin)" = keep ]; then ok; else bad "existing output was changed"; fi
# tampering: a flipped byte near the end (payload) and in the header; truncation; appended bytes
size=$(stat -c %s record.ck)
# flip_byte FILE OFFSET: xor the byte with 0xff, so the file always changes
flip_byte() {
  local b; b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "\\$(printf %03o $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
cp record.ck t1.ck; flip_byte t1.ck $((size - 100))
cmp -s record.ck t1.ck && bad "flip_byte left the file unchanged"
expect 1 "flipped payload byte" -- "$CK" abe decrypt --key alice.key --ad patient-7 t1.ck t.bin
err_has "authentication failed"
cp record.ck t2.ck; printf 'Z' | dd of=t2.ck bs=1 seek=2 conv=notrunc status=none
expect 1 "bad magic" -- "$CK" abe decrypt --key alice.key --ad patient-7 t2.ck t.bin
err_has "not a valid carekey envelope"
head -c $((size - 1)) record.ck >t3.ck
expect 1 "truncated" -- "$CK" abe decrypt --key alice.key --ad patient-7 t3.ck t.bin
err_has "truncated"
{ cat record.ck; printf x; } >t4.ck
expect 1 "appended byte" -- "$CK" abe decrypt --key alice.key --ad patient-7 t4.ck t.bin
absent t.bin
no_temp

# cross-authority policies with or/threshold and an empty file
: >empty.txt
expect 0 "encrypt empty file, threshold" -- "$CK" abe encrypt --policy '2 of (doctor@hosp-a, er@hosp-b, nurse@hosp-b)' \
  --pk keys/hosp-a.apk --pk keys/hosp-b.apk empty.txt empty.ck
expect 0 "decrypt empty (bob)" -- "$CK" abe decrypt --key bob.key empty.ck empty.out
if [ -f empty.out ] && [ ! -s empty.out ]; then ok; else bad "empty round trip"; fi
expect 1 "carol: 1 of 2" -- "$CK" abe decrypt --key carol.key empty.ck empty2.out
absent empty2.out

# encrypt errors
expect 1 "no public key for an authority" -- "$CK" abe encrypt --policy "$POLICY" --pk keys/hosp-a.apk record.bin x.ck
err_has "no public key for authority 'hosp-b'"
absent x.ck
expect 1 "invalid policy" -- "$CK" abe encrypt --policy 'doctor@hosp-a and' --pk keys/hosp-a.apk record.bin x.ck
err_has "invalid policy: policy:"
absent x.ck
expect 3 "missing input file" -- "$CK" abe encrypt --policy doctor@hosp-a --pk keys/hosp-a.apk nothere.bin x.ck
err_has "cannot open 'nothere.bin'"
absent x.ck
expect 3 "missing key file" -- "$CK" abe decrypt --key nokey.key record.ck x.bin
expect 3 "missing ciphertext" -- "$CK" abe decrypt --key alice.key nothere.ck x.bin
expect 3 "output directory missing" -- "$CK" abe encrypt --policy doctor@hosp-a --pk keys/hosp-a.apk record.bin no/dir/x.ck
expect 1 "a key file as public key" -- "$CK" abe encrypt --policy doctor@hosp-a --pk alice.key record.bin x.ck
expect 2 "two keys for one authority" -- "$CK" abe encrypt --policy doctor@hosp-a --pk keys/hosp-b.apk \
  --pk fake/hosp-b.apk record.bin x.ck
absent x.ck

# usage errors
expect 2 "no command" -- "$CK"
expect 2 "unknown command" -- "$CK" frobnicate
expect 2 "abe without subcommand" -- "$CK" abe
expect 2 "unknown subcommand" -- "$CK" abe frobnicate
expect 2 "unknown option" -- "$CK" abe encrypt --frob record.bin x.ck
err_has "unknown option '--frob'"
expect 2 "option without value" -- "$CK" abe decrypt --key
err_has "needs a value"
expect 2 "missing --policy" -- "$CK" abe encrypt --pk keys/hosp-a.apk record.bin x.ck
expect 2 "missing OUT" -- "$CK" abe decrypt --key alice.key record.ck
expect 2 "too many arguments" -- "$CK" abe decrypt --key alice.key record.ck a b
absent x.ck

# help
for sub in "" abe "abe setup-authority" "abe keygen" "abe encrypt" "abe decrypt" "abe inspect"; do
  # shellcheck disable=SC2086
  expect 0 "help: carekey $sub --help" -- "$CK" $sub --help
  out_has "Usage: carekey"
done
"$CK" --help >"$T/out" 2>&1; out_has "3  I/O error"

# inspect: names and attributes, never secrets
expect 0 "inspect envelope" -- "$CK" abe inspect record.ck
out_has "policy: $POLICY"
out_has "authorities: hosp-a hosp-b"
expect 0 "inspect user key" -- "$CK" abe inspect alice.key
out_has "gid: alice"
out_has "level@hosp-a=3"
out_has "er@hosp-b"
expect 0 "inspect public key" -- "$CK" abe inspect keys/hosp-a.apk
out_has "authority: hosp-a"
fp=$(awk '/fingerprint/ { print $NF }' "$T/out")
expect 0 "inspect secret key" -- "$CK" abe inspect keys/hosp-a.ask
out_has "public key fingerprint: $fp"
expect 0 "inspect impostor public key" -- "$CK" abe inspect fake/hosp-b.apk
fake_fp=$(awk '/fingerprint/ { print $NF }' "$T/out")
"$CK" abe inspect keys/hosp-b.apk >"$T/out"
if grep -qF "$fake_fp" "$T/out"; then bad "impostor has the same fingerprint"; else ok; fi
expect 1 "inspect garbage" -- "$CK" abe inspect record.bin
expect 1 "inspect truncated" -- "$CK" abe inspect t3.ck
expect 3 "inspect missing" -- "$CK" abe inspect nothere

no_temp
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
