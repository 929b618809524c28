/* journal_read.c - reading undo journals back, marking their state,
 * listing and finding them (journal.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal_internal.h"
#include "rowferry/journal.h"
#include "rowferry/sha256.h"

static char *dup_string(json_t *o, const char *field)
{
	const char *s = json_string_value(json_object_get(o, field));
	return s ? rf_xstrdup(s) : NULL;
}

/* A long string of the line (journal_line.c) that v stands for: its
 * bytes already lie in block at *off, *len long. */
static bool long_string(json_t *v, const struct rf_journal_lines *rd, size_t *off, size_t *len)
{
	json_int_t k;

	if (!rd || !json_is_integer(v) || (k = json_integer_value(v)) < 0 || (size_t)k >= rd->nlong)
		return false;
	*off = rd->long_off[k];
	*len = rd->long_len[k];
	return true;
}

/* Appends the bytes of JSON value v to block, recording where they start
 * in cell (data is fixed up once the block stops moving). A long string
 * (rd) is where it lies in block already: its hex is decoded in place. */
static int add_value(json_t *v, struct rf_buf *block, struct rf_cell *cell,
                     const struct rf_journal_lines *rd)
{
	json_t *hex = json_is_object(v) ? json_object_get(v, "hex") : NULL;
	size_t off, len;
	long got;

	memset(cell, 0, sizeof *cell);
	if (!v || json_is_null(v)) {
		cell->is_null = true;
		return 0;
	}
	if (long_string(v, rd, &off, &len)) {
		cell->data = (const char *)(uintptr_t)off;
		cell->len = len;
		return 0;
	}
	if (long_string(hex, rd, &off, &len)) {
		if ((got = rf_hex_decode(block->data + off, block->data + off, len)) < 0)
			return -1;
		cell->data = (const char *)(uintptr_t)off;
		cell->len = (size_t)got;
		return 0;
	}
	cell->data = (const char *)(uintptr_t)block->len; /* an offset until fixed up */
	if (json_is_string(v)) {
		rf_buf_add(block, json_string_value(v), json_string_length(v));
	} else if (json_is_string(hex)) {
		const char *h = json_string_value(hex);
		size_t i, n = strlen(h);
		for (i = 0; i + 1 < n; i += 2) {
			int hi = rf_hex_digit(h[i]), lo = rf_hex_digit(h[i + 1]);
			if (hi < 0 || lo < 0)
				return -1;
			rf_buf_addc(block, (char)(hi << 4 | lo));
		}
	} else {
		return -1;
	}
	cell->len = block->len - (size_t)(uintptr_t)cell->data;
	return 0;
}

static void fix_cells(struct rf_cell *c, size_t n, const char *base)
{
	size_t i;
	for (i = 0; c && i < n; i++)
		c[i].data = c[i].is_null ? NULL : base + (size_t)(uintptr_t)c[i].data;
}

/* Cells for `names` from a JSON object; a missing name is an error. */
static struct rf_cell *read_image(json_t *obj, const struct rf_strlist *names, struct rf_buf *block,
                                  const struct rf_journal_lines *rd, const char **missing)
{
	struct rf_cell *cells = rf_xcalloc(names->len ? names->len : 1, sizeof *cells);
	size_t i;
	for (i = 0; i < names->len; i++) {
		json_t *v = json_object_get(obj, names->items[i]);
		if (!v || add_value(v, block, &cells[i], rd) != 0) {
			*missing = names->items[i];
			free(cells);
			return NULL;
		}
	}
	return cells;
}

/* The table an op line is of: "table" in version 2, the one table in 1. */
static int op_table(struct rf_journal *j, json_t *o, size_t lineno, size_t *t, struct rf_error *err)
{
	const char *name = json_string_value(json_object_get(o, "table"));
	int i;

	*t = 0;
	if (j->version == 1)
		return 0;
	i = name ? rf_journal_table(j, name) : -1;
	if (i < 0)
		return rf_error_set(err, j->path, "line %zu: %s", lineno,
		                    name ? "an op of a table the header does not list"
		                         : "an op without its table");
	*t = (size_t)i;
	return 0;
}

