/* test_sqlite_driver.c - what only the SQLite driver does, against real
 * database files: type affinity in introspection, its keys (WITHOUT ROWID,
 * REFERENCES without columns, partial and expression indexes), its literal
 * dialect, generated columns, PRAGMA query_only and foreign_keys, its WHERE
 * quoting and its URL forms and file errors. What every driver does is the
 * conformance suite's (tests/server/test_driver_conformance.c, run for
 * SQLite as server.conformance.sqlite). SQLite needs no server, so this is
 * a unit test. */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "rf_test.h"
#include "rowferry/db.h"

/* Every kind of column the driver has to classify, keys of every kind, and
 * names that need quoting. */
static const char fixture_sql[] =
    "CREATE TABLE customers (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  name VARCHAR(80) NOT NULL DEFAULT 'anon',\n"
    "  region CHAR(2),\n"
    "  active BOOLEAN NOT NULL DEFAULT 1\n"
    ");\n"
    "CREATE TABLE \"Order\" (\n"
    "  \"group\" TEXT NOT NULL,\n"
    "  \"line item\" INTEGER NOT NULL,\n"
    "  customer_code TEXT REFERENCES customers(code),\n"
    "  customer_id INTEGER REFERENCES customers,\n"
    "  amount DECIMAL(12,2),\n"
    "  ratio DOUBLE PRECISION,\n"
    "  placed_at DATETIME DEFAULT CURRENT_TIMESTAMP,\n"
    "  placed_tz TIMESTAMPTZ,\n"
    "  ship_date DATE,\n"
    "  ship_time TIME,\n"
    "  ref UUID,\n"
    "  meta JSON,\n"
    "  photo BLOB,\n"
    "  untyped,\n"
    "  price MONEY,\n"
    "  amount_x2 REAL GENERATED ALWAYS AS (amount * 2) VIRTUAL,\n"
    "  group_len INTEGER GENERATED ALWAYS AS (length(\"group\")) STORED,\n"
    "  PRIMARY KEY (\"group\", \"line item\"),\n"
    "  UNIQUE (customer_code, ship_date)\n"
    ");\n"
    "CREATE UNIQUE INDEX order_ref_idx ON \"Order\"(ref);\n"
    "CREATE INDEX order_placed_idx ON \"Order\"(placed_at);\n"
    "CREATE UNIQUE INDEX order_ratio_partial ON \"Order\"(ratio) WHERE ratio > 0;\n"
    "CREATE UNIQUE INDEX order_lower_ref ON \"Order\"(lower(ref));\n"
    "CREATE TABLE vals (id INTEGER PRIMARY KEY, t TEXT, d DECIMAL(12,2), ts DATETIME,\n"
    "  j JSON, u UUID, b BLOB, flag BOOLEAN);\n"
    "CREATE TABLE names (k TEXT PRIMARY KEY COLLATE NOCASE, n INTEGER);\n"
    "CREATE TABLE wr (id INTEGER PRIMARY KEY, v TEXT) WITHOUT ROWID;\n"
    "CREATE TABLE x (id INTEGER PRIMARY KEY);\n"
    "INSERT INTO customers (code, name) VALUES ('ACME', 'Acme Ltd'), ('GLOBEX', 'Globex');\n"
    "INSERT INTO names VALUES ('a', 1), ('B', 2), ('_', 3), ('c', 4), ('D', 5);\n"
    "INSERT INTO x VALUES (1), (2), (3);\n";

struct fixture {
	char *dir;
	char *path;
	char *url;
	struct rf_db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->dir = rf_test_tmpdir();
	f->path = rf_xasprintf("%s/fixture.db", f->dir);
	f->url = rf_xasprintf("sqlite:%s", f->path);
	rf_test_sql(f->url, fixture_sql);
	f->db = rf_test_connect("dev", f->url);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd = rf_xasprintf("rm -rf '%s'", f->dir);
	rf_db_close(f->db);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->dir);
	free(cmd);
	free(f->dir);
	free(f->path);
	free(f->url);
	free(f);
	return 0;
}

