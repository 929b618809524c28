/* graph_set.c - a diff of several related tables (graph.h, DESIGN §11):
 * the set from the source's foreign-key graph, each table's match key and
 * excluded columns, and per side the WHERE that selects its rows there.
 *
 * A table reached through --follow is selected on each side by a
 * semi-join on the rows selected in the table it was reached from, on
 * that side: `(fk cols) IN (SELECT parent cols FROM parent WHERE <the
 * parent's selection>)`, built recursively. The server runs it, so nothing
 * here holds rows. Identifiers and literals are quoted only by the
 * driver's quote_ident / quote_literal; user fragments are checked with
 * the engine's own lexer (rf_sql_check_fragment) and parenthesized before
 * they are put into the larger text, which the driver checks again.
 */
#include <stdlib.h>
#include <string.h>

#include "rowferry/config.h"
#include "rowferry/graph.h"
#include "rowferry/uuid.h"

void rf_set_flags_free(struct rf_set_flags *f)
{
	rf_strlist_free(&f->restricts);
	rf_strlist_free(&f->keys);
	rf_strlist_free(&f->excludes);
	rf_strlist_free(&f->remaps);
	memset(f, 0, sizeof *f);
}

bool rf_set_flags_given(const struct rf_set_flags *f)
{
	return f->follow || f->tables || f->restricts.len || f->limit_given || f->remaps.len;
}

void rf_set_diff_free(struct rf_set_diff *d)
{
	size_t i;
	for (i = 0; i < d->len; i++)
		rf_selection_free(&d->items[i].sel);
	free(d->items);
	rf_strlist_free(&d->broken);
	rf_fk_list_free(&d->broken_edges);
	memset(d, 0, sizeof *d);
}

int rf_set_diff_begin(struct rf_db *src, struct rf_db *dst, struct rf_error *err)
{
	if (rf_db_begin(src, RF_TX_READ, NULL, err) != 0)
		return -1;
	if (rf_db_begin(dst, RF_TX_READ, NULL, err) != 0) {
		rf_db_rollback(src, NULL);
		return -1;
	}
	return 0;
}

void rf_set_diff_end(struct rf_db *src, struct rf_db *dst)
{
	rf_db_rollback(src, NULL);
	rf_db_rollback(dst, NULL);
}

/* What is known of one table of the set while its selection is built. */
struct set_table {
	struct rf_table_info info[2]; /* as the source and the target describe it */
	char *name;                   /* a name both sides describe */
	struct rf_selection sel;
	char *own[2];   /* its own filters per side (root's where, --restrict, --limit) */
	char *where[2]; /* own AND the semi-joins: what selects its rows */
};

struct set_build {
	struct rf_db *db[2];
	const struct rf_graph *g;
	const struct rf_set *set;
	struct set_table *t; /* per set item */
};

static bool table_is(const struct rf_table_info *t, const char *name, size_t len)
{
	return (strlen(t->display) == len && strncmp(t->display, name, len) == 0) ||
	       (strlen(t->name) == len && strncmp(t->name, name, len) == 0);
}

/* "a" or ("a", "b") */
static void quote_cols(struct rf_db *db, char *const *cols, size_t n, bool paren,
                       struct rf_buf *out)
{
	size_t i;
	if (paren && n > 1)
		rf_buf_addc(out, '(');
	for (i = 0; i < n; i++) {
		if (i)
			rf_buf_adds(out, ", ");
		db->ops->quote_ident(db, cols[i], out);
	}
	if (paren && n > 1)
		rf_buf_addc(out, ')');
}

/* Describes the source's table `display` on both sides, by its bare name
 * when that names the same table on the source (a PostgreSQL table in the
 * search_path), so a target of another engine finds it too. */
static int describe_both(struct rf_db *const db[2], const char *display, struct set_table *t,
                         struct rf_error *err)
{
	const char *dot = strrchr(display, '.');
	struct rf_error quiet;

	if (db[0]->ops->has_schemas && dot) {
		rf_error_clear(&quiet);
		if (rf_db_describe(db[0], dot + 1, &t->info[0], &quiet) == 0 &&
		    strcmp(t->info[0].display, display) == 0 &&
		    rf_db_describe(db[1], dot + 1, &t->info[1], &quiet) == 0) {
			t->name = rf_xstrdup(dot + 1);
			return 0;
		}
		rf_table_info_free(&t->info[0]);
		rf_table_info_free(&t->info[1]);
	}
	if (rf_db_describe(db[0], display, &t->info[0], err) != 0 ||
	    rf_db_describe(db[1], display, &t->info[1], err) != 0)
		return -1;
	t->name = rf_xstrdup(display);
	return 0;
}

