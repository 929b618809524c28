/* sqlite_schema.c - SQLite introspection: list_tables and describe
 * (DESIGN §3) from sqlite_schema and the table_xinfo / index_list /
 * index_info / foreign_key_list pragmas. The connection and its error
 * reporting are sqlite.c's (sqlite_internal.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "sqlite_internal.h"

static bool has_word(const char *upper, const char *w)
{
	return strstr(upper, w) != NULL;
}

/* The type class of a declared type. SQLite itself only knows affinities
 * (INT -> INTEGER, CHAR/CLOB/TEXT -> TEXT, BLOB or none -> BLOB,
 * REAL/FLOA/DOUB -> REAL, else NUMERIC); the declared name says more, so the
 * specific names are tested before the affinity rules they would match. */
static enum rf_type_class sqlite_type_class(const char *decl)
{
	char up[128];
	size_t i;

	for (i = 0; decl[i] && i < sizeof up - 1; i++)
		up[i] = (char)((decl[i] >= 'a' && decl[i] <= 'z') ? decl[i] - 32 : decl[i]);
	up[i] = '\0';
	if (!*sq_skip_space(up))
		return RF_T_BYTES;
	if (has_word(up, "BOOL"))
		return RF_T_BOOLEAN;
	if (has_word(up, "INT"))
		return RF_T_INTEGER;
	if (has_word(up, "UUID") || has_word(up, "GUID"))
		return RF_T_UUID;
	if (has_word(up, "JSON"))
		return RF_T_JSON;
	if (has_word(up, "TIMESTAMPTZ") || has_word(up, "WITH TIME ZONE"))
		return RF_T_TIMESTAMPTZ;
	if (has_word(up, "DATETIME") || has_word(up, "TIMESTAMP"))
		return RF_T_TIMESTAMP;
	if (has_word(up, "DATE"))
		return RF_T_DATE;
	if (has_word(up, "TIME"))
		return RF_T_TIME;
	if (has_word(up, "CHAR") || has_word(up, "CLOB") || has_word(up, "TEXT"))
		return RF_T_TEXT;
	if (has_word(up, "BLOB"))
		return RF_T_BYTES;
	if (has_word(up, "DECIMAL") || has_word(up, "NUMERIC"))
		return RF_T_DECIMAL;
	if (has_word(up, "REAL") || has_word(up, "FLOA") || has_word(up, "DOUB"))
		return RF_T_FLOAT;
	return RF_T_OTHER;
}

