//! Queue depth sampling and I/O timeouts.

use std::ffi::{c_int, c_void};

use super::spdk_bdev_desc;
use crate::core::{self, Desc};
use crate::ffi::bdev_module::{spdk_bdev, spdk_bdev_io};

/// Called for each I/O older than the limit set with spdk_bdev_set_timeout().
pub type spdk_bdev_io_timeout_cb =
    Option<unsafe extern "C" fn(cb_arg: *mut c_void, bdev_io: *mut spdk_bdev_io)>;

unsafe fn qd_of<'a>(bdev: *const spdk_bdev) -> Option<&'a crate::qd::QdState> {
    core::state(bdev.cast_mut()).map(|s| &s.qd)
}

/// The queue depth measured last (summed over all channels); UINT64_MAX
/// when sampling is off or has not measured yet.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_qd(bdev: *const spdk_bdev) -> u64 {
    qd_of(bdev).map_or(u64::MAX, |q| q.measured())
}

/// The queue depth sampling period in microseconds (0: off).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_qd_sampling_period(bdev: *const spdk_bdev) -> u64 {
    qd_of(bdev).map_or(0, |q| q.period())
}

/// Samples the queue depth every `period` microseconds (0 stops); the
/// poller runs on the calling thread.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_set_qd_sampling_period(bdev: *mut spdk_bdev, period: u64) {
    if bdev.is_null() {
        return;
    }
    crate::qd::set_period(bdev, period);
}

/// Microseconds the bdev had I/O outstanding at sampling time (one period
/// per busy sample).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_io_time(bdev: *const spdk_bdev) -> u64 {
    qd_of(bdev).map_or(0, |q| q.io_time())
}

/// The busy time weighted by the measured queue depth, in microseconds.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_weighted_io_time(bdev: *const spdk_bdev) -> u64 {
    qd_of(bdev).map_or(0, |q| q.weighted_io_time())
}

/// Checks once a second for I/O of this descriptor outstanding longer than
/// `timeout_in_sec` and calls `cb_fn(cb_arg, bdev_io)` for each (on the
/// I/O's thread); 0 seconds stops the checks. On the descriptor's thread.
/// 0, or -EINVAL.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_set_timeout(
    desc: *mut spdk_bdev_desc,
    timeout_in_sec: u64,
    cb_fn: spdk_bdev_io_timeout_cb,
    cb_arg: *mut c_void,
) -> c_int {
    if desc.is_null() {
        return -libc::EINVAL;
    }
    crate::timeout::set(desc.cast::<Desc>(), timeout_in_sec, cb_fn, cb_arg)
}
