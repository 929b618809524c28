/* test_value.c - canonical forms and comparison of cells (DESIGN §3).
 *
 * The promise under test: the same datum, printed by PostgreSQL, MariaDB
 * and SQLite in their own ways, has one canonical form, and values that
 * really differ (NULL and '', "a " and "a") never compare equal.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdlib.h>
#include <string.h>

#include "rowferry/value.h"

/* Canonical forms live in a small ring of buffers so a test can hold a few
 * at once; the group teardown frees them. */
#define RING 8
static struct rf_buf ring[RING];
static int ring_next;

static const struct rf_col_opts no_opts = RF_COL_OPTS_INIT;

static struct rf_cell cell_n(const char *s, size_t n)
{
	struct rf_cell c = {s, n, false};
	return c;
}

static struct rf_cell cell(const char *s)
{
	return cell_n(s, strlen(s));
}

static const struct rf_cell null_cell = {NULL, 0, true};

/* Canonical form of the n bytes at s; *flagged gets rf_value_canon's result. */
static const char *canon_n(enum rf_type_class c, const char *s, size_t n,
                           const struct rf_col_opts *opts, int *flagged)
{
	struct rf_buf *b = &ring[ring_next++ % RING];
	struct rf_cell in = cell_n(s, n);

	rf_buf_reset(b);
	*flagged = rf_value_canon(c, &in, opts, b);
	assert_non_null(b->data);
	return b->data;
}

static const char *canon_opts(enum rf_type_class c, const char *s, const struct rf_col_opts *opts,
                              int *flagged)
{
	return canon_n(c, s, strlen(s), opts, flagged);
}

/* Macros, so a failure names the line of the case. */
#define assert_canon_with(cls, in, opts, want)                                                     \
	do {                                                                                       \
		int flagged_;                                                                      \
		assert_string_equal(canon_opts(cls, in, opts, &flagged_), want);                   \
		assert_int_equal(flagged_, 0);                                                     \
	} while (0)
#define assert_canon(cls, in, want) assert_canon_with(cls, in, &no_opts, want)

/* Input that does not parse comes back as its own bytes, flagged. */
#define assert_flagged(cls, in)                                                                    \
	do {                                                                                       \
		int flagged_;                                                                      \
		assert_string_equal(canon_opts(cls, in, &no_opts, &flagged_), in);                 \
		assert_int_equal(flagged_, 1);                                                     \
	} while (0)

/* Two engines' spellings of one datum: same canonical form, and equal. */
#define assert_same_datum(cls, x, y)                                                               \
	do {                                                                                       \
		int fx_, fy_;                                                                      \
		const char *cx_ = canon_opts(cls, x, &no_opts, &fx_);                              \
		const char *cy_ = canon_opts(cls, y, &no_opts, &fy_);                              \
		struct rf_cell a_ = cell(cx_), b_ = cell(cy_);                                     \
		assert_int_equal(fx_, 0);                                                          \
		assert_int_equal(fy_, 0);                                                          \
		assert_string_equal(cx_, cy_);                                                     \
		assert_true(rf_value_equal(cls, &a_, &b_, &no_opts));                              \
	} while (0)

/* Equality of two (already canonical) values under opts. */
static bool equal_with(enum rf_type_class c, const char *a, const char *b,
                       const struct rf_col_opts *opts)
{
	struct rf_cell x = cell(a), y = cell(b);
	return rf_value_equal(c, &x, &y, opts);
}

static int cmp_key(enum rf_type_class c, const char *a, const char *b)
{
	struct rf_cell x = cell(a), y = cell(b);
	return rf_value_cmp_key(c, &x, &y);
}

/* Asserts that the values are in strictly ascending key order, pairwise. */
static void assert_key_order(enum rf_type_class c, const char *const *values, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		assert_int_equal(cmp_key(c, values[i], values[i]), 0);
		for (j = i + 1; j < n; j++) {
			if (cmp_key(c, values[i], values[j]) >= 0)
				fail_msg("expected %s < %s (%s)", values[i], values[j],
				         rf_type_class_name(c));
			if (cmp_key(c, values[j], values[i]) <= 0)
				fail_msg("expected %s > %s (%s)", values[j], values[i],
				         rf_type_class_name(c));
		}
	}
}

static const char *explain(enum rf_type_class c, const struct rf_cell *a, const struct rf_cell *b,
                           const struct rf_col_opts *opts)
{
	struct rf_buf *out = &ring[ring_next++ % RING];

	rf_buf_reset(out);
	rf_value_explain(c, a, b, opts, out);
	assert_non_null(out->data);
	return out->data;
}

/* --- class names ---------------------------------------------------------- */

static void class_names_round_trip(void **state)
{
	int c;

	for (c = 0; c < RF_T__COUNT; c++)
		assert_int_equal(rf_type_class_from_name(rf_type_class_name((enum rf_type_class)c)),
		                 c);
	assert_string_equal(rf_type_class_name(RF_T_TIMESTAMPTZ), "timestamptz");
	assert_int_equal(rf_type_class_from_name("JSON"), RF_T_JSON);
	assert_int_equal(rf_type_class_from_name("varchar"), -1);
	assert_int_equal(rf_type_class_from_name(""), -1);
}

/* --- integers ------------------------------------------------------------- */

static void integer_leading_zeros_and_signs_are_dropped(void **state)
{
	assert_canon(RF_T_INTEGER, "007", "7");
	assert_canon(RF_T_INTEGER, "-0", "0");
	assert_canon(RF_T_INTEGER, "+5", "5");
	assert_canon(RF_T_INTEGER, "-000", "0");
	assert_canon(RF_T_INTEGER, "-042", "-42");
	assert_canon(RF_T_INTEGER, "0", "0");
}

static void integer_past_64_bits_is_kept_exactly(void **state)
{
	assert_canon(RF_T_INTEGER, "18446744073709551615", "18446744073709551615");
	assert_canon(RF_T_INTEGER, "-000123456789012345678901234567890",
	             "-123456789012345678901234567890");
	assert_canon(RF_T_INTEGER, "-9223372036854775808", "-9223372036854775808");
}

static void integer_with_non_digits_is_flagged_and_kept_raw(void **state)
{
	assert_flagged(RF_T_INTEGER, "");
	assert_flagged(RF_T_INTEGER, "-");
	assert_flagged(RF_T_INTEGER, "12a");
	assert_flagged(RF_T_INTEGER, " 12");
	assert_flagged(RF_T_INTEGER, "1.5");
	assert_flagged(RF_T_INTEGER, "--1");
}

/* --- decimals ------------------------------------------------------------- */

