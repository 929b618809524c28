#!/bin/bash
# test_console_keys.sh - actions, not keys: the help screen generated from
# the action table, [keys] in config.ini rebinding an action (the new key
# works, the old one is free, the help shows it), and an unknown action or
# key, or a key another action holds, reported as FILE:LINE in the status
# bar while loading goes on (the colliding rebinding is not applied).
. "$(dirname "$0")/console_lib.sh"

make_demo
cat >>"$CFG" <<'EOF'

[keys]
preview = P
journals = F5
frobnicate = z
apply = ^^^
columns = j
EOF
line_of() { grep -n "^$1" "$CFG" | cut -d: -f1; }

console --config "$CFG" <<EOF
:dump $T/start
:key ?
:dump $T/help
:key G
:dump $T/help_end
:key q G Enter
:wait-idle
:dump $T/diff_hints
:key p
:dump $T/old_key
:key P
:dump $T/new_key
:key q F5
:dump $T/f5
EOF
assert_eq "exit 0" 0 "$rc"

echo "# problems in [keys] reported with file and line"
assert_contains "unknown action" "$CFG:$(line_of frobnicate): [keys]: unknown action 'frobnicate'" "$(status start)"
assert_contains "all messages on the help screen" "$CFG:$(line_of 'apply = '): [keys]: '^^^' is not a key" "$(screen help_end)"

assert_contains "a key another action holds is not taken" \
	"$CFG:$(line_of 'columns = j'): [keys]: columns = j not applied: j is the key of move-down" "$(screen help_end)"

echo "# the help screen comes from the action table"
assert_contains "help title" "Help" "$(line help 2)"
assert_contains "move-down with both keys" "  j, Down        move-down          Move the cursor down one line" "$(screen help)"
assert_contains "rebound preview shows P" "  P              preview            Preview the SQL the copy would run" "$(screen help)"
assert_contains "rebound journals shows F5" "  F5             journals" "$(screen help)"
assert_contains "quit listed" "  Q              quit               Quit rowferry" "$(screen help_end)"
assert_contains "markers explained" "(col)  excluded" "$(screen help_end)"

echo "# each screen's main keys in the status bar, as bound now"
assert_contains "diff: hints with the rebound preview" "w where  K key  c columns  P preview  A apply" "$(status diff_hints)"

echo "# the new key works, the old one is free"
assert_contains "p no longer previews" "p: no action" "$(status old_key)"
assert_contains "P previews" "Preview: the SQL apply would run on prod" "$(line new_key 2)"
assert_contains "F5 opens the journals" "Journals in" "$(line f5 2)"

finish
