#!/bin/bash
# The key-value job of issue 13 (DESIGN §12): kv_store(key text primary
# key, value jsonb) on PostgreSQL with client:, site: and employee: records
# into kv_clients, kv_sites (foreign key to kv_clients) and kv_employees, on
# PostgreSQL and on MariaDB. Invalid records planted (an email failing its
# check(), a missing name, a non-UUID id, a site whose client does not
# exist): the default run refuses and lists exactly those; --skip-invalid
# copies the rest in one transaction, writes <journal>.rejects.jsonl (0600)
# and the journal counts them; trimming and NUL stripping show in the target.
. "$(dirname "$0")/lib.sh"

MY=$RF_TEST_MY_URL
PG=$RF_TEST_PG_URL
PG2=$RF_TEST_PG_PROD_URL
pg "$PG" "DROP TABLE IF EXISTS kv_store, kv_legacy" >/dev/null
pgf "$PG" >/dev/null <<'SQL'
CREATE TABLE kv_store (key text PRIMARY KEY, value jsonb NOT NULL);
INSERT INTO kv_store VALUES
 ('client:11111111-1111-4111-8111-111111111111', '{"id":"11111111-1111-4111-8111-111111111111","name":"  Acme Ltd  ","email":" Office@Acme.example "}'),
 ('client:22222222-2222-4222-8222-222222222222', '{"id":"22222222-2222-4222-8222-222222222222","name":"Bolt","email":"bolt@bolt.example"}'),
 ('client:33333333-3333-4333-8333-333333333333', '{"id":"33333333-3333-4333-8333-333333333333","name":"Crux","email":"not-an-email"}'),
 ('site:aaaaaaaa-0000-4000-8000-000000000001', '{"id":"aaaaaaaa-0000-4000-8000-000000000001","client_id":"11111111-1111-4111-8111-111111111111","name":"Depot "}'),
 ('site:aaaaaaaa-0000-4000-8000-000000000002', '{"id":"aaaaaaaa-0000-4000-8000-000000000002","client_id":"99999999-9999-4999-8999-999999999999","name":"Nowhere"}'),
 ('site:aaaaaaaa-0000-4000-8000-000000000003', '{"id":"aaaaaaaa-0000-4000-8000-000000000003","client_id":"22222222-2222-4222-8222-222222222222","name":"Yard"}'),
 ('employee:eeeeeeee-0000-4000-8000-000000000001', '{"id":"eeeeeeee-0000-4000-8000-000000000001","name":" Eve ","email":"eve@acme.example"}'),
 ('employee:eeeeeeee-0000-4000-8000-000000000002', '{"id":"eeeeeeee-0000-4000-8000-000000000002","email":"anon@acme.example"}'),
 ('employee:E-3', '{"id":"E-3","name":"Old Id","email":"old@acme.example"}');
