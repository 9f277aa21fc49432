//! Forwarding an I/O of a virtual bdev to its base bdev as a child I/O,
//! and retrying it when the base has no spdk_bdev_io left (-ENOMEM).

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_bdev::ffi::bdev::md_io::spdk_bdev_comparev_blocks_with_md;
use ::spdk_bdev::ffi::bdev::nvme_passthru::{
    spdk_bdev_nvme_admin_passthru, spdk_bdev_nvme_io_passthru, spdk_bdev_nvme_io_passthru_md,
    spdk_bdev_nvme_iov_passthru_md,
};
use ::spdk_bdev::ffi::bdev::{
    spdk_bdev_abort, spdk_bdev_comparev_blocks, spdk_bdev_copy_blocks, spdk_bdev_desc,
    spdk_bdev_flush_blocks, spdk_bdev_io_completion_cb, spdk_bdev_io_type, spdk_bdev_io_wait_entry,
    spdk_bdev_queue_io_wait, spdk_bdev_readv_blocks, spdk_bdev_reset, spdk_bdev_unmap_blocks,
    spdk_bdev_write_zeroes_blocks, spdk_bdev_writev_blocks, IoWaitLink,
};
use ::spdk_bdev::ffi::bdev_module::io::spdk_bdev_io_set_base_io_status;
use ::spdk_bdev::ffi::bdev_module::{spdk_bdev_io, spdk_bdev_io_complete, IoStatusArg};
use ::spdk_thread::ffi::thread::spdk_io_channel;

/// The I/O types a virtual bdev can pass down at any block offset.
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
            | SPDK_BDEV_IO_TYPE_COMPARE
            | SPDK_BDEV_IO_TYPE_COPY
    )
}

/// The I/O types a virtual bdev covering its whole base (no block shift)
/// can also pass down: NVMe commands (their LBAs are the base's) and
/// aborts (the base's I/Os carry the virtual I/O as callback argument).
pub fn forwardable_whole(t: spdk_bdev_io_type) -> bool {
    use spdk_bdev_io_type::*;
    forwardable(t)
        || matches!(
            t,
            SPDK_BDEV_IO_TYPE_NVME_ADMIN
                | SPDK_BDEV_IO_TYPE_NVME_IO
                | SPDK_BDEV_IO_TYPE_NVME_IO_MD
                | SPDK_BDEV_IO_TYPE_NVME_IOV_MD
                | SPDK_BDEV_IO_TYPE_ABORT
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
    use spdk_bdev_io_type::*;
    let p = (*io).u.bdev;
    let off = p.offset_blocks + shift;
    let n = p.num_blocks;
    let arg = io.cast::<c_void>();
    let t = (*io).r#type;
    let is = |x: spdk_bdev_io_type| t == x as u8;
    if is(SPDK_BDEV_IO_TYPE_READ) {
        spdk_bdev_readv_blocks(desc, ch, p.iovs, p.iovcnt, off, n, cb, arg)
    } else if is(SPDK_BDEV_IO_TYPE_WRITE) {
        spdk_bdev_writev_blocks(desc, ch, p.iovs, p.iovcnt, off, n, cb, arg)
    } else if is(SPDK_BDEV_IO_TYPE_UNMAP) {
        spdk_bdev_unmap_blocks(desc, ch, off, n, cb, arg)
    } else if is(SPDK_BDEV_IO_TYPE_FLUSH) {
        spdk_bdev_flush_blocks(desc, ch, off, n, cb, arg)
    } else if is(SPDK_BDEV_IO_TYPE_RESET) {
        spdk_bdev_reset(desc, ch, cb, arg)
    } else if is(SPDK_BDEV_IO_TYPE_WRITE_ZEROES) {
        spdk_bdev_write_zeroes_blocks(desc, ch, off, n, cb, arg)
    } else if is(SPDK_BDEV_IO_TYPE_COMPARE) && p.md_buf.is_null() {
        spdk_bdev_comparev_blocks(desc, ch, p.iovs, p.iovcnt, off, n, cb, arg)
    } else if is(SPDK_BDEV_IO_TYPE_COMPARE) {
        spdk_bdev_comparev_blocks_with_md(desc, ch, p.iovs, p.iovcnt, p.md_buf, off, n, cb, arg)
    } else if is(SPDK_BDEV_IO_TYPE_COPY) {
        let src = p.copy.src_offset_blocks + shift;
        spdk_bdev_copy_blocks(desc, ch, off, src, n, cb, arg)
    } else if shift == 0 {
        submit_whole(desc, ch, io, cb)
    } else {
        -libc::ENOTSUP
    }
}

/// The types only a bdev covering its whole base passes down.
unsafe fn submit_whole(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    io: *mut spdk_bdev_io,
    cb: spdk_bdev_io_completion_cb,
) -> c_int {
    use spdk_bdev_io_type::*;
    let arg = io.cast::<c_void>();
    let t = (*io).r#type;
    let is = |x: spdk_bdev_io_type| t == x as u8;
    if is(SPDK_BDEV_IO_TYPE_ABORT) {
        let victim = (*io).u.abort.bio_to_abort;
        return spdk_bdev_abort(desc, ch, victim.cast(), cb, arg);
    }
    let np = &(*io).u.nvme_passthru;
    let cmd = &np.cmd as *const _;
    if is(SPDK_BDEV_IO_TYPE_NVME_ADMIN) {
        spdk_bdev_nvme_admin_passthru(desc, ch, cmd, np.buf, np.nbytes, cb, arg)
    } else if is(SPDK_BDEV_IO_TYPE_NVME_IO) {
        spdk_bdev_nvme_io_passthru(desc, ch, cmd, np.buf, np.nbytes, cb, arg)
    } else if is(SPDK_BDEV_IO_TYPE_NVME_IO_MD) {
        let (md, md_len) = (np.md_buf, np.md_len);
        spdk_bdev_nvme_io_passthru_md(desc, ch, cmd, np.buf, np.nbytes, md, md_len, cb, arg)
    } else if is(SPDK_BDEV_IO_TYPE_NVME_IOV_MD) {
        let (iov, cnt, md, md_len) = (np.iovs, np.iovcnt, np.md_buf, np.md_len);
        spdk_bdev_nvme_iov_passthru_md(desc, ch, cmd, iov, cnt, np.nbytes, md, md_len, cb, arg)
    } else {
        -libc::ENOTSUP
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

/// The status a child ended with, its details (NVMe or SCSI status, a
/// miscompare) copied into the parent.
///
/// # Safety
/// Both are live I/Os; `child` is completed.
pub unsafe fn child_status(
    parent: *mut spdk_bdev_io,
    child: *mut spdk_bdev_io,
    success: bool,
) -> c_int {
    if success {
        1
    } else {
        spdk_bdev_io_set_base_io_status(parent, child) as c_int
    }
}

/// Completion of a child that only passes its status up: the child goes
/// back to the pool first, so the parent's callback may reuse it.
///
/// # Safety
/// `arg` is the parent I/O given to [`submit`].
pub unsafe extern "C" fn child_done(child: *mut spdk_bdev_io, success: bool, arg: *mut c_void) {
    let parent = arg.cast::<spdk_bdev_io>();
    let status = child_status(parent, child, success);
    ::spdk_bdev::ffi::bdev::spdk_bdev_free_io(child);
    spdk_bdev_io_complete(parent, IoStatusArg(status));
}
