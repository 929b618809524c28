/* config.c - config.ini (DESIGN §2): finding the file and reading it with
 * inih. config_resolve.c turns a connection name or URL into connect options.
 *
 * inih splits "key = value" lines, strips comments and calls on_pair(); the
 * line reader in front of it (read_line) does what inih cannot tell us: it
 * counts lines (Debian's inih is built without INI_HANDLER_LINENO), reads
 * section headers itself (inih truncates section names at 50 bytes and does
 * not report them) and notices lines inih rejected, so that every bad line
 * gets its own "FILE:LINE: message" and loading goes on.
 */
#include "rowferry/config.h"
#include "rowferry/plan.h"
#include "rowferry/secret.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum section_kind {
	SEC_NONE, /* before the first header: keys here are misplaced */
	SEC_SKIP, /* a section already warned about (unknown, duplicate, broken) */
	SEC_CONNECTION,
	SEC_DEFAULTS,
	SEC_SAFETY,
	SEC_UI,
	SEC_DIFF,
	SEC_COMPARE,
	SEC_KEYS,
	SEC_MAP,
};

enum value_kind {
	V_STRING,
	V_ENVNAME, /* the name of an environment variable */
	V_BOOL,
	V_MSEC,    /* milliseconds, 0 or more */
	V_COUNT,   /* a whole number, 0 or more (int) */
	V_CONFIRM, /* "name" or "none" */
	V_PATH,    /* ~ expanded, relative to the config file's directory */
};

/* One key of a section: where its value goes inside the section's struct
 * (struct rf_conn_config, struct rf_compare_config or struct rf_config). */
struct key_spec {
	const char *name;
	enum value_kind kind;
	size_t offset;
};

#define CONN(member) offsetof(struct rf_conn_config, member)
static const struct key_spec connection_keys[] = {
    {"url", V_STRING, CONN(url)},
    {"password_env", V_ENVNAME, CONN(password_env)},
    {"readonly", V_BOOL, CONN(readonly)},
    {"color", V_STRING, CONN(color)},
    {"confirm", V_CONFIRM, CONN(confirm)},
    {"remap_namespace", V_STRING, CONN(remap_namespace)},
    {NULL, V_STRING, 0},
};

static const struct key_spec defaults_keys[] = {
    {"source", V_STRING, offsetof(struct rf_config, default_source)},
    {"target", V_STRING, offsetof(struct rf_config, default_target)},
    {NULL, V_STRING, 0},
};

static const struct key_spec safety_keys[] = {
    {"undo_dir", V_PATH, offsetof(struct rf_config, undo_dir)},
    {"lock_timeout_ms", V_MSEC, offsetof(struct rf_config, lock_timeout_ms)},
    {"statement_timeout_ms", V_MSEC, offsetof(struct rf_config, statement_timeout_ms)},
    {"read_timeout_ms", V_MSEC, offsetof(struct rf_config, read_timeout_ms)},
    {"bulk_rows", V_COUNT, offsetof(struct rf_config, bulk_rows)},
    {NULL, V_STRING, 0},
};

static const struct key_spec ui_keys[] = {
    {"theme", V_STRING, offsetof(struct rf_config, theme)},
    {"mouse", V_BOOL, offsetof(struct rf_config, mouse)},
    {NULL, V_STRING, 0},
};

static const struct key_spec diff_keys[] = {
    {"algorithm", V_STRING, offsetof(struct rf_config, diff_algorithm)},
    {"hash_min_rows", V_COUNT, offsetof(struct rf_config, hash_min_rows)},
    {"hash_segment_rows", V_COUNT, offsetof(struct rf_config, hash_segment_rows)},
    {NULL, V_STRING, 0},
};

