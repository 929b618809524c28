/* graph.c - the foreign-key graph, sets of tables, their apply order and
 * the match key of each table (graph.h, DESIGN §11). No database here. */
#include <stdlib.h>
#include <string.h>

#include "rowferry/graph.h"

int rf_follow_parse(const char *s, enum rf_follow *out, struct rf_error *err)
{
	static const char *const names[] = {"children", "parents", "both"};
	static const enum rf_follow values[] = {RF_FOLLOW_CHILDREN, RF_FOLLOW_PARENTS,
	                                        RF_FOLLOW_BOTH};
	size_t i;
	for (i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = values[i];
			return 0;
		}
	return rf_error_set(err, "--follow", "'%s' is not children, parents or both", s);
}

void rf_graph_init(struct rf_graph *g)
{
	memset(g, 0, sizeof *g);
}

void rf_graph_free(struct rf_graph *g)
{
	rf_strlist_free(&g->tables);
	rf_fk_list_free(&g->edges);
	memset(g, 0, sizeof *g);
}

int rf_graph_table(const struct rf_graph *g, const char *name)
{
	return rf_strlist_index(&g->tables, name);
}

size_t rf_graph_add_table(struct rf_graph *g, const char *name)
{
	int i = rf_graph_table(g, name);
	if (i >= 0)
		return (size_t)i;
	rf_strlist_add(&g->tables, name);
	return g->tables.len - 1;
}

void rf_graph_add_edge(struct rf_graph *g, const struct rf_fk_edge *e)
{
	rf_graph_add_table(g, e->child);
	rf_graph_add_table(g, e->parent);
	rf_fk_list_add(&g->edges, e);
}

void rf_graph_add_edges(struct rf_graph *g, const struct rf_fk_list *l)
{
	size_t i;
	for (i = 0; i < l->len; i++)
		rf_graph_add_edge(g, &l->items[i]);
}

void rf_set_free(struct rf_set *s)
{
	size_t i;
	if (!s)
		return;
	for (i = 0; i < s->len; i++)
		free(s->items[i].links);
	free(s->items);
	free(s->order);
	free(s->broken);
	memset(s, 0, sizeof *s);
}

int rf_set_find(const struct rf_set *s, size_t table)
{
	size_t i;
	for (i = 0; i < s->len; i++)
		if (s->items[i].table == table)
			return (int)i;
	return -1;
}

static size_t edge_child(const struct rf_graph *g, size_t e)
{
	return (size_t)rf_graph_table(g, g->edges.items[e].child);
}

static size_t edge_parent(const struct rf_graph *g, size_t e)
{
	return (size_t)rf_graph_table(g, g->edges.items[e].parent);
}

static size_t set_add(struct rf_set *s, size_t table)
{
	int i = rf_set_find(s, table);
	if (i >= 0)
		return (size_t)i;
	s->items = rf_xrealloc(s->items, (s->len + 1) * sizeof *s->items);
	memset(&s->items[s->len], 0, sizeof s->items[s->len]);
	s->items[s->len].table = table;
	return s->len++;
}

/* Item `to` is selected through edge e from item `from`, which was found
 * before it. The root and --tables tables are selected by their own
 * filters only. */
static void set_link(struct rf_set *s, size_t to, size_t from, size_t e, bool down)
{
	struct rf_set_table *t = &s->items[to];
	if (to <= from || t->root || t->whole)
		return;
	t->links = rf_xrealloc(t->links, (t->nlinks + 1) * sizeof *t->links);
	t->links[t->nlinks].edge = e;
	t->links[t->nlinks++].down = down;
}

/* Breadth first from every item already in the set: children (down) or
 * parents. The set grows while it is walked. */
static void follow(const struct rf_graph *g, struct rf_set *s, bool down)
{
	size_t i, e;
	for (i = 0; i < s->len; i++) {
		size_t here = s->items[i].table;
		for (e = 0; e < g->edges.len; e++) {
			size_t c = edge_child(g, e), p = edge_parent(g, e), other, at;
			if (c == p || (down ? p : c) != here)
				continue; /* a self-reference selects nothing new */
			other = down ? c : p;
			at = set_add(s, other);
			set_link(s, at, i, e, down);
		}
	}
}

int rf_set_closure(const struct rf_graph *g, size_t root, const struct rf_strlist *extra,
                   enum rf_follow f, struct rf_set *out, struct rf_error *err)
{
	size_t i, at;

	memset(out, 0, sizeof *out);
	at = set_add(out, root);
	out->items[at].root = true;
	for (i = 0; extra && i < extra->len; i++) {
		int t = rf_graph_table(g, extra->items[i]);
		if (t < 0) {
			rf_set_free(out);
			return rf_error_set(err, "--tables", "no table %s", extra->items[i]);
		}
		at = set_add(out, (size_t)t);
		out->items[at].whole = !out->items[at].root;
	}
	if (f == RF_FOLLOW_CHILDREN || f == RF_FOLLOW_BOTH)
		follow(g, out, true);
	if (f == RF_FOLLOW_PARENTS || f == RF_FOLLOW_BOTH)
		follow(g, out, false);
	if (rf_set_order(g, out, err) != 0) {
		rf_set_free(out);
		return -1;
	}
	return 0;
}

