/* diff_internal.h - what diff.c (the merge) uses of diff_shape.c (the
 * shape); internal to the core. */
#ifndef RF_DIFF_INTERNAL_H
#define RF_DIFF_INTERNAL_H

#include "rowferry/diff.h"

/* Describes name on db; an engine without schemas also takes the name a
 * schema-qualified one shows ("public.jobs" -> "jobs"). 0 or -1 with err. */
int diff_describe(struct rf_db *db, const char *name, struct rf_table_info *t,
                  struct rf_error *err);
/* Pairs the columns of sh->src_table and sh->dst_table (described) into
 * sh, checks the selection's column names, and resolves the match key.
 * 0 or -1 with err. */
int diff_shape_build(struct rf_diff_shape *sh, const struct rf_selection *sel,
                     struct rf_error *err);
/* The shape column named name, or -1. */
int diff_shape_col(const struct rf_diff_shape *sh, const char *name);
/* Frees what sh holds (not sh). */
void diff_shape_clear(struct rf_diff_shape *sh);

#endif
