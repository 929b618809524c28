#!/bin/bash
# A copy through [map] sections (DESIGN §12, issue 13): the legacy order
# system, MariaDB LegacyCustomers, LegacyFitters, LegacyOrders (PascalCase,
# unix times, status codes, a Deleted flag) into PostgreSQL lg_customers,
# lg_fitters, lg_orders whose uuid keys PostgreSQL generates, the old ids in
# legacy_id: one table first (its parents already there), then the three
# as one copy in one transaction, parents first; a second run has nothing to
# do; undo restores the target exactly.
. "$(dirname "$0")/lib.sh"

MY=$RF_TEST_MY_URL
PG=$RF_TEST_PG_URL
my "$MY" "DROP TABLE IF EXISTS LegacyOrders, LegacyFitters, LegacyCustomers"
pg "$PG" "DROP TABLE IF EXISTS lg_orders, lg_fitters, lg_customers" >/dev/null
myf "$MY" <<'SQL'
CREATE TABLE LegacyCustomers (ID int PRIMARY KEY, Name varchar(60), Email varchar(80));
CREATE TABLE LegacyFitters (ID int PRIMARY KEY, FullName varchar(60));
CREATE TABLE LegacyOrders (
	ID int PRIMARY KEY, CustomerID int, FitterID int, OrderTime int, OrderStatus int,
	Deleted tinyint(1) NOT NULL DEFAULT 0, PriceSaddle decimal(10,2), SpecialNotes text);
INSERT INTO LegacyCustomers VALUES (10, ' Ann ', 'ANN@example.com'), (20, 'Bob', NULL), (30, 'Cy', 'cy@example.com');
INSERT INTO LegacyFitters VALUES (1, 'Fred Fitter'), (2, '  Gina ');
INSERT INTO LegacyOrders VALUES
	(1, 10, 1, 1700000000, 1, 0, 10.50, '  rush  '),
	(2, 20, 2, 1700003600, 7, 1, 99.00, ''),
	(3, 10, NULL, 1700007200, 9, 0, 5.25, NULL),
	(4, 30, 1, 1700010800, 11, 0, 0.10, 'x');
SQL
pgf "$PG" >/dev/null <<'SQL'
CREATE TABLE lg_customers (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	legacy_id int UNIQUE NOT NULL, name text NOT NULL, email text);
CREATE TABLE lg_fitters (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	legacy_id int UNIQUE NOT NULL, full_name text NOT NULL);
CREATE TABLE lg_orders (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	legacy_id int UNIQUE NOT NULL, customer_id uuid REFERENCES lg_customers (id),
	legacy_customer_id int, fitter_id uuid REFERENCES lg_fitters (id),
	created_at timestamptz NOT NULL, status text NOT NULL, deleted_at timestamptz,
	price_saddle numeric(10,2), special_notes text);
SQL

cat >"$T/legacy.ini" <<'INI'
[map lg_customers]
from = LegacyCustomers
key = legacy_id
id = default
legacy_id = ID
name = trim(Name)
email = lower(trim(Email))

[map lg_fitters]
from = LegacyFitters
key = legacy_id
id = default
legacy_id = ID
full_name = trim(FullName)

[map lg_orders]
from = LegacyOrders
names = snake_case
key = legacy_id
id = default
legacy_id = ID
customer_id = ref(lg_customers, CustomerID)
legacy_customer_id = CustomerID
fitter_id = ref(lg_fitters, FitterID)
created_at = unixtime(OrderTime)
status = map(OrderStatus, 1:pending, 7:completed, 9:cancelled, 11:processing)
deleted_at = map(Deleted, 1:now(), *:null)
special_notes = nullif(trim(SpecialNotes), '')
INI

state() { # the target as text, ids replaced by legacy ids
	pg "$PG" "SELECT 'c', legacy_id, name, coalesce(email, '-') FROM lg_customers ORDER BY legacy_id"
	pg "$PG" "SELECT 'f', legacy_id, full_name FROM lg_fitters ORDER BY legacy_id"
	pg "$PG" "SELECT 'o', o.legacy_id, c.legacy_id, f.legacy_id, o.legacy_customer_id,
		extract(epoch FROM o.created_at)::bigint, o.status, o.deleted_at IS NOT NULL,
		o.price_saddle, coalesce(o.special_notes, '-')
		FROM lg_orders o LEFT JOIN lg_customers c ON c.id = o.customer_id
		LEFT JOIN lg_fitters f ON f.id = o.fitter_id ORDER BY o.legacy_id"
}

