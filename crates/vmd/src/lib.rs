//! Intel Volume Management Device (SPDK's lib/vmd, include/spdk/vmd.h).
//!
//! A VMD hides NVMe drives behind a PCIe domain of its own that a driver
//! must enumerate through the VMD's BARs. This library does not drive
//! VMDs: `spdk_vmd_init` finds out whether the machine has one, succeeds
//! when it has none (nothing to do, as SPDK on such a machine), and fails
//! with -ENOTSUP when it has one, so the program knows that the drives
//! behind it are out of reach.

pub mod ffi;

use std::path::Path;

use spdk_env::pci::sysfs::{self, SysDev};

const PCI_VENDOR_ID_INTEL: u16 = 0x8086;
/// Device IDs of Intel VMD controllers (Sky Lake, Ice Lake and later
/// generations).
const VMD_DEVICE_IDS: [u16; 7] = [0x201d, 0x28c0, 0x467f, 0x4c3d, 0x7d0b, 0xad0b, 0xb60b];

/// The VMD controllers among the PCI devices under `root` (a sysfs
/// devices directory).
pub fn find_vmds(root: &Path) -> Vec<SysDev> {
    sysfs::scan(root)
        .into_iter()
        .filter(|d| d.vendor_id == PCI_VENDOR_ID_INTEL && VMD_DEVICE_IDS.contains(&d.device_id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn dev(root: &Path, bdf: &str, vendor: u16, device: u16) {
        let d = root.join(bdf);
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("class"), "0x010400\n").unwrap();
        fs::write(d.join("vendor"), format!("0x{vendor:04x}\n")).unwrap();
        fs::write(d.join("device"), format!("0x{device:04x}\n")).unwrap();
        fs::write(d.join("subsystem_vendor"), "0x8086\n").unwrap();
        fs::write(d.join("subsystem_device"), "0x0000\n").unwrap();
        fs::write(d.join("numa_node"), "-1\n").unwrap();
    }

    #[test]
    fn finds_intel_vmds_only() {
        let root = std::env::temp_dir().join(format!("spdk-vmd-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        assert!(find_vmds(&root).is_empty(), "no sysfs: nothing");
        dev(&root, "0000:00:05.0", 0x8086, 0x2020); // some other Intel RAID device
        dev(&root, "0000:00:06.0", 0x1000, 0x201d); // another vendor
        assert!(find_vmds(&root).is_empty());
        dev(&root, "10000:00:07.0", 0x8086, 0x28c0);
        dev(&root, "0000:5d:05.5", 0x8086, 0x201d);
        let found: Vec<_> = find_vmds(&root).iter().map(|d| d.device_id).collect();
        assert_eq!(found.len(), 2);
        assert!(found.contains(&0x28c0) && found.contains(&0x201d));
        fs::remove_dir_all(&root).unwrap();
    }
}
