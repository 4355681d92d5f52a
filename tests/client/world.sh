# tests/client/world.sh - the carekey world, built with the CLI against a real
# carekeyd: the operator, the organizations and their attribute authorities,
# the professionals with their keys, and patients with their own authority
# and family. Sourced (not run) by scripts/demo.sh, tests/client/e2e_test.sh
# and bench/records.sh, so the story, the test and the benchmark share one
# setup.
#
# Before sourcing, set:
#   CK   the carekey binary        CKD  the carekeyd binary
#   W    a work directory (homes go to $W/home/WHO)
#   CAREKEY_PASSPHRASE             one passphrase for every keyring
# Optional: WORLD_KDF (scrypt cost log2 N of every keyring, default 10: low,
# for speed; real keyrings use 15), WORLD_LOG (where commands write their
# output, default $W/last.log), WORLD_PROXY (the tests/client/tamper_proxy
# binary: world_server puts it in front of carekeyd, which then takes
# requests signed for the proxy's origin; URL is the proxy's and its mode
# file is $W/proxy.mode).
#
#   world_run CMD...          run CMD quietly; on failure show its output, exit 1
#   world_home WHO            the home directory of WHO
#   world_as WHO CMD...       carekey CMD... --home (WHO's home)
#   world_server [DB]         operator identity, then carekeyd on 127.0.0.1 and a
#                             free port with DB (default sqlite:$W/carekey.db);
#                             sets ADMIN_KEY, URL, WORLD_SRV_PID (and
#                             WORLD_PX_PID with WORLD_PROXY)
#   world_homes               the organizations' homes and the professionals'
#                             identities (carekey init; enrollment requests). An
#                             organization's identity has its own name as GID
#                             (role organization): it owns the organization's
#                             ledger record and runs its authority
#   world_authorities         every organization's authority: create, publish,
#                             registered by the operator (calls world_on_authority
#                             NAME HOME when the caller defines it)
#   world_enroll              the operator enrolls the organizations and the
#                             professionals
#   world_keys                the authorities issue the professionals' attributes
#                             (sealed, through the mailbox); everyone syncs
#   world_setup [DB]          all of the above
#   world_care                the hospital directory (docs/CARE.md): the operator
#                             lists the organizations and their units (wards,
#                             theatres, departments: WORLD_UNITS); each hospital
#                             and the pharmacy take on their staff
#                             ('carekey hospital staff add': staff@ORG, ledger
#                             grants, affiliation)
#   world_consent P ORG...    each ORG, P's delegate since her onboarding, gives
#                             its staff their sections of her record (care-team)
#   world_pharmacy P ORG      P lets ORG's pharmacists dispense (patient onboard
#                             --pharmacy: a grant on medications each, no more)
#   world_patient P [FAMILY...]   each FAMILY member enrolls herself ('carekey
#                             init --role family'); P runs 'carekey patient
#                             onboard' (her identity, her authority patient-P,
#                             owner key, sharing profile with WORLD_HOSPITALS and
#                             the desk, the desk's grant on "audit", the
#                             hospitals as delegates, family@patient-P and read
#                             grants), waiting for the operator's approval
#   world_stop                stops carekeyd (and the proxy)
#   world_identifiers FIXTURE the identifying strings of a FHIR bundle's Patient,
#                             one "kind<TAB>value" line each (names, address
#                             lines, city, postal code, phone, SSN, MRN, driver's
#                             licence, passport, birth date; 4 characters or more)
#
# The people (WORLD_STAFF: gid, directory role, attributes; one line each):
#   dr-a     doctor at hosp-a          dr-b    doctor at hosp-b
#   nurse-a  nurse at hosp-a           pharm   pharmacist
#   res      researcher                dr-er   ER physician: a licence and no
#   bill-a   billing office of hosp-a          hospital key (break-glass only)
#   clerk-a  admin clerk at hosp-a
#   er-desk  the emergency desk service: the only holder of emergency@er-desk
# The pharmacist works at city-pharmacy (an organization with its own
# authority and ledger, like the hospitals).
# Treating hospitals of every patient: hosp-a and hosp-b (WORLD_HOSPITALS), in
# the sharing profile each patient signs into her record.

