#!/bin/bash
# Drives c-examples/hello_rpc (an SPDK app with its own subsystem and RPC
# methods) with SPDK's official Python client (PyPI `spdk`): the methods
# through an spdk-rpc plugin and through spdk.rpc.client.JSONRPCClient,
# parameter errors, RPC state masks (--wait-for-rpc), save_config holding
# the subsystem's entry, --json replaying it, and spdk_kill_instance /
# SIGTERM / SIGINT ending in a clean exit. As root it runs once more as
# user nobody. Everything in a temporary directory, bounded in time.
# Prints "hello-rpc: N passed, N failed".
# usage: hello-rpc-test.sh STAGE [path/to/hello_rpc]
set -u
stage=$1
root=$(cd "$(dirname "$0")/.." && pwd)
app=${2:-}
export PKG_CONFIG_PATH=$stage/lib/pkgconfig
export LD_LIBRARY_PATH=$stage/lib
export PYTHONPATH=$root/c-examples${PYTHONPATH:+:$PYTHONPATH}
if [ -z "$app" ]; then
	app=$root/build/examples/hello_rpc
	mkdir -p "$(dirname "$app")"
	${CC:-cc} -Wall -Werror -o "$app" "$root/c-examples/hello_rpc.c" \
		$(pkg-config --cflags --libs spdk_event spdk_rpc spdk_json spdk_jsonrpc spdk_init \
			spdk_thread spdk_env_dpdk spdk_util spdk_log spdk_syslibs) || exit 1
fi
if ! command -v spdk-rpc >/dev/null; then
	pip install -q spdk >/dev/null 2>&1 || pip install -q --break-system-packages spdk || exit 1
fi
tmp=$(mktemp -d)
chmod 755 "$tmp"
sock=$tmp/hello.sock
pid=
passed=0 failed=0
as=()
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
hello() { rpc --plugin hello_rpc_plugin "$@"; }
check() { # description, command...
	local d=$1; shift
	if "$@" >"$tmp/last" 2>&1; then ok; else bad "$d"; cat "$tmp/last" >&2; fi
}
fails() { # description, command... (must fail)
	local d=$1; shift
	if "$@" >"$tmp/last" 2>&1; then bad "$d succeeded"; cat "$tmp/last" >&2; else ok; fi
}
has() { grep -q -- "$1" "$tmp/last" || { bad "expected '$1' in: $(head -c 400 "$tmp/last")"; return 1; }; ok; }
# A call through the client library; prints the result as JSON, or the
# error code and message.
pycall() { # method [json params]
	timeout -k 10 10 python3 - "$sock" "$@" <<'PY'
import json, sys
from spdk.rpc.client import JSONRPCClient, JSONRPCException
sock, method = sys.argv[1], sys.argv[2]
params = json.loads(sys.argv[3]) if len(sys.argv) > 3 else None
try:
    print(json.dumps(JSONRPCClient(sock, timeout=10).call(method, params)))
except JSONRPCException as e:
    print(e.message)
    sys.exit(1)
PY
}
start() { # args...
	rm -f "$sock"
	# No per-core lock files: other test instances may share the cores.
	"${as[@]}" "$app" -m $mask -r "$sock" --disable-cpumask-locks "$@" >"$tmp/app.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		[ -S "$sock" ] && rpc spdk_get_version >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	bad "hello_rpc did not start ($*)"; cat "$tmp/app.log" >&2
	kill -9 "$pid" 2>/dev/null; pid=
	return 1
}
waitexit() { # how it was stopped
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		bad "hello_rpc still running after $1"; kill -9 "$pid"; wait "$pid" 2>/dev/null
	else
		wait "$pid"; rc=$?
		[ $rc = 0 ] && ok || { bad "hello_rpc exit status $rc after $1"; cat "$tmp/app.log" >&2; }
		[ -e "$sock" ] && bad "socket left behind after $1" || ok
		grep -q "hello subsystem finished" "$tmp/app.log" && ok || bad "subsystem fini not run after $1"
	fi
	pid=
}
kill_instance() { # signal name
	check "spdk_kill_instance $1" rpc spdk_kill_instance "$1"
	waitexit "spdk_kill_instance $1"
}
signal() { # signal name
	kill -s "$1" "$pid"
	waitexit "$1"
}

