//! Poll groups over NVMe/TCP through the C API against the in-process
//! fake target: pairs created with `create_only` are connected (a
//! connection and a fabrics Connect each) after joining a group, I/O
//! completes through the group with data checked, TCP statistics, and a
//! target that breaks the protocol: the pair fails inside the group's
//! poll, which returns -ENXIO and reports it to the disconnected
//! callback.

mod fake_tcp;

use std::ffi::{c_void, CString};
use std::ptr;
use std::time::{Duration, Instant};

use fake_tcp::{Bad, Config, FakeTarget};
use spdk_nvme::ffi::nvme::ctrlr::*;
use spdk_nvme::ffi::nvme::ns_cmd::*;
use spdk_nvme::ffi::nvme::opts::*;
use spdk_nvme::ffi::nvme::poll_group::*;
use spdk_nvme::ffi::nvme::probe::*;
use spdk_nvme::ffi::nvme::qpair::*;
use spdk_nvme::ffi::nvme::*;
use spdk_nvme::spec::cmd::Cpl;

const SUBNQN: &str = "nqn.2024-01.io.spdk:fake";

fn trid(port: &str) -> spdk_nvme_transport_id {
    let mut t = spdk_nvme_transport_id::default();
    let s = CString::new(format!(
        "trtype:TCP adrfam:IPv4 traddr:127.0.0.1 trsvcid:{port} subnqn:{SUBNQN}"
    ))
    .unwrap();
    assert_eq!(
        unsafe { spdk_nvme_transport_id_parse(&mut t, s.as_ptr()) },
        0
    );
    t
}

#[derive(Default)]
struct Done {
    n: usize,
    errors: usize,
}

unsafe extern "C" fn done(arg: *mut c_void, cpl: *const Cpl) {
    let d = &mut *(arg as *mut Done);
    d.n += 1;
    d.errors += (*cpl).is_error() as usize;
}

#[derive(Default)]
struct Disc {
    seen: Vec<*mut spdk_nvme_qpair>,
}

unsafe extern "C" fn disc_cb(q: *mut spdk_nvme_qpair, ctx: *mut c_void) {
    let d = &mut *(ctx as *mut Disc);
    d.seen.push(q);
    assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
}

unsafe extern "C" fn never(_q: *mut spdk_nvme_qpair, _ctx: *mut c_void) {
    panic!("no pair should be disconnected");
}

unsafe fn create_only(c: *mut spdk_nvme_ctrlr) -> *mut spdk_nvme_qpair {
    let mut o: spdk_nvme_io_qpair_opts = std::mem::zeroed();
    let size = std::mem::size_of::<spdk_nvme_io_qpair_opts>();
    spdk_nvme_ctrlr_get_default_io_qpair_opts(c, &mut o, size);
    o.create_only = true;
    let q = spdk_nvme_ctrlr_alloc_io_qpair(c, &o, size);
    assert!(!q.is_null());
    q
}

/// `d` is written by callbacks, so read through a pointer.
unsafe fn group_until(g: *mut spdk_nvme_poll_group, d: *const Done, n: usize) {
    let end = Instant::now() + Duration::from_secs(10);
    while ptr::read_volatile(&(*d).n) < n {
        assert!(spdk_nvme_poll_group_process_completions(g, 0, Some(never)) >= 0);
        assert!(Instant::now() < end, "no completion");
    }
}

#[test]
fn group_of_tcp_pairs() {
    spdk_nvme::model::ensure_env();
    let t = FakeTarget::start(Config::default());
    unsafe {
        let c = spdk_nvme_connect(&trid(&t.port()), ptr::null(), 0);
        assert!(!c.is_null());
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let g = spdk_nvme_poll_group_create(ptr::null_mut(), ptr::null_mut());
        let qs = [create_only(c), create_only(c)];
        for q in qs {
            assert!(!spdk_nvme_qpair_is_connected(q));
            assert_eq!(spdk_nvme_poll_group_add(g, q), 0);
            assert_eq!(spdk_nvme_ctrlr_connect_io_qpair(c, q), 0);
            assert!(spdk_nvme_qpair_is_connected(q));
        }
        let blocks = 16u32;
        let len = blocks as usize * 512;
        let mut w: Vec<Vec<u8>> = (0..2)
            .map(|k| (0..len).map(|i| (i * 5 + k * 3) as u8).collect())
            .collect();
        let mut r = vec![vec![0u8; len]; 2];
        let mut d = Done::default();
        let da = &mut d as *mut Done as *mut c_void;
        for (k, q) in qs.into_iter().enumerate() {
            let lba = k as u64 * 100;
            let rc = spdk_nvme_ns_cmd_write(
                ns,
                q,
                w[k].as_mut_ptr().cast(),
                lba,
                blocks,
                Some(done),
                da,
                0,
            );
            assert_eq!(rc, 0);
        }
        group_until(g, da.cast(), 2);
        for (k, q) in qs.into_iter().enumerate() {
            let lba = k as u64 * 100;
            let rc = spdk_nvme_ns_cmd_read(
                ns,
                q,
                r[k].as_mut_ptr().cast(),
                lba,
                blocks,
                Some(done),
                da,
                0,
            );
            assert_eq!(rc, 0);
        }
        group_until(g, da.cast(), 4);
        assert_eq!(d.errors, 0);
        assert!(r == w, "data differs");

        let mut s: *mut spdk_nvme_poll_group_stat = ptr::null_mut();
        assert_eq!(spdk_nvme_poll_group_get_stats(g, &mut s), 0);
        assert_eq!((*s).num_transports, 1);
        let ts = *(*s).transport_stat;
        assert_eq!(
            (*ts).trtype.0,
            spdk_nvme_transport_type::SPDK_NVME_TRANSPORT_TCP as i32
        );
        let tcp = (*ts).u.tcp;
        assert_eq!(tcp.submitted_requests, 4);
        assert_eq!(tcp.nvme_completions, 4);
        assert!(tcp.polls >= 2);
        assert_eq!((tcp.idle_polls, tcp.socket_completions), (0, 0));
        spdk_nvme_poll_group_free_stats(g, s);

        for q in qs {
            assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        }
        assert_eq!(spdk_nvme_poll_group_destroy(g), 0);
        assert_eq!(spdk_nvme_detach(c), 0);
    }
}

