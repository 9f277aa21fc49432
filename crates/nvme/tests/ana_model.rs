//! Asymmetric Namespace Access and the NVM command set namespace data
//! through the C API against the in-memory model: ANA groups and states
//! read at initialization, updated on an ANA change notice, not read when
//! the options say so; spdk_nvme_nvm_ns_get_data and the PI format with
//! and without CTRATT.ELBAS.

use std::ffi::c_void;
use std::ptr;

use spdk_nvme::ffi::nvme::ctrlr::*;
use spdk_nvme::ffi::nvme::ns::*;
use spdk_nvme::ffi::nvme::opts::*;
use spdk_nvme::ffi::nvme::probe::*;
use spdk_nvme::model::{Model, ModelConfig, ModelNs};
use spdk_nvme::probe;
use spdk_nvme::spec::cmd::Cpl;

const OPTIMIZED: i32 = 1;
const NON_OPTIMIZED: i32 = 2;
const INACCESSIBLE: i32 = 3;

fn attach(model: &Model, o: Option<spdk_nvme_ctrlr_opts>) -> *mut spdk_nvme_ctrlr {
    probe::attach_model(model, o).expect("attach").cast()
}

fn ana_model(groups: Vec<u32>) -> Model {
    Model::new(ModelConfig {
        namespaces: vec![ModelNs::default(); groups.len()],
        ana_groups: groups,
        ..Default::default()
    })
}

unsafe fn ana(c: *mut spdk_nvme_ctrlr, nsid: u32) -> (u32, i32) {
    let ns = spdk_nvme_ctrlr_get_ns(c, nsid);
    assert!(!ns.is_null());
    (
        spdk_nvme_ns_get_ana_group_id(ns),
        spdk_nvme_ns_get_ana_state(ns).0,
    )
}

#[derive(Default)]
struct Events {
    cdw0: Vec<u32>,
}

unsafe extern "C" fn on_aer(arg: *mut c_void, cpl: *const Cpl) {
    (*(arg as *mut Events)).cdw0.push((*cpl).cdw0);
}

unsafe fn poll(c: *mut spdk_nvme_ctrlr) {
    for _ in 0..100 {
        spdk_nvme_ctrlr_process_admin_completions(c);
    }
}

#[test]
fn ana_states_read_at_init_and_on_change() {
    let model = ana_model(vec![1, 1, 5]);
    let c = attach(&model, None);
    unsafe {
        assert!(spdk_nvme_ctrlr_is_log_page_supported(c, 0x0c));
        let cd = &*spdk_nvme_ctrlr_get_data(c);
        assert_eq!(cd.cmic.anars(), 1);
        assert_eq!({ cd.nanagrpid }, 2);
        assert_eq!(ana(c, 1), (1, OPTIMIZED));
        assert_eq!(ana(c, 2), (1, OPTIMIZED));
        assert_eq!(ana(c, 3), (5, OPTIMIZED));
        assert_eq!(model.with(|m| m.ana_log_reads), 1);
        // The ANA change notice was enabled.
        assert_ne!(model.with(|m| m.feature(0x0b)) & (1 << 11), 0);

        let mut ev = Events::default();
        spdk_nvme_ctrlr_register_aer_callback(
            c,
            Some(on_aer),
            &mut ev as *mut Events as *mut c_void,
        );
        model.with(|m| m.set_ana_state(5, INACCESSIBLE as u8));
        poll(c);
        assert_eq!(ev.cdw0, vec![2 | 3 << 8 | 0x0c << 16]);
        assert_eq!(model.with(|m| m.ana_log_reads), 2);
        assert_eq!(ana(c, 1), (1, OPTIMIZED));
        assert_eq!(ana(c, 3), (5, INACCESSIBLE));
        model.with(|m| m.set_ana_state(1, NON_OPTIMIZED as u8));
        poll(c);
        assert_eq!(ev.cdw0.len(), 2);
        assert_eq!(ana(c, 2), (1, NON_OPTIMIZED));
        assert_eq!(ana(c, 3), (5, INACCESSIBLE));

        // A reset reads the page again; the states stay what it says.
        assert_eq!(spdk_nvme_ctrlr_reset(c), 0);
        assert_eq!(model.with(|m| m.ana_log_reads), 4);
        assert_eq!(ana(c, 1), (1, NON_OPTIMIZED));
        assert_eq!(ana(c, 3), (5, INACCESSIBLE));
        assert_eq!(spdk_nvme_detach(c), 0);
    }
}

