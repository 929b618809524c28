#!/bin/bash
# diff_bench.sh - `rowferry diff` on a 1M-row table against its peers, in one
# run (DESIGN §9): the COPY read limit on PostgreSQL, sqldiff on SQLite,
# pt-table-sync on MariaDB; peak RSS; a targeted 20-row diff; and a check
# that the diff finds exactly the planted differences. Writes its section of
# bench/RESULTS.md (between <!-- diff-bench --> and <!-- /diff-bench -->).
#
#   bench/diff_bench.sh [--data-only] [BUILD_DIR]
#
# BUILD_DIR (relative to the repository root; default build-bench) is built
# incrementally, and configured in Release first when it is new. See
# bench/README.md for the environment variables (rows, runs, cache, servers).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
ROWS=${RF_BENCH_ROWS:-1000000}
RUNS_FAST=${RF_BENCH_RUNS_FAST:-5}      # rowferry, COPY, sqldiff: seconds each
RUNS_SLOW=${RF_BENCH_RUNS_SLOW:-3}      # MariaDB full diffs, pt-table-sync: 20 s to minutes each
RUNS_TARGETED=${RF_BENCH_RUNS_TARGETED:-40}
SRV=${RF_BENCH_SRV:-/tmp/rfbench-srv}
CACHE=${RF_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rowferry-bench}
RESULTS=${RF_BENCH_RESULTS:-$BENCH/RESULTS.md}
KEEP_SERVERS=${RF_BENCH_KEEP_SERVERS:-0}
PT_DEFAULT=${RF_BENCH_PT_DEFAULT:-0}     # also time pt-table-sync's own index choice (slow)
MY_POOL=${RF_BENCH_MY_POOL:-1G}         # MariaDB's innodb_buffer_pool_size for the bench (see README)
JOB=${RF_BENCH_JOB:-0000065}            # the job of the targeted diff (20 rows)
TABLE=siteflow_orders
DATA_VERSION=1
COLS="guid, job_number, order_ref, sku, qty, status, price, payload, created_at, updated_at"
export LC_ALL=C.UTF-8

