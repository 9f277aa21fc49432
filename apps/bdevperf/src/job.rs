//! A job: one bdev driven from one SPDK thread with `-q` tasks, each owning
//! its preallocated buffers, so the I/O path (io.rs) allocates nothing.
//! Built on the app thread; its channel is taken on its own thread.

use std::ffi::{c_void, CStr, CString};
use std::ptr;

use spdk::bdev::ffi::bdev::*;
use spdk::bdev::spdk_bdev;
use spdk::env::ffi::env::{spdk_dma_free, spdk_dma_zmalloc};
use spdk::thread::ffi::thread::{
    spdk_io_channel, spdk_poller, spdk_thread, spdk_thread_get_cpumask,
};
use spdk::util::ffi::cpuset::spdk_cpuset_fmt;
use spdk::util::histogram::Histogram;

use crate::workload::Workload;

/// How a job picks its operations, for the I/O path's shortest way.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mix {
    Reads,
    Writes,
    /// Reads and writes by the rw percentage.
    Mixed,
    /// A fixed operation other than read/write, or writes with a pattern.
    Other,
}

/// What a task submits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Op {
    Read,
    Write,
    /// The read-back of a verify write, into the task's verify buffer.
    VerifyRead,
    Flush,
    Unmap,
    WriteZeroes,
}

#[repr(C)]
pub struct Task {
    pub job: *mut Job,
    pub buf: *mut c_void,
    /// Where a verify job reads back (NULL otherwise).
    pub verify_buf: *mut c_void,
    pub offset_blocks: u64,
    pub op: Op,
    pub wait: spdk_bdev_io_wait_entry,
}

/// What a job runs: SPDK's job_config.
pub struct JobConfig {
    pub name: String,
    pub bdev_name: String,
    pub lcore: u32,
    pub io_size: u32,
    pub queue_depth: u32,
    pub rw_percentage: i64,
    /// Blocks; `length` 0 is the whole bdev.
    pub offset: u64,
    pub length: u64,
    pub workload: Workload,
}

pub struct Job {
    pub name: String,
    pub bdev: *mut spdk_bdev,
    pub desc: *mut spdk_bdev_desc,
    pub ch: *mut spdk_io_channel,
    pub thread: *mut spdk_thread,
    pub core_mask: String,
    pub workload: Workload,
    pub io_size: u32,
    pub rw_percentage: u32,
    pub is_random: bool,
    pub verify: bool,
    pub reset: bool,
    /// Writes carry a generated pattern (verify, reset, -U).
    pub fill: bool,
    pub continue_on_failure: bool,
    /// Flush, unmap or write_zeroes for every I/O; None: read/write mix.
    pub fixed_op: Option<Op>,
    pub mix: Mix,
    pub queue_depth: u32,
    pub seed: u64,
    pub io_completed: u64,
    pub io_failed: u64,
    pub prev_io_completed: u64,
    pub ema_io_per_second: f64,
    /// Tasks submitted or waiting for a bdev_io.
    pub current_queue_depth: u32,
    pub size_in_ios: u64,
    pub ios_base: u64,
    pub offset_in_ios: u64,
    pub io_size_blocks: u64,
    pub buf_size: usize,
    pub block_size: u32,
    pub is_draining: bool,
    pub emptied: bool,
    pub reset_pending: bool,
    pub run_time_in_usec: u64,
    pub run_usec: u64,
    pub run_timer: *mut spdk_poller,
    pub reset_timer: *mut spdk_poller,
    /// Verify: the I/O ranges in flight (one bit per I/O of the range).
    pub outstanding: Vec<u64>,
    pub write_io_count: u32,
    /// Latencies, from the channel's bdev histogram when the job ends (as
    /// SPDK's bdevperf: the bdev layer times every I/O already, so the
    /// I/O path reads no clock of its own).
    pub latency: Option<Histogram>,
    /// `queue_depth` tasks, then the reset task of a reset job. Never
    /// resized once built: tasks point at the job and the job at them.
    pub tasks: Vec<Task>,
}

impl Job {
    pub fn reset_task(&mut self) -> *mut Task {
        &mut self.tasks[self.queue_depth as usize]
    }
}

