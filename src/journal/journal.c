/* journal.c - writing the undo journal (journal.h, DESIGN §6).
 * Reading it back is journal_read.c. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
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

/* A table of the journal: names encoded once, as op lines use them. */
struct wtable {
	char *table; /* "\"public.jobs\"" (a JSON string) */
	size_t nkey, ncols;
	char **key; /* the header's names, encoded as "name": (json_name) */
	char **cols;
	size_t nskey;
	char **skey; /* source_key's names (rf_journal_set_source_key) */
};

struct rf_journal_writer {
	int fd;
	char *path;
	char *dir;
	size_t ntables;
	struct wtable *tables;
	struct wtable *cur;    /* the table op lines are of (rf_journal_use_table) */
	struct rf_sha256 seal; /* over every byte written so far */
	struct rf_buf pending; /* lines not yet written */
	struct rf_buf line;    /* scratch for one line */
	size_t nops;
	bool dir_synced;
	bool sealed; /* the prepared line's hash is made: no more hashing */
	char seal_hex[RF_SHA256_HEX_LEN + 1]; /* ... that hash */
	/* the writer thread (flush_behind): it hashes and writes `inflight`
	 * while apply fills `pending` */
	bool thread_on, busy, stop, failed;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rf_buf inflight;
	struct rf_error werr; /* its first failure */
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
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		rf_buf_addc(b, ok ? c : '_');
	}
}

static int flush(struct rf_journal_writer *w, struct rf_error *err);

/* A value longer than this goes to the file as it is encoded, a slice at a
 * time, not built whole in memory first: a 200 MB value does not cost its
 * JSON form too (DESIGN §9). */
#define JOURNAL_SLICE_BYTES JOURNAL_FLUSH_BYTES

/* rf_journal_json_value() into w->pending, writing a huge value out as it goes. */
static int add_json_value_out(struct rf_journal_writer *w, const struct rf_cell *c,
                              struct rf_error *err)
{
	const unsigned char *d = (const unsigned char *)(c->data ? c->data : "");
	size_t off, n;
	bool utf8;

	if (c->is_null || c->len <= JOURNAL_SLICE_BYTES) {
		rf_journal_json_value(&w->pending, c);
		return 0;
	}
	utf8 = rf_journal_valid_utf8(d, c->len);
	rf_buf_adds(&w->pending, utf8 ? "\"" : "{\"hex\":\"");
	for (off = 0; off < c->len; off += n) {
		n = c->len - off < JOURNAL_SLICE_BYTES ? c->len - off : JOURNAL_SLICE_BYTES;
		if (utf8)
			rf_journal_json_chars(&w->pending, (const char *)d + off, n);
		else
			rf_buf_addhex(&w->pending, d + off, n);
		if (flush(w, err) != 0)
			return -1;
	}
	rf_buf_adds(&w->pending, utf8 ? "\"" : "\"}");
	return 0;
}

/* ,"label":{"col":value,...} into w->pending; names are rf_journal_json_name()s */
static int add_image(struct rf_journal_writer *w, const char *label, size_t n, char *const *names,
                     const struct rf_cell *cells, struct rf_error *err)
{
	struct rf_buf *b = &w->pending;
	size_t i;
	rf_buf_addc(b, ',');
	rf_journal_json_string(b, label, strlen(label));
	rf_buf_add(b, ":{", 2);
	for (i = 0; i < n; i++) {
		if (i)
			rf_buf_addc(b, ',');
		rf_buf_adds(b, names[i]);
		if (add_json_value_out(w, &cells[i], err) != 0)
			return -1;
	}
	rf_buf_addc(b, '}');
	return 0;
}

/* A buffer that grew for a huge line (a 200 MB value) is freed once
 * written, not kept for the rest of the journal (DESIGN §9). */
static void buf_done(struct rf_buf *b)
{
	rf_buf_reset_small(b);
}