/* {"op":"sequence","table":..,"column":..,"before":"41","after":"1041"} */
static int parse_sequence(struct rf_journal *j, json_t *o, size_t lineno, struct rf_error *err)
{
	const char *col = json_string_value(json_object_get(o, "column"));
	struct rf_journal_sequence *sq;
	long long before, after;
	size_t ti;

	if (op_table(j, o, lineno, &ti, err) != 0)
		return -1;
	if (!col || !*col || !rf_journal_json_long(json_object_get(o, "before"), &before) ||
	    !rf_journal_json_long(json_object_get(o, "after"), &after))
		return rf_error_set(
		    err, j->path, "line %zu: sequence without its column, before or after", lineno);
	j->seqs = rf_xrealloc(j->seqs, (j->nseqs + 1) * sizeof *j->seqs);
	sq = &j->seqs[j->nseqs++];
	sq->table = ti;
	sq->column = rf_xstrdup(col);
	sq->before = before;
	sq->after = after;
	sq->at = j->nops;
	return 0;
}

static int parse_op(struct rf_journal *j, json_t *o, size_t lineno, struct rf_journal_lines *rd,
                    struct rf_error *err)
{
	const char *op = json_string_value(json_object_get(o, "op"));
	json_t *key = json_object_get(o, "key"), *before = json_object_get(o, "before");
	json_t *after = json_object_get(o, "after");
	struct rf_journal_op *jo;
	struct rf_journal_table *t;
	struct rf_buf block = RF_BUF_INIT;
	const char *missing = NULL, *k;
	size_t ti;
	json_t *v;

	if (op_table(j, o, lineno, &ti, err) != 0)
		return -1;
	t = &j->tables[ti];
	if (!t->cols.len && (after || before)) {
		/* the columns, in the order the table's first image has them */
		json_object_foreach(after ? after : before, k, v)
		{
			rf_strlist_add(&t->cols, k);
		}
	}
	j->ops = rf_xrealloc(j->ops, (j->nops + 1) * sizeof *j->ops);
	jo = &j->ops[j->nops];
	memset(jo, 0, sizeof *jo);
	jo->table = ti;
	if (op && strcmp(op, "insert") == 0)
		jo->kind = RF_OP_INSERT;
	else if (op && strcmp(op, "update") == 0)
		jo->kind = RF_OP_UPDATE;
	else if (op && strcmp(op, "delete") == 0)
		jo->kind = RF_OP_DELETE;
	else
		return rf_error_set(err, j->path, "line %zu: unknown op '%s'", lineno,
		                    op ? op : "");
	if (!json_is_object(key) || (jo->kind != RF_OP_DELETE && !json_is_object(after)) ||
	    (jo->kind != RF_OP_INSERT && !json_is_object(before)))
		return rf_error_set(err, j->path, "line %zu: %s without its key or images", lineno,
		                    op);
	if (rd->nlong) { /* the long strings' bytes start the block */
		block = rd->longs;
		memset(&rd->longs, 0, sizeof rd->longs);
	}
	jo->key = read_image(key, &t->key, &block, rd, &missing);
	if (jo->key && before)
		jo->before = read_image(before, &t->cols, &block, rd, &missing);
	if (jo->key && after && (!before || jo->before))
		jo->after = read_image(after, &t->cols, &block, rd, &missing);
	if (missing) {
		free(jo->key);
		free(jo->before);
		free(jo->after);
		rf_buf_free(&block);
		return rf_error_set(err, j->path, "line %zu: no usable value for column %s", lineno,
		                    missing);
	}
	jo->block = rf_buf_steal(&block);
	fix_cells(jo->key, t->key.len, jo->block);
	fix_cells(jo->before, t->cols.len, jo->block);
	fix_cells(jo->after, t->cols.len, jo->block);
	j->nops++;
	return 0;
}

static bool is_create(json_t *o)
{
	const char *op = json_string_value(json_object_get(o, "op"));
	return op && strcmp(op, "create") == 0;
}

