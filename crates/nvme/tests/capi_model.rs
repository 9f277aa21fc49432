//! The nvme.h C API, called as a C program would (the extern "C"
//! functions), against the in-memory model controller: initialization,
//! identify data, I/O with data checked (contiguous, scatter lists through
//! PRPs and through SGLs, transfers needing chained PRP list pages,
//! splits), queue full, many queue pairs, reset, timeouts and abort,
//! asynchronous events, bad input, and the model's injected faults
//! (unknown CID, duplicate completion, wrong phase, controller fatal
//! status), which must end as reported errors, never as crashes.

use std::ffi::{c_int, c_void, CStr};
use std::ptr;

use spdk_nvme::ffi::nvme::ctrlr::*;
use spdk_nvme::ffi::nvme::ns::*;
use spdk_nvme::ffi::nvme::ns_cmd::*;
use spdk_nvme::ffi::nvme::ns_resv::*;
use spdk_nvme::ffi::nvme::opts::*;
use spdk_nvme::ffi::nvme::probe::*;
use spdk_nvme::ffi::nvme::qpair::*;
use spdk_nvme::ffi::nvme::spdk_nvme_transport_id;
use spdk_nvme::ffi::nvme_util::spdk_nvme_build_name;
use spdk_nvme::model::{Model, ModelConfig, ModelNs};
use spdk_nvme::probe;
use spdk_nvme::spec::cmd::{Cmd, Cpl, DsmRange, SccSourceRange, Status};
use spdk_nvme::spec::log::{ReservationAcquireData, ReservationKeyData, ReservationRegisterData};

#[global_allocator]
static GLOBAL: spdk_util::alloc_count::CountingAlloc = spdk_util::alloc_count::CountingAlloc;

// ---- helpers ----

fn attach(model: &Model) -> *mut spdk_nvme_ctrlr {
    attach_opts(model, None)
}

fn attach_opts(model: &Model, o: Option<spdk_nvme_ctrlr_opts>) -> *mut spdk_nvme_ctrlr {
    probe::attach_model(model, o).expect("attach").cast()
}

struct Buf {
    p: *mut u8,
    len: usize,
}

impl Buf {
    fn new(len: usize) -> Buf {
        let p = spdk_env::memory::dma_alloc(len, 4096, -1)
            .expect("dma")
            .as_ptr();
        unsafe { ptr::write_bytes(p, 0, len) };
        Buf { p, len }
    }
    fn fill(&self, seed: u8) {
        for i in 0..self.len {
            unsafe { *self.p.add(i) = (i as u8).wrapping_mul(31).wrapping_add(seed) };
        }
    }
    fn bytes(&self) -> &[u8] {
        unsafe { std::slice::from_raw_parts(self.p, self.len) }
    }
    fn vp(&self) -> *mut c_void {
        self.p.cast()
    }
}

impl Drop for Buf {
    fn drop(&mut self) {
        spdk_env::memory::dma_free(std::ptr::NonNull::new(self.p).unwrap());
    }
}

/// Completions seen by `cb`.
#[derive(Default)]
struct Done {
    n: usize,
    cpls: Vec<Cpl>,
}

impl Done {
    fn arg(&mut self) -> *mut c_void {
        self as *mut Done as *mut c_void
    }
    fn last(&self) -> Cpl {
        *self.cpls.last().expect("a completion")
    }
}

unsafe extern "C" fn cb(arg: *mut c_void, cpl: *const Cpl) {
    let d = &mut *(arg as *mut Done);
    d.n += 1;
    d.cpls.push(*cpl);
}

unsafe fn poll_until(q: *mut spdk_nvme_qpair, d: &Done, n: usize) {
    for _ in 0..100_000 {
        if d.n >= n {
            return;
        }
        assert!(spdk_nvme_qpair_process_completions(q, 0) >= 0);
    }
    panic!("only {} of {} completions", d.n, n);
}

unsafe fn admin_until(c: *mut spdk_nvme_ctrlr, d: &Done, n: usize) {
    for _ in 0..100_000 {
        if d.n >= n {
            return;
        }
        spdk_nvme_ctrlr_process_admin_completions(c);
    }
    panic!("only {} of {} admin completions", d.n, n);
}

fn sc(c: &Cpl) -> (u16, u16) {
    (c.status.sct(), c.status.sc())
}

unsafe fn qpair(c: *mut spdk_nvme_ctrlr) -> *mut spdk_nvme_qpair {
    let q = spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0);
    assert!(!q.is_null());
    q
}

unsafe fn write_read_check(
    ns: *mut spdk_nvme_ns,
    q: *mut spdk_nvme_qpair,
    lba: u64,
    blocks: u32,
    bs: usize,
    off: usize,
) {
    let len = blocks as usize * bs;
    let w = Buf::new(len + off);
    w.fill(lba as u8);
    let r = Buf::new(len + off);
    let mut d = Done::default();
    let wp = w.p.add(off).cast();
    assert_eq!(
        spdk_nvme_ns_cmd_write(ns, q, wp, lba, blocks, Some(cb), d.arg(), 0),
        0
    );
    poll_until(q, &d, 1);
    assert!(d.last().is_success(), "write {:?}", sc(&d.last()));
    let rp = r.p.add(off).cast();
    assert_eq!(
        spdk_nvme_ns_cmd_read(ns, q, rp, lba, blocks, Some(cb), d.arg(), 0),
        0
    );
    poll_until(q, &d, 2);
    assert!(d.last().is_success(), "read {:?}", sc(&d.last()));
    assert!(w.bytes()[off..] == r.bytes()[off..], "data differs");
}

// ---- initialization and identify ----

#[test]
fn init_identify_and_getters() {
    let model = Model::new(ModelConfig {
        namespaces: vec![
            ModelNs::default(),
            ModelNs {
                blocks: 4096,
                block_size: 4096,
                md_size: 8,
                noiob: 64,
                zoned: None,
            },
        ],
        ..Default::default()
    });
    let c = attach(&model);
    unsafe {
        let cd = &*spdk_nvme_ctrlr_get_data(c);
        let mn: Vec<u8> = cd.mn.iter().map(|&b| b as u8).collect();
        assert!(mn.starts_with(b"spdk-rs in-memory NVMe model"));
        assert_eq!({ cd.nn }, 2);
        assert_eq!(spdk_nvme_ctrlr_get_num_ns(c), 2);
        assert_eq!(spdk_nvme_ctrlr_get_regs_cap(c).mqes(), 1023);
        assert_eq!(spdk_nvme_ctrlr_get_regs_vs(c).mnr(), 4);
        let csts = spdk_nvme_ctrlr_get_regs_csts(c);
        assert_eq!((csts.rdy(), csts.cfs()), (1, 0));
        assert_eq!(spdk_nvme_ctrlr_get_regs_cc(c).en(), 1);
        assert_eq!(spdk_nvme_ctrlr_get_first_active_ns(c), 1);
        assert_eq!(spdk_nvme_ctrlr_get_next_active_ns(c, 1), 2);
        assert_eq!(spdk_nvme_ctrlr_get_next_active_ns(c, 2), 0);
        assert!(spdk_nvme_ctrlr_is_active_ns(c, 2));
        assert!(!spdk_nvme_ctrlr_is_active_ns(c, 3));
        assert!(spdk_nvme_ctrlr_get_ns(c, 0).is_null());
        assert!(spdk_nvme_ctrlr_get_ns(c, 3).is_null());
        assert_eq!(spdk_nvme_ctrlr_get_max_xfer_size(c), 4 << 20);
        assert_eq!(spdk_nvme_ctrlr_get_id(c), 1);
        assert!(!spdk_nvme_ctrlr_is_fabrics(c));
        assert!(!spdk_nvme_ctrlr_is_discovery(c));
        assert_eq!(spdk_nvme_ctrlr_get_numa_id(c), -1);
        assert!(spdk_nvme_ctrlr_get_pci_device(c).is_null());
        assert!(spdk_nvme_ctrlr_is_log_page_supported(c, 2));
        assert!(spdk_nvme_ctrlr_is_feature_supported(c, 7));
        let o = &*spdk_nvme_ctrlr_get_opts(c);
        // 16 queues in the model: the grant lowered the request.
        assert_eq!(o.num_io_queues, 16);
        let ns = spdk_nvme_ctrlr_get_ns(c, 2);
        assert_eq!(spdk_nvme_ns_get_id(ns), 2);
        assert_eq!(spdk_nvme_ns_get_ctrlr(ns), c);
        assert!(spdk_nvme_ns_is_active(ns));
        assert_eq!(spdk_nvme_ns_get_sector_size(ns), 4096);
        assert_eq!(spdk_nvme_ns_get_extended_sector_size(ns), 4096);
        assert_eq!(spdk_nvme_ns_get_md_size(ns), 8);
        assert_eq!(spdk_nvme_ns_get_num_sectors(ns), 4096);
        assert_eq!(spdk_nvme_ns_get_size(ns), 4096 * 4096);
        assert_eq!(spdk_nvme_ns_get_optimal_io_boundary(ns), 64);
        assert!(!spdk_nvme_ns_supports_extended_lba(ns));
        assert!(spdk_nvme_ns_supports_compare(ns));
        assert_eq!(spdk_nvme_ns_get_pi_type(ns).0, 0);
        assert_eq!(spdk_nvme_ns_get_dealloc_logical_block_read_value(ns).0, 1);
        let f = spdk_nvme_ns_get_flags(ns);
        assert_ne!(
            f & spdk_nvme_ns_flags::SPDK_NVME_NS_DEALLOCATE_SUPPORTED as u32,
            0
        );
        assert_ne!(
            f & spdk_nvme_ns_flags::SPDK_NVME_NS_WRITE_ZEROES_SUPPORTED as u32,
            0
        );
        assert_ne!(
            f & spdk_nvme_ns_flags::SPDK_NVME_NS_FLUSH_SUPPORTED as u32,
            0
        );
        assert!(!spdk_nvme_ns_get_nguid(ns).is_null());
        assert_eq!(spdk_nvme_ns_get_active_format_index(ns), 0);
        assert_eq!({ (*spdk_nvme_ns_get_data(ns)).nsze }, 4096);
        assert_eq!(spdk_nvme_ns_get_max_io_xfer_size(ns), 4 << 20);
        let t = &*spdk_nvme_ctrlr_get_transport_id(c);
        assert_eq!(t.trtype.0, 256);
        // NVMe 1.4: the identification descriptors give a UUID and the
        // NVM command set.
        let u = spdk_nvme_ns_get_uuid(ns);
        assert!(!u.is_null());
        assert_eq!((*u).u.raw[15], 2);
        assert_eq!(spdk_nvme_ns_get_csi(ns).0, 0);
        assert!(spdk_nvme_ns_get_uuid(ptr::null()).is_null());
        // No CMB, PMR or boot partitions in the model.
        assert_eq!(spdk_nvme_ctrlr_get_regs_cmbsz(c).0, 0);
        assert_eq!(spdk_nvme_ctrlr_get_regs_pmrcap(c).0, 0);
        assert_eq!(spdk_nvme_ctrlr_get_regs_bpinfo(c).0, 0);
        assert_eq!(spdk_nvme_ctrlr_get_pmrsz(c), 0);
        assert_eq!(spdk_nvme_ctrlr_reserve_cmb(c), -libc::ENOTSUP);
        let mut cmb_size = 7usize;
        assert!(spdk_nvme_ctrlr_map_cmb(c, &mut cmb_size).is_null());
        assert_eq!(cmb_size, 0);
        spdk_nvme_ctrlr_unmap_cmb(c);
        let mut name = [0 as std::ffi::c_char; 64];
        let want = format!(
            "PCIE ({}) NSID 2",
            CStr::from_ptr(t.traddr.as_ptr()).to_str().unwrap()
        );
        let n = spdk_nvme_build_name(name.as_mut_ptr(), name.len(), c, ns);
        assert_eq!(n as usize, want.len());
        assert_eq!(CStr::from_ptr(name.as_ptr()).to_str().unwrap(), want);
        // Truncated like snprintf: the full length comes back.
        assert_eq!(
            spdk_nvme_build_name(name.as_mut_ptr(), 5, c, ns) as usize,
            want.len()
        );
        assert_eq!(CStr::from_ptr(name.as_ptr()).to_bytes(), b"PCIE");
        assert_eq!(
            spdk_nvme_build_name(name.as_mut_ptr(), 64, ptr::null_mut(), ns),
            -libc::EINVAL
        );
        assert_eq!(spdk_nvme_detach(c), 0);
        // Detached: the handle is no longer attached.
        assert_eq!(spdk_nvme_detach(c), -libc::EINVAL);
    }
}

