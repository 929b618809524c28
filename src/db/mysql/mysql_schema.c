/* mysql_schema.c - MySQL/MariaDB introspection: list_tables and describe
 * (DESIGN §3) over information_schema. The connection and the statement
 * path are mysql.c's (mysql_internal.h); everything here is a read through
 * my_exec() with the names bound as parameters.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mysql_internal.h"

/* information_schema compares names case-insensitively; the BINARY halves
 * make the match exact while the plain halves still let the server open
 * only the one table's metadata. Parameters: schema, schema, table, table. */
#define MY_TABLE_FILTER                                                                            \
	"TABLE_SCHEMA = ? AND BINARY TABLE_SCHEMA = ? "                                            \
	"AND TABLE_NAME = ? AND BINARY TABLE_NAME = ?"

/* Runs an internal query with text parameters bound. *r is the caller's
 * (rf_result_free); each non-NULL cell is NUL-terminated. */
static int query(struct my_db *db, const char *sql, size_t n, const char *const *vals,
                 struct rf_result *r, struct rf_error *err)
{
	struct rf_param p[8] = {0}; /* n may be 0: gcc -O3 warned of my_exec reading it */
	size_t i;

	for (i = 0; i < n && i < 8; i++) {
		p[i].value.data = vals[i];
		p[i].value.len = strlen(vals[i]);
		p[i].value.is_null = false;
		p[i].tclass = RF_T_TEXT;
	}
	return my_exec(&db->base, sql, i, p, r, err);
}

static const char *cell(const struct rf_result *r, size_t row, size_t col)
{
	const struct rf_cell *c = &r->cells[row * r->ncols + col];
	return c->is_null ? NULL : c->data;
}

int my_list_tables(struct rf_db *base, bool count_rows, struct rf_table_list *out,
                   struct rf_error *err)
{
	struct my_db *db = (struct my_db *)base;
	struct rf_result r = {0}, count = {0};
	struct rf_buf sql = RF_BUF_INIT;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!db->database) {
		rf_error_set(err, base->name,
		             "no database in the URL (mysql://user@host/DATABASE)");
		goto out;
	}
	if (query(db,
	          "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? "
	          "AND BINARY TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY BINARY "
	          "TABLE_NAME",
	          2, (const char *const[]){db->database, db->database}, &r, err) != 0)
		goto out;
	out->items = rf_xcalloc(r.nrows, sizeof *out->items);
	for (i = 0; i < r.nrows; i++) {
		struct rf_table_entry *e = &out->items[out->len++];
		e->name = rf_xstrdup(cell(&r, i, 0));
		e->rows = -1;
		if (!count_rows)
			continue;
		rf_buf_reset(&sql);
		rf_buf_adds(&sql, "SELECT COUNT(*) FROM ");
		my_quote_ident(base, db->database, &sql);
		rf_buf_addc(&sql, '.');
		my_quote_ident(base, e->name, &sql);
		/* a table we may not read is listed uncounted, not a failed list */
		e->rows = my_exec(base, sql.data, 0, NULL, &count, NULL) == 0 && count.nrows == 1 &&
		                  cell(&count, 0, 0)
		              ? strtoll(cell(&count, 0, 0), NULL, 10)
		              : -1;
		rf_result_free(&count);
	}
	rc = 0;
out:
	rf_result_free(&r);
	rf_buf_free(&sql);
	if (rc != 0)
		rf_table_list_free(out);
	return rc;
}

/* DESIGN §3 classes from information_schema's DATA_TYPE and COLUMN_TYPE. */
static enum rf_type_class class_of(const char *data_type, const char *column_type, bool json_check)
{
	static const struct {
		enum rf_type_class c;
		const char *types; /* blank-separated DATA_TYPE values */
	} map[] = {
	    {RF_T_INTEGER, " tinyint smallint mediumint int integer bigint year bit "},
	    {RF_T_DECIMAL, " decimal numeric "},
	    {RF_T_FLOAT, " float double real "},
	    {RF_T_TEXT, " char varchar tinytext text mediumtext longtext enum set "},
	    {RF_T_BYTES, " binary varbinary tinyblob blob mediumblob longblob "},
	    {RF_T_DATE, " date "},
	    {RF_T_TIME, " time "},
	    {RF_T_TIMESTAMP, " datetime "},    /* wall-clock, no zone */
	    {RF_T_TIMESTAMPTZ, " timestamp "}, /* an instant, stored as UTC */
	    {RF_T_JSON, " json "},             /* MySQL's; MariaDB's is below */
	    {RF_T_UUID, " uuid "},             /* MariaDB 10.7+ */
	};
	char word[32];
	size_t i;

