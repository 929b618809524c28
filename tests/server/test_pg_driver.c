/* test_pg_driver.c - what only the PostgreSQL driver (src/db/pg) does,
 * against a real server: introspection of schemas, domains, enums, arrays
 * and the search_path, COPY's text forms and the locking cursor, its
 * literals, dotted names, server-side timeouts, enum keys, errors inside a
 * COPY, dollar quotes and standard_conforming_strings, a 1M-row COPY
 * against raw libpq, conninfo strings and URL passwords, txid_status. What
 * every driver does is the conformance suite's
 * (tests/server/test_driver_conformance.c, run for PostgreSQL as
 * server.conformance.pg). */
/* cmocka needs these first */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "rf_test.h"
#include "rowferry/db.h"

#if defined(__SANITIZE_ADDRESS__)
/* ASan's quarantine keeps up to 256 MiB of freed blocks resident, which
 * would measure ASan rather than the stream: keep it small so the flat
 * memory assertion holds in the sanitizer build as well. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=8";
}
#endif

/* ---- helpers ------------------------------------------------------------ */

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

struct cellcopy {
	char *data;
	size_t len;
	bool is_null;
};

/* Rows copied out of a stream, so they outlive it. */
struct rows {
	size_t nrows, ncols, cap;
	struct cellcopy *cells;
};

static void rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->cells[i].data);
	free(r->cells);
	memset(r, 0, sizeof *r);
}

static const struct cellcopy *cell(const struct rows *r, size_t row, size_t col)
{
	assert_true(row < r->nrows && col < r->ncols);
	return &r->cells[row * r->ncols + col];
}

/* Column indexes of a comma-separated list of names; caller frees. */
static size_t *col_indexes(const struct rf_table_info *t, const char *csv, size_t *n)
{
	struct rf_strlist names = RF_STRLIST_INIT;
	size_t *idx;

	rf_strlist_split(&names, csv);
	idx = calloc(names.len + 1, sizeof *idx);
	for (size_t i = 0; i < names.len; i++) {
		int c = rf_table_info_col(t, names.items[i]);
		if (c < 0)
			fail_msg("no column %s in %s", names.items[i], t->display);
		idx[i] = (size_t)c;
	}
	*n = names.len;
	rf_strlist_free(&names);
	return idx;
}

/* Streams cols of t ordered by key into out. Returns what stream_open or
 * stream_next returned (-1 with err on failure). */
static int stream_rows(struct rf_db *db, const struct rf_table_info *t, const char *cols,
                       const char *key, const char *where, bool lock, struct rows *out,
                       struct rf_error *err)
{
	struct rf_stream_spec spec = {.table = t, .where = where, .lock = lock};
	struct rf_stream *s = NULL;
	const struct rf_row *row;
	size_t *ci = col_indexes(t, cols, &spec.ncols);
	size_t *ki = col_indexes(t, key, &spec.nkey);
	int rc;

