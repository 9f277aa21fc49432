//! The I/O path, on each job's thread: every completion submits the task
//! again until the run time ends (then the job drains). It uses only the
//! job's own state and preallocated tasks: no lock, no allocation.

use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};

use spdk::bdev::ffi::bdev::*;
use spdk::bdev::ffi::bdev_module::spdk_bdev_io;
use spdk::env::ffi::env::{spdk_get_ticks, spdk_get_ticks_hz};
use spdk::thread::ffi::thread::{
    spdk_poller_register, spdk_poller_unregister, spdk_put_io_channel, spdk_thread_send_msg,
};

use spdk::util::histogram::{Histogram, HistogramData};

use crate::job::{Job, Mix, Op, Task};

/// The run's result: 0, or the first error's negative errno (-1 for a
/// failed I/O or a data mismatch), as SPDK's g_run_rc.
pub static RUN_RC: AtomicI32 = AtomicI32::new(0);
/// A job failed without -f: every job stops (SPDK's g_error_to_exit).
pub static ERROR_TO_EXIT: AtomicBool = AtomicBool::new(false);
/// When the jobs were started.
pub static START_TSC: AtomicU64 = AtomicU64::new(0);

/// SPDK's reset workload resets the bdev every 10 s.
const RESET_PERIOD_US: u64 = 10_000_000;

#[inline]
fn xorshift(s: &mut u64) -> u64 {
    let mut x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    x
}

#[inline]
fn bit_get(v: &[u64], i: u64) -> bool {
    v[(i / 64) as usize] & (1 << (i % 64)) != 0
}

#[inline]
fn bit_set(v: &mut [u64], i: u64, on: bool) {
    let w = &mut v[(i / 64) as usize];
    if on {
        *w |= 1 << (i % 64);
    } else {
        *w &= !(1 << (i % 64));
    }
}

/// Starts the job: the run timer, the reset timer of a reset job and
/// `queue_depth` I/Os. A message on the job's thread.
pub unsafe extern "C" fn job_run(arg: *mut c_void) {
    let job = &mut *arg.cast::<Job>();
    job.run_timer = spdk_poller_register(Some(drain_timer), arg, job.run_usec);
    if job.reset {
        job.reset_timer = spdk_poller_register(Some(reset_job), arg, RESET_PERIOD_US);
    }
    for i in 0..job.queue_depth as usize {
        let t: *mut Task = &mut job.tasks[i];
        submit_single(job, t);
    }
}

/// Picks the next offset and operation of task `t` and submits it; plain
/// reads and writes take the shortest way.
#[inline]
unsafe fn submit_single(job: &mut Job, t: *mut Task) {
    let off = if job.is_random {
        xorshift(&mut job.seed) % job.size_in_ios
    } else {
        let mut o = next_seq(job);
        if job.verify {
            // Never two I/Os on one range at once: skip those in flight.
            while bit_get(&job.outstanding, o) {
                o = next_seq(job);
            }
            bit_set(&mut job.outstanding, o, true);
        }
        o
    };
    let t = &mut *t;
    t.offset_blocks = (off + job.ios_base) * job.io_size_blocks;
    let read = match job.mix {
        Mix::Reads => true,
        Mix::Writes => false,
        Mix::Mixed => xorshift(&mut job.seed) % 100 < job.rw_percentage as u64,
        Mix::Other => return submit_other(job, t),
    };
    let tp: *mut c_void = (t as *mut Task).cast();
    let (d, ch, o, n) = (job.desc, job.ch, t.offset_blocks, job.io_size_blocks);
    let rc = if read {
        t.op = Op::Read;
        spdk_bdev_read_blocks(d, ch, t.buf, o, n, Some(complete), tp)
    } else {
        t.op = Op::Write;
        spdk_bdev_write_blocks(d, ch, t.buf, o, n, Some(complete), tp)
    };
    if rc == 0 {
        job.current_queue_depth += 1;
    } else {
        not_submitted(job, t, rc);
    }
}

