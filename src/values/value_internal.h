/* value_internal.h - the pieces of value.c that live in their own files:
 * date/time canonicalization (value_time.c), JSON canonicalization
 * (value_json.c) and the inspector's sentence (value_explain.c), plus the
 * helpers they share with value.c. Private to src/value*.c.
 *
 * Every *_canon function here appends to `out` only on success: on failure
 * out is left exactly as it was, so rf_value_canon() can fall back to the
 * raw bytes.
 */
#ifndef ROWFERRY_VALUE_INTERNAL_H
#define ROWFERRY_VALUE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/util.h"
#include "rowferry/value.h"

/* Rewrites a decimal number ("+0001.10", ".5", "1.5E-3") in plain
 * notation without redundant zeros ("1.1", "0.5", "0.0015"). Exact: works
 * on the digit string, never through a double. Returns 0, or -1 when p is
 * not a number or its exponent would expand it past a sane length. */
int rf_value_decimal_canon(const char *p, size_t n, struct rf_buf *out);

/* Canonical date, time, timestamp or timestamptz (c) with ts_precision
 * (-1 or 0..6) applied. Returns 0, or -1 when p does not parse. */
int rf_value_datetime_canon(enum rf_type_class c, const char *p, size_t n, int ts_precision,
                            struct rf_buf *out);

/* Canonical JSON: compact, object keys sorted bytewise, duplicate keys
 * collapsed to the last one, numbers rewritten by rf_value_decimal_canon,
 * strings with only the escapes JSON requires. Returns 0, or -1 when p is
 * not JSON. */
int rf_value_json_canon(const char *p, size_t n, struct rf_buf *out);

/* Drops whatever was appended to b after its length was `len`. */
void rf_value_buf_truncate(struct rf_buf *b, size_t len);

/* Skips leading and trims trailing ASCII blanks (space, tab, CR, LF), what
 * --trim ignores: returns the new start, shortens *n. */
const char *rf_value_trim_blanks(const char *p, size_t *n);

/* Same length, same bytes (two non-NULL cells). */
bool rf_value_same_bytes(const struct rf_cell *a, const struct rf_cell *b);

/* Integer, decimal or float: the classes a tolerance applies to. */
bool rf_value_is_numeric(enum rf_type_class c);

/* A canonical number cell (specials "NaN", "Infinity" included) as a
 * double, whatever the locale. Returns 0, or -1 when it is not a number. */
int rf_value_cell_to_double(const struct rf_cell *c, double *d);

/* Both cells finite numbers no further apart than tolerance. */
bool rf_value_within_tolerance(const struct rf_cell *a, const struct rf_cell *b, double tolerance);

#endif
