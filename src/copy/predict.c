/* predict.c - after-images of inserted rows without reading them back.
 *
 * The journal records rows as the target holds them (DESIGN §6). An INSERT
 * that carries RETURNING says so itself; a bulk load (COPY, LOAD DATA) does
 * not, and apply reads the rows back, which on 100k rows costs about as
 * much as the load. Often that read tells nothing new: into a table with
 * no trigger or rule, a value of the column's own class that its type
 * holds as is comes back as it was sent. This module decides, for one
 * plan, whether every inserted value is such a value, and if so builds the
 * after-images from the values sent, in the form the target prints them.
 *
 * What each type holds as is comes from the driver (rf_column.store, set
 * by describe: PostgreSQL pg_catalog.c, MySQL/MariaDB mysql_schema.c).
 * Apply describes the table again inside its transaction, after the load,
 * so a trigger or a type change made since the diff is seen: DDL waits
 * for the transaction's lock on the table, and anything committed before
 * it is in the fresh description. Anything not proven - a column left to
 * the target, a decimal with more digits than its scale, a NULL into an
 * identity column, a char(n), a float - and the rows are read back as
 * before: one unproven value is enough.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/journal.h"
#include "rowferry/predict.h"

static bool digits(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

/* Fraction digits of a canonical decimal, or -1 if it is not one
 * ("-12.5": 1, "7": 0, "NaN": -1). */
static int decimal_scale(const struct rf_cell *v)
{
	const char *s = v->data, *dot;
	size_t n = v->len;

	if (n && *s == '-') {
		s++;
		n--;
	}
	dot = memchr(s, '.', n);
	if (!dot)
		return digits(s, n) ? 0 : -1;
	if (!digits(s, (size_t)(dot - s)) || !digits(dot + 1, n - (size_t)(dot - s) - 1))
		return -1;
	return (int)(n - (size_t)(dot - s) - 1);
}

/* A canonical time "HH:MM:SS.ffffff" at `at` whose fraction digits past
 * `keep` are zeros. */
static bool time_fits(const char *s, int keep)
{
	int i;
	if (!digits(s, 2) || s[2] != ':' || !digits(s + 3, 2) || s[5] != ':' || !digits(s + 6, 2) ||
	    s[8] != '.' || !digits(s + 9, 6))
		return false;
	for (i = keep < 0 ? 0 : keep; i < 6; i++)
		if (s[9 + i] != '0')
			return false;
	return true;
}

static bool date_form(const char *s)
{
	return digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' && digits(s + 8, 2);
}

