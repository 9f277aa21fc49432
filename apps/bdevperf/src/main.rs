//! bdevperf: SPDK's bdev benchmark. One job per bdev of the configuration
//! (`-c`/`--json`), each keeping `-q` I/Os of `-o` bytes in flight with the
//! `-w` pattern for `-t` seconds, then SPDK's results table.
//!
//! This first version runs every job on the app thread (first core of the
//! mask) and supports read, write, randread, randwrite, rw and randrw
//! (`-M` read percentage).

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;
use std::sync::Mutex;

use spdk::bdev::ffi::bdev::*;
use spdk::bdev::ffi::bdev_module::spdk_bdev_io;
use spdk::bdev::spdk_bdev;
use spdk::env::ffi::env::{spdk_dma_free, spdk_dma_zmalloc, spdk_get_ticks, spdk_get_ticks_hz};
use spdk::event::ffi::event::{
    spdk_app_fini, spdk_app_opts, spdk_app_opts_init, spdk_app_parse_args,
    spdk_app_parse_args_rvals, spdk_app_start, spdk_app_stop,
};
use spdk::thread::ffi::thread::{
    spdk_io_channel, spdk_poller, spdk_poller_register, spdk_poller_unregister, spdk_put_io_channel,
};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Workload {
    Read,
    Write,
    RandRead,
    RandWrite,
    Rw,
    RandRw,
}

impl Workload {
    fn parse(s: &str) -> Option<Workload> {
        Some(match s {
            "read" => Workload::Read,
            "write" => Workload::Write,
            "randread" => Workload::RandRead,
            "randwrite" => Workload::RandWrite,
            "rw" => Workload::Rw,
            "randrw" => Workload::RandRw,
            _ => return None,
        })
    }
    fn name(self) -> &'static str {
        match self {
            Workload::Read => "read",
            Workload::Write => "write",
            Workload::RandRead => "randread",
            Workload::RandWrite => "randwrite",
            Workload::Rw => "rw",
            Workload::RandRw => "randrw",
        }
    }
    fn random(self) -> bool {
        matches!(
            self,
            Workload::RandRead | Workload::RandWrite | Workload::RandRw
        )
    }
    fn mixed(self) -> bool {
        matches!(self, Workload::Rw | Workload::RandRw)
    }
}

struct Config {
    qd: u32,
    io_size: u32,
    workload: Option<Workload>,
    time_s: u64,
    rw_percentage: i32,
}

static CONFIG: Mutex<Config> = Mutex::new(Config {
    qd: 0,
    io_size: 0,
    workload: None,
    time_s: 0,
    rw_percentage: -1,
});

fn config() -> std::sync::MutexGuard<'static, Config> {
    CONFIG.lock().unwrap_or_else(|e| e.into_inner())
}

#[repr(C)]
struct Task {
    job: *mut Job,
    buf: *mut c_void,
    submit_tsc: u64,
    wait: spdk_bdev_io_wait_entry,
}

struct Job {
    name: String,
    bdev: *mut spdk_bdev,
    desc: *mut spdk_bdev_desc,
    ch: *mut spdk_io_channel,
    workload: Workload,
    rw_percentage: u32,
    qd: u32,
    io_size: u32,
    io_blocks: u64,
    size_in_ios: u64,
    next_seq: u64,
    rng: u64,
    tasks: Vec<Task>,
    stopping: bool,
    outstanding: u32,
    io_completed: u64,
    io_failed: u64,
    total_tsc: u64,
    min_tsc: u64,
    max_tsc: u64,
    start_tsc: u64,
    end_tsc: u64,
}

struct State {
    /// Boxed: tasks point at their job, so jobs must not move.
    #[allow(clippy::vec_box)]
    jobs: Vec<Box<Job>>,
    running: usize,
    stop_poller: *mut spdk_poller,
}

// SAFETY: used on the app thread only.
unsafe impl Send for State {}

static STATE: Mutex<State> = Mutex::new(State {
    jobs: Vec::new(),
    running: 0,
    stop_poller: ptr::null_mut(),
});

fn state() -> std::sync::MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

#[inline]
fn xorshift(s: &mut u64) -> u64 {
    let mut x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    x
}

