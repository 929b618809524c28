/* console.c - `rowferry` with no command: the console (DESIGN §8).
 *
 * Connects both sides before curses starts (a password prompt needs the
 * plain terminal), then runs the loop every screen shares:
 *
 *     draw the screen; read a key (doing background work meanwhile);
 *     hand it to the top view
 *
 * and gives the terminal back on the way out, whichever way that is
 * (term.h).
 */
#include <curses.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_select.h"
#include "input.h"
#include "session.h"
#include "term.h"
#include "theme.h"
#include "view.h"

#define SCRIPT_LINES 30
#define SCRIPT_COLS  120

static const char console_usage[] =
    "usage: rowferry [--from A] [--to B] [--table TABLE] [--where SQL] [--key COLS]\n"
    "                [--exclude COLS] [--ignore COLS] [--theme NAME] [--config FILE]\n"
    "                [--map FILE]\n"
    "\n"
    "Opens the console on the source A and the target B (default: [defaults] of\n"
    "the config). --table opens that table's diff at once; the other selection\n"
    "flags (as for `rowferry diff`) apply to it. Press ? in the console for its\n"
    "keys; `rowferry --keys` prints them as a table and [keys] in the config\n"
    "rebinds them. NO_COLOR turns colours off; [ui] mouse = true turns the\n"
    "mouse on. A table with a [map TABLE] section (in the config, or in\n"
    "--map FILE) is compared through it, as rowferry diff --map does.\n";

const struct rf_config *console_map_sections(const struct console *con)
{
	return con->map_file_loaded ? &con->map_file : &con->cfg;
}

void console_message(struct console *con, enum msg_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(con->msg, sizeof con->msg, fmt, ap);
	va_end(ap);
	con->msg_kind = kind;
}

/* Flags in the core's messages and what the console calls them, longest
 * first so "give --key COLS" is said whole before "--key" alone. */
static const struct {
	const char *flag, *words;
} console_phrases[] = {
    {"give --key COLS", "pick key columns with K"},
    {"choose a unique --key", "pick unique key columns with K"},
    /* a table of a set (graph.c): K picks the root's key only */
    {"give --key ", "give its key in the config ([compare TABLE] key), as rowferry diff --key "},
    {"choose one with --key ",
     "choose one in the config ([compare TABLE] key), as rowferry diff --key "},
    {"(a unique key: --key ", "(a unique key, K: "},
    {"not asked for (--ops)", "not asked for (D turns deletes on)"},
    {"no --where limits", "no WHERE limits"},
    {"(given to --trim, --tolerance or --ts-precision)", "(in [compare TABLE] of the config)"},
    {"(--force restores", "(rowferry undo --force restores"},
    {"(--trim ignores them)", "(trim in [compare TABLE] ignores them)"},
    {"(--ignore)", "(ignored on the columns screen, c)"},
    {"--exclude %s lets", "excluding %s (c) lets"},
    {"with --key", "with K"},
    {"--where", "the WHERE"},
    {"--key", "the key (K)"},
    {"--exclude", "the excluded columns (c)"},
    {"--ignore", "the ignored columns (c)"},
};

const char *console_words(const char *text, char *buf, size_t len)
{
	struct rf_buf b = RF_BUF_INIT;
	const char *p = text;
	size_t i;

	while (*p) {
		for (i = 0; i < sizeof console_phrases / sizeof console_phrases[0]; i++) {
			size_t n = strlen(console_phrases[i].flag);
			if (strncmp(p, console_phrases[i].flag, n) == 0) {
				rf_buf_adds(&b, console_phrases[i].words);
				p += n;
				break;
			}
		}
		if (i == sizeof console_phrases / sizeof console_phrases[0])
			rf_buf_addc(&b, *p++);
	}
	snprintf(buf, len, "%s", b.data ? b.data : "");
	rf_buf_free(&b);
	return buf;
}

const char *console_error_text(const struct rf_error *err, char *buf, size_t len)
{
	char raw[1300];
	return console_words(rf_error_text(err, raw, sizeof raw), buf, len);
}

