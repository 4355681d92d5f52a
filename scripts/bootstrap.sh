#!/usr/bin/env bash
# Install what carekey needs on a Debian 12 machine, and nothing twice.
# Usage: scripts/bootstrap.sh [--with-npm]   (npm packages are for tests/benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config git ca-certificates
  libssl-dev libjansson-dev
  libmicrohttpd-dev libcurl4-openssl-dev libsqlite3-dev libpq-dev libsodium-dev libunistring-dev
  postgresql sqlite3 jq openssl
  postgresql-15 patroni etcd-server etcd-client gettext-base
  clang libclang-rt-14-dev valgrind
  nodejs npm
  libjs-chart.js chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node and npm may come from elsewhere than Debian (e.g. a preinstalled node).
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
want=()
for p in "${missing[@]}"; do [ -n "$p" ] && want+=("$p"); done

if [ ${#want[@]} -gt 0 ]; then
  echo "bootstrap: installing ${want[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
fi

if [ "${1:-}" = "--with-npm" ]; then
  if [ ! -d tests/js/node_modules ] || [ tests/js/package-lock.json -nt tests/js/node_modules ]; then
    echo "bootstrap: npm ci in tests/js"
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
