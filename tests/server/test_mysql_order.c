/* test_mysql_order.c - the order a MariaDB stream's rows come in
 * (src/db/mysql/mysql_order.c), against the fixture's throwaway MariaDB:
 * a unique key whose collation orders its keys by byte is read in index
 * order with no pass over the table first, each row's key checked as it
 * comes; a key outside that set midway sends the rest of the rows in byte
 * order, every row once. The diff's own order check would stop a diff that
 * got them otherwise (e2e.diff_engines runs the diffs). */
/* cmocka.h needs these four first */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rf_test.h"

#define ROWS 3000

static const char *my_url(void)
{
	return rf_test_env("RF_TEST_MY_URL");
}

/* A session status counter of db's connection. */
static long long session_status(struct rf_db *db, const char *name)
{
	struct rf_result r = {0};
	struct rf_error err;
	char sql[128], msg[1200];
	long long v;

	snprintf(sql, sizeof sql, "SHOW SESSION STATUS LIKE '%s'", name);
	rf_error_clear(&err);
	if (db->ops->exec(db, sql, 0, NULL, &r, &err) != 0)
		fail_msg("%s: %s", sql, rf_error_text(&err, msg, sizeof msg));
	assert_int_equal(r.nrows, 1);
	v = strtoll(r.cells[1].data, NULL, 10);
	rf_result_free(&r);
	return v;
}

/* What streaming a table showed. */
struct streamed {
	size_t rows;
	long long sorted;     /* Sort_rows during the stream */
	long long index_next; /* Handler_read_next during the stream */
};

/* Integers compare as numbers, text as bytes: the merge's order. */
static int cell_cmp(const struct rf_cell *a, const struct rf_cell *b, bool integer)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (integer) {
		long long x = strtoll(a->data, NULL, 10), y = strtoll(b->data, NULL, 10);
		return x < y ? -1 : x > y;
	}
	c = memcmp(a->data, b->data, n);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* Streams every column of table (key: its first two columns, the first an
 * integer where int_first) in a read transaction, where applied, and
 * checks that the keys come strictly ascending in byte order. */
static struct streamed stream_table(const char *table, bool int_first, const char *where)
{
	struct rf_db *db = rf_test_connect("test", my_url());
	struct rf_table_info t = {0};
	struct rf_stream_spec spec;
	struct rf_stream *s = NULL;
	const struct rf_row *row;
	struct rf_error err;
	struct streamed out = {0};
	char *prev[2] = {NULL, NULL};
	size_t prev_len[2] = {0, 0}, cols[3] = {0, 1, 2}, key[2] = {0, 1}, i;
	long long sort0, next0;
	char msg[1200];
	int rc;

	rf_error_clear(&err);
	if (rf_db_begin(db, RF_TX_READ, NULL, &err) != 0 ||
	    db->ops->describe(db, table, &t, &err) != 0)
		fail_msg("%s: %s", table, rf_error_text(&err, msg, sizeof msg));
	assert_int_equal(t.ncols, 3);
	spec = (struct rf_stream_spec){
	    .table = &t, .ncols = 3, .cols = cols, .where = where, .nkey = 2, .key = key};
	sort0 = session_status(db, "Sort_rows");
	next0 = session_status(db, "Handler_read_next");
	if (db->ops->stream_open(db, &spec, &s, &err) != 0)
		fail_msg("stream_open %s: %s", table, rf_error_text(&err, msg, sizeof msg));
	while ((rc = db->ops->stream_next(s, &row, &err)) == 1) {
		if (out.rows) {
			struct rf_cell p0 = {prev[0], prev_len[0], false};
			struct rf_cell p1 = {prev[1], prev_len[1], false};
			int c = cell_cmp(&p0, &row->cells[0], int_first);
			if (c == 0)
				c = cell_cmp(&p1, &row->cells[1], false);
			if (c >= 0)
				fail_msg("%s row %zu: (%s, %s) after (%s, %s)", table, out.rows,
				         row->cells[0].data, row->cells[1].data, prev[0], prev[1]);
		}
		for (i = 0; i < 2; i++) {
			free(prev[i]);
			prev[i] = rf_xstrndup(row->cells[i].data, row->cells[i].len);
			prev_len[i] = row->cells[i].len;
		}
		out.rows++;
	}
	if (rc < 0)
		fail_msg("stream_next %s: %s", table, rf_error_text(&err, msg, sizeof msg));
	db->ops->stream_close(s);
	out.sorted = session_status(db, "Sort_rows") - sort0;
	out.index_next = session_status(db, "Handler_read_next") - next0;
	free(prev[0]);
	free(prev[1]);
	rf_table_info_free(&t);
	rf_db_rollback(db, NULL);
	rf_db_close(db);
	return out;
}

