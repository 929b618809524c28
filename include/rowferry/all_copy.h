/* all_copy.h - `copy --all` (DESIGN §13): the check of a SQLite source
 * before anything is written, and the verification of every table before
 * COMMIT (also the console's copy of marked tables, ui/tables_view.c).
 *
 * After the set's steps ran, inside the target's transaction, each table
 * is summed on both sides: its row count and an order-independent
 * checksum (the hash diff's per-server segment sums, DESIGN §14, over
 * the whole table: every copied column normalized in SQL so that equal
 * values sum equal on every engine). The source is summed in a read
 * transaction of its own, begun for the verification: a source changed
 * since the diff also fails it. Where a column cannot be summed exactly
 * on both engines (diff_hash_refusal) or rows only in the target are
 * kept (no --ops delete), the rows are counted only, and the report says
 * why. A mismatch is an error naming the table: the caller rolls back.
 */
#ifndef ROWFERRY_ALL_COPY_H
#define ROWFERRY_ALL_COPY_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/journal.h"
#include "rowferry/set_copy.h"
#include "rowferry/sha256.h"

/* One table's verification. */
struct rf_all_table_check {
	char *table;                 /* the set's name for it (owned) */
	unsigned long long src_rows; /* rows in the source */
	unsigned long long dst_rows; /* rows in the target after the copy */
	unsigned long long src_sum, dst_sum;
	bool summed;              /* the checksums were compared (else counted only) */
	char *why;                /* counted only: why (owned), else NULL */
	bool ok;                  /* rows and (when summed) sums equal */
	double seconds;           /* the two sides' queries */
	bool checked;             /* the verification reached this table */
	size_t written;           /* operations of its plans */
	unsigned long long bytes; /* row data its diff read (both sides) */
	double write_seconds;     /* its steps, in the apply */
	/* loaded as read (all_stream.h): the rows read and, where read_summed,
	 * their checksum computed as they were read, which the verification
	 * takes as the source's side instead of summing it again */
	bool streamed, read_summed;
	unsigned long long read_rows, read_sum;
	/* the target summed once loaded (rf_all_target_sum): dst_rows and
	 * dst_sum are set, and the verification takes them */
	bool dst_summed;
};

/* Owns everything; rf_all_check_free(). */
struct rf_all_check {
	const struct rf_set_plan *sp; /* borrowed: the plans applied */
	struct rf_db *src;            /* borrowed: not in a transaction */
	struct rf_db *dst;            /* borrowed: in the apply's transaction */
	size_t len;
	struct rf_all_table_check *items; /* sp's apply order */
	double last;                      /* when the last step ended */
	/* how far the apply has come (rf_all_step_begin / _done), for a
	 * progress line: */
	size_t current;   /* the table being written (index in items), or len */
	size_t steps_ops; /* operations of the steps done */
	size_t total_ops; /* operations of every step */
	bool src_open;    /* the read transaction the streamed tables were read
	                     in is open on src (all_stream.h): the verification
	                     sums that snapshot, then ends it */
};
/* Zeroes c and sets it up for sp's tables (names, operations, bytes),
 * borrowing sp, src and dst; the clock of rf_all_step_done starts. */
void rf_all_check_init(struct rf_all_check *c, const struct rf_set_plan *sp, struct rf_db *src,
                       struct rf_db *dst);
/* Frees c's items; a read transaction still open on c->src for the
 * streamed tables (src_open) is ended. */
void rf_all_check_free(struct rf_all_check *c);

/* An rf_apply_opts.step_done callback (ctx: the rf_all_check): the time
 * since the last step is the step's table's, and its operations are done. */
void rf_all_step_done(void *ctx, const struct rf_plan *step);

/* An rf_apply_opts.step_begin callback (ctx: the rf_all_check): the step's
 * table becomes c->current. */
void rf_all_step_begin(void *ctx, const struct rf_plan *step);

/* The checksum of step's table in the target as the verification sums
 * it (a streamed table, just loaded, inside the apply's transaction), kept
 * for the verification (dst_summed) and described in *desc for the
 * journal's load op (journal.h; the caller frees it with
 * rf_journal_load_sum_free): 1; 0 where the table cannot be summed (desc
 * empty); -1 with err. */
int rf_all_target_sum(struct rf_all_check *c, const struct rf_plan *step,
                      struct rf_journal_load_sum *desc, struct rf_error *err);

/* Verifies every table of c->sp (above), filling c->items. Returns 0 when
 * every table matches; -1 with err naming the first table that does not,
 * or the error of a query. An rf_apply_opts.verify callback (ctx: c). */
int rf_all_verify(void *ctx, struct rf_error *err);

/* A SQLite source checked before anything is written, as copy --all
 * checks it: PRAGMA integrity_check, then its main file's SHA-256 (hex,
 * for rf_apply_opts.source_sha256). Other engines: 0 and hex "". Returns
 * 0; 1 when the source failed the check (err says why: the pragma's
 * error or its first line; the lines it gave, at most 10, are added to
 * problems when not NULL); -1 with err when the file could not be read. */
int rf_all_check_source(struct rf_db *src, char hex[RF_SHA256_HEX_LEN + 1],
                        struct rf_strlist *problems, struct rf_error *err);

#endif
