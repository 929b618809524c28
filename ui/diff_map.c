/* diff_map.c - the diff screen's parts for a table compared through a
 * [map TARGET] section (session_map.c): its title, and its copy (p, A,
 * I) planned as `rowferry copy TABLE --map` plans it, as a set of one
 * table, so the set's preview and apply screens show and run it. */
#include <stdlib.h>
#include <string.h>

#include "rowferry/set_copy.h"
#include "session.h"
#include "view.h"

void diff_map_title(const struct session *s, struct rf_buf *out)
{
	const struct rf_map *m = session_map_map(s);

	/* the section says which rows and how they match */
	rf_buf_adds(out, "  ");
	session_map_name(s, out);
	if (m)
		rf_buf_printf(out, "  where %s  key %s", m->where ? m->where : "(all rows)",
		              m->key ? m->key : "(primary key)");
}

/* p, A and I of a mapped table: the copy through its map, planned as
 * copy --map plans it (the invalid rows left out, and listed). */
void diff_map_copy(struct view *v, enum action a, const char *name)
{
	struct session *s = v->con->session;
	struct rf_set_plan *sp;
	struct rf_error err;

	if (a == ACT_SKIP_INVALID) {
		session_map_toggle_skip(s);
		console_message(v->con, MSG_INFO, "skip-invalid %s",
		                session_map_skip_invalid(s)
		                    ? "on: apply copies the valid rows and writes the rejects file"
		                    : "off: apply refuses while rows do not map");
		return;
	}
	if (!session_ready(s))
		return;
	rf_error_clear(&err);
	sp = rf_xcalloc(1, sizeof *sp);
	if (session_map_plan(s, s->ops_mask, sp, &err) != 0) {
		console_error(v->con, &err);
		rf_set_plan_free(sp);
		free(sp);
		return;
	}
	if (a == ACT_PREVIEW)
		preview_view_open_set(v->con, sp, v);
	else
		apply_view_open_mapped(v->con, sp, name, false, session_map_report(s));
}

/* A mapped table's copy as a set (the preview's D and R plan it again). */
int diff_map_set_plan(struct view *v, unsigned ops_mask, struct rf_set_plan *out,
                      struct rf_error *err)
{
	struct session *s = v->con->session;

	if (!s->map) {
		memset(out, 0, sizeof *out);
		return rf_error_set(err, "diff", "%s is not mapped", s->sel.table);
	}
	return session_map_plan(s, ops_mask, out, err);
}

const struct rf_map_copy_report *diff_map_set_rejects(struct view *v)
{
	return session_map_report(v->con->session);
}
