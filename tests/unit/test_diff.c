/* test_diff.c - the merge-join diff and the plan renderer over real SQLite
 * files: statuses, changed columns, exclude/ignore, key resolution, order
 * verification, and the SQL a plan renders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <malloc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/diff/lookup.h"
#include "rf_test.h"
#include "rowferry/diff.h"
#include "rowferry/plan.h"

struct fixture {
	char *dir;
	char src_url[700], dst_url[700];
	struct rf_db *src, *dst;
};

static void exec_file(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("fixture SQL: %s", msg);
	sqlite3_close(db);
}

/* Two SQLite files with the same table; prod lacks id 2, has id 9, and
 * differs in qty of id 3 and note (NULL vs '') of id 4. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char path[600];
	const char *schema =
	    "CREATE TABLE items (id INTEGER PRIMARY KEY, guid TEXT NOT NULL, sku TEXT, qty INTEGER,"
	    " note TEXT, price DECIMAL(12,2));"
	    "CREATE TABLE nopk (a INTEGER, b TEXT);";
	f->dir = rf_test_tmpdir();
	snprintf(path, sizeof path, "%s/dev.db", f->dir);
	exec_file(path, schema);
	exec_file(path, "INSERT INTO items VALUES (1,'g1','A',1,'x','1.50'),(2,'g2','B',2,'y','2'),"
	                "(3,'g3','C',3,'z','3'),(4,'g4','D',4,NULL,'4');");
	snprintf(f->src_url, sizeof f->src_url, "sqlite:%s", path);
	snprintf(path, sizeof path, "%s/prod.db", f->dir);
	exec_file(path, schema);
	exec_file(path, "INSERT INTO items VALUES (1,'h1','A',1,'x','1.5'),(3,'h3','C',30,'z','3'),"
	                "(4,'h4','D',4,'','4'),(9,'h9','Z',9,'q','9');");
	snprintf(f->dst_url, sizeof f->dst_url, "sqlite:%s", path);
	f->src = rf_test_connect("dev", f->src_url);
	f->dst = rf_test_connect("prod", f->dst_url);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[700];
	rf_db_close(f->src);
	rf_db_close(f->dst);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f->dir);
	free(f);
	return 0;
}

/* Runs a diff and returns "status:key:changedcols;" for every non-identical row. */
static char *run_diff(struct fixture *f, struct rf_selection *sel, struct rf_diff_stats *stats,
                      struct rf_error *err)
{
	struct rf_buf out = RF_BUF_INIT;
	struct rf_diff *d = rf_diff_open(f->src, f->dst, sel, err);
	const struct rf_diff_row *row;
	const struct rf_diff_shape *sh;
	size_t i;
	int r;

	if (!d)
		return NULL;
	sh = rf_diff_shape(d);
	while ((r = rf_diff_next(d, &row, err)) > 0) {
		if (row->status == RF_IDENTICAL)
			continue;
		rf_buf_printf(&out, "%c", rf_diff_status_glyph(row->status));
		rf_diff_format_key(sh, row->src ? row->src : row->dst, &out);
		for (i = 0; i < sh->ncols; i++)
			if (row->changed[i])
				rf_buf_printf(&out, ":%s", sh->cols[i].name);
		rf_buf_adds(&out, ";");
	}
	if (stats)
		*stats = *rf_diff_stats(d);
	rf_diff_close(d);
	if (r < 0) {
		rf_buf_free(&out);
		return NULL;
	}
	return rf_buf_steal(&out);
}

static void diff_by_primary_key_reports_each_status(void **state)
{
	struct fixture *f = *state;
	struct rf_selection sel;
	struct rf_diff_stats st;
	struct rf_error err;
	char *got;

	rf_error_clear(&err);
	rf_selection_init(&sel, "items");
	rf_strlist_add(&sel.exclude, "guid"); /* surrogate: differs everywhere */
	got = run_diff(f, &sel, &st, &err);
	assert_non_null(got);
	/* 1.50 vs 1.5 is equal as decimals; NULL vs '' is a change */
	assert_string_equal(got, "+id=2;~id=3:qty;~id=4:note;-id=9;");
	assert_int_equal(st.identical, 1);
	assert_int_equal(st.src_rows, 4);
	assert_int_equal(st.dst_rows, 4);
	free(got);
	rf_selection_free(&sel);
}

