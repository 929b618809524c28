/* rf_fixture.h - fixtures the tests share: a dev and a prod database on
 * every engine, temporary directories, files read and written whole,
 * cells from C strings. Include after rf_test.h. */
#ifndef RF_FIXTURE_H
#define RF_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/db.h"

/* Fails the test with the error's text when call does not return 0. */
#define RF_CHECK(call, err)                                                                        \
	do {                                                                                       \
		char msg_[1200];                                                                   \
		if ((call) != 0)                                                                   \
			fail_msg("%s failed: %s", #call, rf_error_text((err), msg_, sizeof msg_)); \
	} while (0)

enum rf_test_engine { RF_TEST_POSTGRES, RF_TEST_MARIADB, RF_TEST_SQLITE, RF_TEST_NENGINES };

/* A test's two sides on one engine: URLs of database <prefix>_dev and
 * <prefix>_prod on the throwaway PostgreSQL and MariaDB servers, of the
 * files dev.db and prod.db of the test's directory for SQLite. */
struct rf_test_sides {
	char dev[1200], prod[1200];
};

/* Makes the databases <prefix>_dev and <prefix>_prod anew (dropped
 * first) on the PostgreSQL and the MariaDB server, and fills sides[e] for
 * each engine e (dir: the test's directory, for SQLite's files). touch:
 * creates SQLite's two files, empty, as well. */
void rf_test_fresh_sides(const char *prefix, const char *dir, bool touch,
                         struct rf_test_sides sides[RF_TEST_NENGINES]);

/* URL of database db on the same server as base (".../rf_test?..."). */
void rf_test_url_for(char *out, size_t n, const char *base, const char *db);

/* Removes directory dir and all below it, and frees the string. */
void rf_test_rmtree(char *dir);

/* The whole file at path, NUL-terminated (caller frees); fails the test
 * when it cannot be read. rf_test_spit writes text as the whole file. */
char *rf_test_slurp(const char *path);
void rf_test_spit(const char *path, const char *text);

struct rf_journal;
/* Loads the journal at path into j (rf_journal_load, not verifying its
 * seal's state); fails the test with the error's text when it cannot. */
void rf_test_journal_load(const char *path, struct rf_journal *j);

/* A cell over s (not copied); NULL for SQL NULL. */
struct rf_cell rf_test_cell(const char *s);
/* Whether c is not NULL and holds the n bytes of s. */
bool rf_test_cell_is(const struct rf_cell *c, const char *s, size_t n);

#endif
