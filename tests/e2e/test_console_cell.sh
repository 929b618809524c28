#!/bin/bash
# test_console_cell.sh - the cell inspector (Enter on a cell): both values in
# full as each engine stored them, then the canonical forms compared, and
# why they are equal or not; the diff grid shows values as stored.
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
assert_contains "source label" "dev (source, sqlite), 540 bytes" "$(screen changed)"
assert_contains "target value" "on_hold" "$(screen changed)"
assert_contains "why" "differ" "$(screen changed)"
assert_contains "price cell" "column  price: decimal" "$(screen price)"
assert_contains "canonical 45 on both sides" "equal" "$(screen price)"

echo "# values as stored: a timestamp as SQLite holds it, JSON as written; canonical forms below"
# the demo's changed row SF-0000063-04: updated_at 2026-11-05 13:33:00 in
# dev, 2026-11-06 16:45:00 in prod; only_source SF-0000065-07's payload
stored_script() {
	cat <<EOF2
$1
:key G Enter
:wait-idle
:key ] ] l l l l
:dump $T/grid$2
:enter
:key ]
:dump $T/stamp$2
:key q /
:type SF-0000065-07
:enter
:key h h
:enter
:dump $T/json$2
:key q q
:key g Enter
:wait-idle
:key =
:wait-idle
:key l l l
:dump $T/jobs$2
EOF2
}
stored_script "" 120 | console --config "$CFG"
assert_eq "exit 0 at 120x30" 0 "$rc"
stored_script ":resize 60 15" 60 | console --config "$CFG"
assert_eq "exit 0 at 60x15" 0 "$rc"
grid=$(screen grid120)
assert_contains "grid shows the changed timestamp as stored" "2026-11-05 13:33:00" "$grid"
assert_not_contains "not its canonical form" "2026-11-05T13:33" "$grid"
for size in 120 60; do
	stamp=$(screen stamp$size) json=$(screen json$size) jobs=$(screen jobs$size)
	assert_contains "$size: jobs grid shows created_at as stored" "2026-11-02 08:" "$jobs"
	assert_not_contains "$size: not its canonical form" "T08:00:00" "$jobs"
	assert_contains "$size: inspector on updated_at" "column  updated_at: timestamp" "$stamp"
	assert_contains "$size: stored values first" "as stored" "$stamp"
	assert_contains "$size: dev as stored" "dev (source, sqlite)   2026-11-05 13:33:00" "$stamp"
	assert_contains "$size: prod as stored" "prod (target, sqlite)  2026-11-06 16:45:00" "$stamp"
	assert_contains "$size: then the canonical forms" "canonical forms (what the diff compared)" "$stamp"
	assert_contains "$size: dev canonical" "dev   2026-11-05T13:33:00.000000" "$stamp"
	assert_contains "$size: prod canonical" "prod  2026-11-06T16:45:00.000000" "$stamp"
	assert_contains "$size: and why, on screen" "differ: \"2026-11-05T13:33:00.000000\"" "$stamp"
	assert_contains "$size: JSON inspector" "column  payload: json" "$json"
	assert_contains "$size: target has no row" "no row with this key" "$json"
done
# at 120 columns a JSON document fits on its label's line
json=$(screen json120)
assert_contains "JSON as written" \
	'dev (source, sqlite)   {"sku":"STK-CIRC-50","packs":20,"stock":"recycled 300gsm","finish":"none"}' "$json"
assert_contains "JSON canonical: keys sorted" \
	'dev   {"finish":"none","packs":20,"sku":"STK-CIRC-50","stock":"recycled 300gsm"}' "$json"
# at 60 it wraps under a label with its size
json=$(screen json60)
assert_contains "60: JSON label with its size" "dev (source, sqlite), 74 bytes" "$json"
assert_contains "60: JSON as written, wrapped" '{"sku":"STK-CIRC-50","packs":20' "$json"

finish
