/* set_keys.c - a set copy's references to parents resolved before the
 * children load (set_keys.h). */
#include <stdlib.h>
#include <string.h>

#include "lookup.h"
#include "set_keys.h"

struct set_key_cell {
	struct rf_plan *p;
	size_t op, col;
};

/* The item of sp whose target table is the parent reference c names, or
 * -1. */
static int parent_item(const struct rf_set_plan *sp, const struct rf_diff_col *c)
{
	const struct rf_table_info *want = &c->ref->parent[1];
	size_t i;

	for (i = 0; i < sp->len; i++) {
		const struct rf_table_info *t = &sp->items[i].plan->shape->dst_table;
		if (strcmp(t->name, want->name) == 0 &&
		    (!t->schema || !want->schema || strcmp(t->schema, want->schema) == 0))
			return (int)i;
	}
	return -1;
}

/* Whether an insert of p writes shape column j through the parent's match
 * key (rf_plan_written resolves it in the target). */
static bool col_resolved_in_target(const struct rf_plan *p, size_t j)
{
	const struct rf_cell *v;
	enum rf_type_class cls;
	size_t i;

	if (!p->shape->cols[j].ref)
		return false;
	for (i = 0; i < p->nops; i++)
		if (p->ops[i].kind == RF_OP_INSERT && rf_plan_written(p, &p->ops[i], j, &v, &cls))
			return true;
	return false;
}

void set_keys_mark(struct rf_set_plan *sp, const struct rf_db *dst)
{
	size_t t, j;

	for (t = 0; t < sp->len; t++) {
		struct rf_plan *p = sp->items[t].plan;
		bool ok = true, any = false;

		p->refs_first = false;
		if (!dst->bulk || !p->bulk_rows || !p->ninsert_cols ||
		    rf_plan_count(p, RF_OP_INSERT) < p->bulk_rows)
			continue;
		for (j = 0; j < p->ninsert_cols && ok; j++) {
			size_t col = p->insert_cols[j];
			int parent;
			if (!col_resolved_in_target(p, col))
				continue;
			/* the parent's rows are in before this plan runs */
			parent = parent_item(sp, &p->shape->cols[col]);
			ok = parent >= 0 && (size_t)parent < t;
			any = true;
		}
		p->refs_first = ok && any;
	}
}

void set_keys_preview(const struct rf_plan *p, const struct rf_db *dst, struct rf_buf *out)
{
	size_t j;

	if (!p->refs_first || !rf_plan_loads_in_bulk(p, dst))
		return;
	for (j = 0; j < p->ninsert_cols; j++) {
		const struct rf_diff_col *c = &p->shape->cols[p->insert_cols[j]];
		if (!col_resolved_in_target(p, p->insert_cols[j]))
			continue;
		rf_buf_printf(out,
		              "-- %s: resolved before the load to the %s of the %s row with that "
		              "%s, the key the target generates above (or already holds); the "
		              "rows below show the %s\n",
		              c->name, c->ref->pk, c->ref->parent[1].display, c->ref->mk,
		              c->ref->mk);
	}
}

void set_keys_init(struct set_keys *sk, const struct rf_set_plan *sp)
{
	size_t i;

	memset(sk, 0, sizeof *sk);
	sk->sp = sp;
	sk->learned = rf_xcalloc(sp->len + 1, sizeof *sk->learned);
	sk->marked = rf_xcalloc(sp->len + 1, sizeof *sk->marked);
	for (i = 0; i < sp->len; i++)
		sk->marked[i] = sp->items[i].plan->refs_first;
}

struct rf_gen_keys *set_keys_learner(struct set_keys *sk, const struct rf_plan *step)
{
	const struct rf_set_plan *sp = sk->sp;
	size_t parent = rf_set_plan_item_of(sp, step);
	size_t t, j;

	if (parent == sp->len || !rf_plan_count(step, RF_OP_INSERT))
		return NULL;
	/* the first child that resolves references to it names the column */
	for (t = parent + 1; t < sp->len; t++) {
		const struct rf_plan *p = sp->items[t].plan;
		if (!p->refs_first)
			continue;
		for (j = 0; j < p->ninsert_cols; j++) {
			const struct rf_diff_col *c = &p->shape->cols[p->insert_cols[j]];
			if (c->ref && parent_item(sp, c) == (int)parent) {
				if (!sk->learned[parent])
					sk->learned[parent] = rf_gen_keys_new(c->ref->pk);
				return sk->learned[parent];
			}
		}
	}
	return NULL;
}

static void remember(struct set_keys *sk, struct rf_plan *p, size_t op, size_t col)
{
	if (sk->nset == sk->capset) {
		sk->capset = sk->capset ? 2 * sk->capset : 256;
		sk->set = rf_xrealloc(sk->set, sk->capset * sizeof *sk->set);
	}
	sk->set[sk->nset++] = (struct set_key_cell){p, op, col};
}

/* The parents a lookup found: match key (canonical, the child column's
 * class) -> key (canonical, the parent column's class). */
struct found {
	const struct rf_diff_col *c;
	const struct rf_table_info *t;
	int pkc;
	struct rf_gen_keys *keys;
	bool twice; /* a match key on two rows: nothing is taken */
	struct rf_buf canon;
};

static int found_row(void *ctx, const struct rf_row *row, struct rf_error *err)
{
	struct found *f = ctx;
	static const struct rf_col_opts plain = RF_COL_OPTS_INIT;
	struct rf_cell k = row->cells[0], mk = row->cells[1];
	size_t at;
	(void)err;

	if (k.is_null || mk.is_null)
		return 0;
	rf_buf_reset(&f->canon);
	rf_value_canon(f->t->cols[f->pkc].tclass, &k, &plain, &f->canon);
	at = f->canon.len;
	rf_value_canon(f->c->tclass, &mk, &plain, &f->canon);
	k.data = f->canon.data;
	k.len = at;
	mk.data = f->canon.data + at;
	mk.len = f->canon.len - at;
	if (!rf_gen_keys_put(f->keys, &mk, &k))
		f->twice = true;
	return 0;
}

