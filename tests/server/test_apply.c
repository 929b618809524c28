/* test_apply.c - preview, apply and undo through the library, against real
 * PostgreSQL, MariaDB and SQLite: what the console relies on without the
 * CLI around it. */
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
#include "rowferry/preview.h"
#include "rowferry/undo.h"

struct engine {
	const char *name;
	char dev[1200], prod[1200];
	const char *guid_type, *guid_default, *json_type;
	const char *generated; /* a generated column definition */
	const char *quiet;     /* SQL that silences NOTICEs, or "" */
};

static struct engine engines[3];
static char *tmpdir;

static int setup_engines(void **state)
{
	static const struct engine kinds[RF_TEST_NENGINES] = {
	    {"postgres", "", "", "uuid", "gen_random_uuid()", "jsonb",
	     "total integer GENERATED ALWAYS AS (qty * 2) STORED",
	     "SET client_min_messages = warning;"},
	    {"mariadb", "", "", "char(36)", "(uuid())", "json", "total int AS (qty * 2) STORED",
	     ""},
	    {"sqlite", "", "", "TEXT", "(lower(hex(randomblob(16))))", "JSON",
	     "total INTEGER GENERATED ALWAYS AS (qty * 2) STORED", ""},
	};
	struct rf_test_sides sides[RF_TEST_NENGINES];
	size_t i;
	(void)state;
	tmpdir = rf_test_tmpdir();
	rf_test_fresh_sides("rfc_lib", tmpdir, true, sides);
	for (i = 0; i < RF_TEST_NENGINES; i++) {
		engines[i] = kinds[i];
		memcpy(engines[i].dev, sides[i].dev, sizeof engines[i].dev);
		memcpy(engines[i].prod, sides[i].prod, sizeof engines[i].prod);
	}
	return 0;
}

/* Fresh tables on both sides: jobs, and orders matched by (job, ref) with
 * a GUID key the target generates, a unique ext_ref, and in prod a
 * generated column. dev_rows/prod_rows: extra SQL for each side. */
static void make_tables(const struct engine *e, const char *dev_rows, const char *prod_rows)
{
	char sql[8192];
	const char *drop = "DROP TABLE IF EXISTS ap_orders; DROP TABLE IF EXISTS ap_jobs;";
	const char *jobs =
	    "CREATE TABLE ap_jobs (job varchar(16) PRIMARY KEY, customer varchar(40));"
	    "INSERT INTO ap_jobs VALUES ('J1', 'Acme'), ('J2', 'Globex');";
	snprintf(sql, sizeof sql,
	         "%s%s%sCREATE TABLE ap_orders (guid %s NOT NULL DEFAULT %s PRIMARY KEY, "
	         "job varchar(16) NOT NULL REFERENCES ap_jobs (job), ref varchar(16) NOT NULL, "
	         "ext_ref varchar(16), qty int, note %s, total int, UNIQUE (job, ref));%s",
	         e->quiet, drop, jobs, e->guid_type, e->guid_default, e->json_type, dev_rows);
	rf_test_sql(e->dev, sql);
	snprintf(sql, sizeof sql,
	         "%s%s%sCREATE TABLE ap_orders (guid %s NOT NULL DEFAULT %s PRIMARY KEY, "
	         "job varchar(16) NOT NULL REFERENCES ap_jobs (job), ref varchar(16) NOT NULL, "
	         "ext_ref varchar(16) UNIQUE, qty int, note %s, %s, UNIQUE (job, ref));%s",
	         e->quiet, drop, jobs, e->guid_type, e->guid_default, e->json_type, e->generated,
	         prod_rows);
	rf_test_sql(e->prod, sql);
}

struct fixture {
	struct rf_db *dev, *prod;
	struct rf_selection sel;
	struct rf_plan *plan;
	char undo_dir[1300];
};

