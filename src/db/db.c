/* db.c - driver selection and the parts of db.h every driver shares. */
#include "rowferry/db.h"
#include "rowferry/secret.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* The drivers by the form of their URLs (DESIGN §2): a fourth engine is
 * one more entry here (and its ops in its own file). */
static const struct {
	const char *prefix;
	const struct rf_db_ops *ops;
} drivers[] = {
    {"postgres://", &rf_pg_ops},   {"postgresql://", &rf_pg_ops}, {"mysql://", &rf_mysql_ops},
    {"mariadb://", &rf_mysql_ops}, {"sqlite:", &rf_sqlite_ops},
};

const struct rf_db_ops *rf_db_ops_for_url(const char *url, struct rf_error *err)
{
	struct rf_buf forms = RF_BUF_INIT;
	size_t i;

	if (!url || !*url) {
		rf_error_set(err, "connect", "empty connection URL");
		return NULL;
	}
	for (i = 0; i < sizeof drivers / sizeof drivers[0]; i++)
		if (strncmp(url, drivers[i].prefix, strlen(drivers[i].prefix)) == 0)
			return drivers[i].ops;
	/* libpq conninfo ("host=... dbname=...") and service names ("service=x") */
	if (strchr(url, '=') && !strstr(url, "://"))
		return &rf_pg_ops;
	if (err) {
		char *shown = rf_url_redact(url);
		for (i = 0; i < sizeof drivers / sizeof drivers[0]; i++)
			rf_buf_printf(&forms, "%s, ", drivers[i].prefix);
		rf_error_set(
		    err, "connect",
		    "cannot tell the engine of '%s' (expected %sor a libpq conninfo string)", shown,
		    forms.data);
		free(shown);
		rf_buf_free(&forms);
	}
	return NULL;
}

int rf_db_connect(const struct rf_connect_opts *o, struct rf_db **out, struct rf_error *err)
{
	const struct rf_db_ops *ops = rf_db_ops_for_url(o->url, err);
	int rc;

	*out = NULL;
	if (!ops)
		return -1;
	rc = ops->connect(o, out, err);
	/* drivers build their messages without the password; this catches
	 * whatever a library quotes back (DESIGN §15) */
	if (rc != 0)
		rf_error_scrub(err, o->url, o->password);
	return rc;
}

struct connect_job {
	const struct rf_connect_opts *o;
	struct rf_db *db;
	struct rf_error err;
	int rc;
};

static void *connect_job_run(void *arg)
{
	struct connect_job *j = arg;
	rf_error_clear(&j->err);
	j->rc = rf_db_connect(j->o, &j->db, &j->err);
	return NULL;
}

int rf_db_connect_pair(const struct rf_connect_opts *a, const struct rf_connect_opts *b,
                       struct rf_db **out_a, struct rf_db **out_b, struct rf_error *err)
{
	struct connect_job jobs[2] = {{a, NULL, {0, "", "", false}, 0},
	                              {b, NULL, {0, "", "", false}, 0}};
	pthread_t th;
	bool threaded = pthread_create(&th, NULL, connect_job_run, &jobs[1]) == 0;

