#!/bin/bash
# A ~50 MB value: diff, copy PostgreSQL -> PostgreSQL, copy PostgreSQL ->
# MariaDB and undo carry it byte for byte (md5 on both servers), diffs
# see one byte changed in it (and one character in 2.7 MB of multibyte
# text), and their peak memory (max RSS, /usr/bin/time) stays under a
# bound (issue 10, item 9). The bytes hold NUL, tab, newline, backslash and bytes >= 0x80, which
# every text format on the way must escape.
#
# DESIGN §9 targets 3x the largest value + 64 MiB. At 50 MB that slack
# hides a whole value, so each step is asserted against FACTOR x the value
# + 24 MiB (rowferry alone is ~10 MiB), FACTOR being 3 where a step meets
# the target and what it reaches today where it does not, so memory does
# not grow back (0 where memory does not follow the value). libpq keeps a
# buffer as large as the largest row it read (it never shrinks), besides
# the row it hands out. What each holds:
#   diff (text listing)    from PostgreSQL a value over 1 MiB comes as its
#                          first 48 bytes and the server's SHA-256
#                          (src/diff/diff_digest.c): nothing of its size,
#                          on one side, both, or one byte apart (0x); from
#                          MariaDB it comes whole, its client's buffer
#                          (1x), and is hashed here
#   undo                   the after-image, decoded from the journal's hex
#                          into raw bytes (1x) + the row read back (2x): 3x
#   copy to MariaDB        libpq's buffer + the plan's hex (2x), made
#                          once the row is given back (the raw bytes are
#                          copied into the hex's room first): 3x
#   copy to PostgreSQL     that too; apply then holds the plan's hex and
#                          libpq's output buffer with the binary parameter
#                          (3x): the source connection is closed before,
#                          and the driver decodes the hex in place, in the
#                          plan's own memory lent to it (rf_param.lent),
#                          and makes it hex again once libpq has copied it
#   ... as an update       the same in apply (the after-image is the value
#                          sent, not read back: that held libpq's input
#                          buffer (hex, 2x) + the row (1x) + its journal
#                          form (hex, 2x) besides the plan's hex, 7x), and
#                          the diff tells the two sides' bytes apart by
#                          the bytes, not by the hex of each (5x): 3x
#                          (MariaDB too)
# Measured on 200 MiB with this script (RF_LARGE_MIB=200, the servers'
# env file in RF_TEST_ENV_FILE, ROWFERRY the binary, 2026-12-07): diff one
# side 9 (408 before digests), both sides 9 (808), one byte apart 9,
# PostgreSQL against MariaDB 211 both identical and one byte apart, copy
# to PostgreSQL 611 (812 with a copy of the raw bytes, 1011 before), as an
# update 612 (1412 read back, 1008 with the bytes' hex compared), undo
# 611 (810), copy to MariaDB 610 (810), as an update 610 MiB: every step
# within the 664 MiB target (3x + 64 MiB); diff --format json and csv
# 34-35 MiB (below).
# A sanitizer build inflates memory: there only the bytes are checked.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/copy_lib.sh"

MIB=$((1024 * 1024))
SIZE=$((${RF_LARGE_MIB:-50} * MIB))
TIME=/usr/bin/time
measure=1
if [ "${RF_SANITIZE:-0}" = 1 ] || ldd "$ROWFERRY" 2>/dev/null | grep -q libasan; then
	measure=0
	echo "# sanitizer build: peak memory not asserted"
fi
[ -x "$TIME" ] || { not_ok "GNU time is not installed (scripts/install-deps.sh --test)"; finish; }

# rss WHAT FACTOR ARGS... : runs rowferry under GNU time; asserts its max RSS
# under FACTOR x SIZE + 24 MiB
rss() {
	local what=$1 factor=$2
	shift 2
	rss_under "$what" $(((factor * SIZE + 24 * MIB) / 1024)) "${factor}x the value + 24 MiB" "$@"
}

# rss_under WHAT LIMIT_KIB WHY ARGS... : runs rowferry under GNU time;
# asserts its max RSS under LIMIT_KIB (rss, rss_fixed)
rss_under() {
	local what=$1 limit=$2 why=$3 kib
	shift 3
	set +e
	"$TIME" -f %M -o "$T/rss" "$ROWFERRY" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	set -e
	kib=$(tail -n 1 "$T/rss")
	echo "# $what: max RSS $((kib / 1024)) MiB (bound $((limit / 1024)) MiB)"
	[ "$measure" = 1 ] || return 0
	if [ "$kib" -le "$limit" ]; then
		ok "$what: max RSS $kib KiB <= $limit KiB"
	else
		not_ok "$what: max RSS $kib KiB > $limit KiB ($why)"
	fi
}