/* The excluded columns of t from --exclude: "TABLE.COL" for it, bare
 * "COL" where it has that column. used[i] is set for items that named a
 * table (checked against the whole set later). */
static void excludes_for(const struct rf_set_flags *sf, const struct rf_table_info *t, bool *used,
                         struct rf_strlist *out)
{
	size_t i;
	for (i = 0; i < sf->excludes.len; i++) {
		const char *x = sf->excludes.items[i], *dot = strrchr(x, '.');
		if (dot && table_is(t, x, (size_t)(dot - x))) {
			rf_strlist_add(out, dot + 1);
			used[i] = true;
		} else if (!dot && rf_table_info_col(t, x) >= 0) {
			rf_strlist_add(out, x);
			used[i] = true;
		} else if (!dot) {
			used[i] = true; /* a bare column applies where it exists */
		}
	}
}

/* The selection of one table: the root takes the selection flags f, every
 * table its [compare TABLE] defaults (flags win), then the set's excludes
 * and key. */
static int table_selection(const struct rf_config *cfg, struct set_table *t, bool root,
                           const struct rf_selection_flags *f, const struct rf_set_flags *sf,
                           bool *xused, bool *kused, struct rf_error *err)
{
	struct rf_selection_flags tf = {0};
	struct rf_strlist given = RF_STRLIST_INIT, key = RF_STRLIST_INIT;
	size_t i;
	int rc = -1;

	if (root && f)
		tf = *f;
	tf.key = NULL;
	tf.exclude = NULL;
	if (rf_selection_build(&tf, cfg, t->name, &t->sel, err) != 0)
		goto out;
	if (!root) { /* a table of the set is selected through the root */
		free(t->sel.where);
		t->sel.where = NULL;
	}
	if (sf->excludes.len) {
		rf_strlist_free(&t->sel.exclude);
		excludes_for(sf, &t->info[0], xused, &t->sel.exclude);
	}
	for (i = 0; i < sf->keys.len; i++) {
		const char *k = sf->keys.items[i], *colon = strchr(k, ':');
		if ((!colon && root) || (colon && table_is(&t->info[0], k, (size_t)(colon - k)))) {
			rf_strlist_free(&given);
			rf_strlist_split(&given, colon ? colon + 1 : k);
			kused[i] = true;
		}
	}
	if (!given.len)
		for (i = 0; i < t->sel.key.len; i++) /* [compare TABLE] key */
			rf_strlist_add(&given, t->sel.key.items[i]);
	if (rf_graph_match_key(&t->info[0], &given, &t->sel.exclude, &key, err) != 0)
		goto out;
	rf_strlist_free(&t->sel.key);
	t->sel.key = key;
	memset(&key, 0, sizeof key);
	rc = 0;
out:
	rf_strlist_free(&given);
	rf_strlist_free(&key);
	return rc;
}

static void and_append(char **dst, const char *part)
{
	char *old = *dst;
	if (!part || !*part)
		return;
	*dst = old ? rf_xasprintf("%s AND %s", old, part) : rf_xstrdup(part);
	free(old);
}

/* A user fragment checked on side s with its engine's quoting, then added
 * in parentheses. */
static int add_fragment(struct set_build *b, size_t item, int s, const char *sql, const char *what,
                        struct rf_error *err)
{
	char *p;
	if (!sql)
		return 0;
	if (rf_sql_check_fragment(sql, b->db[s]->ops->dialect(b->db[s]), what, b->db[s]->name,
	                          err) != 0)
		return -1;
	p = rf_xasprintf("(%s)", sql);
	and_append(&b->t[item].own[s], p);
	free(p);
	return 0;
}

/* --limit: the root's first n keys on the source (a diff of the root as
 * selected so far, stopped after n source rows), selected on both sides
 * as literals in each engine's quoting. */
