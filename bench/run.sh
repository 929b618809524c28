#!/bin/bash
# run.sh - runs every bench/*_bench.sh (`make bench` calls it).
#
#   bench/run.sh [BUILD_DIR]     BUILD_DIR: a built rowferry, relative to the
#                                repository root (default build-bench)
#
# Each bench writes its own section of bench/RESULTS.md. All of them run even
# when one fails; the exit status is that of the last failure (0 if none).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-bench}
cd "$root" || exit 2

rc=0
found=0
for b in bench/*_bench.sh; do
	[ -f "$b" ] || continue
	found=1
	echo "run.sh: === $b $build" >&2
	bash "$b" "$build"
	r=$?
	if [ "$r" != 0 ]; then
		echo "run.sh: $b failed (exit $r)" >&2
		rc=$r
	fi
done
[ "$found" = 1 ] || echo "run.sh: no bench/*_bench.sh found" >&2
exit "$rc"
