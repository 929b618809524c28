#!/bin/bash
# --where through the real binary (issue 10): the strings that once dropped
# and wrote to a table in both databases are refused with a clear error and
# every table is unchanged on both sides, on PostgreSQL and MariaDB; data
# holding ';' still filters ($$a;b$$, 'a;b'); a read that runs past
# [safety] read_timeout_ms ends in seconds with exit 2 and names the limit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/copy_lib.sh"

fresh_dbs where
fixture='CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR(10), note VARCHAR(10));
INSERT INTO t VALUES (1, '"'a'"', '"'a;b'"'), (2, '"'b'"', '"'c'"');
CREATE TABLE victim (id INTEGER PRIMARY KEY);
INSERT INTO victim VALUES (1), (2);'
for u in "$PGD" "$PGP"; do pg "$u" "$fixture" >/dev/null; done
for u in "$MYD" "$MYP"; do my "$u" "$fixture"; done

victims() { # ENGINE: "rows on dev/rows on prod"
	if [ "$1" = pg ]; then
		echo "$(pg "$PGD" 'SELECT count(*) FROM victim')/$(pg "$PGP" 'SELECT count(*) FROM victim')"
	else
		echo "$(my "$MYD" 'SELECT count(*) FROM victim')/$(my "$MYP" 'SELECT count(*) FROM victim')"
	fi
}

# refused ENGINE LABEL WHERE: the diff fails with a clear --where error and
# victim keeps its two rows in both databases
refused() {
	local from=$PGD to=$PGP
	[ "$1" = my ] && from=$MYD to=$MYP
	rf diff t --from "$from" --to "$to" --where "$3"
	assert_eq "$1 $2: exit 2" 2 "$rc"
	assert_contains "$1 $2: says what is wrong with --where" "--where " "$(cat "$T/err")"
	assert_eq "$1 $2: victim unchanged in both databases" "2/2" "$(victims "$1")"
}

# --- PostgreSQL: the issue's two strings, as reproduced -------------------
refused pg "dollar quotes around a quote" \
	'$$'"'"'$$ = $$x$$) ORDER BY 1) TO STDOUT; COMMIT; DROP TABLE victim; COPY (SELECT 1 AS id WHERE ($$'"'"'$$ <> $$a$$'
refused pg "a backslash that ends nothing" \
	"v <> '\\') ORDER BY 1) TO STDOUT; COMMIT; INSERT INTO victim VALUES (3); COPY (SELECT 1 AS id WHERE (chr(39) <> E'\\''"
refused pg "a comment" "v = 'a' -- x"
refused pg "an unterminated dollar quote" 'v = $q$a'

# ';' that is data
rf diff t --from "$PGD" --to "$PGP" --where 'note = $$a;b$$' --format json
assert_eq "pg: \$\$a;b\$\$ filters, no differences: exit 0" 0 "$rc"
assert_eq "pg: \$\$a;b\$\$ matches row 1 only" "1" \
	"$(jq -r 'select(.summary) | .summary.identical' "$T/out")"
rf diff t --from "$PGD" --to "$PGP" --where "note = 'a;b' OR v = E'b\\\\'" --format json
assert_eq "pg: 'a;b' and E'' filter: exit 0" 0 "$rc"
assert_eq "pg: 'a;b' matches row 1 only" "1" \
	"$(jq -r 'select(.summary) | .summary.identical' "$T/out")"

# --- MariaDB: backslash tricks, executable comments, '#' -------------------
refused my "an escaped quote" "v = '\\'' OR 1) ORDER BY 1; DROP TABLE victim; SELECT ('"
refused my "an executable comment" "v = 'a' /*! OR 1=1 */"
refused my "a '#' comment" "v = 'a' # OR 1=1"
refused my "a dollar quote is no quote there" 'note = $$a;b$$'
rf diff t --from "$MYD" --to "$MYP" --where "note = 'a;b' OR note = \"it\\\"s\"" --format json
assert_eq "my: 'a;b' and a backslash-escaped \" filter: exit 0" 0 "$rc"
assert_eq "my: 'a;b' matches row 1 only" "1" \
	"$(jq -r 'select(.summary) | .summary.identical' "$T/out")"

# --- [safety] read_timeout_ms ----------------------------------------------
printf '[safety]\nread_timeout_ms = 1000\n' >"$T/config.ini"
for e in pg my; do
	from=$PGD to=$PGP where="pg_sleep(100) is not null"
	[ $e = my ] && from=$MYD to=$MYP where="sleep(100) = 0"
	start=$(date +%s)
	rf diff t --config "$T/config.ini" --from "$from" --to "$to" --where "$where"
	took=$(($(date +%s) - start))
	assert_eq "$e: a read past read_timeout_ms: exit 2" 2 "$rc"
	assert_contains "$e: the error names the limit" \
		"the read took longer than read_timeout_ms (1000 ms)" "$(cat "$T/err")"
	if [ "$took" -lt 10 ]; then ok "$e: stopped in ${took}s"; else not_ok "$e: took ${took}s"; fi
done

finish
