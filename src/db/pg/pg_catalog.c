/* pg_catalog.c - the PostgreSQL driver's catalog queries: list_tables
 * (every table with an exact row count) and describe (columns, keys and
 * foreign keys of one relation), from pg_catalog.
 *
 * Every query binds its parameters; identifiers are quoted only by
 * pg_quote_ident().
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"
#include "rowferry/db.h"

#define PG_COUNT_BATCH 100 /* tables counted per query in list_tables */

/* ---- tables ------------------------------------------------------------- */

int pg_list_tables(struct rf_db *dbp, bool count, struct rf_table_list *out, struct rf_error *err)
{
	static const char sql[] =
	    "SELECT n.nspname, c.relname, pg_catalog.has_table_privilege(c.oid, 'SELECT')"
	    " FROM pg_catalog.pg_class c"
	    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	    " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition"
	    " AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'"
	    " ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"";
	struct pg_db *db = pg(dbp);
	struct rf_buf q = RF_BUF_INIT;
	PGresult *res = pg_query(db, sql, 0, NULL, err), *counts = NULL;
	size_t n, done;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!res)
		goto cleanup;
	n = (size_t)PQntuples(res);
	out->items = rf_xcalloc(n, sizeof *out->items);
	out->len = n;
	for (size_t i = 0; i < n; i++) {
		out->items[i].name =
		    rf_xasprintf("%s.%s", PQgetvalue(res, (int)i, 0), PQgetvalue(res, (int)i, 1));
		out->items[i].rows = -1; /* stays -1 without SELECT privilege */
	}
	/* exact counts, a batch of tables per round trip */
	for (done = 0; count && done < n; done += PG_COUNT_BATCH) {
		size_t end = done + PG_COUNT_BATCH < n ? done + PG_COUNT_BATCH : n;
		rf_buf_reset(&q);
		for (size_t i = done; i < end; i++) {
			if (strcmp(PQgetvalue(res, (int)i, 2), "t") != 0)
				continue;
			rf_buf_printf(&q, "%sSELECT %zu, count(*) FROM ",
			              q.len ? " UNION ALL " : "", i);
			pg_quote_ident(dbp, PQgetvalue(res, (int)i, 0), &q);
			rf_buf_addc(&q, '.');
			pg_quote_ident(dbp, PQgetvalue(res, (int)i, 1), &q);
		}
		if (!q.len)
			continue;
		if (!(counts = pg_query(db, q.data, 0, NULL, err)))
			goto cleanup;
		for (int r = 0; r < PQntuples(counts); r++) {
			size_t i = (size_t)strtoull(PQgetvalue(counts, r, 0), NULL, 10);
			if (i < n)
				out->items[i].rows = strtoll(PQgetvalue(counts, r, 1), NULL, 10);
		}
		PQclear(counts);
		counts = NULL;
	}
	rc = 0;
cleanup:
	PQclear(res);
	PQclear(counts);
	rf_buf_free(&q);
	if (rc != 0)
		rf_table_list_free(out);
	return rc;
}

/* Type class from the (domain base) type: builtin types by name, enums and
 * citext as text, everything else (arrays, ranges, composites) other. */
static enum rf_type_class pg_type_class(const char *typname, const char *typtype, bool builtin)
{
	static const struct {
		const char *name;
		enum rf_type_class c;
	} map[] = {
	    {"int2", RF_T_INTEGER},        {"int4", RF_T_INTEGER},
	    {"int8", RF_T_INTEGER},        {"numeric", RF_T_DECIMAL},
	    {"float4", RF_T_FLOAT},        {"float8", RF_T_FLOAT},
	    {"bool", RF_T_BOOLEAN},        {"text", RF_T_TEXT},
	    {"varchar", RF_T_TEXT},        {"bpchar", RF_T_TEXT},
	    {"name", RF_T_TEXT},           {"char", RF_T_TEXT},
	    {"bytea", RF_T_BYTES},         {"date", RF_T_DATE},
	    {"time", RF_T_TIME},           {"timetz", RF_T_TIME},
	    {"timestamp", RF_T_TIMESTAMP}, {"timestamptz", RF_T_TIMESTAMPTZ},
	    {"json", RF_T_JSON},           {"jsonb", RF_T_JSON},
	    {"uuid", RF_T_UUID},
	};
	if (strcmp(typtype, "e") == 0 || strcmp(typname, "citext") == 0)
		return RF_T_TEXT;
	if (!builtin)
		return RF_T_OTHER;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].name, typname) == 0)
			return map[i].c;
	return RF_T_OTHER;
}