fresh_dbs large
cfg=$T/large.ini
write_config "$cfg" "$PGD" "$PGP" "$T/undo-large"
cat >>"$cfg" <<INI

[connection myprod]
url = $MYP
INI
# 8 bytes repeated: NUL, SOH, DEL, 0x80, 0xff, backslash, newline, tab
pg "$PGD" "CREATE TABLE big (id int PRIMARY KEY, b bytea);
	INSERT INTO big VALUES (1, decode(repeat('00017f80ff5c0a09', $SIZE / 8), 'hex')), (2, '\\x00ff')"
# row 2 is in the target already, with other bytes: the copy updates it,
# and undo gives it back its own
pg "$PGP" "CREATE TABLE big (id int PRIMARY KEY, b bytea); INSERT INTO big VALUES (2, '\\x0102')"
my "$MYP" "CREATE TABLE big (id int PRIMARY KEY, b longblob)"
src_md5=$(pg "$PGD" "SELECT md5(b) FROM big WHERE id = 1")
assert_eq "the source value has the size asked" "$SIZE" "$(pg "$PGD" "SELECT octet_length(b) FROM big WHERE id = 1")"

rss "diff, the value only in the source" 0 --config "$cfg" diff big
assert_eq "diff: differences (exit 1)" 1 "$rc"

rss "copy PostgreSQL -> PostgreSQL" 3 --config "$cfg" copy big --yes
assert_eq "copy PostgreSQL -> PostgreSQL: done" 0 "$rc"
j=$(sed -n 's/^journal: //p' "$T/out")
assert_eq "copy PostgreSQL -> PostgreSQL: the value is byte-identical" "$src_md5" \
	"$(pg "$PGP" "SELECT md5(b) FROM big WHERE id = 1")"
assert_eq "copy PostgreSQL -> PostgreSQL: the small one too" "00ff" \
	"$(pg "$PGP" "SELECT encode(b, 'hex') FROM big WHERE id = 2")"

# the gate of digests: both tables keep a value out of line
toasted="SELECT pg_relation_size(reltoastrelid) > 0 FROM pg_class WHERE oid = 'big'::regclass"
assert_eq "the source's TOAST relation holds data" t "$(pg "$PGD" "$toasted")"
assert_eq "the target's TOAST relation holds data" t "$(pg "$PGP" "$toasted")"
rss "diff, the value on both sides" 0 --config "$cfg" diff big
assert_eq "diff after the copy: identical (exit 0)" 0 "$rc"

# undo compares the target's raw bytes with the after-image's: one byte
# changed in the middle of the big value is drift, and so is one in the
# updated row
pg "$PGP" "UPDATE big SET b = overlay(b placing '\\x01' from 1000 for 1) WHERE id = 1"
# the diff sees that one byte, and lists the value as it lists any changed
# bytes: its first 40 hex digits on each side
rss "diff, the values differ in one byte" 0 --config "$cfg" diff big
assert_eq "diff of values one byte apart: changed (exit 1)" 1 "$rc"
assert_contains "diff of values one byte apart: the row" "~ id=1  (changed)" "$(cat "$T/out")"
hex40=00017f80ff5c0a0900017f80ff5c0a0900017f80
assert_contains "diff of values one byte apart: the value's first bytes, both sides" \
	"    b  $hex40…  ->  $hex40…" "$(cat "$T/out")"
assert_contains "diff of values one byte apart: counted" "0 only in source, 0 only in target, 1 changed, 1 identical" "$(cat "$T/out")"
set +e
"$ROWFERRY" --config "$cfg" undo "$j" --yes >"$T/out" 2>&1
rc=$?
set -e
assert_eq "undo refuses a big value changed by one byte (exit 3)" 3 "$rc"
assert_contains "undo names the changed row and column" "(id=1) changed since the copy: b" "$(cat "$T/out")"
pg "$PGP" "UPDATE big SET b = overlay(b placing '\\x09' from 1000 for 1) WHERE id = 1;
	UPDATE big SET b = '\\x00fe' WHERE id = 2"