	connect_job_run(&jobs[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		connect_job_run(&jobs[1]);
	if (jobs[0].rc != 0 || jobs[1].rc != 0) {
		if (err && !err->set)
			*err = jobs[0].rc != 0 ? jobs[0].err : jobs[1].err;
		rf_db_close(jobs[0].db);
		rf_db_close(jobs[1].db);
		*out_a = *out_b = NULL;
		return -1;
	}
	*out_a = jobs[0].db;
	*out_b = jobs[1].db;
	return 0;
}

void rf_db_close(struct rf_db *db)
{
	if (db)
		db->ops->close(db);
}

int rf_db_begin(struct rf_db *db, enum rf_tx_mode mode, const struct rf_tx_opts *opts,
                struct rf_error *err)
{
	struct rf_tx_opts dflt = {.read_timeout_ms = db->read_timeout_ms};
	return db->ops->begin(db, mode, opts ? opts : &dflt, err);
}

int rf_db_list_tables(struct rf_db *db, bool count, struct rf_table_list *out, struct rf_error *err)
{
	return db->ops->list_tables(db, count, out, err);
}

int rf_db_describe(struct rf_db *db, const char *name, struct rf_table_info *out,
                   struct rf_error *err)
{
	const struct rf_table_info *p = rf_db_planned(db, name);
	if (p) {
		rf_table_info_copy(out, p);
		return 0;
	}
	return db->ops->describe(db, name, out, err);
}

static void fk_edge_free(struct rf_fk_edge *e)
{
	size_t i;
	for (i = 0; i < e->ncols; i++) {
		free(e->child_cols[i]);
		free(e->parent_cols[i]);
	}
	free(e->child_cols);
	free(e->parent_cols);
	free(e->name);
	free(e->child);
	free(e->parent);
}

void rf_fk_list_free(struct rf_fk_list *l)
{
	size_t i;
	if (!l)
		return;
	for (i = 0; i < l->len; i++)
		fk_edge_free(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

void rf_fk_list_add(struct rf_fk_list *l, const struct rf_fk_edge *e)
{
	struct rf_fk_edge *c;
	size_t i;

	l->items = rf_xrealloc(l->items, (l->len + 1) * sizeof *l->items);
	c = &l->items[l->len++];
	*c = *e;
	c->name = rf_xstrdup(e->name);
	c->child = rf_xstrdup(e->child);
	c->parent = rf_xstrdup(e->parent);
	c->child_cols = rf_xcalloc(e->ncols + 1, sizeof *c->child_cols);
	c->parent_cols = rf_xcalloc(e->ncols + 1, sizeof *c->parent_cols);
	for (i = 0; i < e->ncols; i++) {
		c->child_cols[i] = rf_xstrdup(e->child_cols[i]);
		c->parent_cols[i] = rf_xstrdup(e->parent_cols[i]);
	}
}

int rf_db_foreign_keys(struct rf_db *db, const char *table, struct rf_fk_list *out,
                       struct rf_error *err)
{
	struct rf_fk_list all = {0};
	struct rf_table_info t = {0};
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (table && db->ops->describe(db, table, &t, err) != 0)
		goto out;
	if (db->ops->foreign_keys(db, table ? &all : out, err) != 0)
		goto out;
	/* one table's: the keys it is the child or the parent of, by the name
	 * describe gives it (the drivers name both ends the same way) */
	for (i = 0; table && i < all.len; i++)
		if (strcmp(all.items[i].child, t.display) == 0 ||
		    strcmp(all.items[i].parent, t.display) == 0)
			rf_fk_list_add(out, &all.items[i]);
	rc = 0;
out:
	rf_fk_list_free(&all);
	rf_table_info_free(&t);
	return rc;
}

int rf_db_commit(struct rf_db *db, struct rf_error *err)
{
	return db->ops->commit(db, err);
}

int rf_db_rollback(struct rf_db *db, struct rf_error *err)
{
	return db->ops->rollback(db, err);
}

int rf_db_prepare(struct rf_db *db, struct rf_buf *tx, struct rf_error *err)
{
	rf_buf_printf(tx, "%s:", db->ops->engine);
	return db->ops->prepare(db, tx, err);
}

int rf_db_tx_outcome(struct rf_db *db, const char *xid, const char *tx, bool settle,
                     enum rf_tx_outcome *out, struct rf_error *err)
{
	size_t n = strlen(db->ops->engine);

	if (tx && (strncmp(tx, db->ops->engine, n) != 0 || tx[n] != ':'))
		return rf_error_set(err, db->name,
		                    "the journal's transaction (%s) was not on a %s database", tx,
		                    db->ops->engine);
	return db->ops->tx_outcome(db, xid, tx ? tx + n + 1 : NULL, settle, out, err);
}

struct one_piece {
	const char *data;
	size_t len;
	bool given;
};

static int one_piece_next(void *ctx, const char **data, size_t *len, struct rf_error *err)
{
	struct one_piece *p = ctx;
	(void)err;
	if (p->given)
		return 0;
	p->given = true;
	*data = p->data ? p->data : "";
	*len = p->len;
	return 1;
}

int rf_db_bulk_load(struct rf_db *db, const char *sql, const char *data, size_t len,
                    long long *rows, struct rf_error *err)
{
	struct one_piece piece = {data, len, false};
	struct rf_bulk_rows src = {one_piece_next, &piece};
	return db->ops->bulk_stream(db, sql, &src, rows, err);
}

void rf_db_add_escaped(struct rf_buf *out, const char *s, size_t n, const char esc[256])
{
	const char *p = s, *end = s + n, *run = s;
	rf_buf_reserve(out, n);
	for (; p < end; p++) {
		char e = esc[(unsigned char)*p];
		if (!e)
			continue;
		rf_buf_add(out, run, (size_t)(p - run));
		rf_buf_addc(out, '\\');
		rf_buf_addc(out, e);
		run = p + 1;
	}
	rf_buf_add(out, run, (size_t)(end - run));
}

bool rf_db_plain_name(const char *name)
{
	const char *p;
	if (!name || !*name || (*name >= '0' && *name <= '9'))
		return false;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

void rf_db_init_base(struct rf_db *db, const struct rf_db_ops *ops, const struct rf_connect_opts *o)
{
	db->ops = ops;
	db->display_url = rf_url_redact(o->url);
	db->name = rf_xstrdup(o->name && *o->name ? o->name : db->display_url);
	db->in_tx = false;
	db->tx_mode = RF_TX_READ;
	db->read_timeout_ms = o->read_timeout_ms > 0 ? o->read_timeout_ms : 0;
}

int rf_db_read_timeout_error(const struct rf_db *db, struct rf_error *err)
{
	return rf_error_set(err, db->name, "the read took longer than read_timeout_ms (%d ms)",
	                    db->tx_read_timeout_ms);
}

void rf_db_free_base(struct rf_db *db)
{
	free(db->name);
	free(db->display_url);
	db->name = db->display_url = NULL;
}

/* Two connections may be opened at once (rf_db_connect_pair): prompts take
 * turns on the terminal. */
static pthread_mutex_t prompt_lock = PTHREAD_MUTEX_INITIALIZER;

static char *prompt_password_locked(const char *who);

char *rf_db_prompt_password(const char *who)
{
	char *pw;
	pthread_mutex_lock(&prompt_lock);
	pw = prompt_password_locked(who);
	pthread_mutex_unlock(&prompt_lock);
	return pw;
}

static char *prompt_password_locked(const char *who)
{
	struct termios old, quiet;
	char line[1024];
	FILE *tty = fopen("/dev/tty", "r+");
	char *pw = NULL;
	size_t n;

	if (!tty)
		return NULL;
	if (tcgetattr(fileno(tty), &old) != 0)
		goto out;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	fprintf(tty, "Password for %s: ", who);
	fflush(tty);
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	if (fgets(line, sizeof line, tty)) {
		n = strlen(line);
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		pw = rf_xstrdup(line);
	}
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	memset(line, 0, sizeof line);
out:
	fclose(tty);
	return pw;
}

static void free_key(struct rf_key *k)
{
	size_t i;
	for (i = 0; i < k->ncols; i++)
		free(k->cols[i]);
	free(k->cols);
	free(k->name);
}

void rf_table_info_free(struct rf_table_info *t)
{
	size_t i, j;
	if (!t)
		return;
	for (i = 0; i < t->ncols; i++) {
		free(t->cols[i].name);
		free(t->cols[i].decl_type);
		free(t->cols[i].default_expr);
	}
	free(t->cols);
	free(t->pk);
	for (i = 0; i < t->nunique; i++)
		free_key(&t->uniques[i]);
	free(t->uniques);
	for (i = 0; i < t->nindexes; i++)
		free_key(&t->indexes[i]);
	free(t->indexes);
	for (i = 0; i < t->nfkeys; i++) {
		struct rf_fkey *f = &t->fkeys[i];
		for (j = 0; j < f->ncols; j++) {
			free(f->cols[j]);
			free(f->ref_cols[j]);
		}
		free(f->cols);
		free(f->ref_cols);
		free(f->ref_table);
		free(f->name);
	}
	free(t->fkeys);
	free(t->schema);
	free(t->name);
	free(t->display);
	memset(t, 0, sizeof *t);
}

int rf_table_info_col(const struct rf_table_info *t, const char *name)
{
	size_t i;
	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

void rf_table_info_add_column(struct rf_table_info *t, const struct rf_column *c)
{
	struct rf_column *n;
	t->cols = rf_xrealloc(t->cols, (t->ncols + 1) * sizeof *t->cols);
	n = &t->cols[t->ncols++];
	*n = *c;
	n->name = rf_xstrdup(c->name);
	n->decl_type = rf_xstrdup(c->decl_type ? c->decl_type : "");
	n->default_expr = c->default_expr ? rf_xstrdup(c->default_expr) : NULL;
}

void rf_table_list_free(struct rf_table_list *l)
{
	size_t i;
	if (!l)
		return;
	for (i = 0; i < l->len; i++)
		free(l->items[i].name);
	free(l->items);
	l->items = NULL;
	l->len = 0;
}

void rf_result_free(struct rf_result *r)
{
	size_t i;
	if (!r)
		return;
	for (i = 0; i < r->nrows * r->ncols; i++)
		free((void *)r->cells[i].data);
	free(r->cells);
	memset(r, 0, sizeof *r);
}

void rf_db_quote_table(struct rf_db *db, const struct rf_table_info *t, struct rf_buf *out)
{
	if (t->schema) {
		db->ops->quote_ident(db, t->schema, out);
		rf_buf_addc(out, '.');
	}
	db->ops->quote_ident(db, t->name, out);
}

int rf_db_count_rows(struct rf_db *db, const struct rf_table_info *t, unsigned long long *out,
                     struct rf_error *err)
{
	struct rf_buf q = RF_BUF_INIT;
	struct rf_result r = {0};
	int rc = -1;

	rf_buf_adds(&q, "SELECT count(*) FROM ");
	rf_db_quote_table(db, t, &q);
	if (db->ops->exec(db, q.data, 0, NULL, &r, err) != 0)
		goto out;
	if (r.nrows != 1 || r.ncols != 1 || r.cells[0].is_null) {
		rf_error_set(err, t->display, "count(*) gave no row");
		goto out;
	}
	*out = strtoull(r.cells[0].data, NULL, 10);
	rc = 0;
out:
	rf_result_free(&r);
	rf_buf_free(&q);
	return rc;
}

void rf_db_ref_select(struct rf_db *db, const struct rf_stream_ref *ref,
                      const struct rf_table_info *t, const char *col, const char *cast,
                      struct rf_buf *out)
{
	/* the alias hides the parent's own name, so a self-reference's outer
	 * column is still the row's */
	rf_buf_adds(out, "(SELECT rf_p.");
	db->ops->quote_ident(db, ref->mk, out);
	rf_buf_adds(out, cast);
	rf_buf_adds(out, " FROM ");
	rf_db_quote_table(db, ref->parent, out);
	rf_buf_adds(out, " rf_p WHERE rf_p.");
	db->ops->quote_ident(db, ref->pk, out);
	rf_buf_adds(out, " = ");
	rf_db_quote_table(db, t, out);
	rf_buf_addc(out, '.');
	db->ops->quote_ident(db, col, out);
	rf_buf_addc(out, ')');
}

static void copy_key(struct rf_key *to, const struct rf_key *from)
{
	size_t i;
	to->name = from->name ? rf_xstrdup(from->name) : NULL;
	to->ncols = from->ncols;
	to->cols = rf_xcalloc(from->ncols + 1, sizeof *to->cols);
	for (i = 0; i < from->ncols; i++)
		to->cols[i] = rf_xstrdup(from->cols[i]);
}

void rf_table_info_copy(struct rf_table_info *to, const struct rf_table_info *from)
{
	size_t i, j;

	memset(to, 0, sizeof *to);
	to->schema = from->schema ? rf_xstrdup(from->schema) : NULL;
	to->name = rf_xstrdup(from->name);
	to->display = rf_xstrdup(from->display);
	for (i = 0; i < from->ncols; i++)
		rf_table_info_add_column(to, &from->cols[i]);
	to->npk = from->npk;
	to->pk = rf_xcalloc(from->npk + 1, sizeof *to->pk);
	memcpy(to->pk, from->pk, from->npk * sizeof *to->pk);
	to->nunique = from->nunique;
	to->uniques = rf_xcalloc(from->nunique + 1, sizeof *to->uniques);
	for (i = 0; i < from->nunique; i++)
		copy_key(&to->uniques[i], &from->uniques[i]);
	to->nindexes = from->nindexes;
	to->indexes = rf_xcalloc(from->nindexes + 1, sizeof *to->indexes);
	for (i = 0; i < from->nindexes; i++)
		copy_key(&to->indexes[i], &from->indexes[i]);
	to->nfkeys = from->nfkeys;
	to->fkeys = rf_xcalloc(from->nfkeys + 1, sizeof *to->fkeys);
	for (i = 0; i < from->nfkeys; i++) {
		const struct rf_fkey *f = &from->fkeys[i];
		struct rf_fkey *t = &to->fkeys[i];
		t->name = f->name ? rf_xstrdup(f->name) : NULL;
		t->ref_table = rf_xstrdup(f->ref_table);
		t->ncols = f->ncols;
		t->cols = rf_xcalloc(f->ncols + 1, sizeof *t->cols);
		t->ref_cols = rf_xcalloc(f->ncols + 1, sizeof *t->ref_cols);
		for (j = 0; j < f->ncols; j++) {
			t->cols[j] = rf_xstrdup(f->cols[j]);
			t->ref_cols[j] = rf_xstrdup(f->ref_cols[j]);
		}
	}
	to->plain_inserts = from->plain_inserts;
	to->large_values = from->large_values;
}