/* A create op: its table, by name, into j->created. */
static int add_created(struct rf_journal *j, json_t *o, size_t lineno, struct rf_error *err)
{
	size_t t;
	if (op_table(j, o, lineno, &t, err) != 0)
		return -1;
	if (!json_is_string(json_object_get(o, "ddl")))
		return rf_error_set(err, j->path, "line %zu: a create op without its ddl", lineno);
	rf_strlist_add(&j->created_tables, j->tables[t].table);
	return 0;
}

static bool is_load(json_t *o)
{
	const char *op = json_string_value(json_object_get(o, "op"));
	return op && strcmp(op, "load") == 0;
}

/* {"op":"load","table":..,"rows":"N"[,"sum":..]}: into j->loads. */
static int add_load(struct rf_journal *j, json_t *o, size_t lineno, struct rf_error *err)
{
	long long rows;
	size_t t;

	if (op_table(j, o, lineno, &t, err) != 0)
		return -1;
	if (!rf_journal_json_long(json_object_get(o, "rows"), &rows) || rows < 0)
		return rf_error_set(err, j->path, "line %zu: a load op without its rows", lineno);
	j->loads = rf_xrealloc(j->loads, (j->nloads + 1) * sizeof *j->loads);
	memset(&j->loads[j->nloads], 0, sizeof j->loads[j->nloads]);
	j->loads[j->nloads].table = t;
	j->loads[j->nloads].rows = (unsigned long long)rows;
	j->nloads++;
	if (json_object_get(o, "sum") &&
	    rf_journal_parse_load_sum(o, &j->loads[j->nloads - 1].sum,
	                              &j->loads[j->nloads - 1].has_sum) != 0)
		return rf_error_set(err, j->path, "line %zu: a load op with a malformed sum",
		                    lineno);
	return 0;
}

/* One table of the header: its name and key columns. */
static int add_table(struct rf_journal *j, const char *name, json_t *key)
{
	struct rf_journal_table *t;
	size_t i;
	json_t *v;

	if (!name || !json_is_array(key) || rf_journal_table(j, name) >= 0)
		return -1;
	j->tables = rf_xrealloc(j->tables, (j->ntables + 1) * sizeof *j->tables);
	t = &j->tables[j->ntables++];
	memset(t, 0, sizeof *t);
	t->table = rf_xstrdup(name);
	json_array_foreach(key, i, v)
	{
		if (!json_is_string(v))
			return -1;
		rf_strlist_add(&t->key, json_string_value(v));
	}
	return 0;
}

static int parse_header(struct rf_journal *j, json_t *o, struct rf_error *err)
{
	json_t *tables = json_object_get(o, "tables"), *v;
	json_int_t version = json_integer_value(json_object_get(o, "rowferry_undo"));
	size_t i;

	if (version != 1 && version != 2)
		return rf_error_set(err, j->path, "not a rowferry undo journal (version 1 or 2)");
	j->version = (int)version;
	j->id = dup_string(o, "id");
	j->created = dup_string(o, "created");
	j->source = dup_string(o, "source");
	j->target = dup_string(o, "target");
	j->two_phase = json_is_true(json_object_get(o, "prepare"));
	v = json_object_get(o, "rejected");
	if (json_is_integer(v) && json_integer_value(v) > 0)
		j->rejected = (size_t)json_integer_value(v);
	if (!j->id || !j->created || !j->target)
		return rf_error_set(err, j->path, "line 1: the journal header is incomplete");
	if (version == 1) {
		if (add_table(j, json_string_value(json_object_get(o, "table")),
		              json_object_get(o, "key")) != 0)
			return rf_error_set(err, j->path,
			                    "line 1: the journal header's table or key is missing "
			                    "or bad");
	} else {
		if (!json_is_array(tables) || json_array_size(tables) == 0)
			return rf_error_set(err, j->path,
			                    "line 1: the journal header lists no tables");
		json_array_foreach(tables, i, v)
		{
			if (!json_is_object(v) ||
			    add_table(j, json_string_value(json_object_get(v, "table")),
			              json_object_get(v, "key")) != 0)
				return rf_error_set(
				    err, j->path,
				    "line 1: table %zu of the header is bad (no name, no "
				    "key, or listed twice)",
				    i + 1);
		}
	}
	j->table = rf_xstrdup(j->tables[0].table);
	j->state = RF_JOURNAL_PENDING;
	return 0;
}