static void decimal_trailing_zeros_and_exponents_are_normalized(void **state)
{
	assert_canon(RF_T_DECIMAL, "1.50", "1.5");
	assert_canon(RF_T_DECIMAL, "1.00", "1");
	assert_canon(RF_T_DECIMAL, "-0.00", "0");
	assert_canon(RF_T_DECIMAL, ".5", "0.5");
	assert_canon(RF_T_DECIMAL, "-.5", "-0.5");
	assert_canon(RF_T_DECIMAL, "5.", "5");
	assert_canon(RF_T_DECIMAL, "1e2", "100");
	assert_canon(RF_T_DECIMAL, "1.5E-3", "0.0015");
	assert_canon(RF_T_DECIMAL, "0001.10", "1.1");
	assert_canon(RF_T_DECIMAL, "+12.340e+1", "123.4");
	assert_canon(RF_T_DECIMAL, "1200", "1200");
	assert_canon(RF_T_DECIMAL, "0.000", "0");
	assert_canon(RF_T_DECIMAL, "0e99999999999", "0");
	assert_canon(RF_T_DECIMAL, "12345e-2", "123.45");
	assert_canon(RF_T_DECIMAL, "12345e-7", "0.0012345");
}

static void decimal_is_exact_beyond_double_precision(void **state)
{
	assert_canon(RF_T_DECIMAL, "12345678901234567890.12345678901234567890",
	             "12345678901234567890.1234567890123456789");
	assert_canon(RF_T_DECIMAL, "0.1000000000000000000000000001",
	             "0.1000000000000000000000000001");
}

static void decimal_12_2_and_numeric_and_sqlite_real_agree(void **state)
{
	/* MariaDB decimal(12,2), PostgreSQL numeric, SQLite NUMERIC affinity. */
	assert_same_datum(RF_T_DECIMAL, "1.50", "1.5");
	assert_same_datum(RF_T_DECIMAL, "100.00", "100");
	/* SQLite prints large reals as 1.0e+20. */
	assert_same_datum(RF_T_DECIMAL, "100000000000000000000", "1.0e+20");
	assert_same_datum(RF_T_DECIMAL, "-0.00", "0");
}

static void decimal_special_values_pass_through(void **state)
{
	assert_canon(RF_T_DECIMAL, "NaN", "NaN");
	assert_canon(RF_T_DECIMAL, "Infinity", "Infinity");
	assert_canon(RF_T_DECIMAL, "-Infinity", "-Infinity");
	assert_canon(RF_T_DECIMAL, "inf", "Infinity");
}

static void decimal_that_is_not_a_number_is_flagged(void **state)
{
	assert_flagged(RF_T_DECIMAL, "");
	assert_flagged(RF_T_DECIMAL, ".");
	assert_flagged(RF_T_DECIMAL, "1.2.3");
	assert_flagged(RF_T_DECIMAL, "1e");
	assert_flagged(RF_T_DECIMAL, "e5");
	assert_flagged(RF_T_DECIMAL, "1,5");
	assert_flagged(RF_T_DECIMAL, "12 ");
	/* Would expand to a billion zeros: flagged, not allocated. */
	assert_flagged(RF_T_DECIMAL, "1e999999999");
	assert_flagged(RF_T_DECIMAL, "1e-999999999");
}

/* --- floats --------------------------------------------------------------- */

static void float_prints_shortest_round_trip(void **state)
{
	assert_canon(RF_T_FLOAT, "0.1", "0.1");
	assert_canon(RF_T_FLOAT, "0.10000000000000001", "0.1");
	assert_canon(RF_T_FLOAT, "1.0", "1");
	assert_canon(RF_T_FLOAT, "3.141592653589793", "3.141592653589793");
	assert_canon(RF_T_FLOAT, "0.30000000000000004", "0.30000000000000004");
	assert_canon(RF_T_FLOAT, "-2.5e-7", "-2.5e-07");
}

static void float_engine_spellings_agree(void **state)
{
	/* PostgreSQL float8, MariaDB double, SQLite REAL. */
	assert_same_datum(RF_T_FLOAT, "1e+20", "1e20");
	assert_same_datum(RF_T_FLOAT, "1e+20", "1.0e+20");
	assert_same_datum(RF_T_FLOAT, "Infinity", "Inf");
	assert_same_datum(RF_T_FLOAT, "-Infinity", "-inf");
	assert_same_datum(RF_T_FLOAT, "NaN", "nan");
	assert_same_datum(RF_T_FLOAT, "-0", "0");
	assert_same_datum(RF_T_FLOAT, "1.5", "1.50");
	assert_canon(RF_T_FLOAT, "Inf", "Infinity");
}

static void float_that_is_not_a_number_is_flagged(void **state)
{
	assert_flagged(RF_T_FLOAT, "");
	assert_flagged(RF_T_FLOAT, "abc");
	assert_flagged(RF_T_FLOAT, " 1.5");
	assert_flagged(RF_T_FLOAT, "1.5x");
	assert_flagged(RF_T_FLOAT, "0x1p3");
}

static void float_tolerance_accepts_close_values_only(void **state)
{
	struct rf_col_opts tol = RF_COL_OPTS_INIT;

	tol.has_tolerance = true;
	tol.tolerance = 0.01;
	assert_true(equal_with(RF_T_FLOAT, "1.5", "1.509", &tol));
	assert_true(equal_with(RF_T_FLOAT, "1.5", "1.49", &tol));
	/* The boundary counts as within, although 1.51 - 1.5 > 0.01 in doubles. */
	assert_true(equal_with(RF_T_FLOAT, "1.5", "1.51", &tol));
	assert_false(equal_with(RF_T_FLOAT, "1.5", "1.52", &tol));
	assert_false(equal_with(RF_T_FLOAT, "1.5", "1.509", &no_opts));
	assert_false(equal_with(RF_T_FLOAT, "Infinity", "1e+308", &tol));
	assert_false(equal_with(RF_T_FLOAT, "NaN", "0", &tol));
	assert_true(equal_with(RF_T_FLOAT, "NaN", "NaN", &tol));
	assert_true(equal_with(RF_T_FLOAT, "Infinity", "Infinity", &tol));
}

static void tolerance_applies_to_integers_and_decimals_not_text(void **state)
{
	struct rf_col_opts tol = RF_COL_OPTS_INIT;

	tol.has_tolerance = true;
	tol.tolerance = 1;
	assert_true(equal_with(RF_T_INTEGER, "100", "101", &tol));
	assert_false(equal_with(RF_T_INTEGER, "100", "102", &tol));
	assert_true(equal_with(RF_T_DECIMAL, "1.5", "2.25", &tol));
	assert_false(equal_with(RF_T_TEXT, "100", "101", &tol));
	assert_false(equal_with(RF_T_DATE, "2026-01-01", "2026-01-02", &tol));
}

/* --- booleans ------------------------------------------------------------- */