/* Resolves name to a relation: "schema.table" (any dot may be the one that
 * splits schema from table, so names holding dots still work), else an
 * unqualified name visible in the search_path. */
static const char pg_resolve_sql[] =
    "SELECT c.oid, n.nspname, c.relname, 0 AS pref"
    " FROM pg_catalog.generate_series(1, length($1::text)) AS p(i)"
    " JOIN pg_catalog.pg_namespace n ON n.nspname = left($1::text, p.i - 1)"
    " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid"
    "  AND c.relname = substr($1::text, p.i + 1)"
    " WHERE substr($1::text, p.i, 1) = '.' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
    " UNION ALL"
    " SELECT c.oid, n.nspname, c.relname, 1"
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relname = $1::text AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
    " AND pg_catalog.pg_table_is_visible(c.oid)"
    " ORDER BY 4";

/* Domains are looked through one level to their base type. */
static const char pg_columns_sql[] =
    "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),"
    " coalesce(bt.typname, t.typname), coalesce(bt.typtype, t.typtype),"
    " coalesce(bt.typnamespace, t.typnamespace) = 'pg_catalog'::regnamespace,"
    " NOT a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid),"
    " a.attgenerated = 's', a.attidentity <> '',"
    " coalesce(pg_catalog.array_position(pk.conkey, a.attnum), 0),"
    " a.atttypmod, t.typtype = 'd', plain.ok, plain.toasted"
    " FROM pg_catalog.pg_attribute a"
    " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
    " LEFT JOIN pg_catalog.pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype"
    " LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
    " LEFT JOIN pg_catalog.pg_constraint pk ON pk.conrelid = a.attrelid AND pk.contype = 'p'"
    /* a plain table: no trigger (other than the foreign keys' own) or rule
     * may change the rows an INSERT stores */
    " CROSS JOIN (SELECT c.relkind = 'r'"
    "  AND NOT EXISTS (SELECT FROM pg_catalog.pg_trigger g"
    "   WHERE g.tgrelid = c.oid AND NOT g.tgisinternal)"
    "  AND NOT EXISTS (SELECT FROM pg_catalog.pg_rewrite w"
    "   WHERE w.ev_class = c.oid AND w.rulename <> '_RETURN'),"
    /* values stored out of line: one may be large (large_values); a size
     * from the file system, no row read */
    "  c.reltoastrelid <> 0 AND pg_catalog.pg_relation_size(c.reltoastrelid) > 0"
    "  FROM pg_catalog.pg_class c WHERE c.oid = $1::oid) AS plain(ok, toasted)"
    " WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped"
    " ORDER BY a.attnum";

/* Unique constraints and unique indexes other than the primary key. Partial
 * and expression indexes are left out: they do not make a column list
 * unique across the table. One row per (key, column). */
static const char pg_uniques_sql[] =
    "SELECT x.indexrelid, coalesce(con.conname, i.relname), a.attname"
    " FROM pg_catalog.pg_index x"
    " JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
    " LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = x.indexrelid"
    "  AND con.conrelid = x.indrelid AND con.contype = 'u'"
    " CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum"
    " WHERE x.indrelid = $1::oid AND x.indisunique AND NOT x.indisprimary AND x.indisvalid"
    " AND x.indpred IS NULL AND x.indexprs IS NULL AND k.ord <= x.indnkeyatts"
    " ORDER BY x.indexrelid, k.ord";

