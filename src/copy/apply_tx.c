/* apply_tx.c - the apply's transaction: begin, one step per plan, commit
 * (apply.h, DESIGN §5, §6, §11). One plan's statements and journal lines
 * are apply.c's; this file opens and ends the transaction, creates the
 * journal with every table and runs the commit sequence.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply_internal.h"
#include "rowferry/all_create.h"
#include "rowferry/preview.h"

enum tx_state {
	TX_OPEN,    /* the transaction is open */
	TX_NOTHING, /* no plan has an operation: nothing was begun */
	TX_ENDED    /* committed, rolled back or failed */
};

struct rf_apply_tx {
	struct rf_db *db;
	const struct rf_db *source;
	const struct rf_apply_opts *o;
	struct rf_apply_result *res;
	size_t nplans;
	const struct rf_plan **plans;
	bool *stepped;  /* per plan */
	size_t *jtable; /* per plan: its table in the journal's header (a
	                   table's deletes may be a plan of their own) */
	size_t ntables; /* tables in the journal's header */
	size_t nops;    /* every plan's */
	/* the transaction is named before it begins, after the journal's id,
	 * so a journal names it even if the apply dies before the prepared line */
	char id[37], xid[48];
	struct rf_journal_writer *journal; /* created by the first step that writes */
	enum tx_state state;
	double start;
};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* An error-severity check the front end showed refuses the apply here, in
 * the core, not only in each front end. */
static int refused_by_checks(struct rf_db *target, const struct rf_apply_opts *o,
                             struct rf_error *err)
{
	size_t i;

	for (i = 0; o->warnings && i < o->warnings->len; i++)
		if (o->warnings->items[i].severity == RF_SEV_ERROR)
			return rf_error_set(err, target->name,
			                    "refused: the copy cannot succeed as planned: %s",
			                    o->warnings->items[i].text),
			       1;
	return 0;
}

/* Test-only: ROWFERRY_TEST_KILL_AT=POINT makes the process die (SIGKILL,
 * as a crash or kill -9 would) at that point of the commit sequence, so
 * the tests reach each crash window deterministically. Points, in order:
 * journal-created, tables-created (copy --all --create), before-prepare
 * (the op lines written), after-engine-prepare, after-prepared-line,
 * after-commit. Not a user setting. */
static void test_kill_at(struct rf_apply_tx *tx, const char *point)
{
	const char *at = getenv("ROWFERRY_TEST_KILL_AT");
	if (!at || strcmp(at, point) != 0)
		return;
	if (strcmp(point, "before-prepare") == 0)
		rf_journal_sync(tx->journal, NULL);
	raise(SIGKILL);
}

/* A failed copy whose tables were created outside its transaction
 * (MariaDB: DDL commits) drops them: exactly those it created. */
static void drop_created(struct rf_apply_tx *tx)
{
	if (tx->db->planned && tx->db->ops->ddl_commits)
		rf_all_create_drop(tx->db, tx->db->planned);
}

/* Ends the transaction as status says: rolled back where still open, the
 * journal (if created) aborted with the reason. */
static void end_tx(struct rf_apply_tx *tx, enum rf_apply_status status, const char *reason)
{
	if (tx->state != TX_OPEN)
		return;
	/* a failed duplicate-key explanation (apply_refused_as_drift) has
	 * ended the transaction already */
	if (tx->db->in_tx)
		rf_db_rollback(tx->db, NULL);
	drop_created(tx);
	if (tx->journal)
		rf_journal_abort(tx->journal, reason ? reason : "cancelled", NULL);
	tx->res->status = status;
	tx->res->seconds = now_seconds() - tx->start;
	tx->state = TX_ENDED;
}

/* end_tx() with err's text as the reason. */
static void end_tx_err(struct rf_apply_tx *tx, enum rf_apply_status status,
                       const struct rf_error *err)
{
	char text[1300];
	end_tx(tx, status, err && err->set ? rf_error_text(err, text, sizeof text) : NULL);
}