static ATTACHED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

unsafe extern "C" fn on_attach(
    ctx: *mut c_void,
    _t: *const spdk_nvme_transport_id,
    c: *mut spdk_nvme_ctrlr,
    o: *const spdk_nvme_ctrlr_opts,
) {
    assert!(!o.is_null());
    *(ctx as *mut *mut spdk_nvme_ctrlr) = c;
    ATTACHED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

unsafe extern "C" fn on_fail(ctx: *mut c_void, _t: *const spdk_nvme_transport_id, rc: c_int) {
    *(ctx as *mut c_int) = rc;
}

#[test]
fn async_init_through_a_probe_context() {
    // RDY comes only after several CSTS reads: the state machine waits.
    let model = Model::new(ModelConfig {
        ready_delay: 5,
        ..Default::default()
    });
    let mut got: *mut spdk_nvme_ctrlr = ptr::null_mut();
    let mut ctx = probe::ProbeCtx::new(
        (&mut got as *mut *mut spdk_nvme_ctrlr).cast(),
        Some(on_attach),
        None,
        None,
    );
    ctx.add(probe::start_model(&model, None).unwrap());
    let ctx: *mut spdk_nvme_probe_ctx = Box::into_raw(Box::new(ctx)).cast();
    unsafe {
        let mut polls = 0;
        while spdk_nvme_probe_poll_async(ctx) == -libc::EAGAIN {
            polls += 1;
            assert!(polls < 10_000);
        }
        assert!(polls > 1, "initialization should take several polls");
        assert!(!got.is_null());
        assert!(spdk_nvme_ctrlr_get_data(got) as usize != 0);
        assert_eq!(spdk_nvme_detach(got), 0);
    }
}

#[test]
fn a_controller_that_never_gets_ready_times_out() {
    let model = Model::new(ModelConfig {
        never_ready: true,
        cap_to: 1,
        ..Default::default()
    });
    let mut rc: c_int = 0;
    let mut ctx = probe::ProbeCtx::new((&mut rc as *mut c_int).cast(), None, Some(on_fail), None);
    ctx.add(probe::start_model(&model, None).unwrap());
    let ctx: *mut spdk_nvme_probe_ctx = Box::into_raw(Box::new(ctx)).cast();
    let t0 = std::time::Instant::now();
    unsafe { while spdk_nvme_probe_poll_async(ctx) == -libc::EAGAIN {} }
    assert_eq!(rc, -libc::ETIMEDOUT);
    // CAP.TO 1: 500 ms.
    assert!(t0.elapsed() >= std::time::Duration::from_millis(450));
}

#[test]
fn options_and_their_size() {
    unsafe {
        let mut o: spdk_nvme_ctrlr_opts = std::mem::zeroed();
        spdk_nvme_ctrlr_get_default_ctrlr_opts(&mut o, std::mem::size_of::<spdk_nvme_ctrlr_opts>());
        assert_eq!(o.num_io_queues, 1024);
        assert_eq!(o.io_queue_size, 256);
        assert_eq!(o.io_queue_requests, 512);
        assert_eq!(o.admin_queue_size, 32);
        assert_eq!(o.keep_alive_timeout_ms, 10_000);
        assert_eq!(o.admin_timeout_ms, 30_000);
        assert_eq!(o.opts_size, 856);
        let nqn = CStr::from_ptr(o.hostnqn.as_ptr()).to_str().unwrap();
        assert!(nqn.starts_with("nqn.2014-08.org.nvmexpress:uuid:"));
        // A caller that knows only the first 8 bytes gets only those.
        let mut small: spdk_nvme_ctrlr_opts = std::mem::zeroed();
        small.io_queue_size = 77;
        spdk_nvme_ctrlr_get_default_ctrlr_opts(&mut small, 8);
        assert_eq!((small.num_io_queues, small.io_queue_size), (1024, 77));
        spdk_nvme_ctrlr_get_default_ctrlr_opts(ptr::null_mut(), 856);
    }
}

// ---- I/O with data ----

#[test]
fn io_contiguous_with_data_checked() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        write_read_check(ns, q, 0, 1, 512, 0);
        // Not page aligned: PRP1 with an offset, then a PRP list.
        write_read_check(ns, q, 100, 40, 512, 512);
        // What the device stored is what was written.
        let w = Buf::new(4096);
        w.fill(9);
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ns_cmd_write(ns, q, w.vp(), 8, 8, Some(cb), d.arg(), 0),
            0
        );
        poll_until(q, &d, 1);
        let disk = model.with(|m| m.disk(1).unwrap()[8 * 512..16 * 512].to_vec());
        assert_eq!(&disk[..], w.bytes());
        // Compare: equal, then different.
        assert_eq!(
            spdk_nvme_ns_cmd_compare(ns, q, w.vp(), 8, 8, Some(cb), d.arg(), 0),
            0
        );
        poll_until(q, &d, 2);
        assert!(d.last().is_success());
        w.fill(10);
        assert_eq!(
            spdk_nvme_ns_cmd_compare(ns, q, w.vp(), 8, 8, Some(cb), d.arg(), 0),
            0
        );
        poll_until(q, &d, 3);
        assert_eq!(sc(&d.last()), (2, 0x85));
        // Write zeroes, DSM deallocate, flush, copy.
        assert_eq!(
            spdk_nvme_ns_cmd_write_zeroes(ns, q, 8, 4, Some(cb), d.arg(), 0),
            0
        );
        poll_until(q, &d, 4);
        assert!(d.last().is_success());
        let disk = model.with(|m| m.disk(1).unwrap()[8 * 512..16 * 512].to_vec());
        assert!(disk[..2048].iter().all(|&b| b == 0) && disk[2048..].iter().any(|&b| b != 0));
        let r = DsmRange {
            length: 4,
            starting_lba: 12,
            ..Default::default()
        };
        assert_eq!(
            spdk_nvme_ns_cmd_dataset_management(ns, q, 4, &r, 1, Some(cb), d.arg()),
            0
        );
        poll_until(q, &d, 5);
        assert!(d.last().is_success());
        let disk = model.with(|m| m.disk(1).unwrap()[8 * 512..16 * 512].to_vec());
        assert!(disk.iter().all(|&b| b == 0));
        assert_eq!(spdk_nvme_ns_cmd_flush(ns, q, Some(cb), d.arg()), 0);
        poll_until(q, &d, 6);
        assert!(d.last().is_success());
        write_read_check(ns, q, 200, 4, 512, 0);
        let src = SccSourceRange {
            slba: 200,
            nlb: 3,
            ..Default::default()
        };
        assert_eq!(
            spdk_nvme_ns_cmd_copy(ns, q, &src, 1, 300, Some(cb), d.arg()),
            0
        );
        poll_until(q, &d, 7);
        assert!(d.last().is_success());
        let disk = model.with(|m| m.disk(1).unwrap().to_vec());
        assert_eq!(disk[200 * 512..204 * 512], disk[300 * 512..304 * 512]);
        // Out of range: the controller's status.
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, w.vp(), 2047, 2, Some(cb), d.arg(), 0),
            0
        );
        poll_until(q, &d, 8);
        assert_eq!(sc(&d.last()), (0, 0x80));
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        spdk_nvme_detach(c);
    }
}

