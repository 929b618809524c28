#!/bin/bash
# The bulk path: from [safety] bulk_rows inserts on (1000 by default; 1
# here, so the seed's 12 rows take it), a copy loads with the engine's own
# loader, COPY FROM STDIN on PostgreSQL and LOAD DATA LOCAL on MariaDB, and
# the preview shows that statement with its rows. The seed case end to end
# on both; awkward values through both loaders across engines; a load the
# server would quietly truncate is refused; bulk_rows = 0 means INSERTs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/copy_lib.sh"

fresh_dbs bulk

# bulk_config FILE DEV PROD UNDO ROWS : write_config plus bulk_rows
bulk_config() {
	write_config "$1" "$2" "$3" "$4"
	echo "bulk_rows = $5" >>"$1"
}

seed_case_in_bulk() {
	local e=$1 stmt=$2 dev prod cfg before after_copy j guids
	dev=$(url_of "$e" dev)
	prod=$(url_of "$e" prod)
	cfg=$T/$e.ini
	bulk_config "$cfg" "$dev" "$prod" "$T/undo-$e" 1
	setup_seed "$e"
	before=$(dump "$e" "$prod")

	rf --config "$cfg" copy "${SEED_ARGS[@]}" --dry-run
	assert_eq "$e: dry run exits 0" 0 "$rc"
	cp "$T/out" "$T/dry-$e.sql"
	assert_contains "$e: the preview is the bulk load" "$stmt" "$(cat "$T/out")"
	assert_not_contains "$e: ... not INSERTs" "INSERT INTO" "$(cat "$T/out")"
	assert_contains "$e: ... with the rows it sends" "SF-0000065-0012" "$(cat "$T/out")"
	assert_not_contains "$e: ... without the excluded guid" "00000000-0000-4000-8000-000000650012" \
		"$(cat "$T/out")"
	assert_eq "$e: dry run writes nothing" "$before" "$(dump "$e" "$prod")"

	rf --config "$cfg" copy "${SEED_ARGS[@]}" --yes
	assert_eq "$e: bulk copy exits 0" 0 "$rc"
	assert_contains "$e: 12 inserted" "12 inserted" "$(cat "$T/out")"
	j=$(journal_of)
	guids=$(sql_query "$e" "$prod" "SELECT guid FROM siteflow_orders WHERE job_number = '0000065' ORDER BY guid")
	assert_eq "$e: 12 new GUIDs made by prod" 12 "$(grep -v '^00000000-' <<<"$guids" | sort -u | grep -c .)"
	assert_eq "$e: journal records prod's GUIDs (read back after the load)" "$guids" \
		"$(jq -r 'select(.op=="insert") | .key.guid' "$j" | sort)"
	assert_eq "$e: journal committed with 12 ops" '"committed" 12' \
		"$(tail -n 1 "$j" | jq -r '"\"\(.state)\" \(.ops)"')"
	rf --config "$cfg" log "$j"
	assert_contains "$e: the seal verifies" "seal:    sha256 verifies" "$(cat "$T/out")"
	rf --config "$cfg" diff siteflow_orders --key job_number,order_ref --exclude guid --where "job_number = '0000065'"
	assert_eq "$e: re-diff shows no differences" 0 "$rc"
	after_copy=$(dump "$e" "$prod" "job_number, order_ref, sku, qty, status, price, payload, created_at, updated_at")

	rf --config "$cfg" undo "$j" --yes
	assert_eq "$e: undo exits 0" 0 "$rc"
	assert_eq "$e: undo restores prod exactly" "$before" "$(dump "$e" "$prod")"

	if [ "$e" = pg ]; then
		# psql runs the preview as it is: COPY ... FROM STDIN, rows, \.
		sql_run "$e" "$prod" <"$T/dry-$e.sql"
		assert_eq "$e: dry-run script gives the same target state" "$after_copy" \
			"$(dump "$e" "$prod" "job_number, order_ref, sku, qty, status, price, payload, created_at, updated_at")"
	else
		# LOAD DATA LOCAL reads its rows from rowferry: the script shows them
		assert_contains "$e: the rows are shown as comments" \
			"-- the rows LOAD DATA reads from rowferry-rows:" "$(cat "$T/dry-$e.sql")"
	fi
}
seed_case_in_bulk pg 'COPY "public"."siteflow_orders" ("job_number", "order_ref", "sku", "qty", "status", "price", "payload", "created_at", "updated_at") FROM STDIN;'
seed_case_in_bulk my 'LOAD DATA LOCAL INFILE'

