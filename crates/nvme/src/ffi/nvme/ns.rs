//! Namespaces (`struct spdk_nvme_ns`): identify data and what the driver
//! derives from it.

use core::ptr;

use super::ctrlr::spdk_nvme_ctrlr;
use crate::ns::{flags, Ns};
use crate::spec::ns::{NsData, NvmNsData};
use spdk_util::ffi::uuid::spdk_uuid;

/// What a namespace supports (spdk_nvme_ns_get_flags()).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_nvme_ns_flags {
    /// Dataset Management deallocate.
    SPDK_NVME_NS_DEALLOCATE_SUPPORTED = 1 << 0,
    /// Flush (a volatile write cache is present).
    SPDK_NVME_NS_FLUSH_SUPPORTED = 1 << 1,
    /// Reservations.
    SPDK_NVME_NS_RESERVATION_SUPPORTED = 1 << 2,
    /// Write Zeroes.
    SPDK_NVME_NS_WRITE_ZEROES_SUPPORTED = 1 << 3,
    /// End-to-end data protection.
    SPDK_NVME_NS_DPS_PI_SUPPORTED = 1 << 4,
    /// Metadata interleaved with data (extended LBA).
    SPDK_NVME_NS_EXTENDED_LBA_SUPPORTED = 1 << 5,
    /// Write Uncorrectable.
    SPDK_NVME_NS_WRITE_UNCORRECTABLE_SUPPORTED = 1 << 6,
    /// Compare.
    SPDK_NVME_NS_COMPARE_SUPPORTED = 1 << 7,
}

/// A namespace of a controller.
pub struct spdk_nvme_ns {
    _opaque: [u8; 0],
}

#[inline]
pub(crate) unsafe fn ns<'a>(p: *const spdk_nvme_ns) -> Option<&'a Ns> {
    (p as *const Ns).as_ref()
}

/// Identify namespace data (zeroes for an inactive namespace).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_data(ns: *mut spdk_nvme_ns) -> *const NsData {
    self::ns(ns).map_or(ptr::null(), |n| &*n.data as *const NsData)
}

/// The namespace ID.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_id(ns: *mut spdk_nvme_ns) -> u32 {
    self::ns(ns).map_or(0, |n| n.id)
}

/// The controller of the namespace.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_ctrlr(ns: *mut spdk_nvme_ns) -> *mut spdk_nvme_ctrlr {
    self::ns(ns).map_or(ptr::null_mut(), |n| n.ctrlr.cast())
}

/// Whether the namespace is active (has a non-zero size).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_is_active(ns: *mut spdk_nvme_ns) -> bool {
    self::ns(ns).is_some_and(|n| n.active)
}

/// Largest transfer of one command for this namespace, bytes.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_max_io_xfer_size(ns: *mut spdk_nvme_ns) -> u32 {
    self::ns(ns).map_or(0, |n| n.max_io_xfer_size())
}

/// Data bytes per block.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_sector_size(ns: *mut spdk_nvme_ns) -> u32 {
    self::ns(ns).map_or(0, |n| n.sector_size)
}

/// Bytes per block in host memory (with metadata for extended LBAs).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_extended_sector_size(ns: *mut spdk_nvme_ns) -> u32 {
    self::ns(ns).map_or(0, |n| n.extended_lba_size)
}

/// Blocks in the namespace.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_num_sectors(ns: *mut spdk_nvme_ns) -> u64 {
    self::ns(ns).map_or(0, |n| n.num_sectors())
}

/// Bytes in the namespace.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_size(ns: *mut spdk_nvme_ns) -> u64 {
    self::ns(ns).map_or(0, |n| n.size())
}

/// Protection information type (`enum spdk_nvme_pi_type`, 0: none).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_pi_type(ns: *mut spdk_nvme_ns) -> PiTypeRet {
    PiTypeRet(self::ns(ns).map_or(0, |n| n.pi_type as i32))
}

/// Protection information format (`enum spdk_nvme_pi_format`): with
/// protection information enabled, the PIF of the active LBA format's
/// extended format when the NVM command set namespace data was read
/// (controllers with CTRATT.ELBAS, all I/O command sets enabled), else 16b
/// guard (0), SPDK's default.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_pi_format(ns: *mut spdk_nvme_ns) -> PiFormatRet {
    PiFormatRet(self::ns(ns).map_or(0, |n| n.pi_format as i32))
}

/// The NVM command set specific identify namespace data (Identify CNS
/// 05h, CSI 00h), or NULL when it was not read: SPDK reads it only with
/// all I/O command sets enabled and CTRATT.ELBAS set.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_nvm_ns_get_data(ns: *mut spdk_nvme_ns) -> *const NvmNsData {
    self::ns(ns)
        .and_then(|n| n.nvm.as_deref())
        .map_or(ptr::null(), |d| d as *const NvmNsData)
}

