//! LBA range locks, as SPDK's: a lock is copied into every channel of the
//! bdev, where new overlapping I/O is held back; it is granted once the
//! overlapping I/O each channel had in flight has drained. Overlapping
//! locks wait their turn. Writes (and, for a quiesce, reads too) are held
//! back; I/O of the lock's owner — its channel and callback argument — passes.
//!
//! Users: spdk_bdev_quiesce/_range (the bdev's module, all I/O), and the
//! emulation of compare-and-write (lock, compare, write, unlock) for bdevs
//! whose module cannot do it. The checks on the I/O path are one load per
//! I/O while no range is locked; taking a lock allocates (as SPDK's does).

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_thread::ffi::thread::{
    spdk_get_io_channel, spdk_get_thread, spdk_io_channel, spdk_poller, spdk_poller_register,
    spdk_poller_unregister, spdk_put_io_channel, spdk_thread, spdk_thread_send_msg,
};

use crate::core::{self, BdevChannel};
use crate::ffi::bdev::spdk_bdev_channel_iter;
use crate::ffi::bdev::spdk_bdev_io_type::*;
use crate::ffi::bdev_module::{spdk_bdev, spdk_bdev_io, spdk_bdev_module};
use crate::iter;

const FIRST_FUSED_FAILED: i8 = -6;
const MISCOMPARE: i8 = -5;
const FAILED: i8 = -1;
const SUCCESS: i8 = 1;

/// A channel's copy of a locked range.
#[derive(Clone, Copy)]
pub struct ChRange {
    offset: u64,
    length: u64,
    locked_ctx: *mut c_void,
    /// The owner's channel once the lock is granted (NULL before, and for
    /// quiesce locks, which nobody passes).
    owner: *mut BdevChannel,
    quiesce: bool,
}

/// Per channel: its copies of the locked ranges and the I/O they hold back.
pub struct ChannelLocks {
    pub ranges: Vec<ChRange>,
    held_head: *mut spdk_bdev_io,
    held_tail: *mut spdk_bdev_io,
}

impl ChannelLocks {
    pub const fn new() -> ChannelLocks {
        ChannelLocks {
            ranges: Vec::new(),
            held_head: ptr::null_mut(),
            held_tail: ptr::null_mut(),
        }
    }
}

impl Default for ChannelLocks {
    fn default() -> Self {
        Self::new()
    }
}

/// What to do when a lock or unlock is done.
#[derive(Clone, Copy)]
enum Then {
    /// A compare-and-write may go on (lock) or complete (unlock).
    Caw(*mut spdk_bdev_io),
    /// spdk_bdev_quiesce*/unquiesce* callbacks.
    Quiesce(Option<QuiesceCb>, *mut c_void),
}

/// spdk_bdev_quiesce_cb.
pub type QuiesceCb = unsafe extern "C" fn(*mut c_void, c_int);

/// One lock, from its request until it is unlocked.
pub struct Lock {
    bdev: *mut spdk_bdev,
    offset: u64,
    length: u64,
    owner_ch: *mut BdevChannel,
    owner_thread: *mut spdk_thread,
    locked_ctx: *mut c_void,
    quiesce: bool,
    then: Then,
    /// While draining one channel: its iterator, channel and poller, and a
    /// reference that keeps the channel alive meanwhile.
    iter: *mut spdk_bdev_channel_iter,
    cur: *mut BdevChannel,
    poller: *mut spdk_poller,
    ch_ref: *mut spdk_io_channel,
}

/// A bdev's locks: granted (or being granted), waiting, and quiesced.
#[derive(Default)]
pub struct BdevLocks {
    locked: Vec<*mut Lock>,
    pending: Vec<*mut Lock>,
    quiesced: Vec<*mut Lock>,
}

fn overlaps(a_off: u64, a_len: u64, b_off: u64, b_len: u64) -> bool {
    a_len != 0
        && b_len != 0
        && a_off < b_off.saturating_add(b_len)
        && b_off < a_off.saturating_add(a_len)
}

