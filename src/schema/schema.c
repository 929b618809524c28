/* schema.c - CREATE TABLE / CREATE INDEX for a target engine from a source
 * table's describe() (schema.h): columns through the type map
 * (schema_types.c), NOT NULL, the defaults that translate, identity,
 * primary, unique and foreign keys, indexes; and the statements that move
 * an identity's generator past loaded keys.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rowferry/schema.h"
#include "schema_internal.h"

void rf_ddl_free(struct rf_ddl *d)
{
	if (!d)
		return;
	rf_strlist_free(&d->create);
	rf_strlist_free(&d->foreign);
	rf_strlist_free(&d->warnings);
}

static bool is_engine(const struct rf_db *db, const char *engine)
{
	return strcmp(db->ops->engine, engine) == 0;
}

static void ident(struct rf_db *db, const char *name, struct rf_buf *out)
{
	db->ops->quote_ident(db, name, out);
}

static void literal(struct rf_db *db, enum rf_type_class c, const char *text, struct rf_buf *out)
{
	struct rf_cell v = {.data = text, .len = strlen(text), .is_null = false};
	db->ops->quote_literal(db, c, &v, out);
}

/* A constraint's or index's name: MariaDB refuses names over 64
 * characters (SQLite's made-up ones, T_cols_fkey, can be longer), so there
 * it is cut to 64 bytes at a character boundary. PostgreSQL cuts at 63
 * itself. */
static void key_name(struct rf_db *db, const char *name, struct rf_buf *out)
{
	size_t n = strlen(name);
	char *cut;

	if (!is_engine(db, "mysql") || n <= 64) {
		ident(db, name, out);
		return;
	}
	n = 64;
	while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
		n--; /* not inside a UTF-8 character */
	cut = rf_xstrndup(name, n);
	ident(db, cut, out);
	free(cut);
}

static void ident_list(struct rf_db *db, char *const *names, size_t n, struct rf_buf *out)
{
	size_t i;
	rf_buf_addc(out, '(');
	for (i = 0; i < n; i++) {
		if (i)
			rf_buf_adds(out, ", ");
		ident(db, names[i], out);
	}
	rf_buf_addc(out, ')');
}

/* ---- defaults ----------------------------------------------------------- */

enum dflt { D_NONE, D_NUMBER, D_STRING, D_TRUE, D_FALSE, D_NOW, D_TODAY, D_OTHER };

