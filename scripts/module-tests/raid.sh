#!/usr/bin/env bash
# The raid bdev module driven by SPDK's official client: raid0, raid1 and
# concat on malloc bases (one created before its last base exists), listed
# by bdev_raid_get_bdevs per category and by bdev_get_bdevs, refused where
# SPDK refuses, saved with save_config and loaded back with --json to the
# same configuration, degraded or taken offline by a removed base, then
# deleted; bdevperf runs I/O on raid0 and raid1 from a JSON config.
# Usage: raid.sh [path/to/spdk_tgt]
set -u
. "$(dirname "$0")/../lib/tgt-rpc.sh" "$@"

fails() { # description, command... : the command must fail
	local d=$1; shift
	if "$@" >"$tmp/last" 2>&1; then bad "$d succeeded"; return 1; fi
	ok
}
# A call through the client library itself (the command line would refuse
# the bad values first).
raw() { # method, params as JSON
	timeout -k 10 10 python3 - "$sock" "$1" "$2" <<'EOF'
import json, sys
from spdk.rpc.client import JSONRPCClient
print(json.dumps(JSONRPCClient(sys.argv[1]).call(sys.argv[2], json.loads(sys.argv[3])), indent=2))
EOF
}
# The value of `field` of the raid bdev `name` in bdev_raid_get_bdevs all.
raid_field() { # name, field
	rpc bdev_raid_get_bdevs all | python3 -c "import json,sys
print(next(json.dumps(r['$2']) for r in json.load(sys.stdin) if r['name'] == '$1'))"
}
expect_field() { # name, field, value
	local v
	v=$(raid_field "$1" "$2" 2>&1)
	[ "$v" = "$3" ] && ok || bad "$1 $2 is $v, expected $3"
}

start || exit 1
for n in M0 M1 M2 M3 M4 M5 M6 M7; do
	check "bdev_malloc_create $n" rpc bdev_malloc_create 8 512 -b "$n"
done
check "bdev_malloc_create M4k" rpc bdev_malloc_create 8 4096 -b M4k

# raid0 and raid1, online at once.
check "bdev_raid_create -r 0" rpc bdev_raid_create -n r0 -r 0 -z 64 -b "M0 M1"
check "bdev_raid_create -r 1" rpc bdev_raid_create -n r1 -r 1 -b "M2 M3" --uuid 0f6d2f4a-3c7b-4e3a-9d1e-123456789abc
check "bdev_raid_get_bdevs online" rpc bdev_raid_get_bdevs online
has '"name": "r0"'
has '"name": "r1"'
has '"raid_level": "raid0"'
has '"raid_level": "raid1"'
has '"strip_size_kb": 64'
has '"state": "online"'
has '"superblock": false'
has '"base_bdevs_list"'
has '"is_configured": true'
expect_field r0 num_base_bdevs_discovered 2
expect_field r1 strip_size_kb 0
check "bdev_get_bdevs -b r0" rpc bdev_get_bdevs -b r0
has '"product_name": "Raid Volume"'
has '"num_blocks": 32768'
has '"raid": {'
has '"num_base_bdevs_operational": 2'
check "bdev_get_bdevs -b r1" rpc bdev_get_bdevs -b r1
has '"num_blocks": 16384'
has '"uuid": "0f6d2f4a-3c7b-4e3a-9d1e-123456789abc"'
check "raid base claimed" rpc bdev_get_bdevs -b M0
has '"claimed": true'

# concat waiting for a base that does not exist yet.
check "bdev_raid_create concat before its base" rpc bdev_raid_create -n c0 -r concat -z 16 -b "M4 M9"
check "bdev_raid_get_bdevs configuring" rpc bdev_raid_get_bdevs configuring
has '"name": "c0"'
has '"state": "configuring"'
grep -q '"name": "r0"' "$tmp/last" && bad "online raid listed as configuring" || ok
fails "configuring raid is no bdev" rpc bdev_get_bdevs -b c0 && has "No such device"
expect_field c0 num_base_bdevs_discovered 1
check "bdev_malloc_create M9" rpc bdev_malloc_create 8 512 -b M9
check "concat online after examine" rpc bdev_get_bdevs -b c0
has '"num_blocks": 32768'
has '"raid_level": "concat"'
check "bdev_raid_get_bdevs all" rpc bdev_raid_get_bdevs all
for n in r0 r1 c0; do has "\"name\": \"$n\""; done
check "bdev_raid_get_bdevs offline" rpc bdev_raid_get_bdevs offline
grep -q '"name"' "$tmp/last" && bad "offline lists a raid bdev" || ok

# Errors, as SPDK answers them.
fails "strip size not a power of two" rpc bdev_raid_create -n x -r 0 -z 3 -b "M5 M6" &&
	has "Failed to create RAID bdev x: Invalid argument"
fails "raid0 without a strip size" rpc bdev_raid_create -n x -r 0 -b "M5 M6" && has "Invalid argument"
fails "raid1 with a strip size" rpc bdev_raid_create -n x -r 1 -z 64 -b "M5 M6" && has "Invalid argument"
fails "raid5f (not provided)" rpc bdev_raid_create -n x -r 5f -z 64 -b "M5 M6 M7" && has "Invalid argument"
fails "unknown level" raw bdev_raid_create '{"name": "x", "raid_level": "raid7", "strip_size_kb": 64, "base_bdevs": ["M5"]}' &&
	has "spdk_json_decode_object failed"
