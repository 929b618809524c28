/* journal.c - writing the undo journal (journal.h, DESIGN §6).
 * Reading it back is journal_read.c. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "journal_internal.h"
#include "rowferry/journal.h"
#include "rowferry/sha256.h"

/* Buffered op lines are written out past this size. */
#define JOURNAL_FLUSH_BYTES (1 << 20)

struct rf_journal_writer {
	int fd;
	char *path;
	char *dir;
	size_t nkey, ncols;
	char **key;               /* copies of the header's names */
	char **cols;
	struct rf_sha256 seal;    /* over every byte written so far */
	struct rf_buf pending;    /* lines not yet written */
	struct rf_buf line;       /* scratch for one line */
	size_t nops;
	bool dir_synced;
};

const char *rf_journal_state_name(enum rf_journal_state s)
{
	switch (s) {
	case RF_JOURNAL_PENDING:
		return "pending";
	case RF_JOURNAL_COMMITTED:
		return "committed";
	case RF_JOURNAL_ABORTED:
		return "aborted";
	case RF_JOURNAL_UNDONE:
		return "undone";
	}
	return "?";
}

void rf_journal_now(char *out, size_t outlen, bool compact)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, outlen, compact ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int rf_journal_write_all(int fd, const char *data, size_t len, const char *path,
                         struct rf_error *err)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rf_error_set(err, path, "cannot write: %s", strerror(errno));
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int rf_journal_dump_line(json_t *obj, struct rf_buf *out)
{
	size_t need = json_dumpb(obj, NULL, 0, JSON_COMPACT);
	if (need == 0)
		return -1;
	rf_buf_reserve(out, need + 1);
	json_dumpb(obj, out->data + out->len, need, JSON_COMPACT);
	out->len += need;
	out->data[out->len++] = '\n';
	out->data[out->len] = '\0';
	return 0;
}

static bool kept_as_engine_text(enum rf_type_class c)
{
	return c == RF_T_JSON || c == RF_T_UUID || c == RF_T_DECIMAL;
}

void rf_journal_form(enum rf_type_class c, const struct rf_cell *engine, struct rf_buf *out)
{
	static const struct rf_col_opts exact = RF_COL_OPTS_INIT;
	if (kept_as_engine_text(c))
		rf_buf_add(out, engine->data, engine->len);
	else
		rf_value_canon(c, engine, &exact, out);
}

bool rf_journal_equal(enum rf_type_class c, const struct rf_cell *a, const struct rf_cell *b)
{
	static const struct rf_col_opts exact = RF_COL_OPTS_INIT;
	struct rf_buf x = RF_BUF_INIT, y = RF_BUF_INIT;
	struct rf_cell ca, cb;
	bool eq;

	if (!kept_as_engine_text(c) || a->is_null || b->is_null)
		return rf_value_equal(c, a, b, NULL);
	rf_value_canon(c, a, &exact, &x);
	rf_value_canon(c, b, &exact, &y);
	ca.data = x.data ? x.data : "";
	ca.len = x.len;
	ca.is_null = false;
	cb.data = y.data ? y.data : "";
	cb.len = y.len;
	cb.is_null = false;
	eq = rf_value_equal(c, &ca, &cb, NULL);
	rf_buf_free(&x);
	rf_buf_free(&y);
	return eq;
}

/* Creates dir and its missing parents with mode 0700: journals hold row
 * data that may be as private as the database. */