#define COMPARE(member) offsetof(struct rf_compare_config, member)
static const struct key_spec compare_keys[] = {
    {"key", V_STRING, COMPARE(key)},
    {"exclude", V_STRING, COMPARE(exclude)},
    {"ignore", V_STRING, COMPARE(ignore)},
    {"trim", V_STRING, COMPARE(trim)},
    {"tolerance", V_STRING, COMPARE(tolerance)},
    {"ts_precision", V_STRING, COMPARE(ts_precision)},
    {"where", V_STRING, COMPARE(where)},
    {NULL, V_STRING, 0},
};

struct section_spec {
	const char *word; /* first word of the header */
	enum section_kind kind;
	bool takes_name;             /* [connection NAME], [compare TABLE] */
	const struct key_spec *keys; /* NULL: free-form ([keys]) */
};

static const struct section_spec sections[] = {
    {"connection", SEC_CONNECTION, true, connection_keys},
    {"defaults", SEC_DEFAULTS, false, defaults_keys},
    {"safety", SEC_SAFETY, false, safety_keys},
    {"ui", SEC_UI, false, ui_keys},
    {"diff", SEC_DIFF, false, diff_keys},
    {"compare", SEC_COMPARE, true, compare_keys},
    {"keys", SEC_KEYS, false, NULL},
    {"map", SEC_MAP, true, NULL},
};

/* State of one load. Borrows cfg; owns title. */
struct loader {
	struct rf_config *cfg;
	FILE *file;
	rf_config_warn_fn warn;
	void *warn_ctx;
	int line;                           /* line last handed to inih */
	int read_errno;                     /* set when reading failed */
	const struct section_spec *section; /* NULL for SEC_NONE / SEC_SKIP */
	enum section_kind kind;
	char *title;      /* "connection prod", for messages */
	size_t index;     /* entry of cfg->conns / cfg->compare being filled */
	unsigned seen;    /* bit per key of the section: duplicate keys */
	bool expect_pair; /* the current line should reach on_pair() */
	bool got_pair;
};

static void warn_line(struct loader *ld, int line, const char *fmt, ...) RF_PRINTF(3, 4);

/* Formats "FILE:LINE: message" (or "FILE: message" when line is 0) and hands
 * it to the caller's callback, or prints it. */
static void warn_line(struct loader *ld, int line, const char *fmt, ...)
{
	struct rf_buf b = RF_BUF_INIT;
	va_list ap;

	if (line > 0)
		rf_buf_printf(&b, "%s:%d: ", ld->cfg->path, line);
	else
		rf_buf_printf(&b, "%s: ", ld->cfg->path);
	va_start(ap, fmt);
	rf_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (ld->warn)
		ld->warn(ld->warn_ctx, b.data);
	else
		fprintf(stderr, "rowferry: %s\n", b.data);
	rf_buf_free(&b);
}

/* $HOME, else the password database; never NULL. Static or environment
 * storage: do not free. */
static const char *home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && *home)
		return home;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir ? pw->pw_dir : ".";
}

/* XDG base directory: $VAR when it is an absolute path (the spec says to
 * ignore relative ones), else ~/FALLBACK. Caller frees. */
static char *xdg_dir(const char *var, const char *fallback)
{
	const char *v = getenv(var);

	if (v && v[0] == '/')
		return rf_xstrdup(v);
	return rf_xasprintf("%s/%s", home_dir(), fallback);
}

static void set_defaults(struct rf_config *cfg)
{
	char *state = xdg_dir("XDG_STATE_HOME", ".local/state");

	memset(cfg, 0, sizeof *cfg);
	cfg->undo_dir = rf_xasprintf("%s/rowferry/undo", state);
	cfg->lock_timeout_ms = 5000;
	cfg->statement_timeout_ms = 60000;
	cfg->read_timeout_ms = 600000;
	cfg->bulk_rows = RF_PLAN_BULK_ROWS;
	cfg->hash_min_rows = 100000;
	cfg->hash_segment_rows = 1024;
	cfg->theme = rf_xstrdup("default");
	cfg->mouse = false;
	free(state);
}

