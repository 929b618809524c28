/* map.c - a [map TARGET] section into a struct rf_map (map.h): its
 * settings (from, names, where, key) and one expression per other line;
 * the name rules that pair columns by themselves. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rowferry/map.h"

static const char *const settings[] = {"from", "names", "where", "key"};

static bool is_setting(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof settings / sizeof settings[0]; i++)
		if (strcmp(settings[i], name) == 0)
			return true;
	return false;
}

void rf_map_free(struct rf_map *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->ncols; i++) {
		free(m->cols[i].name);
		rf_map_expr_free(m->cols[i].expr);
	}
	free(m->cols);
	free(m->file);
	free(m->target);
	free(m->from);
	free(m->where);
	free(m->key);
	free(m);
}

const struct rf_map_column *rf_map_column(const struct rf_map *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->ncols; i++)
		if (strcmp(m->cols[i].name, name) == 0)
			return &m->cols[i];
	return NULL;
}

static int set_names(struct rf_map *m, const struct rf_map_line *l, struct rf_error *err)
{
	if (strcmp(l->value, "exact") == 0)
		m->names = RF_MAP_NAMES_EXACT;
	else if (strcmp(l->value, "ignore_case") == 0)
		m->names = RF_MAP_NAMES_IGNORE_CASE;
	else if (strcmp(l->value, "snake_case") == 0)
		m->names = RF_MAP_NAMES_SNAKE_CASE;
	else
		return rf_error_set(err, NULL,
		                    "%s:%d: [map %s]: names = %s (expected exact, ignore_case "
		                    "or snake_case)",
		                    m->file, l->line, m->target, l->value);
	return 0;
}

/* See map.h. Settings are the four reserved names; a target column called
 * "key" or "where" is written quoted ("key" = ...) in the section. */
int rf_map_parse(const struct rf_map_config *s, const char *file, struct rf_map **out,
                 struct rf_error *err)
{
	struct rf_map *m = rf_xcalloc(1, sizeof *m);
	size_t i;
	int rc = -1;

	*out = NULL;
	m->file = rf_xstrdup(file ? file : "map");
	m->target = rf_xstrdup(s->target);
	m->line = s->line;
	m->names = RF_MAP_NAMES_EXACT;
	for (i = 0; i < s->nlines; i++) {
		const struct rf_map_line *l = &s->lines[i];
		char *name = l->name;
		size_t len = strlen(name);
		struct rf_map_column *c;
		bool quoted = len >= 2 && name[0] == '"' && name[len - 1] == '"';

		if (!quoted && is_setting(name)) {
			char **slot = strcmp(name, "from") == 0    ? &m->from
			              : strcmp(name, "where") == 0 ? &m->where
			              : strcmp(name, "key") == 0   ? &m->key
			                                           : NULL;
			if (!slot) {
				if (set_names(m, l, err) != 0)
					goto out;
				continue;
			}
			free(*slot);
			*slot = rf_xstrdup(l->value);
			continue;
		}
		m->cols = rf_xrealloc(m->cols, (m->ncols + 1) * sizeof *m->cols);
		c = &m->cols[m->ncols];
		memset(c, 0, sizeof *c);
		c->name = quoted ? rf_xstrndup(name + 1, len - 2) : rf_xstrdup(name);
		c->line = l->line;
		m->ncols++;
		if (rf_map_column(m, c->name) != c) {
			rf_error_set(err, NULL, "%s:%d: column %s: mapped twice", m->file, l->line,
			             c->name);
			goto out;
		}
		if (rf_map_parse_expr(l->value, m->file, l->line, c->name, &c->expr, err) != 0)
			goto out;
	}
	if (!m->from)
		m->from = rf_xstrdup(m->target);
	*out = m;
	m = NULL;
	rc = 0;
out:
	rf_map_free(m);
	return rc;
}

/* A boundary before an upper-case letter that follows a lower-case letter
 * or digit, or that starts the last capital of a run followed by a
 * lower-case letter (HTTPCode -> http_code). */
void rf_map_snake_case(const char *name, struct rf_buf *out)
{
	size_t i, n = strlen(name);

	rf_buf_reset(out);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (isupper(c) && i > 0 && out->len && out->data[out->len - 1] != '_') {
			unsigned char prev = (unsigned char)name[i - 1];
			unsigned char next = i + 1 < n ? (unsigned char)name[i + 1] : 0;
			if (islower(prev) || isdigit(prev) || (isupper(prev) && islower(next)))
				rf_buf_addc(out, '_');
		}
		rf_buf_addc(out, (char)tolower(c));
	}
	if (!out->data)
		rf_buf_adds(out, "");
}

bool rf_map_names_match(enum rf_map_names r, const char *src, const char *dst)
{
	struct rf_buf a = RF_BUF_INIT;
	bool same;

	if (strcmp(src, dst) == 0)
		return true;
	if (r == RF_MAP_NAMES_EXACT)
		return false;
	if (strcasecmp(src, dst) == 0)
		return true;
	if (r == RF_MAP_NAMES_IGNORE_CASE)
		return false;
	rf_map_snake_case(src, &a);
	same = strcasecmp(a.data, dst) == 0;
	rf_buf_free(&a);
	return same;
}
