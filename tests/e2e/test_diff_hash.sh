#!/bin/bash
# DESIGN §14's invariant: `diff --algorithm hash` and `--algorithm stream`
# give byte-identical --format json output, for every engine pair, on
# randomized planted differences (seeded: RF_HASH_SEED, RF_HASH_ROWS):
# missing rows on both sides, changed values in each type class, NULL vs
# '', trailing zeros, UUID case, JSON key order, timestamps with and
# without fractions, text keys that sort differently under common
# collations. A small [diff] hash_segment_rows makes the hash diff cut
# segments several levels deep. Tables whose types SQL cannot normalize on
# both engines (float, json) fall back to stream, say so, and are identical.
. "$(dirname "$0")/lib.sh"

PGD=$RF_TEST_PG_DEV_URL PGP=$RF_TEST_PG_PROD_URL
MYD=$RF_TEST_MY_DEV_URL MYP=$RF_TEST_MY_PROD_URL
SQD=$T/dev.db SQP=$T/prod.db
SEED=${RF_HASH_SEED:-15}
N=${RF_HASH_ROWS:-3000}
echo "# seed $SEED, $N rows"

cat >"$T/config.ini" <<EOF
[diff]
hash_segment_rows = 8
EOF
export ROWFERRY_CONFIG=$T/config.ini

for t in hash_t hash_tk hash_fb hash_mk; do
	for u in "$PGD" "$PGP"; do pg "$u" "DROP TABLE IF EXISTS $t" >/dev/null; done
	for u in "$MYD" "$MYP"; do my "$u" "DROP TABLE IF EXISTS $t"; done
done

# ddl ENGINE: the three tables in the engine's types
ddl() {
	case $1 in
	pg) echo "CREATE TABLE hash_t (id INTEGER PRIMARY KEY, n BIGINT, dec NUMERIC(12,3),
	      txt VARCHAR(40), flag BOOLEAN, day DATE, ts TIMESTAMP(6), bin BYTEA);
	    CREATE TABLE hash_tk (k VARCHAR(40) PRIMARY KEY, v INTEGER, note TEXT);
	    CREATE TABLE hash_fb (id INTEGER PRIMARY KEY, f DOUBLE PRECISION, j JSON, u UUID);
	    CREATE TABLE hash_mk (grp VARCHAR(10) NOT NULL, seq INTEGER NOT NULL, v INTEGER,
	      note TEXT, PRIMARY KEY (grp, seq));" ;;
	my) echo "CREATE TABLE hash_t (id INTEGER PRIMARY KEY, n BIGINT, \`dec\` DECIMAL(12,3),
	      txt VARCHAR(40), flag BOOLEAN, day DATE, ts DATETIME(6), bin VARBINARY(16));
	    CREATE TABLE hash_tk (k VARCHAR(40) PRIMARY KEY, v INTEGER, note TEXT);
	    CREATE TABLE hash_fb (id INTEGER PRIMARY KEY, f DOUBLE, j JSON, u CHAR(36));
	    CREATE TABLE hash_mk (grp VARCHAR(10) NOT NULL, seq INTEGER NOT NULL, v INTEGER,
	      note TEXT, PRIMARY KEY (grp, seq));" ;;
	sq) echo "CREATE TABLE hash_t (id INTEGER PRIMARY KEY, n BIGINT, dec NUMERIC(12,3),
	      txt VARCHAR(40), flag BOOLEAN, day DATE, ts TIMESTAMP, bin BLOB);
	    CREATE TABLE hash_tk (k VARCHAR(40) NOT NULL PRIMARY KEY, v INTEGER, note TEXT);
	    CREATE TABLE hash_fb (id INTEGER PRIMARY KEY, f REAL, j JSON, u UUID);
	    CREATE TABLE hash_mk (grp VARCHAR(10) NOT NULL, seq INTEGER NOT NULL, v INTEGER,
	      note TEXT, PRIMARY KEY (grp, seq));" ;;
	esac
}

