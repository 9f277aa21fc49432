#!/bin/bash
# The NVMe tools against the Linux kernel's NVMe/TCP target (nvmet) in a
# lab guest (shared/lab mode 5): the guest exports a 64 MiB RAM namespace,
# (a file on tmpfs: nvmet gives it 4 KiB blocks, 16384 of them), and
# the host reaches it through a port forward on 127.0.0.1 and runs
#   spdk_nvme_identify on the NVM subsystem and on the discovery controller,
#   spdk_nvme_perf (randread, randrw -M 50 with -LL, two cores, write),
#   c-examples/hello_nvme (write "Hello world!", read it back),
# checking their output (and, with SPDK_EXAMPLES set, SPDK's own example
# programs built against this library: see below); then bad transport
# IDs. Bounded in time; skips
# (exit 0) when the lab cannot run here. The guest's emulated network is
# slow (TCG): the perf figures printed are no measure of the driver.
# usage: nvme-tools-lab-test.sh [STAGE]   (STAGE: a `make stage` install
#        that hello_nvme is built against; default build/stage)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STAGE=${1:-$ROOT/build/stage}
LAB=${LAB:-}
for d in "$LAB" "$ROOT/../shared/lab" "$ROOT/shared/lab" /work/shared/lab; do
	[ -n "$d" ] && [ -x "$d/lab-run" ] && { LAB=$d; break; }
done
NQN=nqn.2024-01.io.spdk:tools-lab
TMO=${NVME_TOOLS_LAB_TIMEOUT:-600}
PROFILE=${NVME_TOOLS_PROFILE:-debug}
skip() { echo "nvme-tools-lab-test: SKIP: $*"; exit 0; }
die() { echo "nvme-tools-lab-test: FAIL: $*"; exit 1; }

[ -x "${LAB:-}/lab-run" ] || skip "no lab (shared/lab) found; set LAB=/path/to/shared/lab"
"$LAB/lab-setup" -q >/dev/null 2>&1 || skip "lab-setup failed here (run $LAB/lab-setup to see why)"
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/spdk-rs/target}
flag=
[ "$PROFILE" = release ] && flag=--release
(cd "$ROOT" && cargo build -q $flag -p spdk_nvme_identify -p spdk_nvme_perf) || die "cannot build the tools"
IDENTIFY=$CARGO_TARGET_DIR/$PROFILE/spdk_nvme_identify
PERF=$CARGO_TARGET_DIR/$PROFILE/spdk_nvme_perf

