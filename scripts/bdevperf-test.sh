#!/bin/bash
# bdevperf on null and malloc bdevs: SPDK's results table for every
# workload, verify passing on malloc and failing on corrupted data (error
# bdev), unsupported I/O types, -M, -m 0x3 with a job per core, -C, -T, -S,
# -f, -Z, a tiny bdev_io pool (-ENOMEM and spdk_bdev_queue_io_wait on every
# refill), bad arguments, and -z with perform_tests from SPDK's Python
# client and a raw JSON-RPC socket.
# usage: bdevperf-test.sh [path/to/bdevperf] [seconds]
# With `bench` as the first argument: the 4 KiB QD128 one-core figures on
# null and malloc (release build, 10 s each, or the seconds given second).
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
zpid=
trap '[ -n "$zpid" ] && kill -9 $zpid 2>/dev/null; rm -rf "$tmp"' EXIT
cfg() { # name, bdev config entries...
	local name=$1; shift
	local IFS=,
	echo "{\"subsystems\": [{\"subsystem\": \"bdev\", \"config\": [$*]}]}" >"$tmp/$name.json"
}
null0='{"method": "bdev_null_create", "params": {"name": "Null0", "num_blocks": 262144, "block_size": 4096}}'
malloc0='{"method": "bdev_malloc_create", "params": {"name": "Malloc0", "num_blocks": 32768, "block_size": 4096}}'
malloc1='{"method": "bdev_malloc_create", "params": {"name": "Malloc1", "num_blocks": 16384, "block_size": 512}}'
cfg null "$null0"
cfg malloc "$malloc0"
if [ -n "$bench" ]; then
	[ "$secs" = 1 ] && secs=10
	for c in null malloc; do
		for w in randread randwrite; do
			timeout -k 10 $((secs + 30)) "$bp" -m 0x1 --disable-cpumask-locks -r "$tmp/s.sock" --json "$tmp/$c.json" -q 128 -o 4096 -w $w -t "$secs" 2>/dev/null | grep -E 'Job:|Total'
		done
	done
	exit 0
fi
cfg two "$malloc0" "$malloc1"
cfg both "$null0" "$malloc0"
cfg tiny '{"method": "bdev_set_options", "params": {"bdev_io_pool_size": 64, "bdev_io_cache_size": 16}}' \
	'{"method": "bdev_null_create", "params": {"name": "Null0", "num_blocks": 1024, "block_size": 512}}' \
	'{"method": "bdev_null_create", "params": {"name": "Null1", "num_blocks": 1024, "block_size": 512}}'
ee() { # config name, error_type, io_type, extra inject params
	cfg "$1" "$malloc0" '{"method": "bdev_error_create", "params": {"base_name": "Malloc0"}}' \
		"{\"method\": \"bdev_error_inject_error\", \"params\": {\"name\": \"EE_Malloc0\", \"io_type\": \"$3\", \"error_type\": \"$2\", \"num\": 1000000$4}}"
}
ee corrupt corrupt_data read ', "corrupt_offset": 10, "corrupt_value": 255'
ee fail failure read ''

passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAILED: $*" >&2; failed=$((failed + 1)); }
has() { grep -q -- "$1" "$tmp/out" && ok || bad "$2: no '$1'"; }
bp() { # mask, config, args... (output in $tmp/out, exit status in $rc)
	local m=$1 c=$2; shift 2
	timeout -k 10 60 "$bp" -m "$m" --disable-cpumask-locks -r "$tmp/s.sock" --json "$tmp/$c.json" "$@" >"$tmp/out" 2>&1
	rc=$?
}
run() { # description, mask, config, args...: a successful run with its table
	local d=$1; shift
	bp "$@"
	if [ $rc = 0 ]; then ok; else bad "$d (exit $rc)"; cat "$tmp/out" >&2; return 1; fi
	has 'Device Information' "$d"
	tr -d '\r' <"$tmp/out" | awk '$1 == "Total" { if ($3 + 0 > 0) found = 1 } END { exit !found }' && ok || bad "$d: no IOPS"
	grep -E '^\s+(Null|Malloc|EE_)[A-Za-z0-9_]* +:' "$tmp/out" | awk '{ if ($6 + 0 != 0) exit 1 }' && ok || bad "$d: failed I/O"
}
fails() { # description, expected exit status, mask, config, args...
	local d=$1 want=$2; shift 2
	bp "$@"
	[ $rc = "$want" ] && ok || { bad "$d: exit $rc, not $want"; cat "$tmp/out" >&2; }
}
q="-q 32 -o 4096 -t $secs"

