/* test_driver_conformance.c - one suite of what every driver promises
 * (include/rowferry/db.h), written once against the rf_db API and run per
 * engine: `test_driver_conformance ENGINE` (server.conformance.ENGINE in
 * ctest), ENGINE an entry of conformance_engines.c, whose fixture DDL and
 * the few answers that are an engine's own text forms live there. What
 * only one engine has (dollar quotes, XA, txid_status, PRAGMAs, sql_mode,
 * URL forms) stays in that driver's own test file. */
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

#if defined(__SANITIZE_ADDRESS__)
/* a small quarantine, so the flat-memory check measures the stream */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=8";
}
#endif

static char *dir; /* the temporary directory of a file database */
/* a second connection, closed by teardown also when its test fails (an
 * open transaction of it would keep the next setup's DROP waiting) */
static struct rf_db *other;

static int setup(void **state)
{
	(void)state;
	rf_test_sql(url, E->fixture_sql);
	db = rf_test_connect("test", url);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rf_db_close(other);
	rf_db_close(db);
	other = db = NULL;
	return 0;
}

/* ---- connecting --------------------------------------------------------- */

/* The URL picks this driver, its flags are the engine's, the label shows
 * no password; a connection that fails names the connection on one line
 * and shows no password either. */
static void connect_picks_the_driver_and_errors_name_the_connection(void **state)
{
	struct rf_connect_opts o = {.name = "prod", .allow_prompt = false};
	struct rf_db *bad = NULL;
	struct rf_error err;
	char text[1300], *missing = NULL;

	(void)state;
	rf_error_clear(&err);
	assert_ptr_equal(rf_db_ops_for_url(url, &err), db->ops);
	assert_string_equal(db->ops->engine, E->engine);
	assert_true(db->ops->has_returning);
	assert_int_equal(db->ops->has_schemas, E->has_schemas);
	assert_int_equal(db->ops->dialect(db), E->dialect);
	assert_int_equal(db->bulk, E->bulk);
	/* a driver without a bulk loader has none of its ops */
	assert_int_equal(db->ops->bulk_statement != NULL, E->bulk);
	assert_int_equal(db->ops->bulk_stream != NULL, E->bulk);
	assert_int_equal(db->ops->temp_load != NULL, E->bulk);
	assert_string_equal(db->name, "test");
	if (E->password_key)
		assert_null(strstr(db->display_url, rf_test_env(E->password_key)));
	assert_false(db->in_tx);

	if (E->bad_url) {
		o.url = E->bad_url;
	} else {
		missing = rf_xasprintf("%s", url);
		memcpy(strrchr(missing, '/') + 1, "missing.db\0", 11);
		o.url = missing;
	}
	assert_int_equal(rf_db_connect(&o, &bad, &err), -1);
	assert_null(bad);
	rf_error_text(&err, text, sizeof text);
	printf("  %s\n", text);
	assert_string_equal(err.where, "prod");
	assert_null(strchr(text, '\n'));
	assert_null(strstr(text, "Secr3t-77"));
	free(missing);
}

/* ---- listing and describing --------------------------------------------- */

static void list_tables_counts_rows_and_hides_the_engines_own(void **state)
{
	static const struct {
		const char *name;
		long long rows;
	} want[] = {{"cf Order", 0}, {"cf_keys", 16},  {"cf_parent", 1},
	            {"cf_uuids", 2}, {"cf_victim", 3}, {"cf_vals", 0}};
	static const char *const internal[] = {"pg_catalog.", "information_schema.", "sqlite_",
	                                       "mysql.",      "performance_schema.", "sys."};
	struct rf_table_list l, names;
	struct rf_error err;
	size_t found = 0;

	(void)state;
	CHECK(rf_db_list_tables(db, true, &l, &err));
	CHECK(rf_db_list_tables(db, false, &names, &err));
	assert_int_equal(l.len, names.len);
	for (size_t i = 0; i < l.len; i++) {
		assert_string_equal(l.items[i].name, names.items[i].name);
		assert_int_equal(names.items[i].rows, -1); /* names only: nothing counted */
		for (size_t k = 0; k < sizeof internal / sizeof internal[0]; k++)
			if (strncmp(l.items[i].name, internal[k], strlen(internal[k])) == 0)
				fail_msg("%s: lists %s", E->name, l.items[i].name);
		for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
			size_t n = strlen(E->table_prefix);
			if (strncmp(l.items[i].name, E->table_prefix, n) != 0 ||
			    strcmp(l.items[i].name + n, want[k].name) != 0)
				continue;
			if (l.items[i].rows != want[k].rows)
				fail_msg("%s: %s has %lld rows, listed %lld", E->name, want[k].name,
				         want[k].rows, l.items[i].rows);
			found++;
		}
	}
	assert_int_equal(found, sizeof want / sizeof want[0]);
	rf_table_list_free(&l);
	rf_table_list_free(&names);
}

