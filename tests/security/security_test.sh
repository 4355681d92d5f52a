#!/usr/bin/env bash
# tests/security/security_test.sh ITEM CAREKEY CAREKEYD PROXY FORGE AUTHFORGE FIXTURE
#
# The attacks of issue 9 that need the whole client, run against a real
# carekeyd behind tests/client/tamper_proxy (a server that lies), on
# loopback, bounded in count and time. One ITEM per run (ctest registers
# each as security.NN-...):
#
#   epoch-rollback          the server serves an authority's older signed
#                           epoch table, or none: nobody seals
#   forged-epochs           the server raises an epoch in a table it cannot
#                           sign: refused, never pinned
#   authority-substitution  the server swaps an authority's keys for a
#                           reader who never pinned them: refused
#   affiliation-hijack      an organization takes on a patient or a person
#                           without consent, or deactivates: refused
#   slow-clients-desk       120 trickling sockets while break-glass works
#   mailbox-flood           a flood from one authority: quota, listed,
#                           deleted by the recipient; real deliveries land
#   back-dated              a former grantee dates an entry into her grant's
#                           lifetime: the server refuses it, and a server
#                           that accepts it anyway is caught by readers
#   delegation              a delegate revokes a co-delegate, names a
#                           delegate, or her grantee writes after she was
#                           revoked: refused by the server, caught by readers
#
# Prints "ok"/"FAIL" lines and "N passed, N failed"; exit 1 if any failed.
set -u
ITEM=${1:?item}
CK=$2 CKD=$3 PROXY=$4 FORGE=$5 AFORGE=$6 FIX=$7
for v in CK CKD PROXY FORGE AFORGE FIX; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
T=$(mktemp -d "${TMPDIR:-/tmp}/carekey-sec.XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 1
unset CAREKEY_HOME CAREKEY_SERVER CAREKEY_CA_FILE
export CAREKEY_PASSPHRASE='security passphrase'
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
# expect CODE WHAT CMD...: stdout in $T/out, stderr in $T/err
expect() {
    local want=$1 what=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"; local got=$?
    if [ "$got" = "$want" ]; then ok "$what"; else bad "$what: exit $got, want $want: $(head -c 600 "$T/err")"; fi
}
err_has() { if grep -qF -- "$1" "$T/err"; then ok "stderr says '$1'"; else bad "stderr lacks '$1': $(head -c 600 "$T/err")"; fi; }
out_has() { if grep -qF -- "$1" "$T/out"; then ok "stdout says '$1'"; else bad "stdout lacks '$1': $(head -c 600 "$T/out")"; fi; }
run() { "$@" >"$T/log" 2>&1 || { echo "setup step failed: $*"; cat "$T/log"; exit 1; }; }
as() { local who=$1; shift; "$CK" "$@" --home "$T/$who"; }
mode() { echo "$*" >"$T/mode"; }
wait_file() { for _ in $(seq 400); do [ -s "$1" ] && return 0; sleep 0.025; done; echo "timeout: $1"; exit 1; }
entries() { as alice record list --patient alice 2>/dev/null | grep -c '^ *[0-9]'; }

# ---- a server that lies: carekeyd behind the tamper proxy --------------------------
ADMIN_KEY=$("$CK" admin init --home "$T/op" --kdf-cost 10) || exit 1
export CAREKEY_OPERATOR_KEY=$ADMIN_KEY
mode none
"$PROXY" "$T/pport" "$T/port" "$T/mode" 2>"$T/proxy.log" &
PIDS+=($!)
wait_file "$T/pport"
"$CKD" --listen 127.0.0.1 --port 0 --port-file "$T/port" --db "sqlite:$T/ck.db" --admin-key "$ADMIN_KEY" \
    --origin "http://127.0.0.1:$(cat "$T/pport")" --rate-limit 0 --mailbox-per-sender 5 --log-level warn \
    2>"$T/ckd.log" &
PIDS+=($!)
wait_file "$T/port"
export CAREKEY_SERVER="http://127.0.0.1:$(cat "$T/pport")"

person() {   # GID ROLE
    run "$CK" init --gid "$1" --role "$2" --home "$T/$1" --kdf-cost 10 --enroll-out "$T/$1.req"
    run "$CK" admin enroll "$T/$1.req" --home "$T/op"
}
authority() {   # HOME NAME DECLARED...
    local home=$1 name=$2 a args=(); shift 2
    run as "$home" authority create "$name"
    run as "$home" authority publish "$name" --out "$T/$name.json"
    run "$CK" admin add-authority "$T/$name.json" --home "$T/op"
    for a in "$@"; do args+=(--attr "$a@$name"); done
    [ ${#args[@]} = 0 ] || run as "$home" authority declare "$name" "${args[@]}"
}
person alice patient
person drbob doctor
person drcarl doctor
person hosp-a organization
for b in medical-board nursing-board pharmacy-board research-board er-desk; do
    authority op "$b" $(case $b in medical-board) echo doctor ;; nursing-board) echo nurse ;;
        pharmacy-board) echo pharmacist ;; research-board) echo researcher ;; er-desk) echo emergency ;; esac)
