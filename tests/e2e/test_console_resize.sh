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
:resize 60 15
:key K
:dump $T/key_small
:key Esc w
:dump $T/where_small
:key Esc
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

echo "# popups fit at 60x15: every line of the box closed on both sides, the hint inside"
box_ok() { # box_ok DUMP: 0 when every line between the box's corners has its two borders
	python3 - "$T/$1" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
top = next(i for i, l in enumerate(lines) if "\u250c" in l)
bot = next(i for i, l in enumerate(lines) if "\u2514" in l)
left = lines[top].index("\u250c")
right = lines[top].index("\u2510")
bad = [i for i in range(top + 1, bot)
       if len(lines[i]) <= right or lines[i][left] != "\u2502" or lines[i][right] != "\u2502"]
bad += [i for i in range(top, bot + 1)
        if "\u2026" in lines[i][:left] + lines[i][right + 1:] or "\u2026" in lines[top] + lines[bot]]
print("ok" if not bad and lines[bot].index("\u2518") == right else "broken lines %s" % bad)
PY
}
assert_eq "key picker closed at 60x15" ok "$(box_ok key_small)"
assert_contains "key picker hint inside" "Space picks" "$(screen key_small)"
assert_eq "WHERE editor closed at 60x15" ok "$(box_ok where_small)"
assert_contains "WHERE hint inside" "empty: all rows" "$(screen where_small)"

finish
