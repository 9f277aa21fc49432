//! Statistics helpers, I/O iteration and queue depth for modules, media
//! events from modules.

use std::ffi::{c_int, c_void};

use spdk_json::ffi::json::{spdk_json_write_ctx, writer_mut};

use super::{spdk_bdev, spdk_bdev_io};
use crate::core;
use crate::ffi::bdev::{spdk_bdev_io_stat, spdk_bdev_media_event};

/// Called for each I/O by spdk_bdev_for_each_bdev_io(); non-zero stops.
pub type spdk_bdev_io_fn =
    Option<unsafe extern "C" fn(ctx: *mut c_void, bdev_io: *mut spdk_bdev_io) -> c_int>;
/// The end of spdk_bdev_for_each_bdev_io().
pub type spdk_bdev_for_each_io_cb = Option<unsafe extern "C" fn(ctx: *mut c_void, rc: c_int)>;
/// The result of spdk_bdev_get_current_qd().
pub type spdk_bdev_get_current_qd_cb = Option<
    unsafe extern "C" fn(bdev: *mut spdk_bdev, current_qd: u64, cb_arg: *mut c_void, rc: c_int),
>;

/// Adds the counters of `add` to `total` (maxima and minima merged).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_add_io_stat(
    total: *mut spdk_bdev_io_stat,
    add: *mut spdk_bdev_io_stat,
) {
    let (Some(t), Some(a)) = (total.as_mut(), add.as_ref()) else {
        return;
    };
    core::stat_add(t, a);
}

/// Writes the counters of `stat` as named values into the open JSON
/// object of `w` (as bdev_get_iostat shows them).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_dump_io_stat_json(
    stat: *mut spdk_bdev_io_stat,
    w: *mut spdk_json_write_ctx,
) {
    let (Some(s), Some(w)) = (stat.as_ref(), writer_mut(w)) else {
        return;
    };
    crate::rpc::dump_io_stat(w, s);
}

/// Calls `fn(ctx, bdev_io)` for every I/O in flight on the bdev, on each
/// channel's thread, then `cb(ctx, rc)` (rc: 0 or what stopped the walk).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_for_each_bdev_io(
    bdev: *mut spdk_bdev,
    ctx: *mut c_void,
    r#fn: spdk_bdev_io_fn,
    cb: spdk_bdev_for_each_io_cb,
) {
    let (Some(f), Some(done)) = (r#fn, cb) else {
        spdk_log::errlog!("spdk_bdev_for_each_bdev_io: fn and cb are required");
        return;
    };
    if core::state(bdev).is_none() {
        done(ctx, -libc::ENODEV);
        return;
    }
    crate::iter::for_each_bdev_io(bdev, ctx, f, done);
}

/// Counts the I/Os outstanding on every channel of the bdev now and
/// gives the sum to `cb_fn`, on the calling thread.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_get_current_qd(
    bdev: *mut spdk_bdev,
    cb_fn: spdk_bdev_get_current_qd_cb,
    cb_arg: *mut c_void,
) {
    let Some(f) = cb_fn else {
        spdk_log::errlog!("spdk_bdev_get_current_qd: cb_fn is required");
        return;
    };
    if core::state(bdev).is_none() {
        f(bdev, 0, cb_arg, -libc::ENODEV);
        return;
    }
    crate::iter::current_qd(bdev, f, cb_arg);
}

/// Queues media events for the bdev's first writable descriptor; returns
/// how many fit, or -ENODEV (no such descriptor, or the bdev does not
/// report media events), -EINVAL.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_push_media_events(
    bdev: *mut spdk_bdev,
    events: *const spdk_bdev_media_event,
    num_events: usize,
) -> c_int {
    if bdev.is_null() || (events.is_null() && num_events != 0) {
        return -libc::EINVAL;
    }
    let ev = if num_events == 0 {
        &[][..]
    } else {
        std::slice::from_raw_parts(events, num_events)
    };
    crate::media::push(bdev, ev)
}

/// Sends SPDK_BDEV_EVENT_MEDIA_MANAGEMENT to every descriptor with
/// pending media events.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_notify_media_management(bdev: *mut spdk_bdev) {
    if bdev.is_null() {
        return;
    }
    crate::media::notify(bdev);
}
