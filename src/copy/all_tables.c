/* all_tables.c - the tables of a copy --all (all_tables.h). */
#include <stdbool.h>
#include <string.h>

#include "rowferry/all_tables.h"
#include "rowferry/schema.h"

/* Whether dst holds the source's table name, as the set copy looks it
 * up: its bare name where the source has schemas (graph_set.c). */
static bool in_target(const struct rf_db *src, struct rf_db *dst, const char *name)
{
	struct rf_table_info info;
	struct rf_error err;
	const char *dot = strrchr(name, '.');
	bool found;

	memset(&info, 0, sizeof info);
	rf_error_clear(&err);
	found = rf_db_describe(dst, name, &info, &err) == 0;
	rf_table_info_free(&info);
	if (!found && dot && src->ops->has_schemas) {
		memset(&info, 0, sizeof info);
		rf_error_clear(&err);
		found = rf_db_describe(dst, dot + 1, &info, &err) == 0;
		rf_table_info_free(&info);
	}
	return found;
}

int rf_all_tables(struct rf_db *src, struct rf_db *dst, const char *list,
                  struct rf_planned_tables *create, struct rf_strlist *names,
                  struct rf_strlist *missing, struct rf_error *err)
{
	struct rf_table_list tl = {0};
	size_t i, k, first = names->len, first_missing = missing->len;
	int rc = -1;

	if (list) {
		rf_strlist_split(names, list);
	} else {
		if (rf_db_list_tables(src, false, &tl, err) != 0)
			goto out;
		for (i = 0; i < tl.len; i++)
			rf_strlist_add(names, tl.items[i].name);
	}
	if (names->len == first) {
		rf_error_set(err, "copy", "--all: %s has no table to copy", src->name);
		goto out;
	}
	for (i = first; i < names->len; i++)
		for (k = first; k < i; k++)
			if (strcmp(names->items[i], names->items[k]) == 0) {
				rf_error_set(err, "copy", "--tables names %s twice",
				             names->items[i]);
				goto out;
			}
	for (i = first; i < names->len; i++)
		if (!in_target(src, dst, names->items[i]))
			rf_strlist_add(missing, names->items[i]);
	if (create && missing->len > first_missing) {
		struct rf_strlist mine = RF_STRLIST_INIT;
		for (i = first_missing; i < missing->len; i++)
			rf_strlist_add(&mine, missing->items[i]);
		rc = rf_all_create_plan(src, dst, &mine, create, err);
		rf_strlist_free(&mine);
		if (rc != 0)
			goto out;
		create->stream = true; /* all_stream.h */
		dst->planned = create;
	}
	rc = 0;
out:
	rf_table_list_free(&tl);
	return rc;
}