# rows SIDE ENGINE: INSERTs of the seeded rows as SIDE (dev|prod) holds
# them. Each row's fate is drawn from the seed, the same for both sides:
# only in dev, only in prod, a value changed in prod (one class at a time),
# or the same value spelled differently (trailing zeros, a timestamp
# without its zero fraction, UUID case, JSON key order), or NULL vs ''.
rows() {
	awk -v side="$1" -v eng="$2" -v seed="$SEED" -v n="$N" '
	function q(s) { gsub(/\047/, "\047\047", s); return "\047" s "\047" }
	function bin(h) { return eng == "pg" ? "decode(\047" h "\047, \047hex\047)" : "X\047" h "\047" }
	function flush(t) { if (buf[t] != "") { print "INSERT INTO " t " VALUES " buf[t] ";"; buf[t] = "" } }
	function add(t, v) { buf[t] = buf[t] (buf[t] == "" ? "" : ",\n") "(" v ")"; if (++cnt[t] % 200 == 0) flush(t) }
	BEGIN {
		srand(seed)
		split("a B \303\251 _ Z z~ \303\204 0 a_b", pre, " ")
		for (i = 1; i <= n; i++) {
			fate = rand(); which = int(rand() * 8); r1 = rand(); r2 = rand()
			if ((fate < 0.01 && side == "dev") || (fate >= 0.01 && fate < 0.02 && side == "prod"))
				continue
			id = i * 3
			nn = int(r1 * 1000000) - 500000
			dec = sprintf("%.3f", r2 * 1000)
			txt = "t" i
			flag = (i % 2) ? "TRUE" : "FALSE"
			day = sprintf("2026-%02d-%02d", 1 + i % 12, 1 + i % 28)
			ts = sprintf("2026-%02d-%02d %02d:%02d:%02d.%06d", 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60, (i * 13) % 1000000)
			hex = sprintf("%08x%02x", i * 2654435761 % 4294967296, i % 256)
			f = sprintf("%.2f", r1 * 100)
			j = "{\"a\": " i ", \"b\": \"x\"}"
			u = sprintf("%08x-1234-4abc-9def-%012x", i, i * 7)
			note = "n" i
			changed = fate >= 0.02 && fate < 0.06 && side == "prod"
			respelt = fate >= 0.06 && fate < 0.10 && side == "prod"
			if (changed) {
				if (which == 0) nn = nn + 1
				else if (which == 1) dec = sprintf("%.3f", dec + 0.001)
				else if (which == 2) txt = txt "x"
				else if (which == 3) flag = (flag == "TRUE") ? "FALSE" : "TRUE"
				else if (which == 4) day = "2025-12-31"
				else if (which == 5) ts = substr(ts, 1, 19) ".000001"
				else if (which == 6) hex = hex "00"
				else { txt = "NULLTXT"; note = "" }
				if (which < 4) f = f + 1
				if (which == 4) j = "{\"a\": " i ", \"b\": \"y\"}"
				if (which == 5) u = "00000000-0000-4000-8000-000000000000"
			}
			if (respelt) {
				dec = sprintf("%.1f", dec)           # 12.500 -> 12.5
				if (which < 4) ts = substr(ts, 1, 19) "." sprintf("%06d", substr(ts, 21) + 0)
				else ts = substr(ts, 1, 19)        # the fraction dropped: a change
				u = toupper(u)                     # same uuid
				j = "{\"b\": \"x\", \"a\": " i "}" # same json
			}
			# NULL vs the empty string: dev NULL, prod empty, one row in 50
			if (i % 50 == 7) txt = side == "dev" ? "NULLTXT" : ""
			txtv = txt == "NULLTXT" ? "NULL" : q(txt)
			add("hash_t", id ", " nn ", " dec ", " txtv ", " flag ", " q(day) ", " q(ts) ", " bin(hex))
			k = pre[1 + i % 9] sprintf("%05d", i)
			notev = (note == "" && side == "prod") ? "NULL" : q(note)
			add("hash_tk", q(k) ", " (changed && which == 0 ? i + 1 : i) ", " notev)
			add("hash_fb", id ", " f ", " q(j) ", " q(u))
			# a two-column key, its text column in an order collations disagree on
			# (a and Ä are one under MariaDB utf8mb4_general_ci: their seq differ)
			add("hash_mk", q(pre[1 + i % 9]) ", " (int(i / 9) * 2 + (i % 9 == 6)) ", " (changed && which == 1 ? i + 1 : i) ", " notev)
		}
		flush("hash_t"); flush("hash_tk"); flush("hash_fb"); flush("hash_mk")
	}'
}