/* Connects, diffs ap_orders (where may be NULL) and plans with mask. */
static void plan_copy(struct fixture *f, const struct engine *e, const char *where, unsigned mask)
{
	struct rf_error err;
	struct rf_diff *d;
	char msg[1300];

	rf_error_clear(&err);
	f->dev = rf_test_connect("dev", e->dev);
	f->prod = rf_test_connect("prod", e->prod);
	rf_selection_init(&f->sel, "ap_orders");
	rf_strlist_split(&f->sel.key, "job,ref");
	rf_strlist_split(&f->sel.exclude, "guid");
	if (where)
		f->sel.where = rf_xstrdup(where);
	d = rf_diff_open(f->dev, f->prod, &f->sel, &err);
	if (!d)
		fail_msg("%s: diff: %s", e->name, rf_error_text(&err, msg, sizeof msg));
	f->plan = rf_plan_from_diff(d, mask, &err);
	if (!f->plan)
		fail_msg("%s: plan: %s", e->name, rf_error_text(&err, msg, sizeof msg));
	rf_diff_close(d);
	snprintf(f->undo_dir, sizeof f->undo_dir, "%s/undo-%s", tmpdir, e->name);
}

static void fixture_free(struct fixture *f)
{
	rf_plan_free(f->plan);
	rf_selection_free(&f->sel);
	rf_db_close(f->dev);
	rf_db_close(f->prod);
}

static enum rf_apply_status apply(struct fixture *f, struct rf_apply_result *res,
                                  rf_apply_progress_fn progress)
{
	struct rf_apply_opts o;
	struct rf_error err;
	memset(&o, 0, sizeof o);
	o.undo_dir = f->undo_dir;
	o.lock_timeout_ms = 2000;
	o.progress = progress;
	rf_error_clear(&err);
	rf_apply(f->plan, f->dev, f->prod, &o, res, &err);
	return res->status;
}

/* Number of rows of ap_orders in prod matching where (through rowferry's
 * own read path, so it works on every engine). */
static long count_prod(const struct engine *e, const char *where)
{
	struct rf_db *db = rf_test_connect("count", e->prod);
	struct rf_table_info t;
	struct rf_stream_spec spec;
	struct rf_stream *s;
	const struct rf_row *row;
	struct rf_error err;
	size_t col = 0;
	long n = 0;

	rf_error_clear(&err);
	assert_int_equal(rf_db_begin(db, RF_TX_READ, NULL, &err), 0);
	assert_int_equal(db->ops->describe(db, "ap_orders", &t, &err), 0);
	memset(&spec, 0, sizeof spec);
	spec.table = &t;
	spec.ncols = 1;
	spec.cols = &col;
	spec.where = where;
	assert_int_equal(db->ops->stream_open(db, &spec, &s, &err), 0);
	while (db->ops->stream_next(s, &row, &err) == 1)
		n++;
	db->ops->stream_close(s);
	rf_db_rollback(db, NULL);
	rf_table_info_free(&t);
	rf_db_close(db);
	return n;
}

static bool has_warning(const struct rf_warnings *w, const char *kind, const char *text)
{
	size_t i;
	for (i = 0; i < w->len; i++)
		if (strcmp(w->items[i].kind, kind) == 0 && strstr(w->items[i].text, text))
			return true;
	return false;
}

static const char seed_dev[] = "INSERT INTO ap_orders (guid, job, ref, ext_ref, qty) VALUES "
                               "('00000000-0000-0000-0000-000000000001', 'J1', 'R1', 'X1', 1), "
                               "('00000000-0000-0000-0000-000000000002', 'J1', 'R2', 'X2', 2), "
                               "('00000000-0000-0000-0000-000000000003', 'J1', 'R3', 'X3', 3);";
static const char seed_prod[] = "INSERT INTO ap_orders (guid, job, ref, ext_ref, qty) VALUES "
                                "('aaaaaaaa-0000-0000-0000-000000000001', 'J1', 'R1', 'X1', 10);";

