/* all_create.c - the tables `copy --all --create` makes (all_create.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowferry/all_create.h"

void rf_planned_tables_free(struct rf_planned_tables *p)
{
	size_t i;
	if (!p)
		return;
	for (i = 0; i < p->len; i++) {
		free(p->items[i].source);
		rf_table_info_free(&p->items[i].info);
		rf_table_info_free(&p->items[i].made);
		rf_ddl_free(&p->items[i].ddl);
		free(p->items[i].ddl_text);
	}
	free(p->items);
	rf_strlist_free(&p->defer);
	rf_strlist_free(&p->warnings);
	memset(p, 0, sizeof *p);
}

int rf_planned_find(const struct rf_planned_tables *p, const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	for (i = 0; p && i < p->len; i++) {
		const struct rf_table_info *t = &p->items[i].info;
		if (strcmp(t->name, name) == 0 || strcmp(p->items[i].source, name) == 0 ||
		    (dot && strcmp(t->name, dot + 1) == 0))
			return (int)i;
	}
	return -1;
}

const struct rf_table_info *rf_db_planned(const struct rf_db *db, const char *name)
{
	int i = name ? rf_planned_find(db->planned, name) : -1;
	if (i < 0 || db->planned->items[i].created)
		return NULL;
	return &db->planned->items[i].info;
}

const struct rf_table_info *rf_db_created(const struct rf_db *db, const char *name)
{
	int i = name ? rf_planned_find(db->planned, name) : -1;
	if (i < 0 || !db->planned->items[i].created || !db->planned->items[i].made.ncols)
		return NULL;
	return &db->planned->items[i].made;
}

/* The target's definition of src as its translation creates it (the
 * header's comment): what the renderer, the journal and the in-transaction
 * check use. Nullability and identity follow the DDL: a primary key's
 * column is NOT NULL on the servers, an identity is NOT NULL and only an
 * integer one survives, SQLite's only as a one-column primary key. */
static void synthesize(struct rf_db *dst, const char *src_engine, const struct rf_table_info *src,
                       struct rf_table_info *out)
{
	bool server = dst->ops->is_server;
	size_t i;

	rf_table_info_copy(out, src);
	free(out->schema);
	free(out->display);
	out->schema = NULL;
	out->display = rf_xstrdup(out->name);
	out->plain_inserts = false;
	/* the parents as the DDL names them: bare, as they are created */
	for (i = 0; i < out->nfkeys; i++) {
		char *dot = strrchr(out->fkeys[i].ref_table, '.');
		if (dot) {
			char *bare = rf_xstrdup(dot + 1);
			free(out->fkeys[i].ref_table);
			out->fkeys[i].ref_table = bare;
		}
	}
	for (i = 0; i < out->ncols; i++) {
		struct rf_column *c = &out->cols[i];
		struct rf_buf type = RF_BUF_INIT;
		struct rf_strlist ignored = RF_STRLIST_INIT;

		rf_schema_map_type(src_engine, c, c->pk_pos > 0, dst->ops->engine, &type, &ignored);
		free(c->decl_type);
		c->decl_type = rf_xstrndup(type.data ? type.data : "", type.len);
		free(c->default_expr);
		c->default_expr = NULL;
		c->identity = c->identity && c->tclass == RF_T_INTEGER &&
		              (server || (src->npk == 1 && c->pk_pos == 1));
		if (server && (c->pk_pos > 0 || c->identity))
			c->nullable = false;
		c->generated = false; /* created as a plain column (schema.h) */
		c->store = RF_STORE_UNKNOWN;
		c->store_limit = 0;
		rf_strlist_free(&ignored);
		rf_buf_free(&type);
	}
}

/* Whether the table described now is the one planned; else err says how
 * it differs. */
static int same_as_planned(struct rf_db *db, const struct rf_table_info *plan,
                           const struct rf_table_info *now, struct rf_error *err)
{
	size_t i;

	if (now->ncols != plan->ncols)
		return rf_error_set(err, db->name,
		                    "%s: created with %zu columns where the plan has %zu: "
		                    "rolled back",
		                    plan->display, now->ncols, plan->ncols);
	for (i = 0; i < plan->ncols; i++) {
		const struct rf_column *p = &plan->cols[i], *n = &now->cols[i];
		const char *what = strcmp(p->name, n->name) != 0 ? "its name"
		                   : p->tclass != n->tclass      ? "its class of values"
		                   : p->nullable != n->nullable  ? "NULL-ability"
		                   : p->pk_pos != n->pk_pos      ? "its primary-key position"
		                   : p->identity != n->identity  ? "identity"
		                                                 : NULL;
		if (what)
			return rf_error_set(err, db->name,
			                    "%s: column %zu (%s) as created (%s %s) differs from "
			                    "the plan the preview showed in %s: rolled back; "
			                    "create the table first (rowferry ddl)",
			                    plan->display, i + 1, p->name, n->name, n->decl_type,
			                    what);
	}
	return 0;
}

/* Adds item t's translation to out. */
static int plan_one(struct rf_db *src, struct rf_db *dst, const char *name, bool fkeys_after,
                    struct rf_planned_tables *out, struct rf_error *err)
{
	struct rf_planned_table *it;
	struct rf_ddl_opts o = {src->ops->engine, NULL, fkeys_after};
	struct rf_table_info info;
	size_t i;
	int rc = -1;

