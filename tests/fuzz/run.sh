#!/bin/bash
# run.sh BUILD_DIR [SECONDS] - runs every libFuzzer target of BUILD_DIR
# (configured with CC=clang -DRF_FUZZ=ON) for SECONDS (30) each, from its
# seed corpus in tests/fuzz/corpus/<name>/, JOBS (nproc) at a time. New
# inputs go to a scratch corpus, never into the source tree. Fails when a
# target crashes, leaks, times out or runs out of memory; the input that did
# it is kept in BUILD_DIR/fuzz-artifacts/ (replay: BUILD_DIR/tests/fuzz/fuzz_NAME FILE).
set -uo pipefail

build=${1:?usage: run.sh BUILD_DIR [SECONDS]}
secs=${2:-30}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
artifacts=$build/fuzz-artifacts
scratch=$(mktemp -d /tmp/rf_fuzz_run_XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$artifacts"

run_one() {
	local name=$1 bin=$build/tests/fuzz/fuzz_$1
	mkdir -p "$scratch/$name"
	# -timeout: one input taking 10 s is a hang; -rss_limit_mb: a runaway
	# allocation is a finding, not a CI machine out of memory
	"$bin" -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 -max_len=16384 \
		-print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
		"$scratch/$name" "$here/corpus/$name" >"$scratch/$name.log" 2>&1
}

names=()
for src in "$here"/fuzz_*.c; do
	name=$(basename "$src" .c)
	names+=("${name#fuzz_}")
done
declare -A pid_of
for name in "${names[@]}"; do
	if [ ! -x "$build/tests/fuzz/fuzz_$name" ]; then
		echo "fuzz: $build/tests/fuzz/fuzz_$name is missing (cmake --build $build --target fuzz)" >&2
		exit 1
	fi
done
failed=0
running=0
for name in "${names[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	run_one "$name" &
	pid_of[$name]=$!
	running=$((running + 1))
done
for name in "${names[@]}"; do
	if wait "${pid_of[$name]}"; then
		echo "fuzz: $name: ok ($(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$scratch/$name.log" | grep -oE '[0-9]+$') runs in ${secs}s)"
	else
		failed=1
		echo "fuzz: $name: FAILED"
		sed 's/^/#   /' "$scratch/$name.log" | tail -60
	fi
done
[ "$failed" -eq 0 ]