/* A prepared line: checked against the seal and the op lines above it. */
static void parse_prepared(struct rf_journal *j, json_t *o, const char *seal_hex, size_t nops)
{
	const char *sha = json_string_value(json_object_get(o, "sha256"));
	const char *tx = json_string_value(json_object_get(o, "tx"));
	json_t *ops = json_object_get(o, "ops");

	if (j->prepared)
		return; /* only the first counts */
	j->prepared = true;
	j->prepared_ok = sha && tx && *tx && strcmp(sha, seal_hex) == 0 && json_is_integer(ops) &&
	                 json_integer_value(ops) == (json_int_t)nops;
	j->tx = tx ? rf_xstrdup(tx) : NULL;
	j->prepared_sha = sha ? rf_xstrdup(sha) : NULL;
	if (!j->prepared_ok)
		j->prepare_problem = rf_xstrdup(
		    !sha || strcmp(sha, seal_hex) != 0
		        ? "its prepared line's sha256 does not match its content: it was edited "
		          "after the copy"
		    : !tx || !*tx ? "its prepared line names no transaction"
		                  : "its prepared line's op count does not match its op lines");
}

/* The committed line: a journal with a prepared line (two_phase) must
 * repeat that line's seal and op count; an older one is checked against
 * the seal of the bytes above it. */
static void check_committed(struct rf_journal *j, json_t *o, const char *seal_hex, size_t nops)
{
	const char *sha = json_string_value(json_object_get(o, "sha256"));
	json_t *ops = json_object_get(o, "ops");
	bool ops_ok = json_is_integer(ops) && json_integer_value(ops) == (json_int_t)nops;

	j->sealed = true;
	if (j->two_phase) {
		j->seal_ok = j->prepared_ok && sha && strcmp(sha, j->prepared_sha) == 0 && ops_ok;
		if (!j->seal_ok)
			j->seal_problem =
			    rf_xstrdup(!j->prepared ? "it has a committed line but no prepared line"
			               : !j->prepared_ok
			                   ? j->prepare_problem
			                   : "its committed line does not match its prepared line");
		return;
	}
	j->seal_ok = sha && strcmp(sha, seal_hex) == 0 && ops_ok;
	if (!j->seal_ok)
		j->seal_problem = rf_xstrdup(!sha || strcmp(sha, seal_hex) != 0
		                                 ? "its sha256 does not match its content: it was "
		                                   "edited after the copy"
		                                 : "its op count does not match its op lines");
}

/* A state line; the committed one is checked against the seal so far. */
static void parse_state(struct rf_journal *j, json_t *o, const char *seal_hex, size_t nops)
{
	const char *st = json_string_value(json_object_get(o, "state"));
	const char *note = json_string_value(json_object_get(o, "reason"));

	if (!note)
		note = json_string_value(json_object_get(o, "resolved"));
	if (strcmp(st, "prepared") == 0) {
		parse_prepared(j, o, seal_hex, nops);
		return; /* still pending */
	}
	if (strcmp(st, "committed") == 0) {
		if (!j->sealed)
			check_committed(j, o, seal_hex, nops);
		j->state = RF_JOURNAL_COMMITTED;
	} else if (strcmp(st, "aborted") == 0) {
		j->state = RF_JOURNAL_ABORTED;
	} else if (strcmp(st, "undone") == 0) {
		j->state = RF_JOURNAL_UNDONE;
		j->undo_skipped = (size_t)json_integer_value(json_object_get(o, "skipped"));
	} else if (strcmp(st, "pending") == 0) {
		j->state = RF_JOURNAL_PENDING;
	}
	free(j->state_at);
	free(j->note);
	j->state_at = dup_string(o, "at");
	j->note = note ? rf_xstrdup(note) : NULL;
}

