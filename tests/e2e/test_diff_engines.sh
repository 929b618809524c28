#!/bin/bash
# rowferry diff against real PostgreSQL, MariaDB and SQLite: planted
# differences come back exactly, in each engine and across engines.
. "$(dirname "$0")/lib.sh"

PGD=$RF_TEST_PG_DEV_URL PGP=$RF_TEST_PG_PROD_URL
MYD=$RF_TEST_MY_DEV_URL MYP=$RF_TEST_MY_PROD_URL
SQD=$T/dev.db SQP=$T/prod.db

# rf_dev/rf_prod are shared with other tests: start from our own clean tables
for t in orders_t orders_copy nopk coll_t typed_t; do
	for u in "$PGD" "$PGP"; do pg "$u" "DROP TABLE IF EXISTS $t" >/dev/null; done
	for u in "$MYD" "$MYP"; do my "$u" "DROP TABLE IF EXISTS $t"; done
done

# --- the same planted differences in each engine -------------------------
schema='CREATE TABLE orders_t (region VARCHAR(20) NOT NULL, order_no INTEGER NOT NULL,
  sku VARCHAR(40), qty INTEGER, price DECIMAL(12,2), note TEXT, PRIMARY KEY (region, order_no));'
rows() { # $1 = dev|prod
	local r n
	for r in EU US; do
		for n in $(seq 1 40); do
			[ "$1" = prod ] && { [ "$r$n" = EU7 ] || [ "$r$n" = US13 ]; } && continue
			local qty=$n price="$n.50" note="'n$n'"
			[ "$1" = prod ] && [ "$r$n" = EU3 ] && qty=99
			[ "$1" = prod ] && [ "$r$n" = EU4 ] && price="2.50"
			[ "$1" = prod ] && [ "$r$n" = US20 ] && note="''"
			[ "$1" = dev ] && [ "$r$n" = US20 ] && note=NULL
			echo "INSERT INTO orders_t VALUES ('$r', $n, 'SKU-$n', $qty, $price, $note);"
		done
	done
	[ "$1" = prod ] && echo "INSERT INTO orders_t VALUES ('ZZ', 1, 'SKU-Z', 1, 1.00, 'extra');"
	true
}
{ echo "$schema"; rows dev; } >"$T/dev.sql"
{ echo "$schema"; rows prod; } >"$T/prod.sql"
pgf "$PGD" <"$T/dev.sql"
pgf "$PGP" <"$T/prod.sql"
myf "$MYD" <"$T/dev.sql"
myf "$MYP" <"$T/prod.sql"
sqlite3 "$SQD" <"$T/dev.sql"
sqlite3 "$SQP" <"$T/prod.sql"

check_planted() { # LABEL FROM TO
	local label=$1
	rf diff orders_t --from "$2" --to "$3" --format json
	assert_eq "$label: exit 1 on differences" 1 "$rc"
	assert_eq "$label: only_source keys" 'EU/7 US/13' \
		"$(jq -r 'select(.status=="only_source") | "\(.key.region)/\(.key.order_no)"' "$T/out" | tr '\n' ' ' | sed 's/ $//')"
	assert_eq "$label: only_target keys" 'ZZ/1' \
		"$(jq -r 'select(.status=="only_target") | "\(.key.region)/\(.key.order_no)"' "$T/out" | tr '\n' ' ' | sed 's/ $//')"
	assert_eq "$label: changed keys and columns" 'EU/3:qty EU/4:price US/20:note' \
		"$(jq -r 'select(.status=="changed") | "\(.key.region)/\(.key.order_no):\(.changed|join(","))"' "$T/out" | tr '\n' ' ' | sed 's/ $//')"
	assert_eq "$label: summary" '2 1 3 75' \
		"$(jq -r 'select(.summary) | .summary | "\(.only_source) \(.only_target) \(.changed) \(.identical)"' "$T/out")"
	assert_eq "$label: NULL vs empty string reported as null and \"\"" 'null ""' \
		"$(jq -c 'select(.key.region=="US" and .key.order_no=="20") | [.source.note, .target.note]' "$T/out" | jq -r '"\(.[0]) \(.[1]|tojson)"')"
}
check_planted "postgres" "$PGD" "$PGP"
check_planted "mariadb" "$MYD" "$MYP"
check_planted "sqlite" "sqlite:$SQD" "sqlite:$SQP"
check_planted "mariadb->postgres" "$MYD" "$PGP"
check_planted "sqlite->postgres" "sqlite:$SQD" "$PGP"
check_planted "postgres->mariadb" "$PGD" "$MYP"

