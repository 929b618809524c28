#!/bin/bash
# rowferry copy of a set of tables (DESIGN §11) on PostgreSQL, MariaDB and
# SQLite, and SQLite -> PostgreSQL: jobs -> sales_orders -> order_lines
# (with a self-reference). A job's rows and its children copied in one
# transaction and one v2 journal, parents first, deletes children first;
# cycles broken at a nullable key (NULL, then UPDATE) or, on PostgreSQL, a
# DEFERRABLE one; a missing parent outside the set refuses the copy;
# the preview in apply order; a second run has nothing to do; undo restores
# every table; a failure in a child table rolls back the parent.
. "$(dirname "$0")/lib.sh"

PGD=${RF_TEST_PG_DEV_URL/\/rf_dev\?//rf_cgraph_dev?} PGP=${RF_TEST_PG_PROD_URL/\/rf_prod\?//rf_cgraph_prod?}
MYD=${RF_TEST_MY_DEV_URL/\/rf_dev\?//rf_cgraph_dev?} MYP=${RF_TEST_MY_PROD_URL/\/rf_prod\?//rf_cgraph_prod?}

schema='CREATE TABLE jobs (id INTEGER PRIMARY KEY, job_number VARCHAR(20) NOT NULL UNIQUE,
  customer VARCHAR(40) NOT NULL);
CREATE TABLE sales_orders (id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL,
  order_ref VARCHAR(20) NOT NULL UNIQUE, total DECIMAL(12,2) NOT NULL,
  FOREIGN KEY (job_id) REFERENCES jobs (id));
CREATE TABLE order_lines (id INTEGER PRIMARY KEY, sales_order_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL, sku VARCHAR(20) NOT NULL, qty INTEGER NOT NULL,
  parent_line_id INTEGER, UNIQUE (sales_order_id, line_no),
  FOREIGN KEY (sales_order_id) REFERENCES sales_orders (id),
  FOREIGN KEY (parent_line_id) REFERENCES order_lines (id));'
dev_rows="INSERT INTO jobs VALUES (1, '0000076', 'Acme'), (2, '0000077', 'Globex'), (3, '0000078', 'Initech');
INSERT INTO sales_orders VALUES (10, 2, 'SO-77-1', 10.00), (11, 2, 'SO-77-2', 20.00),
  (12, 1, 'SO-76-1', 5.00), (13, 3, 'SO-78-1', 1.00);
INSERT INTO order_lines VALUES (100, 10, 1, 'A', 1, NULL), (101, 10, 2, 'B', 2, 100),
  (102, 11, 1, 'C', 3, NULL), (103, 12, 1, 'D', 1, NULL);"
prod_rows="INSERT INTO jobs VALUES (1, '0000076', 'Acme'), (2, '0000077', 'Globex Ltd'), (3, '0000078', 'Initech');
INSERT INTO sales_orders VALUES (10, 2, 'SO-77-1', 10.00), (12, 1, 'SO-76-1', 6.00),
  (13, 3, 'SO-78-1', 1.00), (14, 2, 'SO-77-9', 99.00);
INSERT INTO order_lines VALUES (100, 10, 1, 'A', 1, NULL), (101, 10, 2, 'B', 5, 100),
  (103, 12, 1, 'D', 9, NULL), (104, 14, 1, 'Z', 1, NULL);"

# fresh databases: dev and prod as above
reset() { # ENGINE
	case $1 in
	postgres)
		for d in rf_cgraph_dev rf_cgraph_prod; do
			pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS $d" >/dev/null
			pg "$RF_TEST_PG_DEV_URL" "CREATE DATABASE $d" >/dev/null
		done
		pgf "$PGD" <<<"$schema $dev_rows"
		pgf "$PGP" <<<"$schema $prod_rows" ;;
	mariadb)
		for d in rf_cgraph_dev rf_cgraph_prod; do
			my "$RF_TEST_MY_DEV_URL" "DROP DATABASE IF EXISTS $d; CREATE DATABASE $d"
		done
		myf "$MYD" <<<"$schema $dev_rows"
		myf "$MYP" <<<"$schema $prod_rows" ;;
	sqlite)
		rm -f "$T/dev.db" "$T/prod.db"
		sqlite3 "$T/dev.db" <<<"$schema $dev_rows"
		sqlite3 "$T/prod.db" <<<"$schema $prod_rows" ;;
	esac
}
# SQL on a URL through the engine's own client
q() { # URL SQL
	case $1 in
	postgres*) pg "$1" "$2" ;;
	mysql* | mariadb*) my "$1" "$2" | tr '\t' '|' ;;
	sqlite:*) sq "${1#sqlite:}" "$2" ;;
	esac
}
# every table, ordered, one line per row (numbers without scale)
dump() { # URL
	q "$1" "SELECT id, job_number, customer FROM jobs ORDER BY id" | tr '\n' ';'
	q "$1" "SELECT id, job_id, order_ref, CAST(total * 100 AS INTEGER) FROM sales_orders ORDER BY id" | tr '\n' ';'
	q "$1" "SELECT id, sales_order_id, line_no, sku, qty, COALESCE(parent_line_id, 0) FROM order_lines ORDER BY id" | tr '\n' ';'
}
# the job's rows, by their match keys and the references they hold
job_rows() { # URL
	q "$1" "SELECT s.order_ref, CAST(s.total * 100 AS INTEGER) FROM sales_orders s JOIN jobs j ON j.id = s.job_id
		WHERE j.job_number = '0000077' ORDER BY 1" | tr '\n' ';'
	q "$1" "SELECT s.order_ref, l.line_no, l.sku, l.qty FROM order_lines l JOIN sales_orders s ON s.id = l.sales_order_id
		JOIN jobs j ON j.id = s.job_id WHERE j.job_number = '0000077' ORDER BY 1, 2" | tr '\n' ';'
}