	/* tinyint(1) and bit(1) are how MySQL spells boolean */
	if (strncasecmp(column_type, "tinyint(1)", 10) == 0 ||
	    strncasecmp(column_type, "bit(1)", 6) == 0)
		return RF_T_BOOLEAN;
	/* MariaDB's JSON is LONGTEXT plus CHECK (json_valid(col)) */
	if (json_check && strcasecmp(data_type, "longtext") == 0)
		return RF_T_JSON;
	snprintf(word, sizeof word, " %s ", data_type);
	for (i = 0; word[i]; i++)
		word[i] = (char)tolower((unsigned char)word[i]);
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strstr(map[i].types, word))
			return map[i].c;
	return RF_T_OTHER;
}

/* What an INSERT stores (predict.c), from DATA_TYPE and COLUMN_TYPE. The
 * session's strict sql_mode makes a value that does not fit an error, and
 * a LOAD DATA with any warning fails. Unknown: float and double (printed
 * rounded), char and binary (padding), enum and set (stored as the
 * definition spells them), year (two digits mean 19xx/20xx), bit, MySQL's
 * JSON type (normalized). */
static void store_rule(struct rf_column *c, const char *data_type, const char *column_type)
{
	static const char exact[] = " tinyint smallint mediumint int integer bigint tinytext "
	                            "text mediumtext longtext varbinary tinyblob blob "
	                            "mediumblob longblob date uuid ";
	static const char limited[] = " decimal numeric varchar time datetime timestamp ";
	const char *paren = strchr(column_type, '(');
	const char *comma = paren ? strchr(paren, ',') : NULL;
	char word[32];
	size_t i;

	c->store = RF_STORE_UNKNOWN;
	snprintf(word, sizeof word, " %s ", data_type);
	for (i = 0; word[i]; i++)
		word[i] = (char)tolower((unsigned char)word[i]);
	if (strncasecmp(column_type, "bit", 3) == 0)
		return;
	if (strstr(exact, word)) {
		c->store = RF_STORE_EXACT;
	} else if (strstr(limited, word)) {
		c->store = RF_STORE_LIMIT;
		/* decimal(p,s): s; varchar(n): n; time/datetime/timestamp(p): p,
		 * and no parentheses means 0 fraction digits */
		c->store_limit = comma ? atoi(comma + 1) : paren ? atoi(paren + 1) : 0;
		if (strstr(" decimal numeric varchar ", word) && !paren)
			c->store = RF_STORE_UNKNOWN;
	}
}

/* COLUMN_DEFAULT as an SQL expression, or NULL for "no default" (caller
 * frees). MariaDB reports literals quoted and "no default" as NULL or the
 * string NULL; MySQL reports literals bare and flags expressions with
 * DEFAULT_GENERATED in EXTRA. */
static char *default_of(const struct my_db *db, const char *raw, const char *extra,
                        enum rf_type_class c)
{
	struct rf_buf b = RF_BUF_INIT;
	const char *p;

	if (!raw || strcmp(raw, "NULL") == 0)
		return NULL;
	if (db->mariadb || strstr(extra, "DEFAULT_GENERATED") || c == RF_T_INTEGER ||
	    c == RF_T_DECIMAL || c == RF_T_FLOAT || c == RF_T_BOOLEAN ||
	    strncasecmp(raw, "CURRENT_TIMESTAMP", 17) == 0)
		return rf_xstrdup(raw);
	rf_buf_addc(&b, '\'');
	for (p = raw; *p; p++) {
		if (*p == '\'' || *p == '\\')
			rf_buf_addc(&b, *p);
		rf_buf_addc(&b, *p);
	}
	rf_buf_addc(&b, '\'');
	return rf_buf_steal(&b);
}

static bool has_json_check(struct my_db *db, const struct rf_result *checks, const char *col)
{
	struct rf_buf want = RF_BUF_INIT;
	size_t i;
	bool found = false;

	rf_buf_adds(&want, "json_valid(");
	my_quote_ident(&db->base, col, &want);
	rf_buf_addc(&want, ')');
	for (i = 0; i < checks->nrows && !found; i++)
		found = cell(checks, i, 0) && strcmp(cell(checks, i, 0), want.data) == 0;
	rf_buf_free(&want);
	return found;
}