# filters, summary, text and sql formats
rf diff orders_t --from "$PGD" --to "$PGP" --where "region = 'EU'" --summary
assert_eq "where + summary: exit" 1 "$rc"
assert_eq "where + summary: counts" "public.orders_t: 1 only in source, 0 only in target, 2 changed, 37 identical" "$(cat "$T/out")"
rf diff orders_t --from "$PGD" --to "$PGP" --source-where "region = 'EU'" --target-where "region = 'ZZ'" --summary
assert_contains "source-where/target-where differ" "40 only in source, 1 only in target, 0 changed" "$(cat "$T/out")"
rf diff orders_t --from "$PGD" --to "$PGP" --where "region = 'EU' AND order_no = 3"
assert_contains "text: glyph and key" "~ region=EU, order_no=3  (changed)" "$(cat "$T/out")"
assert_contains "text: values side by side" "qty  3" "$(cat "$T/out")"
assert_contains "text: target value" "->  99" "$(cat "$T/out")"
rf diff orders_t --from "$PGD" --to "$PGP" --ignore qty,price,note --summary
assert_contains "ignore: changed columns not compared" "2 only in source, 1 only in target, 0 changed, 78 identical" "$(cat "$T/out")"
rf diff orders_t --from "$PGD" --to "$PGP" --exclude note --summary
assert_contains "exclude: note not compared" "2 changed" "$(cat "$T/out")"
rf diff orders_t --from "$PGD" --to "$PGP" --tolerance price=2 --summary
assert_contains "tolerance: price within 2 is equal (4.50 vs 2.50)" "2 changed" "$(cat "$T/out")"

# --format sql, run through psql, makes the target match
pg "$PGD" "CREATE TABLE orders_copy AS SELECT * FROM orders_t; ALTER TABLE orders_copy ADD PRIMARY KEY (region, order_no);" >/dev/null
pg "$PGP" "CREATE TABLE orders_copy AS SELECT * FROM orders_t; ALTER TABLE orders_copy ADD PRIMARY KEY (region, order_no);" >/dev/null
rf diff orders_copy --from "$PGD" --to "$PGP" --format sql
assert_eq "sql: exit 1" 1 "$rc"
assert_contains "sql: insert quoted for the target" 'INSERT INTO "public"."orders_copy"' "$(cat "$T/out")"
assert_not_contains "sql: no DELETE unless asked for, as copy" "DELETE FROM" "$(cat "$T/out")"
assert_contains "sql: says the target-only row is left alone" "1 differing row left alone: delete not asked for (--ops)" "$(cat "$T/out")"
assert_contains "sql: the header of copy --dry-run" "-- copy public.orders_copy: " "$(head -n 1 "$T/out")"
assert_contains "sql: one transaction" "BEGIN;" "$(cat "$T/out")"
assert_eq "sql: ... committed at the end" "COMMIT;" "$(tail -n 1 "$T/out")"
rf diff orders_copy --from "$PGD" --to "$PGP" --format sql --ops insert,update,delete
assert_contains "sql: delete of the target-only row when asked for" "DELETE FROM \"public\".\"orders_copy\" WHERE \"region\" = 'ZZ'" "$(cat "$T/out")"
cp "$T/out" "$T/diff.sql"
rf copy orders_copy --from "$PGD" --to "$PGP" --ops insert,update,delete --dry-run
assert_eq "sql: byte for byte the script copy --dry-run prints" "$(cat "$T/out")" "$(cat "$T/diff.sql")"
psql -X -q -v ON_ERROR_STOP=1 "$PGP" -f "$T/diff.sql" >/dev/null
rf diff orders_copy --from "$PGD" --to "$PGP" --summary
assert_eq "sql output applied: no differences left" 0 "$rc"

# --- errors ---------------------------------------------------------------
rf diff orders_t --from "$PGD" --to "$PGP" --where "1=1; DROP TABLE orders_t"
assert_eq "where with ';' is an error" 2 "$rc"
assert_contains "where error says why" "single expression" "$(cat "$T/err")"
assert_eq "and drops nothing" 80 "$(pg "$PGD" 'SELECT count(*) FROM orders_t')"
rf diff orders_t --from "$PGD" --to "$PGP" --where "region = 'EU') OR (1=1"
assert_eq "where breaking out of its parentheses is an error" 2 "$rc"
rf diff orders_t --from "$PGD" --to "$PGP" --where "no_such_col = 1"
assert_eq "server error in where: exit 2" 2 "$rc"
assert_contains "server error names the connection" "no_such_col" "$(cat "$T/err")"
rf diff no_such_table --from "$PGD" --to "$PGP"
assert_eq "unknown table: exit 2" 2 "$rc"
assert_eq "one error line" 1 "$(wc -l <"$T/err")"
rf diff orders_t --from "$PGD" --to "$PGP" --exclude nope
assert_contains "unknown excluded column named" "no column 'nope'" "$(cat "$T/err")"
pg "$PGD" "CREATE TABLE nopk (a int, b text)" >/dev/null
pg "$PGP" "CREATE TABLE nopk (a int, b text)" >/dev/null
rf diff nopk --from "$PGD" --to "$PGP"
assert_eq "no primary key, no --key: exit 2" 2 "$rc"
assert_contains "no primary key: says to give --key" "has no primary key: give --key" "$(cat "$T/err")"
rf diff nopk --from "$PGD" --to "$PGP" --key a
assert_eq "no primary key with --key works" 0 "$rc"