done
authority hosp-a hosp-a staff billing
authority alice patient-alice owner family
run "$CK" admin add-org --name hosp-a --kind hospital --display-name "Hospital A" --home "$T/op"
run as alice authority issue patient-alice --gid alice --attr owner@patient-alice
for d in drbob drcarl; do
    run as op authority issue medical-board --gid $d --attr doctor@medical-board
    run as hosp-a authority issue hosp-a --gid $d --attr staff@hosp-a
done
for g in alice drbob drcarl; do run as $g keys sync; done
run as alice sharing set --patient alice --orgs hosp-a
for g in drbob drcarl; do run as alice grant --patient alice --gid $g --read; done
echo '{"resourceType":"Condition","id":"c-1","code":{"text":"Written before"}}' >"$T/c1.json"
echo '{"resourceType":"Condition","id":"c-2","code":{"text":"Written after"}}' >"$T/c2.json"
put() { as alice record put --patient alice --section problems --type Condition "$1"; }

# ---- items ---------------------------------------------------------------------------
item_epoch_rollback() {
    as op authority epoch hosp-a --json >"$T/table-old.json"
    echo null >"$T/null.json"
    expect 0 "alice writes before the revocation" put "$T/c1.json"
    expect 0 "hosp-a revokes staff@hosp-a from drbob (a new epoch, signed)" as hosp-a authority revoke hosp-a --gid drbob --attr staff@hosp-a
    run as drcarl keys sync
    expect 0 "alice writes after it, pinning the new table" put "$T/c2.json"
    n=$(entries)
    mode authority hosp-a epoch_table "$T/table-old.json"
    expect 1 "the server serves the older signed table: alice refuses to seal" put "$T/c2.json"
    err_has "older than version"
    expect 1 "re-encryption refuses the same way (the desk seals through the same code)" as alice reencrypt --patient alice --all
    mode authority hosp-a epoch_table "$T/null.json"
    expect 1 "the server serves no table at all: refused" put "$T/c2.json"
    err_has "publishes no signed epoch table"
    mode none
    if [ "$(entries)" = "$n" ]; then ok "nothing was written while the server lied"; else bad "entries $n -> $(entries)"; fi
    expect 0 "drbob (revoked) fetches the record" as drbob record get --patient alice --json
    if jq -e '[.entries[] | select(.status == "ok" and .section == "problems")] | length == 1' "$T/out" >/dev/null; then
        ok "drbob opens what was written before his revocation, not what came after"
    else bad "drbob opens: $(jq -c '[.entries[] | {seq, section, status}]' "$T/out")"; fi
    expect 0 "drcarl (still staff) opens both" as drcarl record get --patient alice --section problems
    out_has "Written after"
}

item_forged_epochs() {
    as alice authority epoch patient-alice --json >"$T/t.json"
    jq -c '.epochs["owner@patient-alice"] = 4294967295' "$T/t.json" >"$T/forged.json"
    mode authority patient-alice epoch_table "$T/forged.json"
    expect 1 "a raised epoch the authority did not sign is refused" put "$T/c1.json"
    err_has "not signed by its key"
    mode none
    expect 0 "once the server is honest again alice writes" put "$T/c1.json"
    expect 0 "and reads her own new entry (the forged epoch was never pinned)" as alice record get --patient alice --section problems
    out_has "Written before"
    if grep -q 4294967295 "$T/alice/epochs/patient-alice.json" 2>/dev/null; then bad "the forged epoch was pinned"
    else ok "the pinned table holds no forged epoch"; fi
}

