#!/bin/bash
# test_console_related.sh - the related-tables screen (DESIGN §11, `f`): on
# SQLite sites <- jobs <- sales_orders <- order_lines (with a self-reference),
# `f` on a diff of one job lists the set in apply order with each table's
# role and constraint, and + - ~ = counts equal to `rowferry diff --follow
# both --format json` for the same selection (WHERE and an excluded column set
# in the console); Space toggles a checkbox (the root stays in); Enter opens a
# child's diff with only the job's rows and q comes back; p previews the
# checked set (the script copy --follow both --dry-run prints) and A copies
# it in one transaction and one v2 journal, an unchecked table left out, a
# missing parent refused; at 120x30 and 60x15, and once on
# PostgreSQL. A long count shows progress, Esc stops it, R counts again, q
# leaves while counting.
. "$(dirname "$0")/console_lib.sh"

schema='CREATE TABLE sites (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL);
CREATE TABLE jobs (id INTEGER PRIMARY KEY, job_number VARCHAR(20) NOT NULL UNIQUE,
  customer VARCHAR(40) NOT NULL, site_id INTEGER REFERENCES sites (id));
CREATE TABLE sales_orders (id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL,
  order_ref VARCHAR(20) NOT NULL UNIQUE, total DECIMAL(12,2) NOT NULL,
  FOREIGN KEY (job_id) REFERENCES jobs (id));
CREATE TABLE order_lines (id INTEGER PRIMARY KEY, sales_order_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL, sku VARCHAR(20) NOT NULL, qty INTEGER NOT NULL,
  parent_line_id INTEGER, UNIQUE (sales_order_id, line_no),
  FOREIGN KEY (sales_order_id) REFERENCES sales_orders (id),
  FOREIGN KEY (parent_line_id) REFERENCES order_lines (id));'
sq "$T/dev.db" "$schema
INSERT INTO sites VALUES (1, 'North'), (2, 'South');
INSERT INTO jobs VALUES (1, '0000076', 'Acme', 1), (2, '0000077', 'Globex', 2), (3, '0000078', 'Initech', 1);
INSERT INTO sales_orders VALUES (10, 2, 'SO-77-1', 10.00), (11, 2, 'SO-77-2', 20.00),
  (12, 1, 'SO-76-1', 5.00), (13, 3, 'SO-78-1', 1.00);
INSERT INTO order_lines VALUES (100, 10, 1, 'A', 1, NULL), (101, 10, 2, 'B', 2, 100),
  (102, 11, 1, 'C', 3, NULL), (103, 12, 1, 'D', 1, NULL);"
sq "$T/prod.db" "$schema
INSERT INTO sites VALUES (1, 'North'), (2, 'South side');
INSERT INTO jobs VALUES (1, '0000076', 'Acme', 1), (2, '0000077', 'Globex Ltd', 2), (3, '0000078', 'Initech', 1);
INSERT INTO sales_orders VALUES (10, 2, 'SO-77-1', 10.00), (12, 1, 'SO-76-1', 6.00),
  (13, 3, 'SO-78-1', 1.00), (14, 2, 'SO-77-9', 99.00);
INSERT INTO order_lines VALUES (100, 10, 1, 'A', 1, NULL), (101, 10, 2, 'B', 5, 100),
  (103, 12, 1, 'D', 9, NULL), (104, 14, 1, 'Z', 1, NULL);"
cat >"$T/config.ini" <<EOF
[connection dev]
url = sqlite:$T/dev.db
[connection prod]
url = sqlite:$T/prod.db
[defaults]
source = dev
target = prod
[safety]
undo_dir = $T/undo
EOF