# a stream that is not in the merge's order stops the diff, naming the column
sq "$SQD" "CREATE TABLE padded (k TEXT PRIMARY KEY, v INT); INSERT INTO padded VALUES (' z', 1), ('a', 2);"
sq "$SQP" "CREATE TABLE padded (k TEXT PRIMARY KEY, v INT); INSERT INTO padded VALUES (' z', 1), ('a', 2);"
rf diff padded --from "sqlite:$SQD" --to "sqlite:$SQP" --trim k
assert_eq "out-of-order stream: exit 2" 2 "$rc"
assert_contains "out-of-order: names column and keys" "out of key order on column k: (k=z) before (k=a)" "$(cat "$T/err")"

# --- the collation trap ---------------------------------------------------
# PostgreSQL rf_dev is en_US.UTF-8 and MariaDB is utf8mb4_general_ci: both
# order these keys differently from each other and from byte order.
keys="'a-b' 'aB' 'Ab2' 'éclair' 'eclair2' 'Zebra' 'zebra2' '_x' 'b.c' 'B d' 'Ωmega' 'ñu' 'Nu2' 'a b' 'a_b' 'a.b' '10' '9' 'ä' 'z'"
sql="CREATE TABLE coll_t (k VARCHAR(50) NOT NULL PRIMARY KEY, v INTEGER);"
for k in $keys; do sql="$sql INSERT INTO coll_t VALUES ($k, 1);"; done
pg "$PGD" "$sql" >/dev/null
echo "$sql" | myf "$MYD"
assert_eq "fixture: en_US orders differently from bytes" "t" \
	"$(pg "$PGD" "SELECT (SELECT string_agg(k, '|' ORDER BY k) FROM coll_t) <> (SELECT string_agg(k, '|' ORDER BY k COLLATE \"C\") FROM coll_t)")"
rf diff coll_t --from "$MYD" --to "$PGD" --format json
assert_eq "collation trap mariadb->postgres: no differences" 0 "$rc"
assert_eq "collation trap: 20 identical" 20 "$(jq -r 'select(.summary) | .summary.identical' "$T/out")"
rf diff coll_t --from "$PGD" --to "$MYD" --summary
assert_eq "collation trap postgres->mariadb: no differences" 0 "$rc"

# --- MariaDB: keys that the collation orders by byte come in index order --
# (no server sort: Sort_rows grows by less than the 6000 rows streamed);
# keys it orders otherwise (lower case with '_') are sorted by their bytes.
for u in "$MYD" "$MYP"; do
	my "$u" "DROP TABLE IF EXISTS ord_t; CREATE TABLE ord_t (g VARCHAR(10) NOT NULL,
	  n VARCHAR(20) NOT NULL, v INT, PRIMARY KEY (g, n)) COLLATE utf8mb4_general_ci;
	  SET SESSION max_recursive_iterations = 10000; INSERT INTO ord_t WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 3000)
	  SELECT LPAD(i DIV 10, 4, '0'), CONCAT('ORD_', i), i FROM s;"
done
my "$MYP" "UPDATE ord_t SET v = -1 WHERE v = 1234; DELETE FROM ord_t WHERE v = 77"
sort_rows() { my "$MYD" "SHOW GLOBAL STATUS LIKE 'Sort_rows'" | cut -f2; }
before=$(sort_rows)
rf diff ord_t --from "$MYD" --to "$MYP" --algorithm stream --summary
sorted=$(($(sort_rows) - before))
assert_eq "byte-ordered keys: exit 1" 1 "$rc"
assert_contains "byte-ordered keys: the differences" \
	"1 only in source, 0 only in target, 1 changed, 2998 identical" "$(cat "$T/out")"
assert_eq "byte-ordered keys: read in index order, not sorted ($sorted rows sorted)" yes \
	"$([ "$sorted" -lt 3000 ] && echo yes || echo no)"
