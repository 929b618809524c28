#!/bin/bash
# map_copy.sh ENV_FILE [ROWFERRY] - a copy through a [map] section (DESIGN
# §12) against the same copy without one: 100k rows PostgreSQL ->
# PostgreSQL, three mapped columns with built-ins (unixtime, map, trim) and
# one ref() through the parent's match key, against a plain `rowferry copy`
# of the same rows into a table of the source's shape. Both with [safety]
# bulk_rows = 0 (one INSERT per 500 rows): a ref() is written as a subquery,
# which no bulk loader carries, so the plain copy loads the same way; the
# plain copy with bulk loading is printed too.
# ENV_FILE: what tests/support/servers.sh start DIR writes (DIR/env).
set -euo pipefail
. "$1"
RF=${2:-$(dirname "$0")/../build/rowferry}
base=${RF_TEST_PG_URL%%/rf_test*}
q=${RF_TEST_PG_URL#*/rf_test}
D="$base/rf_mbench_dev$q" P="$base/rf_mbench_prod$q"
pg() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
W=$(mktemp -d /tmp/rf_mbench_XXXXXX)
trap 'rm -rf "$W"' EXIT
fresh() { # TARGET_SCHEMA
	for d in rf_mbench_dev rf_mbench_prod; do
		pg "$RF_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $d" -c "CREATE DATABASE $d"
	done
	pg "$D" <<<"CREATE TABLE parents (id int PRIMARY KEY, code text NOT NULL UNIQUE);
CREATE TABLE items (id int PRIMARY KEY, parent_code text NOT NULL, t_unix bigint NOT NULL, status int NOT NULL, note text);
INSERT INTO parents SELECT g, 'P' || g FROM generate_series(1, 1000) g;
INSERT INTO items SELECT g, 'P' || (1 + g % 1000), 1700000000 + g, 1 + g % 3, '  note ' || g || '  ' FROM generate_series(1, 100000) g;"
	pg "$P" <<<"CREATE TABLE parents (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), code text NOT NULL UNIQUE);
INSERT INTO parents (code) SELECT 'P' || g FROM generate_series(1, 1000) g;
$1"
}
now() { date +%s.%N; }
cat >"$W/map.ini" <<'INI'
[map parents]
key = code
id = default
code = code

[map items]
key = id
id = id
parent_id = ref(parents, parent_code)
created_at = unixtime(t_unix)
status = map(status, 1:pending, 2:completed, *:cancelled)
note = trim(note)
INI
printf '[safety]\nbulk_rows = 0\nundo_dir = %s/undo\n' "$W" >"$W/nobulk.ini"
printf '[safety]\nundo_dir = %s/undo\n' "$W" >"$W/bulk.ini"

fresh "CREATE TABLE items (id int PRIMARY KEY, parent_code text NOT NULL, t_unix bigint NOT NULL, status int NOT NULL, note text);"
t0=$(now)
"$RF" --config "$W/nobulk.ini" copy items --from "$D" --to "$P" --yes | tail -2 | head -1
t1=$(now)
fresh "CREATE TABLE items (id int PRIMARY KEY, parent_code text NOT NULL, t_unix bigint NOT NULL, status int NOT NULL, note text);"
t2=$(now)
"$RF" --config "$W/bulk.ini" copy items --from "$D" --to "$P" --yes | tail -2 | head -1
t3=$(now)
fresh "CREATE TABLE items (id int PRIMARY KEY, parent_id uuid NOT NULL REFERENCES parents (id), created_at timestamptz NOT NULL, status text NOT NULL, note text);"
t4=$(now)
"$RF" --config "$W/nobulk.ini" copy items --map "$W/map.ini" --from "$D" --to "$P" --yes | tail -2 | head -1
t5=$(now)
rows=$(pg "$P" -c "SELECT count(*) FROM items i JOIN parents p ON p.id = i.parent_id WHERE i.note NOT LIKE ' %'")
# where the time goes: the same map without the ref() column
grep -v '^parent_id' "$W/map.ini" >"$W/noref.ini"
fresh "CREATE TABLE items (id int PRIMARY KEY, parent_id uuid, created_at timestamptz NOT NULL, status text NOT NULL, note text);"
t6=$(now)
"$RF" --config "$W/nobulk.ini" copy items --map "$W/noref.ini" --from "$D" --to "$P" --yes | tail -2 | head -1
t7=$(now)
awk -v a="$(echo "$t1 - $t0" | bc)" -v b="$(echo "$t3 - $t2" | bc)" -v m="$(echo "$t5 - $t4" | bc)" -v r="$(echo "$t7 - $t6" | bc)" -v n="$rows" 'BEGIN {
	printf "mapped rows in the target (ref resolved, trimmed): %d\nplain copy, INSERTs: %.2f s\nplain copy, bulk load: %.2f s\nmapped copy (INSERTs, ref() subquery): %.2f s\nmapped copy without the ref() column: %.2f s\nratio mapped / plain INSERTs (target <= 1.3): %.2f\n", n, a, b, m, r, m / a }'
