#!/bin/bash
# test_console_tables.sh - the first screen: both connections in the header
# (prod with its READ-ONLY badge), every table with its row count on each
# side, tables on one side only marked, `/` filtering the list, Enter opening
# a table's diff and refusing a table the target lacks.
. "$(dirname "$0")/console_lib.sh"

make_demo
sq "$DEV" "CREATE TABLE audit_notes (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO audit_notes VALUES (1, 'x')"
sq "$PROD" "CREATE TABLE prod_only (id INTEGER PRIMARY KEY)"

console --config "$CFG" <<EOF
:dump $T/start
:key /
:type sales
:dump $T/typing
:enter
:dump $T/filtered
:key Esc
:key g
:enter
:dump $T/refused
:key G Enter
:wait-idle
:dump $T/diff
EOF
assert_eq "exit 0 at the end of the script" 0 "$rc"

echo "# header: both sides, prod badge"
assert_contains "source in the header" " dev  sqlite:$T/demo/dev.db" "$(line start 1)"
assert_contains "target in the header" " prod  sqlite:$T/demo/prod.db" "$(line start 1)"
assert_contains "READ-ONLY badge" "READ-ONLY" "$(line start 1)"

echo "# the list: counts on both sides, one-side tables marked"
assert_contains "column headings" "TABLE                       dev rows       prod rows" "$(screen start)"
assert_contains "jobs counts" "  jobs                               8               8" "$(screen start)"
assert_contains "siteflow_orders counts differ" "~ siteflow_orders                   38              28  row counts differ" "$(screen start)"
assert_contains "dev-only table, missing in the target: create" "+ audit_notes                        1               -  create: only in dev, missing in prod" "$(screen start)"
assert_contains "prod-only table" "- prod_only                          -               0  only in prod" "$(screen start)"
assert_contains "count in the status bar" "7 tables" "$(status start)"
assert_contains "the screen's main keys in the status bar" "Enter open  Space mark  p preview  A apply  f related  / search  u journals  R reload  C connections" "$(status start)"

echo "# / filters as you type"
assert_contains "prompt shown" "/sales" "$(screen typing)"
assert_eq "one table while typing" 1 "$(count_lines typing '^  sales_orders ')"
assert_contains "filter in the title" "filter: sales" "$(line filtered 2)"
assert_contains "1 of 7" "1 of 7 tables" "$(status filtered)"
assert_not_contains "jobs filtered out" "  jobs  " "$(screen filtered)"

echo "# Enter opens a diff; a table only in dev is refused"
assert_contains "one-side table refused" "audit_notes is only in dev" "$(status refused)"
assert_contains "... saying how it is created" "Space marks it, p and A create it" "$(status refused)"
assert_contains "diff of siteflow_orders" "siteflow_orders  WHERE (all rows)  key guid" "$(line diff 2)"

finish