#[test]
fn separate_metadata() {
    let model = Model::new(ModelConfig {
        namespaces: vec![ModelNs {
            md_size: 16,
            ..Default::default()
        }],
        ..Default::default()
    });
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        assert_eq!(spdk_nvme_ns_get_md_size(ns), 16);
        let q = qpair(c);
        let data = Buf::new(4096);
        data.fill(1);
        let md = Buf::new(128);
        md.fill(2);
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ns_cmd_write_with_md(
                ns,
                q,
                data.vp(),
                md.vp(),
                16,
                8,
                Some(cb),
                d.arg(),
                0,
                0,
                0
            ),
            0
        );
        poll_until(q, &d, 1);
        assert!(d.last().is_success());
        let stored = model.with(|m| m.metadata(1).unwrap()[16 * 16..24 * 16].to_vec());
        assert_eq!(&stored[..], md.bytes());
        let md2 = Buf::new(128);
        let data2 = Buf::new(4096);
        assert_eq!(
            spdk_nvme_ns_cmd_read_with_md(
                ns,
                q,
                data2.vp(),
                md2.vp(),
                16,
                8,
                Some(cb),
                d.arg(),
                0,
                0,
                0
            ),
            0
        );
        poll_until(q, &d, 2);
        assert_eq!((data2.bytes(), md2.bytes()), (data.bytes(), md.bytes()));
        spdk_nvme_detach(c);
    }
}

/// A scatter list for readv/writev.
struct Sgl {
    elems: Vec<(*mut u8, u32)>,
    i: usize,
    off: u32,
}

unsafe extern "C" fn sgl_reset(arg: *mut c_void, offset: u32) {
    let s = &mut *(arg as *mut Sgl);
    s.i = 0;
    s.off = offset;
    // Skip whole elements before the offset.
    while s.i < s.elems.len() && s.off >= s.elems[s.i].1 {
        s.off -= s.elems[s.i].1;
        s.i += 1;
    }
}

unsafe extern "C" fn sgl_next(arg: *mut c_void, addr: *mut *mut c_void, len: *mut u32) -> c_int {
    let s = &mut *(arg as *mut Sgl);
    let Some(&(p, l)) = s.elems.get(s.i) else {
        return -1;
    };
    *addr = p.add(s.off as usize).cast();
    *len = l - s.off;
    s.off = 0;
    s.i += 1;
    0
}

/// Writes through a scatter list laid over `w` as `layout` (offset,
/// length) pieces, reads back contiguously, compares.
unsafe fn sgl_round_trip(model: &Model, sgl_hw: bool, layout: &[(usize, u32)], lba: u64) -> u64 {
    let c = attach(model);
    let flags = spdk_nvme_ctrlr_get_flags(c);
    assert_eq!(flags & 1 != 0, sgl_hw);
    let ns = spdk_nvme_ctrlr_get_ns(c, 1);
    let q = qpair(c);
    let total: u32 = layout.iter().map(|e| e.1).sum();
    let w = Buf::new(1 << 20);
    w.fill(3);
    let mut s = Sgl {
        elems: layout.iter().map(|&(o, l)| (w.p.add(o), l)).collect(),
        i: 0,
        off: 0,
    };
    let mut d = Done::default();
    let arg = &mut s as *mut Sgl as *mut c_void;
    // The callback argument is the scatter list; completions counted apart.
    static mut DONE: usize = 0;
    unsafe extern "C" fn sgl_cb(_a: *mut c_void, cpl: *const Cpl) {
        assert!((*cpl).is_success(), "{:?}", *cpl);
        DONE += 1;
    }
    let before = DONE;
    let cmds = model.with(|m| m.commands);
    let rc = spdk_nvme_ns_cmd_writev(
        ns,
        q,
        lba,
        total / 512,
        Some(sgl_cb),
        arg,
        0,
        Some(sgl_reset),
        Some(sgl_next),
    );
    assert_eq!(rc, 0);
    while DONE == before {
        spdk_nvme_qpair_process_completions(q, 0);
    }
    let writev_cmds = model.with(|m| m.commands) - cmds;
    let r = Buf::new(total as usize);
    assert_eq!(
        spdk_nvme_ns_cmd_read(ns, q, r.vp(), lba, total / 512, Some(cb), d.arg(), 0),
        0
    );
    poll_until(q, &d, 1);
    let mut expect = Vec::new();
    for &(o, l) in layout {
        expect.extend_from_slice(&w.bytes()[o..o + l as usize]);
    }
    assert!(r.bytes() == &expect[..], "scattered data differs");
    // And read back through the same scatter list into a cleared buffer.
    ptr::write_bytes(w.p, 0, w.len);
    let before = DONE;
    let rc = spdk_nvme_ns_cmd_readv(
        ns,
        q,
        lba,
        total / 512,
        Some(sgl_cb),
        arg,
        0,
        Some(sgl_reset),
        Some(sgl_next),
    );
    assert_eq!(rc, 0);
    while DONE == before {
        spdk_nvme_qpair_process_completions(q, 0);
    }
    let mut got = Vec::new();
    for &(o, l) in layout {
        got.extend_from_slice(&w.bytes()[o..o + l as usize]);
    }
    assert!(got == expect, "readv data differs");
    spdk_nvme_detach(c);
    writev_cmds
}

#[test]
fn ext_calls_with_options() {
    let model = Model::new(ModelConfig {
        namespaces: vec![
            ModelNs {
                md_size: 16,
                ..Default::default()
            },
            ModelNs::default(),
        ],
        ..Default::default()
    });
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        let data = Buf::new(4096);
        data.fill(3);
        let md = Buf::new(128);
        md.fill(4);
        let mut o: spdk_nvme_ns_cmd_ext_io_opts = std::mem::zeroed();
        o.size = std::mem::size_of_val(&o);
        o.metadata = md.vp();
        o.cdw13 = 0x7;
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ns_cmd_write_ext(ns, q, data.vp(), 32, 8, Some(cb), d.arg(), &mut o),
            0
        );
        poll_until(q, &d, 1);
        assert!(d.last().is_success());
        let stored = model.with(|m| m.metadata(1).unwrap()[32 * 16..40 * 16].to_vec());
        assert_eq!(&stored[..], md.bytes());
        // Read back through the scatter-list form.
        let back = Buf::new(4096);
        let md2 = Buf::new(128);
        let mut o2 = o;
        o2.metadata = md2.vp();
        let mut sg = Sgl {
            elems: vec![(back.p, 1024), (back.p.add(1024), 3072)],
            i: 0,
            off: 0,
        };
        // The scatter list is also the completion's argument.
        static mut EXT_DONE: usize = 0;
        unsafe extern "C" fn ext_cb(_a: *mut c_void, cpl: *const Cpl) {
            assert!((*cpl).is_success(), "{:?}", *cpl);
            EXT_DONE += 1;
        }
        assert_eq!(
            spdk_nvme_ns_cmd_readv_ext(
                ns,
                q,
                32,
                8,
                Some(ext_cb),
                (&mut sg as *mut Sgl).cast(),
                Some(sgl_reset),
                Some(sgl_next),
                &mut o2
            ),
            0
        );
        while EXT_DONE == 0 {
            spdk_nvme_qpair_process_completions(q, 0);
        }
        assert_eq!((back.bytes(), md2.bytes()), (data.bytes(), md.bytes()));
        d.n += 1;
        // A caller that knows only `size` and the memory domain fields:
        // the metadata pointer past them is not read (namespace 2 has no
        // metadata; a bogus pointer would fail the command). Options NULL
        // work too.
        let ns2 = spdk_nvme_ctrlr_get_ns(c, 2);
        let mut short = o;
        short.size = 24;
        short.metadata = ptr::dangling_mut::<c_void>();
        assert_eq!(
            spdk_nvme_ns_cmd_write_ext(ns2, q, data.vp(), 32, 8, Some(cb), d.arg(), &mut short),
            0
        );
        poll_until(q, &d, 3);
        assert!(d.last().is_success());
        assert_eq!(
            spdk_nvme_ns_cmd_read_ext(ns2, q, back.vp(), 32, 8, Some(cb), d.arg(), ptr::null_mut()),
            0
        );
        d.n -= 1;
        poll_until(q, &d, 3);
        assert!(d.last().is_success());
        // What cannot be honoured is refused, not ignored.
        let mut dom = o;
        dom.memory_domain = 8 as *mut _;
        assert_eq!(
            spdk_nvme_ns_cmd_read_ext(ns, q, back.vp(), 32, 8, Some(cb), d.arg(), &mut dom),
            -libc::EINVAL
        );
        let mut seq = o;
        seq.accel_sequence = 8 as *mut c_void;
        assert_eq!(
            spdk_nvme_ns_cmd_write_ext(ns, q, data.vp(), 32, 8, Some(cb), d.arg(), &mut seq),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ns_cmd_read_ext(ns, q, ptr::null_mut(), 32, 8, Some(cb), d.arg(), &mut o),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ns_cmd_writev_ext(ns, q, 0, 1, Some(cb), d.arg(), None, None, &mut o),
            -libc::EINVAL
        );
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        spdk_nvme_detach(c);
    }
}

