//! NVMe passthru: commands handed to the module unparsed (bdevs whose
//! module supports the NVME_ADMIN / NVME_IO / NVME_IO_MD / NVME_IOV_MD
//! types). The module completes them with an NVMe status.

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_thread::ffi::thread::spdk_io_channel;
use libc::iovec;

use super::spdk_bdev_io_type::{self, *};
use super::{desc_ref, spdk_bdev_desc, spdk_bdev_io_completion_cb, NvmeCmd};
use crate::core;
use crate::ffi::bdev_module::spdk_bdev_io_nvme_passthru_params;

#[allow(clippy::too_many_arguments)]
unsafe fn passthru(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    ty: spdk_bdev_io_type,
    cmd: *const NvmeCmd,
    iovs: *mut iovec,
    iovcnt: c_int,
    buf: *mut c_void,
    nbytes: usize,
    md_buf: *mut c_void,
    md_len: usize,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let Some(d) = desc_ref(desc) else {
        return -libc::EINVAL;
    };
    if ch.is_null() || cmd.is_null() {
        return -libc::EINVAL;
    }
    let p = spdk_bdev_io_nvme_passthru_params {
        cmd: *cmd,
        iovs,
        iovcnt,
        buf,
        nbytes,
        md_buf,
        md_len,
    };
    core::submit_nvme(d, ch, ty, p, cb, cb_arg)
}

/// Submits an NVMe admin command with an optional data buffer. -EBADF
/// without write access, -ENOTSUP when the module has no admin passthru.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_nvme_admin_passthru(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    cmd: *const NvmeCmd,
    buf: *mut c_void,
    nbytes: usize,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (n, z) = (ptr::null_mut(), 0);
    passthru(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_NVME_ADMIN,
        cmd,
        n,
        z,
        buf,
        nbytes,
        ptr::null_mut(),
        0,
        cb,
        cb_arg,
    )
}

/// Submits an NVMe I/O command with an optional data buffer.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_nvme_io_passthru(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    cmd: *const NvmeCmd,
    buf: *mut c_void,
    nbytes: usize,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    let (n, z) = (ptr::null_mut(), 0);
    passthru(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_NVME_IO,
        cmd,
        n,
        z,
        buf,
        nbytes,
        ptr::null_mut(),
        0,
        cb,
        cb_arg,
    )
}

/// Submits an NVMe I/O command with data and separate metadata buffers.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_nvme_io_passthru_md(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    cmd: *const NvmeCmd,
    buf: *mut c_void,
    nbytes: usize,
    md_buf: *mut c_void,
    md_len: usize,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    passthru(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_NVME_IO_MD,
        cmd,
        ptr::null_mut(),
        0,
        buf,
        nbytes,
        md_buf,
        md_len,
        cb,
        cb_arg,
    )
}

/// Submits an NVMe I/O command with vectored data (`nbytes` in all) and
/// a separate metadata buffer.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_nvme_iov_passthru_md(
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    cmd: *const NvmeCmd,
    iov: *mut iovec,
    iovcnt: c_int,
    nbytes: usize,
    md_buf: *mut c_void,
    md_len: usize,
    cb: spdk_bdev_io_completion_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if iovcnt < 0 || (iovcnt > 0 && iov.is_null()) {
        return -libc::EINVAL;
    }
    passthru(
        desc,
        ch,
        SPDK_BDEV_IO_TYPE_NVME_IOV_MD,
        cmd,
        iov,
        iovcnt,
        ptr::null_mut(),
        nbytes,
        md_buf,
        md_len,
        cb,
        cb_arg,
    )
}
