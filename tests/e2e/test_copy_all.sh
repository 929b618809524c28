#!/bin/bash
# rowferry copy --all (DESIGN §13): an application's SQLite database (six
# tables, foreign keys with a self-reference, INTEGER PRIMARY KEY ids,
# datetime text, 0/1 booleans, blobs, NULLs and empty strings, unicode,
# ~20k rows) copied whole, keys kept, in one transaction and one v2
# journal, into SQLite and PostgreSQL databases holding the empty tables;
# --tables copies only those; a failure in the last table rolls back
# every table; undo empties the target again.
. "$(dirname "$0")/lib.sh"

PGA=${RF_TEST_PG_DEV_URL/\/rf_dev\?//rf_all_to?}
MYA=${RF_TEST_MY_DEV_URL/\/rf_dev\?//rf_all_to?}

. "$(dirname "$0")/app_db.sh"
SRC=$T/app.db
make_app_db "$SRC"

tables="users categories products orders order_items settings"
q() { # URL SQL
	case $1 in
	postgres*) pg "$1" "$2" ;;
	mysql* | mariadb*) my "$1" "$2" ;;
	sqlite:*) sq "${1#sqlite:}" "$2" ;;
	esac
}
counts() { # URL
	local t
	for t in $tables; do printf '%s=%s;' "$t" "$(q "$1" "SELECT count(*) FROM $t")"; done
}
# a fresh target holding the application's empty tables
reset_target() { # URL
	case $1 in
	postgres*)
		pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS rf_all_to" >/dev/null
		pg "$RF_TEST_PG_DEV_URL" "CREATE DATABASE rf_all_to" >/dev/null
		"$ROWFERRY" ddl $tables --from "sqlite:$SRC" --to "$1" | pgf "$1" ;;
	sqlite:*)
		rm -f "${1#sqlite:}"
		sqlite3 "${1#sqlite:}" <<<"$app_schema" ;;
	esac
}
mkdir -p "$T/undo"

