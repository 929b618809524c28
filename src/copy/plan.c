/* plan.c - the operations that make the target match (plan.h, DESIGN §5):
 * building a plan from a diff; plan_render.c renders it. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "rowferry/plan.h"

int rf_ops_parse(const char *spec, struct rf_error *err)
{
	struct rf_strlist l = RF_STRLIST_INIT;
	size_t i;
	int mask = 0;

	rf_strlist_split(&l, spec);
	for (i = 0; i < l.len; i++) {
		if (strcmp(l.items[i], "insert") == 0)
			mask |= RF_OP_INSERT;
		else if (strcmp(l.items[i], "update") == 0)
			mask |= RF_OP_UPDATE;
		else if (strcmp(l.items[i], "delete") == 0)
			mask |= RF_OP_DELETE;
		else {
			rf_error_set(err, "--ops",
			             "unknown operation '%s' (insert, update, delete)", l.items[i]);
			mask = -1;
			break;
		}
	}
	if (mask == 0)
		mask = rf_error_set(err, "--ops", "no operation given (insert, update, delete)");
	rf_strlist_free(&l);
	return mask;
}

const char *rf_op_name(enum rf_op_kind k)
{
	return k == RF_OP_INSERT ? "insert" : k == RF_OP_UPDATE ? "update" : "delete";
}

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

/* Whether a column holds UUIDs, so a client-side UUID is a sensible value
 * for it when it is excluded and the target has no default. */
static bool holds_uuids(const struct rf_column *c)
{
	if (c->tclass == RF_T_UUID)
		return true;
	if (c->tclass != RF_T_TEXT && c->tclass != RF_T_OTHER)
		return false;
	return contains_ci(c->decl_type, "uuid") || contains_ci(c->decl_type, "char(36)") ||
	       contains_ci(c->name, "guid") || contains_ci(c->name, "uuid");
}

static bool target_supplies(const struct rf_column *c)
{
	return c->default_expr || c->identity || c->generated;
}

struct rf_plan *rf_plan_new(struct rf_diff_shape *shape, unsigned ops_mask)
{
	struct rf_plan *p = rf_xcalloc(1, sizeof *p);
	const struct rf_table_info *dt = &shape->dst_table;
	size_t i;

	p->shape = shape;
	p->owns_shape = true;
	/* Apply reads inserted rows back by key under its own locks instead:
	 * measured on 100k rows, RETURNING made the INSERTs 3-4x slower on
	 * MariaDB and ~1.5x on PostgreSQL, and reading back works the same on
	 * every engine. Set false to have INSERTs return their rows. */
	p->no_returning = true;
	p->bulk_rows = RF_PLAN_BULK_ROWS;
	p->ops_mask = ops_mask;
	p->insert_cols = rf_xcalloc(shape->ncols, sizeof *p->insert_cols);
	for (i = 0; i < shape->ncols; i++) {
		const struct rf_diff_col *c = &shape->cols[i];
		const struct rf_column *tc = c->dst >= 0 ? &dt->cols[c->dst] : NULL;
		if (!tc || tc->generated)
			continue;
		if (c->copy) {
			p->insert_cols[p->ninsert_cols++] = i;
		} else if (!tc->nullable && !target_supplies(tc)) {
			/* left out of the INSERT, and the target cannot fill it */
			if (holds_uuids(tc)) {
				p->insert_cols[p->ninsert_cols++] = i;
			} else {
				char *e = rf_xasprintf("column %s is excluded (or not in the "
				                       "source), NOT NULL and has no "
				                       "default in the target: inserts would fail; "
				                       "copy it or give it a "
				                       "default",
				                       c->name);
				rf_strlist_add(&p->errors, e);
				free(e);
			}
		}
	}
	/* rows are addressed by the target's primary key where it has one: that
	 * is what the journal records and what undo finds rows by */
	p->target_key = rf_xcalloc(shape->ncols, sizeof *p->target_key);
	for (i = 0; i < dt->npk; i++)
		for (size_t j = 0; j < shape->ncols; j++)
			if (shape->cols[j].dst == (int)dt->pk[i])
				p->target_key[p->ntarget_key++] = j;
	if (p->ntarget_key == 0)
		for (i = 0; i < shape->nkey; i++)
			p->target_key[p->ntarget_key++] = shape->key[i];
	return p;
}

