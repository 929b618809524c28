#!/bin/bash
# test_console_columns.sh - the columns screen (c): compare/copy per column
# with type and PK/FK/UQ/NN/default markers, the GUID primary key suggested
# for exclusion, x excluding (neither compared nor copied), i ignoring
# (copied, not compared), changes applied on leaving and dropped with Esc.
. "$(dirname "$0")/console_lib.sh"

make_demo

console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:key c
:dump $T/columns
:key x
:dump $T/pending
:key Esc
:wait-idle
:dump $T/dropped
:key K Space j Space j Space Enter
:wait-idle
:key c x j j j j j i G i q
:wait-idle
:dump $T/applied
:key c
:dump $T/columns2
EOF
assert_eq "exit 0" 0 "$rc"

echo "# the columns with their markers"
guid=$(grep ' guid ' "$T/columns")
assert_contains "guid compared and copied" "[x]     [x]   guid" "$guid"
assert_contains "guid type" "TEXT (text)" "$guid"
assert_contains "guid markers" "PK NN default" "$guid"
assert_contains "guid suggestion" "suggest: exclude it" "$guid"
assert_contains "foreign key" "FK>jobs" "$(grep ' job_number ' "$T/columns")"
echo "# a unique key of two columns: neither column is unique alone"
jn=$(grep ' job_number ' "$T/columns")
uq=$(grep -oE 'UQ[0-9]+' <<<"$jn" | head -n 1)
assert_eq "job_number is marked as part of a numbered key" "UQ" "${uq%%[0-9]*}"
assert_contains "... order_ref carries the same number" "$uq" "$(grep ' order_ref ' "$T/columns")"
assert_not_contains "... not as unique alone" "UQ " "$jn"
assert_contains "the status line says what the number means" "$uq = job_number+order_ref" "$(status columns)"
assert_contains "decimal type" "DECIMAL(12,2) (decimal)" "$(grep ' price ' "$T/columns")"
echo "# x excludes; Esc drops it"
assert_contains "pending exclusion" "[ ]     [ ]   guid" "$(screen pending)"
assert_contains "not applied yet" "1 excluded, 0 ignored (not applied)" "$(status pending)"
assert_not_contains "dropped" "exclude guid" "$(line dropped 2)"
echo "# applied on leaving"
assert_contains "exclude in the title" "exclude guid" "$(line applied 2)"
assert_contains "ignore in the title" "ignore status,updated_at" "$(line applied 2)"
assert_contains "excluded header" "(guid)" "$(line applied 4)"
assert_contains "ignored: one change fewer" "+12 -2 ~2 =24" "$(status applied)"
assert_contains "ignored: copied, not compared" "[ ]     [x]   status" "$(screen columns2)"
assert_not_contains "no suggestion once excluded" "suggest:" "$(grep ' guid ' "$T/columns2")"

finish