	memset(&info, 0, sizeof info);
	if (rf_db_describe(src, name, &info, err) != 0)
		goto out;
	out->items = rf_xrealloc(out->items, (out->len + 1) * sizeof *out->items);
	it = &out->items[out->len++];
	memset(it, 0, sizeof *it);
	it->source = rf_xstrdup(name);
	if (rf_schema_create_table(dst, &info, &o, &it->ddl, err) != 0)
		goto out;
	synthesize(dst, src->ops->engine, &info, &it->info);
	it->ddl_text = rf_strlist_join(&it->ddl.create, ";\n");
	for (i = 0; i < it->ddl.warnings.len; i++) {
		char *w = rf_xasprintf("%s: %s", it->info.name, it->ddl.warnings.items[i]);
		rf_strlist_add(&out->warnings, w);
		free(w);
	}
	rc = 0;
out:
	rf_table_info_free(&info);
	return rc;
}

int rf_all_create_plan(struct rf_db *src, struct rf_db *dst, const struct rf_strlist *names,
                       struct rf_planned_tables *out, struct rf_error *err)
{
	struct rf_table_info *infos = rf_xcalloc(names->len + 1, sizeof *infos);
	size_t *order = rf_xcalloc(names->len + 1, sizeof *order), i;
	bool acyclic;
	int rc = -1;

	memset(out, 0, sizeof *out);
	for (i = 0; i < names->len; i++)
		if (rf_db_describe(src, names->items[i], &infos[i], err) != 0)
			goto out;
	acyclic = rf_schema_create_order(infos, names->len, order);
	if (!acyclic && dst->ops->ddl_commits) {
		rf_error_set(err, dst->name,
		             "--create: the tables to create reference each other in a cycle, "
		             "which %s could only tie after the data's transaction; create them "
		             "first: rowferry ddl",
		             dst->name);
		goto out;
	}
	/* the servers that commit DDL get their foreign keys in CREATE TABLE,
	 * parents first; the others once the data is in */
	for (i = 0; i < names->len; i++)
		if (plan_one(src, dst, names->items[order[i]], !dst->ops->ddl_commits, out, err) !=
		    0)
			goto out;
	if (!dst->ops->ddl_commits) {
		out->keys_after_load = true;
		/* SQLite keeps them in CREATE TABLE: checked at COMMIT */
		for (i = 0; i < out->len && dst->ops->defer_constraint; i++)
			if (out->items[i].ddl.foreign.len == 0 && out->items[i].info.nfkeys) {
				struct rf_buf b = RF_BUF_INIT;
				dst->ops->defer_constraint(dst, NULL, &b);
				rf_strlist_add(&out->defer, b.data);
				rf_buf_free(&b);
				break;
			}
	}
	rc = 0;
out:
	for (i = 0; i < names->len; i++)
		rf_table_info_free(&infos[i]);
	free(infos);
	free(order);
	return rc;
}

void rf_all_create_script(const struct rf_planned_tables *p, bool before, struct rf_buf *out)
{
	size_t i, k;

	for (i = 0; before && i < p->defer.len; i++)
		rf_buf_printf(out, "%s;\n", p->defer.items[i]);
	for (i = 0; i < p->len; i++) {
		const struct rf_strlist *l =
		    before ? &p->items[i].ddl.create : &p->items[i].ddl.foreign;
		/* a comment per table inside the transaction only: before it
		 * (MariaDB) the front end's summary, the script's comment lines
		 * up to the first statement, would take them in */
		if (l->len && (!before || p->keys_after_load))
			rf_buf_printf(out, "-- %s: %s\n", p->items[i].info.name,
			              before ? "created (--create)"
			                     : "its foreign keys, once the rows are in");
		for (k = 0; k < l->len; k++)
			rf_buf_printf(out, "%s;\n", l->items[k]);
	}
}

static int exec_all(struct rf_db *db, const struct rf_strlist *l, struct rf_error *err)
{
	size_t i;
	for (i = 0; i < l->len; i++)
		if (db->ops->exec(db, l->items[i], 0, NULL, NULL, err) != 0)
			return -1;
	return 0;
}

int rf_all_create_run(struct rf_db *db, struct rf_planned_tables *p, size_t i, struct rf_error *err)
{
	struct rf_planned_table *it = &p->items[i];
	struct rf_table_info now;
	size_t k;
	int rc;

	if (i == 0 && db->in_tx && exec_all(db, &p->defer, err) != 0)
		return -1;
	for (k = 0; k < it->ddl.create.len; k++) {
		if (db->ops->exec(db, it->ddl.create.items[k], 0, NULL, NULL, err) != 0)
			return -1;
		it->created = true; /* CREATE TABLE is the first */
	}
	memset(&now, 0, sizeof now);
	rc = rf_db_describe(db, it->info.name, &now, err);
	if (rc == 0)
		rc = same_as_planned(db, &it->info, &now, err);
	rf_table_info_free(&it->made);
	it->made = now;
	return rc;
}

int rf_all_create_finish(struct rf_db *db, const struct rf_planned_tables *p, struct rf_error *err)
{
	size_t i;
	for (i = 0; i < p->len; i++)
		if (exec_all(db, &p->items[i].ddl.foreign, err) != 0)
			return -1;
	return 0;
}

size_t rf_all_create_drop(struct rf_db *db, struct rf_planned_tables *p)
{
	size_t i, failed = 0;

	for (i = p->len; i-- > 0;) {
		struct rf_buf sql = RF_BUF_INIT;
		if (!p->items[i].created)
			continue;
		rf_buf_adds(&sql, "DROP TABLE ");
		db->ops->quote_ident(db, p->items[i].info.name, &sql);
		if (db->ops->exec(db, sql.data, 0, NULL, NULL, NULL) == 0)
			p->items[i].created = false;
		else
			failed++;
		rf_buf_free(&sql);
	}
	return failed;
}
