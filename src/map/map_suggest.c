/* map_suggest.c - `rowferry map SOURCE [TARGET]`: a [map] section to start
 * from (map.h, DESIGN §12). */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rowferry/map.h"

#define SAMPLE_ROWS 1000

void rf_map_sample_free(struct rf_map_sample *s)
{
	rf_strlist_free(&s->keys);
	free(s->where);
	s->where = NULL;
	s->json_col = -1;
}

/* The "kind" of a key-value key ("client" of "client:1f0..."), into kind
 * (at most 63 bytes): letters and digits only, so that it needs no quoting
 * in a LIKE pattern. */
static bool key_kind(const struct rf_cell *c, char *kind)
{
	size_t i;

	for (i = 0; !c->is_null && i < c->len && i < 63 && isalnum((unsigned char)c->data[i]); i++)
		kind[i] = c->data[i];
	kind[i] = '\0';
	return i > 0 && i < c->len && c->data[i] == ':';
}

/* Whether the target's name speaks of kind: "kv_clients" of "client". */
static bool names_kind(const char *dst_name, const char *kind)
{
	struct rf_buf a = RF_BUF_INIT, b = RF_BUF_INIT;
	bool yes;

	rf_map_snake_case(dst_name, &a);
	rf_map_snake_case(kind, &b);
	yes = a.data && b.data && strstr(a.data, b.data) != NULL;
	rf_buf_free(&a);
	rf_buf_free(&b);
	return yes;
}

static void add_keys(struct rf_map_sample *out, const struct rf_cell *v)
{
	json_error_t jerr;
	json_t *o, *x;
	const char *k;

	if (v->is_null)
		return;
	o = json_loadb(v->data, v->len, JSON_DECODE_ANY, &jerr);
	if (json_is_object(o))
		json_object_foreach(o, k, x)
		{
			(void)x;
			if (rf_strlist_index(&out->keys, k) < 0)
				rf_strlist_add(&out->keys, k);
		}
	json_decref(o);
}

int rf_map_sample_source(struct rf_db *db, const struct rf_table_info *src, const char *dst_name,
                         struct rf_map_sample *out, struct rf_error *err)
{
	struct rf_buf q = RF_BUF_INIT;
	struct rf_result r = {0};
	char kind[64], chosen[64] = "";
	bool own_tx;
	int key = -1, rc = -1, r_rc;
	size_t i;

	memset(out, 0, sizeof *out);
	out->json_col = -1;
	for (i = 0; i < src->ncols && out->json_col < 0; i++)
		if (src->cols[i].tclass == RF_T_JSON ||
		    (src->cols[i].decl_type && strstr(src->cols[i].decl_type, "json")))
			out->json_col = (int)i;
	if (out->json_col < 0)
		return 0;
	if (src->npk == 1 && src->cols[src->pk[0]].tclass == RF_T_TEXT)
		key = (int)src->pk[0];
	rf_buf_adds(&q, "SELECT ");
	db->ops->quote_ident(db, src->cols[out->json_col].name, &q);
	rf_buf_adds(&q, key >= 0 ? ", " : ", NULL");
	if (key >= 0)
		db->ops->quote_ident(db, src->cols[key].name, &q);
	rf_buf_adds(&q, " FROM ");
	rf_db_quote_table(db, src, &q);
	rf_buf_printf(&q, " LIMIT %d", SAMPLE_ROWS);
	own_tx = !db->in_tx; /* else the caller's read transaction */
	if (own_tx && rf_db_begin(db, RF_TX_READ, NULL, err) != 0)
		goto out;
	r_rc = db->ops->exec(db, q.data, 0, NULL, &r, err);
	if (own_tx)
		rf_db_rollback(db, NULL);
	if (r_rc != 0)
		goto out;
	/* the kind the target is named after, the longest such */
	for (i = 0; i < r.nrows; i++)
		if (key_kind(&r.cells[i * 2 + 1], kind) && strlen(kind) > strlen(chosen) &&
		    names_kind(dst_name, kind))
			strcpy(chosen, kind);
	for (i = 0; i < r.nrows; i++)
		if (!chosen[0] || (key_kind(&r.cells[i * 2 + 1], kind) && !strcmp(kind, chosen)))
			add_keys(out, &r.cells[i * 2]);
	if (chosen[0]) {
		struct rf_buf w = RF_BUF_INIT;
		db->ops->quote_ident(db, src->cols[key].name, &w);
		rf_buf_printf(&w, " LIKE '%s:%%'", chosen);
		out->where = rf_buf_steal(&w);
	}
	rc = 0;
out:
	rf_result_free(&r);
	rf_buf_free(&q);
	return rc;
}

