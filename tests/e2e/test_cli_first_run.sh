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
finish
