/* map_diff_shape.c - the shape of a diff through a map (map_diff.h): the
 * target's columns, each with the expression that gives it a value. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/map_diff.h"

void rf_map_diff_shape_free(struct rf_map_diff_shape *ms)
{
	size_t i, n;

	if (!ms)
		return;
	n = ms->shape ? ms->shape->ncols : 0;
	for (i = 0; ms->owned && i < n; i++)
		rf_map_expr_free(ms->owned[i]);
	for (i = 0; ms->src_names && ms->shape && i < ms->shape->src_table.ncols; i++)
		free(ms->src_names[i]);
	for (i = 0; i < ms->nrefs; i++)
		free(ms->refs[i].key);
	free(ms->refs);
	free(ms->uses_now);
	free(ms->owned);
	free(ms->exprs);
	free(ms->src_names);
	free(ms->src_classes);
	free(ms->sql_exprs);
	rf_strlist_free(&ms->sqls);
	rf_diff_shape_free(ms->shape);
	free(ms);
}

struct rf_diff_shape *rf_map_diff_shape_take(struct rf_map_diff_shape *ms)
{
	struct rf_diff_shape *sh = ms->shape;
	size_t i;

	for (i = 0; ms->owned && i < sh->ncols; i++)
		rf_map_expr_free(ms->owned[i]);
	free(ms->owned);
	ms->owned = NULL;
	for (i = 0; ms->src_names && i < sh->src_table.ncols; i++)
		free(ms->src_names[i]);
	free(ms->src_names);
	ms->src_names = NULL;
	ms->shape = NULL;
	rf_map_diff_shape_free(ms);
	return sh;
}

static bool uses(const struct rf_map_expr *e, enum rf_map_fn fn)
{
	size_t i;

	if (e->kind == RF_MAP_CALL && e->fn == fn)
		return true;
	for (i = 0; i < e->nargs; i++)
		if (uses(e->args[i], fn))
			return true;
	for (i = 0; i < e->ncases; i++)
		if (e->cases[i].result && uses(e->cases[i].result, fn))
			return true;
	return false;
}

static void note(struct rf_diff_shape *sh, const char *fmt, ...) RF_PRINTF(2, 3);

static void note(struct rf_diff_shape *sh, const char *fmt, ...)
{
	struct rf_buf b = RF_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	rf_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	rf_strlist_add(&sh->warnings, b.data);
	rf_buf_free(&b);
}

/* Finds each ref() of e a parent match key in sections' [map TABLE] key,
 * adding it to ms->refs. false when one has none. */
static bool find_refs(struct rf_map_diff_shape *ms, const struct rf_map_expr *e,
                      const struct rf_config *sections)
{
	const struct rf_map_config *sec;
	const struct rf_map_line *key = NULL;
	size_t i;

	for (i = 0; i < e->nargs; i++)
		if (!find_refs(ms, e->args[i], sections))
			return false;
	if (e->kind != RF_MAP_CALL || e->fn != RF_FN_REF)
		return true;
	sec = sections ? rf_config_map(sections, e->text) : NULL;
	for (i = 0; sec && i < sec->nlines; i++)
		if (strcmp(sec->lines[i].name, "key") == 0)
			key = &sec->lines[i];
	if (!key)
		return false;
	ms->refs = rf_xrealloc(ms->refs, (ms->nrefs + 1) * sizeof *ms->refs);
	ms->refs[ms->nrefs].e = e;
	ms->refs[ms->nrefs].key = rf_xstrdup(key->value);
	ms->nrefs++;
	return true;
}

/* The source column the name rule pairs with target column name, or -1. */
static int name_rule(const struct rf_map *m, const struct rf_table_info *src, const char *name)
{
	size_t i;

	for (i = 0; i < src->ncols; i++)
		if (strcmp(src->cols[i].name, name) == 0)
			return (int)i;
	for (i = 0; i < src->ncols; i++)
		if (rf_map_names_match(m->names, src->cols[i].name, name))
			return (int)i;
	return -1;
}

