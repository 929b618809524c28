#!/bin/bash
# test_console_cancel.sh - a long diff runs in slices between key presses:
# its progress shows, keys keep working, Esc stops it (the rows so far stay,
# marked CANCELLED, and nothing can be copied from an incomplete diff), and
# R runs it again to the end. A long apply cancelled with Esc rolls back:
# nothing is written.
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
[safety]
undo_dir = $T/big/undo
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

echo "# Esc during the apply: rolled back, nothing written"
# Esc queued right behind the Enter that starts the apply: the apply's
# progress callback finds it while the transaction is open (so the size of
# the copy does not matter: 5000 rows keep the test quick)
console --config "$T/big/config.ini" <<EOF
:key Enter
:wait-idle
:key w
:type id <= 5000
:enter
:wait-idle
:key A
:type prod
:key Enter Esc
:dump $T/apply_cancelled
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "cancelled" "Cancelled: rolled back, nothing written." "$(screen apply_cancelled)"
assert_eq "prod still empty" 0 "$(sq "$T/big/prod.db" "SELECT count(*) FROM items")"
for j in "$T"/big/undo/*.jsonl; do
	# a journal begun before the cancel is closed as aborted
	[ -f "$j" ] && assert_contains "the journal says aborted" '"state":"aborted"' "$(tail -n 1 "$j")"
done

finish
