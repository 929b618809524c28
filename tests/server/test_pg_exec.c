/* test_pg_exec.c - the PostgreSQL driver's exec with a large bytes value
 * lent to it (rf_param.lent, src/db/pg/pg_exec.c), against a real server:
 * the value is stored byte for byte, and the caller's hex is given back
 * exactly, whether it was decoded in place, shared by two parameters
 * (not decoded in place), in upper case (not decoded in place), or the
 * statement failed. The memory it saves: e2e.large_values. */
/* cmocka needs these first */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Raw bytes of the lent value: past the driver's binary threshold (2 MiB
 * of hex), every byte value, NUL and backslash included. */
#define RAW_LEN (3u << 20)

static const char *pg_url(void)
{
	return rf_test_env("RF_TEST_PG_URL");
}

/* The SHA-256 (hex) the server computes over bytea column col of row id. */
static char *server_sha(struct rf_db *db, const char *col, int id)
{
	struct rf_result res;
	struct rf_error err;
	char sql[160];
	char *v;

	rf_error_clear(&err);
	snprintf(sql, sizeof sql, "SELECT encode(sha256(%s), 'hex') FROM public.lent WHERE id = %d",
	         col, id);
	CHECK(db->ops->exec(db, sql, 0, NULL, &res, &err), &err);
	assert_int_equal(res.nrows, 1);
	assert_false(res.cells[0].is_null);
	v = strndup(res.cells[0].data, res.cells[0].len);
	rf_result_free(&res);
	return v;
}

static struct rf_param lent_bytes(const char *hex, size_t len)
{
	struct rf_param p = {{hex, len, false}, RF_T_BYTES, true};
	return p;
}

static void lent_bytes_are_stored_and_given_back_exactly(void **state)
{
	static const char digits[] = "0123456789abcdef";
	size_t hexlen = 2 * RAW_LEN, i;
	char *raw = malloc(RAW_LEN), *want = malloc(hexlen + 1), *hex = malloc(hexlen + 1);
	char *upper = malloc(hexlen + 1), *got, sha[RF_SHA256_HEX_LEN + 1];
	struct rf_db *db;
	struct rf_error err;
	struct rf_result res;
	struct rf_tx_opts tx = {0};

	(void)state;
	assert_non_null(raw);
	assert_non_null(want);
	assert_non_null(hex);
	assert_non_null(upper);
	for (i = 0; i < RAW_LEN; i++) {
		unsigned char b = (unsigned char)(i * 7 + i / 256);
		raw[i] = (char)b;
		want[2 * i] = digits[b >> 4];
		want[2 * i + 1] = digits[b & 15];
	}
	want[hexlen] = '\0';
	for (i = 0; i <= hexlen; i++)
		upper[i] = (char)toupper((unsigned char)want[i]);
	rf_sha256_hex(raw, RAW_LEN, sha);
	memcpy(hex, want, hexlen + 1);
	rf_test_sql(pg_url(),
	            "SET client_min_messages = warning; DROP TABLE IF EXISTS public.lent; "
	            "CREATE TABLE public.lent (id int PRIMARY KEY, b bytea, c bytea)");
	db = rf_test_connect("test", pg_url());
	rf_error_clear(&err);
	CHECK(db->ops->begin(db, RF_TX_WRITE, &tx, &err), &err);

	/* decoded in place: sent right, given back as it was */
	{
		struct rf_param p[3] = {{{"1", 1, false}, RF_T_INTEGER, false},
		                        lent_bytes(hex, hexlen),
		                        {{NULL, 0, true}, RF_T_BYTES, false}};
		CHECK(db->ops->exec(db, "INSERT INTO public.lent VALUES ($1, $2, $3)", 3, p, &res,
		                    &err),
		      &err);
		assert_int_equal(res.affected, 1);
		rf_result_free(&res);
		assert_memory_equal(hex, want, hexlen + 1);
		got = server_sha(db, "b", 1);
		assert_string_equal(got, sha);
		free(got);
	}
	/* one memory in two parameters: neither is decoded in place (the
	 * other would read raw bytes as hex) */
	{
		struct rf_param p[3] = {{{"2", 1, false}, RF_T_INTEGER, false},
		                        lent_bytes(hex, hexlen),
		                        lent_bytes(hex, hexlen)};
		CHECK(db->ops->exec(db, "INSERT INTO public.lent VALUES ($1, $2, $3)", 3, p, &res,
		                    &err),
		      &err);
		rf_result_free(&res);
		assert_memory_equal(hex, want, hexlen + 1);
		got = server_sha(db, "b", 2);
		assert_string_equal(got, sha);
		free(got);
		got = server_sha(db, "c", 2);
		assert_string_equal(got, sha);
		free(got);
	}
	/* upper-case hex would come back lower-case: sent from a copy */
	{
		struct rf_param p[2] = {{{"3", 1, false}, RF_T_INTEGER, false},
		                        lent_bytes(upper, hexlen)};
		CHECK(db->ops->exec(db, "INSERT INTO public.lent (id, b) VALUES ($1, $2)", 2, p,
		                    &res, &err),
		      &err);
		rf_result_free(&res);
		for (i = 0; i < hexlen && upper[i] == toupper((unsigned char)want[i]); i++)
			;
		assert_int_equal(i, hexlen);
		got = server_sha(db, "b", 3);
		assert_string_equal(got, sha);
		free(got);
	}
	/* the statement fails (a key taken): the hex is given back all the same */
	{
		struct rf_param p[2] = {{{"1", 1, false}, RF_T_INTEGER, false},
		                        lent_bytes(hex, hexlen)};
		assert_int_equal(db->ops->exec(db,
		                               "INSERT INTO public.lent (id, b) VALUES ($1, $2)", 2,
		                               p, &res, &err),
		                 -1);
		assert_memory_equal(hex, want, hexlen + 1);
	}
	rf_db_rollback(db, NULL);
	/* an UPDATE too, outside a transaction */
	rf_test_sql(pg_url(), "INSERT INTO public.lent VALUES (4, '\\x00', NULL)");
	{
		struct rf_param p[2] = {lent_bytes(hex, hexlen),
		                        {{"4", 1, false}, RF_T_INTEGER, false}};
		rf_error_clear(&err);
		CHECK(db->ops->exec(db, "UPDATE public.lent SET b = $1 WHERE id = $2", 2, p, &res,
		                    &err),
		      &err);
		assert_int_equal(res.affected, 1);
		rf_result_free(&res);
		assert_memory_equal(hex, want, hexlen + 1);
		got = server_sha(db, "b", 4);
		assert_string_equal(got, sha);
		free(got);
	}
	rf_db_close(db);
	free(raw);
	free(want);
	free(hex);
	free(upper);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lent_bytes_are_stored_and_given_back_exactly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