static const char *errtext(const struct rf_error *err)
{
	static char buf[1300];
	return rf_error_text(err, buf, sizeof buf);
}

static const struct rf_column *col(const struct rf_table_info *t, const char *name)
{
	int i = rf_table_info_col(t, name);
	if (i < 0)
		fail_msg("no column %s", name);
	return &t->cols[i];
}

static void assert_cell(const struct rf_cell *c, const char *want, size_t wantlen)
{
	if (!want) {
		assert_true(c->is_null);
		return;
	}
	assert_false(c->is_null);
	assert_int_equal(c->len, wantlen);
	if (wantlen)
		assert_memory_equal(c->data, want, wantlen);
}

/* Streams the comma-separated columns `cols` of `table`, ordered by `key`,
 * filtered by `where`, into r (copies owned by r, freed by rf_result_free).
 * Returns what the stream returned: 0 done, -1 error (in err). */
static int collect(struct rf_db *db, const char *table, const char *cols, const char *key,
                   const char *where, struct rf_result *r, struct rf_error *err)
{
	struct rf_table_info t;
	struct rf_strlist cl = RF_STRLIST_INIT, kl = RF_STRLIST_INIT;
	size_t ci[32], ki[8], i;
	struct rf_stream_spec spec;
	struct rf_stream *s = NULL;
	const struct rf_row *row;
	int rc, next = 0;

	memset(r, 0, sizeof *r);
	rf_error_clear(err);
	assert_int_equal(db->ops->describe(db, table, &t, err), 0);
	rf_strlist_split(&cl, cols);
	rf_strlist_split(&kl, key);
	for (i = 0; i < cl.len; i++)
		ci[i] = (size_t)rf_table_info_col(&t, cl.items[i]);
	for (i = 0; i < kl.len; i++)
		ki[i] = (size_t)rf_table_info_col(&t, kl.items[i]);
	memset(&spec, 0, sizeof spec);
	spec.table = &t;
	spec.ncols = cl.len;
	spec.cols = ci;
	spec.where = where;
	spec.nkey = kl.len;
	spec.key = ki;
	rc = db->ops->stream_open(db, &spec, &s, err);
	r->ncols = cl.len;
	while (rc == 0 && (next = db->ops->stream_next(s, &row, err)) == 1) {
		r->cells = realloc(r->cells, (r->nrows + 1) * r->ncols * sizeof *r->cells);
		for (i = 0; i < r->ncols; i++) {
			struct rf_cell *c = &r->cells[r->nrows * r->ncols + i];
			*c = row->cells[i];
			if (!c->is_null) {
				char *copy = malloc(c->len + 1);
				memcpy(copy, c->data, c->len);
				copy[c->len] = '\0';
				c->data = copy;
			}
		}
		r->nrows++;
	}
	if (rc == 0)
		rc = next;
	db->ops->stream_close(s);
	rf_strlist_free(&cl);
	rf_strlist_free(&kl);
	rf_table_info_free(&t);
	return rc;
}

static int exec_sql(struct rf_db *db, const char *sql, size_t n, const struct rf_param *p,
                    struct rf_result *out, struct rf_error *err)
{
	rf_error_clear(err);
	return db->ops->exec(db, sql, n, p, out, err);
}

static void begin_write(struct rf_db *db)
{
	struct rf_error err;
	rf_error_clear(&err);
	if (rf_db_begin(db, RF_TX_WRITE, NULL, &err) != 0)
		fail_msg("begin write: %s", errtext(&err));
}

static void commit(struct rf_db *db)
{
	struct rf_error err;
	rf_error_clear(&err);
	if (rf_db_commit(db, &err) != 0)
		fail_msg("commit: %s", errtext(&err));
}