WORLD_ORGS="medical-board nursing-board hosp-a hosp-b city-pharmacy pharmacy-board research-board"
WORLD_DESK=er-desk
WORLD_STAFF="dr-a doctor doctor@medical-board,staff@hosp-a
dr-b doctor doctor@medical-board,staff@hosp-b
nurse-a nurse nurse@nursing-board,staff@hosp-a
pharm pharmacist pharmacist@pharmacy-board
res researcher researcher@research-board
dr-er emergency doctor@medical-board
bill-a staff billing@hosp-a
clerk-a clerk staff@hosp-a
er-desk staff emergency@er-desk"
WORLD_HOSPITALS=hosp-a,hosp-b
unset CAREKEY_HOME CAREKEY_SERVER CAREKEY_CA_FILE CAREKEY_OPERATOR_KEY
WORLD_KDF=${WORLD_KDF:-10}
WORLD_LOG=${WORLD_LOG:-$W/last.log}
WORLD_SRV_PID= WORLD_PX_PID=
mkdir -p "$W/home"

world_run() {
    "$@" >"$WORLD_LOG" 2>&1 && return 0
    echo "world: command failed: ${*/#$CK/carekey}" >&2
    sed 's/^/   | /' "$WORLD_LOG" >&2
    exit 1
}
world_home() { echo "$W/home/$1"; }
world_as() { local who=$1; shift; "$CK" "$@" --home "$(world_home "$who")"; }
world_wait_file() {
    for _ in $(seq 400); do [ -s "$1" ] && return 0; sleep 0.025; done
    echo "world: timeout waiting for $1" >&2
    exit 1
}
# the home an authority is run from: an organization's own, the desk's, the patient's
world_authority_home() {
    case $1 in patient-*) echo "${1#patient-}" ;; *) echo "$1" ;; esac
}
# the staff table as "gid role attrs" lines
world_staff() { printf '%s\n' "$WORLD_STAFF"; }
world_staff_gids() { world_staff | cut -d' ' -f1; }

world_server() {
    local db=${1:-sqlite:$W/carekey.db}
    ADMIN_KEY=$("$CK" admin init --home "$(world_home operator)" --kdf-cost "$WORLD_KDF") ||
        { echo "world: admin init failed" >&2; exit 1; }
    local origin=()
    rm -f "$W/ckd.port" "$W/proxy.port"
    if [ -n "${WORLD_PROXY:-}" ]; then
        # the proxy first: it reads carekeyd's port file at each request
        "$WORLD_PROXY" "$W/proxy.port" "$W/ckd.port" "$W/proxy.mode" 2>"$W/proxy.log" &
        WORLD_PX_PID=$!
        world_wait_file "$W/proxy.port"
        origin=(--origin "http://127.0.0.1:$(cat "$W/proxy.port")")
    fi
    "$CKD" --listen 127.0.0.1 --port 0 --port-file "$W/ckd.port" --db "$db" --admin-key "$ADMIN_KEY" \
        --rate-limit 0 --enroll-rate 0 --log-level warn "${origin[@]}" 2>"$W/carekeyd.log" &
    WORLD_SRV_PID=$!
    world_wait_file "$W/ckd.port"
    URL="http://127.0.0.1:$(cat "$W/ckd.port")"
    [ -z "$WORLD_PX_PID" ] || URL="http://127.0.0.1:$(cat "$W/proxy.port")"
    # every identity pins the operator's key at init (authorities are
    # trusted under its signature only)
    export CAREKEY_OPERATOR_KEY=$ADMIN_KEY
}

# init WHO GID ROLE: an identity and keyring in WHO's home, its enrollment request in $W/WHO.enroll.json
world_init() {
    world_run "$CK" init --gid "$2" --role "$3" --home "$(world_home "$1")" --server "$URL" \
        --kdf-cost "$WORLD_KDF" --enroll-out "$W/$1.enroll.json"
}