unsafe fn overlaps_any(l: *const Lock, list: &[*mut Lock]) -> bool {
    list.iter()
        .any(|&o| overlaps((*l).offset, (*l).length, (*o).offset, (*o).length))
}

/// Whether channel `c`'s range `r` holds `io` back (SPDK's rules).
unsafe fn blocks(c: *mut BdevChannel, io: *mut spdk_bdev_io, r: &ChRange) -> bool {
    let ty = (*io).r#type;
    if ty == SPDK_BDEV_IO_TYPE_NVME_IO as u8 || ty == SPDK_BDEV_IO_TYPE_NVME_IO_MD as u8 {
        return true;
    }
    let covered = (ty == SPDK_BDEV_IO_TYPE_READ as u8 && r.quiesce)
        || ty == SPDK_BDEV_IO_TYPE_WRITE as u8
        || ty == SPDK_BDEV_IO_TYPE_WRITE_UNCORRECTABLE as u8
        || ty == SPDK_BDEV_IO_TYPE_UNMAP as u8
        || ty == SPDK_BDEV_IO_TYPE_WRITE_ZEROES as u8
        || ty == SPDK_BDEV_IO_TYPE_ZCOPY as u8
        || ty == SPDK_BDEV_IO_TYPE_COPY as u8;
    if !covered {
        return false;
    }
    let p = &(*io).u.bdev;
    if !overlaps(r.offset, r.length, p.offset_blocks, p.num_blocks) {
        return false;
    }
    !(r.owner == c && r.locked_ctx == (*io).internal.caller_ctx)
}

/// On submission: holds `io` back if a locked range covers it.
#[cold]
pub unsafe fn held_back(c: *mut BdevChannel, io: *mut spdk_bdev_io) -> bool {
    let l = &mut (*c).locks;
    if !l.ranges.iter().any(|r| blocks(c, io, r)) {
        return false;
    }
    (*io).internal.next = ptr::null_mut();
    if l.held_tail.is_null() {
        l.held_head = io;
    } else {
        (*l.held_tail).internal.next = io;
    }
    l.held_tail = io;
    true
}

/// A new channel inherits the bdev's locked ranges.
pub unsafe fn channel_created(c: *mut BdevChannel) {
    let Some(st) = core::state(core::channel_bdev(c)) else {
        return;
    };
    let g = core::lock(&st.locks);
    for &l in &g.locked {
        (*c).locks.ranges.push(ChRange {
            offset: (*l).offset,
            length: (*l).length,
            locked_ctx: (*l).locked_ctx,
            owner: ptr::null_mut(),
            quiesce: (*l).quiesce,
        });
    }
}

/// A channel going away fails the I/O it held back.
pub unsafe fn channel_destroyed(c: *mut BdevChannel) {
    let mut io = std::mem::replace(&mut (*c).locks.held_head, ptr::null_mut());
    (*c).locks.held_tail = ptr::null_mut();
    while !io.is_null() {
        let next = (*io).internal.next;
        core::fail_unstarted(c, io);
        io = next;
    }
    ptr::drop_in_place(ptr::addr_of_mut!((*c).locks));
}

// ---- locking ----

unsafe fn lock(
    bdev: *mut spdk_bdev,
    owner_ch: *mut BdevChannel,
    offset: u64,
    length: u64,
    locked_ctx: *mut c_void,
    then: Then,
) {
    let l = Box::into_raw(Box::new(Lock {
        bdev,
        offset,
        length,
        owner_ch,
        owner_thread: spdk_get_thread(),
        locked_ctx,
        quiesce: owner_ch.is_null(),
        then,
        iter: ptr::null_mut(),
        cur: ptr::null_mut(),
        poller: ptr::null_mut(),
        ch_ref: ptr::null_mut(),
    }));
    if locked_ctx.is_null() {
        // A quiesce: the lock itself is its unique token.
        (*l).locked_ctx = l.cast();
    }
    let Some(st) = core::state(bdev) else {
        finish_lock(l, -libc::ENODEV);
        return;
    };
    let now = {
        let mut g = core::lock(&st.locks);
        if overlaps_any(l, &g.locked) {
            g.pending.push(l);
            false
        } else {
            g.locked.push(l);
            true
        }
    };
    if now {
        iter::for_each_channel(bdev, lock_channel, l.cast(), lock_done);
    }
}