# bulk_rows = 0: INSERT statements even for a big copy
bulk_config "$T/my0.ini" "$MYD" "$MYP" "$T/undo-my0" 0
rf --config "$T/my0.ini" copy "${SEED_ARGS[@]}" --dry-run
assert_contains "bulk_rows = 0: INSERTs" "INSERT INTO" "$(cat "$T/out")"
assert_not_contains "bulk_rows = 0: no LOAD DATA" "LOAD DATA" "$(cat "$T/out")"

# --- awkward values through both loaders, across engines ----------------------
# tab, newline, carriage return, backslash, the text \N, '' and NULL, a
# quote, non-ASCII; bytes with 00 09 0a 5c ff; booleans; instants with
# microseconds; JSON.
pgf "$PGD" <<'SQL'
CREATE TABLE odd (id integer PRIMARY KEY, t text, b bytea, f boolean, at timestamptz, j jsonb);
INSERT INTO odd VALUES
  (1, E'tab\there', '\x00090a5cff'::bytea, true, '2026-11-09 09:00:00.123456+00', '{"a": "x\ty"}'),
  (2, E'line\nbreak\r\n', '\x'::bytea, false, '1999-12-31 23:59:59.999999+00', '[1, "\\\\"]'),
  (3, E'back\\slash \\N', NULL, NULL, NULL, NULL),
  (4, '', '\x5c4e'::bytea, true, '2026-01-01 00:00:00+00', '{}'),
  (5, NULL, '\x0a'::bytea, false, NULL, 'null'),
  (6, 'Çelik ☃ "quoted" ''single''', '\xdeadbeef'::bytea, true, '2026-11-09 13:30:00+00', '{"k": "☃"}');
SQL
my "$MYP" "CREATE TABLE odd (id int PRIMARY KEY, t text, b blob, f tinyint(1), at datetime(6), j json,
  l varchar(40) CHARACTER SET latin1)"
pg "$PGD" "ALTER TABLE odd ADD COLUMN l text; UPDATE odd SET l = 'Çelik ö' WHERE id IN (1, 6)"
bulk_config "$T/odd1.ini" "$PGD" "$MYP" "$T/undo-odd1" 1
rf --config "$T/odd1.ini" copy odd --yes
assert_eq "postgres->mariadb LOAD DATA: exits 0" 0 "$rc"
assert_contains "postgres->mariadb LOAD DATA: 6 inserted" "6 inserted" "$(cat "$T/out")"
assert_eq "postgres->mariadb: bytes land exactly" \
	"1|00090A5CFF
2|
3|NULL
4|5C4E
5|0A
6|DEADBEEF" "$(my "$MYP" "SELECT id, IFNULL(hex(b), 'NULL') FROM odd ORDER BY id" | tr '\t' '|')"
assert_eq "postgres->mariadb: text with escapes lands exactly" \
	"$(pg "$PGD" "SELECT id, coalesce(encode(convert_to(t, 'UTF8'), 'hex'), 'NULL') FROM odd ORDER BY id")" \
	"$(my "$MYP" "SELECT id, IFNULL(lower(hex(t)), 'NULL') FROM odd ORDER BY id" | tr '\t' '|')"
assert_eq "postgres->mariadb: a latin1 column gets latin1 (converted, not raw UTF-8 bytes)" \
	"1|C7656C696B20F6" "$(my "$MYP" "SELECT id, hex(l) FROM odd WHERE id = 1" | tr '\t' '|')"
rf --config "$T/odd1.ini" diff odd
assert_eq "postgres->mariadb: re-diff is empty" 0 "$rc"

pg "$PGP" "CREATE TABLE odd (id integer PRIMARY KEY, t text, b bytea, f boolean, at timestamptz, j jsonb,
  l text)"
bulk_config "$T/odd2.ini" "$MYP" "$PGP" "$T/undo-odd2" 1
rf --config "$T/odd2.ini" copy odd --yes
assert_eq "mariadb->postgres COPY: exits 0" 0 "$rc"
assert_eq "mariadb->postgres: every value round trips" \
	"$(pg "$PGD" "SELECT * FROM odd ORDER BY id")" "$(pg "$PGP" "SELECT * FROM odd ORDER BY id")"
rf --config "$T/odd2.ini" diff odd
assert_eq "mariadb->postgres: re-diff is empty" 0 "$rc"
rf --config "$T/odd2.ini" undo "$(journal_of)" --yes
assert_eq "mariadb->postgres: undo empties prod" 0 "$(pg "$PGP" "SELECT count(*) FROM odd")"

# --- an excluded key without a default: client-side UUIDs, in the load -------
pgf "$PGD" <<'SQL'
CREATE TABLE tok (guid uuid PRIMARY KEY, name text NOT NULL UNIQUE);
INSERT INTO tok SELECT ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'n' || g
  FROM generate_series(1, 5) g;
