/* preview.c - warnings computed before apply (preview.h, DESIGN §5). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lookup.h"
#include "rowferry/preview.h"

#define PREVIEW_MANY_ROWS  100
#define PREVIEW_MAX_LISTED 10

const char *rf_severity_name(enum rf_severity s)
{
	return s == RF_SEV_ERROR ? "error" : s == RF_SEV_WARNING ? "warning" : "info";
}

void rf_warnings_free(struct rf_warnings *w)
{
	size_t i;
	for (i = 0; i < w->len; i++)
		free(w->items[i].text);
	free(w->items);
	w->items = NULL;
	w->len = 0;
}

void rf_warnings_add(struct rf_warnings *w, enum rf_severity s, const char *kind, const char *fmt,
                     ...)
{
	struct rf_buf b = RF_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	rf_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	w->items = rf_xrealloc(w->items, (w->len + 1) * sizeof *w->items);
	w->items[w->len].severity = s;
	w->items[w->len].kind = kind;
	w->items[w->len].text = rf_buf_steal(&b);
	w->len++;
}

size_t rf_warnings_count(const struct rf_warnings *w, enum rf_severity s)
{
	size_t i, n = 0;
	for (i = 0; i < w->len; i++)
		n += w->items[i].severity == s;
	return n;
}

/* ---- what the plan alone tells ---- */

static bool inserts_column(const struct rf_plan *p, size_t col)
{
	size_t i;
	for (i = 0; i < p->ninsert_cols; i++)
		if (p->insert_cols[i] == col)
			return true;
	return false;
}

/* The shape column of a target column, or -1. */
static int shape_col_of(const struct rf_plan *p, const char *target_col)
{
	int dst = rf_table_info_col(&p->shape->dst_table, target_col);
	size_t j;
	for (j = 0; dst >= 0 && j < p->shape->ncols; j++)
		if (p->shape->cols[j].dst == dst)
			return (int)j;
	return -1;
}

/* in_set: p is a table of a set copy (rf_set_apply), which moves identity
 * generators past the keys it loads. */
static void plan_warnings(const struct rf_plan *p, const struct rf_preview_opts *o, bool in_set,
                          struct rf_warnings *out)
{
	const struct rf_diff_shape *sh = p->shape;
	const struct rf_table_info *dt = &sh->dst_table;
	size_t i, ninserts = rf_plan_count(p, RF_OP_INSERT);
	size_t nwrites = rf_plan_count(p, RF_OP_UPDATE) + rf_plan_count(p, RF_OP_DELETE);