load() { # ENGINE SIDE TARGET
	{ ddl "$1"; rows "$2" "$1"; } >"$T/$1_$2.sql"
	case $1 in
	pg) pgf "$3" <"$T/$1_$2.sql" ;;
	my) myf "$3" <"$T/$1_$2.sql" ;;
	sq) sqlite3 -bail "$3" <"$T/$1_$2.sql" ;;
	esac
}
load pg dev "$PGD"
load pg prod "$PGP"
load my dev "$MYD"
load my prod "$MYP"
load sq dev "$SQD"
load sq prod "$SQP"

# same LABEL TABLE FROM TO EXPECT: stream and hash give the same JSON;
# EXPECT is "hash" (hash ran, and cut segments) or "fallback"
same() {
	local label=$1 table=$2 from=$3 to=$4 expect=$5 ndiff
	rf diff "$table" --from "$from" --to "$to" --format json --algorithm stream
	cp "$T/out" "$T/stream.json"
	local src=$rc stream_err
	stream_err=$(cat "$T/err")
	rf diff "$table" --from "$from" --to "$to" --format json --algorithm hash
	assert_eq "$label $table: exit codes (stream, hash)" "1 1" "$src $rc"
	if cmp -s "$T/stream.json" "$T/out"; then
		ok "$label $table: hash and stream JSON byte-identical"
	else
		not_ok "$label $table: hash and stream JSON differ"
		diff "$T/stream.json" "$T/out" | head -20 || true
	fi
	ndiff=$(jq -r 'select(.summary) | .summary | .only_source + .only_target + .changed' "$T/out")
	[ "${ndiff:-0}" -gt 10 ] && ok "$label $table: $ndiff planted differences found" ||
		not_ok "$label $table: only ${ndiff:-?} differences: the planting did not work"
	assert_contains "$label $table: stream says so" "algorithm stream;" "$stream_err"
	if [ "$expect" = hash ]; then
		assert_contains "$label $table: hash ran" "algorithm hash:" "$(cat "$T/err")"
		local segs
		segs=$(sed -n 's/.*algorithm hash: \([0-9]*\) segments.*/\1/p' "$T/err")
		# integer keys: cut more than once; text keys: once (the root
		# into 32, diff_hash.c: ranges in byte order are not index ranges)
		local least=33
		[ "$table" = hash_t ] || least=32
		[ "${segs:-0}" -gt $least ] && ok "$label $table: segments cut ($segs)" ||
			not_ok "$label $table: $segs segments: not cut as expected"
		# the two engines' sums agree on the segments without a
		# difference: fewer rows come over than a stream reads (sums
		# that never agreed would stream every segment: the same JSON)
		if [ "$table" = hash_t ]; then
			local srows hrows
			srows=$(sed -n 's/.*received \([0-9]*\) rows.*/\1/p' <<<"$stream_err")
			hrows=$(sed -n 's/.*received \([0-9]*\) rows.*/\1/p' "$T/err")
			[ "${hrows:-0}" -gt 0 ] && [ "$hrows" -lt "$srows" ] &&
				ok "$label $table: segments equal on both sides ($hrows rows received, stream $srows)" ||
				not_ok "$label $table: hash received ${hrows:-?} rows, stream ${srows:-?}"
		fi
	else
		assert_contains "$label $table: fallback said" "algorithm stream (hash not used: column" \
			"$(cat "$T/err")"
	fi
}

