//! The delay bdev's I/O path: reads and writes go to the base, and their
//! completions wait in per-channel FIFO queues (one per latency kind)
//! linked through the I/Os' driver_ctx until a per-channel poller sees
//! their deadline pass. Nothing is allocated per I/O. A reset aborts the
//! held completions on every channel, then resets the base.

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::Ordering;

use ::spdk_bdev::ffi::bdev::spdk_bdev_free_io;
use ::spdk_bdev::ffi::bdev_module::{spdk_bdev_io, spdk_bdev_io_complete, IoStatusArg};
use ::spdk_thread::channel::IoChannel;
use ::spdk_thread::ffi::thread::{
    spdk_for_each_channel, spdk_for_each_channel_continue, spdk_io_channel, spdk_io_channel_iter,
    spdk_io_channel_iter_get_channel, spdk_io_channel_iter_get_ctx, spdk_poller,
    spdk_poller_register_named, spdk_poller_unregister,
};
use spdk_bdev_split::assoc::{self, BaseChannel};
use spdk_bdev_split::base_io::Retry;

use crate::vbdev::{Delay, DelayNode};

/// No delay (unmap, flush, write zeroes, reset).
const KIND_NONE: u8 = 4;

/// Completions held on one queue, in arrival order.
#[repr(C)]
struct Queue {
    head: *mut DelayIo,
    tail: *mut DelayIo,
}

#[repr(C)]
pub struct DelayChannel {
    base: BaseChannel,
    poller: *mut spdk_poller,
    queues: [Queue; 4],
    rand: u32,
}

/// driver_ctx of each I/O (the Retry first, as assoc::forward wants).
#[repr(C)]
struct DelayIo {
    retry: Retry,
    status: c_int,
    kind: u8,
    deadline: u64,
    next: *mut DelayIo,
}

pub unsafe extern "C" fn ctx_size() -> c_int {
    std::mem::size_of::<DelayIo>() as c_int
}

#[inline]
unsafe fn node_of(io: *mut spdk_bdev_io) -> *mut DelayNode {
    assoc::node_of::<Delay>(io)
}

#[inline]
unsafe fn dio(io: *mut spdk_bdev_io) -> *mut DelayIo {
    (*io).driver_ctx.as_mut_ptr().cast()
}

#[inline]
unsafe fn chan(ch: *mut spdk_io_channel) -> *mut DelayChannel {
    IoChannel::ctx(ch.cast()).cast()
}

/// xorshift32: whether this I/O is one of the 1% that get the p99 latency.
#[inline]
fn is_p99(state: &mut u32) -> bool {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    x.is_multiple_of(100)
}

pub unsafe extern "C" fn submit_request(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let c = chan(ch);
    let d = dio(io);
    let p99 = is_p99(&mut (*c).rand);
    (*d).retry.ch = ch;
    (*d).kind = KIND_NONE;
    match (*io).r#type {
        1 => {
            (*d).kind = if p99 { 1 } else { 0 };
            assoc::read_with_buf::<Delay>(io);
        }
        2 => {
            (*d).kind = if p99 { 3 } else { 2 };
            assoc::forward::<Delay>(ch, io);
        }
        5 => {
            // Held completions are aborted first, on every channel, then
            // the base is reset.
            spdk_for_each_channel(
                node_of(io).cast(),
                Some(abort_channel),
                io.cast(),
                Some(abort_done),
            );
        }
        16 => {
            // An I/O the base finished but this channel still holds is
            // aborted here (as SPDK's delay module); others are the base's.
            let victim = (*io).u.abort.bio_to_abort;
            if take_held(c, victim) {
                spdk_bdev_io_complete(victim, IoStatusArg(-7));
                spdk_bdev_io_complete(io, IoStatusArg(1));
            } else {
                assoc::forward::<Delay>(ch, io);
            }
        }
        _ => assoc::forward::<Delay>(ch, io),
    }
}

/// The base finished: complete now, or queue until the latency passed.
pub(crate) unsafe extern "C" fn child_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let io = arg.cast::<spdk_bdev_io>();
    let d = dio(io);
    (*d).status = spdk_bdev_split::base_io::child_status(io, child, ok);
    spdk_bdev_free_io(child);
    let kind = (*d).kind as usize;
    if kind >= 4 {
        spdk_bdev_io_complete(io, IoStatusArg((*d).status));
        return;
    }
    let delay = (*node_of(io)).state.ticks[kind].load(Ordering::Relaxed);
    (*d).deadline = spdk_env::ticks::ticks().saturating_add(delay);
    (*d).next = ptr::null_mut();
    let q = &mut (*chan((*d).retry.ch)).queues[kind];
    if q.tail.is_null() {
        q.head = d;
    } else {
        (*q.tail).next = d;
    }
    q.tail = d;
}