static int load_columns(struct my_db *db, struct rf_table_info *t, struct rf_error *err)
{
	const char *const where[] = {t->schema, t->schema, t->name, t->name};
	struct rf_result checks = {0}, r = {0};
	size_t i;
	int rc = -1;

	if (db->mariadb && query(db,
	                         "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
	                         "WHERE CONSTRAINT_SCHEMA = ? AND BINARY CONSTRAINT_SCHEMA = ? "
	                         "AND TABLE_NAME = ? AND BINARY TABLE_NAME = ?",
	                         4, where, &checks, err) != 0)
		goto out;
	if (query(db,
	          "SELECT COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA "
	          "FROM information_schema.COLUMNS WHERE " MY_TABLE_FILTER
	          " ORDER BY ORDINAL_POSITION",
	          4, where, &r, err) != 0)
		goto out;
	for (i = 0; i < r.nrows; i++) {
		const char *extra = cell(&r, i, 5) ? cell(&r, i, 5) : "";
		struct rf_column c = {0};
		c.name = (char *)cell(&r, i, 0);
		c.decl_type = (char *)cell(&r, i, 1);
		c.tclass = class_of(cell(&r, i, 2), c.decl_type,
		                    db->mariadb && has_json_check(db, &checks, c.name));
		store_rule(&c, cell(&r, i, 2), c.decl_type);
		c.nullable = strcmp(cell(&r, i, 3), "YES") == 0;
		/* computed columns, and MariaDB's system-versioning ROW START/END */
		c.generated = strstr(extra, "VIRTUAL") || strstr(extra, "STORED") ||
		              strstr(extra, "PERSISTENT") || strstr(extra, "ROW ");
		c.identity = strstr(extra, "auto_increment") != NULL;
		c.default_expr =
		    c.generated ? NULL : default_of(db, cell(&r, i, 4), extra, c.tclass);
		rf_table_info_add_column(t, &c);
		free(c.default_expr);
	}
	if (t->ncols == 0)
		rf_error_set(err, db->base.name, "%s: no columns visible", t->display);
	else
		rc = 0;
out:
	rf_result_free(&checks);
	rf_result_free(&r);
	return rc;
}

/* A base table without triggers: an INSERT stores what it is sent.
 * Oracle MySQL lists a table's triggers only to users with the TRIGGER
 * privilege on it, so there an empty list proves nothing and the answer
 * stays "not known"; MariaDB lists them to anyone with a privilege on the
 * table, as the INSERT needs one (checked on 10.11 with a user that has
 * INSERT alone). */
static int load_plain(struct my_db *db, struct rf_table_info *t, struct rf_error *err)
{
	const char *const where[] = {t->schema, t->schema, t->name, t->name,
	                             t->schema, t->schema, t->name, t->name};
	struct rf_result r = {0};

	t->plain_inserts = false;
	if (!db->mariadb)
		return 0;
	if (query(db,
	          "SELECT (SELECT TABLE_TYPE FROM information_schema.TABLES WHERE " MY_TABLE_FILTER
	          ") = 'BASE TABLE' AND NOT EXISTS (SELECT 1 FROM information_schema.TRIGGERS "
	          "WHERE EVENT_OBJECT_SCHEMA = ? AND BINARY EVENT_OBJECT_SCHEMA = ? "
	          "AND EVENT_OBJECT_TABLE = ? AND BINARY EVENT_OBJECT_TABLE = ?)",
	          8, where, &r, err) != 0)
		return -1;
	t->plain_inserts = r.nrows == 1 && cell(&r, 0, 0) && strcmp(cell(&r, 0, 0), "1") == 0;
	rf_result_free(&r);
	return 0;
}

/* Collects rows [from, to) of column `col` of r as an owned array of names. */
static char **names(const struct rf_result *r, size_t from, size_t to, size_t col)
{
	char **v = rf_xcalloc(to - from, sizeof *v);
	size_t i;
	for (i = from; i < to; i++)
		v[i - from] = rf_xstrdup(cell(r, i, col));
	return v;
}

/* Primary key and unique keys (constraints and unique indexes alike), then
 * the other indexes (NON_UNIQUE = 1) into t->indexes. */
