/* graph.h - the foreign-key graph of a database and the sets of tables a
 * diff or copy of related rows works on (DESIGN §11).
 *
 * The graph is tables (by the names describe() gives them) and foreign
 * keys (db.h rf_fk_edge, child -> parent). A set is a root table and what
 * --follow and --tables bring along; each table of the set other than the
 * root and the --tables ones is selected through links to tables found
 * before it (a child by the rows selected in its parent, a parent by the
 * rows its selected children reference), so its rows can be selected on
 * the server by a semi-join built from those links, never by rows held
 * in memory. The set's apply order comes from the strongly connected
 * components of the graph, parents first; a cycle is broken at a
 * nullable or DEFERRABLE foreign key, and one that none breaks is an
 * error naming its constraints.
 *
 * Nothing here talks to a database: graph_set.c (rf_set_build) builds a
 * set from two connections, and the unit tests build graphs by hand.
 */
#ifndef ROWFERRY_GRAPH_H
#define ROWFERRY_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/db.h"
#include "rowferry/diff.h"
#include "rowferry/util.h"

enum rf_follow { RF_FOLLOW_NONE, RF_FOLLOW_CHILDREN, RF_FOLLOW_PARENTS, RF_FOLLOW_BOTH };
/* "children", "parents", "both" -> *out; else -1 with err naming --follow. */
int rf_follow_parse(const char *s, enum rf_follow *out, struct rf_error *err);

/* Owns its names and edges; rf_graph_free(). */
struct rf_graph {
	struct rf_strlist tables;
	struct rf_fk_list edges; /* child and parent are names in tables */
};
void rf_graph_init(struct rf_graph *g);
void rf_graph_free(struct rf_graph *g);
/* The index of table name, added if new. */
size_t rf_graph_add_table(struct rf_graph *g, const char *name);
/* The index of table name, or -1. */
int rf_graph_table(const struct rf_graph *g, const char *name);
/* Adds a copy of e, and its two tables if new. */
void rf_graph_add_edge(struct rf_graph *g, const struct rf_fk_edge *e);
/* Every edge of l (rf_graph_add_edge). */
void rf_graph_add_edges(struct rf_graph *g, const struct rf_fk_list *l);

/* How a table's rows are selected through another table of the set. */
struct rf_set_link {
	size_t edge; /* index into graph->edges.items */
	bool down;   /* true: this table is the edge's child, selected by the
	                rows selected in its parent (--follow children); false:
	                it is the parent, selected by the rows its selected
	                children reference (--follow parents) */
};

struct rf_set_table {
	size_t table; /* index into graph->tables */
	bool root;
	bool whole;                /* named by --tables: every row (unless --restrict) */
	size_t nlinks;             /* any of them selects a row (OR); the other end of */
	struct rf_set_link *links; /* each is earlier in the set */
};

/* A set of tables. Owns its arrays; rf_set_free(). */
struct rf_set {
	size_t len;
	struct rf_set_table *items; /* in the order found: the root first */
	size_t *order;              /* apply order, parents first: indexes into
	                               items (children first for deletes: read it
	                               backwards) */
	size_t nbroken;
	size_t *broken; /* edges (graph->edges.items) where a cycle is broken */
};
void rf_set_free(struct rf_set *s);
/* The item of graph table t in the set, or -1. */
int rf_set_find(const struct rf_set *s, size_t table);

/* The set from root: root, then the tables of extra (--tables, whole),
 * then what follow brings in from them. A self-reference never selects
 * rows. Then the apply order (rf_set_order). Returns 0, or -1 with err
 * (an unbreakable cycle, a name of extra not in the graph: add every
 * table to the graph first). */
int rf_set_closure(const struct rf_graph *g, size_t root, const struct rf_strlist *extra,
                   enum rf_follow follow, struct rf_set *out, struct rf_error *err);
/* Fills s->order and s->broken from the edges among the set's tables:
 * Tarjan's strongly connected components, parents first; inside a
 * component, the edges that are nullable or DEFERRABLE are set aside and
 * what remains must have no cycle (else -1, err naming the constraints of
 * the remaining cycle); the set-aside edges that then point backwards (and
 * self-references) are the broken ones. */
