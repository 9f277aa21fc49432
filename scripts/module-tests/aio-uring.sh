#!/bin/bash
# The aio and uring bdev modules with SPDK's client, on a regular file and
# (when losetup can attach one here) on a loop device: create, list
# (bdev_get_bdevs), SPDK's errors, save_config and a restart with --json
# that loads the same configuration back, delete; then bdevperf runs
# random reads and writes on both modules from a JSON config.
# usage: aio-uring.sh [path/to/spdk_tgt]
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tgt-rpc.sh"

img=$tmp/disk.img
truncate -s 16M "$img"
loop=
detach() {
	[ -n "$loop" ] && losetup -d "$loop" 2>/dev/null
	loop=
}
trap 'detach; cleanup' EXIT
if command -v losetup >/dev/null && truncate -s 8M "$tmp/loop.img" &&
	loop=$(losetup -f --show "$tmp/loop.img" 2>/dev/null) && [ -b "$loop" ]; then
	echo "loop device: $loop"
else
	loop=
	echo "losetup cannot attach a loop device here: loop device checks skipped"
fi
fails() { # expected text, rpc args...: the call must fail with that text
	local want=$1; shift
	if rpc "$@" >"$tmp/last" 2>&1; then bad "accepted: $*"; else has "$want"; fi
}

start || exit 1

# aio on a file: block size given (files have none to detect).
check bdev_aio_create rpc bdev_aio_create "$img" aio0 512
has aio0
check "bdev_aio_create --fallocate -u" rpc bdev_aio_create "$img" aio1 4096 --fallocate \
	-u 3c4a2b1e-5d6f-4a7b-8c9d-0e1f2a3b4c5d
check "bdev_aio_create -r" rpc bdev_aio_create "$img" aio_ro 512 -r
check "bdev_get_bdevs aio0" rpc bdev_get_bdevs -b aio0
has '"product_name": "AIO disk"'
has '"block_size": 512'
has '"num_blocks": 32768'
has '"flush": true'
has '"reset": true'
has '"unmap": false'
has "\"filename\": \"$img\""
has '"block_size_override": true'
check "bdev_get_bdevs aio1" rpc bdev_get_bdevs -b aio1
has '"num_blocks": 4096'
has '"uuid": "3c4a2b1e-5d6f-4a7b-8c9d-0e1f2a3b4c5d"'
has '"unmap": true'
has '"write_zeroes": true'
has '"fallocate": true'
check "bdev_get_bdevs aio_ro" rpc bdev_get_bdevs -b aio_ro
has '"readonly": true'

# uring on the same file.
check bdev_uring_create rpc bdev_uring_create "$img" uring0 512
has uring0
check "bdev_uring_create -u" rpc bdev_uring_create "$img" uring1 4096 \
	-u 7d1e0c2b-3a4f-4b5c-9d6e-7f8091a2b3c4
check "bdev_get_bdevs uring0" rpc bdev_get_bdevs -b uring0
has '"product_name": "URING bdev"'
has '"num_blocks": 32768'
has '"read": true'
has '"flush": false'
has '"uring": {'
has "\"filename\": \"$img\""
check "bdev_get_bdevs uring1" rpc bdev_get_bdevs -b uring1
has '"uuid": "7d1e0c2b-3a4f-4b5c-9d6e-7f8091a2b3c4"'

# SPDK's errors.
fails "No such file or directory" bdev_aio_create "$tmp/missing" aio_x 512
fails "File exists" bdev_aio_create "$img" aio0 512
fails "Invalid argument" bdev_aio_create "$img" aio_x
fails "Invalid argument" bdev_aio_create "$img" aio_x 1000
fails "Operation not supported" bdev_aio_create "$img" aio_x 512 --no-wait
fails "Unable to create URING bdev." bdev_uring_create "$tmp/missing" uring_x 512
fails "Unable to create URING bdev." bdev_uring_create "$img" uring0 512
fails "Unable to create URING bdev." bdev_uring_create "$img" uring_x 100
fails "No such device" bdev_aio_delete nope
fails "No such device" bdev_aio_delete uring0
fails "No such device" bdev_uring_delete aio0
check "bdev_get_bdevs after errors" rpc bdev_get_bdevs
grep -q '_x"' "$tmp/last" && bad "a failed create left a bdev" || ok

