/* all_tables.h - the tables of a `copy --all` (DESIGN §13), for both
 * front ends: the CLI's copy --all [--tables ...] [--create] and the
 * console's copy of the marked tables (ui/tables_view.c).
 *
 * The set is the listed tables, or every table of the source; the ones
 * the target does not hold are looked up as the set copy looks them up
 * (its bare name where the source has schemas, graph_set.c). With
 * --create they are planned into the target (all_create.h), which the
 * set's plan, preview and apply then take for tables that exist.
 */
#ifndef ROWFERRY_ALL_TABLES_H
#define ROWFERRY_ALL_TABLES_H

#include "rowferry/all_create.h"
#include "rowferry/db.h"
#include "rowferry/util.h"

/* The tables of a copy --all from src to dst into names: list's ("T1,T2")
 * when not NULL, else every table of src, in that order; those dst does
 * not hold into missing (both lists the caller's, appended to, to free in
 * every case). create not NULL and tables missing: they are planned into
 * *create (rf_all_create_plan; the caller's to free, also on error) and
 * dst->planned points at it (the caller clears it before *create goes);
 * NULL: they are only listed. Returns 0, or -1 with err: src has no
 * table, list names one twice, a list of tables cannot be read, a
 * missing table cannot be planned. */
int rf_all_tables(struct rf_db *src, struct rf_db *dst, const char *list,
                  struct rf_planned_tables *create, struct rf_strlist *names,
                  struct rf_strlist *missing, struct rf_error *err);

#endif
