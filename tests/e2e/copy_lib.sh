# copy_lib.sh - fixtures for the copy/undo end-to-end tests (sourced after
# lib.sh). Each test script gets databases of its own on both servers, so
# the tests can run in parallel with each other and with the diff tests.

# fresh_dbs NAME: empty databases rfc_NAME_dev / rfc_NAME_prod on PostgreSQL
# and MariaDB, two SQLite files; sets PGD PGP MYD MYP SQD SQP (URLs).
fresh_dbs() {
	local n=$1 side q
	export PGOPTIONS="-c client_min_messages=warning"
	q=${RF_TEST_PG_URL#*\?}
	for side in dev prod; do
		pg "$RF_TEST_PG_URL" "DROP DATABASE IF EXISTS rfc_${n}_$side WITH (FORCE)" >/dev/null
		pg "$RF_TEST_PG_URL" "CREATE DATABASE rfc_${n}_$side TEMPLATE template0 ENCODING 'UTF8'
			LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'en_US.UTF-8'" >/dev/null
		my "$RF_TEST_MY_URL" "DROP DATABASE IF EXISTS rfc_${n}_$side; CREATE DATABASE rfc_${n}_$side"
	done
	PGD="postgresql://rowferry@/rfc_${n}_dev?$q"
	PGP="postgresql://rowferry@/rfc_${n}_prod?$q"
	MYD="mysql://rowferry:$RF_TEST_MY_PASSWORD@localhost/rfc_${n}_dev?socket=$RF_TEST_MY_SOCKET"
	MYP="mysql://rowferry:$RF_TEST_MY_PASSWORD@localhost/rfc_${n}_prod?socket=$RF_TEST_MY_SOCKET"
	rm -f "$T/dev.db" "$T/prod.db"
	sqlite3 "$T/dev.db" 'PRAGMA user_version = 1'
	sqlite3 "$T/prod.db" 'PRAGMA user_version = 1'
	SQD="sqlite:$T/dev.db"
	SQP="sqlite:$T/prod.db"
}

# url_of ENGINE SIDE -> the URL of that database
url_of() {
	case $1-$2 in
	pg-dev) echo "$PGD" ;; pg-prod) echo "$PGP" ;;
	my-dev) echo "$MYD" ;; my-prod) echo "$MYP" ;;
	sq-dev) echo "$SQD" ;; sq-prod) echo "$SQP" ;;
	esac
}

# sql_run ENGINE URL < SQL : through the engine's own client
sql_run() {
	case $1 in
	pg) pgf "$2" >/dev/null ;;
	my) myf "$2" >/dev/null ;;
	sq) sqlite3 -bail "${2#sqlite:}" >/dev/null ;;
	esac
}
# sql_query ENGINE URL SQL : rows, columns separated by |
sql_query() {
	case $1 in
	pg) pg "$2" "$3" ;;
	my) my "$2" "$3" | tr '\t' '|' ;;
	sq) sqlite3 -bail "${2#sqlite:}" "$3" ;;
	esac
}

# write_config FILE DEV_URL PROD_URL UNDO_DIR : a config naming dev and prod
write_config() {
	cat >"$1" <<INI
[connection dev]
url = $2

[connection prod]
url = $3
confirm = name

[defaults]
source = dev
target = prod

[safety]
undo_dir = $4
lock_timeout_ms = 5000
statement_timeout_ms = 120000
INI
	chmod 600 "$1"
}

# The demo-like schema: siteflow_orders with a GUID primary key that the
# target generates (gen_random_uuid() / UUID() / randomblob), a foreign key
# to jobs, a unique (job_number, order_ref) and a CHECK on qty.
schema_sql() {
	case $1 in
	pg) cat <<'SQL' ;;
CREATE TABLE jobs (job_number text PRIMARY KEY, customer text NOT NULL);
CREATE TABLE siteflow_orders (
  guid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  job_number text NOT NULL REFERENCES jobs (job_number),
  order_ref text NOT NULL,
  sku text, qty integer CHECK (qty < 1000), status text, price numeric(12,2), payload jsonb,
  created_at timestamptz, updated_at timestamptz,
  UNIQUE (job_number, order_ref));
