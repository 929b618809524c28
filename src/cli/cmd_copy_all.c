/* cmd_copy_all.c - `rowferry copy --all` (cmd_copy_all.h, DESIGN §13). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_write.h"
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
	        "rowferry: copy: %s does not go with --all, which copies every table whole "
	        "and verifies it whole; name the tables with --tables T1,T2\n",
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

/* The path of a SQLite connection's main database file into *out. */
static int sqlite_file(struct rf_db *src, char **out, struct rf_error *err)
{
	struct rf_result r = {0};
	int rc = -1;

	if (src->ops->exec(src, "SELECT file FROM pragma_database_list WHERE name = 'main'", 0,
	                   NULL, &r, err) != 0)
		goto out;
	if (r.nrows != 1 || r.ncols != 1 || r.cells[0].is_null || r.cells[0].len == 0) {
		rf_error_set(err, src->name, "no database file to check (an in-memory database)");
		goto out;
	}
	*out = rf_xstrndup(r.cells[0].data, r.cells[0].len);
	rc = 0;
out:
	rf_result_free(&r);
	return rc;
}

/* The SHA-256 of the file at path, hex. */
static int file_sha256(const char *path, char hex[RF_SHA256_HEX_LEN + 1], struct rf_error *err)
{
	struct rf_sha256 c;
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return rf_error_set(err, path, "cannot read: %s", strerror(errno));
	rf_sha256_init(&c);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		rf_sha256_update(&c, buf, n);
	if (ferror(f)) {
		rf_sha256_free(&c);
		fclose(f);
		return rf_error_set(err, path, "cannot read: %s", strerror(errno));
	}
	fclose(f);
	rf_sha256_final_hex(&c, hex);
	return 0;
}

int cli_all_check_source(struct rf_db *src, char hex[RF_SHA256_HEX_LEN + 1])
{
	struct rf_result r = {0};
	struct rf_error err;
	char *path = NULL;
	size_t i;
	int rc = CLI_EXIT_ERROR;

	hex[0] = '\0';
	rf_error_clear(&err);
	if (strcmp(src->ops->engine, "sqlite") != 0)
		return 0;
	if (src->ops->exec(src, "PRAGMA integrity_check", 0, NULL, &r, &err) != 0) {
		cli_print_error(&err);
		fprintf(stderr,
		        "rowferry: copy: refused: %s failed PRAGMA integrity_check (above); "
		        "nothing written\n",
		        src->name);
		rc = CLI_EXIT_REFUSED;
		goto out;
	}
	if (r.nrows != 1 || r.ncols != 1 || r.cells[0].is_null || r.cells[0].len != 2 ||
	    memcmp(r.cells[0].data, "ok", 2) != 0) {
		for (i = 0; i < r.nrows && i < 10; i++)
			if (r.ncols && !r.cells[i * r.ncols].is_null)
				fprintf(stderr, "  %.*s\n", (int)r.cells[i * r.ncols].len,
				        r.cells[i * r.ncols].data);
		fprintf(stderr,
		        "rowferry: copy: refused: %s failed PRAGMA integrity_check (above); "
		        "nothing written\n",
		        src->name);
		rc = CLI_EXIT_REFUSED;
		goto out;
	}
	if (sqlite_file(src, &path, &err) != 0 || file_sha256(path, hex, &err) != 0) {
		cli_print_error(&err);
		goto out;
	}
	rc = 0;
out:
	free(path);
	rf_result_free(&r);
	return rc;
}

void cli_all_print_check(const struct cli_all_run *run)
{
	const struct rf_all_check *c = &run->check;
	unsigned long long rows = 0;
	size_t i, ok = 0;

	if (!c->len)
		return;
	printf("verified before COMMIT (rows read from %s, rows in %s after the copy):\n",
	       c->src->name, c->dst->name);
	for (i = 0; i < c->len; i++) {
		const struct rf_all_table_check *v = &c->items[i];
		printf("  %-24s %10llu %10llu  %s", v->table, v->src_rows, v->dst_rows,
		       !v->ok      ? "MISMATCH"
		       : v->summed ? "ok (count, checksum)"
		                   : "ok (count)");
		if (v->why)
			printf(": %s", v->why);
		printf("\n");
		rows += v->src_rows;
		ok += v->ok;
	}
	printf("  %zu of %zu tables verified, %llu rows\n", ok, c->len, rows);
}
