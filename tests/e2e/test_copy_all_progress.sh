#!/bin/bash
# copy --all on a terminal (DESIGN §13, issue 14): a progress line on
# stderr naming the table being written, the tables and the rows over the
# whole copy; nothing of it when stderr is not a terminal; Ctrl-C (SIGINT)
# during the copy rolls every table back and aborts the journal.
. "$(dirname "$0")/lib.sh"

PGP=${RF_TEST_PG_DEV_URL/\/rf_dev\?//rf_progress_to?}
SRC=$T/app.db
sqlite3 "$SRC" <<'SQL'
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
  note TEXT);
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO users SELECT i, 'user ' || i FROM n WHERE i <= 300;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO orders SELECT i, i % 300 + 1, 'order ' || i FROM n;
INSERT INTO notes VALUES (1, 'one');
SQL
tables="users orders notes"
pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS rf_progress_to" >/dev/null
pg "$RF_TEST_PG_DEV_URL" "CREATE DATABASE rf_progress_to" >/dev/null
"$ROWFERRY" ddl $tables --from "sqlite:$SRC" --to "$PGP" | pgf "$PGP"
counts() { pg "$PGP" "SELECT (SELECT count(*) FROM users) || ' ' || (SELECT count(*) FROM orders)"; }

# holds orders in SHARE mode (reads pass, the copy's writes wait) for $1 s
hold_orders() {
	psql -X -q "$PGP" -c "BEGIN" -c "LOCK TABLE orders IN SHARE MODE" -c "SELECT pg_sleep($1)" \
		-c "COMMIT" >/dev/null &
	locker=$!
	sleep 0.3
}
# ends the hold at once (its session terminated)
release_orders() {
	pg "$PGP" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'rf_progress_to'
		AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep%'" >/dev/null
	wait "$locker" || true
}
# waits until the copy's session waits on a lock
wait_blocked() {
	local i w=""
	for i in $(seq 1 400); do
		w=$(pg "$PGP" "SELECT pid FROM pg_stat_activity WHERE datname = 'rf_progress_to'
			AND application_name = 'rowferry' AND wait_event_type = 'Lock'")
		[ -n "$w" ] && break
		sleep 0.05
	done
	assert_eq "$1: the copy waits on orders" yes "$([ -n "$w" ] && echo yes || echo no)"
}

# on a terminal (script gives the copy one): the line names the table and
# counts tables and rows over the copy (held on orders past the quiet
# first second)
hold_orders 3
script -qec "'$ROWFERRY' copy --all --from 'sqlite:$SRC' --to '$PGP' --yes --undo-dir '$T/undo'" \
	/dev/null >"$T/tty" 2>&1 </dev/null || true
wait "$locker" || true
assert_eq "tty: copied" "300 3000" "$(counts)"
tr '\r' '\n' <"$T/tty" | grep '^copy: ' >"$T/lines" || true
sed 's/^/# /' "$T/lines"
# apply order users, notes, orders (parents first): orders is the third,
# after 301 rows of the others
assert_eq "tty: a line with the table, the tables and the rows over the copy" yes \
	"$(grep -qE '^copy: orders 3/3 tables, [0-9]+/3301 rows \([0-9]+%\)' "$T/lines" && echo yes || echo no)"
assert_eq "tty: the rows of the tables done counted" yes \
	"$(awk -F'[ /]' '/^copy: orders/ { print ($6 >= 301 && $6 <= 3301) ? "yes" : "no"; exit }' "$T/lines")"
assert_contains "tty: then committing" "copy: 3 tables, 3301 rows: committing" "$(cat "$T/lines")"
assert_contains "tty: the line is cleared before the report" $'\r\033[K' "$(cat "$T/tty")"
journal=$(sed -n 's/^journal: //p' "$T/tty" | tr -d '\r')
rf undo "$journal" --to "$PGP" --yes
assert_eq "undo: exit 0" 0 "$rc"

# not a terminal: no progress line at all
hold_orders 2
rf copy --all --from "sqlite:$SRC" --to "$PGP" --yes --undo-dir "$T/undo"
wait "$locker" || true
assert_eq "no tty: copied" 0 "$rc"
assert_eq "no tty: no progress on stderr" "" "$(tr -d '\n' <"$T/err")"
journal=$(sed -n 's/^journal: //p' "$T/out")
rf undo "$journal" --to "$PGP" --yes
assert_eq "undo again: exit 0" 0 "$rc"

# Ctrl-C while the copy waits on orders: once the lock goes, it stops,
# rolls every table back (users were written already) and aborts the journal
hold_orders 60
rm -rf "$T/undo-int"
"$ROWFERRY" copy --all --from "sqlite:$SRC" --to "$PGP" --yes --undo-dir "$T/undo-int" \
	>"$T/iout" 2>"$T/ierr" </dev/null &
pid=$!
wait_blocked "SIGINT"
kill -INT "$pid"
sleep 0.3
release_orders
set +e
wait "$pid"
irc=$?
set -e
assert_eq "SIGINT: exit 3 (cancelled)" 3 "$irc"
assert_contains "SIGINT: says it rolled back" "cancelled" "$(cat "$T/ierr")"
assert_eq "SIGINT: no row in any table" "0 0" "$(counts)"
journal=$(find "$T/undo-int" -name '*.jsonl' | head -1)
assert_eq "SIGINT: journal aborted" aborted "$(tail -1 "$journal" | jq -r .state)"
finish
