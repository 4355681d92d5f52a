#!/usr/bin/env bash
# Key agent benchmarks (docs/NODE.md "Agent"): a warm command run by itself
# (its process opens the keyring: scrypt, then the command) against the same
# command forwarded to the agent (which holds the unlocked keyring: the
# child reopens the file with the key held, no scrypt), end to end against
# a real carekeyd on SQLite (loopback, temporary directory). A patient with
# her own authority and a record of 3 entries; keyrings at scrypt cost
# 2^10 (the tests' cost) and 2^17 (the default, 128 MiB).
#
#   agent.record_get_direct_kdfN / agent.record_get_agent_kdfN
#                     'record get --patient P' (verified state warm)
#   agent.keys_list_direct_kdfN / agent.keys_list_agent_kdfN
#                     'keys list' (the keyring only, no server)
# Each figure is the median wall time of whole CLI processes, BENCH_REPS
# (default 10) runs.
#
#   bench/agent.sh BUILD_DIR      (make bench BENCH=agent)
set -euo pipefail
BENCH_AREA=agent
# shellcheck source=cli_world.sh
. "$(dirname "$0")/cli_world.sh"
REPS=${BENCH_REPS:-10}
world_server
export CAREKEY_OPERATOR_KEY=$ADMIN_KEY
op() { "$CK" "$@" --home "$(world_home operator)" --server "$URL"; }
cat >"$W/cond.json" <<'J'
{"resourceType":"Condition","id":"co-1","code":{"text":"Seasonal asthma"}}
J

# patient P with keyring cost KDF: identity, authority, owner key, 3 entries
patient() {
    local p=$1 kdf=$2 h
    h=$(world_home "$p")
    world_run "$CK" init --home "$h" --gid "$p" --role patient --enroll-out "$W/$p.req" --kdf-cost "$kdf" --server "$URL"
    world_run op admin enroll "$W/$p.req"
    world_run "$CK" authority create "patient-$p" --home "$h"
    world_run "$CK" authority publish "patient-$p" --out "$W/$p.pub" --home "$h"
    world_run op admin add-authority "$W/$p.pub"
    world_run "$CK" authority issue "patient-$p" --gid "$p" --attr "owner@patient-$p" --home "$h"
    world_run "$CK" keys sync --home "$h"
    for _ in 1 2 3; do
        world_run "$CK" record put --patient "$p" --section problems --type Condition --policy "owner@patient-$p" \
            "$W/cond.json" --home "$h"
    done
}

measure() { # NAME CMD...: the median of REPS runs
    local name=$1 all=""
    shift
    for _ in $(seq "$REPS"); do all="$all $(time_ms "$@")"; done
    echo "bench agent.$name $(median <<<"$all") ms"
}

for kdf in 10 17; do
    p=pat$kdf
    h=$(world_home "$p")
    patient "$p" "$kdf"
    world_run env CAREKEY_AGENT=0 "$CK" record get --patient "$p" --home "$h" # warm the verified state
    measure "record_get_direct_kdf$kdf" env CAREKEY_AGENT=0 "$CK" record get --patient "$p" --home "$h"
    measure "keys_list_direct_kdf$kdf" env CAREKEY_AGENT=0 "$CK" keys list --home "$h"
    world_run "$CK" node start --home "$h" --idle 0
    measure "record_get_agent_kdf$kdf" env -u CAREKEY_PASSPHRASE "$CK" record get --patient "$p" --home "$h"
    measure "keys_list_agent_kdf$kdf" env -u CAREKEY_PASSPHRASE "$CK" keys list --home "$h"
    world_run "$CK" node stop --home "$h"
done
