//! Finding PCIe NVMe controllers for `spdk_nvme_probe`: the NVMe class
//! devices (01:08:02) sysfs lists, through the environment's NVMe PCI
//! driver, so that devices attached here are the ones
//! `spdk_pci_for_each_device` and `spdk_pci_device_detach` know.

use spdk_env::pci::device::{self as pci, PciDevice};

/// What a probe callback answers for a device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    /// The caller keeps the device (it built a controller on it).
    Attach,
    /// Leave it to others.
    Skip,
}

fn run(cb: &mut dyn FnMut(PciDevice) -> Result<Take, i32>) -> impl FnMut(PciDevice) -> i32 + '_ {
    move |dev| match cb(dev) {
        Ok(Take::Attach) => 0,
        Ok(Take::Skip) => 1,
        // A device that failed is skipped; the probe goes on with others.
        Err(_) => 1,
    }
}

/// Offers `cb` the NVMe controller at `traddr` ("DDDD:BB:DD.F", or one of
/// DPDK's shorter forms), or, when `traddr` is empty, every NVMe
/// controller bound to vfio-pci that nobody attached. Why a named device
/// cannot be used (not found, not NVMe, not bound to vfio-pci, no
/// /dev/vfio, not root, already attached) is logged and returned as a
/// negative errno; enumeration logs and skips such devices.
pub fn probe(traddr: &str, cb: &mut dyn FnMut(PciDevice) -> Result<Take, i32>) -> Result<(), i32> {
    let drv = pci::nvme_driver();
    if traddr.trim().is_empty() {
        return pci::enumerate(drv, &mut run(cb));
    }
    let Some(addr) = spdk_env::pci::parse(traddr) else {
        spdk_log::errlog!("invalid PCI address '{traddr}'");
        return Err(-libc::EINVAL);
    };
    let mut result = Ok(Take::Skip);
    let mut wrapped = |dev| {
        result = cb(dev);
        match result {
            Ok(Take::Attach) => 0,
            _ => 1,
        }
    };
    match pci::attach(drv, &addr, &mut wrapped) {
        Ok(()) => Ok(()),
        // The callback failed: its own error.
        Err(-1) => match result {
            Err(e) => Err(e),
            _ => Ok(()),
        },
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_devices_that_cannot_be_used_are_errors() {
        let mut called = false;
        let mut cb = |_d: PciDevice| {
            called = true;
            Ok(Take::Attach)
        };
        assert_eq!(probe("zz:00.0", &mut cb), Err(-libc::EINVAL));
        // No such device (the bus has no device 1f on bus ff here).
        assert_eq!(probe("0000:ff:1f.7", &mut cb), Err(-libc::ENODEV));
        // Enumeration on a machine without usable controllers finds none.
        assert_eq!(probe("", &mut cb), Ok(()));
        assert!(!called);
    }
}