static int add_limit(struct set_build *b, size_t root, long n, struct rf_error *err)
{
	struct set_table *t = &b->t[root];
	struct rf_selection sel;
	struct rf_diff *d = NULL;
	const struct rf_diff_row *row;
	const struct rf_diff_shape *sh;
	struct rf_buf lit[2] = {RF_BUF_INIT, RF_BUF_INIT};
	long got = 0;
	size_t k;
	int r = 0, s, rc = -1;

	rf_selection_copy(&sel, &t->sel);
	free(sel.where);
	sel.where = NULL;
	free(sel.source_where);
	free(sel.target_where);
	sel.source_where = t->own[0] ? rf_xstrdup(t->own[0]) : NULL;
	sel.target_where = t->own[1] ? rf_xstrdup(t->own[1]) : NULL;
	if (!(d = rf_diff_open(b->db[0], b->db[1], &sel, err)))
		goto out;
	rf_diff_set_identical_rows(d, false);
	sh = rf_diff_shape(d);
	while (got < n && (r = rf_diff_next(d, &row, err)) > 0) {
		if (!row->src)
			continue;
		for (s = 0; s < 2; s++) {
			rf_buf_adds(&lit[s], got ? (sh->nkey > 1 ? " OR " : ", ") : "");
			for (k = 0; k < sh->nkey; k++) {
				const struct rf_diff_col *c = &sh->cols[sh->key[k]];
				if (sh->nkey > 1) {
					rf_buf_adds(&lit[s], k ? " AND " : "(");
					b->db[s]->ops->quote_ident(b->db[s], c->name, &lit[s]);
					rf_buf_adds(&lit[s], " = ");
				}
				b->db[s]->ops->quote_literal(b->db[s], c->tclass,
				                             &row->src[sh->key[k]], &lit[s]);
			}
			if (sh->nkey > 1)
				rf_buf_addc(&lit[s], ')');
		}
		got++;
	}
	if (got < n && r < 0)
		goto out;
	for (s = 0; s < 2; s++) {
		struct rf_buf w = RF_BUF_INIT;
		if (!got) {
			rf_buf_adds(&w, "1 = 0"); /* the source has none */
		} else if (sh->nkey > 1) {
			rf_buf_printf(&w, "(%s)", lit[s].data);
		} else {
			b->db[s]->ops->quote_ident(b->db[s], sh->cols[sh->key[0]].name, &w);
			rf_buf_printf(&w, " IN (%s)", lit[s].data);
		}
		and_append(&t->own[s], w.data);
		rf_buf_free(&w);
	}
	rc = 0;
out:
	rf_diff_close(d);
	rf_selection_free(&sel);
	rf_buf_free(&lit[0]);
	rf_buf_free(&lit[1]);
	return rc;
}

/* The WHERE of item i on side s: its own filters AND any of its links
 * (their other ends are earlier items, whose WHERE is already built). */
static void build_where(struct set_build *b, size_t i, int s)
{
	const struct rf_set_table *it = &b->set->items[i];
	struct rf_db *db = b->db[s];
	struct rf_buf w = RF_BUF_INIT;
	size_t l;

	for (l = 0; l < it->nlinks; l++) {
		const struct rf_fk_edge *e = &b->g->edges.items[it->links[l].edge];
		bool down = it->links[l].down;
		size_t other = (size_t)rf_set_find(
		    b->set, (size_t)rf_graph_table(b->g, down ? e->parent : e->child));
		rf_buf_adds(&w, l ? " OR " : "(");
		quote_cols(db, down ? e->child_cols : e->parent_cols, e->ncols, true, &w);
		rf_buf_adds(&w, " IN (SELECT ");
		quote_cols(db, down ? e->parent_cols : e->child_cols, e->ncols, false, &w);
		rf_buf_adds(&w, " FROM ");
		rf_db_quote_table(db, &b->t[other].info[s], &w);
		if (b->t[other].where[s])
			rf_buf_printf(&w, " WHERE %s", b->t[other].where[s]);
		rf_buf_addc(&w, ')');
	}
	if (it->nlinks)
		rf_buf_addc(&w, ')');
	b->t[i].where[s] = b->t[i].own[s] ? rf_xstrdup(b->t[i].own[s]) : NULL;
	and_append(&b->t[i].where[s], w.data);
	rf_buf_free(&w);
}

/* --restrict TABLE:SQL for the tables of the set. */
static int add_restricts(struct set_build *b, const struct rf_set_flags *sf, struct rf_error *err)
{
	size_t i, j;
	for (i = 0; i < sf->restricts.len; i++) {
		const char *r = sf->restricts.items[i], *colon = strchr(r, ':');
		bool found = false;
		if (!colon)
			return rf_error_set(err, "--restrict", "'%s' is not TABLE:SQL", r);
		for (j = 0; j < b->set->len; j++) {
			if (!table_is(&b->t[j].info[0], r, (size_t)(colon - r)))
				continue;
			found = true;
			if (add_fragment(b, j, 0, colon + 1, "--restrict", err) != 0 ||
			    add_fragment(b, j, 1, colon + 1, "--restrict", err) != 0)
				return -1;
		}
		if (!found)
			return rf_error_set(err, "--restrict", "%.*s is not a table of the set",
			                    (int)(colon - r), r);
	}
	return 0;
}

