/* diff.h - streaming merge-join row diff (DESIGN §4).
 *
 * Both sides are streamed ordered by the match key and merged in one pass;
 * memory does not grow with the table. Each stream is verified to arrive in
 * the order the merge compares keys in (rf_value_cmp_key on canonical
 * forms); a stream out of that order stops the diff with an error naming
 * the column and the two keys - never a wrong result.
 *
 * Columns: the diff works on the union of both sides' columns, matched by
 * name. A column is compared when it is on both sides and neither excluded
 * nor ignored; copied when on both sides and not excluded. Target columns
 * that are not on the source (or excluded) are still streamed from the
 * target, so plans can address target rows by the target's primary key
 * and journals hold whole before-images.
 */
#ifndef ROWFERRY_DIFF_H
#define ROWFERRY_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/db.h"
#include "rowferry/util.h"
#include "rowferry/value.h"

/* Per-column option given on the command line or in [compare TABLE]. */
struct rf_colopt_item {
	char *col;
	struct rf_col_opts opts;
};

/* What to diff (and, for copy, what to copy): the selection flags of
 * `rowferry diff` / `copy`. Owns its strings; rf_selection_free(). */
struct rf_selection {
	char *table;
	char *where; /* both sides unless overridden below */
	char *source_where;
	char *target_where;
	struct rf_strlist key; /* empty: the source's primary key */
	struct rf_strlist exclude;
	struct rf_strlist ignore;
	size_t nopts;
	struct rf_colopt_item *opts; /* tolerance / ts precision / trim per column */
};
void rf_selection_init(struct rf_selection *s, const char *table);
void rf_selection_free(struct rf_selection *s);
/* dst becomes a deep copy of src (dst need not be initialized). */
void rf_selection_copy(struct rf_selection *dst, const struct rf_selection *src);

/* Selection flags as a front end was given them (NULL: not given): the
 * command line's options, for the CLI and for the console it opens. */
struct rf_selection_flags {
	const char *where, *source_where, *target_where;
	const char *key, *exclude, *ignore, *trim;
	struct rf_strlist tolerance, ts_precision; /* repeatable */
};
struct rf_config;
/* Builds sel for table from the flags f (NULL: none) over the defaults of
 * the config's [compare TABLE] (flags win): the one place both front ends
 * get a selection from. Returns 0, or -1 with err (a bad tolerance or
 * ts-precision, naming where it came from); sel is then empty. */
int rf_selection_build(const struct rf_selection_flags *f, const struct rf_config *cfg,
                       const char *table, struct rf_selection *sel, struct rf_error *err);
void rf_selection_flags_free(struct rf_selection_flags *f);
/* "price=0.01" */
int rf_selection_add_tolerance(struct rf_selection *s, const char *spec, struct rf_error *err);
/* "created_at=3" */
int rf_selection_add_ts_precision(struct rf_selection *s, const char *spec, struct rf_error *err);
/* "sku,name" */
void rf_selection_add_trim(struct rf_selection *s, const char *cols);
/* Per-column options for col (defaults when none were given). */
struct rf_col_opts rf_selection_col_opts(const struct rf_selection *s, const char *col);

enum rf_diff_status { RF_ONLY_SOURCE, RF_ONLY_TARGET, RF_CHANGED, RF_IDENTICAL };
const char *rf_diff_status_name(enum rf_diff_status s); /* "only_source", ... */
char rf_diff_status_glyph(enum rf_diff_status s);       /* + - ~ = */

struct rf_diff_col {
	char *name;
	int src;                   /* index in the source table, -1 if absent there */
	int dst;                   /* index in the target table, -1 if absent there */
	enum rf_type_class tclass; /* class both sides are canonicalized as */
	int key_pos;               /* 1-based position in the match key, 0 if not */
	bool excluded;             /* --exclude: neither compared nor copied */
	bool compare;              /* on both sides, not excluded, not ignored */
	bool copy;                 /* on both sides, not excluded */
	struct rf_col_opts opts;
};

/* The resolved shape of a diff: both tables and the column mapping. Owned by
 * the rf_diff it came from. */
struct rf_diff_shape {
	struct rf_table_info src_table;
	struct rf_table_info dst_table;
	size_t ncols;
	struct rf_diff_col *cols; /* source column order, then target-only ones */
	size_t nkey;
	size_t *key;                /* indexes into cols, in key order */
	struct rf_strlist warnings; /* "column x is only in the source: not compared" */
};
/* Hands the diff's shape to a new owner (a plan) so it outlives the diff.
 * The diff keeps using it, so close the diff before freeing the shape. */