static void unexcluded_guid_is_compared(void **state)
{
	struct fixture *f = *state;
	struct rf_selection sel;
	struct rf_error err;
	char *got;

	rf_error_clear(&err);
	rf_selection_init(&sel, "items");
	got = run_diff(f, &sel, NULL, &err);
	assert_non_null(got);
	assert_string_equal(got, "~id=1:guid;+id=2;~id=3:guid:qty;~id=4:guid:note;-id=9;");
	free(got);
	rf_selection_free(&sel);
}

static void ignored_column_is_not_compared(void **state)
{
	struct fixture *f = *state;
	struct rf_selection sel;
	struct rf_error err;
	char *got;

	rf_error_clear(&err);
	rf_selection_init(&sel, "items");
	rf_strlist_split(&sel.ignore, "guid,qty");
	got = run_diff(f, &sel, NULL, &err);
	assert_non_null(got);
	assert_string_equal(got, "+id=2;~id=4:note;-id=9;");
	free(got);
	rf_selection_free(&sel);
}

static void match_key_can_be_a_natural_key(void **state)
{
	struct fixture *f = *state;
	struct rf_selection sel;
	struct rf_error err;
	char *got;

	rf_error_clear(&err);
	rf_selection_init(&sel, "items");
	rf_strlist_split(&sel.key, "sku");
	rf_strlist_split(&sel.exclude, "guid,id");
	sel.where = rf_xstrdup("sku <> 'Z'");
	got = run_diff(f, &sel, NULL, &err);
	assert_non_null(got);
	assert_string_equal(got, "+sku=B;~sku=C:qty;~sku=D:note;");
	free(got);
	rf_selection_free(&sel);
}

static void table_without_primary_key_needs_key(void **state)
{
	struct fixture *f = *state;
	struct rf_selection sel;
	struct rf_error err;

	rf_error_clear(&err);
	rf_selection_init(&sel, "nopk");
	assert_null(rf_diff_open(f->src, f->dst, &sel, &err));
	assert_non_null(strstr(err.msg, "has no primary key: give --key"));
	rf_selection_free(&sel);
}

static void excluded_key_column_is_an_error(void **state)
{
	struct fixture *f = *state;
	struct rf_selection sel;
	struct rf_error err;

	rf_error_clear(&err);
	rf_selection_init(&sel, "items");
	rf_strlist_add(&sel.exclude, "id");
	assert_null(rf_diff_open(f->src, f->dst, &sel, &err));
	assert_non_null(strstr(err.msg, "key column 'id' is excluded"));
	rf_selection_free(&sel);
}

static void duplicate_match_key_stops_the_diff(void **state)
{
	struct fixture *f = *state;
	struct rf_selection sel;
	struct rf_error err;
	char *got;

	rf_error_clear(&err);
	rf_selection_init(&sel, "items");
	rf_strlist_add(&sel.key, "note");
	rf_strlist_add(&sel.exclude, "guid");
	exec_file(strchr(f->src_url, ':') + 1, "UPDATE items SET note = 'x' WHERE id = 2");
	got = run_diff(f, &sel, NULL, &err);
	assert_null(got);
	assert_non_null(strstr(err.msg, "not unique in the source: (note=x) appears twice"));
	rf_selection_free(&sel);
}