void rf_plan_free(struct rf_plan *p)
{
	size_t i, j;
	if (!p)
		return;
	for (i = 0; i < p->nops; i++) {
		rf_diff_row_free(p->ops[i].row, p->shape->ncols);
		if (p->ops[i].gen) {
			for (j = 0; j < p->shape->ncols; j++)
				free((void *)p->ops[i].gen[j].data);
			free(p->ops[i].gen);
		}
		if (p->ops[i].ref_key) {
			/* the first key's bytes are in the cells' block */
			const char *inline_key =
			    (const char *)(p->ops[i].ref_key + p->shape->ncols);
			for (j = 0; j < p->shape->ncols; j++)
				if (p->ops[i].ref_key[j].data != inline_key)
					free((void *)p->ops[i].ref_key[j].data);
			free(p->ops[i].ref_key);
		}
	}
	free(p->ops);
	free(p->insert_cols);
	free(p->target_key);
	rf_strlist_free(&p->errors);
	if (p->owns_shape)
		rf_diff_shape_free(p->shape);
	free(p);
}

static enum rf_op_kind op_kind_for(enum rf_diff_status status)
{
	return status == RF_ONLY_SOURCE ? RF_OP_INSERT
	       : status == RF_CHANGED   ? RF_OP_UPDATE
	                                : RF_OP_DELETE;
}

/* Client-side values for an INSERT's columns the target cannot fill,
 * generated now, not at apply time, so the preview shows the very values
 * apply writes and the journal records. */
static void generate_values(const struct rf_plan *p, struct rf_op *op)
{
	size_t i, j;
	for (i = 0; i < p->ninsert_cols; i++) {
		const struct rf_diff_col *c = &p->shape->cols[p->insert_cols[i]];
		uuid_t u;
		char text[37];
		if (c->copy)
			continue;
		if (!op->gen) {
			op->gen = rf_xcalloc(p->shape->ncols, sizeof *op->gen);
			for (j = 0; j < p->shape->ncols; j++)
				op->gen[j].is_null = true;
		}
		uuid_generate_random(u);
		uuid_unparse_lower(u, text);
		op->gen[p->insert_cols[i]].data = rf_xstrdup(text);
		op->gen[p->insert_cols[i]].len = 36;
		op->gen[p->insert_cols[i]].is_null = false;
	}
}

/* A column the target computes (GENERATED ALWAYS AS) cannot be assigned:
 * an UPDATE leaves it out, and a row that differs only there has nothing
 * to write. Returns the number of columns left to update. */
static size_t drop_generated(const struct rf_plan *p, struct rf_diff_row *row)
{
	const struct rf_table_info *dt = &p->shape->dst_table;
	size_t j;
	row->nchanged = 0;
	for (j = 0; j < p->shape->ncols; j++) {
		int dst = p->shape->cols[j].dst;
		if (row->changed[j] && dst >= 0 && dt->cols[dst].generated)
			row->changed[j] = false;
		row->nchanged += row->changed[j];
	}
	return row->nchanged;
}

/* Adds the op for a diff row the plan takes ownership of (freed here when
 * no op results). */
static void add_owned(struct rf_plan *p, struct rf_diff_row *row)
{
	enum rf_op_kind k = op_kind_for(row->status);
	struct rf_op *op;

	if (k == RF_OP_UPDATE && drop_generated(p, row) == 0) {
		p->unwritable++;
		rf_diff_row_free(row, p->shape->ncols);
		return;
	}
	if (p->nops == p->ops_cap) {
		p->ops_cap = p->ops_cap ? p->ops_cap * 2 : 64;
		p->ops = rf_xrealloc(p->ops, p->ops_cap * sizeof *p->ops);
	}
	op = &p->ops[p->nops++];
	op->kind = k;
	op->row = row;
	op->gen = NULL;
	op->ref_key = NULL;
	if (k == RF_OP_INSERT)
		generate_values(p, op);
}

void rf_plan_add(struct rf_plan *p, const struct rf_diff_row *row)
{
	if (row->status == RF_IDENTICAL)
		return;
	if (!(p->ops_mask & op_kind_for(row->status))) {
		p->skipped++;
		return;
	}
	add_owned(p, rf_diff_row_dup(row, p->shape->ncols));
}

void rf_plan_add_taking(struct rf_plan *p, const struct rf_diff_row *row, char **src_bytes)
{
	struct rf_diff_row *o;

	if (row->status == RF_IDENTICAL)
		return;
	if (!(p->ops_mask & op_kind_for(row->status))) {
		p->skipped++;
		return;
	}
	if (!row->src || !src_bytes || !*src_bytes) {
		add_owned(p, rf_diff_row_dup(row, p->shape->ncols));
		return;
	}
	o = rf_diff_row_dup_taking(row, p->shape->ncols, true, false);
	o->owned[0] = *src_bytes;
	*src_bytes = NULL;
	add_owned(p, o);
}

/* Rows kept while the diff runs, one list per kind, so the plan can group
 * them in the order the statements run: deletes, updates, inserts (then
 * INSERTs of consecutive ops batch into one statement). */
struct row_list {
	size_t len, cap;
	struct rf_diff_row **items;
};

static void row_list_add(struct row_list *l, struct rf_diff_row *r)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->items = rf_xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->len++] = r;
}

