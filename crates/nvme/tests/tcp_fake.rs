//! The NVMe/TCP host transport against the in-process fake target:
//! connection setup, registers, identify, in-capsule and R2T writes,
//! chunked reads, digests, PDU alignment, SGL payloads, several queues,
//! discovery, and malformed PDUs (errors, never crashes).

mod fake_tcp;
mod tcp_util;

use std::sync::atomic::Ordering;
use std::time::Duration;

use fake_tcp::{Bad, Config, FakeTarget};
use spdk_nvme::spec::cmd::Cmd;
use spdk_nvme::tcp::ctrlr::reg;
use spdk_nvme::tcp::discovery::{self, entry_str};
use spdk_nvme::tcp::{TcpCtrlr, TcpCtrlrOpts, TcpQpair};
use spdk_nvme::transport::{CtrlrTransport, QpairOpts};
use tcp_util::{pattern, Io};

fn opts(t: &FakeTarget, hdgst: bool, ddgst: bool) -> TcpCtrlrOpts {
    let mut o = TcpCtrlrOpts::new("127.0.0.1", &t.port(), "nqn.2024-01.io.spdk:fake");
    o.hdgst = hdgst;
    o.ddgst = ddgst;
    o.timeout = Duration::from_secs(5);
    o
}

fn qopts(n: u32) -> QpairOpts {
    QpairOpts {
        io_queue_size: n,
        io_queue_requests: n,
        qprio: 0,
        delay_cmd_submit: false,
    }
}

/// Connects, enables, identifies and opens one I/O queue.
fn bring_up(t: &FakeTarget, hdgst: bool, ddgst: bool) -> (TcpCtrlr, TcpQpair, Io) {
    let mut c = TcpCtrlr::new(opts(t, hdgst, ddgst)).unwrap();
    let mut admin = c.create_admin_qpair(32).unwrap();
    c.enable().unwrap();
    let cd = c.identify_ctrlr().unwrap();
    assert_eq!({ cd.cntlid }, c.cntlid());
    c.set_ioccsz(cd.nvmf_specific.ioccsz);
    let q = c.create_io_qpair(&mut admin, 1, &qopts(64)).unwrap();
    (c, admin, Io::new(q, 64))
}

fn write_read(io: &mut Io, lba: u64, len: usize, seed: u8) {
    let mut w = vec![0u8; len];
    pattern(&mut w, lba, seed);
    let c = io.rw(true, lba, &mut w).unwrap();
    assert!(c.is_success(), "write {len} at {lba}: {c:?}");
    let mut r = vec![0u8; len];
    let c = io.rw(false, lba, &mut r).unwrap();
    assert!(c.is_success(), "read {len} at {lba}: {c:?}");
    assert!(r == w, "data of {len} bytes at {lba} differs");
}

fn clean(t: &FakeTarget) {
    assert_eq!(t.violations(), Vec::<String>::new());
}

#[test]
fn registers_identify_and_io() {
    let t = FakeTarget::start(Config::default());
    let (mut c, mut admin, mut io) = bring_up(&t, false, false);
    assert_eq!(c.read_reg_4(reg::VS).unwrap(), 0x0001_0300);
    let cap = c.read_reg_8(reg::CAP).unwrap();
    assert_eq!(cap & 0xffff, 127);
    assert_eq!(c.read_reg_4(reg::CSTS).unwrap() & 1, 1);
    assert_eq!(t.stats().kato.load(Ordering::SeqCst), 10_000);
    assert_eq!(c.keep_alive_interval(), Some(Duration::from_secs(5)));
    // In-capsule (up to IOCCSZ's 4 KiB), then R2T with 8 KiB H2C PDUs.
    write_read(&mut io, 0, 4096, 1);
    assert_eq!(t.stats().in_capsule_writes.load(Ordering::SeqCst), 1);
    assert_eq!(t.stats().r2t.load(Ordering::SeqCst), 0);
    write_read(&mut io, 100, 64 * 1024, 2);
    assert_eq!(t.stats().r2t.load(Ordering::SeqCst), 1);
    assert_eq!(t.stats().h2c.load(Ordering::SeqCst), 8);
    // Keep alive on the admin queue.
    c.admin_sync(Cmd::new(0x18, 0), None).unwrap();
    assert_eq!(t.stats().keep_alive.load(Ordering::SeqCst), 1);
    // An error status comes back as such.
    let c2 = io.rw(false, 1 << 40, &mut [0u8; 512]).unwrap();
    assert!(c2.is_error());
    c.delete_io_qpair(&mut admin, io.q).unwrap();
    clean(&t);
}