/* Binds e (target column c, at where) to the source's columns and its
 * sql() nodes to the stream's items after them, each checked with the
 * source engine's quoting as a --where is (DESIGN §15). */
static int bind_expr(struct rf_map_diff_shape *ms, struct rf_db *src, struct rf_map_expr *e,
                     const struct rf_diff_col *c, const char *where, struct rf_error *err)
{
	const struct rf_table_info *t = &ms->shape->src_table;
	size_t first = ms->sqls.len, i;
	struct rf_error why;

	if (rf_map_bind(e, (const char *const *)ms->src_names, t->ncols, &ms->sqls, where, c->name,
	                err) != 0)
		return -1;
	for (i = first; i < ms->sqls.len; i++) {
		rf_error_clear(&why);
		if (rf_sql_check_fragment(ms->sqls.items[i], src->ops->dialect(src), "sql()", NULL,
		                          &why) != 0)
			return rf_error_set(err, NULL, "%s: column %s: %s", where, c->name,
			                    why.msg);
	}
	ms->src_classes =
	    rf_xrealloc(ms->src_classes, (t->ncols + ms->sqls.len + 1) * sizeof *ms->src_classes);
	ms->sql_exprs = rf_xrealloc(ms->sql_exprs, (ms->sqls.len + 1) * sizeof *ms->sql_exprs);
	for (i = first; i < ms->sqls.len; i++) {
		/* the server's type is unknown here: a whole column's value is
		 * read as the target's class (PostgreSQL casts to it: bytes raw,
		 * booleans t/f), then converted from its text like any value */
		enum rf_type_class read =
		    e->kind == RF_MAP_CALL && e->fn == RF_FN_SQL ? c->tclass : RF_T_TEXT;
		ms->sql_exprs[i].tclass = read;
		ms->src_classes[t->ncols + i] = read == RF_T_BYTES ? RF_T_BYTES : RF_T_TEXT;
	}
	/* the list's items do not move once made */
	for (i = 0; i < ms->sqls.len; i++)
		ms->sql_exprs[i].sql = ms->sqls.items[i];
	return 0;
}

/* Resolves each target column: its expression, whether it is compared,
 * a note when it is not. */
static int resolve_cols(struct rf_map_diff_shape *ms, struct rf_db *srcdb, struct rf_map *m,
                        const struct rf_config *sections, struct rf_error *err)
{
	struct rf_diff_shape *sh = ms->shape;
	const struct rf_table_info *src = &sh->src_table, *dst = &sh->dst_table;
	char where[300];
	size_t i;
	int rc = -1;

	for (i = 0; i < m->ncols; i++)
		if (rf_table_info_col(dst, m->cols[i].name) < 0) {
			rf_error_set(err, NULL,
			             "%s:%d: column %s: no such column in the target's %s", m->file,
			             m->cols[i].line, m->cols[i].name, dst->display);
			goto out;
		}
	sh->ncols = dst->ncols;
	sh->cols = rf_xcalloc(dst->ncols + 1, sizeof *sh->cols);
	ms->exprs = rf_xcalloc(dst->ncols + 1, sizeof *ms->exprs);
	ms->owned = rf_xcalloc(dst->ncols + 1, sizeof *ms->owned);
	ms->uses_now = rf_xcalloc(dst->ncols + 1, sizeof *ms->uses_now);
	for (i = 0; i < dst->ncols; i++) {
		struct rf_diff_col *c = &sh->cols[i];
		const struct rf_map_column *mc = rf_map_column(m, dst->cols[i].name);
		struct rf_map_expr *e = mc ? mc->expr : NULL;
		struct rf_col_opts none = RF_COL_OPTS_INIT;
		int s;

		c->name = rf_xstrdup(dst->cols[i].name);
		c->dst = (int)i;
		c->src = -1;
		c->tclass = dst->cols[i].tclass;
		c->opts = none;
		if (!mc && (s = name_rule(m, src, c->name)) >= 0) {
			char *q = rf_xasprintf("\"%s\"", src->cols[s].name);
			/* a name holding '"' is matched by its slot below anyway */
			if (rf_map_parse_expr(q, m->file, m->line, c->name, &ms->owned[i], err) !=
			    0) {
				free(q);
				goto out;
			}
			free(q);
			e = ms->owned[i];
		}
		if (!e) {
			note(sh, "column %s: not mapped (not compared)", c->name);
		} else if (e->kind == RF_MAP_DEFAULT) {
			note(sh, "column %s: default, the target fills it (not compared)", c->name);
		} else if (uses(e, RF_FN_REF) && !find_refs(ms, e, sections)) {
			note(sh,
			     "column %s: ref() to a table without a [map] key is not compared yet "
			     "(it needs the row-graph copy)",
			     c->name);
		} else {
			snprintf(where, sizeof where, "%s:%d", m->file, mc ? mc->line : m->line);
			if (bind_expr(ms, srcdb, e, c, where, err) != 0)
				goto out;
			ms->exprs[i] = e;
			ms->uses_now[i] = uses(e, RF_FN_NOW);
			c->src = (int)i;
			c->compare = c->copy = true;
		}
		c->excluded = !c->compare;
	}
	rc = 0;
out:
	return rc;
}

