/* test_mysql_driver.c - what only the MySQL/MariaDB driver does, against
 * the fixture's throwaway MariaDB 10.11 (tests/support/servers.sh): its
 * introspection (BIT, ENUM, spatial, databases as schemas), TIMESTAMP in
 * UTC and BIT(1), session timeouts, its WHERE quoting and what fools it,
 * LOAD DATA LOCAL, URLs and passwords, and XA. What every driver does is
 * the conformance suite's (tests/server/test_driver_conformance.c, run
 * for MariaDB as server.conformance.mysql). */
/* cmocka.h needs these four first */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rf_test.h"
#include "rowferry/sha256.h"

static const char *my_url(void)
{
	return rf_test_env("RF_TEST_MY_URL");
}

static struct rf_db *connect_test(void)
{
	return rf_test_connect("test", my_url());
}

static struct rf_param param_n(enum rf_type_class c, const char *s, size_t n)
{
	struct rf_param p = {{s, n, s == NULL}, c, false};
	return p;
}

/* a canonical value of class c; NULL for SQL NULL */
static struct rf_param param(enum rf_type_class c, const char *s)
{
	return param_n(c, s, s ? strlen(s) : 0);
}

static void exec_ok(struct rf_db *db, const char *sql, size_t n, const struct rf_param *p,
                    struct rf_result *out)
{
	struct rf_error err;
	char msg[1200];

	rf_error_clear(&err);
	if (db->ops->exec(db, sql, n, p, out, &err) != 0)
		fail_msg("exec %s: %s", sql, rf_error_text(&err, msg, sizeof msg));
}

static void describe_ok(struct rf_db *db, const char *name, struct rf_table_info *t)
{
	struct rf_error err;
	char msg[1200];

	rf_error_clear(&err);
	if (db->ops->describe(db, name, t, &err) != 0)
		fail_msg("describe %s: %s", name, rf_error_text(&err, msg, sizeof msg));
}

/* "INSERT INTO `t` (`a`, `b`) VALUES (?, ?)" through the driver's own quoting */
static char *insert_sql(struct rf_db *db, const char *table, const char *const *cols, size_t n)
{
	struct rf_buf b = RF_BUF_INIT;
	size_t i;

	rf_buf_adds(&b, "INSERT INTO ");
	db->ops->quote_ident(db, table, &b);
	rf_buf_adds(&b, " (");
	for (i = 0; i < n; i++) {
		if (i)
			rf_buf_adds(&b, ", ");
		db->ops->quote_ident(db, cols[i], &b);
	}
	rf_buf_adds(&b, ") VALUES (");
	for (i = 0; i < n; i++) {
		if (i)
			rf_buf_adds(&b, ", ");
		db->ops->placeholder(db, i + 1, &b);
	}
	rf_buf_addc(&b, ')');
	return rf_buf_steal(&b);
}

/* Streams all columns of t ordered by the columns named in key. */
struct streamed {
	size_t *cols;
	size_t key[4];
	struct rf_stream *s;
};

static int stream_open(struct rf_db *db, const struct rf_table_info *t, const char *key,
                       const char *where, struct streamed *st, struct rf_error *err)
{
	struct rf_stream_spec spec;
	size_t i;

	st->cols = calloc(t->ncols, sizeof *st->cols);
	for (i = 0; i < t->ncols; i++)
		st->cols[i] = i;
	st->key[0] = (size_t)rf_table_info_col(t, key);
	assert_true(rf_table_info_col(t, key) >= 0);
	spec = (struct rf_stream_spec){.table = t,
	                               .ncols = t->ncols,
	                               .cols = st->cols,
	                               .where = where,
	                               .nkey = 1,
	                               .key = st->key,
	                               .lock = false};
	rf_error_clear(err);
	st->s = NULL;
	return db->ops->stream_open(db, &spec, &st->s, err);
}

static void stream_open_ok(struct rf_db *db, const struct rf_table_info *t, const char *key,
                           const char *where, struct streamed *st)
{
	struct rf_error err;
	char msg[1200];
	if (stream_open(db, t, key, where, st, &err) != 0)
		fail_msg("stream_open %s: %s", t->display, rf_error_text(&err, msg, sizeof msg));
}

static const struct rf_row *next_row(struct rf_db *db, struct streamed *st)
{
	const struct rf_row *row = NULL;
	struct rf_error err;
	char msg[1200];
	int rc;

	rf_error_clear(&err);
	rc = db->ops->stream_next(st->s, &row, &err);
	if (rc < 0)
		fail_msg("stream_next: %s", rf_error_text(&err, msg, sizeof msg));
	return rc == 1 ? row : NULL;
}

static void stream_close(struct rf_db *db, struct streamed *st)
{
	db->ops->stream_close(st->s);
	free(st->cols);
}

/* want == NULL means SQL NULL; otherwise exactly want[0..n) */
static void assert_cell_n(const struct rf_cell *c, const char *want, size_t n)
{
	if (!want) {
		assert_true(c->is_null);
		return;
	}
	assert_false(c->is_null);
	if (c->len != n || memcmp(c->data, want, n) != 0)
		fail_msg("cell is '%.*s' (%zu bytes), want '%.*s' (%zu bytes)", (int)c->len,
		         c->data, c->len, (int)n, want, n);
}

