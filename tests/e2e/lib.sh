# lib.sh - shared helpers for the end-to-end tests (sourced, not run).
# ctest sets RF_TEST_ENV_FILE (URLs of the throwaway servers), ROWFERRY (the
# binary) and RF_SOURCE_DIR.
set -euo pipefail

: "${ROWFERRY:?run through ctest}"
if [ -n "${RF_TEST_ENV_FILE:-}" ] && [ -f "$RF_TEST_ENV_FILE" ]; then
	# shellcheck disable=SC1090
	. "$RF_TEST_ENV_FILE"
fi
export TZ=UTC LANG=C.UTF-8
unset NO_COLOR

T=$(mktemp -d /tmp/rf_e2e_XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
fails=0
passes=0

ok() { passes=$((passes + 1)); echo "ok - $*"; }
not_ok() { fails=$((fails + 1)); echo "not ok - $*"; }

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1: expected [$2], got [$3]"; fi
}
# assert_contains WHAT NEEDLE HAYSTACK
assert_contains() {
	if [[ "$3" == *"$2"* ]]; then ok "$1"; else not_ok "$1: [$2] not in [$3]"; fi
}
assert_not_contains() {
	if [[ "$3" != *"$2"* ]]; then ok "$1"; else not_ok "$1: [$2] unexpectedly in output"; fi
}

# rf ARGS... : runs rowferry, stdout to $T/out, stderr to $T/err, exit code to $rc
rf() {
	set +e
	"$ROWFERRY" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	set -e
}

# SQL through the engines' own clients (fixture setup independent of rowferry)
pg() { psql -X -q -v ON_ERROR_STOP=1 -At "$1" -c "$2"; }
pgf() { psql -X -q -v ON_ERROR_STOP=1 -At "$1" -f -; }
my_args() { # URL -> mariadb client args for the fixture's URL form
	local url=$1 db
	db=${url#*@localhost/}
	db=${db%%\?*}
	echo "--no-defaults --default-character-set=utf8mb4 -urowferry -p$RF_TEST_MY_PASSWORD --socket=$RF_TEST_MY_SOCKET $db"
}
my() { # shellcheck disable=SC2046
	mariadb $(my_args "$1") --batch --skip-column-names -e "$2"; }
myf() { # shellcheck disable=SC2046
	mariadb $(my_args "$1") --batch --skip-column-names; }
sq() { sqlite3 -bail "$1" "$2"; }

finish() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}
