//! Walks over a bdev's channels (spdk_bdev_for_each_channel) and what the
//! library builds on it: spdk_bdev_for_each_bdev_io and
//! spdk_bdev_get_current_qd. Each visit runs on the channel's thread, one
//! after the other; the completion runs on the calling thread.

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_thread::ffi::thread::{
    spdk_for_each_channel, spdk_for_each_channel_continue, spdk_io_channel, spdk_io_channel_iter,
    spdk_io_channel_iter_get_channel, spdk_io_channel_iter_get_ctx,
};

use crate::core;
use crate::ffi::bdev::spdk_bdev_channel_iter;
use crate::ffi::bdev_module::{spdk_bdev, spdk_bdev_io};

/// Called on each channel's thread.
pub type Msg = unsafe extern "C" fn(
    *mut spdk_bdev_channel_iter,
    *mut spdk_bdev,
    *mut spdk_io_channel,
    *mut c_void,
);
/// Called on the starting thread at the end.
pub type Done = unsafe extern "C" fn(*mut spdk_bdev, *mut c_void, c_int);

/// What `spdk_bdev_channel_iter` points to.
struct Iter {
    bdev: *mut spdk_bdev,
    f: Msg,
    done: Done,
    ctx: *mut c_void,
    i: *mut spdk_io_channel_iter,
}

/// Calls `f` for every channel of `bdev`, then `done`.
pub unsafe fn for_each_channel(bdev: *mut spdk_bdev, f: Msg, ctx: *mut c_void, done: Done) {
    let it = Box::into_raw(Box::new(Iter {
        bdev,
        f,
        done,
        ctx,
        i: ptr::null_mut(),
    }));
    spdk_for_each_channel(
        core::io_device(bdev),
        Some(visit),
        it.cast(),
        Some(finished),
    );
}

unsafe extern "C" fn visit(i: *mut spdk_io_channel_iter) {
    let it = spdk_io_channel_iter_get_ctx(i).cast::<Iter>();
    (*it).i = i;
    let ch = spdk_io_channel_iter_get_channel(i);
    ((*it).f)(it.cast(), (*it).bdev, ch, (*it).ctx);
}

unsafe extern "C" fn finished(i: *mut spdk_io_channel_iter, status: c_int) {
    let it = Box::from_raw(spdk_io_channel_iter_get_ctx(i).cast::<Iter>());
    (it.done)(it.bdev, it.ctx, status);
}

/// Moves on to the next channel (a non-zero status ends the walk).
pub unsafe fn next(i: *mut spdk_bdev_channel_iter, status: c_int) {
    spdk_for_each_channel_continue((*i.cast::<Iter>()).i, status);
}

// ---- spdk_bdev_for_each_bdev_io ----

/// Called for each I/O; non-zero stops the walk with that status.
pub type IoFn = unsafe extern "C" fn(*mut c_void, *mut spdk_bdev_io) -> c_int;
/// The end of spdk_bdev_for_each_bdev_io.
pub type IoDone = unsafe extern "C" fn(*mut c_void, c_int);

struct EachIo {
    ctx: *mut c_void,
    f: IoFn,
    done: IoDone,
}

/// Calls `f` on each channel's thread for every I/O in flight there.
pub unsafe fn for_each_bdev_io(bdev: *mut spdk_bdev, ctx: *mut c_void, f: IoFn, done: IoDone) {
    let e = Box::into_raw(Box::new(EachIo { ctx, f, done }));
    for_each_channel(bdev, each_io_channel, e.cast(), each_io_done);
}

unsafe extern "C" fn each_io_channel(
    i: *mut spdk_bdev_channel_iter,
    _bdev: *mut spdk_bdev,
    ch: *mut spdk_io_channel,
    ctx: *mut c_void,
) {
    let e = ctx.cast::<EachIo>();
    let c = core::bdev_channel_of(ch);
    let mut rc = 0;
    // A snapshot: `f` may complete the I/O it is given.
    for io in crate::submitted::snapshot(core::submitted_list(c)) {
        rc = ((*e).f)((*e).ctx, io);
        if rc != 0 {
            break;
        }
    }
    next(i, rc);
}

unsafe extern "C" fn each_io_done(_bdev: *mut spdk_bdev, ctx: *mut c_void, status: c_int) {
    let e = Box::from_raw(ctx.cast::<EachIo>());
    (e.done)(e.ctx, status);
}

// ---- spdk_bdev_get_current_qd ----

/// The end of spdk_bdev_get_current_qd.
pub type QdDone = unsafe extern "C" fn(*mut spdk_bdev, u64, *mut c_void, c_int);

struct CurrentQd {
    qd: u64,
    done: QdDone,
    arg: *mut c_void,
}

/// Sums the I/Os outstanding on every channel.
pub unsafe fn current_qd(bdev: *mut spdk_bdev, done: QdDone, arg: *mut c_void) {
    let q = Box::into_raw(Box::new(CurrentQd { qd: 0, done, arg }));
    for_each_channel(bdev, qd_channel, q.cast(), qd_done);
}

unsafe extern "C" fn qd_channel(
    i: *mut spdk_bdev_channel_iter,
    _bdev: *mut spdk_bdev,
    ch: *mut spdk_io_channel,
    ctx: *mut c_void,
) {
    (*ctx.cast::<CurrentQd>()).qd += core::outstanding(core::bdev_channel_of(ch));
    next(i, 0);
}

unsafe extern "C" fn qd_done(bdev: *mut spdk_bdev, ctx: *mut c_void, _status: c_int) {
    let q = Box::from_raw(ctx.cast::<CurrentQd>());
    (q.done)(bdev, q.qd, q.arg, 0);
}
