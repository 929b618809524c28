/* sqlite_real.c - the text of a REAL as SQLite writes it, without SQLite's
 * printf (DESIGN §9: a sixth of a SQLite diff of the bench table went into
 * formatting its DECIMAL(12,2) prices, which SQLite stores as REAL).
 *
 * sqlite3_column_text() on a REAL prints "%!.15g": the value rounded to 15
 * significant digits, trailing zeros dropped but ".0" kept on an integral
 * value, the exponent form below 1e-4 and from 1e15 on. Here only values
 * that are exactly a decimal of at most 15 significant digits are written:
 * x == r / 10^k for an integer r below 10^15 (the division of two exact
 * values is correctly rounded, so that is x = double(r e-k)). 15 digits
 * round-trip through a double (DBL_DIG), so r e-k is x rounded to 15 digits,
 * and x lies within half an ulp of it, far from the ties of that rounding:
 * SQLite's long double arithmetic gives the same digits. Everything else
 * (0.1 + 0.2, 1e-7, 1e20, NaN) is left to SQLite.
 */
#include <math.h>
#include <string.h>

#include "sqlite_internal.h"

static const double pow10s[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

size_t sq_real_text(double x, char *out)
{
	double ax = fabs(x);
	long long r = 0, ip, fp;
	char digits[24];
	size_t n = 0, nd, i;
	int k, intdigits;

	if (!(ax >= 1e-4 && ax < 1e15)) /* also NaN */
		return 0;
	for (intdigits = 1; intdigits < 15 && ax >= pow10s[intdigits]; intdigits++)
		;
	for (k = 0; k + (ax < 1 ? 0 : intdigits) <= 15; k++) {
		double y = ax * pow10s[k];
		if (y >= 1e15)
			return 0;
		r = llround(y);
		if ((double)r / pow10s[k] == ax)
			break;
	}
	if (k + (ax < 1 ? 0 : intdigits) > 15 || r == 0)
		return 0;
	while (k > 0 && r % 10 == 0) { /* no trailing zeros, as SQLite */
		r /= 10;
		k--;
	}
	if (x < 0)
		out[n++] = '-';
	ip = r / (long long)pow10s[k];
	fp = r % (long long)pow10s[k];
	n += rf_int64_text(ip, out + n);
	out[n++] = '.';
	if (k == 0) {
		out[n++] = '0';
	} else {
		nd = rf_int64_text(fp, digits);
		for (i = nd; i < (size_t)k; i++)
			out[n++] = '0'; /* leading zeros of the fraction */
		memcpy(out + n, digits, nd);
		n += nd;
	}
	out[n] = '\0';
	return n;
}
