//! The NVMe library's C functions the tools call (the entry points a C
//! program uses), their handle types, and spdk_nvme_build_name's naming
//! (SPDK's nvme_util.h function, which the library does not export yet).
//! Shared with spdk_nvme_identify.

pub use spdk_nvme::ffi::nvme::ctrlr::*;
pub use spdk_nvme::ffi::nvme::ns::*;
pub use spdk_nvme::ffi::nvme::ns_cmd::*;
pub use spdk_nvme::ffi::nvme::opts::{spdk_nvme_ctrlr_opts, spdk_nvme_io_qpair_opts};
pub use spdk_nvme::ffi::nvme::probe::*;
pub use spdk_nvme::ffi::nvme::qpair::*;
pub use spdk_nvme::ffi::nvme::{spdk_nvme_transport_id, spdk_nvme_transport_type};
pub use spdk_nvme::spec::cmd::Cpl;

pub type Ctrlr = spdk_nvme_ctrlr;
pub type Ns = spdk_nvme_ns;
pub type Qpair = spdk_nvme_qpair;

fn field(b: &[core::ffi::c_char]) -> String {
    let v: Vec<u8> = b
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&v).into_owned()
}

/// Whether a transport ID is a local PCIe one.
pub fn is_pcie(t: &spdk_nvme_transport_id) -> bool {
    t.trtype.0 == spdk_nvme_transport_type::SPDK_NVME_TRANSPORT_PCIE as i32
}

/// A controller's name, or a namespace's with `ns`, as
/// spdk_nvme_build_name: "PCIE (0000:00:04.0) [1b36:0010]",
/// "TCP (addr:10.0.0.1 subnqn:nqn...)", then " NSID n".
pub fn build_name(ctrlr: *mut Ctrlr, ns: *mut Ns) -> String {
    // SAFETY: an attached controller: its transport ID lives with it.
    let Some(t) = (unsafe { spdk_nvme_ctrlr_get_transport_id(ctrlr).as_ref() }) else {
        return String::new();
    };
    let (addr, nqn) = (field(&t.traddr), field(&t.subnqn));
    let mut s = match t.trtype.0 {
        256 => {
            let mut s = format!("PCIE ({addr})");
            // SAFETY: as above; the device lives with the controller.
            let dev = unsafe { spdk_nvme_ctrlr_get_pci_device(ctrlr) };
            if !dev.is_null() {
                use spdk_env::ffi::env::pci_device::spdk_pci_device_get_id;
                // SAFETY: a device of an attached controller.
                let id = unsafe { spdk_pci_device_get_id(dev) };
                s += &format!(" [{:04x}:{:04x}]", id.vendor_id, id.device_id);
            }
            s
        }
        1 => format!("RDMA (addr:{addr} subnqn:{nqn})"),
        3 => format!("TCP (addr:{addr} subnqn:{nqn})"),
        1024 => format!("VFIOUSER ({addr})"),
        4096 => format!("CUSTOM ({addr})"),
        _ => return String::new(),
    };
    if !ns.is_null() {
        // SAFETY: a namespace of the controller.
        s += &format!(" NSID {}", unsafe { spdk_nvme_ns_get_id(ns) });
    }
    s
}
