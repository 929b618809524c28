#!/bin/bash
# Commit status comes from the engine, never from the rows (DESIGN §6, §15):
# rowferry killed (SIGKILL) at each point of the commit sequence through the
# test-only ROWFERRY_TEST_KILL_AT, and during a long COMMIT on the server;
# journals cut or edited; undo --dry-run writes nothing; a journal readable
# by others is warned about. PostgreSQL, MariaDB and SQLite.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/copy_lib.sh"

items_sql() { # ENGINE SIDE: items 1..20 in dev, 1001 and 1002 in prod
	echo "CREATE TABLE items (id integer PRIMARY KEY, name varchar(40) NOT NULL, qty integer);"
	if [ "$2" = dev ]; then
		for n in $(seq 1 20); do echo "INSERT INTO items VALUES ($n, 'item-$n', $n);"; done
	else
		echo "INSERT INTO items VALUES (1001, 'kept-1', 1), (1002, 'kept-2', 2);"
	fi
}

setup_items() { # ENGINE
	items_sql "$1" dev | sql_run "$1" "$(url_of "$1" dev)"
	items_sql "$1" prod | sql_run "$1" "$(url_of "$1" prod)"
	cfg=$T/commit-$1.ini
	undo=$T/undo-$1
	write_config "$cfg" "$(url_of "$1" dev)" "$(url_of "$1" prod)" "$undo"
}

