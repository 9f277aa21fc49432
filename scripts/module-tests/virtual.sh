#!/usr/bin/env bash
# Virtual bdev modules (split, passthru, delay, error) driven by SPDK's
# official client: each is created on malloc bases (one before its base
# exists), listed with its driver_specific section, refused where SPDK
# refuses, saved with save_config and loaded back with --json to the same
# configuration, then deleted; a removed base takes its virtual bdevs.
# Usage: virtual.sh [path/to/spdk_tgt]
set -u
. "$(dirname "$0")/../lib/tgt-rpc.sh" "$@"

fails() { # description, command... : the command must fail
	local d=$1; shift
	if "$@" >"$tmp/last" 2>&1; then bad "$d succeeded"; return 1; fi
	ok
}

start || exit 1
for b in Mal0:16:512 Mal1:8:512 Mal2:8:512 Mal3:8:4096; do
	IFS=: read -r n mb bs <<<"$b"
	check "bdev_malloc_create $n" rpc bdev_malloc_create "$mb" "$bs" -b "$n"
done

# split: 16 MiB in 4, then a configuration waiting for its base.
check bdev_split_create rpc bdev_split_create Mal0 4
has Mal0p3
check "bdev_get_bdevs split" rpc bdev_get_bdevs -b Mal0p1
has '"product_name": "Split Disk"'
has '"num_blocks": 8192'
has '"base_bdev": "Mal0"'
has '"offset_blocks": 8192'
check "split base claimed" rpc bdev_get_bdevs -b Mal0
has '"claimed": true'
fails "second split of Mal0" rpc bdev_split_create Mal0 2 && has "File exists"
fails "split_count 0" rpc bdev_split_create Mal1 0 && has "Invalid argument"
fails "split bigger than its base" rpc bdev_split_create Mal1 2 -s 64 && has "Invalid argument"
check "bdev_split_create before its base" rpc bdev_split_create Mal4 2
grep -q Mal4p0 "$tmp/last" && bad "split of a missing base listed bdevs" || ok
check "bdev_malloc_create Mal4" rpc bdev_malloc_create 8 512 -b Mal4
check "split made on examine" rpc bdev_get_bdevs -b Mal4p1
has '"num_blocks": 8192'

# passthru
check bdev_passthru_create rpc bdev_passthru_create -b Mal1 -p pt0
has pt0
check "bdev_get_bdevs passthru" rpc bdev_get_bdevs -b pt0
has '"product_name": "passthru"'
has '"base_bdev_name": "Mal1"'
fails "duplicate passthru" rpc bdev_passthru_create -b Mal2 -p pt0 && has "File exists"
fails "passthru on a claimed base" rpc bdev_passthru_create -b Mal1 -p pt1 && has "Operation not permitted"
check "passthru before its base" rpc bdev_passthru_create -b Mal5 -p pt5
check "bdev_malloc_create Mal5" rpc bdev_malloc_create 8 512 -b Mal5
check "passthru made on examine" rpc bdev_get_bdevs -b pt5
has '"base_bdev_name": "Mal5"'

# delay
check bdev_delay_create rpc bdev_delay_create -b Mal2 -d d0 -r 100 -t 200 -w 300 -n 400
has d0
check bdev_delay_update_latency rpc bdev_delay_update_latency d0 avg_read 150
check "bdev_get_bdevs delay" rpc bdev_get_bdevs -b d0
has '"product_name": "delay"'
has '"avg_read_latency": 150'
has '"p99_write_latency": 400'
fails "update of an unknown delay bdev" rpc bdev_delay_update_latency nope avg_read 1 &&
	has "The requested bdev does not exist."
fails "p99 below average" rpc bdev_delay_create -b Mal3 -d d1 -r 10 -t 5 -w 0 -n 0 &&
	has "Invalid argument"

# error
check bdev_error_create rpc bdev_error_create Mal3
check "bdev_get_bdevs error" rpc bdev_get_bdevs -b EE_Mal3
has '"product_name": "Error Injection Disk"'
has '"error_disk"'
has '"block_size": 4096'
check bdev_error_inject_error rpc bdev_error_inject_error EE_Mal3 read failure -n 2
check "inject pending on all" rpc bdev_error_inject_error EE_Mal3 all pending -q 4
check "inject clear" rpc bdev_error_inject_error EE_Mal3 clear failure
fails "corrupt_data without a value" rpc bdev_error_inject_error EE_Mal3 write corrupt_data &&
	has "Invalid argument"
fails "inject into a non-error bdev" rpc bdev_error_inject_error Mal3 read failure && has "No such device"
fails "duplicate error bdev" rpc bdev_error_create Mal3 && has "File exists"

# save_config, restart with it, same configuration.
check "save_config" rpc save_config
cp "$tmp/last" "$tmp/virtual.json"
for m in bdev_split_create bdev_passthru_create bdev_delay_create bdev_error_create; do
	has "\"method\": \"$m\""
done
has '"avg_read_latency": 150'
stop SIGTERM
start --json "$tmp/virtual.json" || exit 1
check "bdev_get_bdevs after --json" rpc bdev_get_bdevs
for n in Mal0p3 Mal4p1 pt0 pt5 d0 EE_Mal3; do has "\"name\": \"$n\""; done
check "save_config after --json" rpc save_config
if cmp -s "$tmp/virtual.json" "$tmp/last"; then ok; else
	bad "virtual bdev config does not load back the same"
	diff "$tmp/virtual.json" "$tmp/last" >&2
fi

# delete, and a removed base takes its virtual bdevs.
check bdev_split_delete rpc bdev_split_delete Mal0
fails "split bdev deleted" rpc bdev_get_bdevs -b Mal0p0 && has "No such device"
fails "second bdev_split_delete" rpc bdev_split_delete Mal0 && has "No such file or directory"
check "split base released" rpc bdev_get_bdevs -b Mal0
has '"claimed": false'
check bdev_passthru_delete rpc bdev_passthru_delete pt0
fails "second bdev_passthru_delete" rpc bdev_passthru_delete pt0 && has "No such device"
check bdev_delay_delete rpc bdev_delay_delete d0
fails "second bdev_delay_delete" rpc bdev_delay_delete d0 && has "No such device"
check bdev_error_delete rpc bdev_error_delete EE_Mal3
fails "second bdev_error_delete" rpc bdev_error_delete EE_Mal3 && has "No such device"
check "hot remove: bdev_malloc_delete Mal4" rpc bdev_malloc_delete Mal4
fails "split of a removed base" rpc bdev_get_bdevs -b Mal4p0 && has "No such device"
check "hot remove: bdev_malloc_delete Mal5" rpc bdev_malloc_delete Mal5
fails "passthru of a removed base" rpc bdev_get_bdevs -b pt5 && has "No such device"
check "save_config after deletes" rpc save_config
for m in bdev_passthru_create bdev_delay_create bdev_error_create '"base_bdev": "Mal0"' Mal4; do
	grep -q -- "$m" "$tmp/last" && bad "$m still in save_config" || ok
done
stop SIGINT

finish virtual