static const char *column_str(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Collects column 0 of a query into names; arg (may be NULL) is bound to
 * ?1. Returns 0 or -1. Sets *had_null when a row held NULL (an index on an
 * expression). */
static int query_names(struct sqlite_db *db, const char *sql, const char *arg,
                       struct rf_strlist *names, bool *had_null, struct rf_error *err)
{
	sqlite3_stmt *st = NULL;
	int step, rc = -1;

	if (sq_prepare(db, sql, &st, err) != 0)
		return -1;
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
			if (had_null)
				*had_null = true;
			continue;
		}
		rf_strlist_add(names, column_str(st, 0));
	}
	if (step != SQLITE_DONE) {
		sq_fail(db, err, NULL);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* The stored name of table `name`: exact first; then, since SQLite itself
 * resolves names case-insensitively, a unique case-insensitive match; a
 * "main." prefix is accepted. Caller frees; NULL with err if absent. */
static char *find_table(struct sqlite_db *db, const char *name, struct rf_error *err)
{
	static const char *const lookups[] = {
	    "SELECT name FROM sqlite_schema WHERE type IN ('table','view') AND name = ?1",
	    "SELECT name FROM sqlite_schema WHERE type IN ('table','view') "
	    "AND name = ?1 COLLATE NOCASE",
	};
	const char *bare = strncmp(name, "main.", 5) == 0 ? name + 5 : name;
	const char *tries[2] = {name, bare};
	size_t i, j;

	for (j = 0; j < 2; j++) {
		for (i = 0; i < 2; i++) {
			struct rf_strlist found = RF_STRLIST_INIT;
			char *hit = NULL;
			if (query_names(db, lookups[i], tries[j], &found, NULL, err) != 0)
				return NULL;
			if (found.len == 1)
				hit = rf_xstrdup(found.items[0]);
			rf_strlist_free(&found);
			if (hit)
				return hit;
		}
	}
	rf_error_set(err, db->base.name, "no such table: %s", name);
	return NULL;
}

static int describe_columns(struct sqlite_db *db, struct rf_table_info *t, struct rf_error *err)
{
	sqlite3_stmt *st = NULL;
	struct rf_strlist pk_index = RF_STRLIST_INIT;
	int step, rc = -1;
	size_t i;

	if (sq_prepare(db,
	               "SELECT name, type, \"notnull\", dflt_value, pk, hidden "
	               "FROM pragma_table_xinfo(?1) ORDER BY cid",
	               &st, err) != 0)
		return -1;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct rf_column c;
		int hidden = sqlite3_column_int(st, 5);
		if (hidden == 1) /* a virtual table's hidden column, not data */
			continue;
		memset(&c, 0, sizeof c);
		c.name = (char *)column_str(st, 0);
		c.decl_type = (char *)(column_str(st, 1) ? column_str(st, 1) : "");
		c.tclass = sqlite_type_class(c.decl_type);
		c.nullable = sqlite3_column_int(st, 2) == 0;
		c.default_expr = (char *)column_str(st, 3);
		c.pk_pos = sqlite3_column_int(st, 4);
		c.generated = hidden == 2 || hidden == 3; /* VIRTUAL, STORED */
		rf_table_info_add_column(t, &c);
	}
	if (step != SQLITE_DONE) {
		sq_fail(db, err, NULL);
		goto out;
	}
	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].pk_pos > 0)
			t->npk++;
	t->pk = rf_xcalloc(t->npk ? t->npk : 1, sizeof *t->pk);
	for (i = 0; i < t->ncols; i++) {
		int pos = t->cols[i].pk_pos;
		if (pos > 0 && (size_t)pos <= t->npk)
			t->pk[pos - 1] = i;
	}
	/* INTEGER PRIMARY KEY is an alias of the rowid (SQLite assigns it,
	 * with or without AUTOINCREMENT) unless the table is WITHOUT ROWID,
	 * where the key gets an index of origin 'pk' like any other type. */
	if (t->npk == 1 && strcasecmp(t->cols[t->pk[0]].decl_type, "INTEGER") == 0) {
		if (query_names(db, "SELECT name FROM pragma_index_list(?1) WHERE origin = 'pk'",
		                t->name, &pk_index, NULL, err) != 0)
			goto out;
		if (pk_index.len == 0) {
			t->cols[t->pk[0]].identity = true;
			t->cols[t->pk[0]].nullable = false;
		}
	}
	rc = 0;
out:
	rf_strlist_free(&pk_index);
	sqlite3_finalize(st);
	return rc;
}

/* The indexes `list_sql` names (bound to the table), each with its
 * columns, appended to *keys. Indexes on expressions are left out. */
static int describe_indexes(struct sqlite_db *db, const struct rf_table_info *t,
                            const char *list_sql, struct rf_key **keys, size_t *nkeys,
                            struct rf_error *err)
{
	struct rf_strlist indexes = RF_STRLIST_INIT;
	size_t i;
	int rc = -1;

	if (query_names(db, list_sql, t->name, &indexes, NULL, err) != 0)
		goto out;
	for (i = 0; i < indexes.len; i++) {
		struct rf_strlist cols = RF_STRLIST_INIT;
		struct rf_key *k;
		bool on_expression = false;
		if (query_names(db, "SELECT name FROM pragma_index_info(?1) ORDER BY seqno",
		                indexes.items[i], &cols, &on_expression, err) != 0) {
			rf_strlist_free(&cols);
			goto out;
		}
		if (on_expression || cols.len == 0) {
			rf_strlist_free(&cols);
			continue;
		}
		*keys = rf_xrealloc(*keys, (*nkeys + 1) * sizeof **keys);
		k = &(*keys)[(*nkeys)++];
		k->name = rf_xstrdup(indexes.items[i]);
		k->ncols = cols.len;
		k->cols = cols.items; /* the list's strings move into the key */
	}
	rc = 0;
out:
	rf_strlist_free(&indexes);
	return rc;
}

