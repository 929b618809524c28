#!/bin/bash
# test_console_mouse.sh - with [ui] mouse = true the wheel moves the cursor
# and a click picks a row; without it the console leaves the mouse to the
# terminal (selecting text keeps working).
. "$(dirname "$0")/console_lib.sh"
. "$(dirname "$0")/tmux_lib.sh"
unset LINES COLUMNS

make_demo
sed -i 's/^theme = default$/theme = default\nmouse = true/' "$CFG"
grep -q '^mouse = true' "$CFG" || echo "mouse = true" >>"$CFG"
# xterm's mouse reports (X10 form): ESC [ M, button+32, column+33, row+33
report() { python3 -c 'import sys; b, x, y = map(int, sys.argv[1:]); sys.stdout.write("\x1b[M" + chr(32 + b) + chr(33 + x) + chr(33 + y))' "$@"; }

tstart "cd '$T' && '$ROWFERRY' --config '$CFG' --table siteflow_orders; exec sleep 600"
twait "+12 -2 ~3 =23  1/17"
ttype "$(report 65 10 10)"
ttype "$(report 65 10 10)"
twait "3/17"
# a click on screen row 11 (0-based): the 8th row of the list
ttype "$(report 0 10 11)$(report 3 10 11)"
twait "8/17"
ttype "$(report 64 10 10)"
twait "7/17"

finish
