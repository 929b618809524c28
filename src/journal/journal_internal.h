/* journal_internal.h - what journal.c (writing), journal_json.c (its JSON),
 * journal_read.c, journal_line.c and journal_load.c share. */
#ifndef ROWFERRY_JOURNAL_INTERNAL_H
#define ROWFERRY_JOURNAL_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "rowferry/sha256.h"
#include "rowferry/util.h"
#include "rowferry/value.h"

/* UTC now: "20261121T100000Z" (compact) or "2026-11-21T10:00:00Z". */
void rf_journal_now(char *out, size_t outlen, bool compact);
/* write(2) until done; -1 with err naming path. */
int rf_journal_write_all(int fd, const char *data, size_t len, const char *path,
                         struct rf_error *err);
/* Appends obj as one compact JSON line (with '\n') to out. */
int rf_journal_dump_line(json_t *obj, struct rf_buf *out);
/* fsync of a directory, so a new file's entry survives a crash. */
int rf_journal_fsync_dir(const char *dir);

/* journal_json.c: op lines' JSON (RFC 8259), written without jansson.
 * rf_journal_valid_utf8: whether s[0..n) is UTF-8 a JSON string can carry;
 * _json_chars: s as the inside of a string (valid UTF-8; a slice may end
 * inside a character); _json_string: s as a string; _json_value: a cell as
 * null, a string, or {"hex":...} for bytes that are not UTF-8;
 * _json_name: "name": as a member name (caller frees). */
bool rf_journal_valid_utf8(const unsigned char *s, size_t n);
void rf_journal_json_chars(struct rf_buf *b, const char *s, size_t n);
void rf_journal_json_string(struct rf_buf *b, const char *s, size_t n);
void rf_journal_json_value(struct rf_buf *b, const struct rf_cell *c);
char *rf_journal_json_name(const char *name);
/* A decimal integer in a JSON string, as sequence and load lines hold
 * them (journal_load.c). */
bool rf_journal_json_long(json_t *v, long long *out);
struct rf_journal_load_sum;
/* A load op's "sum", "native", "typed", "key" and "cols" (journal.h) into
 * *out (*has set): 0, or -1 for a malformed one (nothing kept). */
int rf_journal_parse_load_sum(json_t *o, struct rf_journal_load_sum *out, bool *has);

/* A journal's lines, read a piece at a time (journal_line.c): a string
 * longer than JOURNAL_LONG_STRING is not kept in `line` but unescaped into
 * `longs` (at long_off[k], long_len[k] bytes), and `line` holds the JSON
 * integer k in its place. A line that also holds a number of its own is
 * given whole instead (nlong 0). */
#ifndef JOURNAL_LONG_STRING /* the fuzz build lowers it (CMakeLists.txt) */
#define JOURNAL_LONG_STRING (1u << 20)
#endif

struct rf_journal_lines {
	FILE *f; /* borrowed */
	char *chunk;
	size_t pos, end;
	off_t offset;       /* of the next line in the file */
	struct rf_buf line; /* the line (with its '\n' if complete) */
	bool complete;      /* it ended with '\n' */
	struct rf_buf longs;
	size_t nlong, cap_long;
	size_t *long_off, *long_len;
	bool hashing;
	struct rf_sha256 hash; /* the seal given to next(), then this line */
};

void rf_journal_lines_init(struct rf_journal_lines *r, FILE *f);
void rf_journal_lines_free(struct rf_journal_lines *r);
/* Reads the next line. With seal, r->hash is seal's state followed by
 * the line's bytes (rf_journal_lines_take_hash). Returns 1 for a line, 0
 * at the end of the file, -1 on a read error, -2 for a long string with a
 * bad escape. */
int rf_journal_lines_next(struct rf_journal_lines *r, const struct rf_sha256 *seal);
/* Replaces *seal by the hash that includes the last line (given to
 * next() with seal). */
void rf_journal_lines_take_hash(struct rf_journal_lines *r, struct rf_sha256 *seal);

#endif