set +e
"$ROWFERRY" --config "$cfg" undo "$j" --yes >"$T/out" 2>&1
rc=$?
set -e
assert_eq "undo refuses the updated row changed since (exit 3)" 3 "$rc"
assert_contains "undo names the updated row" "(id=2) changed since the copy: b" "$(cat "$T/out")"
pg "$PGP" "UPDATE big SET b = '\\x00ff' WHERE id = 2"

rss "undo of the copy" 3 --config "$cfg" undo "$j" --yes
assert_eq "undo: done" 0 "$rc"
assert_eq "undo: the inserted row is gone" 0 "$(pg "$PGP" "SELECT count(*) FROM big WHERE id = 1")"
assert_eq "undo: the updated row has its bytes back" "0102" \
	"$(pg "$PGP" "SELECT encode(b, 'hex') FROM big WHERE id = 2")"

# the big value as an UPDATE of a row the target holds with other bytes;
# its after-image is the value sent, not read back (apply_check.c), and
# undo, which refuses a row that differs from it, proves it right
pg "$PGP" "INSERT INTO big VALUES (1, '\\x00')"
rss "copy PostgreSQL -> PostgreSQL, an update" 3 --config "$cfg" copy big --yes
assert_eq "copy PostgreSQL -> PostgreSQL, an update: done" 0 "$rc"
assert_eq "copy PostgreSQL -> PostgreSQL, an update: the value is byte-identical" "$src_md5" \
	"$(pg "$PGP" "SELECT md5(b) FROM big WHERE id = 1")"
undo_big() { # WHAT: undoes the journal of the last copy
	local j
	j=$(sed -n 's/^journal: //p' "$T/out")
	set +e
	"$ROWFERRY" --config "$cfg" undo "$j" --yes >"$T/undo-out" 2>&1
	rc=$?
	set -e
	assert_eq "$1: undone (exit 0)" 0 "$rc"
	[ "$rc" = 0 ] || cat "$T/undo-out"
}
undo_big "the update"
assert_eq "undo of the update: the row has its byte back" "00" \
	"$(pg "$PGP" "SELECT encode(b, 'hex') FROM big WHERE id = 1")"
# a trigger that changes what is stored: the table is not plain, and the
# updated row is read back for its after-image (or undo would refuse it)
pg "$PGP" "CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS
	\$\$BEGIN NEW.b := NEW.b || '\\x01'::bytea; RETURN NEW; END\$\$;
	CREATE TRIGGER bump BEFORE UPDATE ON big FOR EACH ROW EXECUTE FUNCTION bump()"
set +e
"$ROWFERRY" --config "$cfg" copy big --yes >"$T/out" 2>&1
rc=$?
set -e
assert_eq "copy PostgreSQL -> PostgreSQL, an update through a trigger: done" 0 "$rc"
assert_eq "the trigger's byte is stored" "$((SIZE + 1))" \
	"$(pg "$PGP" "SELECT octet_length(b) FROM big WHERE id = 1")"
undo_big "the update through a trigger"
pg "$PGP" "DROP TRIGGER bump ON big; DELETE FROM big"

rss "copy PostgreSQL -> MariaDB" 3 --config "$cfg" copy big --to myprod --yes
assert_eq "copy PostgreSQL -> MariaDB: done" 0 "$rc"
assert_eq "copy PostgreSQL -> MariaDB: the value is byte-identical" "$src_md5" \
	"$(my "$MYP" "SELECT MD5(b) FROM big WHERE id = 1")"
assert_eq "copy PostgreSQL -> MariaDB: its size" "$SIZE" \
	"$(my "$MYP" "SELECT LENGTH(b) FROM big WHERE id = 1")"

# PostgreSQL against MariaDB: the source sends a digest, the target's value
# comes whole and rowferry hashes it
rss "diff PostgreSQL -> MariaDB, the value on both sides" 1 --config "$cfg" diff big --to myprod
assert_eq "diff PostgreSQL -> MariaDB: identical (exit 0)" 0 "$rc"
my "$MYP" "UPDATE big SET b = INSERT(b, 1000, 1, UNHEX('01')) WHERE id = 1"
rss "diff PostgreSQL -> MariaDB, one byte apart" 1 --config "$cfg" diff big --to myprod
assert_eq "diff PostgreSQL -> MariaDB, one byte apart: changed (exit 1)" 1 "$rc"
assert_contains "diff PostgreSQL -> MariaDB, one byte apart: the value's first bytes" \
	"    b  $hex40…  ->  $hex40…" "$(cat "$T/out")"

