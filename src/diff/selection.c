/* selection.c - the selection flags shared by diff and copy (diff.h). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/config.h"
#include "rowferry/diff.h"

void rf_selection_init(struct rf_selection *s, const char *table)
{
	memset(s, 0, sizeof *s);
	s->table = table ? rf_xstrdup(table) : NULL;
}

void rf_selection_free(struct rf_selection *s)
{
	size_t i;
	free(s->table);
	free(s->where);
	free(s->source_where);
	free(s->target_where);
	rf_strlist_free(&s->key);
	rf_strlist_free(&s->exclude);
	rf_strlist_free(&s->ignore);
	for (i = 0; i < s->nopts; i++)
		free(s->opts[i].col);
	free(s->opts);
	for (i = 0; i < s->nrefs; i++)
		rf_col_ref_clear(&s->refs[i]);
	free(s->refs);
	for (i = 0; i < s->nremaps; i++) {
		free(s->remaps[i].col);
		free(s->remaps[i].table);
	}
	free(s->remaps);
	memset(s, 0, sizeof *s);
}

static char *dup_or_null(const char *s);

void rf_col_ref_copy(struct rf_col_ref *dst, const struct rf_col_ref *src)
{
	int s;
	memset(dst, 0, sizeof *dst);
	dst->col = rf_xstrdup(src->col);
	dst->pk = rf_xstrdup(src->pk);
	dst->mk = rf_xstrdup(src->mk);
	dst->mk_class = src->mk_class;
	for (s = 0; s < 2; s++) {
		dst->parent[s].schema = dup_or_null(src->parent[s].schema);
		dst->parent[s].name = rf_xstrdup(src->parent[s].name);
		dst->parent[s].display = rf_xstrdup(src->parent[s].display);
	}
}

void rf_col_ref_clear(struct rf_col_ref *r)
{
	int s;
	free(r->col);
	free(r->pk);
	free(r->mk);
	for (s = 0; s < 2; s++)
		rf_table_info_free(&r->parent[s]);
	memset(r, 0, sizeof *r);
}

static char *dup_or_null(const char *s)
{
	return s ? rf_xstrdup(s) : NULL;
}

static void strlist_copy(struct rf_strlist *dst, const struct rf_strlist *src)
{
	size_t i;
	for (i = 0; i < src->len; i++)
		rf_strlist_add(dst, src->items[i]);
}

void rf_selection_copy(struct rf_selection *dst, const struct rf_selection *src)
{
	size_t i;

	rf_selection_init(dst, src->table);
	dst->where = dup_or_null(src->where);
	dst->source_where = dup_or_null(src->source_where);
	dst->target_where = dup_or_null(src->target_where);
	strlist_copy(&dst->key, &src->key);
	strlist_copy(&dst->exclude, &src->exclude);
	strlist_copy(&dst->ignore, &src->ignore);
	dst->nopts = src->nopts;
	dst->opts = rf_xcalloc(src->nopts + 1, sizeof *dst->opts);
	for (i = 0; i < src->nopts; i++) {
		dst->opts[i].col = rf_xstrdup(src->opts[i].col);
		dst->opts[i].opts = src->opts[i].opts;
	}
	dst->nrefs = src->nrefs;
	dst->refs = rf_xcalloc(src->nrefs + 1, sizeof *dst->refs);
	for (i = 0; i < src->nrefs; i++)
		rf_col_ref_copy(&dst->refs[i], &src->refs[i]);
	dst->nremaps = src->nremaps;
	dst->remaps = rf_xcalloc(src->nremaps + 1, sizeof *dst->remaps);
	for (i = 0; i < src->nremaps; i++) {
		dst->remaps[i].col = rf_xstrdup(src->remaps[i].col);
		dst->remaps[i].table = rf_xstrdup(src->remaps[i].table);
	}
	memcpy(dst->remap_ns, src->remap_ns, sizeof dst->remap_ns);
	dst->source_key = src->source_key;
}

/* The option record for col, created on first use. */
static struct rf_col_opts *opts_for(struct rf_selection *s, const char *col)
{
	size_t i;
	struct rf_col_opts init = RF_COL_OPTS_INIT;
	for (i = 0; i < s->nopts; i++)
		if (strcmp(s->opts[i].col, col) == 0)
			return &s->opts[i].opts;
	s->opts = rf_xrealloc(s->opts, (s->nopts + 1) * sizeof *s->opts);
	s->opts[s->nopts].col = rf_xstrdup(col);
	s->opts[s->nopts].opts = init;
	return &s->opts[s->nopts++].opts;
}

/* Splits "col=value" (one or more, comma separated) and calls fn on each. */
static int for_each_assignment(struct rf_selection *s, const char *spec, const char *flag,
                               int (*fn)(struct rf_selection *, const char *, const char *,
                                         const char *, struct rf_error *),
                               struct rf_error *err)
{
	struct rf_strlist items = RF_STRLIST_INIT;
	size_t i;
	int rc = 0;