static void apply_refuses_when_the_target_changed_since_the_diff(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < 3; i++) {
		const struct engine *e = &engines[i];
		struct fixture f;
		struct rf_apply_result res;

		/* a row to update changed */
		make_tables(e, seed_dev, seed_prod);
		plan_copy(&f, e, NULL, RF_OPS_DEFAULT);
		assert_int_equal(rf_plan_count(f.plan, RF_OP_UPDATE), 1);
		rf_test_sql(e->prod, "UPDATE ap_orders SET qty = 11 WHERE ref = 'R1';");
		assert_int_equal(apply(&f, &res, NULL), RF_APPLY_REFUSED);
		assert_int_equal(res.drift.len, 1);
		assert_non_null(strstr(res.drift.items[0], "changed since the diff: qty"));
		assert_null(res.journal);
		assert_int_equal(count_prod(e, NULL), 1); /* the inserts did not happen */
		rf_apply_result_free(&res);
		fixture_free(&f);

		/* a row to insert appeared */
		make_tables(e, seed_dev, seed_prod);
		plan_copy(&f, e, NULL, RF_OPS_DEFAULT);
		rf_test_sql(e->prod, "INSERT INTO ap_orders (guid, job, ref, qty) VALUES "
		                     "('bbbbbbbb-0000-0000-0000-000000000003', 'J1', 'R3', 3);");
		assert_int_equal(apply(&f, &res, NULL), RF_APPLY_REFUSED);
		assert_int_equal(res.drift.len, 1);
		assert_non_null(strstr(res.drift.items[0], "ref=R3) is now in the target"));
		assert_int_equal(count_prod(e, NULL), 2);
		assert_int_equal(count_prod(e, "qty = 10"), 1); /* the update did not happen */
		rf_apply_result_free(&res);
		fixture_free(&f);
	}
}

/* A journal cell's integer (cells are not NUL-terminated). */
static long cell_int(const struct rf_cell *c)
{
	char buf[32];
	size_t n = c->len < sizeof buf - 1 ? c->len : sizeof buf - 1;
	memcpy(buf, c->data, n);
	buf[n] = '\0';
	return atol(buf);
}

/* 3000 more dev rows (job J2, refs B1..B3000), through the engine's SQL */
static void add_dev_rows(const struct engine *e)
{
	if (strcmp(e->name, "postgres") == 0)
		rf_test_sql(
		    e->dev,
		    "INSERT INTO ap_orders (guid, job, ref, qty) SELECT "
		    "gen_random_uuid(), 'J2', 'B' || g, g FROM generate_series(1, 3000) g;");
	else
		rf_test_sql(e->dev,
		            "INSERT INTO ap_orders (guid, job, ref, qty) SELECT uuid(), 'J2', "
		            "concat('B', seq), seq FROM seq_1_to_3000;");
}

/* Cancels when progress says the load is under way: only the pieces of
 * a bulk load report counts between the statements' (1 after the
 * update, 3003 at the end). */
static int cancel_mid_load(void *ctx, enum rf_apply_phase phase, size_t done, size_t total)
{
	(void)ctx;
	return phase == RF_APPLY_WRITING && done > 2000 && done < total;
}

/* With thousands of inserts the plan loads in bulk (COPY / LOAD DATA).
 * prod's UNIQUE (job, ref) covers the match key, so the load is its own
 * re-check of the inserts: a row that appeared since the diff makes it
 * fail on the duplicate key, and apply reports that row as changed since
 * the diff (refused, nothing written, the journal aborted with the
 * reason). An apply that goes through journals every row as prod made it
 * (its GUIDs, its generated column), read back through a key table. */
