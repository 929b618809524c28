/* rf_test.h - shared test support: the throwaway servers' URLs and helpers.
 * Include after <stdarg.h> <stddef.h> <setjmp.h> <stdint.h> <cmocka.h>. */
#ifndef RF_TEST_H
#define RF_TEST_H

#include <stddef.h>

#include "rowferry/db.h"

/* Value of KEY from the servers' env file ($RF_TEST_ENV_FILE, written by
 * tests/support/servers.sh), e.g. "RF_TEST_PG_URL". Fails the test when the
 * file or key is missing: server tests never silently skip. Static storage. */
const char *rf_test_env(const char *key);

/* Connects to url (name is the connection name used in messages); fails
 * the test on error. */
struct rf_db *rf_test_connect(const char *name, const char *url);

/* Runs SQL through the engine's own command-line client (psql, mariadb,
 * sqlite3) against url: the fixture setup path that does not depend on
 * rowferry's own drivers. Fails the test when the client fails. */
void rf_test_sql(const char *url, const char *sql);

/* Makes a fresh temporary directory (caller frees the string). */
char *rf_test_tmpdir(void);

/* Peak resident set size of this process in KiB (VmHWM). */
long rf_test_peak_rss_kib(void);

#endif