# expect_counts DUMP ARGS...: the CLI's diff of the set with ARGS, and every
# table's line of the dump showing its counts, in the CLI's (apply) order
expect_counts() {
	local dump=$1 table counts prev=0 at
	shift
	rf diff jobs --follow both --format json "$@"
	assert_eq "the CLI's diff of the set runs (rc 1: differences)" 1 "$rc"
	while read -r table counts; do
		at=$(grep -nE "^\[[x ]\] +$table +" "$T/$dump" | cut -d: -f1 || true)
		assert_contains "$dump: $table counted as the CLI does ($counts)" "$counts" \
			"$(grep -E "^\[[x ]\] +$table +" "$T/$dump" || echo "no line for $table")"
		if [ -n "$at" ] && [ "$at" -gt "$prev" ]; then
			ok "$dump: $table in apply order"
		else
			not_ok "$dump: $table not after the tables before it (line ${at:-none})"
		fi
		prev=${at:-0}
	done < <(jq -r 'select(.summary) | "\(.table|sub(".*\\.";"")) +\(.summary.only_source) -\(.summary.only_target) ~\(.summary.changed) =\(.summary.identical)"' "$T/out")
	assert_eq "$dump: four tables in the CLI's set" 4 "$(jq -c 'select(.summary)' "$T/out" | wc -l)"
}

echo "# f on the diff of job 0000077 (its WHERE typed in the console)"
console --config "$T/config.ini" <<EOF
:key g Enter
:wait-idle
:key w
:type job_number = '0000077'
:enter
:wait-idle
:key f
:wait-idle
:dump $T/set
:key j Space
:dump $T/unchecked
:key k k Space
:dump $T/root_space
:key j j j Enter
:wait-idle
:dump $T/child
:key W
:dump $T/child_write
:key q
:dump $T/back
:key p
:dump $T/preview
:key A
:dump $T/apply
:key q
:dump $T/apply_back
:key q
:dump $T/preview_back
:key q
:dump $T/root_diff
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "title: the root and its WHERE" "Related tables of jobs WHERE job_number = '0000077'" "$(line set 2)"
assert_contains "root line" "[x] jobs " "$(screen set)"
assert_contains "a parent, with its constraint" "parent  +0 -0 ~1 =0             jobs_site_id_fkey: jobs(site_id) -> sites(id)" "$(grep -E '^\[x\] +sites' "$T/set")"
assert_contains "a child, indented, with its constraint" "[x]   sales_orders   child   +1 -1 ~0 =1             sales_orders_job_id_fkey: sales_orders(job_id) -> jobs(id)" "$(screen set)"
assert_contains "a grandchild, indented further" "[x]     order_lines  child   +1 -1 ~1 =1" "$(screen set)"
assert_contains "the self-reference broken, named" "cycle broken at order_lines_parent_line_id_fkey (order_lines -> order_lines)" "$(screen set)"
assert_contains "status bar hints" "Space include  Enter open  p preview  A apply  ? help  q back  Q quit" "$(status set)"
assert_contains "status bar totals" "4 of 4 in  +2 -2 ~3" "$(status set)"
expect_counts set --config "$T/config.ini" --where "job_number = '0000077'"

echo "# checkboxes"
assert_contains "Space unchecks sales_orders" "[ ]   sales_orders" "$(screen unchecked)"
assert_contains "the totals follow the checked tables" "3 of 4 in  +1 -1 ~3" "$(status unchecked)"
assert_contains "Space on the root says it stays in" "jobs is the root: always in the set" "$(status root_space)"
assert_contains "the root still checked" "[x] jobs " "$(screen root_space)"

