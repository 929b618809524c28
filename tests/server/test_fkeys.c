/* test_fkeys.c - the foreign_keys driver op (db.h) on real PostgreSQL and
 * MariaDB servers: composite keys in column order, self-references,
 * quoted mixed-case names, keys across PostgreSQL schemas, nullability,
 * DEFERRABLE and whether the engine enforces them now. */
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

#include "fk_assert.h"
#include "rf_test.h"
#include "rowferry/config.h"
#include "rowferry/db.h"
#include "rowferry/diff.h"
#include "rowferry/graph.h"

#define CHECK(call, err)                                                                           \
	do {                                                                                       \
		char msg_[1200];                                                                   \
		if ((call) != 0)                                                                   \
			fail_msg("%s failed: %s", #call, rf_error_text((err), msg_, sizeof msg_)); \
	} while (0)

static void pg_foreign_keys_across_schemas_composite_self_and_deferrable(void **state)
{
	const char *url = rf_test_env("RF_TEST_PG_URL");
	struct rf_fk_list all = {0}, one = {0};
	struct rf_error err;
	struct rf_db *db;

	(void)state;
	rf_test_sql(url, "DROP SCHEMA IF EXISTS fk_one CASCADE;"
	                 "DROP SCHEMA IF EXISTS \"Fk Two\" CASCADE;"
	                 "CREATE SCHEMA fk_one; CREATE SCHEMA \"Fk Two\";"
	                 "CREATE TABLE fk_one.jobs (id int PRIMARY KEY, job_number text NOT NULL "
	                 " UNIQUE);"
	                 "CREATE TABLE \"Fk Two\".\"Orders\" (id int PRIMARY KEY,"
	                 " \"Job Id\" int NOT NULL REFERENCES fk_one.jobs (id),"
	                 " region text, num int, UNIQUE (num, region));"
	                 "CREATE TABLE fk_one.lines (id int PRIMARY KEY, region text, num int,"
	                 " parent_id int,"
	                 " CONSTRAINT \"Lines To Order\" FOREIGN KEY (region, num)"
	                 "  REFERENCES \"Fk Two\".\"Orders\" (region, num),"
	                 " CONSTRAINT lines_parent FOREIGN KEY (parent_id) REFERENCES fk_one.lines"
	                 "  DEFERRABLE INITIALLY DEFERRED);");
	rf_error_clear(&err);
	db = rf_test_connect("dev", url);
	CHECK(rf_db_foreign_keys(db, NULL, &all, &err), &err);
	fk_assert(&all, "Fk Two.Orders", "Orders_Job Id_fkey", "fk_one.jobs", "Job Id", "id", false,
	          false, true);
	fk_assert(&all, "fk_one.lines", "Lines To Order", "Fk Two.Orders", "region,num",
	          "region,num", true, false, true);
	fk_assert(&all, "fk_one.lines", "lines_parent", "fk_one.lines", "parent_id", "id", true,
	          true, true);
	/* one table: the keys it is the child or the parent of */
	CHECK(rf_db_foreign_keys(db, "Fk Two.Orders", &one, &err), &err);
	assert_int_equal(one.len, 2);
	assert_non_null(fk_find(&one, "Fk Two.Orders", "Orders_Job Id_fkey"));
	assert_non_null(fk_find(&one, "fk_one.lines", "Lines To Order"));
	rf_fk_list_free(&one);
	assert_int_equal(rf_db_foreign_keys(db, "fk_one.nope", &one, &err), -1);
	rf_fk_list_free(&all);
	rf_db_close(db);
	rf_test_sql(url, "DROP SCHEMA fk_one CASCADE; DROP SCHEMA \"Fk Two\" CASCADE;");
}

static void mysql_foreign_keys_composite_self_and_foreign_key_checks(void **state)
{
	const char *url = rf_test_env("RF_TEST_MY_URL");
	struct rf_fk_list all = {0}, one = {0};
	struct rf_error err;
	struct rf_db *db;

	(void)state;
	rf_test_sql(url,
	            "DROP TABLE IF EXISTS fk_lines, `Fk Orders`, fk_jobs;"
	            "CREATE TABLE fk_jobs (id int PRIMARY KEY, job_number varchar(20) NOT NULL"
	            " UNIQUE) ENGINE=InnoDB;"
	            "CREATE TABLE `Fk Orders` (id int PRIMARY KEY, `Job Id` int NOT NULL,"
	            " region varchar(10), num int, UNIQUE KEY (region, num),"
	            " CONSTRAINT `Orders Job` FOREIGN KEY (`Job Id`) REFERENCES fk_jobs (id))"
	            " ENGINE=InnoDB;"
	            "CREATE TABLE fk_lines (id int PRIMARY KEY, region varchar(10), num int,"
	            " parent_id int,"
	            " CONSTRAINT `Lines To Order` FOREIGN KEY (region, num)"
	            "  REFERENCES `Fk Orders` (region, num),"
	            " CONSTRAINT lines_parent FOREIGN KEY (parent_id) REFERENCES fk_lines (id))"
	            " ENGINE=InnoDB;");
	rf_error_clear(&err);
	db = rf_test_connect("dev", url);
	CHECK(rf_db_foreign_keys(db, NULL, &all, &err), &err);
	fk_assert(&all, "Fk Orders", "Orders Job", "fk_jobs", "Job Id", "id", false, false, true);
	fk_assert(&all, "fk_lines", "Lines To Order", "Fk Orders", "region,num", "region,num", true,
	          false, true);
	fk_assert(&all, "fk_lines", "lines_parent", "fk_lines", "parent_id", "id", true, false,
	          true);
	rf_fk_list_free(&all);
	CHECK(rf_db_foreign_keys(db, "fk_jobs", &one, &err), &err);
	assert_int_equal(one.len, 1);
	assert_non_null(fk_find(&one, "Fk Orders", "Orders Job"));
	rf_fk_list_free(&one);
	/* with the session's checks off, nothing is enforced */
	CHECK(db->ops->exec(db, "SET foreign_key_checks = 0", 0, NULL, NULL, &err), &err);
	CHECK(rf_db_foreign_keys(db, NULL, &all, &err), &err);
	fk_assert(&all, "fk_lines", "lines_parent", "fk_lines", "parent_id", "id", true, false,
	          false);
	rf_fk_list_free(&all);
	rf_db_close(db);
	rf_test_sql(url, "DROP TABLE fk_lines, `Fk Orders`, fk_jobs;");
}

/* The graph of a real PostgreSQL schema: a job's children in apply order,
 * the self-reference broken, and a NOT NULL cycle refused by name. */
static void graph_from_a_real_schema_orders_the_set(void **state)
{
	const char *url = rf_test_env("RF_TEST_PG_URL");
	struct rf_fk_list all = {0};
	struct rf_graph g;
	struct rf_set set;
	struct rf_error err;
	struct rf_db *db;
	char order[256] = "";
	size_t i;

	(void)state;
	rf_test_sql(url, "DROP SCHEMA IF EXISTS fk_graph CASCADE; CREATE SCHEMA fk_graph;"
	                 "CREATE TABLE fk_graph.jobs (id int PRIMARY KEY);"
	                 "CREATE TABLE fk_graph.order_lines (id int PRIMARY KEY,"
	                 " sales_order_id int NOT NULL, parent_line_id int"
	                 " REFERENCES fk_graph.order_lines);"
	                 "CREATE TABLE fk_graph.sales_orders (id int PRIMARY KEY,"
	                 " job_id int NOT NULL REFERENCES fk_graph.jobs);"
	                 "ALTER TABLE fk_graph.order_lines ADD FOREIGN KEY (sales_order_id)"
	                 " REFERENCES fk_graph.sales_orders;"
	                 "CREATE TABLE fk_graph.x (id int PRIMARY KEY, y_id int NOT NULL);"
	                 "CREATE TABLE fk_graph.y (id int PRIMARY KEY,"
	                 " x_id int NOT NULL REFERENCES fk_graph.x);"
	                 "ALTER TABLE fk_graph.x ADD CONSTRAINT x_y FOREIGN KEY (y_id)"
	                 " REFERENCES fk_graph.y;");
	rf_error_clear(&err);
	db = rf_test_connect("dev", url);
	CHECK(rf_db_foreign_keys(db, NULL, &all, &err), &err);
	rf_graph_init(&g);
	rf_graph_add_edges(&g, &all);
	CHECK(rf_set_closure(&g, (size_t)rf_graph_table(&g, "fk_graph.jobs"), NULL,
	                     RF_FOLLOW_CHILDREN, &set, &err),
	      &err);
	for (i = 0; i < set.len; i++) {
		strcat(order, i ? " " : "");
		strcat(order, g.tables.items[set.items[set.order[i]].table]);
	}
	assert_string_equal(order, "fk_graph.jobs fk_graph.sales_orders fk_graph.order_lines");
	assert_int_equal(set.nbroken, 1);
	assert_string_equal(g.edges.items[set.broken[0]].name, "order_lines_parent_line_id_fkey");
	rf_set_free(&set);
	assert_int_equal(rf_set_closure(&g, (size_t)rf_graph_table(&g, "fk_graph.x"), NULL,
	                                RF_FOLLOW_CHILDREN, &set, &err),
	                 -1);
	assert_non_null(strstr(err.msg, "x_y (fk_graph.x -> fk_graph.y)"));
	assert_non_null(strstr(err.msg, "y_x_id_fkey (fk_graph.y -> fk_graph.x)"));
	rf_graph_free(&g);
	rf_fk_list_free(&all);
	rf_db_close(db);
	rf_test_sql(url, "DROP SCHEMA fk_graph CASCADE;");
}

/* Diffs every table of a set built on src/dst; "child:o/t/c/i;..." */
static void diff_counts(struct rf_db *src, struct rf_db *dst, const struct rf_set_diff *set,
                        char *out, size_t outlen)
{
	struct rf_error err;
	size_t i;

	out[0] = '\0';
	rf_error_clear(&err);
	for (i = 0; i < set->len; i++) {
		struct rf_diff *d = rf_diff_open(src, dst, &set->items[i].sel, &err);
		const struct rf_diff_row *row;
		const struct rf_diff_stats *st;
		char msg[1200];
		int r;
		if (!d)
			fail_msg("%s", rf_error_text(&err, msg, sizeof msg));
		while ((r = rf_diff_next(d, &row, &err)) > 0)
			;
		if (r < 0)
			fail_msg("%s", rf_error_text(&err, msg, sizeof msg));
		st = rf_diff_stats(d);
		snprintf(out + strlen(out), outlen - strlen(out), "%s%s:%llu/%llu/%llu/%llu",
		         i ? ";" : "", set->items[i].sel.table, st->only_source, st->only_target,
		         st->changed, st->identical);
		rf_diff_close(d);
	}
}

/* A set is read from one snapshot per side: a child row written on the
 * target after the set was built (its parent's selection read) is not
 * seen by the child's diff within rf_set_diff_begin, and is after it. */
static void a_set_is_read_from_one_snapshot_per_side(void **state)
{
	static const char *const keys[][2] = {{"RF_TEST_PG_DEV_URL", "RF_TEST_PG_PROD_URL"},
	                                      {"RF_TEST_MY_DEV_URL", "RF_TEST_MY_PROD_URL"}};
	const char *schema =
	    "DROP TABLE IF EXISTS snap_child; DROP TABLE IF EXISTS snap_parent;"
	    "CREATE TABLE snap_parent (id int PRIMARY KEY, name varchar(9) NOT NULL);"
	    "CREATE TABLE snap_child (id int PRIMARY KEY, parent_id int NOT NULL,"
	    " FOREIGN KEY (parent_id) REFERENCES snap_parent (id));"
	    "INSERT INTO snap_parent VALUES (1, 'a'), (2, 'b');"
	    "INSERT INTO snap_child VALUES (10, 1);";
	struct rf_set_flags sf = {.follow = "children"};
	struct rf_config cfg = {0}; /* no [compare TABLE] sections */
	struct rf_selection_flags f = {.where = "id = 1"};
	size_t e;

	(void)state;
	for (e = 0; e < 2; e++) {
		const char *su = rf_test_env(keys[e][0]), *du = rf_test_env(keys[e][1]);
		struct rf_db *src, *dst;
		struct rf_set_diff set;
		struct rf_error err;
		char got[256];

		rf_test_sql(su, schema);
		rf_test_sql(du, schema);
		rf_error_clear(&err);
		src = rf_test_connect("dev", su);
		dst = rf_test_connect("prod", du);
		CHECK(rf_set_diff_begin(src, dst, &err), &err);
		CHECK(rf_set_diff_build(src, dst, &cfg, "snap_parent", &f, &sf, &set, &err), &err);
		assert_int_equal(set.len, 2);
		diff_counts(src, dst, &set, got, sizeof got);
		/* written by someone else between the parent's diff and the child's */
		rf_test_sql(du, "INSERT INTO snap_child VALUES (11, 1)");
		diff_counts(src, dst, &set, got, sizeof got);
		assert_string_equal(got, "snap_parent:0/0/0/1;snap_child:0/0/0/1");
		rf_set_diff_end(src, dst);
		diff_counts(src, dst, &set, got, sizeof got);
		assert_string_equal(got, "snap_parent:0/0/0/1;snap_child:0/1/0/1");
		rf_set_diff_free(&set);
		rf_db_close(src);
		rf_db_close(dst);
		rf_test_sql(su, "DROP TABLE snap_child; DROP TABLE snap_parent;");
		rf_test_sql(du, "DROP TABLE snap_child; DROP TABLE snap_parent;");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pg_foreign_keys_across_schemas_composite_self_and_deferrable),
	    cmocka_unit_test(mysql_foreign_keys_composite_self_and_foreign_key_checks),
	    cmocka_unit_test(graph_from_a_real_schema_orders_the_set),
	    cmocka_unit_test(a_set_is_read_from_one_snapshot_per_side),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
