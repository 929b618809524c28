/* cmd_copy_all.h - `rowferry copy --all` (DESIGN §13): the whole database,
 * or the --tables listed, as one set of tables (set_copy.h). */
#ifndef ROWFERRY_CMD_COPY_ALL_H
#define ROWFERRY_CMD_COPY_ALL_H

#include "rowferry/db.h"
#include "rowferry/graph.h"

/* The set of a copy --all, in the terms of a set copy: *root the first
 * table (of the source's tables, or of list when given: "T1,T2"), *rest
 * the others joined with ','s, NULL when there are none. Both are the
 * caller's to free. Returns 0, or -1 having said why (a source without
 * tables, a listed table twice). */
int cli_all_tables(struct rf_db *src, const char *list, char **root, char **rest);

/* The set flags that do not go with --all (--follow, --limit, --where
 * and friends are a selection of rows from a root); says which and
 * returns -1, else 0. */
int cli_all_refuse_flags(const struct rf_set_flags *sf, const struct rf_selection_flags *f);

#endif