/* The other indexes: not unique, valid, on plain columns, not partial. */
static const char pg_indexes_sql[] =
    "SELECT x.indexrelid, i.relname, a.attname"
    " FROM pg_catalog.pg_index x"
    " JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
    " CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum"
    " WHERE x.indrelid = $1::oid AND NOT x.indisunique AND x.indisvalid"
    " AND x.indpred IS NULL AND x.indexprs IS NULL AND k.ord <= x.indnkeyatts"
    " ORDER BY i.relname COLLATE \"C\", k.ord";

/* Foreign keys, one row per column pair; conparentid = 0 skips the copies
 * PostgreSQL keeps for each partition of a referenced partitioned table. */
static const char pg_fkeys_sql[] =
    "SELECT con.oid, con.conname, rn.nspname, rc.relname, a.attname, ra.attname"
    " FROM pg_catalog.pg_constraint con"
    " JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid"
    " JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace"
    " CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, ord)"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum"
    " JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum"
    " WHERE con.conrelid = $1::oid AND con.contype = 'f' AND con.conparentid = 0"
    " ORDER BY con.oid, k.ord";

/* Every foreign key of the database, one row per column pair, for the row
 * graph: both ends named schema.table as describe names them. */
static const char pg_all_fkeys_sql[] =
    "SELECT con.oid, con.conname, cn.nspname, cc.relname, rn.nspname, rc.relname,"
    " a.attname, ra.attname, NOT a.attnotnull, con.condeferrable"
    " FROM pg_catalog.pg_constraint con"
    " JOIN pg_catalog.pg_class cc ON cc.oid = con.conrelid"
    " JOIN pg_catalog.pg_namespace cn ON cn.oid = cc.relnamespace"
    " JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid"
    " JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace"
    " CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, ord)"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum"
    " JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum"
    " WHERE con.contype = 'f' AND con.conparentid = 0 AND NOT cc.relispartition"
    " AND cn.nspname <> 'information_schema' AND cn.nspname !~ '^pg_'"
    " ORDER BY cn.nspname COLLATE \"C\", cc.relname COLLATE \"C\","
    " con.conname COLLATE \"C\", con.oid, k.ord";

/* What an INSERT stores, from the built-in base type and the column's
 * typmod (predict.c). Domains, arrays, enums, floats (whose text form
 * depends on extra_float_digits and the server version), char(n) (padded),
 * timetz, money and the rest stay unknown. */