static const struct rf_key *find_unique(const struct rf_table_info *t, const char *name)
{
	for (size_t i = 0; i < t->nunique; i++)
		if (strcmp(t->uniques[i].name, name) == 0)
			return &t->uniques[i];
	fail_msg("%s: no unique key %s on %s", E->name, name, t->display);
	return NULL;
}

/* Classes, nullability, defaults, identity, generated columns, keys in key
 * order, unique indexes (not the plain one, not the PK) and a composite
 * foreign key, named as describe accepts it. */
static void describe_reports_columns_keys_and_references(void **state)
{
	static const struct {
		const char *name;
		enum rf_type_class tclass;
		bool nullable;
	} want[] = {
	    {"id", RF_T_INTEGER, false},       {"code", RF_T_TEXT, true},
	    {"parent_id", RF_T_INTEGER, true}, {"name", RF_T_TEXT, false},
	    {"amount", RF_T_DECIMAL, true},    {"ratio", RF_T_FLOAT, true},
	    {"paid", RF_T_BOOLEAN, true},      {"due", RF_T_DATE, true},
	    {"at_time", RF_T_TIME, true},      {"created", RF_T_TIMESTAMP, true},
	    {"doc", RF_T_JSON, true},          {"guid", RF_T_UUID, true},
	    {"raw", RF_T_BYTES, true},
	};
	struct rf_table_info t, parent;
	struct rf_error err;
	const struct rf_key *k;
	char *ref;

	(void)state;
	describe(db, "cf_child", &t);
	assert_string_equal(t.name, "cf_child");
	if (E->schema)
		assert_string_equal(t.schema ? t.schema : "(none)", E->schema);
	else
		assert_null(t.schema);
	assert_int_equal(t.ncols, sizeof want / sizeof want[0] + 1);
	for (size_t i = 0; i < t.ncols - 1; i++) {
		const struct rf_column *c = &t.cols[i];
		assert_string_equal(c->name, want[i].name);
		if (c->tclass != want[i].tclass)
			fail_msg("%s: %s is %s, want %s", E->name, c->name,
			         rf_type_class_name(c->tclass), rf_type_class_name(want[i].tclass));
		if (c->nullable != want[i].nullable)
			fail_msg("%s: %s nullable %d", E->name, c->name, c->nullable);
		assert_int_equal(c->identity, i == 0);
		assert_int_equal(c->generated, false);
		assert_int_equal(c->pk_pos, i == 0);
		/* only name has a default */
		if (i != 3 && c->default_expr)
			fail_msg("%s: %s has default %s", E->name, c->name, c->default_expr);
	}
	assert_non_null(t.cols[3].default_expr);
	assert_non_null(strstr(t.cols[3].default_expr, "x"));
	assert_string_equal(t.cols[t.ncols - 1].name, "total");
	assert_true(t.cols[t.ncols - 1].generated);
	assert_int_equal(t.npk, 1);
	assert_int_equal(t.pk[0], 0);
	assert_int_equal(t.nunique, 2);
	k = find_unique(&t, "cf_child_guid");
	assert_int_equal(k->ncols, 1);
	assert_string_equal(k->cols[0], "guid");
	k = find_unique(&t, "cf_child_name_code");
	assert_int_equal(k->ncols, 2);
	assert_string_equal(k->cols[0], "name");
	assert_string_equal(k->cols[1], "code");
	assert_int_equal(t.nfkeys, 1);
	printf("  foreign key named %s\n", t.fkeys[0].name);
	assert_non_null(t.fkeys[0].name);
	ref = rf_xasprintf("%scf_parent", E->table_prefix);
	assert_string_equal(t.fkeys[0].ref_table, ref);
	free(ref);
	assert_int_equal(t.fkeys[0].ncols, 2);
	assert_string_equal(t.fkeys[0].cols[0], "code");
	assert_string_equal(t.fkeys[0].cols[1], "parent_id");
	assert_string_equal(t.fkeys[0].ref_cols[0], "code");
	assert_string_equal(t.fkeys[0].ref_cols[1], "id");

	/* the referenced table resolves under the name the key gives; its
	 * key is in key order, not column order */
	describe(db, t.fkeys[0].ref_table, &parent);
	assert_int_equal(parent.npk, 2);
	assert_int_equal(parent.pk[0], 1); /* code */
	assert_int_equal(parent.pk[1], 0); /* id */
	assert_int_equal(parent.cols[0].pk_pos, 2);
	assert_int_equal(parent.cols[1].pk_pos, 1);
	assert_int_equal(parent.nunique, 0);
	assert_int_equal(parent.nfkeys, 0);
	assert_false(parent.cols[0].identity);
	rf_table_info_free(&parent);
	rf_table_info_free(&t);

	/* a missing table is an error naming the connection and the table */
	rf_error_clear(&err);
	assert_int_equal(rf_db_describe(db, "cf_nosuch", &t, &err), -1);
	assert_string_equal(err.where, "test");
	assert_non_null(strstr(err.msg, "cf_nosuch"));
}

