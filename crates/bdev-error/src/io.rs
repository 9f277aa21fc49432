//! The error bdev's I/O path: each read, write, unmap or flush takes an
//! injected error if one is armed for its type (and the channel's queue
//! depth is reached), else goes to the base. Pending I/Os wait in a
//! per-channel list linked through driver_ctx until a reset aborts them
//! (the reset itself is not passed to the base, as in SPDK).

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::Ordering;

use ::spdk_bdev::ffi::bdev::spdk_bdev_free_io;
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev_io, spdk_bdev_io_complete, spdk_bdev_io_get_buf, IoStatusArg,
};
use ::spdk_thread::ffi::thread::{
    spdk_for_each_channel, spdk_for_each_channel_continue, spdk_io_channel, spdk_io_channel_iter,
    spdk_io_channel_iter_get_channel, spdk_io_channel_iter_get_ctx,
};
use spdk_bdev_split::base_io::{self, Retry};
use spdk_bdev_split::part::{self, Part, PartChannel};

use crate::vbdev::{Disk, ErrorType};

/// No injected error for this I/O.
const NO_ERROR: u32 = 0;

#[repr(C)]
pub struct ErrChannel {
    part: PartChannel,
    inflight: u64,
    pending_head: *mut ErrIo,
    pending_tail: *mut ErrIo,
}

/// driver_ctx of each I/O.
#[repr(C)]
struct ErrIo {
    retry: Retry,
    error_type: u32,
    next: *mut ErrIo,
}

pub unsafe extern "C" fn ctx_size() -> c_int {
    std::mem::size_of::<ErrIo>() as c_int
}

pub unsafe fn ch_create(_p: *mut Part, ch: *mut PartChannel) -> c_int {
    let c = ch.cast::<ErrChannel>();
    ptr::addr_of_mut!((*c).inflight).write(0);
    ptr::addr_of_mut!((*c).pending_head).write(ptr::null_mut());
    ptr::addr_of_mut!((*c).pending_tail).write(ptr::null_mut());
    0
}

pub unsafe fn ch_destroy(_p: *mut Part, ch: *mut PartChannel) {
    if !(*ch.cast::<ErrChannel>()).pending_head.is_null() {
        spdk_log::errlog!("error channel destroyed with pending I/O");
    }
}

#[inline]
unsafe fn eio(io: *mut spdk_bdev_io) -> *mut ErrIo {
    (*io).driver_ctx.as_mut_ptr().cast()
}

#[inline]
unsafe fn echan(ch: *mut spdk_io_channel) -> *mut ErrChannel {
    part::channel(ch).cast()
}

#[inline]
unsafe fn disk_of(io: *mut spdk_bdev_io) -> *const Disk {
    (*part::part_of(io)).ctx.cast()
}

#[inline]
unsafe fn io_of(e: *mut ErrIo) -> *mut spdk_bdev_io {
    e.cast::<u8>()
        .sub(std::mem::offset_of!(spdk_bdev_io, driver_ctx))
        .cast()
}

/// The error this I/O gets, taking one from the injection's count.
unsafe fn error_for(disk: *const Disk, c: *mut ErrChannel, ty: u8) -> u32 {
    if !(1..=4).contains(&ty) {
        return NO_ERROR;
    }
    let info = &(*disk).vector[ty as usize];
    if (*c).inflight < info.error_qd.load(Ordering::Relaxed) {
        return NO_ERROR;
    }
    let took = info
        .error_num
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
    match took {
        Ok(_) => info.error_type.load(Ordering::Relaxed),
        Err(_) => NO_ERROR,
    }
}

/// XORs the byte at `offset` of the I/O's data with `value`.
unsafe fn corrupt(io: *mut spdk_bdev_io, mut offset: u64, value: u8) {
    let p = &(*io).u.bdev;
    if p.iovs.is_null() || p.iovcnt <= 0 || (*p.iovs).iov_base.is_null() {
        return;
    }
    for i in 0..p.iovcnt as usize {
        let v = &*p.iovs.add(i);
        if (v.iov_len as u64) > offset {
            *v.iov_base.cast::<u8>().add(offset as usize) ^= value;
            return;
        }
        offset -= v.iov_len as u64;
    }
}

