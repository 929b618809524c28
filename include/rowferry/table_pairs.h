/* table_pairs.h - the tables of two databases side by side, matched by
 * name, for `rowferry tables` and the console's table list.
 *
 * PostgreSQL names tables schema-qualified ("public.jobs"); an engine
 * without schemas (SQLite, MySQL's per-database namespace) names the same
 * table "jobs". A name in schema public is matched without it when the other
 * side has no schemas, so a cross-engine pair lines up.
 */
#ifndef ROWFERRY_TABLE_PAIRS_H
#define ROWFERRY_TABLE_PAIRS_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/db.h"

#define RF_TABLE_ABSENT (-2) /* rows value of a side the table is not on */

struct rf_table_pair {
	char *name;         /* as the diff takes it: matched name */
	long long src_rows; /* count, -1 unknown, RF_TABLE_ABSENT */
	long long dst_rows;
};

struct rf_table_pairs {
	size_t len;
	struct rf_table_pair *items; /* sorted by name; owned */
};

/* Pairs src's and dst's tables by name. *_schemas: whether that side's
 * engine has schemas (rf_db_ops.has_schemas). Free with
 * rf_table_pairs_free. */
void rf_table_pairs_make(const struct rf_table_list *src, bool src_schemas,
                         const struct rf_table_list *dst, bool dst_schemas,
                         struct rf_table_pairs *out);
void rf_table_pairs_free(struct rf_table_pairs *p);
/* The pair named name, or NULL. */
const struct rf_table_pair *rf_table_pairs_find(const struct rf_table_pairs *p, const char *name);

#endif