log() { printf '%s diff_bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 2; }

# ---------------------------------------------------------------- tools
need_tools() {
	local t missing=""
	for t in psql mariadb sqlite3 sqldiff pt-table-sync hyperfine jq /usr/bin/time cmake; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	perl -MDBD::mysql -e1 2>/dev/null || missing="$missing DBD::mysql"
	if [ -n "$missing" ]; then
		log "missing:$missing; running scripts/install-deps.sh --bench"
		"$ROOT/scripts/install-deps.sh" --bench || die "cannot install:$missing"
	fi
}

# ---------------------------------------------------------------- build
RF=""
RF_BUILD_NOTE=""
build_rowferry() {
	local dir=${1:-build-bench}
	case $dir in /*) ;; *) dir=$ROOT/$dir ;; esac
	log "building rowferry in $dir"
	if [ ! -f "$dir/CMakeCache.txt" ]; then
		cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release >"$WORK/build.log" 2>&1 ||
			{ RF_BUILD_NOTE="cmake failed: $(grep -m1 -i error "$WORK/build.log")"; log "$RF_BUILD_NOTE"; }
	fi
	# incremental: a no-op when `make bench` has just built it
	if ! cmake --build "$dir" -j"$(nproc)" --target rowferry >>"$WORK/build.log" 2>&1; then
		local why
		why=$(grep -m1 -E 'error|Error' "$WORK/build.log" || tail -n1 "$WORK/build.log")
		if [ -x "$dir/rowferry" ]; then
			RF_BUILD_NOTE="the build failed ($why); measured the binary of an earlier build ($(date -r "$dir/rowferry" '+%Y-%m-%d %H:%M'))"
		else
			RF_BUILD_NOTE="the build failed: $why"
			log "rowferry: $RF_BUILD_NOTE (the peers are still measured)"
			return 0
		fi
		log "rowferry: $RF_BUILD_NOTE"
	fi
	RF=$dir/rowferry
	RF_BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$dir/CMakeCache.txt" 2>/dev/null || true)
	[ "$RF_BUILD_TYPE" = Release ] || log "warning: $dir is a ${RF_BUILD_TYPE:-?} build, not Release"
}

# ---------------------------------------------------------------- servers
STARTED_SERVERS=0
servers_up() {
	[ -f "$SRV/env" ] || return 1
	# shellcheck disable=SC1091
	. "$SRV/env"
	psql -X -q -d "$RF_TEST_PG_DEV_URL" -c 'SELECT 1' >/dev/null 2>&1 &&
		mariadb --no-defaults -urowferry -p"$RF_TEST_MY_PASSWORD" --socket="$RF_TEST_MY_SOCKET" \
			-e 'SELECT 1' >/dev/null 2>&1
}
start_servers() {
	if servers_up; then
		log "reusing the servers in $SRV"
		return
	fi
	log "starting PostgreSQL and MariaDB in $SRV"
	# from / : as root the servers run as postgres/mysql, who cannot enter $WORK
	(cd / && "$ROOT/tests/support/servers.sh" start "$SRV") >&2
	STARTED_SERVERS=1
	servers_up || die "servers in $SRV do not answer"
}
# The test servers' 256 MiB InnoDB buffer pool (tests/support/servers.sh)
# holds neither of the bench's 337 MiB tables, and InnoDB reads with
# O_DIRECT, past the OS cache that PostgreSQL and SQLite read through: every
# MariaDB diff (rowferry's and pt-table-sync's alike) would read both tables
# from disk. A server sized for its data holds them: resized online, for
# both tools, to MY_POOL (RF_BENCH_MY_POOL=256M keeps the test setting).
size_pool() {
	local want have
	[[ $MY_POOL =~ ^[0-9]+[KMG]?$ ]] || die "RF_BENCH_MY_POOL=$MY_POOL: a size like 1G or 256M"
	want=$(numfmt --from=iec "$MY_POOL")
	# online; the statement returns when the pool has its new size
	my -e "SET GLOBAL innodb_buffer_pool_size = $want" ||
		die "cannot set innodb_buffer_pool_size to $MY_POOL"
	have=$(my -e "SELECT @@innodb_buffer_pool_size")
	MY_POOL_NOTE=$(numfmt --to=iec "$have")
	log "MariaDB innodb_buffer_pool_size: $MY_POOL_NOTE"
}
stop_servers() {
	if [ "$STARTED_SERVERS" = 1 ] && [ "$KEEP_SERVERS" != 1 ]; then
		log "stopping the servers in $SRV"
		(cd / && "$ROOT/tests/support/servers.sh" stop "$SRV") >&2 || true
	fi
}

# ---------------------------------------------------------------- data
# The data is a function of diff_gen.sql and ROWS; STAMP names that version
# and marks every copy of it (CSV cache, SQLite files, a table COMMENT in
# PostgreSQL and MariaDB), so each is rebuilt only when it is missing or stale.
STAMP=""
pg() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -d "$1" "${@:2}"; }
my() {
	mariadb --no-defaults -urowferry -p"$RF_TEST_MY_PASSWORD" --socket="$RF_TEST_MY_SOCKET" \
		--local-infile=1 -N -B "$@"
}

make_csv() {
	# bump DATA_VERSION when a create_* function below changes
	STAMP="rowferry-bench v$DATA_VERSION $(md5sum <"$BENCH/diff_gen.sql" | cut -c1-12) rows=$ROWS"
	mkdir -p "$CACHE"
	if [ -f "$CACHE/stamp" ] && [ "$(cat "$CACHE/stamp")" = "$STAMP" ] &&
		[ -s "$CACHE/dev.csv" ] && [ -s "$CACHE/prod.csv" ]; then
		log "using the cached CSV in $CACHE"
		return
	fi
	rm -f "$CACHE"/*.csv "$CACHE"/*.db "$CACHE/stamp"
	log "generating $ROWS rows (dev and prod CSV) in $CACHE"
	local side
	for side in dev prod; do
		pg "$RF_TEST_PG_URL" -v n="$ROWS" -v side=$side -f "$BENCH/diff_gen.sql" >"$CACHE/$side.csv.tmp" &
	done
	wait_all
	for side in dev prod; do mv "$CACHE/$side.csv.tmp" "$CACHE/$side.csv"; done
	echo "$STAMP" >"$CACHE/stamp"
}

wait_all() { # waits for every background job, failing if one failed
	local p rc=0
	for p in $(jobs -p); do wait "$p" || rc=$?; done
	[ "$rc" = 0 ] || die "a background step failed (exit $rc)"
}

create_pg() { # create_pg URL CSV
	pg "$1" <<SQL
DROP TABLE IF EXISTS $TABLE;
CREATE TABLE $TABLE (
  guid       uuid          NOT NULL,
  job_number varchar(7)    NOT NULL,
  order_ref  varchar(16)   NOT NULL,
  sku        varchar(32)   NOT NULL,
  qty        integer       NOT NULL,
  status     varchar(16)   NOT NULL,
  price      numeric(12,2) NOT NULL,
  payload    json,
  created_at timestamp     NOT NULL,
  updated_at timestamp     NOT NULL
);
\\copy $TABLE FROM '$2' WITH (FORMAT csv)
ALTER TABLE $TABLE ADD PRIMARY KEY (job_number, order_ref);
CREATE UNIQUE INDEX ${TABLE}_guid ON $TABLE (guid);
VACUUM (FREEZE, ANALYZE) $TABLE;
COMMENT ON TABLE $TABLE IS '$STAMP';
SQL
}

create_my() { # create_my DB CSV
	my "$1" <<SQL
DROP TABLE IF EXISTS $TABLE;
CREATE TABLE $TABLE (
  guid       CHAR(36)      NOT NULL,
  job_number VARCHAR(7)    NOT NULL,
  order_ref  VARCHAR(16)   NOT NULL,
  sku        VARCHAR(32)   NOT NULL,
  qty        INT           NOT NULL,
  status     VARCHAR(16)   NOT NULL,
  price      DECIMAL(12,2) NOT NULL,
  payload    JSON,
  created_at DATETIME(6)   NOT NULL,
  updated_at DATETIME(6)   NOT NULL,
  PRIMARY KEY (job_number, order_ref),
  UNIQUE KEY ${TABLE}_guid (guid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='$STAMP';
SET unique_checks = 0;
LOAD DATA LOCAL INFILE '$2' INTO TABLE $TABLE CHARACTER SET utf8mb4
  FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' ESCAPED BY ''
  LINES TERMINATED BY '\\n'
  (guid, job_number, order_ref, sku, qty, status, price, @payload, created_at, updated_at)
  SET payload = NULLIF(@payload, '');
ANALYZE TABLE $TABLE;
SQL
}

create_sqlite() { # create_sqlite FILE CSV
	rm -f "$1" "$1.tmp"
	sqlite3 -bail "$1.tmp" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TEMP TABLE load (guid, job_number, order_ref, sku, qty, status, price, payload,
                        created_at, updated_at);
.import --csv '$2' load
CREATE TABLE $TABLE (
  guid       TEXT          NOT NULL UNIQUE,
  job_number TEXT          NOT NULL,
  order_ref  TEXT          NOT NULL,
  sku        TEXT          NOT NULL,
  qty        INTEGER       NOT NULL,
  status     TEXT          NOT NULL,
  price      DECIMAL(12,2) NOT NULL,
  payload    TEXT,
  created_at TIMESTAMP     NOT NULL,
  updated_at TIMESTAMP     NOT NULL,
  PRIMARY KEY (job_number, order_ref)
);
INSERT INTO $TABLE SELECT guid, job_number, order_ref, sku, qty, status, price,
  NULLIF(payload, ''), created_at, updated_at FROM load ORDER BY job_number, order_ref;
DROP TABLE load;
CREATE TABLE bench_stamp (stamp TEXT);
INSERT INTO bench_stamp VALUES ('$STAMP');
ANALYZE;
SQL
	sqlite3 "$1.tmp" 'PRAGMA journal_mode = DELETE; VACUUM;' >/dev/null
	mv "$1.tmp" "$1"
}

load_data() {
	local side have
	make_csv
	for side in dev prod; do
		have=$(pg "${PG_URL[$side]}" -At -c "SELECT obj_description('$TABLE'::regclass)" 2>/dev/null || true)
		if [ "$have" != "$STAMP" ]; then
			log "loading PostgreSQL rf_$side"
			create_pg "${PG_URL[$side]}" "$CACHE/$side.csv" &
		fi
	done
	for side in dev prod; do
		have=$(my -e "SELECT TABLE_COMMENT FROM information_schema.TABLES
		              WHERE TABLE_SCHEMA = 'rf_$side' AND TABLE_NAME = '$TABLE'" 2>/dev/null || true)
		if [ "$have" != "$STAMP" ]; then
			log "loading MariaDB rf_$side"
			create_my "rf_$side" "$CACHE/$side.csv" >/dev/null &
		fi
	done
	wait_all
	for side in dev prod; do
		have=$(sqlite3 "$CACHE/$side.db" 'SELECT stamp FROM bench_stamp' 2>/dev/null || true)
		if [ "$have" != "$STAMP" ]; then
			log "building SQLite $CACHE/$side.db"
			create_sqlite "$CACHE/$side.db" "$CACHE/$side.csv" >/dev/null &
		fi
	done
	wait_all
	# what was planted, counted from the data itself (and checked against
	# the design of diff_gen.sql: 0.2% missing, 0.1% changed)
	N_DEV=$(pg "${PG_URL[dev]}" -At -c "SELECT count(*) FROM $TABLE")
	N_PROD=$(pg "${PG_URL[prod]}" -At -c "SELECT count(*) FROM $TABLE")
	PLANT_MISSING=$((N_DEV - N_PROD))
	PLANT_CHANGED=$(((ROWS - 457 + 999) / 1000))
	PLANT_IDENTICAL=$((N_PROD - PLANT_CHANGED))
	log "data: dev $N_DEV rows, prod $N_PROD rows; planted $PLANT_MISSING only_source, $PLANT_CHANGED changed"
	local e n
	for e in "MariaDB rf_dev:$(my rf_dev -e "SELECT count(*) FROM $TABLE")" \
		"MariaDB rf_prod:$(my rf_prod -e "SELECT count(*) FROM $TABLE")" \
		"SQLite dev.db:$(sqlite3 "$CACHE/dev.db" "SELECT count(*) FROM $TABLE")" \
		"SQLite prod.db:$(sqlite3 "$CACHE/prod.db" "SELECT count(*) FROM $TABLE")"; do
		n=${e##*:}
		case $e in *dev*) [ "$n" = "$N_DEV" ] ;; *) [ "$n" = "$N_PROD" ] ;; esac ||
			die "${e%%:*} has $n rows, PostgreSQL has $N_DEV/$N_PROD: delete $CACHE and rerun"
	done
}

# ---------------------------------------------------------------- timing
# Each timed command is a small script in $WORK/cmd so that hyperfine, the
# RSS wrapper and the report all see the same command line.
declare -A PG_URL MY_URL SQ_URL CMDLINE
mkcmd() { # mkcmd NAME 'COMMAND LINE' : writes $WORK/cmd/NAME
	CMDLINE[$1]=$2
	printf '#!/bin/bash\n%s\n' "$2" >"$WORK/cmd/$1"
	chmod +x "$WORK/cmd/$1"
}

# hyperfine_run NAME RUNS WARMUP : times $WORK/cmd/NAME into $WORK/NAME.json;
# every run also appends its peak RSS (KiB) to $WORK/NAME.rss.
hyperfine_run() {
	local name=$1 runs=$2 warmup=$3
	log "timing $name ($runs runs)"
	hyperfine -N -i --style basic --runs "$runs" --warmup "$warmup" \
		--export-json "$WORK/$name.json" --command-name "$name" \
		"/usr/bin/time -a -o $WORK/$name.rss -f %M $WORK/cmd/$name" >"$WORK/$name.hf.txt" 2>&1 ||
		{ log "hyperfine failed for $name: $(tail -n3 "$WORK/$name.hf.txt")"; return 0; }
}
# the same without the RSS wrapper, for the runs that take milliseconds
hyperfine_quick() {
	local name=$1 runs=$2 warmup=$3
	log "timing $name ($runs runs)"
	hyperfine -N -i --style basic --runs "$runs" --warmup "$warmup" \
		--export-json "$WORK/$name.json" --command-name "$name" \
		"${CMDLINE[$name]}" >"$WORK/$name.hf.txt" 2>&1 ||
		{ log "hyperfine failed for $name: $(tail -n3 "$WORK/$name.hf.txt")"; return 0; }
}

median() { # median NAME -> seconds, or empty
	[ -s "$WORK/$1.json" ] && jq -r '.results[0].median' "$WORK/$1.json" || true
}
runs_of() { [ -s "$WORK/$1.json" ] && jq -r '.results[0].times | length' "$WORK/$1.json" || echo 0; }
rss_max() { # rss_max NAME -> MiB (max over the runs), or empty
	[ -s "$WORK/$1.rss" ] && grep -E '^[0-9]+$' "$WORK/$1.rss" | sort -n | tail -n1 |
		awk '{printf "%.1f", $1 / 1024}' || true
}

# rf_check ENGINE NAME : one run of the full diff outside hyperfine: exit
# code, summary counts and peak RSS, compared with what was planted.
declare -A RF_RC RF_OUT RF_OK RF_RSS1 RF_ALGO RF_RECV
rf_check() {
	local e=$1 name=$2 rc=0 out
	log "checking $name"
	/usr/bin/time -o "$WORK/$name.check.rss" -f %M "$WORK/cmd/$name" >"$WORK/$name.out" \
		2>"$WORK/$name.err" || rc=$?
	out=$(tr -s '\n' ' ' <"$WORK/$name.out" | sed 's/ $//')
	RF_RC[$e]=$rc
	RF_OUT[$e]=$out
	RF_RSS1[$e]=$(grep -E '^[0-9]+$' "$WORK/$name.check.rss" | awk '{printf "%.1f", $1 / 1024}')
	# stderr: "rowferry: diff T: algorithm A[ (why)]; received N rows, M bytes"
	RF_ALGO[$e]=$(sed -n 's/^rowferry: diff [^:]*: \(algorithm .*\); received .*/\1/p' "$WORK/$name.err" | head -n1)
	RF_RECV[$e]=$(sed -n 's/^rowferry: diff [^:]*: algorithm .*; received \(.*\)$/\1/p' "$WORK/$name.err" | head -n1)
	local want="$PLANT_MISSING only in source, 0 only in target, $PLANT_CHANGED changed, $PLANT_IDENTICAL identical"
	if [ "$rc" = 1 ] && grep -qF "$want" "$WORK/$name.out"; then
		RF_OK[$e]=yes
	else
		RF_OK[$e]=no
		[ -s "$WORK/$name.err" ] && RF_OUT[$e]="$out (stderr: $(head -c 300 "$WORK/$name.err" | tr '\n' ' '))"
		log "$name: exit $rc, output: ${RF_OUT[$e]}"
	fi
}

# ---------------------------------------------------------------- main
main() {
	local build_dir="" data_only=0
	while [ $# -gt 0 ]; do
		case $1 in
		--data-only) data_only=1 ;;
		-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d;s/^# \{0,1\}//'; exit 0 ;;
		-*) die "unknown option $1 (usage: diff_bench.sh [--data-only] [BUILD_DIR])" ;;
		*) build_dir=$1 ;;
		esac
		shift
	done
	WORK=$(mktemp -d /tmp/rfbench-run.XXXXXX)
	mkdir -p "$WORK/cmd" "$WORK/xdg"
	# no user config.ini: rowferry looks in the working directory and XDG
	cd "$WORK"
	export XDG_CONFIG_HOME=$WORK/xdg XDG_STATE_HOME=$WORK/xdg XDG_DATA_HOME=$WORK/xdg
	trap 'stop_servers' EXIT
	local t0=$SECONDS
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

	need_tools
	[ "$data_only" = 1 ] || build_rowferry "$build_dir"
	start_servers
	size_pool
	PG_URL[dev]=$RF_TEST_PG_DEV_URL PG_URL[prod]=$RF_TEST_PG_PROD_URL
	MY_URL[dev]=$RF_TEST_MY_DEV_URL MY_URL[prod]=$RF_TEST_MY_PROD_URL
	SQ_URL[dev]=sqlite:$CACHE/dev.db SQ_URL[prod]=sqlite:$CACHE/prod.db
	load_data
	local tload=$((SECONDS - t0))
	if [ "$data_only" = 1 ]; then
		log "data ready in ${tload}s"
		return
	fi

	# the peers
	local q="COPY (SELECT $COLS FROM $TABLE ORDER BY job_number COLLATE \\\"C\\\", order_ref COLLATE \\\"C\\\") TO STDOUT"
	mkcmd pg_copy "/usr/bin/time -a -o $WORK/pg_copy.psql.rss -f %M psql -X -q -d '${PG_URL[dev]}' -c \"$q\" >/dev/null & a=\$!
