#!/bin/bash
# test_console_journals.sh - the journals screen (u): the list in undo_dir,
# a journal's details, the guided rollback refused while rows drifted (with
# the rows listed) and done once they are back, and a journal that was
# edited afterwards refused for its broken seal.
. "$(dirname "$0")/console_lib.sh"

make_demo

console --config "$CFG" <<EOF
:key u
:dump $T/empty
:key q
$DEMO_SELECT
:key A
:type prod
:enter
:wait-idle
:key q
EOF
assert_eq "apply run exits 0" 0 "$rc"
assert_contains "no journals at first" "no journals in $T/demo/undo yet" "$(screen empty)"
journal=$(ls "$T"/demo/undo/*.jsonl)

echo "# someone edits one of the copied rows in prod"
sq "$PROD" "UPDATE siteflow_orders SET qty = 999 WHERE order_ref = 'SF-0000065-03'"
console --config "$CFG" <<EOF
:key u
:dump $T/list
:enter
:dump $T/details
:key r
:dump $T/drift
:key q q q
EOF
assert_contains "listed" "committed" "$(line list 4)"
assert_contains "file name" "$(basename "$journal" | cut -c1-30)" "$(line list 4)"
assert_contains "details: source" "source    dev (sqlite:$T/demo/dev.db)" "$(screen details)"
assert_contains "details: table" "table     siteflow_orders" "$(screen details)"
assert_contains "details: ops" "ops       12" "$(screen details)"
assert_contains "drift listed" "1 row(s) changed since the copy" "$(screen drift)"
assert_contains "drifted column" "qty" "$(screen drift)"
assert_contains "refused" "Rollback refused: rows drifted" "$(screen drift)"
assert_not_contains "no confirmation offered" "Type prod to roll back" "$(screen drift)"
assert_eq "prod untouched" 12 "$(sq "$PROD" "SELECT count(*) FROM siteflow_orders WHERE job_number = '0000065'")"

echo "# the row is put back: the rollback goes through"
sq "$PROD" "UPDATE siteflow_orders SET qty = 1 WHERE order_ref = 'SF-0000065-03'"
console --config "$CFG" <<EOF
:key u r
:dump $T/ready
:key Enter
:type prod
:enter
:dump $T/applied_ok
:key q
:dump $T/list_after
:key r
:dump $T/twice
EOF
assert_contains "ready" "Every row is as the copy left it" "$(screen ready)"
assert_contains "the SQL first, the question on r or Enter" "r or Enter rolls back (asks first)" "$(screen ready)"
assert_not_contains "... not yet asked" "Type prod to roll back" "$(screen ready)"
assert_contains "done" "12 row(s) restored" "$(screen applied_ok)"
assert_contains "list shows undone" "undone" "$(line list_after 4)"
assert_contains "cannot undo twice" "Rollback refused" "$(screen twice)"
assert_eq "prod back as before" 0 "$(sq "$PROD" "SELECT count(*) FROM siteflow_orders WHERE job_number = '0000065'")"

echo "# an edited journal is refused"
rm -rf "$T/demo"
make_demo
console --config "$CFG" <<EOF
$DEMO_SELECT
:key A
:type prod
:enter
:wait-idle
EOF
journal=$(ls "$T"/demo/undo/*.jsonl)
sed -i '2s/"SF-0000065-01"/"SF-0000065-99"/' "$journal"
console --config "$CFG" <<EOF
:key u
:dump $T/edited_list
:key r
:dump $T/edited
EOF
assert_contains "list flags it" "EDITED" "$(line edited_list 4)"
assert_contains "refused" "Rollback refused" "$(screen edited)"

echo "# a long rollback scrolls before it is confirmed"
rm -rf "$T/demo"
make_demo
sq "$DEV" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
	INSERT INTO siteflow_orders (guid, job_number, order_ref, sku, qty, status, price)
	SELECT printf('00000000-0000-4000-8000-%012d', 900000 + i), '0000065',
	       printf('SF-0000065-L%03d', i), 'X', 1, 'new', 1 FROM n"
console --config "$CFG" <<EOF
$DEMO_SELECT
:key A
:type prod
:enter
:wait-idle
:key q u r
:dump $T/long_top
:key G
:dump $T/long_end
:key r
:dump $T/long_ask
:key Esc
:dump $T/long_back
:key g
:dump $T/long_again
EOF
assert_contains "the top of the rollback" "Every row is as the copy left it" "$(screen long_top)"
assert_not_contains "G scrolled away from the top" "Every row is as the copy left it" "$(screen long_end)"
assert_contains "... to the end of the last statement" "');" "$(screen long_end)"
assert_contains "r asks" "Type prod to roll back" "$(screen long_ask)"
assert_not_contains "Esc goes back to the SQL, not away" "Journals in" "$(line long_back 2)"
assert_contains "... which still scrolls" "Every row is as the copy left it" "$(screen long_again)"
assert_eq "nothing rolled back" 312 "$(sq "$PROD" "SELECT count(*) FROM siteflow_orders WHERE job_number = '0000065'")"

echo "# a copy --all --create journal whose tables were loaded as read (load ops, no row images)"
rm -f "$T"/demo/undo/*.jsonl
cp "$(dirname "$0")/../fuzz/corpus/journal/load_v2.jsonl" "$T/demo/undo/20261207T160000Z-load.jsonl"
console --config "$CFG" <<EOF
:key u
:dump $T/load_list
:enter
:dump $T/load_details
:key q q q
EOF
assert_contains "loaded rows counted in OPS (50000 + 1 row op)" "50001" "$(line load_list 4)"
assert_contains "details: each table's rows, the loaded ones too" "users (50000 rows)" "$(screen load_details)"
assert_contains "details: the load listed" "load    users: 50000 rows as read" "$(screen load_details)"

finish