check_all() { # LABEL TARGET
	local label=$1 to=$2 journal
	reset_target "$to"
	local empty
	empty=$(counts "$to")

	rf copy --all --from "sqlite:$SRC" --to "$to" --dry-run
	assert_eq "$label: --dry-run: exit 0" 0 "$rc"
	assert_contains "$label: --dry-run: six tables, one transaction" "-- copy of 6 tables:" "$(cat "$T/out")"
	assert_eq "$label: --dry-run: one BEGIN, one COMMIT" "1 1" \
		"$(grep -c '^BEGIN;$' "$T/out") $(grep -c '^COMMIT;$' "$T/out")"
	local order
	order=$(sed -n 's/^-- apply order (parents first): //p' "$T/out" | sed 's/public\.//g')
	assert_eq "$label: --dry-run: parents before children" yes \
		"$(awk -v o="$order" 'BEGIN { n = split(o, a, ", "); for (i = 1; i <= n; i++) p[a[i]] = i;
			print (p["users"] < p["orders"] && p["orders"] < p["order_items"] &&
			       p["products"] < p["order_items"] && p["categories"] < p["products"]) ? "yes" : "no" }')"
	assert_contains "$label: --dry-run: counts per table" "order_items: 12000 to insert, 0 to update, 0 to delete" \
		"$(sed 's/public\.//' "$T/out")"
	assert_eq "$label: --dry-run writes nothing" "$empty" "$(counts "$to")"

	rf copy --all users --from "sqlite:$SRC" --to "$to" --yes
	assert_eq "$label: --all with a TABLE: exit 2" 2 "$rc"
	assert_contains "$label: --all with a TABLE: says so" "give no TABLE" "$(cat "$T/err")"
	rf copy --all --follow children --from "sqlite:$SRC" --to "$to" --yes
	assert_eq "$label: --all --follow: exit 2" 2 "$rc"

	# --tables: only those (and a refused parent outside them)
	rf copy --all --tables categories,products --from "sqlite:$SRC" --to "$to" --yes --undo-dir "$T/undo"
	assert_eq "$label: --tables: exit 0" 0 "$rc"
	assert_eq "$label: --tables: only those tables" \
		"users=0;categories=20;products=1000;orders=0;order_items=0;settings=0;" "$(counts "$to")"
	journal=$(sed -n 's/^journal: //p' "$T/out")
	rf undo "$journal" --to "$to" --yes
	assert_eq "$label: --tables: undo: exit 0" 0 "$rc"

	# a failure in the last table rolls back every table
	case $to in
	sqlite:*) q "$to" "CREATE TRIGGER no_9 BEFORE INSERT ON order_items WHEN NEW.id = 11999
		BEGIN SELECT RAISE(ABORT, 'no 11999'); END" ;;
	*) q "$to" "ALTER TABLE order_items ADD CONSTRAINT no_9 CHECK (id <> 11999)" >/dev/null ;;
	esac
	rf copy --all --from "sqlite:$SRC" --to "$to" --yes --undo-dir "$T/undo"
	assert_eq "$label: failing last row: exit 2" 2 "$rc"
	assert_eq "$label: failing last row: every table rolled back" "$empty" "$(counts "$to")"
	case $to in
	sqlite:*) q "$to" "DROP TRIGGER no_9" ;;
	*) q "$to" "ALTER TABLE order_items DROP CONSTRAINT no_9" >/dev/null ;;
	esac

	# a target whose settings table alters a value on insert (a BEFORE
	# INSERT trigger): the verification finds it, everything rolled back
	case $to in
	sqlite:*) q "$to" "CREATE TRIGGER light AFTER INSERT ON settings WHEN NEW.name = 'theme'
		BEGIN UPDATE settings SET value = 'light' WHERE name = 'theme'; END" ;;
	*) pgf "$to" <<<"CREATE FUNCTION light() RETURNS trigger LANGUAGE plpgsql AS \$\$
		BEGIN IF NEW.name = 'theme' THEN NEW.value := 'light'; END IF; RETURN NEW; END \$\$;
		CREATE TRIGGER light BEFORE INSERT ON settings FOR EACH ROW EXECUTE FUNCTION light();" ;;
	esac
	rf copy --all --from "sqlite:$SRC" --to "$to" --yes --undo-dir "$T/undo" --report "$T/bad.json"
	assert_eq "$label: verification mismatch: exit 2" 2 "$rc"
	assert_eq "$label: verification mismatch: --report says rolled back and which table" "rolled back MISMATCH" \
		"$(jq -r '"\(.status) \(.tables[] | select(.table | endswith("settings")) | .verified)"' "$T/bad.json")"
	assert_contains "$label: verification mismatch: names the table" \
		"settings: verification failed: 5 rows read from sqlite:$SRC, 5 in" "$(sed 's/public\.//' "$T/err")"
	assert_contains "$label: verification mismatch: the checksums" "their checksums differ; nothing committed" \
		"$(cat "$T/err")"
	assert_eq "$label: verification mismatch: every table rolled back" "$empty" "$(counts "$to")"
	journal=$(sed -n 's/^journal: //p' "$T/out")
	assert_eq "$label: verification mismatch: journal aborted" aborted "$(tail -1 "$journal" | jq -r .state)"
	case $to in
	sqlite:*) q "$to" "DROP TRIGGER light" ;;
	*) q "$to" "DROP TRIGGER light ON settings" >/dev/null ;;
	esac

	rf copy --all --from "sqlite:$SRC" --to "$to" --yes --undo-dir "$T/undo" --report "$T/report.json"
	assert_eq "$label: copy: exit 0" 0 "$rc"
	# the self-reference is a cycle broken at a nullable key: users.manager_id
	# inserted NULL, then set once every row exists
	assert_contains "$label: copy: counts" "19525 inserted, 499 updated, 0 deleted" "$(cat "$T/out")"
	assert_eq "$label: every row there" "$(counts "sqlite:$SRC")" "$(counts "$to")"
	sed -n '/^table /,/^total /s/^/# /p' "$T/out" # the report, for the log
	assert_contains "$label: report: verified before COMMIT" "6 of 6 tables verified" "$(cat "$T/out")"
	assert_eq "$label: report: total rows read" 19525 "$(awk '$1 == "total" { print $2 }' "$T/out")"
	assert_contains "$label: report: settings verified by checksum" "count, checksum" \
		"$(grep -E '^(public\.)?settings ' "$T/out")"
	assert_eq "$label: --report: mode 0600" 600 "$(stat -c %a "$T/report.json")"
	assert_eq "$label: --report: committed, 6 tables, totals" "committed 6 19525 20024" \
		"$(jq -r '"\(.status) \(.tables | length) \(.totals.rows_read) \(.totals.written)"' "$T/report.json")"
	assert_eq "$label: --report: every table verified" "" \
		"$(jq -r '.tables[] | select(.verified | startswith("count") | not) | .table' "$T/report.json")"
	assert_eq "$label: --report: the journal" "$(sed -n 's/^journal: //p' "$T/out")" "$(jq -r .journal "$T/report.json")"
	journal=$(sed -n 's/^journal: //p' "$T/out")
	assert_eq "$label: one v2 journal with the six tables" "2 6" \
		"$(head -1 "$journal" | jq -r '"\(.rowferry_undo) \(.tables | length)"')"
	assert_eq "$label: journal committed" committed "$(tail -1 "$journal" | jq -r .state)"
	assert_eq "$label: journal header: the SQLite source's SHA-256" \
		"$(sha256sum "$SRC" | cut -d' ' -f1)" "$(head -1 "$journal" | jq -r .source_sha256)"
	local t
	for t in $tables; do
		rf diff "$t" --from "sqlite:$SRC" --to "$to" --format json
		assert_eq "$label: diff $t: no difference" "0 0 0" \
			"$(grep -c '"status":"only_source"' "$T/out") $(grep -c '"status":"only_target"' "$T/out") $(grep -c '"status":"changed"' "$T/out")"
	done
	assert_eq "$label: the self-reference kept" "499" \
		"$(q "$to" "SELECT count(*) FROM users u JOIN users m ON m.id = u.manager_id")"

	rf copy --all --from "sqlite:$SRC" --to "$to" --yes --undo-dir "$T/undo"
	assert_eq "$label: second run: exit 0" 0 "$rc"
	assert_contains "$label: second run: nothing to do" "nothing to do" "$(cat "$T/out")"

	rf undo "$journal" --to "$to" --yes
	assert_eq "$label: undo: exit 0" 0 "$rc"
	assert_eq "$label: undo leaves the tables empty" "$empty" "$(counts "$to")"
}
check_all "sqlite->sqlite" "sqlite:$T/to.db"
check_all "sqlite->postgres" "$PGA"

