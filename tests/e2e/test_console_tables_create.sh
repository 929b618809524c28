#!/bin/bash
# test_console_tables_create.sh - the tables screen creates the tables
# missing in the target (issue 14 item 7, DESIGN §13 in the console): a
# table only in the source shows `create`, at 120x30 and at 80x24; marked,
# the status counts it "to create", p previews the set as `rowferry copy
# --all --create --tables MARKED --dry-run` prints it (byte for byte: the
# CREATE TABLE where it runs, the data, the foreign keys after it, the
# identity's move), A applies it (the apply screen lists the table to
# create; the journal has its create op), the tables screen then counts
# it on both sides, and the journals screen's rollback (u, r) drops it
# again as `rowferry undo` does. Into a SQLite target (the demo) and into
# PostgreSQL from a SQLite application database.
# valgrind: needs servers
. "$(dirname "$0")/console_lib.sh"

# ---- SQLite -> SQLite (the demo) -------------------------------------------
make_demo
sq "$DEV" "CREATE TABLE audit_notes (id INTEGER PRIMARY KEY, job_number TEXT NOT NULL
  REFERENCES jobs (job_number), note TEXT, at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP);
INSERT INTO audit_notes VALUES (1, '0000061', 'called', '2024-01-02 03:04:05'),
  (2, '0000061', NULL, '2024-01-03 03:04:05'), (3, '0000065', 'ünïcode', '2024-01-04 03:04:05');"
rf copy --all --create --tables audit_notes,jobs --config "$CFG" --dry-run
assert_eq "the CLI's dry run of the marked tables" 0 "$rc"
cp "$T/out" "$T/cli.sql"

echo "# SQLite: create shown, marked, p, A, the tables counted again"
console --config "$CFG" <<EOF
:dump $T/start
:key g Space Space
:dump $T/marked
:key p
:dump $T/preview
:key s ^U
:type $T/set.sql
:enter
:key A
:dump $T/apply
:type prod
:enter
:wait-idle
:dump $T/applied
:key q
:wait-idle
:dump $T/back
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "a table only in the source shows create" "+ audit_notes                        3               -  create: only in dev, missing in prod" "$(screen start)"
assert_contains "two marked, one to create" "2 marked  1 to create" "$(status marked)"
assert_contains "p: the set, created where missing" "set of the marked tables, 2 table(s), created where missing: 3 insert(s)" "$(screen preview)"
assert_contains "p: the CREATE TABLE in the transaction" 'CREATE TABLE "audit_notes" (' "$(screen preview)"
assert_eq "the saved script is copy --all --create --tables audit_notes,jobs --dry-run's, byte for byte" \
	"$(cat "$T/cli.sql")" "$(cat "$T/set.sql")"
if cmp -s "$T/cli.sql" "$T/set.sql"; then ok "cmp: the same bytes"; else not_ok "cmp: the files differ"; fi
assert_eq "... the CREATE after BEGIN, before the rows" "yes" \
	"$(awk '/^BEGIN;$/ { b = NR } /^CREATE TABLE "audit_notes"/ { c = NR } /^INSERT INTO "audit_notes"/ { d = NR }
		END { print (b && b < c && c < d) ? "yes" : "no" }' "$T/set.sql")"
assert_contains "A: the table to create" "create    audit_notes (CREATE TABLE in the same transaction)" "$(screen apply)"
assert_contains "A: applied" "Applied to prod in one transaction: 3 inserted, 0 updated, 0 deleted" "$(screen applied)"
assert_contains "A: the table created" "Created 1 table(s) in prod; a rollback (u, r) drops them." "$(screen applied)"
assert_eq "q: the table counted on both sides, no longer to create" \
	" *audit_notes                        3               3" "$(grep audit_notes "$T/back" | sed 's/ *$//')"
assert_eq "sqlite3: the rows in prod" "3|ünïcode" \
	"$(sq "$PROD" "SELECT count(*), max(note) FROM audit_notes")"
