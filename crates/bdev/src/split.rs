//! Splitting of I/Os the module cannot take whole: reads and writes that
//! cross the bdev's optimal I/O boundary (when it asks for splitting there)
//! or its write unit, or that exceed `max_rw_size`, `max_segment_size` or
//! `max_num_segments`; unmap, write_zeroes and copy beyond `max_unmap`,
//! `max_write_zeroes` and `max_copy`.
//!
//! The caller's I/O (the parent) is not submitted to the module; children
//! are, from the same pool and channel, each covering one piece. Children's
//! iovecs are slices of the parent's `child_iov` array: when its slots run
//! out, submission pauses until the children in flight complete. A parent
//! with no child in flight that cannot get a bdev_io waits with
//! spdk_bdev_queue_io_wait. The parent completes, on its thread, once every
//! child has; it fails if any child failed.

use std::ffi::c_void;
use std::ptr;

use ::spdk_thread::ffi::thread::spdk_io_channel;
use libc::iovec;

use crate::core::{self, BdevChannel};
use crate::ffi::bdev::spdk_bdev_io_type::{self, *};
use crate::ffi::bdev_module::{
    spdk_bdev, spdk_bdev_io, BDEV_FLAG_SPLIT_ON_OPTIMAL_IO_BOUNDARY, BDEV_FLAG_SPLIT_ON_WRITE_UNIT,
};

const SLOTS: u32 = 32;

/// Whether the bdev has any limit that can make a read or write split
/// (one load and test on the I/O path for bdevs without limits).
#[inline]
pub fn rw_limited(b: &spdk_bdev) -> bool {
    (b.optimal_io_boundary | b.max_rw_size | b.max_segment_size | b.max_num_segments) != 0
        || b.flags & BDEV_FLAG_SPLIT_ON_WRITE_UNIT != 0
}

/// The blocks from `offset` to the end of its `unit`-block stripe.
#[inline]
fn to_boundary(offset: u64, unit: u64) -> u64 {
    unit - offset % unit
}

/// The most blocks one child of a read/write at `offset` may cover.
fn rw_child_blocks(b: &spdk_bdev, ty: u8, offset: u64) -> u64 {
    let mut n = u64::MAX;
    if b.flags & BDEV_FLAG_SPLIT_ON_OPTIMAL_IO_BOUNDARY != 0 && b.optimal_io_boundary != 0 {
        n = to_boundary(offset, b.optimal_io_boundary as u64);
    }
    if ty == SPDK_BDEV_IO_TYPE_WRITE as u8
        && b.flags & BDEV_FLAG_SPLIT_ON_WRITE_UNIT != 0
        && b.write_unit_size > 1
    {
        n = n.min(b.write_unit_size as u64);
    }
    if b.max_rw_size != 0 {
        n = n.min(b.max_rw_size as u64);
    }
    n
}

/// The most blocks one child of a block-only I/O may cover (0: no limit).
fn range_limit(b: &spdk_bdev, ty: spdk_bdev_io_type) -> u64 {
    match ty {
        SPDK_BDEV_IO_TYPE_UNMAP => b.max_unmap as u64 * (b.max_unmap_segments.max(1) as u64),
        SPDK_BDEV_IO_TYPE_WRITE_ZEROES => b.max_write_zeroes as u64,
        SPDK_BDEV_IO_TYPE_COPY => b.max_copy as u64,
        _ => 0,
    }
}