/* Looks the match keys mks[0..n) of column c's parent up in dst: their
 * keys into *out (made here), or NULL when one is on two rows. */
static int look_up(struct rf_db *dst, const struct rf_table_info *t, const struct rf_diff_col *c,
                   const struct rf_cell *mks, size_t n, struct rf_gen_keys **out,
                   struct rf_error *err)
{
	struct found f;
	size_t cols[2];
	enum rf_type_class quote;
	struct rf_lookup_key lk = {1, &cols[1], &quote, 0, NULL, false};
	int pkc = rf_table_info_col(t, c->ref->pk), mkc = rf_table_info_col(t, c->ref->mk);
	int rc;

	*out = NULL;
	if (pkc < 0 || mkc < 0)
		return 0;
	memset(&f, 0, sizeof f);
	f.c = c;
	f.t = t;
	f.pkc = pkc;
	f.keys = rf_gen_keys_new(c->ref->pk);
	cols[0] = (size_t)pkc;
	cols[1] = (size_t)mkc;
	quote = rf_lookup_class(c->tclass, t->cols[mkc].tclass);
	rc = rf_lookup_rows(dst, t, &lk, mks, n, cols, 2, false, found_row, &f, err);
	rf_buf_free(&f.canon);
	if (rc != 0 || f.twice) {
		rf_gen_keys_free(f.keys);
		return rc;
	}
	*out = f.keys;
	return 0;
}

/* Resolves shape column j of p's inserts: from the keys learned for its
 * parent, then from a lookup of the rest in dst. */
static int resolve_col(struct set_keys *sk, struct rf_plan *p, size_t j, struct rf_db *dst,
                       struct rf_error *err)
{
	const struct rf_diff_col *c = &p->shape->cols[j];
	int parent = parent_item(sk->sp, c);
	struct rf_gen_keys *learned = parent >= 0 ? sk->learned[parent] : NULL, *held = NULL;
	struct rf_keyset missed = RF_KEYSET_INIT;
	struct rf_cell *mks = NULL, key;
	struct rf_buf enc = RF_BUF_INIT;
	size_t i, n = 0;
	bool added;
	int rc = -1;

	if (parent < 0)
		return 0;
	for (i = 0; i < p->nops; i++) {
		struct rf_op *op = &p->ops[i];
		const struct rf_cell *mk = &op->row->src[j];
		if (op->kind != RF_OP_INSERT || mk->is_null ||
		    (op->ref_key && !op->ref_key[j].is_null))
			continue;
		if (rf_gen_keys_get(learned, mk, &key)) {
			rf_plan_set_ref_key(p, op, j, &key);
			remember(sk, p, i, j);
			continue;
		}
		rf_buf_reset(&enc);
		rf_key_encode(&enc, mk, NULL, 1);
		rf_keyset_put(&missed, enc.data, enc.len, n, &added);
		if (!added)
			continue;
		if (!mks)
			mks = rf_xcalloc(p->nops, sizeof *mks);
		mks[n++] = *mk;
	}
	/* parents the target held before: looked up by match key, and
	 * re-checked under lock by the step (apply_check.c) */
	if (n &&
	    look_up(dst, &sk->sp->items[parent].plan->shape->dst_table, c, mks, n, &held, err) != 0)
		goto out;
	for (i = 0; n && held && i < p->nops; i++) {
		struct rf_op *op = &p->ops[i];
		if (op->kind != RF_OP_INSERT || (op->ref_key && !op->ref_key[j].is_null) ||
		    !rf_gen_keys_get(held, &op->row->src[j], &key))
			continue;
		rf_plan_set_ref_key(p, op, j, &key);
		remember(sk, p, i, j);
	}
	rc = 0;
out:
	rf_gen_keys_free(held);
	rf_keyset_free(&missed);
	rf_buf_free(&enc);
	free(mks);
	return rc;
}

int set_keys_resolve(struct set_keys *sk, const struct rf_plan *step, struct rf_db *dst,
                     struct rf_error *err)
{
	size_t t = rf_set_plan_item_of(sk->sp, step), j;
	struct rf_plan *p;

	/* its inserts' plan, not its deletes' or cycle updates' */
	if (t == sk->sp->len || sk->sp->items[t].plan != step || !step->refs_first)
		return 0;
	p = sk->sp->items[t].plan;
	for (j = 0; j < p->ninsert_cols; j++)
		if (col_resolved_in_target(p, p->insert_cols[j]) &&
		    resolve_col(sk, p, p->insert_cols[j], dst, err) != 0)
			return -1;
	/* a reference left unresolved (its parent not found): the subqueries,
	 * whose INSERT then fails on it as it would have */
	if (!rf_plan_inserts_plain(p))
		p->refs_first = false;
	return 0;
}

void set_keys_free(struct set_keys *sk)
{
	size_t i;

	for (i = 0; i < sk->nset; i++)
		rf_plan_unset_ref_key(sk->set[i].p, &sk->set[i].p->ops[sk->set[i].op],
		                      sk->set[i].col);
	for (i = 0; i < sk->sp->len; i++) {
		sk->sp->items[i].plan->refs_first = sk->marked[i];
		rf_gen_keys_free(sk->learned[i]);
	}
	free(sk->learned);
	free(sk->marked);
	free(sk->set);
	memset(sk, 0, sizeof *sk);
}
