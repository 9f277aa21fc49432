//! One worker per core of the core mask (SPDK's work_fn): the timed loop
//! of polling and resubmitting on its own queue pairs, the warmup, the
//! drain. The main thread allocates and frees the queue pairs (the
//! driver's controller calls are never made from two threads at once).
//! The main core's worker also prints the running IOPS line on a terminal.

use core::ffi::{c_int, c_void};
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

use crate::report::periodic;
use crate::task::{NsCtx, Published};

/// Set by SIGINT/SIGTERM and by a failed admin queue: stop the run.
pub static EXIT: AtomicBool = AtomicBool::new(false);

/// What all workers share.
pub struct Shared {
    /// Set once every worker is launched: they start together.
    pub start: AtomicBool,
    pub main_core: u32,
    pub tsc_rate: u64,
    pub time_in_sec: u64,
    pub warmup_time_in_sec: u64,
    pub io_size_bytes: u32,
    pub monitor_cores: bool,
    pub num_workers: u32,
    /// Every context's published counters, for the periodic line.
    pub published: Vec<*const Published>,
    /// The run's length as the main core measured it.
    pub elapsed_usec: AtomicU64,
}

// SAFETY: `published` points into contexts that outlive the run and are
// only read through atomics.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

/// A core's worker and its namespace contexts.
pub struct Worker {
    pub lcore: u32,
    /// Boxed: tasks and the periodic line point at the contexts.
    #[allow(clippy::vec_box)]
    pub ctxs: Vec<Box<NsCtx>>,
    pub shared: *const Shared,
    /// Heap allocations this worker made during its run.
    pub allocations: usize,
}

struct Periodic {
    last_ios: u64,
    last_busy: u64,
    last_idle: u64,
}

fn print_periodic(s: &Shared, p: &mut Periodic, warmup: bool) {
    if !std::io::stdout().is_terminal() {
        return;
    }
    let (mut ios, mut busy, mut idle) = (0, 0, 0);
    for &c in &s.published {
        // SAFETY: see Shared.
        let c = unsafe { &*c };
        ios += c.io_completed.load(Relaxed);
        busy += c.busy_tsc.load(Relaxed);
        idle += c.idle_tsc.load(Relaxed);
    }
    let (di, db, dd) = (ios - p.last_ios, busy - p.last_busy, idle - p.last_idle);
    *p = Periodic {
        last_ios: ios,
        last_busy: busy,
        last_idle: idle,
    };
    let cores = s
        .monitor_cores
        .then(|| (s.num_workers, db as f64 / (db + dd).max(1) as f64 * 100.0));
    print!("{}\r", periodic(di, s.io_size_bytes, warmup, cores));
    let _ = std::io::stdout().flush();
}

/// The thread body for spdk_env_thread_launch_pinned.
pub unsafe extern "C" fn work_fn(arg: *mut c_void) -> c_int {
    let w = &mut *(arg as *mut Worker);
    run(w)
}

/// SPDK's work_fn on one worker.
pub fn run(w: &mut Worker) -> c_int {
    // SAFETY: the shared state outlives every worker.
    let s = unsafe { &*w.shared };
    while !s.start.load(Relaxed) {
        std::hint::spin_loop();
    }
    let ctxs: Vec<*mut NsCtx> = w.ctxs.iter_mut().map(|c| &mut **c as *mut NsCtx).collect();
    let main = w.lcore == s.main_core;
    // Counted (only this thread's allocations) to check that the I/O path
    // allocates nothing.
    w.allocations = spdk_util::alloc_count::count_allocations(|| io_loop(s, &ctxs, main));
    0
}

/// The timed run and the drain on this worker's contexts.
fn io_loop(s: &Shared, ctxs: &[*mut NsCtx], main: bool) {
    let mut tsc_start = spdk_env::ticks();
    let mut tsc_current = tsc_start;
    let mut next_print = tsc_current + s.tsc_rate;
    let mut warmup = s.warmup_time_in_sec != 0;
    let first = if warmup {
        s.warmup_time_in_sec
    } else {
        s.time_in_sec
    };
    let mut tsc_end = tsc_current.saturating_add(first.saturating_mul(s.tsc_rate));
    let mut per = Periodic {
        last_ios: 0,
        last_busy: 0,
        last_idle: 0,
    };
    for &c in ctxs {
        // SAFETY: contexts of this thread, not borrowed elsewhere.
        unsafe { NsCtx::submit_all(c) };
    }
    while !EXIT.load(Relaxed) {
        let mut all_draining = true;
        for &c in ctxs {
            // SAFETY: as above; references made here end before each call
            // into the driver, whose callbacks reach the context again.
            unsafe {
                if (*c).qpairs.is_empty() {
                    continue;
                }
                if !(*c).is_draining {
                    NsCtx::resubmit_queued(c);
                }
                let now = spdk_env::ticks();
                let rc = NsCtx::check_io(c);
                let st = &mut (*c).stats;
                let since = now.wrapping_sub(st.last_tsc);
                if rc > 0 {
                    st.busy_tsc += since;
                } else {
                    st.idle_tsc += since;
                }
                st.last_tsc = now;
                (*c).publish();
                if !(*c).is_draining {
                    all_draining = false;
                }
            }
        }
        if all_draining {
            break;
        }
        tsc_current = spdk_env::ticks();
        if main && tsc_current > next_print {
            next_print += s.tsc_rate;
            print_periodic(s, &mut per, warmup);
        }
        if tsc_current > tsc_end {
            if !warmup {
                break;
            }
            tsc_start = spdk_env::ticks();
            tsc_end = tsc_start.saturating_add(s.time_in_sec.saturating_mul(s.tsc_rate));
            for &c in ctxs {
                // SAFETY: as above.
                unsafe { (*c).reset_stats() };
            }
            if main && std::io::stdout().is_terminal() {
                // The warmup line is longer: erase it.
                print!("\x1b[2K");
            }
            warmup = false;
        }
    }
    if main {
        let us = (tsc_current - tsc_start) as u128 * 1_000_000 / s.tsc_rate.max(1) as u128;
        s.elapsed_usec.store(us as u64, Relaxed);
    }
    // Drain round robin so that every namespace finishes.
    loop {
        let mut unfinished = 0;
        for &c in ctxs {
            // SAFETY: as above.
            unsafe {
                (*c).is_draining = true;
                if (*c).current_queue_depth == 0 || NsCtx::check_io(c) < 0 {
                    continue;
                }
                // Still some after this poll.
                unfinished += ((*c).current_queue_depth > 0) as u32;
            }
        }
        if unfinished == 0 {
            break;
        }
    }
}