world_homes() {
    local org gid role attrs
    for org in $WORLD_ORGS; do world_init "$org" "$org" organization; done
    while read -r gid role attrs; do world_init "$gid" "$gid" "$role"; done < <(world_staff)
}

# the attributes of an authority that sharing profiles name, declared in its
# signed epoch table before anyone holds them (encryptors seal only for
# listed attributes)
world_declared() {
    case $1 in
        medical-board) echo doctor ;; nursing-board) echo nurse ;; pharmacy-board) echo pharmacist ;;
        research-board) echo researcher ;; er-desk) echo emergency ;; patient-*) echo owner family ;;
        *) echo staff billing ;;
    esac
}

# register NAME: the authority NAME created and published from its home,
# registered by the operator, its profile attributes declared
world_register() {
    local home a args=(); home=$(world_authority_home "$1")
    world_run world_as "$home" authority create "$1"
    world_run world_as "$home" authority publish "$1" --out "$W/$1.auth.json"
    world_run world_as operator admin add-authority "$W/$1.auth.json" --server "$URL"
    for a in $(world_declared "$1"); do args+=(--attr "$a@$1"); done
    world_run world_as "$home" authority declare "$1" "${args[@]}"
    if declare -F world_on_authority >/dev/null; then world_on_authority "$1" "$home"; fi
}

world_authorities() {
    local a
    for a in $WORLD_ORGS $WORLD_DESK; do world_register "$a"; done
}

world_enroll() {
    local gid
    for gid in $WORLD_ORGS $(world_staff_gids); do world_run world_as operator admin enroll "$W/$gid.enroll.json" --server "$URL"; done
}