unsafe extern "C" fn lock_channel(
    i: *mut spdk_bdev_channel_iter,
    _bdev: *mut spdk_bdev,
    ch: *mut spdk_io_channel,
    ctx: *mut c_void,
) {
    let l = ctx.cast::<Lock>();
    let c = core::bdev_channel_of(ch);
    let same = |r: &ChRange| {
        r.offset == (*l).offset && r.length == (*l).length && r.locked_ctx == (*l).locked_ctx
    };
    if (*c).locks.ranges.iter().any(same) {
        // A channel created meanwhile got the range before any I/O.
        iter::next(i, 0);
        return;
    }
    (*c).locks.ranges.push(ChRange {
        offset: (*l).offset,
        length: (*l).length,
        locked_ctx: (*l).locked_ctx,
        owner: ptr::null_mut(),
        quiesce: (*l).quiesce,
    });
    (*l).iter = i;
    (*l).cur = c;
    drain_check(l.cast());
}

/// Waits (polling) until no I/O in flight on the current channel
/// overlaps the range, then moves on.
unsafe extern "C" fn drain_check(arg: *mut c_void) -> c_int {
    let l = arg.cast::<Lock>();
    if !(*l).poller.is_null() {
        spdk_poller_unregister(&mut (*l).poller);
    }
    let c = (*l).cur;
    let r = ChRange {
        offset: (*l).offset,
        length: (*l).length,
        locked_ctx: (*l).locked_ctx,
        owner: ptr::null_mut(),
        quiesce: (*l).quiesce,
    };
    let mut it = (*core::submitted_list(c)).head;
    while !it.is_null() {
        if blocks(c, it, &r) {
            if (*l).ch_ref.is_null() {
                (*l).ch_ref = spdk_get_io_channel(core::io_device((*l).bdev));
            }
            (*l).poller = spdk_poller_register(Some(drain_check), l.cast(), 100);
            return 1;
        }
        it = (*it).internal.sub_next;
    }
    if !(*l).ch_ref.is_null() {
        spdk_put_io_channel((*l).ch_ref);
        (*l).ch_ref = ptr::null_mut();
    }
    iter::next((*l).iter, 0);
    1
}

unsafe extern "C" fn lock_done(_bdev: *mut spdk_bdev, ctx: *mut c_void, status: c_int) {
    let l = ctx.cast::<Lock>();
    let oc = (*l).owner_ch;
    if !oc.is_null() {
        // On the owner's thread: its own I/O may pass now.
        for r in (*oc).locks.ranges.iter_mut() {
            if r.offset == (*l).offset && r.length == (*l).length && r.locked_ctx == (*l).locked_ctx
            {
                r.owner = oc;
            }
        }
    }
    finish_lock(l, status);
}

unsafe fn finish_lock(l: *mut Lock, status: c_int) {
    if status != 0 {
        // Not granted (the bdev went away): forget it.
        if let Some(st) = core::state((*l).bdev) {
            core::lock(&st.locks).locked.retain(|&o| o != l);
        }
        let then = (*l).then;
        drop(Box::from_raw(l));
        match then {
            Then::Caw(io) => caw_locked(io, status),
            Then::Quiesce(cb, arg) => {
                if let Some(f) = cb {
                    f(arg, status);
                }
            }
        }
        return;
    }
    match (*l).then {
        Then::Caw(io) => caw_locked(io, status),
        Then::Quiesce(cb, arg) => {
            if let Some(st) = core::state((*l).bdev) {
                core::lock(&st.locks).quiesced.push(l);
            }
            if let Some(f) = cb {
                f(arg, status);
            }
        }
    }
}

unsafe extern "C" fn start_pending(arg: *mut c_void) {
    let l = arg.cast::<Lock>();
    iter::for_each_channel((*l).bdev, lock_channel, l.cast(), lock_done);
}

// ---- unlocking ----

