#!/bin/bash
# The ext_passthru bdev module written in C (c-examples/passthru), built
# with its Makefile through pkg-config against the staged install, in a
# running application:
#   - passthru_app -c config.json (malloc bases, passthru bdevs, one
#     waiting for its base) driven with SPDK's Python client: the module's
#     RPCs through an spdk-rpc plugin and JSONRPCClient, bdev_get_bdevs,
#     SPDK's errors, creation before the base exists (examine_config),
#     save_config -> restart with --json -> the same configuration, delete,
#     and hot remove of a base (bdev_malloc_delete takes the passthru away;
#     the base coming back brings it back);
#   - passthru_io: every bdev I/O call through a passthru bdev, data checked
#     on the passthru and on its base, the base's spdk_bdev_io pool run dry,
#     I/O from a second reactor;
#   - hello_bdev with the module built in, on the configuration saved by
#     passthru_app, writing and reading through a passthru bdev.
# Prints "passthru: N passed, N failed".
# usage: passthru-test.sh STAGE [directory with the built programs]
set -u
stage=$1
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${2:-}
export PKG_CONFIG_PATH=$stage/lib/pkgconfig
export LD_LIBRARY_PATH=$stage/lib
export PYTHONPATH=$root/c-examples/passthru${PYTHONPATH:+:$PYTHONPATH}
if [ -z "$bin" ]; then
	bin=$root/build/examples/passthru
	mkdir -p "$bin"
	make -s -C "$root/c-examples/passthru" O="$bin" || exit 1
fi
if ! command -v spdk-rpc >/dev/null; then
	pip install -q spdk >/dev/null 2>&1 || pip install -q --break-system-packages spdk || exit 1
fi
tmp=$(mktemp -d)
sock=$tmp/pt.sock
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
pt() { rpc --plugin ext_passthru_plugin "$@"; }
check() { # description, command...
	local d=$1; shift
	if "$@" >"$tmp/last" 2>&1; then ok; else bad "$d"; cat "$tmp/last" >&2; fi
}
fails() { # description, command... (must fail)
	local d=$1; shift
	if "$@" >"$tmp/last" 2>&1; then bad "$d succeeded"; cat "$tmp/last" >&2; return 1; fi
	ok
}
has() { grep -q -- "$1" "$tmp/last" || { bad "expected '$1' in: $(head -c 400 "$tmp/last")"; return 1; }; ok; }
hasnt() { if grep -q -- "$1" "$tmp/last"; then bad "unexpected '$1'"; else ok; fi; }
# A call through the client library: the result as JSON, or the error.
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
	"$bin/passthru_app" -m $mask -r "$sock" --disable-cpumask-locks "$@" >"$tmp/app.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		[ -S "$sock" ] && rpc spdk_get_version >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	bad "passthru_app did not start ($*)"; cat "$tmp/app.log" >&2
	kill -9 "$pid" 2>/dev/null; pid=
	return 1
}
stop() { # signal name
	check "spdk_kill_instance $1" rpc spdk_kill_instance "$1"
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		bad "passthru_app still running after $1"; kill -9 "$pid"; wait "$pid" 2>/dev/null
	else
		wait "$pid"; rc=$?
		[ $rc = 0 ] && ok || { bad "passthru_app exit status $rc after $1"; cat "$tmp/app.log" >&2; }
		[ -e "$sock" ] && bad "socket left behind after $1" || ok
	fi
	pid=
}

cat >"$tmp/config.json" <<'CFG'
{"subsystems": [{"subsystem": "bdev", "config": [
  {"method": "bdev_malloc_create", "params": {"name": "Malloc0", "num_blocks": 16384, "block_size": 512}},
  {"method": "bdev_malloc_create", "params": {"name": "Malloc1", "num_blocks": 2048, "block_size": 4096}},
  {"method": "construct_ext_passthru_bdev", "params": {"base_bdev_name": "Malloc0", "name": "pt0"}},
  {"method": "construct_ext_passthru_bdev", "params": {"base_bdev_name": "Malloc9", "name": "pt9"}}
]}]}
CFG

