//! The run, on the app thread (SPDK's bdevperf flow): job configurations
//! from the bdevs and options, one job per configuration on an SPDK thread
//! of its core, start, the end of each job, the results, and shutdown.

use std::ffi::{c_int, c_void, CString};
use std::io::Write;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::{Mutex, MutexGuard};

use spdk::bdev::ffi::bdev::*;
use spdk::bdev::spdk_bdev;
use spdk::env::ffi::env::{
    spdk_env_get_first_core, spdk_env_get_next_core, spdk_get_ticks, spdk_get_ticks_hz,
};
use spdk::event::ffi::event::spdk_app_stop;
use spdk::rpc::Request;
use spdk::thread::ffi::thread::{
    spdk_get_thread, spdk_poller, spdk_poller_register, spdk_poller_unregister,
    spdk_put_io_channel, spdk_thread, spdk_thread_create, spdk_thread_exit,
    spdk_thread_get_cpumask, spdk_thread_send_msg,
};
use spdk::util::ffi::cpuset::{
    spdk_cpuset, spdk_cpuset_count, spdk_cpuset_or, spdk_cpuset_set_cpu,
};

use crate::io::{ERROR_TO_EXIT, RUN_RC, START_TSC};
use crate::job::{self, io_type, Job, JobConfig, JobOpts};
use crate::opts::opts;
use crate::report::{self, Stats, DUMP_ACTIVE};
use crate::workload::Workload;

const LCORE_ANY: u32 = u32::MAX;

struct Main {
    /// Boxed jobs (Box::into_raw), freed once the results are out.
    jobs: Vec<*mut Job>,
    /// -E: the thread of each core.
    lcore_threads: Vec<(u32, *mut spdk_thread)>,
    running_jobs: u32,
    construct_count: u32,
    /// Histogram enables not answered yet (+1 while they are being sent).
    histograms_pending: u32,
    request: Option<Request>,
    perf_timer: *mut spdk_poller,
    period_num: u64,
    next_core: u32,
}

// SAFETY: used on the app thread only (the mutex just makes it a static).
unsafe impl Send for Main {}

static MAIN: Mutex<Main> = Mutex::new(Main {
    jobs: Vec::new(),
    lcore_threads: Vec::new(),
    running_jobs: 0,
    construct_count: 0,
    histograms_pending: 0,
    request: None,
    perf_timer: ptr::null_mut(),
    period_num: 0,
    next_core: LCORE_ANY,
});
static MAIN_THREAD: AtomicPtr<spdk_thread> = AtomicPtr::new(ptr::null_mut());
static SHUTDOWN: AtomicBool = AtomicBool::new(false);

fn main_state() -> MutexGuard<'static, Main> {
    MAIN.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn main_thread() -> *mut spdk_thread {
    MAIN_THREAD.load(Ordering::Relaxed)
}

fn set_rc(rc: i32) {
    let _ = RUN_RC.compare_exchange(0, rc, Ordering::Relaxed, Ordering::Relaxed);
}

fn cores() -> Vec<u32> {
    let mut v = Vec::new();
    let mut c = spdk_env_get_first_core();
    while c != LCORE_ANY {
        v.push(c);
        c = spdk_env_get_next_core(c);
    }
    v
}

/// The app's start callback.
pub unsafe extern "C" fn bdevperf_run(_arg: *mut c_void) {
    MAIN_THREAD.store(spdk_get_thread(), Ordering::Relaxed);
    if opts().wait_for_tests {
        return;
    }
    construct_job_configs();
}

/// The next core of the app, round robin (SPDK's _get_next_core).
fn next_core(m: &mut Main) -> u32 {
    let c = if m.next_core == LCORE_ANY {
        spdk_env_get_first_core()
    } else {
        match spdk_env_get_next_core(m.next_core) {
            LCORE_ANY => spdk_env_get_first_core(),
            c => c,
        }
    };
    m.next_core = c;
    c
}

unsafe fn bdev_name(b: *mut spdk_bdev) -> String {
    std::ffi::CStr::from_ptr(spdk_bdev_get_name(b))
        .to_string_lossy()
        .into_owned()
}

unsafe fn find_bdev(name: &str) -> *mut spdk_bdev {
    match CString::new(name) {
        Ok(c) => spdk_bdev_get_by_name(c.as_ptr()),
        Err(_) => ptr::null_mut(),
    }
}

