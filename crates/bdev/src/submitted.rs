//! The I/Os a channel has in flight, in submission order, as SPDK's
//! per-channel io_submitted list: what the module holds (split children
//! included) and the parents the library holds itself (split, emulated and
//! abort parents, marked `held`). Abort, I/O timeouts, LBA range locks and
//! spdk_bdev_for_each_bdev_io walk it. Two pointer stores per I/O, no lock.

use std::ptr;

use crate::ffi::bdev_module::spdk_bdev_io;

/// Head and tail of a channel's list.
pub struct List {
    pub head: *mut spdk_bdev_io,
    tail: *mut spdk_bdev_io,
}

impl List {
    pub const fn new() -> List {
        List {
            head: ptr::null_mut(),
            tail: ptr::null_mut(),
        }
    }
}

impl Default for List {
    fn default() -> Self {
        Self::new()
    }
}

/// Appends `io`.
#[inline]
pub unsafe fn push(l: *mut List, io: *mut spdk_bdev_io) {
    let i = &mut (*io).internal;
    i.tracked = 1;
    i.sub_next = ptr::null_mut();
    i.sub_prev = (*l).tail;
    if (*l).tail.is_null() {
        (*l).head = io;
    } else {
        (*(*l).tail).internal.sub_next = io;
    }
    (*l).tail = io;
}

/// Takes `io` off the list.
#[inline]
pub unsafe fn remove(l: *mut List, io: *mut spdk_bdev_io) {
    let i = &mut (*io).internal;
    i.tracked = 0;
    if i.sub_prev.is_null() {
        (*l).head = i.sub_next;
    } else {
        (*i.sub_prev).internal.sub_next = i.sub_next;
    }
    if i.sub_next.is_null() {
        (*l).tail = i.sub_prev;
    } else {
        (*i.sub_next).internal.sub_prev = i.sub_prev;
    }
}

/// Whether `io` is on the list.
pub unsafe fn contains(l: *const List, io: *mut spdk_bdev_io) -> bool {
    let mut it = (*l).head;
    while !it.is_null() {
        if it == io {
            return true;
        }
        it = (*it).internal.sub_next;
    }
    false
}

/// The I/Os on the list now (control paths only: it allocates).
pub unsafe fn snapshot(l: *const List) -> Vec<*mut spdk_bdev_io> {
    let mut out = Vec::new();
    let mut it = (*l).head;
    while !it.is_null() {
        out.push(it);
        it = (*it).internal.sub_next;
    }
    out
}
