#!/bin/bash
# rowferry diff of a set of tables (DESIGN §11) on PostgreSQL, MariaDB and
# SQLite, and SQLite -> PostgreSQL: jobs -> sales_orders -> order_lines
# (with a self-reference), --follow children shows exactly the children of
# the job on each side, sections in apply order, json lines with "table"
# and summary_all; --follow parents, --restrict, --limit, --tables and the
# inferred keys; an unbreakable cycle and an ambiguous key are errors that
# name what is wrong; the console refuses the set flags
# (copy of a set: test_copy_graph.sh).
. "$(dirname "$0")/lib.sh"

# our own databases: rf_dev/rf_prod have other tests' jobs tables
PGD=${RF_TEST_PG_DEV_URL/\/rf_dev\?//rf_graph_dev?} PGP=${RF_TEST_PG_PROD_URL/\/rf_prod\?//rf_graph_prod?}
MYD=${RF_TEST_MY_DEV_URL/\/rf_dev\?//rf_graph_dev?} MYP=${RF_TEST_MY_PROD_URL/\/rf_prod\?//rf_graph_prod?}
for d in rf_graph_dev rf_graph_prod; do
	pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS $d" >/dev/null
	pg "$RF_TEST_PG_DEV_URL" "CREATE DATABASE $d" >/dev/null
	my "$RF_TEST_MY_DEV_URL" "DROP DATABASE IF EXISTS $d; CREATE DATABASE $d"
done

schema='CREATE TABLE jobs (id INTEGER PRIMARY KEY, job_number VARCHAR(20) NOT NULL UNIQUE,
  customer VARCHAR(40) NOT NULL);
CREATE TABLE sales_orders (id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL,
  order_ref VARCHAR(20) NOT NULL UNIQUE, total DECIMAL(12,2) NOT NULL,
  FOREIGN KEY (job_id) REFERENCES jobs (id));
CREATE TABLE order_lines (id INTEGER PRIMARY KEY, sales_order_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL, sku VARCHAR(20) NOT NULL, qty INTEGER NOT NULL,
  parent_line_id INTEGER, UNIQUE (sales_order_id, line_no),
  FOREIGN KEY (sales_order_id) REFERENCES sales_orders (id),
  FOREIGN KEY (parent_line_id) REFERENCES order_lines (id));
CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(20));
CREATE TABLE amb (id INTEGER PRIMARY KEY, note_id INTEGER NOT NULL, code1 VARCHAR(9) NOT NULL UNIQUE,
  code2 VARCHAR(9) NOT NULL UNIQUE, FOREIGN KEY (note_id) REFERENCES notes (id));
CREATE TABLE c_parent (a INTEGER NOT NULL, b INTEGER NOT NULL, v VARCHAR(9), PRIMARY KEY (a, b));
CREATE TABLE c_child (id INTEGER PRIMARY KEY, pa INTEGER, pb INTEGER, w VARCHAR(9),
  FOREIGN KEY (pa, pb) REFERENCES c_parent (a, b));'
dev_rows="INSERT INTO jobs VALUES (1, '0000076', 'Acme'), (2, '0000077', 'Globex'), (3, '0000078', 'Initech');
INSERT INTO sales_orders VALUES (10, 2, 'SO-77-1', 10.00), (11, 2, 'SO-77-2', 20.00),
  (12, 1, 'SO-76-1', 5.00), (13, 3, 'SO-78-1', 1.00);
INSERT INTO order_lines VALUES (100, 10, 1, 'A', 1, NULL), (101, 10, 2, 'B', 2, 100),
  (102, 11, 1, 'C', 3, NULL), (103, 12, 1, 'D', 1, NULL);
INSERT INTO notes VALUES (1, 'one'), (2, 'two');
INSERT INTO c_parent VALUES (1, 1, 'x'), (1, 2, 'y'), (2, 1, 'z');
INSERT INTO c_child VALUES (10, 1, 1, 'p'), (11, 1, 2, 'q'), (12, 2, 1, 'r');"
prod_rows="INSERT INTO jobs VALUES (1, '0000076', 'Acme'), (2, '0000077', 'Globex Ltd'), (3, '0000078', 'Initech');
INSERT INTO sales_orders VALUES (10, 2, 'SO-77-1', 10.00), (12, 1, 'SO-76-1', 6.00),
  (13, 3, 'SO-78-1', 1.00), (14, 2, 'SO-77-9', 99.00);
INSERT INTO order_lines VALUES (100, 10, 1, 'A', 1, NULL), (101, 10, 2, 'B', 5, 100),
  (103, 12, 1, 'D', 9, NULL), (104, 14, 1, 'Z', 1, NULL);