static void describe_reports_columns_types_defaults_and_generated(void **state)
{
	struct fixture *f = *state;
	struct rf_table_info t;
	struct rf_error err;
	static const struct {
		const char *name, *decl;
		enum rf_type_class tclass;
	} want[] = {
	    {"group", "TEXT", RF_T_TEXT},
	    {"line item", "INTEGER", RF_T_INTEGER},
	    {"customer_code", "TEXT", RF_T_TEXT},
	    {"customer_id", "INTEGER", RF_T_INTEGER},
	    {"amount", "DECIMAL(12,2)", RF_T_DECIMAL},
	    {"ratio", "DOUBLE PRECISION", RF_T_FLOAT},
	    {"placed_at", "DATETIME", RF_T_TIMESTAMP},
	    {"placed_tz", "TIMESTAMPTZ", RF_T_TIMESTAMPTZ},
	    {"ship_date", "DATE", RF_T_DATE},
	    {"ship_time", "TIME", RF_T_TIME},
	    {"ref", "UUID", RF_T_UUID},
	    {"meta", "JSON", RF_T_JSON},
	    {"photo", "BLOB", RF_T_BYTES},
	    {"untyped", "", RF_T_BYTES},
	    {"price", "MONEY", RF_T_OTHER},
	    {"amount_x2", "REAL", RF_T_FLOAT},
	    {"group_len", "INTEGER", RF_T_INTEGER},
	};
	size_t i;

	rf_error_clear(&err);
	assert_int_equal(f->db->ops->describe(f->db, "Order", &t, &err), 0);
	assert_string_equal(t.name, "Order");
	assert_string_equal(t.display, "Order");
	assert_null(t.schema);
	assert_int_equal(t.ncols, sizeof want / sizeof want[0]);
	for (i = 0; i < t.ncols; i++) {
		assert_string_equal(t.cols[i].name, want[i].name);
		assert_string_equal(t.cols[i].decl_type, want[i].decl);
		assert_int_equal(t.cols[i].tclass, want[i].tclass);
	}
	assert_false(col(&t, "group")->nullable);
	assert_false(col(&t, "line item")->nullable);
	assert_true(col(&t, "amount")->nullable);
	assert_string_equal(col(&t, "placed_at")->default_expr, "CURRENT_TIMESTAMP");
	assert_null(col(&t, "amount")->default_expr);
	assert_true(col(&t, "amount_x2")->generated);
	assert_true(col(&t, "group_len")->generated);
	assert_false(col(&t, "amount")->generated);
	/* a composite text key is no rowid alias */
	assert_false(col(&t, "line item")->identity);
	rf_table_info_free(&t);

	assert_int_equal(f->db->ops->describe(f->db, "customers", &t, &err), 0);
	assert_string_equal(col(&t, "name")->default_expr, "'anon'");
	assert_string_equal(col(&t, "name")->decl_type, "VARCHAR(80)");
	assert_int_equal(col(&t, "name")->tclass, RF_T_TEXT);
	assert_int_equal(col(&t, "region")->tclass, RF_T_TEXT);
	assert_int_equal(col(&t, "active")->tclass, RF_T_BOOLEAN);
	assert_string_equal(col(&t, "active")->default_expr, "1");
	assert_true(col(&t, "id")->identity);
	assert_false(col(&t, "id")->nullable);
	rf_table_info_free(&t);
}

