/* set_copy.h - a copy of a set of related tables (DESIGN §11): one plan
 * per table from diffs read in one snapshot per side, one preview, one
 * transaction and one journal.
 *
 * The front ends (the CLI's copy, the console's related-tables screen)
 * call these three and speak no SQL of their own:
 *   rf_set_plan_build    the set (graph.h), each table diffed and planned,
 *                        the warnings of every plan;
 *   rf_set_preview_script  the script apply will run, tables in apply order;
 *   rf_set_apply         the plans through the transaction object
 *                        (apply.h): deletes children first, then inserts
 *                        and updates parents first, in one transaction.
 *
 * Cycles (DESIGN §11): where a cycle is broken at a DEFERRABLE foreign key
 * and the target defers constraints (PostgreSQL), the transaction starts
 * with SET CONSTRAINTS ... DEFERRED; else at a nullable one, whose INSERTs
 * write NULL there and a last step UPDATEs the references once every row
 * of the set exists (journaled, so undo restores NULL, then deletes).
 */
#ifndef ROWFERRY_SET_COPY_H
#define ROWFERRY_SET_COPY_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/apply.h"
#include "rowferry/graph.h"
#include "rowferry/plan.h"
#include "rowferry/preview.h"

struct rf_planned_tables;

/* One table of the set's copy. */
struct rf_set_plan_table {
	char *table;                 /* the set's name for it (owned) */
	struct rf_plan *plan;        /* inserts and updates (owned; owns the shape) */
	struct rf_plan *deletes;     /* its deletes, a step of their own (owned,
	                                borrows plan's shape); NULL when none */
	struct rf_plan *refs;        /* a cycle broken at its nullable foreign
	                                key: the UPDATEs that set the references
	                                its INSERTs left NULL, once every row
	                                exists (owned, borrows plan's shape);
	                                NULL when none */
	struct rf_diff_stats stats;  /* of its diff */
	struct rf_warnings warnings; /* of both plans (owned) */

	/* A table the copy creates, loaded as its source is read
	 * (all_stream.h): plan holds its shape and no operation, and
	 * stream_rows the source's rows when planned (counted as inserts). */
	bool streamed;
	unsigned long long stream_rows;
};

/* Owns everything; rf_set_plan_free(). */
struct rf_set_plan {
	size_t len;
	struct rf_set_plan_table *items; /* apply order, parents first */
	struct rf_strlist broken;        /* cycles broken: "name (child -> parent)" */
	struct rf_strlist defer;         /* statements deferring the DEFERRABLE
	                                    foreign keys a cycle is broken at
	                                    (PostgreSQL), run first */
	struct rf_warnings all;          /* every table's warnings, each text
	                                    starting with its table: what
	                                    rf_set_apply refuses on */
	/* The tables the set creates (copy --all --create, all_create.h),
	 * handed over by its builder (owned; NULL: none, or dst->planned is
	 * the caller's): the target's planned tables while
	 * rf_set_preview_script, _summary and rf_set_apply run. */
	struct rf_planned_tables *create;
};
void rf_set_plan_free(struct rf_set_plan *sp);
/* Operations of every plan. */
size_t rf_set_plan_nops(const struct rf_set_plan *sp);
/* The index of the table one of whose plans (its inserts and updates,
 * its deletes or its cycle-breaking updates) is step, or sp->len. */
size_t rf_set_plan_item_of(const struct rf_set_plan *sp, const struct rf_plan *step);
/* Operations of kind k in every plan (a streamed table's rows count as
 * inserts). */
size_t rf_set_plan_count(const struct rf_set_plan *sp, enum rf_op_kind k);

/* Computes each table's warnings against dst, for its plan, deletes and
 * refs (a parent inserted by another plan of sp counts as present), and
 * adds them to sp->all named by table; filtered[i] (sp->len entries): table
 * i's rows are filtered, so rows outside them are not judged. Used by every
 * builder of a set plan (selections, maps). 0, or -1 with err. */
int rf_set_plan_warnings(struct rf_set_plan *sp, struct rf_db *dst, const bool *filtered,
                         struct rf_error *err);

/* Builds the set of root as rf_set_diff_build does (f: the root's
 * selection flags, sf: the set flags, cfg: [compare TABLE] defaults and
 * [safety] bulk_rows), diffs every table inside one read transaction per
 * side (rf_set_diff_begin: one snapshot), makes each table's plan with the
 * operations of ops_mask, then computes each plan's warnings against the
 * target (a parent inserted by another plan of the set counts as
 * present). Cycles are broken as said above; a broken foreign key that
 * is neither nullable nor deferrable in the target is an error. Both connections are left with no
 * transaction open. Returns 0, or -1 with err; *out is the caller's to free in both cases. */
int rf_set_plan_build(struct rf_db *src, struct rf_db *dst, const struct rf_config *cfg,
                      const char *root, const struct rf_selection_flags *f,
                      const struct rf_set_flags *sf, unsigned ops_mask, struct rf_set_plan *out,
                      struct rf_error *err);

/* The script (an SQL file: everything but the statements is a comment):
 * the set's tables in apply order, the cycles broken, each table's
 * rf_preview_summary, then BEGIN, each step's statements under a comment
 * naming its table (deletes children first, then inserts and updates
 * parents first) and COMMIT - exactly what rf_set_apply runs (a streamed
 * table's load as a comment with its loader's statement: its rows are read
 * as it runs, all_stream.h). */
void rf_set_preview_script(const struct rf_set_plan *sp, const struct rf_db *src, struct rf_db *dst,
                           struct rf_buf *out);
/* The script's comment lines before BEGIN alone (the summary a confirmed
 * copy prints): no statement is rendered. */
void rf_set_preview_summary(const struct rf_set_plan *sp, const struct rf_db *src,
                            const struct rf_db *dst, struct rf_buf *out);

/* Applies every plan of sp in one transaction and one journal (apply.h's
 * transaction object); o->warnings is set to sp->all. The drift re-check
 * runs on every table: a changed row refuses the whole set. Returns and
 * fills res as rf_apply. */
int rf_set_apply(const struct rf_set_plan *sp, const struct rf_db *source, struct rf_db *target,
                 const struct rf_apply_opts *o, struct rf_apply_result *res, struct rf_error *err);

#endif
