/* undo.c - checking a journal against the target and rolling it back
 * (undo.h, DESIGN §6). The reverse SQL is built in undo_apply.c
 * (rf_undo_render), with the statement assembly of render.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookup.h"
#include "rowferry/undo.h"
#include "undo_internal.h"

/* "prod (postgres://app@db/wg)" -> name "prod", url "postgres://app@db/wg" */
static void split_target(const char *target, char **name, char **url)
{
	const char *open = strstr(target, " (");
	size_t n = strlen(target);

	if (open && n > 0 && target[n - 1] == ')') {
		*name = rf_xstrndup(target, (size_t)(open - target));
		*url = rf_xstrndup(open + 2, n - (size_t)(open - target) - 3);
	} else {
		*name = rf_xstrdup(target);
		*url = NULL;
	}
}

struct rf_undo *rf_undo_open(const char *path, struct rf_error *err)
{
	struct rf_undo *u = rf_xcalloc(1, sizeof *u);
	if (rf_journal_load(path, false, &u->journal, err) != 0) {
		rf_undo_free(u);
		return NULL;
	}
	split_target(u->journal.target, &u->target_name, &u->target_url);
	return u;
}

static void free_tables(struct rf_undo *u)
{
	size_t t;
	for (t = 0; u->tables && t < u->journal.ntables; t++) {
		rf_table_info_free(&u->tables[t].info);
		free(u->tables[t].col_of);
		free(u->tables[t].key_of);
	}
	free(u->tables);
	u->tables = NULL;
}

void rf_undo_free(struct rf_undo *u)
{
	if (!u)
		return;
	free_tables(u);
	rf_journal_free(&u->journal);
	free(u->target_name);
	free(u->target_url);
	free(u->drifted);
	rf_strlist_free(&u->drift);
	free(u);
}

int rf_undo_allowed(const struct rf_undo *u, struct rf_error *err)
{
	const struct rf_journal *j = &u->journal;

	if (j->busy) {
		rf_error_set(err, j->path, "another rowferry process is writing this journal");
		return 1;
	}
	switch (j->state) {
	case RF_JOURNAL_PENDING:
		rf_error_set(err, j->path,
		             "the copy never recorded its outcome (state pending): it is "
		             "settled from the target first");
		return 1;
	case RF_JOURNAL_ABORTED:
		rf_error_set(err, j->path, "the copy was aborted and rolled back: nothing to undo");
		return 1;
	case RF_JOURNAL_UNDONE:
		rf_error_set(err, j->path, "already undone%s%s: a journal is undone only once",
		             j->state_at ? " at " : "", j->state_at ? j->state_at : "");
		return 1;
	case RF_JOURNAL_COMMITTED:
		break;
	}
	if (!j->seal_ok) {
		rf_error_set(err, j->path, "refusing a journal that does not verify: %s",
		             j->seal_problem ? j->seal_problem : "no seal");
		return 1;
	}
	return 0;
}

/* Describes journal table t on the target and maps its columns. */
static int map_table(struct rf_undo *u, struct rf_db *db, size_t t, struct rf_error *err)
{
	const struct rf_journal_table *jt = &u->journal.tables[t];
	struct rf_undo_table *ut = &u->tables[t];
	size_t i;

	if (db->ops->describe(db, jt->table, &ut->info, err) != 0) {
		/* a journal written against PostgreSQL names "public.t" */
		const char *dot = strchr(jt->table, '.');
		struct rf_error again;
		rf_error_clear(&again);
		memset(&ut->info, 0, sizeof ut->info);
		if (!dot || db->ops->describe(db, dot + 1, &ut->info, &again) != 0)
			return -1;
		rf_error_clear(err);
	}
	ut->col_of = rf_xcalloc(jt->cols.len + 1, sizeof *ut->col_of);
	ut->key_of = rf_xcalloc(jt->key.len + 1, sizeof *ut->key_of);
	for (i = 0; i < jt->cols.len; i++) {
		int c = rf_table_info_col(&ut->info, jt->cols.items[i]);
		if (c < 0)
			return rf_error_set(err, db->name,
			                    "%s has no column %s any more: the table changed since "
			                    "the copy",
			                    ut->info.display, jt->cols.items[i]);
		ut->col_of[i] = (size_t)c;
	}
	for (i = 0; i < jt->key.len; i++) {
		int c = rf_table_info_col(&ut->info, jt->key.items[i]);
		if (c < 0)
			return rf_error_set(err, db->name, "%s has no key column %s any more",
			                    ut->info.display, jt->key.items[i]);
		ut->key_of[i] = (size_t)c;
	}
	return 0;
}