void console_error(struct console *con, const struct rf_error *err)
{
	char text[1300];
	console_message(con, MSG_ERROR, "error: %s", console_error_text(err, text, sizeof text));
}

long long console_table_rows(const struct console *con, int side, const char *table)
{
	const struct rf_table_pair *p = rf_table_pairs_find(&con->tables, table);
	long long n = !p ? -1 : side == 0 ? p->src_rows : p->dst_rows;
	return n < 0 ? -1 : n;
}

/* Lists one side's tables in a read transaction of its own, ended at once:
 * the console never keeps a transaction open while it waits for a key. */
static int list_side(struct rf_db *db, struct rf_table_list *out, struct rf_error *err)
{
	int rc;
	memset(out, 0, sizeof *out);
	if (rf_db_begin(db, RF_TX_READ, NULL, err) != 0)
		return -1;
	rc = rf_db_list_tables(db, true, out, err);
	rf_db_rollback(db, NULL);
	return rc;
}

int console_load_tables(struct console *con, struct rf_error *err)
{
	struct rf_table_list sl = {0, NULL}, dl = {0, NULL};
	int rc = -1;

	if (list_side(con->src, &sl, err) == 0 && list_side(con->dst, &dl, err) == 0) {
		rf_table_pairs_free(&con->tables);
		rf_table_pairs_make(&sl, con->src->ops->has_schemas, &dl,
		                    con->dst->ops->has_schemas, &con->tables);
		rc = 0;
	}
	rf_table_list_free(&sl);
	rf_table_list_free(&dl);
	return rc;
}

/* The remembered selection of table, or NULL. */
static struct rf_selection *remembered(struct console *con, const char *table)
{
	size_t i;
	for (i = 0; i < con->nremembered; i++)
		if (strcmp(con->remembered[i].table, table) == 0)
			return &con->remembered[i];
	return NULL;
}

/* Keeps the selection of the table being left (replacing an older one). */
static void remember(struct console *con, const struct rf_selection *sel)
{
	struct rf_selection *r;

	if (!sel->table)
		return;
	r = remembered(con, sel->table);
	if (r) {
		rf_selection_free(r);
	} else {
		con->remembered =
		    rf_xrealloc(con->remembered, (con->nremembered + 1) * sizeof *con->remembered);
		r = &con->remembered[con->nremembered++];
	}
	rf_selection_copy(r, sel);
}

int console_table_selection(struct console *con, const char *table, struct rf_selection *sel,
                            struct rf_error *err)
{
	const struct rf_selection_flags *flags = NULL;
	const struct rf_selection *known;

	if (con->session)
		remember(con, &con->session->sel);
	if (con->cli_table && con->cli_flags && strcmp(con->cli_table, table) == 0)
		flags = con->cli_flags;
	known = remembered(con, table);
	if (known) {
		/* opened before in this run: the work done on it stays */
		rf_selection_copy(sel, known);
		return 0;
	}
	return rf_selection_build(flags, &con->cfg, table, sel, err);
}

void console_open_table(struct console *con, const char *table)
{
	struct rf_selection sel;
	struct rf_error err;
	struct session *s;

	rf_error_clear(&err);
	if (console_table_selection(con, table, &sel, &err) != 0) {
		/* a bad [compare TABLE] value: said in the status bar */
		console_error(con, &err);
		return;
	}
	session_free(con->session);
	con->session = session_new(con, &sel);
	diff_view_open(con);
	s = con->session;
	if (s->state == SESSION_FAILED)
		console_error(con, &s->err);
	else if (s->map &&
	         (s->sel.where || s->sel.source_where || s->sel.target_where || s->sel.key.len))
		/* as diff --map refuses them: said, not silently dropped */
		console_message(con, MSG_WARNING,
		                "mapped: its [map] where and key hold, not the WHERE/key given");
}

