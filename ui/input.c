/* input.c - keys from the terminal or from a script (input.h). */
#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "input.h"
#include "term.h"
#include "view.h"

#define WORK_SLICE_MS      12 /* diff work between two looks at the keyboard */
#define PROGRESS_EVERY_MS  100
#define WAIT_IDLE_LIMIT_MS (30 * 60 * 1000)

struct input {
	FILE *script; /* NULL: the terminal */
	char *path;
	int line;
	int *queue; /* keys of the current script line not yet read */
	size_t nqueue, qpos, qcap;
	int pushed_back; /* a terminal key read while polling for Esc */
};

struct input *input_open(const char *path, struct rf_error *err)
{
	struct input *in = rf_xcalloc(1, sizeof *in);
	in->pushed_back = RF_KEY_NONE;
	if (path) {
		in->script = fopen(path, "r");
		if (!in->script) {
			rf_error_set(err, path, "cannot read the script: %s", strerror(errno));
			free(in);
			return NULL;
		}
		in->path = rf_xstrdup(path);
	}
	return in;
}

void input_free(struct input *in)
{
	if (!in)
		return;
	if (in->script)
		fclose(in->script);
	free(in->path);
	free(in->queue);
	free(in);
}

static void queue_key(struct input *in, int key)
{
	if (in->nqueue == in->qcap) {
		in->qcap = in->qcap ? in->qcap * 2 : 32;
		in->queue = rf_xrealloc(in->queue, in->qcap * sizeof *in->queue);
	}
	in->queue[in->nqueue++] = key;
}

static void queue_text(struct input *in, const char *s)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	while (*s) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, strlen(s), &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			wc = (unsigned char)*s;
			n = 1;
			memset(&st, 0, sizeof st);
		}
		queue_key(in, (int)wc);
		s += n;
	}
}

int screen_dump(const char *path)
{
	FILE *f = fopen(path, "w");
	wchar_t *line;
	int y;

	if (!f)
		return -1;
	line = rf_xcalloc((size_t)COLS + 1, sizeof *line);
	for (y = 0; y < LINES; y++) {
		char mb[MB_LEN_MAX];
		int n = mvinnwstr(y, 0, line, COLS), end, x;
		mbstate_t st;
		if (n < 0)
			n = 0;
		end = n;
		while (end > 0 && line[end - 1] == L' ')
			end--;
		memset(&st, 0, sizeof st);
		for (x = 0; x < end; x++) {
			size_t k = wcrtomb(mb, line[x], &st);
			if (k != (size_t)-1)
				fwrite(mb, 1, k, f);
		}
		fputc('\n', f);
	}
	free(line);
	return fclose(f) == 0 ? 0 : -1;
}

static void script_fail(struct console *con, struct input *in, const char *what)
{
	fprintf(stderr, "rowferry: %s:%d: %s\n", in->path, in->line, what);
	con->exit_code = 2;
	con->quit = true;
}

static void wait_idle(struct console *con)
{
	double start = console_now_ms();
	while (console_busy(con) && console_now_ms() - start < WAIT_IDLE_LIMIT_MS)
		console_work(con, 50);
}

/* Runs script lines until one yields keys; false at the end or on error. */
static bool script_read(struct console *con, struct input *in)
{
	char buf[4096];

	while (fgets(buf, sizeof buf, in->script)) {
		char *cmd = buf, *arg;
		in->line++;
		buf[strcspn(buf, "\r\n")] = '\0';
		while (*cmd == ' ' || *cmd == '\t')
			cmd++;
		if (!*cmd || *cmd == '#')
			continue;
		arg = strchr(cmd, ' ');
		if (arg)
			*arg++ = '\0';
		else
			arg = cmd + strlen(cmd);
		if (strcmp(cmd, ":key") == 0) {
			char *save = NULL, *spec;
			for (spec = strtok_r(arg, " ", &save); spec;
			     spec = strtok_r(NULL, " ", &save)) {
				int key = keys_parse(spec);
				if (key == RF_KEY_NONE) {
					script_fail(con, in, "unknown key spec");
					return false;
				}
				queue_key(in, key);
			}
		} else if (strcmp(cmd, ":type") == 0) {
			queue_text(in, arg);
		} else if (strcmp(cmd, ":enter") == 0) {
			queue_key(in, RF_KEY_ENTER);
		} else if (strcmp(cmd, ":wait-idle") == 0) {
			wait_idle(con);
		} else if (strcmp(cmd, ":dump") == 0) {
			screen_draw(con);
			if (!*arg || screen_dump(arg) != 0) {
				script_fail(con, in, "cannot write the dump");
				return false;
			}
		} else if (strcmp(cmd, ":resize") == 0) {
			int cols = 0, rows = 0;
			if (sscanf(arg, "%d %d", &cols, &rows) != 2 || cols < 10 || rows < 5) {
				script_fail(con, in, ":resize COLS ROWS");
				return false;
			}
			term_resize(rows, cols);
			queue_key(in, RF_KEY_FN(KEY_RESIZE));
		} else if (strcmp(cmd, ":sleep") == 0) {
			usleep((useconds_t)atoi(arg) * 1000);
		} else {
			script_fail(con, in,
			            "unknown command (:key :type :enter :wait-idle :dump "
			            ":resize :sleep)");
			return false;
		}
		if (in->qpos < in->nqueue)
			return true;
	}
	return false;
}

static int script_next(struct console *con, struct input *in)
{
	/* one slice of background work per key, as a typing user would get */
	if (console_busy(con))
		console_work(con, WORK_SLICE_MS);
	if (in->qpos >= in->nqueue) {
		in->qpos = in->nqueue = 0;
		if (!script_read(con, in)) {
			con->quit = true;
			return RF_KEY_NONE;
		}
	}
	return in->queue[in->qpos++];
}

/* A key from curses, function keys moved out of Unicode's way. */
static int read_key(void)
{
	wint_t wc;
	int r = get_wch(&wc);
	if (r == ERR)
		return RF_KEY_NONE;
	if (r == KEY_CODE_YES)
		return RF_KEY_FN((int)wc);
	return (int)wc;
}

int input_next(struct console *con)
{
	struct input *in = con->input;
	double last_draw = console_now_ms();
	int key;

	if (in->script)
		return script_next(con, in);
	if (in->pushed_back != RF_KEY_NONE) {
		key = in->pushed_back;
		in->pushed_back = RF_KEY_NONE;
		return key;
	}
	for (;;) {
		bool busy = console_busy(con);
		timeout(busy ? 0 : -1);
		key = read_key();
		if (key != RF_KEY_NONE)
			return key;
		if (!busy)
			continue;
		console_work(con, WORK_SLICE_MS);
		if (console_now_ms() - last_draw >= PROGRESS_EVERY_MS || !console_busy(con)) {
			screen_draw(con);
			last_draw = console_now_ms();
		}
	}
}

bool input_cancel_requested(struct console *con)
{
	struct input *in = con->input;
	int key;

	if (in->script) {
		/* a script cancels by having Esc next */
		if (in->qpos < in->nqueue &&
		    (in->queue[in->qpos] == RF_KEY_ESC || in->queue[in->qpos] == 3)) {
			in->qpos++;
			return true;
		}
		return false;
	}
	if (in->pushed_back != RF_KEY_NONE)
		return false;
	timeout(0);
	key = read_key();
	if (key == RF_KEY_ESC || key == 3)
		return true;
	in->pushed_back = key;
	return false;
}