pub unsafe extern "C" fn submit_request(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    (*eio(io)).retry.ch = ch;
    match (*io).r#type {
        1 => {
            let len = (*io).u.bdev.num_blocks * (*(*io).bdev).blocklen as u64;
            spdk_bdev_io_get_buf(io, Some(read_buf_ready), len);
        }
        5 => {
            // Pending I/Os of every channel are aborted; the base is left alone.
            spdk_for_each_channel(
                part::part_of(io).cast(),
                Some(abort_channel),
                io.cast(),
                Some(abort_done),
            );
        }
        _ => dispatch(ch, io),
    }
}

unsafe extern "C" fn read_buf_ready(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io, ok: bool) {
    if !ok {
        base_io::fail(io);
        return;
    }
    dispatch(ch, io);
}

unsafe fn dispatch(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let c = echan(ch);
    let e = eio(io);
    let disk = disk_of(io);
    let ty = (*io).r#type;
    (*e).error_type = error_for(disk, c, ty);
    match (*e).error_type {
        1 => base_io::fail(io),
        4 => spdk_bdev_io_complete(io, IoStatusArg(-4)),
        2 => {
            (*e).next = ptr::null_mut();
            if (*c).pending_tail.is_null() {
                (*c).pending_head = e;
            } else {
                (*(*c).pending_tail).next = e;
            }
            (*c).pending_tail = e;
        }
        t => {
            if t == ErrorType::CorruptData as u32 && ty == 2 {
                let info = &(*disk).vector[2];
                corrupt(
                    io,
                    info.corrupt_offset.load(Ordering::Relaxed),
                    info.corrupt_value.load(Ordering::Relaxed),
                );
            }
            forward(ch, io);
        }
    }
}

unsafe fn forward(ch: *mut spdk_io_channel, io: *mut spdk_bdev_io) {
    let c = echan(ch);
    (*c).inflight += 1;
    let rc = part::submit(ch, io, Some(child_done));
    if rc != 0 {
        (*c).inflight -= 1;
        let retry = ptr::addr_of_mut!((*eio(io)).retry);
        base_io::after_submit(rc, io, ch, (*c).part.base_ch, retry, resubmit);
    }
}

unsafe extern "C" fn resubmit(arg: *mut c_void) {
    let io = arg.cast::<spdk_bdev_io>();
    forward((*eio(io)).retry.ch, io);
}

unsafe extern "C" fn child_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    spdk_bdev_free_io(child);
    let io = arg.cast::<spdk_bdev_io>();
    let e = eio(io);
    (*echan((*e).retry.ch)).inflight -= 1;
    if ok && (*io).r#type == 1 && (*e).error_type == ErrorType::CorruptData as u32 {
        let info = &(*disk_of(io)).vector[1];
        corrupt(
            io,
            info.corrupt_offset.load(Ordering::Relaxed),
            info.corrupt_value.load(Ordering::Relaxed),
        );
    }
    spdk_bdev_io_complete(io, IoStatusArg(if ok { 1 } else { -1 }));
}

unsafe extern "C" fn abort_channel(i: *mut spdk_io_channel_iter) {
    let c = echan(spdk_io_channel_iter_get_channel(i));
    let mut e = std::mem::replace(&mut (*c).pending_head, ptr::null_mut());
    (*c).pending_tail = ptr::null_mut();
    while !e.is_null() {
        let next = (*e).next;
        spdk_bdev_io_complete(io_of(e), IoStatusArg(-7));
        e = next;
    }
    spdk_for_each_channel_continue(i, 0);
}

unsafe extern "C" fn abort_done(i: *mut spdk_io_channel_iter, status: c_int) {
    let io = spdk_io_channel_iter_get_ctx(i).cast::<spdk_bdev_io>();
    if status != 0 {
        spdk_log::errlog!("Failed to abort pending I/Os: {}", status);
    }
    spdk_bdev_io_complete(io, IoStatusArg(if status == 0 { 1 } else { -1 }));
}
