/* test_graph.c - the foreign-key graph on hand-built graphs (graph.h):
 * the tables --follow brings in and how each is selected, the apply order
 * from strongly connected components (chains, diamonds, cycles broken at a
 * nullable or DEFERRABLE key, self-references, unbreakable cycles named),
 * and the match key of §11. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/graph.h"

/* Adds child.col -> parent.id named name. */
static void edge(struct rf_graph *g, const char *name, const char *child, const char *col,
                 const char *parent, bool nullable, bool deferrable)
{
	char *cc[1] = {(char *)col}, *pc[1] = {(char *)"id"};
	struct rf_fk_edge e = {
	    .name = (char *)name,
	    .child = (char *)child,
	    .parent = (char *)parent,
	    .ncols = 1,
	    .child_cols = cc,
	    .parent_cols = pc,
	    .nullable = nullable,
	    .deferrable = deferrable,
	    .enforced = true,
	};
	rf_graph_add_edge(g, &e);
}

/* The set's tables in apply order, "a b c". */
static char *order_names(const struct rf_graph *g, const struct rf_set *s)
{
	struct rf_buf b = RF_BUF_INIT;
	size_t i;
	for (i = 0; i < s->len; i++)
		rf_buf_printf(&b, "%s%s", i ? " " : "",
		              g->tables.items[s->items[s->order[i]].table]);
	return rf_buf_steal(&b);
}

static char *broken_names(const struct rf_graph *g, const struct rf_set *s)
{
	struct rf_buf b = RF_BUF_INIT;
	size_t i;
	for (i = 0; i < s->nbroken; i++)
		rf_buf_printf(&b, "%s%s", i ? " " : "", g->edges.items[s->broken[i]].name);
	return rf_buf_steal(&b);
}

static void assert_set(const struct rf_graph *g, const char *root, enum rf_follow f,
                       const char *want_order, const char *want_broken)
{
	struct rf_set s;
	struct rf_error err;
	char *o, *b, msg[1200];

	rf_error_clear(&err);
	if (rf_set_closure(g, (size_t)rf_graph_table(g, root), NULL, f, &s, &err) != 0)
		fail_msg("%s", rf_error_text(&err, msg, sizeof msg));
	o = order_names(g, &s);
	b = broken_names(g, &s);
	assert_string_equal(o, want_order);
	assert_string_equal(b ? b : "", want_broken);
	free(o);
	free(b);
	rf_set_free(&s);
}

static void job_graph(struct rf_graph *g)
{
	rf_graph_init(g);
	edge(g, "orders_job", "sales_orders", "job_id", "jobs", false, false);
	edge(g, "lines_order", "order_lines", "sales_order_id", "sales_orders", false, false);
	edge(g, "lines_parent", "order_lines", "parent_line_id", "order_lines", true, false);
	edge(g, "batches_job", "siteflow_batches", "job_id", "jobs", false, false);
	edge(g, "jobs_customer", "jobs", "customer_id", "customers", false, false);
	rf_graph_add_table(g, "unrelated");
}

static void follow_children_takes_the_chain_parents_first_and_breaks_the_self_reference(void **st)
{
	struct rf_graph g;
	(void)st;
	job_graph(&g);
	assert_set(&g, "jobs", RF_FOLLOW_CHILDREN, "jobs sales_orders siteflow_batches order_lines",
	           "lines_parent");
	/* deletes: the same order backwards, children first */
	assert_set(&g, "jobs", RF_FOLLOW_PARENTS, "customers jobs", "");
	assert_set(&g, "jobs", RF_FOLLOW_BOTH,
	           "customers jobs sales_orders siteflow_batches order_lines", "lines_parent");
	assert_set(&g, "order_lines", RF_FOLLOW_PARENTS, "customers jobs sales_orders order_lines",
	           "lines_parent");
	assert_set(&g, "jobs", RF_FOLLOW_NONE, "jobs", "");
	rf_graph_free(&g);
}

static void each_table_is_selected_through_tables_found_before_it(void **st)
{
	struct rf_graph g;
	struct rf_set s;
	struct rf_error err;
	int lines, jobs, customers;
	(void)st;
	job_graph(&g);
	rf_error_clear(&err);
	assert_int_equal(
	    rf_set_closure(&g, (size_t)rf_graph_table(&g, "jobs"), NULL, RF_FOLLOW_BOTH, &s, &err),
	    0);
	jobs = rf_set_find(&s, (size_t)rf_graph_table(&g, "jobs"));
	lines = rf_set_find(&s, (size_t)rf_graph_table(&g, "order_lines"));
	customers = rf_set_find(&s, (size_t)rf_graph_table(&g, "customers"));
	assert_int_equal(jobs, 0);
	assert_true(s.items[jobs].root);
	assert_int_equal(s.items[jobs].nlinks, 0);
	/* order lines by their sales order only: the self-reference selects nothing */
	assert_int_equal(s.items[lines].nlinks, 1);
	assert_true(s.items[lines].links[0].down);
	assert_string_equal(g.edges.items[s.items[lines].links[0].edge].name, "lines_order");
	/* the customer by the selected job that references it */
	assert_int_equal(s.items[customers].nlinks, 1);
	assert_false(s.items[customers].links[0].down);
	assert_int_equal(rf_set_find(&s, (size_t)rf_graph_table(&g, "unrelated")), -1);
	rf_set_free(&s);
	rf_graph_free(&g);
}

