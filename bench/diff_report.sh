# diff_report.sh - sourced by diff_bench.sh: writes the diff bench's section
# of RESULTS.md from the hyperfine JSON and RSS files in $WORK. Replaces only
# the text between <!-- diff-bench --> and <!-- /diff-bench -->; other
# benches own the rest of the file.

fmt_s() { # seconds -> "12.34 s" / "45.6 ms", or "n/a"
	[ -n "${1:-}" ] && [ "$1" != null ] || { echo "n/a"; return; }
	awk -v t="$1" 'BEGIN { if (t < 1) printf "%.1f ms", t * 1000; else printf "%.2f s", t }'
}
ratio() { # ratio A B -> A/B with 2 decimals, or empty
	[ -n "${1:-}" ] && [ -n "${2:-}" ] && [ "$1" != null ] && [ "$2" != null ] || return 0
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b }'
}
met() { # met VALUE OP LIMIT -> "met" / "**missed**" / "not measured"
	[ -n "${1:-}" ] || { echo "not measured"; return; }
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		ok = (op == "<=" && v <= l) || (op == "<" && v < l) || (op == ">=" && v >= l)
		print ok ? "**met**" : "**missed**" }'
}
stats() { # stats NAME -> "median (min–max, N runs)"
	local f=$WORK/$1.json
	[ -s "$f" ] || { echo "not run"; return; }
	jq -r '.results[0] | [.median, .min, .max, (.times | length)] | @tsv' "$f" |
		while IFS=$'\t' read -r med lo hi n; do
			echo "$(fmt_s "$med") ($(fmt_s "$lo") – $(fmt_s "$hi"), $n runs)"
		done
}
count_stmts() { # count_stmts FILE -> "N INSERT, N UPDATE, N DELETE"
	[ -s "$1" ] || { echo "no output"; return; }
	awk '/^INSERT/ { i++ } /^UPDATE/ { u++ } /^DELETE/ { d++ } /^REPLACE/ { r++ }
	     END { printf "%d INSERT, %d UPDATE, %d DELETE%s", i, u, d, r ? ", " r " REPLACE" : "" }' "$1"
}

