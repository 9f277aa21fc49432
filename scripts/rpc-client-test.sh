#!/bin/bash
# Drives spdk_tgt with SPDK's official Python client (PyPI `spdk`,
# command spdk-rpc): startup/runtime states, framework, thread and log
# methods, save_config -> --json and load_config round trips, and
# spdk_kill_instance. Everything in a temporary directory, bounded in time.
# usage: rpc-client-test.sh [path/to/spdk_tgt]
set -u
. "$(dirname "$0")/lib/tgt-rpc.sh"

# 1. --wait-for-rpc: startup state, then framework_start_init.
start --wait-for-rpc || exit 1
check "rpc_get_methods (startup)" rpc rpc_get_methods --current
has framework_start_init
grep -q '"framework_get_subsystems"' "$tmp/last" && bad "runtime method listed in startup state" || ok
if rpc framework_get_subsystems >"$tmp/last" 2>&1; then bad "runtime method allowed at startup"; else has "framework_start_init"; fi
check "log_set_flag at startup" rpc log_set_flag rpc
check framework_start_init rpc framework_start_init
check framework_wait_init rpc framework_wait_init
check "rpc_get_methods (runtime)" rpc rpc_get_methods
has framework_get_reactors
check spdk_get_version rpc spdk_get_version
has '"major": 26'
check framework_get_subsystems rpc framework_get_subsystems
check framework_get_reactors rpc framework_get_reactors
has lw_threads
has app_thread
check thread_get_stats rpc thread_get_stats
has '"name": "app_thread"'
check thread_get_pollers rpc thread_get_pollers
has rpc_subsystem_poll_servers
check thread_get_io_channels rpc thread_get_io_channels
check log_get_flags rpc log_get_flags
has '"rpc": true'
check log_clear_flag rpc log_clear_flag rpc
check log_get_flags rpc log_get_flags
has '"rpc": false'
check log_set_level rpc log_set_level DEBUG
check log_get_level rpc log_get_level
has DEBUG
check log_set_print_level rpc log_set_print_level WARNING
check log_get_print_level rpc log_get_print_level
has WARNING
# The client refuses unknown names itself: ask over the raw socket.
check "unknown method" timeout 10 python3 -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"{\"jsonrpc\":\"2.0\",\"method\":\"no_such_method\",\"id\":1}")
print(s.recv(4096).decode())' "$sock"
has '"code":-32601'
has "Method not found"
check save_config rpc save_config
cp "$tmp/last" "$tmp/saved.json"
has '"subsystems"'
stop SIGINT

# 2. A configuration with an entry, applied with --json, saved back.
cat >"$tmp/cfg.json" <<'CFG'
{
  // comments are allowed, as in SPDK
  "subsystems": [
    {"subsystem": "log", "config": [{"method": "log_set_flag", "params": {"flag": "thread"}}]}
  ]
}
CFG
start --json "$tmp/cfg.json" || exit 1
check "log_get_flags after --json" rpc log_get_flags
has '"thread": true'
check "save_config after --json" rpc save_config
cp "$tmp/last" "$tmp/saved2.json"
if cmp -s "$tmp/saved.json" "$tmp/saved2.json"; then ok; else bad "save_config differs between runs"; fi
stop SIGTERM

# 3. load_config into a --wait-for-rpc instance, then the saved config
# again through --json.
grep -v '//' "$tmp/cfg.json" >"$tmp/cfg-plain.json"
start --wait-for-rpc || exit 1
check load_config sh -c "timeout 20 spdk-rpc -s '$sock' load_config < '$tmp/cfg-plain.json'"
check "framework_wait_init after load_config" rpc framework_wait_init
check "log_get_flags after load_config" rpc log_get_flags
has '"thread": true'
stop SIGTERM
start --json "$tmp/saved.json" || exit 1
check "save_config of the saved config" rpc save_config
if cmp -s "$tmp/saved.json" "$tmp/last"; then ok; else bad "saved config does not load back the same"; fi
stop SIGINT

