//! raid1: every base bdev holds all the data. Writes go to every mirror
//! (the write succeeds when one of them took it; a mirror that fails it
//! leaves the array); a read goes to the mirror with the fewest blocks
//! being read on this channel, and one that fails is retried on the other
//! mirrors, the good data then written back to the mirror that failed (a
//! mirror that fails that too leaves the array), as SPDK's raid1 does.

use std::ffi::c_void;
use std::ptr;

use ::spdk_bdev::ffi::bdev_module::spdk_bdev_io;

use crate::channel;
use crate::io::{self, Plan, RaidIo, FAILED, READ, SUCCESS, WRITE};
use crate::raid::{self, BaseInfo, RaidBdev};

pub fn start(r: &mut RaidBdev) {
    let min = r.bases.iter().map(|b| b.data_size).min().unwrap_or(0);
    for b in r.bases.iter_mut() {
        b.data_size = min;
    }
    r.bdev.blockcnt = min;
    raid::no_split(&mut r.bdev);
}

unsafe fn base(io: *mut RaidIo, i: usize) -> *mut BaseInfo {
    ptr::addr_of!(io::raid_of(io).bases[i]) as *mut BaseInfo
}

pub unsafe fn submit_rw(io: *mut RaidIo) {
    match (*io).ty {
        READ => read(io),
        WRITE => {
            let n = io::raid_of(io).num_bases() as u32;
            io::fanout_start(io, Plan::Each, n, FAILED, FAILED);
        }
        _ => io::complete(io, FAILED),
    }
}

/// The mirror with the fewest blocks being read from this channel.
unsafe fn pick(io: *mut RaidIo) -> Option<usize> {
    let ch = (*io).ch;
    (0..(*ch).n)
        .filter(|&i| !(*channel::slot(ch, i)).ch.is_null())
        .min_by_key(|&i| (*channel::slot(ch, i)).read_blocks)
}

unsafe extern "C" fn read_resume(arg: *mut c_void) {
    read(arg.cast());
}

unsafe fn read(io: *mut RaidIo) {
    let Some(i) = pick(io) else {
        io::complete(io, FAILED);
        return;
    };
    let rc = io::submit_child(
        io,
        i,
        READ,
        (*io).iovs,
        (*io).iovcnt,
        (*io).offset,
        (*io).num,
        read_done,
    );
    if rc == 0 {
        (*channel::slot((*io).ch, i)).read_blocks += (*io).num;
        (*io).read_slot = i;
    } else if rc != -libc::ENOMEM || io::wait(io, i, read_resume) != 0 {
        io::complete(io, FAILED);
    }
}

unsafe extern "C" fn read_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let io = arg.cast::<RaidIo>();
    io::child_done(io, child);
    let s = channel::slot((*io).ch, (*io).read_slot);
    (*s).read_blocks = (*s).read_blocks.saturating_sub((*io).num);
    if ok {
        io::complete(io, SUCCESS);
    } else {
        (*io).next_try = 0;
        read_other(io);
    }
}

unsafe extern "C" fn read_other_resume(arg: *mut c_void) {
    read_other(arg.cast());
}

/// Reads from the next mirror not tried yet; when none is left the
/// mirror first read from leaves the array and the read fails.
unsafe fn read_other(io: *mut RaidIo) {
    let ch = (*io).ch;
    while (*io).next_try < (*ch).n {
        let i = (*io).next_try;
        (*io).next_try += 1;
        if i == (*io).read_slot || (*channel::slot(ch, i)).ch.is_null() {
            continue;
        }
        let rc = io::submit_child(
            io,
            i,
            READ,
            (*io).iovs,
            (*io).iovcnt,
            (*io).offset,
            (*io).num,
            read_other_done,
        );
        if rc == 0 {
            return;
        }
        if rc == -libc::ENOMEM && io::wait(io, i, read_other_resume) == 0 {
            (*io).next_try = i;
            return;
        }
        break;
    }
    crate::base::fail_base(base(io, (*io).read_slot));
    io::complete(io, FAILED);
}

unsafe extern "C" fn read_other_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let io = arg.cast::<RaidIo>();
    io::child_done(io, child);
    if ok {
        correct(io);
    } else {
        read_other(io);
    }
}

unsafe extern "C" fn correct_resume(arg: *mut c_void) {
    correct(arg.cast());
}

/// Writes the data read from another mirror back to the one that failed
/// the read; the read succeeds whatever happens to that write.
unsafe fn correct(io: *mut RaidIo) {
    let i = (*io).read_slot;
    let rc = io::submit_child(
        io,
        i,
        WRITE,
        (*io).iovs,
        (*io).iovcnt,
        (*io).offset,
        (*io).num,
        correct_done,
    );
    if rc == 0 || (rc == -libc::ENOMEM && io::wait(io, i, correct_resume) == 0) {
        return;
    }
    if rc != -libc::ENODEV {
        crate::base::fail_base(base(io, i));
    }
    io::complete(io, SUCCESS);
}

unsafe extern "C" fn correct_done(child: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let io = arg.cast::<RaidIo>();
    io::child_done(io, child);
    if !ok {
        crate::base::fail_base(base(io, (*io).read_slot));
    }
    io::complete(io, SUCCESS);
}