static void describe_reports_primary_unique_and_foreign_keys(void **state)
{
	struct fixture *f = *state;
	struct rf_table_info t;
	struct rf_error err;

	rf_error_clear(&err);
	assert_int_equal(f->db->ops->describe(f->db, "Order", &t, &err), 0);
	assert_int_equal(t.npk, 2);
	assert_string_equal(t.cols[t.pk[0]].name, "group");
	assert_string_equal(t.cols[t.pk[1]].name, "line item");
	assert_int_equal(col(&t, "group")->pk_pos, 1);
	assert_int_equal(col(&t, "line item")->pk_pos, 2);
	assert_int_equal(col(&t, "amount")->pk_pos, 0);

	/* not the PK's index, not the plain index, not the partial one, not
	 * the one on an expression: ordered by index name */
	assert_int_equal(t.nunique, 2);
	assert_string_equal(t.uniques[0].name, "order_ref_idx");
	assert_int_equal(t.uniques[0].ncols, 1);
	assert_string_equal(t.uniques[0].cols[0], "ref");
	assert_int_equal(t.uniques[1].ncols, 2);
	assert_string_equal(t.uniques[1].cols[0], "customer_code");
	assert_string_equal(t.uniques[1].cols[1], "ship_date");

	/* in declaration order; REFERENCES customers names no column: the
	 * parent's primary key is meant */
	assert_int_equal(t.nfkeys, 2);
	assert_int_equal(t.fkeys[0].ncols, 1);
	assert_string_equal(t.fkeys[0].cols[0], "customer_code");
	assert_string_equal(t.fkeys[0].ref_table, "customers");
	assert_string_equal(t.fkeys[0].ref_cols[0], "code");
	assert_string_equal(t.fkeys[0].name, "Order_customer_code_fkey");
	assert_string_equal(t.fkeys[1].cols[0], "customer_id");
	assert_string_equal(t.fkeys[1].ref_table, "customers");
	assert_string_equal(t.fkeys[1].ref_cols[0], "id");
	rf_table_info_free(&t);

	/* WITHOUT ROWID: INTEGER PRIMARY KEY is an ordinary key there */
	assert_int_equal(f->db->ops->describe(f->db, "wr", &t, &err), 0);
	assert_int_equal(t.npk, 1);
	assert_false(col(&t, "id")->identity);
	rf_table_info_free(&t);

	assert_int_equal(f->db->ops->describe(f->db, "customers", &t, &err), 0);
	assert_int_equal(t.nunique, 1);
	assert_string_equal(t.uniques[0].cols[0], "code");
	assert_int_equal(t.nfkeys, 0);
	rf_table_info_free(&t);
}

#define S(s) s, sizeof(s) - 1

static void quote_literal_and_ident_use_sqlite_dialect(void **state)
{
	struct fixture *f = *state;
	static const struct {
		enum rf_type_class tclass;
		const char *in;
		size_t len;
		const char *want;
	} cases[] = {
	    {RF_T_TEXT, NULL, 0, "NULL"},
	    {RF_T_TEXT, S("it's"), "'it''s'"},
	    {RF_T_TEXT, S(""), "''"},
	    {RF_T_BYTES, S("00ff"), "X'00ff'"},
	    {RF_T_BOOLEAN, S("true"), "1"},
	    {RF_T_BOOLEAN, S("false"), "0"},
	    {RF_T_INTEGER, S("42"), "42"},
	    {RF_T_DECIMAL, S("-1.5"), "-1.5"},
	    {RF_T_DECIMAL, S("1; DROP TABLE x"), "'1; DROP TABLE x'"},
	    {RF_T_FLOAT, S("Infinity"), "9e999"},
	    {RF_T_TIMESTAMP, S("2026-11-21T10:00:00.000000"), "'2026-11-21 10:00:00'"},
	    {RF_T_TIME, S("10:00:00.250000"), "'10:00:00.25'"},
	    {RF_T_TEXT, S("a\0b"), "CAST(X'610062' AS TEXT)"},
	};
	struct rf_buf b = RF_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rf_cell v = {cases[i].in, cases[i].len, cases[i].in == NULL};
		rf_buf_reset(&b);
		f->db->ops->quote_literal(f->db, cases[i].tclass, &v, &b);
		assert_string_equal(b.data, cases[i].want);
	}
	rf_buf_reset(&b);
	f->db->ops->quote_ident(f->db, "line item", &b);
	f->db->ops->quote_ident(f->db, "we\"ird", &b);
	assert_string_equal(b.data, "\"line item\"\"we\"\"ird\"");
	rf_buf_reset(&b);
	f->db->ops->placeholder(f->db, 3, &b);
	assert_string_equal(b.data, "?3");
	rf_buf_free(&b);
}

