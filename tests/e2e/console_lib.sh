# shellcheck shell=bash disable=SC2034
# console_lib.sh - helpers for the console's screen tests (sourced).
#
# The console reads keys from a script (ROWFERRY_SCRIPT, ui/input.h) and
# `:dump FILE` writes the screen as text; tests run it at 120x30, TZ=UTC,
# LANG=C.UTF-8, without a terminal. A test writes a script, runs it and
# looks at the dumps the way a user looks at the screen.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export LINES=30 COLUMNS=120
unset ROWFERRY_SCRIPT ROWFERRY_TIMING ROWFERRY_CONFIG

# make_demo: the demo databases in $T/demo; CFG names its config.
make_demo() {
	"$ROWFERRY" demo --no-open "$T/demo" >/dev/null
	CFG=$T/demo/config.ini
	DEV=$T/demo/dev.db
	PROD=$T/demo/prod.db
}

# console ARGS... <<EOF ... EOF: runs the console with the script on stdin;
# stdout/stderr to $T/out, $T/err, exit code in $rc.
console() {
	cat >"$T/script"
	set +e
	ROWFERRY_SCRIPT="$T/script" "$ROWFERRY" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	set -e
	if [ "$rc" -ne 0 ]; then
		echo "# console exited $rc; stderr:"
		sed 's/^/#   /' "$T/err"
	fi
}

# screen NAME: the dump written by ":dump $T/NAME"
screen() { cat "$T/$1"; }
# line NAME N: line N (1-based) of a dump
line() { sed -n "${2}p" "$T/$1"; }
# status NAME: the status bar (last line) of a dump
status() { tail -n 1 "$T/$1"; }
# count_lines NAME PATTERN: lines of a dump matching a grep -E pattern
count_lines() { grep -cE "$2" "$T/$1" || true; }

# The keys that set the demo's usual selection, from the tables screen:
# open siteflow_orders (the last table), WHERE job 0000065, key
# job_number,order_ref (unpick guid, pick the next two), exclude guid.
DEMO_SELECT=":key G Enter
:wait-idle
:key w
:type job_number = '0000065'
:enter
:wait-idle
:key K Space j Space j Space Enter
:wait-idle
:key c x q
:wait-idle"

# sep_cols NAME FIRST LAST: the display columns (sorted, unique) of the
# pane separator on lines FIRST..LAST of a dump; wide characters count 2.
sep_cols() {
	python3 - "$T/$1" "$2" "$3" <<'PY'
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
cols = {width(l[:l.index("\u2502")]) for l in lines[int(sys.argv[2]) - 1:int(sys.argv[3])] if "\u2502" in l}
print(" ".join(str(c) for c in sorted(cols)))
PY
}