static void assert_cell(const struct rf_cell *c, const char *want)
{
	assert_cell_n(c, want, want ? strlen(want) : 0);
}

/* ---- introspection ---- */

static void introspection_reports_declared_columns_keys_and_references(void **state)
{
	static const struct {
		const char *name, *decl;
		enum rf_type_class tclass;
		bool nullable;
		const char *dflt;
		bool generated, identity;
		int pk_pos;
	} want[] = {
	    {"id", "bigint(20)", RF_T_INTEGER, false, NULL, false, true, 1},
	    {"guid", "uuid", RF_T_UUID, false, "uuid()", false, false, 0},
	    {"name", "varchar(50)", RF_T_TEXT, false, "'it''s'", false, false, 0},
	    {"note", "text", RF_T_TEXT, true, NULL, false, false, 0},
	    {"flag", "tinyint(1)", RF_T_BOOLEAN, false, "0", false, false, 0},
	    {"price", "decimal(12,2)", RF_T_DECIMAL, true, "1.50", false, false, 0},
	    {"ratio", "double", RF_T_FLOAT, true, NULL, false, false, 0},
	    {"born", "date", RF_T_DATE, true, NULL, false, false, 0},
	    {"at_time", "time", RF_T_TIME, true, NULL, false, false, 0},
	    {"created", "datetime(6)", RF_T_TIMESTAMP, false, "current_timestamp(6)", false, false,
	     0},
	    {"seen", "timestamp(6)", RF_T_TIMESTAMPTZ, true, NULL, false, false, 0},
	    {"doc", "longtext", RF_T_JSON, true, NULL, false, false, 0},
	    {"plain_long", "longtext", RF_T_TEXT, true, NULL, false, false, 0},
	    {"raw", "varbinary(16)", RF_T_BYTES, true, NULL, false, false, 0},
	    {"total", "decimal(13,2)", RF_T_DECIMAL, true, NULL, true, false, 0},
	    {"parent_id", "int(11)", RF_T_INTEGER, true, NULL, false, false, 0},
	    {"parent_code", "varchar(10)", RF_T_TEXT, true, NULL, false, false, 0},
	    {"ext_id", "int(11)", RF_T_INTEGER, true, NULL, false, false, 0},
	    {"status", "enum('new','done')", RF_T_TEXT, false, "'new'", false, false, 0},
	    {"bits", "bit(4)", RF_T_INTEGER, true, NULL, false, false, 0},
	    {"active", "bit(1)", RF_T_BOOLEAN, true, NULL, false, false, 0},
	    {"pt", "point", RF_T_OTHER, true, NULL, false, false, 0},
	};
	struct rf_db *db = connect_test();
	struct rf_table_info t, parent;
	size_t i;

	rf_test_sql(
	    my_url(),
	    "DROP TABLE IF EXISTS intro_child, intro_parent, rf_dev.intro_ext;\n"
	    "CREATE TABLE rf_dev.intro_ext (id INT PRIMARY KEY);\n"
	    "CREATE TABLE intro_parent (id INT NOT NULL, code VARCHAR(10) NOT NULL,\n"
	    "  PRIMARY KEY (code, id));\n"
	    "CREATE TABLE intro_child (\n"
	    "  id BIGINT NOT NULL AUTO_INCREMENT,\n"
	    "  guid UUID NOT NULL DEFAULT uuid(),\n"
	    "  name VARCHAR(50) NOT NULL DEFAULT 'it''s',\n"
	    "  note TEXT NULL,\n"
	    "  flag TINYINT(1) NOT NULL DEFAULT 0,\n"
	    "  price DECIMAL(12,2) NULL DEFAULT 1.50,\n"
	    "  ratio DOUBLE NULL,\n"
	    "  born DATE NULL,\n"
	    "  at_time TIME NULL,\n"
	    "  created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n"
	    "  seen TIMESTAMP(6) NULL,\n"
	    "  doc JSON NULL,\n"
	    "  plain_long LONGTEXT NULL,\n"
	    "  raw VARBINARY(16) NULL,\n"
	    "  total DECIMAL(13,2) AS (price * 2) VIRTUAL,\n"
	    "  parent_id INT NULL,\n"
	    "  parent_code VARCHAR(10) NULL,\n"
	    "  ext_id INT NULL,\n"
	    "  status ENUM('new','done') NOT NULL DEFAULT 'new',\n"
	    "  bits BIT(4) NULL,\n"
	    "  active BIT(1) NULL,\n"
	    "  pt POINT NULL,\n"
	    "  PRIMARY KEY (id),\n"
	    "  UNIQUE KEY uq_name_born (name, born),\n"
	    "  UNIQUE KEY uq_guid (guid),\n"
	    "  KEY ix_note (note(10)),\n"
	    "  CONSTRAINT fk_parent FOREIGN KEY (parent_code, parent_id)\n"
	    "    REFERENCES intro_parent (code, id),\n"
	    "  CONSTRAINT fk_ext FOREIGN KEY (ext_id) REFERENCES rf_dev.intro_ext (id));\n");

	describe_ok(db, "intro_child", &t);
	assert_string_equal(t.schema, "rf_test");
	assert_string_equal(t.name, "intro_child");
	assert_string_equal(t.display, "intro_child");
	assert_int_equal(t.ncols, sizeof want / sizeof want[0]);
	for (i = 0; i < t.ncols; i++) {
		const struct rf_column *c = &t.cols[i];
		assert_string_equal(c->name, want[i].name);
		assert_string_equal(c->decl_type, want[i].decl);
		if (c->tclass != want[i].tclass)
			fail_msg("%s: class %s, want %s", c->name, rf_type_class_name(c->tclass),
			         rf_type_class_name(want[i].tclass));
		assert_int_equal(c->nullable, want[i].nullable);
		if (want[i].dflt)
			assert_string_equal(c->default_expr ? c->default_expr : "(none)",
			                    want[i].dflt);
		else if (c->default_expr)
			fail_msg("%s: default %s, want none", c->name, c->default_expr);
		assert_int_equal(c->generated, want[i].generated);
		assert_int_equal(c->identity, want[i].identity);
		assert_int_equal(c->pk_pos, want[i].pk_pos);
	}
	assert_int_equal(t.npk, 1);
	assert_int_equal(t.pk[0], 0);

	/* unique keys only (not the PK, not the plain index), sorted by name */
	assert_int_equal(t.nunique, 2);
	assert_string_equal(t.uniques[0].name, "uq_guid");
	assert_int_equal(t.uniques[0].ncols, 1);
	assert_string_equal(t.uniques[0].cols[0], "guid");
	assert_string_equal(t.uniques[1].name, "uq_name_born");
	assert_int_equal(t.uniques[1].ncols, 2);
	assert_string_equal(t.uniques[1].cols[0], "name");
	assert_string_equal(t.uniques[1].cols[1], "born");

	/* a reference into the same database is bare, into another qualified */
	assert_int_equal(t.nfkeys, 2);
	assert_string_equal(t.fkeys[0].name, "fk_ext");
	assert_string_equal(t.fkeys[0].ref_table, "rf_dev.intro_ext");
	assert_int_equal(t.fkeys[0].ncols, 1);
	assert_string_equal(t.fkeys[0].cols[0], "ext_id");
	assert_string_equal(t.fkeys[0].ref_cols[0], "id");
	assert_string_equal(t.fkeys[1].name, "fk_parent");
	assert_string_equal(t.fkeys[1].ref_table, "intro_parent");
	assert_int_equal(t.fkeys[1].ncols, 2);
	assert_string_equal(t.fkeys[1].cols[0], "parent_code");
	assert_string_equal(t.fkeys[1].cols[1], "parent_id");
	assert_string_equal(t.fkeys[1].ref_cols[0], "code");
	assert_string_equal(t.fkeys[1].ref_cols[1], "id");

	/* the referenced tables resolve under the names the FKs give */
	describe_ok(db, t.fkeys[1].ref_table, &parent);
	assert_int_equal(parent.npk, 2);
	assert_string_equal(parent.cols[parent.pk[0]].name, "code");
	assert_string_equal(parent.cols[parent.pk[1]].name, "id");
	assert_int_equal(parent.cols[0].pk_pos, 2); /* id */
	assert_int_equal(parent.cols[1].pk_pos, 1); /* code */
	rf_table_info_free(&parent);
	describe_ok(db, t.fkeys[0].ref_table, &parent);
	assert_string_equal(parent.schema, "rf_dev");
	assert_string_equal(parent.display, "rf_dev.intro_ext");
	rf_table_info_free(&parent);

	rf_table_info_free(&t);
	rf_db_close(db);
}