journal=$(sed -n 's/^Journal: \([^ ]*\).*/\1/p' "$T/applied")
assert_eq "the journal's create op" "audit_notes" "$(jq -r 'select(.op == "create") | .table' "$journal")"
made=$(sq "$PROD" "SELECT count(*) FROM sqlite_master WHERE name = 'audit_notes'")

echo "# SQLite: the journals screen's rollback drops it"
console --config "$CFG" <<EOF
:key u r
:dump $T/review
:key Enter
:type prod
:enter
:wait-idle
:dump $T/rolled
:key q q
:wait-idle
:dump $T/after
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "the rollback says it drops the table" "then DROP TABLE audit_notes (the copy created it)" "$(screen review)"
assert_contains "rolled back" "3 row(s) restored" "$(screen rolled)"
assert_contains "... the table dropped" "Dropped audit_notes, which the copy created." "$(screen rolled)"
assert_eq "sqlite3: audit_notes in prod after A, gone after the rollback" "1 0" \
	"$made $(sq "$PROD" "SELECT count(*) FROM sqlite_master WHERE name = 'audit_notes'")"
assert_contains "the tables screen: to create again" "+ audit_notes                        3               -  create: only in dev" "$(screen after)"

echo "# 80x24: create readable, marked, p"
LINES=24 COLUMNS=80 console --config "$CFG" <<EOF
:dump $T/small
:key g Space
:dump $T/small_marked
:key p
:dump $T/small_preview
EOF
assert_eq "exit 0 at 80x24" 0 "$rc"
assert_contains "80x24: create shown" "+ audit_notes                        3               -  create: only" "$(screen small)"
assert_contains "80x24: the status counts it" "1 to create" "$(status small_marked)"
assert_contains "80x24: the preview creates it" 'CREATE TABLE "audit_notes"' "$(screen small_preview)"

# ---- SQLite -> PostgreSQL ------------------------------------------------
PGC=${RF_TEST_PG_DEV_URL/\/rf_dev\?//rf_console_create?}
pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS rf_console_create" >/dev/null 2>&1
pg "$RF_TEST_PG_DEV_URL" "CREATE DATABASE rf_console_create" >/dev/null
sq "$T/app.db" "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, customer_id INTEGER NOT NULL
  REFERENCES customers (id), body TEXT, done BOOLEAN NOT NULL DEFAULT 0,
  at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP);
INSERT INTO customers VALUES (1, 'Acme'), (2, 'Globex');
INSERT INTO notes VALUES (1, 1, 'first', 0, '2024-01-02 03:04:05'), (2, 2, NULL, 1, '2024-02-03 04:05:06'),
  (7, 1, 'ünïcode', 0, '2024-03-04 05:06:07');"
pg "$PGC" "CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO customers VALUES (1, 'Acme'), (2, 'Globex');"
cat >"$T/pg.ini" <<EOF
[connection app]
url = sqlite:$T/app.db
[connection pgapp]
url = $PGC
[defaults]
source = app
target = pgapp
[safety]
undo_dir = $T/undo-pg
EOF
rf copy --all --create --tables customers,notes --config "$T/pg.ini" --dry-run
assert_eq "the CLI's dry run into PostgreSQL" 0 "$rc"
cp "$T/out" "$T/pg_cli.sql"

echo "# PostgreSQL: * marks both, p, A, the tables counted again"
console --config "$T/pg.ini" <<EOF
:dump $T/pg_start
:key *
:dump $T/pg_marked
:key p
:dump $T/pg_preview
:key s ^U
:type $T/pg_set.sql
:enter
:key A
:dump $T/pg_apply
:type pgapp
:enter
:wait-idle
:dump $T/pg_applied
:key q
:wait-idle
:dump $T/pg_back
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "PostgreSQL: notes shows create" "+ notes                              3               -  create: only in app, missing in pgapp" "$(screen pg_start)"
assert_contains "PostgreSQL: two marked, one to create" "2 marked  1 to create" "$(status pg_marked)"
assert_contains "PostgreSQL p: the CREATE TABLE" 'CREATE TABLE "notes" (' "$(screen pg_preview)"
assert_contains "PostgreSQL p: the identity" '"id" bigint GENERATED BY DEFAULT AS IDENTITY' "$(screen pg_preview)"
assert_eq "PostgreSQL: the saved script is copy --all --create --dry-run's, byte for byte" \
	"$(cat "$T/pg_cli.sql")" "$(cat "$T/pg_set.sql")"
