/* diff_shape.c - the shape of a diff (diff.h): both tables described, their
 * columns paired by name with a class both sides are canonicalized as, the
 * selection's columns checked, and the match key resolved. diff.c streams
 * and merges rows by it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"
#include "rowferry/diff.h"

/* The class both sides are canonicalized as when the engines declare a
 * column differently: the more specific of the two wins, so MySQL DATETIME
 * vs PostgreSQL timestamptz compares as instants and SQLite INTEGER vs a
 * PostgreSQL boolean compares as booleans. */
static enum rf_type_class unify_class(enum rf_type_class a, enum rf_type_class b)
{
	if (a == b)
		return a;
	if (a == RF_T_TEXT || a == RF_T_OTHER)
		return b == RF_T_OTHER ? a : b;
	if (b == RF_T_TEXT || b == RF_T_OTHER)
		return a;
#define RF_PAIR(x, y) ((a == (x) && b == (y)) || (a == (y) && b == (x)))
	if (RF_PAIR(RF_T_TIMESTAMP, RF_T_TIMESTAMPTZ) || RF_PAIR(RF_T_DATE, RF_T_TIMESTAMPTZ))
		return RF_T_TIMESTAMPTZ;
	if (RF_PAIR(RF_T_DATE, RF_T_TIMESTAMP))
		return RF_T_TIMESTAMP;
	if (RF_PAIR(RF_T_INTEGER, RF_T_BOOLEAN))
		return RF_T_BOOLEAN;
	if (RF_PAIR(RF_T_INTEGER, RF_T_DECIMAL))
		return RF_T_DECIMAL;
	if (RF_PAIR(RF_T_INTEGER, RF_T_FLOAT) || RF_PAIR(RF_T_DECIMAL, RF_T_FLOAT))
		return RF_T_FLOAT;
#undef RF_PAIR
	return RF_T_TEXT;
}

void diff_shape_clear(struct rf_diff_shape *sh)
{
	size_t i;
	for (i = 0; i < sh->ncols; i++) {
		free(sh->cols[i].name);
		if (sh->cols[i].ref)
			rf_col_ref_clear(sh->cols[i].ref);
		free(sh->cols[i].ref);
		free(sh->cols[i].remap);
	}
	free(sh->cols);
	free(sh->key);
	free(sh->src_key);
	rf_table_info_free(&sh->src_table);
	rf_table_info_free(&sh->dst_table);
	rf_strlist_free(&sh->warnings);
}