static void plan_renders_insert_update_delete_for_the_target(void **state)
{
	struct fixture *f = *state;
	struct rf_selection sel;
	struct rf_error err;
	struct rf_diff *d;
	const struct rf_diff_row *row;
	struct rf_plan *p;
	struct rf_buf sql = RF_BUF_INIT;

	rf_error_clear(&err);
	rf_selection_init(&sel, "items");
	rf_strlist_add(&sel.exclude, "guid");
	d = rf_diff_open(f->src, f->dst, &sel, &err);
	assert_non_null(d);
	p = rf_plan_new(rf_diff_detach_shape(d), RF_OPS_ALL);
	while (rf_diff_next(d, &row, &err) > 0)
		rf_plan_add(p, row);
	rf_diff_close(d);
	/* guid is NOT NULL without a default: being excluded, it gets a
	 * client-side UUID (its name says it holds them) */
	assert_int_equal(p->errors.len, 0);
	assert_int_equal(rf_plan_count(p, RF_OP_INSERT), 1);
	assert_int_equal(rf_plan_count(p, RF_OP_UPDATE), 2);
	assert_int_equal(rf_plan_count(p, RF_OP_DELETE), 1);
	rf_plan_render_text(p, f->dst, &sql);
	assert_non_null(strstr(sql.data, "DELETE FROM \"items\" WHERE \"id\" = 9"));
	assert_non_null(strstr(sql.data, "UPDATE \"items\" SET \"qty\" = 3 WHERE \"id\" = 3"));
	assert_non_null(strstr(sql.data, "UPDATE \"items\" SET \"note\" = NULL WHERE \"id\" = 4"));
	/* guid is written with a generated UUID, in the table's column order */
	assert_non_null(strstr(sql.data,
	                       "INSERT INTO \"items\" (\"id\", \"guid\", \"sku\", \"qty\", "
	                       "\"note\", \"price\") VALUES\n  (2, '"));
	assert_non_null(strstr(sql.data, "', 'B', 2, 'y', 2)"));
	/* deletes come first, inserts last */
	assert_true(strstr(sql.data, "DELETE") < strstr(sql.data, "UPDATE"));
	assert_true(strstr(sql.data, "UPDATE") < strstr(sql.data, "INSERT"));
	rf_buf_free(&sql);
	rf_plan_free(p);
	rf_selection_free(&sel);
}

static void plan_refuses_excluded_not_null_column_without_default(void **state)
{
	struct fixture *f = *state;
	struct rf_selection sel;
	struct rf_error err;
	struct rf_diff *d;
	struct rf_plan *p;

	rf_error_clear(&err);
	exec_file(strchr(f->src_url, ':') + 1,
	          "CREATE TABLE t2 (id INTEGER PRIMARY KEY, code TEXT NOT NULL)");
	exec_file(strchr(f->dst_url, ':') + 1,
	          "CREATE TABLE t2 (id INTEGER PRIMARY KEY, code TEXT NOT NULL)");
	rf_selection_init(&sel, "t2");
	rf_strlist_add(&sel.exclude, "code");
	d = rf_diff_open(f->src, f->dst, &sel, &err);
	assert_non_null(d);
	p = rf_plan_new(rf_diff_detach_shape(d), RF_OPS_DEFAULT);
	rf_diff_close(d);
	assert_int_equal(p->errors.len, 1);
	assert_non_null(strstr(p->errors.items[0], "column code is excluded"));
	rf_plan_free(p);
	rf_selection_free(&sel);
}

static void ops_parse_accepts_known_words_only(void **state)
{
	struct rf_error err;
	(void)state;
	rf_error_clear(&err);
	assert_int_equal(rf_ops_parse("insert,update", &err), RF_OPS_DEFAULT);
	assert_int_equal(rf_ops_parse("delete, insert ,update", &err), RF_OPS_ALL);
	assert_int_equal(rf_ops_parse("insert,upsert", &err), -1);
	assert_non_null(strstr(err.msg, "unknown operation 'upsert'"));
}

static void selection_flags_parse_and_reject(void **state)
{
	struct rf_selection sel;
	struct rf_error err;
	struct rf_col_opts o;
	(void)state;
	rf_error_clear(&err);
	rf_selection_init(&sel, "t");
	assert_int_equal(rf_selection_add_tolerance(&sel, "price=0.01", &err), 0);
	assert_int_equal(rf_selection_add_ts_precision(&sel, "created_at=3", &err), 0);
	rf_selection_add_trim(&sel, "sku");
	o = rf_selection_col_opts(&sel, "price");
	assert_true(o.has_tolerance);
	assert_true(o.tolerance > 0.0099 && o.tolerance < 0.0101);
	assert_int_equal(rf_selection_col_opts(&sel, "created_at").ts_precision, 3);
	assert_true(rf_selection_col_opts(&sel, "sku").trim);
	assert_false(rf_selection_col_opts(&sel, "other").trim);
	assert_int_equal(rf_selection_add_ts_precision(&sel, "created_at=7", &err), -1);
	rf_error_clear(&err);
	assert_int_equal(rf_selection_add_tolerance(&sel, "price", &err), -1);
	rf_selection_free(&sel);
}