/* ---- values ---- */

/* What is MariaDB's own in values (the rest, text, bytes, decimals,
 * DATETIME, JSON, UUID, TINYINT(1), as parameters and as literals, is the
 * conformance suite's): a TIMESTAMP is written and read in UTC whatever
 * the server's zone, bound or as a literal; BIT(1) takes booleans; the
 * session is strict. */
static void timestamps_are_utc_and_bit_takes_booleans(void **state)
{
	static const char *const cols[] = {"id", "ts", "bits"};
	static const struct rf_cell lit_ts = {"2001-02-03T04:05:06.7Z", 22, false};
	static const struct rf_cell lit_true = {"true", 4, false};
	struct rf_db *db = connect_test();
	struct rf_table_info t;
	struct streamed st;
	struct rf_result r;
	struct rf_buf b = RF_BUF_INIT;
	const struct rf_row *row;
	char *sql = insert_sql(db, "tricky", cols, 3);

	(void)state;
	rf_test_sql(my_url(), "DROP TABLE IF EXISTS tricky;\n"
	                      "CREATE TABLE tricky (id INT PRIMARY KEY, ts TIMESTAMP(6) NULL,\n"
	                      "  bits BIT(1) NULL);\n");
	exec_ok(db, sql, 3,
	        (struct rf_param[]){param(RF_T_INTEGER, "1"),
	                            param(RF_T_TIMESTAMPTZ, "2024-02-29T23:59:59.000001Z"),
	                            param(RF_T_BOOLEAN, "true")},
	        NULL);
	exec_ok(db, sql, 3,
	        (struct rf_param[]){param(RF_T_INTEGER, "2"), param(RF_T_TIMESTAMPTZ, NULL),
	                            param(RF_T_BOOLEAN, "false")},
	        NULL);
	rf_buf_adds(&b, "INSERT INTO tricky (id, ts, bits) VALUES (3, ");
	db->ops->quote_literal(db, RF_T_TIMESTAMPTZ, &lit_ts, &b);
	rf_buf_adds(&b, ", ");
	db->ops->quote_literal(db, RF_T_BOOLEAN, &lit_true, &b);
	rf_buf_addc(&b, ')');
	exec_ok(db, b.data, 0, NULL, NULL);
	rf_buf_free(&b);

	describe_ok(db, "tricky", &t);
	stream_open_ok(db, &t, "id", NULL, &st);
	row = next_row(db, &st);
	assert_cell(&row->cells[1], "2024-02-29 23:59:59.000001");
	assert_cell(&row->cells[2], "1");
	row = next_row(db, &st);
	assert_cell(&row->cells[1], NULL);
	assert_cell(&row->cells[2], "0");
	row = next_row(db, &st);
	assert_cell(&row->cells[1], "2001-02-03 04:05:06.700000");
	assert_cell(&row->cells[2], "1");
	assert_null(next_row(db, &st));
	stream_close(db, &st);

	/* the session is UTC whatever the server's default, so the TIMESTAMP
	 * is the instant that was written */
	exec_ok(db, "SELECT @@session.time_zone, UNIX_TIMESTAMP(ts) FROM tricky WHERE id = ?", 1,
	        (struct rf_param[]){param(RF_T_INTEGER, "1")}, &r);
	assert_int_equal(r.nrows, 1);
	assert_cell(&r.cells[0], "+00:00");
	assert_cell(&r.cells[1], "1709251199.000001");
	rf_result_free(&r);
	/* strict: a value that does not fit is an error, never truncated */
	exec_ok(db, "SELECT @@session.sql_mode", 0, NULL, &r);
	assert_non_null(strstr(r.cells[0].data, "STRICT_ALL_TABLES"));
	rf_result_free(&r);

	rf_table_info_free(&t);
	free(sql);
	rf_db_close(db);
}

