#!/bin/bash
# test_console_cell.sh - the cell inspector (Enter on a cell): both values in
# full as the canonical forms compared, and why they are equal or not.
. "$(dirname "$0")/console_lib.sh"

make_demo
# equal decimals written differently, and a long text value
sq "$PROD" "UPDATE siteflow_orders SET price = '45.00' WHERE order_ref = 'SF-0000066-01'"
long=$(printf 'line one\nline two %.0s' {1..30})
sq "$DEV" "UPDATE siteflow_orders SET status = '$long' WHERE order_ref = 'SF-0000063-04'"

console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:key ] ]
:enter
:dump $T/changed
:key q =
:wait-idle
:key /
:type SF-0000066-01
:enter
:key l l l l l l
:enter
:dump $T/price
EOF
assert_eq "exit 0" 0 "$rc"

console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:key ] ] h h h h h h h h h
:enter
:dump $T/first_changed
:key ]
:dump $T/next_changed
:key ]
:dump $T/no_more
:key [
:dump $T/back_changed
EOF
echo "# Enter on a changed row opens its changed cell; ] and [ step between changed cells"
assert_contains "opened on the first changed cell, not the key" "column  status: text" "$(screen first_changed)"
assert_contains "] the next changed cell" "column  updated_at:" "$(screen next_changed)"
assert_contains "none after it" "no next changed cell in this row" "$(status no_more)"
assert_contains "[ back" "column  status: text" "$(screen back_changed)"

assert_contains "row" "row     guid=509997a9" "$(screen changed)"
assert_contains "column" "column  status: text" "$(screen changed)"
assert_contains "source value, escaped newlines" 'line one\nline two' "$(screen changed)"
assert_contains "source label" "dev (source), canonical form" "$(screen changed)"
assert_contains "target value" "on_hold" "$(screen changed)"
assert_contains "why" "differ" "$(screen changed)"
assert_contains "price cell" "column  price: decimal" "$(screen price)"
assert_contains "canonical 45 on both sides" "equal" "$(screen price)"

finish