/* strtod() reads all of these; none is a tolerance (NaN makes every value
 * differ, inf every value equal) */
static void tolerance_must_be_a_plain_non_negative_number(void **state)
{
	static const char *const bad[] = {
	    "price=nan",  "price=NaN",   "price=inf",  "price=-inf",  "price=infinity",
	    "price=0x10", "price=1e999", "price=",     "price= ",     "price=-1",
	    "price=1e",   "price=.",     "price=1.5x", "price= 0x1p3"};
	static const char *const good[] = {"price=0",  "price=0.01", "price=.5",
	                                   "price=2.", "price=1e-3", "price=1E+2"};
	struct rf_selection sel;
	struct rf_error err;
	size_t i;
	(void)state;
	rf_selection_init(&sel, "t");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rf_error_clear(&err);
		if (rf_selection_add_tolerance(&sel, bad[i], &err) != -1)
			fail_msg("%s accepted", bad[i]);
		assert_string_equal(err.where, "--tolerance");
		assert_true(strstr(err.msg, "is not a non-negative number") ||
		            strstr(err.msg, "expected COLUMN=VALUE"));
	}
	assert_int_equal(sel.nopts, 0);
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		rf_error_clear(&err);
		if (rf_selection_add_tolerance(&sel, good[i], &err) != 0)
			fail_msg("%s refused: %s", good[i], err.msg);
	}
	rf_error_clear(&err);
	assert_int_equal(rf_selection_add_tolerance(&sel, "price=nan", &err), -1);
	assert_string_equal(err.msg, "price: 'nan' is not a non-negative number");
	rf_selection_free(&sel);
}

/* Shape column named name (the test's own lookup). */
static size_t col_index(const struct rf_diff_shape *sh, const char *name)
{
	size_t i;
	for (i = 0; i < sh->ncols; i++)
		if (strcmp(sh->cols[i].name, name) == 0)
			return i;
	fail_msg("no column %s", name);
	return 0;
}

static void assert_cell(const struct rf_cell *c, const char *data, size_t len)
{
	assert_false(c->is_null);
	assert_int_equal(c->len, len);
	assert_memory_equal(c->data, data, len);
}

/* The grid and the inspector show what each engine stored; the diff
 * compares canonical forms. Row 1 is equal once canonical (a ' ' or 'T'
 * in the timestamp, JSON key order), row 2 differs in `at`. */