void rf_plan_target(struct rf_plan *p, const struct rf_db *target, size_t bulk_rows)
{
	/* where RETURNING is cheap, inserts journal from it (and the preview
	 * shows it, being the same statements) */
	p->no_returning = !target->ops->fast_returning;
	p->bulk_rows = bulk_rows;
}

struct rf_plan *rf_plan_from_diff(struct rf_diff *d, unsigned ops_mask, struct rf_error *err)
{
	struct row_list lists[3] = {{0, 0, NULL}, {0, 0, NULL}, {0, 0, NULL}};
	const size_t ncols = rf_diff_shape(d)->ncols;
	const struct rf_diff_row *row;
	struct rf_plan *p = NULL;
	size_t skipped = 0, i, k, list;
	int r;

	/* the plan cannot own the shape while the diff still reads rows with
	 * it, so rows are kept aside and the shape detached at the end */
	rf_diff_set_identical_rows(d, false); /* a plan never holds them */
	rf_diff_set_rows_taken(d);
	while ((r = rf_diff_next(d, &row, err)) == 1) {
		enum rf_op_kind kind;
		if (row->status == RF_IDENTICAL)
			continue;
		kind = op_kind_for(row->status);
		if (!(ops_mask & kind)) {
			skipped++;
			continue;
		}
		list = kind == RF_OP_DELETE ? 0 : kind == RF_OP_UPDATE ? 1 : 2;
		row_list_add(&lists[list], rf_diff_take_row(d));
	}
	if (r == 0) {
		p = rf_plan_new(rf_diff_detach_shape(d), ops_mask);
		const struct rf_diff_stats *st = rf_diff_stats(d);
		p->skipped = skipped;
		p->dst_rows = (size_t)(st->only_target + st->changed + st->identical);
		p->dst_whole = !st->target_where;
		rf_plan_target(p, rf_diff_target(d), RF_PLAN_BULK_ROWS);
	}
	for (k = 0; k < 3; k++) {
		for (i = 0; i < lists[k].len; i++) {
			if (p)
				add_owned(p, lists[k].items[i]);
			else
				rf_diff_row_free(lists[k].items[i], ncols);
		}
		free(lists[k].items);
	}
	return p;
}

size_t rf_plan_count(const struct rf_plan *p, enum rf_op_kind k)
{
	size_t i, n = 0;
	for (i = 0; i < p->nops; i++)
		n += p->ops[i].kind == k;
	return n;
}

const struct rf_cell *rf_plan_value(const struct rf_op *op, size_t col)
{
	if (op->gen && !op->gen[col].is_null)
		return &op->gen[col];
	return &op->row->src[col];
}

void rf_plan_set_ref_key(const struct rf_plan *p, struct rf_op *op, size_t col,
                         const struct rf_cell *pk)
{
	size_t j, n = p->shape->ncols;
	char *copy;

	if (!p->shape->cols[col].ref || p->shape->cols[col].dst < 0 || pk->is_null)
		return;
	/* one block per op: the cells, then the bytes of one key */
	if (op->ref_key) {
		copy = rf_xmalloc(pk->len + 1);
		if (op->ref_key[col].data != (const char *)(op->ref_key + n))
			free((void *)op->ref_key[col].data);
	} else {
		op->ref_key = rf_xmalloc(n * sizeof *op->ref_key + pk->len + 1);
		for (j = 0; j < n; j++)
			op->ref_key[j] = (struct rf_cell){.is_null = true};
		copy = (char *)(op->ref_key + n);
	}
	memcpy(copy, pk->data ? pk->data : "", pk->len);
	copy[pk->len] = '\0';
	op->ref_key[col].data = copy;
	op->ref_key[col].len = pk->len;
	op->ref_key[col].is_null = false;
}

void rf_plan_unset_ref_key(const struct rf_plan *p, struct rf_op *op, size_t col)
{
	if (!op->ref_key || op->ref_key[col].is_null)
		return;
	if (op->ref_key[col].data != (const char *)(op->ref_key + p->shape->ncols))
		free((void *)op->ref_key[col].data);
	op->ref_key[col] = (struct rf_cell){.is_null = true};
}

bool rf_plan_written(const struct rf_plan *p, const struct rf_op *op, size_t col,
                     const struct rf_cell **v, enum rf_type_class *cls)
{
	const struct rf_diff_col *c = &p->shape->cols[col];

	*v = rf_plan_value(op, col);
	*cls = c->tclass;
	if (!c->ref || (*v)->is_null)
		return false;
	if (!op->ref_key || op->ref_key[col].is_null)
		return true; /* a parent this copy inserts: found by its match key */
	*v = &op->ref_key[col];
	*cls = p->shape->dst_table.cols[c->dst].tclass;
	return false;
}