#[test]
fn ana_log_page_not_read_when_disabled() {
    let model = ana_model(vec![2, 3]);
    let mut o = spdk_nvme_ctrlr_opts::default();
    unsafe {
        spdk_nvme_ctrlr_get_default_ctrlr_opts(&mut o, std::mem::size_of::<spdk_nvme_ctrlr_opts>());
    }
    assert!(!o.disable_read_ana_log_page);
    o.disable_read_ana_log_page = true;
    let c = attach(&model, Some(o));
    unsafe {
        assert_eq!(ana(c, 1), (0, OPTIMIZED));
        assert_eq!(ana(c, 2), (0, OPTIMIZED));
        let mut ev = Events::default();
        spdk_nvme_ctrlr_register_aer_callback(
            c,
            Some(on_aer),
            &mut ev as *mut Events as *mut c_void,
        );
        model.with(|m| m.set_ana_state(3, INACCESSIBLE as u8));
        poll(c);
        // The event is reported, the page still not read.
        assert_eq!(ev.cdw0.len(), 1);
        assert_eq!(model.with(|m| m.ana_log_reads), 0);
        assert_eq!(ana(c, 2), (0, OPTIMIZED));
        assert_eq!(spdk_nvme_detach(c), 0);
    }
}

#[test]
fn no_ana_reporting_and_null_namespace() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model, None);
    unsafe {
        assert!(!spdk_nvme_ctrlr_is_log_page_supported(c, 0x0c));
        assert_eq!(ana(c, 1), (0, OPTIMIZED));
        assert_eq!(model.with(|m| m.ana_log_reads), 0);
        assert_eq!(spdk_nvme_ns_get_ana_group_id(ptr::null()), 0);
        assert_eq!(spdk_nvme_ns_get_ana_state(ptr::null()).0, 0);
        assert!(spdk_nvme_nvm_ns_get_data(ptr::null_mut()).is_null());
        assert_eq!(spdk_nvme_ns_get_pi_format(ptr::null_mut()).0, 0);
        assert_eq!(spdk_nvme_detach(c), 0);
    }
}

fn pi_model(elbas: bool) -> Model {
    let ns = ModelNs {
        md_size: 16,
        ..Default::default()
    };
    Model::new(ModelConfig {
        namespaces: vec![ns, ns, ModelNs::default()],
        elbas,
        // Type 1 with 64b guard; type 3 with 32b guard; none.
        ns_pi: vec![(1, 2), (3, 1)],
        ..Default::default()
    })
}

#[test]
fn nvm_ns_data_and_pi_format_with_elbas() {
    let model = pi_model(true);
    let c = attach(&model, None);
    unsafe {
        let cd = &*spdk_nvme_ctrlr_get_data(c);
        assert_eq!(cd.ctratt.elbas(), 1);
        let expect = [(1, 1, 2), (2, 3, 1), (3, 0, 0)];
        for (nsid, pit, pif) in expect {
            let ns = spdk_nvme_ctrlr_get_ns(c, nsid);
            assert_eq!(spdk_nvme_ns_get_csi(ns).0, 0);
            let d = spdk_nvme_nvm_ns_get_data(ns);
            assert!(!d.is_null(), "namespace {nsid}: NVM data read");
            assert_eq!(spdk_nvme_ns_get_pi_type(ns).0, pit);
            assert_eq!((*d).elbaf[0].pif() as i32, pif);
            assert_eq!(spdk_nvme_ns_get_pi_format(ns).0, pif, "namespace {nsid}");
        }
        // The data survives a reset at the same address.
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let before = spdk_nvme_nvm_ns_get_data(ns);
        assert_eq!(spdk_nvme_ctrlr_reset(c), 0);
        assert_eq!(spdk_nvme_nvm_ns_get_data(ns), before);
        assert_eq!(spdk_nvme_ns_get_pi_format(ns).0, 2);
        assert_eq!(spdk_nvme_detach(c), 0);
    }
}

#[test]
fn no_nvm_ns_data_without_elbas() {
    let model = pi_model(false);
    let c = attach(&model, None);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        assert!(spdk_nvme_nvm_ns_get_data(ns).is_null());
        assert_eq!(spdk_nvme_ns_get_pi_type(ns).0, 1);
        // PI enabled, no extended formats: 16b guard.
        assert_eq!(spdk_nvme_ns_get_pi_format(ns).0, 0);
        assert_eq!(spdk_nvme_detach(c), 0);
    }
}