#[test]
fn reservations() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let f = spdk_nvme_ns_get_flags(ns);
        assert_ne!(
            f & spdk_nvme_ns_flags::SPDK_NVME_NS_RESERVATION_SUPPORTED as u32,
            0
        );
        let q = qpair(c);
        let mut d = Done::default();
        // Key data and report buffers live in ordinary memory: the driver
        // copies them through DMA memory.
        let mut reg = ReservationRegisterData {
            crkey: 0,
            nrkey: 0x1111,
        };
        let act = |a| ResvRegisterActionArg(a);
        assert_eq!(
            spdk_nvme_ns_cmd_reservation_register(
                ns,
                q,
                &mut reg,
                true,
                act(0),
                ResvCptplArg(2),
                Some(cb),
                d.arg()
            ),
            0
        );
        poll_until(q, &d, 1);
        assert!(d.last().is_success(), "{:?}", sc(&d.last()));
        let mut report = vec![0u8; 48];
        let rep = report.as_mut_ptr().cast();
        assert_eq!(
            spdk_nvme_ns_cmd_reservation_report(ns, q, rep, 48, Some(cb), d.arg()),
            0
        );
        poll_until(q, &d, 2);
        assert!(d.last().is_success());
        assert_eq!(
            u16::from_le_bytes([report[5], report[6]]),
            1,
            "one registrant"
        );
        assert_eq!(report[9], 1, "persist through power loss");
        assert_eq!(
            u64::from_le_bytes(report[40..48].try_into().unwrap()),
            0x1111
        );
        // Acquire write exclusive, then a release of another type fails.
        let mut acq = ReservationAcquireData {
            crkey: 0x1111,
            prkey: 0,
        };
        assert_eq!(
            spdk_nvme_ns_cmd_reservation_acquire(
                ns,
                q,
                &mut acq,
                false,
                ResvAcquireActionArg(0),
                ResvTypeArg(1),
                Some(cb),
                d.arg()
            ),
            0
        );
        poll_until(q, &d, 3);
        assert!(d.last().is_success());
        assert_eq!(
            spdk_nvme_ns_cmd_reservation_report(ns, q, rep, 48, Some(cb), d.arg()),
            0
        );
        poll_until(q, &d, 4);
        assert_eq!((report[4], report[26]), (1, 1), "held, by this controller");
        let mut key = ReservationKeyData { crkey: 0x1111 };
        let rel = ResvReleaseActionArg(0);
        assert_eq!(
            spdk_nvme_ns_cmd_reservation_release(
                ns,
                q,
                &mut key,
                false,
                rel,
                ResvTypeArg(2),
                Some(cb),
                d.arg()
            ),
            0
        );
        poll_until(q, &d, 5);
        assert_eq!(sc(&d.last()), (0, 0x02));
        assert_eq!(
            spdk_nvme_ns_cmd_reservation_release(
                ns,
                q,
                &mut key,
                false,
                rel,
                ResvTypeArg(1),
                Some(cb),
                d.arg()
            ),
            0
        );
        poll_until(q, &d, 6);
        assert!(d.last().is_success());
        // A wrong current key is a reservation conflict.
        let mut bad = ReservationRegisterData {
            crkey: 0x2222,
            nrkey: 0x3333,
        };
        assert_eq!(
            spdk_nvme_ns_cmd_reservation_register(
                ns,
                q,
                &mut bad,
                false,
                act(2),
                ResvCptplArg(0),
                Some(cb),
                d.arg()
            ),
            0
        );
        poll_until(q, &d, 7);
        assert_eq!(sc(&d.last()), (0, 0x83));
        // Unregister: nobody left.
        let mut unreg = ReservationRegisterData {
            crkey: 0x1111,
            nrkey: 0,
        };
        assert_eq!(
            spdk_nvme_ns_cmd_reservation_register(
                ns,
                q,
                &mut unreg,
                false,
                act(1),
                ResvCptplArg(0),
                Some(cb),
                d.arg()
            ),
            0
        );
        poll_until(q, &d, 8);
        assert!(d.last().is_success());
        assert_eq!(
            spdk_nvme_ns_cmd_reservation_report(ns, q, rep, 24, Some(cb), d.arg()),
            0
        );
        poll_until(q, &d, 9);
        assert_eq!(u16::from_le_bytes([report[5], report[6]]), 0);
        // Bad input.
        assert_eq!(
            spdk_nvme_ns_cmd_reservation_report(ns, q, rep, 10, Some(cb), d.arg()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ns_cmd_reservation_report(ns, q, ptr::null_mut(), 24, Some(cb), d.arg()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ns_cmd_reservation_register(
                ns,
                q,
                ptr::null_mut(),
                false,
                act(0),
                ResvCptplArg(0),
                Some(cb),
                d.arg()
            ),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ns_cmd_reservation_acquire(
                ns,
                q,
                &mut acq,
                false,
                ResvAcquireActionArg(9),
                ResvTypeArg(1),
                Some(cb),
                d.arg()
            ),
            -libc::EINVAL
        );
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        spdk_nvme_detach(c);
    }
}

#[test]
fn scatter_lists_through_prps() {
    let model = Model::new(ModelConfig::default());
    unsafe {
        // Page-compatible: one command.
        let n = sgl_round_trip(
            &model,
            false,
            &[(512, 3584), (8192, 8192), (65536, 1024)],
            0,
        );
        assert_eq!(n, 1);
        // Elements that break PRP rules: split into pieces, each its own
        // command (a middle element ending mid-page, one starting mid-page).
        let n = sgl_round_trip(
            &model,
            false,
            &[(0, 2048), (16384, 4096), (40960 + 512, 1536)],
            64,
        );
        assert_eq!(n, 3);
    }
}

#[test]
fn scatter_lists_through_sgls() {
    let model = Model::new(ModelConfig {
        sgl: 1,
        ..Default::default()
    });
    unsafe {
        // Byte-granular SGL elements need no split.
        let n = sgl_round_trip(&model, true, &[(100, 412), (5000, 1124), (70000, 2560)], 8);
        assert_eq!(n, 1);
        // More elements than max_sges (768 here): split into commands.
        let many: Vec<(usize, u32)> = (0..1000).map(|i| (i * 1024 + 512, 512)).collect();
        assert_eq!(sgl_round_trip(&model, true, &many, 512), 2);
    }
}

#[test]
fn transfers_over_one_prp_list_page() {
    // 8 MiB transfers allowed: a 6 MiB read needs 1536 list entries, over
    // three chained PRP list pages, which the device walks.
    let model = Model::new(ModelConfig {
        namespaces: vec![ModelNs {
            blocks: 32768,
            ..Default::default()
        }],
        mdts: 11,
        max_xfer: 8 << 20,
        ..Default::default()
    });
    let c = attach(&model);
    unsafe {
        assert_eq!(spdk_nvme_ctrlr_get_max_xfer_size(c), 8 << 20);
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        let before = model.with(|m| m.commands);
        write_read_check(ns, q, 1000, 12288, 512, 1024);
        // One write and one read: not split.
        assert_eq!(model.with(|m| m.commands) - before, 2);
        spdk_nvme_detach(c);
    }
}

#[test]
fn splits_on_mdts_and_optimal_boundary() {
    let model = Model::new(ModelConfig {
        namespaces: vec![
            ModelNs {
                blocks: 8192,
                ..Default::default()
            },
            ModelNs {
                blocks: 8192,
                noiob: 16,
                ..Default::default()
            },
        ],
        // 128 KiB per command.
        mdts: 5,
        ..Default::default()
    });
    let c = attach(&model);
    unsafe {
        assert_eq!(spdk_nvme_ctrlr_get_max_xfer_size(c), 128 << 10);
        let q = qpair(c);
        let ns1 = spdk_nvme_ctrlr_get_ns(c, 1);
        let before = model.with(|m| m.commands);
        // 1 MiB: eight commands each way, data intact.
        write_read_check(ns1, q, 10, 2048, 512, 0);
        assert_eq!(model.with(|m| m.commands) - before, 16);
        let ns2 = spdk_nvme_ctrlr_get_ns(c, 2);
        let before = model.with(|m| m.commands);
        // Blocks 10..42 cross the 16-block boundaries at 16 and 32.
        write_read_check(ns2, q, 10, 32, 512, 0);
        assert_eq!(model.with(|m| m.commands) - before, 6);
        spdk_nvme_detach(c);
    }
}

// ---- queue pairs ----

#[test]
fn queue_full_queues_then_sends() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let mut o: spdk_nvme_io_qpair_opts = std::mem::zeroed();
        spdk_nvme_ctrlr_get_default_io_qpair_opts(c, &mut o, std::mem::size_of_val(&o));
        assert_eq!((o.io_queue_size, o.io_queue_requests), (256, 512));
        o.io_queue_size = 4;
        o.io_queue_requests = 8;
        let q = spdk_nvme_ctrlr_alloc_io_qpair(c, &o, std::mem::size_of_val(&o));
        assert!(!q.is_null());
        model.set_auto_step(false);
        let b = Buf::new(4096);
        let mut d = Done::default();
        for i in 0..8 {
            assert_eq!(
                spdk_nvme_ns_cmd_read(ns, q, b.vp(), i, 1, Some(cb), d.arg(), 0),
                0
            );
        }
        // No request left: -ENOMEM, as SPDK.
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 1, Some(cb), d.arg(), 0),
            -libc::ENOMEM
        );
        assert_eq!(spdk_nvme_qpair_get_num_outstanding_reqs(q), 8);
        // Three ring slots: the device sees three commands.
        spdk_nvme_qpair_process_completions(q, 0);
        assert_eq!(model.step(), 3);
        assert_eq!(model.step(), 0);
        for _ in 0..1000 {
            if d.n == 8 {
                break;
            }
            spdk_nvme_qpair_process_completions(q, 0);
            model.step();
        }
        assert!(d.cpls.iter().all(|c| c.is_success()));
        assert_eq!(spdk_nvme_qpair_get_num_outstanding_reqs(q), 0);
        model.set_auto_step(true);
        spdk_nvme_detach(c);
    }
}