# PostgreSQL as the source (the application's database, loaded above) into
# MariaDB and SQLite databases holding the tables `rowferry ddl` makes
pg_as_source() {
	reset_target "$PGA"
	rf copy --all --from "sqlite:$SRC" --to "$PGA" --yes --undo-dir "$T/undo"
	assert_eq "postgres as a source: loaded" 0 "$rc"
}
check_from_pg() { # LABEL TARGET
	local label=$1 to=$2 journal t empty
	case $to in
	mysql*)
		my "$RF_TEST_MY_DEV_URL" "DROP DATABASE IF EXISTS rf_all_to; CREATE DATABASE rf_all_to"
		"$ROWFERRY" ddl $tables --from "$PGA" --to "$to" | myf "$to" ;;
	sqlite:*)
		rm -f "${to#sqlite:}"
		: >"${to#sqlite:}" # an empty file: an empty database
		"$ROWFERRY" ddl $tables --from "$PGA" --to "$to" | sqlite3 -bail "${to#sqlite:}" ;;
	esac
	empty=$(counts "$to")
	rf copy --all --from "$PGA" --to "$to" --yes --undo-dir "$T/undo" --report "$T/pg.json"
	assert_eq "$label: copy: exit 0" 0 "$rc"
	[ "$rc" = 0 ] || cat "$T/err"
	assert_eq "$label: every row there" "$(counts "$PGA")" "$(counts "$to")"
	assert_contains "$label: every table verified" "6 of 6 tables verified" "$(cat "$T/out")"
	assert_eq "$label: --report: no source_sha256 (not SQLite)" "committed null" \
		"$(jq -r '"\(.status) \(.source_sha256)"' "$T/pg.json")"
	for t in $tables; do
		rf diff "$t" --from "$PGA" --to "$to" --format json
		assert_eq "$label: diff $t: no difference" "0 0 0" \
			"$(grep -c '"status":"only_source"' "$T/out") $(grep -c '"status":"only_target"' "$T/out") $(grep -c '"status":"changed"' "$T/out")"
	done
	journal=$(jq -r .journal "$T/pg.json")
	rf undo "$journal" --to "$to" --yes
	assert_eq "$label: undo: exit 0" 0 "$rc"
	assert_eq "$label: undo leaves the tables empty" "$empty" "$(counts "$to")"
}
pg_as_source
check_from_pg "postgres->mariadb" "$MYA"
check_from_pg "postgres->sqlite" "sqlite:$T/from_pg.db"

