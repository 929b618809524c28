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
:key ^D
:dump $T/help2
:key ^D
:dump $T/help3
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

all_help=$(cat "$T/help" "$T/help2" "$T/help3" "$T/help_end")

echo "# problems in [keys] reported with file and line"
assert_contains "unknown action" "$CFG:$(line_of frobnicate): [keys]: unknown action 'frobnicate'" "$(status start)"
assert_contains "all messages on the help screen" "$CFG:$(line_of 'apply = '): [keys]: '^^^' is not a key" "$all_help"

assert_contains "a key another action holds is not taken" \
	"$CFG:$(line_of 'columns = j'): [keys]: columns = j not applied: j is the key of move-down" "$all_help"

echo "# the help screen comes from the action table, a section per screen"
assert_contains "help title" "Help" "$(line help 2)"
for section in "Moving around" "Everywhere" "Tables screen" "Diff screen" "Columns screen" "Preview and apply" "Journals screen"; do
	assert_contains "section: $section" "$section" "$all_help"
done
assert_eq "preview listed under the diff screen" "Diff screen" \
	"$(grep -E '^ *(Moving around|Everywhere|Tables screen|Diff screen|Columns screen|Preview and apply|Journals screen) *$|  preview  ' <<<"$all_help" | grep -B1 '  preview  ' | head -n 1 | sed 's/^ *//; s/ *$//')"
assert_contains "move-down with both keys" "  j, Down        move-down          Move the cursor down one line" "$all_help"
assert_contains "rebound preview shows P" "  P              preview            Preview the SQL the copy would run" "$all_help"
assert_contains "rebound journals shows F5" "  F5             journals" "$all_help"
assert_contains "quit listed" "  Q              quit               Quit rowferry" "$all_help"
assert_contains "markers explained" "(col)  excluded" "$all_help"

echo "# each screen's main keys in the status bar, as bound now"
assert_contains "diff: hints with the rebound preview" "w where  K key  c columns  P preview  A apply" "$(status diff_hints)"

echo "# the new key works, the old one is free"
assert_contains "p no longer previews" "p: no action" "$(status old_key)"
assert_contains "P previews" "Preview: the SQL apply would run on prod" "$(line new_key 2)"
assert_contains "F5 opens the journals" "Journals in" "$(line f5 2)"

finish
