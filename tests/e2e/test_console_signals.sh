#!/bin/bash
# test_console_signals.sh - the terminal is given back on every way out: a
# crash (SIGSEGV, SIGABRT) and a kill (SIGTERM) leave a usable shell (echo
# and line editing on, the console's screen gone) with a one-line note, and
# the exit status is the signal's.
. "$(dirname "$0")/console_lib.sh"
. "$(dirname "$0")/tmux_lib.sh"
unset LINES COLUMNS

make_demo
tstart "cd '$T' && ulimit -c 0 && PS1='shell> ' exec bash --norc --noprofile"
twait "shell>"

for sig in SEGV ABRT TERM INT; do
	tkeys "clear" Enter
	ttype "'$ROWFERRY' --config '$CFG'; echo \"exit=\$?\""
	tkeys Enter
	twait "READ-ONLY"
	shell=$(tm display -p -t main '#{pane_pid}')
	pid=$(pgrep -P "$shell" -x rowferry || true)
	if [ -z "$pid" ]; then
		not_ok "$sig: no rowferry process under the pane's shell"
		continue
	fi
	kill -s "$sig" "$pid"
	case $sig in
	SEGV | ABRT) twait "the console crashed; the terminal was restored" ;;
	*) twait "stopped by a signal; the terminal was restored" ;;
	esac
	num=$(kill -l "$sig")
	if [ "$sig" = INT ]; then
		# bash drops the rest of a command line whose command died of
		# SIGINT, as if ^C had been typed: ask for the status on its own
		twait "shell>"
		ttype 'echo "exit=$?"'
		tkeys Enter
	fi
	twait "exit=$((128 + num))"
	tkeys "clear" Enter
	ttype "stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(echo|icanon)' | tr '\n' ' '; echo"
	tkeys Enter
	twait "icanon echo"
	assert_not_contains "$sig: console screen gone" "READ-ONLY" "$(tcap)"
done

finish