/// Whether `io` (set up, not yet submitted) must be split, and the reason
/// it is invalid if it cannot be done at all.
pub unsafe fn needed(io: *mut spdk_bdev_io) -> Result<bool, i32> {
    let b = &*(*io).bdev;
    let p = &(*io).u.bdev;
    let ty = (*io).r#type;
    if ty == SPDK_BDEV_IO_TYPE_READ as u8 || ty == SPDK_BDEV_IO_TYPE_WRITE as u8 {
        if !rw_limited(b) {
            return Ok(false);
        }
        if ty == SPDK_BDEV_IO_TYPE_WRITE as u8
            && b.flags & BDEV_FLAG_SPLIT_ON_WRITE_UNIT != 0
            && b.write_unit_size > 1
        {
            let u = b.write_unit_size as u64;
            if !p.offset_blocks.is_multiple_of(u) || !p.num_blocks.is_multiple_of(u) {
                return Err(-libc::EINVAL);
            }
        }
        if p.num_blocks > rw_child_blocks(b, ty, p.offset_blocks) {
            return Ok(true);
        }
        if b.max_num_segments != 0 && p.iovcnt as u32 > b.max_num_segments {
            return Ok(true);
        }
        if b.max_segment_size != 0 && p.iovcnt > 0 {
            let iovs = std::slice::from_raw_parts(p.iovs, p.iovcnt as usize);
            return Ok(iovs.iter().any(|v| v.iov_len > b.max_segment_size as usize));
        }
        return Ok(false);
    }
    let limit = match ty {
        x if x == SPDK_BDEV_IO_TYPE_UNMAP as u8 => range_limit(b, SPDK_BDEV_IO_TYPE_UNMAP),
        x if x == SPDK_BDEV_IO_TYPE_WRITE_ZEROES as u8 => {
            range_limit(b, SPDK_BDEV_IO_TYPE_WRITE_ZEROES)
        }
        x if x == SPDK_BDEV_IO_TYPE_COPY as u8 => range_limit(b, SPDK_BDEV_IO_TYPE_COPY),
        _ => 0,
    };
    Ok(limit != 0 && p.num_blocks > limit)
}

/// Takes over a parent I/O that `needed` said must be split.
pub unsafe fn start(parent: *mut spdk_bdev_io) {
    let i = &mut (*parent).internal;
    let p = &(*parent).u.bdev;
    i.split_offset = p.offset_blocks;
    i.split_remaining = p.num_blocks;
    i.split_iov_idx = 0;
    i.split_iov_off = 0;
    i.split_outstanding = 0;
    i.split_iov_used = 0;
    i.split_failed = 0;
    let ty = (*parent).r#type;
    let is_read = ty == SPDK_BDEV_IO_TYPE_READ as u8;
    if is_read && (p.iovcnt == 0 || (*p.iovs).iov_base.is_null()) {
        // Children need the data buffer the module would have got.
        let len = p.num_blocks * (*(*parent).bdev).blocklen as u64;
        core::get_buf(parent, Some(buf_ready), len);
        return;
    }
    submit_children(parent);
}

unsafe extern "C" fn buf_ready(_ch: *mut spdk_io_channel, parent: *mut spdk_bdev_io, ok: bool) {
    if !ok {
        (*parent).internal.split_failed = 1;
        core::complete_now(parent, false);
        return;
    }
    submit_children(parent);
}