static int load_keys(struct my_db *db, struct rf_table_info *t, struct rf_error *err)
{
	const char *const where[] = {t->schema, t->schema, t->name, t->name};
	struct rf_result r = {0};
	size_t i, j, k;

	if (query(db,
	          "SELECT INDEX_NAME, COLUMN_NAME, NON_UNIQUE FROM information_schema.STATISTICS "
	          "WHERE " MY_TABLE_FILTER " ORDER BY NON_UNIQUE, INDEX_NAME <> 'PRIMARY', "
	          "BINARY INDEX_NAME, SEQ_IN_INDEX",
	          4, where, &r, err) != 0)
		return -1;
	for (i = 0; i < r.nrows; i = j) {
		bool usable = true;
		for (j = i; j < r.nrows && strcmp(cell(&r, j, 0), cell(&r, i, 0)) == 0 &&
		            strcmp(cell(&r, j, 2), cell(&r, i, 2)) == 0;
		     j++)
			/* functional index parts have no column: not a key we can match on */
			usable =
			    usable && cell(&r, j, 1) && rf_table_info_col(t, cell(&r, j, 1)) >= 0;
		if (!usable)
			continue;
		if (strcmp(cell(&r, i, 2), "0") != 0) {
			struct rf_key *key;
			t->indexes =
			    rf_xrealloc(t->indexes, (t->nindexes + 1) * sizeof *t->indexes);
			key = &t->indexes[t->nindexes++];
			key->name = rf_xstrdup(cell(&r, i, 0));
			key->ncols = j - i;
			key->cols = names(&r, i, j, 1);
		} else if (strcmp(cell(&r, i, 0), "PRIMARY") == 0) {
			t->npk = j - i;
			t->pk = rf_xcalloc(t->npk, sizeof *t->pk);
			for (k = 0; k < t->npk; k++) {
				t->pk[k] = (size_t)rf_table_info_col(t, cell(&r, i + k, 1));
				t->cols[t->pk[k]].pk_pos = (int)k + 1;
			}
		} else {
			struct rf_key *key;
			t->uniques = rf_xrealloc(t->uniques, (t->nunique + 1) * sizeof *t->uniques);
			key = &t->uniques[t->nunique++];
			key->name = rf_xstrdup(cell(&r, i, 0));
			key->ncols = j - i;
			key->cols = names(&r, i, j, 1);
		}
	}
	rf_result_free(&r);
	return 0;
}

static int load_fkeys(struct my_db *db, struct rf_table_info *t, struct rf_error *err)
{
	const char *const where[] = {t->schema, t->schema, t->name, t->name};
	struct rf_result r = {0};
	size_t i, j;

	if (query(db,
	          "SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, "
	          "REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM "
	          "information_schema.KEY_COLUMN_USAGE WHERE " MY_TABLE_FILTER
	          " AND REFERENCED_TABLE_NAME IS NOT NULL "
	          "ORDER BY BINARY CONSTRAINT_NAME, ORDINAL_POSITION",
	          4, where, &r, err) != 0)
		return -1;
	for (i = 0; i < r.nrows; i = j) {
		struct rf_fkey *f;
		const char *ref_schema = cell(&r, i, 2);
		for (j = i; j < r.nrows && strcmp(cell(&r, j, 0), cell(&r, i, 0)) == 0; j++)
			;
		t->fkeys = rf_xrealloc(t->fkeys, (t->nfkeys + 1) * sizeof *t->fkeys);
		f = &t->fkeys[t->nfkeys++];
		f->name = rf_xstrdup(cell(&r, i, 0));
		f->ncols = j - i;
		f->cols = names(&r, i, j, 1);
		f->ref_cols = names(&r, i, j, 4);
		/* named as describe() resolves it: bare within the connected database */
		f->ref_table = db->database && strcmp(ref_schema, db->database) == 0
		                   ? rf_xstrdup(cell(&r, i, 3))
		                   : rf_xasprintf("%s.%s", ref_schema, cell(&r, i, 3));
	}
	rf_result_free(&r);
	return 0;
}

/* Every foreign key of the connected database's tables (db.h): InnoDB's,
 * the only engine that keeps them. They are enforced while the session's
 * foreign_key_checks is on. */
