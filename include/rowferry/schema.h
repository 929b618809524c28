/* schema.h - a table's definition translated to another engine (DESIGN §13,
 * `copy --all --create`, `rowferry ddl`).
 *
 * From describe() of a source table (columns, keys, foreign keys, indexes)
 * rf_schema_create_table() writes the CREATE TABLE and CREATE INDEX
 * statements for a target connection's engine, every identifier quoted by
 * the target driver's quote_ident and every literal by its quote_literal.
 * Types go through the type map of the engine pair (README, "Type map");
 * the same engine keeps the declared type as it is. What cannot be carried
 * over exactly (a default that does not translate, an unsigned decimal, a
 * set's list, a text column in a MariaDB key) is done the nearest way and
 * said in a warning, for the preview to show; nothing is refused but a
 * table without columns.
 *
 * Nothing is run here: the caller runs (and journals) the statements.
 */
#ifndef ROWFERRY_SCHEMA_H
#define ROWFERRY_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/db.h"
#include "rowferry/util.h"

/* Statements and warnings; owns every string. rf_ddl_free(). */
struct rf_ddl {
	struct rf_strlist create;   /* CREATE TABLE, then its CREATE INDEX ones */
	struct rf_strlist foreign;  /* ALTER TABLE .. ADD CONSTRAINT .. FOREIGN KEY,
	                               when asked for (fkeys_after): run once every
	                               table of the set exists */
	struct rf_strlist warnings; /* "orders.total: default nextval(..) dropped" */
};
void rf_ddl_free(struct rf_ddl *d);

struct rf_ddl_opts {
	const char *src_engine; /* the source's rf_db_ops.engine */
	const char *name;       /* the table's name in the target; NULL: the
	                           source's bare name (t->name). Created in the
	                           target's current schema / database */
	bool fkeys_after;       /* foreign keys as ALTER TABLE statements in
	                           d->foreign (tables in a cycle, or created in
	                           any order); SQLite cannot add a constraint
	                           later and keeps them in CREATE TABLE (it
	                           does not need the parent to exist yet) */
};

/* Appends to *out (initialized by the caller, zeroed or filled before) the
 * DDL creating src on target's engine. Foreign keys reference the parent
 * by its bare name (the source schema dropped), as it will be created.
 * Returns 0, or -1 with err (a table without columns). */
int rf_schema_create_table(struct rf_db *target, const struct rf_table_info *src,
                           const struct rf_ddl_opts *o, struct rf_ddl *out, struct rf_error *err);

/* The order to create tables[0..n) in: parents before the children that
 * reference them (by describe()'s names: a foreign key's ref_table is a
 * table's display or name), written into order[0..n) as indexes into
 * tables. Returns true; false when the tables reference each other in a
 * cycle (a self-reference is no cycle: CREATE TABLE may name itself),
 * order then being the given one, and the caller creates the foreign keys
 * after all the tables (fkeys_after). References to tables not among them
 * are left to the target (they must exist there). */
bool rf_schema_create_order(const struct rf_table_info *tables, size_t n, size_t *order);

/* The type map alone: appends to type the target type for column c of a
 * src_engine table on dst_engine ("postgres", "mysql", "sqlite"); in_key:
 * the column is part of a key or index (MariaDB cannot index text or blob
 * columns whole). Adds a warning (prefixed with the column's name) to
 * warnings when the type is not an exact match. */
void rf_schema_map_type(const char *src_engine, const struct rf_column *c, bool in_key,
                        const char *dst_engine, struct rf_buf *type, struct rf_strlist *warnings);

/* Identity columns after explicit keys were loaded (DESIGN §13): the
 * statements that read and move a column's generator, for identity.c to
 * run and journal. t is the target table (its describe()), col its
 * identity column's name.
 *
 * rf_schema_identity_max: "SELECT max(col) FROM t", one row, one column
 * (NULL for an empty table).
 * rf_schema_identity_locate: PostgreSQL: one row (schema, name,
 * increment, whether the user may act as its owner) of the column's
 * sequence (pg_get_serial_sequence: identity and serial alike), no row
 * where it has none; elsewhere false and nothing appended (the generator
 * is the table's own).
 * rf_schema_identity_read: one row, one column, the value the generator
 * gives next; seq: what locate gave (PostgreSQL), NULL elsewhere. false
 * and nothing appended where the engine keeps none to read (SQLite: a
 * rowid alias always continues after the largest key).
 * rf_schema_identity_set: the statement after which the generator gives
 * `next`. PostgreSQL: ALTER SEQUENCE .. RESTART WITH, which a rollback
 * takes back; where the user does not own the sequence, setval(.., next,
 * false), which it does not (setval is not transactional). MariaDB: ALTER TABLE ..
 * AUTO_INCREMENT, which the server never sets below the largest key + 1;
 * it commits implicitly and is refused inside an XA transaction: run it
 * outside any. false and nothing appended where nothing can be set. */
struct rf_schema_sequence {
	const char *schema, *name;
	long long increment;
	bool owned; /* the user may ALTER it (else setval) */
};
void rf_schema_identity_max(struct rf_db *db, const struct rf_table_info *t, const char *col,
                            struct rf_buf *out);
bool rf_schema_identity_locate(struct rf_db *db, const struct rf_table_info *t, const char *col,
                               struct rf_buf *out);
bool rf_schema_identity_read(struct rf_db *db, const struct rf_table_info *t,
                             const struct rf_schema_sequence *seq, struct rf_buf *out);
bool rf_schema_identity_set(struct rf_db *db, const struct rf_table_info *t,
                            const struct rf_schema_sequence *seq, long long next,
                            struct rf_buf *out);

#endif
