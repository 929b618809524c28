/* test_set_copy.c - the core of a copy of a set of tables (set_copy.h)
 * against real PostgreSQL and MariaDB: rf_set_plan_build plans each table
 * in apply order, splits the deletes off and breaks a self-reference at
 * its nullable key (the INSERT writes NULL, a last step UPDATEs it);
 * rf_set_preview_script shows those steps in order; rf_set_apply writes
 * them in one transaction and one journal. */
/* nftw() */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the four above, which it needs */

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rf_test.h"
#include "rowferry/config.h"
#include "rowferry/set_copy.h"

#define CHECK(call, err)                                                                           \
	do {                                                                                       \
		char msg_[1200];                                                                   \
		if ((call) != 0)                                                                   \
			fail_msg("%s failed: %s", #call, rf_error_text((err), msg_, sizeof msg_)); \
	} while (0)

static const char *const schema =
    "DROP TABLE IF EXISTS sc_node; DROP TABLE IF EXISTS sc_grp;"
    "CREATE TABLE sc_grp (id int PRIMARY KEY, name varchar(9) NOT NULL);"
    "CREATE TABLE sc_node (id int PRIMARY KEY, grp_id int NOT NULL, up_id int,"
    " FOREIGN KEY (grp_id) REFERENCES sc_grp (id), FOREIGN KEY (up_id) REFERENCES sc_node (id));";

/* The shape column named name. */
static size_t col_of(const struct rf_plan *p, const char *name)
{
	size_t j;
	for (j = 0; j < p->shape->ncols; j++)
		if (strcmp(p->shape->cols[j].name, name) == 0)
			return j;
	fail_msg("no column %s", name);
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

static void a_set_is_planned_previewed_and_applied_in_one_transaction(void **state)
{
	static const char *const keys[][2] = {{"RF_TEST_PG_DEV_URL", "RF_TEST_PG_PROD_URL"},
	                                      {"RF_TEST_MY_DEV_URL", "RF_TEST_MY_PROD_URL"}};
	struct rf_set_flags sf = {.follow = "children"};
	struct rf_config cfg = {0}; /* no [compare TABLE] sections */
	struct rf_selection_flags f = {.where = "id = 1"};
	char *undo_dir = rf_test_tmpdir();
	size_t e;

	(void)state;
	for (e = 0; e < 2; e++) {
		const char *su = rf_test_env(keys[e][0]), *du = rf_test_env(keys[e][1]);
		struct rf_db *src, *dst;
		struct rf_set_plan sp;
		struct rf_apply_opts o;
		struct rf_apply_result res;
		struct rf_buf script = RF_BUF_INIT;
		struct rf_error err;
		const struct rf_plan *nodes;
		const char *at_ins, *at_upd, *at_del;
		size_t up;

		rf_test_sql(su, schema);
		rf_test_sql(du, schema);
		/* node 5's parent is node 7, later in the same INSERT */
		rf_test_sql(su, "INSERT INTO sc_grp VALUES (1, 'a');"
		                "INSERT INTO sc_node VALUES (7, 1, NULL), (5, 1, 7);");
		rf_test_sql(
		    du,
		    "INSERT INTO sc_grp VALUES (1, 'a'); INSERT INTO sc_node VALUES (9, 1, NULL);");
		rf_error_clear(&err);
		src = rf_test_connect("dev", su);
		dst = rf_test_connect("prod", du);
		CHECK(rf_set_plan_build(src, dst, &cfg, "sc_grp", &f, &sf,
		                        RF_OP_INSERT | RF_OP_UPDATE | RF_OP_DELETE, &sp, &err),
		      &err);
		assert_int_equal(sp.len, 2);
		assert_non_null(strstr(sp.items[0].table, "sc_grp"));
		assert_non_null(strstr(sp.items[1].table, "sc_node"));
		nodes = sp.items[1].plan;
		/* the deletes are a step of their own; the inserts write NULL
		 * where the self-reference is broken, the last step sets it */
		assert_non_null(sp.items[1].deletes);
		assert_int_equal(sp.items[1].deletes->nops, 1);
		assert_int_equal(rf_plan_count(nodes, RF_OP_INSERT), 2);
		assert_int_equal(rf_plan_count(nodes, RF_OP_DELETE), 0);
		up = col_of(nodes, "up_id");
		assert_true(rf_plan_value(&nodes->ops[0], up)->is_null);
		assert_true(rf_plan_value(&nodes->ops[1], up)->is_null);
		assert_non_null(sp.items[1].refs);
		assert_int_equal(sp.items[1].refs->nops, 1);
		assert_string_equal(rf_plan_value(&sp.items[1].refs->ops[0], up)->data, "7");
		assert_int_equal(rf_warnings_count(&sp.all, RF_SEV_ERROR), 0);
		assert_int_equal(rf_set_plan_nops(&sp), 4);

		rf_set_preview_script(&sp, src, dst, &script);
		at_del = strstr(script.data, "sc_node: deletes (children first)");
		at_ins = strstr(script.data, "INSERT INTO");
		at_upd = strstr(script.data, "references set once every row exists");
		assert_non_null(at_del);
		assert_non_null(at_ins);
		assert_non_null(at_upd);
		assert_true(at_del < at_ins && at_ins < at_upd);

		rf_apply_opts_init(&o, &cfg);
		o.undo_dir = undo_dir;
		o.lock_timeout_ms = 2000;
		CHECK(rf_set_apply(&sp, src, dst, &o, &res, &err), &err);
		assert_int_equal(res.status, RF_APPLY_DONE);
		assert_int_equal(res.inserted, 2);
		assert_int_equal(res.updated, 1);
		assert_int_equal(res.deleted, 1);
		assert_non_null(res.journal);
		rf_apply_result_free(&res);
		rf_set_plan_free(&sp);

		/* a second build finds nothing to do */
		CHECK(rf_set_plan_build(src, dst, &cfg, "sc_grp", &f, &sf,
		                        RF_OP_INSERT | RF_OP_UPDATE | RF_OP_DELETE, &sp, &err),
		      &err);
		assert_int_equal(rf_set_plan_nops(&sp), 0);
		rf_set_plan_free(&sp);
		rf_buf_free(&script);
		rf_db_close(src);
		rf_db_close(dst);
		rf_test_sql(su, "DROP TABLE sc_node; DROP TABLE sc_grp;");
		rf_test_sql(du, "DROP TABLE sc_node; DROP TABLE sc_grp;");
	}
	nftw(undo_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(undo_dir);
}

/* The value of a one-row, one-column query on db. */
static char *query1(struct rf_db *db, const char *table, const char *col, const char *where)
{
	struct rf_table_info t = {0};
	struct rf_stream_spec spec;
	struct rf_stream *st = NULL;
	const struct rf_row *row;
	struct rf_error err;
	size_t c;
	char *v = NULL;

	rf_error_clear(&err);
	CHECK(rf_db_describe(db, table, &t, &err), &err);
	c = (size_t)rf_table_info_col(&t, col);
	memset(&spec, 0, sizeof spec);
	spec.table = &t;
	spec.ncols = 1;
	spec.cols = &c;
	spec.where = where;
	CHECK(db->ops->stream_open(db, &spec, &st, &err), &err);
	if (db->ops->stream_next(st, &row, &err) == 1 && !row->cells[0].is_null)
		v = rf_xstrndup(row->cells[0].data, row->cells[0].len);
	db->ops->stream_close(st);
	rf_table_info_free(&t);
	return v;
}

/* A reference written through its parent's match key (the parent's id
 * excluded: sc_node.grp_id compared as sc_grp.name) is re-checked through
 * the same subquery: someone re-pointing it in the target between the plan
 * and the apply is drift, the whole set refused and nothing written. */
static void a_reference_repointed_since_the_diff_is_drift(void **state)
{
	static const char *const keys[][2] = {{"RF_TEST_PG_DEV_URL", "RF_TEST_PG_PROD_URL"},
	                                      {"RF_TEST_MY_DEV_URL", "RF_TEST_MY_PROD_URL"}};
	/* sc_grp's id generated by the target (PostgreSQL, MariaDB) */
	static const char *const ref_schema[] = {
	    "DROP TABLE IF EXISTS sc_node; DROP TABLE IF EXISTS sc_grp;"
	    "CREATE TABLE sc_grp (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	    " name varchar(9) NOT NULL UNIQUE);"
	    "CREATE TABLE sc_node (id int PRIMARY KEY, grp_id int NOT NULL, qty int NOT NULL,"
	    " FOREIGN KEY (grp_id) REFERENCES sc_grp (id));",
	    "DROP TABLE IF EXISTS sc_node; DROP TABLE IF EXISTS sc_grp;"
	    "CREATE TABLE sc_grp (id int AUTO_INCREMENT PRIMARY KEY, name varchar(9) NOT NULL "
	    "UNIQUE);"
	    "CREATE TABLE sc_node (id int PRIMARY KEY, grp_id int NOT NULL, qty int NOT NULL,"
	    " FOREIGN KEY (grp_id) REFERENCES sc_grp (id));"};
	struct rf_set_flags sf = {.follow = "children"};
	struct rf_config cfg = {0};
	char *undo_dir = rf_test_tmpdir();
	size_t e;

	(void)state;
	rf_strlist_add(&sf.excludes, "sc_grp.id");
	for (e = 0; e < 2; e++) {
		const char *su = rf_test_env(keys[e][0]), *du = rf_test_env(keys[e][1]);
		struct rf_db *src, *dst;
		struct rf_set_plan sp;
		struct rf_apply_opts o;
		struct rf_apply_result res;
		struct rf_error err;
		char *v;

		rf_test_sql(su, ref_schema[e]);
		rf_test_sql(du, ref_schema[e]);
		rf_test_sql(su, "INSERT INTO sc_grp VALUES (1, 'a'), (2, 'b');"
		                "INSERT INTO sc_node VALUES (5, 2, 1);");
		rf_test_sql(du, "INSERT INTO sc_grp VALUES (11, 'a'), (12, 'b'), (13, 'c');"
		                "INSERT INTO sc_node VALUES (5, 11, 1);");
		rf_error_clear(&err);
		src = rf_test_connect("dev", su);
		dst = rf_test_connect("prod", du);
		CHECK(rf_set_plan_build(src, dst, &cfg, "sc_grp", NULL, &sf,
		                        RF_OP_INSERT | RF_OP_UPDATE, &sp, &err),
		      &err);
		assert_int_equal(rf_set_plan_nops(&sp), 1); /* node 5: grp a -> b */
		/* someone re-points node 5 at c meanwhile */
		rf_test_sql(du, "UPDATE sc_node SET grp_id = 13 WHERE id = 5");
		rf_apply_opts_init(&o, &cfg);
		o.undo_dir = undo_dir;
		o.lock_timeout_ms = 2000;
		assert_int_equal(rf_set_apply(&sp, src, dst, &o, &res, &err), 1);
		assert_int_equal(res.status, RF_APPLY_REFUSED);
		assert_int_equal(res.drift.len, 1);
		assert_non_null(strstr(res.drift.items[0], "grp_id"));
		v = query1(dst, "sc_node", "grp_id", "id = 5");
		assert_string_equal(v, "13"); /* nothing written */
		free(v);
		rf_apply_result_free(&res);
		rf_set_plan_free(&sp);

		/* planned again, the reference as it now is: applied */
		CHECK(rf_set_plan_build(src, dst, &cfg, "sc_grp", NULL, &sf,
		                        RF_OP_INSERT | RF_OP_UPDATE, &sp, &err),
		      &err);
		CHECK(rf_set_apply(&sp, src, dst, &o, &res, &err), &err);
		assert_int_equal(res.status, RF_APPLY_DONE);
		v = query1(dst, "sc_node", "grp_id", "id = 5");
		assert_string_equal(v, "12");
		free(v);
		rf_apply_result_free(&res);
		rf_set_plan_free(&sp);
		rf_db_close(src);
		rf_db_close(dst);
		rf_test_sql(su, "DROP TABLE sc_node; DROP TABLE sc_grp;");
		rf_test_sql(du, "DROP TABLE sc_node; DROP TABLE sc_grp;");
	}
	rf_set_flags_free(&sf);
	nftw(undo_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(undo_dir);
}

/* Children of parents the same copy inserts, loading in bulk (issue 12
 * item 5): the plan says so before the apply (refs_first: the preview
 * shows the load and which column is resolved), the apply resolves each
 * reference to the key the target generated for a parent it inserted or
 * to the key of one it held, and gives the plans back as they were; a
 * parent that cannot be found then (renamed since the plan) leaves the
 * INSERTs with their subquery, which fail on it: nothing written. */
static void children_load_in_bulk_with_their_parents_new_keys(void **state)
{
	static const char *const keys[][2] = {{"RF_TEST_PG_DEV_URL", "RF_TEST_PG_PROD_URL"},
	                                      {"RF_TEST_MY_DEV_URL", "RF_TEST_MY_PROD_URL"}};
	static const char *const ref_schema[] = {
	    "DROP TABLE IF EXISTS sc_node; DROP TABLE IF EXISTS sc_grp;"
	    "CREATE TABLE sc_grp (id int GENERATED BY DEFAULT AS IDENTITY (START 100) PRIMARY KEY,"
	    " name varchar(9) NOT NULL UNIQUE);"
	    "CREATE TABLE sc_node (id int PRIMARY KEY, grp_id int NOT NULL, qty int NOT NULL,"
	    " FOREIGN KEY (grp_id) REFERENCES sc_grp (id));",
	    "DROP TABLE IF EXISTS sc_node; DROP TABLE IF EXISTS sc_grp;"
	    "CREATE TABLE sc_grp (id int AUTO_INCREMENT PRIMARY KEY, name varchar(9) NOT NULL "
	    "UNIQUE) AUTO_INCREMENT = 100;"
	    "CREATE TABLE sc_node (id int PRIMARY KEY, grp_id int NOT NULL, qty int NOT NULL,"
	    " FOREIGN KEY (grp_id) REFERENCES sc_grp (id));"};
	struct rf_set_flags sf = {.follow = "children"};
	struct rf_config cfg = {0};
	char *undo_dir = rf_test_tmpdir();
	size_t e, i;

	(void)state;
	cfg.bulk_rows = 1;
	rf_strlist_add(&sf.excludes, "sc_grp.id");
	for (e = 0; e < 2; e++) {
		const char *su = rf_test_env(keys[e][0]), *du = rf_test_env(keys[e][1]);
		struct rf_db *src, *dst;
		struct rf_set_plan sp;
		struct rf_apply_opts o;
		struct rf_apply_result res;
		struct rf_buf script = RF_BUF_INIT;
		struct rf_error err;
		const struct rf_cell *v;
		enum rf_type_class cls;
		struct rf_plan *nodes;
		size_t grp;
		char *b, *got;

		rf_test_sql(su, ref_schema[e]);
		rf_test_sql(du, ref_schema[e]);
		rf_test_sql(su, "INSERT INTO sc_grp VALUES (1, 'a'), (2, 'b');"
		                "INSERT INTO sc_node VALUES (5, 1, 1), (6, 2, 2), (7, 2, 3);");
		rf_test_sql(du, "INSERT INTO sc_grp VALUES (11, 'a');");
		rf_error_clear(&err);
		src = rf_test_connect("dev", su);
		dst = rf_test_connect("prod", du);
		rf_apply_opts_init(&o, &cfg);
		o.undo_dir = undo_dir;
		o.lock_timeout_ms = 2000;

		/* a parent renamed since the plan: its children's reference is
		 * not found before the load, the INSERTs' subquery finds nothing */
		CHECK(
		    rf_set_plan_build(src, dst, &cfg, "sc_grp", NULL, &sf, RF_OP_INSERT, &sp, &err),
		    &err);
		nodes = sp.items[1].plan;
		assert_true(nodes->refs_first);
		rf_test_sql(du, "UPDATE sc_grp SET name = 'z' WHERE id = 11");
		assert_int_equal(rf_set_apply(&sp, src, dst, &o, &res, &err), -1);
		assert_int_equal(res.status, RF_APPLY_FAILED);
		assert_true(nodes->refs_first); /* the plan as it was */
		rf_apply_result_free(&res);
		rf_set_plan_free(&sp);
		got = query1(dst, "sc_grp", "name", "name = 'b'");
		assert_null(got); /* rolled back */
		rf_test_sql(du, "UPDATE sc_grp SET name = 'a' WHERE id = 11");

		CHECK(
		    rf_set_plan_build(src, dst, &cfg, "sc_grp", NULL, &sf, RF_OP_INSERT, &sp, &err),
		    &err);
		assert_int_equal(sp.len, 2);
		nodes = sp.items[1].plan;
		grp = col_of(nodes, "grp_id");
		assert_int_equal(rf_plan_count(nodes, RF_OP_INSERT), 3);
		assert_true(nodes->refs_first);
		assert_false(rf_plan_inserts_plain(nodes));
		assert_true(rf_plan_loads_in_bulk(nodes, dst));
		rf_set_preview_script(&sp, src, dst, &script);
		assert_non_null(
		    strstr(script.data, "-- grp_id: resolved before the load to the id of "));
		assert_null(strstr(script.data, "INSERT INTO"));

		CHECK(rf_set_apply(&sp, src, dst, &o, &res, &err), &err);
		assert_int_equal(res.status, RF_APPLY_DONE);
		assert_int_equal(res.inserted, 4);
		assert_true(res.predicted); /* the nodes' values as sent */
		rf_apply_result_free(&res);
		/* the plan as it was: references through the match key again */
		assert_true(nodes->refs_first);
		for (i = 0; i < nodes->nops; i++)
			assert_true(rf_plan_written(nodes, &nodes->ops[i], grp, &v, &cls));
		rf_set_plan_free(&sp);

		b = query1(dst, "sc_grp", "id", "name = 'b'");
		assert_non_null(b);
		assert_true(atoi(b) >= 100);
		got = query1(dst, "sc_node", "grp_id", "id = 5");
		assert_string_equal(got, "11"); /* the parent the target held */
		free(got);
		got = query1(dst, "sc_node", "grp_id", "id = 6");
		assert_string_equal(got, b); /* the parent it generated a key for */
		free(got);
		got = query1(dst, "sc_node", "grp_id", "id = 7");
		assert_string_equal(got, b);
		free(got);
		free(b);
		rf_buf_free(&script);
		rf_db_close(src);
		rf_db_close(dst);
		rf_test_sql(su, "DROP TABLE sc_node; DROP TABLE sc_grp;");
		rf_test_sql(du, "DROP TABLE sc_node; DROP TABLE sc_grp;");
	}
	rf_set_flags_free(&sf);
	nftw(undo_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(undo_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_set_is_planned_previewed_and_applied_in_one_transaction),
	    cmocka_unit_test(a_reference_repointed_since_the_diff_is_drift),
	    cmocka_unit_test(children_load_in_bulk_with_their_parents_new_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