	for (i = 0; i < p->errors.len; i++)
		rf_warnings_add(out, RF_SEV_ERROR, "plan", "%s", p->errors.items[i]);
	for (i = 0; i < sh->warnings.len; i++)
		rf_warnings_add(out, RF_SEV_INFO, "columns", "%s", sh->warnings.items[i]);
	for (i = 0; i < sh->ncols; i++) {
		const struct rf_diff_col *c = &sh->cols[i];
		const struct rf_column *tc = c->dst >= 0 ? &dt->cols[c->dst] : NULL;
		if (!tc)
			continue;
		if (ninserts && !c->copy && inserts_column(p, i))
			rf_warnings_add(out, RF_SEV_WARNING, "client_uuid",
			                "column %s is %s, NOT NULL and has no default in the "
			                "target: rowferry generates a UUID for each of the %zu "
			                "inserted rows",
			                c->name, c->excluded ? "excluded" : "not in the source",
			                ninserts);
		if (tc->generated && c->src >= 0 && !c->excluded)
			rf_warnings_add(out, RF_SEV_WARNING, "generated",
			                "column %s is generated in the target: the source's values "
			                "are not written, the target computes its own",
			                c->name);
		if (ninserts && tc->identity && inserts_column(p, i) && !in_set)
			rf_warnings_add(out, RF_SEV_WARNING, "identity",
			                "column %s is an identity/auto-increment column in the "
			                "target and the inserts write its values explicitly; "
			                "--exclude %s lets the target number the new rows",
			                c->name, c->name);
		else if (ninserts && tc->identity && inserts_column(p, i))
			/* a set copy moves the generator (identity.h) */
			rf_warnings_add(out, RF_SEV_INFO, "identity",
			                "column %s is an identity/auto-increment column in the "
			                "target and the inserts write its values explicitly: its "
			                "generator is moved past the largest key before COMMIT "
			                "(--exclude %s lets the target number the new rows)",
			                c->name, c->name);
	}
	if (p->unwritable)
		rf_warnings_add(out, RF_SEV_INFO, "generated",
		                "%zu changed row%s differ only in generated columns: nothing to "
		                "write",
		                p->unwritable, p->unwritable == 1 ? "" : "s");
	if (p->skipped) {
		/* the kinds of operation not asked for, e.g. "delete" */
		char off[32] = "";
		if (!(p->ops_mask & RF_OP_INSERT))
			strcat(off, "insert");
		if (!(p->ops_mask & RF_OP_UPDATE))
			strcat(strcat(off, *off ? ", " : ""), "update");
		if (!(p->ops_mask & RF_OP_DELETE))
			strcat(strcat(off, *off ? ", " : ""), "delete");
		rf_warnings_add(out, RF_SEV_INFO, "skipped",
		                "%zu differing row%s left alone: %s not asked for (--ops)",
		                p->skipped, p->skipped == 1 ? "" : "s", off);
	}
	if (!o->filtered && nwrites >= (o->many_rows ? o->many_rows : PREVIEW_MANY_ROWS))
		rf_warnings_add(out, RF_SEV_WARNING, "unfiltered",
		                "%zu rows of %s are updated or deleted and no --where limits the "
		                "copy",
		                nwrites, dt->display);
}

/* ---- what the target tells ---- */

/* Tuples of values collected from the plan, deduplicated. The cells point
 * into the plan's rows. */
struct tuples {
	size_t n; /* columns per tuple */
	size_t len;
	struct rf_cell *cells; /* len * n */
	size_t *op;            /* the first op each tuple came from */
	struct rf_keyset seen;
	size_t repeats;       /* tuples given by more than one op */
	struct rf_buf listed; /* the first repeated tuples, formatted */
	size_t nlisted;
};

static void tuples_free(struct tuples *t)
{
	free(t->cells);
	free(t->op);
	rf_keyset_free(&t->seen);
	rf_buf_free(&t->listed);
}

static void format_tuple(struct rf_buf *out, const char *const *names, const struct rf_cell *cells,
                         size_t n)
{
	size_t i;
	rf_buf_addc(out, '(');
	for (i = 0; i < n; i++) {
		rf_buf_printf(out, "%s%s=", i ? ", " : "", names[i]);
		if (cells[i].is_null)
			rf_buf_adds(out, "NULL");
		else
			rf_buf_add(out, cells[i].data, cells[i].len > 60 ? 60 : cells[i].len);
	}
	rf_buf_addc(out, ')');
}

/* Adds the tuple cells[cols[0..n)] of op i unless it holds a NULL (NULLs
 * neither reference a parent nor collide in a unique key). */
static void tuples_add(struct tuples *t, const struct rf_cell *const *vals, size_t op,
                       const char *const *names, size_t max_listed)
{
	struct rf_buf key = RF_BUF_INIT;
	size_t i;
	bool added;

	for (i = 0; i < t->n; i++)
		if (vals[i]->is_null)
			goto out;
	for (i = 0; i < t->n; i++)
		rf_key_encode(&key, vals[i], NULL, 1);
	rf_keyset_put(&t->seen, key.data, key.len, t->len, &added);
	if (!added) {
		if (t->repeats++ < max_listed) {
			struct rf_cell cells[16];
			for (i = 0; i < t->n && i < 16; i++)
				cells[i] = *vals[i];
			rf_buf_adds(&t->listed, t->nlisted++ ? ", " : "");
			format_tuple(&t->listed, names, cells, t->n < 16 ? t->n : 16);
		}
		goto out;
	}
	t->cells = rf_xrealloc(t->cells, (t->len + 1) * t->n * sizeof *t->cells);
	t->op = rf_xrealloc(t->op, (t->len + 1) * sizeof *t->op);
	for (i = 0; i < t->n; i++)
		t->cells[t->len * t->n + i] = *vals[i];
	t->op[t->len++] = op;
out:
	rf_buf_free(&key);
}