static void diff_rows_carry_values_as_stored(void **state)
{
	struct fixture *f = *state;
	const char *schema =
	    "CREATE TABLE ev (id INTEGER PRIMARY KEY, at DATETIME, doc JSON, bin BLOB);";
	struct rf_selection sel;
	struct rf_error err;
	struct rf_diff *d;
	const struct rf_diff_row *row;
	const struct rf_diff_shape *sh;
	struct rf_diff_row *kept, *plain;
	char path[700];
	size_t at, doc, bin, id;

	snprintf(path, sizeof path, "%s/dev.db", f->dir);
	exec_file(path, schema);
	exec_file(path,
	          "INSERT INTO ev VALUES (1, '2026-11-05 13:33:00', '{\"b\":1, \"a\":2}', x'00ff'),"
	          "(2, '2026-11-05 13:33:00', '{\"a\":1}', x'01');");
	snprintf(path, sizeof path, "%s/prod.db", f->dir);
	exec_file(path, schema);
	exec_file(path,
	          "INSERT INTO ev VALUES (1, '2026-11-05T13:33:00', '{\"a\":2,\"b\":1}', x'00ff'),"
	          "(2, '2026-11-06 08:00:00', '{\"a\":1}', x'01');");
	rf_error_clear(&err);
	rf_selection_init(&sel, "ev");
	d = rf_diff_open(f->src, f->dst, &sel, &err);
	assert_non_null(d);
	sh = rf_diff_shape(d);
	id = col_index(sh, "id");
	at = col_index(sh, "at");
	doc = col_index(sh, "doc");
	bin = col_index(sh, "bin");

	assert_int_equal(rf_diff_next(d, &row, &err), 1);
	assert_int_equal(row->status, RF_IDENTICAL);
	assert_non_null(row->src_stored);
	assert_non_null(row->dst_stored);
	assert_cell(&row->src_stored[at], "2026-11-05 13:33:00", 19);
	assert_cell(&row->dst_stored[at], "2026-11-05T13:33:00", 19);
	assert_cell(&row->src[at], "2026-11-05T13:33:00.000000", 26);
	assert_cell(&row->src_stored[doc], "{\"b\":1, \"a\":2}", 14);
	assert_cell(&row->src[doc], "{\"a\":2,\"b\":1}", 13);
	assert_cell(&row->src_stored[bin], "\x00\xff", 2); /* raw, as the driver streams bytes */
	assert_cell(&row->src[bin], "00ff", 4);

	/* a copy a front end keeps: both forms, and they outlive the row */
	kept = rf_diff_row_dup_stored(row, sh->ncols);
	plain = rf_diff_row_dup(row, sh->ncols);
	assert_null(plain->src_stored);
	assert_null(plain->dst_stored);
	assert_int_equal(rf_diff_next(d, &row, &err), 1);
	assert_int_equal(row->status, RF_CHANGED);
	assert_true(row->changed[at]);
	assert_cell(&row->dst_stored[at], "2026-11-06 08:00:00", 19);
	assert_cell(&kept->src_stored[at], "2026-11-05 13:33:00", 19);
	assert_cell(&kept->dst_stored[at], "2026-11-05T13:33:00", 19);
	assert_cell(&kept->src[at], "2026-11-05T13:33:00.000000", 26);
	assert_cell(&kept->dst_stored[doc], "{\"a\":2,\"b\":1}", 13);
	assert_cell(&kept->src_stored[bin], "\x00\xff", 2);
	/* a stored value equal to its canonical form shares its bytes */
	assert_cell(&kept->src_stored[id], "1", 1);
	assert_ptr_equal(kept->src_stored[id].data, kept->src[id].data);
	assert_ptr_equal(kept->dst_stored[doc].data, kept->dst[doc].data);
	rf_diff_row_free(kept, sh->ncols);
	rf_diff_row_free(plain, sh->ncols);
	assert_int_equal(rf_diff_next(d, &row, &err), 0);
	rf_diff_close(d);

	/* identical rows returned with only their key carry no stored forms */
	d = rf_diff_open(f->src, f->dst, &sel, &err);
	assert_non_null(d);
	rf_diff_set_identical_rows(d, false);
	assert_int_equal(rf_diff_next(d, &row, &err), 1);
	assert_int_equal(row->status, RF_IDENTICAL);
	assert_null(row->src_stored);
	assert_null(row->dst_stored);
	assert_int_equal(rf_diff_next(d, &row, &err), 1);
	assert_int_equal(row->status, RF_CHANGED);
	assert_cell(&row->src_stored[at], "2026-11-05 13:33:00", 19);
	rf_diff_close(d);
	rf_selection_free(&sel);
}

/* A copy holds cells only for the sides its row has: a plan's inserts
 * (source side only, 100k of them in a seed copy) would otherwise carry
 * a target side of NULL cells, a third of the copy's memory. */