/// Flush, unmap, write_zeroes, and writes carrying a pattern.
#[inline(never)]
unsafe fn submit_other(job: &mut Job, t: &mut Task) {
    t.op = match job.fixed_op {
        Some(op) => op,
        None => {
            let pct = job.rw_percentage as u64;
            if pct == 100 || (pct != 0 && xorshift(&mut job.seed) % 100 < pct) {
                Op::Read
            } else {
                if job.fill {
                    generate(job, t);
                }
                Op::Write
            }
        }
    };
    submit_task(job, t);
}

#[inline]
fn next_seq(job: &mut Job) -> u64 {
    let o = job.offset_in_ios;
    job.offset_in_ios += 1;
    if job.offset_in_ios == job.size_in_ios {
        job.offset_in_ios = 0;
    }
    o
}

/// Fills a write buffer with a pattern unique to this write: each 8-byte
/// word holds the job's write count and the word's place on the bdev.
unsafe fn generate(job: &mut Job, t: &mut Task) {
    let count = job.write_io_count as u64;
    job.write_io_count = job.write_io_count.wrapping_add(1);
    let words = std::slice::from_raw_parts_mut(t.buf.cast::<u64>(), job.buf_size / 8);
    let base = t.offset_blocks.wrapping_mul(job.block_size as u64 / 8);
    for (i, w) in words.iter_mut().enumerate() {
        *w = (count << 32) | (base.wrapping_add(i as u64) & 0xffff_ffff);
    }
}

unsafe fn submit_task(job: &mut Job, t: &mut Task) {
    let tp: *mut c_void = (t as *mut Task).cast();
    let (d, ch, off, n) = (job.desc, job.ch, t.offset_blocks, job.io_size_blocks);
    let rc = match t.op {
        Op::Read => spdk_bdev_read_blocks(d, ch, t.buf, off, n, Some(complete), tp),
        Op::Write => {
            let cb = if job.verify {
                write_done_verify
            } else {
                complete
            };
            spdk_bdev_write_blocks(d, ch, t.buf, off, n, Some(cb), tp)
        }
        Op::VerifyRead => spdk_bdev_read_blocks(d, ch, t.verify_buf, off, n, Some(complete), tp),
        Op::Flush => spdk_bdev_flush_blocks(d, ch, off, n, Some(complete), tp),
        Op::Unmap => spdk_bdev_unmap_blocks(d, ch, off, n, Some(complete), tp),
        Op::WriteZeroes => spdk_bdev_write_zeroes_blocks(d, ch, off, n, Some(complete), tp),
    };
    if rc == 0 {
        job.current_queue_depth += 1;
    } else {
        not_submitted(job, t, rc);
    }
}

/// No bdev_io free (wait for one) or a submission error.
#[cold]
unsafe fn not_submitted(job: &mut Job, t: &mut Task, rc: c_int) {
    if rc == -libc::ENOMEM {
        // Waiting for a bdev_io counts as in flight.
        t.wait.bdev = job.bdev;
        t.wait.cb_fn = Some(retry);
        t.wait.cb_arg = (t as *mut Task).cast();
        job.current_queue_depth += 1;
        if spdk_bdev_queue_io_wait(job.bdev, job.ch, &mut t.wait) == 0 {
            return;
        }
        job.current_queue_depth -= 1;
    }
    submit_failed(job, t, rc);
}

#[cold]
unsafe fn submit_failed(job: &mut Job, t: &mut Task, rc: c_int) {
    println!("Failed to submit bdev_io: {rc}");
    if job.verify {
        let i = in_ios(job, t);
        bit_set(&mut job.outstanding, i, false);
    }
    let _ = RUN_RC.compare_exchange(0, rc, Ordering::Relaxed, Ordering::Relaxed);
    drain(job);
    end_task(job);
}

fn in_ios(job: &Job, t: &Task) -> u64 {
    t.offset_blocks / job.io_size_blocks - job.ios_base
}

