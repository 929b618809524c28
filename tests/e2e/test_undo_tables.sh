#!/bin/bash
# test_undo_tables.sh - a journal of two tables (version 2: a parent and a
# child with an enforced foreign key, as one apply of several plans writes
# it) seen from the front ends: `log` lists both tables, `undo --dry-run`
# lists each table with its rows and deletes the children first, the
# console's journals screen, details and rollback show both, a drifted
# child row refuses the undo naming its table, and --force restores every
# other row of both tables (children first, or the foreign key refuses).
. "$(dirname "$0")/console_lib.sh"

make_demo
sq "$PROD" "CREATE TABLE tx_parent (id integer PRIMARY KEY, name text);
CREATE TABLE tx_child (id integer PRIMARY KEY, parent_id integer NOT NULL REFERENCES tx_parent (id), qty integer);
INSERT INTO tx_parent VALUES (1, 'Acme'), (2, 'Globex');
INSERT INTO tx_child VALUES (10, 1, 1), (11, 2, 2);"

# the journal of the copy that left prod so: parent 2 inserted, parent 1
# renamed from Old, then the children inserted
mkdir -p "$T/demo/undo"
journal=$T/demo/undo/20261206T234000Z-prod-tx_parent+1-5d0c7e1a.jsonl
cat >"$T/lines" <<EOF
{"rowferry_undo":2,"id":"5d0c7e1a-4f1b-4c55-9a55-0f3c2d1e7b21","created":"2026-12-06T23:40:00Z","source":"dev (sqlite:$DEV)","target":"prod (sqlite:$PROD)","tables":[{"table":"tx_parent","key":["id"]},{"table":"tx_child","key":["id"]}],"state":"pending","prepare":true}
{"op":"insert","table":"tx_parent","key":{"id":"2"},"after":{"id":"2","name":"Globex"}}
{"op":"update","table":"tx_parent","key":{"id":"1"},"before":{"id":"1","name":"Old"},"after":{"id":"1","name":"Acme"}}
{"op":"insert","table":"tx_child","key":{"id":"10"},"after":{"id":"10","parent_id":"1","qty":"1"}}
{"op":"insert","table":"tx_child","key":{"id":"11"},"after":{"id":"11","parent_id":"2","qty":"2"}}
EOF
sha=$(sha256sum "$T/lines" | cut -d' ' -f1)
{
	cat "$T/lines"
	echo "{\"state\":\"prepared\",\"ops\":4,\"sha256\":\"$sha\",\"tx\":\"sqlite:7\"}"
	echo "{\"state\":\"committed\",\"ops\":4,\"sha256\":\"$sha\"}"
} >"$journal"
chmod 600 "$journal"

rf --config "$CFG" log
assert_eq "log exits 0" 0 "$rc"
assert_contains "log lists both tables" "tx_parent,tx_child" "$(cat "$T/out")"

rf --config "$CFG" log 5d0c7e1a
assert_eq "log JOURNAL exits 0" 0 "$rc"
assert_contains "log JOURNAL: the parent and its rows" "tables:  tx_parent (2 rows)" "$(cat "$T/out")"
assert_contains "log JOURNAL: the child and its rows" "         tx_child (2 rows)" "$(cat "$T/out")"
assert_contains "log JOURNAL: ops name their table" "+ insert tx_child (id=11)" "$(cat "$T/out")"

rf --config "$CFG" undo "$journal" --dry-run
assert_eq "undo --dry-run exits 0" 0 "$rc"
out=$(cat "$T/out")
assert_contains "dry run: both tables named" "4 rows of tx_parent, tx_child on prod" "$out"
assert_contains "dry run: the parent's rows" "--   tx_parent: 2 rows" "$out"
assert_contains "dry run: the child's rows" "--   tx_child: 2 rows" "$out"
first=$(grep -m1 -n '^DELETE FROM' "$T/out" | cut -d: -f2-)
assert_contains "dry run: the children are deleted first" '"tx_child"' "$first"
child_at=$(grep -n '^DELETE FROM "tx_child"' "$T/out" | cut -d: -f1)
parent_at=$(grep -n '^DELETE FROM "tx_parent"' "$T/out" | cut -d: -f1)
assert_eq "dry run: then the parent's insert" 1 "$((parent_at > child_at))"
assert_contains "dry run: the parent's update restored" "UPDATE \"tx_parent\" SET \"name\" = 'Old'" "$out"

console --config "$CFG" <<EOF
:key u
:dump $T/list
:enter
:dump $T/details
:key r
:dump $T/rollback
:key q q q q
EOF
assert_contains "journals screen: both tables" "tx_parent,tx_child" "$(screen list)"
assert_contains "details: the parent" "tables    tx_parent (2 rows)" "$(screen details)"
assert_contains "details: the child" "          tx_child (2 rows)" "$(screen details)"
assert_contains "details: ops name their table" "insert  tx_child id=10" "$(screen details)"
assert_contains "rollback: the parent" "table tx_parent: delete 1 inserted row(s), restore 1 updated" "$(screen rollback)"
assert_contains "rollback: the child" "table tx_child: delete 2 inserted row(s)" "$(screen rollback)"

echo "# someone edits a copied child row"
sq "$PROD" "UPDATE tx_child SET qty = 9 WHERE id = 10"
rf --config "$CFG" undo "$journal" --yes
assert_eq "a drifted child refuses the undo" 3 "$rc"
assert_contains "the drifted row named with its table" "tx_child (id=10) changed since the copy: qty" "$(cat "$T/err")"
assert_eq "nothing undone" "1|Acme 2|Globex" "$(sq "$PROD" "SELECT id, name FROM tx_parent ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"

rf --config "$CFG" undo "$journal" --yes --force
assert_eq "--force undoes the rest" 0 "$rc"
assert_contains "three rows restored, the drifted one left" "3 rows restored, 1 changed row left alone" "$(cat "$T/out")"
assert_eq "parents as before the copy" "1|Old" "$(sq "$PROD" "SELECT id, name FROM tx_parent ORDER BY id")"
assert_eq "only the drifted child left" "10|1|9" "$(sq "$PROD" "SELECT id, parent_id, qty FROM tx_child")"
rf --config "$CFG" undo "$journal" --yes
assert_eq "undone once" 3 "$rc"

finish
