//! Queue depth sampling (spdk_bdev_set_qd_sampling_period, RPC
//! bdev_set_qd_sampling_period): a poller on the thread that enabled it
//! sums the I/Os outstanding on every channel each period (in
//! microseconds), and accumulates the time the bdev was busy and that time
//! weighted by the depth, as SPDK. The library keeps the bdev open while
//! sampling; unregistering the bdev stops it.

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use ::spdk_thread::ffi::thread::{
    spdk_get_thread, spdk_io_channel, spdk_poller, spdk_poller_register_named,
    spdk_poller_unregister, spdk_thread, spdk_thread_send_msg,
};

use crate::core::{self, Desc};
use crate::ffi::bdev::spdk_bdev_channel_iter;
use crate::ffi::bdev_module::spdk_bdev;
use crate::iter;

/// A bdev's sampling state.
pub struct QdState {
    period: AtomicU64,
    measured: AtomicU64,
    io_time: AtomicU64,
    weighted_io_time: AtomicU64,
    ctl: Mutex<Ctl>,
}

struct Ctl {
    new_period: u64,
    poller: *mut spdk_poller,
    desc: *mut Desc,
    thread: *mut spdk_thread,
    in_progress: bool,
    sum: u64,
}

impl Default for QdState {
    fn default() -> Self {
        QdState {
            period: AtomicU64::new(0),
            measured: AtomicU64::new(u64::MAX),
            io_time: AtomicU64::new(0),
            weighted_io_time: AtomicU64::new(0),
            ctl: Mutex::new(Ctl {
                new_period: 0,
                poller: ptr::null_mut(),
                desc: ptr::null_mut(),
                thread: ptr::null_mut(),
                in_progress: false,
                sum: 0,
            }),
        }
    }
}

impl QdState {
    /// The last measured depth (UINT64_MAX before the first sample).
    pub fn measured(&self) -> u64 {
        self.measured.load(Ordering::Relaxed)
    }
    pub fn period(&self) -> u64 {
        self.period.load(Ordering::Relaxed)
    }
    pub fn io_time(&self) -> u64 {
        self.io_time.load(Ordering::Relaxed)
    }
    pub fn weighted_io_time(&self) -> u64 {
        self.weighted_io_time.load(Ordering::Relaxed)
    }
}

unsafe fn qd<'a>(bdev: *mut spdk_bdev) -> Option<&'a QdState> {
    core::state(bdev).map(|s| &s.qd)
}

/// spdk_bdev_set_qd_sampling_period(): 0 stops sampling.
pub unsafe fn set_period(bdev: *mut spdk_bdev, period: u64) {
    let Some(q) = qd(bdev) else { return };
    let mut g = core::lock(&q.ctl);
    if g.new_period == period {
        return;
    }
    g.new_period = period;
    if !g.desc.is_null() {
        let t = g.thread;
        drop(g);
        spdk_thread_send_msg(t, Some(update_msg), bdev.cast());
        return;
    }
    drop(g);
    let Ok(d) = core::open_bdev(bdev, false, core::ignore_event, ptr::null_mut()) else {
        return;
    };
    let mut g = core::lock(&q.ctl);
    g.desc = d;
    g.thread = spdk_get_thread();
    q.period.store(period, Ordering::Relaxed);
    g.poller = spdk_poller_register_named(Some(sample), bdev.cast(), period, c"bdev_qd".as_ptr());
}

/// Stops sampling of a bdev being unregistered (registry lock held).
pub unsafe fn stop_locked(bdev: *mut spdk_bdev) {
    let Some(q) = qd(bdev) else { return };
    let mut g = core::lock(&q.ctl);
    if g.new_period == 0 {
        return;
    }
    g.new_period = 0;
    if !g.desc.is_null() {
        spdk_thread_send_msg(g.thread, Some(update_msg), bdev.cast());
    }
}

unsafe extern "C" fn update_msg(arg: *mut c_void) {
    update(arg.cast());
}

/// Applies a new period on the sampling thread (after a sample in flight).
unsafe fn update(bdev: *mut spdk_bdev) {
    let Some(q) = qd(bdev) else { return };
    let mut g = core::lock(&q.ctl);
    if q.period() == g.new_period || g.in_progress {
        return;
    }
    let p = g.new_period;
    q.period.store(p, Ordering::Relaxed);
    if !g.poller.is_null() {
        spdk_poller_unregister(&mut g.poller);
    }
    if p != 0 {
        g.poller = spdk_poller_register_named(Some(sample), bdev.cast(), p, c"bdev_qd".as_ptr());
        return;
    }
    let d = std::mem::replace(&mut g.desc, ptr::null_mut());
    drop(g);
    if !d.is_null() {
        core::close(d);
    }
}

unsafe extern "C" fn sample(arg: *mut c_void) -> c_int {
    let bdev = arg.cast::<spdk_bdev>();
    let Some(q) = qd(bdev) else { return 0 };
    {
        let mut g = core::lock(&q.ctl);
        if g.in_progress {
            return 0;
        }
        g.in_progress = true;
        g.sum = 0;
    }
    iter::for_each_channel(bdev, sample_channel, bdev.cast(), sample_done);
    1
}

unsafe extern "C" fn sample_channel(
    i: *mut spdk_bdev_channel_iter,
    bdev: *mut spdk_bdev,
    ch: *mut spdk_io_channel,
    _ctx: *mut c_void,
) {
    if let Some(q) = qd(bdev) {
        core::lock(&q.ctl).sum += core::outstanding(core::bdev_channel_of(ch));
    }
    iter::next(i, 0);
}

unsafe extern "C" fn sample_done(bdev: *mut spdk_bdev, _ctx: *mut c_void, _status: c_int) {
    let Some(q) = qd(bdev) else { return };
    {
        let mut g = core::lock(&q.ctl);
        let depth = g.sum;
        q.measured.store(depth, Ordering::Relaxed);
        if depth != 0 {
            let p = q.period();
            q.io_time.fetch_add(p, Ordering::Relaxed);
            q.weighted_io_time.fetch_add(p * depth, Ordering::Relaxed);
        }
        g.in_progress = false;
    }
    update(bdev);
}