item_authority_substitution() {
    person eve doctor
    authority drcarl rogue
    as drcarl authority publish rogue --out "$T/rogue.json" >/dev/null
    jq '.abe_public_key' "$T/rogue.json" >"$T/rogue-apk.json"
    jq '.signing_key' "$T/rogue.json" >"$T/rogue-sk.json"
    mode authority hosp-a abe_public_key "$T/rogue-apk.json"
    expect 1 "a substituted ABE key for hosp-a is refused on first use" as eve authority epoch hosp-a
    err_has "not signed by the operator"
    mode authority hosp-a signing_key "$T/rogue-sk.json"
    expect 1 "a substituted signing key for hosp-a is refused on first use" as eve authority epoch hosp-a
    err_has "not signed by the operator"
    mode none
    expect 0 "the genuine record is taken" as eve authority epoch hosp-a
    out_has "staff@hosp-a"
}

item_affiliation_hijack() {
    expect 1 "hosp-a cannot take a patient on" as hosp-a hospital staff add --gid alice --role doctor
    expect 1 "hosp-a cannot take drbob on without his consent" as hosp-a hospital staff add --gid drbob --role doctor
    err_has "has not consented"
    expect 0 "drbob consents" as drbob directory consent hosp-a
    expect 0 "then hosp-a takes him on" as hosp-a hospital staff add --gid drbob --role doctor
    expect 1 "hosp-a cannot deactivate anyone's account" as hosp-a admin deactivate --gid drbob
    expect 0 "hosp-a can end its own staff's affiliation" as hosp-a hospital staff remove --gid drbob
    expect 0 "drbob still reads his own directory entry (not locked out)" as drbob directory staff --json
    expect 0 "the operator deactivates an account" as op admin deactivate --gid drcarl
    expect 1 "a deactivated account is refused" as drcarl record get --patient alice
    err_has "deactivated"
    expect 0 "the operator reactivates it" as op admin reactivate --gid drcarl
    expect 0 "and it works again" as drcarl record get --patient alice
}

item_mailbox_flood() {
    authority drcarl rogue anything
    for i in 1 2 3 4 5 6 7; do
        "$AFORGE" "$T/drcarl" "$CAREKEY_SERVER" flip rogue alice anything@rogue 0 >/dev/null 2>&1
    done
    expect 0 "alice lists her mailbox" as alice keys inbox
    if [ "$(grep -c 'authority:rogue' "$T/out")" = 5 ]; then ok "one sender stops at its quota of 5"
    else bad "rogue's messages in the mailbox: $(grep -c 'authority:rogue' "$T/out")"; fi
    expect 0 "another authority's delivery still lands" as alice authority issue patient-alice --gid alice --attr family@patient-alice
    expect 0 "alice deletes the flood" as alice keys inbox --delete-from authority:rogue
    out_has "deleted 5 message(s)"
    expect 0 "the real delivery syncs" as alice keys sync
    out_has "1 accepted"
}

item_slow_clients_desk() {
    person er-desk staff
    person drer emergency
    run as op authority issue er-desk --gid er-desk --attr emergency@er-desk
    run as er-desk keys sync
    run as drer directory consent hosp-a
    run "$CK" admin affiliate --gid drer --org hosp-a --home "$T/op"
    run as alice grant --patient alice --gid er-desk --sections audit
    run as alice import "$FIX" --patient alice
    "$CK" emergency-desk serve --port 0 --port-file "$T/desk.port" --home "$T/er-desk" 2>"$T/desk.log" &
    PIDS+=($!)
    wait_file "$T/desk.port"
    local port; port=$(cat "$T/desk.port")
    # 120 sockets over 127.0.0.2..9 (15 per address), one byte a second for 20 s
    python3 - "$port" >"$T/slow.log" 2>&1 <<'EOF' &
import socket, sys, time
port = int(sys.argv[1]); socks = []
for i in range(120):
    s = socket.socket()
    s.bind(("127.0.0.%d" % (2 + i % 8), 0))
    try:
        s.connect(("127.0.0.1", port)); s.send(b"P"); socks.append(s)
    except OSError:
        s.close()
t0 = time.time()
while time.time() - t0 < 20:
    time.sleep(1)
    for s in list(socks):
        try: s.send(b"O")
        except OSError: socks.remove(s)
print("open after 20 s:", len(socks))
EOF
    local slow=$! worst=0 fails=0
    PIDS+=($slow)
    sleep 2
    for i in 1 2 3 4 5; do
        local t0 t1
        t0=$(date +%s%3N)
        as drer emergency request --desk "http://127.0.0.1:$port" --patient alice --reason "drill $i" --minutes 5 \
            >/dev/null 2>"$T/btg.err" || fails=$((fails + 1))
        t1=$(date +%s%3N)
        [ $((t1 - t0)) -gt $worst ] && worst=$((t1 - t0))
        sleep 2
    done
    if [ "$fails" = 0 ]; then ok "5 break-glass requests succeed while 120 slow sockets trickle"
    else bad "$fails break-glass requests failed: $(head -c 300 "$T/btg.err")"; fi
    # A desk the trickling sockets held up would answer only once they are
    # cut (20 s); 5 s leaves room for a loaded machine (each request is a
    # whole CLI process: start-up, keyring, break-glass).
    if [ "$worst" -le 5000 ]; then ok "each within 5 s, long before the sockets are cut (slowest $worst ms)"
    else bad "slowest break-glass $worst ms"; fi
    wait "$slow"
    if grep -q "open after 20 s: 0" "$T/slow.log"; then ok "the slow sockets were cut at the deadline"
    else bad "slow sockets survived: $(cat "$T/slow.log")"; fi
}

