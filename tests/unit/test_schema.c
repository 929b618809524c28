/* test_schema.c - the type map of every engine pair (schema.h) with the
 * spellings users write (SQLite's declared types and affinities, MariaDB's
 * tinyint(1) and unsigned, PostgreSQL's serial, arrays, timestamptz), and
 * CREATE TABLE on a real SQLite file: defaults kept or dropped with a
 * warning, identity as INTEGER PRIMARY KEY, hostile identifiers quoted so
 * describe() reads them back as they were. */
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

#include "rf_fixture.h"
#include "rf_test.h"
#include "rowferry/db.h"
#include "rowferry/schema.h"

struct map_case {
	const char *src, *decl;
	enum rf_type_class c;
	bool in_key;
	const char *dst, *want;
	bool warns;
};

static const struct map_case map_cases[] = {
    /* SQLite -> PostgreSQL, as users write SQLite types */
    {"sqlite", "INTEGER", RF_T_INTEGER, false, "postgres", "bigint", false},
    {"sqlite", "int", RF_T_INTEGER, false, "postgres", "bigint", false},
    {"sqlite", "DATETIME", RF_T_TIMESTAMP, false, "postgres", "timestamp", false},
    {"sqlite", "BOOLEAN", RF_T_BOOLEAN, false, "postgres", "boolean", false},
    {"sqlite", "VARCHAR(40)", RF_T_TEXT, false, "postgres", "varchar(40)", false},
    {"sqlite", "NVARCHAR(12)", RF_T_TEXT, false, "postgres", "varchar(12)", false},
    {"sqlite", "TEXT", RF_T_TEXT, false, "postgres", "text", false},
    {"sqlite", "CLOB", RF_T_TEXT, false, "postgres", "text", false},
    {"sqlite", "REAL", RF_T_FLOAT, false, "postgres", "double precision", false},
    {"sqlite", "DOUBLE PRECISION", RF_T_FLOAT, false, "postgres", "double precision", false},
    {"sqlite", "NUMERIC(12,2)", RF_T_DECIMAL, false, "postgres", "numeric(12,2)", false},
    {"sqlite", "DECIMAL", RF_T_DECIMAL, false, "postgres", "numeric", false},
    {"sqlite", "BLOB", RF_T_BYTES, false, "postgres", "bytea", false},
    {"sqlite", "", RF_T_BYTES, false, "postgres", "bytea", true}, /* untyped */
    {"sqlite", "MONEY", RF_T_OTHER, false, "postgres", "numeric", true},
    {"sqlite", "DATE", RF_T_DATE, false, "postgres", "date", false},
    {"sqlite", "TIME", RF_T_TIME, false, "postgres", "time", false},
    {"sqlite", "JSON", RF_T_JSON, false, "postgres", "jsonb", false},
    {"sqlite", "UUID", RF_T_UUID, false, "postgres", "uuid", false},
    /* SQLite <-> MariaDB */
    {"sqlite", "BOOLEAN", RF_T_BOOLEAN, false, "mysql", "tinyint(1)", false},
    {"sqlite", "TEXT", RF_T_TEXT, false, "mysql", "longtext", false},
    {"sqlite", "TEXT", RF_T_TEXT, true, "mysql", "varchar(255)", true},
    {"sqlite", "BLOB", RF_T_BYTES, false, "mysql", "longblob", false},
    {"sqlite", "DATETIME", RF_T_TIMESTAMP, false, "mysql", "datetime(6)", false},
    {"sqlite", "NUMERIC", RF_T_DECIMAL, false, "mysql", "decimal(65,30)", true},
    {"mysql", "tinyint(1)", RF_T_BOOLEAN, false, "sqlite", "BOOLEAN", false},
    {"mysql", "int(10) unsigned", RF_T_INTEGER, false, "sqlite", "INTEGER", false},
    {"mysql", "datetime(3)", RF_T_TIMESTAMP, false, "sqlite", "DATETIME", false},
    {"mysql", "varchar(20)", RF_T_TEXT, false, "sqlite", "VARCHAR(20)", false},
    {"mysql", "enum('a','b')", RF_T_TEXT, false, "sqlite", "TEXT", false}, /* + CHECK */
    /* MariaDB -> PostgreSQL */
    {"mysql", "tinyint(1)", RF_T_BOOLEAN, false, "postgres", "boolean", false},
    {"mysql", "tinyint(4)", RF_T_INTEGER, false, "postgres", "smallint", false},
    {"mysql", "int(11)", RF_T_INTEGER, false, "postgres", "integer", false},
    {"mysql", "int(10) unsigned", RF_T_INTEGER, false, "postgres", "bigint", false},
    {"mysql", "bigint(20) unsigned", RF_T_INTEGER, false, "postgres", "numeric(20)", false},
    {"mysql", "decimal(10,2)", RF_T_DECIMAL, false, "postgres", "numeric(10,2)", false},
    {"mysql", "double", RF_T_FLOAT, false, "postgres", "double precision", false},
    {"mysql", "float", RF_T_FLOAT, false, "postgres", "real", false},
    {"mysql", "datetime", RF_T_TIMESTAMP, false, "postgres", "timestamp", false},
    {"mysql", "datetime(6)", RF_T_TIMESTAMP, false, "postgres", "timestamp(6)", false},
    {"mysql", "timestamp", RF_T_TIMESTAMPTZ, false, "postgres", "timestamptz", false},
    {"mysql", "longtext", RF_T_JSON, false, "postgres", "jsonb", false},
    {"mysql", "json", RF_T_JSON, false, "postgres", "jsonb", false},
    {"mysql", "mediumblob", RF_T_BYTES, false, "postgres", "bytea", false},
    {"mysql", "varbinary(16)", RF_T_BYTES, false, "postgres", "bytea", false},
    {"mysql", "enum('new','done')", RF_T_TEXT, false, "postgres", "text", false},
    {"mysql", "set('x','y')", RF_T_TEXT, false, "postgres", "text", true},
    {"mysql", "char(3)", RF_T_TEXT, false, "postgres", "char(3)", false},
    /* PostgreSQL -> MariaDB */
    {"postgres", "boolean", RF_T_BOOLEAN, false, "mysql", "tinyint(1)", false},
    {"postgres", "integer", RF_T_INTEGER, false, "mysql", "int", false},
    {"postgres", "numeric(12,2)", RF_T_DECIMAL, false, "mysql", "decimal(12,2)", false},
    {"postgres", "character varying(40)", RF_T_TEXT, false, "mysql", "varchar(40)", false},
    {"postgres", "text", RF_T_TEXT, false, "mysql", "longtext", false},
    {"postgres", "bytea", RF_T_BYTES, false, "mysql", "longblob", false},
    {"postgres", "uuid", RF_T_UUID, false, "mysql", "uuid", false},
    {"postgres", "jsonb", RF_T_JSON, false, "mysql", "json", false},
    {"postgres", "timestamp without time zone", RF_T_TIMESTAMP, false, "mysql", "datetime(6)",
     false},
    {"postgres", "timestamp(3) with time zone", RF_T_TIMESTAMPTZ, false, "mysql", "timestamp(3)",
     true},
    {"postgres", "time without time zone", RF_T_TIME, false, "mysql", "time(6)", false},
    {"postgres", "integer[]", RF_T_OTHER, false, "mysql", "longtext", true},
    {"postgres", "mood", RF_T_TEXT, false, "mysql", "longtext", true}, /* an enum */
    /* PostgreSQL -> SQLite */
    {"postgres", "bigint", RF_T_INTEGER, false, "sqlite", "INTEGER", false},
    {"postgres", "double precision", RF_T_FLOAT, false, "sqlite", "REAL", false},
    {"postgres", "timestamp with time zone", RF_T_TIMESTAMPTZ, false, "sqlite", "TIMESTAMPTZ",
     false},
    {"postgres", "timestamp(3) without time zone", RF_T_TIMESTAMP, false, "sqlite", "DATETIME",
     false},
    {"postgres", "numeric", RF_T_DECIMAL, false, "sqlite", "NUMERIC", false},
    {"postgres", "text[]", RF_T_OTHER, false, "sqlite", "TEXT", true},
    /* the same engine keeps the declared type */
    {"postgres", "character varying(7)", RF_T_TEXT, false, "postgres", "character varying(7)",
     false},
    {"mysql", "int(10) unsigned", RF_T_INTEGER, false, "mysql", "int(10) unsigned", false},
    {"sqlite", "", RF_T_BYTES, false, "sqlite", "", false},
};

