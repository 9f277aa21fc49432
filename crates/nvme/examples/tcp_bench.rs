//! 4 KiB random reads over NVMe/TCP against the in-process fake target on
//! loopback: IOPS, and IOPS per host core (completions divided by the
//! CPU time of the polling thread alone; the target runs on other threads).
//!
//! usage: tcp_bench [seconds] [queue depth] [none|digests]

#[path = "../tests/fake_tcp/mod.rs"]
mod fake_tcp;
#[path = "../tests/tcp_util/mod.rs"]
mod tcp_util;

use std::time::{Duration, Instant};

use fake_tcp::{Config, FakeTarget};
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

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let secs: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    let qd: u16 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(32);
    let digests = args.get(3).is_some_and(|s| s == "digests");
    let blocks = 131072u64;
    let t = FakeTarget::start(Config {
        ns_blocks: blocks,
        ..Config::default()
    });
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
    let wall = start.elapsed().as_secs_f64();
    let cpu = (thread_cpu() - cpu0).as_secs_f64();
    println!(
        "tcp_bench: 4 KiB random reads, QD {qd}, digests {}: {:.0} IOPS (host thread {:.0}% of a core, polling: {:.0} IOPS per core of its CPU time); \
         host busy {:.2} us per I/O = {:.0} IOPS per host core",
        if digests { "on" } else { "off" },
        done as f64 / wall,
        100.0 * cpu / wall,
        done as f64 / cpu,
        busy.as_secs_f64() * 1e6 / done as f64,
        done as f64 / busy.as_secs_f64()
    );
}
