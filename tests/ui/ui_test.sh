#!/usr/bin/env bash
# tests/ui/ui_test.sh CAREKEY CAREKEYD FIXTURE.json SHOTS_DIR - the node's pages in
# a real browser: a small world (tests/client/world.sh: the operator, the
# boards and hospitals, a doctor, a researcher; patient pt-1 with her family
# member fam-1 (and fam-2, enrolled but not invited yet), the fixture
# imported, a research copy published, a read grant for dr-a), then
# `carekey web serve --data W/home` and tests/ui/*.mjs with playwright-core
# driving Debian's headless Chromium: journeys per role, security (cookie,
# CSRF, Origin, Host, CSP, no key or passphrase in any response), axe-core
# on every page, screenshots under SHOTS_DIR.
set -u
CK=${1:?usage: ui_test.sh CAREKEY CAREKEYD FIXTURE.json SHOTS_DIR}
CKD=${2:?carekeyd}
FIX=${3:?fixture}
SHOTS=${4:?screenshots folder}
HERE=$(cd "$(dirname "$0")" && pwd)
for v in CK CKD FIX SHOTS; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
W=$(mktemp -d "${TMPDIR:-/tmp}/carekey-ui.XXXXXX")
WEB_PID= IDLE_PID=
cleanup() {
    [ -z "$IDLE_PID" ] || { kill "$IDLE_PID" 2>/dev/null; wait "$IDLE_PID" 2>/dev/null; }
    [ -z "$WEB_PID" ] || { kill "$WEB_PID" 2>/dev/null; wait "$WEB_PID" 2>/dev/null; }
    world_stop 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
export CAREKEY_PASSPHRASE='correct horse battery staple ui'
# shellcheck source=../client/world.sh
. "$HERE/../client/world.sh"

# TLS off loopback (docs/UI.md): on this machine's first non-loopback address,
# plain HTTP is refused at start; with a self-signed certificate made now the
# pages answer over https, the Host/Origin checks take that name, and an
# http:// Origin is refused.
tls_fail() { echo "FAIL: tls: $*" >&2; return 1; }
tls_check() {
    local ip tp pid ok=0 st
    ip=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9.]+$' | grep -v '^127\.' | head -n1)
    if [ -z "$ip" ]; then echo "# tls: no non-loopback IPv4 address here: skipped"; return 0; fi
    if "$CK" node serve --ui --data "$W/home" --listen "$ip:0" 2>"$W/notls.err"; then tls_fail "served $ip without TLS"; ok=1; fi
    grep -q "without TLS" "$W/notls.err" || { tls_fail "no clear refusal: $(cat "$W/notls.err")"; ok=1; }
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/tls.key" -out "$W/tls.crt" \
        -days 1 -subj "/CN=$ip" -addext "subjectAltName=IP:$ip" 2>/dev/null || { tls_fail "openssl"; return 1; }
    "$CK" node serve --ui --data "$W/home" --listen "$ip:0" --tls-cert "$W/tls.crt" --tls-key "$W/tls.key" \
        --port-file "$W/tls.port" 2>>"$W/web.log" &
    pid=$!
    world_wait_file "$W/tls.port"
    tp=$(cat "$W/tls.port")
    st=$(curl -sS --cacert "$W/tls.crt" -D "$W/tls.head" -o "$W/tls.body" -w '%{http_code}' "https://$ip:$tp/")
    [ "$st" = 200 ] || { tls_fail "GET https://$ip:$tp/ -> $st"; ok=1; }
    grep -qi "^content-security-policy: default-src 'self'" "$W/tls.head" || { tls_fail "no CSP over https"; ok=1; }
    st=$(curl -sS --cacert "$W/tls.crt" -o "$W/tls.login" -w '%{http_code}' -H "Origin: https://$ip:$tp" \
        -H 'Content-Type: application/json' --data-binary @- "https://$ip:$tp/ui/api/login" \
        <<<"{\"gid\":\"fam-1\",\"passphrase\":\"$CAREKEY_PASSPHRASE\"}")
    [ "$st" = 200 ] && grep -q '"role":"family"' "$W/tls.login" || { tls_fail "login over https -> $st"; ok=1; }
    grep -qF -- "$CAREKEY_PASSPHRASE" "$W/tls.login" && { tls_fail "the passphrase in the login reply"; ok=1; }
    st=$(curl -sS --cacert "$W/tls.crt" -o /dev/null -w '%{http_code}' -H "Origin: http://$ip:$tp" \
        -H 'Content-Type: application/json' -d '{}' "https://$ip:$tp/ui/api/login")
    [ "$st" = 403 ] || { tls_fail "an http:// Origin on the https server -> $st"; ok=1; }
    st=$(curl -sS --cacert "$W/tls.crt" -o /dev/null -w '%{http_code}' -H "Host: evil.example:$tp" "https://$ip:$tp/")
    [ "$st" = 421 ] || { tls_fail "a foreign Host -> $st"; ok=1; }
    curl -s -o /dev/null "http://$ip:$tp/" && { tls_fail "plain http answered on the TLS port"; ok=1; }
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    [ $ok = 0 ] && echo "# tls: https://$ip:PORT/ served with a self-signed certificate; plain HTTP refused"
    return $ok
}