/* Collects, for target columns named `names`, the values the plan writes:
 * each INSERT's (when it writes all of them) and each UPDATE's that
 * changes one of them. Returns false when a column is not in the shape. */
static bool collect_written(const struct rf_plan *p, const char *const *names, size_t n,
                            size_t max_listed, struct tuples *t)
{
	int cols[16];
	const struct rf_cell *vals[16];
	bool all_inserted = true;
	size_t i, k;

	if (n == 0 || n > 16)
		return false;
	for (k = 0; k < n; k++) {
		cols[k] = shape_col_of(p, names[k]);
		if (cols[k] < 0)
			return false;
		all_inserted = all_inserted && inserts_column(p, (size_t)cols[k]);
	}
	memset(t, 0, sizeof *t);
	t->n = n;
	for (i = 0; i < p->nops; i++) {
		const struct rf_op *op = &p->ops[i];
		bool changes = false;
		if (op->kind == RF_OP_DELETE || (op->kind == RF_OP_INSERT && !all_inserted))
			continue;
		for (k = 0; k < n; k++) {
			size_t c = (size_t)cols[k];
			if (op->kind == RF_OP_INSERT) {
				vals[k] = rf_plan_value(op, c);
			} else {
				changes = changes || op->row->changed[c];
				vals[k] =
				    op->row->changed[c] ? rf_plan_value(op, c) : &op->row->dst[c];
			}
		}
		if (op->kind == RF_OP_UPDATE && !changes)
			continue;
		tuples_add(t, vals, i, names, max_listed);
	}
	return true;
}

/* State of one lookup: which tuples the target has. */
struct found {
	size_t nkey;
	const enum rf_type_class *classes; /* canonical class per key column */
	struct rf_keyset rows;             /* encoded key -> 0 */
	/* unique checks: target rows that are deleted or move away first */
	size_t ntk;
	const enum rf_type_class *tk_classes;
	const struct rf_col_opts *tk_opts;
	const struct rf_keyset *leaving;
	struct rf_buf canon, enc;
	struct rf_cell cells[32];
};

static int found_row(void *ctx, const struct rf_row *row, struct rf_error *err)
{
	struct found *f = ctx;
	(void)err;
	if (f->ntk && f->leaving) {
		rf_lookup_canon(row, f->nkey, f->ntk, f->tk_classes, f->tk_opts, &f->canon,
		                f->cells);
		rf_buf_reset(&f->enc);
		rf_key_encode(&f->enc, f->cells, NULL, f->ntk);
		if (rf_keyset_get(f->leaving, f->enc.data, f->enc.len, NULL))
			return 0;
	}
	rf_lookup_canon(row, 0, f->nkey, f->classes, NULL, &f->canon, f->cells);
	rf_buf_reset(&f->enc);
	rf_key_encode(&f->enc, f->cells, NULL, f->nkey);
	rf_keyset_put(&f->rows, f->enc.data, f->enc.len, 0, NULL);
	return 0;
}

static void found_free(struct found *f)
{
	rf_keyset_free(&f->rows);
	rf_buf_free(&f->canon);
	rf_buf_free(&f->enc);
}

/* Formats up to max tuples of t for which `want_found` matches whether
 * the target (f) has them; returns how many matched in all. */
