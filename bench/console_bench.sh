#!/bin/bash
# console_bench.sh - how fast the console answers a key with 100k differing
# rows loaded (target: median under 16 ms from key press to finished redraw,
# one frame at 60 Hz). Writes its section of bench/RESULTS.md (between
# <!-- console-bench --> and <!-- /console-bench -->).
#
#   bench/console_bench.sh [BUILD_DIR]
#
# BUILD_DIR is where rowferry is built (default build-ui-bench, configured in
# Release when new). The console measures itself: with
# ROWFERRY_TIMING=FILE it appends, per key, the milliseconds from the key's
# arrival to the end of the redraw it caused (ui/console.c, run()). Two runs:
#
#   scripted  keys from a script (ROWFERRY_SCRIPT), drawn into a 120x30
#             curses screen whose output is /dev/null: the console's own work
#             plus curses computing and writing every update;
#   tmux      keys typed into a real 120x30 terminal (tmux send-keys),
#             output through a pty to the terminal emulator.
#
# Environment: RF_BENCH_ROWS (differing rows, default 100000),
# RF_BENCH_KEYS (keys per kind, default 1000 scripted / 200 in tmux).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=section.sh
. "$ROOT/bench/section.sh"
BUILD=${1:-build-ui-bench}
ROWS=${RF_BENCH_ROWS:-100000}
KEYS=${RF_BENCH_KEYS:-1000}
TMUX_KEYS=$((KEYS / 5))
RESULTS=${RF_BENCH_RESULTS:-$ROOT/bench/RESULTS.md}
export LC_ALL=C.UTF-8 TZ=UTC
unset NO_COLOR ROWFERRY_SCRIPT ROWFERRY_TIMING ROWFERRY_CONFIG TMUX

[ -f "$ROOT/$BUILD/CMakeCache.txt" ] ||
	cmake -S "$ROOT" -B "$ROOT/$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$ROOT/$BUILD" -j"$(nproc)" --target rowferry >/dev/null
RF=$ROOT/$BUILD/rowferry

W=$(mktemp -d /tmp/rf_console_bench_XXXXXX)
SOCK=rf-console-bench-$$
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; [ -n "${RF_BENCH_KEEP:-}" ] || rm -rf "$W"' EXIT

echo "console_bench: $ROWS differing rows in $W"
# dev has every row; prod has every other one with a different qty, so half
# the rows are only in dev (+) and half changed (~): all of them differ.
for side in dev prod; do
	sqlite3 "$W/$side.db" "CREATE TABLE items (id INTEGER PRIMARY KEY, sku TEXT NOT NULL,
		name TEXT, qty INTEGER, price DECIMAL(10,2), note TEXT, created_at DATETIME)"
done
sqlite3 "$W/dev.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
	INSERT INTO items SELECT i, printf('SKU-%06d', i),
		CASE WHEN i % 10 = 0 THEN 'Item ' || i || ' 日本語 ünïcödé' ELSE 'Item ' || i END,
		i % 17, printf('%d.%02d', i % 500, i % 100), 'note ' || (i % 7),
		printf('2024-01-%02d 10:00:00', 1 + i % 28) FROM n"
sqlite3 "$W/prod.db" "ATTACH '$W/dev.db' AS d;
	INSERT INTO items SELECT id, sku, name, qty + 1, price, note, created_at FROM d.items
	WHERE id % 2 = 1"
cat >"$W/config.ini" <<EOF
[connection dev]
url = sqlite:$W/dev.db
[connection prod]
url = sqlite:$W/prod.db
color = red
[defaults]
source = dev
target = prod
EOF

# stats FILE KEYNAME: "median p95 max n" of that key's timings
stats() {
	awk -v k="$2" '$1 == k { print $2 }' "$1" | sort -n | awk '
		{ a[NR] = $1 }
		END { if (!NR) { print "- - - 0"; exit }
		      printf "%.2f %.2f %.2f %d\n", a[int((NR + 1) / 2)], a[int(NR * 0.95 + 0.5)], a[NR], NR }'
}

