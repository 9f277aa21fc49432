//! The per-namespace, per-core context of a worker and its I/O path:
//! preallocated tasks with DMA buffers, submission (sequential, random or
//! Zipf offsets; read/write mix), completion (latency statistics,
//! histogram, resubmission). Nothing here allocates or locks per I/O.

use core::ffi::c_void;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use spdk_util::histogram::Histogram;

use crate::api::*;
use crate::ctrlr::NsEntry;
use crate::rand::{xorshift64, Zipf};

/// What every context needs from the command line.
#[derive(Clone, Copy)]
pub struct IoParams {
    pub queue_depth: u32,
    pub io_size_bytes: u32,
    pub io_align: u32,
    pub rw_percentage: i32,
    pub is_random: bool,
    pub continue_on_error: bool,
    pub quiet_count: u32,
    pub latency_level: u32,
    pub max_completions: u32,
    /// -O: the buffer is described in pieces of this size (scatter list)
    /// when it is smaller than the I/O.
    pub io_unit_size: u32,
}

/// Counters of one context (SPDK's ns_worker_stats).
#[derive(Clone, Copy, Default)]
pub struct Stats {
    pub io_submitted: u64,
    pub io_completed: u64,
    pub total_tsc: u64,
    pub min_tsc: u64,
    pub max_tsc: u64,
    pub busy_tsc: u64,
    pub idle_tsc: u64,
    pub last_tsc: u64,
}

impl Stats {
    pub fn new() -> Self {
        Stats {
            min_tsc: u64::MAX,
            ..Default::default()
        }
    }
}

/// Counters the main core reads for the once-a-second line, published by
/// the owner once per poll (plain stores, no read-modify-write).
#[derive(Default)]
pub struct Published {
    pub io_completed: AtomicU64,
    pub busy_tsc: AtomicU64,
    pub idle_tsc: AtomicU64,
}

/// One I/O slot: its buffer and where it stands.
pub struct Task {
    ctx: *mut NsCtx,
    buf: *mut c_void,
    submit_tsc: u64,
    is_read: bool,
    /// Where the driver stands in the buffer's pieces (-O).
    sgl_offset: u32,
}

/// A namespace on a core (SPDK's ns_worker_ctx).
pub struct NsCtx {
    pub entry: *const NsEntry,
    pub lcore: u32,
    p: IoParams,
    pub qpairs: Vec<*mut Qpair>,
    num_active_qpairs: usize,
    last_qpair: usize,
    pub stats: Stats,
    pub published: Published,
    pub current_queue_depth: u64,
    offset_in_ios: u64,
    pub is_draining: bool,
    pub number_ios: u64,
    pub histogram: Histogram,
    pub status: i32,
    /// Boxed: completions find a task by its address.
    #[allow(clippy::vec_box)]
    tasks: Vec<Box<Task>>,
    /// Tasks whose submission failed under -Q, retried from the loop.
    queued: Vec<*mut Task>,
    seed: u64,
    zipf: Option<Zipf>,
    errors_logged: u64,
}

impl NsCtx {
    pub fn new(entry: &NsEntry, lcore: u32, p: IoParams, number_ios: u64) -> Box<NsCtx> {
        Box::new(NsCtx {
            entry,
            lcore,
            p,
            qpairs: Vec::new(),
            num_active_qpairs: 0,
            last_qpair: 0,
            stats: Stats::new(),
            published: Published::default(),
            current_queue_depth: 0,
            offset_in_ios: 0,
            is_draining: false,
            number_ios,
            // SPDK's spdk_histogram_data_alloc(): granularity 7, any value.
            histogram: Histogram::new(7, 0, u64::MAX).unwrap_or_else(|| unreachable!()),
            status: 0,
            tasks: Vec::new(),
            queued: Vec::new(),
            seed: crate::rand::seed(),
            zipf: entry.zipf(),
            errors_logged: 0,
        })
    }

    fn entry(&self) -> &NsEntry {
        // SAFETY: the registry outlives every context.
        unsafe { &*self.entry }
    }

    /// Allocates `active + unused` queue pairs with room for the
    /// namespace's requests; SPDK's message on failure.
    pub fn alloc_qpairs(&mut self, active: u32, unused: u32) -> Result<(), ()> {
        let e = self.entry();
        let (ctrlr, reqs) = (e.ctrlr, e.num_io_requests);
        // SAFETY: a zeroed struct filled by the library for `ctrlr`.
        let mut o: spdk_nvme_io_qpair_opts = unsafe { core::mem::zeroed() };
        unsafe { spdk_nvme_ctrlr_get_default_io_qpair_opts(ctrlr, &mut o, size_of_val(&o)) };
        o.io_queue_requests = o.io_queue_requests.max(reqs);
        o.delay_cmd_submit = true;
        for _ in 0..active + unused {
            // SAFETY: an attached controller and valid options.
            let q = unsafe { spdk_nvme_ctrlr_alloc_io_qpair(ctrlr, &o, size_of_val(&o)) };
            if q.is_null() {
                println!("ERROR: spdk_nvme_ctrlr_alloc_io_qpair failed");
                self.free_qpairs();
                return Err(());
            }
            self.qpairs.push(q);
        }
        self.num_active_qpairs = active as usize;
        Ok(())
    }