static int resolve_key(struct rf_map_diff_shape *ms, const struct rf_map *m, struct rf_error *err)
{
	struct rf_diff_shape *sh = ms->shape;
	struct rf_strlist key = RF_STRLIST_INIT;
	size_t i;
	int rc = -1;

	if (m->key) {
		rf_strlist_split(&key, m->key);
	} else {
		for (i = 0; i < sh->dst_table.npk; i++)
			rf_strlist_add(&key, sh->dst_table.cols[sh->dst_table.pk[i]].name);
	}
	if (!key.len) {
		rf_error_set(err, NULL,
		             "%s:%d: [map %s]: the target has no primary key: give key =", m->file,
		             m->line, m->target);
		goto out;
	}
	sh->key = rf_xcalloc(key.len, sizeof *sh->key);
	for (i = 0; i < key.len; i++) {
		int c = rf_table_info_col(&sh->dst_table, key.items[i]);
		if (c < 0 || !sh->cols[c].compare) {
			rf_error_set(err, NULL, "%s:%d: [map %s]: key %s %s", m->file, m->line,
			             m->target, key.items[i],
			             c < 0 ? "is not a column of the target"
			                   : "gets no value from the source (map it, or choose "
			                     "another key =)");
			goto out;
		}
		sh->key[i] = (size_t)c;
		sh->cols[c].key_pos = (int)i + 1;
		sh->nkey++;
	}
	rc = 0;
out:
	rf_strlist_free(&key);
	return rc;
}

int rf_map_diff_open(struct rf_db *src, struct rf_db *dst, struct rf_map *map, const char *now,
                     const struct rf_config *sections, struct rf_map_diff_shape **out,
                     struct rf_error *err)
{
	struct rf_map_diff_shape *ms = rf_xcalloc(1, sizeof *ms);
	size_t i;
	int rc = -1;

	*out = NULL;
	ms->map = map;
	ms->now = now;
	ms->shape = rf_xcalloc(1, sizeof *ms->shape);
	if (map->where && rf_db_check_where(src, map->where, err) != 0)
		goto out;
	/* a copy of several maps reads one snapshot it opened itself */
	if ((!src->in_tx && rf_db_begin(src, RF_TX_READ, NULL, err) != 0) ||
	    (!dst->in_tx && rf_db_begin(dst, RF_TX_READ, NULL, err) != 0))
		goto out;
	if (rf_db_describe(src, map->from, &ms->shape->src_table, err) != 0 ||
	    rf_db_describe(dst, map->target, &ms->shape->dst_table, err) != 0)
		goto out;
	/* what the writers call the table: both names */
	{
		struct rf_table_info *t = &ms->shape->src_table;
		char *both = rf_xasprintf("%s -> %s", t->display, ms->shape->dst_table.display);
		free(t->display);
		t->display = both;
	}
	ms->src_names = rf_xcalloc(ms->shape->src_table.ncols + 1, sizeof *ms->src_names);
	ms->src_classes = rf_xcalloc(ms->shape->src_table.ncols + 1, sizeof *ms->src_classes);
	for (i = 0; i < ms->shape->src_table.ncols; i++) {
		ms->src_names[i] = rf_xstrdup(ms->shape->src_table.cols[i].name);
		ms->src_classes[i] = ms->shape->src_table.cols[i].tclass;
	}
	if (resolve_cols(ms, src, map, sections, err) != 0 || resolve_key(ms, map, err) != 0)
		goto out;
	*out = ms;
	ms = NULL;
	rc = 0;
out:
	rf_map_diff_shape_free(ms);
	return rc;
}

