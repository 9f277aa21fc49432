//! The C ABI of include/spdk/nvme.h. This slice: transport IDs and host IDs
//! (their types and the functions that parse, name and compare them). The
//! driver proper (probe, controllers, queue pairs, commands) is not exported
//! yet.

// The C contract of each function (valid pointers) is its doc comment,
// which is also the header text.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use core::ffi::{c_char, c_int};
use core::ptr;
use std::ffi::CStr;

use super::nvmf_spec::{
    SPDK_NVMF_NQN_MAX_LEN, SPDK_NVMF_TRADDR_MAX_LEN, SPDK_NVMF_TRSTRING_MAX_LEN,
    SPDK_NVMF_TRSVCID_MAX_LEN,
};
use crate::trid;

pub mod ctrlr;
pub mod ctrlr_mgmt;
pub mod dhchap;
pub mod discovery;
pub mod ns;
pub mod ns_cmd;
pub mod ns_resv;
pub mod opts;
pub mod poll_group;
pub mod probe;
pub mod qpair;
pub mod transport_opts;

// The string fields are spelled with literal sizes (cbindgen cannot emit
// `SPDK_NVMF_..._MAX_LEN + 1`); they are each limit plus the terminator.
const _: () = {
    assert!(SPDK_NVMF_TRSTRING_MAX_LEN + 1 == 33);
    assert!(SPDK_NVMF_TRADDR_MAX_LEN + 1 == 257);
    assert!(SPDK_NVMF_TRSVCID_MAX_LEN + 1 == 33);
    assert!(SPDK_NVMF_NQN_MAX_LEN + 1 == 224);
    assert!(core::mem::size_of::<spdk_nvme_transport_id>() == 564);
    assert!(core::mem::size_of::<spdk_nvme_host_id>() == 290);
};

/// Longest connection priority value in a transport ID string.
pub const SPDK_NVMF_PRIORITY_MAX_LEN: usize = 4;

/// The transports of the NVMe library. The fabrics ones carry their NVMe-oF
/// TRTYPE value; the others lie outside TRTYPE's 8-bit range.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_transport_type {
    /// Local PCIe controllers.
    SPDK_NVME_TRANSPORT_PCIE = 256,
    /// RDMA (same value as SPDK_NVMF_TRTYPE_RDMA).
    SPDK_NVME_TRANSPORT_RDMA = 1,
    /// Fibre Channel (same value as SPDK_NVMF_TRTYPE_FC).
    SPDK_NVME_TRANSPORT_FC = 2,
    /// TCP (same value as SPDK_NVMF_TRTYPE_TCP).
    SPDK_NVME_TRANSPORT_TCP = 3,
    /// vfio-user (not defined by the specification).
    SPDK_NVME_TRANSPORT_VFIOUSER = 1024,
    /// A transport registered by the application, named by trstring.
    SPDK_NVME_TRANSPORT_CUSTOM = 4096,
    /// A fabrics transport registered by the application.
    SPDK_NVME_TRANSPORT_CUSTOM_FABRICS = 4097,
}

/// `enum spdk_nvme_transport_type` as C stores or passes it (any int).
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TransportTypeArg(pub c_int);

/// `enum spdk_nvmf_adrfam` as C stores or passes it (any int).
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AdrfamArg(pub c_int);

/// Identifies one NVMe endpoint: a PCIe function or a fabrics subsystem
/// behind an address. spdk_nvme_transport_id_parse() fills it from text.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_nvme_transport_id {
    /// Transport name, upper case ("PCIE", "TCP", or a custom transport's).
    pub trstring: [c_char; 33],
    /// Transport type.
    pub trtype: TransportTypeArg,
    /// Address family of traddr (not used for PCIe).
    pub adrfam: AdrfamArg,
    /// Transport address: an IP address for IP fabrics, a PCI address
    /// ("DDDD:BB:DD.F") or "" (the whole bus) for PCIe, the WWNN/WWPN pair
    /// for Fibre Channel.
    pub traddr: [c_char; 257],
    /// Transport service ID: the port for IP fabrics, "" for PCIe and FC.
    pub trsvcid: [c_char; 33],
    /// Subsystem NQN (may be "").
    pub subnqn: [c_char; 224],
    /// Socket priority of the connection (SO_PRIORITY; kernel TCP only).
    pub priority: c_int,
}

