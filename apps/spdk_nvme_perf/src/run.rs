//! The run as SPDK's main does it: environment, controllers, workers on
//! their cores, the report, the clean-up.

use std::ffi::CString;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use spdk_env::ffi::env::{
    spdk_env_fini, spdk_env_get_current_core, spdk_env_get_first_core, spdk_env_get_next_core,
    spdk_env_init, spdk_env_opts, spdk_env_opts_init, spdk_env_thread_launch_pinned,
    spdk_env_thread_wait_all, spdk_get_ticks_hz,
};

use crate::api::*;
use crate::ctrlr::{register_controllers, unregister_controllers, Registry};
use crate::latency;
use crate::opts::Opts;
use crate::report::{performance, NsResult, RunInfo};
use crate::task::{IoParams, NsCtx};
use crate::worker::{self, Shared, Worker, EXIT};

extern "C" fn on_signal(_: libc::c_int) {
    EXIT.store(true, Relaxed);
}

fn setup_signals() {
    // SAFETY: a handler that only stores to an atomic.
    unsafe {
        let mut sa: libc::sigaction = core::mem::zeroed();
        sa.sa_sigaction = on_signal as *const () as usize;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGINT, &sa, core::ptr::null_mut());
        libc::sigaction(libc::SIGTERM, &sa, core::ptr::null_mut());
    }
}

fn init_env(o: &Opts) -> Result<(), ()> {
    let name = c"perf";
    let mask = o.core_mask.as_deref().map(CString::new);
    let mask = match mask {
        Some(Ok(m)) => Some(m),
        Some(Err(_)) => return Err(()),
        None => None,
    };
    let iova = o.iova_mode.as_deref().and_then(|s| CString::new(s).ok());
    // SAFETY: opts_init fills the struct; the strings outlive spdk_env_init.
    unsafe {
        let mut e: spdk_env_opts = core::mem::zeroed();
        e.opts_size = size_of::<spdk_env_opts>();
        spdk_env_opts_init(&mut e);
        e.name = name.as_ptr();
        if let Some(m) = &mask {
            e.core_mask = m.as_ptr();
        }
        if let Some(i) = &iova {
            e.iova_mode = i.as_ptr();
        }
        if o.mem_size >= 0 {
            e.mem_size = o.mem_size;
        }
        e.shm_id = o.shm_id;
        e.no_pci = !o.need_pci;
        e.no_huge = o.no_huge;
        e.hugepage_single_segments = o.hugepage_single_segments;
        e.enforce_numa = o.enforce_numa;
        if spdk_env_init(&e) < 0 {
            eprintln!("Unable to initialize SPDK env");
            return Err(());
        }
    }
    Ok(())
}

/// The cores of the mask, in order (SPDK_ENV_FOREACH_CORE).
fn cores() -> Vec<u32> {
    let mut v = Vec::new();
    let mut c = spdk_env_get_first_core();
    while c != u32::MAX {
        v.push(c);
        c = spdk_env_get_next_core(c);
    }
    v
}

/// Namespaces to workers as SPDK's associate_workers_with_ns: round robin
/// over max(namespaces, workers) slots, or every namespace on every core
/// with --use-every-core.
pub fn associate(num_ns: usize, num_workers: usize, every_core: bool) -> Vec<(usize, usize)> {
    if num_ns == 0 || num_workers == 0 {
        return Vec::new();
    }
    if every_core {
        return (0..num_workers)
            .flat_map(|w| (0..num_ns).map(move |n| (w, n)))
            .collect();
    }
    (0..num_ns.max(num_workers))
        .map(|i| (i % num_workers, i % num_ns))
        .collect()
}