# A loop device: the block size is detected.
if [ -n "$loop" ]; then
	check "bdev_aio_create on $loop" rpc bdev_aio_create "$loop" aio_loop
	check "bdev_uring_create on $loop" rpc bdev_uring_create "$loop" uring_loop
	check "bdev_aio_create --no-wait on $loop" rpc bdev_aio_create "$loop" aio_nw --no-wait
	check "bdev_get_bdevs aio_loop" rpc bdev_get_bdevs -b aio_loop
	has '"block_size": 512'
	has '"num_blocks": 16384'
	has '"block_size_override": false'
	check "bdev_get_bdevs aio_nw" rpc bdev_get_bdevs -b aio_nw
	has '"nowait": true'
	check "bdev_get_bdevs uring_loop" rpc bdev_get_bdevs -b uring_loop
	has '"num_blocks": 16384'
	has "\"filename\": \"$loop\""
fi

check save_config rpc save_config
cp "$tmp/last" "$tmp/config.json"
has '"method": "bdev_aio_create"'
has '"method": "bdev_uring_create"'
has '"fallocate": true'
has '"readonly": true'
stop SIGTERM

# The saved configuration creates the same bdevs again.
start --json "$tmp/config.json" || exit 1
check "bdev_get_bdevs after --json" rpc bdev_get_bdevs -b aio1
has '"uuid": "3c4a2b1e-5d6f-4a7b-8c9d-0e1f2a3b4c5d"'
check "save_config after --json" rpc save_config
if cmp -s "$tmp/config.json" "$tmp/last"; then ok; else
	bad "aio/uring config does not load back the same"
	diff "$tmp/config.json" "$tmp/last" >&2
fi

# Delete each bdev.
names="aio0 aio1 aio_ro uring0 uring1"
[ -n "$loop" ] && names="$names aio_loop uring_loop aio_nw"
for n in $names; do
	case $n in uring*) m=uring ;; *) m=aio ;; esac
	check "bdev_${m}_delete $n" rpc bdev_${m}_delete "$n"
	fails "No such device" bdev_get_bdevs -b "$n"
	fails "No such device" bdev_${m}_delete "$n"
done
check "bdev_get_bdevs after deletes" rpc bdev_get_bdevs
grep -q '"name"' "$tmp/last" && bad "bdevs left after deleting them all" || ok
stop SIGINT

# I/O through bdevperf on both modules (file, and loop device if any).
bp=${tgt%/*}/bdevperf
if [ -z "${1:-}" ] && ! [ -x "$bp" -a "$bp" -nt "$tgt" ]; then
	${CARGO:-cargo} build -q -p bdevperf || bad "bdevperf build"
fi
if [ -x "$bp" ]; then
	truncate -s 16M "$tmp/bp.img"
	{
		echo '{"subsystems": [{"subsystem": "bdev", "config": ['
		echo "{\"method\": \"bdev_aio_create\", \"params\": {\"name\": \"A0\", \"filename\": \"$tmp/bp.img\", \"block_size\": 4096}},"
		echo "{\"method\": \"bdev_uring_create\", \"params\": {\"name\": \"U0\", \"filename\": \"$tmp/bp.img\", \"block_size\": 4096}}"
		if [ -n "$loop" ]; then
			echo ",{\"method\": \"bdev_aio_create\", \"params\": {\"name\": \"A1\", \"filename\": \"$loop\"}},"
			echo "{\"method\": \"bdev_uring_create\", \"params\": {\"name\": \"U1\", \"filename\": \"$loop\"}}"
		fi
		echo ']}]}'
	} >"$tmp/bp.json"
	if timeout -k 10 60 "$bp" -m 0x1 --disable-cpumask-locks -r "$tmp/bp.sock" --json "$tmp/bp.json" -q 64 -o 4096 \
		-w randrw -M 50 -t 1 >"$tmp/last" 2>&1; then ok; else bad "bdevperf failed"; cat "$tmp/last" >&2; fi
	for n in A0 U0 ${loop:+A1 U1}; do has "Job: $n "; done
	# Every job row (and the total) reports no failed I/O per second.
	if grep -E '^\s+(A0|U0|A1|U1) ' "$tmp/last" | awk '$6 != "0.00" { exit 1 }'; then ok; else
		bad "bdevperf I/O failed"; cat "$tmp/last" >&2
	fi
else
	echo "no bdevperf beside $tgt: I/O check skipped"
fi

detach
finish aio-uring