	rf_strlist_split(&items, spec);
	if (items.len == 0)
		rc = rf_error_set(err, flag, "expected COLUMN=VALUE, got '%s'", spec);
	for (i = 0; rc == 0 && i < items.len; i++) {
		char *eq = strchr(items.items[i], '=');
		if (!eq || eq == items.items[i] || !eq[1]) {
			rc = rf_error_set(err, flag, "expected COLUMN=VALUE, got '%s'",
			                  items.items[i]);
			break;
		}
		*eq = '\0';
		rc = fn(s, rf_strtrim(items.items[i]), rf_strtrim(eq + 1), flag, err);
	}
	rf_strlist_free(&items);
	return rc;
}

/* A number as a person writes one: digits, an optional fraction and
 * exponent. strtod() also reads "nan", "inf", "0x10" and "" (as 0), none of
 * which is a tolerance: NaN would make every value differ, "inf" every
 * value equal. */
static bool is_plain_decimal(const char *p)
{
	size_t digits = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits)
		return false;
	if (*p == 'e' || *p == 'E') {
		size_t exp = 0;
		p++;
		if (*p == '+' || *p == '-')
			p++;
		for (; *p >= '0' && *p <= '9'; p++)
			exp++;
		if (!exp)
			return false;
	}
	return *p == '\0';
}

static int set_tolerance(struct rf_selection *s, const char *col, const char *value,
                         const char *flag, struct rf_error *err)
{
	char *end;
	double v;
	errno = 0;
	v = is_plain_decimal(value) ? strtod(value, &end) : -1;
	if (errno || v < 0 || !isfinite(v))
		return rf_error_set(err, flag, "%s: '%s' is not a non-negative number", col, value);
	opts_for(s, col)->has_tolerance = true;
	opts_for(s, col)->tolerance = v;
	return 0;
}

static int set_ts_precision(struct rf_selection *s, const char *col, const char *value,
                            const char *flag, struct rf_error *err)
{
	char *end;
	long v = strtol(value, &end, 10);
	if (*end || v < 0 || v > 6)
		return rf_error_set(err, flag, "'%s' is not a precision from 0 to 6", value);
	opts_for(s, col)->ts_precision = (int)v;
	return 0;
}

int rf_selection_add_tolerance(struct rf_selection *s, const char *spec, struct rf_error *err)
{
	return for_each_assignment(s, spec, "--tolerance", set_tolerance, err);
}

int rf_selection_add_ts_precision(struct rf_selection *s, const char *spec, struct rf_error *err)
{
	return for_each_assignment(s, spec, "--ts-precision", set_ts_precision, err);
}

void rf_selection_add_trim(struct rf_selection *s, const char *cols)
{
	struct rf_strlist items = RF_STRLIST_INIT;
	size_t i;
	rf_strlist_split(&items, cols);
	for (i = 0; i < items.len; i++)
		opts_for(s, items.items[i])->trim = true;
	rf_strlist_free(&items);
}

struct rf_col_opts rf_selection_col_opts(const struct rf_selection *s, const char *col)
{
	struct rf_col_opts o = RF_COL_OPTS_INIT;
	size_t i;
	for (i = 0; i < s->nopts; i++)
		if (strcmp(s->opts[i].col, col) == 0)
			o = s->opts[i].opts;
	o.ignore = rf_strlist_index(&s->ignore, col) >= 0;
	return o;
}

static const char *pick(const char *flag, const char *cfg_value)
{
	return flag ? flag : cfg_value;
}

int rf_selection_build(const struct rf_selection_flags *f, const struct rf_config *cfg,
                       const char *table, struct rf_selection *sel, struct rf_error *err)
{
	static const struct rf_selection_flags none;
	const struct rf_compare_config *cc = rf_config_compare(cfg, table);
	const char *v;
	size_t i;

	if (!f)
		f = &none;
	rf_selection_init(sel, table);
	if ((v = pick(f->where, cc ? cc->where : NULL)))
		sel->where = rf_xstrdup(v);
	if (f->source_where)
		sel->source_where = rf_xstrdup(f->source_where);
	if (f->target_where)
		sel->target_where = rf_xstrdup(f->target_where);
	if ((v = pick(f->key, cc ? cc->key : NULL)))
		rf_strlist_split(&sel->key, v);
	if ((v = pick(f->exclude, cc ? cc->exclude : NULL)))
		rf_strlist_split(&sel->exclude, v);
	if ((v = pick(f->ignore, cc ? cc->ignore : NULL)))
		rf_strlist_split(&sel->ignore, v);
	if ((v = pick(f->trim, cc ? cc->trim : NULL)))
		rf_selection_add_trim(sel, v);
	if (f->tolerance.len == 0 && cc && cc->tolerance &&
	    rf_selection_add_tolerance(sel, cc->tolerance, err) != 0)
		goto fail;
	for (i = 0; i < f->tolerance.len; i++)
		if (rf_selection_add_tolerance(sel, f->tolerance.items[i], err) != 0)
			goto fail;
	if (f->ts_precision.len == 0 && cc && cc->ts_precision &&
	    rf_selection_add_ts_precision(sel, cc->ts_precision, err) != 0)
		goto fail;
	for (i = 0; i < f->ts_precision.len; i++)
		if (rf_selection_add_ts_precision(sel, f->ts_precision.items[i], err) != 0)
			goto fail;
	return 0;
fail:
	rf_selection_free(sel);
	return -1;
}

void rf_selection_flags_free(struct rf_selection_flags *f)
{
	rf_strlist_free(&f->tolerance);
	rf_strlist_free(&f->ts_precision);
}
