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
if rpc spdk_kill_instance SIGTERM >"$tmp/last" 2>&1; then bad "spdk_kill_instance allowed at startup"; else has "framework_start_init"; fi
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
check "unknown method" timeout -k 10 10 python3 -c '
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
check load_config sh -c "timeout -k 10 20 spdk-rpc -s '$sock' load_config < '$tmp/cfg-plain.json'"
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

# 5. The app framework: command line, thread and reactor introspection,
# moving a thread, core locks, signals.
# jcheck DESCRIPTION PYTHON-EXPRESSION: true of d, the JSON of the last output.
jcheck() {
	if python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$tmp/last" "$2" 2>>"$tmp/jcheck.err"; then ok; else bad "$1: $2 in $(head -c 400 "$tmp/last")"; fi
}
# exits EXPECTED DESCRIPTION CMD...: the command exits with EXPECTED.
exits() {
	local want=$1 d=$2; shift 2
	timeout -k 10 20 "$@" >"$tmp/last" 2>&1; local rc=$?
	[ "$rc" = "$want" ] && ok || { bad "$d: exit $rc, not $want"; head -c 500 "$tmp/last" >&2; }
}
exits 0 "spdk_tgt -h" "$tgt" -h
has "CPU options"
has " -f <file>"
has "default-config"
exits 2 "spdk_tgt with an unknown option" "$tgt" --no-such-option
exits 2 "spdk_tgt -s with a bad size" "$tgt" -s 12Q
has "invalid memory pool size"
exits 2 "spdk_tgt -L with an unknown flag" "$tgt" -L no_such_flag
exits 1 "spdk_tgt --interrupt-mode" "$tgt" -m 0x1 -r "$tmp/x.sock" --disable-cpumask-locks --interrupt-mode
has "Interrupt mode (--interrupt-mode) is not supported"
exits 1 "spdk_tgt -e" "$tgt" -m 0x1 -r "$tmp/x.sock" --disable-cpumask-locks -e bdev
has "no trace library"
exits 1 "spdk_tgt -A" "$tgt" -m 0x1 -r "$tmp/x.sock" --disable-cpumask-locks -A 0000:01:00.0
has "PCI allow/block lists"
exits 1 "spdk_tgt --iova-mode pa" "$tgt" -m 0x1 -r "$tmp/x.sock" --disable-cpumask-locks --iova-mode pa
has "IOVA mode 'pa' is not supported"
cat >"$tmp/c.json" <<'CFG'
{"subsystems": [{"subsystem": "bdev", "config": [
  {"method": "bdev_null_create", "params": {"name": "NullC", "num_blocks": 64, "block_size": 512}}]}]}
CFG
start -s 256 -g -L thread --logflag rpc -c "$tmp/c.json" || exit 1
grep -q -- "-g/--single-file-segments has no effect" "$tmp/tgt.log" && ok || bad "no notice for -g"
check "log_get_flags after -L/--logflag" rpc log_get_flags
jcheck "-L thread" 'd["thread"] is True and d["rpc"] is True'
check "bdev_get_bdevs after -c" rpc bdev_get_bdevs -b NullC
has '"num_blocks": 64'
check "thread_get_stats cpumask" rpc thread_get_stats
jcheck "thread_get_stats" 'any(t["name"] == "app_thread" and t["cpumask"] == "1" for t in d["threads"])'
jcheck "bare hex cpumasks" 'all(not t["cpumask"].startswith("0x") and int(t["cpumask"], 16) > 0 for t in d["threads"])'
check framework_get_reactors rpc framework_get_reactors
jcheck "one reactor per core" 'len(d["reactors"]) == bin(int("'$mask'", 16)).count("1")'
jcheck "app_thread on core 0" 'any(r["lcore"] == 0 and any(t["name"] == "app_thread" and t["cpumask"] == "1" and t["elapsed"] > 0 for t in r["lw_threads"]) for r in d["reactors"])'
check thread_get_pollers rpc thread_get_pollers
jcheck "thread_get_pollers shape" 'all(set(t) >= {"name", "id", "active_pollers", "timed_pollers", "paused_pollers"} for t in d["threads"])'
jcheck "RPC server poller" 'any(p["name"] == "rpc_subsystem_poll_servers" and p["state"] == "waiting" and p["period_ticks"] > 0 and p["run_count"] >= 1 and p["busy_count"] <= p["run_count"] and p["id"] > 0 for t in d["threads"] if t["name"] == "app_thread" for p in t["timed_pollers"])'
check thread_get_io_channels rpc thread_get_io_channels
jcheck "thread_get_io_channels shape" 'any(t["name"] == "app_thread" for t in d["threads"]) and all(isinstance(t["io_channels"], list) and all(set(c) == {"name", "ref"} and c["ref"] > 0 for c in t["io_channels"]) for t in d["threads"])'
check "framework_monitor_context_switch" rpc framework_monitor_context_switch
jcheck "monitor on by default" 'd == {"enabled": True}'
check "framework_monitor_context_switch --no-monitor" rpc framework_monitor_context_switch --no-monitor
jcheck "monitor off" 'd == {"enabled": False}'
check "save_config" rpc save_config
cp "$tmp/last" "$tmp/full.json"
check "framework_get_config bdev" rpc framework_get_config bdev
python3 -c 'import json, sys
full = json.load(open(sys.argv[1])); part = json.load(open(sys.argv[2]))
sys.exit(0 if [s["config"] for s in full["subsystems"] if s["subsystem"] == "bdev"] == [part] else 1)' \
	"$tmp/full.json" "$tmp/last" && ok || bad "framework_get_config bdev differs from save_config"
