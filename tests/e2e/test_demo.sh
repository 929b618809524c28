#!/bin/bash
# test_demo.sh - `rowferry demo` makes the databases DESIGN §7 describes:
# five tables on each side, job 0000065's 12 siteflow_orders rows only in
# dev, 3 shared rows that differ, 2 rows only prod has, a guid DEFAULT that
# makes fresh UUIDs, a config.ini pointing at both, and no clobbering of an
# existing demo without --force.
set -euo pipefail

: "${ROWFERRY:?ROWFERRY must name the rowferry binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tmp=$(cd "$tmp" && pwd -P)
dir=$tmp/demo

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
expect() { # expect WHAT GOT WANT
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}
q() { # q DB SQL: one value
	sqlite3 -bail "$1" "$2"
}
# dev with prod attached as p
qboth() {
	sqlite3 -bail "$dir/dev.db" "ATTACH '$dir/prod.db' AS p; $1"
}
fingerprint() { # contents and mtimes of the demo's files
	local f
	for f in dev.db prod.db config.ini; do
		sha256sum "$dir/$f"
		stat -c '%n %y %s' "$dir/$f"
	done
}

echo "# --no-open makes the files and prints the config path"
out=$("$ROWFERRY" demo --no-open "$dir")
expect "printed path" "$out" "$dir/config.ini"
for f in dev.db prod.db config.ini; do
	[ -f "$dir/$f" ] || fail "$f was not created"
done

echo "# five tables on each side"
tables="jobs order_lines sales_orders siteflow_batches siteflow_orders"
for db in dev prod; do
	got=$(q "$dir/$db.db" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema
		WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name)")
	expect "$db tables" "$got" "$tables"
done

echo "# job 0000065: in both jobs tables, its siteflow_orders only in dev"
expect "dev rows of 0000065" "$(q "$dir/dev.db" \
	"SELECT count(*) FROM siteflow_orders WHERE job_number = '0000065'")" 12
expect "prod rows of 0000065" "$(q "$dir/prod.db" \
	"SELECT count(*) FROM siteflow_orders WHERE job_number = '0000065'")" 0
for db in dev prod; do
	expect "$db has job 0000065" "$(q "$dir/$db.db" \
		"SELECT count(*) FROM jobs WHERE job_number = '0000065'")" 1
done

echo "# shared rows carry the same GUIDs; exactly 3 of them differ"
dev_rows=$(q "$dir/dev.db" "SELECT count(*) FROM siteflow_orders")
prod_rows=$(q "$dir/prod.db" "SELECT count(*) FROM siteflow_orders")
shared=$(qboth "SELECT count(*) FROM siteflow_orders d JOIN p.siteflow_orders t USING (guid)")
expect "shared guids" "$shared" $((dev_rows - 12))
expect "prod rows" "$prod_rows" $((shared + 2))
[ "$dev_rows" -ge 24 ] || fail "only $dev_rows siteflow_orders rows in dev"
# every column compared (EXCEPT treats NULLs as equal), rows matched by guid
changed=$(qboth "SELECT count(*) FROM (
	SELECT * FROM main.siteflow_orders WHERE guid IN (SELECT guid FROM p.siteflow_orders)
	EXCEPT SELECT * FROM p.siteflow_orders)")
expect "changed shared rows" "$changed" 3
# each of them differs in one or two columns
per_row=$(qboth "SELECT group_concat(n, ' ') FROM (SELECT
	(d.job_number IS NOT t.job_number) + (d.order_ref IS NOT t.order_ref) +
	(d.sku IS NOT t.sku) + (d.qty IS NOT t.qty) + (d.status IS NOT t.status) +
	(d.price IS NOT t.price) + (d.payload IS NOT t.payload) +
	(d.created_at IS NOT t.created_at) + (d.updated_at IS NOT t.updated_at) AS n
	FROM main.siteflow_orders d JOIN p.siteflow_orders t USING (guid) WHERE n > 0)")
for n in $per_row; do
	[ "$n" -ge 1 ] && [ "$n" -le 2 ] || fail "a changed row differs in $n columns"
done

echo "# prod has exactly 2 rows dev lacks"
expect "prod-only guids" "$(qboth "SELECT count(*) FROM p.siteflow_orders
	WHERE guid NOT IN (SELECT guid FROM main.siteflow_orders)")" 2
expect "dev-only guids" "$(qboth "SELECT count(*) FROM main.siteflow_orders
	WHERE guid NOT IN (SELECT guid FROM p.siteflow_orders)")" 12

echo "# the other tables are the same on both sides and hold plausible data"
for t in jobs sales_orders order_lines siteflow_batches; do
	expect "$t dev minus prod" "$(qboth "SELECT count(*) FROM
		(SELECT * FROM main.$t EXCEPT SELECT * FROM p.$t)")" 0
	expect "$t prod minus dev" "$(qboth "SELECT count(*) FROM
		(SELECT * FROM p.$t EXCEPT SELECT * FROM main.$t)")" 0
	[ "$(q "$dir/dev.db" "SELECT count(*) FROM $t")" -gt 0 ] || fail "$t is empty"
