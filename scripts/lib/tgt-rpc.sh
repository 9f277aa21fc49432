# Shared by the scripts that drive spdk_tgt with SPDK's official Python
# client (PyPI `spdk`, command spdk-rpc). Source it after `set -u`; it
# builds spdk_tgt unless $1 names one, makes $tmp (removed on exit) and
# gives: start ARGS (spdk_tgt on $sock), stop SIGNAL (spdk_kill_instance,
# checks a clean exit), rpc ARGS, check DESCRIPTION CMD..., has TEXT
# (in the last output), ok, bad; counters $passed/$failed; finish NAME.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tgt=${1:-}
if [ -z "$tgt" ]; then
	${CARGO:-cargo} build -q -p spdk_tgt || exit 1
	tgt=${CARGO_TARGET_DIR:-$root/target}/debug/spdk_tgt
fi
if ! command -v spdk-rpc >/dev/null; then
	pip install -q spdk >/dev/null 2>&1 || pip install -q --break-system-packages spdk || exit 1
fi
tmp=$(mktemp -d)
sock=$tmp/spdk.sock
pid=
passed=0 failed=0
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
mask=0x1
[ "$(nproc)" -ge 2 ] && mask=0x3

ok() { passed=$((passed + 1)); }
bad() { echo "FAILED: $*" >&2; failed=$((failed + 1)); }
rpc() { timeout -k 10 10 spdk-rpc -s "$sock" "$@"; }
check() { # description, command...
	local d=$1; shift
	if "$@" >"$tmp/last" 2>&1; then ok; else bad "$d"; cat "$tmp/last" >&2; fi
}
# No per-core lock files: several people's test instances share the cores.
start() { # args...
	"$tgt" -m $mask -r "$sock" --disable-cpumask-locks "$@" >"$tmp/tgt.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		[ -S "$sock" ] && rpc spdk_get_version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	bad "spdk_tgt did not start ($*)"; cat "$tmp/tgt.log" >&2
	return 1
}
stop() { # signal name
	check "spdk_kill_instance $1" rpc spdk_kill_instance "$1"
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		bad "spdk_tgt still running after $1"
	else
		wait "$pid"; rc=$?
		[ $rc = 0 ] && ok || bad "spdk_tgt exit status $rc after $1"
		[ -e "$sock" ] && bad "socket left behind" || ok
	fi
	pid=
}
has() { grep -q -- "$1" "$tmp/last" || { bad "expected '$1' in: $(head -c 300 "$tmp/last")"; return 1; }; ok; }

finish() { # name
	echo "$1: $passed passed, $failed failed"
	[ "$failed" = 0 ]
}