for u in "$MYD" "$MYP"; do my "$u" "UPDATE ord_t SET n = LOWER(n)"; done
before=$(sort_rows)
rf diff ord_t --from "$MYD" --to "$MYP" --algorithm stream --summary
sorted=$(($(sort_rows) - before))
assert_eq "lower case and '_': exit 1" 1 "$rc"
assert_contains "lower case and '_': the differences" \
	"1 only in source, 0 only in target, 1 changed, 2998 identical" "$(cat "$T/out")"
assert_eq "lower case and '_': sorted by bytes ($sorted rows sorted)" yes \
	"$([ "$sorted" -ge 5998 ] && echo yes || echo no)"
# upper case again but one key in lower case midway, on both sides: its
# first rows say byte order, so each side streams in index order, checking
# every key, until 'ord_1500' (general_ci puts it among ORD_150x, bytes
# after them); from there on its rows come sorted by bytes. The differences
# before, at and after that key all come back.
for u in "$MYD" "$MYP"; do my "$u" "UPDATE ord_t SET n = UPPER(n); UPDATE ord_t SET n = 'ord_1500' WHERE v = 1500"; done
my "$MYP" "UPDATE ord_t SET v = -5 WHERE n = 'ord_1500'; UPDATE ord_t SET v = -2 WHERE v = 2500"
before=$(sort_rows)
rf diff ord_t --from "$MYD" --to "$MYP" --algorithm stream --format json
sorted=$(($(sort_rows) - before))
assert_eq "a key outside the set midway: exit 1" 1 "$rc"
assert_eq "a key outside the set midway: the differences" \
	'only_source 0007/ORD_77 changed 0123/ORD_1234 changed 0150/ord_1500 changed 0250/ORD_2500 1 0 3 2996' \
	"$(jq -r 'if .summary then .summary | "\(.only_source) \(.only_target) \(.changed) \(.identical)" else "\(.status) \(.key.g)/\(.key.n)" end' "$T/out" | tr '\n' ' ' | sed 's/ $//')"
assert_eq "a key outside the set midway: only the rows after it sorted ($sorted rows sorted)" yes \
	"$([ "$sorted" -gt 0 ] && [ "$sorted" -lt 5000 ] && echo yes || echo no)"

# an ENUM key sorts by its members' numbers: still sorted by its bytes
for u in "$MYD" "$MYP"; do
	my "$u" "DROP TABLE IF EXISTS enum_t; CREATE TABLE enum_t (k ENUM('ZED', 'ALPHA') NOT NULL
	  PRIMARY KEY, v INT) COLLATE utf8mb4_general_ci; INSERT INTO enum_t VALUES ('ZED', 1), ('ALPHA', 2);"
done
my "$MYP" "UPDATE enum_t SET v = 3 WHERE k = 'ALPHA'"
rf diff enum_t --from "$MYD" --to "$MYP" --algorithm stream --summary
assert_eq "ENUM key: exit 1" 1 "$rc"
assert_contains "ENUM key: the differences" \
	"0 only in source, 0 only in target, 1 changed, 1 identical" "$(cat "$T/out") $(cat "$T/err")"

# --- cross-engine types: equal data compares equal ------------------------
pg "$PGP" "CREATE TABLE typed_t (id int PRIMARY KEY, flag boolean, ts timestamptz, amount numeric,
  doc jsonb, uid uuid, bin bytea, label text);
  INSERT INTO typed_t VALUES
  (1, true, '2026-11-21 11:00:00.123456+01', 1.5, '{\"b\":1,\"a\":[1,2]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff10', 'héllo 👋'),
  (2, false, '2026-01-01 00:00:00+00', 10, '[]', '00000000-0000-0000-0000-000000000002', '\\x', ''),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL);" >/dev/null
my "$MYD" "CREATE TABLE typed_t (id INT PRIMARY KEY, flag TINYINT(1), ts DATETIME(6), amount DECIMAL(12,2),
  doc JSON, uid CHAR(36), bin BLOB, label VARCHAR(50));
  INSERT INTO typed_t VALUES
  (1, 1, '2026-11-21 10:00:00.123456', 1.50, '{\"a\": [1, 2], \"b\": 1}', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', x'00ff10', 'héllo 👋'),
  (2, 0, '2026-01-01 00:00:00', 10.00, '[ ]', '00000000-0000-0000-0000-000000000002', x'', ''),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL);"
