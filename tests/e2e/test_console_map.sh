#!/bin/bash
# test_console_map.sh - the console through a [map TARGET] section (DESIGN
# §8, §12; issue 13 item 5): a legacy SQLite `Orders` (PascalCase, unix
# times, status codes, untrimmed emails and notes, a column nothing reads)
# into an SQLite `orders` keyed by legacy_id, with a column nothing maps.
# The diff screen lists the mapped rows and says the table is mapped; the
# row whose email fails its check() is marked `!` with its reason; the
# columns screen shows `target <- expression`, flags the unmapped target
# column and the unread source column, and `e` rejects a bad expression
# (its error on the screen, the old one kept) and takes a good one (the
# diff changes); the cell inspector shows source -> mapped -> target; p
# lists the invalid row and saves copy --map --dry-run --skip-invalid's
# script byte for byte; A refuses while the row does not map, I lets it
# copy the rest and write the rejects file as copy --skip-invalid does.
# SQLite only (it runs under valgrind too), at 120x30 and 60x15.
. "$(dirname "$0")/console_lib.sh"

SRC=$T/legacy.db
DST=$T/app.db
sq "$SRC" "CREATE TABLE Orders (ID INTEGER PRIMARY KEY, OrderTime INTEGER, OrderStatus INTEGER,
  Email TEXT, SpecialNotes TEXT, Legacy TEXT);
INSERT INTO Orders VALUES
 (1, 1700000000, 1, ' Ann@Example.com ', '  rush  ', 'a'),
 (2, 1700003600, 7, 'bob@example.com', '', 'b'),
 (3, 1700007200, 9, 'not an email', 'x', 'c'),
 (4, 1700010800, 11, 'dee@example.com', 'gift', 'd'),
 (5, 1700014400, 1, 'eve@example.com', NULL, 'e');"
sq "$DST" "CREATE TABLE orders (id INTEGER PRIMARY KEY, legacy_id INTEGER UNIQUE NOT NULL,
  created_at TIMESTAMP, status TEXT NOT NULL, email TEXT, special_instructions TEXT, note TEXT);
INSERT INTO orders (legacy_id, created_at, status, email, special_instructions) VALUES
 (1, '2023-11-14 22:13:20', 'pending', 'ann@example.com', 'rush'),
 (2, '2023-11-14 23:13:20', 'pending', 'bob@example.com', NULL),
 (6, '2023-11-15 02:00:00', 'pending', 'old@example.com', NULL);"
cp "$DST" "$T/app_start.db"

cat >"$T/plain.ini" <<INI
[connection legacy]
url = sqlite:$SRC
[connection app]
url = sqlite:$DST
[defaults]
source = legacy
target = app
[safety]
undo_dir = $T/undo
INI
cat >"$T/map.ini" <<'INI'
[map orders]
from = Orders
key = legacy_id
legacy_id = ID
id = default
created_at = unixtime(OrderTime)
status = map(OrderStatus, 1:pending, 7:completed, 9:cancelled, 11:processing)
email = check(lower(trim(Email)), '^[^@ ]+@[^@ ]+$')
special_instructions = nullif(trim(SpecialNotes), '')
INI
CFG=$T/config.ini
cat "$T/plain.ini" "$T/map.ini" >"$CFG"
STATUS_LINE=$(grep -n '^status = ' "$CFG" | cut -d: -f1)

rf copy orders --config "$CFG" --dry-run --skip-invalid
assert_eq "the CLI's dry run" 0 "$rc"
cp "$T/out" "$T/cli.sql"

echo "# the diff through the config's [map orders], opened from the tables screen"
console --config "$CFG" <<EOF
:dump $T/tables
:key j Enter
:wait-idle
:dump $T/diff
:key j Enter
:dump $T/cell_status
:key q g Enter l l l
:dump $T/cell_invalid
:key q =
:dump $T/identical
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "the source's table says it is mapped" \
	"+ Orders                             5               -  map: orders <- Orders (Enter diffs through it)" \
	"$(screen tables)"
assert_contains "the target's too" \
	"- orders                             -               3  map: orders <- Orders (Enter diffs through it)" \
	"$(screen tables)"
assert_contains "opened: the title names the map, its where and key" \
	"orders  map: orders <- Orders  where (all rows)  key legacy_id" "$(line diff 2)"
assert_contains "the status bar says it is mapped, with the counts" \
	"map: orders <- Orders  +2 -1 ~1 =1 !1 invalid" "$(status diff)"
