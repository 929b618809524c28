/* conformance_values.c - the conformance suite's scenarios about values
 * (test_driver_conformance.c): parameters, literals, RETURNING and bulk
 * loads, each value read back byte for byte in the engine's text form. */
/* cmocka needs these first */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance_support.h"

/* ---- values ------------------------------------------------------------- */

struct value_case {
	const char *col;
	enum rf_type_class tclass;
	const char *in; /* canonical form; NULL: SQL NULL */
	size_t inlen;
	const char *out; /* what the stream gives; NULL: the engine's answer */
	size_t outlen;
};
#define S(s) s, sizeof(s) - 1
#define ALL_BYTES_HEX                                                                              \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"                         \
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"                         \
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"                         \
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"                         \
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"                         \
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"                         \
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"                         \
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"

#define NCASES 22
/* filled per engine (the NULL outs) and with the 1 MiB text */
static struct value_case *value_cases(char **big)
{
	static struct value_case c[NCASES] = {
	    {"t", RF_T_TEXT, NULL, 0, NULL, 0},
	    {"t", RF_T_TEXT, S(""), S("")},
	    {"t", RF_T_TEXT, S("h\xc3\xa9llo \xf0\x9f\x9a\x80 e\xcc\x81 \xe2\x80\x8b end"),
	     S("h\xc3\xa9llo \xf0\x9f\x9a\x80 e\xcc\x81 \xe2\x80\x8b end")},
	    {"t", RF_T_TEXT, S("tab\there\r\nCRLF\nLF\rCR\v\f\b end\t"),
	     S("tab\there\r\nCRLF\nLF\rCR\v\f\b end\t")},
	    {"t", RF_T_TEXT, S("it's \"quoted\" back\\slash \\\\ \\' \\n `tick` %_ \\N $$"),
	     S("it's \"quoted\" back\\slash \\\\ \\' \\n `tick` %_ \\N $$")},
	    {"t", RF_T_TEXT, S("  padded  "), S("  padded  ")},
	    {"t", RF_T_TEXT, S("1.50"), S("1.50")},
	    {"t", RF_T_TEXT, NULL, 0, NULL, 0}, /* the 1 MiB text */
	    {"b", RF_T_BYTES, S("00ff000102"), S("\x00\xff\x00\x01\x02")},
	    {"b", RF_T_BYTES, S(""), S("")},
	    {"b", RF_T_BYTES, S(ALL_BYTES_HEX), NULL, 0},
	    {"d", RF_T_DECIMAL, S("1.50"), NULL, 0},
	    {"d", RF_T_DECIMAL, S("-12345678.90"), NULL, 0},
	    {"ts", RF_T_TIMESTAMP, S("2026-11-21T10:00:00.123456"),
	     S("2026-11-21 10:00:00.123456")},
	    {"ts", RF_T_TIMESTAMP, S("2026-11-21T10:00:00.000000"), NULL, 0},
	    {"j", RF_T_JSON, S("{\"a\": [1, 2.50, {\"c\": null}], \"b\": \"x\\\"y\\u00e9\"}"), NULL,
	     0},
	    {"u", RF_T_UUID, S("1b4e28ba-2fa1-41d2-883f-0016d3cca427"),
	     S("1b4e28ba-2fa1-41d2-883f-0016d3cca427")},
	    {"flag", RF_T_BOOLEAN, S("true"), NULL, 0},
	    {"flag", RF_T_BOOLEAN, S("false"), NULL, 0},
	    {"t", RF_T_TEXT, S("nul\0inside"), S("nul\0inside")}, /* where text_nul */
	    {"flag", RF_T_BOOLEAN, NULL, 0, NULL, 0},
	    {"ts", RF_T_TIMESTAMP, S("2026-11-21 10:00:00.123456"),
	     S("2026-11-21 10:00:00.123456")},
	};
	static char all[256];
	size_t n = 1024 * 1024;