/* The references of item i whose parent is in the set with its referenced
 * column excluded (the target generates it): compared and written through
 * the parent's match key (rf_col_ref, DESIGN §11). A composite foreign
 * key or match key, or a reference in the child's match key, is compared
 * by value (a copy refuses it: set_copy.c). */
static int add_refs(struct set_build *b, size_t i, struct rf_error *err)
{
	struct set_table *t = &b->t[i];
	const struct rf_table_info *ti = &t->info[0];
	size_t f, p;
	int s;

	for (f = 0; f < ti->nfkeys; f++) {
		const struct rf_fkey *fk = &ti->fkeys[f];
		struct set_table *pt = NULL;
		struct rf_col_ref *r;
		int mk;
		for (p = 0; p < b->set->len && !pt; p++)
			if (table_is(&b->t[p].info[0], fk->ref_table, strlen(fk->ref_table)))
				pt = &b->t[p];
		/* in the child's match key: compared by value, and a copy
		 * refuses it (set_copy.c) */
		if (!pt || rf_strlist_index(&pt->sel.exclude, fk->ref_cols[0]) < 0 ||
		    rf_strlist_index(&t->sel.exclude, fk->cols[0]) >= 0 ||
		    rf_strlist_index(&t->sel.key, fk->cols[0]) >= 0)
			continue;
		if (fk->ncols != 1 || pt->sel.key.len != 1)
			continue; /* compared by value; a copy refuses it */
		mk = rf_table_info_col(&pt->info[0], pt->sel.key.items[0]);
		if (mk < 0)
			return rf_error_set(err, pt->name, "no column %s", pt->sel.key.items[0]);
		t->sel.refs = rf_xrealloc(t->sel.refs, (t->sel.nrefs + 1) * sizeof *t->sel.refs);
		r = &t->sel.refs[t->sel.nrefs++];
		memset(r, 0, sizeof *r);
		r->col = rf_xstrdup(fk->cols[0]);
		r->pk = rf_xstrdup(fk->ref_cols[0]);
		r->mk = rf_xstrdup(pt->sel.key.items[0]);
		r->mk_class = pt->info[0].cols[mk].tclass;
		for (s = 0; s < 2; s++) {
			const struct rf_table_info *pi = &pt->info[s];
			r->parent[s].schema = pi->schema ? rf_xstrdup(pi->schema) : NULL;
			r->parent[s].name = rf_xstrdup(pi->name);
			r->parent[s].display = rf_xstrdup(pi->display);
		}
	}
	return 0;
}

static void add_remap(struct rf_selection *sel, const char *col, const char *table)
{
	struct rf_col_remap *r;
	size_t i;
	for (i = 0; i < sel->nremaps; i++)
		if (strcmp(sel->remaps[i].col, col) == 0)
			return;
	sel->remaps = rf_xrealloc(sel->remaps, (sel->nremaps + 1) * sizeof *sel->remaps);
	r = &sel->remaps[sel->nremaps++];
	r->col = rf_xstrdup(col);
	r->table = rf_xstrdup(table);
}

/* The remapped table spec[0..len) described on the source into *pi (the
 * caller's), checked: a one-column primary key, not excluded in the set. */
static int remap_parent(struct set_build *b, const char *name, struct rf_table_info *pi,
                        struct rf_error *err)
{
	size_t i;
	if (rf_db_describe(b->db[0], name, pi, err) != 0)
		return -1;
	if (pi->npk != 1)
		return rf_error_set(err, "--remap",
		                    "%s: uuid5 computes a key from one column; the table's "
		                    "primary key has %zu",
		                    pi->display, pi->npk);
	for (i = 0; i < b->set->len; i++)
		if (table_is(&b->t[i].info[0], pi->display, strlen(pi->display)) &&
		    rf_strlist_index(&b->t[i].sel.exclude, pi->cols[pi->pk[0]].name) >= 0)
			return rf_error_set(err, "--remap",
			                    "%s.%s is excluded (generated by the target): it "
			                    "cannot be computed too",
			                    pi->display, pi->cols[pi->pk[0]].name);
	return 0;
}

