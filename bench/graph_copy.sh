#!/bin/bash
# graph_copy.sh ENV_FILE [ROWFERRY] - copy of a row graph (DESIGN §9, §11):
# jobs -> sales_orders -> order_lines, jobs -> batches, 100k rows in all,
# PostgreSQL -> PostgreSQL, `rowferry copy jobs --follow children` (one
# transaction, one journal) against per-table `COPY ... TO STDOUT | COPY ...
# FROM STDIN` pipes of the same rows. Keys are KEPT on both sides: a copy
# with target-generated keys (references rewritten) is not supported yet.
# ENV_FILE: what tests/support/servers.sh start DIR writes (DIR/env).
set -euo pipefail
. "$1"
RF=${2:-$(dirname "$0")/../build/rowferry}
base=${RF_TEST_PG_URL%%/rf_test*}
q=${RF_TEST_PG_URL#*/rf_test}
D="$base/rf_gbench_dev$q" P="$base/rf_gbench_prod$q"
pg() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
schema='CREATE TABLE jobs (id int PRIMARY KEY, job_number varchar(20) NOT NULL UNIQUE, customer varchar(40) NOT NULL);
CREATE TABLE sales_orders (id int PRIMARY KEY, job_id int NOT NULL REFERENCES jobs (id), order_ref varchar(20) NOT NULL UNIQUE, total numeric(12,2) NOT NULL);
CREATE TABLE order_lines (id int PRIMARY KEY, sales_order_id int NOT NULL REFERENCES sales_orders (id), line_no int NOT NULL, sku varchar(20) NOT NULL, qty int NOT NULL, UNIQUE (sales_order_id, line_no));
CREATE TABLE batches (id int PRIMARY KEY, job_id int NOT NULL REFERENCES jobs (id), batch_ref varchar(20) NOT NULL, printed_at timestamptz);'
fresh() {
	for d in rf_gbench_dev rf_gbench_prod; do
		pg "$RF_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $d" -c "CREATE DATABASE $d"
	done
	pg "$D" <<<"$schema
INSERT INTO jobs SELECT g, lpad(g::text, 7, '0'), 'customer ' || g FROM generate_series(1, 1000) g;
INSERT INTO sales_orders SELECT g, 1 + g % 1000, 'SO-' || g, g * 1.25 FROM generate_series(1, 9000) g;
INSERT INTO order_lines SELECT g, 1 + g % 9000, g / 9000, 'SKU-' || (g % 97), 1 + g % 5 FROM generate_series(1, 60000) g;
INSERT INTO batches SELECT g, 1 + g % 1000, 'B-' || g, now() FROM generate_series(1, 30000) g;"
	pg "$P" <<<"$schema"
}
now() { date +%s.%N; }

fresh
t0=$(now)
for t in jobs sales_orders order_lines batches; do
	psql -X -q "$D" -c "COPY $t TO STDOUT" | psql -X -q "$P" -c "COPY $t FROM STDIN"
done
t1=$(now)
fresh
mkdir -p /tmp/rf_gbench_undo
t2=$(now)
"$RF" copy jobs --from "$D" --to "$P" --follow children --yes --undo-dir /tmp/rf_gbench_undo | tail -2
t3=$(now)
rows=$(pg "$P" -c "SELECT (SELECT count(*) FROM jobs) + (SELECT count(*) FROM sales_orders) + (SELECT count(*) FROM order_lines) + (SELECT count(*) FROM batches)")
rm -rf /tmp/rf_gbench_undo
awk -v p="$(echo "$t1 - $t0" | bc)" -v r="$(echo "$t3 - $t2" | bc)" -v n="$rows" 'BEGIN {
	printf "rows copied: %d\nCOPY pipes: %.2f s\nrowferry copy --follow children: %.2f s\nratio (pipes time / rowferry time, target >= 0.5): %.2f\n", n, p, r, p / r }'
