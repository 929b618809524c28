/* config_resolve.c - rf_config_resolve() (DESIGN §2): turning a --from/--to
 * argument, or a [defaults] entry, into connect options: a [connection NAME]
 * of the loaded config (with its password_env), or a bare URL shown by a
 * redacted name when it holds a password. Loading is in config.c.
 */
#include "rowferry/config.h"
#include "rowferry/db.h"
#include "rowferry/secret.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A URL of some driver (rf_db_ops_for_url), or meant as one ("x://"). */
static bool looks_like_url(const char *spec)
{
	return strstr(spec, "://") || rf_db_ops_for_url(spec, NULL);
}

/* Safe to repeat in a message: cannot be a mistyped URL with a password. */
static bool is_plain_name(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_-.", *s))
			return false;
	return true;
}

/* The name a bare URL is shown by: the URL itself, or its redacted copy
 * when it holds a password. rf_connect_opts borrows its strings and
 * config.h promises they live in cfg or spec; a redacted copy is neither,
 * so each distinct one is kept for the life of the process (a handful per
 * run, always reachable). Not thread-safe: connections are resolved on the
 * main thread. */
static const char *display_name(const char *url)
{
	static struct rf_strlist shown = RF_STRLIST_INIT;
	char *redacted = rf_url_redact(url);
	int i;

	if (strcmp(redacted, url) == 0) {
		free(redacted);
		return url;
	}
	i = rf_strlist_index(&shown, redacted);
	if (i < 0) {
		rf_strlist_add(&shown, redacted);
		i = (int)shown.len - 1;
	}
	free(redacted);
	return shown.items[i];
}

/* See config.h. o borrows from cfg, spec and the environment; for a bare URL
 * holding a password, o->name is a redacted copy kept by display_name(). */
int rf_config_resolve(const struct rf_config *cfg, const char *spec, const char *which,
                      struct rf_connect_opts *o, const struct rf_conn_config **conn,
                      struct rf_error *err)
{
	bool source = strcmp(which, "source") == 0;
	const char *flag = source ? "--from" : strcmp(which, "target") == 0 ? "--to" : which;
	const char *from_defaults = NULL;
	const struct rf_conn_config *c;

	memset(o, 0, sizeof *o);
	if (conn)
		*conn = NULL;
	if (!spec) {
		spec = source ? cfg->default_source : cfg->default_target;
		if (!spec && !cfg->path)
			/* a first run: say where a config was looked for and what
			 * to do instead */
			return rf_error_set(err, NULL,
			                    "no config file found (looked for %s) and no %s given: "
			                    "give --from and --to (URLs or [connection] names), "
			                    "--config FILE, or try `rowferry demo`",
			                    cfg->searched ? cfg->searched : "config.ini", flag);
		if (!spec)
			return rf_error_set(err, NULL, "no %s given and [defaults] %s is not set",
			                    flag, which);
		from_defaults = which;
	}
	if (!*spec)
		return rf_error_set(err, NULL, "%s: empty connection name", flag);

	c = rf_config_conn(cfg, spec);
	if (!c) {
		if (looks_like_url(spec)) {
			o->name = display_name(spec);
			o->url = spec;
			o->allow_prompt = isatty(0);
			o->read_timeout_ms = cfg->read_timeout_ms;
			return 0;
		}
		if (from_defaults)
			return rf_error_set(err, cfg->path, "[defaults] %s: no [connection %s]",
			                    from_defaults, spec);
		if (!is_plain_name(spec))
			return rf_error_set(err, NULL,
			                    "%s: not a connection name nor a URL (postgres://, "
			                    "mysql://, mariadb://, sqlite:, or a libpq conninfo)",
			                    flag);
		if (!cfg->path)
			return rf_error_set(err, NULL,
			                    "%s %s: no config file found to define [connection %s]",
			                    flag, spec, spec);
		return rf_error_set(err, cfg->path, "no [connection %s]", spec);
	}
	if (!c->url)
		return rf_error_set(err, cfg->path, "[connection %s]: missing required key 'url'",
		                    c->name);
	if (c->password_env) {
		o->password = getenv(c->password_env);
		if (!o->password)
			return rf_error_set(err, cfg->path,
			                    "[connection %s]: password_env %s is not set", c->name,
			                    c->password_env);
	}
	o->name = c->name;
	o->url = c->url;
	o->allow_prompt = isatty(0);
	o->read_timeout_ms = cfg->read_timeout_ms;
	if (conn)
		*conn = c;
	return 0;
}
