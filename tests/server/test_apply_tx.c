/* test_apply_tx.c - several plans in one transaction through the apply's
 * transaction object (rf_apply_begin / rf_apply_step / rf_apply_commit),
 * the version 2 journal it writes, and undo across its tables, against
 * real PostgreSQL, MariaDB and SQLite: a parent and a child table with an
 * enforced foreign key, committed together, rolled back together, undone
 * children first. A version 1 journal still undoes. */
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
#include <unistd.h>

#include "rf_fixture.h"
#include "rf_test.h"
#include "rowferry/apply.h"
#include "rowferry/journal.h"
#include "rowferry/sha256.h"
#include "rowferry/undo.h"

struct engine {
	const char *name;
	char dev[1200], prod[1200];
	const char *parent; /* the parent's name as the journal has it */
	const char *child;
};

static struct engine engines[3];
static char *tmpdir;

static int setup_engines(void **state)
{
	static const struct engine kinds[RF_TEST_NENGINES] = {
	    {"postgres", "", "", "public.tx_parent", "public.tx_child"},
	    {"mariadb", "", "", "tx_parent", "tx_child"},
	    {"sqlite", "", "", "tx_parent", "tx_child"},
	};
	struct rf_test_sides sides[RF_TEST_NENGINES];
	size_t i;
	(void)state;
	tmpdir = rf_test_tmpdir();
	rf_test_fresh_sides("rfc_tx", tmpdir, true, sides);
	for (i = 0; i < RF_TEST_NENGINES; i++) {
		engines[i] = kinds[i];
		memcpy(engines[i].dev, sides[i].dev, sizeof engines[i].dev);
		memcpy(engines[i].prod, sides[i].prod, sizeof engines[i].prod);
	}
	return 0;
}

/* dev: parents 1 (Acme) and 2, children 10 and 12 of 1, 11 of 2 (12 with
 * child_qty). prod: parent 1 named "Old", child 12 of 1 with qty 1, and a
 * CHECK that refuses a qty over 100. The child's foreign key is enforced
 * (InnoDB; SQLite as rowferry opens it). */
static void make_tables(const struct engine *e, int child_qty)
{
	char sql[4096];
	const char *drop = "DROP TABLE IF EXISTS tx_child; DROP TABLE IF EXISTS tx_parent;";
	const char *parent = "CREATE TABLE tx_parent (id int PRIMARY KEY, name varchar(20));";
#define CHILD(check)                                                                               \
	"CREATE TABLE tx_child (id int PRIMARY KEY, parent_id int NOT NULL, qty int " check        \
	", FOREIGN KEY (parent_id) REFERENCES tx_parent (id));"
	const char *child_dev = CHILD(""), *child_prod = CHILD("CHECK (qty < 100)");
#undef CHILD
	snprintf(sql, sizeof sql,
	         "%s%s%sINSERT INTO tx_parent VALUES (1, 'Acme'), (2, 'Globex');"
	         "INSERT INTO tx_child VALUES (10, 1, 1), (11, 2, 2), (12, 1, %d);",
	         drop, parent, child_dev, child_qty);
	rf_test_sql(e->dev, sql);
	snprintf(sql, sizeof sql,
	         "%s%s%sINSERT INTO tx_parent VALUES (1, 'Old');"
	         "INSERT INTO tx_child VALUES (12, 1, 1);",
	         drop, parent, child_prod);
	rf_test_sql(e->prod, sql);
}

struct fixture {
	struct rf_db *dev, *prod;
	struct rf_selection sel[2];
	struct rf_plan *plan[2]; /* parent, child */
	struct rf_apply_opts o;
	char undo_dir[1300];
};

static struct rf_plan *plan_table(struct fixture *f, const struct engine *e, int i,
                                  const char *table)
{
	struct rf_error err;
	struct rf_diff *d;
	struct rf_plan *p;
	char msg[1300];

	rf_error_clear(&err);
	rf_selection_init(&f->sel[i], table);
	d = rf_diff_open(f->dev, f->prod, &f->sel[i], &err);
	if (!d)
		fail_msg("%s: diff %s: %s", e->name, table, rf_error_text(&err, msg, sizeof msg));
	p = rf_plan_from_diff(d, RF_OPS_DEFAULT, &err);
	if (!p)
		fail_msg("%s: plan %s: %s", e->name, table, rf_error_text(&err, msg, sizeof msg));
	rf_diff_close(d);
	return p;
}