impl Default for spdk_nvme_transport_id {
    fn default() -> Self {
        Self {
            trstring: [0; SPDK_NVMF_TRSTRING_MAX_LEN + 1],
            trtype: TransportTypeArg(0),
            adrfam: AdrfamArg(0),
            traddr: [0; SPDK_NVMF_TRADDR_MAX_LEN + 1],
            trsvcid: [0; SPDK_NVMF_TRSVCID_MAX_LEN + 1],
            subnqn: [0; SPDK_NVMF_NQN_MAX_LEN + 1],
            priority: 0,
        }
    }
}

/// The host side of a fabrics connection: the local address and service ID
/// to connect from. spdk_nvme_host_id_parse() fills it from text.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_nvme_host_id {
    /// Local transport address ("" for any).
    pub hostaddr: [c_char; 257],
    /// Local transport service ID ("" for any).
    pub hostsvcid: [c_char; 33],
}

impl Default for spdk_nvme_host_id {
    fn default() -> Self {
        Self {
            hostaddr: [0; SPDK_NVMF_TRADDR_MAX_LEN + 1],
            hostsvcid: [0; SPDK_NVMF_TRSVCID_MAX_LEN + 1],
        }
    }
}

/// The bytes of a C string, without its terminator.
///
/// # Safety
/// `p` must be a valid NUL-terminated string that outlives `'a`.
unsafe fn cbytes<'a>(p: *const c_char) -> &'a [u8] {
    CStr::from_ptr(p).to_bytes()
}

/// Parses a transport ID from `str`: whitespace-separated `key:value` (or
/// `key=value`) pairs with case-insensitive keys `trtype`, `adrfam`,
/// `traddr`, `trsvcid`, `subnqn` and `priority`. The keys `hostaddr`,
/// `hostsvcid`, `hostnqn`, `ns` and `alt_traddr` belong to other parsers
/// and are skipped; other keys are logged and skipped. Fields not named in
/// `str` are left as they were, so initialize `trid` first.
///
/// Returns 0, or -EINVAL when a pointer is NULL, a pair is malformed (no
/// separator, empty value, key of 32 bytes or more), a value is too long
/// for its field, or trtype/adrfam is invalid.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_transport_id_parse(
    trid: *mut spdk_nvme_transport_id,
    str: *const c_char,
) -> c_int {
    if trid.is_null() || str.is_null() {
        return -libc::EINVAL;
    }
    match trid::parse(&mut *trid, cbytes(str)) {
        Ok(()) => 0,
        Err(e) => -e,
    }
}

/// Parses protection information checks ("prchk:reftag|guard") into
/// `prchk_flags` (SPDK_NVME_IO_FLAGS_PRCHK_*, ORed in). 0, or -EINVAL for
/// NULL, a malformed string or a key other than prchk.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_prchk_flags_parse(
    prchk_flags: *mut u32,
    str: *const c_char,
) -> c_int {
    if prchk_flags.is_null() || str.is_null() {
        return -libc::EINVAL;
    }
    match trid::parse_prchk(&mut *prchk_flags, cbytes(str)) {
        Ok(()) => 0,
        Err(e) => -e,
    }
}

/// The text of the reference tag and guard checks in `prchk_flags`
/// ("prchk:reftag|guard", "prchk:reftag", "prchk:guard"), NULL for none.
#[no_mangle]
pub extern "C" fn spdk_nvme_prchk_flags_str(prchk_flags: u32) -> *const c_char {
    use crate::spec::io_flags::{PRCHK_GUARD, PRCHK_REFTAG};
    match (
        prchk_flags & PRCHK_REFTAG != 0,
        prchk_flags & PRCHK_GUARD != 0,
    ) {
        (true, true) => c"prchk:reftag|guard".as_ptr(),
        (true, false) => c"prchk:reftag".as_ptr(),
        (false, true) => c"prchk:guard".as_ptr(),
        (false, false) => core::ptr::null(),
    }
}

/// Sets `trtype` and the matching `trstring` of `trid` for one of the
/// transports the library names (PCIe, RDMA, FC, TCP, VFIOUSER, CUSTOM).
/// For another value, trtype is stored, trstring is left alone and an
/// error is logged.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_trid_populate_transport(
    trid: *mut spdk_nvme_transport_id,
    trtype: TransportTypeArg,
) {
    if trid.is_null() {
        spdk_log::errlog!("trid is NULL");
        return;
    }
    trid::populate_transport(&mut *trid, trtype.0);
}

