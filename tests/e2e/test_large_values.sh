#!/bin/bash
# A ~50 MB value: diff, copy PostgreSQL -> PostgreSQL, copy PostgreSQL ->
# MariaDB and undo carry it byte for byte (md5 on both servers), and their
# peak memory (max RSS, /usr/bin/time) stays under a bound (issue 10, item
# 9). The bytes hold NUL, tab, newline, backslash and bytes >= 0x80, which
# every text format on the way must escape.
#
# DESIGN §9 targets 3x the largest value + 64 MiB. At 50 MB that slack
# hides a whole value, so each step is asserted against FACTOR x the value
# + 24 MiB (rowferry alone is ~10 MiB), FACTOR being what it reaches today:
# memory does not grow back, and a step that reaches 3x is told from one
# that does not. What each holds, with hex canonical bytes (2x):
#   diff, one side only    libpq's buffer + the row (2x): the text listing
#                          shows the key alone, no canonical form is made
#   diff, both sides       that on each side (4x): not the 3x target
#   copy to MariaDB, undo  the source row (2x) + the plan's hex (2x); undo:
#                          the journal's hex (2x) + the row read back (2x)
#   copy to PostgreSQL     also the binary parameter and libpq's output
#                          buffer (5x)
# Measured on 200 MiB (see the commit log): 418, 808, 810, 810, 1011 MiB
# against the 664 MiB target: only the first meets it. Reaching 3x
# elsewhere needs raw (not hex) canonical bytes in plans and journals.
# A sanitizer build inflates memory: there only the bytes are checked.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/copy_lib.sh"

MIB=$((1024 * 1024))
SIZE=$((50 * MIB))
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
	local what=$1 factor=$2 kib limit
	shift 2
	set +e
	"$TIME" -f %M -o "$T/rss" "$ROWFERRY" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	set -e
	kib=$(tail -n 1 "$T/rss")
	limit=$(((factor * SIZE + 24 * MIB) / 1024))
	echo "# $what: max RSS $((kib / 1024)) MiB (bound $((limit / 1024)) MiB)"
	[ "$measure" = 1 ] || return 0
	if [ "$kib" -le "$limit" ]; then
		ok "$what: max RSS $kib KiB <= $limit KiB"
	else
		not_ok "$what: max RSS $kib KiB > $limit KiB (${factor}x the value + 24 MiB)"
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
pg "$PGP" "CREATE TABLE big (id int PRIMARY KEY, b bytea)"
my "$MYP" "CREATE TABLE big (id int PRIMARY KEY, b longblob)"
src_md5=$(pg "$PGD" "SELECT md5(b) FROM big WHERE id = 1")
assert_eq "the source value has the size asked" "$SIZE" "$(pg "$PGD" "SELECT octet_length(b) FROM big WHERE id = 1")"

rss "diff, the value only in the source" 2 --config "$cfg" diff big
assert_eq "diff: differences (exit 1)" 1 "$rc"

rss "copy PostgreSQL -> PostgreSQL" 5 --config "$cfg" copy big --yes
assert_eq "copy PostgreSQL -> PostgreSQL: done" 0 "$rc"
j=$(sed -n 's/^journal: //p' "$T/out")
assert_eq "copy PostgreSQL -> PostgreSQL: the value is byte-identical" "$src_md5" \
	"$(pg "$PGP" "SELECT md5(b) FROM big WHERE id = 1")"
assert_eq "copy PostgreSQL -> PostgreSQL: the small one too" "00ff" \
	"$(pg "$PGP" "SELECT encode(b, 'hex') FROM big WHERE id = 2")"

rss "diff, the value on both sides" 4 --config "$cfg" diff big
assert_eq "diff after the copy: identical (exit 0)" 0 "$rc"

rss "undo of the copy" 4 --config "$cfg" undo "$j" --yes
assert_eq "undo: done" 0 "$rc"
assert_eq "undo: the rows are gone" 0 "$(pg "$PGP" "SELECT count(*) FROM big")"

rss "copy PostgreSQL -> MariaDB" 4 --config "$cfg" copy big --to myprod --yes
assert_eq "copy PostgreSQL -> MariaDB: done" 0 "$rc"
assert_eq "copy PostgreSQL -> MariaDB: the value is byte-identical" "$src_md5" \
	"$(my "$MYP" "SELECT MD5(b) FROM big WHERE id = 1")"
assert_eq "copy PostgreSQL -> MariaDB: its size" "$SIZE" \
	"$(my "$MYP" "SELECT LENGTH(b) FROM big WHERE id = 1")"

finish
