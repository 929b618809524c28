#!/bin/bash
# test_console_empty_line.sh - an emptied input line means "nothing": the
# WHERE editor runs the diff over all rows (as its hint says), an empty `/`
# search does nothing, an empty file name saves nothing and says so, an
# empty table filter shows every table. The line editor used to hand back a
# buffer without its NUL for an empty line, so each of these read the bytes a
# freed block left behind: "WHERE -z!..  unterminated quote", "'...' not
# found", a file with a garbage name. Each step follows one where text was
# typed and freed, so a missing NUL shows on the screen, and valgrind
# (ctest -L valgrind) reports the uninitialised read itself.
. "$(dirname "$0")/console_lib.sh"

make_demo
cd "$T" || exit 1
files_before=$(ls -A "$T")

console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:key w
:type job_number = '0000065'
:enter
:wait-idle
:dump $T/where_set
:key w ^U
:enter
:wait-idle
:dump $T/where_empty
EOF
assert_eq "exit 0" 0 "$rc"
echo "# an emptied WHERE: all rows"
assert_contains "the condition first" "+12 -0 ~0 =0" "$(status where_set)"
assert_contains "the title says all rows" "siteflow_orders  WHERE (all rows)  key" "$(line where_empty 2)"
assert_not_contains "editor closed" "WHERE (both sides)" "$(screen where_empty)"
assert_not_contains "the diff ran" "could not run" "$(screen where_empty)"
assert_contains "all rows" "+12 -2 ~3 =23" "$(status where_empty)"

console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:key /
:type SF-0000068-05
:enter
:dump $T/search_found
:key /
:enter
:dump $T/search_empty
EOF
assert_eq "exit 0" 0 "$rc"
echo "# an empty search: nothing happens"
found_at=$(status search_found | grep -oE '[0-9]+/17')
assert_contains "a search first" "/17" "$found_at"
assert_not_contains "no 'not found'" "not found" "$(screen search_empty)"
assert_contains "cursor stays" "$found_at" "$(status search_empty)"

console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:key p
:wait-idle
:key s ^U
:type $T/first.sql
:enter
:dump $T/saved
:key s ^U
:enter
:dump $T/save_empty
EOF
assert_eq "exit 0" 0 "$rc"
echo "# an empty file name: nothing saved, and a message that says why"
assert_contains "a save first" "saved to $T/first.sql" "$(status saved)"
assert_contains "clear message" "not saved: no file name given" "$(status save_empty)"
rm -f "$T/first.sql"
assert_eq "no file created" "$files_before" \
	"$(ls -A "$T" | grep -vE '^(where_|search_|save|script$|out$|err$)')"

console --config "$CFG" <<EOF
:key /
:type sales
:enter
:dump $T/filter_set
:key / ^U
:enter
:dump $T/filter_empty
EOF
assert_eq "exit 0" 0 "$rc"
echo "# an emptied table filter: every table"
assert_contains "filtered first" "1 of 5 tables" "$(status filter_set)"
assert_contains "all tables" "5 tables" "$(status filter_empty)"
assert_not_contains "not filtered" " of 5 tables" "$(status filter_empty)"

finish