fails "base already claimed" rpc bdev_raid_create -n x -r 0 -z 64 -b "M5 M0" &&
	has "Failed to create RAID bdev x: Operation not permitted"
check "bases released after a failed create" rpc bdev_get_bdevs -b M5
has '"claimed": false'
fails "duplicate raid name" rpc bdev_raid_create -n r0 -r 0 -z 64 -b "M5 M6" && has "File exists"
fails "block sizes differ" rpc bdev_raid_create -n x -r 1 -b "M5 M4k" && has "Invalid argument"
fails "superblock" rpc bdev_raid_create -n x -r 1 -b "M5 M6" -s && has "Operation not supported"
fails "empty base name" raw bdev_raid_create '{"name": "x", "raid_level": "0", "strip_size_kb": 64, "base_bdevs": ["M5", ""]}' &&
	has "The base bdev name cannot be empty"
fails "unknown category" raw bdev_raid_get_bdevs '{"category": "broken"}' && has "Invalid argument"
fails "delete unknown raid" rpc bdev_raid_delete nope && has "raid bdev nope not found"
check "bdev_raid_get_bdevs all after errors" rpc bdev_raid_get_bdevs all
grep -q '"name": "x"' "$tmp/last" && bad "a refused raid bdev is listed" || ok
check bdev_raid_set_options rpc bdev_raid_set_options -w 2048
fails "bdev_raid_set_options window 0" rpc bdev_raid_set_options -w 0 && has "Invalid argument"

# save_config, restart with it, same configuration.
check "save_config" rpc save_config
cp "$tmp/last" "$tmp/raid.json"
has '"method": "bdev_raid_create"'
has '"method": "bdev_raid_set_options"'
has '"process_window_size_kb": 2048'
has '"base_bdevs": \['
stop SIGTERM
start --json "$tmp/raid.json" || exit 1
check "bdev_raid_get_bdevs after --json" rpc bdev_raid_get_bdevs online
for n in r0 r1 c0; do has "\"name\": \"$n\""; done
check "bdev_get_bdevs r1 after --json" rpc bdev_get_bdevs -b r1
has '"uuid": "0f6d2f4a-3c7b-4e3a-9d1e-123456789abc"'
check "save_config after --json" rpc save_config
if cmp -s "$tmp/raid.json" "$tmp/last"; then ok; else
	bad "raid config does not load back the same"
	diff "$tmp/raid.json" "$tmp/last" >&2
fi

# A mirror removed: raid1 goes on degraded. A concat base removed: offline.
check "hot remove: bdev_malloc_delete M3" rpc bdev_malloc_delete M3
expect_field r1 state '"online"'
expect_field r1 num_base_bdevs_operational 1
check "degraded raid1 saved" rpc save_config
has '"removed_base_bdev_1"'
check "bdev_raid_remove_base_bdev M9" rpc bdev_raid_remove_base_bdev M9
check "bdev_raid_get_bdevs offline" rpc bdev_raid_get_bdevs offline
has '"name": "c0"'
fails "offline raid is no bdev" rpc bdev_get_bdevs -b c0 && has "No such device"
fails "remove a base of no raid" rpc bdev_raid_remove_base_bdev M7

# delete
for n in r0 r1 c0; do
	check "bdev_raid_delete $n" rpc bdev_raid_delete "$n"
done
fails "second bdev_raid_delete" rpc bdev_raid_delete r0 && has "not found"
check "bdev_raid_get_bdevs all after delete" rpc bdev_raid_get_bdevs all
grep -q '"name"' "$tmp/last" && bad "raid bdevs left after deleting them all" || ok
for n in M0 M1 M2 M4 M9; do
	check "base $n released" rpc bdev_get_bdevs -b "$n"
	has '"claimed": false'
done
stop SIGINT

# I/O through bdevperf on raid0 and raid1 over malloc.
bp=${tgt%/*}/bdevperf
if [ -z "${1:-}" ] && ! [ -x "$bp" -a "$bp" -nt "$tgt" ]; then
	${CARGO:-cargo} build -q -p bdevperf || bad "bdevperf build"
fi
if [ -x "$bp" ]; then
	{
		echo '{"subsystems": [{"subsystem": "bdev", "config": ['
		for n in B0 B1 B2 B3; do
			echo "{\"method\": \"bdev_malloc_create\", \"params\": {\"name\": \"$n\", \"num_blocks\": 8192, \"block_size\": 512}},"
		done
		echo '{"method": "bdev_raid_create", "params": {"name": "R0", "raid_level": "raid0", "strip_size_kb": 8, "base_bdevs": ["B0", "B1"]}},'
		echo '{"method": "bdev_raid_create", "params": {"name": "R1", "raid_level": "raid1", "base_bdevs": ["B2", "B3"]}}'
		echo ']}]}'
	} >"$tmp/bp.json"
	if timeout -k 10 60 "$bp" -m 0x1 --disable-cpumask-locks -r "$tmp/bp.sock" --json "$tmp/bp.json" -q 64 -o 16384 \
		-w randrw -M 50 -t 1 >"$tmp/last" 2>&1; then ok; else bad "bdevperf failed"; cat "$tmp/last" >&2; fi
	for n in R0 R1; do has "Job: $n "; done
	if grep -E '^\s+(R0|R1) ' "$tmp/last" | awk '$6 != "0.00" { exit 1 }'; then ok; else
		bad "bdevperf I/O failed"; cat "$tmp/last" >&2
	fi
else
	echo "no bdevperf beside $tgt: I/O check skipped"
fi

finish raid
