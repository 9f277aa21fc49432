//! Forwarding an I/O of a virtual bdev to its base bdev as a child I/O,
//! and retrying it when the base has no spdk_bdev_io left (-ENOMEM).

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_bdev::ffi::bdev::{
    spdk_bdev_desc, spdk_bdev_flush_blocks, spdk_bdev_io_completion_cb, spdk_bdev_io_type,
    spdk_bdev_io_wait_entry, spdk_bdev_queue_io_wait, spdk_bdev_readv_blocks, spdk_bdev_reset,
    spdk_bdev_unmap_blocks, spdk_bdev_write_zeroes_blocks, spdk_bdev_writev_blocks, IoWaitLink,
};
use ::spdk_bdev::ffi::bdev_module::{spdk_bdev_io, spdk_bdev_io_complete, IoStatusArg};
use ::spdk_thread::ffi::thread::spdk_io_channel;

/// The I/O types a virtual bdev can pass down.
pub fn forwardable(t: spdk_bdev_io_type) -> bool {
    use spdk_bdev_io_type::*;
    matches!(
        t,
        SPDK_BDEV_IO_TYPE_READ
            | SPDK_BDEV_IO_TYPE_WRITE
            | SPDK_BDEV_IO_TYPE_UNMAP
            | SPDK_BDEV_IO_TYPE_FLUSH
            | SPDK_BDEV_IO_TYPE_RESET
            | SPDK_BDEV_IO_TYPE_WRITE_ZEROES
    )
}

/// Submits `io`'s operation to the base, `shift` blocks further; the
/// child's completion calls `cb(child, success, io)`.
///
/// # Safety
/// `io` is an I/O being submitted to the virtual bdev; `desc` and `ch`
/// are the base's descriptor and this thread's channel of it.
pub unsafe fn submit(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    io: *mut spdk_bdev_io,
    shift: u64,
    cb: spdk_bdev_io_completion_cb,
) -> c_int {
    let p = (*io).u.bdev;
    let off = p.offset_blocks + shift;
    let n = p.num_blocks;
    let arg = io.cast::<c_void>();
    match (*io).r#type {
        1 => spdk_bdev_readv_blocks(desc, ch, p.iovs, p.iovcnt, off, n, cb, arg),
        2 => spdk_bdev_writev_blocks(desc, ch, p.iovs, p.iovcnt, off, n, cb, arg),
        3 => spdk_bdev_unmap_blocks(desc, ch, off, n, cb, arg),
        4 => spdk_bdev_flush_blocks(desc, ch, off, n, cb, arg),
        5 => spdk_bdev_reset(desc, ch, cb, arg),
        9 => spdk_bdev_write_zeroes_blocks(desc, ch, off, n, cb, arg),
        _ => -libc::ENOTSUP,
    }
}

/// Per-I/O state for a retry after -ENOMEM (part of the module's
/// driver_ctx, so waiting allocates nothing).
#[repr(C)]
pub struct Retry {
    /// The virtual bdev's channel the I/O was submitted on.
    pub ch: *mut spdk_io_channel,
    pub wait: spdk_bdev_io_wait_entry,
}

/// Handles the result of [`submit`]: -ENOMEM waits for a free
/// spdk_bdev_io on the base channel and then calls `resubmit(io)`; any
/// other error fails the I/O.
///
/// # Safety
/// As [`submit`]; `ch` is the virtual bdev's channel and `retry` is in
/// `io`'s driver_ctx.
pub unsafe fn after_submit(
    rc: c_int,
    io: *mut spdk_bdev_io,
    ch: *mut spdk_io_channel,
    base_ch: *mut spdk_io_channel,
    retry: *mut Retry,
    resubmit: unsafe extern "C" fn(*mut c_void),
) {
    if rc == 0 {
        return;
    }
    if rc == -libc::ENOMEM {
        (*retry).ch = ch;
        (*retry).wait = spdk_bdev_io_wait_entry {
            bdev: (*io).bdev,
            cb_fn: Some(resubmit),
            cb_arg: io.cast(),
            link: IoWaitLink {
                tqe_next: ptr::null_mut(),
                tqe_prev: ptr::null_mut(),
            },
        };
        if spdk_bdev_queue_io_wait((*io).bdev, base_ch, ptr::addr_of_mut!((*retry).wait)) == 0 {
            return;
        }
    }
    spdk_log::errlog!("ERROR on bdev_io submission: {}", rc);
    fail(io);
}

/// Completes `io` as failed.
///
/// # Safety
/// `io` is an I/O submitted to the module and not completed yet.
pub unsafe fn fail(io: *mut spdk_bdev_io) {
    spdk_bdev_io_complete(io, IoStatusArg(-1));
}

/// Completion of a child that only passes its status up: the child goes
/// back to the pool first, so the parent's callback may reuse it.
///
/// # Safety
/// `arg` is the parent I/O given to [`submit`].
pub unsafe extern "C" fn child_done(child: *mut spdk_bdev_io, success: bool, arg: *mut c_void) {
    ::spdk_bdev::ffi::bdev::spdk_bdev_free_io(child);
    spdk_bdev_io_complete(arg.cast(), IoStatusArg(if success { 1 } else { -1 }));
}
