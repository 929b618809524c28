/* test_util.c - the small shared pieces whose mistakes would be quiet:
 * passwords left in a shown URL, integer text at the edges, list splitting
 * (a WHERE that is more than one expression: test_fragment.c). */
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

static void suggest_finds_the_near_name(void **state)
{
	const char *cols[] = {"guid", "job_number", "order_ref", "qty", "status"};
	(void)state;
	assert_string_equal(rf_suggest("gid", cols, 5), "guid");
	assert_string_equal(rf_suggest("JOB_NUMBR", cols, 5), "job_number");
	assert_string_equal(rf_suggest("order-ref", cols, 5), "order_ref");
	assert_string_equal(rf_suggest("stauts", cols, 5), "status");
	assert_null(rf_suggest("zzzz", cols, 5));
	assert_null(rf_suggest("q", cols, 5)); /* too short to guess from */
	assert_null(rf_suggest("price", cols, 5));
	assert_null(rf_suggest("gid", cols, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(url_redaction_removes_every_password_form),
	    cmocka_unit_test(int64_text_handles_the_edges),
	    cmocka_unit_test(strlist_split_trims_and_skips_empty_items),
	    cmocka_unit_test(first_error_wins),
	    cmocka_unit_test(suggest_finds_the_near_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
