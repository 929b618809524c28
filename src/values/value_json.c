/* value_json.c - canonical JSON (DESIGN §3).
 *
 * PostgreSQL jsonb prints {"a": 1.50, "b": [1, 2]} with its own key order,
 * MySQL's JSON stores numbers as doubles and prints 1.5, MariaDB and SQLite
 * keep the text exactly as it was written. To compare them the document is
 * parsed and printed back compact, with object keys sorted.
 *
 * This is a small parser of our own rather than jansson because jansson
 * cannot keep numbers exact: it rejects integers past 64 bits (or, with
 * JSON_DECODE_INT_AS_REAL, rounds them) and reprints 1.50 as 1.5 but 1e2 as
 * 100.0. Here a number goes through rf_value_decimal_canon(), the same exact
 * rewrite as the decimal class, so 1 = 1.0 = 1.00 = 1e0 and
 * 123456789012345678901234567890 stays itself. Duplicate keys keep the last
 * value, as jsonb, MySQL and JavaScript do.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "value_internal.h"

/* Deeper documents are flagged, not parsed: recursion must not exhaust the
 * stack on a hostile cell (MySQL itself stops at 100 levels). */
#define JSON_MAX_DEPTH 512

struct json_parser {
	const unsigned char *p;
	size_t n, i;
	int depth;
	bool jsonb; /* print as PostgreSQL's jsonb does, not canonical */
};

/* One object member; key and value are byte ranges of the object's scratch
 * buffer, which owns them. */
struct json_member {
	size_t key_off, key_len, value_off, value_len;
	size_t order; /* position in the input: of equal keys the last wins */
	const char *base;
};

static int parse_value(struct json_parser *jp, struct rf_buf *out);

static void skip_blanks(struct json_parser *jp)
{
	while (jp->i < jp->n && (jp->p[jp->i] == ' ' || jp->p[jp->i] == '\t' ||
	                         jp->p[jp->i] == '\n' || jp->p[jp->i] == '\r'))
		jp->i++;
}

static int peek(const struct json_parser *jp)
{
	return jp->i < jp->n ? jp->p[jp->i] : -1;
}

/* Appends one byte of a decoded string as JSON text: only the quote, the
 * backslash and control characters are escaped, as jsonb and jansson print. */
static void add_string_byte(struct rf_buf *out, unsigned char c)
{
	switch (c) {
	case '"':
		rf_buf_adds(out, "\\\"");
		break;
	case '\\':
		rf_buf_adds(out, "\\\\");
		break;
	case '\b':
		rf_buf_adds(out, "\\b");
		break;
	case '\f':
		rf_buf_adds(out, "\\f");
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
		if (c < 0x20)
			rf_buf_printf(out, "\\u%04x", c);
		else
			rf_buf_addc(out, (char)c);
	}
}

static void add_string(struct rf_buf *out, const char *s, size_t n, bool quoted)
{
	size_t k;

	if (!quoted) {
		rf_buf_add(out, s, n);
		return;
	}
	rf_buf_addc(out, '"');
	for (k = 0; k < n; k++)
		add_string_byte(out, (unsigned char)s[k]);
	rf_buf_addc(out, '"');
}

static void add_utf8(struct rf_buf *out, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	rf_buf_add(out, b, n);
}

static bool take_hex4(struct json_parser *jp, uint32_t *v)
{
	int k;

	*v = 0;
	if (jp->n - jp->i < 4)
		return false;
	for (k = 0; k < 4; k++) {
		unsigned char c = jp->p[jp->i++];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return false;
	}
	return true;
}

/* A "\u" escape (the backslash and u already taken), surrogate pairs
 * joined; a lone surrogate is not text and fails. */