# issue GID ATTR: the attribute's authority issues it to GID (sealed, into the mailbox)
world_issue() {
    local auth=${2#*@}
    world_run world_as "$(world_authority_home "$auth")" authority issue "$auth" --gid "$1" --attr "$2"
}

world_keys() {
    local gid role attrs a
    while read -r gid role attrs; do
        for a in ${attrs//,/ }; do world_issue "$gid" "$a"; done
    done < <(world_staff)
    for gid in $(world_staff_gids); do world_run world_as "$gid" keys sync; done
}

world_setup() {
    world_server "$@"
    world_homes
    world_authorities
    world_enroll
    world_keys
}

# The organizations in the directory: "name kind display name" lines.
WORLD_DIRECTORY="medical-board board Medical Board
nursing-board board Nursing Board
pharmacy-board board Pharmacy Board
research-board board Research Ethics Board
hosp-a hospital General Hospital A
hosp-b hospital University Hospital B
city-pharmacy pharmacy City Pharmacy"
# Units: "org name kind beds display name" lines.
WORLD_UNITS="hosp-a ward-med ward 4 Medical ward
hosp-a ward-surg ward 2 Surgical ward
hosp-a th-1 theatre 0 Theatre 1
hosp-a th-2 theatre 0 Theatre 2
hosp-a cardiology department 0 Cardiology
hosp-a general department 0 General medicine
hosp-a emergency department 0 Emergency department
hosp-b ward-b1 ward 3 Ward B1
hosp-b cardiology department 0 Cardiology"
# Who each organization takes on: "org gid role unit" lines.
WORLD_AFFILIATIONS="hosp-a dr-a doctor cardiology
hosp-a nurse-a nurse ward-med
hosp-a clerk-a clerk general
hosp-b dr-b doctor cardiology
city-pharmacy pharm pharmacist -"

world_care() {
    local name kind display org beds gid role unit
    while read -r name kind display; do
        world_run world_as operator admin add-org --name "$name" --kind "$kind" --display-name "$display" --server "$URL"
    done <<<"$WORLD_DIRECTORY"
    while read -r org name kind beds display; do
        world_run world_as operator hospital units add --org "$org" --name "$name" --kind "$kind" --beds "$beds" \
            --display-name "$display" --server "$URL"
    done <<<"$WORLD_UNITS"
    while read -r org gid role unit; do
        world_run world_as "$gid" directory consent "$org"
        if [ "$unit" = - ]; then
            world_run world_as "$org" hospital staff add --gid "$gid" --role "$role"
        else
            world_run world_as "$org" hospital staff add --gid "$gid" --role "$role" --unit "$unit"
        fi
    done <<<"$WORLD_AFFILIATIONS"
    # the ER physician: licensed by the medical board, no hospital's staff
    # (the desk lets affiliated physicians break the glass)
    world_run world_as dr-er directory consent medical-board
    world_run world_as operator admin affiliate --gid dr-er --org medical-board --title "Emergency physician" \
        --server "$URL"
    for gid in $(world_staff_gids); do world_run world_as "$gid" keys sync; done
}

world_consent() {
    local p=$1 org; shift
    for org in "$@"; do world_run world_as "$org" hospital care-team --patient "$p"; done
}

# patient P lets ORG's pharmacists dispense: a grant on medications each
world_pharmacy() {
    world_run world_as "$1" patient onboard --gid "$1" --pharmacy "$2" --server "$URL"
}

# world_pending GID: until the operator's enrollment queue lists GID (20 s at most)
world_pending() {
    for _ in $(seq 200); do
        world_as operator admin pending --json --server "$URL" 2>/dev/null |
            jq -e --arg g "$1" 'any(.[]; .gid == $g)' >/dev/null && return 0
        sleep 0.1
    done
    echo "world: $1's enrollment request never reached the queue" >&2
    exit 1
}

# The patient onboards herself with one command (docs/ONBOARDING.md), which
# waits for the operator's approval; each family member enrolls herself
# first ('carekey init --role family'), approved with her.
world_patient() {
    local p=$1 f pid args=(); shift
    for f in "$@"; do
        world_run "$CK" init --gid "$f" --role family --home "$(world_home "$f")" --server "$URL" \
            --kdf-cost "$WORLD_KDF"
        args+=(--family "$f")
    done
    world_as "$p" patient onboard --gid "$p" --orgs "$WORLD_HOSPITALS" --er-desk "$WORLD_DESK" "${args[@]}" \
        --server "$URL" --kdf-cost "$WORLD_KDF" --wait 60 >"$W/onboard.$p.log" 2>&1 &
    pid=$!
    world_pending "$p"
    world_run world_as operator admin approve "$p" "$@" --server "$URL"
    if ! wait "$pid"; then
        echo "world: patient onboard $p failed" >&2
        sed 's/^/   | /' "$W/onboard.$p.log" >&2
        exit 1
    fi
    for f in "$@"; do world_run world_as "$f" keys sync; done
}

world_stop() {
    local p
    for p in $WORLD_PX_PID $WORLD_SRV_PID; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    WORLD_SRV_PID= WORLD_PX_PID=
    return 0
}

# world_stored_count STRING FILE...: how often STRING occurs in the files. A
# short all-digit string (a postal code) also turns up by chance inside hex,
# base64 or binary ciphertext, so it counts only where no letter, digit or
# base64 character touches it, nor a backslash before it: pg_dump prints
# bytea in escape format, where a random byte 0x0c then "32" reads \\01432
# (about one in 20 million bytes of ciphertext per such code).
world_stored_count() {
    local s=$1
    shift
    if [[ $s =~ ^[0-9]{1,9}$ ]]; then
        cat "$@" 2>/dev/null | grep -a -c -P "(?<![0-9A-Za-z+/=\\\\])$s(?![0-9A-Za-z+/=])" || true
    else
        cat "$@" 2>/dev/null | grep -a -c -F -- "$s" || true
    fi
}

world_identifiers() {
    jq -r '[.entry[].resource | select(.resourceType == "Patient") |
        ((.name[]? | (.given[]?, .family) | ["name", .]),
         (.address[]? | ((.line[]? | ["address", .]), ["city", .city], ["postal code", .postalCode])),
         (.telecom[]? | [(.system // "telecom"), .value]),
         (.identifier[]? | [(.type.text // "identifier"), .value]),
         ["birth date", .birthDate])
        | select((.[1] | type) == "string" and (.[1] | length) >= 4)]
        | group_by(.[1]) | map(sort_by(.[0] == "identifier") | .[0]) | .[] | @tsv' "$1"
}
