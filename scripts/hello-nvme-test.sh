#!/bin/bash
# Runs c-examples/hello_nvme (built by run-examples.sh through pkg-config).
# Without a target it checks what needs none: -h, a bad -r, and a TCP
# transport ID nobody listens on (probe fails, exit 1, no hang). With
# HELLO_NVME_TRID set to a transport ID (scripts/nvme-tools-lab-test.sh
# sets one for a kernel nvmet in a lab guest) it also writes and reads
# back LBA 0 of each namespace there and checks the text.
# usage: hello-nvme-test.sh STAGE path/to/hello_nvme
set -u
stage=$1
app=$2
export LD_LIBRARY_PATH=$stage/lib
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAILED: $*" >&2; failed=$((failed + 1)); }

out=$(timeout -k 10 30 "$app" -h) && grep -q -- '-r' <<<"$out" && ok || bad "-h"
timeout -k 10 30 "$app" -r 'trtype:TCP traddr' >/dev/null 2>&1
[ $? = 1 ] && ok || bad "a malformed -r is not refused with exit 1"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout -k 10 60 "$app" -r "trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:$port subnqn:nqn.2024-01.io.spdk:none" \
	>/dev/null 2>&1
rc=$?
[ $rc = 1 ] && ok || bad "no target: exit $rc, not 1"
if [ -n "${HELLO_NVME_TRID:-}" ]; then
	out=$(timeout -k 10 120 "$app" -r "$HELLO_NVME_TRID" 2>&1)
	rc=$?
	if [ $rc = 0 ] && grep -q '^Hello world!$' <<<"$out" && grep -q '^Attached to ' <<<"$out"; then
		ok
	else
		bad "hello_nvme -r '$HELLO_NVME_TRID' (exit $rc):"$'\n'"$out"
	fi
else
	echo "hello-nvme: no HELLO_NVME_TRID: write/read not run here (scripts/nvme-tools-lab-test.sh runs it against a kernel nvmet)"
fi
echo "hello-nvme: $passed passed, $failed failed"
[ $failed = 0 ]