	memset(out, 0, sizeof *out);
	out->ncols = spec.ncols;
	spec.cols = ci;
	spec.key = ki;
	rc = db->ops->stream_open(db, &spec, &s, err);
	while (rc == 0 && (rc = db->ops->stream_next(s, &row, err)) == 1) {
		assert_int_equal(row->ncols, spec.ncols);
		if (out->nrows == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->cells =
			    realloc(out->cells, out->cap * out->ncols * sizeof *out->cells);
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
		db->ops->stream_close(s);
	free(ci);
	free(ki);
	return rc;
}

/* Runs sql with text parameters (NULL for SQL NULL), class text. */
static int exec_text(struct rf_db *db, const char *sql, size_t n, const char *const *vals,
                     struct rf_result *out, struct rf_error *err)
{
	struct rf_param p[16];
	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++) {
		p[i].tclass = RF_T_TEXT;
		p[i].value.is_null = vals[i] == NULL;
		p[i].value.data = vals[i];
		p[i].value.len = vals[i] ? strlen(vals[i]) : 0;
	}
	return db->ops->exec(db, sql, n, p, out, err);
}

/* The single value a query returns, as a malloc'ed string ("<NULL>" for NULL). */
static char *query_value(struct rf_db *db, const char *sql)
{
	struct rf_result res;
	struct rf_error err;
	char *v;

	rf_error_clear(&err);
	CHECK(db->ops->exec(db, sql, 0, NULL, &res, &err), &err);
	assert_int_equal(res.nrows, 1);
	v = res.cells[0].is_null ? strdup("<NULL>") : strndup(res.cells[0].data, res.cells[0].len);
	rf_result_free(&res);
	return v;
}

static void assert_cell_text(const struct cellcopy *c, const char *want)
{
	if (!want) {
		assert_true(c->is_null);
		return;
	}
	assert_false(c->is_null);
	if (c->len != strlen(want) || memcmp(c->data, want, c->len) != 0)
		fail_msg("cell differs: got [%.*s] (%zu bytes), want [%s] (%zu bytes)",
		         (int)(c->len > 200 ? 200 : c->len), c->data, c->len, want, strlen(want));
}

/* CPU seconds this process used (user + system). */
static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- introspection ------------------------------------------------------ */

static const char shop_schema_sql[] =
    "SET client_min_messages = warning;\n"
    "DROP SCHEMA IF EXISTS shop CASCADE;\n"
    "CREATE SCHEMA shop;\n"
    "CREATE TYPE shop.mood AS ENUM ('sad', 'ok', 'happy');\n"
    "CREATE DOMAIN shop.qty AS numeric(10,3) CHECK (VALUE >= 0);\n"
    "CREATE TABLE shop.jobs (id serial PRIMARY KEY, job_number varchar(20) NOT NULL UNIQUE,\n"
    "  title text);\n"
    "CREATE TABLE shop.orders (\n"
    "  guid uuid PRIMARY KEY DEFAULT gen_random_uuid(),\n"
    "  job_id integer NOT NULL REFERENCES shop.jobs(id),\n"
    "  line_no smallint NOT NULL,\n"
    "  amount numeric(12,2) NOT NULL DEFAULT 0,\n"
    "  weight shop.qty,\n"
    "  old_price double precision,\n"
    "  paid boolean DEFAULT false,\n"
    "  code char(3),\n"
    "  note text,\n"
    "  payload bytea,\n"
    "  due date,\n"
    "  at_time time,\n"
    "  created timestamp(3),\n"
    "  seen timestamptz NOT NULL DEFAULT now(),\n"
    "  doc jsonb,\n"
    "  mood shop.mood,\n"
    "  seq bigint GENERATED ALWAYS AS IDENTITY,\n"
    "  total numeric GENERATED ALWAYS AS (amount * 2) STORED,\n"
    "  tags text[],\n"
    "  span interval,\n"
    "  UNIQUE (job_id, line_no));\n"
    "ALTER TABLE shop.orders DROP COLUMN old_price;\n"
    "ALTER TABLE shop.orders ADD COLUMN price real;\n"
    "CREATE UNIQUE INDEX orders_seq_key ON shop.orders (seq);\n"
    "CREATE UNIQUE INDEX orders_note_partial ON shop.orders (note) WHERE note IS NOT NULL;\n"
    "CREATE UNIQUE INDEX orders_lower_note ON shop.orders (lower(note));\n"
    "CREATE INDEX orders_due ON shop.orders (due);\n"
    "CREATE TABLE shop.lines (n integer, order_guid uuid, line_no smallint, job_id integer,\n"
    "  PRIMARY KEY (order_guid, n),\n"
    "  CONSTRAINT lines_order_fk FOREIGN KEY (order_guid) REFERENCES shop.orders(guid),\n"
    "  CONSTRAINT lines_job_line_fk FOREIGN KEY (line_no, job_id)\n"
    "    REFERENCES shop.orders(line_no, job_id));\n";

struct want_col {
	const char *name, *decl;
	enum rf_type_class tclass;
	bool nullable;
	const char *default_expr;
	bool generated, identity;
	int pk_pos;
};

static void assert_columns(const struct rf_table_info *t, const struct want_col *w, size_t n)
{
	assert_int_equal(t->ncols, n);
	for (size_t i = 0; i < n; i++) {
		const struct rf_column *c = &t->cols[i];
		assert_string_equal(c->name, w[i].name);
		assert_string_equal(c->decl_type, w[i].decl);
		if (c->tclass != w[i].tclass)
			fail_msg("%s: class %s, want %s", c->name, rf_type_class_name(c->tclass),
			         rf_type_class_name(w[i].tclass));
		if (c->nullable != w[i].nullable)
			fail_msg("%s: nullable %d, want %d", c->name, c->nullable, w[i].nullable);
		if (w[i].default_expr)
			assert_string_equal(c->default_expr ? c->default_expr : "(none)",
			                    w[i].default_expr);
		else if (c->default_expr)
			fail_msg("%s: unexpected default %s", c->name, c->default_expr);
		if (c->generated != w[i].generated || c->identity != w[i].identity)
			fail_msg("%s: generated %d identity %d, want %d %d", c->name, c->generated,
			         c->identity, w[i].generated, w[i].identity);
		if (c->pk_pos != w[i].pk_pos)
			fail_msg("%s: pk_pos %d, want %d", c->name, c->pk_pos, w[i].pk_pos);
	}
}

static const struct rf_key *find_unique(const struct rf_table_info *t, const char *name)
{
	for (size_t i = 0; i < t->nunique; i++)
		if (strcmp(t->uniques[i].name, name) == 0)
			return &t->uniques[i];
	fail_msg("no unique key %s on %s", name, t->display);
	return NULL;
}

static const struct rf_fkey *find_fkey(const struct rf_table_info *t, const char *name)
{
	for (size_t i = 0; i < t->nfkeys; i++)
		if (strcmp(t->fkeys[i].name, name) == 0)
			return &t->fkeys[i];
	fail_msg("no foreign key %s on %s", name, t->display);
	return NULL;
}

static void describe_reports_declared_columns_keys_and_foreign_keys(void **state)
{
	static const struct want_col orders[] = {
	    {"guid", "uuid", RF_T_UUID, false, "gen_random_uuid()", false, false, 1},
	    {"job_id", "integer", RF_T_INTEGER, false, NULL, false, false, 0},
	    {"line_no", "smallint", RF_T_INTEGER, false, NULL, false, false, 0},
	    {"amount", "numeric(12,2)", RF_T_DECIMAL, false, "0", false, false, 0},
	    {"weight", "shop.qty", RF_T_DECIMAL, true, NULL, false, false, 0},
	    {"paid", "boolean", RF_T_BOOLEAN, true, "false", false, false, 0},
	    {"code", "character(3)", RF_T_TEXT, true, NULL, false, false, 0},
	    {"note", "text", RF_T_TEXT, true, NULL, false, false, 0},
	    {"payload", "bytea", RF_T_BYTES, true, NULL, false, false, 0},
	    {"due", "date", RF_T_DATE, true, NULL, false, false, 0},
	    {"at_time", "time without time zone", RF_T_TIME, true, NULL, false, false, 0},
	    {"created", "timestamp(3) without time zone", RF_T_TIMESTAMP, true, NULL, false, false,
	     0},
	    {"seen", "timestamp with time zone", RF_T_TIMESTAMPTZ, false, "now()", false, false, 0},
	    {"doc", "jsonb", RF_T_JSON, true, NULL, false, false, 0},
	    {"mood", "shop.mood", RF_T_TEXT, true, NULL, false, false, 0},
	    {"seq", "bigint", RF_T_INTEGER, false, NULL, false, true, 0},
	    {"total", "numeric", RF_T_DECIMAL, true, NULL, true, false, 0},
	    {"tags", "text[]", RF_T_OTHER, true, NULL, false, false, 0},
	    {"span", "interval", RF_T_OTHER, true, NULL, false, false, 0},
	    {"price", "real", RF_T_FLOAT, true, NULL, false, false, 0},
	};
	static const struct want_col jobs[] = {
	    {"id", "integer", RF_T_INTEGER, false, "nextval('shop.jobs_id_seq'::regclass)", false,
	     true, 1},
	    {"job_number", "character varying(20)", RF_T_TEXT, false, NULL, false, false, 0},
	    {"title", "text", RF_T_TEXT, true, NULL, false, false, 0},
	};
	struct rf_db *db;
	struct rf_table_info t;
	struct rf_error err;
	const struct rf_key *k;
	const struct rf_fkey *f;

	(void)state;
	rf_test_sql(pg_url(), shop_schema_sql);
	db = rf_test_connect("test", pg_url());
	rf_error_clear(&err);

	CHECK(db->ops->describe(db, "shop.orders", &t, &err), &err);
	assert_string_equal(t.schema, "shop");
	assert_string_equal(t.name, "orders");
	assert_string_equal(t.display, "shop.orders");
	assert_columns(&t, orders, sizeof orders / sizeof orders[0]);
	assert_int_equal(t.npk, 1);
	assert_int_equal(t.pk[0], 0);
	/* the partial and the expression index do not make columns unique */
	assert_int_equal(t.nunique, 2);
	k = find_unique(&t, "orders_job_id_line_no_key");
	assert_int_equal(k->ncols, 2);
	assert_string_equal(k->cols[0], "job_id");
	assert_string_equal(k->cols[1], "line_no");
	k = find_unique(&t, "orders_seq_key");
	assert_int_equal(k->ncols, 1);
	assert_string_equal(k->cols[0], "seq");
	assert_int_equal(t.nfkeys, 1);
	f = find_fkey(&t, "orders_job_id_fkey");
	assert_string_equal(f->ref_table, "shop.jobs");
	assert_int_equal(f->ncols, 1);
	assert_string_equal(f->cols[0], "job_id");
	assert_string_equal(f->ref_cols[0], "id");
	rf_table_info_free(&t);

	CHECK(db->ops->describe(db, "shop.jobs", &t, &err), &err);
	assert_columns(&t, jobs, sizeof jobs / sizeof jobs[0]);
	assert_int_equal(t.nunique, 1);
	k = find_unique(&t, "jobs_job_number_key");
	assert_int_equal(k->ncols, 1);
	assert_string_equal(k->cols[0], "job_number");
	assert_int_equal(t.nfkeys, 0);
	rf_table_info_free(&t);

	/* a primary key whose order differs from the column order; composite FK */
	CHECK(db->ops->describe(db, "shop.lines", &t, &err), &err);
	assert_int_equal(t.npk, 2);
	assert_int_equal(t.pk[0], 1); /* order_guid */
	assert_int_equal(t.pk[1], 0); /* n */
	assert_int_equal(t.cols[0].pk_pos, 2);
	assert_int_equal(t.cols[1].pk_pos, 1);
	assert_int_equal(t.cols[2].pk_pos, 0);
	assert_int_equal(t.nunique, 0);
	assert_int_equal(t.nfkeys, 2);
	f = find_fkey(&t, "lines_job_line_fk");
	assert_string_equal(f->ref_table, "shop.orders");
	assert_int_equal(f->ncols, 2);
	assert_string_equal(f->cols[0], "line_no");
	assert_string_equal(f->cols[1], "job_id");
	assert_string_equal(f->ref_cols[0], "line_no");
	assert_string_equal(f->ref_cols[1], "job_id");
	f = find_fkey(&t, "lines_order_fk");
	assert_string_equal(f->ref_table, "shop.orders");
	assert_string_equal(f->cols[0], "order_guid");
	assert_string_equal(f->ref_cols[0], "guid");
	rf_table_info_free(&t);

	/* schema "shop" is not on the search_path */
	assert_int_equal(db->ops->describe(db, "orders", &t, &err), -1);
	assert_string_equal(err.where, "test");
	assert_non_null(strstr(err.msg, "\"orders\" does not exist"));
	rf_db_close(db);
}

/* ---- values ------------------------------------------------------------- */

static const char tricky_sql[] =
    "SET client_min_messages = warning;\n"
    "DROP TABLE IF EXISTS public.tricky;\n"
    "CREATE TABLE public.tricky (id integer PRIMARY KEY, t text, b bytea, n numeric,\n"
    "  ts timestamptz, j json, jb jsonb, u uuid);\n";

#define NTRICKY 8
static const char *const tricky_text[NTRICKY - 1] = {
    NULL,
    "",
    "h\xc3\xa9llo w\xc3\xb6rld \xf0\x9f\x98\x80 e\xcc\x81 \xe6\x97\xa5\xe6\x9c\xac",
    "tab\there\r\nCRLF\nLF\v\f\b end\t",
    "it's \"quoted\" \\ back\\\\slash \\x41 \\101 \\t",
    "\\N",
    "N",
};
/* every byte value 00..ff, as hex */
// clang-format off
#define HEX16(h) h "0" h "1" h "2" h "3" h "4" h "5" h "6" h "7" \
                 h "8" h "9" h "a" h "b" h "c" h "d" h "e" h "f"
#define ALL_BYTES_HEX HEX16("0") HEX16("1") HEX16("2") HEX16("3") HEX16("4") HEX16("5") \
                      HEX16("6") HEX16("7") HEX16("8") HEX16("9") HEX16("a") HEX16("b") \
                      HEX16("c") HEX16("d") HEX16("e") HEX16("f")
// clang-format on
/* bytea as canonical hex in, raw bytes out */
static const char *const tricky_hex[NTRICKY - 1] = {
    NULL, "", "00ff000102", "5c4e", ALL_BYTES_HEX, "00", "5c785c",
};

static char *big_text(void)
{
	const char unit[] = "x\xc3\xa9\t\\\n\xf0\x9f\x98\x80'\"";
	size_t n = 1024 * 1024, u = sizeof unit - 1;
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = i % 64 == 63 ? '.' : 'a' + (char)(i % 26);
	for (size_t i = 0; i + u < n; i += 4096)
		memcpy(s + i, unit, u);
	s[n] = '\0';
	return s;
}

static void hex_to_raw(const char *hex, char *out, size_t *len)
{
	*len = strlen(hex) / 2;
	for (size_t i = 0; i < *len; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (char)v;
	}
}

static void assert_tricky_rows(const struct rows *r, const char *big)
{
	assert_int_equal(r->nrows, NTRICKY);
	for (size_t i = 0; i < NTRICKY; i++) {
		char id[16], raw[256];
		size_t rawlen;
		snprintf(id, sizeof id, "%zu", i + 1);
		assert_cell_text(cell(r, i, 0), id);
		assert_cell_text(cell(r, i, 1), i < NTRICKY - 1 ? tricky_text[i] : big);
		if (i < NTRICKY - 1 && tricky_hex[i]) {
			hex_to_raw(tricky_hex[i], raw, &rawlen);
			assert_false(cell(r, i, 2)->is_null);
			assert_int_equal(cell(r, i, 2)->len, rawlen);
			assert_memory_equal(cell(r, i, 2)->data, raw, rawlen);
		} else {
			assert_true(cell(r, i, 2)->is_null);
		}
	}
	/* engine text forms: numeric keeps its scale, timestamptz in UTC, json
	 * as written, jsonb normalized, uuid lower-case */
	assert_cell_text(cell(r, 0, 3), "1.50");
	assert_cell_text(cell(r, 0, 4), "2024-03-10 07:04:56.123456+00");
	assert_cell_text(cell(r, 0, 5), "{\"b\": 1,  \"a\": [1, 2]}");
	assert_cell_text(cell(r, 0, 6), "{\"a\": [1, 2], \"b\": 1}");
	assert_cell_text(cell(r, 0, 7), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
	assert_cell_text(cell(r, 1, 3), "-0.000100");
	assert_cell_text(cell(r, 1, 4), "2000-01-01 07:59:59.999999+00");
	assert_cell_text(cell(r, 2, 3), NULL);
}

static void tricky_values_survive_write_and_stream_byte_for_byte(void **state)
{
	const char *cols = "id, t, b, n, ts, j, jb, u";
	char *big = big_text();
	struct rf_db *db;
	struct rf_table_info t;
	struct rf_error err;
	struct rf_result res;
	struct rows r;
	struct rf_tx_opts tx = {0};

	(void)state;
	rf_test_sql(pg_url(), tricky_sql);
	db = rf_test_connect("test", pg_url());
	rf_error_clear(&err);
	CHECK(db->ops->begin(db, RF_TX_WRITE, &tx, &err), &err);
	for (size_t i = 0; i < NTRICKY; i++) {
		char id[16];
		struct rf_param p[8] = {{{0}, RF_T_INTEGER, false},     {{0}, RF_T_TEXT, false},
		                        {{0}, RF_T_BYTES, false},       {{0}, RF_T_DECIMAL, false},
		                        {{0}, RF_T_TIMESTAMPTZ, false}, {{0}, RF_T_JSON, false},
		                        {{0}, RF_T_JSON, false},        {{0}, RF_T_UUID, false}};
		const char *vals[8] = {id, i < NTRICKY - 1 ? tricky_text[i] : big,
		                       i < NTRICKY - 1 ? tricky_hex[i] : NULL};
		snprintf(id, sizeof id, "%zu", i + 1);
		if (i == 0) {
			vals[3] = "1.50";
			vals[4] = "2024-03-10 12:34:56.123456+05:30";
			vals[5] = vals[6] = "{\"b\": 1,  \"a\": [1, 2]}";
			vals[7] = "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11";
		} else if (i == 1) {
			vals[3] = "-0.000100";
			vals[4] = "1999-12-31T23:59:59.999999-08:00";
		}
		for (size_t k = 0; k < 8; k++) {
			p[k].value.is_null = vals[k] == NULL;
			p[k].value.data = vals[k];
			p[k].value.len = vals[k] ? strlen(vals[k]) : 0;
		}
		CHECK(db->ops->exec(
		          db,
		          "INSERT INTO public.tricky VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
		          " RETURNING id, b",
		          8, p, &res, &err),
		      &err);
		assert_int_equal(res.affected, 1);
		assert_int_equal(res.nrows, 1);
		assert_int_equal(res.ncols, 2);
		assert_cell_text(&(struct cellcopy){(char *)res.cells[0].data, res.cells[0].len,
		                                    res.cells[0].is_null},
		                 id);
		if (vals[2]) { /* RETURNING bytea comes back as raw bytes too */
			char raw[256];
			size_t rawlen;
			hex_to_raw(vals[2], raw, &rawlen);
			assert_int_equal(res.cells[1].len, rawlen);
			assert_memory_equal(res.cells[1].data, raw, rawlen);
		}
		rf_result_free(&res);
	}
	CHECK(db->ops->commit(db, &err), &err);
	CHECK(db->ops->describe(db, "tricky", &t, &err), &err);

	/* the COPY path */
	CHECK(db->ops->begin(db, RF_TX_READ, NULL, &err), &err);
	CHECK(stream_rows(db, &t, cols, "id", NULL, false, &r, &err), &err);
	CHECK(db->ops->commit(db, &err), &err);
	assert_tricky_rows(&r, big);
	rows_free(&r);

	/* the locking cursor path returns the same bytes */
	CHECK(db->ops->begin(db, RF_TX_WRITE, &tx, &err), &err);
	CHECK(stream_rows(db, &t, cols, "id", NULL, true, &r, &err), &err);
	CHECK(db->ops->rollback(db, &err), &err);
	assert_tricky_rows(&r, big);
	rows_free(&r);

	/* a locking stream outside a write transaction is refused */
	assert_int_equal(stream_rows(db, &t, cols, "id", NULL, true, &r, &err), -1);
	assert_non_null(strstr(err.msg, "write transaction"));
	rows_free(&r);

	rf_table_info_free(&t);
	rf_db_close(db);
	free(big);
}

/* quote_literal()'s PostgreSQL forms (that they read back as the value:
 * the conformance suite). */
static void quoted_literals_take_postgres_forms(void **state)
{
	struct rf_db *db = rf_test_connect("test", pg_url());
	struct rf_buf lit = RF_BUF_INIT;
	struct rf_cell v;

	(void)state;
#define LIT(cls, text, want)                                                                       \
	do {                                                                                       \
		v = (struct rf_cell){text, strlen(text), false};                                   \
		rf_buf_reset(&lit);                                                                \
		db->ops->quote_literal(db, cls, &v, &lit);                                         \
		assert_string_equal(lit.data, want);                                               \
	} while (0)
	v = (struct rf_cell){NULL, 0, true};
	rf_buf_reset(&lit);
	db->ops->quote_literal(db, RF_T_INTEGER, &v, &lit);
	assert_string_equal(lit.data, "NULL");
	LIT(RF_T_TEXT, "", "''");
	LIT(RF_T_TEXT, "it's", "'it''s'");
	LIT(RF_T_BYTES, "00ff", "'\\x00ff'::bytea");
	LIT(RF_T_BOOLEAN, "true", "TRUE");
	LIT(RF_T_BOOLEAN, "false", "FALSE");
	LIT(RF_T_DECIMAL, "1.50", "1.50");
	LIT(RF_T_INTEGER, "-42", "-42");
	LIT(RF_T_FLOAT, "1e-3", "1e-3");
	LIT(RF_T_FLOAT, "NaN", "'NaN'");
	LIT(RF_T_DECIMAL, "1; DROP TABLE x", "'1; DROP TABLE x'");
	rf_buf_reset(&lit);
	db->ops->quote_ident(db, "line \"item\"", &lit);
	assert_string_equal(lit.data, "\"line \"\"item\"\"\"");
	rf_buf_reset(&lit);
	db->ops->placeholder(db, 12, &lit);
	assert_string_equal(lit.data, "$12");
#undef LIT
	rf_buf_free(&lit);
	rf_db_close(db);
}

/* ---- identifiers -------------------------------------------------------- */

static const char idents_sql[] =
    "SET client_min_messages = warning;\n"
    "DROP TABLE IF EXISTS public.\"line item\", public.\"Order\", public.\"order\",\n"
    "  public.\"a.b\" CASCADE;\n"
    "CREATE TABLE public.\"Order\" (\"group\" integer PRIMARY KEY, \"line item\" text NOT NULL,\n"
    "  \"Select\" text);\n"
    "CREATE TABLE public.\"order\" (id integer PRIMARY KEY);\n"
    "CREATE TABLE public.\"line item\" (\"line item\" text PRIMARY KEY,\n"
    "  \"group\" integer REFERENCES public.\"Order\" (\"group\"));\n"
    "CREATE TABLE public.\"a.b\" (id integer PRIMARY KEY);\n"
    "INSERT INTO public.\"a.b\" VALUES (1), (2);\n";

static void awkward_identifiers_work_in_describe_stream_and_exec(void **state)
{
	struct rf_db *db;
	struct rf_table_info order, item, ab;
	struct rf_table_list list;
	struct rf_error err;
	struct rf_buf sql = RF_BUF_INIT;
	struct rows r;
	bool seen_order = false, seen_item = false, seen_ab = false;

	(void)state;
	rf_test_sql(pg_url(), idents_sql);
	db = rf_test_connect("test", pg_url());
	rf_error_clear(&err);

	CHECK(db->ops->describe(db, "Order", &order, &err), &err);
	assert_string_equal(order.display, "public.Order");
	assert_int_equal(order.ncols, 3);
	assert_string_equal(order.cols[0].name, "group");
	assert_string_equal(order.cols[1].name, "line item");
	assert_string_equal(order.cols[2].name, "Select");
	CHECK(db->ops->describe(db, "public.line item", &item, &err), &err);
	assert_string_equal(item.name, "line item");
	assert_int_equal(item.nfkeys, 1);
	assert_string_equal(item.fkeys[0].ref_table, "public.Order");
	assert_string_equal(item.fkeys[0].ref_cols[0], "group");
	CHECK(db->ops->describe(db, "public.a.b", &ab, &err), &err);
	assert_string_equal(ab.schema, "public");
	assert_string_equal(ab.name, "a.b");
	rf_table_info_free(&ab);
	CHECK(db->ops->describe(db, "a.b", &ab, &err), &err); /* via the search_path */
	assert_string_equal(ab.display, "public.a.b");
	rf_table_info_free(&ab);
	/* names are exact: "order" is another table */
	CHECK(db->ops->describe(db, "public.order", &ab, &err), &err);
	assert_int_equal(ab.ncols, 1);
	rf_table_info_free(&ab);

	/* INSERT built with the driver's own quoting and placeholders */
	rf_buf_adds(&sql, "INSERT INTO ");
	db->ops->quote_ident(db, order.schema, &sql);
	rf_buf_addc(&sql, '.');
	db->ops->quote_ident(db, order.name, &sql);
	rf_buf_adds(&sql, " (");
	for (size_t i = 0; i < order.ncols; i++) {
		if (i)
			rf_buf_adds(&sql, ", ");
		db->ops->quote_ident(db, order.cols[i].name, &sql);
	}
	rf_buf_adds(&sql, ") VALUES (");
	for (size_t i = 0; i < order.ncols; i++) {
		if (i)
			rf_buf_adds(&sql, ", ");
		db->ops->placeholder(db, i + 1, &sql);
	}
	rf_buf_adds(&sql, ")");
	for (int i = 1; i <= 3; i++) {
		char g[8], li[32];
		const char *vals[3] = {g, li, i == 2 ? NULL : "sel"};
		struct rf_result res;
		snprintf(g, sizeof g, "%d", i);
		snprintf(li, sizeof li, "item %d", i);
		CHECK(exec_text(db, sql.data, 3, vals, &res, &err), &err);
		assert_int_equal(res.affected, 1);
		rf_result_free(&res);
	}
	{
		const char *vals[2] = {"widget", "2"};
		CHECK(exec_text(db, "INSERT INTO public.\"line item\" VALUES ($1, $2)", 2, vals,
		                NULL, &err),
		      &err);
	}

	CHECK(stream_rows(db, &order, "Select, line item, group", "group", "\"group\" >= 2", false,
	                  &r, &err),
	      &err);
	assert_int_equal(r.nrows, 2);
	assert_cell_text(cell(&r, 0, 0), NULL);
	assert_cell_text(cell(&r, 0, 1), "item 2");
	assert_cell_text(cell(&r, 0, 2), "2");
	assert_cell_text(cell(&r, 1, 0), "sel");
	assert_cell_text(cell(&r, 1, 2), "3");
	rows_free(&r);
	CHECK(stream_rows(db, &item, "line item, group", "line item", NULL, false, &r, &err), &err);
	assert_int_equal(r.nrows, 1);
	assert_cell_text(cell(&r, 0, 0), "widget");
	rows_free(&r);

	CHECK(db->ops->list_tables(db, true, &list, &err), &err);
	for (size_t i = 0; i < list.len; i++) {
		if (strcmp(list.items[i].name, "public.Order") == 0) {
			seen_order = true;
			assert_int_equal(list.items[i].rows, 3);
		} else if (strcmp(list.items[i].name, "public.line item") == 0) {
			seen_item = true;
			assert_int_equal(list.items[i].rows, 1);
		} else if (strcmp(list.items[i].name, "public.a.b") == 0) {
			seen_ab = true;
			assert_int_equal(list.items[i].rows, 2);
		}
		assert_null(strstr(list.items[i].name, "pg_catalog."));
		assert_null(strstr(list.items[i].name, "information_schema."));
	}
	assert_true(seen_order && seen_item && seen_ab);
	rf_table_list_free(&list);

	rf_buf_free(&sql);
	rf_table_info_free(&order);
	rf_table_info_free(&item);
	rf_db_close(db);
}

/* ---- transactions ------------------------------------------------------- */

/* The write transaction's timeouts are the server's settings, and a
 * statement that failed makes COMMIT report the rollback. (The read-only
 * transaction and the timeouts' effect: the conformance suite.) */
static void write_transaction_sets_timeouts_and_commit_reports_a_failure(void **state)
{
	struct rf_db *db;
	struct rf_error err;
	struct rf_tx_opts tx = {.lock_timeout_ms = 5000, .statement_timeout_ms = 60000};
	char *v;

	(void)state;
	rf_test_sql(pg_url(), "SET client_min_messages = warning; DROP TABLE IF EXISTS public.ro; "
	                      "CREATE TABLE public.ro (id int);"
	                      "INSERT INTO public.ro VALUES (1);");
	db = rf_test_connect("test", pg_url());
	rf_error_clear(&err);

	/* a write transaction carries the configured timeouts */
	CHECK(db->ops->begin(db, RF_TX_WRITE, &tx, &err), &err);
	v = query_value(db, "SHOW lock_timeout");
	assert_string_equal(v, "5s");
	free(v);
	v = query_value(db, "SHOW statement_timeout");
	assert_string_equal(v, "1min");
	free(v);
	/* a failed statement: COMMIT must report the rollback, not succeed */
	assert_int_equal(
	    db->ops->exec(db, "INSERT INTO public.ro VALUES ('x')", 0, NULL, NULL, &err), -1);
	rf_error_clear(&err);
	assert_int_equal(db->ops->commit(db, &err), -1);
	assert_non_null(strstr(err.msg, "rolled back"));
	assert_false(db->in_tx);
	rf_db_close(db);
}

/* ---- key order ---------------------------------------------------------- */

static const char enum_sql[] = "SET client_min_messages = warning;\n"
                               "DROP TABLE IF EXISTS public.moods;\n"
                               "DROP TYPE IF EXISTS public.mood;\n"
                               "CREATE TYPE public.mood AS ENUM ('zeta', 'alpha', 'Mid');\n"
                               "CREATE TABLE public.moods (m public.mood PRIMARY KEY);\n"
                               "INSERT INTO public.moods VALUES ('alpha'), ('Mid'), ('zeta');\n";

/* An enum key sorts by its label bytes, not its declared order. (Text keys
 * under a collation that is not byte order, NULLs first: the conformance
 * suite.) */
static void enum_keys_stream_in_label_byte_order(void **state)
{
	struct rf_db *db;
	struct rf_table_info t;
	struct rf_error err;
	struct rows r;

	(void)state;
	rf_test_sql(pg_url(), enum_sql);
	db = rf_test_connect("test", pg_url());
	rf_error_clear(&err);
	CHECK(db->ops->describe(db, "moods", &t, &err), &err);
	CHECK(stream_rows(db, &t, "m", "m", NULL, false, &r, &err), &err);
	assert_int_equal(r.nrows, 3);
	assert_cell_text(cell(&r, 0, 0), "Mid");
	assert_cell_text(cell(&r, 1, 0), "alpha");
	assert_cell_text(cell(&r, 2, 0), "zeta");
	rows_free(&r);
	rf_table_info_free(&t);
	rf_db_close(db);
}

/* ---- WHERE -------------------------------------------------------------- */

/* The COPY stream: an error in the middle of it, a connection busy with
 * it, a transaction that goes on after both. (WHERE injection and errors
 * before the first row: the conformance suite.) */
static void errors_inside_a_copy_leave_the_transaction_usable(void **state)
{
	struct rf_db *db;
	struct rf_table_info t;
	struct rf_error err;
	struct rows r;
	struct rf_stream_spec spec = {0};
	struct rf_stream *s = NULL;
	const struct rf_row *row;
	size_t cols[1] = {0};
	int rc;

	(void)state;
	rf_test_sql(pg_url(), "SET client_min_messages = warning;"
	                      "DROP TABLE IF EXISTS public.victim;"
	                      "CREATE TABLE public.victim (id integer PRIMARY KEY);"
	                      "INSERT INTO public.victim SELECT generate_series(1, 5000);");
	db = rf_test_connect("test", pg_url());
	rf_error_clear(&err);
	CHECK(db->ops->describe(db, "public.victim", &t, &err), &err);

	/* inside a read transaction, an error half-way through the COPY and a
	 * stream closed half-way both leave the transaction usable */
	CHECK(db->ops->begin(db, RF_TX_READ, NULL, &err), &err);
	rf_error_clear(&err);
	assert_int_equal(
	    stream_rows(db, &t, "id", "id", "100 / (id - 4000) > -1000", false, &r, &err), -1);
	assert_non_null(strstr(err.msg, "division by zero"));
	rows_free(&r);
	rf_error_clear(&err);

	spec.table = &t;
	spec.ncols = spec.nkey = 1;
	spec.cols = spec.key = cols;
	CHECK(db->ops->stream_open(db, &spec, &s, &err), &err);
	assert_int_equal(db->ops->stream_next(s, &row, &err), 1);
	assert_int_equal(row->cells[0].len, 1);
	assert_memory_equal(row->cells[0].data, "1", 1);
	/* the connection is busy with the COPY: a clear error, not a libpq one */
	rc = db->ops->exec(db, "SELECT 1", 0, NULL, NULL, &err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.msg, "stream is still open"));
	rf_error_clear(&err);
	db->ops->stream_close(s);

	CHECK(stream_rows(db, &t, "id", "id", "id <= 3", false, &r, &err), &err);
	assert_int_equal(r.nrows, 3);
	rows_free(&r);
	CHECK(db->ops->commit(db, &err), &err);
	rf_table_info_free(&t);
	rf_db_close(db);
}

/* ---- a million rows ----------------------------------------------------- */

static const char big_sql[] =
    "SET client_min_messages = warning;\n"
    "DROP TABLE IF EXISTS public.big;\n"
    "CREATE TABLE public.big AS SELECT i AS id, i % 1000 AS a, i::bigint * 7919 AS b,\n"
    "  (i / 7.0)::numeric(14,4) AS c, i * 0.5::float8 AS d,\n"
    "  'row ' || i || E'\\t' || md5(i::text) AS e,\n"
    "  timestamptz '2020-01-01 00:00:00+00' + i * interval '1.5 second' AS f,\n"
    "  i % 2 = 0 AS g, md5(i::text)::uuid AS h, decode(md5(i::text), 'hex') AS k\n"
    "FROM generate_series(1, 1000000) AS i;\n"
    "ALTER TABLE public.big ADD PRIMARY KEY (id);\n"
    "VACUUM ANALYZE public.big;\n";

/* The read limit the performance target is measured against: the same
 * SELECT through COPY, lines received and dropped. */
static double raw_copy_seconds(const char *select, double *cpu)
{
	PGconn *conn = PQconnectdb(pg_url());
	char *sql = rf_xasprintf("COPY (%s) TO STDOUT", select), *line;
	double t0 = now_seconds(), c0 = cpu_seconds();
	PGresult *res;
	long rows = 0;
	int n;

	assert_int_equal(PQstatus(conn), CONNECTION_OK);
	res = PQexec(conn, sql);
	assert_int_equal(PQresultStatus(res), PGRES_COPY_OUT);
	PQclear(res);
	while ((n = PQgetCopyData(conn, &line, 0)) > 0) {
		rows++;
		PQfreemem(line);
	}
	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
	assert_int_equal(rows, 1000000);
	t0 = now_seconds() - t0;
	*cpu = cpu_seconds() - c0;
	PQfinish(conn);
	free(sql);
	return t0;
}

/* PostgreSQL's own quoting: a ';' inside a dollar quote or a string is
 * data, the issue's two strings are refused before the server sees them,
 * and the check reads strings as standard_conforming_strings says now. */
static void where_follows_postgres_quoting(void **state)
{
	static const char *const issue[] = {
	    "$$'$$ = $$x$$) ORDER BY 1) TO STDOUT; COMMIT; DROP TABLE public.victim3; COPY "
	    "(SELECT 1 AS id WHERE ($$'$$ <> $$a$$",
	    "note <> '\\') ORDER BY 1) TO STDOUT; COMMIT; INSERT INTO public.victim3 VALUES (3); "
	    "COPY (SELECT 1 AS id WHERE (chr(39) <> E'\\''",
	};
	struct rf_db *db;
	struct rf_table_info t;
	struct rf_error err;
	struct rows r;
	char *v;

	(void)state;
	rf_test_sql(pg_url(),
	            "SET client_min_messages = warning;"
	            "DROP TABLE IF EXISTS public.victim3;"
	            "CREATE TABLE public.victim3 (id integer PRIMARY KEY, note text);"
	            "INSERT INTO public.victim3 VALUES (1, 'a;b'), (2, 'x\\y'), (4, 'c');");
	db = rf_test_connect("test", pg_url());
	rf_error_clear(&err);
	CHECK(db->ops->describe(db, "public.victim3", &t, &err), &err);
	CHECK(rf_db_begin(db, RF_TX_READ, NULL, &err), &err);
	for (size_t i = 0; i < 2; i++) {
		rf_error_clear(&err);
		assert_int_equal(stream_rows(db, &t, "id", "id", issue[i], false, &r, &err), -1);
		assert_string_equal(err.where, "test");
		assert_non_null(strstr(err.msg, "--where "));
		rows_free(&r);
	}
	/* data that holds ';', in each quoting form */
	CHECK(stream_rows(db, &t, "id", "id", "note = $$a;b$$", false, &r, &err), &err);
	assert_int_equal(r.nrows, 1);
	assert_cell_text(cell(&r, 0, 0), "1");
	rows_free(&r);
	CHECK(stream_rows(db, &t, "id", "id",
	                  "note IN ($tag$a;b$tag$, E'x\\\\y', 'x\\y', U&'\\0063')", false, &r,
	                  &err),
	      &err);
	assert_int_equal(r.nrows, 3);
	rows_free(&r);
	rf_db_rollback(db, NULL);
	/* with standard_conforming_strings off, '\' opens a string that does
	 * not close: refused, as the server would read it */
	CHECK(db->ops->exec(db, "SET standard_conforming_strings = off", 0, NULL, NULL, &err),
	      &err);
	assert_int_equal(db->ops->dialect(db), RF_SQL_POSTGRES_ESCAPES);
	rf_error_clear(&err);
	assert_int_equal(
	    stream_rows(db, &t, "id", "id", "note = '\\' OR note = ';'", false, &r, &err), -1);
	assert_non_null(strstr(err.msg, "--where "));
	rows_free(&r);
	CHECK(db->ops->exec(db, "SET standard_conforming_strings = on", 0, NULL, NULL, &err), &err);
	v = query_value(db, "SELECT count(*) FROM public.victim3");
	assert_string_equal(v, "3");
	free(v);
	rf_table_info_free(&t);
	rf_db_close(db);
}

/* [safety] read_timeout_ms is statement_timeout local to the read
 * transaction: after a read it stopped, the session's own setting is back.
 * (That it stops the read and says so: the conformance suite.) */
static void read_timeout_is_local_to_the_read_transaction(void **state)
{
	struct rf_connect_opts o = {.name = "prod", .url = pg_url(), .read_timeout_ms = 1000};
	struct rf_db *db = NULL;
	struct rf_table_info t;
	struct rf_error err;
	struct rows r;
	time_t start;
	char *v;

	(void)state;
	rf_test_sql(pg_url(), "SET client_min_messages = warning;"
	                      "DROP TABLE IF EXISTS public.slow;"
	                      "CREATE TABLE public.slow (id integer PRIMARY KEY);"
	                      "INSERT INTO public.slow VALUES (1), (2);");
	rf_error_clear(&err);
	CHECK(rf_db_connect(&o, &db, &err), &err);
	CHECK(db->ops->describe(db, "public.slow", &t, &err), &err);
	CHECK(rf_db_begin(db, RF_TX_READ, NULL, &err), &err);
	start = time(NULL);
	assert_int_equal(
	    stream_rows(db, &t, "id", "id", "pg_sleep(100) is not null", false, &r, &err), -1);
	assert_true(time(NULL) - start < 10);
	assert_string_equal(err.where, "prod");
	assert_string_equal(err.msg, "the read took longer than read_timeout_ms (1000 ms)");
	rows_free(&r);
	rf_db_rollback(db, NULL);
	/* local to the transaction: the session's own setting is back */
	v = query_value(db, "SELECT current_setting('statement_timeout')");
	assert_string_equal(v, "0");
	free(v);
	rf_table_info_free(&t);
	rf_db_close(db);
}

static void million_row_stream_runs_in_flat_memory(void **state)
{
	const char *cols = "id, a, b, c, d, e, f, g, h, k";
	struct rf_db *db;
	struct rf_table_info t;
	struct rf_error err;
	struct rf_stream_spec spec = {0};
	struct rf_stream *s = NULL;
	const struct rf_row *row;
	size_t ncols, nkey, *ci, *ki;
	long rows = 0, prev = 0, peak;
	unsigned long long bytes = 0;
	double t0, c0, stream_s, copy_s, stream_cpu, copy_cpu;
	int rc;
	FILE *f;

	(void)state;
	rf_test_sql(pg_url(), big_sql);
	db = rf_test_connect("test", pg_url());
	rf_error_clear(&err);
	CHECK(db->ops->describe(db, "big", &t, &err), &err);
	ci = col_indexes(&t, cols, &ncols);
	ki = col_indexes(&t, "id", &nkey);
	spec = (struct rf_stream_spec){
	    .table = &t, .ncols = ncols, .cols = ci, .nkey = nkey, .key = ki};

	/* reset the peak RSS so the figure is this stream's, not the fixtures' */
	if ((f = fopen("/proc/self/clear_refs", "w")) != NULL) {
		fputs("5", f);
		fclose(f);
	}
	t0 = now_seconds();
	c0 = cpu_seconds();
	CHECK(db->ops->begin(db, RF_TX_READ, NULL, &err), &err);
	CHECK(db->ops->stream_open(db, &spec, &s, &err), &err);
	while ((rc = db->ops->stream_next(s, &row, &err)) == 1) {
		long id = strtol(row->cells[0].data, NULL, 10);
		if (id <= prev)
			fail_msg("rows out of order: %ld after %ld", id, prev);
		prev = id;
		if (rows == 0) {
			assert_int_equal(row->cells[5].len, 6 + 32); /* "row 1\t" + md5 */
			assert_memory_equal(row->cells[5].data, "row 1\t", 6);
			assert_int_equal(row->cells[9].len, 16); /* bytea decoded */
			assert_memory_equal(row->cells[9].data, "\xc4\xca\x42\x38", 4);
		}
		for (size_t i = 0; i < row->ncols; i++)
			bytes += row->cells[i].len;
		rows++;
	}
	CHECK(rc == 0 ? 0 : -1, &err);
	db->ops->stream_close(s);
	CHECK(db->ops->commit(db, &err), &err);
	stream_s = now_seconds() - t0;
	stream_cpu = cpu_seconds() - c0;
	peak = rf_test_peak_rss_kib();
	assert_int_equal(rows, 1000000);

	{
		struct rf_buf select = RF_BUF_INIT;
		rf_buf_adds(&select, "SELECT ");
		for (size_t i = 0; i < ncols; i++)
			rf_buf_printf(&select, "%s\"%s\"", i ? ", " : "", t.cols[ci[i]].name);
		rf_buf_adds(&select, " FROM \"public\".\"big\" ORDER BY \"id\"");
		copy_s = raw_copy_seconds(select.data, &copy_cpu);
		rf_buf_free(&select);
	}
	/* wall time is mostly the server's; client CPU is what the driver adds */
	printf("pg 1M-row stream: %.2f s wall, %.2f s client CPU (raw COPY %.2f s wall, %.2f s "
	       "CPU; wall ratio %.2f), %llu value bytes, peak RSS %ld KiB\n",
	       stream_s, stream_cpu, copy_s, copy_cpu, stream_s / copy_s, bytes, peak);
	assert_true(peak > 0);
	assert_true(peak < 65536);

	/* closing half-way cancels the COPY instead of draining a million rows,
	 * in and out of a transaction, and the connection stays usable */
	for (int in_tx = 0; in_tx <= 1; in_tx++) {
		char *v;
		if (in_tx)
			CHECK(db->ops->begin(db, RF_TX_READ, NULL, &err), &err);
		CHECK(db->ops->stream_open(db, &spec, &s, &err), &err);
		for (int i = 0; i < 10; i++)
			assert_int_equal(db->ops->stream_next(s, &row, &err), 1);
		t0 = now_seconds();
		db->ops->stream_close(s);
		t0 = now_seconds() - t0;
		printf("pg stream closed after 10 of 1M rows%s in %.3f s\n",
		       in_tx ? " (in a transaction)" : "", t0);
		assert_true(t0 < copy_s / 2);
		v = query_value(db, "SELECT count(*) FROM public.big WHERE id <= 10");
		assert_string_equal(v, "10");
		free(v);
		if (in_tx)
			CHECK(db->ops->commit(db, &err), &err);
	}

	free(ci);
	free(ki);
	rf_table_info_free(&t);
	rf_db_close(db);
}

/* ---- connection errors -------------------------------------------------- */

/* Connects and expects failure: one line, naming the connection, without
 * any password; msg must contain `expect`. */
static void assert_connect_fails(const char *name, const char *url, const char *password,
                                 const char *expect)
{
	struct rf_connect_opts o = {.name = name, .url = url, .password = password};
	struct rf_db *db = NULL;
	struct rf_error err;
	char text[1200];

	rf_error_clear(&err);
	assert_int_equal(rf_db_connect(&o, &db, &err), -1);
	assert_null(db);
	rf_error_text(&err, text, sizeof text);
	printf("  %s\n", text);
	assert_string_equal(err.where, name);
	assert_null(strchr(err.msg, '\n'));
	if (!strstr(err.msg, expect))
		fail_msg("'%s' does not say '%s'", text, expect);
	assert_null(strstr(text, rf_test_env("RF_TEST_PG_PASSWORD")));
	if (password)
		assert_null(strstr(text, password));
}

/* Connecting to url (no other password) fails saying `expect`, and no
 * byte of token, a piece of the URL's password, is in the error. */
static void assert_url_password_hidden(const char *name, const char *url, const char *token,
                                       const char *expect)
{
	struct rf_connect_opts o = {.name = name, .url = url};
	struct rf_db *db = NULL;
	struct rf_error err;
	char text[1200];

	rf_error_clear(&err);
	assert_int_equal(rf_db_connect(&o, &db, &err), -1);
	rf_error_text(&err, text, sizeof text);
	printf("  %s\n", text);
	if (!strstr(text, expect))
		fail_msg("'%s' does not say '%s'", text, expect);
	if (strstr(text, token))
		fail_msg("'%s' shows '%s'", text, token);
}

static void connection_errors_are_one_line_naming_the_connection(void **state)
{
	const char *port = rf_test_env("RF_TEST_PG_PORT");
	const char *secret = rf_test_env("RF_TEST_PG_PASSWORD");
	const char *sock = rf_test_env("RF_TEST_PG_SOCKDIR");
	char url[1024], conninfo[1024];
	struct rf_connect_opts o = {.name = "tcp"};
	struct rf_db *db = NULL;
	struct rf_error err;
	char *v;

	(void)state;
	assert_connect_fails("badport", "postgresql://rowferry@127.0.0.1:1/rf_test", NULL,
	                     "refused");

	snprintf(url, sizeof url, "postgresql://rowferry@127.0.0.1:%s/rf_test", port);
	assert_connect_fails("badpw", url, "not-the-password-42", "password authentication failed");
	assert_connect_fails("nopw", url, NULL, "password");
	snprintf(url, sizeof url, "postgresql://rowferry:url-secret-99@127.0.0.1:%s/rf_test", port);
	assert_connect_fails("urlpw", url, NULL, "password authentication failed");

	/* libpq quotes what it cannot parse; our message leaves the string
	 * out, and a password libpq would read as host or port is refused */
	assert_url_password_hidden("badbracket", "postgresql://acc:Pw0rdTok@[::1", "Pw0rdTok",
	                           "cannot read the connection string");
	assert_url_password_hidden("badpct", "postgresql://acc:Pw0rdTok%zz@127.0.0.1:1/db",
	                           "Pw0rdTok", "invalid percent-encoded token");
	assert_url_password_hidden("slash", "postgresql://acc:Pw0rd/Tok@127.0.0.1:1/db", "Pw0rd",
	                           "write '@' as %40");
	assert_url_password_hidden("at", "postgresql://acc:Pw0rd@Tok@127.0.0.1:1/db", "Tok",
	                           "write '@' as %40");
	assert_url_password_hidden("split", "host=127.0.0.1 port=1 password=Pw0rd Tok", "Tok",
	                           "cannot read the connection string");

	snprintf(url, sizeof url, "postgresql://rowferry@/rf_missing?host=%s&port=%s", sock, port);
	assert_connect_fails("baddb", url, NULL, "\"rf_missing\" does not exist");

	/* the right password over TCP (password_env) connects, and so does a
	 * conninfo string handed to libpq unchanged */
	snprintf(url, sizeof url, "postgresql://rowferry@127.0.0.1:%s/rf_test", port);
	o.url = url;
	o.password = secret;
	rf_error_clear(&err);
	CHECK(rf_db_connect(&o, &db, &err), &err);
	assert_string_equal(db->ops->engine, "postgres");
	assert_true(db->ops->has_returning && db->ops->has_schemas);
	v = query_value(db, "SELECT current_setting('TimeZone') || ' ' || current_setting("
	                    "'application_name') || ' ' || current_setting('bytea_output')");
	assert_string_equal(v, "UTC rowferry hex");
	free(v);
	rf_db_close(db);

	snprintf(conninfo, sizeof conninfo, "host=%s port=%s dbname=rf_test user=rowferry", sock,
	         port);
	db = rf_test_connect("conninfo", conninfo);
	v = query_value(db, "SELECT current_database()");
	assert_string_equal(v, "rf_test");
	free(v);
	rf_db_close(db);
}

/* ---- commit status ------------------------------------------------------- */

/* The id prepare gives is the one txid_status() answers for, from another
 * connection: in progress while the transaction is open, then committed or
 * aborted as it ended (DESIGN §6). */
static void prepared_transaction_status_comes_from_the_server(void **state)
{
	struct rf_tx_opts tx = {.xid = "rowferry-test"};
	struct rf_db *db, *other;
	struct rf_buf id = RF_BUF_INIT, id2 = RF_BUF_INIT;
	struct rf_error err;
	enum rf_tx_outcome out;
	int i;

	(void)state;
	rf_test_sql(pg_url(), "DROP TABLE IF EXISTS txs; CREATE TABLE txs (id int PRIMARY KEY);");
	db = rf_test_connect("test", pg_url());
	other = rf_test_connect("other", pg_url());
	rf_error_clear(&err);
	for (i = 0; i < 2; i++) {
		struct rf_buf *b = i == 0 ? &id : &id2;
		CHECK(rf_db_begin(db, RF_TX_WRITE, &tx, &err), &err);
		CHECK(db->ops->exec(
		          db, i == 0 ? "INSERT INTO txs VALUES (1)" : "INSERT INTO txs VALUES (2)",
		          0, NULL, NULL, &err),
		      &err);
		CHECK(rf_db_prepare(db, b, &err), &err);
		assert_int_equal(strncmp(b->data, "postgres:", 9), 0);
		CHECK(rf_db_tx_outcome(other, "rowferry-test", b->data, true, &out, &err), &err);
		assert_int_equal(out, RF_TX_RUNNING);
		CHECK(i == 0 ? rf_db_commit(db, &err) : rf_db_rollback(db, &err), &err);
	}
	CHECK(rf_db_tx_outcome(other, "rowferry-test", id.data, true, &out, &err), &err);
	assert_int_equal(out, RF_TX_COMMITTED);
	CHECK(rf_db_tx_outcome(other, "rowferry-test", id2.data, true, &out, &err), &err);
	assert_int_equal(out, RF_TX_ABORTED);
	/* no prepared line: never sent COMMIT */
	CHECK(rf_db_tx_outcome(other, "rowferry-test", NULL, true, &out, &err), &err);
	assert_int_equal(out, RF_TX_ABORTED);
	/* an id from another engine, or not a number */
	assert_int_not_equal(rf_db_tx_outcome(other, "rowferry-test", "mysql:x", true, &out, &err),
	                     0);
	rf_error_clear(&err);
	assert_int_not_equal(rf_db_tx_outcome(other, "x", "postgres:1;2", true, &out, &err), 0);
	rf_buf_free(&id);
	rf_buf_free(&id2);
	rf_db_close(other);
	rf_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(describe_reports_declared_columns_keys_and_foreign_keys),
	    cmocka_unit_test(tricky_values_survive_write_and_stream_byte_for_byte),
	    cmocka_unit_test(quoted_literals_take_postgres_forms),
	    cmocka_unit_test(awkward_identifiers_work_in_describe_stream_and_exec),
	    cmocka_unit_test(write_transaction_sets_timeouts_and_commit_reports_a_failure),
	    cmocka_unit_test(enum_keys_stream_in_label_byte_order),
	    cmocka_unit_test(errors_inside_a_copy_leave_the_transaction_usable),
	    cmocka_unit_test(where_follows_postgres_quoting),
	    cmocka_unit_test(read_timeout_is_local_to_the_read_transaction),
	    cmocka_unit_test(million_row_stream_runs_in_flat_memory),
	    cmocka_unit_test(connection_errors_are_one_line_naming_the_connection),
	    cmocka_unit_test(prepared_transaction_status_comes_from_the_server),
	};
	return cmocka_run_group_tests_name("pg_driver", tests, NULL, NULL);
}