#[test]
fn digests_and_alignment() {
    for (h, d, cpda) in [
        (true, false, 0),
        (false, true, 0),
        (true, true, 0),
        (true, true, 3),
    ] {
        let t = FakeTarget::start(Config {
            cpda,
            c2h_chunk: 3000,
            ..Config::default()
        });
        let (_c, _admin, mut io) = bring_up(&t, h, d);
        let (hd, dd) = io.q.digests();
        assert_eq!((hd, dd), (h, d));
        write_read(&mut io, 8, 4096, 3);
        write_read(&mut io, 64, 40 * 1024, 4);
        write_read(&mut io, 200, 512, 5);
        assert!(t.stats().c2h.load(Ordering::SeqCst) > 14);
        assert_eq!(
            t.stats().hdgst_conns.load(Ordering::SeqCst),
            if h { 2 } else { 0 }
        );
        assert_eq!(
            t.stats().ddgst_conns.load(Ordering::SeqCst),
            if d { 2 } else { 0 }
        );
        clean(&t);
    }
}

#[test]
fn digests_refused_by_target() {
    let t = FakeTarget::start(Config {
        allow_digests: false,
        ..Config::default()
    });
    let (_c, _a, mut io) = bring_up(&t, true, true);
    assert_eq!(io.q.digests(), (false, false));
    write_read(&mut io, 0, 8192, 6);
    clean(&t);
}

#[test]
fn several_r2ts_and_c2h_success() {
    let t = FakeTarget::start(Config {
        r2t_max: 12 * 1024,
        maxh2cdata: 4096,
        c2h_success: true,
        c2h_chunk: 5000,
        ..Config::default()
    });
    let (_c, _a, mut io) = bring_up(&t, true, true);
    write_read(&mut io, 300, 128 * 1024, 7);
    // 128 KiB in R2Ts of 12 KiB: 10 and one of 8 KiB; each in H2C PDUs
    // of at most 4 KiB.
    assert_eq!(t.stats().r2t.load(Ordering::SeqCst), 11);
    assert_eq!(t.stats().h2c.load(Ordering::SeqCst), 32);
    clean(&t);
}

#[test]
fn sgl_payloads() {
    use spdk_nvme::request::Payload;
    use std::ffi::{c_int, c_void};

    struct Sg {
        segs: Vec<Vec<u8>>,
        idx: usize,
        skip: usize,
    }
    unsafe extern "C" fn reset(arg: *mut c_void, mut off: u32) {
        let sg = &mut *(arg as *mut Sg);
        sg.idx = 0;
        while sg.idx < sg.segs.len() && off as usize >= sg.segs[sg.idx].len() {
            off -= sg.segs[sg.idx].len() as u32;
            sg.idx += 1;
        }
        sg.skip = off as usize;
    }
    unsafe extern "C" fn next(arg: *mut c_void, addr: *mut *mut c_void, len: *mut u32) -> c_int {
        let sg = &mut *(arg as *mut Sg);
        let Some(s) = sg.segs.get_mut(sg.idx) else {
            return -1;
        };
        *addr = s.as_mut_ptr().add(sg.skip).cast();
        *len = (s.len() - sg.skip) as u32;
        sg.skip = 0;
        sg.idx += 1;
        0
    }

    let t = FakeTarget::start(Config {
        c2h_chunk: 1000,
        ..Config::default()
    });
    let (_c, _a, mut io) = bring_up(&t, false, true);
    for total in [2048usize, 24 * 1024] {
        let sizes = [512usize, 1000, 24, total - 1536];
        let mut src = vec![0u8; total];
        pattern(&mut src, 9, 9);
        let mut off = 0;
        let mut sg = Sg {
            segs: sizes
                .iter()
                .map(|&n| {
                    let v = src[off..off + n].to_vec();
                    off += n;
                    v
                })
                .collect(),
            idx: 0,
            skip: 0,
        };
        let payload = Payload::Sgl {
            reset: Some(reset),
            next: Some(next),
            cb_arg: (&mut sg as *mut Sg).cast(),
            md: std::ptr::null_mut(),
        };
        let mut cmd = Cmd::new(1, 1);
        cmd.cdw10 = 40;
        cmd.cdw12 = (total / 512) as u32 - 1;
        io.submit_cmd(0, cmd, payload, total as u32).unwrap();
        assert!(io.wait(0).unwrap().is_success());
        assert_eq!(&t.ram()[40 * 512..40 * 512 + total], &src[..]);
        for s in sg.segs.iter_mut() {
            s.fill(0);
        }
        cmd.set_opc(2);
        io.submit_cmd(0, cmd, payload, total as u32).unwrap();
        assert!(io.wait(0).unwrap().is_success());
        assert_eq!(sg.segs.concat(), src);
    }
    clean(&t);
}

