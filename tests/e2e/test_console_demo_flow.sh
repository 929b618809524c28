#!/bin/bash
# test_console_demo_flow.sh - the whole everyday case through the console,
# as a new user does it: make the demo, open siteflow_orders, filter job
# 0000065 and see its 12 rows only in dev, match rows by job_number and
# order_ref, exclude guid, preview, apply with the typed confirmation, see
# prod hold the 12 rows under GUIDs of its own (and the re-diff show them
# identical), open the journal, roll it back, and see the original diff again.
. "$(dirname "$0")/console_lib.sh"

make_demo
before_guids=$(sq "$PROD" "SELECT count(*) FROM siteflow_orders")

console --config "$CFG" <<EOF
$DEMO_SELECT
:dump $T/selected
:key p
:dump $T/preview
:key A
:dump $T/confirm
:type prod
:enter
:wait-idle
:dump $T/applied
:key q
:dump $T/rediff
:key Q
EOF
assert_eq "console exits 0" 0 "$rc"
prod_after_apply=$(sq "$PROD" "SELECT count(*) FROM siteflow_orders WHERE job_number = '0000065'")
prod_uuids=$(sq "$PROD" "SELECT count(*) FROM siteflow_orders
	WHERE job_number = '0000065' AND guid GLOB '????????-????-4???-????-????????????'")
shared_guids=$(sq "$PROD" "ATTACH '$DEV' AS d;
	SELECT count(*) FROM siteflow_orders p JOIN d.siteflow_orders s USING (guid)
	WHERE p.job_number = '0000065'")

# a second session, as the next day: the journal and its rollback
console --config "$CFG" <<EOF
$DEMO_SELECT
:key u
:dump $T/journals
:enter
:dump $T/details
:key r
:dump $T/rollback_sql
:key Enter
:dump $T/rollback
:type prod
:enter
:wait-idle
:dump $T/rolledback
:key q q q
:wait-idle
:dump $T/again
:key Q
EOF
assert_eq "second console exits 0" 0 "$rc"

echo "# the selection: 12 rows only in dev, guid excluded, new key"
assert_contains "title shows the WHERE" "WHERE job_number = '0000065'" "$(line selected 2)"
assert_contains "title shows the key" "key job_number,order_ref" "$(line selected 2)"
assert_contains "title shows the exclusion" "exclude guid" "$(line selected 2)"
assert_eq "12 + rows" 12 "$(count_lines selected '^ \+ 0000065 ')"
assert_contains "counts in the status bar" "+12 -0 ~0 =0" "$(status selected)"
assert_contains "excluded column marked in the header" "(guid)" "$(line selected 4)"
assert_contains "prod side has no rows" "(no row)" "$(line selected 5)"

echo "# preview: the INSERT leaves guid out"
assert_contains "preview counts" "12 insert(s), 0 update(s), 0 delete(s) into prod" "$(screen preview)"
assert_contains "insert statement" 'INSERT INTO "siteflow_orders" ("job_number", "order_ref"' "$(screen preview)"
assert_not_contains "no guid column inserted" '"guid"' "$(grep INSERT "$T/preview")"

echo "# apply asks for the target's name"
assert_contains "typed confirmation" "Type prod to apply" "$(screen confirm)"
assert_contains "badge before apply" "READ-ONLY" "$(line confirm 1)"
assert_contains "apply result" "Applied to prod in one transaction: 12 inserted" "$(screen applied)"
journal=$(grep -o '/[^ ]*\.jsonl' "$T/applied" | head -n 1)
assert_contains "journal path shown" "$T/demo/undo/" "$journal"
[ -f "$journal" ] && ok "journal file exists" || not_ok "journal file $journal missing"

echo "# prod gained 12 rows with GUIDs of its own"
assert_eq "prod rows of 0000065" 12 "$prod_after_apply"
assert_eq "none of prod's new guids is dev's" 0 "$shared_guids"
assert_eq "prod's new guids are UUIDs" 12 "$prod_uuids"
assert_contains "re-diff: identical" "no differences: 12 identical rows" "$(screen rediff)"
assert_contains "re-diff counts" "+0 -0 ~0 =12" "$(status rediff)"

echo "# the journal and its rollback"
assert_contains "journal listed" "committed" "$(line journals 4)"
assert_contains "journal listed with 12 ops" "12  prod" "$(line journals 4)"
assert_contains "details: seal" "intact (sha256 matches)" "$(screen details)"
assert_eq "details: 12 inserts" 12 "$(count_lines details '^insert  guid=')"
assert_contains "rollback preview" "delete 12 inserted row(s)" "$(screen rollback)"
assert_contains "rollback SQL" 'DELETE FROM "siteflow_orders"' "$(screen rollback)"
assert_contains "rollback asks for the name" "Type prod to roll back" "$(screen rollback)"
assert_contains "rolled back" "Rolled back on prod in one transaction: 12 row(s) restored" "$(screen rolledback)"
assert_eq "prod rows after rollback" "$before_guids" "$(sq "$PROD" "SELECT count(*) FROM siteflow_orders")"
assert_eq "no 0000065 rows in prod" 0 "$(sq "$PROD" "SELECT count(*) FROM siteflow_orders WHERE job_number = '0000065'")"
assert_contains "journal marked undone" '"state":"undone"' "$(tail -n 1 "$journal")"
assert_eq "the original diff again" 12 "$(count_lines again '^ \+ 0000065 ')"
assert_contains "original counts again" "+12 -0 ~0 =0" "$(status again)"

finish