assert_contains "the invalid row marked ! with its reason" \
	" ! 3                2023-11-15T00:13:20.000000 cancelled" "$(screen diff)"
assert_contains "... the reason where its target row would be" \
	"invalid: email: 'not an email' fails check" "$(screen diff)"
assert_contains "the mapped change: status 7 -> completed against pending" \
	" ~ 2                2023-11-14T23:13:20.000000 completed" "$(screen diff)"
assert_contains "a mapped row only in the source" " + 4                2023-11-15T01:13:20.000000 processing" "$(screen diff)"
assert_contains "a row only in the target" " - (no row)" "$(screen diff)"
assert_not_contains "the row whose mapped values equal the target's is hidden" " = 1 " "$(screen diff)"
assert_contains "= shows the row whose mapped values equal the target's" \
	" = 1                2023-11-14T22:13:20.000000 pending" "$(screen identical)"
assert_contains "inspector: the expression" \
	"mapping  status <- map(OrderStatus, 1:pending, 7:completed, 9:cancelled, 11:processing)" \
	"$(screen cell_status)"
assert_contains "inspector: the source value" "  source OrderStatus  7" "$(screen cell_status)"
assert_contains "inspector: the mapped value" "  mapped              completed" "$(screen cell_status)"
assert_contains "inspector: the target value" "  target              pending" "$(screen cell_status)"
assert_contains "inspector on the invalid row" "row     legacy_id=3   (! invalid: does not map)" \
	"$(screen cell_invalid)"
assert_contains "... its email's expression" "mapping  email <- check(lower(trim(Email))" \
	"$(screen cell_invalid)"
assert_contains "... the source value" "  source Email  not an email" "$(screen cell_invalid)"
assert_contains "... no mapped value" "  mapped        NULL" "$(screen cell_invalid)"
assert_contains "... and why" "email: 'not an email' fails check '^[^@ ]+@[^@ ]+\$'" \
	"$(screen cell_invalid)"

echo "# --where with a mapped table: said, not taken (as diff --map refuses it)"
console --config "$CFG" --table orders --where "ID > 1" <<EOF
:wait-idle
:dump $T/where_given
:key A
:dump $T/diff_refused
:key p D
:dump $T/deletes
EOF
assert_contains "the WHERE given is not taken, and the status says so" \
	"mapped: its [map] where and key hold, not the WHERE/key given" "$(status where_given)"
assert_contains "... the map's rows" "+2 -1 ~1 =1 !1 invalid" "$(status where_given)"
assert_contains "A on the diff refused while a row does not map" \
	"apply refused: 1 source row(s) do not map" "$(status diff_refused)"
assert_contains "... the diff still on screen" "orders  map: orders <- Orders" "$(line diff_refused 2)"
assert_contains "D in the preview plans the deletes too" \
	"2 insert(s), 1 update(s), 1 delete(s) into app" "$(screen deletes)"
assert_contains "... the DELETE in the script" 'DELETE FROM "orders"' "$(screen deletes)"

echo "# without a [map], the same table is not mapped; --map FILE maps it"
console --config "$T/plain.ini" --table orders <<EOF
:wait-idle
:dump $T/plain
EOF
assert_not_contains "no map: the status says nothing of one" "map:" "$(status plain)"
rf copy orders --config "$T/plain.ini" --map "$T/map.ini" --dry-run --skip-invalid
assert_eq "the CLI's dry run through --map" 0 "$rc"
cp "$T/out" "$T/cli_map.sql"
console --config "$T/plain.ini" --map "$T/map.ini" --table orders <<EOF
:wait-idle
:dump $T/mapfile
:key p s ^U
:type $T/console_map.sql
:enter
EOF
assert_eq "exit 0 with --map" 0 "$rc"
assert_contains "--map FILE: mapped" "map: orders <- Orders  +2 -1 ~1 =1 !1 invalid" \
	"$(status mapfile)"
if cmp -s "$T/cli_map.sql" "$T/console_map.sql"; then
	ok "--map FILE: p's script is copy --map FILE --dry-run --skip-invalid's, byte for byte"
else
	not_ok "--map FILE: the scripts differ"
fi