static void type_map_of_every_pair(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < sizeof map_cases / sizeof map_cases[0]; i++) {
		const struct map_case *m = &map_cases[i];
		struct rf_column c = {.name = (char *)"col",
		                      .decl_type = (char *)m->decl,
		                      .tclass = m->c,
		                      .nullable = true};
		struct rf_buf type = RF_BUF_INIT;
		struct rf_strlist w = RF_STRLIST_INIT;
		rf_schema_map_type(m->src, &c, m->in_key, m->dst, &type, &w);
		rf_buf_addc(&type, '\0');
		if (strcmp(type.data, m->want) != 0)
			fail_msg("%s %s -> %s: got %s, want %s", m->src, m->decl, m->dst, type.data,
			         m->want);
		if ((w.len > 0) != m->warns)
			fail_msg("%s %s -> %s: %zu warnings (%s)", m->src, m->decl, m->dst, w.len,
			         w.len ? w.items[0] : "");
		if (w.len)
			assert_non_null(strstr(w.items[0], "col: "));
		rf_buf_free(&type);
		rf_strlist_free(&w);
	}
}

/* A PostgreSQL table as describe() gives it, with names meant to break
 * quoting and defaults of every sort. */
static void add_col(struct rf_table_info *t, const char *name, const char *decl,
                    enum rf_type_class c, bool nullable, const char *dflt)
{
	struct rf_column col = {.name = (char *)name,
	                        .decl_type = (char *)decl,
	                        .tclass = c,
	                        .nullable = nullable,
	                        .default_expr = (char *)dflt};
	rf_table_info_add_column(t, &col);
}

