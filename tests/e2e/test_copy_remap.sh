#!/bin/bash
# rowferry copy --remap TABLE=uuid5 (DESIGN §11): jobs -> sales_orders ->
# order_lines where the target keys jobs and sales_orders by UUIDs that
# rowferry computes as UUIDv5(namespace, "TABLE:<source key>"), the
# namespace being the target connection's remap_namespace (else derived
# from its name). The children's references are computed the same way, so
# they are plain values: the keys are the same on two fresh targets, every
# reference points at the computed key (join check), a second run has
# nothing to do, undo removes all. PostgreSQL (uuid), MariaDB (char(36)),
# SQLite (text) as targets, and SQLite -> PostgreSQL.
. "$(dirname "$0")/lib.sh"

PGD=${RF_TEST_PG_DEV_URL/\/rf_dev\?//rf_remap_dev?} PGP=${RF_TEST_PG_PROD_URL/\/rf_prod\?//rf_remap_prod?}
PGQ=${RF_TEST_PG_PROD_URL/\/rf_prod\?//rf_remap_prod2?}
MYD=${RF_TEST_MY_DEV_URL/\/rf_dev\?//rf_remap_dev?} MYP=${RF_TEST_MY_PROD_URL/\/rf_prod\?//rf_remap_prod?}
MYQ=${RF_TEST_MY_PROD_URL/\/rf_prod\?//rf_remap_prod2?}
NS=8c4b1e0a-5f3d-4b7e-9a21-3d6f0c2b9e47

src_schema='CREATE TABLE jobs (id INTEGER PRIMARY KEY, job_number VARCHAR(20) NOT NULL UNIQUE,
  customer VARCHAR(40) NOT NULL);
CREATE TABLE sales_orders (id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL,
  order_ref VARCHAR(20) NOT NULL UNIQUE, total DECIMAL(12,2) NOT NULL,
  FOREIGN KEY (job_id) REFERENCES jobs (id));
CREATE TABLE order_lines (id INTEGER PRIMARY KEY, sales_order_id INTEGER NOT NULL,
  line_ref VARCHAR(20) NOT NULL UNIQUE, sku VARCHAR(20) NOT NULL, qty INTEGER NOT NULL,
  parent_line_id INTEGER,
  FOREIGN KEY (sales_order_id) REFERENCES sales_orders (id),
  FOREIGN KEY (parent_line_id) REFERENCES order_lines (id));'
dst_schema='CREATE TABLE jobs (id UUID_T PRIMARY KEY, job_number VARCHAR(20) NOT NULL UNIQUE,
  customer VARCHAR(40) NOT NULL);
CREATE TABLE sales_orders (id UUID_T PRIMARY KEY, job_id UUID_T NOT NULL,
  order_ref VARCHAR(20) NOT NULL UNIQUE, total DECIMAL(12,2) NOT NULL,
  FOREIGN KEY (job_id) REFERENCES jobs (id));
CREATE TABLE order_lines (id INTEGER PRIMARY KEY, sales_order_id UUID_T NOT NULL,
  line_ref VARCHAR(20) NOT NULL UNIQUE, sku VARCHAR(20) NOT NULL, qty INTEGER NOT NULL,
  parent_line_id INTEGER,
  FOREIGN KEY (sales_order_id) REFERENCES sales_orders (id),
  FOREIGN KEY (parent_line_id) REFERENCES order_lines (id));'
dev_rows="INSERT INTO jobs VALUES (1, '0000076', 'Acme'), (2, '0000077', 'Globex');
INSERT INTO sales_orders VALUES (10, 2, 'SO-77-1', 10.00), (11, 2, 'SO-77-2', 20.00), (12, 1, 'SO-76-1', 5.00);
INSERT INTO order_lines VALUES (100, 10, 'L1', 'A', 1, NULL), (101, 10, 'L2', 'B', 2, 100),
  (102, 11, 'L3', 'C', 3, NULL), (103, 11, 'L4', 'D', 4, 102), (104, 12, 'L5', 'E', 1, NULL);"

reset_src() { # ENGINE
	case $1 in
	postgres)
		pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS rf_remap_dev" >/dev/null
		pg "$RF_TEST_PG_DEV_URL" "CREATE DATABASE rf_remap_dev" >/dev/null
		pgf "$PGD" <<<"$src_schema $dev_rows" ;;
	mariadb)
		my "$RF_TEST_MY_DEV_URL" "DROP DATABASE IF EXISTS rf_remap_dev; CREATE DATABASE rf_remap_dev"
		myf "$MYD" <<<"$src_schema $dev_rows" ;;
	sqlite)
		rm -f "$T/dev.db"
		sqlite3 "$T/dev.db" <<<"$src_schema $dev_rows" ;;
	esac
}
reset_dst() { # ENGINE DB
	case $1 in
	postgres)
		pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS $2" >/dev/null
		pg "$RF_TEST_PG_DEV_URL" "CREATE DATABASE $2" >/dev/null
		pgf "${RF_TEST_PG_PROD_URL/\/rf_prod\?//$2?}" <<<"${dst_schema//UUID_T/UUID}" ;;
	mariadb)
		my "$RF_TEST_MY_DEV_URL" "DROP DATABASE IF EXISTS $2; CREATE DATABASE $2"
		myf "${RF_TEST_MY_PROD_URL/\/rf_prod\?//$2?}" <<<"${dst_schema//UUID_T/CHAR(36)}" ;;
	sqlite)
		rm -f "$T/$2.db"
		sqlite3 "$T/$2.db" <<<"${dst_schema//UUID_T/TEXT}" ;;
	esac
}
q() { # URL SQL
	case $1 in
	postgres*) pg "$1" "$2" ;;
	mysql* | mariadb*) my "$1" "$2" | tr '\t' '|' ;;
	sqlite:*) sq "${1#sqlite:}" "$2" ;;
	esac
}
dump() { # URL
	q "$1" "SELECT id, job_number FROM jobs ORDER BY id" | tr '\n' ';'
	q "$1" "SELECT id, job_id, order_ref FROM sales_orders ORDER BY id" | tr '\n' ';'
	q "$1" "SELECT id, sales_order_id, line_ref, COALESCE(parent_line_id, 0) FROM order_lines ORDER BY id" | tr '\n' ';'
}
# the job's graph joined through the references: equal on both sides
# only if every reference points at the row it should
graph() { # URL
	q "$1" "SELECT j.job_number, s.order_ref, l.line_ref, l.sku, l.qty, COALESCE(p.line_ref, '-')
		FROM order_lines l JOIN sales_orders s ON s.id = l.sales_order_id JOIN jobs j ON j.id = s.job_id
		LEFT JOIN order_lines p ON p.id = l.parent_line_id WHERE j.job_number = '0000077' ORDER BY 3" | tr '\n' ';'
}
uuid5() { # NAMESPACE NAME
	python3 -c 'import sys, uuid; print(uuid.uuid5(uuid.UUID(sys.argv[1]), sys.argv[2]))' "$1" "$2"
}
config() { # FILE SOURCE_URL TARGET_URL TARGET2_URL [NAMESPACE]
	{
		printf '[connection dev]\nurl = %s\n\n' "$2"
		printf '[connection prod]\nurl = %s\n' "$3"
		[ -n "${5:-}" ] && printf 'remap_namespace = %s\n' "$5"
		printf '\n[connection prod2]\nurl = %s\n' "$4"
		[ -n "${5:-}" ] && printf 'remap_namespace = %s\n' "$5"
		printf '\n[safety]\nundo_dir = %s\n' "$T/undo"
	} >"$1"
	chmod 600 "$1"
}
REMAP=(--remap jobs=uuid5 --remap sales_orders=uuid5)
SEL=(--where "job_number = '0000077'" --follow children)