for pair in "postgres|$PGD|$PGP" "mariadb|$MYD|$MYP" "sqlite|sqlite:$SQD|sqlite:$SQP" \
	"postgres->mariadb|$PGD|$MYP" "mariadb->postgres|$MYD|$PGP" "sqlite->postgres|sqlite:$SQD|$PGP"; do
	IFS='|' read -r label from to <<<"$pair"
	same "$label" hash_t "$from" "$to" hash
	same "$label" hash_tk "$from" "$to" hash
	same "$label" hash_mk "$from" "$to" hash
	case $label in
	sqlite) same "$label" hash_fb "$from" "$to" hash ;; # rf_value_canon itself
	postgres) same "$label" hash_fb "$from" "$to" hash ;; # the row's text
	*) same "$label" hash_fb "$from" "$to" fallback ;;
	esac
done

# PostgreSQL to PostgreSQL hashes values by their types' hash functions
# (hash_record_extended) where a type's equality is the stream's: not an
# interval ('1 day' = '24:00:00', printed apart) nor text under a
# nondeterministic collation ('abc' = 'ABC' to it, bytes apart); a
# character(n), a float and jsonb alongside. Row g % 10 = 2 differs in
# the interval, g % 10 = 4 in the text's case only; json (hashed as the
# text it stores) is NULL against '{}' in g % 10 = 6 and another number in
# g % 10 = 8.
for u in "$PGD" "$PGP"; do
	pg "$u" "DROP TABLE IF EXISTS hash_pgt" 2>/dev/null
	pg "$u" "DROP COLLATION IF EXISTS rf_ci" 2>/dev/null
	pg "$u" "CREATE COLLATION rf_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
	pg "$u" "CREATE TABLE hash_pgt (id int PRIMARY KEY, c char(4), f float8, iv interval, jb jsonb,
		t text COLLATE rf_ci, js json)"
done
pg "$PGD" "INSERT INTO hash_pgt SELECT g, 'ab', 0.5, '1 day', '{\"a\": 1.0}', 'abc' || g,
	CASE WHEN g % 10 = 6 THEN '{}' ELSE '{\"b\": 2}' END::json FROM generate_series(1, 400) g"
pg "$PGP" "INSERT INTO hash_pgt SELECT g, 'ab', 0.5,
	CASE WHEN g % 10 = 2 THEN '24:00:00' ELSE '1 day' END::interval, '{\"a\": 1.0}',
	CASE WHEN g % 10 = 4 THEN 'ABC' ELSE 'abc' END || g,
	CASE WHEN g % 10 = 6 THEN NULL WHEN g % 10 = 8 THEN '{\"b\": 3}' ELSE '{\"b\": 2}' END::json
	FROM generate_series(1, 400) g"
same postgres hash_pgt "$PGD" "$PGP" hash
assert_eq "postgres hash_pgt: the interval, the collation's case and the json differences found" 160 \
	"$(jq -r 'select(.summary) | .summary.changed' "$T/out")"

# the planted spellings are equal, the planted changes are not
rf diff hash_t --from "$PGD" --to "sqlite:$SQP" --format json --algorithm hash
assert_contains "NULL vs '' reported" '"txt":null' "$(cat "$T/out")"
assert_contains "NULL vs '' reported (target '')" '"txt":""' "$(cat "$T/out")"
# the text keys: byte order, not a collation's (a < B under en_US, '_' < 'a')
rf diff hash_tk --from "$MYD" --to "$PGP" --format json --algorithm hash
keys=$(jq -r 'select(.key) | .key.k' "$T/out")
assert_eq "text keys come in byte order" "$(printf '%s\n' "$keys" | LC_ALL=C sort)" "$keys"

