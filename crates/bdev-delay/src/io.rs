//! The delay bdev's I/O path: reads and writes go to the base, and their
//! completions wait in per-channel FIFO queues (one per latency kind)
//! linked through the I/Os' driver_ctx until a per-channel poller sees
//! their deadline pass. Nothing is allocated per I/O. A reset aborts the
//! held completions on every channel, then resets the base.

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::Ordering;

use ::spdk_bdev::ffi::bdev::{
    spdk_bdev_free_io, spdk_bdev_get_io_channel, spdk_bdev_io_type, spdk_bdev_io_type_supported,
    IoTypeArg,
};
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev_io, spdk_bdev_io_complete, spdk_bdev_io_get_buf, IoStatusArg,
};
use ::spdk_thread::channel::IoChannel;
use ::spdk_thread::ffi::thread::{
    spdk_for_each_channel, spdk_for_each_channel_continue, spdk_get_io_channel, spdk_io_channel,
    spdk_io_channel_iter, spdk_io_channel_iter_get_channel, spdk_io_channel_iter_get_ctx,
    spdk_poller, spdk_poller_register_named, spdk_poller_unregister, spdk_put_io_channel,
};

use crate::vbdev::Node;
use spdk_bdev_split::base_io::{self, Retry};

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
    base_ch: *mut spdk_io_channel,
    poller: *mut spdk_poller,
    queues: [Queue; 4],
    rand: u32,
}

/// driver_ctx of each I/O.
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
unsafe fn node_of(io: *mut spdk_bdev_io) -> *mut Node {
    (*(*io).bdev).ctxt.cast()
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
            let len = (*io).u.bdev.num_blocks * (*(*io).bdev).blocklen as u64;
            spdk_bdev_io_get_buf(io, Some(read_buf_ready), len);
        }
        2 => {
            (*d).kind = if p99 { 3 } else { 2 };
            forward(ch, io);
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
        _ => forward(ch, io),
    }
}

unsafe extern "C" fn read_buf_ready(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io, ok: bool) {
    if !ok {
        base_io::fail(io);
        return;
    }
    forward(ch, io);
}

unsafe fn forward(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let base_ch = (*chan(ch)).base_ch;
    let rc = base_io::submit((*node_of(io)).base_desc, base_ch, io, 0, Some(child_done));
    let retry = ptr::addr_of_mut!((*dio(io)).retry);
    base_io::after_submit(rc, io, ch, base_ch, retry, resubmit);
}

unsafe extern "C" fn resubmit(arg: *mut c_void) {
    let io = arg.cast::<spdk_bdev_io>();
    forward((*dio(io)).retry.ch, io);
}

/// The base finished: complete now, or queue until the latency passed.
unsafe extern "C" fn child_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    spdk_bdev_free_io(child);
    let io = arg.cast::<spdk_bdev_io>();
    let d = dio(io);
    (*d).status = if ok { 1 } else { -1 };
    let kind = (*d).kind as usize;
    if kind >= 4 {
        spdk_bdev_io_complete(io, IoStatusArg((*d).status));
        return;
    }
    let delay = (*node_of(io)).ticks[kind].load(Ordering::Relaxed);
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
    forward((*dio(io)).retry.ch, io);
}

pub unsafe extern "C" fn io_type_supported(ctx: *mut c_void, t: spdk_bdev_io_type) -> bool {
    let node = ctx.cast::<Node>();
    base_io::forwardable(t) && spdk_bdev_io_type_supported((*node).base_bdev, IoTypeArg(t as c_int))
}

pub unsafe extern "C" fn get_io_channel(ctx: *mut c_void) -> *mut spdk_io_channel {
    spdk_get_io_channel(ctx)
}

pub unsafe extern "C" fn ch_create(dev: *mut c_void, buf: *mut c_void) -> c_int {
    let node = dev.cast::<Node>();
    let c = buf.cast::<DelayChannel>();
    let base_ch = spdk_bdev_get_io_channel((*node).base_desc);
    if base_ch.is_null() {
        return -libc::ENOMEM;
    }
    let empty = || Queue {
        head: ptr::null_mut(),
        tail: ptr::null_mut(),
    };
    c.write(DelayChannel {
        base_ch,
        poller: ptr::null_mut(),
        queues: [empty(), empty(), empty(), empty()],
        // Any non-zero seed; differs per channel and run.
        rand: (spdk_env::ticks::ticks() as u32) | 1,
    });
    (*c).poller = spdk_poller_register_named(Some(poll), c.cast(), 0, c"delay_io".as_ptr());
    if (*c).poller.is_null() {
        spdk_put_io_channel(base_ch);
        return -libc::ENOMEM;
    }
    0
}

pub unsafe extern "C" fn ch_destroy(_dev: *mut c_void, buf: *mut c_void) {
    let c = buf.cast::<DelayChannel>();
    spdk_poller_unregister(&mut (*c).poller);
    if (*c).queues.iter().any(|q| !q.head.is_null()) {
        // The bdev channel that owns them is gone: nothing to complete them on.
        spdk_log::errlog!("delay channel destroyed with I/O held");
    }
    spdk_put_io_channel((*c).base_ch);
}
