/* value_time.c - canonical dates, times and timestamps (DESIGN §3).
 *
 * Engines print the same instant as "2026-01-02 03:04:05" (MariaDB),
 * "2026-01-02 03:04:05.123456+00" (PostgreSQL timestamptz) or
 * "2026-01-02T03:04:05.123" (text in SQLite). Everything is parsed into
 * days since 1970-01-01 plus microseconds and printed back in one form.
 * Offsets are applied with our own calendar arithmetic (Howard Hinnant's
 * days_from_civil), never mktime(): the result must not depend on the TZ
 * of the machine that runs the diff.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "value_internal.h"

#define USEC_PER_SEC 1000000LL
#define USEC_PER_DAY (86400LL * USEC_PER_SEC)

/* A cursor over the input. */
struct scan {
	const char *p;
	size_t n, i;
};

static bool at_end(const struct scan *s)
{
	return s->i == s->n;
}

static bool take(struct scan *s, char c)
{
	if (s->i < s->n && s->p[s->i] == c) {
		s->i++;
		return true;
	}
	return false;
}

static bool peek_digit(const struct scan *s)
{
	return s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9';
}

/* Exactly `count` digits into *v. */
static bool take_digits(struct scan *s, int count, int *v)
{
	*v = 0;
	for (; count > 0; count--) {
		if (!peek_digit(s))
			return false;
		*v = *v * 10 + (s->p[s->i++] - '0');
	}
	return true;
}

static bool take_word(struct scan *s, const char *word)
{
	size_t len = strlen(word), k;

	if (s->n - s->i < len)
		return false;
	for (k = 0; k < len; k++) {
		char c = s->p[s->i + k];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[k])
			return false;
	}
	s->i += len;
	return true;
}