/* Every table of the journal, once. */
static int map_tables(struct rf_undo *u, struct rf_db *db, struct rf_error *err)
{
	size_t t;

	if (u->tables)
		return 0;
	u->tables = rf_xcalloc(u->journal.ntables + 1, sizeof *u->tables);
	for (t = 0; t < u->journal.ntables; t++)
		if (map_table(u, db, t, err) != 0) {
			free_tables(u);
			return -1;
		}
	return 0;
}

void rf_undo_format_key(const struct rf_undo *u, size_t op, struct rf_buf *out)
{
	const struct rf_journal_op *jo = &u->journal.ops[op];
	const struct rf_journal_table *jt = &u->journal.tables[jo->table];
	size_t i;

	if (u->journal.ntables > 1)
		rf_buf_printf(out, "%s ", jt->table);
	rf_buf_addc(out, '(');
	for (i = 0; i < jt->key.len; i++) {
		rf_buf_printf(out, "%s%s=", i ? ", " : "", jt->key.items[i]);
		if (jo->key[i].is_null)
			rf_buf_adds(out, "NULL");
		else
			rf_buf_add(out, jo->key[i].data, jo->key[i].len);
	}
	rf_buf_addc(out, ')');
}

/* One pass over the target rows of every journaled op of one table. */
struct visit {
	struct rf_undo *u;
	size_t t;              /* the journal table */
	struct rf_keyset keys; /* encoded key -> op */
	bool *seen;            /* per journal op */
	size_t *last;          /* per journal op: the last op of its row (itself
	                          unless a later op wrote the same row) */
	struct rf_buf canon, enc;
	struct rf_cell *cur; /* the current row, per table column */
	struct rf_cell *key;
	enum rf_type_class *classes; /* per table column */
	bool *raw;                   /* per table column: bytes kept raw in cur (not in the key) */
	int (*on_row)(struct visit *v, size_t op, const struct rf_cell *cur);
};

bool rf_undo_raw_equals_hex(const struct rf_cell *raw, const struct rf_cell *hex)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *r = (const unsigned char *)raw->data;
	size_t i;

	if (raw->is_null || hex->is_null)
		return raw->is_null && hex->is_null;
	if (hex->len / 2 != raw->len || hex->len % 2)
		return false;
	for (i = 0; i < raw->len; i++)
		if (hex->data[2 * i] != digits[r[i] >> 4] ||
		    hex->data[2 * i + 1] != digits[r[i] & 15])
			return false;
	return true;
}

/* Target column d of a mapped table holds bytes compared raw: bytes, and
 * not a key column (keys are compared in their journal form). */
static bool raw_col(const struct rf_undo *u, size_t t, size_t d)
{
	const struct rf_undo_table *ut = &u->tables[t];
	size_t k;

	if (ut->info.cols[d].tclass != RF_T_BYTES)
		return false;
	for (k = 0; k < u->journal.tables[t].key.len; k++)
		if (ut->key_of[k] == d)
			return false;
	return true;
}

bool rf_undo_raw_after(const struct rf_undo *u, size_t t, size_t c)
{
	return u->after_raw && raw_col(u, t, u->tables[t].col_of[c]);
}

/* Rewrites the after-image cells of op marked in raw[] (ncols journal
 * columns; nkey key cells) from their journal form, lower-case hex, to
 * the raw bytes, in a new block that replaces op->block: a new one, not
 * the old one decoded in place, whose pages would stay resident. Returns
 * 0, or -1 (op unchanged) when a marked cell is not hex. */
