#!/bin/bash
# test_console_connections.sh - choosing the connections inside the console
# (C on the tables screen): the config's connections listed with the source
# and target marked, t marking another target, Enter connecting to it and
# listing the new pair's tables; a connection that fails keeps the old pair.
. "$(dirname "$0")/console_lib.sh"

make_demo
cp "$DEV" "$T/demo/copy.db"
cat >>"$CFG" <<EOF

[connection copy]
url = sqlite:$T/demo/copy.db

[connection broken]
url = sqlite:$T/demo/no/such/dir/x.db
EOF

console --config "$CFG" <<EOF
:key C
:dump $T/list
:key G k t Enter
:dump $T/switched
:key G Enter
:wait-idle
:dump $T/diff
:key q C G t Enter
:dump $T/failed
:key q
:dump $T/kept
EOF
assert_eq "exit 0" 0 "$rc"
echo "# the list: every connection, the pair marked"
assert_contains "dev is the source" "    S           dev" "$(screen list)"
assert_contains "prod is the target" "           T    prod" "$(screen list)"
assert_contains "the others listed" "copy" "$(screen list)"
assert_contains "... URLs shown" "sqlite:$T/demo/copy.db" "$(screen list)"
echo "# t and Enter: the new target, its tables"
assert_contains "says so" "connected: dev -> copy" "$(status switched)"
assert_contains "the header names it" "copy" "$(line switched 1)"
assert_contains "the tables of the new pair" "siteflow_orders" "$(screen switched)"
assert_contains "a copy of dev has no differences" "no differences" "$(screen diff)"
echo "# a connection that fails keeps the pair there was"
assert_contains "the error shown" "error:" "$(status failed)"
assert_contains "still the copy after it" "copy" "$(line kept 1)"
finish
