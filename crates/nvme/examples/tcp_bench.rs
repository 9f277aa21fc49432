//! 4 KiB random reads over NVMe/TCP against the in-process fake target on
//! loopback: IOPS, and IOPS per host core (completions divided by the
//! CPU time of the polling thread alone; the target runs on other threads).
//!
//! `raw` drives the transport's queue pair directly; `core` goes through
//! the driver (spdk_nvme_connect, spdk_nvme_ns_cmd_read resubmitted from
//! the completion callback, spdk_nvme_qpair_process_completions).
//!
//! usage: tcp_bench [seconds] [queue depth] [none|digests] [raw|core]

#[path = "../tests/fake_tcp/mod.rs"]
mod fake_tcp;
#[path = "../tests/tcp_util/mod.rs"]
mod tcp_util;

use std::ffi::{c_void, CString};
use std::time::{Duration, Instant};

use fake_tcp::{Config, FakeTarget};
use spdk_nvme::ffi::nvme::ctrlr::*;
use spdk_nvme::ffi::nvme::ns::spdk_nvme_ns;
use spdk_nvme::ffi::nvme::ns_cmd::*;
use spdk_nvme::ffi::nvme::opts::{spdk_nvme_ctrlr_opts, spdk_nvme_io_qpair_opts};
use spdk_nvme::ffi::nvme::probe::*;
use spdk_nvme::ffi::nvme::qpair::*;
use spdk_nvme::ffi::nvme::*;
use spdk_nvme::spec::cmd::Cpl;
use spdk_nvme::tcp::{TcpCtrlr, TcpCtrlrOpts};
use spdk_nvme::transport::{CtrlrTransport, QpairOpts};
use tcp_util::Io;

fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Reads through the transport's queue pair (no driver core).
fn raw(t: &FakeTarget, secs: u64, qd: u16, digests: bool, blocks: u64) -> Stats {
    let mut o = TcpCtrlrOpts::new("127.0.0.1", &t.port(), "nqn.2024-01.io.spdk:fake");
    (o.hdgst, o.ddgst) = (digests, digests);
    let mut c = TcpCtrlr::new(o).expect("address");
    let mut admin = c.create_admin_qpair(32).expect("admin queue");
    c.enable().expect("enable");
    let q = c
        .create_io_qpair(
            &mut admin,
            1,
            &QpairOpts {
                io_queue_size: u32::from(qd) + 1,
                io_queue_requests: u32::from(qd),
                qprio: 0,
                delay_cmd_submit: true,
            },
        )
        .expect("I/O queue");
    let mut io = Io::new(q, qd as usize);
    let mut bufs: Vec<Vec<u8>> = (0..qd).map(|_| vec![0u8; 4096]).collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next_lba = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % (blocks / 8)) * 8
    };
    for (i, b) in bufs.iter_mut().enumerate() {
        io.submit_rw(i as u16, false, next_lba(), 4096, b.as_mut_ptr())
            .expect("submit");
    }
    let start = Instant::now();
    let cpu0 = thread_cpu();
    let end = start + Duration::from_secs(secs);
    let mut done = 0u64;
    // Time of the polls that reaped something and of the resubmissions:
    // the host's cost per I/O without the empty polls of waiting.
    let mut busy = Duration::ZERO;
    while Instant::now() < end {
        let t0 = Instant::now();
        if io.poll().expect("poll") == 0 {
            continue;
        }
        for cid in 0..qd {
            if let Some(cpl) = io.cpls[cid as usize].take() {
                assert!(cpl.is_success());
                done += 1;
                let b = &mut bufs[cid as usize];
                io.submit_rw(cid, false, next_lba(), 4096, b.as_mut_ptr())
                    .expect("submit");
            }
        }
        busy += t0.elapsed();
    }
    Stats {
        done,
        wall: start.elapsed(),
        cpu: thread_cpu() - cpu0,
        busy,
    }
}

struct Job {
    ns: *mut spdk_nvme_ns,
    q: *mut spdk_nvme_qpair,
    buf: *mut u8,
    seed: *mut u64,
    blocks: u64,
    done: *mut u64,
}

