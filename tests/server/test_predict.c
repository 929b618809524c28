/* test_predict.c - bulk inserts journaled from the values sent (predict.c)
 * against real PostgreSQL and MariaDB: the predicted journal is byte for
 * byte the one a read-back gives, and whatever the server would store
 * differently - a trigger (also one made after the plan), a narrower
 * scale, length or precision, an auto_increment fed NULL - makes apply
 * read the rows back and journal what the server stored. A value over 1
 * MiB makes PostgreSQL inserts go without RETURNING, and predicted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the four above, which it needs */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rf_test.h"
#include "rowferry/apply.h"
#include "rowferry/journal.h"
#include "rowferry/plan.h"
#include "rowferry/undo.h"

struct engine {
	const char *name;
	char dev[1200], prod[1200];
};

static struct engine pg, my;
static char *tmpdir;

static void url_for(char *out, size_t n, const char *base, const char *db)
{
	const char *p = strstr(base, "/rf_test");
	snprintf(out, n, "%.*s/%s%s", (int)(p - base), base, db, p + 8);
}

static int setup(void **state)
{
	const char *pgu = rf_test_env("RF_TEST_PG_URL"), *myu = rf_test_env("RF_TEST_MY_URL");
	(void)state;
	tmpdir = rf_test_tmpdir();
	rf_test_sql(pgu, "SET client_min_messages = warning;"
	                 "DROP DATABASE IF EXISTS rfc_pr_dev WITH (FORCE);"
	                 "DROP DATABASE IF EXISTS rfc_pr_prod WITH (FORCE);"
	                 "CREATE DATABASE rfc_pr_dev; CREATE DATABASE rfc_pr_prod;");
	rf_test_sql(myu, "DROP DATABASE IF EXISTS rfc_pr_dev; DROP DATABASE IF EXISTS rfc_pr_prod;"
	                 "CREATE DATABASE rfc_pr_dev; CREATE DATABASE rfc_pr_prod;");
	pg.name = "postgres";
	url_for(pg.dev, sizeof pg.dev, pgu, "rfc_pr_dev");
	url_for(pg.prod, sizeof pg.prod, pgu, "rfc_pr_prod");
	my.name = "mariadb";
	url_for(my.dev, sizeof my.dev, myu, "rfc_pr_dev");
	url_for(my.prod, sizeof my.prod, myu, "rfc_pr_prod");
	return 0;
}

static int teardown(void **state)
{
	char cmd[1400];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return -1;
	free(tmpdir);
	return 0;
}

/* Copies every row of `table` from dev to prod as one bulk load; `between`
 * (may be NULL) runs on prod after the plan is made and before apply.
 * Asserts the copy is done and whether its inserts were predicted, and
 * loads its journal into j. */
static void copy(const struct engine *e, const char *table, const char *between, bool predicted,
                 struct rf_journal *j)
{
	struct rf_db *dev = rf_test_connect("dev", e->dev),
	             *prod = rf_test_connect("prod", e->prod);
	struct rf_selection sel;
	struct rf_apply_opts o;
	struct rf_apply_result res;
	struct rf_plan *plan;
	struct rf_diff *d;
	struct rf_error err;
	char msg[1300], dir[1300];

	rf_error_clear(&err);
	rf_selection_init(&sel, table);
	d = rf_diff_open(dev, prod, &sel, &err);
	if (!d)
		fail_msg("%s: diff: %s", e->name, rf_error_text(&err, msg, sizeof msg));
	plan = rf_plan_from_diff(d, RF_OPS_DEFAULT, &err);
	if (!plan)
		fail_msg("%s: plan: %s", e->name, rf_error_text(&err, msg, sizeof msg));
	rf_diff_close(d);
	plan->bulk_rows = 1;
	if (between)
		rf_test_sql(e->prod, between);
	memset(&o, 0, sizeof o);
	snprintf(dir, sizeof dir, "%s/undo", tmpdir);
	o.undo_dir = dir;
	if (rf_apply(plan, dev, prod, &o, &res, &err) != 0)
		fail_msg("%s %s: apply: %s", e->name, table, rf_error_text(&err, msg, sizeof msg));
	assert_int_equal(res.status, RF_APPLY_DONE);
	assert_int_equal(res.inserted, plan->nops);
	if (res.predicted != predicted)
		fail_msg("%s %s: the inserts were %s, expected %s", e->name, table,
		         res.predicted ? "predicted" : "read back",
		         predicted ? "predicted" : "read back");
	if (rf_journal_load(res.journal, false, j, &err) != 0)
		fail_msg("%s: journal: %s", e->name, rf_error_text(&err, msg, sizeof msg));
	assert_true(j->seal_ok);
	assert_int_equal(j->nops, plan->nops);
	rf_apply_result_free(&res);
	rf_plan_free(plan);
	rf_selection_free(&sel);
	rf_db_close(dev);
	rf_db_close(prod);
}

