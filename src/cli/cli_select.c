/* cli_select.c - see cli_select.h */
#include <stdlib.h>

#include "cli.h"
#include "cli_select.h"

int cli_selection_option(struct cli_selection_args *a, int opt, char *arg)
{
	switch (opt) {
	case CLI_OPT_FROM:
		a->from = cli_url_arg(arg);
		return 1;
	case CLI_OPT_TO:
		a->to = cli_url_arg(arg);
		return 1;
	case CLI_OPT_WHERE:
		a->flags.where = arg;
		return 1;
	case CLI_OPT_SOURCE_WHERE:
		a->flags.source_where = arg;
		return 1;
	case CLI_OPT_TARGET_WHERE:
		a->flags.target_where = arg;
		return 1;
	case CLI_OPT_KEY:
		a->flags.key = arg;
		rf_strlist_add(&a->set.keys, arg);
		return 1;
	case CLI_OPT_EXCLUDE:
		a->flags.exclude = arg;
		rf_strlist_split(&a->set.excludes, arg);
		return 1;
	case CLI_OPT_FOLLOW:
		a->set.follow = arg;
		return 1;
	case CLI_OPT_TABLES:
		a->set.tables = arg;
		return 1;
	case CLI_OPT_RESTRICT:
		rf_strlist_add(&a->set.restricts, arg);
		return 1;
	case CLI_OPT_REMAP:
		rf_strlist_add(&a->set.remaps, arg);
		return 1;
	case CLI_OPT_LIMIT: {
		char *end;
		a->set.limit = strtol(arg, &end, 10);
		a->set.limit_given = true;
		a->bad_limit = !*arg || *end;
		return 1;
	}
	case CLI_OPT_IGNORE:
		a->flags.ignore = arg;
		return 1;
	case CLI_OPT_TOLERANCE:
		rf_strlist_add(&a->flags.tolerance, arg);
		return 1;
	case CLI_OPT_TS_PRECISION:
		rf_strlist_add(&a->flags.ts_precision, arg);
		return 1;
	case CLI_OPT_TRIM:
		a->flags.trim = arg;
		return 1;
	default:
		return 0;
	}
}

int cli_selection_build(const struct cli_selection_args *a, const struct rf_config *cfg,
                        const char *table, struct rf_selection *sel)
{
	struct rf_error err;

	rf_error_clear(&err);
	if (rf_selection_build(&a->flags, cfg, table, sel, &err) != 0) {
		cli_print_error(&err);
		return -1;
	}
	return 0;
}

void cli_selection_args_free(struct cli_selection_args *a)
{
	rf_selection_flags_free(&a->flags);
	rf_set_flags_free(&a->set);
}
