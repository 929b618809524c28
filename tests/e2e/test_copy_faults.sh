#!/bin/bash
# What happens when things go wrong around a copy: a constraint violated
# halfway, a copied row edited before the undo, a tampered journal, no
# confirmation, a crash between COMMIT and the journal's committed line, and
# passwords that must never be shown. (The connection killed mid-apply:
# test_copy_kill.sh.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/copy_lib.sh"

# --- a constraint violated at the 500th inserted row ------------------------
# (1200 inserts go through the bulk loader on PostgreSQL and MariaDB; with
# bulk_rows = 0, through INSERTs of 500 rows, the 500th ending the first)
constraint_violation_rolls_everything_back() {
	local e=$1 bulk=$2 what dev prod cfg before n j
	dev=$(url_of "$e" dev)
	prod=$(url_of "$e" prod)
	cfg=$T/check-$e-$bulk.ini
	write_config "$cfg" "$dev" "$prod" "$T/undo-check-$e-$bulk"
	echo "bulk_rows = $bulk" >>"$cfg"
	what="$e, bulk_rows $bulk"
	{
		schema_sql "$e" | sed 's/ CHECK (qty < 1000)//'
		seed_sql prod
		echo "INSERT INTO jobs VALUES ('0000066', 'Initech');"
		# 0000064's first order changed (an UPDATE that runs first), then
		# 1200 new orders of 0000066, the 500th breaking prod's CHECK
		echo "UPDATE siteflow_orders SET qty = 77 WHERE order_ref = 'SF-0000064-0001';"
		for n in $(seq 1 1200); do
			order_row "00000000-0000-4000-8000-00000066$(printf %04d "$n")" 0000066 "$n" \
				"$([ "$n" = 500 ] && echo 5000 || echo $((n % 900)))"
		done
	} | sql_run "$e" "$dev"
	{ schema_sql "$e"; seed_sql prod; echo "INSERT INTO jobs VALUES ('0000066', 'Initech');"; } |
		sql_run "$e" "$prod"
	before=$(dump "$e" "$prod")
	rf --config "$cfg" copy siteflow_orders --key job_number,order_ref --exclude guid \
		--where "job_number IN ('0000064', '0000066')" --yes
	assert_eq "$what: constraint violation exits 2" 2 "$rc"
	assert_contains "$what: the plan had the update and the inserts" "1200 to insert, 1 to update" "$(cat "$T/out")"
	assert_eq "$what: everything rolled back, the update too" "$before" "$(dump "$e" "$prod")"
	j=$(journal_of)
	assert_eq "$what: journal aborted" aborted "$(tail -n 1 "$j" | jq -r .state)"
	assert_contains "$what: journal says why" "qty" "$(tail -n 1 "$j" | jq -r .reason | tr 'A-Z' 'a-z')"
	rf --config "$cfg" undo "$j" --yes
	assert_eq "$what: an aborted copy has nothing to undo (refused)" 3 "$rc"
}

for e in pg my sq; do
	fresh_dbs faults
	constraint_violation_rolls_everything_back "$e" 1000
done
for e in pg my; do
	fresh_dbs faults
	constraint_violation_rolls_everything_back "$e" 0
done

# --- undo after someone edited a copied row; tampered journals; no --yes -----
undo_refuses_drift_then_force_restores_the_rest() {
	local e=$1 dev prod cfg before after_copy j guid
	dev=$(url_of "$e" dev)
	prod=$(url_of "$e" prod)
	cfg=$T/drift-$e.ini
	write_config "$cfg" "$dev" "$prod" "$T/undo-drift-$e"
	setup_seed "$e"
	before=$(dump "$e" "$prod")

	rf --config "$cfg" copy "${SEED_ARGS[@]}"
	assert_eq "$e: without a terminal, no --yes is refused" 3 "$rc"
	assert_contains "$e: ... saying --yes is needed" "--yes" "$(cat "$T/err")"
	assert_eq "$e: ... and nothing is written" "$before" "$(dump "$e" "$prod")"
	assert_eq "$e: ... not even a journal" "" "$(ls "$T/undo-drift-$e" 2>/dev/null || true)"

	rf --config "$cfg" copy "${SEED_ARGS[@]}" --yes
	j=$(journal_of)
	guid=$(sql_query "$e" "$prod" "SELECT guid FROM siteflow_orders WHERE order_ref = 'SF-0000065-0003'")
	sql_query "$e" "$prod" "UPDATE siteflow_orders SET qty = 42 WHERE order_ref = 'SF-0000065-0003'" >/dev/null
	after_copy=$(dump "$e" "$prod")

	rf --config "$cfg" undo "$j" --yes
	assert_eq "$e: undo after an edit is refused" 3 "$rc"
	assert_contains "$e: ... naming the row and column" "(guid=$guid) changed since the copy: qty" "$(cat "$T/err")"
	assert_eq "$e: ... and changes nothing" "$after_copy" "$(dump "$e" "$prod")"
	rf --config "$cfg" undo "$j" --dry-run
	assert_eq "$e: its dry run exits as the undo would: refused" 3 "$rc"
	assert_contains "$e: ... saying so" "the undo would be refused" "$(cat "$T/err")"
	rf --config "$cfg" undo "$j" --dry-run --force
	assert_eq "$e: a dry run of --force would go through" 0 "$rc"
	assert_eq "$e: ... and neither dry run changed anything" "$after_copy" "$(dump "$e" "$prod")"

	cp "$j" "$T/tampered.jsonl"
	sed -i '0,/"qty":"5"/s//"qty":"6"/' "$T/tampered.jsonl"
	rf --config "$cfg" undo "$T/tampered.jsonl" --yes --force
	assert_eq "$e: a tampered journal is refused" 3 "$rc"
	assert_contains "$e: ... because its seal does not match" "sha256 does not match" "$(cat "$T/err")"
	assert_eq "$e: ... and nothing changes" "$after_copy" "$(dump "$e" "$prod")"
	rf --config "$cfg" log --undo-dir "$T"
	assert_contains "$e: log marks it" "TAMPERED" "$(cat "$T/out")"

	rf --config "$cfg" undo "$j" --yes --force
	assert_eq "$e: --force undoes the rest" 0 "$rc"
	assert_contains "$e: ... leaving the edited row" "11 rows restored, 1 changed row left alone" "$(cat "$T/out")"
	assert_eq "$e: ... which is all that remains of the copy" "SF-0000065-0003|42" \
		"$(sql_query "$e" "$prod" "SELECT order_ref, qty FROM siteflow_orders WHERE job_number = '0000065'")"
	assert_eq "$e: journal undone, 1 skipped" "undone 1" "$(tail -n 1 "$j" | jq -r '"\(.state) \(.skipped)"')"
}