static size_t list_tuples(const struct tuples *t, const struct found *f,
                          const struct rf_keyset *also_absent, bool want_found,
                          const char *const *names, size_t max, struct rf_buf *out)
{
	struct rf_buf key = RF_BUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < t->len; i++) {
		bool has;
		rf_buf_reset(&key);
		rf_key_encode(&key, &t->cells[i * t->n], NULL, t->n);
		has = rf_keyset_get(&f->rows, key.data, key.len, NULL) ||
		      (also_absent && rf_keyset_get(also_absent, key.data, key.len, NULL));
		if (has != want_found)
			continue;
		if (n++ < max) {
			rf_buf_adds(out, n > 1 ? ", " : "");
			format_tuple(out, names, &t->cells[i * t->n], t->n);
		}
	}
	if (n > max)
		rf_buf_printf(out, " and %zu more", n - max);
	rf_buf_free(&key);
	return n;
}

static bool same_table(const struct rf_table_info *t, const char *name)
{
	return strcmp(name, t->display) == 0 || strcmp(name, t->name) == 0;
}

/* The parents the plans q[0..n) insert into the table fk references, as
 * encoded keys into own. */
static void own_parents(const struct rf_plan *const *q, size_t n, const struct rf_fkey *fk,
                        const char *const *ref_cols, struct rf_keyset *own)
{
	struct rf_buf k = RF_BUF_INIT;
	struct tuples mine;
	size_t j, i;

	for (j = 0; j < n; j++) {
		if (!same_table(&q[j]->shape->dst_table, fk->ref_table) ||
		    !collect_written(q[j], ref_cols, fk->ncols, 0, &mine))
			continue;
		for (i = 0; i < mine.len; i++) {
			if (q[j]->ops[mine.op[i]].kind != RF_OP_INSERT)
				continue;
			rf_buf_reset(&k);
			rf_key_encode(&k, &mine.cells[i * mine.n], NULL, mine.n);
			rf_keyset_put(own, k.data, k.len, 0, NULL);
		}
		tuples_free(&mine);
	}
	rf_buf_free(&k);
}

/* Foreign keys: every parent a written row references must exist in the
 * target, or be inserted by this same plan when the key references the
 * table itself, or by another plan of the set (set[0..nset)). A reference
 * through a match key (rf_col_ref) is looked up by that key: the row's
 * value is the parent's match key. */
static int check_fkey(const struct rf_plan *p, struct rf_db *db, const struct rf_fkey *fk,
                      const struct rf_plan *const *set, size_t nset, size_t max,
                      struct rf_warnings *out, struct rf_error *err)
{
	const struct rf_table_info *dt = &p->shape->dst_table;
	struct rf_table_info parent;
	struct tuples t;
	struct found f;
	struct rf_keyset own = RF_KEYSET_INIT;
	enum rf_type_class classes[16], quote[16];
	size_t cols[16], i;
	struct rf_lookup_key key = {fk->ncols, cols, quote, 0, NULL, false};
	struct rf_buf list = RF_BUF_INIT;
	bool self = same_table(dt, fk->ref_table);
	const char *const *ref_cols = (const char *const *)fk->ref_cols;
	int sc, rc = -1;

	memset(&parent, 0, sizeof parent);
	memset(&f, 0, sizeof f);
	if (!collect_written(p, (const char *const *)fk->cols, fk->ncols, 0, &t))
		return 0;
	if (t.len == 0) {
		rc = 0;
		goto out;
	}
	if (rf_db_describe(db, fk->ref_table, &parent, err) != 0)
		goto out;
	sc = shape_col_of(p, fk->cols[0]);
	if (fk->ncols == 1 && sc >= 0 && p->shape->cols[sc].ref)
		ref_cols = (const char *const *)&p->shape->cols[sc].ref->mk;
	for (i = 0; i < fk->ncols; i++) {
		int pc = rf_table_info_col(&parent, ref_cols[i]);
		if (pc < 0) {
			rc = 0; /* a parent we cannot read the same way: say nothing */
			goto out;
		}
		cols[i] = (size_t)pc;
		classes[i] = p->shape->cols[shape_col_of(p, fk->cols[i])].tclass;
		quote[i] = rf_lookup_class(classes[i], parent.cols[pc].tclass);
	}
	if (self) /* parents the plan itself inserts */
		own_parents(&p, 1, fk, ref_cols, &own);
	own_parents(set, nset, fk, ref_cols, &own);
	f.nkey = fk->ncols;
	f.classes = classes;
	if (rf_lookup_rows(db, &parent, &key, t.cells, t.len, cols, fk->ncols, false, found_row, &f,
	                   err) != 0)
		goto out;
	if (list_tuples(&t, &f, &own, false, (const char *const *)fk->cols, max, &list))
		rf_warnings_add(out, RF_SEV_ERROR, "fk_parent_missing",
		                "foreign key %s: parent rows missing in %s for %s",
		                fk->name ? fk->name : "(unnamed)", parent.display, list.data);
	rc = 0;
out:
	rf_buf_free(&list);
	rf_keyset_free(&own);
	found_free(&f);
	tuples_free(&t);
	rf_table_info_free(&parent);
	return rc;
}

