//! The per-thread ring (group channel) and the bdev channels that share
//! it: SQEs are queued at submission and handed to the kernel in one
//! io_uring_enter per poll, then completions are reaped.

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev_io, spdk_bdev_io_complete, spdk_bdev_io_from_ctx, IoStatusArg,
};
use io_uring::{squeue, IoUring};
use spdk_thread::channel::IoChannel;
use spdk_thread::ffi::thread::{
    spdk_get_io_channel, spdk_io_channel, spdk_io_channel_from_ctx, spdk_poller,
    spdk_poller_register_named, spdk_poller_unregister, spdk_put_io_channel,
};

use crate::disk::UringDisk;

/// SQ entries of a ring (SPDK's SPDK_URING_QUEUE_DEPTH); the I/Os queued
/// or in flight on a thread never exceed it, so the CQ (twice as large)
/// cannot overflow.
pub const QUEUE_DEPTH: u32 = 512;
/// Completions taken per batch before they are completed.
const REAP_BATCH: usize = 64;

const STATUS_SUCCESS: c_int = 1;
const STATUS_FAILED: c_int = -1;
const STATUS_NOMEM: c_int = -4;

/// Per-I/O context, in the bdev_io's driver_ctx.
#[repr(C)]
pub struct UringTask {
    /// Bytes the request must transfer.
    pub len: u64,
}

/// The thread's ring and its poller.
pub struct GroupChannel {
    ring: IoUring,
    /// SQEs queued and not handed to the kernel yet.
    io_pending: u32,
    /// Handed to the kernel, not completed.
    io_inflight: u32,
    poller: *mut spdk_poller,
}

/// One bdev's channel on one thread.
#[repr(C)]
pub struct UringChannel {
    group: *mut GroupChannel,
}

/// A ring, or why there is none.
pub fn new_ring(entries: u32) -> std::io::Result<IoUring> {
    IoUring::new(entries)
}

pub unsafe extern "C" fn group_create(_dev: *mut c_void, ctx: *mut c_void) -> c_int {
    let ring = match new_ring(QUEUE_DEPTH) {
        Ok(r) => r,
        Err(e) => {
            let rc = e.raw_os_error().unwrap_or(libc::ENOMEM);
            spdk_log::errlog!(
                "uring I/O context setup failure: {}",
                spdk_util::string::strerror_message(rc)
            );
            return -rc;
        }
    };
    let g = ctx.cast::<GroupChannel>();
    g.write(GroupChannel {
        ring,
        io_pending: 0,
        io_inflight: 0,
        poller: ptr::null_mut(),
    });
    (*g).poller = spdk_poller_register_named(
        Some(group_poll),
        g.cast(),
        0,
        c"bdev_uring_group_poll".as_ptr(),
    );
    if (*g).poller.is_null() {
        ptr::drop_in_place(g);
        return -libc::ENOMEM;
    }
    0
}

pub unsafe extern "C" fn group_destroy(_dev: *mut c_void, ctx: *mut c_void) {
    let g = ctx.cast::<GroupChannel>();
    spdk_poller_unregister(&mut (*g).poller);
    // Closes the ring (the kernel cancels what is still queued).
    ptr::drop_in_place(g);
}

pub unsafe extern "C" fn channel_create(_dev: *mut c_void, ctx: *mut c_void) -> c_int {
    let gch = spdk_get_io_channel(crate::group_dev());
    if gch.is_null() {
        return -libc::ENOMEM;
    }
    ctx.cast::<UringChannel>().write(UringChannel {
        group: IoChannel::ctx(gch.cast()).cast(),
    });
    0
}

pub unsafe extern "C" fn channel_destroy(_dev: *mut c_void, ctx: *mut c_void) {
    let ch = ctx.cast::<UringChannel>();
    spdk_put_io_channel(spdk_io_channel_from_ctx((*ch).group.cast()));
}

/// Queues one SQE for `io` on the thread's ring; NOMEM when the ring is full.
#[inline]
pub unsafe fn queue(ioch: *mut spdk_io_channel, io: *mut spdk_bdev_io, sqe: squeue::Entry) {
    let g = (*IoChannel::ctx(ioch.cast()).cast::<UringChannel>()).group;
    if (*g).io_pending + (*g).io_inflight >= QUEUE_DEPTH {
        spdk_bdev_io_complete(io, IoStatusArg(STATUS_NOMEM));
        return;
    }
    let task = (*io).driver_ctx.as_mut_ptr() as u64;
    let sqe = sqe.user_data(task);
    // SAFETY (of the push): the iovecs and buffers of the I/O stay valid
    // until it completes.
    if (*g).ring.submission().push(&sqe).is_err() {
        spdk_bdev_io_complete(io, IoStatusArg(STATUS_NOMEM));
        return;
    }
    (*g).io_pending += 1;
}

unsafe extern "C" fn group_poll(arg: *mut c_void) -> c_int {
    let g = arg.cast::<GroupChannel>();
    let mut work = 0;
    if (*g).io_pending > 0 {
        match (*g).ring.submit() {
            Ok(n) => {
                let n = (n as u32).min((*g).io_pending);
                (*g).io_pending -= n;
                (*g).io_inflight += n;
                work += n as c_int;
            }
            // EAGAIN/EBUSY: the SQEs stay queued for the next poll.
            Err(_) => return 1,
        }
    }
    while (*g).io_inflight > 0 {
        // Copy a batch out first: completion callbacks may queue new SQEs
        // on this same ring.
        let mut batch = [(0u64, 0i32); REAP_BATCH];
        let mut n = 0;
        for cqe in (*g).ring.completion().take(REAP_BATCH) {
            batch[n] = (cqe.user_data(), cqe.result());
            n += 1;
        }
        if n == 0 {
            break;
        }
        (*g).io_inflight -= n as u32;
        work += n as c_int;
        for &(data, res) in &batch[..n] {
            complete(data as *mut UringTask, res);
        }
        if n < REAP_BATCH {
            break;
        }
    }
    (work > 0) as c_int
}

#[inline]
unsafe fn complete(task: *mut UringTask, res: i32) {
    let io = spdk_bdev_io_from_ctx(task.cast());
    if res >= 0 && res as u64 == (*task).len {
        spdk_bdev_io_complete(io, IoStatusArg(STATUS_SUCCESS));
        return;
    }
    complete_error(io, res);
}

#[cold]
unsafe fn complete_error(io: *mut spdk_bdev_io, res: i32) {
    let u = (*(*io).bdev).ctxt.cast::<UringDisk>();
    let rc = (*u).file.io_error(res);
    let status = if rc == -libc::EAGAIN {
        STATUS_NOMEM
    } else {
        if rc == -libc::ENODEV {
            (*u).file.hot_remove(crate::module());
        } else {
            spdk_log::errlog!("[{}] I/O failed with error {}", (*u).file.log_name(), rc);
        }
        STATUS_FAILED
    };
    spdk_bdev_io_complete(io, IoStatusArg(status));
}