/// Polls the admin queues of fabrics controllers once a second (keep
/// alive, events), as SPDK's nvme_poll_ctrlrs thread.
struct AdminPoller {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct SendPtr(Vec<*mut Ctrlr>);
// SAFETY: only the poller thread touches the admin queues while it runs.
unsafe impl Send for SendPtr {}

impl AdminPoller {
    fn start(reg: &Registry) -> AdminPoller {
        let stop = Arc::new(AtomicBool::new(false));
        let ctrlrs = SendPtr(
            reg.ctrlrs
                .iter()
                .filter(|c| !c.pcie)
                .map(|c| c.ctrlr)
                .collect(),
        );
        let st = stop.clone();
        let thread = std::thread::spawn(move || {
            let ctrlrs = ctrlrs;
            while !st.load(Relaxed) {
                for &c in &ctrlrs.0 {
                    // SAFETY: attached until the poller is stopped.
                    if unsafe { spdk_nvme_ctrlr_process_admin_completions(c) } < 0 {
                        EXIT.store(true, Relaxed);
                    }
                }
                for _ in 0..10 {
                    if st.load(Relaxed) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        });
        AdminPoller {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for AdminPoller {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn io_params(o: &Opts) -> IoParams {
    IoParams {
        queue_depth: o.queue_depth,
        io_size_bytes: o.io_size_bytes,
        io_align: o.io_align,
        rw_percentage: o.rw_percentage,
        is_random: o.is_random,
        continue_on_error: o.continue_on_error,
        quiet_count: o.quiet_count,
        latency_level: o.latency_sw_tracking_level,
        max_completions: o.max_completions,
        io_unit_size: o.io_unit_size,
    }
}

/// The whole run; the process's exit status.
pub fn run(o: &Opts) -> i32 {
    if init_env(o).is_err() {
        return 1;
    }
    spdk_log::set_print_level(o.log_level);
    spdk_log::set_level(o.log_level);
    setup_signals();
    let tsc_rate = spdk_get_ticks_hz();
    let lcores = cores();
    let rc = match register_controllers(o, lcores.len() as u32) {
        Ok(mut reg) => {
            let rc = run_workers(o, &reg, &lcores, tsc_rate);
            unregister_controllers(&mut reg, o);
            rc
        }
        Err(()) => 1,
    };
    spdk_env_fini();
    rc
}

fn run_workers(o: &Opts, reg: &Registry, lcores: &[u32], tsc_rate: u64) -> i32 {
    if reg.warn {
        println!("WARNING: Some requested NVMe devices were skipped");
    }
    if reg.ctrlrs.is_empty() {
        eprintln!("No valid NVMe controllers found");
        return 1;
    }
    if reg.namespaces.is_empty() {
        eprintln!("No active namespaces found");
        return 1;
    }
    if lcores.len() > 1 && o.quiet_count > 1 {
        eprintln!("Error message rate-limiting enabled across multiple threads.");
        eprintln!("Error suppression count may not be exact.");
    }
    let params = io_params(o);
    let mut workers: Vec<Box<Worker>> = lcores
        .iter()
        .map(|&lcore| {
            Box::new(Worker {
                lcore,
                ctxs: Vec::new(),
                shared: core::ptr::null(),
                allocations: 0,
            })
        })
        .collect();
    for (w, n) in associate(reg.namespaces.len(), workers.len(), o.use_every_core) {
        let e = &reg.namespaces[n];
        println!("Associating {} with lcore {}", e.name, workers[w].lcore);
        let number_ios = if o.number_ios_percent > 0 {
            let v = e.size_in_ios * o.number_ios_percent as u64 / 100;
            println!(
                "number_ios for namespace {} set to {v} ({}% of namespace size)",
                e.name, o.number_ios_percent
            );
            v
        } else {
            o.number_ios
        };
        let lcore = workers[w].lcore;
        workers[w]
            .ctxs
            .push(NsCtx::new(e, lcore, params, number_ios));
    }
    let shared = Shared {
        start: AtomicBool::new(false),
        main_core: spdk_env_get_current_core(),
        tsc_rate,
        time_in_sec: o.time_in_sec,
        warmup_time_in_sec: o.warmup_time_in_sec,
        io_size_bytes: o.io_size_bytes,
        monitor_cores: o.monitor_perf_cores,
        num_workers: workers.len() as u32,
        published: workers
            .iter()
            .flat_map(|w| w.ctxs.iter().map(|c| &c.published as *const _))
            .collect(),
        elapsed_usec: AtomicU64::new(0),
    };
    for c in workers.iter_mut().flat_map(|w| w.ctxs.iter_mut()) {
        let ok = c
            .alloc_qpairs(o.nr_io_queues_per_ns, o.nr_unused_io_queues)
            .is_ok()
            && c.alloc_tasks().is_ok();
        if !ok {
            println!("ERROR: init_ns_worker_ctx() failed");
            return 1;
        }
    }
    let poller = AdminPoller::start(reg);
    println!("Initialization complete. Launching workers.");
    let mut rc = 0;
    let mut main_worker = None;
    for w in workers.iter_mut() {
        w.shared = &shared;
        if w.lcore == shared.main_core {
            main_worker = Some(&mut **w as *mut Worker);
            continue;
        }
        let arg = &mut **w as *mut Worker as *mut core::ffi::c_void;
        // SAFETY: the worker and the shared state outlive the thread
        // (spdk_env_thread_wait_all below).
        let r = unsafe { spdk_env_thread_launch_pinned(w.lcore, Some(worker::work_fn), arg) };
        if r != 0 {
            eprintln!("Unable to launch a worker on core {}: {r}", w.lcore);
            rc = 1;
        }
    }
    shared.start.store(true, Relaxed);
    match main_worker {
        // SAFETY: the main core's worker, run on this thread.
        Some(w) => {
            unsafe { worker::run(&mut *w) };
        }
        None => {
            eprintln!("No worker on the main core {}", shared.main_core);
            rc = 1;
        }
    }
    spdk_env_thread_wait_all();
    drop(poller);
    if std::env::var_os("SPDK_NVME_PERF_COUNT_ALLOCS").is_some() {
        let n: usize = workers.iter().map(|w| w.allocations).sum();
        println!("Heap allocations in the workers' I/O loops: {n}");
    }
    if rc == 0 {
        print_stats(o, reg, &workers, &shared, tsc_rate);
        rc = workers
            .iter()
            .flat_map(|w| w.ctxs.iter())
            .map(|c| c.status)
            .find(|&s| s != 0)
            .unwrap_or(0);
    }
    // The queue pairs and buffers (the workers are done, the poller too).
    drop(workers);
    rc
}

fn print_stats(o: &Opts, reg: &Registry, workers: &[Box<Worker>], shared: &Shared, tsc_rate: u64) {
    let rows: Vec<NsResult> = workers
        .iter()
        .flat_map(|w| w.ctxs.iter())
        .map(|c| NsResult {
            // SAFETY: the registry outlives the contexts.
            name: unsafe { &(*c.entry).name },
            lcore: c.lcore,
            io_completed: c.stats.io_completed,
            total_tsc: c.stats.total_tsc,
            min_tsc: c.stats.min_tsc,
            max_tsc: c.stats.max_tsc,
            histogram: &c.histogram,
        })
        .collect();
    let mut out = String::new();
    performance(
        &mut out,
        &rows,
        &RunInfo {
            elapsed_usec: shared.elapsed_usec.load(Relaxed),
            io_size_bytes: o.io_size_bytes,
            tsc_rate,
            latency_level: o.latency_sw_tracking_level,
        },
    );
    print!("{out}");
    if o.latency_ssd_tracking {
        if o.rw_percentage != 0 {
            latency::print_statistics("Read", latency::LOG_READ_LATENCY, &reg.ctrlrs);
        }
        if o.rw_percentage != 100 {
            latency::print_statistics("Write", latency::LOG_WRITE_LATENCY, &reg.ctrlrs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::associate;

    #[test]
    fn namespaces_to_workers_as_spdk() {
        // Equal: one each.
        assert_eq!(associate(2, 2, false), vec![(0, 0), (1, 1)]);
        // More workers: namespaces repeat.
        assert_eq!(associate(1, 3, false), vec![(0, 0), (1, 0), (2, 0)]);
        // More namespaces: workers take several.
        assert_eq!(associate(3, 2, false), vec![(0, 0), (1, 1), (0, 2)]);
        assert_eq!(associate(2, 2, true), vec![(0, 0), (0, 1), (1, 0), (1, 1)]);
        assert!(associate(0, 2, false).is_empty());
    }
}