static int unhex_after(struct rf_journal_op *op, size_t nkey, size_t ncols, const bool *raw)
{
	struct rf_cell *images[3] = {op->key, op->before, op->after};
	size_t lens[3] = {nkey, ncols, ncols}, total = 0, i, k;
	char *block, *p;

	if (!op->after)
		return 0;
	for (i = 0, k = 0; i < ncols; i++) {
		if (!raw[i] || op->after[i].is_null)
			continue;
		if (!rf_is_hex(op->after[i].data, op->after[i].len))
			return -1;
		k++;
	}
	if (k == 0) /* nothing to decode: no new block */
		return 0;
	for (k = 0; k < 3; k++)
		for (i = 0; images[k] && i < lens[k]; i++)
			if (!images[k][i].is_null)
				total += k == 2 && raw[i] ? images[k][i].len / 2 : images[k][i].len;
	p = block = rf_xmalloc(total + 1);
	for (k = 0; k < 3; k++)
		for (i = 0; images[k] && i < lens[k]; i++) {
			struct rf_cell *c = &images[k][i];
			size_t n = c->len;
			if (c->is_null)
				continue;
			if (k == 2 && raw[i])
				n = (size_t)rf_hex_decode(p, c->data, c->len);
			else if (n)
				memcpy(p, c->data, n);
			c->data = p;
			c->len = n;
			p += n;
		}
	free(op->block);
	op->block = block;
	return 0;
}

/* Turns the hex of every after-image's raw columns into the raw bytes,
 * once the tables are mapped: the check compares them with the target's
 * bytes as they are, and a huge value is held once, not twice over as
 * hex (DESIGN §9). */
static int unhex_afters(struct rf_undo *u, struct rf_error *err)
{
	struct rf_journal *j = &u->journal;
	bool *raw = NULL;
	size_t i, c, ncols;
	int rc = 0;

	for (i = 0; rc == 0 && i < j->nops; i++) {
		struct rf_journal_op *op = &j->ops[i];
		ncols = j->tables[op->table].cols.len;
		free(raw);
		raw = rf_xcalloc(ncols + 1, sizeof *raw);
		for (c = 0; c < ncols; c++)
			raw[c] = raw_col(u, op->table, u->tables[op->table].col_of[c]);
		if (unhex_after(op, j->tables[op->table].key.len, ncols, raw) != 0) {
			struct rf_buf key = RF_BUF_INIT;
			rf_undo_format_key(u, i, &key);
			rc = rf_error_set(err, j->path,
			                  "the after-image of %s holds bytes that are not hex",
			                  key.data);
			rf_buf_free(&key);
		}
	}
	free(raw);
	if (rc == 0)
		u->after_raw = true;
	return rc;
}