/* The topmost view with background work, or NULL. */
static struct view *busy_view(struct console *con)
{
	size_t i;
	for (i = con->nviews; i-- > 0;)
		if (con->views[i]->ops->busy && con->views[i]->ops->busy(con->views[i]))
			return con->views[i];
	return NULL;
}

bool console_busy(struct console *con)
{
	return session_busy(con->session) || busy_view(con);
}

void console_work(struct console *con, int budget_ms)
{
	struct session *s = con->session;
	struct view *v;
	if (!session_busy(s)) {
		if ((v = busy_view(con)))
			v->ops->work(v, budget_ms);
		return;
	}
	session_step(s, budget_ms);
	if (s->state == SESSION_FAILED)
		console_error(con, &s->err);
	else if (s->state == SESSION_DONE && s->nrows == 0)
		console_message(con, MSG_INFO, "no differences (%llu identical rows)",
		                s->stats.identical);
}

void console_global_action(struct console *con, enum action a)
{
	const struct action_info *info = action_info(a);
	struct view *top = view_top(con);

	switch (a) {
	case ACT_QUIT:
		con->quit = true;
		break;
	case ACT_BACK:
		if (con->nviews > 1)
			view_pop(con);
		else
			con->quit = true;
		break;
	case ACT_HELP:
		help_view_open(con);
		break;
	case ACT_JOURNALS:
		journals_view_open(con);
		break;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		break;
	case ACT_CANCEL:
		if (console_busy(con)) {
			session_cancel(con->session);
			console_message(con, MSG_WARNING,
			                "diff cancelled: the rows so far are shown; "
			                "R runs it again");
		}
		break;
	default:
		if (info)
			console_message(con, MSG_INFO, "%s: not available on the %s screen",
			                info->name, top ? top->ops->name : "");
		break;
	}
}

/* Mouse (when [ui] mouse = true): the wheel moves, a click picks a line of
 * a list. */
static void handle_mouse(struct console *con, struct view *top)
{
	MEVENT ev;
	if (getmouse(&ev) != OK || !top)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		top->ops->action(top, ACT_MOVE_UP);
	} else if (ev.bstate & BUTTON5_PRESSED) {
		top->ops->action(top, ACT_MOVE_DOWN);
	} else if ((ev.bstate & BUTTON1_CLICKED) && !top->ops->overlay && ev.y >= 2 &&
	           ev.y < LINES - 1) {
		/* a list's first line is its first body line; views with column
		 * headers set list.height smaller and we adjust by the gap */
		int first = 2 + ((LINES - 3) - top->list.height);
		if (ev.y >= first && top->list.top + (size_t)(ev.y - first) < top->list.count) {
			top->list.cursor = top->list.top + (size_t)(ev.y - first);
			list_clamp(&top->list);
		}
	}
}

void console_handle_key(struct console *con, int key)
{
	struct view *top = view_top(con);
	enum action a;

	if (key == RF_KEY_NONE)
		return;
	con->msg[0] = '\0';
	if (key == RF_KEY_FN(KEY_RESIZE))
		return; /* the next draw lays the screen out for the new size */
	if (key == RF_KEY_FN(KEY_MOUSE)) {
		handle_mouse(con, top);
		return;
	}
	if (top && top->ops->key && top->ops->key(top, key))
		return;
	a = keymap_lookup(&con->keys, key);
	if (a == ACT_NONE) {
		char name[32];
		console_message(con, MSG_INFO, "%s: no action (? lists the keys)",
		                keys_name(key, name, sizeof name));
		return;
	}
	if (top && top->ops->action(top, a))
		return;
	console_global_action(con, a);
}

static void collect_warning(void *ctx, const char *msg)
{
	rf_strlist_add(ctx, msg);
}

