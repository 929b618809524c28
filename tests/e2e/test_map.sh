#!/bin/bash
# A diff through a [map] section (DESIGN §12) on the legacy order system of
# issue 13: a MariaDB `Orders` table in PascalCase (unix times, OrderStatus
# 1/7/9/11, a Deleted tinyint flag, PriceSaddle decimal, SpecialNotes) against
# a PostgreSQL snake_case `orders` with a UUID key the target generates and
# the old id in legacy_id. The map shows exactly the rows that differ, none
# once the target is made equal, refuses (exit 3) rows that do not map, and
# says FILE:LINE for a bad expression.
. "$(dirname "$0")/lib.sh"

MY=$RF_TEST_MY_URL
PG=$RF_TEST_PG_URL
my "$MY" "DROP TABLE IF EXISTS Orders"
my "$MY" "DROP TABLE IF EXISTS Customers"
pg "$PG" "DROP TABLE IF EXISTS map_orders" >/dev/null
pg "$PG" "DROP TABLE IF EXISTS map_customers" >/dev/null
myf "$MY" <<'SQL'
CREATE TABLE Orders (
	ID int PRIMARY KEY, CustomerID int, OrderTime int, OrderStatus int,
	Deleted tinyint(1) NOT NULL DEFAULT 0, PriceSaddle decimal(10,2), SpecialNotes text);
INSERT INTO Orders VALUES
	(1, 10, 1700000000, 1, 0, 10.50, '  rush  '),
	(2, 20, 1700003600, 7, 1, 99.00, ''),
	(3, 10, 1700007200, 9, 0, 5.25, NULL),
	(4, 30, 1700010800, 11, 0, 0.10, 'x');
SQL
pgf "$PG" >/dev/null <<'SQL'
CREATE TABLE map_orders (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(), legacy_id int UNIQUE NOT NULL,
	customer_id uuid, legacy_customer_id int, created_at timestamptz, status text NOT NULL,
	deleted boolean, total_amount numeric(6,2), special_instructions text, note text);
INSERT INTO map_orders (legacy_id, legacy_customer_id, created_at, status, deleted,
                        total_amount, special_instructions) VALUES
	(1, 10, '2023-11-14 22:13:20+00', 'pending', false, 10.5, 'rush'),
	(2, 20, '2023-11-14 23:13:20+00', 'pending', true, 99, NULL),
	(4, 30, '2023-11-15 01:13:20+00', 'processing', false, 0.1, 'x'),
	(5, 30, '2023-11-15 02:00:00+00', 'pending', false, 1, NULL);
SQL

cat >"$T/map.ini" <<'INI'
[map map_orders]
from = Orders
names = snake_case
key = legacy_id
legacy_id = ID
id = default
customer_id = ref(map_customers, CustomerID)
legacy_customer_id = CustomerID
created_at = unixtime(OrderTime)
status = map(OrderStatus, 1:pending, 7:completed, 9:cancelled, 11:'processing')
total_amount = PriceSaddle
special_instructions = nullif(trim(SpecialNotes), '')
INI

rf diff map_orders --map "$T/map.ini" --from "$MY" --to "$PG"
assert_eq "differences: exit 1" 1 "$rc"
out=$(cat "$T/out")
assert_contains "the row only in the source" "+ legacy_id=3  (only in source)" "$out"
assert_contains "the row only in the target" "- legacy_id=5  (only in target)" "$out"
assert_contains "the changed row" "~ legacy_id=2  (changed)" "$out"
assert_eq "... its status mapped from 7 to completed, pending in the target" 1 \
	"$(grep -cE '^    status +completed +-> +pending$' "$T/out")"
assert_contains "'' trimmed and nulled equals NULL; the rest equal" \
	"Orders -> public.map_orders: 1 only in source, 1 only in target, 1 changed, 2 identical" "$out"
assert_eq "exactly those three rows" 3 "$(grep -c '^[-+~] ' "$T/out")"
assert_contains "ref() said not compared yet" "column customer_id: ref() to a table without a [map] key is not compared yet" "$out"
assert_contains "default not compared" "column id: default, the target fills it" "$out"
assert_contains "an unmapped column said" "column note: not mapped (not compared)" "$out"

rf diff map_orders --map "$T/map.ini" --from "$MY" --to "$PG" --format json
assert_contains "json: the changed column" '"changed":["status"]' "$(cat "$T/out")"
assert_contains "json: unix time as the instant" '"created_at":"2023-11-15T00:13:20.000000Z"' "$(cat "$T/out")"

