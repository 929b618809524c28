/* output_large.c - large values of diff's json and csv, printed after the
 * rows (rf_diff_opts.digest_fetch, diff_digest.c).
 *
 * A PostgreSQL side sends a value over 1 MiB as its first bytes and a
 * digest; a printed row needs it whole. It cannot be read while the diff's
 * COPY streams on that connection, so the writer leaves a hole where it
 * goes: from the first hole on, what the writer writes goes to a temporary
 * file, and each hole records its offset there, the side, the column and
 * the row's key. Once the rows are all read (the streams ended, the read
 * transaction still open, so the same snapshot), rf_writer_fill copies the
 * file to the real output and, at each hole, reads the value again by its
 * key in pieces (rf_diff_fetch_value) and writes each piece at once, with
 * the escaping the whole value would get: a JSON string's escapes come
 * from jansson per piece (it escapes character by character, and text
 * pieces end on whole characters), a bytes value's hex needs none; a CSV
 * field is quoted where the whole value needs it (output_csv.c's rule),
 * which for text takes a first pass over the pieces. So the output is
 * byte for byte what the whole value makes, and memory holds a piece, not
 * the value. Holes cost the temporary file (what is written, without the
 * large values) and each hole's key. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/output.h"

struct hole {
	long off;
	int side;
	size_t col;
	enum rf_hole_kind kind;
	struct rf_cell *key; /* shape nkey cells, bytes in keybuf */
	char *keybuf;
};

struct rf_writer_holes {
	FILE *real;
	FILE *tmp;
	size_t len, cap;
	struct hole *v;
};

bool rf_writer_partial(const struct rf_diff_writer *w, int side, size_t col)
{
	return w->diff && rf_diff_cell_partial(w->diff, side, col);
}

void rf_writer_hole(struct rf_diff_writer *w, int side, size_t col, const struct rf_cell *cells,
                    enum rf_hole_kind kind)
{
	const struct rf_diff_shape *sh = w->shape;
	struct rf_writer_holes *h = w->holes;
	struct hole *o;
	size_t i, n = 0, at = 0;

	if (!h) {
		h = w->holes = rf_xcalloc(1, sizeof *h);
		h->real = w->out;
		h->tmp = tmpfile();
		if (!h->tmp) { /* as out of memory: nothing sound to write */
			fprintf(stderr, "rowferry: diff: no temporary file for large values: %s\n",
			        strerror(errno));
			exit(2);
		}
		w->out = h->tmp;
	}
	if (h->len == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 16;
		h->v = rf_xrealloc(h->v, h->cap * sizeof *h->v);
	}
	o = &h->v[h->len++];
	o->off = ftell(h->tmp);
	o->side = side;
	o->col = col;
	o->kind = kind;
	for (i = 0; i < sh->nkey; i++)
		n += cells[sh->key[i]].len;
	o->key = rf_xcalloc(sh->nkey ? sh->nkey : 1, sizeof *o->key);
	o->keybuf = rf_xmalloc(n ? n : 1);
	for (i = 0; i < sh->nkey; i++) {
		const struct rf_cell *k = &cells[sh->key[i]];
		o->key[i].is_null = k->is_null;
		o->key[i].len = k->len;
		o->key[i].data = o->keybuf + at;
		if (k->len)
			memcpy(o->keybuf + at, k->data, k->len);
		at += k->len;
	}
}

/* Writing one hole's value. */
struct fill {
	FILE *out;
	bool text;  /* a text value (else hex: needs no escaping or quotes) */
	bool quote; /* csv: quoted */
	bool any;   /* csv scan: a piece was seen */
	char last;  /* csv scan: the last byte so far */
	bool needs; /* csv scan: the value needs quotes */
};

/* json_dump_callback's output of one piece without its quotes: the first
 * byte is dropped, and the last one held back until more comes (at the
 * end it is the closing quote). */
struct unquote {
	FILE *out;
	bool started, held;
	char last;
};

static int unquote_write(const char *buf, size_t n, void *ctx)
{
	struct unquote *u = ctx;
	if (!n)
		return 0;
	if (!u->started) {
		u->started = true;
		buf++;
		n--;
		if (!n)
			return 0;
	}
	if (u->held)
		fputc(u->last, u->out);
	fwrite(buf, 1, n - 1, u->out);
	u->last = buf[n - 1];
	u->held = true;
	return 0;
}

