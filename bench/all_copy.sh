#!/bin/bash
# all_copy.sh - a whole database (~1M rows, 6 tables), from SQLite and then
# from MariaDB, into an empty PostgreSQL database: pgloader (its default
# settings for the source) against rowferry (issue 14's benchmark, DESIGN
# §13), side by side in one run, on the same server, each into a fresh
# database. rowferry runs `rowferry copy --all --create --yes`: the tables
# created and every row loaded in one transaction, verified before COMMIT.
# Then each copy killed (kill -9) at 40% and at 70%
# of its median time, and the rows left behind counted. Writes its section of bench/RESULTS.md, between <!-- all-copy -->
# and <!-- /all-copy -->.
#
#   bench/all_copy.sh [BUILD_DIR]
#
# BUILD_DIR holds a built rowferry (relative to the repository root or
# absolute); without it, build-bench is configured and built in Release.
# Environment: RF_BENCH_ALL_RUNS (3), RF_BENCH_ALL_KILL_AT (the kill points,
# fractions of each tool's median time, "0.4 0.7"), RF_BENCH_ALL_MARIADB=0
# (SQLite only), RF_BENCH_SRV (servers to reuse or
# start, /tmp/rfbench-srv), RF_BENCH_CACHE (the generated SQLite file,
# ~/.cache/rowferry-bench), RF_BENCH_KEEP_SERVERS=1 (leave servers it
# started running), RF_BENCH_RESULTS (bench/RESULTS.md).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=section.sh
. "$ROOT/bench/section.sh"
RUNS=${RF_BENCH_ALL_RUNS:-3}
KILL_AT=${RF_BENCH_ALL_KILL_AT:-0.4 0.7}
SRV=${RF_BENCH_SRV:-/tmp/rfbench-srv}
CACHE=${RF_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rowferry-bench}
RESULTS=${RF_BENCH_RESULTS:-$ROOT/bench/RESULTS.md}
KEEP_SERVERS=${RF_BENCH_KEEP_SERVERS:-0}
export LC_ALL=C.UTF-8 TZ=UTC PGTZ=UTC PGOPTIONS="-c client_min_messages=warning"