unsafe extern "C" fn retry(arg: *mut c_void) {
    let t = &mut *arg.cast::<Task>();
    let job = &mut *t.job;
    job.current_queue_depth -= 1;
    if job.is_draining {
        end_task(job);
    } else {
        submit_task(job, t);
    }
}

/// A verify write is done: read the range back (still one I/O in flight).
unsafe extern "C" fn write_done_verify(io: *mut spdk_bdev_io, success: bool, arg: *mut c_void) {
    if !success {
        complete(io, success, arg);
        return;
    }
    let t = &mut *arg.cast::<Task>();
    let job = &mut *t.job;
    spdk_bdev_free_io(io);
    job.current_queue_depth -= 1;
    t.op = Op::VerifyRead;
    submit_task(job, t);
}

unsafe extern "C" fn complete(io: *mut spdk_bdev_io, success: bool, arg: *mut c_void) {
    let t = &mut *arg.cast::<Task>();
    let job = &mut *t.job;
    if !success || job.verify || ERROR_TO_EXIT.load(Ordering::Relaxed) {
        check_completion(job, t, success);
    }
    job.current_queue_depth -= 1;
    if success {
        job.io_completed += 1;
    } else {
        job.io_failed += 1;
    }
    spdk_bdev_free_io(io);
    if !job.is_draining {
        submit_single(job, t);
    } else {
        end_task(job);
    }
}

/// The uncommon cases of a completion: a failure, another job's failure,
/// and verify (compare what was read back; the range is free again).
#[cold]
unsafe fn check_completion(job: &mut Job, t: &mut Task, success: bool) {
    if ERROR_TO_EXIT.load(Ordering::Relaxed) {
        drain(job);
    } else if !success {
        if !job.reset && !job.continue_on_failure {
            failed_io(job, t);
        }
    } else if t.op == Op::VerifyRead && !verify_data(job, t) {
        println!(
            "Buffer mismatch! Target: {} Disk Offset: {}",
            job.name, t.offset_blocks
        );
        let _ = RUN_RC.compare_exchange(0, -1, Ordering::Relaxed, Ordering::Relaxed);
        drain(job);
    }
    if job.verify {
        let i = in_ios(job, t);
        bit_set(&mut job.outstanding, i, false);
    }
}

#[cold]
unsafe fn failed_io(job: &mut Job, t: &Task) {
    drain(job);
    let _ = RUN_RC.compare_exchange(0, -1, Ordering::Relaxed, Ordering::Relaxed);
    ERROR_TO_EXIT.store(true, Ordering::Relaxed);
    println!(
        "task offset: {} on job bdev={} fails",
        t.offset_blocks, job.name
    );
}

/// Compares what a verify task wrote with what it read back.
#[cold]
unsafe fn verify_data(job: &Job, t: &Task) -> bool {
    let wr = std::slice::from_raw_parts(t.buf.cast::<u8>(), job.buf_size);
    let rd = std::slice::from_raw_parts(t.verify_buf.cast::<u8>(), job.buf_size);
    let bs = job.block_size as usize;
    for (i, (w, r)) in wr.chunks(bs).zip(rd.chunks(bs)).enumerate() {
        if w != r {
            println!(
                "data_block_size {}, num_blocks {}, offset {}",
                bs, job.io_size_blocks, i
            );
            dump("rd_buf", r);
            dump("wr_buf", w);
            return false;
        }
    }
    true
}

/// A hex dump of the first bytes of a block, as spdk_log_dump.
fn dump(label: &str, b: &[u8]) {
    println!("{label}");
    for (i, line) in b.chunks(16).take(4).enumerate() {
        let hex: Vec<String> = line.iter().map(|x| format!("{x:02x}")).collect();
        println!("{:08x}  {}", i * 16, hex.join(" "));
    }
}

/// Stops submitting: the job ends when its last I/O is back.
pub unsafe fn drain(job: &mut Job) {
    spdk_poller_unregister(&mut job.run_timer);
    spdk_poller_unregister(&mut job.reset_timer);
    job.is_draining = true;
}