static int make_dirs(const char *dir, struct rf_error *err)
{
	char *p = rf_xstrdup(dir), *s;
	int rc = 0;

	for (s = p + 1; rc == 0; s++) {
		char c = *s;
		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			rc = rf_error_set(err, p, "cannot create the undo directory: %s",
			                  strerror(errno));
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

/* Keeps a name usable in a file name: letters, digits, '.', '_' and '-'. */
static void add_safe(struct rf_buf *b, const char *s, size_t max)
{
	size_t n;
	for (n = 0; *s && n < max; s++, n++) {
		char c = *s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		          c == '.' || c == '_' || c == '-';
		rf_buf_addc(b, ok ? c : '_');
	}
}

json_t *rf_journal_value(const struct rf_cell *c)
{
	json_t *v;
	if (c->is_null)
		return json_null();
	v = json_stringn(c->data ? c->data : "", c->len);
	if (!v) {
		/* not UTF-8: JSON strings cannot hold it, hex can */
		struct rf_buf hex = RF_BUF_INIT;
		rf_buf_addhex(&hex, (const unsigned char *)c->data, c->len);
		v = json_pack("{s:s}", "hex", hex.data ? hex.data : "");
		rf_buf_free(&hex);
	}
	return v;
}

static json_t *image(size_t n, char *const *names, const struct rf_cell *cells)
{
	json_t *o = json_object();
	size_t i;
	for (i = 0; i < n; i++)
		json_object_set_new(o, names[i], rf_journal_value(&cells[i]));
	return o;
}

/* Queues a line: it joins the seal now, the file at the next flush. */
static void queue_line(struct rf_journal_writer *w, json_t *obj)
{
	rf_buf_reset(&w->line);
	rf_journal_dump_line(obj, &w->line);
	rf_sha256_update(&w->seal, w->line.data, w->line.len);
	rf_buf_add(&w->pending, w->line.data, w->line.len);
}

static int flush(struct rf_journal_writer *w, struct rf_error *err)
{
	if (rf_journal_write_all(w->fd, w->pending.data, w->pending.len, w->path, err) != 0)
		return -1;
	rf_buf_reset(&w->pending);
	return 0;
}

int rf_journal_create(const char *undo_dir, const struct rf_journal_header *h,
                      struct rf_journal_writer **out, struct rf_error *err)
{
	struct rf_journal_writer *w = rf_xcalloc(1, sizeof *w);
	struct rf_buf name = RF_BUF_INIT;
	char stamp[32], created[32], id[37];
	uuid_t u;
	json_t *hdr = NULL, *key;
	size_t i;
	int rc = -1;

	*out = NULL;
	w->fd = -1;
	if (make_dirs(undo_dir, err) != 0)
		goto out;
	uuid_generate_random(u);
	uuid_unparse_lower(u, id);
	rf_journal_now(stamp, sizeof stamp, true);
	rf_journal_now(created, sizeof created, false);
	rf_buf_printf(&name, "%s/%s-", undo_dir, stamp);
	add_safe(&name, h->target_name, 40);
	rf_buf_addc(&name, '-');
	add_safe(&name, h->table, 60);
	rf_buf_printf(&name, "-%.8s.jsonl", id);
	w->path = rf_buf_steal(&name);
	w->dir = rf_xstrdup(undo_dir);
	/* O_EXCL: never append to, or replace, another apply's journal */
	w->fd = open(w->path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		rf_error_set(err, w->path, "cannot create the undo journal: %s", strerror(errno));
		goto out;
	}
	flock(w->fd, LOCK_EX);
	w->nkey = h->nkey;
	w->ncols = h->ncols;
	w->key = rf_xcalloc(h->nkey + 1, sizeof *w->key);
	w->cols = rf_xcalloc(h->ncols + 1, sizeof *w->cols);
	for (i = 0; i < h->nkey; i++)
		w->key[i] = rf_xstrdup(h->key[i]);
	for (i = 0; i < h->ncols; i++)
		w->cols[i] = rf_xstrdup(h->cols[i]);
	rf_sha256_init(&w->seal);
	key = json_array();
	for (i = 0; i < h->nkey; i++)
		json_array_append_new(key, json_string(h->key[i]));
	hdr = json_object();
	json_object_set_new(hdr, "rowferry_undo", json_integer(1));
	json_object_set_new(hdr, "id", json_string(id));
	json_object_set_new(hdr, "created", json_string(created));
	json_object_set_new(hdr, "source", json_string(h->source));
	json_object_set_new(hdr, "target", json_string(h->target));
	json_object_set_new(hdr, "table", json_string(h->table));
	json_object_set_new(hdr, "key", key);
	json_object_set_new(hdr, "state", json_string("pending"));
	queue_line(w, hdr);
	if (flush(w, err) != 0)
		goto out;
	*out = w;
	w = NULL;
	rc = 0;
out:
	json_decref(hdr);
	if (w && w->path && w->fd >= 0)
		unlink(w->path); /* a header-less file would only confuse `log` */
	rf_journal_writer_free(w);
	return rc;
}

const char *rf_journal_writer_path(const struct rf_journal_writer *w)
{
	return w->path;
}

int rf_journal_add(struct rf_journal_writer *w, enum rf_op_kind kind, const struct rf_cell *key,
                   const struct rf_cell *before, const struct rf_cell *after,
                   struct rf_error *err)
{
	json_t *o = json_object();
	json_object_set_new(o, "op", json_string(rf_op_name(kind)));
	json_object_set_new(o, "key", image(w->nkey, w->key, key));
	if (before)
		json_object_set_new(o, "before", image(w->ncols, w->cols, before));
	if (after)
		json_object_set_new(o, "after", image(w->ncols, w->cols, after));
	queue_line(w, o);
	json_decref(o);
	w->nops++;
	if (w->pending.len >= JOURNAL_FLUSH_BYTES)
		return flush(w, err);
	return 0;
}

int rf_journal_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int rf_journal_sync(struct rf_journal_writer *w, struct rf_error *err)
{
	if (flush(w, err) != 0)
		return -1;
	if (fsync(w->fd) != 0)
		return rf_error_set(err, w->path, "cannot sync the undo journal: %s", strerror(errno));
	/* the file's directory entry must be durable too, or a crash could
	 * lose the whole journal of a committed copy */
	if (!w->dir_synced && rf_journal_fsync_dir(w->dir) != 0)
		return rf_error_set(err, w->dir, "cannot sync the undo directory: %s",
		                    strerror(errno));
	w->dir_synced = true;
	return 0;
}

int rf_journal_commit(struct rf_journal_writer *w, struct rf_error *err)
{
	char hex[RF_SHA256_HEX_LEN + 1];
	json_t *o;

	if (flush(w, err) != 0)
		return -1;
	rf_sha256_final_hex(&w->seal, hex);
	o = json_pack("{s:s,s:I,s:s}", "state", "committed", "ops", (json_int_t)w->nops, "sha256",
	              hex);
	rf_buf_reset(&w->pending);
	rf_journal_dump_line(o, &w->pending);
	json_decref(o);
	return rf_journal_sync(w, err);
}

int rf_journal_abort(struct rf_journal_writer *w, const char *reason, struct rf_error *err)
{
	json_t *o = json_pack("{s:s}", "state", "aborted");
	if (reason) {
		json_t *r = json_string(reason);
		json_object_set_new(o, "reason", r ? r : json_string("(not valid UTF-8)"));
	}
	rf_journal_dump_line(o, &w->pending);
	json_decref(o);
	return rf_journal_sync(w, err);
}

void rf_journal_writer_free(struct rf_journal_writer *w)
{
	size_t i;
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	for (i = 0; w->key && i < w->nkey; i++)
		free(w->key[i]);
	for (i = 0; w->cols && i < w->ncols; i++)
		free(w->cols[i]);
	free(w->key);
	free(w->cols);
	free(w->path);
	free(w->dir);
	rf_buf_free(&w->pending);
	rf_buf_free(&w->line);
	free(w);
}
