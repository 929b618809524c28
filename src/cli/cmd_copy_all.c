/* cmd_copy_all.c - `rowferry copy --all` (cmd_copy_all.h, DESIGN §13). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_write.h"
#include "cmd_copy_all.h"
#include "rowferry/all_tables.h"

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

int cli_all_tables(struct rf_db *src, struct rf_db *dst, const char *list,
                   struct rf_planned_tables *create, char **root, char **rest)
{
	struct rf_strlist names = RF_STRLIST_INIT, missing = RF_STRLIST_INIT;
	struct rf_buf b = RF_BUF_INIT;
	struct rf_error err;
	size_t i, n;
	int rc = -1;

	*root = *rest = NULL;
	rf_error_clear(&err);
	if (rf_all_tables(src, dst, list, create, &names, &missing, &err) != 0) {
		cli_print_error(&err);
		goto out;
	}
	n = missing.len;
	if (n && !create) {
		fprintf(stderr, "rowferry: copy: --all: %zu of the %zu tables are not in %s:", n,
		        names.len, dst->name);
		for (i = 0; i < n; i++)
			fprintf(stderr, " %s", missing.items[i]);
		fprintf(stderr, "\n  create them with --create, or first: rowferry ddl");
		for (i = 0; i < n; i++)
			fprintf(stderr, " %s", missing.items[i]);
		fprintf(stderr, " --from %s --to %s\n", src->name, dst->name);
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
	rf_strlist_free(&missing);
	return rc;
}

int cli_all_check_source(struct rf_db *src, char hex[RF_SHA256_HEX_LEN + 1])
{
	struct rf_strlist problems = RF_STRLIST_INIT;
	struct rf_error err;
	size_t i;
	int rc;

	rf_error_clear(&err);
	rc = rf_all_check_source(src, hex, &problems, &err);
	if (rc == 1) {
		if (!problems.len)
			cli_print_error(&err);
		for (i = 0; i < problems.len; i++)
			fprintf(stderr, "  %s\n", problems.items[i]);
		fprintf(stderr,
		        "rowferry: copy: refused: %s failed PRAGMA integrity_check (above); "
		        "nothing written\n",
		        src->name);
		rc = CLI_EXIT_REFUSED;
	} else if (rc < 0) {
		cli_print_error(&err);
		rc = CLI_EXIT_ERROR;
	}
	rf_strlist_free(&problems);
	return rc;
}

static const char *verdict(const struct rf_all_table_check *v)
{
	return !v->checked ? "not verified"
	       : !v->ok    ? "MISMATCH"
	       : v->summed ? "count, checksum"
	                   : "count";
}

static json_t *report_json(const struct cli_all_run *run, const struct rf_apply_result *res,
                           double seconds)
{
	const struct rf_all_check *c = &run->check;
	json_t *o = json_object(), *tables = json_array();
	unsigned long long rows = 0, bytes = 0;
	size_t i, written = 0;

	for (i = 0; i < c->len; i++) {
		const struct rf_all_table_check *v = &c->items[i];
		json_t *t =
		    json_pack("{s:s,s:I,s:I,s:I,s:I,s:f,s:s}", "table", v->table, "rows_read",
		              (json_int_t)v->src_rows, "rows_in_target", (json_int_t)v->dst_rows,
		              "written", (json_int_t)v->written, "bytes", (json_int_t)v->bytes,
		              "seconds", v->write_seconds, "verified", verdict(v));
		if (v->why)
			json_object_set_new(t, "count_only", json_string(v->why));
		json_array_append_new(tables, t);
		rows += v->src_rows;
		bytes += v->bytes;
		written += v->written;
	}
	json_object_set_new(o, "source", json_string(c->src->display_url));
	json_object_set_new(o, "target", json_string(c->dst->display_url));
	if (run->sha256)
		json_object_set_new(o, "source_sha256", json_string(run->sha256));
	json_object_set_new(o, "status",
	                    json_string(res->status == RF_APPLY_DONE      ? "committed"
	                                : res->status == RF_APPLY_NOTHING ? "nothing to do"
	                                                                  : "rolled back"));
	json_object_set_new(o, "journal", res->journal ? json_string(res->journal) : json_null());
	json_object_set_new(o, "tables", tables);
	json_object_set_new(o, "totals",
	                    json_pack("{s:I,s:I,s:I,s:f}", "rows_read", (json_int_t)rows, "written",
	                              (json_int_t)written, "bytes", (json_int_t)bytes, "seconds",
	                              seconds));
	return o;
}

static int write_report(const char *path, json_t *o)
{
	char *text = json_dumps(o, JSON_INDENT(2));
	size_t len = text ? strlen(text) : 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), rc = -1;

	if (fd >= 0 && fchmod(fd, 0600) == 0 && write(fd, text, len) == (ssize_t)len &&
	    write(fd, "\n", 1) == 1)
		rc = 0;
	if (rc != 0)
		fprintf(stderr, "rowferry: copy: --report %s: cannot write: %s\n", path,
		        strerror(errno));
	if (fd >= 0 && close(fd) != 0 && rc == 0) {
		fprintf(stderr, "rowferry: copy: --report %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	free(text);
	return rc;
}

int cli_all_report(const struct cli_all_run *run, const struct rf_apply_result *res)
{
	const struct rf_all_check *c = &run->check;
	unsigned long long rows = 0, bytes = 0;
	size_t i, ok = 0, written = 0;
	double seconds = 0;
	int rc = 0;

	if (!c->len)
		return 0;
	printf("%-24s %10s %10s %10s %12s %8s  %s\n", "table", "read", "in target", "written",
	       "bytes", "seconds", "verified before COMMIT");
	for (i = 0; i < c->len; i++) {
		const struct rf_all_table_check *v = &c->items[i];
		printf("%-24s %10llu %10llu %10zu %12llu %8.2f  %s", v->table, v->src_rows,
		       v->dst_rows, v->written, v->bytes, v->write_seconds, verdict(v));
		if (v->why)
			printf(" (%s)", v->why);
		printf("\n");
		rows += v->src_rows;
		bytes += v->bytes;
		written += v->written;
		seconds += v->write_seconds;
		ok += v->checked && v->ok;
	}
	printf("%-24s %10llu %10s %10zu %12llu %8.2f  %zu of %zu tables verified\n", "total", rows,
	       "", written, bytes, res->seconds, ok, c->len);
	if (run->report) {
		json_t *o = report_json(run, res, res->seconds);
		rc = write_report(run->report, o);
		json_decref(o);
	}
	(void)seconds;
	return rc;
}
