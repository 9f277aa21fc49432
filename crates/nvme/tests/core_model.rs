//! The driver core (controller init, queue pairs, namespace commands)
//! against the in-memory model, through the Rust API.

use std::ffi::c_void;
use std::ptr;

use spdk_nvme::ctrlr::Ctrlr;
use spdk_nvme::model::{Model, ModelConfig};
use spdk_nvme::ns_cmd::{self, RwArgs};
use spdk_nvme::probe;
use spdk_nvme::qpair::Qpair;
use spdk_nvme::request::Payload;
use spdk_nvme::spec::cmd::Cpl;

struct Done {
    n: usize,
    last: Cpl,
}

unsafe extern "C" fn done(arg: *mut c_void, cpl: *const Cpl) {
    let d = &mut *(arg as *mut Done);
    d.n += 1;
    d.last = *cpl;
}

fn dma(len: usize) -> *mut u8 {
    let p = spdk_env::memory::dma_alloc(len, 4096, -1).unwrap().as_ptr();
    unsafe { ptr::write_bytes(p, 0, len) };
    p
}

unsafe fn wait(q: *mut Qpair, d: &Done, n: usize) {
    for _ in 0..1000 {
        if d.n >= n {
            return;
        }
        Qpair::process_completions(q, 0);
    }
    panic!("no completion");
}

#[test]
fn init_and_io() {
    let model = Model::new(ModelConfig::default());
    let c = probe::attach_model(&model, None).unwrap();
    unsafe {
        let ctrlr: &mut Ctrlr = &mut *c;
        assert!(ctrlr.is_ready());
        assert_eq!(ctrlr.first_active_ns(), 1);
        let ns = &*ctrlr.get_ns(1).unwrap();
        assert_eq!((ns.sector_size, ns.num_sectors()), (512, 2048));
        let o = ctrlr.default_io_qpair_opts();
        let q = ctrlr.alloc_io_qpair(&o).unwrap();
        let buf = dma(8192);
        for i in 0..8192 {
            *buf.add(i) = i as u8;
        }
        let mut d = Done {
            n: 0,
            last: Cpl::default(),
        };
        let a = RwArgs {
            lba: 8,
            lba_count: 16,
            ..Default::default()
        };
        let pl = Payload::Contig {
            buf,
            md: ptr::null_mut(),
        };
        let darg = &mut d as *mut Done as *mut c_void;
        assert_eq!(
            ns_cmd::rw(ns, q, ns_cmd::OPC_WRITE, pl, a, Some(done), darg),
            0
        );
        wait(q, &d, 1);
        assert!(d.last.is_success());
        let back = dma(8192);
        let pl = Payload::Contig {
            buf: back,
            md: ptr::null_mut(),
        };
        assert_eq!(
            ns_cmd::rw(ns, q, ns_cmd::OPC_READ, pl, a, Some(done), darg),
            0
        );
        wait(q, &d, 2);
        assert!(d.last.is_success());
        assert_eq!(
            std::slice::from_raw_parts(back, 8192),
            std::slice::from_raw_parts(buf, 8192)
        );
        assert_eq!(ctrlr.free_io_qpair(q), 0);
        probe::detach(c);
    }
}