# selection flags would select other rows than the map's: refused
rf copy lg_orders --map "$T/legacy.ini" --from "$MY" --to "$PG" --where "ID = 1" --yes
assert_eq "--where with a map: exit 2" 2 "$rc"
assert_contains "... says why" "lg_orders is mapped ([map lg_orders]): its where and key come from the section" "$(cat "$T/err")"
rf copy lg_orders --map "$T/legacy.ini" --from "$MY" --to "$PG" --follow parents --yes
assert_eq "--follow with a map: exit 2" 2 "$rc"
assert_eq "... nothing written" 0 "$(pg "$PG" 'SELECT count(*) FROM lg_orders')"
rf copy lg_orders --from "$MY" --to "$PG" --skip-invalid --yes
assert_eq "--skip-invalid without a map: exit 2" 2 "$rc"
assert_contains "... says it is for maps" "--skip-invalid is for a copy through a map" "$(cat "$T/err")"

# --- one table: its parents are in the target already (other uuids) ---
pgf "$PG" >/dev/null <<'SQL'
INSERT INTO lg_customers (legacy_id, name, email) VALUES (10, 'Ann', 'ann@example.com'),
	(20, 'Bob', NULL), (30, 'Cy', 'cy@example.com');
INSERT INTO lg_fitters (legacy_id, full_name) VALUES (1, 'Fred Fitter'), (2, 'Gina');
SQL
rf copy lg_orders --map "$T/legacy.ini" --from "$MY" --to "$PG" --dry-run
assert_eq "one table --dry-run: exit 0" 0 "$rc"
# a parent already in the target: its key is written as a plain value
# (predicted, bulk-loadable), not looked up by a subquery per row
ann=$(pg "$PG" "SELECT id FROM lg_customers WHERE legacy_id = 10")
gina=$(pg "$PG" "SELECT id FROM lg_fitters WHERE legacy_id = 2")
assert_contains "the ref() of a parent in the target: its key, a plain value" \
	"(1, '$ann', 10, " "$(cat "$T/out")"
assert_contains "... the other ref() too" "(2, '$(pg "$PG" "SELECT id FROM lg_customers WHERE legacy_id = 20")', 20, '$gina', " "$(cat "$T/out")"
assert_eq "... no subquery" 0 "$(grep -c 'SELECT "id" FROM' "$T/out" || true)"
assert_contains "... four inserts" "4 to insert" "$(cat "$T/out")"
assert_eq "--dry-run wrote nothing" 0 "$(pg "$PG" 'SELECT count(*) FROM lg_orders')"

# a parent re-keyed and one deleted between the diff and the apply (another
# session's uncommitted change, the diff cannot see it; apply's re-check
# locks the parents, waits for it): refused as drift, nothing written
printf '[safety]\nlock_timeout_ms = 60000\n' >"$T/wait.ini"
psql -X -q "$PG" -c "BEGIN; UPDATE lg_customers SET legacy_id = 99 WHERE legacy_id = 10;
	DELETE FROM lg_fitters WHERE legacy_id = 2; SELECT pg_sleep(6); COMMIT;" >/dev/null &
sleep 1.5
rf --config "$T/wait.ini" copy lg_orders --map "$T/legacy.ini" --from "$MY" --to "$PG" --yes --undo-dir "$T/undo0"
wait
assert_eq "a parent changed since the diff: refused (exit 3)" 3 "$rc"
assert_contains "... the re-keyed parent named" \
	"(id = $ann), the parent public.lg_orders.customer_id was planned to reference as legacy_id = 10: its legacy_id is now 99" \
	"$(cat "$T/err")"
assert_contains "... the deleted one too" \
	"(id = $gina), the parent public.lg_orders.fitter_id was planned to reference as legacy_id = 2: is no longer in the target" \
	"$(cat "$T/err")"
assert_eq "... nothing written" 0 "$(pg "$PG" 'SELECT count(*) FROM lg_orders')"
pg "$PG" "UPDATE lg_customers SET legacy_id = 10 WHERE legacy_id = 99;
	INSERT INTO lg_fitters (id, legacy_id, full_name) VALUES ('$gina', 2, 'Gina')" >/dev/null
# plain values only: a bulk loader carries them (here from the first row)
printf '[safety]\nbulk_rows = 1\n' >"$T/bulk.ini"
rf --config "$T/bulk.ini" copy lg_orders --map "$T/legacy.ini" --from "$MY" --to "$PG" --dry-run
assert_eq "... so the four rows are one bulk load" 1 \
	"$(grep -c '^COPY "public"."lg_orders" (.*"customer_id".*) FROM STDIN' "$T/out" || true)"
assert_eq "... and no INSERT" 0 "$(grep -c '^INSERT INTO' "$T/out" || true)"
assert_contains "... the parent's key in the load's row" "	$ann	10	" "$(cat "$T/out")"
rf --config "$T/bulk.ini" copy lg_orders --map "$T/legacy.ini" --from "$MY" --to "$PG" --yes --undo-dir "$T/undo1"
assert_eq "one table, bulk load: exit 0" 0 "$rc"
assert_contains "four inserted" "4 inserted, 0 updated, 0 deleted" "$(cat "$T/out")"
assert_eq "every customer_id is the customer whose legacy_id is CustomerID" 0 \
	"$(pg "$PG" 'SELECT count(*) FROM lg_orders o JOIN lg_customers c ON c.id = o.customer_id WHERE c.legacy_id <> o.legacy_customer_id')"