/* Queues a line: it joins the file, and the seal, at the next flush. */
static void queue_line(struct rf_journal_writer *w, json_t *obj)
{
	rf_buf_reset(&w->line);
	rf_journal_dump_line(obj, &w->line);
	rf_buf_add(&w->pending, w->line.data, w->line.len);
}

/* Hashes (until the seal is made) and writes b: what every flush does,
 * in the writer thread or not. Bytes are hashed in file order because
 * buffers are written one at a time, in the order they were filled. */
static int write_out(struct rf_journal_writer *w, const struct rf_buf *b, struct rf_error *err)
{
	if (!w->sealed)
		rf_sha256_update(&w->seal, b->data, b->len);
	return rf_journal_write_all(w->fd, b->data, b->len, w->path, err);
}

/* The writer thread: a big journal (a 100k-row copy writes ~27 MB) is
 * hashed and written while apply builds the next lines. */
static void *writer_main(void *arg)
{
	struct rf_journal_writer *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->busy && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->busy)
			break;
		pthread_mutex_unlock(&w->mu);
		struct rf_error e;
		rf_error_clear(&e);
		int rc = write_out(w, &w->inflight, &e);
		buf_done(&w->inflight);
		pthread_mutex_lock(&w->mu);
		if (rc != 0 && !w->failed) {
			w->failed = true;
			w->werr = e;
		}
		w->busy = false;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Waits for the writer thread to finish its buffer; its error, if any. */
static int wait_idle(struct rf_journal_writer *w, struct rf_error *err)
{
	bool failed;
	if (!w->thread_on)
		return 0;
	pthread_mutex_lock(&w->mu);
	while (w->busy)
		pthread_cond_wait(&w->cv, &w->mu);
	failed = w->failed;
	if (failed && err)
		*err = w->werr;
	pthread_mutex_unlock(&w->mu);
	return failed ? -1 : 0;
}

/* Hands the pending lines to the writer thread (started on first use). */
static int flush_behind(struct rf_journal_writer *w, struct rf_error *err)
{
	struct rf_buf t;
	if (!w->thread_on) {
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->cv, NULL);
		if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
			pthread_cond_destroy(&w->cv);
			pthread_mutex_destroy(&w->mu);
			if (write_out(w, &w->pending, err) != 0)
				return -1;
			buf_done(&w->pending);
			return 0;
		}
		w->thread_on = true;
	}
	if (wait_idle(w, err) != 0)
		return -1;
	pthread_mutex_lock(&w->mu);
	t = w->inflight;
	w->inflight = w->pending;
	w->pending = t;
	w->busy = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

/* Everything queued is in the file (not yet synced). */
static int flush(struct rf_journal_writer *w, struct rf_error *err)
{
	if (wait_idle(w, err) != 0 || write_out(w, &w->pending, err) != 0)
		return -1;
	buf_done(&w->pending);
	return 0;
}

static void wtable_init(struct wtable *t, const struct rf_journal_table_head *th)
{
	struct rf_buf b = RF_BUF_INIT;
	size_t i;

	rf_journal_json_string(&b, th->table, strlen(th->table));
	t->table = rf_buf_steal(&b);
	t->nkey = th->nkey;
	t->ncols = th->ncols;
	t->key = rf_xcalloc(th->nkey + 1, sizeof *t->key);
	t->cols = rf_xcalloc(th->ncols + 1, sizeof *t->cols);
	for (i = 0; i < th->nkey; i++)
		t->key[i] = rf_journal_json_name(th->key[i]);
	for (i = 0; i < th->ncols; i++)
		t->cols[i] = rf_journal_json_name(th->cols[i]);
}

static void wtable_free(struct wtable *t)
{
	size_t i;
	for (i = 0; t->key && i < t->nkey; i++)
		free(t->key[i]);
	for (i = 0; t->cols && i < t->ncols; i++)
		free(t->cols[i]);
	for (i = 0; t->skey && i < t->nskey; i++)
		free(t->skey[i]);
	free(t->skey);
	free(t->key);
	free(t->cols);
	free(t->table);
}