done
expect "foreign keys hold" "$(q "$dir/dev.db" "SELECT count(*) FROM pragma_foreign_key_check")" 0
expect "unique (job_number, order_ref)" "$(q "$dir/dev.db" "SELECT count(*) FROM
	pragma_index_list('siteflow_orders') l WHERE l.\"unique\" = 1 AND l.origin = 'u'
	AND (SELECT group_concat(name) FROM pragma_index_info(l.name)) = 'job_number,order_ref'")" 1
expect "guids are lower-case UUIDs" "$(q "$dir/dev.db" "SELECT count(*) FROM siteflow_orders
	WHERE guid NOT GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*'
	OR length(guid) <> 36 OR guid <> lower(guid)")" 0

echo "# config.ini points at the files"
cfg=$dir/config.ini
grep -qxF "url = sqlite:$dir/dev.db" "$cfg" || fail "dev url missing from config.ini"
grep -qxF "url = sqlite:$dir/prod.db" "$cfg" || fail "prod url missing from config.ini"
grep -qxF "undo_dir = $dir/undo" "$cfg" || fail "undo_dir missing from config.ini"
for line in "[connection dev]" "[connection prod]" "color = red" "confirm = name" \
	"[defaults]" "source = dev" "target = prod" "[ui]" "theme = default"; do
	grep -qxF "$line" "$cfg" || fail "'$line' missing from config.ini"
done

echo "# running again without --force fails and changes nothing"
before=$(fingerprint)
dump_before=$(sqlite3 "$dir/dev.db" .dump; sqlite3 "$dir/prod.db" .dump)
sleep 1
if "$ROWFERRY" demo --no-open "$dir" >"$tmp/out" 2>"$tmp/err"; then
	fail "second demo --no-open succeeded"
else
	rc=$?
fi
expect "exit status without --force" "$rc" 2
grep -q "^rowferry: demo: .*already holds a demo (use --force to recreate it)" "$tmp/err" ||
	fail "unexpected message: $(cat "$tmp/err")"
expect "files untouched" "$(fingerprint)" "$before"

echo "# --force remakes the same demo"
"$ROWFERRY" demo --no-open --force "$dir" >/dev/null
dump_after=$(sqlite3 "$dir/dev.db" .dump; sqlite3 "$dir/prod.db" .dump)
[ "$dump_before" = "$dump_after" ] || fail "--force made different data (not deterministic)"

echo "# prod generates a fresh lower-case UUID v4 when guid is left out"
cp "$dir/prod.db" "$tmp/scratch.db"
guids=$(q "$tmp/scratch.db" "INSERT INTO siteflow_orders (job_number, order_ref, qty)
	VALUES ('0000065', 'SF-0000065-01', 1), ('0000065', 'SF-0000065-02', 2) RETURNING guid")
n=0
for g in $guids; do
	[[ $g =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] ||
		fail "generated guid '$g' is not a lower-case UUID v4"
	n=$((n + 1))
done
expect "generated guids" "$n" 2
[ "$(echo "$guids" | sort -u | wc -l)" -eq 2 ] || fail "generated guids repeat"

echo "# usage"
"$ROWFERRY" demo --help | grep -q "^usage: rowferry demo \[--no-open\] \[--force\] \[DIR\]" ||
	fail "demo --help"
if "$ROWFERRY" demo --bogus "$tmp/x" 2>"$tmp/err"; then fail "--bogus accepted"; else rc=$?; fi
expect "exit status of a bad option" "$rc" 2
grep -q "^rowferry: demo: " "$tmp/err" || fail "bad option message: $(cat "$tmp/err")"
[ ! -e "$tmp/x" ] || fail "a bad option still made files"

echo "# the default DIR is ./rowferry-demo"
(cd "$tmp" && "$ROWFERRY" demo --no-open >/dev/null)
[ -f "$tmp/rowferry-demo/config.ini" ] || fail "no ./rowferry-demo/config.ini"

echo "# rowferry tables sees all five tables through the demo's config"
"$ROWFERRY" tables --config "$cfg" >"$tmp/tables" || fail "rowferry tables failed"
for t in $tables; do
	grep -qE "^$t[[:space:]]" "$tmp/tables" || fail "tables does not list $t: $(cat "$tmp/tables")"
done
grep -qE "^siteflow_orders[[:space:]]+$dev_rows[[:space:]]+$prod_rows\$" "$tmp/tables" ||
	fail "siteflow_orders counts: $(cat "$tmp/tables")"

echo "# without --no-open it opens the console on the demo, reusing it as it is"
before=$(fingerprint)
printf ':wait-idle\n:dump %s\n:key Q\n' "$tmp/screen" >"$tmp/script"
ROWFERRY_SCRIPT=$tmp/script "$ROWFERRY" demo "$dir" </dev/null >/dev/null ||
	fail "demo DIR did not open the console"
grep -q "dev.*prod" "$tmp/screen" || fail "console header: $(cat "$tmp/screen")"
grep -qE "siteflow_orders +$dev_rows +$prod_rows" "$tmp/screen" ||
	fail "console tables screen: $(cat "$tmp/screen")"
expect "an opened demo is left as it was" "$(fingerprint)" "$before"

echo "ok"
