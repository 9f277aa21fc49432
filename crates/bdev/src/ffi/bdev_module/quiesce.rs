//! Quiescing a bdev or a range of it (the bdev's own module only).

use std::ffi::{c_int, c_void};

use super::{spdk_bdev, spdk_bdev_module};

/// Called when a quiesce or unquiesce is done (0 or a negative errno).
pub type spdk_bdev_quiesce_cb = Option<unsafe extern "C" fn(ctx: *mut c_void, status: c_int)>;

unsafe fn quiesce(
    bdev: *mut spdk_bdev,
    module: *mut spdk_bdev_module,
    range: Option<(u64, u64)>,
    cb_fn: spdk_bdev_quiesce_cb,
    cb_arg: *mut c_void,
    unquiesce: bool,
) -> c_int {
    if bdev.is_null() || module.is_null() {
        return -libc::EINVAL;
    }
    let (offset, length) = range.unwrap_or((0, (*bdev).blockcnt));
    crate::lock::quiesce(bdev, module, offset, length, cb_fn, cb_arg, unquiesce)
}

/// Holds back every new I/O of the bdev until spdk_bdev_unquiesce();
/// `cb_fn` once the I/O in flight has completed. `module` must be the
/// bdev's (-EINVAL); -ENODEV when the bdev is going away.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_quiesce(
    bdev: *mut spdk_bdev,
    module: *mut spdk_bdev_module,
    cb_fn: spdk_bdev_quiesce_cb,
    cb_arg: *mut c_void,
) -> c_int {
    quiesce(bdev, module, None, cb_fn, cb_arg, false)
}

/// Lets the I/O spdk_bdev_quiesce() held back go; `cb_fn` when done.
/// -EINVAL when the bdev is not quiesced.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_unquiesce(
    bdev: *mut spdk_bdev,
    module: *mut spdk_bdev_module,
    cb_fn: spdk_bdev_quiesce_cb,
    cb_arg: *mut c_void,
) -> c_int {
    quiesce(bdev, module, None, cb_fn, cb_arg, true)
}

/// spdk_bdev_quiesce() of the blocks `offset`..`offset + length` only.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_quiesce_range(
    bdev: *mut spdk_bdev,
    module: *mut spdk_bdev_module,
    offset: u64,
    length: u64,
    cb_fn: spdk_bdev_quiesce_cb,
    cb_arg: *mut c_void,
) -> c_int {
    quiesce(bdev, module, Some((offset, length)), cb_fn, cb_arg, false)
}

/// Unquiesces exactly a range quiesced with spdk_bdev_quiesce_range().
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_unquiesce_range(
    bdev: *mut spdk_bdev,
    module: *mut spdk_bdev_module,
    offset: u64,
    length: u64,
    cb_fn: spdk_bdev_quiesce_cb,
    cb_arg: *mut c_void,
) -> c_int {
    quiesce(bdev, module, Some((offset, length)), cb_fn, cb_arg, true)
}