if cmp -s "$T/pg_cli.sql" "$T/pg_set.sql"; then ok "PostgreSQL cmp: the same bytes"; else not_ok "PostgreSQL cmp: the files differ"; fi
assert_contains "... the foreign key after the rows" \
	'ALTER TABLE "notes" ADD CONSTRAINT "notes_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id");' \
	"$(cat "$T/pg_set.sql")"
assert_contains "... the identity's move" \
	"-- notes.id: the sequence of the table created above is moved past the largest key loaded (7) once the rows are in, RESTART WITH 8" \
	"$(cat "$T/pg_set.sql")"
assert_contains "the CLI's dry run: the created table's identity move, not an error" \
	"-- notes.id: the sequence of the table created above is moved" "$(cat "$T/pg_cli.sql")"
assert_contains "PostgreSQL A: the table to create" "create    notes (CREATE TABLE in the same transaction)" "$(screen pg_apply)"
assert_contains "PostgreSQL A: applied" "Applied to pgapp in one transaction: 3 inserted" "$(screen pg_applied)"
assert_contains "PostgreSQL A: verified before COMMIT" "Verified before COMMIT as copy --all does" "$(screen pg_applied)"
assert_contains "PostgreSQL q: notes counted on both sides" "notes                              3               3" "$(screen pg_back)"
assert_eq "psql: the rows" "3|1|ünïcode" \
	"$(pg "$PGC" "SELECT count(*), sum(done::int), max(body) FROM notes")"
assert_eq "psql: id an identity, the foreign key there" "YES|1" \
	"$(pg "$PGC" "SELECT (SELECT is_identity FROM information_schema.columns WHERE table_name = 'notes'
		AND column_name = 'id'), (SELECT count(*) FROM information_schema.table_constraints
		WHERE table_name = 'notes' AND constraint_type = 'FOREIGN KEY')")"
assert_eq "psql: the application's next id comes after the loaded keys" "8" \
	"$(pgf "$PGC" <<<"BEGIN; INSERT INTO notes (customer_id, body) VALUES (2, 'next') RETURNING id; ROLLBACK;")"
made=$(pg "$PGC" "SELECT to_regclass('public.notes') IS NOT NULL")
pg_journal=$(sed -n 's/^Journal: \([^ ]*\).*/\1/p' "$T/pg_applied")
assert_eq "PostgreSQL: the journal's create op" "notes" \
	"$(jq -r 'select(.op == "create") | .table' "$pg_journal")"

echo "# PostgreSQL: the journals screen's rollback drops it"
console --config "$T/pg.ini" <<EOF
:key u r
:dump $T/pg_review
:key Enter
:type pgapp
:enter
:wait-idle
:dump $T/pg_rolled
:key q q
:wait-idle
:dump $T/pg_after
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "PostgreSQL: the rollback says it drops the table" "then DROP TABLE notes (the copy created it)" "$(screen pg_review)"
assert_contains "PostgreSQL: rolled back" "3 row(s) restored" "$(screen pg_rolled)"
assert_contains "PostgreSQL: ... the table dropped" "Dropped notes, which the copy created." "$(screen pg_rolled)"
assert_eq "psql: notes there after A, gone after the rollback, customers kept" "t f 2" \
	"$made $(pg "$PGC" "SELECT to_regclass('public.notes') IS NOT NULL") $(pg "$PGC" "SELECT count(*) FROM customers")"
assert_contains "PostgreSQL: the tables screen: to create again" "+ notes                              3               -  create: only in app" "$(screen pg_after)"

pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS rf_console_create" >/dev/null
finish
