//! Submit + complete 4 KiB reads through the real driver (namespace
//! command, queue pair, PCIe queue code: PRPs, doorbells, phase bit)
//! against the in-memory model in rings-only mode (no data copied).
//! Reports TSC ticks (cycles at the nominal clock) and allocations per
//! I/O, at queue depths 1 and 32, with the device's share measured apart.
//!
//! Run with `cargo bench -p spdk-nvme --bench nvme_queue`.

use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};

use spdk_nvme::model::{Model, ModelConfig, ModelNs};
use spdk_nvme::ns_cmd::{self, RwArgs};
use spdk_nvme::probe;
use spdk_nvme::qpair::Qpair;
use spdk_nvme::request::Payload;
use spdk_nvme::spec::cmd::Cpl;
use spdk_util::alloc_count::{count_allocations, CountingAlloc};

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

static DONE: AtomicU64 = AtomicU64::new(0);

unsafe extern "C" fn done(_arg: *mut c_void, cpl: *const Cpl) {
    if (*cpl).is_error() {
        eprintln!("read failed");
        std::process::abort();
    }
    DONE.fetch_add(1, Ordering::Relaxed);
}

fn done_count() -> u64 {
    DONE.load(Ordering::Relaxed)
}

/// Runs `n` I/Os at depth `qd`; returns (ticks, device ticks).
#[allow(clippy::too_many_arguments)]
#[inline(never)]
unsafe fn run(
    model: &Model,
    ns: &spdk_nvme::ns::Ns,
    q: *mut Qpair,
    buf: *mut u8,
    qd: u64,
    n: u64,
    split: bool,
) -> (u64, u64) {
    let start_done = done_count();
    let mut sent = 0u64;
    let mut lba = 0u64;
    let mut dev = 0u64;
    let t0 = spdk_env::ticks();
    while done_count() - start_done < n {
        while sent < n && sent - (done_count() - start_done) < qd {
            let a = RwArgs {
                lba,
                lba_count: 8,
                ..Default::default()
            };
            lba = (lba + 8) % 2048;
            let p = Payload::Contig {
                buf,
                md: ptr::null_mut(),
            };
            let rc = ns_cmd::rw(ns, q, ns_cmd::OPC_READ, p, a, Some(done), ptr::null_mut());
            assert_eq!(rc, 0);
            sent += 1;
        }
        if split {
            // The device's turn, timed apart: the host's doorbell write
            // happened at the end of the previous poll.
            let d0 = spdk_env::ticks();
            model.step();
            dev += spdk_env::ticks() - d0;
        }
        Qpair::process_completions(q, 0);
    }
    (spdk_env::ticks() - t0, dev)
}

fn main() {
    let model = Model::new(ModelConfig {
        namespaces: vec![ModelNs::default()],
        rings_only: true,
        ..Default::default()
    });
    let c = probe::attach_model(&model, None).expect("controller");
    // SAFETY: the controller and pair live to the end of main.
    unsafe {
        let ctrlr = &mut *c;
        let ns = &*ctrlr.get_ns(1).expect("namespace");
        let mut o = ctrlr.default_io_qpair_opts();
        o.io_queue_size = 256;
        o.delay_cmd_submit = true;
        let q = ctrlr.alloc_io_qpair(&o).expect("qpair");
        let buf = spdk_env::memory::dma_alloc(4096, 4096, -1)
            .expect("buffer")
            .as_ptr();
        let hz = spdk_env::ticks_hz() as f64;
        println!(
            "nvme_queue: 4 KiB reads, rings-only model, TSC {:.2} GHz",
            hz / 1e9
        );
        // NVME_BENCH_IOS: I/Os per timed run (smaller under valgrind).
        let n_ios: u64 = std::env::var("NVME_BENCH_IOS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2_000_000);
        for qd in [1u64, 32] {
            let big_n = n_ios;
            // Warm up, then the best of five.
            run(&model, ns, q, buf, qd, big_n / 10, false);
            let mut best = u64::MAX;
            let mut allocs = 0;
            for _ in 0..5 {
                let mut t = 0;
                allocs += count_allocations(|| t = run(&model, ns, q, buf, qd, big_n, false).0);
                best = best.min(t);
            }
            let per_io = best as f64 / big_n as f64;
            // Host and device apart: the device stepped outside polling.
            model.set_auto_step(false);
            let mut best_split = (u64::MAX, 0);
            for _ in 0..3 {
                let r = run(&model, ns, q, buf, qd, big_n / 2, true);
                if r.0 < best_split.0 {
                    best_split = r;
                }
            }
            model.set_auto_step(true);
            let split_n = (big_n / 2) as f64;
            let dev_per_io = best_split.1 as f64 / split_n;
            let host_per_io = (best_split.0 - best_split.1) as f64 / split_n;
            println!(
                "  qd {:>2}: {:6.1} cycles/IO ({:5.1} ns) submit+complete with the device; \
                 timed apart: driver {:6.1} + model device {:5.1} (incl. 2 rdtsc per poll); \
                 {} allocations in {} I/Os ({:.3}/IO)",
                qd,
                per_io,
                per_io / hz * 1e9,
                host_per_io,
                dev_per_io,
                allocs,
                5 * big_n,
                allocs as f64 / (5 * big_n) as f64
            );
        }
        ctrlr.free_io_qpair(q);
        probe::detach(c);
    }
}