/* ---- transactions, injection ---- */

/* The write transaction's timeouts are session variables: InnoDB's lock
 * wait takes whole seconds (rounded up), max_statement_time seconds. (The
 * read-only transaction and the timeouts' effect are the conformance
 * suite's.) */
static void write_transaction_sets_timeouts_in_the_session(void **state)
{
	struct rf_db *db = connect_test();
	const struct rf_tx_opts opts = {.lock_timeout_ms = 1500, .statement_timeout_ms = 2500};
	struct rf_error err;
	struct rf_result r;

	(void)state;
	rf_error_clear(&err);
	assert_int_equal(rf_db_begin(db, RF_TX_WRITE, &opts, &err), 0);
	exec_ok(db, "SELECT @@innodb_lock_wait_timeout, @@max_statement_time, @@lock_wait_timeout",
	        0, NULL, &r);
	assert_cell(&r.cells[0], "2"); /* 1.5 s rounded up */
	assert_cell(&r.cells[1], "2.500000");
	assert_cell(&r.cells[2], "2"); /* metadata locks too */
	rf_result_free(&r);
	assert_int_equal(rf_db_rollback(db, &err), 0);
	rf_db_close(db);
}

/* A write waiting for a metadata lock (another session's LOCK TABLES, a
 * transaction left prepared, DDL) gives up after the lock timeout like a
 * row lock wait, not after the server's lock_wait_timeout (a day). The
 * statement time (20 s) only bounds the test should that fail. */
static void a_metadata_lock_wait_ends_at_the_lock_timeout(void **state)
{
	struct rf_db *db = connect_test(), *other = connect_test();
	const struct rf_tx_opts opts = {.lock_timeout_ms = 1000, .statement_timeout_ms = 20000};
	struct rf_error err;

	(void)state;
	rf_test_sql(my_url(), "DROP TABLE IF EXISTS mdl_t;\n"
	                      "CREATE TABLE mdl_t (id INT PRIMARY KEY);\n");
	exec_ok(other, "LOCK TABLES mdl_t WRITE", 0, NULL, NULL);
	rf_error_clear(&err);
	assert_int_equal(rf_db_begin(db, RF_TX_WRITE, &opts, &err), 0);
	assert_int_equal(db->ops->exec(db, "INSERT INTO mdl_t VALUES (1)", 0, NULL, NULL, &err),
	                 -1);
	assert_non_null(strstr(err.msg, "Lock wait timeout"));
	rf_db_rollback(db, NULL);
	exec_ok(other, "UNLOCK TABLES", 0, NULL, NULL);
	rf_db_close(other);
	rf_db_close(db);
}

/* Every statement goes out alone (DESIGN §15): the connection has no
 * CLIENT_MULTI_STATEMENTS, so a second statement is a syntax error to the
 * server (in exec: the conformance suite) even where the lexical check is
 * fooled. Here it is fooled on
 * purpose: with NO_BACKSLASH_ESCAPES set behind the driver's back, '\' is
 * a whole string to the server but the start of one to the check. */
