/* theme.c - theme files and the curses colour pairs (theme.h).
 *
 * Theme files are parsed here line by line rather than with inih: every
 * problem must name its line, and Debian's inih does not report line numbers
 * (config.c works around that with a line reader of its own; a theme file is
 * four kinds of line, simpler to read directly).
 */
#include <ctype.h>
#include <curses.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "theme.h"

#ifndef RF_THEMES_DIR
#define RF_THEMES_DIR "themes"
#endif

struct color_spec {
	short fg, bg;        /* -1: the terminal's default */
	unsigned long attrs; /* A_BOLD | ... */
};

static const char *const meaning_names[COLOR__COUNT] = {
#define RF_COLOR_NAME(id, name, spec, mono) name,
    RF_COLORS(RF_COLOR_NAME)
#undef RF_COLOR_NAME
};
static const char *const builtin_specs[COLOR__COUNT] = {
#define RF_COLOR_SPEC(id, name, spec, mono) spec,
    RF_COLORS(RF_COLOR_SPEC)
#undef RF_COLOR_SPEC
};
static const char *const mono_specs[COLOR__COUNT] = {
#define RF_COLOR_MONO(id, name, spec, mono) mono,
    RF_COLORS(RF_COLOR_MONO)
#undef RF_COLOR_MONO
};

static struct color_spec specs[COLOR__COUNT];
static unsigned long attrs[COLOR__COUNT];
static bool use_color;
static char source[PATH_MAX] = "built-in";
/* extra pairs for connection colours, after the meanings' pairs */
static short next_pair = COLOR__COUNT + 1;

static const char *const color_names[] = {"black", "red",     "green", "yellow",
                                          "blue",  "magenta", "cyan",  "white"};

/* "red" -> 1, "bright-red" -> 9, "color123" -> 123, "default" -> -1;
 * -2 if unknown. */
static int parse_color(const char *w)
{
	int i, bright = 0;
	char *end;
	long n;

	if (strcasecmp(w, "default") == 0)
		return -1;
	if (strcasecmp(w, "gray") == 0 || strcasecmp(w, "grey") == 0)
		return 8;
	if (strncasecmp(w, "bright-", 7) == 0 || strncasecmp(w, "bright", 6) == 0) {
		w += w[6] == '-' ? 7 : 6;
		bright = 8;
	}
	for (i = 0; i < 8; i++)
		if (strcasecmp(w, color_names[i]) == 0)
			return i + bright;
	if (bright)
		return -2;
	if (strncasecmp(w, "color", 5) == 0)
		w += 5;
	n = strtol(w, &end, 10);
	if (*w && !*end && n >= 0 && n <= 255)
		return (int)n;
	return -2;
}

static unsigned long parse_attr(const char *w)
{
	static const struct {
		const char *name;
		unsigned long attr;
	} names[] = {{"normal", A_NORMAL},       {"bold", A_BOLD},       {"dim", A_DIM},
	             {"underline", A_UNDERLINE}, {"reverse", A_REVERSE}, {"standout", A_STANDOUT},
	             {"blink", A_BLINK},         {"italic", A_ITALIC}};
	size_t i;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(w, names[i].name) == 0)
			return names[i].attr;
	return (unsigned long)-1;
}

static void warn(struct rf_strlist *warnings, const char *file, int line, const char *fmt, ...)
    RF_PRINTF(4, 5);
static void warn(struct rf_strlist *warnings, const char *file, int line, const char *fmt, ...)
{
	struct rf_buf b = RF_BUF_INIT;
	va_list ap;

	if (line)
		rf_buf_printf(&b, "%s:%d: ", file, line);
	else
		rf_buf_printf(&b, "%s: ", file);
	va_start(ap, fmt);
	rf_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	rf_strlist_add(warnings, b.data);
	rf_buf_free(&b);
}

/* Parses "fg bg attr..." (mono tables hold attributes only). Unknown
 * words are warned about and skipped; the rest still applies. */
static void parse_spec(const char *text, bool attrs_only, struct color_spec *out,
                       struct rf_strlist *warnings, const char *file, int line)
{
	char buf[256], *save = NULL, *w;
	int pos = 0;

	snprintf(buf, sizeof buf, "%s", text);
	out->fg = out->bg = -1;
	out->attrs = A_NORMAL;
	for (w = strtok_r(buf, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save), pos++) {
		if (!attrs_only && pos < 2) {
			int c = parse_color(w);
			if (c == -2)
				warn(warnings, file, line,
				     "unknown colour '%s' (default, black, red, green, yellow, "
				     "blue, "
				     "magenta, cyan, white, bright-RED..., color0-255)",
				     w);
			else if (pos == 0)
				out->fg = (short)c;
			else
				out->bg = (short)c;
		} else {
			unsigned long a = parse_attr(w);
			if (a == (unsigned long)-1)
				warn(warnings, file, line,
				     "unknown attribute '%s' (bold, dim, underline, reverse, "
				     "standout, "
				     "blink, italic, normal)",
				     w);
			else
				out->attrs |= a;
		}
	}
}

static int meaning_by_name(const char *name)
{
	int i;
	for (i = 0; i < COLOR__COUNT; i++)
		if (strcmp(meaning_names[i], name) == 0)
			return i;
	return -1;
}