SQL
pg "$PGP" "CREATE TABLE tok (guid uuid PRIMARY KEY, name text NOT NULL UNIQUE)"
bulk_config "$T/tok.ini" "$PGD" "$PGP" "$T/undo-tok" 1
rf --config "$T/tok.ini" copy tok --key name --exclude guid --dry-run
assert_contains "client UUIDs: the COPY carries the guid column" 'COPY "public"."tok" ("guid", "name") FROM STDIN;' "$(cat "$T/out")"
rf --config "$T/tok.ini" copy tok --key name --exclude guid --yes
assert_eq "client UUIDs: copy exits 0" 0 "$rc"
assert_eq "client UUIDs: 5 distinct new GUIDs, none of dev's" "5 0" \
	"$(pg "$PGP" "SELECT count(DISTINCT guid), count(*) FILTER (WHERE guid::text LIKE '00000000-%') FROM tok" | tr '|' ' ')"
assert_eq "client UUIDs: the journal has them" \
	"$(pg "$PGP" "SELECT guid FROM tok ORDER BY guid")" "$(jq -r 'select(.op=="insert") | .key.guid' "$(journal_of)" | sort)"

# --- what LOAD DATA LOCAL would only warn about fails the copy ----------------
# (LOCAL makes errors warnings: the server cannot stop the client's file)
pgf "$PGD" <<'SQL'
CREATE TABLE narrow (id integer PRIMARY KEY, code text);
INSERT INTO narrow VALUES (1, 'ok'), (2, 'far too long for five');
SQL
my "$MYP" "CREATE TABLE narrow (id int PRIMARY KEY, code varchar(5))"
bulk_config "$T/narrow.ini" "$PGD" "$MYP" "$T/undo-narrow" 1
rf --config "$T/narrow.ini" copy narrow --yes
assert_eq "a truncating LOAD DATA fails the copy (exit 2)" 2 "$rc"
assert_contains "... naming the problem" "for column 'code'" "$(cat "$T/err")"
assert_eq "... and writes nothing" 0 "$(my "$MYP" "SELECT count(*) FROM narrow")"
assert_eq "... the journal says aborted" aborted "$(tail -n 1 "$(journal_of)" | jq -r .state)"

# --- a row that appears while the load waits for it -------------------------
# prod's UNIQUE (job_number, order_ref) covers the match key, so the bulk
# load is the re-check of the inserts. Another session holds an uncommitted
# row with a key being copied (the diff cannot see it); the load waits on
# it, the session commits, the load fails on the duplicate key, and the copy
# is refused as drift (exit 3), nothing written, its journal aborted.
appeared_during_load() {
	local e=$1 cfg intruder j side held
	cfg=$T/race-$e.ini
	bulk_config "$cfg" "$(url_of "$e" dev)" "$(url_of "$e" prod)" "$T/undo-race-$e" 1
	for side in dev prod; do
		sql_query "$e" "$(url_of "$e" $side)" "DROP TABLE IF EXISTS siteflow_orders, jobs" >/dev/null
	done
	setup_seed "$e"
	intruder="INSERT INTO siteflow_orders (job_number, order_ref, sku)
	  VALUES ('0000065', 'SF-0000065-0003', 'INTRUDER')"
	case $e in
	pg) psql -X -q "$(url_of pg prod)" \
		-c "BEGIN; $intruder; SELECT pg_sleep(3); COMMIT;" >/dev/null & ;;
	my) my "$(url_of my prod)" "BEGIN; $intruder; DO SLEEP(3); COMMIT;" & ;;
	esac
	held=$!
	sleep 1
	rf --config "$cfg" copy "${SEED_ARGS[@]}" --yes
	wait "$held" # not a bare wait: lib.sh's watcher is a job of this shell too
	assert_eq "$e: a row that appeared during the load: refused (exit 3)" 3 "$rc"
	assert_contains "$e: ... naming it" "order_ref=SF-0000065-0003) is now in the target" \
		"$(cat "$T/err")"
	assert_contains "$e: ... as drift" "1 row changed since the diff: nothing written" \
		"$(cat "$T/err")"
	j=$(journal_of)
	assert_eq "$e: ... the journal says aborted" aborted "$(tail -n 1 "$j" | jq -r .state)"
	assert_eq "$e: ... and prod holds only the intruder of the job" INTRUDER \
		"$(sql_query "$e" "$(url_of "$e" prod)" "SELECT sku FROM siteflow_orders WHERE job_number = '0000065'")"
}
appeared_during_load pg
appeared_during_load my

finish
