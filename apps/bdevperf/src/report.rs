//! Results as SPDK's bdevperf prints them: the per-job table with its
//! Total line, the JSON objects of the perform_tests result, and the
//! periodic statistics (`-S`, or a running IOPS line every second).

use std::ffi::{c_int, c_void};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use spdk::bdev::ffi::bdev::spdk_bdev_channel_get_histogram;
use spdk::env::ffi::env::spdk_get_ticks_hz;
use spdk::json::JsonWriter;
use spdk::thread::ffi::thread::spdk_thread_send_msg;
use spdk::util::histogram::{Histogram, HistogramData, Summary};

use crate::job::Job;

/// A periodic dump is going from job to job (SPDK's
/// g_performance_dump_active): the jobs must stay until it is back.
pub static DUMP_ACTIVE: AtomicBool = AtomicBool::new(false);

const RULE: &str = "===================================================================================================================";

#[derive(Clone, Copy, Default)]
pub struct Stats {
    pub io_time_in_usec: u64,
    pub iops: f64,
    pub mibps: f64,
    pub fail_ps: f64,
    pub timeout_ps: f64,
    pub min: f64,
    pub max: f64,
    pub avg: f64,
    pub total_io: u64,
    pub total_tsc: u64,
}

impl Stats {
    /// The starting point of a Total (SPDK starts its minimum at UINT64_MAX).
    pub fn total() -> Stats {
        Stats {
            min: u64::MAX as f64,
            ..Stats::default()
        }
    }

    pub fn add(&mut self, s: &Stats) {
        self.iops += s.iops;
        self.mibps += s.mibps;
        self.fail_ps += s.fail_ps;
        self.timeout_ps += s.timeout_ps;
        self.total_io += s.total_io;
        self.total_tsc += s.total_tsc;
        self.min = self.min.min(s.min);
        self.max = self.max.max(s.max);
    }
}

fn per_sec(n: u64, usec: u64) -> f64 {
    if usec == 0 {
        0.0
    } else {
        n as f64 * 1e6 / usec as f64
    }
}

/// A job's figures over `time_in_usec`; with `ema_period`, IOPS is the
/// moving average of the last periods of `period_usec` instead.
pub fn job_stats(job: &mut Job, time_in_usec: u64, ema_period: u64, period_usec: u64) -> Stats {
    let lat = job.latency.as_ref().and_then(Histogram::summary);
    stats_with(job, lat, time_in_usec, ema_period, period_usec)
}

fn stats_with(
    job: &mut Job,
    lat: Option<Summary>,
    time_in_usec: u64,
    ema_period: u64,
    period_usec: u64,
) -> Stats {
    let iops = if ema_period == 0 {
        per_sec(job.io_completed, time_in_usec)
    } else {
        let now = per_sec(job.io_completed - job.prev_io_completed, period_usec);
        job.prev_io_completed = job.io_completed;
        job.ema_io_per_second += (now - job.ema_io_per_second) * 2.0 / (ema_period as f64 + 1.0);
        job.ema_io_per_second
    };
    let hz = spdk_get_ticks_hz().max(1) as f64;
    let us = |t: u64| t as f64 * 1e6 / hz;
    let total_io = job.io_completed + job.io_failed;
    Stats {
        io_time_in_usec: time_in_usec,
        iops,
        mibps: iops * job.io_size as f64 / (1024.0 * 1024.0),
        fail_ps: per_sec(job.io_failed, time_in_usec),
        timeout_ps: 0.0,
        min: lat.map_or(0.0, |l| us(l.min)),
        max: lat.map_or(0.0, |l| us(l.max)),
        avg: lat.map_or(0.0, |l| us(l.total) / l.count.max(1) as f64),
        total_io,
        total_tsc: lat.map_or(0, |l| l.total),
    }
}

pub fn print_header() {
    println!("{:>107}", "Latency(us)");
    println!(
        "\r {:<28}: {:>10} {:>10} {:>10} {:>10} {:>8} {:>10} {:>10} {:>10}",
        "Device Information",
        "runtime(s)",
        "IOPS",
        "MiB/s",
        "Fail/s",
        "TO/s",
        "Average",
        "min",
        "max"
    );
}

/// Whether the job ended on an error that counts (SPDK's "with error").
pub fn job_failed(job: &Job) -> bool {
    job.io_failed > 0 && !job.reset && !job.continue_on_failure
}

pub fn print_job(job: &Job, s: &Stats) {
    if job.workload.mixed() {
        println!(
            "Job: {} (Core Mask 0x{}, workload: {}, percentage: {}, depth: {}, IO size: {})",
            job.name,
            job.core_mask,
            job.workload.name(),
            job.rw_percentage,
            job.queue_depth,
            job.io_size
        );
    } else {
        println!(
            "Job: {} (Core Mask 0x{}, workload: {}, depth: {}, IO size: {})",
            job.name,
            job.core_mask,
            job.workload.name(),
            job.queue_depth,
            job.io_size
        );
    }
    if job_failed(job) {
        println!(
            "Job: {} ended in about {:.2} seconds with error",
            job.name,
            job.run_time_in_usec as f64 / 1e6
        );
    }
    if job.verify {
        println!(
            "\t Verification LBA range: start 0x{:x} length 0x{:x}",
            job.ios_base, job.size_in_ios
        );
    }
    println!(
        "\t {:<20}: {:>10.2} {:>10.2} {:>10.2} {:>10.2} {:>8.2} {:>10.2} {:>10.2} {:>10.2}",
        job.name,
        s.io_time_in_usec as f32 / 1e6,
        s.iops,
        s.mibps,
        s.fail_ps,
        s.timeout_ps,
        s.avg,
        s.min,
        s.max
    );
}

