#!/bin/bash
# The bdev layer's own RPCs with SPDK's client: QoS rate limits
# (bdev_set_qos_limit, shown by bdev_get_bdevs) and latency histograms
# (bdev_enable_histogram, bdev_get_histogram), saved by save_config and
# loaded back with --json.
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

finish bdev-core