static bool same_cell(const struct rf_cell *a, const struct rf_cell *b)
{
	if (a->is_null || b->is_null)
		return a->is_null == b->is_null;
	return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* Every op's key and after-image are the same bytes in a and b. */
static void assert_same_journal(const char *what, const struct rf_journal *a,
                                const struct rf_journal *b)
{
	size_t k, c;
	assert_int_equal(a->nops, b->nops);
	assert_int_equal(a->tables[0].cols.len, b->tables[0].cols.len);
	for (k = 0; k < a->nops; k++) {
		for (c = 0; c < a->tables[0].key.len; c++)
			assert_true(same_cell(&a->ops[k].key[c], &b->ops[k].key[c]));
		for (c = 0; c < a->tables[0].cols.len; c++)
			if (!same_cell(&a->ops[k].after[c], &b->ops[k].after[c]))
				fail_msg(
				    "%s: op %zu column %s: predicted [%.*s] read back [%.*s]", what,
				    k, a->tables[0].cols.items[c], (int)a->ops[k].after[c].len,
				    a->ops[k].after[c].data ? a->ops[k].after[c].data : "NULL",
				    (int)b->ops[k].after[c].len,
				    b->ops[k].after[c].data ? b->ops[k].after[c].data : "NULL");
	}
}

/* The after-image value of column col in op k, as a string ("NULL"). */
static const char *after(const struct rf_journal *j, size_t k, const char *col)
{
	static char buf[256];
	int c = rf_journal_col(j, 0, col);
	const struct rf_cell *v;
	assert_true(c >= 0);
	v = &j->ops[k].after[c];
	if (v->is_null)
		return "NULL";
	snprintf(buf, sizeof buf, "%.*s", (int)v->len, v->data);
	return buf;
}

/* The undo check finds every row as journaled. */
static void assert_undo_sees_no_drift(const struct engine *e, const struct rf_journal *j)
{
	struct rf_db *prod = rf_test_connect("prod", e->prod);
	struct rf_undo *u;
	struct rf_error err;

	rf_error_clear(&err);
	u = rf_undo_open(j->path, &err);
	assert_non_null(u);
	assert_int_equal(rf_undo_check(u, prod, &err), 0);
	assert_int_equal(u->ndrifted, 0);
	rf_undo_free(u);
	rf_db_close(prod);
}

static const char pg_types[] =
    "id bigint PRIMARY KEY, i int, s smallint, n2 numeric(12,2), nu numeric, t text, "
    "v5 varchar(5), b boolean, u uuid, d date, ts3 timestamp(3), ts timestamp, "
    "tz timestamptz, tm0 time(0), js json, jb jsonb, by bytea";

static void postgres_predicted_journal_is_the_read_back_one(void **state)
{
	struct rf_journal predicted, read_back;
	char sql[4096];
	(void)state;

	snprintf(sql, sizeof sql,
	         "SET client_min_messages = warning; DROP TABLE IF EXISTS pr_types;"
	         "CREATE TABLE pr_types (%s, jd json);"
	         "INSERT INTO pr_types VALUES "
	         "(1, -2147483648, 32767, 12.5, 1.50, E'tab\\there \"q\" \\\\ \xe2\x98\x83', "
	         "'ab\xe2\x98\x83"
	         "de', true, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '2026-02-28', "
	         "'2026-01-02 03:04:05.12', '2026-01-02 03:04:05.123456', "
	         "'2026-01-02 03:04:05.5+02', '23:59:59', '{\"b\": 1, \"a\": [1, 2.50]}', "
	         "'{\"long key\": {\"z\": null, \"aa\": \"x\\ty\"}, \"k\": 1.0, \"\": []}', "
	         "'\\x00ff0a5c', '{\"a\": 1, \"bb\": \"\\u00e9\", \"a\": 2}'),"
	         "(2, 0, NULL, 0, -0.001, '', '', false, NULL, NULL, NULL, NULL, NULL, NULL, "
	         "'[]', '[]', '\\x', 'null'),"
	         "(3, NULL, NULL, -7, 100, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
	         "NULL, NULL, NULL, NULL);",
	         pg_types);
	rf_test_sql(pg.dev, sql);
	/* prod holds the dev json column as jsonb: the value sent is printed
	 * back in jsonb's own form (keys by length, the last duplicate) */
	snprintf(sql, sizeof sql,
	         "SET client_min_messages = warning; DROP TABLE IF EXISTS pr_types;"
	         "CREATE TABLE pr_types (%s, jd jsonb);",
	         pg_types);
	rf_test_sql(pg.prod, sql);
	copy(&pg, "pr_types", NULL, true, &predicted);
	assert_string_equal(after(&predicted, 0, "n2"), "12.50");
	assert_string_equal(after(&predicted, 0, "jd"), "{\"a\": 2, \"bb\": \"\xc3\xa9\"}");
	assert_undo_sees_no_drift(&pg, &predicted);

	/* the same copy into the same table with a trigger that changes
	 * nothing: now the rows are read back */
	rf_test_sql(pg.prod, "TRUNCATE pr_types;"
	                     "CREATE FUNCTION pr_same() RETURNS trigger LANGUAGE plpgsql AS "
	                     "'BEGIN RETURN NEW; END';"
	                     "CREATE TRIGGER pr_same BEFORE INSERT ON pr_types "
	                     "FOR EACH ROW EXECUTE FUNCTION pr_same();");
	copy(&pg, "pr_types", NULL, false, &read_back);
	assert_same_journal("postgres", &predicted, &read_back);
	rf_journal_free(&predicted);
	rf_journal_free(&read_back);
}

static void mariadb_predicted_journal_is_the_read_back_one(void **state)
{
	static const char types[] =
	    "id bigint PRIMARY KEY, i int, s smallint unsigned, bo tinyint(1), n2 decimal(12,2), "
	    "t text, mt mediumtext, v5 varchar(5), d date, dt6 datetime(6), dt0 datetime, "
	    "ts3 timestamp(3) NULL DEFAULT NULL, tm2 time(2), js json, vb varbinary(8), bl blob, "
	    "u uuid";
	struct rf_journal predicted, read_back;
	char sql[4096];
	(void)state;

	snprintf(
	    sql, sizeof sql,
	    "DROP TABLE IF EXISTS pr_types; CREATE TABLE pr_types (%s);"
	    "INSERT INTO pr_types VALUES "
	    "(1, -2147483648, 65535, 1, 12.5, 'tab\\there \"q\" \\\\ \xe2\x98\x83', 'x', "
	    "'ab\xe2\x98\x83"
	    "de', '2026-02-28', '2026-01-02 03:04:05.123456', "
	    "'2026-01-02 03:04:05', '2026-01-02 03:04:05.120', '12:34:56.78', "
	    "'{\"b\": 1, \"a\": [1, 2.50]}', x'00ff0a5c', x'0900', "
	    "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),"
	    "(2, 0, NULL, 0, 0, '', '', '', NULL, NULL, NULL, NULL, NULL, '[]', x'', x'', NULL),"
	    "(3, NULL, NULL, NULL, -7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
	    "NULL, NULL, NULL);",
	    types);
	rf_test_sql(my.dev, sql);
	snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS pr_types; CREATE TABLE pr_types (%s);",
	         types);
	rf_test_sql(my.prod, sql);
	copy(&my, "pr_types", NULL, true, &predicted);
	assert_string_equal(after(&predicted, 2, "n2"), "-7.00");
	assert_undo_sees_no_drift(&my, &predicted);

	rf_test_sql(my.prod, "TRUNCATE pr_types; CREATE TRIGGER pr_same BEFORE INSERT ON pr_types "
	                     "FOR EACH ROW SET NEW.i = NEW.i;");
	copy(&my, "pr_types", NULL, false, &read_back);
	assert_same_journal("mariadb", &predicted, &read_back);
	rf_journal_free(&predicted);
	rf_journal_free(&read_back);
}

