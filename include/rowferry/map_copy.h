/* map_copy.h - `rowferry copy` through [map] sections (DESIGN §12): each
 * map's source rows mapped, validated and diffed by the map's key
 * (map_diff.h), planned as a set (set_copy.h) in foreign-key order, so
 * the ordinary core previews, checks, applies, journals and undoes it.
 *
 * ref() columns are compared by the parent's match key. A parent already
 * in the target is written as its key, found when the diff read the
 * parent (a plain value: bulk-loaded, predicted; apply's re-check locks
 * the parent and refuses the copy as drift if its match key changed or
 * it is gone); one this copy inserts through its match key, (SELECT id
 * FROM parent WHERE legacy_id = $n). A row whose parent is in neither is
 * invalid.
 */
#ifndef ROWFERRY_MAP_COPY_H
#define ROWFERRY_MAP_COPY_H

#include <stdbool.h>

#include "rowferry/map_diff.h"
#include "rowferry/set_copy.h"

struct rf_map_copy_report {
	unsigned long long invalid_rows;
	/* "table\tsource key\tcolumn\treason\n" per invalid cell */
	struct rf_buf invalid;
	/* one JSON object per invalid row, a line each: {"table", "source_key",
	 * "column", "reason"} of its first invalid cell, "problems" listing
	 * every one ({"column", "reason"}) */
	struct rf_buf rejects;
};
void rf_map_copy_report_free(struct rf_map_copy_report *rep);

/* Plans the copy of maps[0..n) (borrowed; their expressions are bound in
 * place) from src into dst in one read snapshot per side: the tables
 * ordered parents first (a ref() to another map's table, or a foreign
 * key of the target between them; a cycle is an error), each map's rows
 * diffed by its key, the operations of ops_mask planned (bulk loads from
 * bulk_rows inserts on), the warnings of every plan computed as a set.
 * sections: where ref() finds its parents' [map] keys. now: what now()
 * gives (canonical timestamptz, borrowed). Invalid source rows are listed
 * in rep; unless skip_invalid, out then holds no plans (the caller
 * refuses). 0, or -1 with err; out and rep are the caller's to free
 * (rf_set_plan_free, rf_map_copy_report_free) in every case. Both
 * connections are left with no transaction open. */
int rf_map_copy_plan(struct rf_db *src, struct rf_db *dst, struct rf_map *const *maps, size_t n,
                     const struct rf_config *sections, const char *now, unsigned ops_mask,
                     size_t bulk_rows, bool skip_invalid, struct rf_set_plan *out,
                     struct rf_map_copy_report *rep, struct rf_error *err);

#endif