/* The version 2 header line (journal.h). */
static json_t *header_line(const struct rf_journal_header *h, size_t n,
                           const struct rf_journal_table_head *ths, const char *id,
                           const char *created)
{
	json_t *hdr = json_object(), *tables = json_array();
	size_t t, i;

	for (t = 0; t < n; t++) {
		const struct rf_journal_table_head th = ths[t];
		json_t *key = json_array();
		for (i = 0; i < th.nkey; i++)
			json_array_append_new(key, json_string(th.key[i]));
		json_array_append_new(tables,
		                      json_pack("{s:s,s:o}", "table", th.table, "key", key));
	}
	json_object_set_new(hdr, "rowferry_undo", json_integer(2));
	json_object_set_new(hdr, "id", json_string(id));
	json_object_set_new(hdr, "created", json_string(created));
	json_object_set_new(hdr, "source", json_string(h->source));
	if (h->source_sha256)
		json_object_set_new(hdr, "source_sha256", json_string(h->source_sha256));
	json_object_set_new(hdr, "target", json_string(h->target));
	json_object_set_new(hdr, "tables", tables);
	if (h->rejected) {
		/* a copy through a map with --skip-invalid: what it left out */
		json_object_set_new(hdr, "rejected", json_integer((json_int_t)h->rejected));
	}
	json_object_set_new(hdr, "state", json_string("pending"));
	/* this journal gets a prepared line before COMMIT: a pending one is
	 * settled from the engine (older journals had none) */
	json_object_set_new(hdr, "prepare", json_true());
	return hdr;
}

int rf_journal_create(const char *undo_dir, const struct rf_journal_header *h,
                      struct rf_journal_writer **out, struct rf_error *err)
{
	struct rf_journal_table_head one = {h->table, h->nkey, h->key, h->ncols, h->cols};
	return rf_journal_create_tables(undo_dir, h, 1, &one, out, err);
}

int rf_journal_create_tables(const char *undo_dir, const struct rf_journal_header *h,
                             size_t ntables, const struct rf_journal_table_head *tables,
                             struct rf_journal_writer **out, struct rf_error *err)
{
	struct rf_journal_writer *w = rf_xcalloc(1, sizeof *w);
	struct rf_buf name = RF_BUF_INIT;
	char stamp[32], created[32], id[37];
	json_t *hdr = NULL;
	size_t i;
	int rc = -1;