static void a_second_statement_is_refused_by_the_server(void **state)
{
	/* the server reads: ... WHERE ('\' OR 1=1) ORDER BY id;
	 * INSERT INTO victim VALUES (3) #') ORDER BY ... */
	static const char smuggled[] = "'\\' OR 1=1) ORDER BY id; INSERT INTO victim VALUES (3) #'";
	struct rf_db *db = connect_test();
	struct rf_table_info t;
	struct rf_result r;
	struct rf_error err;
	struct streamed st;

	(void)state;
	rf_test_sql(my_url(), "DROP TABLE IF EXISTS victim;\n"
	                      "CREATE TABLE victim (id INT PRIMARY KEY);\n"
	                      "INSERT INTO victim VALUES (1), (2);\n");
	describe_ok(db, "victim", &t);
	rf_error_clear(&err);
	assert_int_equal(rf_sql_check_fragment(smuggled, RF_SQL_MYSQL, "--where", "test", &err), 0);
	exec_ok(db, "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'", 0, NULL, NULL);
	assert_int_equal(stream_open(db, &t, "id", smuggled, &st, &err), -1);
	assert_null(st.s);
	assert_non_null(strstr(err.msg, "SQL syntax"));
	free(st.cols);
	exec_ok(db, "SELECT COUNT(*) FROM victim", 0, NULL, &r);
	assert_cell(&r.cells[0], "2");
	rf_result_free(&r);
	rf_table_info_free(&t);
	rf_db_close(db);
}

/* MariaDB's own quoting: backslash escapes in '' and "", executable
 * comments and '#' refused; a ';' inside a string is data. */
static void where_follows_mariadb_quoting(void **state)
{
	static const char *const bad[] = {
	    "k = '\\'' OR 1) ORDER BY 1; DROP TABLE inj2; SELECT ('",
	    "k = 'x' /*! OR 1=1 */",
	    "k = 'x' # OR 1=1",
	    "k = \"\\\"\"; DROP TABLE inj2; SELECT \"",
	};
	struct rf_db *db = connect_test();
	struct rf_table_info t;
	struct rf_result r;
	struct rf_error err;
	struct streamed st;
	size_t i;

	(void)state;
	rf_test_sql(my_url(), "DROP TABLE IF EXISTS inj2;\n"
	                      "CREATE TABLE inj2 (id INT PRIMARY KEY, k VARCHAR(10));\n"
	                      "INSERT INTO inj2 VALUES (1, 'a;b'), (2, 'it''s'), (3, 'c\\\\');\n");
	describe_ok(db, "inj2", &t);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(stream_open(db, &t, "id", bad[i], &st, &err), -1);
		assert_null(st.s);
		assert_string_equal(err.where, "test");
		assert_non_null(strstr(err.msg, "--where "));
		free(st.cols);
	}
	/* backslash escapes and doubled quotes, as MariaDB reads them */
	stream_open_ok(db, &t, "id", "k = 'it\\'s' OR k = \"a;b\" OR k = 'c\\\\'", &st);
	assert_cell(&next_row(db, &st)->cells[0], "1");
	assert_cell(&next_row(db, &st)->cells[0], "2");
	assert_cell(&next_row(db, &st)->cells[0], "3");
	assert_null(next_row(db, &st));
	stream_close(db, &st);
	exec_ok(db, "SELECT COUNT(*) FROM inj2", 0, NULL, &r);
	assert_cell(&r.cells[0], "3");
	rf_result_free(&r);
	rf_table_info_free(&t);
	rf_db_close(db);
}

/* ---- bulk load ---- */

/* LOAD DATA LOCAL serves only rowferry's own rows: a statement (or a
 * server) asking for a file gets an error, never the file; BIT(1) loads
 * through a variable; a TEXT key table loads where MEMORY would refuse it.
 * (Bytes, NULLs, temporary tables and the transaction: the conformance
 * suite.) */
