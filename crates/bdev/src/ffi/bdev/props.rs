//! Properties of a bdev and of a descriptor (which may hide the bdev's
//! metadata), module name and context, I/O type names.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;

use spdk_json::ffi::json::spdk_json_write_ctx;

use super::{
    spdk_bdev_desc, spdk_bdev_io_type, spdk_bdev_nvme_ctratt, DifCheckTypeArg, DifPiFormatRet,
    DifTypeRet, IoTypeArg,
};
use crate::core::{self, Desc};
use crate::ffi::bdev_module::{spdk_bdev, BDEV_FLAG_DIF_IS_HEAD_OF_MD};
use crate::rpc::IO_TYPE_NAMES;

const DIF_FLAGS_REFTAG_CHECK: u32 = 1 << 26;
const DIF_FLAGS_APPTAG_CHECK: u32 = 1 << 27;
const DIF_FLAGS_GUARD_CHECK: u32 = 1 << 28;

/// The name of the module that registered the bdev (NULL for NULL).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_module_name(bdev: *const spdk_bdev) -> *const c_char {
    match bdev.as_ref() {
        Some(b) if !b.module.is_null() => (*b.module).name,
        _ => ptr::null(),
    }
}

/// The module's context of the descriptor's bdev (its fn_table's
/// get_module_ctx), or NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_module_ctx(desc: *mut spdk_bdev_desc) -> *mut c_void {
    let Some(d) = desc.cast::<Desc>().as_ref() else {
        return ptr::null_mut();
    };
    let b = &*d.bdev;
    match b.fn_table.as_ref().and_then(|f| f.get_module_ctx) {
        Some(f) => f(b.ctxt),
        None => ptr::null_mut(),
    }
}

/// The name of an I/O type ("read", "write", ...); NULL for an invalid one.
#[no_mangle]
pub extern "C" fn spdk_bdev_get_io_type_name(io_type: IoTypeArg) -> *const c_char {
    const NAMES: [&CStr; 23] = [
        c"invalid",
        c"read",
        c"write",
        c"unmap",
        c"flush",
        c"reset",
        c"nvme_admin",
        c"nvme_io",
        c"nvme_io_md",
        c"write_zeroes",
        c"zcopy",
        c"get_zone_info",
        c"zone_management",
        c"zone_append",
        c"compare",
        c"compare_and_write",
        c"abort",
        c"seek_hole",
        c"seek_data",
        c"copy",
        c"nvme_iov_md",
        c"nvme_nssr",
        c"write_uncorrectable",
    ];
    match io_type.0 {
        t if t > 0 && (t as usize) < NAMES.len() => NAMES[t as usize].as_ptr(),
        _ => ptr::null(),
    }
}

/// The I/O type named `io_type_string` (as spdk_bdev_get_io_type_name
/// spells it), or -1.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_io_type(io_type_string: *const c_char) -> c_int {
    if io_type_string.is_null() {
        return -1;
    }
    let s = CStr::from_ptr(io_type_string).to_bytes();
    IO_TYPE_NAMES
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, n)| n.as_bytes() == s)
        .map_or(-1, |(i, _)| i as c_int)
}

/// Writes the module's driver-specific information (its dump_info_json)
/// into `w`; 0 when it has none. -EINVAL for NULL.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_dump_info_json(
    bdev: *mut spdk_bdev,
    w: *mut spdk_json_write_ctx,
) -> c_int {
    if bdev.is_null() || w.is_null() {
        return -libc::EINVAL;
    }
    match (*bdev).fn_table.as_ref().and_then(|f| f.dump_info_json) {
        Some(f) => f((*bdev).ctxt, w),
        None => 0,
    }
}

macro_rules! getter {
    ($(#[$m:meta])* $name:ident, $field:ident, $t:ty) => {
        $(#[$m])*
        #[no_mangle]
        pub unsafe extern "C" fn $name(bdev: *const spdk_bdev) -> $t {
            bdev.as_ref().map_or(0, |b| b.$field as $t)
        }
    };
}

getter!(
    /// Atomic compare-and-write unit, in blocks.
    spdk_bdev_get_acwu, acwu, u16
);
getter!(
    /// Largest copy in blocks (0: no limit).
    spdk_bdev_get_max_copy, max_copy, u32
);
getter!(
    /// Preferred write alignment, in blocks.
    spdk_bdev_get_preferred_write_alignment, preferred_write_alignment, u32
);
getter!(
    /// Preferred write granularity, in blocks.
    spdk_bdev_get_preferred_write_granularity, preferred_write_granularity, u32
);
getter!(
    /// Optimal write size, in blocks.
    spdk_bdev_get_optimal_write_size, optimal_write_size, u32
);
getter!(
    /// Preferred unmap alignment, in blocks.
    spdk_bdev_get_preferred_unmap_alignment, preferred_unmap_alignment, u32
);
getter!(
    /// Preferred unmap granularity, in blocks.
    spdk_bdev_get_preferred_unmap_granularity, preferred_unmap_granularity, u32
);

/// The NUMA node of the bdev, or SPDK_ENV_NUMA_ID_ANY (-1) when unknown.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_numa_id(bdev: *mut spdk_bdev) -> i32 {
    match bdev.as_ref() {
        Some(b) if b.numa & 1 != 0 => b.numa as i32 >> 1,
        _ => -1,
    }
}

/// Whether the bdev is a zoned device.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_is_zoned(bdev: *const spdk_bdev) -> bool {
    bdev.as_ref().is_some_and(|b| b.zoned())
}