count() { sql_query "$e" "$prod" "SELECT count(*) FROM items"; }
newest_journal() { ls -t "$undo"/*.jsonl | head -n 1; }
# the state lines of a journal, in order (the header's "pending" first)
states() { jq -r '.state // empty' "$1" | tr '\n' ' ' | sed 's/ $//'; }

# copy_killed_at POINT: the copy of items, killed at POINT; $j its journal
copy_killed_at() {
	set +e
	{ ROWFERRY_TEST_KILL_AT=$1 "$ROWFERRY" --config "$cfg" copy items --yes >"$T/out" 2>"$T/err" </dev/null; } 2>/dev/null
	rc=$?
	set -e
	assert_eq "$e: killed at $1" 137 "$rc"
	j=$(newest_journal)
}

copy_items() {
	rf --config "$cfg" copy items --yes
	assert_eq "$e: copy exits 0" 0 "$rc"
	j=$(journal_of)
}

# --- kill -9 right after the journal is created: aborted, log says so ------
header_only_journal_resolves_to_aborted() {
	copy_killed_at journal-created
	assert_eq "$e: header-only journal" 1 "$(wc -l <"$j")"
	rf --config "$cfg" undo "$j" --yes
	assert_eq "$e: header-only: undo exits 0" 0 "$rc"
	assert_contains "$e: ... did not commit" "the copy did not commit" "$(cat "$T/out")"
	assert_eq "$e: ... journal aborted" "pending aborted" "$(states "$j")"
	rf --config "$cfg" log
	assert_contains "$e: ... log shows it aborted" "aborted" "$(grep -F "$(basename "$j")" "$T/out")"
	assert_eq "$e: ... target unchanged" 2 "$(count)"
}

# --- J1 killed before COMMIT, J2 the same copy: J1 is aborted, J2 undoes ---
rerun_copy_is_not_taken_for_the_killed_one() {
	local point=$1 j1 j2 sum
	copy_killed_at "$point"
	j1=$j
	assert_eq "$e: J1 left pending" "$2" "$(states "$j1")"
	copy_items
	j2=$j
	assert_eq "$e: J2 copied the 20 rows" 22 "$(count)"
	sum=$(sha256sum "$j1")
	rf --config "$cfg" undo "$j1" --dry-run
	assert_eq "$e: J1 --dry-run exits 0" 0 "$rc"
	assert_contains "$e: ... would be aborted" "would be resolved: the copy did not commit" "$(cat "$T/out")"
	assert_eq "$e: ... and wrote nothing" "$sum" "$(sha256sum "$j1")"
	rf --config "$cfg" undo "$j1" --yes
	assert_eq "$e: undo J1 exits 0" 0 "$rc"
	assert_contains "$e: ... J1 did not commit" "the copy did not commit" "$(cat "$T/out")"
	assert_eq "$e: ... J1 aborted" aborted "$(tail -n 1 "$j1" | jq -r .state)"
	assert_eq "$e: ... J2's rows untouched" 22 "$(count)"
	rf --config "$cfg" undo "$j2" --yes
	assert_eq "$e: J2 still undoes" 0 "$rc"
	assert_eq "$e: ... back to the 2 rows" 2 "$(count)"
}

# --- the committed line lost or replaced: the prepared line decides --------
lost_committed_line_is_settled_by_the_engine() {
	local sum
	copy_killed_at after-commit
	assert_eq "$e: after COMMIT, before the committed line" "pending prepared" "$(states "$j")"
	rf --config "$cfg" undo "$j" --yes
	assert_eq "$e: undo exits 0" 0 "$rc"
	assert_contains "$e: ... resolved committed" "resolved: the copy committed" "$(cat "$T/out")"
	assert_eq "$e: ... and undone" 2 "$(count)"
	assert_eq "$e: ... journal" "pending prepared committed undone" "$(states "$j")"

	copy_items
	sed -i '$d' "$j"
	echo '{"state":"pending"}' >>"$j"
	sum=$(sha256sum "$j")
	rf --config "$cfg" undo "$j" --dry-run
	assert_eq "$e: committed line replaced by pending: --dry-run exits 0" 0 "$rc"
	assert_contains "$e: ... would be resolved committed" "would be resolved: the copy committed" "$(cat "$T/out")"
	assert_eq "$e: ... --dry-run wrote nothing" "$sum" "$(sha256sum "$j")"
	rf --config "$cfg" undo "$j" --yes
	assert_eq "$e: ... undo exits 0" 0 "$rc"
	assert_eq "$e: ... undone exactly" "1001|kept-1|1 1002|kept-2|2" \
		"$(sql_query "$e" "$prod" "SELECT id, name, qty FROM items ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"

	copy_items
	sed -i '$d' "$j"
	sed -i '$d' "$j"
	echo '{"state":"pending"}' >>"$j"
	rf --config "$cfg" undo "$j" --yes
	assert_eq "$e: prepared line removed too: exits 0" 0 "$rc"
	assert_contains "$e: ... taken as never committed" "the copy did not commit" "$(cat "$T/out")"
	assert_eq "$e: ... nothing touched" 22 "$(count)"
	sql_query "$e" "$prod" "DELETE FROM items WHERE id < 1000" >/dev/null
}

# --- journals edited: refused, nothing touched ------------------------------
replace_committed_by_pending() {
	sed -i '$d' "$j"
	echo '{"state":"pending"}' >>"$j"
}

edited_journals_touch_nothing() {
	local n
	copy_items
	# the header and every op line name the table (journal v2): all edited
	sed -i 's/"table":"[^"]*"/"table":"other"/g' "$j"
	rf --config "$cfg" undo "$j" --yes
	assert_eq "$e: the journal's table changed: refused" 3 "$rc"
	assert_contains "$e: ... does not verify" "does not verify" "$(cat "$T/err")"
	assert_eq "$e: ... the other table untouched" 3 "$(sql_query "$e" "$prod" "SELECT count(*) FROM other")"
	assert_eq "$e: ... the copy untouched" 22 "$(count)"
	replace_committed_by_pending
	rf --config "$cfg" undo "$j" --yes
	assert_eq "$e: ... and its committed line made pending: exits 0" 0 "$rc"
	assert_contains "$e: ... its prepared seal fails: never committed" "the copy did not commit" "$(cat "$T/out")"
	assert_eq "$e: ... the other table still untouched" 3 "$(sql_query "$e" "$prod" "SELECT count(*) FROM other")"
	assert_eq "$e: ... the copy still untouched" 22 "$(count)"
	sql_query "$e" "$prod" "DELETE FROM items WHERE id < 1000" >/dev/null

	copy_items
	n=$(grep -n '"op":"insert"' "$j" | head -n 1 | cut -d: -f1)
	sed -i "${n}s/\"id\":\"[0-9]*\"/\"id\":\"1001\"/g" "$j"
	rf --config "$cfg" undo "$j" --yes
	assert_eq "$e: an op's key pointed at a row of before: refused" 3 "$rc"
	assert_eq "$e: ... that row untouched" "kept-1" "$(sql_query "$e" "$prod" "SELECT name FROM items WHERE id = 1001")"
	assert_eq "$e: ... the copy untouched" 22 "$(count)"
	replace_committed_by_pending
	rf --config "$cfg" undo "$j" --yes
	assert_eq "$e: ... and its committed line made pending: exits 0" 0 "$rc"
	assert_eq "$e: ... that row still untouched" "kept-1" "$(sql_query "$e" "$prod" "SELECT name FROM items WHERE id = 1001")"
	assert_eq "$e: ... the copy still untouched" 22 "$(count)"
	sql_query "$e" "$prod" "DELETE FROM items WHERE id < 1000" >/dev/null

	copy_items
	n=$(grep -n '"op":"insert"' "$j" | sed -n 10p | cut -d: -f1)
	head -c "$(($(head -n "$n" "$j" | wc -c) - 7))" "$j" >"$T/cut"
	cat "$T/cut" >"$j"
	rf --config "$cfg" undo "$j" --yes
	assert_eq "$e: cut mid-line: exits 0" 0 "$rc"
	assert_contains "$e: ... never reached COMMIT" "the copy did not commit" "$(cat "$T/out")"
	assert_eq "$e: ... not a row restored" 22 "$(count)"
	sql_query "$e" "$prod" "DELETE FROM items WHERE id < 1000" >/dev/null
}

# --- a journal readable by others -------------------------------------------
exposed_journal_is_warned_about() {
	copy_items
	chmod 644 "$j"
	rf --config "$cfg" log
	assert_contains "$e: log warns" "is readable by others (mode 0644): it holds row data" "$(cat "$T/err")"
	rf --config "$cfg" log "$j"
	assert_contains "$e: log JOURNAL warns" "is readable by others (mode 0644)" "$(cat "$T/err")"
	rf --config "$cfg" undo "$j" --yes
	assert_contains "$e: undo warns" "$j is readable by others (mode 0644)" "$(cat "$T/err")"
	assert_eq "$e: ... and undoes" 2 "$(count)"
}

# --- PostgreSQL ---------------------------------------------------------------
fresh_dbs commit
e=pg prod=$PGP
setup_items pg
pg "$PGP" "CREATE TABLE other (id integer PRIMARY KEY); INSERT INTO other VALUES (1), (2), (3)" >/dev/null
header_only_journal_resolves_to_aborted
rerun_copy_is_not_taken_for_the_killed_one after-prepared-line "pending prepared"
lost_committed_line_is_settled_by_the_engine
edited_journals_touch_nothing
exposed_journal_is_warned_about

# a journal from before the prepared line, left pending: refused
copy_items
sed -i '1s/,"prepare":true//; $d' "$j"
sed -i '$d' "$j"
rf --config "$cfg" undo "$j" --yes
assert_eq "pg: older pending journal: exit 2" 2 "$rc"
assert_contains "pg: ... refused" "a journal from an older rowferry, without a prepared line" "$(cat "$T/err")"
assert_eq "pg: ... not marked" pending "$(states "$j")"
assert_eq "pg: ... rows untouched" 22 "$(count)"
pg "$PGP" "DELETE FROM items WHERE id < 1000" >/dev/null

# kill -9 while the server runs a long COMMIT (a deferred constraint trigger
# sleeps 3 s in it): undo refuses while it runs, then settles it committed
pgf "$PGP" <<'SQL'
CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_sleep(3); RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON items DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (NEW.id = 1) EXECUTE FUNCTION slow_commit();
SQL
set +e
"$ROWFERRY" --config "$cfg" copy items --yes >"$T/out" 2>"$T/err" </dev/null &
pid=$!
set -e
seen=
for i in $(seq 1 600); do
	seen=$(pg "$PGP" "SELECT pid FROM pg_stat_activity WHERE application_name = 'rowferry' AND state = 'active' AND query = 'COMMIT'")
	[ -n "$seen" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
if [ -z "$seen" ]; then
	not_ok "pg: never saw the copy's COMMIT running"
else
	j=$(newest_journal)
	sum=$(sha256sum "$j")
	rf --config "$cfg" undo "$j" --yes
	assert_eq "pg: undo while the copy commits: refused" 3 "$rc"
	assert_contains "pg: ... its lock is held" "another rowferry process is writing this journal" "$(cat "$T/err")"
	assert_eq "pg: ... journal untouched" "$sum" "$(sha256sum "$j")"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	rf --config "$cfg" undo "$j" --yes
	assert_eq "pg: undo during the COMMIT: exit 2" 2 "$rc"
	assert_contains "pg: ... still running" "still running or committing on prod: try again when it ends" "$(cat "$T/err")"
	assert_eq "pg: ... journal not marked" "pending prepared" "$(states "$j")"
	for i in $(seq 1 200); do
		[ -z "$(pg "$PGP" "SELECT pid FROM pg_stat_activity WHERE pid = $seen")" ] && break
		sleep 0.05
	done
	assert_eq "pg: the COMMIT went through" 22 "$(count)"
	rf --config "$cfg" undo "$j" --yes
	assert_eq "pg: undo after it: exit 0" 0 "$rc"
	assert_contains "pg: ... resolved committed" "resolved: the copy committed" "$(cat "$T/out")"
	assert_eq "pg: ... and undone" 2 "$(count)"
fi
pg "$PGP" "DROP TRIGGER slow_commit ON items" >/dev/null

# --- MariaDB --------------------------------------------------------------------
e=my prod=$MYP
setup_items my
my "$MYP" "CREATE TABLE other (id int PRIMARY KEY); INSERT INTO other VALUES (1), (2), (3)"
xa_listed() { my "$MYP" "XA RECOVER" | awk -F'\t' -v x="rowferry-$(jq -r .id "$j" | head -n 1)" '$4 == x' | wc -l; }
header_only_journal_resolves_to_aborted
# killed before XA PREPARE: the session's end rolled the XA back
rerun_copy_is_not_taken_for_the_killed_one before-prepare pending
lost_committed_line_is_settled_by_the_engine
edited_journals_touch_nothing
exposed_journal_is_warned_about

# killed between XA PREPARE and the prepared line: rolled back
copy_killed_at after-engine-prepare
assert_eq "my: prepared, no prepared line" "pending" "$(states "$j")"
assert_eq "my: ... XA RECOVER lists it" 1 "$(xa_listed)"
rf --config "$cfg" undo "$j" --yes
assert_eq "my: ... undo exits 0" 0 "$rc"
assert_contains "my: ... rolled back" "the copy did not commit" "$(cat "$T/out")"
assert_eq "my: ... no longer prepared" 0 "$(xa_listed)"
assert_eq "my: ... rows gone" 2 "$(count)"

# killed between the prepared line and XA COMMIT: committed, then undone
copy_killed_at after-prepared-line
assert_eq "my: prepared line written" "pending prepared" "$(states "$j")"
assert_eq "my: ... XA RECOVER lists it" 1 "$(xa_listed)"
sum=$(sha256sum "$j")
rf --config "$cfg" undo "$j" --dry-run
assert_contains "my: ... --dry-run says it would commit" "would be resolved: the copy committed" "$(cat "$T/out")"
assert_eq "my: ... --dry-run left it prepared" 1 "$(xa_listed)"
assert_eq "my: ... and the journal as it was" "$sum" "$(sha256sum "$j")"
rf --config "$cfg" undo "$j" --yes
assert_eq "my: ... undo exits 0" 0 "$rc"
assert_contains "my: ... XA COMMITted" "resolved: the copy committed" "$(cat "$T/out")"
assert_eq "my: ... no longer prepared" 0 "$(xa_listed)"
assert_eq "my: ... and undone" 2 "$(count)"
assert_eq "my: ... journal" "pending prepared committed undone" "$(states "$j")"

# --- SQLite ---------------------------------------------------------------------
e=sq prod=$SQP
setup_items sq
sqlite3 "${SQP#sqlite:}" "CREATE TABLE other (id integer PRIMARY KEY); INSERT INTO other VALUES (1), (2), (3)"
header_only_journal_resolves_to_aborted
edited_journals_touch_nothing
exposed_journal_is_warned_about

# killed after the prepared line, before COMMIT: the hot journal is rolled
# back and the change counter is unchanged: aborted
copy_killed_at after-prepared-line
assert_eq "sq: prepared line written" "pending prepared" "$(states "$j")"
rf --config "$cfg" undo "$j" --yes
assert_eq "sq: ... undo exits 0" 0 "$rc"
assert_contains "sq: ... did not commit" "the copy did not commit" "$(cat "$T/out")"
assert_eq "sq: ... nothing left of it" 2 "$(count)"

# killed after COMMIT: the counter moved, which another writer could have
# done too: refused, never guessed
copy_killed_at after-commit
rf --config "$cfg" undo "$j" --yes
assert_eq "sq: after COMMIT: undo exits 2" 2 "$rc"
assert_contains "sq: ... cannot tell" "SQLite keeps no record that tells which" "$(cat "$T/err")"
assert_eq "sq: ... journal not marked" "pending prepared" "$(states "$j")"
assert_eq "sq: ... rows untouched" 22 "$(count)"

finish
