/* test_config.c - config.ini: lookup, parsing, warnings, resolving
 * connections (DESIGN §2). Every test runs in a fresh temporary directory
 * that is also $HOME and the current directory's parent, with
 * $ROWFERRY_CONFIG, $XDG_CONFIG_HOME and $XDG_STATE_HOME unset, so the
 * developer's own config never leaks in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rowferry/config.h"

static char *tmp;                /* the test's directory */
static char home[PATH_MAX];      /* $HOME = TMP/home */
static char work[PATH_MAX];      /* current directory = TMP/work */
static char saved_cwd[PATH_MAX]; /* restored after each test */
static struct rf_strlist warnings;

static void collect_warning(void *ctx, const char *msg)
{
	rf_strlist_add(ctx, msg);
}

/* rm -rf path (the test's own directory; no symlinks are made in it) */
static void remove_tree(const char *path)
{
	struct stat st;
	struct dirent *e;
	char child[PATH_MAX];
	DIR *d;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(child, sizeof child, "%s/%s", path, e->d_name);
			remove_tree(child);
		}
		closedir(d);
	}
	remove(path);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/rf_test_config_XXXXXX";

	(void)state;
	assert_non_null(getcwd(saved_cwd, sizeof saved_cwd));
	assert_non_null(mkdtemp(tmpl));
	tmp = strdup(tmpl);
	snprintf(home, sizeof home, "%s/home", tmp);
	snprintf(work, sizeof work, "%s/work", tmp);
	assert_int_equal(mkdir(home, 0700), 0);
	assert_int_equal(mkdir(work, 0700), 0);
	assert_int_equal(chdir(work), 0);
	setenv("HOME", home, 1);
	unsetenv("ROWFERRY_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_STATE_HOME");
	unsetenv("RF_TEST_PASSWORD");
	memset(&warnings, 0, sizeof warnings);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(chdir(saved_cwd), 0);
	remove_tree(tmp);
	free(tmp);
	rf_strlist_free(&warnings);
	return 0;
}

/* Writes TMP/rel (creating directories on the way) with the given mode and
 * returns its path in static storage (one at a time). */
