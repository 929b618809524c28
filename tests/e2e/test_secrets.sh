#!/bin/bash
# Passwords are never shown (DESIGN §2, §15): not in stdout, stderr, the
# journal directory, nor in /proc/PID/cmdline of a running rowferry, for
# URLs whose password holds '/', '?', '#', '@', '%zz' or '[::1', valid or
# not, against the real PostgreSQL and MariaDB servers.
#
# Every password is LEFT<special>RIGHT with LEFT and RIGHT unique tokens;
# neither token may appear anywhere, so a password cut in two by a parser
# (host "u", port "LEFT") is caught as well as a whole one.
. "$(dirname "$0")/lib.sh"

PGPORT=$RF_TEST_PG_PORT
MYPORT=$RF_TEST_MY_PORT
specials=('/' '?' '#' '@' '%zz' '[::1')

# pct STRING -> STRING with every byte but [A-Za-z0-9._~-] as %XX
pct() {
	local s=$1 out='' c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s' "$out"
}

# no_leak WHAT FILE... : neither token of the password under test in the files
no_leak() {
	local what=$1 f hit=''
	shift
	for f in "$@"; do
		if grep -aqF -e "$L" -e "$R" "$f" 2>/dev/null; then hit+=" $f"; fi
	done
	if [ -z "$hit" ]; then ok "$what"; else
		not_ok "$what: password in$hit: $(grep -ahF -e "$L" -e "$R" "$@" | head -3)"
	fi
}

# the passwords the test accounts really have: every special at once, and
# for a PostgreSQL URL that holds it unencoded, those libpq reads there
L=Kv3QaTok
R=Wd8RtTok
GOOD="$L/?#@%zz[::1$R"
GOOD2="$L?#[::1$R"
pg "$RF_TEST_PG_URL" "DROP TABLE IF EXISTS rf_secret_t;
  CREATE TABLE rf_secret_t (id int PRIMARY KEY, v text); INSERT INTO rf_secret_t VALUES (1, 'a'), (2, 'b');
  DROP ROLE IF EXISTS rf_secret; CREATE ROLE rf_secret LOGIN SUPERUSER PASSWORD '$GOOD';
  DROP ROLE IF EXISTS rf_secret2; CREATE ROLE rf_secret2 LOGIN SUPERUSER PASSWORD '$GOOD2';" >/dev/null
my "$RF_TEST_MY_URL" "DROP TABLE IF EXISTS rf_secret_t;
  CREATE TABLE rf_secret_t (id int PRIMARY KEY, v text); INSERT INTO rf_secret_t VALUES (1, 'a');
  DROP USER IF EXISTS 'rf_secret'@'127.0.0.1'; CREATE USER 'rf_secret'@'127.0.0.1' IDENTIFIED BY '$GOOD';
  GRANT ALL ON rf_test.* TO 'rf_secret'@'127.0.0.1';"
sq "$T/a.db" "CREATE TABLE rf_secret_t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO rf_secret_t VALUES (1, 'a');"
SQ="sqlite:$T/a.db"
printf 'q\n' >"$T/quit" # the console's key script, should it get that far