# a --where restricts the segments too
rf diff hash_t --from "$PGD" --to "$PGP" --where "id < 3000" --format json --algorithm stream
cp "$T/out" "$T/stream.json"
rf diff hash_t --from "$PGD" --to "$PGP" --where "id < 3000" --format json --algorithm hash
cmp -s "$T/stream.json" "$T/out" && ok "--where: hash and stream identical" ||
	not_ok "--where: hash and stream differ"

# hash receives fewer rows than stream where few rows differ
rf diff hash_tk --from "$PGD" --to "$PGP" --summary --algorithm stream
srows=$(sed -n 's/.*received \([0-9]*\) rows.*/\1/p' "$T/err")
rf diff hash_tk --from "$PGD" --to "$PGP" --summary --algorithm hash
hrows=$(sed -n 's/.*received \([0-9]*\) rows.*/\1/p' "$T/err")
[ "$hrows" -lt "$srows" ] && ok "hash received $hrows rows, stream $srows" ||
	not_ok "hash received $hrows rows, stream $srows"

# differences spread thinly (every 40th of 4000 rows): one pass cuts an
# integer key by width into segments of 64 rows, a second pass cuts the
# differing ones into 8 (reading only their rows), only the differing
# parts are streamed (~15 rows each: at most 2000 rows come over, 3200
# with the 16-row segments of one pass), and one statement reads many of
# their ranges (MariaDB counts every SELECT it runs: a statement per range
# would be 2 x 100)
printf '[diff]\nhash_segment_rows = 64\n' >"$T/spread.ini"
for u in "$MYD" "$MYP"; do
	my "$u" "DROP TABLE IF EXISTS hash_sp; CREATE TABLE hash_sp (id INTEGER PRIMARY KEY, v INTEGER);
	  INSERT INTO hash_sp SELECT seq, seq FROM seq_1_to_4000"
done
my "$MYP" "UPDATE hash_sp SET v = v + 1 WHERE id % 40 = 0"
ROWFERRY_CONFIG=$T/spread.ini rf diff hash_sp --from "$MYD" --to "$MYP" --format json --algorithm stream
cp "$T/out" "$T/stream.json"
sel0=$(my "$MYD" "SHOW GLOBAL STATUS LIKE 'Com_select'" | cut -f2)
ROWFERRY_CONFIG=$T/spread.ini rf diff hash_sp --from "$MYD" --to "$MYP" --format json --algorithm hash
sel1=$(my "$MYD" "SHOW GLOBAL STATUS LIKE 'Com_select'" | cut -f2)
cmp -s "$T/stream.json" "$T/out" && ok "spread: hash and stream identical" ||
	not_ok "spread: hash and stream differ"
streamed=$(sed -n 's/.* \([0-9]*\) streamed;.*/\1/p' "$T/err")
hrows=$(sed -n 's/.*received \([0-9]*\) rows.*/\1/p' "$T/err")
[ "${streamed:-0}" -ge 90 ] && [ "${hrows:-8000}" -le 2000 ] &&
	ok "spread: $streamed ranges streamed, $hrows of 8000 rows received" ||
	not_ok "spread: ${streamed:-?} ranges streamed, ${hrows:-?} of 8000 rows received: $(cat "$T/err")"
[ $((sel1 - sel0)) -lt $((streamed / 2)) ] &&
	ok "spread: $((sel1 - sel0)) SELECTs for $streamed ranges on two sides" ||
	not_ok "spread: $((sel1 - sel0)) SELECTs for $streamed ranges on two sides"

