#!/bin/bash
# sql(EXPR) in a [map] section (DESIGN §12, §15; issue 13): a source-engine
# expression read as one more select-list item of the source's stream, in
# the same read-only statement. A map with label = sql(upper(name) || '-' ||
# id) (concat() on MariaDB), one sql() inside trim() and whole-column ones
# read as the target's integer, boolean and bytes, diffs and copies PostgreSQL ->
# PostgreSQL, MariaDB -> PostgreSQL and SQLite -> SQLite; a second run has
# nothing to do; a source change shows as a changed label. An unknown
# function is the server's error naming the map's file, line and column,
# with nothing written. Attacks: a sql() that tries to stack a statement or
# hide one from the map parser in a quote (each engine's quoting: dollar
# quotes, backslash escapes, [identifiers]), a comment, or a write from
# inside the read (nextval(), a MariaDB function that inserts) is refused
# or fails, and no table changes on either side.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/copy_lib.sh"

fresh_dbs mapsql
people='CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL);
INSERT INTO people VALUES (1, '"'ann'"'), (2, '"'bob'"'), (3, '"'cy'"');
CREATE TABLE victim (id INTEGER PRIMARY KEY);
INSERT INTO victim VALUES (1), (2);'
pg "$PGD" "$people; CREATE SEQUENCE tick" >/dev/null
my "$MYD" "$people"
sq "${SQD#sqlite:}" "$people"
pgf "$PGP" >/dev/null <<'SQL'
CREATE TABLE tags (id int PRIMARY KEY, label text NOT NULL, padded text, tenfold int, later boolean, raw bytea);
CREATE TABLE tags_my (id int PRIMARY KEY, label text NOT NULL, padded text, tenfold int, later boolean, raw bytea);
CREATE TABLE victim (id int PRIMARY KEY);
INSERT INTO victim VALUES (1), (2);
SQL
sq "${SQP#sqlite:}" "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL, padded TEXT, tenfold INTEGER, raw BLOB);
CREATE TABLE victim (id INTEGER PRIMARY KEY); INSERT INTO victim VALUES (1), (2);"

cat >"$T/pg.ini" <<'INI'
[map tags]
from = people
key = id
id = id
label = sql(upper(name) || '-' || id)
padded = trim(sql('  ' || name || '  '))
tenfold = sql(id * 10)
later = sql(id > 1)
raw = sql(convert_to(name, 'UTF8'))
INI
cat >"$T/my.ini" <<'INI'
[map tags_my]
from = people
key = id
id = id
label = sql(concat(upper(name), '-', id))
padded = trim(sql(concat('  ', name, '  ')))
tenfold = sql(id * 10)
later = sql(id > 1)
raw = sql(CAST(name AS BINARY))
INI
grep -v '^later' "$T/pg.ini" | sed 's/^raw = .*/raw = sql(CAST(name AS BLOB))/' >"$T/sq.ini"

# pair ENGINE -> source URL, target URL, map file, target table
pair() {
	case $1 in
	pg) echo "$PGD $PGP $T/pg.ini tags" ;;
	my) echo "$MYD $PGP $T/my.ini tags_my" ;;
	sq) echo "$SQD $SQP $T/sq.ini tags" ;;
	esac
}
# target ENGINE: the target table's rows, a line each
target() {
	read -r from to map table <<<"$(pair "$1")"
	if [ "$1" = sq ]; then
		sq "${to#sqlite:}" "SELECT id, label, padded, tenfold, lower(hex(raw)) FROM $table ORDER BY id"
	else
		pg "$to" "SELECT id, label, padded, tenfold, later, encode(raw, 'hex') FROM $table ORDER BY id"
	fi
}

for e in pg my sq; do
	read -r from to map table <<<"$(pair $e)"
	rf diff "$table" --map "$map" --from "$from" --to "$to"
	assert_eq "$e: diff before the copy: exit 1" 1 "$rc"
	assert_contains "$e: three rows only in the source" "people -> " "$(cat "$T/out")"
	assert_contains "$e: ... counted" "3 only in source, 0 only in target, 0 changed" "$(cat "$T/out")"

	rf copy "$table" --map "$map" --from "$from" --to "$to" --yes --undo-dir "$T/undo_$e"
	assert_eq "$e: copy: exit 0" 0 "$rc"
	assert_contains "$e: three inserted" "3 inserted, 0 updated, 0 deleted" "$(cat "$T/out")"
	if [ $e = sq ]; then
		want='1|ANN-1|ann|10|616e6e
2|BOB-2|bob|20|626f62
3|CY-3|cy|30|6379'
	else
		want='1|ANN-1|ann|10|f|616e6e
2|BOB-2|bob|20|t|626f62
3|CY-3|cy|30|t|6379'
	fi
	assert_eq "$e: the server's expressions, trim() around one, integer, boolean and bytes read as the target's" \
		"$want" "$(target $e)"

	rf copy "$table" --map "$map" --from "$from" --to "$to" --yes --undo-dir "$T/undo_$e"
	assert_eq "$e: second copy: exit 0" 0 "$rc"
	assert_contains "$e: ... nothing to do" "nothing to do" "$(cat "$T/out")"
	rf diff "$table" --map "$map" --from "$from" --to "$to"
	assert_eq "$e: diff after the copy: exit 0" 0 "$rc"
	assert_contains "$e: ... three identical" "0 only in source, 0 only in target, 0 changed, 3 identical" "$(cat "$T/out")"