#[test]
fn many_queue_pairs() {
    let model = Model::new(ModelConfig {
        max_io_queues: 8,
        ..Default::default()
    });
    let o = spdk_nvme_ctrlr_opts {
        num_io_queues: 6,
        ..Default::default()
    };
    let c = attach_opts(&model, Some(o));
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let qs: Vec<_> = (0..6).map(|_| qpair(c)).collect();
        // Six asked for and granted: no seventh.
        assert!(spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0).is_null());
        let mut ids: Vec<u16> = qs.iter().map(|&q| spdk_nvme_qpair_get_id(q)).collect();
        ids.sort();
        assert_eq!(ids, vec![1, 2, 3, 4, 5, 6]);
        for (i, &q) in qs.iter().enumerate() {
            write_read_check(ns, q, i as u64 * 16, 8, 512, 0);
        }
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(qs[2]), 0);
        assert!(!model.with(|m| m.has_io_queue(3)));
        let again = qpair(c);
        assert_eq!(spdk_nvme_qpair_get_id(again), 3);
        assert!(model.with(|m| m.has_io_queue(3)));
        // Detach frees the rest.
        spdk_nvme_detach(c);
    }
}

#[test]
fn reset_aborts_and_recovers() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        let qid = spdk_nvme_qpair_get_id(q);
        write_read_check(ns, q, 0, 8, 512, 0);
        model.with(|m| m.hold_io = true);
        let b = Buf::new(4096);
        let mut d = Done::default();
        for i in 0..4 {
            assert_eq!(
                spdk_nvme_ns_cmd_read(ns, q, b.vp(), i, 1, Some(cb), d.arg(), 0),
                0
            );
        }
        spdk_nvme_qpair_process_completions(q, 0);
        assert_eq!(model.with(|m| m.held().len()), 4);
        assert_eq!(spdk_nvme_ctrlr_reset(c), 0);
        // Every outstanding command completed as aborted (SQ deletion).
        assert_eq!(d.n, 4);
        assert!(d.cpls.iter().all(|c| sc(c) == (0, 0x08)));
        model.with(|m| m.hold_io = false);
        // Same handles, new queues.
        assert_eq!(spdk_nvme_qpair_get_id(q), qid);
        assert!(model.with(|m| m.has_io_queue(qid)));
        write_read_check(ns, q, 16, 8, 512, 0);
        assert_eq!(spdk_nvme_ns_get_num_sectors(ns), 2048);
        spdk_nvme_detach(c);
    }
}

// ---- timeouts, abort, events ----

struct Timeouts {
    cids: Vec<(bool, u16)>,
}

unsafe extern "C" fn on_timeout(
    arg: *mut c_void,
    _c: *mut spdk_nvme_ctrlr,
    q: *mut spdk_nvme_qpair,
    cid: u16,
) {
    (*(arg as *mut Timeouts)).cids.push((q.is_null(), cid));
}

#[test]
fn timeout_then_abort() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        let mut t = Timeouts { cids: vec![] };
        spdk_nvme_ctrlr_register_timeout_callback(
            c,
            2000,
            2000,
            Some(on_timeout),
            &mut t as *mut Timeouts as *mut c_void,
        );
        model.with(|m| m.hold_io = true);
        let b = Buf::new(4096);
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 8, Some(cb), d.arg(), 0),
            0
        );
        let t0 = std::time::Instant::now();
        while t.cids.is_empty() {
            spdk_nvme_qpair_process_completions(q, 0);
            assert!(t0.elapsed().as_secs() < 5);
        }
        assert!(t0.elapsed() >= std::time::Duration::from_micros(1900));
        let (admin, cid) = t.cids[0];
        assert!(!admin);
        // Reported once only.
        std::thread::sleep(std::time::Duration::from_millis(5));
        spdk_nvme_qpair_process_completions(q, 0);
        assert_eq!(t.cids.len(), 1);
        let mut a = Done::default();
        assert_eq!(spdk_nvme_ctrlr_cmd_abort(c, q, cid, Some(cb), a.arg()), 0);
        admin_until(c, &a, 1);
        assert!(a.last().is_success());
        assert_eq!(a.last().cdw0 & 1, 0, "aborted");
        poll_until(q, &d, 1);
        assert_eq!(sc(&d.last()), (0, 0x07));
        // Abort by callback argument: two commands with the same one.
        let mut e = Done::default();
        for lba in [8, 16] {
            assert_eq!(
                spdk_nvme_ns_cmd_read(ns, q, b.vp(), lba, 1, Some(cb), e.arg(), 0),
                0
            );
        }
        spdk_nvme_qpair_process_completions(q, 0);
        let mut a2 = Done::default();
        assert_eq!(
            spdk_nvme_ctrlr_cmd_abort_ext(c, q, e.arg(), Some(cb), a2.arg()),
            0
        );
        admin_until(c, &a2, 1);
        assert_eq!(a2.last().cdw0 & 1, 0);
        poll_until(q, &e, 2);
        assert!(e.cpls.iter().all(|c| sc(c) == (0, 0x07)));
        let mut nobody = 0u8;
        assert_eq!(
            spdk_nvme_ctrlr_cmd_abort_ext(
                c,
                q,
                (&mut nobody as *mut u8).cast(),
                Some(cb),
                a2.arg()
            ),
            -libc::ENOENT
        );
        // Aborting a command that is not there: not aborted (bit 0 set).
        assert_eq!(spdk_nvme_ctrlr_cmd_abort(c, q, 77, Some(cb), a2.arg()), 0);
        admin_until(c, &a2, 2);
        assert_eq!(a2.last().cdw0 & 1, 1);
        spdk_nvme_ctrlr_register_timeout_callback(c, 0, 0, None, ptr::null_mut());
        model.with(|m| m.hold_io = false);
        spdk_nvme_detach(c);
    }
}

#[derive(Default)]
struct Events {
    cdw0: Vec<u32>,
}

unsafe extern "C" fn on_aer(arg: *mut c_void, cpl: *const Cpl) {
    (*(arg as *mut Events)).cdw0.push((*cpl).cdw0);
}

#[test]
fn asynchronous_events_and_admin_commands() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let mut ev = Events::default();
        spdk_nvme_ctrlr_register_aer_callback(
            c,
            Some(on_aer),
            &mut ev as *mut Events as *mut c_void,
        );
        // Temperature warning (SMART type 1, info 1, log page 2).
        model.with(|m| m.raise_event(1 | 1 << 8 | 2 << 16));
        model.with(|m| m.ns_changed(1));
        for _ in 0..100 {
            spdk_nvme_ctrlr_process_admin_completions(c);
        }
        assert_eq!(ev.cdw0, vec![1 | 1 << 8 | 2 << 16, 2 | 4 << 16]);
        // The requests were sent again: more events arrive.
        model.with(|m| m.raise_event(1));
        for _ in 0..10 {
            spdk_nvme_ctrlr_process_admin_completions(c);
        }
        assert_eq!(ev.cdw0.len(), 3);
        // Get/set features, log page, raw identify.
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ctrlr_cmd_set_feature(c, 0x06, 1, 0, ptr::null_mut(), 0, Some(cb), d.arg()),
            0
        );
        assert_eq!(
            spdk_nvme_ctrlr_cmd_get_feature(c, 0x06, 0, ptr::null_mut(), 0, Some(cb), d.arg()),
            0
        );
        admin_until(c, &d, 2);
        assert_eq!(d.last().cdw0, 1);
        let page = Buf::new(512);
        assert_eq!(
            spdk_nvme_ctrlr_cmd_get_log_page(
                c,
                2,
                0xffff_ffff,
                page.vp(),
                512,
                0,
                Some(cb),
                d.arg()
            ),
            0
        );
        admin_until(c, &d, 3);
        assert!(d.last().is_success());
        assert_eq!(u16::from_le_bytes([page.bytes()[1], page.bytes()[2]]), 300);
        assert_eq!(
            spdk_nvme_ctrlr_cmd_get_log_page(c, 0x42, 0, page.vp(), 512, 0, Some(cb), d.arg()),
            0
        );
        admin_until(c, &d, 4);
        assert_eq!(sc(&d.last()), (1, 0x09));
        let id = Buf::new(4096);
        let mut cmd = Cmd::new(0x06, 1);
        cmd.cdw10 = 0;
        assert_eq!(
            spdk_nvme_ctrlr_cmd_admin_raw(c, &mut cmd, id.vp(), 4096, Some(cb), d.arg()),
            0
        );
        admin_until(c, &d, 5);
        assert!(d.last().is_success());
        assert_eq!(
            u64::from_le_bytes(id.bytes()[..8].try_into().unwrap()),
            2048
        );
        // Raw I/O command on a pair.
        let q = qpair(c);
        let mut rd = Cmd::new(0x02, 1);
        rd.cdw12 = 7;
        let b = Buf::new(4096);
        let mut e = Done::default();
        assert_eq!(
            spdk_nvme_ctrlr_cmd_io_raw(c, q, &mut rd, b.vp(), 4096, Some(cb), e.arg()),
            0
        );
        poll_until(q, &e, 1);
        assert!(e.last().is_success());
        spdk_nvme_detach(c);
    }
}