static void identifiers_that_are_keywords_or_have_spaces_work(void **state)
{
	struct fixture *f = *state;
	struct rf_buf sql = RF_BUF_INIT;
	struct rf_param p[3] = {
	    {{S("g1"), false}, RF_T_TEXT, false},
	    {{S("7"), false}, RF_T_INTEGER, false},
	    {{S("12.50"), false}, RF_T_DECIMAL, false},
	};
	struct rf_result r;
	struct rf_error err;

	rf_buf_adds(&sql, "INSERT INTO ");
	f->db->ops->quote_ident(f->db, "Order", &sql);
	rf_buf_adds(&sql, " (");
	f->db->ops->quote_ident(f->db, "group", &sql);
	rf_buf_adds(&sql, ", ");
	f->db->ops->quote_ident(f->db, "line item", &sql);
	rf_buf_adds(&sql, ", amount) VALUES (?1, ?2, ?3)");
	begin_write(f->db);
	assert_int_equal(exec_sql(f->db, sql.data, 3, p, NULL, &err), 0);
	commit(f->db);
	rf_buf_free(&sql);

	assert_int_equal(collect(f->db, "Order", "group, line item, amount, amount_x2, group_len",
	                         "group, line item", "\"group\" = 'g1'", &r, &err),
	                 0);
	assert_int_equal(r.nrows, 1);
	assert_cell(&r.cells[0], S("g1"));
	assert_cell(&r.cells[1], S("7"));
	assert_cell(&r.cells[2], S("12.5"));
	assert_cell(&r.cells[3], S("25.0"));
	assert_cell(&r.cells[4], S("2"));
	rf_result_free(&r);
}

/* PRAGMA query_only: the connection is read-only at all times except inside
 * a write transaction, before the first, after a commit, and after a write
 * transaction that could not begin. (The read transaction, commit and
 * rollback are the conformance suite's, server.conformance.sqlite.) */
static void the_connection_is_read_only_outside_write_transactions(void **state)
{
	struct fixture *f = *state;
	struct rf_db *other = rf_test_connect("prod", f->url);
	struct rf_error err;
	struct rf_result r;

	rf_error_clear(&err);
	assert_int_equal(exec_sql(f->db, "DROP TABLE x", 0, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "readonly"));
	begin_write(f->db);
	assert_int_equal(exec_sql(f->db, "DELETE FROM x WHERE id = 3", 0, NULL, NULL, &err), 0);
	commit(f->db);
	assert_int_equal(exec_sql(f->db, "DELETE FROM x", 0, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "readonly"));
	assert_int_equal(collect(f->db, "x", "id", "id", NULL, &r, &err), 0);
	assert_int_equal(r.nrows, 2);
	rf_result_free(&r);

	/* BEGIN IMMEDIATE loses to another writer: "locked", and read-only */
	begin_write(f->db);
	rf_error_clear(&err);
	assert_int_equal(rf_db_begin(other, RF_TX_WRITE, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "locked"));
	assert_false(other->in_tx);
	assert_int_equal(exec_sql(other, "DELETE FROM x", 0, NULL, NULL, &err), -1);
	assert_int_equal(rf_db_rollback(f->db, &err), 0);
	rf_db_close(other);
}

/* PRAGMA foreign_keys is on in write transactions */
static void foreign_keys_are_enforced(void **state)
{
	struct fixture *f = *state;
	struct rf_error err;

	begin_write(f->db);
	assert_int_equal(exec_sql(f->db,
	                          "INSERT INTO \"Order\" (\"group\", \"line item\", customer_code) "
	                          "VALUES ('g', 1, 'NOSUCH')",
	                          0, NULL, NULL, &err),
	                 -1);
	assert_non_null(strstr(err.msg, "FOREIGN KEY"));
	assert_int_equal(rf_db_rollback(f->db, &err), 0);
}

/* SQLite's own quoting: '' strings, "", `` and [] identifiers; parameters
 * ("$a(';')" is one name to SQLite, quote and all) and comments refused;
 * a ';' inside a string is data. */
