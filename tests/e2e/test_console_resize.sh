#!/bin/bash
# test_console_resize.sh - the terminal changes size mid-session: every
# screen lays itself out again for the new size (narrower panes, the status
# bar on the new last line), a tiny terminal says so, and growing back
# restores the full layout.
. "$(dirname "$0")/console_lib.sh"

make_demo

console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:dump $T/wide
:resize 80 24
:dump $T/narrow
:key c
:dump $T/columns_narrow
:key q
:resize 30 5
:dump $T/tiny
:resize 120 30
:dump $T/back
EOF
assert_eq "exit 0" 0 "$rc"

maxw() { python3 -c 'import sys; print(max(len(l) for l in open(sys.argv[1], encoding="utf-8").read().split("\n")))' "$T/$1"; }
assert_eq "wide: 30 lines" 30 "$(wc -l <"$T/wide")"
assert_eq "narrow: 24 lines" 24 "$(wc -l <"$T/narrow")"
assert_eq "narrow: nothing past column 80" 80 "$(maxw narrow)"
assert_contains "status bar on the new last line" "+12 -2 ~3 =23" "$(status narrow)"
assert_eq "wide: separator at column 61" 61 "$(sep_cols wide 5 21)"
assert_eq "narrow: separator moved to column 41" 41 "$(sep_cols narrow 5 20)"
assert_contains "narrow: header still there" "READ-ONLY" "$(line narrow 1)"
assert_contains "columns screen fits" "guid" "$(screen columns_narrow)"
assert_contains "tiny: says so" "the terminal is too" "$(line tiny 1)"
assert_eq "back: same as before" "$(screen wide)" "$(screen back)"

finish