W=$(mktemp -d "${TMPDIR:-/tmp}/nvme-tools-lab.XXXXXX")
GUEST=
cleanup() {
	touch "$W/done" 2>/dev/null
	if [ -n "$GUEST" ]; then
		for _ in $(seq 50); do kill -0 "$GUEST" 2>/dev/null || break; sleep 0.2; done
		kill "$GUEST" 2>/dev/null
		wait "$GUEST" 2>/dev/null
	fi
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# hello_nvme as a user builds it: through pkg-config against a stage
# (make stage) when it has the NVMe API, else against the tree's headers
# and a debug libspdk.a.
HELLO=$W/hello_nvme
if [ -e "$STAGE/lib/pkgconfig/spdk_nvme.pc" ] && grep -q spdk_nvme_probe "$STAGE/include/spdk/nvme.h"; then
	PKG_CONFIG_PATH=$STAGE/lib/pkgconfig ${CC:-cc} -Wall -Werror -o "$HELLO" \
		"$ROOT/c-examples/hello_nvme.c" \
		$(PKG_CONFIG_PATH=$STAGE/lib/pkgconfig pkg-config --cflags --libs spdk_nvme \
			spdk_env_dpdk spdk_util spdk_log spdk_syslibs) || die "cannot build hello_nvme"
else
	(cd "$ROOT" && cargo build -q -p spdk) || die "cannot build libspdk.a"
	${CC:-cc} -Wall -Werror -I"$ROOT/include" -o "$HELLO" "$ROOT/c-examples/hello_nvme.c" \
		"$CARGO_TARGET_DIR/debug/libspdk.a" -lpthread -ldl -lm -lrt -lutil -lgcc_s ||
		die "cannot build hello_nvme"
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$W/g.sh" <<'EOF'
set -e
nvmet-export.sh "$1" 4420 64
while [ ! -e /host/done ]; do sleep 0.2; done
EOF
"$LAB/lab-run" "$W/g.sh" --net "$PORT:4420" --share "$W" --timeout "$TMO" -q -- "$NQN" \
	>"$W/console.log" 2>&1 &
GUEST=$!
end=$((SECONDS + 180))
until grep -qs '^LAB-READY' "$W/console.log"; do
	kill -0 "$GUEST" 2>/dev/null || { tail -20 "$W/console.log"; die "the guest ended before nvmet was ready"; }
	[ $SECONDS -lt $end ] || { tail -20 "$W/console.log"; die "nvmet not ready after 180 s"; }
	sleep 0.2
done
echo "nvme-tools-lab-test: $(grep '^LAB-READY' "$W/console.log") (host 127.0.0.1:$PORT)"

TRID="trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:$PORT subnqn:$NQN"
DISC="trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:$PORT subnqn:nqn.2014-08.org.nvmexpress.discovery"
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAILED: $*"; failed=$((failed + 1)); }
# expect NAME FILE LINE-REGEX...: every regex matches a line of FILE.
expect() {
	local name=$1 file=$2 re
	shift 2
	for re in "$@"; do
		grep -qE -- "$re" "$file" || { bad "$name: no line /$re/"; sed "s/^/    /" "$file" | grep -A40 "${EXPECT_CONTEXT:-^    Active Namespaces}" | head -60; return; }
	done
	ok
}
run() { # run NAME SECONDS CMD...: output in $W/NAME.out, status in $rc
	local name=$1 t=$2
	shift 2
	timeout -k 10 "$t" "$@" >"$W/$name.out" 2>&1
	rc=$?
	[ $rc = 124 ] && echo "nvme-tools-lab-test: $name timed out after $t s"
}

run identify 120 "$IDENTIFY" -r "$TRID"
[ $rc = 0 ] || bad "identify exited $rc"
expect identify "$W/identify.out" \
	"^NVMeoF Controller at TCP \(addr:127\.0\.0\.1 subnqn:$NQN\)$" \
	'^Model Number: +Linux' \
	"^Subsystem NQN: +$NQN$" \
	'^NVMe Specification Version \(VS\): +[12]\.' \
	'^Maximum Queue Entries: +[0-9]+$' \
	'^Keep Alive: +Supported$' \
	'^Error Log$' \
	'^Active Namespaces$' \
	'^Namespace ID:1$' \
	'^Size \(in LBAs\): +16384 \(0GiB\)$' \
	'^Current LBA Format: +LBA Format #00$' \
	'^LBA Format #00: Data Size: +4096 +Metadata Size: +0$' \
	'^UUID: +[0-9a-f]{8}-[0-9a-f]{4}-' \
	'^Command Set Identifier: +NVM \(00h\)$'

run identify-x 120 "$IDENTIFY" -x -r "$TRID"
expect identify-x "$W/identify-x.out" '^00000000: [0-9A-F]{2} ' '^Namespace ID:1$'

run discovery 120 "$IDENTIFY" -r "$DISC"
[ $rc = 0 ] || bad "identify (discovery) exited $rc"
expect discovery "$W/discovery.out" \
	'^NVMeoF Controller at TCP \(addr:127\.0\.0\.1 subnqn:nqn\.2014-08\.org\.nvmexpress\.discovery\)$' \
	'^Discovery Log Page$' \
	'^Discovery Log Entry 0$' \
	'^Transport Type: +3 \(TCP\)$' \
	"^NVM Subsystem Qualified Name: +$NQN$" \
	'^Transport Address: +10\.0\.2\.15$'

total='^Total +: +[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{2}$'
dev="^TCP \(addr:127\.0\.0\.1 subnqn:$NQN\) NSID 1 from core +0: "
run perf-read 60 "$PERF" -q 32 -o 4096 -w randread -t 2 -r "$TRID"
[ $rc = 0 ] || bad "perf randread exited $rc"
expect perf-read "$W/perf-read.out" '^Initializing NVMe Controllers$' \
	"^Attached to NVMeoF Controller at TCP \(addr:127\.0\.0\.1 subnqn:$NQN\)$" \
	'^Initialization complete\. Launching workers\.$' \
	'^ +Latency\(us\)$' '^Device Information +: +IOPS +MiB/s +Average +min +max$' \
	"$dev" "$total"

run perf-rw 60 "$PERF" -q 16 -o 4096 -w randrw -M 50 -t 2 -LL -r "$TRID"
[ $rc = 0 ] || bad "perf randrw exited $rc"
expect perf-rw "$W/perf-rw.out" "$total" '^Summary latency data for ' \
	'^ 50\.00000% : +[0-9]+\.[0-9]{3}us$' '^Latency histogram for ' \
	'^       Range in us     Cumulative    IO count$'

run perf-2cores 60 "$PERF" -q 8 -o 4096 -w read -t 2 -c 0x3 -P 2 --use-every-core -r "$TRID"
[ $rc = 0 ] || bad "perf on two cores exited $rc"
expect perf-2cores "$W/perf-2cores.out" "$dev" \
	"^TCP \(addr:127\.0\.0\.1 subnqn:$NQN\) NSID 1 from core +1: " "$total"

run perf-write 60 "$PERF" -q 4 -o 64k -w write -t 1 -r "$TRID"
[ $rc = 0 ] || bad "perf write exited $rc"
expect perf-write "$W/perf-write.out" "$total"

HELLO_NVME_TRID="$TRID" timeout -k 10 300 "$ROOT/scripts/hello-nvme-test.sh" "$STAGE" "$HELLO" >"$W/hello.out" 2>&1
rc=$?
[ $rc = 0 ] && ok || { bad "hello_nvme (exit $rc)"; cat "$W/hello.out"; }

# SPDK_EXAMPLES=dir: SPDK's own example programs (hello_world, abort,
# reconnect from an SPDK checkout), compiled against our headers and
# linked with our libspdk by the user, run unchanged against the target.
if [ -n "${SPDK_EXAMPLES:-}" ]; then
	if [ -x "$SPDK_EXAMPLES/hello_world" ]; then
		run spdk-hello_world 120 "$SPDK_EXAMPLES/hello_world" -r "$TRID"
		[ $rc = 0 ] && grep -q "Hello world!" "$W/spdk-hello_world.out" && ok ||
			{ bad "SPDK's hello_world (exit $rc)"; cat "$W/spdk-hello_world.out"; }
	fi
	if [ -x "$SPDK_EXAMPLES/abort" ]; then
		run spdk-abort 120 "$SPDK_EXAMPLES/abort" -q 16 -o 4096 -w randread -t 1 -r "$TRID"
		[ $rc = 0 ] && grep -q "abort submitted" "$W/spdk-abort.out" && ok ||
			{ bad "SPDK's abort (exit $rc)"; cat "$W/spdk-abort.out"; }
	fi
fi

# A subsystem the target does not have, and a port nobody listens on.
run perf-nqn 60 "$PERF" -q 1 -o 4096 -w read -t 1 -r "${TRID/$NQN/nqn.2024-01.io.spdk:none}"
[ $rc != 0 ] && [ $rc != 124 ] && ok || bad "perf on an unknown subsystem: exit $rc"
run identify-nqn 60 "$IDENTIFY" -r "${TRID/$NQN/nqn.2024-01.io.spdk:none}"
[ $rc = 1 ] && ok || bad "identify on an unknown subsystem: exit $rc"

# NVME_TOOLS_LAB_SHOW=1: every tool's output.
if [ -n "${NVME_TOOLS_LAB_SHOW:-}" ]; then
	for f in "$W"/*.out; do echo "--- $(basename "$f" .out)"; cat "$f"; done
fi
grep -h '^Total' "$W"/perf-*.out | sed 's/^/nvme-tools-lab-test: perf (lab guest, TCG: slow) /'
echo "nvme-tools-lab-test: $passed passed, $failed failed"
[ $failed = 0 ] || exit 1
echo "nvme-tools-lab-test: PASS (identify, perf, hello_nvme against kernel nvmet)"
