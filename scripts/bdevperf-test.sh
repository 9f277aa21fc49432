#!/bin/bash
# bdevperf on null bdevs: SPDK's results table for randread/randwrite/randrw,
# a tiny bdev_io pool (queue depth above it: -ENOMEM and
# spdk_bdev_queue_io_wait on every refill), and bad arguments.
# usage: bdevperf-test.sh [path/to/bdevperf] [seconds]
# With `bench` as the first argument: the 4 KiB QD128 null figures
# (release build, 10 s each, or the seconds given second).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bench=
if [ "${1:-}" = bench ]; then bench=1; shift; fi
bp=${1:-}
secs=${2:-1}
if [ -z "$bp" ]; then
	if [ -n "$bench" ]; then
		${CARGO:-cargo} build -q --release -p bdevperf || exit 1
		bp=${CARGO_TARGET_DIR:-$root/target}/release/bdevperf
	else
		${CARGO:-cargo} build -q -p bdevperf || exit 1
		bp=${CARGO_TARGET_DIR:-$root/target}/debug/bdevperf
	fi
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/null.json" <<'CFG'
{"subsystems": [{"subsystem": "bdev", "config": [
  {"method": "bdev_null_create", "params": {"name": "Null0", "num_blocks": 262144, "block_size": 4096}}
]}]}
CFG
cat >"$tmp/malloc.json" <<'CFG'
{"subsystems": [{"subsystem": "bdev", "config": [
  {"method": "bdev_malloc_create", "params": {"name": "Malloc0", "num_blocks": 32768, "block_size": 4096}}
]}]}
CFG
if [ -n "$bench" ]; then
	[ "$secs" = 1 ] && secs=10
	for cfg in null malloc; do
		for w in randread randwrite; do
			timeout $((secs + 30)) "$bp" -m 0x1 --disable-cpumask-locks -r "$tmp/s.sock" --json "$tmp/$cfg.json" -q 128 -o 4096 -w $w -t "$secs" 2>/dev/null | grep -E 'Job:|Total'
		done
	done
	exit 0
fi
cat >"$tmp/tiny.json" <<'CFG'
{"subsystems": [{"subsystem": "bdev", "config": [
  {"method": "bdev_set_options", "params": {"bdev_io_pool_size": 64, "bdev_io_cache_size": 16}},
  {"method": "bdev_null_create", "params": {"name": "Null0", "num_blocks": 1024, "block_size": 512}},
  {"method": "bdev_null_create", "params": {"name": "Null1", "num_blocks": 1024, "block_size": 512}}
]}]}
CFG
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAILED: $*" >&2; failed=$((failed + 1)); }
run() { # description, config, args...
	local d=$1 cfg=$2; shift 2
	if timeout 60 "$bp" -m 0x1 --disable-cpumask-locks -r "$tmp/s.sock" --json "$cfg" "$@" >"$tmp/out" 2>"$tmp/err"; then ok; else bad "$d"; cat "$tmp/out" "$tmp/err" >&2; return 1; fi
	grep -q 'Device Information' "$tmp/out" && ok || bad "$d: no results table"
	tr -d '\r' <"$tmp/out" | awk '$1 == "Total" { if ($3 + 0 > 0) found = 1 } END { exit !found }' && ok || bad "$d: no IOPS"
	grep -E '^\s+(Null|Malloc)' "$tmp/out" | awk '{ if ($6 + 0 != 0) exit 1 }' && ok || bad "$d: failed I/O"
}
run randread "$tmp/null.json" -q 128 -o 4096 -w randread -t "$secs"
grep -q 'Job: Null0 (Core Mask 0x1, workload: randread, depth: 128, IO size: 4096)' "$tmp/out" && ok || bad "job line"
run randwrite "$tmp/null.json" -q 32 -o 8192 -w randwrite -t "$secs"
run "randrw -M 70" "$tmp/null.json" -q 16 -o 4096 -w randrw -M 70 -t "$secs"
grep -q 'workload: randrw, percentage: 70' "$tmp/out" && ok || bad "randrw job line"
run "malloc randrw" "$tmp/malloc.json" -q 64 -o 4096 -w randrw -M 50 -t "$secs"
run "two bdevs, tiny pool" "$tmp/tiny.json" -q 128 -o 512 -w randwrite -t "$secs"
[ "$(grep -cE '^\s+Null[01] ' "$tmp/out")" = 2 ] && ok || bad "two jobs"
if timeout 20 "$bp" -r "$tmp/s.sock" --json "$tmp/null.json" -q 1 -o 4096 -w nope -t 1 >/dev/null 2>&1; then bad "bad -w accepted"; else ok; fi
if timeout 20 "$bp" -r "$tmp/s.sock" --json "$tmp/null.json" -q 1 -o 1000 -w read -t 1 >/dev/null 2>&1; then bad "io size not a block multiple accepted"; else ok; fi
echo "bdevperf: $passed passed, $failed failed"
[ "$failed" = 0 ]