static void pg_store_rule(struct rf_column *c, const char *typname, bool builtin, bool domain,
                          int typmod)
{
	static const char *const exact[] = {"int2", "int4", "int8", "text", "bool",
	                                    "uuid", "date", "json", "bytea"};
	size_t i;

	c->store = RF_STORE_UNKNOWN;
	if (!builtin || domain)
		return;
	for (i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (strcmp(typname, exact[i]) == 0)
			c->store = RF_STORE_EXACT;
	if (strcmp(typname, "jsonb") == 0) {
		c->store = RF_STORE_JSONB;
	} else if (strcmp(typname, "varchar") == 0) {
		c->store = typmod < 0 ? RF_STORE_EXACT : RF_STORE_LIMIT;
		c->store_limit = typmod - 4; /* VARHDRSZ */
	} else if (strcmp(typname, "numeric") == 0) {
		/* the scale is the low 11 bits, signed (negative since 15) */
		int scale = typmod < 0 ? 0 : ((((typmod - 4) & 0x7ff) ^ 0x400) - 0x400);
		if (typmod < 0)
			c->store = RF_STORE_EXACT;
		else if (scale >= 0) {
			c->store = RF_STORE_LIMIT;
			c->store_limit = scale;
		}
	} else if (strcmp(typname, "time") == 0 || strcmp(typname, "timestamp") == 0 ||
	           strcmp(typname, "timestamptz") == 0) {
		c->store = RF_STORE_LIMIT;
		c->store_limit = typmod < 0 ? 6 : typmod;
	}
}

static void describe_columns(const PGresult *res, struct rf_table_info *t)
{
	for (int r = 0; r < PQntuples(res); r++) {
		struct rf_column c = {0};
		c.name = PQgetvalue(res, r, 0);
		c.decl_type = PQgetvalue(res, r, 1);
		c.tclass = pg_type_class(PQgetvalue(res, r, 2), PQgetvalue(res, r, 3),
		                         *PQgetvalue(res, r, 4) == 't');
		c.nullable = *PQgetvalue(res, r, 5) == 't';
		c.generated = *PQgetvalue(res, r, 7) == 't';
		/* a generated column's expression is not a default the target could use */
		c.default_expr =
		    PQgetisnull(res, r, 6) || c.generated ? NULL : PQgetvalue(res, r, 6);
		c.identity = *PQgetvalue(res, r, 8) == 't' ||
		             (c.default_expr && strncmp(c.default_expr, "nextval(", 8) == 0);
		c.pk_pos = atoi(PQgetvalue(res, r, 9));
		pg_store_rule(&c, PQgetvalue(res, r, 2), *PQgetvalue(res, r, 4) == 't',
		              *PQgetvalue(res, r, 11) == 't', atoi(PQgetvalue(res, r, 10)));
		rf_table_info_add_column(t, &c);
		t->plain_inserts = *PQgetvalue(res, r, 12) == 't';
		t->large_values = *PQgetvalue(res, r, 13) == 't';
	}
	t->pk = rf_xcalloc(t->ncols, sizeof *t->pk);
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i].pk_pos > 0 && (size_t)t->cols[i].pk_pos <= t->ncols) {
			t->pk[t->cols[i].pk_pos - 1] = i;
			t->npk++;
		}
}

/* Keys from rows (index oid, name, column), grouped by index. */
static void describe_keys(const PGresult *res, struct rf_key **keys, size_t *nkeys)
{
	const char *prev = NULL;
	*keys = rf_xcalloc((size_t)PQntuples(res) + 1, sizeof **keys);
	for (int r = 0; r < PQntuples(res); r++) {
		struct rf_key *k;
		if (!prev || strcmp(prev, PQgetvalue(res, r, 0)) != 0) {
			k = &(*keys)[(*nkeys)++];
			k->name = rf_xstrdup(PQgetvalue(res, r, 1));
			k->cols = rf_xcalloc((size_t)PQntuples(res), sizeof *k->cols);
			prev = PQgetvalue(res, r, 0);
		}
		k = &(*keys)[*nkeys - 1];
		k->cols[k->ncols++] = rf_xstrdup(PQgetvalue(res, r, 2));
	}
}

static void describe_fkeys(const PGresult *res, struct rf_table_info *t)
{
	const char *prev = NULL;
	size_t n = (size_t)PQntuples(res);
	t->fkeys = rf_xcalloc(n + 1, sizeof *t->fkeys);
	for (int r = 0; r < (int)n; r++) {
		struct rf_fkey *f;
		if (!prev || strcmp(prev, PQgetvalue(res, r, 0)) != 0) {
			f = &t->fkeys[t->nfkeys++];
			f->name = rf_xstrdup(PQgetvalue(res, r, 1));
			f->ref_table =
			    rf_xasprintf("%s.%s", PQgetvalue(res, r, 2), PQgetvalue(res, r, 3));
			f->cols = rf_xcalloc(n, sizeof *f->cols);
			f->ref_cols = rf_xcalloc(n, sizeof *f->ref_cols);
			prev = PQgetvalue(res, r, 0);
		}
		f = &t->fkeys[t->nfkeys - 1];
		f->cols[f->ncols] = rf_xstrdup(PQgetvalue(res, r, 4));
		f->ref_cols[f->ncols++] = rf_xstrdup(PQgetvalue(res, r, 5));
	}
}