CREATE TABLE kv_legacy (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO kv_legacy VALUES
 ('employee:eeeeeeee-0000-4000-8000-000000000009', '{"id":"eeeeeeee-0000-4000-8000-000000000009","name":"Ze\u0000ro  ","email":"zero@acme.example"}');
SQL

cat >"$T/kv.ini" <<'INI'
[map kv_clients]
from = kv_store
where = key LIKE 'client:%'
key = id
id = json(value, '$.id')
name = trim(json(value, '$.name'))
email = check(lower(trim(json(value, '$.email'))), '^[^@ ]+@[^@ ]+\.[a-z]+$')

[map kv_sites]
from = kv_store
where = key LIKE 'site:%'
key = id
id = json(value, '$.id')
client_id = ref(kv_clients, json(value, '$.client_id'))
name = trim(json(value, '$.name'))

[map kv_employees]
from = kv_store
where = key LIKE 'employee:%'
key = id
id = json(value, '$.id')
name = trim(json(value, '$.name'))
email = check(lower(trim(json(value, '$.email'))), '^[^@ ]+@[^@ ]+\.[a-z]+$')
INI
# the text-valued source: a NUL byte in a name, stripped
cat >"$T/nul.ini" <<'INI'
[map kv_employees]
from = kv_legacy
key = id
id = json(value, '$.id')
name = strip_nul(trim(json(value, '$.name')))
email = json(value, '$.email')
INI
sed 's/strip_nul(trim(json(value, .\$.name.)))/trim(json(value, '"'"'$.name'"'"'))/' "$T/nul.ini" >"$T/nul_kept.ini"

run_job() { # ENGINE URL QUERY_FN
	local engine=$1 url=$2 q=$3 undo="$T/undo_$1" j out err
	rf copy kv_sites --map "$T/kv.ini" --tables kv_clients,kv_employees --from "$PG" --to "$url" --yes --undo-dir "$undo"
	assert_eq "$engine: invalid records: refused, exit 3" 3 "$rc"
	err=$(cat "$T/err")
	assert_contains "$engine: the count" "4 invalid source rows (nothing written)" "$err"
	assert_contains "$engine: email failing check()" \
		"kv_clients  key=client:33333333-3333-4333-8333-333333333333  email: 'not-an-email' fails check '^[^@ ]+@[^@ ]+\\.[a-z]+\$'" "$err"
	assert_contains "$engine: missing required name" \
		"kv_employees  key=employee:eeeeeeee-0000-4000-8000-000000000002  name: NULL in a NOT NULL column" "$err"
	assert_contains "$engine: non-UUID id" "kv_employees  key=employee:E-3  id: 'E-3' is not a UUID" "$err"
	assert_contains "$engine: a site whose client does not exist" \
		"kv_sites  key=site:aaaaaaaa-0000-4000-8000-000000000002  client_id: ref(kv_clients): no parent with id = 99999999-9999-4999-8999-999999999999" "$err"
	assert_eq "$engine: exactly those four" 4 "$(grep -c '^  kv_' "$T/err")"
	grep '^  kv_' "$T/err" >"$T/refused_rows"
	assert_eq "$engine: nothing written" "0 0 0" "$($q 'SELECT (SELECT count(*) FROM kv_clients), (SELECT count(*) FROM kv_sites), (SELECT count(*) FROM kv_employees)' | tr '|\t' '  ')"
	assert_eq "$engine: no journal" "" "$(ls "$undo" 2>/dev/null)"

	rf copy kv_sites --map "$T/kv.ini" --tables kv_clients,kv_employees --from "$PG" --to "$url" --skip-invalid --dry-run
	assert_eq "$engine: --skip-invalid --dry-run: exit 0" 0 "$rc"
	assert_contains "$engine: dry run: the same report" "4 invalid source rows left out (--skip-invalid)" "$(cat "$T/err")"
	assert_contains "$engine: dry run: the count in the script" "-- 4 invalid source rows left out (--skip-invalid)" "$(cat "$T/out")"
	assert_contains "$engine: dry run: parents first" "apply order (parents first): kv_clients, kv_sites, kv_employees" "$(cat "$T/out")"
	cp "$T/out" "$T/skip_dry.sql"

	# --dry-run without --skip-invalid: the report, exit 3, and the SQL
	# --skip-invalid would run for the valid rows under a REFUSED header
	rf copy kv_sites --map "$T/kv.ini" --tables kv_clients,kv_employees --from "$PG" --to "$url" --dry-run
	assert_eq "$engine: --dry-run of a refused copy: exit 3" 3 "$rc"
	err=$(cat "$T/err")
	assert_contains "$engine: dry run: the report's count" "4 invalid source rows (nothing written)" "$err"
	assert_eq "$engine: dry run: the same four rows listed" "$(cat "$T/refused_rows")" "$(grep '^  kv_' "$T/err")"
	assert_contains "$engine: dry run: says the copy is refused" "refused: fix these rows or give --skip-invalid" "$err"
	assert_eq "$engine: dry run: the header says it is refused" \
		"-- REFUSED: 4 invalid source rows (listed on stderr): without --skip-invalid this copy writes nothing (exit 3)
-- what --skip-invalid would run, the invalid rows left out:" "$(head -n 2 "$T/out")"
	assert_eq "$engine: dry run: then the very script --skip-invalid --dry-run prints" \
		"$(tail -n +2 "$T/skip_dry.sql")" "$(tail -n +3 "$T/out")"
	assert_contains "$engine: dry run: the valid rows' inserts" "11111111-1111-4111-8111-111111111111" "$(cat "$T/out")"
	assert_not_contains "$engine: dry run: not the invalid client's" "33333333-3333-4333-8333-333333333333" "$(cat "$T/out")"
	assert_eq "$engine: dry run: nothing written" "0 0 0" "$($q 'SELECT (SELECT count(*) FROM kv_clients), (SELECT count(*) FROM kv_sites), (SELECT count(*) FROM kv_employees)' | tr '|\t' '  ')"
	assert_eq "$engine: dry run: no journal" "" "$(ls "$undo" 2>/dev/null)"

	rf copy kv_sites --map "$T/kv.ini" --tables kv_clients,kv_employees --from "$PG" --to "$url" --yes --skip-invalid --undo-dir "$undo"
	assert_eq "$engine: --skip-invalid: exit 0" 0 "$rc"
	out=$(cat "$T/out")
	assert_contains "$engine: the valid rows copied" "5 inserted, 0 updated, 0 deleted" "$out"
	j=$(ls "$undo"/*.jsonl | grep -v rejects)
	assert_contains "$engine: the rejects counted in the output" "rejected: 4 invalid source rows, listed in $j.rejects.jsonl" "$out"
	assert_eq "$engine: the journal's last line" "journal: $j" "$(tail -n 1 "$T/out")"
	assert_eq "$engine: rejects file mode 0600" 600 "$(stat -c %a "$j.rejects.jsonl")"
	assert_eq "$engine: one line per rejected row" 4 "$(wc -l <"$j.rejects.jsonl")"
	assert_contains "$engine: a rejects line" '{"table":"kv_sites","source_key":"key=site:aaaaaaaa-0000-4000-8000-000000000002","column":"client_id","reason":"ref(kv_clients): no parent with id = 99999999-9999-4999-8999-999999999999"' "$(cat "$j.rejects.jsonl")"
	assert_contains "$engine: the journal header counts them" '"rejected":4' "$(head -n 1 "$j")"
	rf log "$j" --undo-dir "$undo"
	assert_contains "$engine: rowferry log says so" "rejected: 4 invalid source rows left out, listed in $j.rejects.jsonl" "$(cat "$T/out")"
	rf log --undo-dir "$undo"
	assert_eq "$engine: rowferry log lists the journal, not the rejects file" "0 0" "$rc $(grep -c rejects "$T/out" "$T/err" | awk -F: '{s += $2} END {print s}')"
	assert_eq "$engine: trimmed, lower-cased, the valid ones only" \
		"11111111-1111-4111-8111-111111111111 Acme Ltd office@acme.example
22222222-2222-4222-8222-222222222222 Bolt bolt@bolt.example" \
		"$($q 'SELECT id, name, email FROM kv_clients ORDER BY id' | tr '|\t' '  ')"
	assert_eq "$engine: sites with their clients" \
		"aaaaaaaa-0000-4000-8000-000000000001 11111111-1111-4111-8111-111111111111 Depot
aaaaaaaa-0000-4000-8000-000000000003 22222222-2222-4222-8222-222222222222 Yard" \
		"$($q 'SELECT id, client_id, name FROM kv_sites ORDER BY id' | tr '|\t' '  ')"
	assert_eq "$engine: one employee" "eeeeeeee-0000-4000-8000-000000000001 Eve" \
		"$($q 'SELECT id, name FROM kv_employees' | tr '|\t' '  ')"
	rf copy kv_sites --map "$T/kv.ini" --tables kv_clients,kv_employees --from "$PG" --to "$url" --yes --skip-invalid --undo-dir "$undo"
	assert_eq "$engine: second run: exit 0" 0 "$rc"
	assert_contains "$engine: second run: nothing to do" "nothing to do" "$(cat "$T/out")"
	# a new site of a client the target holds: the client's key is written as
	# it is (no subquery), the client re-checked under lock at apply
	pg "$PG" "INSERT INTO kv_store VALUES ('site:aaaaaaaa-0000-4000-8000-000000000004', '{\"id\":\"aaaaaaaa-0000-4000-8000-000000000004\",\"client_id\":\"22222222-2222-4222-8222-222222222222\",\"name\":\"Shed\"}')" >/dev/null
	rf copy kv_sites --map "$T/kv.ini" --tables kv_clients,kv_employees --from "$PG" --to "$url" --skip-invalid --dry-run
	assert_contains "$engine: a site of a client in the target: the client's key itself" \
		"('aaaaaaaa-0000-4000-8000-000000000004', '22222222-2222-4222-8222-222222222222', 'Shed')" "$(cat "$T/out")"
	assert_eq "$engine: ... no subquery" 0 "$(grep -c '(SELECT' "$T/out" || true)"
	rf copy kv_sites --map "$T/kv.ini" --tables kv_clients,kv_employees --from "$PG" --to "$url" --yes --skip-invalid --undo-dir "$undo"
	assert_contains "$engine: ... copied" "1 inserted, 0 updated, 0 deleted" "$(cat "$T/out")"
	assert_eq "$engine: ... with its client" "22222222-2222-4222-8222-222222222222" \
		"$($q "SELECT client_id FROM kv_sites WHERE name = 'Shed'")"
	pg "$PG" "DELETE FROM kv_store WHERE key = 'site:aaaaaaaa-0000-4000-8000-000000000004'" >/dev/null

	rf copy kv_employees --map "$T/nul_kept.ini" --from "$PG" --to "$url" --yes --undo-dir "$undo"
	assert_eq "$engine: a NUL byte kept: refused" 3 "$rc"
	assert_contains "$engine: ... named" "kv_employees  key=employee:eeeeeeee-0000-4000-8000-000000000009  name: text holds a NUL byte (strip_nul() removes them)" "$(cat "$T/err")"
	rf copy kv_employees --map "$T/nul.ini" --from "$PG" --to "$url" --yes --undo-dir "$undo" --ops insert
	assert_eq "$engine: strip_nul: exit 0" 0 "$rc"
	[ "$rc" = 0 ] || cat "$T/err"
	assert_eq "$engine: the NUL stripped, the name trimmed" "Zero" \
		"$($q "SELECT name FROM kv_employees WHERE email = 'zero@acme.example'")"
	for j in $(ls -t "$undo"/*.jsonl | grep -v rejects); do
		rf undo "$j" --yes --to "$url"
		assert_eq "$engine: undo $(basename "$j"): exit 0" 0 "$rc"
		[ "$rc" = 0 ] || cat "$T/err"
	done
	assert_eq "$engine: undo leaves the targets empty" "0 0 0" "$($q 'SELECT (SELECT count(*) FROM kv_clients), (SELECT count(*) FROM kv_sites), (SELECT count(*) FROM kv_employees)' | tr '|\t' '  ')"
}

pgq() { pg "$PG2" "$1"; }
myq() { my "$MY" "$1"; }

pg "$PG2" "DROP TABLE IF EXISTS kv_sites, kv_employees, kv_clients" >/dev/null
pgf "$PG2" >/dev/null <<'SQL'
CREATE TABLE kv_clients (id uuid PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE kv_sites (id uuid PRIMARY KEY, client_id uuid NOT NULL REFERENCES kv_clients (id), name text NOT NULL);
CREATE TABLE kv_employees (id uuid PRIMARY KEY, name text NOT NULL, email text);
SQL
run_job postgres "$PG2" pgq

my "$MY" "DROP TABLE IF EXISTS kv_sites, kv_employees, kv_clients"
myf "$MY" <<'SQL'
CREATE TABLE kv_clients (id char(36) PRIMARY KEY, name varchar(80) NOT NULL, email varchar(120));
CREATE TABLE kv_sites (id char(36) PRIMARY KEY, client_id char(36) NOT NULL, name varchar(80) NOT NULL,
	FOREIGN KEY (client_id) REFERENCES kv_clients (id));
CREATE TABLE kv_employees (id uuid PRIMARY KEY, name varchar(80) NOT NULL, email varchar(120));
SQL
run_job mariadb "$MY" myq

# rowferry map on the key-value source: the JSON keys sampled pair with the
# target's columns, the kind the target is named after becomes where =,
# and the section runs: the three clients only in the source
for pair in "postgres|$PG2" "mariadb|$MY"; do
	IFS='|' read -r engine url <<<"$pair"
	rf map kv_store kv_clients --from "$PG" --to "$url"
	assert_eq "$engine: rowferry map kv_store kv_clients: exit 0" 0 "$rc"
	assert_eq "$engine: ... the kind's rows, the JSON keys, the key" \
		"where = \"key\" LIKE 'client:%'
key = id
id = json(value, '\$.id')
name = json(value, '\$.name')
email = json(value, '\$.email')" "$(grep -E '^(where|key|id|name|email) =' "$T/out")"
	assert_contains "$engine: ... the source's key left" "; source column key (text): not mapped" "$(cat "$T/out")"
	cp "$T/out" "$T/suggested.ini"
	rf diff kv_clients --map "$T/suggested.ini" --from "$PG" --to "$url" --format json
	assert_eq "$engine: the suggested section runs: differences, exit 1" 1 "$rc"
	assert_eq "$engine: ... the three clients, only in the source" "3 0 0" \
		"$(jq -r 'select(.summary) | .summary | "\(.only_source) \(.changed) \(.identical)"' "$T/out")"
done
finish