# text over 1 MiB, multibyte: digests of its UTF-8 bytes on PostgreSQL,
# the same bytes hashed by rowferry from MariaDB
text="INSERT INTO bigt VALUES (1, repeat('aé€😀 tab	nl
', 150000)), (2, 'short')"
pg "$PGD" "CREATE TABLE bigt (id int PRIMARY KEY, t text); $text"
pg "$PGP" "CREATE TABLE bigt (id int PRIMARY KEY, t text); $text"
my "$MYP" "CREATE TABLE bigt (id int PRIMARY KEY, t longtext) CHARACTER SET utf8mb4"
"$ROWFERRY" --config "$cfg" copy bigt --to myprod --yes >"$T/out" 2>&1 || cat "$T/out"
assert_eq "text: the source value is over 1 MiB" t "$(pg "$PGD" "SELECT octet_length(t) > 1048576 FROM bigt WHERE id = 1")"
set +e
"$ROWFERRY" --config "$cfg" diff bigt >"$T/out" 2>&1
assert_eq "text, PostgreSQL -> PostgreSQL: identical (exit 0)" 0 "$?"
"$ROWFERRY" --config "$cfg" diff bigt --to myprod >"$T/out" 2>&1
assert_eq "text, PostgreSQL -> MariaDB: identical (exit 0)" 0 "$?"
pg "$PGP" "UPDATE bigt SET t = overlay(t placing 'E' from 100000 for 1) WHERE id = 1"
"$ROWFERRY" --config "$cfg" diff bigt >"$T/out" 2>&1
assert_eq "text one character apart: changed (exit 1)" 1 "$?"
set -e
assert_contains "text one character apart: the first 40 characters, both sides" \
	"    t  aé€😀 tab\\tnl\\naé€😀 tab\\tnl\\naé€😀 tab\\tnl\\naé€😀…  ->  aé€😀 tab\\tnl\\naé€😀 tab\\tnl\\naé€😀 tab\\tnl\\naé€😀…" "$(cat "$T/out")"

# an update on MariaDB: its after-image is the value sent too (a longblob
# of a table without triggers), and undo accepts it
my "$MYP" "UPDATE big SET b = X'00' WHERE id = 1"
rss "copy PostgreSQL -> MariaDB, an update" 3 --config "$cfg" copy big --to myprod --yes
assert_eq "copy PostgreSQL -> MariaDB, an update: done" 0 "$rc"
assert_eq "copy PostgreSQL -> MariaDB, an update: the value is byte-identical" "$src_md5" \
	"$(my "$MYP" "SELECT MD5(b) FROM big WHERE id = 1")"
undo_big "the update on MariaDB"
assert_eq "undo of the update on MariaDB: the row has its byte back" "00" \
	"$(my "$MYP" "SELECT LOWER(HEX(b)) FROM big WHERE id = 1")"

# diff --format json and csv (diff_digest.c, output_large.c): large values
# come as digests as for the text listing, and a printed row's value that
# came as its first bytes is read again by its key after the rows, in
# pieces, so memory does not follow the value. The output must be the
# bytes the whole values make: the same diff of the same rows between two
# SQLite files (no digests there) is the reference. The text (9.45M
# characters, with what JSON escapes and CSV quotes) is read again in two
# pieces of 8M characters, the 50 MiB bytea in seven (25 at 200 MiB: the
# last one ends the value exactly); row 3, only in the source, holds
# values over 1 MiB too, its text ending in a blank (a quoted CSV field).
# Measured at 200 MiB (RF_LARGE_MIB=200): 34-35 MiB each; read whole
# before (a9f9a33's binary, same rows): json 2498 MiB (identical values)
# and 3298 (one byte apart), csv 1677 and 2477.
pg "$PGD" "DROP TABLE IF EXISTS bigout"
pg "$PGP" "DROP TABLE IF EXISTS bigout"
outtext="repeat('aé€😀 \"q\",c\\ tab' || chr(9) || 'nl' || chr(10), 450000)"
for d in "$PGD" "$PGP"; do
	pg "$d" "CREATE TABLE bigout (id int PRIMARY KEY, n int, b bytea, t text);
		INSERT INTO bigout VALUES
		(1, 1, decode(repeat('00017f80ff5c0a09', $SIZE / 8), 'hex'), $outtext),
		(2, 1, '\\x00ff', 'short')"
