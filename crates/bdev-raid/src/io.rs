//! The raid bdev's I/O path: the per-I/O context (in the bdev_io's
//! driver_ctx, so nothing is allocated per I/O), submission of child I/Os
//! on the bases with -ENOMEM waits, and fan-out requests (reset, flush,
//! unmap, raid1 writes) whose parent completes when every part has.

use std::ffi::{c_int, c_void};
use std::ptr;

use ::spdk_bdev::ffi::bdev::{
    spdk_bdev_flush_blocks, spdk_bdev_free_io, spdk_bdev_io_type, spdk_bdev_io_type_supported,
    spdk_bdev_io_wait_entry, spdk_bdev_queue_io_wait, spdk_bdev_readv_blocks, spdk_bdev_reset,
    spdk_bdev_unmap_blocks, spdk_bdev_writev_blocks, IoTypeArg,
};
use ::spdk_bdev::ffi::bdev_module::{
    spdk_bdev_io, spdk_bdev_io_complete, spdk_bdev_io_from_ctx, spdk_bdev_io_get_buf, IoStatusArg,
};
use ::spdk_thread::ffi::thread::spdk_io_channel;
use libc::iovec;

use crate::channel::{self, RaidChannel};
use crate::raid::{Level, RaidBdev};
use crate::{base, concat, raid0, raid1, split};

pub const SUCCESS: i8 = 1;
pub const FAILED: i8 = -1;

pub const READ: u8 = spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_READ as u8;
pub const WRITE: u8 = spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_WRITE as u8;
pub const UNMAP: u8 = spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_UNMAP as u8;
pub const FLUSH: u8 = spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_FLUSH as u8;
pub const RESET: u8 = spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_RESET as u8;

/// Child iovec room of one I/O split over strips (reused wave by wave).
pub const SCRATCH: usize = 16;

/// How the parts of a fan-out request map to base bdevs.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Plan {
    /// Part k: base k, the whole range (mirrors, reset).
    Each,
    /// raid0 ranges without data.
    Raid0,
    /// concat ranges without data.
    Concat,
}

/// Per-I/O state (driver_ctx of the raid bdev's spdk_bdev_io).
#[repr(C)]
pub struct RaidIo {
    pub raid: *mut RaidBdev,
    pub ch: *mut RaidChannel,
    pub ty: u8,
    pub offset: u64,
    pub num: u64,
    pub iovs: *mut iovec,
    pub iovcnt: c_int,
    // Fan-out requests.
    pub plan: Plan,
    pub parts: u32,
    pub submitted: u32,
    pub remaining: u32,
    pub status: i8,
    pub default_status: i8,
    /// Status of a part whose base is missing.
    pub missing_status: i8,
    // Requests split over strips (split.rs).
    pub pos: u64,
    pub iov_idx: usize,
    pub iov_off: usize,
    pub in_flight: u32,
    pub used: usize,
    pub failed: bool,
    pub submitting: bool,
    pub waiting: bool,
    // raid1 reads.
    pub read_slot: usize,
    pub next_try: usize,
    pub wait: spdk_bdev_io_wait_entry,
    pub scratch: [iovec; SCRATCH],
}

pub unsafe extern "C" fn ctx_size() -> c_int {
    std::mem::size_of::<RaidIo>() as c_int
}

#[inline]
pub unsafe fn of(bdev_io: *mut spdk_bdev_io) -> *mut RaidIo {
    (*bdev_io).driver_ctx.as_mut_ptr().cast()
}

#[inline]
pub unsafe fn bdev_io_of(io: *mut RaidIo) -> *mut spdk_bdev_io {
    spdk_bdev_io_from_ctx(io.cast())
}

#[inline]
pub unsafe fn raid_of<'a>(io: *mut RaidIo) -> &'a RaidBdev {
    &*(*io).raid
}

/// Completes the parent I/O; `io` is gone afterwards.
#[inline]
pub unsafe fn complete(io: *mut RaidIo, status: i8) {
    spdk_bdev_io_complete(bdev_io_of(io), IoStatusArg(status as c_int));
}

