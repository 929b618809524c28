#!/bin/bash
# test_console_where.sh - the WHERE editor (w): the server's own message when
# the condition is wrong, the editor staying open to fix it, Enter running
# the diff with it, the history recalling earlier conditions, and Esc after a
# failed attempt going back to the condition that worked.
. "$(dirname "$0")/console_lib.sh"

make_demo

console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:key w
:dump $T/editor
:type job_numbr = '0000065'
:enter
:wait-idle
:dump $T/invalid
:key Home Right Right Right Right Right Right Right Right
:type e
:enter
:wait-idle
:dump $T/fixed
:key w ^U
:type status = 'on_hold'
:enter
:wait-idle
:dump $T/second
:key w ^U Up
:dump $T/history
:key Up
:dump $T/history2
:key ^U
:type 1=1; DROP TABLE jobs
:enter
:wait-idle
:dump $T/stacked
:key ^U
:type nonsense(
:enter
:wait-idle
:key Esc
:wait-idle
:dump $T/restored
EOF
assert_eq "exit 0" 0 "$rc"

assert_contains "editor box" "WHERE (both sides)" "$(screen editor)"
assert_contains "editor hint" "Enter runs the diff" "$(screen editor)"
echo "# a wrong condition: the server's message, the editor stays"
assert_contains "server error in the editor" "dev: no such column: job_numbr" "$(screen invalid)"
assert_contains "still editing" "WHERE job_numbr = '0000065'" "$(screen invalid)"
assert_contains "the diff screen says it too" "the diff could not run" "$(screen invalid)"
assert_contains "the title names the primary key" "  key guid (primary key)" "$(line invalid 2)"
echo "# fixed: the diff runs with it"
assert_contains "title" "WHERE job_number = '0000065'" "$(line fixed 2)"
assert_contains "12 rows" "+12 -0 ~0 =0" "$(status fixed)"
assert_not_contains "editor closed" "WHERE (both sides)" "$(screen fixed)"
assert_contains "second condition (prod alone has on_hold)" "+0 -1 ~0 =0" "$(status second)"
echo "# history"
assert_contains "Up recalls the last" "WHERE status = 'on_hold'" "$(screen history)"
assert_contains "Up again, the one before" "WHERE job_number = '0000065'" "$(screen history2)"
echo "# the console's words, not the command line's flags"
assert_contains "a second statement refused in words" "the WHERE must be a single expression (found ';')" "$(screen stacked)"
assert_not_contains "... no flag" "--where" "$(screen stacked)"
echo "# Esc after a failure restores the last good condition"
assert_contains "restored" "WHERE status = 'on_hold'" "$(line restored 2)"
assert_contains "restored counts" "+0 -1 ~0 =0" "$(status restored)"

echo "# Tab: a condition for one side alone"
console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:key w Tab
:dump $T/source_scope
:key Tab
:dump $T/target_scope
:type status = 'on_hold'
:enter
:wait-idle
:dump $T/target_only
:key w
:dump $T/reopened
:key Esc
EOF
assert_contains "Tab: the source alone" "WHERE (source dev only)" "$(screen source_scope)"
assert_contains "Tab again: the target alone" "WHERE (target prod only)" "$(screen target_scope)"
assert_contains "the title shows the target's own condition" "WHERE (all rows)  target WHERE status = 'on_hold'" "$(line target_only 2)"
# prod's one on_hold row is dev's row with another status: every other dev
# row is only in the source
n=$(sq "$DEV" "SELECT count(*) FROM siteflow_orders")
assert_contains "the target read with its condition alone" "+$((n - 1)) -0 ~1 =0" "$(status target_only)"
assert_contains "the editor opens on the side that has it" "WHERE (target prod only)" "$(screen reopened)"
assert_contains "... with its text" "status = 'on_hold'" "$(screen reopened)"

finish