SQL
	my) cat <<'SQL' ;;
CREATE TABLE jobs (job_number varchar(16) PRIMARY KEY, customer varchar(100) NOT NULL);
CREATE TABLE siteflow_orders (
  guid char(36) NOT NULL DEFAULT (uuid()) PRIMARY KEY,
  job_number varchar(16) NOT NULL, order_ref varchar(32) NOT NULL,
  sku varchar(40), qty int CHECK (qty < 1000), status varchar(20), price decimal(12,2),
  payload json, created_at datetime(6), updated_at datetime(6),
  UNIQUE KEY (job_number, order_ref),
  FOREIGN KEY (job_number) REFERENCES jobs (job_number));
SQL
	sq) cat <<'SQL' ;;
PRAGMA foreign_keys = ON;
CREATE TABLE jobs (job_number TEXT PRIMARY KEY NOT NULL, customer TEXT NOT NULL);
CREATE TABLE siteflow_orders (
  guid TEXT PRIMARY KEY NOT NULL DEFAULT (
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' ||
    substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) ||
    '-' || lower(hex(randomblob(6)))),
  job_number TEXT NOT NULL REFERENCES jobs (job_number),
  order_ref TEXT NOT NULL,
  sku TEXT, qty INTEGER CHECK (qty < 1000), status TEXT, price DECIMAL(12,2), payload JSON,
  created_at DATETIME, updated_at DATETIME,
  UNIQUE (job_number, order_ref));
SQL
	esac
}

# order_row GUID JOB N [QTY] : one INSERT of a siteflow_orders row
order_row() {
	local qty=${4:-$3} m
	m=$(printf %02d $(($3 % 60)))
	echo "INSERT INTO siteflow_orders (guid, job_number, order_ref, sku, qty, status, price, payload, created_at, updated_at) VALUES ('$1', '$2', 'SF-$2-$(printf %04d "$3")', 'SKU-$3', $qty, 'printed', $3.50, '{\"sku\": \"SKU-$3\", \"packs\": $3, \"finish\": \"matt\"}', '2026-11-09 09:$m:00', '2026-11-09 13:$m:00');"
}

# seed_sql SIDE : jobs 0000064 and 0000065 on both sides; 0000064's three
# orders on both (different GUIDs); 0000065's twelve only in dev.
seed_sql() {
	local n
	echo "INSERT INTO jobs VALUES ('0000064', 'Acme'), ('0000065', 'Globex');"
	for n in 1 2 3; do
		if [ "$1" = dev ]; then
			order_row "00000000-0000-4000-8000-0000000640$n$n" 0000064 "$n"
		else
			order_row "aaaaaaaa-0000-4000-8000-0000000640$n$n" 0000064 "$n"
		fi
	done
	if [ "$1" = dev ]; then
		for n in $(seq 1 12); do
			order_row "00000000-0000-4000-8000-00000065$(printf %04d "$n")" 0000065 "$n"
		done
	fi
}

# setup_seed ENGINE : schema and seed rows in that engine's dev and prod
setup_seed() {
	{ schema_sql "$1"; seed_sql dev; } | sql_run "$1" "$(url_of "$1" dev)"
	{ schema_sql "$1"; seed_sql prod; } | sql_run "$1" "$(url_of "$1" prod)"
}

# dump ENGINE URL [COLUMNS] : every siteflow_orders row, ordered
dump() {
	sql_query "$1" "$2" "SELECT ${3:-guid, job_number, order_ref, sku, qty, status, price, payload, created_at, updated_at} FROM siteflow_orders ORDER BY job_number, order_ref"
}

# journal_of : the journal named by the last line of $T/out
journal_of() {
	tail -n 1 "$T/out" | sed -n 's/^journal: //p'
}

SEED_ARGS=(siteflow_orders --key job_number,order_ref --exclude guid --where "job_number = '0000065'")