static size_t utf8_chars(const char *s, size_t n)
{
	size_t i, chars = 0;
	for (i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	return chars;
}

/* Whether column c stores the canonical value v (of c's class) as is. */
static bool fits(const struct rf_column *c, const struct rf_cell *v)
{
	bool limited = c->store == RF_STORE_LIMIT;
	int scale;

	if (c->store == RF_STORE_UNKNOWN)
		return false;
	/* NULL stays NULL in a nullable column; a NOT NULL one refuses it or
	 * (MariaDB: auto_increment, old TIMESTAMP rules) puts a value there */
	if (v->is_null)
		return c->nullable && !c->identity;
	switch (c->tclass) {
	case RF_T_INTEGER:
		return v->len && digits(v->data + (*v->data == '-'), v->len - (*v->data == '-'));
	case RF_T_DECIMAL:
		scale = decimal_scale(v);
		return scale >= 0 && (!limited || scale <= c->store_limit);
	case RF_T_BOOLEAN:
		return (v->len == 4 && memcmp(v->data, "true", 4) == 0) ||
		       (v->len == 5 && memcmp(v->data, "false", 5) == 0);
	case RF_T_TEXT:
		return !limited || utf8_chars(v->data, v->len) <= (size_t)c->store_limit;
	case RF_T_BYTES:
	case RF_T_JSON:
		return true;
	case RF_T_UUID:
		return v->len == 36;
	case RF_T_DATE:
		return v->len == 10 && date_form(v->data);
	case RF_T_TIME:
		return v->len == 15 && limited && time_fits(v->data, c->store_limit);
	case RF_T_TIMESTAMP:
	case RF_T_TIMESTAMPTZ:
		return v->len == (c->tclass == RF_T_TIMESTAMP ? 26u : 27u) && limited &&
		       date_form(v->data) && v->data[10] == 'T' &&
		       time_fits(v->data + 11, c->store_limit) &&
		       (c->tclass == RF_T_TIMESTAMP || v->data[26] == 'Z');
	default:
		return false;
	}
}

/* The same columns, so images made with either say the same. */
static bool same_columns(const struct rf_table_info *a, const struct rf_table_info *b)
{
	size_t d;
	if (a->ncols != b->ncols)
		return false;
	for (d = 0; d < a->ncols; d++)
		if (strcmp(a->cols[d].name, b->cols[d].name) != 0 ||
		    strcmp(a->cols[d].decl_type, b->cols[d].decl_type) != 0 ||
		    a->cols[d].tclass != b->cols[d].tclass ||
		    a->cols[d].store != b->cols[d].store ||
		    a->cols[d].store_limit != b->cols[d].store_limit ||
		    a->cols[d].nullable != b->cols[d].nullable ||
		    a->cols[d].identity != b->cols[d].identity)
			return false;
	return true;
}

bool rf_predict_open(struct rf_predict *pr, const struct rf_plan *p,
                     const struct rf_table_info *now)
{
	const struct rf_diff_shape *sh = p->shape;
	bool plain;
	size_t d, j;

	memset(pr, 0, sizeof *pr);
	if (!now->plain_inserts || !same_columns(&sh->dst_table, now))
		return false;
	plain = rf_plan_inserts_plain(p);
	pr->p = p;
	pr->t = now;
	pr->shape_of = rf_xcalloc(now->ncols + 1, sizeof *pr->shape_of);
	/* every column is sent, as its own class; a reference through a match
	 * key as the parent's key the plan found (of the column's class), not
	 * resolved by the target */
	for (d = 0; d < now->ncols; d++) {
		const struct rf_diff_col *c;
		for (j = 0; j < p->ninsert_cols; j++)
			if (sh->cols[p->insert_cols[j]].dst == (int)d)
				break;
		if (j == p->ninsert_cols)
			goto unproven;
		c = &sh->cols[p->insert_cols[j]];
		if (c->ref ? !plain : c->tclass != now->cols[d].tclass)
			goto unproven;
		pr->shape_of[d] = p->insert_cols[j];
	}
	return true;
unproven:
	rf_predict_close(pr);
	return false;
}

/* The journal form of what the target will print, from a canonical
 * value. The journal keeps canonical forms (rf_journal_form), and a
 * canonical form canonicalizes to itself, so the value is its own journal
 * form; bytes too (the canonical hex is the journal's). Decimals, kept as
 * the engine prints them, get their scale's trailing zeros ("12.5" in
 * numeric(12,2) prints as "12.50"), and jsonb its own print form. */
/* Whether form() gives the value unchanged for column c. */
static bool form_as_is(const struct rf_column *c)
{
	return c->store != RF_STORE_JSONB &&
	       !(c->tclass == RF_T_DECIMAL && c->store == RF_STORE_LIMIT);
}

static void form(const struct rf_column *c, const struct rf_cell *v, struct rf_buf *out)
{
	int scale, pad;

	if (c->store == RF_STORE_JSONB && rf_value_jsonb_form(v->data, v->len, out) == 0)
		return;
	rf_buf_add(out, v->data, v->len);
	if (c->tclass != RF_T_DECIMAL || c->store != RF_STORE_LIMIT)
		return;
	scale = decimal_scale(v);
	if (scale == 0 && c->store_limit > 0)
		rf_buf_addc(out, '.');
	for (pad = c->store_limit - scale; pad > 0; pad--)
		rf_buf_addc(out, '0');
}

/* The value insert op sends into target column d (rf_plan_written: plain,
 * as rf_predict_open proved). */
static const struct rf_cell *sent(const struct rf_predict *pr, const struct rf_op *op, size_t d)
{
	const struct rf_cell *v;
	enum rf_type_class cls;

	rf_plan_written(pr->p, op, pr->shape_of[d], &v, &cls);
	return v;
}

/* A value that is its own form is pointed at, not copied into b: a 200 MB
 * value is not held twice while its line is written (DESIGN §9). */
void rf_predict_image(const struct rf_predict *pr, const struct rf_op *op, struct rf_buf *b,
                      struct rf_cell *cells, size_t *offs)
{
	size_t d;

	rf_buf_reset(b);
	rf_buf_reserve(b, 1); /* an empty string is data, not NULL */
	for (d = 0; d < pr->t->ncols; d++) {
		const struct rf_cell *v = sent(pr, op, d);
		offs[d] = SIZE_MAX;
		cells[d].is_null = v->is_null;
		cells[d].data = NULL;
		cells[d].len = 0;
		if (v->is_null)
			continue;
		if (form_as_is(&pr->t->cols[d])) {
			cells[d].data = v->data ? v->data : "";
			cells[d].len = v->len;
			continue;
		}
		offs[d] = b->len;
		form(&pr->t->cols[d], v, b);
		cells[d].len = b->len - offs[d];
	}
	for (d = 0; d < pr->t->ncols; d++)
		if (offs[d] != SIZE_MAX)
			cells[d].data = b->data + offs[d];
}

bool rf_predict_fits(const struct rf_predict *pr, const struct rf_op *op)
{
	size_t d;
	for (d = 0; d < pr->t->ncols; d++)
		if (!fits(&pr->t->cols[d], sent(pr, op, d)))
			return false;
	return true;
}

bool rf_predict_table_holds(const struct rf_table_info *was, const struct rf_table_info *now)
{
	return now->plain_inserts && same_columns(was, now);
}

bool rf_predict_holds(const struct rf_predict *pr, const struct rf_table_info *now)
{
	return rf_predict_table_holds(pr->t, now);
}

void rf_predict_close(struct rf_predict *pr)
{
	free(pr->shape_of);
	memset(pr, 0, sizeof *pr);
}

/* ---- journaling the predicted inserts while the load runs ----------------- */

struct rf_predict_job {
	const struct rf_predict *pr;
	struct rf_journal_writer *w;
	const size_t *jkey;
	size_t njkey;
	atomic_bool stop;
	bool threaded;
	bool unproven; /* an insert whose value the table may store otherwise */
	pthread_t thread;
	int rc;
	struct rf_error err;
};

static void *job_main(void *arg)
{
	struct rf_predict_job *job = arg;
	const struct rf_plan *p = job->pr->p;
	size_t n = job->pr->t->ncols, i, k;
	struct rf_cell *cells = rf_xcalloc(n + 1, sizeof *cells);
	struct rf_cell *key = rf_xcalloc(job->njkey + 1, sizeof *key);
	const struct rf_diff_shape *sh = p->shape;
	struct rf_cell *skey = rf_xcalloc(sh->nsrc_key + 1, sizeof *skey);
	size_t *offs = rf_xcalloc(n + 1, sizeof *offs);
	struct rf_buf b = RF_BUF_INIT;

	for (i = 0; i < p->nops && job->rc == 0 && !atomic_load(&job->stop); i++) {
		if (p->ops[i].kind != RF_OP_INSERT)
			continue;
		if (!rf_predict_fits(job->pr, &p->ops[i])) {
			job->unproven = true;
			break;
		}
		rf_predict_image(job->pr, &p->ops[i], &b, cells, offs);
		for (k = 0; k < job->njkey; k++)
			key[k] = cells[job->jkey[k]];
		for (k = 0; k < sh->nsrc_key; k++)
			skey[k] = p->ops[i].row->src[sh->src_key[k]];
		job->rc = rf_journal_add_src(job->w, RF_OP_INSERT, key, sh->nsrc_key ? skey : NULL,
		                             NULL, cells, &job->err);
	}
	free(cells);
	free(key);
	free(skey);
	free(offs);
	rf_buf_free(&b);
	return NULL;
}

struct rf_predict_job *rf_predict_start(const struct rf_predict *pr, struct rf_journal_writer *w,
                                        const size_t *jkey, size_t njkey)
{
	struct rf_predict_job *job = rf_xcalloc(1, sizeof *job);

	job->pr = pr;
	job->w = w;
	job->jkey = jkey;
	job->njkey = njkey;
	atomic_init(&job->stop, false);
	rf_error_clear(&job->err);
	job->threaded = pthread_create(&job->thread, NULL, job_main, job) == 0;
	if (!job->threaded)
		job_main(job); /* no thread to be had: the same work, in line */
	return job;
}

void rf_predict_wait(struct rf_predict_job *job)
{
	if (!job || !job->threaded)
		return;
	pthread_join(job->thread, NULL);
	job->threaded = false; /* joined: rf_predict_join only collects */
}

int rf_predict_join(struct rf_predict_job **jobp, bool stop, bool *proven, struct rf_error *err)
{
	struct rf_predict_job *job = *jobp;
	int rc;

	if (proven)
		*proven = false;
	if (!job)
		return 0;
	*jobp = NULL;
	if (stop)
		atomic_store(&job->stop, true);
	if (job->threaded)
		pthread_join(job->thread, NULL);
	rc = job->rc;
	if (proven)
		*proven = rc == 0 && !job->unproven && !stop;
	if (rc != 0 && err && !err->set)
		*err = job->err;
	free(job);
	return rc;
}