item_back_dated() {
    local now expiry
    run as drbob keys sync
    now=$(date +%s%3N)
    expiry=$((now + 4000))
    expect 0 "alice grants drbob problems until $expiry" as alice grant --patient alice --gid drbob --sections problems --expires $expiry
    expect 0 "drbob writes within his grant" as drbob record put --patient alice --section problems --type Condition "$T/c1.json"
    sleep 4.5
    expect 0 "alice writes after the grant expired" put "$T/c2.json"
    expect 0 "drbob signs an entry dated before the expiry" "$FORGE" "$CAREKEY_SERVER" "$T/drbob" alice problems Condition $((expiry - 500))
    out_has "refused"
    mode inject alice
    expect 1 "a server that takes it anyway: the reader says the record is not intact" as alice record verify --patient alice
    out_has "back-dated"
    mode none
    expect 0 "honest again" as alice record verify --patient alice
}

item_delegation() {
    person carl-org organization
    expect 0 "alice names hosp-a a delegate" as alice grant --patient alice --gid hosp-a --sections '*' --delegate
    expect 0 "alice names carl-org a delegate" as alice grant --patient alice --gid carl-org --sections '*' --delegate
    as hosp-a grant list --patient alice >"$T/gl" 2>&1
    local cid hid
    cid=$(awk '$2 == "carl-org" {print $1; exit}' "$T/gl")
    hid=$(awk '$2 == "hosp-a" {print $1; exit}' "$T/gl")
    expect 1 "hosp-a cannot revoke the co-delegate alice named" as hosp-a grant revoke --patient alice --id "${cid:-0}"
    expect 1 "hosp-a cannot name a delegate through the server" as hosp-a grant --patient alice --gid drcarl --sections '*' --delegate
    expect 0 "hosp-a grants drbob problems" as hosp-a grant --patient alice --gid drbob --sections problems
    expect 0 "drbob writes" as drbob record put --patient alice --section problems --type Condition "$T/c1.json"
    expect 0 "alice revokes hosp-a" as alice grant revoke --patient alice --id "$hid"
    expect 1 "drbob's grant ended with hosp-a: the server refuses him" \
        as drbob record put --patient alice --section problems --type Condition "$T/c2.json"
    mode inject alice
    expect 1 "a server that takes his write anyway: readers refuse it" as alice record verify --patient alice
    out_has "had no write grant"
    mode none
    expect 0 "carl-org (a delegate) writes a delegate grant into the chain directly" \
        "$FORGE" "$CAREKEY_SERVER" "$T/carl-org" alice grants Consent "$(date +%s%3N)" delegate-grant:drcarl
    out_has "accepted"
    expect 1 "readers refuse it: the record is not intact" as alice record verify --patient alice
    out_has "only the patient names or revokes a delegate"
}

case $ITEM in
    epoch-rollback) item_epoch_rollback ;;
    forged-epochs) item_forged_epochs ;;
    authority-substitution) item_authority_substitution ;;
    affiliation-hijack) item_affiliation_hijack ;;
    slow-clients-desk) item_slow_clients_desk ;;
    mailbox-flood) item_mailbox_flood ;;
    back-dated) item_back_dated ;;
    delegation) item_delegation ;;
    *) echo "unknown item $ITEM" >&2; exit 2 ;;
esac
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
