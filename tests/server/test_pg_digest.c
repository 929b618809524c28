/* test_pg_digest.c - the PostgreSQL driver's large values as digests
 * (rf_stream_spec digest, src/diff/diff_digest.c) against a real server:
 * the gate (rf_table_info.large_values: the TOAST relation holds data), a
 * value over digest_min as its first bytes or characters plus the SHA-256
 * of its bytes (text in UTF-8) in a column after the others, a value not
 * over it whole with a NULL digest, NULL as NULL, and a char(n), which is
 * not digested (its cast to text drops the padding the stream keeps). The
 * size is small here (digest_min 50): the diff's is 1 MiB
 * (tests/e2e/test_large_values.sh). */
/* cmocka needs these first */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <string.h>

#include "rf_test.h"
#include "rowferry/db.h"
#include "rowferry/sha256.h"

#define CHECK(call, err)                                                                           \
	do {                                                                                       \
		char msg_[1200];                                                                   \
		if ((call) != 0)                                                                   \
			fail_msg("%s failed: %s", #call, rf_error_text((err), msg_, sizeof msg_)); \
	} while (0)

static const char *pg_url(void)
{
	return rf_test_env("RF_TEST_PG_URL");
}

static void describe(struct rf_db *db, struct rf_table_info *t)
{
	struct rf_error err;
	rf_error_clear(&err);
	CHECK(db->ops->describe(db, "public.digested", t, &err), &err);
}

static void assert_cell(const struct rf_cell *c, const char *data, size_t len)
{
	assert_false(c->is_null);
	assert_int_equal(c->len, len);
	assert_memory_equal(c->data, data, len);
}

static void assert_digest_of(const struct rf_cell *c, const char *data, size_t len)
{
	struct rf_sha256 h;
	unsigned char want[RF_SHA256_LEN];
	rf_sha256_init(&h);
	rf_sha256_update(&h, data, len);
	rf_sha256_final(&h, want);
	assert_cell(c, (const char *)want, RF_SHA256_LEN);
}

static void large_values_come_as_their_first_bytes_and_a_digest(void **state)
{
	struct rf_db *db;
	struct rf_table_info t;
	struct rf_error err;
	struct rf_stream_spec spec = {0};
	struct rf_stream *s = NULL;
	const struct rf_row *row;
	size_t cols[5] = {0, 1, 2, 3, 4}, key[1] = {0};
	const bool digest[5] = {false, true, true, true, false};
	char bytes[100], text[120], padded[60];

	(void)state;
	memset(bytes, 0xab, sizeof bytes);
	for (size_t i = 0; i < sizeof text; i += 2)
		memcpy(text + i, "\xc3\xa9", 2); /* é */
	memset(padded, ' ', sizeof padded);
	padded[0] = 'x';
	rf_test_sql(pg_url(),
	            "SET client_min_messages = warning;"
	            "DROP TABLE IF EXISTS public.digested;"
	            "CREATE TABLE public.digested (id int PRIMARY KEY, b bytea, t text,"
	            " c char(60), v varchar);"
	            "INSERT INTO public.digested VALUES"
	            " (1, decode(repeat('ab', 100), 'hex'), repeat('é', 60), 'x', 'short'),"
	            " (2, '\\x0102', 'é', 'y', 'v'), (3, NULL, NULL, NULL, NULL)");
	db = rf_test_connect("test", pg_url());
	rf_error_clear(&err);

	/* the gate: nothing is out of line yet */
	describe(db, &t);
	assert_false(t.large_values);
	rf_table_info_free(&t);
	/* 20 kB of md5 digests do not compress under the ~2 kB that moves a
	 * value out of the row */
	rf_test_sql(pg_url(),
	            "INSERT INTO public.digested SELECT 4, decode(string_agg(md5(i::text),"
	            " '' ORDER BY i), 'hex') FROM generate_series(1, 1280) AS i");
	describe(db, &t);
	assert_true(t.large_values);

	spec.table = &t;
	spec.ncols = 5;
	spec.cols = cols;
	spec.nkey = 1;
	spec.key = key;
	spec.digest = digest;
	spec.digest_min = 50;
	CHECK(db->ops->stream_open(db, &spec, &s, &err), &err);

	/* over 50 bytes: its first 48 bytes / characters and its digest; the
	 * char(60) whole, its digest NULL */
	assert_int_equal(db->ops->stream_next(s, &row, &err), 1);
	assert_int_equal(row->ncols, 8);
	assert_cell(&row->cells[1], bytes, RF_DIGEST_PREFIX);
	assert_cell(&row->cells[2], text, 2 * RF_DIGEST_PREFIX);
	assert_cell(&row->cells[3], padded, sizeof padded);
	assert_cell(&row->cells[4], "short", 5);
	assert_digest_of(&row->cells[5], bytes, sizeof bytes);
	assert_digest_of(&row->cells[6], text, sizeof text);
	assert_true(row->cells[7].is_null);

	/* small values whole, no digest */
	assert_int_equal(db->ops->stream_next(s, &row, &err), 1);
	assert_cell(&row->cells[1], "\x01\x02", 2);
	assert_cell(&row->cells[2], "\xc3\xa9", 2);
	for (size_t i = 5; i < 8; i++)
		assert_true(row->cells[i].is_null);

	/* NULL stays NULL */
	assert_int_equal(db->ops->stream_next(s, &row, &err), 1);
	for (size_t i = 1; i < 8; i++)
		assert_true(row->cells[i].is_null);

	assert_int_equal(db->ops->stream_next(s, &row, &err), 1);
	assert_int_equal(row->cells[1].len, RF_DIGEST_PREFIX);
	assert_false(row->cells[5].is_null);
	assert_int_equal(db->ops->stream_next(s, &row, &err), 0);
	db->ops->stream_close(s);
	rf_table_info_free(&t);
	rf_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(large_values_come_as_their_first_bytes_and_a_digest),
	};
	return cmocka_run_group_tests_name("pg_digest", tests, NULL, NULL);
}