T0=$(date +%s)
world_setup
world_patient pt-1 fam-1
# a second family member, enrolled the way world_patient enrolls fam-1 but
# not invited: pt-1 invites her from her sharing page (ui_patient.mjs)
world_run "$CK" init --gid fam-2 --role family --home "$(world_home fam-2)" --server "$URL" --kdf-cost "$WORLD_KDF"
world_pending fam-2
world_run world_as operator admin approve fam-2 --server "$URL"
world_run world_as pt-1 import "$FIX" --patient pt-1
world_run world_as pt-1 research publish --patient pt-1
world_run world_as pt-1 grant --patient pt-1 --to dr-a --read
world_run world_as dr-a keys sync
world_run world_as res keys sync
# a break-glass read of pt-1's record (docs/BREAK-GLASS.md): the ER physician,
# licensed by the medical board, asks the emergency desk with a reason; the
# patient's audit page must show it highlighted
world_run world_as operator admin add-org --name medical-board --kind board --display-name "Medical Board" --server "$URL"
world_run world_as dr-er directory consent medical-board
world_run world_as operator admin affiliate --gid dr-er --org medical-board --title "Emergency physician" --server "$URL"
world_run world_as dr-er keys sync
"$CK" emergency-desk serve --port 0 --port-file "$W/desk.port" --max-minutes 60 --home "$(world_home er-desk)" \
    2>"$W/desk.log" &
DESK_PID=$!
world_wait_file "$W/desk.port"
world_run world_as dr-er emergency request --desk "http://127.0.0.1:$(cat "$W/desk.port")" --patient pt-1 \
    --reason "unconscious after a road accident" --minutes 30
kill "$DESK_PID" 2>/dev/null; wait "$DESK_PID" 2>/dev/null
# an enrollment request the operator approves from her page (ui.mjs)
world_run "$CK" init --gid nurse-q --role nurse --display-name "Nurse Quinn" --home "$(world_home nurse-q)" --server "$URL" --kdf-cost "$WORLD_KDF"
world_pending nurse-q
# the pages open the home named by the GID under --data; the world keeps the
# operator (GID "admin") under home/operator, so give the pages that name
mv "$W/home/operator" "$W/home/admin" && ln -s admin "$W/home/operator"
echo "# world ready: $(( $(date +%s) - T0 )) s"

# the people's secret ABE keys as hex, 32 bytes at a time: none may show up
# in any response the browser gets (UI_KEYHEX, read by ui.mjs)
for who in pt-1 fam-1 dr-a res; do
    world_run world_as "$who" keys export --out "$W/$who.abekey"
    od -An -v -tx1 "$W/$who.abekey" | tr -d ' \n' | fold -w 64 | awk 'length($0) == 64' >>"$W/keyhex"
    rm -f "$W/$who.abekey"
done
export UI_KEYHEX=$W/keyhex
mkdir -p "$SHOTS"
"$CK" node serve --ui --data "$W/home" --listen 127.0.0.1:0 --port-file "$W/web.port" --idle 600 --server "$URL" 2>"$W/web.log" &
WEB_PID=$!
world_wait_file "$W/web.port"
export UI_URL="http://127.0.0.1:$(cat "$W/web.port")"
# a second server whose sessions expire after 2 idle seconds ('web serve': the alias)
"$CK" web serve --data "$W/home" --port 0 --port-file "$W/idle.port" --idle 2 2>>"$W/web.log" &
IDLE_PID=$!
world_wait_file "$W/idle.port"
export UI_URL_IDLE="http://127.0.0.1:$(cat "$W/idle.port")"
export UI_PASSPHRASE=$CAREKEY_PASSPHRASE UI_SHOTS=$SHOTS UI_HOMES="$W/home" UI_FIXTURE=$FIX
export UI_CHROMIUM=${UI_CHROMIUM:-/usr/lib/chromium/chromium}
if [ -n "${UI_HOLD:-}" ]; then # development: keep the world up, run the .mjs by hand
    echo "UI_URL=$UI_URL UI_HOMES=$UI_HOMES" >"$UI_HOLD"
    wait "$WEB_PID"
fi
rc=0
for t in "$HERE"/*.mjs; do
    node "$t" || rc=1
done
# the server's own output: no passphrase, no session id, no patient name
if grep -qF -- "$CAREKEY_PASSPHRASE" "$W/web.log"; then echo "FAIL: the passphrase is in the server's log" >&2; rc=1; fi
kill "$WEB_PID" "$IDLE_PID" 2>/dev/null; wait "$WEB_PID" "$IDLE_PID" 2>/dev/null; WEB_PID= IDLE_PID=
tls_check || rc=1
echo "# ui_test: $(( $(date +%s) - T0 )) s, screenshots in $SHOTS"
exit $rc