unsafe fn submit(t: *mut Task) {
    let job = &mut *(*t).job;
    let off = if job.workload.random() {
        xorshift(&mut job.rng) % job.size_in_ios
    } else {
        let o = job.next_seq;
        job.next_seq += 1;
        if job.next_seq == job.size_in_ios {
            job.next_seq = 0;
        }
        o
    } * job.io_blocks;
    let read = match job.workload {
        Workload::Read | Workload::RandRead => true,
        Workload::Write | Workload::RandWrite => false,
        _ => (xorshift(&mut job.rng) % 100) < job.rw_percentage as u64,
    };
    (*t).submit_tsc = spdk_get_ticks();
    let rc = if read {
        spdk_bdev_read_blocks(
            job.desc,
            job.ch,
            (*t).buf,
            off,
            job.io_blocks,
            Some(io_done),
            t.cast(),
        )
    } else {
        spdk_bdev_write_blocks(
            job.desc,
            job.ch,
            (*t).buf,
            off,
            job.io_blocks,
            Some(io_done),
            t.cast(),
        )
    };
    match rc {
        0 => job.outstanding += 1,
        r if r == -libc::ENOMEM => {
            (*t).wait.bdev = job.bdev;
            (*t).wait.cb_fn = Some(retry);
            (*t).wait.cb_arg = t.cast();
            if spdk_bdev_queue_io_wait(job.bdev, job.ch, &mut (*t).wait) == 0 {
                job.outstanding += 1;
            }
        }
        r => {
            eprintln!("Failed to submit bdev_io: {r}");
            job.io_failed += 1;
            job.stopping = true;
            maybe_job_done(job);
        }
    }
}

unsafe extern "C" fn retry(arg: *mut c_void) {
    let t = arg.cast::<Task>();
    (*(*t).job).outstanding -= 1;
    submit(t);
}

unsafe extern "C" fn io_done(io: *mut spdk_bdev_io, success: bool, arg: *mut c_void) {
    let t = arg.cast::<Task>();
    let job = &mut *(*t).job;
    let now = spdk_get_ticks();
    spdk_bdev_free_io(io);
    job.outstanding -= 1;
    if success {
        let d = now - (*t).submit_tsc;
        job.io_completed += 1;
        job.total_tsc += d;
        if d < job.min_tsc {
            job.min_tsc = d;
        }
        if d > job.max_tsc {
            job.max_tsc = d;
        }
    } else {
        job.io_failed += 1;
    }
    if job.stopping {
        maybe_job_done(job);
    } else {
        submit(t);
    }
}

unsafe extern "C" fn event_cb(_t: spdk_bdev_event_type, _b: *mut spdk_bdev, _ctx: *mut c_void) {}

unsafe fn maybe_job_done(job: &mut Job) {
    if job.outstanding != 0 || job.ch.is_null() {
        return;
    }
    if job.end_tsc == 0 {
        job.end_tsc = spdk_get_ticks();
    }
    spdk_put_io_channel(job.ch);
    job.ch = ptr::null_mut();
    let all_done = {
        let mut s = state();
        s.running -= 1;
        s.running == 0
    };
    if all_done {
        report();
        cleanup();
        spdk_app_stop(0);
    }
}

unsafe extern "C" fn stop_jobs(_arg: *mut c_void) -> c_int {
    let jobs: Vec<*mut Job> = {
        let mut s = state();
        spdk_poller_unregister(&mut s.stop_poller);
        s.jobs.iter_mut().map(|j| &mut **j as *mut Job).collect()
    };
    let now = spdk_get_ticks();
    for j in jobs {
        (*j).stopping = true;
        (*j).end_tsc = now;
        maybe_job_done(&mut *j);
    }
    1
}

unsafe fn cleanup() {
    let jobs = std::mem::take(&mut state().jobs);
    for j in jobs {
        for t in &j.tasks {
            spdk_dma_free(t.buf);
        }
        spdk_bdev_close(j.desc);
    }
}