static void where_follows_sqlite_quoting(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = {
	    "id = $a(';') OR 1=1",
	    "id = :x",
	    "id = 1 # x",
	    "[id] = 1; DROP TABLE x",
	    "id = '\\' OR 1) ORDER BY 1; DROP TABLE x; SELECT ('\\'",
	    "id = 1 /* x */",
	};
	struct rf_result r;
	struct rf_error err;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(collect(f->db, "x", "id", "id", bad[i], &r, &err), -1);
		assert_string_equal(err.where, "dev");
		if (!strstr(err.msg, "--where "))
			fail_msg("[%s]: %s", bad[i], err.msg);
		rf_result_free(&r);
	}
	assert_int_equal(collect(f->db, "customers", "code", "code",
	                         "code = 'ACME' OR \"name\" = 'a;b' OR [code] = `code` AND "
	                         "name = 'it''s; fine'",
	                         &r, &err),
	                 0);
	assert_int_equal(r.nrows, 1);
	rf_result_free(&r);
	assert_int_equal(collect(f->db, "x", "id", "id", NULL, &r, &err), 0);
	assert_int_equal(r.nrows, 3);
	rf_result_free(&r);
}

static void missing_file_error_names_the_connection_and_creates_nothing(void **state)
{
	struct fixture *f = *state;
	char *path = rf_xasprintf("%s/missing.db", f->dir);
	char *url = rf_xasprintf("sqlite:%s", path);
	char *junk = rf_xasprintf("%s/junk.db", f->dir);
	char *junk_url = rf_xasprintf("sqlite:%s", junk);
	struct rf_connect_opts o = {.name = "prod", .url = url};
	struct rf_db *db = NULL;
	struct rf_error err;
	FILE *fp;

	rf_error_clear(&err);
	assert_int_equal(rf_db_connect(&o, &db, &err), -1);
	assert_null(db);
	assert_string_equal(err.where, "prod");
	assert_non_null(strstr(err.msg, path));
	assert_int_not_equal(access(path, F_OK), 0);

	/* a file that is no database fails at connect, not at the first diff */
	fp = fopen(junk, "w");
	assert_non_null(fp);
	fputs("this is not a database, just some text that is long enough......\n", fp);
	fclose(fp);
	o.url = junk_url;
	rf_error_clear(&err);
	assert_int_equal(rf_db_connect(&o, &db, &err), -1);
	assert_string_equal(err.where, "prod");
	assert_non_null(strstr(err.msg, "not a database"));

	o.url = "sqlite://relative/file.db";
	rf_error_clear(&err);
	assert_int_equal(rf_db_connect(&o, &db, &err), -1);
	free(path);
	free(url);
	free(junk);
	free(junk_url);
}

static void url_forms_all_open_the_file(void **state)
{
	struct fixture *f = *state;
	char cwd[PATH_MAX];
	char *forms[3];
	size_t i;

	forms[0] = rf_xasprintf("sqlite://%s", f->path); /* sqlite:///abs */
	forms[1] = rf_xasprintf("sqlite:%s", f->path);   /* sqlite:/abs */
	forms[2] = rf_xstrdup("sqlite:fixture.db");      /* relative to the cwd */
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(f->dir), 0);
	for (i = 0; i < 3; i++) {
		struct rf_db *db = rf_test_connect("dev", forms[i]);
		struct rf_table_list l;
		struct rf_error err;
		rf_error_clear(&err);
		assert_int_equal(db->ops->list_tables(db, true, &l, &err), 0);
		assert_int_equal(l.len, 6);
		assert_string_equal(db->display_url, forms[i]);
		rf_table_list_free(&l);
		rf_db_close(db);
		free(forms[i]);
	}
	assert_int_equal(chdir(cwd), 0);
}