/// The bdev's submit_request.
pub unsafe extern "C" fn submit_request(ioch: *mut spdk_io_channel, bdev_io: *mut spdk_bdev_io) {
    let io = of(bdev_io);
    let ch = channel::of(ioch);
    let p = &(*bdev_io).u.bdev;
    io.write(RaidIo {
        raid: (*ch).raid,
        ch,
        ty: (*bdev_io).r#type,
        offset: p.offset_blocks,
        num: p.num_blocks,
        iovs: p.iovs,
        iovcnt: p.iovcnt,
        plan: Plan::Each,
        parts: 0,
        submitted: 0,
        remaining: 0,
        status: SUCCESS,
        default_status: SUCCESS,
        missing_status: FAILED,
        pos: 0,
        iov_idx: 0,
        iov_off: 0,
        in_flight: 0,
        used: 0,
        failed: false,
        submitting: false,
        waiting: false,
        read_slot: 0,
        next_try: 0,
        wait: spdk_bdev_io_wait_entry {
            bdev: ptr::null_mut(),
            cb_fn: None,
            cb_arg: ptr::null_mut(),
            link: std::mem::zeroed(),
        },
        scratch: [iovec {
            iov_base: ptr::null_mut(),
            iov_len: 0,
        }; SCRATCH],
    });
    match (*io).ty {
        READ => {
            let len = (*io).num * raid_of(io).bdev.blocklen as u64;
            spdk_bdev_io_get_buf(bdev_io, Some(got_buf), len);
        }
        WRITE => submit_rw(io),
        RESET => fanout_start(
            io,
            Plan::Each,
            raid_of(io).num_bases() as u32,
            SUCCESS,
            SUCCESS,
        ),
        UNMAP | FLUSH => submit_null_payload(io),
        t => {
            spdk_log::errlog!("submit request, invalid io type {}", t);
            complete(io, FAILED);
        }
    }
}

unsafe extern "C" fn got_buf(_ch: *mut spdk_io_channel, bdev_io: *mut spdk_bdev_io, ok: bool) {
    let io = of(bdev_io);
    if !ok {
        complete(io, FAILED);
        return;
    }
    (*io).iovs = (*bdev_io).u.bdev.iovs;
    (*io).iovcnt = (*bdev_io).u.bdev.iovcnt;
    submit_rw(io);
}

unsafe fn submit_rw(io: *mut RaidIo) {
    match raid_of(io).level {
        Level::Raid1 => raid1::submit_rw(io),
        _ => split::start(io),
    }
}

unsafe fn submit_null_payload(io: *mut RaidIo) {
    let r = raid_of(io);
    match r.level {
        Level::Raid1 => fanout_start(io, Plan::Each, r.num_bases() as u32, FAILED, FAILED),
        Level::Raid0 => {
            let parts = raid0::null_parts(r, (*io).offset, (*io).num);
            fanout_start(io, Plan::Raid0, parts, SUCCESS, FAILED)
        }
        _ => {
            let parts = concat::null_parts(r, (*io).offset, (*io).num);
            fanout_start(io, Plan::Concat, parts, SUCCESS, FAILED)
        }
    }
}

/// The bdev's io_type_supported: reads and writes always; flush, reset
/// and unmap when every attached base supports them.
pub unsafe extern "C" fn io_type_supported(ctx: *mut c_void, t: spdk_bdev_io_type) -> bool {
    use spdk_bdev_io_type::*;
    match t {
        SPDK_BDEV_IO_TYPE_READ | SPDK_BDEV_IO_TYPE_WRITE => true,
        SPDK_BDEV_IO_TYPE_FLUSH | SPDK_BDEV_IO_TYPE_RESET | SPDK_BDEV_IO_TYPE_UNMAP => {
            let r = &*ctx.cast::<RaidBdev>();
            r.bases
                .iter()
                .filter(|b| !b.desc.is_null())
                .all(|b| spdk_bdev_io_type_supported(b.bdev, IoTypeArg(t as c_int)))
        }
        _ => false,
    }
}

/// Submits a child I/O of type `ty` on base `i` (`lba` within its data
/// region); counted in the slot when submitted. -ENODEV: base missing.
#[allow(clippy::too_many_arguments)]
pub unsafe fn submit_child(
    io: *mut RaidIo,
    i: usize,
    ty: u8,
    iovs: *mut iovec,
    iovcnt: c_int,
    lba: u64,
    blocks: u64,
    cb: unsafe extern "C" fn(*mut spdk_bdev_io, bool, *mut c_void),
) -> c_int {
    let s = channel::slot((*io).ch, i);
    let ch = (*s).ch;
    if ch.is_null() {
        return -libc::ENODEV;
    }
    let b = &raid_of(io).bases[i];
    let desc = b.desc;
    let lba = lba + b.data_offset;
    let arg = io.cast::<c_void>();
    let rc = match ty {
        READ => spdk_bdev_readv_blocks(desc, ch, iovs, iovcnt, lba, blocks, Some(cb), arg),
        WRITE => spdk_bdev_writev_blocks(desc, ch, iovs, iovcnt, lba, blocks, Some(cb), arg),
        UNMAP => spdk_bdev_unmap_blocks(desc, ch, lba, blocks, Some(cb), arg),
        FLUSH => spdk_bdev_flush_blocks(desc, ch, lba, blocks, Some(cb), arg),
        RESET => spdk_bdev_reset(desc, ch, Some(cb), arg),
        _ => -libc::EINVAL,
    };
    if rc == 0 {
        (*s).outstanding += 1;
    }
    rc
}

