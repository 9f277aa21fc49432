//! Bounce buffers: a module that needs aligned memory calls
//! spdk_bdev_io_get_buf(); when the caller's buffers are misaligned for the
//! bdev (`required_alignment`), the module gets an iobuf buffer instead:
//! filled from the caller's iovecs before a write, copied back to them
//! after a successful read. No allocation: the buffer comes from the
//! thread's iobuf cache and goes back in spdk_bdev_free_io().

use libc::iovec;

use crate::ffi::bdev::spdk_bdev_io_type;
use crate::ffi::bdev_module::{spdk_bdev_io, spdk_bdev_io_internal_fields};

/// Whether every iovec starts on an `align` boundary.
#[inline]
pub unsafe fn aligned(iovs: *const iovec, iovcnt: i32, align: usize) -> bool {
    if align <= 1 {
        return true;
    }
    std::slice::from_raw_parts(iovs, iovcnt.max(0) as usize)
        .iter()
        .all(|v| v.iov_base as usize & (align - 1) == 0)
}

/// Copies the caller's data into the bounce buffer.
pub unsafe fn gather(i: &mut spdk_bdev_io_internal_fields) {
    let dst = i.bounce_iov.iov_base.cast::<u8>();
    let mut left = i.bounce_iov.iov_len;
    let mut at = 0;
    for v in std::slice::from_raw_parts(i.orig_iovs, i.orig_iovcnt.max(0) as usize) {
        let n = v.iov_len.min(left);
        std::ptr::copy_nonoverlapping(v.iov_base.cast::<u8>(), dst.add(at), n);
        at += n;
        left -= n;
    }
}

/// On completion: copies a read's data out and gives the I/O back its
/// own iovecs.
pub unsafe fn finish(io: *mut spdk_bdev_io, ok: bool) {
    let i = &mut (*io).internal;
    if ok && (*io).r#type == spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_READ as u8 {
        let src = i.bounce_iov.iov_base.cast::<u8>();
        let mut left = i.bounce_iov.iov_len;
        let mut at = 0;
        for v in std::slice::from_raw_parts(i.orig_iovs, i.orig_iovcnt.max(0) as usize) {
            let n = v.iov_len.min(left);
            std::ptr::copy_nonoverlapping(src.add(at), v.iov_base.cast::<u8>(), n);
            at += n;
            left -= n;
        }
    }
    (*io).u.bdev.iovs = i.orig_iovs;
    (*io).u.bdev.iovcnt = i.orig_iovcnt;
    i.orig_iovs = std::ptr::null_mut();
}