static bool is_number(const char *s)
{
	const char *p = s;
	bool digits = false;
	if (*p == '-' || *p == '+')
		p++;
	for (; isdigit((unsigned char)*p) || *p == '.'; p++)
		digits = digits || isdigit((unsigned char)*p);
	if (digits && (*p == 'e' || *p == 'E')) {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return digits && !*p;
}

/* Is s one of the blank-separated words (case-insensitive)? */
static bool one_of(const char *s, const char *words)
{
	const char *w = words;
	size_t n = strlen(s);
	while (*w) {
		size_t len = strcspn(w, " ");
		if (len == n && strncasecmp(w, s, n) == 0)
			return true;
		w += len;
		while (*w == ' ')
			w++;
	}
	return false;
}

/* Reads a default expression as written by src_engine's catalog: outer
 * parentheses and PostgreSQL casts (::type) taken off, a quoted string
 * unescaped into *str (caller frees). */
static enum dflt classify_default(const char *src_engine, const char *expr, char **str)
{
	char *e = rf_xstrdup(expr), *p, *end;
	enum dflt d = D_OTHER;
	size_t n;

	*str = NULL;
	for (;;) {
		p = e;
		while (isspace((unsigned char)*p))
			p++;
		memmove(e, p, strlen(p) + 1);
		n = strlen(e);
		while (n && isspace((unsigned char)e[n - 1]))
			e[--n] = '\0';
		if (n >= 2 && e[0] == '(' && e[n - 1] == ')') {
			e[n - 1] = '\0';
			memmove(e, e + 1, n - 1);
			continue;
		}
		break;
	}
	/* 'x'::character varying, 0::numeric, '{}'::jsonb: the cast goes (the
	 * type is the column's anyway); only outside the quotes */
	if (strcmp(src_engine, "postgres") == 0) {
		bool quoted = false;
		for (p = e; *p; p++) {
			if (*p == '\'')
				quoted = !quoted;
			else if (!quoted && p[0] == ':' && p[1] == ':') {
				*p = '\0';
				break;
			}
		}
	}
	n = strlen(e);
	if (n >= 2 && e[0] == '\'' && e[n - 1] == '\'') {
		struct rf_buf b = RF_BUF_INIT;
		bool backslash = strcmp(src_engine, "mysql") == 0;
		for (p = e + 1, end = e + n - 1; p < end; p++) {
			if (*p == '\'' && p + 1 < end && p[1] == '\'')
				p++;
			else if (backslash && *p == '\\' && p + 1 < end) {
				static const char from[] = "0nrtZ", to[] = "\0\n\r\t\032";
				const char *hit = strchr(from, p[1]);
				p++;
				if (hit && *hit) {
					rf_buf_addc(&b, to[hit - from]);
					continue;
				}
			} else if (*p == '\'') {
				goto out; /* two strings, or an expression around quotes */
			}
			rf_buf_addc(&b, *p);
		}
		rf_buf_addc(&b, '\0');
		*str = rf_buf_steal(&b);
		d = D_STRING;
	} else if (is_number(e)) {
		*str = rf_xstrdup(e);
		d = D_NUMBER;
	} else if (one_of(e, "NULL")) {
		d = D_NONE;
	} else if (one_of(e, "true")) {
		d = D_TRUE;
	} else if (one_of(e, "false")) {
		d = D_FALSE;
	} else if (one_of(e, "current_timestamp now() localtimestamp localtimestamp() "
	                     "statement_timestamp() transaction_timestamp() datetime('now')") ||
	           (strncasecmp(e, "current_timestamp(", 18) == 0 &&
	            strspn(e + 18, "0123456789") == strlen(e + 18) - 1 && e[n - 1] == ')')) {
		d = D_NOW;
	} else if (one_of(e, "current_date curdate() current_date() date('now')")) {
		d = D_TODAY;
	}
out:
	free(e);
	return d;
}

/* Writes " DEFAULT ..." for column c (kind k) of the target, or warns. */
static void add_default(struct rf_db *db, const char *src_engine, const struct rf_column *c,
                        const struct sc_kind *k, const char *type, struct rf_buf *out,
                        struct rf_strlist *w)
{
	char *str = NULL;
	enum dflt d;

	if (!c->default_expr)
		return;
	if (c->identity && strncmp(c->default_expr, "nextval(", 8) == 0)
		return; /* the serial's own sequence: the target's identity replaces it */
	if (strcmp(src_engine, db->ops->engine) == 0) {
		rf_buf_adds(out, " DEFAULT ");
		rf_buf_adds(out, c->default_expr);
		return;
	}
	d = classify_default(src_engine, c->default_expr, &str);
	/* PostgreSQL writes a negative number as '-1.5'::numeric */
	if (d == D_STRING && is_number(str) &&
	    (k->k == SC_INT2 || k->k == SC_INT4 || k->k == SC_INT8 || k->k == SC_UINT8 ||
	     k->k == SC_DECIMAL || k->k == SC_FLOAT4 || k->k == SC_FLOAT8))
		d = D_NUMBER;
	if (k->k == SC_BOOL && (d == D_NUMBER || d == D_STRING)) {
		if (one_of(str, "1 t true y yes on"))
			d = D_TRUE;
		else if (one_of(str, "0 f false n no off"))
			d = D_FALSE;
	}
	switch (d) {
	case D_NONE:
		break;
	case D_NUMBER:
		rf_buf_adds(out, " DEFAULT ");
		rf_buf_adds(out, str);
		break;
	case D_STRING:
		rf_buf_adds(out, " DEFAULT ");
		/* on MariaDB text and blob columns, as an expression (10.2+) */
		if (is_engine(db, "mysql") && (strstr(type, "text") || strstr(type, "blob"))) {
			rf_buf_addc(out, '(');
			literal(db, RF_T_TEXT, str, out);
			rf_buf_addc(out, ')');
		} else
			literal(db, RF_T_TEXT, str, out);
		break;
	case D_TRUE:
	case D_FALSE:
		rf_buf_adds(out, " DEFAULT ");
		literal(db, RF_T_BOOLEAN, d == D_TRUE ? "true" : "false", out);
		break;
	case D_NOW:
		rf_buf_adds(out, " DEFAULT ");
		if (is_engine(db, "mysql") && (k->k == SC_TIMESTAMP || k->k == SC_TIMESTAMPTZ))
			rf_buf_printf(out, "CURRENT_TIMESTAMP(%d)", k->p >= 0 ? k->p : 6);
		else if (is_engine(db, "mysql"))
			rf_buf_adds(out, "(CURRENT_TIMESTAMP)");
		else
			rf_buf_adds(out, "CURRENT_TIMESTAMP");
		break;
	case D_TODAY:
		rf_buf_adds(out, is_engine(db, "mysql") ? " DEFAULT (curdate())"
		                                        : " DEFAULT CURRENT_DATE");
		break;
	case D_OTHER: {
		char *msg = rf_xasprintf("%s: default %s does not translate to %s: dropped",
		                         c->name, c->default_expr, db->ops->engine);
		rf_strlist_add(w, msg);
		free(msg);
		break;
	}
	}
	free(str);
}

/* ---- CREATE TABLE ------------------------------------------------------- */

static bool in_list(char *const *names, size_t n, const char *name)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* Is column `name` part of the primary key, a unique key, an index or a
 * foreign key of t? */
static bool in_any_key(const struct rf_table_info *t, const char *name)
{
	size_t i;
	int c = rf_table_info_col(t, name);
	if (c >= 0 && t->cols[c].pk_pos > 0)
		return true;
	for (i = 0; i < t->nunique; i++)
		if (in_list(t->uniques[i].cols, t->uniques[i].ncols, name))
			return true;
	for (i = 0; i < t->nindexes; i++)
		if (in_list(t->indexes[i].cols, t->indexes[i].ncols, name))
			return true;
	for (i = 0; i < t->nfkeys; i++)
		if (in_list(t->fkeys[i].cols, t->fkeys[i].ncols, name))
			return true;
	return false;
}

/* The parent's name in the target: the source's schema taken off. */
static const char *ref_name(const struct rf_table_info *t, const char *ref)
{
	size_t n = t->schema ? strlen(t->schema) : 0;
	if (n && strncmp(ref, t->schema, n) == 0 && ref[n] == '.')
		return ref + n + 1;
	return ref;
}

static void add_fkey(struct rf_db *db, const struct rf_table_info *t, const struct rf_fkey *f,
                     struct rf_buf *out)
{
	rf_buf_adds(out, "CONSTRAINT ");
	key_name(db, f->name, out);
	rf_buf_adds(out, " FOREIGN KEY ");
	ident_list(db, f->cols, f->ncols, out);
	rf_buf_adds(out, " REFERENCES ");
	ident(db, ref_name(t, f->ref_table), out);
	rf_buf_addc(out, ' ');
	ident_list(db, f->ref_cols, f->ncols, out);
}

/* A unique key's name; SQLite's own names for UNIQUE constraints
 * (sqlite_autoindex_T_N, reserved) become PostgreSQL's default, T_cols_key. */
static void unique_name(struct rf_db *db, const char *table, const struct rf_key *k,
                        struct rf_buf *out)
{
	struct rf_strlist cols = {k->cols, k->ncols, k->ncols};
	char *joined, *made;

	if (strncmp(k->name, "sqlite_autoindex_", 17) != 0) {
		key_name(db, k->name, out);
		return;
	}
	joined = rf_strlist_join(&cols, "_");
	made = rf_xasprintf("%s_%s_key", table, joined);
	key_name(db, made, out);
	free(made);
	free(joined);
}

/* MariaDB enum('a','it''s'): " CHECK (col IN ('a', 'it''s'))" in the
 * target's quoting, so the column still takes only its values. */
static void add_enum_check(struct rf_db *db, const struct rf_column *c, struct rf_buf *out)
{
	const char *p = c->decl_type + 5; /* after "enum(" */
	struct rf_buf v = RF_BUF_INIT;
	bool first = true;

	rf_buf_adds(out, " CHECK (");
	ident(db, c->name, out);
	rf_buf_adds(out, " IN (");
	while (*p == '\'') {
		rf_buf_reset(&v);
		for (p++; *p && !(*p == '\'' && p[1] != '\''); p++) {
			if (*p == '\'')
				p++; /* '' is one quote */
			rf_buf_addc(&v, *p);
		}
		rf_buf_addc(&v, '\0');
		if (!first)
			rf_buf_adds(out, ", ");
		literal(db, RF_T_TEXT, v.data, out);
		first = false;
		if (*p == '\'')
			p++;
		if (*p == ',')
			p++;
	}
	rf_buf_adds(out, "))");
	rf_buf_free(&v);
}

/* One column's definition; *inline_pk set when it carries the primary key
 * itself (SQLite INTEGER PRIMARY KEY). */
static void add_column(struct rf_db *db, const struct rf_table_info *t, const struct rf_column *c,
                       const char *src_engine, bool *inline_pk, struct rf_buf *out,
                       struct rf_strlist *w)
{
	struct rf_buf type = RF_BUF_INIT;
	struct rf_strlist ignored = RF_STRLIST_INIT;
	struct sc_kind k = sc_kind_of(src_engine, c, &ignored);
	bool integer = k.k == SC_INT2 || k.k == SC_INT4 || k.k == SC_INT8;

	rf_schema_map_type(src_engine, c, in_any_key(t, c->name), db->ops->engine, &type, w);
	ident(db, c->name, out);
	if (c->identity && is_engine(db, "sqlite") && t->npk == 1 && c->pk_pos == 1) {
		/* the rowid alias: exactly this spelling */
		rf_buf_adds(out, " INTEGER PRIMARY KEY");
		*inline_pk = true;
		goto out;
	}
	if (type.len) {
		rf_buf_addc(out, ' ');
		rf_buf_add(out, type.data, type.len);
	}
	if (c->identity && !integer) {
		char *msg =
		    rf_xasprintf("%s: identity on a non-integer type: created without it", c->name);
		rf_strlist_add(w, msg);
		free(msg);
	} else if (c->identity && is_engine(db, "postgres")) {
		rf_buf_adds(out, " GENERATED BY DEFAULT AS IDENTITY");
	} else if (c->identity && is_engine(db, "mysql")) {
		rf_buf_adds(out, " NOT NULL AUTO_INCREMENT");
	} else if (c->identity) {
		char *msg = rf_xasprintf("%s: auto-increment outside a one-column integer primary "
		                         "key: SQLite has none, created without it",
		                         c->name);
		rf_strlist_add(w, msg);
		free(msg);
	}
	if (!c->nullable && !(c->identity && is_engine(db, "mysql")))
		rf_buf_adds(out, " NOT NULL");
	if (!c->identity || !is_engine(db, "postgres")) {
		rf_buf_addc(&type, '\0');
		add_default(db, src_engine, c, &k, type.data, out, w);
	}
	if (strcmp(src_engine, "mysql") == 0 && !is_engine(db, "mysql") &&
	    strncasecmp(c->decl_type, "enum('", 6) == 0)
		add_enum_check(db, c, out);
out:
	rf_strlist_free(&ignored);
	rf_buf_free(&type);
}

int rf_schema_create_table(struct rf_db *db, const struct rf_table_info *t,
                           const struct rf_ddl_opts *o, struct rf_ddl *d, struct rf_error *err)
{
	const char *name = o->name ? o->name : t->name;
	struct rf_buf sql = RF_BUF_INIT;
	bool inline_pk = false, fk_after = o->fkeys_after && !is_engine(db, "sqlite");
	size_t i, j;

	if (t->ncols == 0)
		return rf_error_set(err, db->name, "%s: no columns to create", t->display);
	rf_buf_adds(&sql, "CREATE TABLE ");
	ident(db, name, &sql);
	rf_buf_adds(&sql, " (\n");
	for (i = 0; i < t->ncols; i++) {
		if (t->cols[i].generated) {
			char *msg = rf_xasprintf("%s: a generated column: created as a plain one "
			                         "holding the copied values",
			                         t->cols[i].name);
			rf_strlist_add(&d->warnings, msg);
			free(msg);
		}
		rf_buf_adds(&sql, i ? ",\n\t" : "\t");
		add_column(db, t, &t->cols[i], o->src_engine, &inline_pk, &sql, &d->warnings);
	}
	if (t->npk && !inline_pk) {
		rf_buf_adds(&sql, ",\n\tPRIMARY KEY (");
		for (i = 0; i < t->npk; i++) {
			if (i)
				rf_buf_adds(&sql, ", ");
			ident(db, t->cols[t->pk[i]].name, &sql);
		}
		rf_buf_addc(&sql, ')');
	}
	for (i = 0; i < t->nunique; i++) {
		rf_buf_adds(&sql, ",\n\tCONSTRAINT ");
		unique_name(db, name, &t->uniques[i], &sql);
		rf_buf_adds(&sql, " UNIQUE ");
		ident_list(db, t->uniques[i].cols, t->uniques[i].ncols, &sql);
	}
	for (i = 0; i < t->nfkeys && !fk_after; i++) {
		rf_buf_adds(&sql, ",\n\t");
		add_fkey(db, t, &t->fkeys[i], &sql);
	}
	rf_buf_adds(&sql, "\n)");
	if (is_engine(db, "mysql"))
		/* byte order and case-sensitive keys, as on the other engines */
		rf_buf_adds(&sql, " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
	rf_buf_addc(&sql, '\0');
	rf_strlist_add(&d->create, sql.data);

	for (i = 0; i < t->nindexes; i++) {
		/* MariaDB made an index for each foreign key itself */
		for (j = 0; is_engine(db, "mysql") && j < t->nfkeys; j++)
			if (strcmp(t->fkeys[j].name, t->indexes[i].name) == 0)
				break;
		if (is_engine(db, "mysql") && j < t->nfkeys)
			continue;
		rf_buf_reset(&sql);
		rf_buf_adds(&sql, "CREATE INDEX ");
		key_name(db, t->indexes[i].name, &sql);
		rf_buf_adds(&sql, " ON ");
		ident(db, name, &sql);
		rf_buf_addc(&sql, ' ');
		ident_list(db, t->indexes[i].cols, t->indexes[i].ncols, &sql);
		rf_buf_addc(&sql, '\0');
		rf_strlist_add(&d->create, sql.data);
	}
	for (i = 0; i < t->nfkeys && fk_after; i++) {
		rf_buf_reset(&sql);
		rf_buf_adds(&sql, "ALTER TABLE ");
		ident(db, name, &sql);
		rf_buf_adds(&sql, " ADD ");
		add_fkey(db, t, &t->fkeys[i], &sql);
		rf_buf_addc(&sql, '\0');
		rf_strlist_add(&d->foreign, sql.data);
	}
	rf_buf_free(&sql);
	return 0;
}

/* Does a (a foreign key of child) reference p? */
static bool references(const struct rf_table_info *child, const struct rf_table_info *p)
{
	size_t i;
	if (child == p)
		return false;
	for (i = 0; i < child->nfkeys; i++) {
		const char *r = child->fkeys[i].ref_table;
		if ((p->display && strcmp(r, p->display) == 0) || strcmp(r, p->name) == 0)
			return true;
	}
	return false;
}

bool rf_schema_create_order(const struct rf_table_info *tables, size_t n, size_t *order)
{
	bool *done = rf_xcalloc(n ? n : 1, sizeof *done), ok = true;
	size_t placed = 0, i, j;

	/* Kahn's: each round, a table whose parents are all placed */
	while (placed < n) {
		for (i = 0; i < n; i++) {
			if (done[i])
				continue;
			for (j = 0; j < n; j++)
				if (!done[j] && references(&tables[i], &tables[j]))
					break;
			if (j == n)
				break;
		}
		if (i == n) {
			ok = false;
			break;
		}
		done[i] = true;
		order[placed++] = i;
	}
	if (!ok)
		for (i = 0; i < n; i++)
			order[i] = i;
	free(done);
	return ok;
}

/* ---- identity generators ------------------------------------------------ */

static void table_name(struct rf_db *db, const struct rf_table_info *t, struct rf_buf *out)
{
	if (t->schema && db->ops->has_schemas) {
		ident(db, t->schema, out);
		rf_buf_addc(out, '.');
	}
	ident(db, t->name, out);
}

/* PostgreSQL: pg_get_serial_sequence('"schema"."table"', 'column'): the
 * table as a quoted name inside a literal, the column as it is. */
static void pg_sequence(struct rf_db *db, const struct rf_table_info *t, const char *col,
                        struct rf_buf *out)
{
	struct rf_buf name = RF_BUF_INIT;
	table_name(db, t, &name);
	rf_buf_addc(&name, '\0');
	rf_buf_adds(out, "pg_catalog.pg_get_serial_sequence(");
	literal(db, RF_T_TEXT, name.data, out);
	rf_buf_adds(out, ", ");
	literal(db, RF_T_TEXT, col, out);
	rf_buf_addc(out, ')');
	rf_buf_free(&name);
}

static void sequence_name(struct rf_db *db, const struct rf_schema_sequence *seq,
                          struct rf_buf *out)
{
	ident(db, seq->schema, out);
	rf_buf_addc(out, '.');
	ident(db, seq->name, out);
}

void rf_schema_identity_max(struct rf_db *db, const struct rf_table_info *t, const char *col,
                            struct rf_buf *out)
{
	rf_buf_adds(out, "SELECT max(");
	ident(db, col, out);
	rf_buf_adds(out, ") FROM ");
	table_name(db, t, out);
}

bool rf_schema_identity_locate(struct rf_db *db, const struct rf_table_info *t, const char *col,
                               struct rf_buf *out)
{
	if (!is_engine(db, "postgres"))
		return false;
	rf_buf_adds(out, "SELECT s.schemaname, s.sequencename, s.increment_by, "
	                 "pg_catalog.pg_has_role(s.sequenceowner, 'USAGE') "
	                 "FROM pg_catalog.pg_sequences s WHERE "
	                 "pg_catalog.format('%I.%I', s.schemaname, s.sequencename) = ");
	pg_sequence(db, t, col, out);
	return true;
}

bool rf_schema_identity_read(struct rf_db *db, const struct rf_table_info *t,
                             const struct rf_schema_sequence *seq, struct rf_buf *out)
{
	if (is_engine(db, "postgres") && seq) {
		/* pg_sequences says NULL for a sequence not called since a
		 * RESTART (or ever): the relation itself says what comes next */
		rf_buf_printf(out,
		              "SELECT CASE WHEN is_called THEN last_value + %lld ELSE last_value "
		              "END FROM ",
		              seq->increment);
		sequence_name(db, seq, out);
		return true;
	}
	if (is_engine(db, "mysql")) {
		rf_buf_adds(out, "SELECT AUTO_INCREMENT FROM information_schema.TABLES "
		                 "WHERE TABLE_SCHEMA = ");
		if (t->schema)
			literal(db, RF_T_TEXT, t->schema, out);
		else
			rf_buf_adds(out, "DATABASE()");
		rf_buf_adds(out, " AND TABLE_NAME = ");
		literal(db, RF_T_TEXT, t->name, out);
		return true;
	}
	return false;
}

bool rf_schema_identity_set(struct rf_db *db, const struct rf_table_info *t,
                            const struct rf_schema_sequence *seq, long long next,
                            struct rf_buf *out)
{
	if (is_engine(db, "postgres") && seq && seq->owned) {
		/* not setval(), which a rollback does not take back */
		rf_buf_adds(out, "ALTER SEQUENCE ");
		sequence_name(db, seq, out);
		rf_buf_printf(out, " RESTART WITH %lld", next);
		return true;
	}
	if (is_engine(db, "postgres") && seq) {
		/* ALTER SEQUENCE is the owner's: others may setval (UPDATE) */
		struct rf_buf name = RF_BUF_INIT;
		sequence_name(db, seq, &name);
		rf_buf_addc(&name, '\0');
		rf_buf_adds(out, "SELECT pg_catalog.setval(");
		literal(db, RF_T_TEXT, name.data, out);
		rf_buf_printf(out, ", %lld, false)", next);
		rf_buf_free(&name);
		return true;
	}
	if (is_engine(db, "mysql")) {
		rf_buf_adds(out, "ALTER TABLE ");
		table_name(db, t, out);
		rf_buf_printf(out, " AUTO_INCREMENT = %lld", next);
		return true;
	}
	return false;
}