/* The key of the sample's JSON objects paired with target column name d
 * by the name rules (exact first), or NULL; only keys a path '$.KEY'
 * names as they are. */
static const char *json_pair(const struct rf_map_sample *sm, const char *d)
{
	enum rf_map_names rules[] = {RF_MAP_NAMES_EXACT, RF_MAP_NAMES_IGNORE_CASE,
	                             RF_MAP_NAMES_SNAKE_CASE};
	size_t i, r;

	for (r = 0; sm && sm->json_col >= 0 && r < 3; r++)
		for (i = 0; i < sm->keys.len; i++)
			if (rf_db_plain_name(sm->keys.items[i]) &&
			    rf_map_names_match(rules[r], sm->keys.items[i], d))
				return sm->keys.items[i];
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static bool is_time(enum rf_type_class c)
{
	return c == RF_T_TIMESTAMP || c == RF_T_TIMESTAMPTZ || c == RF_T_DATE;
}

static bool is_flag(const struct rf_column *c)
{
	return c->tclass == RF_T_BOOLEAN ||
	       (c->decl_type && strncasecmp(c->decl_type, "tinyint", 7) == 0);
}

/* Whether a source column of class s can give target class d a value as
 * it is: an integer is no UUID (that is a reference, or a new key). */
static bool compatible(enum rf_type_class s, enum rf_type_class d)
{
	return d != RF_T_UUID || s == RF_T_UUID || s == RF_T_TEXT;
}

/* The source column paired with target column name d by the name rules
 * (exact first), or -1; with want_class, only one that fits class d. */
static int pair_of(const struct rf_table_info *src, const char *d, int want_class)
{
	enum rf_map_names rules[] = {RF_MAP_NAMES_EXACT, RF_MAP_NAMES_IGNORE_CASE,
	                             RF_MAP_NAMES_SNAKE_CASE};
	size_t i, r;

	for (r = 0; r < 3; r++)
		for (i = 0; i < src->ncols; i++)
			if (rf_map_names_match(rules[r], src->cols[i].name, d) &&
			    (want_class < 0 ||
			     compatible(src->cols[i].tclass, (enum rf_type_class)want_class)))
				return (int)i;
	return -1;
}

static bool is_unixtime(const struct rf_column *s)
{
	return s->tclass == RF_T_INTEGER &&
	       (ends_with(s->name, "time") || ends_with(s->name, "_at"));
}

/* A flag S for target column S_at ("Deleted" -> deleted_at), or -1. */
static int flag_for_time(const struct rf_table_info *src, const struct rf_column *d)
{
	struct rf_buf b = RF_BUF_INIT;
	size_t i, n = strlen(d->name);
	int found = -1;

	if (!is_time(d->tclass) || !ends_with(d->name, "_at"))
		return -1;
	for (i = 0; i < src->ncols && found < 0; i++) {
		rf_map_snake_case(src->cols[i].name, &b);
		if (is_flag(&src->cols[i]) && b.len == n - 3 &&
		    strncmp(b.data, d->name, n - 3) == 0)
			found = (int)i;
	}
	rf_buf_free(&b);
	return found;
}

void rf_map_suggest(const struct rf_table_info *src, const struct rf_table_info *dst,
                    const struct rf_map_sample *sample, struct rf_buf *out)
{
	bool *used = rf_xcalloc(src->ncols + 1, sizeof *used);
	int *from = rf_xcalloc(dst->ncols + 1, sizeof *from);
	const char **jkey = rf_xcalloc(dst->ncols + 1, sizeof *jkey);
	struct rf_buf body = RF_BUF_INIT, unmatched = RF_BUF_INIT;
	const char *key = NULL;
	size_t i;

	/* pairs first, so the key can be chosen among paired columns; a
	 * column no source column pairs with may pair with a JSON key */
	for (i = 0; i < dst->ncols; i++) {
		from[i] = pair_of(src, dst->cols[i].name, (int)dst->cols[i].tclass);
		if (from[i] >= 0)
			used[from[i]] = true;
		else if ((jkey[i] = json_pair(sample, dst->cols[i].name)) != NULL)
			used[sample->json_col] = true;
	}
	/* the dual-ID scheme: legacy_X holds the source's X (legacy_id = ID,
	 * legacy_customer_id = CustomerID) */
	for (i = 0; i < dst->ncols; i++) {
		const char *n = dst->cols[i].name;
		int f;
		if (from[i] >= 0 || strncasecmp(n, "legacy_", 7) != 0)
			continue;
		f = pair_of(src, n + 7, -1);
		if (f < 0 && src->npk == 1 && strcasecmp(n, "legacy_id") == 0)
			f = (int)src->pk[0];
		if (f >= 0) {
			from[i] = f;
			used[f] = true;
		}
	}
	/* one unix time left on each side: most likely the same instant */
	{
		int ds = -1, ss = -1, nd = 0, ns = 0;
		for (i = 0; i < dst->ncols; i++)
			if (from[i] < 0 && is_time(dst->cols[i].tclass) &&
			    flag_for_time(src, &dst->cols[i]) < 0)
				ds = (int)i, nd++;
		for (i = 0; i < src->ncols; i++)
			if (!used[i] && is_unixtime(&src->cols[i]))
				ss = (int)i, ns++;
		if (nd == 1 && ns == 1) {
			from[ds] = ss;
			used[ss] = true;
		}
	}
	if (dst->npk == 1 && (from[dst->pk[0]] >= 0 || jkey[dst->pk[0]]))
		key = dst->cols[dst->pk[0]].name;
	for (i = 0; i < dst->ncols && !key; i++)
		if (from[i] >= 0 && strcasecmp(dst->cols[i].name, "legacy_id") == 0)
			key = dst->cols[i].name;
	for (i = 0; i < dst->nunique && !key; i++) {
		const struct rf_key *u = &dst->uniques[i];
		int c = u->ncols == 1 ? rf_table_info_col(dst, u->cols[0]) : -1;
		if (c >= 0 && (from[c] >= 0 || jkey[c]) && !dst->cols[c].nullable)
			key = dst->cols[c].name;
	}

	for (i = 0; i < dst->ncols; i++) {
		const struct rf_column *d = &dst->cols[i];
		int f = from[i];
		if (jkey[i]) {
			rf_buf_printf(&body, "%s = json(%s, '$.%s')\n", d->name,
			              src->cols[sample->json_col].name, jkey[i]);
		} else if (f >= 0) {
			const struct rf_column *s = &src->cols[f];
			if (is_unixtime(s) && is_time(d->tclass))
				rf_buf_printf(&body,
				              "%s = unixtime(%s)      ; %s holds unix seconds\n",
				              d->name, s->name, s->decl_type);
			else if (is_flag(s) && d->tclass == RF_T_BOOLEAN &&
			         s->tclass != RF_T_BOOLEAN)
				rf_buf_printf(&body, "%s = map(%s, 0:false, *:true)   ; %s flag\n",
				              d->name, s->name, s->decl_type);
			else
				rf_buf_printf(&body, "%s = %s\n", d->name, s->name);
		} else if (d->tclass == RF_T_UUID && ends_with(d->name, "_id") &&
		           (f = pair_of(src, d->name, -1)) >= 0) {
			/* an integer reference become a UUID one: the parent's key
			 * found by its match key (CustomerID -> customers) */
			used[f] = true;
			rf_buf_printf(&body,
			              "%s = ref(%.*ss, %s)   ; the parent whose match key is %s\n",
			              d->name, (int)(strlen(d->name) - 3), d->name,
			              src->cols[f].name, src->cols[f].name);
		} else if ((f = flag_for_time(src, d)) >= 0) {
			used[f] = true;
			rf_buf_printf(
			    &body, "%s = map(%s, 1:now(), *:null)   ; flag -> when it was copied\n",
			    d->name, src->cols[f].name);
		} else if (d->default_expr || d->identity || d->generated) {
			rf_buf_printf(&body, "%s = default              ; the target fills it\n",
			              d->name);
		} else {
			rf_buf_printf(&unmatched,
			              "; %s = ?   (target column %s: no source column%s)\n",
			              d->name, d->decl_type, d->nullable ? "" : ", NOT NULL");
		}
	}
	rf_buf_printf(out, "[map %s]\nfrom = %s\nnames = snake_case\n", dst->name, src->name);
	if (sample && sample->where)
		rf_buf_printf(out, "where = %s\n", sample->where);
	if (key)
		rf_buf_printf(out, "key = %s\n", key);
	else
		rf_buf_adds(out, "; key = ?   (no target key gets a value from the source: name "
		                 "one that does)\n");
	if (body.data)
		rf_buf_adds(out, body.data);
	if (unmatched.data)
		rf_buf_adds(out, unmatched.data);
	for (i = 0; i < src->ncols; i++)
		if (!used[i])
			rf_buf_printf(out, "; source column %s (%s): not mapped\n",
			              src->cols[i].name, src->cols[i].decl_type);
	rf_buf_free(&body);
	rf_buf_free(&unmatched);
	free(used);
	free(from);
	free(jkey);
}
