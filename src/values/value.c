/* value.c - canonical forms of cells and how two cells compare (DESIGN §3).
 *
 * Each engine prints the same datum its own way: PostgreSQL says `t`,
 * MariaDB's tinyint(1) says `1`; numeric(12,2) says `1.50` where SQLite
 * says `1.5`. rf_value_canon() rewrites every engine's text into one form
 * per type class, so the diff can compare bytes. Numbers, booleans, text,
 * bytes and UUIDs are handled here; dates and times live in value_time.c,
 * JSON in value_json.c, the inspector's sentences in value_explain.c.
 *
 * Nothing here touches the C library's locale-sensitive number functions
 * without undoing the locale: the console calls setlocale() for wide
 * characters, and a "1,5" from printf() must never reach a diff.
 */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/value.h"
#include "value_internal.h"

/* How many zeros an exponent may add ("1e100000"): PostgreSQL's numeric
 * holds 131072 digits before the point and 16383 after, so this covers
 * every value an engine can print, while "1e999999999" from a corrupt cell
 * is flagged instead of filling memory. */
#define DECIMAL_MAX_ZEROS 200000

static const char *const class_names[RF_T__COUNT] = {
    [RF_T_INTEGER] = "integer",     [RF_T_DECIMAL] = "decimal",
    [RF_T_FLOAT] = "float",         [RF_T_BOOLEAN] = "boolean",
    [RF_T_TEXT] = "text",           [RF_T_BYTES] = "bytes",
    [RF_T_DATE] = "date",           [RF_T_TIME] = "time",
    [RF_T_TIMESTAMP] = "timestamp", [RF_T_TIMESTAMPTZ] = "timestamptz",
    [RF_T_JSON] = "json",           [RF_T_UUID] = "uuid",
    [RF_T_OTHER] = "other",
};

/* ASCII-only helpers: <ctype.h> depends on the locale. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* True when the n bytes at p spell word (NUL-terminated), ignoring ASCII case. */
static bool equals_word(const char *p, size_t n, const char *word)
{
	size_t i;

	if (strlen(word) != n)
		return false;
	for (i = 0; i < n; i++)
		if (ascii_lower(p[i]) != word[i])
			return false;
	return true;
}

/* The blanks --trim removes. */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const char *rf_type_class_name(enum rf_type_class c)
{
	if ((int)c < 0 || c >= RF_T__COUNT)
		return "?";
	return class_names[c];
}

int rf_type_class_from_name(const char *name)
{
	int i;

	if (!name)
		return -1;
	for (i = 0; i < RF_T__COUNT; i++)
		if (equals_word(name, strlen(name), class_names[i]))
			return i;
	return -1;
}

