#!/bin/bash
# test_console_tmux.sh - the demo flow in a real terminal (tmux): keys typed,
# the screen read back, from the tables to a rolled-back copy; then a
# table only in dev, shown as `create`, marked, previewed, created in prod
# with its rows by A and counted on both sides; and the terminal given back
# on quit.
. "$(dirname "$0")/console_lib.sh"
. "$(dirname "$0")/tmux_lib.sh"
unset LINES COLUMNS

make_demo
sq "$DEV" "CREATE TABLE audit_notes (id INTEGER PRIMARY KEY, note TEXT);
INSERT INTO audit_notes VALUES (1, 'x'), (2, 'y');"
tstart "cd '$T' && '$ROWFERRY' --config '$CFG'; echo \"rowferry exited \$?\"; exec sleep 600"

twait "Tables: dev (source) -> prod (target)"
twait "siteflow_orders                   38              28"
tkeys G Enter
twait "key guid"
twait "+12 -2 ~3 =23"
tkeys w
twait "WHERE (both sides)"
ttype "job_number = '0000065'"
tkeys Enter
twait "+12 -0 ~0 =0"
tkeys K
twait "Key columns"
tkeys Space j Space j Space Enter
twait "key job_number,order_ref"
tkeys c
twait "suggest: exclude it"
tkeys x q
twait "exclude guid"
tkeys p
twait "12 insert(s), 0 update(s), 0 delete(s) into prod"
tkeys A
twait "Type prod to apply"
ttype "prod"
tkeys Enter
twait "Applied to prod in one transaction: 12 inserted"
assert_eq "prod has the rows" 12 "$(sq "$PROD" "SELECT count(*) FROM siteflow_orders WHERE job_number = '0000065'")"
tkeys q
twait "no differences: 12 identical rows"
tkeys u
twait "Journals in $T/demo/undo"
tkeys Enter
twait "intact (sha256 matches)"
tkeys r
twait "r or Enter rolls back"
tkeys Enter
twait "Type prod to roll back"
ttype "prod"
tkeys Enter
twait "12 row(s) restored"
assert_eq "prod as before" 0 "$(sq "$PROD" "SELECT count(*) FROM siteflow_orders WHERE job_number = '0000065'")"
tkeys q q q
twait "+12 -0 ~0 =0"
tkeys q
twait "+ audit_notes                        2               -  create: only in dev, missing in prod"
tkeys g Space
twait "1 marked  1 to create"
tkeys p
twait "set of the marked tables, 1 table(s), created where missing: 2 insert(s)"
twait 'CREATE TABLE "audit_notes" ('
tkeys A
twait "create    audit_notes (CREATE TABLE in the same transaction)"
ttype "prod"
tkeys Enter
twait "Created 1 table(s) in prod"
assert_eq "audit_notes created in prod with its rows" "2" "$(sq "$PROD" "SELECT count(*) FROM audit_notes")"
tkeys q
twait "audit_notes                        2               2"
tkeys Q
twait "rowferry exited 0"
assert_not_contains "the console's screen is gone" "READ-ONLY" "$(tcap)"

finish
