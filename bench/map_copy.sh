#!/bin/bash
# map_copy.sh ENV_FILE [ROWFERRY] - a copy through a [map] section (DESIGN
# §12) against the same copy without one: 100k rows PostgreSQL ->
# PostgreSQL, three mapped columns with built-ins (unixtime, map, trim) and
# one ref() through the parent's match key, against a plain `rowferry copy`
# of the same rows into a table of the source's shape, and a plain copy of
# the rows as the map makes them (rf_mbench_flat) into the very table the
# mapped copy fills, its foreign key included. Each with
# [safety] bulk_rows = 0 (INSERTs of 500 rows) and with the default bulk
# load (COPY). The parents are in the target already, so the ref() is
# written as the parent's key, a plain value (a parent inserted by the same
# copy would be found by a subquery, which no bulk loader carries).
# ENV_FILE: what tests/support/servers.sh start DIR writes (DIR/env).
set -euo pipefail
. "$1"
RF=${2:-$(dirname "$0")/../build/rowferry}
base=${RF_TEST_PG_URL%%/rf_test*}
q=${RF_TEST_PG_URL#*/rf_test}
D="$base/rf_mbench_dev$q" P="$base/rf_mbench_prod$q" F="$base/rf_mbench_flat$q"
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
INSERT INTO parents (id, code) SELECT md5('P' || g)::uuid, 'P' || g FROM generate_series(1, 1000) g;
$1"
}
# the same rows as the map makes them, for the plain copy into the same
# target table (its foreign key included): what the map costs, alone
flat() {
	pg "$RF_TEST_PG_URL" -c "DROP DATABASE IF EXISTS rf_mbench_flat" -c "CREATE DATABASE rf_mbench_flat"
	pg "$F" <<<"CREATE TABLE items (id int PRIMARY KEY, parent_id uuid NOT NULL, created_at timestamptz NOT NULL, status text NOT NULL, note text);
INSERT INTO items SELECT g, md5('P' || (1 + g % 1000))::uuid, to_timestamp(1700000000 + g),
	(ARRAY['pending', 'completed', 'cancelled'])[1 + g % 3], 'note ' || g FROM generate_series(1, 100000) g;"
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

PLAIN="CREATE TABLE items (id int PRIMARY KEY, parent_code text NOT NULL, t_unix bigint NOT NULL, status int NOT NULL, note text);"
MAPPED="CREATE TABLE items (id int PRIMARY KEY, parent_id uuid NOT NULL REFERENCES parents (id), created_at timestamptz NOT NULL, status text NOT NULL, note text);"
run() { # SCHEMA CONFIG SOURCE [ARGS...]: the copy's wall time in seconds
	local schema=$1 cfg=$2 from=$3 t0 t1
	shift 3
	fresh "$schema"
	t0=$(now)
	"$RF" --config "$W/$cfg" copy items "$@" --from "$from" --to "$P" --yes | tail -2 | head -1 >&2
	t1=$(now)
	echo "$t1 - $t0" | bc
}
# rows whose parent is the one their source row names, note trimmed
checked() { pg "$P" -c "SELECT count(*) FROM items i JOIN parents p ON p.id = i.parent_id WHERE p.code = 'P' || (1 + i.id % 1000) AND i.note NOT LIKE ' %'"; }
flat
a=$(run "$PLAIN" nobulk.ini "$D")
s=$(run "$MAPPED" nobulk.ini "$F")
m=$(run "$MAPPED" nobulk.ini "$D" --map "$W/map.ini")
rows=$(checked)
b=$(run "$PLAIN" bulk.ini "$D")
sb=$(run "$MAPPED" bulk.ini "$F")
mb=$(run "$MAPPED" bulk.ini "$D" --map "$W/map.ini")
rows_b=$(checked)
# where the time goes: the same map without the ref() column
grep -v '^parent_id' "$W/map.ini" >"$W/noref.ini"
r=$(run "CREATE TABLE items (id int PRIMARY KEY, parent_id uuid, created_at timestamptz NOT NULL, status text NOT NULL, note text);" nobulk.ini "$D" --map "$W/noref.ini")
awk -v a="$a" -v s="$s" -v b="$b" -v sb="$sb" -v m="$m" -v mb="$mb" -v r="$r" -v n="$rows" -v nb="$rows_b" 'BEGIN {
	printf "mapped rows in the target with the right parent, trimmed: %d (INSERTs), %d (bulk)\n", n, nb
	printf "INSERTs:   plain %.2f s, plain into the mapped table %.2f s, mapped %.2f s\n", a, s, m
	printf "bulk load: plain %.2f s, plain into the mapped table %.2f s, mapped %.2f s\n", b, sb, mb
	printf "mapped copy without the ref() column, INSERTs: %.2f s\n", r
	printf "ratio mapped / plain (target <= 1.3): INSERTs %.2f, bulk load %.2f\n", m / a, mb / b
	printf "ratio mapped / plain into the mapped table: INSERTs %.2f, bulk load %.2f\n", m / s, mb / sb }'
