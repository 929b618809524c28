#!/bin/bash
# A copy matched by a key that no unique constraint of the target covers
# (--key job,ref): another session inserting the same key while the copy's
# transaction is open must not end with the key twice and exit 0 (issue 10,
# item 8). PostgreSQL: the copy locks the table against other writers
# (LOCK TABLE ... IN SHARE ROW EXCLUSIVE MODE), so the other insert waits
# for the COMMIT (here it gives up after its own lock_timeout). MariaDB: the
# locking re-check in REPEATABLE READ takes next-key locks, so the other
# insert waits too, with or without an index on the key columns. SQLite:
# BEGIN IMMEDIATE serializes writers (tested elsewhere: test_copy_kill.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/copy_lib.sh"

# wait_for ENGINE URL SQL : polls until SQL returns a non-empty, non-zero value
wait_for() {
	local i v
	for i in $(seq 1 200); do
		v=$(sql_query "$1" "$2" "$3" 2>/dev/null || true)
		[ -n "$v" ] && [ "$v" != 0 ] && return 0
		sleep 0.1
	done
	return 1
}

race() {
	local e=$1 index=$2 dev prod cfg what pid out n
	what="$e, no index on the key"
	[ -n "$index" ] && what="$e, an index on the key"
	fresh_dbs race
	dev=$(url_of "$e" dev)
	prod=$(url_of "$e" prod)
	cfg=$T/race-$e.ini
	write_config "$cfg" "$dev" "$prod" "$T/undo-race-$e"
	case $e in
	pg)
		pg "$dev" "CREATE TABLE orders (id serial PRIMARY KEY, job text NOT NULL, ref text NOT NULL, qty int);
			INSERT INTO orders (job, ref, qty) VALUES ('J1', 'R1', 5), ('J0', 'R0', 1)"
		# the COMMIT sleeps (a deferred trigger): the racy moment is after
		# every check, before the COMMIT ends
		pgf "$prod" >/dev/null <<'SQL'
CREATE TABLE orders (id serial PRIMARY KEY, job text NOT NULL, ref text NOT NULL, qty int);
INSERT INTO orders (job, ref, qty) VALUES ('J0', 'R0', 1);
CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN IF current_setting('application_name') <> 'other' THEN PERFORM pg_sleep(4); END IF; RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER slow AFTER INSERT ON orders DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION slow_commit();
SQL
		[ -n "$index" ] && pg "$prod" "CREATE INDEX orders_job_ref ON orders (job, ref)"
		;;
	my)
		my "$dev" "CREATE TABLE orders (id int AUTO_INCREMENT PRIMARY KEY, job varchar(20) NOT NULL, ref varchar(20) NOT NULL, qty int);
			INSERT INTO orders (job, ref, qty) VALUES ('J1', 'R1', 5), ('J0', 'R0', 1)"
		# the copy's INSERT sleeps (a trigger): after the re-check
		my "$prod" "CREATE TABLE orders (id int AUTO_INCREMENT PRIMARY KEY, job varchar(20) NOT NULL, ref varchar(20) NOT NULL, qty int);
			INSERT INTO orders (job, ref, qty) VALUES ('J0', 'R0', 1);
			CREATE TRIGGER slow AFTER INSERT ON orders FOR EACH ROW
				SET @slept = IF(@other IS NULL, SLEEP(4), 0)"
		[ -n "$index" ] && my "$prod" "CREATE INDEX orders_job_ref ON orders (job, ref)"
		;;
	esac

	"$ROWFERRY" --config "$cfg" copy orders --key job,ref --exclude id --yes \
		>"$T/race.out" 2>"$T/race.err" </dev/null &
	pid=$!
	case $e in
	pg)
		wait_for pg "$prod" "SELECT count(*) FROM pg_stat_activity
			WHERE wait_event = 'PgSleep' AND datname = current_database() AND pid <> pg_backend_pid()" ||
			not_ok "$what: the copy's COMMIT never reached the trigger"
		set +e
		out=$(PGAPPNAME=other psql -X -q -v ON_ERROR_STOP=1 -At "$prod" \
			-c "SET lock_timeout = '1s'" \
			-c "INSERT INTO orders (job, ref, qty) VALUES ('J1', 'R1', 9)" 2>&1)
		set -e
		assert_contains "$what: the other session's insert waited for the copy's COMMIT" \
			"lock timeout" "$out"
		;;
	my)
		wait_for my "$prod" "SELECT count(*) FROM information_schema.processlist
			WHERE state = 'User sleep' AND db = DATABASE()" ||
			not_ok "$what: the copy's INSERT never reached the trigger"
		set +e
		out=$(my "$prod" "SET @other = 1; SET SESSION innodb_lock_wait_timeout = 1;
			INSERT INTO orders (job, ref, qty) VALUES ('J1', 'R1', 9)" 2>&1)
		set -e
		assert_contains "$what: the other session's insert waited for the copy's COMMIT" \
			"Lock wait timeout" "$out"
		;;
	esac
	set +e
	wait "$pid"
	rc=$?
	set -e
	assert_eq "$what: the copy went through" 0 "$rc"
	n=$(sql_query "$e" "$prod" "SELECT count(*) FROM orders WHERE job = 'J1' AND ref = 'R1'")
	assert_eq "$what: the key is in the target once" 1 "$n"
	assert_eq "$what: with the copy's values" 5 \
		"$(sql_query "$e" "$prod" "SELECT qty FROM orders WHERE job = 'J1' AND ref = 'R1'")"
}

for e in pg my; do
	race "$e" ""
	race "$e" index
done

finish