if rpc framework_get_config nope >"$tmp/last" 2>&1; then bad "config of an unknown subsystem"; else has "Subsystem 'nope' not found"; fi
if [ "$mask" = 0x3 ]; then
	check "thread_set_cpumask to core 1" rpc thread_set_cpumask -i 1 -m 0x2
	sleep 0.2
	check framework_get_reactors rpc framework_get_reactors
	jcheck "app_thread moved to core 1" 'any(r["lcore"] == 1 and any(t["name"] == "app_thread" and t["cpumask"] == "2" for t in r["lw_threads"]) for r in d["reactors"])'
	check "thread_set_cpumask back" rpc thread_set_cpumask -i 1 -m 0x1
	sleep 0.2
	check framework_get_reactors rpc framework_get_reactors
	jcheck "app_thread back on core 0" 'any(r["lcore"] == 0 and any(t["name"] == "app_thread" for t in r["lw_threads"]) for r in d["reactors"])'
fi
if rpc thread_set_cpumask -i 99 -m 0x1 >"$tmp/last" 2>&1; then bad "moved an unknown thread"; else has "Thread 99 does not exist"; fi
if rpc thread_set_cpumask -i 1 -m 0x100 >"$tmp/last" 2>&1; then bad "moved to no core"; else has "No CPU is selected"; fi
# The client only offers signal names: numbers and unknown names raw.
raw() { # method, params JSON
	timeout -k 10 10 python3 -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(json.dumps({"jsonrpc": "2.0", "method": sys.argv[2], "params": json.loads(sys.argv[3]), "id": 1}).encode())
print(s.recv(4096).decode())' "$sock" "$1" "$2"
}
check "spdk_kill_instance SIGFOO" raw spdk_kill_instance '{"sig_name": "SIGFOO"}'
has "Invalid parameters"
check "spdk_kill_instance 15" raw spdk_kill_instance '{"sig_name": "15"}'
has '"result":true'
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid"; rc=$?; pid=
[ $rc = 0 ] && ok || bad "exit status $rc after signal 15"
# SIGUSR1: sent as SPDK does; the framework has no handler for it, so it
# ends the process (exit status 128 + 10), as SPDK's.
start || exit 1
check "spdk_kill_instance SIGUSR1" rpc spdk_kill_instance SIGUSR1
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid"; rc=$?; pid=
[ $rc = $((128 + 10)) ] && ok || bad "exit status $rc after SIGUSR1"
rm -f "$sock"

