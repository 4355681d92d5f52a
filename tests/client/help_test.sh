#!/usr/bin/env bash
# tests/client/help_test.sh CAREKEY CAREKEYD SOURCE_DIR - the help of every command (issue 10).
#
#   - `carekey --help`, every group's and every subcommand's --help exit 0;
#   - each --help mentions every option its parser accepts (the parser lists
#     them under $CAREKEY_HELP_OPTIONS, see cli_next_opt; hidden old names,
#     "alias", are left out of the help on purpose);
#   - the top-level summary of a group with subcommands ends in the list of
#     its real subcommands ("...: a, b, c", complete unless it ends in "...",
#     the group's own name standing for its default action);
#   - `carekey --version` and `carekeyd --version` print the project version;
#   - `init --role` lists exactly the roles the server enrolls, and init
#     refuses another one (surgeon) before making anything;
#   - the healthz schema number docs/API.md gives for SQLite is what carekeyd says.
#
# Groups whose summaries live in the care files (owned by the care port) are
# listed in PENDING_SUMMARY until the fix reported for them is applied: their
# summary is only reported, everything else is checked.
set -u
CK=${1:?usage: help_test.sh CAREKEY CAREKEYD SOURCE_DIR}
CKD=${2:?carekeyd}
SRC=${3:?source dir}
PENDING_SUMMARY=" "

T=$(mktemp -d)
SRV=
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
export HOME=$T/home CAREKEY_HOME=$T/ckhome
unset CAREKEY_SERVER CAREKEY_PASSPHRASE CAREKEY_OPERATOR_KEY CAREKEY_HELP_OPTIONS
mkdir -p "$HOME"

PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }

# help_of CMD... : stdout of `carekey CMD... --help` into $T/help; checks exit 0
help_of() {
    "$CK" "$@" --help >"$T/help" 2>"$T/herr"
    local rc=$?
    if [ $rc -eq 0 ] && [ -s "$T/help" ]; then ok; else bad "carekey $* --help: exit $rc, $(head -c 300 "$T/herr")"; fi
}

# options_of CMD... : the options the parser of CMD accepts (aliases marked), or nothing
options_of() {
    local out
    out=$(CAREKEY_HELP_OPTIONS=1 "$CK" "$@" --help 2>/dev/null)
    if ! grep -qx carekey-options <<<"$out"; then
        # a command that prints its help before parsing: ask its parser directly
        out=$(CAREKEY_HELP_OPTIONS=1 "$CK" "$@" --home "$T/nohome" 2>/dev/null)
    fi
    grep -qx carekey-options <<<"$out" && sed 1d <<<"$out"
}

# check_options CMD... : every non-alias option of CMD's parser is in its --help
check_options() {
    local o n=0
    help_of "$@"
    while read -r o; do
        case $o in alias\ * | --help | "") continue ;; esac
        n=$((n + 1))
        if grep -qE -- "${o}([^a-z0-9-]|\$)" "$T/help"; then ok; else bad "carekey $* --help does not mention $o"; fi
    done < <(options_of "$@")
    CHECKED=$((CHECKED + n))
}

# the subcommands a group's help lists: "  name  text" lines
subs_of() { sed -nE 's/^  ([a-z][a-z0-9-]*)  +[^ -].*/\1/p' "$T/help" | sort -u; }

CHECKED=0
# ---- top level ----------------------------------------------------------------------------------
help_of
cp "$T/help" "$T/top"
sed -n '/^Commands:/,/^$/p' "$T/top" | sed -nE 's/^  ([a-z][a-z0-9-]*)  +(.*)$/\1\t\2/p' >"$T/groups"
[ "$(wc -l <"$T/groups")" -ge 20 ] && ok || bad "carekey --help lists $(wc -l <"$T/groups") groups"
if "$CK" --help | sed -n '/^Commands:/,/^$/p' | grep -qE '^  [a-z-]+ [^ ]'; then
    bad "a group name runs into its summary: $("$CK" --help | grep -E '^  [a-z-]+ [^ ]' | head -2)"
else ok; fi

VERSION=$(sed -nE 's/^project\(carekey VERSION ([0-9.]+).*/\1/p' "$SRC/CMakeLists.txt")
[ "$("$CK" --version 2>&1)" = "carekey $VERSION" ] && ok || bad "carekey --version: $("$CK" --version 2>&1)"
out=$("$CKD" --version 2>&1)
rc=$?
[ $rc -eq 0 ] && [ "$out" = "carekeyd $VERSION" ] && ok || bad "carekeyd --version: exit $rc, '$out'"

