#!/bin/bash
# Our NVMe/TCP host transport against the Linux kernel's NVMe/TCP target
# (nvmet) in a lab guest (shared/lab mode 5): the guest exports a RAM
# namespace, the host runs crates/nvme/examples/tcp_smoke.rs through the
# port forward (discovery, Connect, Property Get/Set, identify, two I/O
# queues, in-capsule and R2T writes read back and compared, depth 16, keep
# alive, shutdown) with digests off, header, data and both, then the same
# through the driver's C API (spdk_nvme_probe on the discovery controller,
# spdk_nvme_connect, namespace writes/reads compared, detach); then the
# guest is shut down. Bounded in time; skips (exit 0) when the lab cannot
# run here.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LAB=${LAB:-}
for d in "$LAB" "$ROOT/../shared/lab" "$ROOT/shared/lab" /work/shared/lab; do
    [ -n "$d" ] && [ -x "$d/lab-run" ] && { LAB=$d; break; }
done
NQN=nqn.2024-01.io.spdk:tcp-lab
MODES=${NVME_TCP_LAB_MODES:-none hdgst ddgst both}
TMO=${NVME_TCP_LAB_TIMEOUT:-420}
skip() { echo "nvme-tcp-lab-test: SKIP: $*"; exit 0; }
die() { echo "nvme-tcp-lab-test: FAIL: $*"; exit 1; }

[ -x "${LAB:-}/lab-run" ] || skip "no lab (shared/lab) found; set LAB=/path/to/shared/lab"
[ -e /dev/net/tun ] || [ -d /proc/sys/net ] || skip "no networking"
# lab-setup builds the guest kernel and initramfs (cached); it needs qemu
# and a Debian kernel, installed with apt-get when run as root.
"$LAB/lab-setup" -q >/dev/null 2>&1 || skip "lab-setup failed here (no qemu or guest kernel; run $LAB/lab-setup to see why)"
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/spdk-rs/target}
(cd "$ROOT" && cargo build -q -p spdk-nvme --example tcp_smoke) || die "cannot build the tcp_smoke example"
BIN=$CARGO_TARGET_DIR/debug/examples/tcp_smoke
[ -x "$BIN" ] || die "no $BIN"

W=$(mktemp -d "${TMPDIR:-/tmp}/nvme-tcp-lab.XXXXXX")
GUEST=
cleanup() {
    touch "$W/done" 2>/dev/null
    if [ -n "$GUEST" ]; then
        # The guest script ends once done exists; give it a moment, then stop it.
        for _ in $(seq 50); do kill -0 "$GUEST" 2>/dev/null || break; sleep 0.2; done
        kill "$GUEST" 2>/dev/null
        wait "$GUEST" 2>/dev/null
    fi
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$W/g.sh" <<'EOF'
set -e
nvmet-export.sh "$1" 4420 64
while [ ! -e /host/done ]; do sleep 0.2; done
dmesg | grep -i nvme | tail -20
EOF
"$LAB/lab-run" "$W/g.sh" --net "$PORT:4420" --share "$W" --timeout "$TMO" -q -- "$NQN" > "$W/console.log" 2>&1 &
GUEST=$!

# The forward accepts before nvmet listens: wait for the guest's word.
end=$((SECONDS + 180))
until grep -qs '^LAB-READY' "$W/console.log"; do
    kill -0 "$GUEST" 2>/dev/null || { tail -20 "$W/console.log"; die "the guest ended before nvmet was ready"; }
    [ $SECONDS -lt $end ] || { tail -20 "$W/console.log"; die "nvmet not ready after 180 s"; }
    sleep 0.2
done
echo "nvme-tcp-lab-test: $(grep '^LAB-READY' "$W/console.log") (host 127.0.0.1:$PORT)"

# shellcheck disable=SC2086
timeout -k 10 "$TMO" "$BIN" "127.0.0.1:$PORT" "$NQN" $MODES
rc=$?
[ $rc = 124 ] && echo "nvme-tcp-lab-test: tcp_smoke timed out after $TMO s"
if [ $rc != 0 ]; then
    touch "$W/done"
    for _ in $(seq 50); do kill -0 "$GUEST" 2>/dev/null || break; sleep 0.2; done
    echo "--- guest console (last 30 lines)"
    tail -30 "$W/console.log"
    die "tcp_smoke exited with $rc"
fi
echo "nvme-tcp-lab-test: PASS (kernel nvmet: discovery, connect, I/O with digests: $MODES)"