write_report() {
	local sec=$WORK/section.md cpu mem load_end
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
	mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	load_end=$(cut -d' ' -f1-3 /proc/loadavg)

	local m_pg_rf m_pg_copy m_sq_rf m_sq_diff m_my_rf m_my_rfx m_my_pt
	m_pg_rf=$(median pg_rowferry) m_pg_copy=$(median pg_copy)
	m_sq_rf=$(median sq_rowferry) m_sq_diff=$(median sq_sqldiff)
	m_my_rf=$(median my_rowferry) m_my_rfx=$(median my_rowferry_x) m_my_pt=$(median my_ptsync)
	local r_pg r_sq r_my r_my_plain
	r_pg=$(ratio "$m_pg_rf" "$m_pg_copy")
	r_sq=$(ratio "$m_sq_rf" "$m_sq_diff")
	r_my=$(ratio "$m_my_pt" "$m_my_rfx")
	r_my_plain=$(ratio "$m_my_pt" "$m_my_rf")

	local rss_pg rss_sq rss_my rss_myx rss_max=""
	rss_pg=$(rss_max pg_rowferry) rss_sq=$(rss_max sq_rowferry)
	rss_my=$(rss_max my_rowferry) rss_myx=$(rss_max my_rowferry_x)
	local v
	for v in "$rss_pg" "$rss_sq" "$rss_my" "$rss_myx" "${RF_RSS1[pg]:-}" "${RF_RSS1[sq]:-}" \
		"${RF_RSS1[my]:-}" "${RF_RSS1[my_x]:-}"; do
		[ -n "$v" ] || continue
		if [ -z "$rss_max" ] || awk -v a="$v" -v b="$rss_max" 'BEGIN { exit !(a > b) }'; then
			rss_max=$v
		fi
	done

	local t_pg t_my t_sq
	t_pg=$(median pg_targeted) t_my=$(median my_targeted) t_sq=$(median sq_targeted)
	local t_worst=""
	for v in "$t_pg" "$t_my" "$t_sq"; do
		[ -n "$v" ] || { t_worst=""; break; }
		if [ -z "$t_worst" ] || awk -v a="$v" -v b="$t_worst" 'BEGIN { exit !(a > b) }'; then
			t_worst=$v
		fi
	done
	[ -n "$t_pg" ] && [ -n "$t_my" ] && [ -n "$t_sq" ] || t_worst=""

	local ok_all=yes e
	for e in pg my sq my_x pg_h my_h sq_h my_x_h; do [ "${RF_OK[$e]:-}" = yes ] || ok_all=no; done
	for e in pg my sq; do [ "${RF_RC[${e}_t]:-}" = 1 ] || ok_all=no; done

	{
		echo "<!-- diff-bench -->"
		echo "## Row diff: \`rowferry diff\` vs COPY, sqldiff and pt-table-sync"
		echo
		echo "Written by \`bench/diff_bench.sh\` (see bench/README.md) on $(date -u '+%Y-%m-%d %H:%M UTC'); whole run ${TOTAL}s (of which data preparation ${TLOAD}s)."
		echo
		echo "**Machine:** $(nproc) CPUs ($cpu), $mem RAM, Linux $(uname -r). Load average at start: $LOAD_START, at end: $load_end$(awk -v l="${LOAD_START%% *}" -v n="$(nproc)" 'BEGIN { if (l > n * 0.5) printf " — **the machine was busy with other work during this run; absolute times are inflated and noisier than on an idle machine**" }')."
		echo
		echo "**Versions:** rowferry $([ -n "$RF" ] && "$RF" --version 2>/dev/null | awk '{print $NF}' || echo n/a) (${RF_BUILD_TYPE:-?} build, git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$( [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null | head -n1)" ] && echo ' + uncommitted changes'), $(gcc --version | head -n1)); PostgreSQL $(pg "${PG_URL[dev]}" -At -c 'SHOW server_version' | cut -d' ' -f1); MariaDB $(my -e 'SELECT VERSION()'); SQLite $(sqlite3 --version | cut -d' ' -f1) (sqldiff from sqlite3-tools $(dpkg-query -W -f='${Version}' sqlite3-tools 2>/dev/null)); pt-table-sync $(pt-table-sync --version | awk '{print $2}') (DBD::mysql $(perl -MDBD::mysql -e 'print $DBD::mysql::VERSION')); hyperfine $(hyperfine --version | awk '{print $2}')."
		[ -n "$RF_BUILD_NOTE" ] && { echo; echo "**rowferry was not measured: $RF_BUILD_NOTE**"; }
		echo
		echo "### Data"
		echo
		echo "\`$TABLE\`, $N_DEV rows in dev and $N_PROD in prod, 10 columns (~275 bytes a row as CSV), 20 rows per job, generated by \`bench/diff_gen.sql\` and loaded identically into PostgreSQL (databases rf_dev/rf_prod, created en_US.UTF-8 by tests/support/servers.sh), MariaDB (rf_dev/rf_prod, InnoDB, utf8mb4_general_ci; innodb_buffer_pool_size ${MY_POOL_NOTE:-?}, set by the bench for rowferry and pt-table-sync alike, see bench/README.md) and SQLite (two files). Planted in prod: **$PLANT_MISSING rows missing** (job $JOB entirely, plus scattered rows; $(awk -v a="$PLANT_MISSING" -v n="$N_DEV" 'BEGIN { printf "%.2g%%", 100 * a / n }')) and **$PLANT_CHANGED rows changed** ($(awk -v a="$PLANT_CHANGED" -v n="$N_DEV" 'BEGIN { printf "%.2g%%", 100 * a / n }'); one column each, cycling qty, status, price, payload, updated_at). Types: guid uuid / CHAR(36) / TEXT; job_number, order_ref, sku, status varchar / VARCHAR / TEXT; qty integer; price numeric(12,2) / DECIMAL(12,2) / DECIMAL(12,2) (stored as REAL by SQLite); payload json / JSON / TEXT (5.9% NULL); created_at, updated_at timestamp / DATETIME(6) / TIMESTAMP text, with microseconds. The guid is the same on both sides."
		echo
		echo "The primary key is the natural key **(job_number, order_ref)** on every engine (guid has a unique index), so that sqldiff and pt-table-sync match rows the way rowferry does. sqldiff needs \`--primarykey\` for that: without it, it pairs rows of a rowid table by rowid, which shifts after the first missing row. pt-table-sync is given \`--chunk-index PRIMARY\` (it then picks its Nibble algorithm); left to choose, it chunks on the guid unique index with its Chunk algorithm, which on this table took ~13 minutes for one run and printed most statements 2–6 times (see bench/README.md; \`RF_BENCH_PT_DEFAULT=1\` times that too)."
		echo
		echo "### Full diff of $(awk -v n="$N_DEV" 'BEGIN { if (n % 1000000 == 0) printf "%dM", n / 1000000; else if (n % 1000 == 0) printf "%dk", n / 1000; else printf "%d", n }') rows"
		echo
		echo "Medians of hyperfine runs (min – max). Every run is wrapped in \`/usr/bin/time -f %M\` for the peak RSS."
		echo
		echo "| engine | rowferry diff | peer | peer time | ratio | target | |"
		echo "|---|---|---|---|---|---|---|"
		echo "| PostgreSQL | $(stats pg_rowferry) | COPY (SELECT … ORDER BY key COLLATE \"C\") TO STDOUT, dev and prod in parallel | $(stats pg_copy) | ${r_pg:-n/a}× the read limit | ≤ 1.3× | $(met "$r_pg" '<=' 1.3) |"
		echo "| SQLite | $(stats sq_rowferry) | sqldiff --primarykey | $(stats sq_sqldiff) | ${r_sq:-n/a}× sqldiff | ≤ 1.0× | $(met "$r_sq" '<=' 1.0) |"
		echo "| MariaDB | $(stats my_rowferry_x) (\`--exclude guid\`) | pt-table-sync --print --ignore-columns guid --chunk-index PRIMARY | $(stats my_ptsync) | ${r_my:-n/a}× faster | ≥ 10× faster | $(met "$r_my" '>=' 10) |"
		echo "| MariaDB | $(stats my_rowferry) (all columns) | (same) | | ${r_my_plain:-n/a}× faster | | |"
		if [ -s "$WORK/my_ptsync_default.json" ]; then
			echo "| MariaDB | | pt-table-sync --print --ignore-columns guid (its own choice of index) | $(stats my_ptsync_default) | $(ratio "$(median my_ptsync_default)" "$m_my_rfx")× faster | | |"
		fi
		echo
		echo "### Both algorithms (\`--algorithm stream\` and \`--algorithm hash\`, DESIGN §14)"
		echo
		echo "The rows above are \`--algorithm stream\`. Here the same diffs with \`--algorithm hash\`, and what rowferry says it ran and received (its stderr line; bytes are the cells' bytes as the driver hands them over, plus the checksums). Where hash cannot normalize a column exactly on an engine it runs stream and says why."
		echo
		echo "| engine | stream | hash | hash / stream | stream: received | hash: what ran | hash: received |"
		echo "|---|---|---|---|---|---|---|"
		for e in pg my_x my sq; do
			local sn hn label
			case $e in
			pg) label=PostgreSQL sn=pg_rowferry hn=pg_hash ;;
			my_x) label="MariaDB (\`--exclude guid\`)" sn=my_rowferry_x hn=my_hash_x ;;
			my) label="MariaDB (all columns)" sn=my_rowferry hn=my_hash ;;
			sq) label=SQLite sn=sq_rowferry hn=sq_hash ;;
			esac
			echo "| $label | $(stats "$sn") | $(stats "$hn") | $(ratio "$(median "$hn")" "$(median "$sn")")× | ${RF_RECV[$e]:-n/a} | ${RF_ALGO[${e}_h]:-n/a} | ${RF_RECV[${e}_h]:-n/a} |"
		done
		local m_pg_hash m_pg_copy b_hash b_stream r_b
		m_pg_hash=$(median pg_hash) m_pg_copy=$(median pg_copy)
		if [ -n "$m_pg_hash" ] && [ -n "$m_pg_copy" ]; then
			b_hash=$(sed -n 's/.*, \([0-9]*\) bytes.*/\1/p' <<<"${RF_RECV[pg_h]:-}")
			b_stream=$(sed -n 's/.*, \([0-9]*\) bytes.*/\1/p' <<<"${RF_RECV[pg]:-}")
			r_b=$(awk -v a="${b_hash:-}" -v b="${b_stream:-}" 'BEGIN { if (a != "" && b > 0) printf "%.1f", 100 * a / b }')
			echo
			echo "PostgreSQL hash against the read limit: $(ratio "$m_pg_hash" "$m_pg_copy")× (target ≤ 0.5×) — $(met "$(ratio "$m_pg_hash" "$m_pg_copy")" '<=' 0.5); bytes received ${r_b:-n/a}% of the stream's (target ≤ 5%) — $(met "$r_b" '<=' 5)."
		fi
		if [ -n "$m_my_pt" ]; then
			echo
			echo "MariaDB hash against pt-table-sync: $(ratio "$m_my_pt" "$(median my_hash_x)")× faster (\`--exclude guid\`), target ≥ 10× — $(met "$(ratio "$m_my_pt" "$(median my_hash_x)")" '>=' 10)."
		fi
		echo
		echo "### Peak memory (max RSS over all runs)"
		echo
		echo "| command | PostgreSQL | MariaDB | SQLite |"
		echo "|---|---|---|---|"
		echo "| rowferry diff | ${rss_pg:-${RF_RSS1[pg]:-n/a}} MiB | ${rss_my:-${RF_RSS1[my]:-n/a}} MiB (\`--exclude guid\`: ${rss_myx:-${RF_RSS1[my_x]:-n/a}} MiB) | ${rss_sq:-${RF_RSS1[sq]:-n/a}} MiB |"
		echo "| peer | psql COPY: $(rss_max pg_copy.psql) MiB each | pt-table-sync: $(rss_max my_ptsync) MiB | sqldiff: $(rss_max sq_sqldiff) MiB |"
		echo
		echo "Target: rowferry under 64 MiB — $(met "$rss_max" '<' 64) (largest: ${rss_max:-n/a} MiB). Client processes only; the servers' memory is not counted."
		echo
		echo "### Targeted diff: one job (20 rows) by an indexed WHERE, connection included"
		echo
		echo "\`--where \"job_number = '$JOB'\"\` on the 1M-row table (the primary key's first column); all 20 rows are missing in prod. hyperfine, $RUNS_TARGETED runs after 3 warm-ups, no shell."
		echo
		echo "| engine | median | mean ± σ | min – max |"
		echo "|---|---|---|---|"
		for e in pg my sq; do
			local f=$WORK/${e}_targeted.json name
			case $e in pg) name=PostgreSQL ;; my) name=MariaDB ;; sq) name=SQLite ;; esac
			if [ -s "$f" ]; then
				jq -r --arg n "$name" '.results[0] | "| \($n) | \(.median * 1000 | . * 10 | round / 10) ms | \(.mean * 1000 | . * 10 | round / 10) ± \(.stddev * 1000 | . * 10 | round / 10) ms | \(.min * 1000 | . * 10 | round / 10) – \(.max * 1000 | . * 10 | round / 10) ms |"' "$f"
			else
				echo "| $name | not measured (exit ${RF_RC[${e}_t]:-?}: ${RF_OUT[${e}_t]:-}) | | |"
			fi
		done
		echo
		echo "Target: under 50 ms — $(met "$t_worst" '<' 0.050)$([ -n "$t_worst" ] && echo " (slowest median $(fmt_s "$t_worst"))")."
		echo
		echo "### Correctness (same run)"
		echo
		echo "Expected from the planted data: \`$PLANT_MISSING only in source, 0 only in target, $PLANT_CHANGED changed, $PLANT_IDENTICAL identical\`, exit code 1."
		echo
		echo "| run | exit | output | |"
		echo "|---|---|---|---|"
		for e in pg my my_x sq pg_h my_h my_x_h sq_h; do
			local label
			case $e in pg) label="PostgreSQL" ;; my) label="MariaDB" ;; my_x) label="MariaDB --exclude guid" ;; sq) label="SQLite" ;;
			pg_h) label="PostgreSQL, hash" ;; my_h) label="MariaDB, hash" ;; my_x_h) label="MariaDB --exclude guid, hash" ;; sq_h) label="SQLite, hash" ;; esac
			echo "| rowferry diff, $label | ${RF_RC[$e]:-n/a} | \`${RF_OUT[$e]:-not run}\` | $( [ "${RF_OK[$e]:-}" = yes ] && echo ok || echo '**wrong**') |"
		done
		for e in pg my sq; do
			local label
			case $e in pg) label="PostgreSQL" ;; my) label="MariaDB" ;; sq) label="SQLite" ;; esac
			echo "| rowferry diff --where job $JOB, $label | ${RF_RC[${e}_t]:-n/a} | \`${RF_OUT[${e}_t]:-not run}\` | $(case "${RF_OUT[${e}_t]:-}" in *"20 only in source, 0 only in target, 0 changed, 0 identical"*) [ "${RF_RC[${e}_t]}" = 1 ] && echo ok || echo '**wrong**' ;; *) echo '**wrong**' ;; esac) |"
		done
		echo "| sqldiff (dev → prod statements) | | $(count_stmts "$WORK/sqldiff.sql") | $( [ "$(count_stmts "$WORK/sqldiff.sql")" = "0 INSERT, $PLANT_CHANGED UPDATE, $PLANT_MISSING DELETE" ] && echo ok || echo '**differs**') |"
		echo "| pt-table-sync (statements for prod) | | $(count_stmts "$WORK/ptsync.sql") | $( [ "$(count_stmts "$WORK/ptsync.sql")" = "$PLANT_MISSING INSERT, $PLANT_CHANGED UPDATE, 0 DELETE" ] && echo ok || echo '**differs**') |"
		echo
		echo "All rowferry checks: **$([ "$ok_all" = yes ] && echo passed || echo FAILED)**."
		echo
		echo "### Command lines"
		echo
		echo "URLs from tests/support/servers.sh (PostgreSQL over its unix socket, MariaDB via \`?socket=\`):"
		echo
		echo '```'
		echo "PG_DEV='${PG_URL[dev]}'"
		echo "PG_PROD='${PG_URL[prod]}'"
		echo "MY_DEV='${MY_URL[dev]}'"
		echo "MY_PROD='${MY_URL[prod]}'"
		echo '```'
		echo
		echo '```sh'
		local n
		for n in pg_rowferry pg_hash pg_copy sq_rowferry sq_hash sq_sqldiff my_rowferry my_rowferry_x my_hash my_hash_x my_ptsync my_ptsync_default pg_targeted my_targeted sq_targeted; do
			[ -n "${CMDLINE[$n]:-}" ] || continue
			echo "# $n"
			printf '%s\n' "${CMDLINE[$n]}" |
				sed -e "s|'${PG_URL[dev]}'|\"\$PG_DEV\"|g; s|'${PG_URL[prod]}'|\"\$PG_PROD\"|g" \
				-e "s|'${MY_URL[dev]}'|\"\$MY_DEV\"|g; s|'${MY_URL[prod]}'|\"\$MY_PROD\"|g" \
				-e "s|$WORK/|\$WORK/|g; s|$ROOT/||g" \
				-e "s|/usr/bin/time -a -o [^ ]* -f %M ||g"
		done
		echo '```'
		echo
		echo "hyperfine: \`hyperfine -N -i --runs N --warmup W --export-json …\` (\`-i\`: a diff that finds differences exits 1); full diffs: $RUNS_FAST runs (rowferry on MariaDB: $RUNS_SLOW), 1 warm-up for the peers, rowferry warmed by its correctness run; pt-table-sync: $RUNS_SLOW runs. Raw JSON and outputs: \`$WORK\`."
		echo "<!-- /diff-bench -->"
	} >"$sec"

	replace_section diff-bench "$sec" "$RESULTS"
}