	*out = NULL;
	w->fd = -1;
	if (ntables == 0) {
		rf_error_set(err, undo_dir, "a journal of no table");
		goto out;
	}
	if (make_dirs(undo_dir, err) != 0)
		goto out;
	if (h->id)
		snprintf(id, sizeof id, "%s", h->id);
	else
		rf_journal_new_id(id);
	rf_journal_now(stamp, sizeof stamp, true);
	rf_journal_now(created, sizeof created, false);
	rf_buf_printf(&name, "%s/%s-", undo_dir, stamp);
	add_safe(&name, h->target_name, 40);
	rf_buf_addc(&name, '-');
	add_safe(&name, tables[0].table, 60);
	if (ntables > 1)
		rf_buf_printf(&name, "+%zu", ntables - 1);
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
	w->ntables = ntables;
	w->tables = rf_xcalloc(ntables, sizeof *w->tables);
	for (i = 0; i < ntables; i++)
		wtable_init(&w->tables[i], &tables[i]);
	w->cur = &w->tables[0];
	rf_sha256_init(&w->seal);
	hdr = header_line(h, ntables, tables, id, created);
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

void rf_journal_new_id(char out[37])
{
	uuid_t u;
	uuid_generate_random(u);
	uuid_unparse_lower(u, out);
}

const char *rf_journal_writer_path(const struct rf_journal_writer *w)
{
	return w->path;
}

void rf_journal_use_table(struct rf_journal_writer *w, size_t table)
{
	if (table < w->ntables)
		w->cur = &w->tables[table];
}

void rf_journal_set_source_key(struct rf_journal_writer *w, size_t table, const char *const *names,
                               size_t n)
{
	struct wtable *t;
	size_t i;
	if (table >= w->ntables || w->tables[table].skey)
		return;
	t = &w->tables[table];
	t->skey = rf_xcalloc(n + 1, sizeof *t->skey);
	for (i = 0; i < n; i++)
		t->skey[i] = rf_journal_json_name(names[i]);
	t->nskey = n;
}

int rf_journal_add(struct rf_journal_writer *w, enum rf_op_kind kind, const struct rf_cell *key,
                   const struct rf_cell *before, const struct rf_cell *after, struct rf_error *err)
{
	return rf_journal_add_src(w, kind, key, NULL, before, after, err);
}

int rf_journal_add_src(struct rf_journal_writer *w, enum rf_op_kind kind, const struct rf_cell *key,
                       const struct rf_cell *source_key, const struct rf_cell *before,
                       const struct rf_cell *after, struct rf_error *err)
{
	const struct wtable *t = w->cur;

	/* built where it is queued: a line is never copied (a huge value) */
	rf_buf_printf(&w->pending, "{\"op\":\"%s\",\"table\":%s", rf_op_name(kind), t->table);
	if (add_image(w, "key", t->nkey, t->key, key, err) != 0 ||
	    (source_key && t->nskey &&
	     add_image(w, "source_key", t->nskey, t->skey, source_key, err) != 0) ||
	    (before && add_image(w, "before", t->ncols, t->cols, before, err) != 0) ||
	    (after && add_image(w, "after", t->ncols, t->cols, after, err) != 0))
		return -1;
	rf_buf_adds(&w->pending, "}\n");
	w->nops++;
	if (w->pending.len >= JOURNAL_FLUSH_BYTES)
		return flush_behind(w, err);
	return 0;
}

int rf_journal_add_create(struct rf_journal_writer *w, const char *ddl, struct rf_error *err)
{
	rf_buf_printf(&w->pending, "{\"op\":\"create\",\"table\":%s,\"ddl\":", w->cur->table);
	rf_journal_json_string(&w->pending, ddl, strlen(ddl));
	rf_buf_adds(&w->pending, "}\n");
	w->nops++;
	return flush(w, err);
}

int rf_journal_add_load(struct rf_journal_writer *w, unsigned long long rows,
                        const struct rf_journal_load_sum *sum, struct rf_error *err)
{
	size_t i;

	(void)err;
	rf_buf_printf(&w->pending, "{\"op\":\"load\",\"table\":%s,\"rows\":\"%llu\"", w->cur->table,
	              rows);
	if (sum) {
		rf_buf_printf(&w->pending,
		              ",\"sum\":\"%llu\",\"native\":%s,\"typed\":%s,\"key\":%zu,\"cols\":[",
		              sum->sum, sum->native ? "true" : "false",
		              sum->typed ? "true" : "false", sum->nkey);
		for (i = 0; i < sum->ncols; i++) {
			rf_buf_adds(&w->pending, i ? ",[" : "[");
			rf_journal_json_string(&w->pending, sum->names[i], strlen(sum->names[i]));
			rf_buf_printf(&w->pending, ",\"%s\"]",
			              rf_type_class_name((enum rf_type_class)sum->classes[i]));
		}
		rf_buf_addc(&w->pending, ']');
	}
	rf_buf_adds(&w->pending, "}\n");
	w->nops++;
	return 0;
}

int rf_journal_add_sequence(struct rf_journal_writer *w, size_t table, const char *column,
                            long long before, long long after, struct rf_error *err)
{
	if (table >= w->ntables)
		return rf_error_set(err, w->path,
		                    "a sequence op of a table the header does not list");
	rf_buf_printf(&w->pending,
	              "{\"op\":\"sequence\",\"table\":%s,\"column\":", w->tables[table].table);
	rf_journal_json_string(&w->pending, column, strlen(column));
	rf_buf_printf(&w->pending, ",\"before\":\"%lld\",\"after\":\"%lld\"}\n", before, after);
	w->nops++;
	return 0;
}

int rf_journal_savepoint(struct rf_journal_writer *w, struct rf_journal_savepoint *m,
                         struct rf_error *err)
{
	struct stat st;

