//! spdk_nvme_ctrlr_set_trid over NVMe/TCP: a failed controller is pointed
//! at another path of the same subsystem and comes back there on reset,
//! while the first target is gone.

mod fake_tcp;

use std::ffi::{c_void, CStr, CString};
use std::ptr;
use std::time::{Duration, Instant};

use fake_tcp::{Config, FakeTarget};
use spdk_nvme::ffi::nvme::ctrlr::*;
use spdk_nvme::ffi::nvme::ns_cmd::*;
use spdk_nvme::ffi::nvme::probe::*;
use spdk_nvme::ffi::nvme::qpair::*;
use spdk_nvme::ffi::nvme::*;
use spdk_nvme::spec::cmd::Cpl;

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

unsafe extern "C" fn done(arg: *mut c_void, cpl: *const Cpl) {
    assert!((*cpl).is_success(), "{:?}", *cpl);
    *(arg as *mut usize) += 1;
}

#[test]
fn failover_to_another_path() {
    spdk_nvme::model::ensure_env();
    let cfg = Config::default();
    let subnqn = cfg.subnqn.clone();
    let a = FakeTarget::start(cfg.clone());
    let b = FakeTarget::start(cfg);
    unsafe {
        let c = spdk_nvme_connect(&trid(&a.port(), &subnqn), ptr::null(), 0);
        assert!(!c.is_null());
        let mut tb = trid(&b.port(), &subnqn);
        // Only a failed controller may move, and only within its subsystem.
        assert_eq!(spdk_nvme_ctrlr_set_trid(c, &mut tb), -libc::EPERM);
        spdk_nvme_ctrlr_fail(c);
        let mut other = trid(&b.port(), "nqn.2024-01.io.spdk:other");
        assert_eq!(spdk_nvme_ctrlr_set_trid(c, &mut other), -libc::EINVAL);
        assert_eq!(spdk_nvme_ctrlr_set_trid(c, ptr::null_mut()), -libc::EINVAL);
        let mut nowhere = trid("notaport", &subnqn);
        assert_eq!(spdk_nvme_ctrlr_set_trid(c, &mut nowhere), -libc::EINVAL);
        assert_eq!(spdk_nvme_ctrlr_set_trid(c, &mut tb), 0);
        let now = &*spdk_nvme_ctrlr_get_transport_id(c);
        let port = CStr::from_ptr(now.trsvcid.as_ptr()).to_str().unwrap();
        assert_eq!(port, b.port());
        // The first path is gone: the reset can only succeed through b.
        drop(a);
        assert_eq!(spdk_nvme_ctrlr_reset(c), 0);
        assert!(!spdk_nvme_ctrlr_is_failed(c));
        let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
        assert!(!q.is_null());
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let mut w: Vec<u8> = (0..4096).map(|i| (i * 7) as u8).collect();
        let mut r = vec![0u8; 4096];
        let mut n = 0usize;
        let arg = &mut n as *mut usize as *mut c_void;
        assert_eq!(
            spdk_nvme_ns_cmd_write(ns, q, w.as_mut_ptr().cast(), 8, 8, Some(done), arg, 0),
            0
        );
        let end = Instant::now() + Duration::from_secs(10);
        while ptr::read_volatile(&n) < 1 {
            assert!(spdk_nvme_qpair_process_completions(q, 0) >= 0);
            assert!(Instant::now() < end);
        }
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, r.as_mut_ptr().cast(), 8, 8, Some(done), arg, 0),
            0
        );
        while ptr::read_volatile(&n) < 2 {
            assert!(spdk_nvme_qpair_process_completions(q, 0) >= 0);
            assert!(Instant::now() < end);
        }
        assert_eq!(r, w);
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        assert_eq!(spdk_nvme_detach(c), 0);
    }
}