int my_foreign_keys(struct rf_db *base, struct rf_fk_list *out, struct rf_error *err)
{
	struct my_db *db = (struct my_db *)base;
	const char *const where[] = {db->database ? db->database : "",
	                             db->database ? db->database : ""};
	struct rf_result r = {0}, checks = {0};
	size_t i, j, k;
	bool enforced;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!db->database) {
		rf_error_set(err, base->name,
		             "no database in the URL (mysql://user@host/DATABASE)");
		goto out;
	}
	if (query(db, "SELECT @@foreign_key_checks", 0, NULL, &checks, err) != 0 ||
	    query(db,
	          "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, "
	          "k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, "
	          "k.REFERENCED_COLUMN_NAME, c.IS_NULLABLE "
	          "FROM information_schema.KEY_COLUMN_USAGE k "
	          "JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = k.TABLE_SCHEMA "
	          "AND c.TABLE_NAME = k.TABLE_NAME AND c.COLUMN_NAME = k.COLUMN_NAME "
	          "WHERE k.TABLE_SCHEMA = ? AND BINARY k.TABLE_SCHEMA = ? "
	          "AND k.REFERENCED_TABLE_NAME IS NOT NULL "
	          "ORDER BY BINARY k.TABLE_NAME, BINARY k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
	          2, where, &r, err) != 0)
		goto out;
	enforced =
	    checks.nrows == 1 && cell(&checks, 0, 0) && strcmp(cell(&checks, 0, 0), "1") == 0;
	for (i = 0; i < r.nrows; i = j) {
		struct rf_fk_edge *e;
		const char *ref_schema = cell(&r, i, 3);
		for (j = i; j < r.nrows && strcmp(cell(&r, j, 0), cell(&r, i, 0)) == 0 &&
		            strcmp(cell(&r, j, 1), cell(&r, i, 1)) == 0;
		     j++)
			;
		out->items = rf_xrealloc(out->items, (out->len + 1) * sizeof *out->items);
		e = &out->items[out->len++];
		memset(e, 0, sizeof *e);
		e->name = rf_xstrdup(cell(&r, i, 1));
		e->child = rf_xstrdup(cell(&r, i, 0));
		/* named as describe() names it: bare within the connected database */
		e->parent = strcmp(ref_schema, db->database) == 0
		                ? rf_xstrdup(cell(&r, i, 4))
		                : rf_xasprintf("%s.%s", ref_schema, cell(&r, i, 4));
		e->ncols = j - i;
		e->child_cols = names(&r, i, j, 2);
		e->parent_cols = names(&r, i, j, 5);
		e->nullable = true;
		for (k = i; k < j; k++)
			e->nullable = e->nullable && strcmp(cell(&r, k, 6), "YES") == 0;
		e->enforced = enforced;
	}
	rc = 0;
out:
	rf_result_free(&r);
	rf_result_free(&checks);
	return rc;
}

/* 1 if schema.table exists (exact names), 0 if not, -1 on error. */
static int table_exists(struct my_db *db, const char *schema, const char *table,
                        struct rf_error *err)
{
	struct rf_result r = {0};
	int found;

	if (query(db, "SELECT 1 FROM information_schema.TABLES WHERE " MY_TABLE_FILTER, 4,
	          (const char *const[]){schema, schema, table, table}, &r, err) != 0)
		return -1;
	found = r.nrows > 0;
	rf_result_free(&r);
	return found;
}

/* "table" is looked up in the connected database; "db.table" elsewhere. A
 * dot may also be part of a table name, so the whole name is tried first. */
int my_describe(struct rf_db *base, const char *name, struct rf_table_info *out,
                struct rf_error *err)
{
	struct my_db *db = (struct my_db *)base;
	const char *dot = strchr(name, '.');
	int found = 0, rc = -1;

	memset(out, 0, sizeof *out);
	if (db->database && (found = table_exists(db, db->database, name, err)) == 1) {
		out->schema = rf_xstrdup(db->database);
		out->name = rf_xstrdup(name);
	} else if (found == 0 && dot) {
		out->schema = rf_xstrndup(name, (size_t)(dot - name));
		out->name = rf_xstrdup(dot + 1);
		found = table_exists(db, out->schema, out->name, err);
	}
	if (found != 1) {
		if (found == 0)
			rf_error_set(err, base->name, "table '%s' does not exist%s%s", name,
			             db->database && !dot ? " in database " : "",
			             db->database && !dot ? db->database : "");
		goto out;
	}
	out->display = db->database && strcmp(out->schema, db->database) == 0
	                   ? rf_xstrdup(out->name)
	                   : rf_xasprintf("%s.%s", out->schema, out->name);
	if (load_columns(db, out, err) != 0 || load_keys(db, out, err) != 0 ||
	    load_fkeys(db, out, err) != 0 || load_plain(db, out, err) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		rf_table_info_free(out);
	return rc;
}