# ---- wrong passwords, bad hosts, bad URIs: both engines, the password as
# written (tables, diff, copy --dry-run, the console) and percent-encoded
# (tables)
i=0
for c in "${specials[@]}"; do
	i=$((i + 1))
	L="Lq${i}Xtok"
	R="Rq${i}Ytok"
	for pw in "$L$c$R" "$(pct "$L$c$R")"; do
		urls=(
			"postgresql://rf_secret:$pw@127.0.0.1:$PGPORT/rf_test"
			"postgresql://rf_secret:$pw@127.0.0.1:1/rf_test"
			"postgresql://rf_secret:$pw@[::1"
			"postgresql://rf_secret@127.0.0.1:$PGPORT/rf_test?sslmode=disable&password=$pw"
			"mysql://rf_secret:$pw@127.0.0.1:$MYPORT/rf_test"
			"mariadb://rf_secret:$pw@127.0.0.1:1/rf_test"
			"mysql://rf_secret:$pw@[::1"
		)
		for url in "${urls[@]}"; do
			rf tables --from "$url" --to "$SQ"
			assert_eq "tables --from $url: exit 2" 2 "$rc"
			no_leak "tables --from $url: no password" "$T/out" "$T/err"
			[ "$pw" = "$L$c$R" ] || continue
			rf diff rf_secret_t --from "$SQ" --to "$url"
			assert_eq "diff --to $url: exit 2" 2 "$rc"
			no_leak "diff --to $url: no password" "$T/out" "$T/err"
			rf copy rf_secret_t --dry-run --from "$url" --to "$SQ" --undo-dir "$T/undo"
			assert_eq "copy --dry-run --from $url: exit 2" 2 "$rc"
			no_leak "copy --dry-run --from $url: no password" "$T/out" "$T/err"
			set +e
			ROWFERRY_SCRIPT="$T/quit" "$ROWFERRY" --from "$url" --to "$SQ" \
				>"$T/out" 2>"$T/err" </dev/null
			rc=$?
			set -e
			assert_eq "console --from $url: exit 2" 2 "$rc"
			no_leak "console --from $url: no password" "$T/out" "$T/err"
		done
	done
	# libpq conninfo, quoted and not
	for url in "host=127.0.0.1 port=$PGPORT dbname=rf_test user=rf_secret password='$L$c$R'" \
		"host=127.0.0.1 port=$PGPORT dbname=rf_test user=rf_secret password=$L$c$R" \
		"host=127.0.0.1 port=$PGPORT password=$L $c$R"; do
		rf tables --from "$url" --to "$SQ"
		assert_eq "tables --from $url: exit 2" 2 "$rc"
		no_leak "tables --from $url: no password" "$T/out" "$T/err"
	done
	# a password_env password, wrong; URLs of the config file, one cut
	# short by an inline comment (" ;") before its '@'
	cat >"$T/c.ini" <<INI
[connection pgx]
url = postgresql://rf_secret@127.0.0.1:$PGPORT/rf_test
password_env = RF_SECRET_PW
[connection myx]
url = mysql://rf_secret@127.0.0.1:$MYPORT/rf_test
password_env = RF_SECRET_PW
[connection pgu]
url = postgresql://rf_secret:$L$c$R@127.0.0.1:$PGPORT/rf_test
[connection myu]
url = mysql://rf_secret:$L$c$R@127.0.0.1:$MYPORT/rf_test
[connection pgcut]
url = postgresql://rf_secret:$L ;$c$R@127.0.0.1:$PGPORT/rf_test
[connection mycut]
url = mysql://rf_secret:$L ;$c$R@127.0.0.1:$MYPORT/rf_test
INI
	chmod 600 "$T/c.ini"
	for name in pgx myx pgu myu pgcut mycut; do
		set +e
		RF_SECRET_PW="$L$c$R" "$ROWFERRY" tables --config "$T/c.ini" --from $name --to "$SQ" \
			>"$T/out" 2>"$T/err" </dev/null
		rc=$?
		set -e
		assert_eq "config $name ($c): exit 2" 2 "$rc"
		no_leak "config $name ($c): no password" "$T/out" "$T/err"
	done
done
assert_contains "an ambiguous PostgreSQL URL is refused with how to write it" \
	"write '@' as %40" "$(rf tables --from "postgresql://rf_secret:a/b@127.0.0.1:1/rf_test" --to "$SQ"; cat "$T/err")"

# ---- the right password: connects, and is shown nowhere, argv included
L=Kv3QaTok
R=Wd8RtTok
PGV="postgresql://rf_secret:$(pct "$GOOD")@127.0.0.1:$PGPORT/rf_test"
PGR="postgresql://rf_secret2:$GOOD2@127.0.0.1:$PGPORT/rf_test" # '?', '#', '[' unencoded
MYV="mysql://rf_secret:$GOOD@127.0.0.1:$MYPORT/rf_test"        # unencoded: the last '@' ends it
MYE="mysql://rf_secret:$(pct "$GOOD")@127.0.0.1:$MYPORT/rf_test"