void rf_value_buf_truncate(struct rf_buf *b, size_t len)
{
	if (b->len > len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

/* --- numbers -------------------------------------------------------------- */

/* "NaN", "Infinity" or "-Infinity" when p spells one of them the way any
 * engine prints it (PostgreSQL "Infinity", SQLite "Inf", MariaDB "inf"),
 * else NULL. */
static const char *special_number(const char *p, size_t n)
{
	bool neg = false;

	if (n > 0 && (p[0] == '+' || p[0] == '-')) {
		neg = p[0] == '-';
		p++;
		n--;
	}
	if (equals_word(p, n, "nan"))
		return "NaN";
	if (equals_word(p, n, "inf") || equals_word(p, n, "infinity"))
		return neg ? "-Infinity" : "Infinity";
	return NULL;
}

/* Canonical integer: works on the digit string, so a numeric(40,0) key or
 * an unsigned bigint past INT64_MAX is exact. */
static int canon_integer(const char *p, size_t n, struct rf_buf *out)
{
	size_t i = 0, k;
	bool neg = false;

	if (n > 0 && (p[0] == '+' || p[0] == '-')) {
		neg = p[0] == '-';
		i = 1;
	}
	if (i == n)
		return -1;
	for (k = i; k < n; k++)
		if (!is_digit(p[k]))
			return -1;
	while (i < n - 1 && p[i] == '0')
		i++;
	if (neg && !(n - i == 1 && p[i] == '0'))
		rf_buf_addc(out, '-');
	rf_buf_add(out, p + i, n - i);
	return 0;
}

/* Digit k of the mantissa "int_part frac_part", as if the point were not there. */
static char mantissa_digit(const char *ip, size_t il, const char *fp, size_t k)
{
	return k < il ? ip[k] : fp[k - il];
}

static void add_zeros(struct rf_buf *out, long long count)
{
	for (; count > 0; count--)
		rf_buf_addc(out, '0');
}

int rf_value_decimal_canon(const char *p, size_t n, struct rf_buf *out)
{
	const char *ip, *fp = "";
	size_t i = 0, il, fl = 0, total, first, last, k;
	long long exp = 0, point;
	bool neg = false;

	if (i < n && (p[i] == '+' || p[i] == '-')) {
		neg = p[i] == '-';
		i++;
	}
	ip = p + i;
	while (i < n && is_digit(p[i]))
		i++;
	il = (size_t)(p + i - ip);
	if (i < n && p[i] == '.') {
		fp = p + ++i;
		while (i < n && is_digit(p[i]))
			i++;
		fl = (size_t)(p + i - fp);
	}
	if (il + fl == 0)
		return -1;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		bool exp_neg = false;
		size_t exp_start;

		i++;
		if (i < n && (p[i] == '+' || p[i] == '-')) {
			exp_neg = p[i] == '-';
			i++;
		}
		exp_start = i;
		for (; i < n && is_digit(p[i]); i++)
			if (exp <= 10LL * DECIMAL_MAX_ZEROS) /* saturate: it is rejected below */
				exp = exp * 10 + (p[i] - '0');
		if (i == exp_start)
			return -1;
		if (exp_neg)
			exp = -exp;
	}
	if (i != n)
		return -1;

	total = il + fl;
	for (first = 0; first < total && mantissa_digit(ip, il, fp, first) == '0'; first++)
		;
	if (first == total) {
		rf_buf_addc(out, '0'); /* "-0.00", "0e5": one zero, no sign */
		return 0;
	}
	for (last = total - 1; mantissa_digit(ip, il, fp, last) == '0'; last--)
		;
	/* The point sits `point` digits after the first significant digit. */
	point = (long long)il + exp - (long long)first;
	total = last - first + 1;
	if (point > (long long)total + DECIMAL_MAX_ZEROS || point < -DECIMAL_MAX_ZEROS)
		return -1;

	if (neg)
		rf_buf_addc(out, '-');
	if (point <= 0) {
		rf_buf_adds(out, "0.");
		add_zeros(out, -point);
	}
	for (k = 0; k < total; k++) {
		if (point > 0 && k == (size_t)point)
			rf_buf_addc(out, '.');
		rf_buf_addc(out, mantissa_digit(ip, il, fp, first + k));
	}
	add_zeros(out, point - (long long)total);
	return 0;
}

static int canon_decimal(const char *p, size_t n, struct rf_buf *out)
{
	const char *special = special_number(p, n);

	if (special) {
		rf_buf_adds(out, special);
		return 0;
	}
	return rf_value_decimal_canon(p, n, out);
}

/* The locale's decimal point when it is one character other than '.'
 * (e.g. ',' after setlocale(LC_ALL, "") in a German session), else 0. */
static char locale_point(void)
{
	const char *dp = localeconv()->decimal_point;

	return (dp && dp[0] && dp[0] != '.' && !dp[1]) ? dp[0] : 0;
}

/* Parses a plain decimal or scientific number (the forms engines print;
 * no blanks, no hex) into *d, whatever the locale. Returns 0 or -1. */
static int parse_double(const char *p, size_t n, double *d)
{
	char small[64], *buf = small, *end;
	char point = locale_point();
	size_t i;
	int rc = -1;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++)
		if (!is_digit(p[i]) && !strchr("+-.eE", p[i]))
			return -1;
	if (n >= sizeof(small))
		buf = rf_xmalloc(n + 1);
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (point)
		for (i = 0; i < n; i++)
			if (buf[i] == '.')
				buf[i] = point;
	*d = strtod(buf, &end);
	if (end == buf + n)
		rc = 0;
	if (buf != small)
		free(buf);
	return rc;
}

