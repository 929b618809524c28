#!/bin/bash
# What a new user meets first on the command line: rowferry with no config
# says where it looked and what to do instead; an unknown option is one line
# naming it and where the help is, not the whole help; a misspelt column
# gets a "did you mean".
. "$(dirname "$0")/lib.sh"

cd "$T"
export HOME=$T/home XDG_CONFIG_HOME=$T/xdg
unset ROWFERRY_CONFIG
mkdir -p "$HOME"

rf tables
assert_eq "no config: exit 2" 2 "$rc"
assert_contains "says where it looked" "no config file found (looked for ./config.ini and $T/xdg/rowferry/config.ini)" "$(cat "$T/err")"
assert_contains "suggests the demo" "rowferry demo" "$(cat "$T/err")"
assert_contains "suggests --from and --to" "give --from and --to" "$(cat "$T/err")"

for cmd in diff copy undo log tables; do
	rf "$cmd" --bogus x
	assert_eq "$cmd: an unknown option exits 2" 2 "$rc"
	assert_eq "$cmd: ... in one line" 1 "$(wc -l <"$T/err")"
	assert_contains "$cmd: ... naming it and the help" "rowferry: $cmd: unknown option or missing value: --bogus (rowferry $cmd --help)" "$(cat "$T/err")"
done
rf copy t --from
assert_contains "a missing value named too" "missing value: --from" "$(cat "$T/err")"

"$ROWFERRY" demo --no-open "$T/demo" >/dev/null
rf diff siteflow_orders --from "sqlite:$T/demo/dev.db" --to "sqlite:$T/demo/prod.db" --exclude gid
assert_eq "misspelt column: exit 2" 2 "$rc"
assert_contains "did you mean" "no column 'gid' in siteflow_orders (did you mean guid?)" "$(cat "$T/err")"
rf diff siteflow_orders --from "sqlite:$T/demo/dev.db" --to "sqlite:$T/demo/prod.db" --key zzzz
assert_not_contains "no guess when nothing is near" "did you mean" "$(cat "$T/err")"
rf diff siteflow_order --from "sqlite:$T/demo/dev.db" --to "sqlite:$T/demo/prod.db"
assert_eq "misspelt table: exit 2" 2 "$rc"
assert_contains "did you mean, for a table" "no such table: siteflow_order (did you mean siteflow_orders?)" "$(cat "$T/err")"
rf diff zzzz --from "sqlite:$T/demo/dev.db" --to "sqlite:$T/demo/prod.db"
assert_not_contains "no guess for a table when nothing is near" "did you mean" "$(cat "$T/err")"
# PostgreSQL and MariaDB too (names listed without counting their rows)
pg "$RF_TEST_PG_URL" "CREATE TABLE IF NOT EXISTS first_run_orders (id int PRIMARY KEY)" >/dev/null
rf diff first_run_ordrs --from "$RF_TEST_PG_URL" --to "$RF_TEST_PG_URL"
assert_contains "PostgreSQL: did you mean" "(did you mean first_run_orders?)" "$(cat "$T/err")"
my "$RF_TEST_MY_URL" "CREATE TABLE IF NOT EXISTS first_run_orders (id int PRIMARY KEY)"
rf diff first_run_ordrs --from "$RF_TEST_MY_URL" --to "$RF_TEST_MY_URL"
assert_contains "MariaDB: did you mean" "(did you mean first_run_orders?)" "$(cat "$T/err")"
finish