bool rf_plan_inserts_plain(const struct rf_plan *p)
{
	const struct rf_cell *v;
	enum rf_type_class cls;
	size_t i, j;

	for (j = 0; j < p->ninsert_cols; j++) {
		if (!p->shape->cols[p->insert_cols[j]].ref)
			continue;
		for (i = 0; i < p->nops; i++)
			if (p->ops[i].kind == RF_OP_INSERT &&
			    rf_plan_written(p, &p->ops[i], p->insert_cols[j], &v, &cls))
				return false;
	}
	return true;
}

struct rf_plan *rf_plan_take_deletes(struct rf_plan *p)
{
	struct rf_plan *d = rf_xcalloc(1, sizeof *d);
	size_t i, kept = 0;

	d->shape = p->shape;
	d->owns_shape = false;
	d->ops_mask = RF_OP_DELETE;
	d->no_returning = p->no_returning;
	d->bulk_rows = p->bulk_rows;
	d->insert_cols = rf_xcalloc(p->shape->ncols + 1, sizeof *d->insert_cols);
	d->target_key = rf_xcalloc(p->shape->ncols + 1, sizeof *d->target_key);
	memcpy(d->target_key, p->target_key, p->ntarget_key * sizeof *p->target_key);
	d->ntarget_key = p->ntarget_key;
	for (i = 0; i < p->nops; i++) {
		if (p->ops[i].kind != RF_OP_DELETE) {
			p->ops[kept++] = p->ops[i];
			continue;
		}
		if (d->nops == d->ops_cap) {
			d->ops_cap = d->ops_cap ? d->ops_cap * 2 : 64;
			d->ops = rf_xrealloc(d->ops, d->ops_cap * sizeof *d->ops);
		}
		d->ops[d->nops++] = p->ops[i];
	}
	p->nops = kept;
	return d;
}

/* An empty plan over p's shape, which p keeps owning. */
static struct rf_plan *plan_sibling(const struct rf_plan *p, unsigned ops_mask)
{
	struct rf_plan *d = rf_xcalloc(1, sizeof *d);

	d->shape = p->shape;
	d->owns_shape = false;
	d->ops_mask = ops_mask;
	d->no_returning = p->no_returning;
	d->bulk_rows = p->bulk_rows;
	d->insert_cols = rf_xcalloc(p->shape->ncols + 1, sizeof *d->insert_cols);
	d->target_key = rf_xcalloc(p->shape->ncols + 1, sizeof *d->target_key);
	memcpy(d->target_key, p->target_key, p->ntarget_key * sizeof *p->target_key);
	d->ntarget_key = p->ntarget_key;
	return d;
}

struct rf_plan *rf_plan_take_references(struct rf_plan *p, const size_t *cols, size_t ncols)
{
	const size_t n = p->shape->ncols;
	struct rf_plan *d = plan_sibling(p, RF_OP_UPDATE);
	bool *changed = rf_xcalloc(n + 1, sizeof *changed);
	size_t i, k;

	d->own_rows = true;
	/* rows whose key the target generated are found by their match key */
	for (k = 0; k < d->ntarget_key; k++)
		if (p->shape->cols[d->target_key[k]].excluded)
			break;
	if (k < d->ntarget_key) {
		memcpy(d->target_key, p->shape->key, p->shape->nkey * sizeof *d->target_key);
		d->ntarget_key = p->shape->nkey;
	}
	for (i = 0; i < p->nops; i++) {
		struct rf_op *op = &p->ops[i];
		struct rf_diff_row tmp;
		bool any = false;

		if (op->kind != RF_OP_INSERT)
			continue;
		memset(changed, 0, n * sizeof *changed);
		for (k = 0; k < ncols; k++)
			if (!op->row->src[cols[k]].is_null)
				any = changed[cols[k]] = true;
		if (!any)
			continue;
		/* the row as inserted is the update's before-image */
		tmp = *op->row;
		tmp.status = RF_CHANGED;
		tmp.dst = op->row->src;
		tmp.changed = changed;
		tmp.nchanged = ncols;
		if (d->nops == d->ops_cap) {
			d->ops_cap = d->ops_cap ? d->ops_cap * 2 : 64;
			d->ops = rf_xrealloc(d->ops, d->ops_cap * sizeof *d->ops);
		}
		d->ops[d->nops].kind = RF_OP_UPDATE;
		d->ops[d->nops].gen = NULL;
		d->ops[d->nops].ref_key = NULL;
		d->ops[d->nops].row = rf_diff_row_dup(&tmp, n);
		for (k = 0; k < ncols; k++) {
			d->ops[d->nops].row->dst[cols[k]].is_null = true;
			op->row->src[cols[k]].is_null = true; /* the INSERT writes NULL */
		}
		d->nops++;
	}
	free(changed);
	if (d->nops == 0) {
		rf_plan_free(d);
		return NULL;
	}
	return d;
}
