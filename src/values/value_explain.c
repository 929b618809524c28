/* value_explain.c - the cell inspector's sentence on why two values compare
 * as they do (DESIGN §3: "the console can show, for a cell, the canonical
 * forms it compared and why they are equal or not").
 *
 * The sentence starts with "equal" or "differ" so a script can grep it, and
 * for text it names differences the grid cannot show: trailing blanks,
 * CR/LF line endings, letter case.
 */
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "value_internal.h"

/* The inspector shows at most this many bytes of a value. */
#define EXPLAIN_MAX_SHOWN 80

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Appends a number as %g would, with a '.' whatever LC_NUMERIC says, so
 * "tolerance 0.01" reads like the values beside it. */
static void add_number(struct rf_buf *out, double v)
{
	const char *dp = localeconv()->decimal_point;
	char tmp[64];
	size_t i;

	snprintf(tmp, sizeof(tmp), "%g", v);
	if (dp && dp[0] && dp[0] != '.' && !dp[1])
		for (i = 0; tmp[i]; i++)
			if (tmp[i] == dp[0])
				tmp[i] = '.';
	rf_buf_adds(out, tmp);
}

/* Appends the value quoted, control bytes escaped, cut after
 * EXPLAIN_MAX_SHOWN bytes (at a UTF-8 character boundary). */
static void add_shown(struct rf_buf *out, const struct rf_cell *c)
{
	const unsigned char *p = (const unsigned char *)c->data;
	size_t n = c->len, i;

	if (c->is_null) {
		rf_buf_adds(out, "NULL");
		return;
	}
	if (n > EXPLAIN_MAX_SHOWN) {
		n = EXPLAIN_MAX_SHOWN;
		while (n > 0 && (p[n] & 0xC0) == 0x80)
			n--;
	}
	rf_buf_addc(out, '"');
	for (i = 0; i < n; i++) {
		switch (p[i]) {
		case '"':
			rf_buf_adds(out, "\\\"");
			break;
		case '\\':
			rf_buf_adds(out, "\\\\");
			break;
		case '\n':
			rf_buf_adds(out, "\\n");
			break;
		case '\r':
			rf_buf_adds(out, "\\r");
			break;
		case '\t':
			rf_buf_adds(out, "\\t");
			break;
		default:
			if (p[i] < 0x20 || p[i] == 0x7F)
				rf_buf_printf(out, "\\x%02x", p[i]);
			else
				rf_buf_addc(out, (char)p[i]);
		}
	}
	if (n < c->len)
		rf_buf_adds(out, "...");
	rf_buf_addc(out, '"');
}

/* Both values with `skip` bytes removed, compared; used to name the kind of
 * difference a user can see no trace of in the grid. */
static bool equal_without(const struct rf_cell *a, const struct rf_cell *b, bool (*skip)(char),
                          bool fold_case)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a->len && skip && skip(a->data[i]))
			i++;
		while (j < b->len && skip && skip(b->data[j]))
			j++;
		if (i == a->len || j == b->len)
			return i == a->len && j == b->len;
		if (fold_case ? ascii_lower(a->data[i]) != ascii_lower(b->data[j])
		              : a->data[i] != b->data[j])
			return false;
		i++;
		j++;
	}
}

static bool is_cr(char c)
{
	return c == '\r';
}

static bool equal_trimmed(const struct rf_cell *a, const struct rf_cell *b)
{
	size_t an = a->len, bn = b->len;
	const char *ap = rf_value_trim_blanks(a->data, &an);
	const char *bp = rf_value_trim_blanks(b->data, &bn);

	return an == bn && (an == 0 || memcmp(ap, bp, an) == 0);
}

/* Says what kind of difference two text values have when it is invisible. */
static void add_text_hint(struct rf_buf *out, const struct rf_cell *a, const struct rf_cell *b)
{
	size_t i = 0;

	if (equal_trimmed(a, b))
		rf_buf_adds(out,
		            "; they differ only in leading/trailing blanks (--trim ignores them)");
	else if (equal_without(a, b, is_cr, false))
		rf_buf_adds(out, "; they differ only in line endings (CRLF vs LF)");
	else if (equal_without(a, b, NULL, true))
		rf_buf_adds(out, "; they differ only in letter case");
	else if (a->len > EXPLAIN_MAX_SHOWN || b->len > EXPLAIN_MAX_SHOWN) {
		while (i < a->len && i < b->len && a->data[i] == b->data[i])
			i++;
		rf_buf_printf(out, "; first difference at byte %zu", i);
	}
}

void rf_value_explain(enum rf_type_class c, const struct rf_cell *a, const struct rf_cell *b,
                      const struct rf_col_opts *opts, struct rf_buf *out)
{
	const char *name = rf_type_class_name(c);
	double x, y;

	if (opts && opts->ignore) {
		rf_buf_adds(out, "ignored: the column is copied but not compared (--ignore)");
		return;
	}
	if (a->is_null && b->is_null) {
		rf_buf_adds(out, "equal: both are NULL");
		return;
	}
	if (a->is_null || b->is_null) {
		const struct rf_cell *value = a->is_null ? b : a;

		rf_buf_adds(out, "differ: ");
		add_shown(out, a);
		rf_buf_adds(out, " vs ");
		add_shown(out, b);
		if (value->len == 0)
			rf_buf_adds(out, " (NULL never equals the empty string)");
		else
			rf_buf_printf(out, " (%s)", name);
		return;
	}
	if (rf_value_same_bytes(a, b)) {
		rf_buf_adds(out, "equal: both are ");
		add_shown(out, a);
		rf_buf_printf(out, " after normalization (%s)", name);
		return;
	}
	if (opts && opts->has_tolerance && rf_value_is_numeric(c) &&
	    rf_value_cell_to_double(a, &x) == 0 && rf_value_cell_to_double(b, &y) == 0) {
		bool within = rf_value_within_tolerance(a, b, opts->tolerance);

		/* Canonical numbers need no quotes, and read better without. */
		if (within) {
			rf_buf_adds(out, "equal within tolerance ");
			add_number(out, opts->tolerance);
			rf_buf_adds(out, ": ");
		} else {
			rf_buf_adds(out, "differ: ");
		}
		rf_buf_add(out, a->data, a->len);
		rf_buf_adds(out, " vs ");
		rf_buf_add(out, b->data, b->len);
		if (within)
			return;
		if (isfinite(x) && isfinite(y)) {
			rf_buf_adds(out, " are ");
			add_number(out, fabs(x - y));
			rf_buf_adds(out, " apart, more than tolerance ");
			add_number(out, opts->tolerance);
		} else {
			rf_buf_adds(out, "; a tolerance only applies between finite numbers");
		}
		rf_buf_printf(out, " (%s)", name);
		return;
	}
	rf_buf_adds(out, "differ: ");
	add_shown(out, a);
	rf_buf_adds(out, " vs ");
	add_shown(out, b);
	rf_buf_printf(out, " (%s)", name);
	if (c == RF_T_TEXT || c == RF_T_OTHER)
		add_text_hint(out, a, b);
}