/* ---- identifiers -------------------------------------------------------- */

/* A table and columns named with a space, a keyword, a backtick and a
 * double quote: describe, an INSERT built with the driver's quoting and
 * placeholders, a stream with a WHERE built the same way, list_tables. */
static void awkward_identifiers_work_in_describe_exec_and_stream(void **state)
{
	static const char *const cols[] = {"group", "line item", "we`i\"rd"};
	struct rf_table_info t;
	struct rf_error err;
	struct rf_buf where = RF_BUF_INIT;
	struct rows r;
	char *sql = insert_sql(db, "cf Order", cols, 3, "");

	(void)state;
	describe(db, "cf Order", &t);
	assert_string_equal(t.name, "cf Order");
	assert_int_equal(t.ncols, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(t.cols[i].name, cols[i]);
	assert_int_equal(t.cols[0].pk_pos, 1);
	CHECK(rf_db_begin(db, RF_TX_WRITE, NULL, &err));
	for (int i = 1; i <= 3; i++) {
		char g[8], li[16];
		struct rf_param p[3] = {param(RF_T_INTEGER, g, 0), param(RF_T_TEXT, li, 0),
		                        param(RF_T_INTEGER, i == 2 ? NULL : "-7", 2)};
		struct rf_result res;
		snprintf(g, sizeof g, "%d", i);
		snprintf(li, sizeof li, "item %d", i);
		p[0].value.len = strlen(g);
		p[1].value.len = strlen(li);
		CHECK(db->ops->exec(db, sql, 3, p, &res, &err));
		assert_int_equal(res.affected, 1);
		rf_result_free(&res);
	}
	CHECK(rf_db_commit(db, &err));
	db->ops->quote_ident(db, "group", &where);
	rf_buf_adds(&where, " >= 2 OR ");
	db->ops->quote_ident(db, "we`i\"rd", &where);
	rf_buf_adds(&where, " < 0");
	CHECK(stream_rows(db, &t, "we`i\"rd, line item, group", "line item", where.data, false, &r,
	                  &err));
	assert_int_equal(r.nrows, 3);
	assert_cell(cell(&r, 0, 0), "-7");
	assert_cell(cell(&r, 0, 1), "item 1");
	assert_cell(cell(&r, 1, 0), NULL);
	assert_cell(cell(&r, 1, 2), "2");
	assert_cell(cell(&r, 2, 2), "3");
	rows_free(&r);
	assert_int_equal(count_rows(db, "cf Order"), 3);
	/* names are exact, unless the engine folds them */
	rf_table_info_free(&t);
	rf_error_clear(&err);
	if (E->names_fold_case) {
		describe(db, "CF ORDER", &t);
		assert_string_equal(t.name, "cf Order");
	} else {
		assert_int_equal(rf_db_describe(db, "cf order", &t, &err), -1);
		assert_string_equal(err.where, "test");
		assert_non_null(strstr(err.msg, "cf order"));
		describe(db, "cf Order", &t);
	}
	rf_buf_free(&where);
	rf_table_info_free(&t);
	free(sql);
}

/* ---- transactions ------------------------------------------------------- */

/* A read transaction is read-only on the server, does not nest, and ends;
 * a write transaction commits or rolls back; exec refuses a second
 * statement and a wrong number of parameters. */
static void transactions_are_enforced_by_the_server(void **state)
{
	struct rf_param one = param(RF_T_INTEGER, "1", 1);
	struct rf_result res;
	struct rf_error err;

	(void)state;
	CHECK(rf_db_begin(db, RF_TX_READ, NULL, &err));
	assert_true(db->in_tx);
	assert_int_equal(db->tx_mode, RF_TX_READ);
	rf_error_clear(&err);
	assert_int_equal(
	    db->ops->exec(db, "INSERT INTO cf_victim VALUES (9, 'x')", 0, NULL, NULL, &err), -1);
	printf("  write in a read transaction: %s\n", err.msg);
	assert_string_equal(err.where, "test");
	assert_non_null(strstr(err.msg, E->read_only_msg));
	rf_error_clear(&err);
	assert_int_equal(db->ops->exec(db, "DELETE FROM cf_victim", 0, NULL, NULL, &err), -1);
	rf_error_clear(&err);
	assert_int_equal(rf_db_begin(db, RF_TX_READ, NULL, &err), -1); /* no nesting */
	assert_true(err.set);
	CHECK(rf_db_rollback(db, &err));
	assert_false(db->in_tx);
	assert_int_equal(count_rows(db, "cf_victim"), 3);

	CHECK(rf_db_begin(db, RF_TX_WRITE, NULL, &err));
	assert_int_equal(db->tx_mode, RF_TX_WRITE);
	CHECK(db->ops->exec(db, "INSERT INTO cf_victim VALUES (4, 'd')", 0, NULL, &res, &err));
	assert_int_equal(res.affected, 1);
	rf_result_free(&res);
	/* rows matched, not rows changed: rewriting a row to itself counts */
	CHECK(db->ops->exec(db, "UPDATE cf_victim SET k = 'c' WHERE id = 3", 0, NULL, &res, &err));
	assert_int_equal(res.affected, 1);
	rf_result_free(&res);
	CHECK(rf_db_commit(db, &err));
	assert_false(db->in_tx);
	assert_int_equal(count_rows(db, "cf_victim"), 4);

	CHECK(rf_db_begin(db, RF_TX_WRITE, NULL, &err));
	CHECK(db->ops->exec(db, "DELETE FROM cf_victim", 0, NULL, &res, &err));
	assert_int_equal(res.affected, 4);
	rf_result_free(&res);
	CHECK(rf_db_rollback(db, &err));
	assert_false(db->in_tx);
	assert_int_equal(count_rows(db, "cf_victim"), 4);

	/* every statement goes out alone (DESIGN §15) */
	CHECK(rf_db_begin(db, RF_TX_WRITE, NULL, &err));
	rf_error_clear(&err);
	assert_int_equal(db->ops->exec(db,
	                               "DELETE FROM cf_victim WHERE id = 1; DROP TABLE cf_victim",
	                               0, NULL, NULL, &err),
	                 -1);
	printf("  two statements: %s\n", err.msg);
	assert_non_null(strstr(err.msg, E->two_statements_msg));
	rf_error_clear(&err);
	CHECK(rf_db_rollback(db, &err));
	assert_int_equal(count_rows(db, "cf_victim"), 4);
	{
		struct rf_buf sql = RF_BUF_INIT;
		rf_buf_adds(&sql, "DELETE FROM cf_victim WHERE id = ");
		db->ops->placeholder(db, 1, &sql);
		rf_buf_adds(&sql, " OR id = ");
		db->ops->placeholder(db, 2, &sql);
		rf_error_clear(&err);
		assert_int_equal(db->ops->exec(db, sql.data, 1, &one, NULL, &err), -1);
		printf("  one parameter for two: %s\n", err.msg);
		assert_string_equal(err.where, "test");
		assert_non_null(strstr(err.msg, E->param_count_msg));
		rf_buf_free(&sql);
	}
	assert_int_equal(count_rows(db, "cf_victim"), 4);
}

/* Generated keys: RETURNING on every engine (a value longer than a first
 * fetch buffer included), last_insert_id where the engine has one. */
static void insert_returning_reports_generated_keys(void **state)
{
	static const char *const cols[] = {"name"};
	char name[301], *sql = insert_sql(db, "cf_gen", cols, 1, " RETURNING id, name, b");
	char *plain = insert_sql(db, "cf_gen", cols, 1, "");
	struct rf_param p = param(RF_T_TEXT, name, 300);
	struct rf_result r;
	struct rf_error err;

	(void)state;
	memset(name, 'n', 300);
	name[300] = '\0';
	CHECK(rf_db_begin(db, RF_TX_WRITE, NULL, &err));
	CHECK(db->ops->exec(db, sql, 1, &p, &r, &err));
	assert_int_equal(r.affected, 1);
	assert_int_equal(r.nrows, 1);
	assert_int_equal(r.ncols, 3);
	assert_bytes(r.cells[0].data, r.cells[0].len, r.cells[0].is_null, "1", 1);
	assert_bytes(r.cells[1].data, r.cells[1].len, r.cells[1].is_null, name, 300);
	assert_true(r.cells[2].is_null);
	assert_int_equal(r.last_insert_id, E->last_insert_id ? 1 : 0);
	rf_result_free(&r);
	p.value.len = 1;
	CHECK(db->ops->exec(db, plain, 1, &p, &r, &err));
	assert_int_equal(r.affected, 1);
	assert_int_equal(r.nrows, 0);
	assert_int_equal(r.last_insert_id, E->last_insert_id ? 2 : 0);
	rf_result_free(&r);
	CHECK(db->ops->exec(db, "UPDATE cf_gen SET name = 'u'", 0, NULL, &r, &err));
	assert_int_equal(r.affected, 2);
	assert_int_equal(r.last_insert_id, 0);
	rf_result_free(&r);
	CHECK(rf_db_commit(db, &err));
	free(sql);
	free(plain);
}

/* ---- key order ---------------------------------------------------------- */

/* Text keys stream in byte order whatever the column's collation, NULLs
 * first, and uuid keys in the order of their text; the engine's own ORDER
 * BY is another order (the trap is real). The locking read of a write
 * transaction gives the same rows. */
static void keys_stream_in_byte_order_nulls_first(void **state)
{
	static const char *const want[] = {NULL, "",    "10", "9",   "A",  "B",  "Z", "_x",
	                                   "a",  "a\t", "a ", "a-c", "ab", "ac", "b", "\xc3\xa9"};
	struct rf_table_info t;
	struct rf_result res;
	struct rf_error err;
	struct rows r;
	bool differs = false;

	(void)state;
	CHECK(db->ops->exec(db, "SELECT k FROM cf_keys WHERE k IS NOT NULL ORDER BY k", 0, NULL,
	                    &res, &err));
	assert_int_equal(res.nrows, 15);
	for (size_t i = 0; i < 15; i++)
		if (res.cells[i].len != strlen(want[i + 1]) ||
		    memcmp(res.cells[i].data, want[i + 1], res.cells[i].len) != 0)
			differs = true;
	assert_true(differs);
	rf_result_free(&res);

	describe(db, "cf_keys", &t);
	for (int lock = 0; lock <= 1; lock++) {
		CHECK(rf_db_begin(db, lock ? RF_TX_WRITE : RF_TX_READ, NULL, &err));
		CHECK(stream_rows(db, &t, "k, id", "k", NULL, lock, &r, &err));
		CHECK(rf_db_rollback(db, &err));
		assert_int_equal(r.nrows, 16);
		for (size_t i = 0; i < 16; i++)
			assert_cell(cell(&r, i, 0), want[i]);
		rows_free(&r);
	}
	/* outside a write transaction a locking read would lock nothing */
	for (int tx = 0; tx <= 1; tx++) {
		if (tx)
			CHECK(rf_db_begin(db, RF_TX_READ, NULL, &err));
		assert_int_equal(stream_rows(db, &t, "k, id", "k", NULL, true, &r, &err), -1);
		assert_string_equal(err.where, "test");
		assert_non_null(strstr(err.msg, "write transaction"));
		rows_free(&r);
		if (tx)
			CHECK(rf_db_rollback(db, &err));
	}
	rf_table_info_free(&t);

	describe(db, "cf_uuids", &t);
	CHECK(stream_rows(db, &t, "u, n", "u", NULL, false, &r, &err));
	assert_int_equal(r.nrows, 2);
	assert_cell(cell(&r, 0, 0), "aaaaaaaa-0000-11ee-8000-000000000001");
	assert_cell(cell(&r, 1, 0), "bbbbbbbb-0000-11ee-8000-000000000000");
	rows_free(&r);
	rf_table_info_free(&t);
}

/* ---- WHERE -------------------------------------------------------------- */

/* What is not one expression is refused before the server sees it,
 * naming the connection and the option; a ';' or a doubled quote inside
 * a string is data; a server-side error in the WHERE, and a stream closed
 * half-way, leave the read transaction usable. */
static void where_injection_is_an_error_and_the_table_survives(void **state)
{
	static const char *const bad[] = {"1=1; DROP TABLE cf_victim",
	                                  "1=1) OR (1=1",
	                                  "1=1 -- x",
	                                  "1=1 /* x */",
	                                  "(1=1",
	                                  "k = 'open",
	                                  "1=1) UNION SELECT k FROM cf_victim WHERE (1",
	                                  ""};
	struct rf_table_info t;
	struct rf_error err;
	struct rf_stream_spec spec = {0};
	struct rf_stream *s = NULL;
	const struct rf_row *row;
	size_t col = 0;
	struct rows r;

	(void)state;
	describe(db, "cf_victim", &t);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(stream_rows(db, &t, "id", "id", bad[i], false, &r, &err), -1);
		assert_string_equal(err.where, "test");
		if (!strstr(err.msg, "--where"))
			fail_msg("%s: [%s]: %s", E->name, bad[i], err.msg);
		rows_free(&r);
	}
	CHECK(stream_rows(db, &t, "id", "id", "k = 'a;b' OR k = 'it''s'", false, &r, &err));
	assert_int_equal(r.nrows, 2);
	assert_cell(cell(&r, 0, 0), "1");
	assert_cell(cell(&r, 1, 0), "2");
	rows_free(&r);
	assert_int_equal(count_rows(db, "cf_victim"), 3);

	CHECK(rf_db_begin(db, RF_TX_READ, NULL, &err));
	assert_int_equal(stream_rows(db, &t, "id", "id", "no_such_column = 1", false, &r, &err),
	                 -1);
	assert_string_equal(err.where, "test");
	assert_non_null(strstr(err.msg, "no_such_column"));
	rows_free(&r);
	spec.table = &t;
	spec.ncols = spec.nkey = 1;
	spec.cols = spec.key = &col;
	CHECK(db->ops->stream_open(db, &spec, &s, &err));
	assert_int_equal(db->ops->stream_next(s, &row, &err), 1);
	assert_bytes(row->cells[0].data, row->cells[0].len, false, "1", 1);
	db->ops->stream_close(s);
	CHECK(stream_rows(db, &t, "id", "id", "id >= 2", false, &r, &err));
	assert_int_equal(r.nrows, 2);
	rows_free(&r);
	CHECK(rf_db_commit(db, &err));
	rf_table_info_free(&t);
}