static void boolean_engine_spellings_agree(void **state)
{
	/* PostgreSQL t/f, MariaDB tinyint(1) 1/0, SQLite 1/0. */
	assert_same_datum(RF_T_BOOLEAN, "t", "1");
	assert_same_datum(RF_T_BOOLEAN, "f", "0");
	assert_canon(RF_T_BOOLEAN, "t", "true");
	assert_canon(RF_T_BOOLEAN, "1", "true");
	assert_canon(RF_T_BOOLEAN, "0", "false");
	assert_canon(RF_T_BOOLEAN, "TRUE", "true");
	assert_canon(RF_T_BOOLEAN, "False", "false");
	assert_canon(RF_T_BOOLEAN, "Yes", "true");
	assert_canon(RF_T_BOOLEAN, "y", "true");
	assert_canon(RF_T_BOOLEAN, "NO", "false");
	assert_canon(RF_T_BOOLEAN, "n", "false");
	assert_canon(RF_T_BOOLEAN, "on", "true");
	assert_canon(RF_T_BOOLEAN, "OFF", "false");
}

static void boolean_other_values_are_flagged(void **state)
{
	/* A tinyint(1) can hold 2; that is not a boolean. */
	assert_flagged(RF_T_BOOLEAN, "2");
	assert_flagged(RF_T_BOOLEAN, "");
	assert_flagged(RF_T_BOOLEAN, "tru");
	assert_flagged(RF_T_BOOLEAN, "true ");
}

/* --- text, NULL ----------------------------------------------------------- */

static void text_is_compared_byte_for_byte(void **state)
{
	int flagged;
	const char *a = canon_opts(RF_T_TEXT, "a ", &no_opts, &flagged);
	const char *b = canon_opts(RF_T_TEXT, "a", &no_opts, &flagged);

	assert_string_equal(a, "a ");
	assert_false(equal_with(RF_T_TEXT, a, b, &no_opts));
	assert_canon(RF_T_TEXT, "line1\r\nline2", "line1\r\nline2");
	assert_false(equal_with(RF_T_TEXT, "line1\r\nline2", "line1\nline2", &no_opts));
	assert_false(equal_with(RF_T_TEXT, "A", "a", &no_opts));
	assert_true(equal_with(RF_T_TEXT, "caf\xc3\xa9", "caf\xc3\xa9", &no_opts));
}

static void text_trim_ignores_leading_and_trailing_blanks(void **state)
{
	struct rf_col_opts trim = RF_COL_OPTS_INIT;

	trim.trim = true;
	assert_canon_with(RF_T_TEXT, " \t a b \r\n", &trim, "a b");
	assert_canon_with(RF_T_TEXT, "a\r\nb", &trim, "a\r\nb");
	assert_canon_with(RF_T_TEXT, "   ", &trim, "");
	/* Trim is for text; other classes keep their rules. */
	assert_flagged(RF_T_INTEGER, " 5");
}

static void text_keeps_embedded_nul_bytes(void **state)
{
	int flagged;
	const char *c = canon_n(RF_T_TEXT, "a\0b", 3, &no_opts, &flagged);

	assert_int_equal(flagged, 0);
	assert_memory_equal(c, "a\0b", 3);
}

static void null_never_equals_the_empty_string(void **state)
{
	struct rf_cell empty = cell("");
	int c;

	for (c = 0; c < RF_T__COUNT; c++) {
		assert_false(rf_value_equal((enum rf_type_class)c, &null_cell, &empty, &no_opts));
		assert_false(rf_value_equal((enum rf_type_class)c, &empty, &null_cell, &no_opts));
		assert_true(
		    rf_value_equal((enum rf_type_class)c, &null_cell, &null_cell, &no_opts));
		assert_true(rf_value_equal((enum rf_type_class)c, &empty, &empty, &no_opts));
	}
}

static void ignored_column_is_never_a_difference(void **state)
{
	struct rf_col_opts ignore = RF_COL_OPTS_INIT;
	struct rf_cell a = cell("x");

	ignore.ignore = true;
	assert_true(equal_with(RF_T_TEXT, "x", "y", &ignore));
	assert_true(rf_value_equal(RF_T_TEXT, &a, &null_cell, &ignore));
}

/* --- bytes ---------------------------------------------------------------- */

static void bytes_become_lower_case_hex_with_embedded_nuls(void **state)
{
	int flagged;

	assert_string_equal(canon_n(RF_T_BYTES,
	                            "\x00\xff\x10"
	                            "A",
	                            4, &no_opts, &flagged),
	                    "00ff1041");
	assert_int_equal(flagged, 0);
	assert_string_equal(canon_n(RF_T_BYTES, "", 0, &no_opts, &flagged), "");
}

/* The hex made in two steps (the raw bytes freed in between, DESIGN §9)
 * is rf_value_canon's, also when out grows between the steps and holds
 * other cells before and after. */
static void bytes_hex_in_two_steps_is_the_canonical_form(void **state)
{
	static const char raw[] = {'\x00', '\x01', '\x7f', '\x80', '\xff', '\\', '\n', '\t', 'z'};
	struct rf_cell one = {raw, 1, false};
	struct rf_buf out = RF_BUF_INIT, want = RF_BUF_INIT;
	size_t at, at1;
	char src[sizeof raw];
	struct rf_cell in = {src, sizeof src, false};

	(void)state;
	memcpy(src, raw, sizeof raw);
	rf_buf_adds(&out, "before");
	at = rf_value_hex_begin(&in, &out);
	memset(src, 0, sizeof src); /* the input may go once begin returns */
	at1 = rf_value_hex_begin(&one, &out);
	for (int i = 0; i < 5000; i++) /* grows out: its bytes move */
		rf_buf_addc(&out, '.');
	rf_value_hex_finish(&out, at, sizeof raw);
	rf_value_hex_finish(&out, at1, 1);
	rf_buf_adds(&want, "before");
	rf_value_canon(RF_T_BYTES, &(struct rf_cell){raw, sizeof raw, false}, &no_opts, &want);
	rf_value_canon(RF_T_BYTES, &one, &no_opts, &want);
	assert_int_equal(out.len, want.len + 5000);
	assert_memory_equal(out.data, want.data, want.len);
	assert_memory_equal(out.data + at,
	                    "0001"
	                    "7f80"
	                    "ff5c"
	                    "0a09"
	                    "7a",
	                    2 * sizeof raw);
	rf_buf_free(&out);
	rf_buf_free(&want);
}

