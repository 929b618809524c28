/* all_source.c - copy --all: a SQLite source checked and checksummed
 * before anything is written (all_copy.h, DESIGN §13). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/all_copy.h"

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

int rf_all_check_source(struct rf_db *src, char hex[RF_SHA256_HEX_LEN + 1],
                        struct rf_strlist *problems, struct rf_error *err)
{
	struct rf_result r = {0};
	char *path = NULL;
	size_t i;
	int rc = 1;

	hex[0] = '\0';
	if (strcmp(src->ops->engine, "sqlite") != 0)
		return 0;
	if (src->ops->exec(src, "PRAGMA integrity_check", 0, NULL, &r, err) != 0) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		rf_error_clear(err);
		rf_error_set(err, src->name, "failed PRAGMA integrity_check: %s", msg);
		goto out;
	}
	if (r.nrows != 1 || r.ncols != 1 || r.cells[0].is_null || r.cells[0].len != 2 ||
	    memcmp(r.cells[0].data, "ok", 2) != 0) {
		for (i = 0; i < r.nrows && i < 10; i++)
			if (r.ncols && !r.cells[i * r.ncols].is_null) {
				char *line = rf_xstrndup(r.cells[i * r.ncols].data,
				                         r.cells[i * r.ncols].len);
				if (problems)
					rf_strlist_add(problems, line);
				if (!i)
					rf_error_set(err, src->name,
					             "failed PRAGMA integrity_check: %s", line);
				free(line);
			}
		if (!r.nrows || !r.ncols || r.cells[0].is_null)
			rf_error_set(err, src->name, "failed PRAGMA integrity_check: no ok");
		goto out;
	}
	rc = -1;
	if (sqlite_file(src, &path, err) != 0 || file_sha256(path, hex, err) != 0)
		goto out;
	rc = 0;
out:
	free(path);
	rf_result_free(&r);
	return rc;
}