/* One value of dev type `from` copied into a PostgreSQL column of type
 * `to` that stores it otherwise: read back, journaled as stored. */
static void narrow(const char *from, const char *value, const char *to, const char *stored)
{
	struct rf_journal j;
	char sql[1024];

	snprintf(sql, sizeof sql,
	         "DROP TABLE IF EXISTS pr_narrow; CREATE TABLE pr_narrow (id int PRIMARY KEY, "
	         "v %s); INSERT INTO pr_narrow VALUES (1, %s);",
	         from, value);
	rf_test_sql(pg.dev, sql);
	snprintf(sql, sizeof sql,
	         "DROP TABLE IF EXISTS pr_narrow; CREATE TABLE pr_narrow (id int PRIMARY KEY, "
	         "v %s);",
	         to);
	rf_test_sql(pg.prod, sql);
	copy(&pg, "pr_narrow", NULL, false, &j);
	assert_string_equal(after(&j, 0, "v"), stored);
	assert_undo_sees_no_drift(&pg, &j);
	rf_journal_free(&j);
}

/* Values the target stores otherwise are read back, as stored. */
static void what_the_target_changes_is_read_back(void **state)
{
	struct rf_journal j;
	(void)state;

	/* a narrower scale rounds, a narrower varchar cuts trailing blanks, a
	 * timestamp(0) rounds: PostgreSQL does each without a word */
	narrow("numeric(12,2)", "1.25", "numeric(12,1)", "1.3");
	narrow("text", "'ab   '", "varchar(3)", "ab ");
	narrow("timestamp", "'2026-01-02 03:04:05.5'", "timestamp(0)",
	       "2026-01-02T03:04:06.000000");
	/* types whose rule is unknown are read back even when the value
	 * would have fitted: a negative scale rounds to hundreds, char(n)
	 * pads */
	narrow("numeric", "1234", "numeric(5,-2)", "1200");
	narrow("text", "'ab'", "char(4)", "ab  ");

	/* the same columns, values that fit: predicted */
	rf_test_sql(pg.dev, "DROP TABLE IF EXISTS pr_narrow; CREATE TABLE pr_narrow "
	                    "(id int PRIMARY KEY, n numeric(12,2), v text, ts timestamp);"
	                    "INSERT INTO pr_narrow VALUES (1, 1.2, 'ab', '2026-01-02 03:04:05');");
	rf_test_sql(pg.prod,
	            "DROP TABLE IF EXISTS pr_narrow; CREATE TABLE pr_narrow "
	            "(id int PRIMARY KEY, n numeric(12,1), v varchar(3), ts timestamp(0));");
	copy(&pg, "pr_narrow", NULL, true, &j);
	assert_string_equal(after(&j, 0, "n"), "1.2");
	rf_journal_free(&j);

	/* a trigger made after the plan: apply describes the table again,
	 * inside its transaction, and reads back what the trigger stored */
	rf_test_sql(pg.prod, "TRUNCATE pr_narrow");
	copy(&pg, "pr_narrow",
	     "CREATE FUNCTION pr_up() RETURNS trigger LANGUAGE plpgsql AS "
	     "'BEGIN NEW.v := upper(NEW.v); RETURN NEW; END';"
	     "CREATE TRIGGER pr_up BEFORE INSERT ON pr_narrow FOR EACH ROW EXECUTE FUNCTION "
	     "pr_up();",
	     false, &j);
	assert_string_equal(after(&j, 0, "v"), "AB");
	assert_undo_sees_no_drift(&pg, &j);
	rf_journal_free(&j);

	rf_test_sql(my.dev, "DROP TABLE IF EXISTS pr_narrow; CREATE TABLE pr_narrow "
	                    "(id int PRIMARY KEY, v varchar(8));"
	                    "INSERT INTO pr_narrow VALUES (1, 'ab');");
	rf_test_sql(my.prod, "DROP TABLE IF EXISTS pr_narrow; CREATE TABLE pr_narrow "
	                     "(id int PRIMARY KEY, v varchar(8));");
	copy(&my, "pr_narrow",
	     "CREATE TRIGGER pr_up BEFORE INSERT ON pr_narrow FOR EACH ROW SET NEW.v = "
	     "UPPER(NEW.v);",
	     false, &j);
	assert_string_equal(after(&j, 0, "v"), "AB");
	rf_journal_free(&j);

	/* MariaDB shows the trigger to a user without the TRIGGER privilege
	 * too (MySQL would not, which is why MySQL reads back): copied by a
	 * user who may only read and write the rows */
	{
		struct engine lim = my;
		const char *at = strchr(my.prod, '@');
		rf_test_sql(my.prod, "CREATE USER IF NOT EXISTS 'rf_pr_lim'@'localhost' "
		                     "IDENTIFIED BY 'rf_pr_lim_pw'; GRANT SELECT, INSERT, UPDATE, "
		                     "DELETE, CREATE TEMPORARY TABLES ON rfc_pr_prod.* TO "
		                     "'rf_pr_lim'@'localhost'; TRUNCATE pr_narrow;");
		assert_non_null(at);
		snprintf(lim.prod, sizeof lim.prod, "mysql://rf_pr_lim:rf_pr_lim_pw%s", at);
		copy(&lim, "pr_narrow", NULL, false, &j);
		assert_string_equal(after(&j, 0, "v"), "AB");
		rf_journal_free(&j);
		rf_test_sql(my.prod, "DROP USER 'rf_pr_lim'@'localhost';");
	}

	/* NULL into an auto_increment column makes a number */
	rf_test_sql(my.dev, "DROP TABLE IF EXISTS pr_ai; CREATE TABLE pr_ai "
	                    "(k varchar(5) PRIMARY KEY, n int NULL);"
	                    "INSERT INTO pr_ai VALUES ('a', NULL);");
	rf_test_sql(my.prod, "DROP TABLE IF EXISTS pr_ai; CREATE TABLE pr_ai "
	                     "(k varchar(5) PRIMARY KEY, n int NOT NULL AUTO_INCREMENT UNIQUE);");
	copy(&my, "pr_ai", NULL, false, &j);
	assert_string_equal(after(&j, 0, "n"), "1");
	rf_journal_free(&j);
}

