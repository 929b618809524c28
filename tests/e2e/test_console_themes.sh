#!/bin/bash
# test_console_themes.sh - every shipped theme loads without a warning (by
# --theme and by [ui] theme); a theme with unknown names gets FILE:LINE
# warnings and still applies the rest; a missing theme falls back to the
# built-in one with a warning; NO_COLOR runs without colours.
. "$(dirname "$0")/console_lib.sh"

make_demo
themes=$RF_SOURCE_DIR/themes

for t in default dark light mono high-contrast; do
	[ -f "$themes/$t.ini" ] && ok "$t.ini shipped" || not_ok "$t.ini missing"
	console --config "$CFG" --theme "$t" <<EOF
:key ?
:key G
:dump $T/help_$t
EOF
	assert_eq "$t: exit 0" 0 "$rc"
	assert_contains "$t: loaded from the file" "Theme: $themes/$t.ini" "$(screen "help_$t")"
	assert_not_contains "$t: no messages" "Messages" "$(screen "help_$t")"
done

echo "# [ui] theme in the config"
sed -i 's/^theme = default$/theme = dark/' "$CFG"
console --config "$CFG" <<EOF
:key ? G
:dump $T/help_cfg
EOF
assert_contains "[ui] theme used" "Theme: $themes/dark.ini" "$(screen help_cfg)"

echo "# unknown names: FILE:LINE, the rest applies"
cat >"$T/odd.ini" <<'EOF'
[colors]
row_added = green default bold
row_addded = green default
cursor = purple default
header = white blue sparkly
EOF
console --config "$CFG" --theme "$T/odd.ini" <<EOF
:dump $T/odd_start
:key ? G
:dump $T/odd_help
EOF
assert_contains "first warning in the status bar" "$T/odd.ini:3: unknown colour meaning 'row_addded'" "$(status odd_start)"
assert_contains "bad colour" "$T/odd.ini:4: unknown colour 'purple'" "$(screen odd_help)"
assert_contains "bad attribute" "$T/odd.ini:5: unknown attribute 'sparkly'" "$(screen odd_help)"
assert_contains "theme still used" "Theme: $T/odd.ini" "$(screen odd_help)"

echo "# a missing theme: the built-in one"
console --config "$CFG" --theme nosuchtheme <<EOF
:dump $T/missing
:key ? G
:dump $T/missing_help
EOF
assert_contains "missing theme warned" "theme: 'nosuchtheme' not found; using the built-in theme" "$(status missing)"
assert_contains "built-in" "Theme: built-in" "$(screen missing_help)"

echo "# NO_COLOR: same screen, no colours"
console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:dump $T/color
EOF
NO_COLOR=1 console --config "$CFG" <<EOF
:key G Enter
:wait-idle
:dump $T/nocolor
:key ? G
:dump $T/nocolor_help
EOF
assert_contains "NO_COLOR: colours off" "(colours off: NO_COLOR" "$(screen nocolor_help)"
assert_not_contains "colours on without it" "(colours off" "$(screen help_default)"
assert_eq "NO_COLOR: exit 0" 0 "$rc"
assert_eq "NO_COLOR: the same text (state by glyphs, not colour)" "$(screen color)" "$(screen nocolor)"

finish