/* Both tables diffed and planned (inserts and updates). */
static void plan_both(struct fixture *f, const struct engine *e)
{
	memset(f, 0, sizeof *f);
	f->dev = rf_test_connect("dev", e->dev);
	f->prod = rf_test_connect("prod", e->prod);
	f->plan[0] = plan_table(f, e, 0, "tx_parent");
	f->plan[1] = plan_table(f, e, 1, "tx_child");
	snprintf(f->undo_dir, sizeof f->undo_dir, "%s/undo-%s", tmpdir, e->name);
	f->o.undo_dir = f->undo_dir;
	f->o.lock_timeout_ms = 2000;
}

static void fixture_free(struct fixture *f)
{
	int i;
	for (i = 0; i < 2; i++) {
		rf_plan_free(f->plan[i]);
		rf_selection_free(&f->sel[i]);
	}
	rf_db_close(f->dev);
	rf_db_close(f->prod);
}

/* begin with both plans, step parent then child, commit; the return code
 * of the first call that did not return 0 (or of the commit). */
static int apply_both(struct fixture *f, struct rf_apply_result *res, struct rf_error *err)
{
	const struct rf_plan *plans[2] = {f->plan[0], f->plan[1]};
	struct rf_apply_tx *tx;
	int rc;

	rf_error_clear(err);
	rc = rf_apply_begin(f->prod, f->dev, plans, 2, &f->o, res, &tx, err);
	if (rc != 0)
		return rc;
	if ((rc = rf_apply_step(tx, f->plan[0], err)) == 0 &&
	    (rc = rf_apply_step(tx, f->plan[1], err)) == 0)
		rc = rf_apply_commit(tx, err);
	rf_apply_tx_free(tx);
	return rc;
}

/* "id:name" of every parent, or "id:parent:qty" of every child, in id
 * order, joined by spaces: the table's whole content. */
static void dump(const struct engine *e, const char *table, char *out, size_t n)
{
	struct rf_db *db = rf_test_connect("dump", e->prod);
	struct rf_table_info t;
	struct rf_stream_spec spec;
	struct rf_stream *s;
	const struct rf_row *row;
	struct rf_error err;
	size_t cols[3] = {0, 1, 2}, k, len = 0;

	rf_error_clear(&err);
	out[0] = '\0';
	assert_int_equal(rf_db_begin(db, RF_TX_READ, NULL, &err), 0);
	assert_int_equal(db->ops->describe(db, table, &t, &err), 0);
	memset(&spec, 0, sizeof spec);
	spec.table = &t;
	spec.ncols = t.ncols;
	spec.cols = cols;
	spec.key = cols; /* ordered by id */
	spec.nkey = 1;
	assert_int_equal(db->ops->stream_open(db, &spec, &s, &err), 0);
	while (db->ops->stream_next(s, &row, &err) == 1) {
		for (k = 0; k < row->ncols; k++)
			len +=
			    (size_t)snprintf(out + len, n - len, "%s%.*s",
			                     k     ? ":"
			                     : len ? " "
			                           : "",
			                     row->cells[k].is_null ? 4 : (int)row->cells[k].len,
			                     row->cells[k].is_null ? "NULL" : row->cells[k].data);
	}
	db->ops->stream_close(s);
	rf_db_rollback(db, NULL);
	rf_table_info_free(&t);
	rf_db_close(db);
}

static void assert_prod(const struct engine *e, const char *parents, const char *children)
{
	char got[1024];
	dump(e, "tx_parent", got, sizeof got);
	if (strcmp(got, parents) != 0)
		fail_msg("%s: tx_parent is [%s], expected [%s]", e->name, got, parents);
	dump(e, "tx_child", got, sizeof got);
	if (strcmp(got, children) != 0)
		fail_msg("%s: tx_child is [%s], expected [%s]", e->name, got, children);
}

#define PROD_PARENTS  "1:Old"
#define PROD_CHILDREN "12:1:1"

/* Both tables in one transaction and one v2 journal; undo takes both
 * back, the child's rows first (the foreign key is enforced: the parent's
 * row 2 cannot go while child 11 points at it). */