/* Every foreign key of the database (db.h). PostgreSQL enforces each one
 * (NOT VALID ones too, for new rows). */
int pg_foreign_keys(struct rf_db *dbp, struct rf_fk_list *out, struct rf_error *err)
{
	PGresult *res = pg_query(pg(dbp), pg_all_fkeys_sql, 0, NULL, err);
	struct rf_fk_edge *e = NULL;
	const char *prev = NULL;
	int r, n;

	memset(out, 0, sizeof *out);
	if (!res)
		return -1;
	n = PQntuples(res);
	out->items = rf_xcalloc((size_t)n + 1, sizeof *out->items);
	for (r = 0; r < n; r++) {
		if (!prev || strcmp(prev, PQgetvalue(res, r, 0)) != 0) {
			e = &out->items[out->len++];
			e->name = rf_xstrdup(PQgetvalue(res, r, 1));
			e->child =
			    rf_xasprintf("%s.%s", PQgetvalue(res, r, 2), PQgetvalue(res, r, 3));
			e->parent =
			    rf_xasprintf("%s.%s", PQgetvalue(res, r, 4), PQgetvalue(res, r, 5));
			e->child_cols = rf_xcalloc((size_t)n, sizeof *e->child_cols);
			e->parent_cols = rf_xcalloc((size_t)n, sizeof *e->parent_cols);
			e->nullable = true;
			e->deferrable = *PQgetvalue(res, r, 9) == 't';
			e->enforced = true;
			prev = PQgetvalue(res, r, 0);
		}
		e->child_cols[e->ncols] = rf_xstrdup(PQgetvalue(res, r, 6));
		e->parent_cols[e->ncols++] = rf_xstrdup(PQgetvalue(res, r, 7));
		e->nullable = e->nullable && *PQgetvalue(res, r, 8) == 't';
	}
	PQclear(res);
	return 0;
}

/* Fills *out (caller frees with rf_table_info_free(), also on error). */
int pg_describe(struct rf_db *dbp, const char *name, struct rf_table_info *out,
                struct rf_error *err)
{
	struct pg_db *db = pg(dbp);
	PGresult *res = NULL;
	const char *param[1] = {name};
	char oid[16];
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!(res = pg_query(db, pg_resolve_sql, 1, param, err)))
		goto cleanup;
	if (PQntuples(res) == 0) {
		rf_error_set(err, dbp->name, "relation \"%s\" does not exist", name);
		goto cleanup;
	}
	if (PQntuples(res) > 1 && strcmp(PQgetvalue(res, 1, 3), "0") == 0) {
		rf_error_set(err, dbp->name, "table name \"%s\" is ambiguous (%s.%s or %s.%s)",
		             name, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
		             PQgetvalue(res, 1, 1), PQgetvalue(res, 1, 2));
		goto cleanup;
	}
	snprintf(oid, sizeof oid, "%s", PQgetvalue(res, 0, 0));
	out->schema = rf_xstrdup(PQgetvalue(res, 0, 1));
	out->name = rf_xstrdup(PQgetvalue(res, 0, 2));
	out->display = rf_xasprintf("%s.%s", out->schema, out->name);
	param[0] = oid;

	PQclear(res);
	if (!(res = pg_query(db, pg_columns_sql, 1, param, err)))
		goto cleanup;
	describe_columns(res, out);

	PQclear(res);
	if (!(res = pg_query(db, pg_uniques_sql, 1, param, err)))
		goto cleanup;
	describe_keys(res, &out->uniques, &out->nunique);

	PQclear(res);
	if (!(res = pg_query(db, pg_indexes_sql, 1, param, err)))
		goto cleanup;
	describe_keys(res, &out->indexes, &out->nindexes);

	PQclear(res);
	if (!(res = pg_query(db, pg_fkeys_sql, 1, param, err)))
		goto cleanup;
	describe_fkeys(res, out);
	rc = 0;
cleanup:
	PQclear(res);
	if (rc != 0)
		rf_table_info_free(out);
	return rc;
}