/* Whether names are the match key's columns (in any order). */
static bool is_match_key(const struct rf_plan *p, const char *const *names, size_t n)
{
	size_t i, k;
	if (n != p->shape->nkey)
		return false;
	for (i = 0; i < n; i++) {
		bool found = false;
		for (k = 0; k < p->shape->nkey; k++)
			found =
			    found || strcmp(p->shape->cols[p->shape->key[k]].name, names[i]) == 0;
		if (!found)
			return false;
	}
	return true;
}

/* Target keys of rows that give up their unique values before the inserts
 * run: deleted rows and rows updated in one of the key's columns. */
static void leaving_rows(const struct rf_plan *p, const int *cols, size_t n, struct rf_keyset *out)
{
	struct rf_buf k = RF_BUF_INIT;
	size_t i, j;
	for (i = 0; i < p->nops; i++) {
		const struct rf_op *op = &p->ops[i];
		bool leaves = op->kind == RF_OP_DELETE;
		for (j = 0; op->kind == RF_OP_UPDATE && j < n; j++)
			leaves = leaves || op->row->changed[cols[j]];
		if (!leaves)
			continue;
		rf_buf_reset(&k);
		rf_key_encode(&k, op->row->dst, p->target_key, p->ntarget_key);
		rf_keyset_put(out, k.data, k.len, i, NULL);
	}
	rf_buf_free(&k);
}

/* A unique key (or the primary key): the values the plan writes must not
 * exist in the target already, nor repeat within the plan. */
static int check_unique(const struct rf_plan *p, struct rf_db *db, const char *what,
                        const char *const *names, size_t n, bool whole_table, size_t max,
                        struct rf_warnings *out, struct rf_error *err)
{
	const struct rf_diff_shape *sh = p->shape;
	const struct rf_table_info *dt = &sh->dst_table;
	struct tuples t;
	struct found f;
	struct rf_keyset leaving = RF_KEYSET_INIT;
	enum rf_type_class classes[16], quote[16], tk_classes[16];
	struct rf_col_opts tk_opts[16];
	size_t cols[32], i;
	int scols[16];
	struct rf_lookup_key key = {n, cols, quote, 0, NULL, false};
	struct rf_buf list = RF_BUF_INIT;
	int rc = -1;