done

# the expression is the server's, read with each row: a source change shows
sql_run pg "$PGD" <<<"UPDATE people SET name = 'dora' WHERE id = 2"
rf diff tags --map "$T/pg.ini" --from "$PGD" --to "$PGP"
assert_eq "pg: a changed source name: exit 1" 1 "$rc"
assert_eq "pg: ... the label the server computes differs" 1 \
	"$(grep -cE '^    label +DORA-2 +-> +BOB-2$' "$T/out")"
sql_run pg "$PGD" <<<"UPDATE people SET name = 'bob' WHERE id = 2"

# an unknown function: the server's error, naming the map's line, before any write
for e in pg my sq; do
	read -r from to map table <<<"$(pair $e)"
	sed 's/^label = sql(/label = sql(nosuchfn(name) || /' "$map" >"$T/bad.ini"
	before=$(target $e)
	rf copy "$table" --map "$T/bad.ini" --from "$from" --to "$to" --yes --undo-dir "$T/undo_bad"
	assert_eq "$e: unknown function: exit 2" 2 "$rc"
	assert_contains "$e: ... the server names it" "nosuchfn" "$(cat "$T/err")"
	assert_contains "$e: ... and the error the map's line and column" "bad.ini:5: column label" "$(cat "$T/err")"
	assert_eq "$e: ... nothing written" "$before" "$(target $e)"
	assert_eq "$e: ... no journal" "" "$(ls "$T/undo_bad" 2>/dev/null)"
done

# --- attacks ------------------------------------------------------------------
victims() { # ENGINE: victim's rows on the source / on the target
	read -r from to map table <<<"$(pair "$1")"
	echo "$(sql_query "$1" "$from" 'SELECT count(*) FROM victim')/$(sql_query "${1/my/pg}" "$to" 'SELECT count(*) FROM victim')"
}
# refused ENGINE LABEL EXPR MESSAGE: a copy whose label is EXPR fails
# (exit 2) with MESSAGE in its error, and victim and the target stay
refused() {
	local before
	read -r from to map table <<<"$(pair "$1")"
	X=$3 awk '/^label = /{print "label = " ENVIRON["X"]; next} {print}' "$map" >"$T/attack.ini"
	before=$(target "$1")
	rf copy "$table" --map "$T/attack.ini" --from "$from" --to "$to" --yes --undo-dir "$T/undo_bad"
	assert_eq "$1 $2: exit 2" 2 "$rc"
	assert_contains "$1 $2: says why" "$4" "$(cat "$T/err")"
	assert_eq "$1 $2: victim unchanged on both sides" "2/2" "$(victims "$1")"
	assert_eq "$1 $2: the target unchanged" "$before" "$(target "$1")"
}
refused pg "a stacked statement" "sql(name; DROP TABLE victim; SELECT 1)" \
	"sql() must be a single expression (found ';')"
refused pg "a statement hidden from the map parser in dollar quotes" \
	'sql($$'"'"'$$ ); COMMIT; DROP TABLE victim; SELECT ($$'"'"'$$)' \
	"attack.ini:5: column label: sql() has an unbalanced ')'"
refused pg "a comment" "sql(name -- x)" "attack.ini:5: column label: sql() must not contain comments"
refused pg "a write inside the read-only transaction" "sql(name || nextval('tick'))" \
	"read-only transaction"
assert_eq "pg: ... the sequence never moved" "f" "$(pg "$PGD" 'SELECT is_called FROM tick')"
refused my "a backslash-escaped quote the map parser reads otherwise" \
	"sql('\\'' ); COMMIT; DELETE FROM victim; SELECT (')" "attack.ini:5: column label: sql() has an unbalanced ')'"
refused my "a stacked statement" "sql(name; COMMIT; DELETE FROM victim; SELECT 1)" \
	"sql() must be a single expression (found ';')"
refused my "an executable comment" "sql(name /*! , 1 */)" "sql() must not contain comments"
refused my "a '#' comment" "sql(name # x)" "sql() must not contain comments"
myf "$MYD" <<'SQL'
DELIMITER //
CREATE FUNCTION rf_write() RETURNS INT MODIFIES SQL DATA
BEGIN INSERT INTO victim VALUES (3); RETURN 1; END//
DELIMITER ;
SQL
refused my "a function that writes, inside the read-only transaction" \
	"sql(concat(name, rf_write()))" "READ ONLY"
my "$MYD" "SELECT rf_write()" >/dev/null
assert_eq "my: ... (the same function writes outside a read-only transaction)" 3 \
	"$(my "$MYD" 'SELECT count(*) FROM victim')"
my "$MYD" "DELETE FROM victim WHERE id = 3"
refused sq "a stacked statement" "sql(name; COMMIT; DELETE FROM victim; SELECT 1)" \
	"sql() must be a single expression (found ';')"
refused sq "a statement hidden from the map parser in [identifier] quotes" \
	"sql([']); COMMIT; DELETE FROM victim; SELECT (['])" "attack.ini:5: column label: sql() has an unbalanced ')'"
refused sq "a parameter" "sql(name || :x)" "sql() must not contain parameters"
finish
