/* lookup.h - finding target rows by key values, for preview, apply and undo
 * (internal to the core).
 *
 * Every read of the target goes through the driver's stream (STYLE.md 4):
 * the WHERE is built here from identifiers quoted by the driver's
 * quote_ident and values quoted by its quote_literal, a bounded number of
 * key tuples per stream. The WHERE only narrows what the server sends;
 * rows are then matched exactly, by canonical bytes, through a key set, so
 * a case-insensitive collation on the server cannot make two keys "equal".
 */
#ifndef ROWFERRY_LOOKUP_H
#define ROWFERRY_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rowferry/db.h"

/* Key tuples per stream: keeps each statement a few tens of KB, and small
 * enough that servers look the keys up in an index. */
#define RF_LOOKUP_CHUNK 1000
/* From this many tuples on, inside a write transaction on a target with a
 * bulk loader, the tuples go to the server once, into a temporary table
 * (temp_load), and one stream joins it: one statement instead of one per
 * chunk. */
#define RF_LOOKUP_TABLE_MIN (2 * RF_LOOKUP_CHUNK)

/* A hash set of byte strings (encoded key tuples), each with a value
 * (usually an op index). Owns copies of its keys. */
struct rf_keyset_slot {
	char *key; /* NULL: empty slot */
	size_t klen;
	uint64_t hash;
	size_t value;
};
struct rf_keyset_block; /* where the keys' bytes live, a block at a time */
struct rf_keyset {
	size_t cap, len;
	struct rf_keyset_slot *slots;
	struct rf_keyset_block *blocks; /* newest first */
};
#define RF_KEYSET_INIT                                                                             \
	{                                                                                          \
		0, 0, NULL, NULL                                                                   \
	}
void rf_keyset_free(struct rf_keyset *s);
/* Adds key (copied) unless present. Returns the slot's value: the new
 * `value` when added (*added = true), else the value already there. */
size_t rf_keyset_put(struct rf_keyset *s, const char *key, size_t klen, size_t value, bool *added);
/* Makes room for n keys in all, so that puts up to n rehash nothing: a
 * set filled with a plan's 100k keys would otherwise be rebuilt at every
 * doubling, each time in memory not touched yet. */
void rf_keyset_reserve(struct rf_keyset *s, size_t n);
/* Looks key up: true and *value set when present. */
bool rf_keyset_get(const struct rf_keyset *s, const char *key, size_t klen, size_t *value);

/* Appends an unambiguous encoding of n cells (cells[idx[i]], or cells[i]
 * when idx is NULL) to out: a tuple key for rf_keyset. */
void rf_key_encode(struct rf_buf *out, const struct rf_cell *cells, const size_t *idx, size_t n);

/* Which table columns to match and how their values are quoted. */
struct rf_lookup_key {
	size_t n;
	const size_t *cols;                /* table column indexes */
	const enum rf_type_class *classes; /* class of the canonical values given */
	size_t chunk;                      /* tuples per stream; 0: RF_LOOKUP_CHUNK */
	char **kept;                       /* NULL, or where the temporary table of the tuples stays
	                                      for another lookup of the same tuples: *kept NULL makes
	                                      it (if the table path is taken) and names it there,
	                                      otherwise it is used as it is; the caller ends it with
	                                      rf_lookup_release() */
	bool scan;                         /* stream the whole table instead, without a lock:
	                                      for tuples that are most of its rows (see
	                                      lookup.c, rf_lookup_rows_refs) */
};

/* Appends "a = x AND b IS NULL ..." for one tuple (key->n canonical cells):
 * identifiers and values quoted by the driver, as every lookup's WHERE. */
void rf_lookup_tuple_where(struct rf_db *db, const struct rf_table_info *t,
                           const struct rf_lookup_key *key, const struct rf_cell *tuple,
                           struct rf_buf *out);

/* Drops the table a lookup kept in *kept (if any) and frees the name. */
int rf_lookup_release(struct rf_db *db, char **kept, struct rf_error *err);

/* The class to quote a key value with in a WHERE on a column of class
 * column_class, for a canonical value of value_class: a string column gets
 * a string literal even when the value's class is numeric (PostgreSQL has
 * no text = integer), everything else the value's own class. */
enum rf_type_class rf_lookup_class(enum rf_type_class value_class, enum rf_type_class column_class);

/* Canonicalizes row->cells[first .. first+n) with classes[i] and opts[i]
 * (opts may be NULL: defaults) into out[0..n), bytes in buf (reset here).
 * Returns out. */
struct rf_cell *rf_lookup_canon(const struct rf_row *row, size_t first, size_t n,
                                const enum rf_type_class *classes, const struct rf_col_opts *opts,
                                struct rf_buf *buf, struct rf_cell *out);

/* Called for each streamed row; return 0 to go on, -1 (with err) to stop. */
typedef int (*rf_lookup_fn)(void *ctx, const struct rf_row *row, struct rf_error *err);

/* How many tuples to hand rf_lookup_rows at once, out of n: all of them
 * when they would go through a temporary table, else RF_LOOKUP_CHUNK
 * (callers that report progress per call). */
size_t rf_lookup_span(const struct rf_db *db, size_t n);

/* Streams the rows of t whose key columns equal one of the ntuples tuples
 * (tuples: ntuples * key->n canonical cells, row-major), with columns
 * stream_cols[0..nstream) in that order, in chunks of key->chunk
 * tuples, or all at once through a temporary table (see
 * RF_LOOKUP_TABLE_MIN); lock adds FOR UPDATE (inside a write transaction). Rows come in no
 * particular order and may include rows the server merely considers equal:
 * match them exactly. Returns 0 or -1 with err. */
int rf_lookup_rows(struct rf_db *db, const struct rf_table_info *t, const struct rf_lookup_key *key,
                   const struct rf_cell *tuples, size_t ntuples, const size_t *stream_cols,
                   size_t nstream, bool lock, rf_lookup_fn fn, void *ctx, struct rf_error *err);
/* The same, streaming column i as its parent's match key where refs (NULL,
 * or nstream entries) says so, as rf_stream_spec's refs. */
int rf_lookup_rows_refs(struct rf_db *db, const struct rf_table_info *t,
                        const struct rf_lookup_key *key, const struct rf_cell *tuples,
                        size_t ntuples, const size_t *stream_cols, const struct rf_stream_ref *refs,
                        size_t nstream, bool lock, rf_lookup_fn fn, void *ctx,
                        struct rf_error *err);

#endif
