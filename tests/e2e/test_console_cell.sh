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

assert_contains "row" "row     guid=509997a9" "$(screen changed)"
assert_contains "column" "column  status: text" "$(screen changed)"
assert_contains "source value, escaped newlines" 'line one\nline two' "$(screen changed)"
assert_contains "source label" "dev (source), canonical form" "$(screen changed)"
assert_contains "target value" "on_hold" "$(screen changed)"
assert_contains "why" "differ" "$(screen changed)"
assert_contains "price cell" "column  price: decimal" "$(screen price)"
assert_contains "canonical 45 on both sides" "equal" "$(screen price)"

finish
