//! NVMe/TCP through the driver's C API (nvme.h) against the in-process
//! fake target: spdk_nvme_probe on a discovery controller calls probe_cb
//! per log entry and attaches what it accepts, spdk_nvme_connect, I/O
//! queues and namespace commands with digests on and off, and a target
//! that breaks the protocol (the queue pair reports -ENXIO, its commands
//! complete with an error, nothing crashes).

mod fake_tcp;

use std::ffi::{c_void, CString};
use std::ptr;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use fake_tcp::{Bad, Config, FakeTarget};
use spdk_nvme::ffi::nvme::ctrlr::*;
use spdk_nvme::ffi::nvme::ns::*;
use spdk_nvme::ffi::nvme::ns_cmd::*;
use spdk_nvme::ffi::nvme::opts::spdk_nvme_ctrlr_opts;
use spdk_nvme::ffi::nvme::probe::*;
use spdk_nvme::ffi::nvme::qpair::*;
use spdk_nvme::ffi::nvme::*;
use spdk_nvme::spec::cmd::Cpl;

const SUBNQN: &str = "nqn.2024-01.io.spdk:fake";

fn trid(port: &str, subnqn: &str) -> spdk_nvme_transport_id {
    let mut t = spdk_nvme_transport_id::default();
    let s = CString::new(format!(
        "trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:{port} subnqn:{subnqn}"
    ))
    .unwrap();
    assert_eq!(
        unsafe { spdk_nvme_transport_id_parse(&mut t, s.as_ptr()) },
        0
    );
    t
}

fn field(f: &[std::ffi::c_char]) -> String {
    let b: Vec<u8> = f
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8(b).unwrap()
}

#[derive(Default)]
struct Probe {
    offered: Vec<(String, String, String)>,
    attached: Vec<*mut spdk_nvme_ctrlr>,
    digests: bool,
}

unsafe extern "C" fn probe_cb(
    ctx: *mut c_void,
    t: *const spdk_nvme_transport_id,
    opts: *mut spdk_nvme_ctrlr_opts,
) -> bool {
    let p = &mut *(ctx as *mut Probe);
    let t = &*t;
    p.offered
        .push((field(&t.traddr), field(&t.trsvcid), field(&t.subnqn)));
    (*opts).header_digest = p.digests;
    (*opts).data_digest = p.digests;
    // Take only our subsystem.
    field(&t.subnqn) == SUBNQN
}

