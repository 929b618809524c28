#!/bin/bash
# A legacy MariaDB schema moving to PostgreSQL (issue 14, DESIGN §13):
# tinyint(1) flags, datetime, unsigned integers (the largest BIGINT
# UNSIGNED included), an enum, json, NULLs, empty strings and unicode,
# ids with gaps in AUTO_INCREMENT columns. `rowferry ddl` makes the
# tables, `copy --all` loads them in one transaction; every table diffs
# empty, the application's next insert without an id gets the largest
# id + 1 with the defaults translated, the enum's values still hold, and
# undo empties the tables and sets the sequences back.
. "$(dirname "$0")/lib.sh"

MYL=${RF_TEST_MY_DEV_URL/\/rf_dev\?//rf_legacy_from?}
PGL=${RF_TEST_PG_DEV_URL/\/rf_dev\?//rf_legacy_to?}

my "$RF_TEST_MY_DEV_URL" "DROP DATABASE IF EXISTS rf_legacy_from; CREATE DATABASE rf_legacy_from"
myf "$MYL" <<'SQL'
CREATE TABLE customers (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(80) NOT NULL, active TINYINT(1) NOT NULL DEFAULT 1, created DATETIME NOT NULL,
  status ENUM('new','paid','void') NOT NULL DEFAULT 'new', prefs JSON,
  score SMALLINT UNSIGNED, big BIGINT UNSIGNED) ENGINE=InnoDB;
CREATE TABLE invoices (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id INT UNSIGNED NOT NULL, total DECIMAL(10,2), issued DATETIME, paid TINYINT(1),
  note TEXT, CONSTRAINT inv_cust FOREIGN KEY (customer_id) REFERENCES customers (id)) ENGINE=InnoDB;
INSERT INTO customers (id, name, active, created, status, prefs, score, big)
SELECT seq * 3, CONCAT(IF(seq % 3 = 0, 'Zoë Ångström ', 'cust '), seq), seq % 2,
  '2024-02-29 23:59:59' + INTERVAL seq HOUR, ELT(seq % 3 + 1, 'new', 'paid', 'void'),
  IF(seq % 4 = 0, NULL, JSON_OBJECT('lang', '名前', 'n', seq)), IF(seq % 5 = 0, NULL, 65535 - seq),
  IF(seq = 1, 18446744073709551615, seq * 1000000007) FROM seq_1_to_400;
INSERT INTO invoices (id, customer_id, total, issued, paid, note)
SELECT 5000 + seq, (seq % 400 + 1) * 3, seq * 1.25,
  IF(seq % 7 = 0, NULL, '2025-01-01 08:00:00' + INTERVAL seq MINUTE), seq % 2,
  IF(seq % 6 = 0, '', IF(seq % 6 = 1, NULL, CONCAT('note ', seq))) FROM seq_1_to_1200;
SQL
tables="customers invoices"
pg "$RF_TEST_PG_DEV_URL" "DROP DATABASE IF EXISTS rf_legacy_to" >/dev/null
pg "$RF_TEST_PG_DEV_URL" "CREATE DATABASE rf_legacy_to" >/dev/null
"$ROWFERRY" ddl $tables --from "$MYL" --to "$PGL" >"$T/ddl.sql"
pgf "$PGL" <"$T/ddl.sql"
assert_eq "ddl: the legacy types mapped" \
	"customers.id bigint YES;customers.active boolean NO;customers.created timestamp without time zone NO;customers.status text NO;customers.prefs jsonb NO;customers.score integer NO;customers.big numeric NO;" \
	"$(pg "$PGL" "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_identity
		FROM information_schema.columns WHERE table_name = 'customers'
		AND column_name IN ('id', 'active', 'created', 'status', 'prefs', 'score', 'big')
		ORDER BY ordinal_position" | tr '\n' ';')"

rf copy --all --from "$MYL" --to "$PGL" --yes --undo-dir "$T/undo" --report "$T/report.json"
assert_eq "copy: exit 0" 0 "$rc"
[ "$rc" = 0 ] || cat "$T/err"
sed -n '/^table /,/^total /s/^/# /p' "$T/out"
assert_eq "copy: committed, every row" "committed 1600" \
	"$(jq -r '"\(.status) \(.totals.written)"' "$T/report.json")"
assert_eq "copy: invoices verified by checksum" "count, checksum" \
	"$(jq -r '.tables[] | select(.table | endswith("invoices")) | .verified' "$T/report.json")"
journal=$(jq -r .journal "$T/report.json")
for t in $tables; do
	rf diff "$t" --from "$MYL" --to "$PGL" --format json
	assert_eq "diff $t: no difference" "0 0 0" \
		"$(grep -c '"status":"only_source"' "$T/out") $(grep -c '"status":"only_target"' "$T/out") $(grep -c '"status":"changed"' "$T/out")"
done
assert_eq "values: the largest BIGINT UNSIGNED, a tinyint(1) flag, a datetime, json" \
	"18446744073709551615|true|2024-03-01 00:59:59|名前" \
	"$(pg "$PGL" "SELECT big || '|' || active || '|' || created || '|' || (prefs->>'lang') FROM customers WHERE id = 3")"
assert_eq "values: NULL and the empty string stay apart" "200 200" \
	"$(pg "$PGL" "SELECT count(*) FILTER (WHERE note IS NULL) || ' ' || count(*) FILTER (WHERE note = '') FROM invoices")"

# the application's next inserts without an id, with the defaults
assert_eq "app insert: customers gets the largest id + 1 and the defaults" "1201|new|true" \
	"$(pg "$PGL" "INSERT INTO customers (name, created) VALUES ('app', now()) RETURNING id || '|' || status || '|' || active" | head -1)"
assert_eq "app insert: invoices gets the largest id + 1" 6201 \
	"$(pg "$PGL" "INSERT INTO invoices (customer_id, total) VALUES (1201, 1) RETURNING id" | head -1)"
set +e
psql -X -q -v ON_ERROR_STOP=1 -At "$PGL" -c "INSERT INTO customers (name, created, status) VALUES ('x', now(), 'bogus')" \
	>/dev/null 2>"$T/enum"
erc=$?
set -e
assert_eq "app insert: the enum's values still hold" "1 yes" \
	"$erc $(grep -q 'check constraint' "$T/enum" && echo yes || echo no)"
pg "$PGL" "DELETE FROM invoices WHERE id = 6201; DELETE FROM customers WHERE id = 1201" >/dev/null

rf undo "$journal" --to "$PGL" --yes
assert_eq "undo: exit 0" 0 "$rc"
assert_eq "undo: the tables empty" "0 0" \
	"$(pg "$PGL" "SELECT (SELECT count(*) FROM customers) || ' ' || (SELECT count(*) FROM invoices)")"
assert_eq "undo: the sequences give 1 again" "1 1" \
	"$(pg "$PGL" "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM customers_id_seq") $(pg "$PGL" "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM invoices_id_seq")"
finish