/* ---- timeouts ----------------------------------------------------------- */

/* [safety] read_timeout_ms stops a runaway read and says so. */
static void a_read_past_read_timeout_ms_fails_clearly(void **state)
{
	struct rf_connect_opts o = {.name = "prod", .url = url, .read_timeout_ms = 500};
	struct rf_table_info t;
	struct rf_error err;
	struct rows r;
	double t0;

	(void)state;
	CHECK(rf_db_connect(&o, &other, &err));
	describe(other, "cf_victim", &t);
	CHECK(rf_db_begin(other, RF_TX_READ, NULL, &err));
	t0 = now_seconds();
	assert_int_equal(stream_rows(other, &t, "id", "id", E->slow_where, false, &r, &err), -1);
	assert_true(now_seconds() - t0 < 10);
	assert_string_equal(err.where, "prod");
	assert_string_equal(err.msg, "the read took longer than read_timeout_ms (500 ms)");
	rows_free(&r);
	CHECK(rf_db_rollback(other, &err));
	/* and the connection goes on */
	assert_int_equal(count_rows(other, "cf_victim"), 3);
	rf_table_info_free(&t);
}

/* A write transaction waits at most lock_timeout_ms for another writer,
 * and a statement runs at most statement_timeout_ms. */
static void write_timeouts_bound_the_waits(void **state)
{
	struct rf_tx_opts lock = {.lock_timeout_ms = 300};
	struct rf_tx_opts stmt = {.statement_timeout_ms = 300};
	struct rf_error err;
	double t0;
	int rc;

	(void)state;
	other = rf_test_connect("prod", url);
	CHECK(rf_db_begin(db, RF_TX_WRITE, NULL, &err));
	CHECK(db->ops->exec(db, "UPDATE cf_victim SET k = 'z' WHERE id = 1", 0, NULL, NULL, &err));
	t0 = now_seconds();
	rf_error_clear(&err);
	rc = rf_db_begin(other, RF_TX_WRITE, &lock, &err);
	if (rc == 0) /* the engine takes the lock at the first write */
		rc = other->ops->exec(other, "UPDATE cf_victim SET k = 'y' WHERE id = 1", 0, NULL,
		                      NULL, &err);
	printf("  waiting for another writer: %s (%.2f s)\n", err.msg, now_seconds() - t0);
	assert_int_equal(rc, -1);
	assert_true(now_seconds() - t0 < 5);
	assert_string_equal(err.where, "prod");
	if (other->in_tx)
		CHECK(rf_db_rollback(other, &err));
	assert_false(other->in_tx);
	CHECK(rf_db_rollback(db, &err));

	CHECK(rf_db_begin(other, RF_TX_WRITE, &stmt, &err));
	t0 = now_seconds();
	rf_error_clear(&err);
	assert_int_equal(other->ops->exec(other, E->slow_statement, 0, NULL, NULL, &err), -1);
	printf("  a runaway statement: %s (%.2f s)\n", err.msg, now_seconds() - t0);
	assert_true(now_seconds() - t0 < 10);
	assert_string_equal(err.where, "prod");
	if (!strstr(err.msg, "time")) /* says why */
		fail_msg("%s: %s", E->name, err.msg);
	rf_db_rollback(other, NULL);
	assert_false(other->in_tx);
	assert_int_equal(count_rows(db, "cf_victim"), 3);
}