static void a_diamond_selects_the_shared_child_through_both_parents(void **st)
{
	struct rf_graph g;
	struct rf_set s;
	struct rf_error err;
	int d;
	(void)st;
	rf_graph_init(&g);
	edge(&g, "b_a", "b", "a_id", "a", false, false);
	edge(&g, "c_a", "c", "a_id", "a", false, false);
	edge(&g, "d_b", "d", "b_id", "b", false, false);
	edge(&g, "d_c", "d", "c_id", "c", true, false);
	assert_set(&g, "a", RF_FOLLOW_CHILDREN, "a b c d", "");
	rf_error_clear(&err);
	assert_int_equal(
	    rf_set_closure(&g, (size_t)rf_graph_table(&g, "a"), NULL, RF_FOLLOW_CHILDREN, &s, &err),
	    0);
	d = rf_set_find(&s, (size_t)rf_graph_table(&g, "d"));
	assert_int_equal(s.items[d].nlinks, 2);
	rf_set_free(&s);
	/* d first: its parents are whole tables of --tables, and d comes last */
	{
		struct rf_strlist extra = RF_STRLIST_INIT;
		rf_strlist_add(&extra, "b");
		rf_strlist_add(&extra, "c");
		assert_int_equal(rf_set_closure(&g, (size_t)rf_graph_table(&g, "d"), &extra,
		                                RF_FOLLOW_NONE, &s, &err),
		                 0);
		assert_int_equal(s.len, 3);
		assert_true(s.items[1].whole && s.items[2].whole);
		assert_string_equal(g.tables.items[s.items[s.order[2]].table], "d");
		rf_set_free(&s);
		rf_strlist_add(&extra, "nope");
		assert_int_equal(rf_set_closure(&g, 0, &extra, RF_FOLLOW_NONE, &s, &err), -1);
		assert_non_null(strstr(err.msg, "nope"));
		rf_strlist_free(&extra);
	}
	rf_graph_free(&g);
}

static void a_cycle_is_broken_at_the_nullable_or_deferrable_key(void **st)
{
	struct rf_graph g;
	(void)st;
	/* a -> b NOT NULL, b -> a nullable: b's reference is set later */
	rf_graph_init(&g);
	edge(&g, "a_b", "a", "b_id", "b", false, false);
	edge(&g, "b_a", "b", "a_id", "a", true, false);
	assert_set(&g, "a", RF_FOLLOW_BOTH, "b a", "b_a");
	rf_graph_free(&g);
	/* the same with only a DEFERRABLE edge */
	rf_graph_init(&g);
	edge(&g, "a_b", "a", "b_id", "b", false, true);
	edge(&g, "b_a", "b", "a_id", "a", false, false);
	assert_set(&g, "b", RF_FOLLOW_PARENTS, "a b", "a_b");
	rf_graph_free(&g);
	/* three tables round, a child hanging off the cycle comes after it */
	rf_graph_init(&g);
	edge(&g, "x_y", "x", "y_id", "y", false, false);
	edge(&g, "y_z", "y", "z_id", "z", false, false);
	edge(&g, "z_x", "z", "x_id", "x", true, false);
	edge(&g, "w_x", "w", "x_id", "x", false, false);
	assert_set(&g, "x", RF_FOLLOW_BOTH, "z y x w", "z_x");
	rf_graph_free(&g);
}

