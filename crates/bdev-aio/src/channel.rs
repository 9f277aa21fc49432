//! Channels and completions. A bdev channel owns one AIO context; the
//! thread's group channel (one per thread, io_device = the module) links
//! them and polls them all from one poller.

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev_io, spdk_bdev_io_complete, spdk_bdev_io_complete_aio_status, spdk_bdev_io_from_ctx,
    IoStatusArg,
};
use spdk_thread::channel::IoChannel;
use spdk_thread::ffi::thread::{
    spdk_get_io_channel, spdk_io_channel, spdk_io_channel_from_ctx, spdk_poller,
    spdk_poller_register_named, spdk_poller_unregister, spdk_put_io_channel,
};

use crate::disk::AioDisk;
use crate::sys::{self, IoEvent, Iocb};

/// Requests one AIO context holds (SPDK's SPDK_AIO_QUEUE_DEPTH).
pub const QUEUE_DEPTH: u32 = 128;

const STATUS_SUCCESS: c_int = 1;
const STATUS_FAILED: c_int = -1;
const STATUS_NOMEM: c_int = -4;

/// Per-I/O context, in the bdev_io's driver_ctx.
#[repr(C)]
pub struct AioTask {
    pub iocb: Iocb,
    /// Bytes the request must transfer (0 for fsync).
    pub len: u64,
    pub ch: *mut AioChannel,
}

/// One bdev's channel on one thread.
#[repr(C)]
pub struct AioChannel {
    pub ctx: u64,
    pub io_inflight: u64,
    group: *mut GroupChannel,
    prev: *mut AioChannel,
    next: *mut AioChannel,
}

/// The thread's poller and its list of aio channels.
#[repr(C)]
pub struct GroupChannel {
    poller: *mut spdk_poller,
    head: *mut AioChannel,
}

pub unsafe extern "C" fn group_create(_dev: *mut c_void, ctx: *mut c_void) -> c_int {
    let g = ctx.cast::<GroupChannel>();
    g.write(GroupChannel {
        poller: ptr::null_mut(),
        head: ptr::null_mut(),
    });
    (*g).poller = spdk_poller_register_named(
        Some(group_poll),
        g.cast(),
        0,
        c"bdev_aio_group_poll".as_ptr(),
    );
    if (*g).poller.is_null() {
        return -libc::ENOMEM;
    }
    0
}

pub unsafe extern "C" fn group_destroy(_dev: *mut c_void, ctx: *mut c_void) {
    let g = ctx.cast::<GroupChannel>();
    if !(*g).head.is_null() {
        spdk_log::errlog!("Group channel of bdev aio has uncleared io channel");
    }
    spdk_poller_unregister(&mut (*g).poller);
}

pub unsafe extern "C" fn channel_create(_dev: *mut c_void, ctx: *mut c_void) -> c_int {
    let ch = ctx.cast::<AioChannel>();
    let aio_ctx = match sys::setup(QUEUE_DEPTH) {
        Ok(c) => c,
        Err(rc) => {
            spdk_log::errlog!(
                "Async I/O context setup failure, likely due to exceeding kernel limit."
            );
            spdk_log::errlog!("This limit may be increased using 'sysctl -w fs.aio-max-nr'.");
            return rc;
        }
    };
    let gch = spdk_get_io_channel(crate::group_dev());
    if gch.is_null() {
        sys::destroy(aio_ctx);
        return -libc::ENOMEM;
    }
    let g = IoChannel::ctx(gch.cast()).cast::<GroupChannel>();
    ch.write(AioChannel {
        ctx: aio_ctx,
        io_inflight: 0,
        group: g,
        prev: ptr::null_mut(),
        next: (*g).head,
    });
    if !(*g).head.is_null() {
        (*(*g).head).prev = ch;
    }
    (*g).head = ch;
    0
}

pub unsafe extern "C" fn channel_destroy(_dev: *mut c_void, ctx: *mut c_void) {
    let ch = ctx.cast::<AioChannel>();
    // Waits for the requests still in flight; their events are dropped.
    sys::destroy((*ch).ctx);
    let g = (*ch).group;
    if (*ch).prev.is_null() {
        (*g).head = (*ch).next;
    } else {
        (*(*ch).prev).next = (*ch).next;
    }
    if !(*ch).next.is_null() {
        (*(*ch).next).prev = (*ch).prev;
    }
    spdk_put_io_channel(spdk_io_channel_from_ctx(g.cast()));
}