echo "console_bench: scripted run"
{
	echo ":wait-idle"
	for ((i = 0; i < KEYS; i++)); do echo ":key j"; done
	for ((i = 0; i < KEYS; i++)); do echo ":key ^D"; done
	for ((i = 0; i < KEYS; i++)); do echo ":key ^U"; done
	for ((i = 0; i < KEYS / 10; i++)); do echo ":key G"; echo ":key g"; done
	echo ":dump $W/scripted.txt"
} >"$W/script"
start=$(date +%s.%N)
LINES=30 COLUMNS=120 ROWFERRY_SCRIPT=$W/script ROWFERRY_TIMING=$W/scripted.ms \
	/usr/bin/time -f "%M" -o "$W/rss" "$RF" --config "$W/config.ini" --table items
total=$(echo "$(date +%s.%N) - $start" | bc)
grep -q "+$((ROWS / 2)) -0 ~$((ROWS / 2))" "$W/scripted.txt" ||
	{ echo "console_bench: the diff did not show $ROWS differing rows" >&2; exit 1; }
rss_mb=$(($(cat "$W/rss") / 1024))

echo "console_bench: tmux run"
tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 30 -s b -e TERM=screen-256color \
	-e LANG=C.UTF-8 "ROWFERRY_TIMING=$W/tmux.ms '$RF' --config '$W/config.ini' --table items; sleep 600"
for ((i = 0; i < 300; i++)); do
	tmux -L "$SOCK" capture-pane -p -t b | grep -q "+$((ROWS / 2)) -0 ~$((ROWS / 2))" && break
	sleep 0.1
done
: >"$W/tmux.ms"
for key in j C-d C-u; do
	for ((i = 0; i < TMUX_KEYS; i++)); do
		tmux -L "$SOCK" send-keys -t b "$key"
		sleep 0.02
	done
done
sleep 0.5
tmux -L "$SOCK" send-keys -t b Q

read -r sj_med sj_p95 sj_max sj_n < <(stats "$W/scripted.ms" j)
read -r sd_med sd_p95 sd_max sd_n < <(stats "$W/scripted.ms" ^D)
read -r su_med su_p95 su_max su_n < <(stats "$W/scripted.ms" ^U)
read -r sg_med sg_p95 sg_max sg_n < <(stats "$W/scripted.ms" G)
read -r tj_med tj_p95 tj_max tj_n < <(stats "$W/tmux.ms" j)
read -r td_med td_p95 td_max td_n < <(stats "$W/tmux.ms" ^D)
read -r tu_med tu_p95 tu_max tu_n < <(stats "$W/tmux.ms" ^U)

section=$(cat <<EOF
<!-- console-bench -->
## Console: key press to finished redraw

\`bench/console_bench.sh\`, $(date -u +%Y-%m-%d), $(nproc) CPU(s), $ROWS differing rows
($((ROWS / 2)) only in the source, $((ROWS / 2)) changed; SQLite, 7 columns) loaded in
the diff screen at 120x30. Times in ms from the key's arrival to the end of the
redraw it caused, as the console measures itself (ROWFERRY_TIMING). Target:
median under 16 ms.

| run | key | n | median | p95 | max |
|---|---|---|---|---|---|
| scripted | j (scroll) | $sj_n | $sj_med | $sj_p95 | $sj_max |
| scripted | ^D (page down) | $sd_n | $sd_med | $sd_p95 | $sd_max |
| scripted | ^U (page up) | $su_n | $su_med | $su_p95 | $su_max |
| scripted | G (last row) | $sg_n | $sg_med | $sg_p95 | $sg_max |
| tmux | j (scroll) | $tj_n | $tj_med | $tj_p95 | $tj_max |
| tmux | ^D (page down) | $td_n | $td_med | $td_p95 | $td_max |
| tmux | ^U (page up) | $tu_n | $tu_med | $tu_p95 | $tu_max |

Loading: the whole scripted run (diff of $((ROWS * 3 / 2)) rows, keeping the
$ROWS differing ones, then $((KEYS * 3 + KEYS / 5)) keys) took ${total%.*} s; peak RSS
$rss_mb MiB. Only the lines in view are drawn, so a key costs the same with 100
rows or 100k.
<!-- /console-bench -->
EOF
)
printf '%s\n' "$section" >"$W/section.md"
replace_section console-bench "$W/section.md" "$RESULTS"
echo "$section"
