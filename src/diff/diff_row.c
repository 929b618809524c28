/* diff_row.c - diff rows outside the merge (diff.h): their status's name
 * and glyph, and copies that outlive the diff. */
#include <stdlib.h>
#include <string.h>

#include "rowferry/diff.h"

const char *rf_diff_status_name(enum rf_diff_status s)
{
	switch (s) {
	case RF_ONLY_SOURCE:
		return "only_source";
	case RF_ONLY_TARGET:
		return "only_target";
	case RF_CHANGED:
		return "changed";
	case RF_IDENTICAL:
		return "identical";
	}
	return "?";
}

char rf_diff_status_glyph(enum rf_diff_status s)
{
	static const char glyphs[] = "+-~=";
	return glyphs[s];
}

/* Whether a stored cell has its canonical cell's bytes: then the copy
 * shares them. */
static bool same_value(const struct rf_cell *stored, const struct rf_cell *canon)
{
	return stored->is_null == canon->is_null &&
	       (stored->is_null ||
	        (stored->len == canon->len &&
	         (!stored->len || memcmp(stored->data, canon->data, stored->len) == 0)));
}

/* Bytes of the cells' values, each NUL-terminated; stored cells (canon
 * given) only where they differ from the canonical ones. */
static size_t cells_bytes(const struct rf_cell *c, const struct rf_cell *canon, size_t n)
{
	size_t i, total = 0;
	for (i = 0; c && i < n; i++)
		if (!c[i].is_null && !(canon && same_value(&c[i], &canon[i])))
			total += c[i].len + 1;
	return total;
}

/* Copies n cells to out, their bytes to *at (advanced). A stored cell
 * (canon and canon_copy given) equal to its canonical cell points at the
 * canonical copy's bytes instead. With at NULL the cells keep pointing
 * where they do (rf_diff_row_dup_taking). */
static struct rf_cell *copy_cells(const struct rf_cell *c, size_t n, const struct rf_cell *canon,
                                  const struct rf_cell *canon_copy, struct rf_cell *out, char **at)
{
	size_t i;
	if (!c)
		return NULL;
	if (!at) {
		memcpy(out, c, n * sizeof *out);
		return out;
	}
	for (i = 0; i < n; i++) {
		out[i].is_null = c[i].is_null;
		out[i].len = c[i].len;
		out[i].data = NULL;
		if (c[i].is_null)
			continue;
		if (canon && canon_copy && same_value(&c[i], &canon[i])) {
			out[i].data = canon_copy[i].data;
			continue;
		}
		if (c[i].len)
			memcpy(*at, c[i].data, c[i].len);
		(*at)[c[i].len] = '\0';
		out[i].data = *at;
		*at += c[i].len + 1;
	}
	return out;
}

/* One allocation holds the row, its cells, flags and bytes: a plan keeps a
 * copy of every row it writes (100k rows, 20 cells each, were 2M
 * mallocs). rf_diff_row_free() frees it. */
static struct rf_diff_row *row_dup(const struct rf_diff_row *r, size_t ncols, bool stored,
                                   bool take_src, bool take_dst)
{
	size_t n = ncols ? ncols : 1;
	/* cells only for the sides the row has: a plan's 100k inserts carry
	 * no target side, and their memory is most of a copy's (each page
	 * touched costs a fault) */
	size_t nsrc = r->src ? n : 0, ndst = r->dst ? n : 0;
	size_t nsrc_st = stored && r->src_stored ? n : 0, ndst_st = stored && r->dst_stored ? n : 0;
	size_t ncells = nsrc + ndst + nsrc_st + ndst_st;
	size_t total = sizeof(struct rf_diff_row) + ncells * sizeof(struct rf_cell) +
	               n * sizeof(bool) + n + (take_src ? 0 : cells_bytes(r->src, NULL, ncols)) +
	               (take_dst ? 0 : cells_bytes(r->dst, NULL, ncols));
	char *at;
	struct rf_diff_row *o;
	struct rf_cell *cellmem;

	if (stored)
		total += cells_bytes(r->src_stored, r->src, ncols) +
		         cells_bytes(r->dst_stored, r->dst, ncols);
	/* the row, then its cells (the row's size keeps them aligned), the
	 * flags, the bytes: each part placed after the one before through its
	 * own type, so that no cast raises the alignment (clang -Wcast-align) */
	o = rf_xcalloc(1, total);
	cellmem = (struct rf_cell *)(o + 1);
	o->status = r->status;
	o->changed = (bool *)(cellmem + ncells);
	o->flagged = (unsigned char *)(o->changed + n);
	at = (char *)(o->flagged + n);
	o->src = copy_cells(r->src, ncols, NULL, NULL, cellmem, take_src ? NULL : &at);
	cellmem += nsrc;
	o->dst = copy_cells(r->dst, ncols, NULL, NULL, cellmem, take_dst ? NULL : &at);
	cellmem += ndst;
	if (stored) {
		o->src_stored = copy_cells(r->src_stored, ncols, r->src, o->src, cellmem, &at);
		cellmem += nsrc_st;
		o->dst_stored = copy_cells(r->dst_stored, ncols, r->dst, o->dst, cellmem, &at);
	}
	memcpy(o->changed, r->changed, ncols * sizeof *o->changed);
	memcpy(o->flagged, r->flagged, ncols);
	o->nchanged = r->nchanged;
	return o;
}

struct rf_diff_row *rf_diff_row_dup(const struct rf_diff_row *r, size_t ncols)
{
	return row_dup(r, ncols, false, false, false);
}

struct rf_diff_row *rf_diff_row_dup_taking(const struct rf_diff_row *r, size_t ncols, bool take_src,
                                           bool take_dst)
{
	return row_dup(r, ncols, false, take_src, take_dst);
}

struct rf_diff_row *rf_diff_row_dup_stored(const struct rf_diff_row *r, size_t ncols)
{
	return row_dup(r, ncols, true, false, false);
}

void rf_diff_row_free(struct rf_diff_row *r, size_t ncols)
{
	(void)ncols;
	if (!r)
		return;
	free(r->owned[0]);
	free(r->owned[1]);
	free(r); /* row_dup made it one block */
}