int rf_value_cell_to_double(const struct rf_cell *c, double *d)
{
	const char *special = special_number(c->data, c->len);

	if (special) {
		*d = special[0] == 'N' ? NAN : special[0] == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	return parse_double(c->data, c->len, d);
}

/* The shortest of %.15g, %.16g, %.17g that reads back as the same double:
 * %.17g alone would turn PostgreSQL's 0.1 into 0.10000000000000001. */
static void format_double(double d, struct rf_buf *out)
{
	char tmp[64];
	char point = locale_point();
	double back;
	int prec;
	size_t i;

	if (isnan(d)) {
		rf_buf_adds(out, "NaN");
		return;
	}
	if (isinf(d)) {
		rf_buf_adds(out, d < 0 ? "-Infinity" : "Infinity");
		return;
	}
	if (d == 0) {
		/* -0 and 0 are the same number to every engine's "=". */
		rf_buf_addc(out, '0');
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (point)
			for (i = 0; tmp[i]; i++)
				if (tmp[i] == point)
					tmp[i] = '.';
		if (parse_double(tmp, strlen(tmp), &back) == 0 && back == d)
			break;
	}
	rf_buf_adds(out, tmp);
}

static int canon_float(const char *p, size_t n, struct rf_buf *out)
{
	const char *special = special_number(p, n);
	double d;

	if (special) {
		rf_buf_adds(out, special);
		return 0;
	}
	/* Overflow ("1e999") reads as infinity, which is what a double holds. */
	if (parse_double(p, n, &d) != 0)
		return -1;
	format_double(d, out);
	return 0;
}

/* --- booleans, text, uuid ------------------------------------------------- */

static int canon_boolean(const char *p, size_t n, struct rf_buf *out)
{
	static const char *const truths[] = {"t", "true", "1", "y", "yes", "on"};
	static const char *const falsehoods[] = {"f", "false", "0", "n", "no", "off"};
	size_t i;

	for (i = 0; i < sizeof(truths) / sizeof(truths[0]); i++) {
		if (equals_word(p, n, truths[i])) {
			rf_buf_adds(out, "true");
			return 0;
		}
		if (equals_word(p, n, falsehoods[i])) {
			rf_buf_adds(out, "false");
			return 0;
		}
	}
	return -1;
}

const char *rf_value_trim_blanks(const char *p, size_t *n)
{
	while (*n > 0 && is_blank(p[0])) {
		p++;
		(*n)--;
	}
	while (*n > 0 && is_blank(p[*n - 1]))
		(*n)--;
	return p;
}

static int canon_uuid(const char *p, size_t n, struct rf_buf *out)
{
	char hex[32];
	size_t i, k = 0;

	if (n >= 2 && p[0] == '{' && p[n - 1] == '}') {
		p++;
		n -= 2;
	}
	if (n != 36 && n != 32)
		return -1;
	for (i = 0; i < n; i++) {
		char c = ascii_lower(p[i]);

		if (n == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (c != '-')
				return -1;
			continue;
		}
		if (!is_digit(c) && !(c >= 'a' && c <= 'f'))
			return -1;
		hex[k++] = c;
	}
	rf_buf_add(out, hex, 8);
	rf_buf_addc(out, '-');
	rf_buf_add(out, hex + 8, 4);
	rf_buf_addc(out, '-');
	rf_buf_add(out, hex + 12, 4);
	rf_buf_addc(out, '-');
	rf_buf_add(out, hex + 16, 4);
	rf_buf_addc(out, '-');
	rf_buf_add(out, hex + 20, 12);
	return 0;
}

size_t rf_value_hex_begin(const struct rf_cell *in, struct rf_buf *out)
{
	size_t at = out->len;

	/* only the upper half is written now: the lower one's pages are not
	 * touched, so not resident, until the hex is made */
	rf_buf_reserve(out, 2 * in->len);
	if (in->len)
		memcpy(out->data + at + in->len, in->data, in->len);
	out->len += 2 * in->len;
	out->data[out->len] = '\0';
	return at;
}

void rf_value_hex_finish(struct rf_buf *out, size_t at, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *p = out->data + at;
	size_t i;

	/* byte i moves to 2i and 2i + 1, never past n + i, where it was read
	 * from: going forward, no byte is overwritten before it is read */
	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)p[n + i];
		p[2 * i] = hex[b >> 4];
		p[2 * i + 1] = hex[b & 15];
	}
}

