/* test_output.c - values shown to a human: a stored value as its engine's
 * own client prints it (rf_format_stored_display), bytes in that engine's
 * hex form and cut with their length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "rowferry/output.h"

/* rf_format_stored_display of v as db_ops's engine printed it. */
static char *shown(const struct rf_db_ops *ops, enum rf_type_class c, const char *data, size_t len,
                   size_t max_chars)
{
	struct rf_db db;
	struct rf_cell v = {data, len, data == NULL};
	struct rf_buf b = RF_BUF_INIT;

	memset(&db, 0, sizeof db);
	db.ops = ops;
	rf_format_stored_display(&db, c, &v, max_chars, &b);
	rf_buf_adds(&b, ""); /* an empty result is "" too, not NULL */
	return rf_buf_steal(&b);
}

#define ASSERT_SHOWN(expect, ops, c, data, len, max)                                               \
	do {                                                                                       \
		char *got_ = shown(ops, c, data, len, max);                                        \
		assert_string_equal(got_, expect);                                                 \
		free(got_);                                                                        \
	} while (0)

static void bytes_show_as_each_engines_client_prints_them(void **state)
{
	(void)state;
	ASSERT_SHOWN("\\x00ff1a", &rf_pg_ops, RF_T_BYTES, "\x00\xff\x1a", 3, 0);
	ASSERT_SHOWN("0x00FF1A", &rf_mysql_ops, RF_T_BYTES, "\x00\xff\x1a", 3, 0);
	ASSERT_SHOWN("X'00FF1A'", &rf_sqlite_ops, RF_T_BYTES, "\x00\xff\x1a", 3, 0);
	ASSERT_SHOWN("\\x", &rf_pg_ops, RF_T_BYTES, "", 0, 0);
	ASSERT_SHOWN("NULL", &rf_pg_ops, RF_T_BYTES, NULL, 0, 0);
}

static void other_classes_show_the_stored_text(void **state)
{
	(void)state;
	ASSERT_SHOWN("2026-11-05 13:33:00", &rf_pg_ops, RF_T_TIMESTAMP, "2026-11-05 13:33:00", 19,
	             0);
	ASSERT_SHOWN("a\\nb", &rf_sqlite_ops, RF_T_TEXT, "a\nb", 3, 0);
	ASSERT_SHOWN("''", &rf_mysql_ops, RF_T_TEXT, "", 0, 0);
	ASSERT_SHOWN("abc…", &rf_pg_ops, RF_T_TEXT, "abcdef", 6, 3);
	/* the last character shown is whole, however many bytes it has */
	ASSERT_SHOWN("ab\xf0\x9f\x98\x80…", &rf_pg_ops, RF_T_TEXT,
	             "ab\xf0\x9f\x98\x80"
	             "cd",
	             8, 3);
	ASSERT_SHOWN("ab\xc3\xa9", &rf_pg_ops, RF_T_TEXT, "ab\xc3\xa9", 4, 3);
}

static void long_bytes_are_cut_with_their_length(void **state)
{
	char big[1200];
	char *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof big; i++)
		big[i] = (char)i;
	/* no limit given: RF_STORED_BYTES_SHOWN bytes, then the length */
	got = shown(&rf_pg_ops, RF_T_BYTES, big, sizeof big, 0);
	assert_int_equal(strlen(got), 2 + 2 * RF_STORED_BYTES_SHOWN + strlen("… (1200 bytes)"));
	assert_memory_equal(got, "\\x000102", 8);
	assert_string_equal(got + strlen(got) - strlen("7e7f… (1200 bytes)"), "7e7f… (1200 bytes)");
	free(got);
	/* a grid cell 28 wide (passed as 29): whole bytes and the length fit in 28 */
	ASSERT_SHOWN("\\x0001020304050607… (1200 bytes)", &rf_pg_ops, RF_T_BYTES, big, sizeof big,
	             34);
	ASSERT_SHOWN("X'0001020304…' (1200 bytes)", &rf_sqlite_ops, RF_T_BYTES, big, sizeof big,
	             29);
	/* that fits as it is: not cut */
	ASSERT_SHOWN("0x000102", &rf_mysql_ops, RF_T_BYTES, big, 3, 9);
	/* too narrow for the length: the bytes that fit, and the cut */
	ASSERT_SHOWN("\\x00010203…", &rf_pg_ops, RF_T_BYTES, big, sizeof big, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bytes_show_as_each_engines_client_prints_them),
	    cmocka_unit_test(other_classes_show_the_stored_text),
	    cmocka_unit_test(long_bytes_are_cut_with_their_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
