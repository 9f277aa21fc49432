//! Calls a module makes on an spdk_bdev_io it was given: buffers, status
//! copied from a base I/O, submission time.

use std::ffi::c_void;
use std::ptr;

use super::{spdk_bdev_io, spdk_bdev_io_status};
use crate::core;

/// Makes `buf` (`len` bytes) the I/O's data buffer: its first iovec, or
/// its own single one when it had none.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_set_buf(
    bdev_io: *mut spdk_bdev_io,
    buf: *mut c_void,
    len: usize,
) {
    let Some(io) = bdev_io.as_mut() else { return };
    let p = &mut io.u.bdev;
    if p.iovs.is_null() || p.iovcnt < 1 {
        p.iovs = ptr::addr_of_mut!(io.iov);
        p.iovcnt = 1;
    }
    *p.iovs = libc::iovec {
        iov_base: buf,
        iov_len: len,
    };
}

/// Makes `md_buf` the I/O's separate metadata buffer (`len` bytes: room
/// for every block's metadata, else it is refused).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_set_md_buf(
    bdev_io: *mut spdk_bdev_io,
    md_buf: *mut c_void,
    len: usize,
) {
    let Some(io) = bdev_io.as_mut() else { return };
    let md = (*io.bdev).md_len as u64;
    if md != 0 && (len as u64) / md < io.u.bdev.num_blocks {
        spdk_log::errlog!("spdk_bdev_io_set_md_buf: buffer too small for the I/O's metadata");
        return;
    }
    io.u.bdev.md_buf = md_buf;
}

/// Copies the completion status of `base_io` (and its NVMe/aio details)
/// into `bdev_io`; returns it.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_set_base_io_status(
    bdev_io: *mut spdk_bdev_io,
    base_io: *const spdk_bdev_io,
) -> spdk_bdev_io_status {
    if bdev_io.is_null() || base_io.is_null() {
        return spdk_bdev_io_status::SPDK_BDEV_IO_STATUS_FAILED;
    }
    core::copy_status(bdev_io, base_io)
}

/// Completes `bdev_io` with the status of `base_io`.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_complete_base_io_status(
    bdev_io: *mut spdk_bdev_io,
    base_io: *const spdk_bdev_io,
) {
    if bdev_io.is_null() || base_io.is_null() {
        return;
    }
    let s = core::copy_status(bdev_io, base_io);
    core::complete(bdev_io, s as i8);
}

/// When the I/O was submitted, in ticks.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_get_submit_tsc(bdev_io: *mut spdk_bdev_io) -> u64 {
    bdev_io.as_ref().map_or(0, |io| io.internal.submit_tsc)
}

/// Whether the I/O came through a descriptor that hides metadata.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_hide_metadata(bdev_io: *mut spdk_bdev_io) -> bool {
    match bdev_io.as_ref() {
        Some(io) if !io.internal.desc.is_null() => (*io.internal.desc.cast::<core::Desc>()).hide_md,
        _ => false,
    }
}

/// An async_fini_start module reports that its fini_start is done.
#[no_mangle]
pub extern "C" fn spdk_bdev_module_fini_start_done() {
    core::module_fini_start_done();
}