static void load_data_local_serves_only_its_own_rows(void **state)
{
	static const char secret[] = "/tmp/rowferry-test-secret.txt";
	struct rf_db *db = connect_test();
	struct rf_error err;
	struct rf_result r;
	struct rf_buf sql = RF_BUF_INIT, data = RF_BUF_INIT;
	struct rf_table_info t;
	const struct rf_cell v[] = {{"1", 1, false},    {"tab\there\nand \\N", 15, false},
	                            {"true", 4, false}, {"2", 1, false},
	                            {NULL, 0, true},    {"false", 5, false},
	                            {"3", 1, false},    {"", 0, false},
	                            {NULL, 0, true}};
	const enum rf_type_class classes[] = {RF_T_INTEGER, RF_T_TEXT, RF_T_BOOLEAN};
	const size_t text_key[] = {1}, all[] = {0, 1, 2};
	long long rows = -1;
	FILE *f = fopen(secret, "w");
	(void)state;

	assert_non_null(f);
	fputs("1\tstolen\n", f);
	fclose(f);
	assert_true(db->bulk); /* the fixture server has local_infile on */
	rf_test_sql(my_url(), "DROP TABLE IF EXISTS bulk_probe;\n"
	                      "CREATE TABLE bulk_probe (id INT PRIMARY KEY, t TEXT, f BIT(1));\n");
	describe_ok(db, "bulk_probe", &t);
	rf_error_clear(&err);
	assert_int_equal(rf_db_begin(db, RF_TX_WRITE, NULL, &err), 0);
	rf_buf_printf(&sql, "LOAD DATA LOCAL INFILE '%s' INTO TABLE bulk_probe", secret);
	assert_int_equal(db->ops->exec(db, sql.data, 0, NULL, NULL, &err), -1);
	printf("  asking for a file: %s\n", err.msg);
	assert_non_null(strstr(err.msg, "rowferry sends only the rows"));
	rf_error_clear(&err);
	assert_int_equal(rf_db_bulk_load(db, sql.data, NULL, 0, &rows, &err), 0);
	assert_int_equal(rows, 0); /* our (empty) rows, not the file */
	for (size_t i = 0; i < 9; i++)
		db->ops->bulk_value(db, classes[i % 3], &v[i], i % 3 == 2, &data);
	rf_buf_reset(&sql);
	db->ops->bulk_statement(db, &t, all, 3, &sql);
	printf("  %s\n", sql.data);
	assert_int_equal(rf_db_bulk_load(db, sql.data, data.data, data.len, &rows, &err), 0);
	assert_int_equal(rows, 3);
	exec_ok(db, "SELECT hex(t), f + 0 FROM bulk_probe ORDER BY id", 0, NULL, &r);
	assert_int_equal(r.nrows, 3);
	assert_cell(&r.cells[0], "7461620968657265"
	                         "0A616E64205C4E"); /* tab\there\nand \N */
	assert_cell(&r.cells[1], "1"); /* BIT(1) through a variable, not the text "1" */
	assert_true(r.cells[2].is_null);
	assert_cell(&r.cells[3], "0");
	assert_cell(&r.cells[4], "");
	assert_true(r.cells[5].is_null);
	rf_result_free(&r);
	/* a TEXT key: MEMORY refuses it, and the default engine takes it */
	assert_int_equal(db->ops->temp_load(db, "rowferry_keys_u", &t, text_key, 1, "\n", 1, &err),
	                 0);
	exec_ok(db, "SELECT count(*) FROM bulk_probe WHERE t IN (SELECT t FROM rowferry_keys_u)", 0,
	        NULL, &r);
	assert_cell(&r.cells[0], "1"); /* the row with '' */
	rf_result_free(&r);
	assert_int_equal(db->ops->temp_drop(db, "rowferry_keys_u", &err), 0);
	assert_int_equal(rf_db_rollback(db, &err), 0);
	rf_table_info_free(&t);
	rf_buf_free(&sql);
	rf_buf_free(&data);
	unlink(secret);
	rf_db_close(db);
}

/* ---- connecting ---- */

static int free_tcp_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd); /* nothing listens there now */
	return port;
}

/* Connecting to url fails with one line that names "prod" and shows
 * neither the real nor the attempted password. */
static void assert_connect_fails(const char *url, const char *attempted, const char *expect)
{
	struct rf_connect_opts o = {.name = "prod", .url = url, .allow_prompt = false};
	struct rf_db *db = NULL;
	struct rf_error err;
	char text[1300];

	rf_error_clear(&err);
	assert_int_equal(rf_db_connect(&o, &db, &err), -1);
	assert_null(db);
	rf_error_text(&err, text, sizeof text);
	printf("  %s\n", text);
	assert_string_equal(err.where, "prod");
	assert_null(strchr(text, '\n'));
	assert_null(strstr(text, rf_test_env("RF_TEST_MY_PASSWORD")));
	if (attempted)
		assert_null(strstr(text, attempted));
	if (expect && !strstr(text, expect))
		fail_msg("'%s' does not mention '%s'", text, expect);
}

static void connection_errors_name_the_connection_and_hide_the_password(void **state)
{
	const char *pw = rf_test_env("RF_TEST_MY_PASSWORD");
	const char *sock = rf_test_env("RF_TEST_MY_SOCKET");
	char url[1024];

	snprintf(url, sizeof url, "mysql://rowferry:%s@127.0.0.1:%d/rf_test", pw, free_tcp_port());
	assert_connect_fails(url, NULL, "127.0.0.1 port");
	snprintf(url, sizeof url, "mysql://rowferry:Wr0ng-pass@localhost/rf_test?socket=%s", sock);
	assert_connect_fails(url, "Wr0ng-pass", "Access denied");
	snprintf(url, sizeof url, "mysql://rowferry:%s@localhost/rf_nope?socket=%s", pw, sock);
	assert_connect_fails(url, NULL, "rf_nope");
	/* the fixture server has no TLS, and REQUIRED must not fall back */
	snprintf(url, sizeof url, "mysql://rowferry:%s@127.0.0.1:%s/rf_test?ssl-mode=REQUIRED", pw,
	         rf_test_env("RF_TEST_MY_PORT"));
	assert_connect_fails(url, NULL, "TLS");
	snprintf(url, sizeof url, "mysql://rowferry:%s@localhost/rf_test?sokcet=%s", pw, sock);
	assert_connect_fails(url, NULL, "sokcet");
}