static void bulk_apply_rechecks_and_journals_through_a_key_table(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < 2; i++) {
		const struct engine *e = &engines[i];
		struct fixture f;
		struct rf_apply_result res;
		struct rf_journal j;
		struct rf_error err;
		size_t k, inserts = 0, doubled = 0;

		make_tables(e, seed_dev, seed_prod);
		add_dev_rows(e);
		plan_copy(&f, e, NULL, RF_OPS_DEFAULT);
		assert_int_equal(rf_plan_count(f.plan, RF_OP_INSERT), 3002);
		assert_true(f.prod->bulk);
		rf_test_sql(e->prod, "INSERT INTO ap_orders (guid, job, ref, qty) VALUES "
		                     "('bbbbbbbb-0000-0000-0000-000000001500', 'J2', 'B1500', 1);");
		assert_int_equal(apply(&f, &res, NULL), RF_APPLY_REFUSED);
		assert_int_equal(res.drift.len, 1);
		assert_non_null(strstr(res.drift.items[0], "ref=B1500) is now in the target"));
		assert_non_null(res.journal);
		rf_error_clear(&err);
		assert_int_equal(rf_journal_load(res.journal, false, &j, &err), 0);
		assert_int_equal(j.state, RF_JOURNAL_ABORTED);
		assert_non_null(strstr(j.note, "1 row changed since the diff: nothing written"));
		rf_journal_free(&j);
		assert_int_equal(count_prod(e, NULL), 2); /* R1 and the intruder only */
		rf_apply_result_free(&res);

		rf_test_sql(e->prod, "DELETE FROM ap_orders WHERE ref = 'B1500';");
		/* cancelled while the load runs (the rows are rendered and sent a
		 * piece at a time, progress reported between pieces) */
		assert_int_equal(apply(&f, &res, cancel_mid_load), RF_APPLY_CANCELLED);
		assert_int_equal(count_prod(e, NULL), 1);
		assert_int_equal(count_prod(e, "qty = 10"), 1); /* the update rolled back */
		rf_apply_result_free(&res);
		assert_int_equal(apply(&f, &res, NULL), RF_APPLY_DONE);
		assert_int_equal(res.inserted, 3002);
		assert_int_equal(res.updated, 1);
		assert_int_equal(count_prod(e, NULL), 3003);
		rf_error_clear(&err);
		assert_int_equal(rf_journal_load(res.journal, false, &j, &err), 0);
		assert_true(j.seal_ok);
		for (k = 0; k < j.nops; k++) {
			const struct rf_journal_op *op = &j.ops[k];
			int guid = -1, qty = -1, total = -1;
			for (size_t c = 0; c < j.tables[0].cols.len; c++) {
				if (strcmp(j.tables[0].cols.items[c], "guid") == 0)
					guid = (int)c;
				if (strcmp(j.tables[0].cols.items[c], "qty") == 0)
					qty = (int)c;
				if (strcmp(j.tables[0].cols.items[c], "total") == 0)
					total = (int)c;
			}
			if (op->kind != RF_OP_INSERT)
				continue;
			inserts++;
			assert_true(guid >= 0 && qty >= 0 && total >= 0);
			/* prod's GUID, not dev's (dev's B rows have random ones too,
			 * so check the key equals the after-image's guid) */
			assert_int_equal(op->key[0].len, op->after[guid].len);
			assert_memory_equal(op->key[0].data, op->after[guid].data, op->key[0].len);
			if (!op->after[qty].is_null && !op->after[total].is_null &&
			    cell_int(&op->after[total]) == 2 * cell_int(&op->after[qty]))
				doubled++;
		}
		assert_int_equal(inserts, 3002);
		assert_int_equal(doubled, 3002); /* prod's generated column, read back */
		rf_journal_free(&j);
		rf_apply_result_free(&res);
		fixture_free(&f);
	}
}

/* Drops prod's UNIQUE (job, ref), the key that guards the inserts. */
static void drop_match_key_unique(const struct engine *e)
{
	rf_test_sql(e->prod, strcmp(e->name, "postgres") == 0
	                         ? "ALTER TABLE ap_orders DROP CONSTRAINT ap_orders_job_ref_key;"
	                         : "CREATE INDEX ap_job ON ap_orders (job); "
	                           "ALTER TABLE ap_orders DROP INDEX job;");
}

/* Without a unique key on the match key the inserts are re-checked before
 * the load (refused, no journal). And a unique key dropped after the plan
 * counted on it is seen: the table is described again after the load, the
 * rows are read back, and the key found twice fails the apply. */
