/* journal_line.c - reading a journal a line at a time, long values apart
 * (journal_internal.h).
 *
 * A line is read in pieces, never whole: a string longer than
 * JOURNAL_LONG_STRING (a 200 MB value's hex) goes, unescaped, into a
 * buffer of its own as it is read, and the line handed to jansson holds
 * its index (a JSON integer) instead. A value then costs its size once,
 * where the whole line, jansson's string and the op's copy were three
 * times its size (DESIGN §9). An op line holds no number of its own, so an
 * integer there can only be such an index; a line with both a number and
 * a long string is read whole, as before.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "journal_internal.h"

#define JOURNAL_READ_CHUNK (64u << 10)

void rf_journal_lines_init(struct rf_journal_lines *r, FILE *f)
{
	memset(r, 0, sizeof *r);
	r->f = f;
	r->chunk = rf_xmalloc(JOURNAL_READ_CHUNK);
}

void rf_journal_lines_free(struct rf_journal_lines *r)
{
	free(r->chunk);
	rf_buf_free(&r->line);
	rf_buf_free(&r->longs);
	free(r->long_off);
	free(r->long_len);
	if (r->hashing)
		rf_sha256_free(&r->hash);
	memset(r, 0, sizeof *r);
}

static int hexval(int c)
{
	return rf_hex_digit((unsigned char)c);
}

/* Appends code point cp as UTF-8 at d; returns the bytes written. */
static size_t put_utf8(char *d, unsigned long cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xC0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xE0 | cp >> 12);
		d[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		d[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	d[0] = (char)(0xF0 | cp >> 18);
	d[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	d[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	d[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Four hex digits at s as a number, or -1. */
static long hex4(const char *s)
{
	long v = 0;
	int i, h;
	for (i = 0; i < 4; i++) {
		if ((h = hexval(s[i])) < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/* Unescapes the inside of a JSON string in place (the result is never
 * longer). Returns its length, or -1 for a bad escape. */
static long unescape(char *s, size_t n)
{
	size_t i = 0, o = 0;
	long cp, lo;

	while (i < n) {
		char c = s[i++];
		if (c != '\\') {
			s[o++] = c;
			continue;
		}
		if (i >= n)
			return -1;
		switch (c = s[i++]) {
		case '"':
		case '\\':
		case '/':
			s[o++] = c;
			break;
		case 'b':
			s[o++] = '\b';
			break;
		case 'f':
			s[o++] = '\f';
			break;
		case 'n':
			s[o++] = '\n';
			break;
		case 'r':
			s[o++] = '\r';
			break;
		case 't':
			s[o++] = '\t';
			break;
		case 'u':
			if (n - i < 4 || (cp = hex4(s + i)) < 0)
				return -1;
			i += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF) { /* a surrogate pair */
				if (n - i < 6 || s[i] != '\\' || s[i + 1] != 'u' ||
				    (lo = hex4(s + i + 2)) < 0xDC00 || lo > 0xDFFF)
					return -1;
				i += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				return -1;
			}
			/* 6 or 12 escaped bytes give at most 4 */
			o += put_utf8(s + o, (unsigned long)cp);
			break;
		default:
			return -1;
		}
	}
	return (long)o;
}

/* Ends a long string: unescapes it where it lies in r->longs and puts its
 * index in the line instead of the string. */
static int end_long(struct rf_journal_lines *r, size_t quote_at)
{
	size_t off = r->long_off[r->nlong];
	long n = unescape(r->longs.data + off, r->longs.len - off);

	if (n < 0)
		return -1;
	r->longs.len = off + (size_t)n;
	r->long_len[r->nlong] = (size_t)n;
	r->line.len = quote_at;
	rf_buf_printf(&r->line, "%zu", r->nlong);
	r->nlong++;
	return 0;
}

/* Moves the string begun at line[start] (after its quote) to r->longs. */
static void start_long(struct rf_journal_lines *r, size_t start)
{
	if (r->nlong == r->cap_long) {
		r->cap_long = r->cap_long ? 2 * r->cap_long : 4;
		r->long_off = rf_xrealloc(r->long_off, r->cap_long * sizeof *r->long_off);
		r->long_len = rf_xrealloc(r->long_len, r->cap_long * sizeof *r->long_len);
	}
	r->long_off[r->nlong] = r->longs.len;
	rf_buf_add(&r->longs, r->line.data + start, r->line.len - start);
	r->line.len = start;
}

/* Refills the chunk; 0 at the end of the file, -1 on a read error. */
static int refill(struct rf_journal_lines *r)
{
	r->pos = 0;
	r->end = fread(r->chunk, 1, JOURNAL_READ_CHUNK, r->f);
	if (r->end == 0)
		return ferror(r->f) ? -1 : 0;
	return 1;
}

/* The line again, whole and untouched, from where it began. */
static int reread_whole(struct rf_journal_lines *r, off_t at)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	if (fseeko(r->f, at, SEEK_SET) != 0)
		return -1;
	n = getline(&buf, &cap, r->f);
	if (n <= 0) {
		free(buf);
		return -1;
	}
	rf_buf_reset(&r->line);
	rf_buf_add(&r->line, buf, (size_t)n);
	free(buf);
	r->longs.len = 0;
	r->nlong = 0;
	r->pos = r->end = 0;
	r->offset = at + n;
	return 0;
}

int rf_journal_lines_next(struct rf_journal_lines *r, const struct rf_sha256 *seal)
{
	off_t line_at = r->offset;
	size_t str = 0, n = 0; /* the current string's start in the line */
	bool in_str = false, esc = false, numbers = false, is_long = false;
	int rc;

	rf_buf_reset(&r->line);
	rf_buf_reset(&r->longs);
	r->nlong = 0;
	r->complete = false;
	if (r->hashing)
		rf_sha256_free(&r->hash);
	r->hashing = seal != NULL;
	if (seal)
		rf_sha256_copy(&r->hash, seal);
	for (;;) {
		size_t from;
		if (r->pos == r->end && (rc = refill(r)) <= 0) {
			if (rc < 0)
				return -1;
			break;
		}
		from = r->pos;
		while (r->pos < r->end) {
			char c = r->chunk[r->pos++];
			n++;
			if (!in_str) {
				rf_buf_addc(&r->line, c);
				if (c == '"') {
					in_str = true;
					str = r->line.len;
				} else if (c == '-' || (c >= '0' && c <= '9')) {
					numbers = true;
				} else if (c == '\n') {
					r->complete = true;
					break;
				}
				continue;
			}
			if (!esc && c == '"') {
				in_str = false;
				if (is_long) {
					is_long = false;
					if (end_long(r, str - 1) != 0)
						return -2;
				} else {
					rf_buf_addc(&r->line, c);
				}
				continue;
			}
			esc = !esc && c == '\\';
			rf_buf_addc(is_long ? &r->longs : &r->line, c);
			if (!is_long && r->line.len - str > JOURNAL_LONG_STRING) {
				start_long(r, str);
				is_long = true;
			}
		}
		if (r->hashing)
			rf_sha256_update(&r->hash, r->chunk + from, r->pos - from);
		if (r->complete)
			break;
	}
	r->offset += (off_t)n;
	if (n == 0)
		return 0;
	if (in_str) /* a torn line: the string never ended */
		r->nlong = 0;
	if (r->nlong && numbers) {
		off_t next = r->offset;
		bool complete = r->complete;
		if (reread_whole(r, line_at) != 0)
			return -1;
		r->offset = next;
		r->complete = complete;
	}
	return 1;
}

void rf_journal_lines_take_hash(struct rf_journal_lines *r, struct rf_sha256 *seal)
{
	if (!r->hashing)
		return;
	rf_sha256_free(seal);
	*seal = r->hash;
	r->hashing = false;
}
