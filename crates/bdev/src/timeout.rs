//! I/O timeouts (spdk_bdev_set_timeout): once a second a poller on the
//! descriptor's thread walks every channel's submitted I/Os and reports
//! those of this descriptor older than the limit to its callback, on the
//! channel's thread, as SPDK. Pieces of split I/Os are not reported.

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_thread::ffi::thread::{
    spdk_get_thread, spdk_io_channel, spdk_poller, spdk_poller_register_named,
    spdk_poller_unregister,
};

use crate::core::{self, Desc};
use crate::ffi::bdev::spdk_bdev_channel_iter;
use crate::ffi::bdev_module::{spdk_bdev, spdk_bdev_io};
use crate::iter;

/// spdk_bdev_io_timeout_cb.
pub type TimeoutCb = unsafe extern "C" fn(*mut c_void, *mut spdk_bdev_io);

/// A descriptor's timeout settings.
pub struct DescTimeout {
    poller: *mut spdk_poller,
    cb: Option<TimeoutCb>,
    arg: *mut c_void,
    secs: u64,
}

impl Default for DescTimeout {
    fn default() -> Self {
        DescTimeout {
            poller: ptr::null_mut(),
            cb: None,
            arg: ptr::null_mut(),
            secs: 0,
        }
    }
}

/// spdk_bdev_set_timeout(), on the descriptor's thread: 0 seconds turns
/// the checks off. -EINVAL on another thread or without a callback.
pub unsafe fn set(d: *mut Desc, secs: u64, cb: Option<TimeoutCb>, arg: *mut c_void) -> c_int {
    if core::desc_thread(d) != spdk_get_thread() {
        spdk_log::errlog!("spdk_bdev_set_timeout must be called on the descriptor's thread");
        return -libc::EINVAL;
    }
    if secs != 0 && cb.is_none() {
        return -libc::EINVAL;
    }
    let t = &mut (*d).timeout;
    if !t.poller.is_null() {
        spdk_poller_unregister(&mut t.poller);
    }
    if secs != 0 {
        t.poller = spdk_poller_register_named(
            Some(poll),
            d.cast(),
            1_000_000,
            c"bdev_io_timeout".as_ptr(),
        );
        if t.poller.is_null() {
            spdk_log::errlog!("can not register the desc timeout IO poller");
            return -1;
        }
    }
    t.cb = cb;
    t.arg = arg;
    t.secs = secs;
    0
}

/// The descriptor closes: no more checks.
pub unsafe fn stop(d: *mut Desc) {
    let t = &mut (*d).timeout;
    if !t.poller.is_null() {
        spdk_poller_unregister(&mut t.poller);
    }
}

struct Check {
    desc: *mut Desc,
    cb: TimeoutCb,
    arg: *mut c_void,
    ticks: u64,
}

unsafe extern "C" fn poll(arg: *mut c_void) -> c_int {
    let d = arg.cast::<Desc>();
    let t = &(*d).timeout;
    let Some(cb) = t.cb else { return 0 };
    let ticks = t.secs.saturating_mul(spdk_env::ticks::ticks_hz());
    core::desc_hold(d);
    let c = Box::into_raw(Box::new(Check {
        desc: d,
        cb,
        arg: t.arg,
        ticks,
    }));
    iter::for_each_channel(core::desc_bdev(d), check_channel, c.cast(), check_done);
    1
}

unsafe extern "C" fn check_channel(
    i: *mut spdk_bdev_channel_iter,
    _bdev: *mut spdk_bdev,
    ch: *mut spdk_io_channel,
    ctx: *mut c_void,
) {
    let c = ctx.cast::<Check>();
    if core::desc_closed((*c).desc) {
        iter::next(i, -1);
        return;
    }
    let now = spdk_env::ticks::ticks();
    let list = core::submitted_list(core::bdev_channel_of(ch));
    for io in crate::submitted::snapshot(list) {
        let int = &(*io).internal;
        if int.child != 0 || int.desc != (*c).desc.cast() {
            continue;
        }
        if now >= int.submit_tsc.saturating_add((*c).ticks) {
            ((*c).cb)((*c).arg, io);
        }
    }
    iter::next(i, 0);
}

unsafe extern "C" fn check_done(_bdev: *mut spdk_bdev, ctx: *mut c_void, _status: c_int) {
    let c = Box::from_raw(ctx.cast::<Check>());
    core::desc_release(c.desc);
}
