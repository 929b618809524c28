#!/bin/bash
# copy --all moves identity generators past the keys it loads (DESIGN §13,
# identity.h): an application's SQLite database copied into PostgreSQL
# tables made by `rowferry ddl` (identity columns) lets the application's
# next insert without an id succeed with the largest id + 1; the move is
# journaled as a `sequence` op (shown by log and the dry run), never goes
# backwards, is rolled back with a failed copy, and undo sets it back.
# PostgreSQL into MariaDB: InnoDB moves AUTO_INCREMENT itself, the move is
# journaled and undo sets it back.
. "$(dirname "$0")/lib.sh"

PGI=${RF_TEST_PG_DEV_URL/\/rf_dev\?//rf_identity_to?}
MYI=${RF_TEST_MY_DEV_URL/\/rf_dev\?//rf_identity_to?}

# ids with gaps: users up to 700, orders from 1000 up to 2498 (1499 rows:
# loaded in bulk, COPY / LOAD DATA), tags keyed by name (no identity)
SRC=$T/app.db
sqlite3 "$SRC" <<'SQL'
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
  note TEXT);
CREATE TABLE tags (name VARCHAR(20) PRIMARY KEY, color TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
INSERT INTO users SELECT i * 7, 'u' || i || '@example.com', 'user ' || i FROM n WHERE i <= 100;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
INSERT INTO orders SELECT 1000 + (i - 1), (i % 100 + 1) * 7, 'order ' || i FROM n WHERE i < 1500;
INSERT INTO tags VALUES ('red', '#f00'), ('blue', '#00f');
SQL
tables="users orders tags"
mkdir -p "$T/undo"

reset_pg() {
	pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS rf_identity_to" >/dev/null
	pg "$RF_TEST_PG_DEV_URL" "CREATE DATABASE rf_identity_to" >/dev/null
	"$ROWFERRY" ddl $tables --from "sqlite:$SRC" --to "$PGI" | pgf "$PGI"
}
# the value SEQ gives next, read without drawing one
pg_next() {
	pg "$PGI" "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM $1"
}
pg_nexts() { echo "$(pg_next users_id_seq) $(pg_next orders_id_seq)"; }

# ---- SQLite -> PostgreSQL ----
reset_pg
assert_eq "pg: ddl made identity columns" "users.id orders.id " \
	"$(pg "$PGI" "SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE is_identity = 'YES' ORDER BY table_name DESC" | tr '\n' ' ')"

rf copy --all --from "sqlite:$SRC" --to "$PGI" --dry-run
assert_eq "pg: --dry-run: exit 0" 0 "$rc"
assert_contains "pg: --dry-run: the users move, as a statement" \
	'ALTER SEQUENCE "public"."users_id_seq" RESTART WITH 701;' "$(cat "$T/out")"
assert_contains "pg: --dry-run: the orders move, as a statement" \
	'ALTER SEQUENCE "public"."orders_id_seq" RESTART WITH 2499;' "$(cat "$T/out")"
assert_contains "pg: --dry-run: with a comment saying why" \
	"-- public.orders.id: its sequence gives 1 next; moved past the largest key (2498)" "$(cat "$T/out")"
assert_eq "pg: --dry-run: the moves come before COMMIT" "ALTER SEQUENCE ALTER SEQUENCE COMMIT;" \
	"$(grep -E '^(ALTER SEQUENCE|COMMIT;)' "$T/out" | cut -d' ' -f1,2 | tr '\n' ' ' | sed 's/ $//')"
assert_eq "pg: --dry-run moved nothing" "1 1" "$(pg_nexts)"

# a failed copy (the verification finds a value the target changed)
# leaves the sequences where they were: the move is transactional
pgf "$PGI" <<<"CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS \$\$
	BEGIN IF NEW.name = 'red' THEN NEW.color := 'RED'; END IF; RETURN NEW; END \$\$;
	CREATE TRIGGER shout BEFORE INSERT ON tags FOR EACH ROW EXECUTE FUNCTION shout();"
rf copy --all --from "sqlite:$SRC" --to "$PGI" --yes --undo-dir "$T/undo"
assert_eq "pg: failed copy: exit 2" 2 "$rc"
assert_contains "pg: failed copy: the verification failed" "tags: verification failed" "$(cat "$T/err")"
assert_eq "pg: failed copy: the sequences where they were" "1 1" "$(pg_nexts)"
pg "$PGI" "DROP TRIGGER shout ON tags" >/dev/null

rf copy --all --from "sqlite:$SRC" --to "$PGI" --yes --undo-dir "$T/undo"
assert_eq "pg: copy: exit 0" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/err"
journal=$(sed -n 's/^journal: //p' "$T/out")
assert_eq "pg: the sequences past the largest keys" "701 2499" "$(pg_nexts)"
assert_eq "pg: journal: one sequence op per identity table, before and after" \
	"public.users id 1 701;public.orders id 1 2499;" \
	"$(jq -r 'select(.op == "sequence") | "\(.table) \(.column) \(.before) \(.after)"' "$journal" | tr '\n' ';')"
assert_eq "pg: journal: the sequence ops after the rows, before the prepared line" "sequence sequence prepared" \
	"$(jq -r '.op // .state' "$journal" | tail -4 | head -3 | tr '\n' ' ' | sed 's/ $//')"
assert_eq "pg: journal: the prepared line counts them" "$((100 + 1499 + 2 + 2))" \
	"$(jq -r 'select(.state == "prepared") | .ops' "$journal")"
rf log "$journal" --undo-dir "$T/undo"
assert_contains "pg: log: the move, readably" "> sequence public.orders.id: next value 1 -> 2499" "$(cat "$T/out")"
assert_contains "pg: log: counted" "sequences: 2 moved" "$(cat "$T/out")"
rf undo "$journal" --to "$PGI" --dry-run
assert_contains "pg: undo --dry-run: the sequence set back" 'ALTER SEQUENCE "public"."users_id_seq" RESTART WITH 1;' \
	"$(cat "$T/out")"
rf undo "$journal" --to "$PGI" --yes
assert_eq "pg: undo: exit 0" 0 "$rc"
assert_eq "pg: undo: the sequences give what they gave before the copy" "1 1" "$(pg_nexts)"

# the application's next inserts without an id, after the copy: they
# would collide on the loaded keys had the sequences stayed at 1
rf copy --all --from "sqlite:$SRC" --to "$PGI" --yes --undo-dir "$T/undo"
assert_eq "pg: copy again: exit 0" 0 "$rc"
journal=$(sed -n 's/^journal: //p' "$T/out")
assert_eq "pg: the app's next user gets the largest id + 1" 701 \
	"$(pg "$PGI" "INSERT INTO users (email) VALUES ('app@example.com') RETURNING id" | head -1)"
assert_eq "pg: the app's next order gets the largest id + 1" 2499 \
	"$(pg "$PGI" "INSERT INTO orders (user_id, note) VALUES (701, 'by the app') RETURNING id" | head -1)"
# undo: the app's rows are not the copy's and stay; the sequences go back
# only as far as they allow
rf undo "$journal" --to "$PGI" --yes
assert_eq "pg: undo with the app's rows: exit 0" 0 "$rc"
assert_eq "pg: undo: the app's rows stay" "701 2499" \
	"$(pg "$PGI" "SELECT string_agg(id::text, ',') FROM users") $(pg "$PGI" "SELECT string_agg(id::text, ',') FROM orders")"
assert_eq "pg: undo: the sequences never below the rows that stay" "702 2500" "$(pg_nexts)"

# never backwards: a sequence already past the keys stays where it is
reset_pg
pg "$PGI" "ALTER SEQUENCE users_id_seq RESTART WITH 5000" >/dev/null
rf copy --all --from "sqlite:$SRC" --to "$PGI" --yes --undo-dir "$T/undo"
assert_eq "pg: sequence ahead: exit 0" 0 "$rc"
journal=$(sed -n 's/^journal: //p' "$T/out")
assert_eq "pg: sequence ahead: not moved back" "5000 2499" "$(pg_nexts)"
assert_eq "pg: sequence ahead: only the orders move journaled" "public.orders" \
	"$(jq -r 'select(.op == "sequence") | .table' "$journal")"
rf undo "$journal" --to "$PGI" --yes
assert_eq "pg: sequence ahead: undo: exit 0" 0 "$rc"
assert_eq "pg: sequence ahead: undo left it, set the other back" "5000 1" "$(pg_nexts)"

# a user who does not own the sequences (an application's role with
# rights on the rows and UPDATE on the sequences): ALTER SEQUENCE is the
# owner's, so the move is a setval(), and undo's comes after its COMMIT
reset_pg
pgf "$PGI" <<'SQL'
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rf_identity_app') THEN
	CREATE ROLE rf_identity_app LOGIN; END IF; END $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO rf_identity_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO rf_identity_app;
SQL
APP=${PGI/rowferry@/rf_identity_app@}
rf copy --all --from "sqlite:$SRC" --to "$APP" --dry-run
assert_contains "not the owner: --dry-run: a setval" \
	"SELECT pg_catalog.setval('\"public\".\"users_id_seq\"', 701, false);" "$(cat "$T/out")"
assert_contains "not the owner: --dry-run: says why" "not its owner: setval" "$(cat "$T/out")"
rf copy --all --from "sqlite:$SRC" --to "$APP" --yes --undo-dir "$T/undo"
assert_eq "not the owner: copy: exit 0" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/err"
journal=$(sed -n 's/^journal: //p' "$T/out")
assert_eq "not the owner: the sequences past the largest keys" "701 2499" "$(pg_nexts)"
assert_eq "not the owner: journaled" 2 "$(jq -r 'select(.op == "sequence") | .op' "$journal" | wc -l)"
rf undo "$journal" --to "$APP" --yes
assert_eq "not the owner: undo: exit 0" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/err"
assert_eq "not the owner: undo: the sequences give 1 again" "1 1" "$(pg_nexts)"

# ---- PostgreSQL -> MariaDB ----
reset_pg
rf copy --all --from "sqlite:$SRC" --to "$PGI" --yes --undo-dir "$T/undo"
assert_eq "mariadb: the PostgreSQL source loaded" 0 "$rc"
my "$RF_TEST_MY_DEV_URL" "DROP DATABASE IF EXISTS rf_identity_to; CREATE DATABASE rf_identity_to"
"$ROWFERRY" ddl $tables --from "$PGI" --to "$MYI" | myf "$MYI"
my_ai() { # TABLE: its AUTO_INCREMENT
	my "$MYI" "SELECT AUTO_INCREMENT FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = 'rf_identity_to' AND TABLE_NAME = '$1'"
}
rf copy --all --from "$PGI" --to "$MYI" --dry-run
assert_contains "mariadb: --dry-run: says InnoDB moves it, nothing runs" \
	"-- orders.id: AUTO_INCREMENT (now 1) passes the largest key (2498) by itself as the rows load: nothing runs" \
	"$(cat "$T/out")"
assert_not_contains "mariadb: --dry-run: no ALTER TABLE in the transaction" "ALTER TABLE" "$(cat "$T/out")"
rf copy --all --from "$PGI" --to "$MYI" --yes --undo-dir "$T/undo"
assert_eq "mariadb: copy: exit 0" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/err"
journal=$(sed -n 's/^journal: //p' "$T/out")
assert_eq "mariadb: the next insert without an id gets the largest + 1" 2499 \
	"$(my "$MYI" "INSERT INTO orders (user_id, note) VALUES (7, 'app'); SELECT LAST_INSERT_ID()")"
my "$MYI" "DELETE FROM orders WHERE note = 'app'"
assert_eq "mariadb: journal: the moves InnoDB made" "users id 1 701;orders id 1 2499;" \
	"$(jq -r 'select(.op == "sequence") | "\(.table) \(.column) \(.before) \(.after)"' "$journal" | tr '\n' ';')"
rf undo "$journal" --to "$MYI" --yes
assert_eq "mariadb: undo: exit 0" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/err"
assert_eq "mariadb: undo: the tables empty" "0 0" \
	"$(my "$MYI" "SELECT count(*) FROM users") $(my "$MYI" "SELECT count(*) FROM orders")"
assert_eq "mariadb: undo: AUTO_INCREMENT set back" "1 1" "$(my_ai users) $(my_ai orders)"

# ---- SQLite -> SQLite: nothing to move, nothing journaled ----
sqlite3 "$T/to.db" "$(sqlite3 "$SRC" .schema)"
rf copy --all --from "sqlite:$SRC" --to "sqlite:$T/to.db" --yes --undo-dir "$T/undo"
assert_eq "sqlite: copy: exit 0" 0 "$rc"
journal=$(sed -n 's/^journal: //p' "$T/out")
assert_eq "sqlite: no sequence op" 0 "$(jq -r 'select(.op == "sequence") | .op' "$journal" | wc -l)"
assert_eq "sqlite: the next insert gets the largest + 1" 2499 \
	"$(sq "$T/to.db" "INSERT INTO orders (user_id, note) VALUES (7, 'app'); SELECT last_insert_rowid()")"
finish
