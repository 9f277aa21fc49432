//! spdk_nvme_ctrlr_get_discovery_log_page through the C API against the
//! in-process fake NVMe/TCP target: the whole log in one callback, in
//! malloc memory the caller frees; a log that changes while read is read
//! again; an empty log is the header alone.

mod fake_tcp;

use std::ffi::{c_int, c_void, CString};
use std::ptr;
use std::sync::atomic::Ordering;

use fake_tcp::{Config, FakeTarget};
use spdk_nvme::ffi::nvme::ctrlr::*;
use spdk_nvme::ffi::nvme::discovery::*;
use spdk_nvme::ffi::nvme::probe::*;
use spdk_nvme::ffi::nvme::*;
use spdk_nvme::spec::cmd::Cpl;
use spdk_nvme::spec::fabrics::{DiscoveryLogPage, DiscoveryLogPageEntry};
use spdk_nvme::spec::Pod;
use spdk_nvme::tcp::discovery::entry_str;

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

/// What the callback got: rc, the completion, the page's bytes.
#[derive(Default)]
struct Got {
    calls: usize,
    rc: c_int,
    cpl: Option<Cpl>,
    genctr: u64,
    entries: Vec<DiscoveryLogPageEntry>,
}

unsafe extern "C" fn on_log(
    arg: *mut c_void,
    rc: c_int,
    cpl: *const Cpl,
    page: *mut DiscoveryLogPage,
) {
    let g = &mut *(arg as *mut Got);
    g.calls += 1;
    g.rc = rc;
    g.cpl = cpl.as_ref().copied();
    if let Some(p) = page.as_ref() {
        g.genctr = p.genctr;
        let n = p.numrec as usize;
        let base = (page as *const u8).add(1024);
        for i in 0..n {
            let b = std::slice::from_raw_parts(base.add(i * 1024), 1024);
            g.entries.push(DiscoveryLogPageEntry::read_from(b).unwrap());
        }
        // Ours to free, with free().
        libc::free(page.cast());
    }
}

unsafe fn read_log(d: *mut spdk_nvme_ctrlr) -> Got {
    let mut g = Got::default();
    let arg = &mut g as *mut Got as *mut c_void;
    assert_eq!(
        spdk_nvme_ctrlr_get_discovery_log_page(d, Some(on_log), arg),
        0
    );
    for _ in 0..1_000_000 {
        if g.calls > 0 {
            break;
        }
        assert!(spdk_nvme_ctrlr_process_admin_completions(d) >= 0);
    }
    assert_eq!(g.calls, 1);
    g
}

fn records(n: u16) -> Vec<(String, String, String)> {
    (0..n)
        .map(|i| {
            (
                "10.0.0.2".into(),
                format!("{}", 4420 + i),
                format!("nqn.2024-01.io.spdk:d{i}"),
            )
        })
        .collect()
}

#[test]
fn whole_log_read_again_when_it_changes() {
    spdk_nvme::model::ensure_env();
    let recs = records(7);
    let t = FakeTarget::start(Config {
        discovery: recs.clone(),
        discovery_changes_once: true,
        ..Config::default()
    });
    unsafe {
        let d = spdk_nvme_connect(&trid(&t.port(), spdk_nvme::DISCOVERY_NQN), ptr::null(), 0);
        assert!(!d.is_null());
        assert!(spdk_nvme_ctrlr_is_discovery(d));
        let before = t.stats().log_reads.load(Ordering::SeqCst);
        let g = read_log(d);
        assert_eq!(g.rc, 0);
        assert!(g.cpl.unwrap().is_success());
        // The first header said generation 1, the check after the records
        // 2: read again (header, page, generation) at generation 2.
        assert_eq!(g.genctr, 2);
        assert_eq!(t.stats().log_reads.load(Ordering::SeqCst) - before, 6);
        assert_eq!(g.entries.len(), 7);
        for (e, (a, s, n)) in g.entries.iter().zip(&recs) {
            assert_eq!(e.trtype, 3);
            assert_eq!(entry_str(&e.traddr), *a);
            assert_eq!(entry_str(&e.trsvcid), *s);
            assert_eq!(entry_str(&e.subnqn), *n);
        }
        // Unchanged now: one pass.
        let before = t.stats().log_reads.load(Ordering::SeqCst);
        let g = read_log(d);
        assert_eq!((g.rc, g.entries.len()), (0, 7));
        assert_eq!(t.stats().log_reads.load(Ordering::SeqCst) - before, 3);
        assert_eq!(spdk_nvme_detach(d), 0);
    }
}

#[test]
fn empty_log_is_the_header() {
    spdk_nvme::model::ensure_env();
    let t = FakeTarget::start(Config::default());
    unsafe {
        let d = spdk_nvme_connect(&trid(&t.port(), spdk_nvme::DISCOVERY_NQN), ptr::null(), 0);
        assert!(!d.is_null());
        let before = t.stats().log_reads.load(Ordering::SeqCst);
        let g = read_log(d);
        assert_eq!(g.rc, 0);
        assert!(g.cpl.unwrap().is_success());
        assert_eq!(g.genctr, 1);
        assert!(g.entries.is_empty());
        // Header and generation check only.
        assert_eq!(t.stats().log_reads.load(Ordering::SeqCst) - before, 2);
        assert_eq!(
            spdk_nvme_ctrlr_get_discovery_log_page(ptr::null_mut(), Some(on_log), ptr::null_mut()),
            -libc::EINVAL
        );
        assert_eq!(spdk_nvme_detach(d), 0);
    }
}
