/* diff_row.c - copies of diff rows that outlive the diff (diff.h). */
#include <stdlib.h>
#include <string.h>

#include "rowferry/diff.h"

/* Bytes of the cells' values, each NUL-terminated. */
static size_t cells_bytes(const struct rf_cell *c, size_t n)
{
	size_t i, total = 0;
	for (i = 0; c && i < n; i++)
		if (!c[i].is_null)
			total += c[i].len + 1;
	return total;
}

/* Copies n cells to out, their bytes to *at (advanced); with at NULL the
 * cells keep pointing where they do (rf_diff_row_dup_taking). */
static struct rf_cell *copy_cells(const struct rf_cell *c, size_t n, struct rf_cell *out, char **at)
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
struct rf_diff_row *rf_diff_row_dup(const struct rf_diff_row *r, size_t ncols)
{
	return rf_diff_row_dup_taking(r, ncols, false, false);
}

struct rf_diff_row *rf_diff_row_dup_taking(const struct rf_diff_row *r, size_t ncols, bool take_src,
                                           bool take_dst)
{
	size_t n = ncols ? ncols : 1;
	size_t head = sizeof(struct rf_diff_row), cells = 2 * n * sizeof(struct rf_cell);
	size_t flags = n * sizeof(bool) + n;
	size_t total = head + cells + flags + (take_src ? 0 : cells_bytes(r->src, ncols)) +
	               (take_dst ? 0 : cells_bytes(r->dst, ncols));
	char *block = rf_xcalloc(1, total);
	struct rf_diff_row *o = (struct rf_diff_row *)block;
	struct rf_cell *cellmem = (struct rf_cell *)(block + head);
	char *at;

	o->status = r->status;
	o->changed = (bool *)(block + head + cells);
	o->flagged = (unsigned char *)(block + head + cells + n * sizeof(bool));
	at = block + head + cells + flags;
	o->src = copy_cells(r->src, ncols, cellmem, take_src ? NULL : &at);
	o->dst = copy_cells(r->dst, ncols, cellmem + n, take_dst ? NULL : &at);
	memcpy(o->changed, r->changed, ncols * sizeof *o->changed);
	memcpy(o->flagged, r->flagged, ncols);
	o->nchanged = r->nchanged;
	return o;
}

void rf_diff_row_free(struct rf_diff_row *r, size_t ncols)
{
	(void)ncols;
	if (!r)
		return;
	free(r->owned[0]);
	free(r->owned[1]);
	free(r); /* rf_diff_row_dup made it one block */
}
