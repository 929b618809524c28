#!/bin/bash
# rowferry tables: both sides with row counts, across engines; the
# program's --help/--version; connection errors as one clear line.
. "$(dirname "$0")/lib.sh"

PG=$RF_TEST_PG_URL
# rf_test is shared with other tests: own names, dropped first
pg "$PG" "DROP TABLE IF EXISTS tbl_jobs, only_pg, \"TblOrder\";
  CREATE TABLE tbl_jobs (job_number text PRIMARY KEY); INSERT INTO tbl_jobs VALUES ('1'),('2'),('3');
  CREATE TABLE only_pg (a int PRIMARY KEY); CREATE TABLE \"TblOrder\" (id int PRIMARY KEY); INSERT INTO \"TblOrder\" VALUES (1);" >/dev/null
sq "$T/a.db" "CREATE TABLE tbl_jobs (job_number TEXT PRIMARY KEY); INSERT INTO tbl_jobs VALUES ('1'),('2');
  CREATE TABLE only_sqlite (a INTEGER PRIMARY KEY); INSERT INTO only_sqlite VALUES (1),(2),(3),(4);
  CREATE TABLE \"TblOrder\" (id INTEGER PRIMARY KEY);"

rf tables --from "sqlite:$T/a.db" --to "$PG"
assert_eq "sqlite -> postgres: exit 0" 0 "$rc"
out=$(cat "$T/out")
assert_eq "tbl_jobs counted on both sides" "tbl_jobs 2 3" "$(awk '$1=="tbl_jobs"{print $1,$2,$3}' "$T/out")"
assert_eq "mixed-case table matched" "TblOrder 0 1" "$(awk '$1=="TblOrder"{print $1,$2,$3}' "$T/out")"
assert_contains "source-only table marked" "only in source" "$(grep only_sqlite "$T/out")"
assert_eq "source-only count shown" "only_sqlite 4 -" "$(awk '$1=="only_sqlite"{print $1,$2,$3}' "$T/out")"
assert_contains "target-only table marked" "only in target" "$(grep only_pg "$T/out")"
assert_contains "header names both sides" "source: sqlite:$T/a.db" "$out"

# a password in a URL is never shown
rf tables --from "sqlite:$T/a.db" --to "$RF_TEST_MY_URL"
assert_eq "sqlite -> mariadb: exit 0" 0 "$rc"
assert_not_contains "mariadb password not printed" "$RF_TEST_MY_PASSWORD" "$(cat "$T/out" "$T/err")"

# connection errors: one line, naming the connection, no password
cat >"$T/c.ini" <<INI
[connection dev]
url = sqlite:$T/a.db
[connection prod]
url = postgresql://rowferry:$RF_TEST_PG_PASSWORD@127.0.0.1:1/rf_test
[connection badpw]
url = mysql://rowferry:wrong_pw_123@127.0.0.1:$RF_TEST_MY_PORT/rf_test
[defaults]
source = dev
target = prod
INI
chmod 600 "$T/c.ini"
rf tables --config "$T/c.ini"
assert_eq "wrong port: exit 2" 2 "$rc"
assert_eq "wrong port: one line" 1 "$(wc -l <"$T/err")"
assert_contains "wrong port: names the connection" "rowferry: prod: " "$(cat "$T/err")"
assert_not_contains "wrong port: no password" "$RF_TEST_PG_PASSWORD" "$(cat "$T/err")"
rf tables --config "$T/c.ini" --to badpw
assert_eq "wrong password: exit 2" 2 "$rc"
assert_contains "wrong password: names the connection" "rowferry: badpw: " "$(cat "$T/err")"
assert_not_contains "wrong password: not echoed" "wrong_pw_123" "$(cat "$T/err")"
rf tables --config "$T/c.ini" --to nosuch
assert_eq "unknown connection name: exit 2" 2 "$rc"

# config problems are FILE:LINE warnings, and loading goes on
printf '[connection dev]\nurl = sqlite:%s\nbogus_key = 1\n[defaults]\nsource = dev\ntarget = dev\n' "$T/a.db" >"$T/w.ini"
rf tables --config "$T/w.ini"
assert_eq "bad config line does not stop the command" 0 "$rc"
assert_contains "bad config line reported as FILE:LINE" "$T/w.ini:3:" "$(cat "$T/err")"
rf tables --config "$T/missing.ini"
assert_eq "missing explicit config: exit 2" 2 "$rc"

rf --version
assert_contains "--version" "rowferry 0." "$(cat "$T/out")"
rf --help
assert_contains "--help lists commands" "diff TABLE" "$(cat "$T/out")"
rf tables --help
assert_contains "tables --help" "usage: rowferry tables" "$(cat "$T/out")"
rf frobnicate
assert_eq "unknown command: exit 2" 2 "$rc"

finish
