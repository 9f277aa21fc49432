//! I/O with separate metadata buffers, seeks, write-uncorrectable, and
//! what a completion callback may ask of its spdk_bdev_io.

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_thread::ffi::thread::spdk_io_channel;
use libc::iovec;

use super::spdk_bdev_io_type::{self, *};
use super::{args, spdk_bdev_desc, spdk_bdev_io_completion_cb, submit_args};
use crate::core::Desc;
use crate::ffi::bdev_module::spdk_bdev_io;

#[allow(clippy::too_many_arguments)]
unsafe fn with_md(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    ty: spdk_bdev_io_type,
    buf: *mut c_void,
    iov: *mut iovec,
    iovcnt: c_int,
    md_buf: *mut c_void,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let mut a = args(ty, buf, iov, iovcnt, offset_blocks, num_blocks, cb, cb_arg);
    a.md_buf = md_buf;
    submit_args(desc, ch, a)
}

/// spdk_bdev_read_blocks() with the metadata into `md_buf` (bdevs with
/// separate metadata only, else -EINVAL; `buf` is required).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_read_blocks_with_md(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    buf: *mut c_void,
    md_buf: *mut c_void,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if !md_buf.is_null() && buf.is_null() {
        return -libc::EINVAL;
    }
    let (n, c) = (ptr::null_mut(), 0);
    with_md(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_READ,
        buf,
        n,
        c,
        md_buf,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_readv_blocks() with the metadata into `md_buf`.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_readv_blocks_with_md(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    iov: *mut iovec,
    iovcnt: c_int,
    md_buf: *mut c_void,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if iov.is_null() || iovcnt <= 0 {
        return -libc::EINVAL;
    }
    let n = ptr::null_mut();
    with_md(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_READ,
        n,
        iov,
        iovcnt,
        md_buf,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_write_blocks() with the metadata from `md_buf`.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_write_blocks_with_md(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    buf: *mut c_void,
    md_buf: *mut c_void,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if !md_buf.is_null() && buf.is_null() {
        return -libc::EINVAL;
    }
    let (n, c) = (ptr::null_mut(), 0);
    with_md(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_WRITE,
        buf,
        n,
        c,
        md_buf,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_writev_blocks() with the metadata from `md_buf`.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_writev_blocks_with_md(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    iov: *mut iovec,
    iovcnt: c_int,
    md_buf: *mut c_void,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if iov.is_null() || iovcnt <= 0 {
        return -libc::EINVAL;
    }
    let n = ptr::null_mut();
    with_md(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_WRITE,
        n,
        iov,
        iovcnt,
        md_buf,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_compare_blocks() of data and metadata.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_compare_blocks_with_md(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    buf: *mut c_void,
    md_buf: *mut c_void,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if buf.is_null() {
        return -libc::EINVAL;
    }
    let (n, c) = (ptr::null_mut(), 0);
    with_md(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_COMPARE,
        buf,
        n,
        c,
        md_buf,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// spdk_bdev_comparev_blocks() of data and metadata.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_comparev_blocks_with_md(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    iov: *mut iovec,
    iovcnt: c_int,
    md_buf: *mut c_void,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if iov.is_null() || iovcnt <= 0 {
        return -libc::EINVAL;
    }
    let n = ptr::null_mut();
    with_md(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_COMPARE,
        n,
        iov,
        iovcnt,
        md_buf,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    )
}

/// Marks blocks as uncorrectable (reads of them fail until rewritten);
/// -ENOTSUP when the module cannot, -EBADF on a read-only descriptor.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_write_uncorrectable_blocks(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    offset_blocks: u64,
    num_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let n = ptr::null_mut();
    let a = args(
        SPDK_BDEV_IO_TYPE_WRITE_UNCORRECTABLE,
        n,
        n.cast(),
        0,
        offset_blocks,
        num_blocks,
        cb,
        cb_arg,
    );
    submit_args(desc, ch, a)
}

unsafe fn seek(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    ty: spdk_bdev_io_type,
    offset_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(d) = desc.cast::<Desc>().as_ref() else {
        return -libc::EINVAL;
    };
    // The offset must name a block of the bdev.
    if offset_blocks >= (*d.bdev).blockcnt {
        return -libc::EINVAL;
    }
    let n = ptr::null_mut();
    let a = args(ty, n, n.cast(), 0, offset_blocks, 0, cb, cb_arg);
    submit_args(desc, ch, a)
}

/// Finds the first block holding data at or after `offset_blocks`
/// (spdk_bdev_io_get_seek_offset() on completion; UINT64_MAX: none). A
/// bdev whose module cannot seek is all data. -EINVAL out of range.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_seek_data(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    offset_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    seek(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_SEEK_DATA,
        offset_blocks,
        cb,
        cb_arg,
    )
}

/// Finds the first unallocated block at or after `offset_blocks`, as
/// spdk_bdev_seek_data() (a bdev that cannot seek has no hole: UINT64_MAX).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_seek_hole(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    offset_blocks: u64,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    seek(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_SEEK_HOLE,
        offset_blocks,
        cb,
        cb_arg,
    )
}

/// The result of a seek: a block offset, or UINT64_MAX when none.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_get_seek_offset(bdev_io: *const spdk_bdev_io) -> u64 {
    if bdev_io.is_null() {
        return u64::MAX;
    }
    (*bdev_io).u.bdev.seek.offset
}

/// The separate metadata buffer of a read or write, or NULL (other
/// types, bdevs without separate metadata).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_get_md_buf(bdev_io: *mut spdk_bdev_io) -> *mut c_void {
    let Some(io) = bdev_io.as_ref() else {
        return ptr::null_mut();
    };
    let b = &*io.bdev;
    let rw =
        io.r#type == SPDK_BDEV_IO_TYPE_READ as u8 || io.r#type == SPDK_BDEV_IO_TYPE_WRITE as u8;
    if b.md_len == 0 || b.md_interleave() || !rw {
        return ptr::null_mut();
    }
    io.u.bdev.md_buf
}

/// The callback argument the I/O was submitted with (what
/// spdk_bdev_abort() matches).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_get_cb_arg(bdev_io: *mut spdk_bdev_io) -> *mut c_void {
    if bdev_io.is_null() {
        return ptr::null_mut();
    }
    (*bdev_io).internal.caller_ctx
}

/// The NVMe status of both commands of a completed compare-and-write
/// (the compare, then the write), as SPDK derives it from the I/O's status.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_io_get_nvme_fused_status(
    bdev_io: *const spdk_bdev_io,
    cdw0: *mut u32,
    first_sct: *mut c_int,
    first_sc: *mut c_int,
    second_sct: *mut c_int,
    second_sc: *mut c_int,
) {
    if bdev_io.is_null()
        || cdw0.is_null()
        || first_sct.is_null()
        || first_sc.is_null()
        || second_sct.is_null()
        || second_sc.is_null()
    {
        return;
    }
    let (c, (a, b), (x, y)) = crate::core::nvme_fused_status(bdev_io);
    *cdw0 = c;
    *first_sct = a;
    *first_sc = b;
    *second_sct = x;
    *second_sc = y;
}