static void bytea_and_blob_of_the_same_bytes_agree(void **state)
{
	/* The PostgreSQL driver decodes bytea's \x text; MariaDB and SQLite
	 * deliver the raw BLOB. Both reach canon as bytes. */
	static const char bytea[] = {'\xde', '\xad', '\0', '\xbe', '\xef'};
	static const char blob[] = {'\xde', '\xad', '\0', '\xbe', '\xef'};
	static const char other[] = {'\xde', '\xad', '\0', '\xbe', '\xee'};
	int flagged;
	const char *x = canon_n(RF_T_BYTES, bytea, sizeof(bytea), &no_opts, &flagged);
	const char *y = canon_n(RF_T_BYTES, blob, sizeof(blob), &no_opts, &flagged);
	const char *z = canon_n(RF_T_BYTES, other, sizeof(other), &no_opts, &flagged);

	assert_string_equal(x, "dead00beef");
	assert_string_equal(x, y);
	assert_false(equal_with(RF_T_BYTES, x, z, &no_opts));
}

/* --- dates and times ------------------------------------------------------ */

static void date_forms_agree(void **state)
{
	assert_canon(RF_T_DATE, "2026-01-02", "2026-01-02");
	/* Engines that store dates as datetimes print midnight. */
	assert_same_datum(RF_T_DATE, "2026-01-02", "2026-01-02 00:00:00");
	assert_same_datum(RF_T_DATE, "2026-01-02", "2026-01-02T00:00:00.000000");
	assert_canon(RF_T_DATE, "2024-02-29", "2024-02-29");
	assert_canon(RF_T_DATE, "infinity", "infinity");
	assert_canon(RF_T_DATE, "-infinity", "-infinity");
}

static void date_that_is_not_a_day_is_flagged(void **state)
{
	assert_flagged(RF_T_DATE, "2026-01-02 10:00:00");
	assert_flagged(RF_T_DATE, "2026-02-29");
	assert_flagged(RF_T_DATE, "1900-02-29");
	assert_flagged(RF_T_DATE, "2026-13-01");
	assert_flagged(RF_T_DATE, "0000-00-00"); /* MariaDB's zero date */
	assert_flagged(RF_T_DATE, "2026-1-2");
	assert_flagged(RF_T_DATE, "2026-01-02x");
	assert_flagged(RF_T_DATE, "");
}

static void time_always_has_six_fraction_digits(void **state)
{
	assert_canon(RF_T_TIME, "10:00", "10:00:00.000000");
	assert_canon(RF_T_TIME, "10:00:00", "10:00:00.000000");
	assert_canon(RF_T_TIME, "10:00:00.5", "10:00:00.500000");
	assert_canon(RF_T_TIME, "23:59:59.999999", "23:59:59.999999");
	/* PostgreSQL's end of day. */
	assert_canon(RF_T_TIME, "24:00:00", "24:00:00.000000");
	assert_same_datum(RF_T_TIME, "10:00:00", "10:00:00.000000");
}

static void time_out_of_range_is_flagged(void **state)
{
	assert_flagged(RF_T_TIME, "25:00:00");
	assert_flagged(RF_T_TIME, "24:00:01");
	assert_flagged(RF_T_TIME, "10:60:00");
	assert_flagged(RF_T_TIME, "10:00:60");
	assert_flagged(RF_T_TIME, "838:59:59"); /* a MariaDB TIME as a duration */
	assert_flagged(RF_T_TIME, "10:00:00+02");
	assert_flagged(RF_T_TIME, "10:00:00.");
}

static void timestamp_engine_forms_agree(void **state)
{
	assert_canon(RF_T_TIMESTAMP, "2026-01-02 03:04:05", "2026-01-02T03:04:05.000000");
	assert_canon(RF_T_TIMESTAMP, "2026-01-02T03:04:05.123", "2026-01-02T03:04:05.123000");
	assert_canon(RF_T_TIMESTAMP, "2026-01-02 03:04:05.123456", "2026-01-02T03:04:05.123456");
	/* MariaDB datetime(3), PostgreSQL timestamp, SQLite ISO text. */
	assert_same_datum(RF_T_TIMESTAMP, "2026-01-02 03:04:05.120", "2026-01-02 03:04:05.12");
	assert_same_datum(RF_T_TIMESTAMP, "2026-01-02 03:04:05.12", "2026-01-02T03:04:05.120000");
	assert_same_datum(RF_T_TIMESTAMP, "2026-01-02 03:04", "2026-01-02 03:04:00");
}

static void timestamp_date_only_is_midnight(void **state)
{
	assert_canon(RF_T_TIMESTAMP, "2026-01-02", "2026-01-02T00:00:00.000000");
	assert_canon(RF_T_TIMESTAMPTZ, "2026-01-02", "2026-01-02T00:00:00.000000Z");
}

static void timestamp_without_zone_applies_an_offset_instead_of_dropping_it(void **state)
{
	assert_canon(RF_T_TIMESTAMP, "2026-01-02T03:04:05+02:00", "2026-01-02T01:04:05.000000");
	assert_canon(RF_T_TIMESTAMP, "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000000");
}

static void timestamptz_mariadb_datetime_and_postgres_offset_agree(void **state)
{
	/* A MariaDB datetime(6) (session in UTC) against PostgreSQL timestamptz
	 * printed in a +01 session. */
	assert_same_datum(RF_T_TIMESTAMPTZ, "2026-11-21 10:00:00.123456",
	                  "2026-11-21 11:00:00.123456+01");
	assert_canon(RF_T_TIMESTAMPTZ, "2026-01-02 03:04:05.123456+00",
	             "2026-01-02T03:04:05.123456Z");
}

static void timestamptz_offset_spellings_agree(void **state)
{
	static const char *const same_instant[] = {
	    "2026-06-01 12:00:00+02",     "2026-06-01 12:00:00+02:00",
	    "2026-06-01 12:00:00+0200",   "2026-06-01T10:00:00Z",
	    "2026-06-01 10:00:00 UTC",    "2026-06-01 10:00:00",
	    "2026-06-01 04:30:00-05:30",  "2026-06-01T10:00:00.000z",
	    "2026-06-01 12:00:00 +02:00", "2026-06-01 10:53:28+00:53:28"};
	size_t i;

	for (i = 0; i < sizeof(same_instant) / sizeof(same_instant[0]); i++)
		assert_canon(RF_T_TIMESTAMPTZ, same_instant[i], "2026-06-01T10:00:00.000000Z");
}

