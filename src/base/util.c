/* util.c - buffers, string lists, checked allocation, errors (util.h). */
#include "rowferry/util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void (*abort_hook)(void);

void rf_set_abort_hook(void (*hook)(void))
{
	abort_hook = hook;
}

/* Out of memory is not an error a caller can handle sensibly mid-diff; the
 * hook lets the console put the terminal back before we go. */
static void out_of_memory(size_t n)
{
	if (abort_hook)
		abort_hook();
	fprintf(stderr, "rowferry: out of memory (%zu bytes)\n", n);
	abort();
}

#ifdef MADV_POPULATE_WRITE
/* The end of the heap whose pages are known to be in memory. */
static char *heap_ready;

/* Each page a program touches first costs a fault, and on a virtual
 * machine a fault is dear (a plan of 100k rows touches ~14k pages: a
 * third of a seed copy's client time went to faults). When malloc has
 * grown the heap (brk) since the last look, the new part is faulted in
 * at once, by one madvise: the memory is the process's already, so this
 * changes no byte and no limit, only when the kernel maps the pages.
 * Best effort: an older kernel refuses the advice and nothing changes.
 * Only growth by small blocks (malloc's top pad, 128 KiB at a time) is
 * faulted in: a jump of more than HEAP_PREFAULT_MAX is one big buffer,
 * whose pages wait until written (a buffer with room to spare must not
 * cost its room: DESIGN §9's memory bound for large values). */
#define HEAP_PREFAULT_MAX (1u << 20)
static void heap_prefault(void)
{
	char *end = sbrk(0), *from = __atomic_load_n(&heap_ready, __ATOMIC_RELAXED);
	long page = sysconf(_SC_PAGESIZE);

	if (end == (char *)-1 || end == from || page <= 0)
		return;
	__atomic_store_n(&heap_ready, end, __ATOMIC_RELAXED);
	if (!from || end < from || (size_t)(end - from) > HEAP_PREFAULT_MAX)
		return; /* the first look, the heap shrank, or a big block */
	from = (char *)((uintptr_t)from & ~((uintptr_t)page - 1));
	(void)madvise(from, (size_t)(end - from), MADV_POPULATE_WRITE);
}
#else
static void heap_prefault(void)
{
}
#endif

void *rf_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	heap_prefault();
	return p;
}

void *rf_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory(n * size);
	heap_prefault();
	return p;
}

void *rf_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	heap_prefault();
	return q;
}

char *rf_xstrdup(const char *s)
{
	return rf_xstrndup(s, strlen(s));
}