/* Unique constraints and unique indexes other than the primary key's.
 * Partial indexes are left out: they are unique only where their WHERE
 * holds, so they cannot identify rows; so are indexes on expressions.
 * Then the other indexes (CREATE INDEX), for schema.h. */
static int describe_uniques(struct sqlite_db *db, struct rf_table_info *t, struct rf_error *err)
{
	if (describe_indexes(
	        db, t,
	        "SELECT name FROM pragma_index_list(?1) "
	        "WHERE \"unique\" = 1 AND origin <> 'pk' AND partial = 0 ORDER BY name",
	        &t->uniques, &t->nunique, err) != 0)
		return -1;
	return describe_indexes(
	    db, t,
	    "SELECT name FROM pragma_index_list(?1) "
	    "WHERE \"unique\" = 0 AND origin = 'c' AND partial = 0 ORDER BY name",
	    &t->indexes, &t->nindexes, err);
}

/* Foreign keys. SQLite numbers them in reverse order of declaration, so
 * they are read by descending id to come out as written; a reference
 * without column names means the parent's primary key. */
static int describe_fkeys(struct sqlite_db *db, struct rf_table_info *t, struct rf_error *err)
{
	sqlite3_stmt *st = NULL;
	struct rf_strlist parent_pk = RF_STRLIST_INIT;
	struct rf_fkey *fk = NULL;
	int step, id = -1, rc = -1;
	size_t i;

	if (sq_prepare(db,
	               "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) "
	               "ORDER BY id DESC, seq",
	               &st, err) != 0)
		return -1;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *to = column_str(st, 3);
		char *ref;
		if (!fk || sqlite3_column_int(st, 0) != id) {
			id = sqlite3_column_int(st, 0);
			t->fkeys = rf_xrealloc(t->fkeys, (t->nfkeys + 1) * sizeof *t->fkeys);
			fk = &t->fkeys[t->nfkeys++];
			memset(fk, 0, sizeof *fk);
			fk->ref_table = rf_xstrdup(column_str(st, 1));
			rf_strlist_free(&parent_pk);
			if (!to &&
			    query_names(db,
			                "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 "
			                "ORDER BY pk",
			                fk->ref_table, &parent_pk, NULL, err) != 0)
				goto out;
		}
		if (to)
			ref = rf_xstrdup(to);
		else if (fk->ncols < parent_pk.len)
			ref = rf_xstrdup(parent_pk.items[fk->ncols]);
		else
			ref = rf_xstrdup("rowid"); /* a parent without a declared key */
		fk->cols = rf_xrealloc(fk->cols, (fk->ncols + 1) * sizeof *fk->cols);
		fk->ref_cols = rf_xrealloc(fk->ref_cols, (fk->ncols + 1) * sizeof *fk->ref_cols);
		fk->cols[fk->ncols] = rf_xstrdup(column_str(st, 2));
		fk->ref_cols[fk->ncols] = ref;
		fk->ncols++;
	}
	if (step != SQLITE_DONE) {
		sq_fail(db, err, NULL);
		goto out;
	}
	/* SQLite keeps no names for foreign keys: name them as PostgreSQL
	 * would by default */
	for (i = 0; i < t->nfkeys; i++) {
		struct rf_strlist cols = {t->fkeys[i].cols, t->fkeys[i].ncols, t->fkeys[i].ncols};
		char *joined = rf_strlist_join(&cols, "_");
		t->fkeys[i].name = rf_xasprintf("%s_%s_fkey", t->name, joined);
		free(joined);
	}
	rc = 0;
out:
	rf_strlist_free(&parent_pk);
	sqlite3_finalize(st);
	return rc;
}