INSERT INTO notes VALUES (1, 'one'), (2, 'TWO');
INSERT INTO c_parent VALUES (1, 1, 'x'), (1, 2, 'Y'), (2, 1, 'z');
INSERT INTO c_child VALUES (10, 1, 1, 'P'), (11, 1, 2, 'q'), (12, 2, 1, 'R');"
pgf "$PGD" <<<"$schema $dev_rows"
pgf "$PGP" <<<"$schema $prod_rows"
myf "$MYD" <<<"$schema $dev_rows"
myf "$MYP" <<<"$schema $prod_rows"
sqlite3 "$T/dev.db" <<<"$schema $dev_rows"
sqlite3 "$T/prod.db" <<<"$schema $prod_rows"

# "table status key" per differing row of a json run, the table's bare name
rows_of() { jq -r 'select(.status) | "\(.table|sub(".*\\.";"")) \(.status) \(.key|[.[]]|join("/"))"' "$T/out" | tr '\n' ';'; }
summaries() { jq -r 'select(.summary) | "\(.table|sub(".*\\.";"")) \(.summary.only_source) \(.summary.only_target) \(.summary.changed) \(.summary.identical)"' "$T/out" | tr '\n' ';'; }

check_set() { # LABEL FROM TO
	local label=$1 from=$2 to=$3
	rf diff jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children --format jsonl
	assert_eq "$label: differences: exit 1" 1 "$rc"
	assert_eq "$label: the job's children on each side, no other job's" \
		"jobs changed 2;sales_orders only_source 11;sales_orders only_target 14;order_lines changed 101;order_lines only_source 102;order_lines only_target 104;" \
		"$(rows_of)"
	assert_eq "$label: a summary per table in apply order" \
		"jobs 0 0 1 0;sales_orders 1 1 0 1;order_lines 1 1 1 1;" "$(summaries)"
	assert_eq "$label: summary_all last" '{"tables":3,"only_source":2,"only_target":2,"changed":2,"identical":2}' \
		"$(tail -1 "$T/out" | jq -c .summary_all)"
	assert_eq "$label: every line carries table" 0 "$(jq -r 'select(.summary_all | not) | select(.table | not)' "$T/out" | wc -l)"

	rf diff jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children
	assert_eq "$label: text sections in apply order" "jobs sales_orders order_lines" \
		"$(sed -n 's/^table: *//p' "$T/out" | sed 's/.*\.//' | tr '\n' ' ' | sed 's/ $//')"
	assert_eq "$label: text names the broken self-reference" 1 \
		"$(grep -cE '^note: +cycle broken at [^ ]+ \((public\.)?order_lines -> (public\.)?order_lines\)$' "$T/out")"
	assert_contains "$label: text totals" "all 3 tables: 2 only in source, 2 only in target, 2 changed, 2 identical" "$(cat "$T/out")"

	# keys inferred with the surrogate ids excluded: the NOT NULL unique keys
	rf diff jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children --exclude id --format json
	assert_eq "$label: --exclude id: keys are the unique keys" \
		"jobs changed 0000077;sales_orders only_source SO-77-2;sales_orders only_target SO-77-9;order_lines changed 10/2;order_lines only_source 11/1;order_lines only_target 14/1;" \
		"$(rows_of)"

	rf diff jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children \
		--restrict "order_lines:qty > 1" --key sales_orders:order_ref --format json
	assert_eq "$label: --restrict filters one table, --key TABLE:COLS" \
		"jobs changed 2;sales_orders only_source SO-77-2;sales_orders only_target SO-77-9;order_lines changed 101;order_lines only_source 102;" \
		"$(rows_of)"

	rf diff jobs --from "$from" --to "$to" --follow children --limit 1 --format json
	assert_eq "$label: --limit 1: the first job and what it brings" \
		"jobs 0 0 0 1;sales_orders 0 0 1 0;order_lines 0 0 1 0;" "$(summaries)"

	rf diff order_lines --from "$from" --to "$to" --where "id = 102" --follow parents --format json
	# the target has no line 102, so nothing it references is selected there
	assert_eq "$label: --follow parents: the referenced rows, parents first" \
		"jobs 1 0 0 0;sales_orders 1 0 0 0;order_lines 1 0 0 0;" "$(summaries)"
	rf diff order_lines --from "$from" --to "$to" --where "id = 101" --follow parents --format json
	assert_eq "$label: --follow parents on both sides" \
		"jobs 0 0 1 0;sales_orders 0 0 0 1;order_lines 0 0 1 0;" "$(summaries)"

	rf diff notes --from "$from" --to "$to" --tables jobs --format json
	assert_eq "$label: --tables: whole tables" "notes 0 0 1 1;jobs 0 0 1 2;" "$(summaries)"

	# a composite foreign key: (pa, pb) IN (SELECT a, b ...); --limit on a two-column key
	rf diff c_parent --from "$from" --to "$to" --where "a = 1" --follow children --format json
	assert_eq "$label: composite foreign key selects the children" \
		"c_parent changed 1/2;c_child changed 10;" "$(rows_of)"
	assert_eq "$label: composite foreign key: counts" "c_parent 0 0 1 1;c_child 0 0 1 1;" "$(summaries)"
	rf diff c_parent --from "$from" --to "$to" --follow children --limit 1 --format json
	assert_eq "$label: --limit 1 on a two-column key" "c_parent 0 0 0 1;c_child 0 0 1 0;" "$(summaries)"

	rf diff jobs --from "$from" --to "$to" --where "job_number = '0000078'" --follow children --summary
	assert_eq "$label: no differences in the set: exit 0" 0 "$rc"

	rf diff amb --from "$from" --to "$to" --exclude amb.id --follow parents
	assert_eq "$label: ambiguous key: exit 2" 2 "$rc"
	assert_contains "$label: ambiguous key names the candidates" "(code1)" "$(cat "$T/err")"
	assert_contains "$label: ambiguous key names the candidates" "(code2)" "$(cat "$T/err")"
	assert_contains "$label: ambiguous key says how to choose" "--key" "$(cat "$T/err")"

	rf diff jobs --from "$from" --to "$to" --follow children --restrict "order_lines:1 = 1) OR (1 = 1"
	assert_eq "$label: a --restrict that is not one expression: exit 2" 2 "$rc"
	rf diff jobs --from "$from" --to "$to" --follow children --restrict "nope:1 = 1"
	assert_contains "$label: --restrict names a table outside the set" "nope is not a table of the set" "$(cat "$T/err")"
}
check_set "postgres" "$PGD" "$PGP"
check_set "sqlite" "sqlite:$T/dev.db" "sqlite:$T/prod.db"
check_set "mariadb" "$MYD" "$MYP"
check_set "sqlite->postgres" "sqlite:$T/dev.db" "$PGP"