rf tables --from "$PGV" --to "$MYE"
assert_eq "tables, passwords percent-encoded: exit 0" 0 "$rc"
assert_eq "tables: the table counted on both sides" "rf_secret_t 2 1" "$(awk '$1=="rf_secret_t"{print $1,$2,$3}' "$T/out")"
no_leak "tables, passwords percent-encoded: none shown" "$T/out" "$T/err"
rf tables --from "$PGR" --to "$MYV"
assert_eq "tables, passwords unencoded: exit 0" 0 "$rc"
assert_eq "tables, unencoded: the table counted on both sides" "rf_secret_t 2 1" "$(awk '$1=="rf_secret_t"{print $1,$2,$3}' "$T/out")"
no_leak "tables, passwords unencoded: none shown" "$T/out" "$T/err"

# a diff that sleeps in the source's query: its argv is read meanwhile
set +e
"$ROWFERRY" diff rf_secret_t --from "$PGR" --to "$MYE" --source-where "pg_sleep(1) is not null" \
	>"$T/out" 2>"$T/err" </dev/null &
pid=$!
set -e
for _ in $(seq 1 100); do
	n=$(pg "$RF_TEST_PG_URL" "SELECT count(*) FROM pg_stat_activity
		WHERE query LIKE '%pg_sleep(1)%' AND pid <> pg_backend_pid()")
	[ "$n" -gt 0 ] && break
	sleep 0.1
done
assert_eq "the diff is in its sleeping query" 1 "$n"
tr '\0' ' ' <"/proc/$pid/cmdline" >"$T/cmdline" || true
assert_contains "cmdline read while it runs" "@127.0.0.1:$MYPORT/rf_test" "$(cat "$T/cmdline")"
no_leak "no password in /proc/PID/cmdline" "$T/cmdline"
set +e
wait "$pid"
rc=$?
set -e
assert_eq "diff with the right passwords: differences, exit 1" 1 "$rc"
assert_contains "diff found the missing row" "rf_secret_t" "$(cat "$T/out")"
no_leak "diff with the right passwords: none shown" "$T/out" "$T/err"

rf copy rf_secret_t --from "$PGR" --to "$MYE" --yes --undo-dir "$T/undo"
assert_eq "copy with the right passwords: exit 0" 0 "$rc"
assert_eq "copy wrote the row" 2 "$(my "$RF_TEST_MY_URL" "SELECT count(*) FROM rf_secret_t")"
no_leak "copy: none shown" "$T/out" "$T/err"
assert_eq "copy wrote a journal" 1 "$(find "$T/undo" -type f | wc -l)"
# shellcheck disable=SC2046
no_leak "no password in the journal directory" $(find "$T/undo" -type f)
rf log --undo-dir "$T/undo"
no_leak "log: none shown" "$T/out" "$T/err"
rf undo "$(find "$T/undo" -type f | head -1)" --to "$MYV" --yes --undo-dir "$T/undo"
assert_eq "undo with the right password: exit 0" 0 "$rc"
assert_eq "undo took the row back" 1 "$(my "$RF_TEST_MY_URL" "SELECT count(*) FROM rf_secret_t")"
no_leak "undo: none shown" "$T/out" "$T/err"
# shellcheck disable=SC2046
no_leak "no password in the journal directory after undo" $(find "$T/undo" -type f)

pg "$RF_TEST_PG_URL" "DROP TABLE rf_secret_t; DROP ROLE rf_secret; DROP ROLE rf_secret2" >/dev/null
my "$RF_TEST_MY_URL" "DROP TABLE rf_secret_t; DROP USER 'rf_secret'@'127.0.0.1'"
finish