/// Drains `job` from its own thread (bdev removal, shutdown).
///
/// # Safety
/// `job` is live until its job_end message.
pub unsafe fn drain_on_thread(job: *mut Job) {
    spdk_thread_send_msg((*job).thread, Some(drain_msg), job.cast());
}

unsafe extern "C" fn drain_msg(arg: *mut c_void) {
    let job = &mut *arg.cast::<Job>();
    drain(job);
    end_task(job);
}

unsafe extern "C" fn drain_timer(arg: *mut c_void) -> c_int {
    let job = &mut *arg.cast::<Job>();
    drain(job);
    end_task(job);
    1
}

/// A task is back while draining: the job is done with its last one.
unsafe fn end_task(job: &mut Job) {
    if job.is_draining && job.current_queue_depth == 0 && !job.reset_pending && !job.emptied {
        job_empty(job);
    }
}

/// Nothing is in flight: record the run time, give the channel back and
/// tell the app thread.
unsafe fn job_empty(job: &mut Job) {
    job.emptied = true;
    let elapsed = spdk_get_ticks().wrapping_sub(START_TSC.load(Ordering::Relaxed));
    job.run_time_in_usec =
        (elapsed as u128 * 1_000_000 / spdk_get_ticks_hz().max(1) as u128) as u64;
    if !job.ch.is_null() {
        // Keep the latencies before the channel goes (synchronous).
        spdk_bdev_channel_get_histogram(job.ch, Some(keep_latency), (job as *mut Job).cast());
        spdk_put_io_channel(job.ch);
        job.ch = std::ptr::null_mut();
    }
    spdk_thread_send_msg(
        crate::run::main_thread(),
        Some(crate::run::job_end),
        (job as *mut Job).cast(),
    );
}

unsafe extern "C" fn keep_latency(arg: *mut c_void, status: c_int, h: *mut HistogramData) {
    let job = &mut *arg.cast::<Job>();
    if status == 0 && !h.is_null() {
        job.latency = merged(job.latency.take(), &*h);
    }
}

/// `into` with the counts of a channel's histogram added (a copy of it
/// when `into` is None or shaped otherwise).
pub unsafe fn merged(into: Option<Histogram>, h: &HistogramData) -> Option<Histogram> {
    let add = Histogram::from_c(h)?;
    if let Some(mut j) = into {
        if add.merge_into(&mut j).is_ok() {
            return Some(j);
        }
    }
    Some(add)
}

/// The reset workload's timer: reset the bdev (SPDK's reset_job).
unsafe extern "C" fn reset_job(arg: *mut c_void) -> c_int {
    let job = &mut *arg.cast::<Job>();
    spdk_poller_unregister(&mut job.reset_timer);
    let t = job.reset_task();
    let rc = spdk_bdev_reset(job.desc, job.ch, Some(reset_done), t.cast());
    if rc != 0 {
        println!("Reset failed: {rc}");
        let _ = RUN_RC.compare_exchange(0, -1, Ordering::Relaxed, Ordering::Relaxed);
        drain(job);
        end_task(job);
    } else {
        job.reset_pending = true;
    }
    1
}

unsafe extern "C" fn reset_done(io: *mut spdk_bdev_io, success: bool, arg: *mut c_void) {
    let t = &mut *arg.cast::<Task>();
    let job = &mut *t.job;
    job.reset_pending = false;
    spdk_bdev_free_io(io);
    if !success {
        println!("Reset blockdev={} failed", job.name);
        let _ = RUN_RC.compare_exchange(0, -1, Ordering::Relaxed, Ordering::Relaxed);
        drain(job);
    }
    if job.is_draining {
        end_task(job);
    } else {
        job.reset_timer =
            spdk_poller_register(Some(reset_job), (job as *mut Job).cast(), RESET_PERIOD_US);
    }
}