/* --remap TABLE=uuid5 (DESIGN §11): the table's primary key, and every
 * foreign key column of the set referencing it, computed by rowferry as
 * UUIDv5(namespace, "TABLE:<source value>"), TABLE its bare name, the
 * namespace the target connection's remap_namespace (else derived from
 * its name). */
static int add_remaps(struct set_build *b, const struct rf_config *cfg,
                      const struct rf_set_flags *sf, struct rf_error *err)
{
	const struct rf_conn_config *cc = cfg ? rf_config_conn(cfg, b->db[1]->name) : NULL;
	struct rf_table_info pi = {0};
	unsigned char ns[16];
	size_t r, i, f;
	int rc = -1;

	if (!sf->remaps.len)
		return 0;
	if (rf_uuid_remap_namespace(cc ? cc->remap_namespace : NULL, b->db[1]->name, ns, err) != 0)
		return -1;
	for (i = 0; i < b->set->len; i++)
		memcpy(b->t[i].sel.remap_ns, ns, sizeof ns);
	for (r = 0; r < sf->remaps.len; r++) {
		const char *spec = sf->remaps.items[r], *eq = strchr(spec, '=');
		char *name;
		bool found = false;
		if (!eq || strcmp(eq + 1, "uuid5") != 0) {
			rf_error_set(err, "--remap", "'%s' is not TABLE=uuid5", spec);
			goto out;
		}
		name = rf_xstrndup(spec, (size_t)(eq - spec));
		rf_table_info_free(&pi);
		if (remap_parent(b, name, &pi, err) != 0) {
			free(name);
			goto out;
		}
		free(name);
		for (i = 0; i < b->set->len; i++) {
			struct set_table *t = &b->t[i];
			const struct rf_table_info *ti = &t->info[0];
			if (table_is(ti, pi.display, strlen(pi.display))) {
				add_remap(&t->sel, pi.cols[pi.pk[0]].name, pi.name);
				found = true;
			}
			for (f = 0; f < ti->nfkeys; f++) {
				const struct rf_fkey *fk = &ti->fkeys[f];
				const char *dot = strrchr(fk->ref_table, '.');
				if (strcmp(fk->ref_table, pi.display) != 0 &&
				    strcmp(dot ? dot + 1 : fk->ref_table, pi.name) != 0)
					continue;
				if (fk->ncols != 1 ||
				    strcmp(fk->ref_cols[0], pi.cols[pi.pk[0]].name) != 0)
					continue; /* not the computed key: copied as it is */
				if (rf_strlist_index(&t->sel.exclude, fk->cols[0]) < 0)
					add_remap(&t->sel, fk->cols[0], pi.name);
				found = true;
			}
		}
		if (!found) {
			rf_error_set(err, "--remap",
			             "%s is neither a table of the set nor referenced by one",
			             pi.display);
			goto out;
		}
		if (sf->limit_given && table_is(&b->t[0].info[0], pi.display, strlen(pi.display))) {
			rf_error_set(err, "--remap",
			             "--limit on a remapped root (%s) is not supported yet",
			             pi.display);
			goto out;
		}
	}
	rc = 0;
out:
	rf_table_info_free(&pi);
	return rc;
}

/* Items of a TABLE.COL / TABLE:COLS list that named no table of the set. */
static int check_used(const struct rf_strlist *l, const bool *used, const char *flag,
                      struct rf_error *err)
{
	size_t i;
	for (i = 0; i < l->len; i++)
		if (!used[i])
			return rf_error_set(err, flag, "'%s' names no table of the set",
			                    l->items[i]);
	return 0;
}