check "passthru_app -h" "$bin/passthru_app" -h
has "--json"

# 1. The module in a running app, configured by -c.
start -c "$tmp/config.json" || exit 1
check rpc_get_methods rpc rpc_get_methods
has '"construct_ext_passthru_bdev"'
has '"delete_ext_passthru_bdev"'
check "bdev_get_bdevs pt0" rpc bdev_get_bdevs -b pt0
has '"product_name": "ext_passthru"'
has '"base_bdev_name": "Malloc0"'
has '"ext_passthru": {'
has '"num_blocks": 16384'
has '"block_size": 512'
cp "$tmp/last" "$tmp/pt0.json"
check "pt0 has a UUID" python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))[0]
assert len(b["uuid"]) == 36 and b["uuid"] != "00000000-0000-0000-0000-000000000000", b
' "$tmp/pt0.json"
check "bdev_get_bdevs Malloc0" rpc bdev_get_bdevs -b Malloc0
has '"claimed": true'
fails "pt9 waits for Malloc9" rpc bdev_get_bdevs -b pt9
has "No such device"
grep -q "ext_passthru pt9: waiting for base bdev Malloc9" "$tmp/app.log" && ok || bad "no deferred-creation notice"

# Creation through the plugin and through JSONRPCClient; SPDK's errors.
check "construct_ext_passthru_bdev (plugin)" pt construct_ext_passthru_bdev -b Malloc1 -p pt1
has '"pt1"'
check "bdev_get_bdevs pt1" rpc bdev_get_bdevs -b pt1
has '"block_size": 4096'
has '"num_blocks": 2048'
fails "duplicate name" pycall construct_ext_passthru_bdev '{"base_bdev_name": "Malloc1", "name": "pt1"}'
has '"code": -17'
has "File exists"
fails "claimed base" pycall construct_ext_passthru_bdev '{"base_bdev_name": "Malloc0", "name": "pt2"}'
has '"code": -1'
has "Operation not permitted"
fails "bdev_get_bdevs pt2 after the failure" rpc bdev_get_bdevs -b pt2
fails "missing name" pycall construct_ext_passthru_bdev '{"base_bdev_name": "Malloc0"}'
has '"code": -32602'
fails "unknown member" pycall construct_ext_passthru_bdev '{"base_bdev_name": "M", "name": "x", "y": 1}'
has '"code": -32602'
fails "no params" pycall delete_ext_passthru_bdev
has '"code": -32602'
fails "delete of an unknown bdev" pycall delete_ext_passthru_bdev '{"name": "nope"}'
has '"code": -19'
has "No such device"
fails "delete of a bdev of another module" pycall delete_ext_passthru_bdev '{"name": "Malloc0"}'
has "No such device"

# Before its base: built by examine_config when the base registers.
check "construct before the base" pt construct_ext_passthru_bdev -b Malloc3 -p pt3
fails "pt3 not there yet" rpc bdev_get_bdevs -b pt3
check "bdev_malloc_create Malloc3" rpc bdev_malloc_create 4 512 -b Malloc3
check "pt3 built on examine" rpc bdev_get_bdevs -b pt3
has '"base_bdev_name": "Malloc3"'
check "bdev_malloc_create Malloc9" rpc bdev_malloc_create 4 4096 -b Malloc9
check "pt9 (from the config) built on examine" rpc bdev_get_bdevs -b pt9
has '"block_size": 4096'
check "bdev_get_iostat pt0" rpc bdev_get_iostat --names pt0
has '"name": "pt0"'

# save_config holds every passthru bdev; the saved file loads back the same.
check save_config rpc save_config
cp "$tmp/last" "$tmp/saved.json"
check "save_config content" python3 -c '
import json, sys
cfg = json.load(open(sys.argv[1]))
bdev = [s for s in cfg["subsystems"] if s["subsystem"] == "bdev"][0]["config"]
pts = {c["params"]["name"]: c["params"]["base_bdev_name"] for c in bdev
       if c["method"] == "construct_ext_passthru_bdev"}
