/* cli_select.h - the selection flags `diff` and `copy` share (DESIGN §7). */
#ifndef ROWFERRY_CLI_SELECT_H
#define ROWFERRY_CLI_SELECT_H

#include <getopt.h>

#include "rowferry/config.h"
#include "rowferry/diff.h"
#include "rowferry/graph.h"

enum {
	CLI_OPT_FROM = 1000,
	CLI_OPT_TO,
	CLI_OPT_WHERE,
	CLI_OPT_SOURCE_WHERE,
	CLI_OPT_TARGET_WHERE,
	CLI_OPT_KEY,
	CLI_OPT_EXCLUDE,
	CLI_OPT_IGNORE,
	CLI_OPT_TOLERANCE,
	CLI_OPT_TS_PRECISION,
	CLI_OPT_TRIM,
	CLI_OPT_FOLLOW,
	CLI_OPT_TABLES,
	CLI_OPT_RESTRICT,
	CLI_OPT_LIMIT,
	CLI_OPT_REMAP,
	CLI_OPT__SELECTION_END
};

/* getopt_long entries for the flags above; put them first in a command's
 * option table. */
#define CLI_SELECTION_LONGOPTS                                                                     \
	{"from", required_argument, NULL, CLI_OPT_FROM},                                           \
	    {"to", required_argument, NULL, CLI_OPT_TO},                                           \
	    {"where", required_argument, NULL, CLI_OPT_WHERE},                                     \
	    {"source-where", required_argument, NULL, CLI_OPT_SOURCE_WHERE},                       \
	    {"target-where", required_argument, NULL, CLI_OPT_TARGET_WHERE},                       \
	    {"key", required_argument, NULL, CLI_OPT_KEY},                                         \
	    {"exclude", required_argument, NULL, CLI_OPT_EXCLUDE},                                 \
	    {"ignore", required_argument, NULL, CLI_OPT_IGNORE},                                   \
	    {"tolerance", required_argument, NULL, CLI_OPT_TOLERANCE},                             \
	    {"ts-precision", required_argument, NULL, CLI_OPT_TS_PRECISION},                       \
	    {"follow", required_argument, NULL, CLI_OPT_FOLLOW},                                   \
	    {"tables", required_argument, NULL, CLI_OPT_TABLES},                                   \
	    {"restrict", required_argument, NULL, CLI_OPT_RESTRICT},                               \
	    {"limit", required_argument, NULL, CLI_OPT_LIMIT},                                     \
	    {"remap", required_argument, NULL, CLI_OPT_REMAP},                                     \
	{                                                                                          \
		"trim", required_argument, NULL, CLI_OPT_TRIM                                      \
	}

#define CLI_SELECTION_HELP                                                                         \
	"  --from A               source connection (default: [defaults] source)\n"                \
	"  --to B                 target connection (default: [defaults] target)\n"                \
	"  --where SQL            filter rows on both sides (one SQL expression)\n"                \
	"  --source-where SQL     filter for the source only (overrides --where there)\n"          \
	"  --target-where SQL     filter for the target only\n"                                    \
	"  --key COLS             match rows by these columns (default: primary key);\n"           \
	"                         needed when the primary key is a surrogate such as a GUID\n"     \
	"  --exclude COLS         neither compare nor copy these columns\n"                        \
	"  --ignore COLS          do not compare these columns (still copied)\n"                   \
	"  --tolerance COL=N      numbers within N compare equal (repeatable)\n"                   \
	"  --ts-precision COL=N   compare timestamps to N fractional digits (0-6)\n"               \
	"  --trim COLS            ignore leading/trailing blanks in these text columns\n"          \
	"Defaults for these may come from a [compare TABLE] section of the config.\n"

/* The flags of a diff or copy of several tables (DESIGN §11). */
#define CLI_SET_HELP                                                                               \
	"several tables (DESIGN §11; TABLE is the root):\n"                                       \
	"  --follow WHICH         children, parents or both: the tables related by foreign\n"      \
	"                         keys, each selected by the rows selected in the tables it\n"     \
	"                         references (children) or that reference it (parents)\n"          \
	"  --tables T1,T2         these tables too, whole unless --restrict'ed\n"                  \
	"  --restrict TABLE:SQL   filter one table of the set (repeatable)\n"                      \
	"  --key TABLE:COLS       one table's match key (repeatable; bare COLS: the root's);\n"    \
	"                         default: [compare TABLE] key, the primary key unless\n"          \
	"                         excluded, else the one NOT NULL unique key\n"                    \
	"  --exclude TABLE.COL    a column of one table; a bare COL: in every table\n"             \
	"  --limit N              at most N rows of the root (the source's first N keys)\n"        \
	"                         with what they bring along\n"                                    \
	"  --remap TABLE=uuid5    TABLE's primary key and every reference to it computed\n"        \
	"                         as UUIDv5(namespace, \"TABLE:<source key>\") (repeatable;\n"     \
	"                         namespace: the target's remap_namespace, else derived\n"         \
	"                         from its name): the same key on every run\n"                     \
	"  Output: a section per table in apply order (parents first); json lines carry\n"         \
	"  \"table\" and end with {\"summary_all\":{...}}.\n"

/* Selection flags as given, before config defaults are applied. */
struct cli_selection_args {
	const char *from, *to;
	struct rf_selection_flags flags; /* rf_selection_build takes them */
	struct rf_set_flags set;         /* a set of tables (rf_set_diff_build) */
	bool bad_limit;                  /* --limit was not a number */
};

/* Handles one getopt result; returns 1 if it was a selection flag, 0 if not.
 * A password in a --from/--to URL is starred over in arg (cli_url_arg). */
int cli_selection_option(struct cli_selection_args *a, int opt, char *arg);
/* rf_selection_build with these flags; prints the error and returns -1. */
int cli_selection_build(const struct cli_selection_args *a, const struct rf_config *cfg,
                        const char *table, struct rf_selection *sel);
void cli_selection_args_free(struct cli_selection_args *a);

#endif
