#!/bin/bash
# The bdev layer's own RPCs with SPDK's client: QoS rate limits
# (bdev_set_qos_limit, shown by bdev_get_bdevs) and latency histograms
# (bdev_enable_histogram, bdev_get_histogram), saved by save_config and
# loaded back with --json; aliases and the wait for a bdev in
# bdev_get_bdevs; queue depth sampling (bdev_set_qd_sampling_period, shown
# by bdev_get_iostat).
# usage: bdev-core.sh [path/to/spdk_tgt]
set -u
. "$(dirname "$0")/../lib/tgt-rpc.sh"

start || exit 1
check "malloc base" rpc bdev_malloc_create -b Mal0 8 512
check "qos limit" rpc bdev_set_qos_limit Mal0 --rw-ios-per-sec 1500 --r-mbytes-per-sec 3
check "bdev_get_bdevs with limits" rpc bdev_get_bdevs -b Mal0
has '"rw_ios_per_sec": 2000'
has '"r_mbytes_per_sec": 3'
has '"w_mbytes_per_sec": 0'
if rpc bdev_set_qos_limit nope --rw-ios-per-sec 1000 >"$tmp/last" 2>&1; then bad "limit on a missing bdev"; else has "No such device"; fi
if rpc bdev_set_qos_limit Mal0 >"$tmp/last" 2>&1; then bad "no limits accepted"; else has "No rate limits specified"; fi
check "histogram on" rpc bdev_enable_histogram Mal0 --histogram --opc read
check "bdev_get_histogram" rpc bdev_get_histogram Mal0
has '"histogram": "'
has '"granularity": 7'
has '"tsc_rate"'
if rpc bdev_enable_histogram Mal0 --histogram --opc bogus >"$tmp/last" 2>&1; then bad "bad opc accepted"; else has "Invalid Io type"; fi
check "save_config with limits" rpc save_config
cp "$tmp/last" "$tmp/qos.json"
has '"method": "bdev_set_qos_limit"'
has '"method": "bdev_enable_histogram"'
has '"opc": "read"'
stop SIGTERM

start --json "$tmp/qos.json" || exit 1
check "limits after --json" rpc bdev_get_bdevs -b Mal0
has '"rw_ios_per_sec": 2000'
check "save_config again" rpc save_config
if cmp -s "$tmp/qos.json" "$tmp/last"; then ok; else bad "qos config does not load back the same"; fi
check "limit removed" rpc bdev_set_qos_limit Mal0 --rw-ios-per-sec 0 --r-mbytes-per-sec 0
check "bdev_get_bdevs without limits" rpc bdev_get_bdevs -b Mal0
has '"rw_ios_per_sec": 0'
check "histogram off" rpc bdev_enable_histogram Mal0 --no-histogram
# As SPDK: with no channel open there is nothing to miss, so an empty histogram.
check "bdev_get_histogram while off" rpc bdev_get_histogram Mal0
check "save_config without limits" rpc save_config
grep -q bdev_set_qos_limit "$tmp/last" && bad "removed limit still saved" || ok
grep -q bdev_enable_histogram "$tmp/last" && bad "disabled histogram still saved" || ok
stop SIGINT

start || exit 1
check "malloc with a uuid" rpc bdev_malloc_create -b Mal1 -u 7a4d7b3e-6f1d-4c2a-9b6e-0123456789ab 8 512
check "bdev_get_bdevs by uuid" rpc bdev_get_bdevs -b 7a4d7b3e-6f1d-4c2a-9b6e-0123456789ab
has '"name": "Mal1"'
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))[0]["aliases"] == ["7a4d7b3e-6f1d-4c2a-9b6e-0123456789ab"]' "$tmp/last" && ok || bad "uuid alias"
if rpc bdev_get_bdevs -b Late >"$tmp/last" 2>&1; then bad "missing bdev found"; else has "No such device"; fi
# Waits for a bdev that appears meanwhile, and gives up after the timeout.
(sleep 0.5; rpc bdev_malloc_create -b Late 8 512 >/dev/null) &
late=$!
check "bdev_get_bdevs waits for it" rpc bdev_get_bdevs -b Late -t 5000
wait $late
has '"name": "Late"'
start_t=$(date +%s%N)
if rpc bdev_get_bdevs -b Never -t 300 >"$tmp/last" 2>&1; then bad "bdev that never came found"; else has "Connection timed out"; fi
[ $(( ($(date +%s%N) - start_t) / 1000000 )) -ge 300 ] && ok || bad "timeout shorter than asked"
check "qd sampling on" rpc bdev_set_qd_sampling_period Mal1 1000
check "bdev_get_iostat with queue depth" rpc bdev_get_iostat --names Mal1
has '"queue_depth_polling_period": 1000'
has '"queue_depth": '
has '"io_time": '
has '"weighted_io_time": '
check "qd sampling off" rpc bdev_set_qd_sampling_period Mal1 0
sleep 0.2
check "bdev_get_iostat without" rpc bdev_get_iostat --names Mal1
grep -q queue_depth "$tmp/last" && bad "queue depth still shown" || ok
if rpc bdev_set_qd_sampling_period nope 1000 >"$tmp/last" 2>&1; then bad "sampling a missing bdev"; else has "No such device"; fi
check "delete a sampled bdev" rpc bdev_set_qd_sampling_period Late 500
check "bdev_malloc_delete while sampling" rpc bdev_malloc_delete Late
if rpc bdev_get_bdevs -b Late >"$tmp/last" 2>&1; then bad "deleted bdev still there"; else has "No such device"; fi
stop SIGTERM

finish bdev-core