#[test]
fn queue_depth_and_several_queues() {
    let t = FakeTarget::start(Config {
        c2h_chunk: 2048,
        ..Config::default()
    });
    let (mut c, mut admin, mut io1) = bring_up(&t, true, true);
    let q2 = c.create_io_qpair(&mut admin, 2, &qopts(64)).unwrap();
    let q3 = c.create_io_qpair(&mut admin, 3, &qopts(64)).unwrap();
    let mut io2 = Io::new(q2, 64);
    let mut io3 = Io::new(q3, 64);
    assert_eq!(t.stats().io_connects.load(Ordering::SeqCst), 3);
    // 32 writes in flight on each queue, mixed sizes (in-capsule and R2T).
    let mut bufs: Vec<Vec<u8>> = (0..96)
        .map(|i| {
            let mut v = vec![0u8; if i % 3 == 0 { 16384 } else { 4096 }];
            pattern(&mut v, i as u64, 11);
            v
        })
        .collect();
    for (k, io) in [&mut io1, &mut io2, &mut io3].into_iter().enumerate() {
        for j in 0..32 {
            let i = k * 32 + j;
            let lba = i as u64 * 32;
            let b = &mut bufs[i];
            io.submit_rw(j as u16, true, lba, b.len(), b.as_mut_ptr())
                .unwrap();
        }
    }
    for io in [&mut io1, &mut io2, &mut io3] {
        for j in 0..32u16 {
            assert!(io.wait(j).unwrap().is_success());
        }
    }
    let mut back: Vec<Vec<u8>> = bufs.iter().map(|b| vec![0u8; b.len()]).collect();
    for (k, io) in [&mut io1, &mut io2, &mut io3].into_iter().enumerate() {
        for j in 0..32 {
            let i = k * 32 + j;
            let b = &mut back[i];
            io.submit_rw(j as u16, false, i as u64 * 32, b.len(), b.as_mut_ptr())
                .unwrap();
        }
    }
    for io in [&mut io1, &mut io2, &mut io3] {
        for j in 0..32u16 {
            assert!(io.wait(j).unwrap().is_success());
        }
    }
    assert!(back == bufs);
    clean(&t);
}

#[test]
fn discovery_log() {
    let recs: Vec<(String, String, String)> = (0..6)
        .map(|i| {
            (
                "10.0.0.1".into(),
                format!("{}", 4420 + i),
                format!("nqn.2024-01.io.spdk:s{i}"),
            )
        })
        .collect();
    let t = FakeTarget::start(Config {
        discovery: recs.clone(),
        discovery_changes_once: true,
        ..Config::default()
    });
    let o = TcpCtrlrOpts::new("127.0.0.1", &t.port(), spdk_nvme::DISCOVERY_NQN);
    let entries = discovery::discover(&o).unwrap();
    assert_eq!(entries.len(), 6);
    for (e, (a, s, n)) in entries.iter().zip(&recs) {
        assert_eq!(e.trtype, 3);
        assert_eq!(entry_str(&e.traddr), *a);
        assert_eq!(entry_str(&e.trsvcid), *s);
        assert_eq!(entry_str(&e.subnqn), *n);
    }
    // Header, 2 reads of records, header (changed), then again: 2 x 4.
    assert_eq!(t.stats().log_reads.load(Ordering::SeqCst), 8);
    assert_eq!(t.stats().kato.load(Ordering::SeqCst), 0);
    clean(&t);
}

#[test]
fn source_address_and_priority() {
    let t = FakeTarget::start(Config::default());
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut o = opts(&t, false, false);
    o.src = Some(format!("127.0.0.1:{port}").parse().unwrap());
    o.priority = 3;
    let mut c = TcpCtrlr::new(o).unwrap();
    let _a = c.create_admin_qpair(32).unwrap();
    assert_eq!(t.stats().peer_port.load(Ordering::SeqCst), u64::from(port));
    c.enable().unwrap();
}

#[test]
fn admin_reconnect_after_reset() {
    let t = FakeTarget::start(Config::default());
    let (mut c, old_admin, _io) = bring_up(&t, false, false);
    let first = c.cntlid();
    // A reset: the core drops the admin queue pair and asks for a new one.
    let mut old_admin = old_admin;
    let mut admin = c.create_admin_qpair(32).unwrap();
    assert_ne!(c.cntlid(), first);
    assert!(old_admin.failed().is_some());
    c.enable().unwrap();
    let q = c.create_io_qpair(&mut admin, 1, &qopts(8)).unwrap();
    let mut io = Io::new(q, 8);
    write_read(&mut io, 0, 4096, 1);
}