# a composite text key between two PostgreSQL servers is cut by a hash of
# the key (diff_bucket.c: 131072 buckets in one pass, whatever the
# collation; a range of it would be no index range): with a change in
# every 150th of 12000 rows, only the differing buckets' rows come over (a
# few each; 32 segments cut at keys, as before, streamed every row), and
# the JSON is the stream's. Between two MariaDB servers the key is cut at
# keys as before (MariaDB hashed the bench table slower than it streams
# it: see bench/RESULTS.md), which the last lines check.
for e in pg my; do
	case $e in
	pg) d=$PGD p=$PGP label=postgres
		for u in "$d" "$p"; do
			pg "$u" "DROP TABLE IF EXISTS hash_bk; CREATE TABLE hash_bk (grp varchar(12),
			  ref text COLLATE \"en_US\", v int, note text, PRIMARY KEY (grp, ref));
			  INSERT INTO hash_bk SELECT 'G' || (g / 7), 'r-' || g, g, CASE WHEN g % 9 = 0
			  THEN NULL ELSE 'n' || g END FROM generate_series(1, 12000) g" >/dev/null
		done
		pg "$p" "UPDATE hash_bk SET v = v + 1 WHERE v % 150 = 0;
		  UPDATE hash_bk SET note = '' WHERE v % 1500 = 9; DELETE FROM hash_bk WHERE v % 1000 = 7" >/dev/null ;;
	my) d=$MYD p=$MYP label=mariadb
		for u in "$d" "$p"; do
			my "$u" "DROP TABLE IF EXISTS hash_bk; CREATE TABLE hash_bk (grp varchar(12),
			  ref varchar(20) COLLATE utf8mb4_general_ci, v int, note text, PRIMARY KEY (grp, ref));
			  INSERT INTO hash_bk SELECT CONCAT('G', seq DIV 7), CONCAT('r-', seq), seq,
			  IF(seq % 9 = 0, NULL, CONCAT('n', seq)) FROM seq_1_to_12000"
		done
		my "$p" "UPDATE hash_bk SET v = v + 1 WHERE v % 150 = 0;
		  UPDATE hash_bk SET note = '' WHERE v % 1500 = 9; DELETE FROM hash_bk WHERE v % 1000 = 7" ;;
	esac
	rf diff hash_bk --from "$d" --to "$p" --format json --algorithm stream
	cp "$T/out" "$T/stream.json"
	rf diff hash_bk --from "$d" --to "$p" --format json --algorithm hash
	cmp -s "$T/stream.json" "$T/out" && ok "$label key buckets: hash and stream identical" ||
		not_ok "$label key buckets: hash and stream differ"
	assert_eq "$label key buckets: differences found (80 + 8 changed, 12 only in dev)" \
		"88 12" "$(jq -r 'select(.summary) | "\(.summary.changed) \(.summary.only_source)"' "$T/out")"
	hrows=$(sed -n 's/.*received \([0-9]*\) rows.*/\1/p' "$T/err")
	segs=$(sed -n 's/.*algorithm hash: \([0-9]*\) segments.*/\1/p' "$T/err")
	if [ $e = my ]; then
		[ "${segs:-0}" -le 33 ] && ok "mariadb: a composite text key cut at keys ($segs segments)" ||
			not_ok "mariadb: ${segs:-?} segments: $(cat "$T/err")"
		continue
	fi
	[ "${segs:-0}" -gt 10000 ] && [ "${hrows:-24000}" -le 600 ] &&
		ok "$label key buckets: $segs segments, $hrows of 23988 rows received" ||
		not_ok "$label key buckets: ${segs:-?} segments, ${hrows:-?} rows received: $(cat "$T/err")"
	# many rows differ (every 8th): the differing buckets are summed
	# again in parts (more segments than rows), still the stream's JSON
	case $e in
	pg) pg "$p" "UPDATE hash_bk SET v = v + 1 WHERE v % 8 = 3" >/dev/null ;;
	my) my "$p" "UPDATE hash_bk SET v = v + 1 WHERE v % 8 = 3" ;;
	esac
	rf diff hash_bk --from "$d" --to "$p" --format json --algorithm stream
	cp "$T/out" "$T/stream.json"
	rf diff hash_bk --from "$d" --to "$p" --format json --algorithm hash
	cmp -s "$T/stream.json" "$T/out" && ok "$label key buckets, second pass: hash and stream identical" ||
		not_ok "$label key buckets, second pass: hash and stream differ"
	segs=$(sed -n 's/.*algorithm hash: \([0-9]*\) segments.*/\1/p' "$T/err")
	[ "${segs:-0}" -gt 12000 ] && ok "$label key buckets, second pass: $segs segments" ||
		not_ok "$label key buckets, second pass: ${segs:-?} segments: $(cat "$T/err")"
