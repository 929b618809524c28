#!/bin/bash
# test_console_tmux_resize.sh - resizing a real terminal mid-session
# (SIGWINCH): the console redraws for the new size at once, in the diff and
# in an open overlay, and again when it grows back.
. "$(dirname "$0")/console_lib.sh"
. "$(dirname "$0")/tmux_lib.sh"
unset LINES COLUMNS

make_demo
tstart "cd '$T' && '$ROWFERRY' --config '$CFG'; echo \"rowferry exited \$?\"; exec sleep 600"
twait "Tables: dev"
tkeys G Enter
twait "+12 -2 ~3 =23"
tcap >"$T/wide"

tm resize-window -t main -x 80 -y 24
sleep 0.5
twait "+12 -2 ~3 =23"
tcap >"$T/narrow"
assert_eq "24 lines" 24 "$(wc -l <"$T/narrow")"
assert_contains "status bar on line 24" "+12 -2 ~3 =23" "$(sed -n 24p "$T/narrow")"
assert_eq "separator at column 41" 41 "$(sep_cols narrow 5 20)"
assert_contains "header kept" "READ-ONLY" "$(sed -n 1p "$T/narrow")"

tkeys w
twait "WHERE (both sides)"
tm resize-window -t main -x 100 -y 20
sleep 0.5
tcap >"$T/overlay"
assert_contains "the editor redrawn" "WHERE (both sides)" "$(cat "$T/overlay")"
assert_eq "20 lines" 20 "$(wc -l <"$T/overlay")"
tkeys Escape

tm resize-window -t main -x 120 -y 30
sleep 0.5
twait "+12 -2 ~3 =23"
tcap >"$T/back"
assert_eq "separator back at column 61" 61 "$(sep_cols back 5 20)"
assert_eq "same screen as before" "$(cat "$T/wide")" "$(cat "$T/back")"
tkeys Q
twait "rowferry exited 0"

finish