check_copy() { # LABEL ENGINE FROM TO [ENGINE of FROM]
	local label=$1 from=$3 to=$4 before after journal
	reset "$2"
	[ -n "${5:-}" ] && reset "$5"
	before=$(dump "$to")
	mkdir -p "$T/undo"
	rm -f "$T/undo"/*

	rf copy jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children \
		--ops insert,update,delete --dry-run
	assert_eq "$label: --dry-run: exit 0" 0 "$rc"
	assert_eq "$label: --dry-run: steps in order (deletes children first, then parents first)" \
		"order_lines: deletes (children first);sales_orders: deletes (children first);jobs;sales_orders;order_lines;" \
		"$(sed -n 's/^-- \(public\.\)\{0,1\}\([a-z_]*\)\(: deletes.*\)\{0,1\}$/\2\3/p' "$T/out" | grep -v '^$' | tr '\n' ';')"
	assert_eq "$label: --dry-run: one BEGIN, one COMMIT" "1 1" \
		"$(grep -c '^BEGIN;$' "$T/out") $(grep -c '^COMMIT;$' "$T/out")"
	assert_contains "$label: --dry-run: counts per table" \
		"sales_orders: 1 to insert, 0 to update, 1 to delete; 1 identical" "$(cat "$T/out")"
	assert_eq "$label: --dry-run writes nothing" "$before" "$(dump "$to")"

	rf copy jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children \
		--ops insert,update,delete --yes --undo-dir "$T/undo"
	assert_eq "$label: copy: exit 0" 0 "$rc"
	assert_contains "$label: copy: counts" "2 inserted, 2 updated, 2 deleted" "$(cat "$T/out")"
	assert_eq "$label: the job's rows in the target are the source's" "$(job_rows "$from")" "$(job_rows "$to")"
	assert_eq "$label: other jobs' rows untouched" "SO-76-1|600;" \
		"$(q "$to" "SELECT order_ref, CAST(total * 100 AS INTEGER) FROM sales_orders WHERE job_id = 1" | tr '\n' ';')"
	journal=$(sed -n 's/^journal: //p' "$T/out")
	assert_eq "$label: one v2 journal with the three tables" "2 3" \
		"$(head -1 "$journal" | jq -r '"\(.rowferry_undo) \(.tables | length)"')"
	assert_eq "$label: journal ops in the order they ran" \
		"delete order_lines;delete sales_orders;update jobs;insert sales_orders;update order_lines;insert order_lines;" \
		"$(jq -r 'select(.op) | "\(.op) \(.table | sub(".*\\.";""))"' "$journal" | tr '\n' ';')"
	assert_eq "$label: journal committed" committed "$(tail -1 "$journal" | jq -r .state)"

	rf copy jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children \
		--ops insert,update,delete --yes --undo-dir "$T/undo"
	assert_eq "$label: second run: exit 0" 0 "$rc"
	assert_contains "$label: second run: nothing to do" "nothing to do" "$(cat "$T/out")"

	rf undo "$journal" --to "$to" --yes
	assert_eq "$label: undo: exit 0" 0 "$rc"
	assert_eq "$label: undo restores every table" "$before" "$(dump "$to")"

	# a reference that is part of its table's match key (order_lines'
	# (sales_order_id, line_no)) is not rewritten: refused, naming it
	rf copy jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children \
		--exclude id --yes --undo-dir "$T/undo"
	assert_eq "$label: --exclude id, a reference in a match key: exit 2" 2 "$rc"
	assert_contains "$label: --exclude id, a reference in a match key: says which" \
		"cannot be rewritten through a match key: " "$(cat "$T/err")"
	assert_eq "$label: --exclude id, a reference in a match key: nothing written" "$before" "$(dump "$to")"

	# a failure in the last table rolls back the parents' writes
	case $to in
	sqlite:*) q "$to" "CREATE TRIGGER no_c BEFORE INSERT ON order_lines WHEN NEW.sku = 'C'
		BEGIN SELECT RAISE(ABORT, 'no C'); END" ;;
	*) q "$to" "ALTER TABLE order_lines ADD CONSTRAINT no_c CHECK (sku <> 'C')" >/dev/null ;;
	esac
	rf copy jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children \
		--yes --undo-dir "$T/undo"
	assert_eq "$label: failing child: exit 2" 2 "$rc"
	assert_eq "$label: failing child: every table rolled back" "$before" "$(dump "$to")"
	journal=$(sed -n 's/^journal: //p' "$T/out")
	assert_eq "$label: failing child: journal aborted" aborted "$(tail -1 "$journal" | jq -r .state)"
}
check_copy "postgres" postgres "$PGD" "$PGP"
check_copy "sqlite" sqlite "sqlite:$T/dev.db" "sqlite:$T/prod.db"
check_copy "mariadb" mariadb "$MYD" "$MYP"
check_copy "sqlite->postgres" postgres "sqlite:$T/dev.db" "$PGP" sqlite

# a child's composite unique key (sales_order_id, line_no) taken in the
# target by another row: the preview looks the copied lines' pairs up in the
# target (an integer pair: "(a, b) IN (VALUES ...)" where the engine reads
# it) and refuses before writing, naming the pair
check_unique_pair() { # LABEL ENGINE FROM TO
	local label=$1 from=$3 to=$4 before
	reset "$2"
	q "$from" "INSERT INTO sales_orders VALUES (14, 2, 'SO-77-9', 99.00)" >/dev/null
	q "$from" "INSERT INTO order_lines VALUES (105, 14, 1, 'Z', 1, NULL), (106, 14, 7, 'Y', 1, NULL)" >/dev/null
	before=$(dump "$to")
	rf copy jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children \
		--yes --undo-dir "$T/undo"
	assert_eq "$label: a unique pair taken in the target: refused (exit 3)" 3 "$rc"
	assert_contains "$label: the pair is named" \
		"values already in $(case $to in postgres*) echo public.;; esac)order_lines: (sales_order_id=14, line_no=1)" "$(cat "$T/out" "$T/err")"
	assert_not_contains "$label: the free pair is not named" "line_no=7" "$(cat "$T/out" "$T/err")"
	assert_eq "$label: nothing written" "$before" "$(dump "$to")"
}
check_unique_pair "postgres" postgres "$PGD" "$PGP"
check_unique_pair "mariadb" mariadb "$MYD" "$MYP"
check_unique_pair "sqlite" sqlite "sqlite:$T/dev.db" "sqlite:$T/prod.db"

# keys the target generates (--exclude id): each reference to a regenerated
# key is compared through the parent's match key and written as a subquery
# resolving it in the target. prod already has job 0000077 (another id) and
# SO-77-1 (another id); dev's ids 10 and 11 are other orders in prod.
rg_schema='CREATE TABLE jobs (id ID_DECL, job_number VARCHAR(20) NOT NULL UNIQUE,
  customer VARCHAR(40) NOT NULL);
CREATE TABLE sales_orders (id ID_DECL, job_id INTEGER NOT NULL,
  order_ref VARCHAR(20) NOT NULL UNIQUE, total DECIMAL(12,2) NOT NULL,
  FOREIGN KEY (job_id) REFERENCES jobs (id));
CREATE TABLE order_lines (id ID_DECL, sales_order_id INTEGER NOT NULL,
  line_ref VARCHAR(20) NOT NULL UNIQUE, sku VARCHAR(20) NOT NULL, qty INTEGER NOT NULL,
  parent_line_id INTEGER,
  FOREIGN KEY (sales_order_id) REFERENCES sales_orders (id),
  FOREIGN KEY (parent_line_id) REFERENCES order_lines (id));'
rg_dev="INSERT INTO jobs (id, job_number, customer) VALUES (1, '0000076', 'Acme'), (2, '0000077', 'Globex');
INSERT INTO sales_orders (id, job_id, order_ref, total) VALUES (10, 2, 'SO-77-1', 10.00), (11, 2, 'SO-77-2', 20.00),
  (12, 1, 'SO-76-1', 5.00);
INSERT INTO order_lines (id, sales_order_id, line_ref, sku, qty, parent_line_id) VALUES
  (100, 10, 'L1', 'A', 1, NULL), (101, 10, 'L2', 'B', 2, 100), (102, 11, 'L3', 'C', 3, NULL),
  (103, 11, 'L4', 'D', 4, 102), (104, 12, 'L5', 'E', 1, NULL);"
rg_prod="INSERT INTO jobs (id, job_number, customer) VALUES (5, '0000077', 'Globex'), (6, '0000099', 'Umbrella');
INSERT INTO sales_orders (id, job_id, order_ref, total) VALUES (10, 6, 'SO-99-1', 1.00), (11, 6, 'SO-99-2', 2.00),
  (20, 5, 'SO-77-1', 10.00);
INSERT INTO order_lines (id, sales_order_id, line_ref, sku, qty, parent_line_id) VALUES (100, 10, 'P1', 'Z', 1, NULL);"
rg_reset() { # ENGINE
	case $1 in
	postgres)
		for d in rf_cgraph_dev rf_cgraph_prod; do
			pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS $d" >/dev/null
			pg "$RF_TEST_PG_DEV_URL" "CREATE DATABASE $d" >/dev/null
		done
		local sch=${rg_schema//ID_DECL/INTEGER GENERATED BY DEFAULT AS IDENTITY (START 1000) PRIMARY KEY}
		pgf "$PGD" <<<"$sch $rg_dev"
		pgf "$PGP" <<<"$sch $rg_prod" ;;
	mariadb)
		for d in rf_cgraph_dev rf_cgraph_prod; do
			my "$RF_TEST_MY_DEV_URL" "DROP DATABASE IF EXISTS $d; CREATE DATABASE $d"
		done
		local sch=${rg_schema//ID_DECL/INTEGER AUTO_INCREMENT PRIMARY KEY}
		myf "$MYD" <<<"$sch $rg_dev"
		myf "$MYP" <<<"$sch $rg_prod ALTER TABLE jobs AUTO_INCREMENT = 1000;
			ALTER TABLE sales_orders AUTO_INCREMENT = 1000; ALTER TABLE order_lines AUTO_INCREMENT = 1000;" ;;
	sqlite)
		rm -f "$T/dev.db" "$T/prod.db"
		local sch=${rg_schema//ID_DECL/INTEGER PRIMARY KEY}
		sqlite3 "$T/dev.db" <<<"$sch $rg_dev"
		sqlite3 "$T/prod.db" <<<"$sch $rg_prod INSERT INTO jobs VALUES (999, '0000999', 'Filler');
			INSERT INTO sales_orders VALUES (999, 6, 'SO-F', 0); INSERT INTO order_lines VALUES (999, 10, 'PF', 'Z', 1, NULL);" ;;
	esac
}
rg_dump() { # URL
	q "$1" "SELECT id, job_number FROM jobs ORDER BY id" | tr '\n' ';'
	q "$1" "SELECT id, job_id, order_ref FROM sales_orders ORDER BY id" | tr '\n' ';'
	q "$1" "SELECT id, sales_order_id, line_ref, COALESCE(parent_line_id, 0) FROM order_lines ORDER BY id" | tr '\n' ';'
}
# the job's graph through the match keys: what a correct copy makes equal
rg_graph() { # URL
	q "$1" "SELECT j.job_number, s.order_ref, l.line_ref, l.sku, l.qty, COALESCE(p.line_ref, '-')
		FROM order_lines l JOIN sales_orders s ON s.id = l.sales_order_id JOIN jobs j ON j.id = s.job_id
		LEFT JOIN order_lines p ON p.id = l.parent_line_id WHERE j.job_number = '0000077' ORDER BY 3" | tr '\n' ';'
}
check_regen() { # LABEL ENGINE FROM TO [ENGINE of FROM]
	local label=$1 from=$3 to=$4 before journal
	rg_reset "$2"
	[ -n "${5:-}" ] && rg_reset "$5"
	before=$(rg_dump "$to")
	rm -f "$T/undo"/*

	rf diff jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children --exclude id
	assert_eq "$label: diff: exit 1 (differences)" 1 "$rc"
	assert_contains "$label: diff: the reference named with the parent's match key" \
		"ref:    job_id -> $(case $from in postgres*) echo public.;; esac)jobs.job_number" "$(cat "$T/out")"
	assert_contains "$label: diff: SO-77-1 identical though its job has another id in the target" \
		"sales_orders: 1 only in source, 0 only in target, 0 changed, 1 identical" "$(cat "$T/out")"
	rf diff jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children --exclude id --format json
	assert_eq "$label: diff --format json: references as the parents' match keys" \
		"SO-77-2 0000077;L1 SO-77-1 -;L2 SO-77-1 L1;L3 SO-77-2 -;L4 SO-77-2 L3;" \
		"$(jq -r 'select(.status == "only_source") | .source | "\(.order_ref // .line_ref) \(.job_id // .sales_order_id) \(if has("parent_line_id") then (.parent_line_id // "-") else "" end)"' "$T/out" | sed 's/ $//' | tr '\n' ';')"

	rf copy jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children \
		--exclude id --dry-run
	assert_eq "$label: --exclude id --dry-run: exit 0" 0 "$rc"
	[ "$rc" = 0 ] || cat "$T/err"
	assert_contains "$label: --dry-run: the counts" "sales_orders: 1 to insert, 0 to update, 0 to delete; 1 identical" "$(cat "$T/out")"
	assert_contains "$label: --dry-run: lines to insert" "order_lines: 4 to insert" "$(cat "$T/out")"
	assert_eq "$label: --dry-run: the order's job resolved by its job_number in the target" 1 \
		"$(grep -cE "^  \(\(SELECT .id. FROM (.public.\.)?.jobs. WHERE .job_number. = '0000077'\), 'SO-77-2'" "$T/out" || true)"
	assert_eq "$label: --dry-run: the lines' orders resolved by order_ref" 2 \
		"$(grep -cE "^  \(\(SELECT .id. FROM (.public.\.)?.sales_orders. WHERE .order_ref. = 'SO-77-1'\), 'L" "$T/out" || true)"
	assert_eq "$label: --dry-run: the bundle references set by line_ref once the lines exist" 1 \
		"$(grep -cE "^UPDATE .* SET .parent_line_id. = \(SELECT .id. FROM (.public.\.)?.order_lines. WHERE .line_ref. = 'L3'\) WHERE .line_ref. = 'L4';" "$T/out" || true)"
	assert_eq "$label: --dry-run writes nothing" "$before" "$(rg_dump "$to")"

	rf copy jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children \
		--exclude id --yes --undo-dir "$T/undo"
	assert_eq "$label: --exclude id copy: exit 0" 0 "$rc"
	[ "$rc" = 0 ] || cat "$T/err"
	assert_eq "$label: the job's graph in the target is the source's (join check)" \
		"$(rg_graph "$from")" "$(rg_graph "$to")"
	assert_eq "$label: the new order points at prod's existing job (id 5)" "5" \
		"$(q "$to" "SELECT job_id FROM sales_orders WHERE order_ref = 'SO-77-2'")"
	assert_eq "$label: the lines of the existing order point at prod's SO-77-1 (id 20)" "20|20" \
		"$(q "$to" "SELECT sales_order_id FROM order_lines WHERE line_ref IN ('L1', 'L2') ORDER BY line_ref" | tr '\n' '|' | sed 's/|$//')"
	assert_eq "$label: no line points at dev's order ids" "0" \
		"$(q "$to" "SELECT COUNT(*) FROM order_lines WHERE line_ref LIKE 'L%' AND sales_order_id IN (10, 11)")"
	assert_eq "$label: new keys generated by the target" "0" \
		"$(q "$to" "SELECT COUNT(*) FROM order_lines WHERE line_ref LIKE 'L%' AND id < 1000")"
	journal=$(sed -n 's/^journal: //p' "$T/out")
	assert_eq "$label: the journal maps each inserted line's source id to its new id (source_key)" \
		"$(q "$to" "SELECT line_ref, id FROM order_lines WHERE line_ref IN ('L3', 'L4') ORDER BY line_ref" | sed 's/^L3|/102 /; s/^L4|/103 /' | tr '\n' ';')" \
		"$(jq -r 'select(.op == "insert" and (.table | test("order_lines")) and (.after.line_ref == "L3" or .after.line_ref == "L4")) | "\(.source_key.id) \(.key.id)"' "$journal" | sort | tr '\n' ';')"
	rf log "$journal" --keys
	assert_eq "$label: log --keys: one line per inserted row" \
		"$(jq -c 'select(.op == "insert")' "$journal" | wc -l)" "$(wc -l <"$T/out")"
	assert_eq "$label: the journal holds the generated references" "$(q "$to" "SELECT sales_order_id FROM order_lines WHERE line_ref = 'L3'")" \
		"$(jq -r 'select(.op == "insert" and (.table | test("order_lines")) and .after.line_ref == "L3") | .after.sales_order_id' "$journal" | head -1)"

	rf copy jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children \
		--exclude id --yes --undo-dir "$T/undo"
	assert_eq "$label: second run: exit 0" 0 "$rc"
	assert_contains "$label: second run: nothing to do (compared through match keys)" "nothing to do" "$(cat "$T/out")"

	rf undo "$journal" --to "$to" --yes
	assert_eq "$label: undo: exit 0" 0 "$rc"
	[ "$rc" = 0 ] || cat "$T/err"
	assert_eq "$label: undo removes all" "$before" "$(rg_dump "$to")"
}
check_regen "postgres --exclude id" postgres "$PGD" "$PGP"
check_regen "sqlite --exclude id" sqlite "sqlite:$T/dev.db" "sqlite:$T/prod.db"
check_regen "mariadb --exclude id" mariadb "$MYD" "$MYP"
check_regen "sqlite->postgres --exclude id" postgres "sqlite:$T/dev.db" "$PGP" sqlite
# a unique key that holds a rewritten reference (order_lines' (sales_order_id,
# sku)): the preview does not look it up by the parent's match key (the
# value the plan holds; PostgreSQL refused 'SO-77-1' for an integer column),
# the copy goes through and the key is the INSERT's to enforce
for e in postgres mariadb; do
	rg_reset $e
	case $e in postgres) from=$PGD to=$PGP ;; mariadb) from=$MYD to=$MYP ;; esac
	q "$from" "ALTER TABLE order_lines ADD CONSTRAINT ol_order_sku UNIQUE (sales_order_id, sku)" >/dev/null
	q "$to" "ALTER TABLE order_lines ADD CONSTRAINT ol_order_sku UNIQUE (sales_order_id, sku)" >/dev/null
	rf copy jobs --from "$from" --to "$to" --where "job_number = '0000077'" --follow children \
		--exclude id --key order_lines:line_ref --yes --undo-dir "$T/undo"
	assert_eq "$e: a unique key holding a rewritten reference: copied (exit 0)" 0 "$rc"
	[ "$rc" = 0 ] || cat "$T/err"
	assert_eq "$e: ... the job's graph in the target is the source's" "$(rg_graph "$from")" "$(rg_graph "$to")"
done
# a nullable reference whose parent is neither copied nor in the target:
# refused before anything is written, naming the row's reference
rg_reset postgres
pg "$PGD" "UPDATE order_lines SET parent_line_id = 104 WHERE id = 102" >/dev/null
before=$(rg_dump "$PGP")
rf copy jobs --from "$PGD" --to "$PGP" --where "job_number = '0000077'" --follow children --exclude id \
	--yes --undo-dir "$T/undo"
assert_eq "--exclude id, parent not found: refused (exit 3)" 3 "$rc"
assert_contains "--exclude id, parent not found: names the missing reference" "parent_line_id=L5" "$(cat "$T/out" "$T/err")"
assert_eq "--exclude id, parent not found: nothing written" "$before" "$(rg_dump "$PGP")"


# cycles: depts.manager_id -> emps (nullable) and emps.dept_id -> depts; a
# self-reference emps.mentor_id whose parent has the higher id (MariaDB
# checks a foreign key row by row). Broken at the nullable keys: INSERT
# NULL there, UPDATE once every row exists, journaled.
cyc_schema='CREATE TABLE depts (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, manager_id INTEGER);
CREATE TABLE emps (id INTEGER PRIMARY KEY, dept_id INTEGER NOT NULL, name VARCHAR(20) NOT NULL,
  mentor_id INTEGER, CONSTRAINT emp_dept FOREIGN KEY (dept_id) REFERENCES depts (id),
  CONSTRAINT emp_mentor FOREIGN KEY (mentor_id) REFERENCES emps (id));'
cyc_fk='ALTER TABLE depts ADD CONSTRAINT dept_manager FOREIGN KEY (manager_id) REFERENCES emps (id);'
cyc_rows="INSERT INTO depts VALUES (1, 'ops', NULL); INSERT INTO emps VALUES (10, 1, 'ann', NULL), (11, 1, 'bob', NULL);
UPDATE depts SET manager_id = 11; UPDATE emps SET mentor_id = 11 WHERE id = 10;"
cyc_reset() { # ENGINE [deferrable]
	case $1 in
	postgres)
		for d in rf_cgraph_dev rf_cgraph_prod; do
			pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS $d" >/dev/null
			pg "$RF_TEST_PG_DEV_URL" "CREATE DATABASE $d" >/dev/null
		done
		local fk=$cyc_fk
		[ -n "${2:-}" ] && fk="ALTER TABLE depts ALTER manager_id SET NOT NULL;
			ALTER TABLE depts ADD CONSTRAINT dept_manager FOREIGN KEY (manager_id) REFERENCES emps (id) DEFERRABLE INITIALLY IMMEDIATE;"
		pgf "$PGD" <<<"$cyc_schema ALTER TABLE depts ADD CONSTRAINT dept_manager FOREIGN KEY (manager_id) REFERENCES emps (id) DEFERRABLE INITIALLY DEFERRED; BEGIN; ${cyc_rows/NULL);/11);} COMMIT;"
		[ -z "${2:-}" ] && pg "$PGD" "ALTER TABLE depts ALTER CONSTRAINT dept_manager NOT DEFERRABLE" >/dev/null
		pgf "$PGP" <<<"$cyc_schema $fk" ;;
	mariadb)
		for d in rf_cgraph_dev rf_cgraph_prod; do
			my "$RF_TEST_MY_DEV_URL" "DROP DATABASE IF EXISTS $d; CREATE DATABASE $d"
		done
		myf "$MYD" <<<"$cyc_schema $cyc_fk $cyc_rows"
		myf "$MYP" <<<"$cyc_schema $cyc_fk" ;;
	sqlite)
		rm -f "$T/dev.db" "$T/prod.db"
		local sch=${cyc_schema/manager_id INTEGER)/manager_id INTEGER REFERENCES emps (id))}
		sqlite3 "$T/dev.db" <<<"$sch $cyc_rows"
		sqlite3 "$T/prod.db" <<<"$sch" ;;
	esac
}
cyc_dump() { # URL
	q "$1" "SELECT id, name, COALESCE(manager_id, 0) FROM depts ORDER BY id" | tr '\n' ';'
	q "$1" "SELECT id, dept_id, name, COALESCE(mentor_id, 0) FROM emps ORDER BY id" | tr '\n' ';'
}
check_cycle() { # LABEL ENGINE FROM TO [deferrable]
	local label=$1 from=$3 to=$4 journal
	cyc_reset "$2" "${5:-}"
	rm -f "$T/undo"/*
	rf copy emps --from "$from" --to "$to" --where "id = 11" --limit 5 --yes --undo-dir "$T/undo"
	assert_eq "$label: a parent outside the set missing: refused (exit 3)" 3 "$rc"
	assert_contains "$label: the missing parent is named" "parent rows missing in" "$(cat "$T/out" "$T/err")"
	assert_eq "$label: nothing written" "" "$(cyc_dump "$to")"
	rf copy emps --from "$from" --to "$to" --where "id = 11" --follow parents --dry-run
	assert_eq "$label: --follow parents brings the parent in: exit 0" 0 "$rc"
	assert_contains "$label: --follow parents: the dept inserted first" "depts: 1 to insert" "$(cat "$T/out")"
	assert_not_contains "$label: --follow parents: no missing parent" "parent rows missing" "$(cat "$T/out")"

	rf copy depts --from "$from" --to "$to" --where "id = 1" --follow children --dry-run
	if [ -n "${5:-}" ]; then
		assert_contains "$label: the DEFERRABLE key deferred" 'SET CONSTRAINTS "dept_manager" DEFERRED;' "$(cat "$T/out")"
		assert_eq "$label: no UPDATE for the deferred key" 0 "$(grep -c 'UPDATE "depts"' "$T/out" || true)"
	else
		assert_contains "$label: the preview sets the references last" \
			"references set once every row exists (cycle broken)" "$(cat "$T/out")"
	fi
	rf copy depts --from "$from" --to "$to" --where "id = 1" --follow children --yes --undo-dir "$T/undo"
	assert_eq "$label: cycle copied: exit 0" 0 "$rc"
	[ "$rc" = 0 ] || cat "$T/err"
	assert_eq "$label: rows and references as in the source" "$(cyc_dump "$from")" "$(cyc_dump "$to")"
	journal=$(sed -n 's/^journal: //p' "$T/out")
	if [ -z "${5:-}" ]; then
		assert_eq "$label: journal: inserts, then the references' updates" \
			"insert depts;insert emps;insert emps;update depts;update emps;" \
			"$(jq -r 'select(.op) | "\(.op) \(.table | sub(".*\\.";""))"' "$journal" | tr '\n' ';')"
	fi
	rf copy depts --from "$from" --to "$to" --where "id = 1" --follow children --yes --undo-dir "$T/undo"
	assert_contains "$label: second run: nothing to do" "nothing to do" "$(cat "$T/out")"
	# a row written twice (insert, then its reference) edited since: --force
	# leaves it alone, its insert included
	q "$to" "UPDATE emps SET name = 'ANN' WHERE id = 10"
	rf undo "$journal" --to "$to" --dry-run --force
	assert_contains "$label: undo --force: the other rows are deleted" "11" \
		"$(grep -E 'DELETE FROM [^ ]*emps. ' "$T/out" || true)"
	assert_eq "$label: undo --force: the edited row's insert is left alone too" 0 \
		"$(grep -cE 'DELETE FROM [^ ]*emps. .*[(, ]10[,)]' "$T/out" || true)"
	q "$to" "UPDATE emps SET name = 'ann' WHERE id = 10"
	rf undo "$journal" --to "$to" --yes
	assert_eq "$label: undo: exit 0" 0 "$rc"
	assert_eq "$label: undo removes every row" "" "$(cyc_dump "$to")"
}
check_cycle "postgres cycle" postgres "$PGD" "$PGP"
check_cycle "postgres deferrable cycle" postgres "$PGD" "$PGP" deferrable
check_cycle "sqlite cycle" sqlite "sqlite:$T/dev.db" "sqlite:$T/prod.db"
check_cycle "mariadb cycle" mariadb "$MYD" "$MYP"

# a cycle with neither a nullable nor a DEFERRABLE key: refused before writing
pg "$PGP" "ALTER TABLE depts DROP CONSTRAINT dept_manager; ALTER TABLE depts ADD CONSTRAINT dept_manager FOREIGN KEY (manager_id) REFERENCES emps (id)" >/dev/null
pg "$PGD" "ALTER TABLE depts DROP CONSTRAINT dept_manager; ALTER TABLE depts ALTER manager_id SET NOT NULL; ALTER TABLE depts ADD CONSTRAINT dept_manager FOREIGN KEY (manager_id) REFERENCES emps (id)" >/dev/null
rf copy depts --from "$PGD" --to "$PGP" --where "id = 1" --follow children --yes --undo-dir "$T/undo"
assert_eq "unbreakable cycle: exit 2" 2 "$rc"
assert_contains "unbreakable cycle: names the constraints" "dept_manager (" "$(cat "$T/err")"
assert_contains "unbreakable cycle: names the constraints" "emp_dept (" "$(cat "$T/err")"

for d in rf_cgraph_dev rf_cgraph_prod; do
	pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS $d" >/dev/null
	my "$RF_TEST_MY_DEV_URL" "DROP DATABASE IF EXISTS $d"
done
finish