/// One job per bdev (round robin over the cores), or with -C one per core
/// on each bdev, each on its own part of the bdev; -T keeps one bdev.
pub unsafe fn construct_job_configs() {
    let (w, io_size, qd, pct, multithread, only) = {
        let o = opts();
        (
            o.workload_type
                .as_deref()
                .and_then(Workload::parse)
                .unwrap_or(Workload::Read),
            o.io_size as u32,
            o.queue_depth,
            o.rw_percentage,
            o.multithread,
            o.job_bdev_name.clone(),
        )
    };
    let mut bdevs = Vec::new();
    match &only {
        Some(n) => {
            let b = find_bdev(n);
            if b.is_null() {
                eprintln!("Unable to find bdev '{n}'");
                set_rc(-1);
            } else {
                bdevs.push(b);
            }
        }
        None => {
            let mut b = spdk_bdev_first_leaf();
            while !b.is_null() {
                bdevs.push(b);
                b = spdk_bdev_next_leaf(b);
            }
        }
    }
    let mut configs = Vec::new();
    let make = |name: String, lcore: u32, offset: u64, length: u64| JobConfig {
        name: name.clone(),
        bdev_name: name,
        lcore,
        io_size,
        queue_depth: qd,
        rw_percentage: pct,
        offset,
        length,
        workload: w,
    };
    let all = cores();
    {
        let mut m = main_state();
        for &b in &bdevs {
            let name = bdev_name(b);
            if multithread {
                let per_job = spdk_bdev_get_num_blocks(b) / all.len().max(1) as u64;
                for (i, &c) in all.iter().enumerate() {
                    configs.push(make(name.clone(), c, i as u64 * per_job, per_job));
                }
            } else {
                let c = next_core(&mut m);
                configs.push(make(name, c, 0, 0));
            }
        }
    }
    construct_jobs(configs);
}

unsafe fn thread_of(m: &mut Main, config: &JobConfig, per_lcore: bool) -> *mut spdk_thread {
    if per_lcore {
        if let Some(&(_, t)) = m.lcore_threads.iter().find(|(c, _)| *c == config.lcore) {
            return t;
        }
    }
    let mut mask: spdk_cpuset = std::mem::zeroed();
    spdk_cpuset_set_cpu(&mut mask, config.lcore, true);
    let name = if per_lcore {
        format!("lcore_{}", config.lcore)
    } else {
        config.name.clone()
    };
    let cname = CString::new(name).unwrap_or_default();
    let t = spdk_thread_create(cname.as_ptr(), &mask);
    if per_lcore && !t.is_null() {
        m.lcore_threads.push((config.lcore, t));
    }
    t
}

unsafe fn construct_jobs(configs: Vec<JobConfig>) {
    let (jo, per_lcore) = {
        let o = opts();
        (
            JobOpts {
                continue_on_failure: o.continue_on_failure,
                unique_writes: o.unique_writes,
                run_usec: o.time_in_usec,
            },
            o.one_thread_per_lcore,
        )
    };
    main_state().construct_count = 1;
    if RUN_RC.load(Ordering::Relaxed) == 0 {
        for config in &configs {
            let mut m = main_state();
            let thread = thread_of(&mut m, config, per_lcore);
            if thread.is_null() {
                eprintln!("Could not create a thread for job {}", config.name);
                set_rc(-libc::ENOMEM);
                break;
            }
            let bdev = find_bdev(&config.bdev_name);
            let r = if bdev.is_null() {
                eprintln!("Unable to find bdev '{}'", config.bdev_name);
                Err(-libc::EINVAL)
            } else {
                job::construct(bdev, config, thread, &jo)
            };
            match r {
                Ok(j) => {
                    let p = Box::into_raw(j);
                    m.jobs.push(p);
                    m.construct_count += 1;
                    spdk_thread_send_msg(thread, Some(construct_on_thread), p.cast());
                }
                Err(rc) => {
                    if !per_lcore {
                        spdk_thread_send_msg(thread, Some(thread_exit), ptr::null_mut());
                    }
                    // -f: go on with the jobs that could be built.
                    if !jo.continue_on_failure || m.jobs.is_empty() {
                        set_rc(rc);
                        break;
                    }
                }
            }
        }
    }
    construct_done(ptr::null_mut());
}

/// On the job's thread: its I/O channel.
unsafe extern "C" fn construct_on_thread(arg: *mut c_void) {
    let job = &mut *arg.cast::<Job>();
    if opts().zcopy {
        if !spdk_bdev_io_type_supported(
            job.bdev,
            io_type(spdk_bdev_io_type::SPDK_BDEV_IO_TYPE_ZCOPY),
        ) {
            println!("Test requires ZCOPY but bdev module does not support ZCOPY");
        } else {
            println!("Zero copy I/O (-Z) is not implemented by this bdevperf");
        }
        set_rc(-libc::ENOTSUP);
    } else {
        job.ch = spdk_bdev_get_io_channel(job.desc);
        if job.ch.is_null() {
            spdk::log::errlog!("Could not get io_channel for device {}", job.name);
            set_rc(-libc::ENOMEM);
        }
    }
    spdk_thread_send_msg(main_thread(), Some(construct_done), ptr::null_mut());
}

