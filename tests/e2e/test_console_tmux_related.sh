#!/bin/bash
# test_console_tmux_related.sh - the related-tables screen in a real terminal
# (tmux, 120x30): f on a job's diff, the set with its counts, Space, Enter on
# a child's diff and q back, p with a parent unchecked refused (missing
# parent), A with the set checked copying it, and the terminal given back.
. "$(dirname "$0")/console_lib.sh"
. "$(dirname "$0")/tmux_lib.sh"
unset LINES COLUMNS

schema='CREATE TABLE jobs (id INTEGER PRIMARY KEY, job_number VARCHAR(20) NOT NULL UNIQUE,
  customer VARCHAR(40) NOT NULL);
CREATE TABLE sales_orders (id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL REFERENCES jobs (id),
  order_ref VARCHAR(20) NOT NULL UNIQUE);
CREATE TABLE order_lines (id INTEGER PRIMARY KEY, sales_order_id INTEGER NOT NULL
  REFERENCES sales_orders (id), sku VARCHAR(20) NOT NULL, parent_line_id INTEGER
  REFERENCES order_lines (id));'
sq "$T/dev.db" "$schema
INSERT INTO jobs VALUES (1, '0000076', 'Acme'), (2, '0000077', 'Globex');
INSERT INTO sales_orders VALUES (10, 2, 'SO-77-1'), (11, 2, 'SO-77-2'), (12, 1, 'SO-76-1');
INSERT INTO order_lines VALUES (100, 10, 'A', NULL), (101, 10, 'B', 100), (102, 11, 'C', NULL),
  (103, 12, 'D', NULL);"
sq "$T/prod.db" "$schema
INSERT INTO jobs VALUES (1, '0000076', 'Acme'), (2, '0000077', 'Globex');
INSERT INTO sales_orders VALUES (10, 2, 'SO-77-1'), (12, 1, 'SO-76-1');
INSERT INTO order_lines VALUES (100, 10, 'A', NULL), (103, 12, 'X', NULL);"

cat >"$T/config.ini" <<EOF
[connection dev]
url = sqlite:$T/dev.db
[connection prod]
url = sqlite:$T/prod.db
[defaults]
source = dev
target = prod
[safety]
undo_dir = $T/undo
EOF

tstart "cd '$T' && '$ROWFERRY' --config '$T/config.ini' --table jobs --where \"job_number = '0000077'\"; echo \"rowferry exited \$?\"; exec sleep 600"
twait "jobs  WHERE job_number = '0000077'"
twait "+0 -0 ~0 =1"
tkeys f
twait "Related tables of jobs WHERE job_number = '0000077'"
twait "[x] jobs             root    +0 -0 ~0 =1"
twait "[x]   sales_orders   child   +1 -0 ~0 =1             sales_orders_job_id_fkey: sales_orders(job_id) -> jobs(id)"
twait "[x]     order_lines  child   +2 -0 ~0 =1"
twait "cycle broken at order_lines_parent_line_id_fkey (order_lines -> order_lines)"
twait "Space include  Enter open  p preview  A apply"
twait "3 of 3 in  +3 -0 ~0"
tkeys j Space
twait "[ ]   sales_orders"
twait "2 of 3 in  +2 -0 ~0"
tkeys j Enter
twait "order_lines  rows of the set of jobs WHERE job_number = '0000077'"
twait "+2 -0 ~0 =1"
assert_not_contains "no line of job 0000076 in the child's diff" "103" "$(tcap)"
tkeys q
twait "Related tables of jobs"
twait "[ ]   sales_orders"
tkeys p
twait "set of jobs, 2 table(s): "
twait "error: order_lines: foreign key order_lines_sales_order_id_fkey: parent rows missing in sales_orders"
twait "error(s): apply refused"
tkeys q k Space
twait "[x]   sales_orders"
tkeys A
twait "tables    jobs, sales_orders, order_lines"
twait "Type prod to apply, Esc cancels:"
tkeys p r o d Enter
twait "Applied to prod in one transaction: 3 inserted"
assert_eq "one journal, in the config's undo_dir" 1 "$(ls "$T/undo" | wc -l)"
tkeys q
twait "[x]     order_lines  child   +0 -0 ~0 =3"
twait "3 of 3 in  +0 -0 ~0"
assert_eq "the set is in prod" 3 "$(sq "$T/prod.db" "SELECT count(*) FROM order_lines WHERE id IN (100, 101, 102)")"
tkeys q
twait "jobs  WHERE job_number = '0000077'"
tkeys Q
twait "rowferry exited 0"
assert_not_contains "the console's screen is gone" "READ-ONLY" "$(tcap)"

finish