struct rf_diff;
struct rf_diff_shape *rf_diff_detach_shape(struct rf_diff *d);
void rf_diff_shape_free(struct rf_diff_shape *sh);

/* One key's result. Cells are canonical forms, one per shape column (NULL
 * array for the side that has no row; cells of a column absent on a side
 * are NULL cells). Owned by the rf_diff; valid until the next rf_diff_next,
 * unless copied with rf_diff_row_dup.
 *
 * src_stored / dst_stored are the same cells as the side's engine printed
 * them (db.h: its text form, bytes raw): what a user sees in psql or
 * sqlite3, for front ends to show ("2026-11-05 13:33:00" where the
 * canonical form is "2026-11-05T13:33:00.000000"). They point into the
 * driver's current rows, so they cost nothing to set; they are set where
 * the canonical cells are (NULL arrays with them), except for identical
 * rows returned with only their key (rf_diff_set_identical_rows), which
 * have none. Compare, write and export canonical forms only. */
struct rf_diff_row {
	enum rf_diff_status status;
	struct rf_cell *src;
	struct rf_cell *dst;
	struct rf_cell *src_stored;
	struct rf_cell *dst_stored;
	bool *changed; /* per column; true for compared columns that differ */
	size_t nchanged;
	unsigned char *flagged; /* per column: 1 if a side's value did not parse
	                           as its class (compared as raw bytes) */
	char *owned[2];         /* a copy's: the canonical bytes of src / dst when it
	                           took them from the diff (rf_diff_take_row), freed by
	                           rf_diff_row_free; NULL otherwise */
};
/* Deep copy without the stored forms (src_stored / dst_stored NULL): what
 * a plan keeps. Caller frees with rf_diff_row_free. */
struct rf_diff_row *rf_diff_row_dup(const struct rf_diff_row *r, size_t ncols);
/* Deep copy with the stored forms too, for a front end that shows the row;
 * a stored value equal to its canonical form shares its bytes, so most
 * cells (text, integers) cost no more than in rf_diff_row_dup. */
struct rf_diff_row *rf_diff_row_dup_stored(const struct rf_diff_row *r, size_t ncols);
/* rf_diff_row_dup(), except that the cells of src (take_src) or dst
 * (take_dst) are not copied: they stay where they point, in memory the
 * caller hands to the copy's owned[0] / owned[1] at once. */
struct rf_diff_row *rf_diff_row_dup_taking(const struct rf_diff_row *r, size_t ncols, bool take_src,
                                           bool take_dst);
void rf_diff_row_free(struct rf_diff_row *r, size_t ncols);

struct rf_diff_stats {
	unsigned long long src_rows, dst_rows; /* rows streamed from each side */
	unsigned long long only_source, only_target, changed, identical;
	/* What crossed the wire to the client: rows and bytes of row data
	 * streamed (both sides, cell bytes as the driver gave them) and, in
	 * hash mode, the segment checksums and boundary keys asked for. */
	unsigned long long rows_received, bytes_received;
	unsigned long long segments, segments_streamed; /* hash mode */
};

/* DESIGN §14: how the rows are compared. stream: both sides streamed in
 * key order and merged. hash: the key space is cut into segments in byte
 * order; each server returns per segment a row count and a checksum of
 * its rows' canonical forms (db.h, rf_segment_spec); equal segments are
 * skipped (their rows counted identical), differing ones cut again and,
 * at segment_rows rows or fewer, streamed and merged as in stream mode -
 * so the rows returned are the ones stream mode returns, in the same
 * order, except identical rows of skipped segments. auto: hash for two
 * servers (no SQLite file) and more than hash_min_rows rows, else stream. */
enum rf_diff_algorithm { RF_DIFF_AUTO, RF_DIFF_STREAM, RF_DIFF_HASH };
struct rf_diff_opts {
	enum rf_diff_algorithm algorithm;
	unsigned long long hash_min_rows; /* auto: 100000 */
	unsigned long long segment_rows;  /* hash: stream a segment this small; 1024 */
};
#define RF_DIFF_HASH_MIN_ROWS 100000ULL
#define RF_DIFF_SEGMENT_ROWS 1024ULL
#define RF_DIFF_OPTS_INIT {RF_DIFF_STREAM, RF_DIFF_HASH_MIN_ROWS, RF_DIFF_SEGMENT_ROWS}
/* "stream", "hash", "auto" -> 0 and *out; else -1. */
int rf_diff_algorithm_parse(const char *name, enum rf_diff_algorithm *out);