fn report() {
    let hz = spdk_get_ticks_hz() as f64;
    let s = state();
    println!("\n{:>107}", "Latency(us)");
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
    let (mut t_iops, mut t_mibs, mut t_fail, mut t_ios, mut t_tsc) = (0f64, 0f64, 0f64, 0u64, 0u64);
    let (mut t_min, mut t_max) = (f64::MAX, 0f64);
    for j in &s.jobs {
        let secs = (j.end_tsc.saturating_sub(j.start_tsc)) as f64 / hz;
        let iops = j.io_completed as f64 / secs;
        let mibs = iops * j.io_size as f64 / (1024.0 * 1024.0);
        let fails = j.io_failed as f64 / secs;
        let to_us = |t: u64| t as f64 * 1e6 / hz;
        let avg = if j.io_completed > 0 {
            to_us(j.total_tsc) / j.io_completed as f64
        } else {
            0.0
        };
        let min = if j.io_completed > 0 {
            to_us(j.min_tsc)
        } else {
            0.0
        };
        let max = to_us(j.max_tsc);
        if j.workload.mixed() {
            println!(
                "Job: {} (Core Mask 0x1, workload: {}, percentage: {}, depth: {}, IO size: {})",
                j.name,
                j.workload.name(),
                j.rw_percentage,
                j.qd,
                j.io_size
            );
        } else {
            println!(
                "Job: {} (Core Mask 0x1, workload: {}, depth: {}, IO size: {})",
                j.name,
                j.workload.name(),
                j.qd,
                j.io_size
            );
        }
        println!(
            "\t {:<20}: {:>10.2} {:>10.2} {:>10.2} {:>10.2} {:>8.2} {:>10.2} {:>10.2} {:>10.2}",
            j.name, secs, iops, mibs, fails, 0.0, avg, min, max
        );
        t_iops += iops;
        t_mibs += mibs;
        t_fail += fails;
        t_ios += j.io_completed;
        t_tsc += j.total_tsc;
        t_min = t_min.min(min);
        t_max = t_max.max(max);
    }
    println!(
        "\r ==================================================================================================================="
    );
    let avg = if t_ios > 0 {
        t_tsc as f64 * 1e6 / hz / t_ios as f64
    } else {
        0.0
    };
    if t_min == f64::MAX {
        t_min = 0.0;
    }
    println!(
        "\r {:<28}: {:>10} {:>10.2} {:>10.2} {:>10.2} {:>8.2} {:>10.2} {:>10.2} {:>10.2}",
        "Total", "", t_iops, t_mibs, t_fail, 0.0, avg, t_min, t_max
    );
}

unsafe extern "C" fn start(_ctx: *mut c_void) {
    let (qd, io_size, workload, time_s, pct) = {
        let c = config();
        (
            c.qd,
            c.io_size,
            c.workload.unwrap_or(Workload::Read),
            c.time_s,
            c.rw_percentage,
        )
    };
    let mut bdev = spdk_bdev_first_leaf();
    let mut jobs = Vec::new();
    while !bdev.is_null() {
        let name = CStr::from_ptr(spdk_bdev_get_name(bdev))
            .to_string_lossy()
            .into_owned();
        let bs = spdk_bdev_get_block_size(bdev);
        if io_size % bs != 0 {
            eprintln!("IO size ({io_size}) is not a multiple of the block size of {name} ({bs})");
            spdk_app_stop(1);
            return;
        }
        let io_blocks = (io_size / bs) as u64;
        let size_in_ios = spdk_bdev_get_num_blocks(bdev) / io_blocks;
        let write = !matches!(workload, Workload::Read | Workload::RandRead);
        let mut desc = ptr::null_mut();
        let cname = CString::new(name.clone()).unwrap_or_default();
        let rc = spdk_bdev_open_ext(
            cname.as_ptr(),
            write,
            Some(event_cb),
            ptr::null_mut(),
            &mut desc,
        );
        if rc != 0 || size_in_ios == 0 {
            eprintln!("Could not open leaf bdev {name}, error={rc}");
            spdk_app_stop(1);
            return;
        }
        let mut job = Box::new(Job {
            name,
            bdev,
            desc,
            ch: spdk_bdev_get_io_channel(desc),
            workload,
            rw_percentage: pct.clamp(0, 100) as u32,
            qd,
            io_size,
            io_blocks,
            size_in_ios,
            next_seq: 0,
            rng: 0x9e37_79b9_7f4a_7c15 ^ (jobs.len() as u64 + 1),
            tasks: Vec::with_capacity(qd as usize),
            stopping: false,
            outstanding: 0,
            io_completed: 0,
            io_failed: 0,
            total_tsc: 0,
            min_tsc: u64::MAX,
            max_tsc: 0,
            start_tsc: 0,
            end_tsc: 0,
        });
        let jp: *mut Job = &mut *job;
        for _ in 0..qd {
            let buf = spdk_dma_zmalloc(io_size as usize, 4096, ptr::null_mut());
            if buf.is_null() {
                eprintln!("Task allocation failed");
                spdk_app_stop(1);
                return;
            }
            job.tasks.push(Task {
                job: jp,
                buf,
                submit_tsc: 0,
                wait: std::mem::zeroed(),
            });
        }
        jobs.push(job);
        bdev = spdk_bdev_next_leaf(bdev);
    }
    if jobs.is_empty() {
        eprintln!("No valid bdevs found.");
        spdk_app_stop(1);
        return;
    }
    println!("Running I/O for {time_s} seconds...");
    let ptrs: Vec<*mut Job> = jobs.iter_mut().map(|j| &mut **j as *mut Job).collect();
    {
        let mut s = state();
        s.running = jobs.len();
        s.jobs = jobs;
        s.stop_poller = spdk_poller_register(Some(stop_jobs), ptr::null_mut(), time_s * 1_000_000);
    }
    for j in ptrs {
        (*j).start_tsc = spdk_get_ticks();
        let tasks: Vec<*mut Task> = (*j).tasks.iter_mut().map(|t| t as *mut Task).collect();
        for t in tasks {
            submit(t);
        }
    }
}

