/* render.c - the one statement builder (render.h). */
#include <stdlib.h>
#include <string.h>

#include "render.h"

void rf_render_init(struct rf_render *r, struct rf_db *db, bool with_text)
{
	memset(r, 0, sizeof *r);
	r->db = db;
	r->with_text = with_text;
}

void rf_render_free(struct rf_render *r)
{
	rf_buf_free(&r->sql);
	rf_buf_free(&r->text);
	rf_buf_free(&r->data);
	free(r->params);
	r->params = NULL;
	r->nparams = r->cap = 0;
}

void rf_render_add(struct rf_render *r, const char *s)
{
	rf_buf_adds(&r->sql, s);
	if (r->with_text)
		rf_buf_adds(&r->text, s);
}

void rf_render_ident(struct rf_render *r, const char *name)
{
	size_t before = r->sql.len;
	r->db->ops->quote_ident(r->db, name, &r->sql);
	if (r->with_text)
		rf_buf_add(&r->text, r->sql.data + before, r->sql.len - before);
}

void rf_render_bulk(struct rf_render *r, const char *sql, struct rf_buf *data)
{
	rf_buf_reset(&r->sql);
	rf_buf_adds(&r->sql, sql);
	rf_buf_reset(&r->text);
	if (r->with_text)
		r->db->ops->bulk_script(r->db, sql, data->data, data->len, &r->text);
	rf_buf_free(&r->data);
	r->data = *data;
	memset(data, 0, sizeof *data);
	r->bulk = true;
}

const char *rf_stmt_end(const struct rf_stmt *s)
{
	return s->bulk ? "" : ";";
}

void rf_render_table(struct rf_render *r, const struct rf_table_info *t)
{
	if (t->schema && r->db->ops->has_schemas) {
		rf_render_ident(r, t->schema);
		rf_render_add(r, ".");
	}
	rf_render_ident(r, t->name);
}

void rf_render_value(struct rf_render *r, enum rf_type_class c, const struct rf_cell *v)
{
	if (r->nparams == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->params = rf_xrealloc(r->params, r->cap * sizeof *r->params);
	}
	/* not lent: apply lends what it runs (apply.c), not what is rendered */
	r->params[r->nparams] = (struct rf_param){.value = *v, .tclass = c, .lent = false};
	r->nparams++;
	r->db->ops->placeholder(r->db, r->nparams, &r->sql);
	if (r->with_text)
		r->db->ops->quote_literal(r->db, c, v, &r->text);
}

bool rf_render_returning(struct rf_render *r, const struct rf_table_info *t)
{
	size_t i;
	if (!r->db->ops->has_returning)
		return false;
	rf_render_add(r, " RETURNING ");
	for (i = 0; i < t->ncols; i++) {
		if (i)
			rf_render_add(r, ", ");
		rf_render_ident(r, t->cols[i].name);
	}
	return true;
}

void rf_render_finish(struct rf_render *r, struct rf_stmts *out, enum rf_op_kind k, size_t first,
                      size_t count, bool returning)
{
	struct rf_stmt *s;
	out->items = rf_xrealloc(out->items, (out->len + 1) * sizeof *out->items);
	s = &out->items[out->len++];
	s->kind = k;
	s->first = first;
	s->count = count;
	s->sql = rf_buf_steal(&r->sql);
	s->text = r->with_text ? rf_buf_steal(&r->text) : NULL;
	s->nparams = r->nparams;
	s->params = r->params;
	s->returning = returning;
	s->bulk = r->bulk;
	s->data_len = r->data.len;
	s->data = r->bulk ? rf_buf_steal(&r->data) : NULL;
	r->bulk = false;
	r->params = NULL;
	r->nparams = r->cap = 0;
}