check_remap() { # LABEL SRC_ENGINE DST_ENGINE FROM TO TO2
	local label=$1 from=$4 to=$5 to2=$6 cfg=$T/cfg.ini before journal
	reset_src "$2"
	reset_dst "$3" rf_remap_prod
	reset_dst "$3" rf_remap_prod2
	[ "$3" = sqlite ] && to=sqlite:$T/rf_remap_prod.db to2=sqlite:$T/rf_remap_prod2.db
	config "$cfg" "$from" "$to" "$to2" "$NS"
	mkdir -p "$T/undo"
	rm -f "$T/undo"/*
	before=$(dump "$to")

	rf --config "$cfg" diff jobs --from dev --to prod "${SEL[@]}" "${REMAP[@]}" --format json
	assert_eq "$label: diff: exit 1 (differences)" 1 "$rc"
	[ "$rc" = 1 ] || cat "$T/err"
	assert_eq "$label: diff: the job's key is the UUIDv5 of jobs:2 in remap_namespace" \
		"$(uuid5 $NS jobs:2)" "$(jq -r 'select(.status == "only_source" and .source.job_number) | .source.id' "$T/out")"
	assert_eq "$label: diff: the orders' keys and references computed" \
		"$(uuid5 $NS sales_orders:10) $(uuid5 $NS jobs:2);$(uuid5 $NS sales_orders:11) $(uuid5 $NS jobs:2);" \
		"$(jq -r 'select(.status == "only_source" and .source.order_ref) | "\(.source.id) \(.source.job_id)"' "$T/out" | sort | tr '\n' ';')"

	rf --config "$cfg" copy jobs --from dev --to prod "${SEL[@]}" "${REMAP[@]}" --dry-run
	assert_eq "$label: --dry-run: exit 0" 0 "$rc"
	assert_contains "$label: --dry-run: the order inserted with its computed key and job" \
		"'$(uuid5 $NS sales_orders:11)', '$(uuid5 $NS jobs:2)', 'SO-77-2'" "$(cat "$T/out")"
	assert_not_contains "$label: --dry-run: no subquery (plain values)" "(SELECT" "$(cat "$T/out")"
	assert_eq "$label: --dry-run writes nothing" "$before" "$(dump "$to")"

	rf --config "$cfg" copy jobs --from dev --to prod "${SEL[@]}" "${REMAP[@]}" --yes
	assert_eq "$label: copy: exit 0" 0 "$rc"
	[ "$rc" = 0 ] || cat "$T/err"
	assert_contains "$label: copy: counts" "7 inserted" "$(cat "$T/out")"
	assert_eq "$label: the job's graph in the target is the source's (join check)" "$(graph "$from")" "$(graph "$to")"
	assert_eq "$label: the lines point at the computed order keys" \
		"L1 $(uuid5 $NS sales_orders:10);L2 $(uuid5 $NS sales_orders:10);L3 $(uuid5 $NS sales_orders:11);L4 $(uuid5 $NS sales_orders:11);" \
		"$(q "$to" "SELECT line_ref, sales_order_id FROM order_lines ORDER BY line_ref" | tr '|' ' ' | tr '\n' ';')"
	journal=$(sed -n 's/^journal: //p' "$T/out")
	assert_eq "$label: the journal's inserts carry the source's key (source_key)" \
		"jobs 2 $(uuid5 $NS jobs:2);sales_orders 10 $(uuid5 $NS sales_orders:10);sales_orders 11 $(uuid5 $NS sales_orders:11);" \
		"$(jq -r 'select(.op == "insert" and (.table | test("jobs|sales_orders"))) | "\(.table | sub(".*\\.";"")) \(.source_key.id) \(.key.id)"' "$journal" | sort | tr '\n' ';')"
	rf --config "$cfg" log "$journal" --keys
	assert_eq "$label: log --keys: exit 0" 0 "$rc"
	assert_eq "$label: log --keys: source key -> target key per inserted row" \
		"jobs 2 $(uuid5 $NS jobs:2);order_lines 100 100;order_lines 101 101;order_lines 102 102;order_lines 103 103;sales_orders 10 $(uuid5 $NS sales_orders:10);sales_orders 11 $(uuid5 $NS sales_orders:11);" \
		"$(jq -r '"\(.table | sub(".*\\.";"")) \(.source_key.id) \(.key.id)"' "$T/out" | sort | tr '\n' ';')"

	rf --config "$cfg" copy jobs --from dev --to prod2 "${SEL[@]}" "${REMAP[@]}" --yes
	assert_eq "$label: copy to a second fresh target: exit 0" 0 "$rc"
	assert_eq "$label: the keys are the same on two fresh targets" "$(dump "$to")" "$(dump "$to2")"

	rf --config "$cfg" diff jobs --from dev --to prod "${SEL[@]}" "${REMAP[@]}"
	assert_eq "$label: re-diff: no differences (exit 0)" 0 "$rc"
	rf --config "$cfg" copy jobs --from dev --to prod "${SEL[@]}" "${REMAP[@]}" --yes
	assert_eq "$label: second run: exit 0" 0 "$rc"
	assert_contains "$label: second run: nothing to do" "nothing to do" "$(cat "$T/out")"

	rf --config "$cfg" undo "$journal" --to prod --yes
	assert_eq "$label: undo: exit 0" 0 "$rc"
	[ "$rc" = 0 ] || cat "$T/err"
	assert_eq "$label: undo removes all" "$before" "$(dump "$to")"
}
check_remap "postgres" postgres postgres "$PGD" "$PGP" "$PGQ"
check_remap "sqlite->postgres" sqlite postgres "sqlite:$T/dev.db" "$PGP" "$PGQ"
check_remap "mariadb" mariadb mariadb "$MYD" "$MYP" "$MYQ"
check_remap "sqlite" sqlite sqlite "sqlite:$T/dev.db" "" ""

# without remap_namespace: derived from the target connection's name
reset_src postgres
reset_dst postgres rf_remap_prod
config "$T/cfg.ini" "$PGD" "$PGP" "$PGQ"
rf --config "$T/cfg.ini" copy jobs --from dev --to prod "${SEL[@]}" "${REMAP[@]}" --yes
assert_eq "default namespace: exit 0" 0 "$rc"
assert_eq "default namespace: UUIDv5(URL namespace, 'rowferry:remap:prod')" \
	"$(uuid5 "$(uuid5 6ba7b811-9dad-11d1-80b4-00c04fd430c8 rowferry:remap:prod)" jobs:2)" \
	"$(q "$PGP" "SELECT id FROM jobs")"
# one table alone (a set of one), the rows loaded in bulk (bulk_rows = 1)
reset_dst postgres rf_remap_prod
printf 'bulk_rows = 1\n' >>"$T/cfg.ini"
rf --config "$T/cfg.ini" copy jobs --from dev --to prod --remap jobs=uuid5 --dry-run
assert_contains "one table, bulk: the preview loads with COPY" "COPY " "$(cat "$T/out")"
rf --config "$T/cfg.ini" copy jobs --from dev --to prod --remap jobs=uuid5 --yes
assert_eq "one table, bulk: exit 0" 0 "$rc"
ns=$(uuid5 6ba7b811-9dad-11d1-80b4-00c04fd430c8 rowferry:remap:prod)
assert_eq "one table, bulk: both jobs under their computed keys" \
	"$(printf '%s\n' "$(uuid5 "$ns" jobs:1)|0000076" "$(uuid5 "$ns" jobs:2)|0000077" | sort | tr '\n' ';')" \
	"$(q "$PGP" "SELECT id, job_number FROM jobs ORDER BY id" | tr '\n' ';')"
rf --config "$T/cfg.ini" copy jobs --from dev --to prod --remap jobs=uuid5 --yes
assert_contains "one table: second run: nothing to do" "nothing to do" "$(cat "$T/out")"
# a remap_namespace that is no UUID is an error naming it
config "$T/bad.ini" "$PGD" "$PGP" "$PGQ" not-a-uuid
rf --config "$T/bad.ini" diff jobs --from dev --to prod "${SEL[@]}" "${REMAP[@]}"
assert_eq "bad remap_namespace: exit 2" 2 "$rc"
assert_contains "bad remap_namespace: says so" "remap_namespace 'not-a-uuid' is not a UUID" "$(cat "$T/err")"
rf --config "$T/cfg.ini" diff jobs --from dev --to prod "${SEL[@]}" --remap jobs=uuid4
assert_eq "--remap with another function: exit 2" 2 "$rc"
assert_contains "--remap with another function: says so" "'jobs=uuid4' is not TABLE=uuid5" "$(cat "$T/err")"

for d in rf_remap_dev rf_remap_prod rf_remap_prod2; do
	pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS $d" >/dev/null
	my "$RF_TEST_MY_DEV_URL" "DROP DATABASE IF EXISTS $d"
done
finish