/// The bdev's NVMe controller attributes (zero when it has none).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_nvme_ctratt(bdev: *mut spdk_bdev) -> spdk_bdev_nvme_ctratt {
    bdev.as_ref()
        .map_or(spdk_bdev_nvme_ctratt { raw: 0 }, |b| b.ctratt)
}

/// The NVMe namespace ID of the bdev, or 0.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_nvme_nsid(bdev: *mut spdk_bdev) -> u32 {
    bdev.as_ref().map_or(0, |b| b.nsid)
}

// ---- DIF ----

fn dif_type(b: &spdk_bdev) -> c_int {
    if b.md_len != 0 {
        b.dif_type as c_int
    } else {
        0
    }
}

fn dif_check_enabled(b: &spdk_bdev, check: c_int) -> bool {
    if dif_type(b) == 0 {
        return false;
    }
    let bit = match check {
        1 => DIF_FLAGS_REFTAG_CHECK,
        2 => DIF_FLAGS_APPTAG_CHECK,
        3 => DIF_FLAGS_GUARD_CHECK,
        _ => return false,
    };
    b.dif_check_flags & bit != 0
}

/// The protection information type (SPDK_DIF_DISABLE without metadata).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_dif_type(bdev: *const spdk_bdev) -> DifTypeRet {
    DifTypeRet(bdev.as_ref().map_or(0, dif_type))
}

/// The protection information format.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_dif_pi_format(bdev: *const spdk_bdev) -> DifPiFormatRet {
    DifPiFormatRet(bdev.as_ref().map_or(0, |b| b.dif_pi_format as c_int))
}

/// Whether the protection information is at the start of the metadata
/// (false without DIF).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_is_dif_head_of_md(bdev: *const spdk_bdev) -> bool {
    bdev.as_ref()
        .is_some_and(|b| dif_type(b) != 0 && b.flags & BDEV_FLAG_DIF_IS_HEAD_OF_MD != 0)
}

/// Whether a DIF check is enabled on the bdev.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_is_dif_check_enabled(
    bdev: *const spdk_bdev,
    check_type: DifCheckTypeArg,
) -> bool {
    bdev.as_ref()
        .is_some_and(|b| dif_check_enabled(b, check_type.0))
}

// ---- per descriptor: a descriptor opened with hide_metadata sees none ----

unsafe fn desc_view<'a>(desc: *mut spdk_bdev_desc) -> Option<(&'a spdk_bdev, bool)> {
    let d = desc.cast::<Desc>().as_ref()?;
    Some((&*core::desc_bdev(d), d.hide_md))
}

/// The block size seen through the descriptor (without metadata when it
/// hides it).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_desc_get_block_size(desc: *mut spdk_bdev_desc) -> u32 {
    desc_view(desc).map_or(0, |(b, hide)| {
        if hide {
            b.blocklen - b.md_len * b.md_interleave() as u32
        } else {
            b.blocklen
        }
    })
}

/// The metadata size seen through the descriptor (0 when hidden).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_desc_get_md_size(desc: *mut spdk_bdev_desc) -> u32 {
    desc_view(desc).map_or(0, |(b, hide)| if hide { 0 } else { b.md_len })
}

/// Whether the descriptor sees metadata interleaved with the data.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_desc_is_md_interleaved(desc: *mut spdk_bdev_desc) -> bool {
    desc_view(desc).is_some_and(|(b, hide)| !hide && b.md_len != 0 && b.md_interleave())
}

/// Whether the descriptor sees metadata in separate buffers.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_desc_is_md_separate(desc: *mut spdk_bdev_desc) -> bool {
    desc_view(desc).is_some_and(|(b, hide)| !hide && b.md_len != 0 && !b.md_interleave())
}

/// The DIF type seen through the descriptor (SPDK_DIF_DISABLE when hidden).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_desc_get_dif_type(desc: *mut spdk_bdev_desc) -> DifTypeRet {
    DifTypeRet(desc_view(desc).map_or(0, |(b, hide)| if hide { 0 } else { dif_type(b) }))
}

/// The protection information format seen through the descriptor
/// (SPDK_DIF_PI_FORMAT_16 when hidden).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_desc_get_dif_pi_format(
    desc: *mut spdk_bdev_desc,
) -> DifPiFormatRet {
    DifPiFormatRet(desc_view(desc).map_or(
        0,
        |(b, hide)| {
            if hide {
                0
            } else {
                b.dif_pi_format as c_int
            }
        },
    ))
}

/// Whether the descriptor sees DIF at the start of the metadata.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_desc_is_dif_head_of_md(desc: *mut spdk_bdev_desc) -> bool {
    desc_view(desc).is_some_and(|(b, hide)| {
        !hide && dif_type(b) != 0 && b.flags & BDEV_FLAG_DIF_IS_HEAD_OF_MD != 0
    })
}

/// Whether a DIF check is enabled as seen through the descriptor.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_desc_is_dif_check_enabled(
    desc: *mut spdk_bdev_desc,
    check_type: DifCheckTypeArg,
) -> bool {
    desc_view(desc).is_some_and(|(b, hide)| !hide && dif_check_enabled(b, check_type.0))
}

/// spdk_bdev_io_type from a C int (None when out of range).
pub fn io_type(v: c_int) -> Option<spdk_bdev_io_type> {
    spdk_bdev_io_type::from_int(v)
}
