/* confirm.h - the question before rowferry writes (apply, rollback): type
 * the target's name, or, when its [connection] says confirm = none, press
 * Enter. Esc always says no. Shared so both writes ask the same way. */
#ifndef RF_UI_CONFIRM_H
#define RF_UI_CONFIRM_H

#include <stdbool.h>

#include "console.h"
#include "lineedit.h"

struct confirm {
	bool type_name; /* the target's name must be typed */
	struct lineedit edit;
};

enum confirm_answer { CONFIRM_PENDING, CONFIRM_YES, CONFIRM_NO };

void confirm_init(struct confirm *c, const struct console *con);
void confirm_free(struct confirm *c);
/* One key. A wrong name puts "type NAME exactly to VERB" on the status bar
 * and asks again. */
enum confirm_answer confirm_key(struct confirm *c, struct console *con, int key, const char *verb);
/* "Type prod to VERB, Esc cancels: ___" on screen line y, cursor placed. */
void confirm_draw(struct confirm *c, struct console *con, int y, const char *verb);

#endif