for e in pg my sq; do
	fresh_dbs faults
	undo_refuses_drift_then_force_restores_the_rest "$e"
done

# --- a crash between COMMIT and the committed line: pending journals --------
# (every crash point: test_copy_commit_status.sh)
fresh_dbs faults
setup_seed pg
write_config "$T/pending.ini" "$PGD" "$PGP" "$T/undo-pending"
before=$(dump pg "$PGP")
rf --config "$T/pending.ini" copy "${SEED_ARGS[@]}" --yes
j=$(journal_of)
sed -i '$d' "$j" # as if the process died right after COMMIT
rf --config "$T/pending.ini" log
assert_contains "pending journal listed as pending" "pending" "$(cat "$T/out")"
rf --config "$T/pending.ini" undo "$j" --yes
assert_eq "pending (committed) journal: undo exits 0" 0 "$rc"
assert_contains "... resolved as committed by the server" "resolved: the copy committed" "$(cat "$T/out")"
assert_eq "... and undone" "$before" "$(dump pg "$PGP")"
assert_eq "... the resolution and the undo are recorded" "committed undone" \
	"$(tail -n 2 "$j" | jq -r .state | tr '\n' ' ' | sed 's/ $//')"

set +e
{ ROWFERRY_TEST_KILL_AT=after-prepared-line "$ROWFERRY" --config "$T/pending.ini" copy "${SEED_ARGS[@]}" --yes \
	>"$T/out" 2>"$T/err" </dev/null; } 2>/dev/null
set -e
j=$(ls -t "$T/undo-pending"/*.jsonl | head -n 1)
rf --config "$T/pending.ini" undo "$j" --yes
assert_eq "pending (never committed) journal: exits 0" 0 "$rc"
assert_contains "... resolved: did not commit" "did not commit" "$(cat "$T/out")"
assert_eq "... recorded as aborted" aborted "$(tail -n 1 "$j" | jq -r .state)"
assert_eq "... target as before" "$before" "$(dump pg "$PGP")"

# --- passwords in URLs appear in no output and no journal -------------------
fresh_dbs faults
setup_seed pg
{ schema_sql my; seed_sql dev; } | sql_run my "$MYD"
pw_pg="postgresql://rowferry:$RF_TEST_PG_PASSWORD@127.0.0.1:$RF_TEST_PG_PORT/rfc_faults_prod"
export XDG_STATE_HOME=$T/state
: >"$T/all-output"
keep() { cat "$T/out" "$T/err" >>"$T/all-output"; }
cd "$T"
rf copy "${SEED_ARGS[@]}" --from "$MYD" --to "$pw_pg" --dry-run; keep
assert_eq "password URLs: dry run" 0 "$rc"
rf copy "${SEED_ARGS[@]}" --from "$MYD" --to "$pw_pg" --yes; keep
assert_eq "password URLs: copy" 0 "$rc"
j=$(journal_of)
rf log; keep
rf log "$j"; keep
rf undo "$j" --to "$pw_pg" --dry-run; keep
rf undo "$j" --to "$pw_pg" --yes; keep
assert_eq "password URLs: undo" 0 "$rc"
rf copy "${SEED_ARGS[@]}" --from "$MYD" --to "${pw_pg/rfc_faults_prod/no_such_db}" --yes; keep
assert_eq "password URLs: a failing connection" 2 "$rc"
rf copy "${SEED_ARGS[@]}" --from "${MYD/rf_my_secret_pw/wrong_pw}" --to "$pw_pg" --yes; keep
assert_eq "password URLs: a wrong password" 2 "$rc"
assert_contains "the outputs do mention the connections" "rowferry@127.0.0.1" "$(cat "$T/all-output")"
assert_eq "no password in any output" 0 \
	"$(grep -c -e "$RF_TEST_PG_PASSWORD" -e "$RF_TEST_MY_PASSWORD" -e wrong_pw "$T/all-output" || true)"
assert_eq "no password in any journal" "" \
	"$(grep -rl -e "$RF_TEST_PG_PASSWORD" -e "$RF_TEST_MY_PASSWORD" "$T/state" || true)"
assert_contains "the journal is where XDG_STATE_HOME says" "$T/state/rowferry/undo/" "$j"
cd /

finish
