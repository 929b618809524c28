/* cli_util.c - what every subcommand does the same way. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rowferry/journal.h"
#include "rowferry/secret.h"

static void warn_stderr(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "rowferry: %s\n", msg);
}

int cli_load_config(struct rf_config *cfg, const struct cli_common *common)
{
	struct rf_error err;
	rf_error_clear(&err);
	if (rf_config_load(cfg, common->config_path, warn_stderr, NULL, &err) != 0) {
		cli_print_error(&err);
		return -1;
	}
	return 0;
}

void cli_print_error(const struct rf_error *err)
{
	char text[1300];
	fprintf(stderr, "rowferry: %s\n", rf_error_text(err, text, sizeof text));
}

void cli_bad_option(const char *cmd, char **argv)
{
	/* the word getopt stopped at: "--bogus", or "--from" without a value */
	const char *arg = optind > 0 ? argv[optind - 1] : "?";
	fprintf(stderr, "rowferry: %s: unknown option or missing value: %s (rowferry %s --help)\n",
	        cmd, arg, cmd);
}

void cli_warn_exposed_journal(const char *cmd, const char *path)
{
	unsigned mode;
	if (rf_journal_exposed(path, &mode))
		fprintf(stderr,
		        "rowferry: %s: warning: %s is readable by others (mode %04o): it holds "
		        "row data\n",
		        cmd, path, mode);
}

struct rf_db *cli_connect(const struct rf_config *cfg, const char *spec, const char *which,
                          const struct rf_conn_config **conn_out)
{
	struct rf_connect_opts o;
	const struct rf_conn_config *conn = NULL;
	struct rf_db *db = NULL;
	struct rf_error err;

	rf_error_clear(&err);
	if (rf_config_resolve(cfg, spec, which, &o, &conn, &err) != 0 ||
	    rf_db_connect(&o, &db, &err) != 0) {
		cli_print_error(&err);
		return NULL;
	}
	if (conn_out)
		*conn_out = conn;
	return db;
}

int cli_connect_pair(const struct rf_config *cfg, const char *from, const char *to,
                     struct rf_db **src, struct rf_db **dst, const struct rf_conn_config **src_conn,
                     const struct rf_conn_config **dst_conn)
{
	struct rf_connect_opts a, b;
	const struct rf_conn_config *ca = NULL, *cb = NULL;
	struct rf_error err;

	rf_error_clear(&err);
	*src = *dst = NULL;
	if (rf_config_resolve(cfg, from, "source", &a, &ca, &err) != 0 ||
	    rf_config_resolve(cfg, to, "target", &b, &cb, &err) != 0 ||
	    rf_db_connect_pair(&a, &b, src, dst, &err) != 0) {
		cli_print_error(&err);
		return -1;
	}
	if (src_conn)
		*src_conn = ca;
	if (dst_conn)
		*dst_conn = cb;
	return 0;
}

int cli_sides_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
                     const char **from, const char **to)
{
	int opt;

	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) == 'f' || opt == 't') {
		if (opt == 'f')
			*from = cli_url_arg(optarg);
		else
			*to = cli_url_arg(optarg);
	}
	return opt;
}

int cli_sides_open(struct cli_sides *s, const struct cli_common *common, const char *from,
                   const char *to, bool read_dst)
{
	struct rf_error err;

	memset(s, 0, sizeof *s);
	rf_error_clear(&err);
	if (cli_load_config(&s->cfg, common) != 0)
		return -1;
	s->cfg_loaded = true;
	if (cli_connect_pair(&s->cfg, from, to, &s->src, &s->dst, NULL, NULL) != 0)
		return -1;
	if (rf_db_begin(s->src, RF_TX_READ, NULL, &err) != 0 ||
	    (read_dst && rf_db_begin(s->dst, RF_TX_READ, NULL, &err) != 0)) {
		cli_print_error(&err);
		return -1;
	}
	return 0;
}

void cli_sides_close(struct cli_sides *s)
{
	rf_db_close(s->src);
	rf_db_close(s->dst);
	s->src = s->dst = NULL;
	if (s->cfg_loaded)
		rf_config_free(&s->cfg);
	s->cfg_loaded = false;
}

/* See cli.h. The copies are kept for the life of the process, as the
 * connect options borrow them; a handful per run, always reachable. */
const char *cli_url_arg(char *arg)
{
	static struct rf_strlist kept = RF_STRLIST_INIT;
	size_t n;
	struct rf_url_secret *s;

	if (!arg)
		return NULL;
	s = rf_url_secrets(arg, &n);
	free(s);
	if (n == 0)
		return arg;
	rf_strlist_add(&kept, arg);
	rf_url_hide(arg);
	return kept.items[kept.len - 1];
}