/* The load skipped the check that its keys are still absent because the
 * primary key (the match key) would refuse a duplicate. Dropped after the
 * plan, with a row of a key being copied added: the table described again
 * after the load shows it, so the rows are read back, the key is found
 * twice, and nothing is written. */
static void a_key_dropped_after_the_plan_is_caught(void **state)
{
	static const struct {
		struct engine *e;
		const char *drop;
	} cases[] = {{&pg, "ALTER TABLE pr_guard DROP CONSTRAINT pr_guard_pkey;"},
	             {&my, "ALTER TABLE pr_guard DROP PRIMARY KEY;"}};
	size_t i;
	(void)state;

	for (i = 0; i < 2; i++) {
		const struct engine *e = cases[i].e;
		struct rf_db *dev, *prod;
		struct rf_selection sel;
		struct rf_apply_opts o;
		struct rf_apply_result res;
		struct rf_plan *plan;
		struct rf_diff *d;
		struct rf_error err;
		char dir[1300], sql[512];

		rf_test_sql(e->dev, "DROP TABLE IF EXISTS pr_guard; CREATE TABLE pr_guard "
		                    "(code varchar(8) PRIMARY KEY, n int);"
		                    "INSERT INTO pr_guard VALUES ('a', 1), ('b', 2), ('c', 3);");
		rf_test_sql(e->prod, "DROP TABLE IF EXISTS pr_guard; CREATE TABLE pr_guard "
		                     "(code varchar(8) PRIMARY KEY, n int);");
		dev = rf_test_connect("dev", e->dev);
		prod = rf_test_connect("prod", e->prod);
		rf_error_clear(&err);
		rf_selection_init(&sel, "pr_guard");
		d = rf_diff_open(dev, prod, &sel, &err);
		assert_non_null(d);
		plan = rf_plan_from_diff(d, RF_OPS_DEFAULT, &err);
		assert_non_null(plan);
		rf_diff_close(d);
		plan->bulk_rows = 1;
		snprintf(sql, sizeof sql, "%s INSERT INTO pr_guard VALUES ('b', 20);",
		         cases[i].drop);
		rf_test_sql(e->prod, sql);
		memset(&o, 0, sizeof o);
		snprintf(dir, sizeof dir, "%s/undo", tmpdir);
		o.undo_dir = dir;
		assert_int_not_equal(rf_apply(plan, dev, prod, &o, &res, &err), 0);
		assert_int_equal(res.status, RF_APPLY_FAILED);
		assert_false(res.predicted);
		assert_non_null(strstr(err.msg, "is in the target twice"));
		rf_apply_result_free(&res);
		rf_plan_free(plan);
		/* nothing written: prod still holds only the row added */
		d = rf_diff_open(dev, prod, &sel, &err);
		assert_non_null(d);
		plan = rf_plan_from_diff(d, RF_OPS_DEFAULT, &err);
		assert_non_null(plan);
		rf_diff_close(d);
		assert_int_equal(rf_plan_count(plan, RF_OP_INSERT), 2);
		assert_int_equal(rf_plan_count(plan, RF_OP_UPDATE), 1);
		rf_plan_free(plan);
		rf_selection_free(&sel);
		rf_db_close(dev);
		rf_db_close(prod);
	}
}

