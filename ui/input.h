/* input.h - where keys come from: the terminal, or a script (the test hook).
 *
 * With ROWFERRY_SCRIPT=FILE the console reads its keys from FILE through the
 * same path as typed ones (DESIGN §8). One command per line:
 *
 *   :key SPEC...     keys by spec (actions.h: j ^D Enter Space Esc F1 ...)
 *   :type TEXT       the characters of TEXT, one key each
 *   :enter           the Enter key
 *   :wait-idle       let the running diff finish before the next line
 *   :dump PATH       redraw and write the screen as text to PATH
 *   :resize COLS ROWS  the terminal changes size
 *   :sleep MS        pause (for watching a script run in a terminal)
 *   # comment, blank lines ignored
 *
 * When the script ends the console quits. A line it does not understand
 * stops the console with exit status 2 and names the line on stderr.
 */
#ifndef RF_UI_INPUT_H
#define RF_UI_INPUT_H

#include <stdbool.h>

#include "console.h"

/* path NULL: the terminal. Returns NULL and sets err when the script
 * cannot be read. */
struct input *input_open(const char *path, struct rf_error *err);
void input_free(struct input *in);
/* Waits for the next key, running background work (the diff) in slices
 * meanwhile and redrawing its progress. Script commands run here. Returns
 * RF_KEY_NONE when the script has ended (con->quit is then set). */
int input_next(struct console *con);
/* Non-blocking, for long synchronous work (apply): true when Esc or ^C is
 * waiting; other keys are kept for later. */
bool input_cancel_requested(struct console *con);
/* Writes the screen as text, one line per row, trailing blanks trimmed. */
int screen_dump(const char *path);

#endif
