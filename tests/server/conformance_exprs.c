/* conformance_exprs.c - the conformance suite's scenario about raw
 * expressions in a stream (rf_stream_spec's exprs: a map's sql(), DESIGN
 * §12, §15): read as more select-list items of the same statement, each
 * refused before the server sees it when it is not one expression, and a
 * server's error in one leaves the read transaction usable. */
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

/* Streams cf_victim's id and the expressions ex[0..n) ordered by id into
 * r (rows_free), the cells of a boolean expression canonical. 0 or -1. */
static int stream_exprs(const struct rf_table_info *t, const struct rf_stream_expr *ex, size_t n,
                        struct rows *r, struct rf_error *err)
{
	struct rf_stream_spec spec = {0};
	struct rf_stream *s = NULL;
	const struct rf_row *row;
	struct rf_buf canon = RF_BUF_INIT;
	size_t col = 0, i;
	int rc;

	memset(r, 0, sizeof *r);
	spec.table = t;
	spec.ncols = spec.nkey = 1;
	spec.cols = spec.key = &col;
	spec.nexprs = n;
	spec.exprs = ex;
	rf_error_clear(err);
	if (db->ops->stream_open(db, &spec, &s, err) != 0) {
		assert_null(s);
		return -1;
	}
	r->ncols = 1 + n;
	while ((rc = db->ops->stream_next(s, &row, err)) == 1) {
		assert_int_equal(row->ncols, 1 + n);
		r->cells = rf_xrealloc(r->cells, (r->nrows + 1) * r->ncols * sizeof *r->cells);
		for (i = 0; i < r->ncols; i++) {
			const struct rf_cell *c = &row->cells[i];
			struct cellcopy *o = &r->cells[r->nrows * r->ncols + i];
			o->is_null = c->is_null;
			rf_buf_reset(&canon);
			if (!c->is_null && i && ex[i - 1].tclass == RF_T_BOOLEAN) {
				assert_int_equal(rf_value_canon(RF_T_BOOLEAN, c, NULL, &canon), 0);
				o->data = rf_xstrndup(canon.data, canon.len);
				o->len = canon.len;
			} else {
				o->data = c->is_null ? NULL : rf_xstrndup(c->data, c->len);
				o->len = c->len;
			}
		}
		r->nrows++;
	}
	db->ops->stream_close(s);
	rf_buf_free(&canon);
	return rc;
}

void stream_exprs_are_select_items_checked_as_where(void **state)
{
	static const char *const bad[] = {"1; DROP TABLE cf_victim",
	                                  "k -- x",
	                                  "k /* x */",
	                                  "(k",
	                                  "k) FROM cf_victim; DROP TABLE cf_victim; SELECT (k",
	                                  "'open",
	                                  ""};
	/* written alike on every engine: upper(), arithmetic, a comparison */
	struct rf_stream_expr ex[3] = {
	    {"upper(k)", RF_T_TEXT}, {"id * 10", RF_T_INTEGER}, {"id > 1", RF_T_BOOLEAN}};
	static const char *const want[3][4] = {
	    {"1", "A;B", "10", "false"}, {"2", "IT'S", "20", "true"}, {"3", "C", "30", "true"}};
	struct rf_table_info t;
	struct rf_error err;
	struct rows r;
	size_t i, j;

	(void)state;
	describe(db, "cf_victim", &t);
	CHECK(rf_db_begin(db, RF_TX_READ, NULL, &err));
	CHECK(stream_exprs(&t, ex, 3, &r, &err));
	assert_int_equal(r.nrows, 3);
	for (i = 0; i < 3; i++)
		for (j = 0; j < 4; j++)
			assert_cell(cell(&r, i, j), want[i][j]);
	rows_free(&r);

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ex[0].sql = bad[i];
		assert_int_equal(stream_exprs(&t, ex, 1, &r, &err), -1);
		assert_string_equal(err.where, "test");
		if (strncmp(err.msg, "sql() ", 6) != 0)
			fail_msg("%s: [%s]: %s", E->name, bad[i], err.msg);
		rows_free(&r);
	}
	/* the server's own error, then the same transaction reads on */
	ex[0].sql = "no_such_fn(k)";
	assert_int_equal(stream_exprs(&t, ex, 1, &r, &err), -1);
	assert_string_equal(err.where, "test");
	assert_non_null(strstr(err.msg, "no_such_fn"));
	rows_free(&r);
	ex[0].sql = "k";
	CHECK(stream_exprs(&t, ex, 1, &r, &err));
	assert_int_equal(r.nrows, 3);
	assert_cell(cell(&r, 1, 1), "it's");
	rows_free(&r);
	CHECK(rf_db_commit(db, &err));
	assert_int_equal(count_rows(db, "cf_victim"), 3);
	rf_table_info_free(&t);
}