# the single-table diff is unchanged: no "table" on its lines, no summary_all
rf diff jobs --from "sqlite:$T/dev.db" --to "sqlite:$T/prod.db" --format json
assert_eq "single table: lines as before" '{"status":"changed","key":{"id":"2"}}' "$(head -1 "$T/out" | jq -c '{status,key}')"
assert_eq "single table: no table on the row lines" false "$(head -1 "$T/out" | jq -c 'has("table")')"
assert_eq "single table: no summary_all" 0 "$(grep -c summary_all "$T/out" || true)"

# cycles: NOT NULL both ways is refused, naming both constraints
cyc='CREATE TABLE cyc_a (id INTEGER PRIMARY KEY, b_id INTEGER NOT NULL);
CREATE TABLE cyc_b (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL, CONSTRAINT b_to_a FOREIGN KEY (a_id) REFERENCES cyc_a (id));
ALTER TABLE cyc_a ADD CONSTRAINT a_to_b FOREIGN KEY (b_id) REFERENCES cyc_b (id);'
pgf "$PGD" <<<"$cyc"
myf "$MYD" <<<"$cyc"
sqlite3 "$T/cyc.db" <<<'CREATE TABLE cyc_a (id INTEGER PRIMARY KEY, b_id INTEGER NOT NULL REFERENCES cyc_b (id));
CREATE TABLE cyc_b (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL REFERENCES cyc_a (id));'
for each in "postgres $PGD a_to_b b_to_a" "mariadb $MYD a_to_b b_to_a" \
	"sqlite sqlite:$T/cyc.db cyc_a_b_id_fkey cyc_b_a_id_fkey"; do
	set -- $each
	rf diff cyc_a --from "$2" --to "$2" --follow children
	assert_eq "$1: unbreakable cycle: exit 2" 2 "$rc"
	assert_contains "$1: unbreakable cycle is named" "cannot be ordered" "$(cat "$T/err")"
	assert_contains "$1: names cyc_a's constraint" "$3 (" "$(cat "$T/err")"
	assert_contains "$1: names cyc_b's constraint" "$4 (" "$(cat "$T/err")"
	assert_contains "$1: says which way it points" "cyc_b -> " "$(cat "$T/err")"
done
# on PostgreSQL a DEFERRABLE constraint breaks it
pg "$PGD" "ALTER TABLE cyc_a DROP CONSTRAINT a_to_b; ALTER TABLE cyc_a ADD CONSTRAINT a_to_b FOREIGN KEY (b_id) REFERENCES cyc_b (id) DEFERRABLE INITIALLY DEFERRED" >/dev/null
rf diff cyc_a --from "$PGD" --to "$PGD" --follow children
assert_eq "postgres: a DEFERRABLE edge breaks the cycle: exit 0" 0 "$rc"
assert_contains "postgres: the broken constraint is shown" "cycle broken at a_to_b (public.cyc_a -> public.cyc_b)" "$(cat "$T/out")"

rf --from "sqlite:$T/dev.db" --to "sqlite:$T/prod.db" --follow children
assert_eq "console --follow: exit 2" 2 "$rc"
assert_contains "console --follow: says why" "not supported by the console yet" "$(cat "$T/err")"

for d in rf_graph_dev rf_graph_prod; do
	pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS $d" >/dev/null
	my "$RF_TEST_MY_DEV_URL" "DROP DATABASE IF EXISTS $d"
done
finish