static void timestamptz_offsets_roll_over_days_months_and_years(void **state)
{
	assert_canon(RF_T_TIMESTAMPTZ, "2026-12-31 23:30:00-01:00", "2027-01-01T00:30:00.000000Z");
	assert_canon(RF_T_TIMESTAMPTZ, "2027-01-01 00:30:00+01:00", "2026-12-31T23:30:00.000000Z");
	assert_canon(RF_T_TIMESTAMPTZ, "2026-03-31 23:00:00-02", "2026-04-01T01:00:00.000000Z");
	/* Leap days, into and out of. */
	assert_canon(RF_T_TIMESTAMPTZ, "2024-02-28 23:00:00-02", "2024-02-29T01:00:00.000000Z");
	assert_canon(RF_T_TIMESTAMPTZ, "2024-02-29 23:00:00-02", "2024-03-01T01:00:00.000000Z");
	assert_canon(RF_T_TIMESTAMPTZ, "2024-03-01 00:30:00+01", "2024-02-29T23:30:00.000000Z");
	assert_canon(RF_T_TIMESTAMPTZ, "2023-03-01 00:30:00+01", "2023-02-28T23:30:00.000000Z");
	assert_canon(RF_T_TIMESTAMPTZ, "2000-02-28 23:00:00-02", "2000-02-29T01:00:00.000000Z");
	assert_canon(RF_T_TIMESTAMPTZ, "2100-02-28 23:00:00-02", "2100-03-01T01:00:00.000000Z");
	/* Before the epoch. */
	assert_canon(RF_T_TIMESTAMPTZ, "1900-01-01 00:00:00.25+01", "1899-12-31T23:00:00.250000Z");
}

static void timestamp_that_does_not_parse_is_flagged(void **state)
{
	assert_flagged(RF_T_TIMESTAMPTZ, "2026-01-02 03:04:05+16");
	assert_flagged(RF_T_TIMESTAMPTZ, "2026-01-02 03:04:05 CET");
	assert_flagged(RF_T_TIMESTAMPTZ, "9999-12-31 23:30:00-01");
	assert_flagged(RF_T_TIMESTAMP, "2026-01-02  03:04:05");
	assert_flagged(RF_T_TIMESTAMP, "2026-01-02 3:04:05");
	assert_flagged(RF_T_TIMESTAMP, "0000-00-00 00:00:00");
	assert_flagged(RF_T_TIMESTAMP, "1767323045"); /* epoch seconds */
	assert_canon(RF_T_TIMESTAMP, "infinity", "infinity");
}

static void ts_precision_truncates_then_pads(void **state)
{
	struct rf_col_opts p = RF_COL_OPTS_INIT;

	p.ts_precision = 3;
	assert_canon_with(RF_T_TIMESTAMP, "2026-01-02 03:04:05.123999", &p,
	                  "2026-01-02T03:04:05.123000");
	assert_canon_with(RF_T_TIMESTAMPTZ, "2026-01-02 03:04:05.123999+01", &p,
	                  "2026-01-02T02:04:05.123000Z");
	assert_canon_with(RF_T_TIME, "10:00:00.987654", &p, "10:00:00.987000");
	p.ts_precision = 0;
	assert_canon_with(RF_T_TIMESTAMP, "2026-01-02 03:04:05.999999", &p,
	                  "2026-01-02T03:04:05.000000");
	assert_canon_with(RF_T_TIMESTAMPTZ, "1969-12-31 23:59:59.5", &p,
	                  "1969-12-31T23:59:59.000000Z");
	p.ts_precision = 6;
	assert_canon_with(RF_T_TIME, "10:00:00.123456", &p, "10:00:00.123456");
}

static void ts_precision_makes_datetime_3_equal_datetime_6(void **state)
{
	struct rf_col_opts p = RF_COL_OPTS_INIT;
	int fa, fb;
	const char *a, *b;

	p.ts_precision = 3;
	a = canon_opts(RF_T_TIMESTAMP, "2026-01-02 03:04:05.123", &p, &fa);
	b = canon_opts(RF_T_TIMESTAMP, "2026-01-02 03:04:05.123456", &p, &fb);
	assert_string_equal(a, b);
	a = canon_opts(RF_T_TIMESTAMP, "2026-01-02 03:04:05.123", &no_opts, &fa);
	b = canon_opts(RF_T_TIMESTAMP, "2026-01-02 03:04:05.123456", &no_opts, &fb);
	assert_string_not_equal(a, b);
}

static void fraction_beyond_microseconds_is_rounded_like_the_engines_store_it(void **state)
{
	assert_canon(RF_T_TIMESTAMP, "2026-01-02 03:04:05.1234564", "2026-01-02T03:04:05.123456");
	assert_canon(RF_T_TIMESTAMP, "2026-01-02 03:04:05.1234565", "2026-01-02T03:04:05.123457");
	assert_canon(RF_T_TIMESTAMP, "2026-12-31 23:59:59.9999999", "2027-01-01T00:00:00.000000");
	assert_canon(RF_T_TIME, "23:59:59.9999999", "24:00:00.000000");
}

/* --- JSON ----------------------------------------------------------------- */

static void json_key_order_and_blanks_do_not_matter(void **state)
{
	assert_same_datum(RF_T_JSON, "{\"b\":1, \"a\":[1,2]}", "{\"a\":[1,2],\"b\":1}");
	/* PostgreSQL jsonb's own print form. */
	assert_same_datum(RF_T_JSON, "{\"b\": 1, \"a\": [1, 2]}",
	                  "{ \"a\" : [ 1 , 2 ] , \"b\":1 }");
	assert_canon(RF_T_JSON, "{\"b\":1, \"a\":[1,2]}", "{\"a\":[1,2],\"b\":1}");
	assert_canon(RF_T_JSON, " {\"z\":{\"y\":null,\"x\":true},\"aa\":false,\"a\":\"s\"}\n",
	             "{\"a\":\"s\",\"aa\":false,\"z\":{\"x\":true,\"y\":null}}");
	assert_canon(RF_T_JSON, "{}", "{}");
	assert_canon(RF_T_JSON, "[ ]", "[]");
	assert_canon(RF_T_JSON, "\"scalar\"", "\"scalar\"");
	assert_canon(RF_T_JSON, "null", "null");
}

static void json_array_order_matters(void **state)
{
	int fa, fb;
	const char *a = canon_opts(RF_T_JSON, "[1,2]", &no_opts, &fa);
	const char *b = canon_opts(RF_T_JSON, "[2,1]", &no_opts, &fb);

	assert_string_not_equal(a, b);
}

static void json_numbers_are_compared_by_value_exactly(void **state)
{
	/* jsonb keeps 1.50, MySQL's JSON prints the double 1.5. */
	assert_same_datum(RF_T_JSON, "{\"p\":1.50}", "{\"p\":1.5}");
	assert_same_datum(RF_T_JSON, "[1, 1.0, 1.00, 1e0, 10E-1]", "[1,1,1,1,1]");
	assert_same_datum(RF_T_JSON, "[1e20]", "[100000000000000000000]");
	assert_canon(RF_T_JSON, "[-0, -0.0, 0.5e-3]", "[0,0,0.0005]");
	/* Past 64 bits and past double precision: kept digit for digit. */
	assert_canon(RF_T_JSON, "[123456789012345678901234567890, 0.1000000000000000000001]",
	             "[123456789012345678901234567890,0.1000000000000000000001]");
	/* Too large to write out: kept as written rather than refused. */
	assert_canon(RF_T_JSON, "[1e999999999]", "[1e999999999]");
}

