//! The Linux AIO ABI (linux/aio_abi.h) through raw syscalls, so the module
//! needs no libaio: context setup, submission, and reaping completions
//! from the ring the kernel maps into user memory (as SPDK does, which
//! saves a syscall per poll).

use std::ffi::{c_int, c_long};
use std::sync::atomic::{fence, Ordering};

pub const IOCB_CMD_FSYNC: u16 = 2;
pub const IOCB_CMD_PREADV: u16 = 7;
pub const IOCB_CMD_PWRITEV: u16 = 8;
/// RWF_NOWAIT: fail with -EAGAIN instead of blocking (block devices).
pub const RWF_NOWAIT: u32 = 0x8;

/// `struct iocb` (64 bytes; key and rw_flags in little-endian order).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct Iocb {
    pub aio_data: u64,
    pub aio_key: u32,
    pub aio_rw_flags: u32,
    pub aio_lio_opcode: u16,
    pub aio_reqprio: i16,
    pub aio_fildes: u32,
    pub aio_buf: u64,
    pub aio_nbytes: u64,
    pub aio_offset: i64,
    pub aio_reserved2: u64,
    pub aio_flags: u32,
    pub aio_resfd: u32,
}

/// `struct io_event`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct IoEvent {
    pub data: u64,
    pub obj: u64,
    pub res: i64,
    pub res2: i64,
}

const _: () = assert!(std::mem::size_of::<Iocb>() == 64);
const _: () = assert!(std::mem::size_of::<IoEvent>() == 32);
#[cfg(not(target_endian = "little"))]
compile_error!("the iocb layout above is the little-endian one");

/// The header of the completion ring an `aio_context_t` points to.
#[repr(C)]
struct AioRing {
    id: u32,
    nr: u32,
    head: u32,
    tail: u32,
    magic: u32,
    compat_features: u32,
    incompat_features: u32,
    header_length: u32,
}

const AIO_RING_MAGIC: u32 = 0xa10a10a1;

fn errno() -> c_int {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// io_setup(): a context for `nr` requests, or -errno.
pub fn setup(nr: u32) -> Result<u64, c_int> {
    let mut ctx: u64 = 0;
    // SAFETY: the kernel writes one aio_context_t.
    let rc = unsafe { libc::syscall(libc::SYS_io_setup, nr as c_long, &mut ctx as *mut u64) };
    if rc < 0 {
        Err(-errno())
    } else {
        Ok(ctx)
    }
}

/// io_destroy() (waits for the requests still in flight).
pub fn destroy(ctx: u64) {
    // SAFETY: a context from setup(), destroyed once.
    unsafe { libc::syscall(libc::SYS_io_destroy, ctx) };
}

/// io_submit() of one iocb: 1, or -errno (-EAGAIN when the context is full).
///
/// # Safety
/// `iocb` and the buffers it names stay valid until its completion.
#[inline]
pub unsafe fn submit_one(ctx: u64, iocb: *mut Iocb) -> c_int {
    let mut list = [iocb];
    let rc = libc::syscall(libc::SYS_io_submit, ctx, 1 as c_long, list.as_mut_ptr());
    if rc < 0 {
        -errno()
    } else {
        rc as c_int
    }
}

/// Takes up to `out.len()` completions without blocking; returns how many.
///
/// # Safety
/// `ctx` is a live context of this process and this thread is its only
/// reaper.
#[inline]
pub unsafe fn reap(ctx: u64, out: &mut [IoEvent]) -> usize {
    let ring = ctx as *mut AioRing;
    if std::ptr::read_volatile(&(*ring).magic) != AIO_RING_MAGIC
        || std::ptr::read_volatile(&(*ring).incompat_features) != 0
    {
        return reap_syscall(ctx, out);
    }
    let nr = std::ptr::read_volatile(&(*ring).nr);
    let head = std::ptr::read_volatile(&(*ring).head);
    let tail = std::ptr::read_volatile(&(*ring).tail);
    // The kernel fills the events before it moves the tail.
    fence(Ordering::Acquire);
    if nr == 0 || head >= nr || tail >= nr {
        return reap_syscall(ctx, out);
    }
    let avail = if tail >= head {
        tail - head
    } else {
        nr - head + tail
    };
    let count = (avail as usize).min(out.len());
    let events = ring
        .cast::<u8>()
        .add(std::ptr::read_volatile(&(*ring).header_length) as usize)
        .cast::<IoEvent>();
    for (i, slot) in out.iter_mut().enumerate().take(count) {
        *slot = std::ptr::read_volatile(events.add((head as usize + i) % nr as usize));
    }
    // The copies are done before the kernel may reuse the slots.
    fence(Ordering::Release);
    std::ptr::write_volatile(
        &mut (*ring).head,
        ((head as usize + count) % nr as usize) as u32,
    );
    count
}

#[cold]
unsafe fn reap_syscall(ctx: u64, out: &mut [IoEvent]) -> usize {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    let rc = libc::syscall(
        libc::SYS_io_getevents,
        ctx,
        0 as c_long,
        out.len() as c_long,
        out.as_mut_ptr(),
        &mut ts as *mut libc::timespec,
    );
    if rc < 0 {
        0
    } else {
        rc as usize
    }
}
