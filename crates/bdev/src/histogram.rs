//! Latency histograms (spdk_bdev_histogram_enable/_ext, _get,
//! spdk_bdev_channel_get_histogram; RPCs bdev_enable_histogram and
//! bdev_get_histogram): each channel tallies its completions' latency in
//! ticks into its own histogram, on its own thread; enabling, disabling
//! and reading go channel by channel with spdk_for_each_channel, as SPDK.

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::Mutex;

use ::spdk_thread::ffi::thread::{
    spdk_for_each_channel, spdk_for_each_channel_continue, spdk_io_channel, spdk_io_channel_iter,
    spdk_io_channel_iter_get_channel, spdk_io_channel_iter_get_ctx,
};
use spdk_util::histogram::{Histogram, HistogramData};

use crate::core::{self, BdevChannel};
use crate::ffi::bdev_module::spdk_bdev;

/// A bdev's histogram settings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Config {
    pub enabled: bool,
    /// Only this I/O type is tallied (0: all).
    pub io_type: u8,
    pub granularity: u32,
    /// Bounds in ticks.
    pub min: u64,
    pub max: u64,
    /// An enable or disable is going round the channels.
    busy: bool,
}

impl Config {
    pub fn new(enabled: bool, io_type: u8, granularity: u32, min: u64, max: u64) -> Config {
        Config {
            enabled,
            io_type,
            granularity,
            min,
            max,
            busy: false,
        }
    }

    pub fn new_histogram(&self) -> Option<Box<Histogram>> {
        Histogram::new(self.granularity, self.min, self.max).map(Box::new)
    }
}

/// The per-bdev settings live in the bdev's state.
pub type Settings = Mutex<Config>;

pub type StatusCb = unsafe extern "C" fn(*mut c_void, c_int);
pub type DataCb = unsafe extern "C" fn(*mut c_void, c_int, *mut HistogramData);

struct EnableCtx {
    bdev: *mut spdk_bdev,
    cb: Option<StatusCb>,
    cb_arg: *mut c_void,
    status: c_int,
}

/// Starts enabling (with `cfg`) or disabling histograms on every channel.
pub unsafe fn enable(bdev: *mut spdk_bdev, cfg: Config, cb: Option<StatusCb>, cb_arg: *mut c_void) {
    let Some(settings) = core::histogram_settings(bdev) else {
        if let Some(f) = cb {
            f(cb_arg, -libc::ENODEV);
        }
        return;
    };
    {
        let mut s = core::lock(settings);
        if s.busy {
            drop(s);
            if let Some(f) = cb {
                f(cb_arg, -libc::EAGAIN);
            }
            return;
        }
        *s = Config { busy: true, ..cfg };
    }
    let ctx = Box::into_raw(Box::new(EnableCtx {
        bdev,
        cb,
        cb_arg,
        status: 0,
    }));
    spdk_for_each_channel(
        core::io_device(bdev),
        Some(set_channel),
        ctx.cast(),
        Some(set_done),
    );
}

unsafe extern "C" fn set_channel(i: *mut spdk_io_channel_iter) {
    let ctx = spdk_io_channel_iter_get_ctx(i).cast::<EnableCtx>();
    let c = core::bdev_channel_of(spdk_io_channel_iter_get_channel(i));
    // The bdev's state outlives its channels; a missing one means the
    // iteration has nothing left to set up.
    let Some(settings) = core::histogram_settings((*ctx).bdev) else {
        spdk_for_each_channel_continue(i, -libc::ENODEV);
        return;
    };
    let cfg = *core::lock(settings);
    let rc = if cfg.enabled {
        attach(c, &cfg)
    } else {
        detach(c);
        0
    };
    spdk_for_each_channel_continue(i, rc);
}

unsafe extern "C" fn set_done(i: *mut spdk_io_channel_iter, status: c_int) {
    let ctx = Box::from_raw(spdk_io_channel_iter_get_ctx(i).cast::<EnableCtx>());
    let Some(settings) = core::histogram_settings(ctx.bdev) else {
        if let Some(f) = ctx.cb {
            f(ctx.cb_arg, -libc::ENODEV);
        }
        return;
    };
    if status != 0 && core::lock(settings).enabled {
        // Some channel could not get one: undo, then report the error.
        core::lock(settings).enabled = false;
        let again = Box::into_raw(Box::new(EnableCtx { status, ..*ctx }));
        spdk_for_each_channel(
            core::io_device(ctx.bdev),
            Some(set_channel),
            again.cast(),
            Some(set_done),
        );
        return;
    }
    core::lock(settings).busy = false;
    if let Some(f) = ctx.cb {
        f(
            ctx.cb_arg,
            if ctx.status != 0 { ctx.status } else { status },
        );
    }
}

/// Gives a channel its histogram (channel creation and enable).
pub unsafe fn attach(c: *mut BdevChannel, cfg: &Config) -> c_int {
    let h = core::channel_histogram(c);
    if (*h).is_null() {
        match cfg.new_histogram() {
            Some(b) => *h = Box::into_raw(b),
            None => return -libc::ENOMEM,
        }
    }
    0
}

/// Takes a channel's histogram away (channel destruction and disable).
pub unsafe fn detach(c: *mut BdevChannel) {
    let h = core::channel_histogram(c);
    if !(*h).is_null() {
        drop(Box::from_raw(std::mem::replace(&mut *h, ptr::null_mut())));
    }
}

struct GetCtx {
    hist: *mut HistogramData,
    cb: DataCb,
    cb_arg: *mut c_void,
}

/// Adds every channel's counts to `hist` (-EFAULT when a channel has
/// none, -EINVAL when `hist` has another shape).
pub unsafe fn get(bdev: *mut spdk_bdev, hist: *mut HistogramData, cb: DataCb, cb_arg: *mut c_void) {
    let ctx = Box::into_raw(Box::new(GetCtx { hist, cb, cb_arg }));
    spdk_for_each_channel(
        core::io_device(bdev),
        Some(get_channel),
        ctx.cast(),
        Some(get_done),
    );
}

unsafe extern "C" fn get_channel(i: *mut spdk_io_channel_iter) {
    let ctx = spdk_io_channel_iter_get_ctx(i).cast::<GetCtx>();
    let c = core::bdev_channel_of(spdk_io_channel_iter_get_channel(i));
    let h = *core::channel_histogram(c);
    let rc = match h.as_ref() {
        None => -libc::EFAULT,
        Some(h) => match h.merge_into_c((*ctx).hist) {
            Ok(()) => 0,
            Err(_) => -libc::EINVAL,
        },
    };
    spdk_for_each_channel_continue(i, rc);
}

unsafe extern "C" fn get_done(i: *mut spdk_io_channel_iter, status: c_int) {
    let ctx = Box::from_raw(spdk_io_channel_iter_get_ctx(i).cast::<GetCtx>());
    (ctx.cb)(ctx.cb_arg, status, ctx.hist);
}

/// Calls `cb` with a view of the channel's histogram (valid during the
/// call), or -EFAULT and NULL when it has none.
pub unsafe fn get_channel_histogram(ch: *mut spdk_io_channel, cb: DataCb, cb_arg: *mut c_void) {
    let c = core::bdev_channel_of(ch);
    match (*core::channel_histogram(c)).as_mut() {
        None => cb(cb_arg, -libc::EFAULT, ptr::null_mut()),
        Some(h) => {
            let mut view = h.c_view();
            cb(cb_arg, 0, &mut view);
        }
    }
}
