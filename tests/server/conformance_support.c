/* conformance_support.c - helpers of the driver conformance suite
 * (conformance_support.h). */
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
#include <time.h>

#include "conformance_support.h"

const struct conf_engine *E;
char *url;
struct rf_db *db;

void rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->cells[i].data);
	free(r->cells);
	memset(r, 0, sizeof *r);
}

const struct cellcopy *cell(const struct rows *r, size_t row, size_t col)
{
	if (row >= r->nrows || col >= r->ncols)
		fail_msg("%s: no cell %zu,%zu in %zu rows", E->name, row, col, r->nrows);
	return &r->cells[row * r->ncols + col];
}

/* want NULL: SQL NULL; else exactly want[0..n) */
void assert_bytes(const char *data, size_t len, bool is_null, const char *want, size_t n)
{
	if (!want) {
		if (!is_null)
			fail_msg("%s: [%.*s], want NULL", E->name, (int)(len > 80 ? 80 : len),
			         data);
		return;
	}
	if (is_null)
		fail_msg("%s: NULL, want [%.*s]", E->name, (int)(n > 80 ? 80 : n), want);
	if (len != n || memcmp(data, want, n) != 0)
		fail_msg("%s: [%.*s] (%zu bytes), want [%.*s] (%zu bytes)", E->name,
		         (int)(len > 80 ? 80 : len), data, len, (int)(n > 80 ? 80 : n), want, n);
}

void assert_cell(const struct cellcopy *c, const char *want)
{
	assert_bytes(c->data, c->len, c->is_null, want, want ? strlen(want) : 0);
}

size_t *col_indexes(const struct rf_table_info *t, const char *csv, size_t *n)
{
	struct rf_strlist names = RF_STRLIST_INIT;
	size_t *idx;

	rf_strlist_split(&names, csv);
	idx = calloc(names.len + 1, sizeof *idx);
	for (size_t i = 0; i < names.len; i++) {
		int c = rf_table_info_col(t, names.items[i]);
		if (c < 0)
			fail_msg("%s: no column %s in %s", E->name, names.items[i], t->display);
		idx[i] = (size_t)c;
	}
	*n = names.len;
	rf_strlist_free(&names);
	return idx;
}

/* Streams the comma-separated columns cols of table t, ordered by the
 * columns key, into out. Returns 0, or -1 with err. */
int stream_rows(struct rf_db *d, const struct rf_table_info *t, const char *cols, const char *key,
                const char *where, bool lock, struct rows *out, struct rf_error *err)
{
	struct rf_stream_spec spec = {.table = t, .where = where, .lock = lock};
	struct rf_stream *s = NULL;
	const struct rf_row *row;
	size_t *ci = col_indexes(t, cols, &spec.ncols);
	size_t *ki = col_indexes(t, key, &spec.nkey);
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof *out);
	out->ncols = spec.ncols;
	spec.cols = ci;
	spec.key = ki;
	rf_error_clear(err);
	rc = d->ops->stream_open(d, &spec, &s, err);
	if (rc != 0 && s)
		fail_msg("%s: stream_open failed but gave a stream", E->name);
	while (rc == 0 && (rc = d->ops->stream_next(s, &row, err)) == 1) {
		assert_int_equal(row->ncols, spec.ncols);
		if (out->nrows == cap) {
			cap = cap ? cap * 2 : 16;
			out->cells = realloc(out->cells, cap * out->ncols * sizeof *out->cells);
		}
		for (size_t i = 0; i < out->ncols; i++) {
			struct cellcopy *c = &out->cells[out->nrows * out->ncols + i];
			c->is_null = row->cells[i].is_null;
			c->len = c->is_null ? 0 : row->cells[i].len;
			c->data = malloc(c->len + 1);
			if (c->len)
				memcpy(c->data, row->cells[i].data, c->len);
			c->data[c->len] = '\0';
		}
		out->nrows++;
		rc = 0;
	}
	if (s)
		d->ops->stream_close(s);
	free(ci);
	free(ki);
	return rc;
}

void describe(struct rf_db *d, const char *name, struct rf_table_info *t)
{
	struct rf_error err;
	CHECK(rf_db_describe(d, name, t, &err));
}

/* "SELECT count(*) FROM <t>" with the driver's quoting */
long long count_rows(struct rf_db *d, const char *table)
{
	struct rf_buf sql = RF_BUF_INIT;
	struct rf_result res;
	struct rf_error err;
	long long n;

	rf_buf_adds(&sql, "SELECT count(*) FROM ");
	d->ops->quote_ident(d, table, &sql);
	CHECK(d->ops->exec(d, sql.data, 0, NULL, &res, &err));
	assert_int_equal(res.nrows, 1);
	n = strtoll(res.cells[0].data, NULL, 10);
	rf_result_free(&res);
	rf_buf_free(&sql);
	return n;
}

/* "INSERT INTO <t> (<c1>, ...) VALUES (<p1>, ...)" with the driver's own
 * quoting and placeholders, then suffix */
char *insert_sql(struct rf_db *d, const char *table, const char *const *cols, size_t n,
                 const char *suffix)
{
	struct rf_buf b = RF_BUF_INIT;

	rf_buf_adds(&b, "INSERT INTO ");
	d->ops->quote_ident(d, table, &b);
	rf_buf_adds(&b, " (");
	for (size_t i = 0; i < n; i++) {
		if (i)
			rf_buf_adds(&b, ", ");
		d->ops->quote_ident(d, cols[i], &b);
	}
	rf_buf_adds(&b, ") VALUES (");
	for (size_t i = 0; i < n; i++) {
		if (i)
			rf_buf_adds(&b, ", ");
		d->ops->placeholder(d, i + 1, &b);
	}
	rf_buf_addc(&b, ')');
	rf_buf_adds(&b, suffix);
	return rf_buf_steal(&b);
}

struct rf_param param(enum rf_type_class c, const char *s, size_t n)
{
	struct rf_param p = {{s, n, s == NULL}, c, false};
	return p;
}

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
