/* cmd_copy_all.h - `rowferry copy --all` (DESIGN §13): the whole database,
 * or the --tables listed, as one set of tables (set_copy.h). */
#ifndef ROWFERRY_CMD_COPY_ALL_H
#define ROWFERRY_CMD_COPY_ALL_H

#include "rowferry/all_copy.h"
#include "rowferry/all_create.h"
#include "rowferry/all_stream.h"
#include "rowferry/apply.h"
#include "rowferry/db.h"
#include "rowferry/graph.h"
#include "rowferry/sha256.h"

/* The set of a copy --all, in the terms of a set copy: *root the first
 * table (of the source's tables, or of list when given: "T1,T2"), *rest
 * the others joined with ','s, NULL when there are none. Both are the
 * caller's to free. create: --create, the tables missing in dst are
 * planned into *create (the caller's to free, also on error) and
 * dst->planned points at it (the caller clears it); NULL: they are
 * refused. Returns 0, or -1 having said why (a source without tables, a
 * listed table twice, tables missing in dst without --create: named, with
 * the `rowferry ddl` that creates them). */
int cli_all_tables(struct rf_db *src, struct rf_db *dst, const char *list,
                   struct rf_planned_tables *create, char **root, char **rest);

/* The set flags that do not go with --all (--follow, --limit, --where
 * and friends are a selection of rows from a root); says which and
 * returns -1, else 0. */
int cli_all_refuse_flags(const struct rf_set_flags *sf, const struct rf_selection_flags *f);

/* A SQLite source is checked before anything (DESIGN §13): PRAGMA
 * integrity_check must say ok, and hex gets the SHA-256 of its file (for
 * the journal's header); other engines: nothing, hex "". Returns 0, or
 * the exit status having said why (3: the check failed; 2: an error). */
int cli_all_check_source(struct rf_db *src, char hex[RF_SHA256_HEX_LEN + 1]);

/* What a copy --all adds to a set copy: the source's SHA-256 for the
 * journal and the verification before COMMIT (all_copy.h). */
struct cli_all_run {
	const char *sha256; /* NULL: not a SQLite source */
	const char *report; /* --report FILE, or NULL */
	struct rf_all_check check;
};

/* The report (DESIGN §13) on stdout: per table the rows read, the rows in
 * the target after the copy, the operations, the bytes the diff read, the
 * seconds of its steps and how it was verified, then the totals; and as
 * JSON into run->report (mode 0600) when given, with the outcome. Returns
 * -1 when the report file cannot be written (said), else 0. */
int cli_all_report(const struct cli_all_run *run, const struct rf_apply_result *res);

#endif