int rf_set_diff_build(struct rf_db *src, struct rf_db *dst, const struct rf_config *cfg,
                      const char *root, const struct rf_selection_flags *f,
                      const struct rf_set_flags *sf, struct rf_set_diff *out, struct rf_error *err)
{
	struct rf_graph g;
	struct rf_fk_list fks = {0};
	struct rf_set set = {0};
	struct rf_table_info info = {0};
	struct rf_strlist extra = RF_STRLIST_INIT, names = RF_STRLIST_INIT;
	struct set_build b = {.db = {src, dst}, .g = &g, .set = &set};
	enum rf_follow follow = RF_FOLLOW_NONE;
	bool *xused = rf_xcalloc(sf->excludes.len + 1, 1), *kused = rf_xcalloc(sf->keys.len + 1, 1);
	size_t i, rootidx;
	int s, rc = -1;

	memset(out, 0, sizeof *out);
	rf_graph_init(&g);
	if (sf->follow && rf_follow_parse(sf->follow, &follow, err) != 0)
		goto out;
	if (sf->limit_given && sf->limit < 1) {
		rf_error_set(err, "--limit", "give the number of root rows to take, 1 or more");
		goto out;
	}
	if (rf_db_describe(src, root, &info, err) != 0 ||
	    rf_db_foreign_keys(src, NULL, &fks, err) != 0)
		goto out;
	rf_graph_add_edges(&g, &fks);
	rootidx = rf_graph_add_table(&g, info.display);
	rf_strlist_split(&names, sf->tables ? sf->tables : "");
	for (i = 0; i < names.len; i++) {
		rf_table_info_free(&info);
		if (rf_db_describe(src, names.items[i], &info, err) != 0)
			goto out;
		rf_graph_add_table(&g, info.display);
		rf_strlist_add(&extra, info.display);
	}
	if (rf_set_closure(&g, rootidx, &extra, follow, &set, err) != 0)
		goto out;
	b.t = rf_xcalloc(set.len, sizeof *b.t);
	for (i = 0; i < set.len; i++) {
		struct set_table *t = &b.t[i];
		if (describe_both(b.db, g.tables.items[set.items[i].table], t, err) != 0 ||
		    table_selection(cfg, t, set.items[i].root, f, sf, xused, kused, err) != 0)
			goto out;
	}
	if (check_used(&sf->excludes, xused, "--exclude", err) != 0 ||
	    check_used(&sf->keys, kused, "--key", err) != 0)
		goto out;
	for (i = 0; i < set.len; i++)
		if (add_refs(&b, i, err) != 0)
			goto out;
	if (add_remaps(&b, cfg, sf, err) != 0)
		goto out;
	/* the root's where (checked by each engine's rules), then --restrict */
	for (s = 0; s < 2; s++) {
		const struct rf_selection *rs = &b.t[0].sel;
		const char *w = s == 0 ? (rs->source_where ? rs->source_where : rs->where)
		                       : (rs->target_where ? rs->target_where : rs->where);
		const char *what = s == 0 ? (rs->source_where ? "--source-where" : "--where")
		                          : (rs->target_where ? "--target-where" : "--where");
		if (add_fragment(&b, 0, s, w, what, err) != 0)
			goto out;
	}
	if (add_restricts(&b, sf, err) != 0)
		goto out;
	if (sf->limit_given && add_limit(&b, 0, sf->limit, err) != 0)
		goto out;
	for (i = 0; i < set.len; i++)
		for (s = 0; s < 2; s++)
			build_where(&b, i, s);
	out->items = rf_xcalloc(set.len, sizeof *out->items);
	for (i = 0; i < set.len; i++) {
		struct set_table *t = &b.t[set.order[i]];
		struct rf_selection *sel = &out->items[out->len++].sel;
		*sel = t->sel;
		sel->source_key = true; /* the journal's source_key */
		memset(&t->sel, 0, sizeof t->sel);
		free(sel->where);
		free(sel->source_where);
		free(sel->target_where);
		sel->where = NULL;
		sel->source_where = t->where[0];
		sel->target_where = t->where[1];
		t->where[0] = t->where[1] = NULL;
	}
	for (i = 0; i < set.nbroken; i++) {
		const struct rf_fk_edge *e = &g.edges.items[set.broken[i]];
		char *line = rf_xasprintf("%s (%s -> %s)", e->name, e->child, e->parent);
		rf_strlist_add(&out->broken, line);
		rf_fk_list_add(&out->broken_edges, e);
		free(line);
	}
	rc = 0;
out:
	for (i = 0; b.t && i < set.len; i++) {
		rf_table_info_free(&b.t[i].info[0]);
		rf_table_info_free(&b.t[i].info[1]);
		free(b.t[i].name);
		rf_selection_free(&b.t[i].sel);
		for (s = 0; s < 2; s++) {
			free(b.t[i].own[s]);
			free(b.t[i].where[s]);
		}
	}
	free(b.t);
	free(xused);
	free(kused);
	rf_table_info_free(&info);
	rf_fk_list_free(&fks);
	rf_set_free(&set);
	rf_graph_free(&g);
	rf_strlist_free(&extra);
	rf_strlist_free(&names);
	if (rc != 0)
		rf_set_diff_free(out);
	return rc;
}