pub fn print_total(t: &Stats) {
    let hz = spdk_get_ticks_hz().max(1) as f64;
    let avg = if t.total_io == 0 {
        0.0
    } else {
        t.total_tsc as f64 / t.total_io as f64 * 1e6 / hz
    };
    println!("\r {RULE}");
    println!(
        "\r {:<28}: {:>10} {:>10.2} {:>10.2} {:>10.2} {:>8.2} {:>10.2} {:>10.2} {:>10.2}",
        "Total", "", t.iops, t.mibps, t.fail_ps, t.timeout_ps, avg, t.min, t.max
    );
}

/// One job of the perform_tests result, with SPDK's member names.
pub fn write_job_json(w: &mut JsonWriter, job: &Job, s: &Stats, shutdown: bool) {
    let _ = w.object_begin();
    let _ = w.named_string("job", &job.name);
    let _ = w.named_string("core_mask", format!("0x{}", job.core_mask));
    let _ = w.named_string("workload", job.workload.name());
    if job.workload.mixed() {
        let _ = w.named_uint64("percentage", job.rw_percentage as u64);
    }
    let status = if shutdown {
        "terminated"
    } else if job_failed(job) {
        "failed"
    } else {
        "finished"
    };
    let _ = w.named_string("status", status);
    if job.verify {
        let _ = w.named_object_begin("verify_range");
        let _ = w.named_uint64("start", job.ios_base);
        let _ = w.named_uint64("length", job.size_in_ios);
        let _ = w.object_end();
    }
    let _ = w.named_uint64("queue_depth", job.queue_depth as u64);
    let _ = w.named_uint64("io_size", job.io_size as u64);
    let _ = w.named("runtime", |w| w.double(s.io_time_in_usec as f64 / 1e6));
    let _ = w.named("iops", |w| w.double(s.iops));
    let _ = w.named("mibps", |w| w.double(s.mibps));
    let _ = w.named_uint64("io_failed", job.io_failed);
    let _ = w.named_uint64("io_timeout", 0);
    let _ = w.named("avg_latency_us", |w| w.double(s.avg));
    let _ = w.named("min_latency_us", |w| w.double(s.min));
    let _ = w.named("max_latency_us", |w| w.double(s.max));
    let _ = w.object_end();
}

/// One periodic dump, passed from job thread to job thread.
pub struct Dump {
    pub jobs: Vec<*mut Job>,
    pub next: usize,
    pub total: Stats,
    pub summarize: bool,
    pub ema_period: u64,
    pub period_usec: u64,
}

/// Starts a dump covering `period_num` periods (on the app thread).
pub unsafe fn start_dump(jobs: Vec<*mut Job>, o: &crate::opts::Opts, period_num: u64) {
    if DUMP_ACTIVE.swap(true, Ordering::AcqRel) {
        return;
    }
    let mut total = Stats::total();
    total.io_time_in_usec = period_num * o.period_usec;
    let d = Box::new(Dump {
        jobs,
        next: 0,
        total,
        summarize: o.summarize,
        ema_period: o.ema_period,
        period_usec: o.period_usec,
    });
    forward(Box::into_raw(d));
}

unsafe fn forward(d: *mut Dump) {
    let dump = &*d;
    match dump.jobs.get(dump.next) {
        Some(&j) => spdk_thread_send_msg((*j).thread, Some(dump_job), d.cast()),
        None => spdk_thread_send_msg(crate::run::main_thread(), Some(dump_done), d.cast()),
    };
}

/// On the job's thread, where its counters are written.
unsafe extern "C" fn dump_job(arg: *mut c_void) {
    let d = &mut *arg.cast::<Dump>();
    let job = &mut *d.jobs[d.next];
    let t = if job_failed(job) {
        job.run_time_in_usec
    } else {
        d.total.io_time_in_usec
    };
    // Latencies so far: the channel's histogram (the job's own is filled
    // when it ends).
    let mut live = job.latency.clone();
    if !job.ch.is_null() {
        spdk_bdev_channel_get_histogram(
            job.ch,
            Some(take_live),
            (&mut live as *mut Option<Histogram>).cast(),
        );
    }
    let lat = live.as_ref().and_then(Histogram::summary);
    let s = stats_with(job, lat, t, d.ema_period, d.period_usec);
    d.total.add(&s);
    if !d.summarize {
        print_job(job, &s);
    }
    d.next += 1;
    forward(d);
}

unsafe extern "C" fn take_live(arg: *mut c_void, status: c_int, h: *mut HistogramData) {
    let live = &mut *arg.cast::<Option<Histogram>>();
    if status == 0 && !h.is_null() {
        *live = crate::io::merged(live.take(), &*h);
    }
}

unsafe extern "C" fn dump_done(arg: *mut c_void) {
    let d = Box::from_raw(arg.cast::<Dump>());
    let t = &d.total;
    if d.summarize {
        print!("{:12.2} IOPS, {:8.2} MiB/s\r", t.iops, t.mibps);
    } else {
        print_total(t);
        println!();
    }
    let _ = std::io::stdout().flush();
    DUMP_ACTIVE.store(false, Ordering::Release);
}
