/* fk_assert.h - finding and checking one foreign key of an rf_fk_list in
 * the driver tests (test_fkeys.c, test_sqlite_fkeys.c). Include after
 * cmocka.h. */
#ifndef RF_FK_ASSERT_H
#define RF_FK_ASSERT_H

#include <string.h>

#include "rowferry/db.h"

/* The edge named name whose child is child, or NULL. */
static inline const struct rf_fk_edge *fk_find(const struct rf_fk_list *l, const char *child,
                                               const char *name)
{
	size_t i;
	for (i = 0; i < l->len; i++)
		if (strcmp(l->items[i].child, child) == 0 && strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}

/* cols: "a,b" for the child's and the parent's columns in order. */
static inline void fk_assert(const struct rf_fk_list *l, const char *child, const char *name,
                             const char *parent, const char *child_cols, const char *parent_cols,
                             bool nullable, bool deferrable, bool enforced)
{
	const struct rf_fk_edge *e = fk_find(l, child, name);
	char a[256] = "", b[256] = "";
	size_t i;

	if (!e)
		fail_msg("no foreign key %s on %s", name, child);
	for (i = 0; i < e->ncols; i++) {
		strcat(a, i ? "," : "");
		strcat(a, e->child_cols[i]);
		strcat(b, i ? "," : "");
		strcat(b, e->parent_cols[i]);
	}
	assert_string_equal(e->parent, parent);
	assert_string_equal(a, child_cols);
	assert_string_equal(b, parent_cols);
	assert_int_equal(e->nullable, nullable);
	assert_int_equal(e->deferrable, deferrable);
	assert_int_equal(e->enforced, enforced);
}

#endif