/* ---- order: Tarjan's strongly connected components ----------------------- */

struct tarjan {
	const struct rf_graph *g;
	const struct rf_set *s;
	size_t *index, *low, *stack, nstack, next;
	bool *on_stack;
	size_t *comp; /* item -> component number */
	size_t ncomp;
	bool *done; /* per component: ordered */
};

/* Is edge e among the set's tables? Sets *c and *p to their items. */
static bool edge_in_set(const struct rf_graph *g, const struct rf_set *s, size_t e, size_t *c,
                        size_t *p)
{
	int ci = rf_set_find(s, edge_child(g, e)), pi = rf_set_find(s, edge_parent(g, e));
	if (ci < 0 || pi < 0)
		return false;
	*c = (size_t)ci;
	*p = (size_t)pi;
	return true;
}

/* Edges run parent -> child, so a component is complete only after every
 * component of its children: components come out children first. */
static void strongconnect(struct tarjan *t, size_t v)
{
	size_t e, c, p;

	t->index[v] = t->low[v] = ++t->next;
	t->stack[t->nstack++] = v;
	t->on_stack[v] = true;
	for (e = 0; e < t->g->edges.len; e++) {
		if (!edge_in_set(t->g, t->s, e, &c, &p) || p != v)
			continue;
		if (!t->index[c]) {
			strongconnect(t, c);
			if (t->low[c] < t->low[v])
				t->low[v] = t->low[c];
		} else if (t->on_stack[c] && t->index[c] < t->low[v]) {
			t->low[v] = t->index[c];
		}
	}
	if (t->low[v] != t->index[v])
		return;
	do {
		c = t->stack[--t->nstack];
		t->on_stack[c] = false;
		t->comp[c] = t->ncomp;
	} while (c != v);
	t->ncomp++;
}

/* Every parent of component k outside it is ordered already. */
static bool component_ready(const struct tarjan *t, size_t k)
{
	size_t e, c, p;
	for (e = 0; e < t->g->edges.len; e++)
		if (edge_in_set(t->g, t->s, e, &c, &p) && t->comp[c] == k && t->comp[p] != k &&
		    !t->done[t->comp[p]])
			return false;
	return true;
}

static bool breakable(const struct rf_fk_edge *e)
{
	return e->nullable || e->deferrable;
}

/* Orders the items of component k parents first into s->order (from
 * *pos), with the edges that cannot be broken only (Kahn's algorithm, ties
 * in the order found); marks the broken edges. -1 with err if a cycle of
 * unbreakable edges remains. */
static int order_component(const struct rf_graph *g, struct rf_set *s, const size_t *comp, size_t k,
                           size_t *pos, struct rf_error *err)
{
	size_t *indeg = rf_xcalloc(s->len, sizeof *indeg), *rank = rf_xcalloc(s->len, sizeof *rank);
	bool *done = rf_xcalloc(s->len, sizeof *done);
	size_t i, e, c, p, start = *pos, left = 0;
	int rc = -1;

	for (i = 0; i < s->len; i++)
		left += comp[i] == k;
	for (e = 0; e < g->edges.len; e++)
		if (edge_in_set(g, s, e, &c, &p) && comp[c] == k && comp[p] == k &&
		    !breakable(&g->edges.items[e]))
			indeg[c]++;
	while (left) {
		for (i = 0; i < s->len; i++)
			if (comp[i] == k && !done[i] && indeg[i] == 0)
				break;
		if (i == s->len)
			break; /* a cycle nothing breaks */
		done[i] = true;
		rank[i] = *pos;
		s->order[(*pos)++] = i;
		left--;
		for (e = 0; e < g->edges.len; e++)
			if (edge_in_set(g, s, e, &c, &p) && p == i && comp[c] == k &&
			    !breakable(&g->edges.items[e]) && c != p)
				indeg[c]--;
	}
	if (left) {
		struct rf_buf names = RF_BUF_INIT;
		for (e = 0; e < g->edges.len; e++)
			if (edge_in_set(g, s, e, &c, &p) && comp[c] == k && !done[c] && !done[p] &&
			    comp[p] == k && !breakable(&g->edges.items[e]))
				rf_buf_printf(&names, "%s%s (%s -> %s)", names.len ? ", " : "",
				              g->edges.items[e].name, g->edges.items[e].child,
				              g->edges.items[e].parent);
		rf_error_set(err, "graph",
		             "a cycle of foreign keys that are neither nullable nor DEFERRABLE "
		             "cannot be ordered: %s",
		             names.data ? names.data : "");
		rf_buf_free(&names);
		goto out;
	}
	/* a breakable edge inside the component that points backwards (or at
	 * its own table) is where the cycle is broken */
	for (e = 0; e < g->edges.len; e++)
		if (edge_in_set(g, s, e, &c, &p) && comp[c] == k && comp[p] == k &&
		    rank[c] <= rank[p] && rank[c] >= start) {
			s->broken = rf_xrealloc(s->broken, (s->nbroken + 1) * sizeof *s->broken);
			s->broken[s->nbroken++] = e;
		}
	rc = 0;
out:
	free(indeg);
	free(rank);
	free(done);
	return rc;
}

