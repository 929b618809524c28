/* rf_fixture.c - see rf_fixture.h */
/* nftw() */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rf_fixture.h"
#include "rf_test.h"
#include "rowferry/journal.h"

void rf_test_url_for(char *out, size_t n, const char *base, const char *db)
{
	const char *p = strstr(base, "/rf_test");
	assert_non_null(p);
	snprintf(out, n, "%.*s/%s%s", (int)(p - base), base, db, p + 8);
}

static void touch(const char *url)
{
	FILE *f = fopen(url + strlen("sqlite:"), "a");
	assert_non_null(f);
	fclose(f);
}

void rf_test_fresh_sides(const char *prefix, const char *dir, bool touch_files,
                         struct rf_test_sides sides[RF_TEST_NENGINES])
{
	const char *pg = rf_test_env("RF_TEST_PG_URL"), *my = rf_test_env("RF_TEST_MY_URL");
	char sql[1024], dev[128], prod[128];

	snprintf(dev, sizeof dev, "%s_dev", prefix);
	snprintf(prod, sizeof prod, "%s_prod", prefix);
	snprintf(sql, sizeof sql,
	         "SET client_min_messages = warning;"
	         "DROP DATABASE IF EXISTS %s WITH (FORCE);"
	         "DROP DATABASE IF EXISTS %s WITH (FORCE);"
	         "CREATE DATABASE %s; CREATE DATABASE %s;",
	         dev, prod, dev, prod);
	rf_test_sql(pg, sql);
	snprintf(sql, sizeof sql,
	         "DROP DATABASE IF EXISTS %s; DROP DATABASE IF EXISTS %s;"
	         "CREATE DATABASE %s; CREATE DATABASE %s;",
	         dev, prod, dev, prod);
	rf_test_sql(my, sql);
	rf_test_url_for(sides[RF_TEST_POSTGRES].dev, sizeof sides->dev, pg, dev);
	rf_test_url_for(sides[RF_TEST_POSTGRES].prod, sizeof sides->prod, pg, prod);
	rf_test_url_for(sides[RF_TEST_MARIADB].dev, sizeof sides->dev, my, dev);
	rf_test_url_for(sides[RF_TEST_MARIADB].prod, sizeof sides->prod, my, prod);
	snprintf(sides[RF_TEST_SQLITE].dev, sizeof sides->dev, "sqlite:%s/dev.db", dir);
	snprintf(sides[RF_TEST_SQLITE].prod, sizeof sides->prod, "sqlite:%s/prod.db", dir);
	if (touch_files) {
		touch(sides[RF_TEST_SQLITE].dev);
		touch(sides[RF_TEST_SQLITE].prod);
	}
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

void rf_test_rmtree(char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

char *rf_test_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = calloc(1, (size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return text;
}

void rf_test_spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

struct rf_cell rf_test_cell(const char *s)
{
	struct rf_cell c = {s, s ? strlen(s) : 0, s == NULL};
	return c;
}

bool rf_test_cell_is(const struct rf_cell *c, const char *s, size_t n)
{
	return !c->is_null && c->len == n && memcmp(c->data, s, n) == 0;
}

void rf_test_journal_load(const char *path, struct rf_journal *j)
{
	struct rf_error err;
	char text[1300];

	rf_error_clear(&err);
	if (rf_journal_load(path, false, j, &err) != 0)
		fail_msg("%s", rf_error_text(&err, text, sizeof text));
}