/* <journal>.rejects.jsonl: the source rows a copy through a map left out
 * (o->rejects), 0600 like the journal, synced before anything is written. */
static int write_rejects(struct rf_apply_tx *tx, struct rf_error *err)
{
	char *path = rf_xasprintf("%s.rejects.jsonl", tx->res->journal);
	size_t len = strlen(tx->o->rejects), off = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		rf_error_set(err, path, "cannot create: %s", strerror(errno));
		free(path);
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, tx->o->rejects + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off < len || fsync(fd) != 0) {
		rf_error_set(err, path, "cannot write: %s", strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	close(fd);
	tx->res->rejected = tx->o->rejected;
	tx->res->rejects = path;
	return 0;
}

/* The journal, with every plan's table in its header. */
static int open_journal(struct rf_apply_tx *tx, struct rf_error *err)
{
	struct rf_journal_table_head *th = rf_xcalloc(tx->nplans, sizeof *th);
	const char ***keys = rf_xcalloc(tx->nplans, sizeof *keys);
	const char ***colss = rf_xcalloc(tx->nplans, sizeof *colss);
	char *src = rf_xasprintf("%s (%s)", tx->source->name, tx->source->display_url);
	char *dst = rf_xasprintf("%s (%s)", tx->db->name, tx->db->display_url);
	struct rf_journal_header h;
	size_t i, k;
	int rc;

	for (i = 0; i < tx->nplans; i++) {
		const struct rf_table_info *dt = &tx->plans[i]->shape->dst_table;
		size_t *jkey, t = tx->jtable[i];
		const char **key, **cols;

		if (th[t].table)
			continue; /* the table's other plan (its deletes) */
		jkey = rf_xcalloc(dt->ncols + 1, sizeof *jkey);
		key = keys[t] = rf_xcalloc(dt->ncols + 1, sizeof *key);
		cols = colss[t] = rf_xcalloc(dt->ncols + 1, sizeof *cols);
		th[t].table = dt->display;
		th[t].nkey = apply_journal_key_cols(tx->plans[i], jkey);
		for (k = 0; k < th[t].nkey; k++)
			key[k] = dt->cols[jkey[k]].name;
		for (k = 0; k < dt->ncols; k++)
			cols[k] = dt->cols[k].name;
		th[t].key = key;
		th[t].ncols = dt->ncols;
		th[t].cols = cols;
		free(jkey);
	}
	memset(&h, 0, sizeof h);
	h.source = src;
	h.target = dst;
	h.target_name = tx->db->name;
	h.id = tx->id;
	h.rejected = tx->o->rejects ? tx->o->rejected : 0;
	h.source_sha256 = tx->o->source_sha256;
	rc = rf_journal_create_tables(tx->o->undo_dir, &h, tx->ntables, th, &tx->journal, err);
	if (rc == 0)
		tx->res->journal = rf_xstrdup(rf_journal_writer_path(tx->journal));
	if (rc == 0 && h.rejected)
		rc = write_rejects(tx, err);
	for (i = 0; i < tx->nplans; i++) {
		free(keys[i]);
		free(colss[i]);
	}
	free(keys);
	free(colss);
	free(th);
	free(src);
	free(dst);
	return rc;
}

/* The journal's table of the plan writing to name, or -1. */
static int journal_table_of(const struct rf_apply_tx *tx, const char *name)
{
	size_t i;
	for (i = 0; i < tx->nplans; i++)
		if (strcmp(tx->plans[i]->shape->dst_table.display, name) == 0)
			return (int)tx->jtable[i];
	return -1;
}

/* copy --all --create (all_create.h): each planned table journaled as a
 * create op, then created and checked against the plan. Where the CREATE
 * commits by itself (MariaDB), before the data's transaction begins, each
 * line fsync'ed before its CREATE runs. */
static int create_tables(struct rf_apply_tx *tx, struct rf_error *err)
{
	struct rf_planned_tables *p = tx->db->planned;
	size_t i;

	if (!tx->journal && open_journal(tx, err) != 0)
		return -1;
	for (i = 0; i < p->len; i++) {
		int t = journal_table_of(tx, p->items[i].info.display);
		if (t < 0)
			return rf_error_set(err, tx->db->name,
			                    "%s: planned to be created, but "
			                    "no plan writes to it",
			                    p->items[i].info.display);
		rf_journal_use_table(tx->journal, (size_t)t);
		if (rf_journal_add_create(tx->journal, p->items[i].ddl_text, err) != 0 ||
		    (tx->db->ops->ddl_commits && rf_journal_sync(tx->journal, err) != 0) ||
		    rf_all_create_run(tx->db, p, i, err) != 0)
			return -1;
	}
	test_kill_at(tx, "tables-created");
	return 0;
}

/* Two plans of one table are fine when they share the shape: the parts
 * of one diff's plan (rf_plan_take_deletes, rf_plan_take_references). */
static bool deletes_apart(const struct rf_plan *a, const struct rf_plan *b)
{
	return a->shape == b->shape;
}

int rf_apply_begin(struct rf_db *target, const struct rf_db *source,
                   const struct rf_plan *const *plans, size_t nplans, const struct rf_apply_opts *o,
                   struct rf_apply_result *res, struct rf_apply_tx **out, struct rf_error *err)
{
	struct rf_tx_opts txo = {.lock_timeout_ms = o->lock_timeout_ms,
	                         .statement_timeout_ms = o->statement_timeout_ms};
	struct rf_apply_tx *tx;
	size_t i, k, nops = 0;

	*out = NULL;
	memset(res, 0, sizeof *res);
	res->status = RF_APPLY_REFUSED;
	for (i = 0; i < nplans; i++) {
		if (plans[i]->errors.len)
			return rf_error_set(err, target->name, "the plan cannot be applied: %s",
			                    plans[i]->errors.items[0]),
			       1;
		for (k = 0; k < i; k++)
			if (strcmp(plans[k]->shape->dst_table.display,
			           plans[i]->shape->dst_table.display) == 0 &&
			    !deletes_apart(plans[k], plans[i]))
				return rf_error_set(err, target->name,
				                    "%s has two plans: one plan per table (and "
				                    "its parts)",
				                    plans[i]->shape->dst_table.display),
				       1;
		nops += plans[i]->nops;
	}
	nops += o->load_rows; /* rows streamed into created tables (o->load) */
	tx = rf_xcalloc(1, sizeof *tx);
	tx->db = target;
	tx->source = source;
	tx->o = o;
	tx->res = res;
	tx->nplans = nplans;
	tx->plans = rf_xcalloc(nplans + 1, sizeof *tx->plans);
	memcpy(tx->plans, plans, nplans * sizeof *plans);
	tx->stepped = rf_xcalloc(nplans + 1, sizeof *tx->stepped);
	tx->jtable = rf_xcalloc(nplans + 1, sizeof *tx->jtable);
	for (i = 0; i < nplans; i++) {
		tx->jtable[i] = tx->ntables;
		for (k = 0; k < i; k++)
			if (plans[k]->shape == plans[i]->shape)
				tx->jtable[i] = tx->jtable[k];
		if (tx->jtable[i] == tx->ntables)
			tx->ntables++;
	}
	tx->nops = nops;
	tx->start = now_seconds();
	tx->state = TX_NOTHING;
	if (nops == 0) {
		res->status = RF_APPLY_NOTHING;
		*out = tx;
		return 0;
	}
	tx->state = TX_ENDED;
	if (refused_by_checks(target, o, err))
		goto refused;
	res->status = RF_APPLY_FAILED;
	if (!o->undo_dir || !*o->undo_dir) {
		rf_error_set(err, target->name,
		             "no undo directory: nothing is written without a journal");
		goto refused;
	}
	if (target->in_tx) {
		rf_error_set(err, target->name,
		             "a transaction is still open on the target (close the diff before "
		             "applying)");
		goto refused;
	}
	rf_journal_new_id(tx->id);
	snprintf(tx->xid, sizeof tx->xid, "rowferry-%s", tx->id);
	txo.xid = tx->xid;
	if (target->planned && target->ops->ddl_commits && create_tables(tx, err) != 0) {
		/* nothing of the data begun: the tables made so far go */
		tx->state = TX_OPEN;
		end_tx_err(tx, RF_APPLY_FAILED, err);
		goto refused;
	}
	if (rf_db_begin(target, RF_TX_WRITE, &txo, err) != 0) {
		tx->state = TX_OPEN;
		end_tx_err(tx, RF_APPLY_FAILED, err);
		goto refused;
	}
	tx->state = TX_OPEN;
	if (target->planned && !target->ops->ddl_commits && create_tables(tx, err) != 0) {
		end_tx_err(tx, RF_APPLY_FAILED, err);
		goto refused;
	}
	*out = tx;
	return 0;
refused:
	res->seconds = now_seconds() - tx->start;
	rf_apply_tx_free(tx);
	return res->status == RF_APPLY_REFUSED ? 1 : -1;
}

/* The index of p among the transaction's plans, or -1. */
static int plan_index(const struct rf_apply_tx *tx, const struct rf_plan *p)
{
	size_t i;
	for (i = 0; i < tx->nplans; i++)
		if (tx->plans[i] == p)
			return (int)i;
	return -1;
}

/* The step itself, with a set up: 0, or 1 / -1 with the transaction ended. */
static int step(struct rf_apply_tx *tx, struct apply *a, size_t idx, struct rf_error *err)
{
	struct rf_tx_opts plain = {.lock_timeout_ms = tx->o->lock_timeout_ms,
	                           .statement_timeout_ms = tx->o->statement_timeout_ms};
	struct rf_apply_result *res = tx->res;
	bool created = false;
	int r;

	/* where a unique key makes the load refuse a row that appeared, the
	 * load itself checks the inserts, atomically */
	a->guarded = apply_inserts_guarded(a, a->dt);
	if (apply_lock_inserts(a, err) != 0) {
		end_tx_err(tx, RF_APPLY_FAILED, err);
		return -1;
	}
	r = apply_recheck(
	    a, APPLY_CHECK_EXISTING | (a->guarded ? 0 : APPLY_CHECK_INSERTS | APPLY_CHECK_KEEP),
	    err);
	if (r < 0) {
		end_tx_err(tx, RF_APPLY_FAILED, err);
		return -1;
	}
	if (r > 0 || res->drift.len) {
		rf_error_set(err, tx->db->name,
		             r > 0 ? "cancelled: nothing written"
		                   : "%zu row%s changed since the diff: nothing written",
		             res->drift.len, res->drift.len == 1 ? "" : "s");
		end_tx_err(tx, r > 0 ? RF_APPLY_CANCELLED : RF_APPLY_REFUSED, err);
		return 1;
	}
	if (!tx->journal) {
		if (open_journal(tx, err) != 0) {
			end_tx_err(tx, RF_APPLY_FAILED, err);
			return -1;
		}
		created = true;
	}
	a->journal = tx->journal;
	rf_journal_use_table(tx->journal, tx->jtable[idx]);
	if (a->sh->nsrc_key) {
		const char *names[64];
		size_t k;
		for (k = 0; k < a->sh->nsrc_key && k < 64; k++)
			names[k] = a->sh->cols[a->sh->src_key[k]].name;
		rf_journal_set_source_key(tx->journal, tx->jtable[idx], names, k);
	}
	if (created)
		test_kill_at(tx, "journal-created");
	r = apply_write_all(a, err);
	if (r < 0 && a->guarded && err && err->duplicate_key &&
	    apply_refused_as_drift(a, &plain, err)) {
		end_tx_err(tx, RF_APPLY_REFUSED, err);
		return 1;
	}
	if (r > 0) {
		end_tx(tx, RF_APPLY_CANCELLED, NULL);
		rf_error_set(err, tx->db->name, "cancelled: rolled back, nothing written");
		return 1;
	}
	if (r < 0) {
		end_tx_err(tx, RF_APPLY_FAILED, err);
		return -1;
	}
	return 0;
}

int rf_apply_step(struct rf_apply_tx *tx, const struct rf_plan *p, struct rf_error *err)
{
	return rf_apply_step_keys(tx, p, NULL, err);
}

int rf_apply_step_keys(struct rf_apply_tx *tx, const struct rf_plan *p, struct rf_gen_keys *learn,
                       struct rf_error *err)
{
	struct apply a;
	int idx = plan_index(tx, p), rc;

	if (tx->state == TX_NOTHING)
		return 0;
	if (tx->state != TX_OPEN)
		return rf_error_set(err, tx->db->name, "the apply's transaction has ended");
	if (idx < 0 || tx->stepped[idx]) {
		rf_error_set(err, tx->db->name,
		             idx < 0 ? "a plan not given when the apply began: rolled back"
		                     : "a plan applied twice: rolled back");
		end_tx_err(tx, RF_APPLY_FAILED, err);
		return -1;
	}
	tx->stepped[idx] = true;
	if (p->nops == 0)
		return 0;
	apply_init(&a, p, tx->db, tx->o, tx->res);
	a.name_table = tx->nplans > 1;
	apply_learn_setup(&a, learn);
	rc = step(tx, &a, (size_t)idx, err);
	apply_free(&a);
	return rc;
}

int rf_apply_journal_sequence(struct rf_apply_tx *tx, const struct rf_plan *p, const char *column,
                              long long before, long long after, struct rf_error *err)
{
	int idx = plan_index(tx, p);

	if (tx->state != TX_OPEN || !tx->journal || idx < 0)
		return rf_error_set(err, tx->db->name,
		                    "a sequence moved outside the apply's transaction or journal");
	if (rf_journal_add_sequence(tx->journal, tx->jtable[idx], column, before, after, err) !=
	    0) {
		end_tx_err(tx, RF_APPLY_FAILED, err);
		return -1;
	}
	return 0;
}

int rf_apply_journal_load(struct rf_apply_tx *tx, const struct rf_plan *p, unsigned long long rows,
                          const struct rf_journal_load_sum *sum, struct rf_error *err)
{
	int idx = plan_index(tx, p);

	if (tx->state != TX_OPEN || !tx->journal || idx < 0)
		return rf_error_set(err, tx->db->name,
		                    "a load outside the apply's transaction or journal");
	rf_journal_use_table(tx->journal, tx->jtable[idx]);
	if (rf_journal_add_load(tx->journal, rows, sum, err) != 0) {
		end_tx_err(tx, RF_APPLY_FAILED, err);
		return -1;
	}
	tx->res->inserted += (size_t)rows;
	return 0;
}

/* The commit sequence (DESIGN §6): the engine prepares and names the
 * transaction, the prepared line (with that name and the seal) is made
 * durable, then COMMIT. A crash anywhere leaves a journal the engine can
 * settle: no prepared line, no COMMIT was sent. */
static int prepare_commit(struct rf_apply_tx *tx, struct rf_buf *txid, struct rf_error *err)
{
	test_kill_at(tx, "before-prepare");
	if (rf_db_prepare(tx->db, txid, err) != 0)
		return -1;
	test_kill_at(tx, "after-engine-prepare");
	if (rf_journal_prepare(tx->journal, txid->data, err) != 0)
		return -1;
	test_kill_at(tx, "after-prepared-line");
	return 0;
}

/* COMMIT failed after the prepared line: the server may have committed or
 * not. When it says it did not, the journal says aborted; otherwise it stays
 * pending and undo settles it from the server. Nothing is settled here. */
static void commit_failed(struct rf_apply_tx *tx, const char *txid, const struct rf_error *cause)
{
	enum rf_tx_outcome out;
	char text[1300];

	if (rf_db_tx_outcome(tx->db, tx->xid, txid, false, &out, NULL) == 0 && out == RF_TX_ABORTED)
		rf_journal_abort(tx->journal, rf_error_text(cause, text, sizeof text), NULL);
}

int rf_apply_commit(struct rf_apply_tx *tx, struct rf_error *err)
{
	struct rf_buf txid = RF_BUF_INIT;
	struct rf_apply_result *res = tx->res;
	int rc = -1;

	if (tx->state == TX_NOTHING)
		return 0;
	if (tx->state != TX_OPEN)
		return rf_error_set(err, tx->db->name, "the apply's transaction has ended");
	if (!tx->journal) {
		/* no step wrote anything */
		end_tx(tx, RF_APPLY_NOTHING, NULL);
		return 0;
	}
	if (tx->o->cancel && *tx->o->cancel) {
		end_tx(tx, RF_APPLY_CANCELLED, NULL);
		return rf_error_set(err, tx->db->name, "cancelled: rolled back, nothing written"),
		       1;
	}
	if (tx->o->progress &&
	    tx->o->progress(tx->o->progress_ctx, RF_APPLY_COMMITTING, tx->nops, tx->nops) != 0) {
		end_tx(tx, RF_APPLY_CANCELLED, NULL);
		return rf_error_set(err, tx->db->name, "cancelled: rolled back, nothing written"),
		       1;
	}
	if (prepare_commit(tx, &txid, err) != 0) {
		end_tx_err(tx, RF_APPLY_FAILED, err);
		goto out;
	}
	tx->state = TX_ENDED;
	if (rf_db_commit(tx->db, err) != 0) {
		/* the server may or may not have committed: the journal stays
		 * pending unless the server says it did not, and undo settles it
		 * from the server's record (journal.h) */
		rf_db_rollback(tx->db, NULL);
		commit_failed(tx, txid.data, err);
		if (err) {
			size_t n = strlen(err->msg);
			snprintf(err->msg + n, sizeof err->msg - n,
			         " (if the journal stays pending, rowferry undo settles it from "
			         "the server)");
		}
		res->status = RF_APPLY_FAILED;
		goto out;
	}
	test_kill_at(tx, "after-commit");
	res->status = RF_APPLY_DONE;
	/* committed; a failure to seal the journal is reported, not undone */
	rc = rf_journal_commit(tx->journal, err) == 0 ? 0 : -1;
out:
	res->seconds = now_seconds() - tx->start;
	rf_buf_free(&txid);
	return rc;
}

void rf_apply_abort(struct rf_apply_tx *tx, const char *reason)
{
	end_tx(tx, RF_APPLY_CANCELLED, reason);
}

void rf_apply_tx_free(struct rf_apply_tx *tx)
{
	if (!tx)
		return;
	if (tx->state == TX_OPEN)
		end_tx(tx, RF_APPLY_CANCELLED, "abandoned: the apply was not committed");
	rf_journal_writer_free(tx->journal);
	free(tx->plans);
	free(tx->stepped);
	free(tx->jtable);
	free(tx);
}

int rf_apply(const struct rf_plan *p, const struct rf_db *source, struct rf_db *target,
             const struct rf_apply_opts *o, struct rf_apply_result *res, struct rf_error *err)
{
	struct rf_apply_tx *tx;
	int rc;

	rc = rf_apply_begin(target, source, &p, 1, o, res, &tx, err);
	if (rc != 0)
		return rc;
	rc = rf_apply_step(tx, p, err);
	if (rc == 0)
		rc = rf_apply_commit(tx, err);
	rf_apply_tx_free(tx);
	return rc;
}