static void bulk_apply_checks_first_where_no_unique_key_guards_the_load(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < 2; i++) {
		const struct engine *e = &engines[i];
		static const char intruder[] = "INSERT INTO ap_orders (guid, job, ref, qty) VALUES "
		                               "('bbbbbbbb-0000-0000-0000-000000001500', 'J2', "
		                               "'B1500', 1);";
		struct fixture f;
		struct rf_apply_result res;

		make_tables(e, seed_dev, seed_prod);
		add_dev_rows(e);
		drop_match_key_unique(e);
		plan_copy(&f, e, NULL, RF_OPS_DEFAULT);
		rf_test_sql(e->prod, intruder);
		assert_int_equal(apply(&f, &res, NULL), RF_APPLY_REFUSED);
		assert_int_equal(res.drift.len, 1);
		assert_non_null(strstr(res.drift.items[0], "ref=B1500) is now in the target"));
		assert_null(res.journal); /* refused before anything was written */
		assert_int_equal(count_prod(e, NULL), 2);
		rf_apply_result_free(&res);
		fixture_free(&f);

		make_tables(e, seed_dev, seed_prod);
		add_dev_rows(e);
		plan_copy(&f, e, NULL, RF_OPS_DEFAULT);
		drop_match_key_unique(e);
		rf_test_sql(e->prod, intruder);
		assert_int_equal(apply(&f, &res, NULL), RF_APPLY_FAILED);
		assert_false(res.predicted);
		assert_int_equal(count_prod(e, NULL), 2);
		assert_int_equal(count_prod(e, "qty = 10"), 1); /* the update rolled back */
		rf_apply_result_free(&res);
		fixture_free(&f);
	}
}

/* Two pieces of rows for ap_orders (job, ref, qty); the source stops
 * the load instead of giving the piece numbered stop_at. */
struct pieces {
	int given, stop_at;
};

static int two_pieces(void *ctx, const char **data, size_t *len, struct rf_error *err)
{
	static const char *const piece[] = {"J1\tS1\t1\n", "J1\tS2\t2\n"};
	struct pieces *p = ctx;
	if (p->given == p->stop_at)
		return rf_error_set(err, "test", "stopped by the source");
	if (p->given == 2)
		return 0;
	*data = piece[p->given];
	*len = strlen(piece[p->given++]);
	return 1;
}

/* A bulk load whose rows' source stops it midway fails with the source's
 * error and keeps nothing; the same source left alone loads both pieces. */
static void bulk_stream_stopped_midway_keeps_nothing(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < 2; i++) {
		const struct engine *e = &engines[i];
		struct rf_db *db;
		struct rf_table_info t;
		struct rf_buf sql = RF_BUF_INIT;
		struct rf_error err;
		struct pieces p = {0, 1};
		struct rf_bulk_rows src = {two_pieces, &p};
		size_t cols[3];
		long long rows = -1;

		make_tables(e, "", "");
		db = rf_test_connect("prod", e->prod);
		rf_error_clear(&err);
		assert_int_equal(db->ops->describe(db, "ap_orders", &t, &err), 0);
		cols[0] = (size_t)rf_table_info_col(&t, "job");
		cols[1] = (size_t)rf_table_info_col(&t, "ref");
		cols[2] = (size_t)rf_table_info_col(&t, "qty");
		db->ops->bulk_statement(db, &t, cols, 3, &sql);
		assert_int_equal(rf_db_begin(db, RF_TX_WRITE, NULL, &err), 0);
		assert_int_equal(db->ops->bulk_stream(db, sql.data, &src, &rows, &err), -1);
		assert_non_null(strstr(err.msg, "stopped by the source"));
		rf_db_rollback(db, NULL);
		assert_int_equal(count_prod(e, "ref LIKE 'S%'"), 0);

		p.given = 0;
		p.stop_at = -1;
		rf_error_clear(&err);
		assert_int_equal(rf_db_begin(db, RF_TX_WRITE, NULL, &err), 0);
		assert_int_equal(db->ops->bulk_stream(db, sql.data, &src, &rows, &err), 0);
		assert_int_equal(rows, 2);
		assert_int_equal(rf_db_commit(db, &err), 0);
		assert_int_equal(count_prod(e, "ref LIKE 'S%'"), 2);
		rf_buf_free(&sql);
		rf_table_info_free(&t);
		rf_db_close(db);
	}
}

static int cancel_while_writing(void *ctx, enum rf_apply_phase phase, size_t done, size_t total)
{
	(void)ctx, (void)done, (void)total;
	return phase == RF_APPLY_WRITING && done > 0;
}