/* REALs stream as the text SQLite itself gives them (sqlite_real.c writes
 * the common ones without SQLite's printf): y holds CAST(x AS TEXT), SQLite's
 * own conversion, for random values of every magnitude, prices with two
 * decimals, integral values, ties and values that are no short decimal. */
static void reals_stream_as_sqlite_writes_them(void **state)
{
	struct fixture *f = *state;
	struct rf_table_info t;
	struct rf_stream_spec spec;
	struct rf_stream *s = NULL;
	const struct rf_row *row;
	struct rf_error err;
	size_t cols[2], key[1], n = 0, nfixed = 0;
	int next;
	static const char fill[] =
	    "CREATE TABLE reals (id INTEGER PRIMARY KEY, x REAL, y TEXT);\n"
	    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 50000)\n"
	    "INSERT INTO reals (id, x) SELECT i, CASE i % 12\n"
	    "  WHEN 0 THEN (abs(random()) % 10000000) / 100.0\n"
	    "  WHEN 1 THEN -(abs(random()) % 100000) / 1000.0\n"
	    "  WHEN 2 THEN CAST(random() % 1000000 AS REAL)\n"
	    "  WHEN 3 THEN random() / 9.2233720368547758e18\n"
	    "  WHEN 4 THEN random() / 9.2233720368547758e4\n"
	    "  WHEN 5 THEN random() / 9.2233720368547758e-4\n"
	    "  WHEN 6 THEN random() / 9.2233720368547758e22\n"
	    "  WHEN 7 THEN (abs(random()) % 1000) / 1000.0 + 0.0005\n"
	    "  WHEN 8 THEN (abs(random()) % 100000000000000) / 1e10\n"
	    "  WHEN 9 THEN (abs(random()) % 1000000000000000) * 1.0\n"
	    "  WHEN 10 THEN (abs(random()) % 1000) / 1e7\n"
	    "  ELSE 1 / (1.0 + abs(random()) % 997) END FROM c;\n"
	    "UPDATE reals SET y = CAST(x AS TEXT);\n"
	    "INSERT INTO reals VALUES (50001, 0.0, '0.0'), (50002, 1e15, CAST(1e15 AS TEXT)),\n"
	    "  (50003, 999999999999999.0, CAST(999999999999999.0 AS TEXT)),\n"
	    "  (50004, 0.1 + 0.2, CAST(0.1 + 0.2 AS TEXT)),\n"
	    "  (50005, 0.0001, CAST(0.0001 AS TEXT)),\n"
	    "  (50006, 0.00009999, CAST(0.00009999 AS TEXT)), (50007, -1.5, '-1.5'),\n"
	    "  (50008, 123456789012345.6, CAST(123456789012345.6 AS TEXT)),\n"
	    "  (50009, 0.30000000000000004, CAST(0.30000000000000004 AS TEXT));\n";

	rf_test_sql(f->url, fill);
	/* SQLite's own text of every x, made in this process: the sqlite3
	 * shell above is another, and under valgrind (whose x87 long double has
	 * a double's precision) SQLite's printf in this process writes some
	 * values' last digit otherwise than the shell does natively */
	{
		sqlite3 *h = NULL;
		assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
		assert_int_equal(
		    sqlite3_exec(h, "UPDATE reals SET y = CAST(x AS TEXT)", NULL, NULL, NULL),
		    SQLITE_OK);
		sqlite3_close(h);
	}
	/* streamed row by row (collect() would copy the rows it keeps) */
	rf_error_clear(&err);
	assert_int_equal(f->db->ops->describe(f->db, "reals", &t, &err), 0);
	cols[0] = (size_t)rf_table_info_col(&t, "x");
	cols[1] = (size_t)rf_table_info_col(&t, "y");
	key[0] = (size_t)rf_table_info_col(&t, "id");
	memset(&spec, 0, sizeof spec);
	spec.table = &t;
	spec.ncols = 2;
	spec.cols = cols;
	spec.nkey = 1;
	spec.key = key;
	assert_int_equal(f->db->ops->stream_open(f->db, &spec, &s, &err), 0);
	while ((next = f->db->ops->stream_next(s, &row, &err)) == 1) {
		const struct rf_cell *x = &row->cells[0], *y = &row->cells[1];
		n++;
		if (x->len != y->len || memcmp(x->data, y->data, x->len) != 0)
			fail_msg("row %zu: streamed %.*s, SQLite writes %.*s", n, (int)x->len,
			         (const char *)x->data, (int)y->len, (const char *)y->data);
		nfixed += memchr(y->data, 'e', y->len) == NULL;
	}
	assert_int_equal(next, 0);
	f->db->ops->stream_close(s);
	rf_table_info_free(&t);
	assert_int_equal(n, 50009);
	assert_true(nfixed > 37000); /* most are in the fixed form */
}

