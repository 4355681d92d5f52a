#!/usr/bin/env bash
# tests/client/e2e_test.sh CAREKEY CAREKEYD FIXTURE_DIR [sqlite|postgres]
#
# Issue 5, end to end against a real carekeyd, on every FHIR bundle in
# FIXTURE_DIR (tests/fixtures/fhir: four Synthea patients). The world (the
# operator, the authorities, the professionals and their keys) is set up once
# with the CLI by tests/client/world.sh, as scripts/demo.sh does; then per
# fixture a patient pt-N with her family member fam-N is enrolled, imports
# the bundle and publishes the research view.
#
#   sqlite (default): carekeyd on a temporary SQLite database. For every
#     fixture and every role (patient, family, doctor at hosp-a, doctor at
#     hosp-b, nurse, pharmacist, researcher, ER physician without
#     break-glass, billing office, the emergency desk service):
#       - the sections the role's own keys open ('record get --json') are
#         EXACTLY its row of the access matrix below (docs/RECORD-MODEL.md,
#         "Default profile: who reads what") among the sections the record
#         holds; every other entry is "not shared with you" and shows no
#         content ('record get' text: the status line in place of the payload);
#       - 'export' round-trips the readable resources: the exported set is
#         exactly the fixture's resources of the readable sections, each equal
#         to the imported one (references to what the role cannot read become
#         {"display": "withheld"}, as docs/RECORD-MODEL.md says), and no
#         reference dangles;
#       - the research view the researcher opens holds none of the fixture's
#         identifying strings.
#   postgres: a real PostgreSQL started here (temporary directory, Unix
#     socket only, as tests/server/run_postgres.sh does); the same world,
#     imports and research views; the patient opens exactly her sections.
#   Both: after the imports, the server's storage (SQLite db, -wal, -shm;
#   PostgreSQL: pg_dump --data-only, bytea printed in escape format so stored
#   text would show as text) contains none of the identifying strings of any
#   fixture's Patient (names, address line, city, postal code, phone, SSN,
#   MRN, driver's licence, passport, birth date).
# Prints "ok"/"FAIL" lines and "N passed, N failed"; exit 1 if any failed.
set -uo pipefail
export LC_ALL=C
CK=${1:?usage: e2e_test.sh CAREKEY CAREKEYD FIXTURE_DIR [sqlite|postgres]}
CKD=${2:?carekeyd}
FIXDIR=${3:?fixture directory}
BACKEND=${4:-sqlite}
for v in CK CKD FIXDIR; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
case $BACKEND in sqlite | postgres) ;; *) echo "e2e_test: backend is sqlite or postgres" >&2; exit 2 ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v jq >/dev/null || { echo "e2e_test: jq is needed (scripts/bootstrap.sh installs it)" >&2; exit 1; }
FIXTURES=("$FIXDIR"/*.json)
[ -e "${FIXTURES[0]}" ] || { echo "e2e_test: no fixtures in $FIXDIR" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/carekey-e2e.XXXXXX")
chmod 755 "$W"
PG= PGBIN= as_pg=()
cleanup() {
    world_stop
    if [ -n "$PG" ]; then "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PG/data" -m immediate stop >/dev/null 2>&1 || true; fi
    if [ -n "${KEEP:-}" ]; then echo "kept $W"; else rm -rf "$W"; fi
}
export CAREKEY_PASSPHRASE='e2e passphrase'
# shellcheck source=world.sh
. "$ROOT/tests/client/world.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
now_ms() { date +%s%3N; }
T_START=$(now_ms)

# ---- the access matrix (docs/RECORD-MODEL.md, the default sharing profile) -------------
# One row per section or view, one column per role; x = the role's keys open it.
# The clinician column of the docs is doctor-a, doctor-b and nurse (each with a
# board licence and a hospital key for a treating hospital, hosp-a or hosp-b);
# the ER desk column is the desk service (emergency@er-desk); the ER physician
# without break-glass (a licence, no hospital key) reads nothing.
MATRIX='
section       patient family doctor-a doctor-b nurse pharmacist researcher er-physician billing er-desk
demographics  x       x      x        x        x     -          -          -            -       -
allergies     x       x      x        x        x     x          -          -            -       x
problems      x       -      x        x        x     -          -          -            -       x
medications   x       x      x        x        x     x          -          -            -       x
encounters    x       -      x        x        x     -          -          -            -       -
procedures    x       -      x        x        x     -          -          -            -       -
results       x       -      x        x        x     -          -          -            -       -
immunizations x       -      x        x        x     -          -          -            -       -
careplans     x       -      x        x        x     -          -          -            -       -
other         x       -      x        x        x     -          -          -            -       -
appointments  x       x      x        x        x     -          -          -            -       -
billing       x       -      -        -        -     -          -          -            x       -
directory     x       x      x        x        x     x          -          -            -       x
audit         x       -      -        -        -     -          -          -            -       -
emergency     x       -      -        -        -     -          -          -            -       x
research      x       -      -        -        -     -          x          -            -       -
'
ROLES="patient family doctor-a doctor-b nurse pharmacist researcher er-physician billing er-desk"
# who plays each role (tests/client/world.sh); patient and family: per fixture
declare -A PLAYER=([doctor-a]=dr-a [doctor-b]=dr-b [nurse]=nurse-a [pharmacist]=pharm [researcher]=res
    [er-physician]=dr-er [billing]=bill-a [er-desk]=er-desk)
# FHIR resource type -> section (docs/RECORD-MODEL.md, "Sections"; every other type: other)
TYPE_SECTION='{"Patient":"demographics","RelatedPerson":"demographics","AllergyIntolerance":"allergies",
 "Condition":"problems","MedicationRequest":"medications","MedicationDispense":"medications",
 "MedicationStatement":"medications","MedicationAdministration":"medications","Medication":"medications",
 "Encounter":"encounters","EpisodeOfCare":"encounters","Procedure":"procedures","Observation":"results",
 "DiagnosticReport":"results","ImagingStudy":"results","Specimen":"results","Immunization":"immunizations",
 "CarePlan":"careplans","Goal":"careplans","CareTeam":"careplans","Appointment":"appointments",
 "AppointmentResponse":"appointments","Slot":"appointments","Schedule":"appointments","Claim":"billing",
 "ClaimResponse":"billing","ExplanationOfBenefit":"billing","Coverage":"billing","Organization":"directory",
 "Practitioner":"directory","PractitionerRole":"directory","Location":"directory","AuditEvent":"audit",
 "Consent":"audit","Provenance":"audit"}'
FHIR_SECTIONS="demographics allergies problems medications encounters procedures results immunizations careplans appointments billing directory audit other"

# matrix_row ROLE: the sections and views the role reads
matrix_row() {
    awk -v role="$1" 'NF && $1 == "section" { for (i = 2; i <= NF; i++) if ($i == role) c = i; next }
                      NF && c && $c == "x" { print $1 }' <<<"$MATRIX"
}
# present FIXTURE: the sections the imported record holds: those of the bundle's
# resources, the emergency view (import seals it when the bundle holds
# allergies, problems, medications or results) and the research view
present() {
    jq -r --argjson m "$TYPE_SECTION" '[.entry[].resource.resourceType | $m[.] // "other"] | unique |
        (.[]), (if any(.[]; . == "allergies" or . == "problems" or . == "medications" or . == "results")
                then "emergency" else empty end)' "$1"
    echo research
}
# the intersection of two word lists, sorted, one line
inter() { comm -12 <(tr ' ' '\n' <<<"$1" | grep . | sort -u) <(tr ' ' '\n' <<<"$2" | grep . | sort -u) | paste -sd' '; }
words() { tr ' ' '\n' <<<"$*" | grep . | sort -u | paste -sd' '; }

# ---- PostgreSQL (postgres mode) -------------------------------------------------------------
DB=
if [ "$BACKEND" = postgres ]; then
    pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
    if [ -z "$(pgbin)" ] || [ ! -x "$(pgbin)/initdb" ]; then "$ROOT/scripts/bootstrap.sh" >/dev/null; fi
    PGBIN=$(pgbin)
    [ -x "$PGBIN/initdb" ] || { echo "e2e_test: no PostgreSQL server binaries" >&2; exit 1; }
    PG="$W/pg"
    mkdir -p "$PG" && chmod 755 "$PG"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
        chown postgres "$PG"
        as_pg=(runuser -u postgres --)
    fi
    "${as_pg[@]}" "$PGBIN/initdb" -D "$PG/data" -A trust -U postgres --no-sync -E UTF8 >/dev/null ||
        { echo "e2e_test: initdb failed" >&2; PG=; exit 1; }
    "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PG/data" -l "$PG/pg.log" -w -t 60 \
        -o "-k $PG -c listen_addresses='' -p 5432 -c fsync=off" start >/dev/null ||
        { echo "e2e_test: PostgreSQL did not start: $(tail -5 "$PG/pg.log")" >&2; exit 1; }
    "${as_pg[@]}" "$PGBIN/createdb" -h "$PG" -p 5432 -U postgres ck_e2e || exit 1
    DB="postgresql:///ck_e2e?host=$PG&port=5432&user=postgres"
    echo "# PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') in $PG"
fi

# ---- the world -----------------------------------------------------------------------------------
world_setup $DB
echo "# world ready ($BACKEND, $URL): $(( $(now_ms) - T_START )) ms"

# ---- per fixture: patient, family, import, research view --------------------------------------
declare -A PT FAM SHORT
n=0
for fx in "${FIXTURES[@]}"; do
    n=$((n + 1))
    PT[$fx]=pt-$n FAM[$fx]=fam-$n
    SHORT[$fx]=$(basename "$fx" .json | cut -d_ -f1-2)
    world_patient "pt-$n" "fam-$n"
    if world_as "pt-$n" import "$fx" --patient "pt-$n" >"$W/import-$n.log" 2>&1; then
        ok "${SHORT[$fx]}: pt-$n imports the bundle ($(head -1 "$W/import-$n.log"))"
    else
        bad "${SHORT[$fx]}: import: $(tail -3 "$W/import-$n.log")"
    fi
    if grep -q "sealed the emergency view" "$W/import-$n.log"; then ok "${SHORT[$fx]}: import seals the emergency view"
    else bad "${SHORT[$fx]}: import did not seal the emergency view"; fi
    if world_as "pt-$n" research publish --patient "pt-$n" >"$W/publish-$n.log" 2>&1; then
        ok "${SHORT[$fx]}: research view published"
    else
        bad "${SHORT[$fx]}: research publish: $(tail -3 "$W/publish-$n.log")"
    fi
    # the staff who would hold care-team grants in a hospital may fetch the
    # record (what they decrypt is still up to their keys); the ER physician
    # without break-glass has no standing at all
    for g in dr-a dr-b nurse-a pharm bill-a; do world_run world_as "pt-$n" grant --patient "pt-$n" --gid "$g" --read; done
done
echo "# imports done: $(( $(now_ms) - T_START )) ms"

# check_get FIXTURE ROLE GID: the exact set of sections the role opens, and nothing else shown
check_get() {
    local fx=$1 role=$2 gid=$3 p=${PT[$1]} tag="${SHORT[$1]} $2 ($3)" want got rc=0 msg
    local out="$W/$p.$gid.get.json"
    want=$(inter "$(matrix_row "$role")" "$(present "$fx")")
    if [ "$role" = er-physician ]; then
        # no standing on the record: the server serves her nothing (break-glass
        # goes through the desk, tests/client/emergency_test.sh)
        world_as "$gid" record get --patient "$p" --json >"$out" 2>"$W/err" && rc=0 || rc=$?
        if [ "$rc" = 1 ] && grep -q "no standing" "$W/err" && [ -z "$want" ]; then
            ok "$tag: the server serves nothing to a reader without standing"
        else bad "$tag: exit $rc without standing: $(head -c 300 "$W/err")"; fi
        return
    fi
    world_as "$gid" record get --patient "$p" --json >"$out" 2>"$W/err" || rc=$?
    if [ "$rc" != 0 ] || ! jq -e . "$out" >/dev/null 2>&1; then bad "$tag: record get --json exit $rc: $(head -c 500 "$W/err")"; return; fi
    got=$(jq -r '[.entries[] | select(.status == "ok") | .section] | unique | join(" ")' "$out")
    if [ "$got" = "$want" ]; then ok "$tag opens exactly: ${got:-(nothing)}"
    else bad "$tag opens [$got], the matrix says [$want]"; fi
    msg=$(jq -r '(.problems[] | "problem: \(.kind) seq \(.seq)"),
                 (.entries[] | select(.status != "ok" and .status != "not shared with you") | "entry \(.seq): \(.status)"),
                 (.entries[] | select(.status != "ok" and has("payload")) | "entry \(.seq) (\(.section)): content of an unreadable entry")' "$out")
    if [ -z "$msg" ]; then ok "$tag: the record verifies; every other entry is \"not shared with you\", without content"
    else bad "$tag: $(head -3 <<<"$msg")"; fi
    # the text form: a section it may not read prints its status line, never its content
    rc=0
    world_as "$gid" record get --patient "$p" >"$W/get.txt" 2>"$W/err" || rc=$?
    msg=$(awk -v ok=" $want " '
        /^# entry / { sec = $4; seq = $3
            if ((getline nxt) <= 0) { print "entry " seq ": nothing after the header"; next }
            if (index(ok, " " sec " ")) { if (nxt !~ /^[\[{]/) print "entry " seq " (" sec "): not shown: " nxt }
            else if (nxt != "(not shared with you)") print "entry " seq " (" sec "): content shown to a reader without access"
            n++ }
        END { if (!n) print "no entries listed" }' "$W/get.txt")
    if [ "$rc" = 0 ] && [ -z "$msg" ]; then ok "$tag: 'record get' shows \"(not shared with you)\" in place of every other section"
    else bad "$tag: record get (text) exit $rc: $(head -3 <<<"$msg")"; fi
}

# check_export FIXTURE ROLE GID: the readable resources round-trip
check_export() {
    local fx=$1 role=$2 gid=$3 p=${PT[$1]} tag="${SHORT[$1]} $2 ($3)" secs rc=0 msg
    [ "$role" != er-physician ] || return 0
    secs=$(inter "$(matrix_row "$role")" "$(inter "$FHIR_SECTIONS" "$(present "$fx")")")
    rm -f "$W/export.json"
    world_as "$gid" export --patient "$p" --out "$W/export.json" >"$W/out" 2>"$W/err" || rc=$?
    if [ "$rc" != 0 ]; then bad "$tag: export exit $rc: $(head -c 500 "$W/err")"; return; fi
    msg=$(jq -rn --slurpfile fix "$fx" --slurpfile exp "$W/export.json" --argjson m "$TYPE_SECTION" \
            --arg secs "$secs" '
        ($secs | split(" ")) as $S
        | [$fix[0].entry[].resource | select(($m[.resourceType] // "other") as $s | $S | index($s))] as $want
        | $exp[0].entry as $got
        | ($got | map({key: .fullUrl, value: true}) | from_entries) as $U
        | def key: "\(.resourceType)/\(.id)";
          def norm: walk(if type == "object" and (.reference | type) == "string" and (.reference | startswith("#") | not)
                         then (if $U[.reference] then . else {"display": "withheld"} end) else . end);
          def refs: [.. | objects | .reference? | strings | select(startswith("#") | not)];
        ($want | map({key: key, value: .}) | from_entries) as $W
        | ($got | map(.resource | key)) as $G
        | ([$want[] | key] - $G | .[:3][] | "missing from the export: \(.)"),
          ($G - [$want[] | key] | .[:3][] | "exported but not readable: \(.)"),
          ($G | group_by(.) | map(select(length > 1) | .[0]) | .[:3][] | "exported twice: \(.)"),
          ([$got[] | select(.fullUrl != "urn:uuid:\(.resource.id)") | .resource | key] | .[:3][] | "fullUrl is not urn:uuid:<id>: \(.)"),
          ([$got[] | .resource | select(($W[key] // null | norm) != .) | key] | .[:3][] | "differs from the imported resource: \(.)"),
          ([$got[] | .resource | refs[] | select($U[.] | not)] | unique | .[:3][] | "dangling reference: \(.)")' 2>&1)
    if [ -z "$msg" ]; then
        ok "$tag: export round-trips $(jq '.entry | length' "$W/export.json") resources ($secs), no dangling reference"
    else
        bad "$tag: export: $(head -4 <<<"$msg" | paste -sd';')"
    fi
}

# check_research FIXTURE: the researcher's research view holds no identifying string
check_research() {
    local fx=$1 out="$W/${PT[$1]}.res.get.json" kind s found=
    jq -c '[.entries[] | select(.section == "research" and .status == "ok") | .payload]' "$out" >"$W/research.json"
    if [ "$(jq length "$W/research.json")" -lt 1 ]; then bad "${SHORT[$fx]}: the researcher opened no research view"; return; fi
    while IFS=$'\t' read -r kind s; do
        # as in storage: a short all-digit string also turns up inside the fresh random ids
        [ "$(world_stored_count "$s" "$W/research.json")" = 0 ] || found="$found $kind"
    done < <(world_identifiers "$fx")
    if [ -z "$found" ]; then ok "${SHORT[$fx]}: the research view holds none of the fixture's identifying strings"
    else bad "${SHORT[$fx]}: the research view holds identifying strings:$found"; fi
}

# check_storage LABEL FILE...: none of any fixture's identifying strings in FILE...
check_storage() {
    local label=$1 fx kind s hits total=0 leaks; shift
    for fx in "${FIXTURES[@]}"; do
        leaks= total=0
        while IFS=$'\t' read -r kind s; do
            total=$((total + 1))
            hits=$(world_stored_count "$s" "$@")
            [ "$hits" = 0 ] || leaks="$leaks $kind ($hits)"
        done < <(world_identifiers "$fx")
        if [ "$total" -lt 8 ]; then bad "${SHORT[$fx]}: only $total identifying strings extracted from the fixture"
        elif [ -z "$leaks" ]; then ok "$label: none of ${SHORT[$fx]}'s $total identifying strings is stored"
        else bad "$label: ${SHORT[$fx]}'s identifying strings stored:$leaks"; fi
    done
}

if [ "$BACKEND" = sqlite ]; then
    for fx in "${FIXTURES[@]}"; do
        for role in $ROLES; do
            case $role in patient) gid=${PT[$fx]} ;; family) gid=${FAM[$fx]} ;; *) gid=${PLAYER[$role]} ;; esac
            check_get "$fx" "$role" "$gid"
            check_export "$fx" "$role" "$gid"
        done
        check_research "$fx"
        echo "# ${SHORT[$fx]} done: $(( $(now_ms) - T_START )) ms"
    done
    # the server's files, as it left them on disk (also after a clean stop: WAL checkpointed)
    files=("$W"/carekey.db*)
    check_storage "SQLite ${#files[@]} files $(du -ch "${files[@]}" | tail -1 | cut -f1), running" "${files[@]}"
    world_stop
    files=("$W"/carekey.db*)
    check_storage "SQLite after carekeyd stopped" "${files[@]}"
else
    for fx in "${FIXTURES[@]}"; do check_get "$fx" patient "${PT[$fx]}"; done
    # every table, data only; bytea in escape format (stored text would show as text, not hex)
    if PGOPTIONS='-c bytea_output=escape' "$PGBIN/pg_dump" -h "$PG" -p 5432 -U postgres \
        --data-only ck_e2e >"$W/pg_dump.sql" 2>"$W/err"; then
        tables=$(grep -c '^COPY ' "$W/pg_dump.sql")
        # escape format shows octal escapes (\\ooo once COPY doubles the backslash); hex never does
        if grep -q '\\\\[0-3][0-7][0-7]' "$W/pg_dump.sql"; then ok "pg_dump printed bytea in escape format"
        else bad "pg_dump did not print bytea in escape format: stored text could hide as hex"; fi
        if [ "$tables" -ge 5 ] && [ "$(stat -c %s "$W/pg_dump.sql")" -gt 100000 ]; then
            ok "pg_dump --data-only: $tables tables, $(du -h "$W/pg_dump.sql" | cut -f1)"
        else bad "pg_dump looks empty ($tables tables)"; fi
        check_storage "PostgreSQL (pg_dump --data-only)" "$W/pg_dump.sql"
    else
        bad "pg_dump failed: $(head -c 500 "$W/err")"
    fi
fi

echo "# total $(( $(now_ms) - T_START )) ms"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
