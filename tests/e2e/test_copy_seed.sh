#!/bin/bash
# The case rowferry is built for, on PostgreSQL, MariaDB and SQLite as the
# target: job 0000065's siteflow_orders rows exist only in dev; copy them to
# prod leaving the GUID out, so prod generates its own; the re-diff is
# empty; the dry run's SQL does what the copy does; undo puts prod back
# exactly as it was; a second undo is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/copy_lib.sh"

fresh_dbs seed

copy_excluding_guid_lets_target_generate_keys() {
	local e=$1 dev prod cfg before after_copy j guids
	dev=$(url_of "$e" dev)
	prod=$(url_of "$e" prod)
	cfg=$T/$e.ini
	write_config "$cfg" "$dev" "$prod" "$T/undo-$e"
	setup_seed "$e"
	before=$(dump "$e" "$prod")

	rf --config "$cfg" copy "${SEED_ARGS[@]}" --dry-run
	assert_eq "$e: dry run exits 0" 0 "$rc"
	assert_contains "$e: dry run plans 12 inserts" "12 to insert, 0 to update, 0 to delete" "$(cat "$T/out")"
	cp "$T/out" "$T/dry-$e.sql"
	assert_eq "$e: dry run writes nothing" "$before" "$(dump "$e" "$prod")"
	assert_eq "$e: dry run writes no journal" "" "$(ls "$T/undo-$e" 2>/dev/null || true)"

	rf --config "$cfg" copy "${SEED_ARGS[@]}" --yes
	assert_eq "$e: copy exits 0" 0 "$rc"
	j=$(journal_of)
	assert_contains "$e: last line names the journal" "$T/undo-$e/" "$j"
	assert_eq "$e: journal is private (0600)" 600 "$(stat -c %a "$j" 2>/dev/null)"
	assert_eq "$e: undo dir is private (0700)" 700 "$(stat -c %a "$T/undo-$e")"
	assert_eq "$e: prod gains 12 rows" 12 \
		"$(sql_query "$e" "$prod" "SELECT count(*) FROM siteflow_orders WHERE job_number = '0000065'")"
	guids=$(sql_query "$e" "$prod" "SELECT guid FROM siteflow_orders WHERE job_number = '0000065' ORDER BY guid")
	assert_eq "$e: 12 distinct GUIDs" 12 "$(sort -u <<<"$guids" | grep -c .)"
	assert_eq "$e: none of them dev's (prod generated them)" 0 "$(grep -c '^00000000-' <<<"$guids" || true)"
	assert_eq "$e: journal records prod's GUIDs" "$guids" \
		"$(jq -r 'select(.op=="insert") | .key.guid' "$j" | sort)"
	assert_eq "$e: journal committed with 12 ops" '"committed" 12' \
		"$(tail -n 1 "$j" | jq -r '"\"\(.state)\" \(.ops)"')"

	rf --config "$cfg" diff siteflow_orders --key job_number,order_ref --exclude guid --where "job_number = '0000065'"
	assert_eq "$e: re-diff shows no differences" 0 "$rc"
	after_copy=$(dump "$e" "$prod" "job_number, order_ref, sku, qty, status, price, payload, created_at, updated_at")

	rf --config "$cfg" undo "$j" --yes
	assert_eq "$e: undo exits 0" 0 "$rc"
	assert_eq "$e: undo restores prod exactly" "$before" "$(dump "$e" "$prod")"
	assert_eq "$e: journal says undone" undone "$(tail -n 1 "$j" | jq -r .state)"
	rf --config "$cfg" undo "$j" --yes
	assert_eq "$e: a second undo is refused" 3 "$rc"
	assert_contains "$e: ... saying it was undone" "already undone" "$(cat "$T/err")"
	assert_eq "$e: ... and changes nothing" "$before" "$(dump "$e" "$prod")"

	# the preview's SQL, run by the engine's own client, does what copy did
	sql_run "$e" "$prod" <"$T/dry-$e.sql"
	assert_eq "$e: dry-run SQL gives the same target state" "$after_copy" \
		"$(dump "$e" "$prod" "job_number, order_ref, sku, qty, status, price, payload, created_at, updated_at")"
}

for e in pg my sq; do
	copy_excluding_guid_lets_target_generate_keys "$e"
done

# the log lists the journals
rf --config "$T/pg.ini" log
assert_contains "log lists the journal" "undone" "$(cat "$T/out")"
assert_contains "log names target and table" "prod" "$(cat "$T/out")"
rf --config "$T/pg.ini" log "$(ls "$T/undo-pg" | head -n 1)"
assert_contains "log shows one journal" "seal:    sha256 verifies" "$(cat "$T/out")"
assert_contains "log shows its rows" "+ insert (guid=" "$(cat "$T/out")"

finish