	*big = malloc(n);
	for (size_t i = 0; i < n; i++) /* ending in a 3-byte character */
		(*big)[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	memcpy(*big + n - 3, "\xe2\x82\xac", 3);
	c[7].in = c[7].out = *big;
	c[7].inlen = c[7].outlen = n;
	for (size_t i = 0; i < 256; i++)
		all[i] = (char)i;
	c[10].out = all;
	c[10].outlen = 256;
	c[11].out = E->dec_150;
	c[12].out = E->dec_big;
	c[14].out = E->ts_whole;
	c[15].out = E->json_escapes
	                ? "{\"a\": [1, 2.50, {\"c\": null}], \"b\": \"x\\\"y\\u00e9\"}"
	                : "{\"a\": [1, 2.50, {\"c\": null}], \"b\": \"x\\\"y\xc3\xa9\"}";
	c[17].out = E->bool_true;
	c[18].out = E->bool_false;
	for (size_t i = 11; i < 19; i++) /* the engine's answers */
		if (c[i].out && !c[i].outlen)
			c[i].outlen = strlen(c[i].out);
	return c;
}

/* Each value bound as a parameter, and again as quote_literal renders it
 * (the preview shows literals, apply binds): both read back as the same
 * bytes, the engine's text form of the value. A NUL in text is kept or
 * refused, never cut. */
void values_survive_a_bound_write_and_a_literal_byte_for_byte(void **state)
{
	char *big, *sql;
	struct value_case *c = value_cases(&big);
	struct rf_table_info t;
	struct rf_error err;
	struct rf_result res;
	struct rows r;

	(void)state;
	CHECK(rf_db_begin(db, RF_TX_WRITE, NULL, &err));
	for (size_t i = 0; i < NCASES; i++) {
		const char *cols[2] = {"id", c[i].col};
		char id[16];
		struct rf_param p[2] = {param(RF_T_INTEGER, id, 0),
		                        param(c[i].tclass, c[i].in, c[i].inlen)};
		struct rf_buf lit = RF_BUF_INIT;
		int rc;

		snprintf(id, sizeof id, "%zu", i + 1);
		p[0].value.len = strlen(id);
		if (i == 19 && !E->text_nul) { /* below */
			c[i].col = NULL;
			continue;
		}
		sql = insert_sql(db, "cf_vals", cols, 2, "");
		rf_error_clear(&err);
		rc = db->ops->exec(db, sql, 2, p, &res, &err);
		free(sql);
		if (rc != 0)
			fail_msg("%s: case %zu: %s", E->name, i, err.msg);
		assert_int_equal(res.affected, 1);
		rf_result_free(&res);
		rf_buf_printf(&lit, "INSERT INTO cf_vals (id, ");
		db->ops->quote_ident(db, c[i].col, &lit);
		rf_buf_printf(&lit, ") VALUES (%zu, ", i + 101);
		db->ops->quote_literal(db, c[i].tclass, &p[1].value, &lit);
		rf_buf_addc(&lit, ')');
		CHECK(db->ops->exec(db, lit.data, 0, NULL, NULL, &err));
		rf_buf_free(&lit);
	}
	CHECK(rf_db_commit(db, &err));
	if (!E->text_nul) { /* refused, not cut at the NUL */
		const char *cols[2] = {"id", "t"};
		struct rf_param p[2] = {param(RF_T_INTEGER, "20", 2),
		                        param(RF_T_TEXT, c[19].in, c[19].inlen)};
		sql = insert_sql(db, "cf_vals", cols, 2, "");
		CHECK(rf_db_begin(db, RF_TX_WRITE, NULL, &err));
		rf_error_clear(&err);
		assert_int_equal(db->ops->exec(db, sql, 2, p, NULL, &err), -1);
		printf("  a NUL in text: %s\n", err.msg);
		assert_string_equal(err.where, "test");
		CHECK(rf_db_rollback(db, &err));
		free(sql);
	}
	describe(db, "cf_vals", &t);
	for (size_t i = 0; i < NCASES; i++) {
		char where[64];
		if (!c[i].col)
			continue;
		snprintf(where, sizeof where, "id IN (%zu, %zu)", i + 1, i + 101);
		CHECK(stream_rows(db, &t, c[i].col, "id", where, false, &r, &err));
		assert_int_equal(r.nrows, 2);
		for (size_t k = 0; k < 2; k++) {
			const struct cellcopy *v = cell(&r, k, 0);
			if (c[i].out && c[i].outlen > 200)
				printf("  case %zu: %zu bytes\n", i, v->len);
			assert_bytes(v->data, v->len, v->is_null, c[i].out, c[i].outlen);
		}
		rows_free(&r);
	}
	/* RETURNING gives values in the same form (bytes as raw bytes) */
	{
		const char *cols[2] = {"name", "b"};
		struct rf_param p[2] = {param(RF_T_TEXT, S("n")), param(RF_T_BYTES, S("00ff5c27"))};
		sql = insert_sql(db, "cf_gen", cols, 2, " RETURNING b, name");
		CHECK(rf_db_begin(db, RF_TX_WRITE, NULL, &err));
		CHECK(db->ops->exec(db, sql, 2, p, &res, &err));
		assert_int_equal(res.nrows, 1);
		assert_bytes(res.cells[0].data, res.cells[0].len, res.cells[0].is_null,
		             "\x00\xff\\'", 4);
		assert_bytes(res.cells[1].data, res.cells[1].len, res.cells[1].is_null, "n", 1);
		rf_result_free(&res);
		CHECK(rf_db_rollback(db, &err));
		free(sql);
	}
	rf_table_info_free(&t);
	free(big);
}

/* A literal selected back through exec is the value (text and bytes). */
void quoted_literals_read_back_as_the_same_value(void **state)
{
	char *big;
	struct value_case *c = value_cases(&big);
	struct rf_buf sql = RF_BUF_INIT;
	struct rf_result res;
	struct rf_error err;

	(void)state;
	for (size_t i = 0; i < NCASES; i++) {
		struct rf_cell v = {c[i].in, c[i].inlen, c[i].in == NULL};
		if ((c[i].tclass != RF_T_TEXT && c[i].tclass != RF_T_BYTES) || !c[i].in)
			continue;
		if (i == 19 && !E->text_nul)
			continue;
		rf_buf_reset(&sql);
		rf_buf_adds(&sql, "SELECT ");
		db->ops->quote_literal(db, c[i].tclass, &v, &sql);
		CHECK(db->ops->exec(db, sql.data, 0, NULL, &res, &err));
		assert_int_equal(res.nrows, 1);
		assert_bytes(res.cells[0].data, res.cells[0].len, res.cells[0].is_null, c[i].out,
		             c[i].outlen);
		rf_result_free(&res);
	}
	rf_buf_free(&sql);
	free(big);
}

/* ---- bulk load ---------------------------------------------------------- */

/* Where the engine has a loader: rows of bulk_value fields (tabs,
 * newlines, backslashes, "\N" as text, NULL, empty) load byte for byte
 * inside the write transaction, a temporary key table loads, joins and
 * drops, a name that is not plain is refused, and a second statement in
 * the load's statement is refused by the server. */
void bulk_load_keeps_every_byte_and_stays_in_the_transaction(void **state)
{
	const struct rf_cell v[] = {{"1", 1, false},    {"tab\there\nand \\N", 15, false},
	                            {"true", 4, false}, {"2", 1, false},
	                            {NULL, 0, true},    {"false", 5, false},
	                            {"3", 1, false},    {"", 0, false},
	                            {NULL, 0, true}};
	const enum rf_type_class classes[] = {RF_T_INTEGER, RF_T_TEXT, RF_T_BOOLEAN};
	const size_t key[] = {0}, all[] = {0, 1, 2};
	struct rf_buf sql = RF_BUF_INIT, data = RF_BUF_INIT, bad = RF_BUF_INIT;
	struct rf_table_info t;
	struct rf_result res;
	struct rf_error err;
	struct rows r;
	long long rows = -1;

	(void)state;
	if (!E->bulk) {
		assert_false(db->bulk);
		assert_null(db->ops->bulk_value);
		assert_null(db->ops->bulk_script);
		assert_null(db->ops->temp_drop);
		return;
	}
	describe(db, "cf_bulk", &t);
	for (size_t i = 0; i < 9; i++)
		db->ops->bulk_value(db, classes[i % 3], &v[i], i % 3 == 2, &data);
	db->ops->bulk_statement(db, &t, all, 3, &sql);
	printf("  %s\n", sql.data);
	CHECK(rf_db_begin(db, RF_TX_WRITE, NULL, &err));
	CHECK(rf_db_bulk_load(db, sql.data, data.data, data.len, &rows, &err));
	assert_int_equal(rows, 3);
	CHECK(stream_rows(db, &t, "id, t, flag", "id", NULL, false, &r, &err));
	assert_int_equal(r.nrows, 3);
	assert_cell(cell(&r, 0, 1), "tab\there\nand \\N");
	assert_cell(cell(&r, 0, 2), E->bool_true);
	assert_cell(cell(&r, 1, 1), NULL);
	assert_cell(cell(&r, 1, 2), E->bool_false);
	assert_cell(cell(&r, 2, 1), "");
	assert_cell(cell(&r, 2, 2), NULL);
	rows_free(&r);
	CHECK(db->ops->temp_load(db, "rowferry_keys_c", &t, key, 1, "2\n3\n", 4, &err));
	CHECK(db->ops->exec(
	    db, "SELECT count(*) FROM cf_bulk WHERE id IN (SELECT id FROM rowferry_keys_c)", 0,
	    NULL, &res, &err));
	assert_bytes(res.cells[0].data, res.cells[0].len, false, "2", 1);
	rf_result_free(&res);
	CHECK(db->ops->temp_drop(db, "rowferry_keys_c", &err));
	rf_error_clear(&err);
	assert_int_equal(db->ops->temp_drop(db, "x; DROP TABLE cf_bulk", &err), -1);
	CHECK(rf_db_rollback(db, &err));
	assert_int_equal(count_rows(db, "cf_bulk"), 0); /* the load was inside the transaction */

	/* DESIGN §15: the load's statement goes out alone too */
	rf_buf_adds(&bad, "DELETE FROM cf_victim; ");
	rf_buf_add(&bad, sql.data, sql.len);
	CHECK(rf_db_begin(db, RF_TX_WRITE, NULL, &err));
	rf_error_clear(&err);
	assert_int_equal(rf_db_bulk_load(db, bad.data, data.data, data.len, &rows, &err), -1);
	printf("  a second statement in the load: %s\n", err.msg);
	assert_non_null(strstr(err.msg, E->two_statements_msg));
	rf_db_rollback(db, NULL);
	assert_int_equal(count_rows(db, "cf_victim"), 3);
	rf_table_info_free(&t);
	rf_buf_free(&sql);
	rf_buf_free(&data);
	rf_buf_free(&bad);
}