/* Expands a leading "~" or "~user"; a relative path is taken from the
 * config file's directory, so the result does not depend on where rowferry
 * happens to be started. Returns NULL (after a warning) for an unknown user.
 * Caller frees. */
static char *expand_path(struct loader *ld, const char *key, const char *value)
{
	const char *slash, *dir_end;
	struct passwd *pw;
	char *user, *path = NULL;

	if (value[0] == '~') {
		slash = value + strcspn(value, "/");
		if (slash == value + 1)
			return rf_xasprintf("%s%s", home_dir(), slash);
		user = rf_xstrndup(value + 1, (size_t)(slash - value - 1));
		pw = getpwnam(user);
		if (pw && pw->pw_dir)
			path = rf_xasprintf("%s%s", pw->pw_dir, slash);
		else
			warn_line(ld, ld->line, "%s: no user '%s' to expand ~%s", key, user, user);
		free(user);
		return path;
	}
	dir_end = strrchr(ld->cfg->path, '/');
	if (value[0] == '/' || !dir_end)
		return rf_xstrdup(value);
	return rf_xasprintf("%.*s/%s", (int)(dir_end - ld->cfg->path), ld->cfg->path, value);
}

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	size_t i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool parse_msec(const char *v, int *out)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)v[0]))
		return false;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n > INT_MAX)
		return false;
	*out = (int)n;
	return true;
}

static bool is_env_name(const char *v)
{
	if (!isalpha((unsigned char)*v) && *v != '_')
		return false;
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && *v != '_')
			return false;
	return true;
}

/* Does a url value carry a password (secret.h says where one can be)? */
static bool url_has_password(const char *url)
{
	size_t n;
	struct rf_url_secret *s = rf_url_secrets(url, &n);
	free(s);
	return n > 0;
}

/* The member at offset of the struct at base (struct key_spec). */
static void *field(void *base, size_t offset)
{
	return (char *)base + offset;
}

/* Stores one checked value into the struct at base; a bad value leaves the
 * old one (the default) in place. Values of keys that can hold secrets are
 * never quoted in warnings. */
static void set_value(struct loader *ld, const struct key_spec *k, void *base, const char *value)
{
	char **str = field(base, k->offset);
	char *copy = NULL;

	switch (k->kind) {
	case V_BOOL:
		if (!parse_bool(value, field(base, k->offset)))
			warn_line(ld, ld->line, "%s: expected true or false, not '%s'", k->name,
			          value);
		return;
	case V_MSEC:
		if (!parse_msec(value, field(base, k->offset)))
			warn_line(
			    ld, ld->line,
			    "%s: expected a whole number of milliseconds (0 or more), not '%s'",
			    k->name, value);
		return;
	case V_COUNT:
		if (!parse_msec(value, field(base, k->offset)))
			warn_line(ld, ld->line, "%s: expected a whole number (0 or more), not '%s'",
			          k->name, value);
		return;
	case V_CONFIRM:
		if (strcmp(value, "name") != 0 && strcmp(value, "none") != 0) {
			warn_line(ld, ld->line, "%s: expected 'name' or 'none', not '%s'", k->name,
			          value);
			return;
		}
		copy = rf_xstrdup(value);
		break;
	case V_ENVNAME:
		/* Someone who writes the password itself here must not see it
		 * echoed back, so the value is not quoted. */
		if (!is_env_name(value)) {
			warn_line(ld, ld->line,
			          "%s: expected the name of an environment variable "
			          "(letters, digits and '_', no '$')",
			          k->name);
			return;
		}
		copy = rf_xstrdup(value);
		break;
	case V_PATH:
		copy = expand_path(ld, k->name, value);
		if (!copy)
			return;
		break;
	case V_STRING:
		copy = rf_xstrdup(value);
		break;
	}
	free(*str);
	*str = copy;
}