echo "# the columns screen: expressions, the unmatched, e with a bad then a good one"
console --config "$CFG" --table orders <<EOF
:wait-idle
:key c
:dump $T/columns
:key j j j e ^U
:type map(OrderStatus, 1:pending, 7:
:enter
:dump $T/parse_error
:key ^U
:type map(Nope, 1:pending)
:enter
:dump $T/bind_error
:key Esc
:dump $T/kept
:key e ^U
:type map(OrderStatus, 1:pending, 7:pending, 9:cancelled, 11:processing)
:enter
:dump $T/edited
:key q
:dump $T/diff_edited
:key c G k k e
:type upper(Nope)
:enter
:key Esc
:dump $T/note_kept
:key e
:type upper(Legacy)
:enter
:dump $T/note_added
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "a line per target column" "  legacy_id            <- ID   (match key)" "$(screen columns)"
assert_contains "the unix time" "  created_at           <- unixtime(OrderTime)" "$(screen columns)"
assert_contains "map()" "  status               <- map(OrderStatus, 1:pending, 7:completed, 9:cancelled, 11:processing)" \
	"$(screen columns)"
assert_contains "trim" "  special_instructions <- nullif(trim(SpecialNotes), '')" "$(screen columns)"
assert_contains "default" "  id                   <- default" "$(screen columns)"
assert_contains "the unmapped target column flagged" "! note                 <- (no mapping)   (left NULL)" \
	"$(screen columns)"
assert_contains "the unread source column listed" "? Legacy" "$(screen columns)"
assert_contains "... under its heading" "source columns of Orders no expression reads:" "$(screen columns)"
assert_contains "the screen's counts" "1 unmapped, 1 source column(s) not read" "$(status columns)"
assert_contains "a parse error on the screen" "error: $CFG:$STATUS_LINE: column status: map(): expected a value" \
	"$(screen parse_error)"
assert_contains "... the old expression kept" "(the old expression is kept)" "$(screen parse_error)"
assert_contains "... the prompt keeps the text" "status <- map(OrderStatus, 1:pending, 7:" \
	"$(screen parse_error)"
assert_contains "a bind error on the screen" "column status: unknown source column 'Nope'" \
	"$(screen bind_error)"
assert_contains "Esc: the old expression still there" \
	"  status               <- map(OrderStatus, 1:pending, 7:completed," "$(screen kept)"
assert_contains "the accepted edit shown" \
	"  status               <- map(OrderStatus, 1:pending, 7:pending, 9:cancelled, 11:processing)" \
	"$(screen edited)"
assert_contains "... and the diff ran again" "the diff ran again: +2 -1 ~0 =2" "$(status edited)"
assert_not_contains "the diff: row 2 no longer differs" " ~ 2 " "$(screen diff_edited)"
assert_contains "... its counts" "map: orders <- Orders  +2 -1 ~0 =2 !1 invalid" "$(status diff_edited)"
assert_contains "the config file is not written" "7:completed" "$(cat "$CFG")"
assert_contains "a bad expression for the unmapped column: still unmapped" \
	"! note                 <- (no mapping)" "$(screen note_kept)"
assert_contains "a good one adds its line" "  note                 <- upper(Legacy)" "$(screen note_added)"
assert_contains "... nothing unmapped, every source column read" \
	"0 unmapped, 0 source column(s) not read" "$(status note_added)"
assert_contains "... and the diff compares it" "the diff ran again: +2 -1 ~2 =0 !1 invalid (note edited)" \
	"$(status note_added)"

echo "# a section with an unknown column: the diff says so, c lists its lines, e fixes it"
sed 's/trim(Email)/trim(Emial)/' "$CFG" >"$T/typo.ini"
console --config "$T/typo.ini" --table orders <<EOF
:wait-idle
:dump $T/typo
:key c
:dump $T/typo_columns
:key j j j j e ^U
:type check(lower(trim(Email)), '^[^@ ]+@[^@ ]+\$')
:enter
:key q
:dump $T/typo_fixed
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "the diff could not run: the section's error" \
	"column email: unknown source column 'Emial'" "$(screen typo)"
assert_contains "c: the section's lines, as written" "  email                <- check(lower(trim(Emial))" \
	"$(screen typo_columns)"
assert_contains "e fixed it: the diff runs" "map: orders <- Orders  +2 -1 ~1 =1 !1 invalid" \
	"$(status typo_fixed)"

echo "# p lists the invalid row and saves the CLI's script; A refused, then I and A"
console --config "$CFG" --table orders <<EOF
:wait-idle
:key p
:dump $T/preview
:key s ^U
:type $T/console.sql
:enter
:dump $T/saved
:key A
:dump $T/refused
:key I
:dump $T/skip_on
:key A
:dump $T/apply
:type app
:enter
:wait-idle
:dump $T/applied
:key q
:wait-idle
:dump $T/after
EOF
assert_eq "exit 0" 0 "$rc"
assert_contains "p: the set's counts" "set of map: orders <- Orders, 1 table(s): 2 insert(s), 1 update(s), 0 delete(s)" \
	"$(screen preview)"
assert_contains "p: the invalid rows, apply refused" "1 invalid source row(s); apply refused (I skips them" \
	"$(screen preview)"
assert_contains "p: each with its reason" \
	"  invalid  orders  ID=3  email: 'not an email' fails check '^[^@ ]+@[^@ ]+\$'" "$(screen preview)"
assert_contains "saved" "saved to $T/console.sql" "$(status saved)"
assert_eq "the saved script is copy --dry-run --skip-invalid's, byte for byte" \
	"$(cat "$T/cli.sql")" "$(cat "$T/console.sql")"
if cmp -s "$T/cli.sql" "$T/console.sql"; then
	ok "cmp: the same bytes"
else
	not_ok "cmp: the files differ"
fi
assert_contains "A refused while a row does not map" "apply refused: 1 source row(s) do not map" \
	"$(status refused)"
assert_contains "... no apply screen" "Preview: the SQL apply would run on app" "$(line refused 2)"
assert_contains "I: the preview says the invalid row is left out" \
	"left out, written to <journal>.rejects.jsonl" "$(screen skip_on)"
assert_contains "A: the apply screen says so too" \
	"invalid   1 source row(s) left out, listed in <journal>.rejects.jsonl" "$(screen apply)"
assert_contains "applied" "Applied to app in one transaction: 2 inserted, 1 updated, 0 deleted" \
	"$(screen applied)"
assert_contains "the rejects file named" "Rejected: 1 invalid source row(s), listed in $T/undo/" \
	"$(screen applied)"
journal=$(sed -n 's/^Journal: \([^ ]*\).*/\1/p' "$T/applied")
rejects=$journal.rejects.jsonl
assert_eq "the journal counts the rejected row" 1 "$(head -n 1 "$journal" | jq -r .rejected)"
assert_eq "the rejects file, mode 0600" 600 "$(stat -c %a "$rejects")"
assert_eq "... its row, as copy --skip-invalid writes it" '"ID=3" email' \
	"$(jq -r '"\"\(.source_key)\" \(.column)"' "$rejects")"
assert_contains "back on the diff, run again: only the invalid row and the target's" \
	"map: orders <- Orders  +0 -1 ~0 =4 !1 invalid" "$(status after)"
assert_eq "the target has the mapped rows" "4|2023-11-15 01:13:20|processing|dee@example.com|gift" \
	"$(sq "$DST" "SELECT legacy_id, created_at, status, email, special_instructions FROM orders WHERE legacy_id = 4")"
assert_eq "... not the invalid one" 0 "$(sq "$DST" "SELECT count(*) FROM orders WHERE legacy_id = 3")"

echo "# the CLI's copy --skip-invalid on the same start writes the same rejects"
cp "$T/app_start.db" "$T/app2.db"
sed "s|$DST|$T/app2.db|; s|undo_dir = .*|undo_dir = $T/undo2|" "$CFG" >"$T/cli.ini"
rf copy orders --config "$T/cli.ini" --skip-invalid --yes
assert_eq "the CLI's copy" 0 "$rc"
assert_eq "the same rejects, line for line" "$(cat "$rejects")" "$(cat "$T"/undo2/*.rejects.jsonl)"

echo "# 60x15: the mapped screens on a small terminal"
cp "$T/app_start.db" "$DST"
LINES=15 COLUMNS=60 console --config "$CFG" --table orders <<EOF
:wait-idle
:dump $T/small_diff
:key j Enter
:dump $T/small_cell
:key q c
:dump $T/small_columns
:key j j j e ^U
:type map(Nope)
:enter
:dump $T/small_error
:key Esc q p
:dump $T/small_preview
EOF
assert_eq "exit 0 at 60x15" 0 "$rc"
assert_contains "60x15: the invalid row marked" " ! 3" "$(screen small_diff)"
assert_contains "60x15: the status names the map" "map: orders" "$(status small_diff)"
assert_contains "60x15: the inspector's mapped value" "  mapped              completed" "$(screen small_cell)"
assert_contains "60x15: the expressions" "  status          <- map(OrderStatus" "$(screen small_columns)"
assert_contains "60x15: the error above the prompt" "error: $CFG:$STATUS_LINE: column status" "$(screen small_error)"
assert_contains "60x15: the prompt" "status <- map(Nope)" "$(screen small_error)"
assert_contains "60x15: the preview lists the invalid row" "  invalid  orders  ID=3" "$(screen small_preview)"

finish