/usr/bin/time -a -o $WORK/pg_copy.psql.rss -f %M psql -X -q -d '${PG_URL[prod]}' -c \"$q\" >/dev/null & b=\$!
wait \$a; ra=\$?; wait \$b; rb=\$?; exit \$((ra | rb))"
	mkcmd sq_sqldiff "sqldiff --primarykey --table $TABLE '$CACHE/dev.db' '$CACHE/prod.db' >$WORK/sqldiff.sql"
	local dsn="h=localhost,S=$RF_TEST_MY_SOCKET,u=rowferry,p=$RF_TEST_MY_PASSWORD,D=rf_dev,t=$TABLE D=rf_prod,t=$TABLE"
	# by the natural key, as rowferry matches rows (see README: left to
	# itself pt-table-sync chunks on the guid index, ~13 min a run)
	mkcmd my_ptsync "pt-table-sync --print --ignore-columns guid --chunk-index PRIMARY $dsn >$WORK/ptsync.sql"
	[ "$PT_DEFAULT" = 1 ] && mkcmd my_ptsync_default "pt-table-sync --print --ignore-columns guid $dsn >$WORK/ptsync_default.sql"

	# rowferry: the full diffs (the same command on every engine; on MariaDB
	# also with --exclude guid, the like-for-like of --ignore-columns guid)
	local e
	if [ -n "$RF" ]; then
		local from to
		for e in pg my sq; do
			case $e in
			pg) from=${PG_URL[dev]} to=${PG_URL[prod]} ;;
			my) from=${MY_URL[dev]} to=${MY_URL[prod]} ;;
			sq) from=${SQ_URL[dev]} to=${SQ_URL[prod]} ;;
			esac
			mkcmd "${e}_rowferry" "$RF diff $TABLE --from '$from' --to '$to' --algorithm stream --summary"
			mkcmd "${e}_hash" "$RF diff $TABLE --from '$from' --to '$to' --algorithm hash --summary"
			mkcmd "${e}_targeted" "$RF diff $TABLE --from '$from' --to '$to' --where \"job_number = '$JOB'\" --summary"
		done
		mkcmd my_rowferry_x "$RF diff $TABLE --from '${MY_URL[dev]}' --to '${MY_URL[prod]}' --exclude guid --algorithm stream --summary"
		mkcmd my_hash_x "$RF diff $TABLE --from '${MY_URL[dev]}' --to '${MY_URL[prod]}' --exclude guid --algorithm hash --summary"
		for e in pg sq my; do
			rf_check "$e" "${e}_rowferry"
			rf_check "${e}_h" "${e}_hash"
		done
		rf_check my_x my_rowferry_x
		rf_check my_x_h my_hash_x
	fi

	# PostgreSQL
	hyperfine_run pg_copy "$RUNS_FAST" 1
	[ "${RF_OK[pg]:-}" = yes ] && hyperfine_run pg_rowferry "$RUNS_FAST" 0
	[ "${RF_OK[pg_h]:-}" = yes ] && hyperfine_run pg_hash "$RUNS_SLOW" 0
	# SQLite
	hyperfine_run sq_sqldiff "$RUNS_FAST" 1
	[ "${RF_OK[sq]:-}" = yes ] && hyperfine_run sq_rowferry "$RUNS_FAST" 0
	[ "${RF_OK[sq_h]:-}" = yes ] && hyperfine_run sq_hash "$RUNS_SLOW" 0
	# MariaDB
	[ "${RF_OK[my_x]:-}" = yes ] && hyperfine_run my_rowferry_x "$RUNS_SLOW" 0
	[ "${RF_OK[my]:-}" = yes ] && hyperfine_run my_rowferry "$RUNS_SLOW" 0
	[ "${RF_OK[my_x_h]:-}" = yes ] && hyperfine_run my_hash_x "$RUNS_SLOW" 0
	[ "${RF_OK[my_h]:-}" = yes ] && hyperfine_run my_hash "$RUNS_SLOW" 0
	hyperfine_run my_ptsync "$RUNS_SLOW" 0
	[ "$PT_DEFAULT" = 1 ] && hyperfine_run my_ptsync_default 1 0
	# targeted, connection included
	if [ -n "$RF" ]; then
		for e in pg my sq; do
			local rc=0
			"$WORK/cmd/${e}_targeted" >"$WORK/${e}_targeted.out" 2>&1 || rc=$?
			RF_RC[${e}_t]=$rc
			RF_OUT[${e}_t]=$(tr -s '\n' ' ' <"$WORK/${e}_targeted.out" | sed 's/ $//')
			if [ "$rc" = 1 ]; then hyperfine_quick "${e}_targeted" "$RUNS_TARGETED" 3; fi
		done
	fi

	TOTAL=$((SECONDS - t0))
	TLOAD=$tload
	. "$BENCH/section.sh"
	. "$BENCH/diff_report.sh"
	write_report
	log "done in ${TOTAL}s; results in $RESULTS (raw: $WORK)"
	# a wrong diff is a bug: fail; missed speed targets are only reported
	for e in pg my my_x sq pg_h my_h my_x_h sq_h; do
		if [ -n "$RF" ] && [ "${RF_OK[$e]:-}" != yes ]; then
			log "rowferry's diff ($e) did not find the planted differences"
			exit 1
		fi
	done
}

# on one line, so that editing this file while it runs cannot change the run
main "$@"; exit $?