echo "# Enter: the child's diff, only the job's rows"
assert_contains "child title" "order_lines  rows of the set of jobs WHERE job_number = '0000077'" "$(line child 2)"
assert_contains "changed line of SO-77-1" " ~ 101 " "$(screen child)"
assert_contains "line of SO-77-2 only in dev" " + 102 " "$(screen child)"
assert_contains "line of SO-77-9 only in prod" "│104 " "$(screen child)"
assert_not_contains "no line of job 0000076" " 103 " "$(screen child)"
assert_contains "child counts" "+1 -1 ~1 =1" "$(status child)"
assert_contains "W does not write the set's semi-join as the table's WHERE" "W: this WHERE is the set's, not order_lines's own" "$(status child_write)"
assert_not_contains "the config untouched" "compare order_lines" "$(cat "$T/config.ini")"
assert_contains "q comes back to the set" "Related tables of jobs WHERE job_number = '0000077'" "$(line back 2)"
assert_contains "the checkbox kept" "[ ]   sales_orders" "$(screen back)"
echo "# p, A with sales_orders unchecked: order_lines would need SO-77-2, left out"
assert_contains "p: the set's preview" "Preview: the SQL apply would run on prod" "$(line preview 2)"
assert_contains "p: three tables, sales_orders left out" "set of jobs, 3 table(s): 1 insert(s), 3 update(s), 0 delete(s) into prod" "$(screen preview)"
assert_contains "p: the missing parent is an error" "error: order_lines: " "$(screen preview)"
assert_contains "p: it names sales_orders" "sales_orders" "$(grep 'error: order_lines' "$T/preview")"
assert_not_contains "p: no statement for sales_orders" "INSERT INTO \"sales_orders\"" "$(screen preview)"
assert_contains "p: apply refused, said on the status bar" "error(s): apply refused" "$(status preview)"
assert_contains "A: the refusal, as a single table's apply shows it" "Cannot apply: the errors above must be fixed first" "$(screen apply)"
assert_contains "A: the set named" "Apply: copy the set of jobs from dev to prod" "$(line apply 2)"
assert_contains "q: back on the preview" "Preview: the SQL apply would run on prod" "$(line apply_back 2)"
assert_contains "q: back on the set" "Related tables of jobs" "$(line preview_back 2)"
assert_eq "nothing written" "Globex Ltd" "$(sq "$T/prod.db" "SELECT customer FROM jobs WHERE id = 2")"
assert_contains "q again: the root's diff as it was" "jobs  WHERE job_number = '0000077'" "$(line root_diff 2)"
assert_contains "with its counts" "+0 -0 ~1 =0" "$(status root_diff)"

echo "# p: the set's script is copy --follow both --dry-run's; A copies the checked tables"
cp "$T/prod.db" "$T/prod2.db"
sed "s|prod.db|prod2.db|; s|$T/undo|$T/undo2|" "$T/config.ini" >"$T/config2.ini"
"$ROWFERRY" --config "$T/config2.ini" copy jobs --follow both --where "job_number = '0000077'" \
	--dry-run >"$T/set_dry.sql" 2>"$T/set_dry.err"
console --config "$T/config2.ini" <<EOF
:key g Enter
:wait-idle
:key w
:type job_number = '0000077'
:enter
:wait-idle
:key f
:wait-idle
:key p
:dump $T/set_preview
:key s ^U
:type $T/set.sql
:enter
:dump $T/set_saved
:key q G Space
:dump $T/leaf_out
:key A
:dump $T/set_apply
:type prod
:enter
:wait-idle
:dump $T/set_applied
:key q
:wait-idle
:dump $T/set_recounted
EOF
assert_eq "exit 0" 0 "$rc"
cp "$T/prod2.db" "$T/prod2_after1.db"
console --config "$T/config2.ini" <<EOF
:key g Enter
:wait-idle
:key w
:type job_number = '0000077'
:enter
:wait-idle
:key f
:wait-idle
:key p D
:dump $T/set_deletes
:key A
:type prod
:enter
:wait-idle
:dump $T/set_applied2
:key q
:wait-idle
:dump $T/set_equal
:key q
:wait-idle
:dump $T/set_root_diff
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "p: four tables" "set of jobs, 4 table(s): 2 insert(s), 3 update(s), 0 delete(s) into prod; deletes off" "$(screen set_preview)"
assert_contains "p: the script's apply order" "-- apply order (parents first): sites, jobs, sales_orders, order_lines" "$(screen set_preview)"
assert_contains "s saves it" "saved to $T/set.sql" "$(status set_saved)"
assert_eq "the saved script is copy --follow both --dry-run's, byte for byte" \
	"$(cat "$T/set_dry.sql")" "$(cat "$T/set.sql")"