static bool has(const struct rf_strlist *l, const char *part)
{
	size_t i;
	for (i = 0; i < l->len; i++)
		if (strstr(l->items[i], part))
			return true;
	return false;
}

/* A fresh SQLite database, file in a directory of its own, set up with
 * sql: the target the statements are made for and run on. */
struct target {
	char *dir, *url;
	struct rf_db *db;
};

static void target_open(struct target *t, const char *file, const char *sql)
{
	t->dir = rf_test_tmpdir();
	t->url = rf_xasprintf("sqlite:%s/%s", t->dir, file);
	rf_test_sql(t->url, sql);
	t->db = rf_test_connect("dst", t->url);
}

static void target_close(struct target *t)
{
	rf_db_close(t->db);
	free(t->url);
	rf_test_rmtree(t->dir);
}

/* Column 0 of t its identity and its primary key. */
static void identity_pk(struct rf_table_info *t)
{
	t->cols[0].identity = true;
	t->cols[0].pk_pos = 1;
	t->npk = 1;
	t->pk = rf_xcalloc(1, sizeof *t->pk);
}

static void create_on_sqlite_defaults_identity_and_hostile_names(void **state)
{
	static const char hostile[] = "we\"ird`] [na'me";
	struct rf_table_info t = {0}, back = {0};
	struct rf_ddl_opts o = {.src_engine = "postgres", .fkeys_after = true};
	struct rf_ddl d = {0};
	struct rf_error err;
	struct target dst;
	struct rf_db *db;
	size_t i;
	int c;

	(void)state;
	rf_error_clear(&err);
	target_open(&dst, "t.db", "CREATE TABLE parent (id INTEGER PRIMARY KEY);");
	db = dst.db;
	t.schema = rf_xstrdup("app");
	t.name = rf_xstrdup(hostile);
	t.display = rf_xasprintf("app.%s", hostile);
	add_col(&t, "id", "integer", RF_T_INTEGER, false, "nextval('\"x\"''_seq'::regclass)");
	add_col(&t, "col \"q\"", "text", RF_T_TEXT, false, "'it''s'::text");
	add_col(&t, "n", "numeric(8,2)", RF_T_DECIMAL, true, "'-1.5'::numeric");
	add_col(&t, "m", "integer", RF_T_INTEGER, true, "(-3)");
	add_col(&t, "flag", "boolean", RF_T_BOOLEAN, false, "true");
	add_col(&t, "at", "timestamp with time zone", RF_T_TIMESTAMPTZ, true, "now()");
	add_col(&t, "day", "date", RF_T_DATE, true, "CURRENT_DATE");
	add_col(&t, "odd", "text", RF_T_TEXT, true, "upper('x'::text)");
	add_col(&t, "parent_id", "integer", RF_T_INTEGER, true, NULL);
	identity_pk(&t);
	t.fkeys = rf_xcalloc(1, sizeof *t.fkeys);
	t.nfkeys = 1;
	t.fkeys[0].name = rf_xstrdup("to parent");
	t.fkeys[0].ncols = 1;
	t.fkeys[0].cols = rf_xcalloc(1, sizeof(char *));
	t.fkeys[0].cols[0] = rf_xstrdup("parent_id");
	t.fkeys[0].ref_cols = rf_xcalloc(1, sizeof(char *));
	t.fkeys[0].ref_cols[0] = rf_xstrdup("id");
	t.fkeys[0].ref_table = rf_xstrdup("app.parent"); /* the source schema goes */
	t.indexes = rf_xcalloc(1, sizeof *t.indexes);
	t.nindexes = 1;
	t.indexes[0].name = rf_xstrdup("idx \"odd\"");
	t.indexes[0].ncols = 1;
	t.indexes[0].cols = rf_xcalloc(1, sizeof(char *));
	t.indexes[0].cols[0] = rf_xstrdup("col \"q\"");

	RF_CHECK(rf_schema_create_table(db, &t, &o, &d, &err), &err);
	/* the identity is the rowid alias, spelled exactly so */
	assert_non_null(strstr(d.create.items[0], "\"id\" INTEGER PRIMARY KEY,"));
	assert_null(strstr(d.create.items[0], "nextval"));
	assert_non_null(strstr(d.create.items[0], "DEFAULT 'it''s'"));
	assert_non_null(strstr(d.create.items[0], "DEFAULT -1.5"));
	assert_non_null(strstr(d.create.items[0], "DEFAULT -3"));
	assert_non_null(strstr(d.create.items[0], "\"at\" TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP"));
	assert_non_null(strstr(d.create.items[0], "DEFAULT CURRENT_DATE"));
	assert_true(has(&d.warnings, "odd: default upper('x'::text) does not translate"));
	assert_false(has(&d.warnings, "id:"));
	/* SQLite keeps the foreign key in CREATE TABLE even when asked after */
	assert_int_equal(d.foreign.len, 0);
	assert_int_equal(d.create.len, 2);

	RF_CHECK(rf_db_begin(db, RF_TX_WRITE, NULL, &err), &err);
	for (i = 0; i < d.create.len; i++)
		RF_CHECK(db->ops->exec(db, d.create.items[i], 0, NULL, NULL, &err), &err);
	RF_CHECK(db->ops->exec(db, "INSERT INTO parent VALUES (1)", 0, NULL, NULL, &err), &err);
	RF_CHECK(rf_db_commit(db, &err), &err);

	RF_CHECK(rf_db_describe(db, hostile, &back, &err), &err);
	assert_string_equal(back.name, hostile);
	assert_int_equal(back.ncols, t.ncols);
	for (i = 0; i < t.ncols; i++)
		assert_string_equal(back.cols[i].name, t.cols[i].name);
	assert_true(back.cols[0].identity);
	assert_false(back.cols[1].nullable);
	assert_string_equal(back.cols[1].default_expr, "'it''s'");
	c = rf_table_info_col(&back, "odd");
	assert_null(back.cols[c].default_expr);
	c = rf_table_info_col(&back, "flag");
	assert_int_equal(back.cols[c].tclass, RF_T_BOOLEAN);
	assert_string_equal(back.cols[c].default_expr, "1");
	assert_int_equal(back.nfkeys, 1);
	assert_string_equal(back.fkeys[0].ref_table, "parent");
	assert_int_equal(back.nindexes, 1);
	assert_string_equal(back.indexes[0].name, "idx \"odd\"");
	assert_string_equal(back.indexes[0].cols[0], "col \"q\"");

	rf_table_info_free(&back);
	rf_ddl_free(&d);
	rf_table_info_free(&t);
	target_close(&dst);
}

