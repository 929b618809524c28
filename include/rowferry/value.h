/* value.h - how a cell travels and how two cells are compared (DESIGN §3).
 *
 * A cell is bytes + length + NULL flag, tagged by the type class of its
 * column. Drivers deliver cells in their engine's text form (bytes classes
 * as raw bytes); rf_value_canon() turns any engine's form into one canonical
 * text per class, and two cells are equal when their canonical forms are
 * (or, for floats with a tolerance, when they are within it).
 */
#ifndef ROWFERRY_VALUE_H
#define ROWFERRY_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/util.h"

enum rf_type_class {
	RF_T_INTEGER,
	RF_T_DECIMAL,
	RF_T_FLOAT,
	RF_T_BOOLEAN,
	RF_T_TEXT,
	RF_T_BYTES,
	RF_T_DATE,
	RF_T_TIME,
	RF_T_TIMESTAMP,   /* without time zone */
	RF_T_TIMESTAMPTZ, /* instant; canonical form in UTC */
	RF_T_JSON,
	RF_T_UUID,
	RF_T_OTHER,
	RF_T__COUNT
};

const char *rf_type_class_name(enum rf_type_class c); /* "integer", ... */
/* -1 if unknown */
int rf_type_class_from_name(const char *name);

/* A cell. `data` is not owned (it points into a row buffer or the caller's
 * memory) and need not be NUL-terminated; `len` may include NUL bytes
 * (RF_T_BYTES). For NULL, data/len are ignored. */
struct rf_cell {
	const char *data;
	size_t len;
	bool is_null;
};

/* Per-column comparison options (--tolerance, --ts-precision, --trim). */
struct rf_col_opts {
	bool has_tolerance;
	double tolerance; /* |a-b| <= tolerance counts as equal (numbers) */
	int ts_precision; /* -1: full microseconds; 0..6: fractional digits kept */
	bool trim;        /* text: leading/trailing blanks ignored */
	bool ignore;      /* --ignore: never compared (still copied) */
};
#define RF_COL_OPTS_INIT                                                                           \
	{                                                                                          \
		false, 0.0, -1, false, false                                                       \
	}

/* Canonical forms, per class:
 *   integer      optional '-', digits, no leading zeros ("007" -> "7", "-0" -> "0")
 *   decimal      plain notation, no exponent, no trailing fractional zeros,
 *                no trailing '.', "-0" -> "0" ("1.50" -> "1.5", "1e2" -> "100")
 *   float        shortest round-trip %.17g form of the double; "NaN",
 *                "Infinity", "-Infinity"
 *   boolean      "true" / "false" (from t/f/true/false/1/0/y/n/yes/no/on/off)
 *   text         the bytes unchanged (trimmed if opts->trim)
 *   bytes        lower-case hex of the raw bytes; a PostgreSQL "\x..." text
 *                form is NOT accepted here - drivers decode it first
 *   date         YYYY-MM-DD
 *   time         HH:MM:SS.ffffff
 *   timestamp    YYYY-MM-DDTHH:MM:SS.ffffff (input may use ' ' or 'T')
 *   timestamptz  YYYY-MM-DDTHH:MM:SS.ffffffZ converted to UTC; input with
 *                no offset is taken as UTC
 *   json         compact JSON with object keys sorted, numbers in the
 *                decimal canonical form (1.0 = 1 = 1e0), strings unescaped
 *   uuid         lower-case 8-4-4-4-12 (braces and missing dashes accepted)
 *   other        the bytes unchanged
 * ts_precision truncates fractional seconds to that many digits before the
 * rest are filled with zeros. A value that does not parse as its class is
 * kept as its bytes and *flagged* (returns 1) so the inspector can say so.
 *
 * Appends the canonical form of `in` to out (out is not reset). Returns 0,
 * or 1 when the input did not parse and the raw bytes were used. NULL cells
 * must not be passed (callers test is_null first). */
int rf_value_canon(enum rf_type_class c, const struct rf_cell *in, const struct rf_col_opts *opts,
                   struct rf_buf *out);

/* The canonical form of a bytes cell (its hex) in two steps, so that the
 * caller can free the raw bytes in between and a huge value is never held
 * raw and as hex at once besides its copy (DESIGN §9):
 * rf_value_hex_begin appends the hex's room (2 x in->len) to out, with
 * the raw bytes copied into its upper half, and returns where it starts;
 * rf_value_hex_finish(out, at, in->len) turns them into the hex in place.
 * Between the two, out may grow (the offset stays right), and the room
 * holds no canonical form yet. */
size_t rf_value_hex_begin(const struct rf_cell *in, struct rf_buf *out);
void rf_value_hex_finish(struct rf_buf *out, size_t at, size_t n);

/* Appends JSON text p[0..n) as PostgreSQL's jsonb prints it: keys
 * deduplicated (the last wins) and ordered shorter first, then bytewise;
 * ", " and ": " between items; numbers and strings as in the canonical
 * form. For a canonical document that is what jsonb_out gives for it.
 * Returns 0, or -1 (out unchanged) if p is not JSON. */
int rf_value_jsonb_form(const char *p, size_t n, struct rf_buf *out);

/* Compares two canonical forms of class c for equality, honouring the
 * tolerance in opts (may be NULL). NULL vs NULL is equal; NULL vs anything,
 * including "", is not. */
bool rf_value_equal(enum rf_type_class c, const struct rf_cell *a, const struct rf_cell *b,
                    const struct rf_col_opts *opts);

/* Orders two canonical key values of class c: numeric for integer, decimal
 * and float, byte order (memcmp, shorter first) for everything else. NULL
 * sorts first. Returns <0, 0, >0. */
int rf_value_cmp_key(enum rf_type_class c, const struct rf_cell *a, const struct rf_cell *b);

/* A human sentence on why a and b (canonical, class c) compare as they do,
 * for the cell inspector: "equal: both canonicalize to 1.5",
 * "differ: 3 vs 4", "equal within tolerance 0.01". Appends to out. */
void rf_value_explain(enum rf_type_class c, const struct rf_cell *a, const struct rf_cell *b,
                      const struct rf_col_opts *opts, struct rf_buf *out);

/* The row hash of the checksums computed outside SQL (DESIGN §14: SQLite's
 * registered aggregate, copy --all's sum of the rows it reads), the one
 * PostgreSQL and MariaDB compute in SQL: md5 of each value as
 * "<length>:<canonical>" ("-" for NULL), in order, its first 60 bits (15
 * hex digits). rf_row_hash_add appends canonical value c to the row's
 * text in row; rf_row_hash_sum adds the row's hash to *sum, modulo 2^60,
 * and empties row. */
void rf_row_hash_add(struct rf_buf *row, const struct rf_cell *c);
void rf_row_hash_sum(struct rf_buf *row, unsigned long long *sum);

#endif