sq "$SQD" "CREATE TABLE typed_t (id INTEGER PRIMARY KEY, flag BOOLEAN, ts DATETIME, amount DECIMAL(12,2),
  doc JSON, uid UUID, bin BLOB, label TEXT);
  INSERT INTO typed_t VALUES
  (1, 1, '2026-11-21T10:00:00.123456Z', '1.50', '{ \"b\" : 1, \"a\" : [1,2] }', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', X'00FF10', 'héllo 👋'),
  (2, 0, '2026-01-01 00:00:00', 10, '[]', '00000000-0000-0000-0000-000000000002', X'', ''),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL);"
rf diff typed_t --from "$MYD" --to "$PGP" --format json
assert_eq "mariadb->postgres typed: identical (tinyint(1)/boolean, datetime/timestamptz, 1.50/1.5, json order, uuid case, blob/bytea)" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/out" "$T/err"
rf diff typed_t --from "sqlite:$SQD" --to "$PGP" --format json
assert_eq "sqlite->postgres typed: identical" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/out" "$T/err"
pg "$PGP" "UPDATE typed_t SET label = 'hello', ts = ts + interval '1 microsecond' WHERE id = 1" >/dev/null
rf diff typed_t --from "$MYD" --to "$PGP" --format json
assert_eq "a planted change across engines is found" 'changed 1 ts,label' \
	"$(jq -r 'select(.status) | "\(.status) \(.key.id) \(.changed|join(","))"' "$T/out")"
rf diff typed_t --from "$MYD" --to "$PGP" --ts-precision ts=3 --ignore label --summary
assert_eq "ts-precision 3 hides a microsecond" 0 "$rc"

# --- the demo -------------------------------------------------------------
"$ROWFERRY" demo --no-open "$T/demo" >/dev/null
rf diff siteflow_orders --config "$T/demo/config.ini" --format json
assert_eq "demo: exit 1" 1 "$rc"
assert_eq "demo: 12 rows only in dev, all of job 0000065" "12 0000065" \
	"$(jq -r 'select(.status=="only_source") | .source.job_number' "$T/out" | sort | uniq -c | awk '{print $1, $2}')"
assert_eq "demo: 3 changed rows" 3 "$(jq -r 'select(.status=="changed") | .key.guid' "$T/out" | wc -l)"
assert_eq "demo: each changed row names one or two columns" "ok" \
	"$(jq -r 'select(.status=="changed") | .changed | length' "$T/out" | awk '$1<1||$1>2{bad=1} END{print bad?"bad":"ok"}')"
assert_eq "demo: 2 rows only in prod" 2 "$(jq -r 'select(.status=="only_target") | .key.guid' "$T/out" | wc -l)"
rf diff siteflow_orders --config "$T/demo/config.ini" --key job_number,order_ref --exclude guid \
	--where "job_number = '0000065'"
assert_contains "demo: job 0000065 by natural key, text" "12 only in source, 0 only in target, 0 changed, 0 identical" "$(cat "$T/out")"
assert_contains "demo: text rows carry the + glyph" "+ job_number=0000065, order_ref=" "$(cat "$T/out")"

# --- an excluded column is not read from the target either -------------------
# (a diff shown is never planned: only --format sql, which plans as copy does,
# still reads the target's whole rows for the before-images)
for f in "$T/lean_a.db" "$T/lean_b.db"; do
	rm -f "$f"
	sq "$f" "CREATE TABLE w (id INTEGER PRIMARY KEY, g TEXT, v INT);
	  WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100)
	  INSERT INTO w SELECT i, printf('%.1000c', 'x'), i FROM s"
done
sq "$T/lean_b.db" "UPDATE w SET v = v + 1 WHERE id % 10 = 0; UPDATE w SET g = 'y' WHERE id = 5"
received() { sed -n 's/.*received [0-9]* rows, \([0-9]*\) bytes.*/\1/p' "$T/err"; }
rf diff w --from "sqlite:$T/lean_a.db" --to "sqlite:$T/lean_b.db" --exclude g --algorithm stream --format json
assert_eq "--exclude g: the 10 changes in v, not the one in g" 10 "$(jq -r 'select(.status=="changed") | .key.id' "$T/out" | wc -l)"
bytes=$(received)
[ "${bytes:-999999}" -lt 5000 ] && ok "--exclude g: $bytes bytes received (the 1000-byte g read from neither side)" ||
	not_ok "--exclude g: ${bytes:-?} bytes received: the target still sends g ($(cat "$T/err"))"
rf diff w --from "sqlite:$T/lean_a.db" --to "sqlite:$T/lean_b.db" --exclude g --algorithm stream --format sql
bytes=$(received)
[ "${bytes:-0}" -gt 90000 ] && ok "--exclude g --format sql: $bytes bytes (the target's whole rows, for the plan)" ||
	not_ok "--exclude g --format sql: ${bytes:-?} bytes received"

finish