/* Reads NAME = SPEC lines of [colors] into specs[]. */
static void parse_file(FILE *f, const char *file, struct rf_strlist *warnings)
{
	char line[512];
	int lineno = 0;
	bool in_colors = true; /* lines before any header count as [colors] */

	while (fgets(line, sizeof line, f)) {
		char *s = line, *eq, *name, *value, *c;
		int m;

		lineno++;
		s[strcspn(s, "\r\n")] = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == ';' || *s == '#')
			continue;
		if (*s == '[') {
			in_colors = strncmp(s, "[colors]", 8) == 0;
			if (!in_colors)
				warn(warnings, file, lineno,
				     "unknown section %s (themes have [colors])", s);
			continue;
		}
		if (!in_colors)
			continue;
		if (!(eq = strchr(s, '='))) {
			warn(warnings, file, lineno, "expected 'meaning = fg bg attrs'");
			continue;
		}
		*eq = '\0';
		name = rf_strtrim(s);
		value = eq + 1;
		if ((c = strstr(value, " ;")) || (c = strstr(value, " #")))
			*c = '\0';
		value = rf_strtrim(value);
		if ((m = meaning_by_name(name)) < 0) {
			warn(warnings, file, lineno,
			     "unknown colour meaning '%s' (see themes/default.ini)", name);
			continue;
		}
		parse_spec(value, false, &specs[m], warnings, file, lineno);
	}
}

static bool find_theme(const char *name, const char *config_dir, char *path, size_t len)
{
	char exe[PATH_MAX], *slash;
	const char *dirs[3];
	char dir_buf[3][PATH_MAX];
	size_t i, n = 0;
	ssize_t r;

	if (strchr(name, '/') ||
	    (strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".ini") == 0)) {
		snprintf(path, len, "%s", name);
		return access(path, R_OK) == 0;
	}
	if (config_dir) {
		snprintf(dir_buf[n], sizeof dir_buf[n], "%s/themes", config_dir);
		dirs[n] = dir_buf[n];
		n++;
	}
	/* an installed binary finds PREFIX/share/rowferry/themes next to it */
	r = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (r > 0) {
		exe[r] = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		snprintf(dir_buf[n], sizeof dir_buf[n], "%.*s/../share/rowferry/themes",
		         (int)(sizeof dir_buf[n] - 32), exe);
		dirs[n] = dir_buf[n];
		n++;
	}
	dirs[n++] = RF_THEMES_DIR;
	for (i = 0; i < n; i++) {
		snprintf(path, len, "%.*s/%.*s.ini", PATH_MAX / 2, dirs[i], PATH_MAX / 4, name);
		if (access(path, R_OK) == 0)
			return true;
	}
	return false;
}

static unsigned long make_attr(const struct color_spec *s, short pair)
{
	unsigned long a = s->attrs;
	short fg = s->fg, bg = s->bg;
	if (!use_color)
		return a;
	/* bright colours on an 8-colour terminal: the base colour, bold */
	if (fg >= COLORS && fg >= 8) {
		fg = (short)(fg % 8);
		a |= A_BOLD;
	}
	if (bg >= COLORS)
		bg = (short)(bg % 8);
	init_pair(pair, fg, bg);
	return a | COLOR_PAIR(pair);
}

void theme_load(const char *name, const char *config_dir, struct rf_strlist *warnings)
{
	const char *no_color = getenv("NO_COLOR");
	char path[PATH_MAX];
	int i;

	use_color = has_colors() && !(no_color && *no_color);
	for (i = 0; i < COLOR__COUNT; i++)
		parse_spec(builtin_specs[i], false, &specs[i], warnings, "built-in theme", 0);
	snprintf(source, sizeof source, "built-in");
	if (!name || !*name)
		name = "default";
	if (find_theme(name, config_dir, path, sizeof path)) {
		FILE *f = fopen(path, "r");
		if (f) {
			parse_file(f, path, warnings);
			fclose(f);
			snprintf(source, sizeof source, "%s", path);
		} else {
			warn(warnings, path, 0, "cannot be read; using the built-in theme");
		}
	} else {
		warn(warnings, "theme", 0, "'%s' not found; using the built-in theme", name);
	}
	if (!use_color) {
		/* NO_COLOR (or a terminal without colours): attributes only,
		 * whatever the theme says, so nothing depends on colour */
		for (i = 0; i < COLOR__COUNT; i++)
			parse_spec(mono_specs[i], true, &specs[i], warnings, "built-in theme", 0);
	} else {
		start_color();
		use_default_colors();
	}
	for (i = 0; i < COLOR__COUNT; i++)
		attrs[i] = make_attr(&specs[i], (short)(i + 1));
	next_pair = COLOR__COUNT + 1;
}

unsigned long theme_attr(enum color_meaning m)
{
	return attrs[m];
}

bool theme_named_attr(const char *name, unsigned long *attr)
{
	struct color_spec s = {-1, -1, A_BOLD};
	int m = meaning_by_name(name);
	int c;

	if (m >= 0) {
		*attr = attrs[m];
		return true;
	}
	if ((c = parse_color(name)) == -2)
		return false;
	if (!use_color) {
		*attr = A_BOLD | A_REVERSE;
		return true;
	}
	/* the connection's name as a badge in its colour on the header line:
	 * the header's text colour on that background */
	s.bg = (short)c;
	s.fg = specs[COLOR_HEADER].fg;
	if (s.fg == s.bg || c == -1)
		s.fg = c == COLOR_BLACK ? COLOR_WHITE : COLOR_BLACK;
	if (next_pair >= COLOR_PAIRS)
		return false;
	*attr = make_attr(&s, next_pair++);
	return true;
}

const char *theme_source(void)
{
	return source;
}

bool theme_uses_color(void)
{
	return use_color;
}