static void apply_journals_generated_keys_and_cancel_rolls_back(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < 3; i++) {
		const struct engine *e = &engines[i];
		struct fixture f;
		struct rf_apply_result res;
		struct rf_journal j;
		struct rf_error err;
		size_t k;
		int guid;

		rf_error_clear(&err);
		make_tables(e, seed_dev, seed_prod);
		plan_copy(&f, e, NULL, RF_OPS_DEFAULT);
		/* cancelled after the first statement: rolled back, journal aborted */
		assert_int_equal(apply(&f, &res, cancel_while_writing), RF_APPLY_CANCELLED);
		assert_non_null(res.journal);
		assert_int_equal(rf_journal_load(res.journal, true, &j, &err), 0);
		assert_int_equal(j.state, RF_JOURNAL_ABORTED);
		rf_journal_free(&j);
		assert_int_equal(count_prod(e, "qty = 10"), 1);
		assert_int_equal(count_prod(e, NULL), 1);
		rf_apply_result_free(&res);

		assert_int_equal(apply(&f, &res, NULL), RF_APPLY_DONE);
		assert_int_equal(res.inserted, 2);
		assert_int_equal(res.updated, 1);
		assert_int_equal(rf_journal_load(res.journal, false, &j, &err), 0);
		assert_true(j.seal_ok);
		assert_int_equal(j.state, RF_JOURNAL_COMMITTED);
		assert_int_equal(j.nops, 3);
		assert_int_equal(j.tables[0].key.len, 1);
		assert_string_equal(j.tables[0].key.items[0], "guid");
		guid = rf_journal_col(&j, 0, "guid");
		assert_true(guid >= 0);
		for (k = 0; k < j.nops; k++) {
			/* the after-image holds prod's generated GUID, and so does the key */
			assert_non_null(j.ops[k].after);
			assert_false(j.ops[k].after[guid].is_null);
			assert_int_equal(j.ops[k].key[0].len, j.ops[k].after[guid].len);
			if (j.ops[k].kind == RF_OP_INSERT)
				assert_int_not_equal(memcmp(j.ops[k].key[0].data, "00000000", 8),
				                     0);
		}
		assert_int_equal(j.ops[0].kind, RF_OP_UPDATE); /* in the order they ran */
		rf_journal_free(&j);
		rf_apply_result_free(&res);
		fixture_free(&f);
		assert_int_equal(count_prod(e, NULL), 3);
	}
}

static void preview_warns_about_parents_uniques_and_generated_columns(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < 3; i++) {
		const struct engine *e = &engines[i];
		struct fixture f;
		struct rf_warnings w = RF_WARNINGS_INIT;
		struct rf_preview_opts o = {false, 1, 0};
		struct rf_error err;
		char msg[1300];

		rf_error_clear(&err);
		/* dev: a job prod lacks, an ext_ref prod has on another row, an
		 * ext_ref twice, and a changed qty (total is generated in prod) */
		make_tables(e,
		            "INSERT INTO ap_jobs VALUES ('J9', 'Umbrella');"
		            "INSERT INTO ap_orders (guid, job, ref, ext_ref, qty, total) VALUES "
		            "('00000000-0000-0000-0000-000000000001', 'J1', 'R1', 'X1', 5, 10), "
		            "('00000000-0000-0000-0000-000000000002', 'J9', 'R2', 'X2', 2, 4), "
		            "('00000000-0000-0000-0000-000000000003', 'J1', 'R3', 'X9', 3, 6), "
		            "('00000000-0000-0000-0000-000000000004', 'J2', 'R4', 'X4', 4, 8), "
		            "('00000000-0000-0000-0000-000000000005', 'J2', 'R5', 'X4', 4, 8);",
		            "INSERT INTO ap_orders (guid, job, ref, ext_ref, qty) VALUES "
		            "('aaaaaaaa-0000-0000-0000-000000000001', 'J1', 'R1', 'X1', 1), "
		            "('aaaaaaaa-0000-0000-0000-000000000009', 'J2', 'R9', 'X9', 9);");
		plan_copy(&f, e, NULL, RF_OPS_DEFAULT);
		if (rf_preview_warnings(f.plan, f.prod, &o, &w, &err) != 0)
			fail_msg("%s: preview: %s", e->name, rf_error_text(&err, msg, sizeof msg));
		assert_true(has_warning(&w, "fk_parent_missing", "(job=J9)"));
		assert_true(has_warning(&w, "unique_violation", "(ext_ref=X9)"));
		assert_true(
		    has_warning(&w, "unique_violation", "repeat within the copy: (ext_ref=X4)"));
		assert_true(
		    has_warning(&w, "generated", "column total is generated in the target"));
		assert_true(has_warning(&w, "unfiltered", "no --where"));
		assert_int_equal(rf_warnings_count(&w, RF_SEV_ERROR), 3);
		/* the refusal is the core's: rf_apply given these checks writes
		 * nothing and opens no journal */
		{
			struct rf_apply_result res;
			struct rf_apply_opts ao;
			memset(&ao, 0, sizeof ao);
			ao.undo_dir = f.undo_dir;
			ao.warnings = &w;
			rf_error_clear(&err);
			rf_apply(f.plan, f.dev, f.prod, &ao, &res, &err);
			assert_int_equal(res.status, RF_APPLY_REFUSED);
			assert_null(res.journal);
			assert_non_null(strstr(err.msg, "cannot succeed as planned"));
			rf_apply_result_free(&res);
		}
		assert_int_equal(count_prod(e, NULL), 2);
		rf_warnings_free(&w);
		fixture_free(&f);
	}
}