unsafe extern "C" fn group_poll(arg: *mut c_void) -> c_int {
    let g = arg.cast::<GroupChannel>();
    let mut events = [IoEvent::default(); QUEUE_DEPTH as usize];
    let mut total = 0;
    let mut ch = (*g).head;
    while !ch.is_null() {
        // Completion callbacks may put channels; those are destroyed by a
        // later message, so `ch` stays valid through this iteration.
        let next = (*ch).next;
        if (*ch).io_inflight > 0 {
            let n = sys::reap((*ch).ctx, &mut events);
            for ev in &events[..n] {
                complete_event(ev);
            }
            total += n;
        }
        ch = next;
    }
    (total > 0) as c_int
}

#[inline]
unsafe fn complete_event(ev: &IoEvent) {
    let task = ev.data as *mut AioTask;
    (*(*task).ch).io_inflight -= 1;
    let io = spdk_bdev_io_from_ctx(task.cast());
    if ev.res >= 0 && ev.res as u64 == (*task).len {
        spdk_bdev_io_complete(io, IoStatusArg(STATUS_SUCCESS));
        return;
    }
    complete_error(io, ev.res);
}

#[cold]
unsafe fn complete_error(io: *mut spdk_bdev_io, res: i64) {
    let fdisk = (*(*io).bdev).ctxt.cast::<AioDisk>();
    let rc = (*fdisk).file.io_error(res as c_int);
    if rc == -libc::EAGAIN {
        spdk_bdev_io_complete(io, IoStatusArg(STATUS_NOMEM));
    } else if rc == -libc::ENODEV {
        (*fdisk).file.hot_remove(crate::module());
        spdk_bdev_io_complete_aio_status(io, rc);
    } else {
        spdk_log::errlog!(
            "[{}] failed to complete: rc {}",
            (*fdisk).file.log_name(),
            res
        );
        if rc < 0 {
            spdk_bdev_io_complete_aio_status(io, rc);
        } else {
            spdk_bdev_io_complete(io, IoStatusArg(STATUS_FAILED));
        }
    }
}

/// Submits the task's prepared iocb on `ioch` (an aio channel).
#[inline]
pub unsafe fn submit(ioch: *mut spdk_io_channel, io: *mut spdk_bdev_io, task: *mut AioTask) {
    let ch = IoChannel::ctx(ioch.cast()).cast::<AioChannel>();
    (*task).ch = ch;
    (*task).iocb.aio_data = task as u64;
    let rc = sys::submit_one((*ch).ctx, ptr::addr_of_mut!((*task).iocb));
    if rc >= 0 {
        (*ch).io_inflight += 1;
        return;
    }
    submit_failed(io, task, rc);
}

#[cold]
unsafe fn submit_failed(io: *mut spdk_bdev_io, task: *mut AioTask, rc: c_int) {
    if rc == -libc::EAGAIN {
        spdk_bdev_io_complete(io, IoStatusArg(STATUS_NOMEM));
        return;
    }
    let fdisk = (*(*io).bdev).ctxt.cast::<AioDisk>();
    if (*task).iocb.aio_lio_opcode == sys::IOCB_CMD_FSYNC && rc == -libc::EINVAL {
        // This file cannot fsync through AIO: do it in place, as SPDK does.
        let rc = if libc::fsync((*fdisk).file.fd) == 0 {
            0
        } else {
            -spdk_bdev_file::errno()
        };
        if rc == 0 {
            spdk_bdev_io_complete(io, IoStatusArg(STATUS_SUCCESS));
        } else {
            spdk_bdev_io_complete_aio_status(io, rc);
        }
        return;
    }
    spdk_log::errlog!("[{}] io_submit returned {}", (*fdisk).file.log_name(), rc);
    spdk_bdev_io_complete_aio_status(io, rc);
}

/// Whether any aio channel of this thread has requests of `ch`'s kind in flight.
pub unsafe fn inflight(ioch: *mut spdk_io_channel) -> u64 {
    (*IoChannel::ctx(ioch.cast()).cast::<AioChannel>()).io_inflight
}
