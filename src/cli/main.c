/* main.c - rowferry's entry point: common options, then one subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: rowferry [COMMAND] [OPTIONS]\n"
    "\n"
    "Targeted row migrations between two databases: diff the rows of a table,\n"
    "copy the differing ones in one transaction, undo from a journal.\n"
    "\n"
    "commands:\n"
    "  (none)                 open the console on [defaults] source and target\n"
    "  demo [--no-open] [--force] [DIR]\n"
    "                         make SQLite demo databases in DIR and open the console\n"
    "  tables [--from A] [--to B]\n"
    "                         tables of both sides with row counts\n"
    "  diff TABLE [...]       rows that differ between source and target (--follow:\n"
    "                         with the tables related by foreign keys)\n"
    "  copy TABLE [...]       make the target's rows match the source's (--follow:\n"
    "                         the related tables too, in one transaction)\n"
    "  map SOURCE [TARGET]    print a suggested [map] section for tables of a\n"
    "                         different shape\n"
    "  undo JOURNAL [...]     roll a copy back from its undo journal\n"
    "  log [JOURNAL]          list undo journals, or show one (--keys: source key\n"
    "                         -> target key of each inserted row)\n"
    "  ddl TABLE [...]        print the CREATE TABLE statements for the target's\n"
    "                         engine (type map per engine pair), run nothing\n"
    "\n"
    "common options:\n"
    "  --config FILE          config file (else $ROWFERRY_CONFIG, ./config.ini,\n"
    "                         $XDG_CONFIG_HOME/rowferry/config.ini)\n"
    "  --theme NAME           console colour theme (themes/NAME.ini)\n"
    "  --help                 this text; `rowferry COMMAND --help` for a command\n"
    "  --version              print the version\n"
    "\n"
    "A connection (A, B) is a [connection NAME] of the config file or a URL:\n"
    "  postgres://user@host:5432/db   host=... dbname=...   service=name\n"
    "  mysql://user@host:3306/db?socket=/path   (also mariadb://)\n"
    "  sqlite:relative/file.db   sqlite:///absolute/file.db\n"
    "Passwords: password_env in the config, the URL, .pgpass/PGPASSWORD/MYSQL_PWD,\n"
    "else a prompt on the terminal. They are never printed or journaled, and a\n"
    "URL's is starred over in the arguments ps shows. In a URL, write '@' and '/'\n"
    "in a PostgreSQL password as %40 and %2F.\n"
    "\n"
    "exit status: diff 0 same, 1 differences; copy/undo 0 done, 3 refused;\n"
    "2 on any error.\n";

/* Takes --config/--theme out of argv wherever they stand, so every
 * subcommand sees only its own options. Returns the new argc. */
static int take_common(int argc, char **argv, struct cli_common *c, int *bad)
{
	int i, out = 0;
	for (i = 0; i < argc; i++) {
		const char **slot = NULL;
		const char *name = NULL;
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--config") == 0 || strncmp(argv[i], "--config=", 9) == 0) {
			slot = &c->config_path;
			name = "--config";
		} else if (strcmp(argv[i], "--theme") == 0 ||
		           strncmp(argv[i], "--theme=", 8) == 0) {
			slot = &c->theme;
			name = "--theme";
		}
		if (!slot) {
			argv[out++] = argv[i];
			continue;
		}
		if (strchr(argv[i], '=')) {
			*slot = strchr(argv[i], '=') + 1;
		} else if (i + 1 < argc) {
			*slot = argv[++i];
		} else {
			fprintf(stderr, "rowferry: %s needs a value\n", name);
			*bad = 1;
		}
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	struct cli_common common = {NULL, NULL};
	int bad = 0;
	const char *cmd;

	argc = take_common(argc - 1, argv + 1, &common, &bad);
	argv = argv + 1;
	if (bad)
		return 2;
	cmd = argc > 0 ? argv[0] : NULL;
	if (cmd &&
	    (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (cmd && (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0)) {
		printf("rowferry %s\n", RF_VERSION);
		return 0;
	}
	if (!cmd || cmd[0] == '-')
		return cmd_console(argc, argv, &common);
	if (strcmp(cmd, "tables") == 0)
		return cmd_tables(argc, argv, &common);
	if (strcmp(cmd, "ddl") == 0)
		return cmd_ddl(argc, argv, &common);
	if (strcmp(cmd, "diff") == 0)
		return cmd_diff(argc, argv, &common);
	if (strcmp(cmd, "copy") == 0)
		return cmd_copy(argc, argv, &common);
	if (strcmp(cmd, "map") == 0)
		return cmd_map(argc, argv, &common);
	if (strcmp(cmd, "undo") == 0)
		return cmd_undo(argc, argv, &common);
	if (strcmp(cmd, "log") == 0)
		return cmd_log(argc, argv, &common);
	if (strcmp(cmd, "demo") == 0)
		return cmd_demo(argc, argv, &common);
	fprintf(stderr, "rowferry: unknown command '%s' (see rowferry --help)\n", cmd);
	return 2;
}