/// Options shared by every job of a run.
pub struct JobOpts {
    pub continue_on_failure: bool,
    pub unique_writes: bool,
    pub run_usec: u64,
}

unsafe extern "C" fn bdev_event(t: spdk_bdev_event_type, _b: *mut spdk_bdev, ctx: *mut c_void) {
    if t == spdk_bdev_event_type::SPDK_BDEV_EVENT_REMOVE {
        crate::io::drain_on_thread(ctx.cast());
    }
}

fn seed() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    let s = (ts.tv_nsec as u64) ^ ((ts.tv_sec as u64) << 32) ^ std::process::id() as u64;
    // xorshift needs a non-zero state.
    s.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1
}

/// Builds a job of `config` on `thread` (SPDK's bdevperf_construct_job):
/// opens the bdev, checks it can run the workload and allocates the
/// tasks. Errors print SPDK's message and give its negative errno.
///
/// # Safety
/// On the app thread, with a live bdev.
pub unsafe fn construct(
    bdev: *mut spdk_bdev,
    config: &JobConfig,
    thread: *mut spdk_thread,
    jo: &JobOpts,
) -> Result<Box<Job>, i32> {
    let name = CStr::from_ptr(spdk_bdev_get_name(bdev))
        .to_string_lossy()
        .into_owned();
    let w = config.workload;
    let (verify, reset) = match w {
        Workload::Verify => (true, false),
        Workload::Reset => (true, true),
        _ => (false, false),
    };
    let rw_percentage = match w {
        Workload::Read | Workload::RandRead => 100,
        Workload::Rw | Workload::RandRw => config.rw_percentage.clamp(0, 100) as u32,
        _ => 0,
    };
    let fixed_op = match w {
        Workload::Unmap => Some(Op::Unmap),
        Workload::Flush => Some(Op::Flush),
        Workload::WriteZeroes => Some(Op::WriteZeroes),
        _ => None,
    };
    let fill = verify || jo.unique_writes;
    let mix = if fixed_op.is_some() || fill {
        Mix::Other
    } else if rw_percentage == 100 {
        Mix::Reads
    } else if rw_percentage == 0 {
        Mix::Writes
    } else {
        Mix::Mixed
    };
    let mask = spdk_cpuset_fmt(spdk_thread_get_cpumask(thread));
    let core_mask = if mask.is_null() {
        String::from("0")
    } else {
        CStr::from_ptr(mask).to_string_lossy().into_owned()
    };
    let mut job = Box::new(Job {
        name,
        bdev,
        desc: ptr::null_mut(),
        ch: ptr::null_mut(),
        thread,
        core_mask,
        workload: w,
        io_size: config.io_size,
        rw_percentage,
        is_random: w.random(),
        verify,
        reset,
        fill,
        continue_on_failure: jo.continue_on_failure,
        fixed_op,
        mix,
        queue_depth: config.queue_depth,
        seed: seed(),
        io_completed: 0,
        io_failed: 0,
        prev_io_completed: 0,
        ema_io_per_second: 0.0,
        current_queue_depth: 0,
        size_in_ios: 0,
        ios_base: 0,
        offset_in_ios: 0,
        io_size_blocks: 0,
        buf_size: 0,
        block_size: 0,
        is_draining: false,
        emptied: false,
        reset_pending: false,
        run_time_in_usec: 0,
        run_usec: jo.run_usec,
        run_timer: ptr::null_mut(),
        reset_timer: ptr::null_mut(),
        outstanding: Vec::new(),
        write_io_count: 0,
        latency: None,
        tasks: Vec::new(),
    });
    let jp: *mut Job = &mut *job;
    let cname = CString::new(job.name.clone()).unwrap_or_default();
    let rc = spdk_bdev_open_ext(
        cname.as_ptr(),
        true,
        Some(bdev_event),
        jp.cast(),
        &mut job.desc,
    );
    if rc != 0 {
        eprintln!("Could not open leaf bdev {}, error={rc}", job.name);
        return Err(rc);
    }
    if let Err(rc) = setup(&mut job, bdev, config) {
        free(job);
        return Err(rc);
    }
    Ok(job)
}

