/* util.h - small building blocks shared by every module: a growable byte
 * buffer, string lists, checked allocation and an error value.
 *
 * Ownership: an rf_buf owns its bytes; rf_buf_free() releases them. An
 * rf_strlist owns its strings. Nothing here keeps pointers to caller memory.
 */
#ifndef ROWFERRY_UTIL_H
#define ROWFERRY_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#if defined(__GNUC__)
#define RF_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define RF_PRINTF(f, a)
#endif

/* Errors are values (STYLE.md 5). `where` names the connection, file or
 * module ("prod", "config.ini:12", "diff"); `msg` is one line, usually the
 * server's own message. The front end prints "rowferry: WHERE: MSG". */
struct rf_error {
	int set;
	char where[128];
	char msg[1024];
	bool duplicate_key; /* the server refused a write that would repeat a
	                       unique key (PostgreSQL 23505, MySQL 1062); set
	                       by the driver with the error */
};

void rf_error_clear(struct rf_error *err);
/* Sets err (if not NULL and not already set: the first error wins, so a
 * cleanup path cannot overwrite the cause). Always returns -1. */
int rf_error_set(struct rf_error *err, const char *where, const char *fmt, ...) RF_PRINTF(3, 4);
/* "where: msg" or "msg" */
const char *rf_error_text(const struct rf_error *err, char *out, size_t outlen);

/* Allocation that cannot fail: on exhaustion calls the registered abort
 * hook (the console restores the terminal there) and aborts. */
void *rf_xmalloc(size_t n);
void *rf_xcalloc(size_t n, size_t size);
void *rf_xrealloc(void *p, size_t n);
char *rf_xstrdup(const char *s);
char *rf_xstrndup(const char *s, size_t n);
char *rf_xasprintf(const char *fmt, ...) RF_PRINTF(1, 2);
void rf_set_abort_hook(void (*hook)(void));

/* Growable byte buffer; data is always NUL-terminated (len excludes it). */
struct rf_buf {
	char *data;
	size_t len;
	size_t cap;
};
#define RF_BUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}
/* Grows b by at least extra bytes (+1 for the NUL) when needed. */
void rf_buf_grow(struct rf_buf *b, size_t extra);
/* The appends are inline: they run for every byte of every value that
 * apply, the journal and the renderers write. */
static inline void rf_buf_reserve(struct rf_buf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap)
		rf_buf_grow(b, extra);
}
static inline void rf_buf_add(struct rf_buf *b, const void *data, size_t len)
{
	rf_buf_reserve(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}
static inline void rf_buf_adds(struct rf_buf *b, const char *s)
{
	rf_buf_add(b, s, strlen(s));
}
static inline void rf_buf_addc(struct rf_buf *b, char c)
{
	rf_buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
void rf_buf_printf(struct rf_buf *b, const char *fmt, ...) RF_PRINTF(2, 3);
void rf_buf_vprintf(struct rf_buf *b, const char *fmt, va_list ap) RF_PRINTF(2, 0);
void rf_buf_reset(struct rf_buf *b); /* len = 0, keeps memory */
/* rf_buf_reset, but a buffer grown past RF_BUF_KEEP (for a huge value) is
 * freed instead: buffers reused per row must not keep a 200 MB value's
 * memory for the rest of the run (DESIGN §9). */
#define RF_BUF_KEEP (4u << 20)
void rf_buf_reset_small(struct rf_buf *b);
void rf_buf_free(struct rf_buf *b);
/* Takes the bytes out of b (caller frees), leaving b empty. */
char *rf_buf_steal(struct rf_buf *b);

/* List of owned strings. */
struct rf_strlist {
	char **items;
	size_t len;
	size_t cap;
};
#define RF_STRLIST_INIT                                                                            \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}
void rf_strlist_add(struct rf_strlist *l, const char *s);
void rf_strlist_free(struct rf_strlist *l);
int rf_strlist_index(const struct rf_strlist *l, const char *s); /* -1 if absent */
/* Splits "a, b,c" on commas, trimming blanks, skipping empty items. */
void rf_strlist_split(struct rf_strlist *l, const char *csv);
/* Joins with sep into a new string (caller frees). */
char *rf_strlist_join(const struct rf_strlist *l, const char *sep);

/* Writes v in decimal into buf (at least 21 bytes, NUL-terminated) without
 * going through printf; returns the length. */
size_t rf_int64_text(long long v, char *buf);

/* Trims ASCII blanks in place; returns s. */
char *rf_strtrim(char *s);
/* Lower-case hex of n bytes appended to b. */
void rf_buf_addhex(struct rf_buf *b, const unsigned char *p, size_t n);
/* The value of one hex digit (either case), or -1: the one hex-digit
 * helper of the tree (a table: bytea decoding is a stream's hottest loop). */
int rf_hex_digit(int c);
/* Whether s[0..n) is an even run of hex digits (canonical bytes). */
bool rf_is_hex(const char *s, size_t n);
/* Decodes n hex digits at src into dst (dst may equal src: the output is
 * half as long and never overtakes the input). Returns the byte count, or
 * -1 when src is not an even run of hex digits. */
long rf_hex_decode(char *dst, const char *src, size_t n);
/* Whether s[0..n) is an even run of lower-case hex digits: the canonical
 * form, which rf_hex_encode_in_place() gives back byte for byte after
 * rf_hex_decode(s, s, n). */
bool rf_is_lower_hex(const char *s, size_t n);
/* The n bytes at p[0..n) become their 2n lower-case hex digits at
 * p[0..2n) (p has room for them): rf_hex_decode() in place undone. Back
 * to front: byte i goes to 2i and 2i + 1, at or past i, where only bytes
 * already encoded were. */
void rf_hex_encode_in_place(char *p, size_t n);
/* The candidate closest to a misspelt word, for "did you mean": the one
 * with the fewest edits (insert, delete, change, case ignored), if at most
 * 2 and less than half the word; else NULL. Points into cands. */
const char *rf_suggest(const char *word, const char *const *cands, size_t n);

#endif