/// Unlocks the granted lock of `bdev` on exactly this range whose token
/// is `locked_ctx`; -EINVAL when there is none.
unsafe fn unlock(
    bdev: *mut spdk_bdev,
    offset: u64,
    length: u64,
    locked_ctx: *mut c_void,
    then: Then,
) -> c_int {
    let Some(st) = core::state(bdev) else {
        return -libc::ENODEV;
    };
    let l = {
        let mut g = core::lock(&st.locks);
        let found = g.locked.iter().position(|&l| {
            (*l).offset == offset && (*l).length == length && (*l).locked_ctx == locked_ctx
        });
        match found {
            Some(k) => g.locked.remove(k),
            None => return -libc::EINVAL,
        }
    };
    (*l).then = then;
    iter::for_each_channel(bdev, unlock_channel, l.cast(), unlock_done);
    0
}

unsafe extern "C" fn unlock_channel(
    i: *mut spdk_bdev_channel_iter,
    _bdev: *mut spdk_bdev,
    ch: *mut spdk_io_channel,
    ctx: *mut c_void,
) {
    let l = ctx.cast::<Lock>();
    let c = core::bdev_channel_of(ch);
    let ranges = &mut (*c).locks.ranges;
    if let Some(k) = ranges.iter().position(|r| {
        r.offset == (*l).offset && r.length == (*l).length && r.locked_ctx == (*l).locked_ctx
    }) {
        ranges.remove(k);
    }
    release_held(c);
    iter::next(i, 0);
}

/// Submits again what the channel held back (what is still covered by
/// another range goes back to waiting).
unsafe fn release_held(c: *mut BdevChannel) {
    let mut io = std::mem::replace(&mut (*c).locks.held_head, ptr::null_mut());
    (*c).locks.held_tail = ptr::null_mut();
    while !io.is_null() {
        let next = (*io).internal.next;
        if !held_back(c, io) {
            core::resume(c, io);
        }
        io = next;
    }
}

unsafe extern "C" fn unlock_done(bdev: *mut spdk_bdev, ctx: *mut c_void, status: c_int) {
    let l = Box::from_raw(ctx.cast::<Lock>());
    let mut start = Vec::new();
    if let Some(st) = core::state(bdev) {
        let mut g = core::lock(&st.locks);
        let mut k = 0;
        while k < g.pending.len() {
            let p = g.pending[k];
            if overlaps((*p).offset, (*p).length, l.offset, l.length) && !overlaps_any(p, &g.locked)
            {
                g.pending.remove(k);
                g.locked.push(p);
                start.push(p);
            } else {
                k += 1;
            }
        }
    }
    for p in start {
        spdk_thread_send_msg((*p).owner_thread, Some(start_pending), p.cast());
    }
    match l.then {
        Then::Caw(io) => {
            if status != 0 {
                spdk_log::errlog!("LBA range unlock failed");
            }
            let s = (*io).internal.status;
            core::complete(io, s);
        }
        Then::Quiesce(cb, arg) => {
            if let Some(f) = cb {
                f(arg, status);
            }
        }
    }
}

// ---- quiesce ----

/// spdk_bdev_quiesce_range() / spdk_bdev_unquiesce_range().
pub unsafe fn quiesce(
    bdev: *mut spdk_bdev,
    module: *mut spdk_bdev_module,
    offset: u64,
    length: u64,
    cb: Option<QuiesceCb>,
    arg: *mut c_void,
    unquiesce: bool,
) -> c_int {
    if module != (*bdev).module {
        spdk_log::errlog!("Bdev does not belong to specified module.");
        return -libc::EINVAL;
    }
    match offset.checked_add(length) {
        Some(end) if end <= (*bdev).blockcnt => {}
        _ => return -libc::EINVAL,
    }
    let Some(st) = core::state(bdev) else {
        return -libc::ENODEV;
    };
    if core::removing_unopened(bdev) {
        return -libc::ENODEV;
    }
    if !unquiesce {
        lock(
            bdev,
            ptr::null_mut(),
            offset,
            length,
            ptr::null_mut(),
            Then::Quiesce(cb, arg),
        );
        return 0;
    }
    let l = {
        let mut g = core::lock(&st.locks);
        let found = g
            .quiesced
            .iter()
            .position(|&l| (*l).offset == offset && (*l).length == length);
        match found {
            Some(k) => g.quiesced.remove(k),
            None => {
                spdk_log::errlog!("The range to unquiesce was not found.");
                return -libc::EINVAL;
            }
        }
    };
    unlock(
        bdev,
        offset,
        length,
        (*l).locked_ctx,
        Then::Quiesce(cb, arg),
    )
}