int rf_set_order(const struct rf_graph *g, struct rf_set *s, struct rf_error *err);

/* The match key of table t (DESIGN §11): given (--key TABLE:COLS or the
 * [compare TABLE] key) if not empty; else the primary key unless one of
 * its columns is excluded; else the one unique key whose columns are all
 * NOT NULL and none excluded. Appends the columns to *out (caller's).
 * Returns 0, or -1 with err naming the table and the candidates when
 * there are none or several. */
int rf_graph_match_key(const struct rf_table_info *t, const struct rf_strlist *given,
                       const struct rf_strlist *excluded, struct rf_strlist *out,
                       struct rf_error *err);

/* ---- a diff of a set (graph_set.c) ------------------------------------- */

/* The flags that make a diff one of several tables (DESIGN §7, §11), as
 * given (NULL / empty: not given). Borrows its strings but owns the lists;
 * rf_set_flags_free(). */
struct rf_set_flags {
	const char *follow;          /* children | parents | both */
	const char *tables;          /* "T1,T2": those tables, whole */
	struct rf_strlist restricts; /* "TABLE:SQL", repeatable */
	struct rf_strlist keys;      /* "TABLE:COLS" (bare "COLS": the root's) */
	struct rf_strlist excludes;  /* "TABLE.COL" or "COL" (every table that has it) */
	struct rf_strlist remaps;    /* "TABLE=uuid5": its one-column primary key
	                                and every foreign key column referencing
	                                it computed (rf_col_remap) in the target
	                                connection's namespace */
	long limit;                  /* at most this many rows of the root; 0: all */
	bool limit_given;
};
void rf_set_flags_free(struct rf_set_flags *f);
/* True when one of --follow, --tables, --restrict, --limit, --remap was
 * given: the command works on a set of tables (of one table, for --remap
 * alone). */
bool rf_set_flags_given(const struct rf_set_flags *f);

/* One table of a set, ready for rf_diff_open: its selection holds the
 * table's name (one both sides describe), its match key, its excluded
 * columns and, per side, the WHERE that selects its rows there (its own
 * filters and the semi-joins through the tables it is selected by). */
struct rf_set_diff_table {
	struct rf_selection sel;
};
/* Owns everything; rf_set_diff_free(). */
struct rf_set_diff {
	size_t len;
	struct rf_set_diff_table *items; /* in apply order, parents first */
	struct rf_strlist broken;        /* cycles broken: "name (child -> parent)" */
	struct rf_fk_list broken_edges;  /* the same foreign keys, whole (as the
	                                    source describes them) */
};
void rf_set_diff_free(struct rf_set_diff *d);

/* Builds the set of root on src (the graph of src's foreign keys) and each
 * table's selection on both sides: the selection flags f apply to the root
 * (its where, column options), sf says what else comes in, and each table
 * takes its [compare TABLE] defaults from cfg. A child's rows are selected
 * on each side by a semi-join on the rows selected in its parents on that
 * side, built from each engine's own quoting; user fragments (--where,
 * --restrict) are checked with the engine's lexer and parenthesized first.
 * --limit reads the root's first N keys from the source (a short diff of
 * the root) and selects those keys on both sides. Returns 0, or -1 with
 * err (an unbreakable cycle, an ambiguous key, a bad fragment); *out is
 * the caller's, also on error. */
int rf_set_diff_build(struct rf_db *src, struct rf_db *dst, const struct rf_config *cfg,
                      const char *root, const struct rf_selection_flags *f,
                      const struct rf_set_flags *sf, struct rf_set_diff *out, struct rf_error *err);

/* Begins a read transaction on each side (RF_TX_READ: REPEATABLE READ on
 * PostgreSQL, a consistent snapshot on MariaDB, one read transaction on
 * SQLite), so that rf_set_diff_build and the diff of every table of the set
 * read one snapshot per side, as a single-table diff does: rows written
 * meanwhile neither appear in a child without their parent nor the other
 * way round. rf_diff_open uses the open transaction. Returns 0, or -1
 * with err and nothing open. */
int rf_set_diff_begin(struct rf_db *src, struct rf_db *dst, struct rf_error *err);
/* Ends both read transactions (nothing was written). */
void rf_set_diff_end(struct rf_db *src, struct rf_db *dst);

#endif
