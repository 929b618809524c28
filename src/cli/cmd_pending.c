/* cmd_pending.c - subcommands whose implementation has not landed yet.
 * Each file that implements one removes it from here. */
#include <stdio.h>

#include "cli.h"

static int not_yet(const char *name)
{
	fprintf(stderr, "rowferry: %s: not implemented in this build yet\n", name);
	return 2;
}

int cmd_diff(int argc, char **argv, const struct cli_common *common)
{
	(void)argc, (void)argv, (void)common;
	return not_yet("diff");
}
int cmd_copy(int argc, char **argv, const struct cli_common *common)
{
	(void)argc, (void)argv, (void)common;
	return not_yet("copy");
}
int cmd_undo(int argc, char **argv, const struct cli_common *common)
{
	(void)argc, (void)argv, (void)common;
	return not_yet("undo");
}
int cmd_log(int argc, char **argv, const struct cli_common *common)
{
	(void)argc, (void)argv, (void)common;
	return not_yet("log");
}
int cmd_console(int argc, char **argv, const struct cli_common *common)
{
	(void)argc, (void)argv, (void)common;
	return not_yet("console");
}