# Core lock files: one instance holds /var/tmp/spdk_cpu_lock_NNN of its
# cores; another on the same core cannot start until they are released.
lcore=$(( $(nproc) - 1 ))
lmask=$(printf '0x%x' $((1 << lcore)))
lock=$(printf '/var/tmp/spdk_cpu_lock_%03d' $lcore)
"$tgt" -m "$lmask" -r "$sock" >"$tmp/lock.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && rpc spdk_get_version >/dev/null 2>&1 && break; sleep 0.1; done
[ -e "$lock" ] && ok || bad "no lock file $lock"
exits 1 "second instance on a locked core" "$tgt" -m "$lmask" -r "$tmp/l2.sock"
has "Cannot create lock on core $lcore, probably process $pid has claimed it"
check framework_disable_cpumask_locks rpc framework_disable_cpumask_locks
[ -e "$lock" ] && bad "lock file left after framework_disable_cpumask_locks" || ok
check framework_enable_cpumask_locks rpc framework_enable_cpumask_locks
[ -e "$lock" ] && ok || bad "no lock file after framework_enable_cpumask_locks"
stop SIGINT
[ -e "$lock" ] && bad "lock file left after exit" || ok

# 6. The built-in default configuration (what `make run` serves).
start --default-config || exit 1
check "bdev_get_bdevs (default config)" rpc bdev_get_bdevs
jcheck "Malloc0 of 64 MiB" 'any(b["name"] == "Malloc0" and b["product_name"] == "Malloc disk" and b["num_blocks"] * b["block_size"] == 64 << 20 for b in d)'
jcheck "Null0" 'any(b["name"] == "Null0" and b["product_name"] == "Null disk" for b in d)'
stop SIGINT

# 7. The iobuf subsystem: options before initialisation, first in
# save_config, statistics, and a configuration written by SPDK itself.
start --wait-for-rpc || exit 1
check "iobuf_set_options" rpc iobuf_set_options --small-pool-count 1024 --large-pool-count 64 --large-bufsize 65536
if rpc iobuf_set_options --small-pool-count 10 >"$tmp/last" 2>&1; then bad "tiny iobuf pool accepted"; else has "Invalid argument"; fi
check framework_start_init rpc framework_start_init
check framework_wait_init rpc framework_wait_init
check "framework_get_subsystems (iobuf)" rpc framework_get_subsystems
jcheck "iobuf before bdev" 'd[0] == {"subsystem": "iobuf", "depends_on": []} and any(s["subsystem"] == "bdev" and "iobuf" in s["depends_on"] for s in d)'
check "save_config (iobuf)" rpc save_config
jcheck "iobuf section first" 'd["subsystems"][0] == {"subsystem": "iobuf", "config": [{"method": "iobuf_set_options", "params": {"small_pool_count": 1024, "large_pool_count": 64, "small_bufsize": 8192, "large_bufsize": 65536, "enable_numa": False}}]}'
if rpc iobuf_set_options --small-pool-count 2048 >"$tmp/last" 2>&1; then bad "iobuf_set_options at runtime"; else has "framework_start_init"; fi
check iobuf_get_stats rpc iobuf_get_stats
jcheck "iobuf_get_stats shape" 'any(m["module"] == "bdev" for m in d) and all(set(m[p]) == {"cache", "main", "retry"} for m in d for p in ("small_pool", "large_pool"))'
stop SIGTERM
# As SPDK v26.01's save_config writes it (subsystems we do not have carry
# no methods).
cat >"$tmp/spdk-saved.json" <<'CFG'
{
  "subsystems": [
    {"subsystem": "keyring", "config": []},
    {"subsystem": "iobuf", "config": [
      {"method": "iobuf_set_options", "params": {"small_pool_count": 4096, "large_pool_count": 512,
        "small_bufsize": 8192, "large_bufsize": 135168, "enable_numa": false}}]},
    {"subsystem": "vmd", "config": []},
    {"subsystem": "bdev", "config": [
      {"method": "bdev_set_options", "params": {"bdev_io_pool_size": 65535, "bdev_io_cache_size": 256,
        "bdev_auto_examine": true, "iobuf_small_cache_size": 128, "iobuf_large_cache_size": 16}},
      {"method": "bdev_wait_for_examine"}]}
  ]
}
CFG
start --json "$tmp/spdk-saved.json" || exit 1
check "framework_get_config iobuf" rpc framework_get_config iobuf
jcheck "iobuf options from SPDK's config" 'd[0]["params"]["small_pool_count"] == 4096 and d[0]["params"]["large_pool_count"] == 512'
stop SIGINT

finish rpc-client
