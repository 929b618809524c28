#!/bin/bash
# test_console_stored.sh - the console shows PostgreSQL's values as psql
# prints them (numeric with its scale, timestamptz with its offset, jsonb
# in its own form, bytea as \x hex cut with its length), in the grid and in
# the cell inspector, and below them the canonical forms the diff compared
# and why they are equal or differ; at 120x30 and 60x15. MariaDB's the way
# the mariadb client prints them (varbinary as 0x hex).
# valgrind: needs servers (PostgreSQL and MariaDB; not in the memcheck run)
. "$(dirname "$0")/console_lib.sh"

PGD=$RF_TEST_PG_DEV_URL PGP=$RF_TEST_PG_PROD_URL
for u in "$PGD" "$PGP"; do pg "$u" "DROP TABLE IF EXISTS stored_t" >/dev/null; done
# the scales differ: 45.00 and 45.000 are the same decimal
pg "$PGD" "CREATE TABLE stored_t (id int PRIMARY KEY, price numeric(12,2), at timestamptz, doc jsonb, bin bytea);
INSERT INTO stored_t VALUES
 (1, 45, '2026-11-05 13:33:00+00', '{\"b\": 1, \"a\": 2}', '\\x00ff'),
 (2, 10.5, '2026-11-05 13:33:00+00', '{\"a\": 1}', (SELECT string_agg(set_byte('\\x00'::bytea, 0, i % 256), ''::bytea) FROM generate_series(0, 1199) i))" >/dev/null
pg "$PGP" "CREATE TABLE stored_t (id int PRIMARY KEY, price numeric(12,3), at timestamptz, doc jsonb, bin bytea);
INSERT INTO stored_t VALUES
 (1, 45, '2026-11-06 16:45:00+00', '{\"a\": 2, \"b\": 1}', '\\x00ff'),
 (2, 10.5, '2026-11-05 13:33:00+00', '{\"a\": 1}', (SELECT string_agg(set_byte('\\x00'::bytea, 0, 255 - i % 256), ''::bytea) FROM generate_series(0, 1199) i))" >/dev/null

write_config() { # SOURCE-URL TARGET-URL FILE
	cat >"$3" <<EOF
[connection dev]
url = $1

[connection prod]
url = $2

[defaults]
source = dev
target = prod
EOF
}
write_config "$PGD" "$PGP" "$T/config.ini"

run() { # SIZE-SCRIPT-LINE SUFFIX
	console --config "$T/config.ini" --table stored_t <<EOF2
$1
:wait-idle
:dump $T/grid$2
:key l l l l
:dump $T/gridbin$2
:enter
:dump $T/at$2
:key h
:dump $T/price$2
:key q j
:enter
:dump $T/bin$2
EOF2
}
run "" 120
assert_eq "exit 0 at 120x30" 0 "$rc"
run ":resize 60 15" 60
assert_eq "exit 0 at 60x15" 0 "$rc"

echo "# the grid: values as psql prints them"
grid=$(screen grid120)
assert_contains "numeric with its scale (source)" "45.00 " "$grid"
assert_contains "numeric with its scale (target)" "45.000" "$grid"
assert_contains "timestamptz with its offset" "2026-11-05 13:33:00+00" "$grid"
assert_not_contains "not the canonical timestamp" "T13:33:00" "$grid"
assert_contains "jsonb as PostgreSQL prints it" '{"a": 2, "b": 1}' "$grid"
grid=$(screen gridbin120) # scrolled to bin
assert_contains "bytea as \\x hex" '\x00ff ' "$grid"
assert_contains "a long bytea cut, with its length" '\x000102030405… (1200 bytes)' "$grid"
assert_contains "the target's too" '\xfffefdfcfbfa… (1200 bytes)' "$grid"

for size in 120 60; do
	echo "# $size: the inspector: as stored, canonical, why"
	at=$(screen at$size) price=$(screen price$size) bin=$(screen bin$size)
	assert_contains "$size: opens on the changed cell" "column  at: timestamptz" "$at"
	assert_contains "$size: dev as stored" "dev (source, postgres)" "$at"
	assert_contains "$size: dev's timestamptz as stored" "2026-11-05 13:33:00+00" "$at"
	assert_contains "$size: prod's as stored" "2026-11-06 16:45:00+00" "$at"
	assert_contains "$size: canonical in UTC" "2026-11-05T13:33:00.000000Z" "$at"
	assert_contains "$size: why" "differ:" "$at"
	assert_contains "$size: price" "column  price: decimal" "$price"
	assert_contains "$size: dev's price as stored" "45.00" "$price"
	assert_contains "$size: prod's price as stored" "45.000" "$price"
	assert_contains "$size: equal once canonical" 'equal: both are "45" after normalization (decimal)' "$price"
	assert_contains "$size: bytea inspector" "column  bin: bytes" "$bin"
	assert_contains "$size: bytea as stored, with its length" "dev (source, postgres), 1200 bytes" "$bin"
	assert_contains "$size: bytea in psql's hex" '\x000102030405' "$bin"
done
assert_contains "120: the cut bytea ends with its length" "7e7f… (1200 bytes)" "$(screen bin120)"
# at 120 columns the canonical forms line up under their labels
assert_contains "120: canonical form of dev's price" "dev   45" "$(screen price120)"
assert_contains "120: canonical form of prod's price" "prod  45" "$(screen price120)"

for u in "$PGD" "$PGP"; do pg "$u" "DROP TABLE stored_t" >/dev/null; done

echo "# MariaDB: decimal with its scale, datetime, varbinary as 0x hex"
MYD=$RF_TEST_MY_DEV_URL MYP=$RF_TEST_MY_PROD_URL
for u in "$MYD" "$MYP"; do my "$u" "DROP TABLE IF EXISTS stored_t"; done
my "$MYD" "CREATE TABLE stored_t (id int PRIMARY KEY, price decimal(12,2), at datetime, bin varbinary(16));
INSERT INTO stored_t VALUES (1, 45, '2026-11-05 13:33:00', x'00ff1a')"
my "$MYP" "CREATE TABLE stored_t (id int PRIMARY KEY, price decimal(12,3), at datetime, bin varbinary(16));
INSERT INTO stored_t VALUES (1, 45, '2026-11-05 13:33:00', x'00ff1b')"
write_config "$MYD" "$MYP" "$T/my.ini"
console --config "$T/my.ini" --table stored_t <<EOF
:wait-idle
:dump $T/mygrid
:enter
:dump $T/mybin
EOF
assert_eq "MariaDB: exit 0" 0 "$rc"
grid=$(screen mygrid) bin=$(screen mybin)
assert_contains "MariaDB: decimal with its scale" "45.00 " "$grid"
assert_contains "MariaDB: the target's scale" "45.000" "$grid"
assert_contains "MariaDB: datetime as stored" "2026-11-05 13:33:00" "$grid"
assert_contains "MariaDB: varbinary as the client's hex" "0x00FF1A" "$grid"
assert_contains "MariaDB: inspector on the changed bytes" "column  bin: bytes" "$bin"
assert_contains "MariaDB: as stored" "dev (source, mysql)   0x00FF1A" "$bin"
assert_contains "MariaDB: canonical hex" "dev   00ff1a" "$bin"
for u in "$MYD" "$MYP"; do my "$u" "DROP TABLE stored_t"; done
finish