int diff_shape_col(const struct rf_diff_shape *sh, const char *name)
{
	size_t i;
	for (i = 0; i < sh->ncols; i++)
		if (strcmp(sh->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Describes `name` on db; an engine without schemas also accepts the name
 * a schema-qualified engine shows ("public.jobs" -> "jobs"), so a table can
 * be named the same way on both sides of a cross-engine diff. */
/* A table db cannot describe that is not among its tables at all: "did you
 * mean" the nearest name (schema-qualified or not), from a names-only
 * listing. A table that is listed failed for another reason (privileges):
 * then nothing is added. */
static void suggest_table(struct rf_db *db, const char *name, struct rf_error *err)
{
	struct rf_table_list l;
	const char **cands;
	const char *near;
	size_t i, n = 0, len;

	if (rf_db_list_tables(db, false, &l, NULL) != 0)
		return;
	cands = rf_xcalloc(2 * l.len + 1, sizeof *cands);
	for (i = 0; i < l.len; i++) {
		const char *dot = strchr(l.items[i].name, '.');
		if (strcmp(l.items[i].name, name) == 0 || (dot && strcmp(dot + 1, name) == 0))
			goto out; /* it is there: not a misspelling */
		cands[n++] = l.items[i].name;
		if (dot)
			cands[n++] = dot + 1;
	}
	near = rf_suggest(name, cands, n);
	len = strlen(err->msg);
	if (near && len + 32 + strlen(near) < sizeof err->msg)
		snprintf(err->msg + len, sizeof err->msg - len, " (did you mean %s?)", near);
out:
	free(cands);
	rf_table_list_free(&l);
}

int diff_describe(struct rf_db *db, const char *name, struct rf_table_info *t, struct rf_error *err)
{
	struct rf_error first;
	const char *dot = strchr(name, '.');
	const struct rf_table_info *planned = rf_db_planned(db, name);
	if (planned) {
		rf_table_info_copy(t, planned);
		return 0;
	}
	rf_error_clear(&first);
	if (db->ops->describe(db, name, t, &first) == 0)
		return 0;
	if (!db->ops->has_schemas && dot && dot[1]) {
		memset(t, 0, sizeof *t);
		if (db->ops->describe(db, dot + 1, t, NULL) == 0)
			return 0;
	}
	suggest_table(db, name, &first);
	if (err && !err->set)
		*err = first;
	return -1;
}

static struct rf_diff_col *add_col(struct rf_diff_shape *sh, const char *name)
{
	struct rf_diff_col *c;
	sh->cols = rf_xrealloc(sh->cols, (sh->ncols + 1) * sizeof *sh->cols);
	c = &sh->cols[sh->ncols++];
	memset(c, 0, sizeof *c);
	c->name = rf_xstrdup(name);
	c->src = c->dst = -1;
	return c;
}

/* Checks every name of a column list flag against the shape. */
static int check_names(const struct rf_diff_shape *sh, const struct rf_strlist *l, const char *flag,
                       struct rf_error *err)
{
	size_t i, k;
	for (i = 0; i < l->len; i++)
		if (diff_shape_col(sh, l->items[i]) < 0) {
			const char **names = rf_xcalloc(sh->ncols + 1, sizeof *names);
			const char *near;
			for (k = 0; k < sh->ncols; k++)
				names[k] = sh->cols[k].name;
			near = rf_suggest(l->items[i], names, sh->ncols);
			rf_error_set(err, flag, "no column '%s' in %s%s%s%s", l->items[i],
			             sh->src_table.display, near ? " (did you mean " : "",
			             near ? near : "", near ? "?)" : "");
			free(names);
			return -1;
		}
	return 0;
}

/* Suggests a key when the primary key cannot be used: the first unique key
 * whose columns are all compared. */
static char *suggest_key(const struct rf_diff_shape *sh)
{
	size_t i, j;
	for (i = 0; i < sh->src_table.nunique; i++) {
		const struct rf_key *k = &sh->src_table.uniques[i];
		struct rf_strlist l = RF_STRLIST_INIT;
		bool ok = true;
		for (j = 0; j < k->ncols; j++) {
			int c = diff_shape_col(sh, k->cols[j]);
			ok = ok && c >= 0 && sh->cols[c].src >= 0 && sh->cols[c].dst >= 0 &&
			     !sh->cols[c].excluded;
			rf_strlist_add(&l, k->cols[j]);
		}
		if (ok) {
			char *s = rf_strlist_join(&l, ",");
			rf_strlist_free(&l);
			return s;
		}
		rf_strlist_free(&l);
	}
	return NULL;
}

static int resolve_key(struct rf_diff_shape *sh, const struct rf_selection *sel,
                       struct rf_error *err)
{
	struct rf_strlist key = RF_STRLIST_INIT;
	size_t i;
	int rc = -1;

	if (sel->key.len) {
		for (i = 0; i < sel->key.len; i++)
			rf_strlist_add(&key, sel->key.items[i]);
	} else {
		const struct rf_table_info *t = sh->src_table.npk ? &sh->src_table : &sh->dst_table;
		for (i = 0; i < t->npk; i++)
			rf_strlist_add(&key, t->cols[t->pk[i]].name);
	}
	if (key.len == 0) {
		char *hint = suggest_key(sh);
		rf_error_set(
		    err, sh->src_table.display, "has no primary key: give --key COLS%s%s%s",
		    hint ? " (a unique key: --key " : "", hint ? hint : "", hint ? ")" : "");
		free(hint);
		goto out;
	}
	sh->key = rf_xcalloc(key.len, sizeof *sh->key);
	for (i = 0; i < key.len; i++) {
		int c = diff_shape_col(sh, key.items[i]);
		if (c < 0 || sh->cols[c].src < 0 || sh->cols[c].dst < 0) {
			rf_error_set(err, "--key", "column '%s' is not in %s on both sides",
			             key.items[i], sh->src_table.display);
			goto out;
		}
		if (sh->cols[c].excluded) {
			char *hint = suggest_key(sh);
			rf_error_set(err, "--key",
			             "key column '%s' is excluded; match rows by other columns "
			             "with --key%s%s",
			             key.items[i], hint ? " " : " COLS", hint ? hint : "");
			free(hint);
			goto out;
		}
		if (sh->cols[c].ref) {
			rf_error_set(err, "--key",
			             "key column '%s' references %s, whose key the target "
			             "generates: a match key through a reference is not "
			             "supported; give --key other columns",
			             key.items[i], sh->cols[c].ref->parent[0].display);
			goto out;
		}
		sh->cols[c].key_pos = (int)i + 1;
		sh->key[i] = (size_t)c;
	}
	sh->nkey = key.len;
	rc = 0;
out:
	rf_strlist_free(&key);
	return rc;
}

/* Where the target's key is not the source's (a primary key column
 * excluded or remapped), the source's primary key again as hidden
 * columns, for the journal's source_key (DESIGN §6). */
static void add_source_key(struct rf_diff_shape *sh)
{
	static const struct rf_col_opts plain = RF_COL_OPTS_INIT;
	const struct rf_table_info *t = &sh->src_table;
	size_t k, n = sh->ncols;
	bool differs = false;

	for (k = 0; k < t->npk; k++) {
		int c = diff_shape_col(sh, t->cols[t->pk[k]].name);
		differs = differs || c < 0 || sh->cols[c].excluded || sh->cols[c].remap;
	}
	if (!t->npk || !differs)
		return;
	sh->src_key = rf_xcalloc(t->npk, sizeof *sh->src_key);
	for (k = 0; k < t->npk; k++) {
		struct rf_diff_col *c = add_col(sh, t->cols[t->pk[k]].name);
		c->src = (int)t->pk[k];
		c->tclass = t->cols[t->pk[k]].tclass;
		c->opts = plain;
		c->excluded = true;
		c->hidden = true;
		sh->src_key[sh->nsrc_key++] = n + k;
	}
}

int diff_shape_build(struct rf_diff_shape *sh, const struct rf_selection *sel, struct rf_error *err)
{
	size_t i;

	for (i = 0; i < sh->src_table.ncols; i++) {
		struct rf_diff_col *c = add_col(sh, sh->src_table.cols[i].name);
		c->src = (int)i;
		c->dst = rf_table_info_col(&sh->dst_table, c->name);
	}
	for (i = 0; i < sh->dst_table.ncols; i++)
		if (diff_shape_col(sh, sh->dst_table.cols[i].name) < 0)
			add_col(sh, sh->dst_table.cols[i].name)->dst = (int)i;
	if (check_names(sh, &sel->exclude, "--exclude", err) != 0 ||
	    check_names(sh, &sel->ignore, "--ignore", err) != 0 ||
	    check_names(sh, &sel->key, "--key", err) != 0)
		return -1;
	for (i = 0; i < sel->nopts; i++)
		if (diff_shape_col(sh, sel->opts[i].col) < 0)
			return rf_error_set(err, "diff",
			                    "no column '%s' in %s (given to --trim, "
			                    "--tolerance or --ts-precision)",
			                    sel->opts[i].col, sh->src_table.display);
	for (i = 0; i < sh->ncols; i++) {
		struct rf_diff_col *c = &sh->cols[i];
		enum rf_type_class a = c->src >= 0 ? sh->src_table.cols[c->src].tclass : RF_T_OTHER;
		enum rf_type_class b = c->dst >= 0 ? sh->dst_table.cols[c->dst].tclass : RF_T_OTHER;
		c->tclass = c->src < 0 ? b : c->dst < 0 ? a : unify_class(a, b);
		c->opts = rf_selection_col_opts(sel, c->name);
		c->excluded = rf_strlist_index(&sel->exclude, c->name) >= 0;
		c->copy = c->src >= 0 && c->dst >= 0 && !c->excluded;
		c->compare = c->copy && !c->opts.ignore;
		for (size_t r = 0; r < sel->nrefs; r++)
			if (c->copy && strcmp(sel->refs[r].col, c->name) == 0) {
				c->ref = rf_xcalloc(1, sizeof *c->ref);
				rf_col_ref_copy(c->ref, &sel->refs[r]);
				c->tclass = sel->refs[r].mk_class;
			}
		for (size_t r = 0; r < sel->nremaps; r++)
			if (c->copy && strcmp(sel->remaps[r].col, c->name) == 0) {
				/* the source's value becomes a UUID: the target's class */
				c->remap = rf_xstrdup(sel->remaps[r].table);
				c->tclass = b;
				sh->remapped = true;
			}
		if (c->src >= 0 && c->dst < 0 && !c->excluded) {
			char *w = rf_xasprintf(
			    "column %s is only in the source: not compared or copied", c->name);
			rf_strlist_add(&sh->warnings, w);
			free(w);
		}
	}
	memcpy(sh->remap_ns, sel->remap_ns, sizeof sh->remap_ns);
	if (sel->source_key)
		add_source_key(sh);
	return resolve_key(sh, sel, err);
}

void rf_diff_stream_cols(const struct rf_diff_shape *shape, int side, size_t **cols,
                         size_t **shape_cols, size_t *n)
{
	size_t i, k = 0;
	*cols = rf_xcalloc(shape->ncols, sizeof **cols);
	*shape_cols = rf_xcalloc(shape->ncols, sizeof **shape_cols);
	for (i = 0; i < shape->ncols; i++) {
		const struct rf_diff_col *c = &shape->cols[i];
		int idx = side == 0 ? c->src : c->dst;
		/* the source sends only what is compared or copied; the target sends
		 * every column, for plans and before-images, unless no plan is made */
		if (idx < 0 || ((side == 0 || shape->lean_target) && c->excluded && !c->hidden))
			continue;
		(*cols)[k] = (size_t)idx;
		(*shape_cols)[k] = i;
		k++;
	}
	*n = k;
}

void rf_diff_format_key(const struct rf_diff_shape *shape, const struct rf_cell *cells,
                        struct rf_buf *out)
{
	size_t i;
	for (i = 0; i < shape->nkey; i++) {
		const struct rf_cell *c = &cells[shape->key[i]];
		if (i)
			rf_buf_adds(out, ", ");
		rf_buf_printf(out, "%s=", shape->cols[shape->key[i]].name);
		if (c->is_null)
			rf_buf_adds(out, "NULL");
		else
			rf_buf_add(out, c->data, c->len);
	}
}

void rf_diff_shape_free(struct rf_diff_shape *sh)
{
	if (!sh)
		return;
	diff_shape_clear(sh);
	free(sh);
}