unsafe extern "C" fn construct_done(_arg: *mut c_void) {
    {
        let mut m = main_state();
        m.construct_count -= 1;
        if m.construct_count != 0 {
            return;
        }
    }
    if RUN_RC.load(Ordering::Relaxed) != 0 || SHUTDOWN.load(Ordering::Relaxed) {
        abort_jobs();
    } else {
        enable_histograms();
    }
}

/// Turns on the latency histogram of every job's bdev, then starts: as in
/// SPDK's bdevperf, latencies come from the bdev layer's histograms.
unsafe fn enable_histograms() {
    let mut bdevs: Vec<*mut spdk_bdev> = main_state().jobs.iter().map(|&j| (*j).bdev).collect();
    bdevs.sort();
    bdevs.dedup();
    main_state().histograms_pending = bdevs.len() as u32 + 1;
    for b in bdevs {
        spdk_bdev_histogram_enable(b, Some(histogram_enabled), ptr::null_mut(), true);
    }
    histogram_enabled(ptr::null_mut(), 0);
}

unsafe extern "C" fn histogram_enabled(_arg: *mut c_void, status: c_int) {
    if status != 0 {
        eprintln!("Cannot enable the latency histogram: {status}");
        set_rc(status);
    }
    let last = {
        let mut m = main_state();
        m.histograms_pending -= 1;
        m.histograms_pending == 0
    };
    if last {
        if RUN_RC.load(Ordering::Relaxed) != 0 {
            abort_jobs();
        } else {
            start_test();
        }
    }
}

/// Releases jobs that never ran, then gives the results (of nothing).
unsafe fn abort_jobs() {
    let jobs = {
        let mut m = main_state();
        m.running_jobs = m.jobs.len() as u32;
        m.jobs.clone()
    };
    if jobs.is_empty() {
        test_done(ptr::null_mut());
        return;
    }
    for j in jobs {
        spdk_thread_send_msg((*j).thread, Some(abort_on_thread), j.cast());
    }
}

unsafe extern "C" fn abort_on_thread(arg: *mut c_void) {
    let job = &mut *arg.cast::<Job>();
    if !job.ch.is_null() {
        spdk_put_io_channel(job.ch);
        job.ch = ptr::null_mut();
    }
    job.emptied = true;
    spdk_thread_send_msg(main_thread(), Some(job_end), arg);
}

unsafe fn start_test() {
    let (jobs, time_in_usec, summarize, period) = {
        let o = opts();
        let m = main_state();
        (m.jobs.clone(), o.time_in_usec, o.summarize, o.period_usec)
    };
    if jobs.is_empty() {
        let req = main_state().request.take();
        match req {
            Some(r) => r.error(
                spdk::rpc::SPDK_JSONRPC_ERROR_INVALID_PARAMS,
                "No jobs defined or bdevs created",
            ),
            None => {
                eprintln!("No jobs defined or bdevs created");
                spdk_app_stop(1);
            }
        }
        return;
    }
    println!("Running I/O for {} seconds...", time_in_usec / 1_000_000);
    let _ = std::io::stdout().flush();
    START_TSC.store(spdk_get_ticks(), Ordering::Relaxed);
    if !summarize {
        report::print_header();
    }
    {
        let mut m = main_state();
        if m.perf_timer.is_null() {
            m.perf_timer = spdk_poller_register(Some(perf_tick), ptr::null_mut(), period);
        }
        m.running_jobs = jobs.len() as u32;
    }
    for j in jobs {
        spdk_thread_send_msg((*j).thread, Some(crate::io::job_run), j.cast());
    }
}

unsafe extern "C" fn perf_tick(_arg: *mut c_void) -> c_int {
    if DUMP_ACTIVE.load(Ordering::Acquire) {
        return 1;
    }
    let (jobs, n) = {
        let mut m = main_state();
        m.period_num += 1;
        (m.jobs.clone(), m.period_num)
    };
    let o = opts();
    report::start_dump(jobs, &o, n);
    1
}

/// A job is over (a message from its thread, channel released).
pub unsafe extern "C" fn job_end(arg: *mut c_void) {
    let job = &mut *arg.cast::<Job>();
    if !job.desc.is_null() {
        spdk_bdev_close(job.desc);
        job.desc = ptr::null_mut();
    }
    let last = {
        let mut m = main_state();
        m.running_jobs -= 1;
        m.running_jobs == 0
    };
    if last {
        test_done(ptr::null_mut());
    }
}

unsafe extern "C" fn free_on_thread(arg: *mut c_void) {
    job::free(Box::from_raw(arg.cast::<Job>()));
}

