//! The C ABI of include/spdk_internal/nvme_util.h: the transport ID usage
//! text and parser with the extra keys SPDK's example programs take.
//! It also names controllers and namespaces for the tools' output
//! (spdk_nvme_build_name).

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use core::ffi::{c_char, c_int};
use std::ffi::CStr;

use super::nvme::ctrlr::{
    spdk_nvme_ctrlr, spdk_nvme_ctrlr_get_pci_device, spdk_nvme_ctrlr_get_transport_id,
};
use super::nvme::ns::{spdk_nvme_ns, spdk_nvme_ns_get_id};
use super::nvme::spdk_nvme_transport_id;
use super::nvmf_spec::SPDK_NVMF_NQN_MAX_LEN;
use crate::trid;
use spdk_env::ffi::env::pci_device::spdk_pci_device_get_id;

const _: () = {
    assert!(SPDK_NVMF_NQN_MAX_LEN + 1 == 224);
    assert!(core::mem::size_of::<spdk_nvme_trid_entry>() == 1356);
    assert!(core::mem::offset_of!(spdk_nvme_trid_entry, failover_trid) == 792);
};

/// What spdk_nvme_transport_id_usage() describes (flags to OR together).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_trid_usage_opt {
    /// The -r option is required (not shown in brackets).
    SPDK_NVME_TRID_USAGE_OPT_MANDATORY = 2,
    /// Also name the long option --transport.
    SPDK_NVME_TRID_USAGE_OPT_LONGOPT = 4,
    /// Leave out local PCIe controllers.
    SPDK_NVME_TRID_USAGE_OPT_NO_PCIE = 8,
    /// Leave out fabrics.
    SPDK_NVME_TRID_USAGE_OPT_NO_FABRIC = 16,
    /// Say that the option may be given more than once.
    SPDK_NVME_TRID_USAGE_OPT_MULTI = 32,
    /// Describe the `ns` key.
    SPDK_NVME_TRID_USAGE_OPT_NS = 64,
    /// Describe the `hostnqn` key.
    SPDK_NVME_TRID_USAGE_OPT_HOSTNQN = 128,
    /// Describe the `alt_traddr` key.
    SPDK_NVME_TRID_USAGE_OPT_ALT_TRADDR = 256,
}

/// A transport ID with the extra keys of SPDK's tools: a namespace, a host
/// NQN and a failover address.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_nvme_trid_entry {
    /// The transport ID.
    pub trid: spdk_nvme_transport_id,
    /// Namespace ID from `ns` (0 when not given: all namespaces).
    pub nsid: u16,
    /// Host NQN from `hostnqn` ("" when not given).
    pub hostnqn: [c_char; 224],
    /// `trid` with traddr replaced by `alt_traddr` when given.
    pub failover_trid: spdk_nvme_transport_id,
}

impl Default for spdk_nvme_trid_entry {
    fn default() -> Self {
        Self {
            trid: Default::default(),
            nsid: 0,
            hostnqn: [0; SPDK_NVMF_NQN_MAX_LEN + 1],
            failover_trid: Default::default(),
        }
    }
}

/// Writes the help text of a `-r <transport ID>` option to `f`; `opts`
/// (flags of enum spdk_nvme_trid_usage_opt) selects what it covers.
/// Nothing is written when `f` is NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_transport_id_usage(f: *mut libc::FILE, opts: u32) {
    if f.is_null() {
        return;
    }
    let text = trid::usage(opts);
    libc::fwrite(text.as_ptr().cast(), 1, text.len(), f);
}

/// Parses a transport ID string as spdk_nvme_transport_id_parse() does,
/// into `trid_entry->trid`, after defaulting trtype to PCIe and subnqn to
/// the discovery NQN; then reads the extra keys `ns` (1 to 65535),
/// `hostnqn` and `alt_traddr` (which sets failover_trid's traddr;
/// failover_trid is otherwise a copy of trid). Other fields of
/// `trid_entry` are left as they were.
///
/// Returns 0, or -EINVAL when a pointer is NULL, the transport ID is
/// invalid, or an extra value is out of range or too long.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_trid_entry_parse(
    trid_entry: *mut spdk_nvme_trid_entry,
    str: *const c_char,
) -> c_int {
    if trid_entry.is_null() || str.is_null() {
        return -libc::EINVAL;
    }
    match trid::parse_entry(&mut *trid_entry, CStr::from_ptr(str).to_bytes()) {
        Ok(()) => 0,
        Err(e) => -e,
    }
}

/// Writes the name SPDK's tools give a controller, or one of its
/// namespaces: "PCIE (0000:00:04.0) [1b36:0010] NSID 1", "TCP
/// (addr:127.0.0.1 subnqn:nqn...)". Like snprintf, it writes at most
/// `length` bytes with the terminating NUL and returns the length of the
/// whole name (without the NUL); -EINVAL for a NULL controller or an
/// unknown transport.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_build_name(
    name: *mut c_char,
    length: usize,
    ctrlr: *mut spdk_nvme_ctrlr,
    ns: *mut spdk_nvme_ns,
) -> c_int {
    use super::nvme::spdk_nvme_transport_type as T;
    let trid = spdk_nvme_ctrlr_get_transport_id(ctrlr);
    let Some(trid) = trid.as_ref() else {
        return -libc::EINVAL;
    };
    let text = |a: &[c_char]| {
        let bytes: Vec<u8> = a
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let (addr, subnqn) = (text(&trid.traddr), text(&trid.subnqn));
    let mut out = match trid.trtype.0 {
        t if t == T::SPDK_NVME_TRANSPORT_PCIE as c_int => {
            let mut s = format!("PCIE ({addr})");
            let dev = spdk_nvme_ctrlr_get_pci_device(ctrlr);
            if !dev.is_null() {
                let id = spdk_pci_device_get_id(dev);
                s += &format!(" [{:04x}:{:04x}]", id.vendor_id, id.device_id);
            }
            s
        }
        t if t == T::SPDK_NVME_TRANSPORT_RDMA as c_int => {
            format!("RDMA (addr:{addr} subnqn:{subnqn})")
        }
        t if t == T::SPDK_NVME_TRANSPORT_TCP as c_int => {
            format!("TCP (addr:{addr} subnqn:{subnqn})")
        }
        t if t == T::SPDK_NVME_TRANSPORT_VFIOUSER as c_int => format!("VFIOUSER ({addr})"),
        t if t == T::SPDK_NVME_TRANSPORT_CUSTOM as c_int => format!("CUSTOM ({addr})"),
        _ => return -libc::EINVAL,
    };
    if !ns.is_null() {
        out += &format!(" NSID {}", spdk_nvme_ns_get_id(ns));
    }
    if !name.is_null() && length > 0 {
        let n = out.len().min(length - 1);
        core::ptr::copy_nonoverlapping(out.as_ptr(), name.cast::<u8>(), n);
        *name.add(n) = 0;
    }
    out.len().min(c_int::MAX as usize) as c_int
}
