/* test_util.c - the small shared pieces whose mistakes would be quiet:
 * passwords left in a shown URL, a WHERE that is more than one expression,
 * integer text at the edges, list splitting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/db.h"
#include "rowferry/util.h"

static void expect_redacted(const char *url, const char *want)
{
	char *got = rf_url_redact(url);
	assert_string_equal(got, want);
	free(got);
}

static void url_redaction_removes_every_password_form(void **state)
{
	(void)state;
	expect_redacted("postgres://app:s3cret@db.internal:5432/wg?sslmode=require",
	                "postgres://app@db.internal:5432/wg?sslmode=require");
	expect_redacted("mysql://root:p@ss@localhost/db?socket=/tmp/x.sock",
	                "mysql://root@localhost/db?socket=/tmp/x.sock");
	expect_redacted("postgresql://app@/wg?host=/tmp&password=hunter2&port=5",
	                "postgresql://app@/wg?host=/tmp&port=5");
	expect_redacted("host=db dbname=wg password='a b\\'c' user=app",
	                "host=db dbname=wg user=app");
	expect_redacted("sqlite:///var/lib/app.db", "sqlite:///var/lib/app.db");
	expect_redacted("postgres://app@db/wg", "postgres://app@db/wg");
}

static void where_must_be_one_expression(void **state)
{
	struct rf_error err;
	(void)state;
	rf_error_clear(&err);
	assert_int_equal(rf_db_check_where("job_number = '0000065'", "dev", &err), 0);
	assert_int_equal(rf_db_check_where("note = 'a;b -- c' AND (x IN (1,2))", "dev", &err), 0);
	assert_int_equal(rf_db_check_where("1=1; DROP TABLE x", "dev", &err), -1);
	assert_non_null(strstr(err.msg, "single expression"));
	rf_error_clear(&err);
	assert_int_equal(rf_db_check_where("a = 1) OR (1=1", "dev", &err), -1);
	rf_error_clear(&err);
	assert_int_equal(rf_db_check_where("a = 1 -- comment", "dev", &err), -1);
	rf_error_clear(&err);
	assert_int_equal(rf_db_check_where("a = 'open", "dev", &err), -1);
	rf_error_clear(&err);
	assert_int_equal(rf_db_check_where("   ", "dev", &err), -1);
}

static void int64_text_handles_the_edges(void **state)
{
	char buf[24];
	(void)state;
	assert_int_equal(rf_int64_text(0, buf), 1);
	assert_string_equal(buf, "0");
	rf_int64_text(-1, buf);
	assert_string_equal(buf, "-1");
	rf_int64_text(LLONG_MAX, buf);
	assert_string_equal(buf, "9223372036854775807");
	assert_int_equal(rf_int64_text(LLONG_MIN, buf), 20);
	assert_string_equal(buf, "-9223372036854775808");
}

static void strlist_split_trims_and_skips_empty_items(void **state)
{
	struct rf_strlist l = RF_STRLIST_INIT;
	char *joined;
	(void)state;
	rf_strlist_split(&l, " job_number, order_ref ,,guid ");
	assert_int_equal(l.len, 3);
	assert_int_equal(rf_strlist_index(&l, "order_ref"), 1);
	joined = rf_strlist_join(&l, "|");
	assert_string_equal(joined, "job_number|order_ref|guid");
	free(joined);
	rf_strlist_free(&l);
}

static void first_error_wins(void **state)
{
	struct rf_error err;
	char text[256];
	(void)state;
	rf_error_clear(&err);
	rf_error_set(&err, "prod", "relation \"x\" does not exist\n");
	rf_error_set(&err, "cleanup", "something later");
	assert_string_equal(rf_error_text(&err, text, sizeof text),
	                    "prod: relation \"x\" does not exist");
}

/* A buffer only reserved (nothing appended) is still "": the console's
 * line editor stole one for an empty line, and the WHERE, the search and
 * the file name then read uninitialised heap (valgrind sees it; the screen
 * showed the bytes a freed block left behind). */
static void reserved_empty_buffer_is_an_empty_string(void **state)
{
	struct rf_buf b = RF_BUF_INIT;
	char *s;
	(void)state;
	rf_buf_reserve(&b, 1);
	assert_non_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(strlen(b.data), 0);
	s = rf_buf_steal(&b);
	assert_string_equal(s, "");
	free(s);
	s = rf_buf_steal(&b); /* never allocated at all */
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(url_redaction_removes_every_password_form),
	    cmocka_unit_test(where_must_be_one_expression),
	    cmocka_unit_test(int64_text_handles_the_edges),
	    cmocka_unit_test(strlist_split_trims_and_skips_empty_items),
	    cmocka_unit_test(first_error_wins),
	    cmocka_unit_test(reserved_empty_buffer_is_an_empty_string),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
