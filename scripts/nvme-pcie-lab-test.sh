#!/bin/bash
# Our PCIe NVMe driver against QEMU's emulated NVMe controller through VFIO
# in a lab guest (shared/lab mode 1): the release nvme_pcie_smoke example
# (crates/nvme/examples) is shared into the guest and run on the first
# controller, bound to vfio-pci with hugepages by vfio-bind.sh. It checks
# enumeration (a second controller, left to the kernel's nvme driver, is
# skipped and named as not bound to vfio-pci), the not-root and no-device
# errors, bring-up, identify, data on several I/O queue pairs, a PRP list,
# chained PRP list pages (4 MiB, MDTS lifted), SGLs, shadow doorbells,
# reset, queue deletion and shutdown. Bounded in time; skips (exit 0) when
# the lab cannot run here.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LAB=${LAB:-}
for d in "$LAB" "$ROOT/../shared/lab" "$ROOT/shared/lab" /work/shared/lab; do
    [ -n "$d" ] && [ -x "$d/lab-run" ] && { LAB=$d; break; }
done
QUEUES=${NVME_PCIE_LAB_QUEUES:-16}
TMO=${NVME_PCIE_LAB_TIMEOUT:-240}
skip() { echo "nvme-pcie-lab-test: SKIP: $*"; exit 0; }
die() { echo "nvme-pcie-lab-test: FAIL: $*"; exit 1; }

[ -x "${LAB:-}/lab-run" ] || skip "no lab (shared/lab) found; set LAB=/path/to/shared/lab"
# lab-setup builds the guest kernel and initramfs (cached); it needs qemu
# and a Debian kernel, installed with apt-get when run as root.
"$LAB/lab-setup" -q >/dev/null 2>&1 || skip "lab-setup failed here (no qemu or guest kernel; run $LAB/lab-setup to see why)"
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/spdk-rs/target}
(cd "$ROOT" && cargo build -q --release -p spdk-nvme --example nvme_pcie_smoke) ||
    die "cannot build the nvme_pcie_smoke example"
BIN=$CARGO_TARGET_DIR/release/examples/nvme_pcie_smoke
[ -x "$BIN" ] || die "no $BIN"

W=$(mktemp -d "${TMPDIR:-/tmp}/nvme-pcie-lab.XXXXXX")
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
cp "$BIN" "$W/"
truncate -s 64M "$W/nvme0.img"
truncate -s 16M "$W/nvme1.img"
cat > "$W/g.sh" <<'EOF'
set -e
# SPDK's device claims are lock files in /var/tmp.
mkdir -p /var/tmp
# Both controllers go to the kernel driver first; vfio-bind.sh then moves
# the first to vfio-pci, so the second is one "not bound to vfio-pci".
modprobe nvme
for _ in $(seq 100); do [ -e /sys/bus/pci/devices/0000:00:05.0/driver ] && break; sleep 0.1; done
bdf=$(vfio-bind.sh 0000:00:04.0)
/host/nvme_pcie_smoke "$bdf" --queues "$1" --check-errors --unbound 0000:00:05.0
EOF
# The vIOMMU must reach the whole user address space for IOVA = VA
# (aw-bits=48); mdts=0 lets one command move 4 MiB (chained PRP lists).
"$LAB/lab-run" "$W/g.sh" --nvme "$W/nvme0.img" --nvme "$W/nvme1.img" --share "$W" \
    --timeout "$TMO" -q --qemu -global --qemu intel-iommu.aw-bits=48 \
    --qemu -global --qemu nvme.mdts=0 -- "$QUEUES" > "$W/console.log" 2>&1
rc=$?
grep -aE '^(PASS|FAIL|smoke:|nvme_pcie_smoke:)|ERROR|vfio-bind' "$W/console.log"
[ $rc = 124 ] && die "the guest timed out after ${TMO}s"
[ $rc = 125 ] && { tail -30 "$W/console.log"; die "the guest died (kernel panic or QEMU error)"; }
line=$(grep -a '^nvme_pcie_smoke: [0-9]* passed, [0-9]* failed' "$W/console.log" | tail -1)
[ -n "$line" ] || { tail -30 "$W/console.log"; die "no result line from nvme_pcie_smoke (exit $rc)"; }
grep -aq "bound to the 'nvme' driver, not vfio-pci" "$W/console.log" ||
    die "no explanation for the controller bound to the kernel driver"
[ $rc = 0 ] && [ "${line#*passed, }" = "0 failed" ] || die "$line (exit $rc)"
echo "nvme-pcie-lab-test: PASS ($line)"