int rf_journal_load(const char *path, bool summary, struct rf_journal *j, struct rf_error *err)
{
	struct rf_sha256 seal;
	char seal_hex[RF_SHA256_HEX_LEN + 1] = "";
	struct rf_journal_lines rd;
	size_t lineno = 0, nops = 0;
	int n;
	FILE *f;
	int rc = -1;

	memset(j, 0, sizeof *j);
	f = fopen(path, "r");
	if (!f)
		return rf_error_set(err, path, "cannot open the journal: %s", strerror(errno));
	j->path = rf_xstrdup(path);
	/* a running apply or undo holds an exclusive lock on it */
	if (flock(fileno(f), LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK)
		j->busy = true;
	rf_sha256_init(&seal);
	rf_journal_lines_init(&rd, f);
	while ((n = rf_journal_lines_next(&rd, !j->sealed && !j->prepared ? &seal : NULL)) > 0) {
		bool complete = rd.complete;
		json_error_t jerr;
		json_t *o;

		lineno++;
		o = json_loadb(rd.line.data, rd.line.len, JSON_ALLOW_NUL, &jerr);
		if (!o || !json_is_object(o)) {
			json_decref(o);
			if (!complete && lineno > 1)
				break; /* a torn last line: the apply died writing it */
			rf_error_set(err, path, "line %zu: not a JSON object (%s)", lineno,
			             jerr.text);
			goto out;
		}
		if (lineno == 1) {
			if (parse_header(j, o, err) != 0) {
				json_decref(o);
				goto out;
			}
		} else if (json_object_get(o, "op")) {
			if (j->sealed && !j->seal_problem)
				j->seal_problem =
				    rf_xstrdup("it has op lines after its committed line");
			if (j->sealed)
				j->seal_ok = false;
			if (j->prepared && j->prepared_ok) {
				j->prepared_ok = false;
				j->prepare_problem =
				    rf_xstrdup("it has op lines after its prepared line");
			}
			const char *op = json_string_value(json_object_get(o, "op"));
			bool seq = op && strcmp(op, "sequence") == 0;
			nops++;
			if (is_create(o) || is_load(o)) {
				if ((is_create(o) ? add_created(j, o, lineno, err)
				                  : add_load(j, o, lineno, err)) != 0) {
					json_decref(o);
					goto out;
				}
			} else if (summary) {
				j->nops += !seq;
			} else if (seq ? parse_sequence(j, o, lineno, err) != 0
			               : parse_op(j, o, lineno, &rd, err) != 0) {
				json_decref(o);
				goto out;
			}
		} else if (json_is_string(json_object_get(o, "state"))) {
			const char *st = json_string_value(json_object_get(o, "state"));
			if (!j->sealed && !j->prepared &&
			    (strcmp(st, "committed") == 0 || strcmp(st, "prepared") == 0)) {
				struct rf_sha256 copy;
				rf_sha256_copy(&copy, &seal);
				rf_sha256_final_hex(&copy, seal_hex);
			}
			parse_state(j, o, seal_hex, nops);
		} else {
			json_decref(o);
			rf_error_set(err, path, "line %zu: neither an op nor a state", lineno);
			goto out;
		}
		if (!j->sealed && !j->prepared)
			rf_journal_lines_take_hash(&rd, &seal);
		json_decref(o);
	}
	if (n < 0) {
		rf_error_set(err, path, "line %zu: %s", lineno + 1,
		             n == -1 ? "cannot be read" : "a string with a bad escape");
		goto out;
	}
	if (lineno == 0) {
		rf_error_set(err, path, "the journal is empty");
		goto out;
	}
	rc = 0;
out:
	rf_sha256_free(&seal);
	rf_journal_lines_free(&rd);
	fclose(f);
	if (rc != 0) /* what was read up to the bad line is not a journal */
		rf_journal_free(j);
	return rc;
}

void rf_journal_free(struct rf_journal *j)
{
	size_t i;
	for (i = 0; j->ops && i < j->nops; i++) {
		free(j->ops[i].key);
		free(j->ops[i].before);
		free(j->ops[i].after);
		free(j->ops[i].block);
	}
	free(j->ops);
	for (i = 0; j->seqs && i < j->nseqs; i++)
		free(j->seqs[i].column);
	free(j->seqs);
	free(j->path);
	free(j->id);
	free(j->created);
	rf_strlist_free(&j->created_tables);
	for (size_t l = 0; l < j->nloads; l++)
		rf_journal_load_sum_free(&j->loads[l].sum);
	free(j->loads);
	free(j->source);
	free(j->target);
	free(j->table);
	for (i = 0; i < j->ntables; i++) {
		free(j->tables[i].table);
		rf_strlist_free(&j->tables[i].key);
		rf_strlist_free(&j->tables[i].cols);
	}
	free(j->tables);
	free(j->state_at);
	free(j->note);
	free(j->seal_problem);
	free(j->tx);
	free(j->prepared_sha);
	free(j->prepare_problem);
	memset(j, 0, sizeof *j);
}

int rf_journal_col(const struct rf_journal *j, size_t t, const char *name)
{
	return t < j->ntables ? rf_strlist_index(&j->tables[t].cols, name) : -1;
}

void rf_journal_tables_text(const struct rf_journal *j, const char *sep, struct rf_buf *out)
{
	size_t i;
	for (i = 0; i < j->ntables; i++) {
		if (i)
			rf_buf_adds(out, sep);
		rf_buf_adds(out, j->tables[i].table);
	}
}

int rf_journal_table(const struct rf_journal *j, const char *name)
{
	size_t i;
	for (i = 0; i < j->ntables; i++)
		if (strcmp(j->tables[i].table, name) == 0)
			return (int)i;
	return -1;
}

/* The offset just past the last '\n' of the file, or -1 with err. */
static off_t last_line_end(int fd, const char *path, struct rf_error *err)
{
	char buf[65536];
	off_t pos = 0, end = 0;
	ssize_t n, i;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return rf_error_set(err, path, "cannot read: %s", strerror(errno));
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rf_error_set(err, path, "cannot read: %s", strerror(errno));
		for (i = 0; i < n; i++)
			if (buf[i] == '\n')
				end = pos + i + 1;
		pos += n;
	}
	return end;
}

