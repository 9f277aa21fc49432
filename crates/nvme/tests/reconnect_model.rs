//! A reset in steps through the C API against the in-memory model:
//! spdk_nvme_ctrlr_disconnect, spdk_nvme_ctrlr_reconnect_async and
//! spdk_nvme_ctrlr_reconnect_poll_async; outstanding I/O ends aborted,
//! the admin queue reports -ENXIO while down, the queue pairs work again
//! afterwards with the same handles.

use std::ffi::c_void;
use std::ptr;

use spdk_nvme::ffi::nvme::ctrlr::*;
use spdk_nvme::ffi::nvme::ns_cmd::*;
use spdk_nvme::ffi::nvme::probe::*;
use spdk_nvme::ffi::nvme::qpair::*;
use spdk_nvme::model::{Model, ModelConfig};
use spdk_nvme::probe;
use spdk_nvme::spec::cmd::Cpl;

struct Dma(*mut u8, usize);

impl Dma {
    fn new(len: usize, fill: u8) -> Dma {
        let p = spdk_env::memory::dma_alloc(len, 4096, -1).unwrap().as_ptr();
        unsafe { ptr::write_bytes(p, fill, len) };
        Dma(p, len)
    }
    fn bytes(&self) -> &[u8] {
        unsafe { std::slice::from_raw_parts(self.0, self.1) }
    }
}

impl Drop for Dma {
    fn drop(&mut self) {
        spdk_env::memory::dma_free(ptr::NonNull::new(self.0).unwrap());
    }
}

#[derive(Default)]
struct Done(Vec<Cpl>);

unsafe extern "C" fn cb(arg: *mut c_void, cpl: *const Cpl) {
    (*(arg as *mut Done)).0.push(*cpl);
}

unsafe fn io(c: *mut spdk_nvme_ctrlr, q: *mut spdk_nvme_qpair, write: bool, b: &Dma) -> Cpl {
    let ns = spdk_nvme_ctrlr_get_ns(c, 1);
    let mut d = Done::default();
    let arg = &mut d as *mut Done as *mut c_void;
    let f = if write {
        spdk_nvme_ns_cmd_write
    } else {
        spdk_nvme_ns_cmd_read
    };
    assert_eq!(f(ns, q, b.0.cast(), 8, 1, Some(cb), arg, 0), 0);
    for _ in 0..10_000 {
        if !d.0.is_empty() {
            break;
        }
        spdk_nvme_qpair_process_completions(q, 0);
    }
    d.0[0]
}

#[test]
fn disconnect_reconnect_in_steps() {
    let model = Model::new(ModelConfig {
        // RDY follows CC.EN only after a few reads: the poll must wait.
        ready_delay: 4,
        ..Default::default()
    });
    let c: *mut spdk_nvme_ctrlr = probe::attach_model(&model, None).unwrap().cast();
    unsafe {
        let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
        assert!(!q.is_null());
        let w = Dma::new(512, 0x5a);
        assert!(io(c, q, true, &w).is_success());

        // A read held by the device ends aborted by the disconnect.
        model.with(|m| m.hold_io = true);
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let r = Dma::new(512, 0);
        let mut held = Done::default();
        let harg = &mut held as *mut Done as *mut c_void;
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, r.0.cast(), 8, 1, Some(cb), harg, 0),
            0
        );
        spdk_nvme_qpair_process_completions(q, 0);
        assert!(held.0.is_empty());
        model.with(|m| m.hold_io = false);

        assert_eq!(spdk_nvme_ctrlr_disconnect(c), 0);
        assert_eq!(spdk_nvme_ctrlr_disconnect(c), -libc::EBUSY);
        assert_eq!(held.0.len(), 1);
        assert_eq!(held.0[0].status.sc(), 0x08);
        assert_eq!(spdk_nvme_ctrlr_process_admin_completions(c), -libc::ENXIO);
        assert!(spdk_nvme_qpair_process_completions(q, 0) < 0);
        assert!(!spdk_nvme_ctrlr_is_failed(c));

        spdk_nvme_ctrlr_reconnect_async(c);
        let mut polls = 0;
        let rc = loop {
            polls += 1;
            let rc = spdk_nvme_ctrlr_reconnect_poll_async(c);
            if rc != -libc::EAGAIN {
                break rc;
            }
            assert!(polls < 1_000_000);
        };
        assert_eq!(rc, 0);
        assert!(polls > 1, "initialization went in steps");
        assert!(!spdk_nvme_ctrlr_is_failed(c));
        assert!(spdk_nvme_ctrlr_process_admin_completions(c) >= 0);

        // The same queue pair works again; the data is still there.
        let r = Dma::new(512, 0);
        assert!(io(c, q, false, &r).is_success());
        assert_eq!(r.bytes(), w.bytes());
        // Nothing running: polling again is 0.
        assert_eq!(spdk_nvme_ctrlr_reconnect_poll_async(c), 0);

        // Reconnect without a disconnect disconnects first.
        spdk_nvme_ctrlr_reconnect_async(c);
        assert_eq!(spdk_nvme_ctrlr_process_admin_completions(c), -libc::ENXIO);
        while spdk_nvme_ctrlr_reconnect_poll_async(c) == -libc::EAGAIN {}
        assert!(io(c, q, false, &r).is_success());

        assert_eq!(spdk_nvme_ctrlr_disconnect(ptr::null_mut()), -libc::EINVAL);
        assert_eq!(
            spdk_nvme_ctrlr_reconnect_poll_async(ptr::null_mut()),
            -libc::EINVAL
        );
        spdk_nvme_ctrlr_reconnect_async(ptr::null_mut());

        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        assert_eq!(spdk_nvme_detach(c), 0);
    }
}
