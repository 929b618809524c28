#!/bin/bash
# test_console_hash.sh - the console's diff screen runs [diff] algorithm
# (DESIGN §14): with hash, the servers checksum the segments first, the
# rows that differ are the ones stream mode finds, and the status bar says
# hash ran and how many segments it checked and streamed. [diff] algorithm
# = stream shows the same rows without the hash note; an unknown algorithm
# is an error on the screen, not a crash.
# valgrind: needs servers (PostgreSQL; not in the memcheck run)
. "$(dirname "$0")/console_lib.sh"

PGD=$RF_TEST_PG_DEV_URL PGP=$RF_TEST_PG_PROD_URL
for u in "$PGD" "$PGP"; do
	pg "$u" "DROP TABLE IF EXISTS hash_c; CREATE TABLE hash_c (id int PRIMARY KEY, v text);
	INSERT INTO hash_c SELECT i, 'v' || i FROM generate_series(1, 5000) i" >/dev/null
done
# three rows differ: one changed, one only in dev, one only in prod
pg "$PGP" "UPDATE hash_c SET v = 'changed' WHERE id = 1234; DELETE FROM hash_c WHERE id = 4321;
INSERT INTO hash_c VALUES (6000, 'prod only')" >/dev/null

write_config() { # ALGORITHM
	cat >"$T/config.ini" <<EOF
[connection dev]
url = $PGD

[connection prod]
url = $PGP

[defaults]
source = dev
target = prod

[diff]
algorithm = $1
hash_segment_rows = 16
EOF
}

for algo in hash stream; do
	write_config $algo
	console --config "$T/config.ini" --table hash_c <<EOF2
:wait-idle
:dump $T/$algo
:key q
:key q
EOF2
	assert_eq "$algo: console exit 0" 0 "$rc"
	status $algo >"$T/$algo.status"
	assert_contains "$algo: the three differences counted" "+1 -1 ~1" "$(cat "$T/$algo.status")"
	# a row only in the target shows its key in the target's pane
	for k in "~ 1234 v1234" "[+] 4321 v4321" "- [(]no row[)] .*6000 prod only"; do
		assert_eq "$algo: row '$k' listed" 1 "$(count_lines $algo "^ *$k")"
	done
done
assert_contains "hash: the status bar says hash ran and its segments" "hash " "$(cat "$T/hash.status")"
segs=$(sed -n 's/.*hash \([0-9]*\)\/\([0-9]*\) segments.*/\2/p' "$T/hash.status")
[ "${segs:-0}" -gt 32 ] && ok "hash: $segs segments checked" || not_ok "hash: segments '${segs}'"
assert_not_contains "stream: no hash note" "segments" "$(cat "$T/stream.status")"
# the rows the grid lists are the same whichever ran
diff <(grep -E '^ *[~+-] ' "$T/hash") <(grep -E '^ *[~+-] ' "$T/stream") >/dev/null &&
	ok "hash and stream list the same rows" || not_ok "hash and stream list different rows"

write_config fastest
console --config "$T/config.ini" --table hash_c <<EOF2
:wait-idle
:dump $T/bad
:key q
:key q
EOF2
assert_contains "unknown algorithm: said on the screen" "unknown algorithm 'fastest' (stream, hash, auto)" "$(screen bad)"

finish
