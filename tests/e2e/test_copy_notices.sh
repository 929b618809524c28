#!/bin/bash
# A copy that fails on a unique expression index of the target (issue 10,
# 11c): the error is reported once, and nothing the server says on the side
# reaches the terminal raw. It used to end with "WARNING: there is no
# transaction in progress": a ROLLBACK sent after the failed load's
# transaction had ended, printed by libpq's default notice processor.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/copy_lib.sh"

fresh_dbs notices
pg "$PGD" "CREATE TABLE t (id integer PRIMARY KEY, code text);
	INSERT INTO t VALUES (1, 'abc'), (2, 'ABC');
	INSERT INTO t SELECT g, 'c' || g FROM generate_series(3, 1500) g;" >/dev/null
pg "$PGP" "CREATE TABLE t (id integer PRIMARY KEY, code text);
	CREATE UNIQUE INDEX t_code_lower ON t ((lower(code)));" >/dev/null

# 1500 inserts: a bulk load, which the unique index fails
rf copy t --from "$PGD" --to "$PGP" --yes --undo-dir "$T/undo"
assert_eq "the copy fails: exit 2" 2 "$rc"
assert_contains "the error names the index" 't_code_lower' "$(cat "$T/err")"
assert_not_contains "no raw server WARNING on stderr" "WARNING" "$(cat "$T/err")"
assert_eq "one line on stderr" 1 "$(wc -l <"$T/err")"
assert_eq "nothing written" 0 "$(pg "$PGP" 'SELECT count(*) FROM t')"

# a few rows: INSERTs, the same
pg "$PGD" "DELETE FROM t WHERE id > 2" >/dev/null
rf copy t --from "$PGD" --to "$PGP" --yes --undo-dir "$T/undo"
assert_eq "INSERTs: exit 2" 2 "$rc"
assert_not_contains "INSERTs: no raw server WARNING" "WARNING" "$(cat "$T/err")"
assert_eq "INSERTs: nothing written" 0 "$(pg "$PGP" 'SELECT count(*) FROM t')"

finish