/// Metadata bytes per block.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_md_size(ns: *mut spdk_nvme_ns) -> u32 {
    self::ns(ns).map_or(0, |n| n.md_size)
}

/// Whether metadata is interleaved with the data (extended LBA).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_supports_extended_lba(ns: *mut spdk_nvme_ns) -> bool {
    self::ns(ns).is_some_and(|n| n.flags & flags::EXTENDED_LBA_SUPPORTED != 0)
}

/// Whether Write Uncorrectable is supported.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_supports_write_uncorrectable(ns: *mut spdk_nvme_ns) -> bool {
    self::ns(ns).is_some_and(|n| n.flags & flags::WRITE_UNCORRECTABLE_SUPPORTED != 0)
}

/// Whether Compare is supported.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_supports_compare(ns: *mut spdk_nvme_ns) -> bool {
    self::ns(ns).is_some_and(|n| n.flags & flags::COMPARE_SUPPORTED != 0)
}

/// What deallocated blocks read as (`enum
/// spdk_nvme_dealloc_logical_block_read_value`, DLFEAT bits 2:0).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_dealloc_logical_block_read_value(
    ns: *mut spdk_nvme_ns,
) -> DeallocReadRet {
    DeallocReadRet(self::ns(ns).map_or(0, |n| n.data.dlfeat.read_value() as i32))
}

/// Optimal I/O boundary in blocks (0: none); the driver splits I/O that
/// crosses it.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_optimal_io_boundary(ns: *mut spdk_nvme_ns) -> u32 {
    self::ns(ns).map_or(0, |n| n.sectors_per_stripe)
}

/// The namespace globally unique identifier (16 bytes), or NULL when the
/// controller reports none (all zeroes).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_nguid(ns: *const spdk_nvme_ns) -> *const u8 {
    match self::ns(ns) {
        Some(n) if n.data.nguid.iter().any(|&b| b != 0) => n.data.nguid.as_ptr(),
        _ => ptr::null(),
    }
}

/// The namespace UUID from its identification descriptors, or NULL when
/// it has none (or the controller predates NVMe 1.3).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_uuid(ns: *const spdk_nvme_ns) -> *const spdk_uuid {
    match self::ns(ns).and_then(|n| n.ids.uuid.as_ref()) {
        Some(u) => (u as *const [u8; 16]).cast(),
        None => ptr::null(),
    }
}

/// The namespace's command set (`enum spdk_nvme_csi`; NVM when its
/// identification descriptors name none).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_csi(ns: *const spdk_nvme_ns) -> CsiRet {
    CsiRet(self::ns(ns).map_or(0, |n| n.ids.csi as i32))
}

/// The `SPDK_NVME_NS_*` flags of the namespace.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_flags(ns: *mut spdk_nvme_ns) -> u32 {
    self::ns(ns).map_or(0, |n| n.flags)
}

/// The LBA format index in use according to `nsdata` (FLBAS, with its
/// high bits when there are more than 16 formats).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_format_index(nsdata: *const NsData) -> u32 {
    nsdata.as_ref().map_or(0, |d| d.lba_format_index() as u32)
}

/// The LBA format index the namespace uses.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_active_format_index(ns: *const spdk_nvme_ns) -> u32 {
    self::ns(ns).map_or(0, |n| n.data.lba_format_index() as u32)
}

/// The ANA group ID of the namespace, from the ANA log page (0 when the
/// controller does not report ANA or the page was not read).
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_ana_group_id(ns: *const spdk_nvme_ns) -> u32 {
    self::ns(ns).map_or(0, |n| n.ana_group_id)
}

/// The ANA state of the namespace (`enum spdk_nvme_ana_state`), from the
/// ANA log page read at initialization and on each ANA change notice;
/// optimized until read, as in SPDK.
#[no_mangle]
pub unsafe extern "C" fn spdk_nvme_ns_get_ana_state(ns: *const spdk_nvme_ns) -> AnaStateRet {
    AnaStateRet(self::ns(ns).map_or(0, |n| n.ana_state as i32))
}

/// `enum spdk_nvme_pi_format` returned by value.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PiFormatRet(pub i32);

/// `enum spdk_nvme_ana_state` returned by value.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnaStateRet(pub i32);

/// `enum spdk_nvme_pi_type` returned by value.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PiTypeRet(pub i32);

/// `enum spdk_nvme_csi` returned by value.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsiRet(pub i32);

/// `enum spdk_nvme_dealloc_logical_block_read_value` returned by value.
#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeallocReadRet(pub i32);