assert_contains "... which has the statements" 'INSERT INTO "sales_orders"' "$(cat "$T/set.sql")"
assert_contains "order_lines unchecked" "[ ]     order_lines" "$(screen leaf_out)"
assert_contains "A: the checked tables only" "tables    sites, jobs, sales_orders" "$(screen set_apply)"
assert_contains "A: asks for the target's name" "Type prod to apply, Esc cancels:" "$(screen set_apply)"
assert_contains "A: done, in one transaction" "Applied to prod in one transaction: 1 inserted, 2 updated, 0 deleted" "$(screen set_applied)"
journal=$(sed -n 's/^Journal: \([^ ]*\).*/\1/p' "$T/set_applied")
assert_eq "one v2 journal with the three checked tables" "2 3" \
	"$(head -1 "$journal" | jq -r '"\(.rowferry_undo) \(.tables | length)"')"
assert_eq "journal committed" committed "$(tail -1 "$journal" | jq -r .state)"
assert_eq "the job copied" "Globex" "$(sq "$T/prod2_after1.db" "SELECT customer FROM jobs WHERE id = 2")"
assert_eq "its parent copied" "South" "$(sq "$T/prod2_after1.db" "SELECT name FROM sites WHERE id = 2")"
assert_eq "its child copied" "SO-77-2" "$(sq "$T/prod2_after1.db" "SELECT order_ref FROM sales_orders WHERE id = 11")"
assert_eq "the unchecked grandchild not copied (no new line)" 0 "$(sq "$T/prod2_after1.db" "SELECT count(*) FROM order_lines WHERE id = 102")"
assert_eq "the unchecked grandchild not copied (no update)" 5 "$(sq "$T/prod2_after1.db" "SELECT qty FROM order_lines WHERE id = 101")"
assert_contains "q: the set counted again, the checkbox kept" "[ ]     order_lines  child   +1 -1 ~1 =1" "$(screen set_recounted)"
assert_contains "q: jobs now equal" "[x] jobs             root    +0 -0 ~0 =1" "$(screen set_recounted)"
assert_contains "q: sales_orders: only prod's extra order left (no deletes)" "sales_orders   child   +0 -1 ~0 =2" "$(screen set_recounted)"
assert_contains "D: deletes in the set's plan" "set of jobs, 4 table(s): 1 insert(s), 1 update(s), 2 delete(s) into prod" "$(screen set_deletes)"
assert_contains "the whole set applied, deletes children first" "1 inserted, 1 updated, 2 deleted" "$(screen set_applied2)"
journal=$(sed -n 's/^Journal: \([^ ]*\).*/\1/p' "$T/set_applied2")
assert_eq "one v2 journal with every table of the set" "2 4" \
	"$(head -1 "$journal" | jq -r '"\(.rowferry_undo) \(.tables | length)"')"
for t in sites jobs sales_orders order_lines; do
	assert_contains "after: $t all =" "+0 -0 ~0 =" "$(grep -E "^\[x\] +$t " "$T/set_equal")"
done
assert_contains "q: the root's diff ran again" "+0 -0 ~0 =1" "$(status set_root_diff)"

echo "# a child row changed in prod between the set's preview and A: the whole set refused"
cp "$T/prod.db" "$T/prod3.db"
sed "s|prod.db|prod3.db|; s|$T/undo|$T/undo3|" "$T/config.ini" >"$T/config3.ini"
# once the set's preview (the plan A applies) is shown, someone edits a
# line the copy would update
(for _ in $(seq 600); do [ -e "$T/drift_set" ] && break; sleep 0.1; done
 sq "$T/prod3.db" "UPDATE order_lines SET qty = 42 WHERE id = 101") &