unsafe extern "C" fn usage() {
    let text = c" -q <depth>                io depth\n -o <size>                 io size in bytes\n -w <type>                 io pattern type, must be one of (read, write, randread, randwrite, rw, randrw)\n -t <time>                 time in seconds\n -M <percent>              rwmixread (100 for reads, 0 for writes)\n";
    libc::printf(c"%s".as_ptr(), text.as_ptr());
}

unsafe extern "C" fn parse_arg(ch: c_int, arg: *mut c_char) -> c_int {
    let v = CStr::from_ptr(arg).to_string_lossy().into_owned();
    let mut c = config();
    let num = |s: &str| -> Option<u64> {
        let s = s.trim();
        let (n, mult) = match s.chars().last() {
            Some('k') | Some('K') => (&s[..s.len() - 1], 1024),
            Some('m') | Some('M') => (&s[..s.len() - 1], 1024 * 1024),
            _ => (s, 1),
        };
        n.parse::<u64>().ok().map(|x| x * mult)
    };
    match ch as u8 {
        b'q' => match num(&v) {
            Some(x) if x > 0 && x <= u32::MAX as u64 => c.qd = x as u32,
            _ => return -libc::EINVAL,
        },
        b'o' => match num(&v) {
            Some(x) if x > 0 && x <= u32::MAX as u64 => c.io_size = x as u32,
            _ => return -libc::EINVAL,
        },
        b'w' => match Workload::parse(&v) {
            Some(w) => c.workload = Some(w),
            None => {
                eprintln!(
                    "workload type must be one of read, write, randread, randwrite, rw, randrw"
                );
                return -libc::EINVAL;
            }
        },
        b't' => match v.parse::<u64>() {
            Ok(x) if x > 0 => c.time_s = x,
            _ => return -libc::EINVAL,
        },
        b'M' => match v.parse::<i32>() {
            Ok(x) if (0..=100).contains(&x) => c.rw_percentage = x,
            _ => return -libc::EINVAL,
        },
        _ => return -libc::EINVAL,
    }
    0
}

fn main() {
    let args: Vec<CString> = std::env::args()
        .map(|a| CString::new(a).unwrap_or_default())
        .collect();
    let mut argv: Vec<*mut c_char> = args.iter().map(|a| a.as_ptr() as *mut c_char).collect();
    argv.push(ptr::null_mut());
    // SAFETY: the C API used as a C program would, with live buffers.
    let rc = unsafe {
        let mut opts: spdk_app_opts = std::mem::zeroed();
        spdk_app_opts_init(&mut opts, std::mem::size_of::<spdk_app_opts>());
        opts.name = c"bdevperf".as_ptr();
        opts.rpc_addr = ptr::null();
        let r = spdk_app_parse_args(
            (argv.len() - 1) as c_int,
            argv.as_mut_ptr(),
            &mut opts,
            c"q:o:w:t:M:".as_ptr(),
            ptr::null(),
            Some(parse_arg),
            Some(usage),
        );
        match r {
            spdk_app_parse_args_rvals::SPDK_APP_PARSE_ARGS_SUCCESS => {}
            spdk_app_parse_args_rvals::SPDK_APP_PARSE_ARGS_HELP => std::process::exit(0),
            _ => std::process::exit(1),
        }
        {
            let mut c = config();
            if c.qd == 0 || c.io_size == 0 || c.workload.is_none() || c.time_s == 0 {
                eprintln!("bdevperf: -q, -o, -w and -t are required");
                drop(c);
                usage();
                std::process::exit(1);
            }
            if c.workload.is_some_and(|w| w.mixed()) && c.rw_percentage < 0 {
                eprintln!("bdevperf: -M must be given for rw and randrw");
                std::process::exit(1);
            }
            if c.workload == Some(Workload::Read) || c.workload == Some(Workload::RandRead) {
                c.rw_percentage = 100;
            } else if !c.workload.is_some_and(|w| w.mixed()) {
                c.rw_percentage = 0;
            }
        }
        let rc = spdk_app_start(&mut opts, Some(start), ptr::null_mut());
        spdk_app_fini();
        rc
    };
    std::process::exit(rc);
}