/* The parent of ref() e as a reference through its match key key. */
static int copy_ref(struct rf_db *dst, const struct rf_map_expr *e, const char *key,
                    const char *where, const char *col, struct rf_col_ref *r, struct rf_error *err)
{
	struct rf_table_info p;
	int mk, s, rc = -1;

	memset(&p, 0, sizeof p);
	if (strchr(key, ',')) {
		rf_error_set(err, NULL,
		             "%s: column %s: ref(%s): the parent's match key %s is not one column: "
		             "a copy writes a reference through one column",
		             where, col, e->text, key);
		return -1;
	}
	if (rf_db_describe(dst, e->text, &p, err) != 0)
		return -1;
	if (p.npk != 1) {
		rf_error_set(err, NULL,
		             "%s: column %s: ref(%s): its primary key must be one column", where,
		             col, e->text);
		goto out;
	}
	if ((mk = rf_table_info_col(&p, key)) < 0) {
		rf_error_set(err, NULL, "%s: column %s: ref(%s): no column %s in the target's %s",
		             where, col, e->text, key, p.display);
		goto out;
	}
	r->col = rf_xstrdup(col);
	r->pk = rf_xstrdup(p.cols[p.pk[0]].name);
	r->mk = rf_xstrdup(key);
	r->mk_class = p.cols[mk].tclass;
	for (s = 0; s < 2; s++) {
		r->parent[s].schema = p.schema ? rf_xstrdup(p.schema) : NULL;
		r->parent[s].name = rf_xstrdup(p.name);
		r->parent[s].display = rf_xstrdup(p.display);
	}
	rc = 0;
out:
	rf_table_info_free(&p);
	return rc;
}

int rf_map_diff_copy_refs(struct rf_map_diff_shape *ms, struct rf_db *dst, struct rf_error *err)
{
	struct rf_diff_shape *sh = ms->shape;
	char where[300];
	size_t i, k;

	for (i = 0; i < sh->ncols; i++) {
		struct rf_diff_col *c = &sh->cols[i];
		const struct rf_map_column *mc = rf_map_column(ms->map, c->name);
		const struct rf_map_expr *e = ms->exprs[i] ? ms->exprs[i] : mc ? mc->expr : NULL;

		if (!e || !uses(e, RF_FN_REF))
			continue;
		snprintf(where, sizeof where, "%s:%d", ms->map->file,
		         mc ? mc->line : ms->map->line);
		if (!ms->exprs[i])
			return rf_error_set(
			    err, NULL,
			    "%s: column %s: ref(): the parent has no [map] section "
			    "with a key = in this file: a copy cannot find the parent",
			    where, c->name);
		if (e->kind != RF_MAP_CALL || e->fn != RF_FN_REF)
			return rf_error_set(
			    err, NULL,
			    "%s: column %s: ref() must be the whole expression in a "
			    "copy (it is written as a subquery)",
			    where, c->name);
		for (k = 0; k < ms->nrefs && ms->refs[k].e != e; k++)
			;
		if (k == ms->nrefs)
			return rf_error_set(err, "map", "column %s: ref() not resolved", c->name);
		c->ref = rf_xcalloc(1, sizeof *c->ref);
		if (copy_ref(dst, e, ms->refs[k].key, where, c->name, c->ref, err) != 0)
			return -1;
		c->tclass = c->ref->mk_class;
	}
	ms->refs_by_key = true;
	return 0;
}