int rf_value_canon(enum rf_type_class c, const struct rf_cell *in, const struct rf_col_opts *opts,
                   struct rf_buf *out)
{
	static const struct rf_col_opts defaults = RF_COL_OPTS_INIT;
	const char *p = in->data ? in->data : "";
	size_t n = in->data ? in->len : 0;
	size_t start = out->len;
	int rc = 0;

	if (!opts)
		opts = &defaults;
	switch (c) {
	case RF_T_INTEGER:
		rc = canon_integer(p, n, out);
		break;
	case RF_T_DECIMAL:
		rc = canon_decimal(p, n, out);
		break;
	case RF_T_FLOAT:
		rc = canon_float(p, n, out);
		break;
	case RF_T_BOOLEAN:
		rc = canon_boolean(p, n, out);
		break;
	case RF_T_TEXT:
		if (opts->trim)
			p = rf_value_trim_blanks(p, &n);
		rf_buf_add(out, p, n);
		break;
	case RF_T_BYTES:
		rf_buf_addhex(out, (const unsigned char *)p, n);
		break;
	case RF_T_DATE:
	case RF_T_TIME:
	case RF_T_TIMESTAMP:
	case RF_T_TIMESTAMPTZ:
		rc = rf_value_datetime_canon(c, p, n, opts->ts_precision, out);
		break;
	case RF_T_JSON:
		rc = rf_value_json_canon(p, n, out);
		break;
	case RF_T_UUID:
		rc = canon_uuid(p, n, out);
		break;
	case RF_T_OTHER:
	case RF_T__COUNT:
	default:
		rf_buf_add(out, p, n);
		break;
	}
	if (rc != 0) {
		/* Keep the bytes so equal garbage still compares equal; the flag
		 * lets the inspector say the value did not parse. */
		rf_value_buf_truncate(out, start);
		rf_buf_add(out, p, n);
		return 1;
	}
	return 0;
}

/* --- comparison ----------------------------------------------------------- */

