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
		a->where = arg;
		return 1;
	case CLI_OPT_SOURCE_WHERE:
		a->source_where = arg;
		return 1;
	case CLI_OPT_TARGET_WHERE:
		a->target_where = arg;
		return 1;
	case CLI_OPT_KEY:
		a->key = arg;
		return 1;
	case CLI_OPT_EXCLUDE:
		a->exclude = arg;
		return 1;
	case CLI_OPT_IGNORE:
		a->ignore = arg;
		return 1;
	case CLI_OPT_TOLERANCE:
		rf_strlist_add(&a->tolerance, arg);
		return 1;
	case CLI_OPT_TS_PRECISION:
		rf_strlist_add(&a->ts_precision, arg);
		return 1;
	case CLI_OPT_TRIM:
		a->trim = arg;
		return 1;
	default:
		return 0;
	}
}

static const char *pick(const char *flag, const char *cfg_value)
{
	return flag ? flag : cfg_value;
}

int cli_selection_build(const struct cli_selection_args *a, const struct rf_config *cfg,
                        const char *table, struct rf_selection *sel)
{
	const struct rf_compare_config *cc = rf_config_compare(cfg, table);
	struct rf_error err;
	const char *v;
	size_t i;

	rf_error_clear(&err);
	rf_selection_init(sel, table);
	if ((v = pick(a->where, cc ? cc->where : NULL)))
		sel->where = rf_xstrdup(v);
	if (a->source_where)
		sel->source_where = rf_xstrdup(a->source_where);
	if (a->target_where)
		sel->target_where = rf_xstrdup(a->target_where);
	if ((v = pick(a->key, cc ? cc->key : NULL)))
		rf_strlist_split(&sel->key, v);
	if ((v = pick(a->exclude, cc ? cc->exclude : NULL)))
		rf_strlist_split(&sel->exclude, v);
	if ((v = pick(a->ignore, cc ? cc->ignore : NULL)))
		rf_strlist_split(&sel->ignore, v);
	if ((v = pick(a->trim, cc ? cc->trim : NULL)))
		rf_selection_add_trim(sel, v);
	if (a->tolerance.len == 0 && cc && cc->tolerance &&
	    rf_selection_add_tolerance(sel, cc->tolerance, &err) != 0)
		goto fail;
	for (i = 0; i < a->tolerance.len; i++)
		if (rf_selection_add_tolerance(sel, a->tolerance.items[i], &err) != 0)
			goto fail;
	if (a->ts_precision.len == 0 && cc && cc->ts_precision &&
	    rf_selection_add_ts_precision(sel, cc->ts_precision, &err) != 0)
		goto fail;
	for (i = 0; i < a->ts_precision.len; i++)
		if (rf_selection_add_ts_precision(sel, a->ts_precision.items[i], &err) != 0)
			goto fail;
	return 0;
fail:
	cli_print_error(&err);
	rf_selection_free(sel);
	return -1;
}

void cli_selection_args_free(struct cli_selection_args *a)
{
	rf_strlist_free(&a->tolerance);
	rf_strlist_free(&a->ts_precision);
}