done

# identical tables: hash skips everything
rf diff hash_t --from "$PGD" --to "$PGD" --summary --algorithm hash
assert_eq "identical: exit 0" 0 "$rc"
assert_contains "identical: no row received" "segments checked, 0 streamed; received 0 rows" "$(cat "$T/err")"

# auto: stream for a SQLite file, and for a table of hash_min_rows or fewer
rf diff hash_t --from "sqlite:$SQD" --to "sqlite:$SQP" --summary
assert_eq "auto, sqlite: nothing said on stderr" "" "$(cat "$T/err")"
rf diff hash_t --from "sqlite:$SQD" --to "sqlite:$SQP" --summary --algorithm auto
assert_contains "auto, sqlite: streamed, says why" "hash not used: a side is a local file" "$(cat "$T/err")"
rf diff hash_t --from "$PGD" --to "$PGP" --summary --algorithm auto
assert_contains "auto, small table: streamed, says why" "not more than hash_min_rows (100000)" "$(cat "$T/err")"
printf '[diff]\nhash_segment_rows = 8\nhash_min_rows = 100\n' >"$T/config.ini"
rf diff hash_t --from "$PGD" --to "$PGD" --summary
assert_contains "auto, over hash_min_rows, few segments differ: hash" "algorithm hash:" "$(cat "$T/err")"
# differences in most segments of the first cut (here every row): every
# row would be read anyway, by many range queries; auto streams instead,
# and says so
pg "$PGD" "DROP TABLE IF EXISTS hash_all; CREATE TABLE hash_all AS SELECT g AS id, g AS v FROM generate_series(1, 500) g; ALTER TABLE hash_all ADD PRIMARY KEY (id)" >/dev/null
pg "$PGP" "DROP TABLE IF EXISTS hash_all; CREATE TABLE hash_all AS SELECT g AS id, g + 1 AS v FROM generate_series(1, 500) g; ALTER TABLE hash_all ADD PRIMARY KEY (id)" >/dev/null
rf diff hash_all --from "$PGD" --to "$PGP" --summary --algorithm auto
assert_contains "auto, differences everywhere: streamed, says why" "segments differ: one stream reads them faster" "$(cat "$T/err")"
cp "$T/out" "$T/auto.summary"
rf diff hash_all --from "$PGD" --to "$PGP" --summary --algorithm stream
cmp -s "$T/out" "$T/auto.summary" && ok "auto declining: the same summary as stream" ||
	not_ok "auto declining: summary differs from stream"