# 4. Null and malloc bdevs: create, list, iostat, save_config/--json round trip, delete.
start || exit 1
check bdev_null_create rpc bdev_null_create Null0 8 512
has Null0
check "bdev_null_create with uuid" rpc bdev_null_create Null1 16 4096 -u 0f6d2f4a-3c7b-4e3a-9d1e-123456789abc
has Null1
if rpc bdev_null_create Null0 8 512 >"$tmp/last" 2>&1; then bad "duplicate bdev created"; else has "File exists"; fi
if rpc bdev_null_create Null2 8 500 >"$tmp/last" 2>&1; then bad "bad block size accepted"; else has "Invalid argument"; fi
check bdev_get_bdevs rpc bdev_get_bdevs
has '"name": "Null0"'
has '"product_name": "Null disk"'
has '"num_blocks": 16384'
has '"uuid": "0f6d2f4a-3c7b-4e3a-9d1e-123456789abc"'
has '"write_zeroes": true'
check "bdev_get_bdevs -b" rpc bdev_get_bdevs -b Null1
has '"block_size": 4096'
grep -q '"Null0"' "$tmp/last" && bad "bdev_get_bdevs -b listed another bdev" || ok
if rpc bdev_get_bdevs -b nope >"$tmp/last" 2>&1; then bad "unknown bdev listed"; else has "No such device"; fi
check bdev_get_iostat rpc bdev_get_iostat
has '"tick_rate"'
has '"num_read_ops": 0'
check "bdev_get_iostat --names" rpc bdev_get_iostat --names "Null1,Null0" --reset-mode all
has '"name": "Null1"'
if rpc bdev_get_iostat --names nope >"$tmp/last" 2>&1; then bad "iostat of an unknown bdev"; else has "No such device"; fi
check bdev_reset_iostat rpc bdev_reset_iostat -b Null0 -m maxmin
check bdev_malloc_create rpc bdev_malloc_create 4 512
has Malloc0
check "bdev_malloc_create -b" rpc bdev_malloc_create 8 4096 -b Mal1 -u 1b2c3d4e-0000-4000-8000-00000000abcd
has Mal1
if rpc bdev_malloc_create 8 500 >"$tmp/last" 2>&1; then bad "bad malloc block size accepted"; else has "Invalid argument"; fi
check "bdev_get_bdevs malloc" rpc bdev_get_bdevs -b Mal1
has '"product_name": "Malloc disk"'
has '"num_blocks": 2048'
check bdev_malloc_delete rpc bdev_malloc_delete Malloc0
if rpc bdev_malloc_delete Malloc0 >"$tmp/last" 2>&1; then bad "malloc deleted twice"; else has "No such device"; fi
check "save_config with bdevs" rpc save_config
cp "$tmp/last" "$tmp/bdevs.json"
has '"method": "bdev_null_create"'
has '"method": "bdev_malloc_create"'
has '"method": "bdev_set_options"'
stop SIGTERM
start --json "$tmp/bdevs.json" || exit 1
check "bdev_get_bdevs after --json" rpc bdev_get_bdevs -b Null1
has '"uuid": "0f6d2f4a-3c7b-4e3a-9d1e-123456789abc"'
check "save_config after --json" rpc save_config
if cmp -s "$tmp/bdevs.json" "$tmp/last"; then ok; else bad "bdev config does not load back the same"; fi
check bdev_null_delete rpc bdev_null_delete Null0
if rpc bdev_get_bdevs -b Null0 >"$tmp/last" 2>&1; then bad "deleted bdev still listed"; else has "No such device"; fi
if rpc bdev_null_delete Null0 >"$tmp/last" 2>&1; then bad "deleted twice"; else has "No such device"; fi
check "bdev_get_bdevs after delete" rpc bdev_get_bdevs
has '"name": "Null1"'
stop SIGINT

finish rpc-client
