#!/bin/bash
# test_console_preview.sh - the preview (p): the exact SQL apply runs, the
# checks' warnings above it, h/l for long lines, D adding the deletes of rows
# only in the target, s saving the SQL to a file.
. "$(dirname "$0")/console_lib.sh"

make_demo
cd "$T" || exit 1
# a dev row whose job prod does not have: the checks find the missing parent
sq "$DEV" "INSERT INTO jobs (job_number, customer) VALUES ('0000099', 'Nobody Ltd');
	INSERT INTO siteflow_orders (guid, job_number, order_ref) VALUES
	('00000000-0000-4000-8000-000000000099', '0000099', 'SF-0000099-01')"

console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:key p
:dump $T/preview
:key l l
:dump $T/scrolled
:key h h D
:dump $T/deletes
:key s ^U
:type $T/saved.sql
:enter
:dump $T/saved
:key q w
:type job_number = '0000065'
:enter
:wait-idle
:key K Space j Space j Space Enter
:wait-idle
:key p
:dump $T/guid_kept
:key q w ^U
:type job_number = '0000099'
:enter
:wait-idle
:key p
:dump $T/fk
:key A
:dump $T/fk_apply
EOF
assert_eq "exit 0" 0 "$rc"

echo "# the plan and its SQL"
assert_contains "title" "Preview: the SQL apply would run on prod" "$(line preview 2)"
assert_contains "summary" "13 insert(s), 3 update(s), 0 delete(s) into prod siteflow_orders" "$(screen preview)"
assert_contains "info: the deletes left alone" "info: 2 differing rows left alone" "$(screen preview)"
assert_contains "deletes off by default" "deletes off (D turns them on)" "$(screen preview)"
assert_contains "updates" 'UPDATE "siteflow_orders" SET' "$(screen preview)"
assert_contains "inserts" 'INSERT INTO "siteflow_orders" ("guid", "job_number"' "$(screen preview)"
assert_not_contains "no deletes" 'DELETE FROM' "$(screen preview)"
assert_not_contains "scrolled right" 'INSERT INTO' "$(screen scrolled)"
echo "# D adds the deletes"
assert_contains "summary with deletes" "13 insert(s), 3 update(s), 2 delete(s)" "$(screen deletes)"
assert_contains "delete statements" 'DELETE FROM "siteflow_orders" WHERE "guid" = ' "$(screen deletes)"
echo "# s saves the SQL"
assert_contains "saved message" "saved to $T/saved.sql" "$(status saved)"
assert_eq "two deletes saved" 2 "$(grep -c '^DELETE FROM' "$T/saved.sql")"
assert_eq "statements end with ;" "$(grep -v -e '^BEGIN;$' -e '^COMMIT;$' "$T/saved.sql" | grep -c ';$')" "$(grep -cE '^(INSERT|UPDATE|DELETE)' "$T/saved.sql")"
assert_eq "one transaction" "BEGIN; COMMIT;" "$(grep -E '^(BEGIN|COMMIT);$' "$T/saved.sql" | tr '\n' ' ' | sed 's/ $//')"
assert_eq "saved privately" 600 "$(stat -c %a "$T/saved.sql")"
echo "# guid kept, matched by job_number,order_ref: inserted as it is"
assert_contains "guid inserted" 'INSERT INTO "siteflow_orders" ("guid", ' "$(screen guid_kept)"
echo "# a missing foreign key parent is an error, and apply refuses"
assert_contains "fk error" "error:" "$(screen fk)"
assert_contains "fk error names the parent" "jobs" "$(grep 'error:' "$T/fk")"
assert_contains "apply refused" "Cannot apply: the errors above must be fixed first" "$(screen fk_apply)"

echo "# the saved preview is the script copy --dry-run prints for the same selection"
rm -rf "$T/demo"
make_demo
console --config "$CFG" <<EOF
$DEMO_SELECT
:key p s ^U
:type $T/same.sql
:enter
:dump $T/same
EOF
assert_contains "saved" "saved to $T/same.sql" "$(status same)"
"$ROWFERRY" --config "$CFG" copy siteflow_orders --key job_number,order_ref --exclude guid \
	--where "job_number = '0000065'" --dry-run >"$T/dry.sql" 2>"$T/dry.err"
assert_eq "byte for byte copy --dry-run" "$(cat "$T/dry.sql")" "$(cat "$T/same.sql")"
assert_contains "... with its RETURNING, as copy journals the inserts" "RETURNING" "$(cat "$T/same.sql")"

finish