log() { printf '%s all_copy: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 2; }

WORK=$(mktemp -d /tmp/rf_all_copy_XXXXXX)
chmod 755 "$WORK"
STARTED_SERVERS=0
cleanup() {
	if [ "$STARTED_SERVERS" = 1 ] && [ "$KEEP_SERVERS" != 1 ]; then
		"$ROOT/tests/support/servers.sh" stop "$SRV" >&2 || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

for t in psql sqlite3 pgloader awk cmake sha256sum; do
	command -v "$t" >/dev/null || die "$t is missing (apt-get install -y pgloader sqlite3 ...)"
done
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install -y time)"

# ---------------------------------------------------------------- build
dir=${1:-$ROOT/build-bench}
case $dir in /*) ;; *) dir=$ROOT/$dir ;; esac
if [ -z "${1:-}" ] || [ ! -x "$dir/rowferry" ]; then
	log "building rowferry (Release) in $dir"
	cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release >"$WORK/build.log" 2>&1 &&
		cmake --build "$dir" -j"$(nproc)" --target rowferry >>"$WORK/build.log" 2>&1 ||
		die "build failed, see $WORK/build.log"
fi
RF=$dir/rowferry
BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$dir/CMakeCache.txt" 2>/dev/null || echo '?')

# ---------------------------------------------------------------- server
servers_up() {
	[ -f "$SRV/env" ] || return 1
	# shellcheck disable=SC1091
	. "$SRV/env"
	psql -X -q -d "$RF_TEST_PG_URL" -c 'SELECT 1' >/dev/null 2>&1
}
if servers_up; then
	log "reusing the servers in $SRV"
else
	log "starting PostgreSQL and MariaDB in $SRV"
	"$ROOT/tests/support/servers.sh" start "$SRV" >&2
	STARTED_SERVERS=1
	servers_up || die "the servers in $SRV do not answer"
fi
pg() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
pg_url() { echo "${RF_TEST_PG_URL/\/rf_test\?//$1?}"; }
# pgloader's own URL form for a unix socket
pgl_url() { echo "postgresql://rowferry:$RF_TEST_PG_PASSWORD@unix:$RF_TEST_PG_SOCKDIR:$RF_TEST_PG_PORT/$1"; }
fresh_db() { pg "$RF_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"; }

# ---------------------------------------------------------------- data
# An application's SQLite database: 6 tables, foreign keys (users.manager_id
# a self-reference), INTEGER PRIMARY KEY ids, DATETIME text, 0/1 booleans,
# NUMERIC prices, a few blobs, NULLs and empty strings, unicode: ~1M rows.
# One sqlite3 script of recursive CTEs; cached, rebuilt when this script's
# schema or rows change (the hash of GEN below is in the file's name).
GEN=$(
	cat <<'EOF'
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE,
  name TEXT, active BOOLEAN NOT NULL DEFAULT 1, created_at DATETIME NOT NULL,
  manager_id INTEGER REFERENCES users (id));
CREATE TABLE categories (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE);
CREATE TABLE products (id INTEGER PRIMARY KEY, category_id INTEGER NOT NULL REFERENCES categories (id),
  sku VARCHAR(20) NOT NULL UNIQUE, title TEXT NOT NULL, price NUMERIC(10,2), photo BLOB);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
  placed_at DATETIME NOT NULL, paid BOOLEAN NOT NULL, note TEXT);
CREATE INDEX orders_placed ON orders (placed_at);
CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders (id),
  product_id INTEGER NOT NULL REFERENCES products (id), qty INTEGER NOT NULL);
CREATE TABLE settings (name VARCHAR(40) PRIMARY KEY, value TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
INSERT INTO users SELECT i, 'user' || i || '@example.com',
  CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'Zoë Ångström ' || i ELSE '名前' || i END,
  i % 2, datetime('2024-01-01 00:00:00', '+' || i || ' minutes'),
  CASE WHEN i = 1 THEN NULL ELSE (i - 1) / 2 + 1 END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO categories SELECT i, 'category ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO products SELECT i, i % 200 + 1, 'SKU-' || i, 'product « ' || i || ' »',
  CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37 % 10000) / 100.0 END,
  CASE WHEN i % 50 = 0 THEN randomblob(64) END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250000)
INSERT INTO orders SELECT i, i % 50000 + 1, datetime('2025-01-01 00:00:00', '+' || i || ' seconds'),
  i % 3 = 0, CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'note ' || i END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 680000)
INSERT INTO order_items SELECT i, (i - 1) % 250000 + 1, i * 7 % 20000 + 1, i % 9 + 1 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
INSERT INTO settings SELECT 'setting.' || i, CASE WHEN i % 10 = 0 THEN NULL ELSE 'value ' || i END FROM n;
COMMIT;
EOF
)
TABLES="users categories products orders order_items settings"
mkdir -p "$CACHE"
SRC=$CACHE/all_copy-$(sha256sum <<<"$GEN" | cut -c1-12).db
if [ ! -s "$SRC" ]; then
	log "generating $SRC"
	rm -f "$SRC.tmp"
	sqlite3 "$SRC.tmp" <<<"$GEN" >/dev/null
	mv "$SRC.tmp" "$SRC"
fi
SRC_ROWS=$(for t in $TABLES; do printf '%s=%s ' "$t" "$(sqlite3 "$SRC" "SELECT count(*) FROM $t")"; done | sed 's/ $//')
SRC_TOTAL=$(sqlite3 "$SRC" "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM categories)
  + (SELECT count(*) FROM products) + (SELECT count(*) FROM orders)
  + (SELECT count(*) FROM order_items) + (SELECT count(*) FROM settings)")
SRC_SIZE=$(stat -c %s "$SRC")
log "source: $SRC_TOTAL rows, $SRC_SIZE bytes ($SRC_ROWS)"

# ---------------------------------------------------------------- helpers
# timed NAME CMD -> appends "wall_s maxrss_kib" to $WORK/NAME.tsv
timed() {
	local rc=0
	/usr/bin/time -f '%e %M' -o "$WORK/$1.time" bash -c "$2" >"$WORK/$1.out" 2>"$WORK/$1.err" || rc=$?
	[ "$rc" = 0 ] || { tail -n 20 "$WORK/$1.err" >&2; die "$1 failed (exit $rc), see above"; }
	tail -n 1 "$WORK/$1.time" >>"$WORK/$1.tsv"
}
# counts DB [SCHEMA] -> "users=N categories=N ..." (a missing table counts as -)
counts() {
	local t n
	for t in $TABLES; do
		n=$(psql -X -At "$(pg_url "$1")" -c "SELECT count(*) FROM ${2:-public}.$t" 2>/dev/null) || n=-
		printf '%s=%s ' "$t" "$n"
	done | sed 's/ $//'
}
db_size() { psql -X -At "$RF_TEST_PG_URL" -c "SELECT pg_database_size('$1')"; }
median() { # NAME COLUMN
	awk -v c="$2" '{print $c}' "$WORK/$1.tsv" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
sum_counts() { tr ' ' '\n' <<<"$1" | awk -F= '$2 ~ /^[0-9]+$/ {s += $2} END {print s + 0}'; }
# killed NAME DB SCHEMA CMD AT -> "users=N ..." after a kill -9 of the tool's
# process group AT seconds after its start, the rows left in the target
killed() {
	local pid
	fresh_db "$2"
	rm -rf "$WORK/undo"
	setsid bash -c "$4" >"$WORK/$1.kill.out" 2>&1 &
	pid=$!
	sleep "$5"
	kill -9 -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	sleep 1 # the server ends the dead connection's backend
	log "$1 killed at $5 s: $(counts "$2" "$3")"
	counts "$2" "$3"
}

# compare TAG LABEL PGL_SRC PGL_SCHEMA RF_SRC: $RUNS pairs of runs, pgloader
# then rowferry (copy --all --create) into fresh databases, under the same load,
# then one killed run each; writes $WORK/TAG.md, its part of the section
compare() {
	local tag=$1 label=$2 pgl_src=$3 pgl_schema=$4 rf_src=$5
	local pgl_db=rfb_all_pgloader rf_db=rfb_all_rowferry i
	local pgl_cmd rf_cmd load_before load_after load_end pgl_rows rf_rows pgl_check rf_check
	local pgl_t rf_t pgl_m rf_m ratio pgl_warn f at kill
	pgl_cmd="pgloader '$pgl_src' '$(pgl_url $pgl_db)'"
	rf_cmd="'$RF' copy --all --create --from '$rf_src' --to '$(pg_url $rf_db)' --yes --undo-dir '$WORK/undo' --report '$WORK/report.json'"
	load_before=$(cut -d' ' -f1-3 /proc/loadavg)
	: >"$WORK/$tag-pgloader.tsv"
	: >"$WORK/$tag-rowferry.tsv"
	for i in $(seq 1 "$RUNS"); do
		log "$label, run $i of $RUNS: pgloader"
		fresh_db $pgl_db
		timed "$tag-pgloader" "$pgl_cmd"
		log "$label, run $i of $RUNS: rowferry copy --all --create"
		fresh_db $rf_db
		rm -rf "$WORK/undo"
		timed "$tag-rowferry" "$rf_cmd"
		log "  pgloader $(tail -n1 "$WORK/$tag-pgloader.tsv"), rowferry $(tail -n1 "$WORK/$tag-rowferry.tsv") (s KiB)"
	done
	load_after=$(cut -d' ' -f1-3 /proc/loadavg)

	# both targets of the last run hold every row of the source
	pgl_rows=$(counts $pgl_db "$pgl_schema")
	rf_rows=$(counts $rf_db)
	[ "$pgl_rows" = "$SRC_ROWS" ] && pgl_check=same || pgl_check=DIFFERENT
	[ "$rf_rows" = "$SRC_ROWS" ] && rf_check=same || rf_check=DIFFERENT
	[ "$pgl_check$rf_check" = samesame ] || COUNTS_OK=0
	local pgl_size rf_size
	pgl_size=$(db_size $pgl_db)
	rf_size=$(db_size $rf_db)
	pgl_warn=$(cat "$WORK/$tag-pgloader.out" "$WORK/$tag-pgloader.err" | grep -cE 'WARNING|ERROR' || true)
	pgl_t=$(median "$tag-pgloader" 1) rf_t=$(median "$tag-rowferry" 1)
	pgl_m=$(median "$tag-pgloader" 2) rf_m=$(median "$tag-rowferry" 2)
	ratio=$(awk -v a="$pgl_t" -v b="$rf_t" 'BEGIN {printf "%.2f", a / b}')

	# killed midway, once each at each fraction of its median time
	: >"$WORK/$tag-kill.md"
	for f in $KILL_AT; do
		at=$(awk -v m="$pgl_t" -v f="$f" 'BEGIN {printf "%.2f", m * f}')
		kill=$(killed "$tag-pgloader" $pgl_db "$pgl_schema" "$pgl_cmd" "$at")
		printf '| pgloader | %s s (%s%%) | %s | %s |\n' "$at" "$(awk -v f="$f" 'BEGIN {print f * 100}')" \
			"$(sum_counts "$kill")" "$kill" >>"$WORK/$tag-kill.md"
		at=$(awk -v m="$rf_t" -v f="$f" 'BEGIN {printf "%.2f", m * f}')
		kill=$(killed "$tag-rowferry" $rf_db public "$rf_cmd" "$at")
		printf '| rowferry copy --all --create | %s s (%s%%) | %s | %s |\n' "$at" "$(awk -v f="$f" 'BEGIN {print f * 100}')" \
			"$(sum_counts "$kill")" "$kill" >>"$WORK/$tag-kill.md"
	done
	load_end=$(cut -d' ' -f1-3 /proc/loadavg)

	{
		echo "### $label"
		echo
		echo "Load average $load_before before the timed runs, $load_after after"
		echo "them, $load_end after the kill runs."
		echo
		echo "| tool | wall median | max RSS median | target DB size | rows per table in the target (last run) | = source |"
		echo "|---|---|---|---|---|---|"
		printf '| pgloader | %s s | %s MiB | %s MiB | %s | %s |\n' "$pgl_t" "$((pgl_m / 1024))" \
			"$((pgl_size / 1048576))" "$pgl_rows" "$pgl_check"
		printf '| rowferry copy --all --create | %s s | %s MiB | %s MiB | %s | %s |\n' "$rf_t" "$((rf_m / 1024))" \
			"$((rf_size / 1048576))" "$rf_rows" "$rf_check"
		echo
		echo "**Ratio (pgloader time / rowferry time): $ratio** (target ≥ 1.0:"
		echo "$(awk -v r="$ratio" 'BEGIN {print (r >= 1.0) ? "met" : "not met"}'))."
		echo
		echo "Every run (wall s, max RSS KiB):"
		echo
		echo '```'
		sed 's/^/pgloader  /' "$WORK/$tag-pgloader.tsv"
		sed 's/^/rowferry  /' "$WORK/$tag-rowferry.tsv"
		echo '```'
		echo
		echo "Where the time goes, last run: pgloader's summary (its \"errors\" column;"
		echo "$pgl_warn WARNING/ERROR lines in its output) and rowferry's report"
		echo "(\`seconds\`: each table's steps inside the one transaction, its rows"
		echo "streamed from the source into COPY as read; \`bytes\`: the row data read):"
		echo
		echo '```'
		sed -n '/table name/,$p' "$WORK/$tag-pgloader.out"
		echo
		sed -n '/^table /,/^total /p' "$WORK/$tag-rowferry.out"
		echo '```'
		echo
		echo "Killed midway (kill -9 of the whole process group, once at each point,"
		echo "as a fraction of the tool's own median time; rows then counted in the"
		echo "target):"
		echo
		echo "| tool | killed at | rows left in the target | per table |"
		echo "|---|---|---|---|"
		cat "$WORK/$tag-kill.md"
		echo
	} >"$WORK/$tag.md"
}

COUNTS_OK=1
compare sqlite "SQLite → PostgreSQL" "sqlite://$SRC" public "sqlite:$SRC"

# ---------------------------------------------------------------- MariaDB
# The same rows in MariaDB (loaded once by rowferry from the SQLite file,
# cached: rebuilt when its row counts differ), then the same comparison.
# pgloader's defaults for a MySQL source put the tables in a schema named
# after the MySQL database.
MY_DB=rfb_all_src
my() { mariadb --no-defaults -urowferry -p"$RF_TEST_MY_PASSWORD" --socket="$RF_TEST_MY_SOCKET" -N -B "$@"; }
MY_URL=${RF_TEST_MY_URL/\/rf_test\?//$MY_DB?}
my_counts() {
	local t
	for t in $TABLES; do printf '%s=%s ' "$t" "$(my $MY_DB -e "SELECT count(*) FROM $t" 2>/dev/null || echo -)"; done |
		sed 's/ $//'
}
MARIADB_NOTE=
if [ "${RF_BENCH_ALL_MARIADB:-1}" = 1 ]; then
	if [ "$(my_counts)" != "$SRC_ROWS" ]; then
		log "loading the rows into MariaDB $MY_DB"
		my -e "DROP DATABASE IF EXISTS $MY_DB; CREATE DATABASE $MY_DB"
		{ "$RF" ddl $TABLES --from "sqlite:$SRC" --to "$MY_URL" | my $MY_DB &&
			"$RF" copy --all --from "sqlite:$SRC" --to "$MY_URL" --yes --undo-dir "$WORK/undo-my" >"$WORK/my-load.out" 2>&1; } ||
			MARIADB_NOTE="loading MariaDB failed: $(tail -n 3 "$WORK/my-load.out" 2>/dev/null)"
		rm -rf "$WORK/undo-my"
	fi
	if [ -z "$MARIADB_NOTE" ]; then
		compare mariadb "MariaDB → PostgreSQL" \
			"mysql://rowferry:$RF_TEST_MY_PASSWORD@127.0.0.1:$RF_TEST_MY_PORT/$MY_DB" $MY_DB "$MY_URL"
	fi
fi

# ---------------------------------------------------------------- report
sec=$WORK/section.md
{
	echo "<!-- all-copy -->"
	echo "## whole database into PostgreSQL: rowferry vs pgloader ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
	echo
	echo "bench/all_copy.sh, rowferry $("$RF" --version | cut -d' ' -f2) ($BUILD_TYPE build),"
	echo "$(pgloader --version 2>&1 | head -n1)."
	echo "Machine: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1), $(nproc) CPUs,"
	echo "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, Linux $(uname -r);"
	echo "PostgreSQL $(psql -X -At "$RF_TEST_PG_URL" -c 'SHOW server_version' | cut -d' ' -f1),"
	echo "MariaDB $(my -e 'SELECT version()' | cut -d- -f1), from tests/support/servers.sh"
	echo "(fsync off). The machine is shared (other builds and a CI run): the load"
	echo "average is given per part."
	echo
	echo "Source: one SQLite file, $SRC_SIZE bytes, 6 tables with foreign keys"
	echo "(users.manager_id a self-reference), INTEGER PRIMARY KEY ids, DATETIME"
	echo "text, 0/1 booleans, NUMERIC, some blobs, NULLs, empty strings, unicode;"
	echo "$SRC_TOTAL rows: $SRC_ROWS. The MariaDB source holds the same rows"
	echo "(tables made by \`rowferry ddl\`)."
	echo
	echo "Each tool copies it into a fresh empty database of the same server, $RUNS"
	echo "runs in pairs (pgloader then rowferry, under the same load); wall time and"
	echo "max RSS from /usr/bin/time, medians. rowferry runs \`rowferry copy --all"
	echo "--create --yes\`: the 6 tables (keys, indexes) created and every row loaded"
	echo "in one transaction (each created table's rows streamed from the source into"
	echo "COPY as they are read, not planned in memory), foreign keys added after the"
	echo "rows, journal (a load op per streamed table), each table verified by count"
	echo "and checksum before COMMIT. pgloader runs with its defaults for"
	echo "the source (creates the tables, loads, builds indexes and foreign keys,"
	echo "resets sequences; commits per batch)."
	echo
	cat "$WORK/sqlite.md"
	if [ -f "$WORK/mariadb.md" ]; then
		cat "$WORK/mariadb.md"
	elif [ -n "$MARIADB_NOTE" ]; then
		echo "### MariaDB → PostgreSQL"
		echo
		echo "Not measured: $MARIADB_NOTE"
		echo
	fi
	echo "(\`-\`: the table does not exist. rowferry creates the tables in the copy's"
	echo "transaction: killed, nothing of it stays, not even a table.)"
	echo
	echo "Commands:"
	echo
	echo '```'
	echo "pgloader sqlite:///PATH/all_copy.db postgresql://rowferry:PW@unix:SOCKDIR:PORT/DB"
	echo "pgloader mysql://rowferry:PW@127.0.0.1:PORT/$MY_DB postgresql://rowferry:PW@unix:SOCKDIR:PORT/DB"
	echo "rowferry copy --all --create --from SRC --to PG_URL --yes --undo-dir DIR --report FILE"
	echo "  (SRC: sqlite:PATH/all_copy.db or mysql://rowferry:PW@localhost/$MY_DB?socket=SOCK)"
	echo '```'
	echo "<!-- /all-copy -->"
} | tee "$sec"

replace_section all-copy "$sec" "$RESULTS"
log "wrote its section of $RESULTS"
[ "$COUNTS_OK" = 1 ] || { log "row counts differ from the source"; exit 1; }