/* PostgreSQL inserts journal from RETURNING, except when a value sent is
 * over 1 MiB: a bytea comes back as hex text, twice its size in memory
 * (DESIGN §9). Such a plan's inserts go without RETURNING and are
 * journaled from the values sent, the same bytes undo then finds. */
static void large_values_go_without_returning_and_are_predicted(void **state)
{
	static const char *const rows[] = {
	    "INSERT INTO pr_large VALUES (1, '\\x00ff');",
	    "INSERT INTO pr_large SELECT 2, decode(repeat('5c0a00ff', 400000), 'hex');"};
	size_t i;
	(void)state;

	for (i = 0; i < 2; i++) {
		struct rf_db *dev, *prod;
		struct rf_selection sel;
		struct rf_apply_opts o;
		struct rf_apply_result res;
		struct rf_journal j;
		struct rf_stmts stmts;
		struct rf_plan *plan;
		struct rf_diff *d;
		struct rf_error err;
		char msg[1300], dir[1300];
		const struct rf_cell *v;

		rf_test_sql(pg.dev,
		            "SET client_min_messages = warning; DROP TABLE IF EXISTS "
		            "pr_large; CREATE TABLE pr_large (id int PRIMARY KEY, b bytea);");
		rf_test_sql(pg.dev, rows[0]);
		if (i)
			rf_test_sql(pg.dev, rows[1]);
		rf_test_sql(pg.prod,
		            "SET client_min_messages = warning; DROP TABLE IF EXISTS "
		            "pr_large; CREATE TABLE pr_large (id int PRIMARY KEY, b bytea);");
		dev = rf_test_connect("dev", pg.dev);
		prod = rf_test_connect("prod", pg.prod);
		rf_error_clear(&err);
		rf_selection_init(&sel, "pr_large");
		d = rf_diff_open(dev, prod, &sel, &err);
		assert_non_null(d);
		plan = rf_plan_from_diff(d, RF_OPS_DEFAULT, &err);
		assert_non_null(plan);
		rf_diff_close(d);
		plan->bulk_rows = 0; /* INSERT statements */
		rf_plan_render_stmts(plan, prod, 100, false, &stmts);
		assert_int_equal(stmts.len, 1);
		if (stmts.items[0].returning != !i)
			fail_msg("%s value: the INSERT %s RETURNING", i ? "a 1.6 MB" : "a small",
			         stmts.items[0].returning ? "has" : "has no");
		rf_stmts_free(&stmts);
		memset(&o, 0, sizeof o);
		snprintf(dir, sizeof dir, "%s/undo-large", tmpdir);
		o.undo_dir = dir;
		if (rf_apply(plan, dev, prod, &o, &res, &err) != 0)
			fail_msg("apply: %s", rf_error_text(&err, msg, sizeof msg));
		assert_int_equal(res.inserted, i + 1);
		assert_int_equal(res.predicted, i == 1);
		assert_int_equal(rf_journal_load(res.journal, false, &j, &err), 0);
		assert_true(j.seal_ok);
		assert_int_equal(j.nops, i + 1);
		v = &j.ops[i].after[rf_journal_col(&j, j.ops[i].table, "b")];
		if (i) { /* the hex of the 1.6 MB value, as the journal keeps bytes */
			assert_int_equal(v->len, 3200000);
			assert_int_equal(memcmp(v->data, "5c0a00ff5c0a00ff", 16), 0);
			assert_int_equal(memcmp(v->data + v->len - 8, "5c0a00ff", 8), 0);
		}
		assert_undo_sees_no_drift(&pg, &j);
		rf_journal_free(&j);
		rf_apply_result_free(&res);
		rf_plan_free(plan);
		rf_selection_free(&sel);
		rf_db_close(dev);
		rf_db_close(prod);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(postgres_predicted_journal_is_the_read_back_one),
	    cmocka_unit_test(mariadb_predicted_journal_is_the_read_back_one),
	    cmocka_unit_test(what_the_target_changes_is_read_back),
	    cmocka_unit_test(a_key_dropped_after_the_plan_is_caught),
	    cmocka_unit_test(large_values_go_without_returning_and_are_predicted),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