#[test]
fn keep_alive_is_sent() {
    // A controller with keep alive and a 100 ms timeout in force.
    let model = Model::new(ModelConfig {
        kas: 1,
        kato_ms: 100,
        ..Default::default()
    });
    let c = attach(&model);
    unsafe {
        assert_eq!((*spdk_nvme_ctrlr_get_opts(c)).keep_alive_timeout_ms, 100);
        let t0 = std::time::Instant::now();
        while t0.elapsed() < std::time::Duration::from_millis(130) {
            spdk_nvme_ctrlr_process_admin_completions(c);
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        // At once, then every 50 ms: about three in 130 ms.
        let n = model.with(|m| m.keep_alives);
        assert!((2..=4).contains(&n), "{n} keep alives");
        spdk_nvme_detach(c);
    }
    // Without KAS, none (the timeout is dropped from the options).
    let model = Model::new(ModelConfig {
        kato_ms: 100,
        ..Default::default()
    });
    let c = attach(&model);
    unsafe {
        assert_eq!((*spdk_nvme_ctrlr_get_opts(c)).keep_alive_timeout_ms, 0);
        for _ in 0..10 {
            spdk_nvme_ctrlr_process_admin_completions(c);
        }
        assert_eq!(model.with(|m| m.keep_alives), 0);
        spdk_nvme_detach(c);
    }
}

// ---- faults and bad input ----

#[test]
fn unknown_and_duplicate_completions_are_reported_not_fatal() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        let qid = spdk_nvme_qpair_get_id(q);
        // A completion for a CID beyond the pair's, and one for a free CID.
        model.with(|m| m.inject_completion(qid, 0xfff0));
        model.with(|m| m.inject_completion(qid, 5));
        assert_eq!(spdk_nvme_qpair_process_completions(q, 0), 2);
        // A completion posted twice: the second finds nothing.
        model.with(|m| m.faults.duplicate_next = true);
        let b = Buf::new(4096);
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 8, Some(cb), d.arg(), 0),
            0
        );
        for _ in 0..10 {
            spdk_nvme_qpair_process_completions(q, 0);
        }
        assert_eq!(d.n, 1);
        // The pair keeps working.
        write_read_check(ns, q, 0, 8, 512, 0);
        // Same on the admin queue.
        model.with(|m| m.inject_completion(0, 0x7777));
        assert!(spdk_nvme_ctrlr_process_admin_completions(c) >= 0);
        spdk_nvme_detach(c);
    }
}

#[test]
fn wrong_phase_times_out_and_reset_recovers() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        let mut t = Timeouts { cids: vec![] };
        spdk_nvme_ctrlr_register_timeout_callback(
            c,
            1000,
            1000,
            Some(on_timeout),
            &mut t as *mut Timeouts as *mut c_void,
        );
        model.with(|m| m.faults.wrong_phase_next = true);
        let b = Buf::new(4096);
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 8, Some(cb), d.arg(), 0),
            0
        );
        let t0 = std::time::Instant::now();
        while t.cids.is_empty() {
            assert_eq!(spdk_nvme_qpair_process_completions(q, 0), 0);
            assert!(t0.elapsed().as_secs() < 5);
        }
        // The completion never became visible; the application resets.
        assert_eq!(d.n, 0);
        assert_eq!(spdk_nvme_ctrlr_reset(c), 0);
        assert_eq!(d.n, 1);
        assert_eq!(sc(&d.last()), (0, 0x08));
        spdk_nvme_ctrlr_register_timeout_callback(c, 0, 0, None, ptr::null_mut());
        write_read_check(ns, q, 0, 8, 512, 0);
        spdk_nvme_detach(c);
    }
}

#[test]
fn controller_fatal_status_and_failed_controller() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        model.with(|m| m.set_fatal());
        assert_eq!(spdk_nvme_ctrlr_get_regs_csts(c).cfs(), 1);
        let b = Buf::new(4096);
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 8, Some(cb), d.arg(), 0),
            0
        );
        for _ in 0..100 {
            spdk_nvme_qpair_process_completions(q, 0);
        }
        assert_eq!(d.n, 0);
        // The application fails the controller: commands end aborted,
        // the pair reports -ENXIO, I/O is refused.
        spdk_nvme_ctrlr_fail(c);
        assert!(spdk_nvme_ctrlr_is_failed(c));
        assert_eq!(d.n, 1);
        assert_eq!(spdk_nvme_qpair_process_completions(q, 0), -libc::ENXIO);
        assert!(!spdk_nvme_qpair_is_connected(q));
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 8, Some(cb), d.arg(), 0),
            -libc::ENXIO
        );
        assert!(spdk_nvme_ctrlr_alloc_io_qpair(c, ptr::null(), 0).is_null());
        // A reset clears fatal status and brings the pair back.
        assert_eq!(spdk_nvme_ctrlr_reset(c), 0);
        assert!(!spdk_nvme_ctrlr_is_failed(c));
        assert_eq!(spdk_nvme_ctrlr_get_regs_csts(c).cfs(), 0);
        assert!(spdk_nvme_qpair_is_connected(q));
        write_read_check(ns, q, 0, 8, 512, 0);
        spdk_nvme_detach(c);
    }
}

#[test]
fn bad_input_is_an_error() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        let b = Buf::new(8192);
        let mut d = Done::default();
        let e = -libc::EINVAL;
        assert_eq!(
            spdk_nvme_ns_cmd_read(ptr::null_mut(), q, b.vp(), 0, 1, Some(cb), d.arg(), 0),
            e
        );
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, ptr::null_mut(), b.vp(), 0, 1, Some(cb), d.arg(), 0),
            e
        );
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, ptr::null_mut(), 0, 1, Some(cb), d.arg(), 0),
            e
        );
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 0, Some(cb), d.arg(), 0),
            e
        );
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 1, Some(cb), d.arg(), 0x100),
            e
        );
        assert_eq!(
            spdk_nvme_ns_cmd_readv(ns, q, 0, 1, Some(cb), d.arg(), 0, None, None),
            e
        );
        assert_eq!(
            spdk_nvme_ns_cmd_write_zeroes(ns, q, 0, 70000, Some(cb), d.arg(), 0),
            e
        );
        assert_eq!(
            spdk_nvme_ns_cmd_dataset_management(ns, q, 4, ptr::null(), 1, Some(cb), d.arg()),
            e
        );
        let r = DsmRange::default();
        assert_eq!(
            spdk_nvme_ns_cmd_dataset_management(ns, q, 4, &r, 0, Some(cb), d.arg()),
            e
        );
        assert_eq!(
            spdk_nvme_ctrlr_cmd_get_log_page(c, 2, 0, b.vp(), 6, 0, Some(cb), d.arg()),
            e
        );
        assert_eq!(
            spdk_nvme_ctrlr_cmd_admin_raw(
                c,
                ptr::null_mut(),
                ptr::null_mut(),
                0,
                None,
                ptr::null_mut()
            ),
            e
        );
        assert_eq!(spdk_nvme_qpair_process_completions(ptr::null_mut(), 0), e);
        assert_eq!(
            spdk_nvme_ctrlr_process_admin_completions(ptr::null_mut()),
            e
        );
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(ptr::null_mut()), 0);
        assert!(spdk_nvme_connect(ptr::null(), ptr::null(), 0).is_null());
        assert!(spdk_nvme_ctrlr_get_data(ptr::null_mut()).is_null());
        assert_eq!(spdk_nvme_ns_get_sector_size(ptr::null_mut()), 0);
        // Misaligned data (PRPs need dwords) and memory the device cannot
        // reach: the command completes with an error, nothing moves.
        assert_eq!(
            spdk_nvme_ns_cmd_write(ns, q, b.p.add(1).cast(), 0, 1, Some(cb), d.arg(), 0),
            0
        );
        let mut heap = vec![0u8; 8192];
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, heap.as_mut_ptr().cast(), 0, 1, Some(cb), d.arg(), 0),
            0
        );
        // Callbacks never run inside the submission call.
        assert_eq!(d.n, 0);
        poll_until(q, &d, 2);
        for c in &d.cpls {
            assert_eq!(sc(c), (0, 0x02));
            assert_eq!(c.status.dnr(), 1);
        }
        // A scatter list whose pieces are not whole blocks.
        let mut s = Sgl {
            elems: vec![(b.p, 300), (b.p.add(4096 + 100), 212)],
            i: 0,
            off: 0,
        };
        let arg = &mut s as *mut Sgl as *mut c_void;
        assert_eq!(
            spdk_nvme_ns_cmd_readv(
                ns,
                q,
                0,
                1,
                Some(cb),
                arg,
                0,
                Some(sgl_reset),
                Some(sgl_next)
            ),
            e
        );
        // A scatter list shorter than the I/O.
        let mut s = Sgl {
            elems: vec![(b.p, 512)],
            i: 0,
            off: 0,
        };
        let arg = &mut s as *mut Sgl as *mut c_void;
        assert_eq!(
            spdk_nvme_ns_cmd_readv(
                ns,
                q,
                0,
                2,
                Some(cb),
                arg,
                0,
                Some(sgl_reset),
                Some(sgl_next)
            ),
            e
        );
        // Status strings.
        let st = Status::new(0, 0x80);
        assert_eq!(
            CStr::from_ptr(spdk_nvme_cpl_get_status_string_ext(&st, 2))
                .to_str()
                .unwrap(),
            "LBA OUT OF RANGE"
        );
        assert_eq!(
            CStr::from_ptr(spdk_nvme_cpl_get_status_type_string(&st))
                .to_str()
                .unwrap(),
            "GENERIC"
        );
        let mut cmd = Cmd::new(0x02, 1);
        spdk_nvme_qpair_print_command(q, &mut cmd);
        spdk_nvme_qpair_print_completion_ext(q, &d.cpls[0], 2);
        // SPDK's older entry points (no opcode), as hello_world uses them.
        assert_eq!(
            CStr::from_ptr(spdk_nvme_cpl_get_status_string(&st))
                .to_str()
                .unwrap(),
            "LBA OUT OF RANGE"
        );
        let mut cpl = d.cpls[0];
        spdk_nvme_qpair_print_completion(q, &mut cpl);
        spdk_nvme_qpair_print_completion(ptr::null_mut(), &mut cpl);
        assert!(spdk_nvme_transport_available_by_name(c"tcp".as_ptr()));
        assert!(!spdk_nvme_transport_available_by_name(c"RDMA".as_ptr()));
        spdk_nvme_detach(c);
    }
}