/* MariaDB's catalog spellings: literals with backslash escapes, bare
 * current_timestamp(), 0/1 for a boolean; an unsigned key. */
static void mysql_defaults_to_sqlite(void **state)
{
	struct rf_table_info t = {0};
	struct rf_ddl_opts o = {.src_engine = "mysql"};
	struct rf_ddl d = {0};
	struct rf_error err;
	struct target dst;
	struct rf_db *db;

	(void)state;
	rf_error_clear(&err);
	target_open(&dst, "m.db", "PRAGMA user_version = 1;");
	db = dst.db;
	t.name = rf_xstrdup("legacy");
	t.display = rf_xstrdup("legacy");
	add_col(&t, "id", "int(10) unsigned", RF_T_INTEGER, false, NULL);
	add_col(&t, "s", "varchar(10)", RF_T_TEXT, true, "'a\\'b\\\\c'");
	add_col(&t, "on", "tinyint(1)", RF_T_BOOLEAN, false, "1");
	add_col(&t, "at", "datetime", RF_T_TIMESTAMP, true, "current_timestamp()");
	add_col(&t, "at2", "datetime(3)", RF_T_TIMESTAMP, true, "current_timestamp(3)");
	add_col(&t, "st", "enum('new','it''s','a,b')", RF_T_TEXT, false, "'new'");
	identity_pk(&t);
	RF_CHECK(rf_schema_create_table(db, &t, &o, &d, &err), &err);
	assert_non_null(strstr(d.create.items[0], "\"s\" VARCHAR(10) DEFAULT 'a''b\\c'"));
	assert_non_null(strstr(d.create.items[0], "\"on\" BOOLEAN NOT NULL DEFAULT 1"));
	assert_non_null(strstr(d.create.items[0], "\"at\" DATETIME DEFAULT CURRENT_TIMESTAMP,"));
	assert_non_null(strstr(d.create.items[0], "\"at2\" DATETIME DEFAULT CURRENT_TIMESTAMP,"));
	assert_non_null(strstr(d.create.items[0],
	                       "\"st\" TEXT NOT NULL DEFAULT 'new' CHECK (\"st\" "
	                       "IN ('new', 'it''s', 'a,b'))"));
	assert_false(has(&d.warnings, "st:"));
	RF_CHECK(rf_db_begin(db, RF_TX_WRITE, NULL, &err), &err);
	RF_CHECK(db->ops->exec(db, d.create.items[0], 0, NULL, NULL, &err), &err);
	/* the CHECK holds the enum's values */
	RF_CHECK(db->ops->exec(db, "INSERT INTO legacy (id, st) VALUES (1, 'it''s')", 0, NULL, NULL,
	                       &err),
	         &err);
	assert_int_not_equal(db->ops->exec(db, "INSERT INTO legacy (id, st) VALUES (2, 'other')", 0,
	                                   NULL, NULL, &err),
	                     0);
	RF_CHECK(rf_db_rollback(db, &err), &err);
	rf_ddl_free(&d);
	rf_table_info_free(&t);
	target_close(&dst);
}

