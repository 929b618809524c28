/* demo.h - the demo databases of `rowferry demo` (DESIGN §7).
 *
 * Two SQLite files modelled on an order-processing system, dev.db and
 * prod.db, and a config.ini naming them "dev" and "prod". The data is
 * deterministic (fixed seeds and timestamps) and holds the everyday case
 * rowferry is built for: job 0000065 is in both `jobs` tables but its 12
 * `siteflow_orders` rows are only in dev; 3 shared rows differ; prod has 2
 * rows dev lacks. Rows present on both sides carry the same GUIDs; the
 * `guid` column's DEFAULT makes a fresh UUID v4, so a copy that leaves guid
 * out lets prod generate its own.
 */
#ifndef ROWFERRY_DEMO_H
#define ROWFERRY_DEMO_H

#include <stdbool.h>

#include "rowferry/util.h"

/* Creates dir (and its parents) if needed, then dev.db, prod.db and
 * config.ini in it, plus an empty undo/ directory. When any of the three
 * files exists and !force, returns -1 with err "DIR already holds a demo
 * (use --force to recreate it)" and changes nothing. The files are built
 * under temporary names and renamed into place, so an error leaves no
 * half-made demo. Prints nothing. Returns 0 or -1 with err (where "demo"). */
int rf_demo_create(const char *dir, bool force, struct rf_error *err);

/* True when dir holds all three demo files (dev.db, prod.db, config.ini). */
bool rf_demo_exists(const char *dir);

#endif
