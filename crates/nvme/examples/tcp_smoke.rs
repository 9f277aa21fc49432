//! NVMe/TCP host smoke test against a real target (the Linux kernel's
//! nvmet in a lab guest; scripts/nvme-tcp-lab-test.sh runs it):
//! discovery, then for each digest setting (none, header, data, both) a
//! controller: Connect, enable through Property Set, identify, two I/O
//! queues, writes of several sizes (in-capsule and R2T) read back and
//! compared, queue depth 16, keep alive, shutdown. Then the same through
//! the driver's C API (nvme.h): spdk_nvme_probe on the discovery
//! controller (probe_cb per entry), spdk_nvme_connect, namespace writes
//! and reads compared, detach.
//!
//! usage: tcp_smoke HOST:PORT SUBNQN [none|hdgst|ddgst|both ...]

#[path = "../tests/tcp_util/mod.rs"]
mod tcp_util;

use std::ffi::{c_void, CString};
use std::process::exit;
use std::time::{Duration, Instant};

use spdk_nvme::spec::cmd::Cmd;
use spdk_nvme::spec::ns::NsData;
use spdk_nvme::spec::regs::{Cc, Csts};
use spdk_nvme::spec::Pod;
use spdk_nvme::tcp::ctrlr::reg;
use spdk_nvme::tcp::discovery::{self, entry_str};
use spdk_nvme::tcp::{TcpCtrlr, TcpCtrlrOpts};
use spdk_nvme::transport::{CtrlrTransport, QpairOpts};
use tcp_util::{pattern, Io};

fn fail(msg: String) -> ! {
    eprintln!("tcp_smoke: FAIL: {msg}");
    exit(1);
}

fn check<T>(r: Result<T, i32>, what: &str) -> T {
    r.unwrap_or_else(|e| fail(format!("{what}: {}", std::io::Error::from_raw_os_error(-e))))
}

fn text(b: &[i8]) -> String {
    let v: Vec<u8> = b.iter().map(|&c| c as u8).collect();
    String::from_utf8_lossy(&v).trim().to_string()
}

fn qopts() -> QpairOpts {
    QpairOpts {
        io_queue_size: 32,
        io_queue_requests: 32,
        qprio: 0,
        delay_cmd_submit: false,
    }
}

/// Writes `len` bytes at `lba`, reads them back, compares.
fn write_read(io: &mut Io, lba: u64, len: usize, seed: u8, what: &str) {
    let mut w = vec![0u8; len];
    pattern(&mut w, lba, seed);
    let c = check(io.rw(true, lba, &mut w), what);
    if c.is_error() {
        fail(format!(
            "{what}: write of {len} bytes at {lba}: status {:?}",
            c.status
        ));
    }
    let mut r = vec![0u8; len];
    let c = check(io.rw(false, lba, &mut r), what);
    if c.is_error() {
        fail(format!(
            "{what}: read of {len} bytes at {lba}: status {:?}",
            c.status
        ));
    }
    if r != w {
        fail(format!("{what}: {len} bytes at {lba} read back differ"));
    }
    println!("tcp_smoke: {what}: {len} bytes written at block {lba}, read back, equal");
}