# Every workload: those both support on a null and a malloc bdev at once.
run randread 0x1 both -q 128 -o 4096 -w randread -t "$secs"
has 'Job: Null0 (Core Mask 0x1, workload: randread, depth: 128, IO size: 4096)' randread
has 'Job: Malloc0 (Core Mask 0x1, workload: randread, depth: 128, IO size: 4096)' randread
for w in read write randwrite write_zeroes; do run "$w" 0x1 both $q -w $w; done
run "randrw -M 70" 0x1 both -q 16 -o 4096 -w randrw -M 70 -t "$secs"
has 'Job: Null0 (Core Mask 0x1, workload: randrw, percentage: 70' "randrw job line"
run "rw -M 0" 0x1 both $q -w rw -M 0
for w in unmap flush; do run "malloc $w" 0x1 malloc $q -w $w; done
run "malloc verify" 0x1 malloc $q -w verify
has 'Verification LBA range: start 0x0 length 0x8000' "verify range"
run "malloc reset" 0x1 malloc $q -w reset
run "malloc verify 512-byte blocks, 64 KiB I/O" 0x1 two -q 8 -o 64k -w verify -t "$secs" -T Malloc1
# SPDK's answers for what a bdev cannot do.
fails "null unmap" 161 0x1 null $q -w unmap
has 'Skipping Null0 because it does not support unmap' "null unmap"
fails "null verify (a null bdev keeps no data)" 255 0x1 null $q -w verify
has 'Buffer mismatch! Target: Null0' "null verify"
bp 0x1 null $q -w flush
[ $rc != 0 ] && ok || bad "null flush succeeded"
fails "-Z" 161 0x1 malloc $q -w randread -Z
has 'Test requires ZCOPY but bdev module does not support ZCOPY' "-Z"
fails "io size not a block multiple" 161 0x1 malloc -q 1 -o 1000 -w read -t 1
fails "-T unknown bdev" 255 0x1 malloc $q -w read -T Nope
has "Unable to find bdev 'Nope'" "-T unknown bdev"

# Data corruption and I/O errors injected by an error bdev.
if grep -q spdk_bdev_error "$root/crates/event/src/subsystems.rs" 2>/dev/null; then
	fails "verify over corrupt_data" 255 0x1 corrupt $q -w verify
	has 'Buffer mismatch! Target: EE_Malloc0' "corrupt_data"
	fails "failing reads" 255 0x1 fail $q -w randread
	has 'on job bdev=EE_Malloc0 fails' "failing reads"
	has 'Job: EE_Malloc0 ended in about' "failing reads"
	bp 0x1 fail $q -w randread -f
	[ $rc = 0 ] && ok || bad "-f: exit $rc"
	tr -d '\r' <"$tmp/out" | awk '$1 == "EE_Malloc0" { if ($6 + 0 > 0) f = 1 } END { exit !f }' && ok || bad "-f: no Fail/s"
else
	echo "bdevperf-test: no error bdev module, corrupt_data and -f cases skipped"
fi

# Cores: one job per bdev round robin, every core on each bdev with -C.
mask=0x3
[ "$(nproc)" -ge 2 ] || mask=0x1
run "two bdevs, -m $mask" $mask two $q -w randrw -M 50
has 'Job: Malloc0 (Core Mask 0x1,' "-m $mask"
[ $mask = 0x3 ] && has 'Job: Malloc1 (Core Mask 0x2,' "-m 0x3"
tr -d '\r' <"$tmp/out" | awk '$1 ~ /^Malloc/ { s += $4 } $1 == "Total" { t = $3 } END { exit !(s > 0 && (s - t) * (s - t) < 1) }' && ok || bad "Total is not the sum of the jobs"
run "-C" $mask two -q 8 -o 4096 -w verify -t "$secs" -C
[ "$(grep -c 'Verification LBA range' "$tmp/out")" = $((mask == 0x3 ? 4 : 2)) ] && ok || bad "-C jobs"
[ $mask = 0x3 ] && has 'Verification LBA range: start 0x400 length 0x400' "-C second half of Malloc1"
run "-T" 0x1 both $q -w randread -T Malloc0
[ "$(grep -c '^Job:' "$tmp/out")" = 1 ] && has 'Job: Malloc0' "-T" || bad "-T ran other bdevs"
run "-S 1" 0x1 null -q 8 -o 4096 -w randread -t 2 -S 1
[ "$(grep -c 'Total' "$tmp/out")" -ge 2 ] && ok || bad "-S: no periodic table"
run "two bdevs, tiny pool" 0x1 tiny -q 128 -o 512 -w randwrite -t "$secs"
[ "$(grep -cE '^\s+Null[01] ' "$tmp/out")" = 2 ] && ok || bad "two jobs"