unsafe extern "C" fn thread_exit(_arg: *mut c_void) {
    spdk_thread_exit(spdk_get_thread());
}

/// The results, then the end of the app (or, under -z, the RPC answer).
unsafe extern "C" fn test_done(_arg: *mut c_void) {
    if DUMP_ACTIVE.load(Ordering::Acquire) {
        // A dump still visits the jobs: come back when it is done.
        spdk_thread_send_msg(main_thread(), Some(test_done), ptr::null_mut());
        return;
    }
    let shutdown = SHUTDOWN.load(Ordering::Relaxed);
    let (jobs, request, per_lcore) = {
        let mut m = main_state();
        spdk_poller_unregister(&mut m.perf_timer);
        m.period_num = 0;
        let per_lcore = std::mem::take(&mut m.lcore_threads);
        (std::mem::take(&mut m.jobs), m.request.take(), per_lcore)
    };
    if shutdown {
        let hz = spdk_get_ticks_hz().max(1) as u128;
        let start = START_TSC.load(Ordering::Relaxed);
        let mut usec = opts().time_in_usec;
        if start != 0 {
            let ran = (spdk_get_ticks().wrapping_sub(start) as u128 * 1_000_000 / hz) as u64;
            usec = usec.min(ran);
        }
        println!(
            "Received shutdown signal, test time was about {:.6} seconds",
            usec as f64 / 1e6
        );
    }
    let rc = RUN_RC.load(Ordering::Relaxed);
    println!();
    report::print_header();
    let mut total = Stats::total();
    let mut all: Vec<(*mut Job, Stats)> = Vec::with_capacity(jobs.len());
    let mut mask: spdk_cpuset = std::mem::zeroed();
    for &j in &jobs {
        let job = &mut *j;
        spdk_cpuset_or(&mut mask, spdk_thread_get_cpumask(job.thread));
        let s = report::job_stats(job, job.run_time_in_usec, 0, 0);
        total.add(&s);
        report::print_job(job, &s);
        all.push((j, s));
    }
    report::print_total(&total);
    let _ = std::io::stdout().flush();
    let mut request = request;
    if rc == 0 || shutdown {
        if let Some(r) = request.take() {
            let cores = spdk_cpuset_count(&mask);
            r.write(|w| {
                let _ = w.object_begin();
                let _ = w.named_array_begin("results");
                for (j, s) in &all {
                    report::write_job_json(w, &**j, s, shutdown);
                }
                let _ = w.array_end();
                let _ = w.named_uint64("core_count", cores as u64);
                let _ = w.object_end();
            });
        }
    }
    // Freed on their threads, after any message already queued there.
    for &j in &jobs {
        let t = (*j).thread;
        spdk_thread_send_msg(t, Some(free_on_thread), j.cast());
        if per_lcore.is_empty() {
            spdk_thread_send_msg(t, Some(thread_exit), ptr::null_mut());
        }
    }
    for (_, t) in per_lcore {
        spdk_thread_send_msg(t, Some(thread_exit), ptr::null_mut());
    }
    // Ready for another perform_tests.
    RUN_RC.store(0, Ordering::Relaxed);
    ERROR_TO_EXIT.store(false, Ordering::Relaxed);
    START_TSC.store(0, Ordering::Relaxed);
    match request {
        Some(r) if !shutdown => {
            let msg = spdk::util::string::strerror_message(-rc);
            r.error(
                spdk::rpc::SPDK_JSONRPC_ERROR_INTERNAL_ERROR,
                &format!("bdevperf failed with error {msg}"),
            );
            spdk_app_stop(rc);
        }
        _ => {
            let waiting = opts().wait_for_tests && !shutdown;
            if !waiting || rc != 0 {
                spdk_app_stop(rc);
            }
        }
    }
}

/// The app's shutdown callback (SIGINT, SIGTERM): stop the jobs, report.
pub unsafe extern "C" fn shutdown_cb() {
    SHUTDOWN.store(true, Ordering::Relaxed);
    let (jobs, running, constructing) = {
        let m = main_state();
        (m.jobs.clone(), m.running_jobs, m.construct_count)
    };
    if constructing != 0 {
        // construct_done sees SHUTDOWN and releases the jobs.
        return;
    }
    if running == 0 {
        test_done(ptr::null_mut());
        return;
    }
    for j in jobs {
        crate::io::drain_on_thread(j);
    }
}

/// Called by perform_tests: a test is running or being set up.
pub fn request_pending() -> bool {
    main_state().request.is_some()
}

/// perform_tests starts a run that answers `r` at its end.
pub unsafe fn run_for_request(r: Request) {
    main_state().request = Some(r);
    construct_job_configs();
}