edit=$!
console --config "$T/config3.ini" <<EOF
:key g Enter
:wait-idle
:key w
:type job_number = '0000077'
:enter
:wait-idle
:key f
:wait-idle
:key p
:dump $T/drift_set
:sleep 2500
:key A
:type prod
:enter
:wait-idle
:dump $T/drift_applied
EOF
wait "$edit"
assert_contains "drift: the set's preview first" "set of jobs, 4 table(s): 2 insert(s), 3 update(s)" "$(screen drift_set)"
assert_contains "drift: refused, nothing written" "Refused, nothing written" "$(screen drift_applied)"
assert_contains "drift: the changed row named" "order_lines" "$(screen drift_applied)"
assert_eq "drift: no table of the set written (jobs, sites, sales_orders, order_lines)" \
	"Globex Ltd|South side|0|0|42" \
	"$(sq "$T/prod3.db" "SELECT (SELECT customer FROM jobs WHERE id = 2), (SELECT name FROM sites WHERE id = 2),
		(SELECT count(*) FROM sales_orders WHERE id = 11), (SELECT count(*) FROM order_lines WHERE id = 102),
		(SELECT qty FROM order_lines WHERE id = 101)")"
assert_eq "drift: no journal left committed" "" \
	"$(grep -l '"state":"committed"' "$T"/undo3/*.jsonl 2>/dev/null || true)"

echo "# the root's excluded column (c) selects the set's jobs the same way"
console --config "$T/config.ini" <<EOF
:key g Enter
:wait-idle
:key w
:type job_number = '0000077'
:enter
:wait-idle
:key c j j x q
:wait-idle
:key f
:wait-idle
:dump $T/excluded
EOF
assert_contains "jobs now identical (customer excluded)" "[x] jobs             root    +0 -0 ~0 =1" "$(screen excluded)"
expect_counts excluded --config "$T/config.ini" --where "job_number = '0000077'" --exclude jobs.customer

echo "# f on the tables screen: the table's own selection (all rows), 60x15"
LINES=15 COLUMNS=60 console --config "$T/config.ini" <<EOF
:key g
:key f
:wait-idle
:dump $T/small
:key G Enter
:wait-idle
:dump $T/small_child
:key q p
:dump $T/small_preview
:key A
:dump $T/small_apply
:key Esc q q
:dump $T/small_tables
EOF
assert_eq "exit 0 at 60x15" 0 "$rc"
assert_contains "title at 60x15" "Related tables of jobs (all rows)" "$(line small 2)"
assert_contains "sites at 60x15, counts visible" "+0 -0 ~1 =1" "$(grep -E '^\[x\] +sites' "$T/small")"
assert_contains "order_lines at 60x15, counts visible" "+1 -1 ~2 =1" "$(grep -E '^\[x\] +order_lines' "$T/small")"
assert_contains "hints at 60x15" "Space include  Enter open" "$(status small)"
expect_counts small --config "$T/config.ini"
assert_contains "Enter at 60x15: the child's diff" "order_lines  rows of the set of jobs (all rows)" "$(line small_child 2)"
assert_contains "p at 60x15: the set's preview" "set of jobs, 4 table(s): 2 insert(s), 5 update(s)" "$(screen small_preview)"
assert_contains "p at 60x15: the script" "-- apply order (parents first): sites," "$(screen small_preview)"
assert_contains "A at 60x15: the tables" "tables    sites, jobs, sales_orders" "$(screen small_apply)"
assert_contains "A at 60x15: the confirmation visible" "Type prod to apply" "$(screen small_apply)"
assert_eq "A at 60x15, Esc: nothing written" "Globex Ltd" "$(sq "$T/prod.db" "SELECT customer FROM jobs WHERE id = 2")"
assert_contains "q q: back on the tables screen" "Tables: dev (source) -> prod (target)" "$(line small_tables 2)"

echo "# PostgreSQL: the same set, named by the catalog's constraints, counted as the CLI does"
# the servers come with e2e.*; valgrind.* runs without them (SQLite only)
if [ -z "${RF_TEST_PG_DEV_URL:-}" ]; then
	echo "# skipped: no PostgreSQL server in this run"
