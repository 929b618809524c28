/* config.h - config.ini (DESIGN §2), loaded with inih.
 *
 * Loading never stops at a bad line: each problem is reported as
 * "FILE:LINE: message" through the warning callback and loading goes on.
 * A missing required value (a [connection] without url, a [defaults] source
 * naming an unknown connection) is reported when it is used, by
 * rf_config_resolve(), naming the section and key.
 */
#ifndef ROWFERRY_CONFIG_H
#define ROWFERRY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "rowferry/db.h"
#include "rowferry/map.h"
#include "rowferry/util.h"
#include "rowferry/value.h"

struct rf_conn_config {
	char *name;            /* section name: [connection NAME] */
	char *url;             /* NULL if missing (error when used) */
	char *password_env;    /* NULL if not set */
	bool readonly;         /* default true */
	char *color;           /* header colour; NULL for theme default */
	char *confirm;         /* "name" (type the name) or "none"; default "name" */
	char *remap_namespace; /* --remap TABLE=uuid5's namespace (a UUID; NULL:
	                          derived from name, rf_uuid_remap_namespace) */
	int line;              /* line of the section header, for messages */
};

/* [compare TABLE]: per-table defaults for the selection flags. Every value
 * is the same text the command line takes (key = a,b; tolerance = price=0.01). */
struct rf_compare_config {
	char *table;
	char *key, *exclude, *ignore, *trim, *tolerance, *ts_precision, *where;
};

struct rf_key_binding {
	char *action; /* action name, e.g. "preview" */
	char *key;    /* key spec, e.g. "P", "^P", "F5" */
	int line;
};

struct rf_config {
	char *path;     /* file loaded, or NULL if none was found */
	char *searched; /* none found: where rowferry looked ("./config.ini and
	                   /home/me/.config/rowferry/config.ini"), for messages */
	size_t nconns;
	struct rf_conn_config *conns;
	char *default_source, *default_target;
	char *undo_dir;           /* expanded (~ and $XDG_STATE_HOME); never NULL */
	int lock_timeout_ms;      /* default 5000 */
	int statement_timeout_ms; /* default 60000 */
	int read_timeout_ms;      /* every statement of a read transaction;
	                             default 600000, 0 none (connections get it
	                             from rf_config_resolve) */
	int bulk_rows;            /* [safety] bulk_rows: inserts from which a copy
	                             loads in bulk (plan.h); default
	                             RF_PLAN_BULK_ROWS, 0 never */
	char *diff_algorithm;     /* [diff] algorithm: stream, hash or auto
	                             (NULL: auto); checked by its user */
	int hash_min_rows;        /* [diff] hash_min_rows: auto picks hash above
	                             this many rows; default 100000 */
	int hash_segment_rows;    /* [diff] hash_segment_rows: hash streams a
	                             segment of at most this many rows; 1024 */
	char *theme;              /* default "default" */
	bool mouse;               /* default false */
	size_t ncompare;
	struct rf_compare_config *compare;
	size_t nkeys;
	struct rf_key_binding *keys;
	size_t nmaps;
	struct rf_map_config *maps; /* [map TABLE] sections, raw (map.h) */
	bool has_password;          /* a url in the file carries a password */
};

typedef void (*rf_config_warn_fn)(void *ctx, const char *msg);

/* Fills cfg with defaults, then finds a file by DESIGN §2 order (explicit
 * path, $ROWFERRY_CONFIG, ./config.ini, $XDG_CONFIG_HOME/rowferry/config.ini
 * (~/.config when unset)) and loads it. An explicit path or
 * $ROWFERRY_CONFIG that does not exist is an error (-1); finding no file at
 * all is not (cfg->path stays NULL). Problems in the file go to warn (may be
 * NULL: then to stderr) as "FILE:LINE: message"; a file holding a password
 * that group/others can read gets a warning too. Free with rf_config_free. */
int rf_config_load(struct rf_config *cfg, const char *explicit_path, rf_config_warn_fn warn,
                   void *ctx, struct rf_error *err);
void rf_config_free(struct rf_config *cfg);

const struct rf_conn_config *rf_config_conn(const struct rf_config *cfg, const char *name);
const struct rf_compare_config *rf_config_compare(const struct rf_config *cfg, const char *table);
/* The [map TABLE] section for target table `table`, or NULL. */
const struct rf_map_config *rf_config_map(const struct rf_config *cfg, const char *table);

/* Sets keys names[0..n) of the [compare TABLE] section of the config file
 * at path to values[0..n) (NULL or "": the key's line is removed), adding
 * the section at the end where there is none (config_write.c). Every other
 * line stays as it is; the file is replaced atomically and keeps its mode.
 * A value the loader could not read back as it is (a line break, ' ;'
 * which starts a comment, blanks at the ends) is refused. 0, or -1 with
 * err; the file is unchanged on error. */
int rf_config_save_compare(const char *path, const char *table, const char *const *names,
                           const char *const *values, size_t n, struct rf_error *err);

/* Turns "dev" (a section name) or a URL into connect options. `which` is
 * "source" or "target", used when spec is NULL to take [defaults]. On error
 * names section and key: "config.ini: [connection prod]: missing 'url'".
 * The password from password_env is read here (getenv) and is borrowed from
 * the environment. The returned strings in o point into cfg or spec. */
int rf_config_resolve(const struct rf_config *cfg, const char *spec, const char *which,
                      struct rf_connect_opts *o, const struct rf_conn_config **conn,
                      struct rf_error *err);

#endif