	memset(m, 0, sizeof *m);
	if (flush(w, err) != 0)
		return -1;
	if (fstat(w->fd, &st) != 0)
		return rf_error_set(err, w->path, "cannot stat the undo journal: %s",
		                    strerror(errno));
	m->size = st.st_size;
	m->nops = w->nops;
	rf_sha256_copy(&m->seal, &w->seal);
	m->set = true;
	return 0;
}

int rf_journal_rollback_to(struct rf_journal_writer *w, const struct rf_journal_savepoint *m,
                           struct rf_error *err)
{
	if (!m->set || w->sealed)
		return rf_error_set(err, w->path, "no mark to rewind the undo journal to");
	if (wait_idle(w, err) != 0)
		return -1;
	rf_buf_reset(&w->pending);
	/* O_APPEND: the next line goes to the new end */
	if (ftruncate(w->fd, m->size) != 0)
		return rf_error_set(err, w->path, "cannot rewind the undo journal: %s",
		                    strerror(errno));
	rf_sha256_free(&w->seal);
	rf_sha256_copy(&w->seal, &m->seal);
	w->nops = m->nops;
	return 0;
}

void rf_journal_savepoint_free(struct rf_journal_savepoint *m)
{
	if (m->set)
		rf_sha256_free(&m->seal);
	m->set = false;
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
		return rf_error_set(err, w->path, "cannot sync the undo journal: %s",
		                    strerror(errno));
	/* the file's directory entry must be durable too, or a crash could
	 * lose the whole journal of a committed copy */
	if (!w->dir_synced && rf_journal_fsync_dir(w->dir) != 0)
		return rf_error_set(err, w->dir, "cannot sync the undo directory: %s",
		                    strerror(errno));
	w->dir_synced = true;
	return 0;
}

int rf_journal_prepare(struct rf_journal_writer *w, const char *tx, struct rf_error *err)
{
	json_t *o;

	if (w->sealed)
		return rf_error_set(err, w->path, "the undo journal is prepared already");
	if (flush(w, err) != 0)
		return -1;
	rf_sha256_final_hex(&w->seal, w->seal_hex);
	w->sealed = true;
	o = json_pack("{s:s,s:I,s:s,s:s}", "state", "prepared", "ops", (json_int_t)w->nops,
	              "sha256", w->seal_hex, "tx", tx);
	rf_journal_dump_line(o, &w->pending);
	json_decref(o);
	return rf_journal_sync(w, err);
}

int rf_journal_commit(struct rf_journal_writer *w, struct rf_error *err)
{
	json_t *o;

	if (!w->sealed)
		return rf_error_set(err, w->path, "the undo journal was not prepared");
	o = json_pack("{s:s,s:I,s:s}", "state", "committed", "ops", (json_int_t)w->nops, "sha256",
	              w->seal_hex);
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
	if (w->thread_on) {
		pthread_mutex_lock(&w->mu);
		w->stop = true;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
	}
	if (w->fd >= 0)
		close(w->fd);
	for (i = 0; w->tables && i < w->ntables; i++)
		wtable_free(&w->tables[i]);
	free(w->tables);
	free(w->path);
	free(w->dir);
	rf_buf_free(&w->pending);
	rf_buf_free(&w->inflight);
	rf_buf_free(&w->line);
	rf_sha256_free(&w->seal);
	free(w);
}
