#!/bin/bash
# test_console_key.sh - the key picker (K): the primary key preselected,
# Space picking columns in order, Enter re-running the diff matched by them,
# and a picked key that is not unique reported as the diff's error.
. "$(dirname "$0")/console_lib.sh"

make_demo

console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:key K
:dump $T/picker
:key Space j Space j Space
:dump $T/picked
:enter
:wait-idle
:dump $T/rekeyed
:key w
:type no_such_column = 1
:enter
:wait-idle
:dump $T/failed
:key Esc
:wait-idle
:key K j Space j Space j Space Enter
:wait-idle
:dump $T/notunique
EOF
assert_eq "exit 0" 0 "$rc"

assert_contains "picker title" "Key columns: rows are matched by these" "$(screen picker)"
assert_contains "guid preselected" "[1] guid" "$(screen picker)"
assert_contains "markers" "PK" "$(grep '\[1\] guid' "$T/picker")"
assert_contains "job_number is unique only with order_ref" "UQ1 with order_ref" "$(grep '\] job_number ' "$T/picker")"
assert_not_contains "... not 'unique' alone" "unique" "$(grep '\] job_number ' "$T/picker")"
assert_contains "order of picking" "[1] job_number" "$(screen picked)"
assert_contains "order of picking" "[2] order_ref" "$(screen picked)"
assert_contains "status shows the key" "key: job_number,order_ref" "$(status picked)"
assert_contains "diff by the new key" "key job_number,order_ref" "$(line rekeyed 2)"
assert_contains "a diff that could not start names the key once" "  key job_number,order_ref" "$(line failed 2)"
assert_contains "key columns first" "   job_number   order_ref" "$(line rekeyed 4)"
assert_contains "same counts by business key" "+12 -2 ~3 =23" "$(status rekeyed)"
assert_contains "a key that is not unique" "the key is not unique" "$(screen notunique)"
assert_contains "the error names the key" "sku=BAN-PVC-1X3" "$(screen notunique)"
assert_contains "in the console's words, wrapped between words" "pick unique key" "$(screen notunique)"
assert_contains "... on to the next line" "  columns with K" "$(screen notunique)"

finish