/* ---- many rows ---------------------------------------------------------- */

/* A stream holds one row at a time: 300,000 rows of ~200 bytes (60 MB)
 * come in key order while the peak RSS grows by less than 16 MiB and stays
 * under 64 MiB. */
static void many_rows_stream_in_order_in_flat_memory(void **state)
{
	const long want = getenv("RF_UNDER_VALGRIND") ? 30000 : 300000;
	struct rf_buf fill = RF_BUF_INIT;
	struct rf_table_info t;
	struct rf_stream_spec spec = {0};
	struct rf_stream *s = NULL;
	const struct rf_row *row;
	struct rf_error err;
	size_t cols[2] = {0, 1}, key = 0;
	long n = 0, prev = 0, before, after;
	double t0;
	const char *at;
	FILE *f;
	int rc;

	(void)state;
	at = strstr(E->big_sql, "@N@");
	assert_non_null(at);
	rf_buf_add(&fill, E->big_sql, (size_t)(at - E->big_sql));
	rf_buf_printf(&fill, "%ld%s", want, at + 3);
	rf_test_sql(url, fill.data);
	rf_buf_free(&fill);
	describe(db, "cf_big", &t);
	spec =
	    (struct rf_stream_spec){.table = &t, .ncols = 2, .cols = cols, .nkey = 1, .key = &key};
	/* reset the peak, so the figure is this stream's */
	if ((f = fopen("/proc/self/clear_refs", "w")) != NULL) {
		fputs("5", f);
		fclose(f);
	}
	before = rf_test_peak_rss_kib();
	t0 = now_seconds();
	CHECK(rf_db_begin(db, RF_TX_READ, NULL, &err));
	CHECK(db->ops->stream_open(db, &spec, &s, &err));
	while ((rc = db->ops->stream_next(s, &row, &err)) == 1) {
		long id = strtol(row->cells[0].data, NULL, 10);
		if (id <= prev)
			fail_msg("%s: id %ld after %ld", E->name, id, prev);
		prev = id;
		assert_int_equal(row->cells[1].len, 200);
		n++;
	}
	assert_int_equal(rc, 0);
	db->ops->stream_close(s);
	CHECK(rf_db_commit(db, &err));
	after = rf_test_peak_rss_kib();
	printf("  %s: %ld rows in %.2f s, peak RSS %ld -> %ld KiB\n", E->name, n,
	       now_seconds() - t0, before, after);
	rf_table_info_free(&t);
	assert_int_equal(n, want);
	assert_true(after - before < 16 * 1024);
	/* DESIGN's bound for a whole diff (memcheck's own memory counts too) */
	if (!getenv("RF_UNDER_VALGRIND"))
		assert_true(after > 0 && after < 64 * 1024);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define CONFORMANCE_TESTS                                                                          \
	T(connect_picks_the_driver_and_errors_name_the_connection),                                \
	    T(list_tables_counts_rows_and_hides_the_engines_own),                                  \
	    T(describe_reports_columns_keys_and_references),                                       \
	    T(values_survive_a_bound_write_and_a_literal_byte_for_byte),                           \
	    T(quoted_literals_read_back_as_the_same_value),                                        \
	    T(awkward_identifiers_work_in_describe_exec_and_stream),                               \
	    T(transactions_are_enforced_by_the_server),                                            \
	    T(insert_returning_reports_generated_keys), T(keys_stream_in_byte_order_nulls_first),  \
	    T(where_injection_is_an_error_and_the_table_survives),                                 \
	    T(stream_exprs_are_select_items_checked_as_where),                                     \
	    T(a_read_past_read_timeout_ms_fails_clearly), T(write_timeouts_bound_the_waits),       \
	    T(bulk_load_keeps_every_byte_and_stays_in_the_transaction),                            \
	    T(many_rows_stream_in_order_in_flat_memory)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {CONFORMANCE_TESTS};
	char *group;
	int rc;

	for (E = conf_engines; argc == 2 && E->name; E++)
		if (strcmp(E->name, argv[1]) == 0)
			break;
	if (argc != 2 || !E->name) {
		fprintf(stderr, "usage: %s ENGINE (one of:", argv[0]);
		for (E = conf_engines; E->name; E++)
			fprintf(stderr, " %s", E->name);
		fprintf(stderr, ")\n");
		return 2;
	}
	if (E->url_key) {
		url = rf_xstrdup(rf_test_env(E->url_key));
	} else {
		dir = rf_test_tmpdir();
		url = rf_xasprintf("%s%s/conformance.db", E->url_prefix, dir);
	}
	group = rf_xasprintf("conformance.%s", E->name);
	rc = cmocka_run_group_tests_name(group, tests, NULL, NULL);
	if (dir) {
		char *cmd = rf_xasprintf("rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
		free(cmd);
	}
	free(group);
	free(url);
	free(dir);
	return rc;
}