# Bad arguments: usage and exit 1, as SPDK's; parse errors exit 2.
fails "bad -w" 1 0x1 null -q 1 -o 4096 -w nope -t 1
fails "-q 0" 1 0x1 null -q 0 -o 4096 -w read -t 1
fails "rw without -M" 1 0x1 null -q 1 -o 4096 -w rw -t 1
fails "-q -1" 2 0x1 null -q -1 -o 4096 -w read -t 1
fails "-o bad" 2 0x1 null -q 1 -o 4x -w read -t 1

# -z: runs started by perform_tests, answered with the results.
if ! python3 -c 'import spdk.rpc.client' 2>/dev/null; then
	pip install -q spdk >/dev/null 2>&1 || pip install -q --break-system-packages spdk >/dev/null 2>&1
fi
sock=$tmp/z.sock
"$bp" -m $mask --disable-cpumask-locks -r "$sock" --json "$tmp/two.json" -z -q 8 -o 4096 -w randread -t 1 >"$tmp/z.log" 2>&1 &
zpid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
if timeout -k 10 60 python3 - "$sock" $mask >"$tmp/out" 2>&1 <<'PY'; then ok; else bad "perform_tests"; cat "$tmp/out" >&2; fi
import json, socket, sys
from spdk.rpc.client import JSONRPCClient, JSONRPCException
sock, mask = sys.argv[1], sys.argv[2]
c = JSONRPCClient(sock, timeout=30)
ok = True
def check(cond, what):
    global ok
    if not cond:
        print("perform_tests:", what); ok = False

r = c.call('perform_tests')
jobs = r['results']
check(len(jobs) == 2 and r['core_count'] == (2 if mask == '0x3' else 1), r)
keys = {'job', 'core_mask', 'workload', 'status', 'queue_depth', 'io_size', 'runtime', 'iops',
        'mibps', 'io_failed', 'io_timeout', 'avg_latency_us', 'min_latency_us', 'max_latency_us'}
for j in jobs:
    check(set(j) == keys and j['status'] == 'finished' and j['iops'] > 0 and j['workload'] == 'randread', j)
    # Latencies come from the bdev histogram: real, ordered figures.
    check(0 < j['min_latency_us'] <= j['avg_latency_us'] <= j['max_latency_us'], j)
r = c.call('perform_tests', {'workload_type': 'randrw', 'rw_percentage': 70, 'queue_depth': 4,
                              'io_size': '8k', 'time_in_sec': 1})
check(len(r['results']) == 2, r)
for j in r['results']:
    check(j['workload'] == 'randrw' and j['percentage'] == 70 and j['queue_depth'] == 4 and j['io_size'] == 8192, j)
r = c.call('perform_tests', {'workload_type': 'verify'})
check(len(r['results']) == 2, r)
for j in r['results']:
    check(j['verify_range']['start'] == 0 and j['status'] == 'finished', j)
for p, code, msg in [({'workload_type': 'bogus'}, -32700, 'Invalid parameters provided'),
                     ({'queue_depth': 'x'}, -32700, 'spdk_json_decode_object failed')]:
    try:
        c.call('perform_tests', p)
        check(False, f"{p} accepted")
    except JSONRPCException as e:
        check(f'"code": {code}' in e.message and msg in e.message, e.message)

# A raw client: a second request while a run is going is refused.
def raw():
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    return s
def answer(s):
    buf = b''
    while True:
        buf += s.recv(65536)
        try:
            return json.loads(buf)
        except ValueError:
            pass
a, b = raw(), raw()
a.sendall(json.dumps({'jsonrpc': '2.0', 'method': 'perform_tests', 'id': 1}).encode())
# The first request is taken before the second (one server poll apart).
import time; time.sleep(0.2)
b.sendall(json.dumps({'jsonrpc': '2.0', 'method': 'perform_tests', 'id': 2}).encode())
rb = answer(b)
check(rb.get('error', {}).get('code') == -32603 and rb['error']['message'] == 'Operation now in progress', rb)
ra = answer(a)
check(ra['id'] == 1 and len(ra['result']['results']) == 2, ra)
sys.exit(0 if ok else 1)
PY
kill -INT $zpid 2>/dev/null
for _ in $(seq 100); do kill -0 $zpid 2>/dev/null || break; sleep 0.1; done
wait $zpid; zrc=$?
zpid=
[ $zrc = 0 ] && ok || bad "-z: exit $zrc after SIGINT"
grep -q 'Received shutdown signal' "$tmp/z.log" && ok || bad "-z: no shutdown line"

echo "bdevperf: $passed passed, $failed failed"
[ "$failed" = 0 ]
