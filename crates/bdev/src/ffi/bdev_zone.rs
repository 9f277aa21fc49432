//! The C ABI of include/spdk/bdev_zone.h: zone geometry getters and the
//! zone I/O calls, handed to modules that support the zone I/O types
//! (-ENOTSUP otherwise).

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_thread::ffi::thread::spdk_io_channel;
use libc::iovec;

use crate::core::{self, Desc};
use crate::ffi::bdev::spdk_bdev_io_type::*;
use crate::ffi::bdev::{args, spdk_bdev_desc, spdk_bdev_io_completion_cb, submit_args};
use crate::ffi::bdev_module::{spdk_bdev, spdk_bdev_io};

/// What spdk_bdev_zone_management() does to a zone.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_bdev_zone_action {
    SPDK_BDEV_ZONE_CLOSE,
    SPDK_BDEV_ZONE_FINISH,
    SPDK_BDEV_ZONE_OPEN,
    SPDK_BDEV_ZONE_RESET,
    SPDK_BDEV_ZONE_OFFLINE,
}

/// The kind of a zone.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum spdk_bdev_zone_type {
    SPDK_BDEV_ZONE_TYPE_CNV = 0x1,
    SPDK_BDEV_ZONE_TYPE_SEQWR = 0x2,
    SPDK_BDEV_ZONE_TYPE_SEQWP = 0x3,
}

#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZoneActionArg(pub c_int);

#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZoneStateField(pub c_int);

#[doc(hidden)]
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZoneTypeField(pub c_int);

/// What spdk_bdev_get_zone_info() reports for one zone.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct spdk_bdev_zone_info {
    pub zone_id: u64,
    pub write_pointer: u64,
    pub capacity: u64,
    pub state: ZoneStateField,
    pub r#type: ZoneTypeField,
}

/// Zone size in blocks.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_zone_size(bdev: *const spdk_bdev) -> u64 {
    bdev.as_ref().map_or(0, |b| b.zone_size)
}

/// Number of zones (0 without a zone size).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_num_zones(bdev: *const spdk_bdev) -> u64 {
    bdev.as_ref()
        .map_or(0, |b| b.blockcnt.checked_div(b.zone_size).unwrap_or(0))
}

/// The first block of the zone holding `offset_blocks`.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_zone_id(bdev: *const spdk_bdev, offset_blocks: u64) -> u64 {
    match bdev.as_ref() {
        Some(b) if b.zone_size != 0 => offset_blocks - offset_blocks % b.zone_size,
        _ => 0,
    }
}

/// Largest zone append in blocks (0: no limit).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_max_zone_append_size(bdev: *const spdk_bdev) -> u32 {
    bdev.as_ref().map_or(0, |b| b.max_zone_append_size)
}

/// Most zones open at once (0: no limit).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_max_open_zones(bdev: *const spdk_bdev) -> u32 {
    bdev.as_ref().map_or(0, |b| b.max_open_zones)
}

/// Most zones active (open or closed) at once (0: no limit).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_max_active_zones(bdev: *const spdk_bdev) -> u32 {
    bdev.as_ref().map_or(0, |b| b.max_active_zones)
}

/// Optimal number of open zones.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_optimal_open_zones(bdev: *const spdk_bdev) -> u32 {
    bdev.as_ref().map_or(0, |b| b.optimal_open_zones)
}

/// Reads the information of `num_zones` zones from `zone_id` into
/// `info`. -ENOTSUP when the module cannot, -EINVAL for bad arguments,
/// -ENOMEM without a free spdk_bdev_io.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_zone_info(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    zone_id: u64,
    num_zones: usize,
    info: *mut spdk_bdev_zone_info,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(d) = desc.cast::<Desc>().as_ref() else {
        return -libc::EINVAL;
    };
    if ch.is_null() || info.is_null() || num_zones == 0 || num_zones > u32::MAX as usize {
        return -libc::EINVAL;
    }
    let z = core::ZoneArgs {
        ty: SPDK_BDEV_IO_TYPE_GET_ZONE_INFO,
        zone_id,
        num_zones: num_zones as u32,
        action: 0,
        buf: info.cast(),
    };
    core::submit_zone(d, ch, z, cb, cb_arg)
}

/// Opens, closes, finishes, resets or offlines the zone starting at
/// `zone_id`. -ENOTSUP when the module cannot, -EBADF on a read-only
/// descriptor, -EINVAL for bad arguments.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_zone_management(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    zone_id: u64,
    action: ZoneActionArg,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(d) = desc.cast::<Desc>().as_ref() else {
        return -libc::EINVAL;
    };
    if ch.is_null() || !(0..=4).contains(&action.0) {
        return -libc::EINVAL;
    }
    let z = core::ZoneArgs {
        ty: SPDK_BDEV_IO_TYPE_ZONE_MANAGEMENT,
        zone_id,
        num_zones: 1,
        action: action.0,
        buf: ptr::null_mut(),
    };
    core::submit_zone(d, ch, z, cb, cb_arg)
}

#[allow(clippy::too_many_arguments)]
unsafe fn append(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    buf: *mut c_void,
    iov: *mut iovec,
    iovcnt: c_int,
    md: *mut c_void,
    zone_id: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let mut a = args(
        SPDK_BDEV_IO_TYPE_ZONE_APPEND,
        buf,
        iov,
        iovcnt,
        zone_id,
        num_blocks,
        cb,
        cb_arg,
    );
    a.md_buf = md;
    submit_args(desc, ch, a)
}

/// Appends `num_blocks` blocks from `buf` to the zone starting at
/// `zone_id`; where they landed is spdk_bdev_io_get_append_location().
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_zone_append(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    buf: *mut c_void,
    zone_id: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if buf.is_null() {
        return -libc::EINVAL;
    }
    let n = ptr::null_mut();
    append(
        desc,
        ch,
        buf,
        n,
        0,
        n.cast(),
        zone_id,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_zone_append() from a scatter list.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_zone_appendv(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    iov: *mut iovec,
    iovcnt: c_int,
    zone_id: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    spdk_bdev_zone_appendv_with_md(
        desc,
        ch,
        iov,
        iovcnt,
        ptr::null_mut(),
        zone_id,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_zone_append() with separate metadata.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_zone_append_with_md(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    buf: *mut c_void,
    md: *mut c_void,
    zone_id: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if buf.is_null() {
        return -libc::EINVAL;
    }
    append(
        desc,
        ch,
        buf,
        ptr::null_mut(),
        0,
        md,
        zone_id,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_zone_appendv() with separate metadata.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_zone_appendv_with_md(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    iov: *mut iovec,
    iovcnt: c_int,
    md: *mut c_void,
    zone_id: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if iov.is_null() || iovcnt <= 0 {
        return -libc::EINVAL;
    }
    append(
        desc,
        ch,
        ptr::null_mut(),
        iov,
        iovcnt,
        md,
        zone_id,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// Where a completed zone append wrote its first block.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_get_append_location(bdev_io: *mut spdk_bdev_io) -> u64 {
    if bdev_io.is_null() {
        return 0;
    }
    (*bdev_io).u.bdev.offset_blocks
}
