/* term.h - taking the terminal and giving it back on every way out.
 *
 * term_open() puts the terminal in curses mode; term_close() restores it and
 * is safe to call more than once. It runs on a normal return, from exit()
 * (atexit), when an allocation fails (rf_set_abort_hook) and from the
 * handlers of SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTERM, SIGINT,
 * SIGHUP and SIGQUIT, which then re-raise the signal so the exit status and
 * core dump are what they would have been. While curses owns the screen,
 * stderr goes to a temporary file (a library's stray message would tear the
 * display); term_close() copies it back to the real stderr.
 *
 * Scripted mode (ROWFERRY_SCRIPT) draws into a curses screen whose output
 * is /dev/null, sized lines x cols, so tests run without any terminal.
 */
#ifndef RF_UI_TERM_H
#define RF_UI_TERM_H

#include <stdbool.h>

#include "rowferry/util.h"

int term_open(bool scripted, int lines, int cols, bool mouse, struct rf_error *err);
void term_close(void);
/* Scripted mode: the terminal is now lines x cols (tests of resizing). */
void term_resize(int lines, int cols);

#endif
