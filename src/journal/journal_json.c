/* journal_json.c - the JSON encoding of the journal's op lines (DESIGN §6).
 *
 * Op lines are written here rather than through jansson objects: a
 * 100k-row copy journals 100k lines, and building and dumping a jansson
 * object per line was half of apply's own CPU time. The encoding is plain
 * RFC 8259; journal_read.c parses it back with jansson. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "journal_internal.h"

/* Eight bytes at a time (SWAR): a journal line is mostly plain ASCII, and
 * every byte of a 100k-row copy's journal passes through these checks. */
#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
static inline uint64_t load8(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}
/* a byte of v is zero */
static inline uint64_t zero_byte(uint64_t v)
{
	return (v - ONES) & ~v & HIGHS;
}
/* a byte of v needs escaping in a JSON string: < 0x20, '"', '\\' (bytes
 * >= 0x80 are not flagged: the sign bit is masked out by ~v) */
static inline bool json_special8(uint64_t v)
{
	return ((v - 0x20 * ONES) & ~v & HIGHS) || zero_byte(v ^ ('"' * ONES)) ||
	       zero_byte(v ^ ('\\' * ONES));
}

/* Whether s[0..n) is UTF-8 a JSON string can carry: no overlong forms,
 * surrogates or code points past U+10FFFF. */
bool rf_journal_valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len, k;
		unsigned cp;
		if (i + 8 <= n && !(load8(s + i) & HIGHS)) {
			i += 8;
			continue;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07;
		else
			return false;
		if (i + len > n)
			return false;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += len;
	}
	return true;
}

/* Appends s as the inside of a JSON string (s must be valid UTF-8; a
 * slice of it may end inside a character). */
void rf_journal_json_chars(struct rf_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	rf_buf_reserve(b, n);
	for (i = 0; i < n; i++) {
		unsigned char c;
		while (i + 8 <= n && !json_special8(load8((const unsigned char *)s + i)))
			i += 8;
		if (i >= n)
			break;
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		rf_buf_add(b, s + run, i - run);
		run = i + 1;
		rf_buf_addc(b, '\\');
		switch (c) {
		case '"':
		case '\\':
			rf_buf_addc(b, (char)c);
			break;
		case '\n':
			rf_buf_addc(b, 'n');
			break;
		case '\r':
			rf_buf_addc(b, 'r');
			break;
		case '\t':
			rf_buf_addc(b, 't');
			break;
		default:
			rf_buf_adds(b, "u00");
			rf_buf_addc(b, hex[c >> 4]);
			rf_buf_addc(b, hex[c & 15]);
			break;
		}
	}
	rf_buf_add(b, s + run, n - run);
}

/* Appends s as a JSON string (s must be valid UTF-8). */
void rf_journal_json_string(struct rf_buf *b, const char *s, size_t n)
{
	rf_buf_reserve(b, n + 2);
	rf_buf_addc(b, '"');
	rf_journal_json_chars(b, s, n);
	rf_buf_addc(b, '"');
}

/* A cell: null, a string, or {"hex":...} for bytes that are not UTF-8. */
void rf_journal_json_value(struct rf_buf *b, const struct rf_cell *c)
{
	const char *d = c->data ? c->data : "";
	if (c->is_null) {
		rf_buf_adds(b, "null");
	} else if (rf_journal_valid_utf8((const unsigned char *)d, c->len)) {
		rf_journal_json_string(b, d, c->len);
	} else {
		rf_buf_adds(b, "{\"hex\":\"");
		rf_buf_addhex(b, (const unsigned char *)d, c->len);
		rf_buf_adds(b, "\"}");
	}
}

/* "name": as a member name, encoded once per journal (json_name) */
char *rf_journal_json_name(const char *name)
{
	struct rf_buf b = RF_BUF_INIT;
	rf_journal_json_string(&b, name, strlen(name));
	rf_buf_addc(&b, ':');
	return rf_buf_steal(&b);
}
