#!/bin/bash
# The case rowferry is built for, on PostgreSQL, MariaDB and SQLite as the
# target: job 0000065's siteflow_orders rows exist only in dev; copy them to
# prod leaving the GUID out, so prod generates its own; the re-diff is
# empty; the dry run's SQL does what the copy does; undo puts prod back
# exactly as it was; a second undo is refused. Then the same on PostgreSQL
# and MariaDB as a bulk load (bulk_rows = 1): the rows are read back for
# their GUIDs only, the other columns journaled from the values sent; and
# the read-back by one scan of a table that held few rows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/copy_lib.sh"

fresh_dbs seed

copy_excluding_guid_lets_target_generate_keys() { # ENGINE [bulk]
	local e=$1 tag=$1${2:+-$2} dev prod cfg before after_copy j guids u
	dev=$(url_of "$e" dev)
	prod=$(url_of "$e" prod)
	cfg=$T/$tag.ini
	write_config "$cfg" "$dev" "$prod" "$T/undo-$tag"
	if [ "${2:-}" = bulk ]; then
		echo "bulk_rows = 1" >>"$cfg" # the last section is [safety]
		for u in "$dev" "$prod"; do
			sql_run "$e" "$u" <<<"DROP TABLE siteflow_orders; DROP TABLE jobs;"
		done
	fi
	setup_seed "$e"
	before=$(dump "$e" "$prod")

	rf --config "$cfg" copy "${SEED_ARGS[@]}" --dry-run
	assert_eq "$tag: dry run exits 0" 0 "$rc"
	assert_contains "$tag: dry run plans 12 inserts" "12 to insert, 0 to update, 0 to delete" "$(cat "$T/out")"
	cp "$T/out" "$T/dry-$tag.sql"
	assert_eq "$tag: dry run writes nothing" "$before" "$(dump "$e" "$prod")"
	assert_eq "$tag: dry run writes no journal" "" "$(ls "$T/undo-$tag" 2>/dev/null || true)"

	rf --config "$cfg" copy "${SEED_ARGS[@]}" --yes
	assert_eq "$tag: copy exits 0" 0 "$rc"
	j=$(journal_of)
	assert_contains "$tag: last line names the journal" "$T/undo-$tag/" "$j"
	assert_eq "$tag: journal is private (0600)" 600 "$(stat -c %a "$j" 2>/dev/null)"
	assert_eq "$tag: undo dir is private (0700)" 700 "$(stat -c %a "$T/undo-$tag")"
	assert_eq "$tag: prod gains 12 rows" 12 \
		"$(sql_query "$e" "$prod" "SELECT count(*) FROM siteflow_orders WHERE job_number = '0000065'")"
	guids=$(sql_query "$e" "$prod" "SELECT guid FROM siteflow_orders WHERE job_number = '0000065' ORDER BY guid")
	assert_eq "$tag: 12 distinct GUIDs" 12 "$(sort -u <<<"$guids" | grep -c .)"
	assert_eq "$tag: none of them dev's (prod generated them)" 0 "$(grep -c '^00000000-' <<<"$guids" || true)"
	assert_eq "$tag: journal records prod's GUIDs" "$guids" \
		"$(jq -r 'select(.op=="insert") | .key.guid' "$j" | sort)"
	assert_eq "$tag: journal committed with 12 ops" '"committed" 12' \
		"$(tail -n 1 "$j" | jq -r '"\"\(.state)\" \(.ops)"')"

	rf --config "$cfg" diff siteflow_orders --key job_number,order_ref --exclude guid --where "job_number = '0000065'"
	assert_eq "$tag: re-diff shows no differences" 0 "$rc"
	after_copy=$(dump "$e" "$prod" "job_number, order_ref, sku, qty, status, price, payload, created_at, updated_at")

	rf --config "$cfg" undo "$j" --yes
	assert_eq "$tag: undo exits 0" 0 "$rc"
	assert_eq "$tag: undo restores prod exactly" "$before" "$(dump "$e" "$prod")"
	assert_eq "$tag: journal says undone" undone "$(tail -n 1 "$j" | jq -r .state)"
	rf --config "$cfg" undo "$j" --yes
	assert_eq "$tag: a second undo is refused" 3 "$rc"
	assert_contains "$tag: ... saying it was undone" "already undone" "$(cat "$T/err")"
	assert_eq "$tag: ... and changes nothing" "$before" "$(dump "$e" "$prod")"

	# the preview's SQL, run by the engine's own client, does what copy did
	# (a bulk preview's LOAD DATA names a file the client has not got)
	[ -z "${2:-}" ] || return 0
	sql_run "$e" "$prod" <"$T/dry-$tag.sql"
	assert_eq "$tag: dry-run SQL gives the same target state" "$after_copy" \
		"$(dump "$e" "$prod" "job_number, order_ref, sku, qty, status, price, payload, created_at, updated_at")"
}