/* Opens the section of a header line; text is what stands between '[' and
 * ']'. Unknown and duplicate sections are warned about here and their keys
 * skipped silently, so one mistake gives one warning. */
static void open_section(struct loader *ld, const char *text, size_t len)
{
	struct rf_config *cfg = ld->cfg;
	char *title = rf_xstrndup(text, len);
	const struct section_spec *spec = NULL;
	char *name;
	size_t i, wordlen;

	rf_strtrim(title);
	wordlen = strcspn(title, " \t");
	name = title + wordlen;
	while (isspace((unsigned char)*name))
		name++;
	for (i = 0; i < sizeof sections / sizeof sections[0]; i++)
		if (strlen(sections[i].word) == wordlen &&
		    strncmp(title, sections[i].word, wordlen) == 0)
			spec = &sections[i];

	free(ld->title);
	ld->title = title;
	ld->section = NULL;
	ld->kind = SEC_SKIP;
	ld->seen = 0;
	if (!spec || (!spec->takes_name && *name)) {
		warn_line(ld, ld->line,
		          "unknown section [%s] (expected [connection NAME], [defaults], [safety], "
		          "[ui], [compare TABLE], [keys] or [map TABLE])",
		          title);
		return;
	}
	if (spec->takes_name && !*name) {
		warn_line(ld, ld->line, "[%s] needs a name: [%s %s]", title, spec->word,
		          spec->kind == SEC_CONNECTION ? "NAME" : "TABLE");
		return;
	}
	if (spec->kind == SEC_CONNECTION) {
		const struct rf_conn_config *first = rf_config_conn(cfg, name);
		struct rf_conn_config *c;
		if (first) {
			warn_line(
			    ld, ld->line,
			    "duplicate [connection %s] (first at line %d); this one is ignored",
			    name, first->line);
			return;
		}
		cfg->conns = rf_xrealloc(cfg->conns, (cfg->nconns + 1) * sizeof *cfg->conns);
		c = &cfg->conns[cfg->nconns];
		memset(c, 0, sizeof *c);
		c->name = rf_xstrdup(name);
		c->readonly = true;
		c->confirm = rf_xstrdup("name");
		c->line = ld->line;
		ld->index = cfg->nconns++;
	} else if (spec->kind == SEC_COMPARE) {
		struct rf_compare_config *t;
		for (i = 0; i < cfg->ncompare; i++) {
			if (strcmp(cfg->compare[i].table, name) == 0) {
				warn_line(ld, ld->line,
				          "duplicate [compare %s]; this one is ignored", name);
				return;
			}
		}
		cfg->compare =
		    rf_xrealloc(cfg->compare, (cfg->ncompare + 1) * sizeof *cfg->compare);
		t = &cfg->compare[cfg->ncompare];
		memset(t, 0, sizeof *t);
		t->table = rf_xstrdup(name);
		ld->index = cfg->ncompare++;
	} else if (spec->kind == SEC_MAP) {
		struct rf_map_config *m;
		if (rf_config_map(cfg, name)) {
			warn_line(ld, ld->line, "duplicate [map %s]; this one is ignored", name);
			return;
		}
		cfg->maps = rf_xrealloc(cfg->maps, (cfg->nmaps + 1) * sizeof *cfg->maps);
		m = &cfg->maps[cfg->nmaps];
		memset(m, 0, sizeof *m);
		m->target = rf_xstrdup(name);
		m->line = ld->line;
		ld->index = cfg->nmaps++;
	}
	ld->section = spec;
	ld->kind = spec->kind;
}

/* The struct the current section's keys are stored in. */
static void *section_base(struct loader *ld)
{
	switch (ld->kind) {
	case SEC_CONNECTION:
		return &ld->cfg->conns[ld->index];
	case SEC_COMPARE:
		return &ld->cfg->compare[ld->index];
	default:
		return ld->cfg;
	}
}