static void two_tables_commit_together_and_undo_children_first(void **state)
{
	size_t i, k;
	(void)state;
	for (i = 0; i < 3; i++) {
		const struct engine *e = &engines[i];
		struct fixture f;
		struct rf_apply_result res;
		struct rf_journal j;
		struct rf_undo *u;
		struct rf_undo_opts uo;
		struct rf_stmts s;
		struct rf_error err;
		char msg[1300];
		size_t undone = 0;

		make_tables(e, 3);
		plan_both(&f, e);
		assert_int_equal(rf_plan_count(f.plan[0], RF_OP_INSERT), 1);
		assert_int_equal(rf_plan_count(f.plan[0], RF_OP_UPDATE), 1);
		assert_int_equal(rf_plan_count(f.plan[1], RF_OP_INSERT), 2);
		assert_int_equal(rf_plan_count(f.plan[1], RF_OP_UPDATE), 1);
		if (apply_both(&f, &res, &err) != 0)
			fail_msg("%s: %s", e->name, rf_error_text(&err, msg, sizeof msg));
		assert_int_equal(res.status, RF_APPLY_DONE);
		assert_int_equal(res.inserted, 3);
		assert_int_equal(res.updated, 2);
		assert_prod(e, "1:Acme 2:Globex", "10:1:1 11:2:2 12:1:3");

		/* the journal: version 2, both tables, parents' ops first */
		assert_non_null(strstr(res.journal, "+1-"));
		rf_error_clear(&err);
		assert_int_equal(rf_journal_load(res.journal, false, &j, &err), 0);
		assert_true(j.seal_ok);
		assert_int_equal(j.version, 2);
		assert_int_equal(j.ntables, 2);
		assert_string_equal(j.tables[0].table, e->parent);
		assert_string_equal(j.tables[1].table, e->child);
		assert_string_equal(j.tables[1].key.items[0], "id");
		assert_int_equal(j.nops, 5);
		for (k = 0; k < j.nops; k++)
			assert_int_equal(j.ops[k].table, k < 2 ? 0 : 1);
		rf_journal_free(&j);

		/* undo: checked on both tables, children's inserts deleted first */
		u = rf_undo_open(res.journal, &err);
		assert_non_null(u);
		assert_int_equal(rf_undo_check(u, f.prod, &err), 0);
		assert_int_equal(u->ndrifted, 0);
		rf_undo_render(u, f.prod, 0, true, &s);
		assert_true(s.len >= 3);
		assert_non_null(strstr(s.items[0].text, "tx_child"));
		assert_non_null(strstr(s.items[s.len - 1].text, "tx_parent"));
		rf_stmts_free(&s);
		memset(&uo, 0, sizeof uo);
		if (rf_undo_apply(u, f.prod, &uo, &undone, &err) != 0)
			fail_msg("%s: undo: %s", e->name, rf_error_text(&err, msg, sizeof msg));
		assert_int_equal(undone, 5);
		assert_prod(e, PROD_PARENTS, PROD_CHILDREN);
		rf_undo_free(u);
		rf_apply_result_free(&res);
		fixture_free(&f);
	}
}

/* A failure in the second step takes the first table's rows back too:
 * a constraint the child's load violates (FAILED), and drift in the
 * child's rows (REFUSED); the journal, created by the first step, ends
 * aborted. */
static void a_failing_second_step_rolls_the_first_back(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < 3; i++) {
		const struct engine *e = &engines[i];
		struct fixture f;
		struct rf_apply_result res;
		struct rf_journal j;
		struct rf_error err;

		/* child 12's qty 500 breaks prod's CHECK */
		make_tables(e, 500);
		plan_both(&f, e);
		assert_int_equal(apply_both(&f, &res, &err), -1);
		assert_int_equal(res.status, RF_APPLY_FAILED);
		assert_non_null(res.journal);
		assert_prod(e, PROD_PARENTS, PROD_CHILDREN);
		assert_int_equal(rf_journal_load(res.journal, false, &j, &err), 0);
		assert_int_equal(j.state, RF_JOURNAL_ABORTED);
		assert_int_equal(j.ntables, 2);
		rf_journal_free(&j);
		rf_apply_result_free(&res);
		fixture_free(&f);

		/* child 12 changed in prod since the diff */
		make_tables(e, 3);
		plan_both(&f, e);
		rf_test_sql(e->prod, "UPDATE tx_child SET qty = 7 WHERE id = 12;");
		assert_int_equal(apply_both(&f, &res, &err), 1);
		assert_int_equal(res.status, RF_APPLY_REFUSED);
		assert_int_equal(res.drift.len, 1);
		assert_non_null(strstr(res.drift.items[0], "tx_child (id=12)"));
		assert_prod(e, PROD_PARENTS, "12:1:7");
		assert_int_equal(rf_journal_load(res.journal, false, &j, &err), 0);
		assert_int_equal(j.state, RF_JOURNAL_ABORTED);
		assert_non_null(strstr(j.note, "changed since the diff"));
		rf_journal_free(&j);
		rf_apply_result_free(&res);
		fixture_free(&f);
	}
}

/* The object's edges: a plan not given to begin fails and rolls back;
 * plans with nothing to do are NOTHING with no journal; a step after the
 * end is refused; free without commit rolls back. */