done
pg "$PGD" "INSERT INTO bigout VALUES (3, 1, decode(repeat('0102', 800000), 'hex'), repeat('ab ', 600000))"
assert_eq "json/csv: the target's TOAST relation holds data" t \
	"$(pg "$PGP" "SELECT pg_relation_size(reltoastrelid) > 0 FROM pg_class WHERE oid = 'bigout'::regclass")"
SQS=$T/out-src.db SQT=$T/out-dst.db SIZE=$SIZE python3 - <<'PY'
import os, sqlite3
size = int(os.environ["SIZE"])
text = 'aé€😀 "q",c\\ tab\tnl\n' * 450000
for path, extra in ((os.environ["SQS"], True), (os.environ["SQT"], False)):
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE bigout (id INTEGER PRIMARY KEY, n INTEGER, b BLOB, t TEXT)")
    db.execute("INSERT INTO bigout VALUES (1, 1, ?, ?)",
               (bytes.fromhex("00017f80ff5c0a09") * (size // 8), text))
    db.execute("INSERT INTO bigout VALUES (2, 1, x'00ff', 'short')")
    if extra:
        db.execute("INSERT INTO bigout VALUES (3, 1, ?, ?)", (bytes.fromhex("0102") * 800000, "ab " * 600000))
    db.commit()
PY
# rss_fixed WHAT MIB ARGS... : rss with a bound of MIB MiB, whatever the
# value's size
rss_fixed() {
	local what=$1 mib=$2
	shift 2
	rss_under "$what" $((mib * 1024)) "$mib MiB" "$@"
}
# outcase NAME: diff --format json and csv of bigout, each under a memory
# bound that does not follow the value (48 MiB: rowferry ~10, a piece of
# 8 MiB read again in libpq's buffer and in the row it hands out, 2 MiB of
# hex at a time; 35 MiB measured at 50 and 200 MiB), and the same bytes as the
# SQLite pair's
outcase() {
	local fmt
	for fmt in json csv; do
		rss_fixed "diff --format $fmt, $1" 48 --config "$cfg" diff bigout --format "$fmt"
		assert_eq "diff --format $fmt, $1: differences (exit 1)" 1 "$rc"
		"$ROWFERRY" diff bigout --from "sqlite:$T/out-src.db" --to "sqlite:$T/out-dst.db" \
			--format "$fmt" >"$T/out-sq.$fmt" 2>"$T/err" || true
		# json's summary names the table as each engine does
		if [ "$fmt" = json ]; then
			assert_contains "diff --format json, $1: the summary" \
				'"only_source":1,"only_target":0,"changed":1,"identical":1}}' "$(tail -n 1 "$T/out")"
			head -n -1 "$T/out" >"$T/out-pg.$fmt"
			head -n -1 "$T/out-sq.$fmt" >"$T/out-sq.tmp" && mv "$T/out-sq.tmp" "$T/out-sq.$fmt"
		else
			mv "$T/out" "$T/out-pg.$fmt"
		fi
		if cmp -s "$T/out-pg.$fmt" "$T/out-sq.$fmt"; then
			ok "diff --format $fmt, $1: the bytes of the whole values ($(wc -c <"$T/out-pg.$fmt") bytes)"
		else
			not_ok "diff --format $fmt, $1: not the bytes of the whole values: $(cmp "$T/out-pg.$fmt" "$T/out-sq.$fmt" 2>&1 | head -c 300)"
		fi
	done
}
# the large values identical on both sides, printed whole with their row
pg "$PGP" "UPDATE bigout SET n = 2 WHERE id = 1"
sqlite3 -bail "$T/out-dst.db" "UPDATE bigout SET n = 2 WHERE id = 1"
outcase "the large values identical, n changed"
# one byte apart
pg "$PGP" "UPDATE bigout SET n = 1, b = overlay(b placing '\\x01' from 1000 for 1) WHERE id = 1"
sqlite3 -bail "$T/out-dst.db" "UPDATE bigout SET n = 1, b = substr(b, 1, 999) || x'01' || substr(b, 1001) WHERE id = 1"
outcase "the bytea one byte apart"

finish
