#!/bin/bash
# test_console_cancel.sh - a long diff runs in slices between key presses:
# its progress shows, keys keep working, Esc stops it (the rows so far stay,
# marked CANCELLED, and nothing can be copied from an incomplete diff), and
# R runs it again to the end.
. "$(dirname "$0")/console_lib.sh"

mkdir -p "$T/big"
for side in dev prod; do
	sq "$T/big/$side.db" "CREATE TABLE items (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, qty INTEGER)"
done
sq "$T/big/dev.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)
	INSERT INTO items SELECT i, printf('SKU-%06d', i), i % 17 FROM n"
cat >"$T/big/config.ini" <<EOF
[connection dev]
url = sqlite:$T/big/dev.db
[connection prod]
url = sqlite:$T/big/prod.db
[defaults]
source = dev
target = prod
EOF

console --config "$T/big/config.ini" <<EOF
:key Enter
:dump $T/running
:key j j
:dump $T/moving
:key Esc
:dump $T/cancelled
:key p
:dump $T/no_preview
:key R
:dump $T/rerun
:wait-idle
:dump $T/finished
EOF
assert_eq "exit 0" 0 "$rc"

echo "# running: progress in the status bar, rows already there"
assert_contains "progress" "% " "$(status running)"
assert_contains "progress says diff" " diff " "$(status running)"
assert_contains "first rows shown" " + 1 " "$(screen running)"
assert_contains "keys work meanwhile" "3/" "$(status moving)"
echo "# Esc cancels"
assert_contains "cancelled message" "diff cancelled" "$(status cancelled)"
assert_contains "cancelled marker" "CANCELLED" "$(status cancelled)"
assert_contains "no copy from a cancelled diff" "the diff was cancelled" "$(status no_preview)"
echo "# R runs it again, to the end"
assert_contains "running again" " diff " "$(status rerun)"
assert_contains "finished" "+300000 -0 ~0 =0" "$(status finished)"
assert_not_contains "no longer cancelled" "CANCELLED" "$(status finished)"

finish