static const char *write_file(const char *rel, mode_t mode, const char *text)
{
	static char path[PATH_MAX];
	char *slash;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmp, rel);
	for (slash = strchr(path + strlen(tmp) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

/* Loads path (NULL: the lookup order) into cfg, collecting warnings; the
 * load must succeed. */
static void load(struct rf_config *cfg, const char *path)
{
	struct rf_error err;
	char text[1300];

	rf_error_clear(&err);
	if (rf_config_load(cfg, path, collect_warning, &warnings, &err) != 0)
		fail_msg("load failed: %s", rf_error_text(&err, text, sizeof text));
}

static void assert_warnings(const char *const *expected, size_t n)
{
	size_t i;

	for (i = 0; i < warnings.len; i++)
		print_message("warning: %s\n", warnings.items[i]);
	assert_int_equal(warnings.len, n);
	for (i = 0; i < n; i++)
		assert_string_equal(warnings.items[i], expected[i]);
}

static const char full_config[] = "[connection dev]\n"
                                  "url = postgres://app@localhost:5432/wg_dev\n"
                                  "readonly = true          ; read-only unless applying\n"
                                  "\n"
                                  "[connection prod]\n"
                                  "url = postgres://app@db.internal:5432/wg\n"
                                  "password_env = PROD_DB_PASSWORD\n"
                                  "readonly = false\n"
                                  "color = red              ; header colour of this side\n"
                                  "confirm = name\n"
                                  "\n"
                                  "[defaults]\n"
                                  "source = dev\n"
                                  "target = prod\n"
                                  "\n"
                                  "[safety]\n"
                                  "undo_dir = /var/lib/rowferry/undo\n"
                                  "lock_timeout_ms = 2500\n"
                                  "statement_timeout_ms = 30000\n"
                                  "read_timeout_ms = 120000\n"
                                  "bulk_rows = 250\n"
                                  "\n"
                                  "[ui]\n"
                                  "theme = solarized\n"
                                  "mouse = yes\n";

static void full_file_parses_into_config(void **state)
{
	struct rf_config cfg;
	const char *path = write_file("work/config.ini", 0600, full_config);
	const struct rf_conn_config *dev, *prod;

	(void)state;
	load(&cfg, path);
	assert_warnings(NULL, 0);
	assert_string_equal(cfg.path, path);
	assert_int_equal(cfg.nconns, 2);
	dev = rf_config_conn(&cfg, "dev");
	prod = rf_config_conn(&cfg, "prod");
	assert_non_null(dev);
	assert_non_null(prod);
	assert_string_equal(dev->url, "postgres://app@localhost:5432/wg_dev");
	assert_null(dev->password_env);
	assert_true(dev->readonly);
	assert_null(dev->color);
	assert_string_equal(dev->confirm, "name");
	assert_int_equal(dev->line, 1);
	assert_string_equal(prod->url, "postgres://app@db.internal:5432/wg");
	assert_string_equal(prod->password_env, "PROD_DB_PASSWORD");
	assert_false(prod->readonly);
	assert_string_equal(prod->color, "red");
	assert_string_equal(prod->confirm, "name");
	assert_int_equal(prod->line, 5);
	assert_string_equal(cfg.default_source, "dev");
	assert_string_equal(cfg.default_target, "prod");
	assert_string_equal(cfg.undo_dir, "/var/lib/rowferry/undo");
	assert_int_equal(cfg.lock_timeout_ms, 2500);
	assert_int_equal(cfg.statement_timeout_ms, 30000);
	assert_int_equal(cfg.read_timeout_ms, 120000);
	assert_int_equal(cfg.bulk_rows, 250);
	assert_string_equal(cfg.theme, "solarized");
	assert_true(cfg.mouse);
	assert_int_equal(cfg.ncompare, 0);
	assert_int_equal(cfg.nkeys, 0);
	assert_false(cfg.has_password);
	assert_null(rf_config_conn(&cfg, "staging"));
	rf_config_free(&cfg);
}

static void no_file_found_gives_defaults(void **state)
{
	struct rf_config cfg;
	char expected[PATH_MAX + 64];

	(void)state;
	load(&cfg, NULL);
	assert_null(cfg.path);
	assert_int_equal(cfg.nconns, 0);
	assert_null(cfg.default_source);
	assert_null(cfg.default_target);
	snprintf(expected, sizeof expected, "%s/.local/state/rowferry/undo", home);
	assert_string_equal(cfg.undo_dir, expected);
	assert_int_equal(cfg.lock_timeout_ms, 5000);
	assert_int_equal(cfg.statement_timeout_ms, 60000);
	assert_int_equal(cfg.read_timeout_ms, 600000);
	assert_int_equal(cfg.bulk_rows, 1000);
	assert_string_equal(cfg.theme, "default");
	assert_false(cfg.mouse);
	rf_config_free(&cfg);

	setenv("XDG_STATE_HOME", "/srv/state", 1);
	load(&cfg, NULL);
	assert_string_equal(cfg.undo_dir, "/srv/state/rowferry/undo");
	rf_config_free(&cfg);
	assert_warnings(NULL, 0);
}

/* Each candidate file names a different theme, so the theme tells which
 * file was read. */
static void lookup_order_is_explicit_env_cwd_then_xdg(void **state)
{
	struct rf_config cfg;
	char xdg[PATH_MAX], explicit_path[PATH_MAX], env_path[PATH_MAX];

	(void)state;
	snprintf(xdg, sizeof xdg, "%s/xdg", tmp);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	write_file("xdg/rowferry/config.ini", 0600, "[ui]\ntheme = from-xdg\n");
	load(&cfg, NULL);
	assert_string_equal(cfg.theme, "from-xdg");
	rf_config_free(&cfg);

	write_file("work/config.ini", 0600, "[ui]\ntheme = from-cwd\n");
	load(&cfg, NULL);
	assert_string_equal(cfg.theme, "from-cwd");
	assert_string_equal(cfg.path, "config.ini");
	rf_config_free(&cfg);

	snprintf(env_path, sizeof env_path, "%s",
	         write_file("env.ini", 0600, "[ui]\ntheme = from-env\n"));
	setenv("ROWFERRY_CONFIG", env_path, 1);
	load(&cfg, NULL);
	assert_string_equal(cfg.theme, "from-env");
	assert_string_equal(cfg.path, env_path);
	rf_config_free(&cfg);

	snprintf(explicit_path, sizeof explicit_path, "%s",
	         write_file("explicit.ini", 0600, "[ui]\ntheme = from-flag\n"));
	load(&cfg, explicit_path);
	assert_string_equal(cfg.theme, "from-flag");
	rf_config_free(&cfg);
	assert_warnings(NULL, 0);
}

static void lookup_uses_home_config_when_xdg_config_home_is_unset(void **state)
{
	struct rf_config cfg;

	(void)state;
	write_file("home/.config/rowferry/config.ini", 0600, "[ui]\ntheme = from-home\n");
	load(&cfg, NULL);
	assert_string_equal(cfg.theme, "from-home");
	rf_config_free(&cfg);
}

static void named_file_that_does_not_exist_is_an_error_naming_it(void **state)
{
	struct rf_config cfg;
	struct rf_error err;
	char text[1300];

	(void)state;
	write_file("work/config.ini", 0600, "[ui]\ntheme = from-cwd\n");
	rf_error_clear(&err);
	assert_int_equal(rf_config_load(&cfg, "/nonexistent/rowferry.ini", NULL, NULL, &err), -1);
	assert_string_equal(rf_error_text(&err, text, sizeof text),
	                    "/nonexistent/rowferry.ini: cannot open config file: No such file or "
	                    "directory");
	rf_config_free(&cfg);

	setenv("ROWFERRY_CONFIG", "/nonexistent/env.ini", 1);
	rf_error_clear(&err);
	assert_int_equal(rf_config_load(&cfg, NULL, NULL, NULL, &err), -1);
	assert_string_equal(
	    rf_error_text(&err, text, sizeof text),
	    "/nonexistent/env.ini: cannot open config file (from $ROWFERRY_CONFIG): "
	    "No such file or directory");
	rf_config_free(&cfg);
}

static void bad_lines_are_reported_with_file_and_line_and_loading_goes_on(void **state)
{
	struct rf_config cfg;
	const char *path;
	char expected[16][512];
	const char *exp[16];
	size_t i, n = 0;

	(void)state;
	path = write_file("work/config.ini", 0600,
	                  "orphan = 1\n"                    /* 1 */
	                  "[connection dev]\n"              /* 2 */
	                  "url = sqlite:dev.db\n"           /* 3 */
	                  "readonly = maybe\n"              /* 4 */
	                  "colour = red\n"                  /* 5 */
	                  "this line has no equals sign\n"  /* 6 */
	                  "confirm = always\n"              /* 7 */
	                  "[connection dev]\n"              /* 8 */
	                  "url = sqlite:other.db\n"         /* 9 */
	                  "[safety]\n"                      /* 10 */
	                  "lock_timeout_ms = 5s\n"          /* 11 */
	                  "statement_timeout_ms = -1\n"     /* 12 */
	                  "lock_timeout_ms = 1500\n"        /* 13 */
	                  "[connection prod\n"              /* 14 */
	                  "url = postgres://app@prod/wg\n"  /* 15 */
	                  "[nonsense]\n"                    /* 16 */
	                  "url = sqlite:nonsense.db\n"      /* 17 */
	                  "[ui]\n"                          /* 18 */
	                  "mouse = on\n"                    /* 19 */
	                  "theme =\n"                       /* 20 */
	                  "[connection]\n"                  /* 21 */
	                  "[connection stage]\n"            /* 22 */
	                  "password_env = $STAGE_PW\n"      /* 23 */
	                  "password = hunter2\n"            /* 24 */
	                  "url = mysql://app@stage/wg\n"    /* 25 */
	                  "url = mysql://app@stage2/wg\n"); /* 26 */
	load(&cfg, path);

#define EXPECT(line, msg)                                                                          \
	snprintf(expected[n], sizeof expected[n], "%s:%d: %s", path, line, msg), n++
	EXPECT(1, "'orphan' is outside any section");
	EXPECT(4, "readonly: expected true or false, not 'maybe'");
	EXPECT(5, "unknown key 'colour' in [connection dev]");
	EXPECT(6, "expected 'key = value' or a [section] header");
	EXPECT(7, "confirm: expected 'name' or 'none', not 'always'");
	EXPECT(8, "duplicate [connection dev] (first at line 2); this one is ignored");
	EXPECT(11,
	       "lock_timeout_ms: expected a whole number of milliseconds (0 or more), not '5s'");
	EXPECT(12, "statement_timeout_ms: expected a whole number of milliseconds (0 or more), not "
	           "'-1'");
	EXPECT(13, "duplicate key 'lock_timeout_ms' in [safety]; the later value is used");
	EXPECT(14, "section header without a closing ']'");
	EXPECT(16, "unknown section [nonsense] (expected [connection NAME], [defaults], [safety], "
	           "[ui], [compare TABLE], [keys] or [map TABLE])");
	EXPECT(20, "theme: empty value in [ui]; ignored");
	EXPECT(21, "[connection] needs a name: [connection NAME]");
	EXPECT(23, "password_env: expected the name of an environment variable (letters, digits "
	           "and '_', no '$')");
	EXPECT(24, "unknown key 'password' in [connection stage]; use password_env = VARIABLE");
	EXPECT(26, "duplicate key 'url' in [connection stage]; the later value is used");
#undef EXPECT
	for (i = 0; i < n; i++)
		exp[i] = expected[i];
	/* the password itself is never repeated */
	for (i = 0; i < warnings.len; i++)
		assert_null(strstr(warnings.items[i], "hunter2"));
	/* the file holds a password and is private: no permission warning */
	assert_warnings(exp, n);

	/* later valid keys still apply; misplaced ones land nowhere */
	assert_int_equal(cfg.nconns, 2);
	assert_string_equal(rf_config_conn(&cfg, "dev")->url, "sqlite:dev.db");
	assert_true(rf_config_conn(&cfg, "dev")->readonly);
	assert_string_equal(rf_config_conn(&cfg, "dev")->confirm, "name");
	assert_null(rf_config_conn(&cfg, "prod"));
	assert_string_equal(rf_config_conn(&cfg, "stage")->url, "mysql://app@stage2/wg");
	assert_null(rf_config_conn(&cfg, "stage")->password_env);
	assert_int_equal(cfg.lock_timeout_ms, 1500);
	assert_int_equal(cfg.statement_timeout_ms, 60000);
	assert_true(cfg.mouse);
	assert_string_equal(cfg.theme, "default");
	assert_true(cfg.has_password);
	rf_config_free(&cfg);
}

static void overlong_line_is_reported_and_later_lines_keep_their_numbers(void **state)
{
	struct rf_config cfg;
	char text[1024], msg[3][PATH_MAX + 128];
	const char *exp[3] = {msg[0], msg[1], msg[2]};
	const char *path;

	(void)state;
	snprintf(text, sizeof text,
	         "[ui]\n"
	         "theme = %0300d\n"
	         "mouse = sometimes\n"
	         "[connection %0300d]\n"
	         "url = sqlite:x.db\n"
	         "[defaults]\n"
	         "source = x\n",
	         0, 0);
	path = write_file("work/config.ini", 0600, text);
	load(&cfg, path);
	snprintf(msg[0], sizeof msg[0], "%s:2: line longer than 198 characters; ignored", path);
	snprintf(msg[1], sizeof msg[1], "%s:3: mouse: expected true or false, not 'sometimes'",
	         path);
	snprintf(msg[2], sizeof msg[2], "%s:4: line longer than 198 characters; ignored", path);
	assert_warnings(exp, 3);
	/* the url under the ignored header did not land in [ui] or anywhere */
	assert_int_equal(cfg.nconns, 0);
	assert_string_equal(cfg.theme, "default");
	assert_string_equal(cfg.default_source, "x");
	rf_config_free(&cfg);
}

static void indentation_crlf_and_bom_do_not_change_the_meaning(void **state)
{
	struct rf_config cfg;
	const char *path;

	(void)state;
	path = write_file("work/config.ini", 0600,
	                  "\xEF\xBB\xBF[connection dev]\r\n"
	                  "    url = sqlite:dev.db\r\n"
	                  "    [connection prod]\r\n"
	                  "\turl = sqlite:prod.db ; inline comment\r\n"
	                  "# a comment\r\n");
	load(&cfg, path);
	assert_warnings(NULL, 0);
	assert_int_equal(cfg.nconns, 2);
	assert_string_equal(rf_config_conn(&cfg, "dev")->url, "sqlite:dev.db");
	assert_string_equal(rf_config_conn(&cfg, "prod")->url, "sqlite:prod.db");
	assert_int_equal(rf_config_conn(&cfg, "prod")->line, 3);
	rf_config_free(&cfg);
}

static void resolve_names_section_and_key_when_url_is_missing(void **state)
{
	struct rf_config cfg;
	struct rf_connect_opts o;
	const struct rf_conn_config *conn = NULL;
	struct rf_error err;
	char text[1300], expected[PATH_MAX + 128];
	const char *path;

	(void)state;
	path = write_file("work/config.ini", 0600, "[connection prod]\ncolor = red\n");
	load(&cfg, path);
	rf_error_clear(&err);
	assert_int_equal(rf_config_resolve(&cfg, "prod", "target", &o, &conn, &err), -1);
	snprintf(expected, sizeof expected, "%s: [connection prod]: missing required key 'url'",
	         path);
	assert_string_equal(rf_error_text(&err, text, sizeof text), expected);
	rf_config_free(&cfg);
}

static void resolve_reads_password_from_password_env(void **state)
{
	struct rf_config cfg;
	struct rf_connect_opts o;
	const struct rf_conn_config *conn = NULL;
	struct rf_error err;
	char text[1300], expected[PATH_MAX + 128];
	const char *path;

	(void)state;
	path = write_file("work/config.ini", 0600,
	                  "[connection prod]\n"
	                  "url = postgres://app@db.internal:5432/wg\n"
	                  "password_env = RF_TEST_PASSWORD\n");
	load(&cfg, path);

	rf_error_clear(&err);
	assert_int_equal(rf_config_resolve(&cfg, "prod", "target", &o, &conn, &err), -1);
	snprintf(expected, sizeof expected,
	         "%s: [connection prod]: password_env RF_TEST_PASSWORD is not set", path);
	assert_string_equal(rf_error_text(&err, text, sizeof text), expected);

	setenv("RF_TEST_PASSWORD", "s3cret", 1);
	rf_error_clear(&err);
	assert_int_equal(rf_config_resolve(&cfg, "prod", "target", &o, &conn, &err), 0);
	assert_string_equal(o.name, "prod");
	assert_string_equal(o.url, "postgres://app@db.internal:5432/wg");
	assert_string_equal(o.password, "s3cret");
	assert_int_equal(o.allow_prompt, isatty(0));
	assert_int_equal(o.read_timeout_ms, 600000); /* [safety] read_timeout_ms */
	assert_ptr_equal(conn, rf_config_conn(&cfg, "prod"));
	rf_config_free(&cfg);
}

static void resolve_without_spec_takes_defaults(void **state)
{
	struct rf_config cfg;
	struct rf_connect_opts o;
	const struct rf_conn_config *conn = NULL;
	struct rf_error err;
	char text[1300];
	const char *path;

	(void)state;
	load(&cfg, NULL);
	rf_error_clear(&err);
	/* no config file at all: where it was looked for, and what to do */
	assert_int_equal(rf_config_resolve(&cfg, NULL, "source", &o, &conn, &err), -1);
	rf_error_text(&err, text, sizeof text);
	assert_non_null(strstr(text, "no config file found (looked for ./config.ini and "));
	assert_non_null(strstr(text, "/rowferry/config.ini) and no --from given: give --from and "
	                             "--to (URLs or [connection] names), --config FILE, or try "
	                             "`rowferry demo`"));
	rf_error_clear(&err);
	assert_int_equal(rf_config_resolve(&cfg, NULL, "target", &o, &conn, &err), -1);
	assert_non_null(strstr(rf_error_text(&err, text, sizeof text), "and no --to given"));
	rf_config_free(&cfg);

	path = write_file("work/config.ini", 0600,
	                  "[connection dev]\nurl = sqlite:dev.db\n"
	                  "[defaults]\nsource = dev\ntarget = staging\n");
	load(&cfg, path);
	rf_error_clear(&err);
	assert_int_equal(rf_config_resolve(&cfg, NULL, "source", &o, &conn, &err), 0);
	assert_string_equal(o.name, "dev");
	assert_string_equal(o.url, "sqlite:dev.db");
	assert_null(o.password);
	assert_ptr_equal(conn, rf_config_conn(&cfg, "dev"));
	rf_error_clear(&err);
	assert_int_equal(rf_config_resolve(&cfg, NULL, "target", &o, &conn, &err), -1);
	assert_string_equal(err.msg, "[defaults] target: no [connection staging]");
	assert_string_equal(err.where, path);
	rf_config_free(&cfg);

	/* a config without [defaults]: the flag or the default is missing */
	path = write_file("work/config.ini", 0600, "[connection dev]\nurl = sqlite:dev.db\n");
	load(&cfg, path);
	rf_error_clear(&err);
	assert_int_equal(rf_config_resolve(&cfg, NULL, "source", &o, &conn, &err), -1);
	assert_string_equal(rf_error_text(&err, text, sizeof text),
	                    "no --from given and [defaults] source is not set");
	rf_config_free(&cfg);
}

static void resolve_takes_a_url_and_shows_it_without_password(void **state)
{
	struct rf_config cfg;
	struct rf_connect_opts o;
	const struct rf_conn_config *conn = NULL;
	struct rf_error err;
	const char *pg = "postgres://app:pw@db.internal/wg";
	const char *lite = "sqlite:dev.db";
	const char *conninfo = "host=db dbname=wg password=pw";

	(void)state;
	load(&cfg, NULL);
	rf_error_clear(&err);
	assert_int_equal(rf_config_resolve(&cfg, pg, "source", &o, &conn, &err), 0);
	assert_ptr_equal(o.url, pg);
	assert_string_equal(o.name, "postgres://app@db.internal/wg");
	assert_null(o.password);
	assert_null(conn);
	assert_int_equal(rf_config_resolve(&cfg, lite, "target", &o, &conn, &err), 0);
	assert_ptr_equal(o.url, lite);
	assert_string_equal(o.name, "sqlite:dev.db");
	assert_int_equal(rf_config_resolve(&cfg, conninfo, "target", &o, &conn, &err), 0);
	assert_string_equal(o.name, "host=db dbname=wg");
	assert_false(err.set);
	rf_config_free(&cfg);
}

static void resolve_unknown_name_is_an_error(void **state)
{
	struct rf_config cfg;
	struct rf_connect_opts o;
	struct rf_error err;
	char text[1300];

	(void)state;
	load(&cfg, NULL);
	rf_error_clear(&err);
	assert_int_equal(rf_config_resolve(&cfg, "prod", "target", &o, NULL, &err), -1);
	assert_string_equal(rf_error_text(&err, text, sizeof text),
	                    "--to prod: no config file found to define [connection prod]");
	/* something that might be a mistyped URL is not echoed back */
	rf_error_clear(&err);
	assert_int_equal(rf_config_resolve(&cfg, "postgres:/app:pw@db", "source", &o, NULL, &err),
	                 -1);
	assert_null(strstr(err.msg, "pw"));
	rf_config_free(&cfg);

	write_file("work/config.ini", 0600, "[connection dev]\nurl = sqlite:dev.db\n");
	load(&cfg, NULL);
	rf_error_clear(&err);
	assert_int_equal(rf_config_resolve(&cfg, "prod", "target", &o, NULL, &err), -1);
	assert_string_equal(rf_error_text(&err, text, sizeof text),
	                    "config.ini: no [connection prod]");
	rf_config_free(&cfg);
}

static void readable_file_with_password_warns_private_one_does_not(void **state)
{
	struct rf_config cfg;
	char expected[2 * PATH_MAX + 128];
	const char *path;
	static const char *const with_password[] = {
	    "[connection prod]\nurl = postgres://app:hunter2@db/wg\n",
	    "[connection prod]\nurl = host=db dbname=wg password=hunter2\n",
	    "[connection prod]\nurl = mysql://app@db/wg?ssl-mode=REQUIRED&password=hunter2\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof with_password / sizeof with_password[0]; i++) {
		path = write_file("work/config.ini", 0644, with_password[i]);
		load(&cfg, path);
		snprintf(expected, sizeof expected,
		         "%s: holds a password and is readable by others (chmod 600 %s)", path,
		         path);
		assert_int_equal(warnings.len, 1);
		assert_string_equal(warnings.items[0], expected);
		assert_null(strstr(warnings.items[0], "hunter2"));
		assert_true(cfg.has_password);
		rf_config_free(&cfg);
		rf_strlist_free(&warnings);

		chmod(path, 0600);
		load(&cfg, path);
		assert_int_equal(warnings.len, 0);
		rf_config_free(&cfg);
	}

	/* a readable file without a password is fine */
	path = write_file("work/config.ini", 0644,
	                  "[connection prod]\nurl = postgres://app@db/wg\n"
	                  "password_env = PROD_DB_PASSWORD\n");
	load(&cfg, path);
	assert_int_equal(warnings.len, 0);
	assert_false(cfg.has_password);
	rf_config_free(&cfg);
}

static void undo_dir_expands_tilde_and_relative_paths(void **state)
{
	struct rf_config cfg;
	char expected[PATH_MAX + 64];
	const char *path;

	(void)state;
	path = write_file("work/config.ini", 0600, "[safety]\nundo_dir = ~/journals\n");
	load(&cfg, path);
	snprintf(expected, sizeof expected, "%s/journals", home);
	assert_string_equal(cfg.undo_dir, expected);
	rf_config_free(&cfg);

	path = write_file("work/config.ini", 0600, "[safety]\nundo_dir = ~\n");
	load(&cfg, path);
	assert_string_equal(cfg.undo_dir, home);
	rf_config_free(&cfg);

	/* relative to the file, not to wherever rowferry was started */
	path = write_file("etc/rowferry.ini", 0600, "[safety]\nundo_dir = undo\n");
	load(&cfg, path);
	snprintf(expected, sizeof expected, "%s/etc/undo", tmp);
	assert_string_equal(cfg.undo_dir, expected);
	rf_config_free(&cfg);
	assert_warnings(NULL, 0);
}

static void compare_and_keys_sections_are_parsed(void **state)
{
	struct rf_config cfg;
	const struct rf_compare_config *t;
	const char *path;

	(void)state;
	path = write_file("work/config.ini", 0600,
	                  "[compare siteflow_orders]\n"
	                  "key = job_number, line_no\n"
	                  "exclude = guid\n"
	                  "ignore = updated_at\n"
	                  "trim = note\n"
	                  "tolerance = weight_kg=0.001\n"
	                  "ts_precision = created_at=3\n"
	                  "where = job_number = '0000065'\n"
	                  "[compare public.jobs]\n"
	                  "key = job_number\n"
	                  "\n"
	                  "[keys]\n"
	                  "preview = P\n"
	                  "apply = ^A\n");
	load(&cfg, path);
	assert_warnings(NULL, 0);
	assert_int_equal(cfg.ncompare, 2);
	t = rf_config_compare(&cfg, "siteflow_orders");
	assert_non_null(t);
	assert_string_equal(t->table, "siteflow_orders");
	assert_string_equal(t->key, "job_number, line_no");
	assert_string_equal(t->exclude, "guid");
	assert_string_equal(t->ignore, "updated_at");
	assert_string_equal(t->trim, "note");
	assert_string_equal(t->tolerance, "weight_kg=0.001");
	assert_string_equal(t->ts_precision, "created_at=3");
	assert_string_equal(t->where, "job_number = '0000065'");
	/* a schema-qualified name finds the section written without one */
	assert_ptr_equal(rf_config_compare(&cfg, "public.siteflow_orders"), t);
	t = rf_config_compare(&cfg, "public.jobs");
	assert_non_null(t);
	assert_string_equal(t->key, "job_number");
	assert_null(t->exclude);
	assert_null(rf_config_compare(&cfg, "jobs"));
	assert_null(rf_config_compare(&cfg, "order_lines"));

	assert_int_equal(cfg.nkeys, 2);
	assert_string_equal(cfg.keys[0].action, "preview");
	assert_string_equal(cfg.keys[0].key, "P");
	assert_int_equal(cfg.keys[0].line, 13);
	assert_string_equal(cfg.keys[1].action, "apply");
	assert_string_equal(cfg.keys[1].key, "^A");
	assert_int_equal(cfg.keys[1].line, 14);
	rf_config_free(&cfg);
}

static void warnings_go_to_stderr_without_a_callback(void **state)
{
	struct rf_config cfg;
	struct rf_error err;
	char out[PATH_MAX], line[1024], expected[1024];
	const char *path;
	int saved, fd;
	FILE *f;

	(void)state;
	path = write_file("work/config.ini", 0600, "[ui]\nmouse = sometimes\n");
	snprintf(out, sizeof out, "%s/stderr.txt", tmp);
	fflush(stderr);
	saved = dup(2);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	rf_error_clear(&err);
	assert_int_equal(rf_config_load(&cfg, path, NULL, NULL, &err), 0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rf_config_free(&cfg);

	f = fopen(out, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	snprintf(expected, sizeof expected,
	         "rowferry: %s:2: mouse: expected true or false, not 'sometimes'\n", path);
	assert_string_equal(line, expected);
}

static void example_config_loads_without_warnings(void **state)
{
	struct rf_config cfg;
	const char *src = getenv("RF_SOURCE_DIR");
	char path[PATH_MAX], expected[PATH_MAX + 64];
	const struct rf_conn_config *prod;

	(void)state;
	if (!src)
		fail_msg("RF_SOURCE_DIR is not set: run the tests through ctest");
	snprintf(path, sizeof path, "%s/config.ini.example", src);
	load(&cfg, path);
	assert_warnings(NULL, 0);
	assert_false(cfg.has_password);
	prod = rf_config_conn(&cfg, "prod");
	assert_non_null(prod);
	assert_non_null(prod->url);
	assert_string_equal(prod->password_env, "PROD_DB_PASSWORD");
	assert_string_equal(cfg.default_source, "dev");
	assert_string_equal(cfg.default_target, "prod");
	snprintf(expected, sizeof expected, "%s/.local/state/rowferry/undo", home);
	assert_string_equal(cfg.undo_dir, expected);
	assert_non_null(rf_config_compare(&cfg, "siteflow_orders"));
	{ /* its [map] sections (the README's two jobs) parse: no typo */
		static const char *const maps[] = {"customers", "fitters", "orders",
		                                   "clients",   "sites",   "employees"};
		size_t i;
		for (i = 0; i < sizeof maps / sizeof *maps; i++) {
			struct rf_map *m = NULL;
			struct rf_error err;
			rf_error_clear(&err);
			assert_non_null(rf_config_map(&cfg, maps[i]));
			if (rf_map_parse(rf_config_map(&cfg, maps[i]), cfg.path, &m, &err) != 0)
				fail_msg("[map %s]: %s", maps[i], err.msg);
			assert_string_equal(m->from, i < 3 ? (i == 0   ? "Customers"
			                                      : i == 1 ? "Fitters"
			                                               : "Orders")
			                                   : "kv_store");
			rf_map_free(m);
		}
	}
	rf_config_free(&cfg);
}

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The console's W: a table's selection into its [compare TABLE], every
 * other line as it was, the mode kept, values the loader could not read
 * back refused with the file unchanged. */
static void save_compare_keeps_the_rest_of_the_file(void **state)
{
	static const char *names[] = {"where", "key", "exclude", "ignore"};
	const char *values[] = {"job_number = '0000065'", "job_number,order_ref", "guid", NULL};
	const char *bad[] = {"note = 'a' ;b", NULL, NULL, NULL};
	struct rf_config cfg;
	struct rf_error err;
	struct stat st;
	char before[8192];
	const char *path;
	const struct rf_compare_config *cc;

	(void)state;
	path = write_file("work/config.ini", 0640,
	                  "; the team's config\n"
	                  "[connection dev]\nurl = sqlite:dev.db ; local\n\n"
	                  "[compare siteflow_orders]\n"
	                  "; matched by the business key\n"
	                  "key = guid\n"
	                  "trim = sku\n"
	                  "ignore = updated_at\n"
	                  "\n"
	                  "[compare jobs]\nkey = job_number\n");
	rf_error_clear(&err);
	assert_int_equal(rf_config_save_compare(path, "siteflow_orders", names, values, 4, &err),
	                 0);
	assert_string_equal(slurp(path), "; the team's config\n"
	                                 "[connection dev]\nurl = sqlite:dev.db ; local\n\n"
	                                 "[compare siteflow_orders]\n"
	                                 "; matched by the business key\n"
	                                 "key = job_number,order_ref\n"
	                                 "trim = sku\n"
	                                 "where = job_number = '0000065'\n"
	                                 "exclude = guid\n"
	                                 "\n"
	                                 "[compare jobs]\nkey = job_number\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	load(&cfg, path);
	cc = rf_config_compare(&cfg, "siteflow_orders");
	assert_non_null(cc);
	assert_string_equal(cc->where, "job_number = '0000065'");
	assert_string_equal(cc->key, "job_number,order_ref");
	assert_string_equal(cc->exclude, "guid");
	assert_null(cc->ignore);
	assert_string_equal(cc->trim, "sku");
	rf_config_free(&cfg);

	/* a table without a section gets one at the end */
	assert_int_equal(rf_config_save_compare(path, "order_lines", names, values, 2, &err), 0);
	assert_non_null(strstr(slurp(path), "[compare jobs]\nkey = job_number\n\n"
	                                    "[compare order_lines]\n"
	                                    "where = job_number = '0000065'\n"
	                                    "key = job_number,order_ref\n"));

	/* refused: the file stays as it was */
	snprintf(before, sizeof before, "%s", slurp(path));
	assert_int_equal(rf_config_save_compare(path, "jobs", names, bad, 4, &err), -1);
	assert_non_null(strstr(err.msg, "reads as a comment"));
	assert_string_equal(slurp(path), before);
	rf_error_clear(&err);
	assert_int_equal(rf_config_save_compare(NULL, "jobs", names, values, 4, &err), -1);
	assert_non_null(strstr(err.msg, "no config file to write to"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(full_file_parses_into_config, setup, teardown),
	    cmocka_unit_test_setup_teardown(save_compare_keeps_the_rest_of_the_file, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(no_file_found_gives_defaults, setup, teardown),
	    cmocka_unit_test_setup_teardown(lookup_order_is_explicit_env_cwd_then_xdg, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(lookup_uses_home_config_when_xdg_config_home_is_unset,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(named_file_that_does_not_exist_is_an_error_naming_it,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        bad_lines_are_reported_with_file_and_line_and_loading_goes_on, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        overlong_line_is_reported_and_later_lines_keep_their_numbers, setup, teardown),
	    cmocka_unit_test_setup_teardown(indentation_crlf_and_bom_do_not_change_the_meaning,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(resolve_names_section_and_key_when_url_is_missing,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(resolve_reads_password_from_password_env, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(resolve_without_spec_takes_defaults, setup, teardown),
	    cmocka_unit_test_setup_teardown(resolve_takes_a_url_and_shows_it_without_password,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(resolve_unknown_name_is_an_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(readable_file_with_password_warns_private_one_does_not,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(undo_dir_expands_tilde_and_relative_paths, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(compare_and_keys_sections_are_parsed, setup, teardown),
	    cmocka_unit_test_setup_teardown(warnings_go_to_stderr_without_a_callback, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(example_config_loads_without_warnings, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
