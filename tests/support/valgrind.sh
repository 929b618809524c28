#!/bin/bash
# valgrind.sh - memcheck for the unit tests and the scripted console tests
# (ctest -L valgrind in a build configured with -DRF_VALGRIND=ON). ASan does
# not see reads of uninitialised memory; memcheck does.
#
#   valgrind.sh exec PROGRAM [ARGS...]   PROGRAM under memcheck (a cmocka test)
#   valgrind.sh script TEST.sh           an e2e script whose every run of
#                                        $ROWFERRY goes through memcheck
#
# Either fails (exit 1) on any memcheck error or definite leak, whatever the
# program's own exit status; the report is printed.
set -euo pipefail

support=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VALGRIND=${VALGRIND:-valgrind}
# definite leaks count as errors; "still reachable" and "possibly lost"
# (ncurses' screen, libraries' one-time state) do not
VG_OPTS=(--tool=memcheck --error-exitcode=97 --leak-check=full
	--errors-for-leak-kinds=definite --show-leak-kinds=definite
	--track-origins=yes --num-callers=30
	"--suppressions=$support/valgrind.supp")

case "${1:-}" in
exec)
	shift
	# a test may leave out what takes minutes under memcheck (and says so)
	export RF_UNDER_VALGRIND=1
	exec "$VALGRIND" "${VG_OPTS[@]}" "$@"
	;;
script)
	script=$2
	: "${ROWFERRY:?run through ctest}"
	logs=$(mktemp -d /tmp/rf_vg_XXXXXX)
	trap 'rm -rf "$logs"' EXIT
	# the scripts run "$ROWFERRY" ARGS; point it at memcheck of the real one
	# (one log per process: %p)
	{
		echo '#!/bin/sh'
		printf 'exec %q' "$VALGRIND"
		printf ' %q' "${VG_OPTS[@]}" "--log-file=$logs/vg.%p.log" "$ROWFERRY"
		echo ' "$@"'
	} >"$logs/rowferry"
	chmod +x "$logs/rowferry"
	set +e
	ROWFERRY="$logs/rowferry" bash "$script"
	rc=$?
	set -e
	bad=0
	for log in "$logs"/vg.*.log; do
		[ -e "$log" ] || continue
		if grep -qE 'ERROR SUMMARY: [1-9]' "$log"; then
			bad=1
			echo "# memcheck: $(basename "$log")"
			sed 's/^/#   /' "$log"
		fi
	done
	n=$(find "$logs" -name 'vg.*.log' | wc -l)
	if [ "$n" -eq 0 ]; then
		echo "not ok - memcheck: the script never ran rowferry"
		exit 1
	fi
	if [ "$bad" -ne 0 ]; then
		echo "not ok - memcheck found errors in rowferry ($n runs checked)"
		exit 1
	fi
	echo "ok - memcheck: $n runs of rowferry, no errors"
	exit "$rc"
	;;
*)
	echo "usage: $0 exec PROGRAM [ARGS...] | script TEST.sh" >&2
	exit 2
	;;
esac