else
	PGD=${RF_TEST_PG_DEV_URL/\/rf_dev\?//rf_related_dev?} PGP=${RF_TEST_PG_PROD_URL/\/rf_prod\?//rf_related_prod?}
	for d in rf_related_dev rf_related_prod; do
		pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS $d" >/dev/null
		pg "$RF_TEST_PG_DEV_URL" "CREATE DATABASE $d" >/dev/null
	done
	pgf "$PGD" <<<"$schema $(sqlite3 "$T/dev.db" .dump | grep '^INSERT')"
	pgf "$PGP" <<<"$schema $(sqlite3 "$T/prod.db" .dump | grep '^INSERT')"
	console --from "$PGD" --to "$PGP" --table jobs --where "job_number = '0000077'" <<EOF
:wait-idle
:key f
:wait-idle
:dump $T/pg
:key p s ^U
:type $T/pg_set.sql
:enter
:dump $T/pg_saved
EOF
	assert_eq "exit 0 on PostgreSQL" 0 "$rc"
	assert_contains "PostgreSQL: a child with its constraint" "child   +1 -1 ~0 =1             sales_orders_job_id_fkey: " "$(grep -E '^\[x\] +sales_orders' "$T/pg" || true)"
	assert_contains "PostgreSQL: the parent" "parent  +0 -0 ~1 =0" "$(grep -E '^\[x\] +sites' "$T/pg" || true)"
	expect_counts pg --from "$PGD" --to "$PGP" --where "job_number = '0000077'"
	assert_contains "PostgreSQL: p saves the set's script" "saved to $T/pg_set.sql" "$(status pg_saved)"
	"$ROWFERRY" copy jobs --from "$PGD" --to "$PGP" --follow both --where "job_number = '0000077'" \
		--dry-run >"$T/pg_dry.sql" 2>"$T/pg_dry.err"
	assert_eq "PostgreSQL: the script is copy --follow both --dry-run's" "$(cat "$T/pg_dry.sql")" "$(cat "$T/pg_set.sql")"
	assert_contains "PostgreSQL: ... with statements" "INSERT INTO" "$(cat "$T/pg_set.sql")"
fi

echo "# a long count: progress, Esc, R, q while counting"
sq "$T/dev.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)
	INSERT INTO order_lines SELECT 1000 + i, 11, 10 + i, 'BULK', 1, NULL FROM n"
console --config "$T/config.ini" <<EOF
:key g f
:dump $T/counting
:key Esc
:dump $T/stopped
:key R
:wait-idle
:dump $T/recounted
:key q f
:key q
:key Enter
:wait-idle
:dump $T/after_q
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "progress while counting" "Esc cancels" "$(status counting)"
assert_contains "a table being counted" "counting " "$(screen counting)"
assert_contains "Esc stops the count" "counting cancelled" "$(status stopped)"
assert_contains "the tables left marked" "cancelled" "$(grep -E '^\[x\] +order_lines' "$T/stopped")"
assert_contains "R counts again, to the end" "+300001 -1 ~2 =1" "$(grep -E '^\[x\] +order_lines' "$T/recounted")"
assert_contains "q while counting, then a table's diff reads fine" "+0 -0 ~1 =2" "$(status after_q)"

echo "# a table of the set without a key: the screen says which and how to give one"
for side in dev prod; do
	sq "$T/$side.db" "CREATE TABLE job_notes (job_id INTEGER REFERENCES jobs (id), note TEXT)"
done
console --config "$T/config.ini" <<EOF
:key j f
:wait-idle
:dump $T/nokey
:key q Enter
:wait-idle
:dump $T/nokey_diff
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "the table named" "job_notes: no key to match rows by" "$(screen nokey)"
assert_contains "the config's way to give it, not K (the root's)" "give its key in the config ([compare TABLE] key)" "$(tr -d '\n' <"$T/nokey" | tr -s ' ')"
assert_contains "nothing counted" "FAILED" "$(status nokey)"
assert_contains "the connections free again: a table's diff runs" "+0 -0 ~1 =2" "$(status nokey_diff)"

finish