static void add_key_binding(struct loader *ld, const char *action, const char *key)
{
	struct rf_config *cfg = ld->cfg;
	struct rf_key_binding *kb;

	cfg->keys = rf_xrealloc(cfg->keys, (cfg->nkeys + 1) * sizeof *cfg->keys);
	kb = &cfg->keys[cfg->nkeys++];
	kb->action = rf_xstrdup(action);
	kb->key = rf_xstrdup(key);
	kb->line = ld->line;
}

/* inih's handler: one "name = value" of the current line. The section inih
 * passes is ignored: read_line() has already opened it, untruncated. Always
 * returns 1: problems are reported here, not through inih's return value. */
static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;
	const struct key_spec *k;
	size_t bit;

	(void)section;
	ld->got_pair = true;
	/* Checked in every section, even ignored ones: the file holds the
	 * password all the same. */
	if ((strcmp(name, "url") == 0 && url_has_password(value)) || strcmp(name, "password") == 0)
		ld->cfg->has_password = true;

	if (ld->kind == SEC_SKIP)
		return 1;
	if (ld->kind == SEC_NONE) {
		warn_line(ld, ld->line, "'%s' is outside any section", name);
		return 1;
	}
	if (!*value) {
		warn_line(ld, ld->line, "%s: empty value in [%s]; ignored", name, ld->title);
		return 1;
	}
	if (ld->kind == SEC_KEYS) {
		add_key_binding(ld, name, value);
		return 1;
	}
	if (ld->kind == SEC_MAP) {
		/* expressions are checked by rf_map_parse (map.h), which stops
		 * at the first bad one: a map half understood is never used */
		struct rf_map_config *m = &ld->cfg->maps[ld->index];
		m->lines = rf_xrealloc(m->lines, (m->nlines + 1) * sizeof *m->lines);
		m->lines[m->nlines].name = rf_xstrdup(name);
		m->lines[m->nlines].value = rf_xstrdup(value);
		m->lines[m->nlines].line = ld->line;
		m->nlines++;
		return 1;
	}
	for (k = ld->section->keys; k->name; k++)
		if (strcmp(k->name, name) == 0)
			break;
	if (!k->name) {
		if (strcmp(name, "password") == 0 && ld->kind == SEC_CONNECTION)
			warn_line(ld, ld->line,
			          "unknown key 'password' in [%s]; use password_env = VARIABLE",
			          ld->title);
		else
			warn_line(ld, ld->line, "unknown key '%s' in [%s]", name, ld->title);
		return 1;
	}
	bit = (size_t)(k - ld->section->keys);
	if (ld->seen & (1u << bit))
		warn_line(ld, ld->line, "duplicate key '%s' in [%s]; the later value is used", name,
		          ld->title);
	ld->seen |= 1u << bit;
	set_value(ld, k, section_base(ld), value);
	return 1;
}

/* A line that should have been a "name = value" pair but never reached
 * on_pair() is one inih rejected (no '=' or ':'). */
static void check_pair(struct loader *ld)
{
	if (ld->expect_pair && !ld->got_pair)
		warn_line(ld, ld->line, "expected 'key = value' or a [section] header");
	ld->expect_pair = false;
	ld->got_pair = false;
}

/* inih's find_chars_or_comment() for ']': the header ends at the first ']'
 * unless an inline comment (';' after a blank) comes first. */
static const char *header_end(const char *s)
{
	bool was_space = false;

	for (; *s && *s != ']'; s++) {
		if (was_space && *s == ';')
			return NULL;
		was_space = isspace((unsigned char)*s);
	}
	return *s == ']' ? s : NULL;
}

/* inih's ini_reader: hands inih one line at a time, so ld->line is the line
 * number while inih calls on_pair() for it. It also removes leading blanks:
 * inih would take an indented line for the continuation of the previous
 * value, which turns an indented "[connection prod]" into part of a url. */