struct rf_diff;

/* Describes the table on both sides, resolves the columns and key, starts
 * read-only transactions and opens both streams. The databases must stay
 * open until rf_diff_close. Returns NULL and sets err ("dev: relation ...",
 * "siteflow_orders has no primary key: give --key", "--exclude: no column
 * gid"). */
struct rf_diff *rf_diff_open(struct rf_db *src, struct rf_db *dst, const struct rf_selection *sel,
                             struct rf_error *err);
/* rf_diff_open with the algorithm of o (NULL: stream). A hash diff plans
 * its segments here (the servers' checksums), so this is where most of its
 * time goes; a table hash cannot diff exactly (rf_diff_algorithm_note)
 * is streamed. */
struct rf_diff *rf_diff_open_opts(struct rf_db *src, struct rf_db *dst,
                                  const struct rf_selection *sel, const struct rf_diff_opts *o,
                                  struct rf_error *err);
/* The algorithm that ran: RF_DIFF_STREAM or RF_DIFF_HASH. */
enum rf_diff_algorithm rf_diff_algorithm_used(const struct rf_diff *d);
/* Why hash was asked for (or auto considered it) and stream ran instead,
 * e.g. "column price is float: not normalized exactly in SQL on both
 * engines", or "1200 rows, not more than hash_min_rows (100000)"; NULL
 * when nothing fell back. Owned by d. */
const char *rf_diff_algorithm_note(const struct rf_diff *d);
const struct rf_diff_shape *rf_diff_shape(const struct rf_diff *d);
/* 1: *row set; 0: done; -1: error. Identical rows are returned too, so a
 * caller can count or show them; callers filter. */
int rf_diff_next(struct rf_diff *d, const struct rf_diff_row **row, struct rf_error *err);
/* A copy of the row rf_diff_next last gave, like rf_diff_row_dup, that
 * takes a side's canonical bytes from the diff instead of copying them
 * when they are large (a 200 MB value is not held twice while a plan is
 * built, DESIGN §9). The caller frees it with rf_diff_row_free. */
struct rf_diff_row *rf_diff_take_row(struct rf_diff *d);
const struct rf_diff_stats *rf_diff_stats(const struct rf_diff *d);
/* By default every cell of every row is canonicalized. With full = false,
 * identical rows come back with only their key cells set (the others NULL):
 * callers that skip identical rows save most of the work, since cells are
 * then canonicalized only where the raw bytes of the two sides differ. */
void rf_diff_set_identical_rows(struct rf_diff *d, bool full);
/* The same for rows on one side only (by default every cell is set): a
 * caller that shows only their key does not pay for the canonical form of
 * a huge value (a bytes value is hex, twice its size; DESIGN §9). */
void rf_diff_set_one_sided_rows(struct rf_diff *d, bool full);
/* The target connection the diff reads from (borrowed). */
struct rf_db *rf_diff_target(const struct rf_diff *d);
/* Closes the streams and ends the read transactions; frees d. */
void rf_diff_close(struct rf_diff *d);

/* Canonicalizes cells of a streamed row into canonical forms for the shape's
 * columns of one side: used by the diff and by apply's re-check. side 0 =
 * source, 1 = target. `row` holds the cells in stream column order
 * (rf_diff_stream_cols). out has shape->ncols cells pointing into buf. */
void rf_diff_canon_row(const struct rf_diff_shape *shape, int side, const struct rf_row *row,
                       struct rf_buf *buf, struct rf_cell *out, unsigned char *flagged);
/* The table columns a side streams, in order (indexes into that side's
 * table->cols), and for each the shape column it fills. Allocated; caller
 * frees both arrays. */
void rf_diff_stream_cols(const struct rf_diff_shape *shape, int side, size_t **cols,
                         size_t **shape_cols, size_t *n);

/* Formats key cells as "job_number=0000065, order_ref=A-1" into out. */
void rf_diff_format_key(const struct rf_diff_shape *shape, const struct rf_cell *cells,
                        struct rf_buf *out);

#endif
