#!/bin/bash
# Copy across engines: MariaDB dev -> PostgreSQL prod, where the types are
# spelled differently (tinyint(1) -> boolean, datetime -> timestamptz,
# decimal -> numeric, JSON -> jsonb). The copy lands as PostgreSQL values,
# the re-diff is empty, and undo empties prod again. Then updates and
# deletes across engines, SQLite dev -> MariaDB prod.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/copy_lib.sh"

fresh_dbs cross

myf "$MYD" <<'SQL'
CREATE TABLE accounts (
  id int PRIMARY KEY, active tinyint(1) NOT NULL, seen_at datetime(6),
  balance decimal(12,3), prefs json, name varchar(40));
INSERT INTO accounts VALUES
  (1, 1, '2026-11-09 09:00:00.123456', 10.500, '{"theme": "dark", "lang": "en"}', 'Ann'),
  (2, 0, '2026-11-09 10:30:00', -3.250, '[1, 2, {"a": null}]', 'Bo'),
  (3, 1, NULL, 0.000, NULL, NULL),
  (4, 0, '1999-12-31 23:59:59.999999', 123456789.125, '{"nested": {"b": 2, "a": 1}}', 'Çelik ☃');
SQL
pgf "$PGP" <<'SQL'
CREATE TABLE accounts (
  id integer PRIMARY KEY, active boolean NOT NULL, seen_at timestamptz,
  balance numeric(12,3), prefs jsonb, name text);
SQL
write_config "$T/cross.ini" "$MYD" "$PGP" "$T/undo"

rf --config "$T/cross.ini" copy accounts --yes
assert_eq "mariadb->postgres: copy exits 0" 0 "$rc"
assert_contains "mariadb->postgres: 4 inserted" "4 inserted" "$(cat "$T/out")"
assert_eq "booleans, instants, decimals and JSON land as PostgreSQL values" \
	"1|t|2026-11-09 09:00:00.123456+00|10.500|{\"lang\": \"en\", \"theme\": \"dark\"}|Ann
2|f|2026-11-09 10:30:00+00|-3.250|[1, 2, {\"a\": null}]|Bo
3|t||0.000||
4|f|1999-12-31 23:59:59.999999+00|123456789.125|{\"nested\": {\"a\": 1, \"b\": 2}}|Çelik ☃" \
	"$(pg "$PGP" "SELECT id, active, seen_at, balance, prefs, name FROM accounts ORDER BY id")"
rf --config "$T/cross.ini" diff accounts
assert_eq "mariadb->postgres: re-diff is empty" 0 "$rc"
j=$(journal_of)
rf --config "$T/cross.ini" undo "$(ls "$T/undo"/*.jsonl)" --yes
assert_eq "mariadb->postgres: undo exits 0" 0 "$rc"
assert_eq "mariadb->postgres: undo empties prod" 0 "$(pg "$PGP" "SELECT count(*) FROM accounts")"

# updates and deletes across engines: SQLite dev -> MariaDB prod
sqlite3 "$T/dev.db" <<'SQL'
CREATE TABLE accounts (id INTEGER PRIMARY KEY, active BOOLEAN NOT NULL, seen_at DATETIME,
  balance DECIMAL(12,3), prefs JSON, name TEXT);
INSERT INTO accounts VALUES (1, 1, '2026-11-09 09:00:00', 10.5, '{"theme":"light"}', 'Ann'),
  (2, 0, '2026-11-09 10:30:00', 7, NULL, 'Bo');
SQL
myf "$MYP" <<'SQL'
CREATE TABLE accounts (
  id int PRIMARY KEY, active tinyint(1) NOT NULL, seen_at datetime(6),
  balance decimal(12,3), prefs json, name varchar(40));
INSERT INTO accounts VALUES (1, 1, '2026-11-09 09:00:00', 10.500, '{"theme": "dark"}', 'Ann'),
  (5, 1, NULL, 1.000, NULL, 'Gone');
SQL
before=$(my "$MYP" "SELECT * FROM accounts ORDER BY id")
write_config "$T/cross2.ini" "$SQD" "$MYP" "$T/undo2"
rf --config "$T/cross2.ini" copy accounts --ops insert,update,delete --yes
assert_eq "sqlite->mariadb: copy exits 0" 0 "$rc"
assert_contains "sqlite->mariadb: one of each" "1 inserted, 1 updated, 1 deleted" "$(cat "$T/out")"
rf --config "$T/cross2.ini" diff accounts
assert_eq "sqlite->mariadb: re-diff is empty" 0 "$rc"
rf --config "$T/cross2.ini" undo "$(journal_of)" --yes
assert_eq "sqlite->mariadb: undo exits 0" 0 "$rc"
assert_eq "sqlite->mariadb: undo restores prod exactly" "$before" "$(my "$MYP" "SELECT * FROM accounts ORDER BY id")"

finish