static void json_duplicate_keys_keep_the_last_value(void **state)
{
	assert_canon(RF_T_JSON, "{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":3,\"b\":2}");
	assert_canon(RF_T_JSON, "{\"a\":1,\"a\":{\"a\":1,\"a\":2}}", "{\"a\":{\"a\":2}}");
}

static void json_string_escapes_are_canonical(void **state)
{
	assert_same_datum(RF_T_JSON, "\"caf\\u00e9\"", "\"caf\xc3\xa9\"");
	assert_same_datum(RF_T_JSON, "\"a\\/b\"", "\"a/b\"");
	assert_same_datum(RF_T_JSON, "\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\"");
	assert_canon(RF_T_JSON, "\"tab\\t nl\\n q\\\" bs\\\\ \\u0001 \\u0000\"",
	             "\"tab\\t nl\\n q\\\" bs\\\\ \\u0001 \\u0000\"");
	assert_canon(RF_T_JSON, "{\"\\u0062\":1,\"a\":2}", "{\"a\":2,\"b\":1}");
	assert_canon(RF_T_JSON, "{\"\":1}", "{\"\":1}");
}

static const char *jsonb_form(const char *in)
{
	static struct rf_buf out = RF_BUF_INIT;
	rf_buf_reset(&out);
	if (rf_value_jsonb_form(in, strlen(in), &out) != 0)
		return "(not JSON)";
	return out.data ? out.data : "";
}

static void json_prints_as_jsonb_does(void **state)
{
	(void)state;
	/* what PostgreSQL 15 prints for these as jsonb: keys shorter first,
	 * then bytewise, the last of equal keys, ", " and ": " */
	assert_string_equal(jsonb_form("{\"bb\":1,\"a\":[1,2.50],\"c\":{\"zz\":null,\"y\":true}}"),
	                    "{\"a\": [1, 2.5], \"c\": {\"y\": true, \"zz\": null}, \"bb\": 1}");
	assert_string_equal(jsonb_form("{\"a\":1,\"b\":2,\"a\":3,\"\":[]}"),
	                    "{\"\": [], \"a\": 3, \"b\": 2}");
	assert_string_equal(jsonb_form("[\"t\\tq\\\"\\u0001\"]"), "[\"t\\tq\\\"\\u0001\"]");
	assert_string_equal(jsonb_form("{}"), "{}");
	assert_string_equal(jsonb_form("[]"), "[]");
	assert_string_equal(jsonb_form("null"), "null");
	assert_string_equal(jsonb_form("{\"a\":"), "(not JSON)");
}

static void json_that_does_not_parse_is_flagged(void **state)
{
	assert_flagged(RF_T_JSON, "");
	assert_flagged(RF_T_JSON, "{");
	assert_flagged(RF_T_JSON, "{\"a\":1,}");
	assert_flagged(RF_T_JSON, "[1,]");
	assert_flagged(RF_T_JSON, "{'a':1}");
	assert_flagged(RF_T_JSON, "{\"a\":1} x");
	assert_flagged(RF_T_JSON, "[01]");
	assert_flagged(RF_T_JSON, "[+1]");
	assert_flagged(RF_T_JSON, "[.5]");
	assert_flagged(RF_T_JSON, "[1.]");
	assert_flagged(RF_T_JSON, "[NaN]");
	assert_flagged(RF_T_JSON, "tru");
	assert_flagged(RF_T_JSON, "\"unterminated");
	assert_flagged(RF_T_JSON, "\"\\ud83d\"");  /* lone surrogate */
	assert_flagged(RF_T_JSON, "\"\\x41\"");    /* not a JSON escape */
	assert_flagged(RF_T_JSON, "\"a\tb\"");     /* raw control character */
	assert_flagged(RF_T_JSON, "\"\xc3\"");     /* truncated UTF-8 */
	assert_flagged(RF_T_JSON, "\"\xc0\xaf\""); /* overlong UTF-8 */
}

static void json_deep_nesting_is_flagged_not_a_crash(void **state)
{
	enum { DEPTH = 100000 };
	char *deep = rf_xmalloc(2 * DEPTH + 1);
	int flagged;

	memset(deep, '[', DEPTH);
	memset(deep + DEPTH, ']', DEPTH);
	deep[2 * DEPTH] = '\0';
	canon_opts(RF_T_JSON, deep, &no_opts, &flagged);
	assert_int_equal(flagged, 1);
	/* 100 levels, as deep as MySQL allows, are fine. */
	memset(deep + 100, ']', 100);
	deep[200] = '\0';
	canon_opts(RF_T_JSON, deep + 0, &no_opts, &flagged);
	assert_int_equal(flagged, 0);
	free(deep);
}

/* --- UUID, other ---------------------------------------------------------- */

