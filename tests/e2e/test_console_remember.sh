#!/bin/bash
# test_console_remember.sh - the work on a table is remembered: leaving it
# and opening it again restores its WHERE, key and exclusions for as long as
# the console runs; W writes them to the table's [compare TABLE] in the
# config (atomically, every other line of the file kept, its mode too), so
# `rowferry diff` and the next start of the console use them.
. "$(dirname "$0")/console_lib.sh"

make_demo
chmod 640 "$CFG"
cp "$CFG" "$T/config.before"

console --config "$CFG" <<EOF
$DEMO_SELECT
:dump $T/selected
:key q g Enter
:wait-idle
:dump $T/other
:key q G Enter
:wait-idle
:dump $T/back
:key W
:dump $T/written
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "another table opened meanwhile" "jobs" "$(line other 2)"
assert_not_contains "... with a selection of its own" "job_number = '0000065'" "$(line other 2)"
assert_eq "reopened: the same title (WHERE, key, exclusion)" "$(line selected 2)" "$(line back 2)"
assert_contains "... and the same counts" "+12 -0 ~0 =0" "$(status back)"
assert_contains "W says where it wrote" "wrote [compare siteflow_orders] to $CFG" "$(status written)"

echo "# the config file: the section added, every other line as it was"
assert_eq "the old lines kept, in order" "$(cat "$T/config.before")" "$(head -n "$(wc -l <"$T/config.before")" "$CFG")"
section=$(sed -n '/^\[compare siteflow_orders\]/,$p' "$CFG")
assert_contains "where" "where = job_number = '0000065'" "$section"
assert_contains "key" "key = job_number,order_ref" "$section"
assert_contains "exclude" "exclude = guid" "$section"
assert_eq "mode kept" 640 "$(stat -c %a "$CFG")"
assert_eq "no temporary file left" "" "$(ls "$T/demo" | grep tmp || true)"

echo "# the CLI uses it"
rf --config "$CFG" diff siteflow_orders --summary
assert_contains "diff with the saved selection" "12 only in source, 0 only in target, 0 changed, 0 identical" "$(cat "$T/out")"

echo "# and so does the next start of the console"
console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:dump $T/restart
EOF
assert_eq "the saved selection at the next start" "$(line selected 2)" "$(line restart 2)"
echo "# a bad [compare TABLE] value is said in the status bar, as a value not a stderr line"
cat >>"$CFG" <<EOF

[compare jobs]
tolerance = customer=nan
EOF
console --config "$CFG" <<EOF
:key g Enter
:dump $T/bad_compare
EOF
assert_contains "the error in the status bar" "tolerance" "$(status bad_compare)"
assert_not_contains "not left for stderr at exit" "tolerance" "$(cat "$T/err")"

finish