/* Same length, same bytes, or both NULL. */
static bool raw_equals(const struct rf_cell *a, const struct rf_cell *b)
{
	if (a->is_null || b->is_null)
		return a->is_null && b->is_null;
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* Whether the current row of table t equals the journal image (journal
 * columns); raw: the columns of cur that hold raw bytes (journal_row),
 * raw in the after-image too (unhex_afters). */
static bool same_as(const struct rf_undo *u, size_t t, const struct rf_cell *cur, const bool *raw,
                    const struct rf_cell *img, struct rf_buf *diffs)
{
	const struct rf_journal_table *jt = &u->journal.tables[t];
	const struct rf_undo_table *ut = &u->tables[t];
	size_t c;
	bool same = true, same_prefix = true;
	for (c = 0; c < jt->cols.len; c++) {
		size_t d = ut->col_of[c];
		if (raw[d] ? raw_equals(&cur[d], &img[c])
		           : rf_journal_equal(ut->info.cols[d].tclass, &cur[d], &img[c]))
			continue;
		same = false;
		if (diffs) {
			rf_buf_adds(diffs, same_prefix ? "" : ", ");
			same_prefix = false;
			rf_buf_adds(diffs, jt->cols.items[c]);
		}
	}
	return same;
}

/* Records that op's row drifted: "(key) WHAT". */
static void drift(struct rf_undo *u, size_t op, const char *what)
{
	struct rf_buf b = RF_BUF_INIT;
	rf_undo_format_key(u, op, &b);
	rf_buf_addc(&b, ' ');
	rf_buf_adds(&b, what);
	rf_strlist_add(&u->drift, b.data);
	rf_buf_free(&b);
	if (!u->drifted[op]) {
		u->drifted[op] = true;
		u->ndrifted++;
	}
}

static int check_row(struct visit *v, size_t i, const struct rf_cell *cur)
{
	struct rf_undo *u = v->u;
	const struct rf_journal_op *op = &u->journal.ops[i];
	struct rf_buf diffs = RF_BUF_INIT;

	rf_buf_adds(&diffs, "changed since the copy: ");
	if (op->kind == RF_OP_DELETE)
		drift(u, i, "was deleted by the copy but exists again");
	else if (!same_as(u, v->t, cur, v->raw, op->after, &diffs))
		drift(u, i, diffs.data);
	rf_buf_free(&diffs);
	return 0;
}

/* The journal forms of a streamed row (all table columns, in order), so
 * it compares with the journal's images; columns marked raw keep the
 * streamed bytes (same_as compares them with the after-image's raw bytes). */
static void journal_row(const struct rf_row *row, size_t n, const enum rf_type_class *classes,
                        const bool *raw, struct rf_buf *buf, struct rf_cell *out)
{
	size_t i, off;
	rf_buf_reset_small(buf);
	for (i = 0; i < n; i++) {
		out[i].is_null = row->cells[i].is_null;
		out[i].len = buf->len;
		if (!out[i].is_null && !raw[i])
			rf_journal_form(classes[i], &row->cells[i], buf);
		out[i].len = buf->len - out[i].len;
	}
	for (i = 0, off = 0; i < n; off += out[i].len, i++)
		out[i].data = out[i].is_null ? NULL : buf->data + off;
	for (i = 0; i < n; i++)
		if (raw[i])
			out[i] = row->cells[i];
}

static int visit_row(void *ctx, const struct rf_row *row, struct rf_error *err)
{
	struct visit *v = ctx;
	const struct rf_undo_table *ut = &v->u->tables[v->t];
	size_t i, k, nk = v->u->journal.tables[v->t].key.len;
	(void)err;

	journal_row(row, ut->info.ncols, v->classes, v->raw, &v->canon, v->cur);
	for (k = 0; k < nk; k++)
		v->key[k] = v->cur[ut->key_of[k]];
	rf_buf_reset(&v->enc);
	rf_key_encode(&v->enc, v->key, NULL, nk);
	if (!rf_keyset_get(&v->keys, v->enc.data, v->enc.len, &i) || v->seen[i])
		return 0;
	v->seen[i] = true;
	return v->on_row(v, i, v->cur);
}

static void visit_free_table(struct visit *v)
{
	rf_keyset_free(&v->keys);
	memset(&v->keys, 0, sizeof v->keys);
	free(v->cur);
	free(v->key);
	free(v->classes);
	free(v->raw);
	v->cur = v->key = NULL;
	v->classes = NULL;
	v->raw = NULL;
}

/* Streams the target row of every op of table t (by journal key) through
 * on_row; ops with no row are left unseen in v->seen. */
static int visit_table(struct visit *v, struct rf_db *db, size_t t, bool lock, struct rf_error *err)
{
	struct rf_undo *u = v->u;
	const struct rf_journal *j = &u->journal;
	const struct rf_undo_table *ut = &u->tables[t];
	size_t nk = j->tables[t].key.len, ncols = ut->info.ncols, i, k, n = 0;
	struct rf_cell *tuples = rf_xcalloc(j->nops * nk + 1, sizeof *tuples);
	size_t *cols = rf_xcalloc(ncols + 1, sizeof *cols);
	enum rf_type_class *classes = rf_xcalloc(nk + 1, sizeof *classes);
	struct rf_lookup_key lk = {nk, ut->key_of, classes, 0, NULL, false};
	int rc = 0;

	v->t = t;
	v->cur = rf_xcalloc(ncols + 1, sizeof *v->cur);
	v->key = rf_xcalloc(nk + 1, sizeof *v->key);
	v->classes = rf_xcalloc(ncols + 1, sizeof *v->classes);
	v->raw = rf_xcalloc(ncols + 1, sizeof *v->raw);
	for (k = 0; k < ncols; k++) {
		v->classes[k] = ut->info.cols[k].tclass;
		v->raw[k] = raw_col(u, t, k);
	}
	for (k = 0; k < nk; k++)
		classes[k] = ut->info.cols[ut->key_of[k]].tclass;
	for (k = 0; k < ncols; k++)
		cols[k] = k;
	/* backwards: a row several ops wrote (inserted, then its reference set
	 * once a broken cycle's rows all existed) must be as the last left it,
	 * and the earlier ops are checked through that one */
	for (i = j->nops; i-- > 0;) {
		bool added;
		if (j->ops[i].table != t)
			continue;
		rf_buf_reset(&v->enc);
		rf_key_encode(&v->enc, j->ops[i].key, NULL, nk);
		v->last[i] = rf_keyset_put(&v->keys, v->enc.data, v->enc.len, i, &added);
		if (!added) {
			v->seen[i] = true;
			continue;
		}
		for (k = 0; k < nk; k++)
			tuples[n * nk + k] = j->ops[i].key[k];
		n++;
	}
	if (n)
		rc = rf_lookup_rows(db, &ut->info, &lk, tuples, n, cols, ncols, lock, visit_row, v,
		                    err);
	free(tuples);
	free(cols);
	free(classes);
	visit_free_table(v);
	return rc;
}

/* visit_table() for every table of the journal. */
static int visit_all(struct visit *v, struct rf_db *db, bool lock, struct rf_error *err)
{
	size_t t;

	v->seen = rf_xcalloc(v->u->journal.nops + 1, sizeof *v->seen);
	v->last = rf_xcalloc(v->u->journal.nops + 1, sizeof *v->last);
	for (t = 0; t < v->u->journal.ntables; t++)
		if (visit_table(v, db, t, lock, err) != 0)
			return -1;
	return 0;
}

static void visit_free(struct visit *v)
{
	visit_free_table(v);
	rf_buf_free(&v->canon);
	rf_buf_free(&v->enc);
	free(v->seen);
	free(v->last);
}

/* The check itself, in whatever transaction is open. */
int rf_undo_check_locked(struct rf_undo *u, struct rf_db *db, bool lock, struct rf_error *err)
{
	struct visit v;
	size_t i;
	int rc;

	memset(&v, 0, sizeof v);
	v.u = u;
	v.on_row = check_row;
	if (map_tables(u, db, err) != 0 || (!u->after_raw && unhex_afters(u, err) != 0))
		return -1;
	rf_strlist_free(&u->drift);
	free(u->drifted);
	u->drifted = rf_xcalloc(u->journal.nops + 1, sizeof *u->drifted);
	u->ndrifted = 0;
	rc = visit_all(&v, db, lock, err);
	for (i = 0; rc == 0 && i < u->journal.nops; i++)
		if (!v.seen[i] && u->journal.ops[i].kind != RF_OP_DELETE)
			drift(u, i, "is no longer in the target");
	/* a row changed since its last op is left alone by every op of it
	 * (--force): its insert is not undone either */
	for (i = 0; rc == 0 && i < u->journal.nops; i++)
		if (v.last[i] != i && u->drifted[v.last[i]] && !u->drifted[i]) {
			u->drifted[i] = true;
			u->ndrifted++;
		}
	u->checked = rc == 0;
	visit_free(&v);
	return rc;
}

int rf_undo_check(struct rf_undo *u, struct rf_db *target, struct rf_error *err)
{
	bool began = false;
	int rc;

	if (!target->in_tx) {
		if (rf_db_begin(target, RF_TX_READ, NULL, err) != 0)
			return -1;
		began = true;
	}
	rc = rf_undo_check_locked(u, target, false, err);
	if (began)
		rf_db_rollback(target, NULL);
	return rc;
}

int rf_undo_resolve(struct rf_undo *u, struct rf_db *target, bool write, enum rf_tx_outcome *out,
                    struct rf_error *err)
{
	struct rf_journal *j = &u->journal;
	char xid[64];
	const char *tx;
	char *note = NULL, *path = NULL;
	struct rf_journal fresh;
	int rc = -1;

	if (j->state != RF_JOURNAL_PENDING)
		return rf_error_set(err, j->path, "the journal is not pending");
	if (j->busy) {
		rf_error_set(err, j->path, "another rowferry process is writing this journal");
		return 1;
	}
	if (!j->two_phase)
		return rf_error_set(err, j->path,
		                    "a journal from an older rowferry, without a prepared line, "
		                    "was left pending: whether its copy committed cannot be told "
		                    "from the server, and rows present prove nothing");
	if (target->in_tx)
		return rf_error_set(err, target->name, "a transaction is still open");
	/* no valid prepared line: COMMIT was never sent (journal.h) */
	tx = j->prepared && j->prepared_ok ? j->tx : NULL;
	snprintf(xid, sizeof xid, "rowferry-%s", j->id);
	if (rf_db_tx_outcome(target, xid, tx, write, out, err) != 0)
		return -1;
	if (*out == RF_TX_RUNNING)
		return rf_error_set(err, target->name,
		                    "the copy's transaction is still running or committing on %s: "
		                    "try again when it ends",
		                    target->name);
	if (!write) {
		/* --dry-run: what undo would do, nothing written anywhere */
		j->state = *out == RF_TX_COMMITTED ? RF_JOURNAL_COMMITTED : RF_JOURNAL_ABORTED;
		j->sealed = *out == RF_TX_COMMITTED;
		j->seal_ok = j->sealed;
		return 0;
	}
	if (*out == RF_TX_COMMITTED)
		note = rf_xasprintf("%s says transaction %s committed", target->name, tx);
	else if (tx)
		note = rf_xasprintf("%s says transaction %s did not commit", target->name, tx);
	else
		note = rf_xasprintf("no valid prepared line (%s): the copy never reached COMMIT",
		                    j->prepared ? j->prepare_problem : "none written");
	path = rf_xstrdup(j->path);
	if (rf_journal_mark(
	        path, *out == RF_TX_COMMITTED ? RF_JOURNAL_COMMITTED : RF_JOURNAL_ABORTED, j->nops,
	        0, *out == RF_TX_COMMITTED ? j->prepared_sha : NULL, note, err) != 0)
		goto out;
	/* re-read: the committed line must verify against the prepared one */
	if (rf_journal_load(path, false, &fresh, err) != 0)
		goto out;
	rf_journal_free(&u->journal);
	u->journal = fresh;
	u->after_raw = false; /* fresh images are hex again */
	rc = 0;
out:
	free(note);
	free(path);
	return rc;
}

enum rf_undo_ready rf_undo_prepare(struct rf_undo *u, struct rf_db *target, bool write,
                                   bool *settled, enum rf_tx_outcome *outcome, struct rf_error *err)
{
	enum rf_tx_outcome out = RF_TX_ABORTED;
	int r;

	if (settled)
		*settled = false;
	if (u->journal.state == RF_JOURNAL_PENDING && !u->journal.busy) {
		r = rf_undo_resolve(u, target, write, &out, err);
		if (r != 0)
			return r > 0 ? RF_UNDO_REFUSED : RF_UNDO_ERROR;
		if (settled)
			*settled = true;
		if (outcome)
			*outcome = out;
		if (out != RF_TX_COMMITTED)
			return RF_UNDO_NOTHING;
	}
	if (rf_undo_allowed(u, err) != 0)
		return RF_UNDO_REFUSED;
	if (rf_undo_check(u, target, err) != 0)
		return RF_UNDO_ERROR;
	return RF_UNDO_READY;
}