#[inline]
unsafe fn io_of(d: *mut DelayIo) -> *mut spdk_bdev_io {
    d.cast::<u8>()
        .sub(std::mem::offset_of!(spdk_bdev_io, driver_ctx))
        .cast()
}

/// Completes the queue's I/Os whose time came. A queue is released in
/// order: after a latency change, later I/Os wait behind earlier ones (as
/// SPDK's, which makes a lowered latency take effect gradually).
unsafe fn release(q: &mut Queue, now: u64) -> c_int {
    let mut n = 0;
    while !q.head.is_null() && (*q.head).deadline <= now {
        let d = q.head;
        q.head = (*d).next;
        if q.head.is_null() {
            q.tail = ptr::null_mut();
        }
        spdk_bdev_io_complete(io_of(d), IoStatusArg((*d).status));
        n += 1;
    }
    n
}

unsafe extern "C" fn poll(arg: *mut c_void) -> c_int {
    let c = arg.cast::<DelayChannel>();
    let now = spdk_env::ticks::ticks();
    let mut n = 0;
    for q in (*c).queues.iter_mut() {
        n += release(q, now);
    }
    (n > 0) as c_int
}

/// Unlinks `victim` from the channel's held I/Os; false when it is not
/// held here.
unsafe fn take_held(c: *mut DelayChannel, victim: *mut spdk_bdev_io) -> bool {
    if victim.is_null() {
        return false;
    }
    let target = dio(victim);
    for q in (*c).queues.iter_mut() {
        let mut prev: *mut DelayIo = ptr::null_mut();
        let mut d = q.head;
        while !d.is_null() {
            if d == target {
                let next = (*d).next;
                if prev.is_null() {
                    q.head = next;
                } else {
                    (*prev).next = next;
                }
                if q.tail == d {
                    q.tail = prev;
                }
                return true;
            }
            prev = d;
            d = (*d).next;
        }
    }
    false
}

/// Completes every held I/O of a channel as aborted.
unsafe fn abort_all(c: *mut DelayChannel) {
    for q in (*c).queues.iter_mut() {
        while !q.head.is_null() {
            let d = q.head;
            q.head = (*d).next;
            spdk_bdev_io_complete(io_of(d), IoStatusArg(-7));
        }
        q.tail = ptr::null_mut();
    }
}

unsafe extern "C" fn abort_channel(i: *mut spdk_io_channel_iter) {
    abort_all(chan(spdk_io_channel_iter_get_channel(i)));
    spdk_for_each_channel_continue(i, 0);
}

unsafe extern "C" fn abort_done(i: *mut spdk_io_channel_iter, _status: c_int) {
    let io = spdk_io_channel_iter_get_ctx(i).cast::<spdk_bdev_io>();
    assoc::forward::<Delay>((*dio(io)).retry.ch, io);
}

/// Fills a new channel after its base channel.
pub(crate) unsafe fn ch_create(ch: *mut BaseChannel) -> c_int {
    let c = ch.cast::<DelayChannel>();
    let empty = || Queue {
        head: ptr::null_mut(),
        tail: ptr::null_mut(),
    };
    c.write(DelayChannel {
        base: BaseChannel {
            base_ch: (*ch).base_ch,
        },
        poller: ptr::null_mut(),
        queues: [empty(), empty(), empty(), empty()],
        // Any non-zero seed; differs per channel and run.
        rand: (spdk_env::ticks::ticks() as u32) | 1,
    });
    (*c).poller = spdk_poller_register_named(Some(poll), c.cast(), 0, c"delay_io".as_ptr());
    if (*c).poller.is_null() {
        return -libc::ENOMEM;
    }
    0
}

/// Stops the channel's poller (its base channel is put next).
pub(crate) unsafe fn ch_destroy(ch: *mut BaseChannel) {
    let c = ch.cast::<DelayChannel>();
    spdk_poller_unregister(&mut (*c).poller);
    if (*c).queues.iter().any(|q| !q.head.is_null()) {
        // The bdev channel that owns them is gone: nothing to complete them on.
        spdk_log::errlog!("delay channel destroyed with I/O held");
    }
}
