#!/usr/bin/env bash
# What an idle syrupd costs: starts it (bin/syrup daemon, default JVM options) with its own socket, state, cache and
# bpffs pin root, lets it settle, then reads its resident memory (/proc/PID/status) and the CPU time it used over
# SECONDS seconds (utime + stime from /proc/PID/stat). Usage: agent-idle.sh [SECONDS] [SETTLE_SECONDS]
# With DEPLOYED=1 it first deploys round_robin.c on a 4-socket UDP server (native/build/testapps/udp_workers),
# so that what a deployment costs at rest (the follower's bind watcher and its backstop rescan) is counted too.
set -euo pipefail

seconds="${1:-60}"
settle="${2:-15}"
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
work="$(mktemp -d /tmp/syrup-agent-idle.XXXXXX)"
pins="/sys/fs/bpf/syrup-agent-idle-$$"
pid=""
app=""
port=7199

cleanup() {
	if [[ -n "$app" ]] && kill -0 "$app" 2>/dev/null; then
		kill "$app"
		wait "$app" 2>/dev/null || true
	fi
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$pins" "$work"
}
trap cleanup EXIT

"$root/bin/syrup" daemon --socket "$work/syrupd.sock" --pin-root "$pins" --state-dir "$work/state" \
	--cache-dir "$work/cache" >"$work/syrupd.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
	[[ -S "$work/syrupd.sock" ]] && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/syrupd.log" >&2; exit 1; }
	sleep 0.1
done
[[ -S "$work/syrupd.sock" ]] || { echo "agent-idle: syrupd did not come up" >&2; exit 1; }
what="no deployments"
if [[ "${DEPLOYED:-0}" == 1 ]]; then
	# The server reads commands on stdin and ends at its EOF: a FIFO this script holds open until it exits.
	mkfifo "$work/app.in"
	"$root/native/build/testapps/udp_workers" --port "$port" --sockets 4 <"$work/app.in" >/dev/null 2>&1 &
	app=$!
	exec 3>"$work/app.in"
	sleep 1
	"$root/bin/syrup" deploy --socket "$work/syrupd.sock" --hook socket-select --port "$port" \
		"$root/examples/policies/round_robin.c" >/dev/null
	what="one socket-select deployment, round_robin.c on a 4-socket UDP server"
fi
sleep "$settle"

ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; } # utime + stime, in clock ticks
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$pid/status"; }
hz="$(getconf CLK_TCK)"
before="$(ticks)"
sleep "$seconds"
after="$(ticks)"

printf 'syrupd idle (%s), %s s after start, measured over %s s (%s)\n' "$what" "$settle" "$seconds" "$(date -u +%FT%TZ)"
printf '  RSS: %.1f MiB (peak %.1f MiB), threads: %s\n' "$(echo "$(kib VmRSS) / 1024" | bc -l)" \
	"$(echo "$(kib VmHWM) / 1024" | bc -l)" "$(awk '$1 == "Threads:" {print $2}' "/proc/$pid/status")"
printf '  CPU: %.2f s over %s s = %.2f%% of one core\n' "$(echo "($after - $before) / $hz" | bc -l)" "$seconds" \
	"$(echo "($after - $before) / $hz / $seconds * 100" | bc -l)"
