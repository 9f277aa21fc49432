//! Synchronous I/O for tests: submit, poll to completion, return the
//! outcome (and a read's data); and I/O counted by plain counters, for
//! checks that the I/O path allocates nothing.

use std::ffi::{c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ::spdk_bdev::ffi::bdev::*;
use ::spdk_bdev::ffi::bdev_module::*;

use crate::bdevs::Open;
use crate::env::Env;

/// The outcome of one I/O; `out` receives a read's data when the caller
/// gave no buffer.
pub struct Cpl {
    pub done: bool,
    pub ok: bool,
    pub out: Vec<u8>,
}

/// Records the completion in the [`Cpl`] `arg` and frees the I/O.
///
/// # Safety
/// Called by the library as a completion callback; `arg` is a [`Cpl`].
pub unsafe extern "C" fn cpl_cb(io: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    let c = &mut *arg.cast::<Cpl>();
    c.done = true;
    c.ok = ok;
    if ok && !c.out.is_empty() {
        let mut iovs = ptr::null_mut();
        let mut n = 0;
        spdk_bdev_io_get_iovec(io, &mut iovs, &mut n);
        let mut off = 0;
        for i in 0..n as usize {
            let v = &*iovs.add(i);
            let len = v.iov_len.min(c.out.len() - off);
            ptr::copy_nonoverlapping(v.iov_base.cast::<u8>(), c.out.as_mut_ptr().add(off), len);
            off += len;
        }
    }
    spdk_bdev_free_io(io);
}

/// Submits with `f(cb, arg)` and polls to completion: Err(rc) when the
/// submission failed, else the I/O's success.
pub fn run_io(
    env: &Env,
    out_len: usize,
    f: impl FnOnce(spdk_bdev_io_completion_cb, *mut c_void) -> c_int,
) -> Result<(bool, Vec<u8>), c_int> {
    let mut c = Box::new(Cpl {
        done: false,
        ok: false,
        out: vec![0; out_len],
    });
    let arg = (&mut *c as *mut Cpl).cast();
    let rc = f(Some(cpl_cb), arg);
    if rc != 0 {
        return Err(rc);
    }
    env.poll_until(|| c.done);
    Ok((c.ok, std::mem::take(&mut c.out)))
}

pub fn write(env: &Env, o: &Open, off: u64, data: &[u8]) -> bool {
    let mut buf = data.to_vec();
    let p = buf.as_mut_ptr().cast();
    let n = data.len() as u64 / o.block_size();
    run_io(env, 0, |cb, arg| unsafe {
        spdk_bdev_write_blocks(o.desc, o.ch, p, off, n, cb, arg)
    })
    .expect("write submitted")
    .0
}

/// Reads `len` bytes at block `off` into a buffer of ours (or, with
/// `no_buf`, into one the bdev provides).
pub fn read(env: &Env, o: &Open, off: u64, len: usize, no_buf: bool) -> Option<Vec<u8>> {
    let n = len as u64 / o.block_size();
    let mut buf = vec![0u8; len];
    let p = if no_buf {
        ptr::null_mut()
    } else {
        buf.as_mut_ptr().cast()
    };
    let (ok, out) = run_io(env, if no_buf { len } else { 0 }, |cb, arg| unsafe {
        spdk_bdev_read_blocks(o.desc, o.ch, p, off, n, cb, arg)
    })
    .expect("read submitted");
    if !ok {
        return None;
    }
    Some(if no_buf { out } else { buf })
}

/// iovecs over `buf` cut at `cut`-byte steps (the last one takes the rest).
fn iovecs(buf: &mut [u8], cut: usize) -> Vec<libc::iovec> {
    buf.chunks_mut(cut)
        .map(|c| libc::iovec {
            iov_base: c.as_mut_ptr().cast(),
            iov_len: c.len(),
        })
        .collect()
}

/// Writes `data` at block `off` through iovecs cut at `cut` bytes.
pub fn writev(env: &Env, o: &Open, off: u64, data: &[u8], cut: usize) -> bool {
    let mut buf = data.to_vec();
    let mut iovs = iovecs(&mut buf, cut);
    let n = data.len() as u64 / o.block_size();
    let (p, cnt) = (iovs.as_mut_ptr(), iovs.len() as c_int);
    run_io(env, 0, |cb, arg| unsafe {
        spdk_bdev_writev_blocks(o.desc, o.ch, p, cnt, off, n, cb, arg)
    })
    .expect("writev submitted")
    .0
}

/// Reads `len` bytes at block `off` through iovecs cut at `cut` bytes.
pub fn readv(env: &Env, o: &Open, off: u64, len: usize, cut: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; len];
    let mut iovs = iovecs(&mut buf, cut);
    let n = len as u64 / o.block_size();
    let (p, cnt) = (iovs.as_mut_ptr(), iovs.len() as c_int);
    let (ok, _) = run_io(env, 0, |cb, arg| unsafe {
        spdk_bdev_readv_blocks(o.desc, o.ch, p, cnt, off, n, cb, arg)
    })
    .expect("readv submitted");
    ok.then_some(buf)
}