# the copy stopped midway (kill -9 of rowferry, or its server connection
# terminated) while it waits on order_items, which another session holds
# in SHARE mode (reads pass, writes wait): no row anywhere afterwards, and
# the journal left pending is settled from the server as not committed
kill_mid_copy() { # LABEL kill|terminate
	local label=$1 empty w="" i pid locker journal
	reset_target "$PGA"
	empty=$(counts "$PGA")
	rm -rf "$T/undo-kill"
	psql -X -q "$PGA" -c "BEGIN" -c "LOCK TABLE order_items IN SHARE MODE" -c "SELECT pg_sleep(60)" \
		-c "COMMIT" >/dev/null &
	locker=$!
	sleep 0.3
	"$ROWFERRY" copy --all --from "sqlite:$SRC" --to "$PGA" --yes --undo-dir "$T/undo-kill" \
		>"$T/kout" 2>&1 </dev/null &
	pid=$!
	for i in $(seq 1 600); do
		w=$(pg "$PGA" "SELECT pid FROM pg_stat_activity WHERE datname = 'rf_all_to'
			AND application_name = 'rowferry' AND wait_event_type = 'Lock'")
		[ -n "$w" ] && break
		sleep 0.05
	done
	assert_eq "$label: the copy waits on order_items" yes "$([ -n "$w" ] && echo yes || echo no)"
	case $2 in
	kill) kill -9 "$pid" || true ;;
	terminate) pg "$PGA" "SELECT pg_terminate_backend($w)" >/dev/null ;;
	esac
	wait "$pid" || true
	pg "$PGA" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'rf_all_to'
		AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep%'" >/dev/null
	wait "$locker" || true
	for i in $(seq 1 100); do
		[ -z "$(pg "$PGA" "SELECT pid FROM pg_stat_activity WHERE datname = 'rf_all_to'
			AND application_name = 'rowferry'")" ] && break
		sleep 0.05
	done
	assert_eq "$label: no row in any table" "$empty" "$(counts "$PGA")"
	journal=$(find "$T/undo-kill" -name '*.jsonl' | head -1)
	if [ "$(jq -r 'select(.state) | .state' "$journal" | tail -1)" = pending ]; then
		rf undo "$journal" --to "$PGA" --yes
		assert_contains "$label: the pending journal settled as not committed" "did not commit" "$(cat "$T/out")"
	fi
	assert_eq "$label: journal aborted" aborted "$(tail -1 "$journal" | jq -r .state)"
}
kill_mid_copy "kill -9 mid-copy" kill
kill_mid_copy "connection terminated mid-copy" terminate

# a table missing in the target: named, with the ddl that makes it; nothing written
sqlite3 "$T/part.db" "CREATE TABLE categories (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE)"
rf copy --all --from "sqlite:$SRC" --to "sqlite:$T/part.db" --yes --undo-dir "$T/undo-part"
assert_eq "missing target tables: exit 2" 2 "$rc"
assert_contains "missing target tables: how many" "5 of the 6 tables are not in sqlite:$T/part.db: " "$(cat "$T/err")"
assert_eq "missing target tables: named, and the ddl making them" "order_items orders products settings users" \
	"$(sed -n 's/.*rowferry ddl \(.*\) --from .*/\1/p' "$T/err" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
assert_eq "missing target tables: nothing written" 0 "$(sq "$T/part.db" "SELECT count(*) FROM categories")"

# a corrupted SQLite source (a b-tree page's header overwritten) is refused
# before anything is written: PRAGMA integrity_check, exit 3, no journal
cp "$SRC" "$T/bad.db"
ps=$(sq "$T/bad.db" 'PRAGMA page_size') pc=$(sq "$T/bad.db" 'PRAGMA page_count')
printf '\x0d\xff\xff\xff\xff' | dd of="$T/bad.db" bs=1 seek=$((ps * (pc - 3))) conv=notrunc 2>/dev/null
reset_target "$PGA"
rf copy --all --from "sqlite:$T/bad.db" --to "$PGA" --yes --undo-dir "$T/undo-bad"
assert_eq "corrupted source: exit 3" 3 "$rc"
assert_contains "corrupted source: says why" "failed PRAGMA integrity_check" "$(cat "$T/err")"
assert_eq "corrupted source: nothing written" "users=0;categories=0;products=0;orders=0;order_items=0;settings=0;" \
	"$(counts "$PGA")"
assert_eq "corrupted source: no journal" 0 "$(find "$T/undo-bad" -type f 2>/dev/null | wc -l)"
finish