    pub fn free_qpairs(&mut self) {
        for q in self.qpairs.drain(..) {
            // SAFETY: a pair this context allocated, freed once.
            unsafe { spdk_nvme_ctrlr_free_io_qpair(q) };
        }
    }

    /// The queue-depth tasks and their DMA buffers, each filled with the
    /// pattern SPDK uses (queue slot % 8 + 1).
    pub fn alloc_tasks(&mut self) -> Result<(), ()> {
        let me: *mut NsCtx = self;
        for i in (0..self.p.queue_depth).rev() {
            let len = self.p.io_size_bytes as usize;
            let buf = spdk_env::ffi::env::spdk_dma_zmalloc(
                len,
                self.p.io_align as usize,
                core::ptr::null_mut(),
            );
            if buf.is_null() {
                eprintln!("task->buf spdk_dma_zmalloc failed");
                return Err(());
            }
            // SAFETY: `len` bytes just allocated.
            unsafe { core::ptr::write_bytes(buf.cast::<u8>(), (i % 8 + 1) as u8, len) };
            self.tasks.push(Box::new(Task {
                ctx: me,
                buf,
                submit_tsc: 0,
                is_read: false,
                sgl_offset: 0,
            }));
        }
        self.queued.reserve(self.tasks.len());
        Ok(())
    }

    pub fn free_tasks(&mut self) {
        for t in self.tasks.drain(..) {
            spdk_env::ffi::env::spdk_dma_free(t.buf);
        }
    }

    /// Submits every task (the initial queue depth).
    ///
    /// # Safety
    /// `ctx` is a live context of the calling thread, not borrowed.
    pub unsafe fn submit_all(ctx: *mut NsCtx) {
        let n = (*ctx).tasks.len();
        for i in 0..n {
            let t: *mut Task = {
                let tasks = &mut (*ctx).tasks;
                &mut *tasks[i]
            };
            submit_single_io(t);
            if (*ctx).is_draining {
                break;
            }
        }
    }

    /// Retries the tasks queued after a failed submission (-Q).
    ///
    /// # Safety
    /// As [`NsCtx::submit_all`].
    pub unsafe fn resubmit_queued(ctx: *mut NsCtx) {
        let n = (*ctx).queued.len();
        for _ in 0..n {
            if (*ctx).is_draining {
                break;
            }
            let t = (*ctx).queued.remove(0);
            submit_single_io(t);
        }
    }

    /// Polls every queue pair; the completions reaped, or -1 when a pair
    /// failed (the context then stops with an error).
    ///
    /// # Safety
    /// As [`NsCtx::submit_all`].
    pub unsafe fn check_io(ctx: *mut NsCtx) -> i64 {
        let mut total = 0i64;
        let n = (*ctx).qpairs.len();
        let max = (*ctx).p.max_completions;
        for i in 0..n {
            let q = (&(*ctx).qpairs)[i];
            let rc = spdk_nvme_qpair_process_completions(q, max);
            if rc < 0 {
                eprintln!("NVMe io qpair process completion error");
                (*ctx).status = 1;
                (*ctx).is_draining = true;
                return -1;
            }
            total += rc as i64;
        }
        total
    }

    /// Makes the counters visible to the main core's periodic line.
    pub fn publish(&self) {
        self.published
            .io_completed
            .store(self.stats.io_completed, Relaxed);
        self.published.busy_tsc.store(self.stats.busy_tsc, Relaxed);
        self.published.idle_tsc.store(self.stats.idle_tsc, Relaxed);
    }

    /// Clears the statistics at the end of the warmup.
    pub fn reset_stats(&mut self) {
        self.stats = Stats::new();
        self.histogram.clear();
    }

    fn rate_limited(&mut self) -> bool {
        let n = self.errors_logged;
        self.errors_logged += 1;
        n.is_multiple_of(self.p.quiet_count.max(1) as u64)
    }
}

impl Drop for NsCtx {
    fn drop(&mut self) {
        self.free_qpairs();
        self.free_tasks();
    }
}