#[test]
fn free_a_pair_from_its_own_callback() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        let qid = spdk_nvme_qpair_get_id(q);
        unsafe extern "C" fn free_me(arg: *mut c_void, _c: *const Cpl) {
            assert_eq!(spdk_nvme_ctrlr_free_io_qpair(arg.cast()), 0);
        }
        let b = Buf::new(4096);
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 1, Some(free_me), q.cast(), 0),
            0
        );
        assert_eq!(spdk_nvme_qpair_process_completions(q, 0), 1);
        assert!(!model.with(|m| m.has_io_queue(qid)));
        spdk_nvme_detach(c);
    }
}

// ---- the I/O path allocates nothing ----

#[test]
fn io_path_allocates_nothing() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        let b = Buf::new(65536);
        let mut s = Sgl {
            elems: vec![(b.p, 4096), (b.p.add(8192), 4096)],
            i: 0,
            off: 0,
        };
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        unsafe extern "C" fn count(_a: *mut c_void, cpl: *const Cpl) {
            assert!((*cpl).is_success());
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        let sarg = &mut s as *mut Sgl as *mut c_void;
        // Warm up (lazily made tables, log buffers).
        spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 8, Some(count), ptr::null_mut(), 0);
        spdk_nvme_qpair_process_completions(q, 0);
        let allocs = spdk_util::alloc_count::count_allocations(|| {
            for i in 0..1000u64 {
                let lba = (i * 16) % 1024;
                spdk_nvme_ns_cmd_read(ns, q, b.vp(), lba, 8, Some(count), ptr::null_mut(), 0);
                spdk_nvme_ns_cmd_write(ns, q, b.vp(), lba, 128, Some(count), ptr::null_mut(), 0);
                spdk_nvme_ns_cmd_readv(
                    ns,
                    q,
                    lba,
                    16,
                    Some(count),
                    sarg,
                    0,
                    Some(sgl_reset),
                    Some(sgl_next),
                );
                spdk_nvme_ns_cmd_flush(ns, q, Some(count), ptr::null_mut());
                spdk_nvme_qpair_process_completions(q, 0);
            }
            while spdk_nvme_qpair_get_num_outstanding_reqs(q) > 0 {
                spdk_nvme_qpair_process_completions(q, 0);
            }
        });
        assert_eq!(allocs, 0, "allocations on the I/O path");
        assert_eq!(N.load(std::sync::atomic::Ordering::Relaxed), 4001);
        spdk_nvme_detach(c);
    }
}

#[test]
fn transport_options() {
    use spdk_nvme::ffi::nvme::transport_opts::*;
    unsafe {
        let size = std::mem::size_of::<spdk_nvme_transport_opts>();
        let mut o: spdk_nvme_transport_opts = std::mem::zeroed();
        spdk_nvme_transport_get_opts(&mut o, size);
        assert_eq!(
            (
                o.opts_size,
                o.rdma_cm_event_timeout_ms,
                o.tcp_connect_timeout_ms
            ),
            (32, 1000, 0)
        );
        o.tcp_connect_timeout_ms = 1500;
        assert_eq!(spdk_nvme_transport_set_opts(&o, size), 0);
        let mut back: spdk_nvme_transport_opts = std::mem::zeroed();
        spdk_nvme_transport_get_opts(&mut back, size);
        assert_eq!(back.tcp_connect_timeout_ms, 1500);
        // A caller that knows only the first 8 bytes gets only those.
        let mut small: spdk_nvme_transport_opts = std::mem::zeroed();
        small.tcp_connect_timeout_ms = 77;
        spdk_nvme_transport_get_opts(&mut small, 8);
        assert_eq!(small.tcp_connect_timeout_ms, 77);
        // Fields past the caller's own opts_size are left alone.
        let mut part = back;
        part.opts_size = 16;
        part.tcp_connect_timeout_ms = 9;
        assert_eq!(spdk_nvme_transport_set_opts(&part, size), 0);
        spdk_nvme_transport_get_opts(&mut back, size);
        assert_eq!(back.tcp_connect_timeout_ms, 1500);
        let mut bad = back;
        bad.tcp_connect_timeout_ms = u32::MAX;
        assert_eq!(spdk_nvme_transport_set_opts(&bad, size), -libc::EINVAL);
        assert_eq!(
            spdk_nvme_transport_set_opts(ptr::null(), size),
            -libc::EINVAL
        );
        assert_eq!(spdk_nvme_transport_set_opts(&back, 0), -libc::EINVAL);
        back.tcp_connect_timeout_ms = 0;
        assert_eq!(spdk_nvme_transport_set_opts(&back, size), 0);
    }
}

#[test]
fn verify_write_uncorrectable_and_helpers() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        assert!(spdk_nvme_ns_supports_write_uncorrectable(ns));
        let q = qpair(c);
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ns_cmd_verify(ns, q, 0, 64, Some(cb), d.arg(), 0),
            0
        );
        poll_until(q, &d, 1);
        assert!(d.last().is_success());
        assert_eq!(
            spdk_nvme_ns_cmd_write_uncorrectable(ns, q, 40, 2, Some(cb), d.arg()),
            0
        );
        poll_until(q, &d, 2);
        assert!(d.last().is_success());
        assert_eq!(
            spdk_nvme_ns_cmd_verify(ns, q, 0, 64, Some(cb), d.arg(), 0),
            0
        );
        poll_until(q, &d, 3);
        assert_eq!(sc(&d.last()), (2, 0x81), "unrecovered read error");
        assert_eq!(
            spdk_nvme_ns_cmd_verify(ns, q, 0, 65537, Some(cb), d.arg(), 0),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_ns_cmd_write_uncorrectable(ns, q, 0, 0, Some(cb), d.arg()),
            -libc::EINVAL
        );
        // Queue IDs for pairs the caller builds itself.
        let qid = spdk_nvme_ctrlr_alloc_qid(c);
        assert!(qid >= 2, "pair 1 has the first ID: {qid}");
        spdk_nvme_ctrlr_free_qid(c, qid as u16);
        assert_eq!(spdk_nvme_ctrlr_alloc_qid(c), qid);
        spdk_nvme_ctrlr_free_qid(c, qid as u16);
        // The model has no NVM subsystem reset.
        assert!(!spdk_nvme_ctrlr_is_nssr_supported(c));
        assert_eq!(spdk_nvme_ctrlr_reset_subsystem(c), -libc::ENOTSUP);
        // The model is not a PCI function: no mapped registers.
        assert!(spdk_nvme_ctrlr_get_registers(c).is_null());
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        spdk_nvme_detach(c);
        // PI check flags.
        use spdk_nvme::ffi::nvme::{spdk_nvme_prchk_flags_parse, spdk_nvme_prchk_flags_str};
        let mut f = 0u32;
        assert_eq!(
            spdk_nvme_prchk_flags_parse(&mut f, c"prchk:reftag|guard".as_ptr()),
            0
        );
        assert_eq!(f, (1 << 26) | (1 << 28));
        assert_eq!(
            CStr::from_ptr(spdk_nvme_prchk_flags_str(f))
                .to_str()
                .unwrap(),
            "prchk:reftag|guard"
        );
        let mut g = 0u32;
        assert_eq!(
            spdk_nvme_prchk_flags_parse(&mut g, c"PRCHK:Guard".as_ptr()),
            0
        );
        assert_eq!(
            CStr::from_ptr(spdk_nvme_prchk_flags_str(g))
                .to_str()
                .unwrap(),
            "prchk:guard"
        );
        assert!(spdk_nvme_prchk_flags_str(0).is_null());
        assert_eq!(
            spdk_nvme_prchk_flags_parse(&mut g, c"trtype:PCIe".as_ptr()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_prchk_flags_parse(&mut g, c"prchk".as_ptr()),
            -libc::EINVAL
        );
        assert_eq!(
            spdk_nvme_prchk_flags_parse(ptr::null_mut(), c"prchk:guard".as_ptr()),
            -libc::EINVAL
        );
    }
}

#[test]
fn aborted_commands_carry_dnr_when_asked() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        spdk_nvme_qpair_set_abort_dnr(q, true);
        model.with(|m| m.hold_io = true);
        let b = Buf::new(4096);
        let mut d = Done::default();
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 1, Some(cb), d.arg(), 0),
            0
        );
        spdk_nvme_qpair_process_completions(q, 0);
        assert_eq!(spdk_nvme_ctrlr_reset(c), 0);
        assert_eq!(d.n, 1);
        let st = d.last().status;
        assert_eq!((sc(&d.last()), st.dnr()), ((0, 0x08), 1));
        // Off again: a plain abort status.
        spdk_nvme_qpair_set_abort_dnr(q, false);
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 1, Some(cb), d.arg(), 0),
            0
        );
        spdk_nvme_qpair_process_completions(q, 0);
        assert_eq!(spdk_nvme_ctrlr_reset(c), 0);
        assert_eq!(d.n, 2);
        assert_eq!(d.last().status.dnr(), 0);
        model.with(|m| m.hold_io = false);
        spdk_nvme_qpair_set_abort_dnr(ptr::null_mut(), true);
        assert_eq!(spdk_nvme_ctrlr_get_memory_domains(c, ptr::null_mut(), 0), 0);
        assert_eq!(
            spdk_nvme_ctrlr_get_admin_qp_failure_reason(c),
            spdk_nvme_qp_failure_reason::SPDK_NVME_QPAIR_FAILURE_NONE
        );
        assert_eq!(
            spdk_nvme_ctrlr_get_admin_qp_failure_reason(ptr::null_mut()),
            spdk_nvme_qp_failure_reason::SPDK_NVME_QPAIR_FAILURE_UNKNOWN
        );
        assert_eq!(
            (*spdk_nvme_ctrlr_get_opts(c)).disable_read_changed_ns_list_log_page as u8,
            0
        );
        spdk_nvme_ctrlr_disable_read_changed_ns_list_log_page(c);
        assert_eq!(
            (*spdk_nvme_ctrlr_get_opts(c)).disable_read_changed_ns_list_log_page as u8,
            1
        );
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        spdk_nvme_detach(c);
    }
}