# make the target equal: a second run has nothing to show
pgf "$PG" >/dev/null <<'SQL'
UPDATE map_orders SET status = 'completed' WHERE legacy_id = 2;
DELETE FROM map_orders WHERE legacy_id = 5;
INSERT INTO map_orders (legacy_id, legacy_customer_id, created_at, status, deleted, total_amount)
	VALUES (3, 10, '2023-11-15 00:13:20+00', 'cancelled', false, 5.25);
SQL
rf diff map_orders --map "$T/map.ini" --from "$MY" --to "$PG"
assert_eq "equal: exit 0" 0 "$rc"
assert_contains "equal: four identical" "0 only in source, 0 only in target, 0 changed, 4 identical" "$(cat "$T/out")"

# the name rule pairs Deleted with deleted: a flag changed on the source shows
my "$MY" "UPDATE Orders SET Deleted = 1 WHERE ID = 4"
rf diff map_orders --map "$T/map.ini" --from "$MY" --to "$PG"
assert_eq "tinyint flag vs boolean through the name rule" 1 "$rc"
assert_contains "... deleted differs" "deleted" "$(cat "$T/out")"
my "$MY" "UPDATE Orders SET Deleted = 0 WHERE ID = 4"

# rows that do not map: refused, every one listed with its reason
my "$MY" "INSERT INTO Orders VALUES (6, 10, 1700020000, 4, 0, 1.00, NULL), (7, 10, 1700020000, 1, 0, 12345.00, NULL)"
rf diff map_orders --map "$T/map.ini" --from "$MY" --to "$PG"
assert_eq "invalid rows: refused, exit 3" 3 "$rc"
err=$(cat "$T/err")
assert_contains "the count" "map_orders: 2 invalid source rows" "$err"
assert_contains "unmapped map() value" "map_orders  ID=6  status: unmapped value '4' in map()" "$err"
assert_contains "decimal that does not fit" "map_orders  ID=7  total_amount: 12345 does not fit numeric(6,2)" "$err"
assert_eq "nothing on stdout" "" "$(cat "$T/out")"
my "$MY" "DELETE FROM Orders WHERE ID IN (6, 7)"

# rowferry map: a suggested section that, pasted, makes diff run
rf map Orders map_orders --from "$MY" --to "$PG"
assert_eq "map: exit 0" 0 "$rc"
sug=$(cat "$T/out")
assert_contains "the section" "[map map_orders]" "$sug"
assert_contains "from the source table" "from = Orders" "$sug"
assert_contains "legacy_id holds the source's key" "legacy_id = ID" "$sug"
assert_contains "... and is the match key" "key = legacy_id" "$sug"
assert_contains "the name rule's pairs" "legacy_customer_id = CustomerID" "$sug"
assert_contains "a unix time into a timestamp" "created_at = unixtime(OrderTime)" "$sug"
assert_contains "the target's generated key" "id = default" "$sug"
assert_contains "the tinyint(1) flag pairs as boolean" "deleted = Deleted" "$sug"
assert_contains "unmatched target column as a comment" "; status = ?   (target column text: no source column, NOT NULL)" "$sug"
assert_contains "unmatched source column as a comment" "; source column OrderStatus (int(11)): not mapped" "$sug"
assert_contains "an integer reference into a uuid one: ref()" "customer_id = ref(customers, CustomerID)" "$sug"
printf '%s\nstatus = map(OrderStatus, 1:pending, 7:completed, 9:cancelled, 11:processing)\n' "$sug" >"$T/suggested.ini"
rf diff map_orders --map "$T/suggested.ini" --from "$MY" --to "$PG"
assert_eq "the suggestion (and a status line) runs: equal, exit 0" 0 "$rc"
assert_contains "... four identical" "0 only in source, 0 only in target, 0 changed, 4 identical" "$(cat "$T/out")"