fn xorshift(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

unsafe fn submit(j: *mut Job) {
    let lba = (xorshift(&mut *(*j).seed) % ((*j).blocks / 8)) * 8;
    let rc = spdk_nvme_ns_cmd_read(
        (*j).ns,
        (*j).q,
        (*j).buf.cast(),
        lba,
        8,
        Some(read_done),
        j.cast(),
        0,
    );
    assert_eq!(rc, 0);
}

/// The run is over: the queue pair's deletion aborts the reads in flight.
static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

unsafe extern "C" fn read_done(arg: *mut c_void, cpl: *const Cpl) {
    if STOP.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    assert!((*cpl).is_success());
    let j = arg as *mut Job;
    *(*j).done += 1;
    submit(j);
}

/// Reads through the driver core's C API.
fn core(t: &FakeTarget, secs: u64, qd: u16, digests: bool, blocks: u64) -> Stats {
    spdk_nvme::model::ensure_env();
    let mut tr = spdk_nvme_transport_id::default();
    let s = CString::new(format!(
        "trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:{} subnqn:nqn.2024-01.io.spdk:fake",
        t.port()
    ))
    .unwrap();
    // SAFETY: C API calls with valid pointers; the jobs and buffers live
    // until the queue pair is freed.
    unsafe {
        assert_eq!(spdk_nvme_transport_id_parse(&mut tr, s.as_ptr()), 0);
        let mut o: spdk_nvme_ctrlr_opts = std::mem::zeroed();
        spdk_nvme_ctrlr_get_default_ctrlr_opts(&mut o, size_of::<spdk_nvme_ctrlr_opts>());
        o.header_digest = digests;
        o.data_digest = digests;
        let c = spdk_nvme_connect(&tr, &o, size_of::<spdk_nvme_ctrlr_opts>());
        assert!(!c.is_null());
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let mut qo: spdk_nvme_io_qpair_opts = std::mem::zeroed();
        spdk_nvme_ctrlr_get_default_io_qpair_opts(c, &mut qo, size_of::<spdk_nvme_io_qpair_opts>());
        qo.io_queue_size = u32::from(qd) + 1;
        qo.io_queue_requests = u32::from(qd) * 2;
        // One send per completion batch, as the raw run.
        qo.delay_cmd_submit = true;
        let q = spdk_nvme_ctrlr_alloc_io_qpair(c, &qo, size_of::<spdk_nvme_io_qpair_opts>());
        assert!(!q.is_null());
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut done = 0u64;
        let mut bufs: Vec<Vec<u8>> = (0..qd).map(|_| vec![0u8; 4096]).collect();
        let mut jobs: Vec<Job> = bufs
            .iter_mut()
            .map(|b| Job {
                ns,
                q,
                buf: b.as_mut_ptr(),
                seed: &mut seed,
                blocks,
                done: &mut done,
            })
            .collect();
        for j in jobs.iter_mut() {
            submit(j);
        }
        let start = Instant::now();
        let cpu0 = thread_cpu();
        let end = start + Duration::from_secs(secs);
        let mut busy = Duration::ZERO;
        while Instant::now() < end {
            let t0 = Instant::now();
            let n = spdk_nvme_qpair_process_completions(q, 0);
            assert!(n >= 0);
            if n > 0 {
                busy += t0.elapsed();
            }
        }
        let st = Stats {
            done: std::ptr::read_volatile(&done),
            wall: start.elapsed(),
            cpu: thread_cpu() - cpu0,
            busy,
        };
        STOP.store(true, std::sync::atomic::Ordering::Relaxed);
        spdk_nvme_ctrlr_free_io_qpair(q);
        spdk_nvme_detach(c);
        st
    }
}

struct Stats {
    done: u64,
    wall: Duration,
    cpu: Duration,
    busy: Duration,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let secs: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    let qd: u16 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(32);
    let digests = args.get(3).is_some_and(|s| s == "digests");
    let use_core = args.get(4).is_some_and(|s| s == "core");
    let blocks = 131072u64;
    let t = FakeTarget::start(Config {
        ns_blocks: blocks,
        ..Config::default()
    });
    let st = if use_core {
        core(&t, secs, qd, digests, blocks)
    } else {
        raw(&t, secs, qd, digests, blocks)
    };
    let (done, wall, cpu, busy) = (
        st.done as f64,
        st.wall.as_secs_f64(),
        st.cpu.as_secs_f64(),
        st.busy.as_secs_f64(),
    );
    println!(
        "tcp_bench {}: 4 KiB random reads, QD {qd}, digests {}: {:.0} IOPS (host thread {:.0}% of a core, polling: \
         {:.0} IOPS per core of its CPU time); host busy {:.2} us per I/O = {:.0} IOPS per host core",
        if use_core { "core" } else { "raw" },
        if digests { "on" } else { "off" },
        done / wall,
        100.0 * cpu / wall,
        done / cpu,
        busy * 1e6 / done,
        done / busy
    );
}
