/* all_create.h - `copy --all --create` (DESIGN §13): the tables missing in
 * the target, created by the copy from the source's definitions (schema.h).
 *
 * Planning a table that does not exist yet. The set copy plans against the
 * target's describe() and reads the target's rows; a table to be created
 * has neither. Its definition in the target is synthesized from the
 * translation: the source's columns, keys and indexes under its bare name,
 * each column with the mapped type and its source's class, NOT NULL,
 * primary-key position and identity (what the renderer and the journal
 * use; `store` unknown, so apply reads the inserted rows back rather than
 * predicting them). That definition is set on the target connection
 * (db->planned): until the table is created, rf_db_describe and the diff
 * answer with it, a stream over the table is empty (every source row is
 * an insert) and lookups in it find nothing. Right after each CREATE, the
 * real table is described through the apply's own connection and compared
 * with the plan (columns in order, their names, classes, NULL-ability,
 * primary-key positions and identity): a difference refuses the copy, so
 * what runs is what the preview showed. The identity seam: a created
 * table's info says `identity = true` on the column the target generates,
 * both as planned and as described.
 *
 * Atomicity per engine: on PostgreSQL and SQLite the CREATEs run inside
 * the copy's transaction, before the data, each journaled as a `create` op
 * first; foreign keys come after the data in the same transaction
 * (PostgreSQL: ALTER TABLE .. ADD CONSTRAINT; SQLite keeps them in CREATE
 * TABLE and the transaction defers their check to COMMIT), so a cycle
 * among created tables needs no NULL-then-UPDATE. On MariaDB, whose DDL
 * commits, the tables are created first (each `create` line fsync'ed
 * before its CREATE runs), parents first with their foreign keys, then the
 * data in one transaction; a failed copy drops exactly the tables it
 * created. Undo drops a created table once the rows the journal inserted
 * are deleted, refusing (exit 3) when rows are left in it.
 */
#ifndef ROWFERRY_ALL_CREATE_H
#define ROWFERRY_ALL_CREATE_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/db.h"
#include "rowferry/schema.h"
#include "rowferry/util.h"

/* One table to create. */
struct rf_planned_table {
	char *source;              /* the table as the source names it (owned) */
	struct rf_table_info info; /* its planned definition in the target (owned) */
	struct rf_ddl ddl;         /* CREATE TABLE and CREATE INDEX; foreign keys
	                              after the data (PostgreSQL) (owned) */
	char *ddl_text;            /* ddl.create joined by ";\n": the journal's
	                              create op (owned) */
	bool created;              /* its CREATE ran (in the open transaction, or
	                              committed on MariaDB) */
	struct rf_table_info made; /* as described right after its CREATE: the
	                              engine's own spelling of each type, for
	                              the verification's sums (owned) */
};

/* Owns everything; rf_planned_tables_free(). */
struct rf_planned_tables {
	size_t len;
	struct rf_planned_table *items; /* the order they are created in */
	bool keys_after_load;           /* their foreign keys are checked once
	                                   the rows are in (added after the data,
	                                   or deferred to COMMIT): a cycle
	                                   among them is loaded as it is */
	struct rf_strlist defer;        /* statements run first in the transaction
	                                   (SQLite: defer foreign keys to COMMIT) */
	struct rf_strlist warnings;     /* the translations' warnings, each
	                                   starting with its table */
	bool stream;                    /* their rows are loaded as the source is
	                                   read, not planned (all_stream.h) */
};
void rf_planned_tables_free(struct rf_planned_tables *p);

/* Plans the creation of names[0..n) (source tables that dst does not
 * hold) in dst: each described in src, translated (rf_schema_create_table)
 * and its target definition synthesized (above), in creation order. Does
 * not set dst->planned: the caller does, for as long as *out lives.
 * Returns 0, or -1 with err (MariaDB: tables referencing each other in a
 * cycle, which it could only tie after the data's transaction). *out is
 * the caller's to free in both cases. */
int rf_all_create_plan(struct rf_db *src, struct rf_db *dst, const struct rf_strlist *names,
                       struct rf_planned_tables *out, struct rf_error *err);

/* The item planned under name (describe()'s names), or -1. */
int rf_planned_find(const struct rf_planned_tables *p, const char *name);

/* The created table name as described right after its CREATE (the
 * planned one, with the engine's own types), or NULL: the verification
 * before COMMIT reads it in the engine's terms (all_copy.h). */
const struct rf_table_info *rf_db_created(const struct rf_db *db, const char *name);

/* Appends the preview's part of the DDL to out, as the statements run:
 * before: the CREATEs (and the deferral), after: the foreign keys added
 * once the data is in. Each statement ends with ";\n". */
void rf_all_create_script(const struct rf_planned_tables *p, bool before, struct rf_buf *out);

/* Runs item i's CREATE statements on db (the caller journaled them),
 * then describes the new table through db and compares it with the plan
 * (above). Marks it created once its CREATE TABLE ran. 0, or -1 with err. */
int rf_all_create_run(struct rf_db *db, struct rf_planned_tables *p, size_t i,
                      struct rf_error *err);

/* After the data, inside its transaction: the foreign keys of the created
 * tables (PostgreSQL). 0, or -1 with err. */
int rf_all_create_finish(struct rf_db *db, const struct rf_planned_tables *p, struct rf_error *err);

/* A failed copy on an engine whose DDL commits: drops the tables created
 * (children first), marks them not created. Errors are ignored but
 * counted: returns how many could not be dropped. */
size_t rf_all_create_drop(struct rf_db *db, struct rf_planned_tables *p);

#endif