printf '[diff]\nalgorithm = hash\n' >"$T/config.ini"
rf diff hash_t --from "$MYD" --to "$MYP" --summary
assert_contains "[diff] algorithm = hash" "algorithm hash:" "$(cat "$T/err")"
rf diff hash_t --from "$MYD" --to "$MYP" --summary --algorithm stream
assert_contains "--algorithm wins over [diff] algorithm" "algorithm stream;" "$(cat "$T/err")"
rf diff hash_t --from "$MYD" --to "$MYP" --algorithm fast
assert_eq "unknown algorithm: exit 2" 2 "$rc"
assert_contains "unknown algorithm: said" "unknown --algorithm 'fast' (stream, hash, auto)" "$(cat "$T/err")"
# a key column that may be NULL (SQLite lets a PRIMARY KEY that is not an
# INTEGER one be NULL): streamed, said
sqlite3 "$T/nk.db" "CREATE TABLE nk (k TEXT PRIMARY KEY, v INTEGER); INSERT INTO nk VALUES ('a', 1);"
rf diff nk --from "sqlite:$T/nk.db" --to "sqlite:$T/nk.db" --summary --algorithm hash
assert_contains "nullable key: fallback said" "hash not used: the key column k may be NULL" "$(cat "$T/err")"
rf diff hash_t --from "$PGD" --to "$PGP" --summary --algorithm hash --key id,n
assert_contains "a key column that may be NULL: fallback said" "hash not used: the key column n may be NULL" "$(cat "$T/err")"
# comparison options: rows equal only with them hash unequal, are streamed
# and compared with them
for pair in "$PGD|$PGP" "$MYD|$PGP" "sqlite:$SQD|sqlite:$SQP"; do
	IFS='|' read -r from to <<<"$pair"
	opts=(--tolerance dec=0.01 --ts-precision ts=0 --trim txt)
	rf diff hash_t --from "$from" --to "$to" --format json --algorithm stream "${opts[@]}"
	cp "$T/out" "$T/stream.json"
	rf diff hash_t --from "$from" --to "$to" --format json --algorithm hash "${opts[@]}"
	assert_contains "options $from: hash ran" "algorithm hash:" "$(cat "$T/err")"
	cmp -s "$T/stream.json" "$T/out" && ok "options $from: hash and stream identical" ||
		not_ok "options $from: hash and stream differ"
done
# between two PostgreSQL servers every type hashes (the row's text)
rf diff hash_fb --from "$PGD" --to "$PGP" --summary --algorithm hash
assert_contains "postgres: float, json, uuid hash" "algorithm hash:" "$(cat "$T/err")"

# copy diffs through the same algorithms (one table): the dry-run script
# is the same whichever ran, and a real copy through hash leaves nothing
printf '[diff]\nhash_segment_rows = 8\n' >"$T/config.ini"
for pair in "postgres|$PGD|$PGP" "mariadb|$MYD|$MYP" "mariadb->postgres|$MYD|$PGP"; do
	IFS='|' read -r label from to <<<"$pair"
	rf copy hash_t --from "$from" --to "$to" --ops insert,update,delete --dry-run --algorithm stream
	cp "$T/out" "$T/stream.sql"
	assert_contains "copy $label: stream said" "copy hash_t: algorithm stream;" "$(cat "$T/err")"
	rf copy hash_t --from "$from" --to "$to" --ops insert,update,delete --dry-run --algorithm hash
	assert_eq "copy $label --dry-run --algorithm hash: exit 0" 0 "$rc"
	assert_contains "copy $label: hash ran" "copy hash_t: algorithm hash:" "$(cat "$T/err")"
	if cmp -s "$T/stream.sql" "$T/out"; then
		ok "copy $label: hash and stream scripts byte-identical"
	else
		not_ok "copy $label: hash and stream scripts differ"
		diff "$T/stream.sql" "$T/out" | head -20 || true
	fi
	grep -q '^INSERT INTO' "$T/out" && grep -q '^UPDATE' "$T/out" && grep -q '^DELETE' "$T/out" &&
		ok "copy $label: the script inserts, updates and deletes" ||
		not_ok "copy $label: the script lacks a kind of statement"
done
rf copy hash_t --from "$PGD" --to "$PGP" --ops insert,update,delete --yes --algorithm hash \
	--undo-dir "$T/undo"
assert_eq "copy --algorithm hash --yes: exit 0" 0 "$rc"
rf diff hash_t --from "$PGD" --to "$PGP" --summary --algorithm stream
assert_eq "after the hash copy, stream finds nothing" 0 "$rc"
rf copy hash_t --from "$PGD" --to "$PGP" --follow children --algorithm hash --dry-run
assert_eq "copy of a set with --algorithm hash: exit 2" 2 "$rc"
assert_contains "copy of a set with --algorithm hash: said" "a set of tables is diffed by streaming" "$(cat "$T/err")"

finish
