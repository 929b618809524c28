/* map.h - [map TARGET] sections: where a target table's rows come from
 * when source and target differ in shape (DESIGN §12).
 *
 * A section is read by the config loader as raw "name = value" lines
 * (struct rf_map_config, config.h); rf_map_parse() turns it into a
 * struct rf_map whose column expressions are small trees. Every problem in
 * an expression is an error "FILE:LINE: column X: ..." found before any
 * connection is opened.
 *
 * Evaluation (rf_map_eval, map_eval.c) runs in rowferry on the source
 * row's canonical values (value.h), so every engine gives the same result;
 * rf_map_convert (map_check.c) then turns the result into the target
 * column's canonical form or says why the row is invalid.
 *
 * Ownership: an rf_map owns its columns, their expressions and compiled
 * regexes; rf_map_free() releases all of it. Nodes never point into the
 * config they were parsed from.
 */
#ifndef ROWFERRY_MAP_H
#define ROWFERRY_MAP_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "rowferry/db.h"
#include "rowferry/util.h"
#include "rowferry/uuid.h"
#include "rowferry/value.h"

/* One raw line of a [map TARGET] section, as the config file holds it. */
struct rf_map_line {
	char *name;
	char *value;
	int line;
};

/* A [map TARGET] section as loaded (config.c): the lines in file order. */
struct rf_map_config {
	char *target;
	int line; /* of the section header */
	size_t nlines;
	struct rf_map_line *lines;
};

enum rf_map_node_kind {
	RF_MAP_COLUMN,  /* a source column: text = its name */
	RF_MAP_TEXT,    /* 'literal': text = the unescaped bytes */
	RF_MAP_NUMBER,  /* 12, -3.5: text = as written */
	RF_MAP_NULL,    /* null */
	RF_MAP_DEFAULT, /* default: the target fills the column itself */
	RF_MAP_CALL,    /* a built-in: fn, args */
};

enum rf_map_fn {
	RF_FN_UNIXTIME,
	RF_FN_UNIXTIME_MS,
	RF_FN_MAP,
	RF_FN_REF,
	RF_FN_JSON,
	RF_FN_TRIM,
	RF_FN_LOWER,
	RF_FN_UPPER,
	RF_FN_NULLIF,
	RF_FN_COALESCE,
	RF_FN_CONCAT,
	RF_FN_STRIP_NUL,
	RF_FN_NOW,
	RF_FN_UUID5,
	RF_FN_CHECK,
	RF_FN_SQL,
};

/* One "value:result" of map(); value NULL for '*'. */
struct rf_map_case {
	char *value;
	struct rf_map_expr *result; /* a TEXT/NUMBER/NULL node or now() */
};

struct rf_map_expr {
	enum rf_map_node_kind kind;
	enum rf_map_fn fn; /* RF_MAP_CALL only */
	char *text;        /* column name, literal, ref()'s table, sql()'s text */
	size_t nargs;
	struct rf_map_expr **args; /* map(): args[0] only; ref(): the columns */
	size_t ncases;
	struct rf_map_case *cases; /* map() */
	regex_t *re;               /* check(): compiled args[1] */
	int slot;                  /* COLUMN / sql(): index into the source row
	                              (rf_map_bind); -1 until bound */
};

struct rf_map_column {
	char *name; /* target column */
	int line;
	struct rf_map_expr *expr;
};

enum rf_map_names { RF_MAP_NAMES_EXACT, RF_MAP_NAMES_IGNORE_CASE, RF_MAP_NAMES_SNAKE_CASE };

struct rf_map {
	char *file; /* for messages */
	char *target;
	char *from;  /* source table; the target's name when not given */
	char *where; /* source SQL filter, or NULL */
	char *key;   /* target match key "a,b", or NULL (the primary key) */
	enum rf_map_names names;
	int line;
	size_t ncols;
	struct rf_map_column *cols;
};

/* Parses section s (from file, for messages) into a new map (*out, free
 * with rf_map_free). 0, or -1 with err "FILE:LINE: column X: ..." for the
 * first bad line (nothing allocated then). */
int rf_map_parse(const struct rf_map_config *s, const char *file, struct rf_map **out,
                 struct rf_error *err);
/* Parses one expression (for the column col, at file:line, used in
 * messages). Caller frees *out with rf_map_expr_free. */
int rf_map_parse_expr(const char *text, const char *file, int line, const char *col,
                      struct rf_map_expr **out, struct rf_error *err);
void rf_map_expr_free(struct rf_map_expr *e);
void rf_map_free(struct rf_map *m);
/* The column of m for target column name, or NULL. */
const struct rf_map_column *rf_map_column(const struct rf_map *m, const char *name);

/* snake_case of a PascalCase / camelCase name into out (reset first):
 * CustomerID -> customer_id, OrderTime -> order_time, HTTPCode -> http_code. */
