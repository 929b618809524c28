/* config_write.c - a table's selection written into its [compare TABLE]
 * section (config.h): the console's W. Every other line of the file, its
 * comments and its other sections stay as they are, byte for byte; the file
 * is replaced atomically (a new file beside it, fsync'ed, renamed over it)
 * and keeps its mode. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rowferry/config.h"

/* The file's bytes, or NULL with err. */
static char *read_all(const char *path, size_t *len, struct rf_error *err)
{
	struct rf_buf b = RF_BUF_INIT;
	char chunk[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f) {
		rf_error_set(err, path, "cannot open config file: %s", strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		rf_buf_add(&b, chunk, n);
	if (ferror(f)) {
		rf_error_set(err, path, "cannot read config file: %s", strerror(errno));
		fclose(f);
		rf_buf_free(&b);
		return NULL;
	}
	fclose(f);
	*len = b.len;
	if (!b.data)
		return rf_xstrdup("");
	return b.data;
}

/* Whether line [s, e) is the header of [compare TABLE]: blanks around the
 * words do not matter, as for the loader. */
static bool is_header_of(const char *s, const char *e, const char *table)
{
	size_t tl = strlen(table);

	while (s < e && isspace((unsigned char)*s))
		s++;
	if (s == e || *s != '[')
		return false;
	for (s++; s < e && isspace((unsigned char)*s); s++)
		;
	if ((size_t)(e - s) < 7 || strncmp(s, "compare", 7) != 0)
		return false;
	s += 7;
	if (s == e || !isspace((unsigned char)*s))
		return false;
	while (s < e && isspace((unsigned char)*s))
		s++;
	if ((size_t)(e - s) < tl || strncmp(s, table, tl) != 0)
		return false;
	for (s += tl; s < e && isspace((unsigned char)*s); s++)
		;
	return s < e && *s == ']';
}

static bool is_header(const char *s, const char *e)
{
	while (s < e && isspace((unsigned char)*s))
		s++;
	return s < e && *s == '[';
}

/* Index in names of the key a "name = value" line sets, or -1. */
static int key_of(const char *s, const char *e, const char *const *names, size_t n)
{
	const char *k;
	size_t i, len;

	while (s < e && isspace((unsigned char)*s))
		s++;
	for (k = s; s < e && *s != '=' && *s != ':' && !isspace((unsigned char)*s); s++)
		;
	len = (size_t)(s - k);
	while (s < e && isspace((unsigned char)*s))
		s++;
	if (s == e || (*s != '=' && *s != ':'))
		return -1;
	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && strncmp(names[i], k, len) == 0)
			return (int)i;
	return -1;
}

/* A value the loader reads back as it is: one line, no inline comment
 * (';' after a blank), no blanks at the ends (inih trims them). */
static int check_value(const char *path, const char *name, const char *v, struct rf_error *err)
{
	const char *p;
	size_t n = strlen(v);

	for (p = v; *p; p++) {
		if (*p == '\n' || *p == '\r')
			return rf_error_set(
			    err, path, "%s holds a line break: it cannot go into a config file",
			    name);
		if (*p == ';' && p > v && isspace((unsigned char)p[-1]))
			return rf_error_set(
			    err, path,
			    "%s holds ' ;', which the config file reads as a comment: "
			    "write it without the blank before ';'",
			    name);
	}
	if (n && (isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1])))
		return rf_error_set(err, path, "%s starts or ends with a blank", name);
	return 0;
}

static void add_pairs(struct rf_buf *out, const char *const *names, const char *const *values,
                      size_t n, const bool *done)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!done[i] && values[i] && *values[i])
			rf_buf_printf(out, "%s = %s\n", names[i], values[i]);
}

/* Writes data to path through a new file beside it, with mode `mode`. */
static int replace_file(const char *path, const char *data, size_t len, mode_t mode,
                        struct rf_error *err)
{
	char *tmp = rf_xasprintf("%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp), rc = -1;
	size_t off = 0;

	if (fd < 0) {
		rf_error_set(err, path, "cannot write beside the config file: %s", strerror(errno));
		goto out;
	}
	if (fchmod(fd, mode & 07777) != 0)
		goto fail;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	rf_error_set(err, path, "cannot write the config file: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	return rc;
}

int rf_config_save_compare(const char *path, const char *table, const char *const *names,
                           const char *const *values, size_t n, struct rf_error *err)
{
	struct rf_buf out = RF_BUF_INIT;
	struct stat st;
	bool *done = rf_xcalloc(n + 1, sizeof *done), in = false, found = false;
	const char *p, *end;
	char *text = NULL;
	size_t len = 0, i, pending = 0; /* blank lines held back at a section's end */
	int rc = -1;

	if (!path) {
		rf_error_set(err, NULL,
		             "no config file to write to (start rowferry with --config FILE)");
		goto out;
	}
	if (strpbrk(table, "[]\n\r;")) {
		rf_error_set(err, path, "[compare %s]: a table name the config file cannot hold",
		             table);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (values[i] && check_value(path, names[i], values[i], err) != 0)
			goto out;
	if (stat(path, &st) != 0) {
		rf_error_set(err, path, "cannot open config file: %s", strerror(errno));
		goto out;
	}
	if (!(text = read_all(path, &len, err)))
		goto out;
	for (p = text, end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl + 1 : end, *le = nl ? nl : end;
		bool blank = true;
		const char *q;
		int k;

		for (q = p; q < le; q++)
			blank = blank && isspace((unsigned char)*q);
		if (is_header(p, le)) {
			if (in) {
				add_pairs(&out, names, values, n, done);
				memset(done, 1, n);
			}
			in = is_header_of(p, le, table);
			found = found || in;
		}
		if (in && blank) {
			pending++;
			p = e;
			continue;
		}
		for (; pending; pending--)
			rf_buf_addc(&out, '\n');
		if (in && (k = key_of(p, le, names, n)) >= 0) {
			/* the key's line: the new value in its place, or gone */
			if (!done[k] && values[k] && *values[k])
				rf_buf_printf(&out, "%s = %s\n", names[k], values[k]);
			done[k] = true;
		} else {
			rf_buf_add(&out, p, (size_t)(e - p));
			if (!nl && e > p)
				rf_buf_addc(&out, '\n');
		}
		p = e;
	}
	if (in)
		add_pairs(&out, names, values, n, done);
	for (; pending; pending--)
		rf_buf_addc(&out, '\n');
	if (!found) {
		if (out.len && out.data[out.len - 1] != '\n')
			rf_buf_addc(&out, '\n');
		rf_buf_printf(&out, "%s[compare %s]\n", out.len ? "\n" : "", table);
		add_pairs(&out, names, values, n, done);
	}
	rc = replace_file(path, out.data ? out.data : "", out.len, st.st_mode, err);
out:
	free(done);
	free(text);
	rf_buf_free(&out);
	return rc;
}