/// Accounts a completed child I/O to its slot and frees it; returns the
/// slot (None if its base is no longer attached, which the removal's
/// wait for outstanding children rules out).
pub unsafe fn child_done(io: *mut RaidIo, child: *mut spdk_bdev_io) -> Option<usize> {
    let bdev = (*child).bdev;
    spdk_bdev_free_io(child);
    let r = raid_of(io);
    let i = r.bases.iter().position(|b| b.bdev == bdev)?;
    channel::child_completed(channel::slot((*io).ch, i));
    Some(i)
}

/// Waits for a bdev_io of base `i`'s channel to be free again, then calls
/// `cb(io)`. Nonzero when it cannot wait.
pub unsafe fn wait(io: *mut RaidIo, i: usize, cb: unsafe extern "C" fn(*mut c_void)) -> c_int {
    let b = &raid_of(io).bases[i];
    let s = channel::slot((*io).ch, i);
    (*io).wait.bdev = b.bdev;
    (*io).wait.cb_fn = Some(cb);
    (*io).wait.cb_arg = io.cast();
    spdk_bdev_queue_io_wait(b.bdev, (*s).ch, ptr::addr_of_mut!((*io).wait))
}

// ---- fan-out requests ----

/// Starts a request of `parts` child I/Os; the parent's status is
/// `default_status` unless a part reports the other one.
pub unsafe fn fanout_start(
    io: *mut RaidIo,
    plan: Plan,
    parts: u32,
    default_status: i8,
    missing: i8,
) {
    (*io).plan = plan;
    (*io).parts = parts;
    (*io).submitted = 0;
    (*io).remaining = parts;
    (*io).status = default_status;
    (*io).default_status = default_status;
    (*io).missing_status = missing;
    if parts == 0 {
        complete(io, default_status);
        return;
    }
    fanout_continue(io);
}

/// Counts `n` parts done with `status`; completes the parent (and returns
/// true) after the last.
pub unsafe fn complete_part(io: *mut RaidIo, n: u32, status: i8) -> bool {
    (*io).remaining -= n;
    if status != (*io).default_status {
        (*io).status = status;
    }
    if (*io).remaining == 0 {
        complete(io, (*io).status);
        return true;
    }
    false
}

/// (base, lba, blocks) of part `k`.
unsafe fn plan(io: *mut RaidIo, k: u32) -> (usize, u64, u64) {
    let r = raid_of(io);
    match (*io).plan {
        Plan::Each => (k as usize, (*io).offset, (*io).num),
        Plan::Raid0 => raid0::null_range(r, (*io).offset, (*io).num, k),
        Plan::Concat => concat::null_range(r, (*io).offset, (*io).num, k),
    }
}

unsafe extern "C" fn fanout_resume(arg: *mut c_void) {
    fanout_continue(arg.cast());
}

unsafe fn fanout_continue(io: *mut RaidIo) {
    while (*io).submitted < (*io).parts {
        let (i, lba, blocks) = plan(io, (*io).submitted);
        if blocks == 0 && matches!((*io).ty, UNMAP | FLUSH) {
            // An empty piece (a base with no whole strip): nothing to do.
            (*io).submitted += 1;
            if complete_part(io, 1, SUCCESS) {
                return;
            }
            continue;
        }
        let rc = submit_child(
            io,
            i,
            (*io).ty,
            (*io).iovs,
            (*io).iovcnt,
            lba,
            blocks,
            fanout_child_done,
        );
        if rc == 0 {
            (*io).submitted += 1;
            continue;
        }
        if rc == -libc::ENODEV {
            // A missing base's part.
            (*io).submitted += 1;
            if complete_part(io, 1, (*io).missing_status) {
                return;
            }
            continue;
        }
        if rc == -libc::ENOMEM && wait(io, i, fanout_resume) == 0 {
            return;
        }
        spdk_log::errlog!("bdev io submit error not due to ENOMEM, it should not happen");
        let left = (*io).parts - (*io).submitted;
        complete_part(io, left, FAILED);
        return;
    }
}

unsafe extern "C" fn fanout_child_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let io = arg.cast::<RaidIo>();
    let i = child_done(io, child);
    let r = raid_of(io);
    if let (false, Level::Raid1, Some(i)) = (ok, r.level, i) {
        if (*io).ty != RESET {
            // A mirror that fails a write is out of the array.
            base::fail_base(ptr::addr_of!(r.bases[i]) as *mut _);
        }
    }
    complete_part(io, 1, if ok { SUCCESS } else { FAILED });
}