void rf_map_snake_case(const char *name, struct rf_buf *out);
/* Whether source name src pairs with target name dst under rule r. */
bool rf_map_names_match(enum rf_map_names r, const char *src, const char *dst);

/* A value during evaluation: canonical text of class cls, or NULL, or
 * "the target's default". Owns buf. */
struct rf_map_value {
	bool is_null;
	bool is_default;
	enum rf_type_class cls;
	struct rf_buf buf;
};
void rf_map_value_free(struct rf_map_value *v);

/* What an evaluation reads: the source row (canonical cells, classes and
 * names of the source's columns, then one cell per sql() node), the time
 * of now() and the uuid5() namespace. Borrowed. */
struct rf_map_row {
	size_t ncols;
	const char *const *names;
	const enum rf_type_class *classes;
	const struct rf_cell *cells;
	const char *now;                /* canonical timestamptz */
	unsigned char namespace_id[16]; /* uuid5(); rf_map_row_init sets the
	                                   RFC 4122 URL namespace */
	/* ref(TABLE, c...): the parent's key whose match key is the values
	 * keys[0..n) (none NULL) into out; 0, 1 with reason (no parent), -1
	 * with err. NULL: ref() is an error (not available). */
	int (*ref)(void *ctx, const struct rf_map_expr *e, const struct rf_map_value *keys,
	           size_t n, struct rf_map_value *out, struct rf_buf *reason, struct rf_error *err);
	void *ref_ctx;
};
void rf_map_row_init(struct rf_map_row *r);

/* Resolves every column reference of e against names[0..n) (exact, then
 * ignoring case) and numbers its sql() nodes from n + *nsql on (*nsql
 * counts them, each text appended to sqls). An unknown column is an error
 * "FILE:LINE: column X: unknown source column 'Y'". */
int rf_map_bind(struct rf_map_expr *e, const char *const *names, size_t n, struct rf_strlist *sqls,
                const char *where, const char *col, struct rf_error *err);

/* Evaluates e on row into *out (initialized here; caller frees with
 * rf_map_value_free, also on failure). 0; 1 when the row is invalid
 * (reason, reset first, says why: "unmapped value '4' in map()");
 * -1 with err on a failure that is no fault of the row (ref() not
 * available). */
int rf_map_eval(const struct rf_map_expr *e, const struct rf_map_row *row, struct rf_map_value *out,
                struct rf_buf *reason, struct rf_error *err);

/* Converts v into target column col's canonical form (out reset first).
 * 0, or 1 with reason when it does not fit: NOT NULL, integer range,
 * decimal precision and scale (never rounded), length, date/time, UUID,
 * JSON syntax, NUL bytes in text. A NULL v leaves out empty and returns 0
 * when the column takes NULL. */
int rf_map_convert(const struct rf_column *col, const struct rf_map_value *v, struct rf_buf *out,
                   struct rf_buf *reason);

/* A suggested [map TARGET] section (map_suggest.c) for source table src
 * into dst, appended to out: columns paired by the snake_case rule (which
 * takes exact and case-blind pairs first); integer *time / *_at columns
 * into timestamps as unixtime(); a tinyint flag S into a timestamp S_at as
 * map(S, 1:now(), *:null); unpaired target columns with a default as
 * `default`; the match key (the target's key when it gets a value, else a
 * legacy_id holding the source's key); the unmatched columns of each side
 * as comments; with a sample, the JSON keys (above). Pasted into the
 * config, `rowferry diff TARGET` runs. */
/* What a look at the source's rows adds to a suggestion (NULL: none). A
 * key-value source - a JSON column beside a text key whose values are
 * "kind:..." - gives the rows of the kind the target is named after
 * (where, in the source's SQL) and the top-level keys of their JSON
 * objects, which pair with target columns by the name rules as
 * json(COLUMN, '$.KEY'). Owns its strings: rf_map_sample_free(). */
struct rf_map_sample {
	int json_col;           /* the source's JSON column, -1 for none */
	struct rf_strlist keys; /* its objects' keys, in the order first seen */
	char *where;            /* e.g. "key" LIKE 'client:%', or NULL */
};
void rf_map_sample_free(struct rf_map_sample *s);

/* Reads up to 1000 rows of src on db (in the read transaction open on db,
 * else a read-only one of its own) into *out for a suggestion into the table named dst_name; a
 * source without a JSON column is not read (out->json_col -1). 0, or -1 with err; *out is the
 * caller's to free either way. */
int rf_map_sample_source(struct rf_db *db, const struct rf_table_info *src, const char *dst_name,
                         struct rf_map_sample *out, struct rf_error *err);

void rf_map_suggest(const struct rf_table_info *src, const struct rf_table_info *dst,
                    const struct rf_map_sample *sample, struct rf_buf *out);

#endif