static int json_piece(void *ctx, const char *data, size_t len, struct rf_error *err)
{
	struct fill *f = ctx;
	struct unquote u = {f->out, false, false, 0};
	json_t *j;

	if (!f->text) {
		fwrite(data, 1, len, f->out);
		return 0;
	}
	/* jansson's escapes of this piece (the flags output_json.c dumps
	 * with), written as they come */
	j = json_stringn_nocheck(data, len);
	if (!j || json_dump_callback(j, unquote_write, &u,
	                             JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) != 0) {
		json_decref(j);
		return rf_error_set(err, "diff", "a text value does not print as JSON");
	}
	json_decref(j);
	return 0;
}

static int csv_scan(void *ctx, const char *data, size_t len, struct rf_error *err)
{
	struct fill *f = ctx;

	(void)err;
	if (!len)
		return 0;
	if (!f->any && data[0] == ' ')
		f->needs = true;
	f->any = true;
	f->last = data[len - 1];
	if (memchr(data, ',', len) || memchr(data, '"', len) || memchr(data, '\n', len) ||
	    memchr(data, '\r', len))
		f->needs = true;
	return 0;
}

static int csv_piece(void *ctx, const char *data, size_t len, struct rf_error *err)
{
	struct fill *f = ctx;
	const char *p = data, *end = data + len, *q;

	(void)err;
	if (!f->quote) {
		fwrite(data, 1, len, f->out);
		return 0;
	}
	while (p < end && (q = memchr(p, '"', (size_t)(end - p)))) {
		fwrite(p, 1, (size_t)(q - p) + 1, f->out);
		fputc('"', f->out);
		p = q + 1;
	}
	fwrite(p, 1, (size_t)(end - p), f->out);
	return 0;
}

static int write_hole(struct rf_diff_writer *w, const struct hole *o, FILE *out,
                      struct rf_error *err)
{
	struct fill f;
	int rc;

	memset(&f, 0, sizeof f);
	f.out = out;
	f.text = w->shape->cols[o->col].tclass == RF_T_TEXT;
	if (o->kind == RF_HOLE_JSON) {
		fputc('"', out);
		rc = rf_diff_fetch_value(w->diff, o->side, o->col, o->key, json_piece, &f, err);
		fputc('"', out);
	} else {
		/* hex never needs quotes; a text value is scanned first (it is
		 * over 1 MiB, so never empty) */
		if (f.text) {
			rc = rf_diff_fetch_value(w->diff, o->side, o->col, o->key, csv_scan, &f,
			                         err);
			if (rc != 0)
				goto out;
			f.quote = f.needs || !f.any || f.last == ' ';
		}
		if (f.quote)
			fputc('"', out);
		rc = rf_diff_fetch_value(w->diff, o->side, o->col, o->key, csv_piece, &f, err);
		if (f.quote)
			fputc('"', out);
	}
out:
	return rc;
}

/* Copies n bytes (all that is left where n < 0) of in to out. */
static int copy_bytes(FILE *in, FILE *out, long n)
{
	char buf[65536];
	while (n != 0) {
		size_t want = n < 0 || n > (long)sizeof buf ? sizeof buf : (size_t)n;
		size_t got = fread(buf, 1, want, in);
		if (got == 0)
			return n < 0 ? 0 : -1;
		fwrite(buf, 1, got, out);
		if (n > 0)
			n -= (long)got;
	}
	return 0;
}

int rf_writer_fill(struct rf_diff_writer *w, bool fill, struct rf_error *err)
{
	struct rf_writer_holes *h = w->holes;
	long pos = 0;
	size_t i;
	int rc = -1;

	if (!h)
		return 0;
	w->out = h->real;
	if (!fill) {
		rc = 0;
		goto out;
	}
	/* ferror: a write that failed earlier (a full disk) while the rows
	 * went to the file, not only at this flush */
	if (fflush(h->tmp) != 0 || ferror(h->tmp) || fseek(h->tmp, 0, SEEK_SET) != 0) {
		rf_error_set(err, "diff", "the temporary output of large values failed");
		goto out;
	}
	for (i = 0; i < h->len; i++) {
		if (copy_bytes(h->tmp, h->real, h->v[i].off - pos) != 0) {
			rf_error_set(err, "diff", "the temporary output of large values is short");
			goto out;
		}
		pos = h->v[i].off;
		if (write_hole(w, &h->v[i], h->real, err) != 0)
			goto out;
	}
	copy_bytes(h->tmp, h->real, -1);
	if (ferror(h->tmp)) {
		rf_error_set(err, "diff", "the temporary output of large values could not be read");
		goto out;
	}
	rc = 0;
out:
	fclose(h->tmp);
	for (i = 0; i < h->len; i++) {
		free(h->v[i].key);
		free(h->v[i].keybuf);
	}
	free(h->v);
	free(h);
	w->holes = NULL;
	return rc;
}
