#!/usr/bin/env bash
# tests/ui/care_ui_test.sh CAREKEY CAREKEYD SHOTS_DIR - the hospital day of
# tests/client/care_test.sh through the node's pages (issue 12): the world
# of tests/client/world.sh with the hospital directory (world_care: hosp-a
# with its wards, theatres and departments, dr-a, nurse-a, clerk-a), three
# patients who consented to hosp-a, then `carekey web serve --data W/home`
# and tests/ui/care_journey.mjs in headless Chromium (playwright-core,
# @axe-core/playwright): admissions, a taken bed, a diagnosis, vitals, a
# note, slots and appointments with a double booking refused, theatre
# bookings with a double booking refused, discharges, the census, calendar
# and theatre boards and the MIS dashboard's figures; each role's menu and
# JSON views; the session and CSRF checks on the new routes; axe-core on
# every page; screenshots under SHOTS_DIR.
set -u
CK=${1:?usage: care_ui_test.sh CAREKEY CAREKEYD SHOTS_DIR}
CKD=${2:?carekeyd}
SHOTS=${3:?screenshots folder}
HERE=$(cd "$(dirname "$0")" && pwd)
for v in CK CKD SHOTS; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
W=$(mktemp -d "${TMPDIR:-/tmp}/carekey-care-ui.XXXXXX")
WEB_PID=
cleanup() {
    [ -z "$WEB_PID" ] || { kill "$WEB_PID" 2>/dev/null; wait "$WEB_PID" 2>/dev/null; }
    world_stop 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
export CAREKEY_PASSPHRASE='correct horse battery staple care'
# shellcheck source=../client/world.sh
. "$HERE/../client/world.sh"

T0=$(date +%s)
world_setup
world_care
for p in p1 p2 p3; do
    world_patient "$p"
    world_consent "$p" hosp-a
done
# the hospital admin's staff page: nurse-n enrolled and consented to work
# for hosp-a (taken on from the page); dr-z enrolled without that consent
for g in nurse-n:nurse dr-z:doctor; do
    world_init "${g%%:*}" "${g%%:*}" "${g#*:}"
    world_run world_as operator admin enroll "$W/${g%%:*}.enroll.json" --server "$URL"
done
world_run world_as nurse-n directory consent hosp-a
# -- the staff page's extra attributes and care team (care_journey.mjs,
# staffExtras): nurse-x consented to work for hosp-a (taken on with extra
# attributes); p4 made hosp-b her delegate and lets hosp-a read her record,
# no more (hosp-a's care team for her: not_delegate)
world_init nurse-x nurse-x nurse
world_run world_as operator admin enroll "$W/nurse-x.enroll.json" --server "$URL"
world_run world_as nurse-x directory consent hosp-a
WORLD_HOSPITALS=hosp-b world_patient p4
world_run world_as p4 grant --patient p4 --gid hosp-a --read
# -- end of the staff page's extras
echo "# world ready: $(( $(date +%s) - T0 )) s"

mkdir -p "$SHOTS"
"$CK" web serve --data "$W/home" --port 0 --port-file "$W/web.port" --idle 900 2>"$W/web.log" &
WEB_PID=$!
world_wait_file "$W/web.port"
export UI_URL="http://127.0.0.1:$(cat "$W/web.port")"
export UI_PASSPHRASE=$CAREKEY_PASSPHRASE UI_SHOTS=$SHOTS UI_CARE_WORLD=1
export UI_CHROMIUM=${UI_CHROMIUM:-/usr/lib/chromium/chromium}
if [ -n "${UI_HOLD:-}" ]; then # development: keep the world up, run the .mjs by hand
    echo "UI_URL=$UI_URL UI_HOMES=$W/home" >"$UI_HOLD"
    wait "$WEB_PID"
fi
rc=0
node "$HERE/care_journey.mjs" || rc=1
if grep -qF -- "$CAREKEY_PASSPHRASE" "$W/web.log"; then echo "FAIL: the passphrase is in the server's log" >&2; rc=1; fi
kill "$WEB_PID" 2>/dev/null; wait "$WEB_PID" 2>/dev/null; WEB_PID=
echo "# care_ui_test: $(( $(date +%s) - T0 )) s, screenshots in $SHOTS"
exit $rc