static void an_unbreakable_cycle_is_an_error_naming_its_constraints(void **st)
{
	struct rf_graph g;
	struct rf_set s;
	struct rf_error err;
	(void)st;
	rf_graph_init(&g);
	edge(&g, "a_b", "a", "b_id", "b", false, false);
	edge(&g, "b_a", "b", "a_id", "a", false, false);
	edge(&g, "c_a", "c", "a_id", "a", false, false);
	rf_error_clear(&err);
	assert_int_equal(
	    rf_set_closure(&g, (size_t)rf_graph_table(&g, "c"), NULL, RF_FOLLOW_PARENTS, &s, &err),
	    -1);
	assert_non_null(strstr(err.msg, "a_b (a -> b)"));
	assert_non_null(strstr(err.msg, "b_a (b -> a)"));
	assert_null(strstr(err.msg, "c_a"));
	/* outside the set the cycle does not matter */
	assert_set(&g, "c", RF_FOLLOW_NONE, "c", "");
	rf_graph_free(&g);
	/* a NOT NULL, not deferrable self-reference */
	rf_graph_init(&g);
	edge(&g, "t_self", "t", "t_id", "t", false, false);
	rf_error_clear(&err);
	assert_int_equal(rf_set_closure(&g, 0, NULL, RF_FOLLOW_CHILDREN, &s, &err), -1);
	assert_non_null(strstr(err.msg, "t_self (t -> t)"));
	rf_graph_free(&g);
}

/* ---- match keys -------------------------------------------------------- */

static void add_col(struct rf_table_info *t, const char *name, bool nullable, int pk_pos)
{
	struct rf_column c = {.name = (char *)name,
	                      .decl_type = (char *)"int",
	                      .nullable = nullable,
	                      .pk_pos = pk_pos};
	rf_table_info_add_column(t, &c);
	if (pk_pos) {
		t->pk = rf_xrealloc(t->pk, (t->npk + 1) * sizeof *t->pk);
		t->pk[t->npk++] = t->ncols - 1;
	}
}

static void add_unique(struct rf_table_info *t, const char *name, const char *cols)
{
	struct rf_strlist l = RF_STRLIST_INIT;
	struct rf_key *k;
	rf_strlist_split(&l, cols);
	t->uniques = rf_xrealloc(t->uniques, (t->nunique + 1) * sizeof *t->uniques);
	k = &t->uniques[t->nunique++];
	k->name = rf_xstrdup(name);
	k->ncols = l.len;
	k->cols = l.items;
}

static char *key_of(const struct rf_table_info *t, const char *given, const char *excluded,
                    struct rf_error *err)
{
	struct rf_strlist g = RF_STRLIST_INIT, x = RF_STRLIST_INIT, out = RF_STRLIST_INIT;
	char *r = NULL;
	rf_strlist_split(&g, given);
	rf_strlist_split(&x, excluded);
	if (rf_graph_match_key(t, &g, &x, &out, err) == 0)
		r = rf_strlist_join(&out, ",");
	rf_strlist_free(&g);
	rf_strlist_free(&x);
	rf_strlist_free(&out);
	return r;
}

static void match_key_follows_section_11(void **st)
{
	struct rf_table_info t = {0};
	struct rf_error err;
	char *k;
	(void)st;
	t.display = rf_xstrdup("sales_orders");
	add_col(&t, "id", false, 1);
	add_col(&t, "job_id", false, 0);
	add_col(&t, "order_ref", false, 0);
	add_col(&t, "legacy_ref", true, 0);
	add_col(&t, "guid", false, 0);
	add_unique(&t, "so_ref", "job_id,order_ref");
	add_unique(&t, "so_legacy", "legacy_ref");
	add_unique(&t, "so_guid", "guid");
	rf_error_clear(&err);

	assert_string_equal(k = key_of(&t, "", "", &err), "id");
	free(k);
	assert_string_equal(k = key_of(&t, "order_ref", "id", &err), "order_ref");
	free(k);
	/* pk excluded, guid excluded: the one NOT NULL unique key left */
	assert_string_equal(k = key_of(&t, "", "id,guid", &err), "job_id,order_ref");
	free(k);
	/* pk excluded: two candidates, both named */
	assert_null(key_of(&t, "", "id", &err));
	assert_non_null(strstr(err.msg, "so_ref (job_id,order_ref)"));
	assert_non_null(strstr(err.msg, "so_guid (guid)"));
	assert_non_null(strstr(err.msg, "--key sales_orders:COLS"));
	/* none: the nullable one is named as not usable */
	rf_error_clear(&err);
	assert_null(key_of(&t, "", "id,guid,order_ref", &err));
	assert_non_null(strstr(err.msg, "no key to match rows by"));
	assert_non_null(strstr(err.msg, "so_legacy (legacy_ref)"));
	rf_table_info_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        follow_children_takes_the_chain_parents_first_and_breaks_the_self_reference),
	    cmocka_unit_test(each_table_is_selected_through_tables_found_before_it),
	    cmocka_unit_test(a_diamond_selects_the_shared_child_through_both_parents),
	    cmocka_unit_test(a_cycle_is_broken_at_the_nullable_or_deferrable_key),
	    cmocka_unit_test(an_unbreakable_cycle_is_an_error_naming_its_constraints),
	    cmocka_unit_test(match_key_follows_section_11),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