/* Cuts off a torn last line (the apply died writing it, before any
 * COMMIT), so the line appended next stands on its own and the journal
 * still parses. */
static int cut_torn_line(int fd, const char *path, struct rf_error *err)
{
	off_t end = last_line_end(fd, path, err);

	if (end < 0)
		return -1;
	if (lseek(fd, 0, SEEK_END) > end && ftruncate(fd, end) != 0)
		return rf_error_set(err, path, "cannot cut the torn last line: %s",
		                    strerror(errno));
	return 0;
}

int rf_journal_mark(const char *path, enum rf_journal_state state, size_t ops, size_t skipped,
                    const char *sha256, const char *note, struct rf_error *err)
{
	char at[32];
	struct rf_buf line = RF_BUF_INIT;
	json_t *o = NULL;
	int fd, rc = -1;

	if (state == RF_JOURNAL_COMMITTED && !sha256)
		return rf_error_set(err, path, "a committed line needs the prepared line's seal");
	fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return rf_error_set(err, path, "cannot open the journal: %s", strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		rf_error_set(err, path, "another rowferry process is using this journal");
		goto out;
	}
	if (cut_torn_line(fd, path, err) != 0)
		goto out;
	rf_journal_now(at, sizeof at, false);
	o = json_pack("{s:s,s:s}", "state", rf_journal_state_name(state), "at", at);
	if (state == RF_JOURNAL_COMMITTED || state == RF_JOURNAL_UNDONE)
		json_object_set_new(o, "ops", json_integer((json_int_t)ops));
	if (state == RF_JOURNAL_UNDONE)
		json_object_set_new(o, "skipped", json_integer((json_int_t)skipped));
	if (state == RF_JOURNAL_COMMITTED)
		json_object_set_new(o, "sha256", json_string(sha256));
	if (note)
		json_object_set_new(o, state == RF_JOURNAL_UNDONE ? "note" : "resolved",
		                    json_string(note));
	rf_journal_dump_line(o, &line);
	if (rf_journal_write_all(fd, line.data, line.len, path, err) != 0)
		goto out;
	if (fsync(fd) != 0) {
		rf_error_set(err, path, "cannot sync the journal: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	json_decref(o);
	rf_buf_free(&line);
	close(fd);
	return rc;
}

bool rf_journal_exposed(const char *path, unsigned *mode)
{
	struct stat st;

	*mode = 0;
	if (stat(path, &st) != 0)
		return false;
	*mode = (unsigned)(st.st_mode & 07777);
	return (st.st_mode & 077) != 0;
}

static bool is_journal_name(const char *name)
{
	size_t n = strlen(name);
	/* a copy's rejects file (<journal>.rejects.jsonl) is not a journal */
	return n > 6 && strcmp(name + n - 6, ".jsonl") == 0 && name[0] != '.' &&
	       !(n > 14 && strcmp(name + n - 14, ".rejects.jsonl") == 0);
}

static int name_cmp_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* The journal file names in dir, newest first. */
static int list_names(const char *dir, struct rf_strlist *names, struct rf_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		if (errno == ENOENT)
			return 0; /* no copy yet */
		return rf_error_set(err, dir, "cannot read the undo directory: %s",
		                    strerror(errno));
	}
	while ((e = readdir(d)))
		if (is_journal_name(e->d_name))
			rf_strlist_add(names, e->d_name);
	closedir(d);
	if (names->len)
		qsort(names->items, names->len, sizeof *names->items, name_cmp_desc);
	return 0;
}

int rf_journal_list(const char *dir, struct rf_journal_list *out, struct rf_error *err)
{
	struct rf_strlist names = RF_STRLIST_INIT;
	size_t i;

	out->len = 0;
	out->items = NULL;
	if (list_names(dir, &names, err) != 0)
		return -1;
	out->items = rf_xcalloc(names.len ? names.len : 1, sizeof *out->items);
	for (i = 0; i < names.len; i++) {
		char *path = rf_xasprintf("%s/%s", dir, names.items[i]);
		struct rf_journal *j = &out->items[out->len++];
		struct rf_error e;
		rf_error_clear(&e);
		if (rf_journal_load(path, true, j, &e) != 0) {
			char text[1300];
			free(j->note);
			j->note = rf_xstrdup(rf_error_text(&e, text, sizeof text));
			if (!j->path)
				j->path = rf_xstrdup(path);
		}
		free(path);
	}
	rf_strlist_free(&names);
	return 0;
}

void rf_journal_list_free(struct rf_journal_list *l)
{
	size_t i;
	for (i = 0; i < l->len; i++)
		rf_journal_free(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = 0;
}

/* The id part of a journal file name: after the last '-', before ".jsonl". */
static bool id_starts_with(const char *name, const char *prefix)
{
	const char *dash = strrchr(name, '-');
	return dash && strncmp(dash + 1, prefix, strlen(prefix)) == 0;
}

char *rf_journal_find(const char *dir, const char *spec, struct rf_error *err)
{
	struct rf_strlist names = RF_STRLIST_INIT;
	struct stat st;
	char *found = NULL, *path;
	size_t i, nfound = 0;

	if (stat(spec, &st) == 0 && S_ISREG(st.st_mode))
		return rf_xstrdup(spec);
	if (strchr(spec, '/')) {
		rf_error_set(err, spec, "no such journal: %s", strerror(errno));
		return NULL;
	}
	path = rf_xasprintf("%s/%s", dir, spec);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return path;
	free(path);
	if (list_names(dir, &names, err) != 0)
		return NULL;
	for (i = 0; i < names.len; i++) {
		if (strncmp(names.items[i], spec, strlen(spec)) != 0 &&
		    !id_starts_with(names.items[i], spec))
			continue;
		if (nfound++ == 0)
			found = rf_xasprintf("%s/%s", dir, names.items[i]);
	}
	rf_strlist_free(&names);
	if (nfound == 1)
		return found;
	free(found);
	if (nfound == 0)
		rf_error_set(err, spec, "no such journal in %s (see rowferry log)", dir);
	else
		rf_error_set(err, spec, "%zu journals in %s match; give more of the name", nfound,
		             dir);
	return NULL;
}
