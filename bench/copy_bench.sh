#!/bin/bash
# copy_bench.sh - `rowferry copy` of 100k rows against the engine's own bulk
# load, in one run (DESIGN §9: at least half its speed): PostgreSQL
# COPY FROM (psql \copy, i.e. COPY ... FROM STDIN) and MariaDB
# LOAD DATA LOCAL INFILE, into the same empty table (primary key included),
# from the same rows, on the same servers. The rowferry figure is the whole
# command: connect, diff, preview, the checked transaction, the journal.
# Writes its section of bench/RESULTS.md, between <!-- copy-bench --> and
# <!-- /copy-bench --> (date, machine, commands, medians, ratio).
#
#   bench/copy_bench.sh [BUILD_DIR]
#
# BUILD_DIR holds a built rowferry (relative to the repository root or
# absolute); without it, build-bench is configured and built in Release.
# Environment: RF_BENCH_COPY_ROWS (100000), RF_BENCH_COPY_RUNS (9),
# RF_BENCH_SRV (servers to reuse or start, /tmp/rfbench-srv),
# RF_BENCH_KEEP_SERVERS=1 (leave servers it started running),
# RF_BENCH_RESULTS (bench/RESULTS.md).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=section.sh
. "$ROOT/bench/section.sh"
ROWS=${RF_BENCH_COPY_ROWS:-100000}
RUNS=${RF_BENCH_COPY_RUNS:-9}
SRV=${RF_BENCH_SRV:-/tmp/rfbench-srv}
RESULTS=${RF_BENCH_RESULTS:-$ROOT/bench/RESULTS.md}
KEEP_SERVERS=${RF_BENCH_KEEP_SERVERS:-0}
export LC_ALL=C.UTF-8 TZ=UTC PGTZ=UTC PGOPTIONS="-c client_min_messages=warning"