	memset(&f, 0, sizeof f);
	/* the diff read every target row and matched by this very key: the
	 * values it inserts are not in the target (the apply re-checks that
	 * under lock), and the diff refuses a key twice on one side, so they
	 * cannot repeat either */
	if (whole_table && is_match_key(p, names, n))
		return 0;
	/* a reference rewritten through its parent's match key is written as
	 * the key the target holds or generates for that parent, known only
	 * inside the apply: the plan holds the match key, not a value of this
	 * column; the load's own unique check stands for this key there */
	for (i = 0; i < n; i++) {
		int sc = shape_col_of(p, names[i]);
		if (sc >= 0 && sh->cols[sc].ref)
			return 0;
	}
	if (p->ntarget_key > 16 || !collect_written(p, names, n, max, &t))
		return 0;
	if (t.repeats)
		rf_warnings_add(out, RF_SEV_ERROR, "unique_violation",
		                "%s: %zu value%s repeat within the copy: %s%s", what, t.repeats,
		                t.repeats == 1 ? "" : "s", t.listed.data,
		                t.repeats > max ? " ..." : "");
	if (t.len == 0) {
		rc = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		scols[i] = shape_col_of(p, names[i]);
		cols[i] = (size_t)sh->cols[scols[i]].dst;
		classes[i] = sh->cols[scols[i]].tclass;
		quote[i] = rf_lookup_class(classes[i], dt->cols[cols[i]].tclass);
	}
	/* stream the key, then the target key to tell which row holds it */
	for (i = 0; i < p->ntarget_key; i++) {
		const struct rf_diff_col *c = &sh->cols[p->target_key[i]];
		cols[n + i] = (size_t)c->dst;
		tk_classes[i] = c->tclass;
		tk_opts[i] = c->opts;
	}
	leaving_rows(p, scols, n, &leaving);
	f.nkey = n;
	f.classes = classes;
	f.ntk = p->ntarget_key;
	f.tk_classes = tk_classes;
	f.tk_opts = tk_opts;
	f.leaving = &leaving;
	if (rf_lookup_rows(db, dt, &key, t.cells, t.len, cols, n + p->ntarget_key, false, found_row,
	                   &f, err) != 0)
		goto out;
	if (list_tuples(&t, &f, NULL, true, names, max, &list))
		rf_warnings_add(out, RF_SEV_ERROR, "unique_violation",
		                "%s: values already in %s: %s", what, dt->display, list.data);
	rc = 0;
out:
	rf_buf_free(&list);
	rf_keyset_free(&leaving);
	found_free(&f);
	tuples_free(&t);
	return rc;
}

static int target_warnings(const struct rf_plan *p, struct rf_db *db, bool whole_table, size_t max,
                           const struct rf_plan *const *set, size_t nset, struct rf_warnings *out,
                           struct rf_error *err)
{
	const struct rf_table_info *dt = &p->shape->dst_table;
	const char *pk[16];
	size_t i;

	for (i = 0; i < dt->nfkeys; i++)
		if (check_fkey(p, db, &dt->fkeys[i], set, nset, max, out, err) != 0)
			return -1;
	if (dt->npk && dt->npk <= 16) {
		for (i = 0; i < dt->npk; i++)
			pk[i] = dt->cols[dt->pk[i]].name;
		if (check_unique(p, db, "primary key", pk, dt->npk, whole_table, max, out, err) !=
		    0)
			return -1;
	}
	for (i = 0; i < dt->nunique; i++) {
		char *what = rf_xasprintf("unique key %s", dt->uniques[i].name);
		int r = check_unique(p, db, what, (const char *const *)dt->uniques[i].cols,
		                     dt->uniques[i].ncols, whole_table, max, out, err);
		free(what);
		if (r != 0)
			return -1;
	}
	return 0;
}

int rf_preview_warnings(const struct rf_plan *p, struct rf_db *target,
                        const struct rf_preview_opts *o, struct rf_warnings *out,
                        struct rf_error *err)
{
	return rf_preview_warnings_set(p, target, o, NULL, 0, out, err);
}

int rf_preview_warnings_set(const struct rf_plan *p, struct rf_db *target,
                            const struct rf_preview_opts *o, const struct rf_plan *const *set,
                            size_t nset, struct rf_warnings *out, struct rf_error *err)
{
	static const struct rf_preview_opts none = {false, 0, 0};
	size_t max;
	bool began = false;
	int rc;

	if (!o)
		o = &none;
	max = o->max_listed ? o->max_listed : PREVIEW_MAX_LISTED;
	plan_warnings(p, o, nset > 0, out);
	if (p->nops == 0)
		return 0;
	if (!target->in_tx) {
		if (rf_db_begin(target, RF_TX_READ, NULL, err) != 0)
			return -1;
		began = true;
	}
	rc = target_warnings(p, target, !o->filtered, max, set, nset, out, err);
	if (began)
		rf_db_rollback(target, NULL);
	return rc;
}