for e in pg my sq; do
	copy_excluding_guid_lets_target_generate_keys "$e"
done
for e in pg my; do
	copy_excluding_guid_lets_target_generate_keys "$e" bulk
done

# The seed case without a --where into a table that held few rows: the
# inserted rows are read back by one scan of the table (lookup.h, scan),
# not by loading 3000 keys into a temporary table and joining it; the
# table's other rows are read and dropped, so the journal holds exactly
# the inserts and undo leaves those rows alone. With more other rows than
# a quarter of the inserts, the keys' table again. The path is checked in
# MariaDB's own statement log.
readback_by_scan() { # ENGINE OTHER_ROWS scan|join
	local e=$1 other=$2 path=$3 tag="$1-readback-$2" dev prod cfg before j keys
	dev=$(url_of "$e" dev)
	prod=$(url_of "$e" prod)
	cfg=$T/$tag.ini
	write_config "$cfg" "$dev" "$prod" "$T/undo-$tag"
	echo "bulk_rows = 1" >>"$cfg"
	case $e in
	pg)
		for u in "$dev" "$prod"; do
			pg "$u" "DROP TABLE IF EXISTS seed_scan; CREATE TABLE seed_scan (guid uuid NOT NULL
				DEFAULT gen_random_uuid() PRIMARY KEY, id bigint NOT NULL UNIQUE, v text)"
		done
		pg "$dev" "INSERT INTO seed_scan SELECT ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid,
			g, 'v' || g FROM generate_series(1, 3000) g"
		pg "$prod" "INSERT INTO seed_scan (id, v) SELECT g, 'prod' FROM generate_series(100001, 100000 + $other) g"
		;;
	my)
		for u in "$dev" "$prod"; do
			my "$u" "DROP TABLE IF EXISTS seed_scan; CREATE TABLE seed_scan (guid char(36) NOT NULL
				DEFAULT (uuid()) PRIMARY KEY, id bigint NOT NULL UNIQUE, v varchar(20))"
		done
		my "$dev" "INSERT INTO seed_scan SELECT CONCAT('00000000-0000-0000-0000-', LPAD(seq, 12, '0')),
			seq, CONCAT('v', seq) FROM seq_1_to_3000"
		my "$prod" "INSERT INTO seed_scan (id, v) SELECT seq, 'prod' FROM seq_100001_to_$((100000 + other))"
		my "$prod" "SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 1"
		;;
	esac
	before=$(sql_query "$e" "$prod" "SELECT guid, id, v FROM seed_scan ORDER BY id")
	rf --config "$cfg" copy seed_scan --exclude guid --key id --yes
	[ "$e" != my ] || my "$prod" "SET GLOBAL general_log = 0"
	assert_eq "$tag: copy exits 0" 0 "$rc"
	j=$(journal_of)
	assert_eq "$tag: prod holds its own rows and the 3000" $((3000 + other)) \
		"$(sql_query "$e" "$prod" "SELECT count(*) FROM seed_scan")"
	assert_eq "$tag: journal committed with 3000 ops" '"committed" 3000' \
		"$(tail -n 1 "$j" | jq -r '"\"\(.state)\" \(.ops)"')"
	assert_eq "$tag: journal records the GUIDs prod made for the 3000, none of its own rows" \
		"$(sql_query "$e" "$prod" "SELECT guid FROM seed_scan WHERE id <= 3000 ORDER BY guid")" \
		"$(jq -r 'select(.op=="insert") | .key.guid' "$j" | LC_ALL=C sort)"
	if [ "$e" = my ]; then
		keys=$(my "$prod" "SELECT count(*) FROM mysql.general_log WHERE argument LIKE
			'CREATE TEMPORARY TABLE rowferry_keys%seed_scan%'")
		if [ "$path" = scan ]; then
			assert_eq "$tag: read back by one scan, no keys' table (server log)" 0 "$keys"
		else
			assert_eq "$tag: read back through the keys' table (server log)" 1 "$keys"
		fi
	fi
	rf --config "$cfg" undo "$j" --yes
	assert_eq "$tag: undo exits 0" 0 "$rc"
	assert_eq "$tag: undo leaves prod as it was" "$before" \
		"$(sql_query "$e" "$prod" "SELECT guid, id, v FROM seed_scan ORDER BY id")"
}
readback_by_scan pg 5 scan
readback_by_scan my 5 scan
readback_by_scan my 1000 join

# the log lists the journals
rf --config "$T/pg.ini" log
assert_contains "log lists the journal" "undone" "$(cat "$T/out")"
assert_contains "log names target and table" "prod" "$(cat "$T/out")"
rf --config "$T/pg.ini" log "$(ls "$T/undo-pg" | head -n 1)"
assert_contains "log shows one journal" "seal:    sha256 verifies" "$(cat "$T/out")"
assert_contains "log shows its rows" "+ insert (guid=" "$(cat "$T/out")"

finish
