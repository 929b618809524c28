# section.sh - sourced by the benches: each writes its own section of
# bench/RESULTS.md, between <!-- NAME --> and <!-- /NAME --> lines, and
# leaves the rest of the file alone.

# replace_section NAME SECTION_FILE RESULTS_FILE: SECTION_FILE holds the
# section with its two marker lines; it replaces the section of that name
# in RESULTS_FILE, or is appended when there is none yet.
replace_section() {
	local name=$1 sec=$2 results=$3
	if [ ! -f "$results" ]; then
		printf '# rowferry benchmark results\n\nEach bench in bench/ writes its own section; `make bench` runs them all.\n\n' >"$results"
	fi
	if grep -q "^<!-- $name -->" "$results" && grep -q "^<!-- /$name -->" "$results"; then
		awk -v sec="$sec" -v open="<!-- $name -->" -v stop="<!-- /$name -->" '
			$0 == open { while ((getline l < sec) > 0) print l; skip = 1; next }
			$0 == stop { skip = 0; next }
			!skip { print }' "$results" >"$results.tmp"
	else
		{ cat "$results"; echo; cat "$sec"; } >"$results.tmp"
	fi
	mv "$results.tmp" "$results"
}