# ---- every group and subcommand -----------------------------------------------------------------
while IFS=$'\t' read -r g summary; do
    help_of "$g"
    subs=$(subs_of)
    if [ -z "$subs" ]; then
        check_options "$g"   # a single command
        continue
    fi
    for s in $subs; do check_options "$g" "$s"; done
    # the summary names the real subcommands
    case $PENDING_SUMMARY in *" $g "*)
        echo "# pending (care port): '$g' summary '$summary' vs subcommands:" $subs
        continue ;;
    esac
    if [[ $summary != *": "* ]]; then
        bad "summary of $g lists no subcommands ('$summary'; they are:" $subs")"
        continue
    fi
    list=${summary##*: }
    more=0
    [[ $list == *", ..." ]] && { more=1; list=${list%, ...}; }
    listed=$(sed -E 's/ and /, /g; s/, /\n/g' <<<"$list" | sort -u)
    for it in $listed; do
        if [ "$it" = "$g" ] || grep -qx -- "$it" <<<"$subs"; then ok; else bad "summary of $g names '$it', not a subcommand of it (" $subs ")"; fi
    done
    if [ $more -eq 0 ]; then
        for s in $subs; do
            if grep -qx -- "$s" <<<"$listed"; then ok; else bad "summary of $g ('$summary') leaves out $s (or end it with ', ...')"; fi
        done
    fi
done <"$T/groups"
[ "$CHECKED" -ge 150 ] && ok || bad "only $CHECKED options checked: the option listing hook does not answer"

# the hidden aliases still run (their help at least)
help_of admin add-unit
grep -q -- "--beds" "$T/help" && ok || bad "admin add-unit --help"
if "$CK" admin --help | grep -q 'add-unit'; then bad "admin add-unit is listed (hidden alias of hospital units add)"; else ok; fi
help_of hospital units add
grep -q -- "--beds" "$T/help" && ok || bad "hospital units add --help"

# ---- init --role: exactly the server's roles ------------------------------------------------------
help_of init
roles=$(sed -n '/^  --role ROLE/,/(default patient)/p' "$T/help" | sed -E 's/^  --role ROLE//; s/\(default patient\)//; s/ or /, /g' |
    tr ',' '\n' | tr -d ' ' | sed '/^$/d')
[ "$(wc -l <<<"$roles")" -ge 8 ] && ok || bad "init --help roles: '$roles'"
server_roles=$(awk '/^const char \*const ck_net_roles\[\]/,/};/' "$SRC/src/net/wire.c" | grep -oE '"[a-z]+"' | tr -d '"')
[ "$(sort <<<"$roles")" = "$(sort <<<"$server_roles")" ] && ok || bad "init --help roles ($roles) differ from ck_net_roles ($server_roles)"
for r in $roles; do
    # each listed role passes the parser: the next complaint is the missing operator key
    "$CK" init --gid someone --role "$r" >/dev/null 2>"$T/err"
    grep -q 'operator-key is required' "$T/err" && ok || bad "init --role $r: $(cat "$T/err")"
done
"$CK" init --gid someone --role surgeon --operator-key 00 >/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 2 ] && grep -q "unknown role 'surgeon'" "$T/err" && grep -q 'organization' "$T/err" && ok ||
    bad "init --role surgeon: exit $rc, $(cat "$T/err")"
[ ! -e "$CAREKEY_HOME" ] && ok || bad "init --role surgeon left $CAREKEY_HOME behind"

# ---- healthz schema number in docs/API.md ---------------------------------------------------------
want=$(grep -oE '"backend":"sqlite","schema":[0-9]+' "$SRC/docs/API.md" | head -1 | grep -oE '[0-9]+$')
"$CKD" --port 0 --port-file "$T/port" --db "sqlite:$T/ck.db" --admin-key "$(printf '%064d' 0)" \
    --log-level error 2>"$T/ckd.log" &
SRV=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
got=$(curl -s "http://127.0.0.1:$(cat "$T/port" 2>/dev/null)/healthz")
if [ -n "$want" ] && grep -q "\"schema\":$want[,}]" <<<"$got"; then ok; else bad "docs/API.md says sqlite schema '$want', carekeyd: $got"; fi

echo "help_test: $PASS passed, $FAIL failed ($CHECKED options checked)"
[ $FAIL -eq 0 ]