assert_eq "... and none is NULL" 0 "$(pg "$PG" 'SELECT count(*) FROM lg_orders WHERE customer_id IS NULL')"
rf copy lg_orders --map "$T/legacy.ini" --from "$MY" --to "$PG" --yes --undo-dir "$T/undo1"
assert_eq "one table, second run: exit 0" 0 "$rc"
assert_contains "... nothing to do" "nothing to do" "$(cat "$T/out")"
j=$(ls "$T"/undo1/*.jsonl)
rf undo "$j" --yes
assert_eq "undo: exit 0" 0 "$rc"
assert_eq "undo removed the orders" 0 "$(pg "$PG" 'SELECT count(*) FROM lg_orders')"
pg "$PG" "DELETE FROM lg_customers; DELETE FROM lg_fitters" >/dev/null

# --- the three tables as one copy, parents inserted in the same transaction ---
before=$(pg "$PG" "SELECT count(*) FROM lg_customers")
rf copy lg_orders --map "$T/legacy.ini" --tables lg_customers,lg_fitters --from "$MY" --to "$PG" --dry-run
assert_eq "set --dry-run: exit 0" 0 "$rc"
out=$(cat "$T/out")
assert_contains "parents first" "-- apply order (parents first): lg_customers, lg_fitters, lg_orders" "$out"
assert_contains "a parent the same copy inserts: found through its match key" \
	'(SELECT "id" FROM "public"."lg_customers" WHERE "legacy_id" = 10)' "$out"
assert_eq "one transaction" 1 "$(grep -c '^BEGIN;' "$T/out")"
rf copy lg_orders --map "$T/legacy.ini" --tables lg_customers,lg_fitters --from "$MY" --to "$PG" --yes --undo-dir "$T/undo2"
assert_eq "set copy: exit 0" 0 "$rc"
assert_contains "nine rows inserted" "9 inserted, 0 updated, 0 deleted" "$(cat "$T/out")"
expected="c|10|Ann|ann@example.com
c|20|Bob|-
c|30|Cy|cy@example.com
f|1|Fred Fitter
f|2|Gina
o|1|10|1|10|1700000000|pending|f|10.50|rush
o|2|20|2|20|1700003600|completed|t|99.00|-
o|3|10||10|1700007200|cancelled|f|5.25|-
o|4|30|1|30|1700010800|processing|f|0.10|x"
assert_eq "the target: refs, instants, statuses, deleted_at, trimmed notes" "$expected" "$(state)"
assert_eq "every orders.customer_id is the customers.id whose legacy_id is CustomerID" 4 \
	"$(pg "$PG" 'SELECT count(*) FROM lg_orders o JOIN lg_customers c ON c.id = o.customer_id AND c.legacy_id = o.legacy_customer_id')"
assert_eq "one journal" 1 "$(ls "$T"/undo2/*.jsonl | wc -l)"
rf copy lg_orders --map "$T/legacy.ini" --tables lg_customers,lg_fitters --from "$MY" --to "$PG" --yes --undo-dir "$T/undo2"
assert_eq "second run: exit 0" 0 "$rc"
assert_contains "second run: nothing to do (deleted_at kept)" "nothing to do" "$(cat "$T/out")"
# a change on the source: updated through the maps
my "$MY" "UPDATE LegacyOrders SET OrderStatus = 9, CustomerID = 20 WHERE ID = 4; UPDATE LegacyCustomers SET Name = 'Cyril' WHERE ID = 30"
snap=$(state)
rf copy lg_orders --map "$T/legacy.ini" --tables lg_customers,lg_fitters --from "$MY" --to "$PG" --yes --undo-dir "$T/undo3"
assert_eq "update run: exit 0" 0 "$rc"
assert_contains "two updated" "0 inserted, 2 updated, 0 deleted" "$(cat "$T/out")"
assert_eq "... the order's customer now Bob's" "20|cancelled" \
	"$(pg "$PG" 'SELECT c.legacy_id, o.status FROM lg_orders o JOIN lg_customers c ON c.id = o.customer_id WHERE o.legacy_id = 4')"
j=$(ls "$T"/undo3/*.jsonl)
rf undo "$j" --yes
assert_eq "undo of the update: exit 0" 0 "$rc"
assert_eq "undo restores the target exactly" "$snap" "$(state)"
j=$(ls "$T"/undo2/*.jsonl)
rf undo "$j" --yes
assert_eq "undo of the set copy: exit 0" 0 "$rc"
assert_eq "... every table as before" "$before|0|0" \
	"$(pg "$PG" 'SELECT (SELECT count(*) FROM lg_customers), (SELECT count(*) FROM lg_fitters), (SELECT count(*) FROM lg_orders)')"
finish