static void undo_through_the_library_restores_and_refuses_twice(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < 3; i++) {
		const struct engine *e = &engines[i];
		struct fixture f;
		struct rf_apply_result res;
		struct rf_undo *u;
		struct rf_undo_opts o;
		struct rf_stmts s;
		struct rf_error err;
		size_t undone = 0;

		rf_error_clear(&err);
		memset(&o, 0, sizeof o);
		make_tables(e, seed_dev, seed_prod);
		plan_copy(&f, e, NULL, RF_OPS_ALL);
		assert_int_equal(apply(&f, &res, NULL), RF_APPLY_DONE);
		u = rf_undo_open(res.journal, &err);
		assert_non_null(u);
		assert_string_equal(u->target_name, "prod");
		assert_int_equal(rf_undo_allowed(u, &err), 0);
		assert_int_equal(rf_undo_check(u, f.prod, &err), 0);
		assert_int_equal(u->ndrifted, 0);
		rf_undo_render(u, f.prod, 0, true, &s);
		assert_int_equal(s.len, 2); /* one DELETE of both inserts, one UPDATE */
		assert_non_null(strstr(s.items[0].text, "DELETE FROM"));
		assert_non_null(strstr(s.items[1].text, "UPDATE"));
		rf_stmts_free(&s);
		assert_int_equal(rf_undo_apply(u, f.prod, &o, &undone, &err), 0);
		assert_int_equal(undone, 3);
		assert_int_equal(count_prod(e, NULL), 1);
		assert_int_equal(count_prod(e, "qty = 10"), 1);
		assert_int_equal(rf_undo_apply(u, f.prod, &o, &undone, &err), 1);
		rf_undo_free(u);
		rf_apply_result_free(&res);
		fixture_free(&f);
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
	    cmocka_unit_test(apply_refuses_when_the_target_changed_since_the_diff),
	    cmocka_unit_test(bulk_apply_rechecks_and_journals_through_a_key_table),
	    cmocka_unit_test(bulk_apply_checks_first_where_no_unique_key_guards_the_load),
	    cmocka_unit_test(bulk_stream_stopped_midway_keeps_nothing),
	    cmocka_unit_test(apply_journals_generated_keys_and_cancel_rolls_back),
	    cmocka_unit_test(preview_warns_about_parents_uniques_and_generated_columns),
	    cmocka_unit_test(undo_through_the_library_restores_and_refuses_twice),
	};
	return cmocka_run_group_tests(tests, setup_engines, remove_tmpdir);
}