char *rf_xstrndup(const char *s, size_t n)
{
	char *p = rf_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *rf_xasprintf(const char *fmt, ...)
{
	struct rf_buf b = RF_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	rf_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return rf_buf_steal(&b);
}

void rf_error_clear(struct rf_error *err)
{
	if (!err)
		return;
	err->set = 0;
	err->duplicate_key = false;
	err->where[0] = '\0';
	err->msg[0] = '\0';
}

int rf_error_set(struct rf_error *err, const char *where, const char *fmt, ...)
{
	va_list ap;
	char *nl;

	if (!err || err->set)
		return -1;
	err->set = 1;
	err->duplicate_key = false;
	snprintf(err->where, sizeof err->where, "%s", where ? where : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	/* one line: servers like to end messages with a newline */
	while ((nl = strchr(err->msg, '\n')) != NULL) {
		if (nl[1] == '\0' || isspace((unsigned char)nl[1]))
			*nl = '\0';
		else
			*nl = ' ';
	}
	return -1;
}

const char *rf_error_text(const struct rf_error *err, char *out, size_t outlen)
{
	if (!err || !err->set)
		snprintf(out, outlen, "unknown error");
	else if (err->where[0])
		snprintf(out, outlen, "%s: %s", err->where, err->msg);
	else
		snprintf(out, outlen, "%s", err->msg);
	return out;
}

void rf_buf_grow(struct rf_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = rf_xrealloc(b->data, cap);
	b->cap = cap;
	/* a first allocation holds no NUL yet: "always NUL-terminated" starts
	 * here, so a reserve alone on an empty buffer still reads as "" */
	b->data[b->len] = '\0';
}

void rf_buf_vprintf(struct rf_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	rf_buf_reserve(b, 64);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	if (n >= 0 && (size_t)n >= b->cap - b->len) {
		rf_buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
	}
	va_end(ap2);
	if (n > 0)
		b->len += (size_t)n;
}

void rf_buf_printf(struct rf_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rf_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void rf_buf_reset(struct rf_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void rf_buf_reset_small(struct rf_buf *b)
{
	if (b->cap > RF_BUF_KEEP)
		rf_buf_free(b);
	else
		rf_buf_reset(b);
}

void rf_buf_free(struct rf_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *rf_buf_steal(struct rf_buf *b)
{
	char *p = b->data ? b->data : rf_xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void rf_buf_addhex(struct rf_buf *b, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	rf_buf_reserve(b, n * 2);
	for (i = 0; i < n; i++) {
		b->data[b->len++] = hex[p[i] >> 4];
		b->data[b->len++] = hex[p[i] & 15];
	}
	b->data[b->len] = '\0';
}

void rf_strlist_add(struct rf_strlist *l, const char *s)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = rf_xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->len++] = rf_xstrdup(s);
}

void rf_strlist_free(struct rf_strlist *l)
{
	size_t i;
	for (i = 0; i < l->len; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = l->cap = 0;
}

int rf_strlist_index(const struct rf_strlist *l, const char *s)
{
	size_t i;
	for (i = 0; i < l->len; i++)
		if (strcmp(l->items[i], s) == 0)
			return (int)i;
	return -1;
}

void rf_strlist_split(struct rf_strlist *l, const char *csv)
{
	const char *p = csv;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char *item = rf_xstrndup(p, n);
		rf_strtrim(item);
		if (*item)
			rf_strlist_add(l, item);
		free(item);
		p = comma ? comma + 1 : NULL;
	}
}

char *rf_strlist_join(const struct rf_strlist *l, const char *sep)
{
	struct rf_buf b = RF_BUF_INIT;
	size_t i;
	for (i = 0; i < l->len; i++) {
		if (i)
			rf_buf_adds(&b, sep);
		rf_buf_adds(&b, l->items[i]);
	}
	return rf_buf_steal(&b);
}

size_t rf_int64_text(long long v, char *buf)
{
	char tmp[24];
	size_t n = 0, len = 0;
	/* works on the negative value so LLONG_MIN needs no special case */
	long long x = v < 0 ? v : -v;
	do {
		tmp[n++] = (char)('0' - (x % 10));
		x /= 10;
	} while (x);
	if (v < 0)
		buf[len++] = '-';
	while (n)
		buf[len++] = tmp[--n];
	buf[len] = '\0';
	return len;
}

char *rf_strtrim(char *s)
{
	char *start = s, *end;
	while (*start && isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	if (start != s)
		memmove(s, start, (size_t)(end - start) + 1);
	return s;
}

/* Levenshtein distance of a and b, case ignored; stops counting past cap. */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best;
	size_t *row;

	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	row = rf_xcalloc(lb + 1, sizeof *row);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost =
			    tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t v = diag + cost;
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > cap) {
			free(row);
			return cap + 1;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

const char *rf_suggest(const char *word, const char *const *cands, size_t n)
{
	size_t i, cap = strlen(word) / 2, best = (size_t)-1;
	const char *pick = NULL;

	if (cap > 2)
		cap = 2;
	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, cands[i], cap);
		if (d <= cap && d < best) {
			best = d;
			pick = cands[i];
		}
	}
	return pick;
}

/* hex digit value + 1, 0 for anything else */
static const signed char hex_table[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

int rf_hex_digit(int c)
{
	return hex_table[(unsigned char)c] - 1;
}

bool rf_is_hex(const char *s, size_t n)
{
	size_t i;
	if (n % 2)
		return false;
	for (i = 0; i < n; i++)
		if (rf_hex_digit(s[i]) < 0)
			return false;
	return true;
}

long rf_hex_decode(char *dst, const char *src, size_t n)
{
	size_t i;
	if (n % 2)
		return -1;
	for (i = 0; i < n; i += 2) {
		int hi = rf_hex_digit(src[i]), lo = rf_hex_digit(src[i + 1]);
		if ((hi | lo) < 0)
			return -1;
		dst[i / 2] = (char)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

bool rf_is_lower_hex(const char *s, size_t n)
{
	size_t i;
	if (n % 2)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

void rf_hex_encode_in_place(char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = n; i-- > 0;) {
		unsigned char b = (unsigned char)p[i];
		p[2 * i] = hex[b >> 4];
		p[2 * i + 1] = hex[b & 15];
	}
}
