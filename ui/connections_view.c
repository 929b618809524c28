/* connections_view.c - choosing the two connections inside the console (C
 * on the tables screen): the config's [connection NAME] sections, s marks
 * the source, t the target, Enter connects both (a side that did not
 * change keeps its connection) and goes back to the tables of the new
 * pair. A failure keeps the connections there were. Passwords come from
 * password_env, the URL or the engine's own files: no prompt inside the
 * console. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "rowferry/secret.h"
#include "session.h"
#include "theme.h"
#include "view.h"

#define NONE ((size_t)-1)

struct conns_view {
	size_t src, dst; /* picked entries of cfg.conns, NONE: as now */
};

static size_t index_of(const struct console *con, const struct rf_conn_config *c)
{
	size_t i;
	for (i = 0; c && i < con->cfg.nconns; i++)
		if (&con->cfg.conns[i] == c)
			return i;
	return NONE;
}

static void conns_draw(struct view *v, int top, int height)
{
	struct conns_view *cv = v->priv;
	struct console *con = v->con;
	unsigned long hdr = theme_attr(COLOR_COLUMN_HEADER);
	int i;

	draw_line(top, 0, COLS, "  source target  connection            url", hdr);
	v->list.height = height - 1;
	v->list.count = con->cfg.nconns;
	list_clamp(&v->list);
	if (!con->cfg.nconns)
		draw_line(top + 1, 2, COLS - 2,
		          "no [connection NAME] sections in the config: give --from and --to",
		          theme_attr(COLOR_DIM));
	for (i = 0; i < v->list.height && v->list.top + (size_t)i < con->cfg.nconns; i++) {
		size_t k = v->list.top + (size_t)i;
		const struct rf_conn_config *c = &con->cfg.conns[k];
		char *url = c->url ? rf_url_redact(c->url) : rf_xstrdup("(no url)");
		char line[512];
		snprintf(line, sizeof line, "    %s      %s    %-20.20s  %s",
		         cv->src == k ? "S" : " ", cv->dst == k ? "T" : " ", c->name, url);
		draw_line(top + 1 + i, 0, COLS, line,
		          theme_attr(k == v->list.cursor ? COLOR_CURSOR : COLOR_NORMAL));
		free(url);
	}
}

static void conns_title(struct view *v, struct rf_buf *out)
{
	(void)v;
	rf_buf_adds(out, "Connections   s source, t target, Enter connects, q back");
}

/* Opens the connection of entry k (or keeps *db when k is its own). */
static int open_side(struct console *con, size_t k, const char *which, struct rf_db **db,
                     const struct rf_conn_config **conn, struct rf_error *err)
{
	struct rf_connect_opts o;

	if (rf_config_resolve(&con->cfg, con->cfg.conns[k].name, which, &o, conn, err) != 0)
		return -1;
	o.allow_prompt = false; /* the terminal is the console's */
	return rf_db_connect(&o, db, err);
}

static void connect_picked(struct view *v)
{
	struct conns_view *cv = v->priv;
	struct console *con = v->con;
	struct rf_db *src = NULL, *dst = NULL;
	const struct rf_conn_config *sc = con->src_conn, *dc = con->dst_conn;
	bool new_src = cv->src != index_of(con, con->src_conn);
	bool new_dst = cv->dst != index_of(con, con->dst_conn);
	struct rf_error err;

	rf_error_clear(&err);
	if (!new_src && !new_dst) {
		view_pop(con);
		return;
	}
	if (cv->src == NONE || cv->dst == NONE) {
		console_message(con, MSG_WARNING, "mark a source (s) and a target (t)");
		return;
	}
	if (cv->src == cv->dst) {
		console_message(con, MSG_WARNING, "source and target are the same connection");
		return;
	}
	if ((new_src && open_side(con, cv->src, "source", &src, &sc, &err) != 0) ||
	    (new_dst && open_side(con, cv->dst, "target", &dst, &dc, &err) != 0)) {
		rf_db_close(src);
		console_error(con, &err);
		return;
	}
	/* the table being compared belongs to the old pair */
	session_free(con->session);
	con->session = NULL;
	if (new_src) {
		rf_db_close(con->src);
		con->src = src;
		con->src_conn = sc;
		con->src_attr = console_side_attr(con, sc, COLOR_SOURCE);
	}
	if (new_dst) {
		rf_db_close(con->dst);
		con->dst = dst;
		con->dst_conn = dc;
		con->dst_attr = console_side_attr(con, dc, COLOR_TARGET);
	}
	con->tables_stale = true; /* the tables screen lists the new pair's */
	console_message(con, MSG_INFO, "connected: %s -> %s", con->src->name, con->dst->name);
	view_pop(con);
}

static bool conns_key(struct view *v, int key)
{
	struct conns_view *cv = v->priv;
	size_t k = v->list.cursor;

	if (!v->con->cfg.nconns || (key != 's' && key != 't'))
		return false;
	if (key == 's')
		cv->src = k;
	else
		cv->dst = k;
	return true;
}

static bool conns_action(struct view *v, enum action a)
{
	if (list_move(&v->list, a))
		return true;
	switch (a) {
	case ACT_OPEN:
		connect_picked(v);
		return true;
	case ACT_CANCEL:
		view_pop(v->con); /* the pair stays as it is */
		return true;
	case ACT_CONNECTIONS:
		return true; /* already here */
	default:
		return false;
	}
}

static void conns_free(struct view *v)
{
	free(v->priv);
}

static const struct view_hint conns_hints[] = {
    {ACT_OPEN, "connect"}, {ACT_CANCEL, "keep these"}, {ACT_NONE, NULL}};

static const struct view_ops conns_ops = {
    .hints = conns_hints,
    .name = "connections",
    .draw = conns_draw,
    .title = conns_title,
    .key = conns_key,
    .action = conns_action,
    .free = conns_free,
};

void connections_view_open(struct console *con)
{
	struct conns_view *cv = rf_xcalloc(1, sizeof *cv);
	struct view *v = view_new(con, &conns_ops, cv);

	cv->src = index_of(con, con->src_conn);
	cv->dst = index_of(con, con->dst_conn);
	v->list.cursor = cv->src != NONE ? cv->src : 0;
	view_push(con, v);
}