static void set_fk(struct rf_table_info *t, const char *name, const char *ref)
{
	t->fkeys = rf_xrealloc(t->fkeys, (t->nfkeys + 1) * sizeof *t->fkeys);
	memset(&t->fkeys[t->nfkeys], 0, sizeof *t->fkeys);
	t->fkeys[t->nfkeys].name = rf_xstrdup(name);
	t->fkeys[t->nfkeys].ref_table = rf_xstrdup(ref);
	t->nfkeys++;
}

/* Parents first, by describe()'s names; a self-reference is no cycle; a
 * cycle gives the order as given and false. */
static void create_order_parents_first_and_cycles(void **state)
{
	struct rf_table_info t[3] = {{0}};
	size_t order[3], i;

	(void)state;
	t[0].name = rf_xstrdup("lines");
	t[0].display = rf_xstrdup("public.lines");
	t[1].name = rf_xstrdup("orders");
	t[1].display = rf_xstrdup("public.orders");
	t[2].name = rf_xstrdup("customers");
	t[2].display = rf_xstrdup("public.customers");
	set_fk(&t[0], "l_o", "public.orders");
	set_fk(&t[0], "l_self", "public.lines");
	set_fk(&t[1], "o_c", "public.customers");
	set_fk(&t[1], "o_elsewhere", "other.table");
	assert_true(rf_schema_create_order(t, 3, order));
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 1);
	assert_int_equal(order[2], 0);
	set_fk(&t[2], "c_l", "lines"); /* customers -> lines -> orders -> customers */
	assert_false(rf_schema_create_order(t, 3, order));
	for (i = 0; i < 3; i++)
		assert_int_equal(order[i], i);
	for (i = 0; i < 3; i++)
		rf_table_info_free(&t[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(type_map_of_every_pair),
	    cmocka_unit_test(create_on_sqlite_defaults_identity_and_hostile_names),
	    cmocka_unit_test(mysql_defaults_to_sqlite),
	    cmocka_unit_test(create_order_parents_first_and_cycles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
