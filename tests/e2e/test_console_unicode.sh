#!/bin/bash
# test_console_unicode.sh - wide characters (CJK, emoji) take two columns,
# combining marks none, control characters are escaped: the panes stay
# aligned whatever the data holds.
. "$(dirname "$0")/console_lib.sh"

mkdir -p "$T/u"
for side in dev prod; do
	sq "$T/u/$side.db" "CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT, city TEXT)"
done
sq "$T/u/dev.db" "INSERT INTO names VALUES
	(1, '日本語のなまえ', 'Tōkyō'),
	(2, 'emoji 🎉🎉 party', 'Zürich'),
	(3, 'e' || char(769) || 'te' || char(769), 'Ha Noi'),
	(4, 'tab' || char(9) || 'and' || char(10) || 'newline', 'Oslo'),
	(5, 'plain', '北京市朝阳区建国门外大街一号国贸大厦')"
sq "$T/u/prod.db" "INSERT INTO names VALUES (1, '日本語の名前', 'Tokyo'), (5, 'plain', 'Beijing')"
cat >"$T/u/config.ini" <<EOF
[connection dev]
url = sqlite:$T/u/dev.db
[connection prod]
url = sqlite:$T/u/prod.db
[defaults]
source = dev
target = prod
EOF

console --config "$T/u/config.ini" <<EOF
:key Enter
:wait-idle
:dump $T/diff
EOF
assert_eq "exit 0" 0 "$rc"

widths=$(sep_cols diff 5 9)
assert_eq "the separator in one display column on every row" "61" "$widths"
assert_contains "wide text shown" "日本語のなまえ" "$(screen diff)"
assert_contains "emoji shown" "🎉🎉" "$(screen diff)"
assert_contains "control characters escaped" 'tab\tand\nnewline' "$(screen diff)"
assert_contains "long wide text cut with an ellipsis" "…" "$(grep '^ ~ 5' "$T/diff")"

finish
