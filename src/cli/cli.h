/* cli.h - the subcommands of the rowferry program (DESIGN §7).
 * Each cmd_* takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit code. */
#ifndef ROWFERRY_CLI_H
#define ROWFERRY_CLI_H

#include <getopt.h>

#include "rowferry/config.h"

/* Options common to every subcommand, parsed by main.c before dispatch. */
struct cli_common {
	const char *config_path; /* --config FILE or NULL */
	const char *theme;       /* --theme NAME or NULL */
};

int cmd_tables(int argc, char **argv, const struct cli_common *common);
int cmd_diff(int argc, char **argv, const struct cli_common *common);
int cmd_copy(int argc, char **argv, const struct cli_common *common);
int cmd_undo(int argc, char **argv, const struct cli_common *common);
int cmd_log(int argc, char **argv, const struct cli_common *common);
int cmd_ddl(int argc, char **argv, const struct cli_common *common);
int cmd_map(int argc, char **argv, const struct cli_common *common);
int cmd_demo(int argc, char **argv, const struct cli_common *common);
/* the console (ui/); NULL config_path etc. as for the others */
int cmd_console(int argc, char **argv, const struct cli_common *common);

/* Shared by the subcommands (cli_util.c). */
/* Loads config per DESIGN §2, warnings to stderr. Returns 0 or prints the
 * error and returns -1. */
int cli_load_config(struct rf_config *cfg, const struct cli_common *common);
/* Prints "rowferry: WHERE: MSG" to stderr. */
void cli_print_error(const struct rf_error *err);
/* After getopt_long (opterr = 0) returned '?' or ':': one line naming the
 * option and where the help is, not the whole help. */
void cli_bad_option(const char *cmd, char **argv);
/* Warns on stderr when the journal at path is readable or writable by
 * group or others: it holds row data. cmd: "log", "undo". */
void cli_warn_exposed_journal(const char *cmd, const char *path);
/* Connects `spec` (name or URL; NULL = [defaults] `which`); prints the error
 * and returns NULL on failure. */
struct rf_db *cli_connect(const struct rf_config *cfg, const char *spec, const char *which,
                          const struct rf_conn_config **conn_out);

/* A connection argument (--from, --to) as given, from a private copy: the
 * password of a URL in arg is starred over in place, as the mysql client
 * does, so ps and /proc/PID/cmdline no longer show it (DESIGN §15).
 * Returns arg itself when it holds no password; never to be freed. */
const char *cli_url_arg(char *arg);

/* Connects source and target at once (rf_db_connect_pair); prints the
 * error and returns -1 on failure. conn outputs may be NULL. */
int cli_connect_pair(const struct rf_config *cfg, const char *from, const char *to,
                     struct rf_db **src, struct rf_db **dst, const struct rf_conn_config **src_conn,
                     const struct rf_conn_config **dst_conn);

/* The two sides of a subcommand that reads both (tables, ddl, map): the
 * config, the connections, each read in a read transaction. */
struct cli_sides {
	struct rf_config cfg;
	bool cfg_loaded;
	struct rf_db *src, *dst;
};
/* getopt_long for such a subcommand: takes --from and --to ('f' and 't' in
 * longopts) into *from and *to (cli_url_arg) and returns the next other
 * option, -1 after the last. The caller sets optind and opterr first. */
int cli_sides_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
                     const char **from, const char **to);
/* Loads the config, connects from and to (NULL: [defaults]) and begins a
 * read transaction on the source, and on the target too when read_dst.
 * Prints the error and returns -1 on failure. Zeroes *s first; the caller
 * calls cli_sides_close(s) after, whatever this returned. */
int cli_sides_open(struct cli_sides *s, const struct cli_common *common, const char *from,
                   const char *to, bool read_dst);
/* Closes both connections and frees the config. */
void cli_sides_close(struct cli_sides *s);

#endif