static bool is_leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(long long y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil. */
static void civil_from_days(long long z, long long *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static long long floor_div(long long a, long long b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* "YYYY-MM-DD" as days since the epoch. */
static bool take_date(struct scan *s, long long *days)
{
	int y, m, d;

	if (!take_digits(s, 4, &y) || !take(s, '-') || !take_digits(s, 2, &m) || !take(s, '-') ||
	    !take_digits(s, 2, &d))
		return false;
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return false;
	*days = days_from_civil(y, m, d);
	return true;
}

/* "HH:MM[:SS[.fff...]]" as microseconds since midnight. More than six
 * fractional digits are rounded, as PostgreSQL and MariaDB round them when
 * they store the value; 24:00:00 is PostgreSQL's end-of-day time. */
static bool take_time(struct scan *s, long long *usec)
{
	int h, m, sec = 0, digit, k;
	long long frac = 0;

	if (!take_digits(s, 2, &h) || !take(s, ':') || !take_digits(s, 2, &m))
		return false;
	if (take(s, ':')) {
		if (!take_digits(s, 2, &sec))
			return false;
		if (take(s, '.')) {
			if (!peek_digit(s))
				return false;
			for (k = 0; peek_digit(s); k++) {
				take_digits(s, 1, &digit);
				if (k < 6)
					frac = frac * 10 + digit;
				else if (k == 6 && digit >= 5)
					frac++;
			}
			for (; k < 6; k++)
				frac *= 10;
		}
	}
	if (h > 24 || m > 59 || sec > 59)
		return false;
	*usec = ((h * 60LL + m) * 60 + sec) * USEC_PER_SEC + frac;
	return *usec <= USEC_PER_DAY;
}

/* An offset east of UTC in seconds: "Z", "UTC", "+02", "+02:00", "+0200",
 * "-05:30", "+05:53:28" (PostgreSQL's historical zones), optionally after
 * one blank. */
static bool take_offset(struct scan *s, long long *offset_sec)
{
	int sign, h, m = 0, sec = 0;

	take(s, ' ');
	if (take(s, 'Z') || take(s, 'z') || take_word(s, "utc") || take_word(s, "gmt")) {
		*offset_sec = 0;
		return true;
	}
	if (take(s, '+'))
		sign = 1;
	else if (take(s, '-'))
		sign = -1;
	else
		return false;
	if (!take_digits(s, 2, &h))
		return false;
	if (take(s, ':') || peek_digit(s)) {
		if (!take_digits(s, 2, &m))
			return false;
		if ((take(s, ':') || peek_digit(s)) && !take_digits(s, 2, &sec))
			return false;
	}
	if (h > 15 || m > 59 || sec > 59)
		return false;
	*offset_sec = sign * ((h * 60LL + m) * 60 + sec);
	return true;
}

/* Truncates (towards the past, so the printed fraction is cut) to the
 * precision the user asked for. */
static long long truncate_usec(long long usec, int ts_precision)
{
	long long unit = 1;
	int k;

	if (ts_precision < 0 || ts_precision >= 6)
		return usec;
	for (k = ts_precision; k < 6; k++)
		unit *= 10;
	return floor_div(usec, unit) * unit;
}

/* Writes v as exactly `width` decimal digits (v >= 0, fits). */
static void put_digits(char *p, long long v, int width)
{
	while (width-- > 0) {
		p[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

static void add_time_of_day(struct rf_buf *out, long long usec)
{
	long long sec = usec / USEC_PER_SEC;
	char t[15];

	if (usec < 0 || sec / 3600 > 99) { /* MySQL TIME: -838:59:59 .. 838:59:59 */
		rf_buf_printf(out, "%02lld:%02lld:%02lld.%06lld", sec / 3600, sec / 60 % 60,
		              sec % 60, usec % USEC_PER_SEC);
		return;
	}
	put_digits(t, sec / 3600, 2);
	t[2] = ':';
	put_digits(t + 3, sec / 60 % 60, 2);
	t[5] = ':';
	put_digits(t + 6, sec % 60, 2);
	t[8] = '.';
	put_digits(t + 9, usec % USEC_PER_SEC, 6);
	rf_buf_add(out, t, sizeof t);
}

/* Prints an instant (usec since the epoch) as date 'T' time; fails when the
 * year leaves 0000..9999 (an offset pushed it over). */
static bool add_timestamp(struct rf_buf *out, long long usec)
{
	long long days = floor_div(usec, USEC_PER_DAY), y;
	int m, d;
	char t[11];

	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return false;
	put_digits(t, y, 4);
	t[4] = '-';
	put_digits(t + 5, m, 2);
	t[7] = '-';
	put_digits(t + 8, d, 2);
	t[10] = 'T';
	rf_buf_add(out, t, sizeof t);
	add_time_of_day(out, usec - days * USEC_PER_DAY);
	return true;
}

/* PostgreSQL's 'infinity' and '-infinity' dates and timestamps. */
static bool canon_infinity(struct scan *s, struct rf_buf *out)
{
	size_t start = s->i;
	bool neg = take(s, '-');

	if (!neg)
		take(s, '+');
	if (take_word(s, "infinity") && at_end(s)) {
		rf_buf_adds(out, neg ? "-infinity" : "infinity");
		return true;
	}
	s->i = start;
	return false;
}

static int canon_date(struct scan *s, struct rf_buf *out)
{
	long long days, usec = 0, y;
	int m, d;

	if (!take_date(s, &days))
		return -1;
	/* Engines that keep dates as datetimes print "2026-01-02 00:00:00";
	 * a time other than midnight is not a date and is flagged. */
	if (!at_end(s) && (!(take(s, ' ') || take(s, 'T')) || !take_time(s, &usec) || usec != 0))
		return -1;
	if (!at_end(s))
		return -1;
	civil_from_days(days, &y, &m, &d);
	rf_buf_printf(out, "%04lld-%02d-%02d", y, m, d);
	return 0;
}

static int canon_time(struct scan *s, int ts_precision, struct rf_buf *out)
{
	long long usec;

	/* A time with an offset (PostgreSQL timetz) has no date to roll
	 * over into, so it is flagged rather than shifted. */
	if (!take_time(s, &usec) || !at_end(s))
		return -1;
	add_time_of_day(out, truncate_usec(usec, ts_precision));
	return 0;
}

static int canon_timestamp(struct scan *s, bool with_zone, int ts_precision, struct rf_buf *out)
{
	long long days, usec = 0, offset_sec = 0;

	if (!take_date(s, &days))
		return -1;
	if (!at_end(s)) {
		if (!(take(s, ' ') || take(s, 'T') || take(s, 't')) || !take_time(s, &usec))
			return -1;
		if (!at_end(s) && !take_offset(s, &offset_sec))
			return -1;
	}
	if (!at_end(s))
		return -1;
	/* An offset on a timestamp without time zone (an ISO string stored
	 * in SQLite text) is applied, not dropped: the value then names the
	 * same UTC wall-clock time a session in UTC would have stored. */
	usec += days * USEC_PER_DAY - offset_sec * USEC_PER_SEC;
	if (!add_timestamp(out, truncate_usec(usec, ts_precision)))
		return -1;
	if (with_zone)
		rf_buf_addc(out, 'Z');
	return 0;
}

int rf_value_datetime_canon(enum rf_type_class c, const char *p, size_t n, int ts_precision,
                            struct rf_buf *out)
{
	struct scan s = {p, n, 0};
	size_t start = out->len;
	int rc;

	if (c != RF_T_TIME && canon_infinity(&s, out))
		return 0;
	switch (c) {
	case RF_T_DATE:
		rc = canon_date(&s, out);
		break;
	case RF_T_TIME:
		rc = canon_time(&s, ts_precision, out);
		break;
	case RF_T_TIMESTAMP:
		rc = canon_timestamp(&s, false, ts_precision, out);
		break;
	case RF_T_TIMESTAMPTZ:
		rc = canon_timestamp(&s, true, ts_precision, out);
		break;
	default:
		rc = -1;
	}
	if (rc != 0)
		rf_value_buf_truncate(out, start);
	return rc;
}