static void passwords_come_from_options_url_or_mysql_pwd(void **state)
{
	const char *pw = rf_test_env("RF_TEST_MY_PASSWORD");
	const char *sock = rf_test_env("RF_TEST_MY_SOCKET");
	struct rf_connect_opts o = {.name = "dev", .allow_prompt = false};
	struct rf_db *db = NULL;
	struct rf_error err;
	char url[1024], msg[1200];

	rf_test_sql(my_url(), "DROP USER IF EXISTS 'rf user'@'localhost';\n"
	                      "CREATE USER 'rf user'@'localhost' IDENTIFIED BY 'p@ss:w/rd%';\n"
	                      "GRANT SELECT ON rf_test.* TO 'rf user'@'localhost';\n");
	o.url = url;
	/* percent-encoded user and password */
	snprintf(url, sizeof url,
	         "mariadb://rf%%20user:p%%40ss%%3Aw%%2Frd%%25@localhost/rf_test?socket=%s", sock);
	rf_error_clear(&err);
	if (rf_db_connect(&o, &db, &err) != 0)
		fail_msg("%s", rf_error_text(&err, msg, sizeof msg));
	assert_string_equal(db->ops->engine, "mysql");
	assert_null(strstr(db->display_url, "p%40ss"));
	rf_db_close(db);
	/* unencoded: the last '@' ends the user part, so '@', ':', '/' and
	 * '%' in a password work, and the label shows none of it */
	snprintf(url, sizeof url, "mariadb://rf%%20user:p@ss:w/rd%%@localhost/rf_test?socket=%s",
	         sock);
	rf_error_clear(&err);
	if (rf_db_connect(&o, &db, &err) != 0)
		fail_msg("%s", rf_error_text(&err, msg, sizeof msg));
	snprintf(msg, sizeof msg, "mariadb://rf%%20user@localhost/rf_test?socket=%s", sock);
	assert_string_equal(db->display_url, msg);
	rf_db_close(db);

	/* password_env wins over a (wrong) URL password */
	snprintf(url, sizeof url, "mysql://rowferry:nope@localhost/rf_test?socket=%s", sock);
	o.password = pw;
	assert_int_equal(rf_db_connect(&o, &db, &err), 0);
	rf_db_close(db);

	/* MYSQL_PWD when neither gives one; TCP with an explicit port */
	snprintf(url, sizeof url, "mysql://rowferry@127.0.0.1:%s/rf_test",
	         rf_test_env("RF_TEST_MY_PORT"));
	o.password = NULL;
	setenv("MYSQL_PWD", pw, 1);
	rf_error_clear(&err);
	if (rf_db_connect(&o, &db, &err) != 0)
		fail_msg("%s", rf_error_text(&err, msg, sizeof msg));
	unsetenv("MYSQL_PWD");
	rf_db_close(db);
	rf_error_clear(&err);
	assert_int_equal(rf_db_connect(&o, &db, &err), -1); /* and without it, refused */
}

/* ---- commit status ---- */

/* An apply's transaction is XA: prepared, it outlives its session and is
 * settled from XA RECOVER by the prepared line's word; one a live session
 * holds active is running; one nobody holds was rolled back (DESIGN §6). */