/// Runs a control operation (`f` gets the completion) to its rc.
pub fn sync_op(env: &Env, f: impl FnOnce(Box<dyn FnOnce(c_int)>) -> Result<(), c_int>) -> c_int {
    let rc = std::rc::Rc::new(std::cell::Cell::new(i64::MIN));
    let r = rc.clone();
    if let Err(e) = f(Box::new(move |x| r.set(x as i64))) {
        return e;
    }
    env.poll_until(|| rc.get() != i64::MIN);
    rc.get() as c_int
}

static DONE: AtomicUsize = AtomicUsize::new(0);
static OK: AtomicUsize = AtomicUsize::new(0);

/// Counts the completion (see [`completed`], [`succeeded`]) and frees the I/O.
///
/// # Safety
/// Called by the library as a completion callback.
pub unsafe extern "C" fn io_done(io: *mut spdk_bdev_io, success: bool, _arg: *mut c_void) {
    DONE.fetch_add(1, Ordering::SeqCst);
    if success {
        OK.fetch_add(1, Ordering::SeqCst);
    }
    spdk_bdev_free_io(io);
}

/// [`io_done`] as a completion callback.
pub const IO_DONE: spdk_bdev_io_completion_cb = Some(io_done);

/// I/Os completed through [`io_done`] so far.
pub fn completed() -> usize {
    DONE.load(Ordering::SeqCst)
}

/// Of those, the successful ones.
pub fn succeeded() -> usize {
    OK.load(Ordering::SeqCst)
}

/// Polls until `n` more I/Os (counted from `base`) have completed
/// (panics after 10 s). Allocates nothing.
pub fn wait_io(env: &Env, base: usize, n: usize) {
    let end = Instant::now() + Duration::from_secs(10);
    while completed() < base + n {
        env.poll();
        assert!(Instant::now() < end, "I/O did not complete");
    }
}

/// Submits one I/O with `f` (which must use [`IO_DONE`]) and returns
/// whether it succeeded.
pub fn one(env: &Env, f: impl FnOnce() -> c_int) -> bool {
    let (d, o) = (completed(), succeeded());
    assert_eq!(f(), 0, "submission refused");
    wait_io(env, d, 1);
    succeeded() > o
}

/// A completion that only frees the I/O.
///
/// # Safety
/// Called by the library as a completion callback.
pub unsafe extern "C" fn free_cb(io: *mut spdk_bdev_io, _ok: bool, _arg: *mut c_void) {
    spdk_bdev_free_io(io);
}

/// Allocations made by `rounds` rounds of 16 I/Os of 8 blocks from
/// `buf` at blocks 0, 8, ... (a read then a write each, as `read` and
/// `write` say), each round polled twice. The test binary's global
/// allocator must be spdk_util's CountingAlloc.
pub fn io_allocations(
    env: &Env,
    o: &Open,
    buf: *mut c_void,
    rounds: usize,
    read: bool,
    write: bool,
) -> usize {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let nul = (&done as *const std::sync::atomic::AtomicUsize)
        .cast_mut()
        .cast::<c_void>();
    let allocs = spdk_util::alloc_count::count_allocations(|| {
        for _ in 0..rounds {
            for i in 0..16 {
                // SAFETY: an open descriptor and a buffer of 8 blocks.
                unsafe {
                    if read {
                        let rc =
                            spdk_bdev_read_blocks(o.desc, o.ch, buf, i * 8, 8, Some(count_cb), nul);
                        assert_eq!(rc, 0);
                    }
                    if write {
                        let rc = spdk_bdev_write_blocks(
                            o.desc,
                            o.ch,
                            buf,
                            i * 8,
                            8,
                            Some(count_cb),
                            nul,
                        );
                        assert_eq!(rc, 0);
                    }
                }
            }
            env.poll();
            env.poll();
        }
    });
    // Every I/O completed, successfully (slow modules finish later).
    let want = rounds * 16 * (read as usize + write as usize);
    env.poll_until(|| done.load(std::sync::atomic::Ordering::Relaxed) >= want);
    assert_eq!(done.load(std::sync::atomic::Ordering::Relaxed), want);
    allocs
}

/// Completion of [`io_allocations`]' I/Os: counts successes in the
/// AtomicUsize `arg` (a failure panics).
unsafe extern "C" fn count_cb(io: *mut spdk_bdev_io, ok: bool, arg: *mut c_void) {
    spdk_bdev_free_io(io);
    assert!(ok, "I/O failed");
    (*arg.cast::<std::sync::atomic::AtomicUsize>())
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// A write of block 0 from `buf` is held by the bdev (still pending
/// after polling), and a reset completes it as failed, then succeeds.
pub fn reset_aborts_held_write(env: &Env, o: &Open, buf: *mut c_void) {
    let mut held = Box::new(Cpl {
        done: false,
        ok: true,
        out: vec![],
    });
    let arg = (&mut *held as *mut Cpl).cast();
    // SAFETY: an open descriptor; `held` outlives the I/O.
    let rc = unsafe { spdk_bdev_write_blocks(o.desc, o.ch, buf, 0, 1, Some(cpl_cb), arg) };
    assert_eq!(rc, 0);
    for _ in 0..20 {
        env.poll();
    }
    assert!(!held.done, "held");
    let r = run_io(env, 0, |cb, arg| unsafe {
        spdk_bdev_reset(o.desc, o.ch, cb, arg)
    });
    assert_eq!(r, Ok((true, vec![])));
    assert!(held.done && !held.ok, "aborted by the reset");
}

pub fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}
