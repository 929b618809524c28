/* term.c - curses setup and the restore on every exit path (term.h). */
#include <curses.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "term.h"

static volatile sig_atomic_t active; /* curses owns the terminal */
static SCREEN *screen;
static FILE *script_out, *script_in;
static int saved_stderr = -1; /* the real stderr while redirected */
static int stderr_file = -1;  /* where stderr went meanwhile */

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
                                    SIGTERM, SIGINT, SIGHUP, SIGQUIT};

/* Puts stderr back and replays what was written to it meanwhile. Uses only
 * async-signal-safe calls: it also runs in the signal handlers. */
static void restore_stderr(void)
{
	char buf[4096];
	ssize_t n;

	if (saved_stderr < 0)
		return;
	dup2(saved_stderr, 2);
	close(saved_stderr);
	saved_stderr = -1;
	if (stderr_file >= 0) {
		lseek(stderr_file, 0, SEEK_SET);
		while ((n = read(stderr_file, buf, sizeof buf)) > 0)
			if (write(2, buf, (size_t)n) < 0)
				break;
		close(stderr_file);
		stderr_file = -1;
	}
}

static void restore(bool from_signal)
{
	if (active) {
		active = 0;
		/* endwin is not async-signal-safe, but a crashed console that
		 * leaves the terminal raw and invisible is worse (htop does the
		 * same in its crash handler) */
		endwin();
	}
	restore_stderr();
	if (from_signal || !screen)
		return;
	delscreen(screen);
	screen = NULL;
	if (script_out)
		fclose(script_out);
	if (script_in)
		fclose(script_in);
	script_out = script_in = NULL;
}

void term_close(void)
{
	restore(false);
}

static void on_fatal_signal(int sig)
{
	static const char crashed[] = "rowferry: the console crashed; the terminal was restored\n";
	static const char stopped[] = "rowferry: stopped by a signal; the terminal was restored\n";
	bool was_active = active;

	restore(true);
	if (was_active) {
		bool crash = sig != SIGTERM && sig != SIGINT && sig != SIGHUP && sig != SIGQUIT;
		const char *m = crash ? crashed : stopped;
		if (write(2, m, strlen(m)) < 0) {
			/* nothing left to tell it to */
		}
	}
	/* SA_RESETHAND restored the default action: die of the same signal */
	raise(sig);
}

static void install_handlers(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = (int)SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		sigaction(fatal_signals[i], &sa, NULL);
}

static void redirect_stderr(void)
{
	char path[] = "/tmp/rowferry-stderr-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return;
	unlink(path);
	saved_stderr = dup(2);
	if (saved_stderr < 0 || dup2(fd, 2) < 0) {
		close(fd);
		if (saved_stderr >= 0)
			close(saved_stderr);
		saved_stderr = -1;
		return;
	}
	stderr_file = fd;
}

/* Wide characters need a UTF-8 locale; when the environment names none
 * (LANG unset, LANG=C), C.UTF-8 is always there on Debian. */
static void set_locale(void)
{
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
}

static SCREEN *open_scripted(int lines, int cols)
{
	static const char *const types[] = {"xterm-256color", "xterm", "vt100"};
	char num[16];
	size_t i;
	SCREEN *s = NULL;

	snprintf(num, sizeof num, "%d", lines);
	setenv("LINES", num, 1);
	snprintf(num, sizeof num, "%d", cols);
	setenv("COLUMNS", num, 1);
	script_out = fopen("/dev/null", "w");
	script_in = fopen("/dev/null", "r");
	if (!script_out || !script_in)
		return NULL;
	for (i = 0; !s && i < sizeof types / sizeof types[0]; i++)
		s = newterm(types[i], script_out, script_in);
	return s;
}

int term_open(bool scripted, int lines, int cols, bool mouse, struct rf_error *err)
{
	const char *term = getenv("TERM");

	set_locale();
	if (!scripted && (!isatty(0) || !isatty(1)))
		return rf_error_set(err, "console",
		                    "needs a terminal (for other uses see rowferry --help)");
	install_handlers();
	atexit(term_close);
	rf_set_abort_hook(term_close);
	if (scripted)
		screen = open_scripted(lines, cols);
	else
		screen = newterm(term && *term ? term : "xterm", stdout, stdin);
	if (!screen)
		return rf_error_set(err, "console", "cannot use terminal type '%s'",
		                    scripted ? "xterm" : (term ? term : "(unset)"));
	active = 1;
	redirect_stderr();
	raw(); /* ^C, ^S, ^Z arrive as keys: ^C cancels, ^S/^Q are not flow control */
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	leaveok(stdscr, FALSE);
	if (mouse)
		mousemask(BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	return 0;
}

void term_resize(int lines, int cols)
{
	resizeterm(lines, cols);
}