/* ROWS rows of (g, n, v): g the job ('0000' .. '0299', ten rows each), n
 * 'ORD_<i>', both in upper case, primary key (g, n), utf8mb4_general_ci. */
static void make_upper_table(const char *table)
{
	char sql[1024];

	snprintf(sql, sizeof sql,
	         "DROP TABLE IF EXISTS %s; CREATE TABLE %s (g VARCHAR(10) NOT NULL, "
	         "n VARCHAR(20) NOT NULL, v INT, PRIMARY KEY (g, n)) COLLATE utf8mb4_general_ci; "
	         "SET SESSION max_recursive_iterations = 10000; "
	         "INSERT INTO %s WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s "
	         "WHERE i < %d) SELECT LPAD(i DIV 10, 4, '0'), CONCAT('ORD_', i), i FROM s;",
	         table, table, table, ROWS - 1);
	rf_test_sql(my_url(), sql);
}

/* The bench's case: every key in upper case, so the collation's order is
 * byte order. One walk of the primary key; no sort and no first pass over
 * the keys (which read the table's index once more: 2 x ROWS index reads). */
static void byte_ordered_keys_come_in_one_index_walk(void **state)
{
	struct streamed st;

	(void)state;
	make_upper_table("ord_up");
	st = stream_table("ord_up", false, NULL);
	assert_int_equal(st.rows, ROWS);
	assert_int_equal(st.sorted, 0);
	if (st.index_next > ROWS + 4 * 16)
		fail_msg("%lld index reads for %d rows: a pass over the keys before the stream",
		         st.index_next, ROWS);
}

/* One key in lower case in the middle (not among the first or last rows,
 * which are looked at first): general_ci sorts 'ord_1500' with 'ORD_15..',
 * bytes after every upper-case key of its job. The rows up to it come in
 * index order, the rest sorted by bytes: every row once, in byte order. */
static void a_key_outside_the_set_midway_sends_the_rest_in_byte_order(void **state)
{
	struct streamed st;

	(void)state;
	make_upper_table("ord_mid");
	rf_test_sql(my_url(), "UPDATE ord_mid SET n = 'ord_1500' WHERE v = 1500;");
	st = stream_table("ord_mid", false, "v <> 7");
	assert_int_equal(st.rows, ROWS - 1);
	/* the first half in index order, the second sorted */
	if (st.sorted <= 0 || st.sorted >= ROWS - 1)
		fail_msg("%lld rows sorted: want the rest after row 1500 only", st.sorted);
}

/* An integer and a utf8mb4_bin key: a tab at the end of a key sorts it
 * before the same key without (PAD SPACE), after it in bytes. */
static void an_integer_and_bin_key_with_a_control_character(void **state)
{
	struct streamed st;
	char sql[1024];

	(void)state;
	snprintf(
	    sql, sizeof sql,
	    "DROP TABLE IF EXISTS ord_bin; CREATE TABLE ord_bin (job INT NOT NULL, "
	    "ref VARCHAR(20) COLLATE utf8mb4_bin NOT NULL, v INT, PRIMARY KEY (job, ref)); "
	    "SET SESSION max_recursive_iterations = 10000; "
	    "INSERT INTO ord_bin WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s "
	    "WHERE i < %d) SELECT i DIV 10, CONCAT('R-', i), i FROM s; "
	    "INSERT INTO ord_bin VALUES (150, 'R-1500\\t', -1), (-3, 'R-neg', -3);",
	    ROWS - 1);
	rf_test_sql(my_url(), sql);
	st = stream_table("ord_bin", true, NULL);
	assert_int_equal(st.rows, ROWS + 2);
	if (st.sorted <= 0 || st.sorted >= ROWS)
		fail_msg("%lld rows sorted: want the rest after job 150 only", st.sorted);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(byte_ordered_keys_come_in_one_index_walk),
	    cmocka_unit_test(a_key_outside_the_set_midway_sends_the_rest_in_byte_order),
	    cmocka_unit_test(an_integer_and_bin_key_with_a_control_character),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
