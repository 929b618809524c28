#!/bin/bash
# The journal's disk fills up mid-copy (undo_dir on a 1 MB tmpfs; where no
# tmpfs can be mounted, a file-size limit that makes writes fail the same
# way): the copy ends with a clean error and exit 2, the target keeps none
# of the rows, and no memory error (the predicted after-images' writer
# thread was freed twice on this path: a heap-use-after-free under ASan,
# "double free or corruption" without it).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/copy_lib.sh"

fresh_dbs diskfull

small=$T/small
mkdir -p "$small"
limit=""
if mount -t tmpfs -o size=1m rowferry-test "$small" 2>/dev/null; then
	rf_at_exit 'umount "$small" 2>/dev/null'
else
	limit=1024 # KiB (ulimit -f counts 1 KiB blocks here)
fi

for e in pg my; do
	dev=$(url_of "$e" dev)
	prod=$(url_of "$e" prod)
	ddl="CREATE TABLE t (id integer PRIMARY KEY, note varchar(200) NOT NULL)"
	sql_query "$e" "$dev" "$ddl" >/dev/null
	sql_query "$e" "$prod" "$ddl" >/dev/null
	if [ "$e" = pg ]; then
		pg "$dev" "INSERT INTO t SELECT g, repeat('x', 150) || g FROM generate_series(1, 20000) g"
	else
		my "$dev" "SET SESSION max_recursive_iterations = 100000; INSERT INTO t WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 20000)
			SELECT g, CONCAT(REPEAT('x', 150), g) FROM s"
	fi
	cfg=$T/$e.ini
	write_config "$cfg" "$dev" "$prod" "$small/undo-$e"
	set +e
	(
		trap '' XFSZ # a write past the limit fails with EFBIG instead of killing
		[ -z "$limit" ] || ulimit -f "$limit"
		exec "$ROWFERRY" --config "$cfg" copy t --yes
	) >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	set -e
	assert_eq "$e: a full journal disk fails the copy with exit 2" 2 "$rc"
	assert_contains "$e: ... and says why" "rowferry:" "$(cat "$T/err")"
	assert_not_contains "$e: ... no memory error" "double free" "$(cat "$T/err")"
	assert_not_contains "$e: ... no ASan report" "AddressSanitizer" "$(cat "$T/err")"
	assert_eq "$e: the target keeps none of the rows" 0 "$(sql_query "$e" "$prod" "SELECT count(*) FROM t")"
	j=$(ls "$small/undo-$e"/*.jsonl 2>/dev/null | head -n 1)
	if [ -n "$j" ]; then
		last=$(tail -n 1 "$j" | jq -r '.state // empty' 2>/dev/null || true)
		assert_eq "$e: the journal is not left committed" no "$([ "$last" = committed ] && echo yes || echo no)"
	fi
	rm -rf "$small/undo-$e"
done
finish
