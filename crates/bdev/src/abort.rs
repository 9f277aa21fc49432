//! spdk_bdev_abort(): aborts every I/O of a channel submitted with a given
//! callback argument before the abort was, as SPDK does, found on the
//! channel's list of submitted I/Os. Bdevs whose module cannot abort
//! refuse it with -ENOTSUP.
//!
//! The caller's abort (the parent) is not given to the module: each
//! matching I/O gets its own abort child carrying `u.abort.bio_to_abort`.
//! The parent succeeds when every child did (or its target completed in
//! the meantime), and fails when nothing matched.

use std::ffi::c_void;

use crate::core::{self, BdevChannel};
use crate::ffi::bdev::spdk_bdev_io_type::*;
use crate::ffi::bdev_module::spdk_bdev_io;

const SUCCESS: i8 = 1;
const FAILED: i8 = -1;

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
    let mut it = (*core::submitted_list(c)).head;
    while !it.is_null() {
        let next = (*it).internal.sub_next;
        let target = it;
        it = next;
        let ty = (*target).r#type;
        // What the library holds itself is aborted through its children.
        if ty == SPDK_BDEV_IO_TYPE_ABORT as u8
            || ty == SPDK_BDEV_IO_TYPE_RESET as u8
            || (*target).internal.held != 0
        {
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
    if !ok && crate::submitted::contains(core::submitted_list(c), target) {
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