/// SPDK's submit_single_io.
unsafe fn submit_single_io(t: *mut Task) {
    let ctx = (*t).ctx;
    let c = &mut *ctx;
    let e = &*c.entry;
    let offset = if let Some(z) = c.zipf.as_mut() {
        z.generate()
    } else if c.p.is_random {
        xorshift64(&mut c.seed) % e.size_in_ios.max(1)
    } else {
        let o = c.offset_in_ios;
        c.offset_in_ios += 1;
        if c.offset_in_ios == e.size_in_ios {
            c.offset_in_ios = 0;
        }
        o
    };
    (*t).submit_tsc = spdk_env::ticks();
    let rw = c.p.rw_percentage;
    (*t).is_read = rw == 100 || (rw != 0 && (xorshift64(&mut c.seed) % 100) < rw as u64);
    let q = c.qpairs[c.last_qpair];
    c.last_qpair += 1;
    if c.last_qpair == c.num_active_qpairs {
        c.last_qpair = 0;
    }
    let lba = offset * e.io_size_blocks as u64;
    let (n, arg, flags) = (e.io_size_blocks, t.cast::<c_void>(), e.io_flags);
    let rc = match ((*t).is_read, c.p.io_unit_size < c.p.io_size_bytes) {
        (true, false) => {
            spdk_nvme_ns_cmd_read(e.ns, q, (*t).buf, lba, n, Some(io_complete), arg, flags)
        }
        (false, false) => {
            spdk_nvme_ns_cmd_write(e.ns, q, (*t).buf, lba, n, Some(io_complete), arg, flags)
        }
        (true, true) => spdk_nvme_ns_cmd_readv(
            e.ns,
            q,
            lba,
            n,
            Some(io_complete),
            arg,
            flags,
            Some(reset_sgl),
            Some(next_sge),
        ),
        (false, true) => spdk_nvme_ns_cmd_writev(
            e.ns,
            q,
            lba,
            n,
            Some(io_complete),
            arg,
            flags,
            Some(reset_sgl),
            Some(next_sge),
        ),
    };
    if rc != 0 {
        if c.p.continue_on_error {
            // Capacity for every task was reserved: no allocation.
            c.queued.push(t);
        } else {
            if c.rate_limited() {
                eprintln!("starting I/O failed: {rc}");
            }
            c.status = 1;
        }
    } else {
        c.current_queue_depth += 1;
        c.stats.io_submitted += 1;
    }
    if c.number_ios != 0 && c.stats.io_submitted >= c.number_ios {
        c.is_draining = true;
    }
}

/// The driver rewinds a task's scatter list (-O).
unsafe extern "C" fn reset_sgl(arg: *mut c_void, offset: u32) {
    (*(arg as *mut Task)).sgl_offset = offset;
}

/// The next piece of a task's buffer: up to the end of the current
/// io_unit_size unit (-O), as SPDK's iovecs of that size.
unsafe extern "C" fn next_sge(
    arg: *mut c_void,
    address: *mut *mut c_void,
    length: *mut u32,
) -> i32 {
    let t = &mut *(arg as *mut Task);
    let p = &(*t.ctx).p;
    let unit = p.io_unit_size.max(4);
    let off = t.sgl_offset;
    if off >= p.io_size_bytes {
        return -1;
    }
    let len = (unit - off % unit).min(p.io_size_bytes - off);
    *address = t.buf.cast::<u8>().add(off as usize).cast();
    *length = len;
    t.sgl_offset = off + len;
    0
}

/// SPDK's task_complete: statistics, then the next I/O unless draining.
unsafe fn task_complete(t: *mut Task) {
    let c = &mut *(*t).ctx;
    c.current_queue_depth -= 1;
    c.stats.io_completed += 1;
    let d = spdk_env::ticks().wrapping_sub((*t).submit_tsc);
    c.stats.total_tsc += d;
    c.stats.min_tsc = c.stats.min_tsc.min(d);
    c.stats.max_tsc = c.stats.max_tsc.max(d);
    if c.p.latency_level > 0 {
        c.histogram.tally(d);
    }
    if !c.is_draining {
        submit_single_io(t);
    }
}

/// The completion callback of every I/O.
unsafe extern "C" fn io_complete(arg: *mut c_void, cpl: *const Cpl) {
    let t = arg as *mut Task;
    let cpl = &*cpl;
    if cpl.is_error() {
        let c = &mut *(*t).ctx;
        let st = cpl.status;
        if c.rate_limited() {
            eprintln!(
                "{} completed with error (sct={}, sc={})",
                if (*t).is_read { "Read" } else { "Write" },
                st.sct(),
                st.sc()
            );
        }
        if !c.p.continue_on_error {
            // Invalid namespace or format: the namespace went away.
            if st.sct() == 0 && st.sc() == 0x0b {
                c.is_draining = true;
            }
            c.status = 1;
        }
    }
    task_complete(t);
}
