/* regex.c - POSIX extended regular expressions from untrusted text
 *
 * See include/rowferry/regex.h for the limits and why they exist. The
 * estimate walks the pattern once with a stack of open groups; each level
 * keeps the expanded size of what it holds so far and of its last atom, so
 * that a repetition can multiply the atom it applies to. Sizes saturate just
 * above the limit, so no multiplication overflows. A pattern whose shape
 * this walk does not understand (an unbalanced bracket, say) is left to
 * regcomp, which reports it.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "rowferry/regex.h"

struct level {
	size_t sum;    /* expanded size of this group so far */
	size_t last;   /* expanded size of its last atom (0: none yet) */
	bool repeated; /* the last atom already carries a repetition */
};

static size_t sat_mul(size_t a, size_t b)
{
	if (a != 0 && b > (RF_REGEX_MAX_NODES + 1) / a + 1)
		return RF_REGEX_MAX_NODES + 1;
	a *= b;
	return a > RF_REGEX_MAX_NODES ? RF_REGEX_MAX_NODES + 1 : a;
}

static size_t sat_add(size_t a, size_t b)
{
	a += b;
	return a > RF_REGEX_MAX_NODES ? RF_REGEX_MAX_NODES + 1 : a;
}

/* Past a bracket expression that opens at p ('['); NULL when unterminated. */
static const char *skip_bracket(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			char close = p[1];
			const char *q = p + 2;
			while (*q && !(q[0] == close && q[1] == ']'))
				q++;
			if (!*q)
				return NULL;
			p = q + 2;
			continue;
		}
		p++;
	}
	return *p == ']' ? p + 1 : NULL;
}

/* An interval {n}, {n,} or {n,m} at p; returns its end and the number of
 * copies regcomp makes, or NULL when p does not start a valid interval. */
static const char *interval(const char *p, size_t *copies)
{
	unsigned long n = 0, m;
	bool comma = false, have_m = false;

	p++;
	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p)) {
		n = n * 10 + (unsigned long)(*p - '0');
		if (n > 100000)
			n = 100000;
		p++;
	}
	m = n;
	if (*p == ',') {
		comma = true;
		p++;
		if (isdigit((unsigned char)*p)) {
			have_m = true;
			m = 0;
			while (isdigit((unsigned char)*p)) {
				m = m * 10 + (unsigned long)(*p - '0');
				if (m > 100000)
					m = 100000;
				p++;
			}
		}
	}
	if (*p != '}')
		return NULL;
	if (comma && !have_m)
		m = n + 1; /* x{n,} is n copies and a star */
	*copies = m > n ? m : n;
	if (*copies == 0)
		*copies = 1;
	return p + 1;
}

static int check(const char *pat, char *why, size_t why_len)
{
	struct level st[RF_REGEX_MAX_DEPTH + 1];
	int depth = 0;
	const char *p = pat;

	if (strlen(pat) > RF_REGEX_MAX_LEN) {
		snprintf(why, why_len, "longer than %d bytes", RF_REGEX_MAX_LEN);
		return -1;
	}
	memset(&st[0], 0, sizeof st[0]);
	while (*p) {
		struct level *l = &st[depth];
		size_t copies = 0;
		const char *next = NULL;

		switch (*p) {
		case '(':
			if (depth == RF_REGEX_MAX_DEPTH) {
				snprintf(why, why_len, "groups nested deeper than %d",
				         RF_REGEX_MAX_DEPTH);
				return -1;
			}
			depth++;
			memset(&st[depth], 0, sizeof st[depth]);
			p++;
			continue;
		case ')':
			if (depth == 0) {
				/* glibc takes an unmatched ')' literally */
				l->last = 1;
				l->sum = sat_add(l->sum, 1);
				l->repeated = false;
				p++;
				continue;
			}
			depth--;
			st[depth].last = st[depth + 1].sum ? st[depth + 1].sum : 1;
			st[depth].sum = sat_add(st[depth].sum, st[depth].last);
			st[depth].repeated = false;
			p++;
			continue;
		case '|':
			l->last = 0;
			l->repeated = false;
			p++;
			continue;
		case '*':
		case '?':
			copies = 1;
			next = p + 1;
			break;
		case '+':
			copies = 2;
			next = p + 1;
			break;
		case '{':
			next = interval(p, &copies);
			break;
		case '[':
			next = skip_bracket(p);
			if (!next)
				return 0;
			l->last = 1;
			l->sum = sat_add(l->sum, 1);
			l->repeated = false;
			p = next;
			continue;
		case '\\':
			if (p[1] >= '1' && p[1] <= '9') {
				snprintf(why, why_len, "back-references (\\%c) are not allowed",
				         p[1]);
				return -1;
			}
			if (!p[1])
				return 0;
			l->last = 1;
			l->sum = sat_add(l->sum, 1);
			l->repeated = false;
			p += 2;
			continue;
		default:
			break;
		}
		if (next && l->last) {
			if (l->repeated) {
				snprintf(why, why_len,
				         "a repetition of a repetition at '%.10s' (write one "
				         "repetition, or group the first: (a+)*)",
				         p);
				return -1;
			}
			l->sum -= l->last;
			l->last = sat_mul(l->last, copies);
			l->sum = sat_add(l->sum, l->last);
			l->repeated = true;
			p = next;
		} else {
			/* an ordinary character, an anchor, or a repetition sign
			 * with nothing before it (taken literally) */
			l->last = 1;
			l->sum = sat_add(l->sum, 1);
			l->repeated = false;
			p++;
		}
		if (st[depth].sum > RF_REGEX_MAX_NODES)
			break;
	}
	for (int d = depth; d >= 0; d--) {
		if (st[d].sum > RF_REGEX_MAX_NODES) {
			snprintf(why, why_len,
			         "its repetitions expand to more than %d parts (use smaller "
			         "counts or fewer nested repetitions)",
			         RF_REGEX_MAX_NODES);
			return -1;
		}
	}
	return 0;
}

int rf_regex_compile(regex_t *re, const char *pattern, int flags, char *why, size_t why_len)
{
	int r;

	if (check(pattern, why, why_len) != 0)
		return -1;
	r = regcomp(re, pattern, flags | REG_EXTENDED);
	if (r != 0) {
		regerror(r, re, why, why_len);
		return -1;
	}
	return 0;
}