static void uuid_spellings_agree(void **state)
{
	/* PostgreSQL uuid (lower), a CHAR(36) written by .NET (upper), SQL
	 * Server's braces, a hex string without dashes. */
	static const char *const same[] = {
	    "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
	    "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "a0eebc999c0b4ef8bb6d6bb9bd380a11",
	    "{A0EEBC999C0B4EF8BB6D6BB9BD380A11}"};
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		assert_canon(RF_T_UUID, same[i], "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
}

static void uuid_that_does_not_parse_is_flagged(void **state)
{
	assert_flagged(RF_T_UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1");
	assert_flagged(RF_T_UUID, "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
	assert_flagged(RF_T_UUID, "a0eebc99+9c0b-4ef8-bb6d-6bb9bd380a11");
	assert_flagged(RF_T_UUID, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
	assert_flagged(RF_T_UUID, "");
}

static void other_is_kept_unchanged(void **state)
{
	assert_canon(RF_T_OTHER, " POINT(1 2) ", " POINT(1 2) ");
}

static void canon_appends_to_the_buffer(void **state)
{
	struct rf_buf out = RF_BUF_INIT;
	struct rf_cell a = cell("007"), bad = cell("x1");

	rf_buf_adds(&out, "key=");
	assert_int_equal(rf_value_canon(RF_T_INTEGER, &a, NULL, &out), 0);
	rf_buf_addc(&out, ',');
	assert_int_equal(rf_value_canon(RF_T_INTEGER, &bad, NULL, &out), 1);
	assert_string_equal(out.data, "key=7,x1");
	rf_buf_free(&out);
}

/* Canonicalizing a canonical form changes nothing: the diff may compare a
 * freshly read cell with one that already went through canon once. */
static void canonical_forms_are_fixed_points(void **state)
{
	static const struct {
		enum rf_type_class c;
		const char *in;
	} samples[] = {
	    {RF_T_INTEGER, "-007"},
	    {RF_T_DECIMAL, "1.5E-3"},
	    {RF_T_DECIMAL, "-12.50e3"},
	    {RF_T_DECIMAL, "inf"},
	    {RF_T_FLOAT, "1e20"},
	    {RF_T_FLOAT, "-2.5e-7"},
	    {RF_T_FLOAT, "0.30000000000000004"},
	    {RF_T_BOOLEAN, "t"},
	    {RF_T_DATE, "2026-01-02 00:00:00"},
	    {RF_T_TIME, "10:00"},
	    {RF_T_TIMESTAMP, "2026-01-02 03:04:05.5+01"},
	    {RF_T_TIMESTAMPTZ, "2026-12-31 23:30:00-01:00"},
	    {RF_T_JSON, "{\"b\": [1.50, \"\\u00e9\\n\"], \"a\": {\"z\": null, \"\": 1e2}}"},
	    {RF_T_UUID, "{A0EEBC999C0B4EF8BB6D6BB9BD380A11}"},
	};
	size_t i;
	int flagged;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const char *once = canon_opts(samples[i].c, samples[i].in, &no_opts, &flagged);

		assert_int_equal(flagged, 0);
		assert_string_equal(canon_opts(samples[i].c, once, &no_opts, &flagged), once);
		assert_int_equal(flagged, 0);
	}
}

/* --- key order ------------------------------------------------------------ */

static void cmp_key_orders_integers_numerically(void **state)
{
	static const char *const order[] = {"-123456789012345678901234567890",
	                                    "-10",
	                                    "-9",
	                                    "-5",
	                                    "0",
	                                    "3",
	                                    "9",
	                                    "10",
	                                    "100",
	                                    "18446744073709551615",
	                                    "123456789012345678901234567890"};

	assert_key_order(RF_T_INTEGER, order, sizeof(order) / sizeof(order[0]));
	assert_int_equal(cmp_key(RF_T_INTEGER, "7", "007"), 0);
	assert_int_equal(cmp_key(RF_T_INTEGER, "-0", "0"), 0);
}

static void cmp_key_orders_decimals_numerically(void **state)
{
	static const char *const order[] = {"-Infinity", "-100.5", "-1.5",     "-1.25", "-0.001",
	                                    "0",         "0.001",  "0.5",      "0.51",  "1",
	                                    "1.25",      "1.5",    "1.51",     "2",     "10",
	                                    "99.99",     "100",    "Infinity", "NaN"};

	assert_key_order(RF_T_DECIMAL, order, sizeof(order) / sizeof(order[0]));
	assert_int_equal(cmp_key(RF_T_DECIMAL, "1.5", "1.50"), 0);
	/* Something that is not a number sorts after every number. */
	assert_true(cmp_key(RF_T_DECIMAL, "NaN", "abc") < 0);
	assert_true(cmp_key(RF_T_DECIMAL, "abc", "abd") < 0);
}

static void cmp_key_orders_floats_numerically(void **state)
{
	static const char *const order[] = {"-Infinity", "-1e+20",   "-1", "0",
	                                    "1e-07",     "0.5",      "2",  "10",
	                                    "1e+20",     "Infinity", "NaN"};

	assert_key_order(RF_T_FLOAT, order, sizeof(order) / sizeof(order[0]));
}

static void cmp_key_orders_text_by_bytes_shorter_first(void **state)
{
	/* Byte order, as the diff asks of both engines (COLLATE "C", binary). */
	static const char *const order[] = {"", "B", "Z", "a", "ab", "abc", "b", "\xc3\xa9"};

	assert_key_order(RF_T_TEXT, order, sizeof(order) / sizeof(order[0]));
	assert_key_order(RF_T_UUID, (const char *const[]){"0a", "a0", "b"}, 3);
}

static void cmp_key_puts_null_first(void **state)
{
	struct rf_cell empty = cell(""), neg = cell("-5");

	assert_true(rf_value_cmp_key(RF_T_TEXT, &null_cell, &empty) < 0);
	assert_true(rf_value_cmp_key(RF_T_TEXT, &empty, &null_cell) > 0);
	assert_true(rf_value_cmp_key(RF_T_INTEGER, &null_cell, &neg) < 0);
	assert_int_equal(rf_value_cmp_key(RF_T_INTEGER, &null_cell, &null_cell), 0);
}

static void cmp_key_orders_timestamps_chronologically(void **state)
{
	int f;
	char a[64], b[64];

	strcpy(a, canon_opts(RF_T_TIMESTAMPTZ, "2026-01-02 00:30:00+01", &no_opts, &f));
	strcpy(b, canon_opts(RF_T_TIMESTAMPTZ, "2026-01-01 23:45:00", &no_opts, &f));
	assert_true(cmp_key(RF_T_TIMESTAMPTZ, a, b) < 0);
}

/* --- explanations --------------------------------------------------------- */

static void explain_says_equal_after_normalization(void **state)
{
	struct rf_cell a = cell("1.5"), b = cell("1.5");

	assert_string_equal(explain(RF_T_DECIMAL, &a, &b, NULL),
	                    "equal: both are \"1.5\" after normalization (decimal)");
}

static void explain_says_what_differs(void **state)
{
	struct rf_cell a = cell("3"), b = cell("4");

	assert_string_equal(explain(RF_T_INTEGER, &a, &b, NULL),
	                    "differ: \"3\" vs \"4\" (integer)");
}

static void explain_names_the_null_versus_empty_trap(void **state)
{
	struct rf_cell empty = cell(""), x = cell("x");

	assert_string_equal(explain(RF_T_TEXT, &null_cell, &empty, NULL),
	                    "differ: NULL vs \"\" (NULL never equals the empty string)");
	assert_string_equal(explain(RF_T_TEXT, &empty, &null_cell, NULL),
	                    "differ: \"\" vs NULL (NULL never equals the empty string)");
	assert_string_equal(explain(RF_T_TEXT, &x, &null_cell, NULL),
	                    "differ: \"x\" vs NULL (text)");
	assert_string_equal(explain(RF_T_TEXT, &null_cell, &null_cell, NULL),
	                    "equal: both are NULL");
}

static void explain_reports_tolerance(void **state)
{
	struct rf_col_opts tol = RF_COL_OPTS_INIT;
	struct rf_cell a = cell("1.5"), b = cell("1.509"), c = cell("1.6"), inf = cell("Infinity");

	tol.has_tolerance = true;
	tol.tolerance = 0.01;
	assert_string_equal(explain(RF_T_FLOAT, &a, &b, &tol),
	                    "equal within tolerance 0.01: 1.5 vs 1.509");
	assert_string_equal(explain(RF_T_FLOAT, &a, &c, &tol),
	                    "differ: 1.5 vs 1.6 are 0.1 apart, more than tolerance 0.01 (float)");
	assert_string_equal(explain(RF_T_FLOAT, &a, &inf, &tol),
	                    "differ: 1.5 vs Infinity; a tolerance only applies between finite "
	                    "numbers (float)");
}

static void explain_points_at_invisible_text_differences(void **state)
{
	struct rf_cell a = cell("a "), b = cell("a"), crlf = cell("x\r\ny"), lf = cell("x\ny"),
	               upper = cell("ABC"), lower = cell("abc");

	assert_string_equal(explain(RF_T_TEXT, &a, &b, NULL),
	                    "differ: \"a \" vs \"a\" (text); they differ only in leading/trailing "
	                    "blanks (--trim ignores them)");
	assert_string_equal(explain(RF_T_TEXT, &crlf, &lf, NULL),
	                    "differ: \"x\\r\\ny\" vs \"x\\ny\" (text); they differ only in line "
	                    "endings (CRLF vs LF)");
	assert_string_equal(explain(RF_T_TEXT, &upper, &lower, NULL),
	                    "differ: \"ABC\" vs \"abc\" (text); they differ only in letter case");
}

static void explain_cuts_long_values_and_says_where_they_differ(void **state)
{
	char x[200], y[200];
	struct rf_cell a, b;
	const char *s;

	memset(x, 'q', sizeof(x));
	memcpy(y, x, sizeof(y));
	y[150] = 'r';
	a = cell_n(x, sizeof(x));
	b = cell_n(y, sizeof(y));
	s = explain(RF_T_TEXT, &a, &b, NULL);
	assert_non_null(strstr(s, "...\" vs \""));
	assert_non_null(strstr(s, "; first difference at byte 150"));
	assert_true(strlen(s) < 300);
}

static void explain_escapes_control_bytes(void **state)
{
	struct rf_cell a = cell_n("a\0\x1b\"", 4), b = cell("a");

	assert_string_equal(explain(RF_T_OTHER, &a, &b, NULL),
	                    "differ: \"a\\x00\\x1b\\\"\" vs \"a\" (other)");
}

static int free_ring(void **state)
{
	int i;

	for (i = 0; i < RING; i++)
		rf_buf_free(&ring[i]);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(class_names_round_trip),
	    cmocka_unit_test(integer_leading_zeros_and_signs_are_dropped),
	    cmocka_unit_test(integer_past_64_bits_is_kept_exactly),
	    cmocka_unit_test(integer_with_non_digits_is_flagged_and_kept_raw),
	    cmocka_unit_test(decimal_trailing_zeros_and_exponents_are_normalized),
	    cmocka_unit_test(decimal_is_exact_beyond_double_precision),
	    cmocka_unit_test(decimal_12_2_and_numeric_and_sqlite_real_agree),
	    cmocka_unit_test(decimal_special_values_pass_through),
	    cmocka_unit_test(decimal_that_is_not_a_number_is_flagged),
	    cmocka_unit_test(float_prints_shortest_round_trip),
	    cmocka_unit_test(float_engine_spellings_agree),
	    cmocka_unit_test(float_that_is_not_a_number_is_flagged),
	    cmocka_unit_test(float_tolerance_accepts_close_values_only),
	    cmocka_unit_test(tolerance_applies_to_integers_and_decimals_not_text),
	    cmocka_unit_test(boolean_engine_spellings_agree),
	    cmocka_unit_test(boolean_other_values_are_flagged),
	    cmocka_unit_test(text_is_compared_byte_for_byte),
	    cmocka_unit_test(text_trim_ignores_leading_and_trailing_blanks),
	    cmocka_unit_test(text_keeps_embedded_nul_bytes),
	    cmocka_unit_test(bytes_hex_in_two_steps_is_the_canonical_form),
	    cmocka_unit_test(null_never_equals_the_empty_string),
	    cmocka_unit_test(ignored_column_is_never_a_difference),
	    cmocka_unit_test(bytes_become_lower_case_hex_with_embedded_nuls),
	    cmocka_unit_test(bytea_and_blob_of_the_same_bytes_agree),
	    cmocka_unit_test(date_forms_agree),
	    cmocka_unit_test(date_that_is_not_a_day_is_flagged),
	    cmocka_unit_test(time_always_has_six_fraction_digits),
	    cmocka_unit_test(time_out_of_range_is_flagged),
	    cmocka_unit_test(timestamp_engine_forms_agree),
	    cmocka_unit_test(timestamp_date_only_is_midnight),
	    cmocka_unit_test(timestamp_without_zone_applies_an_offset_instead_of_dropping_it),
	    cmocka_unit_test(timestamptz_mariadb_datetime_and_postgres_offset_agree),
	    cmocka_unit_test(timestamptz_offset_spellings_agree),
	    cmocka_unit_test(timestamptz_offsets_roll_over_days_months_and_years),
	    cmocka_unit_test(timestamp_that_does_not_parse_is_flagged),
	    cmocka_unit_test(ts_precision_truncates_then_pads),
	    cmocka_unit_test(ts_precision_makes_datetime_3_equal_datetime_6),
	    cmocka_unit_test(fraction_beyond_microseconds_is_rounded_like_the_engines_store_it),
	    cmocka_unit_test(json_key_order_and_blanks_do_not_matter),
	    cmocka_unit_test(json_array_order_matters),
	    cmocka_unit_test(json_numbers_are_compared_by_value_exactly),
	    cmocka_unit_test(json_duplicate_keys_keep_the_last_value),
	    cmocka_unit_test(json_string_escapes_are_canonical),
	    cmocka_unit_test(json_prints_as_jsonb_does),
	    cmocka_unit_test(json_that_does_not_parse_is_flagged),
	    cmocka_unit_test(json_deep_nesting_is_flagged_not_a_crash),
	    cmocka_unit_test(uuid_spellings_agree),
	    cmocka_unit_test(uuid_that_does_not_parse_is_flagged),
	    cmocka_unit_test(other_is_kept_unchanged),
	    cmocka_unit_test(canon_appends_to_the_buffer),
	    cmocka_unit_test(canonical_forms_are_fixed_points),
	    cmocka_unit_test(cmp_key_orders_integers_numerically),
	    cmocka_unit_test(cmp_key_orders_decimals_numerically),
	    cmocka_unit_test(cmp_key_orders_floats_numerically),
	    cmocka_unit_test(cmp_key_orders_text_by_bytes_shorter_first),
	    cmocka_unit_test(cmp_key_puts_null_first),
	    cmocka_unit_test(cmp_key_orders_timestamps_chronologically),
	    cmocka_unit_test(explain_says_equal_after_normalization),
	    cmocka_unit_test(explain_says_what_differs),
	    cmocka_unit_test(explain_names_the_null_versus_empty_trap),
	    cmocka_unit_test(explain_reports_tolerance),
	    cmocka_unit_test(explain_points_at_invisible_text_differences),
	    cmocka_unit_test(explain_cuts_long_values_and_says_where_they_differ),
	    cmocka_unit_test(explain_escapes_control_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, free_ring);
}