#[test]
fn connect_errors() {
    let t = FakeTarget::start(Config::default());
    let mut o = opts(&t, false, false);
    o.subnqn = "nqn.2024-01.io.spdk:nope".into();
    let mut c = TcpCtrlr::new(o).unwrap();
    assert_eq!(c.create_admin_qpair(32).err(), Some(-libc::EIO));
    // Nothing listening.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut c = TcpCtrlr::new(TcpCtrlrOpts::new("127.0.0.1", &port.to_string(), "nqn.x")).unwrap();
    assert!(c.create_admin_qpair(32).is_err());
    assert!(TcpCtrlr::new(TcpCtrlrOpts::new("127.0.0.1", "notaport", "nqn.x")).is_err());
    // Registers without an admin queue.
    let mut c = TcpCtrlr::new(opts(&t, false, false)).unwrap();
    assert_eq!(c.read_reg_4(reg::VS).err(), Some(-libc::ENOTCONN));
}

#[test]
fn bad_cid_from_the_core() {
    let t = FakeTarget::start(Config::default());
    let (_c, _a, mut io) = bring_up(&t, false, false);
    let mut b = [0u8; 512];
    // CID 64 is beyond the queue's CIDs (the connection's own).
    let mut req = spdk_nvme::request::Request::empty();
    req.cmd = Cmd::new(2, 1);
    req.cmd.cid = 64;
    req.payload = spdk_nvme::request::Payload::Contig {
        buf: b.as_mut_ptr(),
        md: std::ptr::null_mut(),
    };
    req.payload_size = 512;
    use spdk_nvme::transport::QpairTransport;
    assert_eq!(io.q.submit(&mut req), Err(Err(-libc::EINVAL)));
    // Twice the same CID in flight.
    io.submit_rw(1, false, 0, 512, b.as_mut_ptr()).unwrap();
    let mut req2 = spdk_nvme::request::Request::empty();
    req2.cmd = Cmd::new(2, 1);
    req2.cmd.cid = 1;
    assert_eq!(io.q.submit(&mut req2), Err(Err(-libc::EINVAL)));
    assert!(io.wait(1).unwrap().is_success());
}

/// Runs a read against a target sending `bad`; returns the read's result
/// and the queue pair's state after.
fn bad_read(
    bad: Bad,
    hdgst: bool,
    ddgst: bool,
) -> (FakeTarget, Result<spdk_nvme::spec::cmd::Cpl, i32>, Io) {
    let t = FakeTarget::start(Config {
        bad: Some(bad),
        ..Config::default()
    });
    let (_c, _a, mut io) = bring_up(&t, hdgst, ddgst);
    let mut w = vec![0u8; 4096];
    pattern(&mut w, 0, 1);
    assert!(io.rw(true, 0, &mut w).unwrap().is_success());
    let mut r = vec![0u8; 4096];
    let res = io.rw(false, 0, &mut r);
    assert_eq!(t.stats().bad_sent.load(Ordering::SeqCst), 1, "{bad:?}");
    (t, res, io)
}

#[test]
fn malformed_pdus_fail_the_qpair() {
    for (bad, h, d) in [
        (Bad::PduLength, false, false),
        (Bad::PduLength, true, true),
        (Bad::HugeLength, false, false),
        (Bad::HeaderDigest, true, false),
        (Bad::UnknownCid, false, false),
        (Bad::OversizeC2H, false, true),
        (Bad::C2HUnknownCid, false, false),
        (Bad::EarlyClose, false, false),
        (Bad::TermReq, false, false),
        (Bad::UnknownType, true, true),
    ] {
        let (t, res, mut io) = bad_read(bad, h, d);
        assert_eq!(res.err(), Some(-libc::ENXIO), "{bad:?}");
        // A protocol error is answered with a termination request.
        let protocol = !matches!(bad, Bad::EarlyClose | Bad::TermReq);
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while protocol && t.stats().term_reqs.load(Ordering::SeqCst) == 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "no termination request for {bad:?}"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(io.q.failed().is_some(), "{bad:?}");
        // Everything after fails too, without touching freed requests.
        let mut b = [0u8; 512];
        assert_eq!(
            io.submit_rw(2, false, 0, 512, b.as_mut_ptr()).err(),
            Some(-libc::ENXIO)
        );
        assert_eq!(io.poll().err(), Some(-libc::ENXIO));
    }
}