/* The header colour of a side: its `color =`, else the theme's meaning. */
unsigned long console_side_attr(struct console *con, const struct rf_conn_config *conn,
                                int fallback)
{
	unsigned long a = theme_attr((enum color_meaning)fallback);
	if (conn && conn->color && !theme_named_attr(conn->color, &a)) {
		char *w = rf_xasprintf("%s:%d: [connection %s]: unknown color '%s'",
		                       con->cfg.path ? con->cfg.path : "config", conn->line,
		                       conn->name, conn->color);
		rf_strlist_add(&con->warnings, w);
		free(w);
	}
	return a;
}

static int connect_side(struct console *con, const char *spec, const char *which, struct rf_db **db,
                        const struct rf_conn_config **conn)
{
	*db = cli_connect(&con->cfg, spec, which, conn);
	return *db ? 0 : -1;
}

double console_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* The loop every screen shares. With ROWFERRY_TIMING=FILE (the benchmark,
 * bench/console_bench.sh) each key's time from its arrival to the end of
 * the redraw it caused is appended to FILE, in milliseconds. */
static void run(struct console *con)
{
	const char *timing_path = getenv("ROWFERRY_TIMING");
	FILE *timing = timing_path ? fopen(timing_path, "a") : NULL;
	double t0 = -1;
	int key = RF_KEY_NONE;

	while (!con->quit) {
		screen_draw(con);
		if (timing && t0 >= 0) {
			char name[32];
			fprintf(timing, "%s %.3f\n", keys_name(key, name, sizeof name),
			        console_now_ms() - t0);
		}
		key = input_next(con);
		t0 = console_now_ms();
		console_handle_key(con, key);
	}
	if (timing)
		fclose(timing);
}

/* `rowferry --keys`: the default keys as a Markdown table, generated from
 * the action declaration like the help screen (for the README). */
static void print_keys(void)
{
	size_t n, i;
	const struct action_info *t = actions_table(&n);

	int g;

	printf("| key | action | where | what it does |\n|---|---|---|---|\n");
	for (g = 0; g < G__COUNT; g++)
		for (i = 0; i < n; i++)
			if (t[i].group == (enum action_group)g)
				printf("| `%s`%s%s%s | %s | %s | %s |\n", t[i].default_key,
				       t[i].alt_key ? ", `" : "", t[i].alt_key ? t[i].alt_key : "",
				       t[i].alt_key ? "`" : "", t[i].name,
				       action_group_name((enum action_group)g), t[i].help);
}

/* Builds the argv getopt expects: the program name first. main() hands
 * over "--from x ..." when no command was given, cmd_demo "console ...". */
static char **getopt_argv(int argc, char **argv, int *out_argc)
{
	char **v = rf_xcalloc((size_t)argc + 2, sizeof *v);
	int i, n = 0;
	v[n++] = (char *)"rowferry";
	for (i = (argc > 0 && argv[0][0] != '-') ? 1 : 0; i < argc; i++)
		v[n++] = argv[i];
	*out_argc = n;
	return v;
}

static void free_console(struct console *con)
{
	while (con->nviews)
		view_pop(con);
	session_free(con->session);
	rf_table_pairs_free(&con->tables);
	rf_db_close(con->src);
	rf_db_close(con->dst);
	input_free(con->input);
	keymap_free(&con->keys);
	if (con->cfg_loaded)
		rf_config_free(&con->cfg);
	if (con->map_file_loaded)
		rf_config_free(&con->map_file);
	rf_strlist_free(&con->warnings);
	rf_strlist_free(&con->where_history);
	while (con->nremembered)
		rf_selection_free(&con->remembered[--con->nremembered]);
	free(con->remembered);
	free(con->config_dir);
}