scenario() {
	# 1. Our methods and subsystem at runtime.
	start -G Hi || return
	if [ ${#as[@]} -gt 0 ]; then
		[ "$(ps -o user= -p "$pid")" = nobody ] && ok || bad "not running as nobody"
	fi
	grep -q 'hello subsystem initialised: "Hi"' "$tmp/app.log" && ok || bad "subsystem init did not see -G"
	check "rpc_get_methods" rpc rpc_get_methods
	has '"hello_set_greeting"'
	has '"hello_get_greeting"'
	check framework_get_subsystems rpc framework_get_subsystems
	has '"subsystem": "hello"'
	check "hello_get_greeting (plugin)" hello hello_get_greeting
	has '"greeting": "Hi"'
	has '"sets": 1'
	has '"thread": "app_thread"'
	check "hello_set_greeting (plugin)" hello hello_set_greeting Bonjour -p '!'
	has true
	check "hello_get_greeting after set" hello hello_get_greeting
	has '"greeting": "Bonjour!"'
	has '"sets": 2'
	check "hello_set_greeting (JSONRPCClient)" pycall hello_set_greeting '{"greeting": "Hallo"}'
	has true
	check "hello_get_greeting (JSONRPCClient)" pycall hello_get_greeting
	has '"greeting": "Hallo"'
	# Bad parameters: JSON-RPC errors, the server goes on.
	fails "hello_set_greeting without params" pycall hello_set_greeting
	has '"code": -32602'
	fails "hello_set_greeting with an unknown member" pycall hello_set_greeting '{"greeting": "x", "colour": 1}'
	has '"code": -32602'
	fails "hello_set_greeting with a number" pycall hello_set_greeting '{"greeting": 42}'
	has '"code": -32602'
	fails "hello_set_greeting with an empty greeting" pycall hello_set_greeting '{"greeting": ""}'
	has '"code": -22'
	has "Cannot set the greeting"
	fails "hello_get_greeting with params" pycall hello_get_greeting '{"x": 1}'
	has '"code": -32602'
	check "hello_get_greeting after errors" hello hello_get_greeting
	has '"greeting": "Hallo"'
	has '"sets": 3'
	# save_config carries the subsystem's entry.
	check save_config rpc save_config
	cp "$tmp/last" "$tmp/saved.json"
	check "save_config has the hello entry" python3 -c '
import json, sys
cfg = json.load(open(sys.argv[1]))
hello = [s for s in cfg["subsystems"] if s["subsystem"] == "hello"]
assert hello, "no hello subsystem"
assert hello[0]["config"] == [{"method": "hello_set_greeting",
                               "params": {"greeting": "Hallo"}}], hello[0]
' "$tmp/saved.json"
	check "framework_get_config hello" rpc framework_get_config hello
	has '"greeting": "Hallo"'
	kill_instance SIGTERM

	# 2. The saved configuration replayed with --json (before the
	# subsystem's init, which keeps it), then stopped by a real SIGTERM.
	start --json "$tmp/saved.json" -G Ignored || return
	check "hello_get_greeting after --json" hello hello_get_greeting
	has '"greeting": "Hallo"'
	check "save_config after --json" rpc save_config
	if cmp -s "$tmp/saved.json" "$tmp/last"; then ok; else bad "save_config differs after --json"; fi
	signal TERM

	# 3. --wait-for-rpc: set is a startup method, get only a runtime one.
	start --wait-for-rpc || return
	fails "hello_get_greeting at startup" pycall hello_get_greeting
	has '"code": -1'
	has "framework_start_init"
	check "hello_set_greeting at startup" hello hello_set_greeting Servus
	check framework_start_init rpc framework_start_init
	check framework_wait_init rpc framework_wait_init
	check "hello_get_greeting after framework_start_init" hello hello_get_greeting
	has '"greeting": "Servus"'
	kill_instance SIGINT
	start || return
	signal INT
}

check "hello_rpc -h" "$app" -h
has "-G <greeting>"
has "-r"
fails "hello_rpc with a bad option" "$app" --no-such-option
scenario
# setpriv execs the app in place, so that signals reach it directly.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	if setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups test -x "$app" 2>/dev/null; then
		chown nobody "$tmp"
		as=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --)
		echo "hello-rpc: again as user nobody"
		scenario
	else
		echo "note: $app is not reachable by user nobody; skipping the unprivileged run"
	fi
fi
echo "hello-rpc: $passed passed, $failed failed"
[ "$failed" = 0 ]