int sq_describe(struct rf_db *base, const char *name, struct rf_table_info *out,
                struct rf_error *err)
{
	struct sqlite_db *db = sqlite_of(base);

	memset(out, 0, sizeof *out);
	out->name = find_table(db, name, err);
	if (!out->name)
		return -1;
	out->display = rf_xstrdup(out->name);
	if (describe_columns(db, out, err) != 0 || describe_uniques(db, out, err) != 0 ||
	    describe_fkeys(db, out, err) != 0) {
		rf_table_info_free(out);
		return -1;
	}
	return 0;
}

/* Every foreign key of the main database (db.h), from describe of each
 * table: SQLite keeps them only in each table's CREATE statement. The
 * parent is named as the table is, whatever case the REFERENCES clause
 * wrote it in; foreign keys are enforced when PRAGMA foreign_keys is on. */
int sq_foreign_keys(struct rf_db *base, struct rf_fk_list *out, struct rf_error *err)
{
	struct sqlite_db *db = sqlite_of(base);
	struct rf_strlist names = RF_STRLIST_INIT, on = RF_STRLIST_INIT;
	struct rf_table_info t = {0};
	struct rf_error ignored;
	size_t i, j, k;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (query_names(db,
	                "SELECT name FROM sqlite_schema WHERE type = 'table' "
	                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
	                NULL, &names, NULL, err) != 0 ||
	    query_names(db, "SELECT foreign_keys FROM pragma_foreign_keys", NULL, &on, NULL, err) !=
	        0)
		goto out;
	for (i = 0; i < names.len; i++) {
		if (sq_describe(base, names.items[i], &t, err) != 0)
			goto out;
		for (j = 0; j < t.nfkeys; j++) {
			const struct rf_fkey *f = &t.fkeys[j];
			char *parent = find_table(db, f->ref_table, &ignored);
			struct rf_fk_edge e = {
			    .name = f->name,
			    .child = t.name,
			    .parent = parent ? parent : f->ref_table,
			    .ncols = f->ncols,
			    .child_cols = f->cols,
			    .parent_cols = f->ref_cols,
			    .nullable = true,
			    .enforced = on.len == 1 && strcmp(on.items[0], "1") == 0,
			};
			for (k = 0; k < f->ncols; k++) {
				int c = rf_table_info_col(&t, f->cols[k]);
				e.nullable = e.nullable && c >= 0 && t.cols[c].nullable;
			}
			rf_fk_list_add(out, &e);
			free(parent);
		}
		rf_table_info_free(&t);
	}
	rc = 0;
out:
	rf_table_info_free(&t);
	rf_strlist_free(&names);
	rf_strlist_free(&on);
	return rc;
}

static long long count_rows(struct sqlite_db *db, const char *table)
{
	struct rf_buf sql = RF_BUF_INIT;
	sqlite3_stmt *st = NULL;
	long long n = -1;

	rf_buf_adds(&sql, "SELECT count(*) FROM ");
	sq_quote_ident(&sql, table);
	if (sqlite3_prepare_v2(db->conn, sql.data, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	rf_buf_free(&sql);
	return n;
}

int sq_list_tables(struct rf_db *base, bool count, struct rf_table_list *out, struct rf_error *err)
{
	struct sqlite_db *db = sqlite_of(base);
	struct rf_strlist names = RF_STRLIST_INIT;
	size_t i;

	out->len = 0;
	out->items = NULL;
	/* sqlite_% are the engine's own (sqlite_sequence, sqlite_stat1) */
	if (query_names(db,
	                "SELECT name FROM sqlite_schema WHERE type = 'table' "
	                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
	                NULL, &names, NULL, err) != 0) {
		rf_strlist_free(&names);
		return -1;
	}
	out->items = rf_xcalloc(names.len ? names.len : 1, sizeof *out->items);
	for (i = 0; i < names.len; i++) {
		out->items[i].name = rf_xstrdup(names.items[i]);
		out->items[i].rows = count ? count_rows(db, names.items[i]) : -1;
		out->len++;
	}
	rf_strlist_free(&names);
	return 0;
}