static void row_copy_holds_only_its_sides(void **state)
{
	enum { N = 20 };
	struct rf_cell src[N], dst[N];
	bool changed[N] = {false};
	unsigned char flagged[N] = {0};
	struct rf_diff_row r = {0}, *one, *both, *stored;
	size_t i, two_sides = sizeof(struct rf_diff_row) + 2 * N * sizeof(struct rf_cell);

	(void)state;
	for (i = 0; i < N; i++) {
		src[i] = (struct rf_cell){"abc", 3, i == 7};
		dst[i] = (struct rf_cell){"de", 2, false};
	}
	r.status = RF_ONLY_SOURCE;
	r.src = src;
	r.changed = changed;
	r.flagged = flagged;
	one = rf_diff_row_dup(&r, N);
	assert_null(one->dst);
	assert_true(malloc_usable_size(one) < two_sides);
	for (i = 0; i < N; i++) {
		assert_int_equal(one->src[i].is_null, i == 7);
		if (i != 7)
			assert_memory_equal(one->src[i].data, "abc", 4); /* NUL-terminated */
		assert_ptr_not_equal(one->src[i].data, src[i].data);
	}
	/* both sides, and the stored forms: every part where it belongs */
	r.status = RF_CHANGED;
	r.dst = dst;
	r.src_stored = dst;
	r.dst_stored = src;
	both = rf_diff_row_dup(&r, N);
	stored = rf_diff_row_dup_stored(&r, N);
	assert_true(malloc_usable_size(both) >= two_sides);
	for (i = 0; i < N; i++) {
		assert_memory_equal(both->dst[i].data, "de", 3);
		assert_memory_equal(stored->dst[i].data, "de", 3);
		assert_memory_equal(stored->src_stored[i].data, "de", 3);
		assert_int_equal(stored->dst_stored[i].is_null, i == 7);
		if (i != 7) {
			assert_memory_equal(stored->src[i].data, "abc", 4);
			assert_memory_equal(stored->dst_stored[i].data, "abc", 4);
		}
	}
	rf_diff_row_free(one, N);
	rf_diff_row_free(both, N);
	rf_diff_row_free(stored, N);
}

/* A key set sized up front takes its keys without a rehash (the same
 * slots throughout) and still finds each, and refuses none twice. */
static void keyset_reserve_takes_its_keys_without_rehash(void **state)
{
	struct rf_keyset ks = RF_KEYSET_INIT;
	const struct rf_keyset_slot *slots;
	char key[32];
	size_t i, v;
	bool added;

	(void)state;
	rf_keyset_put(&ks, "x", 1, 7, NULL);
	rf_keyset_reserve(&ks, 5001);
	assert_true(ks.cap >= 2 * 5001);
	slots = ks.slots;
	for (i = 0; i < 5000; i++) {
		int n = snprintf(key, sizeof key, "k%zu", i);
		assert_int_equal(rf_keyset_put(&ks, key, (size_t)n, i, &added), i);
		assert_true(added);
	}
	assert_ptr_equal(ks.slots, slots);
	assert_int_equal(ks.len, 5001);
	assert_true(rf_keyset_get(&ks, "x", 1, &v));
	assert_int_equal(v, 7);
	assert_true(rf_keyset_get(&ks, "k4999", 5, &v));
	assert_int_equal(v, 4999);
	assert_int_equal(rf_keyset_put(&ks, "k12", 3, 99, &added), 12);
	assert_false(added);
	rf_keyset_reserve(&ks, 10); /* never shrinks */
	assert_ptr_equal(ks.slots, slots);
	rf_keyset_free(&ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tolerance_must_be_a_plain_non_negative_number),
	    cmocka_unit_test_setup_teardown(diff_by_primary_key_reports_each_status, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(unexcluded_guid_is_compared, setup, teardown),
	    cmocka_unit_test_setup_teardown(ignored_column_is_not_compared, setup, teardown),
	    cmocka_unit_test_setup_teardown(match_key_can_be_a_natural_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(table_without_primary_key_needs_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(excluded_key_column_is_an_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(duplicate_match_key_stops_the_diff, setup, teardown),
	    cmocka_unit_test_setup_teardown(plan_renders_insert_update_delete_for_the_target, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(plan_refuses_excluded_not_null_column_without_default,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(diff_rows_carry_values_as_stored, setup, teardown),
	    cmocka_unit_test(row_copy_holds_only_its_sides),
	    cmocka_unit_test(keyset_reserve_takes_its_keys_without_rehash),
	    cmocka_unit_test(ops_parse_accepts_known_words_only),
	    cmocka_unit_test(selection_flags_parse_and_reject),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