/// Parses the host part of a connection string: keys `hostaddr` and
/// `hostsvcid` (case-insensitive, `key:value` or `key=value`); the transport
/// ID keys are skipped and unknown keys are logged and skipped. Fields not
/// named in `str` are left as they were.
///
/// Returns 0, or -EINVAL when a pointer is NULL, a pair is malformed or a
/// value is too long for its field.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_host_id_parse(
    hostid: *mut spdk_nvme_host_id,
    str: *const c_char,
) -> c_int {
    if hostid.is_null() || str.is_null() {
        return -libc::EINVAL;
    }
    match trid::parse_host_id(&mut *hostid, cbytes(str)) {
        Ok(()) => 0,
        Err(e) => -e,
    }
}

/// Stores `trstring` in upper case as the transport name of `trid`
/// (trtype is not changed).
///
/// Returns 0, or -EINVAL when a pointer is NULL or the name is longer than
/// SPDK_NVMF_TRSTRING_MAX_LEN.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_transport_id_populate_trstring(
    trid: *mut spdk_nvme_transport_id,
    trstring: *const c_char,
) -> c_int {
    if trid.is_null() || trstring.is_null() {
        return -libc::EINVAL;
    }
    match trid::populate_trstring(&mut (*trid).trstring, cbytes(trstring)) {
        Ok(()) => 0,
        Err(e) => -e,
    }
}

/// Converts a transport name ("PCIe", "RDMA", "FC", "TCP", "VFIOUSER", any
/// case) to its type; any other name is SPDK_NVME_TRANSPORT_CUSTOM.
///
/// Returns 0, or -EINVAL when a pointer is NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_transport_id_parse_trtype(
    trtype: *mut TransportTypeArg,
    str: *const c_char,
) -> c_int {
    if trtype.is_null() || str.is_null() {
        return -libc::EINVAL;
    }
    *trtype = TransportTypeArg(trid::parse_trtype(cbytes(str)));
    0
}

/// The name of a transport type ("PCIe", "RDMA", "FC", "TCP", "VFIOUSER",
/// "CUSTOM"), a static string, or NULL for another value.
#[no_mangle]
pub extern "C" fn spdk_nvme_transport_id_trtype_str(trtype: TransportTypeArg) -> *const c_char {
    trid::trtype_str(trtype.0).map_or(ptr::null(), CStr::as_ptr)
}

/// The name of an address family ("IPv4", "IPv6", "IB", "FC"), a static
/// string, or NULL for another value.
#[no_mangle]
pub extern "C" fn spdk_nvme_transport_id_adrfam_str(adrfam: AdrfamArg) -> *const c_char {
    trid::adrfam_str(adrfam.0).map_or(ptr::null(), CStr::as_ptr)
}

/// Converts an address family name ("IPv4", "IPv6", "IB", "FC", any case)
/// to its value.
///
/// Returns 0, -EINVAL when a pointer is NULL, or -ENOENT for an unknown
/// name.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_transport_id_parse_adrfam(
    adrfam: *mut AdrfamArg,
    str: *const c_char,
) -> c_int {
    if adrfam.is_null() || str.is_null() {
        return -libc::EINVAL;
    }
    match trid::parse_adrfam(cbytes(str)) {
        Some(v) => {
            *adrfam = AdrfamArg(v);
            0
        }
        None => -libc::ENOENT,
    }
}

/// Orders two transport IDs (for sorting and equality; the order may change
/// between versions). Transport names, addresses and service IDs compare
/// case-insensitively, the subsystem NQN case-sensitively. PCIe IDs compare
/// only their PCI addresses, after normalizing them (an unparsable one
/// orders first, with -1).
///
/// Returns 0 when equal, less than 0 when `trid1` comes first, more than 0
/// otherwise. NULL pointers order before anything else.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_transport_id_compare(
    trid1: *const spdk_nvme_transport_id,
    trid2: *const spdk_nvme_transport_id,
) -> c_int {
    match (trid1.is_null(), trid2.is_null()) {
        (true, true) => 0,
        (true, false) => -1,
        (false, true) => 1,
        (false, false) => trid::compare(&*trid1, &*trid2),
    }
}
