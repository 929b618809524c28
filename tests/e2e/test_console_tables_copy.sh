#!/bin/bash
# test_console_tables_copy.sh - the tables screen copies a set of whole
# tables (DESIGN §13 in the console, issue 14 item 7): Space marks a table
# and `*` marks or unmarks them all, a marked table shows `*` right of its
# glyph; a table missing in the target shows `create` and, marked, the
# status counts it "to create" and p/A take it (created: see
# test_console_tables_create.sh); a table only in the target cannot be
# marked. With marks, p previews the
# marked tables as one set - the saved script is `copy --all --tables
# MARKED --dry-run`'s byte for byte - and A applies it in one transaction,
# verified before COMMIT as copy --all is (a target trigger that changes a
# copied row makes the verification fail and roll everything back), the
# SQLite source's SHA-256 in the journal and a corrupted source refused
# before any write (PRAGMA integrity_check). On the demo's SQLite files, no
# servers, at 120x30 and 60x15.
. "$(dirname "$0")/console_lib.sh"

make_demo
sq "$DEV" "CREATE TABLE audit_notes (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO audit_notes VALUES (1, 'x')"
# differences in more tables than the demo's siteflow_orders
sq "$PROD" "CREATE TABLE prod_only (id INTEGER PRIMARY KEY);
UPDATE jobs SET customer = 'Changed in prod' WHERE job_number = '0000061';
DELETE FROM order_lines WHERE id = 42;
UPDATE sales_orders SET customer_ref = 'changed' WHERE id = 1;"
cp "$PROD" "$T/prod_start.db"
MARKED=jobs,order_lines,siteflow_orders
rf copy --all --tables "$MARKED" --config "$CFG" --dry-run
assert_eq "the CLI's dry run of the marked tables" 0 "$rc"
cp "$T/out" "$T/cli.sql"
dev_sha=$(sha256sum "$DEV" | cut -d' ' -f1)

echo "# marks, the missing table, p and A"
console --config "$CFG" <<EOF
:dump $T/start
:key Space
:dump $T/missing
:key p
:dump $T/create_p
:key q A
:dump $T/create_a
:key Esc
:dump $T/create_back
:key g j j j Space
:dump $T/prod_only
:key *
:dump $T/all
:key *
:dump $T/none
:key p
:dump $T/no_marks
:key g j Space Space G Space
:dump $T/marked
:key p
:dump $T/preview
:key s ^U
:type $T/set.sql
:enter
:dump $T/saved
:key A
:dump $T/apply
:type prod
:enter
:wait-idle
:dump $T/applied
:key q
:wait-idle
:dump $T/back
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "the list's order" "+ audit_notes" "$(line start 4)"
assert_contains "a table missing in the target shows create" "+ audit_notes                        1               -  create: only in dev, missing in prod" "$(screen start)"
assert_contains "the screen's keys" "Enter open  Space mark  p preview  A apply" "$(status start)"
assert_contains "Space marks: * right of the glyph" "+*audit_notes" "$(screen missing)"
assert_contains "a missing table marked: the status counts it to create" "1 to create" "$(status missing)"
assert_contains "... and the message says p and A create it" "audit_notes is not in prod: p and A create it there" "$(status missing)"
assert_contains "p: the preview creates it" 'CREATE TABLE "audit_notes"' "$(screen create_p)"
assert_contains "A: the apply screen says it is created" "create    audit_notes (CREATE TABLE in the same transaction)" "$(screen create_a)"
assert_contains "Esc: back to the tables" "Tables: dev (source) -> prod (target)" "$(line create_back 2)"
assert_contains "a table only in the target cannot be marked" "prod_only is only in prod: nothing to copy" "$(status prod_only)"
assert_contains "... and shows no mark" "- prod_only" "$(screen prod_only)"
assert_eq "* marks every table of the source" 6 "$(count_lines all '^.\*')"
assert_contains "... not the one only in the target" "- prod_only" "$(screen all)"
assert_eq "* with all marked unmarks them all" 0 "$(count_lines none '^.\*')"
assert_contains "p with no mark says how to mark" "no table marked: Space marks one, * marks all" "$(status no_marks)"
assert_eq "three tables marked" 3 "$(count_lines marked '^.\*')"
assert_contains "jobs marked" " *jobs " "$(screen marked)"
assert_contains "order_lines marked" "~*order_lines " "$(screen marked)"
assert_contains "siteflow_orders marked" "~*siteflow_orders " "$(screen marked)"
assert_contains "the count of marks" "3 marked" "$(status marked)"
assert_contains "p: the marked tables' set" "set of the marked tables, 3 table(s): 13 insert(s), 4 update(s), 0 delete(s) into prod" "$(screen preview)"
assert_contains "p: the script's apply order" "-- apply order (parents first): jobs, order_lines, siteflow_orders" "$(screen preview)"
assert_contains "s saves it" "saved to $T/set.sql" "$(status saved)"
assert_eq "the saved script is copy --all --tables $MARKED --dry-run's, byte for byte" \
	"$(cat "$T/cli.sql")" "$(cat "$T/set.sql")"