static void the_transaction_refuses_what_it_was_not_given(void **state)
{
	const struct engine *e = &engines[0];
	struct fixture f;
	struct rf_apply_result res;
	struct rf_apply_tx *tx;
	struct rf_error err;
	const struct rf_plan *only_parent[1];
	(void)state;

	make_tables(e, 3);
	plan_both(&f, e);
	only_parent[0] = f.plan[0];
	rf_error_clear(&err);
	assert_int_equal(rf_apply_begin(f.prod, f.dev, only_parent, 1, &f.o, &res, &tx, &err), 0);
	assert_int_equal(rf_apply_step(tx, f.plan[0], &err), 0);
	assert_int_equal(rf_apply_step(tx, f.plan[1], &err), -1);
	assert_non_null(strstr(err.msg, "not given"));
	assert_int_equal(res.status, RF_APPLY_FAILED);
	assert_int_equal(rf_apply_commit(tx, &err), -1);
	rf_apply_tx_free(tx);
	assert_prod(e, PROD_PARENTS, PROD_CHILDREN);
	rf_apply_result_free(&res);

	/* begun and stepped, then freed without commit: rolled back */
	assert_int_equal(rf_apply_begin(f.prod, f.dev, only_parent, 1, &f.o, &res, &tx, &err), 0);
	assert_int_equal(rf_apply_step(tx, f.plan[0], &err), 0);
	rf_apply_tx_free(tx);
	assert_int_equal(res.status, RF_APPLY_CANCELLED);
	assert_prod(e, PROD_PARENTS, PROD_CHILDREN);
	rf_apply_result_free(&res);
	fixture_free(&f);

	/* nothing to do in either table */
	rf_test_sql(e->dev, "DELETE FROM tx_child; DELETE FROM tx_parent;"
	                    "INSERT INTO tx_parent VALUES (1, 'Old');"
	                    "INSERT INTO tx_child VALUES (12, 1, 1);");
	plan_both(&f, e);
	assert_int_equal(apply_both(&f, &res, &err), 0);
	assert_int_equal(res.status, RF_APPLY_NOTHING);
	assert_null(res.journal);
	rf_apply_result_free(&res);
	fixture_free(&f);
}

/* A version 1 journal (one table, no "table" on its op line, sealed by
 * its committed line) written by an older rowferry still undoes. */
static void a_version_1_journal_still_undoes(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < 3; i++) {
		const struct engine *e = &engines[i];
		char lines[1024], hex[RF_SHA256_HEX_LEN + 1], path[1400], msg[1300];
		struct rf_undo *u;
		struct rf_undo_opts uo;
		struct rf_error err;
		size_t undone = 0;
		FILE *f;

		make_tables(e, 3);
		rf_test_sql(e->prod, "INSERT INTO tx_parent VALUES (3, 'Initech');");
		snprintf(lines, sizeof lines,
		         "{\"rowferry_undo\":1,\"id\":\"0b4e5c1e-0000-4000-8000-00000000000%zu\","
		         "\"created\":\"2026-11-21T10:00:00Z\",\"source\":\"dev (x)\","
		         "\"target\":\"prod (y)\",\"table\":\"%s\",\"key\":[\"id\"],"
		         "\"state\":\"pending\"}\n"
		         "{\"op\":\"insert\",\"key\":{\"id\":\"3\"},\"after\":{\"id\":\"3\","
		         "\"name\":\"Initech\"}}\n",
		         i, e->parent);
		rf_sha256_hex(lines, strlen(lines), hex);
		snprintf(path, sizeof path, "%s/v1-%s.jsonl", tmpdir, e->name);
		f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "%s{\"state\":\"committed\",\"ops\":1,\"sha256\":\"%s\"}\n", lines, hex);
		fclose(f);
		rf_error_clear(&err);
		u = rf_undo_open(path, &err);
		assert_non_null(u);
		assert_int_equal(u->journal.version, 1);
		assert_int_equal(rf_undo_allowed(u, &err), 0);
		{
			struct rf_db *prod = rf_test_connect("prod", e->prod);
			memset(&uo, 0, sizeof uo);
			if (rf_undo_apply(u, prod, &uo, &undone, &err) != 0)
				fail_msg("%s: %s", e->name, rf_error_text(&err, msg, sizeof msg));
			rf_db_close(prod);
		}
		assert_int_equal(undone, 1);
		assert_prod(e, PROD_PARENTS, PROD_CHILDREN);
		rf_undo_free(u);
	}
}

static int remove_tmpdir(void **state)
{
	(void)state;
	rf_test_rmtree(tmpdir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(two_tables_commit_together_and_undo_children_first),
	    cmocka_unit_test(a_failing_second_step_rolls_the_first_back),
	    cmocka_unit_test(the_transaction_refuses_what_it_was_not_given),
	    cmocka_unit_test(a_version_1_journal_still_undoes),
	};
	return cmocka_run_group_tests(tests, setup_engines, remove_tmpdir);
}