/* A map's sql() (DESIGN §12, §15): source-engine expressions read as more
 * select-list items of the same statement, after the columns; a bytes one
 * raw; each checked with SQLite's quoting as a --where is. */
static void stream_exprs_are_select_items_checked_as_where(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = {
	    "1; DROP TABLE x",
	    "name /* x */",
	    "[']) FROM x; DROP TABLE x; SELECT ([']",
	    "name || :x",
	};
	struct rf_stream_expr ex[2] = {{"upper(name) || '-' || id", RF_T_TEXT},
	                               {"x'00ff'", RF_T_BYTES}};
	struct rf_table_info t;
	struct rf_stream_spec spec;
	struct rf_stream *s = NULL;
	const struct rf_row *row;
	struct rf_result r;
	struct rf_error err;
	size_t cols[1], key[1], i;

	rf_error_clear(&err);
	assert_int_equal(f->db->ops->describe(f->db, "customers", &t, &err), 0);
	cols[0] = key[0] = (size_t)rf_table_info_col(&t, "code");
	memset(&spec, 0, sizeof spec);
	spec.table = &t;
	spec.ncols = 1;
	spec.cols = cols;
	spec.nkey = 1;
	spec.key = key;
	spec.nexprs = 2;
	spec.exprs = ex;
	assert_int_equal(f->db->ops->stream_open(f->db, &spec, &s, &err), 0);
	assert_int_equal(f->db->ops->stream_next(s, &row, &err), 1);
	assert_int_equal(row->ncols, 3);
	assert_cell(&row->cells[0], "ACME", 4);
	assert_cell(&row->cells[1], "ACME LTD-1", 10);
	assert_cell(&row->cells[2], "\0\377", 2);
	assert_int_equal(f->db->ops->stream_next(s, &row, &err), 1);
	assert_cell(&row->cells[1], "GLOBEX-2", 8);
	assert_int_equal(f->db->ops->stream_next(s, &row, &err), 0);
	f->db->ops->stream_close(s);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ex[0].sql = bad[i];
		s = NULL;
		rf_error_clear(&err);
		assert_int_equal(f->db->ops->stream_open(f->db, &spec, &s, &err), -1);
		assert_null(s);
		assert_string_equal(err.where, "dev");
		if (strncmp(err.msg, "sql() ", 6) != 0)
			fail_msg("[%s]: %s", bad[i], err.msg);
	}
	rf_table_info_free(&t);
	assert_int_equal(collect(f->db, "x", "id", "id", NULL, &r, &err), 0);
	assert_int_equal(r.nrows, 3);
	rf_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(describe_reports_columns_types_defaults_and_generated),
	    T(describe_reports_primary_unique_and_foreign_keys),
	    T(quote_literal_and_ident_use_sqlite_dialect),
	    T(identifiers_that_are_keywords_or_have_spaces_work),
	    T(the_connection_is_read_only_outside_write_transactions),
	    T(foreign_keys_are_enforced),
	    T(where_follows_sqlite_quoting),
	    T(missing_file_error_names_the_connection_and_creates_nothing),
	    T(url_forms_all_open_the_file),
	    T(reals_stream_as_sqlite_writes_them),
	    T(stream_exprs_are_select_items_checked_as_where),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
