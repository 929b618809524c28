# shellcheck shell=bash disable=SC2034
# tmux_lib.sh - driving the console in a real terminal: tmux (sourced).
# A private tmux server per test (-L), 120x30, keys by send-keys, the screen
# by capture-pane, as a user would see it.

TMUX_SOCK=rf-console-$$
unset TMUX
tm() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }
rf_at_exit 'tm kill-server 2>/dev/null'

# tstart CMD: a session running CMD (a shell command) in a 120x30 window
tstart() {
	tm new-session -d -x 120 -y 30 -s main -e TERM=screen-256color \
		-e LANG=C.UTF-8 -e TZ=UTC "$1"
}
tkeys() { tm send-keys -t main "$@"; }
ttype() { tm send-keys -t main -l "$1"; }
tcap() { tm capture-pane -p -t main; }
# twait TEXT [SECONDS]: waits until TEXT is on the screen; fails the test
# (with the screen in the log) when it does not come
twait() {
	local i n=$((${2:-10} * 10))
	for ((i = 0; i < n; i++)); do
		if tcap | grep -qF -- "$1"; then
			ok "screen shows: $1"
			return 0
		fi
		sleep 0.1
	done
	not_ok "screen never showed: $1"
	tcap | sed 's/^/#   |/'
	return 1
}
