//! spdk_bdev_abort(): aborts every I/O of a channel submitted with a given
//! callback argument before the abort was, as SPDK does. Only bdevs whose
//! module supports SPDK_BDEV_IO_TYPE_ABORT keep the per-channel list of
//! submitted I/Os this needs (two pointer stores per I/O); others refuse
//! the abort with -ENOTSUP and pay nothing.
//!
//! The caller's abort (the parent) is not given to the module: each
//! matching I/O gets its own abort child carrying `u.abort.bio_to_abort`.
//! The parent succeeds when every child did (or its target completed in
//! the meantime), and fails when nothing matched.

use std::ffi::c_void;
use std::ptr;

use crate::core::{self, BdevChannel};
use crate::ffi::bdev::spdk_bdev_io_type::*;
use crate::ffi::bdev_module::spdk_bdev_io;

const SUCCESS: i8 = 1;
const FAILED: i8 = -1;

/// Puts a dispatched I/O on its channel's submitted list.
#[inline]
pub unsafe fn track(head: *mut *mut spdk_bdev_io, io: *mut spdk_bdev_io) {
    let i = &mut (*io).internal;
    i.tracked = 1;
    i.sub_prev = ptr::null_mut();
    i.sub_next = *head;
    if !(*head).is_null() {
        (**head).internal.sub_prev = io;
    }
    *head = io;
}

/// Takes a completed I/O off the list.
#[inline]
pub unsafe fn untrack(head: *mut *mut spdk_bdev_io, io: *mut spdk_bdev_io) {
    let i = &mut (*io).internal;
    i.tracked = 0;
    if i.sub_prev.is_null() {
        *head = i.sub_next;
    } else {
        (*i.sub_prev).internal.sub_next = i.sub_next;
    }
    if !i.sub_next.is_null() {
        (*i.sub_next).internal.sub_prev = i.sub_prev;
    }
}

unsafe fn on_list(head: *mut spdk_bdev_io, io: *mut spdk_bdev_io) -> bool {
    let mut it = head;
    while !it.is_null() {
        if it == io {
            return true;
        }
        it = (*it).internal.sub_next;
    }
    false
}

/// Starts the abort `parent` (type ABORT, `u.bdev.abort.bio_cb_arg` set,
/// counted outstanding on its channel).
pub unsafe fn start(parent: *mut spdk_bdev_io) {
    let c = (*parent).internal.ch.cast::<BdevChannel>();
    let arg = (*parent).u.bdev.abort.bio_cb_arg;
    let when = (*parent).internal.submit_tsc;
    (*parent).internal.split_outstanding = 0;
    (*parent).internal.split_failed = 0;
    let mut matched = 0u32;
    let mut nomem = false;
    let mut it = *core::submitted_list(c);
    while !it.is_null() {
        let next = (*it).internal.sub_next;
        let target = it;
        it = next;
        let ty = (*target).r#type;
        if ty == SPDK_BDEV_IO_TYPE_ABORT as u8 || ty == SPDK_BDEV_IO_TYPE_RESET as u8 {
            continue;
        }
        // A piece of a split I/O belongs to the caller's I/O, its parent.
        let owner = if (*target).internal.child != 0 {
            (*target).internal.caller_ctx.cast::<spdk_bdev_io>()
        } else {
            target
        };
        if (*owner).internal.caller_ctx != arg || (*owner).internal.submit_tsc > when {
            continue;
        }
        let child = core::alloc_io(c);
        if child.is_null() {
            nomem = true;
            break;
        }
        matched += 1;
        (*parent).internal.split_outstanding += 1;
        core::submit_abort_child(parent, child, target, child_done);
    }
    if matched > 0 {
        return;
    }
    if nomem {
        let e = &mut (*parent).internal.wait;
        e.bdev = (*parent).bdev;
        e.cb_fn = Some(retry);
        e.cb_arg = parent.cast();
        if core::queue_io_wait(core::io_channel_of(parent), e) == 0 {
            return;
        }
    }
    // Nothing to abort (or no way to): the abort fails.
    core::complete(parent, FAILED);
}

unsafe extern "C" fn retry(arg: *mut c_void) {
    start(arg.cast());
}

unsafe extern "C" fn child_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let parent = arg.cast::<spdk_bdev_io>();
    let target = (*child).u.abort.bio_to_abort;
    core::free_io(child);
    let c = (*parent).internal.ch.cast::<BdevChannel>();
    if !ok && on_list(*core::submitted_list(c), target) {
        // The target is still running: this abort did not work.
        (*parent).internal.split_failed = 1;
    }
    let i = &mut (*parent).internal;
    i.split_outstanding -= 1;
    if i.split_outstanding == 0 {
        let status = if i.split_failed != 0 { FAILED } else { SUCCESS };
        core::complete(parent, status);
    }
}