static char *read_line(char *buf, int size, void *stream)
{
	struct loader *ld = stream;
	char *s, *end;
	size_t len;

	check_pair(ld);
	for (;;) {
		if (!fgets(buf, size, ld->file)) {
			if (ferror(ld->file))
				ld->read_errno = errno ? errno : EIO;
			return NULL;
		}
		ld->line++;
		len = strlen(buf);
		s = buf;
		if (ld->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
			s += 3;
		while (isspace((unsigned char)*s))
			s++;
		if (len + 1 == (size_t)size && buf[len - 1] != '\n' && !feof(ld->file)) {
			int c;
			while ((c = getc(ld->file)) != EOF && c != '\n')
				;
			warn_line(ld, ld->line, "line longer than %d characters; ignored",
			          size - 2);
			if (*s == '[') {
				/* its keys must not land in the section before */
				ld->kind = SEC_SKIP;
				ld->section = NULL;
			}
			continue;
		}
		memmove(buf, s, strlen(s) + 1);
		if (buf[0] == '\0' || buf[0] == ';' || buf[0] == '#')
			return buf;
		if (buf[0] == '[') {
			end = (char *)header_end(buf + 1);
			if (end) {
				open_section(ld, buf + 1, (size_t)(end - buf - 1));
			} else {
				warn_line(ld, ld->line, "section header without a closing ']'");
				ld->kind = SEC_SKIP;
				ld->section = NULL;
			}
			return buf;
		}
		ld->expect_pair = true;
		return buf;
	}
}

/* Finds the file per DESIGN §2. Returns 0 with *out set (caller frees) or
 * NULL when there is none, or -1 when a named file does not exist. */
static int find_config(const char *explicit_path, char **out, char **searched, struct rf_error *err)
{
	const char *env = getenv("ROWFERRY_CONFIG");
	struct stat st;
	char *xdg;

	*out = NULL;
	if (explicit_path || (env && *env)) {
		const char *path = explicit_path ? explicit_path : env;
		const char *from = explicit_path ? "" : " (from $ROWFERRY_CONFIG)";
		if (stat(path, &st) != 0)
			return rf_error_set(err, path, "cannot open config file%s: %s", from,
			                    strerror(errno));
		if (S_ISDIR(st.st_mode))
			return rf_error_set(err, path, "config file%s is a directory", from);
		*out = rf_xstrdup(path);
		return 0;
	}
	if (stat("config.ini", &st) == 0 && S_ISREG(st.st_mode)) {
		*out = rf_xstrdup("config.ini");
		return 0;
	}
	xdg = xdg_dir("XDG_CONFIG_HOME", ".config");
	*out = rf_xasprintf("%s/rowferry/config.ini", xdg);
	free(xdg);
	if (stat(*out, &st) != 0 || !S_ISREG(st.st_mode)) {
		*searched = rf_xasprintf("./config.ini and %s", *out);
		free(*out);
		*out = NULL;
	}
	return 0;
}

/* See config.h. On failure cfg is left empty (nothing to free), so callers
 * can return at once. */
int rf_config_load(struct rf_config *cfg, const char *explicit_path, rf_config_warn_fn warn,
                   void *ctx, struct rf_error *err)
{
	struct loader ld;
	struct stat st;
	char *path = NULL;
	int rc = -1, parsed;

	memset(&ld, 0, sizeof ld);
	set_defaults(cfg);
	if (find_config(explicit_path, &path, &cfg->searched, err) != 0)
		goto out;
	if (!path) {
		rc = 0;
		goto out;
	}
	ld.file = fopen(path, "r");
	if (!ld.file) {
		rf_error_set(err, path, "cannot open config file: %s", strerror(errno));
		goto out;
	}
	cfg->path = path;
	path = NULL;
	ld.cfg = cfg;
	ld.warn = warn;
	ld.warn_ctx = ctx;
	ld.kind = SEC_NONE;

	/* inih's return value (first bad line) is not used: read_line() and
	 * on_pair() have reported every bad line already. */
	parsed = ini_parse_stream(read_line, &ld, on_pair, &ld);
	check_pair(&ld);
	if (ld.read_errno) {
		rf_error_set(err, cfg->path, "cannot read config file: %s",
		             strerror(ld.read_errno));
		goto out;
	}
	if (parsed < 0) {
		rf_error_set(err, cfg->path, "cannot parse config file (inih error %d)", parsed);
		goto out;
	}
	if (cfg->has_password && fstat(fileno(ld.file), &st) == 0 &&
	    (st.st_mode & (S_IRGRP | S_IROTH)))
		warn_line(&ld, 0, "holds a password and is readable by others (chmod 600 %s)",
		          cfg->path);
	rc = 0;
out:
	if (ld.file)
		fclose(ld.file);
	free(ld.title);
	free(path);
	if (rc != 0)
		rf_config_free(cfg);
	return rc;
}

void rf_config_free(struct rf_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	free(cfg->searched);
	for (i = 0; i < cfg->nconns; i++) {
		struct rf_conn_config *c = &cfg->conns[i];
		free(c->name);
		free(c->url);
		free(c->password_env);
		free(c->color);
		free(c->confirm);
		free(c->remap_namespace);
	}
	for (i = 0; i < cfg->ncompare; i++) {
		struct rf_compare_config *t = &cfg->compare[i];
		free(t->table);
		free(t->key);
		free(t->exclude);
		free(t->ignore);
		free(t->trim);
		free(t->tolerance);
		free(t->ts_precision);
		free(t->where);
	}
	for (i = 0; i < cfg->nmaps; i++) {
		struct rf_map_config *m = &cfg->maps[i];
		for (size_t j = 0; j < m->nlines; j++) {
			free(m->lines[j].name);
			free(m->lines[j].value);
		}
		free(m->lines);
		free(m->target);
	}
	free(cfg->maps);
	for (i = 0; i < cfg->nkeys; i++) {
		free(cfg->keys[i].action);
		free(cfg->keys[i].key);
	}
	free(cfg->conns);
	free(cfg->compare);
	free(cfg->keys);
	free(cfg->path);
	free(cfg->default_source);
	free(cfg->default_target);
	free(cfg->undo_dir);
	free(cfg->theme);
	free(cfg->diff_algorithm);
	memset(cfg, 0, sizeof *cfg);
}

const struct rf_conn_config *rf_config_conn(const struct rf_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nconns; i++)
		if (strcmp(cfg->conns[i].name, name) == 0)
			return &cfg->conns[i];
	return NULL;
}

/* Exact match first; "public.orders" also finds [compare orders], since a
 * section is usually written with the name as typed on the command line. */
const struct rf_compare_config *rf_config_compare(const struct rf_config *cfg, const char *table)
{
	const char *dot = strrchr(table, '.');
	size_t i;

	for (i = 0; i < cfg->ncompare; i++)
		if (strcmp(cfg->compare[i].table, table) == 0)
			return &cfg->compare[i];
	if (dot)
		for (i = 0; i < cfg->ncompare; i++)
			if (strcmp(cfg->compare[i].table, dot + 1) == 0)
				return &cfg->compare[i];
	return NULL;
}

/* Exact match first, then the name after a schema ("public.orders" finds
 * [map orders]), as rf_config_compare. */
const struct rf_map_config *rf_config_map(const struct rf_config *cfg, const char *table)
{
	const char *dot = strrchr(table, '.');
	size_t i;

	for (i = 0; i < cfg->nmaps; i++)
		if (strcmp(cfg->maps[i].target, table) == 0)
			return &cfg->maps[i];
	if (dot)
		for (i = 0; i < cfg->nmaps; i++)
			if (strcmp(cfg->maps[i].target, dot + 1) == 0)
				return &cfg->maps[i];
	return NULL;
}
