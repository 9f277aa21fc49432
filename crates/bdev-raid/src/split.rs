//! Reads and writes of raid0 and concat: one child I/O per strip (raid0)
//! or per base range (concat) that the I/O touches. An I/O within one
//! strip goes down with the caller's iovecs; a longer one is cut into
//! children whose iovecs are carved from the parent's into the I/O's
//! scratch array, a wave at a time (the next wave starts when the
//! children of this one have completed), so nothing is allocated.

use std::ffi::{c_int, c_void};

use ::spdk_bdev::ffi::bdev_module::spdk_bdev_io;
use libc::iovec;

use crate::io::{self, RaidIo, FAILED, SCRATCH, SUCCESS};
use crate::raid::{Level, RaidBdev};
use crate::{concat, raid0};

/// (base, lba in the base, blocks up to the end of the strip or range)
/// of raid bdev block `off`.
#[inline]
fn map(r: &RaidBdev, off: u64) -> (usize, u64, u64) {
    match r.level {
        Level::Concat => concat::map(r, off),
        _ => raid0::map(r, off),
    }
}

/// (iovecs, count, blocks, cursor after them) of a child.
struct Carved {
    iovs: *mut iovec,
    cnt: usize,
    blocks: u64,
    idx: usize,
    off: usize,
}

/// The iovec position `bytes` after (idx, off).
unsafe fn advance(
    io: *mut RaidIo,
    mut idx: usize,
    mut off: usize,
    mut bytes: usize,
) -> (usize, usize) {
    while bytes > 0 && idx < (*io).iovcnt as usize {
        let len = (*(*io).iovs.add(idx)).iov_len;
        let n = (len - off).min(bytes);
        bytes -= n;
        off += n;
        if off == len {
            idx += 1;
            off = 0;
        }
    }
    (idx, off)
}

/// Builds, in the free part of the scratch array, the iovecs of the next
/// `want` blocks (fewer when the room runs out; whole blocks only).
/// None when not even one block fits or the iovecs are too short.
unsafe fn carve(io: *mut RaidIo, want: u64, block: usize) -> Option<Carved> {
    let start = (*io).used;
    let room = SCRATCH - start;
    let need = want as usize * block;
    let (mut idx, mut off) = ((*io).iov_idx, (*io).iov_off);
    let mut got = 0usize;
    let mut k = 0usize;
    while got < need && k < room && idx < (*io).iovcnt as usize {
        let v = *(*io).iovs.add(idx);
        let take = (v.iov_len - off).min(need - got);
        if take > 0 {
            (*io).scratch[start + k] = iovec {
                iov_base: v.iov_base.cast::<u8>().wrapping_add(off).cast(),
                iov_len: take,
            };
            k += 1;
            got += take;
            off += take;
        }
        if off == v.iov_len {
            idx += 1;
            off = 0;
        }
    }
    // Out of room: keep whole blocks only.
    let keep = got / block * block;
    if keep == 0 {
        return None;
    }
    let mut excess = got - keep;
    while excess > 0 {
        let last = &mut (*io).scratch[start + k - 1];
        if last.iov_len > excess {
            last.iov_len -= excess;
            excess = 0;
        } else {
            excess -= last.iov_len;
            k -= 1;
        }
    }
    let (idx, off) = advance(io, (*io).iov_idx, (*io).iov_off, keep);
    Some(Carved {
        iovs: (*io).scratch.as_mut_ptr().add(start),
        cnt: k,
        blocks: (keep / block) as u64,
        idx,
        off,
    })
}

/// Starts a read or write (iovecs already in `io`).
pub unsafe fn start(io: *mut RaidIo) {
    submit_more(io);
}

unsafe extern "C" fn resume(arg: *mut c_void) {
    let io = arg.cast::<RaidIo>();
    (*io).waiting = false;
    submit_more(io);
}

/// Submits children until the I/O is covered, the scratch array is full,
/// a base has no bdev_io left (then waits) or a submission fails.
unsafe fn submit_more(io: *mut RaidIo) {
    let r = io::raid_of(io);
    let block = r.bdev.blocklen as usize;
    (*io).submitting = true;
    while !(*io).failed && (*io).pos < (*io).num {
        if (*io).in_flight == 0 {
            (*io).used = 0;
        }
        let (i, lba, max) = map(r, (*io).offset + (*io).pos);
        let want = max.min((*io).num - (*io).pos);
        let c = if (*io).pos == 0 && want == (*io).num {
            // The whole I/O goes to one base: the caller's iovecs as they are.
            Carved {
                iovs: (*io).iovs,
                cnt: (*io).iovcnt as usize,
                blocks: want,
                idx: 0,
                off: 0,
            }
        } else {
            match carve(io, want, block) {
                Some(c) => c,
                None if (*io).in_flight > 0 => break, // next wave
                None => {
                    spdk_log::errlog!("raid: I/O iovecs do not fit the request");
                    (*io).failed = true;
                    break;
                }
            }
        };
        let rc = io::submit_child(
            io,
            i,
            (*io).ty,
            c.iovs,
            c.cnt as c_int,
            lba,
            c.blocks,
            child_done,
        );
        if rc == 0 {
            (*io).in_flight += 1;
            (*io).pos += c.blocks;
            (*io).iov_idx = c.idx;
            (*io).iov_off = c.off;
            if c.iovs != (*io).iovs {
                (*io).used += c.cnt;
            }
            continue;
        }
        if rc == -libc::ENOMEM && io::wait(io, i, resume) == 0 {
            (*io).waiting = true;
            break;
        }
        spdk_log::errlog!("bdev io submit error not due to ENOMEM, it should not happen");
        (*io).failed = true;
        break;
    }
    (*io).submitting = false;
    finish_if_done(io);
}

/// Completes the parent when nothing is in flight or awaited and the
/// I/O is covered or failed.
unsafe fn finish_if_done(io: *mut RaidIo) {
    if (*io).in_flight != 0 || (*io).waiting || (*io).submitting {
        return;
    }
    if (*io).failed {
        io::complete(io, FAILED);
    } else if (*io).pos == (*io).num {
        io::complete(io, SUCCESS);
    }
}

unsafe extern "C" fn child_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let io = arg.cast::<RaidIo>();
    io::child_done(io, child);
    (*io).in_flight -= 1;
    if !ok {
        (*io).failed = true;
    }
    if (*io).in_flight != 0 || (*io).waiting || (*io).submitting {
        return;
    }
    if (*io).failed || (*io).pos == (*io).num {
        finish_if_done(io);
    } else {
        submit_more(io);
    }
}