log() { printf '%s copy_bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 2; }

WORK=$(mktemp -d /tmp/rf_copy_bench_XXXXXX)
chmod 755 "$WORK"
STARTED_SERVERS=0
cleanup() {
	if [ "$STARTED_SERVERS" = 1 ] && [ "$KEEP_SERVERS" != 1 ]; then
		"$ROOT/tests/support/servers.sh" stop "$SRV" >&2 || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

for t in psql mariadb bc awk cmake; do
	command -v "$t" >/dev/null || die "$t is missing (scripts/install-deps.sh --bench)"
done

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

# ---------------------------------------------------------------- servers
servers_up() {
	[ -f "$SRV/env" ] || return 1
	# shellcheck disable=SC1091
	. "$SRV/env"
	psql -X -q -d "$RF_TEST_PG_URL" -c 'SELECT 1' >/dev/null 2>&1 &&
		mariadb --no-defaults -urowferry -p"$RF_TEST_MY_PASSWORD" --socket="$RF_TEST_MY_SOCKET" \
			-e 'SELECT 1' >/dev/null 2>&1
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
my() {
	mariadb --no-defaults -urowferry -p"$RF_TEST_MY_PASSWORD" --socket="$RF_TEST_MY_SOCKET" \
		--local-infile=1 -N -B "$@"
}
PG_DEV=${RF_TEST_PG_URL/\/rf_test\?//rfb_copy_dev?}
PG_PROD=${RF_TEST_PG_URL/\/rf_test\?//rfb_copy_prod?}
MY_DEV=${RF_TEST_MY_URL/\/rf_test\?//rfb_copy_dev?}
MY_PROD=${RF_TEST_MY_URL/\/rf_test\?//rfb_copy_prod?}

# ---------------------------------------------------------------- data
# 10 columns of the kinds a real table has: a bigint key, short texts, an
# integer, a decimal, JSON, an instant, a nullable note. Tab-separated with
# \N for NULL: the text format both COPY and LOAD DATA read.
log "generating $ROWS rows"
awk -v n="$ROWS" 'BEGIN {
	split("received printing printed shipped on_hold", st, " ");
	for (i = 1; i <= n; i++) {
		job = sprintf("%07d", int(i / 20));
		note = (i % 17 == 0) ? "\\N" : "note " i;
		printf "%d\t%s\tSF-%s-%02d\tSKU-%d\t%d\t%s\t%d.%02d\t{\"packs\": %d, \"finish\": \"matt\"}\t2026-01-%02d %02d:%02d:%02d\t%s\n",
			i, job, job, i % 20, i % 311, i % 50 + 1, st[i % 5 + 1], i % 1000, i % 100,
			i % 9, i % 28 + 1, i % 24, i % 60, (i * 7) % 60, note;
	}
}' >"$WORK/rows.tsv"

PG_TABLE="CREATE TABLE copy_bench (id bigint PRIMARY KEY, job_number text NOT NULL,
  order_ref text NOT NULL, sku text, qty integer, status text, price numeric(12,2),
  payload jsonb, created_at timestamptz, note text)"
MY_TABLE="CREATE TABLE copy_bench (id bigint PRIMARY KEY, job_number varchar(16) NOT NULL,
  order_ref varchar(32) NOT NULL, sku varchar(40), qty int, status varchar(20),
  price decimal(12,2), payload json, created_at datetime(6), note varchar(100))"
# the seed shape (DESIGN §9, job 0000065's case): the same columns and a
# GUID primary key the target's DEFAULT makes, left out of the copy
# (--exclude guid; the rows are matched by id): apply has to learn each
# inserted row's GUID for the journal
SEED_COLS="id, job_number, order_ref, sku, qty, status, price, payload, created_at, note"
PG_SEED=${PG_TABLE/copy_bench (id bigint PRIMARY KEY,/copy_seed (guid uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY, id bigint NOT NULL UNIQUE,}
MY_SEED=${MY_TABLE/copy_bench (id bigint PRIMARY KEY,/copy_seed (guid char(36) NOT NULL DEFAULT (uuid()) PRIMARY KEY, id bigint NOT NULL UNIQUE,}
log "loading the source tables"
for db in rfb_copy_dev rfb_copy_prod; do
	pg "$RF_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
	my -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
done
pg "$PG_DEV" -c "$PG_TABLE" -c "\\copy copy_bench FROM '$WORK/rows.tsv'" -c "ANALYZE copy_bench"
pg "$PG_PROD" -c "$PG_TABLE"
pg "$PG_DEV" -c "$PG_SEED" -c "\\copy copy_seed ($SEED_COLS) FROM '$WORK/rows.tsv'" -c "ANALYZE copy_seed"
pg "$PG_PROD" -c "$PG_SEED"
my rfb_copy_dev -e "$MY_TABLE; LOAD DATA LOCAL INFILE '$WORK/rows.tsv' INTO TABLE copy_bench; ANALYZE TABLE copy_bench" >/dev/null
my rfb_copy_prod -e "$MY_TABLE"
my rfb_copy_dev -e "$MY_SEED; LOAD DATA LOCAL INFILE '$WORK/rows.tsv' INTO TABLE copy_seed ($SEED_COLS); ANALYZE TABLE copy_seed" >/dev/null
my rfb_copy_prod -e "$MY_SEED"

# ---------------------------------------------------------------- runs
# Each run starts from an empty target table (prepare, not timed).
RF_ARGS="copy copy_bench --yes --undo-dir $WORK/undo"
PG_BULK="psql -X -q '$PG_PROD' -c \"\\copy copy_bench FROM '$WORK/rows.tsv'\""
PG_RF="'$RF' $RF_ARGS --from '$PG_DEV' --to '$PG_PROD'"
PG_EMPTY="psql -X -q '$PG_PROD' -c 'TRUNCATE copy_bench'; rm -rf '$WORK/undo'"
MY_BULK="mariadb --no-defaults -urowferry -p'$RF_TEST_MY_PASSWORD' --socket='$RF_TEST_MY_SOCKET' --local-infile=1 rfb_copy_prod -e \"LOAD DATA LOCAL INFILE '$WORK/rows.tsv' INTO TABLE copy_bench\""
MY_RF="'$RF' $RF_ARGS --from '$MY_DEV' --to '$MY_PROD'"
MY_EMPTY="mariadb --no-defaults -urowferry -p'$RF_TEST_MY_PASSWORD' --socket='$RF_TEST_MY_SOCKET' rfb_copy_prod -e 'TRUNCATE copy_bench'; rm -rf '$WORK/undo'"
SEED_ARGS="copy copy_seed --exclude guid --key id --yes --undo-dir $WORK/undo"
PG_SEED_BULK="psql -X -q '$PG_PROD' -c \"\\copy copy_seed ($SEED_COLS) FROM '$WORK/rows.tsv'\""
PG_SEED_RF="'$RF' $SEED_ARGS --from '$PG_DEV' --to '$PG_PROD'"
PG_SEED_EMPTY="psql -X -q '$PG_PROD' -c 'TRUNCATE copy_seed'; rm -rf '$WORK/undo'"
MY_SEED_BULK="mariadb --no-defaults -urowferry -p'$RF_TEST_MY_PASSWORD' --socket='$RF_TEST_MY_SOCKET' --local-infile=1 rfb_copy_prod -e \"LOAD DATA LOCAL INFILE '$WORK/rows.tsv' INTO TABLE copy_seed ($SEED_COLS)\""
MY_SEED_RF="'$RF' $SEED_ARGS --from '$MY_DEV' --to '$MY_PROD'"
MY_SEED_EMPTY="mariadb --no-defaults -urowferry -p'$RF_TEST_MY_PASSWORD' --socket='$RF_TEST_MY_SOCKET' rfb_copy_prod -e 'TRUNCATE copy_seed'; rm -rf '$WORK/undo'"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# Runs in pairs, bulk load then rowferry, each from an empty target (the
# TRUNCATE is not timed): a pair runs under the same machine load, so the
# ratio of each pair is the fair figure on a shared machine, where all of
# one command's runs and then all of the other's (hyperfine's order) would
# measure the load drifting as much as the programs.
now() { date +%s.%N; }
measure() { # NAME BULK RF EMPTY -> $WORK/NAME.tsv: bulk_s rowferry_s write_phase_s
	local i t0 t1 t1b t2 out
	log "$1: $RUNS pairs"
	: >"$WORK/$1.tsv"
	for i in $(seq 1 "$RUNS"); do
		bash -c "$4" >/dev/null 2>&1
		t0=$(now)
		bash -c "$2" >/dev/null 2>&1 || die "$1: the bulk load failed"
		t1=$(now)
		bash -c "$4" >/dev/null 2>&1
		t1b=$(now)
		out=$(bash -c "$3" 2>"$WORK/$1.err") || die "$1: rowferry copy failed: $(tail -n 3 "$WORK/$1.err")"
		t2=$(now)
		awk -v a="$t0" -v b="$t1" -v c="$t1b" -v d="$t2" \
			-v w="$(sed -n 's/.* in \([0-9.]*\) s$/\1/p' <<<"$out")" \
			'BEGIN {printf "%.3f %.3f %.2f\n", b - a, d - c, w}' >>"$WORK/$1.tsv"
	done
}
[ "${RF_BENCH_COPY_ONLY_SEED:-0}" = 1 ] || measure pg "$PG_BULK" "$PG_RF" "$PG_EMPTY"
[ "${RF_BENCH_COPY_ONLY_SEED:-0}" = 1 ] || measure my "$MY_BULK" "$MY_RF" "$MY_EMPTY"
measure pg_seed "$PG_SEED_BULK" "$PG_SEED_RF" "$PG_SEED_EMPTY"
measure my_seed "$MY_SEED_BULK" "$MY_SEED_RF" "$MY_SEED_EMPTY"
if [ "${RF_BENCH_COPY_ONLY_SEED:-0}" = 1 ]; then # a quick look, RESULTS.md untouched
	for n in pg_seed my_seed; do
		echo "$n (bulk s, rowferry s, write phase s; load $(cut -d' ' -f1-3 /proc/loadavg)):"
		cat "$WORK/$n.tsv"
	done
	exit 0
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# the copies were complete and right: the last run's target matches
bash -c "$PG_EMPTY; $PG_RF >/dev/null; $MY_EMPTY; $MY_RF >/dev/null"
pg_rows=$(psql -X -At "$PG_PROD" -c 'SELECT count(*) FROM copy_bench')
my_rows=$(my rfb_copy_prod -e 'SELECT count(*) FROM copy_bench')
"$RF" diff copy_bench --from "$PG_DEV" --to "$PG_PROD" --summary >/dev/null && pg_diff=empty || pg_diff=DIFFERS
"$RF" diff copy_bench --from "$MY_DEV" --to "$MY_PROD" --summary >/dev/null && my_diff=empty || my_diff=DIFFERS

# medians over the pairs: NAME COLUMN (1 bulk, 2 rowferry, 3 write phase,
# 4 bulk/rowferry of each pair)
median() {
	awk -v c="$2" '{v = c == 4 ? $1 / $2 : $c; print v}' "$WORK/$1.tsv" | sort -g |
		awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
row() { # ENGINE NAME BULK_LABEL
	printf '| %s | %s | %.3f s | %.3f s | %.2f | %s |\n' "$2" "$3" "$(median "$1" 1)" \
		"$(median "$1" 2)" "$(median "$1" 4)" \
		"$(echo "$(median "$1" 4) >= 0.5" | bc -l | sed 's/1/met/; s/0/not met/')"
}

sec=$WORK/section.md
{
	echo "<!-- copy-bench -->"
	echo "## copy of $ROWS rows vs the engine's bulk load ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
	echo
	echo "bench/copy_bench.sh, rowferry $("$RF" --version | cut -d' ' -f2) ($BUILD_TYPE build)."
	echo "Machine: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1), $(nproc) CPUs,"
	echo "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, Linux $(uname -r);"
	echo "$(psql -X -At "$PG_DEV" -c 'SHOW server_version' | cut -d' ' -f1) PostgreSQL,"
	echo "MariaDB $(my -e 'SELECT version()' | cut -d- -f1), both from tests/support/servers.sh"
	echo "(fsync off). Load average $LOAD_BEFORE before, $LOAD_AFTER after."
	echo
	echo "Table copy_bench: 10 columns (bigint primary key, texts, integer, decimal,"
	echo "JSON, timestamp, a nullable note), $ROWS rows; every run fills the empty"
	echo "target table, primary key in place. $RUNS pairs of runs, the bulk load then"
	echo "rowferry, back to back so both run under the same machine load (the"
	echo "TRUNCATE before each run is not timed); medians, and the ratio is the"
	echo "median of the pairs' ratios. rowferry's time is the whole"
	echo "command: connect, diff, preview warnings, then one transaction: the bulk"
	echo "load (COPY FROM STDIN / LOAD DATA LOCAL, as bulk_rows = 1000 makes it;"
	echo "the primary key is the match key, so the load is its own re-check of the"
	echo "keys), the journal (after-images from the values sent, built during the"
	echo "load: every column is sent and stored as sent), fsync, COMMIT."
	echo
	echo "| engine | bulk load | bulk median | rowferry copy median | speed ratio (bulk time / copy time, median of pairs) | target >= 0.5 |"
	echo "|---|---|---|---|---|---|"
	row pg PostgreSQL 'COPY FROM (psql \copy)'
	row my MariaDB 'LOAD DATA LOCAL INFILE'
	row pg_seed 'PostgreSQL, seed shape' 'COPY FROM (psql \copy)'
	row my_seed 'MariaDB, seed shape' 'LOAD DATA LOCAL INFILE'
	echo
	echo "Seed shape (DESIGN §9, job 0000065's case): table copy_seed, the same"
	echo "columns with id NOT NULL UNIQUE, and a GUID primary key the target's"
	echo "DEFAULT makes (gen_random_uuid() / uuid()); both sides load it without"
	echo "the GUID, rowferry with --exclude guid --key id. apply cannot predict the"
	echo "GUIDs: after the load it reads the inserted rows back (one scan of the"
	echo "table, which the diff found empty: no temporary table of their ids to"
	echo "join) and journals them."
	echo
	echo "The write phase alone (rowferry's own \"in X s\": the transaction, without"
	echo "connecting, diffing and the preview checks), median over the same runs:"
	printf 'PostgreSQL %s s (%.2fx bulk speed),\n' "$(median pg 3)" "$(echo "$(median pg 1) / $(median pg 3)" | bc -l)"
	printf 'MariaDB %s s (%.2fx bulk speed).\n' "$(median my 3)" "$(echo "$(median my 1) / $(median my 3)" | bc -l)"
	echo
	echo "Every pair (bulk s, rowferry s, write phase s):"
	echo
	echo '```'
	sed 's/^/PostgreSQL /' "$WORK/pg.tsv"
	sed 's/^/MariaDB    /' "$WORK/my.tsv"
	sed 's/^/PostgreSQL seed /' "$WORK/pg_seed.tsv"
	sed 's/^/MariaDB seed    /' "$WORK/my_seed.tsv"
	echo '```'
	echo
	echo "Checks after the last run: PostgreSQL $pg_rows rows, re-diff $pg_diff;"
	echo "MariaDB $my_rows rows, re-diff $my_diff."
	echo
	echo "Commands:"
	echo
	echo '```'
	echo "psql -X -q PROD -c \"\\copy copy_bench FROM 'rows.tsv'\""
	echo "rowferry copy copy_bench --from PG_DEV --to PG_PROD --yes --undo-dir DIR"
	echo "mariadb --local-infile=1 rfb_copy_prod -e \"LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE copy_bench\""
	echo "rowferry copy copy_bench --from MY_DEV --to MY_PROD --yes --undo-dir DIR"
	echo "psql -X -q PROD -c \"\\copy copy_seed ($SEED_COLS) FROM 'rows.tsv'\""
	echo "rowferry copy copy_seed --exclude guid --key id --from PG_DEV --to PG_PROD --yes --undo-dir DIR"
	echo "mariadb --local-infile=1 rfb_copy_prod -e \"LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE copy_seed ($SEED_COLS)\""
	echo "rowferry copy copy_seed --exclude guid --key id --from MY_DEV --to MY_PROD --yes --undo-dir DIR"
	echo '```'
	echo "<!-- /copy-bench -->"
} | tee "$sec"

# this bench's section of RESULTS.md is replaced; the rest stays
replace_section copy-bench "$sec" "$RESULTS"
log "wrote its section of $RESULTS"