fn run(host: &str, port: &str, nqn: &str, hdgst: bool, ddgst: bool, seed: u8) {
    let what = format!("digests h{} d{}", u8::from(hdgst), u8::from(ddgst));
    let t0 = Instant::now();
    let mut o = TcpCtrlrOpts::new(host, port, nqn);
    (o.hdgst, o.ddgst) = (hdgst, ddgst);
    o.timeout = Duration::from_secs(30);
    let mut c = check(TcpCtrlr::new(o), "address");
    let mut admin = check(c.create_admin_qpair(32), "admin Connect");
    check(c.enable(), "enable");
    let cd = check(c.identify_ctrlr(), "identify controller");
    let ioccsz = cd.nvmf_specific.ioccsz;
    c.set_ioccsz(ioccsz);
    let mut nd: Box<NsData> = Box::new(Pod::zeroed());
    let mut cmd = Cmd::new(0x06, 1);
    cmd.cdw10 = 0;
    check(
        c.admin_sync(cmd, Some(nd.as_bytes_mut())),
        "identify namespace",
    );
    let shift = nd.lbaf[nd.lba_format_index()].lbads();
    let nsze = nd.nsze;
    if !(9..=16).contains(&shift) || nsze << shift < 64 << 20 {
        fail(format!(
            "{what}: namespace of {nsze} blocks of 2^{shift} bytes, the test needs 64 MiB"
        ));
    }
    let q1 = check(
        c.create_io_qpair(&mut admin, 1, &qopts()),
        "I/O queue 1 Connect",
    );
    let q2 = check(
        c.create_io_qpair(&mut admin, 2, &qopts()),
        "I/O queue 2 Connect",
    );
    let mut io1 = Io::new(q1, 32);
    let mut io2 = Io::new(q2, 32);
    io1.block_shift = shift;
    io2.block_shift = shift;
    let (h, d) = io1.q.digests();
    if (h, d) != (hdgst, ddgst) {
        fail(format!(
            "{what}: the target granted digests h{} d{}",
            u8::from(h),
            u8::from(d)
        ));
    }
    println!(
        "tcp_smoke: {what}: {} {} cntlid {} ioccsz {} mdts {} maxh2cdata {} ns 1: {} blocks of {}",
        text(&cd.mn),
        text(&cd.sn),
        c.cntlid(),
        ioccsz,
        cd.mdts,
        io1.q.maxh2cdata(),
        nsze,
        1u32 << shift
    );
    // Each digest setting has its own 8 MiB of the namespace.
    let blk = 1usize << shift;
    let lba = |byte: u64| byte >> shift;
    let base = u64::from(seed) * (8 << 20);
    let sizes = [512usize, 8192, 20480, 65536, 256 * 1024, 1 << 20];
    for (k, len) in sizes.into_iter().enumerate() {
        let len = len.div_ceil(blk) * blk;
        write_read(
            &mut io1,
            lba(base + k as u64 * (512 << 10)),
            len,
            seed,
            &what,
        );
    }
    // Depth 16 on the second queue: writes, then reads, in flight at once.
    let mut bufs: Vec<Vec<u8>> = (0..16)
        .map(|i| {
            let mut v = vec![0u8; blk.max(4096) * (1 + i % 3)];
            pattern(&mut v, i as u64, seed ^ 0x5a);
            v
        })
        .collect();
    let lba_of = |i: usize| lba(base + (4 << 20) + i as u64 * (64 << 10));
    for (i, b) in bufs.iter_mut().enumerate() {
        check(
            io2.submit_rw(i as u16, true, lba_of(i), b.len(), b.as_mut_ptr()),
            "submit",
        );
    }
    for i in 0..16u16 {
        if check(io2.wait(i), "depth-16 write").is_error() {
            fail(format!("{what}: depth-16 write failed"));
        }
    }
    let mut back: Vec<Vec<u8>> = bufs.iter().map(|b| vec![0u8; b.len()]).collect();
    for (i, b) in back.iter_mut().enumerate() {
        check(
            io2.submit_rw(i as u16, false, lba_of(i), b.len(), b.as_mut_ptr()),
            "submit",
        );
    }
    for i in 0..16u16 {
        if check(io2.wait(i), "depth-16 read").is_error() {
            fail(format!("{what}: depth-16 read failed"));
        }
    }
    if back != bufs {
        fail(format!("{what}: depth-16 data differs"));
    }
    println!("tcp_smoke: {what}: 16 writes then 16 reads in flight on queue 2, data equal");
    check(c.admin_sync(Cmd::new(0x18, 0), None), "keep alive");
    check(c.delete_io_qpair(&mut admin, io2.q), "delete queue 2");
    drop(io1);
    // Normal shutdown through Property Set, then CSTS.SHST complete.
    let cc = Cc(check(c.read_reg_4(reg::CC), "CC"));
    check(c.write_reg_4(reg::CC, cc.with_shn(1).0), "CC.SHN");
    let end = Instant::now() + Duration::from_secs(10);
    while Csts(check(c.read_reg_4(reg::CSTS), "CSTS")).shst() != 2 {
        if Instant::now() > end {
            fail(format!("{what}: shutdown did not complete"));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    c.destruct();
    println!(
        "tcp_smoke: {what}: OK ({:.1} s)",
        t0.elapsed().as_secs_f64()
    );
}

mod core_api {
    use super::*;
    use spdk_nvme::ffi::nvme::ctrlr::*;
    use spdk_nvme::ffi::nvme::ns::*;
    use spdk_nvme::ffi::nvme::ns_cmd::*;
    use spdk_nvme::ffi::nvme::opts::spdk_nvme_ctrlr_opts;
    use spdk_nvme::ffi::nvme::probe::*;
    use spdk_nvme::ffi::nvme::qpair::*;
    use spdk_nvme::ffi::nvme::*;
    use spdk_nvme::spec::cmd::Cpl;

    fn trid(host: &str, port: &str, nqn: &str) -> spdk_nvme_transport_id {
        let mut t = spdk_nvme_transport_id::default();
        let s = CString::new(format!(
            "trtype:TCP adrfam:IPv4 traddr:{host} trsvcid:{port} subnqn:{nqn}"
        ))
        .unwrap_or_default();
        // SAFETY: valid pointers.
        if unsafe { spdk_nvme_transport_id_parse(&mut t, s.as_ptr()) } != 0 {
            fail(format!("cannot parse the transport ID of {host}:{port}"));
        }
        t
    }

    fn field(f: &[std::ffi::c_char]) -> String {
        let b: Vec<u8> = f
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        String::from_utf8_lossy(&b).into_owned()
    }

    unsafe extern "C" fn probe_cb(
        ctx: *mut c_void,
        t: *const spdk_nvme_transport_id,
        _o: *mut spdk_nvme_ctrlr_opts,
    ) -> bool {
        let seen = &mut *(ctx as *mut Vec<String>);
        let t = &*t;
        seen.push(format!(
            "{}:{} {}",
            field(&t.traddr),
            field(&t.trsvcid),
            field(&t.subnqn)
        ));
        // The log names the guest's address, not reachable from here.
        false
    }

    struct Done {
        n: usize,
        last: Cpl,
    }

    unsafe extern "C" fn done(arg: *mut c_void, cpl: *const Cpl) {
        let d = &mut *(arg as *mut Done);
        d.n += 1;
        d.last = *cpl;
    }

    /// spdk_nvme_probe on the discovery controller: probe_cb must see
    /// the subsystem.
    pub fn probe_discovery(host: &str, port: &str, nqn: &str) {
        let t = trid(host, port, spdk_nvme::DISCOVERY_NQN);
        let mut seen: Vec<String> = Vec::new();
        // SAFETY: valid pointers and callbacks.
        let rc = unsafe {
            spdk_nvme_probe(
                &t,
                (&mut seen as *mut Vec<String>).cast(),
                Some(probe_cb),
                None,
                None,
            )
        };
        if rc != 0 {
            fail(format!("spdk_nvme_probe on the discovery controller: {rc}"));
        }
        if !seen.iter().any(|s| s.ends_with(&format!(" {nqn}"))) {
            fail(format!(
                "spdk_nvme_probe: probe_cb never saw {nqn}: {seen:?}"
            ));
        }
        println!("tcp_smoke: nvme.h: spdk_nvme_probe(discovery) offered {seen:?}");
    }

    /// spdk_nvme_connect, namespace write/read/compare, detach.
    pub fn connect_io(host: &str, port: &str, nqn: &str, hdgst: bool, ddgst: bool, seed: u8) {
        let what = format!("nvme.h digests h{} d{}", u8::from(hdgst), u8::from(ddgst));
        let t = trid(host, port, nqn);
        // SAFETY: C API calls with valid pointers; buffers outlive the
        // commands (each is waited for).
        unsafe {
            let mut o: spdk_nvme_ctrlr_opts = std::mem::zeroed();
            spdk_nvme_ctrlr_get_default_ctrlr_opts(&mut o, size_of::<spdk_nvme_ctrlr_opts>());
            o.header_digest = hdgst;
            o.data_digest = ddgst;
            let c = spdk_nvme_connect(&t, &o, size_of::<spdk_nvme_ctrlr_opts>());
            if c.is_null() {
                fail(format!("{what}: spdk_nvme_connect failed"));
            }
            let ns = spdk_nvme_ctrlr_get_ns(c, 1);
            if ns.is_null() {
                fail(format!("{what}: no namespace 1"));
            }
            let bs = spdk_nvme_ns_get_sector_size(ns) as usize;
            let q = spdk_nvme_ctrlr_alloc_io_qpair(c, std::ptr::null(), 0);
            if q.is_null() {
                fail(format!("{what}: no I/O queue pair"));
            }
            let mut d = Done {
                n: 0,
                last: Cpl::default(),
            };
            let darg = &mut d as *mut Done as *mut c_void;
            let wait = |n: usize| {
                let end = Instant::now() + Duration::from_secs(30);
                while std::ptr::read_volatile(&(*(darg as *const Done)).n) < n {
                    let rc = spdk_nvme_qpair_process_completions(q, 0);
                    if rc < 0 || Instant::now() > end {
                        fail(format!("{what}: process_completions {rc}"));
                    }
                }
                (*(darg as *const Done)).last
            };
            let base = 40u64 << 20;
            for (k, len) in [bs, 64 << 10, 1 << 20].into_iter().enumerate() {
                let lba = (base + u64::from(seed) * (2 << 20) + k as u64 * (1 << 20)) / bs as u64;
                let blocks = (len / bs) as u32;
                let mut w = vec![0u8; len];
                pattern(&mut w, lba, seed);
                let mut r = vec![0u8; len];
                let n0 = (*(darg as *const Done)).n;
                if spdk_nvme_ns_cmd_write(
                    ns,
                    q,
                    w.as_mut_ptr().cast(),
                    lba,
                    blocks,
                    Some(done),
                    darg,
                    0,
                ) != 0
                {
                    fail(format!("{what}: write submission"));
                }
                if wait(n0 + 1).is_error() {
                    fail(format!("{what}: write of {len} bytes failed"));
                }
                if spdk_nvme_ns_cmd_read(
                    ns,
                    q,
                    r.as_mut_ptr().cast(),
                    lba,
                    blocks,
                    Some(done),
                    darg,
                    0,
                ) != 0
                {
                    fail(format!("{what}: read submission"));
                }
                if wait(n0 + 2).is_error() {
                    fail(format!("{what}: read of {len} bytes failed"));
                }
                if r != w {
                    fail(format!(
                        "{what}: {len} bytes at block {lba} read back differ"
                    ));
                }
            }
            spdk_nvme_ctrlr_free_io_qpair(q);
            spdk_nvme_detach(c);
        }
        println!("tcp_smoke: {what}: connect, writes of 1 block, 64 KiB, 1 MiB read back equal, detach: OK");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: tcp_smoke HOST:PORT SUBNQN [none|hdgst|ddgst|both ...]");
        exit(2);
    }
    let Some((host, port)) = args[1].rsplit_once(':') else {
        fail(format!("bad address {}", args[1]));
    };
    let nqn = &args[2];
    let mut o = TcpCtrlrOpts::new(host, port, spdk_nvme::DISCOVERY_NQN);
    o.timeout = Duration::from_secs(30);
    let entries = check(discovery::discover(&o), "discovery");
    for e in &entries {
        println!(
            "tcp_smoke: discovery: trtype {} subtype {} {}:{} {}",
            e.trtype,
            e.subtype,
            entry_str(&e.traddr),
            entry_str(&e.trsvcid),
            entry_str(&e.subnqn)
        );
    }
    if !entries
        .iter()
        .any(|e| entry_str(&e.subnqn) == *nqn && e.trtype == 3)
    {
        fail(format!("discovery log has no TCP entry for {nqn}"));
    }
    let modes: Vec<&str> = if args.len() > 3 {
        args[3..].iter().map(String::as_str).collect()
    } else {
        vec!["none", "hdgst", "ddgst", "both"]
    };
    for (i, m) in modes.iter().enumerate() {
        let (h, d) = match *m {
            "none" => (false, false),
            "hdgst" => (true, false),
            "ddgst" => (false, true),
            "both" => (true, true),
            _ => fail(format!("unknown digest mode {m}")),
        };
        run(host, port, nqn, h, d, i as u8 + 1);
    }
    spdk_nvme::model::ensure_env();
    core_api::probe_discovery(host, port, nqn);
    for (i, m) in modes.iter().enumerate() {
        let (h, d) = (
            matches!(*m, "hdgst" | "both"),
            matches!(*m, "ddgst" | "both"),
        );
        core_api::connect_io(host, port, nqn, h, d, i as u8);
    }
    println!("TCP-SMOKE OK");
}
