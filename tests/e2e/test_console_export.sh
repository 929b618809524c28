#!/bin/bash
# test_console_export.sh - E on the diff exports the differing rows through
# the core's writers: a .csv name gives what `diff --format csv` prints, any
# other name what `diff --format json` prints (JSON Lines, summary last), for
# the same selection; marked rows alone when some are marked; mode 0600.
. "$(dirname "$0")/console_lib.sh"

make_demo
console --config "$CFG" <<EOF
$DEMO_SELECT
:key E
:dump $T/prompt
:type $T/rows.csv
:enter
:dump $T/csv_done
:key E
:type $T/rows.jsonl
:enter
:key Space Space E
:type $T/marked.jsonl
:enter
:key E
:enter
:dump $T/no_name
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "the prompt says what it takes" "export to (.csv or .jsonl):" "$(screen prompt)"
assert_contains "says what it wrote" "exported 12 row(s) to $T/rows.csv (csv)" "$(status csv_done)"
SEL=(siteflow_orders --key job_number,order_ref --exclude guid --where "job_number = '0000065'")
"$ROWFERRY" --config "$CFG" diff "${SEL[@]}" --format csv >"$T/cli.csv" || true
"$ROWFERRY" --config "$CFG" diff "${SEL[@]}" --format json >"$T/cli.jsonl" || true
assert_eq "the CSV is diff --format csv's" "$(cat "$T/cli.csv")" "$(cat "$T/rows.csv")"
assert_eq "... a header and a line per row" 13 "$(wc -l <"$T/rows.csv")"
assert_contains "... header" "diff,side,job_number,order_ref,sku" "$(head -n 1 "$T/rows.csv")"
assert_eq "the JSON Lines are diff --format json's" "$(cat "$T/cli.jsonl")" "$(cat "$T/rows.jsonl")"
assert_eq "marked rows alone (2) and the summary" 3 "$(wc -l <"$T/marked.jsonl")"
assert_eq "private" 600 "$(stat -c %a "$T/rows.csv")"
assert_contains "an empty name exports nothing, and says so" "not exported: no file name given" "$(status no_name)"
finish
