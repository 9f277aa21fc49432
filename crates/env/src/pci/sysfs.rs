//! What Linux tells about PCI devices under /sys/bus/pci/devices: ids,
//! class, NUMA node, bound driver and IOMMU group. The root is a parameter
//! so tests can point it at a fake tree.

use super::Addr;
use std::fs;
use std::path::{Path, PathBuf};

/// Where the kernel lists PCI devices.
pub const SYSFS_PCI_DEVICES: &str = "/sys/bus/pci/devices";

/// One PCI function as sysfs describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SysDev {
    pub addr: Addr,
    /// 24-bit class code (base, sub, programming interface).
    pub class_id: u32,
    pub vendor_id: u16,
    pub device_id: u16,
    pub subvendor_id: u16,
    pub subdevice_id: u16,
    /// -1 when the machine does not say.
    pub numa_id: i32,
    /// Name of the bound kernel driver, if any.
    pub driver: Option<String>,
    /// IOMMU group number, if the device is behind an IOMMU.
    pub iommu_group: Option<u32>,
}

fn read_hex(dir: &Path, name: &str) -> Option<u64> {
    let s = fs::read_to_string(dir.join(name)).ok()?;
    let s = s.trim();
    let s = s.strip_prefix("0x").unwrap_or(s);
    u64::from_str_radix(s, 16).ok()
}

fn link_name(p: PathBuf) -> Option<String> {
    let target = fs::read_link(p).ok()?;
    Some(target.file_name()?.to_string_lossy().into_owned())
}

/// The device at `addr` under `root`, or None when there is none (or its
/// attributes cannot be read).
pub fn read(root: &Path, addr: &Addr) -> Option<SysDev> {
    let dir = root.join(super::format(addr));
    let class_id = read_hex(&dir, "class")? as u32 & 0xff_ffff;
    let numa_id = fs::read_to_string(dir.join("numa_node"))
        .ok()
        .and_then(|s| s.trim().parse::<i32>().ok())
        .unwrap_or(-1);
    Some(SysDev {
        addr: *addr,
        class_id,
        vendor_id: read_hex(&dir, "vendor")? as u16,
        device_id: read_hex(&dir, "device")? as u16,
        subvendor_id: read_hex(&dir, "subsystem_vendor").unwrap_or(0xffff) as u16,
        subdevice_id: read_hex(&dir, "subsystem_device").unwrap_or(0xffff) as u16,
        numa_id: numa_id.max(-1),
        driver: link_name(dir.join("driver")),
        iommu_group: link_name(dir.join("iommu_group")).and_then(|g| g.parse().ok()),
    })
}

/// Whether a device directory still exists (it goes away on hot removal).
pub fn exists(root: &Path, addr: &Addr) -> bool {
    root.join(super::format(addr)).exists()
}

/// Every PCI function under `root`, in address order.
pub fn scan(root: &Path) -> Vec<SysDev> {
    let Ok(dir) = fs::read_dir(root) else {
        return Vec::new();
    };
    let mut out: Vec<SysDev> = dir
        .flatten()
        .filter_map(|e| super::parse(&e.file_name().to_string_lossy()))
        .filter_map(|a| read(root, &a))
        .collect();
    out.sort_by_key(|d| d.addr);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A fake sysfs device directory.
    pub(crate) fn fake_dev(root: &Path, bdf: &str, class: u32, driver: Option<&str>) {
        let d = root.join(bdf);
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("class"), format!("0x{class:06x}\n")).unwrap();
        fs::write(d.join("vendor"), "0x1b36\n").unwrap();
        fs::write(d.join("device"), "0x0010\n").unwrap();
        fs::write(d.join("subsystem_vendor"), "0x1af4\n").unwrap();
        fs::write(d.join("subsystem_device"), "0x1100\n").unwrap();
        fs::write(d.join("numa_node"), "-1\n").unwrap();
        if let Some(drv) = driver {
            let drvdir = root.join("drivers").join(drv);
            fs::create_dir_all(&drvdir).unwrap();
            symlink(&drvdir, d.join("driver")).unwrap();
        }
        let grp = root.join("groups").join("7");
        fs::create_dir_all(&grp).unwrap();
        symlink(&grp, d.join("iommu_group")).unwrap();
    }

    #[test]
    fn reads_ids_driver_group() {
        let root = std::env::temp_dir().join(format!("spdk-sysfs-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fake_dev(&root, "0000:00:04.0", 0x010802, Some("vfio-pci"));
        fake_dev(&root, "0000:00:03.0", 0x020000, None);
        let all = scan(&root);
        assert_eq!(all.len(), 2);
        assert_eq!(super::super::format(&all[0].addr), "0000:00:03.0");
        let nvme = &all[1];
        assert_eq!(nvme.class_id, 0x010802);
        assert_eq!((nvme.vendor_id, nvme.device_id), (0x1b36, 0x0010));
        assert_eq!((nvme.subvendor_id, nvme.subdevice_id), (0x1af4, 0x1100));
        assert_eq!(nvme.driver.as_deref(), Some("vfio-pci"));
        assert_eq!(nvme.iommu_group, Some(7));
        assert_eq!(nvme.numa_id, -1);
        assert_eq!(all[0].driver, None);
        assert!(exists(&root, &nvme.addr));
        assert!(read(&root, &super::super::parse("0000:00:09.0").unwrap()).is_none());
        fs::remove_dir_all(&root).unwrap();
    }
}
