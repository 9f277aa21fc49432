//! Iteration over bdevs (spdk_for_each_bdev and friends, each bdev held
//! open around the callback) and over a bdev's channels.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;

use ::spdk_thread::ffi::thread::spdk_io_channel;

use super::spdk_bdev_channel_iter;
use crate::core;
use crate::ffi::bdev_module::spdk_bdev;

/// Called by spdk_for_each_bdev() and friends; a negative errno stops.
pub type spdk_for_each_bdev_fn =
    Option<unsafe extern "C" fn(ctx: *mut c_void, bdev: *mut spdk_bdev) -> c_int>;

/// Called on each channel's thread by spdk_bdev_for_each_channel().
pub type spdk_bdev_for_each_channel_msg = Option<
    unsafe extern "C" fn(
        i: *mut spdk_bdev_channel_iter,
        bdev: *mut spdk_bdev,
        ch: *mut spdk_io_channel,
        ctx: *mut c_void,
    ),
>;

/// The end of spdk_bdev_for_each_channel().
pub type spdk_bdev_for_each_channel_done =
    Option<unsafe extern "C" fn(bdev: *mut spdk_bdev, ctx: *mut c_void, status: c_int)>;

/// Opens each bdev in turn (skipping those being removed), calls `f`,
/// closes it; stops at the first non-zero result.
unsafe fn each(
    first: fn() -> *mut spdk_bdev,
    next: fn(*mut spdk_bdev) -> *mut spdk_bdev,
    ctx: *mut c_void,
    f: unsafe extern "C" fn(*mut c_void, *mut spdk_bdev) -> c_int,
) -> c_int {
    let mut b = first();
    while !b.is_null() {
        let d = match core::open_bdev(b, false, core::ignore_event, ptr::null_mut()) {
            Ok(d) => d,
            Err(e) if e == -libc::ENODEV => {
                b = next(b);
                continue;
            }
            Err(e) => return e,
        };
        let rc = f(ctx, b);
        let following = next(b);
        core::close(d);
        if rc != 0 {
            return rc;
        }
        b = following;
    }
    0
}

fn first_any() -> *mut spdk_bdev {
    core::next_of(ptr::null_mut(), false)
}
fn next_any(b: *mut spdk_bdev) -> *mut spdk_bdev {
    core::next_of(b, false)
}
fn first_leaf() -> *mut spdk_bdev {
    core::next_of(ptr::null_mut(), true)
}
fn next_leaf(b: *mut spdk_bdev) -> *mut spdk_bdev {
    core::next_of(b, true)
}

/// Calls `fn(ctx, bdev)` for every registered bdev, each held open
/// meanwhile; returns 0 or the first non-zero value `fn` returned.
/// -EINVAL without `fn`; from an SPDK thread only (-ENOTSUP).
#[no_mangle]
pub unsafe extern "C" fn spdk_for_each_bdev(
    ctx: *mut c_void,
    r#fn: spdk_for_each_bdev_fn,
) -> c_int {
    let Some(f) = r#fn else {
        return -libc::EINVAL;
    };
    each(first_any, next_any, ctx, f)
}

/// spdk_for_each_bdev() over the bdevs nothing is built on (unclaimed).
#[no_mangle]
pub unsafe extern "C" fn spdk_for_each_bdev_leaf(
    ctx: *mut c_void,
    r#fn: spdk_for_each_bdev_fn,
) -> c_int {
    let Some(f) = r#fn else {
        return -libc::EINVAL;
    };
    each(first_leaf, next_leaf, ctx, f)
}

/// Calls `fn(ctx, bdev)` for the bdevs named in `names` (names or
/// aliases), in order; stops with -ENODEV at a name that does not exist,
/// or with the first non-zero value `fn` returned.
#[no_mangle]
pub unsafe extern "C" fn spdk_for_each_bdev_by_name(
    ctx: *mut c_void,
    r#fn: spdk_for_each_bdev_fn,
    names: *mut *const c_char,
    count: usize,
) -> c_int {
    let Some(f) = r#fn else {
        return -libc::EINVAL;
    };
    if names.is_null() && count != 0 {
        return -libc::EINVAL;
    }
    for k in 0..count {
        let n = *names.add(k);
        if n.is_null() {
            return -libc::EINVAL;
        }
        let d = match core::open(
            CStr::from_ptr(n).to_bytes(),
            false,
            core::ignore_event,
            ptr::null_mut(),
            false,
        ) {
            Ok(d) => d,
            Err(e) => return e,
        };
        let rc = f(ctx, core::desc_bdev(d));
        core::close(d);
        if rc != 0 {
            return rc;
        }
    }
    0
}

/// Calls `fn` on each channel of `bdev`, on the channel's thread, one at a
/// time; each call must be followed (possibly later) by
/// spdk_bdev_for_each_channel_continue(). `cpl` runs on the calling thread
/// at the end with 0 or the status that stopped the walk.
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_for_each_channel(
    bdev: *mut spdk_bdev,
    r#fn: spdk_bdev_for_each_channel_msg,
    ctx: *mut c_void,
    cpl: spdk_bdev_for_each_channel_done,
) {
    let (Some(f), Some(done)) = (r#fn, cpl) else {
        spdk_log::errlog!("spdk_bdev_for_each_channel: fn and cpl are required");
        return;
    };
    if core::state(bdev).is_none() {
        done(bdev, ctx, -libc::ENODEV);
        return;
    }
    crate::iter::for_each_channel(bdev, f, ctx, done);
}

/// Moves spdk_bdev_for_each_channel() on (a non-zero `status` ends it).
#[no_mangle]
pub unsafe extern "C" fn spdk_bdev_for_each_channel_continue(
    i: *mut spdk_bdev_channel_iter,
    status: c_int,
) {
    if i.is_null() {
        spdk_log::errlog!("spdk_bdev_for_each_channel_continue: iterator is NULL");
        return;
    }
    crate::iter::next(i, status);
}