static bool take_unicode_escape(struct json_parser *jp, uint32_t *cp)
{
	uint32_t low;

	if (!take_hex4(jp, cp))
		return false;
	if (*cp >= 0xDC00 && *cp <= 0xDFFF)
		return false;
	if (*cp < 0xD800 || *cp > 0xDBFF)
		return true;
	if (jp->n - jp->i < 2 || jp->p[jp->i] != '\\' || jp->p[jp->i + 1] != 'u')
		return false;
	jp->i += 2;
	if (!take_hex4(jp, &low) || low < 0xDC00 || low > 0xDFFF)
		return false;
	*cp = 0x10000 + ((*cp - 0xD800) << 10) + (low - 0xDC00);
	return true;
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_length(const unsigned char *p, size_t avail)
{
	size_t len, k;
	uint32_t cp;

	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		len = 2;
		cp = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		len = 3;
		cp = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (avail < len)
		return 0;
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[k] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* A string literal, decoded; appended as canonical JSON text when quoted,
 * as the raw decoded bytes (an object key, sorted later) when not. */
static int parse_string(struct json_parser *jp, struct rf_buf *out, bool quoted)
{
	struct rf_buf raw = RF_BUF_INIT;
	int rc = -1;

	jp->i++; /* the opening quote */
	for (;;) {
		unsigned char c;
		uint32_t cp;
		size_t len;

		if (jp->i >= jp->n)
			goto done;
		c = jp->p[jp->i];
		if (c == '"') {
			jp->i++;
			break;
		}
		if (c < 0x20)
			goto done; /* control characters must be escaped */
		if (c >= 0x80) {
			len = utf8_length(jp->p + jp->i, jp->n - jp->i);
			if (len == 0)
				goto done;
			rf_buf_add(&raw, jp->p + jp->i, len);
			jp->i += len;
			continue;
		}
		jp->i++;
		if (c != '\\') {
			rf_buf_addc(&raw, (char)c);
			continue;
		}
		if (jp->i >= jp->n)
			goto done;
		c = jp->p[jp->i++];
		switch (c) {
		case '"':
		case '\\':
		case '/':
			rf_buf_addc(&raw, (char)c);
			break;
		case 'b':
			rf_buf_addc(&raw, '\b');
			break;
		case 'f':
			rf_buf_addc(&raw, '\f');
			break;
		case 'n':
			rf_buf_addc(&raw, '\n');
			break;
		case 'r':
			rf_buf_addc(&raw, '\r');
			break;
		case 't':
			rf_buf_addc(&raw, '\t');
			break;
		case 'u':
			if (!take_unicode_escape(jp, &cp))
				goto done;
			add_utf8(&raw, cp);
			break;
		default:
			goto done;
		}
	}
	add_string(out, raw.data ? raw.data : "", raw.len, quoted);
	rc = 0;
done:
	rf_buf_free(&raw);
	return rc;
}

static bool take_digits(struct json_parser *jp)
{
	size_t start = jp->i;

	while (jp->i < jp->n && jp->p[jp->i] >= '0' && jp->p[jp->i] <= '9')
		jp->i++;
	return jp->i > start;
}

/* A number in strict JSON grammar, rewritten exactly as a decimal. */
static int parse_number(struct json_parser *jp, struct rf_buf *out)
{
	size_t start = jp->i;

	if (peek(jp) == '-')
		jp->i++;
	if (peek(jp) == '0')
		jp->i++;
	else if (!take_digits(jp))
		return -1;
	if (peek(jp) == '.') {
		jp->i++;
		if (!take_digits(jp))
			return -1;
	}
	if (peek(jp) == 'e' || peek(jp) == 'E') {
		jp->i++;
		if (peek(jp) == '+' || peek(jp) == '-')
			jp->i++;
		if (!take_digits(jp))
			return -1;
	}
	/* An exponent too large to write out ("1e999999") stays as written. */
	if (rf_value_decimal_canon((const char *)jp->p + start, jp->i - start, out) != 0)
		rf_buf_add(out, jp->p + start, jp->i - start);
	return 0;
}

static int parse_literal(struct json_parser *jp, const char *word, struct rf_buf *out)
{
	size_t len = strlen(word);

	if (jp->n - jp->i < len || memcmp(jp->p + jp->i, word, len) != 0)
		return -1;
	jp->i += len;
	rf_buf_adds(out, word);
	return 0;
}

static int parse_array(struct json_parser *jp, struct rf_buf *out)
{
	jp->i++; /* '[' */
	rf_buf_addc(out, '[');
	skip_blanks(jp);
	if (peek(jp) == ']') {
		jp->i++;
		rf_buf_addc(out, ']');
		return 0;
	}
	for (;;) {
		skip_blanks(jp);
		if (parse_value(jp, out) != 0)
			return -1;
		skip_blanks(jp);
		if (peek(jp) == ']')
			break;
		if (peek(jp) != ',')
			return -1;
		jp->i++;
		rf_buf_adds(out, jp->jsonb ? ", " : ",");
	}
	jp->i++;
	rf_buf_addc(out, ']');
	return 0;
}

/* Bytewise key order (a shorter key that is a prefix sorts first), then
 * input order so the last of equal keys ends its run. */
static int cmp_member(const void *va, const void *vb)
{
	const struct json_member *a = va, *b = vb;
	size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
	int r = n ? memcmp(a->base + a->key_off, b->base + b->key_off, n) : 0;

	if (r != 0)
		return r;
	if (a->key_len != b->key_len)
		return a->key_len < b->key_len ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* jsonb's order: shorter keys first, then bytewise; then input order. */
static int cmp_member_jsonb(const void *va, const void *vb)
{
	const struct json_member *a = va, *b = vb;
	if (a->key_len != b->key_len)
		return a->key_len < b->key_len ? -1 : 1;
	return cmp_member(va, vb);
}

static bool same_key(const struct json_member *a, const struct json_member *b)
{
	return a->key_len == b->key_len &&
	       (a->key_len == 0 ||
	        memcmp(a->base + a->key_off, b->base + b->key_off, a->key_len) == 0);
}

/* Members are canonicalized into a scratch buffer first, because their
 * order in the output is only known once all keys are read. */
static int parse_object(struct json_parser *jp, struct rf_buf *out)
{
	struct rf_buf scratch = RF_BUF_INIT;
	struct json_member *members = NULL, *m;
	size_t count = 0, cap = 0, k;
	bool first = true;
	int rc = -1;

	jp->i++; /* '{' */
	skip_blanks(jp);
	if (peek(jp) == '}') {
		jp->i++;
		rf_buf_adds(out, "{}");
		return 0;
	}
	for (;;) {
		skip_blanks(jp);
		if (peek(jp) != '"')
			goto done;
		if (count == cap) {
			cap = cap ? cap * 2 : 8;
			members = rf_xrealloc(members, cap * sizeof(*members));
		}
		m = &members[count];
		m->order = count;
		m->key_off = scratch.len;
		if (parse_string(jp, &scratch, false) != 0)
			goto done;
		m->key_len = scratch.len - m->key_off;
		skip_blanks(jp);
		if (peek(jp) != ':')
			goto done;
		jp->i++;
		skip_blanks(jp);
		m->value_off = scratch.len;
		if (parse_value(jp, &scratch) != 0)
			goto done;
		m->value_len = scratch.len - m->value_off;
		count++;
		skip_blanks(jp);
		if (peek(jp) == '}')
			break;
		if (peek(jp) != ',')
			goto done;
		jp->i++;
	}
	jp->i++;
	for (k = 0; k < count; k++)
		members[k].base = scratch.data;
	qsort(members, count, sizeof(*members), jp->jsonb ? cmp_member_jsonb : cmp_member);
	rf_buf_addc(out, '{');
	for (k = 0; k < count; k++) {
		if (k + 1 < count && same_key(&members[k], &members[k + 1]))
			continue;
		if (!first)
			rf_buf_adds(out, jp->jsonb ? ", " : ",");
		first = false;
		add_string(out, scratch.data + members[k].key_off, members[k].key_len, true);
		rf_buf_adds(out, jp->jsonb ? ": " : ":");
		rf_buf_add(out, scratch.data + members[k].value_off, members[k].value_len);
	}
	rf_buf_addc(out, '}');
	rc = 0;
done:
	free(members);
	rf_buf_free(&scratch);
	return rc;
}

static int parse_value(struct json_parser *jp, struct rf_buf *out)
{
	int c = peek(jp), rc;

	switch (c) {
	case '{':
	case '[':
		if (++jp->depth > JSON_MAX_DEPTH)
			return -1;
		rc = c == '{' ? parse_object(jp, out) : parse_array(jp, out);
		jp->depth--;
		return rc;
	case '"':
		return parse_string(jp, out, true);
	case 't':
		return parse_literal(jp, "true", out);
	case 'f':
		return parse_literal(jp, "false", out);
	case 'n':
		return parse_literal(jp, "null", out);
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return parse_number(jp, out);
		return -1;
	}
}

static int json_print(const char *p, size_t n, bool jsonb, struct rf_buf *out)
{
	struct json_parser jp = {(const unsigned char *)p, n, 0, 0, jsonb};
	size_t start = out->len;

	skip_blanks(&jp);
	if (parse_value(&jp, out) == 0) {
		skip_blanks(&jp);
		if (jp.i == jp.n)
			return 0;
	}
	rf_value_buf_truncate(out, start);
	return -1;
}

int rf_value_json_canon(const char *p, size_t n, struct rf_buf *out)
{
	return json_print(p, n, false, out);
}

int rf_value_jsonb_form(const char *p, size_t n, struct rf_buf *out)
{
	return json_print(p, n, true, out);
}