unsafe fn setup(job: &mut Job, bdev: *mut spdk_bdev, config: &JobConfig) -> Result<(), i32> {
    let block_size = spdk_bdev_get_block_size(bdev);
    let data_block_size = spdk_bdev_get_data_block_size(bdev);
    job.block_size = block_size;
    if data_block_size == 0 || !job.io_size.is_multiple_of(data_block_size) {
        spdk::log::errlog!(
            "IO size ({}) is not multiples of data block size of bdev {} ({})",
            job.io_size,
            job.name,
            data_block_size
        );
        return Err(-libc::ENOTSUP);
    }
    if job.workload == Workload::Unmap
        && !spdk_bdev_io_type_supported(bdev, io_type(spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_UNMAP))
    {
        println!("Skipping {} because it does not support unmap", job.name);
        return Err(-libc::ENOTSUP);
    }
    if spdk_bdev_is_md_separate(bdev) {
        spdk::log::errlog!(
            "bdev {} has separate metadata, which this bdevperf does not handle",
            job.name
        );
        return Err(-libc::ENOTSUP);
    }
    job.io_size_blocks = (job.io_size / data_block_size) as u64;
    job.buf_size = job.io_size_blocks as usize * block_size as usize;
    if config.length != 0 {
        job.size_in_ios = config.length / job.io_size_blocks;
        job.ios_base = config.offset / job.io_size_blocks;
    } else {
        job.size_in_ios = spdk_bdev_get_num_blocks(bdev) / job.io_size_blocks;
    }
    if job.size_in_ios == 0 {
        spdk::log::errlog!(
            "bdev {} is smaller than one I/O of {} bytes",
            job.name,
            job.io_size
        );
        return Err(-libc::EINVAL);
    }
    if job.verify {
        if job.size_in_ios >= u32::MAX as u64 {
            spdk::log::errlog!(
                "Due to constraints of verify operation, the job storage capacity is too large"
            );
            return Err(-libc::ENOMEM);
        }
        job.outstanding = vec![0u64; job.size_in_ios.div_ceil(64) as usize];
        if job.queue_depth as u64 > job.size_in_ios {
            spdk::log::warnlog!(
                "Due to constraints of verify job, queue depth (-q, {}) can't exceed the number of IO requests which can be submitted to the bdev {} simultaneously ({}). Queue depth is limited to {}",
                job.queue_depth,
                job.name,
                job.size_in_ios,
                job.size_in_ios
            );
            job.queue_depth = job.size_in_ios as u32;
        }
    }
    let n = job.queue_depth as usize + usize::from(job.reset);
    job.tasks = Vec::with_capacity(n);
    let align = spdk_bdev_get_buf_align(bdev);
    let jp: *mut Job = job;
    for _ in 0..n {
        let buf = spdk_dma_zmalloc(job.buf_size, align, ptr::null_mut());
        let verify_buf = if job.verify && !buf.is_null() {
            spdk_dma_zmalloc(job.buf_size, align, ptr::null_mut())
        } else {
            ptr::null_mut()
        };
        if buf.is_null() || (job.verify && verify_buf.is_null()) {
            eprintln!("Cannot allocate buf for task");
            spdk_dma_free(buf);
            return Err(-libc::ENOMEM);
        }
        job.tasks.push(Task {
            job: jp,
            buf,
            verify_buf,
            offset_blocks: 0,
            op: Op::Read,
            wait: std::mem::zeroed(),
        });
    }
    Ok(())
}

pub fn io_type(t: spdk_bdev_io_type) -> IoTypeArg {
    IoTypeArg(t as i32)
}

/// Releases a job whose channel is gone: closes the bdev if still open
/// (that must be on the app thread, which opened it) and frees the buffers.
///
/// # Safety
/// Nothing refers to the job any more.
pub unsafe fn free(job: Box<Job>) {
    if !job.desc.is_null() {
        spdk_bdev_close(job.desc);
    }
    for t in &job.tasks {
        spdk_dma_free(t.buf);
        spdk_dma_free(t.verify_buf);
    }
}