#[test]
fn io_management_and_raw_scatter_lists() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        let mut d = Done::default();
        // Reclaim unit handle status into ordinary memory (copied back).
        let mut ruhs = vec![0xffu8; 64];
        let rc = spdk_nvme_ns_cmd_io_mgmt_recv(
            ns,
            q,
            ruhs.as_mut_ptr().cast(),
            64,
            1,
            0,
            Some(cb),
            d.arg(),
        );
        assert_eq!(rc, 0);
        poll_until(q, &d, 1);
        assert!(d.last().is_success());
        assert!(ruhs.iter().all(|&b| b == 0), "no handles");
        let mut upd = [0u8; 4];
        let rc = spdk_nvme_ns_cmd_io_mgmt_send(
            ns,
            q,
            upd.as_mut_ptr().cast(),
            4,
            1,
            0,
            Some(cb),
            d.arg(),
        );
        assert_eq!(rc, 0);
        poll_until(q, &d, 2);
        assert!(d.last().is_success());
        let rc = spdk_nvme_ns_cmd_io_mgmt_recv(
            ns,
            q,
            ruhs.as_mut_ptr().cast(),
            64,
            9,
            0,
            Some(cb),
            d.arg(),
        );
        assert_eq!(rc, 0);
        poll_until(q, &d, 3);
        assert_eq!(
            sc(&d.last()),
            (0, 0x02),
            "the controller's status comes back"
        );
        assert_eq!(
            spdk_nvme_ns_cmd_io_mgmt_recv(
                ns,
                q,
                ruhs.as_mut_ptr().cast(),
                6,
                1,
                0,
                Some(cb),
                d.arg()
            ),
            -libc::EINVAL
        );
        // A raw read whose data lands in a scatter list.
        write_read_check(ns, q, 300, 4, 512, 0);
        let want = Buf::new(2048);
        let mut dd = Done::default();
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, want.vp(), 300, 4, Some(cb), dd.arg(), 0),
            0
        );
        poll_until(q, &dd, 1);
        let a = Buf::new(4096);
        let b = Buf::new(4096);
        let mut sg = Sgl {
            // PRP-compatible (a raw command is never split): the first
            // piece ends on a page boundary, the second starts on one.
            elems: vec![(a.p.add(3072), 1024), (b.p, 1024)],
            i: 0,
            off: 0,
        };
        static mut RAW_DONE: usize = 0;
        unsafe extern "C" fn raw_cb(_a: *mut c_void, cpl: *const Cpl) {
            assert!((*cpl).is_success(), "{:?}", *cpl);
            RAW_DONE += 1;
        }
        let mut cmd = Cmd::new(0x02, 1);
        cmd.cdw10 = 300;
        cmd.cdw12 = 3;
        let arg = (&mut sg as *mut Sgl).cast();
        let rc = spdk_nvme_ctrlr_cmd_iov_raw_with_md(
            c,
            q,
            &mut cmd,
            2048,
            ptr::null_mut(),
            Some(raw_cb),
            arg,
            Some(sgl_reset),
            Some(sgl_next),
        );
        assert_eq!(rc, 0);
        while RAW_DONE == 0 {
            spdk_nvme_qpair_process_completions(q, 0);
        }
        assert_eq!(&a.bytes()[3072..], &want.bytes()[..1024]);
        assert_eq!(&b.bytes()[..1024], &want.bytes()[1024..]);
        let rc = spdk_nvme_ctrlr_cmd_iov_raw_with_md(
            c,
            q,
            &mut cmd,
            2048,
            ptr::null_mut(),
            Some(raw_cb),
            arg,
            None,
            Some(sgl_next),
        );
        assert_eq!(rc, -libc::EINVAL);
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        spdk_nvme_detach(c);
    }
}

#[test]
fn command_error_injection() {
    let model = Model::new(ModelConfig::default());
    let c = attach(&model);
    unsafe {
        let ns = spdk_nvme_ctrlr_get_ns(c, 1);
        let q = qpair(c);
        let b = Buf::new(4096);
        let mut d = Done::default();
        // Two reads held back and failed with Internal Error (6), 0 us.
        assert_eq!(
            spdk_nvme_qpair_add_cmd_error_injection(c, q, 0x02, true, 0, 2, 0, 0x06),
            0
        );
        let before = model.with(|m| m.commands);
        for i in 0..3 {
            assert_eq!(
                spdk_nvme_ns_cmd_read(ns, q, b.vp(), i, 1, Some(cb), d.arg(), 0),
                0
            );
        }
        poll_until(q, &d, 3);
        let errs: Vec<_> = d.cpls.iter().map(sc).collect();
        assert_eq!(errs.iter().filter(|&&s| s == (0, 0x06)).count(), 2);
        assert_eq!(errs.iter().filter(|&&s| s == (0, 0)).count(), 1);
        assert_eq!(
            model.with(|m| m.commands) - before,
            1,
            "only the third reached the device"
        );
        // Sent, but the completion says Compare Failure (media, 0x85).
        assert_eq!(
            spdk_nvme_qpair_add_cmd_error_injection(c, q, 0x01, false, 0, 1, 2, 0x85),
            0
        );
        assert_eq!(
            spdk_nvme_ns_cmd_write(ns, q, b.vp(), 0, 1, Some(cb), d.arg(), 0),
            0
        );
        poll_until(q, &d, 4);
        assert_eq!(sc(&d.last()), (2, 0x85));
        assert_eq!(
            spdk_nvme_ns_cmd_write(ns, q, b.vp(), 0, 1, Some(cb), d.arg(), 0),
            0
        );
        poll_until(q, &d, 5);
        assert!(d.last().is_success(), "count used up");
        // Removed: reads go through again.
        assert_eq!(
            spdk_nvme_qpair_add_cmd_error_injection(c, q, 0x02, true, 0, 5, 0, 0x06),
            0
        );
        spdk_nvme_qpair_remove_cmd_error_injection(c, q, 0x02);
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 1, Some(cb), d.arg(), 0),
            0
        );
        poll_until(q, &d, 6);
        assert!(d.last().is_success());
        // Held requests go away with the pair (completed as aborted).
        assert_eq!(
            spdk_nvme_qpair_add_cmd_error_injection(c, q, 0x02, true, 60_000_000, 1, 0, 0x06),
            0
        );
        assert_eq!(
            spdk_nvme_ns_cmd_read(ns, q, b.vp(), 0, 1, Some(cb), d.arg(), 0),
            0
        );
        spdk_nvme_qpair_process_completions(q, 0);
        assert_eq!(d.n, 6, "held for a minute");
        assert_eq!(spdk_nvme_ctrlr_free_io_qpair(q), 0);
        assert_eq!(d.n, 7);
        assert_eq!(sc(&d.last()), (0, 0x08), "aborted with the queue");
        // Admin queue (NULL pair): Get Features fails without reaching it.
        assert_eq!(
            spdk_nvme_qpair_add_cmd_error_injection(c, ptr::null_mut(), 0x0a, true, 0, 1, 0, 0x02),
            0
        );
        let mut a = Done::default();
        let rc = spdk_nvme_ctrlr_cmd_get_feature(c, 7, 0, ptr::null_mut(), 0, Some(cb), a.arg());
        assert_eq!(rc, 0);
        while ptr::read_volatile(&a.n) == 0 {
            spdk_nvme_ctrlr_process_admin_completions(c);
        }
        assert_eq!(sc(&a.last()), (0, 0x02));
        spdk_nvme_qpair_remove_cmd_error_injection(c, ptr::null_mut(), 0x0a);
        assert_eq!(
            spdk_nvme_qpair_add_cmd_error_injection(
                ptr::null_mut(),
                ptr::null_mut(),
                2,
                true,
                0,
                1,
                0,
                6
            ),
            -libc::EINVAL
        );
        spdk_nvme_detach(c);
    }
}

#[test]
fn unsupported_security_and_interrupt_options_are_refused() {
    let model = Model::new(ModelConfig::default());
    unsafe {
        let mut o: spdk_nvme_ctrlr_opts = std::mem::zeroed();
        spdk_nvme_ctrlr_get_default_ctrlr_opts(&mut o, std::mem::size_of::<spdk_nvme_ctrlr_opts>());
        let mut key = o;
        key.dhchap_key = ptr::dangling_mut();
        assert_eq!(
            probe::attach_model(&model, Some(key)).err(),
            Some(-libc::ENOTSUP)
        );
        let mut psk = o;
        psk.tls_psk = ptr::dangling_mut();
        assert_eq!(
            probe::attach_model(&model, Some(psk)).err(),
            Some(-libc::ENOTSUP)
        );
        let mut intr = o;
        intr.enable_interrupts = true;
        assert_eq!(
            probe::attach_model(&model, Some(intr)).err(),
            Some(-libc::ENOTSUP)
        );
        // The defaults attach.
        let c = attach_opts(&model, Some(o));
        spdk_nvme_detach(c);
    }
}