#define OK(call)                                                                                   \
	do {                                                                                       \
		char msg_[1200];                                                                   \
		if ((call) != 0)                                                                   \
			fail_msg("%s: %s", #call, rf_error_text(&err, msg_, sizeof msg_));         \
	} while (0)

static void xa_transaction_is_settled_from_xa_recover(void **state)
{
	struct rf_tx_opts tx = {.xid = "rowferry-xa-test-1"};
	struct rf_db *db, *other;
	struct rf_buf id = RF_BUF_INIT;
	struct rf_error err;
	struct rf_result r;
	enum rf_tx_outcome out;
	char msg[1200];

	(void)state;
	rf_test_sql(my_url(), "DROP TABLE IF EXISTS txs; CREATE TABLE txs (id int PRIMARY KEY);");
	db = connect_test();
	other = connect_test();
	rf_error_clear(&err);
	if (rf_db_begin(db, RF_TX_WRITE, &tx, &err) != 0)
		fail_msg("begin: %s", rf_error_text(&err, msg, sizeof msg));
	exec_ok(db, "INSERT INTO txs VALUES (1)", 0, NULL, NULL);
	/* active in a live session: running, and left alone */
	OK(rf_db_tx_outcome(other, tx.xid, NULL, true, &out, &err));
	assert_int_equal(out, RF_TX_RUNNING);
	OK(rf_db_prepare(db, &id, &err));
	assert_string_equal(id.data, "mysql:rowferry-xa-test-1");
	rf_db_close(db); /* the session dies; the prepared transaction stays */
	/* without settle nothing changes */
	OK(rf_db_tx_outcome(other, tx.xid, id.data, false, &out, &err));
	assert_int_equal(out, RF_TX_COMMITTED);
	exec_ok(other, "SELECT count(*) FROM txs", 0, NULL, &r);
	assert_int_equal(r.cells[0].len, 1);
	assert_int_equal(r.cells[0].data[0], '0');
	rf_result_free(&r);
	OK(rf_db_tx_outcome(other, tx.xid, id.data, true, &out, &err));
	assert_int_equal(out, RF_TX_COMMITTED);
	exec_ok(other, "SELECT count(*) FROM txs", 0, NULL, &r);
	assert_int_equal(r.cells[0].data[0], '1');
	rf_result_free(&r);
	/* no longer listed, prepared line valid: committed */
	OK(rf_db_tx_outcome(other, tx.xid, id.data, true, &out, &err));
	assert_int_equal(out, RF_TX_COMMITTED);

	/* prepared, but no valid prepared line: rolled back */
	tx.xid = "rowferry-xa-test-2";
	db = connect_test();
	OK(rf_db_begin(db, RF_TX_WRITE, &tx, &err));
	exec_ok(db, "INSERT INTO txs VALUES (2)", 0, NULL, NULL);
	rf_buf_reset(&id);
	OK(rf_db_prepare(db, &id, &err));
	rf_db_close(db);
	OK(rf_db_tx_outcome(other, tx.xid, NULL, true, &out, &err));
	assert_int_equal(out, RF_TX_ABORTED);
	exec_ok(other, "SELECT count(*) FROM txs", 0, NULL, &r);
	assert_int_equal(r.cells[0].data[0], '1');
	rf_result_free(&r);
	/* nobody holds it now: aborted, again */
	OK(rf_db_tx_outcome(other, tx.xid, NULL, true, &out, &err));
	assert_int_equal(out, RF_TX_ABORTED);
	/* a name that is not rowferry's own form goes into no SQL */
	assert_int_not_equal(rf_db_tx_outcome(other, "x' OR '1", NULL, true, &out, &err), 0);
	rf_buf_free(&id);
	rf_db_close(other);
}

/* A bytes parameter over 2 MiB of hex goes to the server in 1 MiB pieces
 * (mysql_stmt_send_long_data): every byte value, the pieces' edges and the
 * parameters around it arrive as sent; a bad digit in the last piece is an
 * error and nothing is written. */
static void long_bytes_parameter_goes_in_pieces_byte_for_byte(void **state)
{
	static const char *const cols[] = {"id", "b", "t"};
	static const char hexd[] = "0123456789abcdef";
	struct rf_db *db = connect_test();
	size_t n = (3u << 20) + 3, i;
	unsigned char *raw = malloc(n);
	char *hex = malloc(2 * n + 1), *sql = insert_sql(db, "lb", cols, 3);
	char want[RF_SHA256_HEX_LEN + 1], q[128];
	struct rf_param p[3];
	struct rf_result r;
	struct rf_error err;
	(void)state;

	for (i = 0; i < n; i++) {
		raw[i] = (unsigned char)(i * 7 + i / 1048576);
		hex[2 * i] = hexd[raw[i] >> 4];
		hex[2 * i + 1] = hexd[raw[i] & 15];
	}
	hex[2 * n] = '\0';
	rf_sha256_hex(raw, n, want);
	rf_test_sql(my_url(), "DROP TABLE IF EXISTS lb;\n"
	                      "CREATE TABLE lb (id INT PRIMARY KEY, b LONGBLOB, t TEXT);\n");
	p[0] = param(RF_T_INTEGER, "1");
	p[1] = param_n(RF_T_BYTES, hex, 2 * n);
	p[2] = param(RF_T_TEXT, "after");
	exec_ok(db, sql, 3, p, NULL);
	snprintf(q, sizeof q, "SELECT LENGTH(b), SHA2(b, 256), t FROM lb WHERE id = 1");
	exec_ok(db, q, 0, NULL, &r);
	assert_int_equal(r.nrows, 1);
	assert_int_equal(strtoull(r.cells[0].data, NULL, 10), n);
	assert_cell(&r.cells[1], want);
	assert_cell(&r.cells[2], "after");
	rf_result_free(&r);

	hex[2 * n - 1] = 'g';
	p[0] = param(RF_T_INTEGER, "2");
	rf_error_clear(&err);
	assert_int_not_equal(db->ops->exec(db, sql, 3, p, NULL, &err), 0);
	assert_non_null(strstr(err.msg, "not hexadecimal"));
	exec_ok(db, "SELECT count(*) FROM lb", 0, NULL, &r);
	assert_cell(&r.cells[0], "1");
	rf_result_free(&r);
	free(raw);
	free(hex);
	free(sql);
	rf_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(introspection_reports_declared_columns_keys_and_references),
	    cmocka_unit_test(timestamps_are_utc_and_bit_takes_booleans),
	    cmocka_unit_test(write_transaction_sets_timeouts_in_the_session),
	    cmocka_unit_test(a_metadata_lock_wait_ends_at_the_lock_timeout),
	    cmocka_unit_test(a_second_statement_is_refused_by_the_server),
	    cmocka_unit_test(where_follows_mariadb_quoting),
	    cmocka_unit_test(connection_errors_name_the_connection_and_hide_the_password),
	    cmocka_unit_test(passwords_come_from_options_url_or_mysql_pwd),
	    cmocka_unit_test(load_data_local_serves_only_its_own_rows),
	    cmocka_unit_test(xa_transaction_is_settled_from_xa_recover),
	    cmocka_unit_test(long_bytes_parameter_goes_in_pieces_byte_for_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
