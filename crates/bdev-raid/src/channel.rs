//! The raid bdev's per-thread channel: one slot per base bdev with that
//! thread's channel of the base, the child I/Os outstanding there and the
//! blocks being read from it (raid1 reads go to the least busy mirror).
//!
//! Removing a base from an online raid1 detaches its slot channel by
//! channel: new I/O stops using it at once, and the slot's base channel
//! is released when the child I/Os still there have completed.

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_bdev::ffi::bdev::spdk_bdev_get_io_channel;
use ::spdk_thread::channel::IoChannel;
use ::spdk_thread::ffi::thread::{
    spdk_for_each_channel_continue, spdk_get_io_channel, spdk_io_channel, spdk_io_channel_iter,
    spdk_io_channel_iter_get_channel, spdk_io_channel_iter_get_ctx, spdk_put_io_channel,
};

use crate::raid::{BaseInfo, RaidBdev};

/// One base bdev as seen from one thread.
#[repr(C)]
pub struct Slot {
    /// NULL when the base is missing or being removed.
    pub ch: *mut spdk_io_channel,
    /// Child I/Os submitted on `ch` and not completed.
    pub outstanding: u64,
    /// Blocks being read from this base (raid1's read balancing).
    pub read_blocks: u64,
    /// While detaching: the channel to release and the iteration to go on
    /// with once `outstanding` is 0.
    detach_ch: *mut spdk_io_channel,
    detach_iter: *mut spdk_io_channel_iter,
}

/// The channel context: this header, then one [`Slot`] per base bdev.
#[repr(C)]
pub struct RaidChannel {
    pub raid: *mut RaidBdev,
    pub n: usize,
}

pub fn ctx_size(n: usize) -> usize {
    std::mem::size_of::<RaidChannel>() + n * std::mem::size_of::<Slot>()
}

/// Slot `i` of a channel.
#[inline]
pub unsafe fn slot(ch: *mut RaidChannel, i: usize) -> *mut Slot {
    ch.add(1).cast::<Slot>().add(i)
}

/// The raid channel context of an spdk_io_channel of a raid bdev.
#[inline]
pub unsafe fn of(ch: *mut spdk_io_channel) -> *mut RaidChannel {
    IoChannel::ctx(ch.cast()).cast()
}

pub unsafe extern "C" fn create_cb(dev: *mut c_void, ctx: *mut c_void) -> c_int {
    let raid = dev.cast::<RaidBdev>();
    let n = (*raid).num_bases();
    let ch = ctx.cast::<RaidChannel>();
    ch.write(RaidChannel { raid, n });
    for i in 0..n {
        slot(ch, i).write(Slot {
            ch: ptr::null_mut(),
            outstanding: 0,
            read_blocks: 0,
            detach_ch: ptr::null_mut(),
            detach_iter: ptr::null_mut(),
        });
    }
    for i in 0..n {
        let b = &*crate::raid::base_of(raid, i);
        if !b.is_configured {
            continue;
        }
        let c = spdk_bdev_get_io_channel(b.desc);
        if c.is_null() {
            spdk_log::errlog!("Unable to create io channel for base bdev");
            destroy_cb(dev, ctx);
            return -libc::ENOMEM;
        }
        (*slot(ch, i)).ch = c;
    }
    0
}

pub unsafe extern "C" fn destroy_cb(_dev: *mut c_void, ctx: *mut c_void) {
    let ch = ctx.cast::<RaidChannel>();
    for i in 0..(*ch).n {
        let s = slot(ch, i);
        if !(*s).ch.is_null() {
            spdk_put_io_channel((*s).ch);
            (*s).ch = ptr::null_mut();
        }
        if !(*s).detach_ch.is_null() {
            let it = std::mem::replace(&mut (*s).detach_iter, ptr::null_mut());
            finish_detach(s, it);
        }
    }
}

/// The bdev's get_io_channel: the raid bdev is its own io_device.
pub unsafe extern "C" fn get_io_channel(ctx: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(ctx)
}

unsafe fn finish_detach(s: *mut Slot, it: *mut spdk_io_channel_iter) {
    spdk_put_io_channel((*s).detach_ch);
    (*s).detach_ch = ptr::null_mut();
    if !it.is_null() {
        spdk_for_each_channel_continue(it, 0);
    }
}

/// spdk_for_each_channel step of a base removal (ctx: its BaseInfo).
pub unsafe extern "C" fn detach_slot(it: *mut spdk_io_channel_iter) {
    let b = spdk_io_channel_iter_get_ctx(it).cast::<BaseInfo>();
    let raid = (*b).raid;
    let idx = (b as usize - (*raid).bases.as_ptr() as usize) / std::mem::size_of::<BaseInfo>();
    let ch = of(spdk_io_channel_iter_get_channel(it));
    let s = slot(ch, idx);
    if (*s).ch.is_null() {
        spdk_for_each_channel_continue(it, 0);
        return;
    }
    (*s).detach_ch = std::mem::replace(&mut (*s).ch, ptr::null_mut());
    if (*s).outstanding == 0 {
        finish_detach(s, it);
    } else {
        (*s).detach_iter = it;
    }
}

/// A child I/O on slot `s` completed.
#[inline]
pub unsafe fn child_completed(s: *mut Slot) {
    (*s).outstanding = (*s).outstanding.saturating_sub(1);
    if (*s).outstanding == 0 && !(*s).detach_iter.is_null() {
        let it = std::mem::replace(&mut (*s).detach_iter, ptr::null_mut());
        finish_detach(s, it);
    }
}