int cmd_console(int argc, char **argv, const struct cli_common *common)
{
	static const struct option longopts[] = {CLI_SELECTION_LONGOPTS,
	                                         {"table", required_argument, NULL, 'T'},
	                                         {"config", required_argument, NULL, 'C'},
	                                         {"theme", required_argument, NULL, 'H'},
	                                         {"map", required_argument, NULL, 'M'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {"keys", no_argument, NULL, 'k'},
	                                         {NULL, 0, NULL, 0}};
	struct console con;
	struct cli_selection_args args;
	struct rf_error err;
	const char *config_path = common->config_path, *theme = common->theme, *table = NULL;
	const char *map_path = NULL;
	const char *script = getenv("ROWFERRY_SCRIPT");
	char **gargv;
	int gargc, opt, rc = 2, lines = SCRIPT_LINES, cols = SCRIPT_COLS;

	memset(&con, 0, sizeof con);
	memset(&args, 0, sizeof args);
	rf_error_clear(&err);
	gargv = getopt_argv(argc, argv, &gargc);
	optind = 1;
	while ((opt = getopt_long(gargc, gargv, "h", longopts, NULL)) != -1) {
		if (cli_selection_option(&args, opt, optarg))
			continue;
		switch (opt) {
		case 'T':
			table = optarg;
			break;
		case 'C':
			config_path = optarg;
			break;
		case 'H':
			theme = optarg;
			break;
		case 'M':
			map_path = optarg;
			break;
		case 'h':
			fputs(console_usage, stdout);
			rc = 0;
			goto out;
		case 'k':
			print_keys();
			rc = 0;
			goto out;
		default:
			fputs(console_usage, stderr);
			goto out;
		}
	}
	if (rf_set_flags_given(&args.set)) {
		fprintf(stderr,
		        "rowferry: --follow, --tables, --restrict and --limit are not "
		        "supported by the console yet (rowferry diff TABLE --follow ...)\n");
		goto out;
	}
	if (optind < gargc) {
		fprintf(stderr, "rowferry: unexpected argument '%s' (see rowferry --help)\n",
		        gargv[optind]);
		goto out;
	}
	if (rf_config_load(&con.cfg, config_path, collect_warning, &con.warnings, &err) != 0) {
		cli_print_error(&err);
		goto out;
	}
	con.cfg_loaded = true;
	if (map_path) {
		/* its sections are checked when a table is opened, as diff --map's */
		if (rf_config_load(&con.map_file, map_path, NULL, NULL, &err) != 0) {
			cli_print_error(&err);
			goto out;
		}
		con.map_file_loaded = true;
	}
	if (con.cfg.path) {
		char *copy = rf_xstrdup(con.cfg.path);
		con.config_dir = rf_xstrdup(dirname(copy));
		free(copy);
	}
	if (connect_side(&con, args.from, "source", &con.src, &con.src_conn) != 0 ||
	    connect_side(&con, args.to, "target", &con.dst, &con.dst_conn) != 0)
		goto out;
	keymap_init(&con.keys, &con.cfg, &con.warnings);
	con.mouse = con.cfg.mouse;
	if (!(con.input = input_open(script, &err))) {
		cli_print_error(&err);
		goto out;
	}
	if (script) {
		/* tests draw at a fixed size unless they ask for another */
		if (getenv("LINES"))
			lines = atoi(getenv("LINES"));
		if (getenv("COLUMNS"))
			cols = atoi(getenv("COLUMNS"));
	}
	if (term_open(script != NULL, lines, cols, con.mouse, &err) != 0) {
		cli_print_error(&err);
		goto out;
	}
	theme_load(theme ? theme : con.cfg.theme, con.config_dir, &con.warnings);
	con.src_attr = console_side_attr(&con, con.src_conn, COLOR_SOURCE);
	con.dst_attr = console_side_attr(&con, con.dst_conn, COLOR_TARGET);
	con.cli_flags = &args.flags;
	con.cli_table = table;
	tables_view_open(&con);
	if (table)
		console_open_table(&con, table);
	if (con.warnings.len && !con.msg[0])
		console_message(&con, MSG_WARNING, "%s%s", con.warnings.items[0],
		                con.warnings.len > 1 ? " (more on the help screen, ?)" : "");
	con.exit_code = 0;
	run(&con);
	rc = con.exit_code;
	while (con.nviews)
		view_pop(&con);
	term_close();
out:
	cli_selection_args_free(&args);
	free_console(&con);
	free(gargv);
	return rc;
}