unsafe extern "C" fn attach_cb(
    ctx: *mut c_void,
    _t: *const spdk_nvme_transport_id,
    c: *mut spdk_nvme_ctrlr,
    _o: *const spdk_nvme_ctrlr_opts,
) {
    (*(ctx as *mut Probe)).attached.push(c);
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

/// `d` is written by the completion callback, so read through a pointer.
unsafe fn wait(q: *mut spdk_nvme_qpair, d: *const Done, n: usize) -> i32 {
    let end = Instant::now() + Duration::from_secs(10);
    while ptr::read_volatile(&(*d).n) < n {
        let rc = spdk_nvme_qpair_process_completions(q, 0);
        if rc < 0 {
            return rc;
        }
        assert!(Instant::now() < end, "no completion");
    }
    0
}

/// Writes a pattern and reads it back through the namespace commands.
unsafe fn write_read(c: *mut spdk_nvme_ctrlr, lba: u64, blocks: u32) {
    let ns = spdk_nvme_ctrlr_get_ns(c, 1);
    assert!(!ns.is_null());
    assert_eq!(spdk_nvme_ns_get_sector_size(ns), 512);
    let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
    assert!(!q.is_null());
    let len = blocks as usize * 512;
    let mut w: Vec<u8> = (0..len).map(|i| (i * 7 + lba as usize) as u8).collect();
    let mut r = vec![0u8; len];
    let mut d = Done {
        n: 0,
        last: Cpl::default(),
    };
    let darg = &mut d as *mut Done as *mut c_void;
    let rc = spdk_nvme_ns_cmd_write(
        ns,
        q,
        w.as_mut_ptr().cast(),
        lba,
        blocks,
        Some(done),
        darg,
        0,
    );
    assert_eq!(rc, 0);
    assert_eq!(wait(q, darg.cast(), 1), 0);
    assert!(d.last.is_success());
    let rc = spdk_nvme_ns_cmd_read(
        ns,
        q,
        r.as_mut_ptr().cast(),
        lba,
        blocks,
        Some(done),
        darg,
        0,
    );
    assert_eq!(rc, 0);
    assert_eq!(wait(q, darg.cast(), 2), 0);
    assert!(d.last.is_success());
    assert!(r == w);
    assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
}

#[test]
fn probe_through_discovery() {
    spdk_nvme::model::ensure_env();
    for digests in [false, true] {
        let t = FakeTarget::start(Config {
            discovery: vec![
                (String::new(), String::new(), SUBNQN.into()),
                (
                    "127.0.0.1".into(),
                    "1".into(),
                    "nqn.2024-01.io.spdk:other".into(),
                ),
            ],
            ..Config::default()
        });
        let dt = trid(&t.port(), spdk_nvme::DISCOVERY_NQN);
        let mut p = Probe {
            digests,
            ..Probe::default()
        };
        let rc = unsafe {
            spdk_nvme_probe(
                &dt,
                (&mut p as *mut Probe).cast(),
                Some(probe_cb),
                Some(attach_cb),
                None,
            )
        };
        assert_eq!(rc, 0);
        // probe_cb once per NVM subsystem entry of the log.
        assert_eq!(
            p.offered,
            vec![
                ("127.0.0.1".into(), t.port(), SUBNQN.into()),
                (
                    "127.0.0.1".into(),
                    "1".into(),
                    "nqn.2024-01.io.spdk:other".into()
                ),
            ]
        );
        assert_eq!(p.attached.len(), 1);
        let c = p.attached[0];
        unsafe {
            assert!(spdk_nvme_ctrlr_is_fabrics(c));
            assert!(!spdk_nvme_ctrlr_is_discovery(c));
            let cd = &*spdk_nvme_ctrlr_get_data(c);
            let ioccsz = cd.nvmf_specific.ioccsz;
            assert_eq!(ioccsz, (64 + 4096) / 16);
            write_read(c, 16, 8);
            write_read(c, 64, 64);
            assert_eq!(spdk_nvme_detach(c), 0);
        }
        // The admin queue and the two I/O queues; discovery used none.
        let conns = if digests { 3 } else { 0 };
        assert_eq!(t.stats().hdgst_conns.load(Ordering::SeqCst), conns);
        assert_eq!(t.stats().ddgst_conns.load(Ordering::SeqCst), conns);
        assert_eq!(t.stats().kato.load(Ordering::SeqCst), 10_000);
        assert!(t.violations().is_empty(), "{:?}", t.violations());
    }
}

#[test]
fn connect_directly_and_to_discovery() {
    spdk_nvme::model::ensure_env();
    let t = FakeTarget::start(Config::default());
    unsafe {
        let c = spdk_nvme_connect(&trid(&t.port(), SUBNQN), ptr::null(), 0);
        assert!(!c.is_null());
        assert_eq!(spdk_nvme_ctrlr_get_num_ns(c), 1);
        write_read(c, 0, 1);
        // Keep alive runs from the admin queue's processing.
        assert!(spdk_nvme_ctrlr_process_admin_completions(c) >= 0);
        assert_eq!(spdk_nvme_detach(c), 0);
        // A discovery controller itself (direct connect).
        let d = spdk_nvme_connect(&trid(&t.port(), spdk_nvme::DISCOVERY_NQN), ptr::null(), 0);
        assert!(!d.is_null());
        assert!(spdk_nvme_ctrlr_is_discovery(d));
        assert_eq!(spdk_nvme_detach(d), 0);
        // Nobody there.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port().to_string();
        drop(l);
        assert!(spdk_nvme_connect(&trid(&port, SUBNQN), ptr::null(), 0).is_null());
    }
}

#[test]
fn bad_pdu_fails_the_qpair_not_the_process() {
    spdk_nvme::model::ensure_env();
    for bad in [
        Bad::UnknownCid,
        Bad::OversizeC2H,
        Bad::PduLength,
        Bad::EarlyClose,
    ] {
        let t = FakeTarget::start(Config {
            bad: Some(bad),
            ..Config::default()
        });
        unsafe {
            let c = spdk_nvme_connect(&trid(&t.port(), SUBNQN), ptr::null(), 0);
            assert!(!c.is_null());
            let ns = spdk_nvme_ctrlr_get_ns(c, 1);
            let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
            let mut b = vec![0u8; 4096];
            let mut d = Done {
                n: 0,
                last: Cpl::default(),
            };
            let darg = &mut d as *mut Done as *mut c_void;
            for i in 0..4 {
                let rc = spdk_nvme_ns_cmd_read(
                    ns,
                    q,
                    b.as_mut_ptr().cast(),
                    i * 8,
                    8,
                    Some(done),
                    darg,
                    0,
                );
                assert_eq!(rc, 0);
            }
            let end = Instant::now() + Duration::from_secs(10);
            let mut rc = 0;
            while rc >= 0 {
                rc = spdk_nvme_qpair_process_completions(q, 0);
                assert!(Instant::now() < end, "{bad:?}: the qpair did not fail");
            }
            assert_eq!(rc, -libc::ENXIO, "{bad:?}");
            // Every read completed, the ones caught in the failure with
            // an error.
            assert_eq!(d.n, 4, "{bad:?}");
            assert!(d.last.is_error(), "{bad:?}");
            assert!(spdk_nvme_qpair_process_completions(q, 0) < 0);
            assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
            assert_eq!(spdk_nvme_detach(c), 0);
        }
    }
}
