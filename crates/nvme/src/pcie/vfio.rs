//! The PCI function behind a PCIe controller: claimed for this process,
//! bus mastering on, BAR0 mapped; all of it given back on drop. The VFIO
//! container, IOMMU groups and the DMA mapping of registered memory
//! (IOVA = VA) are the environment's (`spdk_env::pci`), shared by every
//! device of the process.

use spdk_env::pci::device::{self as pci, PciDevice};
use std::ptr::NonNull;

/// PCI command register offset and its bits.
const PCI_COMMAND: u32 = 0x04;
const PCI_COMMAND_MASTER: u16 = 1 << 2;
const PCI_COMMAND_INTX_DISABLE: u16 = 1 << 10;

/// An attached NVMe function with its registers mapped.
pub struct PciFunction {
    dev: PciDevice,
    bar0: NonNull<u8>,
    bar0_len: u64,
    claimed: bool,
}

// SAFETY: the mapping and the device handle are owned; one user at a time.
unsafe impl Send for PciFunction {}

impl PciFunction {
    /// Takes over `dev` (from the env's enumeration): claims it as SPDK
    /// does, maps BAR0, lets the device master the bus (DMA) and masks
    /// its legacy interrupt (the driver polls). On failure what was done
    /// is undone; the device stays attached for the caller to detach.
    pub fn open(dev: PciDevice) -> Result<PciFunction, i32> {
        let bdf = spdk_env::pci::format(&dev.addr());
        if let Err(e) = pci::claim(dev) {
            spdk_log::errlog!("could not claim device {bdf} ({e})");
            return Err(e);
        }
        let (p, _phys, len) = match pci::map_bar(dev, 0) {
            Ok(m) => m,
            Err(e) => {
                spdk_log::errlog!("could not map BAR0 of {bdf} ({e})");
                pci::unclaim(dev);
                return Err(e);
            }
        };
        let mut cmd = [0u8; 2];
        let bus_master = pci::cfg_read(dev, &mut cmd, PCI_COMMAND).and_then(|_| {
            let v = u16::from_le_bytes(cmd) | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE;
            pci::cfg_write(dev, &v.to_le_bytes(), PCI_COMMAND)
        });
        match (NonNull::new(p), bus_master) {
            (Some(bar0), Ok(())) => Ok(PciFunction {
                dev,
                bar0,
                bar0_len: len,
                claimed: true,
            }),
            (_, r) => {
                spdk_log::errlog!("could not enable bus mastering of {bdf}");
                let _ = pci::unmap_bar(dev, 0, p.cast());
                pci::unclaim(dev);
                Err(r.err().unwrap_or(-libc::EFAULT))
            }
        }
    }

    pub fn device(&self) -> PciDevice {
        self.dev
    }

    /// BAR0 (the register file and doorbells).
    pub fn bar0(&self) -> (NonNull<u8>, u64) {
        (self.bar0, self.bar0_len)
    }
}

impl Drop for PciFunction {
    fn drop(&mut self) {
        let _ = pci::unmap_bar(self.dev, 0, self.bar0.as_ptr().cast());
        if self.claimed {
            pci::unclaim(self.dev);
        }
        // The controller is done with the device: SPDK detaches it here.
        pci::detach(self.dev);
    }
}