#[test]
fn bad_r2t_fails_the_qpair() {
    let t = FakeTarget::start(Config {
        bad: Some(Bad::R2tOutOfRange),
        ..Config::default()
    });
    let (_c, _a, mut io) = bring_up(&t, false, false);
    let mut w = vec![0u8; 16384];
    assert_eq!(io.rw(true, 0, &mut w).err(), Some(-libc::ENXIO));
}

#[test]
fn data_digest_error_fails_the_command_only() {
    let (t, res, mut io) = bad_read(Bad::DataDigest, false, true);
    let c = res.unwrap();
    // Transient transport error (generic status 0x22), as SPDK reports it.
    assert_eq!((c.status.sct(), c.status.sc()), (0, 0x22));
    assert!(io.q.failed().is_none());
    write_read(&mut io, 0, 4096, 2);
    clean(&t);
}

#[test]
fn large_h2c_pdus_stream_with_capsules_behind() {
    // One R2T and one H2C PDU of 1 MiB (bigger than the send buffer):
    // reads submitted meanwhile must not land inside it.
    let t = FakeTarget::start(Config {
        maxh2cdata: 1 << 20,
        ns_blocks: 16384,
        ..Config::default()
    });
    for (h, d) in [(false, false), (true, true)] {
        let (_c, _a, mut io) = bring_up(&t, h, d);
        let mut big = vec![0u8; 1 << 20];
        pattern(&mut big, 0, 21);
        let mut small: Vec<Vec<u8>> = (0..16).map(|_| vec![0u8; 4096]).collect();
        io.submit_rw(0, true, 4096, big.len(), big.as_mut_ptr())
            .unwrap();
        for (i, b) in small.iter_mut().enumerate() {
            io.submit_rw(1 + i as u16, false, i as u64 * 8, b.len(), b.as_mut_ptr())
                .unwrap();
        }
        for cid in 0..17u16 {
            assert!(io.wait(cid).unwrap().is_success());
        }
        let mut back = vec![0u8; 1 << 20];
        assert!(io.rw(false, 4096, &mut back).unwrap().is_success());
        assert!(back == big);
    }
    assert_eq!(t.stats().h2c.load(Ordering::SeqCst), 2);
    clean(&t);
}

/// A raw peer that reads the ICReq and answers `icresp` (nothing when
/// empty), then stays silent until the host goes away.
fn raw_peer(icresp: Vec<u8>) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port().to_string();
    let h = std::thread::spawn(move || {
        let Ok((mut s, _)) = l.accept() else { return };
        let mut req = [0u8; 128];
        if s.read_exact(&mut req).is_err() {
            return;
        }
        let _ = s.write_all(&icresp);
        let mut sink = [0u8; 4096];
        while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
    });
    (port, h)
}

fn icresp_bytes(maxh2cdata: u32, pfv: u16, digests: u8) -> Vec<u8> {
    let mut v = vec![0u8; 128];
    v[0] = 0x01;
    v[2] = 128;
    v[4] = 128;
    v[8..10].copy_from_slice(&pfv.to_le_bytes());
    v[11] = digests;
    v[12..16].copy_from_slice(&maxh2cdata.to_le_bytes());
    v
}

#[test]
fn bad_icresp_and_silent_controllers() {
    let cases: Vec<(Vec<u8>, bool, i32)> = vec![
        // MAXH2CDATA below the minimum, unknown PFV, wrong PDU type.
        (icresp_bytes(1024, 0, 0), false, -libc::EPROTO),
        (icresp_bytes(8192, 1, 0), false, -libc::EPROTO),
        (
            {
                let mut v = icresp_bytes(8192, 0, 0);
                v[0] = 0x05;
                v
            },
            false,
            -libc::EPROTO,
        ),
        // Digests granted that were not asked for.
        (icresp_bytes(8192, 0, 3), false, -libc::EPROTO),
        // No ICResp at all, then no Connect response: timeouts.
        (Vec::new(), false, -libc::ETIMEDOUT),
        (icresp_bytes(8192, 0, 0), false, -libc::ETIMEDOUT),
    ];
    for (i, (resp, digests, want)) in cases.into_iter().enumerate() {
        let (port, h) = raw_peer(resp);
        let mut o = TcpCtrlrOpts::new("127.0.0.1", &port, "nqn.x");
        (o.hdgst, o.ddgst) = (digests, digests);
        o.timeout = Duration::from_millis(300);
        let mut c = TcpCtrlr::new(o).unwrap();
        let t0 = std::time::Instant::now();
        let r = c.create_admin_qpair(32);
        assert_eq!(r.err(), Some(want), "case {i}");
        assert!(t0.elapsed() < Duration::from_secs(3), "case {i}");
        drop(c);
        h.join().unwrap();
    }
}