/// Builds the iovecs of one read/write child in the parent's free
/// child_iov slots, advancing the parent's cursor; returns the child's
/// (first slot, slot count, blocks), or None when the slots ran out.
unsafe fn carve_rw(parent: *mut spdk_bdev_io) -> Result<Option<(u32, u32, u64)>, ()> {
    let b = &*(*parent).bdev;
    let bs = b.blocklen as u64;
    let i = &(*parent).internal;
    let p = &(*parent).u.bdev;
    let blocks = rw_child_blocks(b, (*parent).r#type, i.split_offset).min(i.split_remaining);
    let want = blocks * bs;
    let first = i.split_iov_used;
    let mut room = SLOTS - first;
    if b.max_num_segments != 0 {
        room = room.min(b.max_num_segments);
    }
    let max_seg = if b.max_segment_size != 0 {
        b.max_segment_size as u64
    } else {
        u64::MAX
    };
    let iovs = std::slice::from_raw_parts(p.iovs, p.iovcnt as usize);
    let (mut idx, mut off) = (i.split_iov_idx as usize, i.split_iov_off);
    let mut n = 0u32;
    let mut got = 0u64;
    while got < want && n < room && idx < iovs.len() {
        let avail = iovs[idx].iov_len as u64 - off;
        let take = avail.min(want - got).min(max_seg);
        if take > 0 {
            (*parent).child_iov[(first + n) as usize] = iovec {
                iov_base: iovs[idx].iov_base.cast::<u8>().add(off as usize).cast(),
                iov_len: take as usize,
            };
            n += 1;
            got += take;
            off += take;
        }
        if off == iovs[idx].iov_len as u64 {
            idx += 1;
            off = 0;
        }
    }
    if got < want && n < room {
        // The caller's buffers are shorter than the I/O.
        return Err(());
    }
    // Out of slots: keep whole blocks only, giving the rest back.
    let mut trim = got % bs;
    got -= trim;
    while trim > 0 {
        let last = &mut (*parent).child_iov[(first + n - 1) as usize];
        let t = trim.min(last.iov_len as u64);
        last.iov_len -= t as usize;
        if last.iov_len == 0 {
            n -= 1;
        }
        trim -= t;
        // Step the cursor back by t bytes.
        let mut back = t;
        while back > 0 {
            if off == 0 {
                idx -= 1;
                off = iovs[idx].iov_len as u64;
            }
            let d = back.min(off);
            off -= d;
            back -= d;
        }
    }
    if got == 0 {
        return if first == 0 { Err(()) } else { Ok(None) };
    }
    let i = &mut (*parent).internal;
    i.split_iov_idx = idx as u32;
    i.split_iov_off = off;
    i.split_iov_used = first + n;
    Ok(Some((first, n, got / bs)))
}

/// Submits children until the parent is covered, the slots or the
/// bdev_io run out, or a child fails to start.
unsafe fn submit_children(parent: *mut spdk_bdev_io) {
    let ty = (*parent).r#type;
    let is_rw = ty == SPDK_BDEV_IO_TYPE_READ as u8 || ty == SPDK_BDEV_IO_TYPE_WRITE as u8;
    while (*parent).internal.split_remaining > 0 && (*parent).internal.split_failed == 0 {
        let c = (*parent).internal.ch.cast::<BdevChannel>();
        let child = core::alloc_io(c);
        if child.is_null() {
            if (*parent).internal.split_outstanding == 0 {
                wait_for_io(parent);
            }
            return;
        }
        let offset = (*parent).internal.split_offset;
        let (iovs, iovcnt, blocks) = if is_rw {
            match carve_rw(parent) {
                Ok(Some((first, n, blocks))) => (
                    ptr::addr_of_mut!((*parent).child_iov[first as usize]),
                    n as i32,
                    blocks,
                ),
                Ok(None) => {
                    core::release_unused(c, child);
                    return; // resumes when the children in flight are done
                }
                Err(()) => {
                    core::release_unused(c, child);
                    (*parent).internal.split_failed = 1;
                    break;
                }
            }
        } else {
            let ty = std::mem::transmute::<u32, spdk_bdev_io_type>(ty as u32);
            let limit = range_limit(&*(*parent).bdev, ty);
            (
                ptr::null_mut(),
                0,
                limit.min((*parent).internal.split_remaining),
            )
        };
        let i = &mut (*parent).internal;
        i.split_offset += blocks;
        i.split_remaining -= blocks;
        i.split_outstanding += 1;
        core::submit_child(parent, child, offset, blocks, iovs, iovcnt, child_done);
    }
    if (*parent).internal.split_outstanding == 0 {
        let ok = (*parent).internal.split_failed == 0;
        core::complete_now(parent, ok);
    }
}

unsafe extern "C" fn child_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let parent = arg.cast::<spdk_bdev_io>();
    if !ok {
        let (pi, ci) = (&mut (*parent).internal, &(*child).internal);
        pi.split_failed = 1;
        pi.err_cdw0 = ci.err_cdw0;
        pi.err_sct = ci.err_sct;
        pi.err_sc = ci.err_sc;
        pi.err_aio = ci.err_aio;
    }
    core::free_io(child);
    let i = &mut (*parent).internal;
    i.split_outstanding -= 1;
    if i.split_outstanding == 0 {
        // Every slot is free again.
        i.split_iov_used = 0;
        submit_children(parent);
    }
}

unsafe fn wait_for_io(parent: *mut spdk_bdev_io) {
    let e = &mut (*parent).internal.wait;
    e.bdev = (*parent).bdev;
    e.cb_fn = Some(io_available);
    e.cb_arg = parent.cast();
    let ch = core::io_channel_of(parent);
    if core::queue_io_wait(ch, e) != 0 {
        (*parent).internal.split_failed = 1;
        core::complete_now(parent, false);
    }
}

unsafe extern "C" fn io_available(arg: *mut c_void) {
    submit_children(arg.cast());
}
