/* test_sqlite_fkeys.c - the SQLite driver's foreign_keys op (db.h) on a
 * real file: composite keys in column order, a self-reference, a
 * REFERENCES clause naming the parent in another case, a reference
 * without columns (the parent's primary key), nullability, and
 * PRAGMA foreign_keys as "enforced". */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <stdlib.h>

#include "fk_assert.h"
#include "rf_test.h"
#include "rowferry/db.h"

#define CHECK(call, err)                                                                           \
	do {                                                                                       \
		char msg_[1200];                                                                   \
		if ((call) != 0)                                                                   \
			fail_msg("%s failed: %s", #call, rf_error_text((err), msg_, sizeof msg_)); \
	} while (0)

static void sqlite_foreign_keys_composite_self_and_mixed_case(void **state)
{
	char *dir = rf_test_tmpdir();
	char *url = rf_xasprintf("sqlite:%s/fk.db", dir);
	struct rf_fk_list all = {0}, one = {0};
	struct rf_error err;
	struct rf_db *db;

	(void)state;
	rf_test_sql(url,
	            "CREATE TABLE \"Jobs\" (id INTEGER PRIMARY KEY, job_number TEXT NOT NULL"
	            " UNIQUE);"
	            "CREATE TABLE \"Sales Orders\" (id INTEGER PRIMARY KEY,"
	            " job_id INTEGER NOT NULL REFERENCES JOBS, region TEXT, num INTEGER,"
	            " UNIQUE (region, num));"
	            "CREATE TABLE order_lines (id INTEGER PRIMARY KEY, region TEXT, num INTEGER,"
	            " parent_line_id INTEGER REFERENCES order_lines (id),"
	            " FOREIGN KEY (region, num) REFERENCES \"sales orders\" (region, num));");
	rf_error_clear(&err);
	db = rf_test_connect("dev", url);
	CHECK(rf_db_foreign_keys(db, NULL, &all, &err), &err);
	assert_int_equal(all.len, 3);
	fk_assert(&all, "Sales Orders", "Sales Orders_job_id_fkey", "Jobs", "job_id", "id", false,
	          false, true);
	fk_assert(&all, "order_lines", "order_lines_region_num_fkey", "Sales Orders", "region,num",
	          "region,num", true, false, true);
	fk_assert(&all, "order_lines", "order_lines_parent_line_id_fkey", "order_lines",
	          "parent_line_id", "id", true, false, true);
	rf_fk_list_free(&all);
	CHECK(rf_db_foreign_keys(db, "jobs", &one, &err), &err);
	assert_int_equal(one.len, 1);
	assert_non_null(fk_find(&one, "Sales Orders", "Sales Orders_job_id_fkey"));
	rf_fk_list_free(&one);
	CHECK(db->ops->exec(db, "PRAGMA foreign_keys = OFF", 0, NULL, NULL, &err), &err);
	CHECK(rf_db_foreign_keys(db, NULL, &all, &err), &err);
	fk_assert(&all, "order_lines", "order_lines_parent_line_id_fkey", "order_lines",
	          "parent_line_id", "id", true, false, false);
	rf_fk_list_free(&all);
	rf_db_close(db);
	free(url);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sqlite_foreign_keys_composite_self_and_mixed_case),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