int rf_set_order(const struct rf_graph *g, struct rf_set *s, struct rf_error *err)
{
	struct tarjan t = {.g = g, .s = s};
	size_t i, n, pos = 0;
	int rc = -1;

	free(s->order);
	free(s->broken);
	s->broken = NULL;
	s->nbroken = 0;
	s->order = rf_xcalloc(s->len + 1, sizeof *s->order);
	t.index = rf_xcalloc(s->len + 1, sizeof *t.index);
	t.low = rf_xcalloc(s->len + 1, sizeof *t.low);
	t.stack = rf_xcalloc(s->len + 1, sizeof *t.stack);
	t.on_stack = rf_xcalloc(s->len + 1, sizeof *t.on_stack);
	t.comp = rf_xcalloc(s->len + 1, sizeof *t.comp);
	for (i = 0; i < s->len; i++)
		if (!t.index[i])
			strongconnect(&t, i);
	/* components parents first; of those ready, the one with the table
	 * found first (so the order reads like the set: root, then children) */
	t.done = rf_xcalloc(t.ncomp + 1, sizeof *t.done);
	for (n = 0; n < t.ncomp; n++) {
		size_t best = t.ncomp;
		for (i = 0; i < s->len && best == t.ncomp; i++)
			if (!t.done[t.comp[i]] && component_ready(&t, t.comp[i]))
				best = t.comp[i];
		t.done[best] = true;
		if (order_component(g, s, t.comp, best, &pos, err) != 0)
			goto out;
	}
	rc = 0;
out:
	free(t.index);
	free(t.low);
	free(t.stack);
	free(t.on_stack);
	free(t.comp);
	free(t.done);
	return rc;
}

/* ---- the match key ----------------------------------------------------- */

static bool any_excluded(char *const *cols, size_t n, const struct rf_strlist *excluded)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (excluded && rf_strlist_index(excluded, cols[i]) >= 0)
			return true;
	return false;
}

static bool all_not_null(const struct rf_table_info *t, char *const *cols, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		int c = rf_table_info_col(t, cols[i]);
		if (c < 0 || t->cols[c].nullable)
			return false;
	}
	return true;
}

static void describe_key(const struct rf_key *k, struct rf_buf *out)
{
	struct rf_strlist cols = {k->cols, k->ncols, k->ncols};
	char *joined = rf_strlist_join(&cols, ",");
	rf_buf_printf(out, "%s%s (%s)", out->len ? ", " : "", k->name, joined);
	free(joined);
}

int rf_graph_match_key(const struct rf_table_info *t, const struct rf_strlist *given,
                       const struct rf_strlist *excluded, struct rf_strlist *out,
                       struct rf_error *err)
{
	struct rf_buf usable = RF_BUF_INIT, others = RF_BUF_INIT;
	size_t i, nusable = 0, pick = 0;
	bool pk_excluded = false;
	int rc = -1;

	if (given && given->len) {
		for (i = 0; i < given->len; i++)
			rf_strlist_add(out, given->items[i]);
		return 0;
	}
	for (i = 0; i < t->npk; i++)
		pk_excluded = pk_excluded ||
		              (excluded && rf_strlist_index(excluded, t->cols[t->pk[i]].name) >= 0);
	if (t->npk && !pk_excluded) {
		for (i = 0; i < t->npk; i++)
			rf_strlist_add(out, t->cols[t->pk[i]].name);
		return 0;
	}
	for (i = 0; i < t->nunique; i++) {
		const struct rf_key *k = &t->uniques[i];
		if (!any_excluded(k->cols, k->ncols, excluded) &&
		    all_not_null(t, k->cols, k->ncols)) {
			describe_key(k, &usable);
			nusable++;
			pick = i;
		} else {
			describe_key(k, &others);
		}
	}
	if (nusable == 1) {
		for (i = 0; i < t->uniques[pick].ncols; i++)
			rf_strlist_add(out, t->uniques[pick].cols[i]);
		rc = 0;
	} else if (nusable > 1) {
		rf_error_set(err, t->display,
		             "several keys could match rows: %s; choose one with --key %s:COLS",
		             usable.data, t->display);
	} else {
		rf_error_set(err, t->display,
		             "no key to match rows by: %s, and no unique key is NOT NULL without "
		             "excluded columns%s%s%s; give --key %s:COLS",
		             t->npk ? "its primary key is excluded" : "it has no primary key",
		             others.len ? " (" : "", others.len ? others.data : "",
		             others.len ? ")" : "", t->display);
	}
	rf_buf_free(&usable);
	rf_buf_free(&others);
	return rc;
}
