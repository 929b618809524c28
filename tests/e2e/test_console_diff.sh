#!/bin/bash
# test_console_diff.sh - the diff screen: two panes aligned by key, a glyph
# per row (+ - ~ =), identical rows hidden until `=`, ] and [ jumping between
# differences, Space marking rows (the copy then takes only those), h/l
# walking the columns with the key pinned, Tab switching panes, / searching,
# and the counts in the status bar.
. "$(dirname "$0")/console_lib.sh"

make_demo

console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:dump $T/diff
:key ]
:key ]
:dump $T/next
:key [
:dump $T/prev
:key =
:wait-idle
:dump $T/identical
:key =
:wait-idle
:key g Space Space
:dump $T/marked
:key p
:dump $T/preview_marked
:key q
:key l l l l l
:dump $T/scrolled
:key Tab
:dump $T/tab
:key /
:type SF-0000068-05
:enter
:dump $T/search
:key /
:type SF-0000065
:enter
:dump $T/found1
:key n
:dump $T/found2
:key N
:dump $T/found3
EOF
assert_eq "exit 0" 0 "$rc"

echo "# rows by key with their glyphs"
assert_eq "12 rows only in dev" 12 "$(count_lines diff '^ \+ ')"
assert_eq "2 rows only in prod" 2 "$(count_lines diff '^ - \(no row\) ')"
assert_eq "3 changed rows" 3 "$(count_lines diff '^ ~ ')"
assert_eq "identical rows hidden" 0 "$(count_lines diff '^ = ')"
assert_contains "counts" "+12 -2 ~3 =23" "$(status diff)"
assert_contains "position" "1/17" "$(status diff)"
assert_contains "pane titles" "> dev (source)" "$(line diff 3)"
assert_contains "pane titles" "prod (target)" "$(line diff 3)"
# both panes show the same columns, aligned at the separator
assert_eq "separator in one column" 61 "$(sep_cols diff 5 21)"

echo "# ] and [ move between differences; a changed row names its columns"
assert_contains "] twice" "3/17" "$(status next)"
assert_contains "changed row's columns" "changed: status" "$(line next 3)"
assert_contains "[ once" "2/17" "$(status prev)"

echo "# = shows identical rows"
assert_eq "identical rows fill the screen" 25 "$(count_lines identical '^ [-+~=] ')"
assert_contains "some of them identical" " = " "$(line identical 6)"
assert_contains "all 40 rows" "1/40" "$(status identical)"

echo "# Space marks; the copy takes the marked rows"
assert_eq "two marked rows" 2 "$(count_lines marked '^\*')"
assert_contains "marked count" "2 marked" "$(status marked)"
assert_contains "preview of the marked rows" "from the marked rows" "$(screen preview_marked)"
assert_contains "one insert and no delete" "1 insert(s), 0 update(s), 0 delete(s)" "$(screen preview_marked)"

echo "# h/l scroll the columns, the key stays pinned"
assert_contains "key column still first" "   guid " "$(line scrolled 4)"
assert_not_contains "job_number scrolled off" "job_number" "$(line scrolled 4)"
assert_contains "later columns in view" "status" "$(line scrolled 4)"
assert_contains "Tab focuses the target pane" "> prod (target)" "$(line tab 3)"

echo "# / finds a row"
assert_contains "search lands on the row (SF-0000068-05 is the 11th)" "11/17" "$(status search)"
pos() { status "$1" | grep -oE '[0-9]+/17' | tail -n 1; }
assert_eq "n goes on to the next match" yes "$([ -n "$(pos found2)" ] && [ "$(pos found2)" != "$(pos found1)" ] && echo yes || echo no)"
assert_eq "N goes back to the one before" "$(pos found1)" "$(pos found3)"

finish