if cmp -s "$T/cli.sql" "$T/set.sql"; then ok "cmp: the same bytes"; else not_ok "cmp: the files differ"; fi
assert_contains "A: the tables" "tables    jobs, order_lines, siteflow_orders" "$(screen apply)"
assert_contains "A: the typed confirmation" "Type prod to apply" "$(screen apply)"
assert_contains "applied in one transaction" "Applied to prod in one transaction: 13 inserted, 4 updated, 0 deleted" "$(screen applied)"
assert_contains "verified before COMMIT" "Verified before COMMIT as copy --all does" "$(screen applied)"
assert_contains "a journal" "Journal: $T/demo/" "$(screen applied)"
journal=$(sed -n 's/^Journal: \([^ ]*\).*/\1/p' "$T/applied")
assert_eq "the journal's header has the SQLite source's SHA-256, as copy --all's" "$dev_sha" \
	"$(head -n 1 "$journal" | jq -r .source_sha256)"
assert_contains "q: back to the tables, counted again (2 rows only in prod kept)" "~*siteflow_orders                   38              40" "$(screen back)"
assert_contains "... the marks kept" " *jobs " "$(screen back)"
for t in jobs order_lines; do
	rf diff "$t" --config "$CFG" --format json
	assert_eq "$t: no difference left after the copy (diff rc 0)" 0 "$rc"
done
rf diff siteflow_orders --config "$CFG" --format json
assert_eq "siteflow_orders: only the rows only in prod left (no delete asked, as copy --all)" \
	"0 2 0" "$(jq -r 'select(.summary) | "\(.summary.only_source) \(.summary.only_target) \(.summary.changed)"' "$T/out")"
rf diff sales_orders --config "$CFG" --format json
assert_eq "sales_orders, not marked, still differs (diff rc 1)" 1 "$rc"
assert_eq "audit_notes still not in prod" "" \
	"$(sq "$PROD" "SELECT name FROM sqlite_master WHERE name = 'audit_notes'")"

echo "# a row the target changes on update: the verification fails, all rolled back"
cp "$T/prod_start.db" "$PROD"
sq "$PROD" "CREATE TRIGGER bump AFTER UPDATE ON jobs BEGIN
  UPDATE jobs SET status = 'bumped' WHERE job_number = NEW.job_number; END;"
cp "$PROD" "$T/prod_trigger.db"
console --config "$CFG" <<EOF
:key g j Space Space G Space
:key A
:type prod
:enter
:wait-idle
:dump $T/mismatch
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "rolled back" "Failed, rolled back, nothing written" "$(screen mismatch)"
assert_contains "... naming the table and the check" "jobs: verification failed" "$(screen mismatch)"
assert_eq "prod as it was: jobs not updated" "Changed in prod" \
	"$(sq "$PROD" "SELECT customer FROM jobs WHERE job_number = '0000061'")"
assert_eq "prod as it was: the same file content" \
	"$(sq "$T/prod_trigger.db" "SELECT count(*), sum(qty) FROM siteflow_orders")" \
	"$(sq "$PROD" "SELECT count(*), sum(qty) FROM siteflow_orders")"

echo "# a corrupted SQLite source (an unmarked table's page): A refused, nothing written"
cp "$T/prod_start.db" "$PROD"
cp "$DEV" "$T/bad.db"
rp=$(sq "$T/bad.db" "SELECT rootpage FROM sqlite_master WHERE name = 'siteflow_batches'")
ps=$(sq "$T/bad.db" 'PRAGMA page_size')
printf '\x0d\xff\xff\xff\xff' | dd of="$T/bad.db" bs=1 seek=$((ps * (rp - 1))) conv=notrunc 2>/dev/null
sed "s|$DEV|$T/bad.db|; s|undo_dir = .*|undo_dir = $T/undo-bad|" "$CFG" >"$T/bad.ini"
assert_contains "the bad config reads the bad copy" "$T/bad.db" "$(cat "$T/bad.ini")"
console --config "$T/bad.ini" <<EOF
:key g j Space Space G Space
:key A
:type prod
:enter
:wait-idle
:dump $T/corrupt
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "refused: PRAGMA integrity_check" "Refused, nothing written: dev: failed PRAGMA integrity_check" "$(screen corrupt)"
assert_eq "corrupted source: nothing written" "Changed in prod" \
	"$(sq "$PROD" "SELECT customer FROM jobs WHERE job_number = '0000061'")"
assert_eq "corrupted source: no journal" 0 "$(find "$T/undo-bad" -type f 2>/dev/null | wc -l)"

echo "# 60x15: * marks all, the missing one named, unmarked, p and A"
cp "$T/prod_start.db" "$PROD"
LINES=15 COLUMNS=60 console --config "$CFG" <<EOF
:key *
:dump $T/small_all
:key g Space
:dump $T/small_unmarked
:key p
:dump $T/small_preview
:key q A
:dump $T/small_apply
:key Esc
:dump $T/small_back
EOF
assert_eq "exit 0 at 60x15" 0 "$rc"
assert_eq "60x15: six marks" 6 "$(count_lines small_all '^.\*')"
assert_contains "60x15: the table to create in the status" "1 to create" "$(status small_all)"
assert_not_contains "60x15: unmarked, none to create" "to create" "$(status small_unmarked)"
assert_contains "60x15: the count of marks" "5 marked" "$(status small_unmarked)"
assert_contains "60x15: the preview" "set of the marked tables, 5 table(s)" "$(screen small_preview)"
assert_contains "60x15: the confirmation visible" "Type prod to apply" "$(screen small_apply)"
assert_contains "60x15: Esc back to the tables" "Tables: dev" "$(line small_back 2)"
assert_eq "60x15, Esc: nothing written" "Changed in prod" \
	"$(sq "$PROD" "SELECT customer FROM jobs WHERE job_number = '0000061'")"

finish