bool rf_value_same_bytes(const struct rf_cell *a, const struct rf_cell *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

bool rf_value_is_numeric(enum rf_type_class c)
{
	return c == RF_T_INTEGER || c == RF_T_DECIMAL || c == RF_T_FLOAT;
}

/* A few ulps of slack make a boundary case count as a user reading the
 * decimals expects: 1.51 - 1.5 is 0.010000000000000009 in doubles, yet
 * "within 0.01". */
bool rf_value_within_tolerance(const struct rf_cell *a, const struct rf_cell *b, double tolerance)
{
	double x, y, d;

	if (rf_value_cell_to_double(a, &x) != 0 || rf_value_cell_to_double(b, &y) != 0)
		return false;
	if (!isfinite(x) || !isfinite(y))
		return false;
	d = fabs(x - y);
	return d <= tolerance + (fabs(x) + fabs(y) + fabs(tolerance)) * 4 * DBL_EPSILON;
}

bool rf_value_equal(enum rf_type_class c, const struct rf_cell *a, const struct rf_cell *b,
                    const struct rf_col_opts *opts)
{
	/* --ignore: the column is copied but never reported as different. */
	if (opts && opts->ignore)
		return true;
	if (a->is_null || b->is_null)
		return a->is_null && b->is_null;
	if (rf_value_same_bytes(a, b))
		return true;
	if (opts && opts->has_tolerance && rf_value_is_numeric(c))
		return rf_value_within_tolerance(a, b, opts->tolerance);
	return false;
}

/* A decimal or integer key split for ordering. Ranks put the specials and
 * anything that is not a number (a flagged raw value) in a fixed place:
 * -Infinity < numbers < Infinity < NaN (PostgreSQL's order) < garbage. */
struct decimal_key {
	int rank;
	bool neg;
	const char *ip, *fp;
	size_t il, fl;
};

static void split_decimal(const struct rf_cell *c, struct decimal_key *k)
{
	const char *p = c->data, *end = c->data + c->len;
	const char *special = special_number(c->data, c->len);
	bool has_digit = false;

	memset(k, 0, sizeof(*k));
	if (special) {
		k->rank = special[0] == '-' ? 0 : special[0] == 'I' ? 2 : 3;
		return;
	}
	k->rank = 4;
	if (p < end && *p == '-') {
		k->neg = true;
		p++;
	}
	/* Leading and trailing zeros are skipped so that a caller that passes
	 * a raw "007" still gets numeric order. */
	while (p < end && *p == '0') {
		has_digit = true;
		p++;
	}
	k->ip = p;
	while (p < end && is_digit(*p))
		p++;
	k->il = (size_t)(p - k->ip);
	if (p < end && *p == '.') {
		k->fp = ++p;
		while (p < end && is_digit(*p))
			p++;
		k->fl = (size_t)(p - k->fp);
		has_digit = has_digit || k->fl > 0;
		while (k->fl > 0 && k->fp[k->fl - 1] == '0')
			k->fl--;
	}
	if (p != end || !(has_digit || k->il > 0))
		return;
	k->rank = 1;
	if (k->il == 0 && k->fl == 0)
		k->neg = false; /* -0 */
}

static int cmp_decimal_magnitude(const struct decimal_key *a, const struct decimal_key *b)
{
	size_t n;
	int r;

	if (a->il != b->il)
		return a->il < b->il ? -1 : 1;
	if (a->il && (r = memcmp(a->ip, b->ip, a->il)) != 0)
		return r;
	n = a->fl < b->fl ? a->fl : b->fl;
	if (n && (r = memcmp(a->fp, b->fp, n)) != 0)
		return r;
	/* No trailing zeros, so the longer fraction has more value left. */
	return a->fl < b->fl ? -1 : a->fl > b->fl;
}

static int cmp_bytes(const struct rf_cell *a, const struct rf_cell *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r = n ? memcmp(a->data, b->data, n) : 0;

	if (r != 0)
		return r;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int cmp_decimal(const struct rf_cell *a, const struct rf_cell *b)
{
	struct decimal_key ka, kb;
	int r;

	split_decimal(a, &ka);
	split_decimal(b, &kb);
	if (ka.rank != kb.rank)
		return ka.rank < kb.rank ? -1 : 1;
	if (ka.rank == 4)
		return cmp_bytes(a, b);
	if (ka.rank != 1)
		return 0;
	if (ka.neg != kb.neg)
		return ka.neg ? -1 : 1;
	r = cmp_decimal_magnitude(&ka, &kb);
	return ka.neg ? -r : r;
}

static int cmp_float(const struct rf_cell *a, const struct rf_cell *b)
{
	double x = 0, y = 0;
	int ra = rf_value_cell_to_double(a, &x) == 0 ? (isnan(x) ? 1 : 0) : 2;
	int rb = rf_value_cell_to_double(b, &y) == 0 ? (isnan(y) ? 1 : 0) : 2;

	/* numbers < NaN < anything that is not a number */
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra == 2)
		return cmp_bytes(a, b);
	if (ra == 1)
		return 0;
	return x < y ? -1 : x > y;
}

int rf_value_cmp_key(enum rf_type_class c, const struct rf_cell *a, const struct rf_cell *b)
{
	if (a->is_null || b->is_null)
		return a->is_null == b->is_null ? 0 : a->is_null ? -1 : 1;
	switch (c) {
	case RF_T_INTEGER:
	case RF_T_DECIMAL:
		return cmp_decimal(a, b);
	case RF_T_FLOAT:
		return cmp_float(a, b);
	default:
		return cmp_bytes(a, b);
	}
}
