/* cmd_copy_all.c - `rowferry copy --all` (cmd_copy_all.h, DESIGN §13). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_copy_all.h"

int cli_all_refuse_flags(const struct rf_set_flags *sf, const struct rf_selection_flags *f)
{
	const char *bad = sf->follow        ? "--follow"
	                  : sf->limit_given ? "--limit"
	                  : f->where        ? "--where"
	                  : f->source_where ? "--source-where"
	                  : f->target_where ? "--target-where"
	                                    : NULL;
	if (!bad)
		return 0;
	fprintf(stderr,
	        "rowferry: copy: %s does not go with --all, which copies every table whole; "
	        "filter a table with --restrict TABLE:SQL\n",
	        bad);
	return -1;
}

int cli_all_tables(struct rf_db *src, const char *list, char **root, char **rest)
{
	struct rf_table_list tl = {0};
	struct rf_strlist names = RF_STRLIST_INIT;
	struct rf_buf b = RF_BUF_INIT;
	struct rf_error err;
	size_t i, k;
	int rc = -1;

	*root = *rest = NULL;
	rf_error_clear(&err);
	if (list) {
		rf_strlist_split(&names, list);
	} else {
		if (rf_db_list_tables(src, false, &tl, &err) != 0) {
			cli_print_error(&err);
			goto out;
		}
		for (i = 0; i < tl.len; i++)
			rf_strlist_add(&names, tl.items[i].name);
	}
	if (names.len == 0) {
		fprintf(stderr, "rowferry: copy: --all: %s has no table to copy\n", src->name);
		goto out;
	}
	for (i = 0; i < names.len; i++)
		for (k = 0; k < i; k++)
			if (strcmp(names.items[i], names.items[k]) == 0) {
				fprintf(stderr, "rowferry: copy: --tables names %s twice\n",
				        names.items[i]);
				goto out;
			}
	*root = rf_xstrdup(names.items[0]);
	for (i = 1; i < names.len; i++)
		rf_buf_printf(&b, "%s%s", i > 1 ? "," : "", names.items[i]);
	if (names.len > 1)
		*rest = rf_xstrdup(b.data);
	rc = 0;
out:
	rf_buf_free(&b);
	rf_strlist_free(&names);
	rf_table_list_free(&tl);
	return rc;
}