// ---- compare-and-write emulation ----

/// Takes over a compare-and-write the module cannot do: lock the range,
/// compare, write, unlock.
pub unsafe fn compare_and_write(io: *mut spdk_bdev_io) {
    let p = &(*io).u.bdev;
    let c = (*io).internal.ch.cast::<BdevChannel>();
    lock(
        (*io).bdev,
        c,
        p.offset_blocks,
        p.num_blocks,
        io.cast(),
        Then::Caw(io),
    );
}

unsafe fn caw_locked(io: *mut spdk_bdev_io, status: c_int) {
    if status != 0 {
        core::complete(io, FIRST_FUSED_FAILED);
        return;
    }
    caw_compare(io.cast());
}

/// Retries `step` when a bdev_io is free again.
unsafe fn caw_wait(io: *mut spdk_bdev_io, step: unsafe extern "C" fn(*mut c_void)) {
    let e = &mut (*io).internal.wait;
    e.bdev = (*io).bdev;
    e.cb_fn = Some(step);
    e.cb_arg = io.cast();
    if core::queue_io_wait(core::io_channel_of(io), e) != 0 {
        caw_unlock(io, FAILED);
    }
}

unsafe extern "C" fn caw_compare(arg: *mut c_void) {
    let io = arg.cast::<spdk_bdev_io>();
    let p = &(*io).u.bdev;
    let rc = crate::ffi::bdev::spdk_bdev_comparev_blocks(
        core::desc_of(io),
        core::io_channel_of(io),
        p.iovs,
        p.iovcnt,
        p.offset_blocks,
        p.num_blocks,
        Some(caw_compare_done),
        io.cast(),
    );
    if rc == -libc::ENOMEM {
        caw_wait(io, caw_compare);
    } else if rc != 0 {
        caw_unlock(io, FIRST_FUSED_FAILED);
    }
}

unsafe extern "C" fn caw_compare_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let io = arg.cast::<spdk_bdev_io>();
    crate::ffi::bdev::spdk_bdev_free_io(child);
    if !ok {
        caw_unlock(io, MISCOMPARE);
        return;
    }
    caw_write(io.cast());
}

unsafe extern "C" fn caw_write(arg: *mut c_void) {
    let io = arg.cast::<spdk_bdev_io>();
    let p = &(*io).u.bdev;
    let rc = crate::ffi::bdev::spdk_bdev_writev_blocks(
        core::desc_of(io),
        core::io_channel_of(io),
        p.fused_iovs,
        p.fused_iovcnt,
        p.offset_blocks,
        p.num_blocks,
        Some(caw_write_done),
        io.cast(),
    );
    if rc == -libc::ENOMEM {
        caw_wait(io, caw_write);
    } else if rc != 0 {
        caw_unlock(io, FAILED);
    }
}

unsafe extern "C" fn caw_write_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let io = arg.cast::<spdk_bdev_io>();
    crate::ffi::bdev::spdk_bdev_free_io(child);
    if !ok {
        spdk_log::errlog!("Compare and write operation failed");
    }
    caw_unlock(io, if ok { SUCCESS } else { FAILED });
}

/// Unlocks the range; the I/O completes with `status` after.
unsafe fn caw_unlock(io: *mut spdk_bdev_io, status: i8) {
    (*io).internal.status = status;
    let p = &(*io).u.bdev;
    if unlock(
        (*io).bdev,
        p.offset_blocks,
        p.num_blocks,
        io.cast(),
        Then::Caw(io),
    ) != 0
    {
        spdk_log::errlog!("LBA range unlock failed");
        core::complete(io, status);
    }
}
