/* preview.h - what to know before a plan is applied (DESIGN §5).
 *
 * Warnings are data, not output: each has a severity and one line of text,
 * and the CLI prints them while the console lists them on its preview
 * screen. They are computed from the plan and, where the target holds the
 * answer, by reading the target through its driver's streams (no SQL of
 * their own: the WHERE of each read is built from values quoted by the
 * target driver).
 *
 * Severity `error` means the copy cannot succeed as planned (a foreign key
 * parent is missing, an insert would break a unique key, an excluded NOT
 * NULL column has nothing to fill it): front ends refuse to apply.
 * `warning` asks for a second look; `info` just says what will happen.
 */
#ifndef ROWFERRY_PREVIEW_H
#define ROWFERRY_PREVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/db.h"
#include "rowferry/diff.h"
#include "rowferry/plan.h"

enum rf_severity { RF_SEV_INFO, RF_SEV_WARNING, RF_SEV_ERROR };
const char *rf_severity_name(enum rf_severity s); /* "info", "warning", "error" */

struct rf_warning {
	enum rf_severity severity;
	const char *kind; /* static: "plan", "columns", "client_uuid", "fk_parent_missing",
	                     "unique_violation", "generated", "identity", "unfiltered",
	                     "skipped" */
	char *text;       /* one line, owned */
};

/* Owns its items. */
struct rf_warnings {
	size_t len;
	struct rf_warning *items;
};
#define RF_WARNINGS_INIT                                                                           \
	{                                                                                          \
		0, NULL                                                                            \
	}
void rf_warnings_free(struct rf_warnings *w);
void rf_warnings_add(struct rf_warnings *w, enum rf_severity s, const char *kind, const char *fmt,
                     ...) RF_PRINTF(4, 5);
/* Number of warnings of severity s. */
size_t rf_warnings_count(const struct rf_warnings *w, enum rf_severity s);

struct rf_preview_opts {
	bool filtered;     /* the diff had a WHERE on either side; false says it
	                      read every target row, so keys it matched need no
	                      second look */
	size_t many_rows;  /* UPDATE+DELETE rows that warn when not filtered; 0: 100 */
	size_t max_listed; /* keys listed in one warning; 0: 10 */
};

/* Computes every warning for plan p, whose target is `target`, appending to
 * out. Reads run in a read-only transaction of their own unless one is
 * open. Returns 0, or -1 with err when a read fails (the warnings found so
 * far stay in out). */
int rf_preview_warnings(const struct rf_plan *p, struct rf_db *target,
                        const struct rf_preview_opts *o, struct rf_warnings *out,
                        struct rf_error *err);

/* rf_preview_warnings for p as one plan of a set applied in one
 * transaction (set_copy.h): a parent row that a plan of set[0..nset)
 * inserts counts as present for p's foreign keys. The plans are
 * borrowed. */
int rf_preview_warnings_set(const struct rf_plan *p, struct rf_db *target,
                            const struct rf_preview_opts *o, const struct rf_plan *const *set,
                            size_t nset, struct rf_warnings *out, struct rf_error *err);

/* ---- the script (preview_script.c) ----
 *
 * One rendering of a plan for every front end: `copy --dry-run`,
 * `diff --format sql` and the console's saved preview print the same
 * bytes for the same selection, and copy shows its start before asking. */

/* What the copy will do, one line each starting with prefix ("" on a
 * terminal, "-- " in a script): the table and both connections (URLs
 * without passwords), the counts, then every warning. */
void rf_preview_summary(const struct rf_plan *p, const struct rf_db *src, const struct rf_db *dst,
                        const struct rf_diff_stats *st, const struct rf_warnings *w,
                        const char *prefix, struct rf_buf *out);
/* BEGIN;, the statements apply runs, COMMIT;. max > 0 shows only the
 * first max statements (and of a bulk load its statement and first max
 * rows), saying how many are left out and leaving out COMMIT. */
void rf_preview_sql(const struct rf_plan *p, struct rf_db *dst, size_t max, struct rf_buf *out);
/* The whole script: rf_preview_summary as comments, then rf_preview_sql
 * in full when the plan has operations. */
void rf_preview_script(const struct rf_plan *p, const struct rf_db *src, struct rf_db *dst,
                       const struct rf_diff_stats *st, const struct rf_warnings *w,
                       struct rf_buf *out);

#endif
