/* output.h - the formats of `rowferry diff` (DESIGN §7): one writer per
 * format behind one ops table, so the command's loop does not know which
 * it is writing. */
#ifndef ROWFERRY_OUTPUT_H
#define ROWFERRY_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "rowferry/db.h"
#include "rowferry/diff.h"

struct rf_diff_writer {
	const struct rf_diff_writer_ops *ops;
	FILE *out;
	const struct rf_diff_shape *shape;
	struct rf_db *src, *dst; /* for names and (sql) the target's quoting */
	const char *table;
	bool color; /* ANSI colour (text, on a terminal, NO_COLOR unset) */
	bool summary_only;
	/* sql: the script copy --dry-run prints for the same selection */
	unsigned ops_mask; /* the operations it runs; 0: RF_OPS_DEFAULT, as copy */
	size_t bulk_rows;  /* [safety] bulk_rows */
	bool filtered;     /* the diff had a WHERE (rf_preview_opts.filtered) */
	bool in_set;       /* one table of a set (DESIGN §11): json lines carry
	                      "table" */
	void *state;       /* the writer's own */
	/* json, csv: the diff the rows come from where it was opened with
	 * rf_diff_opts.digest_fetch, else NULL. A cell that holds only the
	 * first bytes of a large value (rf_diff_cell_partial) is left as a
	 * hole in what is written (rf_writer_hole), filled with the whole
	 * value once the rows are all read (rf_writer_fill). */
	struct rf_diff *diff;
	struct rf_writer_holes *holes; /* output_large.c's; NULL until a hole */
};

struct rf_diff_writer_ops {
	const char *name; /* "text", "json", "sql", "csv" */
	void (*begin)(struct rf_diff_writer *w);
	/* called for differing rows only */
	void (*row)(struct rf_diff_writer *w, const struct rf_diff_row *row);
	void (*end)(struct rf_diff_writer *w, const struct rf_diff_stats *stats);
	/* After the last table of a set: the totals over its ntables tables
	 * (NULL: the format writes one table only) */
	void (*end_all)(struct rf_diff_writer *w, size_t ntables,
	                const struct rf_diff_stats *total);
};

/* output_large.c: large values printed after the rows (rf_diff_writer
 * diff). How a hole's value is written: */
enum rf_hole_kind {
	RF_HOLE_JSON, /* a JSON string, quotes and escapes as jansson's */
	RF_HOLE_CSV   /* a CSV field, quoted as output_csv.c quotes one */
};
/* Whether w prints side's cell of shape column col of the current row as
 * a hole (the cell holds only the value's first bytes). */
bool rf_writer_partial(const struct rf_diff_writer *w, int side, size_t col);
/* Leaves a hole for that value where w writes next: from the first hole
 * on, w->out is a temporary file (the real output is kept), and the hole
 * records its offset and the row's key (the shape's key cells of cells,
 * copied). */
void rf_writer_hole(struct rf_diff_writer *w, int side, size_t col, const struct rf_cell *cells,
                    enum rf_hole_kind kind);
/* After the table's rows and end(), before the diff is closed: copies what
 * was written to the real output with each hole filled, the value read
 * again piece by piece (rf_diff_fetch_value) and written as it comes.
 * fill false (an error): the temporary output is dropped. w->out is the
 * real output again either way. 0, or -1 with err. */
int rf_writer_fill(struct rf_diff_writer *w, bool fill, struct rf_error *err);

extern const struct rf_diff_writer_ops rf_diff_text_writer;
extern const struct rf_diff_writer_ops rf_diff_json_writer;
extern const struct rf_diff_writer_ops rf_diff_sql_writer;
extern const struct rf_diff_writer_ops rf_diff_csv_writer;
/* NULL for an unknown name ("jsonl" is json) */
const struct rf_diff_writer_ops *rf_diff_writer_find(const char *name);

/* Appends a value for a human: printable bytes as is, control characters
 * as \n \t \r \xNN, cut to max_chars (0 = no limit) with an ellipsis. NULL
 * shows as NULL, the empty string as ''. */
void rf_format_value_display(const struct rf_cell *v, size_t max_chars, struct rf_buf *out);

/* Bytes of a bytes value rf_format_stored_display shows without a limit. */
#define RF_STORED_BYTES_SHOWN 128
/* Appends a stored value (diff.h: a src_stored / dst_stored cell of class
 * c, as db streamed it) for a human, as the engine's own client prints it:
 * as rf_format_value_display does, except bytes, which are shown in the
 * engine's hex form (db->ops->bytes_form: \x00ff, 0x00FF, X'00FF'). A
 * bytes value that does not fit in max_chars columns (0: longer than
 * RF_STORED_BYTES_SHOWN bytes) is cut after whole bytes and followed by
 * its length, all in fewer than max_chars columns: "\x00ff… (1200 bytes)"
 * (a caller passing its width plus one, to see a cut as with
 * rf_format_value_display, shows it whole); the length is left out where
 * it does not fit. */
void rf_format_stored_display(const struct rf_db *db, enum rf_type_class c, const struct rf_cell *v,
                              size_t max_chars, struct rf_buf *out);

#endif