assert pts == {"pt0": "Malloc0", "pt1": "Malloc1", "pt3": "Malloc3", "pt9": "Malloc9"}, pts
assert bdev[-1]["method"] == "bdev_wait_for_examine", bdev[-1]
' "$tmp/saved.json"
stop SIGTERM

start --json "$tmp/saved.json" || exit 1
check "bdev_get_bdevs after --json" rpc bdev_get_bdevs
for n in pt0 pt1 pt3 pt9 Malloc0 Malloc1 Malloc3 Malloc9; do has "\"name\": \"$n\""; done
check "save_config after --json" rpc save_config
if cmp -s "$tmp/saved.json" "$tmp/last"; then ok; else
	bad "the saved configuration does not load back the same"
	diff "$tmp/saved.json" "$tmp/last" >&2
fi

# Delete; hot remove of a base; the base coming back.
check "delete_ext_passthru_bdev pt1 (plugin)" pt delete_ext_passthru_bdev pt1
has true
fails "pt1 deleted" rpc bdev_get_bdevs -b pt1
fails "second delete" pt delete_ext_passthru_bdev pt1
has "No such device"
check "Malloc1 released" rpc bdev_get_bdevs -b Malloc1
has '"claimed": false'
check "hot remove: bdev_malloc_delete Malloc3" rpc bdev_malloc_delete Malloc3
fails "pt3 gone with its base" rpc bdev_get_bdevs -b pt3
has "No such device"
check "Malloc3 again" rpc bdev_malloc_create 4 512 -b Malloc3
check "pt3 back with its base" rpc bdev_get_bdevs -b pt3
has '"base_bdev_name": "Malloc3"'
check "delete pt3" pycall delete_ext_passthru_bdev '{"name": "pt3"}'
check "hot remove: bdev_malloc_delete Malloc0" rpc bdev_malloc_delete Malloc0
fails "pt0 gone with its base" rpc bdev_get_bdevs -b pt0
check "save_config after the removals" rpc save_config
has '"base_bdev_name": "Malloc9"'
hasnt '"name": "pt1"'
hasnt '"name": "pt3"'
# pt0 stays configured, waiting for Malloc0 to come back.
has '"base_bdev_name": "Malloc0"'
stop SIGINT

# 2. Every I/O call through a passthru bdev (a small bdev_io pool: the
# passthru's submissions to its base wait for free ones); compare, copy
# and abort through one on HoldRam, a base registered later by passthru_io.
cat >"$tmp/io.json" <<'CFG'
{"subsystems": [{"subsystem": "bdev", "config": [
  {"method": "bdev_set_options", "params": {"bdev_io_pool_size": 32, "bdev_io_cache_size": 16}},
  {"method": "bdev_malloc_create", "params": {"name": "Malloc0", "num_blocks": 128, "block_size": 512}},
  {"method": "construct_ext_passthru_bdev", "params": {"base_bdev_name": "Malloc0", "name": "pt0"}},
  {"method": "construct_ext_passthru_bdev", "params": {"base_bdev_name": "HoldRam", "name": "pth"}}
]}]}
CFG
if timeout -k 10 60 "$bin/passthru_io" -m $mask --disable-cpumask-locks -r "$tmp/io.sock" \
	--json "$tmp/io.json" -b pt0 -a Malloc0 -N pth -L ext_passthru >"$tmp/last" 2>&1; then ok; else
	bad "passthru_io"; cat "$tmp/last" >&2
fi
has "passthru_io: [1-9][0-9]* passed, 0 failed"
has "I/O queued until the base has a bdev_io"

# 3. hello_bdev with the module built in, on passthru_app's saved configuration.
if timeout -k 10 60 "$bin/hello_bdev_pt" -m 0x1 --disable-cpumask-locks -r "$tmp/hello.sock" \
	--json "$tmp/saved.json" -b pt1 >"$tmp/last" 2>&1; then ok; else
	bad "hello_bdev_pt on pt1"; cat "$tmp/last" >&2
fi
has "Read string from bdev : Hello World!"
has "bdev compare matched"

echo "passthru: $passed passed, $failed failed"
[ "$failed" = 0 ]
