/* table_pairs.c - both sides' tables matched by name (table_pairs.h). */
#include <stdlib.h>
#include <string.h>

#include "rowferry/table_pairs.h"

/* "public.jobs" is "jobs" to a side without schemas. */
static const char *match_name(const char *name, bool other_has_schemas)
{
	if (!other_has_schemas && strncmp(name, "public.", 7) == 0)
		return name + 7;
	return name;
}

static int find(const struct rf_table_list *l, const char *name, bool other_has_schemas)
{
	size_t i;
	for (i = 0; i < l->len; i++)
		if (strcmp(match_name(l->items[i].name, other_has_schemas), name) == 0)
			return (int)i;
	return -1;
}

static int pair_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rf_table_pair *)a)->name,
	              ((const struct rf_table_pair *)b)->name);
}

void rf_table_pairs_make(const struct rf_table_list *src, bool src_schemas,
                         const struct rf_table_list *dst, bool dst_schemas,
                         struct rf_table_pairs *out)
{
	size_t i, n = 0;

	out->items = rf_xcalloc(src->len + dst->len + 1, sizeof *out->items);
	for (i = 0; i < src->len; i++) {
		const char *name = match_name(src->items[i].name, dst_schemas);
		int j = find(dst, name, src_schemas);
		out->items[n].name = rf_xstrdup(name);
		out->items[n].src_rows = src->items[i].rows;
		out->items[n].dst_rows = j >= 0 ? dst->items[j].rows : RF_TABLE_ABSENT;
		n++;
	}
	for (i = 0; i < dst->len; i++) {
		const char *name = match_name(dst->items[i].name, src_schemas);
		if (find(src, name, dst_schemas) >= 0)
			continue;
		out->items[n].name = rf_xstrdup(name);
		out->items[n].src_rows = RF_TABLE_ABSENT;
		out->items[n].dst_rows = dst->items[i].rows;
		n++;
	}
	out->len = n;
	qsort(out->items, n, sizeof *out->items, pair_cmp);
}

void rf_table_pairs_free(struct rf_table_pairs *p)
{
	size_t i;
	for (i = 0; i < p->len; i++)
		free(p->items[i].name);
	free(p->items);
	p->items = NULL;
	p->len = 0;
}

const struct rf_table_pair *rf_table_pairs_find(const struct rf_table_pairs *p, const char *name)
{
	size_t i;
	for (i = 0; i < p->len; i++)
		if (strcmp(p->items[i].name, name) == 0)
			return &p->items[i];
	return NULL;
}