# ref(): with a [map map_customers] whose key is legacy_id, customer_id is
# compared as the target customer's id whose legacy_id is CustomerID
my "$MY" "CREATE TABLE Customers (ID int PRIMARY KEY, Name varchar(40)); INSERT INTO Customers VALUES (10, 'Ann'), (20, 'Bob'), (30, 'Cy')"
pgf "$PG" >/dev/null <<'SQL'
CREATE TABLE map_customers (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), legacy_id int UNIQUE, name text);
INSERT INTO map_customers (legacy_id, name) VALUES (10, 'Ann'), (20, 'Bob'), (30, 'Cy');
UPDATE map_orders o SET customer_id = c.id FROM map_customers c WHERE c.legacy_id = o.legacy_customer_id;
SQL
{ cat "$T/map.ini"; printf '\n[map map_customers]\nfrom = Customers\nkey = legacy_id\nlegacy_id = ID\nid = default\nname = Name\n'; } >"$T/map2.ini"
rf diff map_orders --map "$T/map2.ini" --from "$MY" --to "$PG"
assert_eq "ref(): every customer_id right, exit 0" 0 "$rc"
assert_not_contains "ref(): compared now, no note" "customer_id" "$(cat "$T/out")"
pg "$PG" "UPDATE map_orders SET customer_id = (SELECT id FROM map_customers WHERE legacy_id = 10) WHERE legacy_id = 4" >/dev/null
rf diff map_orders --map "$T/map2.ini" --from "$MY" --to "$PG"
assert_eq "ref(): a wrong customer_id shows, exit 1" 1 "$rc"
assert_contains "... on that row" "~ legacy_id=4  (changed)" "$(cat "$T/out")"
assert_eq "... in customer_id only" 1 "$(grep -cE '^    customer_id +[0-9a-f-]{36} +-> +[0-9a-f-]{36}$' "$T/out")"
pg "$PG" "UPDATE map_orders SET customer_id = NULL WHERE legacy_id = 4; DELETE FROM map_customers WHERE legacy_id = 30" >/dev/null
rf diff map_orders --map "$T/map2.ini" --from "$MY" --to "$PG"
assert_eq "ref() without a parent: the row is invalid, exit 3" 3 "$rc"
assert_contains "... named with its reason" "map_orders  ID=4  customer_id: ref(map_customers): no parent with legacy_id = 30" "$(cat "$T/err")"
pg "$PG" "INSERT INTO map_customers (legacy_id, name) VALUES (30, 'Cy')" >/dev/null

# copy through a map (e2e.map_copy has the whole job): --dry-run shows the
# ref() resolved through the parent's match key - a parent the target
# holds is written as its key (a parent inserted by the same copy goes
# through a subquery: e2e.map_copy) - and writes nothing
rf copy map_orders --map "$T/map2.ini" --from "$MY" --to "$PG" --dry-run
assert_eq "copy --map --dry-run: exit 0" 0 "$rc"
cy=$(pg "$PG" "SELECT id FROM map_customers WHERE legacy_id = 30")
assert_contains "copy --map: the reference, map_customers' id found by its legacy_id" \
	"SET \"customer_id\" = '$cy' WHERE" "$(cat "$T/out")"
assert_eq "copy --map --dry-run wrote nothing" 4 "$(pg "$PG" 'SELECT count(*) FROM map_orders')"

# bad expressions: FILE:LINE: column X, before any connection for the
# parser's; an unknown source column once the source is described
sed 's/unixtime(OrderTime)/unixtme(OrderTime)/' "$T/map.ini" >"$T/bad1.ini"
rf diff map_orders --map "$T/bad1.ini" --from "mysql://nobody@127.0.0.1:1/none" --to "$PG"
assert_eq "unknown function: exit 2" 2 "$rc"
assert_eq "... before connecting" "rowferry: $T/bad1.ini:9: column created_at: unknown function 'unixtme'" "$(cat "$T/err")"
sed 's/^total_amount = PriceSaddle/total_amount = sql(PriceSaddle; DROP TABLE Orders)/' "$T/map.ini" >"$T/bad2.ini"
rf diff map_orders --map "$T/bad2.ini" --from "$MY" --to "$PG"
assert_contains "sql() with ;" "bad2.ini:11: column total_amount: sql() must be a single expression (found ';')" "$(cat "$T/err")"
sed 's/^legacy_customer_id = CustomerID/legacy_customer_id = CustomerNo/' "$T/map.ini" >"$T/bad3.ini"
rf diff map_orders --map "$T/bad3.ini" --from "$MY" --to "$PG"
assert_contains "unknown source column" "bad3.ini:8: column legacy_customer_id: unknown source column 'CustomerNo'" "$(cat "$T/err")"
sed 's/^status = map(OrderStatus, 1:pending, /status = map(OrderStatus, 1:pending /' "$T/map.ini" >"$T/bad4.ini"
rf diff map_orders --map "$T/bad4.ini" --from "$MY" --to "$PG"
assert_contains "map() syntax" "bad4.ini:10: column status: map(): expected ',' or ')' at '7:completed" "$(cat "$T/err")"
printf '[map map_orders]\nfrom = Orders\nnope = ID\n' >"$T/bad5.ini"
rf diff map_orders --map "$T/bad5.ini" --from "$MY" --to "$PG"
assert_contains "a column the target lacks" "bad5.ini:3: column nope: no such column in the target's public.map_orders" "$(cat "$T/err")"
finish