#[test]
fn a_failing_connection_reaches_the_disconnected_callback() {
    spdk_nvme::model::ensure_env();
    let t = FakeTarget::start(Config {
        bad: Some(Bad::EarlyClose),
        ..Config::default()
    });
    unsafe {
        let c = spdk_nvme_connect(&trid(&t.port()), ptr::null(), 0);
        assert!(!c.is_null());
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let mut disc = Disc::default();
        let g = spdk_nvme_poll_group_create((&mut disc as *mut Disc).cast(), ptr::null_mut());
        let q = create_only(c);
        assert_eq!(spdk_nvme_poll_group_add(g, q), 0);
        assert_eq!(spdk_nvme_ctrlr_connect_io_qpair(c, q), 0);
        let mut b = vec![0u8; 4096];
        let mut d = Done::default();
        let da = &mut d as *mut Done as *mut c_void;
        for i in 0..4 {
            let rc =
                spdk_nvme_ns_cmd_read(ns, q, b.as_mut_ptr().cast(), i * 8, 8, Some(done), da, 0);
            assert_eq!(rc, 0);
        }
        // The pair fails inside a group poll: -ENXIO, reported at once
        // (and freed by the callback), its reads completed with errors.
        let end = Instant::now() + Duration::from_secs(10);
        let rc = loop {
            let rc = spdk_nvme_poll_group_process_completions(g, 0, Some(disc_cb));
            if rc < 0 || !disc.seen.is_empty() {
                break rc;
            }
            assert!(Instant::now() < end, "the pair did not fail");
        };
        assert_eq!(rc, -(libc::ENXIO as i64));
        assert_eq!(disc.seen, vec![q]);
        assert_eq!(ptr::read_volatile(&d.n), 4);
        assert!(d.errors >= 1);
        // Freed by the callback: the group is empty.
        assert_eq!(spdk_nvme_poll_group_destroy(g), 0);
        assert_eq!(spdk_nvme_detach(c), 0);
    }
}

#[test]
fn failure_reason_of_a_failed_connection() {
    spdk_nvme::model::ensure_env();
    let t = FakeTarget::start(Config {
        bad: Some(Bad::EarlyClose),
        ..Config::default()
    });
    unsafe {
        let c = spdk_nvme_connect(&trid(&t.port()), ptr::null(), 0);
        assert!(!c.is_null());
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
        assert!(!q.is_null());
        let mut b = vec![0u8; 4096];
        let mut d = Done::default();
        let da = &mut d as *mut Done as *mut c_void;
        let rc = spdk_nvme_ns_cmd_read(ns, q, b.as_mut_ptr().cast(), 0, 8, Some(done), da, 0);
        assert_eq!(rc, 0);
        let end = Instant::now() + Duration::from_secs(10);
        while spdk_nvme_qpair_process_completions(q, 0) >= 0 {
            assert!(Instant::now() < end, "the pair did not fail");
        }
        assert_eq!(
            spdk_nvme_qpair_get_failure_reason(q),
            spdk_nvme_qp_failure_reason::SPDK_NVME_QPAIR_FAILURE_UNKNOWN
        );
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        assert_eq!(spdk_nvme_detach(c), 0);
    }
}

/// The first failed completion frees its pair (`arg` holds the pair).
unsafe extern "C" fn free_on_error(arg: *mut c_void, cpl: *const Cpl) {
    let q = arg as *mut *mut spdk_nvme_qpair;
    if (*cpl).is_error() && !(*q).is_null() {
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(*q), 0);
        *q = ptr::null_mut();
    }
}

#[test]
fn a_pair_freed_by_a_callback_while_its_connection_fails() {
    spdk_nvme::model::ensure_env();
    let t = FakeTarget::start(Config {
        bad: Some(Bad::EarlyClose),
        ..Config::default()
    });
    unsafe {
        let c = spdk_nvme_connect(&trid(&t.port()), ptr::null(), 0);
        assert!(!c.is_null());
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let mut q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
        assert!(!q.is_null());
        let mut b = vec![0u8; 4096];
        let arg = (&mut q as *mut *mut spdk_nvme_qpair).cast::<c_void>();
        for i in 0..4 {
            let rc = spdk_nvme_ns_cmd_read(
                ns,
                q,
                b.as_mut_ptr().cast(),
                i * 8,
                8,
                Some(free_on_error),
                arg,
                0,
            );
            assert_eq!(rc, 0);
        }
        // The failure aborts the reads; the first abort frees the pair
        // from its callback: freed after the aborts, not during them.
        let end = Instant::now() + Duration::from_secs(10);
        let pair = q;
        while !ptr::read_volatile(&q).is_null() {
            let rc = spdk_nvme_qpair_process_completions(pair, 0);
            if rc < 0 {
                break;
            }
            assert!(Instant::now() < end, "the pair did not fail");
        }
        assert!(ptr::read_volatile(&q).is_null(), "freed by the callback");
        assert_eq!(spdk_nvme_detach(c), 0);
    }
}
