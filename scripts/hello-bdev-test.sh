#!/bin/bash
# Runs c-examples/hello_bdev (write "Hello World!", read it back, compare)
# on malloc bdevs of 512- and 4096-byte blocks from a JSON configuration,
# and checks that it fails, with a non-zero exit status, on a bdev that
# does not keep data (null), on a missing bdev and on bad options.
# Prints "hello-bdev: N passed, N failed".
# usage: hello-bdev-test.sh STAGE [path/to/hello_bdev]
set -u
stage=$1
root=$(cd "$(dirname "$0")/.." && pwd)
app=${2:-}
export PKG_CONFIG_PATH=$stage/lib/pkgconfig
export LD_LIBRARY_PATH=$stage/lib
if [ -z "$app" ]; then
	app=$root/build/examples/hello_bdev
	mkdir -p "$(dirname "$app")"
	${CC:-cc} -Wall -Werror -o "$app" "$root/c-examples/hello_bdev.c" \
		$(pkg-config --cflags --libs spdk_event spdk_bdev spdk_thread spdk_env_dpdk \
			spdk_util spdk_log spdk_syslibs) || exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAILED: $*" >&2; failed=$((failed + 1)); }
cat >"$tmp/bdev.json" <<'CFG'
{"subsystems": [{"subsystem": "bdev", "config": [
  {"method": "bdev_malloc_create", "params": {"name": "Malloc0", "num_blocks": 8192, "block_size": 512}},
  {"method": "bdev_malloc_create", "params": {"name": "Malloc1", "num_blocks": 1024, "block_size": 4096}},
  {"method": "bdev_null_create", "params": {"name": "Null0", "num_blocks": 1024, "block_size": 512}}
]}]}
CFG
hello() { # expected status (0 or fail), args...
	local want=$1; shift
	timeout -k 10 60 "$app" -m 0x1 --disable-cpumask-locks -r "$tmp/hello.sock" "$@" >"$tmp/out" 2>&1
	local rc=$?
	if [ "$want" = 0 ] && [ $rc = 0 ]; then ok
	elif [ "$want" = fail ] && [ $rc != 0 ] && [ $rc != 124 ]; then ok
	else bad "hello_bdev $* exited with $rc"; cat "$tmp/out" >&2; fi
}
has() { grep -q -- "$1" "$tmp/out" && ok || { bad "expected '$1' in: $(head -c 600 "$tmp/out")"; }; }

hello 0 --json "$tmp/bdev.json"
has "Opening the bdev Malloc0"
has "Read string from bdev : Hello World!"
has "bdev compare matched"
hello 0 --json "$tmp/bdev.json" -b Malloc1
has "Read string from bdev : Hello World!"
# A null bdev reads zeroes: the block read back differs.
hello fail --json "$tmp/bdev.json" -b Null0
has "differs"
hello fail --json "$tmp/bdev.json" -b NoSuchBdev
has "Could not open bdev NoSuchBdev"
hello fail -b Malloc0
hello 0 -h
has "-b <bdev>"
hello fail --no-such-option
echo "hello-bdev: $passed passed, $failed failed"
[ "$failed" = 0 ]
