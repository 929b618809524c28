#!/bin/bash
# Throwaway PostgreSQL and MariaDB servers for rowferry's tests.
#
#   servers.sh start DIR   initdb / mariadb-install-db into DIR, start both
#                          servers on unix sockets in DIR (no TCP except a
#                          loopback port for the wrong-port tests), wait until
#                          they accept connections, create the test users and
#                          databases, write DIR/env (shell) with their URLs.
#   servers.sh stop DIR    stop both and remove DIR.
#
# initdb and postgres refuse to run as root, so as root the PostgreSQL server
# runs as the `postgres` user (from Debian's postgresql package) and DIR is
# made accessible to it. mariadbd runs as `mysql` for the same reason.
set -euo pipefail

cmd=${1:?usage: servers.sh start|stop DIR}
dir=${2:?usage: servers.sh start|stop DIR}

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_PASSWORD=rf_pg_secret_pw
MY_PASSWORD=rf_my_secret_pw

as_user() { # as_user USER CMD... : run as USER when we are root
	local u=$1; shift
	if [ "$(id -u)" -eq 0 ]; then runuser -u "$u" -- "$@"; else "$@"; fi
}

free_port() { # a loopback port nothing listens on
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

start_pg() {
	local d=$dir/pg port=$1
	mkdir -p "$d"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$d"
	echo "$PG_PASSWORD" >"$dir/pgpw"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pgpw"
	as_user postgres "$PGBIN/initdb" -D "$d/data" -U rowferry --pwfile="$dir/pgpw" \
		-A scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$dir/pg-initdb.log" 2>&1
	rm -f "$dir/pgpw"
	# loopback TCP needs the password; the unix socket is trusted
	as_user postgres "$PGBIN/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 60 \
		-o "-k $d -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=128MB -c work_mem=32MB -c max_connections=50" \
		start >/dev/null
	local i
	for i in $(seq 1 100); do
		"$PGBIN/pg_isready" -q -h "$d" -p "$port" && break
		sleep 0.1
	done
	psql -X -q -h "$d" -p "$port" -U rowferry -d postgres -v ON_ERROR_STOP=1 <<SQL
CREATE DATABASE rf_test TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8';
CREATE DATABASE rf_dev TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'en_US.UTF-8';
CREATE DATABASE rf_prod TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'en_US.UTF-8';
SQL
}

start_my() {
	local d=$dir/my port=$1
	# its own tmpdir: temporary tables live there, not in the /tmp that
	# other programs on the machine clean (a removed #sql-temptable file
	# failed a statement mid-test)
	mkdir -p "$d/tmp"
	[ "$(id -u)" -eq 0 ] && chown mysql: "$d" "$d/tmp"
	as_user mysql mariadb-install-db --no-defaults --datadir="$d/data" --auth-root-authentication-method=normal \
		--skip-test-db >"$dir/my-install.log" 2>&1
	as_user mysql mariadbd --no-defaults --datadir="$d/data" --socket="$d/mysql.sock" \
		--tmpdir="$d/tmp" --port="$port" --bind-address=127.0.0.1 --pid-file="$d/mariadbd.pid" \
		--log-error="$d/server.log" --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=0 \
		--innodb-doublewrite=0 --skip-log-bin --character-set-server=utf8mb4 \
		--collation-server=utf8mb4_general_ci --max-connections=50 --max-allowed-packet=1G >/dev/null 2>&1 &
	local i
	for i in $(seq 1 300); do
		mariadb-admin --no-defaults -uroot --socket="$d/mysql.sock" ping >/dev/null 2>&1 && break
		sleep 0.1
	done
	mariadb --no-defaults -uroot --socket="$d/mysql.sock" <<SQL
CREATE USER 'rowferry'@'localhost' IDENTIFIED BY '$MY_PASSWORD';
CREATE USER 'rowferry'@'127.0.0.1' IDENTIFIED BY '$MY_PASSWORD';
GRANT ALL ON *.* TO 'rowferry'@'localhost' WITH GRANT OPTION;
GRANT ALL ON *.* TO 'rowferry'@'127.0.0.1' WITH GRANT OPTION;
CREATE DATABASE rf_test;
CREATE DATABASE rf_dev;
CREATE DATABASE rf_prod;
SQL
}

case $cmd in
start)
	rm -rf "$dir"
	mkdir -p "$dir"
	chmod 755 "$dir"
	pgport=$(free_port)
	myport=$(free_port)
	start_pg "$pgport"
	start_my "$myport"
	cat >"$dir/env" <<ENV
# written by tests/support/servers.sh; URLs of the throwaway test servers
RF_TEST_DIR='$dir'
RF_TEST_PG_SOCKDIR='$dir/pg'
RF_TEST_PG_PORT='$pgport'
RF_TEST_PG_PASSWORD='$PG_PASSWORD'
RF_TEST_PG_URL='postgresql://rowferry@/rf_test?host=$dir/pg&port=$pgport'
RF_TEST_PG_DEV_URL='postgresql://rowferry@/rf_dev?host=$dir/pg&port=$pgport'
RF_TEST_PG_PROD_URL='postgresql://rowferry@/rf_prod?host=$dir/pg&port=$pgport'
RF_TEST_MY_SOCKET='$dir/my/mysql.sock'
RF_TEST_MY_PORT='$myport'
RF_TEST_MY_PASSWORD='$MY_PASSWORD'
RF_TEST_MY_URL='mysql://rowferry:$MY_PASSWORD@localhost/rf_test?socket=$dir/my/mysql.sock'
RF_TEST_MY_DEV_URL='mysql://rowferry:$MY_PASSWORD@localhost/rf_dev?socket=$dir/my/mysql.sock'
RF_TEST_MY_PROD_URL='mysql://rowferry:$MY_PASSWORD@localhost/rf_prod?socket=$dir/my/mysql.sock'
ENV
	echo "servers.sh: PostgreSQL on $dir/pg (port $pgport), MariaDB on $dir/my/mysql.sock (port $myport)"
	;;
stop)
	if [ -d "$dir/pg/data" ]; then
		as_user postgres "$PGBIN/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ -f "$dir/my/mariadbd.pid" ]; then
		# wait on the process, not its pid file; a server that will not
		# stop within 30 s is killed so no test run leaves one behind
		mypid=$(cat "$dir/my/mariadbd.pid")
		kill "$mypid" 2>/dev/null || true
		for _ in $(seq 1 300); do kill -0 "$mypid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$mypid" 2>/dev/null || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: servers.sh start|stop DIR" >&2
	exit 2
	;;
esac
