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

# A command of this test (rowferry, a client, anything it started) that
# runs longer than RF_TEST_CMD_TIMEOUT seconds (600) is a hang: the watcher
# prints it, rowferry's threads' stacks (gdb, when installed) and what the
# test servers are doing and waiting on, then kills it, so a CI log says
# where it stopped instead of ctest's bare timeout. One watcher for the
# whole test, looking every 10 s (nothing added to each command).
rf_running() { # WATCHER: this shell's descendants (not the watcher's), as pid:start
	ps -eo pid=,ppid=,lstart= | awk -v root=$$ -v me="$1" '
		{ parent[$1] = $2; start[$1] = $3 $4 $5 $6 $7 }
		END { for (p in parent) {
			q = p; while (q in parent && q != root && q != me && q > 1) q = parent[q]
			if (q == root && p != root) print p ":" start[p] } }'
}
rf_servers_state() {
	if [ -n "${RF_TEST_MY_SOCKET:-}" ]; then
		echo "# mariadb processlist and XA transactions:"
		timeout 10 mariadb --no-defaults -urowferry -p"${RF_TEST_MY_PASSWORD:-}" \
			--socket="$RF_TEST_MY_SOCKET" -e "SELECT id, db, command, time, state, left(info, 120) FROM information_schema.processlist WHERE id <> connection_id(); XA RECOVER" 2>&1 |
			sed 's/^/#   /'
	fi
	if [ -n "${RF_TEST_PG_URL:-}" ]; then
		echo "# postgresql activity and prepared transactions:"
		timeout 10 psql -X -At "$RF_TEST_PG_URL" -c "SELECT pid, datname, state, wait_event_type, wait_event, left(query, 120) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname IS NOT NULL" \
			-c "SELECT gid, database FROM pg_prepared_xacts" 2>&1 | sed 's/^/#   /'
	fi
}
rf_watchdog() { # TEST_SHELL_PID
	local limit=${RF_TEST_CMD_TIMEOUT:-600} self=$BASHPID p id said='' tick=0
	# a process counts as hung only once this watcher has itself seen it
	# (pid and start) for limit seconds: the kernel's elapsed time alone
	# gave a 600 s age to commands of a 40 s test on this VM
	local -A seen=()
	trap 'kill "${nap:-}" 2>/dev/null; exit 0' TERM
	while :; do
		# The watcher holds ctest's output pipe: it must not outlive its
		# test, even when nothing killed it (ctest waits for the pipe).
		kill -0 "$1" 2>/dev/null || exit 0
		sleep 1 >/dev/null 2>&1 &
		nap=$!
		wait "$nap"
		tick=$((tick + 1))
		[ $((tick % 10)) -eq 0 ] || continue
		for id in $(rf_running "$self"); do
			[ -n "${seen[$id]:-}" ] || seen[$id]=$tick
			[ $((tick - seen[$id])) -ge "$limit" ] || continue
			p=${id%%:*}
			[ -r "/proc/$p/cmdline" ] || continue
			echo "# hung over $limit s (pid $p): $(tr '\0' ' ' </proc/"$p"/cmdline | cut -c1-300)"
			if [ "$(readlink "/proc/$p/exe")" = "$(readlink -f "$ROWFERRY")" ] &&
				command -v gdb >/dev/null; then
				gdb -p "$p" -batch -ex "thread apply all bt" 2>&1 | grep -E '^(Thread|#)' |
					sed 's/^/#   /'
			fi
			[ -n "$said" ] || rf_servers_state
			said=1
			kill -9 "$p" 2>/dev/null
		done
	done
}
# Not a child of the test shell (started from a subshell that exits at
# once), so a test's bare `wait` does not wait for it.
(rf_watchdog $$ </dev/null & echo $! >"$T/.watchdog")
RF_WATCHDOG=$(cat "$T/.watchdog")
# One EXIT trap for the test: a test or helper library that needs its own
# cleanup adds it with rf_at_exit instead of replacing the trap (a replaced
# trap left the watcher running and ctest waiting on it for 900 s).
RF_AT_EXIT=()
rf_at_exit() { RF_AT_EXIT+=("$1"); }
rf_exit() {
	local c
	for c in "${RF_AT_EXIT[@]}"; do eval "$c" || true; done
	kill "$RF_WATCHDOG" 2>/dev/null
	rm -rf "$T"
}
trap rf_exit EXIT
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
