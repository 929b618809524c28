#!/bin/sh
# Install what rowferry needs to build, test and benchmark, from Debian's archive
# only. Idempotent: packages already present are not touched, and apt-get is not
# run at all when nothing is missing.
set -eu

BUILD="build-essential cmake pkg-config libncurses-dev libpq-dev libmariadb-dev \
uuid-dev libinih-dev libsqlite3-dev libjansson-dev libssl-dev"
# valgrind: memcheck over the unit and console tests; clang and its libFuzzer
# runtime (only recommended by clang-14 in Debian 12, and recommends are not
# installed here) build the fuzz targets (make test-fuzz); time measures the
# large-value tests' memory
TEST="libcmocka-dev postgresql mariadb-server mariadb-client sqlite3 tmux locales jq \
valgrind clang libclang-rt-14-dev time"
BENCH="percona-toolkit sqlite3-tools hyperfine jq pgloader"

want="$BUILD"
case "${1:-}" in
  --test) want="$BUILD $TEST" ;;
  --bench) want="$BUILD $TEST $BENCH" ;;
  --build|"") ;;
  *) echo "usage: $0 [--build|--test|--bench]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

# The collation tests create a PostgreSQL database in en_US.UTF-8.
need_locale() {
  case "$want" in *locales*) ;; *) return 1 ;; esac
  ! locale -a 2>/dev/null | grep -qi '^en_US\.utf-\?8$'
}
gen_locale() {
  if need_locale; then
    sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen
    grep -q '^en_US.UTF-8 UTF-8' /etc/locale.gen || echo 'en_US.UTF-8 UTF-8' >>/etc/locale.gen
    locale-gen >/dev/null
  fi
}

if [ -z "$missing" ]; then
  if need_locale && [ "$(id -u)" -eq 0 ]; then gen_locale; fi
  echo "install-deps: all packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing:$missing" >&2
  echo "install-deps: run as root (or: sudo $0 ${1:-})" >&2
  exit 1
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
# The server packages start system services on install; rowferry's tests start
# their own throwaway servers and never use these.
for svc in mariadb postgresql; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$svc" 2>/dev/null || true; fi
  service "$svc" stop >/dev/null 2>&1 || true
done
gen_locale
echo "install-deps: done"
